//! The traincost cost model: what did it really cost to train this AI model, and what does the
//! headline figure leave out?
//!
//! - [`units`]: units as types (GPU-hours, FLOP, watts, USD with its dollar year, ...).
//! - [`money`]: constant dollars with a sourced price index (CPI-U, Epoch AI's PPI).
//! - [`math`]: exp, ln, sin/cos and Box-Muller that vectorize and round the same on every CPU;
//!   [`rng`]: eight xoshiro256++ generators stepped in SIMD.
//! - [`dist`]: distributions for uncertain inputs; [`provenance`]: where each number comes from.
//! - [`montecarlo`]: a seeded, parallel, constant-memory Monte Carlo engine ([`sketch`] for percentiles).
//! - [`stack`]: the cost stack, from the final run at rental prices to the owner's fleet.
//! - [`epoch`]: Epoch AI's training-cost method.
//! - [`scenario`]: the TOML scenario format and the built-in scenarios.
//! - [`estimate`]: the assembled, serializable result; [`sensitivity`]: which inputs drive it.
//!
//! This crate does no I/O: it parses strings and returns values.
//!
//! ```
//! use traincost_core::{scenario::Scenario, stack::CostModel, units::DollarDate};
//!
//! let scenario = Scenario::builtin("deepseek-v3").unwrap();
//! // In 2024 dollars, those of DeepSeek's $5.576M (`None`: the latest full CPI-U year).
//! let (spec, _claims) = scenario.to_spec(Some(DollarDate::year(2024))).unwrap();
//! let model = CostModel::new(&spec).unwrap();
//! let central = model.central();
//! let rental = model.outputs().iter().position(|o| o.id == "final-run-rental").unwrap();
//! assert!((central[rental] - 5_576_000.0).abs() < 1e-6);
//! ```
#![deny(missing_docs)]

pub mod epoch;
pub mod estimate;
pub mod hardware;
pub mod money;
pub mod provenance;
pub mod scenario;
pub mod sensitivity;
pub mod stack;
pub mod units;

pub use traincost_engine::{dist, math, montecarlo, rng, sketch};
