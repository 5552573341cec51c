//! Probability distributions for uncertain inputs.
//!
//! Every uncertain input of a [`crate::Model`] is a [`Distribution`]: a point, or one of the
//! shapes below. A lognormal is given by its 5th and 95th percentiles, with
//! `sigma = (ln p95 - ln p5) / (2 x 1.6448536269514722)`, the definition of Squiggle's `a to b`.
//!
//! [`Distribution::median`] gives the value used by a central estimate;
//! [`Distribution::quantile`] gives any percentile (used by sensitivity analysis);
//! [`Distribution::validate`] says what is wrong with one; [`Sampler`] draws from it, fast,
//! into a slice ([`GammaSampler`] for the gamma variates of PERT).

use std::sync::Arc;

use crate::rng::WideRng;
use serde::{Deserialize, Serialize};

/// The standard normal quantile at 0.95: a 90% interval spans +-this many sigmas.
pub const Z_95: f64 = 1.6448536269514722;

/// A probability distribution over a non-negative quantity (see [`Distribution::validate`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Distribution {
    /// A known value.
    Point(f64),
    /// Uniform between `low` and `high`.
    Uniform {
        /// Lower bound.
        low: f64,
        /// Upper bound.
        high: f64,
    },
    /// Triangular with the given minimum, mode and maximum.
    Triangular {
        /// Minimum.
        min: f64,
        /// Most likely value.
        mode: f64,
        /// Maximum.
        max: f64,
    },
    /// Normal with mean and standard deviation.
    Normal {
        /// Mean (and median).
        mean: f64,
        /// Standard deviation.
        sd: f64,
    },
    /// PERT (a scaled beta with shape 4) with minimum, mode and maximum.
    Pert {
        /// Minimum.
        min: f64,
        /// Most likely value.
        mode: f64,
        /// Maximum.
        max: f64,
    },
    /// Lognormal given by its 5th and 95th percentiles (a 90% interval).
    Lognormal {
        /// 5th percentile.
        p5: f64,
        /// 95th percentile.
        p95: f64,
    },
    /// Draws with replacement from these samples (sorted ascending).
    Samples(Arc<[f64]>),
}

/// Why a distribution is not usable.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DistributionError {
    /// A parameter is NaN or infinite.
    #[error("{0} must be a finite number")]
    NotFinite(&'static str),
    /// A parameter is negative where the quantity cannot be.
    #[error("{what} is {value}, but this quantity cannot be negative")]
    Negative {
        /// Which parameter.
        what: &'static str,
        /// Its value.
        value: f64,
    },
    /// Bounds are out of order.
    #[error("{low_name} ({low}) is greater than {high_name} ({high}); swap them")]
    OutOfOrder {
        /// Name of the parameter that should be smaller.
        low_name: &'static str,
        /// Its value.
        low: f64,
        /// Name of the parameter that should be larger.
        high_name: &'static str,
        /// Its value.
        high: f64,
    },
    /// A lognormal needs a strictly positive 5th percentile.
    #[error(
        "a lognormal's p5 must be greater than zero (got {0}); use `uniform` or `pert` for ranges that include zero"
    )]
    LognormalNotPositive(f64),
    /// A normal that would often be negative.
    #[error(
        "a normal with mean {mean} and sd {sd} is negative {percent:.2}% of the time; \
         use `lognormal = [p5, p95]` or `pert = [min, mode, max]` for a non-negative quantity"
    )]
    NormalGoesNegative {
        /// Mean.
        mean: f64,
        /// Standard deviation.
        sd: f64,
        /// Chance of a negative draw, percent.
        percent: f64,
    },
    /// No samples.
    #[error("`samples` needs at least one value")]
    NoSamples,
}

impl Distribution {
    /// A lognormal with the given median and log-standard-deviation `sigma`.
    pub fn lognormal_from_median(median: f64, sigma: f64) -> Distribution {
        Distribution::Lognormal {
            p5: median * (-Z_95 * sigma).exp(),
            p95: median * (Z_95 * sigma).exp(),
        }
    }

    /// Empirical samples (sorted on construction).
    pub fn samples(mut values: Vec<f64>) -> Distribution {
        values.sort_by(f64::total_cmp);
        Distribution::Samples(values.into())
    }

    /// Checks parameters: finite, ordered, and (unless `allow_negative`) never negative.
    ///
    /// A normal is accepted for a non-negative quantity only if it is negative less than one
    /// time in a million (mean >= 4.75 sd).
    pub fn validate(&self, allow_negative: bool) -> Result<(), DistributionError> {
        use DistributionError as E;
        let finite = |name: &'static str, v: f64| {
            if v.is_finite() {
                Ok(())
            } else {
                Err(E::NotFinite(name))
            }
        };
        let nonneg = |name: &'static str, v: f64| {
            if allow_negative || v >= 0.0 {
                Ok(())
            } else {
                Err(E::Negative {
                    what: name,
                    value: v,
                })
            }
        };
        let ordered = |ln: &'static str, l: f64, hn: &'static str, h: f64| {
            if l <= h {
                Ok(())
            } else {
                Err(E::OutOfOrder {
                    low_name: ln,
                    low: l,
                    high_name: hn,
                    high: h,
                })
            }
        };
        match *self {
            Distribution::Point(v) => {
                finite("value", v)?;
                nonneg("value", v)
            }
            Distribution::Uniform { low, high } => {
                finite("low", low)?;
                finite("high", high)?;
                ordered("low", low, "high", high)?;
                nonneg("low", low)
            }
            Distribution::Triangular { min, mode, max } | Distribution::Pert { min, mode, max } => {
                finite("min", min)?;
                finite("mode", mode)?;
                finite("max", max)?;
                ordered("min", min, "mode", mode)?;
                ordered("mode", mode, "max", max)?;
                nonneg("min", min)
            }
            Distribution::Normal { mean, sd } => {
                finite("mean", mean)?;
                finite("sd", sd)?;
                if sd < 0.0 {
                    return Err(E::Negative {
                        what: "sd",
                        value: sd,
                    });
                }
                nonneg("mean", mean)?;
                let p_negative = normal_cdf(-mean / sd);
                if !allow_negative && sd > 0.0 && p_negative > 1e-6 {
                    return Err(E::NormalGoesNegative {
                        mean,
                        sd,
                        percent: 100.0 * p_negative,
                    });
                }
                Ok(())
            }
            Distribution::Lognormal { p5, p95 } => {
                finite("p5", p5)?;
                finite("p95", p95)?;
                if p5 <= 0.0 {
                    return Err(E::LognormalNotPositive(p5));
                }
                ordered("p5", p5, "p95", p95)
            }
            Distribution::Samples(ref s) => {
                if s.is_empty() {
                    return Err(E::NoSamples);
                }
                for &v in s.iter() {
                    finite("every sample", v)?;
                    nonneg("a sample", v)?;
                }
                Ok(())
            }
        }
    }

    /// True if the distribution is a single value.
    pub fn is_point(&self) -> bool {
        match *self {
            Distribution::Point(_) => true,
            Distribution::Uniform { low, high } => low == high,
            Distribution::Triangular { min, max, .. } | Distribution::Pert { min, max, .. } => {
                min == max
            }
            Distribution::Normal { sd, .. } => sd == 0.0,
            Distribution::Lognormal { p5, p95 } => p5 == p95,
            Distribution::Samples(ref s) => s.first() == s.last(),
        }
    }

    /// The median: the value the central estimate uses.
    pub fn median(&self) -> f64 {
        match *self {
            Distribution::Point(v) => v,
            Distribution::Normal { mean, .. } => mean,
            Distribution::Lognormal { p5, p95 } => (p5 * p95).sqrt(),
            _ => self.quantile(0.5),
        }
    }

    /// The mean of the distribution.
    pub fn mean(&self) -> f64 {
        match *self {
            Distribution::Point(v) => v,
            Distribution::Uniform { low, high } => (low + high) / 2.0,
            Distribution::Triangular { min, mode, max } => (min + mode + max) / 3.0,
            Distribution::Pert { min, mode, max } => (min + 4.0 * mode + max) / 6.0,
            Distribution::Normal { mean, .. } => mean,
            Distribution::Lognormal { .. } => {
                let (mu, sigma) = self.log_params();
                (mu + sigma * sigma / 2.0).exp()
            }
            Distribution::Samples(ref s) => s.iter().sum::<f64>() / s.len() as f64,
        }
    }

    /// The `q`-quantile, `q` in [0, 1]. Exact for every shape but the normal, whose inverse
    /// CDF is Acklam's approximation (relative error below 1.2e-9), and PERT, found by bisection
    /// on the regularized incomplete beta function to 1e-12.
    pub fn quantile(&self, q: f64) -> f64 {
        let q = q.clamp(0.0, 1.0);
        match *self {
            Distribution::Point(v) => v,
            Distribution::Uniform { low, high } => low + q * (high - low),
            Distribution::Triangular { min, mode, max } => {
                if max == min {
                    return min;
                }
                let fc = (mode - min) / (max - min);
                if q < fc {
                    min + ((max - min) * (mode - min) * q).sqrt()
                } else {
                    max - ((max - min) * (max - mode) * (1.0 - q)).sqrt()
                }
            }
            Distribution::Pert { min, mode, max } => {
                if max == min {
                    return min;
                }
                let (a, b) = pert_shape(min, mode, max);
                min + (max - min) * beta_quantile(a, b, q)
            }
            Distribution::Normal { mean, sd } => mean + sd * normal_quantile(q),
            Distribution::Lognormal { .. } => {
                let (mu, sigma) = self.log_params();
                (mu + sigma * normal_quantile(q)).exp()
            }
            Distribution::Samples(ref s) => sorted_quantile(s, q),
        }
    }

    /// The same distribution scaled by `k > 0` (unit and dollar conversions).
    pub fn scaled(&self, k: f64) -> Distribution {
        match *self {
            Distribution::Point(v) => Distribution::Point(v * k),
            Distribution::Uniform { low, high } => Distribution::Uniform {
                low: low * k,
                high: high * k,
            },
            Distribution::Triangular { min, mode, max } => Distribution::Triangular {
                min: min * k,
                mode: mode * k,
                max: max * k,
            },
            Distribution::Pert { min, mode, max } => Distribution::Pert {
                min: min * k,
                mode: mode * k,
                max: max * k,
            },
            Distribution::Normal { mean, sd } => Distribution::Normal {
                mean: mean * k,
                sd: sd * k,
            },
            Distribution::Lognormal { p5, p95 } => Distribution::Lognormal {
                p5: p5 * k,
                p95: p95 * k,
            },
            Distribution::Samples(ref s) => {
                Distribution::Samples(s.iter().map(|v| v * k).collect())
            }
        }
    }

    /// `mu` and `sigma` of the underlying normal of a lognormal.
    fn log_params(&self) -> (f64, f64) {
        match *self {
            Distribution::Lognormal { p5, p95 } => {
                let (l5, l95) = (p5.ln(), p95.ln());
                ((l5 + l95) / 2.0, (l95 - l5) / (2.0 * Z_95))
            }
            _ => unreachable!("log_params on a non-lognormal"),
        }
    }
}

/// numpy's default quantile (linear interpolation between order statistics at `q (n - 1)`).
pub fn sorted_quantile(sorted: &[f64], q: f64) -> f64 {
    let n = sorted.len();
    if n == 0 {
        return f64::NAN;
    }
    let h = q.clamp(0.0, 1.0) * (n - 1) as f64;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(n - 1);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

/// A prepared sampler: parameters precomputed, draws written into a slice.
#[derive(Debug, Clone)]
pub enum Sampler {
    /// Fills with a constant.
    Constant(f64),
    /// `low + width * U(0,1)`.
    Uniform {
        /// Lower bound.
        low: f64,
        /// Width.
        width: f64,
    },
    /// Inverse-CDF triangular.
    Triangular {
        /// Minimum.
        min: f64,
        /// Mode.
        mode: f64,
        /// Maximum.
        max: f64,
    },
    /// `max(0, mean + sd * Z)` (or unclamped if negatives are allowed).
    Normal {
        /// Mean.
        mean: f64,
        /// Standard deviation.
        sd: f64,
        /// Lower clamp (0 or -inf).
        floor: f64,
    },
    /// `min + width * Beta(a, b)`, the beta variate drawn as `X / (X + Y)` with
    /// `X ~ Gamma(a)`, `Y ~ Gamma(b)` (PERT shapes are >= 1).
    Pert {
        /// Minimum.
        min: f64,
        /// Width.
        width: f64,
        /// `Gamma(a, 1)`.
        a: GammaSampler,
        /// `Gamma(b, 1)`.
        b: GammaSampler,
    },
    /// `exp(mu + sigma * Z)`.
    Lognormal {
        /// Mean of the log.
        mu: f64,
        /// Standard deviation of the log.
        sigma: f64,
    },
    /// Bootstrap from samples.
    Samples(Arc<[f64]>),
}

impl Sampler {
    /// A sampler for `dist` (which must have passed [`Distribution::validate`]).
    pub fn new(dist: &Distribution, allow_negative: bool) -> Sampler {
        if dist.is_point() {
            return Sampler::Constant(dist.median());
        }
        match *dist {
            Distribution::Point(v) => Sampler::Constant(v),
            Distribution::Uniform { low, high } => Sampler::Uniform {
                low,
                width: high - low,
            },
            Distribution::Triangular { min, mode, max } => Sampler::Triangular { min, mode, max },
            Distribution::Normal { mean, sd } => Sampler::Normal {
                mean,
                sd,
                floor: if allow_negative {
                    f64::NEG_INFINITY
                } else {
                    0.0
                },
            },
            Distribution::Pert { min, mode, max } => {
                let (a, b) = pert_shape(min, mode, max);
                Sampler::Pert {
                    min,
                    width: max - min,
                    a: GammaSampler::new(a),
                    b: GammaSampler::new(b),
                }
            }
            Distribution::Lognormal { .. } => {
                let (mu, sigma) = dist.log_params();
                Sampler::Lognormal { mu, sigma }
            }
            Distribution::Samples(ref s) => Sampler::Samples(s.clone()),
        }
    }

    /// The value every draw takes, if the sampler is a constant.
    pub fn constant(&self) -> Option<f64> {
        match self {
            Sampler::Constant(v) => Some(*v),
            _ => None,
        }
    }

    /// Fills `out` with independent draws, with the widest SIMD this CPU has.
    #[inline]
    pub fn fill(&self, rng: &mut WideRng, out: &mut [f64]) {
        crate::math::with_simd(
            #[inline(always)]
            || self.fill_block(rng, out),
        );
    }

    /// [`Sampler::fill`]'s body, inlined into each SIMD variant.
    #[inline(always)]
    fn fill_block(&self, rng: &mut WideRng, out: &mut [f64]) {
        match self {
            Sampler::Constant(v) => out.fill(*v),
            Sampler::Uniform { low, width } => {
                rng.fill_unit(out);
                for o in out {
                    *o = low + width * *o;
                }
            }
            Sampler::Triangular { min, mode, max } => {
                let d = Distribution::Triangular {
                    min: *min,
                    mode: *mode,
                    max: *max,
                };
                rng.fill_unit(out);
                for o in out {
                    *o = d.quantile(*o);
                }
            }
            Sampler::Normal { mean, sd, floor } => {
                fill_standard_normal(rng, out);
                for o in out {
                    *o = (mean + sd * *o).max(*floor);
                }
            }
            Sampler::Pert { min, width, a, b } => {
                let mut y = [0.0; 256];
                for block in out.chunks_mut(y.len()) {
                    let y = &mut y[..block.len()];
                    a.fill(rng, block);
                    b.fill(rng, y);
                    for (o, y) in block.iter_mut().zip(y.iter()) {
                        *o = min + width * (*o / (*o + y));
                    }
                }
            }
            Sampler::Lognormal { mu, sigma } => {
                fill_standard_normal(rng, out);
                // Scale and exponentiate in one pass (SIMD: `fill` runs this under `with_simd`).
                for o in out {
                    *o = crate::math::exp(mu + sigma * *o);
                }
            }
            Sampler::Samples(s) => {
                let n = s.len() as u64;
                for o in out {
                    // Lemire's nearly-divisionless bounded integer; bias < 2^-64 * n.
                    let i = ((rng.next_u64() as u128 * n as u128) >> 64) as usize;
                    *o = s[i];
                }
            }
        }
    }
}

/// Draws `Gamma(shape, 1)` for `shape >= 1` by Marsaglia and Tsang's method (2000): with
/// `d = shape - 1/3`, `c = 1 / sqrt(9 d)`, a normal `z` and a uniform `u`, `d (1 + c z)^3` is
/// accepted when `u < 1 - 0.0331 z^4` or `ln u < z^2 / 2 + d (1 - v + ln v)`, else redrawn.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GammaSampler {
    d: f64,
    c: f64,
}

impl GammaSampler {
    /// A sampler for `Gamma(shape, 1)`.
    ///
    /// # Panics
    /// If `shape < 1` or is not finite (PERT shapes are >= 1 by construction).
    pub fn new(shape: f64) -> GammaSampler {
        assert!(
            shape.is_finite() && shape >= 1.0,
            "Marsaglia-Tsang needs shape >= 1, got {shape}"
        );
        let d = shape - 1.0 / 3.0;
        GammaSampler {
            d,
            c: 1.0 / (9.0 * d).sqrt(),
        }
    }

    /// Fills `out` with independent draws, in SIMD throughout. A first pass takes one normal
    /// and one uniform per value and accepts by the squeeze alone (about 92% at PERT shapes).
    /// The rest are packed side by side with their pairs, which get the full test; the few
    /// still rejected (about 2%) take the accepted values of fresh pairs, drawn and tested 16
    /// at a time, until none is left. (Finishing them one by one, with scalar logarithms and
    /// branches, cost as much as the first pass.)
    pub fn fill(&self, rng: &mut WideRng, out: &mut [f64]) {
        const BLOCK: usize = 256;
        let GammaSampler { d, c } = *self;
        let (mut z, mut u) = ([0.0; BLOCK], [0.0; BLOCK]);
        // For the packed rejected values: where each goes in the block, and the full test's
        // verdict (a value, or NaN) on its candidate pair (kept packed in `z`, `u`).
        let mut slot = [0usize; BLOCK];
        let mut found = [0.0; BLOCK];
        for block in out.chunks_mut(BLOCK) {
            let n = block.len();
            fill_standard_normal(rng, &mut z[..n]);
            rng.fill_unit_open_closed(&mut u[..n]);
            let (g, zs, us) = (&mut *block, &z[..n], &u[..n]);
            // `move`: the closure holds `c` and `d` by value.
            crate::math::with_simd(
                #[inline(always)]
                move || {
                    for ((g, z), u) in g.iter_mut().zip(zs).zip(us) {
                        let (w, _, squeeze) = squeeze(c, *z, *u);
                        // NaN: not accepted yet (the draws are finite, so no other NaN).
                        *g = if squeeze { d * (w * w * w) } else { f64::NAN };
                    }
                },
            );
            // Pack the rejected with their pairs: find them by a bitmask (compares in SIMD),
            // then visit its set bits.
            let mut left = 0;
            for (w, group) in block.chunks(64).enumerate() {
                let mut rejected = 0u64;
                for (i, g) in group.iter().enumerate() {
                    rejected |= u64::from(g.is_nan()) << i;
                }
                while rejected != 0 {
                    let j = 64 * w + rejected.trailing_zeros() as usize;
                    rejected &= rejected - 1;
                    (slot[left], z[left], u[left]) = (j, z[j], u[j]);
                    left += 1;
                }
            }
            // Their own pairs get the full test.
            self.full_test(&z[..left], &u[..left], &mut found[..left]);
            let mut still = 0;
            for k in 0..left {
                if found[k].is_nan() {
                    slot[still] = slot[k];
                    still += 1;
                } else {
                    block[slot[k]] = found[k];
                }
            }
            // Fresh pairs, in batches of `RETRY` (whole generator steps), for the rest: each
            // takes the next accepted value; unused draws are dropped.
            const RETRY: usize = 16;
            while still > 0 {
                fill_standard_normal(rng, &mut z[..RETRY]);
                rng.fill_unit_open_closed(&mut u[..RETRY]);
                self.full_test(&z[..RETRY], &u[..RETRY], &mut found[..RETRY]);
                for &g in found[..RETRY].iter().filter(|g| !g.is_nan()) {
                    if still == 0 {
                        break;
                    }
                    still -= 1;
                    block[slot[still]] = g;
                }
            }
        }
    }

    /// Marsaglia and Tsang's whole test on each pair of normal `z` and uniform `u` in (0, 1]:
    /// `found` gets the accepted value or NaN. Branch-free and in SIMD.
    fn full_test(&self, z: &[f64], u: &[f64], found: &mut [f64]) {
        let GammaSampler { d, c } = *self;
        crate::math::with_simd(
            #[inline(always)]
            move || {
                for ((g, z), u) in found.iter_mut().zip(z).zip(u) {
                    let (w, z2, squeeze) = squeeze(c, *z, *u);
                    let v = w * w * w;
                    // `ln(v)` of a non-positive `v` is meaningless, and masked by `w > 0`.
                    let ln = crate::math::ln;
                    let full = ln(*u) < 0.5 * z2 + d * (1.0 - v + ln(v.max(f64::MIN_POSITIVE)));
                    *g = if squeeze | ((w > 0.0) & full) {
                        d * v
                    } else {
                        f64::NAN
                    };
                }
            },
        );
    }
}

/// Marsaglia and Tsang's quick test for normal `z` and uniform `u`, with `c = 1 / sqrt(9 d)`:
/// `(w, z^2, accepted)`, `w = 1 + c z`, accepted when `w > 0` and `u < 1 - 0.0331 z^4`.
#[inline(always)]
fn squeeze(c: f64, z: f64, u: f64) -> (f64, f64, bool) {
    let w = 1.0 + c * z;
    let z2 = z * z;
    (w, z2, (w > 0.0) & (u < 1.0 - 0.0331 * z2 * z2))
}

/// One Box-Muller normal, scalar (rejection retries, an odd last value): `r cos(2 pi u2)`.
/// Callers run it under [`crate::math::with_simd`], for hardware FMA.
#[inline(always)]
fn standard_normal(rng: &mut WideRng) -> f64 {
    let r = (-2.0 * crate::math::ln(rng.unit_open_closed())).sqrt();
    r * crate::math::cos_sin_2pi(rng.unit()).0
}

/// Fills `out` with independent standard normal draws: Box-Muller on uniform pairs, vectorized
/// ([`crate::math::box_muller`]) and in place: with `m = len / 2`, pair `k` fills `out[k]` and
/// `out[m + k]`; an odd last value is one scalar Box-Muller normal.
fn fill_standard_normal(rng: &mut WideRng, out: &mut [f64]) {
    let m = out.len() / 2;
    let (pairs, last) = out.split_at_mut(2 * m);
    let (u1, u2) = pairs.split_at_mut(m);
    // u1 in (0, 1] so that its logarithm is finite; u2 in [0, 1).
    rng.fill_unit_open_closed(u1);
    rng.fill_unit(u2);
    crate::math::box_muller(u1, u2);
    if let Some(z) = last.first_mut() {
        *z = crate::math::with_simd(
            #[inline(always)]
            || standard_normal(rng),
        );
    }
}

fn pert_shape(min: f64, mode: f64, max: f64) -> (f64, f64) {
    let r = max - min;
    (1.0 + 4.0 * (mode - min) / r, 1.0 + 4.0 * (max - mode) / r)
}

/// Standard normal CDF via erfc (Numerical Recipes' Chebyshev erfc, relative error < 1.2e-7).
pub fn normal_cdf(x: f64) -> f64 {
    0.5 * erfc(-x / std::f64::consts::SQRT_2)
}

fn erfc(x: f64) -> f64 {
    let z = x.abs();
    let t = 1.0 / (1.0 + 0.5 * z);
    let r = t
        * (-z * z - 1.26551223
            + t * (1.00002368
                + t * (0.37409196
                    + t * (0.09678418
                        + t * (-0.18628806
                            + t * (0.27886807
                                + t * (-1.13520398
                                    + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))))
            .exp();
    if x >= 0.0 { r } else { 2.0 - r }
}

/// Inverse of the standard normal CDF (Acklam's algorithm, relative error < 1.15e-9).
pub fn normal_quantile(p: f64) -> f64 {
    if p <= 0.0 {
        return f64::NEG_INFINITY;
    }
    if p >= 1.0 {
        return f64::INFINITY;
    }
    const A: [f64; 6] = [
        -3.969683028665376e+01,
        2.209460984245205e+02,
        -2.759285104469687e+02,
        1.383_577_518_672_69e2,
        -3.066479806614716e+01,
        2.506628277459239e+00,
    ];
    const B: [f64; 5] = [
        -5.447609879822406e+01,
        1.615858368580409e+02,
        -1.556989798598866e+02,
        6.680131188771972e+01,
        -1.328068155288572e+01,
    ];
    const C: [f64; 6] = [
        -7.784894002430293e-03,
        -3.223964580411365e-01,
        -2.400758277161838e+00,
        -2.549732539343734e+00,
        4.374664141464968e+00,
        2.938163982698783e+00,
    ];
    const D: [f64; 4] = [
        7.784695709041462e-03,
        3.224671290700398e-01,
        2.445134137142996e+00,
        3.754408661907416e+00,
    ];
    const P_LOW: f64 = 0.02425;
    if p < P_LOW {
        let q = (-2.0 * p.ln()).sqrt();
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    } else if p <= 1.0 - P_LOW {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    } else {
        -normal_quantile(1.0 - p)
    }
}

fn ln_gamma(x: f64) -> f64 {
    // Lanczos approximation (g = 7, n = 9), accurate to ~1e-15 for x > 0.
    const G: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.5203681218851,
        -1259.1392167224028,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507343278686905,
        -0.13857109526572012,
        9.984_369_578_019_572e-6,
        1.5056327351493116e-7,
    ];
    let x = x - 1.0;
    let mut a = G[0];
    let t = x + 7.5;
    for (i, g) in G.iter().enumerate().skip(1) {
        a += g / (x + i as f64);
    }
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + a.ln()
}

/// Regularized incomplete beta function I_x(a, b) (continued fraction, Numerical Recipes 6.4).
fn incomplete_beta(a: f64, b: f64, x: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    let front =
        (ln_gamma(a + b) - ln_gamma(a) - ln_gamma(b) + a * x.ln() + b * (1.0 - x).ln()).exp();
    if x < (a + 1.0) / (a + b + 2.0) {
        front * beta_cf(a, b, x) / a
    } else {
        1.0 - front * beta_cf(b, a, 1.0 - x) / b
    }
}

fn beta_cf(a: f64, b: f64, x: f64) -> f64 {
    const TINY: f64 = 1e-300;
    let (qab, qap, qam) = (a + b, a + 1.0, a - 1.0);
    let mut c = 1.0;
    let mut d = 1.0 - qab * x / qap;
    if d.abs() < TINY {
        d = TINY;
    }
    d = 1.0 / d;
    let mut h = d;
    for m in 1..300 {
        let m = m as f64;
        let m2 = 2.0 * m;
        let aa = m * (b - m) * x / ((qam + m2) * (a + m2));
        d = 1.0 + aa * d;
        if d.abs() < TINY {
            d = TINY;
        }
        c = 1.0 + aa / c;
        if c.abs() < TINY {
            c = TINY;
        }
        d = 1.0 / d;
        h *= d * c;
        let aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
        d = 1.0 + aa * d;
        if d.abs() < TINY {
            d = TINY;
        }
        c = 1.0 + aa / c;
        if c.abs() < TINY {
            c = TINY;
        }
        d = 1.0 / d;
        let del = d * c;
        h *= del;
        if (del - 1.0).abs() < 1e-15 {
            break;
        }
    }
    h
}

/// The `p` quantile of Student's t distribution with `df` degrees of freedom (`df` > 0,
/// 0 < `p` < 1), by bisection on its distribution function.
pub fn student_t_quantile(p: f64, df: f64) -> f64 {
    if p == 0.5 {
        return 0.0;
    }
    if p < 0.5 {
        return -student_t_quantile(1.0 - p, df);
    }
    // Upper tail probability wanted.
    let tail = 1.0 - p;
    let upper = |t: f64| 0.5 * incomplete_beta(df / 2.0, 0.5, df / (df + t * t));
    let (mut lo, mut hi) = (0.0_f64, 1.0_f64);
    while upper(hi) > tail && hi < 1e12 {
        hi *= 2.0;
    }
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if upper(mid) > tail {
            lo = mid;
        } else {
            hi = mid;
        }
        if hi - lo <= 1e-14 * hi {
            break;
        }
    }
    0.5 * (lo + hi)
}

fn beta_quantile(a: f64, b: f64, q: f64) -> f64 {
    let (mut lo, mut hi) = (0.0f64, 1.0f64);
    for _ in 0..100 {
        let mid = 0.5 * (lo + hi);
        if incomplete_beta(a, b, mid) < q {
            lo = mid;
        } else {
            hi = mid;
        }
        if hi - lo < 1e-13 {
            break;
        }
    }
    0.5 * (lo + hi)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn draws(d: &Distribution, n: usize) -> Vec<f64> {
        let mut rng = WideRng::seed_from_u64(7);
        let mut out = vec![0.0; n];
        Sampler::new(d, false).fill(&mut rng, &mut out);
        out.sort_by(f64::total_cmp);
        out
    }

    #[test]
    fn lognormal_sigma_is_squiggles_definition() {
        let d = Distribution::Lognormal { p5: 1.2, p95: 4.0 };
        let sigma = (4.0f64.ln() - 1.2f64.ln()) / (2.0 * 1.6448536269514722);
        assert_eq!(d.log_params().1, sigma);
        assert!((d.median() - (1.2f64 * 4.0).sqrt()).abs() < 1e-15);
        assert!((d.quantile(0.05) - 1.2).abs() < 1e-8);
        assert!((d.quantile(0.95) - 4.0).abs() < 1e-8);
        let from_median = Distribution::lognormal_from_median(d.median(), sigma);
        match from_median {
            Distribution::Lognormal { p5, p95 } => {
                assert!((p5 - 1.2).abs() < 1e-12 && (p95 - 4.0).abs() < 1e-12)
            }
            _ => unreachable!(),
        }
    }

    #[test]
    fn samples_match_analytic_quantiles() {
        let cases = [
            Distribution::Uniform {
                low: 2.0,
                high: 4.0,
            },
            Distribution::Triangular {
                min: 1.0,
                mode: 2.0,
                max: 5.0,
            },
            Distribution::Normal {
                mean: 100.0,
                sd: 10.0,
            },
            Distribution::Pert {
                min: 0.1,
                mode: 0.3,
                max: 0.65,
            },
            Distribution::Lognormal { p5: 1.2, p95: 4.0 },
        ];
        for d in cases {
            let s = draws(&d, 200_000);
            for q in [0.05, 0.5, 0.95] {
                let (emp, exact) = (sorted_quantile(&s, q), d.quantile(q));
                assert!(
                    (emp - exact).abs() / exact < 0.01,
                    "{d:?} q={q}: {emp} vs {exact}"
                );
            }
            let mean = s.iter().sum::<f64>() / s.len() as f64;
            assert!(
                (mean - d.mean()).abs() / d.mean() < 0.01,
                "{d:?}: mean {mean} vs {}",
                d.mean()
            );
        }
    }

    /// A Kolmogorov-Smirnov check on a grid: the share of draws below each exact percentile is
    /// that percentile, to within the 0.1% critical value 1.95 / sqrt(n) (eight cases at 0.1%
    /// each: a correct sampler fails one with probability under 1%, whatever stream it reads).
    /// Catches a wrong shape, scale or tail that the three-percentile check above would miss:
    /// a CDF off by 0.5% anywhere fails.
    #[test]
    fn draws_follow_their_distribution() {
        let pert = |min, mode, max| Distribution::Pert { min, mode, max };
        let cases = [
            Distribution::Normal { mean: 5.0, sd: 1.0 },
            Distribution::Lognormal { p5: 0.5, p95: 1.5 },
            Distribution::Lognormal {
                p5: 70_000.0,
                p95: 300_000.0,
            },
            pert(100.0, 150.0, 250.0),
            pert(30_000.0, 50_000.0, 60_000.0),
            // Shapes of exactly 1 (mode at an end) and a narrow, peaked one.
            pert(0.0, 0.0, 1.0),
            pert(0.0, 1.0, 1.0),
            pert(10.0, 10.5, 11.0),
        ];
        let n = 400_000;
        for d in cases {
            let s = draws(&d, n);
            let mut worst: f64 = 0.0;
            for i in 1..200 {
                let q = i as f64 / 200.0;
                let below = s.partition_point(|&x| x <= d.quantile(q)) as f64 / n as f64;
                worst = worst.max((below - q).abs());
            }
            assert!(worst < 1.95 / (n as f64).sqrt(), "{d:?}: D = {worst}");
        }
    }

    #[test]
    fn normal_quantile_and_cdf_agree() {
        assert!((normal_quantile(0.95) - Z_95).abs() < 1e-8);
        assert!((normal_quantile(0.5)).abs() < 1e-12);
        for p in [0.001, 0.02, 0.3, 0.7, 0.99] {
            assert!((normal_cdf(normal_quantile(p)) - p).abs() < 1e-6);
        }
    }

    #[test]
    fn pert_median_by_bisection() {
        // Symmetric PERT: the median is the mode.
        let d = Distribution::Pert {
            min: 0.0,
            mode: 5.0,
            max: 10.0,
        };
        assert!((d.median() - 5.0).abs() < 1e-9);
        // I_x(1, 1) is x (uniform).
        assert!((incomplete_beta(1.0, 1.0, 0.3) - 0.3).abs() < 1e-12);
    }

    #[test]
    fn numpy_default_quantile() {
        let s = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(sorted_quantile(&s, 0.5), 2.5);
        assert_eq!(sorted_quantile(&s, 0.05), 1.15);
        assert_eq!(sorted_quantile(&s, 1.0), 4.0);
    }

    #[test]
    fn validation_explains_problems() {
        let e = Distribution::Lognormal { p5: 4.0, p95: 1.0 }
            .validate(false)
            .unwrap_err();
        assert_eq!(e.to_string(), "p5 (4) is greater than p95 (1); swap them");
        assert!(Distribution::Point(f64::NAN).validate(false).is_err());
        assert!(Distribution::Point(-1.0).validate(false).is_err());
        assert!(Distribution::Point(-1.0).validate(true).is_ok());
        assert!(matches!(
            Distribution::Normal { mean: 1.0, sd: 0.5 }.validate(false),
            Err(DistributionError::NormalGoesNegative { .. })
        ));
        assert!(
            Distribution::Normal {
                mean: 10.0,
                sd: 1.0
            }
            .validate(false)
            .is_ok()
        );
        assert!(Distribution::samples(vec![]).validate(false).is_err());
    }

    fn any_distribution() -> impl Strategy<Value = Distribution> {
        let pos = 1e-3f64..1e9;
        prop_oneof![
            pos.clone().prop_map(Distribution::Point),
            (pos.clone(), 1.0f64..10.0).prop_map(|(a, k)| Distribution::Uniform {
                low: a,
                high: a * k
            }),
            (pos.clone(), 0.0f64..1.0, 1.0f64..10.0).prop_map(|(a, m, k)| {
                Distribution::Triangular {
                    min: a,
                    mode: a + m * (a * k - a),
                    max: a * k,
                }
            }),
            (pos.clone(), 0.0f64..1.0, 1.0f64..10.0).prop_map(|(a, m, k)| Distribution::Pert {
                min: a,
                mode: a + m * (a * k - a),
                max: a * k
            }),
            (pos.clone(), 1.0f64..100.0)
                .prop_map(|(a, k)| Distribution::Lognormal { p5: a, p95: a * k }),
            (pos, 0.0f64..0.2).prop_map(|(m, r)| Distribution::Normal { mean: m, sd: m * r }),
        ]
    }

    proptest! {
        #[test]
        fn draws_are_finite_nonnegative_and_within_support(d in any_distribution(), seed in any::<u64>()) {
            prop_assert!(d.validate(false).is_ok());
            let mut rng = WideRng::seed_from_u64(seed);
            let mut out = [0.0; 64];
            Sampler::new(&d, false).fill(&mut rng, &mut out);
            for v in out {
                prop_assert!(v.is_finite() && v >= 0.0);
                if let Distribution::Uniform { low, high } | Distribution::Pert { min: low, max: high, .. }
                    | Distribution::Triangular { min: low, max: high, .. } = d {
                    prop_assert!(v >= low * (1.0 - 1e-12) && v <= high * (1.0 + 1e-12));
                }
            }
        }

        #[test]
        fn quantiles_are_monotone(d in any_distribution()) {
            let (a, b, c) = (d.quantile(0.05), d.quantile(0.5), d.quantile(0.95));
            prop_assert!(a <= b * (1.0 + 1e-9) && b <= c * (1.0 + 1e-9), "{a} {b} {c}");
        }

        #[test]
        fn scaling_scales_quantiles(d in any_distribution(), k in 0.01f64..100.0) {
            let s = d.scaled(k);
            for q in [0.05, 0.5, 0.95] {
                let (x, y) = (s.quantile(q), d.quantile(q) * k);
                prop_assert!((x - y).abs() <= 1e-6 * y.abs().max(1e-300), "{x} vs {y}");
            }
        }
    }
}
