//! Epoch AI's default inputs, each with its provenance: the values a scenario file's
//! `[ownership]` and `[fleet]` take when it leaves a field out, and what a program building a
//! [`super::StackSpec`] in code starts from. One implementation behind both paths.

use super::{OwnershipSpec, Quantity, RunEnergy};
use crate::dist::{Distribution, Z_95};
use crate::epoch;
use crate::provenance::Provenance;

/// Whether Epoch AI's defaults carry Epoch's 90% ranges (its uncertainty analysis, EPOCH_METHOD.md
/// section 6) or are its point values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum UncertaintyMode {
    /// Epoch's 90% ranges, as lognormals centred on Epoch's point values.
    Epoch,
    /// Epoch's point values.
    None,
}

/// Epoch AI's defaults for one accelerator, developer and publication year (its June-2025
/// code). Money (the electricity price) is in nominal dollars of the publication year.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct EpochDefaults {
    /// Price-performance trend, 0.14 orders of magnitude per year.
    pub depreciation_ooms_per_year: Quantity,
    /// Cluster over server cost, 1 / (1 - 0.19).
    pub interconnect_multiplier: Quantity,
    /// Server cost per chip over the chip's: A100 1.66, V100 1.69, P100 1.54, others 1.64.
    pub server_overhead: Quantity,
    /// Server power per chip over chip TDP, by accelerator (a point in Epoch's method).
    pub server_power_ratio: Quantity,
    /// Average power over TDP: 0.75 for GPUs, 0.43 for TPUs.
    pub power_fraction: Quantity,
    /// Power usage effectiveness: 1.1 for hyperscalers, else 1.25.
    pub pue: Quantity,
    /// US industrial electricity price of the year, USD per kWh, if Epoch's table has it.
    pub electricity_price: Option<Quantity>,
    /// The publication year the defaults are for.
    pub year: i32,
}

impl EpochDefaults {
    /// The defaults for `accelerator` (a name of Epoch AI's chip dataset, `NVIDIA H100 SXM5
    /// 80GB`, or `""` when unknown), `developer` (`OpenAI`: decides the PUE) and the model's
    /// publication `year` (decides the electricity price).
    pub fn new(accelerator: &str, developer: &str, year: i32, mode: UncertaintyMode) -> Self {
        let settings = epoch::Settings::for_version(epoch::CodeVersion::Update2025_06);
        let d = epoch::ownership::defaults(accelerator, developer, year, &settings);
        // Epoch's interval is quoted only where it is drawn.
        let default = |value: epoch::ownership::WithInterval, what: String| {
            let range = match mode {
                UncertaintyMode::Epoch => format!(", 90% range {}", describe_interval(&value.1)),
                UncertaintyMode::None => String::new(),
            };
            Quantity::new(range_of(value, mode), assumption(&format!("{what}{range}")))
        };
        EpochDefaults {
            depreciation_ooms_per_year: default(
                d.g_ooms_per_year,
                format!("g = {} OOMs/year (parameters.py)", d.g_ooms_per_year.0),
            ),
            interconnect_multiplier: default(
                d.interconnect_multiplier,
                format!(
                    "interconnect multiplier {:.4} (19% of cluster cost)",
                    d.interconnect_multiplier.0
                ),
            ),
            server_overhead: default(
                d.server_overhead,
                format!(
                    "server cost over AI-chip cost {} by accelerator (hardware.py)",
                    d.server_overhead.0
                ),
            ),
            server_power_ratio: Quantity::new(
                Distribution::Point(d.chip_to_server_power),
                assumption("chip-to-server power ratio by GPU (energy.py:66-126)"),
            ),
            power_fraction: default(
                d.average_power_fraction,
                format!(
                    "average power {} of TDP (energy.py:25-63)",
                    d.average_power_fraction.0
                ),
            ),
            pue: default(
                d.pue,
                format!("PUE {} by developer (energy.py:4-22)", d.pue.0),
            ),
            electricity_price: d.electricity_usd_per_kwh.map(|e| {
                default(
                    e,
                    format!("US industrial electricity {year}: ${}/kWh (energy.py)", e.0),
                )
            }),
            year,
        }
    }

    /// A fleet's average power per GPU: the chip's TDP x the server power ratio x the average
    /// power fraction (Epoch AI's energy method applied to a whole fleet), at their medians.
    pub fn power_per_gpu(&self, accelerator: &str, tdp_watts: &Quantity) -> Quantity {
        let tdp = tdp_watts.distribution.median();
        let ratio = self.server_power_ratio.distribution.median();
        let fraction = self.power_fraction.distribution.median();
        Quantity::new(
            Distribution::Point(tdp * ratio * fraction),
            Provenance::assumption(format!(
                "{accelerator} TDP {tdp} W x Epoch's server power ratio {ratio:.4} x average power fraction {fraction} (TDP: {})",
                tdp_watts.provenance.describe()
            )),
        )
    }
}

impl OwnershipSpec {
    /// Epoch AI's method with all its defaults: a purchase price per GPU (server share
    /// included), the years from acquisition to the start of training, and the chip's TDP.
    /// The electricity price is Epoch's for the defaults' year (in its nominal dollars);
    /// `None` if Epoch's table has no price for that year. Change any field after.
    pub fn epoch(
        purchase_price: Quantity,
        years_to_training_start: Quantity,
        tdp_watts: Quantity,
        defaults: &EpochDefaults,
    ) -> Option<OwnershipSpec> {
        Some(OwnershipSpec {
            purchase_price,
            years_to_training_start,
            depreciation_ooms_per_year: defaults.depreciation_ooms_per_year.clone(),
            interconnect_multiplier: defaults.interconnect_multiplier.clone(),
            server_overhead: None,
            energy: RunEnergy::FromChipHours {
                tdp_watts,
                server_power_ratio: defaults.server_power_ratio.clone(),
                power_fraction: defaults.power_fraction.clone(),
                pue: defaults.pue.clone(),
            },
            electricity_price: defaults.electricity_price.clone()?,
            electricity_price_factor: None,
        })
    }
}

fn assumption(what: &str) -> Provenance {
    Provenance::assumption(format!("Epoch AI method default: {what}"))
}

/// A lognormal centred on Epoch's central value with the width of Epoch's 90% interval.
fn range_of(
    (central, interval): epoch::ownership::WithInterval,
    mode: UncertaintyMode,
) -> Distribution {
    match mode {
        UncertaintyMode::None => Distribution::Point(central),
        UncertaintyMode::Epoch => Distribution::lognormal_from_median(
            central,
            (interval.high / interval.low).ln() / (2.0 * Z_95),
        ),
    }
}

/// Describes an interval for provenance text: `0.10-0.18` or `0.6-1.7x`.
fn describe_interval(i: &epoch::uncertainty::Interval90) -> String {
    match i.scale {
        epoch::uncertainty::Scale::Factor => format!("{}-{}x", i.low, i.high),
        _ => format!("{}-{}", i.low, i.high),
    }
}
