//! The traincost cost model: what did it really cost to train this AI model, and what does the
//! headline figure leave out?
//!
//! - [`units`]: units as types (GPU-hours, FLOP, watts, USD with its dollar year, ...);
//!   [`date`]: calendar dates as scenarios and Epoch AI's data write them.
//! - [`money`]: constant dollars with a sourced price index (CPI-U, Epoch AI's PPI).
//! - [`dist`]: distributions for uncertain inputs; [`provenance`]: where each number comes from.
//! - [`montecarlo`]: how to run the simulation ([`RunConfig`]) and what it returns
//!   ([`montecarlo::Summary`]). The engine itself (random streams, SIMD samplers, quantile
//!   sketches, the parallel runner, and all of traincost's `unsafe`) is the `traincost-engine`
//!   crate; [`CostModel`] is the model it runs.
//! - [`stack`]: the cost stack, from the final run at rental prices to the owner's fleet.
//! - [`epoch`]: Epoch AI's training-cost method.
//! - [`scenario`]: the TOML scenario format and the built-in scenarios.
//! - [`estimate`]: the assembled, serializable result; [`sensitivity`]: which inputs drive it.
//!
//! This crate does no I/O and has no `unsafe` code: it parses strings and returns values. The
//! types most callers need are re-exported at its root.
//!
//! ```
//! use traincost_core::{CostModel, DollarDate, Scenario};
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
#![forbid(unsafe_code)]

pub mod date;
pub mod dist;
pub mod epoch;
pub mod estimate;
pub mod hardware;
pub mod money;
pub mod montecarlo;
pub mod provenance;
pub mod scenario;
pub mod sensitivity;
pub mod stack;
pub mod units;

pub use dist::Distribution;
pub use estimate::{Estimate, EstimateError, Figure};
pub use money::IndexId;
pub use montecarlo::{RunConfig, Summary};
pub use provenance::Provenance;
pub use scenario::{Scenario, ScenarioError};
pub use stack::{Basis, CostModel, LayerId, ModelError, Quantity, StackSpec, TotalId};
pub use units::{DollarDate, Usd};

/// How many characters of user input an error message quotes (see [`excerpt`]).
pub const EXCERPT_CHARS: usize = 80;

/// User input as an error message quotes it: at most [`EXCERPT_CHARS`] characters, then how
/// many were left out, so that a 3,000-character unit or date gives a one-line error (as
/// `traincost_claims::excerpt` does for claims files).
///
/// ```
/// use traincost_core::excerpt;
/// assert_eq!(excerpt("GPU-hours"), "GPU-hours");
/// let long = "u".repeat(1000);
/// assert_eq!(excerpt(&long), format!("{}... (920 more characters)", "u".repeat(80)));
/// ```
pub fn excerpt(s: &str) -> std::borrow::Cow<'_, str> {
    clip(s, EXCERPT_CHARS)
}

/// `s` cut after `n` characters, saying how many more there were.
pub(crate) fn clip(s: &str, n: usize) -> std::borrow::Cow<'_, str> {
    match s.char_indices().nth(n) {
        None => std::borrow::Cow::Borrowed(s),
        Some((cut, _)) => {
            let more = s[cut..].chars().count();
            std::borrow::Cow::Owned(format!("{}... ({more} more characters)", &s[..cut]))
        }
    }
}
