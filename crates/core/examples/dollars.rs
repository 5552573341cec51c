//! Dollars between years: DeepSeek's $5.576M (2024 USD) in 2020 and 2025 CPI-U dollars, and in
//! December-2023 dollars of the producer price index Epoch AI deflates with.
//!
//! `cargo run -p traincost-core --example dollars`

use traincost_core::money::IndexId;
use traincost_core::units::{DollarDate, Usd};

fn main() {
    let headline = Usd::new(5_576_000.0, DollarDate::year(2024));
    for (index, to) in [
        (IndexId::CpiU, DollarDate::year(2020)),
        (IndexId::CpiU, DollarDate::year(2025)),
        (IndexId::PpiDataProcessing, "2023-12".parse().unwrap()),
    ] {
        let converted = index
            .index()
            .convert(headline, to)
            .expect("the index covers both dates");
        println!(
            "{headline} is {converted} ({}, {})",
            index.name(),
            index.index().series()
        );
    }
    // A date the index does not cover is an error, not a guess.
    let far = IndexId::CpiU
        .index()
        .convert(headline, DollarDate::year(1990));
    println!(
        "1990: {}",
        far.map_or_else(|e| e.to_string(), |v| v.to_string())
    );
}
