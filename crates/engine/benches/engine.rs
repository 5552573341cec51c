//! The engine's micro-benchmarks: each sampler filling a chunk, the sketch counting a column,
//! and whole runs of a synthetic model shaped like `deepseek-v3` (13 lognormal, 2 PERT,
//! 4 uniform and 1 normal inputs; 21 outputs). Figures, not assertions: best of many
//! repetitions, in nanoseconds per value or seconds per run.
//!
//! `cargo bench -p traincost-engine` (add `-- --quick` for fewer repetitions)
//!
//! A kernel that wins alone can lose end to end (docs/PERFORMANCE.md): confirm a change with
//! `cargo xtask bench-ab`.

use std::hint::black_box;
use std::num::NonZeroUsize;
use std::time::Instant;

use traincost_engine::dist::Sampler;
use traincost_engine::montecarlo::CHUNK;
use traincost_engine::rng::WideRng;
use traincost_engine::sketch::QuantileSketch;
use traincost_engine::{Columns, ColumnsMut, Distribution, Model, RunConfig, run};

/// Best time of `reps` runs of `f`, in seconds.
fn best_of(reps: usize, mut f: impl FnMut()) -> f64 {
    (0..reps)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64()
        })
        .fold(f64::INFINITY, f64::min)
}

/// Twenty inputs and twenty-one outputs: sums and products of the inputs, as a cost stack's.
struct Synthetic(Vec<(Distribution, bool)>);

impl Synthetic {
    fn new() -> Self {
        let mut inputs = Vec::new();
        for k in 0..13 {
            let p5 = 1.0 + k as f64;
            inputs.push((Distribution::Lognormal { p5, p95: 3.0 * p5 }, false));
        }
        for _ in 0..2 {
            let (min, mode, max) = (0.1, 0.3, 0.65);
            inputs.push((Distribution::Pert { min, mode, max }, false));
        }
        for k in 0..4 {
            let low = 1.0 + k as f64;
            inputs.push((
                Distribution::Uniform {
                    low,
                    high: 2.0 * low,
                },
                false,
            ));
        }
        inputs.push((
            Distribution::Normal {
                mean: 100.0,
                sd: 5.0,
            },
            false,
        ));
        Synthetic(inputs)
    }
}

impl Model for Synthetic {
    fn inputs(&self) -> Vec<(Distribution, bool)> {
        self.0.clone()
    }
    fn output_count(&self) -> usize {
        21
    }
    fn evaluate(&self, x: &Columns<'_>, y: &mut ColumnsMut<'_>) {
        traincost_engine::math::with_simd(
            #[inline(always)]
            || {
                for k in 0..20 {
                    let (a, b) = (x.col(k), x.col((k + 1) % 20));
                    for ((o, a), b) in y.col_mut(k).iter_mut().zip(a).zip(b) {
                        *o = a * b;
                    }
                }
                let [total, first] = y.cols_mut([20, 0]);
                total.copy_from_slice(first);
                for k in 1..20 {
                    let [total, col] = y.cols_mut([20, k]);
                    for (t, c) in total.iter_mut().zip(col.iter()) {
                        *t += c;
                    }
                }
            },
        );
    }
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let reps = if quick { 200 } else { 2_000 };
    let threads = std::thread::available_parallelism().map_or(1, NonZeroUsize::get);
    println!("traincost-engine benchmarks: best of {reps} repetitions, {threads} hardware threads");

    println!("\n| sampler ({CHUNK} values) | ns per value |");
    println!("|---|---:|");
    let cases = [
        (
            "uniform",
            Distribution::Uniform {
                low: 1.0,
                high: 2.0,
            },
        ),
        (
            "normal",
            Distribution::Normal {
                mean: 100.0,
                sd: 5.0,
            },
        ),
        ("lognormal", Distribution::Lognormal { p5: 1.2, p95: 4.0 }),
        (
            "triangular",
            Distribution::Triangular {
                min: 1.0,
                mode: 2.0,
                max: 5.0,
            },
        ),
        (
            "pert",
            Distribution::Pert {
                min: 0.1,
                mode: 0.3,
                max: 0.65,
            },
        ),
        (
            "samples",
            Distribution::samples((1..=1000).map(f64::from).collect()),
        ),
    ];
    let mut rng = WideRng::seed_from_u64(1);
    let mut buf = vec![0.0; CHUNK];
    for (name, d) in cases {
        let s = Sampler::new(&d, false);
        let t = best_of(reps, || s.fill(&mut rng, black_box(&mut buf)));
        println!("| {name} | {:.2} |", t / CHUNK as f64 * 1e9);
    }

    println!("\n| sketch ({CHUNK} values) | ns per value |");
    println!("|---|---:|");
    let mut column = vec![0.0; CHUNK];
    Sampler::new(&Distribution::Lognormal { p5: 1e6, p95: 1e8 }, false).fill(&mut rng, &mut column);
    let mut sketch = QuantileSketch::new();
    let t = best_of(reps, || {
        black_box(sketch.insert_slice(black_box(&column)));
    });
    println!(
        "| scan and count a lognormal column | {:.2} |",
        t / CHUNK as f64 * 1e9
    );
    let constant = vec![42.0; CHUNK];
    let t = best_of(reps, || {
        black_box(sketch.insert_slice(black_box(&constant)));
    });
    println!(
        "| scan and count a constant column | {:.2} |",
        t / CHUNK as f64 * 1e9
    );

    let samples: u64 = if quick { 200_000 } else { 1_000_000 };
    let runs = if quick { 3 } else { 7 };
    println!("\n| run, synthetic 20-input model, {samples} samples | best s | ns per sample |");
    println!("|---|---:|---:|");
    let model = Synthetic::new();
    for t in [1, threads] {
        let config = RunConfig {
            samples,
            seed: 42,
            threads: NonZeroUsize::new(t),
            percentiles: Vec::new(),
        };
        let best = best_of(runs, || {
            black_box(run(&model, &config, &mut |_| {}).expect("worker threads start"));
        });
        println!(
            "| {t} thread{} | {best:.3} | {:.1} |",
            if t == 1 { "" } else { "s" },
            best / samples as f64 * 1e9
        );
        if threads == 1 {
            break;
        }
    }
}
