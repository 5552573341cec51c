//! `traincost reconcile`, end to end: golden facts from the claims data.

use serde_json::Value;

use crate::util::{assert_fails_with, find, run, run_json, stderr, stdout, temp_dir, write};

fn reconcile_json(args: &[&str]) -> Value {
    let mut all = vec!["reconcile"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "json", "--samples", "20000"]);
    run_json(&all)
}

fn layer<'a>(v: &'a Value, id: &str) -> &'a Value {
    find(v, "layers", "id", id)
}

fn claim<'a>(l: &'a Value, id: &str) -> &'a Value {
    find(l, "claims", "id", id)
}

#[test]
fn deepseek_v3_fleet_layer_contains_semianalysis_capex() {
    // In 2024 dollars, those of the $5.576M headline the multiples divide by.
    let v = reconcile_json(&["deepseek-v3", "--dollar-year", "2024"]);
    assert_eq!(v["schema_version"], 2);
    let fleet = layer(&v, "fleet");
    let capex = claim(fleet, "semianalysis-deepseek-server-capex");
    assert!(
        capex["claimant"]
            .as_str()
            .unwrap()
            .starts_with("SemiAnalysis")
    );
    assert_eq!(capex["published"], "2025-01-31");
    assert_eq!(capex["compared_with"], "fleet");
    // The verdict must agree with the layer's own interval.
    let (p5, p95) = (
        fleet["p5"].as_f64().unwrap(),
        fleet["p95"].as_f64().unwrap(),
    );
    let inside = p5 <= 1.6e9 && 1.6e9 <= p95;
    assert_eq!(capex["contains"], inside);
    assert_eq!(
        capex["verdict"],
        if inside {
            "consistent"
        } else if p95 < 1.6e9 {
            "above"
        } else {
            "below"
        }
    );
    // The fleet is another scope than one run: no multiple of the headline, for the layer or
    // for the claims about it (issue 12: "311x final run" divided capex by a rental figure).
    assert!(fleet.get("multiple_of_headline").is_none(), "{fleet}");
    assert_eq!(fleet["multiples"], serde_json::json!([]));
    assert_eq!(capex["multiple_of_headline"], Value::Null);
    // Amodei's and Lambert's estimates, and the "at least $500M" spend, sit beside the fleet.
    for id in [
        "amodei-deepseek-hopper-chips-cost",
        "lambert-deepseek-gpu-capex",
        "semianalysis-deepseek-hardware-spend",
    ] {
        claim(fleet, id);
    }
    let spend = claim(fleet, "semianalysis-deepseek-hardware-spend");
    // "At least $500M" is consistent when the 95th percentile is above it.
    assert_eq!(spend["value"]["qualifier"], "at least");
    assert_eq!(
        spend["verdict"],
        if p95 >= 5e8 { "consistent" } else { "below" }
    );
    assert_eq!(spend["interval"][1], Value::Null, "an open upper end");
}

#[test]
fn deepseek_v3_headline_typo_and_r1_add_on() {
    // In 2024 dollars, the headline's own: its value is the claimed $5.576M.
    let v = reconcile_json(&["deepseek-v3", "--dollar-year", "2024"]);
    let h = &v["headline"];
    assert_eq!(h["claim"], "deepseek-v3-total-training-cost-usd");
    assert_eq!(h["value"], 5_576_000.0);
    assert_eq!(h["layer"], "final-run-rental");
    let rental = layer(&v, "final-run-rental");
    assert_eq!(rental["basis"], "rental");
    let own = claim(rental, "deepseek-v3-total-training-cost-usd");
    assert_eq!(own["multiple_of_headline"], 1.0);
    assert_eq!(own["verdict"], "consistent");
    assert_eq!(
        own["input"], true,
        "the headline is an input, not independent evidence"
    );
    // The typo is shown as erroneous, never compared, never a multiple.
    let typo = claim(rental, "finansguncel-deepseek-v3-cost-typo");
    assert_eq!(typo["verdict"], "erroneous");
    assert_eq!(typo["status"], "erroneous");
    assert_eq!(typo["interval"], Value::Null);
    assert_eq!(typo["multiple_of_headline"], Value::Null);
    assert!(
        typo["explanation"]
            .as_str()
            .unwrap()
            .contains("never evidence")
    );
    // A stage's cost is compared with its component, not with the whole layer.
    let stage = claim(rental, "deepseek-v3-pretraining-cost-usd");
    assert_eq!(stage["compared_with"], "final-run-rental/pre-training");
    assert_eq!(stage["verdict"], "consistent");
    // R1's $294K is an add-on from a related model.
    let r1 = find(&v, "related", "id", "deepseek-r1-training-cost");
    assert_eq!(r1["role"], "related");
    assert_eq!(r1["how"], "builds-on-this");
    // The $294K is priced at DeepSeek's $2 per H800-hour, in the dollars of V3's report
    // (the claim's dollar_year 2024), like the headline: in 2024 dollars a plain ratio.
    let m = r1["multiple_of_headline"].as_f64().unwrap();
    let expected = 294_000.0 / 5_576_000.0;
    assert!((m - expected).abs() < 1e-9, "{m} vs {expected}");
    // Development compute and staff carry their sources.
    claim(
        layer(&v, "development-compute-ownership"),
        "lambert-deepseek-v3-experiment-compute-multiple",
    );
    claim(layer(&v, "staff"), "semianalysis-deepseek-headcount");
    // Conflicts explain themselves: the fleet group disagrees on scope; the run group has a typo.
    let groups = v["conflicts"].as_array().unwrap();
    let g = |id: &str| {
        groups
            .iter()
            .find(|g| g["id"] == id)
            .unwrap_or_else(|| panic!("{id}"))
    };
    // Its claims are of several scopes (servers, chips, V3's cluster): compared within each,
    // never across, so the group does not disagree.
    let fleet = g("deepseek-fleet-cost");
    assert_eq!(fleet["verdict"], "agree");
    let scopes: Vec<&str> = fleet["by_scope"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["scope"].as_str().unwrap())
        .collect();
    assert_eq!(scopes, ["fleet", "fleet/gpus", "training-cluster"]);
    assert!(
        fleet["reasons"]
            .as_array()
            .unwrap()
            .contains(&Value::from("scope"))
    );
    let run = g("deepseek-v3-final-run-cost");
    assert!(
        run["reasons"]
            .as_array()
            .unwrap()
            .contains(&Value::from("typo"))
    );
    // No claim of another model slips in.
    let all = serde_json::to_string(&v).unwrap();
    assert!(
        !all.contains("claude-35-sonnet"),
        "Claude claims beside DeepSeek-V3"
    );
}

#[test]
fn json_is_stable_for_a_seed() {
    let a = run(&[
        "reconcile",
        "deepseek-v3",
        "--format",
        "json",
        "--samples",
        "5000",
        "--seed",
        "3",
    ]);
    let b = run(&[
        "reconcile",
        "deepseek-v3",
        "--format",
        "json",
        "--samples",
        "5000",
        "--seed",
        "3",
    ]);
    assert!(a.status.success(), "{}", stderr(&a));
    assert_eq!(stdout(&a), stdout(&b));
}

#[test]
fn table_tells_the_story_on_one_screen() {
    let o = run(&["reconcile", "deepseek-v3", "--samples", "20000"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let t = stdout(&o);
    for needle in [
        "Headline: $5.576M",
        "fleet",
        "semianalysis-deepseek-server-capex",
        "amodei-deepseek-hopper-chips-cost",
        "lambert-deepseek-gpu-capex",
        "deepseek-r1-training-cost",
        "ERRONEOUS, not evidence",
        "finansguncel-deepseek-v3-cost-typo",
        "staff",
        "development-compute",
        "Where sources disagree",
    ] {
        assert!(t.contains(needle), "table lacks {needle:?}:\n{t}");
    }
    // The typo's line says it is erroneous.
    let typo_line = t
        .lines()
        .find(|l| l.contains("[finansguncel-deepseek-v3-cost-typo]"))
        .unwrap();
    assert!(typo_line.contains("ERRONEOUS"), "{typo_line}");
    assert!(
        t.lines().count() < 90,
        "more than a screen or two: {} lines",
        t.lines().count()
    );
}

#[test]
fn markdown_and_chart_files_are_written() {
    let dir = temp_dir();
    let md = dir.path().join("story.md");
    let svg = dir.path().join("stack.svg");
    let o = run(&[
        "reconcile",
        "deepseek-v3",
        "--samples",
        "5000",
        "--format",
        "markdown",
        "--output",
        md.to_str().unwrap(),
        "--chart",
        svg.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).is_empty());
    let text = std::fs::read_to_string(&md).unwrap();
    assert!(text.starts_with("## DeepSeek-V3"));
    assert!(text.contains("| layer | basis | median | 90% interval |"));
    assert!(text.contains("**erroneous, not evidence**"));
    assert!(text.contains("[DeepSeek Debates"), "links to sources");
    let chart = std::fs::read_to_string(&svg).unwrap();
    assert!(chart.starts_with("<svg"));
    assert!(chart.trim_end().ends_with("</svg>"));
    assert_eq!(chart.matches("<g>").count(), chart.matches("</g>").count());
    assert!(chart.contains("semianalysis-deepseek-server-capex"));
}

#[test]
fn other_scenarios_and_user_files_reconcile() {
    let v = reconcile_json(&["claude-3.5-sonnet"]);
    let rental = layer(&v, "final-run-rental");
    claim(rental, "semianalysis-claude-35-sonnet-training-cost");
    assert_eq!(
        claim(rental, "finansguncel-claude-35-sonnet-cost")["verdict"],
        "erroneous"
    );
    // R1's $294K covers its own stages, not the V3 base inside its final run.
    let v = reconcile_json(&["deepseek-r1"]);
    let r1 = claim(layer(&v, "final-run-rental"), "deepseek-r1-training-cost");
    assert_eq!(r1["compared_with"], "final-run-rental[r1-zero+sft-data+r1]");
    assert_eq!(r1["verdict"], "consistent");
    let base = find(&v, "related", "id", "deepseek-v3-total-training-cost-usd");
    assert_eq!(base["how"], "base-of-this");
    // A user's copy of a built-in keeps its claims (mapping by title and developer).
    let dir = temp_dir();
    let src = stdout(&run(&["scenarios", "show", "deepseek-v3"]));
    let path = write(
        dir.path(),
        "mine.toml",
        &src.replace("name = \"deepseek-v3\"", "name = \"mine\""),
    );
    let v = reconcile_json(&[path.to_str().unwrap()]);
    assert_eq!(v["scenario"], "mine");
    claim(layer(&v, "fleet"), "semianalysis-deepseek-server-capex");
}

#[test]
fn bad_input_is_a_clear_error() {
    let o = run(&["reconcile", "deepseek-v4"]);
    assert_fails_with(&o, &["deepseek-v4", "did you mean"]);
    let o = run(&[
        "reconcile",
        "deepseek-v3",
        "--samples",
        "1000",
        "--output",
        "/nonexistent-dir/x.md",
    ]);
    assert_fails_with(&o, &["does not exist"]);
    let o = run(&[
        "reconcile",
        "deepseek-v3",
        "--samples",
        "1000",
        "--chart",
        "/nonexistent-dir/x.svg",
    ]);
    assert_fails_with(&o, &["does not exist"]);
}

#[test]
fn other_dollars_convert_the_headline_and_the_claims() {
    let v = reconcile_json(&["deepseek-v3", "--dollar-year", "2020"]);
    assert_eq!(v["dollar_year"], "2020");
    let h = &v["headline"];
    assert_eq!(h["claimed"], 5_576_000.0);
    let value = h["value"].as_f64().unwrap();
    assert!(
        value < 5_576_000.0 * 0.95,
        "2024 dollars are fewer 2020 dollars: {value}"
    );
    // The headline's restatements are 1x the headline in any dollars.
    let rental = layer(&v, "final-run-rental");
    let m = claim(rental, "cnbc-deepseek-v3-cost")["multiple_of_headline"]
        .as_f64()
        .unwrap();
    assert!((m - 1.0).abs() < 1e-3, "{m}");
    // Restatements printed in 2025 of the 2024 figure stay consistent with it.
    assert_eq!(
        claim(rental, "cnbc-deepseek-v3-cost")["verdict"],
        "consistent"
    );
    let t = stdout(&run(&[
        "reconcile",
        "deepseek-v3",
        "--dollar-year",
        "2020",
        "--samples",
        "2000",
    ]));
    assert!(t.contains("in 2020 USD)"), "{t}");
}

/// Issue 12, point 3: every claim is compared with the figure of the scope it states, and the
/// output says which.
#[test]
fn claims_are_compared_at_their_own_scope() {
    let v = reconcile_json(&["deepseek-v3"]);
    let fleet = layer(&v, "fleet");
    // "Those 50,000 Hopper chips cost ~$1B", "the CapEx on the GPUs themselves": the GPUs,
    // not the fleet with its servers and network.
    for id in [
        "amodei-deepseek-hopper-chips-cost",
        "lambert-deepseek-gpu-capex",
        "semianalysis-deepseek-gpu-investment",
    ] {
        let c = claim(fleet, id);
        assert_eq!(c["compared_with"], "fleet/gpus", "{id}");
        assert!(
            c["explanation"].as_str().unwrap().contains("fleet/gpus"),
            "{c}"
        );
    }
    // Server capex is the whole fleet.
    assert_eq!(
        claim(fleet, "semianalysis-deepseek-server-capex")["compared_with"],
        "fleet"
    );
    // "A year of operations" (compute and headcount) is the fleet's year plus the payroll.
    let owner = layer(&v, "owner-annual");
    assert_eq!(owner["unit"], "USD/year");
    let c = claim(owner, "lambert-deepseek-annual-operating-cost");
    assert_eq!(c["compared_with"], "owner-annual");
    assert_ne!(c["verdict"], "context");
    let fleet_annual = layer(&v, "fleet-annual");
    assert!(
        fleet_annual["claims"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["id"] != "lambert-deepseek-annual-operating-cost")
    );

    // GPT-4: "over $100 million" for training is set against the compute total, not the
    // final run, on the report's basis and, in words, on the other.
    let v = reconcile_json(&["gpt-4"]);
    let total = layer(&v, "total-compute-ownership");
    for id in [
        "wired-gpt4-training-cost",
        "reuters-altman-foundation-model-training-cost",
    ] {
        let c = claim(total, id);
        assert_eq!(c["compared_with"], "total-compute-ownership");
        assert_eq!(c["verdict"], "consistent", "{c}");
        assert!(
            c["explanation"]
                .as_str()
                .unwrap()
                .contains("on the rental basis"),
            "{c}"
        );
        // Not also beside the final run.
        assert!(
            layer(&v, "final-run-rental")["claims"]
                .as_array()
                .unwrap()
                .iter()
                .all(|x| x["id"] != id)
        );
    }
    // The conflict group compares its claims by the same scopes (audit F2: it said
    // "disagree", setting the $78M final run against the "over $100M" total).
    let group = v["conflicts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["id"] == "gpt-4-training-cost")
        .unwrap();
    assert_eq!(group["verdict"], "agree");
    let by_scope = group["by_scope"].as_array().unwrap();
    assert_eq!(by_scope.len(), 2, "{group}");
    for s in by_scope {
        assert_eq!(s["verdict"], "agree", "{s}");
        // Each scope's claims sit beside the figure of that scope.
        let figure = match s["scope"].as_str().unwrap() {
            "total-compute" => "total-compute-ownership",
            other => other,
        };
        for id in s["claims"].as_array().unwrap() {
            claim(layer(&v, figure), id.as_str().unwrap());
        }
    }
    let o = run(&["reconcile", "gpt-4", "--samples", "2000"]);
    let text = stdout(&o);
    assert!(
        text.contains("[agree within each scope] gpt-4-training-cost"),
        "{text}"
    );
    assert!(
        text.contains("compared per scope, never across: total-compute: agree (2 claims); final-run-rental: agree (2 claims)"),
        "{text}"
    );
}

#[test]
fn a_cny_claim_is_compared_with_its_layer_and_says_which_rate() {
    let v = reconcile_json(&["deepseek-v3"]);
    // 385M-721M CNY for only V3's 2,000-3,000 H800s is the training cluster, not the fleet of
    // ~50,000 Hoppers: a scope the stack has no figure for, so it is listed, not compared
    // (it was once compared with the fleet and called "below" it).
    let fleet = find(&v, "layers", "id", "fleet");
    assert!(
        fleet["claims"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["id"] != "nikkei-solidot-deepseek-h800-value"),
        "{fleet}"
    );
    let c = find(&v, "unplaced", "id", "nikkei-solidot-deepseek-h800-value");
    assert_eq!(c["verdict"], "not-comparable");
    assert!(
        c["explanation"]
            .as_str()
            .unwrap()
            .contains("training-cluster"),
        "{c}"
    );
    // Posted pay in CNY per year is a rate: compared with the input that cites it, the
    // compensation per person, in the report's dollars, at the claim's year's rate.
    let staff = find(&v, "layers", "id", "staff");
    let s = find(
        staff,
        "claims",
        "id",
        "qbitai-deepseek-job-posting-max-salary",
    );
    assert_eq!(
        s["compared_with"],
        "staff.groups.research and engineering.compensation"
    );
    assert_eq!(s["verdict"], "consistent");
    let why = s["explanation"].as_str().unwrap();
    assert!(why.contains("an upper bound"), "{why}");
    assert!(why.contains("at 7.1875 CNY/USD"), "{why}");
    let hi = s["interval"][1].as_f64().unwrap();
    assert!((hi - 1.54e6 / 7.1875).abs() < 1.0, "{hi}");
}

/// Llama 3.1 405B's built-in scenario with written carbon intensities: assumptions of this
/// test, not sources (a US-grid-like location-based range; Meta's renewable matching as a
/// market-based zero).
const LLAMA_EMISSIONS: &str = r#"
[emissions]
location_intensity = { lognormal = [350, 450], unit = "gCO2e/kWh", assumption = "a US grid average of the run's period (2024), for this test" }
market_intensity = { value = 0, unit = "gCO2e/kWh", assumption = "Meta matches all its electricity with renewable energy (its model cards' market-based zero)" }
"#;

#[test]
fn emissions_claims_are_compared_with_the_emissions_of_their_scope_and_accounting() {
    let dir = temp_dir();
    // The built-in's own [emissions] (a point intensity) is replaced by this test's range.
    let src = stdout(&run(&["scenarios", "show", "llama-3.1-405b"]));
    let start = src
        .find("\n[emissions]\n")
        .expect("the built-in states its intensity");
    let end = src[start + 1..]
        .find("\n[")
        .map_or(src.len(), |i| start + 1 + i);
    let src = format!("{}{}", &src[..start], &src[end..]);
    let path = write(
        dir.path(),
        "llama-emissions.toml",
        &format!("{src}{LLAMA_EMISSIONS}"),
    );
    let v = reconcile_json(&[path.to_str().unwrap()]);
    // Meta's location-based 8,930 t beside the accelerator form's location-based figure
    // (30.84M GPU-hours x 700 W x 350-450 g/kWh is 7,556-9,714 t): inside it.
    let loc = find(
        &v,
        "footprint",
        "id",
        "final-run-emissions-accelerator-location",
    );
    assert_eq!(loc["unit"], "tCO2e");
    assert_eq!(loc["form"], "accelerator");
    assert_eq!(loc["accounting"], "location");
    let c = claim(loc, "llama-3-1-405b-location-based-emissions");
    assert_eq!(
        c["compared_with"],
        "final-run-emissions-accelerator-location"
    );
    assert_eq!(c["verdict"], "consistent");
    assert_eq!(c["contains"], true);
    // The market-based zero beside the market-based figure, itself exactly zero.
    let market = find(
        &v,
        "footprint",
        "id",
        "final-run-emissions-accelerator-market",
    );
    assert_eq!(
        (market["p5"].as_f64(), market["p95"].as_f64()),
        (Some(0.0), Some(0.0))
    );
    let m = claim(market, "llama-3-1-405b-market-based-emissions");
    assert_eq!(m["verdict"], "consistent");
    assert!(
        m["explanation"].as_str().unwrap().starts_with("matches"),
        "{m}"
    );
    // Neither is left among the claims of a scope the scenario does not model, nor beside a
    // money layer; and the money stack is unchanged by them.
    // Only the family's totals (8B + 70B + 405B) are listed apart, as a scope one model's
    // stack does not have.
    let unplaced = v["unplaced"].as_array().unwrap();
    for c in unplaced.iter().filter(|c| c["unit"] == "tCO2eq") {
        assert!(
            c["explanation"]
                .as_str()
                .unwrap()
                .contains("`model-family-emissions`"),
            "{c}"
        );
    }
    assert!(
        v["layers"]
            .as_array()
            .unwrap()
            .iter()
            .all(|l| l["unit"].as_str().unwrap().starts_with("USD"))
    );
    // The table and Markdown say the same.
    let table = stdout(&run(&[
        "reconcile",
        path.to_str().unwrap(),
        "--samples",
        "2000",
    ]));
    assert!(table.contains("Energy and emissions"), "{table}");
    assert!(
        table.contains("matches the exact figure of final-run-emissions-accelerator-market"),
        "{table}"
    );

    // Without [emissions], the same claims are listed as of a scope not modelled, and why.
    let bare = write(dir.path(), "llama-no-emissions.toml", &src);
    let v = reconcile_json(&[bare.to_str().unwrap()]);
    assert!(v["footprint"].as_array().unwrap().is_empty());
    for id in [
        "llama-3-1-405b-location-based-emissions",
        "llama-3-1-405b-market-based-emissions",
    ] {
        let c = find(&v, "unplaced", "id", id);
        assert_eq!(c["verdict"], "not-comparable");
        let why = c["explanation"].as_str().unwrap();
        assert!(why.contains("needs an [emissions] table"), "{why}");
    }
}
