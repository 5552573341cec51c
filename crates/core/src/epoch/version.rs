//! Which version of Epoch's code to reproduce, and everything that differs between versions.
//!
//! EPOCH_METHOD.md section 0: the formulas are the same in every version, but the electricity
//! price table, the dollars the result is expressed in, the handling of fine-tuned models, the
//! hardware price snapshot (and how ties between equally dated prices fall) and the list of GPU
//! aliases change. [`Settings`] gathers them; [`Settings::for_version`] gives Epoch's choice for
//! each version and every field can be overridden.

use std::fmt;

use crate::units::DollarDate;

use super::energy::ElectricityTable;
use super::prices::{PriceSnapshot, TieBreak};
use super::{INTERCONNECT_COST_FRACTION, PRICE_PERFORMANCE_OOMS_PER_YEAR};

/// A version of `epoch-research/training-cost-trends`, labelled as in the reference table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CodeVersion {
    /// Commit `312c7ed` (2024-06-03): code and data behind arXiv 2405.21015v1.
    PaperV1,
    /// Commit `39013e2` (2024-12-11): 90% CIs, fine-tunes skipped; most likely arXiv v2's basis.
    PaperV2,
    /// Commit `4b09bcd` (2025-06-20): the June-2025 data refresh (H100-era models).
    Update2025_06,
    /// Commit `263c40a` (2026-04-01): `cost_analysis_standalone.py`, same formulas and tables
    /// as [`CodeVersion::Update2025_06`] but June-2025 dollars. No row of the reference table
    /// comes from it.
    Head,
}

impl CodeVersion {
    /// The versions that have rows in the reference table, oldest first.
    pub const IN_TABLE: [CodeVersion; 3] = [
        CodeVersion::PaperV1,
        CodeVersion::PaperV2,
        CodeVersion::Update2025_06,
    ];

    /// Every known version, oldest first.
    pub const ALL: [CodeVersion; 4] = [
        CodeVersion::PaperV1,
        CodeVersion::PaperV2,
        CodeVersion::Update2025_06,
        CodeVersion::Head,
    ];

    /// The label used in the reference table (`paper_v1`, `paper_v2`, `update_2025_06`, `head`).
    pub fn label(self) -> &'static str {
        match self {
            CodeVersion::PaperV1 => "paper_v1",
            CodeVersion::PaperV2 => "paper_v2",
            CodeVersion::Update2025_06 => "update_2025_06",
            CodeVersion::Head => "head",
        }
    }

    /// The version with this label, if any.
    pub fn from_label(label: &str) -> Option<CodeVersion> {
        CodeVersion::ALL.into_iter().find(|v| v.label() == label)
    }

    /// The repository commit (abbreviated).
    pub fn commit(self) -> &'static str {
        match self {
            CodeVersion::PaperV1 => "312c7ed",
            CodeVersion::PaperV2 => "39013e2",
            CodeVersion::Update2025_06 => "4b09bcd",
            CodeVersion::Head => "263c40a",
        }
    }
}

impl fmt::Display for CodeVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// How a model fine-tuned from a base model is costed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FineTuneHandling {
    /// v1 (`cost.py:308-326`): the base model's cost is added, recursively (U-PaLM = PaLM + U-PaLM).
    /// If the base model has no cost, neither has the fine-tune.
    AddBaseModelCost,
    /// From `39013e2` on: a row with a base model gets no cost at all.
    NoCost,
    /// Not Epoch's: cost the fine-tuning compute alone (useful outside the reproduction).
    OwnComputeOnly,
}

/// Every version-dependent choice of Epoch's method, plus the two central constants.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// The code version these settings reproduce.
    pub version: CodeVersion,
    /// Price-performance trend `g`, OOMs per year (0.14).
    pub g_ooms_per_year: f64,
    /// Interconnect share of cluster cost `f` (0.19).
    pub interconnect_fraction: f64,
    /// US industrial electricity price by publication year.
    pub electricity: ElectricityTable,
    /// The month whose dollars real costs are expressed in (PPI PCU518210518210).
    pub target_month: DollarDate,
    /// How fine-tunes are costed.
    pub fine_tunes: FineTuneHandling,
    /// Which hardware price file the purchase-price rules read.
    pub price_snapshot: PriceSnapshot,
    /// Which of two equally dated purchase prices the rules select (the V100 tie).
    pub tie_break: TieBreak,
}

impl Settings {
    /// Epoch's settings for `version`.
    pub fn for_version(version: CodeVersion) -> Settings {
        let (electricity, target_month, fine_tunes, price_snapshot, tie_break) = match version {
            CodeVersion::PaperV1 => (
                ElectricityTable::paper_v1(),
                DollarDate::month(2023, 12),
                FineTuneHandling::AddBaseModelCost,
                PriceSnapshot::PaperV1,
                // pandas' unstable sort happened to put the $17,250 DGXS row (second in the
                // file) first.
                TieBreak::LastInFile,
            ),
            CodeVersion::PaperV2 => (
                ElectricityTable::paper_v2(),
                DollarDate::month(2023, 12),
                FineTuneHandling::NoCost,
                // 39013e2's price file is not in the reference data; its purchase rows for the
                // table's hardware are those of 312c7ed.
                PriceSnapshot::PaperV1,
                TieBreak::FirstInFile,
            ),
            CodeVersion::Update2025_06 => (
                ElectricityTable::update_2025_06(),
                DollarDate::month(2024, 12),
                FineTuneHandling::NoCost,
                PriceSnapshot::June2025,
                TieBreak::FirstInFile,
            ),
            CodeVersion::Head => (
                ElectricityTable::update_2025_06(),
                DollarDate::month(2025, 6),
                FineTuneHandling::NoCost,
                PriceSnapshot::June2025,
                TieBreak::FirstInFile,
            ),
        };
        Settings {
            version,
            g_ooms_per_year: PRICE_PERFORMANCE_OOMS_PER_YEAR,
            interconnect_fraction: INTERCONNECT_COST_FRACTION,
            electricity,
            target_month,
            fine_tunes,
            price_snapshot,
            tie_break,
        }
    }

    /// These settings with real costs in `month`'s dollars instead.
    pub fn with_target_month(mut self, month: DollarDate) -> Settings {
        self.target_month = month;
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_round_trip() {
        for v in CodeVersion::ALL {
            assert_eq!(CodeVersion::from_label(v.label()), Some(v));
        }
        assert_eq!(CodeVersion::from_label("paper_v3"), None);
    }

    #[test]
    fn versions_differ_where_epoch_changed_them() {
        let v1 = Settings::for_version(CodeVersion::PaperV1);
        let v2 = Settings::for_version(CodeVersion::PaperV2);
        let u = Settings::for_version(CodeVersion::Update2025_06);
        assert_eq!(v1.target_month, DollarDate::month(2023, 12));
        assert_eq!(u.target_month, DollarDate::month(2024, 12));
        assert_eq!(v1.electricity.price(2024), Some(0.0806));
        assert_eq!(u.electricity.price(2024), Some(0.0771));
        assert_eq!(v1.electricity.price(2012), None);
        assert_eq!(v2.electricity.price(2012), Some(0.0667));
        assert_ne!(v1.tie_break, v2.tie_break);
        assert_eq!(v1.fine_tunes, FineTuneHandling::AddBaseModelCost);
        assert_eq!(v2.fine_tunes, FineTuneHandling::NoCost);
    }
}
