//! Options shared by every command that runs the cost model (estimate, reconcile, report,
//! sensitivity, compare): the Monte Carlo run, the dollars, extra claims and plugins.

use std::borrow::Cow;
use std::num::NonZeroUsize;

use traincost_claims::ClaimSet;
use traincost_core::money::IndexId;
use traincost_core::montecarlo::RunConfig;
use traincost_core::units::DollarDate;

use crate::plugin_host::PluginRegistry;

/// Samples when `--samples` is not given (sensitivity uses fewer per run; see its help).
pub(crate) const DEFAULT_SAMPLES: u64 = 100_000;

/// `#[command(flatten)] run: RunOptions`.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct RunOptions {
    /// Monte Carlo samples, 100 to 1e9 [default: 100000; sensitivity: 20000 per run; models: 20000
    /// per model]:
    /// `1000000`, `1_000_000` or `1e6`. Memory does not grow with this number.
    #[arg(long, value_name = "N", value_parser = parse_sample_count)]
    pub(crate) samples: Option<u64>,
    /// Random seed: the same seed gives the same result, whatever the thread count.
    #[arg(long, default_value_t = 42)]
    pub(crate) seed: u64,
    /// Dollars to report in: a year (`2025`) or a month (`2023-12`). Default: the scenario's
    /// `report_dollars`, else the latest full year of its price index (CPI-U: 2025).
    #[arg(long, value_name = "YEAR")]
    pub(crate) dollar_year: Option<DollarDate>,
    /// Price index for dollar conversions: `cpi-u` (BLS CPI-U) or `ppi-data-processing`
    /// (Epoch AI's deflator). Default: the scenario's `index`, else cpi-u.
    #[arg(long, value_name = "INDEX", value_parser = parse_index)]
    pub(crate) index: Option<IndexId>,
    /// Worker threads (default: all cores; at most 4 per core). The result does not depend
    /// on it.
    #[arg(long, value_name = "N", value_parser = parse_threads)]
    pub(crate) threads: Option<NonZeroUsize>,
    #[command(flatten)]
    pub(crate) claims: crate::claims_cmd::ClaimsFiles,
    #[command(flatten)]
    pub(crate) plugins: crate::plugin_host::PluginArgs,
}

/// The dollars and price index a run asks for (`--dollar-year`, `--index`); `None`: the
/// scenario's.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Money {
    /// Dollars to report in.
    pub(crate) dollars: Option<DollarDate>,
    /// Price index to convert with.
    pub(crate) index: Option<IndexId>,
}

/// A price index by name.
fn parse_index(text: &str) -> Result<IndexId, String> {
    IndexId::from_name(text.trim()).ok_or_else(|| {
        let names: Vec<&str> = IndexId::ALL.iter().map(|i| i.name()).collect();
        format!(
            "unknown price index `{}`: use one of {}",
            traincost_claims::excerpt(text),
            names.join(", ")
        )
    })
}

/// `--threads N`: a whole number, at least 1.
fn parse_threads(text: &str) -> Result<NonZeroUsize, String> {
    let n: usize = text.trim().parse().map_err(|_| {
        format!("--threads must be a whole number of worker threads, at least 1 (got `{text}`)")
    })?;
    NonZeroUsize::new(n)
        .ok_or_else(|| "--threads must be at least 1 (omit it to use every core)".to_owned())
}

/// Threads per available core beyond which `--threads` is lowered: more buys no speed and
/// costs a stack and an allocator arena each (a large count can exhaust a memory limit).
pub(crate) const MAX_THREADS_PER_CORE: usize = 4;

/// `requested` threads, at most [`MAX_THREADS_PER_CORE`] per available core (with a warning).
pub(crate) fn cap_threads(requested: NonZeroUsize) -> NonZeroUsize {
    let cores = std::thread::available_parallelism().map_or(1, NonZeroUsize::get);
    let cap = cores.saturating_mul(MAX_THREADS_PER_CORE).max(1);
    if requested.get() > cap {
        tracing::warn!(
            "--threads {requested}: using {cap} ({MAX_THREADS_PER_CORE} per available core, \
             {cores} cores); more threads would not be faster"
        );
        NonZeroUsize::new(cap).unwrap_or(requested)
    } else {
        requested
    }
}

/// A positive whole number of samples, written plainly (`1000000`), with underscores
/// (`1_000_000`) or in scientific notation (`1e6`, `2.5e6`), as people write large counts.
pub(crate) fn parse_sample_count(text: &str) -> Result<u64, String> {
    const HINT: &str = "expected a whole number from 100 to 1e9, such as 100000, 1_000_000 or 1e6";
    let plain = text.trim().replace('_', "");
    let n = if !plain.is_empty() && plain.bytes().all(|b| b.is_ascii_digit()) {
        plain
            .parse::<u64>()
            .map_err(|_| format!("{text} is too large: {HINT}"))?
    } else {
        let x: f64 = plain.parse().map_err(|_| format!("{text}: {HINT}"))?;
        // Whole, finite, and small enough (2^53) that the float holds it exactly.
        if x.fract() != 0.0 {
            return Err(format!("{text} is not a whole number of samples: {HINT}"));
        }
        if x < 0.0 {
            return Err(format!("{text} is negative: {HINT}"));
        }
        if x > 9_007_199_254_740_992.0 {
            return Err(format!("{text} is too large in this form: {HINT}"));
        }
        x as u64
    };
    if n < MIN_SAMPLES {
        return Err(format!(
            "{text} samples are too few: at least {MIN_SAMPLES} are needed for a 5th and a 95th \
             percentile that differ; {HINT}"
        ));
    }
    if n > MAX_SAMPLES {
        return Err(format!(
            "{text} samples are more than one run takes (at most {MAX_SAMPLES}, 1e9, already \
             minutes of work); the percentiles settle long before: {HINT}"
        ));
    }
    Ok(n)
}

/// The fewest samples a run takes: fewer leave the 90% interval's ends resting on a handful
/// of draws (`--samples 1` gives p5 = p95).
pub(crate) const MIN_SAMPLES: u64 = 100;

/// The most samples a run takes (1e9): more runs for many minutes, and the percentiles of a
/// scenario settle long before.
pub(crate) const MAX_SAMPLES: u64 = 1_000_000_000;

impl RunOptions {
    /// Samples asked for, or the command's default.
    pub(crate) fn samples_or(&self, default: u64) -> u64 {
        self.samples.unwrap_or(default)
    }

    /// The dollars and index asked for.
    pub(crate) fn money(&self) -> Money {
        Money {
            dollars: self.dollar_year,
            index: self.index,
        }
    }

    /// The Monte Carlo configuration.
    pub(crate) fn config(&self, default_samples: u64, percentiles: Vec<f64>) -> RunConfig {
        RunConfig {
            samples: self.samples_or(default_samples),
            seed: self.seed,
            threads: self.threads.map(cap_threads),
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

#[cfg(test)]
mod tests {
    use super::parse_sample_count;

    #[test]
    fn sample_counts_are_read_as_people_write_them() {
        for (text, n) in [
            ("100000", 100_000),
            ("1_000_000", 1_000_000),
            ("1e6", 1_000_000),
            ("2.5e6", 2_500_000),
            ("1E7", 10_000_000),
            (" 420 ", 420),
            ("100", 100),
            ("1e9", 1_000_000_000),
        ] {
            assert_eq!(parse_sample_count(text), Ok(n), "{text}");
        }
        for (text, why) in [
            ("0", "at least 100"),
            ("0e3", "at least 100"),
            ("1", "too few"),
            ("99", "too few"),
            ("1000000001", "at most 1000000000"),
            ("1e10", "at most 1000000000"),
            ("18446744073709551615", "at most 1000000000"),
            ("1.5", "not a whole number"),
            ("-5", "negative"),
            ("1e300", "too large"),
            ("NaN", "not a whole number"),
            ("inf", "not a whole number"),
            ("ten", "expected a whole number"),
            ("", "expected a whole number"),
            ("18446744073709551616", "too large"),
        ] {
            let e = parse_sample_count(text).unwrap_err();
            assert!(e.contains(why) && e.contains("1e6"), "{text}: {e}");
        }
    }
}
