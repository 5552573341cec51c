//! A claim's dollars in a report's dollars.
//!
//! A claim states its dollars (`USD 2023`) or is nominal, taken in its publication year's
//! dollars. Claims are often newer than the last full year of a price index: a year beyond the
//! index's coverage takes the nearest covered one.

use traincost_claims::Claim;
use traincost_core::money::IndexId;
use traincost_core::units::DollarDate;

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

/// How a claim's number converts to a report's dollars.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ClaimDollars {
    /// True if the claim states its dollar year; false for a nominal figure (or no money).
    pub stated: bool,
    /// The factor from the claim's dollars (stated, else its publication year's) to the
    /// report's; 1 for a claim that is not about money.
    pub factor: f64,
}

impl ClaimDollars {
    /// The conversion of `claim` to `report` dollars by `index`.
    pub fn of(claim: &Claim, index: IndexId, report: DollarDate) -> ClaimDollars {
        let Some(year) = claim.dollar_year() else {
            return ClaimDollars {
                stated: false,
                factor: 1.0,
            };
        };
        ClaimDollars {
            stated: claim.unit.money_year().is_some(),
            factor: between(year, index, report).unwrap_or(1.0),
        }
    }
}
