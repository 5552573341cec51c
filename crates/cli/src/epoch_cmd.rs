//! `traincost epoch`: placeholder until its issue lands; the owner replaces this file.

use std::process::ExitCode;

/// Arguments of `traincost epoch`.
#[derive(Debug, clap::Args)]
pub(crate) struct EpochArgs {}

pub(crate) fn run(_args: EpochArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`traincost epoch` is not available in this build yet")
}
