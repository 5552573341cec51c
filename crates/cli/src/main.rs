//! `traincost`: what did it really cost to train this AI model, and what does the headline
//! figure leave out?

mod bottom_line;
mod chart;
mod claims_cmd;
mod compare_cmd;
mod diagnostic;
mod energy;
mod epoch_cmd;
mod estimate_cmd;
mod format;
mod html;
mod model_load;
mod models_cmd;
mod output;
mod plugin_host;
mod plugin_supplier;
mod plugins_cmd;
mod reconcile_cmd;
mod report_cmd;
mod run_options;
mod scenario_load;
mod scenarios_cmd;
mod sensitivity_cmd;
mod shell_cmd;
mod term;

use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};

/// What did it really cost to train this AI model, and what does the headline leave out?
///
/// traincost rebuilds a headline training-cost figure from its inputs, then stacks the layers
/// the headline leaves out (development compute, staff, the owner's fleet), each with its
/// method, its sources and a 90% interval.
#[derive(Debug, Parser)]
#[command(
    name = "traincost",
    version,
    propagate_version = true,
    max_term_width = 100
)]
struct Cli {
    /// More logging on stderr (-v info, -vv debug, -vvv trace). RUST_LOG overrides.
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    verbose: u8,
    /// Only errors on stderr, and no progress bar.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    quiet: bool,
    /// Which version of Epoch AI's table an `epoch:NAME` scenario is built from: paper_v1,
    /// paper_v2 or update_2025_06 (default: the model's latest).
    #[arg(long, global = true, value_name = "VERSION")]
    epoch_version: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Cost a model: every layer of the stack with a 90% interval and the source of every input.
    Estimate(estimate_cmd::EstimateArgs),
    /// The cost stack from the headline to the fleet, beside every sourced claim about each scope.
    Reconcile(reconcile_cmd::ReconcileArgs),
    /// Which uncertain inputs drive a layer (tornado analysis).
    Sensitivity(sensitivity_cmd::SensitivityArgs),
    /// Two scenarios side by side, layer by layer.
    Compare(compare_cmd::CompareArgs),
    /// A self-contained HTML report: the stack, charts, inputs, sources, claims and conflicts.
    Report(report_cmd::ReportArgs),
    /// Every built-in and every Epoch AI model in one table, in one dollar year, with the
    /// frontier's cost growth beside Epoch's published rate.
    Models(models_cmd::ModelsArgs),
    /// List the built-in scenarios, print one to edit, or print the scenario schema.
    Scenarios(scenarios_cmd::ScenariosArgs),
    /// Browse and audit the sourced claims behind every number.
    Claims(claims_cmd::ClaimsArgs),
    /// Epoch AI's published cost method, row by row.
    Epoch(epoch_cmd::EpochArgs),
    /// List, inspect and check pricing and salary plugins.
    Plugins(plugins_cmd::PluginsArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions(shell_cmd::CompletionsArgs),
    /// Print the man page, or write one per command into a directory.
    Man(shell_cmd::ManArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_tracing(cli.verbose, cli.quiet);
    term::set_quiet(cli.quiet);
    if let Err(d) = scenario_load::set_epoch_version(cli.epoch_version.as_deref()) {
        diagnostic::report(&d.into());
        return ExitCode::FAILURE;
    }
    let result = match cli.command {
        Command::Estimate(args) => estimate_cmd::run(args),
        Command::Scenarios(args) => scenarios_cmd::run(args),
        Command::Reconcile(args) => reconcile_cmd::run(args),
        Command::Sensitivity(args) => sensitivity_cmd::run(args),
        Command::Compare(args) => compare_cmd::run(args),
        Command::Report(args) => report_cmd::run(args),
        Command::Models(args) => models_cmd::run(args),
        Command::Claims(args) => claims_cmd::run(args),
        Command::Epoch(args) => epoch_cmd::run(args),
        Command::Plugins(args) => plugins_cmd::run(args),
        Command::Completions(args) => shell_cmd::completions(args, Cli::command()),
        Command::Man(args) => shell_cmd::man(args, Cli::command()),
    };
    if let Some(kib) = peak_rss_kib() {
        tracing::info!(peak_rss_kib = kib, "done");
    }
    match result {
        Ok(code) => code,
        // `traincost ... | head`: the reader has what it wanted; stop quietly, as ripgrep does.
        Err(err) if output::is_stdout_closed(&err) => ExitCode::SUCCESS,
        Err(err) => {
            diagnostic::report(&err);
            ExitCode::FAILURE
        }
    }
}

/// Peak resident set size of this process (Linux `VmHWM`), for `-v` and `cargo xtask bench`.
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status.lines().find_map(|l| {
        l.strip_prefix("VmHWM:")?
            .trim()
            .strip_suffix("kB")?
            .trim()
            .parse()
            .ok()
    })
}

fn init_tracing(verbose: u8, quiet: bool) {
    use tracing_subscriber::EnvFilter;
    let default = match (quiet, verbose) {
        (true, _) => "error",
        (false, 0) => "warn",
        (false, 1) => "info",
        (false, 2) => "debug",
        (false, _) => "trace",
    };
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_target(false)
        .without_time()
        .init();
}
