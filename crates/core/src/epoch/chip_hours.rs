//! Training chip-hours (EPOCH_METHOD.md section 1.1, `cost.py:15-36`): the reported value, else
//! quantity x training time, else training compute / (peak FLOP/s x utilization) / 3600 with
//! utilization the reported MFU or Epoch's median 0.375.

use crate::units::{Count, Flop, FlopPerSecond, GpuHours, Hours};

use super::MEDIAN_UTILIZATION;

/// What is known about a training run's chip time.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct ChipHoursInputs {
    /// Training chip-hours as reported.
    pub reported: Option<GpuHours>,
    /// Number of chips.
    pub hardware_quantity: Option<Count>,
    /// Wall-clock training time.
    pub training_time: Option<Hours>,
    /// Training compute.
    pub training_compute: Option<Flop>,
    /// The chip's peak throughput (see [`super::chips::ChipSpec::peak_flop_per_s`]).
    pub peak: Option<FlopPerSecond>,
    /// Reported model FLOP utilization.
    pub utilization: Option<f64>,
}

/// Which rule produced the chip-hours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChipHoursMethod {
    /// The reported chip-hours field.
    Reported,
    /// Hardware quantity x training time.
    QuantityTimesTime,
    /// Training compute / (peak x utilization) / 3600.
    Imputed,
}

impl ChipHoursMethod {
    /// A short description, as in the reference table's `chip_hours_method` column.
    pub fn describe(self) -> &'static str {
        match self {
            ChipHoursMethod::Reported => "reported chip-hours field",
            ChipHoursMethod::QuantityTimesTime => "hardware_quantity x training_time_hours",
            ChipHoursMethod::Imputed => "imputed: FLOP / (peak FLOP/s x utilization) / 3600",
        }
    }
}

/// Chip-hours and how they were obtained.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ChipHours {
    /// The chip-hours.
    pub hours: GpuHours,
    /// The rule used.
    pub method: ChipHoursMethod,
    /// The utilization used, when imputed.
    pub utilization: Option<f64>,
}

/// No rule of section 1.1 applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error(
    "no training chip-hours: give the reported chip-hours, or hardware quantity and training \
     time, or training compute and the chip's peak FLOP/s"
)]
pub struct NoChipHours;

fn positive(x: f64) -> bool {
    x.is_finite() && x > 0.0
}

/// Epoch's chip-hours for a run. Zero, negative or non-finite inputs count as missing.
pub fn chip_hours(inputs: &ChipHoursInputs) -> Result<ChipHours, NoChipHours> {
    if let Some(h) = inputs.reported.filter(|h| positive(h.0)) {
        return Ok(ChipHours {
            hours: h,
            method: ChipHoursMethod::Reported,
            utilization: None,
        });
    }
    if let (Some(q), Some(t)) = (inputs.hardware_quantity, inputs.training_time)
        && positive(q.0)
        && positive(t.0)
    {
        return Ok(ChipHours {
            hours: GpuHours::from_gpus_and_hours(q, t),
            method: ChipHoursMethod::QuantityTimesTime,
            utilization: None,
        });
    }
    if let (Some(flop), Some(peak)) = (inputs.training_compute, inputs.peak)
        && positive(flop.0)
        && positive(peak.0)
    {
        let u = inputs
            .utilization
            .filter(|&u| positive(u) && u <= 1.0)
            .unwrap_or(MEDIAN_UTILIZATION);
        return Ok(ChipHours {
            hours: flop.gpu_hours_at(peak, u),
            method: ChipHoursMethod::Imputed,
            utilization: Some(u),
        });
    }
    Err(NoChipHours)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_in_order() {
        let mut i = ChipHoursInputs {
            reported: Some(GpuHours(5.7e7)),
            hardware_quantity: Some(Count(25_000.0)),
            training_time: Some(Hours(2_280.0)),
            training_compute: Some(Flop(2.1e25)),
            peak: Some(FlopPerSecond(3.12e14)),
            utilization: Some(0.34),
        };
        assert_eq!(chip_hours(&i).unwrap().method, ChipHoursMethod::Reported);
        i.reported = None;
        let q = chip_hours(&i).unwrap();
        assert_eq!(q.method, ChipHoursMethod::QuantityTimesTime);
        assert_eq!(q.hours, GpuHours(5.7e7));
        i.training_time = None;
        let imp = chip_hours(&i).unwrap();
        assert_eq!(imp.utilization, Some(0.34));
        i.utilization = None;
        // Inflection-2 (v1): 1.001e25 FLOP on H100 at the median utilization.
        i.training_compute = Some(Flop(1.001e25));
        i.peak = Some(FlopPerSecond(9.89e14));
        let inf = chip_hours(&i).unwrap();
        assert!(
            (inf.hours.0 - 7_497_284.949).abs() < 1e-3,
            "{}",
            inf.hours.0
        );
        i.peak = None;
        assert_eq!(chip_hours(&i), Err(NoChipHours));
    }
}
