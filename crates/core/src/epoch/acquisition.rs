//! Method C, up-front hardware acquisition (EPOCH_METHOD.md section 3, `cost.py:126-200`):
//!
//! ```text
//! cost = hardware quantity x purchase price per chip (incl. server) / (1 - f),   f = 0.19
//! ```
//!
//! No depreciation and no energy: the price of buying the whole cluster, interconnect included.
//! This is also the natural capex of the cost stack's `fleet` layer for one training cluster.

use crate::units::Count;

/// Up-front cost of `quantity` chips at `price_per_chip` (server included), with interconnect
/// making up `interconnect_fraction` of the total. Nominal USD at the price's date.
pub fn acquisition_cost(quantity: Count, price_per_chip: f64, interconnect_fraction: f64) -> f64 {
    quantity.0 * price_per_chip / (1.0 - interconnect_fraction)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gpt4_v1() {
        let c = acquisition_cost(
            Count(25_000.0),
            24_875.0,
            super::super::INTERCONNECT_COST_FRACTION,
        );
        assert!((c - 767_746_913.58).abs() < 0.01, "{c}");
    }
}
