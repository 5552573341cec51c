//! What traincost concludes from an estimate, as data: the headline check, the sourced claims
//! beside each layer of the cost stack ([`reconcile()`]), the runs behind a tornado chart
//! ([`sensitivity`]) and the model of the HTML report ([`report`]).
//!
//! This crate does no I/O: it takes a [`CompiledScenario`] (a scenario compiled by
//! `traincost-core`), its `Estimate` and a `traincost_claims::ClaimSet`, and returns values;
//! the estimate's report, the reconciliation and the sensitivity runs serialize to the JSON
//! documents of `traincost estimate`, `reconcile` and `sensitivity`. Finding files, loading
//! plugins and rendering tables, Markdown, SVG and HTML belong to the `traincost` binary.
//!
//! ```
//! use traincost_analysis::reconcile::Verdict;
//! use traincost_analysis::{CompiledScenario, EstimateReport, reconcile};
//! use traincost_claims::ClaimSet;
//! use traincost_core::montecarlo::RunConfig;
//! use traincost_core::scenario::Scenario;
//! use traincost_core::stack::CostModel;
//!
//! // DeepSeek-V3, a built-in scenario that needs no plugins, in its default dollars.
//! let scenario = Scenario::builtin("deepseek-v3").unwrap();
//! let dollars = scenario.default_report_dollars().unwrap();
//! let (spec, cited) = scenario.to_spec(Some(dollars)).unwrap();
//! let compiled = CompiledScenario {
//!     model: CostModel::new(&spec).unwrap(),
//!     scenario,
//!     cited,
//! };
//! let config = RunConfig { samples: 2_000, ..RunConfig::default() };
//! let (estimate, _run) = compiled.estimate(&config, &mut |_| {}).unwrap();
//!
//! let claims = ClaimSet::builtin();
//! let report = EstimateReport::new(&compiled, estimate, claims);
//! let rec = reconcile(&compiled.scenario.file, &report, claims);
//!
//! // DeepSeek's $5.576M is the final run at rental prices, and traincost rebuilds it.
//! let headline = rec.headline.as_ref().unwrap();
//! assert_eq!(headline.layer, "final-run-rental");
//! let final_run = rec.layers.iter().find(|l| l.id == "final-run-rental").unwrap();
//! let claim = final_run.claims.iter().find(|c| c.id == headline.claim).unwrap();
//! assert_eq!(claim.verdict, Verdict::Consistent);
//! ```

#![deny(missing_docs)]

pub mod bottom_line;
pub mod dollars;
pub mod estimate;
pub mod models;
pub mod reconcile;
pub mod report;
mod scenario;
pub mod sensitivity;
pub mod text;
pub mod trend;

pub use bottom_line::BottomLine;
pub use estimate::EstimateReport;
pub use reconcile::{Reconciliation, reconcile};
pub use scenario::CompiledScenario;
