//! Publication dates with day or month precision.

use std::fmt;

/// A publication date: a calendar day, or only a month when the source shows no day.
///
/// ```
/// use traincost_claims::PubDate;
/// let d: PubDate = "2024-12-27".parse().unwrap();
/// assert_eq!(d.to_string(), "2024-12-27");
/// assert_eq!(d.day(), Some(27));
/// let m: PubDate = "2025-01".parse().unwrap();
/// assert_eq!((m.year(), m.month(), m.day()), (2025, 1, None));
/// assert!("2025-02-30".parse::<PubDate>().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PubDate {
    year: i32,
    month: u8,
    day: Option<u8>,
}

/// How precise a [`PubDate`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DatePrecision {
    /// `YYYY-MM-DD`.
    Day,
    /// `YYYY-MM`: the source shows no day.
    Month,
}

impl PubDate {
    /// A day-precision date, if it exists in the calendar.
    pub fn from_ymd(year: i32, month: u8, day: u8) -> Option<PubDate> {
        ((1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month)).then_some(
            PubDate {
                year,
                month,
                day: Some(day),
            },
        )
    }

    /// A month-precision date.
    pub fn from_ym(year: i32, month: u8) -> Option<PubDate> {
        (1..=12).contains(&month).then_some(PubDate {
            year,
            month,
            day: None,
        })
    }

    /// The year.
    pub fn year(&self) -> i32 {
        self.year
    }

    /// The month, 1 to 12.
    pub fn month(&self) -> u8 {
        self.month
    }

    /// The day of the month, if known.
    pub fn day(&self) -> Option<u8> {
        self.day
    }

    /// Day or month precision.
    pub fn precision(&self) -> DatePrecision {
        if self.day.is_some() {
            DatePrecision::Day
        } else {
            DatePrecision::Month
        }
    }

    /// True if the earliest day this date can denote is after `today`.
    pub fn is_after(&self, today: PubDate) -> bool {
        let first = (self.year, self.month, self.day.unwrap_or(1));
        let today = (today.year, today.month, today.day.unwrap_or(1));
        first > today
    }

    /// Today's date in UTC, from the system clock.
    pub fn today_utc() -> PubDate {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let days = i64::try_from(secs / 86_400).unwrap_or(0);
        let (y, m, d) = civil_from_days(days);
        PubDate {
            year: y,
            month: m,
            day: Some(d),
        }
    }
}

/// Why a date string was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{}` is not a valid date: {reason} (write YYYY-MM-DD, or YYYY-MM when the day is unknown)",
    crate::excerpt(.text)
)]
pub struct DateError {
    /// The text given.
    pub text: String,
    /// What is wrong with it.
    pub reason: String,
}

impl std::str::FromStr for PubDate {
    type Err = DateError;

    fn from_str(s: &str) -> Result<PubDate, DateError> {
        let err = |reason: &str| DateError {
            text: s.to_string(),
            reason: reason.to_string(),
        };
        let parts: Vec<&str> = s.split('-').collect();
        let num = |p: &str, len: usize, what: &str| -> Result<u32, DateError> {
            if p.len() == len && p.bytes().all(|b| b.is_ascii_digit()) {
                p.parse::<u32>().map_err(|_| err(what))
            } else {
                Err(err(what))
            }
        };
        match parts.as_slice() {
            [y, m] | [y, m, _] => {
                let year = num(y, 4, "the year must have four digits")? as i32;
                let month = num(m, 2, "the month must have two digits")?;
                if !(1..=12).contains(&month) {
                    return Err(err("the month must be 01 to 12"));
                }
                let month = month as u8;
                if let [_, _, d] = parts.as_slice() {
                    let day = num(d, 2, "the day must have two digits")?;
                    let max = days_in_month(year, month);
                    if day < 1 || day > u32::from(max) {
                        return Err(err(&format!(
                            "day {day} does not exist in {year}-{month:02} (it has {max} days)"
                        )));
                    }
                    Ok(PubDate {
                        year,
                        month,
                        day: Some(day as u8),
                    })
                } else {
                    Ok(PubDate {
                        year,
                        month,
                        day: None,
                    })
                }
            }
            _ => Err(err("expected YYYY-MM-DD or YYYY-MM")),
        }
    }
}

impl fmt::Display for PubDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)?;
        if let Some(d) = self.day {
            write!(f, "-{d:02}")?;
        }
        Ok(())
    }
}

impl serde::Serialize for PubDate {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

fn is_leap(y: i32) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i32, m: u8) -> u8 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(y) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Days since 1970-01-01 to (year, month, day), proleptic Gregorian (H. Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i32, u8, u8) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    ((if m <= 2 { y + 1 } else { y }) as i32, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_day_and_month_precision() {
        let d: PubDate = "2024-02-29".parse().unwrap();
        assert_eq!(d.precision(), DatePrecision::Day);
        assert!("2023-02-29".parse::<PubDate>().is_err());
        assert!("2025-13".parse::<PubDate>().is_err());
        assert!("2025-1-05".parse::<PubDate>().is_err());
        assert!("25-01-05".parse::<PubDate>().is_err());
        assert!("2025/01/05".parse::<PubDate>().is_err());
        assert!("".parse::<PubDate>().is_err());
        assert_eq!("2025-01".parse::<PubDate>().unwrap().to_string(), "2025-01");
    }

    #[test]
    fn civil_from_days_known_points() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_723), (2024, 1, 1));
        assert_eq!(civil_from_days(20_115), (2025, 1, 27));
    }

    #[test]
    fn future_dates_are_detected_at_their_precision() {
        let today = PubDate::from_ymd(2025, 6, 15).unwrap();
        assert!(PubDate::from_ymd(2025, 6, 16).unwrap().is_after(today));
        assert!(!PubDate::from_ymd(2025, 6, 15).unwrap().is_after(today));
        assert!(!PubDate::from_ym(2025, 6).unwrap().is_after(today));
        assert!(PubDate::from_ym(2025, 7).unwrap().is_after(today));
        assert!(!PubDate::today_utc().is_after(PubDate::today_utc()));
    }
}
