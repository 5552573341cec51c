//! Fuzzing the claims loader on stable, in CI, for a bounded time (issue 15).
//!
//! Structured generators build claims files (claims, relations, conflict groups, with deep
//! and long expressions, odd ids and operators), then mutate them; every file loads or is
//! refused with problems that name a place (file, line, and what they are about). No input
//! may panic or overflow the stack. `corpus` keeps each reproducer of issue 15 as a
//! regression test, generated here rather than committed as multi-megabyte files.
//!
//! The case counts keep the whole file under about 20 s in a debug build; raise
//! `PROPTEST_CASES` locally to fuzz longer.

use proptest::prelude::*;
use traincost_claims::{ClaimSet, LoadError, MAX_EXPR_DEPTH, Problem};

/// A valid claim table with this id and value (in USD).
fn claim(id: &str, value: u32) -> String {
    format!(
        r#"
[[claim]]
id = "{id}"
subject = "NVIDIA H100"
quantity = "price per GPU"
value = {value}
unit = "USD per GPU"
qualifier = "exact"
claimant = "A reseller"
source_title = "Quote"
source_url = "https://example.com/quote"
published = "2025-03-04"
quote = "the price is {value} USD"
"#
    )
}

fn relation(id: &str, left: &str, op: &str, right: &str) -> String {
    format!(
        "\n[[relation]]\nid = {}\ndescription = \"d\"\nleft = {}\nop = {}\nright = {}\n",
        toml_str(id),
        toml_str(left),
        toml_str(op),
        toml_str(right)
    )
}

fn conflict(id: &str, claims: &[String]) -> String {
    let list: Vec<String> = claims.iter().map(|c| toml_str(c)).collect();
    format!(
        "\n[[conflict]]\nid = {}\ntitle = \"t\"\nclaims = [{}]\n",
        toml_str(id),
        list.join(", ")
    )
}

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

/// Merges `src` as `fuzz.toml` into the built-in set.
fn load(src: &str) -> Result<ClaimSet, LoadError> {
    ClaimSet::builtin().merge_str("fuzz.toml", src)
}

/// Every problem names the file and a line (or, for a file-level problem, at least a field
/// or record), and keeps its quotes of the input short.
fn assert_located(err: &LoadError, src_len: usize) {
    assert!(!err.problems.is_empty());
    for p in &err.problems {
        assert_eq!(p.file, "fuzz.toml", "{p}");
        assert!(
            p.line.is_some() || p.field.is_some() || p.claim_id.is_some(),
            "problem without a place: {p}"
        );
        if let Some(line) = p.line {
            assert!(line >= 1 && line <= src_len + 1, "line {line}: {p}");
        }
        assert!(
            p.to_string().len() < 2_000,
            "a problem quotes too much: {} bytes",
            p.to_string().len()
        );
    }
}

/// Loads `src`: it loads, or fails with located problems. Never a panic.
fn check(src: &str) -> Option<ClaimSet> {
    match load(src) {
        Ok(set) => {
            // What loads is checked the same way by `claims check`: no relation error.
            let report = set.check_as_of("2030-01-01".parse().unwrap());
            for r in &report.relations {
                assert!(r.error.is_none(), "{}: {:?}", r.relation.id, r.error);
            }
            Some(set)
        }
        Err(e) => {
            assert_located(&e, src.lines().count());
            None
        }
    }
}

/// Expressions: numbers, known and unknown ids, operators, parentheses, unary minus,
/// nested up to a little past the depth limit.
fn expr() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        (0u32..1000).prop_map(|n| n.to_string()),
        Just("0".to_owned()),
        Just("1e308".to_owned()),
        Just("fz-a".to_owned()),
        Just("fz-b".to_owned()),
        Just("deepseek-v3-total-gpu-hours".to_owned()),
        "[a-z][a-z0-9-]{0,12}",
    ];
    leaf.prop_recursive(8, 64, 6, |inner| {
        prop_oneof![
            (
                inner.clone(),
                prop::sample::select(vec![" + ", " - ", " * ", " / ", "+", "×"]),
                inner.clone()
            )
                .prop_map(|(a, op, b)| format!("{a}{op}{b}")),
            inner.clone().prop_map(|a| format!("({a})")),
            inner.clone().prop_map(|a| format!("-{a}")),
            (inner, 1usize..=MAX_EXPR_DEPTH + 2).prop_map(|(a, n)| format!(
                "{}{a}{}",
                "(".repeat(n),
                ")".repeat(n)
            )),
        ]
    })
}

/// Ids: kebab-case mostly, with the ways they go wrong.
fn id() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "fz-[a-z0-9]{1,8}",
        1 => "[A-Za-z_ ]{0,6}",
        1 => Just(String::new()),
        1 => (1usize..400).prop_map(|n| format!("fz-{}", "x".repeat(n))),
    ]
}

/// A whole claims file: two claims the relations can use, then random relations and groups.
fn claims_file() -> impl Strategy<Value = String> {
    let rel = (
        id(),
        expr(),
        prop::sample::select(vec!["=", "==", "<=", ">=", "<", "=>", ""]),
        expr(),
    )
        .prop_map(|(i, l, op, r)| relation(&i, &l, op, &r));
    let group = (
        id(),
        prop::collection::vec(
            prop_oneof![
                Just("fz-a".to_owned()),
                Just("fz-b".to_owned()),
                Just("deepseek-v3-total-gpu-hours".to_owned()),
                id(),
            ],
            0..4,
        ),
    )
        .prop_map(|(i, cs)| conflict(&i, &cs));
    (
        prop::collection::vec(rel, 0..4),
        prop::collection::vec(group, 0..3),
        1u32..100_000,
    )
        .prop_map(|(rels, groups, v)| {
            let mut src = claim("fz-a", v) + &claim("fz-b", v.saturating_mul(2));
            for r in rels {
                src += &r;
            }
            for g in groups {
                src += &g;
            }
            src
        })
}

/// Edits of a text: insert, delete or duplicate a span.
fn mutated(src: String) -> impl Strategy<Value = String> {
    let len = src.len();
    (0..=len, 0..=len, "\\PC{0,6}", 0u8..3).prop_map(move |(a, b, junk, kind)| {
        let (mut a, mut b) = (a.min(b), a.max(b));
        while !src.is_char_boundary(a) {
            a -= 1;
        }
        while !src.is_char_boundary(b) {
            b -= 1;
        }
        match kind {
            0 => format!("{}{junk}{}", &src[..a], &src[a..]),
            1 => format!("{}{}", &src[..a], &src[b..]),
            _ => format!("{}{}{}", &src[..b], &src[a..b], &src[b..]),
        }
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Generated files load or are refused with located problems.
    #[test]
    fn generated_files_load_or_fail_located(src in claims_file()) {
        check(&src);
    }

    /// Mutated generated files too (broken TOML, cut tables, duplicated keys).
    #[test]
    fn mutated_files_load_or_fail_located(src in claims_file().prop_flat_map(mutated)) {
        check(&src);
    }

    /// An expression alone: parses or says why; what parses evaluates (or errs) and prints
    /// as text that parses to the same value.
    #[test]
    fn expressions_parse_evaluate_and_print(e in expr()) {
        if let Ok(x) = traincost_claims::Expr::parse(&e) {
            let v = x.eval(&|_| Some(3.0));
            let again = traincost_claims::Expr::parse(&x.to_string()).unwrap();
            let w = again.eval(&|_| Some(3.0));
            match (v, w) {
                (Ok(a), Ok(b)) => prop_assert!(a == b || (a.is_nan() && b.is_nan()), "{a} vs {b}"),
                (Err(a), Err(b)) => prop_assert_eq!(a, b),
                (a, b) => prop_assert!(false, "{a:?} vs {b:?}"),
            }
        }
    }
}

/// The reproducers of issue 15, generated in the test.
mod corpus {
    use super::*;

    /// The load error of a file that must be refused (without printing a whole set).
    fn refused(src: &str) -> LoadError {
        match load(src) {
            Ok(_) => panic!("the file should be refused"),
            Err(e) => e,
        }
    }

    fn one_problem(src: &str) -> Problem {
        let err = refused(src);
        assert_located(&err, src.lines().count());
        assert_eq!(err.problems.len(), 1, "{err}");
        err.problems[0].clone()
    }

    /// 20,000 nested parentheses overflowed the stack (every command given `--claims`).
    #[test]
    fn deeply_nested_expression() {
        let left = format!("{}1{}", "(".repeat(20_000), ")".repeat(20_000));
        let src = claim("fz-a", 1) + &relation("fz-deep", &left, "=", "1");
        let p = one_problem(&src);
        assert_eq!(
            (p.line, p.claim_id.as_deref(), p.field.as_deref()),
            (Some(18), Some("fz-deep"), Some("left"))
        );
        assert!(
            p.message.contains("nested deeper than 64 levels"),
            "{}",
            p.message
        );
        assert!(p.to_string().len() < 400, "{p}");
        // Unary minus signs nest too.
        let src = claim("fz-a", 1) + &relation("fz-neg", "1", "=", &"- ".repeat(30_000));
        assert_eq!(one_problem(&src).field.as_deref(), Some("right"));
    }

    /// 30,000 flat terms overflowed the stack in `claims check`; they load and check.
    #[test]
    fn long_flat_expression() {
        let left = vec!["fz-a"; 30_000].join(" + ");
        let src = claim("fz-a", 1) + &relation("fz-flat", &left, "=", "30000");
        let set = load(&src).unwrap();
        let report = set.check_as_of("2030-01-01".parse().unwrap());
        let r = report
            .relations
            .iter()
            .find(|r| r.relation.id == "fz-flat")
            .unwrap();
        assert!(r.holds, "{:?}", r.error);
        assert_eq!(r.left, Some(30_000.0));
        // As many distinct unknown ids: a few problems, not 30,000.
        let unknown: Vec<String> = (0..30_000).map(|i| format!("fz-unknown-{i}")).collect();
        let src = claim("fz-a", 1) + &relation("fz-flat", &unknown.join(" + "), "=", "1");
        let err = refused(&src);
        assert_eq!(
            err.problems.len(),
            traincost_claims::MAX_PROBLEMS_PER_FIELD,
            "{err}"
        );
    }

    /// A 4 MB unknown id took 24 s (edit distance to every id) and printed 8 MB.
    #[test]
    fn huge_unknown_id() {
        let huge = format!("fz-{}", "x".repeat(4 << 20));
        let set = ClaimSet::builtin();
        let err = set.resolve(&huge).unwrap_err();
        let shown = err.to_string();
        assert!(shown.len() < 300, "{} bytes", shown.len());
        assert!(shown.contains("more characters"), "{shown}");
        assert!(set.suggest(&huge).is_empty());
        // In a file: a relation and a group citing it, and a claim with it as its id.
        let src = claim("fz-a", 1)
            + &relation("fz-r", &huge, "=", "1")
            + &conflict("fz-g", &["fz-a".to_owned(), huge.clone()]);
        let err = refused(&src);
        assert_located(&err, src.lines().count());
        assert_eq!(err.problems.len(), 2, "{err}");
        // A claim with it as its id: ids are at most 100 characters.
        let err = refused(&claim(&huge, 1));
        assert_located(&err, 20);
        assert!(err.to_string().len() < 2_000);
        assert!(err.to_string().contains("longer than 100"), "{err}");
    }

    /// Relation and conflict ids follow the kebab-case rule of claim ids.
    #[test]
    fn relation_and_conflict_ids_are_kebab_case() {
        let base = claim("fz-a", 1) + &claim("fz-b", 1);
        let p = one_problem(&(base.clone() + &relation("Fz_R", "fz-a", "=", "fz-b")));
        assert_eq!(
            (p.claim_id.as_deref(), p.field.as_deref()),
            (Some("Fz_R"), Some("id"))
        );
        assert!(p.message.contains("not kebab-case"), "{p}");
        let group = conflict("fz g", &["fz-a".to_owned(), "fz-b".to_owned()]);
        let p = one_problem(&(base + &group));
        assert_eq!(
            (p.claim_id.as_deref(), p.field.as_deref()),
            (Some("fz g"), Some("id"))
        );
    }

    /// A conflict group of 0 or 1 claims (or one claim twice) compares nothing.
    #[test]
    fn conflict_groups_need_two_claims() {
        let base = claim("fz-a", 1) + &claim("fz-b", 1);
        for claims in [vec![], vec!["fz-a"], vec!["fz-a", "fz-a"]] {
            let claims: Vec<String> = claims.into_iter().map(str::to_owned).collect();
            let err = refused(&(base.clone() + &conflict("fz-g", &claims)));
            assert_located(&err, 40);
            assert!(
                err.problems
                    .iter()
                    .any(|p| p.message.contains("at least two claims")),
                "{err}"
            );
        }
        assert!(load(&(base + &conflict("fz-g", &["fz-a".into(), "fz-b".into()]))).is_ok());
    }

    /// `op = "=="` was read as `=`; it is refused with the fix.
    #[test]
    fn double_equals_is_refused() {
        let src = claim("fz-a", 1) + &relation("fz-r", "fz-a", "==", "1");
        let p = one_problem(&src);
        assert_eq!(p.field.as_deref(), Some("op"));
        assert!(
            p.hint.as_deref().unwrap_or("").contains(r#"op = "=""#),
            "{p}"
        );
    }

    /// What `claims check` refuses (division by zero, mixed units, a side that overflows) is
    /// refused by the loader every command uses.
    #[test]
    fn relations_claims_check_rejects_do_not_load() {
        let base = claim("fz-a", 1);
        for (left, right, field, says) in [
            ("fz-a / 0", "1", "left", "division by zero"),
            (
                "fz-a + deepseek-v3-total-gpu-hours",
                "1",
                "left",
                "a sum must be in one unit",
            ),
            ("fz-a", "deepseek-v3-total-gpu-hours", "right", "same unit"),
            ("1", "1e308 * 1e308", "right", "not a finite number"),
        ] {
            let p = one_problem(&(base.clone() + &relation("fz-r", left, "=", right)));
            assert_eq!(p.field.as_deref(), Some(field), "{p}");
            assert!(p.message.contains(says), "{p}");
        }
    }
}
