//! Finding, reading and checking scenarios: built-in names or TOML files, with every cited claim
//! resolved against the claims crate. All user-facing errors are located [`Diagnostic`]s.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use traincost_claims::citation::{self, CitationError, InputValue};
use traincost_claims::{ClaimSet, Value, format_number};
use traincost_core::dist::Distribution;
use traincost_core::epoch::CodeVersion;
use traincost_core::epoch::scenario::{self as epoch_scenario, LookupError, RowScenario};
use traincost_core::epoch::table::{CostRow, CostTable};
use traincost_core::money::IndexId;
use traincost_core::scenario::{self, ClaimRef, Scenario, ScenarioError, Supplier};
use traincost_core::stack::StackSpec;
use traincost_core::units::DollarDate;

use crate::diagnostic::Diagnostic;

/// A scenario and where it came from.
pub(crate) struct Loaded {
    /// The parsed scenario.
    pub(crate) scenario: Scenario,
    /// The file it was read from, or `None` for a built-in or an Epoch AI row.
    pub(crate) path: Option<PathBuf>,
    /// For a scenario built from Epoch AI's table: `epoch:MODEL (version)`.
    pub(crate) epoch: Option<String>,
}

impl Loaded {
    /// Where to point errors: the file, `<built-in NAME>` or `<epoch:MODEL (version)>`.
    pub(crate) fn origin(&self) -> PathBuf {
        if let Some(e) = &self.epoch {
            return PathBuf::from(format!("<{e}>"));
        }
        self.path
            .clone()
            .unwrap_or_else(|| PathBuf::from(format!("<built-in {}>", self.scenario.file.name)))
    }

    /// Turns a scenario error into a located diagnostic.
    pub(crate) fn diagnose(&self, e: ScenarioError) -> Diagnostic {
        located(&self.origin(), &self.scenario.source, e)
    }

    /// Builds the model spec in `dollars` and resolves every cited claim.
    pub(crate) fn spec(
        &self,
        dollars: Option<DollarDate>,
        claims: &ClaimSet,
        supplier: &dyn Supplier,
    ) -> Result<(StackSpec, Vec<ClaimRef>), Diagnostic> {
        let (spec, refs) = self
            .scenario
            .to_spec_with(dollars, supplier)
            .map_err(|e| self.diagnose(e))?;
        let index = self.scenario.index();
        for r in &refs {
            check_claim(claims, r, index).map_err(|d| {
                let (line, col) = crate::diagnostic::line_col(&self.scenario.source, r.span.start);
                Diagnostic {
                    path: Some(self.origin()),
                    line: Some(line),
                    column: Some(col),
                    ..d
                }
            })?;
        }
        if let Some(h) = &self.scenario.file.headline {
            let r = ClaimRef {
                id: h.claim.get_ref().clone(),
                field: "headline.claim".into(),
                span: h.claim.span(),
                input: None,
            };
            check_claim(claims, &r, index).map_err(|d| {
                let (line, col) = crate::diagnostic::line_col(&self.scenario.source, r.span.start);
                Diagnostic {
                    path: Some(self.origin()),
                    line: Some(line),
                    column: Some(col),
                    ..d
                }
            })?;
        }
        Ok((spec, refs))
    }
}

/// A cited claim must exist and must not be a figure printed in error (the claims crate's
/// rules, with its suggestions); an input whose value is the claim's figure must agree with it
/// (`traincost_claims::citation::check`: dimension, currency, value within the qualifier).
fn check_claim(claims: &ClaimSet, r: &ClaimRef, index: IndexId) -> Result<(), Diagnostic> {
    let claim = claims.input(&r.id).map_err(|e| {
        Diagnostic::new(e.to_string())
            .field(r.field.clone())
            .hint(if claims.get(&r.id).is_some() {
                format!(
                    "`traincost claims show {}` shows the claim; `traincost claims list` shows the others",
                    r.id
                )
            } else {
                "`traincost claims list` shows the claims".to_owned()
            })
    })?;
    let Some(input) = r.input.as_ref().filter(|i| !i.informed_by) else {
        return Ok(());
    };
    let value = match input.value {
        Distribution::Point(x) => InputValue::Point(x),
        ref d => InputValue::Interval90 {
            p5: d.quantile(0.05),
            p95: d.quantile(0.95),
        },
    };
    // The claim's money in USD of the input's dollars: another currency at its year's rate.
    let to_input_dollars = |currency, year: i32| {
        input.dollars.and_then(|to| {
            traincost_analysis::dollars::money_between(currency, year, index, to).map(|(k, _)| k)
        })
    };
    citation::check(claim, input.unit, value, &to_input_dollars)
        .map(|_| ())
        .map_err(|e| {
            let short = r.field.rsplit('.').next().unwrap_or(&r.field);
            let fix = match &e {
                CitationError::Disagrees { interval, .. } => {
                    let use_it = match claim.value {
                        Value::Exact(_) | Value::About(_) => format!(
                            "use the claim's figure ({} {})",
                            // Exact and about intervals are symmetric about the figure.
                            format_number((interval.0 + interval.1) / 2.0),
                            input.unit
                        ),
                        _ => "give a value the claim allows".to_owned(),
                    };
                    format!("{use_it}, or if the value is assumed, write `informed_by = \"{}\"` instead of `claim` with an `assumption = \"...\"` saying why", r.id)
                }
                CitationError::Currency { currency, .. } => format!(
                    "add the {} rate with its source to crates/core/data/fx_rates.csv, or let the figure inform an assumption: write `informed_by = \"{}\"` with an `assumption = \"...\"`",
                    currency.code(),
                    r.id
                ),
                CitationError::Dimension { .. } => format!(
                    "cite a claim in {} (`traincost claims list --subject ...` shows units), or if this claim only informs the value, write `informed_by = \"{}\"` with an `assumption = \"...\"`",
                    input.unit, r.id
                ),
                CitationError::Dollars { .. } => format!(
                    "give the value in the claim's dollars with `dollars = \"...\"`, or write `informed_by = \"{}\"` with an `assumption`",
                    r.id
                ),
            };
            Diagnostic::new(format!(
                "`{short}` cites claim `{}` as its value: {e}",
                traincost_claims::excerpt(&r.id)
            ))
            .field(r.field.clone())
            .hint(fix)
        })
}

/// A scenario error located in `source`, read from `path`.
pub(crate) fn located(path: &Path, source: &str, e: ScenarioError) -> Diagnostic {
    let (message, hint, at) = crate::diagnostic::explain_toml(&e.message, source);
    let mut d = Diagnostic::new(message).in_file(path);
    if let Some(at) = e.span.map(|s| s.start).or(at) {
        d = d.at_offset(source, at);
    }
    d.field = e.field;
    d.hint = e.hint.or(hint);
    d
}

/// The Epoch AI code version `--epoch-version` chose (default: each model's latest).
static EPOCH_VERSION: OnceLock<CodeVersion> = OnceLock::new();

/// Sets the version `epoch:` names resolve to (`--epoch-version`, a global option).
pub(crate) fn set_epoch_version(text: Option<&str>) -> Result<(), Diagnostic> {
    let Some(text) = text else { return Ok(()) };
    let v = epoch_scenario::parse_version(text).ok_or_else(|| {
        Diagnostic::new(format!(
            "unknown Epoch AI code version `{}`",
            traincost_claims::excerpt(text)
        ))
        .hint("give paper_v1, paper_v2 or update_2025_06 (the June-2025 update; the default is each model's latest)")
    })?;
    let _ = EPOCH_VERSION.set(v);
    Ok(())
}

/// The version `--epoch-version` chose, if any (`None`: each model's latest).
pub(crate) fn epoch_version() -> Option<CodeVersion> {
    EPOCH_VERSION.get().copied()
}

/// The prefix that names a model of Epoch AI's cost table.
const EPOCH_PREFIX: &str = "epoch:";

/// A scenario name's Epoch AI model: `epoch:NAME` always, a bare `NAME` only when it is no
/// built-in and no file (curated built-ins win).
enum Name<'a> {
    Epoch(&'a str),
    Other,
}

fn classify(name_or_path: &str) -> Name<'_> {
    match name_or_path.get(..EPOCH_PREFIX.len()) {
        Some(p) if p.eq_ignore_ascii_case(EPOCH_PREFIX) => {
            Name::Epoch(name_or_path[EPOCH_PREFIX.len()..].trim())
        }
        _ => Name::Other,
    }
}

/// The row of Epoch AI's table `model` names, at `--epoch-version` or the model's latest.
fn epoch_row(model: &str) -> Result<&'static CostRow, Diagnostic> {
    epoch_scenario::find(CostTable::embedded(), model, EPOCH_VERSION.get().copied()).map_err(
        |e| {
            let hint = match &e {
                LookupError::Unknown { .. } => {
                    "`traincost epoch --all` lists Epoch AI's models; names compare without case or punctuation (`epoch:grok3`)"
                }
                LookupError::NoVersion { .. } => {
                    "drop `--epoch-version` for the model's latest version, or choose one it has"
                }
            };
            Diagnostic::new(e.to_string()).hint(hint)
        },
    )
}

/// The scenario file of Epoch AI's model `model` (`epoch:NAME`): its TOML text, the row's
/// label for messages, and what the row lacks.
pub(crate) fn epoch_source(model: &str) -> Result<(String, RowScenario), Diagnostic> {
    let row = epoch_row(model)?;
    let label = format!("epoch:{} ({})", row.model, row.version);
    let built = epoch_scenario::from_row(row).map_err(|e| {
        Diagnostic::new(e.to_string()).hint("`traincost epoch MODEL` shows Epoch's row")
    })?;
    Ok((label, built))
}

/// The TOML of `name`: a built-in's file, or the file built from an Epoch AI row (`epoch:NAME`,
/// or a bare name that is no built-in), for `traincost scenarios show`.
pub(crate) fn show_source(name: &str) -> Result<String, Diagnostic> {
    if let Name::Epoch(model) = classify(name) {
        return epoch_source(model).map(|(_, b)| b.toml);
    }
    if let Some(src) = scenario::builtin_source(name) {
        return Ok(src.to_owned());
    }
    if let Ok(row) = epoch_row(name) {
        return epoch_source(&row.model).map(|(_, b)| b.toml);
    }
    Err(unknown(name, false))
}

/// Loads the scenario built from Epoch AI's row for `model`.
fn load_epoch(model: &str) -> Result<Loaded, Diagnostic> {
    let (label, built) = epoch_source(model)?;
    if let Some(m) = built.missing.iter().find(|m| m.field == "rental_price") {
        return Err(Diagnostic::new(format!(
            "`{label}` cannot be estimated: {}; every stage of a traincost scenario needs a rental price",
            m.why
        ))
        .field("rental_price")
        .hint(format!(
            "`traincost scenarios show \"epoch:{model}\" > my.toml`, add `rental_price = {{ value = ..., unit = \"USD/GPU-hour\", assumption = \"...\" }}` with its source, then `traincost estimate my.toml`; `traincost epoch \"{model}\"` shows Epoch's amortized cost"
        )));
    }
    let origin = PathBuf::from(format!("<{label}>"));
    let scenario = Scenario::parse(&built.toml).map_err(|e| located(&origin, &built.toml, e))?;
    Ok(Loaded {
        scenario,
        path: None,
        epoch: Some(label),
    })
}

/// The error for a name that is no built-in, no Epoch AI model and (if `files`) no file.
fn unknown(name_or_path: &str, files: bool) -> Diagnostic {
    let names = traincost_claims::closest(name_or_path, scenario::builtin_names(), 0.7, 1);
    let epoch = epoch_scenario::suggest(CostTable::embedded(), name_or_path);
    let hint = match (names.first(), epoch.first()) {
        (Some(n), Some(m)) => format!(
            "did you mean the built-in `{n}`? Or Epoch AI's `epoch:\"{m}\"`? (`traincost scenarios list` shows the built-ins, `traincost epoch --all` Epoch's models)"
        ),
        (Some(n), None) => {
            format!("did you mean the built-in `{n}`? (`traincost scenarios list` shows them all)")
        }
        (None, Some(m)) => format!(
            "did you mean Epoch AI's `epoch:\"{m}\"`? (`traincost epoch --all` lists Epoch's models)"
        ),
        (None, None) => format!(
            "built-in scenarios: {}; or `epoch:NAME` for a model of Epoch AI's table; or give a path to a .toml file",
            scenario::builtin_names().join(", ")
        ),
    };
    Diagnostic::new(format!(
        "no built-in scenario {}named `{}`, and no model of Epoch AI's table",
        if files { "or file " } else { "" },
        traincost_claims::excerpt(name_or_path)
    ))
    .hint(hint)
}

/// Loads `name_or_path`: a built-in scenario name, `epoch:NAME` (a model of Epoch AI's cost
/// table), a path to a TOML file, or a bare Epoch AI model name (when no built-in or file has
/// it: curated built-ins win).
pub(crate) fn load(name_or_path: &str) -> Result<Loaded, Diagnostic> {
    if let Name::Epoch(model) = classify(name_or_path) {
        return load_epoch(model);
    }
    if let Some(scenario) = Scenario::builtin(name_or_path) {
        if EPOCH_VERSION.get().is_some() && epoch_row(name_or_path).is_ok() {
            tracing::warn!(
                "`{name_or_path}` is the curated built-in, which --epoch-version does not change; `epoch:{name_or_path}` is Epoch AI's row"
            );
        }
        return Ok(Loaded {
            scenario,
            path: None,
            epoch: None,
        });
    }
    let path = Path::new(name_or_path);
    if !path.exists() {
        if let Ok(row) = epoch_row(name_or_path) {
            return load_epoch(&row.model);
        }
        return Err(unknown(name_or_path, true));
    }
    let source = crate::diagnostic::read_text(path, "scenario")?;
    let scenario = Scenario::parse(&source).map_err(|e| located(path, &source, e))?;
    Ok(Loaded {
        scenario,
        path: Some(path.to_owned()),
        epoch: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plugin_host::{PluginRegistry, to_core_quantity};
    use traincost_core::scenario::CitingInput;
    use traincost_plugin::payload::{Quantity, Source};

    /// A plugin's quantity, checked as if a scenario took it (as `Supplier` values are).
    fn check_plugin_value(claims: &ClaimSet, what: &str, q: &Quantity) -> Option<String> {
        let Source::Claim(id) = &q.source else {
            return None;
        };
        let t = to_core_quantity(q);
        let value = t.distribution();
        let r = ClaimRef {
            id: id.clone(),
            field: what.to_owned(),
            span: 0..0,
            input: Some(CitingInput {
                informed_by: false,
                unit: q.unit.clone().leak(),
                value,
                dollars: t.dollars.map(|d| d.parse().unwrap()),
            }),
        };
        check_claim(claims, &r, IndexId::CpiU)
            .err()
            .map(|d| d.to_string())
    }

    /// Every value a built-in pricing plugin takes from a claim agrees with the claim, so a
    /// scenario taking it from the plugin is never refused for it.
    #[test]
    fn builtin_plugin_values_agree_with_the_claims_they_cite() {
        let (reg, problems) = PluginRegistry::builtin();
        assert!(problems.is_empty(), "{problems:?}");
        let claims = ClaimSet::builtin();
        let mut failures = Vec::new();
        let mut checked = 0;
        let mut check = |what: String, q: &Quantity| {
            if matches!(q.source, Source::Claim(_)) {
                checked += 1;
            }
            failures.extend(check_plugin_value(claims, &what, q));
        };
        for p in reg.iter() {
            let Ok(pricing) = reg.pricing(p.name()) else {
                continue;
            };
            for gpu in &p.manifest().gpus {
                if let Ok(s) = pricing.gpu_spec(gpu) {
                    check(format!("{} {gpu} peak", p.name()), &s.peak_bf16_flops);
                    check(format!("{} {gpu} tdp", p.name()), &s.tdp);
                }
                if let Ok(prices) = pricing.purchase_prices(gpu) {
                    for quote in &prices.quotes {
                        check(format!("{} {gpu} {}", p.name(), quote.date), &quote.price);
                    }
                }
                if let Ok(prices) = pricing.rental_prices(gpu, None, None) {
                    for quote in &prices.quotes {
                        let what = format!("{} {gpu} {} {}", p.name(), quote.provider, quote.date);
                        check(what, &quote.price);
                    }
                }
            }
        }
        assert!(checked > 5, "only {checked} values cite claims");
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }
}
