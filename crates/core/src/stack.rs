//! The cost stack: from the headline figure to the owner's fleet.
//!
//! A [`StackSpec`] holds every input of one model's costing, already in model units and in the
//! report's dollars. [`CostModel::new`] validates it and compiles it into a [`Model`] that the
//! Monte Carlo engine evaluates a block of samples at a time (column by column, so the
//! arithmetic vectorizes; the central estimate is a block of one). Layers, in order:
//!
//! | id | what |
//! |---|---|
//! | `final-run-rental` | GPU-hours per stage x rental price per GPU-hour (how DeepSeek computed $5.576M) |
//! | `final-run-ownership` | Epoch AI's amortized hardware + interconnect + energy for the run's chip-hours |
//! | `development-compute-rental`, `-ownership` | experiments, ablations, failed runs, synthetic data, on each basis |
//! | `staff` | each person's loaded compensation x FTE share, summed over the group, x duration |
//! | `fleet` | capital cost of the owner's whole fleet |
//! | `fleet-annual` | the fleet's amortized capex plus operating cost, per year |
//! | `payroll-annual` | the listed staff's yearly pay, full time (headcount x loaded compensation) |
//!
//! **Bases.** Compute is costed on two bases: *rental* (what renting the GPU-hours costs) and
//! *ownership* (what owning the hardware costs, Epoch AI's method). Every compute layer and
//! every total carries its [`Basis`]; development compute and the totals exist once per basis
//! the scenario can cost, and a multiple ("x final run", an output of kind
//! [`OutputKind::Multiple`]) is always taken per sample against the final run on the same
//! basis. Staff has no basis; its multiples are given against each final run.
//!
//! Totals add only layers of one scope and never count the run twice: the final run plus
//! development compute on one basis, and that plus staff. The fleet is a different scope (it
//! includes every run) and is never added to the run; a year of the owner's operations
//! (`owner-annual`) is the fleet's yearly cost plus the payroll.
//!
//! # Example
//!
//! A final run of 1M GPU-hours at $2-$3 each, with an experiment factor, built in code:
//!
//! ```
//! use traincost_core::stack::{CostModel, DevelopmentSpec, LayerId, Quantity, StackSpec, StageSpec, TotalId, Basis};
//! use traincost_core::{Distribution, DollarDate, RunConfig};
//!
//! let run = StageSpec::gpu_hours(
//!     "pre-training",
//!     Quantity::assumed(Distribution::Point(1e6), "the lab's GPU-hours"),
//!     Quantity::assumed(Distribution::Lognormal { p5: 2.0, p95: 3.0 }, "rental, $/GPU-hour"),
//! );
//! let spec = StackSpec::new("example", DollarDate::year(2024), vec![run]).with_development(
//!     DevelopmentSpec::factor(Quantity::assumed(
//!         Distribution::Lognormal { p5: 1.2, p95: 4.0 },
//!         "experiments per final run, the run included",
//!     )),
//! );
//! let model = CostModel::new(&spec)?;
//! let estimate = model.estimate(&RunConfig { samples: 20_000, ..RunConfig::default() })?;
//! let run = estimate.layer(LayerId::FinalRun(Basis::Rental)).unwrap();
//! assert!(run.p5 > 2.0e6 && run.p95 < 3.0e6);
//! // Compute on the rental basis: the final run times the factor, per sample.
//! let compute = estimate.total(TotalId::Compute(Basis::Rental)).unwrap();
//! assert!(compute.p50 > 1.2 * run.p50);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use serde::{Deserialize, Serialize};

mod build;
mod defaults;

pub use defaults::{EpochDefaults, UncertaintyMode};

use crate::dist::{Distribution, DistributionError};
use crate::epoch;
use crate::money::IndexId;
use crate::provenance::Provenance;
use crate::units::{
    Count, DollarDate, Flop, FlopPerSecond, GpuHours, HOURS_PER_YEAR, Watts, Years,
};
use traincost_engine::{Columns, ColumnsMut, Model};

/// A layer of the stack: one scope of cost, never summed with a layer of another scope except
/// in a total that says so. Its string form is the stable id reports and scenarios use
/// (`final-run-rental`, `development-compute-ownership`, `staff`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum LayerId {
    /// The final run on one basis: rental (GPU-hours x price) or ownership (Epoch AI's method).
    FinalRun(Basis),
    /// Experiments, ablations, failed runs and synthetic data, on one basis.
    DevelopmentCompute(Basis),
    /// The people: each one's loaded pay x share of time, summed, x duration.
    Staff,
    /// Capital cost of the owner's whole fleet.
    Fleet,
    /// The fleet's yearly cost: amortized capex, power, other opex.
    FleetAnnual,
    /// The listed staff's yearly pay, full time.
    PayrollAnnual,
}

impl LayerId {
    /// Every layer, in report order.
    pub const ALL: [LayerId; 8] = [
        LayerId::FinalRun(Basis::Rental),
        LayerId::FinalRun(Basis::Ownership),
        LayerId::DevelopmentCompute(Basis::Rental),
        LayerId::DevelopmentCompute(Basis::Ownership),
        LayerId::Staff,
        LayerId::Fleet,
        LayerId::FleetAnnual,
        LayerId::PayrollAnnual,
    ];

    /// The stable id (`final-run-rental`).
    pub fn as_str(self) -> &'static str {
        match self {
            LayerId::FinalRun(Basis::Rental) => "final-run-rental",
            LayerId::FinalRun(Basis::Ownership) => "final-run-ownership",
            LayerId::DevelopmentCompute(Basis::Rental) => "development-compute-rental",
            LayerId::DevelopmentCompute(Basis::Ownership) => "development-compute-ownership",
            LayerId::Staff => "staff",
            LayerId::Fleet => "fleet",
            LayerId::FleetAnnual => "fleet-annual",
            LayerId::PayrollAnnual => "payroll-annual",
        }
    }

    /// What a scenario needs to model this layer.
    pub fn needs(self) -> &'static str {
        match self {
            LayerId::FinalRun(Basis::Rental) => "[[stages]] with GPU-hours and a rental price",
            LayerId::FinalRun(Basis::Ownership) => {
                "an [ownership] table (Epoch AI's method: purchase price and dates)"
            }
            LayerId::DevelopmentCompute(Basis::Rental) => {
                "a [development] table (a factor, a multiplier or stages)"
            }
            LayerId::DevelopmentCompute(Basis::Ownership) => {
                "a [development] table and an [ownership] table"
            }
            LayerId::Staff | LayerId::PayrollAnnual => "a [staff] table (duration and role groups)",
            LayerId::Fleet | LayerId::FleetAnnual => {
                "a [fleet] table (GPUs, price, overhead, lifetime, opex)"
            }
        }
    }
}

impl std::fmt::Display for LayerId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for LayerId {
    type Err = UnknownId;

    fn from_str(s: &str) -> Result<LayerId, UnknownId> {
        LayerId::ALL
            .into_iter()
            .find(|l| l.as_str() == s)
            .ok_or_else(|| UnknownId {
                id: s.to_owned(),
                known: LayerId::ALL.iter().map(|l| l.as_str()).collect(),
            })
    }
}

/// A total: layers of one scope added sample by sample. Its string form is its stable id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum TotalId {
    /// The final run and development compute on one basis.
    Compute(Basis),
    /// Compute on one basis and the staff: everything it took to develop the model.
    ModelDevelopment(Basis),
    /// A year of the owner's operations: the fleet's yearly cost and the payroll.
    OwnerAnnual,
}

impl TotalId {
    /// Every total, in report order.
    pub const ALL: [TotalId; 5] = [
        TotalId::Compute(Basis::Rental),
        TotalId::ModelDevelopment(Basis::Rental),
        TotalId::Compute(Basis::Ownership),
        TotalId::ModelDevelopment(Basis::Ownership),
        TotalId::OwnerAnnual,
    ];

    /// The stable id (`total-compute-ownership`).
    pub fn as_str(self) -> &'static str {
        match self {
            TotalId::Compute(Basis::Rental) => "total-compute-rental",
            TotalId::Compute(Basis::Ownership) => "total-compute-ownership",
            TotalId::ModelDevelopment(Basis::Rental) => "total-model-development-rental",
            TotalId::ModelDevelopment(Basis::Ownership) => "total-model-development-ownership",
            TotalId::OwnerAnnual => "owner-annual",
        }
    }
}

impl std::fmt::Display for TotalId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for TotalId {
    type Err = UnknownId;

    fn from_str(s: &str) -> Result<TotalId, UnknownId> {
        TotalId::ALL
            .into_iter()
            .find(|t| t.as_str() == s)
            .ok_or_else(|| UnknownId {
                id: s.to_owned(),
                known: TotalId::ALL.iter().map(|t| t.as_str()).collect(),
            })
    }
}

/// An id that names no layer or total.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("no layer or total is called `{id}`; known: {}", known.join(", "))]
pub struct UnknownId {
    /// The id given.
    pub id: String,
    /// The ids there are.
    pub known: Vec<&'static str>,
}

/// An uncertain input with its provenance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Quantity {
    /// The value or distribution, in the unit the field documents.
    pub distribution: Distribution,
    /// Where it comes from.
    pub provenance: Provenance,
    /// How the value was derived from what was given (unit or dollar conversion), if it was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Quantity {
    /// A quantity.
    pub fn new(distribution: Distribution, provenance: Provenance) -> Self {
        Quantity {
            distribution,
            provenance,
            note: None,
        }
    }
}

/// How a stage's training compute is given.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum FlopSpec {
    /// Total FLOP.
    Given(Quantity),
    /// 6 x active parameters x tokens (mixture-of-experts models: active, not total, parameters).
    SixND {
        /// Parameters active per token.
        active_parameters: Quantity,
        /// Training tokens.
        tokens: Quantity,
    },
}

/// One stage of a training run (pre-training, context extension, post-training, RL, ...).
///
/// GPU-hours are taken, in order of preference, from `gpu_hours`, from `gpus x hours`, or from
/// `flop / (peak x mfu) / 3600`. When GPU-hours and FLOP are both known, they must agree: the
/// implied utilization must not exceed 100%, nor fall far outside a given `mfu`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct StageSpec {
    /// Stage name, unique within its list.
    pub name: String,
    /// GPU-hours of the stage.
    pub gpu_hours: Option<Quantity>,
    /// GPUs used.
    pub gpus: Option<Quantity>,
    /// Wall-clock hours.
    pub hours: Option<Quantity>,
    /// Training compute.
    pub flop: Option<FlopSpec>,
    /// Peak FLOP/s per GPU.
    pub peak_flops: Option<Quantity>,
    /// Model FLOP utilization, a fraction.
    pub mfu: Option<Quantity>,
    /// Rental price, USD per GPU-hour.
    pub rental_price: Quantity,
}

/// Inputs of Epoch AI's amortized-ownership method (EPOCH_METHOD.md section 1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct OwnershipSpec {
    /// Purchase price per GPU including its share of the server, USD.
    pub purchase_price: Quantity,
    /// Years from acquisition to the start of training (negative values count as zero).
    pub years_to_training_start: Quantity,
    /// Price-performance trend g, orders of magnitude per year (depreciation and amortization).
    pub depreciation_ooms_per_year: Quantity,
    /// Cluster cost over server cost, 1 / (1 - interconnect share); draws below 1 count as 1.
    pub interconnect_multiplier: Quantity,
    /// Server cost per chip over the AI chip's own cost (Epoch AI: A100 1.66, V100 1.69, P100
    /// 1.54, others 1.64). With it, the amortized hardware is reported as two components,
    /// `ai-chips` (hardware / overhead) and `other-server` (the rest: CPUs, memory, chassis);
    /// without it, as one, `hardware`. It only splits: their sum is the same.
    pub server_overhead: Option<Quantity>,
    /// The final run's energy.
    pub energy: RunEnergy,
    /// Electricity price, USD per kWh.
    pub electricity_price: Quantity,
    /// A multiplier on the electricity price, for the spread of prices across likely sites
    /// (Epoch AI's study: LN90[0.6, 1.7]). None: the price as given.
    pub electricity_price_factor: Option<Quantity>,
}

/// How much energy the final run used.
// A spec is built once per run: the variants' sizes do not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum RunEnergy {
    /// Epoch AI's method: chip-hours x TDP x server power ratio x average power fraction x PUE.
    FromChipHours {
        /// Chip TDP, watts.
        tdp_watts: Quantity,
        /// Server power per chip over chip TDP.
        server_power_ratio: Quantity,
        /// Average power as a fraction of TDP.
        power_fraction: Quantity,
        /// Power usage effectiveness of the datacenter.
        pue: Quantity,
    },
    /// Stated by a source, in kWh (Patterson et al. 2021 give GPT-3's as 1,287 MWh).
    Stated(Quantity),
    /// A cluster of its own: chips x power per chip x server power ratio x power fraction x
    /// PUE x hours (Epoch AI's study for OPT-175B and Gemini 1.0 Ultra, whose energy is not
    /// the hardware's chip-hours).
    Cluster {
        /// Chips drawing power.
        chips: Quantity,
        /// Power per chip, watts.
        chip_watts: Quantity,
        /// Server power per chip over chip power (1: chip power only).
        server_power_ratio: Quantity,
        /// Average power as a fraction of the chip's rating (1: at the rating).
        power_fraction: Quantity,
        /// Power usage effectiveness (1: no facility overhead).
        pue: Quantity,
        /// Hours the cluster ran.
        hours: Quantity,
    },
}

/// The final run's energy in the two forms sources give it, reported beside its cost (kWh).
///
/// *Accelerator* energy is the form model cards use: GPU-hours x the power of one accelerator
/// (Meta's Llama cards: 700 W per H100, the chip's TDP), x a PUE where the source adjusts its
/// figure for one (Meta's cards: "adjusted for power usage efficiency"). *Facility* energy is Epoch AI's: chip
/// power x server power ratio x average power fraction x PUE x chip-hours (or the run's energy
/// as a source states it): what the datacenter drew, which the ownership layer prices. With an
/// [`OwnershipSpec`], its `energy` is the facility energy and `facility` here must be `None`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct EnergySpec {
    /// Power per accelerator while training, W. `None`: no accelerator-form energy.
    pub accelerator_power: Option<Quantity>,
    /// The power usage effectiveness the source multiplies its accelerator figure by (Meta's
    /// Llama cards: "adjusted for power usage efficiency"). `None`: the source does not adjust
    /// (GPU-hours x power alone, as BLOOM's paper counts its dynamic energy).
    pub accelerator_pue: Option<Quantity>,
    /// The final run's facility energy for a stack with no ownership basis. `None` with an
    /// ownership basis (its energy is used), or when the facility energy is not modelled.
    pub facility: Option<RunEnergy>,
}

/// The two forms of energy a report gives (see [`EnergySpec`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum EnergyForm {
    /// GPU-hours x accelerator power (x PUE where the source adjusts for it): the form model
    /// cards report.
    Accelerator,
    /// Chip power x server power ratio x power fraction x PUE x chip-hours: Epoch AI's form,
    /// what the datacenter drew.
    Facility,
}

impl EnergyForm {
    /// Both forms, in report order.
    pub const ALL: [EnergyForm; 2] = [EnergyForm::Accelerator, EnergyForm::Facility];

    /// The stable id part (`accelerator`, `facility`).
    pub fn as_str(self) -> &'static str {
        match self {
            EnergyForm::Accelerator => "accelerator",
            EnergyForm::Facility => "facility",
        }
    }

    /// What the form counts, for people.
    pub fn describe(self) -> &'static str {
        match self {
            EnergyForm::Accelerator => {
                "GPU-hours x power per accelerator, x the PUE the source adjusts by where it does (the form model cards report)"
            }
            EnergyForm::Facility => {
                "what the datacenter drew: chip power x server power ratio x average power fraction x PUE x chip-hours (Epoch AI's method), or as the source states it"
            }
        }
    }
}

impl std::fmt::Display for EnergyForm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How the carbon intensity of electricity is accounted (GHG Protocol Scope 2): the grid the
/// energy was drawn from, or the owner's contracts (renewable purchases) for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum Accounting {
    /// The average intensity of the grid where the energy was drawn.
    Location,
    /// The intensity of the electricity the owner bought (renewable matching counts as zero).
    Market,
}

impl Accounting {
    /// Both, in report order.
    pub const ALL: [Accounting; 2] = [Accounting::Location, Accounting::Market];

    /// The stable id part (`location`, `market`).
    pub fn as_str(self) -> &'static str {
        match self {
            Accounting::Location => "location",
            Accounting::Market => "market",
        }
    }
}

impl std::fmt::Display for Accounting {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The carbon intensity of the electricity the run drew, gCO2e per kWh: emissions are each
/// energy figure x the intensity, in each accounting given.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct EmissionsSpec {
    /// Location-based intensity of the grid, gCO2e/kWh.
    pub location: Option<Quantity>,
    /// Market-based intensity (after the owner's energy contracts), gCO2e/kWh.
    pub market: Option<Quantity>,
}

/// Which final-run layer development compute and the totals build on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum Basis {
    /// `final-run-rental`: what the compute would cost to rent.
    Rental,
    /// `final-run-ownership`: what the compute costs its owner (Epoch AI's method).
    Ownership,
}

impl Basis {
    /// Both bases, rental first.
    pub const ALL: [Basis; 2] = [Basis::Rental, Basis::Ownership];

    /// The id of the final-run layer on this basis.
    pub fn layer_id(self) -> &'static str {
        LayerId::FinalRun(self).as_str()
    }

    /// `rental` or `ownership`: the suffix of the ids of the layers and totals on this basis.
    pub fn as_str(self) -> &'static str {
        match self {
            Basis::Rental => "rental",
            Basis::Ownership => "ownership",
        }
    }

    /// What the basis means, for people.
    pub fn describe(self) -> &'static str {
        match self {
            Basis::Rental => "what renting the GPU-hours would cost",
            Basis::Ownership => {
                "what the compute costs its owner: amortized hardware, network and energy (Epoch AI's method)"
            }
        }
    }

    /// `at rental prices` or `at ownership cost`, for labels.
    pub fn describe_short(self) -> &'static str {
        match self {
            Basis::Rental => "at rental prices",
            Basis::Ownership => "at ownership cost",
        }
    }
}

impl std::fmt::Display for Basis {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How much development compute there was.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum DevelopmentAmount {
    /// Development compute as a multiple of the final run (excluding the run itself).
    Multiplier(Quantity),
    /// All the model's compute, final run included, as a multiple of the final run: Epoch AI's
    /// experiment factor (90% CI [1.2, 4]). Development compute is `factor - 1` times the run,
    /// sampled as given (no arithmetic on the interval's ends).
    Factor {
        /// The factor, run included.
        factor: Quantity,
        /// What a draw below 1 (less compute in all than the final run alone) means: `false`
        /// counts no development compute (the default); `true` keeps the raw draw, so
        /// development compute is negative and run + development is exactly `factor` x run
        /// (Epoch AI's study does this).
        keep_below_one: bool,
        /// How the factor reaches the ownership components of the total compute.
        propagation: Propagation,
    },
    /// Explicit extra stages (experiments, ablations, synthetic data), costed per GPU-hour like
    /// the final run on the chosen basis.
    Stages(Vec<StageSpec>),
}

/// How a development factor reaches the ownership components of the total compute.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum Propagation {
    /// Every component is the final run's times the same factor draw, sample by sample: the
    /// components move together (traincost's default).
    PerSample,
    /// Epoch AI's development-cost study: the (deterministic) final run's amortized hardware,
    /// interconnect and formula energy are evaluated at the factor's two percentiles `at`
    /// (its 5th and 95th) and each is drawn on its own from the lognormal through those two
    /// values, independently of the others. Energy stated directly ([`RunEnergy::Stated`],
    /// [`RunEnergy::Cluster`]) still takes the factor's per-sample draw, as in the study.
    /// Needs point inputs in the final run's stages and ownership (the electricity-price
    /// factor aside).
    Refit {
        /// The factor's values at its 5th and 95th percentiles.
        at: [f64; 2],
    },
}

/// Experiments, ablations, failed runs and synthetic data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DevelopmentSpec {
    /// The basis a report leads with (its bottom line); development compute and the totals
    /// are computed on every basis the scenario can cost. `None`: ownership where the stack
    /// has it, else rental.
    pub basis: Option<Basis>,
    /// How much of it.
    pub amount: DevelopmentAmount,
}

/// One group of people with the same role.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct StaffGroup {
    /// Role name, unique.
    pub role: String,
    /// People.
    pub headcount: Quantity,
    /// Annual compensation per person, USD per year.
    pub compensation: Quantity,
    /// Loading on compensation (benefits, payroll taxes, equity), a multiplier.
    pub overhead: Quantity,
    /// Share of their time spent on this model, a fraction.
    pub fte: Quantity,
    /// Equity per person per year, USD, added to the loaded pay before the share of time
    /// (Epoch AI: (salary x overhead + equity) x FTE); `None` for none.
    pub equity: Option<Quantity>,
    /// Whether each person's equity is drawn once per run and shared by every sample (Epoch AI's
    /// development-cost study for GPT-3, OPT and GPT-4) rather than drawn every sample.
    pub equity_once_per_person: bool,
    /// Whether each person's pay, overhead and share of time are drawn on their own and summed
    /// (`true`, Epoch AI's method) or drawn once for the whole group, everyone alike (`false`).
    pub per_person: bool,
}

/// The most people a staff group drawn person by person may have: each person is three
/// columns of every block of samples.
pub const MAX_PEOPLE_PER_GROUP: usize = 20_000;

/// The people who built the model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct StaffSpec {
    /// Duration of the project.
    pub duration: StaffDuration,
    /// Role groups.
    pub groups: Vec<StaffGroup>,
}

/// How long the people worked on the model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum StaffDuration {
    /// Given directly, in years.
    Years(Quantity),
    /// From an uncertain start date to an end, in years: `end - start - delay`, and at least
    /// `minimum_years` (a shorter draw counts as the minimum).
    Dates {
        /// The start, as a decimal year (2022.0 is the start of 2022).
        start: Quantity,
        /// The end, as a decimal year.
        end: f64,
        /// How long before `end` the work stopped, in years (`None`: it ran to `end`).
        delay: Option<Quantity>,
        /// The shortest project, in years.
        minimum_years: f64,
    },
}

/// The owner's whole fleet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct FleetSpec {
    /// GPUs owned.
    pub gpus: Quantity,
    /// Price per GPU (the chip alone), USD.
    pub price_per_gpu: Quantity,
    /// Multiplier from GPU price to installed cost (servers, network, storage); draws below 1 count as 1.
    pub overhead: Quantity,
    /// Useful life of the hardware, years.
    pub lifetime_years: Quantity,
    /// Average power per GPU including its server share, watts.
    pub power_per_gpu_watts: Quantity,
    /// Power usage effectiveness.
    pub pue: Quantity,
    /// Electricity price, USD per kWh.
    pub electricity_price: Quantity,
    /// Other yearly operating cost (datacenter, maintenance) as a fraction of capex per year.
    pub other_opex_fraction: Quantity,
}

/// Everything needed to cost one model, in model units and report dollars.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct StackSpec {
    /// The model's short name (`deepseek-v3`), carried into its estimate.
    pub name: String,
    /// The dollars every money input is in, and the estimate reports in.
    pub dollars: DollarDate,
    /// The price index those dollars were converted with (for the record; the spec's money is
    /// already in `dollars`).
    pub index: IndexId,
    /// Final-run stages; their GPU-hours sum to the run.
    pub stages: Vec<StageSpec>,
    /// Epoch AI's ownership method, if the inputs are known.
    pub ownership: Option<OwnershipSpec>,
    /// Development compute.
    pub development: Option<DevelopmentSpec>,
    /// Staff.
    pub staff: Option<StaffSpec>,
    /// Fleet.
    pub fleet: Option<FleetSpec>,
    /// The final run's energy forms beside its cost; `None`: energy only as the ownership
    /// layer prices it.
    #[serde(default)]
    pub energy: Option<EnergySpec>,
    /// The electricity's carbon intensity: emissions beside each energy figure.
    #[serde(default)]
    pub emissions: Option<EmissionsSpec>,
}

/// What an output is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "kind", content = "of")]
pub enum OutputKind {
    /// A layer of the stack.
    Layer,
    /// A part of the named layer; the parts of a layer sum to it.
    Component(String),
    /// A sum of layers of one scope.
    Total,
    /// A non-money figure (GPU-hours).
    Metric,
    /// Energy in one form (kWh, or kWh/year for the fleet).
    Energy(EnergyForm),
    /// Emissions of one energy form in one accounting (tCO2e, or tCO2e/year for the fleet).
    Emissions(EnergyForm, Accounting),
    /// The named output divided, sample by sample, by the final run on this output's basis.
    Multiple(String),
}

/// Description of one output.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutputInfo {
    /// Stable id (`final-run-rental`, `final-run-rental/pre-training`, ...).
    pub id: String,
    /// Label for people.
    pub label: String,
    /// Layer, component, total, metric or multiple.
    pub kind: OutputKind,
    /// The cost basis of a compute figure (and of a multiple: the final run it divides by);
    /// `None` for figures without one (staff, the fleet, GPU-hours).
    pub basis: Option<Basis>,
    /// Unit: `USD`, `USD/year` or `GPU-hours`.
    pub unit: String,
    /// What it counts.
    pub includes: String,
    /// What it leaves out.
    pub excludes: String,
}

/// An input of the compiled model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelInput {
    /// Dotted name (`stages.pre-training.gpu_hours`).
    pub name: String,
    /// Unit of the value in the model (`GPU-hours`, `USD/GPU-hour`, ...).
    pub unit: &'static str,
    /// The quantity.
    pub quantity: Quantity,
    /// Whether the model accepts negative draws (it clamps them itself).
    pub allow_negative: bool,
    /// Independent draws per sample: 1, or one per person of a staff group drawn person by
    /// person.
    pub copies: usize,
    /// Drawn once per run and shared by every sample (each copy its own draw).
    pub drawn_once: bool,
}

/// Why a spec cannot be costed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ModelError {
    /// An input's distribution is invalid.
    #[error("{input}: {source}")]
    Distribution {
        /// Dotted input name.
        input: String,
        /// The problem.
        source: DistributionError,
    },
    /// An input carries neither a claim nor an assumption.
    #[error("{input}: no provenance; cite a claim id or give an assumption with a one-line reason")]
    NoProvenance {
        /// Dotted input name.
        input: String,
    },
    /// A stage gives too little to know its GPU-hours.
    #[error(
        "stage `{stage}` has no GPU-hours: give `gpu_hours`, or `gpus` and `hours`, or the FLOP \
         (`flop`, or `active_parameters` and `tokens`) with `mfu` and a known GPU or `peak_flops`"
    )]
    StageUnderdetermined {
        /// Stage name.
        stage: String,
    },
    /// A stage's numbers contradict each other.
    #[error("stage `{stage}`: {detail}")]
    StageContradiction {
        /// Stage name.
        stage: String,
        /// The field whose value is contradicted (`gpu_hours`).
        field: &'static str,
        /// What disagrees, with numbers.
        detail: String,
    },
    /// No final-run stage.
    #[error("the scenario has no stages: add at least one [[stages]] table")]
    NoStages,
    /// Two stages or staff groups share a name.
    #[error("two {what} are named `{name}`; names must be unique")]
    DuplicateName {
        /// "stages" or "staff groups".
        what: &'static str,
        /// The name.
        name: String,
    },
    /// A group drawn person by person has a headcount with no largest value.
    #[error(
        "staff group `{role}`: its people are drawn one by one, so its headcount needs a largest value; give it as a point, uniform, triangular or PERT, or set draws = \"shared\""
    )]
    UnboundedHeadcount {
        /// The group's role.
        role: String,
    },
    /// A group drawn person by person is too large.
    #[error(
        "staff group `{role}`: up to {max} people drawn one by one is more than the {MAX_PEOPLE_PER_GROUP} supported; split the group, or set draws = \"shared\""
    )]
    TooManyPeople {
        /// The group's role.
        role: String,
        /// Its largest headcount.
        max: f64,
    },
    /// A refit needs a deterministic final run on the ownership basis.
    #[error(
        "`{input}` is uncertain, but propagation = \"refit\" evaluates the ownership cost at two values of the factor and needs point inputs there; give it as a point (value = ...) or use propagation = \"per-sample\""
    )]
    RefitNeedsPoint {
        /// Dotted input name.
        input: String,
    },
    /// A refit without ownership inputs.
    #[error(
        "propagation = \"refit\" refits the ownership components, but the scenario has no [ownership] inputs; add them or drop `propagation`"
    )]
    RefitNeedsOwnership,
    /// The facility energy given twice: by the ownership table and on its own.
    #[error(
        "the final run's facility energy is given twice: the ownership basis prices its own energy, so the energy table's facility form must be left out"
    )]
    FacilityEnergyTwice,
    /// A PUE adjustment for the accelerator form without the power it adjusts.
    #[error(
        "the accelerator energy's PUE adjustment is given without the power per accelerator it adjusts; give `accelerator_power` too, or drop the adjustment"
    )]
    AcceleratorPueAlone,
    /// Development compute on the ownership basis without ownership inputs.
    #[error(
        "development basis is `ownership` but the scenario has no [ownership] inputs; add them or use basis = \"rental\""
    )]
    MissingOwnership,
}

#[derive(Debug, Clone, Copy)]
enum HoursPlan {
    Direct(usize),
    GpusTimesHours(usize, usize),
    FromFlop {
        flop: FlopPlan,
        peak: usize,
        mfu: usize,
    },
}

#[derive(Debug, Clone, Copy)]
enum FlopPlan {
    Given(usize),
    SixND(usize, usize),
}

impl HoursPlan {
    /// Writes each sample's GPU-hours into `out`.
    #[inline]
    fn eval_into(self, x: &Columns<'_>, out: &mut [f64]) {
        match self {
            HoursPlan::Direct(i) => out.copy_from_slice(x.col(i)),
            HoursPlan::GpusTimesHours(g, h) => {
                for ((o, g), h) in out.iter_mut().zip(x.col(g)).zip(x.col(h)) {
                    *o = g * h;
                }
            }
            HoursPlan::FromFlop { flop, peak, mfu } => {
                let (peak, mfu) = (x.col(peak), x.col(mfu));
                for (j, o) in out.iter_mut().enumerate() {
                    let flop = match flop {
                        FlopPlan::Given(i) => Flop(x.col(i)[j]),
                        FlopPlan::SixND(p, t) => {
                            Flop::from_parameters_and_tokens(Count(x.col(p)[j]), Count(x.col(t)[j]))
                        }
                    };
                    *o = flop.gpu_hours_at(FlopPerSecond(peak[j]), mfu[j]).0;
                }
            }
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct StagePlan {
    hours: HoursPlan,
    price: usize,
    out: usize,
}

#[derive(Debug, Clone, Copy)]
struct OwnershipPlan {
    price: usize,
    years: usize,
    g: usize,
    interconnect: usize,
    /// With a server overhead, hardware is split into AI chips and other server components.
    server_overhead: Option<usize>,
    /// Whether the facility energy is Epoch AI's chip-hours formula (a development refit
    /// scales it on its own).
    formula_energy: bool,
    electricity: usize,
    price_factor: Option<usize>,
    out: usize,
}

impl OwnershipPlan {
    /// The layer's components, in output order (they follow the layer's own output).
    fn components(&self) -> &'static [&'static str] {
        if self.server_overhead.is_some() {
            &["ai-chips", "other-server", "interconnect", "energy"]
        } else {
            &["hardware", "interconnect", "energy"]
        }
    }
}

/// The energy outputs: each form's final run, development and total compute (kWh).
#[derive(Debug, Clone, Copy)]
struct EnergyOuts {
    run: usize,
    /// `(development, total compute)`, with development compute.
    development: Option<(usize, usize)>,
}

#[derive(Debug, Clone, Copy)]
struct EnergyPlans {
    /// `(power per accelerator, the source's PUE adjustment, outputs)`.
    accelerator: Option<(usize, Option<usize>, EnergyOuts)>,
    /// `(how, outputs)`.
    facility: Option<(EnergyPlan, EnergyOuts)>,
}

#[derive(Debug, Clone, Copy)]
enum EnergyPlan {
    FromChipHours {
        tdp: usize,
        server_ratio: usize,
        power_fraction: usize,
        pue: usize,
    },
    Stated(usize),
    Cluster {
        chips: usize,
        watts: usize,
        server_ratio: usize,
        power_fraction: usize,
        pue: usize,
        hours: usize,
    },
}

/// The components of the total compute on the ownership basis: each final-run component
/// scaled by the factor. `scales[c]` is `Some(column)` for a component drawn from its own
/// refit (Epoch AI's study), `None` for one scaled by the total's per-sample ratio to the run.
#[derive(Debug, Clone)]
struct TotalComponents {
    /// The final-run ownership layer's first component output.
    base_first: usize,
    /// The total's first component output.
    total_first: usize,
    /// With a refit: each component's scale.
    refit: Option<Vec<Option<usize>>>,
}

/// Development compute on one basis: `(basis, the final run's output, development's output)`.
type DevOut = (Basis, usize, usize);

#[derive(Debug, Clone)]
enum DevPlan {
    Multiplier(usize),
    Factor { factor: usize, keep_below_one: bool },
    Stages(Vec<HoursPlan>),
}

impl DevPlan {
    /// The lowest scale a factor draw (or a refit draw) may take.
    fn floor(&self) -> f64 {
        match self {
            DevPlan::Factor {
                keep_below_one: true,
                ..
            } => f64::NEG_INFINITY,
            _ => 1.0,
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct GroupPlan {
    headcount: usize,
    comp: usize,
    overhead: usize,
    fte: usize,
    /// Equity's first column, if the group has equity.
    equity: Option<usize>,
    out: usize,
    /// `Some(n)`: people drawn one by one, at most `n` (the headcount's largest value); each
    /// per-person input's column for person `p` is its first column + `p` (+ 0 for a point).
    people: Option<PeoplePlan>,
}

#[derive(Debug, Clone, Copy)]
enum DurationPlan {
    Years(usize),
    Dates {
        start: usize,
        end: f64,
        delay: Option<usize>,
        minimum: f64,
    },
}

#[derive(Debug, Clone, Copy)]
struct PeoplePlan {
    max: usize,
    comp_step: usize,
    overhead_step: usize,
    fte_step: usize,
    equity_step: usize,
}

#[derive(Debug, Clone, Copy)]
struct FleetPlan {
    gpus: usize,
    price: usize,
    overhead: usize,
    lifetime: usize,
    power: usize,
    pue: usize,
    electricity: usize,
    other: usize,
    out: usize,
    annual_out: usize,
    energy_out: usize,
}

/// A validated, compiled cost stack, ready for [`traincost_engine::run`].
#[derive(Debug, Clone)]
pub struct CostModel {
    name: String,
    dollars: DollarDate,
    index: IndexId,
    inputs: Vec<ModelInput>,
    outputs: Vec<OutputInfo>,
    stages: Vec<StagePlan>,
    rental_out: usize,
    hours_out: usize,
    ownership: Option<OwnershipPlan>,
    energy: EnergyPlans,
    /// `(energy output, intensity input, emissions output)`.
    emissions: Vec<(usize, usize, usize)>,
    primary_basis: Basis,
    development: Option<(DevPlan, Vec<DevOut>)>,
    total_components: Option<TotalComponents>,
    staff: Option<(DurationPlan, Vec<GroupPlan>, usize)>,
    /// `(staff, total, share)`: staff over the total model development, per sample.
    staff_shares: Vec<(usize, usize, usize)>,
    payroll_out: Option<usize>,
    fleet: Option<FleetPlan>,
    totals: Vec<(Vec<usize>, usize)>,
    /// `(numerator, final run, output)`.
    multiples: Vec<(usize, usize, usize)>,
}

struct Builder {
    inputs: Vec<ModelInput>,
    outputs: Vec<OutputInfo>,
    /// The next free input column (inputs drawn several times per sample take several).
    columns: usize,
}

impl Builder {
    fn input(
        &mut self,
        name: String,
        unit: &'static str,
        q: &Quantity,
    ) -> Result<usize, ModelError> {
        self.input_with(name, unit, q, false)
    }

    /// Adds an input and returns its first column.
    fn input_with(
        &mut self,
        name: String,
        unit: &'static str,
        q: &Quantity,
        allow_negative: bool,
    ) -> Result<usize, ModelError> {
        self.input_full(name, unit, q, allow_negative, 1, false)
    }

    /// Adds an input drawn `copies` times per sample (a point is drawn once: its copies would
    /// be equal), each copy once per run if `drawn_once`, and returns its first column.
    fn input_full(
        &mut self,
        name: String,
        unit: &'static str,
        q: &Quantity,
        allow_negative: bool,
        copies: usize,
        drawn_once: bool,
    ) -> Result<usize, ModelError> {
        q.distribution
            .validate(allow_negative)
            .map_err(|source| ModelError::Distribution {
                input: name.clone(),
                source,
            })?;
        if q.provenance.is_missing() {
            return Err(ModelError::NoProvenance { input: name });
        }
        let copies = if q.distribution.is_point() { 1 } else { copies };
        self.inputs.push(ModelInput {
            name,
            unit,
            quantity: q.clone(),
            allow_negative,
            copies,
            drawn_once,
        });
        let first = self.columns;
        self.columns += copies;
        Ok(first)
    }

    fn output(
        &mut self,
        id: impl Into<String>,
        label: impl Into<String>,
        kind: OutputKind,
        unit: &str,
        includes: &str,
        excludes: &str,
    ) -> usize {
        self.outputs.push(OutputInfo {
            id: id.into(),
            label: label.into(),
            kind,
            unit: unit.into(),
            includes: includes.into(),
            excludes: excludes.into(),
            basis: None,
        });
        self.outputs.len() - 1
    }

    fn set_basis(&mut self, out: usize, basis: Basis) {
        self.outputs[out].basis = Some(basis);
    }

    /// The inputs of a run's facility energy. The chip-hours formula's inputs are named
    /// `{formula}.tdp`, ...; a stated energy's or a cluster's `{stated}.kwh`, ...
    fn energy_plan(
        &mut self,
        (formula, stated): (&str, &str),
        e: &RunEnergy,
    ) -> Result<EnergyPlan, ModelError> {
        let f = |x: &str| format!("{formula}.{x}");
        let n = |x: &str| format!("{stated}.{x}");
        Ok(match e {
            RunEnergy::FromChipHours {
                tdp_watts,
                server_power_ratio,
                power_fraction,
                pue,
            } => EnergyPlan::FromChipHours {
                tdp: self.input(f("tdp"), "W", tdp_watts)?,
                server_ratio: self.input(f("server_power_ratio"), "x", server_power_ratio)?,
                power_fraction: self.input(f("power_fraction"), "fraction", power_fraction)?,
                pue: self.input(f("pue"), "x", pue)?,
            },
            RunEnergy::Stated(q) => EnergyPlan::Stated(self.input(n("kwh"), "kWh", q)?),
            RunEnergy::Cluster {
                chips,
                chip_watts,
                server_power_ratio,
                power_fraction,
                pue,
                hours,
            } => EnergyPlan::Cluster {
                chips: self.input(n("chips"), "chips", chips)?,
                watts: self.input(n("chip_power"), "W", chip_watts)?,
                server_ratio: self.input(n("server_power_ratio"), "x", server_power_ratio)?,
                power_fraction: self.input(n("power_fraction"), "fraction", power_fraction)?,
                pue: self.input(n("pue"), "x", pue)?,
                hours: self.input(n("hours"), "hours", hours)?,
            },
        })
    }

    fn hours_plan(&mut self, prefix: &str, s: &StageSpec) -> Result<HoursPlan, ModelError> {
        let name = |f: &str| format!("{prefix}.{f}");
        let flop = match &s.flop {
            None => None,
            Some(FlopSpec::Given(q)) => {
                Some(FlopPlan::Given(self.input(name("flop"), "FLOP", q)?))
            }
            Some(FlopSpec::SixND {
                active_parameters,
                tokens,
            }) => Some(FlopPlan::SixND(
                self.input(name("active_parameters"), "parameters", active_parameters)?,
                self.input(name("tokens"), "tokens", tokens)?,
            )),
        };
        let peak = s
            .peak_flops
            .as_ref()
            .map(|q| self.input(name("peak_flops"), "FLOP/s", q))
            .transpose()?;
        let mfu = s
            .mfu
            .as_ref()
            .map(|q| self.input(name("mfu"), "fraction", q))
            .transpose()?;
        check_stage_consistency(s)?;
        if let Some(q) = &s.gpu_hours {
            return Ok(HoursPlan::Direct(self.input(
                name("gpu_hours"),
                "GPU-hours",
                q,
            )?));
        }
        if let (Some(g), Some(h)) = (&s.gpus, &s.hours) {
            return Ok(HoursPlan::GpusTimesHours(
                self.input(name("gpus"), "GPUs", g)?,
                self.input(name("hours"), "hours", h)?,
            ));
        }
        match (flop, peak, mfu) {
            (Some(flop), Some(peak), Some(mfu)) => Ok(HoursPlan::FromFlop { flop, peak, mfu }),
            _ => Err(ModelError::StageUnderdetermined {
                stage: s.name.clone(),
            }),
        }
    }
}

/// A stable 64-bit key of an input name (FNV-1a), the same on every platform and version.
fn name_key(name: &str) -> u64 {
    name.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// An ownership component's label and what it counts.
fn component_text<'a>(id: &str, energy_includes: &'a str) -> (&'static str, &'a str) {
    match id {
        "hardware" => (
            "amortized hardware",
            "chips and servers: value at training start x depreciation rate x chip-hours",
        ),
        "ai-chips" => (
            "AI chips",
            "the accelerators' share of the amortized hardware (hardware / server overhead)",
        ),
        "other-server" => (
            "other server components",
            "CPUs, memory, chassis: the amortized hardware beyond the chips",
        ),
        "interconnect" => (
            "interconnect",
            "cluster network, as a share of cluster cost",
        ),
        _ => ("energy", energy_includes),
    }
}

/// The outputs of one energy form: the final run, and with development compute its energy and
/// the total's. `variant`: for the accelerator form, the source's PUE adjustment applies; for
/// the facility form, the run's energy is as its source states it.
fn energy_outputs(
    b: &mut Builder,
    form: EnergyForm,
    development: bool,
    variant: bool,
) -> EnergyOuts {
    let (run_includes, run_excludes) = match (form, variant) {
        (EnergyForm::Accelerator, false) => (
            "final-run GPU-hours x power per accelerator: the accelerators alone, the form model cards report",
            "the servers' other parts, cooling and the rest of the facility (PUE); development compute; the hardware's embodied energy",
        ),
        (EnergyForm::Accelerator, true) => (
            "final-run GPU-hours x power per accelerator x the PUE the source adjusts by: the model card's form",
            "the servers' other parts (CPUs, memory, network); development compute; the hardware's embodied energy",
        ),
        (EnergyForm::Facility, false) => (
            "final-run chip-hours x chip TDP x server power ratio x average power fraction x PUE: what the datacenter drew (Epoch AI's method)",
            "development compute; idle hardware; the hardware's embodied energy",
        ),
        (EnergyForm::Facility, true) => (
            "the final run's energy as its source states it (the ownership layer's energy)",
            "development compute; whatever the source's figure leaves out",
        ),
    };
    let run = b.output(
        format!("final-run-energy-{form}"),
        format!("Final run energy ({form})"),
        OutputKind::Energy(form),
        "kWh",
        run_includes,
        run_excludes,
    );
    let development = development.then(|| {
        let dev = b.output(
            format!("development-compute-energy-{form}"),
            format!("Development compute energy ({form})"),
            OutputKind::Energy(form),
            "kWh",
            "development compute's energy in the same form: the final run's energy per GPU-hour x development's GPU-hours, sample by sample",
            "the final run itself",
        );
        let total = b.output(
            format!("total-compute-energy-{form}"),
            format!("Final run + development compute energy ({form})"),
            OutputKind::Energy(form),
            "kWh",
            "the final run's and development compute's energy, in one form",
            "the rest of the fleet; the hardware's embodied energy",
        );
        (dev, total)
    });
    EnergyOuts { run, development }
}

/// The most people a group drawn person by person can have: its headcount's largest value,
/// rounded to whole people.
fn people_of(role: &str, headcount: &Distribution) -> Result<usize, ModelError> {
    let max = headcount.quantile(1.0).round();
    if !max.is_finite() {
        return Err(ModelError::UnboundedHeadcount {
            role: role.to_owned(),
        });
    }
    if max > MAX_PEOPLE_PER_GROUP as f64 {
        return Err(ModelError::TooManyPeople {
            role: role.to_owned(),
            max,
        });
    }
    Ok(max.max(0.0) as usize)
}

/// GPU-hours given directly (or as gpus x hours) must agree with FLOP at peak and MFU.
fn check_stage_consistency(s: &StageSpec) -> Result<(), ModelError> {
    let direct = s.gpu_hours.as_ref().map(|q| q.distribution.median());
    let product = match (&s.gpus, &s.hours) {
        (Some(g), Some(h)) => Some(g.distribution.median() * h.distribution.median()),
        _ => None,
    };
    let fmt = crate::dist::format_number;
    if let (Some(d), Some(p)) = (direct, product)
        && (d - p).abs() > 0.01 * d.max(p)
    {
        return Err(ModelError::StageContradiction {
            stage: s.name.clone(),
            field: "gpu_hours",
            detail: format!(
                "gpu_hours is {} but gpus x hours is {}; give one or make them agree",
                fmt(d),
                fmt(p)
            ),
        });
    }
    let Some(hours) = direct.or(product) else {
        return Ok(());
    };
    let flop = match &s.flop {
        None => return Ok(()),
        Some(FlopSpec::Given(q)) => q.distribution.median(),
        Some(FlopSpec::SixND {
            active_parameters,
            tokens,
        }) => 6.0 * active_parameters.distribution.median() * tokens.distribution.median(),
    };
    let Some(peak) = s.peak_flops.as_ref().map(|q| q.distribution.median()) else {
        return Ok(());
    };
    let implied = GpuHours(hours).implied_utilization(Flop(flop), FlopPerSecond(peak));
    let field = if s.gpu_hours.is_some() {
        "gpu_hours"
    } else {
        "hours"
    };
    if implied > 1.0 {
        return Err(ModelError::StageContradiction {
            stage: s.name.clone(),
            field,
            detail: format!(
                "{} FLOP in {} GPU-hours at a peak of {} FLOP/s would need {:.0}% utilization, which is \
                 impossible; check the GPU-hours, the FLOP (or parameters and tokens) and the GPU",
                fmt(flop),
                fmt(hours),
                fmt(peak),
                100.0 * implied
            ),
        });
    }
    if let Some(mfu) = &s.mfu {
        let (lo, hi) = (
            mfu.distribution.quantile(0.05),
            mfu.distribution.quantile(0.95),
        );
        if implied < lo / 1.5 || implied > hi * 1.5 {
            return Err(ModelError::StageContradiction {
                stage: s.name.clone(),
                field,
                detail: format!(
                    "{} FLOP in {} GPU-hours at {} FLOP/s imply {:.1}% utilization, far outside the \
                     given mfu ({:.1}% to {:.1}%); fix one of them or drop mfu",
                    fmt(flop),
                    fmt(hours),
                    fmt(peak),
                    100.0 * implied,
                    100.0 * lo,
                    100.0 * hi
                ),
            });
        }
    }
    Ok(())
}

fn check_unique<'a>(
    what: &'static str,
    names: impl Iterator<Item = &'a str>,
) -> Result<(), ModelError> {
    let mut seen = std::collections::HashSet::new();
    for n in names {
        if !seen.insert(n) {
            return Err(ModelError::DuplicateName {
                what,
                name: n.to_owned(),
            });
        }
    }
    Ok(())
}

const RENTAL_INCLUDES: &str =
    "GPU-hours of every final-run stage times a rental price per GPU-hour";
const RENTAL_EXCLUDES: &str = "experiments, ablations and failed runs; data; staff; owning the hardware (the price is a market rental rate, not a cost paid)";
const OWNERSHIP_INCLUDES: &str = "the final run's share of its hardware's value (amortized at Epoch AI's depreciation rate), interconnect, and energy";
const OWNERSHIP_EXCLUDES: &str = "experiments and failed runs; staff; idle hardware; datacenter buildings; the rest of the fleet";
const DEV_INCLUDES: &str =
    "compute for experiments, ablations, failed runs and synthetic data, costed like the final run";
const DEV_EXCLUDES: &str = "the final run itself; staff; hardware not used for this model";
const STAFF_INCLUDES: &str = "each listed person's loaded annual compensation (and equity) x their share of time on this model, summed, x project duration";
const STAFF_EXCLUDES: &str = "compute; hardware; people outside the listed groups";
const PAYROLL_INCLUDES: &str =
    "the listed staff's yearly pay, full time: headcount x loaded annual compensation";
const PAYROLL_EXCLUDES: &str =
    "people outside the listed groups; it covers all their work, not one model";
const FLEET_INCLUDES: &str = "purchase of every GPU the owner has, with servers and network";
const FLEET_EXCLUDES: &str = "datacenter buildings and land; operating cost (see fleet-annual); it is not a cost of one model";
const FLEET_ANNUAL_INCLUDES: &str =
    "fleet capex amortized over its lifetime, plus power and other operating cost, per year";
const FLEET_ANNUAL_EXCLUDES: &str =
    "staff; it covers every model and product the fleet serves, not one training run";

impl CostModel {
    /// Validates `spec` and compiles it.
    pub fn new(spec: &StackSpec) -> Result<CostModel, ModelError> {
        let mut b = Builder {
            inputs: Vec::new(),
            outputs: Vec::new(),
            columns: 0,
        };
        if spec.stages.is_empty() {
            return Err(ModelError::NoStages);
        }
        check_unique("stages", spec.stages.iter().map(|s| s.name.as_str()))?;

        let hours_out = b.output(
            "final-run-gpu-hours",
            "Final run GPU-hours",
            OutputKind::Metric,
            "GPU-hours",
            "GPU-hours of every final-run stage",
            "development compute",
        );
        let rental_out = b.output(
            "final-run-rental",
            "Final run at rental prices",
            OutputKind::Layer,
            "USD",
            RENTAL_INCLUDES,
            RENTAL_EXCLUDES,
        );
        let mut stages = Vec::new();
        for s in &spec.stages {
            let prefix = format!("stages.{}", s.name);
            let hours = b.hours_plan(&prefix, s)?;
            let price = b.input(
                format!("{prefix}.rental_price"),
                "USD/GPU-hour",
                &s.rental_price,
            )?;
            let out = b.output(
                format!("final-run-rental/{}", s.name),
                format!("{} at rental prices", s.name),
                OutputKind::Component("final-run-rental".into()),
                "USD",
                "this stage's GPU-hours x its rental price",
                "",
            );
            stages.push(StagePlan { hours, price, out });
        }

        // The final run's facility energy: the ownership basis's, else the energy table's.
        let mut facility = None;
        let ownership = match &spec.ownership {
            None => None,
            Some(o) => {
                let n = |f: &str| format!("ownership.{f}");
                let price = b.input(n("purchase_price"), "USD/GPU", &o.purchase_price)?;
                let years = b.input_with(
                    n("years_to_training_start"),
                    "years",
                    &o.years_to_training_start,
                    true,
                )?;
                let g = b.input(
                    n("depreciation_ooms_per_year"),
                    "OOMs/year",
                    &o.depreciation_ooms_per_year,
                )?;
                let interconnect = b.input(
                    n("interconnect_multiplier"),
                    "x",
                    &o.interconnect_multiplier,
                )?;
                let server_overhead = o
                    .server_overhead
                    .as_ref()
                    .map(|q| b.input(n("server_overhead"), "x", q))
                    .transpose()?;
                let energy = b.energy_plan(("ownership", "ownership.energy"), &o.energy)?;
                facility = Some(energy);
                let electricity =
                    b.input(n("electricity_price"), "USD/kWh", &o.electricity_price)?;
                let price_factor = o
                    .electricity_price_factor
                    .as_ref()
                    .map(|q| b.input(n("electricity_price_factor"), "x", q))
                    .transpose()?;
                let plan = OwnershipPlan {
                    price,
                    years,
                    g,
                    interconnect,
                    server_overhead,
                    formula_energy: matches!(energy, EnergyPlan::FromChipHours { .. }),
                    electricity,
                    price_factor,
                    out: b.output(
                        "final-run-ownership",
                        "Final run at ownership cost (Epoch AI method)",
                        OutputKind::Layer,
                        "USD",
                        OWNERSHIP_INCLUDES,
                        OWNERSHIP_EXCLUDES,
                    ),
                };
                let energy_includes = match o.energy {
                    RunEnergy::FromChipHours { .. } => {
                        "chip-hours x chip power x server overhead x utilization x PUE x electricity price"
                    }
                    RunEnergy::Stated(_) => {
                        "the run's energy as stated by its source x electricity price"
                    }
                    RunEnergy::Cluster { .. } => {
                        "the stated cluster's chips x power per chip x server ratio x power fraction x PUE x hours x electricity price"
                    }
                };
                for &id in plan.components() {
                    let (label, inc) = component_text(id, energy_includes);
                    b.output(
                        format!("final-run-ownership/{id}"),
                        label,
                        OutputKind::Component("final-run-ownership".into()),
                        "USD",
                        inc,
                        "",
                    );
                }
                Some(plan)
            }
        };

        let energy_spec = spec.energy.as_ref();
        if let Some(e) = energy_spec.and_then(|e| e.facility.as_ref()) {
            if facility.is_some() {
                return Err(ModelError::FacilityEnergyTwice);
            }
            facility = Some(b.energy_plan(("energy", "energy"), e)?);
        }
        let accelerator_power = energy_spec
            .and_then(|e| e.accelerator_power.as_ref())
            .map(|q| b.input("energy.accelerator_power".into(), "W", q))
            .transpose()?;
        let accelerator_pue = match energy_spec.and_then(|e| e.accelerator_pue.as_ref()) {
            Some(_) if accelerator_power.is_none() => return Err(ModelError::AcceleratorPueAlone),
            Some(q) => Some(b.input("energy.accelerator_pue".into(), "x", q)?),
            None => None,
        };

        let ownership_out = ownership.as_ref().map(|o| o.out);
        let bases: Vec<(Basis, usize)> = std::iter::once((Basis::Rental, rental_out))
            .chain(ownership_out.map(|o| (Basis::Ownership, o)))
            .collect();
        b.set_basis(rental_out, Basis::Rental);
        if let Some(o) = ownership_out {
            b.set_basis(o, Basis::Ownership);
        }
        let primary_basis = match spec.development.as_ref().and_then(|d| d.basis) {
            Some(Basis::Ownership) if ownership.is_none() => {
                return Err(ModelError::MissingOwnership);
            }
            Some(basis) => basis,
            None if ownership.is_some() => Basis::Ownership,
            None => Basis::Rental,
        };

        let mut refit = None;
        let development = match &spec.development {
            None => None,
            Some(d) => {
                let plan = match &d.amount {
                    DevelopmentAmount::Multiplier(q) => DevPlan::Multiplier(b.input(
                        "development.multiplier".into(),
                        "x final run",
                        q,
                    )?),
                    DevelopmentAmount::Factor {
                        factor,
                        keep_below_one,
                        propagation,
                    } => {
                        let plan = DevPlan::Factor {
                            factor: b.input(
                                "development.factor".into(),
                                "x final run (run included)",
                                factor,
                            )?,
                            keep_below_one: *keep_below_one,
                        };
                        if let Propagation::Refit { at } = propagation {
                            let o = ownership.as_ref().ok_or(ModelError::RefitNeedsOwnership)?;
                            // The refit is defined for a deterministic run: every stage and
                            // ownership input a point, but for the price factor and energy
                            // stated on its own (scaled per sample, not refit).
                            if let Some(i) = b.inputs.iter().find(|i| {
                                (i.name.starts_with("stages.")
                                    || (i.name.starts_with("ownership.")
                                        && !i.name.starts_with("ownership.energy.")
                                        && i.name != "ownership.electricity_price_factor"))
                                    && !i.quantity.distribution.is_point()
                            }) {
                                return Err(ModelError::RefitNeedsPoint {
                                    input: i.name.clone(),
                                });
                            }
                            let mut scales = Vec::new();
                            for &id in o.components() {
                                scales.push(if id != "energy" || o.formula_energy {
                                    Some(b.input(
                                        format!("development.refit.{id}"),
                                        "x final run (run included)",
                                        &Quantity::new(
                                            Distribution::Lognormal { p5: at[0], p95: at[1] },
                                            Provenance::assumption(format!(
                                                "the development factor refit for this component alone: a lognormal through the factor's 5th and 95th percentiles ({} and {}), drawn independently of the other components (Epoch AI's development-cost study)",
                                                at[0], at[1]
                                            )),
                                        ),
                                    )?)
                                } else {
                                    None
                                });
                            }
                            refit = Some(scales);
                        }
                        plan
                    }
                    DevelopmentAmount::Stages(list) => {
                        check_unique("development stages", list.iter().map(|s| s.name.as_str()))?;
                        let mut plans = Vec::new();
                        for s in list {
                            plans.push(b.hours_plan(&format!("development.stages.{}", s.name), s)?);
                        }
                        DevPlan::Stages(plans)
                    }
                };
                let outs: Vec<DevOut> = bases
                    .iter()
                    .map(|&(basis, base_out)| {
                        let out = b.output(
                            format!("development-compute-{basis}"),
                            format!("Development compute {}", basis.describe_short()),
                            OutputKind::Layer,
                            "USD",
                            DEV_INCLUDES,
                            DEV_EXCLUDES,
                        );
                        b.set_basis(out, basis);
                        (basis, base_out, out)
                    })
                    .collect();
                Some((plan, outs))
            }
        };

        let staff = match &spec.staff {
            None => None,
            Some(s) => {
                check_unique("staff groups", s.groups.iter().map(|g| g.role.as_str()))?;
                let duration = match &s.duration {
                    StaffDuration::Years(q) => {
                        DurationPlan::Years(b.input("staff.duration".into(), "years", q)?)
                    }
                    StaffDuration::Dates {
                        start,
                        end,
                        delay,
                        minimum_years,
                    } => DurationPlan::Dates {
                        start: b.input("staff.duration.start".into(), "decimal year", start)?,
                        end: *end,
                        delay: delay
                            .as_ref()
                            .map(|q| b.input("staff.duration.delay".into(), "years", q))
                            .transpose()?,
                        minimum: *minimum_years,
                    },
                };
                // Equity drawn once per person (Epoch AI's study) makes the layer's
                // percentiles a property of those few draws: say so where the layer is read.
                let once = s
                    .groups
                    .iter()
                    .filter(|g| g.equity_once_per_person)
                    .map(|g| g.role.as_str())
                    .collect::<Vec<_>>();
                let includes = if once.is_empty() {
                    STAFF_INCLUDES.to_owned()
                } else {
                    format!(
                        "{STAFF_INCLUDES}; each person's equity in {} is drawn once for the whole run, as Epoch AI's study does, so this layer's median and interval move with the seed (by several percent: compare --seed values)",
                        once.join(", ")
                    )
                };
                let out = b.output(
                    "staff",
                    "Staff",
                    OutputKind::Layer,
                    "USD",
                    &includes,
                    STAFF_EXCLUDES,
                );
                let mut groups = Vec::new();
                for g in &s.groups {
                    let n = |f: &str| format!("staff.groups.{}.{f}", g.role);
                    let headcount = b.input(n("headcount"), "people", &g.headcount)?;
                    let max = if g.per_person {
                        Some(people_of(&g.role, &g.headcount.distribution)?)
                    } else {
                        None
                    };
                    let copies = max.unwrap_or(1);
                    let step =
                        |q: &Quantity| usize::from(max.is_some() && !q.distribution.is_point());
                    let comp = b.input_full(
                        n("compensation"),
                        "USD/year",
                        &g.compensation,
                        false,
                        copies,
                        false,
                    )?;
                    let overhead =
                        b.input_full(n("overhead"), "x", &g.overhead, false, copies, false)?;
                    let fte = b.input_full(n("fte"), "fraction", &g.fte, false, copies, false)?;
                    let equity = g
                        .equity
                        .as_ref()
                        .map(|q| {
                            b.input_full(
                                n("equity"),
                                "USD/year",
                                q,
                                false,
                                copies,
                                g.equity_once_per_person,
                            )
                        })
                        .transpose()?;
                    groups.push(GroupPlan {
                        headcount,
                        comp,
                        overhead,
                        fte,
                        equity,
                        out: b.output(
                            format!("staff/{}", g.role),
                            g.role.clone(),
                            OutputKind::Component("staff".into()),
                            "USD",
                            if g.per_person {
                                "the sum over the group's people, each with their own compensation x overhead x FTE share, x duration"
                            } else {
                                "headcount x compensation x overhead x FTE share x duration, everyone alike"
                            },
                            "",
                        ),
                        people: max.map(|max| PeoplePlan {
                            max,
                            comp_step: step(&g.compensation),
                            overhead_step: step(&g.overhead),
                            fte_step: step(&g.fte),
                            equity_step: g.equity.as_ref().map_or(0, step),
                        }),
                    });
                }
                Some((duration, groups, out))
            }
        };

        let fleet = match &spec.fleet {
            None => None,
            Some(f) => {
                let n = |x: &str| format!("fleet.{x}");
                let plan = FleetPlan {
                    gpus: b.input(n("gpus"), "GPUs", &f.gpus)?,
                    price: b.input(n("price_per_gpu"), "USD/GPU", &f.price_per_gpu)?,
                    overhead: b.input(n("overhead"), "x", &f.overhead)?,
                    lifetime: b.input(n("lifetime"), "years", &f.lifetime_years)?,
                    power: b.input(n("power_per_gpu"), "W", &f.power_per_gpu_watts)?,
                    pue: b.input(n("pue"), "x", &f.pue)?,
                    electricity: b.input(
                        n("electricity_price"),
                        "USD/kWh",
                        &f.electricity_price,
                    )?,
                    other: b.input(
                        n("other_opex"),
                        "fraction of capex per year",
                        &f.other_opex_fraction,
                    )?,
                    out: b.output(
                        "fleet",
                        "Fleet capex (whole owner)",
                        OutputKind::Layer,
                        "USD",
                        FLEET_INCLUDES,
                        FLEET_EXCLUDES,
                    ),
                    annual_out: 0,
                    energy_out: 0,
                };
                b.output(
                    "fleet/gpus",
                    "GPUs",
                    OutputKind::Component("fleet".into()),
                    "USD",
                    "GPU count x price per GPU",
                    "",
                );
                b.output(
                    "fleet/servers-and-network",
                    "servers and network",
                    OutputKind::Component("fleet".into()),
                    "USD",
                    "GPU cost x (overhead - 1)",
                    "",
                );
                let annual_out = b.output(
                    "fleet-annual",
                    "Fleet cost per year (whole owner)",
                    OutputKind::Layer,
                    "USD/year",
                    FLEET_ANNUAL_INCLUDES,
                    FLEET_ANNUAL_EXCLUDES,
                );
                for (id, label, inc) in [
                    ("amortized-capex", "amortized capex", "capex / lifetime"),
                    (
                        "power",
                        "power",
                        "GPUs x power per GPU x PUE x 8,766 h x electricity price",
                    ),
                    (
                        "other-opex",
                        "other operating cost",
                        "capex x other opex fraction",
                    ),
                ] {
                    b.output(
                        format!("fleet-annual/{id}"),
                        label,
                        OutputKind::Component("fleet-annual".into()),
                        "USD/year",
                        inc,
                        "",
                    );
                }
                let energy_out = b.output(
                    "fleet-annual-energy",
                    "Fleet energy per year (whole owner, facility)",
                    OutputKind::Energy(EnergyForm::Facility),
                    "kWh/year",
                    "GPUs x power per GPU x PUE x 8,766 h: the facility energy the whole fleet draws in a year",
                    "it covers every model and product the fleet serves, not one training run",
                );
                Some(FleetPlan {
                    annual_out,
                    energy_out,
                    ..plan
                })
            }
        };

        // The listed staff's yearly payroll, full time: a yearly figure of the owner, beside
        // the fleet's, never added to one model's cost.
        let payroll_out = staff.as_ref().map(|_| {
            b.output(
                "payroll-annual",
                "Payroll per year (the listed staff, full time)",
                OutputKind::Layer,
                "USD/year",
                PAYROLL_INCLUDES,
                PAYROLL_EXCLUDES,
            )
        });

        // Totals: the run and development compute on one basis (one total per basis), never
        // the fleet; a year of operations adds the fleet's yearly cost and the payroll.
        let mut totals = Vec::new();
        let mut multiples = Vec::new();
        let mut total_components = None;
        let mut staff_shares = Vec::new();
        if let Some((_, outs)) = &development {
            let mut model_totals = Vec::new();
            for &(basis, base_out, dev_out) in outs {
                let t = b.output(
                    format!("total-compute-{basis}"),
                    format!(
                        "Final run + development compute, {}",
                        basis.describe_short()
                    ),
                    OutputKind::Total,
                    "USD",
                    "the final run and development compute, on one basis",
                    "staff; the fleet",
                );
                b.set_basis(t, basis);
                if let (Basis::Ownership, Some(o)) = (basis, &ownership) {
                    for &id in o.components() {
                        let (label, _) = component_text(id, "");
                        b.output(
                            format!("total-compute-ownership/{id}"),
                            label,
                            OutputKind::Component(format!("total-compute-{basis}")),
                            "USD",
                            "this component of the final run, scaled to all the model's compute",
                            "",
                        );
                    }
                    total_components = Some(TotalComponents {
                        base_first: o.out + 1,
                        total_first: t + 1,
                        refit: refit.take(),
                    });
                }
                totals.push((vec![base_out, dev_out], t));
                multiples.push((dev_out, base_out));
                multiples.push((t, base_out));
                if let Some((_, _, staff_out)) = &staff {
                    let t2 = b.output(
                        format!("total-model-development-{basis}"),
                        format!(
                            "Final run + development compute + staff, compute {}",
                            basis.describe_short()
                        ),
                        OutputKind::Total,
                        "USD",
                        "everything it took to develop this model: compute on one basis and the people",
                        "the rest of the fleet; other models and products",
                    );
                    b.set_basis(t2, basis);
                    model_totals.push((vec![base_out, dev_out, *staff_out], t2));
                    let share = b.output(
                        format!("staff-share-{basis}"),
                        format!(
                            "Staff share of model development, compute {}",
                            basis.describe_short()
                        ),
                        OutputKind::Metric,
                        "fraction",
                        "staff over the final run + development compute + staff, sample by sample",
                        "",
                    );
                    b.set_basis(share, basis);
                    staff_shares.push((*staff_out, t2, share));
                    multiples.push((t2, base_out));
                }
            }
            totals.extend(model_totals);
        }
        if let Some((_, _, staff_out)) = &staff {
            for &(_, base_out) in &bases {
                multiples.push((*staff_out, base_out));
            }
        }
        if let (Some(f), Some(p)) = (&fleet, payroll_out) {
            let t = b.output(
                "owner-annual",
                "A year of the owner's operations: fleet + payroll",
                OutputKind::Total,
                "USD/year",
                "the fleet's yearly cost (amortized capex, power, other opex) plus the listed staff's yearly payroll",
                "one-off costs; people outside the listed groups; it covers every model and product, not one training run",
            );
            totals.push((vec![f.annual_out, p], t));
        }
        // Energy beside the cost, in each form the stack can give: the final run, development
        // compute and their total (kWh).
        let has_development = development.is_some();
        let stated = matches!(
            facility,
            Some(EnergyPlan::Stated(_) | EnergyPlan::Cluster { .. })
        );
        let energy = EnergyPlans {
            accelerator: accelerator_power.map(|p| {
                let pue = accelerator_pue.is_some();
                (
                    p,
                    accelerator_pue,
                    energy_outputs(&mut b, EnergyForm::Accelerator, has_development, pue),
                )
            }),
            facility: facility.map(|plan| {
                (
                    plan,
                    energy_outputs(&mut b, EnergyForm::Facility, has_development, stated),
                )
            }),
        };

        // Emissions: each energy figure x each accounting's intensity.
        let mut emissions = Vec::new();
        if let Some(e) = &spec.emissions {
            let intensities: Vec<(Accounting, usize)> = [
                (Accounting::Location, &e.location),
                (Accounting::Market, &e.market),
            ]
            .into_iter()
            .filter_map(|(a, q)| q.as_ref().map(|q| (a, q)))
            .map(|(a, q)| {
                b.input(format!("emissions.{a}_intensity"), "gCO2e/kWh", q)
                    .map(|col| (a, col))
            })
            .collect::<Result<_, _>>()?;
            let energy_figures: Vec<(usize, EnergyForm)> = b
                .outputs
                .iter()
                .enumerate()
                .filter_map(|(i, o)| match o.kind {
                    OutputKind::Energy(form) => Some((i, form)),
                    _ => None,
                })
                .collect();
            for (accounting, col) in intensities {
                for &(energy_out, form) in &energy_figures {
                    let energy = &b.outputs[energy_out];
                    let id = energy.id.replacen("-energy", "-emissions", 1);
                    let id = format!("{id}-{accounting}");
                    let unit = energy.unit.replacen("kWh", "tCO2e", 1);
                    let label = format!(
                        "{}, {accounting}-based",
                        energy.label.replacen("energy", "emissions", 1)
                    );
                    let includes = format!(
                        "{} x the {accounting}-based carbon intensity of its electricity",
                        energy.id
                    );
                    let excludes = "the hardware's embodied emissions; everything the energy figure leaves out".to_owned();
                    let out = b.output(
                        id,
                        label,
                        OutputKind::Emissions(form, accounting),
                        &unit,
                        &includes,
                        &excludes,
                    );
                    emissions.push((energy_out, col, out));
                }
            }
        }

        // Multiples: each output over the final run on the same basis, sample by sample.
        multiples.sort_by_key(|&(of, base)| (of, base));
        let multiples: Vec<(usize, usize, usize)> = multiples
            .into_iter()
            .map(|(of, base)| {
                let basis = bases
                    .iter()
                    .find(|(_, o)| *o == base)
                    .map(|(bs, _)| *bs)
                    .expect("a final-run output");
                let id = format!("{}/x-{}", b.outputs[of].id, basis.layer_id());
                let label = format!("{} / {}", b.outputs[of].id, basis.layer_id());
                let of_id = b.outputs[of].id.clone();
                let out = b.output(
                    id,
                    label,
                    OutputKind::Multiple(of_id),
                    "x",
                    "this figure divided by the final run on the same basis, sample by sample",
                    "",
                );
                b.set_basis(out, basis);
                (of, base, out)
            })
            .collect();

        Ok(CostModel {
            name: spec.name.clone(),
            dollars: spec.dollars,
            index: spec.index,
            inputs: b.inputs,
            outputs: b.outputs,
            stages,
            rental_out,
            hours_out,
            ownership,
            energy,
            emissions,
            primary_basis,
            development,
            total_components,
            staff,
            staff_shares,
            payroll_out,
            fleet,
            totals,
            multiples,
        })
    }

    /// The model's short name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The dollars its money is in.
    pub fn dollars(&self) -> DollarDate {
        self.dollars
    }

    /// The price index its dollars were converted with.
    pub fn index(&self) -> IndexId {
        self.index
    }

    /// The inputs, in the order [`Model::evaluate`] reads them.
    pub fn model_inputs(&self) -> &[ModelInput] {
        &self.inputs
    }

    /// The basis a report leads with: `[development] basis`, else ownership where the
    /// scenario can cost it, else rental.
    pub fn primary_basis(&self) -> Basis {
        self.primary_basis
    }

    /// The outputs, in the order [`Model::evaluate`] writes them.
    pub fn outputs(&self) -> &[OutputInfo] {
        &self.outputs
    }

    /// Every output at every input's median: the central estimate.
    pub fn central(&self) -> Vec<f64> {
        let x: Vec<f64> = self
            .inputs
            .iter()
            .map(|i| i.quantity.distribution.median())
            .collect();
        self.evaluate_at(&x)
    }

    /// Every output with the inputs at the given values (model units, input order; an input
    /// drawn once per person takes the value for every person).
    pub fn evaluate_at(&self, x: &[f64]) -> Vec<f64> {
        let columns: Vec<f64> = x
            .iter()
            .zip(&self.inputs)
            .flat_map(|(&v, i)| std::iter::repeat_n(v, i.copies))
            .collect();
        let mut out = vec![0.0; self.outputs.len()];
        self.evaluate(
            &Columns::single(&columns),
            &mut ColumnsMut::single(&mut out),
        );
        out
    }
}

impl Model for CostModel {
    fn inputs(&self) -> Vec<(Distribution, bool)> {
        self.inputs
            .iter()
            .map(|i| (i.quantity.distribution.clone(), i.allow_negative))
            .collect()
    }

    fn copies(&self) -> Vec<usize> {
        self.inputs.iter().map(|i| i.copies).collect()
    }

    fn drawn_once(&self) -> Vec<bool> {
        self.inputs.iter().map(|i| i.drawn_once).collect()
    }

    /// Each input's streams are keyed by its name (64-bit FNV-1a): editing one part of a
    /// scenario leaves the draws of every other input, and so the other layers, unchanged.
    fn stream_keys(&self) -> Vec<u64> {
        self.inputs.iter().map(|i| name_key(&i.name)).collect()
    }

    fn output_count(&self) -> usize {
        self.outputs.len()
    }

    /// Array style: each layer's formula runs as one loop over the block's samples, on
    /// column slices, so the arithmetic vectorizes (for the widest SIMD this CPU has, which
    /// also gives `math::exp` hardware FMA); a single sample is a block of one.
    fn evaluate(&self, x: &Columns<'_>, y: &mut ColumnsMut<'_>) {
        traincost_engine::math::with_simd(
            #[inline(always)]
            || self.evaluate_block(x, y),
        );
    }
}

impl CostModel {
    /// Development compute's energy in each form: the final run's energy x development's size
    /// relative to the run, sample by sample (the factor less the run, the multiplier, the
    /// extra stages' GPU-hours over the run's, or a refit's energy scale), and the total.
    #[inline(always)]
    fn development_energy(&self, x: &Columns<'_>, y: &mut ColumnsMut<'_>) {
        let Some((plan, _)) = &self.development else {
            return;
        };
        let forms = [
            self.energy.accelerator.map(|(_, _, e)| e),
            self.energy.facility.map(|(_, e)| e),
        ];
        if forms.iter().all(Option::is_none) {
            return;
        }
        let n = x.len();
        let mut ratio = vec![0.0; n];
        match plan {
            DevPlan::Multiplier(m) => ratio.copy_from_slice(x.col(*m)),
            DevPlan::Factor { factor, .. } => {
                // A refit draws the energy component's scale on its own: use it.
                let energy_scale = self
                    .total_components
                    .as_ref()
                    .and_then(|tc| tc.refit.as_ref())
                    .and_then(|scales| {
                        let o = self.ownership.as_ref()?;
                        let i = o.components().iter().position(|&c| c == "energy")?;
                        scales[i]
                    });
                let (f, floor) = (x.col(energy_scale.unwrap_or(*factor)), plan.floor());
                for j in 0..n {
                    ratio[j] = f[j].max(floor) - 1.0;
                }
            }
            DevPlan::Stages(list) => {
                let mut hours = vec![0.0; n];
                for h in list {
                    h.eval_into(x, &mut hours);
                    for j in 0..n {
                        ratio[j] += hours[j];
                    }
                }
                let run_hours = y.col_mut(self.hours_out);
                for j in 0..n {
                    ratio[j] = if run_hours[j] > 0.0 {
                        ratio[j] / run_hours[j]
                    } else {
                        0.0
                    };
                }
            }
        }
        for e in forms.into_iter().flatten() {
            let Some((dev_out, total_out)) = e.development else {
                continue;
            };
            let [run, dev, total] = y.cols_mut([e.run, dev_out, total_out]);
            for j in 0..n {
                dev[j] = ratio[j] * run[j];
                total[j] = run[j] + dev[j];
            }
        }
    }

    /// [`Model::evaluate`]'s body, inlined into each SIMD variant.
    #[inline(always)]
    fn evaluate_block(&self, x: &Columns<'_>, y: &mut ColumnsMut<'_>) {
        let n = x.len();
        y.col_mut(self.hours_out).fill(0.0);
        y.col_mut(self.rental_out).fill(0.0);
        for s in &self.stages {
            let [cost, run_hours, rental] = y.cols_mut([s.out, self.hours_out, self.rental_out]);
            // The stage's hours go into its cost column first, then are priced in place.
            s.hours.eval_into(x, cost);
            let price = x.col(s.price);
            for j in 0..n {
                run_hours[j] += cost[j];
                cost[j] *= price[j];
                rental[j] += cost[j];
            }
        }

        // The final run's energy in each form (kWh), before the ownership layer prices it.
        if let Some((power, pue, e)) = self.energy.accelerator {
            let [run_hours, energy] = y.cols_mut([self.hours_out, e.run]);
            let power = x.col(power);
            for j in 0..n {
                energy[j] = run_hours[j] * power[j] / 1000.0;
            }
            if let Some(pue) = pue {
                for (e, p) in energy.iter_mut().zip(x.col(pue)) {
                    *e *= p;
                }
            }
        }
        if let Some((plan, e)) = self.energy.facility {
            let [run_hours, energy] = y.cols_mut([self.hours_out, e.run]);
            match plan {
                EnergyPlan::FromChipHours {
                    tdp,
                    server_ratio,
                    power_fraction,
                    pue,
                } => {
                    let (tdp, ratio) = (x.col(tdp), x.col(server_ratio));
                    let (fraction, pue) = (x.col(power_fraction), x.col(pue));
                    for j in 0..n {
                        energy[j] = epoch::energy(
                            Watts(tdp[j]),
                            ratio[j],
                            fraction[j],
                            pue[j],
                            GpuHours(run_hours[j]),
                        )
                        .0;
                    }
                }
                EnergyPlan::Stated(kwh) => energy.copy_from_slice(x.col(kwh)),
                EnergyPlan::Cluster {
                    chips,
                    watts,
                    server_ratio,
                    power_fraction,
                    pue,
                    hours,
                } => {
                    let (chips, watts, ratio) = (x.col(chips), x.col(watts), x.col(server_ratio));
                    let (fraction, pue, hours) = (x.col(power_fraction), x.col(pue), x.col(hours));
                    for j in 0..n {
                        energy[j] = chips[j] * watts[j] / 1000.0
                            * ratio[j]
                            * fraction[j]
                            * pue[j]
                            * hours[j];
                    }
                }
            }
        }

        if let Some(o) = &self.ownership {
            let k = o.components().len();
            {
                let (_, e) = self
                    .energy
                    .facility
                    .expect("an ownership basis has a facility energy");
                let [kwh, energy] = y.cols_mut([e.run, o.out + k]);
                energy.copy_from_slice(kwh);
            }
            let (price, years, g) = (x.col(o.price), x.col(o.years), x.col(o.g));
            let (ic, electricity) = (x.col(o.interconnect), x.col(o.electricity));
            let price_factor = o.price_factor.map(|c| x.col(c));
            // Amortized hardware into the layer's column, network into the interconnect
            // component's, energy priced in place.
            let net_out = o.out + k - 1;
            let [run_hours, total, network, energy] =
                y.cols_mut([self.hours_out, o.out, net_out, o.out + k]);
            for j in 0..n {
                let chip_hours = GpuHours(run_hours[j]);
                let value =
                    epoch::value_at_training_start(price[j], g[j], Years(years[j].max(0.0)));
                let hw = epoch::amortized_hardware_cost(value, g[j], chip_hours);
                // A multiplier below 1 would be a negative network: clamp at none.
                network[j] = hw * (ic[j] - 1.0).max(0.0);
                energy[j] *= electricity[j] * price_factor.map_or(1.0, |f| f[j]);
                total[j] = hw;
            }
            match o.server_overhead {
                None => {
                    let [total, hardware] = y.cols_mut([o.out, o.out + 1]);
                    hardware.copy_from_slice(total);
                }
                Some(over) => {
                    // An overhead below 1 would make the chips dearer than their server.
                    let over = x.col(over);
                    let [total, chips, other] = y.cols_mut([o.out, o.out + 1, o.out + 2]);
                    for j in 0..n {
                        chips[j] = total[j] / over[j].max(1.0);
                        other[j] = total[j] - chips[j];
                    }
                }
            }
            let [total, network, energy] = y.cols_mut([o.out, net_out, o.out + k]);
            for j in 0..n {
                total[j] += network[j] + energy[j];
            }
        }

        if let Some((plan, outs)) = &self.development {
            match plan {
                DevPlan::Multiplier(m) => {
                    let m = x.col(*m);
                    for &(_, base_out, out) in outs {
                        let [base, dev] = y.cols_mut([base_out, out]);
                        for j in 0..n {
                            dev[j] = m[j] * base[j];
                        }
                    }
                }
                DevPlan::Factor { factor, .. } => {
                    let (f, floor) = (x.col(*factor), plan.floor());
                    for &(_, base_out, out) in outs {
                        let [base, dev] = y.cols_mut([base_out, out]);
                        for j in 0..n {
                            dev[j] = (f[j].max(floor) - 1.0) * base[j];
                        }
                    }
                }
                DevPlan::Stages(list) => {
                    // Sum the extra stages' hours, then price them at the run's average cost
                    // per GPU-hour on each basis.
                    let mut hours = vec![0.0; n];
                    let mut sum = vec![0.0; n];
                    for h in list {
                        h.eval_into(x, &mut hours);
                        for j in 0..n {
                            sum[j] += hours[j];
                        }
                    }
                    for &(_, base_out, out) in outs {
                        let [base, run_hours, dev] = y.cols_mut([base_out, self.hours_out, out]);
                        for j in 0..n {
                            let per_gpu_hour = if run_hours[j] > 0.0 {
                                base[j] / run_hours[j]
                            } else {
                                0.0
                            };
                            dev[j] = sum[j] * per_gpu_hour;
                        }
                    }
                }
            }
        }

        if let (Some(tc), Some((plan, outs))) = (&self.total_components, &self.development) {
            let k = self.ownership.map_or(0, |o| o.components().len());
            let &(_, base_out, dev_out) = outs
                .iter()
                .find(|(b, ..)| *b == Basis::Ownership)
                .expect("total components are on the ownership basis");
            match (&tc.refit, plan) {
                (Some(scales), DevPlan::Factor { factor, .. }) => {
                    // Each component on its own scale; development is what they add to the run.
                    let floor = plan.floor();
                    {
                        let [base, dev] = y.cols_mut([base_out, dev_out]);
                        for j in 0..n {
                            dev[j] = -base[j];
                        }
                    }
                    for (c, scale) in scales.iter().enumerate() {
                        let scale = x.col(scale.unwrap_or(*factor));
                        let [part, out, dev] =
                            y.cols_mut([tc.base_first + c, tc.total_first + c, dev_out]);
                        for j in 0..n {
                            out[j] = part[j] * scale[j].max(floor);
                            dev[j] += out[j];
                        }
                    }
                }
                _ => {
                    // Every component times the total's ratio to the run, sample by sample.
                    for c in 0..k {
                        let [base, dev, part, out] =
                            y.cols_mut([base_out, dev_out, tc.base_first + c, tc.total_first + c]);
                        for j in 0..n {
                            let ratio = if base[j] > 0.0 {
                                1.0 + dev[j] / base[j]
                            } else {
                                0.0
                            };
                            out[j] = part[j] * ratio;
                        }
                    }
                }
            }
        }

        self.development_energy(x, y);

        if let Some((duration, groups, out)) = &self.staff {
            let dates_duration;
            let duration = match *duration {
                DurationPlan::Years(i) => x.col(i),
                DurationPlan::Dates {
                    start,
                    end,
                    delay,
                    minimum,
                } => {
                    let start = x.col(start);
                    dates_duration = (0..n)
                        .map(|j| {
                            let delay = delay.map_or(0.0, |d| x.col(d)[j]);
                            (end - start[j] - delay).max(minimum)
                        })
                        .collect::<Vec<f64>>();
                    &dates_duration[..]
                }
            };
            y.col_mut(*out).fill(0.0);
            if let Some(p) = self.payroll_out {
                y.col_mut(p).fill(0.0);
            }
            // Each group's full-time yearly pay, for the payroll (one buffer for every group).
            let mut full_time = vec![0.0; n];
            for g in groups {
                // The group's yearly pay at its FTE shares (in `cost`) and full time (added to
                // the payroll), then the cost over the project's duration.
                full_time.fill(0.0);
                {
                    let cost = y.col_mut(g.out);
                    cost.fill(0.0);
                    let head = x.col(g.headcount);
                    match g.people {
                        None => {
                            let (comp, overhead, fte) =
                                (x.col(g.comp), x.col(g.overhead), x.col(g.fte));
                            for j in 0..n {
                                let equity = g.equity.map_or(0.0, |e| x.col(e)[j]);
                                full_time[j] = head[j] * (comp[j] * overhead[j] + equity);
                                cost[j] = full_time[j] * fte[j];
                            }
                        }
                        Some(pp) => {
                            for person in 0..pp.max {
                                let comp = x.col(g.comp + person * pp.comp_step);
                                let overhead = x.col(g.overhead + person * pp.overhead_step);
                                let fte = x.col(g.fte + person * pp.fte_step);
                                let equity = g.equity.map(|e| x.col(e + person * pp.equity_step));
                                let p = person as f64;
                                for j in 0..n {
                                    // Person `p` is in this sample's group if the headcount,
                                    // rounded to whole people, is above `p`.
                                    let present = if p < head[j].round() { 1.0 } else { 0.0 };
                                    let equity = equity.map_or(0.0, |e| e[j]);
                                    let pay = present * (comp[j] * overhead[j] + equity);
                                    full_time[j] += pay;
                                    cost[j] += pay * fte[j];
                                }
                            }
                        }
                    }
                }
                let [cost, total] = y.cols_mut([g.out, *out]);
                for j in 0..n {
                    cost[j] *= duration[j];
                    total[j] += cost[j];
                }
                if let Some(p) = self.payroll_out {
                    let payroll = y.col_mut(p);
                    for j in 0..n {
                        payroll[j] += full_time[j];
                    }
                }
            }
        }

        if let Some(f) = &self.fleet {
            let [capex, gpus_cost, rest, annual, amortized, power, other, kwh] = y.cols_mut([
                f.out,
                f.out + 1,
                f.out + 2,
                f.annual_out,
                f.annual_out + 1,
                f.annual_out + 2,
                f.annual_out + 3,
                f.energy_out,
            ]);
            let (gpus, price, overhead) = (x.col(f.gpus), x.col(f.price), x.col(f.overhead));
            let (lifetime, watts, pue) = (x.col(f.lifetime), x.col(f.power), x.col(f.pue));
            let (electricity, other_share) = (x.col(f.electricity), x.col(f.other));
            for j in 0..n {
                let g = gpus[j] * price[j];
                // Installed cost is at least the GPUs themselves.
                let c = g * overhead[j].max(1.0);
                capex[j] = c;
                gpus_cost[j] = g;
                rest[j] = c - g;
                amortized[j] = c / lifetime[j];
                kwh[j] = gpus[j] * watts[j] / 1000.0 * pue[j] * HOURS_PER_YEAR;
                power[j] = kwh[j] * electricity[j];
                other[j] = c * other_share[j];
                annual[j] = amortized[j] + power[j] + other[j];
            }
        }

        for (parts, out) in &self.totals {
            y.col_mut(*out).fill(0.0);
            for &p in parts {
                let [part, total] = y.cols_mut([p, *out]);
                for j in 0..n {
                    total[j] += part[j];
                }
            }
        }

        for &(staff, total, out) in &self.staff_shares {
            let [staff, total, share] = y.cols_mut([staff, total, out]);
            for j in 0..n {
                share[j] = if total[j] > 0.0 {
                    staff[j] / total[j]
                } else {
                    f64::NAN
                };
            }
        }

        for &(energy, intensity, out) in &self.emissions {
            let intensity = x.col(intensity);
            let [kwh, t] = y.cols_mut([energy, out]);
            for j in 0..n {
                // kWh x g/kWh = g; a tonne is 1e6 g.
                t[j] = kwh[j] * intensity[j] / 1e6;
            }
        }

        for &(of, base, out) in &self.multiples {
            let [num, den, ratio] = y.cols_mut([of, base, out]);
            for j in 0..n {
                // No final run to divide by: no multiple (NaN), never an infinity.
                ratio[j] = if den[j] > 0.0 {
                    num[j] / den[j]
                } else {
                    f64::NAN
                };
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::montecarlo::{RunConfig, RunStats, Summary};
    use proptest::prelude::*;
    use std::num::NonZeroUsize;

    /// [`traincost_engine::run`], whose threads always start here.
    fn run(m: &dyn Model, c: &RunConfig, p: &mut dyn FnMut(u64)) -> (Vec<Summary>, RunStats) {
        traincost_engine::run(m, c, p).expect("worker threads start")
    }

    fn q(d: Distribution) -> Quantity {
        Quantity::new(d, Provenance::assumption("test"))
    }

    fn point(v: f64) -> Quantity {
        q(Distribution::Point(v))
    }

    fn stage(name: &str, hours: Quantity, price: Quantity) -> StageSpec {
        StageSpec {
            name: name.into(),
            gpu_hours: Some(hours),
            gpus: None,
            hours: None,
            flop: None,
            peak_flops: None,
            mfu: None,
            rental_price: price,
        }
    }

    /// A full stack; `u` toggles uncertainty, `k_hours`, `k_price`, `k_head` scale inputs.
    fn spec(
        hours: &[f64],
        price: f64,
        head: f64,
        u: bool,
        k_hours: f64,
        k_price: f64,
        k_head: f64,
    ) -> StackSpec {
        let d = |v: f64| {
            if u {
                q(Distribution::Lognormal {
                    p5: v * 0.5,
                    p95: v * 2.0,
                })
            } else {
                point(v)
            }
        };
        StackSpec {
            name: "test".into(),
            dollars: DollarDate::year(2024),
            index: IndexId::CpiU,
            stages: hours
                .iter()
                .enumerate()
                .map(|(i, h)| stage(&format!("s{i}"), point(h * k_hours), point(price * k_price)))
                .collect(),
            ownership: Some(OwnershipSpec {
                purchase_price: d(30_000.0),
                years_to_training_start: if u {
                    q(Distribution::Normal { mean: 1.0, sd: 0.2 })
                } else {
                    point(1.0)
                },
                depreciation_ooms_per_year: d(0.14),
                interconnect_multiplier: d(1.23),
                server_overhead: None,
                energy: RunEnergy::FromChipHours {
                    tdp_watts: point(700.0),
                    server_power_ratio: point(1.8),
                    power_fraction: d(0.75),
                    pue: d(1.25),
                },
                electricity_price: d(0.08),
                electricity_price_factor: None,
            }),
            development: Some(DevelopmentSpec {
                basis: Some(Basis::Ownership),
                amount: DevelopmentAmount::Multiplier(d(2.0)),
            }),
            staff: Some(StaffSpec {
                duration: StaffDuration::Years(d(1.0)),
                groups: vec![StaffGroup {
                    role: "r".into(),
                    headcount: point(head * k_head),
                    compensation: d(200_000.0),
                    overhead: point(1.3),
                    fte: d(0.5),
                    equity: None,
                    equity_once_per_person: false,
                    per_person: true,
                }],
            }),
            fleet: Some(FleetSpec {
                gpus: d(50_000.0),
                price_per_gpu: d(20_000.0),
                overhead: d(1.8),
                lifetime_years: d(5.0),
                power_per_gpu_watts: point(945.0),
                pue: d(1.25),
                electricity_price: d(0.08),
                other_opex_fraction: d(0.05),
            }),
            energy: Some(EnergySpec {
                accelerator_power: Some(point(700.0)),
                accelerator_pue: None,
                facility: None,
            }),
            emissions: Some(EmissionsSpec {
                location: Some(d(400.0)),
                market: Some(point(0.0)),
            }),
        }
    }

    fn central(s: &StackSpec) -> (CostModel, Vec<f64>) {
        let m = CostModel::new(s).unwrap();
        let c = m.central();
        (m, c)
    }

    fn idx(m: &CostModel, id: &str) -> usize {
        m.outputs().iter().position(|o| o.id == id).unwrap()
    }

    /// One random draw of every input of `m`.
    fn draw(m: &CostModel, seed: u64) -> Vec<f64> {
        let mut rng = traincost_engine::rng::WideRng::seed_from_u64(seed);
        m.model_inputs()
            .iter()
            .map(|i| {
                let mut v = [0.0];
                traincost_engine::dist::Sampler::new(&i.quantity.distribution, i.allow_negative)
                    .fill(&mut rng, &mut v);
                v[0]
            })
            .collect()
    }

    fn stages_strategy() -> impl Strategy<Value = Vec<f64>> {
        prop::collection::vec(1.0f64..1e7, 1..4)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn outputs_are_finite_and_non_negative(h in stages_strategy(), p in 0.1f64..10.0, n in 1.0f64..500.0, seed in any::<u64>()) {
            let (m, c) = central(&spec(&h, p, n, true, 1.0, 1.0, 1.0));
            prop_assert!(c.iter().all(|v| v.is_finite() && *v >= 0.0), "{c:?}");
            let (s, _) = run(&m, &RunConfig { samples: 2000, seed, threads: None, percentiles: vec![] }, &mut |_| {});
            for x in &s {
                prop_assert!(x.min >= 0.0 && x.max.is_finite() && x.mean.is_finite());
                prop_assert!(x.p5 <= x.p50 && x.p50 <= x.p95, "{x:?}");
            }
        }

        #[test]
        fn monotone_in_gpu_hours_prices_and_headcount(h in stages_strategy(), p in 0.1f64..10.0, n in 1.0f64..500.0,
                                                      k in 1.0f64..5.0, which in 0usize..3) {
            let (m, base) = central(&spec(&h, p, n, false, 1.0, 1.0, 1.0));
            let (kh, kp, kn) = match which { 0 => (k, 1.0, 1.0), 1 => (1.0, k, 1.0), _ => (1.0, 1.0, k) };
            let (_, more) = central(&spec(&h, p, n, false, kh, kp, kn));
            // Costs, not ratios: a dearer run makes staff a smaller multiple and share of it.
            for ((a, b), o) in base.iter().zip(&more).zip(m.outputs()) {
                if matches!(o.kind, OutputKind::Multiple(_)) || o.unit == "fraction" {
                    continue;
                }
                prop_assert!(*b >= *a * (1.0 - 1e-12), "{}: {a} -> {b}", o.id);
            }
        }

        #[test]
        fn rental_layer_is_linear_in_price(h in stages_strategy(), p in 0.1f64..10.0, k in 0.01f64..100.0) {
            let (m, a) = central(&spec(&h, p, 10.0, false, 1.0, 1.0, 1.0));
            let (_, b) = central(&spec(&h, p, 10.0, false, 1.0, k, 1.0));
            let r = idx(&m, "final-run-rental");
            prop_assert!((b[r] - k * a[r]).abs() <= 1e-12 * b[r].max(1.0));
        }

        #[test]
        fn components_sum_to_their_layer_in_every_sample(h in stages_strategy(), p in 0.1f64..10.0, seed in any::<u64>()) {
            let (m, _) = central(&spec(&h, p, 10.0, true, 1.0, 1.0, 1.0));
            let y = m.evaluate_at(&draw(&m, seed));
            for (li, layer) in m.outputs().iter().enumerate().filter(|(_, o)| o.kind == OutputKind::Layer) {
                let parts: Vec<f64> = m.outputs().iter().enumerate()
                    .filter(|(_, o)| o.kind == OutputKind::Component(layer.id.clone()))
                    .map(|(i, _)| y[i]).collect();
                if !parts.is_empty() {
                    let sum: f64 = parts.iter().sum();
                    prop_assert!((sum - y[li]).abs() <= 1e-9 * y[li].max(1.0), "{}: {sum} vs {}", layer.id, y[li]);
                }
            }
            // Totals add their layers on one basis: final run + development (+ staff).
            let s = y[idx(&m, "staff")];
            for basis in Basis::ALL {
                let id = |scope: &str| format!("{scope}-{basis}");
                let (r, d) = (y[idx(&m, basis.layer_id())], y[idx(&m, &id("development-compute"))]);
                let (tc, tm) = (y[idx(&m, &id("total-compute"))], y[idx(&m, &id("total-model-development"))]);
                prop_assert!((tc - (r + d)).abs() <= 1e-9 * (r + d));
                prop_assert!((tm - (r + d + s)).abs() <= 1e-9 * (r + d + s));
            }
            let owner = y[idx(&m, "fleet-annual")] + y[idx(&m, "payroll-annual")];
            prop_assert!((y[idx(&m, "owner-annual")] - owner).abs() <= 1e-9 * owner);
        }

        #[test]
        fn multiples_divide_by_the_final_run_on_the_same_basis(h in stages_strategy(), p in 0.1f64..10.0, seed in any::<u64>()) {
            let (m, _) = central(&spec(&h, p, 10.0, true, 1.0, 1.0, 1.0));
            let y = m.evaluate_at(&draw(&m, seed));
            let mut seen = 0;
            for (i, o) in m.outputs().iter().enumerate() {
                let OutputKind::Multiple(of) = &o.kind else { continue };
                seen += 1;
                let basis = o.basis.expect("a multiple names its basis");
                let num = m.outputs()[idx(&m, of)].clone();
                // A figure with a basis is only divided by the final run on that basis.
                prop_assert!(num.basis.is_none() || num.basis == Some(basis), "{} over {basis}", num.id);
                let want = y[idx(&m, of)] / y[idx(&m, basis.layer_id())];
                prop_assert!((y[i] - want).abs() <= 1e-12 * want.max(1.0), "{}: {} vs {want}", o.id, y[i]);
            }
            // development x2 bases, total-compute x2, total-model-development x2, staff x2.
            prop_assert_eq!(seen, 8);
        }

        #[test]
        fn point_inputs_give_the_central_estimate(h in stages_strategy(), p in 0.1f64..10.0, n in 1.0f64..500.0) {
            let (m, c) = central(&spec(&h, p, n, false, 1.0, 1.0, 1.0));
            let (s, _) = run(&m, &RunConfig { samples: 5000, seed: 1, threads: None, percentiles: vec![50.0] }, &mut |_| {});
            for (x, v) in s.iter().zip(&c) {
                for got in [x.p5, x.p50, x.p95, x.min, x.max, x.percentiles[0].1] {
                    prop_assert_eq!(got, *v);
                }
                prop_assert!((x.mean - v).abs() <= 1e-12 * v.abs().max(1.0));
            }
        }
    }

    #[test]
    fn every_compute_layer_and_total_names_its_basis() {
        let (m, _) = central(&spec(&[1e6, 2e5], 2.0, 100.0, true, 1.0, 1.0, 1.0));
        let basis_of = |id: &str| m.outputs()[idx(&m, id)].basis;
        for basis in Basis::ALL {
            for id in [
                basis.layer_id().to_owned(),
                format!("development-compute-{basis}"),
                format!("total-compute-{basis}"),
                format!("total-model-development-{basis}"),
            ] {
                assert_eq!(basis_of(&id), Some(basis), "{id}");
            }
        }
        for id in [
            "staff",
            "fleet",
            "fleet-annual",
            "payroll-annual",
            "owner-annual",
        ] {
            assert_eq!(basis_of(id), None, "{id}");
        }
        assert_eq!(m.primary_basis(), Basis::Ownership);
        // Without ownership inputs only the rental basis exists, and it leads.
        let mut s = spec(&[1e6], 2.0, 10.0, false, 1.0, 1.0, 1.0);
        s.ownership = None;
        s.development.as_mut().unwrap().basis = Some(Basis::Rental);
        let m = CostModel::new(&s).unwrap();
        assert_eq!(m.primary_basis(), Basis::Rental);
        assert!(m.outputs().iter().all(|o| !o.id.contains("ownership")));
    }

    #[test]
    fn multiples_do_not_move_when_only_the_other_basis_changes() {
        // The issue's symptom: changing the rental price moved development's "x final run"
        // although development was costed on ownership. On one basis it cannot.
        let (m, a) = central(&spec(&[1e6], 2.0, 10.0, false, 1.0, 1.0, 1.0));
        let (_, b) = central(&spec(&[1e6], 2.0, 10.0, false, 1.0, 1.5, 1.0));
        let dev = idx(&m, "development-compute-ownership/x-final-run-ownership");
        assert_eq!(a[dev], b[dev]);
        assert!((a[dev] - 2.0).abs() < 1e-12, "{}", a[dev]);
        let rental = idx(&m, "development-compute-rental/x-final-run-rental");
        assert!((a[rental] - 2.0).abs() < 1e-12 && (b[rental] - 2.0).abs() < 1e-12);
    }

    #[test]
    fn a_factor_includes_the_run_and_is_sampled_as_given() {
        let mut s = spec(&[1e6], 2.0, 10.0, false, 1.0, 1.0, 1.0);
        let factor = |f: f64, keep: bool| DevelopmentAmount::Factor {
            factor: point(f),
            keep_below_one: keep,
            propagation: Propagation::PerSample,
        };
        for (f, keep, dev) in [
            (2.5, false, 1.5),
            (2.5, true, 1.5),
            (0.8, false, 0.0),
            (0.8, true, -0.2),
        ] {
            s.development.as_mut().unwrap().amount = factor(f, keep);
            let (m, c) = central(&s);
            for basis in Basis::ALL {
                let run = c[idx(&m, basis.layer_id())];
                let got = c[idx(&m, &format!("development-compute-{basis}"))];
                assert!(
                    (got - dev * run).abs() <= 1e-9 * run,
                    "{f} {keep}: {got} vs {dev} x {run}"
                );
                let total = c[idx(&m, &format!("total-compute-{basis}"))];
                assert!((total - (1.0 + dev) * run).abs() <= 1e-9 * run);
            }
        }
        // Epoch AI's LN90[1.2, 4] as given: the compute total's multiple has the factor's own
        // median sqrt(1.2 x 4) and 90% interval (no arithmetic on the ends).
        s.development.as_mut().unwrap().amount = DevelopmentAmount::Factor {
            factor: q(Distribution::Lognormal { p5: 1.2, p95: 4.0 }),
            keep_below_one: true,
            propagation: Propagation::PerSample,
        };
        let m = CostModel::new(&s).unwrap();
        let cfg = RunConfig {
            samples: 200_000,
            seed: 5,
            threads: None,
            percentiles: vec![],
        };
        let (sums, _) = run(&m, &cfg, &mut |_| {});
        let x = &sums[idx(&m, "total-compute-rental/x-final-run-rental")];
        assert!((x.p50 - (1.2f64 * 4.0).sqrt()).abs() < 0.02, "{x:?}");
        assert!(
            (x.p5 - 1.2).abs() < 0.02 && (x.p95 - 4.0).abs() < 0.05,
            "{x:?}"
        );
    }

    /// A stack with only a staff group of `people`, each with a lognormal pay and FTE share,
    /// over a point duration of one year.
    fn staff_only(people: Distribution, per_person: bool) -> StackSpec {
        let mut s = spec(&[1e6], 2.0, 1.0, false, 1.0, 1.0, 1.0);
        s.staff = Some(StaffSpec {
            duration: StaffDuration::Years(point(1.0)),
            groups: vec![StaffGroup {
                role: "r".into(),
                headcount: q(people),
                compensation: q(Distribution::Lognormal {
                    p5: 100_000.0,
                    p95: 400_000.0,
                }),
                overhead: point(1.3),
                fte: q(Distribution::Lognormal { p5: 0.05, p95: 0.8 }),
                equity: None,
                equity_once_per_person: false,
                per_person,
            }],
        });
        s
    }

    fn staff_summary(s: &StackSpec, samples: u64, seed: u64) -> crate::montecarlo::Summary {
        let m = CostModel::new(s).unwrap();
        let cfg = RunConfig {
            samples,
            seed,
            threads: None,
            percentiles: vec![],
        };
        run(&m, &cfg, &mut |_| {}).0[idx(&m, "staff")].clone()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(12))]

        /// Issue 13: N people drawn one by one sum to N times one person's mean, and the
        /// relative spread of the sum shrinks like 1/sqrt(N); drawn alike, it does not shrink.
        #[test]
        fn people_drawn_one_by_one_average_out(n in 4usize..60, seed in any::<u64>()) {
            let one = staff_summary(&staff_only(Distribution::Point(1.0), true), 40_000, seed);
            let group = staff_summary(&staff_only(Distribution::Point(n as f64), true), 40_000, seed ^ 1);
            let nf = n as f64;
            // Means: within 5 standard errors of the group's mean.
            let se = group.sd / 40_000f64.sqrt();
            prop_assert!((group.mean - nf * one.mean).abs() < 5.0 * se + 0.02 * nf * one.mean,
                "{} vs {} x {}", group.mean, nf, one.mean);
            let cv = |s: &crate::montecarlo::Summary| s.sd / s.mean;
            let want = cv(&one) / nf.sqrt();
            prop_assert!((cv(&group) / want - 1.0).abs() < 0.15, "cv {} vs {want}", cv(&group));
            let alike = staff_summary(&staff_only(Distribution::Point(n as f64), false), 40_000, seed);
            prop_assert!((cv(&alike) / cv(&one) - 1.0).abs() < 0.15);
        }
    }

    #[test]
    fn an_uncertain_headcount_counts_whole_people_up_to_its_draw() {
        // Between 10 and 20 people: every sample is a sum over 10 to 20 people.
        let s = staff_only(
            Distribution::Uniform {
                low: 10.0,
                high: 20.0,
            },
            true,
        );
        let m = CostModel::new(&s).unwrap();
        let x = m.central();
        assert!((x[idx(&m, "staff")] - 15.0 * 200_000.0 * 1.3 * 0.2).abs() < 1.0);
        // A lognormal headcount has no largest value to draw up to.
        let s = staff_only(
            Distribution::Lognormal {
                p5: 10.0,
                p95: 20.0,
            },
            true,
        );
        assert!(matches!(
            CostModel::new(&s),
            Err(ModelError::UnboundedHeadcount { .. })
        ));
        let s = staff_only(
            Distribution::Lognormal {
                p5: 10.0,
                p95: 20.0,
            },
            false,
        );
        assert!(CostModel::new(&s).is_ok());
    }

    #[test]
    fn per_person_draws_give_the_same_figures_at_any_thread_count() {
        let s = staff_only(Distribution::Point(300.0), true);
        let m = CostModel::new(&s).unwrap();
        let cfg = |threads| RunConfig {
            samples: 30_000,
            seed: 9,
            threads: NonZeroUsize::new(threads),
            percentiles: vec![50.0],
        };
        assert_eq!(
            run(&m, &cfg(1), &mut |_| {}).0,
            run(&m, &cfg(3), &mut |_| {}).0
        );
    }

    #[test]
    fn equity_adds_to_loaded_pay_and_can_be_drawn_once_per_run() {
        let with_equity = |once: bool| {
            let mut s = staff_only(Distribution::Point(3.0), true);
            let g = &mut s.staff.as_mut().unwrap().groups[0];
            g.compensation = point(100.0);
            g.fte = point(0.5);
            g.equity = Some(q(Distribution::Lognormal {
                p5: 10.0,
                p95: 1000.0,
            }));
            g.equity_once_per_person = once;
            s
        };
        // (100 x 1.3 + equity) x 0.5 per person, three people; equity at its median 100.
        let (m, c) = central(&with_equity(false));
        assert!((c[idx(&m, "staff")] - 3.0 * (130.0 + 100.0) * 0.5).abs() < 1e-9);
        assert!((c[idx(&m, "payroll-annual")] - 3.0 * 230.0).abs() < 1e-9);
        // Drawn every sample the staff layer varies; drawn once per run it is one number for
        // the run, and another for another seed.
        let every = staff_summary(&with_equity(false), 5_000, 1);
        assert!(every.p95 > every.p5);
        let once = staff_summary(&with_equity(true), 5_000, 1);
        assert_eq!(once.p5, once.p95);
        let other = staff_summary(&with_equity(true), 5_000, 2);
        assert_ne!(once.p50, other.p50);
        // The layer says so where it is read.
        let said = |once: bool| {
            let m = CostModel::new(&with_equity(once)).unwrap();
            m.outputs()[idx(&m, "staff")]
                .includes
                .contains("drawn once for the whole run")
        };
        assert!(said(true) && !said(false));
    }

    #[test]
    fn a_duration_from_dates_is_end_minus_start_minus_delay_at_least_the_minimum() {
        let mut s = staff_only(Distribution::Point(1.0), true);
        let with = |s: &mut StackSpec, delay: f64, minimum: f64| {
            s.staff.as_mut().unwrap().duration = StaffDuration::Dates {
                start: point(2022.0),
                end: 2023.0,
                delay: Some(point(delay)),
                minimum_years: minimum,
            };
        };
        // One person, $200,000 x 1.3 x FTE 0.2 a year: the cost is proportional to the years.
        let per_year = 200_000.0 * 1.3 * 0.2;
        with(&mut s, 0.25, 0.0);
        let (m, c) = central(&s);
        assert!((c[idx(&m, "staff")] - 0.75 * per_year).abs() < 1e-6);
        with(&mut s, 0.25, 0.9);
        let (m, c) = central(&s);
        assert!((c[idx(&m, "staff")] - 0.9 * per_year).abs() < 1e-6);
    }

    #[test]
    fn payroll_is_headcount_times_loaded_pay_per_year() {
        let (m, c) = central(&spec(&[1e6], 2.0, 100.0, false, 1.0, 1.0, 1.0));
        // 100 people x $200,000 x 1.3, full time, per year (no FTE share, no duration).
        assert!((c[idx(&m, "payroll-annual")] - 100.0 * 200_000.0 * 1.3).abs() < 1e-3);
        assert_eq!(m.outputs()[idx(&m, "payroll-annual")].unit, "USD/year");
    }

    #[test]
    fn same_seed_same_summaries() {
        let (m, _) = central(&spec(&[1e6, 2e5], 2.0, 100.0, true, 1.0, 1.0, 1.0));
        let cfg = RunConfig {
            samples: 100_000,
            seed: 3,
            threads: None,
            percentiles: vec![],
        };
        assert_eq!(run(&m, &cfg, &mut |_| {}).0, run(&m, &cfg, &mut |_| {}).0);
    }

    #[test]
    fn contradictions_and_gaps_are_errors() {
        let mut s = spec(&[1e6], 2.0, 10.0, false, 1.0, 1.0, 1.0);
        s.stages[0].flop = Some(FlopSpec::Given(point(1e25)));
        s.stages[0].peak_flops = Some(point(1e15));
        // 1e25 FLOP in 1e6 h at 1e15 FLOP/s needs 278% utilization.
        assert!(matches!(
            CostModel::new(&s),
            Err(ModelError::StageContradiction {
                field: "gpu_hours",
                ..
            })
        ));
        s.stages[0].gpu_hours = None;
        assert!(matches!(
            CostModel::new(&s),
            Err(ModelError::StageUnderdetermined { .. })
        ));
        s.stages[0].mfu = Some(point(0.4));
        let m = CostModel::new(&s).unwrap();
        let h = m.central()[idx(&m, "final-run-gpu-hours")];
        assert!((h - 1e25 / (1e15 * 0.4) / 3600.0).abs() < 1e-3);
        let mut s = spec(&[1e6], 2.0, 10.0, false, 1.0, 1.0, 1.0);
        s.stages.push(s.stages[0].clone());
        assert!(matches!(
            CostModel::new(&s),
            Err(ModelError::DuplicateName { .. })
        ));
        s.stages.pop();
        s.stages[0].rental_price = Quantity::new(
            Distribution::Point(2.0),
            Provenance {
                claims: vec![],
                assumption: None,
            },
        );
        assert!(matches!(
            CostModel::new(&s),
            Err(ModelError::NoProvenance { .. })
        ));
    }

    fn value(m: &CostModel, v: &[f64], id: &str) -> f64 {
        let i = m.outputs().iter().position(|o| o.id == id).unwrap();
        v[i]
    }

    fn with_factor(s: &mut StackSpec, f: Distribution, propagation: Propagation) {
        s.development.as_mut().unwrap().amount = DevelopmentAmount::Factor {
            factor: q(f),
            keep_below_one: true,
            propagation,
        };
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(32))]

        /// The server overhead only splits the hardware: chips + other server is the unsplit
        /// hardware, the layer's total is unchanged, and the chips are hardware / overhead.
        #[test]
        fn the_hardware_split_only_relabels(over in 1.0f64..3.0, h in stages_strategy()) {
            let plain = spec(&h, 2.0, 10.0, false, 1.0, 1.0, 1.0);
            let mut split = plain.clone();
            split.ownership.as_mut().unwrap().server_overhead = Some(point(over));
            let (a, va) = central(&plain);
            let (b, vb) = central(&split);
            let hw = value(&a, &va, "final-run-ownership/hardware");
            let chips = value(&b, &vb, "final-run-ownership/ai-chips");
            let other = value(&b, &vb, "final-run-ownership/other-server");
            prop_assert!(((chips + other) / hw - 1.0).abs() < 1e-12);
            prop_assert!((chips * over / hw - 1.0).abs() < 1e-12);
            for id in ["final-run-ownership", "final-run-ownership/interconnect", "final-run-ownership/energy", "total-compute-ownership"] {
                prop_assert!((value(&a, &va, id) / value(&b, &vb, id) - 1.0).abs() < 1e-12, "{id}");
            }
        }
    }

    /// Per sample, the total compute's components add up to it, and the staff share is staff
    /// over the total model development on the same basis.
    #[test]
    fn total_components_add_up_and_the_share_is_per_sample() {
        let mut s = spec(&[1e6, 2e5], 2.0, 10.0, true, 1.0, 1.0, 1.0);
        s.ownership.as_mut().unwrap().server_overhead = Some(point(1.66));
        with_factor(
            &mut s,
            Distribution::Lognormal { p5: 1.2, p95: 4.0 },
            Propagation::PerSample,
        );
        let m = CostModel::new(&s).unwrap();
        let mut rng_inputs = Vec::new();
        for (k, i) in m.model_inputs().iter().enumerate() {
            // A spread of values away from the medians.
            rng_inputs.push(
                i.quantity
                    .distribution
                    .quantile(0.1 + 0.8 * ((k * 7) % 10) as f64 / 10.0),
            );
        }
        let v = m.evaluate_at(&rng_inputs);
        let total = value(&m, &v, "total-compute-ownership");
        let parts: f64 = ["ai-chips", "other-server", "interconnect", "energy"]
            .iter()
            .map(|c| value(&m, &v, &format!("total-compute-ownership/{c}")))
            .sum();
        assert!((parts / total - 1.0).abs() < 1e-12, "{parts} vs {total}");
        let share = value(&m, &v, "staff-share-ownership");
        let want = value(&m, &v, "staff") / value(&m, &v, "total-model-development-ownership");
        assert!((share / want - 1.0).abs() < 1e-12);
    }

    /// With a refit, each ownership component is the run's times its own draw; development
    /// compute is what they add to the run; an uncertain run input is refused, by name.
    #[test]
    fn a_refit_draws_each_component_on_its_own_and_needs_a_point_run() {
        let mut s = spec(&[1e6], 2.0, 10.0, false, 1.0, 1.0, 1.0);
        with_factor(
            &mut s,
            Distribution::Lognormal { p5: 1.2, p95: 4.0 },
            Propagation::Refit { at: [1.2, 4.0] },
        );
        let m = CostModel::new(&s).unwrap();
        let refits: Vec<&str> = m
            .model_inputs()
            .iter()
            .filter_map(|i| i.name.strip_prefix("development.refit."))
            .collect();
        assert_eq!(refits, ["hardware", "interconnect", "energy"]);
        let mut x: Vec<f64> = m
            .model_inputs()
            .iter()
            .map(|i| i.quantity.distribution.median())
            .collect();
        for (k, i) in m.model_inputs().iter().enumerate() {
            x[k] = match i.name.as_str() {
                "development.refit.hardware" => 3.0,
                "development.refit.interconnect" => 1.5,
                "development.refit.energy" => 0.9,
                _ => x[k],
            };
        }
        let v = m.evaluate_at(&x);
        let run = |c: &str| value(&m, &v, &format!("final-run-ownership/{c}"));
        let all = |c: &str| value(&m, &v, &format!("total-compute-ownership/{c}"));
        assert!((all("hardware") / run("hardware") - 3.0).abs() < 1e-12);
        assert!((all("interconnect") / run("interconnect") - 1.5).abs() < 1e-12);
        // `keep_below_one`: the raw 0.9 is kept.
        assert!((all("energy") / run("energy") - 0.9).abs() < 1e-12);
        let dev = value(&m, &v, "development-compute-ownership");
        let sum = all("hardware") + all("interconnect") + all("energy");
        assert!((dev - (sum - value(&m, &v, "final-run-ownership"))).abs() < 1e-6 * sum);

        let mut uncertain = spec(&[1e6], 2.0, 10.0, true, 1.0, 1.0, 1.0);
        with_factor(
            &mut uncertain,
            Distribution::Lognormal { p5: 1.2, p95: 4.0 },
            Propagation::Refit { at: [1.2, 4.0] },
        );
        assert!(matches!(
            CostModel::new(&uncertain),
            Err(ModelError::RefitNeedsPoint { input }) if input.starts_with("ownership.") || input.starts_with("stages.")
        ));
        let mut no_ownership = s.clone();
        no_ownership.ownership = None;
        no_ownership.development.as_mut().unwrap().basis = Some(Basis::Rental);
        assert_eq!(
            CostModel::new(&no_ownership).unwrap_err(),
            ModelError::RefitNeedsOwnership
        );
    }

    /// Energy stated directly (kWh, or a cluster) replaces the chip-hours formula and scales
    /// with the factor sample by sample, also under a refit.
    #[test]
    fn stated_energy_is_priced_and_scaled_by_the_factor_per_sample() {
        let mut s = spec(&[1e6], 2.0, 10.0, false, 1.0, 1.0, 1.0);
        let o = s.ownership.as_mut().unwrap();
        o.energy = RunEnergy::Cluster {
            chips: point(1000.0),
            chip_watts: point(400.0),
            server_power_ratio: point(1.5),
            power_fraction: point(0.5),
            pue: point(1.2),
            hours: point(100.0),
        };
        o.electricity_price_factor = Some(point(1.5));
        with_factor(
            &mut s,
            Distribution::Point(2.5),
            Propagation::Refit { at: [1.2, 4.0] },
        );
        let (m, v) = central(&s);
        let kwh = 1000.0 * 0.4 * 1.5 * 0.5 * 1.2 * 100.0;
        let energy = value(&m, &v, "final-run-ownership/energy");
        assert!(
            (energy / (kwh * 0.08 * 1.5) - 1.0).abs() < 1e-12,
            "{energy}"
        );
        assert!((value(&m, &v, "total-compute-ownership/energy") / energy - 2.5).abs() < 1e-12);
        assert!(
            !m.model_inputs()
                .iter()
                .any(|i| i.name == "development.refit.energy")
        );
        assert!(!m.model_inputs().iter().any(|i| i.name == "ownership.tdp"));
    }

    /// A source's PUE adjustment (Meta's cards) multiplies the accelerator form alone, in every
    /// scope and in its emissions; without the power it adjusts it is refused.
    #[test]
    fn accelerator_pue_adjusts_the_accelerator_form_only() {
        let plain = spec(&[1e6, 5e5], 2.0, 10.0, false, 1.0, 1.0, 1.0);
        let (m0, v0) = central(&plain);
        let mut s = plain.clone();
        s.energy.as_mut().unwrap().accelerator_pue = Some(point(1.09));
        let (m, v) = central(&s);
        for id in [
            "final-run-energy-accelerator",
            "development-compute-energy-accelerator",
            "total-compute-energy-accelerator",
            "final-run-emissions-accelerator-location",
        ] {
            let ratio = value(&m, &v, id) / value(&m0, &v0, id);
            assert!((ratio - 1.09).abs() < 1e-12, "{id}: {ratio}");
        }
        for id in ["final-run-energy-facility", "final-run-ownership/energy"] {
            assert_eq!(value(&m, &v, id), value(&m0, &v0, id), "{id}");
        }
        let run = &m.outputs()[idx(&m, "final-run-energy-accelerator")];
        assert!(run.includes.contains("PUE"), "{}", run.includes);
        s.energy.as_mut().unwrap().accelerator_power = None;
        assert!(matches!(
            CostModel::new(&s),
            Err(ModelError::AcceleratorPueAlone)
        ));
    }

    /// Energy in both forms: the accelerator form is GPU-hours x power per accelerator, the
    /// facility form Epoch AI's formula, which the ownership layer prices; development compute
    /// scales each form by its size relative to the run; the fleet's year is GPUs x power x
    /// PUE x 8,766 h, which its power cost prices.
    #[test]
    fn energy_in_both_forms_for_every_layer() {
        let s = spec(&[1e6, 5e5], 2.0, 10.0, false, 1.0, 1.0, 1.0);
        let (m, v) = central(&s);
        let hours = 1.5e6;
        let accelerator = value(&m, &v, "final-run-energy-accelerator");
        assert!(
            (accelerator / (hours * 0.7) - 1.0).abs() < 1e-12,
            "{accelerator}"
        );
        let facility = value(&m, &v, "final-run-energy-facility");
        assert!((facility / (hours * 0.7 * 1.8 * 0.75 * 1.25) - 1.0).abs() < 1e-12);
        let priced = value(&m, &v, "final-run-ownership/energy");
        assert!((priced / (facility * 0.08) - 1.0).abs() < 1e-12);
        // The multiplier 2: development compute is twice the run, in each form.
        for form in ["accelerator", "facility"] {
            let run = value(&m, &v, &format!("final-run-energy-{form}"));
            let dev = value(&m, &v, &format!("development-compute-energy-{form}"));
            let total = value(&m, &v, &format!("total-compute-energy-{form}"));
            assert!((dev / run - 2.0).abs() < 1e-12 && (total / run - 3.0).abs() < 1e-12);
        }
        let fleet = value(&m, &v, "fleet-annual-energy");
        assert!((fleet / (50_000.0 * 0.945 * 1.25 * HOURS_PER_YEAR) - 1.0).abs() < 1e-12);
        let power = value(&m, &v, "fleet-annual/power");
        assert!((power / (fleet * 0.08) - 1.0).abs() < 1e-12);
        assert!(m.outputs().iter().all(|o| !o.id.contains("energy")
            || matches!(o.kind, OutputKind::Energy(_) | OutputKind::Component(_))));
    }

    /// Emissions are each energy figure x each accounting's intensity (g/kWh to tonnes), with
    /// the energy figure's form and scope; a market intensity of zero gives zero.
    #[test]
    fn emissions_are_energy_times_intensity_in_each_accounting() {
        let s = spec(&[1e6], 2.0, 10.0, false, 1.0, 1.0, 1.0);
        let (m, v) = central(&s);
        let energy: Vec<&OutputInfo> = m
            .outputs()
            .iter()
            .filter(|o| matches!(o.kind, OutputKind::Energy(_)))
            .collect();
        assert_eq!(
            energy.len(),
            7,
            "three scopes in two forms, and the fleet's year"
        );
        for e in energy {
            let kwh = value(&m, &v, &e.id);
            let id = format!("{}-location", e.id.replacen("-energy", "-emissions", 1));
            let t = value(&m, &v, &id);
            assert!((t / (kwh * 400.0 / 1e6) - 1.0).abs() < 1e-12, "{id}: {t}");
            let market = format!("{}-market", e.id.replacen("-energy", "-emissions", 1));
            assert_eq!(value(&m, &v, &market), 0.0);
            let o = m.outputs().iter().find(|o| o.id == id).unwrap();
            assert_eq!(o.unit, e.unit.replacen("kWh", "tCO2e", 1));
            let OutputKind::Energy(form) = e.kind else {
                unreachable!()
            };
            assert_eq!(o.kind, OutputKind::Emissions(form, Accounting::Location));
        }
    }

    /// Development stages add energy in proportion to their GPU-hours; a factor adds (factor -
    /// 1) x the run, and a refit scales energy by the energy component's own draw.
    #[test]
    fn development_energy_follows_each_development_form() {
        let mut s = spec(&[1e6], 2.0, 10.0, false, 1.0, 1.0, 1.0);
        s.development = Some(DevelopmentSpec::stages(vec![stage(
            "ablations",
            point(2.5e5),
            point(2.0),
        )]));
        let (m, v) = central(&s);
        let ratio = value(&m, &v, "development-compute-energy-facility")
            / value(&m, &v, "final-run-energy-facility");
        assert!((ratio - 0.25).abs() < 1e-12, "{ratio}");
        with_factor(&mut s, Distribution::Point(3.0), Propagation::PerSample);
        let (m, v) = central(&s);
        let ratio = value(&m, &v, "development-compute-energy-accelerator")
            / value(&m, &v, "final-run-energy-accelerator");
        assert!((ratio - 2.0).abs() < 1e-12, "{ratio}");
        with_factor(
            &mut s,
            Distribution::Point(3.0),
            Propagation::Refit { at: [1.2, 4.0] },
        );
        let m = CostModel::new(&s).unwrap();
        let mut x: Vec<f64> = m
            .model_inputs()
            .iter()
            .map(|i| i.quantity.distribution.median())
            .collect();
        let k = m
            .model_inputs()
            .iter()
            .position(|i| i.name == "development.refit.energy")
            .unwrap();
        x[k] = 1.5;
        let v = m.evaluate_at(&x);
        let total = value(&m, &v, "total-compute-energy-facility")
            / value(&m, &v, "final-run-energy-facility");
        assert!((total - 1.5).abs() < 1e-12, "{total}");
        assert!(
            (value(&m, &v, "total-compute-ownership/energy")
                / value(&m, &v, "final-run-ownership/energy")
                - total)
                .abs()
                < 1e-12,
            "energy and its cost scale alike"
        );
    }

    /// Without an ownership basis the facility energy is given on its own; with one, giving it
    /// again is an error; with neither power nor facility, no energy output exists.
    #[test]
    fn facility_energy_is_given_once() {
        let facility = RunEnergy::FromChipHours {
            tdp_watts: point(700.0),
            server_power_ratio: point(1.8),
            power_fraction: point(0.75),
            pue: point(1.1),
        };
        let mut s = spec(&[1e6], 2.0, 10.0, false, 1.0, 1.0, 1.0);
        s.energy = Some(EnergySpec {
            accelerator_power: None,
            accelerator_pue: None,
            facility: Some(facility.clone()),
        });
        assert!(matches!(
            CostModel::new(&s),
            Err(ModelError::FacilityEnergyTwice)
        ));
        s.ownership = None;
        s.development.as_mut().unwrap().basis = None;
        let (m, v) = central(&s);
        let facility = value(&m, &v, "final-run-energy-facility");
        assert!((facility / (1e6 * 0.7 * 1.8 * 0.75 * 1.1) - 1.0).abs() < 1e-12);
        assert!(
            !m.outputs()
                .iter()
                .any(|o| o.id == "final-run-energy-accelerator")
        );
        s.energy = None;
        let m = CostModel::new(&s).unwrap();
        assert!(
            !m.outputs()
                .iter()
                .any(|o| o.id.starts_with("final-run-energy"))
        );
    }

    /// Streams are keyed by input name: dropping the ownership inputs (which come before
    /// development and staff) leaves the rental, development and staff figures exactly as they
    /// were under the same seed; and every built-in's input names give distinct keys.
    #[test]
    fn an_unrelated_edit_moves_no_other_figure() {
        let with = spec(&[1e6, 3e5], 2.0, 50.0, true, 1.0, 1.0, 1.0);
        let mut without = with.clone();
        without.ownership = None;
        without.development.as_mut().unwrap().basis = Some(Basis::Rental);
        let config = RunConfig {
            samples: 3000,
            seed: 5,
            threads: None,
            percentiles: vec![],
        };
        let (a, b) = (
            CostModel::new(&with).unwrap().estimate(&config).unwrap(),
            CostModel::new(&without).unwrap().estimate(&config).unwrap(),
        );
        for id in [
            "final-run-rental",
            "development-compute-rental",
            "staff",
            "fleet",
        ] {
            let (x, y) = (a.figure(id).unwrap(), b.figure(id).unwrap());
            assert_eq!(
                (x.p5, x.p50, x.p95, x.mean),
                (y.p5, y.p50, y.p95, y.mean),
                "{id}"
            );
        }
        for name in crate::scenario::builtin_names() {
            let (spec, _) = crate::scenario::Scenario::builtin(name)
                .unwrap()
                .to_spec(None)
                .unwrap();
            let m = CostModel::new(&spec).unwrap();
            let mut keys = m.stream_keys();
            keys.sort_unstable();
            keys.dedup();
            assert_eq!(keys.len(), m.model_inputs().len(), "{name}");
        }
    }
}
