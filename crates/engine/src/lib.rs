//! traincost's Monte Carlo engine: draws uncertain inputs, runs a [`Model`] on them chunk by
//! chunk on every core, and summarizes every output (mean, standard deviation, percentiles) in
//! constant memory. A given seed gives the same bits whatever the thread count and whatever
//! the CPU.
//!
//! - [`dist`]: [`Distribution`], the description of an uncertain input (point, uniform,
//!   triangular, normal, PERT, lognormal by its 90% interval, empirical samples), its
//!   quantiles and checks; and [`dist::Sampler`], which draws from one into a slice.
//! - [`montecarlo`]: the [`Model`] trait and [`run`]: seeded per-input random streams, chunks
//!   of [`montecarlo::CHUNK`] samples, moments merged in chunk order.
//! - [`math`]: exp, ln, sin/cos and Box-Muller that vectorize and round the same on every CPU,
//!   and [`math::with_simd`], which compiles a loop for the widest SIMD the CPU has;
//!   [`rng`]: eight xoshiro256++ generators stepped in SIMD.
//! - [`sketch`]: a mergeable log-linear quantile sketch with bounded memory.
//!
//! The computation's `unsafe` code is all in this crate (`traincost-core` forbids it): the two
//! calls of [`math::with_simd`] into its `#[target_feature]` variants, each after a runtime CPU
//! check, and the AVX-512 and AVX scans of an output column in [`sketch`], whose bits a test
//! checks against the portable scan. (The plugin ABI and the CLI's plugin loader have their
//! own, for the C interface.)
//!
//! ```
//! use traincost_engine::{Columns, ColumnsMut, Distribution, Model, RunConfig, run};
//!
//! /// Cost = hours x price.
//! struct Cost;
//! impl Model for Cost {
//!     fn inputs(&self) -> Vec<(Distribution, bool)> {
//!         vec![
//!             (Distribution::Lognormal { p5: 1e6, p95: 3e6 }, false),
//!             (Distribution::Uniform { low: 1.5, high: 2.5 }, false),
//!         ]
//!     }
//!     fn output_count(&self) -> usize {
//!         1
//!     }
//!     fn evaluate(&self, x: &Columns<'_>, y: &mut ColumnsMut<'_>) {
//!         let (hours, price) = (x.col(0), x.col(1));
//!         for (c, (h, p)) in y.col_mut(0).iter_mut().zip(hours.iter().zip(price)) {
//!             *c = h * p;
//!         }
//!     }
//! }
//!
//! let (summaries, _stats) = run(&Cost, &RunConfig::default(), &mut |_| {}).unwrap();
//! let median = (1e6f64 * 3e6).sqrt() * 2.0;
//! assert!((summaries[0].p50 - median).abs() / median < 0.01);
//! ```
#![deny(missing_docs)]

pub mod dist;
pub mod math;
pub mod montecarlo;
pub mod rng;
pub mod sketch;

pub use dist::{Distribution, DistributionError};
pub use montecarlo::{
    Columns, ColumnsMut, Model, NonFiniteOutput, RunConfig, RunError, RunStats, Summary, run,
};
