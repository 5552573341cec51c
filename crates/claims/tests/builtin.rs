//! The built-in set: loads, passes its own checks, and the checks catch broken data.

use traincost_claims::conflict::ScopeComparison;
use traincost_claims::{
    ClaimRefError, ClaimSet, ConflictGroup, Expr, Relation, Status, Tag, Verdict,
};

fn data_files() -> Vec<(String, String)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read_to_string(&p).unwrap())
        })
        .collect()
}

/// Builds a set from the data files (claims first, then relations and groups), strictly.
fn strict_set(
    edit: impl Fn(&str, String) -> String,
) -> Result<ClaimSet, traincost_claims::LoadError> {
    let files = data_files();
    let (decls, claims): (Vec<_>, Vec<_>) = files
        .into_iter()
        .partition(|(n, _)| n == "relations.toml" || n == "conflicts.toml");
    let mut set = ClaimSet::empty();
    for (name, src) in claims.into_iter().chain(decls) {
        let src = edit(&name, src);
        set = set.merge_str(&name, &src)?;
    }
    Ok(set)
}

/// The `[[claim]]` tables of the data files, counted from their text.
fn claim_tables_in_data_files() -> usize {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .map(|p| {
            std::fs::read_to_string(p)
                .unwrap()
                .lines()
                .filter(|l| l.trim() == "[[claim]]")
                .count()
        })
        .sum()
}

#[test]
fn every_claim_table_loads_and_the_data_files_pass_strict_loading() {
    let tables = claim_tables_in_data_files();
    assert!(tables >= 117, "{tables} claim tables");
    let set = ClaimSet::builtin();
    assert_eq!(set.len(), tables);
    let strict = strict_set(|_, s| s).expect("every data file passes the user-file checks");
    assert_eq!(strict.len(), tables);
    assert_eq!(strict.relations().len(), set.relations().len());
}

#[test]
fn builtin_check_passes_with_every_relation_holding() {
    let set = ClaimSet::builtin();
    let report = set.check();
    assert!(report.problems.is_empty(), "{:#?}", report.problems);
    assert!(
        report.relations.len() >= 25,
        "{} relations",
        report.relations.len()
    );
    for r in &report.relations {
        assert!(
            r.holds,
            "{} fails: {:?} vs {:?} ({:?})",
            r.relation.id, r.left, r.right, r.error
        );
    }
    assert!(report.passed());
}

#[test]
fn the_relations_named_in_the_issue_are_declared() {
    let set = ClaimSet::builtin();
    let uses = |ids: &[&str]| {
        set.relations()
            .iter()
            .any(|r| ids.iter().all(|id| r.claim_ids().contains(id)))
    };
    assert!(uses(&[
        "deepseek-v3-pretraining-gpu-hours",
        "deepseek-v3-context-extension-gpu-hours",
        "deepseek-v3-post-training-gpu-hours",
        "deepseek-v3-total-gpu-hours"
    ]));
    assert!(uses(&[
        "deepseek-v3-total-gpu-hours",
        "deepseek-v3-assumed-h800-rental-price",
        "deepseek-v3-total-training-cost-usd"
    ]));
    assert!(uses(&[
        "deepseek-v3-pretraining-cost-usd",
        "deepseek-v3-context-extension-cost-usd",
        "deepseek-v3-post-training-cost-usd"
    ]));
    assert!(uses(&[
        "reuters-deepseek-r1-gpu-count",
        "register-deepseek-r1-zero-training-hours",
        "register-deepseek-r1-final-training-hours",
        "deepseek-r1-training-cost"
    ]));
    assert!(uses(&[
        "llama-3-1-8b-gpu-hours",
        "llama-3-1-70b-gpu-hours",
        "llama-3-1-405b-gpu-hours",
        "llama-3-1-total-gpu-hours"
    ]));
    assert!(uses(&[
        "ibd-nvidia-market-value-loss-596b",
        "ibd-broadcom-market-value-loss",
        "cnbc-nvidia-broadcom-combined-market-cap-loss"
    ]));
}

#[test]
fn a_wrong_number_breaks_its_relation() {
    let set = strict_set(|name, src| {
        if name == "deepseek-v3.toml" {
            // The quote still contains 2664K, so change both to keep the claim valid.
            src.replace("value = 2664000.0", "value = 2665000.0")
                .replace("costs 2664K GPU hours", "costs 2665K GPU hours")
        } else {
            src
        }
    })
    .unwrap();
    let report = set.check();
    let failed: Vec<&str> = report
        .failed_relations()
        .map(|r| r.relation.id.as_str())
        .collect();
    assert!(
        failed.contains(&"deepseek-v3-stage-gpu-hours-add-up"),
        "{failed:?}"
    );
    assert!(!report.passed());
}

#[test]
fn a_wrong_number_breaks_its_quote() {
    let err = strict_set(|name, src| {
        if name == "llama.toml" {
            src.replace("value = 30840000.0", "value = 30850000.0")
        } else {
            src
        }
    })
    .unwrap_err();
    let p = &err.problems[0];
    assert_eq!(p.claim_id.as_deref(), Some("llama-3-1-405b-gpu-hours"));
    assert_eq!(p.field.as_deref(), Some("quote"));
    assert_eq!(p.file, "llama.toml");
}

#[test]
fn the_three_erroneous_claims_are_marked_and_refused_as_inputs() {
    let set = ClaimSet::builtin();
    let mut erroneous: Vec<&str> = set
        .iter()
        .filter(|c| c.is_erroneous())
        .map(|c| c.id.as_str())
        .collect();
    erroneous.sort_unstable();
    assert_eq!(
        erroneous,
        [
            "finansguncel-claude-35-sonnet-cost",
            "finansguncel-deepseek-v3-cost-typo",
            "hyperai-deepseek-r1-zero-gpu-count-648"
        ]
    );
    assert_eq!(erroneous.len(), 3);
    for id in [
        "finansguncel-deepseek-v3-cost-typo",
        "finansguncel-claude-35-sonnet-cost",
        "hyperai-deepseek-r1-zero-gpu-count-648",
    ] {
        assert_eq!(set.get(id).unwrap().status, Status::Erroneous);
        match set.input(id) {
            Err(ClaimRefError::Erroneous { id: got, .. }) => assert_eq!(got, id),
            other => panic!("{id}: {other:?}"),
        }
    }
    // The typo's correct counterpart is suggested.
    let msg = set
        .input("finansguncel-deepseek-v3-cost-typo")
        .unwrap_err()
        .to_string();
    assert!(msg.contains("deepseek-v3-total-training-cost-usd"), "{msg}");
    assert!(set.input("deepseek-v3-total-training-cost-usd").is_ok());
}

#[test]
fn no_relation_uses_an_erroneous_claim_and_one_that_does_fails() {
    let set = ClaimSet::builtin();
    for r in set.relations() {
        for id in r.claim_ids() {
            assert!(!set.get(id).unwrap().is_erroneous(), "{} uses {id}", r.id);
        }
    }
    let bad = Relation {
        id: "typo".into(),
        description: String::new(),
        left: Expr::parse("finansguncel-deepseek-v3-cost-typo").unwrap(),
        comparison: traincost_claims::Comparison::Eq,
        right: Expr::parse("5576000000").unwrap(),
        tolerance: 0.0,
        abs_tolerance: 0.0,
        origin: set.relations()[0].origin.clone(),
    };
    let out = bad.check(set);
    assert!(!out.holds);
    assert!(out.error.unwrap().contains("erroneous"));
}

#[test]
fn conflicts_group_disagreeing_sources() {
    let set = ClaimSet::builtin();
    let groups = set.conflicts();
    let get = |id: &str| {
        groups
            .iter()
            .find(|g| g.id == id)
            .unwrap_or_else(|| panic!("no group {id}"))
    };
    // Five scopes, five numbers, as its note says: each scope is compared on its own, and
    // within each the claims agree (the group's tolerance is 10%).
    let fleet = get("deepseek-fleet-cost");
    assert_eq!(fleet.verdict, Verdict::Agree);
    for id in [
        "semianalysis-deepseek-hardware-spend",
        "semianalysis-deepseek-server-capex",
        "amodei-deepseek-hopper-chips-cost",
    ] {
        assert!(fleet.members.iter().any(|m| m.id == id), "{id}");
    }
    fn scope<'g, 'a>(g: &'g ConflictGroup<'a>, s: &str) -> &'g ScopeComparison<'a> {
        g.by_scope
            .iter()
            .find(|c| c.scope == Some(s))
            .unwrap_or_else(|| panic!("{}: no scope {s}", g.id))
    }
    let ids = |c: &ScopeComparison<'_>| c.members.iter().map(|m| m.id.clone()).collect::<Vec<_>>();
    let servers = scope(fleet, "fleet");
    assert_eq!(servers.verdict, Verdict::Agree);
    assert!(ids(servers).contains(&"luk-deepseek-server-capex-corrected-hoppers".to_owned()));
    let chips = scope(fleet, "fleet/gpus");
    assert_eq!(chips.verdict, Verdict::Agree);
    assert_eq!(
        ids(chips),
        [
            "semianalysis-deepseek-gpu-investment",
            "amodei-deepseek-hopper-chips-cost",
            "lambert-deepseek-gpu-capex"
        ]
    );
    // V3's cluster, in yuan, is the only claim of its scope: compared with nothing.
    let cluster = scope(fleet, "training-cluster");
    assert_eq!(cluster.verdict, Verdict::NotComparable);
    assert_eq!(
        fleet.alone().map(|c| c.id.as_str()).collect::<Vec<_>>(),
        ["nikkei-solidot-deepseek-h800-value"]
    );

    // GPT-4: $78M of final-run compute and "over $100M" to train are different scopes, the
    // ones reconcile places them beside; each pair agrees.
    let gpt4 = get("gpt-4-training-cost");
    assert_eq!(gpt4.verdict, Verdict::Agree);
    assert!(gpt4.spans_scopes());
    let run = scope(gpt4, "final-run-rental");
    assert_eq!(
        ids(run),
        [
            "ai-index-2024-gpt-4-compute-cost",
            "visual-capitalist-gpt-4-training-cost"
        ]
    );
    assert_eq!(run.verdict, Verdict::Agree);
    let total = scope(gpt4, "total-compute");
    assert_eq!(
        ids(total),
        [
            "wired-gpt4-training-cost",
            "reuters-altman-foundation-model-training-cost"
        ]
    );
    assert_eq!(total.verdict, Verdict::Agree);
    assert_eq!(total.by_unit[0].1, Some((100e6, f64::INFINITY)));

    // Claims of one scope that truly disagree still do: Nvidia's one-day loss is $589B (exact)
    // to TipRanks and $596B (exact) to IBD, market figures both (no stack scope).
    let loss = get("nvidia-one-day-loss-2025-01-27");
    assert!(!loss.spans_scopes());
    assert_eq!(loss.by_scope[0].scope, None);
    assert_eq!(loss.by_scope[0].verdict, Verdict::Disagree);
    assert_eq!(
        get("nvidia-one-day-loss-2025-01-27").verdict,
        Verdict::Disagree
    );
    assert_eq!(
        get("nvidia-close-price-2025-01-27").verdict,
        Verdict::Disagree
    );
    assert_eq!(
        get("claude-3-5-sonnet-training-cost").verdict,
        Verdict::Agree
    );
    // The erroneous 648 is shown but not compared: nothing is left to compare with 512.
    let r1 = get("deepseek-r1-gpu-count");
    assert_eq!(r1.members.len(), 2);
    assert_eq!(r1.verdict, Verdict::NotComparable);
    // Conflicts never fail the check.
    assert!(set.check().passed());
}

/// A claim's tags and its own `scope` say the same parts of the stack: "over $100M to train"
/// with `scope = "total-compute"` is tagged `final-run` and `development`, not the final run
/// alone (claims show and check print the tags as the claim's scope).
#[test]
fn no_builtin_claim_has_tags_contradicting_its_scope() {
    let set = ClaimSet::builtin();
    let bad: Vec<String> = set
        .iter()
        .filter_map(|c| {
            traincost_claims::scope::tags_contradiction(c)
                .map(|why| format!("{} ({}): {why}", c.id, c.origin))
        })
        .collect();
    assert!(bad.is_empty(), "{}", bad.join("\n"));
    // The check has something to judge: claims with a scope of stack parts, and tags.
    let judged = set
        .iter()
        .filter(|c| {
            c.scope
                .as_deref()
                .and_then(traincost_claims::scope::scope_parts)
                .is_some()
        })
        .count();
    assert!(judged >= 20, "{judged}");
    let wired = set.get("wired-gpt4-training-cost").unwrap();
    assert!(wired.has_tag(Tag::FinalRun) && wired.has_tag(Tag::Development));
}

#[test]
fn every_builtin_claim_has_tags_and_an_explicit_status() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    let set = ClaimSet::builtin();
    for c in set.iter() {
        assert!(!c.tags.is_empty(), "{} has no tags", c.id);
        assert!(c.origin.file.starts_with("builtin:data/"), "{}", c.origin);
    }
    for (_, src) in data_files() {
        let tables = src.matches("\n[[claim]]\n").count();
        assert_eq!(src.matches("\nstatus = ").count(), tables);
    }
    assert!(dir.is_dir());
    assert_eq!(set.with_tag(Tag::Market).len(), 12);
}

#[test]
fn lookups_by_subject_quantity_tag_and_source() {
    let set = ClaimSet::builtin();
    assert_eq!(set.by_subject("DeepSeek-V3").len(), 22);
    assert!(set.by_quantity("GPU hours").len() >= 10);
    assert!(set.from_source("arxiv.org/abs/2412.19437").len() >= 17);
    let llama = set.query().subject("llama 3.1").tag(Tag::Emissions).ids();
    // The family's location- and market-based totals, and the card's rows: the 8B's, the
    // 70B's and the 405B's location-based cells and the 405B's market-based one.
    assert_eq!(llama.len(), 6);
    assert!(set.query().tag(Tag::Staff).tag(Tag::Development).count() >= 1);
    assert_eq!(
        set.suggest("deepseek-v3-total-gpu-hour")[0],
        "deepseek-v3-total-gpu-hours"
    );
    match set.resolve("nvidia-loss") {
        Err(ClaimRefError::Unknown { suggestions, .. }) => assert!(suggestions.len() <= 3),
        other => panic!("{other:?}"),
    }
}

#[test]
fn citations_show_title_date_and_url() {
    let c = ClaimSet::builtin()
        .get("deepseek-v3-total-training-cost-usd")
        .unwrap();
    assert_eq!(
        c.source_title(),
        "DeepSeek-V3 Technical Report (arXiv 2412.19437)"
    );
    assert_eq!(c.published().to_string(), "2024-12-27");
    assert_eq!(c.dollar_year(), Some(2024));
    assert!(c.citation().contains("https://arxiv.org/abs/2412.19437"));
}

#[test]
fn a_relation_mixing_units_fails() {
    let set = ClaimSet::builtin();
    let mixed = Relation {
        id: "mixed".into(),
        description: String::new(),
        left: Expr::parse("deepseek-v3-total-gpu-hours + deepseek-v3-total-training-cost-usd")
            .unwrap(),
        comparison: traincost_claims::Comparison::Eq,
        right: Expr::parse("8364000").unwrap(),
        tolerance: 0.0,
        abs_tolerance: 0.0,
        origin: set.relations()[0].origin.clone(),
    };
    let out = mixed.check(set);
    assert!(!out.holds);
    assert!(
        out.error
            .as_deref()
            .unwrap()
            .contains("adds GPU-hours and USD"),
        "{:?}",
        out.error
    );
    let compare = Relation {
        left: Expr::parse("deepseek-v3-total-gpu-hours").unwrap(),
        right: Expr::parse("deepseek-v3-total-training-cost-usd").unwrap(),
        ..mixed
    };
    let out = compare.check(set);
    assert!(!out.holds);
    assert!(out.error.unwrap().contains("same unit"));
}
