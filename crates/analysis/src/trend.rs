//! Growth of costs over time: the least-squares fit of log10(cost) on publication date that
//! Epoch AI ran for "The rising costs of training frontier AI models" (Cottier et al. 2024,
//! arXiv 2405.21015), and what its slope means as a factor per year.
//!
//! Epoch's `regression.py` (`fit_ols_regression`, training-cost-trends at 312c7ed) regresses
//! `log10(cost)` on the publication date as a decimal year, `year + (month - 1) / 12 +
//! (day - 1) / 365` (`utils.datetime_to_float_year`), by ordinary least squares with a
//! constant, and reports the slope in orders of magnitude per year with its 95% confidence
//! interval (Student's t, n - 2 degrees of freedom, statsmodels' `conf_int()`); the growth
//! factor per year is `10^slope`. [`fit`] computes the same.
//!
//! ```
//! use traincost_analysis::trend::fit;
//!
//! // A cost tripling every year, exactly.
//! let points: Vec<(f64, f64)> = (0..8).map(|i| (2016.0 + i as f64, 1e6 * 3f64.powi(i))).collect();
//! let f = fit(&points).unwrap();
//! assert!((f.factor_per_year() - 3.0).abs() < 1e-9);
//! ```

use serde::Serialize;
use traincost_core::date::Date;
pub use traincost_core::dist::student_t_quantile;

/// A date as Epoch AI's regression reads it: `year + (month - 1) / 12 + (day - 1) / 365`
/// (`utils.datetime_to_float_year`). Not [`Date::decimal_year`]: the fit reproduces Epoch's.
pub fn epoch_decimal_year(d: Date) -> f64 {
    let (y, m, day) = d.ymd();
    f64::from(y) + f64::from(m - 1) / 12.0 + f64::from(day - 1) / 365.0
}

/// Confidence level of the slope's interval, as Epoch reports it.
pub const CONFIDENCE: f64 = 0.95;

/// An exponential trend fitted by least squares on log10 of the values.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct GrowthFit {
    /// Points fitted.
    pub n: usize,
    /// Slope: orders of magnitude (log10) per year.
    pub ooms_per_year: f64,
    /// Standard error of the slope.
    pub standard_error: f64,
    /// The slope's [`CONFIDENCE`] interval, low end (OOMs per year).
    pub ooms_per_year_low: f64,
    /// The slope's [`CONFIDENCE`] interval, high end (OOMs per year).
    pub ooms_per_year_high: f64,
    /// Intercept: log10 of the fitted value at year 0.
    pub intercept: f64,
    /// Coefficient of determination.
    pub r_squared: f64,
    /// Earliest date fitted (decimal year).
    pub first_year: f64,
    /// Latest date fitted (decimal year).
    pub last_year: f64,
    /// Mean of the dates fitted: the fitted line passes through (mean year, mean log10 value).
    pub mean_year: f64,
}

impl GrowthFit {
    /// Growth factor per year, `10^slope` (2.4 means x2.4 a year).
    pub fn factor_per_year(&self) -> f64 {
        10f64.powf(self.ooms_per_year)
    }

    /// The factor's confidence interval, `(10^low, 10^high)`.
    pub fn factor_interval(&self) -> (f64, f64) {
        (
            10f64.powf(self.ooms_per_year_low),
            10f64.powf(self.ooms_per_year_high),
        )
    }

    /// The fitted value at a decimal year.
    pub fn at(&self, year: f64) -> f64 {
        10f64.powf(self.intercept + self.ooms_per_year * year)
    }
}

/// Fits `log10(value) = a + b x year` by ordinary least squares over `(decimal year, value)`
/// points. Points whose value is not positive and finite, or whose year is not finite, are
/// left out. `None` with fewer than three usable points or with every point in one year (no
/// slope, or no interval, can be given).
pub fn fit(points: &[(f64, f64)]) -> Option<GrowthFit> {
    let pts: Vec<(f64, f64)> = points
        .iter()
        .filter(|(x, y)| x.is_finite() && y.is_finite() && *y > 0.0)
        .map(|&(x, y)| (x, y.log10()))
        .collect();
    let n = pts.len();
    if n < 3 {
        return None;
    }
    let nf = n as f64;
    let mx = pts.iter().map(|p| p.0).sum::<f64>() / nf;
    let my = pts.iter().map(|p| p.1).sum::<f64>() / nf;
    let sxx: f64 = pts.iter().map(|p| (p.0 - mx).powi(2)).sum();
    let sxy: f64 = pts.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
    let syy: f64 = pts.iter().map(|p| (p.1 - my).powi(2)).sum();
    if sxx <= 0.0 || !sxx.is_finite() {
        return None;
    }
    let b = sxy / sxx;
    let a = my - b * mx;
    let sse: f64 = pts.iter().map(|p| (p.1 - a - b * p.0).powi(2)).sum();
    let df = nf - 2.0;
    let se = (sse / df / sxx).sqrt();
    let t = student_t_quantile(0.5 + CONFIDENCE / 2.0, df);
    let r_squared = if syy > 0.0 { 1.0 - sse / syy } else { 1.0 };
    let (first_year, last_year) = pts
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), p| {
            (lo.min(p.0), hi.max(p.0))
        });
    Some(GrowthFit {
        n,
        ooms_per_year: b,
        standard_error: se,
        ooms_per_year_low: b - t * se,
        ooms_per_year_high: b + t * se,
        intercept: a,
        r_squared,
        first_year,
        last_year,
        mean_year: mx,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Student's t quantiles from published tables (two-sided 95%: the 0.975 quantile).
    #[test]
    fn t_quantiles_match_tables() {
        for (df, want) in [
            (1.0, 12.706_204_736),
            (2.0, 4.302_652_730),
            (10.0, 2.228_138_852),
            (43.0, 2.016_692_199),
            (59.0, 2.000_995_378),
            (1000.0, 1.962_339_081),
        ] {
            let t = student_t_quantile(0.975, df);
            assert!((t - want).abs() < 1e-6, "df {df}: {t} vs {want}");
        }
        assert!((student_t_quantile(0.025, 10.0) + 2.228_138_852).abs() < 1e-6);
    }

    #[test]
    fn decimal_year_is_epochs() {
        let d: Date = "2023-03-15".parse().unwrap();
        assert!((epoch_decimal_year(d) - (2023.0 + 2.0 / 12.0 + 14.0 / 365.0)).abs() < 1e-12);
    }

    #[test]
    fn too_few_points_or_one_date_give_no_fit() {
        assert!(fit(&[(2020.0, 1.0), (2021.0, 2.0)]).is_none());
        assert!(fit(&[(2020.0, 1.0), (2020.0, 2.0), (2020.0, 3.0)]).is_none());
        // Non-positive values are left out.
        assert!(fit(&[(2020.0, 1.0), (2021.0, 2.0), (2022.0, 0.0)]).is_none());
    }

    /// A textbook case: y = 10^(x) with a known residual pattern; slope, se by hand.
    #[test]
    fn slope_and_standard_error_by_hand() {
        // log10 values 0, 1.1, 1.9, 3.0 at x = 0..3: b = 0.98, a = 0.03.
        let pts: Vec<(f64, f64)> = [0.0, 1.1, 1.9, 3.0]
            .iter()
            .enumerate()
            .map(|(i, l)| (i as f64, 10f64.powf(*l)))
            .collect();
        let f = fit(&pts).unwrap();
        assert!((f.ooms_per_year - 0.98).abs() < 1e-12);
        assert!((f.intercept - 0.03).abs() < 1e-12);
        // Residuals -0.03, 0.09, -0.09, 0.03: SSE 0.018, sxx 5, se = sqrt(0.018 / 2 / 5).
        assert!((f.standard_error - (0.018f64 / 10.0).sqrt()).abs() < 1e-12);
    }

    proptest! {
        /// Exact exponential data gives back its rate, with a zero-width interval.
        #[test]
        fn exact_exponentials_recover_their_rate(
            factor in 0.2f64..20.0,
            start in 1990.0f64..2030.0,
            scale in 1.0f64..1e9,
            steps in proptest::collection::vec(0.01f64..2.0, 3..40),
        ) {
            let mut x = start;
            let pts: Vec<(f64, f64)> = steps.iter().map(|s| {
                x += s;
                (x, scale * factor.powf(x - start))
            }).collect();
            let f = fit(&pts).unwrap();
            prop_assert!((f.factor_per_year() / factor - 1.0).abs() < 1e-6, "{} vs {factor}", f.factor_per_year());
            prop_assert!(f.standard_error < 1e-6);
            let (lo, hi) = f.factor_interval();
            prop_assert!(lo <= f.factor_per_year() * (1.0 + 1e-9) && hi >= f.factor_per_year() * (1.0 - 1e-9));
            prop_assert!((f.at(start) / scale - 1.0).abs() < 1e-5);
        }

        /// Multiplying every value by a constant (other dollars) changes no slope.
        #[test]
        fn a_constant_dollar_factor_changes_no_slope(
            k in 0.1f64..10.0,
            ys in proptest::collection::vec(1.0f64..1e8, 3..30),
        ) {
            let pts: Vec<(f64, f64)> = ys.iter().enumerate().map(|(i, y)| (2015.0 + 0.37 * i as f64, *y)).collect();
            let scaled: Vec<(f64, f64)> = pts.iter().map(|(x, y)| (*x, y * k)).collect();
            let (a, b) = (fit(&pts).unwrap(), fit(&scaled).unwrap());
            prop_assert!((a.ooms_per_year - b.ooms_per_year).abs() < 1e-9);
            prop_assert!((a.standard_error - b.standard_error).abs() < 1e-9);
        }
    }
}
