//! Reading claims files: TOML with spans, turned into typed records or located problems.

use std::fmt;

use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::claim::{Claim, Origin, Source, Status, Tag, Value};
use crate::conflict::ConflictDecl;
use crate::relation::{Comparison, Expr, Relation};
use crate::{PubDate, Unit, UnitError};

/// One problem in a claims file, located as precisely as the input allows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// The file (`builtin:data/NAME.toml` for the built-in set).
    pub file: String,
    /// 1-based line, if known.
    pub line: Option<usize>,
    /// 1-based column, if known.
    pub column: Option<usize>,
    /// The claim (or relation, or conflict group) the problem is in, if known.
    pub claim_id: Option<String>,
    /// The field at fault, if known.
    pub field: Option<String>,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub hint: Option<String>,
}

impl Problem {
    pub(crate) fn new(file: &str, message: impl Into<String>) -> Problem {
        Problem {
            file: file.to_string(),
            line: None,
            column: None,
            claim_id: None,
            field: None,
            message: message.into(),
            hint: None,
        }
    }

    pub(crate) fn at(mut self, line: usize) -> Problem {
        self.line = Some(line);
        self
    }

    pub(crate) fn id(mut self, id: &str) -> Problem {
        self.claim_id = Some(id.to_string());
        self
    }

    pub(crate) fn field(mut self, field: &str) -> Problem {
        self.field = Some(field.to_string());
        self
    }

    pub(crate) fn hint(mut self, hint: impl Into<String>) -> Problem {
        self.hint = Some(hint.into());
        self
    }

    /// A problem about `claim`'s `field`, located at that field's line.
    pub(crate) fn about(claim: &Claim, field: &str, message: impl Into<String>) -> Problem {
        let mut p = Problem::new(&claim.origin.file, message)
            .at(claim.line_of(field))
            .id(&claim.id)
            .field(field);
        p.column = claim.column_of(field);
        p
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(col) = self.column {
                write!(f, ":{col}")?;
            }
        }
        f.write_str(": ")?;
        match (&self.claim_id, &self.field) {
            (Some(id), Some(field)) => {
                write!(f, "claim `{}`, field `{field}`: ", crate::excerpt(id))?
            }
            (Some(id), None) => write!(f, "claim `{}`: ", crate::excerpt(id))?,
            (None, Some(field)) => write!(f, "field `{field}`: ")?,
            (None, None) => {}
        }
        f.write_str(&self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
}

/// A claims file that could not be loaded or merged: every problem found, each located.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct LoadError {
    /// The problems, in file order (at least one).
    pub problems: Vec<Problem>,
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (k, p) in self.problems.iter().enumerate() {
            if k > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{p}")?;
        }
        Ok(())
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    claim: Vec<Spanned<RawClaim>>,
    #[serde(default)]
    relation: Vec<Spanned<RawRelation>>,
    #[serde(default)]
    conflict: Vec<Spanned<RawConflict>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawClaim {
    id: Spanned<String>,
    subject: Spanned<String>,
    quantity: Spanned<String>,
    value: Spanned<f64>,
    #[serde(default)]
    value_high: Option<Spanned<f64>>,
    unit: Spanned<String>,
    qualifier: Spanned<String>,
    claimant: Spanned<String>,
    source_title: Spanned<String>,
    source_url: Spanned<String>,
    published: Spanned<String>,
    #[serde(default)]
    said_on: Option<Spanned<String>>,
    quote: Spanned<String>,
    #[serde(default)]
    notes: Option<Spanned<String>>,
    #[serde(default)]
    verified: Option<Spanned<bool>>,
    #[serde(default)]
    checked_in: Option<Spanned<String>>,
    #[serde(default)]
    status: Option<Spanned<String>>,
    #[serde(default)]
    tags: Option<Spanned<Vec<Spanned<String>>>>,
    #[serde(default)]
    dollar_year: Option<Spanned<i64>>,
    #[serde(default)]
    quote_lacks_number: Option<Spanned<String>>,
    #[serde(default)]
    scope: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRelation {
    id: Spanned<String>,
    description: Spanned<String>,
    left: Spanned<String>,
    #[serde(default)]
    op: Option<Spanned<String>>,
    right: Spanned<String>,
    #[serde(default)]
    tolerance: Option<Spanned<f64>>,
    #[serde(default)]
    abs_tolerance: Option<Spanned<f64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConflict {
    id: Spanned<String>,
    title: Spanned<String>,
    claims: Spanned<Vec<Spanned<String>>>,
    #[serde(default)]
    tolerance: Option<Spanned<f64>>,
    #[serde(default)]
    note: Option<Spanned<String>>,
}

/// The records of one file.
#[derive(Default)]
pub(crate) struct Parsed {
    pub(crate) claims: Vec<Claim>,
    pub(crate) relations: Vec<Relation>,
    pub(crate) conflicts: Vec<ConflictDecl>,
}

/// 1-based line and column of a byte offset.
pub(crate) fn line_col(src: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(src.len());
    while !src.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &src[..offset];
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// Line starts of a source, so that every field's line is a binary search, not a rescan.
pub(crate) struct LineIndex<'a> {
    text: &'a str,
    /// Byte offset of every newline.
    newlines: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        LineIndex {
            text,
            newlines: text
                .bytes()
                .enumerate()
                .filter(|(_, b)| *b == b'\n')
                .map(|(i, _)| i)
                .collect(),
        }
    }

    /// 1-based line and column (in characters) of a byte offset; same as [`line_col`].
    pub(crate) fn line_col(&self, offset: usize) -> (usize, usize) {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.newlines.partition_point(|&n| n < offset);
        let start = if line == 0 {
            0
        } else {
            self.newlines[line - 1] + 1
        };
        (line + 1, self.text[start..offset].chars().count() + 1)
    }

    fn line(&self, offset: usize) -> usize {
        self.line_col(offset).0
    }
}

/// The id of the `[[claim]]` (or `[[relation]]`, `[[conflict]]`) table enclosing `offset`,
/// found in the text itself, so that it works when the file does not parse.
fn enclosing_id(src: &str, offset: usize) -> Option<String> {
    let mut offset = offset.min(src.len());
    while !src.is_char_boundary(offset) {
        offset -= 1;
    }
    // The table whose header starts at or before the line of `offset`.
    let line_end = src[offset..].find('\n').map_or(src.len(), |k| offset + k);
    let before = &src[..line_end];
    let header = before
        .match_indices("[[")
        .filter(|(k, _)| *k == 0 || src.as_bytes()[k - 1] == b'\n')
        .map(|(k, _)| k)
        .last()?;
    for l in src[header..].lines().skip(1) {
        let t = l.trim();
        if t.starts_with('[') {
            break;
        }
        if let Some(rest) = t.strip_prefix("id")
            && let Some(v) = rest.trim_start().strip_prefix('=')
        {
            let v = v.trim().trim_matches(|c| c == '"' || c == '\'');
            return (!v.is_empty()).then(|| v.to_string());
        }
    }
    None
}

/// The key on the line of `offset` (`key = value`), if any.
fn key_on_line(src: &str, offset: usize) -> Option<String> {
    let (l, _) = line_col(src, offset);
    let text = src.lines().nth(l - 1)?;
    let (key, _) = text.split_once('=')?;
    let key = key.trim().trim_matches('"');
    (!key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-'))
    .then(|| key.to_string())
}

fn toml_problem(file: &str, src: &str, err: &toml::de::Error) -> Problem {
    let message = err.message().trim().to_string();
    let mut p = Problem::new(file, message.clone());
    if let Some(span) = err.span() {
        let (l, c) = line_col(src, span.start);
        p.line = Some(l);
        p.column = Some(c);
        p.claim_id = enclosing_id(src, span.start);
        // "missing field `x`", "unknown field `x`": the field is named in the message.
        let named = message
            .split('`')
            .nth(1)
            .filter(|_| message.contains("field"))
            .map(str::to_string);
        p.field = named.or_else(|| key_on_line(src, span.start));
    }
    if p.field.as_deref() == Some("published") && message.contains("invalid type: map") {
        p.message = "a TOML date is not accepted here: write the date as a string".into();
        p.hint = Some("published = \"2025-01-27\", or \"2025-01\" when the day is unknown".into());
    } else if message.contains("unknown field") {
        p.hint = Some(
            "claims files accept the fields listed in docs/CLAIMS.md; check the spelling".into(),
        );
    } else if message.contains("missing field") {
        p.hint = Some("every [[claim]] needs id, subject, quantity, value, unit, qualifier, claimant, source_title, source_url, published and quote".into());
    }
    p
}

fn known_status_hint() -> &'static str {
    "status is one of: verified, erroneous, disputed, unverified"
}

fn is_flagged_erroneous(notes: &str) -> bool {
    notes.contains("ERRONEOUS") || notes.contains("MISTRANSLATION")
}

fn convert_claim(
    file: &str,
    src: &LineIndex<'_>,
    raw: Spanned<RawClaim>,
    problems: &mut Vec<Problem>,
) -> Option<Claim> {
    let table_line = src.line(raw.span().start);
    let raw = raw.into_inner();
    let id = raw.id.get_ref().clone();
    fn span_line<T>(src: &LineIndex<'_>, s: &Spanned<T>) -> (usize, usize) {
        src.line_col(s.span().start)
    }
    let ln = |s: &Spanned<String>| span_line(src, s);
    let mut field_lines: Vec<(&'static str, (usize, usize))> = vec![
        ("id", ln(&raw.id)),
        ("subject", ln(&raw.subject)),
        ("quantity", ln(&raw.quantity)),
        ("value", span_line(src, &raw.value)),
        ("unit", ln(&raw.unit)),
        ("qualifier", ln(&raw.qualifier)),
        ("claimant", ln(&raw.claimant)),
        ("source_title", ln(&raw.source_title)),
        ("source_url", ln(&raw.source_url)),
        ("published", ln(&raw.published)),
        ("quote", ln(&raw.quote)),
    ];
    macro_rules! opt_line {
        ($name:literal, $f:expr) => {
            if let Some(s) = &$f {
                field_lines.push(($name, span_line(src, s)));
            }
        };
    }
    opt_line!("value_high", raw.value_high);
    opt_line!("notes", raw.notes);
    opt_line!("status", raw.status);
    opt_line!("tags", raw.tags);
    opt_line!("dollar_year", raw.dollar_year);
    opt_line!("quote_lacks_number", raw.quote_lacks_number);
    opt_line!("scope", raw.scope);
    opt_line!("verified", raw.verified);
    opt_line!("said_on", raw.said_on);
    let at = |field: &str| {
        field_lines
            .iter()
            .find(|(f, _)| *f == field)
            .map_or((table_line, None), |&(_, (l, c))| (l, Some(c)))
    };
    let problem = |field: &str, msg: String| {
        let (line, column) = at(field);
        let mut p = Problem::new(file, msg).at(line).id(&id).field(field);
        p.column = column;
        p
    };
    let before = problems.len();

    let value = match Value::from_parts(
        *raw.value.get_ref(),
        raw.value_high.as_ref().map(|h| *h.get_ref()),
        raw.qualifier.get_ref(),
    ) {
        Ok(v) => Some(v),
        Err(e) => {
            let field = match e {
                crate::claim::ValueError::UnknownQualifier(_) => "qualifier",
                crate::claim::ValueError::NotFinite(_) => "value",
                _ => "value_high",
            };
            let hint = match e {
                crate::claim::ValueError::Unordered { .. } => {
                    Some("write the low end in `value` and the high end in `value_high`")
                }
                crate::claim::ValueError::MissingHigh => {
                    Some("add `value_high = <high end>`, or use another qualifier")
                }
                _ => None,
            };
            let mut p = problem(field, e.to_string());
            p.hint = hint.map(str::to_string);
            problems.push(p);
            None
        }
    };
    let mut unit = match raw.unit.get_ref().parse::<Unit>() {
        Ok(u) => Some(u),
        Err(e) => {
            problems.push(
                problem("unit", e.to_string()).hint(format!("known units: {}", UnitError::KNOWN)),
            );
            None
        }
    };
    if let (Some(y), Some(u)) = (&raw.dollar_year, unit.as_mut()) {
        let y = *y.get_ref();
        match (&mut u.base, u16::try_from(y)) {
            (crate::BaseUnit::Money { year, .. }, Ok(y16)) if (1900..=2100).contains(&y16) => {
                match *year {
                    Some(existing) if existing != y16 => problems.push(problem(
                        "dollar_year",
                        format!(
                            "dollar_year {y} contradicts the year in unit `{}`",
                            crate::excerpt(raw.unit.get_ref())
                        ),
                    )),
                    _ => *year = Some(y16),
                }
            }
            (crate::BaseUnit::Money { .. }, _) => problems.push(problem(
                "dollar_year",
                format!("dollar_year {y} is not a plausible year (1900 to 2100)"),
            )),
            _ => problems.push(problem(
                "dollar_year",
                format!(
                    "dollar_year is only for money, and unit `{}` is not money",
                    crate::excerpt(raw.unit.get_ref())
                ),
            )),
        }
    }
    let published = match raw.published.get_ref().parse::<PubDate>() {
        Ok(d) => Some(d),
        Err(e) => {
            problems.push(problem("published", e.to_string()));
            None
        }
    };
    let said_on = match raw.said_on.as_ref().map(|s| s.get_ref().parse::<PubDate>()) {
        None => None,
        Some(Ok(d)) => Some(d),
        Some(Err(e)) => {
            problems.push(problem("said_on", e.to_string()));
            None
        }
    };
    let notes = raw
        .notes
        .as_ref()
        .map(|n| n.get_ref().clone())
        .unwrap_or_default();
    let status = match &raw.status {
        Some(s) => match Status::parse(s.get_ref()) {
            Some(st) => Some(st),
            None => {
                problems.push(
                    problem(
                        "status",
                        format!("unknown status `{}`", crate::excerpt(s.get_ref())),
                    )
                    .hint(known_status_hint()),
                );
                None
            }
        },
        // Files in the original format flag erroneous claims in their notes.
        None if is_flagged_erroneous(&notes) => Some(Status::Erroneous),
        None if raw.verified.as_ref().is_some_and(|v| !*v.get_ref()) => Some(Status::Unverified),
        None => Some(Status::Verified),
    };
    let mut tags = Vec::new();
    if let Some(ts) = &raw.tags {
        for t in ts.get_ref() {
            match t.get_ref().parse::<Tag>() {
                Ok(tag) if !tags.contains(&tag) => tags.push(tag),
                Ok(_) => {}
                Err(e) => problems.push(problem("tags", e)),
            }
        }
    }
    let scope = raw.scope.as_ref().map(|s| s.get_ref().trim().to_owned());
    if let Some(sc) = &scope
        && !is_scope_id(sc)
    {
        problems.push(problem(
            "scope",
            format!(
                "`{}` is not a stack figure id: write a layer (`fleet`), a component \
                 (`fleet/gpus`) or a total (`total-model-development`, `owner-annual`), in \
                 kebab-case",
                crate::excerpt(sc)
            ),
        ));
    }
    if problems.len() > before {
        return None;
    }
    Some(Claim {
        id: id.clone(),
        subject: raw.subject.into_inner(),
        quantity: raw.quantity.into_inner(),
        value: value?,
        unit: unit?,
        claimant: raw.claimant.into_inner(),
        source: Source {
            title: raw.source_title.into_inner(),
            url: raw.source_url.into_inner(),
            published: published?,
            checked_in: raw.checked_in.map(Spanned::into_inner),
        },
        said_on,
        quote: raw.quote.into_inner(),
        notes,
        status: status?,
        verified: raw.verified.as_ref().map(|v| *v.get_ref()),
        tags,
        quote_lacks_number: raw
            .quote_lacks_number
            .map(Spanned::into_inner)
            .filter(|s| !s.trim().is_empty()),
        scope,
        origin: Origin {
            file: file.to_string(),
            line: table_line,
        },
        field_lines,
    })
}

fn convert_relation(
    file: &str,
    src: &LineIndex<'_>,
    raw: Spanned<RawRelation>,
    problems: &mut Vec<Problem>,
) -> Option<Relation> {
    let table_line = src.line(raw.span().start);
    let raw = raw.into_inner();
    let id = raw.id.get_ref().clone();
    let problem = |s: std::ops::Range<usize>, field: &str, msg: String| {
        Problem::new(file, msg)
            .at(src.line(s.start))
            .id(&id)
            .field(field)
    };
    let before = problems.len();
    let mut expr = |s: &Spanned<String>, field: &str| match Expr::parse(s.get_ref()) {
        Ok(e) => Some(e),
        Err(e) => {
            let hint = if e.starts_with("expression nested deeper") {
                "remove redundant parentheses, or split the relation into simpler ones"
            } else {
                "expressions use claim ids, numbers, + - * / and parentheses; put spaces around a minus sign"
            };
            problems.push(problem(s.span(), field, e).hint(hint));
            None
        }
    };
    let left = expr(&raw.left, "left");
    let right = expr(&raw.right, "right");
    let comparison = match raw.op.as_ref().map(|o| o.get_ref().as_str()) {
        None | Some("=") => Some(Comparison::Eq),
        Some("<=") => Some(Comparison::Le),
        Some(">=") => Some(Comparison::Ge),
        Some(other) => {
            let span = raw.op.as_ref().map_or(0..0, Spanned::span);
            let hint = match other.trim() {
                "==" => "equality is written `op = \"=\"`".to_owned(),
                "<" | "=<" => "write `op = \"<=\"` (comparisons allow a tolerance)".to_owned(),
                ">" | "=>" => "write `op = \">=\"` (comparisons allow a tolerance)".to_owned(),
                _ => "op is one of \"=\", \"<=\" or \">=\"".to_owned(),
            };
            problems.push(
                problem(
                    span,
                    "op",
                    format!(
                        "unknown comparison `{}` (expected =, <= or >=)",
                        crate::excerpt(other)
                    ),
                )
                .hint(hint),
            );
            None
        }
    };
    let mut tol = |t: &Option<Spanned<f64>>, field: &str, default: f64| match t {
        Some(t) if !(t.get_ref().is_finite() && *t.get_ref() >= 0.0) => {
            problems.push(problem(
                t.span(),
                field,
                format!("{} must be a non-negative number", t.get_ref()),
            ));
            None
        }
        Some(t) => Some(*t.get_ref()),
        None => Some(default),
    };
    let tolerance = tol(&raw.tolerance, "tolerance", 0.0);
    let abs_tolerance = tol(&raw.abs_tolerance, "abs_tolerance", 0.0);
    if problems.len() > before {
        return None;
    }
    Some(Relation {
        id,
        description: raw.description.into_inner(),
        left: left?,
        comparison: comparison?,
        right: right?,
        tolerance: tolerance?,
        abs_tolerance: abs_tolerance?,
        origin: Origin {
            file: file.to_string(),
            line: table_line,
        },
    })
}

fn convert_conflict(
    file: &str,
    src: &LineIndex<'_>,
    raw: Spanned<RawConflict>,
    problems: &mut Vec<Problem>,
) -> Option<ConflictDecl> {
    let table_line = src.line(raw.span().start);
    let raw = raw.into_inner();
    let tolerance = match &raw.tolerance {
        Some(t) if !(t.get_ref().is_finite() && *t.get_ref() >= 0.0) => {
            problems.push(
                Problem::new(
                    file,
                    format!("{} must be a non-negative number", t.get_ref()),
                )
                .at(src.line(t.span().start))
                .id(raw.id.get_ref())
                .field("tolerance"),
            );
            return None;
        }
        Some(t) => *t.get_ref(),
        None => ConflictDecl::DEFAULT_TOLERANCE,
    };
    let claims_line = src.line(raw.claims.span().start);
    Some(ConflictDecl {
        id: raw.id.into_inner(),
        title: raw.title.into_inner(),
        claims: raw
            .claims
            .into_inner()
            .into_iter()
            .map(Spanned::into_inner)
            .collect(),
        tolerance,
        note: raw.note.map(Spanned::into_inner).unwrap_or_default(),
        origin: Origin {
            file: file.to_string(),
            line: table_line,
        },
        claims_line,
    })
}

/// Parses one claims file. Structural problems (TOML syntax, types, units, qualifiers,
/// dates, statuses, tags, expressions) are returned; content checks are in `check`.
pub(crate) fn parse(file: &str, src: &str) -> Result<Parsed, Vec<Problem>> {
    let raw: RawFile = toml::from_str(src).map_err(|e| vec![toml_problem(file, src, &e)])?;
    let index = LineIndex::new(src);
    let mut problems = Vec::new();
    let mut parsed = Parsed::default();
    for c in raw.claim {
        if let Some(c) = convert_claim(file, &index, c, &mut problems) {
            parsed.claims.push(c);
        }
    }
    for r in raw.relation {
        if let Some(r) = convert_relation(file, &index, r, &mut problems) {
            parsed.relations.push(r);
        }
    }
    for c in raw.conflict {
        if let Some(c) = convert_conflict(file, &index, c, &mut problems) {
            parsed.conflicts.push(c);
        }
    }
    if problems.is_empty() {
        Ok(parsed)
    } else {
        Err(problems)
    }
}

/// A stack figure id as a claim's `scope` names it: kebab-case words, with at most one
/// `/component` part (`fleet`, `fleet/gpus`, `total-model-development`).
fn is_scope_id(s: &str) -> bool {
    let word = |w: &str| {
        !w.is_empty()
            && w.split('-').all(|p| {
                !p.is_empty()
                    && p.bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
            })
    };
    let mut parts = s.split('/');
    let layer = parts.next().is_some_and(word);
    let rest: Vec<&str> = parts.collect();
    layer && rest.len() <= 1 && rest.iter().all(|w| word(w))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enclosing_id_finds_the_table_of_an_offset() {
        let src = "[[claim]]\nid = \"a\"\nx = 1\n\n[[claim]]\nid = \"b\"\ny = 2\n";
        assert_eq!(enclosing_id(src, 0).as_deref(), Some("a"));
        assert_eq!(
            enclosing_id(src, src.find("x =").unwrap()).as_deref(),
            Some("a")
        );
        assert_eq!(
            enclosing_id(src, src.find("y =").unwrap()).as_deref(),
            Some("b")
        );
        assert_eq!(enclosing_id("x = 1", 2), None);
        assert_eq!(
            enclosing_id("[[claim]]\nid = \"é\"", 100).as_deref(),
            Some("é")
        );
    }

    #[test]
    fn key_on_line_reads_the_key() {
        let src = "a = 1\n  value = \"x\"\n";
        assert_eq!(key_on_line(src, 10).as_deref(), Some("value"));
        assert_eq!(key_on_line("[[claim]]", 3), None);
    }
}
