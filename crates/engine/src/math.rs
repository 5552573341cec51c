//! Elementary functions written so that they vectorize and give the same bits on every CPU.
//!
//! The Monte Carlo engine needs a normal variate per draw of a normal or lognormal input, an
//! exponential per lognormal draw and per sample of Epoch's depreciation. libm's functions are
//! a call per value and cannot be vectorized. These are branch-free Rust (range reduction, a
//! polynomial, exponents built from bits), so loops over slices compile to SIMD, and
//! [`with_simd`] compiles such a loop for the widest SIMD the CPU has.
//!
//! The polynomials are evaluated with fused multiply-add ([`f64::mul_add`]), half the
//! instructions of a multiply and an add. IEEE 754 defines FMA as one correctly rounded
//! operation, so its result does not depend on who computes it: the FMA units of x86-64 CPUs
//! since 2013 (Haswell, Piledriver; [`with_simd`] enables them with AVX2 and AVX-512), of every
//! ARM64 CPU, and libm's `fma` on an x86-64 CPU without them (pre-2013 designs and some
//! Atom, Celeron and Pentium Silver parts). That last path is correct but slow: forced on the
//! development machine, `deepseek-v3` at 1e6 samples took 1.1 s instead of 0.07 s. Rust never
//! contracts `a * b + c` on its own. So the scalar functions and every SIMD
//! variant round identically, and a run gives the same numbers on every machine.
//!
//! - [`exp`]: within 1 ulp on [-708, 709.78]; below 2^-1022 flushes to zero; above, infinity.
//! - [`ln`]: within 1 ulp for positive normal numbers (what uniform draws are).
//! - [`box_muller`]: standard normal pairs from uniform pairs, `sqrt(-2 ln u1)` times the cosine
//!   and sine of `2 pi u2` (sine and cosine within 1 ulp).
//!
//! Accuracies are tested against libm over dense sweeps.

/// Below this, `e^x` is subnormal or zero: flushed to zero.
const MIN_ARG: f64 = -708.0;
/// Above this, `e^x` overflows.
const MAX_ARG: f64 = 709.782_712_893_384;

/// `e^x`. Branch-free and free of calls, so loops over it vectorize; see the module docs.
#[inline(always)]
pub fn exp(x: f64) -> f64 {
    // ln 2 split so that k * LN2_HI is exact for |k| < 2^11 (fdlibm's constants).
    const LN2_HI: f64 = 6.931_471_803_691_238e-1;
    const LN2_LO: f64 = 1.908_214_929_270_587_7e-10;
    // Adding 1.5 * 2^52 rounds to the nearest integer and leaves it in the low mantissa bits.
    const ROUND: f64 = 6_755_399_441_055_744.0;
    let xc = x.clamp(MIN_ARG, MAX_ARG);
    let kf = xc.mul_add(std::f64::consts::LOG2_E, ROUND);
    let k = kf - ROUND;
    let r = (-k).mul_add(LN2_LO, (-k).mul_add(LN2_HI, xc));
    // Taylor series of e^r to r^13 on |r| <= ln2 / 2 (truncation error < 1e-17 relative):
    // e^r - 1 = r + r^2 (c0 + c1 r + ... + c11 r^11), c_i = 1 / (i + 2)!, evaluated by Estrin's
    // scheme: a dependency chain of 5 operations instead of Horner's 12, so the CPU overlaps
    // more values at once.
    let r2 = r * r;
    let r4 = r2 * r2;
    let r8 = r4 * r4;
    let a0 = r.mul_add(1.0 / 6.0, 1.0 / 2.0);
    let a1 = r.mul_add(1.0 / 120.0, 1.0 / 24.0);
    let a2 = r.mul_add(1.0 / 5_040.0, 1.0 / 720.0);
    let a3 = r.mul_add(1.0 / 362_880.0, 1.0 / 40_320.0);
    let a4 = r.mul_add(1.0 / 39_916_800.0, 1.0 / 3_628_800.0);
    let a5 = r.mul_add(1.0 / 6_227_020_800.0, 1.0 / 479_001_600.0);
    let b0 = r2.mul_add(a1, a0);
    let b1 = r2.mul_add(a3, a2);
    let b2 = r2.mul_add(a5, a4);
    let p = r8.mul_add(b2, r4.mul_add(b1, b0));
    let p = r2.mul_add(p, r);
    // 2^(k-1): the low mantissa bits of kf hold 2^51 + k, and 2^51 is a multiple of 2^12, so
    // the low 12 bits of (bits + 1022) are k + 1022 in [1, 2046], the biased exponent of
    // 2^(k-1). (k reaches 1024 just below MAX_ARG, where 2^k itself would overflow.)
    let half_scale = f64::from_bits(kf.to_bits().wrapping_add(1022) << 52);
    let y = 2.0 * half_scale.mul_add(p, half_scale);
    if x < MIN_ARG {
        0.0
    } else if x > MAX_ARG {
        f64::INFINITY
    } else {
        // NaN fails both comparisons and propagates through the arithmetic.
        y
    }
}

/// Runs `f` compiled for the widest SIMD this CPU has (AVX-512, AVX2 with FMA, else the
/// x86-64 baseline SSE2, where [`f64::mul_add`] is libm's `fma`). `f` should be a loop over slices of the branch-free functions of this module
/// marked `#[inline(always)]`, so that it inlines into the wide variant. Results are the same
/// bits whichever variant runs.
#[inline(always)]
pub fn with_simd<R>(f: impl FnOnce() -> R) -> R {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx512f") {
            #[allow(unsafe_code)]
            // SAFETY: the CPU supports AVX-512F, checked on the line above.
            unsafe {
                return run_avx512(f);
            }
        }
        if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma")
        {
            #[allow(unsafe_code)]
            // SAFETY: the CPU supports AVX2 and FMA, checked on the line above.
            unsafe {
                return run_avx2(f);
            }
        }
    }
    f()
}

// AVX-512F implies FMA.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
fn run_avx512<R>(f: impl FnOnce() -> R) -> R {
    f()
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
fn run_avx2<R>(f: impl FnOnce() -> R) -> R {
    f()
}

/// An integer-valued `f64` from the low bits of `bits`: `2^52 + n` read back minus `2^52`.
/// (Converting a 64-bit integer to `f64` needs AVX-512DQ to vectorize; this needs nothing.)
#[inline(always)]
fn small_uint_to_f64(n: u64) -> f64 {
    const TWO_52: f64 = 4_503_599_627_370_496.0;
    f64::from_bits(TWO_52.to_bits() | n) - TWO_52
}

/// `ln x` for positive normal `x` (what [`box_muller`] needs); within 1 ulp. Zero, negative,
/// subnormal, infinite and NaN arguments give meaningless results: callers guarantee the range.
#[inline(always)]
pub fn ln(x: f64) -> f64 {
    const LN2_HI: f64 = 6.931_471_803_691_238e-1;
    const LN2_LO: f64 = 1.908_214_929_270_587_7e-10;
    const MANTISSA: u64 = (1 << 52) - 1;
    let bits = x.to_bits();
    // x = 2^e * m with m in [1, 2); then fold m into [sqrt(1/2), sqrt(2)).
    let m = f64::from_bits((bits & MANTISSA) | 1.0f64.to_bits());
    let e = small_uint_to_f64(bits >> 52) - 1023.0;
    let big = m > std::f64::consts::SQRT_2;
    let m = if big { m * 0.5 } else { m };
    let e = if big { e + 1.0 } else { e };
    // ln m = 2 atanh(s), s = (m - 1) / (m + 1), |s| <= 0.1716. fdlibm's e_log.c: with
    // z = s^2, R = z (Lg1 + z (Lg2 + ... + z Lg7)) is a minimax fit of 2 atanh(s) / s - 2
    // (error < 2^-58.45), and 2 atanh(s) = f - f^2/2 + s (f^2/2 + R).
    const LG: [f64; 7] = [
        6.666_666_666_666_735e-1,
        3.999_999_999_940_942e-1,
        2.857_142_874_366_239e-1,
        2.222_219_843_214_978_4e-1,
        1.818_357_216_161_805e-1,
        1.531_383_769_920_937_3e-1,
        1.479_819_860_511_658_6e-1,
    ];
    let f = m - 1.0;
    let s = f / (m + 1.0);
    let z = s * s;
    // Estrin's scheme (short dependency chains; see `exp`).
    let z2 = z * z;
    let z4 = z2 * z2;
    let p = z4.mul_add(
        z2.mul_add(LG[6], z.mul_add(LG[5], LG[4])),
        z2.mul_add(z.mul_add(LG[3], LG[2]), z.mul_add(LG[1], LG[0])),
    );
    let hfsq = 0.5 * f * f;
    let r = z * p;
    // Small terms first, then the exact f, then the exact e * LN2_HI.
    e.mul_add(LN2_HI, -((hfsq - s.mul_add(hfsq + r, e * LN2_LO)) - f))
}

/// Cosine and sine of `2 pi u` for `u` in [0, 1], each within 1 ulp.
#[inline(always)]
pub fn cos_sin_2pi(u: f64) -> (f64, f64) {
    const ROUND: f64 = 6_755_399_441_055_744.0;
    // Quarter turns: y = 4u exactly, q = the nearest integer, theta in [-pi/4, pi/4].
    let y = 4.0 * u;
    let qf = y + ROUND;
    let q = qf.to_bits();
    let f = y - (qf - ROUND);
    let t = f * std::f64::consts::FRAC_PI_2;
    let t2 = t * t;
    // Taylor series: sine to t^17, cosine to t^18; next terms < 1e-19 relative.
    // Estrin's scheme in t^2 (short dependency chains; see `exp`).
    let t4 = t2 * t2;
    let t8 = t4 * t4;
    // With m = -t^2, each pair `c_k + m c_{k+1}` is one fused multiply-add.
    let m = -t2;
    let sp = t8.mul_add(
        t4.mul_add(
            m.mul_add(1.0 / 355_687_428_096_000.0, 1.0 / 1_307_674_368_000.0),
            m.mul_add(1.0 / 6_227_020_800.0, 1.0 / 39_916_800.0),
        ),
        t4.mul_add(
            m.mul_add(1.0 / 362_880.0, 1.0 / 5_040.0),
            m.mul_add(1.0 / 120.0, 1.0 / 6.0),
        ),
    );
    let sin_t = (m * t).mul_add(sp, t);
    let cp = t8.mul_add(
        t8.mul_add(
            1.0 / 6_402_373_705_728_000.0,
            t4.mul_add(
                m.mul_add(1.0 / 20_922_789_888_000.0, 1.0 / 87_178_291_200.0),
                m.mul_add(1.0 / 479_001_600.0, 1.0 / 3_628_800.0),
            ),
        ),
        t4.mul_add(
            m.mul_add(1.0 / 40_320.0, 1.0 / 720.0),
            m.mul_add(1.0 / 24.0, 0.5),
        ),
    );
    let cos_t = m.mul_add(cp, 1.0);
    // Rotate by q quarter turns: odd q swaps cosine and sine; the cosine is negated for
    // q = 1, 2 and the sine for q = 2, 3 (mod 4).
    let odd = q & 1 == 1;
    let (c, s) = if odd { (sin_t, cos_t) } else { (cos_t, sin_t) };
    let c = f64::from_bits(c.to_bits() ^ (((q + 1) & 2) << 62));
    let s = f64::from_bits(s.to_bits() ^ ((q & 2) << 62));
    (c, s)
}

/// Box-Muller: replaces uniform pairs (`u1` in (0, 1], `u2` in [0, 1)) by independent standard
/// normal pairs, `z1 = r cos(2 pi u2)`, `z2 = r sin(2 pi u2)` with `r = sqrt(-2 ln u1)`, with
/// the widest SIMD this CPU has. `u1` and `u2` have the same length.
pub fn box_muller(u1: &mut [f64], u2: &mut [f64]) {
    assert_eq!(u1.len(), u2.len(), "Box-Muller needs pairs");
    with_simd(
        #[inline(always)]
        move || {
            for (a, b) in u1.iter_mut().zip(u2.iter_mut()) {
                let r = (-2.0 * ln(*a)).sqrt();
                let (c, s) = cos_sin_2pi(*b);
                *a = r * c;
                *b = r * s;
            }
        },
    );
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
    fn ln_within_one_ulp_of_libm() {
        let mut worst = 0;
        // Every binade a 53-bit uniform can fall in, densely near 1.
        let mut x = 1.1e-16;
        while x < 4.0 {
            worst = worst.max(ulps(ln(x), x.ln()));
            x *= 1.000_013_7;
        }
        let mut x = 0.5;
        while x < 2.0 {
            worst = worst.max(ulps(ln(x), x.ln()));
            x += 1.3e-6;
        }
        assert!(worst <= 1, "worst error {worst} ulp");
        assert_eq!(ln(1.0), 0.0);
        assert_eq!(ln(2.0f64.powi(-53)), -53.0 * std::f64::consts::LN_2);
    }

    #[test]
    fn cos_sin_within_one_ulp_of_libm() {
        // The reduction to t = (4u - q) pi/2 is exact but for the rounding of t, which libm
        // would share; compare the polynomials with libm on the same t, rotated by q.
        let (mut worst_c, mut worst_s) = (0, 0);
        for i in 0..=2_000_000u32 {
            let u = f64::from(i) / 2_000_000.0 + 1e-9 * f64::from(i % 7);
            let q = (4.0 * u).round_ties_even();
            let t = (4.0 * u - q) * std::f64::consts::FRAC_PI_2;
            let (ct, st) = (t.cos(), t.sin());
            let (c_ref, s_ref) = match q as u32 % 4 {
                0 => (ct, st),
                1 => (-st, ct),
                2 => (-ct, -st),
                _ => (st, -ct),
            };
            let (c, s) = cos_sin_2pi(u);
            worst_c = worst_c.max(ulps(c, c_ref));
            worst_s = worst_s.max(ulps(s, s_ref));
            // And against libm on the whole angle, to the accuracy its rounded argument allows.
            let a = std::f64::consts::TAU * u;
            assert!(
                (c - a.cos()).abs() < 1e-15 && (s - a.sin()).abs() < 1e-15,
                "u = {u}"
            );
        }
        assert!(
            worst_c <= 1 && worst_s <= 1,
            "worst {worst_c} / {worst_s} ulp"
        );
        assert_eq!(cos_sin_2pi(0.0), (1.0, 0.0));
        assert_eq!(cos_sin_2pi(0.25), (0.0, 1.0));
        assert_eq!(cos_sin_2pi(0.5), (-1.0, 0.0));
        assert_eq!(cos_sin_2pi(0.75), (0.0, -1.0));
    }

    #[test]
    fn box_muller_gives_standard_normals() {
        // Uniforms on a fine grid (a quasi-random sample): moments and tails of N(0, 1).
        let n = 1 << 20;
        let golden = 0.618_033_988_749_894_9;
        let mut u1: Vec<f64> = (0..n).map(|i| (i as f64 + 0.5) / n as f64).collect();
        let mut u2: Vec<f64> = (0..n).map(|i| (i as f64 * golden).fract()).collect();
        box_muller(&mut u1, &mut u2);
        let z: Vec<f64> = u1.into_iter().chain(u2).collect();
        let m = z.iter().sum::<f64>() / z.len() as f64;
        let v = z.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / z.len() as f64;
        assert!(m.abs() < 1e-3, "mean {m}");
        assert!((v - 1.0).abs() < 1e-3, "variance {v}");
        let above = z.iter().filter(|&&x| x > 1.644_853_626_951_472_2).count() as f64;
        assert!((above / z.len() as f64 - 0.05).abs() < 1e-3);
    }

    #[test]
    fn slice_version_is_bit_identical_to_the_scalar_one() {
        let xs: Vec<f64> = (0..10_007)
            .map(|i| (i as f64 * 0.7318).sin() * 30.0 + if i % 97 == 0 { 800.0 } else { 0.0 })
            .chain([f64::NAN, f64::INFINITY, f64::NEG_INFINITY, -800.0])
            .collect();
        let mut ys = xs.clone();
        // The shape of the lognormal sampler's kernel.
        with_simd(
            #[inline(always)]
            || {
                for y in ys.iter_mut() {
                    *y = exp(*y);
                }
            },
        );
        for (x, y) in xs.iter().zip(&ys) {
            assert_eq!(exp(*x).to_bits(), y.to_bits(), "x = {x}");
        }
        let u1: Vec<f64> = (1..=4_099).map(|i| f64::from(i) / 4_099.0).collect();
        let u2: Vec<f64> = (0..4_099)
            .map(|i| (f64::from(i) * 0.618_034).fract())
            .collect();
        let (mut z1, mut z2) = (u1.clone(), u2.clone());
        box_muller(&mut z1, &mut z2);
        for i in 0..u1.len() {
            let r = (-2.0 * ln(u1[i])).sqrt();
            let (c, s) = cos_sin_2pi(u2[i]);
            assert_eq!((r * c).to_bits(), z1[i].to_bits());
            assert_eq!((r * s).to_bits(), z2[i].to_bits());
        }
    }
}
