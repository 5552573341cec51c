//! `traincost sensitivity`, end to end: tornado bars, their sources, the SVG chart, bad input.

use serde_json::Value;

use crate::util::{assert_fails_with, find, run, stderr, stdout, temp_dir};

/// Small but enough: every run shares its random numbers, so swings are stable.
const SAMPLES: &str = "4000";

fn json(args: &[&str]) -> Value {
    let mut all = vec!["sensitivity"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--samples", SAMPLES, "--format", "json"]);
    let o = run(&all);
    assert!(o.status.success(), "{}", stderr(&o));
    serde_json::from_slice(&o.stdout).expect("valid JSON")
}

fn bar_names(t: &Value) -> Vec<String> {
    t["bars"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["input"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn development_compute_is_driven_by_its_multiplier_and_the_purchase_price() {
    // Named without its basis, a compute layer is the one on the scenario's basis.
    let v = json(&["deepseek-v3", "--layer", "development-compute"]);
    assert_eq!(v["scenario"], "deepseek-v3");
    // The default dollars: the latest full CPI-U year.
    assert_eq!(v["dollar_year"], "2025");
    let tornadoes = v["tornadoes"].as_array().unwrap();
    assert_eq!(tornadoes.len(), 1);
    let t = &tornadoes[0];
    assert_eq!(t["output"], "development-compute-ownership");
    let names = bar_names(t);
    assert!(names.len() >= 3, "{names:?}");
    assert!(
        names[..3].contains(&"development.multiplier".to_owned()),
        "{names:?}"
    );
    assert!(
        names[..3].contains(&"ownership.purchase_price".to_owned()),
        "{names:?}"
    );
    // Sorted by swing, and each swing is the distance between the two medians.
    let bars = t["bars"].as_array().unwrap();
    for w in bars.windows(2) {
        assert!(w[0]["swing"].as_f64() >= w[1]["swing"].as_f64());
    }
    for b in bars {
        let (lo, hi) = (
            b["output_at_p5"].as_f64().unwrap(),
            b["output_at_p95"].as_f64().unwrap(),
        );
        assert_eq!(b["swing"].as_f64().unwrap(), (hi - lo).abs());
        assert!(b["input_p5"].as_f64() < b["input_p95"].as_f64());
    }
    // Staff and fleet inputs never move development compute; they are listed as such.
    assert!(
        !names
            .iter()
            .any(|n| n.starts_with("staff.") || n.starts_with("fleet.")),
        "{names:?}"
    );
    let no_effect: Vec<&str> = t["no_effect"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap())
        .collect();
    assert!(no_effect.contains(&"fleet.gpus"), "{no_effect:?}");
    assert!(no_effect.iter().any(|n| n.starts_with("staff.")));
    // The multiplier is Lambert's: its source is named with title, date and URL.
    let multiplier = bars
        .iter()
        .find(|b| b["input"] == "development.multiplier")
        .unwrap();
    assert_eq!(
        multiplier["claims"][0],
        "lambert-deepseek-v3-experiment-compute-multiple"
    );
    let src = &multiplier["sources"][0];
    assert!(src["claimant"].as_str().unwrap().contains("Lambert"));
    assert_eq!(src["published"], "2025-01-09");
    assert!(src["url"].as_str().unwrap().starts_with("https://"));
    // A higher multiplier means more development compute.
    assert!(multiplier["output_at_p95"].as_f64() > multiplier["output_at_p5"].as_f64());
}

#[test]
fn the_table_names_each_driver_with_its_source() {
    let o = run(&["sensitivity", "deepseek-v3", "--samples", SAMPLES]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    // The default layer is development compute on the scenario's basis.
    assert!(out.contains("(`development-compute-ownership`)"), "{out}");
    assert!(out.contains("development.multiplier"));
    assert!(out.contains("ownership.purchase_price"));
    // Claims with claimant and date; assumptions with their text; sources with URL.
    assert!(out.contains("Nathan Lambert"));
    assert!(out.contains("DeepSeek V3 and the actual cost of training frontier AI models"));
    assert!(out.contains("https://www.interconnects.ai/"));
    assert!(out.contains("assumption: "));
    assert!(out.contains("do not move development-compute-ownership"));

    let md = run(&[
        "sensitivity",
        "deepseek-v3",
        "--samples",
        SAMPLES,
        "--format",
        "markdown",
        "--top",
        "2",
    ]);
    assert!(md.status.success(), "{}", stderr(&md));
    let md = stdout(&md);
    assert!(md.starts_with("## DeepSeek-V3: what drives"), "{md}");
    assert!(md.contains("| # | input |"));
    assert!(md.contains("](https://www.interconnects.ai/"));
    assert_eq!(
        md.matches("\n| 1 |").count() + md.matches("\n| 2 |").count(),
        2
    );
    assert!(!md.contains("\n| 3 |"));
    assert!(md.contains("more inputs have smaller swings"));
}

#[test]
fn a_layer_fixed_by_point_inputs_has_no_bars() {
    // In 2024 dollars, those of DeepSeek's $5.576M.
    let v = json(&[
        "deepseek-v3",
        "--layer",
        "final-run-rental",
        "--dollar-year",
        "2024",
    ]);
    let t = &v["tornadoes"][0];
    assert_eq!(t["median"], 5_576_000.0);
    assert!(t["bars"].as_array().unwrap().is_empty());
    let o = run(&[
        "sensitivity",
        "deepseek-v3",
        "--layer",
        "final-run-rental",
        "--samples",
        SAMPLES,
    ]);
    assert!(stdout(&o).contains("No uncertain input moves this output"));
}

#[test]
fn staff_is_driven_by_staff_inputs_only() {
    let v = json(&["deepseek-v3", "--layer", "staff"]);
    let names = bar_names(&v["tornadoes"][0]);
    assert!(!names.is_empty());
    assert!(names.iter().all(|n| n.starts_with("staff.")), "{names:?}");
}

#[test]
fn the_same_seed_gives_the_same_tornado_whatever_the_thread_count() {
    let one = json(&["gpt-4", "--threads", "1", "--seed", "3"]);
    let two = json(&["gpt-4", "--threads", "2", "--seed", "3"]);
    assert_eq!(one, two);
}

/// A tiny XML check: tags balance, attribute quotes pair up, `&` only starts an entity.
fn assert_well_formed(doc: &str) {
    assert!(doc.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    let mut stack: Vec<String> = Vec::new();
    let mut rest = doc;
    while let Some(start) = rest.find('<') {
        let text = &rest[..start];
        assert!(!text.contains('>'), "stray '>' in {text:?}");
        for (i, _) in text.match_indices('&') {
            assert!(
                ["&amp;", "&lt;", "&gt;", "&quot;", "&#39;"]
                    .iter()
                    .any(|e| text[i..].starts_with(e)),
                "bare '&' in {text:?}"
            );
        }
        let end = start + rest[start..].find('>').expect("tag closes");
        let tag = &rest[start + 1..end];
        assert_eq!(tag.matches('"').count() % 2, 0, "quotes in <{tag}>");
        if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(
                stack.pop().as_deref(),
                Some(name.trim()),
                "mismatched </{name}>"
            );
        } else if !tag.ends_with('/') {
            stack.push(tag.split_whitespace().next().unwrap().to_owned());
        }
        rest = &rest[end + 1..];
    }
    assert!(stack.is_empty(), "unclosed: {stack:?}");
    assert!(rest.trim().is_empty());
}

#[test]
fn the_chart_is_a_well_formed_svg_naming_every_bar() {
    let dir = temp_dir();
    let chart = dir.path().join("tornado.svg");
    let out = dir.path().join("tornado.json");
    let o = run(&[
        "sensitivity",
        "deepseek-v3",
        "--layer",
        "development-compute",
        "--samples",
        SAMPLES,
        "--format",
        "json",
        "--output",
        out.to_str().unwrap(),
        "--chart",
        chart.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(o.stdout.is_empty(), "--output writes the file, not stdout");
    let v: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    let svg = std::fs::read_to_string(&chart).unwrap();
    assert_well_formed(&svg);
    assert!(svg.contains("sans-serif"));
    let names = bar_names(&v["tornadoes"][0]);
    for n in &names {
        assert!(svg.contains(&format!(">{n}</text>")), "chart lacks {n}");
    }
    // Bars appear in the tornado's order.
    let positions: Vec<usize> = names
        .iter()
        .map(|n| svg.find(&format!(">{n}</text>")).unwrap())
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]));
    assert!(svg.contains("median $"));
    // No temporary files are left behind.
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".traincost-"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn layer_all_analyses_every_layer_and_total_with_one_chart_each() {
    let dir = temp_dir();
    let chart = dir.path().join("t.svg");
    let o = run(&[
        "sensitivity",
        "deepseek-v3",
        "--layer",
        "all",
        "--samples",
        "1000",
        "--format",
        "json",
        "--chart",
        chart.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let outputs: Vec<&str> = v["tornadoes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["output"].as_str().unwrap())
        .collect();
    for id in [
        "final-run-rental",
        "final-run-ownership",
        "development-compute-rental",
        "development-compute-ownership",
        "staff",
        "fleet",
        "total-model-development-rental",
        "total-model-development-ownership",
        "owner-annual",
    ] {
        assert!(outputs.contains(&id), "{outputs:?}");
        let svg = std::fs::read_to_string(dir.path().join(format!("t-{id}.svg"))).unwrap();
        assert_well_formed(&svg);
    }
    assert!(!chart.exists());
}

#[test]
fn an_unknown_layer_lists_the_available_ones() {
    let o = run(&[
        "sensitivity",
        "deepseek-v3",
        "--layer",
        "developmnet-compute",
    ]);
    assert_fails_with(
        &o,
        &[
            "no layer or output `developmnet-compute`",
            "did you mean `development-compute-",
            "final-run-ownership",
            "staff",
            "fleet-annual",
            "total-model-development-ownership",
        ],
    );
}

#[test]
fn an_unknown_scenario_suggests_the_closest() {
    let o = run(&["sensitivity", "deepseek-v4"]);
    assert_fails_with(
        &o,
        &["deepseek-v4", "did you mean the built-in `deepseek-v3`?"],
    );
}

#[test]
fn an_output_in_a_missing_directory_is_a_clear_error_and_writes_nothing() {
    let dir = temp_dir();
    let missing = dir.path().join("no/such/dir");
    let good_out = dir.path().join("out.json");
    let o = run(&[
        "sensitivity",
        "deepseek-v3",
        "--samples",
        SAMPLES,
        "--output",
        good_out.to_str().unwrap(),
        "--chart",
        missing.join("t.svg").to_str().unwrap(),
    ]);
    assert_fails_with(&o, &["does not exist"]);
    assert!(
        !good_out.exists(),
        "nothing is written when one output cannot be"
    );
    let o = run(&[
        "sensitivity",
        "deepseek-v3",
        "--output",
        missing.join("out.txt").to_str().unwrap(),
    ]);
    assert_fails_with(&o, &["does not exist", "no/such/dir"]);
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn a_users_claim_is_named_as_the_source_of_its_bar() {
    let dir = temp_dir();
    let claims = crate::util::write(
        dir.path(),
        "mine.toml",
        r#"[[claim]]
id = "my-experiment-multiple"
subject = "DeepSeek-V3"
quantity = "total pre-training experiment compute as a multiple of the reported run"
value = 1.0
value_high = 8.0
unit = "x reported GPU hours"
qualifier = "range"
claimant = "A lab insider"
source_title = "Interview notes"
source_url = "https://example.com/notes"
published = "2025-02-01"
quote = "Experiments took one to eight times the final run."
verified = true
checked_in = "notes"
tags = ["development"]
"#,
    );
    let from = "multiplier = { uniform = [2.0, 4.0], unit = \"x\", claim = \"lambert-deepseek-v3-experiment-compute-multiple\" }";
    let shown = stdout(&run(&["scenarios", "show", "deepseek-v3"]));
    assert!(shown.contains(from));
    let scenario = crate::util::write(
        dir.path(),
        "s.toml",
        &shown.replacen(
            from,
            "multiplier = { uniform = [1.0, 8.0], unit = \"x\", claim = \"my-experiment-multiple\" }",
            1,
        ),
    );
    let v = json(&[
        scenario.to_str().unwrap(),
        "--claims",
        claims.to_str().unwrap(),
        "--dollar-year",
        "2020",
    ]);
    assert_eq!(v["dollar_year"], "2020");
    let t = &v["tornadoes"][0];
    let bar = find(t, "bars", "input", "development.multiplier");
    assert_eq!(bar["sources"][0]["claimant"], "A lab insider");
    assert_eq!(bar["sources"][0]["url"], "https://example.com/notes");
    // The much wider multiplier now leads.
    assert_eq!(t["bars"][0]["input"], "development.multiplier");
    // Without the claims file the citation is an error pointing into the scenario.
    let o = run(&["sensitivity", scenario.to_str().unwrap()]);
    assert_fails_with(
        &o,
        &["s.toml:", "unknown claim id `my-experiment-multiple`"],
    );
}
