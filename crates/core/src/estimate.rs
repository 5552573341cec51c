//! An estimate: the cost stack's central values and Monte Carlo summaries, with every input and
//! its provenance. This is the stable, serializable result that reports are made from.
//!
//! # Example
//!
//! Every figure of a built-in scenario, with its basis and what it leaves out:
//!
//! ```
//! use traincost_core::{Basis, CostModel, LayerId, RunConfig, Scenario};
//!
//! let (spec, _claims) = Scenario::builtin("deepseek-v3").unwrap().to_spec(None)?;
//! let estimate = CostModel::new(&spec)?.estimate(&RunConfig { samples: 10_000, ..RunConfig::default() })?;
//! let run = estimate.layer(LayerId::FinalRun(Basis::Rental)).unwrap();
//! assert_eq!(run.id, "final-run-rental");
//! assert!(run.p5 <= run.p50 && run.p50 <= run.p95);
//! // Every figure says its basis: compute is costed on one, the staff on none.
//! assert_eq!(run.basis, Some(Basis::Rental));
//! assert_eq!(estimate.layer(LayerId::Staff).unwrap().basis, None);
//! println!("{}: {}; leaves out {}", run.label, run.includes, run.excludes);
//! // The same input again gives the same estimate, bit for bit, at any thread count.
//! let again = CostModel::new(&spec)?.estimate(&RunConfig { samples: 10_000, threads: std::num::NonZeroUsize::new(1), ..RunConfig::default() })?;
//! assert_eq!(estimate.layer(LayerId::Staff), again.layer(LayerId::Staff));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use serde::{Deserialize, Serialize};

use crate::dist::Distribution;
use crate::stack::{
    Accounting, Basis, CostModel, EnergyForm, LayerId, OutputInfo, OutputKind, TotalId,
};
use crate::units::DollarDate;
use traincost_engine::montecarlo::{self, NonFiniteOutput, RunConfig, RunStats, Summary};

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
    /// The energy form of an energy or emissions figure (`accelerator` or `facility`); absent
    /// for others.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub form: Option<EnergyForm>,
    /// The carbon accounting of an emissions figure (`location` or `market`); absent for others.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accounting: Option<Accounting>,
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
    /// Energy, in each form the scenario can give: the final run, development compute, their
    /// total (kWh) and the fleet's year (kWh/year). Empty when no energy can be known (no `gpu`
    /// and no `[energy]` or `[ownership]`).
    #[serde(default)]
    pub energy: Vec<Figure>,
    /// Emissions of each energy figure in each accounting the scenario gives (tCO2e, the
    /// fleet's tCO2e/year). Empty without a carbon intensity.
    #[serde(default)]
    pub emissions: Vec<Figure>,
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

    /// Every figure in report order, with its kind (`layer`, `component`, `total`, `metric`,
    /// `energy`, `emissions`): each layer followed by its components, each total by its
    /// components, then the metrics, the energy and the emissions figures.
    pub fn figures(&self) -> Vec<(&Figure, &'static str)> {
        let mut out = Vec::new();
        for (parents, kind) in [(&self.layers, "layer"), (&self.totals, "total")] {
            for p in parents {
                out.push((p, kind));
                out.extend(p.components.iter().map(|c| (c, "component")));
            }
        }
        out.extend(self.metrics.iter().map(|m| (m, "metric")));
        out.extend(self.energy.iter().map(|m| (m, "energy")));
        out.extend(self.emissions.iter().map(|m| (m, "emissions")));
        out
    }
}

/// Why an estimate cannot be given.
#[derive(Debug, thiserror::Error)]
pub enum EstimateError {
    /// The Monte Carlo run could not be done.
    #[error(transparent)]
    Run(#[from] montecarlo::RunError),
    /// An output is not a finite number in some samples (or at the inputs' medians): its
    /// inputs overflow it or divide it by zero, and no summary of it would mean anything.
    #[error("{source}{}", causes(inputs, suspects))]
    NonFiniteSamples {
        /// Which output, in how many samples.
        source: NonFiniteOutput,
        /// The inputs the output depends on (dotted names).
        inputs: Vec<String>,
        /// Those of them that make it non-finite on their own, where that can be told.
        suspects: Vec<String>,
    },
    /// A summary figure is not a finite number (a mean or standard deviation that overflows,
    /// a multiple): an estimate never succeeds with one.
    #[error(
        "the {figure} of `{output}` is {value}, not a finite number: its inputs overflow it or divide it by zero{}",
        causes(inputs, suspects)
    )]
    NonFinite {
        /// The output (`final-run-rental`, or `final-run-rental/pre-training`).
        output: String,
        /// Which of its figures (`central value`, `median`, `95th percentile`, ...).
        figure: String,
        /// The value (infinite or NaN).
        value: f64,
        /// The inputs the output depends on (dotted names).
        inputs: Vec<String>,
        /// Those of them that make it non-finite on their own, where that can be told.
        suspects: Vec<String>,
    },
}

/// `; inputs feeding it: a, b; the cause: a`, for a non-finite output's error.
fn causes(inputs: &[String], suspects: &[String]) -> String {
    let mut out = String::new();
    if !inputs.is_empty() {
        out.push_str(&format!("; inputs feeding it: {}", inputs.join(", ")));
    }
    if !suspects.is_empty() {
        out.push_str(&format!("; the cause: {}", suspects.join(", ")));
    }
    out
}

impl CostModel {
    /// Runs the Monte Carlo simulation and assembles the estimate: every layer, component,
    /// total and metric summarized over `config.samples` samples, with every input and its
    /// provenance. The same seed gives the same estimate at any thread count.
    ///
    /// Every figure is finite, or the estimate is an error naming the output and the inputs
    /// feeding it ([`EstimateError`]).
    pub fn estimate(&self, config: &RunConfig) -> Result<Estimate, EstimateError> {
        self.estimate_with_progress(config, &mut |_| {})
            .map(|(estimate, _)| estimate)
    }

    /// [`CostModel::estimate`], calling `progress` with the samples done so far, and returning
    /// how the run went (threads, memory) beside the estimate.
    pub fn estimate_with_progress(
        &self,
        config: &RunConfig,
        progress: &mut dyn FnMut(u64),
    ) -> Result<(Estimate, RunStats), EstimateError> {
        assemble(self, config, progress)
    }
}

fn assemble(
    model: &CostModel,
    config: &RunConfig,
    progress: &mut dyn FnMut(u64),
) -> Result<(Estimate, RunStats), EstimateError> {
    let central = model.central();
    let (summaries, run) = montecarlo::run(model, config, progress)?;
    for (i, (info, s)) in model.outputs().iter().zip(&summaries).enumerate() {
        // A multiple of a final run that is zero in some samples is NaN there: whether it is
        // defined at all is decided with the run's figures (`check_finite`), not here.
        if matches!(info.kind, OutputKind::Multiple(_)) {
            continue;
        }
        let nf = s.check_finite(&info.id, config.samples).err().or_else(|| {
            (!central[i].is_finite()).then(|| NonFiniteOutput {
                output: info.id.clone(),
                count: 0,
                samples: config.samples,
                central: true,
            })
        });
        if let Some(source) = nf {
            let (inputs, suspects) = culprits(model, i);
            return Err(EstimateError::NonFiniteSamples {
                source,
                inputs,
                suspects,
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
        form: match info.kind {
            OutputKind::Energy(form) | OutputKind::Emissions(form, _) => Some(form),
            _ => None,
        },
        accounting: match info.kind {
            OutputKind::Emissions(_, a) => Some(a),
            _ => None,
        },
    };
    let (mut layers, mut totals, mut metrics) = (Vec::<Figure>::new(), Vec::new(), Vec::new());
    let (mut energy, mut emissions) = (Vec::new(), Vec::new());
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
            OutputKind::Energy(_) => energy.push(f),
            OutputKind::Emissions(..) => emissions.push(f),
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
            description: crate::dist::describe(&i.quantity.distribution),
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
        energy,
        emissions,
        inputs,
        not_modelled,
    };
    check_finite(&estimate, model)?;
    Ok((estimate, run))
}

/// The first figure of `e` that is not a finite number, as an error naming the output and
/// the inputs feeding it. A multiple ("x final run") is checked only where its final run is
/// positive in at least 95% of samples: with no final run to divide by it is left undefined
/// (null) by design.
fn check_finite(e: &Estimate, model: &CostModel) -> Result<(), EstimateError> {
    // `id` is the model output whose inputs are named; `output` how the error names it.
    let error = |id: &str, output: String, figure: &str, value: f64| {
        let k = model.outputs().iter().position(|o| o.id == id);
        let (inputs, suspects) = k.map(|k| culprits(model, k)).unwrap_or_default();
        EstimateError::NonFinite {
            output,
            figure: figure.to_owned(),
            value,
            inputs,
            suspects,
        }
    };
    for (f, _) in e.figures() {
        let named = [
            ("central value", f.central),
            ("median", f.p50),
            ("5th percentile", f.p5),
            ("95th percentile", f.p95),
            ("mean", f.mean),
            ("standard deviation", f.sd),
        ];
        for (figure, v) in named {
            if !v.is_finite() {
                return Err(error(&f.id, f.id.clone(), figure, v));
            }
        }
        for &(p, v) in &f.percentiles {
            if !v.is_finite() {
                return Err(error(&f.id, f.id.clone(), &format!("{p}th percentile"), v));
            }
        }
        for m in &f.multiples {
            let defined = e.figure(&m.of).is_some_and(|r| r.p5 > 0.0);
            let values = [m.central, m.p5, m.p50, m.p95, m.mean];
            if defined && let Some(v) = values.into_iter().find(|v| !v.is_finite()) {
                let output = format!("{} (x {})", f.id, m.of);
                return Err(error(&f.id, output, "multiple", v));
            }
        }
    }
    Ok(())
}

/// The inputs output `k` depends on (moving one from 1 to 0.25 or 3, the others at 1, moves
/// the output), and those of them that make it non-finite: when it is non-finite at the
/// medians, the most extreme (zero, or largest in magnitude) of the inputs whose replacement
/// by 1 makes it finite; else the inputs that make it non-finite at the far ends of their
/// distributions (1e-9 from either end).
fn culprits(model: &CostModel, k: usize) -> (Vec<String>, Vec<String>) {
    let inputs = model.model_inputs();
    let ones = vec![1.0; inputs.len()];
    let at = |x: &[f64]| model.evaluate_at(x)[k];
    let y1 = at(&ones);
    let feeding: Vec<usize> = (0..inputs.len())
        .filter(|&j| {
            [0.25, 3.0].iter().any(|&v| {
                let mut x = ones.clone();
                x[j] = v;
                at(&x).to_bits() != y1.to_bits()
            })
        })
        .collect();
    let medians: Vec<f64> = inputs
        .iter()
        .map(|i| i.quantity.distribution.median())
        .collect();
    let central_finite = at(&medians).is_finite();
    let with = |j: usize, v: f64| {
        let mut x = medians.clone();
        x[j] = v;
        at(&x).is_finite()
    };
    let mut suspects: Vec<usize> = feeding
        .iter()
        .copied()
        .filter(|&j| {
            let d = &inputs[j].quantity.distribution;
            if central_finite {
                !with(j, d.quantile(1e-9)) || !with(j, d.quantile(1.0 - 1e-9))
            } else {
                with(j, 1.0)
            }
        })
        .collect();
    if !central_finite {
        // Any factor of an overflowing product fixes it when set to 1: the cause is the most
        // extreme of them (a zero divisor, or the largest magnitude).
        let extremity = |j: &usize| {
            let m = medians[*j].abs();
            if m == 0.0 {
                f64::INFINITY
            } else {
                m.ln().abs()
            }
        };
        let most = suspects.iter().map(extremity).fold(0.0, f64::max);
        suspects.retain(|j| extremity(j) == most);
    }
    let suspects = suspects
        .into_iter()
        .map(|j| inputs[j].name.clone())
        .collect();
    (
        feeding
            .into_iter()
            .map(|j| inputs[j].name.clone())
            .collect(),
        suspects,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dist::Distribution;
    use crate::provenance::Provenance;
    use crate::scenario::Scenario;
    use crate::stack::{Quantity, StackSpec};

    /// DeepSeek-V3's spec, to be broken past what a scenario file lets through.
    fn spec() -> StackSpec {
        Scenario::builtin("deepseek-v3")
            .unwrap()
            .to_spec(None)
            .unwrap()
            .0
    }

    fn run(spec: &StackSpec) -> Result<Estimate, EstimateError> {
        let model = CostModel::new(spec).unwrap();
        let config = RunConfig {
            samples: 2_000,
            ..Default::default()
        };
        model.estimate(&config)
    }

    fn point(v: f64) -> Quantity {
        Quantity::new(Distribution::Point(v), Provenance::assumption("test"))
    }

    #[test]
    fn every_figure_of_a_sane_scenario_is_finite() {
        run(&spec()).unwrap();
    }

    /// The output, whether it is the point estimate, the inputs feeding it and the suspects.
    fn parts(e: &EstimateError) -> (String, bool, Vec<String>, Vec<String>) {
        match e {
            EstimateError::NonFiniteSamples {
                source,
                inputs,
                suspects,
            } => (
                source.output.clone(),
                source.central,
                inputs.clone(),
                suspects.clone(),
            ),
            EstimateError::NonFinite {
                output,
                figure,
                inputs,
                suspects,
                ..
            } => (
                output.clone(),
                figure == "central value",
                inputs.clone(),
                suspects.clone(),
            ),
            EstimateError::Run(_) => panic!("{e}"),
        }
    }

    #[test]
    fn an_overflow_is_an_error_naming_the_output_and_its_inputs() {
        let mut s = spec();
        s.stages[0].rental_price = point(1e308);
        let e = run(&s).unwrap_err();
        let (output, _, inputs, suspects) = parts(&e);
        assert!(output.starts_with("final-run-rental"), "{e}");
        assert!(
            inputs.contains(&"stages.pre-training.rental_price".to_owned())
                && inputs.contains(&"stages.pre-training.gpu_hours".to_owned()),
            "{inputs:?}"
        );
        assert_eq!(suspects, ["stages.pre-training.rental_price"]);
        assert!(e.to_string().contains("not a finite number"), "{e}");
    }

    #[test]
    fn a_division_by_zero_is_an_error_naming_the_divisor() {
        let mut s = spec();
        s.fleet.as_mut().unwrap().lifetime_years = point(0.0);
        let e = run(&s).unwrap_err();
        let (output, _, _, suspects) = parts(&e);
        assert!(output.starts_with("fleet"), "{e}");
        assert_eq!(suspects, ["fleet.lifetime"], "{e}");
    }

    #[test]
    fn a_non_finite_tail_is_an_error_too() {
        // Finite at the medians, infinite in the top draws.
        let mut s = spec();
        s.stages[0].rental_price = Quantity::new(
            Distribution::samples(vec![1.0, 2.0, 1e308]),
            Provenance::assumption("test"),
        );
        let e = run(&s).unwrap_err();
        let (_, central, _, suspects) = parts(&e);
        assert!(!central, "{e}");
        assert_eq!(suspects, ["stages.pre-training.rental_price"], "{e}");
    }
}
