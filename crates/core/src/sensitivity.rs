//! Sensitivity analysis: which uncertain inputs drive an output.
//!
//! A tornado: for each uncertain input, the output's Monte Carlo median with that input fixed at
//! its 5th and then its 95th percentile, everything else left uncertain. Bars are sorted by
//! swing (|high - low|). Every run uses the same seed and, because each input has its own
//! random stream, the same draws for every other input (common random numbers), so the swings
//! reflect the input and not sampling noise.
//!
//! # Example
//!
//! ```
//! use traincost_core::sensitivity::tornado;
//! use traincost_core::{CostModel, RunConfig, Scenario};
//!
//! let (spec, _claims) = Scenario::builtin("deepseek-v3").unwrap().to_spec(None)?;
//! let model = CostModel::new(&spec)?;
//! let t = tornado(&model, "final-run-ownership", &RunConfig { samples: 4_000, ..RunConfig::default() })?;
//! // Bars are sorted by swing, largest first, each naming its input.
//! assert!(t.bars.windows(2).all(|w| w[0].swing >= w[1].swing));
//! assert!(t.bars[0].input.starts_with("ownership.") || t.bars[0].input.starts_with("stages."));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use serde::{Deserialize, Serialize};

use crate::dist::Distribution;
use crate::stack::CostModel;
use traincost_engine::montecarlo::{self, Columns, ColumnsMut, Model, RunConfig};

/// One bar of a tornado.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Bar {
    /// Dotted input name.
    pub input: String,
    /// Unit of the input.
    pub unit: String,
    /// The input's 5th percentile.
    pub input_p5: f64,
    /// The input's 95th percentile.
    pub input_p95: f64,
    /// Output median with the input at its 5th percentile.
    pub output_at_p5: f64,
    /// Output median with the input at its 95th percentile.
    pub output_at_p95: f64,
    /// |output_at_p95 - output_at_p5|.
    pub swing: f64,
    /// Claim ids the input cites.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub claims: Vec<String>,
    /// The assumption behind the input, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assumption: Option<String>,
}

/// A tornado analysis of one output.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tornado {
    /// Output id (`final-run-ownership`).
    pub output: String,
    /// Output label.
    pub label: String,
    /// Output unit.
    pub unit: String,
    /// The output's median with every input uncertain.
    pub median: f64,
    /// Samples per run.
    pub samples: u64,
    /// Bars, largest swing first; inputs with no effect are left out.
    pub bars: Vec<Bar>,
}

/// Why a sensitivity analysis cannot run.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SensitivityError {
    /// No output has this id.
    #[error("no layer or output `{id}`; available: {available}")]
    UnknownOutput {
        /// The id asked for.
        id: String,
        /// Ids that exist.
        available: String,
    },
    /// An output asked for is not a finite number in some sample of a run.
    #[error(transparent)]
    NonFiniteSamples(#[from] crate::montecarlo::NonFiniteOutput),
    /// A run could not be done (a worker thread did not start).
    #[error("{0}")]
    Run(String),
    /// An output's median is not a finite number in one of the runs.
    #[error(
        "output `{output}` has a non-finite median ({value}){}: an input overflows it or divides it by zero",
        .input.as_ref().map(|i| format!(" with `{i}` fixed at a percentile")).unwrap_or_default()
    )]
    NonFinite {
        /// The output.
        output: String,
        /// Its median.
        value: f64,
        /// The input fixed in that run, if any.
        input: Option<String>,
    },
}

/// One uncertain input's two runs: its 5th and 95th percentiles and every output's median at each.
struct InputRuns {
    input: usize,
    p5: f64,
    p95: f64,
    at_p5: Vec<f64>,
    at_p95: Vec<f64>,
}

/// The model with one input fixed at a value.
struct Fixed<'a> {
    model: &'a CostModel,
    input: usize,
    value: f64,
}

impl Model for Fixed<'_> {
    fn inputs(&self) -> Vec<(Distribution, bool)> {
        let mut inputs = self.model.inputs();
        inputs[self.input].0 = Distribution::Point(self.value);
        inputs
    }
    fn copies(&self) -> Vec<usize> {
        self.model.copies()
    }
    fn drawn_once(&self) -> Vec<bool> {
        self.model.drawn_once()
    }
    // The same streams as the model's: every other input draws exactly what it drew in the
    // baseline run (common random numbers), so a bar is the input's effect, not noise.
    fn stream_keys(&self) -> Vec<u64> {
        self.model.stream_keys()
    }
    fn output_count(&self) -> usize {
        self.model.output_count()
    }
    fn evaluate(&self, x: &Columns<'_>, y: &mut ColumnsMut<'_>) {
        self.model.evaluate(x, y);
    }
}

/// Tornado of output `output_id` (a layer, component, total or metric id).
pub fn tornado(
    model: &CostModel,
    output_id: &str,
    config: &RunConfig,
) -> Result<Tornado, SensitivityError> {
    Ok(tornadoes(model, &[output_id], config)?.remove(0))
}

/// Tornadoes of several outputs from one set of runs: one baseline and two runs per uncertain
/// input, whatever the number of outputs (every run summarizes every output).
pub fn tornadoes(
    model: &CostModel,
    output_ids: &[&str],
    config: &RunConfig,
) -> Result<Vec<Tornado>, SensitivityError> {
    let outputs = model.outputs();
    let ks = output_ids
        .iter()
        .map(|id| {
            outputs.iter().position(|o| o.id == *id).ok_or_else(|| {
                SensitivityError::UnknownOutput {
                    id: (*id).to_owned(),
                    available: outputs
                        .iter()
                        .map(|o| o.id.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                }
            })
        })
        .collect::<Result<Vec<usize>, _>>()?;
    let config = RunConfig {
        percentiles: Vec::new(),
        ..config.clone()
    };
    // Medians of every output; an output asked for that is not finite in some sample, or
    // whose median is not, is an error, never a bar.
    let medians_of = |m: &dyn Model| -> Result<Vec<f64>, SensitivityError> {
        let (summaries, _) = montecarlo::run(m, &config, &mut |_| {})
            .map_err(|e| SensitivityError::Run(e.to_string()))?;
        for &k in &ks {
            summaries[k].check_finite(&outputs[k].id, config.samples)?;
        }
        Ok(summaries.iter().map(|s| s.p50).collect())
    };
    let finite = |medians: &[f64], input: Option<usize>| -> Result<(), SensitivityError> {
        match ks.iter().find(|&&k| !medians[k].is_finite()) {
            None => Ok(()),
            Some(&k) => Err(SensitivityError::NonFinite {
                output: outputs[k].id.clone(),
                value: medians[k],
                input: input.map(|i| model.model_inputs()[i].name.clone()),
            }),
        }
    };
    let baseline = medians_of(model)?;
    finite(&baseline, None)?;
    let runs: Vec<InputRuns> = model
        .model_inputs()
        .iter()
        .enumerate()
        .filter(|(_, input)| !input.quantity.distribution.is_point())
        .map(|(i, input)| {
            let d = &input.quantity.distribution;
            let (lo, hi) = (d.quantile(0.05), d.quantile(0.95));
            let at = |value| -> Result<Vec<f64>, SensitivityError> {
                let m = medians_of(&Fixed {
                    model,
                    input: i,
                    value,
                })?;
                finite(&m, Some(i))?;
                Ok(m)
            };
            Ok(InputRuns {
                input: i,
                p5: lo,
                p95: hi,
                at_p5: at(lo)?,
                at_p95: at(hi)?,
            })
        })
        .collect::<Result<_, SensitivityError>>()?;
    Ok(ks
        .iter()
        .map(|&k| {
            let mut bars: Vec<Bar> = runs
                .iter()
                .filter(|r| r.at_p95[k] != r.at_p5[k])
                .map(|r| {
                    let input = &model.model_inputs()[r.input];
                    Bar {
                        input: input.name.clone(),
                        unit: input.unit.to_owned(),
                        input_p5: r.p5,
                        input_p95: r.p95,
                        output_at_p5: r.at_p5[k],
                        output_at_p95: r.at_p95[k],
                        swing: (r.at_p95[k] - r.at_p5[k]).abs(),
                        claims: input.quantity.provenance.claims.clone(),
                        assumption: input.quantity.provenance.assumption.clone(),
                    }
                })
                .collect();
            bars.sort_by(|a, b| {
                b.swing
                    .total_cmp(&a.swing)
                    .then_with(|| a.input.cmp(&b.input))
            });
            Tornado {
                output: outputs[k].id.clone(),
                label: outputs[k].label.clone(),
                unit: outputs[k].unit.clone(),
                median: baseline[k],
                samples: config.samples,
                bars,
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Scenario;

    /// DeepSeek-V3 in 2024 dollars, the dollars of its inputs and of its $5.576M headline.
    fn deepseek() -> CostModel {
        let (spec, _) = Scenario::builtin("deepseek-v3")
            .unwrap()
            .to_spec(Some(crate::units::DollarDate::year(2024)))
            .unwrap();
        CostModel::new(&spec).unwrap()
    }

    #[test]
    fn development_compute_is_driven_by_its_multiplier_and_the_ownership_inputs() {
        let m = deepseek();
        let cfg = RunConfig {
            samples: 20_000,
            seed: 1,
            threads: None,
            percentiles: vec![],
        };
        let t = tornado(&m, "development-compute-ownership", &cfg).unwrap();
        // Every bar brackets the median and the bars are sorted by swing.
        assert!(!t.bars.is_empty());
        for w in t.bars.windows(2) {
            assert!(w[0].swing >= w[1].swing);
        }
        let names: Vec<&str> = t.bars.iter().map(|b| b.input.as_str()).collect();
        assert!(names[..3].contains(&"development.multiplier"), "{names:?}");
        assert!(
            names[..3].contains(&"ownership.purchase_price"),
            "{names:?}"
        );
        // Staff and fleet inputs cannot move development compute.
        assert!(
            !names
                .iter()
                .any(|n| n.starts_with("staff.") || n.starts_with("fleet.")),
            "{names:?}"
        );
        let price = t
            .bars
            .iter()
            .find(|b| b.input == "ownership.purchase_price")
            .unwrap();
        // Development compute is linear in the purchase price (hardware dominates): the
        // medians scale with it.
        assert!(price.output_at_p5 < t.median && t.median < price.output_at_p95);
    }

    #[test]
    fn many_tornadoes_from_one_set_of_runs_equal_single_ones() {
        let m = deepseek();
        let cfg = RunConfig {
            samples: 4_000,
            seed: 3,
            threads: None,
            percentiles: vec![],
        };
        let all = tornadoes(&m, &["staff", "development-compute-ownership"], &cfg).unwrap();
        assert_eq!(all[0], tornado(&m, "staff", &cfg).unwrap());
        assert_eq!(
            all[1],
            tornado(&m, "development-compute-ownership", &cfg).unwrap()
        );
        assert!(all[0].bars.iter().all(|b| b.input.starts_with("staff.")));
    }

    #[test]
    fn point_only_outputs_have_no_bars_and_unknown_ids_are_errors() {
        let m = deepseek();
        let cfg = RunConfig {
            samples: 2_000,
            seed: 1,
            threads: None,
            percentiles: vec![],
        };
        let t = tornado(&m, "final-run-rental", &cfg).unwrap();
        assert!(t.bars.is_empty());
        assert_eq!(t.median, 5_576_000.0);
        let e = tornado(&m, "final-run", &cfg).unwrap_err();
        assert!(e.to_string().contains("final-run-rental"));
    }
}
