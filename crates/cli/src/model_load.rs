//! Building a compiled cost model from a scenario: one path for `estimate` (and so reconcile,
//! report and compare) and for commands that work on the model itself (`sensitivity`). The
//! result is a `traincost_analysis::CompiledScenario` and where it came from, for errors.

use traincost_analysis::{CompiledScenario, EstimateReport};
use traincost_claims::ClaimSet;
use traincost_core::money::IndexId;
use traincost_core::montecarlo::RunConfig;
use traincost_core::scenario::Supplier;
use traincost_core::stack::CostModel;
use traincost_core::units::DollarDate;

use crate::diagnostic::Diagnostic;
use crate::run_options::Money;
use crate::scenario_load;

/// A scenario compiled into a model, in known dollars, and where it came from.
pub(crate) struct BuiltModel {
    /// The scenario, its cited claims (all resolved), its dollars and its model.
    pub(crate) compiled: CompiledScenario,
    /// Where errors about the scenario point: its file, or `<built-in NAME>`.
    pub(crate) origin: std::path::PathBuf,
    /// The spec the model was compiled from (typed inputs in model units).
    pub(crate) spec: traincost_core::stack::StackSpec,
}

/// Loads `scenario` (a built-in name or a file), builds its spec in `money`'s dollars and
/// index (default: the scenario's), resolves every cited claim in `claims` and compiles the
/// model.
pub(crate) fn build_model(
    scenario: &str,
    money: Money,
    claims: &ClaimSet,
    supplier: &dyn Supplier,
) -> anyhow::Result<BuiltModel> {
    build_loaded(scenario_load::load(scenario)?, money, claims, supplier)
}

/// [`build_model`] for a scenario already loaded (or built in memory).
pub(crate) fn build_loaded(
    mut loaded: scenario_load::Loaded,
    money: Money,
    claims: &ClaimSet,
    supplier: &dyn Supplier,
) -> anyhow::Result<BuiltModel> {
    if let Some(index) = money.index {
        loaded.scenario.file.index = Some(index);
    }
    if let Some(d) = money.dollars {
        check_dollars(loaded.scenario.index(), d)?;
    }
    let (spec, cited) = loaded.spec(money.dollars, claims, supplier)?;
    let model = CostModel::new(&spec).map_err(|e| anyhow::anyhow!("{e}"))?;
    tracing::info!(
        inputs = model.model_inputs().len(),
        outputs = model.outputs().len(),
        "model compiled"
    );
    Ok(BuiltModel {
        spec,
        origin: loaded.origin(),
        compiled: CompiledScenario {
            scenario: loaded.scenario,
            cited,
            model,
        },
    })
}

/// Builds the model of `scenario` (a built-in name or a file) and its estimate's report.
pub(crate) fn build_report(
    scenario: &str,
    money: Money,
    claims: &ClaimSet,
    supplier: &dyn Supplier,
    config: &RunConfig,
    progress: &mut dyn FnMut(u64),
) -> anyhow::Result<EstimateReport> {
    build_model(scenario, money, claims, supplier)?.estimate_report(claims, config, progress)
}

/// The report's dollars are a run option: if the index has no value for them, the error is
/// about `--dollar-year` (the series, its range, dates that work), not about the scenario.
pub(crate) fn check_dollars(index: IndexId, d: DollarDate) -> Result<(), Diagnostic> {
    index.index().value(d).map(|_| ()).map_err(|e| {
        let hint = if e.outside() {
            format!(
                "pass --dollar-year {} (the latest full year of {}), or a year or month from {} \
                 to {} (or leave --dollar-year out for the scenario's default)",
                e.instead_text(),
                e.index,
                e.first,
                e.last
            )
        } else {
            format!("pass --dollar-year {}", e.instead_text())
        };
        Diagnostic::new(format!("cannot report in {d} dollars: {e}"))
            .field("--dollar-year")
            .hint(hint)
    })
}

impl BuiltModel {
    /// Runs the estimate, calling `progress` with the samples done, and adds the headline
    /// check and the cited sources (`traincost_analysis::EstimateReport`). An output that is
    /// not a finite number is an error naming it.
    pub(crate) fn estimate_report(
        &self,
        claims: &ClaimSet,
        config: &RunConfig,
        progress: &mut dyn FnMut(u64),
    ) -> anyhow::Result<EstimateReport> {
        let (est, stats) = self
            .compiled
            .estimate(config, progress)
            .map_err(|e| self.estimate_error(e))?;
        tracing::debug!(
            threads = stats.threads,
            sketch_bytes = stats.sketch_bytes,
            "Monte Carlo run"
        );
        Ok(EstimateReport::new(&self.compiled, est, claims))
    }

    /// An output that is not a finite number, as a diagnostic about the scenario.
    pub(crate) fn non_finite(&self, e: &traincost_core::montecarlo::NonFiniteOutput) -> Diagnostic {
        self.non_finite_text(e.to_string())
    }

    /// A message about a non-finite figure, as a diagnostic about the scenario file.
    pub(crate) fn non_finite_text(&self, message: String) -> Diagnostic {
        Diagnostic::new(message).in_file(&self.origin).hint(
            "check those inputs' numbers and units (docs/SCENARIOS.md lists the physical \
             bounds of every field): look for a distribution spanning hundreds of orders of \
             magnitude or a price or count near 1e308, and narrow it; no estimate is given \
             with a figure that is not a number",
        )
    }

    /// An estimate that cannot be given, for people: a non-finite figure names the scenario
    /// file, the output and the inputs to check.
    pub(crate) fn estimate_error(
        &self,
        e: traincost_core::estimate::EstimateError,
    ) -> anyhow::Error {
        use traincost_core::estimate::EstimateError;
        match e {
            EstimateError::NonFinite { .. } | EstimateError::NonFiniteSamples { .. } => {
                anyhow::Error::new(self.non_finite_text(e.to_string()))
            }
            EstimateError::Run(_) => anyhow::Error::new(e),
        }
    }
}
