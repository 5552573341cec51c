//! `traincost scenarios`: the built-in scenarios and the scenario format.

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
            let mut t = crate::term::Grid::new(["scenario", "model", "published", "about"]);
            for name in scenario::builtin_names() {
                let s = Scenario::builtin(name).expect("built-in");
                let f = &s.file;
                let summary = first_sentence(f.description.as_deref().unwrap_or(""));
                t.row([
                    name,
                    f.title.as_deref().unwrap_or(name),
                    f.published.as_deref().unwrap_or(""),
                    &summary,
                ]);
            }
            let mut out = t.render() + "\n";
            out.push_str("\nRun `traincost estimate NAME`, or `traincost scenarios show NAME > my.toml` to start your own.\n");
            out = crate::term::fit_lines(&out);
            out
        }
        ScenariosCommand::Show { name } => crate::scenario_load::show_source(&name)?,
        ScenariosCommand::Schema => scenario::json_schema(),
    };
    output::emit(None, &text)?;
    Ok(ExitCode::SUCCESS)
}

/// The first sentence of a description, its lines joined: up to the first `.`, `!` or `?`
/// followed by a space (so `$5.576M` and `e.g.` inside a word do not end it), or all of it.
fn first_sentence(description: &str) -> String {
    let text = description.split_whitespace().collect::<Vec<_>>().join(" ");
    let bytes = text.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        if matches!(b, b'.' | b'!' | b'?') && bytes.get(i + 1) == Some(&b' ') {
            return text[..=i].to_owned();
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_has_a_description_and_its_summary_is_a_whole_sentence() {
        for name in scenario::builtin_names() {
            let s = Scenario::builtin(name).unwrap();
            let d = s.file.description.as_deref().unwrap_or("");
            assert!(!d.trim().is_empty(), "{name} has no description");
            let first = first_sentence(d);
            assert!(first.ends_with(['.', '!', '?']), "{name}: {first}");
            let joined = d.split_whitespace().collect::<Vec<_>>().join(" ");
            assert!(joined.starts_with(&first), "{name}: {first}");
        }
        assert_eq!(
            first_sentence("It cost $5.576M in\nall. Then more."),
            "It cost $5.576M in all."
        );
        assert_eq!(first_sentence("No full stop"), "No full stop");
    }
}
