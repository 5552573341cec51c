//! Golden outputs: every built-in scenario through the commands people read, compared byte for
//! byte with `tests/golden/`. A refactor must change none of them; a change that means to
//! move an output regenerates them and the diff shows what moved:
//!
//! ```sh
//! UPDATE_GOLDEN=1 cargo test -p traincost --test e2e golden
//! ```
//!
//! Runs are deterministic for a seed at any thread count and on any machine.

use std::path::PathBuf;

use crate::util::{stderr, traincost};

const SAMPLES: &str = "4000";

fn golden_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/golden")
}

fn builtins() -> Vec<String> {
    traincost_core::scenario::builtin_names()
        .into_iter()
        .map(String::from)
        .collect()
}

/// Runs `traincost ARGS` at a fixed width and returns stdout (JSON re-indented).
fn output(args: &[&str]) -> String {
    let o = traincost()
        .args(args)
        .env("COLUMNS", "160")
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(o.status.success(), "traincost {args:?}: {}", stderr(&o));
    let text = String::from_utf8(o.stdout).expect("UTF-8 output");
    if args.contains(&"json") {
        let v: serde_json::Value = serde_json::from_str(&text).expect("JSON");
        serde_json::to_string_pretty(&v).unwrap() + "\n"
    } else {
        text
    }
}

#[test]
fn golden_outputs_of_every_builtin() {
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let dir = golden_dir();
    if update {
        std::fs::create_dir_all(&dir).unwrap();
    }
    let mut cases: Vec<(String, Vec<String>)> = Vec::new();
    for s in builtins() {
        for (suffix, extra) in [
            ("estimate.json", vec!["estimate", "--format", "json"]),
            ("estimate.txt", vec!["estimate"]),
            ("estimate.md", vec!["estimate", "--format", "markdown"]),
            ("estimate.csv", vec!["estimate", "--format", "csv"]),
            ("reconcile.json", vec!["reconcile", "--format", "json"]),
            ("reconcile.txt", vec!["reconcile"]),
        ] {
            let mut args: Vec<String> = extra.iter().map(|a| a.to_string()).collect();
            args.insert(1, s.clone());
            args.extend(["--samples", SAMPLES, "-q"].map(String::from));
            cases.push((format!("{s}.{suffix}"), args));
        }
    }
    cases.push((
        "deepseek-v3.sensitivity.json".into(),
        [
            "sensitivity",
            "deepseek-v3",
            "--format",
            "json",
            "--samples",
            "2000",
            "-q",
        ]
        .map(String::from)
        .to_vec(),
    ));
    cases.push((
        "deepseek-v3-vs-deepseek-r1.compare.json".into(),
        [
            "compare",
            "deepseek-v3",
            "deepseek-r1",
            "--format",
            "json",
            "--samples",
            SAMPLES,
            "-q",
        ]
        .map(String::from)
        .to_vec(),
    ));
    let mut changed = Vec::new();
    for (name, args) in &cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let fresh = output(&args);
        let path = dir.join(name);
        if update {
            std::fs::write(&path, &fresh).unwrap();
            continue;
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        if committed != fresh {
            let line = committed
                .lines()
                .zip(fresh.lines())
                .position(|(a, b)| a != b)
                .map_or(committed.lines().count().min(fresh.lines().count()), |i| i);
            changed.push(format!(
                "{name} (traincost {}): first difference at line {}:\n  golden: {}\n  now:    {}",
                args.join(" "),
                line + 1,
                committed.lines().nth(line).unwrap_or("<end>"),
                fresh.lines().nth(line).unwrap_or("<end>")
            ));
        }
    }
    assert!(
        changed.is_empty(),
        "{} golden outputs changed; if meant, regenerate with UPDATE_GOLDEN=1 cargo test -p traincost --test e2e golden and commit the diff:\n{}",
        changed.len(),
        changed.join("\n")
    );
}
