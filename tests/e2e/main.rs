//! End-to-end tests: the real `traincost` binary, real files, real compiled plugins.
//!
//! One test binary (ripgrep's and uv's pattern) keeps link time down. Each feature area is a
//! module.

mod util;

mod bottom_line;
mod citations;
mod claims;
mod compare;
mod docs;
mod dollars;
mod emissions;
mod energy_validation;
mod epoch;
mod epoch_models;
mod estimate;
mod golden;
mod hardening;
mod models;
mod output;
mod plugins;
mod readme;
mod reconcile;
mod report;
mod sensitivity;
mod width;
