//! A scenario file from one row of Epoch AI's cost table: any model Epoch costed, as an editable
//! TOML scenario whose every value says where in Epoch's work it comes from.
//!
//! The file is plain scenario TOML, parsed by [`crate::scenario::Scenario::parse`] like any
//! other, so what `traincost scenarios show epoch:NAME` prints is exactly what `traincost
//! estimate epoch:NAME` computes. It holds:
//!
//! - the final run: the row's chip-hours at Epoch's cloud price per chip-hour (its 3-year
//!   commitment equivalent, with the vendor and the quote's commitment named), the rental basis;
//! - `[ownership]`: Epoch's Method A inputs as the row records them (purchase price per chip,
//!   server included; acquisition and training-start dates; TDP, server power ratio, power
//!   fraction, PUE, electricity price), each carrying the width of Epoch's 90% interval
//!   (EPOCH_METHOD.md section 6, [`super::uncertainty`]) as a lognormal centred on the row's
//!   value, and the dates Epoch's +-120 days; so the layer's point estimate is the row's
//!   amortized cost;
//! - `[development]`: Epoch's experiment factor, LN90[1.2, 4], as the `epoch-study-*` built-ins;
//! - no `[staff]`: the table has no contributor counts, so staff is reported as not modelled.
//!
//! Money is in the dollars of the publication month (Epoch's nominal dollars), converted with
//! Epoch's deflator (PPI, data processing and hosting) to the version's real dollars
//! (December 2023 for the paper's rows, December 2024 for the June-2025 update).
//!
//! No I/O: the CLI resolves the name and prints or estimates the text.
//!
//! ```
//! use traincost_core::epoch::{scenario, table::CostTable};
//! use traincost_core::scenario::Scenario;
//!
//! let table = CostTable::embedded();
//! let row = scenario::find(table, "grok3", None).unwrap();
//! assert_eq!((row.model.as_str(), row.version.label()), ("Grok-3", "update_2025_06"));
//! let built = scenario::from_row(row).unwrap();
//! assert!(built.missing.is_empty());
//! let s = Scenario::parse(&built.toml).unwrap();
//! assert_eq!(s.file.name, "epoch-grok-3");
//! assert!(scenario::find(table, "grok-4", None).is_err());
//! ```

use std::fmt::{self, Write as _};

use super::table::{CostRow, CostTable};
use super::uncertainty::{self, Interval90};
use super::version::{CodeVersion, Settings};

/// A model name reduced to what a lookup compares: lowercase letters and digits only
/// (`Grok-3`, `GROK 3` and `grok3` are the same).
pub fn normalize(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// The version of Epoch's code a user names: the table's labels (`paper_v1`, `paper_v2`,
/// `update_2025_06`), case- and punctuation-insensitive, or the short forms `v1`, `v2`,
/// `2025-06` and `june-2025`.
pub fn parse_version(text: &str) -> Option<CodeVersion> {
    let n = normalize(text);
    match n.as_str() {
        "paperv1" | "v1" => Some(CodeVersion::PaperV1),
        "paperv2" | "v2" => Some(CodeVersion::PaperV2),
        "update202506" | "202506" | "june2025" | "jun2025" | "update" => {
            Some(CodeVersion::Update2025_06)
        }
        _ => None,
    }
}

/// How a version is named for people.
pub fn version_title(version: CodeVersion) -> &'static str {
    match version {
        CodeVersion::PaperV1 => "paper v1 (May 2024)",
        CodeVersion::PaperV2 => "paper v2 (December 2024)",
        CodeVersion::Update2025_06 => "June 2025 update",
        CodeVersion::Head => "head (April 2026)",
    }
}

/// Why a name finds no row.
#[derive(Debug, Clone, PartialEq)]
pub enum LookupError {
    /// No model of the table has this name; the closest names, best first.
    Unknown {
        /// The name asked for.
        name: String,
        /// The closest model names.
        suggestions: Vec<String>,
    },
    /// The model exists, but not at the version asked for.
    NoVersion {
        /// The model's name in the table.
        model: String,
        /// The version asked for.
        version: CodeVersion,
        /// The versions that have a row of the model.
        available: Vec<CodeVersion>,
    },
}

impl fmt::Display for LookupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LookupError::Unknown { name, suggestions } => {
                write!(
                    f,
                    "Epoch AI's cost table has no model named `{}`",
                    crate::excerpt(name)
                )?;
                match suggestions.as_slice() {
                    [] => write!(f, "; `traincost epoch --all` lists the 177 models"),
                    [one] => write!(f, "; did you mean `{one}`?"),
                    many => write!(
                        f,
                        "; did you mean one of: {}?",
                        many.iter()
                            .map(|s| format!("`{s}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                }
            }
            LookupError::NoVersion {
                model,
                version,
                available,
            } => write!(
                f,
                "Epoch AI's cost table has no `{version}` row for `{model}`; it has {}",
                available
                    .iter()
                    .map(|v| format!("`{v}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }
}

impl std::error::Error for LookupError {}

/// The row of the model called `name` (compared by [`normalize`]): at `version`, or the latest
/// version that has it (the June-2025 update, else paper v2, else paper v1).
pub fn find<'a>(
    table: &'a CostTable,
    name: &str,
    version: Option<CodeVersion>,
) -> Result<&'a CostRow, LookupError> {
    let wanted = normalize(name);
    let rows: Vec<&CostRow> = table
        .rows()
        .iter()
        .filter(|r| !wanted.is_empty() && normalize(&r.model) == wanted)
        .collect();
    if rows.is_empty() {
        return Err(LookupError::Unknown {
            name: name.to_owned(),
            suggestions: suggest(table, name),
        });
    }
    match version {
        Some(v) => rows
            .iter()
            .find(|r| r.version == v)
            .copied()
            .ok_or_else(|| {
                let mut available: Vec<CodeVersion> = rows.iter().map(|r| r.version).collect();
                available.sort();
                available.dedup();
                LookupError::NoVersion {
                    model: rows[0].model.clone(),
                    version: v,
                    available,
                }
            }),
        None => Ok(rows
            .iter()
            .max_by_key(|r| r.version)
            .copied()
            .expect("rows is not empty")),
    }
}

/// Up to three model names closest to `name` (Jaro-Winkler over normalized names, at least
/// 0.75), best first.
pub fn suggest(table: &CostTable, name: &str) -> Vec<String> {
    let wanted = normalize(name);
    if wanted.is_empty() || wanted.len() > 200 {
        return Vec::new();
    }
    let mut scored: Vec<(f64, &str)> = table
        .model_names()
        .into_iter()
        .map(|m| (strsim::jaro_winkler(&wanted, &normalize(m)), m))
        .filter(|(s, _)| *s >= 0.75)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
    scored
        .into_iter()
        .take(3)
        .map(|(_, m)| m.to_owned())
        .collect()
}

/// The scenario name of a model: `epoch-` and the model's name in kebab case
/// (`GPT-3 175B (davinci)` is `epoch-gpt-3-175b-davinci`).
pub fn scenario_name(model: &str) -> String {
    let mut out = String::from("epoch-");
    let mut dash = false;
    for c in model.chars() {
        if c.is_ascii_alphanumeric() || c == '.' {
            if dash && !out.ends_with('-') {
                out.push('-');
            }
            dash = false;
            out.push(c.to_ascii_lowercase());
        } else {
            dash = true;
        }
    }
    out
}

/// Something the row lacks, and what cannot be costed without it.
#[derive(Debug, Clone, PartialEq)]
pub struct Missing {
    /// The scenario field left out (`rental_price`, `ownership`).
    pub field: &'static str,
    /// The table's column(s) that are empty, and what that leaves out.
    pub why: String,
}

/// A scenario built from a row.
#[derive(Debug, Clone, PartialEq)]
pub struct RowScenario {
    /// The scenario's `name`.
    pub name: String,
    /// The scenario file.
    pub toml: String,
    /// What Epoch's row could not give. A missing `rental_price` leaves the file unable to
    /// estimate until one is added (every stage needs a rental price); a missing `ownership`
    /// leaves the amortized layer out.
    pub missing: Vec<Missing>,
}

/// Why no scenario can be built from a row.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error(
    "Epoch AI's `{version}` row for `{model}` has no {what}, so no scenario can be built: {hint}"
)]
pub struct RowError {
    /// The model.
    pub model: String,
    /// The version.
    pub version: CodeVersion,
    /// What is missing (the column).
    pub what: String,
    /// What to do.
    pub hint: String,
}

/// A TOML basic string.
fn q(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Text for a `#` comment: one line (control characters become spaces).
fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// A number as TOML writes it (the shortest text that reads back to the same `f64`).
/// (`{:?}` writes `57000000.0` or `1e25`, both TOML floats; no NaN or infinity reaches here.)
fn num(x: f64) -> String {
    format!("{x:?}")
}

/// A lognormal centred on `central` with the log-width of Epoch's interval: the scenario's
/// form of `range_of` in the stack's defaults (p5 = central / k, p95 = central x k).
fn centred(central: f64, interval: &Interval90) -> String {
    let k = (interval.high / interval.low).sqrt();
    format!("lognormal = [{}, {}]", num(central / k), num(central * k))
}

fn describe(interval: &Interval90) -> String {
    match interval.scale {
        uncertainty::Scale::Factor => format!("{}-{}x", interval.low, interval.high),
        _ => format!("{}-{}", interval.low, interval.high),
    }
}

fn money(x: f64) -> String {
    if x.abs() >= 1e9 {
        format!("${:.2}B", x / 1e9)
    } else if x.abs() >= 1e6 {
        format!("${:.2}M", x / 1e6)
    } else if x.abs() >= 1e3 {
        format!("${:.1}K", x / 1e3)
    } else {
        format!("${x:.2}")
    }
}

/// Builds the scenario file of `row`. Errors only when nothing can be built (no chip-hours,
/// no publication date); a row without a cloud price or without Method A's inputs gives a file
/// with [`RowScenario::missing`] saying what it lacks.
pub fn from_row(row: &CostRow) -> Result<RowScenario, RowError> {
    let err = |what: &str, hint: &str| RowError {
        model: row.model.clone(),
        version: row.version,
        what: what.to_owned(),
        hint: hint.to_owned(),
    };
    let chip_hours = row
        .chip_hours_used
        .filter(|c| c.0.is_finite() && c.0 > 0.0)
        .ok_or_else(|| {
            err(
                "chip-hours (`chip_hours_used` is empty: neither reported nor imputable from FLOP, hardware and time)",
                "write a scenario file with the run's GPU-hours from another source",
            )
        })?;
    let published = row.publication_date.ok_or_else(|| {
        err(
            "publication date (`publication_date` is empty)",
            "write a scenario file with `published` and `dollars` from another source",
        )
    })?;
    let settings = Settings::for_version(row.version);
    let source = format!(
        "Epoch AI, training-cost-trends, {} ({})",
        version_title(row.version),
        row.version.commit()
    );
    let name = scenario_name(&row.model);
    let pub_month = format!("{:04}-{:02}", published.year(), published.month());
    let target = settings.target_month;
    let target_text = target.to_string();
    let mut missing = Vec::new();

    let mut t = String::new();
    let _ = writeln!(
        t,
        "# {} as Epoch AI costs it: generated by traincost from Epoch's `{}` row of its cost table",
        one_line(&row.model),
        row.version
    );
    let _ = writeln!(
        t,
        "# (crates/core/data/epoch/epoch_cost_table.csv, line {}; the pipeline of",
        row.line
    );
    let _ = writeln!(
        t,
        "# epoch-research/training-cost-trends@{}, EPOCH_METHOD.md). Every value below names its",
        row.version.commit()
    );
    let _ = writeln!(
        t,
        "# source; edit any of them and run `traincost estimate this-file.toml`."
    );
    t.push_str("#\n");
    t.push_str(
        "# - final run: Epoch's chip-hours at Epoch's cloud price per chip-hour (rental basis);\n",
    );
    t.push_str("# - [ownership]: Epoch's amortized hardware, interconnect and energy (Method A), with the\n");
    t.push_str("#   width of Epoch's 90% interval on each input (EPOCH_METHOD.md section 6), so its point\n");
    t.push_str(
        "#   estimate is Epoch's figure; g (0.14 OOMs/year, 0.10-0.18) and the interconnect\n",
    );
    t.push_str("#   multiplier (1/(1-0.19), 1.07-1.32) are Epoch's defaults, left implicit;\n");
    t.push_str("# - [development]: Epoch's experiment factor (all compute over the final run);\n");
    t.push_str(
        "# - staff: not modelled (Epoch's table has no contributor counts), nor is the fleet.\n",
    );
    let recorded = &row.recorded;
    let mut epoch_figures = Vec::new();
    if let Some(x) = recorded.capex_energy_real {
        epoch_figures.push(format!("amortized hardware + energy {}", money(x)));
    }
    if let Some(x) = recorded.cloud_real {
        epoch_figures.push(format!("cloud {}", money(x)));
    }
    if !epoch_figures.is_empty() {
        let _ = writeln!(
            t,
            "# Epoch's figures for this row ({target_text} USD): {}.",
            epoch_figures.join(", ")
        );
    }
    if let Some(base) = &row.base_model {
        let _ = writeln!(
            t,
            "# A fine-tune of {}: this file costs the fine-tuning compute alone; Epoch's paper v1\n# adds the base model's cost to its figure, later versions give fine-tunes none.",
            one_line(base)
        );
    }
    if !row.flags.is_empty() {
        let _ = writeln!(t, "# Epoch's row notes: {}", one_line(&row.flags));
    }
    t.push('\n');

    let _ = writeln!(t, "name = {}", q(&name));
    let _ = writeln!(
        t,
        "title = {}",
        q(&format!(
            "{} (Epoch AI, {})",
            row.model,
            version_title(row.version)
        ))
    );
    if !row.organization.is_empty() {
        let _ = writeln!(t, "developer = {}", q(&row.organization));
    }
    let _ = writeln!(t, "published = {}", q(&published.to_string()));
    let _ = writeln!(
        t,
        "description = {}",
        q(&format!(
            "{} ({}, {}) from Epoch AI's cost table, {}: the final run at Epoch's cloud price and amortized by Epoch's method, development by Epoch's experiment factor; staff not modelled.",
            row.model,
            if row.organization.is_empty() {
                "organization not recorded"
            } else {
                &row.organization
            },
            row.hardware,
            version_title(row.version)
        ))
    );
    t.push_str(
        "# Epoch's nominal dollars are those of the publication month; its real dollars are the\n",
    );
    t.push_str(
        "# version's target month, by the producer price index for data processing and hosting.\n",
    );
    let _ = writeln!(t, "dollars = {}", q(&pub_month));
    t.push_str("index = \"ppi-data-processing\"\n");
    let _ = writeln!(t, "report_dollars = {}", q(&target_text));
    let _ = writeln!(t, "gpu = {}", q(&row.hardware));

    match row
        .cloud_price_per_chip_hour
        .filter(|p| p.is_finite() && *p > 0.0)
    {
        Some(price) => {
            let found = row
                .cloud_price_type
                .as_deref()
                .map(|s| {
                    s.trim_start_matches("Price per chip-hour (")
                        .trim_end_matches(')')
                        .to_owned()
                })
                .unwrap_or_else(|| "unrecorded commitment".into());
            let basis = if found == "3-year CUD" {
                "a 3-year CUD price".to_owned()
            } else {
                format!(
                    "the 3-year-CUD equivalent of a {found} price (Epoch's commitment discounts)"
                )
            };
            let _ = writeln!(
                t,
                "rental_price = {{ value = {}, unit = \"USD/GPU-hour\", assumption = {} }}",
                num(price),
                q(&format!(
                    "{source}: cloud price ${price} per chip-hour of {}, {basis}, {}{} (cloud.py, EPOCH_METHOD.md section 2)",
                    row.hardware,
                    row.cloud_vendor.as_deref().unwrap_or("vendor not recorded"),
                    row.cloud_price_date
                        .map(|d| format!(", quote of {d}"))
                        .unwrap_or_default()
                ))
            );
        }
        None => {
            let why = format!(
                "Epoch AI found no cloud price for {} (`cloud_price_per_chip_hour_3yr_cud_equiv` is empty), so it gives no cloud cost",
                one_line(&row.hardware)
            );
            let _ = writeln!(
                t,
                "# MISSING: {why}. Every stage needs a rental price: add one with its source, e.g.\n# rental_price = {{ value = 1.0, unit = \"USD/GPU-hour\", assumption = \"...\" }}"
            );
            missing.push(Missing {
                field: "rental_price",
                why,
            });
        }
    }

    t.push_str("\n[[stages]]\nname = \"final-run\"\n");
    let _ = writeln!(
        t,
        "gpu_hours = {{ value = {}, unit = \"GPU-hours\", assumption = {} }}",
        num(chip_hours.0),
        q(&format!(
            "{source}: chip-hours of the final run, {}{}",
            if row.chip_hours_method.is_empty() {
                "method not recorded"
            } else {
                &row.chip_hours_method
            },
            match (row.hardware_quantity, row.training_time) {
                (Some(n), Some(h)) => format!(" ({} x {} hours)", num(n.0), num(h.0)),
                _ => String::new(),
            }
        ))
    );

    // Method A's inputs.
    let ownership = (
        row.price_per_chip.filter(|p| p.is_finite() && *p > 0.0),
        row.acquisition_date,
        row.training_start,
        row.tdp.filter(|w| w.0.is_finite() && w.0 > 0.0),
        row_f64(row, "electricity"),
    );
    match ownership {
        (Some(price), Some(acquired), Some(start), Some(tdp), Some(electricity))
            if start >= acquired =>
        {
            let tpu = super::hardware::is_tpu(&row.hardware);
            let price_interval = if tpu {
                uncertainty::TPU_PRICE
            } else {
                uncertainty::GPU_PRICE
            };
            t.push_str("\n[ownership]\n");
            t.push_str("uncertainty = \"epoch\"\n");
            let what_price = match (
                row.purchase_price_raw,
                &row.purchase_price_row_hardware,
                row.purchase_price_row_date,
            ) {
                (Some(raw), Some(hw), Some(d)) => {
                    format!("${raw} for {hw} quoted {d}")
                }
                _ if tpu => "Epoch's TPU-equivalent release price (prices.py)".to_owned(),
                _ => "price row not recorded".to_owned(),
            };
            let overhead = row
                .server_overhead_applied
                .filter(|o| (*o - 1.0).abs() > 1e-12)
                .map(|o| format!(" x server overhead {o}"))
                .unwrap_or_default();
            let _ = writeln!(
                t,
                "purchase_price = {{ {}, unit = \"USD/GPU\", assumption = {} }}",
                centred(price, &price_interval),
                q(&format!(
                    "{source}: purchase price ${price} per chip, server included ({what_price}{overhead}; prices.py), 90% range {} (section 6)",
                    describe(&price_interval)
                ))
            );
            let _ = writeln!(t, "acquired = {}", q(&acquired.to_string()));
            let _ = writeln!(t, "training_start = {}", q(&start.to_string()));
            t.push_str("# The dates are Epoch's acquisition (price date + 90 days or release) and training start\n# (publication - 60 days - training time); Epoch's 90% range is +-120 days.\n");
            let _ = writeln!(
                t,
                "tdp = {{ value = {}, unit = \"W\", assumption = {} }}",
                num(tdp.0),
                q(&format!(
                    "{source}: TDP of the {} as this version's chip dataset records it (energy.py)",
                    row.hardware
                ))
            );
            if let Some(r) = row_f64(row, "server_power") {
                let _ = writeln!(
                    t,
                    "server_power_ratio = {{ value = {}, unit = \"x\", assumption = {} }}",
                    num(r),
                    q(&format!(
                        "{source}: server power over chip TDP for the {} (energy.py; no interval in Epoch's analysis)",
                        row.hardware
                    ))
                );
            }
            // The power fraction and PUE are Epoch's defaults for the `gpu` and the `developer`
            // (the rules Epoch's row applied), which carry Epoch's intervals; written out, a
            // power fraction's interval would pass 1 and be refused as a stated value.
            let tpu_word = if tpu { "TPU" } else { "GPU" };
            let fraction_interval = if tpu {
                uncertainty::TPU_POWER_FRACTION
            } else {
                uncertainty::GPU_POWER_FRACTION
            };
            if let Some(fr) = row_f64(row, "power_fraction") {
                let _ = writeln!(
                    t,
                    "# power_fraction: Epoch's default for a {tpu_word}, {fr} of TDP, 90% range {} (energy.py; section 6)",
                    describe(&fraction_interval)
                );
            }
            if let Some(p) = row_f64(row, "pue") {
                let i = if (p - super::PUE_HYPERSCALER).abs() < 1e-12 {
                    uncertainty::PUE_HYPERSCALER
                } else {
                    uncertainty::PUE_OTHER
                };
                let _ = writeln!(
                    t,
                    "# pue: Epoch's default for the developer, {p}, 90% range {} (energy.py; section 6)",
                    describe(&i)
                );
            }
            let i = uncertainty::ELECTRICITY_PRICE;
            let _ = writeln!(
                t,
                "electricity_price = {{ {}, unit = \"USD/kWh\", assumption = {} }}",
                centred(electricity, &i),
                q(&format!(
                    "{source}: US industrial electricity price of {} (publication year), ${electricity}/kWh (energy.py), 90% range {} (section 6)",
                    published.year(),
                    describe(&i)
                ))
            );
        }
        (price, acquired, start, tdp, electricity) => {
            let mut empty = Vec::new();
            if price.is_none() {
                empty.push("`acq_price_per_chip_usd`");
            }
            if acquired.is_none() {
                empty.push("`acquisition_date`");
            }
            if start.is_none() {
                empty.push("`training_start_date`");
            }
            if tdp.is_none() {
                empty.push("`chip_tdp_w`");
            }
            if electricity.is_none() {
                empty.push("`electricity_usd_per_kwh`");
            }
            let why = if empty.is_empty() {
                "Epoch's training start precedes its acquisition date, so Method A cannot amortize the hardware".to_owned()
            } else {
                format!(
                    "Epoch's row has no {} for {}, so it gives no amortized (Method A) cost",
                    empty.join(", "),
                    one_line(&row.hardware)
                )
            };
            let _ = writeln!(t, "\n# MISSING [ownership]: {why}.");
            missing.push(Missing {
                field: "ownership",
                why,
            });
        }
    }

    t.push_str("\n[development]\n");
    t.push_str("factor = { lognormal = [1.2, 4.0], unit = \"x\", assumption = \"Epoch AI's experiment factor: all compute (experiments and the final run) over the final run, 90% CI 1.2-4 (development_cost nb:84-94), as in the epoch-study-* built-ins\" }\n");
    Ok(RowScenario {
        name,
        toml: t,
        missing,
    })
}

/// The energy inputs the row records (not all are fields of [`CostRow`]).
fn row_f64(row: &CostRow, what: &str) -> Option<f64> {
    let v = match what {
        "electricity" => row.electricity_usd_per_kwh,
        "server_power" => row.chip_to_server_power,
        "power_fraction" => row.server_tdp_fraction,
        "pue" => row.pue,
        _ => None,
    };
    v.filter(|x| x.is_finite() && *x > 0.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Scenario;

    /// Any text in a row's strings stays inside its TOML string; a row without chip-hours or
    /// Method A's inputs says what it lacks instead of panicking.
    #[test]
    fn odd_rows_give_valid_toml_or_a_named_error() {
        let row = CostTable::embedded()
            .find(CodeVersion::Update2025_06, "Grok-3")
            .unwrap();
        let mut odd = row.clone();
        odd.model = "A \"quoted\" \\ name\nwith a newline\t\u{1}".into();
        odd.organization = "Org \"x\"".into();
        odd.flags = "line one\nline two".into();
        let built = from_row(&odd).unwrap();
        let s = Scenario::parse(&built.toml).unwrap();
        assert_eq!(s.file.developer.as_deref(), Some("Org \"x\""));
        assert_eq!(built.name, "epoch-a-quoted-name-with-a-newline");

        let mut no_capex = row.clone();
        no_capex.price_per_chip = None;
        no_capex.tdp = None;
        let built = from_row(&no_capex).unwrap();
        assert_eq!(built.missing.len(), 1);
        assert!(
            built.missing[0]
                .why
                .contains("`acq_price_per_chip_usd`, `chip_tdp_w`")
        );
        assert!(!built.toml.contains("\n[ownership]\n"));
        assert!(Scenario::parse(&built.toml).unwrap().to_spec(None).is_ok());

        let mut nothing = row.clone();
        nothing.chip_hours_used = None;
        let e = from_row(&nothing).unwrap_err();
        assert!(e.to_string().contains("chip_hours_used"), "{e}");
    }

    #[test]
    fn versions_and_names() {
        assert_eq!(parse_version("paper_v1"), Some(CodeVersion::PaperV1));
        assert_eq!(parse_version("V2"), Some(CodeVersion::PaperV2));
        assert_eq!(parse_version("2025-06"), Some(CodeVersion::Update2025_06));
        assert_eq!(parse_version("head"), None);
        assert_eq!(
            scenario_name("GPT-3 175B (davinci)"),
            "epoch-gpt-3-175b-davinci"
        );
        assert_eq!(scenario_name("Llama 3.1-405B"), "epoch-llama-3.1-405b");
    }
}
