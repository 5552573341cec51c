//! Sourced claims about the cost of training AI models: typed, validated, queryable.
//!
//! Every number traincost prints traces to a claim (who said it, where, when, in what words)
//! or to an input marked as an assumption. The built-in claims live in `data/*.toml` inside
//! this crate and are compiled into the library: the binary needs no file at run time.
//!
//! # The claims file format
//!
//! One `[[claim]]` table per claim (the format of `shared/domain/claims.toml`, extended only
//! with optional fields):
//!
//! | field | meaning |
//! |---|---|
//! | `id` | kebab-case, unique across all files |
//! | `subject` | model or company the number is about |
//! | `quantity` | what is claimed ("final training run cost", "GPU hours") |
//! | `value`, `value_high` | the number; `value_high` only for `qualifier = "range"` |
//! | `qualifier` | `exact`, `at least`, `at most`, `about` or `range` |
//! | `unit` | a [`Unit`]: `USD`, `USD (2023)`, `CNY per year`, `H800 GPU-hours`, `GPUs (NVIDIA H800)`, `FLOP`, `tCO2eq`, `percent`, `USD per share`, ... |
//! | `claimant` | who made the claim |
//! | `source_title`, `source_url`, `published` | the source; date `YYYY-MM-DD` or `YYYY-MM` |
//! | `said_on` | when the claimant said it, where that differs from `published` (a remark reported later); same date format, not after `published` (optional) |
//! | `quote` | short verbatim quote that contains the number |
//! | `notes` | scope, caveats, cross-references (optional) |
//! | `verified`, `checked_in` | quote read verbatim? in which copy? (optional) |
//! | `status` | `verified`, `erroneous`, `disputed`, `unverified` (optional; default from `verified`, or `erroneous` when the notes flag the claim ERRONEOUS or MISTRANSLATION) |
//! | `tags` | scope [`Tag`]s: `final-run`, `development`, `staff`, `fleet`, `capex`, `opex`, `market`, `price`, `model`, `emissions`, `trend`, `restatement` (optional); without `scope` they decide the claim's scope ([`scope::scope_of`]), with it they must name the parts it covers ([`scope::tags_contradiction`]) |
//! | `dollar_year` | the year of the money, for money units (optional; default: nominal) |
//! | `quote_lacks_number` | why the quote cannot contain the number, when it legitimately cannot (optional) |
//! | `scope` | the stack figure the number is about, when its tags alone do not say: a layer (`fleet`), a component (`fleet/gpus`) or a total (`total-model-development`, `owner-annual`); compute figures named without a basis are compared on the report's basis; conflict groups compare claims of one scope only (optional) |
//!
//! Files may also declare `[[relation]]` tables (see [`relation`]) and `[[conflict]]`
//! groups (see [`conflict`]).
//!
//! # Using the claims
//!
//! ```
//! use traincost_claims::{ClaimSet, Tag};
//!
//! let set = ClaimSet::builtin();
//! let c = set.get("deepseek-v3-total-training-cost-usd").unwrap();
//! assert_eq!(c.value.number(), 5_576_000.0);
//! assert_eq!(c.unit.to_string(), "USD");
//! assert_eq!(c.published().to_string(), "2024-12-27");
//! assert_eq!(c.source_url(), "https://arxiv.org/abs/2412.19437");
//!
//! // Queries combine: subject and quantity match case-insensitive substrings.
//! let stages: Vec<_> = set.query().subject("DeepSeek-V3").quantity("GPU hours").tag(Tag::FinalRun).ids();
//! assert!(stages.contains(&"deepseek-v3-pretraining-gpu-hours"));
//!
//! // An input cites a claim: unknown ids suggest the closest ones, erroneous claims are refused.
//! let err = set.input("deepseek-v3-total-gpu-hour").unwrap_err();
//! assert!(err.to_string().contains("deepseek-v3-total-gpu-hours"));
//! assert!(set.input("finansguncel-deepseek-v3-cost-typo").is_err());
//!
//! // The whole audit: claim checks, relations, conflicts.
//! assert!(set.check().passed());
//! ```
#![deny(missing_docs)]

mod check;
pub mod citation;
mod claim;
pub mod conflict;
mod date;
mod load;
pub mod matcher;
pub mod relation;
pub mod scope;
mod unit;

use std::collections::HashMap;
use std::path::Path;
use std::sync::OnceLock;

pub use check::{CheckReport, CheckSummary, MAX_ID_CHARS, check_url, is_kebab_case};
pub use claim::{Claim, Origin, Source, Status, Tag, Value, ValueError, format_number};
pub use conflict::{ConflictDecl, ConflictGroup, NO_STACK_SCOPE, ScopeComparison, Verdict};
pub use date::{DateError, DatePrecision, PubDate};
pub use load::{LoadError, Problem};
pub use relation::{Comparison, Expr, MAX_EXPR_DEPTH, Relation, RelationOutcome};
pub use unit::{BaseUnit, CarbonMass, Currency, EnergyUnit, Per, Unit, UnitError};

include!(concat!(env!("OUT_DIR"), "/builtin_files.rs"));

/// A set of claims, relations and conflict groups: the built-in set, possibly merged with
/// users' files.
#[derive(Debug, Clone, Default)]
pub struct ClaimSet {
    claims: Vec<Claim>,
    index: HashMap<String, usize>,
    relations: Vec<Relation>,
    conflicts: Vec<ConflictDecl>,
}

/// A claim id that cannot be used as an input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClaimRefError {
    /// No claim has this id.
    #[error("unknown claim id `{}`{}", excerpt(.id), did_you_mean(.suggestions))]
    Unknown {
        /// The id asked for.
        id: String,
        /// The closest existing ids, best first (possibly empty).
        suggestions: Vec<String>,
    },
    /// The claim records an erroneous figure.
    #[error("claim `{}` is marked erroneous ({notes}); cite a correct claim instead{}", excerpt(.id), did_you_mean(.alternatives))]
    Erroneous {
        /// The id asked for.
        id: String,
        /// The claim's notes.
        notes: String,
        /// Claims of the same subject and unit that are not erroneous.
        alternatives: Vec<String>,
    },
}

/// Most problems reported for one field (unknown ids in a relation's side, say): a few say
/// what is wrong, thousands would bury it.
pub const MAX_PROBLEMS_PER_FIELD: usize = 5;

/// How many characters of user input an error message quotes (see [`excerpt`]).
pub const EXCERPT_CHARS: usize = 80;

/// User input as an error message quotes it: at most [`EXCERPT_CHARS`] characters, then how
/// many were left out, so that a 4 MB id gives a one-line error. Every message quoting what
/// a user wrote (ids, units, dates, URLs, expressions) goes through it.
///
/// ```
/// use traincost_claims::excerpt;
/// assert_eq!(excerpt("deepseek-v3"), "deepseek-v3");
/// let long = "x".repeat(1000);
/// assert_eq!(excerpt(&long), format!("{}... (920 more characters)", "x".repeat(80)));
/// ```
pub fn excerpt(s: &str) -> std::borrow::Cow<'_, str> {
    match s.char_indices().nth(EXCERPT_CHARS) {
        None => std::borrow::Cow::Borrowed(s),
        Some((cut, _)) => {
            let more = s[cut..].chars().count();
            std::borrow::Cow::Owned(format!("{}... ({more} more characters)", &s[..cut]))
        }
    }
}

/// Longest text "did you mean" compares: longer input gets no suggestion (no id is that
/// long, and comparing costs the product of the lengths).
pub const MAX_SUGGEST_CHARS: usize = 128;
/// Most candidates "did you mean" scores: the work of a suggestion is bounded.
pub const MAX_SUGGEST_CANDIDATES: usize = 100_000;

/// How alike two short texts are (Jaro-Winkler, 0 to 1); 0 when either is longer than
/// [`MAX_SUGGEST_CHARS`] bytes, so a huge input costs nothing to compare.
pub fn similarity(a: &str, b: &str) -> f64 {
    if a.len() > MAX_SUGGEST_CHARS || b.len() > MAX_SUGGEST_CHARS {
        return 0.0;
    }
    strsim::jaro_winkler(a, b)
}

/// The candidates most like `wanted` (at least `min_score` by [`similarity`]), best first, at
/// most `max`: the one "did you mean" of every command. Bounded: a `wanted` longer than
/// [`MAX_SUGGEST_CHARS`] gets none, and at most [`MAX_SUGGEST_CANDIDATES`] are scored.
///
/// ```
/// use traincost_claims::closest;
/// let ids = ["deepseek-v3", "deepseek-r1", "gpt-4"];
/// assert_eq!(closest("deepseek-v2", ids, 0.7, 1), vec!["deepseek-v3"]);
/// assert!(closest(&"deepseek-v3".repeat(100_000), ids, 0.7, 3).is_empty());
/// ```
pub fn closest<'a>(
    wanted: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    min_score: f64,
    max: usize,
) -> Vec<&'a str> {
    if wanted.len() > MAX_SUGGEST_CHARS {
        return Vec::new();
    }
    let mut scored: Vec<(f64, &str)> = candidates
        .into_iter()
        .take(MAX_SUGGEST_CANDIDATES)
        .map(|c| (similarity(wanted, c), c))
        .filter(|(s, _)| *s > min_score)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    scored.into_iter().take(max).map(|(_, c)| c).collect()
}

fn did_you_mean(ids: &[String]) -> String {
    match ids {
        [] => String::new(),
        [one] => format!(" (did you mean `{one}`?)"),
        many => format!(
            " (did you mean one of {}?)",
            many.iter()
                .map(|s| format!("`{s}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

impl ClaimSet {
    /// The built-in claims, parsed once. Their checks run in this crate's tests and in
    /// `traincost claims check`.
    pub fn builtin() -> &'static ClaimSet {
        static SET: OnceLock<ClaimSet> = OnceLock::new();
        SET.get_or_init(|| {
            let mut set = ClaimSet::default();
            for (name, src) in BUILTIN_FILES {
                let file = format!("builtin:{name}");
                set = match set.merge_inner(&file, src, false) {
                    Ok(s) => s,
                    Err(e) => {
                        panic!("built-in claims are invalid (the crate's tests catch this):\n{e}")
                    }
                };
            }
            set
        })
    }

    /// An empty set.
    pub fn empty() -> ClaimSet {
        ClaimSet::default()
    }

    /// A copy of this set with the claims, relations and conflict groups of the claims file
    /// at `path` added.
    ///
    /// The file is checked in full: TOML syntax, field types, units, qualifiers and ranges,
    /// dates (valid, not in the future), ids (kebab-case, not already in the set or the file),
    /// URLs, every quote containing its number, and every id a relation or group uses. Any
    /// problem fails the merge with a [`LoadError`] naming file, line, claim id and field.
    pub fn merge_file(&self, path: impl AsRef<Path>) -> Result<ClaimSet, LoadError> {
        let path = path.as_ref();
        let file = path.display().to_string();
        let src = std::fs::read_to_string(path).map_err(|e| LoadError {
            problems: vec![Problem::new(
                &file,
                format!("cannot read the claims file: {e}"),
            )],
        })?;
        self.merge_str(&file, &src)
    }

    /// Like [`ClaimSet::merge_file`], for text already read; `file` names it in errors.
    ///
    /// ```
    /// use traincost_claims::ClaimSet;
    /// let extra = r#"
    /// [[claim]]
    /// id = "my-h100-quote"
    /// subject = "NVIDIA H100"
    /// quantity = "price per GPU"
    /// value = 27000
    /// unit = "USD per GPU"
    /// qualifier = "exact"
    /// claimant = "A reseller"
    /// source_title = "Quote 1234"
    /// source_url = "https://example.com/quote/1234"
    /// published = "2025-03"
    /// quote = "H100 SXM, $27,000 per unit"
    /// "#;
    /// let set = ClaimSet::builtin().merge_str("mine.toml", extra).unwrap();
    /// assert_eq!(set.len(), ClaimSet::builtin().len() + 1);
    ///
    /// let bad = extra.replace("published = \"2025-03\"", "published = \"2025-02-30\"");
    /// let err = ClaimSet::builtin().merge_str("mine.toml", &bad).unwrap_err();
    /// let p = &err.problems[0];
    /// assert_eq!((p.file.as_str(), p.line, p.claim_id.as_deref(), p.field.as_deref()),
    ///            ("mine.toml", Some(12), Some("my-h100-quote"), Some("published")));
    /// ```
    pub fn merge_str(&self, file: &str, src: &str) -> Result<ClaimSet, LoadError> {
        self.merge_inner(file, src, true)
    }

    /// Parses `src` into a new set without the built-in claims (same checks as
    /// [`ClaimSet::merge_str`]).
    pub fn parse_str(file: &str, src: &str) -> Result<ClaimSet, LoadError> {
        ClaimSet::default().merge_inner(file, src, true)
    }

    fn merge_inner(&self, file: &str, src: &str, strict: bool) -> Result<ClaimSet, LoadError> {
        let parsed = load::parse(file, src).map_err(|problems| LoadError { problems })?;
        let today = PubDate::today_utc();
        let mut problems = Vec::new();
        let mut set = self.clone();
        for c in parsed.claims {
            if let Some(&k) = set.index.get(&c.id) {
                let prev = &set.claims[k].origin;
                let hint = if prev.file == c.origin.file {
                    "ids must be unique; rename one of the two claims"
                } else {
                    "ids must be unique across the built-in set and every merged file; rename this claim"
                };
                problems.push(
                    Problem::about(
                        &c,
                        "id",
                        format!(
                            "duplicate id `{}`: already defined at {prev}",
                            excerpt(&c.id)
                        ),
                    )
                    .hint(hint),
                );
                continue;
            }
            if strict {
                problems.extend(check::validate_claim(&c, today));
            }
            set.index.insert(c.id.clone(), set.claims.len());
            set.claims.push(c);
        }
        for r in parsed.relations {
            if let Some(prev) = set.relations.iter().find(|p| p.id == r.id) {
                problems.push(
                    Problem::new(
                        file,
                        format!(
                            "duplicate relation id `{}`: already defined at {}",
                            excerpt(&r.id),
                            prev.origin
                        ),
                    )
                    .at(r.origin.line)
                    .id(&r.id)
                    .field("id"),
                );
                continue;
            }
            if strict {
                problems.extend(check::validate_relation(&r));
                let before = problems.len();
                for (field, expr) in [("left", &r.left), ("right", &r.right)] {
                    // A few unknown ids say what is wrong; thousands would bury it.
                    let bad = expr.claim_ids().into_iter().filter_map(|id| {
                        set.reference_problem(id, file, r.origin.line, &r.id, field)
                    });
                    problems.extend(bad.take(MAX_PROBLEMS_PER_FIELD));
                }
                // With every id known, what `claims check` would refuse is refused here.
                if problems.len() == before
                    && let Some((field, message)) = r.problem(&set)
                {
                    problems.push(
                        Problem::new(file, message)
                            .at(r.origin.line)
                            .id(&r.id)
                            .field(field)
                            .hint("fix the expression, or the claims it uses, so that both sides are numbers in one unit"),
                    );
                }
            }
            set.relations.push(r);
        }
        for g in parsed.conflicts {
            if let Some(prev) = set.conflicts.iter().find(|p| p.id == g.id) {
                problems.push(
                    Problem::new(
                        file,
                        format!(
                            "duplicate conflict group id `{}`: already defined at {}",
                            excerpt(&g.id),
                            prev.origin
                        ),
                    )
                    .at(g.origin.line)
                    .id(&g.id)
                    .field("id"),
                );
                continue;
            }
            if strict {
                problems.extend(check::validate_conflict(&g));
                problems.extend(
                    g.claims
                        .iter()
                        .filter(|id| set.get(id).is_none())
                        .take(MAX_PROBLEMS_PER_FIELD)
                        .map(|id| set.unknown_id_problem(id, file, g.claims_line, &g.id, "claims")),
                );
            }
            set.conflicts.push(g);
        }
        if problems.is_empty() {
            Ok(set)
        } else {
            problems.sort_by_key(|p| p.line);
            Err(LoadError { problems })
        }
    }

    fn unknown_id_problem(
        &self,
        id: &str,
        file: &str,
        line: usize,
        owner: &str,
        field: &str,
    ) -> Problem {
        let err = ClaimRefError::Unknown {
            id: id.to_string(),
            suggestions: self.suggest(id).into_iter().map(str::to_string).collect(),
        };
        Problem::new(file, err.to_string())
            .at(line)
            .id(owner)
            .field(field)
    }

    fn reference_problem(
        &self,
        id: &str,
        file: &str,
        line: usize,
        owner: &str,
        field: &str,
    ) -> Option<Problem> {
        match self.get(id) {
            None => Some(self.unknown_id_problem(id, file, line, owner, field)),
            Some(c) if c.is_erroneous() => Some(
                Problem::new(
                    file,
                    format!(
                        "uses erroneous claim `{}`: an erroneous figure may not be used as true",
                        excerpt(id)
                    ),
                )
                .at(line)
                .id(owner)
                .field(field),
            ),
            Some(_) => None,
        }
    }

    /// Number of claims.
    pub fn len(&self) -> usize {
        self.claims.len()
    }

    /// True if the set has no claims.
    pub fn is_empty(&self) -> bool {
        self.claims.is_empty()
    }

    /// The claim with this id.
    pub fn get(&self, id: &str) -> Option<&Claim> {
        self.index.get(id).map(|&k| &self.claims[k])
    }

    /// The claim with this id, or an error suggesting the closest ids.
    pub fn resolve(&self, id: &str) -> Result<&Claim, ClaimRefError> {
        self.get(id).ok_or_else(|| ClaimRefError::Unknown {
            id: id.to_string(),
            suggestions: self.suggest(id).into_iter().map(str::to_string).collect(),
        })
    }

    /// The claim with this id for use as a model input: like [`ClaimSet::resolve`], and an
    /// erroneous claim is refused (with non-erroneous claims of the same subject and unit
    /// suggested instead).
    pub fn input(&self, id: &str) -> Result<&Claim, ClaimRefError> {
        let c = self.resolve(id)?;
        if c.is_erroneous() {
            // Same subject and unit, closest quantity first.
            let mut scored: Vec<(f64, &Claim)> = self
                .iter()
                .filter(|o| !o.is_erroneous() && o.subject == c.subject && o.unit == c.unit)
                .map(|o| (similarity(&o.quantity, &c.quantity), o))
                .collect();
            scored.sort_by(|a, b| b.0.total_cmp(&a.0));
            let alternatives = scored
                .into_iter()
                .take(3)
                .map(|(_, o)| o.id.clone())
                .collect();
            return Err(ClaimRefError::Erroneous {
                id: c.id.clone(),
                notes: c
                    .notes
                    .split(". ")
                    .next()
                    .unwrap_or_default()
                    .trim_end_matches('.')
                    .to_string(),
                alternatives,
            });
        }
        Ok(c)
    }

    /// All claims, in file order (built-in files sorted by name, then merged files).
    pub fn iter(&self) -> impl Iterator<Item = &Claim> {
        self.claims.iter()
    }

    /// Up to three ids closest to `id`, best first, for "did you mean" hints.
    /// Bounded: see [`closest`].
    pub fn suggest(&self, id: &str) -> Vec<&str> {
        closest(id, self.claims.iter().map(|c| c.id.as_str()), 0.7, 3)
    }

    /// A query over this set; with no filter it yields every claim.
    pub fn query(&self) -> Query<'_> {
        Query {
            set: self,
            subject: None,
            quantity: None,
            tags: Vec::new(),
            source: None,
            usable_only: false,
        }
    }

    /// Claims whose subject contains `subject` (case-insensitive).
    pub fn by_subject<'a>(&'a self, subject: &str) -> Vec<&'a Claim> {
        self.query().subject(subject).collect()
    }

    /// Claims whose quantity contains `quantity` (case-insensitive).
    pub fn by_quantity<'a>(&'a self, quantity: &str) -> Vec<&'a Claim> {
        self.query().quantity(quantity).collect()
    }

    /// Claims carrying `tag`.
    pub fn with_tag(&self, tag: Tag) -> Vec<&Claim> {
        self.query().tag(tag).collect()
    }

    /// Claims whose source title, URL or claimant contains `source` (case-insensitive).
    pub fn from_source<'a>(&'a self, source: &str) -> Vec<&'a Claim> {
        self.query().source(source).collect()
    }

    /// The declared relations.
    pub fn relations(&self) -> &[Relation] {
        &self.relations
    }

    /// The declared conflict groups.
    pub fn conflict_decls(&self) -> &[ConflictDecl] {
        &self.conflicts
    }

    /// Every relation, checked.
    pub fn check_relations(&self) -> Vec<RelationOutcome<'_>> {
        self.relations.iter().map(|r| r.check(self)).collect()
    }

    /// Every conflict group (declared, then found), with its verdict.
    pub fn conflicts(&self) -> Vec<ConflictGroup<'_>> {
        conflict::groups(self)
    }

    /// The relations that use the claim `id`.
    pub fn relations_of(&self, id: &str) -> Vec<&Relation> {
        self.relations
            .iter()
            .filter(|r| r.claim_ids().contains(&id))
            .collect()
    }

    /// The conflict groups the claim `id` belongs to.
    pub fn conflicts_of(&self, id: &str) -> Vec<ConflictGroup<'_>> {
        self.conflicts()
            .into_iter()
            .filter(|g| g.members.iter().any(|m| m.id == id))
            .collect()
    }

    /// Validates every claim (as of today), checks every relation, and assesses every
    /// conflict group.
    pub fn check(&self) -> CheckReport<'_> {
        self.check_as_of(PubDate::today_utc())
    }

    /// [`ClaimSet::check`] with "today" given, for reproducible checks.
    pub fn check_as_of(&self, today: PubDate) -> CheckReport<'_> {
        let mut problems: Vec<Problem> = self
            .claims
            .iter()
            .flat_map(|c| check::validate_claim(c, today))
            .collect();
        for r in &self.relations {
            problems.extend(check::validate_relation(r));
        }
        for g in &self.conflicts {
            problems.extend(check::validate_conflict(g));
            problems.extend(
                g.claims
                    .iter()
                    .filter(|id| self.get(id).is_none())
                    .take(MAX_PROBLEMS_PER_FIELD)
                    .map(|id| {
                        self.unknown_id_problem(id, &g.origin.file, g.claims_line, &g.id, "claims")
                    }),
            );
        }
        CheckReport {
            claims_checked: self.claims.len(),
            problems,
            relations: self.check_relations(),
            conflicts: self.conflicts(),
        }
    }
}

/// A query over a [`ClaimSet`]: filters combine with "and".
///
/// ```
/// use traincost_claims::{ClaimSet, Tag};
/// let set = ClaimSet::builtin();
/// let losses = set.query().subject("nvidia").quantity("market value lost").collect();
/// assert!(losses.len() >= 4);
/// let usable = set.query().subject("DeepSeek-V3").quantity("final training run cost").usable().collect();
/// assert!(usable.iter().all(|c| !c.is_erroneous()));
/// assert!(set.query().tag(Tag::Staff).source("semianalysis").count() >= 2);
/// ```
#[derive(Debug, Clone)]
pub struct Query<'a> {
    set: &'a ClaimSet,
    subject: Option<String>,
    quantity: Option<String>,
    tags: Vec<Tag>,
    source: Option<String>,
    usable_only: bool,
}

impl<'a> Query<'a> {
    /// Only claims whose subject contains `s` (case-insensitive).
    pub fn subject(mut self, s: &str) -> Self {
        self.subject = Some(s.to_lowercase());
        self
    }

    /// Only claims whose quantity contains `q` (case-insensitive).
    pub fn quantity(mut self, q: &str) -> Self {
        self.quantity = Some(q.to_lowercase());
        self
    }

    /// Only claims carrying `tag` (repeat for several tags: all required).
    pub fn tag(mut self, tag: Tag) -> Self {
        self.tags.push(tag);
        self
    }

    /// Only claims whose source title, URL or claimant contains `s` (case-insensitive).
    pub fn source(mut self, s: &str) -> Self {
        self.source = Some(s.to_lowercase());
        self
    }

    /// Only claims usable as inputs (not erroneous).
    pub fn usable(mut self) -> Self {
        self.usable_only = true;
        self
    }

    fn matches(&self, c: &Claim) -> bool {
        let has = |text: &str, needle: &Option<String>| {
            needle
                .as_ref()
                .is_none_or(|n| text.to_lowercase().contains(n.as_str()))
        };
        has(&c.subject, &self.subject)
            && has(&c.quantity, &self.quantity)
            && self.tags.iter().all(|t| c.has_tag(*t))
            && self.source.as_ref().is_none_or(|s| {
                [&c.source.title, &c.source.url, &c.claimant]
                    .iter()
                    .any(|t| t.to_lowercase().contains(s.as_str()))
            })
            && !(self.usable_only && c.is_erroneous())
    }

    /// The matching claims, in set order.
    pub fn iter(&self) -> impl Iterator<Item = &'a Claim> + '_ {
        self.set.claims.iter().filter(|c| self.matches(c))
    }

    /// The matching claims, collected.
    pub fn collect(&self) -> Vec<&'a Claim> {
        self.iter().collect()
    }

    /// The ids of the matching claims.
    pub fn ids(&self) -> Vec<&'a str> {
        self.iter().map(|c| c.id.as_str()).collect()
    }

    /// How many claims match.
    pub fn count(&self) -> usize {
        self.iter().count()
    }
}

impl serde::Serialize for Value {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Value", 3)?;
        st.serialize_field("qualifier", self.qualifier())?;
        st.serialize_field("value", &self.number())?;
        st.serialize_field("value_high", &self.high())?;
        st.end()
    }
}
