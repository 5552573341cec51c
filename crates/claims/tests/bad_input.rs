//! Users' claims files: a file in the original format loads; each kind of bad input gives
//! one located problem (file, line, claim id, field) and never a panic.

use traincost_claims::{ClaimSet, LoadError, Problem, Status};

const GOOD: &str = r#"# my claims
[[claim]]
id = "my-h100-quote"
subject = "NVIDIA H100"
quantity = "price per GPU"
value = 27000.0
unit = "USD per GPU"
qualifier = "exact"
claimant = "A reseller"
source_title = "Quote 1234"
source_url = "https://example.com/quote/1234"
published = "2025-03-04"
quote = "H100 SXM, $27,000 per unit, delivery in May"
notes = "List price, before discounts."
verified = true
checked_in = "The PDF quote."
"#;

fn merge(src: &str) -> Result<ClaimSet, LoadError> {
    ClaimSet::builtin().merge_str("mine.toml", src)
}

fn one_problem(src: &str) -> Problem {
    let err = merge(src).expect_err("the file should be rejected");
    assert_eq!(err.problems.len(), 1, "{err}");
    err.problems[0].clone()
}

fn assert_located(p: &Problem, line: usize, id: &str, field: &str) {
    assert_eq!(p.file, "mine.toml", "{p}");
    assert_eq!(p.line, Some(line), "{p}");
    assert_eq!(p.claim_id.as_deref(), Some(id), "{p}");
    assert_eq!(p.field.as_deref(), Some(field), "{p}");
    let shown = p.to_string();
    assert!(shown.starts_with(&format!("mine.toml:{line}")), "{shown}");
    assert!(shown.contains(id) && shown.contains(field), "{shown}");
}

#[test]
fn a_good_file_merges() {
    let set = merge(GOOD).unwrap();
    let c = set.get("my-h100-quote").unwrap();
    assert_eq!(c.status, Status::Verified);
    assert_eq!(c.origin.to_string(), "mine.toml:2");
    assert_eq!(set.len(), ClaimSet::builtin().len() + 1);
}

#[test]
fn the_original_format_loads_with_erroneous_flags_read_from_notes() {
    // A claim exactly as in shared/domain/claims.toml (no status, no tags), new id.
    let src = r#"
[[claim]]
id = "my-copy-of-the-typo"
subject = "DeepSeek-V3"
quantity = "final training run cost (as printed, erroneous)"
value = 5576000000.0
unit = "USD"
qualifier = "exact"
claimant = "finansguncel.com (rewrite of CNBC 2025-01-31)"
source_title = "Prediction: DeepSeek hardware spending could exceed $500 million"
source_url = "https://finansguncel.com/prediction-deepseek-hardware-spending-could-exceed-500-million"
published = "2025-01"
quote = "DeepSeek’s article sparked a debate, revealing that the model’s total training cost reached $5,576 million, estimated through Nvidia’s GPU rental fees."
notes = "ERRONEOUS as printed: '$5,576 million' reads in English as $5.576 billion."
verified = true
checked_in = "Copy of the article page."
"#;
    let set = merge(src).unwrap();
    let c = set.get("my-copy-of-the-typo").unwrap();
    assert!(c.is_erroneous());
    assert!(set.input("my-copy-of-the-typo").is_err());
    let unverified = GOOD.replace("verified = true", "verified = false");
    assert_eq!(
        merge(&unverified)
            .unwrap()
            .get("my-h100-quote")
            .unwrap()
            .status,
        Status::Unverified
    );
}

#[test]
fn every_builtin_claim_in_the_original_format_loads_as_a_user_file() {
    // The data files without the fields this crate added (status, tags, quote_lacks_number,
    // said_on),
    // with fresh ids: the format of shared/domain/claims.toml.
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    let mut set = ClaimSet::builtin().clone();
    let mut n = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name == "relations.toml" || name == "conflicts.toml" {
            continue;
        }
        let original: String = std::fs::read_to_string(&path)
            .unwrap()
            .lines()
            .filter(|l| {
                !l.starts_with("status = ")
                    && !l.starts_with("tags = ")
                    && !l.starts_with("quote_lacks_number = ")
                    && !l.starts_with("said_on = ")
            })
            .map(|l| l.replace("id = \"", "id = \"copy-") + "\n")
            .collect();
        set = set
            .merge_str(&name, &original)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        n += 1;
    }
    assert!(n >= 9);
    assert_eq!(set.len(), 294);
    // Erroneous flags in the notes are read as the status.
    for id in [
        "copy-finansguncel-deepseek-v3-cost-typo",
        "copy-finansguncel-claude-35-sonnet-cost",
        "copy-hyperai-deepseek-r1-zero-gpu-count-648",
    ] {
        assert!(set.get(id).unwrap().is_erroneous(), "{id}");
    }
    assert_eq!(set.iter().filter(|c| c.is_erroneous()).count(), 6);
}

#[test]
fn toml_syntax_error() {
    let src = GOOD.replace("value = 27000.0", "value = 27000.0.0");
    let p = one_problem(&src);
    assert_located(&p, 6, "my-h100-quote", "value");
    assert!(p.column.is_some());
}

#[test]
fn unterminated_string() {
    let src = GOOD.replace("claimant = \"A reseller\"", "claimant = \"A reseller");
    let p = one_problem(&src);
    assert_eq!(p.line, Some(9), "{p}");
    assert_eq!(p.claim_id.as_deref(), Some("my-h100-quote"));
}

#[test]
fn duplicate_id_with_the_builtin_set() {
    let src = GOOD.replace("my-h100-quote", "deepseek-v3-total-gpu-hours");
    let p = one_problem(&src);
    assert_located(&p, 3, "deepseek-v3-total-gpu-hours", "id");
    assert!(p.message.contains("builtin:data/deepseek-v3.toml:"), "{p}");
}

#[test]
fn duplicate_id_within_the_file() {
    let second = GOOD.replace("# my claims\n", "");
    let src = format!("{GOOD}\n{second}");
    let p = one_problem(&src);
    assert_located(&p, 19, "my-h100-quote", "id");
    assert!(p.message.contains("mine.toml:2"), "{p}");
}

#[test]
fn bad_dates() {
    let p = one_problem(&GOOD.replace("2025-03-04", "2025-02-30"));
    assert_located(&p, 12, "my-h100-quote", "published");
    assert!(p.message.contains("does not exist"), "{p}");
    let p = one_problem(&GOOD.replace("2025-03-04", "March 2025"));
    assert_located(&p, 12, "my-h100-quote", "published");
    let p = one_problem(&GOOD.replace("2025-03-04", "2999-01-01"));
    assert_located(&p, 12, "my-h100-quote", "published");
    assert!(p.message.contains("after today"), "{p}");
}

#[test]
fn said_on_dates_a_remark_reported_later() {
    let with = |said: &str| {
        GOOD.replace(
            "published = \"2025-03-04\"\n",
            &format!("published = \"2025-03-04\"\nsaid_on = \"{said}\"\n"),
        )
    };
    let set = merge(&with("2023-04")).unwrap();
    let c = set.get("my-h100-quote").unwrap();
    assert_eq!(c.said_on().unwrap().to_string(), "2023-04");
    assert_eq!(c.date_label(), "2025-03-04 (said 2023-04)");
    assert!(c.citation().contains("(2025-03-04 (said 2023-04))"));
    // Without it, the label is the publication date.
    assert_eq!(
        merge(GOOD)
            .unwrap()
            .get("my-h100-quote")
            .unwrap()
            .date_label(),
        "2025-03-04"
    );
    // Validated like `published`, and not after it.
    let p = one_problem(&with("2023-02-30"));
    assert_located(&p, 13, "my-h100-quote", "said_on");
    assert!(p.message.contains("does not exist"), "{p}");
    let p = one_problem(&with("2025-04-01"));
    assert_located(&p, 13, "my-h100-quote", "said_on");
    assert!(
        p.message.contains("after the publication date 2025-03-04"),
        "{p}"
    );
}

#[test]
fn unknown_unit() {
    let p = one_problem(&GOOD.replace("USD per GPU", "USD per fortnight"));
    assert_located(&p, 7, "my-h100-quote", "unit");
    assert!(p.hint.as_deref().unwrap().contains("GPU-hours"), "{p}");
}

#[test]
fn range_low_above_high() {
    let src = GOOD
        .replace(
            "qualifier = \"exact\"",
            "qualifier = \"range\"\nvalue_high = 25000.0",
        )
        .replace("$27,000 per unit", "$25,000 to $27,000 per unit");
    let p = one_problem(&src);
    assert_located(&p, 9, "my-h100-quote", "value_high");
    assert!(p.message.contains("low 27000 > high 25000"), "{p}");
}

#[test]
fn quote_lacking_its_number() {
    let p = one_problem(&GOOD.replace("$27,000 per unit", "$28,000 per unit"));
    assert_located(&p, 13, "my-h100-quote", "quote");
    assert!(p.message.contains("27,000"), "{p}");
    // Saying why makes it acceptable.
    let excused = GOOD
        .replace("$27,000 per unit", "price on request")
        .replace(
            "verified = true",
            "verified = true\nquote_lacks_number = \"The price was given by phone.\"",
        );
    assert!(merge(&excused).is_ok());
}

#[test]
fn other_field_errors_are_located() {
    let p = one_problem(&GOOD.replace("qualifier = \"exact\"", "qualifier = \"roughly\""));
    assert_located(&p, 8, "my-h100-quote", "qualifier");
    let p = one_problem(&GOOD.replace("https://example.com/quote/1234", "example.com/quote"));
    assert_located(&p, 11, "my-h100-quote", "source_url");
    let p = one_problem(&GOOD.replace("id = \"my-h100-quote\"", "id = \"My_H100\""));
    assert_located(&p, 3, "My_H100", "id");
    let p = one_problem(&GOOD.replace("verified = true", "verified = true\ntags = [\"pricing\"]"));
    assert_located(&p, 16, "my-h100-quote", "tags");
    let p = one_problem(&GOOD.replace("verified = true", "verified = true\nstatus = \"wrong\""));
    assert_located(&p, 16, "my-h100-quote", "status");
    let p = one_problem(&GOOD.replace("value = 27000.0", "value = \"27000\""));
    assert_located(&p, 6, "my-h100-quote", "value");
    let p = one_problem(&GOOD.replace("value = 27000.0", "value = nan"));
    assert_located(&p, 6, "my-h100-quote", "value");
}

#[test]
fn missing_and_unknown_fields() {
    let p = one_problem(&GOOD.replace(
        "quote = \"H100 SXM, $27,000 per unit, delivery in May\"\n",
        "",
    ));
    assert_eq!(p.claim_id.as_deref(), Some("my-h100-quote"), "{p}");
    assert_eq!(p.field.as_deref(), Some("quote"), "{p}");
    assert!(p.line.is_some());
    let p = one_problem(&GOOD.replace("notes =", "noets ="));
    assert_eq!(p.claim_id.as_deref(), Some("my-h100-quote"), "{p}");
    assert_eq!(p.field.as_deref(), Some("noets"), "{p}");
    assert_eq!(p.line, Some(14), "{p}");
}

#[test]
fn relations_and_groups_in_user_files_are_checked() {
    let rel = format!(
        "{GOOD}\n[[relation]]\nid = \"mine\"\ndescription = \"x\"\nleft = \"my-h100-quote * 2\"\nright = \"my-h100-qoute\"\n"
    );
    let p = one_problem(&rel);
    assert_eq!(p.claim_id.as_deref(), Some("mine"));
    assert_eq!(p.field.as_deref(), Some("right"));
    assert!(p.message.contains("did you mean `my-h100-quote`"), "{p}");
    let rel = format!(
        "{GOOD}\n[[relation]]\nid = \"mine\"\ndescription = \"x\"\nleft = \"finansguncel-deepseek-v3-cost-typo\"\nright = \"1\"\n"
    );
    assert!(one_problem(&rel).message.contains("erroneous"));
    let rel = format!(
        "{GOOD}\n[[relation]]\nid = \"mine\"\ndescription = \"x\"\nleft = \"1 +\"\nright = \"1\"\n"
    );
    assert_eq!(one_problem(&rel).field.as_deref(), Some("left"));
    let group = format!(
        "{GOOD}\n[[conflict]]\nid = \"g\"\ntitle = \"t\"\nclaims = [\"my-h100-quote\", \"lambert-h100-market-prize\"]\n"
    );
    let p = one_problem(&group);
    assert_eq!(p.field.as_deref(), Some("claims"));
    assert!(p.message.contains("lambert-h100-market-price"), "{p}");
    // A good relation merges and is checked with the rest.
    let ok = format!(
        "{GOOD}\n[[relation]]\nid = \"mine\"\ndescription = \"x\"\nleft = \"my-h100-quote\"\nop = \"<=\"\nright = \"raymond-james-h100-sale-price\"\n"
    );
    let set = merge(&ok).unwrap();
    assert!(set.check().passed());
}

#[test]
fn several_problems_are_all_reported() {
    let second = GOOD
        .replace("# my claims\n", "")
        .replace("my-h100-quote", "my-other-quote")
        .replace("USD per GPU", "bananas");
    let src = format!("{}\n{second}", GOOD.replace("2025-03-04", "2025-13-01"));
    let err = merge(&src).unwrap_err();
    let ids: Vec<_> = err
        .problems
        .iter()
        .map(|p| p.claim_id.clone().unwrap())
        .collect();
    assert_eq!(ids, vec!["my-h100-quote", "my-other-quote"]);
}

#[test]
fn unreadable_file_is_an_error_naming_it() {
    let err = ClaimSet::builtin()
        .merge_file("/nonexistent/claims.toml")
        .unwrap_err();
    assert!(
        err.to_string()
            .starts_with("/nonexistent/claims.toml: cannot read"),
        "{err}"
    );
}

mod never_panics {
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn arbitrary_edits_of_a_good_file_never_panic(pos in 0usize..600, junk in "\\PC{0,8}") {
            let mut src = super::GOOD.to_string();
            let mut at = pos.min(src.len());
            while !src.is_char_boundary(at) { at -= 1; }
            src.insert_str(at, &junk);
            let _ = super::merge(&src);
        }

        #[test]
        fn arbitrary_text_never_panics(src in "\\PC{0,200}") {
            let _ = super::merge(&src);
        }
    }
}
