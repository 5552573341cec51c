//! A mergeable quantile sketch with bounded memory and relative-error guarantees.
//!
//! Values are counted in log-linear buckets. The *key* of a positive normal `f64` is its bit
//! pattern shifted right by `52 - SUB_BUCKET_BITS`, i.e. its binary exponent and the top 10
//! bits of its mantissa, plus a bias of 64 octaves; a subnormal value is keyed as itself
//! times 2^64 (which is normal and exact), so subnormals get the same relative resolution and
//! every finite value has a key. Each bucket spans at most 2^-10 (0.098%) of its lower bound,
//! so reporting the bucket's midpoint is within 0.049% of any value in it.
//!
//! Memory is bounded whatever the values: a store (one for positive values, one for negative
//! ones) holds at most [`MAX_BUCKETS`] counters. While the keys counted span at most that
//! many buckets (64 powers of two, a factor of about 1.8e19), the resolution is full; a wider
//! span (outputs from 1e-150 to 1e10, say) merges neighbouring buckets in pairs, as often as
//! needed, and [`QuantileSketch::relative_accuracy`] says what the percentiles are then
//! worth (at worst 3.1%, for values spanning the whole range of `f64`). The resolution is a
//! function of the smallest and largest key counted, so it does not depend on the order of
//! inserts and merges.
//!
//! Counts are integers, so merging sketches is exact and order-independent: a Monte Carlo run
//! gives the same percentiles whatever the thread count. The exact minimum and maximum are
//! kept, so a constant input gives its value back exactly. Non-finite values (NaN, infinities)
//! are not summarized: they are counted apart ([`QuantileSketch::non_finite`]) for the caller
//! to report.

/// Bits of mantissa kept per bucket at full resolution.
pub const SUB_BUCKET_BITS: u32 = 10;
const SHIFT: u32 = 52 - SUB_BUCKET_BITS;
/// Most counters a store holds: a sketch's memory is at most `2 * 8 * MAX_BUCKETS` bytes.
pub const MAX_BUCKETS: usize = 1 << 16;
/// Key offset of normal values (64 octaves), which makes room below for subnormals.
const BIAS: u64 = 64 << SUB_BUCKET_BITS;
/// 2^64 and 2^-64: subnormals are keyed as normal values scaled by 2^64.
const TWO_POW_64: f64 = 18_446_744_073_709_551_616.0;
const TWO_POW_MINUS_64: f64 = 1.0 / TWO_POW_64;
/// The key of infinity (exponent field all ones): no finite value reaches it.
const INF_KEY: u64 = (0x7FF << SUB_BUCKET_BITS) + BIAS;

/// Dense counters over a contiguous range of buckets; a bucket is a key shifted right by
/// `shift`, the smallest shift at which the keys counted (`lo..=hi`) fit [`MAX_BUCKETS`].
#[derive(Debug, Clone)]
struct Store {
    shift: u32,
    offset: u64,
    counts: Vec<u64>,
    /// Smallest and largest key counted (`lo > hi` while empty).
    lo: u64,
    hi: u64,
}

impl Default for Store {
    fn default() -> Self {
        Store {
            shift: 0,
            offset: 0,
            counts: Vec::new(),
            lo: u64::MAX,
            hi: 0,
        }
    }
}

/// The smallest shift at which keys `lo..=hi` span at most [`MAX_BUCKETS`] buckets.
fn shift_for(lo: u64, hi: u64) -> u32 {
    let mut s = 0;
    while (hi >> s) - (lo >> s) >= MAX_BUCKETS as u64 {
        s += 1;
    }
    s
}

impl Store {
    /// Widens the key range to hold `lo..=hi`, coarsening and reallocating as needed, so
    /// that every bucket of the range has a counter.
    fn include(&mut self, lo: u64, hi: u64) {
        self.lo = self.lo.min(lo);
        self.hi = self.hi.max(hi);
        let shift = shift_for(self.lo, self.hi);
        if shift > self.shift {
            self.coarsen(shift);
        }
        let (blo, bhi) = (self.lo >> self.shift, self.hi >> self.shift);
        let end = self.offset + self.counts.len() as u64;
        if !self.counts.is_empty() && blo >= self.offset && bhi < end {
            return;
        }
        // Grow with 50% slack on the side that grew (never past the cap), so a drifting
        // range reallocates a logarithmic number of times.
        let need = bhi - blo + 1;
        let want = (need + need / 2).min(MAX_BUCKETS as u64).max(need);
        let grew_down = self.counts.is_empty() || blo < self.offset;
        let offset = if grew_down {
            blo.saturating_sub(want - need)
        } else {
            blo
        };
        let mut counts = vec![0; want as usize];
        // Every non-zero counter is in the old range of keys, inside the new one.
        for (i, &c) in self.counts.iter().enumerate() {
            if c > 0 {
                counts[(self.offset + i as u64 - offset) as usize] += c;
            }
        }
        self.offset = offset;
        self.counts = counts;
    }

    /// Merges buckets so that a bucket is a key shifted right by `shift` (larger than now).
    fn coarsen(&mut self, shift: u32) {
        let d = shift - self.shift;
        self.shift = shift;
        if self.counts.is_empty() {
            return;
        }
        let offset = self.offset >> d;
        let last = (self.offset + self.counts.len() as u64 - 1) >> d;
        let mut counts = vec![0; (last - offset + 1) as usize];
        for (i, &c) in self.counts.iter().enumerate() {
            counts[(((self.offset + i as u64) >> d) - offset) as usize] += c;
        }
        self.offset = offset;
        self.counts = counts;
    }

    #[inline]
    fn add(&mut self, key: u64, n: u64) {
        if key < self.lo || key > self.hi {
            self.include(key, key);
        }
        self.counts[((key >> self.shift) - self.offset) as usize] += n;
    }

    fn merge(&mut self, other: &Store) {
        if other.lo > other.hi {
            return;
        }
        self.include(other.lo, other.hi);
        // `include` made this store at least as coarse as `other`.
        let d = self.shift - other.shift;
        for (i, &c) in other.counts.iter().enumerate() {
            if c > 0 {
                let bucket = (other.offset + i as u64) >> d;
                self.counts[(bucket - self.offset) as usize] += c;
            }
        }
    }

    /// The value a bucket reports: its midpoint (as a key range mapped back to values).
    fn midpoint(&self, i: usize) -> f64 {
        let bucket = self.offset + i as u64;
        let lo = key_lower_bound(bucket << self.shift);
        let hi = key_lower_bound((bucket + 1) << self.shift);
        lo + 0.5 * (hi - lo)
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
    non_finite: u64,
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
            non_finite: 0,
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
        }
    }
}

/// The key of a positive finite value (normal or subnormal).
#[inline]
fn key(abs: f64) -> u64 {
    if abs >= f64::MIN_POSITIVE {
        normal_key(abs)
    } else {
        (abs * TWO_POW_64).to_bits() >> SHIFT
    }
}

/// The key of a positive normal value.
#[inline(always)]
fn normal_key(abs: f64) -> u64 {
    (abs.to_bits() >> SHIFT) + BIAS
}

/// `a + frac (b - a)`, without overflow when `b - a` exceeds `f64::MAX`.
fn interpolate(a: f64, b: f64, frac: f64) -> f64 {
    let d = b - a;
    if d.is_finite() {
        a + frac * d
    } else {
        a * (1.0 - frac) + b * frac
    }
}

/// The smallest value with key `k` (`f64::MAX` from the key of infinity up).
fn key_lower_bound(k: u64) -> f64 {
    if k >= INF_KEY {
        f64::MAX
    } else if k >= BIAS + (1 << SUB_BUCKET_BITS) {
        f64::from_bits((k - BIAS) << SHIFT)
    } else {
        f64::from_bits(k << SHIFT) * TWO_POW_MINUS_64
    }
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

impl QuantileSketch {
    /// An empty sketch.
    pub fn new() -> Self {
        Self::default()
    }

    /// Counts one value. A non-finite value (NaN, an infinity) is not summarized: it is
    /// counted in [`QuantileSketch::non_finite`] alone.
    #[inline]
    pub fn insert(&mut self, x: f64) {
        if !x.is_finite() {
            self.non_finite += 1;
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

    /// Counts every value of a slice (non-finite ones apart, as [`QuantileSketch::insert`]); a
    /// constant slice costs one update. Returns whether the slice was constant (all values
    /// equal, none NaN).
    pub fn insert_slice(&mut self, xs: &[f64]) -> bool {
        self.insert_scanned(xs, &scan(xs))
    }

    /// [`QuantileSketch::insert_slice`] with the slice's [`scan`] already done.
    pub(crate) fn insert_scanned(&mut self, xs: &[f64], scan: &Scan) -> bool {
        let Scan { lo, hi, nan, .. } = *scan;
        let constant = !nan && lo == hi;
        if nan || !lo.is_finite() || !hi.is_finite() || !(lo >= f64::MIN_POSITIVE || constant) {
            // Rare: NaN, infinities, zeros, negatives or subnormals: the general path.
            for &x in xs {
                self.insert(x);
            }
            return constant;
        }
        let n = xs.len() as u64;
        self.count += n;
        self.min = self.min.min(lo);
        self.max = self.max.max(hi);
        if constant {
            match lo.partial_cmp(&0.0) {
                Some(std::cmp::Ordering::Greater) => self.positive.add(key(lo), n),
                Some(std::cmp::Ordering::Less) => self.negative.add(key(-lo), n),
                _ => self.zeros += n,
            }
            return true;
        }
        // All positive, normal and finite: size the store once, then count.
        self.positive.include(normal_key(lo), normal_key(hi));
        let (shift, offset) = (self.positive.shift, self.positive.offset);
        let counts = &mut self.positive.counts;
        for &x in xs {
            counts[((normal_key(x) >> shift) - offset) as usize] += 1;
        }
        false
    }

    /// Adds another sketch's counts to this one (exact, order-independent).
    pub fn merge(&mut self, other: &QuantileSketch) {
        self.negative.merge(&other.negative);
        self.positive.merge(&other.positive);
        self.zeros += other.zeros;
        self.count += other.count;
        self.non_finite += other.non_finite;
        self.min = self.min.min(other.min);
        self.max = self.max.max(other.max);
    }

    /// Number of (finite) values counted.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// Number of non-finite values (NaN, infinities) seen and left out of the summary.
    pub fn non_finite(&self) -> u64 {
        self.non_finite
    }

    /// The relative accuracy of [`QuantileSketch::order_statistic`] (and of quantiles, which
    /// interpolate between two of them): an estimate of a value `x` is within
    /// `relative_accuracy() * |x|` of it (plus half the smallest subnormal, 2^-1075, for
    /// subnormal values). 2^-11 (0.049%) at full resolution; doubled for each halving of
    /// the resolution that a very wide range of values forces (see the module doc).
    pub fn relative_accuracy(&self) -> f64 {
        let shift = self.positive.shift.max(self.negative.shift);
        f64::powi(2.0, shift as i32 - SUB_BUCKET_BITS as i32 - 1)
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
    /// [`QuantileSketch::relative_accuracy`] (0.049% unless the values span more than 64
    /// powers of two).
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
                return (-self.negative.midpoint(i)).clamp(self.min, self.max);
            }
        }
        seen += self.zeros;
        if rank < seen {
            return 0.0;
        }
        for (i, &c) in self.positive.counts.iter().enumerate() {
            seen += c;
            if rank < seen {
                return self.positive.midpoint(i).clamp(self.min, self.max);
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
        interpolate(a, b, frac)
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

    /// The exact `q`-quantile of sorted values, interpolated as the sketch does.
    fn exact_quantile(sorted: &[f64], q: f64) -> (f64, f64) {
        let h = q * (sorted.len() - 1) as f64;
        let (a, b) = (sorted[h.floor() as usize], sorted[h.ceil() as usize]);
        (interpolate(a, b, h - h.floor()), a.abs().max(b.abs()))
    }

    /// Checks every order statistic and a few quantiles against the exact ones, within the
    /// sketch's stated accuracy, and its memory against the bound.
    fn assert_accurate(s: &QuantileSketch, values: &[f64]) {
        let mut sorted: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
        sorted.sort_by(f64::total_cmp);
        assert_eq!(s.count(), sorted.len() as u64);
        assert_eq!(s.non_finite(), (values.len() - sorted.len()) as u64);
        assert!(
            s.memory_bytes() <= 2 * 8 * MAX_BUCKETS,
            "{}",
            s.memory_bytes()
        );
        let acc = s.relative_accuracy();
        assert!(acc <= 1.0 / 32.0, "{acc}");
        // Half the smallest subnormal: rounding of a midpoint in the subnormal range.
        let tiny = f64::from_bits(1);
        for (rank, &exact) in sorted.iter().enumerate() {
            let est = s.order_statistic(rank as u64);
            assert!(
                (est - exact).abs() <= acc * exact.abs() + tiny,
                "rank {rank}: {est:e} vs {exact:e} (accuracy {acc})"
            );
        }
        if sorted.is_empty() {
            return;
        }
        for q in [0.0, 0.05, 0.25, 0.5, 0.75, 0.95, 1.0] {
            let (exact, scale) = exact_quantile(&sorted, q);
            let est = s.quantile(q);
            assert!(est.is_finite(), "q={q}: {est}");
            assert!(
                (est - exact).abs() <= acc * scale * (1.0 + 1e-12) + tiny,
                "q={q}: {est:e} vs {exact:e} (accuracy {acc})"
            );
        }
    }

    /// Any finite `f64`: normal, subnormal, zero, either sign, extreme magnitudes.
    fn any_finite() -> impl Strategy<Value = f64> {
        use prop::num::f64::{NEGATIVE, NORMAL, POSITIVE, SUBNORMAL, ZERO};
        prop_oneof![
            (POSITIVE | NEGATIVE | NORMAL | SUBNORMAL | ZERO),
            (-300.0f64..300.0).prop_map(|e| 10f64.powf(e)),
            Just(f64::MAX),
            Just(-f64::MAX),
            Just(f64::MIN_POSITIVE),
            Just(f64::from_bits(1)),
        ]
    }

    /// The reproducers of issue 15: a lognormal's draws from 1e-150 to 1e10 underflowed the
    /// store's offset (a panic in debug, `capacity overflow` in release), as did an
    /// ownership figure from a purchase in year 1.
    #[test]
    fn extreme_ranges_do_not_panic_and_stay_bounded() {
        let lognormal_like: Vec<f64> = (0..20_000)
            .map(|i| 10f64.powf(-150.0 + 160.0 * ((i * 7919) % 20_000) as f64 / 2e4))
            .collect();
        let mut s = QuantileSketch::new();
        for chunk in lognormal_like.chunks(256) {
            s.insert_slice(chunk);
        }
        assert_accurate(&s, &lognormal_like);
        assert!(
            s.relative_accuracy() > 0.0005,
            "the range forces coarser buckets"
        );
        // Growing downwards from a large value to the smallest subnormal, one by one.
        let mut down = QuantileSketch::new();
        let steps: Vec<f64> = (0..2000)
            .map(|i| 1e300 * 10f64.powi(-i / 3))
            .chain([5e-324, 0.0, -1e300])
            .collect();
        for &x in &steps {
            down.insert(x);
        }
        assert_accurate(&down, &steps);
        assert_eq!(
            down.relative_accuracy(),
            1.0 / 32.0,
            "the whole range of f64"
        );
        // Narrow ranges keep full resolution.
        let mut narrow = QuantileSketch::new();
        narrow.insert_slice(&[1.0, 2.0, 1e19]);
        assert_eq!(narrow.relative_accuracy(), 2f64.powi(-11));
    }

    #[test]
    fn non_finite_values_are_counted_apart() {
        let xs = [
            1.0,
            f64::NAN,
            f64::INFINITY,
            2.0,
            f64::NEG_INFINITY,
            3.0,
            4.0,
            5.0,
            6.0,
        ];
        let mut s = QuantileSketch::new();
        s.insert_slice(&xs);
        assert_eq!((s.count(), s.non_finite()), (6, 3));
        assert_eq!((s.min(), s.max()), (1.0, 6.0));
        let mut constant_inf = QuantileSketch::new();
        assert!(constant_inf.insert_slice(&[f64::INFINITY; 9]));
        assert_eq!((constant_inf.count(), constant_inf.non_finite()), (0, 9));
        assert!(constant_inf.quantile(0.5).is_nan());
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]

        /// Total over finite `f64`: no panic, every order statistic within the stated accuracy,
        /// memory within the bound, whether inserted one by one or by slices.
        #[test]
        fn extreme_values_within_stated_accuracy(
            values in prop::collection::vec(any_finite(), 1..300),
            by_slices in any::<bool>(),
        ) {
            let mut s = QuantileSketch::new();
            if by_slices {
                for c in values.chunks(37) { s.insert_slice(c); }
            } else {
                for &v in &values { s.insert(v); }
            }
            assert_accurate(&s, &values);
        }

        /// Merging in any split gives exactly what one sketch of every value gives.
        #[test]
        fn extreme_merges_equal_one_sketch(
            values in prop::collection::vec(any_finite(), 1..200),
            cut in any::<prop::sample::Index>(),
        ) {
            let k = cut.index(values.len());
            let (mut all, mut a, mut b) = (QuantileSketch::new(), QuantileSketch::new(), QuantileSketch::new());
            for &v in &values { all.insert(v); }
            for &v in &values[..k] { a.insert(v); }
            for &v in &values[k..] { b.insert(v); }
            let mut ab = a.clone();
            ab.merge(&b);
            b.merge(&a);
            for rank in 0..all.count() {
                let want = all.order_statistic(rank).to_bits();
                prop_assert_eq!(ab.order_statistic(rank).to_bits(), want);
                prop_assert_eq!(b.order_statistic(rank).to_bits(), want);
            }
        }
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
