//! `traincost claims`: placeholder until its issue lands; the owner replaces this file.

use std::process::ExitCode;

/// Arguments of `traincost claims`.
#[derive(Debug, clap::Args)]
pub(crate) struct ClaimsArgs {}

pub(crate) fn run(_args: ClaimsArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`traincost claims` is not available in this build yet")
}
