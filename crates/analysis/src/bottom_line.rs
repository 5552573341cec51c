//! The bottom line: what the headline is, and what developing the model cost, each on one
//! stated basis, as data. The CLI puts it at the top of `estimate`, `reconcile` and the HTML
//! report, in words.
//!
//! Every figure is an output the estimate already has (a median with its 90% interval), and
//! "N-M times its final run" is the model's own per-sample multiple, never a ratio of two
//! percentiles. A statement never mixes bases: the headline's basis is stated with the
//! headline; the development figures are all on the report's basis ([`Estimate::basis`]); the
//! fleet has no basis and another scope (capital shared by every model the owner trains).
//! The waterfall ([`Waterfall`]) goes from the final run to the model's total on that basis,
//! in means, which add up (medians do not).

use traincost_core::estimate::{Estimate, Figure, Multiple};
use traincost_core::stack::{Basis, LayerId, TotalId};

use crate::EstimateReport;

/// A figure as the bottom line quotes it: its median with its 90% interval.
#[derive(Debug, Clone, PartialEq)]
pub struct Span {
    /// The output's id (`total-model-development-ownership`).
    pub id: String,
    /// 5th percentile.
    pub p5: f64,
    /// Median: the figure quoted.
    pub p50: f64,
    /// 95th percentile.
    pub p95: f64,
}

impl Span {
    fn of(f: &Figure) -> Span {
        Span {
            id: f.id.clone(),
            p5: f.p5,
            p50: f.p50,
            p95: f.p95,
        }
    }

    /// Whether the figure is uncertain (its 90% interval has a width).
    pub fn uncertain(&self) -> bool {
        self.p95 > self.p5
    }
}

/// The headline and the scope it covers.
#[derive(Debug, Clone, PartialEq)]
pub struct HeadlineScope {
    /// Claim id.
    pub claim: String,
    /// Who said it.
    pub claimant: String,
    /// The claimed figure (low end of a range), in the claim's own dollars.
    pub claimed: f64,
    /// High end, for a range.
    pub claimed_high: Option<f64>,
    /// The claim's dollars when they are not the report's (`2024`).
    pub claimed_dollars: Option<String>,
    /// The layer the headline is a figure of (`final-run-rental`).
    pub layer: String,
    /// The basis of that layer: the headline's basis.
    pub basis: Basis,
    /// The stages it covers, when it covers only some of the final run's stages.
    pub only_stages: Option<Vec<String>>,
}

/// What developing the model cost on one basis, beyond its final run.
#[derive(Debug, Clone, PartialEq)]
pub struct Development {
    /// The total quoted: `total-model-development-<basis>` (with staff), else
    /// `total-compute-<basis>` (compute only).
    pub total: Span,
    /// Whether it includes development compute (experiments, ablations, failed runs).
    pub experiments: bool,
    /// Whether it includes the staff.
    pub staff: bool,
    /// The total over the final run on the same basis, sample by sample.
    pub multiple: Multiple,
}

/// The figures of the bottom line on the report's basis.
#[derive(Debug, Clone, PartialEq)]
pub struct OnBasis {
    /// The basis of every figure here.
    pub basis: Basis,
    /// The final run on that basis.
    pub final_run: Span,
    /// The model's development on that basis, if the scenario models more than the run.
    pub development: Option<Development>,
}

/// One step of the waterfall: a layer added to the running sum.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// Layer id (`final-run-ownership`, `development-compute-ownership`, `staff`).
    pub id: String,
    /// Its mean: means add up, sample by sample and in total.
    pub mean: f64,
}

/// "Where the money goes": from the final run to the model's total on one basis, linearly.
/// The steps' means add up to the total's mean (to rounding).
#[derive(Debug, Clone, PartialEq)]
pub struct Waterfall {
    /// The basis of every step and of the total.
    pub basis: Basis,
    /// The final run first, then each layer added.
    pub steps: Vec<Step>,
    /// The total (its median and 90% interval are drawn beside its mean).
    pub total: Span,
    /// The total's mean.
    pub total_mean: f64,
}

/// The bottom line of an estimate.
#[derive(Debug, Clone, PartialEq)]
pub struct BottomLine {
    /// The model's name: its title up to a parenthesis (`GPT-4`, not `GPT-4 (Epoch AI
    /// development-cost study)`).
    pub title: String,
    /// The dollars of every figure but the headline's.
    pub dollar_year: String,
    /// The headline and its scope, if the scenario names one.
    pub headline: Option<HeadlineScope>,
    /// The final run and the development on the report's basis.
    pub on_basis: Option<OnBasis>,
    /// The owner's fleet capex: shared by every model and product, not a cost of this one.
    pub fleet: Option<Span>,
    /// Layers a reader would look for that the scenario does not model (ids).
    pub not_modelled: Vec<String>,
    /// Where the money goes, when the scenario models more than the final run.
    pub waterfall: Option<Waterfall>,
}

impl BottomLine {
    /// The bottom line of `report`.
    pub fn of(report: &EstimateReport) -> BottomLine {
        let e = &report.estimate;
        let headline = report.headline.as_ref().and_then(|h| {
            let basis = Basis::Rental;
            let layer = e.layer(LayerId::FinalRun(basis))?;
            let all: Vec<&str> = layer
                .components
                .iter()
                .filter_map(|c| c.id.rsplit_once('/').map(|(_, s)| s))
                .collect();
            let covers_all =
                all.len() == h.stages.len() && all.iter().all(|s| h.stages.iter().any(|t| t == s));
            let report_dollars = e.dollar_year.to_string();
            Some(HeadlineScope {
                claim: h.claim.clone(),
                claimant: h.claimant.clone(),
                claimed: h.claimed,
                claimed_high: h.claimed_high,
                claimed_dollars: h.claimed_dollars.clone().filter(|d| *d != report_dollars),
                layer: layer.id.clone(),
                basis,
                only_stages: (!covers_all).then(|| h.stages.clone()),
            })
        });
        let on_basis = on_basis(e, e.basis);
        let fleet = e.layer(LayerId::Fleet).map(Span::of);
        let has = |id: LayerId| e.layer(id).is_some();
        let mut not_modelled = Vec::new();
        let dev = LayerId::DevelopmentCompute(e.basis);
        if !has(dev) {
            not_modelled.push(dev.as_str().to_owned());
        }
        for id in [LayerId::Staff, LayerId::Fleet] {
            if !has(id) {
                not_modelled.push(id.as_str().to_owned());
            }
        }
        BottomLine {
            title: report
                .title
                .split(" (")
                .next()
                .unwrap_or(&report.title)
                .to_owned(),
            dollar_year: e.dollar_year.to_string(),
            headline,
            waterfall: waterfall(e, e.basis),
            on_basis,
            fleet,
            not_modelled,
        }
    }
}

fn on_basis(e: &Estimate, basis: Basis) -> Option<OnBasis> {
    let final_run = Span::of(e.layer(LayerId::FinalRun(basis))?);
    let experiments = e.layer(LayerId::DevelopmentCompute(basis)).is_some();
    let staff = e.layer(LayerId::Staff).is_some();
    let total = e
        .total(TotalId::ModelDevelopment(basis))
        .map(|t| (t, true))
        .or_else(|| e.total(TotalId::Compute(basis)).map(|t| (t, false)));
    let development = total.and_then(|(t, with_staff)| {
        let multiple = t.multiples.iter().find(|m| m.basis == basis)?.clone();
        Some(Development {
            total: Span::of(t),
            experiments,
            staff: with_staff && staff,
            multiple,
        })
    });
    // A total of the final run alone says nothing more.
    let development = development.filter(|d| d.experiments || d.staff);
    Some(OnBasis {
        basis,
        final_run,
        development,
    })
}

fn waterfall(e: &Estimate, basis: Basis) -> Option<Waterfall> {
    let total = e
        .total(TotalId::ModelDevelopment(basis))
        .or_else(|| e.total(TotalId::Compute(basis)))?;
    let steps: Vec<Step> = [
        LayerId::FinalRun(basis),
        LayerId::DevelopmentCompute(basis),
        LayerId::Staff,
    ]
    .into_iter()
    .filter(|id| *id != LayerId::Staff || total.id.starts_with("total-model-development"))
    .filter_map(|id| e.layer(id))
    .map(|f| Step {
        id: f.id.clone(),
        mean: f.mean,
    })
    .collect();
    (steps.len() > 1).then(|| Waterfall {
        basis,
        steps,
        total: Span::of(total),
        total_mean: total.mean,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::CompiledScenario;
    use traincost_claims::ClaimSet;
    use traincost_core::montecarlo::RunConfig;
    use traincost_core::scenario::Scenario;

    fn report(name: &str) -> EstimateReport {
        let compiled = CompiledScenario::new(Scenario::builtin(name).unwrap(), None).unwrap();
        let config = RunConfig {
            samples: 2_000,
            ..RunConfig::default()
        };
        let (e, _) = compiled.estimate(&config, &mut |_| {}).unwrap();
        EstimateReport::new(&compiled, e, ClaimSet::builtin())
    }

    #[test]
    fn deepseek_v3_states_the_headline_then_ownership_figures_from_the_estimate() {
        let r = report("deepseek-v3");
        let b = BottomLine::of(&r);
        let e = &r.estimate;
        let h = b.headline.as_ref().unwrap();
        assert_eq!(h.claimed, 5_576_000.0);
        assert_eq!(
            (h.layer.as_str(), h.basis),
            ("final-run-rental", Basis::Rental)
        );
        assert_eq!(h.only_stages, None);
        assert_eq!(h.claimed_dollars.as_deref(), Some("2024"));
        let o = b.on_basis.as_ref().unwrap();
        assert_eq!(o.basis, Basis::Ownership);
        let run = e.figure("final-run-ownership").unwrap();
        assert_eq!((o.final_run.p5, o.final_run.p95), (run.p5, run.p95));
        let d = o.development.as_ref().unwrap();
        let total = e.figure("total-model-development-ownership").unwrap();
        assert_eq!(d.total.id, total.id);
        assert_eq!(
            (d.total.p5, d.total.p50, d.total.p95),
            (total.p5, total.p50, total.p95)
        );
        assert!(d.experiments && d.staff);
        // The model's own per-sample multiple, not a ratio of percentiles.
        assert_eq!(d.multiple, total.multiples[0]);
        assert_eq!(d.multiple.basis, Basis::Ownership);
        assert_ne!(d.multiple.p5, total.p5 / run.p5);
        let fleet = e.figure("fleet").unwrap();
        assert_eq!(b.fleet.as_ref().unwrap().p95, fleet.p95);
        assert!(b.not_modelled.is_empty());
        let w = b.waterfall.as_ref().unwrap();
        let ids: Vec<&str> = w.steps.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "final-run-ownership",
                "development-compute-ownership",
                "staff"
            ]
        );
        let sum: f64 = w.steps.iter().map(|s| s.mean).sum();
        assert!((sum - w.total_mean).abs() <= 1e-6 * w.total_mean);
    }

    #[test]
    fn scenarios_without_layers_say_less_and_never_claim_them() {
        // Claude 3.5 Sonnet: rental only, no staff, no fleet, a ranged headline.
        let b = BottomLine::of(&report("claude-3.5-sonnet"));
        let o = b.on_basis.as_ref().unwrap();
        assert_eq!(o.basis, Basis::Rental);
        let d = o.development.as_ref().unwrap();
        assert_eq!(d.total.id, "total-compute-rental");
        assert!(d.experiments && !d.staff);
        assert!(b.headline.as_ref().unwrap().claimed_high.is_some());
        assert_eq!(b.not_modelled, ["staff", "fleet"]);
        assert_eq!(b.waterfall.as_ref().unwrap().steps.len(), 2);
        // DeepSeek-R1: the final run alone.
        let b = BottomLine::of(&report("deepseek-r1"));
        assert!(b.on_basis.as_ref().unwrap().development.is_none());
        assert!(b.fleet.is_none() && b.waterfall.is_none());
        assert_eq!(
            b.not_modelled,
            ["development-compute-rental", "staff", "fleet"]
        );
        // Llama 3.1 405B: no headline, no staff.
        let b = BottomLine::of(&report("llama-3.1-405b"));
        assert!(b.headline.is_none());
        let d = b.on_basis.as_ref().unwrap().development.clone().unwrap();
        assert_eq!(d.total.id, "total-compute-ownership");
        assert!(!d.staff);
    }
}
