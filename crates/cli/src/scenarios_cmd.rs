//! `traincost scenarios`: the built-in scenarios and the scenario format.

use std::fmt::Write as _;
use std::process::ExitCode;

use traincost_core::scenario::{self, Scenario};

use crate::output;

/// Arguments of `traincost scenarios`.
#[derive(Debug, clap::Args)]
pub(crate) struct ScenariosArgs {
    #[command(subcommand)]
    command: ScenariosCommand,
}

#[derive(Debug, clap::Subcommand)]
enum ScenariosCommand {
    /// List the built-in scenarios.
    List,
    /// Print a built-in scenario's TOML, or the one built from Epoch AI's row for a model
    /// (`epoch:"Grok-3"`), to copy and edit.
    Show {
        /// Scenario name, or `epoch:NAME` for a model of Epoch AI's cost table.
        name: String,
    },
    /// Print the JSON schema of the scenario format.
    Schema,
}

pub(crate) fn run(args: ScenariosArgs) -> anyhow::Result<ExitCode> {
    let text = match args.command {
        ScenariosCommand::List => {
            let mut out = String::new();
            for name in scenario::builtin_names() {
                let s = Scenario::builtin(name).expect("built-in");
                let f = &s.file;
                let summary = f
                    .description
                    .as_deref()
                    .and_then(|d| d.lines().next())
                    .unwrap_or("");
                let _ = writeln!(
                    out,
                    "{name:<20} {:<20} {:<11} {summary}",
                    f.title.as_deref().unwrap_or(name),
                    f.published.as_deref().unwrap_or("")
                );
            }
            out.push_str("\nRun `traincost estimate NAME`, or `traincost scenarios show NAME > my.toml` to start your own.\n");
            out
        }
        ScenariosCommand::Show { name } => crate::scenario_load::show_source(&name)?,
        ScenariosCommand::Schema => scenario::json_schema(),
    };
    output::emit(None, &text)?;
    Ok(ExitCode::SUCCESS)
}
