//! SVG charts, hand-written (no font or system libraries): the cost stack on a log scale with
//! 90% intervals and claim markers, one layer's distribution, and the tornado.

#![allow(dead_code, reason = "filled in by the charts work of issue 6")]

pub(crate) mod distribution;
pub(crate) mod stack;
pub(crate) mod svg;
pub(crate) mod tornado;
