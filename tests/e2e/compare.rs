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

#[test]
fn side_b_that_cannot_be_put_in_side_a_dollars_is_an_error() {
    // DeepSeek-V3 reported in September 2025 dollars (CPI-U reaches them); GPT-4 deflated with
    // Epoch's producer price index, which stops at June 2025.
    let dir = temp_dir();
    let v3 = stdout(&run(&["scenarios", "show", "deepseek-v3"]));
    let from = "dollars = \"2024\"";
    assert!(v3.contains(from));
    let a = write(
        dir.path(),
        "v3-2025-09.toml",
        &v3.replacen(from, "report_dollars = \"2025-09\"\ndollars = \"2024\"", 1),
    );
    let gpt4 = stdout(&run(&["scenarios", "show", "gpt-4"]));
    let from = "dollars = \"2023-03\"";
    assert!(gpt4.contains(from));
    let b = write(
        dir.path(),
        "gpt4-ppi.toml",
        &gpt4.replacen(
            from,
            "dollars = \"2023-03\"\nindex = \"ppi-data-processing\"",
            1,
        ),
    );
    let o = run(&[
        "compare",
        a.to_str().unwrap(),
        b.to_str().unwrap(),
        "--samples",
        SAMPLES,
    ]);
    assert_fails_with(
        &o,
        &[
            "in 2025-09 dollars (side A's; choose others with --dollar-year)",
            "ppi-data-processing",
            "2000-12 to 2025-06",
        ],
    );
    assert!(stdout(&o).is_empty());
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
