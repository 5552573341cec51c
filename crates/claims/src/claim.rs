//! The claim record and its parts.

use std::fmt;

use serde::Serialize;

use crate::{PubDate, Unit};

/// A claimed number with its qualifier: exact, a bound, approximate, or a range.
///
/// ```
/// use traincost_claims::Value;
/// let v = Value::from_parts(10e6, Some(100e6), "range").unwrap();
/// assert_eq!(v, Value::Range { low: 10e6, high: 100e6 });
/// assert_eq!(v.point(), 55e6);
/// assert_eq!(v.to_string(), "10,000,000 to 100,000,000");
/// assert!(Value::from_parts(5.0, Some(3.0), "range").is_err());
/// assert_eq!(Value::from_parts(500e6, None, "at least").unwrap().to_string(), "at least 500,000,000");
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value {
    /// Exactly this number.
    Exact(f64),
    /// At least this number ("over", "more than", "well higher than").
    AtLeast(f64),
    /// At most this number ("less than", "up to", "below").
    AtMost(f64),
    /// Approximately this number ("about", "~", "roughly").
    About(f64),
    /// Between `low` and `high`, inclusive.
    Range {
        /// Low end.
        low: f64,
        /// High end.
        high: f64,
    },
}

/// Why a value could not be built from its parts.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ValueError {
    /// The qualifier is not one of the five known ones.
    #[error("unknown qualifier `{0}` (expected one of: exact, at least, at most, about, range)")]
    UnknownQualifier(String),
    /// A range without its high end.
    #[error("qualifier \"range\" needs `value_high`, the high end of the range")]
    MissingHigh,
    /// A high end on something that is not a range.
    #[error("`value_high` is only for qualifier \"range\" (this claim's qualifier is \"{0}\")")]
    UnexpectedHigh(String),
    /// A range whose low end is above its high end.
    #[error("range is out of order: low {low} > high {high}")]
    Unordered {
        /// Low end given.
        low: f64,
        /// High end given.
        high: f64,
    },
    /// NaN or infinite.
    #[error("{0} is not a finite number")]
    NotFinite(f64),
}

impl Value {
    /// Builds a value from the `value`, `value_high` and `qualifier` fields of a claims file.
    pub fn from_parts(value: f64, high: Option<f64>, qualifier: &str) -> Result<Value, ValueError> {
        for x in std::iter::once(value).chain(high) {
            if !x.is_finite() {
                return Err(ValueError::NotFinite(x));
            }
        }
        match (qualifier, high) {
            ("range", None) => Err(ValueError::MissingHigh),
            ("range", Some(high)) if value > high => {
                Err(ValueError::Unordered { low: value, high })
            }
            ("range", Some(high)) => Ok(Value::Range { low: value, high }),
            ("exact" | "at least" | "at most" | "about", Some(_)) => {
                Err(ValueError::UnexpectedHigh(qualifier.to_string()))
            }
            ("exact", None) => Ok(Value::Exact(value)),
            ("at least", None) => Ok(Value::AtLeast(value)),
            ("at most", None) => Ok(Value::AtMost(value)),
            ("about", None) => Ok(Value::About(value)),
            (q, _) => Err(ValueError::UnknownQualifier(q.to_string())),
        }
    }

    /// The qualifier as written in claims files.
    pub fn qualifier(&self) -> &'static str {
        match self {
            Value::Exact(_) => "exact",
            Value::AtLeast(_) => "at least",
            Value::AtMost(_) => "at most",
            Value::About(_) => "about",
            Value::Range { .. } => "range",
        }
    }

    /// The number as written: the value, the bound, or the low end of a range.
    pub fn number(&self) -> f64 {
        match *self {
            Value::Exact(x) | Value::AtLeast(x) | Value::AtMost(x) | Value::About(x) => x,
            Value::Range { low, .. } => low,
        }
    }

    /// The high end, for a range.
    pub fn high(&self) -> Option<f64> {
        match *self {
            Value::Range { high, .. } => Some(high),
            _ => None,
        }
    }

    /// One number standing for the claim in arithmetic: the value, the bound, or the
    /// midpoint of a range.
    pub fn point(&self) -> f64 {
        match *self {
            Value::Range { low, high } => (low + high) / 2.0,
            other => other.number(),
        }
    }

    /// The interval of numbers consistent with the claim, widening "about" values by the
    /// relative `slack` (e.g. 0.05 for 5%). Bounds are open-ended on their free side.
    pub fn interval(&self, slack: f64) -> (f64, f64) {
        match *self {
            Value::Exact(x) => (x, x),
            Value::AtLeast(x) => (x, f64::INFINITY),
            Value::AtMost(x) => (f64::NEG_INFINITY, x),
            Value::About(x) => (x - slack * x.abs(), x + slack * x.abs()),
            Value::Range { low, high } => (low, high),
        }
    }
}

/// Formats a number for people: thousands separators, at most 4 decimals, scientific
/// notation from 10^15.
///
/// ```
/// use traincost_claims::format_number;
/// assert_eq!(format_number(2_788_000.0), "2,788,000");
/// assert_eq!(format_number(118.58), "118.58");
/// assert_eq!(format_number(3.8e25), "3.8e25");
/// assert_eq!(format_number(-1500.5), "-1,500.5");
/// ```
pub fn format_number(x: f64) -> String {
    if !x.is_finite() {
        return x.to_string();
    }
    if x.abs() >= 1e15 {
        return format!("{x:e}");
    }
    let s = format!("{:.4}", x.abs());
    let (int, frac) = s.split_once('.').unwrap_or((&s, ""));
    let frac = frac.trim_end_matches('0');
    let mut out = String::new();
    if x < 0.0 && s.bytes().any(|b| (b'1'..=b'9').contains(&b)) {
        out.push('-');
    }
    for (k, c) in int.chars().enumerate() {
        if k > 0 && (int.len() - k) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if !frac.is_empty() {
        out.push('.');
        out.push_str(frac);
    }
    out
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Value::Exact(x) => f.write_str(&format_number(x)),
            Value::AtLeast(x) => write!(f, "at least {}", format_number(x)),
            Value::AtMost(x) => write!(f, "at most {}", format_number(x)),
            Value::About(x) => write!(f, "about {}", format_number(x)),
            Value::Range { low, high } => {
                write!(f, "{} to {}", format_number(low), format_number(high))
            }
        }
    }
}

/// The standing of a claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// The quote was read verbatim in a copy of the source and the number is taken as printed.
    Verified,
    /// Kept to record what a source printed, but wrong: never an input, never in a relation.
    Erroneous,
    /// Printed as quoted, but contested by other sources or unsourced in its own.
    Disputed,
    /// The quote was not checked against the source (`verified = false`).
    Unverified,
}

impl Status {
    /// Name as written in claims files.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Verified => "verified",
            Status::Erroneous => "erroneous",
            Status::Disputed => "disputed",
            Status::Unverified => "unverified",
        }
    }

    pub(crate) fn parse(s: &str) -> Option<Status> {
        [
            Status::Verified,
            Status::Erroneous,
            Status::Disputed,
            Status::Unverified,
        ]
        .into_iter()
        .find(|st| st.as_str() == s)
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A scope tag: which layer of the cost stack, or which kind of number, a claim is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Tag {
    /// The final training run: its GPU-hours, duration, cluster and cost.
    FinalRun,
    /// Development beyond the final run: experiments, ablations, failed runs, R&D.
    Development,
    /// People: headcount, salaries, pay offers.
    Staff,
    /// A company's whole fleet of hardware: GPU counts, its capex and opex.
    Fleet,
    /// Capital expenditure.
    Capex,
    /// Operating expenditure.
    Opex,
    /// Stock-market figures: market value, share prices.
    Market,
    /// Unit prices: GPUs, servers, rental per GPU-hour.
    Price,
    /// Model facts: parameters, tokens, training compute.
    Model,
    /// Emissions.
    Emissions,
    /// Trends and projections.
    Trend,
    /// A secondary source restating another claim.
    Restatement,
}

impl Tag {
    /// Every tag, in a stable order.
    pub const ALL: [Tag; 12] = [
        Tag::FinalRun,
        Tag::Development,
        Tag::Staff,
        Tag::Fleet,
        Tag::Capex,
        Tag::Opex,
        Tag::Market,
        Tag::Price,
        Tag::Model,
        Tag::Emissions,
        Tag::Trend,
        Tag::Restatement,
    ];

    /// Name as written in claims files (kebab-case).
    pub fn as_str(self) -> &'static str {
        match self {
            Tag::FinalRun => "final-run",
            Tag::Development => "development",
            Tag::Staff => "staff",
            Tag::Fleet => "fleet",
            Tag::Capex => "capex",
            Tag::Opex => "opex",
            Tag::Market => "market",
            Tag::Price => "price",
            Tag::Model => "model",
            Tag::Emissions => "emissions",
            Tag::Trend => "trend",
            Tag::Restatement => "restatement",
        }
    }
}

impl std::str::FromStr for Tag {
    type Err = String;

    /// Parses a tag name; `final run` and `final_run` are accepted for `final-run`.
    fn from_str(s: &str) -> Result<Tag, String> {
        let norm = s.trim().to_ascii_lowercase().replace([' ', '_'], "-");
        Tag::ALL
            .into_iter()
            .find(|t| t.as_str() == norm)
            .ok_or_else(|| {
                let names: Vec<&str> = Tag::ALL.iter().map(|t| t.as_str()).collect();
                format!(
                    "unknown tag `{}` (known tags: {})",
                    crate::excerpt(s),
                    names.join(", ")
                )
            })
    }
}

impl fmt::Display for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a claim was published.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Source {
    /// Title of the source.
    pub title: String,
    /// URL of the source (or of the copy read, see [`Source::checked_in`]).
    pub url: String,
    /// Publication date, day or month precision.
    pub published: PubDate,
    /// Which copy of the source the quote was checked in, if recorded.
    pub checked_in: Option<String>,
}

/// Where a record was read: a file and a 1-based line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Origin {
    /// The file: `builtin:data/NAME.toml` for the built-in set, else the path given.
    pub file: String,
    /// 1-based line of the record's table header.
    pub line: usize,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

/// One sourced claim: who said what number about what, where, when and in what words.
#[derive(Debug, Clone, Serialize)]
pub struct Claim {
    /// Unique kebab-case id.
    pub id: String,
    /// Model or company the number is about.
    pub subject: String,
    /// What is claimed ("final training run cost", "GPU hours", ...).
    pub quantity: String,
    /// The number with its qualifier.
    pub value: Value,
    /// The unit of the number.
    pub unit: Unit,
    /// Who made the claim.
    pub claimant: String,
    /// Where it was published.
    pub source: Source,
    /// When the claimant said it, where that differs from the publication date (a remark
    /// reported later, e.g. a talk quoted in a news article).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub said_on: Option<PubDate>,
    /// Short verbatim quote containing the number.
    pub quote: String,
    /// Scope (what is included or excluded) and caveats.
    pub notes: String,
    /// Verified, erroneous, disputed or unverified.
    pub status: Status,
    /// The `verified` field as recorded: was the quote read verbatim in a copy of the source?
    pub verified: Option<bool>,
    /// Scope tags.
    pub tags: Vec<Tag>,
    /// Why the quote cannot contain the number, when it legitimately cannot.
    pub quote_lacks_number: Option<String>,
    /// The stack figure the claim is about, when its tags alone do not say (`fleet/gpus`
    /// for "the GPUs cost $1B", `total-model-development` for "GPT-4 cost over $100M to
    /// train", `owner-annual` for "a year of operations"). A compute layer or total named
    /// without a basis (`development-compute`) is compared on the report's basis.
    pub scope: Option<String>,
    /// Where the claim was read.
    pub origin: Origin,
    #[serde(skip)]
    pub(crate) field_lines: Vec<(&'static str, (usize, usize))>,
}

impl Claim {
    /// Unique kebab-case id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Title of the source.
    pub fn source_title(&self) -> &str {
        &self.source.title
    }

    /// URL of the source.
    pub fn source_url(&self) -> &str {
        &self.source.url
    }

    /// Publication date (Display-able: `2024-12-27` or `2025-01`).
    pub fn published(&self) -> PubDate {
        self.source.published
    }

    /// When the claimant said it, if recorded apart from the publication date.
    pub fn said_on(&self) -> Option<PubDate> {
        self.said_on
    }

    /// The claim's date for people: `2024-12-27`, or `2025-09-18 (said 2023-04-13)` when the
    /// statement is older than its publication.
    pub fn date_label(&self) -> String {
        match self.said_on {
            Some(d) if d != self.source.published => {
                format!("{} (said {d})", self.source.published)
            }
            _ => self.source.published.to_string(),
        }
    }

    /// True if the claim records an erroneous figure: never use it as an input or as true.
    pub fn is_erroneous(&self) -> bool {
        self.status == Status::Erroneous
    }

    /// True if the claim carries `tag`.
    pub fn has_tag(&self, tag: Tag) -> bool {
        self.tags.contains(&tag)
    }

    /// The year of the money the value is in, for money units: the stated year, else the year
    /// it was said ([`Claim::said_on`]) or published (a nominal figure). `None` for other units.
    pub fn dollar_year(&self) -> Option<i32> {
        self.unit.currency()?;
        let nominal = self.said_on.unwrap_or(self.source.published).year();
        Some(self.unit.money_year().map_or(nominal, i32::from))
    }

    /// The line of `field` in the claim's file (the table's line if not recorded).
    pub fn line_of(&self, field: &str) -> usize {
        self.field_lines
            .iter()
            .find(|(f, _)| *f == field)
            .map_or(self.origin.line, |&(_, (l, _))| l)
    }

    /// The column of `field` in the claim's file, if recorded.
    pub fn column_of(&self, field: &str) -> Option<usize> {
        self.field_lines
            .iter()
            .find(|(f, _)| *f == field)
            .map(|&(_, (_, c))| c)
    }

    /// One line for citations: `claimant, "title" (date), URL`, the date as [`Claim::date_label`].
    pub fn citation(&self) -> String {
        format!(
            "{}, \"{}\" ({}), {}",
            self.claimant,
            self.source.title,
            self.date_label(),
            self.source.url
        )
    }
}
