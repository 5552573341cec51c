//! The engine's random numbers: eight xoshiro256++ generators stepped side by side.
//!
//! One xoshiro256++ generator yields a number every few cycles, bound by the dependency chain
//! through its state. [`WideRng`] keeps eight independent generators in struct-of-arrays form,
//! so one step is eight lanes of the same integer operations: a SIMD loop under
//! [`crate::math::with_simd`]. Its output is one sequence: step `t` yields lane 0's `t`-th
//! number, then lane 1's, ..., lane 7's. Bulk fills and single draws read the same sequence, so
//! the numbers a consumer sees never depend on how it splits its requests.
//!
//! Uniform doubles take the top 52 bits of a draw as the mantissa of a number in [1, 2) and
//! subtract 1 (exact; no integer-to-float conversion, which needs AVX-512DQ to vectorize).

/// Generators stepped together.
pub const LANES: usize = 8;

/// Eight xoshiro256++ generators (Blackman and Vigna, 2019) read as one sequence.
#[derive(Debug, Clone)]
pub struct WideRng {
    /// State word `w` of lane `k` is `s[w][k]`.
    s: [[u64; LANES]; 4],
    /// The current step's outputs; `buf[next..]` are not yet used.
    buf: [u64; LANES],
    next: usize,
}

/// SplitMix64's increment (Steele, Lea and Flood, 2014): the golden ratio in 64 bits.
const GOLDEN_GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;

/// SplitMix64's output function: its `n`-th output from `seed` is `splitmix64_mix(seed + n
/// GOLDEN_GAMMA)`, so outputs can be computed side by side.
#[inline(always)]
fn splitmix64_mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// One step of every lane of state `s`: their next outputs, in lane order.
#[inline(always)]
fn step(s: &mut [[u64; LANES]; 4]) -> [u64; LANES] {
    let [mut s0, mut s1, mut s2, mut s3] = *s;
    let mut out = [0; LANES];
    for k in 0..LANES {
        out[k] = s0[k]
            .wrapping_add(s3[k])
            .rotate_left(23)
            .wrapping_add(s0[k]);
        let t = s1[k] << 17;
        s2[k] ^= s0[k];
        s3[k] ^= s1[k];
        s1[k] ^= s2[k];
        s0[k] ^= s3[k];
        s2[k] ^= t;
        s3[k] = s3[k].rotate_left(45);
    }
    *s = [s0, s1, s2, s3];
    out
}

/// Fills `out` (a whole number of steps long) with `f` of the next steps' outputs. Written
/// as one loop over locals so that it compiles to SIMD with the state in registers.
#[inline(always)]
fn fill_steps(state: &mut [[u64; LANES]; 4], out: &mut [f64], f: impl Fn(u64) -> f64) {
    let mut s = *state;
    for c in out.chunks_exact_mut(LANES) {
        let x = step(&mut s);
        for k in 0..LANES {
            c[k] = f(x[k]);
        }
    }
    *state = s;
}

/// `[0, 1)` from the top 52 bits of `x`, exactly.
#[inline(always)]
fn unit(x: u64) -> f64 {
    f64::from_bits(0x3FF0_0000_0000_0000 | (x >> 12)) - 1.0
}

/// `(0, 1]` from the top 52 bits of `x`, exactly.
#[inline(always)]
fn unit_open_closed(x: u64) -> f64 {
    2.0 - f64::from_bits(0x3FF0_0000_0000_0000 | (x >> 12))
}

impl WideRng {
    /// A generator seeded from one number: SplitMix64 fills the 8 x 4 state words, lane by
    /// lane (a state of all zeros, xoshiro's one bad state, cannot come out of it in practice).
    /// Word `w` of lane `k` is SplitMix64's output number `4 k + w + 1`; the 32 are computed
    /// side by side in SIMD (the engine seeds a generator per input per chunk).
    pub fn seed_from_u64(seed: u64) -> WideRng {
        let s = crate::math::with_simd(
            #[inline(always)]
            move || {
                let mut s = [[0; LANES]; 4];
                for (w, word) in s.iter_mut().enumerate() {
                    for (k, x) in word.iter_mut().enumerate() {
                        let n = (4 * k + w + 1) as u64;
                        *x = splitmix64_mix(seed.wrapping_add(n.wrapping_mul(GOLDEN_GAMMA)));
                    }
                }
                s
            },
        );
        WideRng {
            s,
            buf: [0; LANES],
            next: LANES,
        }
    }

    /// One step of every lane: their next outputs, in lane order.
    #[inline(always)]
    fn step(&mut self) -> [u64; LANES] {
        step(&mut self.s)
    }

    /// The next number of the sequence.
    #[inline]
    pub fn next_u64(&mut self) -> u64 {
        if self.next == LANES {
            self.buf = self.step();
            self.next = 0;
        }
        let x = self.buf[self.next];
        self.next += 1;
        x
    }

    /// A uniform draw in [0, 1) (52 random bits).
    #[inline]
    pub fn unit(&mut self) -> f64 {
        unit(self.next_u64())
    }

    /// A uniform draw in (0, 1] (52 random bits): never zero, so its logarithm is finite.
    #[inline]
    pub fn unit_open_closed(&mut self) -> f64 {
        unit_open_closed(self.next_u64())
    }

    /// Fills `out` with `f` of the next numbers of the sequence, whole steps in SIMD.
    #[inline(always)]
    fn fill_with(&mut self, out: &mut [f64], f: impl Fn(u64) -> f64 + Copy) {
        // Finish the current step first, so bulk and single draws read one sequence.
        let lead = (LANES - self.next).min(out.len());
        let (head, rest) = out.split_at_mut(lead);
        for o in head {
            *o = f(self.next_u64());
        }
        let whole = rest.len() / LANES * LANES;
        let (body, tail) = rest.split_at_mut(whole);
        let mut state = self.s;
        crate::math::with_simd(
            #[inline(always)]
            || fill_steps(&mut state, body, f),
        );
        self.s = state;
        for o in tail {
            *o = f(self.next_u64());
        }
    }

    /// Fills `out` with uniform draws in [0, 1).
    pub fn fill_unit(&mut self, out: &mut [f64]) {
        self.fill_with(out, unit);
    }

    /// Fills `out` with uniform draws in (0, 1].
    pub fn fill_unit_open_closed(&mut self, out: &mut [f64]) {
        self.fill_with(out, unit_open_closed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_core::{Rng, SeedableRng};
    use rand_xoshiro::Xoshiro256PlusPlus;

    /// Each lane is the reference xoshiro256++ (rand_xoshiro) from the same state.
    #[test]
    fn lanes_are_reference_xoshiro256plusplus() {
        let mut wide = WideRng::seed_from_u64(2024);
        let mut lanes: Vec<Xoshiro256PlusPlus> = (0..LANES)
            .map(|k| {
                let mut seed = [0u8; 32];
                for w in 0..4 {
                    seed[8 * w..8 * w + 8].copy_from_slice(&wide.s[w][k].to_le_bytes());
                }
                Xoshiro256PlusPlus::from_seed(seed)
            })
            .collect();
        for _ in 0..1000 {
            for lane in &mut lanes {
                assert_eq!(wide.next_u64(), lane.next_u64());
            }
        }
    }

    /// The state is SplitMix64's first 32 outputs (rand_xoshiro's), lane by lane.
    #[test]
    fn seeding_is_reference_splitmix64() {
        for seed in [0, 1, 2024, u64::MAX] {
            let wide = WideRng::seed_from_u64(seed);
            let mut sm = rand_xoshiro::SplitMix64::seed_from_u64(seed);
            for k in 0..LANES {
                for w in 0..4 {
                    assert_eq!(
                        wide.s[w][k],
                        sm.next_u64(),
                        "seed {seed}, lane {k}, word {w}"
                    );
                }
            }
        }
    }

    #[test]
    fn bulk_and_single_draws_read_one_sequence() {
        let mut a = WideRng::seed_from_u64(5);
        let single: Vec<f64> = (0..1000).map(|_| a.unit()).collect();
        let mut b = WideRng::seed_from_u64(5);
        let mut bulk = vec![0.0; 1000];
        // Uneven pieces: mid-step starts and ends, and a single draw in between.
        b.fill_unit(&mut bulk[..3]);
        bulk[3] = b.unit();
        b.fill_unit(&mut bulk[4..517]);
        b.fill_unit(&mut bulk[517..]);
        assert_eq!(single, bulk);
        let mut c = WideRng::seed_from_u64(5);
        let mut open = vec![0.0; 1000];
        c.fill_unit_open_closed(&mut open);
        for (u, v) in single.iter().zip(&open) {
            assert_eq!(*v, 1.0 - u);
        }
    }

    #[test]
    fn uniforms_are_in_range_and_uniform() {
        assert_eq!(unit(0), 0.0);
        assert_eq!(unit(u64::MAX), 1.0 - f64::EPSILON);
        assert_eq!(unit_open_closed(0), 1.0);
        assert_eq!(unit_open_closed(u64::MAX), f64::EPSILON);
        let mut r = WideRng::seed_from_u64(1);
        let mut u = vec![0.0; 1 << 20];
        r.fill_unit(&mut u);
        let mut bins = [0u32; 16];
        for x in &u {
            assert!((0.0..1.0).contains(x));
            bins[(x * 16.0) as usize] += 1;
        }
        // Chi-square with 15 degrees of freedom: 99.9th percentile 37.7.
        let expected = u.len() as f64 / 16.0;
        let chi2: f64 = bins
            .iter()
            .map(|&b| (f64::from(b) - expected).powi(2) / expected)
            .sum();
        assert!(chi2 < 37.7, "chi-square {chi2}");
    }

    #[test]
    fn different_seeds_differ() {
        let (mut a, mut b) = (WideRng::seed_from_u64(1), WideRng::seed_from_u64(2));
        assert!((0..64).any(|_| a.next_u64() != b.next_u64()));
    }
}
