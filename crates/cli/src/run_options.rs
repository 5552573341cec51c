//! Options shared by every command that runs the cost model (estimate, reconcile, report,
//! sensitivity, compare): the Monte Carlo run, the dollars, extra claims and plugins.

use std::borrow::Cow;
use std::num::NonZeroUsize;

use traincost_claims::ClaimSet;
use traincost_core::montecarlo::RunConfig;
use traincost_core::units::DollarDate;

use crate::plugin_host::PluginRegistry;

/// Samples when `--samples` is not given (sensitivity uses fewer per run; see its help).
pub(crate) const DEFAULT_SAMPLES: u64 = 100_000;

/// `#[command(flatten)] run: RunOptions`.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct RunOptions {
    /// Monte Carlo samples [default: 100000; sensitivity: 20000 per run]. Memory does not grow
    /// with this number.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    pub(crate) samples: Option<u64>,
    /// Random seed: the same seed gives the same result, whatever the thread count.
    #[arg(long, default_value_t = 42)]
    pub(crate) seed: u64,
    /// Dollars to report in: a year (`2024`) or a month (`2023-12`). Default: the scenario's.
    #[arg(long, value_name = "YEAR")]
    pub(crate) dollar_year: Option<DollarDate>,
    /// Worker threads (default: all cores). The result does not depend on it.
    #[arg(long)]
    pub(crate) threads: Option<NonZeroUsize>,
    #[command(flatten)]
    pub(crate) claims: crate::claims_cmd::ClaimsFiles,
    #[command(flatten)]
    pub(crate) plugins: crate::plugin_host::PluginArgs,
}

impl RunOptions {
    /// Samples asked for, or the command's default.
    pub(crate) fn samples_or(&self, default: u64) -> u64 {
        self.samples.unwrap_or(default)
    }

    /// The Monte Carlo configuration.
    pub(crate) fn config(&self, default_samples: u64, percentiles: Vec<f64>) -> RunConfig {
        RunConfig {
            samples: self.samples_or(default_samples),
            seed: self.seed,
            threads: self.threads,
            percentiles,
        }
    }

    /// The built-in claims merged with `--claims` files, and the plugins (built in, `--plugin`,
    /// `TRAINCOST_PLUGIN_PATH`, the config directory). Broken plugins are skipped with a
    /// warning: fatal only if the scenario names one.
    pub(crate) fn load(&self) -> anyhow::Result<(Cow<'static, ClaimSet>, PluginRegistry)> {
        let claims = crate::claims_cmd::load_claims(&self.claims)?;
        let (registry, problems) = PluginRegistry::from_args(&self.plugins);
        for p in &problems {
            tracing::warn!("{p}");
        }
        Ok((claims, registry))
    }
}
