//! The same model from a scenario file and from code gives the same estimate, figure for figure.
//!
//! `cargo run -p traincost-core --example toml_and_code`

use traincost_core::dist::Distribution;
use traincost_core::montecarlo::RunConfig;
use traincost_core::scenario::Scenario;
use traincost_core::stack::{Basis, CostModel, DevelopmentSpec, Quantity, StackSpec, StageSpec};
use traincost_core::units::DollarDate;

const SCENARIO: &str = r#"
name = "small-run"
dollars = "2024"
report_dollars = "2024"
rental_price = { lognormal = [1.5, 3.0], unit = "USD/GPU-hour", assumption = "an H100-hour, 2024" }

[[stages]]
name = "pre-training"
gpus = { value = 2048, unit = "GPUs", assumption = "the cluster" }
hours = { value = 30, unit = "days", assumption = "a month" }

[development]
basis = "rental"
multiplier = { uniform = [1.0, 3.0], unit = "x", assumption = "experiments, 1-3x the run" }
"#;

fn main() {
    let from_file = Scenario::parse(SCENARIO).expect("a valid scenario");
    let (spec, _) = from_file.to_spec(None).expect("it compiles");

    let a = |d, why: &str| Quantity::assumed(d, why);
    let in_code = StackSpec::new(
        "small-run",
        DollarDate::year(2024),
        vec![StageSpec::gpus_and_hours(
            "pre-training",
            a(Distribution::Point(2048.0), "the cluster"),
            a(Distribution::Point(30.0 * 24.0), "a month"),
            a(
                Distribution::Lognormal { p5: 1.5, p95: 3.0 },
                "an H100-hour, 2024",
            ),
        )],
    )
    .with_development(
        DevelopmentSpec::multiplier(a(
            Distribution::Uniform {
                low: 1.0,
                high: 3.0,
            },
            "experiments, 1-3x the run",
        ))
        .on_basis(Basis::Rental),
    );

    let config = RunConfig {
        samples: 10_000,
        seed: 7,
        ..RunConfig::default()
    };
    let x = CostModel::new(&spec).unwrap().estimate(&config).unwrap();
    let y = CostModel::new(&in_code).unwrap().estimate(&config).unwrap();
    for (f, g) in x.figures().into_iter().zip(y.figures()) {
        assert_eq!(f.0.id, g.0.id);
        assert_eq!(
            (f.0.p5, f.0.p50, f.0.p95),
            (g.0.p5, g.0.p50, g.0.p95),
            "{}",
            f.0.id
        );
        println!("{:<40} {:>14.0} = {:>14.0}", f.0.id, f.0.p50, g.0.p50);
    }
    println!("identical: {} figures", x.figures().len());
}
