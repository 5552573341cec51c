//! The scenario file: one TOML file, one model. See `docs/SCENARIOS.md` for the format and
//! `scenario.schema.json` for its JSON schema (generated from these types).
//!
//! Parsing takes a string (core does no I/O). Every error carries the byte span of the value at
//! fault and its dotted field name, so the caller can print file, line, column and field.

use std::ops::Range;

use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};
use toml::Spanned;

use crate::dist::Distribution;
use crate::hardware;
use crate::money::{IndexId, MissingIndexValue, MoneyError};
use crate::provenance::Provenance;
use crate::stack::{
    Accounting, Basis, DevelopmentAmount, DevelopmentSpec, EmissionsSpec, EnergySpec,
    EpochDefaults, FleetSpec, FlopSpec, ModelError, OwnershipSpec, Propagation, Quantity,
    RunEnergy, StackSpec, StaffDuration, StaffGroup, StaffSpec, StageSpec,
};
use crate::units::Currency;
use crate::units::{DollarDate, HOURS_PER_YEAR};

/// A scenario file, as written.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(
    feature = "schema",
    schemars(
        title = "traincost scenario",
        description = "One model's training cost: its inputs, each with a claim or an assumption."
    )
)]
pub struct ScenarioFile {
    /// Short kebab-case name (`deepseek-v3`).
    pub name: String,
    /// Title for reports (`DeepSeek-V3`).
    #[serde(default)]
    pub title: Option<String>,
    /// Who trained the model (`DeepSeek`); decides Epoch AI's PUE default.
    #[serde(default)]
    pub developer: Option<String>,
    /// Publication date of the model, `YYYY-MM-DD` or `YYYY-MM`; decides Epoch AI's electricity price default.
    #[serde(default)]
    pub published: Option<String>,
    /// What this scenario shows, in a few lines.
    #[serde(default)]
    pub description: Option<String>,
    /// Dollars that money inputs are given in unless they say otherwise: `2024` or `2023-03`.
    /// The inputs' dollars, not the report's (see `report_dollars`).
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub dollars: Spanned<String>,
    /// Dollars to report in, unless the command line says otherwise (`--dollar-year`).
    /// Default: the latest full year of the price index (for CPI-U, the latest year with a
    /// BLS annual average).
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(with = "Option<String>"))]
    pub report_dollars: Option<Spanned<String>>,
    /// Price index for dollar conversions: `cpi-u` (default) or `ppi-data-processing` (Epoch
    /// AI's); `--index` overrides it.
    #[serde(default)]
    pub index: Option<IndexId>,
    /// Accelerator used for the final run (`H800`): sets default peak FLOP/s and TDP.
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(with = "Option<String>"))]
    pub gpu: Option<Spanned<String>>,
    /// Pricing plugin for the GPU's specs and purchase prices (`nvidia-pricing`); values given
    /// in the file still win.
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(with = "Option<String>"))]
    pub pricing: Option<Spanned<String>>,
    /// A built-in scenario whose final-run stages this model builds on: its name (every stage),
    /// or `{ scenario = "deepseek-v3", stages = ["pre-training", "context-extension"] }` (those stages only).
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(with = "Option<BaseSchema>"))]
    pub base: Option<Spanned<BaseField>>,
    /// The published figure this scenario rebuilds.
    #[serde(default)]
    pub headline: Option<HeadlineFile>,
    /// Default rental price for every stage, USD per GPU-hour.
    #[serde(default)]
    pub rental_price: Option<QuantityField>,
    /// Or take the rental price from a pricing plugin (when `rental_price` is not given).
    #[serde(default)]
    pub rental_pricing: Option<RentalPricingFile>,
    /// Final-run stages, in order.
    #[serde(default)]
    pub stages: Vec<StageFile>,
    /// Epoch AI's amortized-ownership method; omitted fields take Epoch's defaults.
    #[serde(default)]
    pub ownership: Option<OwnershipFile>,
    /// Experiments, ablations, failed runs, synthetic data.
    #[serde(default)]
    pub development: Option<DevelopmentFile>,
    /// The people.
    #[serde(default)]
    pub staff: Option<StaffFile>,
    /// The owner's whole fleet.
    #[serde(default)]
    pub fleet: Option<FleetFile>,
    /// The final run's energy beside its cost (default: both forms from the scenario `gpu`).
    #[serde(default)]
    pub energy: Option<EnergyFile>,
    /// The carbon intensity of the electricity: emissions beside each energy figure.
    #[serde(default)]
    pub emissions: Option<EmissionsFile>,
}

/// The base a scenario builds on: a built-in scenario's name (all of its final-run stages) or a
/// table naming the stages taken from it.
#[derive(Debug, Clone)]
pub enum BaseField {
    /// Every final-run stage of the built-in scenario (`base = "deepseek-v3"`).
    Name(String),
    /// Only the named stages (`base = { scenario = "deepseek-v3", stages = [...] }`).
    Stages(BaseTable),
}

/// `base = { scenario = "deepseek-v3", stages = ["pre-training", "context-extension"] }`.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct BaseTable {
    /// The built-in scenario (`deepseek-v3`).
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub scenario: Spanned<String>,
    /// The base's final-run stages this model inherits, by name (`pre-training`).
    #[cfg_attr(feature = "schema", schemars(with = "Vec<String>"))]
    pub stages: Vec<Spanned<String>>,
}

impl BaseField {
    /// The base scenario's name.
    pub fn scenario(&self) -> &str {
        match self {
            BaseField::Name(n) => n,
            BaseField::Stages(t) => t.scenario.get_ref(),
        }
    }
}

impl<'de> Deserialize<'de> for BaseField {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = BaseField;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(
                    "a built-in scenario's name, or { scenario = \"NAME\", stages = [\"STAGE\", ...] }",
                )
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<BaseField, E> {
                Ok(BaseField::Name(v.to_owned()))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<BaseField, A::Error> {
                BaseTable::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(BaseField::Stages)
            }
        }
        d.deserialize_any(V)
    }
}

/// The base a scenario builds on: a built-in scenario's name, or a table naming the stages taken from it.
#[cfg(feature = "schema")]
#[derive(schemars::JsonSchema)]
#[serde(untagged)]
#[allow(dead_code)]
enum BaseSchema {
    /// A built-in scenario's name: every one of its final-run stages.
    Name(String),
    /// A built-in scenario and the stages taken from it.
    Stages(BaseTable),
}

/// The published figure a scenario rebuilds.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct HeadlineFile {
    /// Claim id of the figure.
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub claim: Spanned<String>,
    /// Stages whose rental cost make up the figure (default: every stage of this scenario, not
    /// of its base), each named once; an inherited stage is `<base> <stage>`.
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(with = "Option<Vec<String>>"))]
    pub stages: Option<Vec<Spanned<String>>>,
}

/// One stage of the final run (or of development compute).
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct StageFile {
    /// Stage name (`pre-training`).
    pub name: String,
    /// GPU-hours.
    #[serde(default)]
    pub gpu_hours: Option<QuantityField>,
    /// GPUs used (with `hours`).
    #[serde(default)]
    pub gpus: Option<QuantityField>,
    /// Wall-clock duration (with `gpus`).
    #[serde(default)]
    pub hours: Option<QuantityField>,
    /// Training compute, FLOP.
    #[serde(default)]
    pub flop: Option<QuantityField>,
    /// Parameters active per token (with `tokens`: FLOP = 6 N D).
    #[serde(default)]
    pub active_parameters: Option<QuantityField>,
    /// Training tokens.
    #[serde(default)]
    pub tokens: Option<QuantityField>,
    /// Peak FLOP/s per GPU (default: the scenario GPU's dense BF16 peak).
    #[serde(default)]
    pub peak_flops: Option<QuantityField>,
    /// Model FLOP utilization, a fraction.
    #[serde(default)]
    pub mfu: Option<QuantityField>,
    /// Rental price for this stage, USD per GPU-hour (default: the scenario's `rental_price`).
    #[serde(default)]
    pub rental_price: Option<QuantityField>,
}

/// Inputs of Epoch AI's method. Every field is optional: omitted ones take Epoch's values.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct OwnershipFile {
    /// `epoch` (default): Epoch's defaults carry Epoch's 90% ranges. `none`: Epoch's point values.
    #[serde(default)]
    pub uncertainty: Option<UncertaintyMode>,
    /// Purchase price per GPU including its server share, USD per GPU. Required.
    #[serde(default)]
    pub purchase_price: Option<QuantityField>,
    /// Hardware acquisition date `YYYY-MM-DD` (with `training_start`).
    #[serde(default)]
    pub acquired: Option<String>,
    /// Training start date `YYYY-MM-DD` (with `acquired`).
    #[serde(default)]
    pub training_start: Option<String>,
    /// Years from acquisition to training start (instead of the two dates).
    #[serde(default)]
    pub years_to_training_start: Option<QuantityField>,
    /// Price-performance trend, orders of magnitude per year (Epoch: 0.14).
    #[serde(default)]
    pub depreciation_ooms_per_year: Option<QuantityField>,
    /// Cluster over server cost (Epoch: 1 / (1 - 0.19)).
    #[serde(default)]
    pub interconnect_multiplier: Option<QuantityField>,
    /// Chip TDP, W (default: the scenario GPU's).
    #[serde(default)]
    pub tdp: Option<QuantityField>,
    /// Server power per chip over chip TDP (Epoch's rule by GPU).
    #[serde(default)]
    pub server_power_ratio: Option<QuantityField>,
    /// Average power over TDP (Epoch: 0.75 for GPUs).
    #[serde(default)]
    pub power_fraction: Option<QuantityField>,
    /// Power usage effectiveness (Epoch: 1.1 for hyperscalers, else 1.25).
    #[serde(default)]
    pub pue: Option<QuantityField>,
    /// Electricity price, USD per kWh (Epoch: US industrial average of the publication year).
    #[serde(default)]
    pub electricity_price: Option<QuantityField>,
    /// A multiplier on the electricity price for the spread of prices across likely sites
    /// (Epoch AI's development-cost study: `lognormal = [0.6, 1.7]`). Default: none.
    #[serde(default)]
    pub electricity_price_factor: Option<QuantityField>,
    /// Report the amortized hardware as `ai-chips` and `other-server` (CPUs, memory, chassis),
    /// split by `server_overhead` (default: Epoch AI's rule for the scenario's `gpu`).
    #[serde(default)]
    pub split_hardware: Option<bool>,
    /// Server cost per chip over the AI chip's cost (Epoch AI: A100 1.66, V100 1.69, P100
    /// 1.54, others incl. TPUs 1.64). Giving it splits the hardware.
    #[serde(default)]
    pub server_overhead: Option<QuantityField>,
    /// The final run's energy stated on its own, instead of Epoch AI's chip-hours x TDP formula.
    #[serde(default)]
    pub energy: Option<RunEnergyFile>,
}

/// `[ownership.energy]`: the final run's energy as a source states it: `kwh`, or a cluster's
/// `chips`, `chip_power`, `hours` and the three power multipliers (all required, 1 meaning
/// "not applied").
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RunEnergyFile {
    /// The run's energy (unit `kWh`, `MWh` or `GWh`).
    #[serde(default)]
    pub kwh: Option<QuantityField>,
    /// Or: chips drawing power (unit `GPUs`).
    #[serde(default)]
    pub chips: Option<QuantityField>,
    /// Power per chip (unit `W` or `kW`).
    #[serde(default)]
    pub chip_power: Option<QuantityField>,
    /// Server power per chip over chip power (unit `x`; 1: chip power only).
    #[serde(default)]
    pub server_power_ratio: Option<QuantityField>,
    /// Average power over the chip's rating (unit `fraction`; 1: at the rating).
    #[serde(default)]
    pub power_fraction: Option<QuantityField>,
    /// Power usage effectiveness (unit `x`; 1: no facility overhead).
    #[serde(default)]
    pub pue: Option<QuantityField>,
    /// How long the cluster ran (unit `hours`, `days`, `months`).
    #[serde(default)]
    pub hours: Option<QuantityField>,
}

pub use crate::stack::UncertaintyMode;

/// Development compute: a multiplier or explicit stages.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct DevelopmentFile {
    /// `ownership` (default when an `[ownership]` table is given) or `rental`.
    #[serde(default)]
    pub basis: Option<Basis>,
    /// Development compute as a multiple of the final run, excluding the run itself.
    #[serde(default)]
    pub multiplier: Option<QuantityField>,
    /// Or all the model's compute as a multiple of the final run, the run included: Epoch
    /// AI's experiment factor (`lognormal = [1.2, 4.0]`), sampled as given.
    #[serde(default)]
    pub factor: Option<QuantityField>,
    /// With `factor`: what a draw below 1 means. `"none"` (default): no development compute
    /// beyond the run; `"keep"`: the raw draw, a negative development layer, so that run +
    /// development is exactly `factor` x run (as Epoch AI's study computes it).
    #[serde(default)]
    pub below_one: Option<BelowOne>,
    /// With `factor`: `"per-sample"` (default) scales every ownership component by the same
    /// draw; `"refit"` draws each of the final run's ownership components (AI chips, other
    /// server, interconnect, formula energy) on its own from the lognormal through the run's
    /// cost at the factor's 5th and 95th percentiles, as Epoch AI's development-cost study.
    #[serde(default)]
    pub propagation: Option<PropagationMode>,
    /// With `propagation = "refit"`: the factor's 5th and 95th percentiles to refit at
    /// (default: the factor distribution's own; Epoch AI's study used its sample's,
    /// `[1.1918086848984546, 4.010042726127995]`).
    #[serde(default, deserialize_with = "exactly_opt")]
    pub refit_at: Option<[f64; 2]>,
    /// Or explicit stages.
    #[serde(default)]
    pub stages: Vec<StageFile>,
}

/// How a development factor reaches the ownership components.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum PropagationMode {
    /// One draw of the factor per sample scales every component.
    PerSample,
    /// Each component refit on its own (Epoch AI's study).
    Refit,
}

/// What a development factor below 1 means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum BelowOne {
    /// No development compute beyond the run (the draw counts as 1).
    None,
    /// The raw draw: development compute is negative.
    Keep,
}

/// Staff.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct StaffFile {
    /// Project duration (unit `years`, `months`, ...); or give `[staff.project]`.
    #[serde(default)]
    pub duration: Option<QuantityField>,
    /// Or the project's dates: the duration is end - start (- delay), at least a minimum.
    #[serde(default)]
    pub project: Option<ProjectDatesFile>,
    /// Role groups.
    pub groups: Vec<StaffGroupFile>,
}

/// A project duration from dates (Epoch AI's development-cost study): `[staff.project]`.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ProjectDatesFile {
    /// The 90% range of the start date, `["2022-01-01", "2022-05-31"]`, drawn as a lognormal
    /// over decimal years as Epoch AI's study does.
    #[serde(deserialize_with = "exactly")]
    pub start: [String; 2],
    /// The end date (default: the scenario's `published`).
    #[serde(default)]
    pub end: Option<String>,
    /// The work stopped this many days before `end`: a 90% range, drawn as a lognormal
    /// (GPT-3: publication minus 60-120 days). Default: it ran to `end`.
    #[serde(default, deserialize_with = "exactly_opt")]
    pub end_delay_days: Option<[f64; 2]>,
    /// A shorter project counts as this many days (default 0). Epoch AI's study redraws such
    /// samples; with its dates the minimum never binds.
    #[serde(default)]
    pub minimum_days: Option<f64>,
    /// Why these dates: the assumption and its source.
    pub assumption: String,
}

/// One role group.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct StaffGroupFile {
    /// Role name.
    pub role: String,
    /// People.
    pub headcount: QuantityField,
    /// Annual compensation per person, USD per year (or take it from `salary`).
    #[serde(default)]
    pub compensation: Option<QuantityField>,
    /// Salary plugin for the compensation: `{ plugin = "salary-cn", role = "researcher" }`.
    #[serde(default)]
    pub salary: Option<SalaryFile>,
    /// Loading on compensation (benefits, payroll, equity), a multiplier (default 1: compensation is already loaded).
    #[serde(default)]
    pub overhead: Option<QuantityField>,
    /// Share of their time on this model, a fraction.
    pub fte: QuantityField,
    /// Equity per person per year (unit `USD/year`), added to the loaded pay before the share
    /// of time: (compensation x overhead + equity) x fte, as Epoch AI's study.
    #[serde(default)]
    pub equity: Option<QuantityField>,
    /// `"per-sample"` (default): each person's equity is drawn every sample; `"once"`: drawn
    /// once per run and shared by every sample, as Epoch AI's study does for GPT-3, OPT-175B
    /// and GPT-4 (its staff percentiles then move with the seed).
    #[serde(default)]
    pub equity_draws: Option<EquityDraws>,
    /// `"per-person"` (default): every person's compensation, overhead and share of time are
    /// drawn on their own and summed (Epoch AI's method); `"shared"`: drawn once for the group,
    /// everyone alike.
    #[serde(default)]
    pub draws: Option<Draws>,
}

/// How a person's equity is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum EquityDraws {
    /// Every sample.
    PerSample,
    /// Once per run, shared by every sample.
    Once,
}

/// How a staff group's people are drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum Draws {
    /// Each person on their own, summed.
    PerPerson,
    /// Once for the whole group.
    Shared,
}

/// Where the rental price comes from: `{ plugin = "cloud-rental", provider = "AWS", commitment = "three_year" }`.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RentalPricingFile {
    /// Pricing plugin name.
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub plugin: Spanned<String>,
    /// Cloud provider (default: any the plugin offers).
    #[serde(default)]
    pub provider: Option<String>,
    /// `on_demand`, `one_year` or `three_year` (default: whatever the plugin quotes).
    #[serde(default)]
    pub commitment: Option<String>,
    /// Date of the quote to use, `YYYY-MM-DD` or `YYYY-MM` (default: the publication date).
    #[serde(default)]
    pub date: Option<String>,
}

/// Where a staff group's compensation comes from.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct SalaryFile {
    /// Salary plugin name (`salary-us`, `salary-cn`, or a loaded one).
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub plugin: Spanned<String>,
    /// The plugin's role id (`researcher`, `engineer`, ...).
    pub role: String,
    /// Year of the pay (default: the publication year).
    #[serde(default)]
    pub year: Option<i32>,
}

/// `[energy]`: the inputs of the final run's energy, reported in two forms beside its cost:
/// *accelerator* (GPU-hours x power per accelerator, the form model cards report) and
/// *facility* (Epoch AI's method: chip TDP x server power ratio x average power fraction x PUE
/// x chip-hours). With `[ownership]`, the facility form is the ownership layer's energy and its
/// inputs are set there; without, they are set here (defaults: Epoch AI's for the `gpu`).
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct EnergyFile {
    /// Power per accelerator while training, W (default: the scenario GPU's TDP); a model
    /// card's stated power (Meta's Llama cards: 700 W per H100) goes here.
    #[serde(default)]
    pub accelerator_power: Option<QuantityField>,
    /// The PUE the source multiplies its accelerator figure by, where its method says so
    /// (Meta's Llama cards: power "adjusted for power usage efficiency"); default: none.
    #[serde(default)]
    pub accelerator_pue: Option<QuantityField>,
    /// Chip TDP for the facility form, W (default: the scenario GPU's). Without `[ownership]` only.
    #[serde(default)]
    pub tdp: Option<QuantityField>,
    /// Server power per chip over chip TDP (Epoch AI's rule by GPU). Without `[ownership]` only.
    #[serde(default)]
    pub server_power_ratio: Option<QuantityField>,
    /// Average power over TDP (Epoch AI: 0.75 for GPUs, 0.43 for TPUs). Without `[ownership]` only.
    #[serde(default)]
    pub power_fraction: Option<QuantityField>,
    /// Power usage effectiveness (Epoch AI: 1.1 for hyperscalers, else 1.25). Without `[ownership]` only.
    #[serde(default)]
    pub pue: Option<QuantityField>,
}

/// `[emissions]`: where the run drew its electricity, and how clean it was: emissions (tCO2e)
/// are each energy figure x the carbon intensity, location-based and, where known,
/// market-based. Intensities come from a grid plugin for `region` and `year`, or are written
/// here (a value written here wins).
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct EmissionsFile {
    /// Region of the grid plugin's catalog (`US`, `US-OR`, `FR`, `CN`, `EU27`), or a list of
    /// the regions the run may have drawn from when its source does not say which
    /// (`["US-TX", "US-IA"]`): the intensity is then uncertain between their figures.
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(with = "Option<GridRegionsSchema>"))]
    pub region: Option<Spanned<GridRegions>>,
    /// The grid-intensity plugin to ask (default: `grid-intensity`, the first-party one).
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(with = "Option<String>"))]
    pub grid: Option<Spanned<String>>,
    /// The year of the grid figures (default: `[ownership] training_start`'s year, else the
    /// publication year), or the first and last years of a span (`[2022, 2024]`): the intensity
    /// is then uncertain between the lowest and highest figure of those years.
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(with = "Option<GridYearsSchema>"))]
    pub year: Option<GridYears>,
    /// Location-based intensity (unit `gCO2e/kWh`, `kgCO2e/kWh`, `tCO2e/MWh`, ...).
    #[serde(default)]
    pub location_intensity: Option<QuantityField>,
    /// Market-based intensity (Meta's cards: zero, by renewable matching).
    #[serde(default)]
    pub market_intensity: Option<QuantityField>,
}

/// `[emissions] region`: one region, or the regions a run may have drawn from (at most
/// [`MAX_GRID_REGIONS`], no repeats).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GridRegions(pub Vec<String>);

/// The most regions `[emissions] region` may list.
pub const MAX_GRID_REGIONS: usize = 12;

impl<'de> Deserialize<'de> for GridRegions {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = GridRegions;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(
                    "a region (`\"US\"`) or a list of the regions the run may have drawn from (`[\"US-TX\", \"US-IA\"]`) for `[emissions] region`",
                )
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<GridRegions, E> {
                Ok(GridRegions(vec![v.to_owned()]))
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<GridRegions, A::Error> {
                let mut regions: Vec<String> = Vec::new();
                while let Some(r) = seq.next_element::<String>()? {
                    if regions.contains(&r) {
                        return Err(de::Error::custom(format!(
                            "`[emissions] region` lists `{}` twice",
                            crate::clip(&r, 40)
                        )));
                    }
                    regions.push(r);
                    if regions.len() > MAX_GRID_REGIONS {
                        return Err(de::Error::custom(format!(
                            "`[emissions] region` lists more than {MAX_GRID_REGIONS} regions"
                        )));
                    }
                }
                if regions.is_empty() {
                    return Err(de::Error::custom(
                        "`[emissions] region` is an empty list: name at least one region",
                    ));
                }
                Ok(GridRegions(regions))
            }
        }
        d.deserialize_any(V)
    }
}

/// The JSON schema of [`GridRegions`].
#[cfg(feature = "schema")]
#[derive(schemars::JsonSchema)]
#[allow(dead_code)]
#[serde(untagged)]
enum GridRegionsSchema {
    /// One region.
    One(String),
    /// The regions the run may have drawn from.
    Some(Vec<String>),
}

/// `[emissions] year`: one year (`2023`), or the first and last years of a span
/// (`[2022, 2024]`) when the run drew its electricity over several years or its source does not
/// say which year's grid figure it used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GridYears {
    /// The first year.
    pub first: i32,
    /// The last year (equal to `first` for one year).
    pub last: i32,
}

impl<'de> Deserialize<'de> for GridYears {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = GridYears;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(
                    "a year (`2023`) or the first and last years of a span (`[2022, 2024]`) for `[emissions] year`",
                )
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<GridYears, E> {
                let y = i32::try_from(v).map_err(|_| E::custom(format!("{v} is not a year")))?;
                Ok(GridYears { first: y, last: y })
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<GridYears, A::Error> {
                let mut years = Vec::new();
                while let Some(y) = seq.next_element::<i32>()? {
                    years.push(y);
                }
                match years[..] {
                    [first, last] => Ok(GridYears { first, last }),
                    _ => Err(de::Error::custom(format!(
                        "`[emissions] year`: a span of years takes 2 values, the first and the last year, not {}",
                        years.len()
                    ))),
                }
            }
        }
        d.deserialize_any(V)
    }
}

/// The JSON schema of [`GridYears`].
#[cfg(feature = "schema")]
#[derive(schemars::JsonSchema)]
#[allow(dead_code)]
#[serde(untagged)]
enum GridYearsSchema {
    /// One year.
    One(i32),
    /// The first and last years of a span.
    Span([i32; 2]),
}

/// The owner's fleet.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct FleetFile {
    /// GPUs owned.
    pub gpus: QuantityField,
    /// Price per GPU (chip alone), USD per GPU.
    pub price_per_gpu: QuantityField,
    /// Installed cost over GPU cost (servers, network, storage).
    pub overhead: QuantityField,
    /// Hardware lifetime.
    pub lifetime: QuantityField,
    /// Average power per GPU with its server share, W (default: GPU TDP x Epoch's server ratio x 0.75).
    #[serde(default)]
    pub power_per_gpu: Option<QuantityField>,
    /// PUE (default: Epoch's rule for the developer).
    #[serde(default)]
    pub pue: Option<QuantityField>,
    /// Electricity price, USD per kWh (default: Epoch's for the publication year).
    #[serde(default)]
    pub electricity_price: Option<QuantityField>,
    /// Other yearly operating cost as a fraction of capex.
    pub other_opex: QuantityField,
}

/// A quantity with the span of its table in the file.
#[derive(Debug, Clone)]
pub struct QuantityField(pub Spanned<QuantityTable>);

impl QuantityField {
    /// Byte range of the quantity in the source.
    pub fn span(&self) -> Range<usize> {
        self.0.span()
    }

    /// The quantity as written.
    pub fn get_ref(&self) -> &QuantityTable {
        self.0.get_ref()
    }
}

impl<'de> Deserialize<'de> for QuantityField {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Spanned::<QuantityTable>::deserialize(d).map(QuantityField)
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for QuantityField {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        QuantityTable::schema_name()
    }
    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        QuantityTable::json_schema(generator)
    }
}

/// An input: exactly one of the value keys, an optional unit and dollars, and provenance.
///
/// ```toml
/// price = { value = 2.0, unit = "USD/GPU-hour", claim = "deepseek-v3-assumed-h800-rental-price" }
/// multiplier = { lognormal = [1.2, 4.0], assumption = "Epoch AI's experiment factor" }
/// ```
#[derive(Debug, Clone, Default)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "Quantity", deny_unknown_fields))]
pub struct QuantityTable {
    /// A known value.
    pub value: Option<f64>,
    /// `[low, high]`.
    pub uniform: Option<[f64; 2]>,
    /// `[min, mode, max]`.
    pub triangular: Option<[f64; 3]>,
    /// `[min, mode, max]`.
    pub pert: Option<[f64; 3]>,
    /// `[mean, sd]`.
    pub normal: Option<[f64; 2]>,
    /// `[p5, p95]`: a 90% interval.
    pub lognormal: Option<[f64; 2]>,
    /// Empirical samples.
    pub samples: Option<Vec<f64>>,
    /// Unit of the numbers (default: the field's own unit). Money may be in USD, CNY, EUR,
    /// GBP or JPY (`CNY/year`): converted to USD at the exchange rate of its `dollars`, then to
    /// the report's dollars.
    pub unit: Option<String>,
    /// Dollars of a money value (`2024`, `2023-03`); default: the scenario's `dollars`. For
    /// money in another currency, when it was spent: the year or month whose exchange rate
    /// converts it.
    pub dollars: Option<String>,
    /// Claim id the value comes from.
    pub claim: Option<String>,
    /// Several claim ids the value is based on.
    pub claims: Option<Vec<String>>,
    /// Claim ids an assumption is informed by, when the value is not a claim's figure: one id
    /// or a list, with `assumption` saying why.
    #[cfg_attr(feature = "schema", schemars(with = "Option<IdList>"))]
    pub informed_by: Option<Vec<String>>,
    /// Why this value is assumed (one line).
    pub assumption: Option<String>,
}

impl QuantityTable {
    /// The value or distribution the table gives (the first of `value`, `uniform`,
    /// `triangular`, `pert`, `normal`, `lognormal`, `samples` that is set; an empty sample
    /// list when none is: the caller checks that exactly one is given).
    pub fn distribution(&self) -> Distribution {
        if let Some(v) = self.value {
            Distribution::Point(v)
        } else if let Some([low, high]) = self.uniform {
            Distribution::Uniform { low, high }
        } else if let Some([min, mode, max]) = self.triangular {
            Distribution::Triangular { min, mode, max }
        } else if let Some([min, mode, max]) = self.pert {
            Distribution::Pert { min, mode, max }
        } else if let Some([mean, sd]) = self.normal {
            Distribution::Normal { mean, sd }
        } else if let Some([p5, p95]) = self.lognormal {
            Distribution::Lognormal { p5, p95 }
        } else {
            Distribution::samples(self.samples.clone().unwrap_or_default())
        }
    }
}

/// One claim id or a list of them.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(untagged)]
pub enum IdList {
    /// One id.
    One(String),
    /// Several ids.
    Many(Vec<String>),
}

impl IdList {
    fn into_vec(self) -> Vec<String> {
        match self {
            IdList::One(s) => vec![s],
            IdList::Many(v) => v,
        }
    }
}

impl<'de> Deserialize<'de> for QuantityTable {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        deserialize_quantity_table(d)
    }
}

/// Accepts a table, and explains what to write instead of a bare number.
fn deserialize_quantity_table<'de, D: Deserializer<'de>>(d: D) -> Result<QuantityTable, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = QuantityTable;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a quantity table such as { value = 2.0, claim = \"...\" }")
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<QuantityTable, E> {
            Err(E::custom(format!(
                "a bare number ({v}) has no source: write {{ value = {v}, claim = \"claim-id\" }} or {{ value = {v}, assumption = \"why\" }}"
            )))
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<QuantityTable, E> {
            self.visit_f64(v as f64)
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<QuantityTable, E> {
            self.visit_f64(v as f64)
        }
        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<QuantityTable, A::Error> {
            #[derive(Deserialize)]
            #[serde(deny_unknown_fields)]
            struct Inner {
                #[serde(default)]
                value: Option<f64>,
                #[serde(default)]
                uniform: Option<Vec<f64>>,
                #[serde(default)]
                triangular: Option<Vec<f64>>,
                #[serde(default)]
                pert: Option<Vec<f64>>,
                #[serde(default)]
                normal: Option<Vec<f64>>,
                #[serde(default)]
                lognormal: Option<Vec<f64>>,
                #[serde(default)]
                samples: Option<Vec<f64>>,
                #[serde(default)]
                unit: Option<String>,
                #[serde(default)]
                dollars: Option<String>,
                #[serde(default)]
                claim: Option<String>,
                #[serde(default)]
                claims: Option<Vec<String>>,
                #[serde(default)]
                informed_by: Option<IdList>,
                #[serde(default)]
                assumption: Option<String>,
            }
            let i = Inner::deserialize(de::value::MapAccessDeserializer::new(map))?;
            Ok(QuantityTable {
                value: i.value,
                uniform: parameters("uniform", "[low, high]", i.uniform)?,
                triangular: parameters("triangular", "[min, mode, max]", i.triangular)?,
                pert: parameters("pert", "[min, mode, max]", i.pert)?,
                normal: parameters("normal", "[mean, sd]", i.normal)?,
                lognormal: parameters("lognormal", "[p5, p95]", i.lognormal)?,
                samples: i.samples,
                unit: i.unit,
                dollars: i.dollars,
                claim: i.claim,
                claims: i.claims,
                informed_by: i.informed_by.map(IdList::into_vec),
                assumption: i.assumption,
            })
        }
    }
    d.deserialize_any(V)
}

/// A distribution's parameters, exactly as many as it takes: `lognormal = [a, b, c]` is an
/// error, never a lognormal of `a` and `b` with `c` ignored.
fn parameters<E: de::Error, const N: usize>(
    key: &str,
    form: &str,
    given: Option<Vec<f64>>,
) -> Result<Option<[f64; N]>, E> {
    given
        .map(|v| {
            let n = v.len();
            <[f64; N]>::try_from(v)
                .map_err(|_| E::custom(format!("`{key}` takes {N} numbers, {form}, not {n}")))
        })
        .transpose()
}

/// Exactly `N` values for a fixed-size list field (`refit_at`, `end_delay_days`, `start`):
/// extra values are an error, not ignored.
fn exactly<'de, D: Deserializer<'de>, T: Deserialize<'de>, const N: usize>(
    d: D,
) -> Result<[T; N], D::Error> {
    let v = Vec::<T>::deserialize(d)?;
    let n = v.len();
    <[T; N]>::try_from(v).map_err(|_| de::Error::custom(format!("takes {N} values, not {n}")))
}

/// [`exactly`], for an optional field.
fn exactly_opt<'de, D: Deserializer<'de>, T: Deserialize<'de>, const N: usize>(
    d: D,
) -> Result<Option<[T; N]>, D::Error> {
    exactly::<D, T, N>(d).map(Some)
}

/// The claim ids a quantity cites, in order: `claim`, `claims`, `informed_by`.
fn cited(t: &QuantityTable) -> Vec<String> {
    t.claim
        .iter()
        .chain(t.claims.iter().flatten())
        .chain(t.informed_by.iter().flatten())
        .cloned()
        .collect()
}

/// The most years `[emissions] year` may span, less one.
const MAX_GRID_YEARS: i32 = 10;

/// One grid figure from a plugin's answers for each region of `regions` and year of `years`:
/// the answer itself when there is one figure, else uniform between the lowest and highest,
/// citing every answer's claims. Each answer must be a single value in one unit.
fn span_of_answers(
    answers: Vec<Supplied>,
    regions: &[String],
    years: GridYears,
) -> Result<Supplied, String> {
    let mut figures: Vec<(f64, Supplied)> = Vec::with_capacity(answers.len());
    for a in answers {
        let Some(v) = a.table.value else {
            return Err(format!(
                "the grid plugin's figure ({}) is a distribution; a span of regions or years needs single figures",
                a.source
            ));
        };
        if figures
            .first()
            .is_some_and(|(_, f)| f.table.unit != a.table.unit)
        {
            return Err(
                "the grid plugin answers these regions and years in different units".to_owned(),
            );
        }
        // A year without a figure of its own answers another year's: count each figure once.
        if !figures
            .iter()
            .any(|(w, f)| *w == v && cited(&f.table) == cited(&a.table))
        {
            figures.push((v, a));
        }
    }
    let low = figures
        .iter()
        .map(|(v, _)| *v)
        .fold(f64::INFINITY, f64::min);
    let high = figures
        .iter()
        .map(|(v, _)| *v)
        .fold(f64::NEG_INFINITY, f64::max);
    if figures.len() == 1 || low == high {
        return Ok(figures.swap_remove(0).1);
    }
    let mut claims: Vec<String> = Vec::new();
    for id in figures.iter().flat_map(|(_, f)| cited(&f.table)) {
        if !claims.contains(&id) {
            claims.push(id);
        }
    }
    let sources: Vec<&str> = figures.iter().map(|(_, f)| f.source.as_str()).collect();
    Ok(Supplied {
        table: QuantityTable {
            uniform: Some([low, high]),
            unit: figures[0].1.table.unit.clone(),
            informed_by: Some(claims),
            assumption: Some(format!(
                "the grid's figures for {}, {low:.1} to {high:.1} {}: which {} applies is not known ({}), so the intensity is uniform between them",
                match (regions, years.first == years.last) {
                    ([one], true) => format!("{one} in {}", years.first),
                    ([one], false) => format!("{one} in {}-{}", years.first, years.last),
                    (many, true) => format!("{} in {}", many.join(", "), years.first),
                    (many, false) =>
                        format!("{} in {}-{}", many.join(", "), years.first, years.last),
                },
                figures[0].1.table.unit.as_deref().unwrap_or("gCO2e/kWh"),
                match (regions.len(), years.first == years.last) {
                    (1, _) => "year's figure",
                    (_, true) => "region's figure",
                    _ => "region's and year's figure",
                },
                match (regions.len(), years.first == years.last) {
                    (1, _) => "the run spanned the years, or its source does not say",
                    (_, true) => "the source does not say where the run drew its electricity",
                    _ => "the source says neither where nor which year's figure",
                },
            )),
            ..QuantityTable::default()
        },
        source: sources.join("; "),
    })
}

/// A value a plugin supplied, in the scenario's quantity format, and which plugin it came from.
#[derive(Debug, Clone)]
pub struct Supplied {
    /// The value, its unit, dollars and provenance.
    pub table: QuantityTable,
    /// The plugin, for the report (`nvidia-pricing 0.1.0, built in`).
    pub source: String,
}

/// A GPU's specifications from a pricing plugin.
#[derive(Debug, Clone)]
pub struct SuppliedGpu {
    /// Product name (`NVIDIA H800 SXM5`): decides Epoch AI's power rules.
    pub product: String,
    /// Peak dense BF16 FLOP/s.
    pub peak_flops: Supplied,
    /// Thermal design power, W.
    pub tdp: Supplied,
}

/// Values a scenario takes from pricing and salary plugins.
///
/// The CLI implements it with its plugin registry. Core asks once per value while building the
/// spec, never while sampling, and does no I/O itself. Errors are one-line messages.
pub trait Supplier {
    /// Specs of `gpu` from pricing plugin `plugin`.
    fn gpu(&self, plugin: &str, gpu: &str) -> Result<SuppliedGpu, String>;
    /// Purchase price of one `gpu` in force at `date` (`YYYY-MM-DD` or `YYYY-MM`).
    fn purchase_price(&self, plugin: &str, gpu: &str, date: &str) -> Result<Supplied, String>;
    /// Loaded annual compensation of `role` in `year`, USD per year.
    fn compensation(&self, plugin: &str, role: &str, year: i32) -> Result<Supplied, String>;
    /// Rental price of one `gpu`-hour in force at `date`, optionally for one provider and
    /// commitment (`on_demand`, `one_year`, `three_year`).
    fn rental_price(
        &self,
        plugin: &str,
        gpu: &str,
        provider: Option<&str>,
        commitment: Option<&str>,
        date: &str,
    ) -> Result<Supplied, String>;
    /// Carbon intensity of electricity in `region` (`US`, `FR`, `US-OR`) in `year`, gCO2e per
    /// kWh, in one accounting, from grid plugin `plugin`. Default: no grid plugins.
    fn grid_intensity(
        &self,
        plugin: &str,
        region: &str,
        year: i32,
        accounting: Accounting,
    ) -> Result<Supplied, String> {
        let _ = (region, year, accounting);
        Err(unavailable(plugin))
    }
}

/// A [`Supplier`] with no plugins: scenarios that name one fail with a clear message.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoPlugins;

fn unavailable(plugin: &str) -> String {
    format!("plugin `{plugin}` is not available here (this caller loads no plugins)")
}

impl Supplier for NoPlugins {
    fn gpu(&self, plugin: &str, _: &str) -> Result<SuppliedGpu, String> {
        Err(unavailable(plugin))
    }
    fn purchase_price(&self, plugin: &str, _: &str, _: &str) -> Result<Supplied, String> {
        Err(unavailable(plugin))
    }
    fn compensation(&self, plugin: &str, _: &str, _: i32) -> Result<Supplied, String> {
        Err(unavailable(plugin))
    }
    fn rental_price(
        &self,
        plugin: &str,
        _: &str,
        _: Option<&str>,
        _: Option<&str>,
        _: &str,
    ) -> Result<Supplied, String> {
        Err(unavailable(plugin))
    }
}

/// The scenario GPU's specs, from the built-in table or a pricing plugin.
struct GpuInfo {
    /// Name for Epoch AI's substring rules.
    product: String,
    peak: Quantity,
    tdp: Quantity,
}

/// 1-based line and column (in characters) of a byte offset of `source`.
pub fn line_col(source: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(source.len());
    while !source.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &source[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// A problem in a scenario, located in its source.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{message}")]
pub struct ScenarioError {
    /// Byte range in the source, if known.
    pub span: Option<Range<usize>>,
    /// Dotted field name, if known (`stages.pre-training.gpu_hours`).
    pub field: Option<String>,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub hint: Option<String>,
}

impl ScenarioError {
    fn new(
        span: Option<Range<usize>>,
        field: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        ScenarioError {
            span,
            field: Some(field.into()),
            message: message.into(),
            hint: None,
        }
    }

    /// The error for people, located in `source` (the scenario text it came from), read from
    /// `file`: `file:line:column: field `x`: message`, then the hint on its own line.
    /// A TOML syntax error without a span is placed where [`explain_toml`] finds it. Field,
    /// message and hint are cut short if a quote of the input made them long.
    pub fn render(&self, file: &str, source: &str) -> String {
        let (message, toml_hint, at) = explain_toml(&self.message, source);
        let mut out = file.to_owned();
        if let Some(at) = self.span.as_ref().map(|s| s.start).or(at) {
            let (line, column) = line_col(source, at);
            out.push_str(&format!(":{line}:{column}"));
        }
        out.push_str(": ");
        if let Some(f) = &self.field {
            out.push_str(&format!("field `{}`: ", crate::clip(f, 200)));
        }
        out.push_str(&crate::clip(&message, 1_000));
        if let Some(h) = self.hint.as_ref().or(toml_hint.as_ref()) {
            out.push_str(&format!("\n  hint: {}", crate::clip(h, 500)));
        }
        out
    }

    fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

/// A claim id cited by a scenario, with where it is cited.
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimRef {
    /// The id.
    pub id: String,
    /// Dotted field that cites it.
    pub field: String,
    /// Byte range of the citing value.
    pub span: Range<usize>,
    /// The input that cites it (`None` for a citation that is not an input's, such as
    /// `[headline] claim`).
    pub input: Option<CitingInput>,
}

/// An input citing a claim: how, and its value as written, for checking the claim agrees.
#[derive(Debug, Clone, PartialEq)]
pub struct CitingInput {
    /// True if the input is an assumption *informed by* the claim (`informed_by`): its value
    /// need not be the claim's. False if the value is the claim's figure (`claim`, `claims`).
    pub informed_by: bool,
    /// What the field measures, as a unit (`USD/GPU-hour`, `GPU-hours`, `GPUs`, `people`,
    /// `years`): the field's model unit, specific for counts.
    pub unit: &'static str,
    /// The value in `unit`, converted from the unit written but *not* from its dollars.
    pub value: Distribution,
    /// For money, the dollars `value` is in (the field's `dollars`, else the scenario's).
    pub dollars: Option<DollarDate>,
}

/// A parsed scenario: the file's contents and its source text.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// The parsed file.
    pub file: ScenarioFile,
    /// The TOML source.
    pub source: String,
}

/// The built-in scenarios: (name, TOML source).
pub const BUILTIN: &[(&str, &str)] = &[
    ("deepseek-v3", include_str!("../scenarios/deepseek-v3.toml")),
    ("deepseek-r1", include_str!("../scenarios/deepseek-r1.toml")),
    (
        "llama-3.1-405b",
        include_str!("../scenarios/llama-3.1-405b.toml"),
    ),
    ("llama-3-8b", include_str!("../scenarios/llama-3-8b.toml")),
    ("llama-3-70b", include_str!("../scenarios/llama-3-70b.toml")),
    (
        "llama-4-scout",
        include_str!("../scenarios/llama-4-scout.toml"),
    ),
    (
        "llama-4-maverick",
        include_str!("../scenarios/llama-4-maverick.toml"),
    ),
    ("bloom-176b", include_str!("../scenarios/bloom-176b.toml")),
    ("gpt-4", include_str!("../scenarios/gpt-4.toml")),
    (
        "claude-3.5-sonnet",
        include_str!("../scenarios/claude-3.5-sonnet.toml"),
    ),
    (
        "epoch-study-gpt-3-175b",
        include_str!("../scenarios/epoch-study-gpt-3-175b.toml"),
    ),
    (
        "epoch-study-opt-175b",
        include_str!("../scenarios/epoch-study-opt-175b.toml"),
    ),
    (
        "epoch-study-gpt-4",
        include_str!("../scenarios/epoch-study-gpt-4.toml"),
    ),
    (
        "epoch-study-gemini-1.0-ultra",
        include_str!("../scenarios/epoch-study-gemini-1.0-ultra.toml"),
    ),
    ("grok-3", include_str!("../scenarios/grok-3.toml")),
    ("olmo-2-7b", include_str!("../scenarios/olmo-2-7b.toml")),
    ("olmo-2-13b", include_str!("../scenarios/olmo-2-13b.toml")),
    ("olmo-2-32b", include_str!("../scenarios/olmo-2-32b.toml")),
];

/// The TOML source of a built-in scenario.
pub fn builtin_source(name: &str) -> Option<&'static str> {
    BUILTIN.iter().find(|(n, _)| *n == name).map(|(_, s)| *s)
}

/// Names of the built-in scenarios.
pub fn builtin_names() -> Vec<&'static str> {
    BUILTIN.iter().map(|(n, _)| *n).collect()
}

/// What a field's numbers measure, the units accepted for it, and its physical bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dim {
    GpuHours,
    Gpus,
    People,
    Parameters,
    Tokens,
    /// A duration in hours (a stage's wall-clock time, a cluster's running time).
    Hours,
    /// A duration in years (staff time, acquisition to training start).
    Years,
    /// A hardware lifetime: years, and a divisor, so never zero.
    Lifetime,
    Flop,
    FlopRate,
    Fraction,
    /// Model FLOP utilization: a fraction of peak, and a divisor, so never zero.
    Utilization,
    Multiplier,
    OomsPerYear,
    Watts,
    UsdPerGpuHour,
    UsdPerGpu,
    UsdPerYear,
    UsdPerKwh,
    Energy,
    /// Carbon intensity of electricity, gCO2e per kWh.
    CarbonIntensity,
}

/// The physical range of what a scenario states in one dimension, in the dimension's model
/// unit, both ends included (see docs/SCENARIOS.md, "Bounds").
#[derive(Debug, Clone, Copy, PartialEq)]
struct Bounds {
    min: f64,
    max: f64,
    /// What a value in this dimension is, for messages (`a rental price per GPU-hour`).
    what: &'static str,
}

impl Dim {
    /// The model unit, and accepted spellings with their factor to it. Counts are not
    /// interchangeable: GPUs, people, parameters and tokens each take their own units.
    fn units(self) -> (&'static str, &'static [(&'static str, f64)]) {
        const DURATION_H: &[(&str, f64)] = &[
            ("hours", 1.0),
            ("hour", 1.0),
            ("h", 1.0),
            ("days", 24.0),
            ("weeks", 168.0),
            ("months", HOURS_PER_YEAR / 12.0),
            ("years", HOURS_PER_YEAR),
        ];
        const DURATION_Y: &[(&str, f64)] = &[
            ("years", 1.0),
            ("year", 1.0),
            ("months", 1.0 / 12.0),
            ("weeks", 168.0 / HOURS_PER_YEAR),
            ("days", 24.0 / HOURS_PER_YEAR),
            ("hours", 1.0 / HOURS_PER_YEAR),
        ];
        const FRACTION: &[(&str, f64)] = &[("fraction", 1.0), ("%", 0.01), ("percent", 0.01)];
        match self {
            Dim::GpuHours => (
                "GPU-hours",
                &[
                    ("GPU-hours", 1.0),
                    ("GPU-hour", 1.0),
                    ("K GPU-hours", 1e3),
                    ("M GPU-hours", 1e6),
                    ("GPU-days", 24.0),
                ],
            ),
            Dim::Gpus => ("GPUs", &[("GPUs", 1.0), ("GPU", 1.0), ("K GPUs", 1e3)]),
            Dim::People => ("people", &[("people", 1.0)]),
            Dim::Parameters => (
                "parameters",
                &[
                    ("parameters", 1.0),
                    ("M parameters", 1e6),
                    ("B parameters", 1e9),
                    ("T parameters", 1e12),
                ],
            ),
            Dim::Tokens => (
                "tokens",
                &[
                    ("tokens", 1.0),
                    ("M tokens", 1e6),
                    ("B tokens", 1e9),
                    ("T tokens", 1e12),
                ],
            ),
            Dim::Hours => ("hours", DURATION_H),
            Dim::Years | Dim::Lifetime => ("years", DURATION_Y),
            Dim::Flop => ("FLOP", &[("FLOP", 1.0)]),
            Dim::FlopRate => (
                "FLOP/s",
                &[("FLOP/s", 1.0), ("TFLOP/s", 1e12), ("PFLOP/s", 1e15)],
            ),
            Dim::Fraction | Dim::Utilization => ("fraction", FRACTION),
            Dim::Multiplier => ("x", &[("x", 1.0)]),
            Dim::OomsPerYear => ("OOMs/year", &[("OOMs/year", 1.0)]),
            Dim::Watts => ("W", &[("W", 1.0), ("kW", 1e3)]),
            Dim::UsdPerGpuHour => ("USD/GPU-hour", &[("USD/GPU-hour", 1.0)]),
            Dim::UsdPerGpu => ("USD/GPU", &[("USD/GPU", 1.0)]),
            Dim::UsdPerYear => ("USD/year", &[("USD/year", 1.0), ("USD/month", 12.0)]),
            Dim::UsdPerKwh => ("USD/kWh", &[("USD/kWh", 1.0), ("USD/MWh", 1e-3)]),
            Dim::Energy => ("kWh", &[("kWh", 1.0), ("MWh", 1e3), ("GWh", 1e6)]),
            Dim::CarbonIntensity => (
                "gCO2e/kWh",
                &[
                    ("gCO2e/kWh", 1.0),
                    ("gCO2eq/kWh", 1.0),
                    ("kgCO2e/kWh", 1e3),
                    ("kgCO2eq/kWh", 1e3),
                    ("kgCO2e/MWh", 1.0),
                    ("tCO2e/MWh", 1e3),
                    ("lbCO2e/MWh", 0.453_592_37),
                ],
            ),
        }
    }

    /// The physical bounds of a stated value, in the model unit: the one place they are
    /// defined (docs/SCENARIOS.md lists them). Money bounds match the plugin SDK's
    /// (`traincost_plugin::validate::BOUNDS`); a divisor (MFU, a lifetime, a peak) has a
    /// lower bound above zero.
    fn bounds(self) -> Bounds {
        let b = |min, max, what| Bounds { min, max, what };
        match self {
            Dim::GpuHours => b(0.0, 1e12, "GPU-hours"),
            Dim::Gpus => b(0.0, 1e8, "a number of GPUs"),
            Dim::People => b(0.0, 1e6, "a number of people"),
            Dim::Parameters => b(0.0, 1e15, "a number of parameters"),
            Dim::Tokens => b(0.0, 1e17, "a number of tokens"),
            Dim::Hours => b(0.0, 1e6, "a duration"),
            Dim::Years => b(0.0, 100.0, "a duration"),
            Dim::Lifetime => b(0.1, 100.0, "a hardware lifetime"),
            Dim::Flop => b(0.0, 1e32, "an amount of training compute"),
            Dim::FlopRate => b(1e9, 1e17, "a peak FLOP/s per GPU"),
            Dim::Fraction => b(0.0, 1.0, "a fraction"),
            Dim::Utilization => b(0.001, 1.0, "a model FLOP utilization"),
            Dim::Multiplier => b(0.0, 1e3, "a ratio or multiplier"),
            Dim::OomsPerYear => b(0.0, 3.0, "a price-performance trend"),
            Dim::Watts => b(0.0, 5e4, "a power per GPU"),
            Dim::UsdPerGpuHour => b(0.0, 1e3, "a price per GPU-hour"),
            Dim::UsdPerGpu => b(0.0, 1e7, "a price per GPU"),
            Dim::UsdPerYear => b(0.0, 1e9, "a salary or yearly cost"),
            Dim::UsdPerKwh => b(0.0, 10.0, "an electricity price"),
            Dim::Energy => b(0.0, 1e12, "an amount of energy"),
            Dim::CarbonIntensity => b(0.0, 2000.0, "a carbon intensity of electricity"),
        }
    }

    /// What a value of this field measures, as a unit a cited claim is checked against
    /// (`traincost_claims::citation::Dimension::of_scenario_unit` reads it): the model unit.
    fn cite_unit(self) -> &'static str {
        self.units().0
    }

    fn is_money(self) -> bool {
        matches!(
            self,
            Dim::UsdPerGpuHour | Dim::UsdPerGpu | Dim::UsdPerYear | Dim::UsdPerKwh
        )
    }
}

/// Context for turning file values into model quantities.
struct Ctx<'a> {
    dollars: DollarDate,
    report: DollarDate,
    index: IndexId,
    claims: &'a mut Vec<ClaimRef>,
}

impl Ctx<'_> {
    fn quantity(
        &mut self,
        field: &str,
        q: &QuantityField,
        dim: Dim,
    ) -> Result<Quantity, ScenarioError> {
        self.quantity_table(field, q.get_ref(), q.span(), dim)
    }

    /// A plugin's value, converted like a written one; the note says which plugin.
    fn supplied(
        &mut self,
        field: &str,
        s: Supplied,
        span: Range<usize>,
        dim: Dim,
    ) -> Result<Quantity, ScenarioError> {
        let mut q = self
            .quantity_table(field, &s.table, span, dim)
            .map_err(|mut e| {
                e.message = format!("{} (value from plugin {})", e.message, s.source);
                e
            })?;
        let from = format!("from plugin {}", s.source);
        q.note = Some(match q.note {
            Some(n) => format!("{from}; {n}"),
            None => from,
        });
        Ok(q)
    }

    fn quantity_table(
        &mut self,
        field: &str,
        t: &QuantityTable,
        span: Range<usize>,
        dim: Dim,
    ) -> Result<Quantity, ScenarioError> {
        let err = |msg: String| ScenarioError::new(Some(span.clone()), field, msg);
        let given: Vec<&str> = [
            ("value", t.value.is_some()),
            ("uniform", t.uniform.is_some()),
            ("triangular", t.triangular.is_some()),
            ("pert", t.pert.is_some()),
            ("normal", t.normal.is_some()),
            ("lognormal", t.lognormal.is_some()),
            ("samples", t.samples.is_some()),
        ]
        .into_iter()
        .filter_map(|(k, on)| on.then_some(k))
        .collect();
        let dist = match given.as_slice() {
            [] => {
                return Err(err("no value: give one of value, uniform, triangular, pert, normal, lognormal or samples".into())
                    .hint("e.g. { value = 2.0, claim = \"...\" } or { lognormal = [1.2, 4.0], assumption = \"...\" }"));
            }
            [_] => t.distribution(),
            many => {
                return Err(err(format!(
                    "give one value key, not {}",
                    many.join(" and ")
                )));
            }
        };
        // Validate before scaling so messages quote the numbers as written.
        dist.validate(false).map_err(|e| err(e.to_string()))?;

        let (model_unit, accepted) = dim.units();
        let mut factor = 1.0;
        let mut notes = Vec::new();
        // Money in another currency: `CNY/year` is `USD/year` once converted at the rate.
        let mut currency = Currency::Usd;
        if let Some(unit) = &t.unit {
            let lookup = match Currency::split_unit(unit) {
                Some((c, rest)) if dim.is_money() => {
                    currency = c;
                    format!("USD{rest}")
                }
                _ => unit.clone(),
            };
            match accepted.iter().find(|(u, _)| *u == lookup) {
                Some((_, f)) => {
                    factor *= f;
                    if *f != 1.0 {
                        notes.push(format!("given in {unit}"));
                    }
                }
                None => {
                    let list: Vec<&str> = accepted.iter().map(|(u, _)| *u).collect();
                    let others = if dim.is_money() {
                        " (or the same in CNY, EUR, GBP or JPY, e.g. `CNY/year`: converted at the exchange rate of the value's `dollars`)"
                    } else {
                        ""
                    };
                    return Err(err(format!(
                        "unknown unit `{}` for this field, which takes {model_unit}",
                        crate::excerpt(unit)
                    ))
                    .hint(format!("use one of: {}{others}", list.join(", "))));
                }
            }
        }
        let unit_factor = factor;
        let mut input_dollars = None;
        // For money: the USD per unit of the stated currency at the rate of when it was spent
        // (1 for USD), and the one conversion to the report's dollars.
        let mut to_usd = 1.0;
        let mut conversion = None;
        if dim.is_money() {
            let from = match &t.dollars {
                None => self.dollars,
                Some(d) => d
                    .parse()
                    .map_err(|e: crate::units::DollarDateError| err(e.to_string()))?,
            };
            let c = crate::money::to_report(currency, from, self.index, self.report)
                .map_err(|e| money_err(Some(span.clone()), field, e))?;
            if let Some(r) = &c.rate {
                to_usd = 1.0 / r.per_usd;
            }
            input_dollars = Some(from);
            conversion = Some(c);
        } else if t.dollars.is_some() {
            return Err(err("`dollars` only applies to money".into()));
        }
        check_bounds(&dist, t.unit.as_deref(), unit_factor * to_usd, dim)
            .map_err(|(msg, hint)| err(msg).hint(hint))?;
        if let Some(c) = conversion {
            // The value as written heads a currency conversion: `lognormal 90% CI [180,000,
            // 360,000] CNY/GPU (2023) at 7.0809 CNY/USD (...)`.
            let stated = t
                .unit
                .as_deref()
                .filter(|_| currency != Currency::Usd)
                .map(|u| format!("{} {u}", crate::dist::describe(&dist)));
            if let Some(n) = c.note(stated.as_deref()) {
                notes.push(n);
            }
            factor *= c.factor;
        }

        let mut ids: Vec<String> = t.claim.iter().cloned().collect();
        ids.extend(t.claims.iter().flatten().cloned());
        let informed: Vec<String> = t.informed_by.iter().flatten().cloned().collect();
        let has_assumption = t
            .assumption
            .as_deref()
            .is_some_and(|a| !a.trim().is_empty());
        if !ids.is_empty() && t.assumption.is_some() {
            let key = if t.claim.is_some() { "claim" } else { "claims" };
            return Err(err(format!(
                "`{key}` says the value is the claim's figure, `assumption` that it is assumed: say which"
            ))
            .hint(format!(
                "for an assumption informed by the claim write `informed_by = {}` instead of `{key}`; if the value is the claim's figure, drop `assumption`",
                id_list(&ids)
            )));
        }
        if !informed.is_empty() && !has_assumption {
            return Err(err(
                "`informed_by` needs an `assumption` saying why the value is not the claim's figure"
                    .into(),
            )
            .hint(format!(
                "add assumption = \"...\", or cite the claim as the value with `claim = {}` if the value is its figure",
                id_list(&informed)
            )));
        }
        // A cited claim is checked in USD of the input's dollars: converted from the unit and
        // the currency written, not yet from its dollars.
        let value = if unit_factor * to_usd == 1.0 {
            dist.clone()
        } else {
            dist.scaled(unit_factor * to_usd)
        };
        for (id, informed_by) in ids
            .iter()
            .map(|i| (i, false))
            .chain(informed.iter().map(|i| (i, true)))
        {
            self.claims.push(ClaimRef {
                id: id.clone(),
                field: field.to_owned(),
                span: span.clone(),
                input: Some(CitingInput {
                    informed_by,
                    unit: dim.cite_unit(),
                    value: value.clone(),
                    dollars: input_dollars,
                }),
            });
        }
        ids.extend(informed);
        let provenance = Provenance {
            claims: ids,
            assumption: t.assumption.as_deref().map(crate::provenance::reason),
        };
        if provenance.is_missing() {
            return Err(err(
                "no source: cite a `claim` id, or give an `assumption` with a one-line reason"
                    .into(),
            ));
        }
        Ok(Quantity {
            distribution: if factor == 1.0 {
                dist
            } else {
                dist.scaled(factor)
            },
            provenance,
            note: (!notes.is_empty()).then(|| notes.join("; ")),
        })
    }

    fn opt(
        &mut self,
        field: &str,
        q: &Option<QuantityField>,
        dim: Dim,
    ) -> Result<Option<Quantity>, ScenarioError> {
        q.as_ref().map(|q| self.quantity(field, q, dim)).transpose()
    }

    /// A default in the scenario's dollars, converted to report dollars (the note:
    /// `2024 USD x 1.026311 (cpi-u) = 2025 USD`).
    fn money_default(
        &self,
        field: &str,
        dist: Distribution,
        provenance: Provenance,
    ) -> Result<Quantity, ScenarioError> {
        let c = crate::money::to_report(Currency::Usd, self.dollars, self.index, self.report)
            .map_err(|e| money_err(None, field, e))?;
        Ok(Quantity {
            distribution: dist.scaled(c.factor),
            provenance,
            note: c.note(None),
        })
    }
}

/// The numbers a distribution states, by name: a value, the ends and mode of a uniform,
/// triangular or PERT, a normal's mean, a lognormal's 5th and 95th percentiles, the smallest
/// and largest sample. Not what it can draw: a lognormal's tail passes any bound.
fn stated_values(d: &Distribution) -> Vec<(&'static str, f64)> {
    match *d {
        Distribution::Point(v) => vec![("value", v)],
        Distribution::Uniform { low, high } => {
            vec![("`uniform` low", low), ("`uniform` high", high)]
        }
        Distribution::Triangular { min, mode, max } => vec![
            ("`triangular` min", min),
            ("`triangular` mode", mode),
            ("`triangular` max", max),
        ],
        Distribution::Pert { min, mode, max } => vec![
            ("`pert` min", min),
            ("`pert` mode", mode),
            ("`pert` max", max),
        ],
        Distribution::Normal { mean, .. } => vec![("`normal` mean", mean)],
        Distribution::Lognormal { p5, p95 } => {
            vec![("`lognormal` p5", p5), ("`lognormal` p95", p95)]
        }
        Distribution::Samples(ref s) => s
            .first()
            .map(|&v| ("the smallest of `samples`", v))
            .into_iter()
            .chain(s.last().map(|&v| ("the largest of `samples`", v)))
            .collect(),
    }
}

/// A number for messages: plain when it reads well, else in scientific notation.
fn num(x: f64) -> String {
    if x != 0.0 && !(1e-3..1e6).contains(&x.abs()) {
        format!("{x:e}")
    } else {
        format!("{x}")
    }
}

/// Checks the numbers a distribution states (in `unit`, `factor` to the model unit) against
/// the dimension's physical [`Bounds`]: `(message, hint)` for the first outside them.
fn check_bounds(
    dist: &Distribution,
    unit: Option<&str>,
    factor: f64,
    dim: Dim,
) -> Result<(), (String, String)> {
    let b = dim.bounds();
    let model_unit = dim.units().0;
    let written_unit = unit.unwrap_or(model_unit);
    for (what, x) in stated_values(dist) {
        let v = x * factor;
        if (b.min..=b.max).contains(&v) {
            continue;
        }
        let converted = if factor == 1.0 {
            String::new()
        } else {
            format!(" (= {} {model_unit})", num(v))
        };
        let side = if v > b.max {
            format!("at most {} {model_unit}", num(b.max))
        } else if b.min > 0.0 {
            format!(
                "at least {} {model_unit}: it divides, so it cannot be zero",
                num(b.min)
            )
        } else {
            format!("at least {} {model_unit}", num(b.min))
        };
        return Err((
            format!(
                "{what} {} {written_unit}{converted} is not physical for {}: {side}",
                num(x),
                b.what
            ),
            format!(
                "{} is {} to {} {model_unit} (docs/SCENARIOS.md, \"Bounds\"); check the number and its `unit`",
                capitalize(b.what),
                num(b.min),
                num(b.max)
            ),
        ));
    }
    Ok(())
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// `"id"` or `["a", "b"]`, as TOML.
fn id_list(ids: &[String]) -> String {
    match ids {
        [one] => format!("\"{one}\""),
        many => format!(
            "[{}]",
            many.iter()
                .map(|i| format!("\"{i}\""))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

fn money_err(span: Option<Range<usize>>, field: &str, e: MoneyError) -> ScenarioError {
    let hint = match &e {
        MoneyError::Index(e) if e.outside() => format!(
            "restate the value in dollars the {} index covers ({} to {}) and give them as its \
             `dollars` (or the scenario's)",
            e.index, e.first, e.last
        ),
        MoneyError::Index(e) => format!("give this value in {} dollars instead", e.instead_text()),
        MoneyError::Rate(r) => format!(
            "give the value's `dollars` as a period the {c} rates cover ({} to {}), or add the \
             {c} rate for {} with its source to {} (see its header)",
            r.first,
            r.last,
            r.date,
            crate::money::MissingRate::FILE,
            c = r.currency
        ),
    };
    ScenarioError::new(span, field, e.to_string()).hint(hint)
}

/// Dollars the report cannot be in: the index has no value for them. Not a field's fault when
/// the caller chose them (`report_field` is `None`): the error names the dollars, the index's
/// range and dates that work.
fn report_dollars_err(report_field: Option<Range<usize>>, e: MissingIndexValue) -> ScenarioError {
    let hint = format!(
        "report in dollars the {} index covers, e.g. {}",
        e.index,
        e.instead_text()
    );
    let message = format!("cannot report in {} dollars: {e}", e.date);
    match report_field {
        Some(span) => ScenarioError::new(Some(span), "report_dollars", message).hint(hint),
        None => ScenarioError {
            span: None,
            field: None,
            message,
            hint: Some(hint),
        },
    }
}

/// A date field (`YYYY-MM-DD`, or `YYYY-MM` where `month_ok`): one that exists, in a year of
/// [`crate::date::WRITTEN_YEARS`].
fn parse_date(field: &str, s: &str, month_ok: bool) -> Result<crate::date::Date, ScenarioError> {
    use crate::date::WrittenDateError as E;
    crate::date::Date::parse_written(s, month_ok).map_err(|e| {
        let hint = match &e {
            E::Form { .. } if month_ok => "write dates as YYYY-MM-DD or YYYY-MM, e.g. 2022-05-12",
            E::Form { .. } => "write dates as YYYY-MM-DD, e.g. 2022-05-12",
            E::NoSuchDate { .. } => "check the month and the day",
            E::Year { .. } => "dates in a scenario fall between 1950 and 2100; check the year",
        };
        ScenarioError::new(None, field, e.to_string()).hint(hint)
    })
}

impl Scenario {
    /// Parses a scenario from TOML.
    pub fn parse(source: &str) -> Result<Scenario, ScenarioError> {
        let file: ScenarioFile = toml::from_str(source).map_err(|e| {
            let (message, hint, at) = toml_message(e.message(), source);
            ScenarioError {
                span: e.span().or(at.map(|a| a..a)),
                field: None,
                message: excerpt_quotes(&message),
                hint,
            }
        })?;
        Ok(Scenario {
            file,
            source: source.to_owned(),
        })
    }

    /// A built-in scenario by name.
    pub fn builtin(name: &str) -> Option<Scenario> {
        builtin_source(name).map(|s| Scenario::parse(s).expect("built-in scenarios parse (tested)"))
    }

    /// The dollars reports use by default: `report_dollars` if the file sets it, else the
    /// latest full year of the scenario's price index (for CPI-U, the latest year BLS has
    /// published an annual average for). `dollars` is the dollars of the inputs, not of the
    /// report.
    pub fn default_report_dollars(&self) -> Result<DollarDate, ScenarioError> {
        let index = self.index().index();
        let Some(f) = &self.file.report_dollars else {
            return Ok(DollarDate::year(index.latest_full_year()));
        };
        let d: DollarDate = f
            .get_ref()
            .parse()
            .map_err(|e: crate::units::DollarDateError| {
                ScenarioError::new(Some(f.span()), "report_dollars", e.to_string())
            })?;
        index
            .value(d)
            .map_err(|e| report_dollars_err(Some(f.span()), e))?;
        Ok(d)
    }

    /// The price index for dollar conversions.
    pub fn index(&self) -> IndexId {
        self.file.index.unwrap_or(IndexId::CpiU)
    }

    /// Builds the model inputs in `report` dollars (default: [`Scenario::default_report_dollars`]),
    /// with every cited claim id and where it is cited.
    pub fn to_spec(
        &self,
        report: Option<DollarDate>,
    ) -> Result<(StackSpec, Vec<ClaimRef>), ScenarioError> {
        self.to_spec_with(report, &NoPlugins)
    }

    /// [`Scenario::to_spec`], taking values the file leaves out from plugins it names.
    pub fn to_spec_with(
        &self,
        report: Option<DollarDate>,
        supplier: &dyn Supplier,
    ) -> Result<(StackSpec, Vec<ClaimRef>), ScenarioError> {
        self.build_spec(report, supplier).map_err(|mut e| {
            // Errors about plain (unspanned) fields point at the field's key in the file.
            if e.span.is_none() {
                e.span = e.field.as_deref().and_then(|f| self.span_of(f));
            }
            e
        })
    }

    fn build_spec(
        &self,
        report: Option<DollarDate>,
        supplier: &dyn Supplier,
    ) -> Result<(StackSpec, Vec<ClaimRef>), ScenarioError> {
        let f = &self.file;
        let dollars: DollarDate =
            f.dollars
                .get_ref()
                .parse()
                .map_err(|e: crate::units::DollarDateError| {
                    ScenarioError::new(Some(f.dollars.span()), "dollars", e.to_string())
                })?;
        let report = match report {
            Some(r) => {
                // The caller's dollars: if the index cannot reach them, say so, rather than
                // blaming the first money field that fails to convert.
                self.index()
                    .index()
                    .value(r)
                    .map_err(|e| report_dollars_err(None, e))?;
                r
            }
            None => self.default_report_dollars()?,
        };
        let mut claims = Vec::new();
        let mut cx = Ctx {
            dollars,
            report,
            index: self.index(),
            claims: &mut claims,
        };

        let gpu = self.gpu_info(&mut cx, supplier)?;
        let gpu = gpu.as_ref();
        let published = f
            .published
            .as_deref()
            .map(|p| parse_date("published", p, true))
            .transpose()?;
        let published_year = published.map(|d| d.year());
        if let Some(r) = &f.rental_pricing
            && let Some(d) = &r.date
        {
            parse_date("rental_pricing.date", d, true).map_err(|e| ScenarioError {
                span: Some(r.plugin.span()),
                ..e
            })?;
        }

        let default_price = match (&f.rental_price, &f.rental_pricing) {
            (Some(q), _) => Some(cx.quantity("rental_price", q, Dim::UsdPerGpuHour)?),
            (None, Some(r)) => {
                let gpu_name = f
                    .gpu
                    .as_ref()
                    .map(|g| g.get_ref().as_str())
                    .ok_or_else(|| {
                        ScenarioError::new(
                            Some(r.plugin.span()),
                            "rental_pricing",
                            "a rental price from a plugin needs the scenario's `gpu`",
                        )
                    })?;
                let date = r.date.as_deref().or(f.published.as_deref()).unwrap_or("");
                let supplied = supplier
                    .rental_price(
                        r.plugin.get_ref(),
                        gpu_name,
                        r.provider.as_deref(),
                        r.commitment.as_deref(),
                        date,
                    )
                    .map_err(|m| ScenarioError::new(Some(r.plugin.span()), "rental_pricing", m))?;
                Some(cx.supplied(
                    "rental_price",
                    supplied,
                    r.plugin.span(),
                    Dim::UsdPerGpuHour,
                )?)
            }
            (None, None) => None,
        };
        let mut stages = Vec::new();
        if let Some(b) = &f.base {
            let (name, name_span, field) = match b.get_ref() {
                BaseField::Name(n) => (n.as_str(), b.span(), "base"),
                BaseField::Stages(t) => (
                    t.scenario.get_ref().as_str(),
                    t.scenario.span(),
                    "base.scenario",
                ),
            };
            if name == f.name {
                return Err(ScenarioError::new(
                    Some(name_span.clone()),
                    field,
                    format!("scenario `{name}` names itself as its base: its stages would be counted twice"),
                )
                .hint(format!(
                    "drop `base` (this file already has its stages), or rename the scenario; a base is another built-in: {}",
                    builtin_names().join(", ")
                )));
            }
            let base = Scenario::builtin(name).ok_or_else(|| {
                ScenarioError::new(
                    Some(name_span.clone()),
                    field,
                    format!("no built-in scenario named `{name}`"),
                )
                .hint(format!(
                    "built-in scenarios: {}",
                    builtin_names().join(", ")
                ))
            })?;
            // The base's own plugins (a grid region, a rental plugin) come from the same supplier.
            let (base_spec, base_claims) =
                base.to_spec_with(Some(report), supplier).map_err(|mut e| {
                    e.message = format!("in base scenario `{name}`: {}", e.message);
                    e.span = Some(b.span());
                    e
                })?;
            let keep: Option<Vec<&str>> = match b.get_ref() {
                BaseField::Name(_) => None,
                BaseField::Stages(t) => {
                    let known: Vec<&str> =
                        base.file.stages.iter().map(|s| s.name.as_str()).collect();
                    if t.stages.is_empty() {
                        return Err(ScenarioError::new(
                            Some(b.span()),
                            "base.stages",
                            format!("no stage of base scenario `{name}` is named"),
                        )
                        .hint(format!(
                            "name at least one, or write base = \"{name}\" for all; `{name}` has stages: {}",
                            known.join(", ")
                        )));
                    }
                    let mut keep = Vec::new();
                    for st in &t.stages {
                        let s = st.get_ref().as_str();
                        if !known.contains(&s) {
                            return Err(ScenarioError::new(
                                Some(st.span()),
                                "base.stages",
                                format!("base scenario `{name}` has no stage named `{s}`"),
                            )
                            .hint(format!("`{name}` has stages: {}", known.join(", "))));
                        }
                        if keep.contains(&s) {
                            return Err(ScenarioError::new(
                                Some(st.span()),
                                "base.stages",
                                format!("stage `{s}` is named twice"),
                            ));
                        }
                        keep.push(s);
                    }
                    Some(keep)
                }
            };
            // Claims cited by the base are checked where the base is named, but for those of
            // the stages left out.
            let left_out = |c: &ClaimRef| {
                keep.as_ref().is_some_and(|k| {
                    c.field
                        .strip_prefix("stages.")
                        .and_then(|r| {
                            base.file
                                .stages
                                .iter()
                                .find(|s| r.starts_with(&format!("{}.", s.name)))
                        })
                        .is_some_and(|s| !k.contains(&s.name.as_str()))
                })
            };
            cx.claims.extend(
                base_claims
                    .into_iter()
                    .filter(|c| !left_out(c))
                    .map(|c| ClaimRef {
                        span: b.span(),
                        ..c
                    }),
            );
            for mut s in base_spec.stages {
                if keep.as_ref().is_some_and(|k| !k.contains(&s.name.as_str())) {
                    continue;
                }
                s.name = format!("{name} {}", s.name);
                stages.push(s);
            }
        }
        for s in &f.stages {
            stages.push(self.stage(&mut cx, "stages", s, gpu, default_price.as_ref(), true)?);
        }

        let ownership = match &f.ownership {
            None => None,
            Some(o) => Some(self.ownership(&mut cx, o, gpu, published_year, supplier)?),
        };

        let development = match &f.development {
            None => None,
            Some(d) => {
                let basis = d.basis;
                if (d.propagation.is_some() || d.refit_at.is_some()) && d.factor.is_none() {
                    return Err(ScenarioError::new(
                        None,
                        "development.propagation",
                        "`propagation` and `refit_at` apply to a `factor` (run included) only",
                    )
                    .hint("give the development compute as `factor`, or drop them"));
                }
                if d.refit_at.is_some() && d.propagation != Some(PropagationMode::Refit) {
                    return Err(ScenarioError::new(
                        None,
                        "development.refit_at",
                        "`refit_at` without propagation = \"refit\"",
                    )
                    .hint("add propagation = \"refit\", or drop refit_at"));
                }
                if d.below_one.is_some() && d.factor.is_none() {
                    return Err(ScenarioError::new(
                        None,
                        "development.below_one",
                        "`below_one` applies to a `factor` (run included) only",
                    )
                    .hint("drop `below_one`, or give the development compute as `factor`"));
                }
                let amount = match (&d.multiplier, &d.factor, d.stages.is_empty()) {
                    (Some(m), None, true) => DevelopmentAmount::Multiplier(cx.quantity(
                        "development.multiplier",
                        m,
                        Dim::Multiplier,
                    )?),
                    (None, Some(f), true) => {
                        let factor = cx.quantity("development.factor", f, Dim::Multiplier)?;
                        let propagation = match d.propagation {
                            None | Some(PropagationMode::PerSample) => Propagation::PerSample,
                            Some(PropagationMode::Refit) => {
                                let at = d.refit_at.unwrap_or([
                                    factor.distribution.quantile(0.05),
                                    factor.distribution.quantile(0.95),
                                ]);
                                let max = Dim::Multiplier.bounds().max;
                                if !(at[0].is_finite()
                                    && 0.0 < at[0]
                                    && at[0] < at[1]
                                    && at[1] <= max)
                                {
                                    return Err(ScenarioError::new(
                                        None,
                                        "development.refit_at",
                                        format!("the refit needs two percentiles of the factor, low then high, above 0 and at most {} (got {} and {})", num(max), at[0], at[1]),
                                    )
                                    .hint("e.g. refit_at = [1.2, 4.0]"));
                                }
                                Propagation::Refit { at }
                            }
                        };
                        DevelopmentAmount::Factor {
                            factor,
                            keep_below_one: d.below_one == Some(BelowOne::Keep),
                            propagation,
                        }
                    }
                    (None, None, false) => DevelopmentAmount::Stages(
                        d.stages
                            .iter()
                            .map(|s| self.stage(&mut cx, "development.stages", s, gpu, None, false))
                            .collect::<Result<_, _>>()?,
                    ),
                    _ => {
                        return Err(ScenarioError::new(
                            None,
                            "development",
                            "give exactly one of `factor` (run included, Epoch AI's form), `multiplier` (run excluded) or [[development.stages]]",
                        ));
                    }
                };
                Some(DevelopmentSpec { basis, amount })
            }
        };

        let staff = match &f.staff {
            None => None,
            Some(s) => {
                let duration = match (&s.duration, &s.project) {
                    (Some(q), None) => {
                        StaffDuration::Years(cx.quantity("staff.duration", q, Dim::Years)?)
                    }
                    (None, Some(p)) => self.project_duration(p)?,
                    _ => {
                        return Err(ScenarioError::new(
                            None,
                            "staff.duration",
                            "give exactly one of `duration` and [staff.project]",
                        )
                        .hint("e.g. duration = { lognormal = [0.5, 1.5], unit = \"years\", assumption = \"...\" }"));
                    }
                };
                let mut groups = Vec::new();
                for g in &s.groups {
                    let n = |x: &str| format!("staff.groups.{}.{x}", g.role);
                    if g.equity_draws.is_some() && g.equity.is_none() {
                        return Err(ScenarioError::new(
                            None,
                            n("equity_draws"),
                            "`equity_draws` without `equity`",
                        )
                        .hint("give equity = { ..., unit = \"USD/year\" }, or drop equity_draws"));
                    }
                    if g.compensation.is_some() && g.salary.is_some() {
                        return Err(ScenarioError::new(
                            None,
                            n("salary"),
                            "both `compensation` and `salary`: give one",
                        )
                        .hint(
                            "`compensation` is pay you write; `salary` asks a salary plugin for it",
                        ));
                    }
                    // A salary plugin answers fully loaded pay (salary-us: salary x overhead +
                    // equity, Epoch AI's formula): loading it again would count the overhead
                    // and the equity twice.
                    if g.salary.is_some() {
                        for (key, given) in [
                            ("overhead", g.overhead.as_ref().map(QuantityField::span)),
                            ("equity", g.equity.as_ref().map(QuantityField::span)),
                        ] {
                            if let Some(span) = given {
                                return Err(ScenarioError::new(
                                    Some(span),
                                    n(key),
                                    format!("`{key}` with `salary` from a plugin loads the plugin's pay twice: a salary plugin answers fully loaded pay (salary-us: salary x overhead + equity)"),
                                )
                                .hint(format!("drop `{key}`, or write the pay yourself as `compensation` (the unloaded salary) and keep `{key}`")));
                            }
                        }
                    }
                    groups.push(StaffGroup {
                        role: g.role.clone(),
                        per_person: g.draws != Some(Draws::Shared),
                        equity: g
                            .equity
                            .as_ref()
                            .map(|q| cx.quantity(&n("equity"), q, Dim::UsdPerYear))
                            .transpose()?,
                        equity_once_per_person: g.equity_draws == Some(EquityDraws::Once),
                        headcount: cx.quantity(&n("headcount"), &g.headcount, Dim::People)?,
                        compensation: match (&g.compensation, &g.salary) {
                            (Some(q), _) => cx.quantity(&n("compensation"), q, Dim::UsdPerYear)?,
                            (None, Some(sf)) => {
                                if let Some(y) = sf.year {
                                    crate::date::check_written_year(y).map_err(|e| {
                                        ScenarioError::new(Some(sf.plugin.span()), n("salary.year"), e.to_string())
                                            .hint("give the year of the pay, between 1950 and 2100")
                                    })?;
                                }
                                let year = sf.year.or(published_year).unwrap_or(dollars.year);
                                let supplied = supplier
                                    .compensation(sf.plugin.get_ref(), &sf.role, year)
                                    .map_err(|m| ScenarioError::new(Some(sf.plugin.span()), n("salary"), m))?;
                                cx.supplied(&n("compensation"), supplied, sf.plugin.span(), Dim::UsdPerYear)?
                            }
                            (None, None) => {
                                return Err(ScenarioError::new(None, n("compensation"), "no compensation")
                                    .hint("give compensation = { ..., unit = \"USD/year\" } or salary = { plugin = \"salary-us\", role = \"researcher\" }"));
                            }
                        },
                        overhead: match &g.overhead {
                            Some(q) => cx.quantity(&n("overhead"), q, Dim::Multiplier)?,
                            None => Quantity::new(
                                Distribution::Point(1.0),
                                Provenance::assumption(
                                    "no overhead given: compensation is taken as fully loaded",
                                ),
                            ),
                        },
                        fte: cx.quantity(&n("fte"), &g.fte, Dim::Fraction)?,
                    });
                }
                Some(StaffSpec { duration, groups })
            }
        };

        let fleet = match &f.fleet {
            None => None,
            Some(fl) => {
                let year = published_year.unwrap_or(dollars.year);
                let d = EpochDefaults::new(
                    gpu.map_or("", |g| g.product.as_str()),
                    f.developer.as_deref().unwrap_or(""),
                    year,
                    UncertaintyMode::Epoch,
                );
                let power_per_gpu_watts = match (&fl.power_per_gpu, gpu) {
                    (Some(q), _) => cx.quantity("fleet.power_per_gpu", q, Dim::Watts)?,
                    (None, Some(g)) => d.power_per_gpu(&g.product, &g.tdp),
                    (None, None) => {
                        return Err(ScenarioError::new(None, "fleet.power_per_gpu", "no power per GPU and no scenario `gpu` to take it from")
                            .hint("add `power_per_gpu = { value = 1000, unit = \"W\", assumption = \"...\" }` or set `gpu`"));
                    }
                };
                Some(FleetSpec {
                    gpus: cx.quantity("fleet.gpus", &fl.gpus, Dim::Gpus)?,
                    price_per_gpu: cx.quantity(
                        "fleet.price_per_gpu",
                        &fl.price_per_gpu,
                        Dim::UsdPerGpu,
                    )?,
                    overhead: cx.quantity("fleet.overhead", &fl.overhead, Dim::Multiplier)?,
                    lifetime_years: cx.quantity("fleet.lifetime", &fl.lifetime, Dim::Lifetime)?,
                    power_per_gpu_watts,
                    pue: match &fl.pue {
                        Some(q) => cx.quantity("fleet.pue", q, Dim::Multiplier)?,
                        None => d.pue.clone(),
                    },
                    electricity_price: match (&fl.electricity_price, &d.electricity_price) {
                        (Some(q), _) => {
                            cx.quantity("fleet.electricity_price", q, Dim::UsdPerKwh)?
                        }
                        (None, Some(e)) => cx.money_default(
                            "fleet.electricity_price",
                            e.distribution.clone(),
                            e.provenance.clone(),
                        )?,
                        (None, None) => {
                            return Err(ScenarioError::new(
                                None,
                                "fleet.electricity_price",
                                format!("Epoch AI's electricity table has no price for {year}"),
                            )
                            .hint("give electricity_price = { value = 0.08, unit = \"USD/kWh\", assumption = \"...\" }"));
                        }
                    },
                    other_opex_fraction: cx.quantity(
                        "fleet.other_opex",
                        &fl.other_opex,
                        Dim::Fraction,
                    )?,
                })
            }
        };

        let energy = self.energy(&mut cx, gpu, ownership.as_ref(), published_year)?;
        let emissions = self.emissions(&mut cx, published_year, supplier)?;
        self.check_headline(&stages)?;
        let spec = StackSpec {
            name: f.name.clone(),
            dollars: report,
            index: self.index(),
            stages,
            ownership,
            development,
            staff,
            fleet,
            energy,
            emissions,
        };
        crate::stack::CostModel::new(&spec).map_err(|e| self.locate_model_error(e))?;
        Ok((spec, claims))
    }

    /// `[headline] stages`: final-run stages (inherited ones as `<base> <stage>`), each named
    /// once, at least one: a repeat would count a stage twice in the rebuilt figure, an
    /// unknown name would be left out of it without a word.
    fn check_headline(&self, stages: &[StageSpec]) -> Result<(), ScenarioError> {
        let Some(h) = &self.file.headline else {
            return Ok(());
        };
        let Some(named) = &h.stages else {
            return Ok(());
        };
        let known: Vec<&str> = stages.iter().map(|s| s.name.as_str()).collect();
        let known_text = known
            .iter()
            .map(|k| format!("\"{k}\""))
            .collect::<Vec<_>>()
            .join(", ");
        if named.is_empty() {
            return Err(ScenarioError::new(
                None,
                "headline.stages",
                "names no stage: the rebuilt headline would be zero",
            )
            .hint(format!(
                "name the stages the published figure covers, or drop `stages` for all of this scenario's own; stages: {known_text}"
            )));
        }
        for (i, st) in named.iter().enumerate() {
            let name = st.get_ref();
            if !known.contains(&name.as_str()) {
                return Err(ScenarioError::new(
                    Some(st.span()),
                    "headline.stages",
                    format!("no final-run stage is named `{name}`"),
                )
                .hint(format!("stages: {known_text}")));
            }
            if named[..i].iter().any(|p| p.get_ref() == name) {
                return Err(ScenarioError::new(
                    Some(st.span()),
                    "headline.stages",
                    format!("stage `{name}` is named twice: it would count twice in the rebuilt headline"),
                )
                .hint("name each stage once"));
            }
        }
        Ok(())
    }

    /// The scenario GPU's specs: from the pricing plugin if the file names one, else built in.
    fn gpu_info(
        &self,
        cx: &mut Ctx<'_>,
        supplier: &dyn Supplier,
    ) -> Result<Option<GpuInfo>, ScenarioError> {
        let f = &self.file;
        let Some(g) = &f.gpu else { return Ok(None) };
        if let Some(plugin) = &f.pricing {
            let spec = supplier
                .gpu(plugin.get_ref(), g.get_ref())
                .map_err(|m| ScenarioError::new(Some(plugin.span()), "pricing", m))?;
            return Ok(Some(GpuInfo {
                product: spec.product,
                peak: cx.supplied("gpu.peak_flops", spec.peak_flops, g.span(), Dim::FlopRate)?,
                tdp: cx.supplied("gpu.tdp", spec.tdp, g.span(), Dim::Watts)?,
            }));
        }
        let spec = hardware::gpu(g.get_ref()).ok_or_else(|| {
            ScenarioError::new(
                Some(g.span()),
                "gpu",
                format!("unknown GPU `{}`", crate::excerpt(g.get_ref())),
            )
            .hint(format!(
                "known GPUs: {}; or name a pricing plugin that knows or defines it (`pricing = \"...\"`, docs/PLUGINS.md)",
                hardware::gpu_names().join(", ")
            ))
        })?;
        let source = format!(
            "{} ({}, Epoch AI chip dataset)",
            spec.name, spec.dataset_name
        );
        Ok(Some(GpuInfo {
            product: spec.dataset_name.to_owned(),
            peak: Quantity::new(
                Distribution::Point(spec.peak_bf16.0),
                Provenance::assumption(format!("dense BF16 peak of the {source}")),
            ),
            tdp: Quantity::new(
                Distribution::Point(spec.tdp.0),
                Provenance::assumption(format!("TDP of the {source}")),
            ),
        }))
    }

    fn stage(
        &self,
        cx: &mut Ctx<'_>,
        list: &str,
        s: &StageFile,
        gpu: Option<&GpuInfo>,
        default_price: Option<&Quantity>,
        needs_price: bool,
    ) -> Result<StageSpec, ScenarioError> {
        let n = |x: &str| format!("{list}.{}.{x}", s.name);
        let flop = match (&s.flop, &s.active_parameters, &s.tokens) {
            (Some(q), None, None) => {
                Some(FlopSpec::Given(cx.quantity(&n("flop"), q, Dim::Flop)?))
            }
            (None, Some(p), Some(t)) => Some(FlopSpec::SixND {
                active_parameters: cx.quantity(&n("active_parameters"), p, Dim::Parameters)?,
                tokens: cx.quantity(&n("tokens"), t, Dim::Tokens)?,
            }),
            (None, None, None) => None,
            (Some(q), _, _) => {
                return Err(ScenarioError::new(
                    Some(q.span()),
                    n("flop"),
                    "give `flop` or `active_parameters` and `tokens`, not both",
                ));
            }
            (None, _, _) => {
                return Err(ScenarioError::new(
                    None,
                    n("active_parameters"),
                    "`active_parameters` and `tokens` go together",
                ));
            }
        };
        let peak_flops = match (&s.peak_flops, gpu, &flop) {
            (Some(q), _, _) => Some(cx.quantity(&n("peak_flops"), q, Dim::FlopRate)?),
            (None, Some(g), Some(_)) => Some(g.peak.clone()),
            _ => None,
        };
        let rental_price = match (
            cx.opt(&n("rental_price"), &s.rental_price, Dim::UsdPerGpuHour)?,
            default_price,
        ) {
            (Some(q), _) => q,
            (None, Some(d)) => d.clone(),
            (None, None) if !needs_price => {
                Quantity::new(Distribution::Point(0.0), Provenance::assumption("not used"))
            }
            (None, None) => {
                return Err(ScenarioError::new(
                    None,
                    n("rental_price"),
                    format!("stage `{}` has no rental price", s.name),
                )
                .hint("set `rental_price` at the top of the scenario or in the stage"));
            }
        };
        Ok(StageSpec {
            name: s.name.clone(),
            gpu_hours: cx.opt(&n("gpu_hours"), &s.gpu_hours, Dim::GpuHours)?,
            gpus: cx.opt(&n("gpus"), &s.gpus, Dim::Gpus)?,
            hours: cx.opt(&n("hours"), &s.hours, Dim::Hours)?,
            flop,
            peak_flops,
            mfu: cx.opt(&n("mfu"), &s.mfu, Dim::Utilization)?,
            rental_price,
        })
    }

    fn ownership(
        &self,
        cx: &mut Ctx<'_>,
        o: &OwnershipFile,
        gpu: Option<&GpuInfo>,
        published_year: Option<i32>,
        supplier: &dyn Supplier,
    ) -> Result<OwnershipSpec, ScenarioError> {
        let mode = o.uncertainty.unwrap_or(UncertaintyMode::Epoch);
        let f = &self.file;
        // Before a plugin is asked for the price in force at `acquired`.
        for (name, date) in [
            ("acquired", &o.acquired),
            ("training_start", &o.training_start),
        ] {
            if let Some(d) = date {
                parse_date(&format!("ownership.{name}"), d, false)?;
            }
        }
        let purchase_price = match (&o.purchase_price, &f.pricing, &f.gpu) {
            (Some(q), _, _) => cx.quantity("ownership.purchase_price", q, Dim::UsdPerGpu)?,
            (None, Some(plugin), Some(g)) => {
                // Epoch AI's rule: the quote in force when the hardware was acquired.
                let date = o
                    .acquired
                    .as_deref()
                    .or(f.published.as_deref())
                    .unwrap_or("");
                let supplied = supplier
                    .purchase_price(plugin.get_ref(), g.get_ref(), date)
                    .map_err(|m| {
                        ScenarioError::new(Some(plugin.span()), "ownership.purchase_price", m)
                    })?;
                cx.supplied(
                    "ownership.purchase_price",
                    supplied,
                    plugin.span(),
                    Dim::UsdPerGpu,
                )?
            }
            (None, _, _) => {
                return Err(ScenarioError::new(None, "ownership.purchase_price", "the ownership method needs a purchase price per GPU")
                    .hint("add purchase_price = { value = ..., unit = \"USD/GPU\", claim = \"...\" } under [ownership]"));
            }
        };
        let years_to_training_start = match (
            &o.years_to_training_start,
            &o.acquired,
            &o.training_start,
        ) {
            (Some(q), None, None) => {
                cx.quantity("ownership.years_to_training_start", q, Dim::Years)?
            }
            (None, Some(a), Some(s)) => {
                let days = parse_date("ownership.training_start", s, false)?.days_since(parse_date(
                    "ownership.acquired",
                    a,
                    false,
                )?) as f64;
                if days < 0.0 {
                    return Err(ScenarioError::new(
                            None,
                            "ownership.training_start",
                            format!("training starts ({s}) {} days before the hardware is acquired ({a})", -days),
                        )
                        .hint("hardware is acquired before training on it starts: swap the two dates, or fix one"));
                }
                let years = days / crate::units::DAYS_PER_YEAR;
                let sd = 120.0 / crate::units::DAYS_PER_YEAR / crate::dist::Z_95;
                Quantity::new(
                    match mode {
                        UncertaintyMode::None => Distribution::Point(years),
                        UncertaintyMode::Epoch => Distribution::Normal { mean: years, sd },
                    },
                    Provenance::assumption(format!(
                        "{a} to {s}: {days:.0} days (dates as given){}",
                        if mode == UncertaintyMode::Epoch {
                            "; Epoch AI's +-120-day 90% range"
                        } else {
                            ""
                        }
                    )),
                )
            }
            _ => {
                return Err(ScenarioError::new(
                    None,
                    "ownership.acquired",
                    "give `acquired` and `training_start` dates, or `years_to_training_start`",
                )
                .hint("e.g. acquired = \"2020-08-12\" and training_start = \"2022-05-12\""));
            }
        };
        let need_gpu = |what: &str| {
            ScenarioError::new(
                None,
                format!("ownership.{what}"),
                format!("no `{what}` and no scenario `gpu` to take it from"),
            )
            .hint(format!(
                "set `gpu = \"H100\"` (known: {}) or give `{what}`",
                hardware::gpu_names().join(", ")
            ))
        };
        let year = published_year.unwrap_or(cx.dollars.year);
        let d = EpochDefaults::new(
            gpu.map_or("", |g| g.product.as_str()),
            f.developer.as_deref().unwrap_or(""),
            year,
            mode,
        );
        let electricity_price = match (&o.electricity_price, &d.electricity_price) {
            (Some(q), _) => cx.quantity("ownership.electricity_price", q, Dim::UsdPerKwh)?,
            (None, Some(e)) => cx.money_default(
                "ownership.electricity_price",
                e.distribution.clone(),
                e.provenance.clone(),
            )?,
            (None, None) => {
                return Err(ScenarioError::new(
                    None,
                    "ownership.electricity_price",
                    format!("Epoch AI's electricity table has no price for {year}"),
                )
                .hint("give electricity_price = { value = 0.08, unit = \"USD/kWh\", assumption = \"...\" }"));
            }
        };
        let energy = match &o.energy {
            None => RunEnergy::FromChipHours {
                tdp_watts: match (&o.tdp, gpu) {
                    (Some(q), _) => cx.quantity("ownership.tdp", q, Dim::Watts)?,
                    (None, Some(g)) => g.tdp.clone(),
                    (None, None) => return Err(need_gpu("tdp")),
                },
                server_power_ratio: match (&o.server_power_ratio, gpu) {
                    (Some(q), _) => {
                        cx.quantity("ownership.server_power_ratio", q, Dim::Multiplier)?
                    }
                    (None, Some(_)) => d.server_power_ratio.clone(),
                    (None, None) => return Err(need_gpu("server_power_ratio")),
                },
                power_fraction: match &o.power_fraction {
                    Some(q) => cx.quantity("ownership.power_fraction", q, Dim::Fraction)?,
                    None => d.power_fraction.clone(),
                },
                pue: match &o.pue {
                    Some(q) => cx.quantity("ownership.pue", q, Dim::Multiplier)?,
                    None => d.pue.clone(),
                },
            },
            Some(e) => self.run_energy(cx, o, e)?,
        };
        let server_overhead = match (o.split_hardware, &o.server_overhead) {
            (Some(false), Some(_)) => {
                return Err(ScenarioError::new(
                    None,
                    "ownership.server_overhead",
                    "`server_overhead` splits the hardware, but `split_hardware = false`",
                )
                .hint("drop one of the two"));
            }
            (_, Some(q)) => Some(cx.quantity("ownership.server_overhead", q, Dim::Multiplier)?),
            (Some(true), None) => {
                if gpu.is_none() {
                    return Err(need_gpu("server_overhead"));
                }
                Some(d.server_overhead.clone())
            }
            (Some(false) | None, None) => None,
        };
        Ok(OwnershipSpec {
            purchase_price,
            years_to_training_start,
            depreciation_ooms_per_year: match &o.depreciation_ooms_per_year {
                Some(q) => {
                    cx.quantity("ownership.depreciation_ooms_per_year", q, Dim::OomsPerYear)?
                }
                None => d.depreciation_ooms_per_year.clone(),
            },
            interconnect_multiplier: match &o.interconnect_multiplier {
                Some(q) => cx.quantity("ownership.interconnect_multiplier", q, Dim::Multiplier)?,
                None => d.interconnect_multiplier.clone(),
            },
            server_overhead,
            energy,
            electricity_price,
            electricity_price_factor: o
                .electricity_price_factor
                .as_ref()
                .map(|q| cx.quantity("ownership.electricity_price_factor", q, Dim::Multiplier))
                .transpose()?,
        })
    }

    /// The final run's energy forms: accelerator power from `[energy]` or the GPU's TDP; the
    /// facility form from `[energy]` and Epoch AI's defaults when there is no `[ownership]`
    /// (with one, its energy is the facility form). `None` when neither form can be known.
    fn energy(
        &self,
        cx: &mut Ctx<'_>,
        gpu: Option<&GpuInfo>,
        ownership: Option<&OwnershipSpec>,
        published_year: Option<i32>,
    ) -> Result<Option<EnergySpec>, ScenarioError> {
        let f = &self.file;
        let has_ownership = ownership.is_some();
        let default = EnergyFile::default();
        let e = f.energy.as_ref().unwrap_or(&default);
        // The chip's TDP the facility form uses, where the file states one.
        let stated_tdp = match ownership.map(|o| &o.energy) {
            Some(RunEnergy::FromChipHours { tdp_watts, .. }) => Some(tdp_watts.clone()),
            _ => e
                .tdp
                .as_ref()
                .map(|q| cx.quantity("energy.tdp", q, Dim::Watts))
                .transpose()?,
        };
        let accelerator_power = match (&e.accelerator_power, &stated_tdp, gpu) {
            (Some(q), _, _) => Some(cx.quantity("energy.accelerator_power", q, Dim::Watts)?),
            (None, Some(tdp), _) => Some(tdp.clone()),
            (None, None, Some(g)) => Some(g.tdp.clone()),
            (None, None, None) => None,
        };
        let facility_fields = [
            ("tdp", &e.tdp),
            ("server_power_ratio", &e.server_power_ratio),
            ("power_fraction", &e.power_fraction),
            ("pue", &e.pue),
        ];
        let facility = if has_ownership {
            if let Some((name, q)) = facility_fields
                .iter()
                .find_map(|(n, q)| q.as_ref().map(|q| (n, q)))
            {
                return Err(ScenarioError::new(
                    Some(q.span()),
                    format!("energy.{name}"),
                    format!("`{name}` in [energy] sets the facility energy, which [ownership] already sets"),
                )
                .hint(format!("move `{name}` into [ownership] (its energy is the facility energy), or drop it")));
            }
            None
        } else {
            let year = published_year.unwrap_or(cx.dollars.year);
            let d = EpochDefaults::new(
                gpu.map_or("", |g| g.product.as_str()),
                f.developer.as_deref().unwrap_or(""),
                year,
                UncertaintyMode::Epoch,
            );
            let tdp = stated_tdp.or_else(|| gpu.map(|g| g.tdp.clone()));
            let ratio = match (&e.server_power_ratio, gpu) {
                (Some(q), _) => {
                    Some(cx.quantity("energy.server_power_ratio", q, Dim::Multiplier)?)
                }
                (None, Some(_)) => Some(d.server_power_ratio.clone()),
                (None, None) => None,
            };
            match (tdp, ratio) {
                (Some(tdp_watts), Some(server_power_ratio)) => Some(RunEnergy::FromChipHours {
                    tdp_watts,
                    server_power_ratio,
                    power_fraction: match &e.power_fraction {
                        Some(q) => cx.quantity("energy.power_fraction", q, Dim::Fraction)?,
                        None => d.power_fraction.clone(),
                    },
                    pue: match &e.pue {
                        Some(q) => cx.quantity("energy.pue", q, Dim::Multiplier)?,
                        None => d.pue.clone(),
                    },
                }),
                _ if facility_fields.iter().any(|(_, q)| q.is_some()) => {
                    return Err(ScenarioError::new(
                        None,
                        "energy.tdp",
                        "the facility energy needs the chip's TDP and server power ratio, and the scenario has no `gpu` to take them from",
                    )
                    .hint(format!(
                        "set `gpu` (known: {}) or give `tdp` and `server_power_ratio` under [energy]",
                        hardware::gpu_names().join(", ")
                    )));
                }
                _ => None,
            }
        };
        if accelerator_power.is_none() && facility.is_none() && !has_ownership {
            return Ok(None);
        }
        let accelerator_pue = e
            .accelerator_pue
            .as_ref()
            .map(|q| cx.quantity("energy.accelerator_pue", q, Dim::Multiplier))
            .transpose()?;
        Ok(Some(EnergySpec {
            accelerator_power,
            accelerator_pue,
            facility,
        }))
    }

    /// `[emissions]`: each accounting's intensity, written or asked of the grid plugin for the
    /// region and year; the location-based one is required (a region or a value), the
    /// market-based one only where given or answered.
    fn emissions(
        &self,
        cx: &mut Ctx<'_>,
        published_year: Option<i32>,
        supplier: &dyn Supplier,
    ) -> Result<Option<EmissionsSpec>, ScenarioError> {
        let f = &self.file;
        let Some(e) = &f.emissions else {
            return Ok(None);
        };
        let default_year = f
            .ownership
            .as_ref()
            .and_then(|o| o.training_start.as_deref())
            .and_then(|d| d.get(..4))
            .and_then(|y| y.parse().ok())
            .or(published_year)
            .unwrap_or(cx.dollars.year);
        let years = match e.year {
            Some(y) => {
                for year in [y.first, y.last] {
                    crate::date::check_written_year(year).map_err(|m| {
                        ScenarioError::new(None, "emissions.year", m.to_string()).hint(
                            "give the year the run drew its electricity, between 1950 and 2100",
                        )
                    })?;
                }
                if y.first > y.last || y.last - y.first > MAX_GRID_YEARS {
                    return Err(ScenarioError::new(
                        None,
                        "emissions.year",
                        format!(
                            "the span of years [{}, {}] must run forward and cover at most {} years",
                            y.first,
                            y.last,
                            MAX_GRID_YEARS + 1
                        ),
                    )
                    .hint("write the first and the last year the run drew electricity in, e.g. year = [2023, 2024]"));
                }
                y
            }
            None => GridYears {
                first: default_year,
                last: default_year,
            },
        };
        let default_grid = Spanned::new(0..0, "grid-intensity".to_owned());
        let grid = e.grid.as_ref().unwrap_or(&default_grid);
        let mut intensity = |accounting: Accounting,
                             written: &Option<QuantityField>|
         -> Result<Option<Quantity>, ScenarioError> {
            let name = format!("emissions.{accounting}_intensity");
            if let Some(q) = written {
                return cx.quantity(&name, q, Dim::CarbonIntensity).map(Some);
            }
            let Some(region) = &e.region else {
                return Ok(None);
            };
            let mut answers = Vec::new();
            for place in &region.get_ref().0 {
                for year in years.first..=years.last {
                    match supplier.grid_intensity(grid.get_ref(), place, year, accounting) {
                        Ok(supplied) => answers.push(supplied),
                        // A market-based figure exists only where a source gives one.
                        Err(_) if accounting == Accounting::Market => return Ok(None),
                        Err(m) => return Err(ScenarioError::new(Some(region.span()), "emissions.region", m)
                            .hint(format!(
                                "check `region` and `year` ({year}) against `traincost plugins check {}`, or write location_intensity = {{ value = ..., unit = \"gCO2e/kWh\", claim = \"...\" }}",
                                grid.get_ref()
                            ))),
                    }
                }
            }
            let supplied = span_of_answers(answers, &region.get_ref().0, years).map_err(|m| {
                ScenarioError::new(Some(region.span()), name.clone(), m).hint(
                    "ask for one region and one year, or write the intensity as a distribution",
                )
            })?;
            cx.supplied(&name, supplied, region.span(), Dim::CarbonIntensity)
                .map(Some)
        };
        let location = intensity(Accounting::Location, &e.location_intensity)?;
        let market = intensity(Accounting::Market, &e.market_intensity)?;
        if location.is_none() {
            return Err(ScenarioError::new(
                None,
                "emissions.region",
                "[emissions] needs the location-based intensity: a `region` for the grid plugin, or `location_intensity`",
            )
            .hint("e.g. region = \"US\", or location_intensity = { value = 380, unit = \"gCO2e/kWh\", claim = \"...\" }"));
        }
        Ok(Some(EmissionsSpec { location, market }))
    }

    /// `[ownership.energy]`: the run's energy as stated, replacing the chip-hours formula.
    fn run_energy(
        &self,
        cx: &mut Ctx<'_>,
        o: &OwnershipFile,
        e: &RunEnergyFile,
    ) -> Result<RunEnergy, ScenarioError> {
        for (name, given) in [
            ("tdp", o.tdp.is_some()),
            ("server_power_ratio", o.server_power_ratio.is_some()),
            ("power_fraction", o.power_fraction.is_some()),
            ("pue", o.pue.is_some()),
        ] {
            if given {
                return Err(ScenarioError::new(
                    None,
                    format!("ownership.{name}"),
                    format!("`{name}` feeds the chip-hours energy formula, which [ownership.energy] replaces"),
                )
                .hint("move it into [ownership.energy] (for a cluster), or drop [ownership.energy]"));
            }
        }
        let field = |f: &str| format!("ownership.energy.{f}");
        let cluster = [
            &e.chips,
            &e.chip_power,
            &e.server_power_ratio,
            &e.power_fraction,
            &e.pue,
            &e.hours,
        ];
        match (&e.kwh, cluster.iter().any(|c| c.is_some())) {
            (Some(q), false) => Ok(RunEnergy::Stated(cx.quantity(&field("kwh"), q, Dim::Energy)?)),
            (None, true) => {
                let mut need = |name: &str, q: &Option<QuantityField>, dim: Dim| match q {
                    Some(q) => cx.quantity(&field(name), q, dim),
                    None => Err(ScenarioError::new(
                        None,
                        field(name),
                        format!("a cluster's energy needs `{name}` too"),
                    )
                    .hint("give chips, chip_power, server_power_ratio, power_fraction, pue and hours; a multiplier that does not apply is { value = 1, unit = \"x\", assumption = \"...\" }")),
                };
                Ok(RunEnergy::Cluster {
                    chips: need("chips", &e.chips, Dim::Gpus)?,
                    chip_watts: need("chip_power", &e.chip_power, Dim::Watts)?,
                    server_power_ratio: need(
                        "server_power_ratio",
                        &e.server_power_ratio,
                        Dim::Multiplier,
                    )?,
                    power_fraction: need("power_fraction", &e.power_fraction, Dim::Fraction)?,
                    pue: need("pue", &e.pue, Dim::Multiplier)?,
                    hours: need("hours", &e.hours, Dim::Hours)?,
                })
            }
            _ => Err(ScenarioError::new(
                None,
                "ownership.energy",
                "give either `kwh`, or a cluster's chips, chip_power, server_power_ratio, power_fraction, pue and hours",
            )
            .hint("e.g. kwh = { value = 1287, unit = \"MWh\", claim = \"...\" }")),
        }
    }

    /// A project's duration from its dates (`[staff.project]`).
    fn project_duration(&self, p: &ProjectDatesFile) -> Result<StaffDuration, ScenarioError> {
        /// The longest delay or minimum a project's dates take: ten years.
        const MAX_DAYS: f64 = 3652.5;
        let field = "staff.project";
        let year = |f: &str, d: &str| -> Result<f64, ScenarioError> {
            let date = parse_date(&format!("{field}.{f}"), d, false)?;
            Ok(date.decimal_year())
        };
        let (a, b) = (year("start", &p.start[0])?, year("start", &p.start[1])?);
        if a >= b {
            return Err(ScenarioError::new(
                None,
                format!("{field}.start"),
                format!(
                    "the start range `{}` to `{}` is empty",
                    p.start[0], p.start[1]
                ),
            )
            .hint("give the earliest and the latest start, earliest first"));
        }
        let end = match (&p.end, &self.file.published) {
            (Some(e), _) => year("end", e)?,
            (None, Some(published)) => parse_date("published", published, true)?.decimal_year(),
            (None, None) => {
                return Err(
                    ScenarioError::new(None, format!("{field}.end"), "no end date")
                        .hint("give end = \"YYYY-MM-DD\", or the scenario's `published` date"),
                );
            }
        };
        if end <= a {
            return Err(ScenarioError::new(
                None,
                format!("{field}.end"),
                "the project ends before its earliest start",
            ));
        }
        let provenance = Provenance::assumption(p.assumption.clone());
        let delay = match p.end_delay_days {
            None => None,
            Some([lo, hi]) if 0.0 < lo && lo < hi && hi <= MAX_DAYS => Some(Quantity::new(
                Distribution::Lognormal {
                    p5: lo / crate::units::DAYS_PER_YEAR,
                    p95: hi / crate::units::DAYS_PER_YEAR,
                },
                provenance.clone(),
            )),
            Some(_) => {
                return Err(ScenarioError::new(
                    None,
                    format!("{field}.end_delay_days"),
                    "give a 90% range of days, low then high, above 0 and at most 3,652.5 (ten years)",
                ));
            }
        };
        let minimum_days = p.minimum_days.unwrap_or(0.0);
        if !(0.0..=MAX_DAYS).contains(&minimum_days) {
            return Err(ScenarioError::new(
                None,
                format!("{field}.minimum_days"),
                "a minimum of 0 to 3,652.5 days (ten years)",
            ));
        }
        Ok(StaffDuration::Dates {
            start: Quantity::new(Distribution::Lognormal { p5: a, p95: b }, provenance),
            end,
            delay,
            minimum_years: minimum_days / crate::units::DAYS_PER_YEAR,
        })
    }

    /// Points a model error at the field it concerns.
    fn locate_model_error(&self, e: ModelError) -> ScenarioError {
        let (field, hint) = match &e {
            ModelError::Distribution { input, .. } | ModelError::NoProvenance { input } => {
                (input.clone(), None)
            }
            ModelError::StageUnderdetermined { stage } => (format!("stages.{stage}"), None),
            ModelError::StageContradiction { stage, field, .. } => {
                (format!("stages.{stage}.{field}"), None)
            }
            ModelError::NoStages => (
                "stages".into(),
                Some("add [[stages]] with name and gpu_hours"),
            ),
            ModelError::DuplicateName { what, .. } => ((*what).into(), None),
            ModelError::MissingOwnership => ("development.basis".into(), None),
            ModelError::RefitNeedsOwnership => ("development.propagation".into(), None),
            ModelError::RefitNeedsPoint { input } => (input.clone(), None),
            ModelError::FacilityEnergyTwice => ("energy".into(), None),
            ModelError::AcceleratorPueAlone => ("energy.accelerator_pue".into(), None),
            ModelError::UnboundedHeadcount { role } | ModelError::TooManyPeople { role, .. } => {
                (format!("staff.groups.{role}.headcount"), None)
            }
        };
        let span = self.span_of(&field);
        ScenarioError {
            span,
            field: Some(field),
            message: e.to_string(),
            hint: hint.map(Into::into),
        }
    }

    /// Best-effort span of a dotted field (`stages.NAME.gpu_hours`) in the source.
    pub fn span_of(&self, field: &str) -> Option<Range<usize>> {
        let parts: Vec<&str> = field.split('.').collect();
        let key = parts.last()?;
        let anchor = match parts.as_slice() {
            ["stages", name, ..]
            | ["development", "stages", name, ..]
            | ["staff", "groups", name, ..] => self.source.find(&format!("\"{name}\"")),
            [table, ..] => self.source.find(&format!("[{table}]")),
            _ => None,
        }
        .unwrap_or(0);
        let rest = &self.source[anchor..];
        let at = rest
            .find(&format!("\n{key} "))
            .or_else(|| rest.find(&format!("\n{key}=")))?;
        Some(anchor + at + 1..anchor + at + 1 + key.len())
    }
}

/// A TOML parser's message in people's words, with a hint, and where to point when the parser
/// gave no position: `(message, hint, byte offset)`. Messages it does not know pass unchanged.
/// [`Scenario::parse`] explains its errors with it; the CLI, other TOML files' too.
pub fn explain_toml(message: &str, source: &str) -> (String, Option<String>, Option<usize>) {
    let msg = message.trim();
    if msg == "recursion limit" {
        let at = deepest_key(source);
        return (
            "tables or dotted keys nested too deeply for the TOML reader (its recursion limit)"
                .to_owned(),
            Some("flatten the nesting: no traincost file needs more than a few levels".to_owned()),
            at,
        );
    }
    if msg.starts_with("cannot recurse further") {
        return (
            "arrays or inline tables nested too deeply for the TOML reader (its recursion limit)"
                .to_owned(),
            Some("flatten the nesting: no traincost file needs more than a few levels".to_owned()),
            None,
        );
    }
    if msg == "floating-point number overflowed" {
        return (
            "number too large: the largest a 64-bit float holds is about 1.8e308".to_owned(),
            Some("write a finite number in the field's unit".to_owned()),
            None,
        );
    }
    if let Some(rest) = msg.strip_prefix("invalid type: integer `")
        && let Some((digits, tail)) = rest.split_once('`')
        && tail.ends_with("expected f64")
    {
        return if digits.parse::<i64>().is_ok() {
            (
                format!("{digits} is an integer where a decimal number is expected"),
                Some(format!("write it as {digits}.0")),
                None,
            )
        } else {
            (
                format!(
                    "{digits} is too large for a TOML integer (at most {} in magnitude)",
                    i64::MAX
                ),
                Some(format!(
                    "write it as a decimal number, e.g. {digits}.0 or in scientific notation \
                     (1e20)"
                )),
                None,
            )
        };
    }
    (msg.to_owned(), None, None)
}

/// The start of the key (dotted key or table header) with the most parts: where a "recursion
/// limit" with no position most likely is.
fn deepest_key(source: &str) -> Option<usize> {
    let mut best: Option<(usize, usize)> = None;
    let mut offset = 0;
    for line in source.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let key = if trimmed.starts_with('[') {
            trimmed.split(']').next().unwrap_or_default()
        } else {
            trimmed.split('=').next().unwrap_or_default()
        };
        let parts = key.matches('.').count();
        if parts > 0 && best.is_none_or(|(n, _)| parts > n) {
            best = Some((parts, offset + (line.len() - trimmed.len())));
        }
        offset += line.len();
    }
    best.map(|(_, at)| at)
}

/// A TOML error in people's words: serde's unknown-field message with a "did you mean" hint,
/// a missing field with an example to copy, and the reader's own messages as
/// [`explain_toml`] puts them, with a byte offset when the reader gave none.
fn toml_message(msg: &str, source: &str) -> (String, Option<String>, Option<usize>) {
    let (msg, hint, at) = explain_toml(msg, source);
    if hint.is_some() || at.is_some() {
        return (msg, hint, at);
    }
    let (msg, hint) = field_message(msg);
    (msg, hint, None)
}

/// A reader's message with every `quoted` part of the input (`unknown variant `...``) cut
/// short by [`crate::excerpt`], and the whole at most 1,000 characters.
fn excerpt_quotes(message: &str) -> String {
    let parts: Vec<std::borrow::Cow<'_, str>> = message
        .split('`')
        .enumerate()
        .map(|(i, p)| {
            if i % 2 == 1 {
                crate::excerpt(p)
            } else {
                p.into()
            }
        })
        .collect();
    crate::clip(&parts.join("`"), 1_000).into_owned()
}

/// Serde's unknown-field message plus a "did you mean" hint.
fn field_message(msg: String) -> (String, Option<String>) {
    if let Some(rest) = msg.strip_prefix("unknown field `")
        && let Some((field, expected)) = rest.split_once("`, expected ")
    {
        let candidates: Vec<&str> = expected
            .split(['`', ',', ' '])
            .filter(|s| !s.is_empty() && *s != "one" && *s != "of" && *s != "or")
            .collect();
        let best = candidates
            .iter()
            .map(|c| (strsim::normalized_levenshtein(field, c), *c))
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .filter(|(s, _)| *s > 0.6);
        let hint = best.map(|(_, c)| format!("did you mean `{c}`?"));
        return (
            format!("unknown field `{field}`"),
            hint.or(Some(format!("expected {expected}"))),
        );
    }
    if msg.starts_with("missing field") {
        return (
            msg,
            Some("the built-in scenario `deepseek-v3` is a complete example".into()),
        );
    }
    (msg, None)
}

/// The JSON schema of the scenario format (pretty JSON, keys sorted). Needs the `schema`
/// feature.
#[cfg(feature = "schema")]
pub fn json_schema() -> String {
    let schema = schemars::schema_for!(ScenarioFile);
    serde_json::to_string_pretty(&schema).expect("a schema serializes") + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stack::CostModel;

    fn gpu_hours(s: &Scenario) -> f64 {
        let (spec, _) = s.to_spec(None).unwrap();
        let m = CostModel::new(&spec).unwrap();
        let i = m
            .outputs()
            .iter()
            .position(|o| o.id == "final-run-gpu-hours")
            .unwrap();
        m.central()[i]
    }

    const R1_LIKE: &str = r#"
name = "r1-like"
dollars = "2024"
gpu = "H800"
base = BASE
rental_price = { value = 2.0, unit = "USD/GPU-hour", assumption = "test" }

[[stages]]
name = "rl"
gpu_hours = { value = 1000, assumption = "test" }
"#;

    fn with_base(base: &str) -> Result<Scenario, ScenarioError> {
        Scenario::parse(&R1_LIKE.replace("BASE", base))
    }

    #[test]
    fn base_as_a_name_inherits_every_stage() {
        let s = with_base(r#""deepseek-v3""#).unwrap();
        assert_eq!(gpu_hours(&s), 2_664_000.0 + 119_000.0 + 5_000.0 + 1_000.0);
    }

    #[test]
    fn base_as_a_table_inherits_only_the_named_stages() {
        let s = with_base(
            r#"{ scenario = "deepseek-v3", stages = ["pre-training", "context-extension"] }"#,
        )
        .unwrap();
        assert_eq!(gpu_hours(&s), 2_664_000.0 + 119_000.0 + 1_000.0);
        let (spec, claims) = s.to_spec(None).unwrap();
        let names: Vec<&str> = spec.stages.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "deepseek-v3 pre-training",
                "deepseek-v3 context-extension",
                "rl"
            ]
        );
        // The left-out stage's claim is not cited; the kept stages' are.
        let ids: Vec<&str> = claims.iter().map(|c| c.id.as_str()).collect();
        assert!(
            !ids.contains(&"deepseek-v3-post-training-gpu-hours"),
            "{ids:?}"
        );
        assert!(
            ids.contains(&"deepseek-v3-pretraining-gpu-hours"),
            "{ids:?}"
        );
        assert!(
            ids.contains(&"deepseek-v3-context-extension-gpu-hours"),
            "{ids:?}"
        );
    }

    #[test]
    fn an_unknown_base_stage_is_an_error_listing_the_base_stages() {
        let s =
            with_base(r#"{ scenario = "deepseek-v3", stages = ["pre-training", "sft"] }"#).unwrap();
        let e = s.to_spec(None).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("base.stages"));
        assert_eq!(
            e.message,
            "base scenario `deepseek-v3` has no stage named `sft`"
        );
        assert_eq!(
            e.hint.as_deref(),
            Some("`deepseek-v3` has stages: pre-training, context-extension, post-training")
        );
        // The span is the misspelt name, so the error points at its line and column.
        assert_eq!(&s.source[e.span.unwrap()], r#""sft""#);
    }

    #[test]
    fn a_bad_base_table_is_an_error() {
        let s = with_base(r#"{ scenario = "deepseek-v9", stages = ["pre-training"] }"#).unwrap();
        let e = s.to_spec(None).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("base.scenario"));
        assert_eq!(&s.source[e.span.unwrap()], r#""deepseek-v9""#);
        let e = with_base(r#"{ scenario = "deepseek-v3", stages = [] }"#)
            .unwrap()
            .to_spec(None)
            .unwrap_err();
        assert_eq!(e.field.as_deref(), Some("base.stages"));
        let e =
            with_base(r#"{ scenario = "deepseek-v3", stages = ["pre-training", "pre-training"] }"#)
                .unwrap()
                .to_spec(None)
                .unwrap_err();
        assert_eq!(e.message, "stage `pre-training` is named twice");
        let e = with_base(r#"{ scenario = "deepseek-v3", stage = ["pre-training"] }"#).unwrap_err();
        assert!(e.message.contains("unknown field `stage`"), "{}", e.message);
        assert!(e.span.is_some());
    }

    #[test]
    fn deepseek_r1_runs_on_v3_base_pretraining_and_context_extension() {
        // R1-Zero and R1 start from DeepSeek-V3-Base: V3's pre-training and context extension,
        // not V3's post-training, plus R1's own stages (512 x 198 + 5,000 + 512 x 80).
        let s = Scenario::builtin("deepseek-r1").unwrap();
        assert_eq!(
            gpu_hours(&s),
            2_664_000.0 + 119_000.0 + 512.0 * 198.0 + 5_000.0 + 512.0 * 80.0
        );
    }
}

#[cfg(test)]
mod development_tests {
    use super::*;

    /// The gpt-4 built-in with its `[development]` table replaced by `dev`.
    fn gpt4_with(dev: &str) -> Result<StackSpec, ScenarioError> {
        let text = Scenario::builtin("gpt-4").expect("built-in").source;
        let start = text.find("[development]").expect("a [development] table");
        let end = text[start..]
            .find("\n[")
            .map_or(text.len(), |i| start + i + 1);
        let edited = format!("{}[development]\n{dev}\n{}", &text[..start], &text[end..]);
        Scenario::parse(&edited)?.to_spec(None).map(|(s, _)| s)
    }

    #[test]
    fn a_factor_is_read_as_given_with_its_below_one_rule() {
        let f = r#"factor = { lognormal = [1.2, 4.0], unit = "x", assumption = "test" }"#;
        let spec = gpt4_with(f).unwrap();
        match spec.development.unwrap().amount {
            DevelopmentAmount::Factor {
                factor,
                keep_below_one,
                ..
            } => {
                assert_eq!(
                    factor.distribution,
                    Distribution::Lognormal { p5: 1.2, p95: 4.0 }
                );
                assert!(!keep_below_one);
            }
            other => panic!("{other:?}"),
        }
        let keep = gpt4_with(&format!("{f}\nbelow_one = \"keep\"")).unwrap();
        assert!(matches!(
            keep.development.unwrap().amount,
            DevelopmentAmount::Factor {
                keep_below_one: true,
                ..
            }
        ));
    }

    #[test]
    fn gpt4_staff_runs_from_a_start_range_to_publication() {
        let (spec, _) = Scenario::builtin("gpt-4").unwrap().to_spec(None).unwrap();
        let year =
            |y: i32, m: u32, d: u32| crate::date::Date::from_ymd(y, m, d).unwrap().decimal_year();
        match spec.staff.unwrap().duration {
            StaffDuration::Dates {
                start,
                end,
                delay,
                minimum_years,
            } => {
                assert_eq!(
                    start.distribution,
                    Distribution::Lognormal {
                        p5: year(2022, 1, 1),
                        p95: year(2022, 5, 31)
                    }
                );
                assert_eq!(end, year(2023, 3, 15));
                assert!(delay.is_none());
                assert!((minimum_years - 90.0 / 365.25).abs() < 1e-12);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_duration_is_given_once_and_project_dates_are_checked() {
        let text = Scenario::builtin("gpt-4").unwrap().source;
        let both = text.replace(
            "[staff.project]",
            "duration = { value = 1.0, unit = \"years\", assumption = \"t\" }\n[staff.project]",
        );
        let e = Scenario::parse(&both).unwrap().to_spec(None).unwrap_err();
        assert!(e.to_string().contains("exactly one of `duration`"), "{e}");
        let backwards = text.replace(
            r#"start = ["2022-01-01", "2022-05-31"]"#,
            r#"start = ["2022-05-31", "2022-01-01"]"#,
        );
        let e = Scenario::parse(&backwards)
            .unwrap()
            .to_spec(None)
            .unwrap_err();
        assert_eq!(e.field.as_deref(), Some("staff.project.start"));
        let bad_date = text.replace("2022-05-31", "2022-02-30");
        let e = Scenario::parse(&bad_date)
            .unwrap()
            .to_spec(None)
            .unwrap_err();
        assert!(e.to_string().contains("2022-02-30"), "{e}");
    }

    #[test]
    fn factor_multiplier_and_below_one_are_checked() {
        let both = gpt4_with(
            "factor = { value = 2.0, unit = \"x\", assumption = \"t\" }\nmultiplier = { value = 1.0, unit = \"x\", assumption = \"t\" }",
        )
        .unwrap_err();
        assert!(
            both.to_string().contains("exactly one of `factor`"),
            "{both}"
        );
        let stray = gpt4_with(
            "multiplier = { value = 1.0, unit = \"x\", assumption = \"t\" }\nbelow_one = \"keep\"",
        )
        .unwrap_err();
        assert_eq!(stray.field.as_deref(), Some("development.below_one"));
        let bad = gpt4_with(
            "factor = { value = 2.0, unit = \"x\", assumption = \"t\" }\nbelow_one = \"clamp\"",
        )
        .unwrap_err();
        assert!(
            bad.to_string().contains("below_one") || bad.to_string().contains("unknown variant"),
            "{bad}"
        );
    }

    /// The gpt-4 built-in with `extra` added at the end of its [ownership] table.
    fn gpt4_ownership_with(extra: &str) -> Result<StackSpec, ScenarioError> {
        let text = Scenario::builtin("gpt-4").expect("built-in").source;
        let at = text
            .find("\n[development]")
            .expect("[development] after [ownership]");
        let edited = format!("{}\n{extra}\n{}", &text[..at], &text[at..]);
        Scenario::parse(&edited)?.to_spec(None).map(|(s, _)| s)
    }

    #[test]
    fn stated_energy_replaces_the_formula_and_says_what_it_lacks() {
        let kwh =
            "[ownership.energy]\nkwh = { value = 1287, unit = \"MWh\", assumption = \"test\" }";
        let spec = gpt4_ownership_with(kwh).unwrap();
        match spec.ownership.unwrap().energy {
            RunEnergy::Stated(q) => assert_eq!(q.distribution, Distribution::Point(1_287_000.0)),
            other => panic!("{other:?}"),
        }
        let cluster = "[ownership.energy]\nchips = { value = 10, unit = \"GPUs\", assumption = \"t\" }\nchip_power = { value = 300, unit = \"W\", assumption = \"t\" }";
        let e = gpt4_ownership_with(cluster).unwrap_err();
        assert_eq!(
            e.field.as_deref(),
            Some("ownership.energy.server_power_ratio"),
            "{e:?}"
        );
        let both = "tdp = { value = 400, unit = \"W\", assumption = \"t\" }\n[ownership.energy]\nkwh = { value = 1, unit = \"kWh\", assumption = \"t\" }";
        let e = gpt4_ownership_with(both).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("ownership.tdp"), "{e:?}");
        assert!(
            e.message.contains("[ownership.energy] replaces"),
            "{}",
            e.message
        );
    }

    /// `[energy]`: the accelerator power defaults to the GPU's TDP (or the file's stated TDP),
    /// a model card's stated power replaces it; the facility form is the ownership layer's,
    /// and its inputs in `[energy]` are refused beside `[ownership]`.
    #[test]
    fn energy_forms_come_from_the_gpu_ownership_or_the_energy_table() {
        let spec = gpt4_ownership_with("").unwrap();
        let e = spec.energy.as_ref().expect("a GPU gives energy");
        assert_eq!(
            e.accelerator_power.as_ref().unwrap().distribution,
            Distribution::Point(400.0),
            "the A100's TDP"
        );
        assert!(
            e.facility.is_none(),
            "the ownership layer's energy is the facility form"
        );
        let stated = gpt4_ownership_with(
            "[energy]\naccelerator_power = { value = 700, unit = \"W\", assumption = \"a model card's figure\" }",
        )
        .unwrap();
        let power = stated.energy.unwrap().accelerator_power.unwrap();
        assert_eq!(power.distribution, Distribution::Point(700.0));
        assert_eq!(
            power.provenance.assumption.as_deref(),
            Some("a model card's figure")
        );
        let tdp =
            gpt4_ownership_with("tdp = { value = 350, unit = \"W\", assumption = \"t\" }").unwrap();
        assert_eq!(
            tdp.energy.unwrap().accelerator_power.unwrap().distribution,
            Distribution::Point(350.0),
            "the file's TDP, not the catalog's"
        );
        let e = gpt4_ownership_with(
            "[energy]\npue = { value = 1.1, unit = \"x\", assumption = \"t\" }",
        )
        .unwrap_err();
        assert_eq!(e.field.as_deref(), Some("energy.pue"), "{e:?}");
        assert!(
            e.hint.as_deref().unwrap_or("").contains("[ownership]"),
            "{e:?}"
        );
    }

    /// Without `[ownership]`, the facility form takes Epoch AI's defaults for the GPU, or the
    /// `[energy]` table's inputs; without a GPU only what the table states.
    #[test]
    fn energy_without_ownership() {
        let base = "name = \"t\"\ndollars = \"2024\"\npublished = \"2024-06-01\"\nrental_price = { value = 2, unit = \"USD/GPU-hour\", assumption = \"t\" }\n[[stages]]\nname = \"run\"\ngpu_hours = { value = 1000000, unit = \"GPU-hours\", assumption = \"t\" }\n";
        let spec = |extra: &str| {
            Scenario::parse(&format!("{base}{extra}")).and_then(|s| s.to_spec(None).map(|(s, _)| s))
        };
        assert!(spec("").unwrap().energy.is_none(), "no GPU, no energy");
        let with_gpu = Scenario::parse(&base.replacen("dollars", "gpu = \"H100\"\ndollars", 1))
            .unwrap()
            .to_spec(None)
            .unwrap()
            .0;
        let e = with_gpu.energy.unwrap();
        match e.facility.unwrap() {
            RunEnergy::FromChipHours { tdp_watts, pue, .. } => {
                assert_eq!(tdp_watts.distribution, Distribution::Point(700.0));
                assert!(
                    (pue.distribution.median() - 1.25).abs() < 1e-9,
                    "Epoch's PUE for a non-hyperscaler"
                );
            }
            other => panic!("{other:?}"),
        }
        let card = spec(
            "[energy]\naccelerator_power = { value = 700, unit = \"W\", assumption = \"t\" }\n",
        )
        .unwrap();
        let e = card.energy.unwrap();
        assert!(e.accelerator_power.is_some() && e.facility.is_none());
        let partial = spec("[energy]\npue = { value = 1.1, unit = \"x\", assumption = \"t\" }\n")
            .unwrap_err();
        assert_eq!(partial.field.as_deref(), Some("energy.tdp"), "{partial:?}");
        assert!(
            partial.hint.as_deref().unwrap_or("").contains("gpu"),
            "{partial:?}"
        );
    }

    #[test]
    fn the_hardware_split_takes_epochs_overhead_by_accelerator() {
        let spec = gpt4_ownership_with("split_hardware = true").unwrap();
        let over = spec.ownership.unwrap().server_overhead.expect("split");
        assert!(
            (over.distribution.median() - 1.66).abs() < 1e-12,
            "A100: Epoch's 1.66"
        );
        let e = gpt4_ownership_with("split_hardware = false\nserver_overhead = { value = 1.5, unit = \"x\", assumption = \"t\" }").unwrap_err();
        assert_eq!(e.field.as_deref(), Some("ownership.server_overhead"));
        assert!(
            gpt4_ownership_with("")
                .unwrap()
                .ownership
                .unwrap()
                .server_overhead
                .is_none()
        );
    }

    #[test]
    fn a_refit_is_asked_for_with_a_factor_and_defaults_to_its_percentiles() {
        let f = r#"factor = { lognormal = [1.2, 4.0], unit = "x", assumption = "test" }"#;
        let refit = format!("{f}\npropagation = \"refit\"");
        // gpt-4's inputs are uncertain: the refit is refused, naming the first one.
        let e = gpt4_with(&refit).unwrap_err();
        assert!(
            e.message.contains("propagation = \"refit\""),
            "{}",
            e.message
        );
        let e = gpt4_with(&format!("{f}\nrefit_at = [1.2, 4.0]")).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("development.refit_at"));
        let m = r#"multiplier = { value = 1.0, unit = "x", assumption = "test" }"#;
        let e = gpt4_with(&format!("{m}\npropagation = \"refit\"")).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("development.propagation"));
        // The study's scenario: the default refit points are the factor's own 5th and 95th.
        let study = Scenario::builtin("epoch-study-gpt-4").unwrap();
        let text = study
            .source
            .replace("refit_at = [1.1918086848984546, 4.010042726127995]", "");
        let (spec, _) = Scenario::parse(&text).unwrap().to_spec(None).unwrap();
        match spec.development.unwrap().amount {
            DevelopmentAmount::Factor {
                propagation: Propagation::Refit { at },
                ..
            } => {
                assert!(
                    (at[0] - 1.2).abs() < 1e-8 && (at[1] - 4.0).abs() < 1e-8,
                    "{at:?}"
                );
            }
            other => panic!("{other:?}"),
        }
    }
}

#[cfg(test)]
mod hardening_tests {
    //! Inputs that used to give silent wrong numbers (issue 15): each is refused by name.
    use super::*;

    const SMALL: &str = r#"
name = "t"
dollars = "2024"
gpu = "H800"
published = "2024-06-01"
rental_price = { value = 2.0, unit = "USD/GPU-hour", assumption = "t" }

[[stages]]
name = "run"
gpu_hours = { value = 1000, assumption = "t" }
"#;

    const STAFF: &str = r#"
[staff]
duration = { value = 1.0, unit = "years", assumption = "t" }

[[staff.groups]]
role = "r"
headcount = { value = 10, unit = "people", assumption = "t" }
compensation = { value = 100000, unit = "USD/year", assumption = "t" }
fte = FTE
"#;

    const FLEET: &str = r#"
[fleet]
gpus = { value = 1000, unit = "GPUs", assumption = "t" }
price_per_gpu = { value = 20000, unit = "USD/GPU", assumption = "t" }
overhead = { value = 2.0, unit = "x", assumption = "t" }
lifetime = LIFETIME
other_opex = OPEX
"#;

    fn build(src: &str) -> Result<StackSpec, ScenarioError> {
        Scenario::parse(src)?.to_spec(None).map(|(s, _)| s)
    }

    /// SMALL with `old` replaced by `new`, then `extra` appended.
    fn edited(old: &str, new: &str, extra: &str) -> Result<StackSpec, ScenarioError> {
        assert!(SMALL.contains(old), "{old}");
        build(&format!("{}{extra}", SMALL.replacen(old, new, 1)))
    }

    /// The error of SMALL's `gpu_hours` line replaced by `line`.
    fn gpu_hours_err(line: &str) -> ScenarioError {
        edited(
            r#"gpu_hours = { value = 1000, assumption = "t" }"#,
            line,
            "",
        )
        .unwrap_err()
    }

    #[test]
    fn the_small_scenario_builds() {
        build(SMALL).unwrap();
    }

    #[test]
    fn money_in_yuan_is_converted_at_the_rate_of_its_year_then_deflated() {
        // 14.3914 CNY at 7.1957 CNY/USD (2024) = 2 USD of 2024, then CPI-U to the report's.
        let spec = edited(
            r#"value = 2.0, unit = "USD/GPU-hour""#,
            r#"value = 14.3914, unit = "CNY/GPU-hour""#,
            "",
        )
        .unwrap();
        let usd = build(SMALL).unwrap();
        let (q, q_usd) = (&spec.stages[0].rental_price, &usd.stages[0].rental_price);
        let (Distribution::Point(a), Distribution::Point(b)) =
            (&q.distribution, &q_usd.distribution)
        else {
            panic!("points")
        };
        assert!((a - b).abs() < 1e-12 * b, "{a} vs {b}");
        let note = q.note.as_deref().unwrap();
        assert!(
            note.starts_with("14.3914 CNY/GPU-hour (2024) at 7.1957 CNY/USD (Federal Reserve H.10 2024 annual average), then 2024 USD x "),
            "{note}"
        );
        // Bounds apply after the rate: 10,000 CNY/GPU-hour is ~1,390 USD, above 1,000.
        let e = edited(
            r#"value = 2.0, unit = "USD/GPU-hour""#,
            r#"value = 10000, unit = "CNY/GPU-hour""#,
            "",
        )
        .unwrap_err();
        assert!(e.message.contains("10000 CNY/GPU-hour"), "{}", e.message);
    }

    #[test]
    fn money_in_a_year_without_a_rate_is_a_located_error() {
        let e = edited(
            r#"value = 2.0, unit = "USD/GPU-hour""#,
            r#"value = 2.0, unit = "EUR/GPU-hour", dollars = "2014""#,
            "",
        )
        .unwrap_err();
        assert_eq!(e.field.as_deref(), Some("rental_price"));
        assert!(e.span.is_some());
        assert!(
            e.message
                .contains("no EUR/USD exchange rate for 2014 in crates/core/data/fx_rates.csv"),
            "{}",
            e.message
        );
        assert!(e.hint.unwrap().contains("2015 to 2025"));
        // A currency on a field that is not money is an unknown unit.
        let e = gpu_hours_err(
            r#"gpu_hours = { value = 1000, unit = "CNY/GPU-hour", assumption = "t" }"#,
        );
        assert!(e.message.contains("unknown unit"), "{}", e.message);
        let e = edited(r#"unit = "USD/GPU-hour""#, r#"unit = "CHF/GPU-hour""#, "").unwrap_err();
        assert!(e.hint.unwrap().contains("CNY, EUR, GBP or JPY"));
    }

    #[test]
    fn a_price_of_1e308_is_refused_by_name_in_a_file() {
        let e = edited("value = 2.0, unit", "value = 1e308, unit", "").unwrap_err();
        assert_eq!(e.field.as_deref(), Some("rental_price"));
        assert!(
            e.message
                .contains("value 1e308 USD/GPU-hour is not physical for a price per GPU-hour: at most 1000 USD/GPU-hour"),
            "{}",
            e.message
        );
        assert!(e.hint.unwrap().contains("Bounds"));
        assert!(e.span.is_some());
    }

    #[test]
    fn samples_of_1e308_are_refused() {
        let e = gpu_hours_err(r#"gpu_hours = { samples = [1e308, 1e308], assumption = "t" }"#);
        assert_eq!(e.field.as_deref(), Some("stages.run.gpu_hours"));
        assert!(
            e.message.contains("of `samples` 1e308 GPU-hours"),
            "{}",
            e.message
        );
        let e = gpu_hours_err(r#"gpu_hours = { samples = [10, 1e308], assumption = "t" }"#);
        assert!(
            e.message.contains("the largest of `samples` 1e308"),
            "{}",
            e.message
        );
    }

    #[test]
    fn mfu_of_zero_or_fifty_is_refused() {
        let flop = |mfu: &str| {
            gpu_hours_err(&format!(
                "flop = {{ value = 1e24, unit = \"FLOP\", assumption = \"t\" }}\nmfu = {mfu}"
            ))
        };
        let e = flop(r#"{ value = 0, assumption = "t" }"#);
        assert_eq!(e.field.as_deref(), Some("stages.run.mfu"));
        assert!(
            e.message.contains("it divides, so it cannot be zero"),
            "{}",
            e.message
        );
        let e = flop(r#"{ value = 50, assumption = "t" }"#);
        assert!(e.message.contains("at most 1 fraction"), "{}", e.message);
        // 50% is fine; so is a range within 0-1.
        assert!(
            edited(
                r#"gpu_hours = { value = 1000, assumption = "t" }"#,
                "flop = { value = 1e21, unit = \"FLOP\", assumption = \"t\" }\nmfu = { value = 50, unit = \"%\", assumption = \"t\" }",
                ""
            )
            .is_ok()
        );
    }

    #[test]
    fn fte_and_other_opex_are_fractions_and_a_lifetime_is_never_zero() {
        let staff = |fte: &str| edited("", "", &STAFF.replace("FTE", fte));
        let e = staff(r#"{ value = 99, unit = "fraction", assumption = "t" }"#).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("staff.groups.r.fte"));
        assert!(e.message.contains("at most 1 fraction"), "{}", e.message);
        // Stated percentiles are checked, not draws: LN90[0.05, 0.8] exceeds 1 in 2.8% of
        // draws and is accepted; a p95 above 1 is not.
        staff(r#"{ lognormal = [0.05, 0.8], assumption = "t" }"#).unwrap();
        staff(r#"{ lognormal = [0.001, 0.05], assumption = "Epoch AI's study" }"#).unwrap();
        let e = staff(r#"{ lognormal = [0.5, 1.2], assumption = "t" }"#).unwrap_err();
        assert!(e.message.contains("`lognormal` p95 1.2"), "{}", e.message);

        let fleet = |lifetime: &str, opex: &str| {
            edited(
                "",
                "",
                &FLEET.replace("LIFETIME", lifetime).replace("OPEX", opex),
            )
        };
        let ok_life = r#"{ value = 5, unit = "years", assumption = "t" }"#;
        let ok_opex = r#"{ value = 0.05, unit = "fraction", assumption = "t" }"#;
        fleet(ok_life, ok_opex).unwrap();
        let e = fleet(
            r#"{ value = 0, unit = "years", assumption = "t" }"#,
            ok_opex,
        )
        .unwrap_err();
        assert_eq!(e.field.as_deref(), Some("fleet.lifetime"));
        assert!(e.message.contains("cannot be zero"), "{}", e.message);
        let e = fleet(
            ok_life,
            r#"{ value = 99, unit = "fraction", assumption = "t" }"#,
        )
        .unwrap_err();
        assert_eq!(e.field.as_deref(), Some("fleet.other_opex"));
    }

    #[test]
    fn a_bound_is_checked_in_the_unit_written() {
        let e =
            gpu_hours_err(r#"gpu_hours = { value = 2e6, unit = "M GPU-hours", assumption = "t" }"#);
        assert!(
            e.message
                .contains("value 2e6 M GPU-hours (= 2e12 GPU-hours)"),
            "{}",
            e.message
        );
        edited(
            r#"value = 1000, assumption"#,
            r#"value = 2, unit = "M GPU-hours", assumption"#,
            "",
        )
        .unwrap();
    }

    #[test]
    fn a_plugins_value_is_bounded_like_a_written_one() {
        struct Huge;
        impl Supplier for Huge {
            fn gpu(&self, p: &str, _: &str) -> Result<SuppliedGpu, String> {
                Err(unavailable(p))
            }
            fn purchase_price(&self, p: &str, _: &str, _: &str) -> Result<Supplied, String> {
                Err(unavailable(p))
            }
            fn compensation(&self, p: &str, _: &str, _: i32) -> Result<Supplied, String> {
                Err(unavailable(p))
            }
            fn rental_price(
                &self,
                _: &str,
                _: &str,
                _: Option<&str>,
                _: Option<&str>,
                _: &str,
            ) -> Result<Supplied, String> {
                Ok(Supplied {
                    table: QuantityTable {
                        value: Some(1e308),
                        unit: Some("USD/GPU-hour".into()),
                        dollars: Some("2024".into()),
                        assumption: Some("a broken plugin".into()),
                        ..Default::default()
                    },
                    source: "huge 0.1.0".into(),
                })
            }
        }
        let src = SMALL.replace(
            r#"rental_price = { value = 2.0, unit = "USD/GPU-hour", assumption = "t" }"#,
            r#"rental_pricing = { plugin = "huge" }"#,
        );
        let e = Scenario::parse(&src)
            .unwrap()
            .to_spec_with(None, &Huge)
            .unwrap_err();
        assert_eq!(e.field.as_deref(), Some("rental_price"));
        assert!(
            e.message.contains("1e308") && e.message.contains("(value from plugin huge 0.1.0)"),
            "{}",
            e.message
        );
    }

    #[test]
    fn count_units_are_not_interchangeable() {
        let e = gpu_hours_err(
            "gpus = { value = 1000, unit = \"T tokens\", assumption = \"t\" }\nhours = { value = 10, assumption = \"t\" }",
        );
        assert_eq!(e.field.as_deref(), Some("stages.run.gpus"));
        assert!(
            e.message.contains("unknown unit `T tokens`"),
            "{}",
            e.message
        );
        assert!(e.hint.unwrap().contains("GPUs"));
        let staff = STAFF
            .replace("FTE", r#"{ value = 0.5, assumption = "t" }"#)
            .replace(r#"unit = "people""#, r#"unit = "GPUs""#);
        let e = edited("", "", &staff).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("staff.groups.r.headcount"));
        // Each count takes its own units.
        edited(
            r#"gpu_hours = { value = 1000, assumption = "t" }"#,
            "active_parameters = { value = 37, unit = \"B parameters\", assumption = \"t\" }\ntokens = { value = 0.01, unit = \"T tokens\", assumption = \"t\" }\nmfu = { value = 0.4, assumption = \"t\" }",
            "",
        )
        .unwrap();
        let e = gpu_hours_err(
            "active_parameters = { value = 37, unit = \"B tokens\", assumption = \"t\" }\ntokens = { value = 1, unit = \"T tokens\", assumption = \"t\" }\nmfu = { value = 0.4, assumption = \"t\" }",
        );
        assert_eq!(e.field.as_deref(), Some("stages.run.active_parameters"));
    }

    #[test]
    fn dates_must_exist_and_fall_in_sane_years() {
        for (date, says) in [
            ("yesterday", "is not a date"),
            ("2024-02-30", "February 2024 has 29 days"),
            ("1500-06-01", "the year 1500 is outside 1950 to 2100"),
            ("2024-06-01T12:00", "is not a date"),
        ] {
            let e = edited("2024-06-01", date, "").unwrap_err();
            assert_eq!(e.field.as_deref(), Some("published"), "{date}");
            assert!(e.message.contains(says), "{date}: {}", e.message);
            assert!(e.span.is_some(), "{date}");
        }
        // A month is a publication date too.
        edited("2024-06-01", "2024-06", "").unwrap();
    }

    const OWNERSHIP: &str = r#"
[ownership]
purchase_price = { value = 30000, unit = "USD/GPU", assumption = "t" }
acquired = "ACQ"
training_start = "START"
"#;

    #[test]
    fn hardware_is_acquired_before_training_starts() {
        let own =
            |a: &str, s: &str| edited("", "", &OWNERSHIP.replace("ACQ", a).replace("START", s));
        own("2023-06-19", "2024-03-01").unwrap();
        own("2023-06-19", "2023-06-19").unwrap();
        let e = own("2024-03-01", "2023-06-19").unwrap_err();
        assert_eq!(e.field.as_deref(), Some("ownership.training_start"));
        assert!(
            e.message.contains("before the hardware is acquired"),
            "{}",
            e.message
        );
        let e = own("2023-02-29", "2024-03-01").unwrap_err();
        assert_eq!(e.field.as_deref(), Some("ownership.acquired"));
        let e = own("2023-06-19", "1500-03-01").unwrap_err();
        assert_eq!(e.field.as_deref(), Some("ownership.training_start"));
    }

    #[test]
    fn a_pay_year_and_a_quote_date_are_checked() {
        let staff = STAFF
            .replace("FTE", r#"{ value = 0.5, assumption = "t" }"#)
            .replace(
                r#"compensation = { value = 100000, unit = "USD/year", assumption = "t" }"#,
                r#"salary = { plugin = "salary-us", role = "researcher", year = 1500 }"#,
            );
        let e = edited("", "", &staff).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("staff.groups.r.salary.year"));
        assert!(e.message.contains("1500"), "{}", e.message);
        let e = edited(
            r#"rental_price = { value = 2.0, unit = "USD/GPU-hour", assumption = "t" }"#,
            r#"rental_pricing = { plugin = "cloud-rental", date = "2024-13" }"#,
            "",
        )
        .unwrap_err();
        assert_eq!(e.field.as_deref(), Some("rental_pricing.date"));
    }

    #[test]
    fn extra_distribution_parameters_are_errors() {
        for (line, says) in [
            (
                "lognormal = [1000, 2000, 3000]",
                "`lognormal` takes 2 numbers, [p5, p95], not 3",
            ),
            (
                "pert = [1, 2, 3, 4, 5, 6]",
                "`pert` takes 3 numbers, [min, mode, max], not 6",
            ),
            (
                "uniform = [1000]",
                "`uniform` takes 2 numbers, [low, high], not 1",
            ),
            ("normal = [1000, 10, 1]", "`normal` takes 2 numbers"),
            ("triangular = [1, 2]", "`triangular` takes 3 numbers"),
        ] {
            let e = Scenario::parse(&SMALL.replace("value = 1000", line)).unwrap_err();
            assert!(e.message.contains(says), "{line}: {}", e.message);
            assert!(e.span.is_some(), "{line}");
        }
        let text = Scenario::builtin("gpt-4").unwrap().source;
        let e = Scenario::parse(&text.replace(
            r#"start = ["2022-01-01", "2022-05-31"]"#,
            r#"start = ["2022-01-01", "2022-05-31", "2022-07-01"]"#,
        ))
        .unwrap_err();
        assert!(e.message.contains("takes 2 values, not 3"), "{}", e.message);
    }

    #[test]
    fn a_scenario_cannot_be_its_own_base() {
        let src = Scenario::builtin("deepseek-v3")
            .unwrap()
            .source
            .replace("gpu = \"H800\"", "gpu = \"H800\"\nbase = \"deepseek-v3\"");
        let e = build(&src).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("base"));
        assert!(
            e.message.contains("names itself as its base"),
            "{}",
            e.message
        );
    }

    #[test]
    fn headline_stages_are_known_and_named_once() {
        let with = |stages: &str| {
            build(&format!(
                "{SMALL}\n[[stages]]\nname = \"rl\"\ngpu_hours = {{ value = 10, assumption = \"t\" }}\n"
            )
            .replace(
                "\n[[stages]]\nname = \"run\"",
                &format!(
                    "\n[headline]\nclaim = \"deepseek-v3-total-training-cost-usd\"\nstages = {stages}\n\n[[stages]]\nname = \"run\""
                ),
            ))
        };
        with(r#"["run", "rl"]"#).unwrap();
        let e = with(r#"["run", "run"]"#).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("headline.stages"));
        assert!(e.message.contains("named twice"), "{}", e.message);
        let e = with("[]").unwrap_err();
        assert!(e.message.contains("names no stage"), "{}", e.message);
        let e = with(r#"["run", "sft"]"#).unwrap_err();
        assert!(
            e.message.contains("no final-run stage is named `sft`"),
            "{}",
            e.message
        );
        assert!(e.hint.unwrap().contains(r#""run", "rl""#));
        // Inherited stages go by `<base> <stage>` (DeepSeek-R1 names its own three).
        Scenario::builtin("deepseek-r1")
            .unwrap()
            .to_spec(None)
            .unwrap();
    }

    #[test]
    fn the_library_explains_toml_errors_as_the_cli_does() {
        // The TOML reader's recursion limit has no position: the library points at the
        // deepest key, as the CLI did.
        let deep = format!("name = \"x\"\n\na{} = 1\n", ".b".repeat(300));
        let e = Scenario::parse(&deep).unwrap_err();
        assert!(e.message.contains("nested too deeply"), "{}", e.message);
        assert!(e.hint.as_deref().unwrap().contains("flatten the nesting"));
        assert_eq!(e.span.map(|s| s.start), deep.find("a.b"));
        let e = Scenario::parse(&SMALL.replace("value = 1000", "value = 1e999")).unwrap_err();
        assert!(e.message.contains("number too large"), "{}", e.message);
        // Unknown and missing fields keep their hints.
        let e = Scenario::parse(&SMALL.replace("gpu_hours", "gpu_hour")).unwrap_err();
        assert_eq!(e.hint.as_deref(), Some("did you mean `gpu_hours`?"));
    }

    #[test]
    fn every_builtin_scenario_is_within_bounds() {
        for name in builtin_names() {
            Scenario::builtin(name)
                .unwrap()
                .to_spec(None)
                .unwrap_or_else(|e| panic!("{name}: {e} ({:?})", e.field));
        }
    }

    /// A library user gets the same located message the CLI prints, without CLI commands.
    #[test]
    fn errors_render_with_line_column_field_and_hint() {
        let src = "name = \"x\"\ndollars = \"2024\"\nrental_price = { value = 2, unit = \"USD/GPU-hour\", assumption = \"t\" }\n\n[[stages]]\nname = \"run\"\ngpu_hours = { value = 10, unit = \"parsecs\", assumption = \"t\" }\n";
        let e = Scenario::parse(src)
            .and_then(|s| s.to_spec(None).map(|_| ()))
            .unwrap_err();
        let text = e.render("mine.toml", src);
        assert!(text.starts_with("mine.toml:7:"), "{text}");
        assert!(text.contains("field `stages.run.gpu_hours`"), "{text}");
        assert!(text.contains("\n  hint: "), "{text}");
        assert!(!text.contains("traincost "), "{text}");
        let missing = Scenario::parse("name = \"x\"\n").unwrap_err();
        let text = missing.render("m.toml", "name = \"x\"\n");
        assert!(text.contains("built-in scenario `deepseek-v3`"), "{text}");
    }
}
