//! Finding, reading and checking scenarios: built-in names or TOML files, with every cited claim
//! resolved against the claims crate. All user-facing errors are located [`Diagnostic`]s.

use std::path::{Path, PathBuf};

use traincost_claims::citation::{self, CitationError, InputValue};
use traincost_claims::{ClaimSet, Value, format_number};
use traincost_core::dist::Distribution;
use traincost_core::money::IndexId;
use traincost_core::scenario::{self, ClaimRef, Scenario, ScenarioError, Supplier};
use traincost_core::stack::StackSpec;
use traincost_core::units::DollarDate;

use crate::diagnostic::Diagnostic;

/// A scenario and where it came from.
pub(crate) struct Loaded {
    /// The parsed scenario.
    pub(crate) scenario: Scenario,
    /// The file it was read from, or `None` for a built-in.
    pub(crate) path: Option<PathBuf>,
}

impl Loaded {
    /// Where to point errors: the file, or `<built-in NAME>`.
    pub(crate) fn origin(&self) -> PathBuf {
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

/// Loads `name_or_path`: a built-in scenario name, or a path to a TOML file.
pub(crate) fn load(name_or_path: &str) -> Result<Loaded, Diagnostic> {
    if let Some(scenario) = Scenario::builtin(name_or_path) {
        return Ok(Loaded {
            scenario,
            path: None,
        });
    }
    let path = Path::new(name_or_path);
    if !path.exists() {
        let names = traincost_claims::closest(name_or_path, scenario::builtin_names(), 0.7, 1);
        let hint = match names.first() {
            Some(n) => format!(
                "did you mean the built-in `{n}`? (`traincost scenarios list` shows them all)"
            ),
            None => format!(
                "built-in scenarios: {}; or give a path to a .toml file",
                scenario::builtin_names().join(", ")
            ),
        };
        return Err(Diagnostic::new(format!(
            "no built-in scenario or file named `{}`",
            traincost_claims::excerpt(name_or_path)
        ))
        .hint(hint));
    }
    let source = crate::diagnostic::read_text(path, "scenario")?;
    let scenario = Scenario::parse(&source).map_err(|e| located(path, &source, e))?;
    Ok(Loaded {
        scenario,
        path: Some(path.to_owned()),
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
