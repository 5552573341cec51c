//! Hardware prices and Epoch's selection rules (EPOCH_METHOD.md section 1.2, `prices.py:93-154,
//! 297-441`): which purchase price a model's hardware gets, when the hardware was acquired and
//! when training started.
//!
//! The price data is `epoch_hardware_prices.csv` (every non-empty price cell of
//! `data/Hardware prices.csv` at `312c7ed` and `4b09bcd`), embedded; see
//! `crates/core/data/epoch/README.md`.
//!
//! Rules:
//! - GPU: map the name to an alias ([`super::hardware::gpu_alias`]); among the snapshot's
//!   purchase rows whose hardware model contains the alias, sorted by price date, take the
//!   earliest row whose notes contain `DGX`, else the earliest row. A "single-unit" price is
//!   multiplied by the server overhead. Acquisition = max(release + 90 days, price date).
//! - TPU: Epoch's TPU-equivalent price x 1.64; acquisition = release date.
//! - Training start = publication - (whole hours of training time + 60 days), 33.06 days when the
//!   time is unknown; four hard-coded exceptions; GPUs clipped to start no earlier than acquisition.

use std::sync::OnceLock;

use crate::units::Hours;

use super::csv::{self, CsvError, Header};
use super::hardware::{self, DEFAULT_SERVER_OVERHEAD, is_tpu};
use super::version::Settings;
use super::{MEDIAN_TRAINING_TIME_HOURS, PURCHASE_TO_TRAINING_BUFFER_DAYS};
use crate::date::Date;

/// Which copy of Epoch's `data/Hardware prices.csv`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PriceSnapshot {
    /// At `312c7ed` (May 2024), used by v1 (and, for lack of its own, v2).
    PaperV1,
    /// At `4b09bcd` (June 2025).
    June2025,
}

impl PriceSnapshot {
    fn commit(self) -> &'static str {
        match self {
            PriceSnapshot::PaperV1 => "312c7ed",
            PriceSnapshot::June2025 => "4b09bcd",
        }
    }
}

/// What a price is a price of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PriceType {
    /// Purchase price per chip (possibly a server price divided by its chips).
    Purchase,
    /// Epoch's estimated TPU-equivalent purchase price (a constant of `prices.py`).
    TpuEquivalent,
    /// Cloud rental, on demand, per chip-hour.
    OnDemand,
    /// Cloud rental with a 1-year commitment, per chip-hour.
    OneYearCommitment,
    /// Cloud rental with a 3-year commitment, per chip-hour.
    ThreeYearCommitment,
}

impl PriceType {
    fn parse(s: &str) -> Option<PriceType> {
        Some(match s {
            "purchase_per_chip" => PriceType::Purchase,
            "purchase_per_chip_tpu_equivalent_estimate" => PriceType::TpuEquivalent,
            "cloud_on_demand_per_chip_hour" => PriceType::OnDemand,
            "cloud_1yr_commit_per_chip_hour" => PriceType::OneYearCommitment,
            "cloud_3yr_commit_per_chip_hour" => PriceType::ThreeYearCommitment,
            _ => return None,
        })
    }
}

/// One price of one hardware model.
#[derive(Debug, Clone, PartialEq)]
pub struct HardwarePrice {
    /// Which snapshot of the price file.
    pub snapshot: PriceSnapshot,
    /// Row number in Epoch's price file (file order, used for tie-breaking).
    pub file_row: usize,
    /// Hardware model as written in the price file.
    pub hardware_model: String,
    /// Date of the quote (`None` for TPU-equivalent constants).
    pub price_date: Option<Date>,
    /// Kind of price.
    pub price_type: PriceType,
    /// USD, per chip or per chip-hour.
    pub price_usd: f64,
    /// Cloud vendor, for rental prices.
    pub vendor: Option<String>,
    /// Epoch's notes (the rules read `DGX` and `single-unit` here).
    pub notes: String,
    /// Where the quote comes from.
    pub source: String,
    /// The GPU alias (or TPU name) for which Epoch's pipeline selects this row, if any.
    pub selected_for: Option<String>,
}

impl HardwarePrice {
    /// The notes mention a DGX system.
    pub fn is_dgx(&self) -> bool {
        self.notes.contains("DGX")
    }

    /// The notes say the price is for a single unit (so the server overhead must be added).
    pub fn is_single_unit(&self) -> bool {
        self.notes.to_lowercase().contains("single-unit")
    }
}

/// All hardware prices of both snapshots.
#[derive(Debug, Clone)]
pub struct HardwarePrices {
    rows: Vec<HardwarePrice>,
}

/// The embedded `epoch_hardware_prices.csv`.
pub const HARDWARE_PRICES_CSV: &str = include_str!("../../data/epoch/epoch_hardware_prices.csv");

impl HardwarePrices {
    /// Parses the reference price file format.
    pub fn parse(text: &str) -> Result<HardwarePrices, CsvError> {
        let records = csv::parse(text)?;
        let Some((head, body)) = records.split_first() else {
            return Ok(HardwarePrices { rows: Vec::new() });
        };
        let h = Header::new(head);
        let c_commit = h.index("repo_commit")?;
        let c_model = h.index("hardware_model")?;
        let c_date = h.index("price_date")?;
        let c_type = h.index("price_type")?;
        let c_price = h.index("price_usd")?;
        let c_vendor = h.index("vendor")?;
        let c_sel = h.index("selected_by_pipeline_for_aliases")?;
        let c_notes = h.index("notes")?;
        let c_source = h.index("source")?;
        let c_prov = h.index("provenance")?;
        let mut rows = Vec::with_capacity(body.len());
        for (i, r) in body.iter().enumerate() {
            let snapshot = match csv::field(r, c_commit) {
                "312c7ed" => PriceSnapshot::PaperV1,
                "4b09bcd" => PriceSnapshot::June2025,
                other => {
                    return Err(CsvError::BadValue {
                        line: r.line,
                        column: "repo_commit".into(),
                        message: format!(
                            "unknown snapshot `{other}` (expected 312c7ed or 4b09bcd)"
                        ),
                    });
                }
            };
            let price_type =
                PriceType::parse(csv::field(r, c_type)).ok_or_else(|| CsvError::BadValue {
                    line: r.line,
                    column: "price_type".into(),
                    message: format!("unknown price type `{}`", csv::field(r, c_type)),
                })?;
            let Some(price_usd) = csv::opt_f64(r, c_price, "price_usd")? else {
                continue;
            };
            // "...Hardware prices.csv row 38": Epoch's file order.
            let file_row = csv::field(r, c_prov)
                .rsplit_once(" row ")
                .and_then(|(_, n)| n.trim().parse().ok())
                .unwrap_or(100_000 + i);
            rows.push(HardwarePrice {
                snapshot,
                file_row,
                hardware_model: csv::field(r, c_model).to_owned(),
                price_date: csv::opt_date(r, c_date, "price_date", true)?,
                price_type,
                price_usd,
                vendor: csv::opt_string(r, c_vendor),
                notes: csv::field(r, c_notes).to_owned(),
                source: csv::field(r, c_source).to_owned(),
                selected_for: csv::opt_string(r, c_sel),
            });
        }
        Ok(HardwarePrices { rows })
    }

    /// The embedded price file.
    pub fn embedded() -> &'static HardwarePrices {
        static PRICES: OnceLock<HardwarePrices> = OnceLock::new();
        PRICES.get_or_init(|| {
            HardwarePrices::parse(HARDWARE_PRICES_CSV).expect("embedded price file parses")
        })
    }

    /// Every row.
    pub fn rows(&self) -> &[HardwarePrice] {
        &self.rows
    }

    /// The rows of one snapshot and price type.
    pub fn of(
        &self,
        snapshot: PriceSnapshot,
        price_type: PriceType,
    ) -> impl Iterator<Item = &HardwarePrice> {
        self.rows
            .iter()
            .filter(move |r| r.snapshot == snapshot && r.price_type == price_type)
    }
}

/// Which of several purchase rows with the same price date comes first. Epoch sorts with pandas'
/// default (unstable) sort, so the answer depends on the file: the v1 run put the second of the
/// two 2017-07-01 V100 rows ($17,250) first, later runs the first ($18,625).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TieBreak {
    /// The row earlier in Epoch's file wins.
    FirstInFile,
    /// The row later in Epoch's file wins.
    LastInFile,
    /// The cheaper row wins.
    LowestPrice,
    /// The dearer row wins.
    HighestPrice,
}

/// The purchase price chosen for a model's hardware.
#[derive(Debug, Clone, PartialEq)]
pub struct PurchaseChoice {
    /// The alias the name matched (GPU), or the TPU name.
    pub alias: String,
    /// The price row used (`None` for a TPU, priced by Epoch's constant).
    pub row: Option<HardwarePrice>,
    /// The price as written (per chip).
    pub raw_price: f64,
    /// Server overhead multiplied in (1 for DGX/server prices).
    pub overhead_applied: f64,
    /// Price per chip including server, nominal USD: `raw_price x overhead_applied`.
    pub price_per_chip: f64,
}

impl PurchaseChoice {
    /// Date of the quote (`None` for TPUs).
    pub fn price_date(&self) -> Option<Date> {
        self.row.as_ref().and_then(|r| r.price_date)
    }
}

/// Why a purchase price, acquisition date or training start could not be derived.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SelectionError {
    /// The hardware is no TPU and contains none of the version's GPU aliases.
    #[error(
        "`{hardware}` matches no GPU alias of {version} ({aliases}) and is not a TPU with a known price"
    )]
    NoAlias {
        /// The hardware name.
        hardware: String,
        /// The code version.
        version: String,
        /// The aliases tried.
        aliases: String,
    },
    /// No purchase row contains the alias.
    #[error("no purchase price in the {snapshot} price file mentions `{alias}`")]
    NoPriceRow {
        /// The alias.
        alias: String,
        /// The snapshot commit.
        snapshot: String,
    },
    /// The chip's release date is unknown.
    #[error("the release date of `{0}` is unknown (the chip table has none)")]
    NoReleaseDate(String),
    /// The publication date is unknown (training start counts back from it).
    #[error("the publication date is unknown")]
    NoPublicationDate,
}

/// Epoch's purchase price for `hardware` under `settings`.
pub fn purchase_price(
    prices: &HardwarePrices,
    hardware_name: &str,
    settings: &Settings,
) -> Result<PurchaseChoice, SelectionError> {
    let version = settings.version;
    if is_tpu(hardware_name)
        && let Some(p) = hardware::tpu_equivalent_price(hardware_name, version)
    {
        return Ok(PurchaseChoice {
            alias: hardware_name.to_owned(),
            row: None,
            raw_price: p,
            overhead_applied: DEFAULT_SERVER_OVERHEAD,
            price_per_chip: p * DEFAULT_SERVER_OVERHEAD,
        });
    }
    let alias =
        hardware::gpu_alias(hardware_name, version).ok_or_else(|| SelectionError::NoAlias {
            hardware: hardware_name.to_owned(),
            version: version.to_string(),
            aliases: hardware::gpu_aliases(version).join(", "),
        })?;
    let mut candidates: Vec<&HardwarePrice> = prices
        .of(settings.price_snapshot, PriceType::Purchase)
        .filter(|r| r.hardware_model.contains(alias) && r.price_date.is_some())
        .collect();
    candidates.sort_by(|a, b| {
        a.price_date
            .cmp(&b.price_date)
            .then_with(|| match settings.tie_break {
                TieBreak::FirstInFile => a.file_row.cmp(&b.file_row),
                TieBreak::LastInFile => b.file_row.cmp(&a.file_row),
                TieBreak::LowestPrice => a.price_usd.total_cmp(&b.price_usd),
                TieBreak::HighestPrice => b.price_usd.total_cmp(&a.price_usd),
            })
    });
    let row = candidates
        .iter()
        .find(|r| r.is_dgx())
        .or(candidates.first())
        .copied()
        .ok_or_else(|| SelectionError::NoPriceRow {
            alias: alias.to_owned(),
            snapshot: settings.price_snapshot.commit().to_owned(),
        })?;
    let overhead = if row.is_single_unit() {
        hardware::server_overhead(hardware_name)
    } else {
        1.0
    };
    Ok(PurchaseChoice {
        alias: alias.to_owned(),
        row: Some(row.clone()),
        raw_price: row.price_usd,
        overhead_applied: overhead,
        price_per_chip: row.price_usd * overhead,
    })
}

/// Days from a GPU's release to its earliest assumed acquisition (`prices.py:383-389`).
pub const RELEASE_TO_ACQUISITION_DAYS: i64 = 90;

/// Epoch's acquisition date: TPUs at release; GPUs at max(release + 90 days, price date).
pub fn acquisition_date(hardware_name: &str, release: Date, choice: &PurchaseChoice) -> Date {
    if is_tpu(hardware_name) {
        return release;
    }
    let earliest = release.add_days(RELEASE_TO_ACQUISITION_DAYS);
    match choice.price_date() {
        Some(d) if d > earliest => d,
        _ => earliest,
    }
}

/// A training start Epoch hard-codes instead of deriving it (`prices.py:93-143`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StartOverride {
    /// This date.
    Fixed(Date),
    /// This date minus the training time (GPT-4: 2022-08-15 is taken as the end of training).
    EndMinusTrainingTime(Date),
}

/// Epoch's hard-coded training starts, by model name (v1 and v2 names and the 2025 name of GPT-3.5).
pub fn start_override(model: &str) -> Option<StartOverride> {
    let d = |y, m, dd| Date::from_ymd(y, m, dd).expect("valid constant date");
    Some(match model {
        "Gemini 1.0 Ultra" => StartOverride::Fixed(d(2023, 5, 10)),
        "GPT-4" => StartOverride::EndMinusTrainingTime(d(2022, 8, 15)),
        "GPT-3.5 (text-davinci-003)" | "GPT-3.5" => StartOverride::Fixed(d(2022, 3, 14)),
        "GPT-3 175B (davinci)" => StartOverride::Fixed(d(2019, 10, 1)),
        _ => return None,
    })
}

/// Epoch's training time offset: whole hours of training time (Python `int()` truncates), or the
/// median 793.5 hours when unknown.
pub fn training_time_offset(training_time: Option<Hours>) -> Hours {
    match training_time.filter(|t| t.0.is_finite() && t.0 >= 0.0) {
        Some(t) => Hours(t.0.trunc()),
        None => Hours(MEDIAN_TRAINING_TIME_HOURS),
    }
}

/// Epoch's training start, before clipping to the acquisition date.
pub fn unclipped_training_start(
    model: &str,
    publication: Date,
    training_time: Option<Hours>,
) -> Option<Date> {
    let offset = training_time_offset(training_time);
    match start_override(model) {
        Some(StartOverride::Fixed(d)) => Some(d),
        Some(StartOverride::EndMinusTrainingTime(end)) => end.minus_hours(offset),
        None => publication
            .add_days(-PURCHASE_TO_TRAINING_BUFFER_DAYS)
            .minus_hours(offset),
    }
}

/// Epoch's training start: [`unclipped_training_start`], then, for GPUs only, no earlier than
/// the acquisition date (`prices.py:430-433`).
pub fn training_start(
    model: &str,
    hardware_name: &str,
    publication: Date,
    training_time: Option<Hours>,
    acquisition: Date,
) -> Option<Date> {
    let start = unclipped_training_start(model, publication, training_time)?;
    Some(if !is_tpu(hardware_name) && start < acquisition {
        acquisition
    } else {
        start
    })
}

/// Purchase price, acquisition date and training start, all derived from raw inputs.
#[derive(Debug, Clone, PartialEq)]
pub struct DerivedPurchase {
    /// The price chosen.
    pub choice: PurchaseChoice,
    /// The acquisition date.
    pub acquisition_date: Date,
    /// The training start.
    pub training_start: Date,
}

/// Applies all of section 1.2's rules to one model.
pub fn derive_purchase(
    prices: &HardwarePrices,
    chips: &super::chips::ChipTable,
    settings: &Settings,
    model: &str,
    hardware_name: &str,
    publication: Date,
    training_time: Option<Hours>,
) -> Result<DerivedPurchase, SelectionError> {
    let choice = purchase_price(prices, hardware_name, settings)?;
    let release = chips
        .get(hardware_name)
        .and_then(|c| c.release_date)
        .ok_or_else(|| SelectionError::NoReleaseDate(hardware_name.to_owned()))?;
    let acquisition_date = acquisition_date(hardware_name, release, &choice);
    let training_start = training_start(
        model,
        hardware_name,
        publication,
        training_time,
        acquisition_date,
    )
    .ok_or_else(|| SelectionError::NoReleaseDate(hardware_name.to_owned()))?;
    Ok(DerivedPurchase {
        choice,
        acquisition_date,
        training_start,
    })
}

#[cfg(test)]
mod tests {
    use super::super::chips::ChipTable;
    use super::super::version::CodeVersion;
    use super::*;

    fn date(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn gpt4_v1_purchase_dates() {
        let s = Settings::for_version(CodeVersion::PaperV1);
        let d = derive_purchase(
            HardwarePrices::embedded(),
            ChipTable::embedded(),
            &s,
            "GPT-4",
            "NVIDIA A100 SXM4 40 GB",
            date("2023-03-15"),
            Some(Hours(2280.0)),
        )
        .unwrap();
        assert_eq!(d.choice.price_per_chip, 24_875.0);
        assert_eq!(d.choice.price_date(), Some(date("2020-05-21")));
        assert_eq!(d.acquisition_date, date("2020-08-12"));
        assert_eq!(d.training_start, date("2022-05-12"));
    }

    #[test]
    fn v100_tie_depends_on_version() {
        let p = HardwarePrices::embedded();
        let v1 = purchase_price(
            p,
            "NVIDIA V100",
            &Settings::for_version(CodeVersion::PaperV1),
        );
        let v2 = purchase_price(
            p,
            "NVIDIA V100",
            &Settings::for_version(CodeVersion::PaperV2),
        );
        let u = purchase_price(
            p,
            "NVIDIA V100",
            &Settings::for_version(CodeVersion::Update2025_06),
        );
        assert_eq!(v1.unwrap().price_per_chip, 17_250.0);
        assert_eq!(v2.unwrap().price_per_chip, 18_625.0);
        assert_eq!(u.unwrap().price_per_chip, 18_625.0);
    }

    #[test]
    fn single_unit_and_tpu_prices_get_the_overhead() {
        let s = Settings::for_version(CodeVersion::PaperV1);
        let p = HardwarePrices::embedded();
        let k80 = purchase_price(p, "NVIDIA Tesla K80", &s).unwrap();
        assert!((k80.price_per_chip - 8_200.0).abs() < 1e-9);
        let v4 = purchase_price(p, "Google TPU v4", &s).unwrap();
        assert!((v4.price_per_chip - 8_473.88).abs() < 1e-9);
        assert!(matches!(
            purchase_price(p, "NVIDIA H800 SXM5", &s),
            Err(SelectionError::NoAlias { .. })
        ));
    }

    #[test]
    fn training_time_is_truncated_to_whole_hours() {
        // ConSERT (v1): 0.1 h of training, published 2021-05-25 -> start 2021-03-26.
        assert_eq!(
            unclipped_training_start("ConSERT", date("2021-05-25"), Some(Hours(0.1))),
            Some(date("2021-03-26"))
        );
        // Megatron-BERT: clipped to the V100S acquisition date.
        assert_eq!(
            training_start(
                "Megatron-BERT",
                "NVIDIA Tesla V100S PCIe 32 GB",
                date("2019-09-17"),
                Some(Hours(1392.0)),
                date("2020-02-24")
            ),
            Some(date("2020-02-24"))
        );
    }
}
