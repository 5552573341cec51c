//! What traincost concludes from an estimate, as data: for now, the estimate's report with its
//! headline check and cited sources ([`EstimateReport`]), and claims' dollars ([`dollars`]).
//!
//! This crate does no I/O: it takes a [`CompiledScenario`] (a scenario compiled by
//! `traincost-core`), its `Estimate` and a `traincost_claims::ClaimSet`, and returns values.
//! Finding files, loading plugins and rendering belong to the `traincost` binary.

#![deny(missing_docs)]

pub mod dollars;
pub mod estimate;
mod scenario;
pub mod text;

pub use estimate::EstimateReport;
pub use scenario::CompiledScenario;
