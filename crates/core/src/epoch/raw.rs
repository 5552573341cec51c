//! Epoch's whole pipeline from a model's raw fields: chip-hours (section 1.1), purchase price,
//! acquisition date and training start (1.2), TDP and peak FLOP/s from the chip table, cloud
//! price search (2), then [`super::costs`]. This is how a model that is not in Epoch's table
//! gets Epoch's numbers, and the validation test checks it on every row that is.

use crate::units::{Count, Flop, GpuHours, Hours, Watts};

use super::chip_hours::{ChipHours, ChipHoursInputs, NoChipHours, chip_hours};
use super::chips::ChipTable;
use super::cloud::{CloudQuote, NoCloudPrice, find_cloud_price};
use super::costs::RunInputs;
use super::hardware::{TPU_V4_FALLBACK_TDP_W, is_tpu};
use super::prices::{DerivedPurchase, HardwarePrices, SelectionError, derive_purchase};
use super::version::Settings;
use crate::date::Date;

/// A model's fields as Epoch's models database holds them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RawInputs {
    /// Model name (four models have hard-coded training starts).
    pub model: String,
    /// Hardware name as in the chip table.
    pub hardware: String,
    /// Organization(s), comma-separated.
    pub organization: String,
    /// Publication date.
    pub publication_date: Option<Date>,
    /// Number of chips.
    pub hardware_quantity: Option<Count>,
    /// Training time.
    pub training_time: Option<Hours>,
    /// Reported training chip-hours.
    pub chip_hours_reported: Option<GpuHours>,
    /// Training compute.
    pub training_compute: Option<Flop>,
    /// Reported model FLOP utilization.
    pub utilization: Option<f64>,
    /// Base model, for fine-tunes.
    pub base_model: Option<String>,
    /// TDP to use instead of the chip table's (the table's TDPs changed between versions).
    pub tdp_override: Option<Watts>,
}

/// What each rule produced, or why it could not.
#[derive(Debug, Clone, PartialEq)]
pub struct Derivation {
    /// Chip-hours and the rule used.
    pub chip_hours: Result<ChipHours, NoChipHours>,
    /// Purchase price, acquisition date, training start.
    pub purchase: Result<DerivedPurchase, SelectionError>,
    /// Cloud quote (needs the training start).
    pub cloud: Option<Result<CloudQuote, NoCloudPrice>>,
    /// TDP used.
    pub tdp: Option<Watts>,
}

/// Applies every rule to `raw` and returns the formulas' inputs with the derivation.
pub fn derive(
    raw: &RawInputs,
    settings: &Settings,
    prices: &HardwarePrices,
    chips: &ChipTable,
) -> (RunInputs, Derivation) {
    let chip = chips.get(&raw.hardware);
    let hours = chip_hours(&ChipHoursInputs {
        reported: raw.chip_hours_reported,
        hardware_quantity: raw.hardware_quantity,
        training_time: raw.training_time,
        training_compute: raw.training_compute,
        peak: chip.and_then(|c| c.peak_flop_per_s()),
        utilization: raw.utilization,
    });
    let purchase = match raw.publication_date {
        Some(published) => derive_purchase(
            prices,
            chips,
            settings,
            &raw.model,
            &raw.hardware,
            published,
            raw.training_time,
        ),
        None => Err(SelectionError::NoPublicationDate),
    };
    let cloud = purchase.as_ref().ok().map(|p| {
        find_cloud_price(
            prices,
            settings,
            &raw.organization,
            &raw.hardware,
            p.training_start,
        )
    });
    let tdp = raw
        .tdp_override
        .or_else(|| chip.and_then(|c| c.tdp))
        .or_else(|| {
            (is_tpu(&raw.hardware) && raw.hardware.contains("v4"))
                .then_some(Watts(TPU_V4_FALLBACK_TDP_W))
        });
    let inputs = RunInputs {
        model: raw.model.clone(),
        hardware: raw.hardware.clone(),
        organization: raw.organization.clone(),
        publication_date: raw.publication_date,
        chip_hours: hours.as_ref().ok().map(|h| h.hours),
        hardware_quantity: raw.hardware_quantity,
        price_per_chip: purchase.as_ref().ok().map(|p| p.choice.price_per_chip),
        acquisition_date: purchase.as_ref().ok().map(|p| p.acquisition_date),
        training_start: purchase.as_ref().ok().map(|p| p.training_start),
        tdp,
        cloud_price_per_chip_hour: cloud
            .as_ref()
            .and_then(|c| c.as_ref().ok())
            .map(|q| q.price_3yr_equivalent),
        base_model: raw.base_model.clone(),
        inflation_factor: None,
    };
    (
        inputs,
        Derivation {
            chip_hours: hours,
            purchase,
            cloud,
            tdp,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::super::costs::{Method, costs};
    use super::super::version::CodeVersion;
    use super::*;

    #[test]
    fn gpt4_from_raw_fields() {
        let raw = RawInputs {
            model: "GPT-4".into(),
            hardware: "NVIDIA A100 SXM4 40 GB".into(),
            organization: "OpenAI".into(),
            publication_date: "2023-03-15".parse().ok(),
            hardware_quantity: Some(Count(25_000.0)),
            training_time: Some(Hours(2_280.0)),
            chip_hours_reported: Some(GpuHours(5.7e7)),
            training_compute: Some(Flop(2.1e25)),
            utilization: Some(0.34),
            base_model: None,
            tdp_override: None,
        };
        let s = Settings::for_version(CodeVersion::PaperV1);
        let (inputs, _) = derive(&raw, &s, HardwarePrices::embedded(), ChipTable::embedded());
        let e = costs(&inputs, &s);
        assert!((e.real(Method::CapexEnergy).unwrap() - 40_586_592.58).abs() < 0.01);
        assert!((e.real(Method::Cloud).unwrap() - 78_351_375.44).abs() < 0.01);
    }

    #[test]
    fn h800_has_no_epoch_price() {
        // DeepSeek-V3 (EPOCH_METHOD.md section 9): no alias matches "H800" in Epoch's code.
        let raw = RawInputs {
            model: "DeepSeek-V3".into(),
            hardware: "NVIDIA H800 SXM5".into(),
            organization: "DeepSeek".into(),
            publication_date: "2024-12-24".parse().ok(),
            hardware_quantity: Some(Count(2048.0)),
            chip_hours_reported: Some(GpuHours(2_788_000.0)),
            ..RawInputs::default()
        };
        let s = Settings::for_version(CodeVersion::Update2025_06);
        let (inputs, d) = derive(&raw, &s, HardwarePrices::embedded(), ChipTable::embedded());
        assert!(matches!(d.purchase, Err(SelectionError::NoAlias { .. })));
        let e = costs(&inputs, &s);
        let b = e.real(Method::CapexEnergy).unwrap_err();
        assert_eq!(b.input, super::super::costs::Input::PurchasePrice);
        assert!(b.reason.contains("H800"), "{b}");
    }
}
