//! Epoch's central values and 90% intervals for one run's Method A inputs, in one call: what the
//! cost stack's `final-run-ownership` layer needs to build its default distributions without
//! repeating Epoch's tables.
//!
//! ```
//! use traincost_core::epoch::{ownership, CodeVersion, Settings};
//!
//! let d = ownership::defaults(
//!     "NVIDIA H800 SXM5",
//!     "DeepSeek",
//!     2024,
//!     &Settings::for_version(CodeVersion::Update2025_06),
//! );
//! assert_eq!(d.pue.0, 1.25); // not a hyperscaler
//! assert_eq!(d.chip_to_server_power, 1.8); // "H800" is not "H100"
//! assert_eq!(d.electricity_usd_per_kwh.map(|p| p.0), Some(0.0771));
//! assert_eq!((d.pue.1.low, d.pue.1.high), (1.12, 1.40));
//! ```

use super::energy::pue;
use super::hardware::{average_power_fraction, chip_to_server_power, is_tpu, server_overhead};
use super::uncertainty::{self, Interval90};
use super::version::Settings;

/// Central value and Epoch's 90% interval.
pub type WithInterval = (f64, Interval90);

/// Epoch's defaults for one run.
#[derive(Debug, Clone, PartialEq)]
pub struct Defaults {
    /// Whether the hardware is a TPU (changes the price and power-fraction intervals).
    pub tpu: bool,
    /// Server cost / chip cost (1.54-1.69 by GPU, 1.64 otherwise), interval 1.3-2.1.
    pub server_overhead: WithInterval,
    /// Purchase-price multiplier: central 1, interval 0.5-2x (GPU) or 0.25-4x (TPU).
    pub price_factor: WithInterval,
    /// Price-performance trend g (0.14), interval 0.10-0.18.
    pub g_ooms_per_year: WithInterval,
    /// Interconnect multiplier 1/(1-f) (1.2346), interval 1.07-1.32.
    pub interconnect_multiplier: WithInterval,
    /// Server power / chip TDP (no interval in Epoch's analysis).
    pub chip_to_server_power: f64,
    /// Average power / TDP (0.75 GPU, 0.43 TPU), interval 0.56-1.00 or 0.30-0.62.
    pub average_power_fraction: WithInterval,
    /// PUE (1.1 hyperscaler, 1.25 other), interval 1.05-1.16 or 1.12-1.40.
    pub pue: WithInterval,
    /// Electricity price of the publication year, if the version's table has it; interval
    /// 0.6-1.7x.
    pub electricity_usd_per_kwh: Option<WithInterval>,
    /// Utilization when chip-hours are imputed (0.375), interval 0.10-0.65.
    pub utilization: WithInterval,
    /// Days between acquisition and training start: central 0 (shift), interval -120..120.
    pub acquisition_to_start_days: WithInterval,
}

/// Epoch's defaults for `hardware` trained by `organization`, published in `publication_year`.
pub fn defaults(
    hardware: &str,
    organization: &str,
    publication_year: i32,
    settings: &Settings,
) -> Defaults {
    let tpu = is_tpu(hardware);
    let p = pue(organization);
    Defaults {
        tpu,
        server_overhead: (server_overhead(hardware), uncertainty::SERVER_OVERHEAD),
        price_factor: (
            1.0,
            if tpu {
                uncertainty::TPU_PRICE
            } else {
                uncertainty::GPU_PRICE
            },
        ),
        g_ooms_per_year: (
            settings.g_ooms_per_year,
            uncertainty::PRICE_PERFORMANCE_OOMS_PER_YEAR,
        ),
        interconnect_multiplier: (
            1.0 / (1.0 - settings.interconnect_fraction),
            uncertainty::INTERCONNECT_MULTIPLIER,
        ),
        chip_to_server_power: chip_to_server_power(hardware),
        average_power_fraction: (
            average_power_fraction(hardware),
            if tpu {
                uncertainty::TPU_POWER_FRACTION
            } else {
                uncertainty::GPU_POWER_FRACTION
            },
        ),
        pue: (
            p,
            if p == super::PUE_HYPERSCALER {
                uncertainty::PUE_HYPERSCALER
            } else {
                uncertainty::PUE_OTHER
            },
        ),
        electricity_usd_per_kwh: settings
            .electricity
            .price(publication_year)
            .map(|x| (x, uncertainty::ELECTRICITY_PRICE)),
        utilization: (super::MEDIAN_UTILIZATION, uncertainty::UTILIZATION),
        acquisition_to_start_days: (0.0, uncertainty::ACQUISITION_TO_START_DAYS),
    }
}

#[cfg(test)]
mod tests {
    use super::super::version::CodeVersion;
    use super::*;

    #[test]
    fn tpu_and_hyperscaler_intervals() {
        let d = defaults(
            "Google TPU v4",
            "Google DeepMind",
            2023,
            &Settings::for_version(CodeVersion::PaperV1),
        );
        assert!(d.tpu);
        assert_eq!(d.pue.0, 1.1);
        assert_eq!(d.pue.1, uncertainty::PUE_HYPERSCALER);
        assert_eq!(d.average_power_fraction.0, 0.43);
        assert_eq!(d.price_factor.1, uncertainty::TPU_PRICE);
        assert_eq!(d.electricity_usd_per_kwh.map(|p| p.0), Some(0.0806));
        let old = defaults(
            "NVIDIA K80",
            "X",
            2009,
            &Settings::for_version(CodeVersion::PaperV1),
        );
        assert!(old.electricity_usd_per_kwh.is_none());
    }
}
