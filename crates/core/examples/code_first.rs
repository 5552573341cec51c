//! A cost stack built in code, no scenario file: DeepSeek-V3's final run as DeepSeek costed it,
//! Epoch AI's ownership method with its defaults, Epoch's experiment factor and a staff group.
//!
//! `cargo run -p traincost-core --example code_first`

use traincost_core::dist::Distribution;
use traincost_core::hardware;
use traincost_core::montecarlo::RunConfig;
use traincost_core::stack::{
    CostModel, DevelopmentSpec, EpochDefaults, LayerId, OwnershipSpec, Quantity, StackSpec,
    StaffGroup, StaffSpec, StageSpec, TotalId, UncertaintyMode,
};
use traincost_core::units::DollarDate;

fn main() {
    let assumed = Quantity::assumed;
    // The final run: 2.788M H800-hours (DeepSeek-V3 report, table 1) at DeepSeek's $2.
    let run = StageSpec::gpu_hours(
        "pre-training and post-training",
        Quantity::claimed(
            Distribution::Point(2_788_000.0),
            "deepseek-v3-total-gpu-hours",
        ),
        Quantity::claimed(
            Distribution::Point(2.0),
            "deepseek-v3-assumed-h800-rental-price",
        ),
    );
    // Epoch AI's ownership method: its defaults for an H800 at a 2024 publication, the
    // chip's TDP from the built-in accelerator table.
    let h800 = hardware::gpu("H800").expect("a built-in accelerator");
    let defaults = EpochDefaults::new(h800.dataset_name, "DeepSeek", 2024, UncertaintyMode::Epoch);
    let ownership = OwnershipSpec::epoch(
        assumed(
            Distribution::Lognormal {
                p5: 20_000.0,
                p95: 40_000.0,
            },
            "an H800 with its server share, $20K-$40K",
        ),
        assumed(
            Distribution::Point(0.5),
            "half a year from purchase to training",
        ),
        assumed(Distribution::Point(h800.tdp.0), "the H800's TDP"),
        &defaults,
    )
    .expect("Epoch AI's table has 2024's electricity price");
    let spec = StackSpec::new("my-deepseek-v3", DollarDate::year(2024), vec![run])
        .with_ownership(ownership)
        .with_development(DevelopmentSpec::factor(assumed(
            Distribution::Lognormal { p5: 1.2, p95: 4.0 },
            "Epoch AI's experiment factor, the final run included",
        )))
        .with_staff(StaffSpec::new(
            assumed(
                Distribution::Uniform {
                    low: 1.0,
                    high: 2.0,
                },
                "1-2 years",
            ),
            vec![StaffGroup::new(
                "research and engineering",
                assumed(Distribution::Point(150.0), "the paper's core authors"),
                assumed(
                    Distribution::Lognormal {
                        p5: 60_000.0,
                        p95: 300_000.0,
                    },
                    "pay per person per year, loaded",
                ),
                assumed(
                    Distribution::Uniform {
                        low: 0.3,
                        high: 1.0,
                    },
                    "share of time",
                ),
            )],
        ));

    let model = CostModel::new(&spec).expect("a valid stack");
    let estimate = model
        .estimate(&RunConfig {
            samples: 20_000,
            ..RunConfig::default()
        })
        .expect("every figure is finite");
    let show = |name: &str, f: &traincost_core::estimate::Figure| {
        println!(
            "{name:<45} median ${:>7.2}M   90% ${:.2}M to ${:.2}M",
            f.p50 / 1e6,
            f.p5 / 1e6,
            f.p95 / 1e6
        );
    };
    for id in [
        LayerId::FinalRun(traincost_core::stack::Basis::Rental),
        LayerId::FinalRun(traincost_core::stack::Basis::Ownership),
        LayerId::Staff,
    ] {
        show(id.as_str(), estimate.layer(id).expect("modelled"));
    }
    let total = TotalId::ModelDevelopment(traincost_core::stack::Basis::Ownership);
    show(total.as_str(), estimate.total(total).expect("modelled"));
    // The rental final run is DeepSeek's $5.576M exactly.
    let rental = estimate
        .layer(LayerId::FinalRun(traincost_core::stack::Basis::Rental))
        .unwrap();
    assert_eq!(rental.central, 5_576_000.0);
}
