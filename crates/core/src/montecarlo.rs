//! How to run the Monte Carlo simulation and what it returns.
//!
//! The engine itself (random streams, samplers, quantile sketches, the parallel runner) is the
//! `traincost-engine` crate; [`crate::stack::CostModel`] is the model it runs, and
//! [`CostModel::estimate`](crate::stack::CostModel::estimate) runs it. This module re-exports
//! what a caller configures and reads: the [`RunConfig`], each output's [`Summary`], the [`RunStats`], and the errors
//! ([`RunError`], [`NonFiniteOutput`]).
//!
//! # Example
//!
//! ```
//! use traincost_core::RunConfig;
//!
//! // 100,000 samples (the CLI's default is the same), seed 42, every core, and the 99th
//! // percentile besides the 5th, 50th and 95th every figure has.
//! let config = RunConfig { samples: 100_000, seed: 42, percentiles: vec![99.0], ..RunConfig::default() };
//! assert_eq!(config.threads, None);
//! ```

pub use traincost_engine::montecarlo::{NonFiniteOutput, RunConfig, RunError, RunStats, Summary};
