//! `traincost compare`: placeholder until its issue lands; the owner replaces this file.

use std::process::ExitCode;

/// Arguments of `traincost compare`.
#[derive(Debug, clap::Args)]
pub(crate) struct CompareArgs {}

pub(crate) fn run(_args: CompareArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`traincost compare` is not available in this build yet")
}
