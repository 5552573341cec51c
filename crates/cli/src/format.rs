//! Numbers for people, shared by every table, Markdown document and chart.

use traincost_core::dist::format_number;
use traincost_core::units::format_money;

/// `$5.576M`, `-$294.7K`, `$2.00`.
pub(crate) fn money(v: f64) -> String {
    if v < 0.0 {
        return format!("-{}", money(-v));
    }
    format!("${}", format_money(v))
}

/// A figure in its unit: money (`USD`, `USD/year`, ...) as [`money`], anything else as a number.
pub(crate) fn amount(unit: &str, v: f64) -> String {
    if unit.starts_with("USD") {
        money(v)
    } else {
        format_number(v)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn money_and_amounts() {
        assert_eq!(super::money(5_576_000.0), "$5.576M");
        assert_eq!(super::money(-294_672.0), "-$294.7K");
        assert_eq!(super::amount("USD/year", 1.6e9), "$1.600B");
        assert_eq!(super::amount("GPU-hours", 2_788_000.0), "2,788,000");
    }
}
