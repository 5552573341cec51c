//! `grid-intensity`: the carbon intensity of the electricity grids AI models were trained on,
//! location-based, in gCO2e per kWh used, each figure a claim of traincost's claims
//! (`crates/claims/data/grid-intensity.toml`, `grid-intensity-us-states.toml`) or an
//! assumption resting on them.
//!
//! A query for a year answers with the latest figure the plugin has on or before that year,
//! else its earliest, and says which in `data_year`; a region has at most one figure per data
//! year, so the answer is never a choice between two. Figures given in other units (pounds or
//! kilograms per kWh, per MWh) are converted exactly and labelled as assumptions that cite the
//! claim; a US state's EIA rate is derived, as EIA's own FAQ derives the national one, from two
//! claims (the state's power-plant CO2 over its net generation) and cites both. Figures of CO2
//! alone (EIA, TVA, China's ministry, the EU's 2020 figure) are taken as CO2-equivalent, and the
//! note says so. Market-based intensities are a buyer's contracts, not a grid's: this plugin
//! answers them `no_data`.

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
    /// The claim states pounds of CO2 alone per MWh after a renewable-energy-credit reduction
    /// (a market-based element): undone here, / (1 - the reduction), so that the figure stands
    /// for the grid the energy was drawn from.
    PoundsCo2PerMwhLessRecs {
        /// The reduction, a fraction of the unadjusted rate.
        reduction: f64,
        /// The claim stating the reduction (in percent).
        reduction_claim: &'static str,
    },
    /// The claim states CO2 alone in thousand metric tons (EIA's power-plant CO2 of a state):
    /// the figure is that over the net generation of another claim, in GWh (thousand MWh).
    /// Thousand t / GWh = 10^9 g / 10^6 kWh: x 1,000 gives g/kWh.
    KilotonnesCo2Over {
        /// The net generation the CO2 is divided by, GWh.
        generation_gwh: f64,
        /// The claim stating that generation.
        generation_claim: &'static str,
    },
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

/// What every EIA state rate is (crates/claims/data/grid-intensity-us-states.toml).
const EIA_STATE_NOTE: &str = "EIA: CO2 of the state's utility-scale power plants (Electric Power Annual Table 9.5, CHP plants' heat output included) over the state's utility-scale net generation, all sectors (Table 3.7); production-based: the state's own generation, electricity imported from or exported to other states not counted; CO2 only";

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
    // Iowa has two sources: EIA's CO2 over Iowa's EIA-923 generation (2022; the Iowa
    // Utilities Commission's table of it) and the figure Morrison et al. used for OLMo 2 13B
    // (taken as 2024, the runs' year). One figure per data year: queries for 2024 on get
    // Morrison et al.'s (what the olmo-2-13b built-in writes), 2023 and earlier EIA's.
    Figure {
        region: "US-IA",
        data_year: 2022,
        value: 26_163.0,
        given: Given::KilotonnesCo2Over {
            // 72,982,198 MWh.
            generation_gwh: 72_982.198,
            generation_claim: "iuc-iowa-2022-net-generation",
        },
        claim: "eia-iowa-2022-power-plant-co2",
        stands_for: None,
        note: "EIA: CO2 of Iowa's utility-scale power plants (Electric Power Annual Table 9.5, CHP plants' heat output included) over Iowa's net generation from units over 1 MW (EIA-923, as the Iowa Utilities Commission tabulates it); production-based: Iowa's own generation, electricity imported from or exported to other states not counted; CO2 only",
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
    // US states where AI models were trained, from EIA's Electric Power Annual (2022, 2023).
    // Meta has data centers in both (DeKalb, Illinois; New Albany, Ohio: press reports).
    Figure {
        region: "US-IL",
        data_year: 2022,
        value: 53_796.0,
        given: Given::KilotonnesCo2Over {
            generation_gwh: 185_223.0,
            generation_claim: "eia-illinois-2022-net-generation",
        },
        claim: "eia-illinois-2022-power-plant-co2",
        stands_for: None,
        note: EIA_STATE_NOTE,
    },
    Figure {
        region: "US-IL",
        data_year: 2023,
        value: 42_186.0,
        given: Given::KilotonnesCo2Over {
            generation_gwh: 177_738.0,
            generation_claim: "eia-illinois-2023-net-generation",
        },
        claim: "eia-illinois-2023-power-plant-co2",
        stands_for: None,
        note: EIA_STATE_NOTE,
    },
    Figure {
        region: "US-OH",
        data_year: 2022,
        value: 71_710.0,
        given: Given::KilotonnesCo2Over {
            generation_gwh: 135_810.0,
            generation_claim: "eia-ohio-2022-net-generation",
        },
        claim: "eia-ohio-2022-power-plant-co2",
        stands_for: None,
        note: EIA_STATE_NOTE,
    },
    Figure {
        region: "US-OH",
        data_year: 2023,
        value: 63_226.0,
        given: Given::KilotonnesCo2Over {
            generation_gwh: 133_223.0,
            generation_claim: "eia-ohio-2023-net-generation",
        },
        claim: "eia-ohio-2023-power-plant-co2",
        stands_for: None,
        note: EIA_STATE_NOTE,
    },
    // Tennessee (xAI's Colossus in Memphis, Meta's Gallatin): no EIA rate could be derived
    // (the stored copy of EIA's generation table ends before Tennessee). TVA's system rate
    // stands for it, as Austin Energy's stands for Texas.
    Figure {
        region: "US-TN",
        data_year: 2023,
        value: 624.94,
        given: Given::PoundsCo2PerMwhLessRecs {
            reduction: 0.0276,
            reduction_claim: "tva-2023-rec-adjustment",
        },
        claim: "tva-2023-system-co2-rate",
        stands_for: Some(
            "TVA's system rate taken for Tennessee (TVA serves almost all of the state and parts of six others; Memphis's MLGW buys all its power from TVA): its own plants and purchased power, with its 2.76% REC reduction undone; no EIA Tennessee rate could be derived",
        ),
        note: "TVA (a utility): CO2 per MWh of its system, its own plants and purchased power, before its 2.76% reduction for renewable energy credits (undone here); not EIA's Tennessee average; CO2 only",
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
        Given::PoundsCo2PerMwhLessRecs { reduction, .. } => (
            f.value / (1.0 - reduction) * GRAMS_PER_POUND / 1_000.0,
            Some(
                "lb CO2/MWh / (1 - the renewable-energy-credit reduction), undoing that market-based adjustment, x 453.59237 g/lb / 1,000 kWh/MWh; CO2 only, taken as CO2e",
            ),
        ),
        Given::KilotonnesCo2Over { generation_gwh, .. } => (
            f.value / generation_gwh * 1_000.0,
            Some(
                "EIA's CO2 (thousand t) / net generation (thousand MWh) x 1,000 = g/kWh; CO2 only, taken as CO2e",
            ),
        ),
    };
    // Without float noise (0.5366 x 1,000 is 536.5999999999999): a microgram is exact enough.
    let grams = (grams * 1e6).round() / 1e6;
    let why = match (f.stands_for, how) {
        (None, None) => return Quantity::claim(Dist::Point(grams), UNIT, f.claim),
        (Some(s), None) | (None, Some(s)) => s.to_owned(),
        (Some(s), Some(h)) => format!("{s}; {h}"),
    };
    match f.given {
        Given::KilotonnesCo2Over {
            generation_claim: other,
            ..
        }
        | Given::PoundsCo2PerMwhLessRecs {
            reduction_claim: other,
            ..
        } => Quantity::assumption_citing(Dist::Point(grams), UNIT, &why, &[f.claim, other]),
        _ => Quantity::assumption_citing(Dist::Point(grams), UNIT, &why, &[f.claim]),
    }
}

impl GridModel for GridIntensityPlugin {
    fn about(&self) -> About {
        About {
            description: "Location-based grid carbon intensity (gCO2e/kWh) where models were trained: US, Iowa, Texas (Austin), Illinois, Ohio, Tennessee (TVA), France, China, EU-27, world; sourced claims".into(),
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
            [
                "WORLD", "US", "US-IA", "US-TX", "FR", "CN", "EU27", "US-IL", "US-OH", "US-TN"
            ]
        );
    }

    #[test]
    fn a_region_has_at_most_one_figure_per_data_year() {
        for (i, a) in FIGURES.iter().enumerate() {
            for b in &FIGURES[i + 1..] {
                assert!(
                    a.region != b.region || a.data_year != b.data_year,
                    "{} {}: two figures, the answer would depend on their order",
                    a.region,
                    a.data_year
                );
            }
        }
    }

    #[test]
    fn us_states_eia_rates_are_co2_over_generation_citing_both_claims() {
        // EIA Table 9.5 (thousand t CO2) over Table 3.7 (thousand MWh): t/MWh x 1,000 = g/kWh.
        let close = |a: &Dist, b: f64| matches!(a, Dist::Point(x) if (x - b).abs() < 1e-6);
        let il = ask("US-IL", 2023);
        assert!(
            close(&il.intensity.dist, 42_186.0 / 177_738.0 * 1e3),
            "{il:?}"
        );
        assert_eq!(
            il.intensity.cites,
            [
                "eia-illinois-2023-power-plant-co2",
                "eia-illinois-2023-net-generation"
            ]
        );
        assert!(
            matches!(&il.intensity.source, Source::Assumption(a) if a.contains("thousand MWh"))
        );
        assert!(il.note.contains("production-based"), "{}", il.note);
        // The latest on or before the year, else the earliest.
        assert_eq!(ask("US-IL", 2025).data_year, 2023);
        assert_eq!(ask("US-IL", 2019).data_year, 2022);
        let il22 = ask("Illinois", 2022);
        assert!(close(&il22.intensity.dist, 53_796.0 / 185_223.0 * 1e3));
        assert!(close(
            &ask("US-OH", 2023).intensity.dist,
            63_226.0 / 133_223.0 * 1e3
        ));
        assert!(close(
            &ask("Ohio", 2022).intensity.dist,
            71_710.0 / 135_810.0 * 1e3
        ));
        // Iowa: EIA's 2022 CO2 over Iowa's EIA-923 generation (72,982,198 MWh) up to 2023,
        // Morrison et al.'s figure (taken as 2024) from 2024 on.
        let ia = ask("US-IA", 2023);
        assert_eq!(ia.data_year, 2022);
        assert!(
            close(&ia.intensity.dist, 26_163.0 / 72_982_198.0 * 1e6),
            "{ia:?}"
        );
        assert_eq!(
            ia.intensity.cites,
            [
                "eia-iowa-2022-power-plant-co2",
                "iuc-iowa-2022-net-generation"
            ]
        );
        assert_eq!(ask("US-IA", 2024).data_year, 2024);
        assert_eq!(
            ask("US-IA", 2024).intensity.cites,
            ["morrison-2025-iowa-grid-carbon-intensity"]
        );
    }

    #[test]
    fn tennessee_is_tvas_system_rate_standing_for_the_state() {
        // TVA: 624.94 lb CO2/MWh (2023) before its 2.76% REC reduction, converted exactly; an
        // assumption saying what it is.
        let tn = ask("US-TN", 2024);
        assert_eq!(tn.data_year, 2023);
        assert!(
            matches!(tn.intensity.dist, Dist::Point(x) if (x - 624.94 / (1.0 - 0.0276) * GRAMS_PER_POUND / 1e3).abs() < 1e-5)
        );
        assert!(
            matches!(&tn.intensity.source, Source::Assumption(a) if a.contains("TVA") && a.contains("REC") && a.contains("lb CO2/MWh")),
            "{:?}",
            tn.intensity.source
        );
        assert_eq!(
            tn.intensity.cites,
            ["tva-2023-system-co2-rate", "tva-2023-rec-adjustment"]
        );
        assert!(tn.note.contains("not EIA's"), "{}", tn.note);
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
        assert_eq!(ask("Iowa", 2025).data_year, 2024);
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
