//! Conflicts: claims of the same quantity that disagree.
//!
//! Groups are declared as data (`[[conflict]]` tables listing claim ids) when sources word
//! the same quantity differently, and found automatically when claims share subject and
//! quantity. A group *disagrees* when no single number is consistent with all its
//! (non-erroneous) claims of one unit: exact values must be equal, "about" values are
//! widened by the group's tolerance, bounds are open-ended, ranges are taken as given.
//! Conflicts are reported, never failures: the disagreement is the data.

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

/// Whether a group's claims agree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// Some number is consistent with every comparable claim.
    Agree,
    /// No number is consistent with all claims of some unit.
    Disagree,
    /// Fewer than two usable claims share a unit: nothing to compare.
    NotComparable,
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
    /// The verdict, over non-erroneous members of a shared unit.
    pub verdict: Verdict,
    /// For each unit with two or more usable claims: the unit and the interval all of them
    /// allow (`None` if they disagree).
    pub by_unit: Vec<(Unit, Option<(f64, f64)>)>,
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
        let mut units: Vec<Unit> = Vec::new();
        for c in members.iter().filter(|c| !c.is_erroneous()) {
            if !units.contains(&c.unit) {
                units.push(c.unit.clone());
            }
        }
        let mut by_unit = Vec::new();
        for unit in units {
            let same: Vec<&&Claim> = members
                .iter()
                .filter(|c| !c.is_erroneous() && c.unit == unit)
                .collect();
            if same.len() < 2 {
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
            by_unit.push((unit, agree.then_some((lo.min(hi), hi.max(lo)))));
        }
        let verdict = if by_unit.is_empty() {
            Verdict::NotComparable
        } else if by_unit.iter().any(|(_, i)| i.is_none()) {
            Verdict::Disagree
        } else {
            Verdict::Agree
        };
        ConflictGroup {
            id,
            title,
            declared,
            tolerance,
            note,
            members,
            verdict,
            by_unit,
        }
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
        assert_eq!(g.by_unit.len(), 1);
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
}
