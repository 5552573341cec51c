//! `traincost epoch`: Epoch AI's published training-cost method, row by row.
//!
//! `traincost epoch MODEL` recomputes one model's costs from the inputs Epoch's pipeline used
//! (embedded reference table, no file needed at run time) and shows Method A's components (AI
//! chips, other server components, interconnect, energy), the cloud (B) and acquisition (C)
//! figures, and how they compare with Epoch's published values. `--all` recomputes the whole
//! table.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use crate::term::Grid;
use traincost_core::epoch::costs::{Blocked, Components, EpochCosts, Input, Method};
use traincost_core::epoch::table::{CostRow, CostTable};
use traincost_core::epoch::{CodeVersion, Settings};
use traincost_core::units::DollarDate;

use crate::diagnostic::Diagnostic;
use crate::output::emit;

/// Arguments of `traincost epoch`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  traincost epoch GPT-4\n  traincost epoch \"Gemini 1.0 \
                        Ultra\" --code-version paper_v1 --format json\n  traincost epoch --all \
                        --format csv --output epoch.csv"
)]
pub(crate) struct EpochArgs {
    /// Model name as in Epoch's table (case-insensitive), e.g. "GPT-4".
    #[arg(required_unless_present = "all", conflicts_with = "all")]
    model: Option<String>,
    /// Recompute every row of Epoch's table.
    #[arg(long)]
    all: bool,
    /// Only this code version: paper_v1, paper_v2 or update_2025_06 (default: every version).
    #[arg(long, value_name = "VERSION", value_parser = parse_version)]
    code_version: Option<CodeVersion>,
    /// Express real costs in these dollars (YYYY-MM or YYYY) instead of the version's own
    /// (Dec-2023 for the paper, Dec-2024 for the 2025 update); disables the comparison.
    #[arg(long, value_name = "YYYY-MM")]
    dollars: Option<DollarDate>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// Write to this file (atomically) instead of stdout.
    #[arg(short, long, value_name = "PATH")]
    output: Option<PathBuf>,
}

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    /// Human-readable tables.
    Table,
    /// JSON.
    Json,
    /// CSV, one line per model and version.
    Csv,
    /// Markdown tables.
    Markdown,
}

fn parse_version(s: &str) -> Result<CodeVersion, String> {
    let v = match s.to_ascii_lowercase().as_str() {
        "v1" | "paper_v1" | "paper-v1" => CodeVersion::PaperV1,
        "v2" | "paper_v2" | "paper-v2" => CodeVersion::PaperV2,
        "2025" | "update_2025_06" | "update-2025-06" => CodeVersion::Update2025_06,
        _ => {
            return Err(format!(
                "unknown code version `{}`: use paper_v1, paper_v2 or update_2025_06",
                traincost_claims::excerpt(s)
            ));
        }
    };
    Ok(v)
}

/// One row recomputed.
struct Computed<'a> {
    row: &'a CostRow,
    estimate: EpochCosts,
    /// Whether real values are in the version's own dollars (so comparable with Epoch's).
    comparable: bool,
}

impl Computed<'_> {
    fn real(&self, m: Method) -> Result<f64, Blocked> {
        self.estimate.real(m)
    }

    /// Relative error of our real value against Epoch's published value.
    fn err_published(&self, m: Method) -> Option<f64> {
        let published = self.row.published(m).value?;
        rel_err(self.real(m).ok()?, published).filter(|_| self.comparable)
    }

    /// Relative error against the value Epoch's pipeline computes for this row.
    fn err_pipeline(&self, m: Method) -> Option<f64> {
        let theirs = self.row.recorded.real(m)?;
        rel_err(self.real(m).ok()?, theirs).filter(|_| self.comparable)
    }

    fn blocked(&self) -> Vec<Blocked> {
        Method::ALL
            .iter()
            .filter_map(|&m| self.real(m).err())
            .collect()
    }
}

fn rel_err(ours: f64, theirs: f64) -> Option<f64> {
    (theirs != 0.0).then(|| ours / theirs - 1.0)
}

pub(crate) fn run(args: EpochArgs) -> anyhow::Result<ExitCode> {
    crate::term::set_output_file(args.output.is_some());
    let table = CostTable::embedded();
    if let Some(d) = args.dollars
        && let Err(e) = traincost_core::money::PriceIndex::ppi_data_processing().value(d)
    {
        return Err(Diagnostic::new(format!(
            "cannot express costs in {d} dollars: the PPI (PCU518210518210) covers {} to {}",
            e.first, e.last
        ))
        .field("--dollars")
        .hint("choose a month in that range, e.g. --dollars 2024-12")
        .into());
    }
    let rows: Vec<&CostRow> = match &args.model {
        Some(name) => {
            let found = table.find_all(name.trim());
            if found.is_empty() {
                return Err(unknown_model(table, name).into());
            }
            let filtered: Vec<&CostRow> = found
                .iter()
                .copied()
                .filter(|r| args.code_version.is_none_or(|v| r.version == v))
                .collect();
            if filtered.is_empty() {
                let have: Vec<&str> = found.iter().map(|r| r.version.label()).collect();
                return Err(Diagnostic::new(format!(
                    "`{}` has no row for code version {}",
                    found[0].model,
                    args.code_version.map_or("?", CodeVersion::label)
                ))
                .field("--code-version")
                .hint(format!("it has rows for: {}", have.join(", ")))
                .into());
            }
            filtered
        }
        None => table
            .rows()
            .iter()
            .filter(|r| args.code_version.is_none_or(|v| r.version == v))
            .collect(),
    };

    let computed: Vec<Computed<'_>> = rows
        .into_iter()
        .map(|row| {
            let mut settings = Settings::for_version(row.version);
            let comparable = args.dollars.is_none_or(|d| d == settings.target_month);
            if let Some(d) = args.dollars {
                settings = settings.with_target_month(d);
            }
            Computed {
                row,
                estimate: table.estimate(row, &settings),
                comparable,
            }
        })
        .collect();

    let text = match (args.format, args.all) {
        (Format::Csv, _) => render_csv(&computed),
        (Format::Json, _) => render_json(&computed)?,
        (Format::Table, true) => crate::term::fit_lines(&render_summary(&computed, false)),
        (Format::Markdown, true) => render_summary(&computed, true),
        (Format::Table, false) => crate::term::fit_lines(&render_detail(&computed, false)),
        (Format::Markdown, false) => render_detail(&computed, true),
    };
    // `traincost epoch --all | head`: a closed stdout ends the run quietly (see `main`).
    emit(args.output.as_deref(), &text)?;
    Ok(ExitCode::SUCCESS)
}

fn unknown_model(table: &CostTable, name: &str) -> Diagnostic {
    let wanted = name.trim().to_lowercase();
    let mut scored: Vec<(f64, &str)> = table
        .model_names()
        .into_iter()
        .map(|m| {
            let lower = m.to_lowercase();
            let mut score = traincost_claims::similarity(&wanted, &lower);
            if !wanted.is_empty() && (lower.contains(&wanted) || wanted.contains(&lower)) {
                score = score.max(0.9);
            }
            (score, m)
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    let close: Vec<String> = scored
        .iter()
        .filter(|(s, _)| *s >= 0.7)
        .take(5)
        .map(|(_, m)| format!("`{m}`"))
        .collect();
    let hint = if close.is_empty() {
        "`traincost epoch --all` lists every model in Epoch's table".to_owned()
    } else {
        format!(
            "did you mean {}? (`traincost epoch --all` lists every model)",
            close.join(", ")
        )
    };
    Diagnostic::new(format!(
        "no model named `{}` in Epoch's cost table ({} models)",
        traincost_claims::excerpt(name.trim()),
        table.model_names().len()
    ))
    .hint(hint)
}

/// `$40,586,593` (cents below $1,000).
fn usd(x: f64) -> String {
    if !x.is_finite() {
        return x.to_string();
    }
    let neg = x < 0.0;
    let a = x.abs();
    let s = if a < 1000.0 {
        format!("{a:.2}")
    } else {
        let whole = format!("{:.0}", a);
        let mut out = String::new();
        for (i, c) in whole.chars().enumerate() {
            if i > 0 && (whole.len() - i) % 3 == 0 {
                out.push(',');
            }
            out.push(c);
        }
        out
    };
    format!("{}${s}", if neg { "-" } else { "" })
}

fn pct(e: Option<f64>) -> String {
    match e {
        Some(e) if e.abs() < 5e-7 => "0.00%".to_owned(),
        Some(e) => format!("{:+.4}%", e * 100.0),
        None => String::new(),
    }
}

fn or_blocked(v: Result<f64, Blocked>) -> String {
    match v {
        Ok(x) => usd(x),
        Err(b) => format!("— ({})", short(&b.input)),
    }
}

/// A short label for a missing input, for table cells (the full reason is printed below).
fn short(input: &Input) -> String {
    match input {
        Input::ChipHours => "no chip-hours".into(),
        Input::PurchasePrice => "no price".into(),
        Input::AcquisitionDate => "no acquisition date".into(),
        Input::TrainingStart => "no training start".into(),
        Input::Tdp => "no TDP".into(),
        Input::PublicationDate => "no publication date".into(),
        Input::ElectricityPrice(y) => format!("no $/kWh for {y}"),
        Input::HardwareQuantity => "no quantity".into(),
        Input::CloudPrice => "no cloud price".into(),
        Input::PriceIndex => "no PPI".into(),
        Input::BaseModel(_) => "base model".into(),
    }
}

/// `57,000,000` (two decimals below 1,000).
fn count(x: f64) -> String {
    usd(x).replacen('$', "", 1)
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map_or_else(|| "—".to_owned(), |x| x.to_string())
}

fn dollars_label(c: &Computed<'_>) -> String {
    c.estimate.target.to_string()
}

fn render_summary(computed: &[Computed<'_>], markdown: bool) -> String {
    let mut t = Grid::new(vec![
        "version",
        "model",
        "dollars",
        "A: hardware+energy",
        "published",
        "error",
        "B: cloud",
        "published",
        "error",
        "C: acquisition",
        "published",
        "error",
    ])
    .markdown(markdown);
    for c in computed {
        let mut cells = vec![
            c.row.version.label().to_owned(),
            c.row.model.clone(),
            dollars_label(c),
        ];
        for m in Method::ALL {
            cells.push(or_blocked(c.real(m)));
            cells.push(c.row.published(m).value.map_or(String::new(), usd));
            cells.push(pct(c.err_published(m)));
        }
        t.row(cells);
    }
    let mut out = t.render();
    out.push('\n');
    let _ = writeln!(
        out,
        "{} rows; errors are against Epoch's published values (real dollars). \
         `--format csv` adds the components and the error against Epoch's own pipeline.",
        computed.len()
    );
    out
}

/// Reads one of Method A's components.
type ComponentGetter = fn(&Components) -> f64;

fn render_detail(computed: &[Computed<'_>], markdown: bool) -> String {
    let mut out = String::new();
    for c in computed {
        let r = c.row;
        let settings = Settings::for_version(r.version);
        let title = format!(
            "{} — Epoch AI method, {} (commit {}), real costs in {} USD",
            r.model,
            r.version,
            r.version.commit(),
            dollars_label(c)
        );
        if markdown {
            let _ = writeln!(out, "## {title}\n");
        } else {
            let _ = writeln!(out, "{title}\n");
        }

        let mut inputs = Grid::new(vec!["input", "value"]).markdown(markdown);
        inputs.row(vec![
            "published".to_owned(),
            format!("{} by {}", opt(r.publication_date), r.organization),
        ]);
        inputs.row(vec![
            "hardware".to_owned(),
            format!(
                "{} x {}",
                r.hardware_quantity
                    .map_or_else(|| "? (not reported)".to_owned(), |q| count(q.0)),
                r.hardware
            ),
        ]);
        inputs.row(vec![
            "chip-hours".to_owned(),
            match r.chip_hours_used {
                Some(h) => format!("{} ({})", count(h.0), r.chip_hours_method),
                None => "— (no reported chip-hours, quantity x time, or compute)".to_owned(),
            },
        ]);
        inputs.row(vec![
            "price per chip".to_owned(),
            match r.price_per_chip {
                Some(p) => format!(
                    "{} ({}{}{})",
                    usd(p),
                    r.purchase_price_row_hardware
                        .as_deref()
                        .unwrap_or("TPU-equivalent estimate"),
                    r.purchase_price_row_date
                        .map_or(String::new(), |d| format!(", quoted {d}")),
                    match r.server_overhead_applied {
                        Some(o) if o != 1.0 => format!(", x{o} server overhead"),
                        _ => String::new(),
                    }
                ),
                None => "—".to_owned(),
            },
        ]);
        inputs.row(vec![
            "acquired / training start".to_owned(),
            format!("{} / {}", opt(r.acquisition_date), opt(r.training_start)),
        ]);
        if let (Some(p), Some(v)) = (r.cloud_price_per_chip_hour, &r.cloud_vendor) {
            inputs.row(vec![
                "cloud price".to_owned(),
                format!(
                    "${p:.4}/chip-hour 3-year equivalent ({v}, {}{})",
                    r.cloud_price_type
                        .as_deref()
                        .unwrap_or("?")
                        .trim_start_matches("Price per chip-hour (")
                        .trim_end_matches(')'),
                    r.cloud_price_date
                        .map_or(String::new(), |d| format!(", quoted {d}"))
                ),
            ]);
        }
        if let Ok(a) = &c.estimate.capex_energy {
            inputs.row(vec![
                "depreciation".to_owned(),
                format!(
                    "{:.3} years at g = {} OOM/yr: value at start {}",
                    a.years_depreciated.0,
                    settings.g_ooms_per_year,
                    usd(a.value_at_start)
                ),
            ]);
            let f = a.energy_factors;
            inputs.row(vec![
                "energy".to_owned(),
                format!(
                    "{} W x {:.4} server x {} avg power x PUE {} = {} kWh at ${}/kWh",
                    f.tdp.0,
                    f.chip_to_server_power,
                    f.average_power_fraction,
                    f.pue,
                    count(a.energy_kwh.0),
                    a.electricity_usd_per_kwh
                ),
            ]);
        }
        if let Some(b) = &r.base_model {
            inputs.row(vec![
                "base model".to_owned(),
                match settings.fine_tunes {
                    traincost_core::epoch::FineTuneHandling::AddBaseModelCost => {
                        format!("{b} (its cost is added, as v1 does)")
                    }
                    _ => format!("{b} (this version gives fine-tunes no cost)"),
                },
            ]);
        }
        let _ = writeln!(out, "{}\n", inputs.render());

        let mut comps =
            Grid::new(vec!["method A component", "nominal", "real", "Epoch"]).markdown(markdown);
        let factor = c.estimate.inflation_factor.clone().ok();
        match c.estimate.components() {
            Ok(k) => {
                let theirs = r.recorded.components.unwrap_or_default();
                let rows: [(&str, ComponentGetter); 4] = [
                    ("AI chips", |k| k.ai_chips),
                    ("other server components", |k| k.other_server),
                    ("cluster interconnect", |k| k.interconnect),
                    ("energy", |k| k.energy),
                ];
                for (name, get) in rows {
                    comps.row(vec![
                        name.to_owned(),
                        usd(get(&k)),
                        factor.map_or("—".to_owned(), |f| usd(get(&k) * f)),
                        r.recorded
                            .components
                            .map_or(String::new(), |_| format!("{} nominal", usd(get(&theirs)))),
                    ]);
                }
            }
            Err(b) => {
                comps.row(vec![
                    "all".to_owned(),
                    format!("— ({})", short(&b.input)),
                    String::new(),
                    String::new(),
                ]);
            }
        }
        let _ = writeln!(out, "{}\n", comps.render());

        let mut methods = Grid::new(vec![
            "method",
            "nominal",
            "real",
            "Epoch's pipeline",
            "published",
            "error vs published",
        ])
        .markdown(markdown);
        for m in Method::ALL {
            methods.row(vec![
                m.to_string(),
                or_blocked(c.estimate.nominal(m)),
                or_blocked(c.real(m)),
                r.recorded.real(m).map_or(String::new(), usd),
                r.published(m).value.map_or(String::new(), usd),
                pct(c.err_published(m)),
            ]);
        }
        let _ = writeln!(out, "{}", methods.render());
        for b in c.blocked() {
            let _ = writeln!(
                out,
                "blocked: {b} (reference column `{}`)",
                b.input.column()
            );
        }
        let _ = writeln!(out, "{}", raw_check(r, &settings));
        if !c.comparable {
            let _ = writeln!(
                out,
                "note: real costs are in {} dollars, Epoch's in {}; no error is computed",
                dollars_label(c),
                settings.target_month
            );
        }
        if !r.flags.is_empty() {
            let _ = writeln!(out, "notes: {}", r.flags);
        }
        for m in Method::ALL {
            let p = r.published(m);
            if p.value.is_some() && !p.source.is_empty() {
                let _ = writeln!(out, "source ({}): {}", m.name(), p.source);
            }
        }
        out.push('\n');
    }
    out
}

/// Re-derives the row's inputs from its raw fields with Epoch's rules and says which agree.
fn raw_check(r: &CostRow, settings: &Settings) -> String {
    use traincost_core::epoch::chips::ChipTable;
    use traincost_core::epoch::prices::HardwarePrices;
    use traincost_core::epoch::raw::{RawInputs, derive};
    let raw = RawInputs {
        model: r.model.clone(),
        hardware: r.hardware.clone(),
        organization: r.organization.clone(),
        publication_date: r.publication_date,
        hardware_quantity: r.hardware_quantity,
        training_time: r.training_time,
        chip_hours_reported: r.chip_hours_reported,
        training_compute: r.training_compute,
        utilization: r.utilization_reported,
        base_model: r.base_model.clone(),
        tdp_override: r.tdp,
    };
    let (i, d) = derive(
        &raw,
        settings,
        HardwarePrices::embedded(),
        ChipTable::embedded(),
    );
    let close = |a: Option<f64>, b: Option<f64>| match (a, b) {
        (Some(a), Some(b)) => (a - b).abs() <= 1e-9 * b.abs().max(1.0),
        (None, None) => true,
        _ => false,
    };
    let checks = [
        (
            "chip-hours",
            close(i.chip_hours.map(|h| h.0), r.chip_hours_used.map(|h| h.0)),
        ),
        ("price", close(i.price_per_chip, r.price_per_chip)),
        ("acquisition date", i.acquisition_date == r.acquisition_date),
        ("training start", i.training_start == r.training_start),
        (
            "cloud quote",
            close(i.cloud_price_per_chip_hour, r.cloud_price_per_chip_hour),
        ),
    ];
    let agree: Vec<&str> = checks.iter().filter(|c| c.1).map(|c| c.0).collect();
    let differ: Vec<&str> = checks.iter().filter(|c| !c.1).map(|c| c.0).collect();
    let mut line = format!(
        "rules re-applied to the raw fields (traincost_core::epoch::raw): {} agree with Epoch's run",
        if agree.is_empty() {
            "none".to_owned()
        } else {
            agree.join(", ")
        }
    );
    if !differ.is_empty() {
        let _ = write!(line, "; {} differ", differ.join(", "));
        if let Err(e) = &d.purchase {
            let _ = write!(line, " ({e})");
        }
        let today = ChipTable::embedded()
            .get(&r.hardware)
            .and_then(|c| c.peak_flop_per_s());
        if let (Some(theirs), Some(ours)) = (r.peak_flop_per_s_used, today)
            && differ.contains(&"chip-hours")
        {
            let _ = write!(
                line,
                " (peak FLOP/s: Epoch's run read {:e}, today's chip table {:e})",
                theirs.0, ours.0
            );
        }
    }
    line
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

/// An amount for CSV: full precision, never scientific notation.
fn num(v: Option<f64>) -> String {
    v.map_or(String::new(), |x| x.to_string())
}

/// A relative error for CSV: scientific notation, 4 significant digits.
fn ratio(v: Option<f64>) -> String {
    v.map_or(String::new(), |x| format!("{x:.3e}"))
}

fn method_key(m: Method) -> &'static str {
    match m {
        Method::CapexEnergy => "capex_energy",
        Method::Cloud => "cloud",
        Method::Acquisition => "acquisition",
    }
}

fn render_csv(computed: &[Computed<'_>]) -> String {
    let mut header: Vec<String> = [
        "version",
        "model",
        "hardware",
        "chip_hours",
        "dollars",
        "ai_chip_usd",
        "other_server_usd",
        "interconnect_usd",
        "energy_usd",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for m in Method::ALL {
        let k = method_key(m);
        for suffix in [
            "nominal_usd",
            "real_usd",
            "published_real_usd",
            "rel_error",
            "pipeline_real_usd",
            "rel_error_vs_pipeline",
        ] {
            header.push(format!("{k}_{suffix}"));
        }
    }
    header.push("blocked".to_owned());
    let mut out = header.join(",");
    out.push('\n');
    for c in computed {
        let comps = c.estimate.components().ok();
        let mut f: Vec<String> = vec![
            c.row.version.label().to_owned(),
            c.row.model.clone(),
            c.row.hardware.clone(),
            num(c.row.chip_hours_used.map(|h| h.0)),
            dollars_label(c),
            num(comps.map(|k| k.ai_chips)),
            num(comps.map(|k| k.other_server)),
            num(comps.map(|k| k.interconnect)),
            num(comps.map(|k| k.energy)),
        ];
        for m in Method::ALL {
            f.push(num(c.estimate.nominal(m).ok()));
            f.push(num(c.real(m).ok()));
            f.push(num(c.row.published(m).value));
            f.push(ratio(c.err_published(m)));
            f.push(num(c.row.recorded.real(m)));
            f.push(ratio(c.err_pipeline(m)));
        }
        f.push(
            c.blocked()
                .iter()
                .map(|b| format!("{}: needs {}", b.method, b.input))
                .collect::<Vec<_>>()
                .join("; "),
        );
        let line: Vec<String> = f.iter().map(|s| csv_field(s)).collect();
        out.push_str(&line.join(","));
        out.push('\n');
    }
    out
}

fn render_json(computed: &[Computed<'_>]) -> anyhow::Result<String> {
    use serde_json::{Map, Value, json};
    let rows: Vec<Value> = computed
        .iter()
        .map(|c| {
            let r = c.row;
            let comps = c.estimate.components();
            let mut methods = Map::new();
            for m in Method::ALL {
                let v = match c.real(m) {
                    Ok(real) => json!({
                        "nominal_usd": c.estimate.nominal(m).ok(),
                        "real_usd": real,
                        "published_real_usd": r.published(m).value,
                        "published_source": Some(&r.published(m).source).filter(|s| !s.is_empty()),
                        "rel_error_vs_published": c.err_published(m),
                        "pipeline_real_usd": r.recorded.real(m),
                        "rel_error_vs_pipeline": c.err_pipeline(m),
                    }),
                    Err(b) => json!({
                        "blocked": {
                            "input": b.input.to_string(),
                            "column": b.input.column(),
                            "reason": b.reason,
                        },
                        "published_real_usd": r.published(m).value,
                    }),
                };
                methods.insert(method_key(m).to_owned(), v);
            }
            json!({
                "version": r.version.label(),
                "commit": r.version.commit(),
                "model": r.model,
                "organization": r.organization,
                "publication_date": r.publication_date.map(|d| d.to_string()),
                "hardware": r.hardware,
                "hardware_quantity": r.hardware_quantity.map(|q| q.0),
                "chip_hours": r.chip_hours_used.map(|h| h.0),
                "chip_hours_method": r.chip_hours_method,
                "price_per_chip_usd": r.price_per_chip,
                "price_row": r.purchase_price_row_hardware,
                "price_date": r.purchase_price_row_date.map(|d| d.to_string()),
                "cloud_vendor": r.cloud_vendor,
                "cloud_price_type": r.cloud_price_type,
                "cloud_price_date": r.cloud_price_date.map(|d| d.to_string()),
                "cloud_price_per_chip_hour_3yr": r.cloud_price_per_chip_hour,
                "acquisition_date": r.acquisition_date.map(|d| d.to_string()),
                "training_start": r.training_start.map(|d| d.to_string()),
                "base_model": r.base_model,
                "dollars": dollars_label(c),
                "inflation_factor": c.estimate.inflation_factor.clone().ok(),
                "components_nominal_usd": comps.as_ref().ok().map(|k| json!({
                    "ai_chips": k.ai_chips,
                    "other_server": k.other_server,
                    "interconnect": k.interconnect,
                    "energy": k.energy,
                })),
                "methods": methods,
                "flags": Some(&r.flags).filter(|s| !s.is_empty()),
            })
        })
        .collect();
    let mut s = serde_json::to_string_pretty(&rows)?;
    s.push('\n');
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_and_percent_formatting() {
        assert_eq!(usd(40_586_592.58), "$40,586,593");
        assert_eq!(usd(999.5), "$999.50");
        assert_eq!(usd(-1234.0), "-$1,234");
        assert_eq!(usd(100_000.0), "$100,000");
        assert_eq!(pct(Some(0.0216)), "+2.1600%");
        assert_eq!(pct(Some(1e-9)), "0.00%");
        assert_eq!(pct(None), "");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"x\""), "\"say \"\"x\"\"\"");
    }

    #[test]
    fn unknown_models_get_suggestions() {
        let d = unknown_model(CostTable::embedded(), "gemini ultra");
        let s = d.to_string();
        assert!(s.contains("Gemini 1.0 Ultra"), "{s}");
        let d = unknown_model(CostTable::embedded(), "zzzzqqq");
        assert!(d.to_string().contains("--all"));
    }

    #[test]
    fn versions_parse() {
        assert_eq!(parse_version("v1"), Ok(CodeVersion::PaperV1));
        assert_eq!(
            parse_version("update_2025_06"),
            Ok(CodeVersion::Update2025_06)
        );
        assert!(parse_version("v9").is_err());
    }
}
