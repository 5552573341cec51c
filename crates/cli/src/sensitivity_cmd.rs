//! `traincost sensitivity`: which uncertain inputs drive a layer (tornado analysis).
//!
//! For each uncertain input, the layer's Monte Carlo median with that input fixed at its 5th
//! and then its 95th percentile, every other input uncertain, the same random numbers in every
//! run (`traincost_core::sensitivity::tornadoes`). Bars are sorted by swing and each input is
//! named with its source: the claims it cites (claimant, title, date, URL) or its assumption.
//! The outputs and the runs are `traincost_analysis::sensitivity`; this command renders them.
//! Method and JSON: docs/SENSITIVITY.md.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use traincost_analysis::estimate::ClaimSource;
use traincost_analysis::sensitivity::{
    self, BarView, Outputs, SAMPLES_PER_RUN, Sensitivity, SensitivityOptions,
};

use crate::chart::tornado::value;
use crate::diagnostic::Diagnostic;
use crate::model_load;
use crate::output;

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Format {
    /// Tables for people.
    Table,
    /// JSON (see docs/SENSITIVITY.md).
    Json,
    /// Markdown, ready to paste into an article.
    Markdown,
}

/// Arguments of `traincost sensitivity`.
#[derive(Debug, clap::Args)]
#[command(
    after_long_help = "Examples:\n  traincost sensitivity deepseek-v3\n  traincost sensitivity deepseek-v3 --layer staff --chart staff.svg\n  traincost sensitivity gpt-4 --layer all --format json --output gpt4-tornado.json\n\nMethod and JSON: docs/SENSITIVITY.md."
)]
pub(crate) struct SensitivityArgs {
    /// A built-in scenario (`traincost scenarios list`) or a path to a scenario TOML file.
    scenario: String,
    /// The layer (or total, component or metric) to analyse, or `all` for every layer and
    /// total; a compute layer or total named without its basis (`development-compute`) is
    /// the one on the scenario's basis. Default: development compute on the scenario's basis,
    /// else final-run-ownership, else the first layer.
    #[arg(long, value_name = "ID")]
    layer: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// Write to this file (atomically) instead of stdout.
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// Also write the tornado chart as SVG to this file. With `--layer all`, one file per
    /// layer: `NAME-LAYER.svg`.
    #[arg(long, value_name = "FILE.svg")]
    chart: Option<PathBuf>,
    /// Show only the N inputs with the largest swing (the JSON always has every bar).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    top: Option<u64>,
    #[command(flatten)]
    run: crate::run_options::RunOptions,
}

pub(crate) fn run(args: SensitivityArgs) -> anyhow::Result<ExitCode> {
    crate::term::set_output_file(args.output.is_some());
    // Fail before the work if an output cannot be written.
    for p in args.output.iter().chain(&args.chart) {
        crate::output::check_output_dir(p)?;
    }
    let (claims, registry) = args.run.load()?;
    let supplier = crate::plugin_supplier::PluginSupplier(&registry);
    let built = model_load::build_model(&args.scenario, args.run.money(), &claims, &supplier)?;
    let outputs = match args.layer.as_deref() {
        None => Outputs::Default,
        Some("all") => Outputs::All,
        Some(id) => Outputs::Id(id),
    };
    let ids = outputs
        .resolve(&built.compiled)
        .map_err(|e| layer_diagnostic(&e))?;
    // Every run uses the same random numbers, so swings are stable with fewer samples than an
    // estimate needs (each uncertain input costs two runs).
    let config = args.run.config(SAMPLES_PER_RUN, Vec::new());
    tracing::info!(outputs = ?ids, "tornado");
    let options = SensitivityOptions {
        outputs: &ids,
        config: &config,
    };
    let report = sensitivity::run(&built.compiled, &claims, &options).map_err(|e| match e {
        traincost_core::sensitivity::SensitivityError::NonFiniteSamples(e) => {
            anyhow::Error::new(built.non_finite(&e))
        }
        e @ traincost_core::sensitivity::SensitivityError::NonFinite { .. } => {
            anyhow::Error::new(built.non_finite_text(e.to_string()))
        }
        e => anyhow::anyhow!("{e}"),
    })?;
    let top = args.top.map_or(usize::MAX, |n| n as usize);
    let text = match args.format {
        Format::Json => serde_json::to_string_pretty(&report)? + "\n",
        Format::Table => crate::term::fit_lines(&render_table(&report, top)),
        Format::Markdown => render_markdown(&report, top),
    };
    if let Some(chart) = &args.chart {
        let many = report.tornadoes.len() > 1;
        for t in &report.tornadoes {
            let path = if many {
                chart_path(chart, &t.output)
            } else {
                chart.clone()
            };
            output::write_atomically(&path, crate::chart::tornado::svg(&t.tornado).as_bytes())?;
            tracing::info!("wrote {}", path.display());
        }
    }
    output::emit(args.output.as_deref(), &text)?;
    Ok(ExitCode::SUCCESS)
}

/// An unknown `--layer`, with the closest id and what exists.
fn layer_diagnostic(e: &sensitivity::UnknownOutput) -> Diagnostic {
    let mut hint = match &e.closest {
        Some(c) => format!("did you mean `{c}`? "),
        None => String::new(),
    };
    let _ = write!(hint, "{}; or `all`", e.available);
    Diagnostic::new(e.to_string()).field("--layer").hint(hint)
}

/// `dir/tornado.svg` for layer `id` -> `dir/tornado-id.svg` (`/` in ids becomes `-`).
fn chart_path(base: &Path, id: &str) -> PathBuf {
    let stem = base
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "tornado".to_owned());
    let ext = base
        .extension()
        .map(|e| e.to_string_lossy().into_owned())
        .unwrap_or_else(|| "svg".to_owned());
    base.with_file_name(format!("{stem}-{}.{ext}", id.replace('/', "-")))
}

/// A bar's source for a table cell: its claims with claimant and date, or its assumption.
fn source_line(b: &BarView) -> String {
    let cited = b
        .sources
        .iter()
        .map(|s| format!("{} ({}, {})", s.claim, s.claimant, s.date_label()))
        .collect::<Vec<_>>()
        .join("; ");
    match (&b.bar.assumption, cited.is_empty()) {
        (None, false) => format!("claim {cited}"),
        (None, true) if b.bar.claims.is_empty() => String::new(),
        (None, true) => format!("claim {}", b.bar.claims.join(", ")),
        (Some(a), true) => format!("assumption: {a}"),
        (Some(a), false) => format!("assumption: {a}; informed by {cited}"),
    }
}

/// Every claim cited by the shown bars, once, in order of first appearance.
fn cited_sources(r: &Sensitivity, top: usize) -> Vec<&ClaimSource> {
    let mut out: Vec<&ClaimSource> = Vec::new();
    for t in &r.tornadoes {
        for b in t.bars.iter().take(top) {
            for s in &b.sources {
                if !out.iter().any(|o| o.claim == s.claim) {
                    out.push(s);
                }
            }
        }
    }
    out
}

fn percent(share: f64) -> String {
    format!("{:.0}%", share * 100.0)
}

fn render_table(r: &Sensitivity, top: usize) -> String {
    let mut out = String::new();
    for t in &r.tornadoes {
        // Dollars only for money: an energy or emissions figure has none.
        let dollars = if t.unit.starts_with("USD") {
            format!(", {} USD ({})", r.dollar_year, r.price_index)
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "{} — what drives {} (`{}`){dollars}",
            r.title, t.label, t.output
        );
        let _ = writeln!(
            out,
            "Median {} with every input uncertain. Each row: the median with one input fixed at \
             its 5th / 95th percentile ({} samples per run, seed {}).\n",
            value(t.median, &t.unit),
            crate::format::count(r.samples),
            r.seed
        );
        if t.bars.is_empty() {
            out.push_str("No uncertain input moves this output: it is fixed by its inputs.\n\n");
            continue;
        }
        let mut table = crate::term::Grid::new([
            "# input",
            "input p5 → p95",
            "at p5",
            "at p95",
            "swing",
            "source",
        ])
        .right_align(&[2, 3, 4]);
        for (i, b) in t.bars.iter().take(top).enumerate() {
            table.row([
                format!("{}. {}", i + 1, crate::term::nobreak(&b.bar.input)),
                format!(
                    "{} → {}",
                    value(b.bar.input_p5, &b.bar.unit),
                    value(b.bar.input_p95, &b.bar.unit)
                ),
                value(b.bar.output_at_p5, &t.unit),
                value(b.bar.output_at_p95, &t.unit),
                format!(
                    "{} ({})",
                    value(b.bar.swing, &t.unit),
                    percent(b.swing_share)
                ),
                source_line(b),
            ]);
        }
        let _ = writeln!(out, "{}", table.render());
        if t.bars.len() > top {
            let _ = writeln!(
                out,
                "... and {} more inputs with smaller swings (drop --top to see them).",
                t.bars.len() - top
            );
        }
        if !t.no_effect.is_empty() {
            let _ = writeln!(
                out,
                "Uncertain inputs that do not move {}: {}.",
                t.output,
                t.no_effect
                    .iter()
                    .map(|n| crate::term::nobreak(n))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
        out.push('\n');
    }
    let sources = cited_sources(r, top);
    if !sources.is_empty() {
        out.push_str("Sources of cited claims:\n");
        for s in sources {
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

fn render_markdown(r: &Sensitivity, top: usize) -> String {
    let cell = |s: &str| s.replace('|', "\\|").replace('\n', " ");
    let mut out = String::new();
    for t in &r.tornadoes {
        let dollars = if t.unit.starts_with("USD") {
            format!(" ({} USD)", r.dollar_year)
        } else {
            String::new()
        };
        let _ = writeln!(out, "## {}: what drives {}{dollars}\n", r.title, t.label);
        let _ = writeln!(
            out,
            "Median {} with every input uncertain. Each row fixes one input at its 5th and then \
             its 95th percentile, every other input uncertain; {} Monte Carlo samples per run, \
             seed {}.\n",
            value(t.median, &t.unit),
            crate::format::count(r.samples),
            r.seed
        );
        if t.bars.is_empty() {
            out.push_str("No uncertain input moves this output.\n\n");
            continue;
        }
        out.push_str(
            "| # | input | input p5 → p95 | at p5 | at p95 | swing | source |\n\
             |---:|---|---|---:|---:|---:|---|\n",
        );
        for (i, b) in t.bars.iter().take(top).enumerate() {
            let source = if b.sources.is_empty() {
                source_line(b)
            } else {
                // One link per source: several claims often come from one article.
                let mut links: Vec<String> = Vec::new();
                for s in &b.sources {
                    let link = format!("[{}, {}]({})", s.claimant, s.date_label(), s.url);
                    if !links.contains(&link) {
                        links.push(link);
                    }
                }
                let links = links.join("; ");
                match &b.bar.assumption {
                    Some(a) => format!("assumption: {a}; informed by {links}"),
                    None => links,
                }
            };
            let _ = writeln!(
                out,
                "| {} | `{}` | {} → {} | {} | {} | {} ({}) | {} |",
                i + 1,
                cell(&b.bar.input),
                value(b.bar.input_p5, &b.bar.unit),
                value(b.bar.input_p95, &b.bar.unit),
                value(b.bar.output_at_p5, &t.unit),
                value(b.bar.output_at_p95, &t.unit),
                value(b.bar.swing, &t.unit),
                percent(b.swing_share),
                cell(&source)
            );
        }
        if t.bars.len() > top {
            let _ = writeln!(
                out,
                "\n{} more inputs have smaller swings.",
                t.bars.len() - top
            );
        }
        if !t.no_effect.is_empty() {
            let _ = writeln!(
                out,
                "\nDoes not depend on: {}.",
                t.no_effect
                    .iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
        out.push('\n');
    }
    let sources = cited_sources(r, top);
    if !sources.is_empty() {
        out.push_str("### Sources\n\n");
        for s in sources {
            let _ = writeln!(
                out,
                "- `{}`: {}, [{}]({}), {}",
                s.claim,
                s.claimant,
                cell(&s.title),
                s.url,
                s.date_label()
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chart_paths_for_every_layer_keep_directory_and_extension() {
        assert_eq!(
            chart_path(Path::new("out/t.svg"), "development-compute"),
            PathBuf::from("out/t-development-compute.svg")
        );
        assert_eq!(
            chart_path(Path::new("t"), "final-run-rental/pre-training"),
            PathBuf::from("t-final-run-rental-pre-training.svg")
        );
    }
}
