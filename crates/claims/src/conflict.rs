//! Conflicts: claims of the same quantity that disagree.
//!
//! Groups are declared as data (`[[conflict]]` tables listing claim ids) when sources word
//! the same quantity differently, and found automatically when claims share subject and
//! quantity. A group is judged **per scope**: claims are compared only with claims of the
//! same scope ([`crate::scope::scope_of`], the definition `reconcile` places claims by; claims
//! of no stack scope, such as market figures, form one scope of their own) and the same unit.
//! Within a scope, the claims *disagree* when no single number is consistent with all its
//! (non-erroneous) claims of one unit: exact values must be equal, "about" values are widened
//! by the group's tolerance, bounds are open-ended, ranges are taken as given. Claims of
//! different scopes are never compared: "$78M for the final run" and "over $100M in total
//! compute" do not disagree. Conflicts are reported, never failures: the disagreement is the
//! data.

use serde::Serialize;

use crate::claim::Origin;
use crate::{Claim, ClaimSet, Unit};

/// A declared conflict group.
#[derive(Debug, Clone)]
pub struct ConflictDecl {
    /// Unique id.
    pub id: String,
    /// What the claims measure.
    pub title: String,
    /// The claim ids in the group.
    pub claims: Vec<String>,
    /// Relative slack for "about" values (0.05 = 5%).
    pub tolerance: f64,
    /// Why the sources differ, for people.
    pub note: String,
    /// Where it was declared.
    pub origin: Origin,
    pub(crate) claims_line: usize,
}

impl ConflictDecl {
    /// Slack for "about" values when a group does not state one.
    pub const DEFAULT_TOLERANCE: f64 = 0.05;
}

/// Whether a group's claims (or one scope's) agree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// Some number is consistent with every comparable claim (of each scope).
    Agree,
    /// No number is consistent with all claims of some scope and unit.
    Disagree,
    /// Fewer than two usable claims share a scope and a unit: nothing to compare.
    NotComparable,
}

impl Verdict {
    /// The verdict in words, for a group that spans several scopes or not: `agree`,
    /// `agree within each scope`, `disagree`, `disagree within a scope`, `not comparable`.
    pub fn words(self, spans_scopes: bool) -> &'static str {
        match (self, spans_scopes) {
            (Verdict::Agree, false) => "agree",
            (Verdict::Agree, true) => "agree within each scope",
            (Verdict::Disagree, false) => "disagree",
            (Verdict::Disagree, true) => "disagree within a scope",
            (Verdict::NotComparable, _) => "not comparable",
        }
    }
}

/// How a scope of claims of no stack figure (market figures, unit prices, model facts) is named
/// for people.
pub const NO_STACK_SCOPE: &str = "no stack scope";

/// The claims of one scope in a group, compared with each other.
#[derive(Debug, Clone)]
pub struct ScopeComparison<'a> {
    /// The scope ([`crate::scope::scope_of`]); `None` for claims of no stack scope (market
    /// figures, unit prices, model facts).
    pub scope: Option<&'a str>,
    /// The group's members of this scope, in the group's order (erroneous ones included).
    pub members: Vec<&'a Claim>,
    /// The verdict over this scope's non-erroneous members of a shared unit.
    pub verdict: Verdict,
    /// For each unit with two or more usable claims of this scope: the unit and the interval
    /// all of them allow (`None` if they disagree).
    pub by_unit: Vec<(Unit, Option<(f64, f64)>)>,
    /// Usable (non-erroneous) members no other usable member of this scope shares a unit
    /// with: they stand alone, compared with nothing.
    pub alone: Vec<&'a Claim>,
}

impl<'a> ScopeComparison<'a> {
    fn assess(scope: Option<&'a str>, members: Vec<&'a Claim>, tolerance: f64) -> Self {
        let mut units: Vec<&Unit> = Vec::new();
        for c in members.iter().filter(|c| !c.is_erroneous()) {
            if !units.contains(&&c.unit) {
                units.push(&c.unit);
            }
        }
        let mut by_unit = Vec::new();
        let mut alone = Vec::new();
        for unit in units {
            let same: Vec<&'a Claim> = members
                .iter()
                .copied()
                .filter(|c| !c.is_erroneous() && &c.unit == unit)
                .collect();
            if same.len() < 2 {
                alone.extend(same);
                continue;
            }
            let (mut lo, mut hi) = (f64::NEG_INFINITY, f64::INFINITY);
            for c in same {
                let (a, b) = c.value.interval(tolerance);
                lo = lo.max(a);
                hi = hi.min(b);
            }
            // Exact values equal up to float rounding agree.
            let agree = lo <= hi || crate::matcher::same_number(lo, hi);
            by_unit.push((unit.clone(), agree.then_some((lo.min(hi), hi.max(lo)))));
        }
        ScopeComparison {
            scope,
            verdict: verdict_of(by_unit.iter().map(|(_, i)| i.is_some())),
            members,
            by_unit,
            alone,
        }
    }

    /// True if two or more of this scope's claims were compared.
    pub fn compared(&self) -> bool {
        !self.by_unit.is_empty()
    }
}

/// Agree if every comparison agrees, disagree if one does not, not comparable if none.
fn verdict_of(agreements: impl Iterator<Item = bool>) -> Verdict {
    let mut verdict = Verdict::NotComparable;
    for agree in agreements {
        if !agree {
            return Verdict::Disagree;
        }
        verdict = Verdict::Agree;
    }
    verdict
}

/// A conflict group with its members and verdict.
#[derive(Debug, Clone)]
pub struct ConflictGroup<'a> {
    /// Declared id, or `auto:<subject> / <quantity>` for found groups.
    pub id: String,
    /// What the claims measure.
    pub title: String,
    /// True if declared as data, false if found by shared subject and quantity.
    pub declared: bool,
    /// Relative slack used for "about" values.
    pub tolerance: f64,
    /// Why the sources differ (declared groups).
    pub note: String,
    /// The claims, in declaration order (erroneous ones included, and marked so).
    pub members: Vec<&'a Claim>,
    /// The verdict over every scope: `Disagree` if the claims of some scope disagree, `Agree`
    /// if some scope's claims were compared and all agree, else `NotComparable`. Never
    /// `Disagree` because claims of different scopes differ.
    pub verdict: Verdict,
    /// The members by scope, each scope compared on its own, in order of first member.
    pub by_scope: Vec<ScopeComparison<'a>>,
}

impl<'a> ConflictGroup<'a> {
    pub(crate) fn assess(
        id: String,
        title: String,
        declared: bool,
        tolerance: f64,
        note: String,
        members: Vec<&'a Claim>,
    ) -> ConflictGroup<'a> {
        let mut scopes: Vec<Option<&'a str>> = Vec::new();
        for c in &members {
            let s = crate::scope::scope_of(c);
            if !scopes.contains(&s) {
                scopes.push(s);
            }
        }
        let by_scope: Vec<ScopeComparison<'a>> = scopes
            .into_iter()
            .map(|s| {
                let of_scope = members
                    .iter()
                    .copied()
                    .filter(|c| crate::scope::scope_of(c) == s)
                    .collect();
                ScopeComparison::assess(s, of_scope, tolerance)
            })
            .collect();
        let verdict = verdict_of(
            by_scope
                .iter()
                .filter(|s| s.compared())
                .map(|s| s.verdict != Verdict::Disagree),
        );
        ConflictGroup {
            id,
            title,
            declared,
            tolerance,
            note,
            members,
            verdict,
            by_scope,
        }
    }

    /// True if the group's members are of more than one scope (each compared on its own).
    pub fn spans_scopes(&self) -> bool {
        self.by_scope.len() > 1
    }

    /// The usable members compared with no other claim: alone in their scope and unit.
    pub fn alone(&self) -> impl Iterator<Item = &'a Claim> + '_ {
        self.by_scope.iter().flat_map(|s| s.alone.iter().copied())
    }
}

/// Declared groups, then groups of claims sharing subject and quantity (case-insensitive)
/// that no declared group already contains.
pub(crate) fn groups(set: &ClaimSet) -> Vec<ConflictGroup<'_>> {
    let mut out = Vec::new();
    for d in set.conflict_decls() {
        let members: Vec<&Claim> = d.claims.iter().filter_map(|id| set.get(id)).collect();
        out.push(ConflictGroup::assess(
            d.id.clone(),
            d.title.clone(),
            true,
            d.tolerance,
            d.note.clone(),
            members,
        ));
    }
    let mut keys: Vec<(String, String)> = Vec::new();
    for c in set.iter() {
        let key = (c.subject.to_lowercase(), c.quantity.to_lowercase());
        if !keys.contains(&key) {
            keys.push(key);
        }
    }
    for (subject, quantity) in keys {
        let members: Vec<&Claim> = set
            .iter()
            .filter(|c| {
                c.subject.to_lowercase() == subject && c.quantity.to_lowercase() == quantity
            })
            .collect();
        if members.len() < 2 {
            continue;
        }
        let covered = set
            .conflict_decls()
            .iter()
            .any(|d| members.iter().all(|m| d.claims.contains(&m.id)));
        if covered {
            continue;
        }
        let first = members[0];
        out.push(ConflictGroup::assess(
            format!("auto:{} / {}", first.subject, first.quantity),
            format!("{}: {}", first.subject, first.quantity),
            false,
            ConflictDecl::DEFAULT_TOLERANCE,
            String::new(),
            members,
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (id, value, qualifier, high, unit, status).
    type Row<'a> = (&'a str, f64, &'a str, Option<f64>, &'a str, &'a str);

    /// A set of claims of one subject and quantity.
    fn set(claims: &[Row<'_>]) -> ClaimSet {
        let mut src = String::new();
        for (id, v, q, high, unit, status) in claims {
            let high_line = high.map_or(String::new(), |h| format!("value_high = {h:?}\n"));
            let quote = match high {
                Some(h) => format!("between {v} and {h}"),
                None => format!("it was {v}"),
            };
            src.push_str(&format!(
                "[[claim]]\nid = \"{id}\"\nsubject = \"S\"\nquantity = \"Q\"\nvalue = {v:?}\n{high_line}unit = \"{unit}\"\nqualifier = \"{q}\"\nclaimant = \"C\"\nsource_title = \"T\"\nsource_url = \"https://example.com/\"\npublished = \"2024-01\"\nquote = \"{quote}\"\nnotes = \"n\"\nstatus = \"{status}\"\n\n"
            ));
        }
        ClaimSet::parse_str("t.toml", &src).unwrap()
    }

    fn verdict(claims: &[Row<'_>]) -> Verdict {
        let s = set(claims);
        let groups = groups(&s);
        assert_eq!(groups.len(), 1, "one automatic group");
        assert!(!groups[0].declared);
        groups[0].verdict
    }

    #[test]
    fn exact_values_must_match() {
        assert_eq!(
            verdict(&[
                ("a", 589.0, "exact", None, "USD", "verified"),
                ("b", 596.0, "exact", None, "USD", "verified")
            ]),
            Verdict::Disagree
        );
        assert_eq!(
            verdict(&[
                ("a", 589.0, "exact", None, "USD", "verified"),
                ("b", 589.0, "exact", None, "USD", "verified")
            ]),
            Verdict::Agree
        );
    }

    #[test]
    fn about_values_get_the_tolerance() {
        // Default 5%: 600 +/- 30 contains 589.
        assert_eq!(
            verdict(&[
                ("a", 589.0, "exact", None, "USD", "verified"),
                ("b", 600.0, "about", None, "USD", "verified")
            ]),
            Verdict::Agree
        );
        assert_eq!(
            verdict(&[
                ("a", 500.0, "exact", None, "USD", "verified"),
                ("b", 600.0, "about", None, "USD", "verified")
            ]),
            Verdict::Disagree
        );
    }

    #[test]
    fn bounds_and_ranges() {
        assert_eq!(
            verdict(&[
                ("a", 500.0, "at least", None, "USD", "verified"),
                ("b", 1600.0, "about", None, "USD", "verified")
            ]),
            Verdict::Agree
        );
        assert_eq!(
            verdict(&[
                ("a", 500.0, "at most", None, "USD", "verified"),
                ("b", 1600.0, "about", None, "USD", "verified")
            ]),
            Verdict::Disagree
        );
        assert_eq!(
            verdict(&[
                ("a", 10.0, "range", Some(100.0), "USD", "verified"),
                ("b", 78.0, "exact", None, "USD", "verified")
            ]),
            Verdict::Agree
        );
        assert_eq!(
            verdict(&[
                ("a", 10.0, "range", Some(20.0), "USD", "verified"),
                ("b", 30.0, "range", Some(40.0), "USD", "verified")
            ]),
            Verdict::Disagree
        );
    }

    #[test]
    fn different_units_and_erroneous_claims_are_not_compared() {
        assert_eq!(
            verdict(&[
                ("a", 1.3, "at least", None, "USD", "verified"),
                ("b", 1.0, "at most", None, "CNY", "verified")
            ]),
            Verdict::NotComparable
        );
        assert_eq!(
            verdict(&[
                ("a", 512.0, "exact", None, "GPUs", "verified"),
                ("b", 648.0, "exact", None, "GPUs", "erroneous")
            ]),
            Verdict::NotComparable
        );
        let s = set(&[
            ("a", 512.0, "exact", None, "GPUs", "verified"),
            ("b", 648.0, "exact", None, "GPUs", "erroneous"),
            ("c", 512.0, "about", None, "GPUs", "disputed"),
        ]);
        let g = &groups(&s)[0];
        assert_eq!(g.verdict, Verdict::Agree);
        assert_eq!(g.members.len(), 3);
        assert_eq!(g.by_scope.len(), 1);
        assert_eq!(g.by_scope[0].by_unit.len(), 1);
        assert_eq!(g.alone().count(), 0);
    }

    #[test]
    fn declared_groups_cover_automatic_ones() {
        let mut s = set(&[
            ("a", 1.0, "exact", None, "USD", "verified"),
            ("b", 2.0, "exact", None, "USD", "verified"),
        ]);
        s = s
            .merge_str(
                "g.toml",
                "[[conflict]]\nid = \"g\"\ntitle = \"t\"\nclaims = [\"a\", \"b\"]\n",
            )
            .unwrap();
        let gs = groups(&s);
        assert_eq!(gs.len(), 1);
        assert!(gs[0].declared);
        assert_eq!(gs[0].id, "g");
        assert_eq!(gs[0].tolerance, ConflictDecl::DEFAULT_TOLERANCE);
    }

    /// (id, value, qualifier, unit, tags, scope).
    type Scoped<'a> = (&'a str, f64, &'a str, &'a str, &'a str, Option<&'a str>);

    /// A declared group over claims: a `scope` field only when given.
    fn scoped(claims: &[Scoped<'_>]) -> ClaimSet {
        let mut src = String::new();
        for (id, v, q, unit, tags, scope) in claims {
            let scope = scope.map_or(String::new(), |s| format!("scope = \"{s}\"\n"));
            src.push_str(&format!(
                "[[claim]]\nid = \"{id}\"\nsubject = \"S\"\nquantity = \"Q {id}\"\nvalue = {v:?}\nunit = \"{unit}\"\nqualifier = \"{q}\"\nclaimant = \"C\"\nsource_title = \"T\"\nsource_url = \"https://example.com/\"\npublished = \"2024-01\"\nquote = \"it was {v}\"\nnotes = \"n\"\nstatus = \"verified\"\ntags = [{tags}]\n{scope}\n"
            ));
        }
        let ids: Vec<String> = claims.iter().map(|c| format!("\"{}\"", c.0)).collect();
        src.push_str(&format!(
            "[[conflict]]\nid = \"g\"\ntitle = \"t\"\nclaims = [{}]\n",
            ids.join(", ")
        ));
        ClaimSet::parse_str("t.toml", &src).unwrap()
    }

    #[test]
    fn claims_of_different_scopes_are_never_compared() {
        // $78M of final-run compute beside "over $100M" of total compute: each scope agrees
        // with itself, and the group does not disagree across them.
        let s = scoped(&[
            (
                "total-a",
                100e6,
                "at least",
                "USD",
                "\"final-run\", \"development\"",
                Some("total-compute"),
            ),
            (
                "total-b",
                100e6,
                "at least",
                "USD",
                "\"final-run\", \"development\"",
                Some("total-compute"),
            ),
            ("run-a", 78e6, "about", "USD", "\"final-run\"", None),
            ("run-b", 78.4e6, "about", "USD", "\"final-run\"", None),
        ]);
        let g = &groups(&s)[0];
        assert_eq!(g.verdict, Verdict::Agree);
        assert!(g.spans_scopes());
        let scopes: Vec<Option<&str>> = g.by_scope.iter().map(|c| c.scope).collect();
        assert_eq!(scopes, [Some("total-compute"), Some("final-run-rental")]);
        assert!(g.by_scope.iter().all(|c| c.verdict == Verdict::Agree));
        assert_eq!(g.by_scope[0].by_unit[0].1, Some((100e6, f64::INFINITY)));
        let ids: Vec<&str> = g.by_scope[1].members.iter().map(|c| c.id()).collect();
        assert_eq!(ids, ["run-a", "run-b"]);

        // The same four claims with one scope (no `scope` field, all tagged final-run) do.
        let s = scoped(&[
            ("total-a", 100e6, "at least", "USD", "\"final-run\"", None),
            ("run-a", 78e6, "about", "USD", "\"final-run\"", None),
        ]);
        let g = &groups(&s)[0];
        assert_eq!(g.verdict, Verdict::Disagree);
        assert!(!g.spans_scopes());
    }

    #[test]
    fn a_scope_that_disagrees_makes_the_group_disagree_and_lone_claims_are_named() {
        let s = scoped(&[
            (
                "fleet-a",
                1.6e9,
                "about",
                "USD",
                "\"capex\", \"fleet\"",
                None,
            ),
            (
                "fleet-b",
                1.0e9,
                "about",
                "USD",
                "\"capex\", \"fleet\"",
                None,
            ),
            (
                "gpus",
                1.0e9,
                "about",
                "USD",
                "\"capex\", \"fleet\"",
                Some("fleet/gpus"),
            ),
            (
                "cluster",
                385e6,
                "exact",
                "CNY",
                "\"capex\"",
                Some("training-cluster"),
            ),
            ("count", 5e4, "about", "GPUs", "\"fleet\"", None),
        ]);
        let g = &groups(&s)[0];
        assert_eq!(g.verdict, Verdict::Disagree);
        let fleet = &g.by_scope[0];
        assert_eq!(fleet.scope, Some("fleet"));
        assert_eq!(fleet.verdict, Verdict::Disagree);
        assert_eq!(fleet.members.len(), 3);
        // Alone: the only claim of its scope, or of its unit within its scope.
        let alone: Vec<&str> = g.alone().map(|c| c.id()).collect();
        assert_eq!(alone, ["count", "gpus", "cluster"]);
        assert!(g.by_scope[1..].iter().all(|c| !c.compared()));
        assert!(
            g.by_scope[1..]
                .iter()
                .all(|c| c.verdict == Verdict::NotComparable)
        );

        // Nothing compared anywhere: not comparable, however many scopes.
        let s = scoped(&[
            (
                "gpus",
                1.0e9,
                "about",
                "USD",
                "\"capex\"",
                Some("fleet/gpus"),
            ),
            (
                "cluster",
                385e6,
                "exact",
                "CNY",
                "\"capex\"",
                Some("training-cluster"),
            ),
        ]);
        assert_eq!(groups(&s)[0].verdict, Verdict::NotComparable);
    }
}
