//! Constant dollars: converting money between dollar years with a sourced price index.
//!
//! Two series are built in:
//! - [`PriceIndex::cpi_u`]: the US consumer price index for all urban consumers (BLS series
//!   CUUR0000SA0, annual averages, 1982-84 = 100). The default for reports.
//! - [`PriceIndex::ppi_data_processing`]: FRED series PCU518210518210, the producer price
//!   index for data processing, hosting and related services (monthly). Epoch AI uses it to
//!   express training costs in constant dollars (EPOCH_METHOD.md section 4).
//!
//! `value(to) = value(from) x index(to) / index(from)`. A year on a monthly series is the
//! average of that year's months published so far; a month on an annual series is that year's
//! average.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use crate::units::{DollarDate, Usd};

/// Which price index converts between dollar dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum IndexId {
    /// BLS CPI-U, annual averages.
    CpiU,
    /// FRED PCU518210518210 (data processing and hosting PPI), monthly: Epoch AI's deflator.
    PpiDataProcessing,
}

impl IndexId {
    /// All built-in indexes.
    pub const ALL: [IndexId; 2] = [IndexId::CpiU, IndexId::PpiDataProcessing];

    /// The kebab-case name used in scenarios and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            IndexId::CpiU => "cpi-u",
            IndexId::PpiDataProcessing => "ppi-data-processing",
        }
    }

    /// The index itself.
    pub fn index(self) -> &'static PriceIndex {
        match self {
            IndexId::CpiU => PriceIndex::cpi_u(),
            IndexId::PpiDataProcessing => PriceIndex::ppi_data_processing(),
        }
    }
}

impl schemars::JsonSchema for IndexId {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "IndexId".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "Price index for constant dollars: `cpi-u` (BLS CPI-U annual averages) or `ppi-data-processing` (FRED PCU518210518210, monthly; Epoch AI's deflator).",
            "type": "string",
            "enum": ["cpi-u", "ppi-data-processing"]
        })
    }
}

/// Why a conversion between dollar dates failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error(
    "the {index} price index has no value for {date} (it covers {first} to {last}); \
     choose dollars within that range"
)]
pub struct MissingIndexValue {
    /// Index name.
    pub index: &'static str,
    /// The dollar date asked for.
    pub date: DollarDate,
    /// First period the index covers.
    pub first: DollarDate,
    /// Last period the index covers.
    pub last: DollarDate,
}

/// A price index: annual or monthly values, with its source.
#[derive(Debug, Clone)]
pub struct PriceIndex {
    name: &'static str,
    source: &'static str,
    /// Keyed by (year, month); month 0 for annual series.
    values: BTreeMap<(i32, u8), f64>,
    monthly: bool,
}

/// BLS CPI-U, U.S. city average, all items, annual averages (1982-84 = 100), series CUUR0000SA0.
const CPI_U_ANNUAL: [(i32, f64); 25] = [
    (2000, 172.2),
    (2001, 177.1),
    (2002, 179.9),
    (2003, 184.0),
    (2004, 188.9),
    (2005, 195.3),
    (2006, 201.6),
    (2007, 207.342),
    (2008, 215.303),
    (2009, 214.537),
    (2010, 218.056),
    (2011, 224.939),
    (2012, 229.594),
    (2013, 232.957),
    (2014, 236.736),
    (2015, 237.017),
    (2016, 240.007),
    (2017, 245.120),
    (2018, 251.107),
    (2019, 255.657),
    (2020, 258.811),
    (2021, 270.970),
    (2022, 292.655),
    (2023, 304.702),
    (2024, 313.689),
];

impl PriceIndex {
    /// BLS CPI-U annual averages, 2000-2024.
    pub fn cpi_u() -> &'static PriceIndex {
        static INDEX: OnceLock<PriceIndex> = OnceLock::new();
        INDEX.get_or_init(|| PriceIndex {
            name: "cpi-u",
            source: "U.S. Bureau of Labor Statistics, CPI-U U.S. city average, all items, \
                     annual average (series CUUR0000SA0), 1982-84=100",
            values: CPI_U_ANNUAL.iter().map(|&(y, v)| ((y, 0), v)).collect(),
            monthly: false,
        })
    }

    /// FRED PCU518210518210 (monthly, Dec 2000 = 100), as shipped in Epoch AI's repository.
    pub fn ppi_data_processing() -> &'static PriceIndex {
        static INDEX: OnceLock<PriceIndex> = OnceLock::new();
        INDEX.get_or_init(|| PriceIndex {
            name: "ppi-data-processing",
            source: "FRED series PCU518210518210, Producer Price Index by Industry: Data \
                     Processing, Hosting and Related Services (monthly), via \
                     epoch-research/training-cost-trends data/PCU518210518210.csv",
            values: parse_monthly_csv(include_str!("../data/ppi_PCU518210518210.csv")),
            monthly: true,
        })
    }

    /// Short name (`cpi-u`, `ppi-data-processing`).
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// Where the numbers come from.
    pub fn source(&self) -> &'static str {
        self.source
    }

    /// First and last period covered.
    pub fn coverage(&self) -> (DollarDate, DollarDate) {
        let to_date = |&(y, m): &(i32, u8)| {
            if m == 0 {
                DollarDate::year(y)
            } else {
                DollarDate::month(y, m)
            }
        };
        let first = self
            .values
            .keys()
            .next()
            .map(to_date)
            .expect("index is not empty");
        let last = self
            .values
            .keys()
            .next_back()
            .map(to_date)
            .expect("index is not empty");
        (first, last)
    }

    /// The index value for a dollar date.
    pub fn value(&self, date: DollarDate) -> Result<f64, MissingIndexValue> {
        let found = match (self.monthly, date.month) {
            (true, Some(m)) => self.values.get(&(date.year, m)).copied(),
            (false, _) => self.values.get(&(date.year, 0)).copied(),
            (true, None) => {
                // A year on a monthly series: the average of its months published so far (the
                // latest year may be partial: the best estimate of its average there is).
                let months: Vec<f64> = (1..=12)
                    .filter_map(|m| self.values.get(&(date.year, m)).copied())
                    .collect();
                (!months.is_empty()).then(|| months.iter().sum::<f64>() / months.len() as f64)
            }
        };
        found.ok_or_else(|| {
            let (first, last) = self.coverage();
            MissingIndexValue {
                index: self.name,
                date,
                first,
                last,
            }
        })
    }

    /// The factor that converts money in `from` dollars to `to` dollars.
    pub fn factor(&self, from: DollarDate, to: DollarDate) -> Result<f64, MissingIndexValue> {
        if from == to {
            return Ok(1.0);
        }
        Ok(self.value(to)? / self.value(from)?)
    }

    /// `money` expressed in `to` dollars.
    pub fn convert(&self, money: Usd, to: DollarDate) -> Result<Usd, MissingIndexValue> {
        Ok(Usd::new(money.amount * self.factor(money.dollars, to)?, to))
    }
}

fn parse_monthly_csv(text: &str) -> BTreeMap<(i32, u8), f64> {
    text.lines()
        .skip(1)
        .filter_map(|line| {
            let (date, value) = line.split_once(',')?;
            let year = date.get(0..4)?.parse().ok()?;
            let month = date.get(5..7)?.parse().ok()?;
            Some(((year, month), value.trim().parse().ok()?))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn ppi_reproduces_epochs_gpt4_inflation_factor() {
        // EPOCH_METHOD.md section 7: PCU 2023-12 / 2023-03 = 1.0107247.
        let f = PriceIndex::ppi_data_processing()
            .factor(DollarDate::month(2023, 3), DollarDate::month(2023, 12))
            .unwrap();
        assert!((f - 1.0107247).abs() < 5e-7, "{f}");
    }

    #[test]
    fn ppi_parses_every_month() {
        let ppi = PriceIndex::ppi_data_processing();
        assert_eq!(
            ppi.coverage(),
            (DollarDate::month(2000, 12), DollarDate::month(2025, 6))
        );
        assert_eq!(ppi.value(DollarDate::month(2000, 12)).unwrap(), 100.0);
        // A year is the average of its published months (2025: January to June).
        let jan_jun: f64 = (1..=6)
            .map(|m| ppi.value(DollarDate::month(2025, m)).unwrap())
            .sum::<f64>()
            / 6.0;
        assert_eq!(ppi.value(DollarDate::year(2025)).unwrap(), jan_jun);
        assert!(ppi.value(DollarDate::year(2026)).is_err());
    }

    #[test]
    fn cpi_converts_2020_to_2024_dollars() {
        let cpi = PriceIndex::cpi_u();
        let m = cpi
            .convert(
                Usd::new(100.0, DollarDate::year(2020)),
                DollarDate::year(2024),
            )
            .unwrap();
        assert!((m.amount - 100.0 * 313.689 / 258.811).abs() < 1e-9);
        assert_eq!(m.dollars, DollarDate::year(2024));
        // A month on an annual series is the year's average.
        assert_eq!(cpi.value(DollarDate::month(2023, 6)).unwrap(), 304.702);
    }

    #[test]
    fn missing_years_are_errors_that_say_the_range() {
        let err = PriceIndex::cpi_u()
            .value(DollarDate::year(2031))
            .unwrap_err();
        assert!(err.to_string().contains("2000 to 2024"), "{err}");
    }

    proptest! {
        #[test]
        fn conversion_round_trips(amount in 0.0f64..1e12, a in 2001i32..=2024, b in 2001i32..=2024,
                                  index in prop::sample::select(IndexId::ALL.to_vec())) {
            let idx = index.index();
            let (from, to) = (DollarDate::year(a), DollarDate::year(b));
            let there = idx.convert(Usd::new(amount, from), to).unwrap();
            let back = idx.convert(there, from).unwrap();
            prop_assert!((back.amount - amount).abs() <= 1e-9 * amount.max(1.0));
            prop_assert_eq!(back.dollars, from);
        }
    }
}
