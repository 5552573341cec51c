//! The model of `traincost report`: everything the HTML page shows, assembled before it is
//! rendered. The page's sections follow it: the summary [`Card`]s, the cost stack and the
//! claims beside each layer ([`Report::reconciliation`]), the conflicts between sources, a
//! distribution chart per uncertain money figure, one tornado, and every input with the
//! sources of its claims.

use traincost_claims::ClaimSet;
use traincost_core::estimate::{Figure, InputReport};
use traincost_core::montecarlo::RunConfig;
use traincost_core::sensitivity::{self, SensitivityError, Tornado};

use crate::CompiledScenario;
use crate::estimate::{ClaimSource, EstimateReport};
use crate::reconcile::{HeadlineView, LayerView, Reconciliation, reconcile};

/// The total whose tornado the report shows by default, when it is uncertain.
/// The total the tornado explains by default, on the report's basis (`-<basis>` appended).
const DEFAULT_TORNADO: &str = "total-model-development";

/// How to build the report.
#[derive(Debug, Clone, Copy)]
pub struct ReportOptions<'a> {
    /// The layer or output whose tornado the report shows; `None`:
    /// `total-model-development-<basis>` on the report's basis if it is uncertain, else the
    /// first uncertain layer.
    pub tornado_layer: Option<&'a str>,
    /// Samples and seed of the tornado's runs.
    pub config: &'a RunConfig,
}

/// A summary card at the top of the report.
#[derive(Debug, Clone)]
pub enum Card {
    /// The headline figure, as claimed.
    Headline(HeadlineView),
    /// A layer or total: its median, its 90% interval and its multiples of the final run.
    Layer(LayerView),
}

/// A claim an input cites, with its source when the claims have it.
#[derive(Debug, Clone)]
pub struct CitedClaim {
    /// Claim id.
    pub id: String,
    /// Its source.
    pub source: Option<ClaimSource>,
}

/// An input and the claims it cites (its value, or, beside an assumption, what informs it).
#[derive(Debug, Clone)]
pub struct InputSources {
    /// The input as the estimate reports it.
    pub input: InputReport,
    /// Its claims, in the input's order.
    pub claims: Vec<CitedClaim>,
}

/// What `traincost report` shows.
#[derive(Debug, Clone)]
pub struct Report {
    /// The page's title.
    pub title: String,
    /// The scenario's description.
    pub description: Option<String>,
    /// Summary cards: the headline, the model's whole development on the report's basis and
    /// the owner's fleet, those the scenario has.
    pub cards: Vec<Card>,
    /// The bottom line, on one stated basis, with the waterfall.
    pub bottom_line: crate::BottomLine,
    /// The estimate.
    pub estimate: EstimateReport,
    /// The stack with the claims beside each layer, and the conflicts.
    pub reconciliation: Reconciliation,
    /// Layers and totals in dollars whose distribution is charted (those with a width).
    pub distributions: Vec<Figure>,
    /// The tornado shown, if any layer is uncertain.
    pub tornado: Option<Tornado>,
    /// Every input with the sources of its claims.
    pub inputs: Vec<InputSources>,
}

/// The report of `compiled` from its estimate's report: reconciles it with `claims` and runs
/// the tornado. An unknown `options.tornado_layer` is an error.
pub fn build(
    compiled: &CompiledScenario,
    estimate: EstimateReport,
    claims: &ClaimSet,
    options: &ReportOptions<'_>,
) -> Result<Report, SensitivityError> {
    let rec = reconcile(&compiled.scenario.file, &estimate, claims);
    let default = format!("{DEFAULT_TORNADO}-{}", estimate.estimate.basis);
    let layer = match options.tornado_layer {
        Some(id) => Some(id.to_owned()),
        None => rec
            .layers
            .iter()
            .find(|l| l.id == default && l.p95 > l.p5)
            .or_else(|| rec.layers.iter().find(|l| l.p95 > l.p5))
            .map(|l| l.id.clone()),
    };
    let tornado = match layer {
        Some(id) => Some(sensitivity::tornado(&compiled.model, &id, options.config)?),
        None => None,
    };
    let e = &estimate.estimate;
    let mut cards: Vec<Card> = rec.headline.iter().cloned().map(Card::Headline).collect();
    // The model's whole development on the report's basis, and the owner's fleet: medians
    // with their intervals, each multiple on its own basis.
    let development = format!("total-model-development-{}", e.basis);
    for id in [development.as_str(), "fleet"] {
        if let Some(l) = rec.layers.iter().find(|l| l.id == id) {
            cards.push(Card::Layer(l.clone()));
        }
    }
    let distributions = e
        .layers
        .iter()
        .chain(&e.totals)
        .filter(|f| f.p95 > f.p5 && f.unit.starts_with("USD"))
        .cloned()
        .collect();
    let inputs = e
        .inputs
        .iter()
        .map(|i| InputSources {
            input: i.clone(),
            claims: i
                .claims
                .iter()
                .map(|id| CitedClaim {
                    id: id.clone(),
                    source: ClaimSource::of(claims, id),
                })
                .collect(),
        })
        .collect();
    Ok(Report {
        title: format!("{}: what did it really cost to train?", rec.title),
        description: compiled.scenario.file.description.clone(),
        cards,
        distributions,
        tornado,
        inputs,
        bottom_line: crate::BottomLine::of(&estimate),
        estimate,
        reconciliation: rec,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use traincost_core::scenario::Scenario;

    #[test]
    fn deepseek_v3_report_has_its_cards_charts_and_sourced_inputs() {
        let compiled =
            CompiledScenario::new(Scenario::builtin("deepseek-v3").unwrap(), None).unwrap();
        let config = RunConfig {
            samples: 1_000,
            ..RunConfig::default()
        };
        let claims = ClaimSet::builtin();
        let estimate = || {
            let (e, _) = compiled.estimate(&config, &mut |_| {}).unwrap();
            EstimateReport::new(&compiled, e, claims)
        };
        let options = ReportOptions {
            tornado_layer: Some("staff"),
            config: &config,
        };
        let r = build(&compiled, estimate(), claims, &options).unwrap();
        let basis = r.estimate.estimate.basis;
        let cards: Vec<String> = r
            .cards
            .iter()
            .map(|c| match c {
                Card::Headline(h) => format!("headline {}", h.layer),
                Card::Layer(l) => l.id.clone(),
            })
            .collect();
        assert_eq!(
            cards,
            [
                "headline final-run-rental".to_owned(),
                format!("total-model-development-{basis}"),
                "fleet".to_owned()
            ]
        );
        assert_eq!(r.title, "DeepSeek-V3: what did it really cost to train?");
        // The final run at rental prices is exact: no distribution to chart.
        assert!(r.distributions.iter().all(|f| f.p95 > f.p5));
        assert!(!r.distributions.iter().any(|f| f.id == "final-run-rental"));
        assert_eq!(r.tornado.as_ref().unwrap().output, "staff");
        assert_eq!(r.inputs.len(), r.estimate.estimate.inputs.len());
        assert!(
            r.inputs
                .iter()
                .flat_map(|i| &i.claims)
                .all(|c| c.source.is_some())
        );

        let unknown = ReportOptions {
            tornado_layer: Some("nope"),
            config: &config,
        };
        assert!(build(&compiled, estimate(), claims, &unknown).is_err());
    }
}
