//! Calendar dates (proleptic Gregorian, no time zone), enough for Epoch's date rules:
//! "publication date minus training time minus 60 days", "release date plus 90 days",
//! "years between acquisition and training start" (days / 365.25).
//!
//! # Example
//!
//! ```
//! use traincost_core::date::Date;
//!
//! let published: Date = "2024-12-27".parse().unwrap();
//! let acquired = Date::from_ymd(2023, 6, 27).unwrap();
//! assert!((published.years_since(acquired).0 - 1.5).abs() < 0.01);
//! assert!(Date::from_ymd(2024, 2, 30).is_none()); // dates that exist only
//! assert_eq!(published.to_string(), "2024-12-27");
//! ```

use std::fmt;

use crate::units::{DAYS_PER_YEAR, Hours, Years};

/// A calendar date, stored as days since 1970-01-01.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    days: i64,
}

/// Why a date did not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{}` is not a date: write it as YYYY-MM-DD, e.g. 2023-03-15", crate::excerpt(.0))]
pub struct DateError(pub String);

impl Date {
    /// The date `year-month-day`, or `None` if it does not exist.
    pub fn from_ymd(year: i32, month: u32, day: u32) -> Option<Date> {
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        Some(Date {
            days: days_from_civil(i64::from(year), i64::from(month), i64::from(day)),
        })
    }

    /// Days since 1970-01-01 (negative before).
    pub const fn days_since_epoch(self) -> i64 {
        self.days
    }

    /// The date `days` days since 1970-01-01.
    pub const fn from_days_since_epoch(days: i64) -> Date {
        Date { days }
    }

    /// Year, month (1-12) and day (1-31).
    pub fn ymd(self) -> (i32, u32, u32) {
        let (y, m, d) = civil_from_days(self.days);
        (y as i32, m as u32, d as u32)
    }

    /// The calendar year.
    pub fn year(self) -> i32 {
        self.ymd().0
    }

    /// The calendar month, 1-12.
    pub fn month(self) -> u32 {
        self.ymd().1
    }

    /// This date plus `days` (negative to go back).
    pub const fn add_days(self, days: i64) -> Date {
        Date {
            days: self.days + days,
        }
    }

    /// Whole days from `earlier` to `self` (negative if `earlier` is later).
    pub const fn days_since(self, earlier: Date) -> i64 {
        self.days - earlier.days
    }

    /// This date as a decimal year in Julian years from 1970 (2022-01-01 is about 2022.0), so
    /// that differences are [`Date::years_since`].
    pub fn decimal_year(self) -> f64 {
        1970.0 + self.days as f64 / DAYS_PER_YEAR
    }

    /// Julian years (365.25 days) from `earlier` to `self`, as Epoch counts them.
    pub fn years_since(self, earlier: Date) -> Years {
        Years(self.days_since(earlier) as f64 / DAYS_PER_YEAR)
    }

    /// The date of the instant `hours` before midnight at the start of this date.
    ///
    /// A subtraction that lands inside a day gives that day (the instant is truncated to its
    /// date, as pandas' `Timestamp.date()` does); non-finite or absurd durations give `None`.
    pub fn minus_hours(self, hours: Hours) -> Option<Date> {
        if !hours.0.is_finite() || hours.0.abs() > 1e8 {
            return None;
        }
        let days = (hours.0 / 24.0).ceil() as i64;
        Some(self.add_days(-days))
    }
}

impl std::str::FromStr for Date {
    type Err = DateError;

    /// Parses `YYYY-MM-DD`; a trailing time (`2023-03-15 00:00:00`, `2023-03-15T...`) is ignored.
    fn from_str(s: &str) -> Result<Date, DateError> {
        let err = || DateError(s.to_owned());
        let t = s.trim();
        let head = t.get(..10).ok_or_else(err)?;
        if t.len() > 10 && !matches!(t.as_bytes()[10], b' ' | b'T') {
            return Err(err());
        }
        let mut parts = head.split('-');
        let (Some(y), Some(m), Some(d), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(err());
        };
        if y.len() != 4 || m.len() != 2 || d.len() != 2 {
            return Err(err());
        }
        let y: i32 = y.parse().map_err(|_| err())?;
        let m: u32 = m.parse().map_err(|_| err())?;
        let d: u32 = d.parse().map_err(|_| err())?;
        Date::from_ymd(y, m, d).ok_or_else(err)
    }
}

/// The years a date written in a scenario may fall in: a training run, a purchase or a
/// publication outside them is a typo.
pub const WRITTEN_YEARS: std::ops::RangeInclusive<i32> = 1950..=2100;

/// Why a date a person wrote is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WrittenDateError {
    /// Not of the form asked for.
    #[error("`{}` is not a date: write it as {form}", crate::excerpt(.text))]
    Form {
        /// What was written.
        text: String,
        /// The forms accepted (`YYYY-MM-DD, e.g. 2023-03-15`).
        form: &'static str,
    },
    /// A month or day that does not exist.
    #[error("`{}` does not exist: {why}", crate::excerpt(.text))]
    NoSuchDate {
        /// What was written.
        text: String,
        /// Why (`February 2023 has 28 days`).
        why: String,
    },
    /// A year outside [`WRITTEN_YEARS`].
    #[error("`{}`: the year {year} is outside {first} to {last}", crate::excerpt(.text), first = WRITTEN_YEARS.start(), last = WRITTEN_YEARS.end())]
    Year {
        /// What was written.
        text: String,
        /// The year.
        year: i32,
    },
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// Checks a year a person wrote (a pay year, a date's year) is within [`WRITTEN_YEARS`].
pub fn check_written_year(year: i32) -> Result<(), WrittenDateError> {
    if WRITTEN_YEARS.contains(&year) {
        Ok(())
    } else {
        Err(WrittenDateError::Year {
            text: year.to_string(),
            year,
        })
    }
}

impl Date {
    /// Parses a date a person wrote in a scenario: exactly `YYYY-MM-DD` (or, when `month_ok`,
    /// `YYYY-MM`, read as the month's first day), a day that exists, in a year of
    /// [`WRITTEN_YEARS`]. The one parser for every date field of a scenario; unlike
    /// [`str::parse`], it takes no trailing time.
    pub fn parse_written(text: &str, month_ok: bool) -> Result<Date, WrittenDateError> {
        let form = if month_ok {
            "YYYY-MM-DD or YYYY-MM, e.g. 2023-03-15 or 2023-03"
        } else {
            "YYYY-MM-DD, e.g. 2023-03-15"
        };
        let bad_form = || WrittenDateError::Form {
            text: text.to_owned(),
            form,
        };
        let parts: Vec<&str> = text.split('-').collect();
        let digits = |p: &str, len: usize| p.len() == len && p.bytes().all(|b| b.is_ascii_digit());
        let (y, m, d) = match parts.as_slice() {
            [y, m, d] if digits(y, 4) && digits(m, 2) && digits(d, 2) => (*y, *m, Some(*d)),
            [y, m] if month_ok && digits(y, 4) && digits(m, 2) => (*y, *m, None),
            _ => return Err(bad_form()),
        };
        // Four and two ASCII digits always parse.
        let year: i32 = y.parse().map_err(|_| bad_form())?;
        let month: u32 = m.parse().map_err(|_| bad_form())?;
        let day: u32 = d.map_or(Ok(1), str::parse).map_err(|_| bad_form())?;
        check_written_year(year).map_err(|_| WrittenDateError::Year {
            text: text.to_owned(),
            year,
        })?;
        if !(1..=12).contains(&month) {
            return Err(WrittenDateError::NoSuchDate {
                text: text.to_owned(),
                why: format!("there is no month {month:02} (months are 01 to 12)"),
            });
        }
        Date::from_ymd(year, month, day).ok_or_else(|| WrittenDateError::NoSuchDate {
            text: text.to_owned(),
            why: format!(
                "{} {year} has {} days",
                MONTHS[month as usize - 1],
                days_in_month(year, month)
            ),
        })
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.ymd();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

fn is_leap(y: i32) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i32, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(y) => 29,
        _ => 28,
    }
}

// Howard Hinnant's civil-date algorithms.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn written_dates_exist_and_fall_in_sane_years() {
        let ok = |t: &str, m: bool| Date::parse_written(t, m).unwrap().to_string();
        assert_eq!(ok("2024-02-29", false), "2024-02-29");
        assert_eq!(ok("2023-03", true), "2023-03-01");
        assert_eq!(ok("1950-01-01", false), "1950-01-01");
        assert_eq!(ok("2100-12-31", false), "2100-12-31");
        let err = |t: &str, m: bool| Date::parse_written(t, m).unwrap_err().to_string();
        assert_eq!(
            err("2024-02-30", false),
            "`2024-02-30` does not exist: February 2024 has 29 days"
        );
        assert_eq!(
            err("2023-02-29", true),
            "`2023-02-29` does not exist: February 2023 has 28 days"
        );
        assert!(err("2024-13", true).contains("no month 13"));
        assert!(err("2024-00-10", false).contains("no month 00"));
        assert!(err("2024-04-31", false).contains("April 2024 has 30 days"));
        assert_eq!(
            err("1500-01-01", false),
            "`1500-01-01`: the year 1500 is outside 1950 to 2100"
        );
        assert!(err("2101-01", true).contains("outside 1950 to 2100"));
        for bad in [
            "yesterday",
            "2024-1-5",
            "2024/01/05",
            "24-01-05",
            "2024-01-05T00:00",
            "2024-01-05 ",
            "+024-01-05",
            "",
        ] {
            assert!(err(bad, true).contains("is not a date"), "{bad}");
        }
        // A month alone is refused where a day is needed.
        assert!(err("2024-03", false).contains("write it as YYYY-MM-DD,"));
        assert!(check_written_year(2024).is_ok());
        assert!(check_written_year(1949).is_err());
    }

    #[test]
    fn parses_prints_and_counts_days() {
        let a: Date = "2020-05-14".parse().unwrap();
        assert_eq!(a.to_string(), "2020-05-14");
        assert_eq!(a.add_days(90).to_string(), "2020-08-12");
        let s: Date = "2022-05-12".parse().unwrap();
        assert_eq!(s.days_since(a.add_days(90)), 638);
        assert_eq!(Date::from_ymd(1970, 1, 1).unwrap().days_since_epoch(), 0);
        assert!("2023-02-29".parse::<Date>().is_err());
        assert!("2024-02-29".parse::<Date>().is_ok());
        assert!("2023-3-15".parse::<Date>().is_err());
        assert!("".parse::<Date>().is_err());
        assert_eq!(
            "2023-03-15 00:00:00".parse::<Date>().unwrap().to_string(),
            "2023-03-15"
        );
    }

    #[test]
    fn hours_before_a_date_truncate_to_the_day() {
        let d: Date = "2023-11-15".parse().unwrap();
        assert_eq!(
            d.minus_hours(Hours(456.0)).unwrap().to_string(),
            "2023-10-27"
        );
        assert_eq!(d.minus_hours(Hours(1.0)).unwrap().to_string(), "2023-11-14");
        assert_eq!(d.minus_hours(Hours(0.0)).unwrap(), d);
        assert!(d.minus_hours(Hours(f64::NAN)).is_none());
    }

    proptest! {
        #[test]
        fn civil_round_trips(days in -600_000i64..2_900_000) {
            let d = Date::from_days_since_epoch(days);
            let (y, m, dd) = d.ymd();
            prop_assert_eq!(Date::from_ymd(y, m, dd), Some(d));
            prop_assert_eq!(d.to_string().parse::<Date>().ok(), Some(d));
        }
    }
}
