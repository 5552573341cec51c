//! A claim's scope: the stack figure its number is about, the one definition every view of
//! the claims uses (`reconcile` places a claim beside the figure of its scope, conflict groups
//! compare only claims of the same scope).
//!
//! A claim's own `scope` field names the figure (`fleet/gpus`, `total-compute`,
//! `owner-annual`, `final-run-emissions-facility-location`, or a scope no stack models such
//! as `training-cluster`); without one, [`SCOPES`] maps its tags to a layer: the first row
//! whose tag the claim carries wins. Claims with neither (model facts, unit prices, market
//! figures) have no scope: [`scope_of`] is `None`.
//!
//! Tags and an explicit `scope` are two statements about the same thing, so they must not
//! contradict each other: [`tags_contradiction`] says when they do (a claim tagged only
//! `final-run` whose scope is `total-compute`, the final run *and* development compute).

use crate::{Claim, Tag};

/// Claim tag to layer id, first match wins: operating cost before capex (a fleet claim tagged
/// `opex` is a yearly cost), staff before development (the R&D staff share is about people).
/// The `emissions` tag's scope, `emissions`, is the final run's emissions (or energy, by the
/// claim's unit).
pub const SCOPES: &[(Tag, &str)] = &[
    (Tag::Opex, "fleet-annual"),
    (Tag::Fleet, "fleet"),
    (Tag::Capex, "fleet"),
    (Tag::Staff, "staff"),
    (Tag::Development, "development-compute"),
    (Tag::FinalRun, "final-run-rental"),
    (Tag::Emissions, "emissions"),
];

/// The scope a claim is about: its own `scope`, else by its tags ([`SCOPES`]); `None` for a
/// claim of no stack scope (a model fact, a unit price, a market figure).
///
/// ```
/// use traincost_claims::{ClaimSet, scope::scope_of};
/// let set = ClaimSet::builtin();
/// // By its tags: a final run's cost is the final run at rental prices.
/// assert_eq!(scope_of(set.get("deepseek-v3-total-training-cost-usd").unwrap()), Some("final-run-rental"));
/// // By its own `scope`: "the GPUs themselves" are the fleet's GPUs.
/// assert_eq!(scope_of(set.get("amodei-deepseek-hopper-chips-cost").unwrap()), Some("fleet/gpus"));
/// // A market figure sits beside no layer.
/// assert_eq!(scope_of(set.get("tipranks-nvidia-market-cap-loss-589b").unwrap()), None);
/// ```
pub fn scope_of(claim: &Claim) -> Option<&str> {
    claim.scope.as_deref().or_else(|| {
        SCOPES
            .iter()
            .find(|(tag, _)| claim.has_tag(*tag))
            .map(|(_, layer)| *layer)
    })
}

/// The tag that says a part of the stack: `final-run`, `development`, `staff`, `emissions`,
/// and `fleet` for the fleet's tags (`fleet`, `capex`, `opex`); `None` for the tags of a kind
/// of number (`market`, `price`, `model`, `trend`, `restatement`).
fn part(tag: Tag) -> Option<Tag> {
    match tag {
        Tag::FinalRun | Tag::Development | Tag::Staff | Tag::Emissions => Some(tag),
        Tag::Fleet | Tag::Capex | Tag::Opex => Some(Tag::Fleet),
        Tag::Market | Tag::Price | Tag::Model | Tag::Trend | Tag::Restatement => None,
    }
}

/// The parts of the stack a scope covers, as tags (the fleet's as `fleet`): `total-compute`
/// is the final run and development compute, `owner-annual` the fleet's year and the payroll's,
/// any energy or emissions scope is `emissions`. A basis (`-rental`, `-ownership`) or a
/// component (`fleet/gpus`) changes nothing. `None` for a scope no stack models other than
/// emissions (`training-cluster`, `relative-compute`): its tags are not judged.
///
/// ```
/// use traincost_claims::{Tag, scope::scope_parts};
/// assert_eq!(scope_parts("total-compute-ownership"), Some(&[Tag::FinalRun, Tag::Development][..]));
/// assert_eq!(scope_parts("fleet/gpus"), Some(&[Tag::Fleet][..]));
/// assert_eq!(scope_parts("model-family-emissions"), Some(&[Tag::Emissions][..]));
/// assert_eq!(scope_parts("training-cluster"), None);
/// ```
pub fn scope_parts(scope: &str) -> Option<&'static [Tag]> {
    let layer = scope.split('/').next().unwrap_or(scope);
    if layer.split('-').any(|w| w == "emissions" || w == "energy") {
        return Some(&[Tag::Emissions]);
    }
    let layer = layer
        .strip_suffix("-rental")
        .or_else(|| layer.strip_suffix("-ownership"))
        .unwrap_or(layer);
    Some(match layer {
        "final-run" => &[Tag::FinalRun],
        "development-compute" => &[Tag::Development],
        "total-compute" => &[Tag::FinalRun, Tag::Development],
        "total-model-development" => &[Tag::FinalRun, Tag::Development, Tag::Staff],
        "staff" | "payroll-annual" => &[Tag::Staff],
        "fleet" | "fleet-annual" => &[Tag::Fleet],
        "owner-annual" => &[Tag::Fleet, Tag::Staff],
        _ => return None,
    })
}

/// Why a claim's tags contradict its own `scope`, if they do: the parts of the stack its tags
/// name ([`Tag`]s of a part; the fleet's `capex` and `opex` count as `fleet`) differ from the
/// parts its scope covers ([`scope_parts`]). A claim without a `scope` takes its scope from
/// its tags ([`SCOPES`]'s order decides between several), and tags of a kind of number alone
/// (`market`, `model`) say no part, so neither can contradict; nor can a scope no stack models
/// ([`scope_parts`] is `None`).
///
/// ```
/// use traincost_claims::{ClaimSet, scope::tags_contradiction};
/// let set = ClaimSet::builtin();
/// assert!(set.iter().all(|c| tags_contradiction(c).is_none()));
/// ```
pub fn tags_contradiction(claim: &Claim) -> Option<String> {
    let scope = claim.scope.as_deref()?;
    let covers = scope_parts(scope)?;
    let mut said: Vec<Tag> = claim.tags.iter().filter_map(|t| part(*t)).collect();
    said.sort_unstable();
    said.dedup();
    if said.is_empty() {
        return None;
    }
    let mut wanted = covers.to_vec();
    wanted.sort_unstable();
    if said == wanted {
        return None;
    }
    let names = |ts: &[Tag]| {
        ts.iter()
            .map(|t| t.as_str())
            .collect::<Vec<_>>()
            .join(" and ")
    };
    Some(format!(
        "its tags say {} but its scope `{scope}` covers {} (tag it {})",
        names(&said),
        names(&wanted),
        wanted
            .iter()
            .map(|t| format!("`{t}`"))
            .collect::<Vec<_>>()
            .join(" and ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ClaimSet;

    /// One claim with `tags` (TOML list items) and a `scope` line (or none).
    fn one(tags: &str, scope: &str) -> Claim {
        let src = format!(
            "[[claim]]\nid = \"x\"\nsubject = \"S\"\nquantity = \"Q\"\nvalue = 1.0\nunit = \"USD\"\nqualifier = \"exact\"\nclaimant = \"C\"\nsource_title = \"T\"\nsource_url = \"https://example.com/\"\npublished = \"2024-06\"\nquote = \"it was 1\"\nnotes = \"n\"\nstatus = \"verified\"\ntags = [{tags}]\n{scope}\n"
        );
        ClaimSet::parse_str("t.toml", &src)
            .unwrap()
            .iter()
            .next()
            .unwrap()
            .clone()
    }

    #[test]
    fn the_scope_field_wins_over_tags_and_tags_go_in_order() {
        assert_eq!(
            scope_of(&one("\"final-run\"", "scope = \"total-compute\"")),
            Some("total-compute")
        );
        // Opex before fleet, staff before development.
        assert_eq!(
            scope_of(&one("\"fleet\", \"opex\"", "")),
            Some("fleet-annual")
        );
        assert_eq!(
            scope_of(&one("\"development\", \"staff\"", "")),
            Some("staff")
        );
        assert_eq!(scope_of(&one("\"market\"", "")), None);
    }

    #[test]
    fn tags_contradict_a_scope_they_do_not_cover_exactly() {
        // A total of the final run and development tagged as the final run alone.
        let c = one("\"final-run\"", "scope = \"total-compute\"");
        let why = tags_contradiction(&c).expect("contradiction");
        assert!(why.contains("`final-run` and `development`"), "{why}");
        assert!(
            tags_contradiction(&one(
                "\"final-run\", \"development\"",
                "scope = \"total-compute\""
            ))
            .is_none()
        );
        // A basis or a component changes nothing; capex is the fleet's.
        assert!(
            tags_contradiction(&one("\"capex\", \"fleet\"", "scope = \"fleet/gpus\"")).is_none()
        );
        assert!(
            tags_contradiction(&one("\"final-run\"", "scope = \"final-run-ownership\"")).is_none()
        );
        assert!(tags_contradiction(&one("\"final-run\"", "scope = \"fleet\"")).is_some());
        // A year of operations counts the payroll too.
        assert!(
            tags_contradiction(&one("\"opex\", \"fleet\"", "scope = \"owner-annual\"")).is_some()
        );
        assert!(
            tags_contradiction(&one(
                "\"opex\", \"fleet\", \"staff\"",
                "scope = \"owner-annual\""
            ))
            .is_none()
        );
        // Emissions scopes, modelled or not, are the emissions tag's.
        assert!(
            tags_contradiction(&one("\"emissions\"", "scope = \"series-emissions\"")).is_none()
        );
        assert!(
            tags_contradiction(&one("\"final-run\"", "scope = \"final-run-emissions\"")).is_some()
        );
        // Tags of a kind of number say no part; a scope no stack models is not judged; without
        // a scope the tags decide.
        assert!(
            tags_contradiction(&one("\"restatement\", \"market\"", "scope = \"fleet\"")).is_none()
        );
        assert!(tags_contradiction(&one("\"capex\"", "scope = \"training-cluster\"")).is_none());
        assert!(tags_contradiction(&one("\"final-run\", \"staff\"", "")).is_none());
    }
}
