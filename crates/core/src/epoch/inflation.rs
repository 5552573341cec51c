//! Constant dollars the way Epoch computes them (EPOCH_METHOD.md section 4, `inflation.py:4-13`):
//! `real = nominal x PCU(target month) / PCU(publication month)`, with FRED's monthly producer
//! price index PCU518210518210 ([`crate::money::PriceIndex::ppi_data_processing`]).

use crate::money::{MissingIndexValue, PriceIndex};
use crate::units::DollarDate;

use crate::date::Date;

/// The month of a date, as dollars.
pub fn month_of(date: Date) -> DollarDate {
    let (y, m, _) = date.ymd();
    DollarDate::month(y, m as u8)
}

/// The factor that turns nominal dollars of `publication`'s month into `target` dollars.
pub fn inflation_factor(publication: Date, target: DollarDate) -> Result<f64, MissingIndexValue> {
    PriceIndex::ppi_data_processing().factor(month_of(publication), target)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gpt4_factor() {
        let f =
            inflation_factor("2023-03-15".parse().unwrap(), DollarDate::month(2023, 12)).unwrap();
        assert!((f - 1.010_724_657).abs() < 1e-9, "{f}");
        assert!(
            inflation_factor("1990-01-01".parse().unwrap(), DollarDate::month(2023, 12)).is_err()
        );
    }
}
