//! Distributions for uncertain inputs, and how to show them to people.
//!
//! Every input of the cost model is a [`Distribution`]: a point, or one of the shapes that the
//! Monte Carlo engine (the `traincost-engine` crate) draws from. A lognormal is given by its
//! 5th and 95th percentiles, with `sigma = (ln p95 - ln p5) / (2 x 1.6448536269514722)`
//! ([`Z_95`]), the definition of Squiggle's `a to b`. [`Distribution::median`] gives the value
//! the central estimate uses, [`Distribution::quantile`] any percentile (sensitivity analysis)
//! and [`Distribution::validate`] says what is wrong with one.
//!
//! [`describe`] and [`format_number`] write a distribution and a number for people.
//!
//! # Example
//!
//! ```
//! use traincost_core::dist::{describe, Distribution};
//!
//! let price = Distribution::Lognormal { p5: 2.0, p95: 8.0 };
//! assert!((price.median() - 4.0).abs() < 1e-12); // the geometric mean of the percentiles
//! assert!((price.quantile(0.95) - 8.0).abs() < 1e-6); // Acklam's inverse normal CDF
//! assert!(price.validate(false).is_ok());
//! assert!(Distribution::Lognormal { p5: 8.0, p95: 2.0 }.validate(false).is_err());
//! assert_eq!(describe(&Distribution::Point(2.0)), "2");
//! ```

pub use traincost_engine::dist::{Distribution, DistributionError, Z_95, student_t_quantile};

/// A human description of `d`: `2`, `lognormal 90% CI [1.2, 4]`, `uniform [2, 4]`, ...
pub fn describe(d: &Distribution) -> String {
    describe_with(d, format_number)
}

/// [`describe`] with the numbers written by `g` (a renderer's own number format).
pub fn describe_with(d: &Distribution, g: impl Fn(f64) -> String) -> String {
    match *d {
        Distribution::Point(v) => g(v),
        Distribution::Uniform { low, high } => format!("uniform [{}, {}]", g(low), g(high)),
        Distribution::Triangular { min, mode, max } => {
            format!("triangular [{}, {}, {}]", g(min), g(mode), g(max))
        }
        Distribution::Pert { min, mode, max } => {
            format!("PERT [{}, {}, {}]", g(min), g(mode), g(max))
        }
        Distribution::Normal { mean, sd } => format!("normal mean {} sd {}", g(mean), g(sd)),
        Distribution::Lognormal { p5, p95 } => {
            format!("lognormal 90% CI [{}, {}]", g(p5), g(p95))
        }
        Distribution::Samples(ref s) => {
            format!("{} samples [{} .. {}]", s.len(), g(s[0]), g(s[s.len() - 1]))
        }
    }
}

/// Formats a number for people: up to 4 significant digits, thousands and SI-ish suffixes.
pub fn format_number(v: f64) -> String {
    let a = v.abs();
    if a == 0.0 {
        return "0".into();
    }
    if !(1e-3..1e15).contains(&a) {
        return format!("{v:.3e}");
    }
    let s = format!("{:.4}", v);
    let s = if a >= 1e4 { format!("{v:.0}") } else { s };
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    };
    // Thousands separators for large integers.
    if a >= 1e4 {
        let (sign, digits) = if let Some(d) = s.strip_prefix('-') {
            ("-", d)
        } else {
            ("", s.as_str())
        };
        let mut out = String::new();
        for (i, ch) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                out.push(',');
            }
            out.push(ch);
        }
        return format!("{sign}{out}");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_format_for_people() {
        assert_eq!(format_number(2664000.0), "2,664,000");
        assert_eq!(format_number(2.0), "2");
        assert_eq!(format_number(0.375), "0.375");
        assert_eq!(format_number(3.2856e24), "3.286e24");
    }

    #[test]
    fn distributions_describe_themselves() {
        assert_eq!(describe(&Distribution::Point(2.0)), "2");
        assert_eq!(
            describe(&Distribution::Lognormal { p5: 1.2, p95: 4.0 }),
            "lognormal 90% CI [1.2, 4]"
        );
        assert_eq!(
            describe(&Distribution::Pert {
                min: 1.0,
                mode: 2.0,
                max: 30_000.0
            }),
            "PERT [1, 2, 30,000]"
        );
        assert_eq!(
            describe(&Distribution::samples(vec![3.0, 1.0, 2.0])),
            "3 samples [1 .. 3]"
        );
    }
}
