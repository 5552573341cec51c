//! `traincost scenarios`: the built-in scenarios and the scenario format.

use std::process::ExitCode;

use traincost_core::scenario::{self, Scenario};

use crate::diagnostic::Diagnostic;
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
    /// Print a built-in scenario's TOML, to copy and edit.
    Show {
        /// Scenario name.
        name: String,
    },
    /// Print the JSON schema of the scenario format.
    Schema,
}

pub(crate) fn run(args: ScenariosArgs) -> anyhow::Result<ExitCode> {
    let text = match args.command {
        ScenariosCommand::List => {
            let mut t = crate::term::Grid::new(["scenario", "model", "published", "about"]);
            for name in scenario::builtin_names() {
                let s = Scenario::builtin(name).expect("built-in");
                let f = &s.file;
                let summary = f
                    .description
                    .as_deref()
                    .and_then(|d| d.lines().next())
                    .unwrap_or("");
                t.row([
                    name,
                    f.title.as_deref().unwrap_or(name),
                    f.published.as_deref().unwrap_or(""),
                    summary,
                ]);
            }
            let mut out = t.render() + "\n";
            out.push_str("\nRun `traincost estimate NAME`, or `traincost scenarios show NAME > my.toml` to start your own.\n");
            out = crate::term::fit_lines(&out);
            out
        }
        ScenariosCommand::Show { name } => match scenario::builtin_source(&name) {
            Some(src) => src.to_owned(),
            None => {
                return Err(Diagnostic::new(format!(
                    "no built-in scenario named `{}`",
                    traincost_claims::excerpt(&name)
                ))
                .hint(format!(
                    "built-in scenarios: {}",
                    scenario::builtin_names().join(", ")
                ))
                .into());
            }
        },
        ScenariosCommand::Schema => scenario::json_schema(),
    };
    output::emit(None, &text)?;
    Ok(ExitCode::SUCCESS)
}
