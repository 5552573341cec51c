//! `traincost compare`, end to end: two scenarios, or one under two assumption sets, side by side.

use serde_json::Value;

use crate::util::{assert_fails_with, find, run, run_json, stderr, stdout, temp_dir, write};

const SAMPLES: &str = "2000";

fn json(args: &[&str]) -> Value {
    let mut all = vec!["compare"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--samples", SAMPLES, "--format", "json"]);
    run_json(&all)
}

fn row<'a>(v: &'a Value, id: &str) -> &'a Value {
    find(v, "rows", "id", id)
}

#[test]
fn r1_rental_exceeds_v3_by_its_own_stages() {
    // In 2024 dollars, those of the $2/GPU-hour both scenarios state.
    let v = json(&["deepseek-v3", "deepseek-r1", "--dollar-year", "2024"]);
    assert_eq!(v["dollar_year"], "2024");
    assert_eq!(v["a"]["scenario"], "deepseek-v3");
    assert_eq!(v["b"]["scenario"], "deepseek-r1");
    let rental = row(&v, "final-run-rental");
    assert_eq!(rental["presence"], "both");
    // R1's reasoning stages, (512 x 198 + 5,000 + 512 x 80) GPU-hours at $2 = $294,672, less
    // V3's post-training (5,000 GPU-hours, $10,000): R1 starts from DeepSeek-V3-Base.
    assert_eq!(rental["difference"]["central"], 284_672.0);
    let (a, b) = (
        rental["a"]["central"].as_f64().unwrap(),
        rental["b"]["central"].as_f64().unwrap(),
    );
    assert_eq!(b - a, 284_672.0);
    assert_eq!(rental["relative"]["central"].as_f64().unwrap(), (b - a) / a);
    // R1 states only its final run: the other layers are V3's alone.
    for id in [
        "final-run-ownership",
        "development-compute-rental",
        "development-compute-ownership",
        "staff",
        "fleet",
    ] {
        let r = row(&v, id);
        assert_eq!(r["presence"], "only-a", "{id}");
        assert!(r["b"].is_null() && r["difference"].is_null(), "{id}");
    }
    // R1's own stages are components only B has.
    assert_eq!(row(&v, "final-run-rental/r1-zero")["presence"], "only-b");
    assert_eq!(
        row(&v, "final-run-rental/pre-training")["presence"],
        "only-a"
    );
    let gpu_hours = row(&v, "final-run-gpu-hours");
    assert_eq!(gpu_hours["difference"]["central"], 147_336.0 - 5_000.0);
}

#[test]
fn table_and_markdown_show_differences_and_one_sided_layers() {
    // In 2024 dollars, those of the figures below.
    let o = run(&[
        "compare",
        "deepseek-v3",
        "deepseek-r1",
        "--samples",
        SAMPLES,
        "--dollar-year",
        "2024",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("A: deepseek-v3"), "{out}");
    assert!(out.contains("B: deepseek-r1"));
    assert!(out.contains("+$284.7K"));
    // Figures one side alone has are listed after the table, under their scenario's name.
    assert!(out.contains("Only in deepseek-v3 (DeepSeek-V3):"), "{out}");
    assert!(out.contains("Only in deepseek-r1 (DeepSeek-R1):"), "{out}");

    let o = run(&[
        "compare",
        "deepseek-v3",
        "deepseek-r1",
        "--samples",
        SAMPLES,
        "--dollar-year",
        "2024",
        "--format",
        "markdown",
        "--no-components",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let md = stdout(&o);
    assert!(md.starts_with("## DeepSeek-V3 vs DeepSeek-R1"), "{md}");
    assert!(md.contains("| layer | deepseek-v3 |"));
    assert!(md.contains("|---|"));
    assert!(md.contains("(`final-run-rental`) | $5.576M |"));
    assert!(md.contains("+$284.7K | +5.1% |"));
    assert!(md.contains("only in deepseek-v3"));
    assert!(!md.contains("r1-zero"), "--no-components");
    // Every table row has the header's number of cells.
    let cells = |l: &str| l.matches(" | ").count();
    let rows: Vec<&str> = md.lines().filter(|l| l.starts_with("| ")).collect();
    assert!(rows.len() > 5);
    assert!(rows.iter().all(|l| cells(l) == cells(rows[0])), "{md}");
}

#[test]
fn a_scenario_against_itself_differs_by_nothing() {
    let v = json(&["deepseek-v3", "deepseek-v3"]);
    assert_eq!(v["a"]["label"], "deepseek-v3 (A)");
    assert_eq!(v["b"]["label"], "deepseek-v3 (B)");
    for r in v["rows"].as_array().unwrap() {
        assert_eq!(r["presence"], "both");
        for k in ["central", "p5", "p50", "p95"] {
            assert_eq!(r["difference"][k], 0.0, "{} {k}", r["id"]);
        }
    }
}

#[test]
fn an_assumption_set_is_a_scenario_file() {
    // The same scenario with a $2.50 rental price instead of DeepSeek's $2: an assumption
    // informed by DeepSeek's claim, not the claim's figure.
    let shown = run(&["scenarios", "show", "deepseek-v3"]);
    assert!(shown.status.success());
    let text = stdout(&shown);
    let from = "rental_price = { value = 2.0, unit = \"USD/GPU-hour\", claim = \"deepseek-v3-assumed-h800-rental-price\" }";
    assert!(text.contains(from));
    let dir = temp_dir();
    let mine = write(
        dir.path(),
        "mine.toml",
        &text.replacen(
            from,
            "rental_price = { value = 2.5, unit = \"USD/GPU-hour\", informed_by = \"deepseek-v3-assumed-h800-rental-price\", assumption = \"a 25% dearer rental\" }",
            1,
        ),
    );
    // In 2024 dollars, those of both prices.
    let v = json(&[
        "deepseek-v3",
        mine.to_str().unwrap(),
        "--dollar-year",
        "2024",
        "--label-a",
        "DeepSeek's $2",
        "--label-b",
        "$2.50",
    ]);
    assert_eq!(v["a"]["label"], "DeepSeek's $2");
    let rental = row(&v, "final-run-rental");
    assert_eq!(rental["relative"]["central"], 0.25);
    // Everything on the ownership basis is unchanged; development on the rental basis moves
    // with the rental price.
    assert_eq!(
        row(&v, "development-compute-ownership")["difference"]["central"],
        0.0
    );
    assert_eq!(
        row(&v, "development-compute-rental")["relative"]["central"],
        0.25
    );
    assert_eq!(row(&v, "fleet")["difference"]["p95"], 0.0);
}

#[test]
fn both_sides_are_put_in_the_same_dollars() {
    let now = json(&["deepseek-v3", "deepseek-r1"]);
    let then = json(&["deepseek-v3", "deepseek-r1", "--dollar-year", "2020"]);
    assert_eq!(then["dollar_year"], "2020");
    let r = |v: &Value, side: &str| {
        row(v, "final-run-rental")[side]["central"]
            .as_f64()
            .unwrap()
    };
    // 2020 dollars are worth more: the same costs are smaller numbers, by one factor on both sides.
    assert!(r(&then, "a") < r(&now, "a"));
    let ratio = |v: &Value| r(v, "b") / r(v, "a");
    assert!((ratio(&then) - ratio(&now)).abs() < 1e-12);
}

#[test]
fn an_unknown_scenario_names_its_side_and_suggests_the_closest() {
    let o = run(&["compare", "deepseek-v3", "deepseek-r2"]);
    assert_fails_with(
        &o,
        &[
            "side B",
            "deepseek-r2",
            "did you mean the built-in `deepseek-r1`?",
        ],
    );
    let o = run(&["compare", "gtp-4", "deepseek-v3"]);
    assert_fails_with(&o, &["side A", "did you mean the built-in `gpt-4`?"]);
}

#[test]
fn dollars_side_b_cannot_be_put_in_are_an_error() {
    let o = run(&[
        "compare",
        "deepseek-v3",
        "deepseek-r1",
        "--dollar-year",
        "1850",
    ]);
    assert_fails_with(&o, &["side A", "1850", "--dollar-year"]);
}

#[test]
fn an_output_in_a_missing_directory_is_a_clear_error_and_writes_nothing() {
    let dir = temp_dir();
    let target = dir.path().join("missing").join("cmp.md");
    let o = run(&[
        "compare",
        "deepseek-v3",
        "deepseek-r1",
        "--output",
        target.to_str().unwrap(),
    ]);
    assert_fails_with(&o, &["does not exist", "missing"]);
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);

    let ok = dir.path().join("cmp.md");
    let o = run(&[
        "compare",
        "deepseek-v3",
        "deepseek-r1",
        "--samples",
        SAMPLES,
        "--dollar-year",
        "2024",
        "--format",
        "markdown",
        "-o",
        ok.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(std::fs::read_to_string(&ok).unwrap().contains("+$284.7K"));
}

/// `traincost scenarios show NAME` with `from` replaced by `to` (asserting `from` is there),
/// written to `dir/file`.
fn edited(dir: &std::path::Path, name: &str, file: &str, from: &str, to: &str) -> String {
    let text = stdout(&run(&["scenarios", "show", name]));
    assert!(text.contains(from), "{name} lacks {from:?}");
    write(dir, file, &text.replacen(from, to, 1))
        .to_str()
        .unwrap()
        .to_owned()
}

/// The central estimate of `id` in `traincost estimate ARGS --format json`.
fn estimated(args: &[&str], id: &str) -> f64 {
    let mut all = vec!["estimate"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--samples", SAMPLES, "--format", "json"]);
    let v = run_json(&all);
    find(&v, "layers", "id", id)["central"].as_f64().unwrap()
}

#[test]
fn a_copy_on_another_price_index_is_put_on_side_a_index_and_differs_by_nothing() {
    // The GPT-3 study (Epoch's producer price index) against the same file on CPI-U: on their
    // own indexes every money row would differ by the gap between the deflators (+14%).
    let dir = temp_dir();
    let from = "index = \"ppi-data-processing\"";
    let cpi = edited(
        dir.path(),
        "epoch-study-gpt-3-175b",
        "gpt3-cpi.toml",
        from,
        "index = \"cpi-u\"",
    );
    let v = json(&["epoch-study-gpt-3-175b", &cpi]);
    assert_eq!(v["dollar_year"], "2023-12");
    assert_eq!(v["price_index"], "ppi-data-processing");
    assert_eq!(v["price_index_from"], "a");
    assert_eq!(v["a"]["price_index"], "ppi-data-processing");
    assert_eq!(v["a"]["own_price_index"], "ppi-data-processing");
    assert!(v["a"].get("converted").is_none(), "{}", v["a"]);
    assert_eq!(v["b"]["price_index"], "ppi-data-processing");
    assert_eq!(v["b"]["own_price_index"], "cpi-u");
    let conv = &v["b"]["converted"];
    assert_eq!(conv["from"], "cpi-u");
    assert_eq!(conv["to"], "ppi-data-processing");
    // The factor is what `estimate --index` does to B's figures: one number, every money input
    // being in the file's dollars (2020-05).
    let id = "final-run-ownership";
    let expected = estimated(&[&cpi, "--index", "ppi-data-processing"], id)
        / estimated(&[&cpi, "--dollar-year", "2023-12"], id);
    for end in [0, 1] {
        let f = conv["factor"][end].as_f64().unwrap();
        assert!((f / expected - 1.0).abs() < 1e-9, "{f} vs {expected}");
    }
    // PPI rose less than CPI-U from May 2020 to December 2023.
    assert!(expected < 0.95, "{expected}");
    // One deflator: no difference at all.
    let rows = v["rows"].as_array().unwrap();
    assert!(rows.len() > 10);
    for r in rows {
        assert_eq!(r["presence"], "both", "{}", r["id"]);
        for k in ["central", "p5", "p50", "p95"] {
            let rel = r["relative"][k].as_f64().unwrap_or(0.0);
            assert!(rel.abs() < 1e-12, "{} {k}: {rel}", r["id"]);
        }
    }
    let note = v["notes"].as_array().unwrap();
    assert_eq!(note.len(), 1, "{note:?}");
    let note = note[0].as_str().unwrap();
    for part in [
        "side B",
        "names cpi-u",
        "converted to 2023-12 dollars with ppi-data-processing (side A's index)",
        &format!("x{expected:.4}"),
        "--index cpi-u",
    ] {
        assert!(note.contains(part), "{part:?} not in {note}");
    }

    // The table's header names the dollars and the one index; no row moves.
    let o = run(&[
        "compare",
        "epoch-study-gpt-3-175b",
        &cpi,
        "--samples",
        SAMPLES,
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(
        text.contains("2023-12 USD, both sides converted with ppi-data-processing (A's index)"),
        "{text}"
    );
    assert!(!text.contains("+14.0%") && !text.contains("+$"), "{text}");
    let md = stdout(&run(&[
        "compare",
        "epoch-study-gpt-3-175b",
        &cpi,
        "--samples",
        SAMPLES,
        "--format",
        "markdown",
    ]));
    assert!(md.contains("(2023-12 USD, ppi-data-processing)"), "{md}");
    assert!(md.contains("Note: side B"), "{md}");
}

#[test]
fn index_puts_both_sides_on_the_index_it_names() {
    // Epoch's GPT-4 study (PPI) beside the curated GPT-4 (CPI-U), both on CPI-U.
    let v = json(&["epoch-study-gpt-4", "gpt-4", "--index", "cpi-u"]);
    assert_eq!(v["price_index"], "cpi-u");
    assert_eq!(v["price_index_from"], "--index");
    assert_eq!(v["a"]["own_price_index"], "ppi-data-processing");
    assert_eq!(v["a"]["converted"]["to"], "cpi-u");
    assert!(v["b"].get("converted").is_none(), "{}", v["b"]);
    // Each side is what `estimate` gives on that index, in those dollars.
    let id = "staff";
    for (side, name) in [("a", "epoch-study-gpt-4"), ("b", "gpt-4")] {
        let here = row(&v, id)[side]["central"].as_f64().unwrap();
        let alone = estimated(&[name, "--index", "cpi-u", "--dollar-year", "2023-12"], id);
        assert!(
            (here / alone - 1.0).abs() < 1e-12,
            "{side}: {here} vs {alone}"
        );
    }
    let o = run(&[
        "compare",
        "epoch-study-gpt-4",
        "gpt-4",
        "--index",
        "cpi-u",
        "--samples",
        SAMPLES,
    ]);
    let text = stdout(&o);
    assert!(
        text.contains("2023-12 USD, both sides converted with cpi-u (--index)"),
        "{text}"
    );
    assert!(
        text.contains("side A (epoch-study-gpt-4) names ppi-data-processing"),
        "{text}"
    );
    // Without --index, B is put on A's (PPI).
    let v = json(&["epoch-study-gpt-4", "gpt-4"]);
    assert_eq!(v["price_index"], "ppi-data-processing");
    assert_eq!(v["b"]["converted"]["from"], "cpi-u");
}

#[test]
fn a_side_whose_own_index_misses_the_dollars_is_still_put_on_the_other() {
    // DeepSeek-V3 reported in September 2025 dollars (CPI-U reaches them); GPT-4 deflated with
    // Epoch's producer price index, which stops at June 2025: it is converted with CPI-U, and
    // the note says there is no factor from its own index to give.
    let dir = temp_dir();
    let a = edited(
        dir.path(),
        "deepseek-v3",
        "v3-2025-09.toml",
        "dollars = \"2024\"",
        "report_dollars = \"2025-09\"\ndollars = \"2024\"",
    );
    let b = edited(
        dir.path(),
        "gpt-4",
        "gpt4-ppi.toml",
        "dollars = \"2023-03\"",
        "dollars = \"2023-03\"\nindex = \"ppi-data-processing\"",
    );
    let v = json(&[&a, &b]);
    assert_eq!(v["dollar_year"], "2025-09");
    assert_eq!(v["price_index"], "cpi-u");
    let conv = &v["b"]["converted"];
    assert_eq!(conv["from"], "ppi-data-processing");
    assert!(conv["factor"].is_null(), "{conv}");
    let why = conv["no_factor"].as_str().unwrap();
    assert!(
        why.contains("2025-09") && why.contains("2000-12 to 2025-06"),
        "{why}"
    );
}

#[test]
fn side_b_that_cannot_be_put_in_side_a_dollars_and_index_is_an_error() {
    // GPT-4's inputs restated in June 2000 dollars: CPI-U has them (the year's average), Epoch's
    // producer price index starts in December 2000, and side A (the GPT-4 study) uses it.
    let dir = temp_dir();
    let b = edited(
        dir.path(),
        "gpt-4",
        "gpt4-2000.toml",
        "dollars = \"2023-03\"",
        "dollars = \"2000-06\"",
    );
    let o = run(&["compare", "epoch-study-gpt-4", &b, "--samples", SAMPLES]);
    assert_fails_with(
        &o,
        &[
            "side B",
            "in 2023-12 dollars (side A's; choose others with --dollar-year)",
            "side A's index, ppi-data-processing; choose another with --index",
            "2000-12 to 2025-06",
        ],
    );
    assert!(stdout(&o).is_empty());
    // On B's own index it can be compared.
    let v = json(&["epoch-study-gpt-4", &b, "--index", "cpi-u"]);
    assert_eq!(v["price_index"], "cpi-u");
}

/// Builds the `tc-fixture-bad-values` pricing plugin (valid answers unless told otherwise) and
/// returns its library, read from cargo's JSON messages.
fn fixture_plugin() -> std::path::PathBuf {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let out = std::process::Command::new(cargo)
        .args([
            "build",
            "--quiet",
            "--message-format=json",
            "-p",
            "tc-fixture-bad-values",
        ])
        .output()
        .expect("cargo runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|m| m["reason"] == "compiler-artifact")
        .filter(|m| {
            m["target"]["crate_types"]
                .as_array()
                .is_some_and(|t| t.iter().any(|k| k == "cdylib"))
        })
        .flat_map(|m| m["filenames"].as_array().cloned().unwrap_or_default())
        .filter_map(|f| f.as_str().map(std::path::PathBuf::from))
        .find(|f| {
            f.extension()
                .is_some_and(|e| e == std::env::consts::DLL_EXTENSION)
        })
        .expect("a cdylib")
}

#[test]
fn plugins_can_be_loaded_for_one_side_only() {
    // A scenario whose GPU specs come from the fixture plugin.
    let shown = stdout(&run(&["scenarios", "show", "deepseek-v3"]));
    let dir = temp_dir();
    let s = write(
        dir.path(),
        "fixture-priced.toml",
        &shown.replacen(
            "gpu = \"H800\"",
            "gpu = \"H100\"\npricing = \"tc-fixture-bad-values\"",
            1,
        ),
    );
    let s = s.to_str().unwrap();
    let so = fixture_plugin();
    let so = so.to_str().unwrap();
    let config = temp_dir();
    let compare = |extra: &[&str]| {
        let mut cmd = crate::util::traincost();
        cmd.env("XDG_CONFIG_HOME", config.path())
            .env("HOME", config.path())
            .env_remove("TRAINCOST_FIXTURE_MODE")
            .args(["compare", s, s, "--samples", SAMPLES])
            .args(extra);
        cmd.output().expect("traincost runs")
    };
    // Loaded for side B only: side A cannot find it.
    let o = compare(&["--plugin-b", so]);
    assert_fails_with(&o, &["side A", "tc-fixture-bad-values"]);
    // Loaded for both sides: the same numbers, and B says which library it loaded.
    let o = compare(&["--plugin-a", so, "--plugin-b", so, "--format", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["b"]["plugins"][0], so);
    assert_eq!(row(&v, "final-run-ownership")["difference"]["central"], 0.0);
    let o = compare(&["--plugin", so, "--format", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v["b"]["plugins"].is_null(), "--plugin is not side-specific");
}
