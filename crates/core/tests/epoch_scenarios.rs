//! Every row of Epoch AI's cost table as a scenario (issue 18): row -> TOML -> parse -> spec ->
//! `CostModel` -> a small estimate, for all 259 rows; the ownership layer's point estimate
//! equals Epoch's amortized figure on the rows the reproduction validates, and the final run's
//! rental point estimate is chip-hours x Epoch's cloud price.

use traincost_core::epoch::scenario::{self, RowScenario};
use traincost_core::epoch::table::{CostRow, CostTable};
use traincost_core::montecarlo::RunConfig;
use traincost_core::scenario::Scenario;
use traincost_core::stack::CostModel;

/// The tolerance of the reference table's `match` flag and of `epoch_validation`'s published
/// comparison: max($0.006, 2e-5 relative).
fn within(got: f64, want: f64) -> bool {
    (got - want).abs() <= 0.006_f64.max(2e-5 * want.abs())
}

/// The file with a rental price added when Epoch's row has none (a test's stand-in, so the rest
/// of the file is exercised).
fn buildable(built: &RowScenario) -> String {
    if built.missing.iter().any(|m| m.field == "rental_price") {
        built.toml.replacen(
            "\n[[stages]]",
            "rental_price = { value = 1.0, unit = \"USD/GPU-hour\", assumption = \"test\" }\n\n[[stages]]",
            1,
        )
    } else {
        built.toml.clone()
    }
}

fn model(row: &CostRow) -> (RowScenario, CostModel) {
    let built =
        scenario::from_row(row).unwrap_or_else(|e| panic!("{} {}: {e}", row.model, row.version));
    let s = Scenario::parse(&buildable(&built))
        .unwrap_or_else(|e| panic!("{} {}: {e:?}\n{}", row.model, row.version, built.toml));
    let (spec, refs) = s
        .to_spec(None)
        .unwrap_or_else(|e| panic!("{} {}: {e:?}\n{}", row.model, row.version, built.toml));
    assert!(refs.is_empty(), "a generated file cites no claim");
    let m = CostModel::new(&spec)
        .unwrap_or_else(|e| panic!("{} {}: {e}\n{}", row.model, row.version, built.toml));
    (built, m)
}

fn central(m: &CostModel, id: &str) -> Option<f64> {
    let i = m.outputs().iter().position(|o| o.id == id)?;
    Some(m.central()[i])
}

#[test]
fn every_row_builds_and_estimates() {
    let table = CostTable::embedded();
    let config = RunConfig {
        samples: 512,
        seed: 7,
        threads: None,
        percentiles: vec![],
    };
    let mut no_cloud = Vec::new();
    let mut no_ownership = Vec::new();
    for row in table.rows() {
        let (built, m) = model(row);
        let e = m
            .estimate(&config)
            .unwrap_or_else(|e| panic!("{} {}: {e}", row.model, row.version));
        for f in e.layers.iter().chain(&e.totals).chain(&e.metrics) {
            assert!(
                f.central.is_finite() && f.p5.is_finite() && f.p95.is_finite(),
                "{} {}: {} not finite",
                row.model,
                row.version,
                f.id
            );
        }
        assert!(
            e.not_modelled.iter().any(|n| n.id == "staff"),
            "{}: staff must be listed as not modelled",
            row.model
        );
        for miss in &built.missing {
            match miss.field {
                "rental_price" => no_cloud.push(format!("{} {}", row.model, row.version)),
                "ownership" => no_ownership.push(format!("{} {}", row.model, row.version)),
                other => panic!("unexpected missing field {other}"),
            }
        }
    }
    // Epoch found no cloud price for 18 rows (TPU v1, K40, GTX Titan X, one V100 row).
    assert_eq!(no_cloud.len(), 18, "{no_cloud:?}");
    assert!(no_ownership.is_empty(), "{no_ownership:?}");
}

#[test]
fn ownership_point_equals_epochs_figure_on_validated_rows() {
    let table = CostTable::embedded();
    let mut checked = 0;
    let mut failures = Vec::new();
    let mut vintage = Vec::new();
    for row in table.rows() {
        // The rows `epoch_validation` holds to Epoch's published values: marked `match`, with
        // a published value; v1 fine-tunes are left out (Epoch's v1 figure adds the base
        // model's cost, a generated file costs the fine-tune alone).
        let want = match (
            &row.published_capex_energy.value,
            row.published_capex_energy.validation.as_str(),
        ) {
            (Some(v), "match") if row.base_model.is_none() => *v,
            _ => continue,
        };
        let (built, m) = model(row);
        let got = central(&m, "final-run-ownership").expect("an ownership layer");
        checked += 1;
        if !within(got, want) {
            // Epoch's deflator vintage: its June-2025 PPI file had a preliminary value for
            // Grok-3's publication month (docs/EPOCH.md). Then the figure must agree in the
            // publication month's dollars, by Epoch's own recorded factor.
            let s = Scenario::parse(&built.toml).unwrap();
            let (spec, _) = s
                .to_spec(Some(s.file.dollars.get_ref().parse().unwrap()))
                .unwrap();
            let nominal = central(&CostModel::new(&spec).unwrap(), "final-run-ownership").unwrap();
            let factor = row.recorded.inflation_factor.unwrap();
            if within(nominal, want / factor) {
                vintage.push(format!("{} {}", row.model, row.version));
                continue;
            }
            failures.push(format!(
                "{} {}: ours {got:.4}, Epoch {want:.4} ({:+.2e})",
                row.model,
                row.version,
                got / want - 1.0
            ));
        }
    }
    assert!(checked > 200, "only {checked} rows checked");
    assert!(
        failures.is_empty(),
        "{checked} checked:\n{}",
        failures.join("\n")
    );
    assert_eq!(vintage, ["Grok-3 update_2025_06"]);
    assert_eq!(checked, 244);
}

/// The final run's facility energy is Epoch AI's energy figure, on every row; the accelerator
/// form is the row's chip-hours x the chip's TDP (the model cards' form).
#[test]
fn facility_energy_is_epochs_energy_on_every_row() {
    let table = CostTable::embedded();
    let mut checked = 0;
    for row in table.rows() {
        let Some(want) = row.recorded.energy_kwh else {
            continue;
        };
        let (_, m) = model(row);
        let got = central(&m, "final-run-energy-facility").expect("a facility energy");
        assert!(
            ((got - want) / want).abs() < 1e-9,
            "{} {}: ours {got} kWh, Epoch {want} kWh",
            row.model,
            row.version
        );
        let accelerator =
            central(&m, "final-run-energy-accelerator").expect("an accelerator energy");
        let tdp = row.tdp.expect("a TDP where Epoch has an energy").0;
        let hours = row.chip_hours_used.unwrap().0;
        assert!(((accelerator - hours * tdp / 1000.0) / accelerator).abs() < 1e-12);
        checked += 1;
    }
    assert_eq!(checked, 259);
}

#[test]
fn rental_point_is_chip_hours_times_cloud_price() {
    let table = CostTable::embedded();
    for row in table.rows() {
        let Some(price) = row.cloud_price_per_chip_hour else {
            continue;
        };
        let (built, m) = model(row);
        let s = Scenario::parse(&built.toml).unwrap();
        // In the publication month's dollars (the file's `dollars`), no conversion.
        let (spec, _) = s
            .to_spec(Some(s.file.dollars.get_ref().parse().unwrap()))
            .unwrap();
        let nominal = CostModel::new(&spec).unwrap();
        let got = central(&nominal, "final-run-rental").unwrap();
        let want = row.chip_hours_used.unwrap().0 * price;
        assert!(
            ((got - want) / want).abs() < 1e-12,
            "{} {}: {got} vs {want}",
            row.model,
            row.version
        );
        assert!(central(&m, "final-run-rental").unwrap().is_finite());
    }
}

#[test]
fn names_resolve_case_and_punctuation_insensitively() {
    let t = CostTable::embedded();
    for name in ["grok3", "GROK-3", "Grok 3", "grok_3"] {
        let row = scenario::find(t, name, None).unwrap();
        assert_eq!(row.model, "Grok-3");
    }
    // The latest version by default, any version on request.
    let gpt4 = scenario::find(t, "gpt-4", None).unwrap();
    assert_eq!(gpt4.version.label(), "update_2025_06");
    let v1 = scenario::find(t, "GPT4", scenario::parse_version("paper_v1")).unwrap();
    assert_eq!(v1.version.label(), "paper_v1");
    let e = scenario::find(t, "Grok-3", scenario::parse_version("v1")).unwrap_err();
    assert!(e.to_string().contains("update_2025_06"), "{e}");
    let e = scenario::find(t, "Grok-4", None).unwrap_err();
    assert!(e.to_string().contains("Grok-3"), "{e}");
    assert!(scenario::find(t, "", None).is_err());
    assert!(scenario::find(t, "---", None).is_err());
}
