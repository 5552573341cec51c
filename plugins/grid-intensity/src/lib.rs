//! `grid-intensity`: the carbon intensity of the electricity grids AI models were trained on,
//! location-based, in gCO2e per kWh used, each figure a claim of traincost's claims
//! (`crates/claims/data/grid-intensity.toml`) or an assumption resting on them.
//!
//! A query for a year answers with the latest figure the plugin has on or before that year,
//! else its earliest, and says which in `data_year`. Figures given in other units (pounds or
//! kilograms per kWh, per MWh) are converted exactly and labelled as assumptions that cite the
//! claim; figures of CO2 alone (EIA, China's ministry, the EU's 2020 figure) are taken as
//! CO2-equivalent, and the note says so. Market-based intensities are a buyer's contracts,
//! not a grid's: this plugin answers them `no_data`.

use traincost_plugin::payload::QueryKind;
use traincost_plugin::prelude::*;

/// The plugin.
#[derive(Debug, Default)]
pub struct GridIntensityPlugin;

/// First and last year the plugin answers.
const YEARS: [i32; 2] = [2018, 2025];

/// Grams in a pound (avoirdupois).
const GRAMS_PER_POUND: f64 = 453.592_37;

/// How a source's number becomes gCO2e/kWh.
#[derive(Debug, Clone, Copy)]
enum Given {
    /// The claim states gCO2eq per kWh: cited as is.
    GramsCo2e,
    /// The claim states grams of CO2 alone per kWh.
    GramsCo2,
    /// The claim states kilograms of CO2 alone per kWh.
    KilogramsCo2,
    /// The claim states pounds of CO2 alone per kWh.
    PoundsCo2,
}

/// One sourced figure.
struct Figure {
    region: &'static str,
    /// The year the figure is for.
    data_year: i32,
    /// The number as the claim states it.
    value: f64,
    given: Given,
    claim: &'static str,
    /// Set when the figure stands for the region only by assumption (a utility's figure for
    /// a state): the reason, one line.
    stands_for: Option<&'static str>,
    /// What the figure covers.
    note: &'static str,
}

const CN_NOTE: &str = "China's national average electricity CO2 emission factor (Ministry of Ecology and Environment and National Bureau of Statistics), via press reports";

const FIGURES: &[Figure] = &[
    Figure {
        region: "WORLD",
        data_year: 2022,
        value: 436.0,
        given: Given::GramsCo2,
        claim: "ember-world-2022-electricity-carbon-intensity",
        stands_for: None,
        note: "Ember: CO2 per kWh of global electricity generation (78 countries, 93% of demand; the rest estimated)",
    },
    Figure {
        region: "US",
        data_year: 2022,
        value: 0.86,
        given: Given::PoundsCo2,
        claim: "eia-us-2022-electricity-co2-per-kwh",
        stands_for: None,
        note: "EIA: CO2 from US utility-scale net generation per kWh generated",
    },
    Figure {
        region: "US",
        data_year: 2023,
        value: 0.81,
        given: Given::PoundsCo2,
        claim: "eia-us-2023-electricity-co2-per-kwh",
        stands_for: None,
        note: "EIA: CO2 from US utility-scale net generation per kWh generated",
    },
    Figure {
        region: "US-IA",
        data_year: 2024,
        value: 0.352,
        given: Given::KilogramsCo2,
        claim: "morrison-2025-iowa-grid-carbon-intensity",
        stands_for: None,
        note: "the Iowa figure Ai2 used for OLMo 2 13B on Google's Augusta cluster (Morrison et al. 2025, via a secondary summary); data year not stated, taken as 2024, the year of the runs",
    },
    Figure {
        region: "US-TX",
        data_year: 2024,
        value: 0.332,
        given: Given::KilogramsCo2,
        claim: "morrison-2025-austin-energy-carbon-intensity",
        stands_for: Some(
            "Austin Energy's intensity, which Ai2 used for its Jupiter cluster in Austin, taken for Texas",
        ),
        note: "Austin Energy (a utility), not the Texas (ERCOT) average (Morrison et al. 2025, via a secondary summary); data year not stated, taken as 2024, the year of the runs",
    },
    Figure {
        region: "FR",
        data_year: 2022,
        value: 57.0,
        given: Given::GramsCo2e,
        claim: "luccioni-bloom-grid-carbon-intensity",
        stands_for: None,
        note: "the French grid intensity Luccioni et al. used for BLOOM's training on Jean Zay (March-July 2022)",
    },
    Figure {
        region: "FR",
        data_year: 2023,
        value: 32.0,
        given: Given::GramsCo2e,
        claim: "rte-france-2023-electricity-carbon-intensity",
        stands_for: None,
        note: "RTE: greenhouse gases per kWh produced in France",
    },
    Figure {
        region: "CN",
        data_year: 2021,
        value: 0.5568,
        given: Given::KilogramsCo2,
        claim: "mee-china-2021-national-grid-emission-factor",
        stands_for: None,
        note: CN_NOTE,
    },
    Figure {
        region: "CN",
        data_year: 2022,
        value: 0.5366,
        given: Given::KilogramsCo2,
        claim: "mee-china-2022-national-grid-emission-factor",
        stands_for: None,
        note: CN_NOTE,
    },
    Figure {
        region: "CN",
        data_year: 2023,
        value: 0.5306,
        given: Given::KilogramsCo2,
        claim: "mee-china-2023-national-grid-emission-factor",
        stands_for: None,
        note: CN_NOTE,
    },
    Figure {
        region: "EU27",
        data_year: 2018,
        value: 281.0,
        given: Given::GramsCo2e,
        claim: "eea-eu27-2018-electricity-ghg-intensity",
        stands_for: None,
        note: "EEA: greenhouse gases per kWh of total electricity generation in the EU-27",
    },
    Figure {
        region: "EU27",
        data_year: 2020,
        value: 252.0,
        given: Given::GramsCo2,
        claim: "sdes-eu-2020-electricity-co2-per-kwh",
        stands_for: None,
        note: "SDES (French statistics service) from IEA data: CO2 per kWh of electricity produced in the EU",
    },
];

/// The regions with a figure, in catalog order of first appearance.
fn regions() -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for f in FIGURES {
        if !out.iter().any(|r| r == f.region) {
            out.push(f.region.to_owned());
        }
    }
    out
}

/// The figure in force for `year`: the latest on or before it, else the earliest.
fn figure(region: &str, year: i32) -> Option<&'static Figure> {
    let of_region = || FIGURES.iter().filter(move |f| f.region == region);
    of_region()
        .filter(|f| f.data_year <= year)
        .max_by_key(|f| f.data_year)
        .or_else(|| of_region().min_by_key(|f| f.data_year))
}

fn intensity(f: &Figure) -> Quantity {
    const UNIT: &str = "gCO2e/kWh";
    let (grams, how) = match f.given {
        Given::GramsCo2e => (f.value, None),
        Given::GramsCo2 => (f.value, Some("CO2 only, taken as CO2e")),
        Given::KilogramsCo2 => (
            f.value * 1_000.0,
            Some("kg CO2/kWh x 1,000; CO2 only, taken as CO2e"),
        ),
        Given::PoundsCo2 => (
            f.value * GRAMS_PER_POUND,
            Some("lb CO2/kWh x 453.59237 g/lb; CO2 only, taken as CO2e"),
        ),
    };
    // Without float noise (0.5366 x 1,000 is 536.5999999999999): a microgram is exact enough.
    let grams = (grams * 1e6).round() / 1e6;
    let why = match (f.stands_for, how) {
        (None, None) => return Quantity::claim(Dist::Point(grams), UNIT, f.claim),
        (Some(s), None) | (None, Some(s)) => s.to_owned(),
        (Some(s), Some(h)) => format!("{s}; {h}"),
    };
    Quantity::assumption_citing(Dist::Point(grams), UNIT, &why, &[f.claim])
}

impl GridModel for GridIntensityPlugin {
    fn about(&self) -> About {
        About {
            description: "Location-based grid carbon intensity (gCO2e/kWh) where models were trained: US, Iowa, Texas (Austin), France, China, EU-27, world; sourced claims".into(),
            queries: vec![QueryKind::GridIntensity],
            regions: regions(),
            years: Some(YEARS),
            bases: vec![Basis::Location],
            ..About::default()
        }
    }

    fn grid_intensity(&self, region: &str, year: i32, basis: Basis) -> Answer<GridIntensity> {
        if basis == Basis::Market {
            return Err(ErrorPayload::no_data(format!(
                "grid-intensity has location-based figures only, not market-based ones for \
                 {region}: a market-based intensity is the buyer's (renewable contracts, \
                 certificates), not the grid's; give it in the scenario, citing the buyer's \
                 claim (e.g. llama-3-1-market-based-emissions)"
            )));
        }
        if !(YEARS[0]..=YEARS[1]).contains(&year) {
            return Err(ErrorPayload::no_data(format!(
                "grid-intensity answers {}-{}, not {year}",
                YEARS[0], YEARS[1]
            )));
        }
        let f = figure(region, year).ok_or_else(|| {
            ErrorPayload::no_data(format!(
                "grid-intensity has no sourced figure for {region}; it covers {}: use the \
                 country's (e.g. US), or give the intensity in the scenario with its source",
                regions().join(", ")
            ))
        })?;
        Ok(GridIntensity {
            region: region.to_owned(),
            year,
            basis,
            data_year: f.data_year,
            intensity: intensity(f),
            note: f.note.to_owned(),
        })
    }
}

traincost_plugin::declare_plugin!(grid: GridIntensityPlugin);

#[cfg(test)]
mod tests {
    use traincost_plugin::client::CallError;
    use traincost_plugin::payload::{Query, QueryResult};
    use traincost_plugin::testing;

    use super::*;

    fn ask(region: &str, year: i32) -> GridIntensity {
        match testing::call(&PLUGIN, testing::grid_intensity(region, year))
            .unwrap_or_else(|e| panic!("{region} {year}: {e}"))
            .result
        {
            QueryResult::GridIntensity(g) => g,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn every_query_passes_host_validation() {
        assert_eq!(testing::check(&PLUGIN), Vec::<String>::new());
        let m = testing::manifest(&PLUGIN).unwrap();
        assert_eq!(
            m.regions,
            ["WORLD", "US", "US-IA", "US-TX", "FR", "CN", "EU27"]
        );
    }

    #[test]
    fn sourced_figures_come_back_as_the_sources_give_them() {
        // Luccioni et al.: 57 gCO2eq/kWh, cited as the claim itself.
        assert_eq!(ask("FR", 2024).data_year, 2023);
        assert_eq!(ask("FR", 2024).intensity.dist, Dist::Point(32.0));
        let fr = ask("fr", 2022);
        assert_eq!(fr.region, "FR");
        assert_eq!(fr.intensity.dist, Dist::Point(57.0));
        assert_eq!(
            fr.intensity.source,
            Source::Claim("luccioni-bloom-grid-carbon-intensity".into())
        );
        // EIA: 0.81 lb CO2/kWh in 2023, converted to grams and labelled.
        let us = ask("US", 2024);
        assert_eq!(us.data_year, 2023);
        assert_eq!(us.intensity.dist, Dist::Point(367.409_82));
        assert!(matches!(&us.intensity.source, Source::Assumption(a) if a.contains("453.59237")));
        assert_eq!(us.intensity.cites, ["eia-us-2023-electricity-co2-per-kwh"]);
        // The figure in force: the latest on or before the year, else the earliest.
        assert_eq!(ask("US", 2022).data_year, 2022);
        assert_eq!(ask("US", 2019).data_year, 2022);
        assert_eq!(ask("EU27", 2019).data_year, 2018);
        assert_eq!(ask("EU27", 2021).data_year, 2020);
        assert_eq!(ask("Iowa", 2024).intensity.dist, Dist::Point(352.0));
        assert_eq!(ask("CN", 2022).intensity.dist, Dist::Point(536.6));
        assert_eq!(ask("CN", 2025).data_year, 2023);
        assert_eq!(ask("CN", 2018).data_year, 2021);
    }

    #[test]
    fn market_basis_other_regions_and_years_are_refused_with_reasons() {
        let err = testing::call(
            &PLUGIN,
            Query::GridIntensity {
                region: "US".into(),
                year: 2023,
                basis: Basis::Market,
            },
        )
        .unwrap_err();
        assert!(
            matches!(&err, CallError::Failed(e) if e.code == "no_data" && e.message.contains("location-based")),
            "{err:?}"
        );
        let err = testing::call(&PLUGIN, testing::grid_intensity("US-OR", 2023)).unwrap_err();
        assert!(
            matches!(&err, CallError::Failed(e) if e.code == "no_data" && e.message.contains("US-OR")),
            "{err:?}"
        );
        let err = testing::call(&PLUGIN, testing::grid_intensity("US-IW", 2023)).unwrap_err();
        assert!(
            matches!(&err, CallError::Failed(e) if e.code == "unknown_region" && e.message.contains("did you mean US-IA")),
            "{err:?}"
        );
        let err = testing::call(&PLUGIN, testing::grid_intensity("FR", 1990)).unwrap_err();
        assert!(
            matches!(&err, CallError::Failed(e) if e.code == "no_data"),
            "{err:?}"
        );
    }
}
