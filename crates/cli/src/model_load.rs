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
    let mut loaded = scenario_load::load(scenario)?;
    if let Some(index) = money.index {
        loaded.scenario.file.index = Some(index);
    }
    if let Some(d) = money.dollars {
        check_dollars(loaded.scenario.index(), d)?;
    }
    let (spec, cited) = loaded.spec(money.dollars, claims, supplier)?;
    let dollars = match money.dollars {
        Some(d) => d,
        None => loaded
            .scenario
            .default_report_dollars()
            .map_err(|e| loaded.diagnose(e))?,
    };
    let model = CostModel::new(&spec).map_err(|e| anyhow::anyhow!("{e}"))?;
    tracing::info!(
        inputs = model.model_inputs().len(),
        outputs = model.outputs().len(),
        "model compiled"
    );
    Ok(BuiltModel {
        origin: loaded.origin(),
        compiled: CompiledScenario {
            scenario: loaded.scenario,
            cited,
            dollars,
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
fn check_dollars(index: IndexId, d: DollarDate) -> Result<(), Diagnostic> {
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
        let est = self
            .compiled
            .estimate(config, progress)
            .map_err(|e| self.non_finite(&e))?;
        Ok(EstimateReport::new(&self.compiled, est, claims))
    }

    /// An output that is not a finite number, as a diagnostic about the scenario.
    pub(crate) fn non_finite(&self, e: &traincost_core::montecarlo::NonFiniteOutput) -> Diagnostic {
        Diagnostic::new(e.to_string()).in_file(&self.origin).hint(
            "an input's range overflows the model: look for a distribution spanning \
                 hundreds of orders of magnitude, a date centuries away (`[ownership] \
                 acquired`, `training_start`) or a price or count near 1e308, and narrow it",
        )
    }
}
