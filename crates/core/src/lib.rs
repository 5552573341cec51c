//! stub
pub mod epoch;
pub mod money;
pub mod units;
