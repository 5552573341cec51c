//! Which claims are about a scenario, and beside which layer each one sits.
//!
//! This is the one place that maps scenarios to claims; it is driven by data, not by model
//! names:
//!
//! - **Subjects.** A claim's subject is read up to its first `" ("` (so `DeepSeek-V3 (base of
//!   R1)` is about `DeepSeek-V3`) and split on `" and "` / `", "` (so `GPT-4 and Gemini Ultra`
//!   names both). A name is about the *model* if it equals the scenario's `title` (or `name`), or
//!   extends it with `-` or a space (`DeepSeek-R1-Zero` is part of `DeepSeek-R1`); about the
//!   *developer* if it equals the scenario's `developer`, starts with it (`OpenAI foundation
//!   models`), or names one of the developer's parents in [`PARENTS`]; about a *related model*
//!   if it is the title of the scenario's `base`, or of a built-in scenario whose `base` is this
//!   scenario (DeepSeek-R1 for DeepSeek-V3: the "add-on").
//! - **Scopes.** A claim's own `scope` names the stack figure it is about (`fleet/gpus`,
//!   `total-compute`, `owner-annual`); without one, [`SCOPES`] maps its tags to a layer: the
//!   first row whose tag the claim carries wins. Claims with neither (model facts, unit prices,
//!   market figures) sit beside no layer. A compute scope named without a basis
//!   (`development-compute`, `total-compute`) is compared on the report's basis ([`resolve`]).

use traincost_claims::{Claim, Tag};
use traincost_core::estimate::{Estimate, Figure};
use traincost_core::scenario::{Scenario, ScenarioFile, builtin_names};
use traincost_core::stack::Basis;

/// Companies whose claims count as the developer's: `(developer, parent or alias)`.
/// High-Flyer is the hedge fund that owns DeepSeek and bought its first GPUs.
pub const PARENTS: &[(&str, &str)] = &[("DeepSeek", "High-Flyer")];

/// Claim tag to layer id, first match wins: operating cost before capex (a fleet claim tagged
/// `opex` is a yearly cost), staff before development (the R&D staff share is about people).
/// Emissions (tCO2eq) have no figure in the stack yet: their scope, `emissions`, lists them
/// as claims of a scope the scenario does not model instead of leaving them out.
pub const SCOPES: &[(Tag, &str)] = &[
    (Tag::Opex, "fleet-annual"),
    (Tag::Fleet, "fleet"),
    (Tag::Capex, "fleet"),
    (Tag::Staff, "staff"),
    (Tag::Development, "development-compute"),
    (Tag::FinalRun, "final-run-rental"),
    (Tag::Emissions, "emissions"),
];

/// Where a claim's scope sits in an estimate.
#[derive(Debug, Clone, Copy)]
pub struct Placement<'a> {
    /// The layer or total the claim is listed beside.
    pub row: &'a Figure,
    /// The figure it is compared with: the row, or one of its components.
    pub figure: &'a Figure,
}

/// The figure `scope` names in `e`: a layer or total by id, or with the report's basis
/// appended (`total-compute` is `total-compute-ownership` on the ownership basis), then the
/// named component if any. `None` if the estimate has no such figure.
pub fn resolve<'a>(e: &'a Estimate, scope: &str) -> Option<Placement<'a>> {
    resolve_on(e, scope, e.basis)
}

/// [`resolve`] on a given basis.
pub(crate) fn resolve_on<'a>(e: &'a Estimate, scope: &str, basis: Basis) -> Option<Placement<'a>> {
    let (layer, component) = match scope.split_once('/') {
        Some((l, c)) => (l, Some(c)),
        None => (scope, None),
    };
    let on_basis = format!("{layer}-{basis}");
    let row = e
        .layers
        .iter()
        .chain(&e.totals)
        .find(|f| f.id == layer || f.id == on_basis)?;
    let figure = match component {
        None => row,
        Some(c) => {
            let id = format!("{}/{c}", row.id);
            row.components.iter().find(|f| f.id == id)?
        }
    };
    Some(Placement { row, figure })
}

/// How a claim's subject relates to the scenario.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case", tag = "role")]
pub enum Role {
    /// The model itself.
    Model,
    /// The company that trained it (or its parent).
    Developer,
    /// A model built on this one, or that this one builds on.
    Related {
        /// The related scenario's title.
        model: String,
        /// `builds-on-this` or `base-of-this`.
        how: &'static str,
    },
}

/// The names a scenario's claims may carry, each with its role.
#[derive(Debug, Clone)]
pub struct Subjects {
    model: Vec<String>,
    developer: Vec<String>,
    related: Vec<(String, &'static str)>,
}

impl Subjects {
    /// The subjects of `file`, with related models found among the built-in scenarios.
    pub fn of(file: &ScenarioFile) -> Subjects {
        let mut model = vec![file.name.clone()];
        if let Some(t) = &file.title {
            model.insert(0, t.clone());
        }
        let mut developer = Vec::new();
        if let Some(d) = &file.developer {
            developer.push(d.clone());
            developer.extend(
                PARENTS
                    .iter()
                    .filter(|(dev, _)| dev.eq_ignore_ascii_case(d))
                    .map(|(_, p)| (*p).to_owned()),
            );
        }
        let title_of = |s: &Scenario| s.file.title.clone().unwrap_or_else(|| s.file.name.clone());
        let mut related = Vec::new();
        if let Some(base) = &file.base
            && let Some(s) = Scenario::builtin(base.get_ref().scenario())
        {
            related.push((title_of(&s), "base-of-this"));
        }
        for name in builtin_names() {
            if name == file.name {
                continue;
            }
            if let Some(s) = Scenario::builtin(name)
                && s.file
                    .base
                    .as_ref()
                    .is_some_and(|b| b.get_ref().scenario() == file.name)
            {
                related.push((title_of(&s), "builds-on-this"));
            }
        }
        Subjects {
            model,
            developer,
            related,
        }
    }

    /// The role of a claim's subject, if the claim is about this scenario at all.
    pub fn role(&self, subject: &str) -> Option<Role> {
        let names = subject_names(subject);
        let any = |f: &dyn Fn(&str) -> bool| names.iter().any(|n| f(n));
        if any(&|n| self.model.iter().any(|m| names_model(n, m))) {
            return Some(Role::Model);
        }
        for (title, how) in &self.related {
            if any(&|n| names_model(n, title)) {
                return Some(Role::Related {
                    model: title.clone(),
                    how,
                });
            }
        }
        if any(&|n| {
            self.developer.iter().any(|d| {
                let (n, d) = (n.to_lowercase(), d.to_lowercase());
                n == d || n.starts_with(&format!("{d} "))
            })
        }) {
            return Some(Role::Developer);
        }
        None
    }

    /// The names, for the JSON document: `(name, role)`.
    pub fn describe(&self) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = self
            .model
            .iter()
            .map(|m| (m.clone(), "model".to_owned()))
            .collect();
        out.extend(
            self.developer
                .iter()
                .map(|d| (d.clone(), "developer".to_owned())),
        );
        out.extend(
            self.related
                .iter()
                .map(|(t, h)| (t.clone(), (*h).to_owned())),
        );
        out
    }
}

/// The names in a claim subject: before any parenthesis, split on " and " and ", ".
fn subject_names(subject: &str) -> Vec<String> {
    let head = subject.split(" (").next().unwrap_or(subject).trim();
    head.split(" and ")
        .flat_map(|s| s.split(", "))
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect()
}

/// True if `name` is the model `model` or a named part of it (`DeepSeek-R1-Zero`).
fn names_model(name: &str, model: &str) -> bool {
    let (n, m) = (name.to_lowercase(), model.to_lowercase());
    n == m || n.strip_prefix(&m).is_some_and(|rest| rest.starts_with('-'))
}

/// The scope a claim is compared with: its own `scope`, else by its tags ([`SCOPES`]).
pub fn scope_of(claim: &Claim) -> Option<&str> {
    claim.scope.as_deref().or_else(|| {
        SCOPES
            .iter()
            .find(|(tag, _)| claim.has_tag(*tag))
            .map(|(_, layer)| *layer)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use traincost_claims::ClaimSet;

    fn subjects(name: &str) -> Subjects {
        Subjects::of(&Scenario::builtin(name).expect("built-in").file)
    }

    #[test]
    fn deepseek_v3_subjects_cover_the_model_the_company_and_r1() {
        let s = subjects("deepseek-v3");
        assert_eq!(s.role("DeepSeek-V3"), Some(Role::Model));
        assert_eq!(s.role("DeepSeek-V3 (base of R1)"), Some(Role::Model));
        assert_eq!(s.role("DeepSeek"), Some(Role::Developer));
        assert_eq!(s.role("High-Flyer"), Some(Role::Developer));
        assert!(matches!(
            s.role("DeepSeek-R1"),
            Some(Role::Related {
                how: "builds-on-this",
                ..
            })
        ));
        assert!(matches!(
            s.role("DeepSeek-R1-Zero"),
            Some(Role::Related { .. })
        ));
        assert_eq!(s.role("Claude 3.5 Sonnet"), None);
        assert_eq!(s.role("NVIDIA H800 (8-GPU server)"), None);
    }

    #[test]
    fn r1_sees_v3_as_its_base() {
        let s = subjects("deepseek-r1");
        assert_eq!(s.role("DeepSeek-R1-Zero"), Some(Role::Model));
        assert!(matches!(
            s.role("DeepSeek-V3"),
            Some(Role::Related {
                how: "base-of-this",
                ..
            })
        ));
    }

    #[test]
    fn gpt4_matches_shared_subjects_and_the_developer_family() {
        let s = subjects("gpt-4");
        assert_eq!(
            s.role("GPT-4 and Gemini Ultra (development)"),
            Some(Role::Model)
        );
        assert_eq!(
            s.role("OpenAI foundation models (GPT-4 era)"),
            Some(Role::Developer)
        );
        assert_eq!(s.role("GPT-4o"), None);
    }

    #[test]
    fn every_tagged_builtin_claim_of_a_layer_scope_has_a_layer() {
        for c in ClaimSet::builtin().iter() {
            let scoped = [Tag::FinalRun, Tag::Development, Tag::Staff, Tag::Fleet]
                .iter()
                .any(|t| c.has_tag(*t));
            // A claim's own `scope` places it whatever its tags (an emissions figure, a
            // multiple of other models' compute: listed as of a scope the stack lacks).
            assert_eq!(
                scope_of(c).is_some(),
                scoped
                    || c.has_tag(Tag::Capex)
                    || c.has_tag(Tag::Opex)
                    || c.has_tag(Tag::Emissions)
                    || c.scope.is_some(),
                "{}",
                c.id
            );
        }
        let emissions = ClaimSet::builtin()
            .get("olmo-2-7b-emissions-summary")
            .unwrap();
        assert_eq!(scope_of(emissions), Some("emissions"));

        let capex = ClaimSet::builtin()
            .get("semianalysis-deepseek-server-capex")
            .unwrap();
        assert_eq!(scope_of(capex), Some("fleet"));
        // A claim's own scope wins over its tags: "a year of operations" counts staff too,
        // and "the GPUs themselves" are the fleet's GPUs, not its servers and network.
        let opex = ClaimSet::builtin()
            .get("lambert-deepseek-annual-operating-cost")
            .unwrap();
        assert_eq!(scope_of(opex), Some("owner-annual"));
        let gpus = ClaimSet::builtin()
            .get("amodei-deepseek-hopper-chips-cost")
            .unwrap();
        assert_eq!(scope_of(gpus), Some("fleet/gpus"));
        // Emissions have no stack figure: listed, never compared.
        let co2 = ClaimSet::builtin()
            .get("llama-3-1-405b-location-based-emissions")
            .unwrap();
        assert_eq!(scope_of(co2), Some("emissions"));
    }
}
