//! A seeded, parallel, constant-memory Monte Carlo engine.
//!
//! Samples are drawn in chunks of [`CHUNK`]. Each input of chunk `c` has its own random stream,
//! seeded from `(seed, c, input)` alone, so every sample is the same whichever thread computes
//! it, and fixing one input (sensitivity analysis) leaves the others' draws unchanged. Each chunk's moments (count, mean, M2) are merged in chunk
//! order; percentiles come from [`QuantileSketch`]es whose integer counts merge exactly. The
//! result is therefore identical for a given seed whatever the thread count, and memory is
//! bounded by the chunk buffers and the sketches, never by the number of samples.

use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicU64, Ordering};

use serde::{Deserialize, Serialize};

use crate::dist::{Distribution, Sampler};
use crate::rng::WideRng;
use crate::sketch::{QuantileSketch, Scan, scan};

/// Samples per chunk (one random stream each).
pub const CHUNK: usize = 256;
/// Chunks per round: the unit of work between progress reports.
const CHUNKS_PER_ROUND: u64 = 512;

/// A block of samples' input values, column by column: input `i` of sample `j` is at
/// `data[i * stride + j]`, for `j < len`.
///
/// The engine draws a chunk's inputs column by column; a model computes a whole block at a
/// time from these columns, so its arithmetic runs over contiguous slices and vectorizes.
#[derive(Debug, Clone, Copy)]
pub struct Columns<'a> {
    data: &'a [f64],
    stride: usize,
    len: usize,
}

impl<'a> Columns<'a> {
    /// `len` samples of `data.len() / stride` values each, column-major with `stride`.
    ///
    /// # Panics
    /// If `len > stride`.
    pub fn new(data: &'a [f64], stride: usize, len: usize) -> Self {
        assert!(len <= stride, "a column holds at most `stride` samples");
        Columns { data, stride, len }
    }

    /// A single sample stored contiguously: one value per column.
    pub fn single(data: &'a [f64]) -> Self {
        Columns {
            data,
            stride: 1,
            len: 1,
        }
    }

    /// Number of samples.
    #[inline]
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the block holds no sample.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The values of column `i`, one per sample.
    #[inline]
    pub fn col(&self, i: usize) -> &'a [f64] {
        &self.data[i * self.stride..][..self.len]
    }
}

/// The writable counterpart of [`Columns`]: a block of samples' outputs.
#[derive(Debug)]
pub struct ColumnsMut<'a> {
    data: &'a mut [f64],
    stride: usize,
    len: usize,
}

impl<'a> ColumnsMut<'a> {
    /// `len` samples, column-major with `stride`.
    ///
    /// # Panics
    /// If `len > stride`.
    pub fn new(data: &'a mut [f64], stride: usize, len: usize) -> Self {
        assert!(len <= stride, "a column holds at most `stride` samples");
        ColumnsMut { data, stride, len }
    }

    /// A single sample stored contiguously: one value per column.
    pub fn single(data: &'a mut [f64]) -> Self {
        ColumnsMut {
            data,
            stride: 1,
            len: 1,
        }
    }

    /// Number of samples.
    #[inline]
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the block holds no sample.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Column `k`, writable.
    #[inline]
    pub fn col_mut(&mut self, k: usize) -> &mut [f64] {
        &mut self.data[k * self.stride..][..self.len]
    }

    /// Several distinct columns at once, all writable.
    ///
    /// # Panics
    /// If two of `ks` are equal or one is out of range (a bug in the model, not bad input).
    #[inline]
    pub fn cols_mut<const K: usize>(&mut self, ks: [usize; K]) -> [&mut [f64]; K] {
        let (stride, len) = (self.stride, self.len);
        self.data
            .get_disjoint_mut(ks.map(|k| k * stride..k * stride + len))
            .expect("distinct output columns")
    }
}

/// A model evaluated on blocks of samples.
pub trait Model: Sync {
    /// The uncertain inputs, in the order `evaluate` reads them; `allow_negative` per input.
    fn inputs(&self) -> Vec<(Distribution, bool)>;
    /// How many independent draws of each input every sample gets (one per person of a staff
    /// group, say): input `i` fills `copies[i]` consecutive columns, all from its own random
    /// stream, so `evaluate` reads input `i`'s draws at columns `offset(i) .. offset(i) +
    /// copies[i]` with `offset(i)` the sum of the copies before it. Default: one each.
    fn copies(&self) -> Vec<usize> {
        vec![1; self.inputs().len()]
    }
    /// Inputs drawn once per run and shared by every sample (each copy its own draw): a
    /// quantity that is uncertain but the same in every sample of one run, as Epoch AI's
    /// development-cost study draws each contributor's equity. Default: none.
    fn drawn_once(&self) -> Vec<bool> {
        vec![false; self.inputs().len()]
    }
    /// The key of each input's random streams: an input with the same key draws the same
    /// values, whatever other inputs the model has, so adding or removing an unrelated input
    /// moves no other figure. Keys must be distinct. Default: the input's position (then adding
    /// an input before another changes the other's draws); traincost-core's `CostModel` keys
    /// by input name.
    fn stream_keys(&self) -> Vec<u64> {
        (0..self.inputs().len() as u64).collect()
    }
    /// How many values `evaluate` writes per sample.
    fn output_count(&self) -> usize;
    /// Computes every output of every sample of the block from its inputs. Each sample's
    /// outputs depend on that sample's inputs alone.
    fn evaluate(&self, inputs: &Columns<'_>, outputs: &mut ColumnsMut<'_>);
}

/// How to run a simulation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunConfig {
    /// Number of samples.
    pub samples: u64,
    /// Random seed.
    pub seed: u64,
    /// Worker threads (`None`: all available cores). Does not change the result.
    pub threads: Option<NonZeroUsize>,
    /// Extra percentiles to report, in (0, 100).
    pub percentiles: Vec<f64>,
}

impl Default for RunConfig {
    fn default() -> Self {
        RunConfig {
            samples: 100_000,
            seed: 42,
            threads: None,
            percentiles: Vec::new(),
        }
    }
}

/// Summary statistics of one output.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// Mean.
    pub mean: f64,
    /// Standard deviation (population).
    pub sd: f64,
    /// 5th percentile.
    pub p5: f64,
    /// Median.
    pub p50: f64,
    /// 95th percentile.
    pub p95: f64,
    /// Smallest sample.
    pub min: f64,
    /// Largest sample.
    pub max: f64,
    /// Requested extra percentiles as `(percent, value)`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub percentiles: Vec<(f64, f64)>,
    /// Samples in which the output was not a finite number (NaN or infinite): left out of
    /// the percentiles, and an error for whoever reports them ([`Summary::check_finite`]).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub non_finite: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// An output that was not a finite number in some samples: the model overflowed (a value
/// beyond 1.8e308), divided by zero or subtracted infinities, so no summary of it is
/// meaningful.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.describe())]
pub struct NonFiniteOutput {
    /// The output's id.
    pub output: String,
    /// Samples in which it was not finite (0: every sample was, but their mean or standard
    /// deviation overflowed).
    pub count: u64,
    /// Samples drawn.
    pub samples: u64,
    /// True if the point estimate (every input at its median) is the value not finite.
    pub central: bool,
}

impl NonFiniteOutput {
    fn describe(&self) -> String {
        let NonFiniteOutput {
            output,
            count,
            samples,
            central,
        } = self;
        if *central {
            format!(
                "output `{output}` is not a finite number (NaN or infinite) with every input at \
                 its median"
            )
        } else if *count > 0 {
            format!(
                "output `{output}` is not a finite number (NaN or infinite) in {count} of \
                 {samples} samples"
            )
        } else {
            format!(
                "output `{output}` is too large to summarize: its mean or standard deviation \
                 over {samples} samples overflows"
            )
        }
    }
}

impl Summary {
    /// An error naming `output` if any sample of it was not finite, or its mean or standard
    /// deviation is not.
    pub fn check_finite(&self, output: &str, samples: u64) -> Result<(), NonFiniteOutput> {
        if self.non_finite == 0 && self.mean.is_finite() && self.sd.is_finite() {
            return Ok(());
        }
        Err(NonFiniteOutput {
            output: output.to_owned(),
            count: self.non_finite,
            samples,
            central: false,
        })
    }
}

/// Running count, mean and sum of squared deviations (Welford / Chan et al.).
#[derive(Debug, Clone, Copy, Default)]
struct Moments {
    n: f64,
    mean: f64,
    m2: f64,
}

impl Moments {
    /// Moments of a column of `n` values from its [`scan`]: sums of deviations from the
    /// first value (a shift inside the data keeps the subtraction well conditioned).
    /// `constant` (known from the sketch) makes constant columns exact.
    fn of(n: usize, scan: &Scan, constant: bool) -> Moments {
        if n == 0 {
            return Moments::default();
        }
        let n = n as f64;
        if constant {
            // Exact for constant outputs: a point-input model reproduces its central value.
            return Moments {
                n,
                mean: scan.shift,
                m2: 0.0,
            };
        }
        Moments {
            n,
            mean: scan.shift + scan.s1 / n,
            m2: (scan.s2 - scan.s1 * scan.s1 / n).max(0.0),
        }
    }

    fn merge(&mut self, o: &Moments) {
        if o.n == 0.0 {
            return;
        }
        if self.n == 0.0 {
            *self = *o;
            return;
        }
        let n = self.n + o.n;
        let d = o.mean - self.mean;
        self.mean += d * o.n / n;
        self.m2 += o.m2 + d * d * self.n * o.n / n;
        self.n = n;
    }
}

/// What the run did, for benchmarks and logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunStats {
    /// Worker threads used.
    pub threads: usize,
    /// Bytes held by the percentile sketches at the end.
    pub sketch_bytes: usize,
}

/// Per-thread state kept for the whole run.
struct Worker {
    columns: Vec<f64>,
    out_columns: Vec<f64>,
    sketches: Vec<QuantileSketch>,
    finished: Vec<(u64, Vec<Moments>)>,
}

fn stream_seed(seed: u64, chunk: u64) -> u64 {
    // SplitMix64 finalizer over the pair: decorrelates neighbouring seeds and chunks.
    let mut z = seed ^ chunk.wrapping_add(1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Mixed into the seed of inputs drawn once per run, so their stream is not chunk 0's.
const ONCE_KEY: u64 = 0x6F6E_6365_5F70_6572;

/// Why a run could not be done.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// The system refused a worker thread (a limit on threads or memory).
    #[error(
        "cannot start Monte Carlo worker thread {index} of {threads}: {source}; run with fewer --threads"
    )]
    Thread {
        /// Which worker, 1-based.
        index: usize,
        /// Workers asked for.
        threads: usize,
        /// The system's error.
        source: std::io::Error,
    },
}

/// Runs `model` and summarizes every output. `progress` is called with the number of samples
/// done after each round of work, from the calling thread. Fails only if a worker thread
/// cannot be started.
pub fn run(
    model: &dyn Model,
    config: &RunConfig,
    progress: &mut dyn FnMut(u64),
) -> Result<(Vec<Summary>, RunStats), RunError> {
    let inputs = model.inputs();
    let samplers: Vec<Sampler> = inputs
        .iter()
        .map(|(d, neg)| Sampler::new(d, *neg))
        .collect();
    let copies = model.copies();
    debug_assert_eq!(copies.len(), samplers.len());
    // First column of each input.
    let first: Vec<usize> = copies
        .iter()
        .scan(0, |next, &c| {
            let at = *next;
            *next += c;
            Some(at)
        })
        .collect();
    let n_in: usize = copies.iter().sum();
    let n_out = model.output_count();
    let total_chunks = config.samples.div_ceil(CHUNK as u64);
    let threads = config
        .threads
        .map(NonZeroUsize::get)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, NonZeroUsize::get))
        .clamp(1, total_chunks.max(1) as usize);

    // Constant inputs, and inputs drawn once per run, are written once per worker, not once
    // per chunk. A once-per-run input's stream is keyed by the seed and the input alone.
    let once = model.drawn_once();
    let keys = model.stream_keys();
    debug_assert_eq!(keys.len(), samplers.len());
    let mut columns = vec![0.0; n_in * CHUNK];
    for (i, s) in samplers.iter().enumerate() {
        if let Some(v) = s.constant() {
            columns[first[i] * CHUNK..(first[i] + copies[i]) * CHUNK].fill(v);
        } else if once[i] {
            let mut rng = WideRng::seed_from_u64(stream_seed(config.seed ^ ONCE_KEY, keys[i]));
            let mut values = vec![0.0; copies[i]];
            s.fill(&mut rng, &mut values);
            for (c, v) in (first[i]..).zip(values) {
                columns[c * CHUNK..(c + 1) * CHUNK].fill(v);
            }
        }
    }
    let mut workers: Vec<Worker> = (0..threads)
        .map(|_| Worker {
            columns: columns.clone(),
            out_columns: vec![0.0; n_out * CHUNK],
            sketches: vec![QuantileSketch::new(); n_out],
            finished: Vec::new(),
        })
        .collect();
    let mut moments = vec![Moments::default(); n_out];

    let run_chunk = |w: &mut Worker, chunk: u64| {
        let start = chunk * CHUNK as u64;
        let len = (config.samples - start).min(CHUNK as u64) as usize;
        let chunk_seed = stream_seed(config.seed, chunk);
        for (i, s) in samplers.iter().enumerate() {
            if s.constant().is_some() || once[i] {
                continue;
            }
            // One stream per (chunk, input): fixing or adding an input leaves every other
            // input's draws unchanged (common random numbers for sensitivity analysis). An
            // input drawn several times per sample draws its copies one after the other.
            let mut rng = WideRng::seed_from_u64(stream_seed(chunk_seed, keys[i]));
            for c in first[i]..first[i] + copies[i] {
                s.fill(&mut rng, &mut w.columns[c * CHUNK..c * CHUNK + len]);
            }
        }
        model.evaluate(
            &Columns::new(&w.columns, CHUNK, len),
            &mut ColumnsMut::new(&mut w.out_columns, CHUNK, len),
        );
        // Summarize column by column: vectorizable sums, one sketch update per constant column.
        let m = (0..n_out)
            .map(|k| {
                let col = &w.out_columns[k * CHUNK..k * CHUNK + len];
                let scan = scan(col);
                let constant = w.sketches[k].insert_scanned(col, &scan);
                Moments::of(len, &scan, constant)
            })
            .collect();
        w.finished.push((chunk, m));
    };

    let mut round_start = 0u64;
    while round_start < total_chunks {
        let round_end = (round_start + CHUNKS_PER_ROUND * threads as u64).min(total_chunks);
        let next = AtomicU64::new(round_start);
        if threads == 1 {
            for c in round_start..round_end {
                run_chunk(&mut workers[0], c);
            }
        } else {
            // Threads that did start finish the round (they share its chunks) before the
            // scope ends; a thread that cannot start makes the run an error, not a panic.
            std::thread::scope(|s| {
                for (k, w) in workers.iter_mut().enumerate() {
                    let (next, run_chunk) = (&next, &run_chunk);
                    std::thread::Builder::new()
                        .spawn_scoped(s, move || {
                            loop {
                                let c = next.fetch_add(1, Ordering::Relaxed);
                                if c >= round_end {
                                    break;
                                }
                                run_chunk(w, c);
                            }
                        })
                        .map_err(|source| RunError::Thread {
                            index: k + 1,
                            threads,
                            source,
                        })?;
                }
                Ok::<(), RunError>(())
            })?;
        }
        // Merge this round's chunk moments in chunk order: deterministic floating point.
        let mut done: Vec<(u64, Vec<Moments>)> = workers
            .iter_mut()
            .flat_map(|w| w.finished.drain(..))
            .collect();
        done.sort_unstable_by_key(|(c, _)| *c);
        for (_, m) in &done {
            for (acc, x) in moments.iter_mut().zip(m) {
                acc.merge(x);
            }
        }
        round_start = round_end;
        progress((round_end * CHUNK as u64).min(config.samples));
    }

    let mut sketches = std::mem::take(&mut workers[0].sketches);
    for w in &workers[1..] {
        for (acc, s) in sketches.iter_mut().zip(&w.sketches) {
            acc.merge(s);
        }
    }
    let sketch_bytes = workers
        .iter()
        .flat_map(|w| &w.sketches)
        .chain(&sketches)
        .map(QuantileSketch::memory_bytes)
        .sum();
    let summaries = moments
        .iter()
        .zip(&sketches)
        .map(|(m, s)| Summary {
            mean: m.mean,
            sd: if m.n > 0.0 {
                (m.m2 / m.n).max(0.0).sqrt()
            } else {
                f64::NAN
            },
            p5: s.quantile(0.05),
            p50: s.quantile(0.5),
            p95: s.quantile(0.95),
            min: s.min(),
            max: s.max(),
            percentiles: config
                .percentiles
                .iter()
                .map(|&p| (p, s.quantile(p / 100.0)))
                .collect(),
            non_finite: s.non_finite(),
        })
        .collect();
    Ok((
        summaries,
        RunStats {
            threads,
            sketch_bytes,
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dist::sorted_quantile;

    /// [`super::run`], whose threads always start here.
    fn run(m: &dyn Model, c: &RunConfig, p: &mut dyn FnMut(u64)) -> (Vec<Summary>, RunStats) {
        super::run(m, c, p).expect("worker threads start")
    }

    /// y0 = a * b, y1 = a + b.
    struct Toy(Vec<(Distribution, bool)>);

    impl Model for Toy {
        fn inputs(&self) -> Vec<(Distribution, bool)> {
            self.0.clone()
        }
        fn output_count(&self) -> usize {
            2
        }
        fn evaluate(&self, x: &Columns<'_>, y: &mut ColumnsMut<'_>) {
            let (a, b) = (x.col(0), x.col(1));
            let [prod, sum] = y.cols_mut([0, 1]);
            for j in 0..x.len() {
                prod[j] = a[j] * b[j];
                sum[j] = a[j] + b[j];
            }
        }
    }

    fn toy() -> Toy {
        Toy(vec![
            (Distribution::Lognormal { p5: 1.0, p95: 10.0 }, false),
            (
                Distribution::Uniform {
                    low: 2.0,
                    high: 3.0,
                },
                false,
            ),
        ])
    }

    fn cfg(samples: u64, threads: usize) -> RunConfig {
        RunConfig {
            samples,
            seed: 9,
            threads: NonZeroUsize::new(threads),
            percentiles: vec![99.0],
        }
    }

    #[test]
    fn same_seed_same_result_whatever_the_threads() {
        let m = toy();
        let (a, _) = run(&m, &cfg(300_001, 1), &mut |_| {});
        let (b, _) = run(&m, &cfg(300_001, 2), &mut |_| {});
        let (c, _) = run(&m, &cfg(300_001, 3), &mut |_| {});
        assert_eq!(a, b);
        assert_eq!(a, c);
        let (d, _) = run(
            &m,
            &RunConfig {
                seed: 10,
                ..cfg(300_001, 2)
            },
            &mut |_| {},
        );
        assert_ne!(a, d);
    }

    #[test]
    fn percentiles_match_exact_order_statistics() {
        // Regenerate the same streams by hand and compare with exact numpy-style quantiles.
        let m = toy();
        let n = 50_000u64;
        let (s, _) = run(&m, &cfg(n, 2), &mut |_| {});
        let samplers: Vec<Sampler> = m.0.iter().map(|(d, neg)| Sampler::new(d, *neg)).collect();
        let mut ys = Vec::new();
        for chunk in 0..n.div_ceil(CHUNK as u64) {
            let len = (n - chunk * CHUNK as u64).min(CHUNK as u64) as usize;
            let mut cols = vec![vec![0.0; len]; 2];
            for (i, smp) in samplers.iter().enumerate() {
                let mut rng = WideRng::seed_from_u64(stream_seed(stream_seed(9, chunk), i as u64));
                smp.fill(&mut rng, &mut cols[i]);
            }
            ys.extend((0..len).map(|j| cols[0][j] * cols[1][j]));
        }
        let mean = ys.iter().sum::<f64>() / n as f64;
        ys.sort_by(f64::total_cmp);
        assert!((s[0].mean - mean).abs() / mean < 1e-12);
        for (q, est) in [
            (0.05, s[0].p5),
            (0.5, s[0].p50),
            (0.95, s[0].p95),
            (0.99, s[0].percentiles[0].1),
        ] {
            let exact = sorted_quantile(&ys, q);
            assert!(
                ((est - exact) / exact).abs() < 0.001,
                "q={q}: {est} vs {exact}"
            );
        }
        assert_eq!(s[0].min, ys[0]);
        assert_eq!(s[0].max, ys[ys.len() - 1]);
    }

    #[test]
    fn progress_reaches_the_sample_count() {
        let mut last = 0;
        run(&toy(), &cfg(1_000_000, 2), &mut |done| {
            assert!(done > last);
            last = done;
        });
        assert_eq!(last, 1_000_000);
    }

    /// A model whose output is infinite or NaN in some samples: the summary counts them
    /// rather than summarizing them silently, and `check_finite` names the output.
    #[test]
    fn non_finite_outputs_are_counted_and_refused() {
        // a (lognormal, 90% in [1, 10]) times b (in [2, 3]) times 1e616 always overflows.
        struct Overflow;
        impl Model for Overflow {
            fn inputs(&self) -> Vec<(Distribution, bool)> {
                toy().0
            }
            fn output_count(&self) -> usize {
                2
            }
            fn evaluate(&self, x: &Columns<'_>, y: &mut ColumnsMut<'_>) {
                let (a, b) = (x.col(0), x.col(1));
                let [big, nan] = y.cols_mut([0, 1]);
                for j in 0..x.len() {
                    big[j] = a[j] * b[j] * 1e308 * 1e308;
                    nan[j] = if a[j] > 5.0 { big[j] - big[j] } else { a[j] };
                }
            }
        }
        let n = 5_000;
        let (s, _) = run(&Overflow, &cfg(n, 2), &mut |_| {});
        assert_eq!(s[0].non_finite, n, "every sample overflows");
        let e = s[0].check_finite("big", n).unwrap_err();
        assert_eq!(
            e.to_string(),
            "output `big` is not a finite number (NaN or infinite) in 5000 of 5000 samples"
        );
        assert!(
            s[1].non_finite > 0 && s[1].non_finite < n,
            "{}",
            s[1].non_finite
        );
        assert!(s[1].check_finite("some-nan", n).is_err());
        let (ok, _) = run(&toy(), &cfg(n, 2), &mut |_| {});
        assert!(
            ok.iter()
                .all(|s| s.non_finite == 0 && s.check_finite("x", n).is_ok())
        );
    }

    #[test]
    fn point_inputs_give_exact_summaries() {
        let m = Toy(vec![
            (Distribution::Point(3.0), false),
            (Distribution::Point(0.1), false),
        ]);
        let (s, _) = run(&m, &cfg(10_000, 2), &mut |_| {});
        for q in [s[0].p5, s[0].p50, s[0].p95, s[0].mean, s[0].min, s[0].max] {
            assert_eq!(q, 3.0 * 0.1);
        }
        assert_eq!(s[0].sd, 0.0);
    }
}
