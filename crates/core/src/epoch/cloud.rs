//! Method B, cloud rental (EPOCH_METHOD.md section 2, `cost.py:39-123`, `prices.py:157-294`):
//!
//! ```text
//! cost = price per chip-hour at a 3-year commitment x chip-hours    (no energy, no overhead)
//! ```
//!
//! When only a 1-year or on-demand price is found, it is converted to a 3-year equivalent with
//! the vendor's default committed-use discounts: `price x (1 - CUD_3y) / (1 - CUD_found)`.

use crate::units::GpuHours;

use super::hardware::{SIMPLIFIED_HARDWARE_NAMES, is_tpu, simplified_name};
use super::prices::{HardwarePrices, PriceType};
use super::version::{CodeVersion, Settings};
use crate::date::Date;

/// A rental commitment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Commitment {
    /// On demand (no discount).
    OnDemand,
    /// 1-year committed use.
    OneYear,
    /// 3-year committed use.
    ThreeYear,
}

/// Default committed-use discounts of a vendor (`prices.py:10-32`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Discounts {
    /// 1-year discount, as a fraction of the on-demand price.
    pub one_year: f64,
    /// 3-year discount.
    pub three_year: f64,
}

impl Discounts {
    /// Discount of `commitment` (0 on demand).
    pub fn of(self, commitment: Commitment) -> f64 {
        match commitment {
            Commitment::OnDemand => 0.0,
            Commitment::OneYear => self.one_year,
            Commitment::ThreeYear => self.three_year,
        }
    }
}

/// Amazon Web Services.
pub const AWS: &str = "Amazon Web Services";
/// Google Cloud.
pub const GOOGLE_CLOUD: &str = "Google Cloud";
/// Microsoft Azure.
pub const AZURE: &str = "Microsoft Azure";
/// Lambda Labs.
pub const LAMBDA: &str = "Lambda Labs";

/// Epoch's default discounts per vendor; any other vendor gets the average (Lambda's row).
pub fn default_discounts(vendor: &str) -> Discounts {
    match vendor {
        AWS => Discounts {
            one_year: 0.41,
            three_year: 0.64,
        },
        GOOGLE_CLOUD => Discounts {
            one_year: 0.37,
            three_year: 0.56,
        },
        AZURE => Discounts {
            one_year: 0.25,
            three_year: 0.49,
        },
        _ => Discounts {
            one_year: 0.34,
            three_year: 0.56,
        },
    }
}

/// The 3-year-commitment equivalent of a price found at `commitment` from `vendor`.
pub fn three_year_equivalent(
    price_per_chip_hour: f64,
    vendor: &str,
    commitment: Commitment,
) -> f64 {
    let d = default_discounts(vendor);
    price_per_chip_hour * (1.0 - d.three_year) / (1.0 - d.of(commitment))
}

/// The vendor Epoch tries first for an organization: an organization (comma-separated) naming
/// Google/DeepMind gives Google Cloud, Microsoft/OpenAI gives Azure (when several do, the last
/// one wins, as Epoch's loop does); default AWS. TPUs are always priced on Google Cloud.
pub fn primary_vendor(organization: &str, hardware_name: &str) -> &'static str {
    if is_tpu(hardware_name) {
        return GOOGLE_CLOUD;
    }
    let mut vendor = AWS;
    for org in organization.split(',') {
        let org = org.to_lowercase();
        if org.contains("google") || org.contains("deepmind") {
            vendor = GOOGLE_CLOUD;
        } else if org.contains("microsoft") || org.contains("openai") {
            vendor = AZURE;
        }
    }
    vendor
}

/// Days before the training start at which Epoch looks up cloud prices.
pub const PRICE_LOOKUP_DAYS_BEFORE_START: i64 = 60;

/// A cloud price found by Epoch's search.
#[derive(Debug, Clone, PartialEq)]
pub struct CloudQuote {
    /// Vendor.
    pub vendor: String,
    /// Hardware model of the price row (after soft matching).
    pub hardware_model: String,
    /// Commitment of the price found.
    pub commitment: Commitment,
    /// Date of the quote.
    pub price_date: Date,
    /// Price as found, per chip-hour.
    pub price_found: f64,
    /// 3-year-commitment equivalent, per chip-hour.
    pub price_3yr_equivalent: f64,
}

/// No vendor has a price for this hardware.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("no cloud price for `{hardware}` from {vendors} at any commitment")]
pub struct NoCloudPrice {
    /// Hardware name.
    pub hardware: String,
    /// Vendors tried.
    pub vendors: String,
}

/// One price row of Epoch's file (all its commitments).
#[derive(Debug, Clone)]
struct QuoteRow<'a> {
    file_row: usize,
    model: &'a str,
    date: Date,
    prices: [Option<f64>; 3],
}

fn commitment_index(c: Commitment) -> usize {
    match c {
        Commitment::ThreeYear => 0,
        Commitment::OneYear => 1,
        Commitment::OnDemand => 2,
    }
}

fn quote_rows<'a>(
    prices: &'a HardwarePrices,
    settings: &Settings,
    vendor: &str,
    model: &str,
) -> Vec<QuoteRow<'a>> {
    let mut rows: Vec<QuoteRow<'a>> = Vec::new();
    for p in prices.rows() {
        let c = match p.price_type {
            PriceType::ThreeYearCommitment => Commitment::ThreeYear,
            PriceType::OneYearCommitment => Commitment::OneYear,
            PriceType::OnDemand => Commitment::OnDemand,
            _ => continue,
        };
        if p.snapshot != settings.price_snapshot
            || p.vendor.as_deref() != Some(vendor)
            || p.hardware_model != model
        {
            continue;
        }
        let Some(date) = p.price_date else { continue };
        let i = match rows.iter().position(|r| r.file_row == p.file_row) {
            Some(i) => i,
            None => {
                rows.push(QuoteRow {
                    file_row: p.file_row,
                    model: &p.hardware_model,
                    date,
                    prices: [None; 3],
                });
                rows.len() - 1
            }
        };
        rows[i].prices[commitment_index(c)] = Some(p.price_usd);
    }
    rows
}

/// The rows for `hardware` from `vendor`: exact name, else Epoch's simplified name, else the
/// first full name containing every word of the simplified name (the vendor filter is kept).
fn matching_rows<'a>(
    prices: &'a HardwarePrices,
    settings: &Settings,
    vendor: &str,
    hardware: &str,
) -> Vec<QuoteRow<'a>> {
    let rows = quote_rows(prices, settings, vendor, hardware);
    if !rows.is_empty() {
        return rows;
    }
    let Some(simple) = simplified_name(hardware) else {
        return rows;
    };
    let rows = quote_rows(prices, settings, vendor, simple);
    if !rows.is_empty() {
        return rows;
    }
    for (full, _) in SIMPLIFIED_HARDWARE_NAMES {
        if simple.split_whitespace().all(|t| full.contains(t)) {
            let rows = quote_rows(prices, settings, vendor, full);
            if !rows.is_empty() {
                return rows;
            }
        }
    }
    Vec::new()
}

/// The vendors Epoch tries, in order: the primary vendor, then AWS, Azure, Google Cloud, then
/// Lambda Labs (v1/v2) or every other vendor of the price file (2025). TPUs: Google Cloud only.
pub fn vendor_order(
    prices: &HardwarePrices,
    settings: &Settings,
    organization: &str,
    hardware: &str,
) -> Vec<String> {
    let primary = primary_vendor(organization, hardware);
    let mut vendors = vec![primary.to_owned()];
    if is_tpu(hardware) {
        return vendors;
    }
    for v in [AWS, AZURE, GOOGLE_CLOUD] {
        if v != primary {
            vendors.push(v.to_owned());
        }
    }
    match settings.version {
        CodeVersion::PaperV1 | CodeVersion::PaperV2 => vendors.push(LAMBDA.to_owned()),
        CodeVersion::Update2025_06 | CodeVersion::Head => {
            let mut rows: Vec<_> = prices
                .rows()
                .iter()
                .filter(|p| p.snapshot == settings.price_snapshot)
                .collect();
            rows.sort_by_key(|p| p.file_row);
            for p in rows {
                if let Some(v) = &p.vendor
                    && !vendors.contains(v)
                {
                    vendors.push(v.clone());
                }
            }
        }
    }
    vendors
}

/// Epoch's cloud price search (`prices.py:157-294`): for each commitment (3-year, then 1-year,
/// then on demand) and each vendor in [`vendor_order`], take the vendor's price rows for the
/// hardware, sorted by distance to `training start - 60 days`; the closest row dated on or
/// before that date gives the price (none if that row lacks this commitment), else the closest
/// later row. The first price found is converted to a 3-year equivalent.
pub fn find_cloud_price(
    prices: &HardwarePrices,
    settings: &Settings,
    organization: &str,
    hardware: &str,
    training_start: Date,
) -> Result<CloudQuote, NoCloudPrice> {
    let lookup = training_start.add_days(-PRICE_LOOKUP_DAYS_BEFORE_START);
    let vendors = vendor_order(prices, settings, organization, hardware);
    for commitment in [
        Commitment::ThreeYear,
        Commitment::OneYear,
        Commitment::OnDemand,
    ] {
        for vendor in &vendors {
            let mut rows = matching_rows(prices, settings, vendor, hardware);
            rows.sort_by_key(|r| (r.date.days_since(lookup).abs(), r.file_row));
            let chosen = rows
                .iter()
                .find(|r| r.date <= lookup)
                .or_else(|| rows.iter().find(|r| r.date > lookup));
            let Some(row) = chosen else { continue };
            if let Some(price) = row.prices[commitment_index(commitment)] {
                return Ok(CloudQuote {
                    vendor: vendor.clone(),
                    hardware_model: row.model.to_owned(),
                    commitment,
                    price_date: row.date,
                    price_found: price,
                    price_3yr_equivalent: three_year_equivalent(price, vendor, commitment),
                });
            }
        }
    }
    Err(NoCloudPrice {
        hardware: hardware.to_owned(),
        vendors: vendors.join(", "),
    })
}

/// Cloud rental cost, nominal USD.
pub fn cloud_cost(price_per_chip_hour_3yr: f64, chip_hours: GpuHours) -> f64 {
    price_per_chip_hour_3yr * chip_hours.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commitment_conversions() {
        assert_eq!(
            three_year_equivalent(1.36, AZURE, Commitment::ThreeYear),
            1.36
        );
        // Inflection-2 (v1): Lambda on demand $3.49 -> $1.5356 3-year equivalent.
        assert!((three_year_equivalent(3.49, LAMBDA, Commitment::OnDemand) - 1.5356).abs() < 1e-12);
        let aws = three_year_equivalent(1.0, AWS, Commitment::OneYear);
        assert!((aws - 0.36 / 0.59).abs() < 1e-12);
    }

    #[test]
    fn gpt4_v1_cloud_price() {
        let s = Settings::for_version(CodeVersion::PaperV1);
        let q = find_cloud_price(
            HardwarePrices::embedded(),
            &s,
            "OpenAI",
            "NVIDIA A100 SXM4 40 GB",
            "2022-05-12".parse().unwrap(),
        )
        .unwrap();
        assert_eq!(q.vendor, AZURE);
        assert_eq!(q.commitment, Commitment::ThreeYear);
        assert_eq!(q.price_date.to_string(), "2022-01-20");
        assert_eq!(q.price_3yr_equivalent, 1.36);
        let none = find_cloud_price(
            HardwarePrices::embedded(),
            &s,
            "OpenAI",
            "Cerebras CS-9",
            "2022-05-12".parse().unwrap(),
        );
        assert!(none.is_err());
    }

    #[test]
    fn vendors() {
        assert_eq!(primary_vendor("OpenAI", "NVIDIA A100"), AZURE);
        assert_eq!(
            primary_vendor("Google DeepMind", "Google TPU v4"),
            GOOGLE_CLOUD
        );
        assert_eq!(primary_vendor("Meta AI", "NVIDIA A100"), AWS);
        assert_eq!(primary_vendor("Microsoft", "Google TPU v3"), GOOGLE_CLOUD);
        // GPT-4, v1: Azure A100 3-year $1.36/h x 5.7e7 chip-hours.
        assert!((cloud_cost(1.36, GpuHours(5.7e7)) - 77_520_000.0).abs() < 1e-6);
    }
}
