//! SVG charts, hand-written (no font or system libraries): the cost stack on a log scale with
//! 90% intervals and claim markers, one layer's distribution, and the tornado. Shared
//! primitives (document builder, escaping, axes, colours, number formatting) are in [`svg`].

#![allow(
    dead_code,
    reason = "the tornado chart is filled in by the sensitivity work of issue 6"
)]

pub(crate) mod distribution;
pub(crate) mod energy;
pub(crate) mod stack;
pub(crate) mod svg;
pub(crate) mod tornado;
pub(crate) mod trend;
pub(crate) mod waterfall;
