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

/// EIA's US average for 2022 in gCO2/kWh, from its claim (0.86 lbCO2/kWh).
fn us_2022_g_per_kwh() -> f64 {
    claim("eia-us-2022-electricity-co2-per-kwh") * 453.592_37
}

/// Epoch AI's PUE for hyperscalers (docs/EPOCH_METHOD.md, energy.py:4-22): the top of the PUE
/// range the Llama built-ins state for Meta.
const EPOCH_HYPERSCALER_PUE: f64 = 1.10;

/// Input `name` of an estimate.
fn input_of<'a>(v: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    v["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["name"] == name)
        .unwrap_or_else(|| panic!("no input {name} in {}", v["scenario"]))
}

/// The bounds of input `name`'s uniform distribution in an estimate.
fn uniform_input(v: &serde_json::Value, name: &str) -> (f64, f64) {
    let u = &input_of(v, name)["distribution"]["uniform"];
    (u["low"].as_f64().unwrap(), u["high"].as_f64().unwrap())
}

/// One like-for-like comparison with a Llama card row: the card's method is GPU-hours x 700 W x
/// Meta's PUE ("adjusted for power usage efficiency") x a location-based intensity.
struct Row {
    /// Our final-run accelerator-form location-based tCO2e: median, 5th, 95th percentile.
    ours: (f64, f64, f64),
    /// The card's tCO2eq.
    published: f64,
}

impl Row {
    fn ratio(&self) -> f64 {
        self.ours.0 / self.published
    }
    fn inside(&self) -> bool {
        self.ours.1 < self.published && self.published < self.ours.2
    }
}

/// Checks an estimate against a card row, with each input recomputed from its claim: the
/// GPU-hours the card prints (to half a unit of its last digit, `half_unit`), 700 W, Meta's PUE
/// 1.08-1.10, and EIA's US averages `grid` (gCO2/kWh, uniform between the two when they differ).
fn llama_row(
    v: &serde_json::Value,
    hours: &str,
    watts: &str,
    half_unit: f64,
    grid: [f64; 2],
    emissions: &str,
) -> Row {
    let name = v["scenario"].as_str().unwrap_or("?").to_owned();
    // GPU-hours: the card's figure with its rounding.
    let h = claim(hours);
    let stage_hours = v["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| {
            i["name"]
                .as_str()
                .is_some_and(|n| n.ends_with(".gpu_hours"))
        })
        .map(|i| i["name"].as_str().unwrap().to_owned())
        .unwrap();
    let (lo, hi) = uniform_input(v, &stage_hours);
    assert!(
        close(lo, h - half_unit, 1e-12) && close(hi, h + half_unit, 1e-12),
        "{name}: GPU-hours [{lo}, {hi}]"
    );
    // PUE: Meta's 2023 fleet figure to Epoch's hyperscaler rule, bracketing Meta's 1.09.
    let (p_lo, p_hi) = uniform_input(v, "energy.accelerator_pue");
    assert_eq!(
        (p_lo, p_hi),
        (claim("meta-data-center-pue-2023"), EPOCH_HYPERSCALER_PUE),
        "{name}"
    );
    let pue_2021 = claim("meta-data-center-pue-2021-buildings");
    assert!(p_lo < pue_2021 && pue_2021 < p_hi);
    let pue = (p_lo + p_hi) / 2.0;
    // Energy: GPU-hours x the card's watts x PUE (medians of symmetric inputs multiply).
    let kwh = h * claim(watts) / 1000.0;
    let (e, _, _) = figure(v, "energy", "final-run-energy-accelerator");
    assert!(
        close(e, kwh * pue, 5e-3),
        "{name}: {e} kWh vs {}",
        kwh * pue
    );
    // Emissions: that energy x the grid, its median at the middle of EIA's figures.
    let g = (grid[0] + grid[1]) / 2.0;
    let ours = figure(v, "emissions", "final-run-emissions-accelerator-location");
    assert!(
        close(ours.0, kwh * pue * g / 1e6, 5e-3),
        "{name}: {} t",
        ours.0
    );
    // Market-based: 0, as Meta reports it.
    let (m, _, _) = figure(v, "emissions", "final-run-emissions-accelerator-market");
    assert_eq!(m, 0.0, "{name}");
    Row {
        ours,
        published: claim(emissions),
    }
}

/// The built-in of each card row: scenario, GPU-hours claim and the half unit of the printed
/// figure, watts claim, location-based tCO2eq claim, and EIA's years (docs/ENERGY.md: the latest
/// figure published when the card was written to the run's period).
fn builtin_rows() -> Vec<(&'static str, Row)> {
    let both = [us_2023_g_per_kwh(), us_2022_g_per_kwh()];
    let y2023 = [us_2023_g_per_kwh(), us_2023_g_per_kwh()];
    [
        (
            "llama-3-8b",
            "llama-3-8b-gpu-hours",
            50_000.0,
            "llama-3-gpu-tdp",
            both,
            "llama-3-8b-emissions",
        ),
        (
            "llama-3-70b",
            "llama-3-70b-gpu-hours",
            50_000.0,
            "llama-3-gpu-tdp",
            both,
            "llama-3-70b-emissions",
        ),
        (
            "llama-3.1-405b",
            "llama-3-1-405b-gpu-hours",
            5_000.0,
            "llama-3-1-gpu-tdp",
            both,
            "llama-3-1-405b-location-based-emissions",
        ),
        (
            "llama-4-scout",
            "llama-4-scout-gpu-hours",
            50_000.0,
            "llama-4-gpu-tdp",
            y2023,
            "llama-4-scout-location-based-emissions",
        ),
        (
            "llama-4-maverick",
            "llama-4-maverick-gpu-hours",
            5_000.0,
            "llama-4-gpu-tdp",
            y2023,
            "llama-4-maverick-location-based-emissions",
        ),
    ]
    .into_iter()
    .map(|(s, h, half, w, grid, t)| (s, llama_row(&estimate(s), h, w, half, grid, t)))
    .collect()
}

/// The Llama 3.1 card's 8B and 70B rows and its total (GPU-hours claims, no built-in), each as a
/// scenario stating the built-ins' method and asking the grid plugin for `region = "US"` over
/// `year = [2022, 2024]`.
fn llama_3_1_rows() -> Vec<(&'static str, Row)> {
    let dir = temp_dir();
    [
        ("8B", "llama-3-1-8b-gpu-hours", 5_000.0, "llama-3-1-8b-location-based-emissions"),
        ("70B", "llama-3-1-70b-gpu-hours", 50_000.0, "llama-3-1-70b-location-based-emissions"),
        ("total", "llama-3-1-total-gpu-hours", 50_000.0, "llama-3-1-location-based-emissions"),
    ]
    .into_iter()
    .map(|(row, hours, half, published)| {
        let h = claim(hours);
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
gpu_hours = {{ uniform = [{}, {}], unit = "GPU-hours", claim = "{hours}" }}

[energy]
accelerator_power = {{ value = 700, unit = "W", claim = "llama-3-1-gpu-tdp" }}
accelerator_pue = {{ uniform = [{}, {EPOCH_HYPERSCALER_PUE}], unit = "x", informed_by = ["meta-data-center-pue-2023"], assumption = "Meta's PUE" }}

[emissions]
region = "US"
year = [2022, 2024]
market_intensity = {{ value = 0, unit = "gCO2e/kWh", informed_by = ["llama-3-1-market-based-emissions"], assumption = "as Meta reports it" }}
"#,
                h - half,
                h + half,
                claim("meta-data-center-pue-2023"),
            ),
        );
        let v = estimate(path.to_str().unwrap());
        let both = [us_2023_g_per_kwh(), us_2022_g_per_kwh()];
        // The plugin's answer over the span: uniform between EIA's 2023 and 2022 figures.
        let (lo, hi) = uniform_input(&v, "emissions.location_intensity");
        assert!(close(lo, both[0], 1e-6) && close(hi, both[1], 1e-6), "{row}: [{lo}, {hi}]");
        (row, llama_row(&v, hours, "llama-3-1-gpu-tdp", half, both, published))
    })
    .collect()
}

#[test]
fn every_llama_card_row_is_within_ten_percent_like_for_like() {
    for (name, r) in builtin_rows().into_iter().chain(llama_3_1_rows()) {
        let ratio = r.ratio();
        assert!((ratio - 1.0).abs() < 0.10, "{name}: ratio {ratio}");
    }
    // The 3.1 card's rows add up to its totals.
    let rows = ["8b", "70b", "405b"];
    let sum = |f: &dyn Fn(&str) -> String| rows.iter().map(|r| claim(&f(r))).sum::<f64>();
    let hours = sum(&|r| format!("llama-3-1-{r}-gpu-hours"));
    assert!(close(hours, claim("llama-3-1-total-gpu-hours"), 1e-3));
    let t = sum(&|r| format!("llama-3-1-{r}-location-based-emissions"));
    assert!(close(t, claim("llama-3-1-location-based-emissions"), 1e-9));
    assert_eq!(claim("llama-3-1-market-based-emissions"), 0.0);
    assert_eq!(claim("llama-4-market-based-emissions"), 0.0);
}

#[test]
fn llama_3_and_3_1_card_figures_fall_inside_our_90_percent_intervals() {
    let rows = builtin_rows();
    for (name, r) in rows
        .iter()
        .filter(|(n, _)| n.starts_with("llama-3"))
        .chain(&llama_3_1_rows())
    {
        assert!(r.inside(), "{name}: {:?} vs {}", r.ours, r.published);
    }
}

/// The Llama 4 card implies a grid cleaner than any US average traincost has: its tCO2eq over
/// GPU-hours x 700 W x even the highest PUE of the range is below EIA's 2023 figure, the latest
/// there is. Our median is 3.5% above the card, within 10%, and the card's figure is below our
/// interval (docs/ENERGY.md); nothing was moved to close it.
#[test]
fn llama_4_cards_imply_a_cleaner_grid_than_eias_latest_us_average() {
    for (name, r) in builtin_rows()
        .iter()
        .filter(|(n, _)| n.starts_with("llama-4"))
    {
        assert!(
            r.published < r.ours.1,
            "{name}: {:?} vs {}",
            r.ours,
            r.published
        );
        assert!(
            r.ratio() > 1.02 && r.ratio() < 1.05,
            "{name}: {}",
            r.ratio()
        );
    }
    let kwh = claim("llama-4-scout-gpu-hours") * claim("llama-4-gpu-tdp") / 1000.0;
    let implied =
        claim("llama-4-scout-location-based-emissions") * 1e6 / (kwh * EPOCH_HYPERSCALER_PUE);
    assert!(implied < us_2023_g_per_kwh(), "{implied} g/kWh");
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

/// The location-based intensity of an estimate: its uniform bounds, or its value twice.
fn intensity_bounds(v: &serde_json::Value) -> (f64, f64) {
    let name = "emissions.location_intensity";
    if input_of(v, name)["distribution"]["uniform"].is_object() {
        uniform_input(v, name)
    } else {
        let m = input(v, name);
        (m, m)
    }
}

/// The median of input `name` of an estimate.
fn input(v: &serde_json::Value, name: &str) -> f64 {
    input_of(v, name)["median"].as_f64().unwrap()
}

/// The built-ins write their intensity (they must load without plugins, docs/ENERGY.md): each is
/// the figure the grid plugin answers for the region and year its file names.
#[test]
fn each_built_ins_written_intensity_is_the_grid_plugins_answer_for_its_region() {
    let dir = temp_dir();
    for (builtin, region, year) in [
        ("llama-3-8b", "US", "[2022, 2024]"),
        ("llama-3-70b", "US", "[2022, 2024]"),
        ("llama-3.1-405b", "US", "[2022, 2024]"),
        ("llama-4-scout", "US", "[2023, 2025]"),
        ("llama-4-maverick", "US", "[2023, 2025]"),
        ("gpt-4", "US", "2022"),
        ("bloom-176b", "FR", "2022"),
        ("olmo-2-7b", "US-TX", "2024"),
        ("olmo-2-13b", "US-IA", "2024"),
        ("deepseek-v3", "CN", "2024"),
        ("deepseek-r1", "CN", "2025"),
        ("grok-3", "US-TN", "2024"),
        ("olmo-2-32b", "[\"US-TX\", \"US-IA\"]", "2025"),
    ] {
        let written = intensity_bounds(&estimate(builtin));
        // One region is a TOML string; a list of candidate regions is written as one.
        let region_toml = if region.starts_with('[') {
            region.to_owned()
        } else {
            format!("\"{region}\"")
        };
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
region = {region_toml}
year = {year}
"#
            ),
        );
        let plugin = intensity_bounds(&estimate(path.to_str().unwrap()));
        assert!(
            close(written.0, plugin.0, 1e-4) && close(written.1, plugin.1, 1e-4),
            "{builtin}: written {written:?} g/kWh, the plugin's {region} {year}: {plugin:?}"
        );
    }
}
