//! Fuzzing the scenario parser on stable, in CI, for a bounded time (issue 15).
//!
//! Structured generators write whole scenario files from the real format (every table, every
//! distribution, units right and wrong, numbers in and out of bounds, dates that exist and
//! dates that do not, wrong types, extra keys), and mutations edit the built-in scenarios (a
//! line deleted or duplicated, numbers swapped or replaced by extremes, the file cut short).
//! For each: parsing and `to_spec` never panic; every error names a field or a span and
//! renders under 2 KB; whatever compiles estimates at 200 samples without a panic, and either
//! every figure is finite or the estimate is an error. `corpus` keeps each scenario
//! reproducer of issue 15 as a regression test, generated here rather than committed.
//!
//! The case counts keep the whole file under about 30 s in a debug build; raise
//! `PROPTEST_CASES` locally to fuzz longer (`PROPTEST_CASES=20000 cargo test -p
//! traincost-core --test fuzz_scenario --release`).

use std::num::NonZeroUsize;

use proptest::prelude::*;
use traincost_core::estimate::{Estimate, EstimateError};
use traincost_core::montecarlo::RunConfig;
use traincost_core::scenario::{self, Scenario, ScenarioError};
use traincost_core::stack::CostModel;

/// What the harness saw of one input, for the tests that check a reproducer's outcome.
#[derive(Debug)]
enum Outcome {
    Parse(ScenarioError),
    Spec(ScenarioError),
    Model(String),
    Estimate(String),
    Ok(Box<Estimate>),
}

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

/// A scenario error names a field or a span (inside the source), and renders short.
fn assert_located(e: &ScenarioError, src: &str) {
    assert!(
        e.field.is_some() || e.span.is_some(),
        "error without a place: {e:?}"
    );
    if let Some(s) = &e.span {
        assert!(
            s.start <= s.end && s.end <= src.len(),
            "span {s:?} outside the {} bytes: {e:?}",
            src.len()
        );
    }
    let shown = e.render("fuzz.toml", src);
    assert!(
        shown.len() < 2_000,
        "an error renders as {} bytes: {}",
        shown.len(),
        head(&shown, 600)
    );
}

/// Parses, builds, compiles and estimates `src`: never a panic, errors located and short,
/// and no estimate with a figure that is not a finite number. With `FUZZ_STATS` set, prints
/// each outcome (`--nocapture`), to see how far generated files get.
fn check(src: &str) -> Outcome {
    let o = check_inner(src);
    if std::env::var_os("FUZZ_STATS").is_some() {
        let s = match &o {
            Outcome::Parse(e) => format!("PARSE {:?} {}", e.field, e.message),
            Outcome::Spec(e) => format!("SPEC {:?} {}", e.field, e.message),
            Outcome::Model(e) => format!("MODEL {e}"),
            Outcome::Estimate(e) => format!("EST {e}"),
            Outcome::Ok(_) => "OK".to_owned(),
        };
        eprintln!("STAT {}", head(&s, 140));
    }
    o
}

fn check_inner(src: &str) -> Outcome {
    let scenario = match Scenario::parse(src) {
        Ok(s) => s,
        Err(e) => {
            assert_located(&e, src);
            return Outcome::Parse(e);
        }
    };
    let spec = match scenario.to_spec(None) {
        Ok((spec, _claims)) => spec,
        Err(e) => {
            assert_located(&e, src);
            return Outcome::Spec(e);
        }
    };
    let model = match CostModel::new(&spec) {
        Ok(m) => m,
        Err(e) => {
            let shown = e.to_string();
            assert!(
                shown.len() < 2_000,
                "a model error of {} bytes",
                shown.len()
            );
            return Outcome::Model(shown);
        }
    };
    let config = RunConfig {
        samples: 200,
        seed: 7,
        threads: NonZeroUsize::new(1),
        ..RunConfig::default()
    };
    match model.estimate(&config) {
        Ok(est) => {
            assert_finite(&est);
            Outcome::Ok(Box::new(est))
        }
        Err(e) => {
            if let EstimateError::Run(e) = &e {
                panic!("the run itself failed: {e}");
            }
            let shown = e.to_string();
            assert!(
                shown.len() < 20_000,
                "an estimate error of {} bytes",
                shown.len()
            );
            Outcome::Estimate(shown)
        }
    }
}

/// Every figure of a successful estimate is a finite number, its interval in order.
fn assert_finite(est: &Estimate) {
    for (f, kind) in est.figures() {
        let mut xs = vec![
            ("central", f.central),
            ("mean", f.mean),
            ("sd", f.sd),
            ("p5", f.p5),
            ("p50", f.p50),
            ("p95", f.p95),
        ];
        xs.extend(f.percentiles.iter().map(|&(_, v)| ("percentile", v)));
        for m in &f.multiples {
            // A multiple of a run that is zero in over 5% of samples is undefined (null) by
            // design (docs/REPORTS.md); else it is a number.
            if est.figure(&m.of).is_some_and(|r| r.p5 <= 0.0) {
                continue;
            }
            xs.extend([
                ("multiple central", m.central),
                ("multiple mean", m.mean),
                ("multiple p5", m.p5),
                ("multiple p50", m.p50),
                ("multiple p95", m.p95),
            ]);
        }
        for (what, x) in xs {
            assert!(x.is_finite(), "{kind} `{}`: {what} is {x}", f.id);
        }
        assert!(
            f.p5 <= f.p50 && f.p50 <= f.p95,
            "{kind} `{}`: p5 {} p50 {} p95 {}",
            f.id,
            f.p5,
            f.p50,
            f.p95
        );
    }
    for i in &est.inputs {
        assert!(!i.median.is_nan(), "input `{}`: median NaN", i.name);
    }
}

// ---------------------------------------------------------------------------------------------
// Generators of whole files

/// A TOML basic string holding `s` exactly.
fn toml_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// What a field measures: its units (the first its own) with their factor to it, a plausible
/// range in its own unit, and whether it is money.
#[derive(Debug, Clone, Copy)]
struct Dim {
    units: &'static [(&'static str, f64)],
    lo: f64,
    hi: f64,
    money: bool,
}

const GPU_HOURS: Dim = Dim {
    units: &[
        ("GPU-hours", 1.0),
        ("K GPU-hours", 1e3),
        ("M GPU-hours", 1e6),
        ("GPU-days", 24.0),
    ],
    lo: 1e3,
    hi: 1e8,
    money: false,
};
const GPUS: Dim = Dim {
    units: &[("GPUs", 1.0), ("GPU", 1.0), ("K GPUs", 1e3)],
    lo: 8.0,
    hi: 1e5,
    money: false,
};
const PEOPLE: Dim = Dim {
    units: &[("people", 1.0)],
    lo: 1.0,
    hi: 300.0,
    money: false,
};
const PARAMS: Dim = Dim {
    units: &[("parameters", 1.0), ("B parameters", 1e9)],
    lo: 1e9,
    hi: 1e12,
    money: false,
};
const TOKENS: Dim = Dim {
    units: &[("tokens", 1.0), ("T tokens", 1e12)],
    lo: 1e11,
    hi: 3e13,
    money: false,
};
const HOURS: Dim = Dim {
    units: &[("hours", 1.0), ("days", 24.0), ("months", 730.5)],
    lo: 10.0,
    hi: 5e3,
    money: false,
};
const YEARS: Dim = Dim {
    units: &[("years", 1.0), ("months", 1.0 / 12.0)],
    lo: 0.2,
    hi: 3.0,
    money: false,
};
const FLOP: Dim = Dim {
    units: &[("FLOP", 1.0)],
    lo: 1e22,
    hi: 1e26,
    money: false,
};
const FLOP_RATE: Dim = Dim {
    units: &[("FLOP/s", 1.0), ("TFLOP/s", 1e12), ("PFLOP/s", 1e15)],
    lo: 1e14,
    hi: 2e15,
    money: false,
};
const FRACTION: Dim = Dim {
    units: &[("fraction", 1.0), ("%", 0.01)],
    lo: 0.05,
    hi: 0.9,
    money: false,
};
const MULT: Dim = Dim {
    units: &[("x", 1.0)],
    lo: 1.0,
    hi: 5.0,
    money: false,
};
const OOMS: Dim = Dim {
    units: &[("OOMs/year", 1.0)],
    lo: 0.05,
    hi: 0.3,
    money: false,
};
const WATTS: Dim = Dim {
    units: &[("W", 1.0), ("kW", 1e3)],
    lo: 100.0,
    hi: 1500.0,
    money: false,
};
const RENTAL: Dim = Dim {
    units: &[("USD/GPU-hour", 1.0)],
    lo: 0.5,
    hi: 10.0,
    money: true,
};
const PRICE: Dim = Dim {
    units: &[("USD/GPU", 1.0)],
    lo: 5e3,
    hi: 5e4,
    money: true,
};
const PAY: Dim = Dim {
    units: &[("USD/year", 1.0), ("USD/month", 12.0)],
    lo: 3e4,
    hi: 1e6,
    money: true,
};
const ELECTRICITY: Dim = Dim {
    units: &[("USD/kWh", 1.0), ("USD/MWh", 1e-3)],
    lo: 0.03,
    hi: 0.2,
    money: true,
};
const ENERGY: Dim = Dim {
    units: &[("kWh", 1.0), ("MWh", 1e3), ("GWh", 1e6)],
    lo: 1e5,
    hi: 1e8,
    money: false,
};

/// Units that belong to other fields, or to none.
const WRONG_UNITS: &[&str] = &[
    "T tokens",
    "GPUs",
    "people",
    "USD",
    "CNY/GPU",
    "x",
    "%",
    "W",
    "",
    "gpu-hours",
    "years",
    "GWh",
    "FLOP/s",
    "USD/GPU-hour",
];

/// A number as TOML text: mostly in the field's range, else 0, negatives, the extremes of a
/// double, NaN and infinities, strings and booleans where a number goes, integers too large.
fn num(d: Dim) -> impl Strategy<Value = String> {
    let (lo, hi) = (d.lo, d.hi);
    prop_oneof![
        300 => (lo..=hi).prop_map(|x| format!("{x:?}")),
        100 => (lo.ln()..=hi.ln()).prop_map(|l| format!("{:?}", l.exp())),
        20 => (lo.ceil() as u64..=(hi as u64).max(lo.ceil() as u64)).prop_map(|n| n.to_string()),
        3 => prop::sample::select(vec![
            "0", "0.0", "-0.0", "-1.0", "-1e9", "1e-300", "5e-324", "1e308",
            "1.7976931348623157e308", "-1.7976931348623157e308", "1e400", "nan", "inf", "-inf",
            "\"NaN\"", "\"1e3\"", "true", "99999999999999999999", "1e16", "1e20", "1e100",
            "[1.0]", "{ value = 1.0 }",
        ])
        .prop_map(str::to_owned),
    ]
}

/// Numbers for a distribution: `n` of them, sometimes one more or one fewer.
fn nums(d: Dim, n: usize) -> impl Strategy<Value = String> {
    let count = prop_oneof![400 => Just(n), 1 => Just(n + 1), 1 => Just(n.saturating_sub(1))];
    count
        .prop_flat_map(move |k| prop::collection::vec(num(d), k))
        .prop_map(|v| format!("[{}]", v.join(", ")))
}

/// Sorted numbers in range, as TOML (a well-formed distribution, mostly).
fn sorted(d: Dim, n: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(d.lo..=d.hi, n).prop_map(|mut v| {
        v.sort_by(f64::total_cmp);
        let s: Vec<String> = v.iter().map(|x| format!("{x:?}")).collect();
        format!("[{}]", s.join(", "))
    })
}

/// `key = [...]` of one distribution.
fn dist(d: Dim) -> impl Strategy<Value = String> {
    prop_oneof![
        40 => num(d).prop_map(|x| format!("value = {x}")),
        20 => sorted(d, 2).prop_map(|v| format!("uniform = {v}")),
        1 => nums(d, 2).prop_map(|v| format!("uniform = {v}")),
        30 => sorted(d, 2).prop_map(|v| format!("lognormal = {v}")),
        1 => nums(d, 2).prop_map(|v| format!("lognormal = {v}")),
        5 => (d.lo..=d.hi, 0.0..0.15f64)
            .prop_map(|(m, k)| format!("normal = [{m:?}, {:?}]", m * k)),
        1 => nums(d, 2).prop_map(|v| format!("normal = {v}")),
        20 => sorted(d, 3).prop_map(|v| format!("triangular = {v}")),
        1 => nums(d, 3).prop_map(|v| format!("triangular = {v}")),
        20 => sorted(d, 3).prop_map(|v| format!("pert = {v}")),
        1 => nums(d, 3).prop_map(|v| format!("pert = {v}")),
        10 => prop::collection::vec(num(d), 1..6)
            .prop_map(|v| format!("samples = [{}]", v.join(", "))),
    ]
}

/// A quantity table for a field measuring `d`, mostly well formed; or something else.
fn quantity(d: Dim) -> BoxedStrategy<String> {
    // The unit first, then numbers in the field's range expressed in that unit.
    let n = d.units.len();
    let dist_unit =
        prop_oneof![400 => (0..n).prop_map(Some), 60 => Just(None)].prop_flat_map(move |i| {
            let (unit, f) = i.map_or((None, 1.0), |i| (Some(d.units[i].0), d.units[i].1));
            let scaled = Dim {
                lo: d.lo / f,
                hi: d.hi / f,
                ..d
            };
            (dist(scaled), Just(unit.map(toml_str)))
        });
    let bad_unit = prop_oneof![
        400 => Just(None),
        2 => prop::sample::select(WRONG_UNITS).prop_map(|u| Some(toml_str(u))),
        1 => (1usize..3000).prop_map(|n| Some(toml_str(&"u".repeat(n)))),
    ];
    let provenance = prop_oneof![
        400 => Just("assumption = \"fuzzing\"".to_owned()),
        10 => Just("claim = \"deepseek-v3-pretraining-gpu-hours\"".to_owned()),
        10 => Just("informed_by = [\"fz-a\"], assumption = \"fuzzing\"".to_owned()),
        1 => prop::sample::select(vec![
            "claim = \"fz-a\", assumption = \"both\"",
            "",
            "assumption = 3",
        ])
        .prop_map(str::to_owned),
    ];
    let dollars = prop_oneof![
        400 => Just(String::new()),
        10 => prop::sample::select(vec!["2020", "2023-03", "2024-12"])
            .prop_map(|y| format!(", dollars = \"{y}\"")),
        1 => prop::sample::select(vec!["1999", "2025-10", "2200", "x"])
            .prop_map(|y| format!(", dollars = \"{y}\"")),
    ];
    let extra = prop_oneof![
        400 => Just(String::new()),
        1 => prop::sample::select(vec![", value = 1.0", ", sd = 2.0"]).prop_map(str::to_owned),
    ];
    let table = (dist_unit, bad_unit, provenance, dollars, extra).prop_map(
        move |((dist, u), bad, p, y, x)| {
            let mut s = format!("{{ {dist}");
            if let Some(u) = bad.or(u) {
                s += &format!(", unit = {u}");
            }
            if !p.is_empty() {
                s += &format!(", {p}");
            }
            if d.money {
                s += &y;
            }
            s + &x + " }"
        },
    );
    prop_oneof![
        400 => table,
        1 => num(d),
        1 => Just("\"2.0\"".to_owned()),
        1 => Just("[]".to_owned()),
        1 => Just("{}".to_owned()),
    ]
    .boxed()
}

/// A date: existing, in the wrong calendar, out of range, not a date, or not a string.
fn date() -> impl Strategy<Value = String> {
    prop_oneof![
        400 => (2000i32..2026, 1u32..=12, 1u32..=28)
            .prop_map(|(y, m, d)| format!("\"{y:04}-{m:02}-{d:02}\"")),
        20 => (2015i32..2026, 1u32..=12).prop_map(|(y, m)| format!("\"{y:04}-{m:02}\"")),
        3 => prop::sample::select(vec![
            "\"2024-02-30\"", "\"2023-02-29\"", "\"2024-02-29\"", "\"yesterday\"", "\"0001-01-01\"",
            "\"1500-06-01\"", "\"9999-12-31\"", "\"2024-13-01\"", "\"2024-00-10\"", "\"2024-06-01T00:00:00\"",
            "\"\"", "\"2024-6-1\"", "2024-06-01", "20240601", "\"-2024-01-01\"",
        ])
        .prop_map(str::to_owned),
        1 => (1usize..3000).prop_map(|n| toml_str(&format!("2024-01-01{}", "9".repeat(n)))),
    ]
}

/// Two dates, in order mostly: `a = "..."` and `b = "..."`.
fn date_pair(a: &'static str, b: &'static str) -> Line {
    prop_oneof![
        20 => (2015i32..2025, 1u32..=12, 1u32..=28, 0i32..3).prop_map(move |(y, m, d, k)| vec![
            format!("{a} = \"{y:04}-{m:02}-{d:02}\""),
            format!("{b} = \"{:04}-{m:02}-{d:02}\"", y + k),
        ]),
        1 => (date(), date()).prop_map(move |(x, y)| vec![format!("{a} = {x}"), format!("{b} = {y}")]),
    ]
    .boxed()
}

/// A name: kebab-case mostly, else empty, long, odd.
fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        400 => "[a-z][a-z0-9-]{0,12}",
        1 => Just(String::new()),
        1 => "\\PC{0,8}",
        1 => (1usize..3000).prop_map(|n| "n".repeat(n)),
    ]
}

/// Lines of a table: none, one, or several.
type Line = BoxedStrategy<Vec<String>>;

/// `key = value` with probability `p`.
fn opt(p: f64, key: &'static str, v: impl Strategy<Value = String> + 'static) -> Line {
    prop::option::weighted(p, v.prop_map(move |v| format!("{key} = {v}")))
        .prop_map(|l| l.into_iter().collect())
        .boxed()
}

/// The lines of one of `ways`, chosen by weight: fields that go together (a stage's GPU-hours
/// one way, `[ownership]`'s dates or years), so that most files get past the first check.
fn ways(ways: Vec<(u32, Vec<Line>)>) -> Line {
    let choices: Vec<(u32, BoxedStrategy<Vec<String>>)> = ways
        .into_iter()
        .map(|(w, lines)| (w, lines.prop_map(|ls| ls.concat()).boxed()))
        .collect();
    proptest::strategy::Union::new_weighted(choices).boxed()
}

/// A quantity field with probability `p`.
fn q(p: f64, key: &'static str, d: Dim) -> Line {
    opt(p, key, quantity(d))
}

/// One of `choices` (TOML text) with probability `p`; those marked `!` (wrong) are picked
/// one time in a hundred.
fn pick(p: f64, key: &'static str, choices: &[&'static str]) -> Line {
    let good: Vec<&str> = choices
        .iter()
        .copied()
        .filter(|c| !c.starts_with('!'))
        .collect();
    let bad: Vec<&str> = choices.iter().filter_map(|c| c.strip_prefix('!')).collect();
    let v = if bad.is_empty() {
        prop::sample::select(good).boxed()
    } else {
        prop_oneof![99 => prop::sample::select(good), 1 => prop::sample::select(bad)].boxed()
    };
    opt(p, key, v.prop_map(str::to_owned))
}

/// The lines that are present, under `header` (none: the top level).
fn table(header: &'static str, lines: Vec<Line>) -> BoxedStrategy<String> {
    lines
        .prop_map(move |ls| {
            let mut s = String::new();
            if !header.is_empty() {
                s += &format!("\n{header}\n");
            }
            for l in ls.into_iter().flatten() {
                s += &l;
                s.push('\n');
            }
            s
        })
        .boxed()
}

/// A table present with probability `p` (else empty text).
fn maybe(p: f64, t: BoxedStrategy<String>) -> BoxedStrategy<String> {
    prop::option::weighted(p, t)
        .prop_map(Option::unwrap_or_default)
        .boxed()
}

fn top_level() -> BoxedStrategy<String> {
    table(
        "",
        vec![
            opt(0.995, "name", name().prop_map(|n| toml_str(&n))),
            opt(0.3, "title", name().prop_map(|n| toml_str(&n))),
            pick(
                0.5,
                "developer",
                &[
                    "\"DeepSeek\"",
                    "\"OpenAI\"",
                    "\"Google\"",
                    "\"Meta\"",
                    "!\"x\"",
                ],
            ),
            opt(0.6, "published", date()),
            pick(
                0.995,
                "dollars",
                &[
                    "\"2024\"",
                    "\"2024\"",
                    "\"2020-05\"",
                    "\"2023-03\"",
                    "!\"2025-10\"",
                    "!\"1999\"",
                    "!\"2101\"",
                    "!\"24\"",
                    "!2024",
                    "!\"\"",
                ],
            ),
            pick(
                0.2,
                "report_dollars",
                &[
                    "\"2023-12\"",
                    "\"2024\"",
                    "!\"2030\"",
                    "!\"1900\"",
                    "!\"2025-10\"",
                    "!\"x\"",
                ],
            ),
            pick(
                0.2,
                "index",
                &["\"cpi-u\"", "\"ppi-data-processing\"", "!\"ppi\"", "!1"],
            ),
            pick(
                0.95,
                "gpu",
                &[
                    "\"H800\"",
                    "\"H100\"",
                    "\"A100\"",
                    "\"V100\"",
                    "\"H20\"",
                    "\"H200\"",
                    "\"B200\"",
                    "\"TPU-v4\"",
                    "!\"h100\"",
                    "!\"Z999\"",
                    "!\"\"",
                ],
            ),
            pick(0.01, "pricing", &["\"nvidia-pricing\"", "!\"nope\""]),
            pick(
                0.15,
                "base",
                &[
                    "\"deepseek-v3\"",
                    "!\"fz\"",
                    "\"gpt-4\"",
                    "!\"nope\"",
                    "{ scenario = \"deepseek-v3\", stages = [\"pre-training\"] }",
                    "!{ scenario = \"deepseek-v3\", stages = [] }",
                    "!{ scenario = \"deepseek-v3\", stages = [\"nope\", \"pre-training\"] }",
                    "!{ scenario = \"deepseek-v3\" }",
                    "!{ scenario = \"deepseek-v3\", stages = [\"pre-training\"], extra = 1 }",
                ],
            ),
            q(0.95, "rental_price", RENTAL),
            pick(
                0.01,
                "rental_pricing",
                &[
                    "{ plugin = \"cloud-rental\", provider = \"AWS\" }",
                    "!{ plugin = 3 }",
                ],
            ),
        ],
    )
}

fn headline() -> BoxedStrategy<String> {
    table(
        "[headline]",
        vec![
            pick(
                0.9,
                "claim",
                &[
                    "\"deepseek-v3-total-training-cost-usd\"",
                    "\"fz-a\"",
                    "!\"\"",
                ],
            ),
            pick(
                0.5,
                "stages",
                &[
                    "[\"pre-training\"]",
                    "![]",
                    "![\"pre-training\", \"pre-training\"]",
                    "![\"nope\"]",
                    "[\"deepseek-v3 pre-training\"]",
                    "[\"pre-training\", \"fine-tuning\"]",
                ],
            ),
        ],
    )
}

/// A stage: a name, then GPU-hours one of three ways (or too few, or contradicting).
fn stage(header: &'static str) -> BoxedStrategy<String> {
    let name = opt(
        0.995,
        "name",
        prop_oneof![
            40 => Just("\"pre-training\"".to_owned()),
            20 => Just("\"fine-tuning\"".to_owned()),
            1 => name().prop_map(|n| toml_str(&n)),
        ],
    );
    // Which fields say the GPU-hours: each way's, mostly one way, sometimes two or none.
    let gpu_hours = ways(vec![
        (6, vec![q(0.995, "gpu_hours", GPU_HOURS)]),
        (3, vec![q(0.995, "gpus", GPUS), q(0.995, "hours", HOURS)]),
        (
            2,
            vec![
                q(0.995, "flop", FLOP),
                q(0.995, "mfu", FRACTION),
                q(0.3, "peak_flops", FLOP_RATE),
            ],
        ),
        (
            2,
            vec![
                q(0.995, "active_parameters", PARAMS),
                q(0.995, "tokens", TOKENS),
                q(0.995, "mfu", FRACTION),
                q(0.3, "peak_flops", FLOP_RATE),
            ],
        ),
        (
            1,
            vec![
                q(0.2, "gpu_hours", GPU_HOURS),
                q(0.2, "gpus", GPUS),
                q(0.2, "hours", HOURS),
                q(0.2, "flop", FLOP),
                q(0.2, "active_parameters", PARAMS),
                q(0.2, "tokens", TOKENS),
                q(0.2, "peak_flops", FLOP_RATE),
                q(0.2, "mfu", FRACTION),
            ],
        ),
    ]);
    table(
        header,
        vec![name, gpu_hours, q(0.15, "rental_price", RENTAL)],
    )
}

fn ownership() -> BoxedStrategy<String> {
    let main = table(
        "[ownership]",
        vec![
            pick(0.3, "uncertainty", &["\"epoch\"", "\"none\"", "!\"some\""]),
            q(0.995, "purchase_price", PRICE),
            ways(vec![
                (14, vec![date_pair("acquired", "training_start")]),
                (5, vec![q(0.995, "years_to_training_start", YEARS)]),
                (1, vec![]),
            ]),
            q(0.15, "depreciation_ooms_per_year", OOMS),
            q(0.15, "interconnect_multiplier", MULT),
            q(0.15, "tdp", WATTS),
            q(0.15, "server_power_ratio", MULT),
            q(0.15, "power_fraction", FRACTION),
            q(0.15, "pue", MULT),
            q(0.2, "electricity_price", ELECTRICITY),
            q(0.2, "electricity_price_factor", MULT),
            pick(0.1, "split_hardware", &["true", "false", "!\"yes\""]),
            q(0.15, "server_overhead", MULT),
        ],
    );
    let energy = table(
        "[ownership.energy]",
        vec![
            q(0.5, "kwh", ENERGY),
            q(0.5, "chips", GPUS),
            q(0.5, "chip_power", WATTS),
            q(0.5, "server_power_ratio", MULT),
            q(0.5, "power_fraction", FRACTION),
            q(0.5, "pue", MULT),
            q(0.5, "hours", HOURS),
        ],
    );
    (main, maybe(0.3, energy)).prop_map(|(a, b)| a + &b).boxed()
}

fn development() -> BoxedStrategy<String> {
    let refit_at = prop_oneof![
        (1.0..2.0f64, 2.0..6.0f64).prop_map(|(a, b)| format!("[{a:?}, {b:?}]")),
        prop::sample::select(vec![
            "[1.19, 4.01]",
            "[0.0, 4.0]",
            "[4.0, 1.2]",
            "[1.2]",
            "[1.2, 4.0, 5.0]",
            "[1.2, 1e308]",
            "[-1.0, 2.0]",
            "[1.2, nan]",
            "[2.0, 2.0]",
        ])
        .prop_map(str::to_owned),
    ];
    let main = table(
        "[development]",
        vec![
            pick(0.2, "basis", &["\"ownership\"", "\"rental\"", "!\"both\""]),
            ways(vec![
                (5, vec![q(0.995, "multiplier", MULT)]),
                (
                    5,
                    vec![
                        q(0.995, "factor", MULT),
                        pick(0.3, "below_one", &["\"none\"", "\"keep\"", "!\"drop\""]),
                        pick(
                            0.5,
                            "propagation",
                            &["\"per-sample\"", "\"refit\"", "!\"refit \""],
                        ),
                        opt(0.3, "refit_at", refit_at),
                    ],
                ),
                (1, vec![q(0.9, "multiplier", MULT), q(0.1, "factor", MULT)]),
            ]),
        ],
    );
    let stages = prop_oneof![
        30 => Just(Vec::new()),
        1 => prop::collection::vec(stage("[[development.stages]]"), 1..3),
    ];
    (main, stages).prop_map(|(a, s)| a + &s.concat()).boxed()
}

fn staff() -> BoxedStrategy<String> {
    let main = table("[staff]", vec![q(0.995, "duration", YEARS)]);
    let range = |lo: f64, hi: f64| {
        prop_oneof![
            4 => (lo..hi, lo..hi).prop_map(|(a, b)| format!("[{:?}, {:?}]", a.min(b), a.max(b))),
            1 => prop::sample::select(vec![
                "[0, 0]", "[-5, 10]", "[120, 60]", "[60]", "[1, 2, 3]", "[1e308, 1e308]",
                "[0.0, 1e4]", "[nan, 1]",
            ])
            .prop_map(str::to_owned),
        ]
    };
    let start = prop_oneof![
        100 => (date(), date()).prop_map(|(a, b)| format!("[{a}, {b}]")),
        1 => date().prop_map(|a| format!("[{a}]")),
        1 => Just("\"2020-01-01\"".to_owned()),
    ];
    let project = table(
        "[staff.project]",
        vec![
            opt(0.995, "start", start),
            opt(0.5, "end", date()),
            opt(0.4, "end_delay_days", range(1.0, 400.0)),
            opt(
                0.3,
                "minimum_days",
                prop_oneof![
                    (0.0..400.0f64).prop_map(|x| format!("{x:?}")),
                    prop::sample::select(vec!["-1.0", "1e308", "3652.5", "3653.0", "nan", "15"])
                        .prop_map(str::to_owned),
                ],
            ),
            pick(0.995, "assumption", &["\"fuzzing\"", "!\"\"", "!1"]),
        ],
    );
    let group = table(
        "[[staff.groups]]",
        vec![
            opt(
                0.995,
                "role",
                prop_oneof![4 => Just("\"researchers\"".to_owned()), 1 => name().prop_map(|n| toml_str(&n))],
            ),
            q(0.995, "headcount", PEOPLE),
            q(0.995, "compensation", PAY),
            pick(
                0.05,
                "salary",
                &[
                    "{ plugin = \"salary-cn\", role = \"researcher\", year = 2024 }",
                    "{ plugin = \"salary-us\", role = \"engineer\", year = 1500 }",
                ],
            ),
            q(0.3, "overhead", MULT),
            q(0.995, "fte", FRACTION),
            q(0.3, "equity", PAY),
            pick(
                0.2,
                "equity_draws",
                &["\"per-sample\"", "\"once\"", "!\"twice\""],
            ),
            pick(
                0.2,
                "draws",
                &["\"per-person\"", "\"shared\"", "!\"pooled\""],
            ),
        ],
    );
    // `duration` or `[staff.project]`, seldom both or neither.
    let when = prop_oneof![
        14 => main.clone(),
        5 => project.clone().prop_map(|p| format!("\n[staff]{p}")),
        1 => (main, project).prop_map(|(m, p)| m + &p),
        1 => Just("\n[staff]\n".to_owned()),
    ];
    (when, prop::collection::vec(group, 1..3))
        .prop_map(|(a, g)| a + &g.concat())
        .boxed()
}

fn fleet() -> BoxedStrategy<String> {
    table(
        "[fleet]",
        vec![
            q(0.995, "gpus", GPUS),
            q(0.995, "price_per_gpu", PRICE),
            q(0.995, "overhead", MULT),
            q(
                0.995,
                "lifetime",
                Dim {
                    units: &[("years", 1.0), ("months", 1.0 / 12.0)],
                    lo: 2.0,
                    hi: 8.0,
                    money: false,
                },
            ),
            q(0.4, "power_per_gpu", WATTS),
            q(0.3, "pue", MULT),
            q(0.3, "electricity_price", ELECTRICITY),
            q(0.995, "other_opex", FRACTION),
        ],
    )
}

/// A whole scenario file.
fn scenario_file() -> impl Strategy<Value = String> {
    (
        top_level(),
        maybe(0.2, headline()),
        prop_oneof![
            1 => Just(Vec::new()),
            99 => prop::collection::vec(stage("[[stages]]"), 1..4),
        ],
        maybe(0.4, ownership()),
        maybe(0.4, development()),
        maybe(0.35, staff()),
        maybe(0.25, fleet()),
    )
        .prop_map(|(top, h, stages, o, d, s, f)| {
            // Stages after the first get names of their own (a repeat is an error: rare).
            let stages: String = stages
                .iter()
                .enumerate()
                .map(|(k, st)| {
                    if k == 0 {
                        st.clone()
                    } else {
                        st.replacen(
                            "name = \"pre-training\"",
                            &format!("name = \"stage-{k}\""),
                            1,
                        )
                        .replacen(
                            "name = \"fine-tuning\"",
                            &format!("name = \"tuning-{k}\""),
                            1,
                        )
                    }
                })
                .collect();
            top + &h + &stages + &o + &d + &s + &f
        })
}

// ---------------------------------------------------------------------------------------------
// Mutations of the built-in scenarios

/// Byte ranges of the numbers in `src` (digits with a sign, a point and an exponent).
fn numbers(src: &str) -> Vec<(usize, usize)> {
    let b = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let starts = b[i].is_ascii_digit() && (i == 0 || !b[i - 1].is_ascii_alphanumeric());
        if !starts {
            i += 1;
            continue;
        }
        let start = if i > 0 && b[i - 1] == b'-' { i - 1 } else { i };
        let mut j = i;
        while j < b.len()
            && (b[j].is_ascii_digit()
                || b[j] == b'.'
                || b[j] == b'_'
                || ((b[j] == b'e' || b[j] == b'E') && j + 1 < b.len())
                || ((b[j] == b'-' || b[j] == b'+') && (b[j - 1] == b'e' || b[j - 1] == b'E')))
        {
            j += 1;
        }
        out.push((start, j));
        i = j;
    }
    out
}

/// Extremes a number may be replaced by.
const EXTREMES: &[&str] = &[
    "0",
    "0.0",
    "-1",
    "-1e308",
    "1e-300",
    "5e-324",
    "1e308",
    "1.7976931348623157e308",
    "1e400",
    "nan",
    "inf",
    "-inf",
    "1e16",
    "1e30",
    "9223372036854775807",
    "99999999999999999999",
];

/// One edit of `src`, chosen by `kind` and positioned by `a`, `b` (fractions of the text).
fn mutate(src: &str, kind: u8, a: f64, b: f64, extreme: &str) -> String {
    let lines: Vec<&str> = src.split_inclusive('\n').collect();
    let nums = numbers(src);
    let at = |f: f64, n: usize| ((f * n as f64) as usize).min(n.saturating_sub(1));
    match kind {
        // Delete a line.
        0 => {
            let i = at(a, lines.len());
            lines
                .iter()
                .enumerate()
                .filter(|&(j, _)| j != i)
                .map(|(_, l)| *l)
                .collect()
        }
        // Duplicate a line.
        1 => {
            let i = at(a, lines.len());
            let mut out = String::new();
            for (j, l) in lines.iter().enumerate() {
                out += l;
                if j == i {
                    if !l.ends_with('\n') {
                        out.push('\n');
                    }
                    out += l;
                }
            }
            out
        }
        // Swap two numbers.
        2 if nums.len() >= 2 => {
            let (i, j) = (at(a, nums.len()), at(b, nums.len()));
            let (i, j) = (i.min(j), i.max(j));
            if i == j {
                return src.to_owned();
            }
            let (x, y) = (nums[i], nums[j]);
            format!(
                "{}{}{}{}{}",
                &src[..x.0],
                &src[y.0..y.1],
                &src[x.1..y.0],
                &src[x.0..x.1],
                &src[y.1..]
            )
        }
        // Replace a number by an extreme.
        3 if !nums.is_empty() => {
            let (s, e) = nums[at(a, nums.len())];
            format!("{}{extreme}{}", &src[..s], &src[e..])
        }
        // Scale a number by a power of ten.
        4 if !nums.is_empty() => {
            let (s, e) = nums[at(a, nums.len())];
            let k = (b * 40.0) as i32 - 20;
            match src[s..e].replace('_', "").parse::<f64>() {
                Ok(x) => format!("{}{:?}{}", &src[..s], x * 10f64.powi(k), &src[e..]),
                Err(_) => src.to_owned(),
            }
        }
        // Cut the file short.
        _ => {
            let mut cut = at(a, src.len() + 1);
            while !src.is_char_boundary(cut) {
                cut -= 1;
            }
            src[..cut].to_owned()
        }
    }
}

/// A built-in scenario with one to three edits.
fn mutated_builtin() -> impl Strategy<Value = String> {
    let edit = (
        0u8..6,
        0.0..1.0f64,
        0.0..1.0f64,
        prop::sample::select(EXTREMES),
    );
    (
        prop::sample::select(scenario::builtin_names()),
        prop::collection::vec(edit, 1..4),
    )
        .prop_map(|(name, edits)| {
            let mut src = scenario::builtin_source(name).unwrap().to_owned();
            for (kind, a, b, x) in edits {
                src = mutate(&src, kind, a, b, x);
            }
            src
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(512)))]

    /// Generated files parse, build, compile and estimate, or fail located and short.
    #[test]
    fn generated_scenarios_estimate_or_fail_located(src in scenario_file()) {
        check(&src);
    }

    /// Edited built-ins too (lines lost or repeated, numbers swapped or extreme, cut short).
    #[test]
    fn mutated_builtins_estimate_or_fail_located(src in mutated_builtin()) {
        check(&src);
    }
}

/// The scenario reproducers of issue 15, generated in the test.
mod corpus {
    use super::*;

    /// deepseek-v3 with `from` replaced by `to` (which must occur).
    fn deepseek_v3_with(from: &str, to: &str) -> String {
        let src = scenario::builtin_source("deepseek-v3").unwrap();
        assert!(src.contains(from), "{from} not in deepseek-v3");
        src.replacen(from, to, 1)
    }

    const MULTIPLIER: &str = r#"multiplier = { uniform = [2.0, 4.0], unit = "x", claim = "lambert-deepseek-v3-experiment-compute-multiple" }"#;

    /// The error of a refused file, whether parsing or building refused it.
    fn refused(src: &str) -> (ScenarioError, String) {
        match check(src) {
            Outcome::Parse(e) | Outcome::Spec(e) => {
                let shown = e.render("fuzz.toml", src);
                (e, shown)
            }
            other => panic!("the file should be refused: {other:?}"),
        }
    }

    fn refused_at(src: &str, field: &str, says: &str) {
        let (e, shown) = refused(src);
        assert_eq!(e.field.as_deref(), Some(field), "{shown}");
        assert!(shown.contains(says), "{shown}");
    }

    fn estimates(src: &str) -> Estimate {
        match check(src) {
            Outcome::Ok(e) => *e,
            other => panic!("the file should estimate: {other:?}"),
        }
    }

    /// A lognormal with a 5th percentile of 1e-150 panicked in the percentile sketch.
    #[test]
    fn extreme_range_gives_finite_percentiles() {
        let src = deepseek_v3_with(
            MULTIPLIER,
            r#"multiplier = { lognormal = [1e-150, 4.0], unit = "x", assumption = "fuzzing" }"#,
        );
        estimates(&src);
    }

    /// `acquired = "0001-01-01"` made the sketch panic; years like 1500 were accepted.
    #[test]
    fn dates_out_of_range_are_refused() {
        for year in ["0001", "1500", "2101"] {
            let src = deepseek_v3_with(
                r#"acquired = "2023-06-19""#,
                &format!(r#"acquired = "{year}-06-19""#),
            );
            refused_at(&src, "ownership.acquired", "outside 1950 to 2100");
        }
    }

    /// `published = "yesterday"` or `"2024-02-30"` was accepted without a word.
    #[test]
    fn dates_that_do_not_exist_are_refused() {
        for (date, says) in [("yesterday", "published"), ("2024-02-30", "29 days")] {
            let src = deepseek_v3_with(
                r#"published = "2024-12-27""#,
                &format!(r#"published = "{date}""#),
            );
            refused_at(&src, "published", says);
        }
    }

    /// `acquired` after `training_start` raised ownership 44% without a word.
    #[test]
    fn acquired_after_training_start_is_refused() {
        let src = deepseek_v3_with(r#"acquired = "2023-06-19""#, r#"acquired = "2024-10-01""#);
        let (e, shown) = refused(&src);
        assert!(
            e.field
                .as_deref()
                .is_some_and(|f| f.starts_with("ownership.")),
            "{shown}"
        );
    }

    /// A price of 1e308, fleet `lifetime = 0`, `mfu = 0`, `samples = [1e308, 1e308]` gave
    /// `inf`/`NaN` figures with exit 0; each is refused by name.
    #[test]
    fn overflow_and_division_by_zero_are_refused_by_name() {
        for (from, to, field) in [
            (
                r#"rental_price = { value = 2.0, unit = "USD/GPU-hour""#,
                r#"rental_price = { value = 1e308, unit = "USD/GPU-hour""#,
                "rental_price",
            ),
            (
                r#"lifetime = { uniform = [4.0, 6.0]"#,
                r#"lifetime = { value = 0.0"#,
                "fleet.lifetime",
            ),
            (
                MULTIPLIER,
                r#"multiplier = { samples = [1e308, 1e308], unit = "x", assumption = "fuzzing" }"#,
                "development.multiplier",
            ),
            (
                MULTIPLIER,
                r#"multiplier = { lognormal = [1.0, 1e300], unit = "x", assumption = "fuzzing" }"#,
                "development.multiplier",
            ),
        ] {
            refused_at(&deepseek_v3_with(from, to), field, "not physical");
        }
        let stage =
            r#"gpu_hours = { value = 119000, claim = "deepseek-v3-context-extension-gpu-hours" }"#;
        for mfu in ["0.0", "50"] {
            let src = deepseek_v3_with(
                stage,
                &format!(
                    r#"flop = {{ value = 1e23, assumption = "f" }}
mfu = {{ value = {mfu}, assumption = "f" }}"#
                ),
            );
            refused_at(&src, "stages.context-extension.mfu", "not physical");
        }
    }

    /// A final run that costs nothing (a rental price of 0, within its bounds) made every
    /// estimate fail on its multiples ("x final run": 0 / 0) instead of leaving them
    /// undefined as docs/REPORTS.md says (found by this harness).
    #[test]
    fn a_zero_final_run_leaves_its_multiples_undefined() {
        let src = deepseek_v3_with(
            r#"rental_price = { value = 2.0, unit = "USD/GPU-hour""#,
            r#"rental_price = { value = 0.0, unit = "USD/GPU-hour""#,
        );
        let est = estimates(&src);
        let run = est.figure("final-run-rental").unwrap();
        assert_eq!((run.p5, run.p50, run.p95), (0.0, 0.0, 0.0));
        let dev = est.figure("development-compute-rental").unwrap();
        let m = dev
            .multiples
            .iter()
            .find(|m| m.of == "final-run-rental")
            .unwrap();
        assert!(m.p50.is_nan() && m.central.is_nan(), "{m:?}");
        // The ownership basis still has its multiples.
        let owned: Vec<f64> = est
            .figures()
            .iter()
            .flat_map(|(f, _)| &f.multiples)
            .filter(|m| m.of == "final-run-ownership")
            .map(|m| m.p50)
            .collect();
        assert!(
            !owned.is_empty() && owned.iter().all(|x| x.is_finite()),
            "{owned:?}"
        );
    }

    /// `fte` and `other_opex` of 99 were accepted; a percentage is a fraction.
    #[test]
    fn fractions_above_one_are_refused() {
        for (from, to, field) in [
            (
                r#"fte = { uniform = [0.3, 0.8]"#,
                r#"fte = { value = 99.0"#,
                "staff.groups.research and engineering.fte",
            ),
            (
                r#"other_opex = { uniform = [0.03, 0.10]"#,
                r#"other_opex = { value = 99.0"#,
                "fleet.other_opex",
            ),
        ] {
            refused_at(&deepseek_v3_with(from, to), field, "not physical");
        }
        // In percent, 40 is 0.4.
        estimates(&deepseek_v3_with(
            r#"fte = { uniform = [0.3, 0.8], unit = "fraction""#,
            r#"fte = { value = 40, unit = "%""#,
        ));
    }

    /// `lognormal = [a, b, c]` and a six-number `pert` took the first numbers and ignored
    /// the rest.
    #[test]
    fn extra_distribution_parameters_are_refused() {
        for (to, says) in [
            ("lognormal = [2.0, 4.0, 6.0]", "`lognormal` takes 2 numbers"),
            (
                "pert = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]",
                "`pert` takes 3 numbers",
            ),
        ] {
            let src = deepseek_v3_with("uniform = [2.0, 4.0]", to);
            let (_, shown) = refused(&src);
            assert!(shown.contains(says), "{shown}");
        }
    }

    /// Counts did not mix-check: `gpus` in `"T tokens"` multiplied every cost by 1e12, a
    /// `headcount` in `"GPUs"` passed.
    #[test]
    fn counts_do_not_mix() {
        let src = deepseek_v3_with(
            r#"unit = "GPUs", informed_by"#,
            r#"unit = "T tokens", informed_by"#,
        );
        refused_at(&src, "fleet.gpus", "T tokens");
        let src = deepseek_v3_with(r#"unit = "people""#, r#"unit = "GPUs""#);
        refused_at(
            &src,
            "staff.groups.research and engineering.headcount",
            "GPUs",
        );
    }

    /// `base` naming the scenario's own name counted its stages twice.
    #[test]
    fn base_naming_itself_is_refused() {
        let src = deepseek_v3_with(r#"gpu = "H800""#, "gpu = \"H800\"\nbase = \"deepseek-v3\"");
        refused_at(&src, "base", "deepseek-v3");
    }

    /// `[headline] stages` with a repeated stage doubled the rebuilt headline; an empty list
    /// gave -0.0.
    #[test]
    fn headline_stages_repeated_or_empty_are_refused() {
        let claim = r#"claim = "deepseek-v3-total-training-cost-usd""#;
        for stages in ["[]", r#"["pre-training", "pre-training"]"#] {
            let src = deepseek_v3_with(claim, &format!("{claim}\nstages = {stages}"));
            refused_at(&src, "headline.stages", "");
        }
    }

    /// A 3,000-character unit, date, GPU, dollar year or enum value was quoted whole in the
    /// error (issue 15, found by this harness): every quote of the input is cut short.
    #[test]
    fn long_input_is_quoted_short() {
        let long = "u".repeat(3_000);
        for (from, to, field) in [
            (
                r#"unit = "GPU-hours", claim"#,
                format!(r#"unit = "{long}", claim"#),
                Some("stages.pre-training.gpu_hours"),
            ),
            (
                r#"published = "2024-12-27""#,
                format!(r#"published = "2024-12-27{long}""#),
                Some("published"),
            ),
            (
                r#"acquired = "2023-06-19""#,
                format!(r#"acquired = "{long}""#),
                Some("ownership.acquired"),
            ),
            (r#"gpu = "H800""#, format!(r#"gpu = "{long}""#), Some("gpu")),
            (
                r#"dollars = "2024""#,
                format!(r#"dollars = "{long}""#),
                Some("dollars"),
            ),
            (
                r#"gpu = "H800""#,
                format!("gpu = \"H800\"\nindex = \"{long}\""),
                None,
            ),
        ] {
            let (e, shown) = refused(&deepseek_v3_with(from, &to));
            assert_eq!(e.field.as_deref(), field, "{shown}");
            assert!(shown.len() < 600, "{} bytes: {shown}", shown.len());
            assert!(shown.contains(" more characters)"), "{shown}");
        }
    }

    /// Errors in Rust's words: "invalid type: integer ... expected f64", a recursion limit
    /// with no line. They say what is wrong, in the file's terms, and where.
    #[test]
    fn toml_errors_are_explained_and_located() {
        let src = deepseek_v3_with(
            MULTIPLIER,
            r#"multiplier = { uniform = [2.0, 99999999999999999999], unit = "x", assumption = "f" }"#,
        );
        let (e, shown) = refused(&src);
        assert!(e.span.is_some(), "{shown}");
        assert!(!shown.contains("invalid type"), "{shown}");
        let deep = format!("{}name = \"x\"\n", "a.".repeat(200));
        let (e, shown) = refused(&deep);
        assert!(e.span.is_some(), "{shown}");
        assert!(shown.contains("nested too deeply"), "{shown}");
        let deep = format!("x = {}1{}\n", "[".repeat(5_000), "]".repeat(5_000));
        let (_, shown) = refused(&deep);
        assert!(shown.contains("nested too deeply"), "{shown}");
    }
}
