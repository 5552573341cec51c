//! The README's tour is true: every ```console block in README.md holds one `$ traincost ...`
//! command and the first lines it prints; this test runs each command (no shell: the words
//! are the arguments) and compares those lines byte for byte. `UPDATE_GOLDEN=1` rewrites the
//! blocks with the current output, keeping each block's number of lines (3 for a new block
//! holding only its command).

use std::path::PathBuf;

use crate::util::{run, stderr, stdout};

fn readme() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../README.md")
}

/// A console block: its command's arguments, the expected lines, and where they sit.
struct Block {
    args: Vec<String>,
    expected: Vec<String>,
    /// Line index of the `$ traincost` line.
    at: usize,
}

fn blocks(lines: &[&str]) -> Vec<Block> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if lines[i].trim() == "```console" {
            let cmd = lines[i + 1];
            let args = cmd.strip_prefix("$ traincost ").unwrap_or_else(|| {
                panic!(
                    "README line {}: a console block starts with `$ traincost `",
                    i + 2
                )
            });
            let mut j = i + 2;
            let mut expected = Vec::new();
            while lines[j].trim_end() != "```" {
                expected.push(lines[j].to_owned());
                j += 1;
            }
            out.push(Block {
                args: args.split_whitespace().map(str::to_owned).collect(),
                expected,
                at: i + 1,
            });
            i = j;
        }
        i += 1;
    }
    out
}

#[test]
fn the_readme_tour_shows_what_each_command_prints_first() {
    let path = readme();
    let text = std::fs::read_to_string(&path).expect("README.md");
    let lines: Vec<&str> = text.lines().collect();
    let found = blocks(&lines);
    assert!(
        found.len() >= 6,
        "the tour has {} console blocks",
        found.len()
    );
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let mut replacements: Vec<(usize, usize, Vec<String>)> = Vec::new();
    let mut failures = Vec::new();
    for b in &found {
        let args: Vec<&str> = b.args.iter().map(String::as_str).collect();
        let o = run(&args);
        assert!(
            o.status.success(),
            "traincost {}: {}",
            b.args.join(" "),
            stderr(&o)
        );
        let out = stdout(&o);
        let n = if b.expected.is_empty() {
            3
        } else {
            b.expected.len()
        };
        let first: Vec<String> = out.lines().take(n).map(str::to_owned).collect();
        if first != b.expected {
            if update {
                replacements.push((b.at + 1, b.expected.len(), first));
            } else {
                let k = first
                    .iter()
                    .zip(&b.expected)
                    .position(|(a, e)| a != e)
                    .unwrap_or(first.len().min(b.expected.len()));
                failures.push(format!(
                    "$ traincost {}: line {} differs:\n  README: {}\n  now:    {}",
                    b.args.join(" "),
                    k + 1,
                    b.expected.get(k).map_or("(none)", String::as_str),
                    first.get(k).map_or("(none)", String::as_str)
                ));
            }
        }
    }
    if update && !replacements.is_empty() {
        let mut new: Vec<String> = lines.iter().map(|l| (*l).to_owned()).collect();
        for (start, len, with) in replacements.into_iter().rev() {
            new.splice(start..start + len, with);
        }
        std::fs::write(&path, new.join("\n") + "\n").expect("write README.md");
        return;
    }
    assert!(
        failures.is_empty(),
        "the README tour is out of date; if the change is meant, regenerate with UPDATE_GOLDEN=1 cargo test -p traincost --test e2e readme and review the diff:\n{}",
        failures.join("\n")
    );
}

#[test]
fn completions_and_man_pages_cover_every_command() {
    let commands = [
        "estimate",
        "reconcile",
        "sensitivity",
        "compare",
        "report",
        "scenarios",
        "claims",
        "epoch",
        "plugins",
        "completions",
        "man",
    ];
    for (shell, marker) in [
        ("bash", "_traincost()"),
        ("zsh", "#compdef traincost"),
        ("fish", "complete -c traincost"),
        ("elvish", "traincost"),
        ("powershell", "traincost"),
    ] {
        let o = run(&["completions", shell]);
        assert!(o.status.success(), "{shell}: {}", stderr(&o));
        let script = stdout(&o);
        assert!(script.contains(marker), "{shell}");
        for c in commands {
            assert!(script.contains(c), "{shell} completions lack {c}");
        }
        // Options of a subcommand complete too.
        assert!(script.contains("tornado-layer"), "{shell}");
    }
    let o = run(&["completions", "tcsh"]);
    assert!(!o.status.success());

    let o = run(&["man"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let page = stdout(&o);
    assert!(page.contains(".TH traincost 1"), "{page}");
    for c in commands {
        assert!(page.contains(c), "the man page lacks {c}");
    }
    let dir = crate::util::temp_dir();
    let o = run(&["man", "--dir", dir.path().to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    for name in [
        "traincost.1",
        "traincost-estimate.1",
        "traincost-scenarios-list.1",
    ] {
        let p = dir.path().join(name);
        let text = std::fs::read_to_string(&p).unwrap_or_else(|_| panic!("no {name}"));
        assert!(text.contains(".TH"), "{name}");
    }
    let estimate = std::fs::read_to_string(dir.path().join("traincost-estimate.1")).unwrap();
    assert!(estimate.contains("waterfall") && estimate.contains("percentile"));
}

#[test]
fn scenarios_list_gives_every_builtin_a_whole_first_sentence() {
    let o = run(&["scenarios", "list"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    // Rows of the table (`│ name ┆ model ┆ published ┆ about │`), the header row excepted;
    // piped output is not wrapped, so each scenario is one row.
    let rows: Vec<Vec<&str>> = out
        .lines()
        .filter_map(|l| l.strip_prefix('│')?.strip_suffix('│'))
        .map(|l| l.split('┆').map(str::trim).collect::<Vec<_>>())
        .filter(|cells| cells[0] != "scenario")
        .collect();
    assert_eq!(
        rows.len(),
        traincost_core::scenario::builtin_names().len(),
        "{out}"
    );
    for row in rows {
        assert_eq!(row.len(), 4, "{row:?}");
        let (name, summary) = (row[0], row[3]);
        assert!(summary.len() > 20, "{name}: {summary:?}");
        assert!(
            summary.ends_with('.'),
            "{name}: cut mid-sentence: {summary:?}"
        );
        let toml = stdout(&run(&["scenarios", "show", name]));
        let first_word = summary.split_whitespace().next().unwrap();
        assert!(toml.contains(first_word), "{name}");
    }
}
