//! Content checks: ids, dates, URLs, quotes; and the whole-set report.

use serde::Serialize;

use crate::conflict::{ConflictDecl, ConflictGroup};
use crate::load::Problem;
use crate::matcher;
use crate::relation::{Relation, RelationOutcome};
use crate::{Claim, PubDate};

/// True if `id` is kebab-case: lowercase ASCII letters and digits in hyphen-separated words.
///
/// ```
/// use traincost_claims::is_kebab_case;
/// assert!(is_kebab_case("deepseek-v3-total-gpu-hours"));
/// assert!(!is_kebab_case("DeepSeek_V3"));
/// assert!(!is_kebab_case("a--b"));
/// assert!(!is_kebab_case("-a"));
/// ```
pub fn is_kebab_case(id: &str) -> bool {
    !id.is_empty()
        && id.split('-').all(|w| {
            !w.is_empty()
                && w.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

/// Checks that `url` is an absolute http(s) URL with a plausible host.
///
/// ```
/// use traincost_claims::check_url;
/// assert!(check_url("https://arxiv.org/abs/2412.19437").is_ok());
/// assert!(check_url("https://etvbharat.com/amp/en/!technology/x").is_ok());
/// assert!(check_url("arxiv.org/abs/2412.19437").is_err());
/// assert!(check_url("https://exa mple.com/").is_err());
/// assert!(check_url("https://localhost/").is_err());
/// ```
pub fn check_url(url: &str) -> Result<(), String> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or("a URL must start with https:// or http://")?;
    if let Some(c) = url.chars().find(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!(
            "a URL may not contain {c:?}; encode it (%20 for a space)"
        ));
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_port = authority.rsplit('@').next().unwrap_or("");
    let (host, port) = match host_port.rsplit_once(':') {
        Some((h, p)) => (h, Some(p)),
        None => (host_port, None),
    };
    if let Some(p) = port
        && (p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) || p.parse::<u16>().is_err())
    {
        return Err(format!("`{}` is not a valid port", crate::excerpt(p)));
    }
    let labels: Vec<&str> = host.split('.').collect();
    let label_ok = |l: &&str| {
        !l.is_empty()
            && l.len() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.chars().all(|c| c.is_alphanumeric() || c == '-')
    };
    if labels.len() < 2 || !labels.iter().all(label_ok) {
        return Err(format!(
            "`{}` is not a valid host name (expected e.g. example.com)",
            crate::excerpt(host)
        ));
    }
    if !labels
        .last()
        .is_some_and(|tld| tld.chars().all(char::is_alphabetic))
    {
        return Err(format!(
            "`{}` does not end in a top-level domain",
            crate::excerpt(host)
        ));
    }
    Ok(())
}

/// Longest id of a claim, relation or conflict group, in characters.
pub const MAX_ID_CHARS: usize = 100;

/// What is wrong with an id (of a claim, relation or conflict group), with a hint: not
/// kebab-case, or longer than [`MAX_ID_CHARS`].
fn id_rule(id: &str) -> Option<(String, &'static str)> {
    if !is_kebab_case(id) {
        Some((
            format!("`{}` is not kebab-case", crate::excerpt(id)),
            "use lowercase letters and digits separated by single hyphens, e.g. `deepseek-v3-total-gpu-hours`",
        ))
    } else if id.len() > MAX_ID_CHARS {
        Some((
            format!(
                "`{}` is longer than {MAX_ID_CHARS} characters",
                crate::excerpt(id)
            ),
            "shorten the id: subject, quantity and source in a few words",
        ))
    } else {
        None
    }
}

/// The problem with the id of a relation or conflict group (`what`), if any: the rule
/// claims' ids follow.
fn id_problem(file: &str, line: usize, id: &str, what: &str) -> Option<Problem> {
    id_rule(id).map(|(message, hint)| {
        Problem::new(file, format!("{what} id {message}"))
            .at(line)
            .id(id)
            .field("id")
            .hint(hint)
    })
}

/// Content checks of a relation's declaration (its id); what it computes is
/// [`crate::Relation::problem`].
pub(crate) fn validate_relation(r: &Relation) -> Vec<Problem> {
    id_problem(&r.origin.file, r.origin.line, &r.id, "relation")
        .into_iter()
        .collect()
}

/// Content checks of a conflict group's declaration: its id, and at least two distinct
/// claims (a group of one compares nothing).
pub(crate) fn validate_conflict(g: &ConflictDecl) -> Vec<Problem> {
    let mut out: Vec<Problem> = id_problem(&g.origin.file, g.origin.line, &g.id, "conflict group")
        .into_iter()
        .collect();
    let located = |msg: String| {
        Problem::new(&g.origin.file, msg)
            .at(g.claims_line)
            .id(&g.id)
            .field("claims")
    };
    let mut seen = std::collections::HashSet::new();
    if let Some(dup) = g.claims.iter().find(|id| !seen.insert(id.as_str())) {
        out.push(
            located(format!("claim `{}` is listed twice", crate::excerpt(dup)))
                .hint("list each claim once"),
        );
    }
    if seen.len() < 2 {
        out.push(
            located(format!(
                "a conflict group needs at least two claims, and this one has {}",
                seen.len()
            ))
            .hint("list the claims that disagree, or remove the group"),
        );
    }
    out
}

/// Content checks of one claim, as of `today`.
pub(crate) fn validate_claim(c: &Claim, today: PubDate) -> Vec<Problem> {
    let mut out = Vec::new();
    if let Some((message, hint)) = id_rule(&c.id) {
        out.push(Problem::about(c, "id", format!("id {message}")).hint(hint));
    }
    for (field, text) in [
        ("subject", &c.subject),
        ("quantity", &c.quantity),
        ("claimant", &c.claimant),
        ("source_title", &c.source.title),
        ("quote", &c.quote),
    ] {
        if text.trim().is_empty() {
            out.push(Problem::about(c, field, format!("`{field}` is empty")));
        }
    }
    if c.source.published.is_after(today) {
        out.push(
            Problem::about(
                c,
                "published",
                format!(
                    "publication date {} is after today ({today})",
                    c.source.published
                ),
            )
            .hint("a claim cannot be published in the future; check the year"),
        );
    }
    if let Some(said) = c.said_on {
        if said.is_after(today) {
            out.push(
                Problem::about(
                    c,
                    "said_on",
                    format!("date said {said} is after today ({today})"),
                )
                .hint("a claim cannot be made in the future; check the year"),
            );
        } else if said.is_after(c.source.published) {
            out.push(
                Problem::about(
                    c,
                    "said_on",
                    format!(
                        "date said {said} is after the publication date {}",
                        c.source.published
                    ),
                )
                .hint("a statement cannot be reported before it is made: `said_on` is when the claimant said it, `published` when the source printed it"),
            );
        }
    }
    if let Err(e) = check_url(&c.source.url) {
        out.push(Problem::about(
            c,
            "source_url",
            format!("`{}`: {e}", crate::excerpt(&c.source.url)),
        ));
    }
    let found = matcher::contains_value(&c.quote, &c.value);
    // An erroneous claim records what a source printed; when the source printed no number
    // (a mistranslation), its notes say so, as the original format's notes do.
    let excused = c.is_erroneous() && !c.notes.trim().is_empty();
    match (&c.quote_lacks_number, found) {
        (None, false) if excused => {}
        (None, false) => {
            let what = match c.value.high() {
                Some(h) => format!(
                    "the range {} to {}",
                    crate::format_number(c.value.number()),
                    crate::format_number(h)
                ),
                None => crate::format_number(c.value.number()),
            };
            out.push(
                Problem::about(c, "quote", format!("the quote does not contain {what} in any rendering the matcher knows"))
                    .hint("quote the sentence that states the number, or fix `value`; if the source legitimately never states it, say why in `quote_lacks_number`"),
            );
        }
        (Some(_), true) => out.push(Problem::about(
            c,
            "quote_lacks_number",
            "the quote does contain the number; remove `quote_lacks_number`",
        )),
        _ => {}
    }
    out
}

/// The result of `traincost claims check`: claim problems, relations and conflicts.
#[derive(Debug, Clone)]
pub struct CheckReport<'a> {
    /// How many claims were checked.
    pub claims_checked: usize,
    /// Problems found in claims and in the declarations of conflict groups.
    pub problems: Vec<Problem>,
    /// Every declared relation, checked.
    pub relations: Vec<RelationOutcome<'a>>,
    /// Every conflict group, with its verdict (reported, never a failure).
    pub conflicts: Vec<ConflictGroup<'a>>,
}

impl CheckReport<'_> {
    /// True if no claim is invalid and every relation holds.
    pub fn passed(&self) -> bool {
        self.problems.is_empty() && self.relations.iter().all(|r| r.holds)
    }

    /// The relations that do not hold (or could not be evaluated).
    pub fn failed_relations(&self) -> impl Iterator<Item = &RelationOutcome<'_>> {
        self.relations.iter().filter(|r| !r.holds)
    }
}

/// A summary line for machines and logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct CheckSummary {
    /// Claims checked.
    pub claims: usize,
    /// Problems found.
    pub problems: usize,
    /// Relations checked.
    pub relations: usize,
    /// Relations that failed.
    pub relations_failed: usize,
    /// Conflict groups.
    pub conflict_groups: usize,
    /// Conflict groups that disagree (within a scope: claims of different scopes are never
    /// compared).
    pub disagreements: usize,
    /// Conflict groups whose claims are of several scopes, each scope compared on its own.
    pub spanning_scopes: usize,
}

impl CheckReport<'_> {
    /// Counts.
    pub fn summary(&self) -> CheckSummary {
        CheckSummary {
            claims: self.claims_checked,
            problems: self.problems.len(),
            relations: self.relations.len(),
            relations_failed: self.relations.iter().filter(|r| !r.holds).count(),
            conflict_groups: self.conflicts.len(),
            disagreements: self
                .conflicts
                .iter()
                .filter(|g| g.verdict == crate::Verdict::Disagree)
                .count(),
            spanning_scopes: self.conflicts.iter().filter(|g| g.spans_scopes()).count(),
        }
    }
}
