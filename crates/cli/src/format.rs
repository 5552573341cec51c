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
    } else if unit == "fraction" && v.is_finite() {
        format!("{:.1}%", v * 100.0)
    } else {
        format_number(v)
    }
}

/// A 90% interval in its unit: `$2.2M to $4.9M`.
pub(crate) fn interval(unit: &str, p5: f64, p95: f64) -> String {
    format!("{} to {}", amount(unit, p5), amount(unit, p95))
}

/// A multiple of the final run: its median, and its 90% interval when it has width
/// (`2.4x (1.6-3.9x)`, `3.0x`).
pub(crate) fn multiple(m: &traincost_core::estimate::Multiple) -> String {
    let x = |v: f64| {
        if !v.is_finite() {
            "n/a".to_owned()
        } else if v >= 100.0 {
            format_number(v.round())
        } else if v >= 10.0 {
            format!("{v:.0}")
        } else {
            format!("{v:.1}")
        }
    };
    let (lo, mid, hi) = (x(m.p5), x(m.p50), x(m.p95));
    if lo == hi {
        format!("{mid}x")
    } else {
        format!("{mid}x ({lo}-{hi}x)")
    }
}

/// A ratio such as a claim's multiple of the headline: `311x`, `1.8x`, `0.04x`; empty for
/// `None`.
pub(crate) fn times(m: Option<f64>) -> String {
    match m {
        Some(x) if x >= 10.0 => format!("{x:.0}x"),
        Some(x) if x >= 0.1 => format!("{x:.1}x"),
        Some(x) => format!("{x:.2}x"),
        None => String::new(),
    }
}

/// A layer's multiples of the final run on the same basis: `3.0x (2.1-3.9x)`, or for staff
/// (no basis of its own) one per basis, `2.5x rental; 4.3x ownership`.
pub(crate) fn layer_multiple(l: &traincost_analysis::reconcile::LayerView) -> String {
    match l.multiples.as_slice() {
        [m] => multiple(m),
        ms => ms
            .iter()
            .map(|m| {
                let x = times(Some(m.p50));
                format!("{}x {}", x.trim_end_matches('x'), m.basis)
            })
            .collect::<Vec<_>>()
            .join("; "),
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

    #[test]
    fn multiples_show_their_median_and_interval() {
        use traincost_core::estimate::Multiple;
        use traincost_core::stack::Basis;
        let m = |p5: f64, p50: f64, p95: f64| Multiple {
            basis: Basis::Rental,
            of: "final-run-rental".into(),
            central: p50,
            mean: p50,
            p5,
            p50,
            p95,
        };
        assert_eq!(super::multiple(&m(1.6, 2.4, 3.94)), "2.4x (1.6-3.9x)");
        assert_eq!(super::multiple(&m(3.0, 3.0, 3.0)), "3.0x");
        assert_eq!(super::multiple(&m(150.0, 311.1, 980.0)), "311x (150-980x)");
    }
}
