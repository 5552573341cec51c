//! The energy section of a report: each scope's energy in the two forms sources give it, side
//! by side (accelerator, as model cards report it; facility, Epoch AI's method), for the table,
//! Markdown and HTML renderers alike.

use traincost_core::estimate::{Estimate, Figure};
use traincost_core::stack::EnergyForm;

/// One scope's energy in each form the estimate has.
pub(crate) struct EnergyRow<'a> {
    /// The scope, for people (`final run`).
    pub scope: &'static str,
    /// Whether it is a sum of the rows above it.
    pub total: bool,
    /// The accelerator form, if the scenario gives it.
    pub accelerator: Option<&'a Figure>,
    /// The facility form, if the scenario gives it.
    pub facility: Option<&'a Figure>,
}

/// The fleet's row: a year of the whole owner, not one model's energy.
pub(crate) const FLEET_SCOPE: &str = "fleet, per year (whole owner)";

/// The scopes, in report order: final run, development compute, their total, the fleet's year.
const SCOPES: [(&str, &str, bool); 4] = [
    ("final-run-energy", "final run", false),
    ("development-compute-energy", "development compute", false),
    ("total-compute-energy", "final run + development", true),
    ("fleet-annual-energy", FLEET_SCOPE, false),
];

/// The rows of `e`'s energy section; empty when the scenario gives no energy.
pub(crate) fn rows(e: &Estimate) -> Vec<EnergyRow<'_>> {
    let find = |id: &str, form: EnergyForm| {
        e.energy
            .iter()
            .find(|f| f.form == Some(form) && (f.id == format!("{id}-{form}") || f.id == id))
    };
    SCOPES
        .iter()
        .map(|&(id, scope, total)| EnergyRow {
            scope,
            total,
            accelerator: find(id, EnergyForm::Accelerator),
            facility: find(id, EnergyForm::Facility),
        })
        .filter(|r| r.accelerator.is_some() || r.facility.is_some())
        .collect()
}

/// A figure's median and 90% interval as two cells (`1.952 GWh`, `(exact)`), or two blanks.
pub(crate) fn cells(f: Option<&Figure>) -> [String; 2] {
    match f {
        None => [String::new(), String::new()],
        Some(f) => [
            crate::format::amount(&f.unit, f.p50),
            crate::format::interval(&f.unit, f.p5, f.p95),
        ],
    }
}

/// What the two forms count, in one sentence for the section's heading.
pub(crate) fn forms_note() -> String {
    format!(
        "accelerator = {}; facility = {}.",
        EnergyForm::Accelerator.describe(),
        EnergyForm::Facility.describe()
    )
}

/// Why a scenario has no energy section.
pub(crate) const NOT_MODELLED: &str =
    "Energy: not modelled (needs a `gpu` for its TDP, an [energy] table, or [ownership]).";
