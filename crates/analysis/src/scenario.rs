//! A scenario compiled into a cost model: what every analysis starts from.
//!
//! # Example
//!
//! ```
//! use traincost_analysis::CompiledScenario;
//! use traincost_core::{DollarDate, RunConfig, Scenario};
//!
//! // In 2024 dollars, those of DeepSeek's $5.576M.
//! let compiled = CompiledScenario::new(Scenario::builtin("deepseek-v3").unwrap(), Some(DollarDate::year(2024)))?;
//! assert_eq!(compiled.dollars(), DollarDate::year(2024));
//! let (estimate, _stats) = compiled.estimate(&RunConfig { samples: 2_000, ..RunConfig::default() }, &mut |_| {})?;
//! assert_eq!(estimate.scenario, "deepseek-v3");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use traincost_core::estimate::{Estimate, EstimateError};
use traincost_core::money::IndexId;
use traincost_core::montecarlo::{RunConfig, RunStats};
use traincost_core::scenario::{ClaimRef, Scenario, ScenarioError};
use traincost_core::stack::CostModel;
use traincost_core::units::DollarDate;

/// A scenario compiled into a model, in known dollars.
///
/// Whoever builds it (the CLI, from a file and its plugins) has resolved and checked every
/// cited claim; the analyses here only read it.
#[derive(Debug, Clone)]
pub struct CompiledScenario {
    /// The scenario as parsed, with the price index the run asked for.
    pub scenario: Scenario,
    /// Every claim the scenario cites, with where.
    pub cited: Vec<ClaimRef>,
    /// The compiled model (it knows its dollars: [`CompiledScenario::dollars`]).
    pub model: CostModel,
}

impl CompiledScenario {
    /// Compiles `scenario` in `dollars` (`None`: its own `report_dollars`, else the latest
    /// full year of its price index). For a scenario that takes values from plugins, compile
    /// it with [`Scenario::to_spec_with`] and build the struct yourself.
    pub fn new(
        scenario: Scenario,
        dollars: Option<DollarDate>,
    ) -> Result<CompiledScenario, ScenarioError> {
        let dollars = match dollars {
            Some(d) => d,
            None => scenario.default_report_dollars()?,
        };
        let (spec, cited) = scenario.to_spec(Some(dollars))?;
        let model = CostModel::new(&spec).expect("to_spec checks that the model compiles");
        Ok(CompiledScenario {
            scenario,
            cited,
            model,
        })
    }

    /// The dollars every money figure is in.
    pub fn dollars(&self) -> DollarDate {
        self.model.dollars()
    }

    /// Scenario name.
    pub fn name(&self) -> &str {
        &self.scenario.file.name
    }

    /// Title for people (the name if the scenario has none).
    pub fn title(&self) -> &str {
        self.scenario
            .file
            .title
            .as_deref()
            .unwrap_or(&self.scenario.file.name)
    }

    /// The price index dollars are converted with.
    pub fn price_index(&self) -> IndexId {
        self.scenario.index()
    }

    /// Runs the Monte Carlo estimate ([`CostModel::estimate_with_progress`]), calling
    /// `progress` with the samples done; returns how the run went beside it. Every figure is
    /// finite, or it is an error naming the output and its inputs.
    pub fn estimate(
        &self,
        config: &RunConfig,
        progress: &mut dyn FnMut(u64),
    ) -> Result<(Estimate, RunStats), EstimateError> {
        self.model.estimate_with_progress(config, progress)
    }
}
