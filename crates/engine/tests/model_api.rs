//! The `Model` trait's contract, through the public API only: stream keys, copies, inputs
//! drawn once per run, and a seed's result whatever the thread count.

use std::num::NonZeroUsize;

use traincost_engine::{Columns, ColumnsMut, Distribution, Model, RunConfig, Summary, run};

/// Copies each input column `k` to output `k`, with the given keys, copies and once-flags.
struct Echo {
    inputs: Vec<Distribution>,
    keys: Vec<u64>,
    copies: Vec<usize>,
    once: Vec<bool>,
}

impl Echo {
    fn keyed(inputs: Vec<(Distribution, u64)>) -> Echo {
        let n = inputs.len();
        Echo {
            keys: inputs.iter().map(|(_, k)| *k).collect(),
            inputs: inputs.into_iter().map(|(d, _)| d).collect(),
            copies: vec![1; n],
            once: vec![false; n],
        }
    }
}

impl Model for Echo {
    fn inputs(&self) -> Vec<(Distribution, bool)> {
        self.inputs.iter().map(|d| (d.clone(), false)).collect()
    }
    fn copies(&self) -> Vec<usize> {
        self.copies.clone()
    }
    fn drawn_once(&self) -> Vec<bool> {
        self.once.clone()
    }
    fn stream_keys(&self) -> Vec<u64> {
        self.keys.clone()
    }
    fn output_count(&self) -> usize {
        self.copies.iter().sum()
    }
    fn evaluate(&self, x: &Columns<'_>, y: &mut ColumnsMut<'_>) {
        for k in 0..self.output_count() {
            y.col_mut(k).copy_from_slice(x.col(k));
        }
    }
}

fn summaries(m: &dyn Model, samples: u64, threads: usize) -> Vec<Summary> {
    let config = RunConfig {
        samples,
        seed: 2024,
        threads: NonZeroUsize::new(threads),
        percentiles: vec![1.0, 99.0],
    };
    run(m, &config, &mut |_| {})
        .expect("worker threads start")
        .0
}

fn lognormal(p5: f64) -> Distribution {
    Distribution::Lognormal { p5, p95: 4.0 * p5 }
}

/// An input keeps its draws, bit for bit, when another input is added before it: its streams
/// are keyed by its key, not its position.
#[test]
fn an_input_keeps_its_draws_when_others_are_added() {
    let alone = Echo::keyed(vec![(lognormal(1.0), 7)]);
    let with_another = Echo::keyed(vec![(lognormal(5.0), 3), (lognormal(1.0), 7)]);
    let a = summaries(&alone, 20_000, 2);
    let b = summaries(&with_another, 20_000, 2);
    assert_eq!(a[0], b[1]);
    // A different key draws different values from the same distribution.
    let rekeyed = Echo::keyed(vec![(lognormal(1.0), 8)]);
    assert_ne!(a[0], summaries(&rekeyed, 20_000, 2)[0]);
}

/// An input with copies fills one column per copy, each with its own draws; drawn once per
/// run, each copy is one value shared by every sample.
#[test]
fn copies_and_inputs_drawn_once() {
    let mut m = Echo::keyed(vec![(lognormal(1.0), 1), (lognormal(1.0), 2)]);
    m.copies = vec![3, 2];
    m.once = vec![false, true];
    let s = summaries(&m, 10_000, 2);
    assert_eq!(s.len(), 5);
    for copy in &s[..3] {
        assert!(copy.sd > 0.0 && copy.min < copy.max);
    }
    assert!(
        s[0] != s[1] && s[1] != s[2],
        "each copy draws its own values"
    );
    for copy in &s[3..] {
        assert_eq!((copy.sd, copy.min), (0.0, copy.max), "one value per run");
        assert!(copy.min > 0.0);
    }
    assert_ne!(
        s[3].min, s[4].min,
        "each copy of a once-per-run input is its own draw"
    );
}

/// Same seed, same bits, for 1 to 4 threads and a sample count that ends mid-chunk.
#[test]
fn thread_count_changes_nothing() {
    let mut m = Echo::keyed(vec![
        (lognormal(2.0), 11),
        (
            Distribution::Pert {
                min: 1.0,
                mode: 2.0,
                max: 5.0,
            },
            12,
        ),
        (
            Distribution::Normal {
                mean: 50.0,
                sd: 5.0,
            },
            13,
        ),
        (Distribution::samples(vec![1.0, 2.0, 3.0, 10.0]), 14),
    ]);
    m.copies = vec![1, 2, 1, 1];
    let one = summaries(&m, 123_457, 1);
    for threads in 2..=4 {
        assert_eq!(one, summaries(&m, 123_457, threads), "{threads} threads");
    }
}
