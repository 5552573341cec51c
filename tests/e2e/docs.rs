//! The examples of docs/PLUGINS.md and docs/SCENARIOS.md, run: every fenced block is read from
//! the markdown when the test runs (never copied here), classified by its info string, and
//! executed with the real binary. A block no kind handles fails the test, so the docs cannot
//! grow an example nobody runs.
//!
//! | info string     | what the test does                                                     |
//! |-----------------|------------------------------------------------------------------------|
//! | `console`       | runs every `$ traincost ...` line, `./libmy_prices.so` being the Rust example's library |
//! | `c`             | compiles the declarations after `#include "traincost_plugin.h"` (`<name>` = `my_prices`) |
//! | `toml cargo`    | the Rust example's Cargo.toml: built with the `rust plugin` block as its `src/lib.rs` |
//! | `rust plugin`   | that crate's `src/lib.rs`: built as a cdylib, its tests run, loaded by `plugins check` |
//! | `toml scenario` | a complete scenario: estimated (with the Rust example loaded if it names `my-prices`) |
//! | `toml fragment` | tables to add to a scenario: appended to [`FRAGMENT_BASE`] and estimated |
//! | `sh`            | run by `sh -eu` from a directory holding the repository's `include/` and `tests/`, `traincost` on `PATH` |
//!
//! The example crate is built offline (`--offline`, the workspace's Cargo.lock) into the
//! workspace's own target directory, so it reuses the SDK the test build already compiled.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use crate::util::{find, stderr, stdout, temp_dir, traincost};

/// The docs whose examples run.
const DOCS: &[&str] = &["docs/PLUGINS.md", "docs/SCENARIOS.md"];

/// What a fenced block is, by its info string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Console,
    CDeclarations,
    CargoManifest,
    RustPlugin,
    Scenario,
    Fragment,
    Shell,
}

/// Every info string a block of the docs may carry.
const KINDS: &[(&str, Kind)] = &[
    ("console", Kind::Console),
    ("c", Kind::CDeclarations),
    ("toml cargo", Kind::CargoManifest),
    ("rust plugin", Kind::RustPlugin),
    ("toml scenario", Kind::Scenario),
    ("toml fragment", Kind::Fragment),
    ("sh", Kind::Shell),
];

/// One fenced block.
#[derive(Debug, Clone)]
struct Block {
    file: &'static str,
    /// 1-based line of the opening fence.
    line: usize,
    info: String,
    body: String,
}

impl Block {
    fn kind(&self) -> Option<Kind> {
        KINDS
            .iter()
            .find(|(info, _)| *info == self.info)
            .map(|(_, k)| *k)
    }

    fn at(&self) -> String {
        format!("{}:{} (```{})", self.file, self.line, self.info)
    }
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("repository root")
}

/// Every fenced block of [`DOCS`], in order.
fn blocks() -> Vec<Block> {
    let mut out = Vec::new();
    for file in DOCS {
        let text = std::fs::read_to_string(repo().join(file)).expect("doc exists");
        let mut open: Option<Block> = None;
        for (i, line) in text.lines().enumerate() {
            let fence = line.trim_start().starts_with("```");
            match open.take() {
                None if fence => {
                    open = Some(Block {
                        file,
                        line: i + 1,
                        info: line.trim_start()[3..].trim().to_owned(),
                        body: String::new(),
                    });
                }
                None => {}
                Some(b) if fence && line.trim() == "```" => out.push(b),
                Some(mut b) => {
                    b.body.push_str(line);
                    b.body.push('\n');
                    open = Some(b);
                }
            }
        }
        assert!(open.is_none(), "{file}: a fenced block is never closed");
    }
    out
}

fn of_kind(kind: Kind) -> Vec<Block> {
    blocks()
        .into_iter()
        .filter(|b| b.kind() == Some(kind))
        .collect()
}

fn run(cmd: &mut Command) -> Output {
    cmd.output().expect("the command runs")
}

#[test]
fn every_fenced_block_of_the_docs_is_run_by_a_test() {
    let all = blocks();
    let unknown: Vec<String> = all
        .iter()
        .filter(|b| b.kind().is_none())
        .map(Block::at)
        .collect();
    assert!(
        unknown.is_empty(),
        "fenced blocks no test runs: {}\nmark each with one of the info strings \
         tests/e2e/docs.rs handles ({}), or teach the test a new kind",
        unknown.join(", "),
        KINDS
            .iter()
            .map(|(i, _)| format!("```{i}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    // The Rust example is one crate: one manifest, one lib.rs.
    assert_eq!(
        of_kind(Kind::CargoManifest).len(),
        1,
        "one ```toml cargo block"
    );
    assert_eq!(
        of_kind(Kind::RustPlugin).len(),
        1,
        "one ```rust plugin block"
    );
    assert!(!of_kind(Kind::Scenario).is_empty());
}

/// The workspace's target directory (the parent of Cargo's per-test scratch directory).
fn target_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("the target directory")
        .to_path_buf()
}

/// The Rust example of docs/PLUGINS.md as a crate: its Cargo.toml with the SDK's path
/// rewritten to this repository's (and an empty `[workspace]`, so that a target directory
/// inside the repository does not make it a stray member), its lib.rs, and the workspace's
/// Cargo.lock (same dependency versions, offline). Built once; returns the cdylib.
fn example_plugin() -> &'static Path {
    static LIB: OnceLock<PathBuf> = OnceLock::new();
    LIB.get_or_init(|| {
        let manifest = &of_kind(Kind::CargoManifest)[0];
        let lib = &of_kind(Kind::RustPlugin)[0];
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("docs-example-plugin");
        std::fs::create_dir_all(dir.join("src")).unwrap();
        let sdk = repo().join("crates/plugin");
        let mut rewritten = 0;
        let toml: String = manifest
            .body
            .lines()
            .map(|l| {
                if l.starts_with("traincost-plugin") {
                    assert!(
                        l.contains("path = "),
                        "{}: the SDK dependency must be a path (it is not on crates.io): {l}",
                        manifest.at()
                    );
                    rewritten += 1;
                    format!("traincost-plugin = {{ path = {:?} }}\n", sdk.display())
                } else {
                    format!("{l}\n")
                }
            })
            .collect();
        assert_eq!(
            rewritten,
            1,
            "{}: no traincost-plugin dependency",
            manifest.at()
        );
        std::fs::write(dir.join("Cargo.toml"), format!("{toml}\n[workspace]\n")).unwrap();
        std::fs::write(dir.join("src/lib.rs"), &lib.body).unwrap();
        std::fs::copy(repo().join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();

        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
        let cargo = |sub: &str| {
            let mut c = Command::new(&cargo);
            c.arg(sub)
                .arg("--offline")
                .arg("--manifest-path")
                .arg(dir.join("Cargo.toml"))
                .env("CARGO_TARGET_DIR", target_dir());
            c
        };
        // Its own test: the SDK's host checks, through the C shims.
        let o = run(cargo("test").arg("--quiet"));
        assert!(
            o.status.success(),
            "{} / {}: `cargo test` of the example failed:\n{}{}",
            manifest.at(),
            lib.at(),
            stdout(&o),
            stderr(&o)
        );
        let o = run(cargo("build").args(["--quiet", "--message-format=json"]));
        assert!(
            o.status.success(),
            "{}: building the example failed:\n{}",
            lib.at(),
            stderr(&o)
        );
        stdout(&o)
            .lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .filter(|m| m["reason"] == "compiler-artifact" && m["target"]["name"] == "my_prices")
            .flat_map(|m| m["filenames"].as_array().cloned().unwrap_or_default())
            .filter_map(|f| f.as_str().map(PathBuf::from))
            .find(|f| {
                f.extension()
                    .is_some_and(|e| e == std::env::consts::DLL_EXTENSION)
            })
            .expect("cargo reports the example's cdylib")
    })
}

/// A directory holding the example's library as `./libmy_prices.so`, as the docs call it.
fn example_dir() -> tempfile::TempDir {
    let dir = temp_dir();
    let name = format!("libmy_prices.{}", std::env::consts::DLL_EXTENSION);
    std::fs::copy(example_plugin(), dir.path().join(name)).unwrap();
    dir
}

/// `traincost` isolated from the user's plugins directory.
fn tc(home: &Path) -> Command {
    let mut cmd = traincost();
    cmd.env("XDG_CONFIG_HOME", home).env("HOME", home);
    cmd
}

#[test]
fn the_rust_plugin_example_builds_passes_its_tests_and_loads() {
    let dir = example_dir();
    let o =
        run(tc(dir.path())
            .current_dir(dir.path())
            .args(["plugins", "check", "./libmy_prices.so"]));
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("ok    gpu_spec Gaudi3"), "{out}");
    assert!(out.contains("ok    purchase_price Gaudi3"), "{out}");
}

#[test]
fn console_blocks_run() {
    let dir = example_dir();
    for b in of_kind(Kind::Console) {
        for line in b.body.lines() {
            let Some(cmd) = line.strip_prefix("$ traincost ") else {
                assert!(
                    line.trim().is_empty(),
                    "{}: a console line that is not `$ traincost ...`: {line}",
                    b.at()
                );
                continue;
            };
            let cmd = cmd.split(" #").next().unwrap_or_default();
            let o = run(tc(dir.path())
                .current_dir(dir.path())
                .args(cmd.split_whitespace()));
            assert!(
                o.status.success(),
                "{}: `traincost {cmd}` failed:\n{}",
                b.at(),
                stderr(&o)
            );
        }
    }
}

#[test]
fn scenario_blocks_estimate() {
    for b in of_kind(Kind::Scenario) {
        let home = temp_dir();
        let file = home.path().join("scenario.toml");
        std::fs::write(&file, &b.body).unwrap();
        let mut cmd = tc(home.path());
        cmd.arg("estimate")
            .arg(&file)
            .args(["--samples", "1000", "--format", "json"]);
        let uses_example = b.body.contains("\"my-prices\"");
        if uses_example {
            cmd.arg("--plugin").arg(example_plugin());
        }
        let o = run(&mut cmd);
        assert!(
            o.status.success(),
            "{}: the scenario does not estimate:\n{}",
            b.at(),
            stderr(&o)
        );
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
        if uses_example {
            // The GPU the example defines: its figures say where they came from.
            let note = find(&v, "inputs", "name", "ownership.tdp")["note"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            assert!(
                note.contains("from plugin my-prices 0.1.0")
                    && note.contains("which defines the GPU `Gaudi3`"),
                "{}: {note}",
                b.at()
            );
        }
    }
}

/// The scenario a `toml fragment` block is added to: one H100 stage, top-level keys only, so
/// that any table may follow.
const FRAGMENT_BASE: &str = r#"name = "fragment-base"
published = "2024-07"
dollars = "2024"
gpu = "H100"
rental_price = { value = 2.0, unit = "USD/GPU-hour", assumption = "docs test base" }

[[stages]]
name = "run"
gpu_hours = { value = 1000000, assumption = "docs test base" }
"#;

#[test]
fn fragment_blocks_estimate_added_to_a_base_scenario() {
    for b in of_kind(Kind::Fragment) {
        let home = temp_dir();
        let file = home.path().join("scenario.toml");
        std::fs::write(&file, format!("{FRAGMENT_BASE}\n{}", b.body)).unwrap();
        let o = run(tc(home.path()).arg("estimate").arg(&file).args([
            "--samples",
            "1000",
            "--format",
            "json",
        ]));
        assert!(
            o.status.success(),
            "{}: the fragment, added to tests/e2e/docs.rs's FRAGMENT_BASE, does not \
             estimate:\n{}",
            b.at(),
            stderr(&o)
        );
    }
}

#[test]
fn c_blocks_compile() {
    let dir = temp_dir();
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".to_owned());
    for (i, b) in of_kind(Kind::CDeclarations).iter().enumerate() {
        let file = dir.path().join(format!("block{i}.c"));
        let source = format!(
            "#include \"traincost_plugin.h\"\n{}",
            b.body.replace("<name>", "my_prices")
        );
        std::fs::write(&file, source).unwrap();
        let o = run(Command::new(&cc)
            .args(["-std=c99", "-Wall", "-Werror", "-fsyntax-only", "-I"])
            .arg(repo().join("include"))
            .arg(&file));
        assert!(
            o.status.success(),
            "{}: does not compile with `{cc}`:\n{}",
            b.at(),
            stderr(&o)
        );
    }
}

#[test]
fn shell_blocks_run_from_the_repository_layout() {
    let bin = Path::new(env!("CARGO_BIN_EXE_traincost"))
        .parent()
        .unwrap()
        .to_path_buf();
    let path = std::env::join_paths(std::iter::once(bin).chain(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    )))
    .unwrap();
    for b in of_kind(Kind::Shell) {
        let dir = temp_dir();
        for sub in ["include", "tests"] {
            std::os::unix::fs::symlink(repo().join(sub), dir.path().join(sub)).unwrap();
        }
        let o = run(Command::new("sh")
            .args(["-eu", "-c", &b.body])
            .current_dir(dir.path())
            .env("PATH", &path)
            .env("XDG_CONFIG_HOME", dir.path())
            .env("HOME", dir.path())
            .env_remove("TRAINCOST_PLUGIN_PATH"));
        assert!(
            o.status.success(),
            "{}: the commands failed:\n{}{}",
            b.at(),
            stdout(&o),
            stderr(&o)
        );
    }
}
