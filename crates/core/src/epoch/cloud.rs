//! Method B, cloud rental (EPOCH_METHOD.md section 2, `cost.py:39-123`, `prices.py:157-294`):
//!
//! ```text
//! cost = price per chip-hour at a 3-year commitment x chip-hours    (no energy, no overhead)
//! ```
//!
//! When only a 1-year or on-demand price is found, it is converted to a 3-year equivalent with
//! the vendor's default committed-use discounts: `price x (1 - CUD_3y) / (1 - CUD_found)`.

use crate::units::GpuHours;

/// A rental commitment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Commitment {
    /// On demand (no discount).
    OnDemand,
    /// 1-year committed use.
    OneYear,
    /// 3-year committed use.
    ThreeYear,
}

/// Default committed-use discounts of a vendor (`prices.py:10-32`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Discounts {
    /// 1-year discount, as a fraction of the on-demand price.
    pub one_year: f64,
    /// 3-year discount.
    pub three_year: f64,
}

impl Discounts {
    /// Discount of `commitment` (0 on demand).
    pub fn of(self, commitment: Commitment) -> f64 {
        match commitment {
            Commitment::OnDemand => 0.0,
            Commitment::OneYear => self.one_year,
            Commitment::ThreeYear => self.three_year,
        }
    }
}

/// Amazon Web Services.
pub const AWS: &str = "Amazon Web Services";
/// Google Cloud.
pub const GOOGLE_CLOUD: &str = "Google Cloud";
/// Microsoft Azure.
pub const AZURE: &str = "Microsoft Azure";
/// Lambda Labs.
pub const LAMBDA: &str = "Lambda Labs";

/// Epoch's default discounts per vendor; any other vendor gets the average (Lambda's row).
pub fn default_discounts(vendor: &str) -> Discounts {
    match vendor {
        AWS => Discounts {
            one_year: 0.41,
            three_year: 0.64,
        },
        GOOGLE_CLOUD => Discounts {
            one_year: 0.37,
            three_year: 0.56,
        },
        AZURE => Discounts {
            one_year: 0.25,
            three_year: 0.49,
        },
        _ => Discounts {
            one_year: 0.34,
            three_year: 0.56,
        },
    }
}

/// The 3-year-commitment equivalent of a price found at `commitment` from `vendor`.
pub fn three_year_equivalent(
    price_per_chip_hour: f64,
    vendor: &str,
    commitment: Commitment,
) -> f64 {
    let d = default_discounts(vendor);
    price_per_chip_hour * (1.0 - d.three_year) / (1.0 - d.of(commitment))
}

/// The vendor Epoch tries first for an organization: the first organization (comma-separated)
/// naming Google/DeepMind gives Google Cloud, Microsoft/OpenAI gives Azure; default AWS.
/// TPUs are always priced on Google Cloud.
pub fn primary_vendor(organization: &str, hardware_name: &str) -> &'static str {
    if super::hardware::is_tpu(hardware_name) {
        return GOOGLE_CLOUD;
    }
    for org in organization.split(',') {
        let org = org.to_lowercase();
        if org.contains("google") || org.contains("deepmind") {
            return GOOGLE_CLOUD;
        }
        if org.contains("microsoft") || org.contains("openai") {
            return AZURE;
        }
    }
    AWS
}

/// Cloud rental cost, nominal USD.
pub fn cloud_cost(price_per_chip_hour_3yr: f64, chip_hours: GpuHours) -> f64 {
    price_per_chip_hour_3yr * chip_hours.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commitment_conversions() {
        assert_eq!(
            three_year_equivalent(1.36, AZURE, Commitment::ThreeYear),
            1.36
        );
        // Inflection-2 (v1): Lambda on demand $3.49 -> $1.5356 3-year equivalent.
        assert!((three_year_equivalent(3.49, LAMBDA, Commitment::OnDemand) - 1.5356).abs() < 1e-12);
        let aws = three_year_equivalent(1.0, AWS, Commitment::OneYear);
        assert!((aws - 0.36 / 0.59).abs() < 1e-12);
    }

    #[test]
    fn vendors() {
        assert_eq!(primary_vendor("OpenAI", "NVIDIA A100"), AZURE);
        assert_eq!(
            primary_vendor("Google DeepMind", "Google TPU v4"),
            GOOGLE_CLOUD
        );
        assert_eq!(primary_vendor("Meta AI", "NVIDIA A100"), AWS);
        assert_eq!(primary_vendor("Microsoft", "Google TPU v3"), GOOGLE_CLOUD);
        // GPT-4, v1: Azure A100 3-year $1.36/h x 5.7e7 chip-hours.
        assert!((cloud_cost(1.36, GpuHours(5.7e7)) - 77_520_000.0).abs() < 1e-6);
    }
}
