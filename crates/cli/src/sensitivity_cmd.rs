//! `traincost sensitivity`: placeholder until its issue lands; the owner replaces this file.

use std::process::ExitCode;

/// Arguments of `traincost sensitivity`.
#[derive(Debug, clap::Args)]
pub(crate) struct SensitivityArgs {}

pub(crate) fn run(_args: SensitivityArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`traincost sensitivity` is not available in this build yet")
}
