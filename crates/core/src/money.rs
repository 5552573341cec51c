//! Constant dollars: converting money between dollar years with a sourced price index.
//!
//! Two series are built in:
//! - [`PriceIndex::cpi_u`]: the US consumer price index for all urban consumers (BLS series
//!   CUUR0000SA0, U.S. city average, all items, not seasonally adjusted, 1982-84 = 100):
//!   annual averages and monthly values, from `data/cpi_u.csv` (its header gives the source of
//!   every value). The default for reports.
//! - [`PriceIndex::ppi_data_processing`]: FRED series PCU518210518210, the producer price
//!   index for data processing, hosting and related services (monthly). Epoch AI uses it to
//!   express training costs in constant dollars (EPOCH_METHOD.md section 4).
//!
//! `value(to) = value(from) x index(to) / index(from)`. A year is the publisher's annual
//! average where the series has one (CPI-U), else the average of that year's months published
//! so far (the PPI). A month is that month's value; in a year the series gives no months for
//! (CPI-U before its first monthly value) it is the year's average. A month the publisher
//! did not publish (CPI-U October 2025) is an error that says why, never a silent fill.
//!
//! Money in another currency (CNY, EUR, GBP, JPY) is converted as a careful analyst would:
//! first to US dollars at the exchange rate of the period it was spent
//! ([`ExchangeRates::fed`], the Federal Reserve's annual and monthly averages, from
//! `data/fx_rates.csv` with the source of every value), then from that period's dollars to the
//! report's with the price index ([`to_report`], the one place both steps are applied).

use std::collections::BTreeMap;
use std::sync::OnceLock;

use crate::units::{Currency, DollarDate, Usd};

/// Which price index converts between dollar dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum IndexId {
    /// BLS CPI-U, annual averages and months.
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

    /// The index called `name` (`cpi-u`, `ppi-data-processing`).
    pub fn from_name(name: &str) -> Option<IndexId> {
        IndexId::ALL.into_iter().find(|i| i.name() == name)
    }

    /// The index itself.
    pub fn index(self) -> &'static PriceIndex {
        match self {
            IndexId::CpiU => PriceIndex::cpi_u(),
            IndexId::PpiDataProcessing => PriceIndex::ppi_data_processing(),
        }
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for IndexId {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "IndexId".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "Price index for constant dollars: `cpi-u` (BLS CPI-U, annual averages from 2000 and months from 2015) or `ppi-data-processing` (FRED PCU518210518210, monthly; Epoch AI's deflator).",
            "type": "string",
            "enum": ["cpi-u", "ppi-data-processing"]
        })
    }
}

/// Why a conversion between dollar dates failed: the date is outside the series, or inside it
/// but the publisher has no value for it (`gap` says why).
#[derive(Debug, Clone, PartialEq)]
pub struct MissingIndexValue {
    /// Index name (`cpi-u`).
    pub index: &'static str,
    /// The publisher's series (`BLS series CUUR0000SA0`).
    pub series: &'static str,
    /// The dollar date asked for.
    pub date: DollarDate,
    /// First value of the series.
    pub first: DollarDate,
    /// Last value of the series.
    pub last: DollarDate,
    /// Why the publisher has no value for a date inside the series, if that is the reason.
    pub gap: Option<&'static str>,
    /// Dates that would do instead: the nearest ones with a value (the year's average and the
    /// adjacent months for a gap; the latest full year, or the first date, outside the series).
    pub instead: Vec<DollarDate>,
}

impl MissingIndexValue {
    /// Whether the date is outside the series (rather than a gap inside it).
    pub fn outside(&self) -> bool {
        self.gap.is_none()
    }

    /// `2025 or 2025-09 or 2025-11`: the dates in [`MissingIndexValue::instead`], for hints.
    pub fn instead_text(&self) -> String {
        let v: Vec<String> = self.instead.iter().map(|d| d.to_string()).collect();
        v.join(" or ")
    }
}

impl std::fmt::Display for MissingIndexValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the {} price index ({}) has no value for {}: ",
            self.index, self.series, self.date
        )?;
        match self.gap {
            Some(why) => write!(f, "{why}"),
            None => write!(f, "its values run from {} to {}", self.first, self.last),
        }
    }
}

impl std::error::Error for MissingIndexValue {}

/// A price index: annual averages and/or monthly values, with its source.
#[derive(Debug, Clone)]
pub struct PriceIndex {
    name: &'static str,
    series: &'static str,
    source: &'static str,
    /// Keyed by (year, month); month 0 for a published annual average.
    values: BTreeMap<(i32, u8), f64>,
    /// Periods inside the series the publisher gave no value for, and why.
    gaps: BTreeMap<(i32, u8), &'static str>,
    /// A year is the average of its published months (the series has no annual averages).
    years_from_months: bool,
}

/// A series parsed from `period,value,note` CSV text (`#` lines are comments).
struct Parsed {
    values: BTreeMap<(i32, u8), f64>,
    gaps: BTreeMap<(i32, u8), &'static str>,
}

/// Parses `data/cpi_u.csv`: `2024,313.689,<source>` (annual average), `2024-06,314.175,<source>`
/// (a month), `2025-10,,<why there is no value>` (a period the publisher did not publish).
fn parse_period_csv(text: &'static str) -> Result<Parsed, String> {
    let mut values = BTreeMap::new();
    let mut gaps = BTreeMap::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with("period,") {
            continue;
        }
        let bad = |what: &str| format!("line {}: {what}: {line}", n + 1);
        let mut fields = line.splitn(3, ',');
        let period = fields.next().unwrap_or_default();
        let value = fields.next().ok_or_else(|| bad("no value field"))?.trim();
        let note = fields.next().map(str::trim).unwrap_or_default();
        let date: DollarDate = period.parse().map_err(|_| bad("bad period"))?;
        let key = (date.year, date.month.unwrap_or(0));
        if value.is_empty() {
            if note.is_empty() {
                return Err(bad("a period with no value must say why"));
            }
            gaps.insert(key, note);
        } else {
            let v: f64 = value.parse().map_err(|_| bad("bad value"))?;
            if !(v.is_finite() && v > 0.0) || values.insert(key, v).is_some() {
                return Err(bad("value not positive, or period repeated"));
            }
        }
    }
    Ok(Parsed { values, gaps })
}

impl PriceIndex {
    /// BLS CPI-U (`data/cpi_u.csv`): annual averages from 2000, months from 2015.
    pub fn cpi_u() -> &'static PriceIndex {
        static INDEX: OnceLock<PriceIndex> = OnceLock::new();
        INDEX.get_or_init(|| {
            let parsed = parse_period_csv(include_str!("../data/cpi_u.csv"))
                .expect("data/cpi_u.csv parses (tested)");
            PriceIndex {
                name: "cpi-u",
                series: "BLS series CUUR0000SA0",
                source: "U.S. Bureau of Labor Statistics, CPI-U, U.S. city average, all items, \
                         not seasonally adjusted (series CUUR0000SA0), 1982-84=100: annual \
                         averages and monthly values (crates/core/data/cpi_u.csv)",
                values: parsed.values,
                gaps: parsed.gaps,
                years_from_months: false,
            }
        })
    }

    /// FRED PCU518210518210 (monthly, Dec 2000 = 100), as shipped in Epoch AI's repository.
    pub fn ppi_data_processing() -> &'static PriceIndex {
        static INDEX: OnceLock<PriceIndex> = OnceLock::new();
        INDEX.get_or_init(|| PriceIndex {
            name: "ppi-data-processing",
            series: "FRED series PCU518210518210",
            source: "FRED series PCU518210518210, Producer Price Index by Industry: Data \
                     Processing, Hosting and Related Services (monthly), via \
                     epoch-research/training-cost-trends data/PCU518210518210.csv",
            values: parse_monthly_csv(include_str!("../data/ppi_PCU518210518210.csv")),
            gaps: BTreeMap::new(),
            years_from_months: true,
        })
    }

    /// Short name (`cpi-u`, `ppi-data-processing`).
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The publisher's series (`BLS series CUUR0000SA0`).
    pub fn series(&self) -> &'static str {
        self.series
    }

    /// Where the numbers come from.
    pub fn source(&self) -> &'static str {
        self.source
    }

    /// First and last period covered.
    pub fn coverage(&self) -> (DollarDate, DollarDate) {
        let first = self.values.keys().next().map(|&k| to_date(k));
        let last = self.values.keys().next_back().map(|&k| to_date(k));
        (
            first.expect("index is not empty"),
            last.expect("index is not empty"),
        )
    }

    /// The latest year whose whole value is known: the last published annual average, or for a
    /// series without annual averages the last year with all twelve months. Reports default
    /// to this year's dollars.
    pub fn latest_full_year(&self) -> i32 {
        let full = |y: i32| {
            if self.years_from_months {
                (1..=12).all(|m| self.values.contains_key(&(y, m)))
            } else {
                self.values.contains_key(&(y, 0))
            }
        };
        let (first, last) = self.coverage();
        (first.year..=last.year)
            .rev()
            .find(|&y| full(y))
            .unwrap_or(first.year)
    }

    /// Whether the series gives months (published or not) for `year`.
    fn has_months(&self, year: i32) -> bool {
        let months = (year, 1)..=(year, 12);
        self.values.range(months.clone()).next().is_some()
            || self.gaps.range(months).next().is_some()
    }

    /// The index value for a dollar date.
    pub fn value(&self, date: DollarDate) -> Result<f64, MissingIndexValue> {
        self.lookup(date).ok_or_else(|| {
            let gap = self
                .gaps
                .get(&(date.year, date.month.unwrap_or(0)))
                .copied();
            self.missing(date, gap)
        })
    }

    fn lookup(&self, date: DollarDate) -> Option<f64> {
        let key = (date.year, date.month.unwrap_or(0));
        if let Some(&v) = self.values.get(&key) {
            return Some(v);
        }
        match date.month {
            // A year on a monthly series: the average of its months published so far (the
            // latest year may be partial: the best estimate of its average there is).
            None if self.years_from_months => {
                let months: Vec<f64> = (1..=12)
                    .filter_map(|m| self.values.get(&(date.year, m)).copied())
                    .collect();
                (!months.is_empty()).then(|| months.iter().sum::<f64>() / months.len() as f64)
            }
            // A month of a year the series gives only an annual average for.
            Some(_) if !self.has_months(date.year) => self.values.get(&(date.year, 0)).copied(),
            _ => None,
        }
    }

    /// For a month the index values at its year's average (the series has no months for that
    /// year), a note saying so; `None` when the month has its own value.
    pub fn approximation(&self, date: DollarDate) -> Option<String> {
        let m = date.month?;
        let by_year = !self.years_from_months
            && !self.values.contains_key(&(date.year, m))
            && !self.has_months(date.year)
            && self.values.contains_key(&(date.year, 0));
        by_year.then(|| {
            format!(
                "{date} at the {} annual average: {} has no monthly values for {}",
                date.year, self.name, date.year
            )
        })
    }

    fn missing(&self, date: DollarDate, gap: Option<&'static str>) -> MissingIndexValue {
        let (first, last) = self.coverage();
        let instead = match (gap, date.month) {
            (Some(_), Some(m)) => {
                let prev = if m == 1 {
                    DollarDate::month(date.year - 1, 12)
                } else {
                    DollarDate::month(date.year, m - 1)
                };
                let next = if m == 12 {
                    DollarDate::month(date.year + 1, 1)
                } else {
                    DollarDate::month(date.year, m + 1)
                };
                [DollarDate::year(date.year), prev, next]
                    .into_iter()
                    .filter(|&d| self.lookup(d).is_some())
                    .collect()
            }
            _ if (date.year, date.month.unwrap_or(0)) < (first.year, first.month.unwrap_or(0)) => {
                vec![first]
            }
            _ => vec![DollarDate::year(self.latest_full_year())],
        };
        MissingIndexValue {
            index: self.name,
            series: self.series,
            date,
            first,
            last,
            gap,
            instead,
        }
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

/// How a rate is written in the data file, as its source publishes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Quote {
    /// Units of the currency per US dollar (`CNY/USD`).
    PerUsd,
    /// US dollars per unit of the currency (`USD/EUR`).
    UsdPer,
}

/// One exchange rate: the average of a year or a month, as published, with its sources.
#[derive(Debug, Clone, PartialEq)]
pub struct Rate {
    /// The currency.
    pub currency: Currency,
    /// The period the rate averages: a year or a month.
    pub period: DollarDate,
    /// Units of the currency per US dollar.
    pub per_usd: f64,
    /// The rate as its source writes it (`7.1957 CNY/USD`, `1.0817 USD/EUR`).
    pub published: String,
    /// Source keys and notes from the data file (`g5a-2024 fred-annual`).
    pub sources: &'static str,
}

/// Why a currency has no exchange rate for a period: outside the series, or a gap inside it.
#[derive(Debug, Clone, PartialEq)]
pub struct MissingRate {
    /// The currency.
    pub currency: Currency,
    /// The period asked for.
    pub date: DollarDate,
    /// First period of the currency's series.
    pub first: DollarDate,
    /// Last period of the currency's series.
    pub last: DollarDate,
    /// Why the series has no verified figure for a period inside it, if that is the reason.
    pub gap: Option<&'static str>,
}

impl MissingRate {
    /// The data file holding the rates, for messages and hints.
    pub const FILE: &'static str = "crates/core/data/fx_rates.csv";
}

impl std::fmt::Display for MissingRate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "no {}/USD exchange rate for {} in {}: ",
            self.currency,
            self.date,
            MissingRate::FILE
        )?;
        match self.gap {
            Some(why) => write!(f, "{why}"),
            None => write!(
                f,
                "its {} rates run from {} to {}",
                self.currency, self.first, self.last
            ),
        }
    }
}

impl std::error::Error for MissingRate {}

/// Why money could not be put in the report's dollars: no exchange rate for the period it was
/// spent, or no price index value for a dollar date.
#[derive(Debug, Clone, PartialEq)]
pub enum MoneyError {
    /// The exchange rate is missing.
    Rate(MissingRate),
    /// The price index has no value.
    Index(MissingIndexValue),
}

impl std::fmt::Display for MoneyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MoneyError::Rate(e) => e.fmt(f),
            MoneyError::Index(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for MoneyError {}

impl From<MissingIndexValue> for MoneyError {
    fn from(e: MissingIndexValue) -> Self {
        MoneyError::Index(e)
    }
}

impl From<MissingRate> for MoneyError {
    fn from(e: MissingRate) -> Self {
        MoneyError::Rate(e)
    }
}

/// Exchange rates to the US dollar, by currency: annual averages and, where the file has
/// them, monthly averages.
#[derive(Debug, Clone)]
pub struct ExchangeRates {
    /// Keyed by currency, then (year, month); month 0 for an annual average.
    rates: BTreeMap<Currency, BTreeMap<(i32, u8), Rate>>,
    /// Periods inside a series with no verified figure, and why.
    gaps: BTreeMap<(Currency, i32, u8), &'static str>,
}

/// Parses `data/fx_rates.csv`: `CNY,2024,7.1957,CNY/USD,<sources>` (an annual average),
/// `CNY,2024-06,7.2547,CNY/USD,<sources>` (a month), `EUR,2023,1.0817,USD/EUR,<sources>`
/// (dollars per euro), `GBP,2016,,USD/GBP,<why there is no value>`.
fn parse_rates_csv(text: &'static str) -> Result<ExchangeRates, String> {
    let mut rates: BTreeMap<Currency, BTreeMap<(i32, u8), Rate>> = BTreeMap::new();
    let mut gaps = BTreeMap::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with("currency,") {
            continue;
        }
        let bad = |what: &str| format!("line {}: {what}: {line}", n + 1);
        let f: Vec<&str> = line.splitn(5, ',').map(str::trim).collect();
        let [code, period, value, quote, sources] = f[..] else {
            return Err(bad("expected currency,period,rate,quote,sources"));
        };
        let currency = Currency::from_code(code)
            .filter(|&c| c != Currency::Usd)
            .ok_or_else(|| bad("unknown currency"))?;
        let date: DollarDate = period.parse().map_err(|_| bad("bad period"))?;
        let q = if quote == format!("{code}/USD") {
            Quote::PerUsd
        } else if quote == format!("USD/{code}") {
            Quote::UsdPer
        } else {
            return Err(bad("quote must be <currency>/USD or USD/<currency>"));
        };
        if sources.is_empty() {
            return Err(bad("a rate must name its sources"));
        }
        let key = (date.year, date.month.unwrap_or(0));
        if value.is_empty() {
            gaps.insert((currency, key.0, key.1), sources);
            continue;
        }
        let v: f64 = value.parse().map_err(|_| bad("bad rate"))?;
        if !(v.is_finite() && v > 0.0) {
            return Err(bad("rate not positive"));
        }
        let rate = Rate {
            currency,
            period: date,
            per_usd: match q {
                Quote::PerUsd => v,
                Quote::UsdPer => 1.0 / v,
            },
            published: format!("{value} {quote}"),
            sources,
        };
        if rates
            .entry(currency)
            .or_default()
            .insert(key, rate)
            .is_some()
        {
            return Err(bad("period repeated"));
        }
    }
    Ok(ExchangeRates { rates, gaps })
}

impl ExchangeRates {
    /// The Federal Reserve's rates (H.10 daily noon buying rates in New York, averaged by year
    /// in its G.5A release and by month in G.5; FRED series AEXCHUS, AEXJPUS, AEXUSEU,
    /// EXCHUS), from `data/fx_rates.csv`, whose header gives the source of every value.
    pub fn fed() -> &'static ExchangeRates {
        static RATES: OnceLock<ExchangeRates> = OnceLock::new();
        RATES.get_or_init(|| {
            parse_rates_csv(include_str!("../data/fx_rates.csv"))
                .expect("data/fx_rates.csv parses (tested)")
        })
    }

    /// Where the rates come from, in one line.
    pub fn source(&self) -> &'static str {
        "Federal Reserve H.10 / G.5A annual and G.5 monthly averages of daily noon buying rates \
         in New York (crates/core/data/fx_rates.csv)"
    }

    /// First and last period of a currency's series (`None` for USD).
    pub fn coverage(&self, currency: Currency) -> Option<(DollarDate, DollarDate)> {
        let series = self.rates.get(&currency)?;
        let first = series.keys().next().map(|&k| to_date(k))?;
        let last = series.keys().next_back().map(|&k| to_date(k))?;
        Some((first, last))
    }

    /// The rate for money in `currency` spent in `date`: the month's average where the file
    /// has the month, else the year's (a month of a year with no monthly rows is taken at the
    /// annual average: [`Rate::period`] then is the year). USD has no series (it needs no
    /// rate): asking for it is an error, as for any period the file lacks.
    pub fn rate(&self, currency: Currency, date: DollarDate) -> Result<&Rate, MissingRate> {
        let key = (date.year, date.month.unwrap_or(0));
        let series = self.rates.get(&currency);
        let found = series.and_then(|s| {
            s.get(&key).or_else(|| {
                let has_months = s.range((date.year, 1)..=(date.year, 12)).next().is_some();
                (date.month.is_some() && !has_months)
                    .then(|| s.get(&(date.year, 0)))
                    .flatten()
            })
        });
        found.ok_or_else(|| {
            let (first, last) = self
                .coverage(currency)
                .unwrap_or((DollarDate::year(0), DollarDate::year(0)));
            MissingRate {
                currency,
                date,
                first,
                last,
                gap: self
                    .gaps
                    .get(&(currency, date.year, date.month.unwrap_or(0)))
                    .copied(),
            }
        })
    }
}

/// Money stated in a currency and the dollars of when it was spent, put in the report's
/// dollars: the factor to multiply by, and how it was obtained ([`ToReport::note`]).
#[derive(Debug, Clone, PartialEq)]
pub struct ToReport {
    /// Report-dollar USD per unit of the stated money.
    pub factor: f64,
    /// The exchange rate applied, if the money was not in USD.
    pub rate: Option<Rate>,
    /// The price index factor from the dollars of when it was spent to the report's.
    pub index_factor: f64,
    /// When the money was spent (its dollars).
    pub spent: DollarDate,
    /// The report's dollars.
    pub report: DollarDate,
    /// `2024 USD x 1.026311 (cpi-u) = 2025 USD`, saying when a month is taken at its year's
    /// average; `None` when `spent` is the report's dollars.
    pub deflation: Option<String>,
}

impl ToReport {
    /// How the money was converted, in words, with `stated` (the value as written, e.g.
    /// `2,000,000 CNY/year`; default the currency's code) at its head: `2,000,000 CNY/year
    /// (2024) at 7.1957 CNY/USD (Federal Reserve H.10 2024 annual average), then 2024 USD x
    /// 1.026311 (cpi-u) = 2025 USD`. `None` for USD already in the report's dollars.
    pub fn note(&self, stated: Option<&str>) -> Option<String> {
        let Some(r) = &self.rate else {
            return self.deflation.clone();
        };
        let kind = match r.period.month {
            Some(_) => "monthly average",
            None if self.spent.month.is_some() => "annual average; no monthly rate for the year",
            None => "annual average",
        };
        let fx = format!(
            "{} ({}) at {} (Federal Reserve H.10 {} {kind})",
            stated.unwrap_or(r.currency.code()),
            self.spent,
            r.published,
            r.period
        );
        Some(match &self.deflation {
            Some(d) => format!("{fx}, then {d}"),
            None => format!("{fx} = {} USD", self.report),
        })
    }
}

/// The one conversion of money to the report's dollars: `currency` spent in `spent` (a year or
/// a month) goes to USD at the rate of that period, then from `spent` dollars to `report`
/// dollars with `index`. USD skips the first step. Errors name the missing rate or index
/// value.
pub fn to_report(
    currency: Currency,
    spent: DollarDate,
    index: IndexId,
    report: DollarDate,
) -> Result<ToReport, MoneyError> {
    let rate = match currency {
        Currency::Usd => None,
        c => Some(ExchangeRates::fed().rate(c, spent)?.clone()),
    };
    let idx = index.index();
    let index_factor = idx.factor(spent, report)?;
    let factor = match &rate {
        None => index_factor,
        Some(r) => index_factor / r.per_usd,
    };
    let deflation = (spent != report).then(|| {
        let mut index_part = index.name().to_owned();
        for d in [spent, report] {
            if let Some(a) = idx.approximation(d) {
                index_part.push_str("; ");
                index_part.push_str(&a);
            }
        }
        format!("{spent} USD x {index_factor:.6} ({index_part}) = {report} USD")
    });
    Ok(ToReport {
        factor,
        rate,
        index_factor,
        spent,
        report,
        deflation,
    })
}

fn to_date((y, m): (i32, u8)) -> DollarDate {
    if m == 0 {
        DollarDate::year(y)
    } else {
        DollarDate::month(y, m)
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
    }

    #[test]
    fn cpi_data_file_parses_every_row() {
        let text = include_str!("../data/cpi_u.csv");
        let rows = text
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with('#') && !l.starts_with("period,"))
            .count();
        let parsed = parse_period_csv(text).unwrap();
        assert_eq!(parsed.values.len() + parsed.gaps.len(), rows);
        let cpi = PriceIndex::cpi_u();
        assert_eq!(
            cpi.coverage(),
            (DollarDate::year(2000), DollarDate::month(2025, 12))
        );
        assert_eq!(cpi.latest_full_year(), 2025);
        // Every year from 2000 has its annual average.
        for y in 2000..=2025 {
            assert!(cpi.values.contains_key(&(y, 0)), "{y}");
        }
        // A year with monthly rows has all twelve, or says why one is missing.
        for y in 2000..=2025 {
            if cpi.has_months(y) {
                for m in 1..=12 {
                    assert!(
                        cpi.values.contains_key(&(y, m)) || cpi.gaps.contains_key(&(y, m)),
                        "{y}-{m:02}"
                    );
                }
            }
        }
    }

    #[test]
    fn cpi_annual_averages_are_blss() {
        let cpi = PriceIndex::cpi_u();
        for (y, v) in [
            (2000, 172.2),
            (2018, 251.107),
            (2019, 255.657),
            (2020, 258.811),
            (2023, 304.702),
            (2024, 313.689),
            (2025, 321.943),
        ] {
            assert_eq!(cpi.value(DollarDate::year(y)).unwrap(), v, "{y}");
        }
    }

    #[test]
    fn cpi_months_use_the_months_value() {
        let cpi = PriceIndex::cpi_u();
        assert_eq!(cpi.value(DollarDate::month(2025, 1)).unwrap(), 317.671);
        assert_eq!(cpi.value(DollarDate::month(2025, 9)).unwrap(), 324.800);
        assert_eq!(cpi.value(DollarDate::month(2025, 12)).unwrap(), 324.054);
        // A month converts by its own value, not the year's average.
        let f = cpi
            .factor(DollarDate::month(2025, 1), DollarDate::year(2025))
            .unwrap();
        assert_eq!(f, 321.943 / 317.671);
    }

    #[test]
    fn cpi_months_without_monthly_rows_use_the_years_average() {
        // No monthly values before 2015 (see the data file's header): a month of 2014 is
        // that year's annual average.
        let cpi = PriceIndex::cpi_u();
        assert_eq!(cpi.value(DollarDate::month(2014, 6)).unwrap(), 236.736);
        assert_eq!(cpi.value(DollarDate::month(2000, 1)).unwrap(), 172.2);
        // ... and says so, for conversion notes.
        assert_eq!(
            cpi.approximation(DollarDate::month(2014, 6)).unwrap(),
            "2014-06 at the 2014 annual average: cpi-u has no monthly values for 2014"
        );
        assert_eq!(cpi.approximation(DollarDate::month(2025, 6)), None);
        assert_eq!(cpi.approximation(DollarDate::month(2023, 6)), None);
        assert_eq!(cpi.approximation(DollarDate::year(2014)), None);
        let ppi = PriceIndex::ppi_data_processing();
        assert_eq!(ppi.approximation(DollarDate::month(2023, 3)), None);
    }

    #[test]
    fn cpi_verified_months_before_2025_use_their_own_value() {
        let cpi = PriceIndex::cpi_u();
        // June 2023 is its own month, no longer the 2023 annual average (304.702).
        assert_eq!(cpi.value(DollarDate::month(2023, 6)).unwrap(), 305.109);
        assert_eq!(cpi.value(DollarDate::month(2023, 3)).unwrap(), 301.836);
        assert_eq!(cpi.value(DollarDate::month(2024, 5)).unwrap(), 314.069);
        assert_eq!(cpi.value(DollarDate::month(2020, 4)).unwrap(), 256.389);
        assert_eq!(cpi.value(DollarDate::month(2015, 1)).unwrap(), 233.707);
        let f = cpi
            .factor(DollarDate::month(2023, 6), DollarDate::year(2023))
            .unwrap();
        assert_eq!(f, 304.702 / 305.109);
    }

    #[test]
    fn cpi_years_with_months_average_to_their_annual_average() {
        // The data file's consistency check: for every year with monthly rows before 2025
        // (all twelve months published), the mean of the months is BLS's annual average to
        // its published precision (three decimals).
        let cpi = PriceIndex::cpi_u();
        for y in 2015..=2024 {
            let months: Vec<f64> = (1..=12).map(|m| cpi.values[&(y, m)]).collect();
            let mean = months.iter().sum::<f64>() / 12.0;
            let annual = cpi.values[&(y, 0)];
            assert!((mean - annual).abs() <= 5e-4, "{y}: {mean} vs {annual}");
        }
        // BLS's second-half 2024 average, 315.233, is the mean of July to December.
        let h2 = (7..=12).map(|m| cpi.values[&(2024, m)]).sum::<f64>() / 6.0;
        assert!((h2 - 315.233).abs() < 5e-4, "{h2}");
    }

    #[test]
    fn cpi_2025_average_is_the_mean_of_its_eleven_published_months() {
        let cpi = PriceIndex::cpi_u();
        let months: Vec<f64> = (1..=12)
            .filter_map(|m| cpi.value(DollarDate::month(2025, m)).ok())
            .collect();
        assert_eq!(months.len(), 11);
        let mean = months.iter().sum::<f64>() / 11.0;
        assert!((mean - 321.943).abs() < 5e-4, "{mean}");
        // BLS's first-half 2025 average, 320.229, is the mean of January to June.
        let h1 = months[..6].iter().sum::<f64>() / 6.0;
        assert!((h1 - 320.229).abs() < 5e-4, "{h1}");
    }

    #[test]
    fn october_2025_is_an_error_that_says_why_and_what_to_use() {
        let cpi = PriceIndex::cpi_u();
        let err = cpi.value(DollarDate::month(2025, 10)).unwrap_err();
        assert!(!err.outside());
        let text = err.to_string();
        assert!(text.contains("no value for 2025-10"), "{text}");
        assert!(
            text.contains("BLS published no CPI-U for October 2025"),
            "{text}"
        );
        assert!(text.contains("shutdown"), "{text}");
        assert_eq!(
            err.instead,
            vec![
                DollarDate::year(2025),
                DollarDate::month(2025, 9),
                DollarDate::month(2025, 11)
            ]
        );
        assert_eq!(err.instead_text(), "2025 or 2025-09 or 2025-11");
        // Converting to or from it fails the same way; the year itself is fine.
        assert!(
            cpi.factor(DollarDate::month(2025, 10), DollarDate::year(2025))
                .is_err()
        );
        assert!(cpi.value(DollarDate::year(2025)).is_ok());
    }

    #[test]
    fn dates_beyond_the_series_are_errors_that_say_the_range() {
        let cpi = PriceIndex::cpi_u();
        let err = cpi.value(DollarDate::year(2031)).unwrap_err();
        assert!(err.outside());
        assert_eq!(
            err.to_string(),
            "the cpi-u price index (BLS series CUUR0000SA0) has no value for 2031: \
             its values run from 2000 to 2025-12"
        );
        assert_eq!(err.instead, vec![DollarDate::year(2025)]);
        // 2026 is beyond too (no annual average yet), and so is any of its months.
        assert!(cpi.value(DollarDate::year(2026)).is_err());
        assert_eq!(
            cpi.value(DollarDate::month(2026, 1)).unwrap_err().instead,
            vec![DollarDate::year(2025)]
        );
        // Before the series: the fix is its first date.
        let before = cpi.value(DollarDate::year(1995)).unwrap_err();
        assert!(
            before.to_string().contains("from 2000 to 2025-12"),
            "{before}"
        );
        assert_eq!(before.instead, vec![DollarDate::year(2000)]);
    }

    #[test]
    fn ppi_latest_full_year_is_its_last_complete_year() {
        assert_eq!(PriceIndex::ppi_data_processing().latest_full_year(), 2024);
    }

    #[test]
    fn malformed_rows_are_refused() {
        assert!(parse_period_csv("2025-10,\n").is_err());
        assert!(parse_period_csv("2025,abc,x\n").is_err());
        assert!(parse_period_csv("2025-13,1.0,x\n").is_err());
        assert!(parse_period_csv("2025,1.0,x\n2025,2.0,x\n").is_err());
    }

    #[test]
    fn fx_file_parses_and_covers_2015_to_2025() {
        let fx = ExchangeRates::fed();
        for c in [Currency::Cny, Currency::Eur, Currency::Jpy] {
            for y in 2015..=2025 {
                assert!(fx.rate(c, DollarDate::year(y)).is_ok(), "{c} {y}");
            }
        }
        for y in (2015..=2023).filter(|&y| y != 2016) {
            assert!(
                fx.rate(Currency::Gbp, DollarDate::year(y)).is_ok(),
                "GBP {y}"
            );
        }
    }

    #[test]
    fn golden_2024_yuan_converts_2m_cny_exactly() {
        // data/fx_rates.csv: CNY,2024,7.1957,CNY/USD (FRED AEXCHUS 2024 annual average).
        let r = to_report(
            Currency::Cny,
            DollarDate::year(2024),
            IndexId::CpiU,
            DollarDate::year(2024),
        )
        .unwrap();
        assert_eq!(r.rate.as_ref().unwrap().per_usd, 7.1957);
        assert_eq!(r.factor, 1.0 / 7.1957);
        // 2,000,000 / 7.1957 = 277,943.7720 USD (to the cent: $277,943.77).
        assert!((2_000_000.0 * r.factor - 277_943.771_974_93).abs() < 1e-6);
        assert_eq!(
            r.note(None).as_deref(),
            Some(
                "CNY (2024) at 7.1957 CNY/USD (Federal Reserve H.10 2024 annual average) = 2024 USD"
            )
        );
        // Then CPI-U to 2025 dollars: 2025 / 2024 annual averages.
        let r = to_report(
            Currency::Cny,
            DollarDate::year(2024),
            IndexId::CpiU,
            DollarDate::year(2025),
        )
        .unwrap();
        let cpi = PriceIndex::cpi_u()
            .factor(DollarDate::year(2024), DollarDate::year(2025))
            .unwrap();
        assert_eq!(r.factor, cpi / 7.1957);
        assert!(
            r.note(None)
                .unwrap()
                .starts_with("CNY (2024) at 7.1957 CNY/USD (Federal Reserve H.10 2024 annual average), then 2024 USD x 1.0"),
            "{:?}",
            r.note(None)
        );
    }

    #[test]
    fn dollars_per_unit_quotes_are_inverted_and_months_use_their_own_rate() {
        let fx = ExchangeRates::fed();
        let eur = fx.rate(Currency::Eur, DollarDate::year(2023)).unwrap();
        assert_eq!(eur.per_usd, 1.0 / 1.0817);
        assert_eq!(eur.published, "1.0817 USD/EUR");
        // A month with its own row (G.5, June 2024: 7.2547).
        let june = fx.rate(Currency::Cny, DollarDate::month(2024, 6)).unwrap();
        assert_eq!(
            (june.per_usd, june.period),
            (7.2547, DollarDate::month(2024, 6))
        );
        // A month of a year with only an annual row: the annual average, said in the note.
        let jpy = fx.rate(Currency::Jpy, DollarDate::month(2024, 6)).unwrap();
        assert_eq!(
            (jpy.per_usd, jpy.period),
            (151.4551, DollarDate::year(2024))
        );
        let r = to_report(
            Currency::Jpy,
            DollarDate::month(2024, 6),
            IndexId::CpiU,
            DollarDate::month(2024, 6),
        )
        .unwrap();
        assert!(
            r.note(None)
                .unwrap()
                .contains("annual average; no monthly rate")
        );
    }

    #[test]
    fn missing_rates_say_where_and_why() {
        let fx = ExchangeRates::fed();
        let e = fx.rate(Currency::Cny, DollarDate::year(2014)).unwrap_err();
        assert_eq!(
            e.to_string(),
            "no CNY/USD exchange rate for 2014 in crates/core/data/fx_rates.csv: its CNY rates run from 2015 to 2025-12"
        );
        let gap = fx.rate(Currency::Gbp, DollarDate::year(2016)).unwrap_err();
        assert!(gap.gap.unwrap().contains("2016"), "{gap}");
        assert!(fx.rate(Currency::Usd, DollarDate::year(2024)).is_err());
        let e = to_report(
            Currency::Eur,
            DollarDate::year(2030),
            IndexId::CpiU,
            DollarDate::year(2025),
        )
        .unwrap_err();
        assert!(matches!(e, MoneyError::Rate(_)), "{e}");
    }

    #[test]
    fn malformed_rate_rows_are_refused() {
        assert!(parse_rates_csv("CNY,2024,7.1,CNY/USD\n").is_err());
        assert!(parse_rates_csv("CNY,2024,7.1,EUR/USD,x\n").is_err());
        assert!(parse_rates_csv("XYZ,2024,7.1,XYZ/USD,x\n").is_err());
        assert!(parse_rates_csv("CNY,2024,-1,CNY/USD,x\n").is_err());
        assert!(parse_rates_csv("CNY,2024,7.1,CNY/USD,\n").is_err());
        assert!(parse_rates_csv("CNY,2024,7.1,CNY/USD,x\nCNY,2024,7.2,CNY/USD,x\n").is_err());
    }

    proptest! {
        #[test]
        fn usd_to_usd_is_the_index_alone(a in 2015i32..=2025, b in 2015i32..=2025) {
            let (from, to) = (DollarDate::year(a), DollarDate::year(b));
            let r = to_report(Currency::Usd, from, IndexId::CpiU, to).unwrap();
            prop_assert_eq!(r.factor, PriceIndex::cpi_u().factor(from, to).unwrap());
            prop_assert!(r.rate.is_none());
            if a == b {
                prop_assert_eq!(r.factor, 1.0);
                prop_assert!(r.note(None).is_none());
            }
        }

        #[test]
        fn conversion_is_finite_positive_and_monotone(
            x in 0.0f64..1e12, y in 0.0f64..1e12,
            c in prop::sample::select(vec![Currency::Cny, Currency::Eur, Currency::Jpy, Currency::Usd]),
            spent in 2015i32..=2025, month in prop::option::of(1u8..=12),
            report in 2015i32..=2025,
            index in prop::sample::select(IndexId::ALL.to_vec()),
        ) {
            let spent = match month {
                Some(m) => DollarDate::month(spent, m),
                None => DollarDate::year(spent),
            };
            // Months the index lacks (CPI-U October 2025, the PPI after 2025-06) are errors,
            // never non-finite numbers.
            if let Ok(r) = to_report(c, spent, index, DollarDate::year(report.min(2024))) {
                prop_assert!(r.factor.is_finite() && r.factor > 0.0);
                let (lo, hi) = if x <= y { (x, y) } else { (y, x) };
                prop_assert!(lo * r.factor <= hi * r.factor);
                prop_assert!((x * r.factor).is_finite());
            }
        }
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
