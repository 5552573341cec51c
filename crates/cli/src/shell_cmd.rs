//! `traincost completions SHELL` and `traincost man`: shell completion scripts and man pages,
//! generated from the command-line definition itself by clap's own crates (`clap_complete`,
//! `clap_mangen`), so they never drift from `--help`.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::output;

/// Arguments of `traincost completions`.
#[derive(Debug, clap::Args)]
#[command(
    after_long_help = "Examples:\n  traincost completions bash > ~/.local/share/bash-completion/completions/traincost\n  traincost completions zsh > ~/.zfunc/_traincost\n  traincost completions fish > ~/.config/fish/completions/traincost.fish"
)]
pub(crate) struct CompletionsArgs {
    /// The shell to complete in.
    #[arg(value_enum)]
    shell: clap_complete::Shell,
}

/// Arguments of `traincost man`.
#[derive(Debug, clap::Args)]
#[command(
    after_long_help = "Examples:\n  traincost man | man -l -\n  traincost man --dir /usr/local/share/man/man1"
)]
pub(crate) struct ManArgs {
    /// Write one page per command (`traincost.1`, `traincost-estimate.1`, ...) into this
    /// directory, atomically, instead of printing `traincost.1` to stdout.
    #[arg(long, value_name = "DIR")]
    dir: Option<PathBuf>,
}

/// Prints the completion script of `cmd` for `args.shell`.
pub(crate) fn completions(
    args: CompletionsArgs,
    mut cmd: clap::Command,
) -> anyhow::Result<ExitCode> {
    let mut buf = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "traincost", &mut buf);
    output::emit(None, &String::from_utf8(buf)?)?;
    Ok(ExitCode::SUCCESS)
}

/// Every man page of `cmd` and its subcommands: `(file name, roff)`.
pub(crate) fn man_pages(cmd: clap::Command) -> anyhow::Result<Vec<(String, String)>> {
    fn walk(cmd: clap::Command, out: &mut Vec<(String, String)>) -> anyhow::Result<()> {
        let man = clap_mangen::Man::new(cmd.clone());
        let mut buf = Vec::new();
        man.render(&mut buf)?;
        out.push((man.get_filename(), String::from_utf8(buf)?));
        for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()).cloned() {
            walk(sub, out)?;
        }
        Ok(())
    }
    let mut cmd = cmd.disable_help_subcommand(true);
    cmd.build();
    let mut out = Vec::new();
    walk(cmd, &mut out)?;
    Ok(out)
}

/// Prints `traincost.1`, or writes every page into `args.dir`.
pub(crate) fn man(args: ManArgs, cmd: clap::Command) -> anyhow::Result<ExitCode> {
    let pages = man_pages(cmd)?;
    match &args.dir {
        None => output::emit(None, &pages[0].1)?,
        Some(dir) => {
            for (name, roff) in &pages {
                output::write_atomically(&dir.join(name), roff.as_bytes())?;
            }
            eprintln!("wrote {} man pages to {}", pages.len(), dir.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}
