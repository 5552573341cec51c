//! A scenario's cost stack beside every sourced claim about each scope: DeepSeek-V3's $5.576M
//! is its final run at rental prices; the other claims describe other layers.
//!
//! `cargo run -p traincost-analysis --example reconcile`

use traincost_analysis::{CompiledScenario, EstimateReport, reconcile};
use traincost_claims::ClaimSet;
use traincost_core::montecarlo::RunConfig;
use traincost_core::scenario::Scenario;

fn main() {
    let scenario = Scenario::builtin("deepseek-v3").expect("a built-in scenario");
    let compiled = CompiledScenario::new(scenario, None).expect("it compiles");
    let config = RunConfig {
        samples: 20_000,
        ..RunConfig::default()
    };
    let (estimate, _run) = compiled
        .estimate(&config, &mut |_| {})
        .expect("every figure is finite");
    let claims = ClaimSet::builtin();
    let report = EstimateReport::new(&compiled, estimate, claims);
    let rec = reconcile(&compiled.scenario.file, &report, claims);
    for layer in &rec.layers {
        println!(
            "{} ({}): median {:.3e}, 90% {:.3e} to {:.3e}",
            layer.id, layer.unit, layer.p50, layer.p5, layer.p95
        );
        for c in &layer.claims {
            println!("    {} {}: {}", c.display, c.claimant, c.short_verdict());
        }
    }
}
