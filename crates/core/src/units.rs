//! Units as types.
//!
//! Public APIs take and return these newtypes, never bare `f64`, so that GPU-hours cannot be
//! passed where FLOP are expected. Arithmetic is implemented only where it means something:
//! GPU-hours add to GPU-hours, a price per GPU-hour times GPU-hours is money, FLOP divided by a
//! throughput is time. Money is [`Usd`], which carries the dollars it is expressed in
//! ([`DollarDate`]); see [`crate::money`] for conversion between dollar years.
//!
//! The Monte Carlo hot loop works on plain `f64` columns for speed; these types guard the
//! boundaries (scenario parsing, model construction, results).

use std::fmt;
use std::ops::{Add, AddAssign, Div, Mul, Sub};

use serde::{Deserialize, Serialize};

/// Seconds in an hour.
pub const SECONDS_PER_HOUR: f64 = 3600.0;
/// Hours in a Julian year (365.25 days), the convention Epoch AI uses.
pub const HOURS_PER_YEAR: f64 = 8766.0;
/// Days in a Julian year.
pub const DAYS_PER_YEAR: f64 = 365.25;

macro_rules! scalar_unit {
    ($(#[$doc:meta])* $name:ident, $symbol:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Default, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub f64);

        impl $name {
            /// The unit's symbol, as printed in reports.
            pub const SYMBOL: &'static str = $symbol;

            /// The bare number, in this unit.
            pub const fn value(self) -> f64 {
                self.0
            }
        }

        impl Add for $name {
            type Output = Self;
            fn add(self, rhs: Self) -> Self {
                Self(self.0 + rhs.0)
            }
        }

        impl AddAssign for $name {
            fn add_assign(&mut self, rhs: Self) {
                self.0 += rhs.0;
            }
        }

        impl Sub for $name {
            type Output = Self;
            fn sub(self, rhs: Self) -> Self {
                Self(self.0 - rhs.0)
            }
        }

        /// Scaling by a dimensionless factor.
        impl Mul<f64> for $name {
            type Output = Self;
            fn mul(self, k: f64) -> Self {
                Self(self.0 * k)
            }
        }

        /// The ratio of two quantities of the same unit is dimensionless.
        impl Div for $name {
            type Output = f64;
            fn div(self, rhs: Self) -> f64 {
                self.0 / rhs.0
            }
        }

        impl std::iter::Sum for $name {
            fn sum<I: Iterator<Item = Self>>(iter: I) -> Self {
                Self(iter.map(|x| x.0).sum())
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{} {}", self.0, Self::SYMBOL)
            }
        }
    };
}

scalar_unit!(
    /// Accelerator time: one GPU (or TPU) busy for one hour.
    GpuHours,
    "GPU-hours"
);
scalar_unit!(
    /// Floating-point operations (a count, not a rate).
    Flop,
    "FLOP"
);
scalar_unit!(
    /// Throughput in floating-point operations per second.
    FlopPerSecond,
    "FLOP/s"
);
scalar_unit!(
    /// Power in watts.
    Watts,
    "W"
);
scalar_unit!(
    /// Energy in kilowatt-hours.
    KilowattHours,
    "kWh"
);
scalar_unit!(
    /// Wall-clock duration in hours.
    Hours,
    "h"
);
scalar_unit!(
    /// Duration in (Julian) years.
    Years,
    "years"
);
scalar_unit!(
    /// A count of things: GPUs, people, parameters, tokens.
    Count,
    "count"
);

impl Flop {
    /// GPU-hours needed to execute these FLOP at `peak` per GPU and model FLOP utilization `mfu`.
    pub fn gpu_hours_at(self, peak: FlopPerSecond, mfu: f64) -> GpuHours {
        GpuHours(self.0 / (peak.0 * mfu) / SECONDS_PER_HOUR)
    }

    /// Training compute of a dense or mixture-of-experts transformer: 6 x active parameters x tokens.
    pub fn from_parameters_and_tokens(active_parameters: Count, tokens: Count) -> Flop {
        Flop(6.0 * active_parameters.0 * tokens.0)
    }
}

impl GpuHours {
    /// GPU-hours of `gpus` accelerators running for `hours`.
    pub fn from_gpus_and_hours(gpus: Count, hours: Hours) -> GpuHours {
        GpuHours(gpus.0 * hours.0)
    }

    /// Model FLOP utilization implied by running `flop` in these GPU-hours at `peak` per GPU.
    pub fn implied_utilization(self, flop: Flop, peak: FlopPerSecond) -> f64 {
        flop.0 / (self.0 * SECONDS_PER_HOUR * peak.0)
    }
}

impl Hours {
    /// The same duration in years.
    pub fn to_years(self) -> Years {
        Years(self.0 / HOURS_PER_YEAR)
    }
}

impl Years {
    /// The same duration in hours.
    pub fn to_hours(self) -> Hours {
        Hours(self.0 * HOURS_PER_YEAR)
    }

    /// A duration given in days.
    pub fn from_days(days: f64) -> Years {
        Years(days / DAYS_PER_YEAR)
    }
}

impl Watts {
    /// Energy used drawing this power for `hours`.
    pub fn over(self, hours: Hours) -> KilowattHours {
        KilowattHours(self.0 / 1000.0 * hours.0)
    }
}

/// The dollars money is expressed in: a calendar year (annual-average dollars) or a month.
///
/// Epoch AI reports "Dec-2023 dollars" (a month of a monthly producer price index); most press
/// figures are in the dollars of the year they were published.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DollarDate {
    /// Calendar year.
    pub year: i32,
    /// Month 1..=12, if the dollars are those of a month rather than a year's average.
    pub month: Option<u8>,
}

impl DollarDate {
    /// Annual-average dollars of `year`.
    pub const fn year(year: i32) -> Self {
        DollarDate { year, month: None }
    }

    /// Dollars of a month (`month` in 1..=12).
    pub const fn month(year: i32, month: u8) -> Self {
        DollarDate {
            year,
            month: Some(month),
        }
    }
}

impl fmt::Display for DollarDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.month {
            None => write!(f, "{}", self.year),
            Some(m) => write!(f, "{}-{:02}", self.year, m),
        }
    }
}

/// Why a dollar date did not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{}` is not a dollar year: write a year like `2024` or a month like `2023-12`",
    crate::excerpt(.0)
)]
pub struct DollarDateError(pub String);

impl std::str::FromStr for DollarDate {
    type Err = DollarDateError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || DollarDateError(s.to_owned());
        let (y, m) = match s.split_once('-') {
            Some((y, m)) => (y, Some(m)),
            None => (s, None),
        };
        if y.len() != 4 {
            return Err(err());
        }
        let year: i32 = y.parse().map_err(|_| err())?;
        let month = match m {
            None => None,
            Some(m) => {
                let m: u8 = m.parse().map_err(|_| err())?;
                if !(1..=12).contains(&m) {
                    return Err(err());
                }
                Some(m)
            }
        };
        Ok(DollarDate { year, month })
    }
}

impl TryFrom<String> for DollarDate {
    type Error = DollarDateError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<DollarDate> for String {
    fn from(d: DollarDate) -> String {
        d.to_string()
    }
}

/// The currency money is stated in. Reports are in US dollars: money in another currency is
/// converted to USD at the exchange rate of the period it was spent
/// ([`crate::money::ExchangeRates`]), then to the report's dollars with a price index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Currency {
    /// US dollar.
    #[serde(rename = "USD")]
    Usd,
    /// Chinese yuan renminbi.
    #[serde(rename = "CNY")]
    Cny,
    /// Euro.
    #[serde(rename = "EUR")]
    Eur,
    /// Pound sterling.
    #[serde(rename = "GBP")]
    Gbp,
    /// Japanese yen.
    #[serde(rename = "JPY")]
    Jpy,
}

impl Currency {
    /// Every currency traincost converts.
    pub const ALL: [Currency; 5] = [
        Currency::Usd,
        Currency::Cny,
        Currency::Eur,
        Currency::Gbp,
        Currency::Jpy,
    ];

    /// The ISO 4217 code (`CNY`).
    pub const fn code(self) -> &'static str {
        match self {
            Currency::Usd => "USD",
            Currency::Cny => "CNY",
            Currency::Eur => "EUR",
            Currency::Gbp => "GBP",
            Currency::Jpy => "JPY",
        }
    }

    /// The currency whose ISO 4217 code is `code` (`CNY`; case matters).
    pub fn from_code(code: &str) -> Option<Currency> {
        Currency::ALL.into_iter().find(|c| c.code() == code)
    }

    /// Splits a money unit into its currency and the rest: `CNY/year` is (CNY, `/year`),
    /// `USD/GPU-hour` (USD, `/GPU-hour`). `None` for a unit that does not begin with a known
    /// currency code followed by `/`.
    pub fn split_unit(unit: &str) -> Option<(Currency, &str)> {
        let (code, rest) = unit.split_at_checked(3)?;
        let c = Currency::from_code(code)?;
        rest.starts_with('/').then_some((c, rest))
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// US dollars, with the dollars they are expressed in.
///
/// Adding money in different dollars is a programming error and panics; convert first with
/// [`crate::money::PriceIndex::convert`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Usd {
    /// Amount in dollars.
    pub amount: f64,
    /// The dollars `amount` is expressed in.
    pub dollars: DollarDate,
}

impl Usd {
    /// `amount` dollars of `dollars`.
    pub const fn new(amount: f64, dollars: DollarDate) -> Self {
        Usd { amount, dollars }
    }
}

impl Add for Usd {
    type Output = Usd;
    fn add(self, rhs: Usd) -> Usd {
        assert_eq!(
            self.dollars, rhs.dollars,
            "adding money in different dollars: convert with PriceIndex first"
        );
        Usd::new(self.amount + rhs.amount, self.dollars)
    }
}

impl Mul<f64> for Usd {
    type Output = Usd;
    fn mul(self, k: f64) -> Usd {
        Usd::new(self.amount * k, self.dollars)
    }
}

impl fmt::Display for Usd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "${} ({} USD)", format_money(self.amount), self.dollars)
    }
}

/// A price per GPU-hour.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct UsdPerGpuHour(pub Usd);

impl Mul<GpuHours> for UsdPerGpuHour {
    type Output = Usd;
    fn mul(self, h: GpuHours) -> Usd {
        self.0 * h.0
    }
}

/// Formats an amount of money compactly: `5.576M`, `40.59M`, `1.6B`, `294K`, `2.00`.
pub fn format_money(amount: f64) -> String {
    let a = amount.abs();
    let (scaled, suffix) = if a >= 1e12 {
        (amount / 1e12, "T")
    } else if a >= 1e9 {
        (amount / 1e9, "B")
    } else if a >= 1e6 {
        (amount / 1e6, "M")
    } else if a >= 1e3 {
        (amount / 1e3, "K")
    } else {
        return format!("{amount:.2}");
    };
    let s = scaled.abs();
    let digits = if s >= 100.0 {
        1
    } else if s >= 10.0 {
        2
    } else {
        3
    };
    format!("{scaled:.digits$}{suffix}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flop_to_gpu_hours_and_back() {
        let flop = Flop::from_parameters_and_tokens(Count(37e9), Count(14.8e12));
        assert_eq!(flop.0, 3.2856e24);
        let peak = FlopPerSecond(9.89e14);
        let h = flop.gpu_hours_at(peak, 0.35);
        assert!((h.implied_utilization(flop, peak) - 0.35).abs() < 1e-12);
    }

    #[test]
    fn dollar_dates_parse_and_print() {
        assert_eq!(
            "2024".parse::<DollarDate>().unwrap(),
            DollarDate::year(2024)
        );
        assert_eq!(
            "2023-12".parse::<DollarDate>().unwrap(),
            DollarDate::month(2023, 12)
        );
        assert_eq!(DollarDate::month(2023, 3).to_string(), "2023-03");
        assert!("2023-13".parse::<DollarDate>().is_err());
        assert!("23".parse::<DollarDate>().is_err());
    }

    #[test]
    fn currency_units_split() {
        assert_eq!(
            Currency::split_unit("CNY/year"),
            Some((Currency::Cny, "/year"))
        );
        assert_eq!(
            Currency::split_unit("USD/GPU-hour"),
            Some((Currency::Usd, "/GPU-hour"))
        );
        assert_eq!(Currency::split_unit("CNYyear"), None);
        assert_eq!(Currency::split_unit("XYZ/year"), None);
        assert_eq!(Currency::split_unit("GP"), None);
    }

    #[test]
    fn money_formats_compactly() {
        assert_eq!(format_money(5_576_000.0), "5.576M");
        assert_eq!(format_money(40_586_592.58), "40.59M");
        assert_eq!(format_money(1.6e9), "1.600B");
        assert_eq!(format_money(294_000.0), "294.0K");
        assert_eq!(format_money(2.0), "2.00");
    }

    #[test]
    #[should_panic(expected = "different dollars")]
    fn adding_money_of_different_years_panics() {
        let _ = Usd::new(1.0, DollarDate::year(2023)) + Usd::new(1.0, DollarDate::year(2024));
    }
}
