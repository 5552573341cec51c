//! The bottom line at the top of `estimate`, `reconcile` and the HTML report: its figures are
//! the estimate's own outputs on one stated basis, and a scenario without a layer says so.

use serde_json::Value;

use crate::util::{find, run, run_json, stderr, stdout, temp_dir};

const SAMPLES: &str = "4000";

/// Every built-in scenario's name, from `traincost scenarios list`.
fn builtins() -> Vec<String> {
    let o = run(&["scenarios", "list"]);
    assert!(o.status.success(), "{}", stderr(&o));
    // Rows of the table: `│ name ┆ model ┆ published ┆ about │`, after the header row.
    let names: Vec<String> = stdout(&o)
        .lines()
        .filter_map(|l| l.strip_prefix('│'))
        .filter_map(|l| l.split('┆').next().map(|n| n.trim().to_owned()))
        .filter(|n| n != "scenario")
        .collect();
    assert!(names.len() >= 9, "{names:?}");
    names
}

/// The text after `Bottom line: ` in a table output.
fn bottom_line(out: &str) -> String {
    out.lines()
        .find_map(|l| l.strip_prefix("Bottom line: "))
        .unwrap_or_else(|| panic!("no bottom line in:\n{out}"))
        .to_owned()
}

fn estimate_table(name: &str) -> String {
    let o = run(&["estimate", name, "--samples", SAMPLES]);
    assert!(o.status.success(), "{}", stderr(&o));
    stdout(&o)
}

/// `$30.48M` -> (30.48e6, 0.005e6): the value and half a unit of its last digit shown.
fn dollars(s: &str) -> (f64, f64) {
    let s = s.trim_start_matches('$');
    let (num, mult) = match s.chars().last() {
        Some('K') => (&s[..s.len() - 1], 1e3),
        Some('M') => (&s[..s.len() - 1], 1e6),
        Some('B') => (&s[..s.len() - 1], 1e9),
        Some('T') => (&s[..s.len() - 1], 1e12),
        _ => (s, 1.0),
    };
    let num = num.replace(',', "");
    let decimals = num.split_once('.').map_or(0, |(_, d)| d.len());
    let value = num.parse::<f64>().expect("a number") * mult;
    (value, 0.5 * 10f64.powi(-(decimals as i32)) * mult)
}

/// Every `$...` amount in `text`, in order, with its precision.
fn amounts(text: &str) -> Vec<(f64, f64)> {
    text.split('$')
        .skip(1)
        .map(|rest| {
            let end = rest
                .find(|c: char| {
                    !(c.is_ascii_digit() || matches!(c, '.' | ',' | 'K' | 'M' | 'B' | 'T'))
                })
                .unwrap_or(rest.len());
            dollars(rest[..end].trim_end_matches(['.', ',']))
        })
        .collect()
}

/// Whether a figure shown as `shown` (with its precision) is `exact` rounded.
fn close((shown, half_unit): (f64, f64), exact: f64) -> bool {
    (shown - exact).abs() <= half_unit * (1.0 + 1e-9)
}

#[test]
fn deepseek_v3_names_the_headline_then_ownership_figures_the_estimate_computed() {
    let line = bottom_line(&estimate_table("deepseek-v3"));
    let v = run_json(&[
        "estimate",
        "deepseek-v3",
        "--samples",
        SAMPLES,
        "--format",
        "json",
    ]);
    let sentences: Vec<&str> = line.split(". ").collect();
    assert!(
        sentences[0].starts_with("The $5.576M headline")
            && sentences[0].contains("final run only, at rental prices"),
        "{line}"
    );
    let own = sentences[1];
    assert!(own.starts_with("On an ownership basis"), "{line}");
    assert!(own.contains("experiments and staff included"), "{line}");
    // Figures in order: the final run's median, p5, p95, then the total's.
    let run_ = find(&v, "layers", "id", "final-run-ownership");
    let total = find(&v, "totals", "id", "total-model-development-ownership");
    let f = |x: &Value, k: &str| x[k].as_f64().unwrap();
    let expected = [
        f(run_, "p50"),
        f(run_, "p5"),
        f(run_, "p95"),
        f(total, "p50"),
        f(total, "p5"),
        f(total, "p95"),
    ];
    let shown = amounts(own);
    assert_eq!(shown.len(), expected.len(), "{own}");
    for (s, e) in shown.iter().zip(expected) {
        assert!(close(*s, e), "{s:?} is not {e} rounded: {own}");
    }
    // "N-M times": the model's own per-sample multiple, not a ratio of percentiles.
    let m = &total["multiples"][0];
    assert_eq!(m["basis"], "ownership");
    let mult = own.split(": ").last().unwrap();
    // Each number with half a unit of its last digit shown: `6.1` is 6.05-6.15.
    let nums: Vec<(f64, f64)> = mult
        .split(|c: char| !(c.is_ascii_digit() || c == '.'))
        .filter(|t| !t.is_empty() && *t != ".")
        .take(3)
        .map(|t| {
            let decimals = t.split_once('.').map_or(0, |(_, d)| d.len());
            (t.parse().unwrap(), 0.5 * 10f64.powi(-(decimals as i32)))
        })
        .collect();
    let (m50, m5, m95) = (f(m, "p50"), f(m, "p5"), f(m, "p95"));
    assert_eq!(nums.len(), 3, "{mult}");
    for (shown, exact) in nums.iter().zip([m50, m5, m95]) {
        assert!(
            close(*shown, exact),
            "{mult}: {shown:?} is not {exact} rounded"
        );
    }
    let ratio = f(total, "p5") / f(run_, "p5");
    assert!(
        !close(nums[1], ratio),
        "p5/p5 ({ratio}) is not the multiple"
    );
    // The fleet: its own sentence, a shared capital cost, not a cost of this model.
    let fleet = sentences[2];
    let fl = find(&v, "layers", "id", "fleet");
    assert!(fleet.contains("fleet") && fleet.contains("not a cost of this model"));
    assert!(close(amounts(fleet)[1], f(fl, "p5")) && close(amounts(fleet)[2], f(fl, "p95")));
    // One basis per sentence.
    for s in &sentences {
        assert!(!(s.contains("rental") && s.contains("ownership")), "{s}");
    }
}

#[test]
fn every_builtin_gets_a_true_bottom_line_in_estimate_and_reconcile() {
    for name in builtins() {
        let line = bottom_line(&estimate_table(&name));
        let v = run_json(&["estimate", &name, "--samples", SAMPLES, "--format", "json"]);
        let has = |id: &str| {
            v["layers"]
                .as_array()
                .unwrap()
                .iter()
                .any(|l| l["id"] == id)
        };
        let basis = v["basis"].as_str().unwrap();
        assert!(
            line.contains(match basis {
                "rental" => "At rental prices, the final run cost",
                _ => "On an ownership basis",
            }),
            "{name}: {line}"
        );
        assert_eq!(
            line.contains("headline"),
            !v["headline"].is_null(),
            "{name}: {line}"
        );
        if has("staff") {
            assert!(line.contains("staff included"), "{name}: {line}");
        } else {
            assert!(!line.contains("staff included"), "{name}: {line}");
            let missing = line.split("Not modelled here: ").nth(1).unwrap_or("");
            assert!(missing.contains("staff"), "{name}: {line}");
        }
        assert_eq!(line.contains("fleet cost"), has("fleet"), "{name}: {line}");
        if !has(&format!("development-compute-{basis}")) {
            assert!(!line.contains("developing") && !line.contains("experiments included"));
            let missing = line.split("Not modelled here: ").nth(1).unwrap_or("");
            assert!(missing.contains("experiments"), "{name}: {line}");
        }
        for s in line.split(". ") {
            assert!(
                !(s.contains("rental") && s.contains("ownership")),
                "{name}: {s}"
            );
        }
        // reconcile leads with the same sentence.
        let o = run(&["reconcile", &name, "--samples", SAMPLES]);
        assert!(o.status.success(), "{}", stderr(&o));
        assert_eq!(bottom_line(&stdout(&o)), line, "{name}");
    }
}

#[test]
fn the_report_and_markdown_lead_with_the_bottom_line_and_the_waterfall() {
    let line = bottom_line(&estimate_table("deepseek-v3"));
    let o = run(&[
        "estimate",
        "deepseek-v3",
        "--samples",
        SAMPLES,
        "--format",
        "markdown",
    ]);
    assert!(stdout(&o).contains(&format!("**Bottom line.** {line}")));
    let dir = temp_dir();
    let page = dir.path().join("r.html");
    let o = run(&[
        "report",
        "deepseek-v3",
        "--samples",
        SAMPLES,
        "-o",
        page.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let html = std::fs::read_to_string(&page).unwrap();
    let escaped = line.replace('&', "&amp;").replace('\'', "&#39;");
    let at = html.find(&escaped).expect("the bottom line in the page");
    assert!(
        at < html.find("id=\"summary\"").unwrap(),
        "before the cards"
    );
    assert!(html.contains("id=\"waterfall\"") && html.contains("data-layer=\"staff\""));
    // estimate --waterfall writes the same chart; a final run alone has none.
    let svg = dir.path().join("w.svg");
    let o = run(&[
        "estimate",
        "deepseek-v3",
        "--samples",
        SAMPLES,
        "--waterfall",
        svg.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let chart = std::fs::read_to_string(&svg).unwrap();
    assert!(chart.contains("data-layer=\"total-model-development-ownership\""));
    let o = run(&[
        "estimate",
        "deepseek-r1",
        "--waterfall",
        svg.to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("only its final run"), "{}", stderr(&o));
}
