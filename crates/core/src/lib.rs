//! stub
pub mod dist;
pub mod epoch;
pub mod money;
pub mod montecarlo;
pub mod sketch;
pub mod units;
