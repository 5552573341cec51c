//! Epoch's energy model (EPOCH_METHOD.md section 1.3, `energy.py`):
//!
//! ```text
//! kWh    = TDP (kW) x chip-to-server power x average power fraction x PUE x chip-hours
//! energy = kWh x US industrial electricity price of the *publication* year
//! ```

use crate::units::{GpuHours, KilowattHours, Watts};

use super::hardware;

/// Organization name fragments (lower case) that get the hyperscaler PUE (`energy.py:4-22`).
pub const HYPERSCALER_ORGANIZATIONS: [&str; 6] = [
    "google",
    "deepmind",
    "microsoft",
    "amazon",
    "meta",
    "facebook",
];

/// Epoch's PUE for an organization string: 1.1 if it names a hyperscaler (case-insensitive
/// substring, anywhere in a comma-separated list), else 1.25. So OpenAI gets 1.25 even though it
/// trains on Azure.
pub fn pue(organization: &str) -> f64 {
    let org = organization.to_lowercase();
    if HYPERSCALER_ORGANIZATIONS.iter().any(|h| org.contains(h)) {
        super::PUE_HYPERSCALER
    } else {
        super::PUE_OTHER
    }
}

/// Average US industrial electricity price in USD/kWh by year (`energy.py:129-148`).
#[derive(Debug, Clone, PartialEq)]
pub struct ElectricityTable {
    prices: Vec<(i32, f64)>,
}

const V1_PRICES: [(i32, f64); 10] = [
    (2015, 0.0691),
    (2016, 0.0676),
    (2017, 0.0688),
    (2018, 0.0692),
    (2019, 0.0681),
    (2020, 0.0667),
    (2021, 0.0718),
    (2022, 0.0832),
    (2023, 0.0806),
    // A placeholder in v1 and v2: the 2023 value repeated.
    (2024, 0.0806),
];

const EARLY_PRICES: [(i32, f64); 5] = [
    (2010, 0.0677),
    (2011, 0.0682),
    (2012, 0.0667),
    (2013, 0.0689),
    (2014, 0.0710),
];

impl ElectricityTable {
    /// A table from `(year, USD per kWh)` pairs.
    pub fn new(prices: impl IntoIterator<Item = (i32, f64)>) -> ElectricityTable {
        let mut prices: Vec<(i32, f64)> = prices.into_iter().collect();
        prices.sort_by_key(|&(y, _)| y);
        prices.dedup_by_key(|&mut (y, _)| y);
        ElectricityTable { prices }
    }

    /// v1 (`312c7ed`): 2015-2024, 2024 a copy of 2023.
    pub fn paper_v1() -> ElectricityTable {
        ElectricityTable::new(V1_PRICES)
    }

    /// v2 (`39013e2`): v1 plus 2010-2014.
    pub fn paper_v2() -> ElectricityTable {
        ElectricityTable::new(EARLY_PRICES.into_iter().chain(V1_PRICES))
    }

    /// June 2025 and HEAD: v2 with the actual 2024 price (0.0771) and 2025 (0.0826).
    pub fn update_2025_06() -> ElectricityTable {
        let mut prices: Vec<(i32, f64)> = EARLY_PRICES.into_iter().chain(V1_PRICES).collect();
        prices.retain(|&(y, _)| y != 2024);
        prices.extend([(2024, 0.0771), (2025, 0.0826)]);
        ElectricityTable::new(prices)
    }

    /// USD per kWh in `year`, if the table has it.
    pub fn price(&self, year: i32) -> Option<f64> {
        self.prices
            .binary_search_by_key(&year, |&(y, _)| y)
            .ok()
            .map(|i| self.prices[i].1)
    }

    /// First and last year covered.
    pub fn years(&self) -> Option<(i32, i32)> {
        Some((self.prices.first()?.0, self.prices.last()?.0))
    }
}

/// The factors of Epoch's energy estimate for one run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EnergyFactors {
    /// Chip thermal design power.
    pub tdp: Watts,
    /// Server power per chip / chip TDP.
    pub chip_to_server_power: f64,
    /// Average power / TDP.
    pub average_power_fraction: f64,
    /// Power usage effectiveness of the data centre.
    pub pue: f64,
}

impl EnergyFactors {
    /// Epoch's factors for this hardware and organization, given the chip's TDP.
    pub fn epoch(hardware_name: &str, organization: &str, tdp: Watts) -> EnergyFactors {
        EnergyFactors {
            tdp,
            chip_to_server_power: hardware::chip_to_server_power(hardware_name),
            average_power_fraction: hardware::average_power_fraction(hardware_name),
            pue: pue(organization),
        }
    }

    /// Energy drawn over `chip_hours`.
    pub fn energy(&self, chip_hours: GpuHours) -> KilowattHours {
        super::energy(
            self.tdp,
            self.chip_to_server_power,
            self.average_power_fraction,
            self.pue,
            chip_hours,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pue_by_organization() {
        assert_eq!(pue("OpenAI"), 1.25);
        assert_eq!(pue("Google DeepMind"), 1.1);
        assert_eq!(pue("Facebook AI Research,INRIA"), 1.1);
        assert_eq!(pue("xAI"), 1.25);
    }

    #[test]
    fn tables_by_version() {
        let v1 = ElectricityTable::paper_v1();
        assert_eq!(v1.years(), Some((2015, 2024)));
        assert_eq!(v1.price(2022), Some(0.0832));
        let u = ElectricityTable::update_2025_06();
        assert_eq!(u.years(), Some((2010, 2025)));
        assert_eq!(u.price(2024), Some(0.0771));
        assert_eq!(u.price(2014), Some(0.0710));
        assert_eq!(u.price(2009), None);
    }

    #[test]
    fn gpt4_energy() {
        let f = EnergyFactors::epoch("NVIDIA A100 SXM4 40 GB", "OpenAI", Watts(400.0));
        let kwh = f.energy(GpuHours(5.7e7));
        assert!((kwh.0 - 43_417_968.75).abs() < 1e-3, "{}", kwh.0);
    }
}
