//! Energy and emissions end to end (issue 19): a scenario's `[emissions]` region asks the
//! built-in `grid-intensity` plugin for the intensity, every energy figure gets its emissions,
//! and bad regions are located errors.

use crate::util::{assert_fails_with, run, run_json, stderr, stdout, temp_dir, write};

/// A one-stage H100 run of 1M GPU-hours; `extra` is appended.
fn scenario(extra: &str) -> String {
    format!(
        r#"name = "t"
dollars = "2024"
published = "2024-06-01"
gpu = "H100"
rental_price = {{ value = 2, unit = "USD/GPU-hour", assumption = "test" }}

[[stages]]
name = "run"
gpu_hours = {{ value = 1000000, unit = "GPU-hours", assumption = "test" }}
{extra}"#
    )
}

fn figure<'a>(v: &'a serde_json::Value, list: &str, id: &str) -> &'a serde_json::Value {
    v[list]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == id)
        .unwrap_or_else(|| panic!("no {list} figure {id}: {v}"))
}

#[test]
fn a_region_takes_the_grid_plugins_intensity_and_every_energy_figure_gets_emissions() {
    let dir = temp_dir();
    let path = write(
        dir.path(),
        "s.toml",
        &scenario("[emissions]\nregion = \"us\"\n"),
    );
    let v = run_json(&[
        "estimate",
        path.to_str().unwrap(),
        "--format",
        "json",
        "--samples",
        "2000",
    ]);
    // The accelerator form: 1M GPU-hours x 700 W = 700 MWh.
    let kwh = figure(&v, "energy", "final-run-energy-accelerator")["central"]
        .as_f64()
        .unwrap();
    assert!((kwh - 700_000.0).abs() < 1e-6, "{kwh}");
    // The US figure of the plugin for 2024 is EIA's 2023 one: 0.81 lb CO2/kWh.
    let intensity = v["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["name"] == "emissions.location_intensity")
        .unwrap();
    let g = 0.81 * 453.592_37;
    // The plugin states it to 5 decimals.
    assert!(
        (intensity["median"].as_f64().unwrap() - g).abs() < 1e-4,
        "{intensity}"
    );
    let g = intensity["median"].as_f64().unwrap();
    let note = intensity["note"].as_str().unwrap();
    assert!(
        note.contains("grid-intensity") && note.contains("2023 (the latest figure for 2024)"),
        "{note}"
    );
    for e in v["energy"].as_array().unwrap() {
        let id = e["id"]
            .as_str()
            .unwrap()
            .replacen("-energy", "-emissions", 1)
            + "-location";
        let t = figure(&v, "emissions", &id);
        let want = e["central"].as_f64().unwrap() * g / 1e6;
        assert!(
            ((t["central"].as_f64().unwrap() - want) / want).abs() < 1e-9,
            "{id}"
        );
        assert_eq!(t["accounting"], "location");
        assert_eq!(t["form"], e["form"]);
    }
    // No market-based figure for a grid: none is invented.
    assert!(
        v["emissions"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["accounting"] == "location"),
        "{v}"
    );
    let o = run(&["estimate", path.to_str().unwrap(), "--samples", "2000"]);
    let text = stdout(&o);
    assert!(text.contains("final run, location-based"), "{text}");
    assert!(
        text.contains("257.2 tCO2e"),
        "700 MWh x 367.4 g/kWh: {text}"
    );
}

#[test]
fn written_intensities_win_and_bad_regions_are_located_errors() {
    let dir = temp_dir();
    let written = write(
        dir.path(),
        "w.toml",
        &scenario(
            "[emissions]\nregion = \"US\"\nlocation_intensity = { value = 0.4, unit = \"kgCO2e/kWh\", assumption = \"test\" }\nmarket_intensity = { value = 0, unit = \"gCO2e/kWh\", assumption = \"renewable matching\" }\n",
        ),
    );
    let v = run_json(&[
        "estimate",
        written.to_str().unwrap(),
        "--format",
        "json",
        "--samples",
        "500",
    ]);
    let t = figure(&v, "emissions", "final-run-emissions-accelerator-location");
    assert!(
        (t["central"].as_f64().unwrap() - 280.0).abs() < 1e-9,
        "700 MWh x 400 g/kWh"
    );
    let m = figure(&v, "emissions", "final-run-emissions-accelerator-market");
    assert_eq!(m["central"], 0.0);

    let typo = write(
        dir.path(),
        "t.toml",
        &scenario("[emissions]\nregion = \"US-IW\"\n"),
    );
    let o = run(&["estimate", typo.to_str().unwrap(), "--samples", "100"]);
    assert_fails_with(
        &o,
        &[
            "t.toml:",
            "field `emissions.region`",
            "unknown region `US-IW`",
            "did you mean US-IA",
        ],
    );
    let none = write(
        dir.path(),
        "n.toml",
        &scenario("[emissions]\nyear = 2023\n"),
    );
    let o = run(&["estimate", none.to_str().unwrap(), "--samples", "100"]);
    assert_fails_with(
        &o,
        &[
            "field `emissions.region`",
            "needs the location-based intensity",
        ],
    );
    let unknown_year = write(
        dir.path(),
        "y.toml",
        &scenario("[emissions]\nregion = \"FR\"\nyear = 1990\n"),
    );
    let o = run(&[
        "estimate",
        unknown_year.to_str().unwrap(),
        "--samples",
        "100",
    ]);
    assert!(!o.status.success(), "FR before 2018 has no figure");
}

/// `estimate --format json` of the test scenario with `emissions` added, written as `name`.
fn estimate_with(dir: &tempfile::TempDir, name: &str, emissions: &str) -> std::process::Output {
    let path = write(dir.path(), name, &scenario(emissions));
    run(&[
        "estimate",
        path.to_str().unwrap(),
        "--format",
        "json",
        "--samples",
        "1000",
    ])
}

/// The location-based intensity input of a successful `estimate --format json`.
fn location_intensity(o: &std::process::Output) -> serde_json::Value {
    assert!(o.status.success(), "{}", stderr(o));
    let v: serde_json::Value = serde_json::from_str(&stdout(o)).unwrap();
    v["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["name"] == "emissions.location_intensity")
        .unwrap()
        .clone()
}

/// `year = [first, last]`: the grid plugin is asked for every year of the span, and the
/// intensity is uniform between its lowest and highest figure, citing each; a span with one
/// figure is that figure; a backwards, too long or malformed span is a located error.
#[test]
fn a_span_of_years_makes_the_intensity_uniform_between_the_plugins_figures() {
    let dir = temp_dir();
    let estimate = |name: &str, emissions: &str| estimate_with(&dir, name, emissions);
    // EIA's US figures: 2022 and 2023 (2024 answers 2023's, counted once).
    let span = location_intensity(&estimate(
        "s.toml",
        "[emissions]\nregion = \"US\"\nyear = [2022, 2024]\n",
    ));
    let one = |y: i32| {
        location_intensity(&estimate(
            "o.toml",
            &format!("[emissions]\nregion = \"US\"\nyear = {y}\n"),
        ))["median"]
            .as_f64()
            .unwrap()
    };
    let (y2022, y2023) = (one(2022), one(2023));
    assert!(y2023 < y2022, "{y2023} {y2022}");
    let u = &span["distribution"]["uniform"];
    assert!(
        (u["low"].as_f64().unwrap() / y2023 - 1.0).abs() < 1e-6,
        "{span}"
    );
    assert!(
        (u["high"].as_f64().unwrap() / y2022 - 1.0).abs() < 1e-6,
        "{span}"
    );
    let claims: Vec<&str> = span["claims"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    assert_eq!(
        claims,
        [
            "eia-us-2022-electricity-co2-per-kwh",
            "eia-us-2023-electricity-co2-per-kwh"
        ]
    );
    assert!(
        span["assumption"].as_str().unwrap().contains("2022-2024"),
        "{span}"
    );
    // A span whose years all answer one figure is that figure, a point.
    let same = location_intensity(&estimate(
        "p.toml",
        "[emissions]\nregion = \"US\"\nyear = [2023, 2025]\n",
    ));
    assert!(same["distribution"]["uniform"].is_null(), "{same}");
    assert!((same["median"].as_f64().unwrap() / y2023 - 1.0).abs() < 1e-9);

    for (name, year, expect) in [
        (
            "b.toml",
            "[2024, 2022]",
            "b.toml:12:1: field `emissions.year`: the span of years [2024, 2022] must run forward",
        ),
        (
            "l.toml",
            "[2000, 2020]",
            "l.toml:12:1: field `emissions.year`: the span of years [2000, 2020] must run forward and cover at most 11 years",
        ),
        (
            "m.toml",
            "[2022]",
            "m.toml:12:8: `[emissions] year`: a span of years takes 2 values",
        ),
        (
            "x.toml",
            "\"2023\"",
            "x.toml:12:8: invalid type: string \"2023\", expected a year (`2023`) or the first and last years of a span (`[2022, 2024]`) for `[emissions] year`",
        ),
    ] {
        let o = estimate(
            name,
            &format!("[emissions]\nregion = \"US\"\nyear = {year}\n"),
        );
        assert_fails_with(&o, &[expect]);
    }
}

/// What drives a built-in's emissions: the tornado names the card's GPU-hours (their printed
/// rounding), the grid figure's year and Meta's PUE, and no dollars (tCO2e has none).
#[test]
fn sensitivity_of_emissions_names_their_inputs_and_no_dollars() {
    let o = run(&[
        "sensitivity",
        "llama-3-8b",
        "--layer",
        "final-run-emissions-accelerator-location",
        "--samples",
        "2000",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    let first = text.lines().next().unwrap();
    assert!(
        first.contains("`final-run-emissions-accelerator-location`"),
        "{first}"
    );
    assert!(!first.contains("USD"), "{first}");
    for input in [
        "stages.pre-training.gpu_hours",
        "emissions.location_intensity",
        "energy.accelerator_pue",
    ] {
        assert!(text.contains(input), "{input}: {text}");
    }
    assert!(
        !text.contains("1. stages.pre-training.rental_price"),
        "{text}"
    );
}

/// `region = [..]`: the regions a run may have drawn from, when its source does not say which;
/// the intensity is uniform between their figures, citing each; an empty, repeated or unknown
/// region is a located error.
#[test]
fn a_list_of_regions_makes_the_intensity_uniform_between_their_figures() {
    let dir = temp_dir();
    let run_with = |name: &str, emissions: &str| estimate_with(&dir, name, emissions);
    let one = |region: &str| {
        location_intensity(&run_with(
            "o.toml",
            &format!("[emissions]\nregion = \"{region}\"\nyear = 2023\n"),
        ))["median"]
            .as_f64()
            .unwrap()
    };
    let (il, oh) = (one("US-IL"), one("US-OH"));
    assert!(il < oh, "{il} {oh}");
    let both = location_intensity(&run_with(
        "b.toml",
        "[emissions]\nregion = [\"US-OH\", \"US-IL\"]\nyear = 2023\n",
    ));
    let u = &both["distribution"]["uniform"];
    assert!(
        (u["low"].as_f64().unwrap() / il - 1.0).abs() < 1e-6,
        "{both}"
    );
    assert!(
        (u["high"].as_f64().unwrap() / oh - 1.0).abs() < 1e-6,
        "{both}"
    );
    let assumption = both["assumption"].as_str().unwrap();
    assert!(
        assumption.contains("US-OH, US-IL in 2023") && assumption.contains("which region's figure"),
        "{assumption}"
    );
    assert_eq!(
        both["claims"].as_array().unwrap().len(),
        4,
        "each state's CO2 and generation: {both}"
    );
    for (name, region, expect) in [
        (
            "e.toml",
            "[]",
            "e.toml:11:10: `[emissions] region` is an empty list",
        ),
        (
            "d.toml",
            "[\"US\", \"US\"]",
            "d.toml:11:10: `[emissions] region` lists `US` twice",
        ),
        (
            "u.toml",
            "[\"US\", \"US-XX\"]",
            "field `emissions.region`: unknown region `US-XX`",
        ),
    ] {
        let o = run_with(name, &format!("[emissions]\nregion = {region}\n"));
        assert_fails_with(&o, &[expect]);
    }
}
