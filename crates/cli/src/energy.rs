//! The energy and emissions sections of a report: each scope's energy in the two forms
//! sources give it, side by side (accelerator, as model cards report it; facility, Epoch AI's
//! method), and its emissions in each accounting (location-, market-based), for the table,
//! Markdown and HTML renderers alike.

use traincost_core::estimate::{Estimate, Figure};
use traincost_core::stack::{Accounting, EnergyForm};

/// One scope's energy (or emissions, in one accounting) in each form the estimate has.
pub(crate) struct EnergyRow<'a> {
    /// The scope, for people (`final run`, `final run, location-based`).
    pub scope: String,
    /// Whether it is a sum of the rows above it.
    pub total: bool,
    /// Whether it is the fleet's year (another unit: kept out of a model's chart).
    pub fleet: bool,
    /// The accelerator form, if the scenario gives it.
    pub accelerator: Option<&'a Figure>,
    /// The facility form, if the scenario gives it.
    pub facility: Option<&'a Figure>,
}

/// The scopes, in report order, as `(id prefix, label, total)`: final run, development
/// compute, their total, the fleet's year.
const SCOPES: [(&str, &str, bool); 4] = [
    ("final-run", "final run", false),
    ("development-compute", "development compute", false),
    ("total-compute", "final run + development", true),
    ("fleet-annual", "fleet, per year (whole owner)", false),
];

/// `figures`' rows, one per scope (and accounting, for emissions), in report order.
fn rows_of<'a>(figures: &'a [Figure], what: &str) -> Vec<EnergyRow<'a>> {
    let accountings: Vec<Option<Accounting>> = if what == "energy" {
        vec![None]
    } else {
        Accounting::ALL.into_iter().map(Some).collect()
    };
    let mut out = Vec::new();
    for accounting in accountings {
        for &(prefix, scope, total) in &SCOPES {
            let find = |form: EnergyForm| {
                figures.iter().find(|f| {
                    f.id.starts_with(&format!("{prefix}-{what}"))
                        && f.form == Some(form)
                        && f.accounting == accounting
                })
            };
            let row = EnergyRow {
                scope: match accounting {
                    None => scope.to_owned(),
                    Some(a) => format!("{scope}, {a}-based"),
                },
                total,
                fleet: prefix == "fleet-annual",
                accelerator: find(EnergyForm::Accelerator),
                facility: find(EnergyForm::Facility),
            };
            if row.accelerator.is_some() || row.facility.is_some() {
                out.push(row);
            }
        }
    }
    out
}

/// The rows of `e`'s energy section; empty when the scenario gives no energy.
pub(crate) fn rows(e: &Estimate) -> Vec<EnergyRow<'_>> {
    rows_of(&e.energy, "energy")
}

/// The rows of `e`'s emissions section (location-based first); empty without an intensity.
pub(crate) fn emission_rows(e: &Estimate) -> Vec<EnergyRow<'_>> {
    rows_of(&e.emissions, "emissions")
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

/// The emissions section's heading: what the figures are.
pub(crate) const EMISSIONS_NOTE: &str = "Emissions, tCO2e (medians and 90% intervals): each energy figure x the carbon intensity of its electricity, location-based (the grid where it was drawn) and, where known, market-based (after the owner's energy contracts); the hardware's embodied emissions are not included.";

/// Why a scenario has no energy section.
pub(crate) const NOT_MODELLED: &str =
    "Energy: not modelled (needs a `gpu` for its TDP, an [energy] table, or [ownership]).";
