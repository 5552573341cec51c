//! A scenario compiled into a cost model: what every analysis starts from.

use traincost_core::estimate::{self, Estimate};
use traincost_core::money::IndexId;
use traincost_core::montecarlo::{NonFiniteOutput, RunConfig};
use traincost_core::scenario::{ClaimRef, Scenario};
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
    /// The dollars every money figure is in.
    pub dollars: DollarDate,
    /// The compiled model.
    pub model: CostModel,
}

impl CompiledScenario {
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

    /// Runs the Monte Carlo estimate (`traincost_core::estimate::estimate`), calling
    /// `progress` with the samples done. An output that is not a finite number is an error.
    pub fn estimate(
        &self,
        config: &RunConfig,
        progress: &mut dyn FnMut(u64),
    ) -> Result<Estimate, NonFiniteOutput> {
        estimate::estimate(
            self.name(),
            &self.model,
            self.dollars,
            self.price_index().name(),
            config,
            progress,
        )
    }
}
