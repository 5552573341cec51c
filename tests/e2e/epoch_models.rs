//! Any model of Epoch AI's cost table as a scenario (issue 18): `epoch:NAME`, a bare name,
//! suggestions, `--epoch-version`, and `scenarios show` round-tripping through a file.

use serde_json::Value;

use crate::epoch::{column, csv_records};
use crate::util::{assert_fails_with, find, run, run_json, stdout, temp_dir, write};

const TABLE: &str = include_str!("../../crates/core/data/epoch/epoch_cost_table.csv");

/// A number of Epoch's row for `model` at `version`.
fn epoch_value(version: &str, model: &str, field: &str) -> f64 {
    let records = csv_records(TABLE);
    let (header, rows) = records.split_first().unwrap();
    let (v, m, f) = (
        column(header, "version"),
        column(header, "model"),
        column(header, field),
    );
    let row = rows
        .iter()
        .find(|r| r[v] == version && r[m] == model)
        .unwrap_or_else(|| panic!("no row {version} {model}"));
    row[f]
        .parse()
        .unwrap_or_else(|_| panic!("{field} of {model}"))
}

fn estimate(args: &[&str]) -> Value {
    let mut all = vec!["estimate"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--samples", "4000", "--format", "json"]);
    run_json(&all)
}

fn central(v: &Value, id: &str) -> f64 {
    find(v, "layers", "id", id)["central"].as_f64().unwrap()
}

#[test]
fn grok3_by_name_at_epochs_cloud_price_and_amortized_cost() {
    let v = estimate(&["epoch:\"Grok-3\""]);
    assert_eq!(v["scenario"], "epoch-grok-3");
    // In Epoch's dollars for the June-2025 update.
    assert_eq!(v["dollar_year"], "2024-12");
    assert_eq!(v["price_index"], "ppi-data-processing");
    // Both bases are converted by the same factor: their ratio is Epoch's nominal ratio.
    let cloud = epoch_value("update_2025_06", "Grok-3", "chip_hours_used")
        * epoch_value(
            "update_2025_06",
            "Grok-3",
            "cloud_price_per_chip_hour_3yr_cud_equiv",
        );
    let capex = epoch_value("update_2025_06", "Grok-3", "cost_capex_energy_nominal_usd");
    let ratio = central(&v, "final-run-rental") / central(&v, "final-run-ownership");
    assert!(
        (ratio / (cloud / capex) - 1.0).abs() < 1e-9,
        "{ratio} vs {}",
        cloud / capex
    );
    // Staff is not modelled, never invented.
    assert!(
        v["not_modelled"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["id"] == "staff")
    );
    // Case and punctuation do not matter.
    let w = estimate(&["epoch:grok3"]);
    assert_eq!(w["layers"], v["layers"]);
}

#[test]
fn a_validated_row_reproduces_epochs_published_amortized_cost() {
    let v = estimate(&["epoch:Llama 3.1-405B"]);
    let want = epoch_value(
        "update_2025_06",
        "Llama 3.1-405B",
        "published_capex_energy_real_usd",
    );
    let got = central(&v, "final-run-ownership");
    assert!(
        (got - want).abs() <= 0.006_f64.max(2e-5 * want),
        "{got} vs {want}"
    );
    // An older version on request, in that version's dollars.
    let v1 = estimate(&["epoch:GPT-4", "--epoch-version", "paper_v1"]);
    assert_eq!(v1["dollar_year"], "2023-12");
    let want = epoch_value("paper_v1", "GPT-4", "published_capex_energy_real_usd");
    let got = central(&v1, "final-run-ownership");
    assert!(
        (got - want).abs() <= 0.006_f64.max(2e-5 * want),
        "{got} vs {want}"
    );
}

#[test]
fn misspelt_names_get_suggestions_and_missing_prices_are_named() {
    let o = run(&["estimate", "epoch:Grok-33"]);
    assert_fails_with(&o, &["no model named `Grok-33`", "`Grok-3`"]);
    let o = run(&["estimate", "Llama 3.1-406B"]);
    assert_fails_with(&o, &["epoch:\"Llama 3.1-405B\""]);
    let o = run(&["estimate", "epoch:Grok-3", "--epoch-version", "paper_v1"]);
    assert_fails_with(&o, &["no `paper_v1` row", "update_2025_06"]);
    let o = run(&["estimate", "epoch:Grok-3", "--epoch-version", "v9"]);
    assert_fails_with(&o, &["unknown Epoch AI code version `v9`"]);
    // Epoch found no cloud price for TPU v1: said, with the fix.
    let o = run(&["estimate", "epoch:AlphaGo Zero"]);
    assert_fails_with(
        &o,
        &[
            "no cloud price for Google TPU v1",
            "cloud_price_per_chip_hour_3yr_cud_equiv",
            "rental_price",
        ],
    );
}

#[test]
fn a_bare_name_is_an_epoch_model_unless_a_built_in_has_it() {
    let v = estimate(&["grok-2"]);
    assert_eq!(v["scenario"], "epoch-grok-2");
    // The curated built-in wins on a bare name; `epoch:` reaches Epoch's row.
    assert_eq!(estimate(&["gpt-4"])["scenario"], "gpt-4");
    assert_eq!(estimate(&["epoch:gpt-4"])["scenario"], "epoch-gpt-4");
    assert_eq!(estimate(&["grok-3"])["scenario"], "grok-3");
    assert_eq!(estimate(&["epoch:grok-3"])["scenario"], "epoch-grok-3");
}

#[test]
fn scenarios_show_round_trips_through_a_file() {
    let o = run(&["scenarios", "show", "epoch:\"Grok-3\""]);
    assert!(o.status.success());
    let text = stdout(&o);
    assert!(text.contains("assumption = \"Epoch AI, training-cost-trends, June 2025 update"));
    assert!(text.contains("3-year CUD"));
    let dir = temp_dir();
    let path = write(dir.path(), "grok-3.toml", &text);
    let from_file = estimate(&[path.to_str().unwrap()]);
    let by_name = estimate(&["epoch:Grok-3"]);
    for key in ["layers", "totals", "metrics", "inputs", "not_modelled"] {
        assert_eq!(from_file[key], by_name[key], "{key}");
    }
    // A row without a cloud price still prints, saying what is missing.
    let o = run(&["scenarios", "show", "epoch:AlphaGo Zero"]);
    assert!(o.status.success());
    assert!(stdout(&o).contains("# MISSING: Epoch AI found no cloud price"));
}
