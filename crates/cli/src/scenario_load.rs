//! Finding, reading and checking scenarios: built-in names or TOML files, with every cited claim
//! resolved against the claims crate. All user-facing errors are located [`Diagnostic`]s.

use std::path::{Path, PathBuf};

use traincost_claims::ClaimSet;
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
    fn origin(&self) -> PathBuf {
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
        for r in &refs {
            check_claim(claims, r).map_err(|d| {
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
            };
            check_claim(claims, &r).map_err(|d| {
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
/// rules, with its suggestions).
fn check_claim(claims: &ClaimSet, r: &ClaimRef) -> Result<(), Diagnostic> {
    claims.input(&r.id).map(|_| ()).map_err(|e| {
        Diagnostic::new(e.to_string())
            .field(r.field.clone())
            .hint(format!(
                "`traincost claims show {}` or `traincost claims list` shows the claims",
                r.id
            ))
    })
}

/// A scenario error located in `source`, read from `path`.
pub(crate) fn located(path: &Path, source: &str, e: ScenarioError) -> Diagnostic {
    let mut d = Diagnostic::new(e.message).in_file(path);
    if let Some(span) = e.span {
        d = d.at_offset(source, span.start);
    }
    d.field = e.field;
    d.hint = e.hint;
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
        let mut names: Vec<(f64, &str)> = scenario::builtin_names()
            .into_iter()
            .map(|n| (strsim::jaro_winkler(name_or_path, n), n))
            .filter(|(s, _)| *s > 0.7)
            .collect();
        names.sort_by(|a, b| b.0.total_cmp(&a.0));
        let hint = match names.first() {
            Some((_, n)) => format!(
                "did you mean the built-in `{n}`? (`traincost scenarios list` shows them all)"
            ),
            None => format!(
                "built-in scenarios: {}; or give a path to a .toml file",
                scenario::builtin_names().join(", ")
            ),
        };
        return Err(Diagnostic::new(format!(
            "no built-in scenario or file named `{name_or_path}`"
        ))
        .hint(hint));
    }
    let source = std::fs::read_to_string(path).map_err(|e| {
        Diagnostic::new(format!("cannot read scenario: {e}"))
            .in_file(path)
            .hint("check the path and that the file is UTF-8 text")
    })?;
    let scenario = Scenario::parse(&source).map_err(|e| located(path, &source, e))?;
    Ok(Loaded {
        scenario,
        path: Some(path.to_owned()),
    })
}
