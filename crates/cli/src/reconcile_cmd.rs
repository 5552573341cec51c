//! `traincost reconcile`: placeholder until its issue lands; the owner replaces this file.

use std::process::ExitCode;

/// Arguments of `traincost reconcile`.
#[derive(Debug, clap::Args)]
pub(crate) struct ReconcileArgs {}

pub(crate) fn run(_args: ReconcileArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`traincost reconcile` is not available in this build yet")
}
