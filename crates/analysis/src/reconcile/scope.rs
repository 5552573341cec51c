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
//!   market figures) sit beside no layer. [`scope_of`] is the claims crate's
//!   (`traincost_claims::scope`), the one definition: conflict groups compare claims of one
//!   scope by it. A compute scope named without a basis
//!   (`development-compute`, `total-compute`) is compared on the report's basis ([`resolve`]).
//! - **Energy and emissions.** A claim in kWh (MWh, GWh) or tCO2e is about the energy or the
//!   emissions of a scope ([`Footprint::of`]): its `scope` is
//!   `<layer>-<energy|emissions>[-<form>][-<accounting>]` (`final-run-emissions`,
//!   `final-run-emissions-facility-location`, `total-compute-energy`), or `emissions` /
//!   `energy` alone (the `emissions` tag's scope) for the final run, whichever the claim's unit
//!   measures. The form is the accelerator form (GPU-hours x power per GPU, what model cards
//!   give) unless the scope says `facility`; the accounting is the scope's, else the one the
//!   quantity names (`location-based ...`, `market-based ...`), else location-based.

use traincost_claims::Claim;
use traincost_claims::citation::Dimension;
use traincost_core::estimate::{Estimate, Figure};
use traincost_core::scenario::{Scenario, ScenarioFile, builtin_names};
use traincost_core::stack::{Accounting, Basis, EnergyForm};

/// Companies whose claims count as the developer's: `(developer, parent or alias)`.
/// High-Flyer is the hedge fund that owns DeepSeek and bought its first GPUs.
pub const PARENTS: &[(&str, &str)] = &[("DeepSeek", "High-Flyer")];

pub use traincost_claims::scope::{SCOPES, scope_of};

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

/// The layers whose energy and emissions the stack gives, as scope prefixes.
pub const FOOTPRINT_LAYERS: [&str; 4] = [
    "final-run",
    "development-compute",
    "total-compute",
    "fleet-annual",
];

/// Energy, or emissions in one accounting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FootprintKind {
    /// Electrical energy (kWh).
    Energy,
    /// Emissions (tCO2e) in an accounting.
    Emissions(Accounting),
}

/// The energy or emissions figure a claim is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Footprint {
    /// The layer (`final-run`, `development-compute`, `total-compute`, `fleet-annual`).
    pub layer: &'static str,
    /// Energy or emissions.
    pub kind: FootprintKind,
    /// The energy form.
    pub form: EnergyForm,
    /// How the accounting was decided, for the explanation: `scope`, `quantity` or
    /// `default` (neither says: location-based).
    pub accounting_from: &'static str,
}

impl Footprint {
    /// The energy or emissions figure `claim` is about, if its scope (its own, or its tags')
    /// names one: see the module documentation. `None` for every other scope.
    pub fn of(claim: &Claim) -> Option<Footprint> {
        let scope = scope_of(claim)?;
        let (layer, rest) = match scope {
            "emissions" | "energy" => ("final-run", scope),
            _ => FOOTPRINT_LAYERS
                .iter()
                .find_map(|l| Some((*l, scope.strip_prefix(l)?.strip_prefix('-')?)))?,
        };
        let mut words = rest.split('-');
        let what = words.next()?;
        let energy_unit = Dimension::of_claim_unit(&claim.unit).0 == Dimension::Energy;
        let energy = match what {
            // The bare scope (the `emissions` tag's) is whichever the unit measures.
            "emissions" | "energy" if rest == what && scope == rest => energy_unit,
            "energy" => true,
            "emissions" => false,
            _ => return None,
        };
        let mut form = EnergyForm::Accelerator;
        let mut accounting = None;
        for w in words {
            match w {
                "accelerator" => form = EnergyForm::Accelerator,
                "facility" => form = EnergyForm::Facility,
                "location" if !energy => accounting = Some(Accounting::Location),
                "market" if !energy => accounting = Some(Accounting::Market),
                _ => return None,
            }
        }
        let q = claim.quantity.to_lowercase();
        let named =
            |a: &str| q.contains(&format!("{a}-based")) || q.contains(&format!("{a} based"));
        let (accounting, accounting_from) = match accounting {
            Some(a) => (a, "scope"),
            None if named("market") => (Accounting::Market, "quantity"),
            None if named("location") => (Accounting::Location, "quantity"),
            None => (Accounting::Location, "default"),
        };
        Some(Footprint {
            layer,
            kind: if energy {
                FootprintKind::Energy
            } else {
                FootprintKind::Emissions(accounting)
            },
            form,
            accounting_from: if energy { "scope" } else { accounting_from },
        })
    }

    /// The id of the estimate's figure (`final-run-emissions-accelerator-location`).
    pub fn figure_id(&self) -> String {
        match self.kind {
            FootprintKind::Energy => format!("{}-energy-{}", self.layer, self.form.as_str()),
            FootprintKind::Emissions(a) => format!(
                "{}-emissions-{}-{}",
                self.layer,
                self.form.as_str(),
                a.as_str()
            ),
        }
    }

    /// The figure in `e`, or why the scenario has none (`needs an [emissions] table ...`).
    pub fn resolve<'a>(&self, e: &'a Estimate) -> Result<&'a Figure, String> {
        let id = self.figure_id();
        let pool = match self.kind {
            FootprintKind::Energy => &e.energy,
            FootprintKind::Emissions(_) => &e.emissions,
        };
        if let Some(f) = pool.iter().find(|f| f.id == id) {
            return Ok(f);
        }
        Err(if e.energy.is_empty() {
            format!(
                "the scenario models no energy, so no `{id}` figure (needs a `gpu` for its TDP, an [energy] table, or [ownership])"
            )
        } else if matches!(self.kind, FootprintKind::Emissions(_)) && e.emissions.is_empty() {
            format!(
                "the scenario models no emissions, so no `{id}` figure (needs an [emissions] table: a grid `region`, or `location_intensity` / `market_intensity`)"
            )
        } else if let FootprintKind::Emissions(a) = self.kind
            && !e.emissions.iter().any(|f| f.accounting == Some(a))
        {
            format!("the scenario has no `{id}` figure (needs `[emissions] {a}_intensity`)")
        } else {
            format!("the scenario has no `{id}` figure to compare with")
        })
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use traincost_claims::{ClaimSet, Tag};

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
        assert_eq!(
            scope_of(emissions),
            Some("final-run-emissions-facility-location")
        );

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
        // An emissions claim names the emissions figure of its scope, form and accounting; a
        // family's total names a scope no single model's stack has.
        let co2 = ClaimSet::builtin()
            .get("llama-3-1-405b-location-based-emissions")
            .unwrap();
        assert_eq!(
            scope_of(co2),
            Some("final-run-emissions-accelerator-location")
        );
        let family = ClaimSet::builtin()
            .get("llama-3-1-location-based-emissions")
            .unwrap();
        assert_eq!(scope_of(family), Some("model-family-emissions"));
    }

    /// A one-claim set: `scope` (a TOML line or empty), `tags`, `quantity` and `unit`.
    fn one(scope: &str, tags: &str, quantity: &str, unit: &str) -> Claim {
        let src = format!(
            "[[claim]]\nid = \"x\"\nsubject = \"S\"\nquantity = \"{quantity}\"\nvalue = 1.0\nunit = \"{unit}\"\nqualifier = \"exact\"\nclaimant = \"C\"\nsource_title = \"T\"\nsource_url = \"https://example.com/\"\npublished = \"2024-06\"\nquote = \"it was 1\"\nnotes = \"n\"\nstatus = \"verified\"\ntags = [{tags}]\n{scope}\n"
        );
        ClaimSet::parse_str("t.toml", &src)
            .unwrap()
            .iter()
            .next()
            .unwrap()
            .clone()
    }

    fn placed(scope: &str, tags: &str, quantity: &str, unit: &str) -> Option<String> {
        Footprint::of(&one(scope, tags, quantity, unit)).map(|f| f.figure_id())
    }

    #[test]
    fn emissions_claims_name_their_layer_form_and_accounting() {
        let em = "\"emissions\"";
        // The tag alone: the final run, accelerator form (a model card's), and the accounting
        // the quantity names, else location-based.
        assert_eq!(
            placed("", em, "market-based training emissions", "tCO2eq").as_deref(),
            Some("final-run-emissions-accelerator-market")
        );
        assert_eq!(
            placed("", em, "location based training emissions", "tCO2e").as_deref(),
            Some("final-run-emissions-accelerator-location")
        );
        let plain = Footprint::of(&one("", em, "training emissions", "tCO2eq")).unwrap();
        assert_eq!(
            plain.figure_id(),
            "final-run-emissions-accelerator-location"
        );
        assert_eq!(plain.accounting_from, "default");
        // The scope wins over the quantity, and picks the facility form and the layer.
        assert_eq!(
            placed(
                "scope = \"total-compute-emissions-facility-market\"",
                em,
                "location-based emissions",
                "tCO2eq"
            )
            .as_deref(),
            Some("total-compute-emissions-facility-market")
        );
        assert_eq!(
            placed(
                "scope = \"development-compute-emissions\"",
                "",
                "market-based emissions",
                "tCO2eq"
            )
            .as_deref(),
            Some("development-compute-emissions-accelerator-market")
        );
    }

    #[test]
    fn energy_claims_are_placed_by_scope_or_unit() {
        // The bare `emissions` scope (the tag's) with an energy unit is the run's energy.
        assert_eq!(
            placed("", "\"emissions\"", "pre-training energy", "MWh").as_deref(),
            Some("final-run-energy-accelerator")
        );
        assert_eq!(
            placed("scope = \"final-run-energy-facility\"", "", "energy", "GWh").as_deref(),
            Some("final-run-energy-facility")
        );
        // An explicit energy scope stays energy whatever the unit (then: not compared).
        assert_eq!(
            placed("scope = \"final-run-energy\"", "", "emissions", "tCO2eq").as_deref(),
            Some("final-run-energy-accelerator")
        );
        // Energy has no accounting; unknown words and other scopes are not footprints.
        assert_eq!(
            placed("scope = \"final-run-energy-location\"", "", "e", "kWh"),
            None
        );
        assert_eq!(
            placed("scope = \"final-run-emissions-solar\"", "", "e", "tCO2eq"),
            None
        );
        assert_eq!(
            placed("scope = \"final-run-rental\"", "", "cost", "USD"),
            None
        );
        assert_eq!(placed("scope = \"fleet\"", "", "cost", "USD"), None);
        assert_eq!(placed("", "\"final-run\"", "GPU hours", "GPU-hours"), None);
    }
}
