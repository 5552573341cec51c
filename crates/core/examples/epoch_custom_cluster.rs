//! Epoch AI's three cost methods for a cluster of your own: 16,384 H100s for 54 days, bought at
//! $30,000 each (server share included), 120 days before training, published in 2024.
//!
//! `cargo run -p traincost-core --example epoch_custom_cluster`

use traincost_core::epoch::costs::{Method, RunInputs, costs};
use traincost_core::epoch::{CodeVersion, Settings};
use traincost_core::units::{Count, GpuHours, Watts};

fn main() {
    let run = RunInputs {
        model: "my-model".into(),
        hardware: "NVIDIA H100 SXM5 80GB".into(),
        organization: "Example Lab".into(),
        publication_date: "2024-07-23".parse().ok(),
        chip_hours: Some(GpuHours(16_384.0 * 54.0 * 24.0)),
        hardware_quantity: Some(Count(16_384.0)),
        price_per_chip: Some(30_000.0),
        acquisition_date: "2024-01-10".parse().ok(),
        training_start: "2024-05-09".parse().ok(),
        tdp: Some(Watts(700.0)),
        cloud_price_per_chip_hour: Some(2.40),
        base_model: None,
        inflation_factor: None,
    };
    let e = costs(&run, &Settings::for_version(CodeVersion::Update2025_06));
    let c = e.components().expect("every input is given");
    println!(
        "amortized AI chips + other server: ${:.2}M",
        (c.ai_chips + c.other_server) / 1e6
    );
    println!(
        "interconnect:                      ${:.2}M",
        c.interconnect / 1e6
    );
    println!("energy:                            ${:.2}M", c.energy / 1e6);
    for (name, method) in [
        ("capex + energy (method A)", Method::CapexEnergy),
        ("cloud rental (method B)", Method::Cloud),
        ("hardware acquisition (method C)", Method::Acquisition),
    ] {
        match e.real(method) {
            Ok(v) => println!("{name:<34} ${:.2}M (Epoch's dollars)", v / 1e6),
            Err(why) => println!("{name:<34} not computed: {why}"),
        }
    }
}
