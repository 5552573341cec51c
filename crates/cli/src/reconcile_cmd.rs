//! `traincost reconcile`: the cost stack from the headline to the fleet, and beside each layer
//! every sourced claim about that scope, with whether the layer's 90% interval contains it,
//! which claims disagree and why, and each layer as a multiple of the headline.
//!
//! The reconciliation itself (which claims are about a scenario, beside which layer, and how
//! they compare) is `traincost_analysis::reconcile`; this command runs it and renders it.
//! The JSON document is described in docs/REPORTS.md.

pub(crate) mod render;

use std::path::PathBuf;
use std::process::ExitCode;

use traincost_analysis::reconcile;

use crate::output;

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Format {
    /// Text for people: one screen.
    Table,
    /// The stable JSON document (see docs/REPORTS.md).
    Json,
    /// Markdown, ready to paste into an article.
    Markdown,
}

/// Arguments of `traincost reconcile`.
#[derive(Debug, clap::Args)]
#[command(
    after_long_help = "Examples:\n  traincost reconcile deepseek-v3\n  traincost reconcile deepseek-v3 --format markdown --output story.md --chart stack.svg\n  traincost reconcile mine.toml --format json"
)]
pub(crate) struct ReconcileArgs {
    /// A built-in scenario (`traincost scenarios list`) or a path to a scenario TOML file.
    scenario: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// Write to this file (atomically) instead of stdout.
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// Also write the cost stack with claim markers as an SVG chart to this file.
    #[arg(long, value_name = "FILE.svg")]
    chart: Option<PathBuf>,
    #[command(flatten)]
    run: crate::run_options::RunOptions,
}

pub(crate) fn run(args: ReconcileArgs) -> anyhow::Result<ExitCode> {
    crate::term::set_output_file(args.output.is_some());
    let (claims, registry) = args.run.load()?;
    let supplier = crate::plugin_supplier::PluginSupplier(&registry);
    let built =
        crate::model_load::build_model(&args.scenario, args.run.money(), &claims, &supplier)?;
    let config = args
        .run
        .config(crate::run_options::DEFAULT_SAMPLES, Vec::new());
    let report = built.estimate_report(&claims, &config, &mut |_| {})?;
    let rec = reconcile(&built.compiled.scenario.file, &report, &claims);
    let text = match args.format {
        Format::Json => serde_json::to_string_pretty(&rec)? + "\n",
        Format::Table => render::table(&rec),
        Format::Markdown => render::markdown(&rec),
    };
    // The chart first: a failure to write it leaves the main output untouched.
    if let Some(path) = &args.chart {
        let svg = crate::chart::stack::from_reconciliation(&rec);
        output::write_atomically(path, svg.as_bytes())?;
    }
    output::emit(args.output.as_deref(), &text)?;
    Ok(ExitCode::SUCCESS)
}
