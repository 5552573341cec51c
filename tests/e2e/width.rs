//! Output people read fits the terminal (issue 16): `COLUMNS` sets the width, pipes get full
//! lines, text wraps at spaces only, ids are never split, and below 100 columns tables stack.

use crate::util::{run_json, stderr, stdout, traincost};

/// `traincost ARGS` with `COLUMNS` set (`None`: unset, as in a pipe), its stdout.
fn at(columns: Option<usize>, args: &[&str]) -> String {
    let mut cmd = traincost();
    cmd.env_remove("COLUMNS").args(args);
    if let Some(c) = columns {
        cmd.env("COLUMNS", c.to_string());
    }
    let o = cmd.output().expect("traincost runs");
    assert!(o.status.success(), "{args:?}: {}", stderr(&o));
    stdout(&o)
}

/// Columns a line takes on a terminal (CJK characters take two).
fn width(line: &str) -> usize {
    line.chars()
        .map(|c| {
            let wide = matches!(c as u32, 0x1100..=0x115F | 0x2E80..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6);
            if wide { 2 } else { 1 }
        })
        .sum()
}

/// Every line fits `w` columns, unless it holds one word alone (a URL longer than the line).
fn assert_fits(text: &str, w: usize, what: &str) {
    for line in text.lines() {
        if width(line) > w {
            let words = line.split_whitespace().count();
            assert_eq!(
                words,
                1,
                "{what} at {w} columns: a line of {} columns:\n{line}",
                width(line)
            );
        }
    }
}

const COMMANDS: &[&[&str]] = &[
    &["estimate", "deepseek-v3", "--samples", "2000"],
    &[
        "estimate",
        "gpt-4",
        "--samples",
        "2000",
        "--percentile",
        "99",
    ],
    &["reconcile", "deepseek-v3", "--samples", "2000"],
    &["sensitivity", "deepseek-v3", "--samples", "500"],
    &["compare", "deepseek-v3", "deepseek-r1", "--samples", "2000"],
    &["plugins", "list"],
    &["claims", "list"],
    &["epoch", "GPT-4"],
    &["epoch", "--all"],
    &["scenarios", "list"],
    &["models", "--samples", "500", "--developer", "google"],
];

#[test]
fn every_command_fits_80_and_120_columns() {
    for args in COMMANDS {
        for w in [80, 120] {
            let text = at(Some(w), args);
            assert_fits(&text, w, &args.join(" "));
            assert!(!text.contains('\u{a0}'), "{args:?}: a no-break mark leaked");
        }
        let piped = at(None, args);
        assert!(
            !piped.contains('\u{a0}'),
            "{args:?}: a no-break mark leaked"
        );
    }
}

#[test]
fn pipes_get_full_lines_and_narrow_terminals_stacked_rows() {
    let args = ["estimate", "deepseek-v3", "--samples", "2000"];
    let piped = at(None, &args);
    // Not wrapped: the headline sentence is one line, each input one table row.
    assert!(
        piped
            .lines()
            .any(|l| l.starts_with("Headline: ") && l.ends_with("reproduced.")),
        "{piped}"
    );
    assert!(piped.lines().any(
        |l| l.starts_with("│ stages.pre-training.active_parameters ")
            && l.contains("claim deepseek-v3-activated-parameters")
    ));
    // Below 100 columns: one block per row, no box.
    let narrow = at(Some(80), &args);
    assert!(!narrow.contains('┌'), "{narrow}");
    assert!(narrow.contains("\nfinal-run-rental\n"), "{narrow}");
    assert!(narrow.contains("median: $5.723M"), "{narrow}");
    // From 100 on, boxed tables.
    assert!(at(Some(120), &args).contains('┌'));
}

#[test]
fn ids_are_never_split() {
    let e = run_json(&[
        "estimate",
        "deepseek-v3",
        "--samples",
        "2000",
        "--format",
        "json",
    ]);
    let mut ids: Vec<String> = Vec::new();
    for i in e["inputs"].as_array().expect("inputs") {
        ids.push(i["name"].as_str().expect("name").to_owned());
        for c in i["claims"].as_array().into_iter().flatten() {
            ids.push(c.as_str().expect("claim id").to_owned());
        }
    }
    assert!(
        ids.iter()
            .any(|i| i == "stages.pre-training.active_parameters")
    );
    for w in [40, 60, 80, 100, 120] {
        let text = at(Some(w), &["estimate", "deepseek-v3", "--samples", "2000"]);
        for id in &ids {
            assert!(
                text.contains(id.as_str()),
                "{id} split at {w} columns:\n{text}"
            );
        }
    }
    let claims = run_json(&["claims", "list", "--format", "json"]);
    let text = at(Some(80), &["claims", "list"]);
    for c in claims.as_array().expect("claims") {
        let id = c["id"].as_str().expect("id");
        assert!(text.contains(id), "claim id {id} split at 80 columns");
    }
    let list = at(Some(60), &["scenarios", "list"]);
    for name in [
        "deepseek-v3",
        "epoch-study-gemini-1.0-ultra",
        "claude-3.5-sonnet",
    ] {
        assert!(list.contains(name), "{name} split:\n{list}");
    }
}

#[test]
fn requested_percentiles_are_shown_in_every_format() {
    let base = [
        "estimate",
        "deepseek-v3",
        "--samples",
        "2000",
        "--percentile",
        "99",
    ];
    let table = at(Some(200), &base);
    assert!(table.contains(" p99 "), "{table}");
    let csv = at(None, &[&base[..], &["--format", "csv"]].concat());
    let header = csv.lines().next().expect("header");
    assert!(header.ends_with(",p99"), "{header}");
    let cols = header.split(',').count();
    assert!(csv.lines().all(|l| l.split(',').count() >= cols), "{csv}");
    let md = at(None, &[&base[..], &["--format", "markdown"]].concat());
    assert!(md.contains("| p99 |"), "{md}");
}

#[test]
fn csv_numbers_carry_four_significant_figures() {
    let csv = at(
        None,
        &[
            "estimate",
            "deepseek-v3",
            "--samples",
            "2000",
            "--format",
            "csv",
        ],
    );
    let mut checked = 0;
    for line in csv.lines().skip(1) {
        // p50 .. central: the 7th to the 12th fields (a quoted label may hold commas).
        for field in csv_fields(line).iter().skip(6).take(6) {
            let mantissa = field.split('e').next().unwrap_or("");
            let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
            let significant = digits.trim_start_matches('0').trim_end_matches('0');
            assert!(significant.len() <= 4, "{field} in {line}");
            assert!(field.parse::<f64>().is_ok(), "{field} in {line}");
            checked += 1;
        }
    }
    assert!(checked > 50);
    assert!(!csv.contains("1590217932.7999878"));
}

/// The fields of one CSV line, a quoted field (which may hold commas) unquoted.
fn csv_fields(line: &str) -> Vec<String> {
    let (mut fields, mut field, mut quoted) = (Vec::new(), String::new(), false);
    for c in line.chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => fields.push(std::mem::take(&mut field)),
            c => field.push(c),
        }
    }
    fields.push(field);
    fields
}

#[test]
fn claims_show_their_own_precision() {
    let text = at(None, &["reconcile", "deepseek-v3", "--samples", "2000"]);
    assert!(!text.contains(".000B") && !text.contains(".000M"), "{text}");
    let text = at(None, &["claims", "list", "--subject", "DeepSeek-V3"]);
    assert!(text.contains("$5.576M"), "{text}");
}

#[test]
fn compare_shows_inherited_stages_once() {
    let text = at(
        Some(120),
        &["compare", "deepseek-v3", "deepseek-r1", "--samples", "2000"],
    );
    assert_fits(&text, 120, "compare");
    assert!(!text.contains("deepseek-v3 pre-training"), "{text}");
    assert_eq!(text.matches("· pre-training").count(), 1, "{text}");
    assert_eq!(text.matches("· context-extension").count(), 1, "{text}");
    assert!(
        !text.contains("only in A") && !text.contains("only in B"),
        "{text}"
    );
    assert!(text.contains("Only in deepseek-v3"), "{text}");
}
