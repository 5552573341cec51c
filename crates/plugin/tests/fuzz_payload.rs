//! Fuzzing the plugin payload validator on stable, in CI, for a bounded time (issue 15).
//!
//! Structured generators build valid responses and manifests from the SDK types (every query,
//! every distribution, numbers within each unit's bounds), then mutate them as JSON (fields
//! dropped, wrong types, 1e308, negatives, `"NaN"` strings, deep nesting, very long strings)
//! and as bytes (cut short, invalid UTF-8). For each: the validator never panics; what it
//! accepts has every number finite, non-negative and within its unit's bounds
//! (docs/PLUGINS.md); valid payloads are accepted as they were written; a number pushed out of
//! its bounds is refused at its path; and every error, as the host prints it, is short.
//! `corpus` keeps each plugin reproducer of issue 15 as a regression test.
//!
//! The case counts keep the whole file under a few seconds in a debug build; raise
//! `PROPTEST_CASES` locally to fuzz longer.

use proptest::prelude::*;
use serde_json::Value;
use traincost_plugin::catalog::{GPUS, ROLES};
use traincost_plugin::client::{CallError, interpret_manifest, interpret_response};
use traincost_plugin::ffi::{HOST_PAYLOAD_TOO_LARGE, MAX_PAYLOAD, TC_ERROR, TC_OK, TC_PANIC};
use traincost_plugin::payload::{
    Commitment, Compensation, Dist, GpuDefinition, GpuSpec, Kind, Manifest, NamedQuantity,
    PriceQuote, PurchasePrices, Quantity, Query, QueryKind, QueryResult, RentalPrices, RentalQuote,
    Response,
};
use traincost_plugin::validate::{BOUNDS, bound, quantities};

/// The first `n` bytes of `s` or a little fewer (a whole character), for messages.
fn head(s: &str, n: usize) -> &str {
    let mut n = n.min(s.len());
    while !s.is_char_boundary(n) {
        n -= 1;
    }
    &s[..n]
}

/// Cases per property: `PROPTEST_CASES` if set, else `default`.
fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

/// The longest error a host prints for one call: a few problems, each quoting a little.
const MAX_ERROR: usize = 8_000;

/// Checks what the host makes of `bytes` (returned with `code`) as the answer to `query`:
/// never a panic; an accepted answer within every bound; an error short enough to print.
fn check(code: i32, bytes: &[u8], query: &Query) -> Result<Response, CallError> {
    let r = interpret_response(code, bytes, query);
    match &r {
        Ok(resp) => assert_within_bounds(resp),
        Err(e) => assert_short(e),
    }
    r
}

fn assert_short(e: &CallError) {
    let shown = e.to_string();
    assert!(
        shown.len() < MAX_ERROR,
        "an error of {} bytes: {}",
        shown.len(),
        head(&shown, 400)
    );
    if let CallError::Invalid(problems) = e {
        assert!(!problems.is_empty());
        for p in problems {
            let s = p.to_string();
            assert!(s.len() < 2_000, "a problem of {} bytes", s.len());
        }
    }
}

/// Every number of every quantity of an accepted answer is finite, non-negative and within
/// its unit's bounds (a normal's sd: at most the cap).
fn assert_within_bounds(r: &Response) {
    for (path, q) in quantities(&r.result) {
        let b = bound(&q.unit).unwrap_or_else(|| panic!("{path}: accepted unknown unit"));
        for (i, x) in q.dist.numbers().iter().enumerate() {
            let spread = matches!(q.dist, Dist::Normal { .. }) && i == 1;
            let min = if spread { 0.0 } else { b.min };
            assert!(
                x.is_finite() && *x >= min && *x <= b.max,
                "{path}: accepted {x} {}",
                q.unit
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Valid payloads

/// A distribution whose every number lies in `[lo, hi]`, well formed.
fn dist_in(lo: f64, hi: f64) -> BoxedStrategy<Dist> {
    let x = lo..=hi;
    let sorted = move |n: usize| {
        prop::collection::vec(lo..=hi, n).prop_map(|mut v| {
            v.sort_by(f64::total_cmp);
            v
        })
    };
    let positive = lo.max(hi * 1e-6).max(f64::MIN_POSITIVE);
    prop_oneof![
        x.clone().prop_map(Dist::Point),
        sorted(2).prop_map(|v| Dist::Uniform { lo: v[0], hi: v[1] }),
        sorted(3).prop_map(|v| Dist::Triangular {
            min: v[0],
            mode: v[1],
            max: v[2]
        }),
        sorted(3)
            .prop_filter("PERT needs min < max", |v| v[0] < v[2])
            .prop_map(|v| Dist::Pert {
                min: v[0],
                mode: v[1],
                max: v[2]
            }),
        (x.clone(), 0.0..=hi).prop_map(|(mean, sd)| Dist::Normal { mean, sd }),
        (positive..=hi, positive..=hi).prop_map(|(a, b)| Dist::Lognormal {
            p5: a.min(b),
            p95: a.max(b)
        }),
        prop::collection::vec(x, 1..8).prop_map(Dist::Samples),
    ]
    .boxed()
}

/// A valid quantity in `unit`: within its bounds, with a dollar year on money, and a claim or
/// a one-line assumption.
fn quantity(unit: &'static str) -> BoxedStrategy<Quantity> {
    let b = bound(unit).expect("a known unit");
    let source = prop_oneof![
        "[a-z][a-z0-9-]{0,20}".prop_map(|id| (Some(id), None)),
        (
            "[A-Za-z][A-Za-z0-9 ,.;:'()$%-]{0,40}",
            prop::collection::vec("[a-z0-9-]{1,12}", 0..3)
        )
            .prop_map(|(a, cites)| (None, Some((a, cites)))),
    ];
    (dist_in(b.min, b.max), source, 1990i32..2030)
        .prop_map(move |(dist, source, year)| {
            let mut q = match source {
                (Some(id), _) => Quantity::claim(dist, unit, &id),
                (None, Some((why, cites))) => {
                    let cites: Vec<&str> = cites.iter().map(String::as_str).collect();
                    Quantity::assumption_citing(dist, unit, &why, &cites)
                }
                _ => unreachable!(),
            };
            let money = traincost_plugin::catalog::is_money_unit(unit);
            if money {
                q = q.in_dollars_of(year);
            }
            q
        })
        .boxed()
}

fn gpu() -> impl Strategy<Value = &'static str> {
    prop::sample::select(GPUS.iter().map(|g| g.id).collect::<Vec<_>>())
}

fn date() -> impl Strategy<Value = String> {
    prop_oneof![
        (1990u32..2030).prop_map(|y| y.to_string()),
        (1990u32..2030, 1u32..=12).prop_map(|(y, m)| format!("{y}-{m:02}")),
        (1990u32..2030, 1u32..=12, 1u32..=28).prop_map(|(y, m, d)| format!("{y}-{m:02}-{d:02}")),
    ]
}

fn commitment() -> impl Strategy<Value = Commitment> {
    prop::sample::select(vec![
        Commitment::OnDemand,
        Commitment::OneYear,
        Commitment::ThreeYear,
    ])
}

/// A query and a valid answer to it.
fn valid() -> impl Strategy<Value = (Query, Response)> {
    let spec = (
        gpu(),
        quantity("FLOP/s"),
        quantity("W"),
        prop::option::of(date()),
    )
        .prop_map(|(gpu, peak, tdp, release)| {
            (
                Query::GpuSpec { gpu: gpu.into() },
                QueryResult::GpuSpec(GpuSpec {
                    gpu: gpu.into(),
                    product: format!("NVIDIA {gpu}"),
                    release_date: release,
                    peak_bf16_flops: peak,
                    tdp,
                }),
            )
        });
    let purchase = (
        gpu(),
        prop::collection::vec((date(), quantity("USD/GPU")), 1..4),
    )
        .prop_map(|(gpu, quotes)| {
            (
                Query::PurchasePrice { gpu: gpu.into() },
                QueryResult::PurchasePrice(PurchasePrices {
                    gpu: gpu.into(),
                    quotes: quotes
                        .into_iter()
                        .map(|(date, price)| PriceQuote {
                            date,
                            price,
                            note: String::new(),
                        })
                        .collect(),
                }),
            )
        });
    let rental = (
        gpu(),
        prop::option::of(commitment()),
        prop::collection::vec(
            (
                prop::sample::select(vec!["AWS", "Azure", "GCP", "Lambda"]),
                date(),
                commitment(),
                quantity("USD/GPU-hour"),
            ),
            1..4,
        ),
    )
        .prop_map(|(gpu, want, quotes)| {
            (
                Query::RentalPrice {
                    gpu: gpu.into(),
                    provider: None,
                    commitment: want,
                },
                QueryResult::RentalPrice(RentalPrices {
                    gpu: gpu.into(),
                    quotes: quotes
                        .into_iter()
                        .map(|(provider, date, c, price)| RentalQuote {
                            provider: provider.into(),
                            date,
                            commitment: want.unwrap_or(c),
                            price,
                            note: String::new(),
                        })
                        .collect(),
                }),
            )
        });
    let units = prop::sample::select(BOUNDS.iter().map(|b| b.unit).collect::<Vec<_>>());
    let pay = (
        prop::sample::select(ROLES.iter().map(|r| r.0).collect::<Vec<_>>()),
        1990i32..2030,
        prop::sample::select(vec!["USD/year", "CNY/year"]).prop_flat_map(quantity),
        quantity("USD/year"),
        prop::collection::vec(units.prop_flat_map(|u| (Just(u), quantity(u))), 0..3),
    )
        .prop_map(|(role, year, annual, loaded, parts)| {
            (
                Query::Compensation {
                    role: role.into(),
                    year,
                },
                QueryResult::Compensation(Compensation {
                    role: role.into(),
                    year,
                    region: "US".into(),
                    annual_pay: annual,
                    loaded_usd: loaded,
                    components: parts
                        .into_iter()
                        .map(|(u, quantity)| NamedQuantity {
                            name: format!("a factor in {u}"),
                            quantity,
                        })
                        .collect(),
                }),
            )
        });
    prop_oneof![spec, purchase, rental, pay].prop_map(|(q, r)| (q, Response::new(r)))
}

// ---------------------------------------------------------------------------------------------
// Mutations

/// JSON pointers to every node of `v`.
fn pointers(v: &Value, at: String, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, c) in m {
                pointers(
                    c,
                    format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")),
                    out,
                );
            }
        }
        Value::Array(a) => {
            for (i, c) in a.iter().enumerate() {
                pointers(c, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
    out.push(at);
}

/// What a node may be replaced by.
fn replacement(kind: u8, long: usize) -> Value {
    match kind {
        0 => Value::Null,
        1 => serde_json::json!(1e308),
        2 => serde_json::json!(-1.0),
        3 => serde_json::json!(-1e308),
        4 => Value::String("NaN".into()),
        5 => Value::String("x".repeat(long)),
        6 => serde_json::json!(true),
        7 => serde_json::json!([]),
        8 => serde_json::json!({}),
        9 => serde_json::json!(0),
        10 => serde_json::json!(5e-324),
        11 => serde_json::json!(u64::MAX),
        12 => serde_json::json!(i64::MIN),
        13 => {
            // Nested far deeper than any payload, within what the JSON reader accepts.
            let mut v = serde_json::json!(1);
            for _ in 0..100 {
                v = Value::Array(vec![v]);
            }
            v
        }
        14 => serde_json::json!([1.0, 2.0, 3.0, 4.0, 5.0, 6.0]),
        15 => Value::Array(vec![serde_json::json!(-1.0); long]),
        _ => Value::String("2024-02-30".into()),
    }
}

/// Up to three edits of a payload's JSON: a node replaced, removed, or a field added; then
/// maybe a byte-level edit (cut short, invalid UTF-8 spliced in).
fn mutated() -> impl Strategy<Value = (Query, Vec<u8>)> {
    let edit = (0.0..1.0f64, 0u8..20, 0u8..17, 1usize..100_000);
    (
        valid(),
        prop::collection::vec(edit, 1..4),
        0u8..8,
        0.0..1.0f64,
    )
        .prop_map(|((query, resp), edits, byte_edit, at)| {
            let mut v = serde_json::to_value(&resp).unwrap();
            for (pick, op, kind, long) in edits {
                let mut ps = Vec::new();
                pointers(&v, String::new(), &mut ps);
                let p = &ps[((pick * ps.len() as f64) as usize).min(ps.len() - 1)];
                match op {
                    // Remove the node from its parent.
                    0..=3 if !p.is_empty() => {
                        let (parent, key) = p.rsplit_once('/').unwrap();
                        match v.pointer_mut(parent) {
                            Some(Value::Object(m)) => {
                                m.remove(&key.replace("~1", "/").replace("~0", "~"));
                            }
                            Some(Value::Array(a)) => {
                                let i: usize = key.parse().unwrap();
                                a.remove(i);
                            }
                            _ => {}
                        }
                    }
                    // Add a field beside it.
                    4 => {
                        if let Some(Value::Object(m)) = v.pointer_mut(p) {
                            let key =
                                ["sd", "value", "uniform", "claim", "claims", "future"][long % 6];
                            m.insert(key.into(), replacement(kind, long % 300));
                        }
                    }
                    // Replace it.
                    _ => {
                        let long = if kind == 15 { long % 5_000 } else { long };
                        if let Some(n) = v.pointer_mut(p) {
                            *n = replacement(kind, long);
                        }
                    }
                }
            }
            let mut bytes = serde_json::to_vec(&v).unwrap();
            let cut = ((at * bytes.len() as f64) as usize).min(bytes.len());
            match byte_edit {
                0 => bytes.truncate(cut),
                1 => {
                    bytes.splice(cut..cut, [0xff, 0xfe, 0xc3]);
                }
                2 => {
                    // Inside a string: just after a quote.
                    if let Some(q) = bytes[cut..].iter().position(|&b| b == b'"') {
                        bytes.splice(cut + q + 1..cut + q + 1, [0xed, 0xa0, 0x80]);
                    }
                }
                _ => {}
            }
            (query, bytes)
        })
}

/// A valid answer with one number pushed outside its unit's bounds.
fn out_of_bounds() -> impl Strategy<Value = (Query, Response, String)> {
    (
        valid(),
        0.0..1.0f64,
        0.0..1.0f64,
        prop::sample::select(vec![
            1e308, 1e300, 1e20, 1.0001, 2.0, 1e3, -1e-300, -1.0, -1e308, 0.5,
        ]),
    )
        .prop_filter_map(
            "a number that leaves its bounds",
            |((query, mut resp), which, pos, k)| {
                let qs: Vec<String> = quantities(&resp.result)
                    .into_iter()
                    .map(|(p, _)| p)
                    .collect();
                let path = qs[((which * qs.len() as f64) as usize).min(qs.len() - 1)].clone();
                let q = quantity_mut(&mut resp.result, &path)?;
                let b = bound(&q.unit)?;
                let bad = if k < 0.0 {
                    k
                } else if k < 1.0 {
                    if b.min <= 0.0 {
                        return None;
                    }
                    b.min * k
                } else {
                    b.max * k
                };
                if (b.min..=b.max).contains(&bad) || !bad.is_finite() {
                    return None;
                }
                let n = q.dist.numbers().len();
                let i = ((pos * n as f64) as usize).min(n - 1);
                // A normal's sd may be 0 (only its cap applies).
                if matches!(q.dist, Dist::Normal { .. }) && i == 1 && bad >= 0.0 && bad <= b.max {
                    return None;
                }
                set_number(&mut q.dist, i, bad);
                let key = q.dist.key();
                let at = if matches!(q.dist, Dist::Point(_)) {
                    format!("{path}.{key}")
                } else {
                    format!("{path}.{key}[{i}]")
                };
                Some((query, resp, at))
            },
        )
}

fn quantity_mut<'a>(r: &'a mut QueryResult, path: &str) -> Option<&'a mut Quantity> {
    let index = path
        .split('[')
        .nth(1)
        .and_then(|p| p.split(']').next())
        .and_then(|i| i.parse::<usize>().ok());
    Some(match r {
        QueryResult::GpuSpec(s) => {
            if path.ends_with("peak_bf16_flops") {
                &mut s.peak_bf16_flops
            } else {
                &mut s.tdp
            }
        }
        QueryResult::PurchasePrice(p) => &mut p.quotes.get_mut(index?)?.price,
        QueryResult::RentalPrice(p) => &mut p.quotes.get_mut(index?)?.price,
        QueryResult::Compensation(c) => {
            if path.ends_with("annual_pay") {
                &mut c.annual_pay
            } else if path.ends_with("loaded_usd") {
                &mut c.loaded_usd
            } else {
                &mut c.components.get_mut(index?)?.quantity
            }
        }
    })
}

fn set_number(d: &mut Dist, i: usize, x: f64) {
    match d {
        Dist::Point(v) => *v = x,
        Dist::Uniform { lo, hi } => *[lo, hi][i] = x,
        Dist::Triangular { min, mode, max } | Dist::Pert { min, mode, max } => {
            *[min, mode, max][i] = x
        }
        Dist::Normal { mean, sd } => *[mean, sd][i] = x,
        Dist::Lognormal { p5, p95 } => *[p5, p95][i] = x,
        Dist::Samples(s) => s[i] = x,
    }
}

/// A GPU name for a definition: new, a catalog GPU's, malformed, long or not ASCII.
fn gpu_name(long: impl Strategy<Value = String>) -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "[A-Z][a-z0-9]{1,6}( [0-9])?",
        2 => gpu().prop_map(|g| g.to_lowercase().replace('-', " ")),
        1 => "[ ._-]{0,3}",
        1 => "\\PC{1,8}",
        1 => long,
    ]
}

/// A GPU definition, valid or not.
fn gpu_definition(
    long: impl Strategy<Value = String> + Clone,
) -> impl Strategy<Value = GpuDefinition> {
    (
        gpu_name(long.clone()),
        prop::collection::vec(gpu_name(long), 0..3),
        "[A-Za-z0-9 ]{0,20}",
    )
        .prop_map(|(id, aliases, product)| GpuDefinition {
            id,
            aliases,
            product,
        })
}

/// A manifest, valid or mutated.
fn manifest() -> impl Strategy<Value = (Kind, Vec<u8>)> {
    let long = prop_oneof![
        8 => "[a-z0-9-]{1,12}",
        1 => (1usize..100_000).prop_map(|n| "z".repeat(n)),
    ];
    (
        prop::sample::select(vec![Kind::Pricing, Kind::Salary]),
        prop::collection::vec(
            prop::sample::select(vec![
                QueryKind::GpuSpec,
                QueryKind::PurchasePrice,
                QueryKind::RentalPrice,
                QueryKind::Compensation,
            ]),
            0..4,
        ),
        prop::collection::vec(
            prop_oneof![4 => gpu().prop_map(String::from), 1 => long.clone()],
            0..4,
        ),
        prop::collection::vec(
            prop_oneof![
                4 => prop::sample::select(ROLES.iter().map(|r| r.0.to_owned()).collect::<Vec<_>>()),
                1 => long.clone(),
            ],
            0..4,
        ),
        prop::option::of((1900i32..2100, 1900i32..2100)),
        prop_oneof![4 => Just("fz".to_owned()), 1 => long.clone()],
        0u8..6,
        prop::collection::vec(gpu_definition(long), 0..3),
    )
        .prop_map(
            |(kind, queries, gpus, roles, years, name, edit, gpu_definitions)| {
                let m = Manifest {
                    schema: "traincost.manifest".into(),
                    schema_version: 1,
                    name,
                    version: "1.0".into(),
                    kind,
                    description: String::new(),
                    queries,
                    gpus,
                    providers: Vec::new(),
                    roles,
                    years: years.map(|(a, b)| [a, b]),
                    gpu_definitions,
                };
                let mut v = serde_json::to_value(&m).unwrap();
                match edit {
                    0 => v["schema_version"] = serde_json::json!(99),
                    1 => v["schema"] = Value::String("s".repeat(50_000)),
                    2 => v["kind"] = Value::String("k".repeat(50_000)),
                    3 => v["queries"] = serde_json::json!(["q".repeat(50_000)]),
                    _ => {}
                }
                (kind, serde_json::to_vec(&v).unwrap())
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(512)))]

    /// Valid answers are accepted exactly as written.
    #[test]
    fn valid_payloads_are_accepted((query, resp) in valid()) {
        let bytes = serde_json::to_vec(&resp).unwrap();
        prop_assert_eq!(check(TC_OK, &bytes, &query), Ok(resp));
    }

    /// Mutated answers never panic; what is accepted is within bounds; errors are short.
    #[test]
    fn mutated_payloads_are_checked((query, bytes) in mutated()) {
        let _ = check(TC_OK, &bytes, &query);
        // The same bytes as an error or a panic payload, or under a code outside the ABI.
        for code in [TC_ERROR, TC_PANIC, 7] {
            prop_assert!(check(code, &bytes, &query).is_err());
        }
    }

    /// A number outside its unit's bounds is refused, at its path.
    #[test]
    fn out_of_bound_numbers_are_refused((query, resp, at) in out_of_bounds()) {
        let bytes = serde_json::to_vec(&resp).unwrap();
        let e = check(TC_OK, &bytes, &query).unwrap_err();
        let CallError::Invalid(problems) = &e else { panic!("{e}") };
        prop_assert!(problems.iter().any(|p| p.path == at), "{} not in {}", at, e);
    }

    /// Manifests, valid or not: never a panic, errors short.
    #[test]
    fn manifests_are_checked((kind, bytes) in manifest()) {
        match interpret_manifest(TC_OK, &bytes, "fz", kind) {
            Ok(m) => {
                prop_assert!(m.gpus.iter().all(|g| g.len() <= 64));
                // What is accepted: every defined id among `gpus`, no defined name a catalog
                // GPU's, and each name resolving to its own definition.
                for d in &m.gpu_definitions {
                    prop_assert!(m.gpus.contains(&d.id));
                    for name in std::iter::once(&d.id).chain(&d.aliases) {
                        prop_assert_eq!(traincost_plugin::catalog::canonical_gpu(name), None);
                        prop_assert_eq!(
                            traincost_plugin::catalog::canonical_gpu_in(name, &m.gpu_definitions),
                            Some(d.id.as_str())
                        );
                    }
                }
            }
            Err(e) => assert_short(&e),
        }
    }
}

/// The plugin reproducers of issue 15, and what this harness found.
mod corpus {
    use super::*;

    fn spec_json(flops: &str) -> String {
        format!(
            r#"{{"schema":"traincost.response","schema_version":1,"result":{{"kind":"gpu_spec",
            "gpu":"H100","peak_bf16_flops":{{"value":{flops},"unit":"FLOP/s","assumption":"a"}},
            "tdp":{{"value":700,"unit":"W","assumption":"a"}}}}}}"#
        )
    }

    fn h100() -> Query {
        Query::GpuSpec { gpu: "H100".into() }
    }

    /// A finite but absurd 1e308 passed `plugins check` and made estimates infinite.
    #[test]
    fn a_finite_absurd_number_is_refused() {
        let e = check(TC_OK, spec_json("1e308").as_bytes(), &h100()).unwrap_err();
        assert!(e.to_string().contains("is not physical"), "{e}");
        // And a price of 1e308, the issue's example.
        let q = Query::PurchasePrice { gpu: "H100".into() };
        let body = r#"{"schema":"traincost.response","schema_version":1,"result":{"kind":
            "purchase_price","gpu":"H100","quotes":[{"date":"2024-01","price":{"value":1e308,
            "unit":"USD/GPU","dollar_year":2024,"assumption":"a"}}]}}"#;
        let e = check(TC_OK, body.as_bytes(), &q).unwrap_err();
        assert!(
            e.to_string()
                .contains("result.quotes[0].price.value: 1e308 USD/GPU is not physical"),
            "{e}"
        );
    }

    /// A payload over the cap said "malformed JSON ... column 16777216"; it says too large.
    #[test]
    fn a_payload_over_the_cap_is_too_large() {
        let e = check(HOST_PAYLOAD_TOO_LARGE, b"", &h100()).unwrap_err();
        assert_eq!(e, CallError::TooLarge { limit: MAX_PAYLOAD });
        assert!(e.to_string().contains("too large"), "{e}");
    }

    /// A 50,000-character unit, GPU, role, date, claim id, kind or key was quoted whole,
    /// and a list of a million bad numbers gave a million problems (found by this harness):
    /// problems quote 80 characters, list 20, and count the rest.
    #[test]
    fn long_and_many_are_reported_short() {
        let long = "u".repeat(50_000);
        for (from, to) in [
            (r#""unit":"FLOP/s""#, format!(r#""unit":"{long}""#)),
            (r#""gpu":"H100""#, format!(r#""gpu":"{long}""#)),
            (r#""assumption":"a""#, format!(r#""claim":"U{long}""#)),
            (r#""kind":"gpu_spec""#, format!(r#""kind":"{long}""#)),
            (r#""value":700"#, format!(r#""value":700,"{long}":null"#)),
            (
                r#""schema":"traincost.response""#,
                format!(r#""schema":"{long}""#),
            ),
        ] {
            let body = spec_json("1e15");
            assert!(body.contains(from), "{from}");
            let e = check(TC_OK, body.replacen(from, &to, 1).as_bytes(), &h100()).unwrap_err();
            let shown = e.to_string();
            assert!(shown.len() < 600, "{from}: {} bytes", shown.len());
            assert!(shown.contains("more characters)"), "{shown}");
        }
        // A million negative samples, a million nulls.
        for x in ["-1", "null"] {
            let many = vec![x; 1_000_000].join(",");
            let body =
                spec_json("1e15").replacen(r#""value":1e15"#, &format!(r#""samples":[{many}]"#), 1);
            let e = check(TC_OK, body.as_bytes(), &h100()).unwrap_err();
            let CallError::Invalid(problems) = &e else {
                panic!("{e}")
            };
            assert!(problems.len() <= 21, "{x}: {} problems", problems.len());
            assert!(e.to_string().contains("more"), "{e}");
        }
        // A plugin's own error or panic message of a megabyte.
        let huge = "m".repeat(1 << 20);
        let error = format!(r#"{{"code":"no_data","message":"{huge}"}}"#);
        for code in [TC_ERROR, TC_PANIC] {
            let e = check(code, error.as_bytes(), &h100()).unwrap_err();
            assert!(e.to_string().len() < 1_200, "{}", e.to_string().len());
        }
    }

    /// NaN has no JSON form: a NaN written as a string, or as the bare word, is refused.
    #[test]
    fn nan_is_refused_in_every_spelling() {
        for flops in ["\"NaN\"", "NaN", "null", "\"1e15\""] {
            let e = check(TC_OK, spec_json(flops).as_bytes(), &h100()).unwrap_err();
            assert!(matches!(e, CallError::Invalid(_)), "{flops}: {e}");
        }
    }
}
