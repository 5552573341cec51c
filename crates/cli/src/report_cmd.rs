//! `traincost report`: placeholder until its issue lands; the owner replaces this file.

use std::process::ExitCode;

/// Arguments of `traincost report`.
#[derive(Debug, clap::Args)]
pub(crate) struct ReportArgs {}

pub(crate) fn run(_args: ReportArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`traincost report` is not available in this build yet")
}
