//! A mergeable quantile sketch with bounded memory and relative-error guarantees.
//!
//! Values are counted in log-linear buckets: the bucket of a positive `f64` is its bit pattern
//! shifted right by `52 - SUB_BUCKET_BITS`, i.e. its binary exponent and the top 10 bits of its
//! mantissa. Each bucket spans at most 2^-10 (0.098%) of its lower bound, so reporting the
//! bucket's midpoint is within 0.049% of any value in it. Memory depends on the range of the
//! values (at most 1,024 counters per power of two they span), never on how many there are.
//!
//! Counts are integers, so merging sketches is exact and order-independent: a Monte Carlo run
//! gives the same percentiles whatever the thread count. The exact minimum and maximum are
//! kept, so a constant input gives its value back exactly.

/// Bits of mantissa kept per bucket.
pub const SUB_BUCKET_BITS: u32 = 10;
const SHIFT: u32 = 52 - SUB_BUCKET_BITS;

/// Dense counters over a contiguous range of bucket keys.
#[derive(Debug, Clone, Default)]
struct Store {
    offset: u64,
    counts: Vec<u64>,
}

impl Store {
    #[inline]
    fn add(&mut self, key: u64, n: u64) {
        if self.counts.is_empty() {
            self.offset = key;
            self.counts.push(0);
        }
        if key < self.offset {
            let grow = (self.offset - key) as usize;
            let extra = grow.max(self.counts.len() / 2);
            let mut counts = vec![0; extra + self.counts.len()];
            counts[extra..].copy_from_slice(&self.counts);
            self.counts = counts;
            self.offset -= extra as u64;
        }
        let i = (key - self.offset) as usize;
        if i >= self.counts.len() {
            let new_len = (i + 1).max(self.counts.len() + self.counts.len() / 2);
            self.counts.resize(new_len, 0);
        }
        self.counts[i] += n;
    }

    fn merge(&mut self, other: &Store) {
        for (i, &c) in other.counts.iter().enumerate() {
            if c > 0 {
                self.add(other.offset + i as u64, c);
            }
        }
    }

    #[cfg(test)]
    fn total(&self) -> u64 {
        self.counts.iter().sum()
    }
}

/// Estimates quantiles of a stream of finite values.
#[derive(Debug, Clone)]
pub struct QuantileSketch {
    negative: Store,
    zeros: u64,
    positive: Store,
    count: u64,
    min: f64,
    max: f64,
}

impl Default for QuantileSketch {
    fn default() -> Self {
        QuantileSketch {
            negative: Store::default(),
            zeros: 0,
            positive: Store::default(),
            count: 0,
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
        }
    }
}

#[inline]
fn key(abs: f64) -> u64 {
    abs.to_bits() >> SHIFT
}

/// What one pass over a slice finds: its range, whether it holds a NaN, and the sums of its
/// deviations from its first value (`shift`) and of their squares, for the moments.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Scan {
    /// Smallest non-NaN value (infinity if none).
    pub(crate) lo: f64,
    /// Largest non-NaN value (minus infinity if none).
    pub(crate) hi: f64,
    /// Whether a value is NaN.
    pub(crate) nan: bool,
    /// The first value (0 for an empty slice).
    pub(crate) shift: f64,
    /// Sum of `x - shift`.
    pub(crate) s1: f64,
    /// Sum of `(x - shift)^2`.
    pub(crate) s2: f64,
}

/// Lanes of [`scan`]: value `i` goes to lane `i % SCAN_LANES`.
const SCAN_LANES: usize = 8;

/// Scans `xs` in one pass, in [`SCAN_LANES`] independent lanes: value `i` updates lane
/// `i % 8`'s range (by selects: `f64::min`'s NaN rule blocks SIMD), NaN flag and sums, in
/// order; the lanes' sums are then added `((0 + 1) + (2 + 3)) + ((4 + 5) + (6 + 7))` and the
/// values past the last full group of eight follow one by one. Every implementation does
/// exactly these operations, so the result is the same bits on every CPU.
///
/// LLVM's SLP vectorizer pairs each lane's two sums in a 2-wide register rather than keeping
/// eight lanes of one sum in a vector (3.5 times slower), so x86-64 CPUs with AVX-512 or AVX
/// run the loop written with their intrinsics; [`scan_portable`] is the reference and the
/// fallback.
pub(crate) fn scan(xs: &[f64]) -> Scan {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx512f") {
            #[allow(unsafe_code)]
            // SAFETY: the CPU supports AVX-512F, checked on the line above.
            return unsafe { x86::scan_avx512(xs) };
        }
        if std::arch::is_x86_feature_detected!("avx") {
            #[allow(unsafe_code)]
            // SAFETY: the CPU supports AVX, checked on the line above.
            return unsafe { x86::scan_avx(xs) };
        }
    }
    scan_portable(xs)
}

/// The lanes of a scan after the groups of eight: combined, then the remainder added.
#[derive(Debug, Clone, Copy)]
struct Lanes {
    lo: [f64; SCAN_LANES],
    hi: [f64; SCAN_LANES],
    nan: bool,
    s1: [f64; SCAN_LANES],
    s2: [f64; SCAN_LANES],
}

impl Lanes {
    const EMPTY: Lanes = Lanes {
        lo: [f64::INFINITY; SCAN_LANES],
        hi: [f64::NEG_INFINITY; SCAN_LANES],
        nan: false,
        s1: [0.0; SCAN_LANES],
        s2: [0.0; SCAN_LANES],
    };

    /// Combines the lanes in a fixed order, then adds `rest` (the values after the last full
    /// group of eight) one by one.
    #[inline(always)]
    fn finish(self, shift: f64, rest: &[f64]) -> Scan {
        let Lanes {
            lo,
            hi,
            nan,
            s1,
            s2,
        } = self;
        let mut out = Scan {
            lo: f64::INFINITY,
            hi: f64::NEG_INFINITY,
            nan,
            shift,
            s1: ((s1[0] + s1[1]) + (s1[2] + s1[3])) + ((s1[4] + s1[5]) + (s1[6] + s1[7])),
            s2: ((s2[0] + s2[1]) + (s2[2] + s2[3])) + ((s2[4] + s2[5]) + (s2[6] + s2[7])),
        };
        for k in 0..SCAN_LANES {
            out.lo = if lo[k] < out.lo { lo[k] } else { out.lo };
            out.hi = if hi[k] > out.hi { hi[k] } else { out.hi };
        }
        for &x in rest {
            out.lo = if x < out.lo { x } else { out.lo };
            out.hi = if x > out.hi { x } else { out.hi };
            out.nan |= x.is_nan();
            let d = x - shift;
            out.s1 += d;
            out.s2 += d * d;
        }
        out
    }
}

/// [`scan`] in portable Rust (SIMD as far as LLVM finds it, under [`crate::math::with_simd`]).
pub(crate) fn scan_portable(xs: &[f64]) -> Scan {
    let shift = xs.first().copied().unwrap_or(0.0);
    crate::math::with_simd(
        #[inline(always)]
        move || {
            let mut l = Lanes::EMPTY;
            let mut nan = [false; SCAN_LANES];
            let mut groups = xs.chunks_exact(SCAN_LANES);
            for c in &mut groups {
                for k in 0..SCAN_LANES {
                    let x = c[k];
                    l.lo[k] = if x < l.lo[k] { x } else { l.lo[k] };
                    l.hi[k] = if x > l.hi[k] { x } else { l.hi[k] };
                    nan[k] |= x.is_nan();
                    let d = x - shift;
                    l.s1[k] += d;
                    l.s2[k] += d * d;
                }
            }
            l.nan = nan.iter().any(|&n| n);
            l.finish(shift, groups.remainder())
        },
    )
}

/// [`scan`]'s lanes in AVX-512 and AVX registers: the same operations, lane for lane.
#[cfg(target_arch = "x86_64")]
#[allow(unsafe_code)]
mod x86 {
    use std::arch::x86_64::*;

    use super::{Lanes, SCAN_LANES, Scan};

    /// [`super::scan`] with the eight lanes in one AVX-512 register.
    #[target_feature(enable = "avx512f")]
    pub(super) fn scan_avx512(xs: &[f64]) -> Scan {
        let shift = xs.first().copied().unwrap_or(0.0);
        let sh = _mm512_set1_pd(shift);
        let mut lo = _mm512_set1_pd(f64::INFINITY);
        let mut hi = _mm512_set1_pd(f64::NEG_INFINITY);
        let (mut s1, mut s2) = (_mm512_setzero_pd(), _mm512_setzero_pd());
        let mut nan: __mmask8 = 0;
        let mut groups = xs.chunks_exact(SCAN_LANES);
        for c in &mut groups {
            // SAFETY: `c` holds exactly eight f64s; the load is unaligned.
            let x = unsafe { _mm512_loadu_pd(c.as_ptr()) };
            // `x < lo ? x : lo` and `x > hi ? x : hi` (ordered: a NaN x selects nothing).
            lo = _mm512_mask_blend_pd(_mm512_cmp_pd_mask::<_CMP_LT_OQ>(x, lo), lo, x);
            hi = _mm512_mask_blend_pd(_mm512_cmp_pd_mask::<_CMP_GT_OQ>(x, hi), hi, x);
            nan |= _mm512_cmp_pd_mask::<_CMP_UNORD_Q>(x, x);
            let d = _mm512_sub_pd(x, sh);
            s1 = _mm512_add_pd(s1, d);
            s2 = _mm512_add_pd(s2, _mm512_mul_pd(d, d));
        }
        let mut l = Lanes::EMPTY;
        // SAFETY: each array holds exactly eight f64s; the stores are unaligned.
        unsafe {
            _mm512_storeu_pd(l.lo.as_mut_ptr(), lo);
            _mm512_storeu_pd(l.hi.as_mut_ptr(), hi);
            _mm512_storeu_pd(l.s1.as_mut_ptr(), s1);
            _mm512_storeu_pd(l.s2.as_mut_ptr(), s2);
        }
        l.nan = nan != 0;
        l.finish(shift, groups.remainder())
    }

    /// [`super::scan`] with lanes 0-3 and 4-7 in two AVX registers.
    #[target_feature(enable = "avx")]
    pub(super) fn scan_avx(xs: &[f64]) -> Scan {
        let shift = xs.first().copied().unwrap_or(0.0);
        let sh = _mm256_set1_pd(shift);
        let mut lo = [_mm256_set1_pd(f64::INFINITY); 2];
        let mut hi = [_mm256_set1_pd(f64::NEG_INFINITY); 2];
        let (mut s1, mut s2) = ([_mm256_setzero_pd(); 2], [_mm256_setzero_pd(); 2]);
        let mut nan = _mm256_setzero_pd();
        let mut groups = xs.chunks_exact(SCAN_LANES);
        for c in &mut groups {
            for h in 0..2 {
                // SAFETY: `c` holds eight f64s, so four from index 4 h; unaligned load.
                let x = unsafe { _mm256_loadu_pd(c.as_ptr().add(4 * h)) };
                lo[h] = _mm256_blendv_pd(lo[h], x, _mm256_cmp_pd::<_CMP_LT_OQ>(x, lo[h]));
                hi[h] = _mm256_blendv_pd(hi[h], x, _mm256_cmp_pd::<_CMP_GT_OQ>(x, hi[h]));
                nan = _mm256_or_pd(nan, _mm256_cmp_pd::<_CMP_UNORD_Q>(x, x));
                let d = _mm256_sub_pd(x, sh);
                s1[h] = _mm256_add_pd(s1[h], d);
                s2[h] = _mm256_add_pd(s2[h], _mm256_mul_pd(d, d));
            }
        }
        let mut l = Lanes::EMPTY;
        for h in 0..2 {
            // SAFETY: each array holds eight f64s, so four from index 4 h; unaligned stores.
            unsafe {
                _mm256_storeu_pd(l.lo.as_mut_ptr().add(4 * h), lo[h]);
                _mm256_storeu_pd(l.hi.as_mut_ptr().add(4 * h), hi[h]);
                _mm256_storeu_pd(l.s1.as_mut_ptr().add(4 * h), s1[h]);
                _mm256_storeu_pd(l.s2.as_mut_ptr().add(4 * h), s2[h]);
            }
        }
        l.nan = _mm256_movemask_pd(nan) != 0;
        l.finish(shift, groups.remainder())
    }

    /// A scan implementation, named.
    #[cfg(test)]
    pub(super) type Variant = (&'static str, fn(&[f64]) -> Scan);

    /// The implementations this CPU can run.
    #[cfg(test)]
    pub(super) fn variants() -> Vec<Variant> {
        let mut v: Vec<Variant> = Vec::new();
        if std::arch::is_x86_feature_detected!("avx512f") {
            // SAFETY: the CPU supports AVX-512F, checked on the line above.
            v.push(("avx512", |xs| unsafe { scan_avx512(xs) }));
        }
        if std::arch::is_x86_feature_detected!("avx") {
            // SAFETY: the CPU supports AVX, checked on the line above.
            v.push(("avx", |xs| unsafe { scan_avx(xs) }));
        }
        v
    }
}

fn bucket_midpoint(key: u64) -> f64 {
    let lo = f64::from_bits(key << SHIFT);
    let hi = f64::from_bits((key + 1) << SHIFT);
    if hi.is_finite() { 0.5 * (lo + hi) } else { lo }
}

impl QuantileSketch {
    /// An empty sketch.
    pub fn new() -> Self {
        Self::default()
    }

    /// Counts one value. NaN is ignored (the model never produces one for valid inputs).
    #[inline]
    pub fn insert(&mut self, x: f64) {
        if x.is_nan() {
            return;
        }
        self.count += 1;
        self.min = self.min.min(x);
        self.max = self.max.max(x);
        if x > 0.0 {
            self.positive.add(key(x), 1);
        } else if x < 0.0 {
            self.negative.add(key(-x), 1);
        } else {
            self.zeros += 1;
        }
    }

    /// Counts every value of a slice (NaN ignored); a constant slice costs one update. Returns
    /// whether the slice was constant (all values equal, none NaN).
    pub fn insert_slice(&mut self, xs: &[f64]) -> bool {
        self.insert_scanned(xs, &scan(xs))
    }

    /// [`QuantileSketch::insert_slice`] with the slice's [`scan`] already done.
    pub(crate) fn insert_scanned(&mut self, xs: &[f64], scan: &Scan) -> bool {
        let Scan { lo, hi, nan, .. } = *scan;
        if nan || !(lo > 0.0 || lo == hi) || !hi.is_finite() {
            // Rare: NaN, zeros, negatives or infinities: the general path.
            for &x in xs {
                self.insert(x);
            }
            return !nan && lo == hi;
        }
        let n = xs.len() as u64;
        self.count += n;
        self.min = self.min.min(lo);
        self.max = self.max.max(hi);
        if lo == hi {
            match lo.partial_cmp(&0.0) {
                Some(std::cmp::Ordering::Greater) => self.positive.add(key(lo), n),
                Some(std::cmp::Ordering::Less) => self.negative.add(key(-lo), n),
                _ => self.zeros += n,
            }
            return true;
        }
        // All positive and finite: size the store once, then count.
        self.positive.add(key(lo), 0);
        self.positive.add(key(hi), 0);
        let offset = self.positive.offset;
        let counts = &mut self.positive.counts;
        for &x in xs {
            counts[(key(x) - offset) as usize] += 1;
        }
        false
    }

    /// Adds another sketch's counts to this one (exact, order-independent).
    pub fn merge(&mut self, other: &QuantileSketch) {
        self.negative.merge(&other.negative);
        self.positive.merge(&other.positive);
        self.zeros += other.zeros;
        self.count += other.count;
        self.min = self.min.min(other.min);
        self.max = self.max.max(other.max);
    }

    /// Number of values counted.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// Exact minimum.
    pub fn min(&self) -> f64 {
        self.min
    }

    /// Exact maximum.
    pub fn max(&self) -> f64 {
        self.max
    }

    /// Estimate of the `rank`-th smallest value (0-based): exact at both ends, else within
    /// 0.049% relative.
    pub fn order_statistic(&self, rank: u64) -> f64 {
        if self.count == 0 {
            return f64::NAN;
        }
        if rank == 0 {
            return self.min;
        }
        if rank + 1 >= self.count {
            return self.max;
        }
        let mut seen = 0u64;
        // Negative values, most negative first: highest keys of the negative store first.
        for (i, &c) in self.negative.counts.iter().enumerate().rev() {
            seen += c;
            if rank < seen {
                return (-bucket_midpoint(self.negative.offset + i as u64))
                    .clamp(self.min, self.max);
            }
        }
        seen += self.zeros;
        if rank < seen {
            return 0.0;
        }
        for (i, &c) in self.positive.counts.iter().enumerate() {
            seen += c;
            if rank < seen {
                return bucket_midpoint(self.positive.offset + i as u64).clamp(self.min, self.max);
            }
        }
        self.max
    }

    /// The `q`-quantile with numpy's default definition: linear interpolation between the order
    /// statistics around `q (n - 1)`.
    pub fn quantile(&self, q: f64) -> f64 {
        if self.count == 0 {
            return f64::NAN;
        }
        let h = q.clamp(0.0, 1.0) * (self.count - 1) as f64;
        let lo = h.floor() as u64;
        let frac = h - lo as f64;
        let a = self.order_statistic(lo);
        if frac == 0.0 {
            return a;
        }
        let b = self.order_statistic(lo + 1);
        a + frac * (b - a)
    }

    /// Approximate heap memory in bytes.
    pub fn memory_bytes(&self) -> usize {
        8 * (self.negative.counts.capacity() + self.positive.counts.capacity())
    }

    #[cfg(test)]
    fn bucketed(&self) -> u64 {
        self.negative.total() + self.zeros + self.positive.total()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dist::sorted_quantile;
    use proptest::prelude::*;

    /// The slice path (one SIMD scan, then counting) keeps exactly what one-by-one inserts keep.
    #[test]
    fn slice_inserts_equal_single_inserts() {
        let spread: Vec<f64> = (1..=300)
            .map(|i| 1.0 + (f64::from(i) * 0.37).sin().abs() * 1e3)
            .collect();
        let slices: [Vec<f64>; 4] = [
            spread,
            vec![42.0; 37],
            vec![3.0, 0.0, -2.5, 7.0, -0.0, 1e-300, 9e9],
            vec![1.0, f64::NAN, 2.0, 2.0, f64::NAN],
        ];
        for xs in &slices {
            let (mut a, mut b) = (QuantileSketch::new(), QuantileSketch::new());
            let constant = a.insert_slice(xs);
            for &x in xs {
                b.insert(x);
            }
            let first = xs[0];
            assert_eq!(constant, xs.iter().all(|&x| x == first));
            assert_eq!((a.count(), a.min(), a.max()), (b.count(), b.min(), b.max()));
            for rank in 0..a.count() {
                assert_eq!(
                    a.order_statistic(rank),
                    b.order_statistic(rank),
                    "{xs:?} rank {rank}"
                );
            }
        }
    }

    /// Every SIMD implementation of the scan gives the portable one's bits.
    #[test]
    #[cfg(target_arch = "x86_64")]
    fn scan_variants_are_bit_identical() {
        let mut x = 0x2545_F491_4F6C_DD1Du64;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let specials = [
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            -0.0,
            0.0,
            1e-310,
            -3.5,
        ];
        let variants = x86::variants();
        for len in (0..70).chain([255, 256, 257, 1000]) {
            for trial in 0..20 {
                let xs: Vec<f64> = (0..len)
                    .map(|_| {
                        let r = next();
                        if trial % 4 == 3 && r % 17 == 0 {
                            specials[(r >> 8) as usize % specials.len()]
                        } else {
                            // Wide magnitudes and both signs: sums round in earnest.
                            let m = (r >> 11) as f64 / (1u64 << 53) as f64;
                            let sign = if trial % 2 == 1 && r & 1 == 1 {
                                -1.0
                            } else {
                                1.0
                            };
                            sign * m * 10f64.powi((r % 13) as i32 - 3)
                        }
                    })
                    .collect();
                let want = scan_portable(&xs);
                for (name, f) in &variants {
                    let got = f(&xs);
                    // The same bits, but for NaN's payload, which no Rust code may rely on.
                    let same =
                        |a: f64, b: f64| a.to_bits() == b.to_bits() || a.is_nan() && b.is_nan();
                    assert!(
                        same(got.lo, want.lo)
                            && same(got.hi, want.hi)
                            && same(got.shift, want.shift)
                            && same(got.s1, want.s1)
                            && same(got.s2, want.s2)
                            && got.nan == want.nan,
                        "{name}: {got:?} vs {want:?} for {xs:?}"
                    );
                }
            }
        }
        assert!(
            !variants.is_empty() || !std::arch::is_x86_feature_detected!("avx"),
            "no SIMD variant tested"
        );
    }

    #[test]
    fn constant_stream_is_exact() {
        let mut s = QuantileSketch::new();
        for _ in 0..1000 {
            s.insert(5_576_000.0);
        }
        for q in [0.0, 0.05, 0.5, 0.95, 1.0] {
            assert_eq!(s.quantile(q), 5_576_000.0);
        }
    }

    #[test]
    fn heavy_tailed_stream_within_tolerance() {
        // Deterministic lognormal-ish values spanning 8 orders of magnitude.
        let mut values: Vec<f64> = (0..100_000)
            .map(|i| 10f64.powf(8.0 * ((i * 7919) % 100_000) as f64 / 1e5))
            .collect();
        let mut s = QuantileSketch::new();
        for &v in &values {
            s.insert(v);
        }
        values.sort_by(f64::total_cmp);
        for q in [0.001, 0.05, 0.25, 0.5, 0.75, 0.95, 0.999] {
            let (est, exact) = (s.quantile(q), sorted_quantile(&values, q));
            assert!(
                ((est - exact) / exact).abs() < 0.0005,
                "q={q}: {est} vs {exact}"
            );
        }
        // 8 decades ~ 26.6 octaves x 1024 buckets: memory set by range, not count.
        assert!(s.memory_bytes() < 8 * 1024 * 60, "{}", s.memory_bytes());
    }

    proptest! {
        #[test]
        fn quantiles_within_0_1_percent_of_exact(
            mut values in prop::collection::vec(prop_oneof![-1e12f64..1e12, 0.0..1.0, Just(0.0)], 1..400),
            q in 0.0f64..=1.0,
        ) {
            let mut s = QuantileSketch::new();
            for &v in &values { s.insert(v); }
            prop_assert_eq!(s.bucketed(), values.len() as u64);
            values.sort_by(f64::total_cmp);
            let exact = sorted_quantile(&values, q);
            let est = s.quantile(q);
            // Relative to the magnitude of the neighbouring order statistics.
            let h = q * (values.len() - 1) as f64;
            let scale = values[h.floor() as usize].abs().max(values[h.ceil() as usize].abs());
            prop_assert!((est - exact).abs() <= 0.001 * scale, "{est} vs {exact}");
        }

        #[test]
        fn merge_is_order_independent(a in prop::collection::vec(0.0f64..1e9, 0..100),
                                      b in prop::collection::vec(0.0f64..1e9, 0..100)) {
            let (mut x, mut y, mut sa, mut sb) =
                (QuantileSketch::new(), QuantileSketch::new(), QuantileSketch::new(), QuantileSketch::new());
            for &v in &a { sa.insert(v); }
            for &v in &b { sb.insert(v); }
            x.merge(&sa); x.merge(&sb);
            y.merge(&sb); y.merge(&sa);
            for q in [0.0, 0.05, 0.5, 0.95, 1.0] {
                prop_assert_eq!(x.quantile(q).to_bits(), y.quantile(q).to_bits());
            }
        }
    }
}
