//! Numbers for people, shared by every table, CSV, Markdown document and chart: the one
//! place that decides how many digits a number shows.
//!
//! - A figure the model computed shows 4 significant figures ([`MODEL_SIG`]): `$5.576M`,
//!   `116.4 people`, `2,788,000` (the model knows no more; CSV is rounded the same way, JSON
//!   keeps every digit).
//! - A claim's number shows the precision it was stated with (its own significant figures,
//!   at most 4 in short money form): "~$1B" is `~$1B`, "$5.576M" is `$5.576M`.
//! - Digits are grouped by thousands from 1,000 on, everywhere (`5,000` beside `119,000`);
//!   below 0.001 and from 1e15 on, scientific notation (`3.286e24`).

use traincost_core::units::format_money;

/// Significant figures of a figure the model computed.
pub(crate) const MODEL_SIG: usize = 4;

/// `v` rounded to `sig` significant figures, as decimal digits and an exponent: `(digits,
/// e)` with `v ~ 0.digits x 10^(e+1)`, i.e. the first digit has place value `10^e`.
fn round_sig(v: f64, sig: usize) -> (String, i32) {
    let s = format!("{:.*e}", sig.saturating_sub(1), v.abs());
    let (mantissa, exp) = s.split_once('e').unwrap_or((&s, "0"));
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    (digits, exp.parse().unwrap_or(0))
}

/// `digits` (an integer's digits) grouped by thousands: `1234567` -> `1,234,567`; `1000` ->
/// `1,000`.
fn group(digits: &str) -> String {
    let n = digits.len();
    let mut out = String::with_capacity(n + n / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (n - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// `v` to `sig` significant figures (1 to 17), for people: `5,000`, `119,000`, `116.4`,
/// `0.1043`, `3.286e24`; trailing zeros after the point dropped; `n/a` for NaN or infinity.
pub(crate) fn sig(v: f64, sig: usize) -> String {
    sig_with(v, sig, true)
}

/// [`sig`] without digit grouping, for CSV: `5722720`, `0.4203`, `3.286e24`.
pub(crate) fn csv_number(v: f64) -> String {
    sig_with(v, MODEL_SIG, false)
}

fn sig_with(v: f64, sig: usize, grouped: bool) -> String {
    if !v.is_finite() {
        return "n/a".to_owned();
    }
    let sig = sig.clamp(1, 17);
    if v == 0.0 {
        return "0".to_owned();
    }
    let (digits, e) = round_sig(v, sig);
    let sign = if v < 0.0 { "-" } else { "" };
    let digits = digits.trim_end_matches('0');
    let digits = if digits.is_empty() { "0" } else { digits };
    if !(-3..15).contains(&e) {
        let (first, rest) = digits.split_at(1);
        let dot = if rest.is_empty() { "" } else { "." };
        return format!("{sign}{first}{dot}{rest}e{e}");
    }
    let (int, frac) = if e < 0 {
        let zeros = "0".repeat(usize::try_from(-e - 1).unwrap_or(0));
        ("0".to_owned(), format!("{zeros}{digits}"))
    } else {
        let int_len = usize::try_from(e + 1).unwrap_or(0);
        if digits.len() <= int_len {
            (format!("{digits:0<int_len$}"), String::new())
        } else {
            let (i, f) = digits.split_at(int_len);
            (i.to_owned(), f.to_owned())
        }
    };
    let int = if grouped { group(&int) } else { int };
    if frac.is_empty() {
        format!("{sign}{int}")
    } else {
        format!("{sign}{int}.{frac}")
    }
}

/// A whole count, every digit, grouped: `100,000` samples.
pub(crate) fn count(n: u64) -> String {
    group(&n.to_string())
}

/// A figure the model computed: [`MODEL_SIG`] significant figures (`116.4`, `2,788,000`).
pub(crate) fn number(v: f64) -> String {
    sig(v, MODEL_SIG)
}

/// Significant figures of a number as stated (its shortest decimal form): `1e9` has 1,
/// `5.576e6` 4, `1_300_000` 2; at least 1.
pub(crate) fn stated_sig(v: f64) -> usize {
    if !v.is_finite() || v == 0.0 {
        return 1;
    }
    let s = format!("{:e}", v.abs());
    let mantissa = s.split('e').next().unwrap_or("");
    mantissa.chars().filter(char::is_ascii_digit).count().max(1)
}

/// Money at `sig` significant figures (at most 4), short: `$1B`, `$6M`, `$5.576M`, `$1.6B`,
/// `$2`, `$0.09`.
pub(crate) fn money_sig(v: f64, sig_figs: usize) -> String {
    if !v.is_finite() {
        return "n/a".to_owned();
    }
    if v < 0.0 {
        return format!("-{}", money_sig(-v, sig_figs));
    }
    let (scaled, suffix) = match v {
        _ if v >= 1e12 => (v / 1e12, "T"),
        _ if v >= 1e9 => (v / 1e9, "B"),
        _ if v >= 1e6 => (v / 1e6, "M"),
        _ if v >= 1e3 => (v / 1e3, "K"),
        _ => (v, ""),
    };
    format!("${}{suffix}", sig(scaled, sig_figs.clamp(1, MODEL_SIG)))
}

/// A claim's value as stated, in its unit: `~$1B`, `at least $500M`, `385M to 721M CNY`,
/// `about 10,000 GPUs`. `unit` is the claim's unit as written (`USD`, `USD 2024`, `GPUs`).
pub(crate) fn claim_value(value: &traincost_claims::Value, unit: &str) -> String {
    use traincost_claims::Value;
    let currency = unit
        .parse::<traincost_claims::Unit>()
        .ok()
        .and_then(|u| u.currency());
    let usd = matches!(currency, Some(traincost_claims::Currency::Usd));
    let num = |x: f64| {
        let n = stated_sig(x);
        match currency {
            Some(_) if usd => money_sig(x, n),
            Some(_) => money_sig(x, n).trim_start_matches('$').to_owned(),
            None => sig(x, n),
        }
    };
    let v = match *value {
        Value::Exact(x) => num(x),
        Value::About(x) => format!("~{}", num(x)),
        Value::AtLeast(x) => format!("at least {}", num(x)),
        Value::AtMost(x) => format!("at most {}", num(x)),
        Value::Range { low, high } => format!("{} to {}", num(low), num(high)),
    };
    let unit = if usd {
        unit.trim().strip_prefix("USD").unwrap_or(unit).trim()
    } else {
        unit.trim()
    };
    if unit.is_empty() {
        v
    } else {
        format!("{v} {unit}")
    }
}

/// A distribution for people, its numbers at [`MODEL_SIG`] significant figures and grouped:
/// `lognormal 90% CI [9,901, 26,400]`, `37,000,000,000`.
pub(crate) fn distribution(d: &traincost_core::dist::Distribution) -> String {
    traincost_core::dist::describe_with(d, number)
}

/// `$5.576M`, `-$294.7K`, `$2.00`.
pub(crate) fn money(v: f64) -> String {
    if v < 0.0 {
        return format!("-{}", money(-v));
    }
    format!("${}", format_money(v))
}

/// Energy in kWh at 4 significant figures, in the largest prefix that keeps it at least 1:
/// `1.952 GWh`, `372.9 MWh`, `850 kWh`.
pub(crate) fn energy(kwh: f64) -> String {
    if !kwh.is_finite() {
        return "n/a".to_owned();
    }
    let (v, unit) = match kwh.abs() {
        a if a >= 1e9 => (kwh / 1e9, "TWh"),
        a if a >= 1e6 => (kwh / 1e6, "GWh"),
        a if a >= 1e3 => (kwh / 1e3, "MWh"),
        _ => (kwh, "kWh"),
    };
    format!("{} {unit}", sig(v, MODEL_SIG))
}

/// A figure in its unit: money (`USD`, `USD/year`, ...) as [`money`], energy (`kWh`,
/// `kWh/year`) as [`energy`], emissions with their unit (`8,930 tCO2e`), anything else as a
/// number.
pub(crate) fn amount(unit: &str, v: f64) -> String {
    if let Some(per) = unit.strip_prefix("kWh") {
        format!("{}{per}", energy(v))
    } else if unit.starts_with("tCO2e") {
        format!("{} {unit}", number(v))
    } else if unit.starts_with("USD") {
        money(v)
    } else if unit == "fraction" && v.is_finite() {
        format!("{:.1}%", v * 100.0)
    } else {
        number(v)
    }
}

/// A 90% interval in its unit: `$2.2M to $4.9M`; `(exact)` when it has no width.
pub(crate) fn interval(unit: &str, p5: f64, p95: f64) -> String {
    if p5 == p95 {
        return "(exact)".to_owned();
    }
    format!("{} to {}", amount(unit, p5), amount(unit, p95))
}

/// A multiple of the final run: its median, and its 90% interval when it has width
/// (`2.4x (1.6-3.9x)`, `3.0x`).
pub(crate) fn multiple(m: &traincost_core::estimate::Multiple) -> String {
    let x = |v: f64| {
        if !v.is_finite() {
            "n/a".to_owned()
        } else if v >= 100.0 {
            number(v.round())
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
/// A reconciliation row's figure in its unit: money compactly (`$1.6B`), energy and emissions
/// as [`amount`] (`1.95 GWh`, `8,930 tCO2e`).
pub(crate) fn layer_value(l: &traincost_analysis::reconcile::LayerView, v: f64) -> String {
    if l.unit.starts_with("USD") {
        traincost_analysis::text::money_short(v)
    } else {
        amount(&l.unit, v)
    }
}

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
        assert_eq!(super::amount("people", 116.4249), "116.4");
        assert_eq!(super::amount("GPU-hours", 5000.0), "5,000");
        assert_eq!(super::csv_number(1_590_217_932.799_987_8), "1590000000");
        assert_eq!(super::csv_number(0.42031), "0.4203");
        assert_eq!(super::number(3.2856e24), "3.286e24");
        assert_eq!(super::number(0.000_123_46), "1.235e-4");
        assert_eq!(super::number(0.0012346), "0.001235");
        assert_eq!(super::number(-9900.6723), "-9,901");
        assert_eq!(super::number(9999.7), "10,000");
        assert_eq!(super::number(f64::NAN), "n/a");
        assert_eq!(super::count(100_000), "100,000");
        assert_eq!(
            super::distribution(&traincost_core::dist::Distribution::Lognormal {
                p5: 9900.6723,
                p95: 26_402.0
            }),
            "lognormal 90% CI [9,901, 26,400]"
        );
    }

    #[test]
    fn claims_keep_their_own_precision() {
        use traincost_claims::Value;
        assert_eq!(super::stated_sig(1e9), 1);
        assert_eq!(super::stated_sig(5.576e6), 4);
        assert_eq!(super::claim_value(&Value::About(1e9), "USD"), "~$1B");
        assert_eq!(
            super::claim_value(&Value::About(6e6), "USD 2024"),
            "~$6M 2024"
        );
        assert_eq!(super::claim_value(&Value::Exact(5.576e6), "USD"), "$5.576M");
        assert_eq!(
            super::claim_value(&Value::AtLeast(5e8), "USD"),
            "at least $500M"
        );
        assert_eq!(super::claim_value(&Value::About(1.6e9), "USD"), "~$1.6B");
        assert_eq!(
            super::claim_value(&Value::About(10_000.0), "GPUs"),
            "~10,000 GPUs"
        );
    }

    /// The number `sig` wrote, read back.
    fn read(s: &str) -> f64 {
        s.replace(',', "").parse().expect("a number")
    }

    proptest::proptest! {
        #[test]
        fn sig_round_trips_within_its_figures(v in -1e18f64..1e18, n in 1usize..8) {
            let s = super::sig(v, n);
            proptest::prop_assert!(!s.contains("inf") && !s.contains("NaN") && s != "n/a", "{}", s);
            let back = read(&s);
            // Within half a unit of the last significant figure.
            let tol = v.abs() * 0.5 * 10f64.powi(1 - n as i32) * (1.0 + 1e-9) + f64::MIN_POSITIVE;
            proptest::prop_assert!((back - v).abs() <= tol, "{} -> {} (back {})", v, s, back);
        }

        #[test]
        fn digits_are_grouped_by_thousands(v in 0f64..1e15, n in 1usize..8) {
            let s = super::sig(v, n);
            if !s.contains('e') {
                let int = s.split('.').next().unwrap_or("");
                let groups: Vec<&str> = int.split(',').collect();
                proptest::prop_assert!((1..=3).contains(&groups[0].len()), "{}", s);
                for g in &groups[1..] {
                    proptest::prop_assert_eq!(g.len(), 3, "{}", s);
                }
                // Grouped from 1,000 on, never `5000`.
                proptest::prop_assert_eq!(int.len() > 3 && groups.len() == 1, false, "{}", s);
            }
        }

        #[test]
        fn csv_numbers_read_back(v in -1e20f64..1e20) {
            let s = super::csv_number(v);
            proptest::prop_assert!(!s.contains(','), "{}", s);
            let back: f64 = s.parse().expect("parses");
            proptest::prop_assert!((back - v).abs() <= v.abs() * 5e-4 + f64::MIN_POSITIVE, "{} -> {}", v, s);
        }
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
