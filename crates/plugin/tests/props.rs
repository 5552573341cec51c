//! Invariants of the payload rules: what a host accepts and rejects, for any numbers.

use proptest::prelude::*;
use traincost_plugin::catalog::UNITS;
use traincost_plugin::payload::{Dist, GpuSpec, Quantity, Query, QueryResult, Response};
use traincost_plugin::validate::parse_response;

fn spec(flops: Dist, unit: &str) -> Response {
    Response::new(QueryResult::GpuSpec(GpuSpec {
        gpu: "H100".into(),
        product: String::new(),
        release_date: None,
        peak_bf16_flops: Quantity::assumption(flops, unit, "test"),
        tdp: Quantity::claim(Dist::Point(700.0), "W", "llama-3-1-gpu-tdp"),
    }))
}

fn query() -> Query {
    Query::GpuSpec { gpu: "H100".into() }
}

/// Distributions whose every number lies within the bounds of FLOP/s (1e9 to 1e17).
fn finite_dist() -> impl Strategy<Value = Dist> {
    let x = 1e9..1e17f64;
    prop_oneof![
        x.clone().prop_map(Dist::Point),
        (x.clone(), x.clone()).prop_map(|(a, b)| Dist::Uniform {
            lo: a.min(b),
            hi: a.max(b)
        }),
        (x.clone(), x.clone(), x.clone()).prop_map(|(a, b, c)| {
            let mut v = [a, b, c];
            v.sort_by(f64::total_cmp);
            Dist::Triangular {
                min: v[0],
                mode: v[1],
                max: v[2],
            }
        }),
        (1e9..1e14f64, 1.0..1e3f64).prop_map(|(a, k)| Dist::Lognormal { p5: a, p95: a * k }),
        (x.clone(), 0.0..1e9f64).prop_map(|(m, sd)| Dist::Normal { mean: m, sd }),
        prop::collection::vec(x, 1..20).prop_map(Dist::Samples),
    ]
}

proptest! {
    #[test]
    fn finite_answers_within_bounds_round_trip_and_validate(d in finite_dist()) {
        let r = spec(d, "FLOP/s");
        let bytes = serde_json::to_vec(&r).unwrap();
        let back = parse_response(&bytes, &query());
        prop_assert_eq!(back, Ok(r));
    }

    #[test]
    fn numbers_beyond_the_physical_bounds_are_always_rejected(x in prop_oneof![1.0001e17..f64::MAX, 0.0..0.9999e9f64]) {
        let bytes = serde_json::to_vec(&spec(Dist::Point(x), "FLOP/s")).unwrap();
        let e = parse_response(&bytes, &query()).unwrap_err();
        prop_assert!(e[0].message.contains("is not physical for a peak FLOP/s"), "{:?}", e);
    }

    #[test]
    fn negative_numbers_are_always_rejected(x in -1e18..-1e-12f64) {
        let bytes = serde_json::to_vec(&spec(Dist::Point(x), "FLOP/s")).unwrap();
        let e = parse_response(&bytes, &query()).unwrap_err();
        prop_assert!(e[0].message.contains("negative"));
    }

    #[test]
    fn non_finite_numbers_are_always_rejected(x in prop_oneof![Just(f64::NAN), Just(f64::INFINITY), Just(f64::NEG_INFINITY)]) {
        let bytes = serde_json::to_vec(&spec(Dist::Point(x), "FLOP/s")).unwrap();
        prop_assert!(parse_response(&bytes, &query()).is_err());
    }

    #[test]
    fn unknown_units_are_always_rejected(unit in "[A-Za-z/ -]{0,12}") {
        prop_assume!(!UNITS.contains(&unit.as_str()));
        let bytes = serde_json::to_vec(&spec(Dist::Point(1.0), &unit)).unwrap();
        let e = parse_response(&bytes, &query()).unwrap_err();
        prop_assert!(e[0].message.contains("unknown unit"));
    }
}
