//! Dollars end to end: the default (the latest full CPI-U year, 2025), `--dollar-year` on
//! every built-in, and the errors for dollars the price index has no value for.

use serde_json::Value;

use crate::util::{assert_fails_with, find, run, run_json, stderr, stdout, temp_dir, write};

fn json_estimate(args: &[&str]) -> Value {
    let mut all = vec!["estimate"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "json"]);
    run_json(&all)
}

fn rental(v: &Value) -> f64 {
    find(v, "layers", "id", "final-run-rental")["central"]
        .as_f64()
        .unwrap()
}

#[test]
fn builtins_report_in_2025_dollars_and_the_headline_is_checked_in_its_own() {
    let v = json_estimate(&["deepseek-v3", "--samples", "2000"]);
    assert_eq!(v["dollar_year"], "2025");
    assert_eq!(v["price_index"], "cpi-u");
    let rental = rental(&v);
    let expected = 5_576_000.0 * 321.943 / 313.689;
    assert!((rental - expected).abs() < 1e-6 * expected, "{rental}");
    // The $5.576M claim is in 2024 dollars: the check converts the rebuilt figure back.
    let h = &v["headline"];
    assert_eq!(h["claimed_dollars"], "2024");
    assert!((h["rebuilt"].as_f64().unwrap() - expected).abs() < 1e-6 * expected);
    let own = h["rebuilt_in_claimed_dollars"].as_f64().unwrap();
    assert!((own - 5_576_000.0).abs() < 1e-6, "{own}");
    let table = stdout(&run(&["estimate", "deepseek-v3", "--samples", "1000"]));
    assert!(table.contains("cost stack in 2025 USD"), "{table}");
    assert!(
        table.contains("Headline: $5.576M (2024 USD;")
            && table.contains("($5.576M in 2024 USD): reproduced."),
        "{table}"
    );
}

#[test]
fn dollars_the_index_lacks_are_one_error_about_the_dollar_year() {
    // Before or beyond the series: the series, its range and the fix; no input field blamed.
    for (year, fix) in [
        ("1990", "--dollar-year 2000"),
        ("2031", "--dollar-year 2025"),
    ] {
        let o = run(&["estimate", "deepseek-v3", "--dollar-year", year]);
        assert_fails_with(
            &o,
            &[
                &format!("field `--dollar-year`: cannot report in {year} dollars"),
                "cpi-u price index (BLS series CUUR0000SA0)",
                "its values run from 2000 to 2025-12",
                fix,
            ],
        );
        let err = stderr(&o);
        assert!(
            !err.contains("rental_price") && !err.contains("built-in"),
            "{err}"
        );
        assert_eq!(err.matches("error:").count(), 1, "{err}");
    }
    // October 2025: BLS published none; the error says so and what to use.
    let o = run(&["estimate", "deepseek-v3", "--dollar-year", "2025-10"]);
    assert_fails_with(
        &o,
        &[
            "no value for 2025-10",
            "BLS published no CPI-U for October 2025",
            "--dollar-year 2025 or 2025-09 or 2025-11",
        ],
    );
    // A month with a value converts by it.
    let v = json_estimate(&[
        "deepseek-v3",
        "--samples",
        "1000",
        "--dollar-year",
        "2025-09",
    ]);
    let rental = rental(&v);
    let expected = 5_576_000.0 * 324.800 / 313.689;
    assert!((rental - expected).abs() < 1e-6 * expected, "{rental}");
}

#[test]
fn an_input_in_dollars_the_index_lacks_names_its_field() {
    let toml = stdout(&run(&["scenarios", "show", "deepseek-v3"]));
    let from = "rental_price = { value = 2.0,";
    assert!(toml.contains(from), "{toml}");
    let dir = temp_dir();
    let path = write(
        dir.path(),
        "old.toml",
        &toml.replacen(from, "rental_price = { dollars = \"1995\", value = 2.0,", 1),
    );
    let o = run(&["estimate", path.to_str().unwrap(), "--samples", "100"]);
    assert_fails_with(
        &o,
        &[
            "field `rental_price`",
            "no value for 1995",
            "from 2000 to 2025-12",
        ],
    );
}

#[test]
fn dollar_year_2025_works_for_every_builtin() {
    for name in [
        "deepseek-v3",
        "deepseek-r1",
        "llama-3.1-405b",
        "claude-3.5-sonnet",
        "gpt-4",
    ] {
        let v = json_estimate(&[name, "--samples", "1000", "--dollar-year", "2025"]);
        assert_eq!(v["dollar_year"], "2025", "{name}");
        let rental = rental(&v);
        assert!(rental.is_finite() && rental > 0.0, "{name}");
        // The same as the default, which is 2025 for every built-in.
        let d = json_estimate(&[name, "--samples", "1000"]);
        assert_eq!(d["dollar_year"], "2025", "{name}");
        assert_eq!(d["layers"], v["layers"], "{name}");
    }
}

/// A small scenario paying its people in `unit` (a European lab, say), money of `dollars`.
fn salaried(unit: &str, value: &str, dollars: &str) -> String {
    format!(
        r#"name = "eu-lab"
dollars = "2023"
gpu = "H100"
rental_price = {{ value = 2.0, unit = "USD/GPU-hour", assumption = "t" }}

[[stages]]
name = "run"
gpu_hours = {{ value = 1000, assumption = "t" }}

[staff]
duration = {{ value = 1.0, unit = "years", assumption = "t" }}

[[staff.groups]]
role = "researchers"
headcount = {{ value = 10, unit = "people", assumption = "t" }}
compensation = {{ value = {value}, unit = "{unit}", dollars = "{dollars}", assumption = "posted pay" }}
fte = {{ value = 1.0, unit = "fraction", assumption = "t" }}
"#
    )
}

#[test]
fn a_salary_in_euros_is_converted_at_its_years_rate_then_deflated() {
    let dir = temp_dir();
    let eur = write(
        dir.path(),
        "eur.toml",
        &salaried("EUR/year", "100000", "2023"),
    );
    let usd = write(
        dir.path(),
        "usd.toml",
        &salaried("USD/year", "108170", "2023"),
    );
    let args = |p: &std::path::Path| json_estimate(&[p.to_str().unwrap(), "--samples", "200"]);
    let (e, u) = (args(&eur), args(&usd));
    let staff = |v: &Value| {
        find(v, "layers", "id", "staff")["central"]
            .as_f64()
            .unwrap()
    };
    // 100,000 EUR at 1.0817 USD/EUR (2023 annual average) is 108,170 USD of 2023.
    assert!(
        (staff(&e) - staff(&u)).abs() < 1e-6 * staff(&u),
        "{} vs {}",
        staff(&e),
        staff(&u)
    );
    let input = find(
        &e,
        "inputs",
        "name",
        "staff.groups.researchers.compensation",
    );
    let note = input["note"].as_str().unwrap();
    assert!(
        note.starts_with("100,000 EUR/year (2023) at 1.0817 USD/EUR (Federal Reserve H.10 2023 annual average), then 2023 USD x "),
        "{note}"
    );
    assert!(note.ends_with("(cpi-u) = 2025 USD"), "{note}");
    let table = stdout(&run(&[
        "estimate",
        eur.to_str().unwrap(),
        "--samples",
        "200",
    ]));
    // The table shows the same note (wrapped to its column).
    assert!(table.contains("1.0817"), "{table}");
}

#[test]
fn money_in_a_year_the_rates_lack_is_a_located_error() {
    let dir = temp_dir();
    let src = salaried("EUR/year", "100000", "2012");
    let p = write(dir.path(), "old.toml", &src);
    let line = src[..src.find("compensation").unwrap()]
        .matches('\n')
        .count()
        + 1;
    let o = run(&["estimate", p.to_str().unwrap()]);
    assert_fails_with(
        &o,
        &[
            &format!("old.toml:{line}:"),
            "field `staff.groups.researchers.compensation`",
            "no EUR/USD exchange rate for 2012 in crates/core/data/fx_rates.csv: its EUR rates run from 2015 to 2025",
            "hint: give the value's `dollars` as a period the EUR rates cover (2015 to 2025)",
        ],
    );
}
