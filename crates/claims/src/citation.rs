//! Whether a model input agrees with a claim it cites.
//!
//! An input that cites a claim says "this is the claim's number". That is checked here, once,
//! for every caller (scenario inputs, plugin values, and later the reconciliation):
//!
//! 1. **Dimension.** Claim units ([`Unit`]) and scenario units (`USD/GPU-hour`, `K GPU-hours`,
//!    `years`, ...) both map to a [`Dimension`] and a factor to its base unit: a price per
//!    GPU-hour cannot cite GPU-hours, a GPU count cannot cite people.
//! 2. **Currency and dollars.** The claim's money (any currency, of [`Claim::dollar_year`])
//!    is put in the input's: US dollars of the input's dollars, by the caller's conversion
//!    (traincost's: the exchange rate of the claim's year, then the price index). A claim in a
//!    currency or year the caller cannot convert may only inform an assumption.
//! 3. **Value.** The claim's qualifier gives the interval of numbers consistent with it
//!    ([`Value::interval`], with [`ABOUT_SLACK`] for "about", and the claim's own rounding for
//!    "exact", see [`exact_tolerance`]). A point value must lie in it; a distribution's 90%
//!    interval (5th to 95th percentile) must meet it.
//!
//! An input whose value differs on purpose is an assumption *informed by* the claim: the
//! scenario says so (`informed_by`, with an `assumption`), and no check applies.
//!
//! ```
//! use traincost_claims::{ClaimSet, citation::{self, InputValue}};
//! let set = ClaimSet::builtin();
//! let price = set.get("deepseek-v3-assumed-h800-rental-price").unwrap(); // $2, exact, 2024
//! let same_dollars = |_currency, _year: i32| Some(1.0);
//! assert!(citation::check(price, "USD/GPU-hour", InputValue::Point(2.0), &same_dollars).is_ok());
//! let err = citation::check(price, "USD/GPU-hour", InputValue::Point(3.0), &same_dollars).unwrap_err();
//! assert!(err.to_string().contains("1.98 to 2.02"), "{err}");
//! let hours = set.get("deepseek-v3-pretraining-gpu-hours").unwrap();
//! let err = citation::check(hours, "USD/GPU-hour", InputValue::Point(2.0), &same_dollars).unwrap_err();
//! assert!(matches!(err, citation::CitationError::Dimension { .. }));
//! // 2,664 K GPU-hours is the claim's 2,664,000 GPU-hours.
//! assert!(citation::check(hours, "K GPU-hours", InputValue::Point(2664.0), &same_dollars).is_ok());
//! ```

use std::fmt;

use crate::{BaseUnit, Claim, Currency, Per, Unit, Value, format_number};

/// Relative slack for "about" claims: "about $1B" is consistent with $0.9B-$1.1B.
pub const ABOUT_SLACK: f64 = 0.1;

/// The widest rounding an "exact" claim is allowed to hide, relative to its figure (1%).
pub const EXACT_MAX_SLACK: f64 = 0.01;

/// Hours in a year (365.25 days), for durations.
const HOURS_PER_YEAR: f64 = 8766.0;

/// Relative slack for floating-point noise in unit and dollar conversions.
const FLOAT_EPS: f64 = 1e-9;

/// What a number measures, whatever unit it is written in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Dimension {
    /// Money in a currency, optionally per something (`USD per GPU-hour`); base: one unit of
    /// the currency (per year for `per month`).
    Money {
        /// The currency.
        currency: Currency,
        /// The denominator (`per GPU-hour`, `per GPU`, `per year`), if a rate.
        per: Option<Per>,
    },
    /// GPU-hours (of any GPU model); base: GPU-hours.
    GpuHours,
    /// A number of GPUs; base: GPUs.
    Gpus,
    /// A number of people; base: people.
    People,
    /// Model parameters; base: parameters.
    Parameters,
    /// Tokens; base: tokens.
    Tokens,
    /// A duration; base: hours.
    Duration,
    /// Floating-point operations; base: FLOP.
    Flop,
    /// A share; base: a fraction (1 = 100%).
    Fraction,
    /// A multiple ("2.4x"); base: x.
    Multiple,
    /// Power; base: W.
    Watts,
    /// Electrical energy; base: kWh.
    Energy,
    /// Emissions; base: tCO2eq.
    Co2,
    /// Emissions per unit of electricity (a grid's carbon intensity); base: gCO2eq per kWh.
    CarbonIntensity,
    /// Anything else, by its canonical unit (`FLOP/s`, `USD/kWh`, `x per year`): equal only to
    /// itself.
    Other(String),
}

impl Dimension {
    /// The dimension of a claim's unit and the factor from the unit to the dimension's base.
    ///
    /// ```
    /// use traincost_claims::citation::Dimension;
    /// let (d, k) = Dimension::of_claim_unit(&"percent".parse().unwrap());
    /// assert_eq!((d, k), (Dimension::Fraction, 0.01));
    /// let (d, _) = Dimension::of_claim_unit(&"H800 GPU-hours".parse().unwrap());
    /// assert_eq!(d, Dimension::GpuHours);
    /// ```
    pub fn of_claim_unit(u: &Unit) -> (Dimension, f64) {
        if let BaseUnit::Money { currency, .. } = u.base {
            return match u.per {
                Some(Per::Month) => (
                    Dimension::Money {
                        currency,
                        per: Some(Per::Year),
                    },
                    12.0,
                ),
                per => (Dimension::Money { currency, per }, 1.0),
            };
        }
        if let BaseUnit::Carbon { mass, .. } = u.base {
            match u.per {
                None => return (Dimension::Co2, mass.grams() / 1e6),
                Some(Per::KilowattHour) => return (Dimension::CarbonIntensity, mass.grams()),
                Some(Per::MegawattHour) => {
                    return (Dimension::CarbonIntensity, mass.grams() / 1e3);
                }
                Some(_) => {}
            }
        }
        if u.per.is_some() {
            return (Dimension::Other(u.to_string()), 1.0);
        }
        match &u.base {
            BaseUnit::Money { .. } => unreachable!("handled above"),
            BaseUnit::GpuHours { .. } => (Dimension::GpuHours, 1.0),
            BaseUnit::Gpus { .. } => (Dimension::Gpus, 1.0),
            BaseUnit::Flop => (Dimension::Flop, 1.0),
            BaseUnit::TonnesCo2e => (Dimension::Co2, 1.0),
            BaseUnit::Carbon { .. } => unreachable!("handled above"),
            BaseUnit::Percent => (Dimension::Fraction, 0.01),
            BaseUnit::Parameters => (Dimension::Parameters, 1.0),
            BaseUnit::Tokens => (Dimension::Tokens, 1.0),
            BaseUnit::Hours => (Dimension::Duration, 1.0),
            BaseUnit::Days => (Dimension::Duration, 24.0),
            BaseUnit::Months => (Dimension::Duration, HOURS_PER_YEAR / 12.0),
            BaseUnit::Years => (Dimension::Duration, HOURS_PER_YEAR),
            BaseUnit::Watts => (Dimension::Watts, 1.0),
            BaseUnit::Energy(e) => (Dimension::Energy, e.kwh()),
            BaseUnit::People => (Dimension::People, 1.0),
            BaseUnit::Factor { .. } => (Dimension::Multiple, 1.0),
        }
    }

    /// The dimension of a scenario unit spelling (`USD/GPU-hour`, `K GPU-hours`, `years`,
    /// `%`, ...) and the factor from it to the dimension's base. Unknown spellings are
    /// [`Dimension::Other`].
    ///
    /// ```
    /// use traincost_claims::citation::Dimension;
    /// assert_eq!(Dimension::of_scenario_unit("M GPU-hours"), (Dimension::GpuHours, 1e6));
    /// assert_eq!(Dimension::of_scenario_unit("years"), (Dimension::Duration, 8766.0));
    /// ```
    pub fn of_scenario_unit(s: &str) -> (Dimension, f64) {
        let usd = |per| Dimension::Money {
            currency: Currency::Usd,
            per,
        };
        match s {
            "GPU-hours" | "GPU-hour" => (Dimension::GpuHours, 1.0),
            "K GPU-hours" => (Dimension::GpuHours, 1e3),
            "M GPU-hours" => (Dimension::GpuHours, 1e6),
            "GPU-days" => (Dimension::GpuHours, 24.0),
            "GPUs" | "GPU" => (Dimension::Gpus, 1.0),
            "people" => (Dimension::People, 1.0),
            "parameters" => (Dimension::Parameters, 1.0),
            "B parameters" => (Dimension::Parameters, 1e9),
            "tokens" => (Dimension::Tokens, 1.0),
            "B tokens" => (Dimension::Tokens, 1e9),
            "T tokens" => (Dimension::Tokens, 1e12),
            "hours" | "hour" | "h" => (Dimension::Duration, 1.0),
            "days" => (Dimension::Duration, 24.0),
            "weeks" => (Dimension::Duration, 168.0),
            "months" => (Dimension::Duration, HOURS_PER_YEAR / 12.0),
            "years" | "year" => (Dimension::Duration, HOURS_PER_YEAR),
            "FLOP" => (Dimension::Flop, 1.0),
            "FLOP/s" => (Dimension::Other("FLOP/s".into()), 1.0),
            "TFLOP/s" => (Dimension::Other("FLOP/s".into()), 1e12),
            "PFLOP/s" => (Dimension::Other("FLOP/s".into()), 1e15),
            "fraction" => (Dimension::Fraction, 1.0),
            "%" | "percent" => (Dimension::Fraction, 0.01),
            "x" => (Dimension::Multiple, 1.0),
            "W" => (Dimension::Watts, 1.0),
            "kW" => (Dimension::Watts, 1e3),
            "kWh" => (Dimension::Energy, 1.0),
            "MWh" => (Dimension::Energy, 1e3),
            "GWh" => (Dimension::Energy, 1e6),
            "USD/GPU-hour" => (usd(Some(Per::GpuHour)), 1.0),
            "USD/GPU" => (usd(Some(Per::Gpu)), 1.0),
            "USD/year" => (usd(Some(Per::Year)), 1.0),
            "USD/month" => (usd(Some(Per::Year)), 12.0),
            "USD" => (usd(None), 1.0),
            "USD/kWh" => (Dimension::Other("USD/kWh".into()), 1.0),
            "USD/MWh" => (Dimension::Other("USD/kWh".into()), 1e-3),
            "gCO2e/kWh" => (Dimension::CarbonIntensity, 1.0),
            "kgCO2e/kWh" => (Dimension::CarbonIntensity, 1e3),
            "tCO2e" | "tCO2eq" => (Dimension::Co2, 1.0),
            other => (Dimension::Other(other.to_owned()), 1.0),
        }
    }

    /// The same dimension, ignoring the currency of money.
    fn same_kind(&self, other: &Dimension) -> bool {
        match (self, other) {
            (Dimension::Money { per: a, .. }, Dimension::Money { per: b, .. }) => a == b,
            _ => self == other,
        }
    }
}

impl fmt::Display for Dimension {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Dimension::Money { currency, per } => {
                let what = match per {
                    None => "an amount of money",
                    Some(Per::GpuHour) => "a price per GPU-hour",
                    Some(Per::Gpu) => "a price per GPU",
                    Some(Per::Year) => "money per year",
                    Some(Per::Hour) => "money per hour",
                    Some(Per::Server) => "a price per server",
                    Some(Per::Share) => "a share price",
                    Some(_) => "a price per token",
                };
                match currency {
                    Currency::Usd => f.write_str(what),
                    other => write!(f, "{what} in {}", other.code()),
                }
            }
            Dimension::GpuHours => f.write_str("GPU-hours"),
            Dimension::Gpus => f.write_str("a number of GPUs"),
            Dimension::People => f.write_str("a number of people"),
            Dimension::Parameters => f.write_str("parameters"),
            Dimension::Tokens => f.write_str("tokens"),
            Dimension::Duration => f.write_str("a duration"),
            Dimension::Flop => f.write_str("FLOP"),
            Dimension::Fraction => f.write_str("a fraction"),
            Dimension::Multiple => f.write_str("a multiple"),
            Dimension::Watts => f.write_str("power"),
            Dimension::Energy => f.write_str("energy"),
            Dimension::Co2 => f.write_str("emissions"),
            Dimension::CarbonIntensity => f.write_str("a grid carbon intensity"),
            Dimension::Other(u) => write!(f, "{u}"),
        }
    }
}

/// An input's value, in the input's unit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum InputValue {
    /// A known value.
    Point(f64),
    /// A distribution, by its 90% interval.
    Interval90 {
        /// 5th percentile.
        p5: f64,
        /// 95th percentile.
        p95: f64,
    },
}

impl fmt::Display for InputValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            InputValue::Point(x) => f.write_str(&format_number(x)),
            // Percentiles to four significant digits: 2.8e6, not 2,800,000.0006.
            InputValue::Interval90 { p5, p95 } => write!(
                f,
                "a distribution whose 90% interval is {} to {}",
                format_number(significant(p5, 4)),
                format_number(significant(p95, 4))
            ),
        }
    }
}

/// `x` rounded to `digits` significant digits.
fn significant(x: f64, digits: i32) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let scale = 10f64.powi(digits - 1 - x.abs().log10().floor() as i32);
    (x * scale).round() / scale
}

/// Why an input may not cite a claim as its value.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CitationError {
    /// The claim measures something else.
    #[error(
        "the claim is in {claim_unit} ({claim_dim}), but the input is {input_dim} ({input_unit})"
    )]
    Dimension {
        /// The claim's unit as written.
        claim_unit: String,
        /// What the claim measures.
        claim_dim: Dimension,
        /// The input's unit.
        input_unit: String,
        /// What the input measures.
        input_dim: Dimension,
    },
    /// Money in a currency the caller has no exchange rate for, in the claim's year.
    #[error(
        "the claim is in {}: traincost has no {}/USD exchange rate for {year}, the claim's year, so it cannot be checked",
        .currency.code(), .currency.code()
    )]
    Currency {
        /// The claim's currency.
        currency: Currency,
        /// The year of the claim's money.
        year: i32,
    },
    /// The price index cannot put the claim's dollars in the input's.
    #[error("the price index has no value for {year}, the dollars of the claim")]
    Dollars {
        /// The claim's dollar year.
        year: i32,
    },
    /// The value is outside what the claim allows.
    #[error("the input is {input} {unit}, but the claim says {claim} ({allows})")]
    Disagrees {
        /// The input's value or 90% interval, for people.
        input: InputValue,
        /// The input's unit.
        unit: String,
        /// The claim's figure as stated, with its unit (`2 USD per GPU-hour`).
        claim: String,
        /// What it allows, in the input's unit and dollars (`exact up to rounding: 1.98 to
        /// 2.02 USD/GPU-hour`).
        allows: String,
        /// The interval of numbers consistent with the claim, in the input's unit.
        interval: (f64, f64),
    },
}

/// How far an "exact" figure may be from the number it stands for: half a unit in its last
/// significant digit as recorded (`2,664,000` is stated to the thousand: 500; `1.36` to the
/// hundredth: 0.005), at most [`EXACT_MAX_SLACK`] of it (`2` allows 1.98 to 2.02, not 1.5 to
/// 2.5). In the claim's unit.
///
/// ```
/// use traincost_claims::citation::exact_tolerance;
/// assert_eq!(exact_tolerance(2_664_000.0), 500.0);
/// assert!((exact_tolerance(1.36) - 0.005).abs() < 1e-12);
/// assert!((exact_tolerance(2.0) - 0.02).abs() < 1e-12);
/// assert_eq!(exact_tolerance(0.0), 0.0);
/// ```
pub fn exact_tolerance(x: f64) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return 0.0;
    }
    // `{:e}` is the shortest form that reads back as x: `2.664e6`, `2e0`, `1.36e0`.
    let s = format!("{:e}", x.abs());
    let (mantissa, exp) = s.split_once('e').unwrap_or((&s, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let decimals = mantissa.split_once('.').map_or(0, |(_, d)| d.len()) as i32;
    let half_unit = 0.5 * 10f64.powi(exp - decimals);
    half_unit.min(EXACT_MAX_SLACK * x.abs())
}

/// The interval of numbers consistent with the claim, in the claim's unit: the qualifier's
/// [`Value::interval`] with [`ABOUT_SLACK`], an exact figure widened by its
/// [`exact_tolerance`]. Bounds are open-ended (infinite) on their free side.
pub fn claim_interval(value: &Value) -> (f64, f64) {
    let (lo, hi) = value.interval(ABOUT_SLACK);
    match *value {
        Value::Exact(x) => (lo - exact_tolerance(x), hi + exact_tolerance(x)),
        _ => (lo, hi),
    }
}

/// What the qualifier allows, for messages.
fn allows(value: &Value, (lo, hi): (f64, f64), unit: &str) -> String {
    let n = format_number;
    match value {
        Value::Exact(_) if lo == hi => format!("exact: {} {unit}", n(lo)),
        Value::Exact(_) => format!("exact up to its rounding: {} to {} {unit}", n(lo), n(hi)),
        Value::About(_) => format!(
            "about, within {}%: {} to {} {unit}",
            ABOUT_SLACK * 100.0,
            n(lo),
            n(hi)
        ),
        Value::Range { .. } => format!("a range: {} to {} {unit}", n(lo), n(hi)),
        Value::AtLeast(_) => format!("at least {} {unit}", n(lo)),
        Value::AtMost(_) => format!("at most {} {unit}", n(hi)),
    }
}

/// The interval of numbers consistent with `claim`, in the input's unit (`input_unit`, a
/// scenario spelling) and, for money, in the input's dollars: `to_input_dollars(currency,
/// year)` is the factor from money in `currency` of `year` (the claim's
/// [`Claim::dollar_year`]) to US dollars of the input's dollars (for another currency: at the
/// exchange rate of `year`, then by the price index).
///
/// Errors when the claim cannot be an input's value at all: another dimension, another
/// currency, or dollars the index does not cover.
pub fn claim_interval_in(
    claim: &Claim,
    input_unit: &str,
    to_input_dollars: &dyn Fn(Currency, i32) -> Option<f64>,
) -> Result<(f64, f64), CitationError> {
    let (claim_dim, claim_k) = Dimension::of_claim_unit(&claim.unit);
    let (input_dim, input_k) = Dimension::of_scenario_unit(input_unit);
    if !claim_dim.same_kind(&input_dim) {
        return Err(CitationError::Dimension {
            claim_unit: claim.unit.to_string(),
            claim_dim,
            input_unit: input_unit.to_owned(),
            input_dim,
        });
    }
    let mut k = claim_k / input_k;
    if let Dimension::Money { currency, .. } = claim_dim {
        let year = claim.dollar_year().unwrap_or(claim.published().year());
        k *= to_input_dollars(currency, year).ok_or(if currency == Currency::Usd {
            CitationError::Dollars { year }
        } else {
            CitationError::Currency { currency, year }
        })?;
    }
    let (lo, hi) = claim_interval(&claim.value);
    Ok((lo * k, hi * k))
}

/// Checks that an input whose value is `claim`'s figure (not an assumption informed by it)
/// agrees with it: same dimension, USD, and a value inside what the qualifier allows (a
/// point) or a 90% interval that meets it (a distribution). `input_unit` is the unit the
/// value is in (a scenario spelling); `to_input_dollars` as in [`claim_interval_in`].
///
/// Returns the claim's interval in the input's unit and dollars.
pub fn check(
    claim: &Claim,
    input_unit: &str,
    value: InputValue,
    to_input_dollars: &dyn Fn(Currency, i32) -> Option<f64>,
) -> Result<(f64, f64), CitationError> {
    let (lo, hi) = claim_interval_in(claim, input_unit, to_input_dollars)?;
    let (a, b) = match value {
        InputValue::Point(x) => (x, x),
        InputValue::Interval90 { p5, p95 } => (p5.min(p95), p5.max(p95)),
    };
    let eps = |x: f64| FLOAT_EPS * x.abs();
    if b >= lo - eps(lo) && a <= hi + eps(hi) {
        return Ok((lo, hi));
    }
    let mut stated = claim.value.to_string();
    if claim.unit.currency().is_some() {
        stated = format!("{stated} {}", claim.unit);
        if claim.unit.money_year().is_none() {
            stated.push_str(&format!(" in {} dollars", claim.published().year()));
        }
    } else {
        stated = format!("{stated} {}", claim.unit);
    }
    Err(CitationError::Disagrees {
        input: value,
        unit: input_unit.to_owned(),
        claim: stated,
        allows: allows(&claim.value, (lo, hi), input_unit),
        interval: (lo, hi),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ClaimSet;

    /// A one-claim set: value, value_high, qualifier, unit; published 2024-06.
    fn claim(v: f64, high: Option<f64>, q: &str, unit: &str) -> Claim {
        let high_line = high.map_or(String::new(), |h| format!("value_high = {h:?}\n"));
        let quote = match high {
            Some(h) => format!("between {v} and {h}"),
            None => format!("it was {v}"),
        };
        let src = format!(
            "[[claim]]\nid = \"c\"\nsubject = \"S\"\nquantity = \"q\"\nvalue = {v:?}\n{high_line}unit = \"{unit}\"\nqualifier = \"{q}\"\nclaimant = \"C\"\nsource_title = \"T\"\nsource_url = \"https://example.com/\"\npublished = \"2024-06\"\nquote = \"{quote}\"\nnotes = \"n\"\nstatus = \"verified\"\n"
        );
        ClaimSet::parse_str("t.toml", &src)
            .unwrap()
            .get("c")
            .unwrap()
            .clone()
    }

    fn same(_: Currency, _: i32) -> Option<f64> {
        Some(1.0)
    }

    fn ok(c: &Claim, unit: &str, v: InputValue) -> bool {
        check(c, unit, v, &same).is_ok()
    }

    use InputValue::{Interval90, Point};

    #[test]
    fn exact_allows_its_rounding_and_no_more() {
        let c = claim(2.0, None, "exact", "USD per GPU-hour");
        assert!(ok(&c, "USD/GPU-hour", Point(2.0)));
        assert!(ok(&c, "USD/GPU-hour", Point(2.02)));
        assert!(!ok(&c, "USD/GPU-hour", Point(2.03)));
        assert!(!ok(&c, "USD/GPU-hour", Point(3.0)));
        let h = claim(2_664_000.0, None, "exact", "H800 GPU-hours");
        assert!(ok(&h, "GPU-hours", Point(2_664_400.0)));
        assert!(!ok(&h, "GPU-hours", Point(2_665_000.0)));
    }

    #[test]
    fn scales_convert_both_ways() {
        let h = claim(2_664_000.0, None, "exact", "H800 GPU-hours");
        assert!(ok(&h, "K GPU-hours", Point(2664.0)));
        assert!(ok(&h, "M GPU-hours", Point(2.664)));
        assert!(!ok(&h, "M GPU-hours", Point(2.7)));
        assert!(ok(&h, "GPU-days", Point(111_000.0)));
        let p = claim(37e9, None, "exact", "parameters");
        assert!(ok(&p, "B parameters", Point(37.0)));
        let pct = claim(40.0, None, "about", "percent");
        assert!(ok(&pct, "fraction", Point(0.43)));
        assert!(!ok(&pct, "fraction", Point(0.45)));
        assert!(ok(&pct, "%", Point(37.0)));
        let d = claim(2.0, None, "exact", "months");
        assert!(ok(&d, "days", Point(60.875)));
        assert!(ok(&d, "years", Point(2.0 / 12.0)));
        assert!(ok(&d, "hours", Point(1461.0)));
        let m = claim(10_000.0, None, "exact", "USD per month");
        assert!(ok(&m, "USD/year", Point(120_000.0)));
        assert!(ok(&m, "USD/month", Point(10_000.0)));
    }

    #[test]
    fn about_allows_ten_percent() {
        let c = claim(5000.0, None, "about", "GPU-hours");
        assert!(ok(&c, "GPU-hours", Point(4500.0)));
        assert!(ok(&c, "GPU-hours", Point(5500.0)));
        assert!(!ok(&c, "GPU-hours", Point(5600.0)));
        assert!(!ok(&c, "GPU-hours", Point(4400.0)));
    }

    #[test]
    fn range_and_bounds() {
        let r = claim(2.0, Some(4.0), "range", "x reported GPU hours");
        assert!(ok(&r, "x", Point(2.0)));
        assert!(ok(&r, "x", Point(4.0)));
        assert!(!ok(&r, "x", Point(4.1)));
        assert!(!ok(&r, "x", Point(1.9)));
        let least = claim(500.0, None, "at least", "GPUs");
        assert!(ok(&least, "GPUs", Point(500.0)));
        assert!(ok(&least, "GPUs", Point(1e6)));
        assert!(!ok(&least, "GPUs", Point(499.0)));
        let most = claim(500.0, None, "at most", "people");
        assert!(ok(&most, "people", Point(10.0)));
        assert!(!ok(&most, "people", Point(501.0)));
    }

    #[test]
    fn distributions_must_reach_the_claim_with_their_90_percent_interval() {
        let c = claim(2.0, None, "exact", "USD per GPU-hour");
        let iv = |p5, p95| Interval90 { p5, p95 };
        assert!(ok(&c, "USD/GPU-hour", iv(1.5, 4.0)));
        assert!(!ok(&c, "USD/GPU-hour", iv(2.5, 4.0)));
        let least = claim(500.0, None, "at least", "GPUs");
        assert!(ok(&least, "GPUs", iv(100.0, 600.0)));
        assert!(!ok(&least, "GPUs", iv(100.0, 400.0)));
        let r = claim(2.0, Some(4.0), "range", "x");
        assert!(ok(&r, "x", iv(3.5, 6.0)));
        assert!(!ok(&r, "x", iv(4.5, 6.0)));
    }

    #[test]
    fn another_dimension_is_refused() {
        let hours = claim(2_664_000.0, None, "exact", "H800 GPU-hours");
        let e = check(&hours, "USD/GPU-hour", Point(2.0), &same).unwrap_err();
        assert!(matches!(e, CitationError::Dimension { .. }), "{e}");
        assert!(e.to_string().contains("GPU-hours"), "{e}");
        assert!(e.to_string().contains("a price per GPU-hour"), "{e}");
        let per_gpu = claim(30_000.0, None, "exact", "USD per GPU");
        assert!(matches!(
            check(&per_gpu, "USD/GPU-hour", Point(2.0), &same),
            Err(CitationError::Dimension { .. })
        ));
        let total = claim(5.576e6, None, "exact", "USD");
        assert!(matches!(
            check(&total, "USD/year", Point(5.576e6), &same),
            Err(CitationError::Dimension { .. })
        ));
        let gpus = claim(512.0, None, "exact", "GPUs (NVIDIA H800)");
        assert!(matches!(
            check(&gpus, "people", Point(512.0), &same),
            Err(CitationError::Dimension { .. })
        ));
        assert!(ok(&gpus, "GPUs", Point(512.0)));
    }

    #[test]
    fn other_currencies_are_converted_by_the_caller() {
        let c = claim(2e6, None, "exact", "CNY per server");
        let e = check(&c, "USD/GPU", Point(35_000.0), &same).unwrap_err();
        // Per server is not per GPU: the dimension is the first thing wrong.
        assert!(matches!(e, CitationError::Dimension { .. }), "{e}");
        // 1.54M CNY a year (2024) at 7.7 CNY/USD is 200,000 USD: the caller's rate converts.
        let c = claim(1.54e6, None, "at most", "CNY per year");
        let rate = |cur: Currency, y: i32| match (cur, y) {
            (Currency::Cny, 2024) => Some(1.0 / 7.7),
            (Currency::Usd, _) => Some(1.0),
            _ => None,
        };
        assert!(check(&c, "USD/year", Point(199_000.0), &rate).is_ok());
        assert!(check(&c, "USD/year", Point(201_000.0), &rate).is_err());
        // A currency or year the caller cannot convert is an error saying which.
        let none = |cur: Currency, _: i32| (cur == Currency::Usd).then_some(1.0);
        let e = check(&c, "USD/year", Point(1.0), &none).unwrap_err();
        assert_eq!(
            e,
            CitationError::Currency {
                currency: Currency::Cny,
                year: 2024
            }
        );
        assert!(
            e.to_string().contains("no CNY/USD exchange rate for 2024"),
            "{e}"
        );
    }

    #[test]
    fn money_is_compared_in_the_inputs_dollars() {
        let c = claim(2.0, None, "exact", "USD per GPU-hour"); // 2024 dollars (published)
        let later = |_: Currency, y: i32| (y == 2024).then_some(1.03);
        assert!(check(&c, "USD/GPU-hour", Point(2.06), &later).is_ok());
        assert!(check(&c, "USD/GPU-hour", Point(2.0), &later).is_err());
        let stated = claim(100.0, None, "exact", "USD (2020)");
        let seen = std::cell::Cell::new(0);
        let f = |_: Currency, y: i32| {
            seen.set(y);
            Some(1.2)
        };
        assert!(check(&stated, "USD", Point(120.0), &f).is_ok());
        assert_eq!(seen.get(), 2020);
        let none = |_: Currency, _: i32| None;
        assert_eq!(
            check(&c, "USD/GPU-hour", Point(2.0), &none),
            Err(CitationError::Dollars { year: 2024 })
        );
    }

    #[test]
    fn messages_name_the_figure_and_what_it_allows() {
        let c = claim(2.0, None, "exact", "USD per GPU-hour");
        let e = check(&c, "USD/GPU-hour", Point(3.0), &same).unwrap_err();
        let s = e.to_string();
        assert!(s.contains("the input is 3 USD/GPU-hour"), "{s}");
        assert!(
            s.contains("the claim says 2 USD per GPU-hour in 2024 dollars"),
            "{s}"
        );
        assert!(s.contains("1.98 to 2.02 USD/GPU-hour"), "{s}");
    }

    mod props {
        use super::*;
        use proptest::prelude::*;

        fn qualifier() -> impl Strategy<Value = (&'static str, bool)> {
            prop_oneof![
                Just(("exact", false)),
                Just(("about", false)),
                Just(("at least", false)),
                Just(("at most", false)),
                Just(("range", true)),
            ]
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(64))]

            /// The claim's own figure (the midpoint of a range), written in any scale of the
            /// same dimension, always passes.
            #[test]
            fn the_claims_figure_always_passes(
                x in 1e-3f64..1e12, width in 1.0f64..3.0, (q, range) in qualifier(),
                scale in prop_oneof![Just(("GPU-hours", 1.0)), Just(("K GPU-hours", 1e3)), Just(("M GPU-hours", 1e6))],
            ) {
                let c = claim(x, range.then_some(x * width), q, "GPU-hours");
                let v = c.value.point() / scale.1;
                prop_assert!(check(&c, scale.0, InputValue::Point(v), &same).is_ok());
            }

            /// A distribution whose 90% interval lies wholly beyond what the claim allows
            /// always fails (the scenario must then say `informed_by`).
            #[test]
            fn an_interval_excluding_the_claim_always_fails(
                x in 1e-3f64..1e12, width in 1.0f64..3.0, (q, range) in qualifier(),
                gap in 1.001f64..10.0, spread in 1.0f64..10.0, above in any::<bool>(),
            ) {
                let c = claim(x, range.then_some(x * width), q, "USD per GPU-hour");
                let (lo, hi) = claim_interval(&c.value);
                let iv = if above {
                    prop_assume!(hi.is_finite());
                    InputValue::Interval90 { p5: hi * gap, p95: hi * gap * spread }
                } else {
                    prop_assume!(lo.is_finite() && lo > 0.0);
                    InputValue::Interval90 { p5: lo / gap / spread, p95: lo / gap }
                };
                prop_assert!(check(&c, "USD/GPU-hour", iv, &same).is_err());
            }
        }
    }
}
