//! An estimate: the cost stack's central values and Monte Carlo summaries, with every input and
//! its provenance. This is the stable, serializable result that reports are made from.

use serde::{Deserialize, Serialize};

use crate::dist::Distribution;
use crate::montecarlo::{self, NonFiniteOutput, RunConfig, RunStats, Summary};
use crate::stack::{Basis, CostModel, LayerId, OutputInfo, OutputKind, TotalId};
use crate::units::DollarDate;

/// One output of the stack: a layer, a component, a total or a metric.
///
/// The figure to show people is the median of the simulated output, `p50`, with its 90%
/// interval `[p5, p95]`. `central` is the point estimate (every input at its median): it is
/// what a published point figure (DeepSeek's $5.576M, Epoch AI's tables) is compared with,
/// and differs from `p50` wherever the model is not linear in its uncertain inputs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Figure {
    /// Stable id (`final-run-rental`).
    pub id: String,
    /// Label for people.
    pub label: String,
    /// `USD`, `USD/year` or `GPU-hours`.
    pub unit: String,
    /// The cost basis of a compute figure (`rental` or `ownership`); absent for figures
    /// without one (staff, the fleet, GPU-hours).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub basis: Option<Basis>,
    /// The point estimate: every input at its median, computed exactly.
    pub central: f64,
    /// Mean over samples.
    pub mean: f64,
    /// Standard deviation over samples.
    pub sd: f64,
    /// 5th percentile.
    pub p5: f64,
    /// Median.
    pub p50: f64,
    /// 95th percentile.
    pub p95: f64,
    /// Requested extra percentiles, `(percent, value)`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub percentiles: Vec<(f64, f64)>,
    /// What it counts.
    pub includes: String,
    /// What it leaves out.
    pub excludes: String,
    /// Parts that sum to it (layers only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub components: Vec<Figure>,
    /// This figure as a multiple of the final run on the same basis (one per basis for a
    /// figure without a basis, such as staff), summarized over samples.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub multiples: Vec<Multiple>,
}

/// A figure divided, sample by sample, by the final run on one basis.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Multiple {
    /// The basis of the final run divided by.
    pub basis: Basis,
    /// The final-run layer divided by (`final-run-rental`, `final-run-ownership`).
    pub of: String,
    /// Point estimate: the ratio with every input at its median.
    pub central: f64,
    /// Mean over samples.
    pub mean: f64,
    /// 5th percentile.
    pub p5: f64,
    /// Median: the multiple to show.
    pub p50: f64,
    /// 95th percentile.
    pub p95: f64,
}

/// One input as reported.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InputReport {
    /// Dotted name.
    pub name: String,
    /// Value or distribution, in `unit` (money in the estimate's dollars).
    pub distribution: Distribution,
    /// Short human description of the distribution.
    pub description: String,
    /// Median (the value the central estimate uses).
    pub median: f64,
    /// Unit.
    pub unit: String,
    /// The claim whose figure the value is (the first, if several); `None` for an
    /// assumption, even one informed by claims.
    pub claim: Option<String>,
    /// Every claim id cited, as the value's source or informing an assumption.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub claims: Vec<String>,
    /// The claims an assumption is informed by (the scenario's `informed_by`): the value is
    /// not theirs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub informed_by: Vec<String>,
    /// The assumption and its reason, if the value is assumed.
    pub assumption: Option<String>,
    /// How the value was converted from what was given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A layer the scenario does not model, and what it would need.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotModelled {
    /// Layer id.
    pub id: String,
    /// What the scenario would need to model it.
    pub needs: String,
}

/// A full estimate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Estimate {
    /// Scenario name.
    pub scenario: String,
    /// Dollars every money figure is in.
    pub dollar_year: DollarDate,
    /// Price index used for dollar conversions.
    pub price_index: String,
    /// Monte Carlo samples.
    pub samples: u64,
    /// Random seed.
    pub seed: u64,
    /// The basis the report leads with (`[development] basis`, else ownership where the
    /// scenario can cost it). Compute layers and totals exist on every basis the scenario
    /// can cost; each figure names its own.
    pub basis: Basis,
    /// Layers of the stack, in order, with their components.
    pub layers: Vec<Figure>,
    /// Sums of layers of one scope.
    pub totals: Vec<Figure>,
    /// Non-money figures (GPU-hours).
    pub metrics: Vec<Figure>,
    /// Every input with its provenance.
    pub inputs: Vec<InputReport>,
    /// Layers of the stack this scenario does not model (so no reader mistakes absence for zero).
    pub not_modelled: Vec<NotModelled>,
}

impl Estimate {
    /// The bases this estimate costs compute on (those with a final-run layer), rental first.
    pub fn bases(&self) -> Vec<Basis> {
        Basis::ALL
            .into_iter()
            .filter(|b| self.layers.iter().any(|l| l.id == b.layer_id()))
            .collect()
    }

    /// The layer, if the scenario models it.
    pub fn layer(&self, id: LayerId) -> Option<&Figure> {
        self.layers.iter().find(|l| l.id == id.as_str())
    }

    /// The total, if the scenario has its layers.
    pub fn total(&self, id: TotalId) -> Option<&Figure> {
        self.totals.iter().find(|t| t.id == id.as_str())
    }

    /// The layer, component, total or metric with this id.
    pub fn figure(&self, id: &str) -> Option<&Figure> {
        self.figures()
            .into_iter()
            .map(|(f, _)| f)
            .find(|f| f.id == id)
    }

    /// Every figure in report order, with its kind (`layer`, `component`, `total`, `metric`):
    /// each layer followed by its components, each total by its components, then the metrics.
    pub fn figures(&self) -> Vec<(&Figure, &'static str)> {
        let mut out = Vec::new();
        for (parents, kind) in [(&self.layers, "layer"), (&self.totals, "total")] {
            for p in parents {
                out.push((p, kind));
                out.extend(p.components.iter().map(|c| (c, "component")));
            }
        }
        out.extend(self.metrics.iter().map(|m| (m, "metric")));
        out
    }
}

impl CostModel {
    /// Runs the Monte Carlo simulation and assembles the estimate: every layer, component,
    /// total and metric summarized over `config.samples` samples, with every input and its
    /// provenance. The same seed gives the same estimate at any thread count.
    ///
    /// An output that is not a finite number in some sample (or at the inputs' medians) is an
    /// error naming it: the inputs overflow the model (a value beyond 1.8e308) or make it
    /// divide zero by zero, and no summary of it would mean anything.
    pub fn estimate(&self, config: &RunConfig) -> Result<Estimate, NonFiniteOutput> {
        self.estimate_with_progress(config, &mut |_| {})
            .map(|(estimate, _)| estimate)
    }

    /// [`CostModel::estimate`], calling `progress` with the samples done so far, and returning
    /// how the run went (threads, memory) beside the estimate.
    pub fn estimate_with_progress(
        &self,
        config: &RunConfig,
        progress: &mut dyn FnMut(u64),
    ) -> Result<(Estimate, RunStats), NonFiniteOutput> {
        assemble(self, config, progress)
    }
}

fn assemble(
    model: &CostModel,
    config: &RunConfig,
    progress: &mut dyn FnMut(u64),
) -> Result<(Estimate, RunStats), NonFiniteOutput> {
    let central = model.central();
    let (summaries, run) = montecarlo::run(model, config, progress);
    for (i, (info, s)) in model.outputs().iter().zip(&summaries).enumerate() {
        s.check_finite(&info.id, config.samples)?;
        if !central[i].is_finite() {
            return Err(NonFiniteOutput {
                output: info.id.clone(),
                count: 0,
                samples: config.samples,
                central: true,
            });
        }
    }
    let figure = |i: usize, info: &OutputInfo, s: &Summary| Figure {
        id: info.id.clone(),
        label: info.label.clone(),
        unit: info.unit.clone(),
        central: central[i],
        mean: s.mean,
        sd: s.sd,
        p5: s.p5,
        p50: s.p50,
        p95: s.p95,
        percentiles: s.percentiles.clone(),
        includes: info.includes.clone(),
        excludes: info.excludes.clone(),
        components: Vec::new(),
        multiples: Vec::new(),
        basis: info.basis,
    };
    let (mut layers, mut totals, mut metrics) = (Vec::<Figure>::new(), Vec::new(), Vec::new());
    for (i, (info, s)) in model.outputs().iter().zip(&summaries).enumerate() {
        let f = figure(i, info, s);
        match &info.kind {
            OutputKind::Layer => layers.push(f),
            OutputKind::Component(of) => {
                if let Some(l) = layers
                    .iter_mut()
                    .chain(totals.iter_mut())
                    .find(|l| &l.id == of)
                {
                    l.components.push(f);
                }
            }
            OutputKind::Total => totals.push(f),
            OutputKind::Metric => metrics.push(f),
            OutputKind::Multiple(of) => {
                let basis = info.basis.expect("a multiple has a basis");
                let m = Multiple {
                    basis,
                    of: basis.layer_id().to_owned(),
                    central: f.central,
                    mean: f.mean,
                    p5: f.p5,
                    p50: f.p50,
                    p95: f.p95,
                };
                if let Some(target) = layers
                    .iter_mut()
                    .chain(totals.iter_mut())
                    .find(|t| &t.id == of)
                {
                    target.multiples.push(m);
                }
            }
        }
    }
    let inputs = model
        .model_inputs()
        .iter()
        .map(|i| InputReport {
            name: i.name.clone(),
            description: i.quantity.distribution.describe(),
            median: i.quantity.distribution.median(),
            distribution: i.quantity.distribution.clone(),
            unit: i.unit.to_owned(),
            claim: i.quantity.provenance.figure_of().first().cloned(),
            claims: i.quantity.provenance.claims.clone(),
            informed_by: i.quantity.provenance.informed_by().to_vec(),
            assumption: i.quantity.provenance.assumption.clone(),
            note: i.quantity.note.clone(),
        })
        .collect();
    let not_modelled = LayerId::ALL
        .into_iter()
        .filter(|id| !layers.iter().any(|l| l.id == id.as_str()))
        .map(|id| NotModelled {
            id: id.as_str().to_owned(),
            needs: id.needs().to_owned(),
        })
        .collect();
    let estimate = Estimate {
        scenario: model.name().to_owned(),
        dollar_year: model.dollars(),
        price_index: model.index().name().to_owned(),
        samples: config.samples,
        seed: config.seed,
        basis: model.primary_basis(),
        layers,
        totals,
        metrics,
        inputs,
        not_modelled,
    };
    Ok((estimate, run))
}
