//! A claim's dollars in a report's dollars.
//!
//! A claim states its dollars (`USD 2023`) or is nominal, taken in its publication year's
//! dollars. Claims are often newer than the last full year of a price index: a year beyond the
//! index's coverage takes the nearest covered one. Money in another currency (CNY, EUR, GBP,
//! JPY) is converted by `traincost_core::money::to_report`: at the exchange rate of its year
//! (the nearest year the rates cover), then by the index.

use traincost_claims::{Claim, Currency};
use traincost_core::money::{IndexId, Rate};
use traincost_core::units::{Currency as CoreCurrency, DollarDate};

/// The factor from dollars of `year` to `to` by `index`: 1 for the same year's dollars. A
/// date beyond the index's coverage (a claim or a quote of this year) takes the nearest
/// covered one; `None` if the index has no value for them.
pub fn between(year: i32, index: IndexId, to: DollarDate) -> Option<f64> {
    let from = DollarDate::year(year);
    if from == to {
        return Some(1.0);
    }
    let (first, last) = index.index().coverage();
    let from = DollarDate::year(year.clamp(first.year, last.year));
    let to = if to.year > last.year {
        last
    } else if to.year < first.year {
        first
    } else {
        to
    };
    index.index().factor(from, to).ok()
}

/// The factor from money in `currency` of `year` to US dollars of `to`, and the exchange
/// rate used (`None` for USD): `traincost_core::money::to_report` at the rate of `year`, or of
/// the nearest year the rates cover, with the index's dates taken as [`between`] takes them.
/// `None` if the currency has no rates or the index no value.
pub fn money_between(
    currency: Currency,
    year: i32,
    index: IndexId,
    to: DollarDate,
) -> Option<(f64, Option<Rate>)> {
    let cur = CoreCurrency::from_code(currency.code())?;
    if cur == CoreCurrency::Usd {
        return between(year, index, to).map(|k| (k, None));
    }
    let (first, last) = traincost_core::money::ExchangeRates::fed().coverage(cur)?;
    let spent = year.clamp(first.year, last.year);
    // The report's dollars clamped to the index's coverage, as `between` takes them.
    let (i_first, i_last) = index.index().coverage();
    let to = if to.year > i_last.year {
        i_last
    } else if to.year < i_first.year {
        i_first
    } else {
        to
    };
    let k = traincost_core::money::to_report(cur, DollarDate::year(spent), index, to).ok()?;
    Some((k.factor, k.rate))
}

/// How a claim's number converts to a report's dollars.
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimDollars {
    /// True if the claim states its dollar year; false for a nominal figure (or no money).
    pub stated: bool,
    /// The factor from the claim's money (its currency, in its stated year's dollars, else its
    /// publication year's) to USD of the report's dollars; 1 for a claim that is not about
    /// money.
    pub factor: f64,
    /// The exchange rate used, for money in another currency than USD.
    pub rate: Option<Rate>,
}

impl ClaimDollars {
    /// The conversion of `claim` to `report` dollars by `index` (and, for another currency,
    /// the exchange rate of the claim's year). A currency traincost cannot convert keeps a
    /// factor of 1 and no rate.
    pub fn of(claim: &Claim, index: IndexId, report: DollarDate) -> ClaimDollars {
        let Some(year) = claim.dollar_year() else {
            return ClaimDollars {
                stated: false,
                factor: 1.0,
                rate: None,
            };
        };
        let currency = claim.unit.currency().unwrap_or(Currency::Usd);
        let (factor, rate) = money_between(currency, year, index, report).unwrap_or((1.0, None));
        ClaimDollars {
            stated: claim.unit.money_year().is_some(),
            factor,
            rate,
        }
    }

    /// `at 7.1875 CNY/USD (Federal Reserve H.10 2025 annual average)`: the rate used, for
    /// explanations; `None` for USD.
    pub fn rate_text(&self) -> Option<String> {
        self.rate.as_ref().map(|r| {
            format!(
                "at {} (Federal Reserve H.10 {} annual average)",
                r.published, r.period
            )
        })
    }
}
