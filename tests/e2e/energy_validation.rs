//! Energy and emissions of the curated built-ins against the figures their sources published
//! (issue 19, item 3), like for like with each source's own method: docs/ENERGY.md has the
//! table, the methods and the assumptions.
//!
//! The published figures are read from the claims crate, and each expectation is recomputed here
//! from sourced inputs (GPU-hours x watts x grams per kWh), not copied from our output. Where our
//! figure misses the published one, the test asserts the measured gap and the reason the doc
//! gives for it; no input was chosen to make a figure match.

use crate::util::{run_json, temp_dir, write};
use traincost_claims::ClaimSet;

/// The number of claim `id` (its value as recorded).
fn claim(id: &str) -> f64 {
    ClaimSet::builtin()
        .get(id)
        .unwrap_or_else(|| panic!("no claim {id}"))
        .value
        .number()
}

/// EIA's US average for 2023 in gCO2/kWh, from its claim (0.81 lbCO2/kWh): the figure the grid
/// plugin answers for `region = "US"` in 2023 and later.
fn us_2023_g_per_kwh() -> f64 {
    claim("eia-us-2023-electricity-co2-per-kwh") * 453.592_37
}

/// `traincost estimate SCENARIO --format json`.
fn estimate(scenario: &str) -> serde_json::Value {
    run_json(&[
        "estimate",
        scenario,
        "--format",
        "json",
        "--samples",
        "2000",
    ])
}

/// Median, 5th and 95th percentiles of figure `id` in `v[list]`.
fn figure(v: &serde_json::Value, list: &str, id: &str) -> (f64, f64, f64) {
    let f = v[list]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == id)
        .unwrap_or_else(|| panic!("no {list} figure {id} in {}", v["scenario"]));
    let n = |k: &str| f[k].as_f64().unwrap_or_else(|| panic!("{id}.{k}: {f}"));
    (n("p50"), n("p5"), n("p95"))
}

fn close(a: f64, b: f64, rel: f64) -> bool {
    (a - b).abs() <= rel * b.abs().max(1e-12)
}

/// One Llama model card row: built-in, GPU-hours claim, watts claim, location-based tCO2eq claim.
struct Card {
    scenario: &'static str,
    gpu_hours: &'static str,
    watts: &'static str,
    emissions: &'static str,
}

const LLAMA_3: [Card; 3] = [
    Card {
        scenario: "llama-3-8b",
        gpu_hours: "llama-3-8b-gpu-hours",
        watts: "llama-3-gpu-tdp",
        emissions: "llama-3-8b-emissions",
    },
    Card {
        scenario: "llama-3-70b",
        gpu_hours: "llama-3-70b-gpu-hours",
        watts: "llama-3-gpu-tdp",
        emissions: "llama-3-70b-emissions",
    },
    Card {
        scenario: "llama-3.1-405b",
        gpu_hours: "llama-3-1-405b-gpu-hours",
        watts: "llama-3-1-gpu-tdp",
        emissions: "llama-3-1-405b-location-based-emissions",
    },
];

const LLAMA_4: [Card; 2] = [
    Card {
        scenario: "llama-4-scout",
        gpu_hours: "llama-4-scout-gpu-hours",
        watts: "llama-4-gpu-tdp",
        emissions: "llama-4-scout-location-based-emissions",
    },
    Card {
        scenario: "llama-4-maverick",
        gpu_hours: "llama-4-maverick-gpu-hours",
        watts: "llama-4-gpu-tdp",
        emissions: "llama-4-maverick-location-based-emissions",
    },
];

/// Checks one card row like for like (GPU-hours x the card's watts x an intensity) and returns
/// our accelerator-form location-based emissions over the card's figure.
fn llama_ratio(c: &Card) -> f64 {
    let v = estimate(c.scenario);
    let kwh = claim(c.gpu_hours) * claim(c.watts) / 1000.0;
    // Energy: exactly the card's GPU-hours x its power per GPU, a point (both are sourced).
    let (e, e5, e95) = figure(&v, "energy", "final-run-energy-accelerator");
    assert!(close(e, kwh, 1e-9) && e5 == e95, "{}: {e} kWh", c.scenario);
    // Emissions: that energy x EIA's US average, recomputed here.
    let (t, t5, t95) = figure(&v, "emissions", "final-run-emissions-accelerator-location");
    assert!(
        close(t, kwh * us_2023_g_per_kwh() / 1e6, 1e-4),
        "{}: {t} t",
        c.scenario
    );
    // No input of this form is uncertain: the 90% interval is the point, so a published figure
    // that differs from it is outside it.
    assert_eq!(t5, t95, "{}", c.scenario);
    // Market-based: 0, as Meta reports it.
    let (m, _, _) = figure(&v, "emissions", "final-run-emissions-accelerator-market");
    assert_eq!(m, 0.0, "{}", c.scenario);
    let published = claim(c.emissions);
    // The ratio is the US average over the intensity the card implies: its tCO2eq over its
    // GPU-hours x watts.
    let implied = published * 1e6 / kwh;
    let ratio = t / published;
    assert!(
        close(ratio, us_2023_g_per_kwh() / implied, 1e-4),
        "{}",
        c.scenario
    );
    ratio
}

#[test]
fn llama_4_cards_location_based_emissions_are_within_ten_percent_at_the_us_average() {
    for c in &LLAMA_4 {
        let r = llama_ratio(c);
        // The Llama 4 card implies 387 g/kWh; EIA's US 2023 average is 367 g: 0.95.
        assert!((r - 1.0).abs() < 0.10, "{}: ratio {r}", c.scenario);
        assert!(r < 1.0, "{}: ratio {r}", c.scenario);
    }
    // Market-based: the card's 0, as reported.
    assert_eq!(claim("llama-4-market-based-emissions"), 0.0);
}

#[test]
fn llama_3_and_3_1_cards_imply_a_dirtier_grid_than_the_us_average_eleven_to_fourteen_percent_under()
{
    for c in &LLAMA_3 {
        let r = llama_ratio(c);
        // The documented gap (docs/ENERGY.md): the Llama 3 and 3.1 cards imply 414-429 g/kWh,
        // above EIA's US average for 2023 (367 g) and 2022 (390 g); Meta does not state the
        // intensity or the sites. Our median is 11-14% under, outside the 10% band.
        assert!(r > 0.85 && r < 0.90, "{}: ratio {r}", c.scenario);
        let implied = claim(c.emissions) * 1e6 / (claim(c.gpu_hours) * claim(c.watts) / 1000.0);
        let us_2022 = claim("eia-us-2022-electricity-co2-per-kwh") * 453.592_37;
        assert!(implied > us_2022, "{}: {implied} g/kWh", c.scenario);
    }
    assert_eq!(claim("llama-3-1-market-based-emissions"), 0.0);
}

/// The Llama 3.1 card's 8B and 70B rows (GPU-hours claims, no built-in) and its total, each as a
/// scenario that asks the grid plugin for `region = "US"`: 11% under, like the 405B.
#[test]
fn llama_3_1_8b_70b_and_the_family_total_are_eleven_percent_under_the_cards_figures() {
    let dir = temp_dir();
    for (hours, published) in [
        (
            "llama-3-1-8b-gpu-hours",
            "llama-3-1-8b-location-based-emissions",
        ),
        (
            "llama-3-1-70b-gpu-hours",
            "llama-3-1-70b-location-based-emissions",
        ),
        (
            "llama-3-1-total-gpu-hours",
            "llama-3-1-location-based-emissions",
        ),
    ] {
        let path = write(
            dir.path(),
            "llama-3.1.toml",
            &format!(
                r#"name = "llama-3.1-row"
dollars = "2024"
published = "2024-07-23"
gpu = "H100"
rental_price = {{ value = 2, unit = "USD/GPU-hour", assumption = "irrelevant here" }}

[[stages]]
name = "training"
gpu_hours = {{ value = {}, unit = "GPU-hours", claim = "{hours}" }}

[energy]
accelerator_power = {{ value = 700, unit = "W", claim = "llama-3-1-gpu-tdp" }}

[emissions]
region = "US"
year = 2024
market_intensity = {{ value = 0, unit = "gCO2e/kWh", informed_by = ["llama-3-1-market-based-emissions"], assumption = "as Meta reports it" }}
"#,
                claim(hours)
            ),
        );
        let v = estimate(path.to_str().unwrap());
        let kwh = claim(hours) * claim("llama-3-1-gpu-tdp") / 1000.0;
        let (t, _, _) = figure(&v, "emissions", "final-run-emissions-accelerator-location");
        assert!(
            close(t, kwh * us_2023_g_per_kwh() / 1e6, 1e-4),
            "{hours}: {t}"
        );
        let r = t / claim(published);
        assert!(r > 0.87 && r < 0.90, "{hours}: ratio {r}");
    }
    // The rows add up to the card's totals.
    let rows = ["8b", "70b", "405b"];
    let sum = |f: &dyn Fn(&str) -> String| rows.iter().map(|r| claim(&f(r))).sum::<f64>();
    let hours = sum(&|r| format!("llama-3-1-{r}-gpu-hours"));
    assert!(close(hours, claim("llama-3-1-total-gpu-hours"), 1e-3));
    let t = sum(&|r| format!("llama-3-1-{r}-location-based-emissions"));
    assert!(close(t, claim("llama-3-1-location-based-emissions"), 1e-9));
}

#[test]
fn bloom_matches_luccioni_et_al_dynamic_energy_and_emissions() {
    let v = estimate("bloom-176b");
    // Luccioni et al.'s dynamic energy: GPU-hours x 400 W (the A100's TDP, their Table 1 as
    // the claim's notes record it) = 433,196 kWh.
    let kwh = claim("bloom-176b-gpu-hours") * 400.0 / 1000.0;
    assert!(close(kwh, 433_196.0, 1e-9));
    let (e, e5, e95) = figure(&v, "energy", "final-run-energy-accelerator");
    assert!(close(e, kwh, 1e-9) && e5 == e95, "{e}");
    // x the French grid's 57 g (their figure, which the plugin answers for FR 2022).
    let g = claim("luccioni-bloom-grid-carbon-intensity");
    let (t, _, _) = figure(&v, "emissions", "final-run-emissions-accelerator-location");
    assert!(close(t, kwh * g / 1e6, 1e-6), "{t}");
    // Their "approximately 24.7 tonnes": ours is 24.69, the same to their rounding.
    let published = claim("bloom-176b-dynamic-emissions");
    assert!(close(t, published, 0.01), "{t} vs {published}");
    assert_eq!((t * 10.0).round() / 10.0, published);
    // GENCI's rounded restatement (433 MWh, 25 t).
    assert!(close(t, claim("genci-bloom-176b-emissions"), 0.02), "{t}");
    // Not like for like: their 50.5 t life-cycle figure adds idle power, PUE 1.2 and the
    // hardware's embodied emissions; our facility form (Epoch's server ratio x power fraction
    // x PUE, no embodied emissions) is the nearest of ours. Its interval holds 50.5.
    let (f, f5, f95) = figure(&v, "emissions", "final-run-emissions-facility-location");
    let lifecycle = claim("bloom-176b-lifecycle-emissions");
    assert!(f5 < lifecycle && lifecycle < f95, "{f5}-{f95}");
    assert!(f < lifecycle, "{f}");
}

/// OLMo 2 (Morrison et al. 2025, read only in a summary: UNVERIFIED): measured GPU energy x the
/// site's PUE x its grid. Our GPU-hours are derived (FLOP over an assumed MFU), so our figures
/// carry that uncertainty; our accelerator form uses the TDP (above the measured draw) and no
/// PUE. The published figures fall inside our 90% intervals.
#[test]
fn olmo_2_published_emissions_fall_inside_our_intervals() {
    for (scenario, id, site) in [
        (
            "olmo-2-7b",
            "olmo-2-7b-emissions-summary",
            "morrison-2025-austin-energy-carbon-intensity",
        ),
        (
            "olmo-2-13b",
            "olmo-2-13b-emissions-summary",
            "morrison-2025-iowa-grid-carbon-intensity",
        ),
    ] {
        let v = estimate(scenario);
        let (e, _, _) = figure(&v, "energy", "final-run-energy-accelerator");
        let (t, t5, t95) = figure(&v, "emissions", "final-run-emissions-accelerator-location");
        // Our emissions are our energy x the site's intensity (kg/kWh in the claim).
        assert!(
            close(t, e * claim(site) / 1000.0, 0.02),
            "{scenario}: {t} vs {e} kWh"
        );
        let published = claim(id);
        assert!(
            t5 < published && published < t95,
            "{scenario}: {t5}-{t95} vs {published}"
        );
        let r = t / published;
        match scenario {
            // 7B: median within 10% (0.92). Not independent: its GPU-hours prior was set with
            // the same paper's 131 MWh in view (olmo-2-7b.toml).
            "olmo-2-7b" => assert!((r - 1.0).abs() < 0.10, "{scenario}: {r}"),
            // 13B: ~1.3x. Its GPU-hours (assumed MFU) x 700 W give ~370 MWh against the
            // paper's measured 257 MWh: the GPUs drew well under their TDP.
            _ => assert!(r > 1.1 && r < 1.5, "{scenario}: {r}"),
        }
    }
}

/// The median of input `name` of an estimate.
fn input(v: &serde_json::Value, name: &str) -> f64 {
    v["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["name"] == name)
        .unwrap_or_else(|| panic!("no input {name} in {}", v["scenario"]))["median"]
        .as_f64()
        .unwrap()
}

/// The built-ins write their intensity (they must load without plugins, docs/ENERGY.md): each is
/// the figure the grid plugin answers for the region and year its file names.
#[test]
fn each_built_ins_written_intensity_is_the_grid_plugins_answer_for_its_region() {
    let dir = temp_dir();
    for (builtin, region, year) in [
        ("llama-3-8b", "US", 2024),
        ("llama-3-70b", "US", 2024),
        ("llama-3.1-405b", "US", 2024),
        ("llama-4-scout", "US", 2025),
        ("llama-4-maverick", "US", 2025),
        ("gpt-4", "US", 2022),
        ("bloom-176b", "FR", 2022),
        ("olmo-2-7b", "US-TX", 2024),
        ("olmo-2-13b", "US-IA", 2024),
        ("deepseek-v3", "CN", 2024),
        ("deepseek-r1", "CN", 2025),
        ("grok-3", "US-TN", 2024),
    ] {
        let written = input(&estimate(builtin), "emissions.location_intensity");
        let path = write(
            dir.path(),
            "grid.toml",
            &format!(
                r#"name = "grid"
dollars = "2024"
published = "2024-06-01"
gpu = "H100"
rental_price = {{ value = 2, unit = "USD/GPU-hour", assumption = "test" }}

[[stages]]
name = "run"
gpu_hours = {{ value = 1000, unit = "GPU-hours", assumption = "test" }}

[emissions]
region = "{region}"
year = {year}
"#
            ),
        );
        let plugin = input(
            &estimate(path.to_str().unwrap()),
            "emissions.location_intensity",
        );
        assert!(
            close(written, plugin, 1e-4),
            "{builtin}: written {written} g/kWh, the plugin's {region} {year}: {plugin}"
        );
    }
}
