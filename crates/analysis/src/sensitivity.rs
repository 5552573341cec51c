//! The runs behind a tornado chart, as reported by `traincost sensitivity`.
//!
//! For each uncertain input, an output's Monte Carlo median with that input fixed at its 5th
//! and then its 95th percentile, every other input uncertain, the same random numbers in every
//! run: the engine is `traincost_core::sensitivity`. This module chooses the outputs, runs it
//! and names each input with its source (the claims it cites, or its assumption). Method and
//! JSON: docs/SENSITIVITY.md.
//!
//! # Example
//!
//! ```
//! use traincost_analysis::CompiledScenario;
//! use traincost_analysis::sensitivity::{self, Outputs, SensitivityOptions};
//! use traincost_claims::ClaimSet;
//! use traincost_core::{RunConfig, Scenario};
//!
//! let compiled = CompiledScenario::new(Scenario::builtin("deepseek-v3").unwrap(), None)?;
//! let outputs = Outputs::Id("final-run-ownership").resolve(&compiled)?;
//! let config = RunConfig { samples: 4_000, ..RunConfig::default() };
//! let result = sensitivity::run(&compiled, ClaimSet::builtin(), &SensitivityOptions { outputs: &outputs, config: &config })?;
//! let tornado = &result.tornadoes[0];
//! assert_eq!(tornado.output, "final-run-ownership");
//! // The widest bar first, each input with its source: a claim's, or the assumption's reason.
//! let top = &tornado.bars[0];
//! assert!(!top.sources.is_empty() || top.bar.assumption.is_some());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use serde::Serialize;
use traincost_claims::ClaimSet;
use traincost_core::montecarlo::RunConfig;
use traincost_core::sensitivity::{self, Bar, SensitivityError, Tornado};
use traincost_core::stack::{CostModel, OutputKind};
use traincost_core::units::DollarDate;

use crate::CompiledScenario;
use crate::estimate::ClaimSource;

/// Default Monte Carlo samples per run: every run uses the same random numbers, so swings are
/// stable with fewer samples than an estimate needs (each uncertain input costs two runs).
pub const SAMPLES_PER_RUN: u64 = 20_000;

/// Schema version of the JSON document.
const SCHEMA_VERSION: u32 = 1;

/// The layers analysed by default, in order of preference: the first one the scenario has.
/// Development compute is the largest compute layer a headline leaves out and depends on both
/// the development assumptions and the ownership inputs; a scenario without it falls back to
/// the final run at its owner's cost.
const DEFAULT_LAYERS: [&str; 2] = ["development-compute", "final-run-ownership"];

/// Which outputs to analyse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outputs<'a> {
    /// Development compute on the scenario's basis, else `final-run-ownership`, else the
    /// first layer.
    Default,
    /// Every layer and total.
    All,
    /// One layer, total, component or metric by id; a compute layer or total named without
    /// its basis (`development-compute`) is the one on the scenario's basis.
    Id(&'a str),
}

/// An output id the scenario does not have.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "scenario `{scenario}` has no layer or output `{}`",
    traincost_claims::excerpt(id)
)]
pub struct UnknownOutput {
    /// The scenario's name.
    pub scenario: String,
    /// The id asked for.
    pub id: String,
    /// The closest id, if one is close enough to be a likely typo.
    pub closest: Option<String>,
    /// What exists, by kind: `layers: ...; totals: ...`.
    pub available: String,
}

impl Outputs<'_> {
    /// The output ids of `compiled` this choice names.
    pub fn resolve(self, compiled: &CompiledScenario) -> Result<Vec<String>, UnknownOutput> {
        let model = &compiled.model;
        let ids = OutputIds::of(model);
        let basis = model.primary_basis();
        match self {
            Outputs::All => Ok(ids.layers.iter().chain(&ids.totals).cloned().collect()),
            Outputs::Id(id) if ids.all().any(|x| x == id) => Ok(vec![id.to_owned()]),
            // A compute layer or total named without its basis: the report's basis.
            Outputs::Id(id) if ids.all().any(|x| x == format!("{id}-{basis}")) => {
                Ok(vec![format!("{id}-{basis}")])
            }
            Outputs::Id(id) => Err(UnknownOutput {
                scenario: compiled.name().to_owned(),
                id: id.to_owned(),
                closest: ids.closest(id).map(str::to_owned),
                available: ids.describe(),
            }),
            Outputs::Default => Ok(DEFAULT_LAYERS
                .iter()
                .map(|d| {
                    if *d == "development-compute" {
                        format!("{d}-{basis}")
                    } else {
                        (*d).to_owned()
                    }
                })
                .find(|d| ids.layers.iter().any(|l| l == d))
                .or_else(|| ids.layers.first().cloned())
                .into_iter()
                .collect()),
        }
    }
}

/// What to run.
#[derive(Debug, Clone, Copy)]
pub struct SensitivityOptions<'a> {
    /// Output ids to analyse (see [`Outputs::resolve`]).
    pub outputs: &'a [String],
    /// Samples and seed of every run.
    pub config: &'a RunConfig,
}

/// One bar as reported: the core bar and the sources of the claims it cites.
#[derive(Debug, Clone, Serialize)]
pub struct BarView {
    /// The input, its percentiles and the output's medians at each (flattened).
    #[serde(flatten)]
    pub bar: Bar,
    /// Swing as a fraction of the median (0 if the median is 0).
    pub swing_share: f64,
    /// Sources of the cited claims.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<ClaimSource>,
}

/// One output's tornado as reported.
#[derive(Debug, Clone, Serialize)]
pub struct TornadoView {
    /// Output id.
    pub output: String,
    /// Output label.
    pub label: String,
    /// Output unit.
    pub unit: String,
    /// Median with every input uncertain.
    pub median: f64,
    /// Bars, largest swing first.
    pub bars: Vec<BarView>,
    /// Uncertain inputs that do not move this output.
    pub no_effect: Vec<String>,
    /// The core tornado, for charts (not serialized).
    #[serde(skip)]
    pub tornado: Tornado,
}

/// What `traincost sensitivity` reports.
#[derive(Debug, Clone, Serialize)]
pub struct Sensitivity {
    /// Schema version of this JSON document.
    pub schema_version: u32,
    /// Scenario name.
    pub scenario: String,
    /// Model title.
    pub title: String,
    /// Dollars of every money figure.
    pub dollar_year: DollarDate,
    /// Price index for conversions.
    pub price_index: String,
    /// Monte Carlo samples per run.
    pub samples: u64,
    /// Seed of every run.
    pub seed: u64,
    /// One tornado per output asked for, in that order.
    pub tornadoes: Vec<TornadoView>,
}

/// The tornadoes of `options.outputs` of `compiled`, from one set of runs, each input named
/// with the sources of its claims (found in `claims`).
pub fn run(
    compiled: &CompiledScenario,
    claims: &ClaimSet,
    options: &SensitivityOptions<'_>,
) -> Result<Sensitivity, SensitivityError> {
    let ids: Vec<&str> = options.outputs.iter().map(String::as_str).collect();
    let config = options.config;
    let tornadoes = sensitivity::tornadoes(&compiled.model, &ids, config)?
        .into_iter()
        .map(|t| tornado_view(t, &compiled.model, claims))
        .collect();
    Ok(Sensitivity {
        schema_version: SCHEMA_VERSION,
        scenario: compiled.name().to_owned(),
        title: compiled.title().to_owned(),
        dollar_year: compiled.dollars(),
        price_index: compiled.price_index().name().to_owned(),
        samples: config.samples,
        seed: config.seed,
        tornadoes,
    })
}

fn tornado_view(t: Tornado, model: &CostModel, claims: &ClaimSet) -> TornadoView {
    let no_effect = model
        .model_inputs()
        .iter()
        .filter(|i| !i.quantity.distribution.is_point())
        .filter(|i| !t.bars.iter().any(|b| b.input == i.name))
        .map(|i| i.name.clone())
        .collect();
    let bars = t
        .bars
        .iter()
        .map(|b| BarView {
            bar: b.clone(),
            swing_share: if t.median != 0.0 {
                b.swing / t.median.abs()
            } else {
                0.0
            },
            sources: b
                .claims
                .iter()
                .filter_map(|id| ClaimSource::of(claims, id))
                .collect(),
        })
        .collect();
    TornadoView {
        output: t.output.clone(),
        label: t.label.clone(),
        unit: t.unit.clone(),
        median: t.median,
        bars,
        no_effect,
        tornado: t,
    }
}

/// A model's output ids by kind: layers, totals, components and metrics.
#[derive(Debug, Default)]
struct OutputIds {
    layers: Vec<String>,
    totals: Vec<String>,
    components: Vec<String>,
    metrics: Vec<String>,
}

impl OutputIds {
    /// The ids of `model`'s outputs (multiples are reported with the figure they divide).
    fn of(model: &CostModel) -> OutputIds {
        let mut ids = OutputIds::default();
        for o in model.outputs() {
            let list = match o.kind {
                OutputKind::Layer => &mut ids.layers,
                OutputKind::Total => &mut ids.totals,
                OutputKind::Component(_) => &mut ids.components,
                OutputKind::Metric | OutputKind::Energy(_) | OutputKind::Emissions(..) => {
                    &mut ids.metrics
                }
                OutputKind::Multiple(_) => continue,
            };
            list.push(o.id.clone());
        }
        ids
    }

    /// Every id.
    fn all(&self) -> impl Iterator<Item = &str> {
        self.layers
            .iter()
            .chain(&self.totals)
            .chain(&self.components)
            .chain(&self.metrics)
            .map(String::as_str)
    }

    /// The closest id to `wanted`, if one is close enough to be a likely typo.
    fn closest(&self, wanted: &str) -> Option<&str> {
        traincost_claims::closest(wanted, self.all(), 0.75, 1)
            .first()
            .copied()
    }

    /// A hint listing what exists, for an unknown id.
    fn describe(&self) -> String {
        let mut parts = vec![format!("layers: {}", self.layers.join(", "))];
        if !self.totals.is_empty() {
            parts.push(format!("totals: {}", self.totals.join(", ")));
        }
        if !self.components.is_empty() {
            parts.push(format!("components: {}", self.components.join(", ")));
        }
        if !self.metrics.is_empty() {
            parts.push(format!("metrics: {}", self.metrics.join(", ")));
        }
        parts.join("; ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use traincost_core::scenario::Scenario;

    fn compiled(name: &str) -> CompiledScenario {
        let scenario = Scenario::builtin(name).unwrap();
        let dollars = scenario.default_report_dollars().unwrap();
        let (spec, cited) = scenario.to_spec(Some(dollars)).unwrap();
        CompiledScenario {
            model: CostModel::new(&spec).unwrap(),
            scenario,
            cited,
        }
    }

    #[test]
    fn outputs_default_to_development_compute_and_take_ids_without_their_basis() {
        let c = compiled("deepseek-v3");
        let basis = c.model.primary_basis();
        let dev = format!("development-compute-{basis}");
        assert_eq!(Outputs::Default.resolve(&c).unwrap(), [dev.as_str()]);
        assert_eq!(
            Outputs::Id("development-compute").resolve(&c).unwrap(),
            [dev.as_str()]
        );
        assert_eq!(Outputs::Id("staff").resolve(&c).unwrap(), ["staff"]);
        let all = Outputs::All.resolve(&c).unwrap();
        assert!(
            all.iter().any(|id| id == "fleet") && all.len() > 4,
            "{all:?}"
        );
        let e = Outputs::Id("staf").resolve(&c).unwrap_err();
        assert_eq!(e.closest.as_deref(), Some("staff"));
        assert!(e.available.starts_with("layers: "), "{}", e.available);
        assert_eq!(
            e.to_string(),
            "scenario `deepseek-v3` has no layer or output `staf`"
        );
    }

    #[test]
    fn bars_carry_their_share_of_the_median_and_their_sources() {
        let c = compiled("deepseek-v3");
        let config = RunConfig {
            samples: 2_000,
            ..RunConfig::default()
        };
        let outputs = ["staff".to_owned()];
        let options = SensitivityOptions {
            outputs: &outputs,
            config: &config,
        };
        let s = run(&c, ClaimSet::builtin(), &options).unwrap();
        let t = &s.tornadoes[0];
        assert_eq!((t.output.as_str(), s.samples), ("staff", 2_000));
        assert!(!t.bars.is_empty());
        for b in &t.bars {
            assert_eq!(b.swing_share, b.bar.swing / t.median.abs());
            assert_eq!(b.sources.len(), b.bar.claims.len(), "{}", b.bar.input);
        }
        // Inputs that cannot move staff (the fleet's) are listed as having no effect.
        assert!(t.no_effect.iter().any(|n| n.starts_with("fleet.")));
    }
}
