//! `traincost models` (issue 18 item 3): built-ins and Epoch AI's models in one table, filters,
//! every format, and the frontier's growth rate against Epoch's, computed here independently
//! from Epoch's CSV.
//!
//! Nothing here depends on how many built-ins there are: rows are checked by property and by
//! name, never as a whole table.

use serde_json::Value;

use crate::epoch::{column, csv_records};
use crate::util::{assert_fails_with, run, run_json, stderr, stdout, temp_dir};

const TABLE: &str = include_str!("../../crates/core/data/epoch/epoch_cost_table.csv");

/// Few samples: these tests check structure and the trend, not percentiles.
const SAMPLES: &str = "2000";

fn models(extra: &[&str]) -> Value {
    let mut args = vec!["models", "--format", "json", "--samples", SAMPLES];
    args.extend_from_slice(extra);
    run_json(&args)
}

fn rows(v: &Value) -> &Vec<Value> {
    v["rows"].as_array().expect("rows")
}

/// The built-ins' names and titles, read from their files (not from the binary).
fn builtins() -> Vec<(String, String)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../core/scenarios");
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let text = std::fs::read_to_string(e.unwrap().path()).unwrap();
        let field = |key: &str| {
            text.lines()
                .find_map(|l| l.strip_prefix(&format!("{key} = \"")))
                .map(|s| s.trim_end_matches('"').to_owned())
        };
        if let Some(name) = field("name") {
            out.push((name.clone(), field("title").unwrap_or(name)));
        }
    }
    out
}

/// Epoch's regression (`regression.py`, `utils.datetime_to_float_year`) on Epoch's own
/// recorded amortized costs of `version`'s frontier rows: (n, slope in OOMs per year).
fn epoch_fit(version: &str) -> (usize, f64) {
    let records = csv_records(TABLE);
    let (header, data) = records.split_first().unwrap();
    let (v, f, d, c) = (
        column(header, "version"),
        column(header, "in_top10_frontier_set"),
        column(header, "publication_date"),
        column(header, "cost_capex_energy_real_usd"),
    );
    let pts: Vec<(f64, f64)> = data
        .iter()
        .filter(|r| r[v] == version && r[f] == "True" && !r[c].is_empty())
        .map(|r| {
            let p: Vec<f64> = r[d].split('-').map(|x| x.parse().unwrap()).collect();
            let year = p[0] + (p[1] - 1.0) / 12.0 + (p[2] - 1.0) / 365.0;
            (year, r[c].parse::<f64>().unwrap().log10())
        })
        .collect();
    let n = pts.len() as f64;
    let mx = pts.iter().map(|p| p.0).sum::<f64>() / n;
    let my = pts.iter().map(|p| p.1).sum::<f64>() / n;
    let sxy: f64 = pts.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
    let sxx: f64 = pts.iter().map(|p| (p.0 - mx).powi(2)).sum();
    (pts.len(), sxy / sxx)
}

#[test]
fn one_row_per_model_with_the_documented_fields() {
    let v = models(&[]);
    assert_eq!(v["schema_version"], 1);
    assert_eq!(
        v["dollar_year"], "2024",
        "the latest year CPI-U and the PPI both have"
    );
    assert_eq!(v["epoch_version"], "latest");
    let rows = rows(&v);
    for r in rows {
        for key in [
            "scenario",
            "title",
            "source",
            "developer",
            "publication_date",
            "hardware",
            "compute_flop",
            "compute_from",
            "costed",
            "rental_unit",
            "ownership_unit",
            "frontier",
        ] {
            assert!(r.get(key).is_some(), "{key} missing in {r}");
        }
        // A row is costed, or says why not.
        assert!(
            r["costed"].is_object() || r["not_costed"].is_string(),
            "{r}"
        );
        if let Some(c) = r["costed"].as_object() {
            for basis in ["rental", "ownership"] {
                if let Some(i) = c[basis].as_object() {
                    let (p5, p50, p95) = (
                        i["p5"].as_f64().unwrap(),
                        i["p50"].as_f64().unwrap(),
                        i["p95"].as_f64().unwrap(),
                    );
                    assert!(0.0 < p5 && p5 <= p50 && p50 <= p95, "{r}");
                } else {
                    let why = if basis == "rental" {
                        &c["rental_missing"]
                    } else {
                        &c["ownership_missing"]
                    };
                    assert!(why.is_string(), "no {basis} and no reason: {r}");
                }
            }
        }
    }
    // Every built-in once; Epoch's 177 models once each, as a row or behind a built-in.
    let builtins = builtins();
    for (name, _) in &builtins {
        let n = rows
            .iter()
            .filter(|r| r["scenario"] == name.as_str())
            .count();
        assert_eq!(n, 1, "{name}");
    }
    let mut epoch_models: Vec<String> = rows
        .iter()
        .filter(|r| r["source"] == "epoch")
        .map(|r| r["title"].as_str().unwrap().to_owned())
        .chain(
            rows.iter()
                .filter_map(|r| r["epoch"]["model"].as_str().map(str::to_owned)),
        )
        .collect();
    epoch_models.sort();
    epoch_models.dedup();
    assert_eq!(epoch_models.len(), 177);
    // GPT-4 is the curated built-in, with Epoch's row beside it, and no `epoch:GPT-4` row.
    assert!(!rows.iter().any(|r| r["scenario"] == "epoch:GPT-4"));
    let gpt4 = rows.iter().find(|r| r["scenario"] == "gpt-4").unwrap();
    assert_eq!(gpt4["source"], "builtin");
    assert_eq!(gpt4["epoch"]["model"], "GPT-4");
    assert_eq!(gpt4["frontier"], true);
    assert_eq!(gpt4["developer"], "OpenAI");
    assert_eq!(gpt4["publication_date"], "2023-03-15");
    // Compute comes from Epoch's row when the scenario gives GPU-hours, not FLOP.
    assert_eq!(gpt4["compute_flop"], 2.1e25);
    assert_eq!(gpt4["compute_from"], "epoch");
    assert!(
        gpt4["epoch"]["costed"]["ownership"]["p50"]
            .as_f64()
            .unwrap()
            > 1e7
    );
    // An Epoch row: Inflection-2 at Epoch's cloud price, whose unit costs are ratios of medians.
    let grok = rows
        .iter()
        .find(|r| r["scenario"] == "epoch:Inflection-2")
        .unwrap();
    assert_eq!(grok["developer"], "Inflection AI");
    let rental = grok["costed"]["rental"]["p50"].as_f64().unwrap();
    let hours = grok["costed"]["gpu_hours"]["p50"].as_f64().unwrap();
    let per_hour = grok["rental_unit"]["per_gpu_hour"].as_f64().unwrap();
    assert!((per_hour - rental / hours).abs() < 1e-9 * per_hour);
    let flop = grok["compute_flop"].as_f64().unwrap();
    let per_flop = grok["rental_unit"]["per_1e18_flop"].as_f64().unwrap();
    assert!((per_flop - rental / (flop / 1e18)).abs() < 1e-9 * per_flop);
    // A row Epoch found no cloud price for still appears, with its ownership cost and why
    // it has no rental one.
    let no_cloud = rows
        .iter()
        .find(|r| r["costed"]["rental_missing"].is_string())
        .expect("a row without a cloud price");
    assert!(no_cloud["costed"]["rental"].is_null());
    assert!(
        no_cloud["costed"]["rental_missing"]
            .as_str()
            .unwrap()
            .contains("no cloud price")
    );
    // Sorted by publication date.
    let dates: Vec<&str> = rows
        .iter()
        .filter_map(|r| r["publication_date"].as_str())
        .collect();
    assert!(dates.windows(2).all(|w| w[0] <= w[1]));
}

#[test]
fn the_frontier_trend_reproduces_epochs_regression() {
    // Paper v1: Epoch's own set. Our slope on our Monte Carlo medians is Epoch's on its
    // recorded costs, computed here from the CSV, and the notebook's printed 0.3888 (claim
    // epoch-frontier-training-cost-growth-regression).
    let v1 = run_json(&[
        "--epoch-version",
        "paper_v1",
        "models",
        "--format",
        "json",
        "--samples",
        SAMPLES,
        "--frontier",
    ]);
    let t = &v1["trend"];
    let (n, slope) = epoch_fit("paper_v1");
    assert_eq!(n, 45);
    assert_eq!(t["fit"]["n"], 45);
    assert_eq!(t["epoch_version"], "paper_v1");
    let ours = t["fit"]["ooms_per_year"].as_f64().unwrap();
    assert!((ours - slope).abs() < 0.005, "{ours} vs Epoch's {slope}");
    assert!(
        (ours - 0.3888).abs() < 0.005,
        "{ours} vs the notebook's 0.3888"
    );
    assert_eq!(t["published"]["factor_per_year"], 2.4);
    assert_eq!(t["published"]["low"], 2.0);
    assert_eq!(t["published"]["high"], 3.1);
    assert_eq!(t["within_published_interval"], true);
    let f = t["factor_per_year"].as_f64().unwrap();
    assert!((2.0..=3.1).contains(&f), "{f}");
    // Every row shown is in the frontier set.
    assert!(rows(&v1).iter().all(|r| r["frontier"] == true));

    // The default: the newest version's frontier set, whatever the filters.
    let latest = models(&["--source", "builtin"]);
    let t = &latest["trend"];
    let (n, slope) = epoch_fit("update_2025_06");
    assert_eq!(t["epoch_version"], "update_2025_06");
    assert_eq!(t["fit"]["n"].as_u64().unwrap() as usize, n);
    let ours = t["fit"]["ooms_per_year"].as_f64().unwrap();
    assert!((ours - slope).abs() < 0.005, "{ours} vs Epoch's {slope}");
    // The documented relation: the rate lies within the published 95% interval.
    let f = t["factor_per_year"].as_f64().unwrap();
    assert!((2.0..=3.1).contains(&f), "{f}");
    assert_eq!(t["within_published_interval"], true);
    assert!(
        t["explanation"]
            .as_str()
            .unwrap()
            .contains("changes no slope")
    );
}

#[test]
fn filters_select_rows_by_developer_date_hardware_and_source() {
    let v = models(&[
        "--developer",
        "openai",
        "--since",
        "2023",
        "--until",
        "2024-06",
    ]);
    let shown = rows(&v);
    assert!(!shown.is_empty());
    for r in shown {
        assert!(
            r["developer"]
                .as_str()
                .unwrap()
                .to_lowercase()
                .contains("openai"),
            "{r}"
        );
        let d = r["publication_date"].as_str().unwrap();
        assert!(("2023-01-01"..="2024-06-30").contains(&d), "{d}");
    }
    assert!(shown.iter().any(|r| r["scenario"] == "gpt-4"));
    assert_eq!(v["filters"]["since"], "2023");
    assert_eq!(v["filters"]["until"], "2024-06");

    let tpu = models(&["--hardware", "TPU", "--source", "epoch"]);
    assert!(!rows(&tpu).is_empty());
    assert!(
        rows(&tpu)
            .iter()
            .all(|r| { r["source"] == "epoch" && r["hardware"].as_str().unwrap().contains("TPU") })
    );

    let b = models(&["--source", "builtin"]);
    assert_eq!(rows(&b).len(), builtins().len());
    assert!(rows(&b).iter().all(|r| r["source"] == "builtin"));

    // A filter nothing matches gives an empty table, not an error; the trend is still fitted.
    let none = models(&["--developer", "no such lab"]);
    assert!(rows(&none).is_empty());
    assert!(none["trend"]["fit"]["n"].as_u64().unwrap() > 40);
}

#[test]
fn every_format_tells_the_same_rows() {
    let filter = ["--developer", "google", "--since", "2022"];
    let json = models(&filter);
    let n = rows(&json).len();
    assert!(n >= 3);
    let text = |format: &str| {
        let mut args = vec!["models", "--format", format, "--samples", SAMPLES];
        args.extend_from_slice(&filter);
        let o = run(&args);
        assert!(o.status.success(), "{}", stderr(&o));
        stdout(&o)
    };
    let csv = text("csv");
    let lines: Vec<&str> = csv.lines().collect();
    assert!(lines[0].starts_with("scenario,title,source,developer,publication_date"));
    assert_eq!(lines.len(), n + 1, "{csv}");
    assert!(csv.contains("epoch-study-gemini-1.0-ultra,"));
    let table = text("table");
    assert!(table.contains("final run, ownership"), "{table}");
    assert!(table.contains("Frontier trend"), "{table}");
    assert!(
        table.contains("Epoch AI published 2.4x per year"),
        "{table}"
    );
    let md = text("markdown");
    assert!(md.starts_with("## "), "{md}");
    assert_eq!(
        md.lines().filter(|l| l.starts_with("| ")).count(),
        n + 1,
        "{md}"
    );
    let html = text("html");
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert_eq!(html.matches("<tr class=\"model\">").count(), n);
    assert!(html.contains("id=\"trend-chart\""));
    assert!(html.contains("epoch-frontier-training-cost-growth"));
}

/// A Markdown table's rows as cells (header first).
fn markdown_rows(md: &str) -> Vec<Vec<String>> {
    md.lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| ---") && !l.starts_with("|---"))
        .map(|l| {
            l.trim_matches('|')
                .split(" | ")
                .map(|c| c.trim().to_owned())
                .collect()
        })
        .collect()
}

#[test]
fn every_row_says_which_price_index_converts_it() {
    // Built-ins on CPI-U beside Epoch rows on Epoch's PPI: each row names its own.
    let filter = ["--developer", "openai", "--since", "2023"];
    let json = models(&filter);
    assert!(json["index"].is_null());
    let indexes: Vec<&str> = rows(&json)
        .iter()
        .filter_map(|r| r["costed"]["price_index"].as_str())
        .collect();
    assert!(indexes.contains(&"cpi-u") && indexes.contains(&"ppi-data-processing"));
    let markdown = |extra: &[&str]| {
        let mut args = vec!["models", "--format", "markdown", "--samples", SAMPLES];
        args.extend_from_slice(&filter);
        args.extend_from_slice(extra);
        let o = run(&args);
        assert!(o.status.success(), "{}", stderr(&o));
        stdout(&o)
    };
    let md = markdown(&[]);
    assert!(
        md.lines()
            .next()
            .unwrap()
            .contains("each row converted with its own price index (column index)"),
        "{md}"
    );
    let table = markdown_rows(&md);
    let col = table[0]
        .iter()
        .position(|h| h == "index")
        .expect("an index column");
    assert_eq!(table.len(), rows(&json).len() + 1);
    for r in rows(&json) {
        let title = r["title"].as_str().unwrap();
        let shown = table[1..]
            .iter()
            .find(|cells| cells[0].trim_end_matches(" *") == title)
            .unwrap_or_else(|| panic!("no row {title}: {md}"));
        let expected = match r["costed"]["price_index"].as_str() {
            Some("cpi-u") => "CPI-U",
            Some("ppi-data-processing") => "PPI",
            _ => "—",
        };
        assert_eq!(shown[col], expected, "{title}");
    }
    // One index for every row: the title names it, no column is needed.
    let md = markdown(&["--index", "cpi-u"]);
    assert!(
        md.lines()
            .next()
            .unwrap()
            .contains("every row converted with cpi-u (--index)"),
        "{md}"
    );
    assert!(!markdown_rows(&md)[0].iter().any(|h| h == "index"), "{md}");
}

#[test]
fn the_chart_is_written_beside_the_output() {
    let dir = temp_dir();
    let svg = dir.path().join("trend.svg");
    let out = dir.path().join("models.json");
    let o = run(&[
        "models",
        "--samples",
        SAMPLES,
        "--source",
        "builtin",
        "--format",
        "json",
        "--chart",
        svg.to_str().unwrap(),
        "--output",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).is_empty());
    let s = std::fs::read_to_string(&svg).unwrap();
    assert!(s.starts_with("<svg"));
    assert!(s.contains("Epoch AI published: 2.4x/year"));
    assert!(s.contains("fitted: "));
    // The frontier's points are drawn even though only built-ins are listed.
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    let points = v["trend"]["points"].as_array().unwrap().len();
    assert!(s.matches("<circle").count() >= points);
}

#[test]
fn bad_filters_are_clear_errors() {
    let o = run(&["models", "--since", "June"]);
    assert_fails_with(&o, &["--since", "2023-06"]);
    let o = run(&["models", "--until", "2023-13"]);
    assert_fails_with(&o, &["--until"]);
    let o = run(&["models", "--dollar-year", "1850", "--source", "builtin"]);
    assert_fails_with(&o, &["1850"]);
}
