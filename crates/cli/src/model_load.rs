//! Building a compiled cost model from a scenario: one path for `estimate` (and so reconcile,
//! report and compare) and for commands that work on the model itself (`sensitivity`).

use serde::Serialize;
use traincost_claims::ClaimSet;
use traincost_core::money::IndexId;
use traincost_core::scenario::{ClaimRef, Scenario, Supplier};
use traincost_core::stack::{CostModel, OutputKind};
use traincost_core::units::DollarDate;

use crate::diagnostic::Diagnostic;
use crate::run_options::Money;
use crate::scenario_load;

/// A scenario compiled into a model, in known dollars.
pub(crate) struct BuiltModel {
    /// The scenario as parsed.
    pub(crate) scenario: Scenario,
    /// Every claim the scenario cites (all resolved), with where.
    pub(crate) cited: Vec<ClaimRef>,
    /// The dollars every money figure is in.
    pub(crate) dollars: DollarDate,
    /// The price index used for conversions.
    pub(crate) price_index: &'static str,
    /// The compiled model.
    pub(crate) model: CostModel,
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
        price_index: loaded.scenario.index().name(),
        scenario: loaded.scenario,
        cited,
        dollars,
        model,
    })
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
    /// Scenario name.
    pub(crate) fn name(&self) -> &str {
        &self.scenario.file.name
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

    /// Title for people (the name if the scenario has none).
    pub(crate) fn title(&self) -> &str {
        self.scenario
            .file
            .title
            .as_deref()
            .unwrap_or(&self.scenario.file.name)
    }
}

/// A cited claim's source, for people.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct ClaimSource {
    /// Claim id.
    pub(crate) claim: String,
    /// Who said it.
    pub(crate) claimant: String,
    /// Title of the source.
    pub(crate) title: String,
    /// Publication date.
    pub(crate) published: String,
    /// When the claimant said it, if that differs from the publication date.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) said_on: Option<String>,
    /// URL.
    pub(crate) url: String,
}

impl ClaimSource {
    /// The date for people: `2025-09-18`, or `2025-09-18 (said 2023-04)`.
    pub(crate) fn date_label(&self) -> String {
        match &self.said_on {
            Some(d) => format!("{} (said {d})", self.published),
            None => self.published.clone(),
        }
    }
}

/// The source of claim `id`, if the claim set has it.
pub(crate) fn claim_source(claims: &ClaimSet, id: &str) -> Option<ClaimSource> {
    let c = claims.get(id)?;
    Some(ClaimSource {
        claim: c.id.clone(),
        claimant: c.claimant.clone(),
        title: c.source_title().to_owned(),
        published: c.published().to_string(),
        said_on: c
            .said_on()
            .filter(|d| *d != c.published())
            .map(|d| d.to_string()),
        url: c.source_url().to_owned(),
    })
}

/// The ids of a model's outputs by kind: layers, totals, components and metrics.
pub(crate) fn output_ids(model: &CostModel) -> OutputIds {
    let mut ids = OutputIds::default();
    for o in model.outputs() {
        let list = match o.kind {
            OutputKind::Layer => &mut ids.layers,
            OutputKind::Total => &mut ids.totals,
            OutputKind::Component(_) => &mut ids.components,
            OutputKind::Metric => &mut ids.metrics,
            // Multiples are reported with the figure they divide.
            OutputKind::Multiple(_) => continue,
        };
        list.push(o.id.clone());
    }
    ids
}

/// Output ids grouped by kind.
#[derive(Debug, Default)]
pub(crate) struct OutputIds {
    pub(crate) layers: Vec<String>,
    pub(crate) totals: Vec<String>,
    pub(crate) components: Vec<String>,
    pub(crate) metrics: Vec<String>,
}

impl OutputIds {
    /// Every id.
    pub(crate) fn all(&self) -> impl Iterator<Item = &str> {
        self.layers
            .iter()
            .chain(&self.totals)
            .chain(&self.components)
            .chain(&self.metrics)
            .map(String::as_str)
    }

    /// The closest id to `wanted`, if one is close enough to be a likely typo.
    pub(crate) fn closest(&self, wanted: &str) -> Option<&str> {
        traincost_claims::closest(wanted, self.all(), 0.75, 1)
            .first()
            .copied()
    }

    /// A hint listing what exists, for an unknown id.
    pub(crate) fn describe(&self) -> String {
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
