//! `traincost claims`: list, show, check and export on the built-in set and with users' files
//! merged in; every bad-input case of a user claims file, located by file, line, id and field.

use crate::util::{assert_fails_with, find, run, run_json, stderr, stdout, temp_dir, write};

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

fn json(o: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", stdout(o)))
}

/// How many claims the library compiles in (the binary must report the same).
fn builtin_claims() -> usize {
    traincost_claims::ClaimSet::builtin().len()
}

#[test]
fn check_passes_on_the_builtin_set_with_every_relation_listed() {
    let o = run(&["claims", "check"]);
    let out = stdout(&o);
    assert!(o.status.success(), "{out}\n{}", stderr(&o));
    let n = builtin_claims();
    assert!(
        out.contains(&format!("Claims: {n} checked, 0 problems.")),
        "{out}"
    );
    let line = out
        .lines()
        .find(|l| l.starts_with("Relations:"))
        .expect("relations line");
    let n: usize = line["Relations: ".len()..]
        .split(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(n >= 25, "{line}");
    assert!(line.ends_with(&format!("{n} hold, 0 fail.")), "{line}");
    assert_eq!(out.lines().filter(|l| l.starts_with("  ok   ")).count(), n);
    for id in [
        "deepseek-v3-stage-gpu-hours-add-up",
        "deepseek-v3-total-cost-is-gpu-hours-times-price",
        "deepseek-v3-stage-costs-add-up",
        "deepseek-r1-gpu-hours-times-price-is-about-294k",
        "llama-3-1-gpu-hours-add-up",
        "nvidia-plus-broadcom-loss-about-800b",
    ] {
        assert!(
            out.contains(&format!("ok   {id}: ")),
            "{id} missing:\n{out}"
        );
    }
    // Conflicts are reported, not failures; claims of different scopes are never compared.
    assert!(
        out.contains("[agree within each scope] What DeepSeek's hardware cost"),
        "{out}"
    );
    assert!(
        out.contains("[DISAGREE] Nvidia's market value lost on 2025-01-27"),
        "{out}"
    );
    assert!(out.contains("[ERRONEOUS: not compared]"), "{out}");
    assert!(
        out.trim_end()
            .ends_with("PASS: every claim is valid and every relation holds.")
    );
}

#[test]
fn check_as_json() {
    let o = run(&["claims", "check", "--format", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v = json(&o);
    assert_eq!(v["passed"], true);
    assert_eq!(v["summary"]["claims"], builtin_claims());
    assert_eq!(v["summary"]["relations_failed"], 0);
    let relations = v["relations"].as_array().unwrap();
    assert!(relations.iter().all(|r| r["holds"] == true));
    let fleet = find(&v, "conflicts", "id", "deepseek-fleet-cost");
    assert_eq!(fleet["verdict"], "agree");
    assert_eq!(fleet["spans_scopes"], true);
    // The summary counts disagreements within a scope, and the groups that span several.
    let groups = v["conflicts"].as_array().unwrap();
    let count = |f: &dyn Fn(&serde_json::Value) -> bool| groups.iter().filter(|g| f(g)).count();
    assert_eq!(
        v["summary"]["disagreements"],
        count(&|g| g["verdict"] == "disagree")
    );
    assert_eq!(
        v["summary"]["spanning_scopes"],
        count(&|g| g["spans_scopes"] == true)
    );
}

/// The words between `from` and the next blank line of `out`, with runs of whitespace as one
/// space (the text wraps at the terminal's width).
fn block(out: &str, from: &str) -> String {
    let start = out
        .find(from)
        .unwrap_or_else(|| panic!("no {from:?} in:\n{out}"));
    let rest = &out[start..];
    let end = rest.find("\n\n").unwrap_or(rest.len());
    rest[..end].split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Audit F2: `claims check` said `[DISAGREE]` for GPT-4's cost, comparing AI Index's $78M of
/// final-run compute with "over $100M" of total compute, while `reconcile gpt-4` places those
/// claims beside different figures and calls each consistent. Claims are compared only with
/// claims of the same scope, the one `reconcile` places them by.
#[test]
fn check_compares_each_scope_of_a_group_on_its_own() {
    let o = run(&["claims", "check"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    let gpt4 = block(&out, "] What GPT-4 cost to train (gpt-4-training-cost)");
    assert!(
        out.contains("[agree within each scope] What GPT-4 cost to train"),
        "{out}"
    );
    for needle in [
        "=> 2 scopes, each compared on its own, never with another:",
        "total-compute, USD: consistent from 100M up (wired-gpt4-training-cost, reuters-altman-foundation-model-training-cost)",
        "final-run-rental, USD: consistent between 74.48M and 81.9M (ai-index-2024-gpt-4-compute-cost, visual-capitalist-gpt-4-training-cost)",
        // The tags say what the scope says: the final run and development compute.
        "scope: training cost [final-run, development]",
    ] {
        assert!(gpt4.contains(needle), "lacks {needle:?}:\n{gpt4}");
    }
    assert!(!gpt4.contains("no single number fits"), "{gpt4}");

    // DeepSeek's hardware: five scopes, five numbers, as the group's note says. Servers,
    // chips and V3's cluster are compared each on its own; the cluster, in yuan, stands alone.
    let fleet = block(&out, "] What DeepSeek's hardware cost");
    for needle in [
        "=> 3 scopes, each compared on its own, never with another:",
        "fleet, USD: consistent between 1.44B and 1.54B (semianalysis-deepseek-hardware-spend,",
        "luk-deepseek-server-capex-corrected-hoppers)",
        "fleet/gpus, USD: consistent between 1B and 1.1B (semianalysis-deepseek-gpu-investment, amodei-deepseek-hopper-chips-cost, lambert-deepseek-gpu-capex)",
        "training-cluster: nikkei-solidot-deepseek-h800-value stands alone, compared with none",
        "why: Different scopes:",
    ] {
        assert!(fleet.contains(needle), "lacks {needle:?}:\n{fleet}");
    }

    // Claims of one scope that disagree still do: Nvidia's one-day loss, $589B (exact) and
    // $596B (exact), market figures both.
    let loss = block(&out, "] Nvidia's market value lost on 2025-01-27");
    assert!(
        out.contains("[DISAGREE] Nvidia's market value lost on 2025-01-27"),
        "{out}"
    );
    assert!(
        loss.contains("=> USD: no single number fits every claim"),
        "{loss}"
    );
    assert!(!loss.contains("scopes, each compared"), "{loss}");
    // A group of one scope names it; a claim alone in its unit beside compared ones is named.
    let run = block(&out, "] DeepSeek-V3's final-run cost, as restated");
    assert!(
        run.contains("=> final-run-rental, USD (2024): consistent at 5.576M"),
        "{run}"
    );
    assert!(
        run.contains("=> final-run-rental, USD: deepseek-v3-total-training-cost-usd stands alone, compared with none"),
        "{run}"
    );
    let summary = out
        .lines()
        .find(|l| l.starts_with("Conflicts (reported, not failures)"))
        .unwrap();
    assert!(
        summary.ends_with("span several scopes, each scope compared on its own."),
        "{summary}"
    );
}

#[test]
fn check_json_gives_each_scope_its_verdict_and_claims() {
    let v = run_json(&["claims", "check", "--format", "json"]);
    let gpt4 = find(&v, "conflicts", "id", "gpt-4-training-cost");
    assert_eq!(gpt4["verdict"], "agree");
    assert_eq!(gpt4["spans_scopes"], true);
    let scopes = gpt4["by_scope"].as_array().unwrap();
    let scope = |s: &str| {
        scopes
            .iter()
            .find(|x| x["scope"] == s)
            .unwrap_or_else(|| panic!("no scope {s}: {scopes:?}"))
    };
    assert_eq!(
        scope("total-compute")["claims"],
        serde_json::json!([
            "wired-gpt4-training-cost",
            "reuters-altman-foundation-model-training-cost"
        ])
    );
    assert_eq!(scope("total-compute")["verdict"], "agree");
    assert_eq!(scope("final-run-rental")["verdict"], "agree");
    // Each unit's interval names its scope; an open end is null.
    let by_unit = gpt4["by_unit"].as_array().unwrap();
    let total = by_unit
        .iter()
        .find(|u| u["scope"] == "total-compute")
        .unwrap();
    assert_eq!(total["consistent_interval"][0], 100e6);
    assert!(total["consistent_interval"][1].is_null());
    let wired = gpt4["members"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == "wired-gpt4-training-cost")
        .unwrap();
    assert_eq!(wired["scope"], "total-compute");
    assert_eq!(
        wired["tags"],
        serde_json::json!(["final-run", "development"])
    );

    let fleet = find(&v, "conflicts", "id", "deepseek-fleet-cost");
    let cluster = fleet["by_scope"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["scope"] == "training-cluster")
        .unwrap();
    assert_eq!(cluster["verdict"], "not-comparable");
    assert_eq!(
        cluster["alone"],
        serde_json::json!(["nikkei-solidot-deepseek-h800-value"])
    );

    // Market figures have no stack scope (null): one scope, and it disagrees.
    let loss = find(&v, "conflicts", "id", "nvidia-one-day-loss-2025-01-27");
    assert_eq!(loss["verdict"], "disagree");
    assert_eq!(loss["spans_scopes"], false);
    assert!(loss["by_scope"][0]["scope"].is_null());
    assert_eq!(loss["by_scope"][0]["verdict"], "disagree");
}

/// A user's group: claims of different scopes are never compared; the same numbers in one
/// scope disagree.
#[test]
fn a_users_group_is_judged_per_scope() {
    let claim = |id: &str, value: &str, qualifier: &str, tags: &str, scope: &str| {
        format!(
            r#"
[[claim]]
id = "{id}"
subject = "Model X"
quantity = "training cost"
value = {value}
unit = "USD"
qualifier = "{qualifier}"
claimant = "A reporter"
source_title = "An article"
source_url = "https://example.com/{id}"
published = "2025-03-04"
quote = "it cost {value} dollars"
notes = "n"
verified = true
tags = [{tags}]
{scope}
"#
        )
    };
    let group = |ids: &str| {
        format!(
            "\n[[conflict]]\nid = \"model-x-cost\"\ntitle = \"What Model X cost\"\nclaims = [{ids}]\n"
        )
    };
    let dir = temp_dir();
    // $50M of final run beside "over $100M" of total compute: two scopes, no disagreement.
    let two = write(
        dir.path(),
        "two.toml",
        &(claim("x-run", "50000000.0", "exact", "\"final-run\"", "")
            + &claim(
                "x-total",
                "100000000.0",
                "at least",
                "\"final-run\", \"development\"",
                "scope = \"total-compute\"",
            )
            + &group("\"x-run\", \"x-total\"")),
    );
    let o = run(&["claims", "check", "--claims", two.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    let g = block(&out, "] What Model X cost (model-x-cost)");
    assert!(
        out.contains("[not comparable] What Model X cost (model-x-cost)"),
        "{out}"
    );
    for needle in [
        "=> 2 scopes, each compared on its own, never with another:",
        "final-run-rental: x-run stands alone, compared with none",
        "total-compute: x-total stands alone, compared with none",
    ] {
        assert!(g.contains(needle), "lacks {needle:?}:\n{g}");
    }
    // The same two numbers of one scope (no `scope` field, both tagged final-run) disagree.
    let one = write(
        dir.path(),
        "one.toml",
        &(claim("x-run", "50000000.0", "exact", "\"final-run\"", "")
            + &claim("x-total", "100000000.0", "at least", "\"final-run\"", "")
            + &group("\"x-run\", \"x-total\"")),
    );
    let o = run(&["claims", "check", "--claims", one.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("[DISAGREE] What Model X cost (model-x-cost)"),
        "{out}"
    );
    assert!(
        block(&out, "] What Model X cost (model-x-cost)")
            .contains("=> final-run-rental, USD: no single number fits every claim"),
        "{out}"
    );
}

#[test]
fn list_json_returns_all_claims_with_sources() {
    let o = run(&["claims", "list", "--format", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v = json(&o);
    let claims = v.as_array().unwrap();
    assert_eq!(claims.len(), builtin_claims());
    let c = claims
        .iter()
        .find(|c| c["id"] == "deepseek-v3-total-training-cost-usd")
        .unwrap();
    assert_eq!(c["value"]["value"], 5_576_000.0);
    assert_eq!(c["value"]["qualifier"], "exact");
    assert_eq!(c["unit"], "USD");
    assert_eq!(c["source"]["url"], "https://arxiv.org/abs/2412.19437");
    assert_eq!(c["source"]["published"], "2024-12-27");
    let erroneous: Vec<_> = claims
        .iter()
        .filter(|c| c["status"] == "erroneous")
        .collect();
    assert_eq!(erroneous.len(), 3);
}

#[test]
fn list_filters_combine() {
    let o = run(&[
        "claims",
        "list",
        "--subject",
        "llama 3.1",
        "--tag",
        "emissions",
        "--format",
        "json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let ids: Vec<String> = json(&o)
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_owned())
        .collect();
    // The family's location- and market-based totals, and the card's rows: the 8B's, the
    // 70B's and the 405B's location-based cells and the 405B's market-based one.
    assert_eq!(ids.len(), 6, "{ids:?}");
    assert!(ids.iter().all(|id| id.starts_with("llama-3-1-")), "{ids:?}");

    let o = run(&[
        "claims",
        "list",
        "--quantity",
        "market value lost",
        "--format",
        "csv",
    ]);
    let out = stdout(&o);
    assert!(
        out.starts_with("id,subject,quantity,qualifier,value,"),
        "{out}"
    );
    let rows: Vec<&str> = out.lines().skip(1).collect();
    assert_eq!(rows.len(), 8, "{out}");
    assert!(
        rows.iter().all(|r| r.contains("market value lost")),
        "{out}"
    );

    let o = run(&["claims", "list", "--subject", "DeepSeek-V3", "--usable"]);
    let out = stdout(&o);
    assert!(o.status.success());
    assert!(out.contains("deepseek-v3-total-gpu-hours"), "{out}");
    assert!(!out.contains("finansguncel-deepseek-v3-cost-typo"), "{out}");

    let o = run(&["claims", "list", "--subject", "no such subject"]);
    assert!(o.status.success());
    assert!(stdout(&o).contains("No claim matches"));
}

#[test]
fn list_rejects_an_unknown_tag() {
    let o = run(&["claims", "list", "--tag", "finalrun"]);
    assert_fails_with(&o, &["unknown tag `finalrun`", "final-run"]);
}

#[test]
fn show_prints_the_whole_record() {
    let o = run(&["claims", "show", "deepseek-v3-total-training-cost-usd"]);
    // Long fields are wrapped: compare with whitespace collapsed.
    let out = stdout(&o).split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(o.status.success(), "{}", stderr(&o));
    for needle in [
        "5,576,000 USD",
        "DeepSeek-V3 Technical Report (arXiv 2412.19437)",
        "2024-12-27",
        "https://arxiv.org/abs/2412.19437",
        "our total training costs amount to only $5.576M.",
        "deepseek-v3-total-cost-is-gpu-hours-times-price",
        "builtin:data/deepseek-v3.toml:",
    ] {
        assert!(out.contains(needle), "{needle:?} missing:\n{out}");
    }
    let o = run(&["claims", "show", "hyperai-deepseek-r1-zero-gpu-count-648"]);
    assert!(stdout(&o).contains("[ERRONEOUS]"));
    let o = run(&[
        "claims",
        "show",
        "deepseek-r1-training-cost",
        "--format",
        "json",
    ]);
    let v = json(&o);
    assert_eq!(v["claim"]["id"], "deepseek-r1-training-cost");
    assert!(!v["relations"].as_array().unwrap().is_empty());
}

#[test]
fn show_an_unknown_id_suggests_close_ones() {
    let o = run(&["claims", "show", "deepseek-v3-total-gpu-hour"]);
    assert_fails_with(
        &o,
        &[
            "unknown claim id `deepseek-v3-total-gpu-hour`",
            "`deepseek-v3-total-gpu-hours`",
        ],
    );
}

#[test]
fn export_writes_json_and_csv_files() {
    let dir = temp_dir();
    let csv = dir.path().join("claims.csv");
    let o = run(&[
        "claims",
        "export",
        "--format",
        "csv",
        "--output",
        csv.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(o.stdout.is_empty());
    let text = std::fs::read_to_string(&csv).unwrap();
    assert_eq!(text.lines().count(), builtin_claims() + 1);
    assert!(text.contains("\"Claude 3.5 Sonnet\"") || text.contains(",Claude 3.5 Sonnet,"));

    let o = run(&["claims", "export", "--format", "json"]);
    assert_eq!(json(&o).as_array().unwrap().len(), builtin_claims());

    let o = run(&["claims", "export"]);
    assert_fails_with(&o, &["--format"]);
}

#[test]
fn a_user_file_merges_into_every_command() {
    let dir = temp_dir();
    let file = write(dir.path(), "mine.toml", GOOD);
    let f = file.to_str().unwrap();
    let o = run(&["claims", "list", "--claims", f, "--format", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(json(&o).as_array().unwrap().len(), builtin_claims() + 1);
    let o = run(&["claims", "show", "my-h100-quote", "--claims", f]);
    assert!(stdout(&o).contains(&format!("{f}:2")), "{}", stdout(&o));
    let o = run(&["claims", "check", "--claims", f]);
    assert!(o.status.success(), "{}", stdout(&o));
    let n = builtin_claims() + 1;
    assert!(stdout(&o).contains(&format!("Claims: {n} checked, 0 problems.")));
    let o = run(&["claims", "export", "--format", "csv", "--claims", f]);
    // A header line, then one line per claim.
    assert_eq!(stdout(&o).lines().count(), builtin_claims() + 2);
}

#[test]
fn a_user_relation_that_fails_fails_the_check() {
    let dir = temp_dir();
    let src = format!(
        "{GOOD}\n[[relation]]\nid = \"my-quote-is-the-rj-price\"\ndescription = \"mine\"\nleft = \"my-h100-quote\"\nright = \"lambert-h100-market-price\"\ntolerance = 0.01\n"
    );
    let file = write(dir.path(), "mine.toml", &src);
    let o = run(&["claims", "check", "--claims", file.to_str().unwrap()]);
    let out = stdout(&o);
    assert!(!o.status.success(), "{out}");
    assert_ne!(o.status.code(), Some(101));
    assert!(
        out.contains("FAIL my-quote-is-the-rj-price: 27,000 = 30,000"),
        "{out}"
    );
    assert!(out.contains("1 fail."), "{out}");
}

/// Writes `src` as a user file, runs `claims check --claims FILE`, and checks the error names
/// the file, the line, the claim id and the field.
fn assert_bad_file(src: &str, line: usize, id: &str, field: &str, more: &[&str]) {
    let dir = temp_dir();
    let file = write(dir.path(), "bad-claims.toml", src);
    let f = file.to_str().unwrap();
    for cmd in ["check", "list"] {
        let o = run(&["claims", cmd, "--claims", f]);
        let located = format!("{f}:{line}:");
        let field = format!("`{id}.{field}`");
        let mut needles = vec![located.as_str(), field.as_str()];
        needles.extend_from_slice(more);
        assert_fails_with(&o, &needles);
        assert!(o.stdout.is_empty(), "nothing is printed on stdout on error");
    }
}

#[test]
fn bad_file_toml_syntax_error() {
    let src = GOOD.replace("value = 27000.0", "value = 27000.0.0");
    assert_bad_file(&src, 6, "my-h100-quote", "value", &[]);
    let src = GOOD.replace("[[claim]]", "[[claim]");
    let dir = temp_dir();
    let file = write(dir.path(), "broken.toml", &src);
    let o = run(&["claims", "check", "--claims", file.to_str().unwrap()]);
    assert_fails_with(&o, &[&format!("{}:2:", file.display())]);
}

#[test]
fn bad_file_duplicate_id_with_the_builtin_set() {
    let src = GOOD.replace("my-h100-quote", "deepseek-v3-total-gpu-hours");
    assert_bad_file(
        &src,
        3,
        "deepseek-v3-total-gpu-hours",
        "id",
        &["duplicate id", "builtin:data/deepseek-v3.toml:"],
    );
}

#[test]
fn bad_file_duplicate_id_within_the_file() {
    let second = GOOD.replace("# my claims\n", "");
    assert_bad_file(
        &format!("{GOOD}\n{second}"),
        19,
        "my-h100-quote",
        "id",
        &["duplicate id"],
    );
}

#[test]
fn bad_file_bad_dates() {
    assert_bad_file(
        &GOOD.replace("2025-03-04", "2025-02-30"),
        12,
        "my-h100-quote",
        "published",
        &["does not exist"],
    );
    assert_bad_file(
        &GOOD.replace("2025-03-04", "04/03/2025"),
        12,
        "my-h100-quote",
        "published",
        &["YYYY-MM-DD"],
    );
    assert_bad_file(
        &GOOD.replace("2025-03-04", "2999-03-04"),
        12,
        "my-h100-quote",
        "published",
        &["after today"],
    );
}

#[test]
fn bad_file_unknown_unit() {
    assert_bad_file(
        &GOOD.replace("USD per GPU", "doubloons"),
        7,
        "my-h100-quote",
        "unit",
        &["unknown unit `doubloons`", "hint: known units"],
    );
}

#[test]
fn bad_file_range_low_above_high() {
    let src = GOOD
        .replace(
            "qualifier = \"exact\"",
            "qualifier = \"range\"\nvalue_high = 25000.0",
        )
        .replace("$27,000 per unit", "$25,000 to $27,000 per unit");
    assert_bad_file(
        &src,
        9,
        "my-h100-quote",
        "value_high",
        &["low 27000 > high 25000"],
    );
}

#[test]
fn bad_file_quote_lacking_its_number() {
    assert_bad_file(
        &GOOD.replace("$27,000 per unit", "$29,000 per unit"),
        13,
        "my-h100-quote",
        "quote",
        &["does not contain 27,000", "quote_lacks_number"],
    );
}

#[test]
fn bad_file_several_problems_are_all_listed() {
    let second = GOOD
        .replace("# my claims\n", "")
        .replace("my-h100-quote", "my-other-quote")
        .replace("USD per GPU", "bananas");
    let src = format!("{}\n{second}", GOOD.replace("2025-03-04", "2025-13-01"));
    let dir = temp_dir();
    let file = write(dir.path(), "two.toml", &src);
    let o = run(&["claims", "check", "--claims", file.to_str().unwrap()]);
    assert_fails_with(
        &o,
        &[
            "2 problems in claims files",
            "`my-h100-quote.published`",
            "`my-other-quote.unit`",
        ],
    );
}

#[test]
fn a_missing_claims_file_is_named() {
    let o = run(&["claims", "list", "--claims", "/nonexistent/mine.toml"]);
    assert_fails_with(&o, &["/nonexistent/mine.toml", "cannot read"]);
}
