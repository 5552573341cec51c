//! An input citing a claim as its value must agree with it (dimension, currency, value within
//! the qualifier); an assumption informed by a claim says so with `informed_by`.

use crate::util::*;

const RENTAL: &str = "rental_price = { value = 2.0, unit = \"USD/GPU-hour\", claim = \"deepseek-v3-assumed-h800-rental-price\" }";
const COMPENSATION: &str = "compensation = { lognormal = [504000, 2160000], unit = \"CNY/year\", informed_by = [\"qbitai-deepseek-job-posting-max-salary\", \"qbitai-deepseek-core-engineer-salary\", \"semianalysis-deepseek-salary\"], assumption = \"posted pay tops out at 1.54M CNY/yr; most staff earn less; >$1.3M offers are outliers\" }";

/// deepseek-v3 with `from` replaced by `to`, written to a temporary file: (dir, path, line of `to`).
fn deepseek_with(from: &str, to: &str) -> (tempfile::TempDir, String, usize) {
    let original = stdout(&run(&["scenarios", "show", "deepseek-v3"]));
    assert!(original.contains(from), "fixture text not found: {from}");
    let mutated = original.replacen(from, to, 1);
    let line = mutated[..mutated.find(to).unwrap()].matches('\n').count() + 1;
    let dir = temp_dir();
    let path = write(dir.path(), "s.toml", &mutated);
    (dir, path.to_str().unwrap().to_owned(), line)
}

fn estimate(path: &str, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["estimate", path, "--samples", "200"];
    args.extend_from_slice(extra);
    run(&args)
}

#[test]
fn a_value_that_contradicts_its_claim_is_refused() {
    let (_d, p, line) = deepseek_with(RENTAL, &RENTAL.replace("2.0", "3"));
    assert_fails_with(
        &estimate(&p, &[]),
        &[
            &format!("s.toml:{line}:16: field `rental_price`"),
            "cites claim `deepseek-v3-assumed-h800-rental-price` as its value",
            "the input is 3 USD/GPU-hour",
            "the claim says 2 USD per GPU-hour in 2024 dollars",
            "1.98 to 2.02 USD/GPU-hour",
            "hint: use the claim's figure (2 USD/GPU-hour)",
            "informed_by = \"deepseek-v3-assumed-h800-rental-price\"",
        ],
    );
    // Within the claim's rounding, and in another scale of the same unit, it passes.
    let (_d, p, _) = deepseek_with(RENTAL, &RENTAL.replace("2.0", "2.01"));
    assert!(estimate(&p, &[]).status.success());
}

#[test]
fn a_price_citing_gpu_hours_is_a_dimension_mismatch() {
    let (_d, p, line) = deepseek_with(
        RENTAL,
        &RENTAL.replace(
            "deepseek-v3-assumed-h800-rental-price",
            "deepseek-v3-pretraining-gpu-hours",
        ),
    );
    assert_fails_with(
        &estimate(&p, &[]),
        &[
            &format!("s.toml:{line}:"),
            "field `rental_price`",
            "claim `deepseek-v3-pretraining-gpu-hours`",
            "the claim is in H800 GPU-hours (GPU-hours), but the input is a price per GPU-hour (USD/GPU-hour)",
        ],
    );
}

#[test]
fn informed_by_is_accepted_and_shown_as_an_assumption() {
    let to = "rental_price = { value = 3, unit = \"USD/GPU-hour\", informed_by = \"deepseek-v3-assumed-h800-rental-price\", assumption = \"on-demand H800 capacity costs more than DeepSeek's $2\" }";
    let (_d, p, _) = deepseek_with(RENTAL, to);
    // Wide enough that no table cell wraps.
    let o = traincost()
        .env("COLUMNS", "1000")
        .args(["estimate", &p, "--samples", "200"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let table = stdout(&o);
    assert!(
        table.contains("assumption: on-demand H800 capacity costs more than DeepSeek's $2"),
        "{table}"
    );
    assert!(
        table.contains("(informed by deepseek-v3-assumed-h800-rental-price)"),
        "{table}"
    );

    let v = run_json(&["estimate", &p, "--samples", "200", "--format", "json"]);
    let price = find(&v, "inputs", "name", "stages.pre-training.rental_price");
    assert_eq!(price["claim"], serde_json::Value::Null, "{price}");
    assert_eq!(
        price["informed_by"][0],
        "deepseek-v3-assumed-h800-rental-price"
    );
    assert_eq!(price["claims"][0], "deepseek-v3-assumed-h800-rental-price");
    assert!(price["assumption"].is_string());
    // A value that is the claim's figure is credited to the claim.
    let hours = find(&v, "inputs", "name", "stages.pre-training.gpu_hours");
    assert_eq!(hours["claim"], "deepseek-v3-pretraining-gpu-hours");
    assert!(hours.get("informed_by").is_none(), "{hours}");
    let md = stdout(&run(&[
        "estimate",
        &p,
        "--samples",
        "200",
        "--format",
        "markdown",
    ]));
    assert!(
        md.contains("(informed by `deepseek-v3-assumed-h800-rental-price`)"),
        "{md}"
    );
}

#[test]
fn a_claim_with_an_assumption_must_choose() {
    let (_d, p, line) = deepseek_with(RENTAL, &RENTAL.replace(" }", ", assumption = \"why\" }"));
    assert_fails_with(
        &estimate(&p, &[]),
        &[
            &format!("s.toml:{line}:"),
            "`claim` says the value is the claim's figure, `assumption` that it is assumed",
            "informed_by = \"deepseek-v3-assumed-h800-rental-price\"",
        ],
    );
}

#[test]
fn a_cny_claim_is_checked_at_its_years_exchange_rate() {
    // At most 1.54M CNY a year (QbitAI, 2025): at 7.1875 CNY/USD (2025), then CPI-U to the
    // input's 2024 dollars, at most ~$208.8K. $300K in USD is above it; 1.4M CNY (2024) is not.
    let above = "compensation = { value = 300000, unit = \"USD/year\", claim = \"qbitai-deepseek-job-posting-max-salary\" }";
    let (_d, p, line) = deepseek_with(COMPENSATION, above);
    assert_fails_with(
        &estimate(&p, &[]),
        &[
            &format!("s.toml:{line}:"),
            "field `staff.groups.",
            "the claim says at most 1,540,000 CNY per year in 2025 dollars",
            "at most 208,",
        ],
    );
    let within = "compensation = { value = 1400000, unit = \"CNY/year\", claim = \"qbitai-deepseek-job-posting-max-salary\" }";
    let (_d, p, _) = deepseek_with(COMPENSATION, within);
    let o = estimate(&p, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    // The built-in form, informed by the CNY claim, is accepted (the built-in test runs it).
}

#[test]
fn a_distribution_must_reach_the_claim_and_scales_convert() {
    let from = "gpu_hours = { value = 2664000, unit = \"GPU-hours\", claim = \"deepseek-v3-pretraining-gpu-hours\" }";
    let (_d, p, _) = deepseek_with(
        from,
        "gpu_hours = { value = 2664, unit = \"K GPU-hours\", claim = \"deepseek-v3-pretraining-gpu-hours\" }",
    );
    assert!(estimate(&p, &[]).status.success());
    let (_d, p, line) = deepseek_with(
        from,
        "gpu_hours = { lognormal = [2.8, 4.0], unit = \"M GPU-hours\", claim = \"deepseek-v3-pretraining-gpu-hours\" }",
    );
    assert_fails_with(
        &estimate(&p, &[]),
        &[
            &format!("s.toml:{line}:"),
            "the input is a distribution whose 90% interval is 2,800,000 to 4,000,000 GPU-hours",
            "2,664,000 H800 GPU-hours",
        ],
    );
    let (_d, p, _) = deepseek_with(
        from,
        "gpu_hours = { lognormal = [2.5, 4.0], unit = \"M GPU-hours\", claim = \"deepseek-v3-pretraining-gpu-hours\" }",
    );
    assert!(estimate(&p, &[]).status.success());
}

#[test]
fn a_users_claims_get_the_same_rule() {
    let dir = temp_dir();
    let claims = write(
        dir.path(),
        "mine.toml",
        r#"[[claim]]
id = "my-h800-rental-quote"
subject = "H800"
quantity = "price per GPU hour"
value = 1.6
unit = "USD per GPU-hour"
qualifier = "about"
claimant = "A cloud broker"
source_title = "Quote to our desk"
source_url = "https://example.com/quote"
published = "2024-11-15"
quote = "H800 capacity at about $1.60 per GPU hour"
notes = "Private quote."
verified = true
checked_in = "email"
"#,
    );
    let claims = claims.to_str().unwrap();
    let (_d, p, line) = deepseek_with(
        RENTAL,
        "rental_price = { value = 2.0, unit = \"USD/GPU-hour\", claim = \"my-h800-rental-quote\" }",
    );
    assert_fails_with(
        &estimate(&p, &["--claims", claims]),
        &[
            &format!("s.toml:{line}:"),
            "claim `my-h800-rental-quote`",
            "about, within 10%: 1.44 to 1.76 USD/GPU-hour",
        ],
    );
    let (_d, p, _) = deepseek_with(
        RENTAL,
        "rental_price = { value = 1.7, unit = \"USD/GPU-hour\", claim = \"my-h800-rental-quote\" }",
    );
    assert!(estimate(&p, &["--claims", claims]).status.success());
}
