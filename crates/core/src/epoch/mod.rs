//! Epoch AI's training-cost method ("The rising costs of training frontier AI models",
//! Cottier et al., arXiv 2405.21015), as implemented in `epoch-research/training-cost-trends`.
//!
//! Method A, amortized hardware capex + energy (EPOCH_METHOD.md section 1), per chip-hour:
//!
//! ```text
//! value at start = purchase price x 10^(-g x years from acquisition to training start)
//! hardware       = value at start x (g ln 10) / 8766 x chip-hours
//! interconnect   = hardware x f / (1 - f)
//! energy         = TDP x chip-to-server power x average power fraction x PUE x chip-hours x $/kWh
//! ```
//!
//! The cost stack's `final-run-ownership` layer evaluates these formulas once per Monte Carlo
//! sample; the constants below are Epoch's central values and [`uncertainty`] holds Epoch's 90%
//! intervals around them.
//!
//! Modules:
//! - [`version`]: what differs between Epoch's code versions ([`Settings`]);
//! - [`chip_hours`], [`hardware`], [`chips`], [`prices`], [`energy`](mod@energy): the rules that turn a
//!   model's raw fields into the formulas' inputs;
//! - [`cloud`] (Method B), [`acquisition`] (Method C), [`inflation`] (section 4);
//! - [`costs`]: all three methods for one run, with the missing input when one is blocked;
//! - [`ownership`]: central values and 90% intervals for one run, for the cost stack;
//! - [`raw`]: the whole pipeline from a model's raw fields (for models not in Epoch's table);
//! - [`table`]: Epoch's own numbers (embedded), to reproduce and compare with;
//! - [`scenario`](mod@scenario): a scenario file (TOML) from any row of the table.
//!
//! # Example: GPT-4 (EPOCH_METHOD.md section 7)
//!
//! ```
//! use traincost_core::epoch::{self, costs::{Method, RunInputs}, CodeVersion, Settings};
//! use traincost_core::units::{Count, GpuHours, Watts};
//!
//! let gpt4 = RunInputs {
//!     model: "GPT-4".into(),
//!     hardware: "NVIDIA A100 SXM4 40 GB".into(),
//!     organization: "OpenAI".into(),
//!     publication_date: "2023-03-15".parse().ok(),
//!     chip_hours: Some(GpuHours(5.7e7)),
//!     hardware_quantity: Some(Count(25_000.0)),
//!     // DGX A100 $199k / 8, quoted 2020-05-21; acquired at release + 90 days.
//!     price_per_chip: Some(24_875.0),
//!     acquisition_date: "2020-08-12".parse().ok(),
//!     // 2022-08-15 minus 2,280 hours of training.
//!     training_start: "2022-05-12".parse().ok(),
//!     tdp: Some(Watts(400.0)),
//!     cloud_price_per_chip_hour: Some(1.36),
//!     base_model: None,
//!     inflation_factor: None, // computed from the PPI
//! };
//! let e = epoch::costs::costs(&gpt4, &Settings::for_version(CodeVersion::PaperV1));
//! let c = e.components().unwrap();
//! assert_eq!(format!("{:.2}", c.ai_chips + c.other_server), "29691720.99");
//! assert_eq!(format!("{:.2}", c.interconnect), "6964724.68");
//! assert_eq!(format!("{:.2}", c.energy), "3499488.28");
//! // In December-2023 dollars (PPI PCU518210518210, 2023-03 -> 2023-12):
//! let real = e.real(Method::CapexEnergy).unwrap();
//! assert_eq!(format!("{real:.2}"), "40586592.58");
//! ```

use std::f64::consts::LN_10;

use crate::units::{GpuHours, HOURS_PER_YEAR, KilowattHours, Watts, Years};

pub mod acquisition;
pub mod chip_hours;
pub mod chips;
pub mod cloud;
pub mod costs;
mod csv;
pub mod energy;
pub mod hardware;
pub mod inflation;
pub mod ownership;
pub mod prices;
pub mod raw;
pub mod scenario;
pub mod table;
pub mod uncertainty;
pub mod version;

pub use csv::CsvError;
pub use version::{CodeVersion, FineTuneHandling, Settings};

/// ML GPU price-performance trend, orders of magnitude per year (`parameters.py:1-8`): used to
/// depreciate value from acquisition to training start and as the amortization rate.
pub const PRICE_PERFORMANCE_OOMS_PER_YEAR: f64 = 0.14;
/// Share of total cluster cost that is interconnect (`CLUSTER_INTERCONNECT_COST_FRACTION`).
pub const INTERCONNECT_COST_FRACTION: f64 = 0.19;
/// Median model FLOP utilization of 33 known values, used when none is reported.
pub const MEDIAN_UTILIZATION: f64 = 0.375;
/// Average power draw as a fraction of TDP, GPUs (`energy.py:25-63`).
pub const GPU_AVERAGE_POWER_FRACTION: f64 = 0.75;
/// Average power draw as a fraction of TDP, TPUs.
pub const TPU_AVERAGE_POWER_FRACTION: f64 = 0.43;
/// Power usage effectiveness of hyperscalers (Google, DeepMind, Microsoft, Amazon, Meta).
pub const PUE_HYPERSCALER: f64 = 1.1;
/// Power usage effectiveness of everyone else.
pub const PUE_OTHER: f64 = 1.25;
/// Training time assumed when none is reported: 793.5 hours = 33.06 days
/// (`MEDIAN_TRAINING_TIME_DAYS`).
pub const MEDIAN_TRAINING_TIME_HOURS: f64 = 793.5;
/// Days between the end of training and publication, and so between purchase and training
/// start in the price lookup (`prices.py:93-143`).
pub const PURCHASE_TO_TRAINING_BUFFER_DAYS: i64 = 60;

/// Amortization (depreciation) rate per year: `g x ln 10` (0.3223619 for g = 0.14).
pub fn depreciation_rate(g_ooms_per_year: f64) -> f64 {
    g_ooms_per_year * LN_10
}

/// Value of hardware bought for `purchase_price` after `years` of price-performance progress:
/// `price x 10^(-g x years)`, computed as `e^(-g x years x ln 10)` with [`traincost_engine::math::exp`]
/// (vectorizable; within 4e-15 relative of `powf` over the ages and rates Epoch uses).
#[inline]
pub fn value_at_training_start(purchase_price: f64, g_ooms_per_year: f64, years: Years) -> f64 {
    purchase_price * traincost_engine::math::exp(-depreciation_rate(g_ooms_per_year) * years.0)
}

/// Amortized hardware cost of `chip_hours` on hardware worth `value_at_start` per chip.
pub fn amortized_hardware_cost(
    value_at_start: f64,
    g_ooms_per_year: f64,
    chip_hours: GpuHours,
) -> f64 {
    value_at_start * depreciation_rate(g_ooms_per_year) / HOURS_PER_YEAR * chip_hours.0
}

/// Interconnect cost, given the amortized server cost and the interconnect share `f` of cluster cost.
pub fn interconnect_cost(server_cost: f64, interconnect_fraction: f64) -> f64 {
    server_cost * interconnect_fraction / (1.0 - interconnect_fraction)
}

/// Energy drawn by `chip_hours` of chips with thermal design power `tdp`.
pub fn energy(
    tdp: Watts,
    chip_to_server_power: f64,
    average_power_fraction: f64,
    pue: f64,
    chip_hours: GpuHours,
) -> KilowattHours {
    KilowattHours(
        tdp.0 / 1000.0 * chip_to_server_power * average_power_fraction * pue * chip_hours.0,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn depreciation_matches_powf_to_4e_15() {
        for gi in 0..=60 {
            let g = 0.02 + 0.005 * gi as f64;
            for di in 0..=400 {
                let years = Years(di as f64 * 0.0173);
                let ours = value_at_training_start(1.0, g, years);
                let libm = 10f64.powf(-g * years.0);
                assert!(
                    ((ours - libm) / libm).abs() < 4e-15,
                    "g={g} years={}: {ours} vs {libm}",
                    years.0
                );
            }
        }
    }

    /// EPOCH_METHOD.md section 7: GPT-4, v1.
    #[test]
    fn gpt4_worked_example_nominal() {
        let years = Years::from_days(638.0);
        let v = value_at_training_start(24_875.0, PRICE_PERFORMANCE_OOMS_PER_YEAR, years);
        assert!((v - 14_165.05).abs() < 0.01, "{v}");
        let chip_hours = GpuHours(5.7e7);
        let server = amortized_hardware_cost(v, PRICE_PERFORMANCE_OOMS_PER_YEAR, chip_hours);
        assert!((server - 29_691_721.0).abs() < 1.0, "{server}");
        let ic = interconnect_cost(server, INTERCONNECT_COST_FRACTION);
        assert!((ic - 6_964_725.0).abs() < 1.0, "{ic}");
        let kwh = energy(
            Watts(400.0),
            2.03125,
            GPU_AVERAGE_POWER_FRACTION,
            PUE_OTHER,
            chip_hours,
        );
        assert!((kwh.0 - 43_417_969.0).abs() < 1.0, "{}", kwh.0);
    }
}
