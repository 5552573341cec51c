//! `exp` written so that it vectorizes and gives the same bits on every CPU.
//!
//! The Monte Carlo engine takes an exponential per lognormal draw and per sample of Epoch's
//! depreciation; libm's `exp` is a call per value and cannot be vectorized. [`exp`] is
//! branch-free Rust (Cody-Waite range reduction, a degree-13 polynomial, the exponent built from
//! bits), so a loop over a slice compiles to SIMD. It uses no fused multiply-add: the scalar
//! function, the SSE2 loop and the AVX2 / AVX-512 loops of [`exp_in_place`] round identically,
//! and a run gives the same numbers on every x86-64 machine.
//!
//! Accuracy: within 1 ulp of the correctly rounded result on [-708, 709.78] (tested against
//! libm); results below 2^-1022 flush to zero; above 709.78, infinity; NaN stays NaN.

/// Below this, `e^x` is subnormal or zero: flushed to zero.
const MIN_ARG: f64 = -708.0;
/// Above this, `e^x` overflows.
const MAX_ARG: f64 = 709.782_712_893_384;

/// `e^x`. Branch-free and free of calls, so loops over it vectorize; see the module docs.
#[inline(always)]
pub fn exp(x: f64) -> f64 {
    // ln 2 split so that k * LN2_HI is exact for |k| < 2^11 (fdlibm's constants).
    const LN2_HI: f64 = 6.931_471_803_691_238_164_90e-1;
    const LN2_LO: f64 = 1.908_214_929_270_587_700_02e-10;
    // Adding 1.5 * 2^52 rounds to the nearest integer and leaves it in the low mantissa bits.
    const ROUND: f64 = 6_755_399_441_055_744.0;
    let xc = if x < MIN_ARG {
        MIN_ARG
    } else if x > MAX_ARG {
        MAX_ARG
    } else {
        x
    };
    let kf = xc * std::f64::consts::LOG2_E + ROUND;
    let k = kf - ROUND;
    let r = (xc - k * LN2_HI) - k * LN2_LO;
    // Taylor series of e^r to r^13 on |r| <= ln2 / 2: truncation error < 1e-17 relative.
    let mut p = 1.0 / 6_227_020_800.0;
    p = p * r + 1.0 / 479_001_600.0;
    p = p * r + 1.0 / 39_916_800.0;
    p = p * r + 1.0 / 3_628_800.0;
    p = p * r + 1.0 / 362_880.0;
    p = p * r + 1.0 / 40_320.0;
    p = p * r + 1.0 / 5_040.0;
    p = p * r + 1.0 / 720.0;
    p = p * r + 1.0 / 120.0;
    p = p * r + 1.0 / 24.0;
    p = p * r + 1.0 / 6.0;
    p = p * r + 0.5;
    p = p * r * r + r;
    // 2^(k-1): the low mantissa bits of kf hold 2^51 + k, and 2^51 is a multiple of 2^12, so
    // the low 12 bits of (bits + 1022) are k + 1022 in [1, 2046], the biased exponent of
    // 2^(k-1). (k reaches 1024 just below MAX_ARG, where 2^k itself would overflow.)
    let half_scale = f64::from_bits(kf.to_bits().wrapping_add(1022) << 52);
    let y = 2.0 * (half_scale + half_scale * p);
    if x < MIN_ARG {
        0.0
    } else if x > MAX_ARG {
        f64::INFINITY
    } else {
        // NaN fails both comparisons and propagates through the arithmetic.
        y
    }
}

/// Replaces every value of `xs` by its exponential, with the widest SIMD this CPU has.
/// Bit-identical to mapping [`exp`] over the slice.
pub fn exp_in_place(xs: &mut [f64]) {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx512f") {
            #[allow(unsafe_code)]
            // SAFETY: the CPU supports AVX-512F, checked on the line above.
            unsafe {
                return exp_in_place_avx512(xs);
            }
        }
        if std::arch::is_x86_feature_detected!("avx2") {
            #[allow(unsafe_code)]
            // SAFETY: the CPU supports AVX2, checked on the line above.
            unsafe {
                return exp_in_place_avx2(xs);
            }
        }
    }
    exp_in_place_portable(xs);
}

#[inline(always)]
fn exp_in_place_portable(xs: &mut [f64]) {
    for x in xs {
        *x = exp(*x);
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn exp_in_place_avx2(xs: &mut [f64]) {
    exp_in_place_portable(xs);
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
fn exp_in_place_avx512(xs: &mut [f64]) {
    exp_in_place_portable(xs);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ulps(a: f64, b: f64) -> u64 {
        (a.to_bits() as i64 - b.to_bits() as i64).unsigned_abs()
    }

    #[test]
    fn within_one_ulp_of_libm() {
        // A dense sweep of the whole finite range and the region lognormals live in.
        let mut worst = 0;
        let mut x = -708.0;
        while x < 709.7 {
            worst = worst.max(ulps(exp(x), x.exp()));
            x += 0.000_937;
        }
        let mut x = -40.0;
        while x < 40.0 {
            worst = worst.max(ulps(exp(x), x.exp()));
            x += 1e-5 * std::f64::consts::PI;
        }
        assert!(worst <= 1, "worst error {worst} ulp");
    }

    #[test]
    fn special_values() {
        assert_eq!(exp(0.0), 1.0);
        assert!(ulps(exp(1.0), std::f64::consts::E) <= 1);
        assert_eq!(exp(-745.2), 0.0);
        assert_eq!(exp(-1e300), 0.0);
        assert_eq!(exp(f64::NEG_INFINITY), 0.0);
        assert_eq!(exp(709.79), f64::INFINITY);
        assert_eq!(exp(f64::INFINITY), f64::INFINITY);
        assert!(exp(f64::NAN).is_nan());
        assert!(exp(709.78).is_finite());
        assert!(ulps(exp(-708.0), (-708.0f64).exp()) <= 1);
    }

    #[test]
    fn slice_version_is_bit_identical_to_the_scalar_one() {
        let xs: Vec<f64> = (0..10_007)
            .map(|i| (i as f64 * 0.7318).sin() * 30.0 + if i % 97 == 0 { 800.0 } else { 0.0 })
            .chain([f64::NAN, f64::INFINITY, f64::NEG_INFINITY, -800.0])
            .collect();
        let mut ys = xs.clone();
        exp_in_place(&mut ys);
        for (x, y) in xs.iter().zip(&ys) {
            assert_eq!(exp(*x).to_bits(), y.to_bits(), "x = {x}");
        }
    }
}
