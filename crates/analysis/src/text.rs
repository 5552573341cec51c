//! Figures and claims in words, shared by the models and every renderer.

use traincost_claims::{Claim, Currency, Value};

/// Money compactly: `$1.6B`, `$294.7K`.
pub fn money_short(v: f64) -> String {
    format!("${}", traincost_core::units::format_money(v))
}

/// A claim's value for people: money compactly with its currency (`~$1.600B`, `at least
/// $500.0M`, `385.0M to 721.0M CNY`), other quantities with their unit.
pub fn claim_value(c: &Claim) -> String {
    let money = c.unit.currency();
    let num = |x: f64| match money {
        Some(Currency::Usd) => format!("${}", traincost_core::units::format_money(x)),
        Some(_) => traincost_core::units::format_money(x),
        None => traincost_claims::format_number(x),
    };
    let v = match c.value {
        Value::Exact(x) => num(x),
        Value::About(x) => format!("~{}", num(x)),
        Value::AtLeast(x) => format!("at least {}", num(x)),
        Value::AtMost(x) => format!("at most {}", num(x)),
        Value::Range { low, high } => format!("{} to {}", num(low), num(high)),
    };
    let unit = c.unit.to_string();
    let unit = match money {
        Some(Currency::Usd) => unit.strip_prefix("USD").unwrap_or(&unit).trim().to_owned(),
        _ => unit,
    };
    if unit.is_empty() {
        v
    } else {
        format!("{v} {unit}")
    }
}

/// When the claimant said it, if that differs from the publication date.
pub(crate) fn said_on(c: &Claim) -> Option<String> {
    c.said_on()
        .filter(|d| *d != c.published())
        .map(|d| d.to_string())
}

/// A date for people: `2025-09-18`, or `2025-09-18 (said 2023-04)`.
pub(crate) fn date_label(published: &str, said_on: Option<&str>) -> String {
    match said_on {
        Some(d) => format!("{published} (said {d})"),
        None => published.to_owned(),
    }
}

/// An energy or emissions figure compactly, at three significant figures: `131 MWh`,
/// `1.95 GWh`, `8,930 tCO2e`, `0 tCO2e`; the unit's `/year` kept (`kWh/year`).
pub fn footprint_short(unit: &str, v: f64) -> String {
    let sig3 = |x: f64| {
        if x == 0.0 || !x.is_finite() {
            return traincost_claims::format_number(x);
        }
        let d = 10f64.powi(x.abs().log10().floor() as i32 - 2);
        traincost_claims::format_number((x / d).round() * d)
    };
    match unit.strip_prefix("kWh") {
        Some(per) => {
            let (x, u) = match v.abs() {
                a if a >= 1e9 => (v / 1e9, "TWh"),
                a if a >= 1e6 => (v / 1e6, "GWh"),
                a if a >= 1e3 => (v / 1e3, "MWh"),
                _ => (v, "kWh"),
            };
            format!("{} {u}{per}", sig3(x))
        }
        None => format!("{} {unit}", sig3(v)),
    }
}
