//! Epoch's uncertainty ranges (EPOCH_METHOD.md section 6, `uncertainty.ipynb`): 90% credible
//! intervals on each input of Method A. They are the default spread of the cost stack's
//! `final-run-ownership` layer, so its interval is comparable with Epoch's.
//!
//! Multiplicative ranges ([`Scale::Factor`]) multiply the central value; all but the electricity
//! price (0.6-1.7, geometric midpoint 1.01) are symmetric in log space (0.5-2, 0.8-1.25, 1/3-3,
//! 0.25-4), so a lognormal with that 90% interval is the natural reading. Absolute ranges ([`Scale::Absolute`]) replace the
//! central value; [`Scale::Days`] shifts a date. The distribution shapes themselves are not
//! recorded in the reference notes; the intervals are.

/// How an interval applies to the quantity it describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scale {
    /// Multiplies the central (point) value.
    Factor,
    /// The range of the quantity itself.
    Absolute,
    /// Days added to a date.
    Days,
}

/// A 90% interval: 5th and 95th percentiles.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Interval90 {
    /// 5th percentile.
    pub low: f64,
    /// 95th percentile.
    pub high: f64,
    /// How to apply it.
    pub scale: Scale,
}

impl Interval90 {
    const fn factor(low: f64, high: f64) -> Interval90 {
        Interval90 {
            low,
            high,
            scale: Scale::Factor,
        }
    }
    const fn absolute(low: f64, high: f64) -> Interval90 {
        Interval90 {
            low,
            high,
            scale: Scale::Absolute,
        }
    }

    /// Geometric midpoint (the median of a lognormal with this interval).
    pub fn geometric_mid(&self) -> f64 {
        (self.low * self.high).sqrt()
    }
}

/// Hardware quantity: 0.8-1.25x.
pub const HARDWARE_QUANTITY: Interval90 = Interval90::factor(0.8, 1.25);
/// GPU purchase price: 0.5-2x.
pub const GPU_PRICE: Interval90 = Interval90::factor(0.5, 2.0);
/// TPU-equivalent price: 0.25-4x.
pub const TPU_PRICE: Interval90 = Interval90::factor(0.25, 4.0);
/// Server cost / chip cost: 1.3-2.1 (central 1.54-1.69, see [`super::hardware::server_overhead`]).
pub const SERVER_OVERHEAD: Interval90 = Interval90::absolute(1.3, 2.1);
/// Interconnect multiplier `1 / (1 - f)`: 1.07-1.32 (central 1.2346 for f = 0.19).
pub const INTERCONNECT_MULTIPLIER: Interval90 = Interval90::absolute(1.07, 1.32);
/// Price-performance trend `g`, OOMs/year: 0.10-0.18 (central 0.14).
pub const PRICE_PERFORMANCE_OOMS_PER_YEAR: Interval90 = Interval90::absolute(0.10, 0.18);
/// Gap between acquisition and training start: -120 to +120 days around the rule's date.
pub const ACQUISITION_TO_START_DAYS: Interval90 = Interval90 {
    low: -120.0,
    high: 120.0,
    scale: Scale::Days,
};
/// Training time: 0.5-2x.
pub const TRAINING_TIME: Interval90 = Interval90::factor(0.5, 2.0);
/// Training compute: 1/3-3x.
pub const TRAINING_COMPUTE: Interval90 = Interval90::factor(1.0 / 3.0, 3.0);
/// Peak FLOP/s: 0.5-2x.
pub const PEAK_FLOP_PER_S: Interval90 = Interval90::factor(0.5, 2.0);
/// Model FLOP utilization: 0.10-0.65 (central 0.375).
pub const UTILIZATION: Interval90 = Interval90::absolute(0.10, 0.65);
/// Average power / TDP, GPUs: 0.56-1.00 (central 0.75).
pub const GPU_POWER_FRACTION: Interval90 = Interval90::absolute(0.56, 1.00);
/// Average power / TDP, TPUs: 0.30-0.62 (central 0.43).
pub const TPU_POWER_FRACTION: Interval90 = Interval90::absolute(0.30, 0.62);
/// PUE of hyperscalers: 1.05-1.16 (central 1.1).
pub const PUE_HYPERSCALER: Interval90 = Interval90::absolute(1.05, 1.16);
/// PUE of other data centres: 1.12-1.40 (central 1.25).
pub const PUE_OTHER: Interval90 = Interval90::absolute(1.12, 1.40);
/// Electricity price: 0.6-1.7x.
pub const ELECTRICITY_PRICE: Interval90 = Interval90::factor(0.6, 1.7);

/// Every interval with a short name, for reports and for building default distributions.
pub const ALL: [(&str, Interval90); 16] = [
    ("hardware_quantity", HARDWARE_QUANTITY),
    ("gpu_price", GPU_PRICE),
    ("tpu_price", TPU_PRICE),
    ("server_overhead", SERVER_OVERHEAD),
    ("interconnect_multiplier", INTERCONNECT_MULTIPLIER),
    (
        "price_performance_ooms_per_year",
        PRICE_PERFORMANCE_OOMS_PER_YEAR,
    ),
    ("acquisition_to_start_days", ACQUISITION_TO_START_DAYS),
    ("training_time", TRAINING_TIME),
    ("training_compute", TRAINING_COMPUTE),
    ("peak_flop_per_s", PEAK_FLOP_PER_S),
    ("utilization", UTILIZATION),
    ("gpu_power_fraction", GPU_POWER_FRACTION),
    ("tpu_power_fraction", TPU_POWER_FRACTION),
    ("pue_hyperscaler", PUE_HYPERSCALER),
    ("pue_other", PUE_OTHER),
    ("electricity_price", ELECTRICITY_PRICE),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intervals_contain_epochs_central_values() {
        for (name, i) in ALL {
            assert!(i.low < i.high, "{name}");
            let central = match name {
                "server_overhead" => 1.64,
                "interconnect_multiplier" => 1.0 / (1.0 - super::super::INTERCONNECT_COST_FRACTION),
                "price_performance_ooms_per_year" => super::super::PRICE_PERFORMANCE_OOMS_PER_YEAR,
                "utilization" => super::super::MEDIAN_UTILIZATION,
                "gpu_power_fraction" => super::super::GPU_AVERAGE_POWER_FRACTION,
                "tpu_power_fraction" => super::super::TPU_AVERAGE_POWER_FRACTION,
                "pue_hyperscaler" => super::super::PUE_HYPERSCALER,
                "pue_other" => super::super::PUE_OTHER,
                "acquisition_to_start_days" => 0.0,
                _ => 1.0,
            };
            assert!(i.low <= central && central <= i.high, "{name}: {central}");
            if i.scale == Scale::Factor {
                let tol = if name == "electricity_price" {
                    0.011
                } else {
                    1e-12
                };
                assert!(
                    (i.geometric_mid() - 1.0).abs() < tol,
                    "{name} is log-symmetric"
                );
            }
        }
    }
}
