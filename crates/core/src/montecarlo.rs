//! How to run the Monte Carlo simulation and what it returns.
//!
//! The engine itself (random streams, samplers, quantile sketches, the parallel runner) is the
//! `traincost-engine` crate; [`crate::stack::CostModel`] is the model it runs, and
//! [`CostModel::estimate`](crate::stack::CostModel::estimate) runs it. This module re-exports
//! what a caller configures and reads: the [`RunConfig`], each output's [`Summary`], the [`RunStats`], and the errors
//! ([`RunError`], [`NonFiniteOutput`]).

pub use traincost_engine::montecarlo::{NonFiniteOutput, RunConfig, RunError, RunStats, Summary};
