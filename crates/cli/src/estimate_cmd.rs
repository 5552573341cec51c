//! `traincost estimate`: the whole cost stack of one scenario, with 90% intervals and sources.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use serde::Serialize;
use traincost_claims::ClaimSet;
use traincost_core::dist::format_number;
use traincost_core::estimate::{Estimate, Figure, estimate};
use traincost_core::montecarlo::RunConfig;

use traincost_core::units::DollarDate;

use crate::format::{amount, money};
use crate::model_load::{self, ClaimSource};
use crate::output;

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Format {
    /// Tables for people.
    Table,
    /// The stable JSON document (see docs/ESTIMATE_JSON.md).
    Json,
    /// One row per layer, component, total and metric.
    Csv,
    /// Markdown, ready to paste into an article.
    Markdown,
}

/// Arguments of `traincost estimate`.
#[derive(Debug, clap::Args)]
#[command(
    after_long_help = "Examples:\n  traincost estimate deepseek-v3\n  traincost estimate gpt-4 --samples 1000000 --format json --output gpt4.json\n  traincost scenarios show deepseek-v3 > mine.toml && traincost estimate mine.toml"
)]
pub(crate) struct EstimateArgs {
    /// A built-in scenario (`traincost scenarios list`) or a path to a scenario TOML file.
    scenario: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// Write to this file (atomically) instead of stdout.
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// Also write the cost stack as an SVG chart (log scale, 90% intervals) to this file.
    #[arg(long, value_name = "FILE.svg")]
    chart: Option<PathBuf>,
    /// Also report this percentile (0-100); repeatable.
    #[arg(long = "percentile", value_name = "P")]
    percentiles: Vec<f64>,
    #[command(flatten)]
    run: crate::run_options::RunOptions,
}

/// The published figure a scenario rebuilds, and what traincost rebuilds it to.
#[derive(Debug, Serialize)]
pub(crate) struct Headline {
    /// Claim id.
    pub(crate) claim: String,
    /// Who said it.
    pub(crate) claimant: String,
    /// The claimed value (low end of a range).
    pub(crate) claimed: f64,
    /// High end, for a range.
    pub(crate) claimed_high: Option<f64>,
    /// Central value of the stages that make it up.
    pub(crate) rebuilt: f64,
    /// Those stages.
    pub(crate) stages: Vec<String>,
}

/// What `estimate` prints: the core estimate, the headline and the sources of cited claims.
#[derive(Debug, Serialize)]
pub(crate) struct Report {
    /// Schema version of this JSON document.
    pub(crate) schema_version: u32,
    /// Title of the model.
    pub(crate) title: String,
    #[serde(flatten)]
    pub(crate) estimate: Estimate,
    /// The headline figure, if the scenario names one.
    pub(crate) headline: Option<Headline>,
    /// Every cited claim's source.
    pub(crate) sources: Vec<ClaimSource>,
}

/// Builds the report for a scenario name or path.
pub(crate) fn build_report(
    scenario: &str,
    dollars: Option<DollarDate>,
    claims: &ClaimSet,
    supplier: &dyn traincost_core::scenario::Supplier,
    config: &RunConfig,
    progress: &mut dyn FnMut(u64),
) -> anyhow::Result<Report> {
    let built = model_load::build_model(scenario, dollars, claims, supplier)?;
    Ok(report_for(&built, claims, config, progress))
}

/// Runs the estimate of a built model and adds the headline check and the cited sources.
pub(crate) fn report_for(
    built: &model_load::BuiltModel,
    claims: &ClaimSet,
    config: &RunConfig,
    progress: &mut dyn FnMut(u64),
) -> Report {
    let file = &built.scenario.file;
    let est = estimate(
        built.name(),
        &built.model,
        built.dollars,
        built.price_index,
        config,
        progress,
    );

    let headline = file.headline.as_ref().and_then(|h| {
        let c = claims.get(h.claim.get_ref())?;
        let own: Vec<String> = file.stages.iter().map(|s| s.name.clone()).collect();
        let stages = h.stages.clone().unwrap_or(own);
        let rebuilt = stages
            .iter()
            .filter_map(|s| est.figure(&format!("final-run-rental/{s}")))
            .map(|f| f.central)
            .sum();
        Some(Headline {
            claim: c.id.clone(),
            claimant: c.claimant.clone(),
            claimed: c.value.number(),
            claimed_high: c.value.high(),
            rebuilt,
            stages,
        })
    });
    let mut ids: Vec<&str> = built.cited.iter().map(|r| r.id.as_str()).collect();
    if let Some(h) = &file.headline {
        ids.push(h.claim.get_ref());
    }
    ids.sort_unstable();
    ids.dedup();
    let sources = ids
        .iter()
        .filter_map(|id| model_load::claim_source(claims, id))
        .collect();
    Report {
        schema_version: 1,
        title: built.title().to_owned(),
        estimate: est,
        headline,
        sources,
    }
}

pub(crate) fn run(args: EstimateArgs) -> anyhow::Result<ExitCode> {
    for &p in &args.percentiles {
        anyhow::ensure!(
            p > 0.0 && p < 100.0,
            "--percentile {p} is out of range: give a number between 0 and 100"
        );
    }
    let config = args.run.config(
        crate::run_options::DEFAULT_SAMPLES,
        args.percentiles.clone(),
    );
    let (claims, registry) = args.run.load()?;
    let supplier = crate::plugin_supplier::PluginSupplier(&registry);
    let bar = progress_bar(config.samples);
    let report = build_report(
        &args.scenario,
        args.run.dollar_year,
        &claims,
        &supplier,
        &config,
        &mut |done| bar.set_position(done),
    )?;
    bar.finish_and_clear();
    let text = match args.format {
        Format::Json => serde_json::to_string_pretty(&report)? + "\n",
        Format::Csv => render_csv(&report.estimate),
        Format::Table => render_table(&report),
        Format::Markdown => render_markdown(&report),
    };
    if let Some(path) = &args.chart {
        output::write_atomically(path, crate::chart::stack::from_report(&report).as_bytes())?;
    }
    output::emit(args.output.as_deref(), &text)?;
    Ok(ExitCode::SUCCESS)
}

/// A progress bar on stderr for runs long enough to need one (hidden when stderr is not a terminal).
fn progress_bar(samples: u64) -> indicatif::ProgressBar {
    use std::io::IsTerminal;
    if samples < 5_000_000 || !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(samples);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} sampling {human_pos}/{human_len} [{bar:30}] {eta}",
        )
        .expect("valid template")
        .progress_chars("=> "),
    );
    bar
}

fn all_rows(e: &Estimate) -> Vec<(&Figure, &'static str)> {
    let mut rows = Vec::new();
    for l in &e.layers {
        rows.push((l, "layer"));
        rows.extend(l.components.iter().map(|c| (c, "component")));
    }
    rows.extend(e.totals.iter().map(|t| (t, "total")));
    rows.extend(e.metrics.iter().map(|m| (m, "metric")));
    rows
}

fn render_csv(e: &Estimate) -> String {
    let mut out = String::from("id,kind,label,unit,dollar_year,central,mean,sd,p5,p50,p95\n");
    let q = |s: &str| {
        if s.contains([',', '"']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s.to_owned()
        }
    };
    for (f, kind) in all_rows(e) {
        let _ = writeln!(
            out,
            "{},{kind},{},{},{},{},{},{},{},{},{}",
            q(&f.id),
            q(&f.label),
            f.unit,
            e.dollar_year,
            f.central,
            f.mean,
            f.sd,
            f.p5,
            f.p50,
            f.p95
        );
    }
    out
}

fn headline_line(r: &Report) -> Option<String> {
    let h = r.headline.as_ref()?;
    let claimed = match h.claimed_high {
        Some(hi) => format!("{} to {}", money(h.claimed), money(hi)),
        None => money(h.claimed),
    };
    let verdict = match h.claimed_high {
        Some(hi) if h.rebuilt >= h.claimed && h.rebuilt <= hi => {
            "within the claimed range".to_owned()
        }
        None if (h.rebuilt - h.claimed).abs() <= 0.005 * h.claimed => "reproduced".to_owned(),
        _ => format!("rebuilt to {}", money(h.rebuilt)),
    };
    Some(format!(
        "Headline: {claimed} ({}, claim {}); the stages [{}] at the stated prices give {} centrally: {verdict}.",
        h.claimant,
        h.claim,
        h.stages.join(", "),
        money(h.rebuilt)
    ))
}

fn render_table(r: &Report) -> String {
    use comfy_table::{
        Cell, CellAlignment, ContentArrangement, Table, presets::UTF8_FULL_CONDENSED,
    };
    let e = &r.estimate;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} — cost stack in {} USD ({}; {} samples, seed {})",
        r.title,
        e.dollar_year,
        e.price_index,
        format_number(e.samples as f64),
        e.seed
    );
    if let Some(h) = headline_line(r) {
        let _ = writeln!(out, "{h}");
    }
    if !e.not_modelled.is_empty() {
        let list: Vec<String> = e
            .not_modelled
            .iter()
            .map(|n| format!("{} (needs {})", n.id, n.needs))
            .collect();
        let _ = writeln!(out, "Not modelled in this scenario: {}.", list.join("; "));
    }
    out.push('\n');
    let mut t = Table::new();
    t.load_style(UTF8_FULL_CONDENSED).set_header([
        "layer",
        "central",
        "mean",
        "p5",
        "median",
        "p95",
        "x final run",
    ]);
    let base = e.layers.first().map(|l| l.central).unwrap_or(f64::NAN);
    let mut push = |f: &Figure, indent: &str, ratio: bool| {
        let name = if indent.is_empty() || indent == "= " {
            f.id.as_str()
        } else {
            f.id.rsplit('/').next().unwrap_or(&f.id)
        };
        let mut cells = vec![Cell::new(format!("{indent}{name}"))];
        for v in [f.central, f.mean, f.p5, f.p50, f.p95] {
            cells.push(Cell::new(amount(&f.unit, v)).set_alignment(CellAlignment::Right));
        }
        let x = if ratio && base > 0.0 && f.unit == "USD" {
            format!("{:.1}x", f.central / base)
        } else {
            String::new()
        };
        cells.push(Cell::new(x).set_alignment(CellAlignment::Right));
        t.add_row(cells);
    };
    for l in &e.layers {
        push(l, "", true);
        for c in &l.components {
            push(c, "  · ", false);
        }
    }
    for tot in &e.totals {
        push(tot, "= ", true);
    }
    for m in &e.metrics {
        push(m, "", false);
    }
    let _ = writeln!(out, "{t}");
    out.push_str("\nWhat each layer counts:\n");
    for f in e.layers.iter().chain(&e.totals) {
        let _ = writeln!(out, "  {}: {}.", f.id, f.includes);
        let _ = writeln!(
            out,
            "  {:width$}  leaves out {}.",
            "",
            f.excludes,
            width = f.id.len()
        );
    }
    out.push_str("\nInputs (money in the report's dollars):\n");
    let mut t = Table::new();
    t.load_style(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(terminal_width())
        .set_header(["input", "value", "unit", "source"]);
    for i in &e.inputs {
        let source = match (&i.assumption, i.claims.as_slice()) {
            (None, ids) => format!("claim {}", ids.join(", ")),
            (Some(a), []) => format!("assumption: {a}"),
            (Some(a), ids) => format!("assumption: {a} (claims {})", ids.join(", ")),
        };
        let source = match &i.note {
            Some(n) => format!("{source} [{n}]"),
            None => source,
        };
        t.add_row([
            i.name.clone(),
            i.description.clone(),
            i.unit.clone(),
            source,
        ]);
    }
    let _ = writeln!(out, "{t}");
    if !r.sources.is_empty() {
        out.push_str("\nSources of cited claims:\n");
        for s in &r.sources {
            let _ = writeln!(
                out,
                "  {}: {}, \"{}\", {}, {}",
                s.claim,
                s.claimant,
                s.title,
                s.date_label(),
                s.url
            );
        }
    }
    out
}

/// The terminal's width from `COLUMNS`, else 120.
fn terminal_width() -> u16 {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .filter(|w| *w >= 60)
        .unwrap_or(120)
}

fn render_markdown(r: &Report) -> String {
    let e = &r.estimate;
    let mut out = format!("## {}: cost stack ({} USD)\n\n", r.title, e.dollar_year);
    if let Some(h) = headline_line(r) {
        let _ = writeln!(out, "{h}\n");
    }
    if !e.not_modelled.is_empty() {
        let list: Vec<String> = e
            .not_modelled
            .iter()
            .map(|n| format!("`{}` (needs {})", n.id, n.needs))
            .collect();
        let _ = writeln!(out, "Not modelled in this scenario: {}.\n", list.join("; "));
    }
    out.push_str("| layer | central | p5 | median | p95 | includes | leaves out |\n|---|---:|---:|---:|---:|---|---|\n");
    for f in e.layers.iter().chain(&e.totals) {
        let _ = writeln!(
            out,
            "| {} (`{}`) | {} | {} | {} | {} | {} | {} |",
            f.label,
            f.id,
            amount(&f.unit, f.central),
            amount(&f.unit, f.p5),
            amount(&f.unit, f.p50),
            amount(&f.unit, f.p95),
            f.includes,
            f.excludes
        );
    }
    let _ = writeln!(
        out,
        "\n{} Monte Carlo samples, seed {}; intervals are 90%.\n",
        format_number(e.samples as f64),
        e.seed
    );
    out.push_str("### Inputs\n\n| input | value | unit | source |\n|---|---|---|---|\n");
    for i in &e.inputs {
        let src = i.assumption.clone().map_or_else(
            || format!("claim `{}`", i.claims.join("`, `")),
            |a| format!("assumption: {a}"),
        );
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {} |",
            i.name,
            i.description,
            i.unit,
            src.replace('|', "/")
        );
    }
    if !r.sources.is_empty() {
        out.push_str("\n### Sources\n\n");
        for s in &r.sources {
            let _ = writeln!(
                out,
                "- `{}`: {}, [{}]({}), {}",
                s.claim,
                s.claimant,
                s.title,
                s.url,
                s.date_label()
            );
        }
    }
    out
}
