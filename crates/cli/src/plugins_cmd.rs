//! `traincost plugins`: placeholder until its issue lands; the owner replaces this file.

use std::process::ExitCode;

/// Arguments of `traincost plugins`.
#[derive(Debug, clap::Args)]
pub(crate) struct PluginsArgs {}

pub(crate) fn run(_args: PluginsArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`traincost plugins` is not available in this build yet")
}
