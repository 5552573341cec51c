//! The raw rate the Monte Carlo engine is compared with: lognormal variates drawn in a plain,
//! single-threaded loop with the engine's generator and sampler (vectorized Box-Muller and exp),
//! summed so nothing is optimized away. Best of three passes.
//!
//! `cargo run --release -p traincost-engine --example raw_lognormal -- 10000000`

use std::time::Instant;

use traincost_engine::dist::{Distribution, Sampler};
use traincost_engine::rng::WideRng;

fn main() {
    let n: u64 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse::<f64>().ok())
        .map_or(10_000_000, |x| x as u64);
    let sampler = Sampler::new(&Distribution::Lognormal { p5: 1.2, p95: 4.0 }, false);
    let mut rng = WideRng::seed_from_u64(1);
    let mut buf = vec![0.0; 4096];
    let (mut best, mut sum) = (f64::INFINITY, 0.0);
    for _ in 0..3 {
        let t = Instant::now();
        sum = 0.0;
        let mut left = n;
        while left > 0 {
            let k = left.min(buf.len() as u64) as usize;
            sampler.fill(&mut rng, &mut buf[..k]);
            sum += buf[..k].iter().sum::<f64>();
            left -= k as u64;
        }
        best = best.min(t.elapsed().as_secs_f64());
    }
    println!(
        "n={n} seconds={best:.3} variates/s={:.4e} mean={:.4}",
        n as f64 / best,
        sum / n as f64
    );
}
