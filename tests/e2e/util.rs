//! Helpers shared by the end-to-end tests.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A `traincost` command, with a clean environment for logging and plugin discovery.
pub(crate) fn traincost() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_traincost"));
    cmd.env_remove("RUST_LOG")
        .env_remove("COLUMNS")
        .env_remove("TRAINCOST_PLUGIN_PATH");
    cmd
}

/// Runs `traincost ARGS` and returns its output.
pub(crate) fn run(args: &[&str]) -> Output {
    traincost().args(args).output().expect("traincost runs")
}

/// stdout as UTF-8.
pub(crate) fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// stderr as UTF-8.
pub(crate) fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Asserts a failed run: non-zero exit, no panic, and stderr containing every `needle`.
pub(crate) fn assert_fails_with(o: &Output, needles: &[&str]) {
    let err = stderr(o);
    assert!(
        !o.status.success(),
        "expected failure, got success; stderr:\n{err}"
    );
    assert_ne!(
        o.status.code(),
        Some(101),
        "exit code 101 looks like a panic:\n{err}"
    );
    assert!(!err.contains("panicked"), "panic on bad input:\n{err}");
    for n in needles {
        assert!(err.contains(n), "stderr lacks {n:?}:\n{err}");
    }
}

/// A fresh temporary directory.
pub(crate) fn temp_dir() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp dir")
}

/// Writes `contents` to `dir/name` and returns the path.
pub(crate) fn write(dir: &Path, name: &str, contents: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, contents).expect("write fixture");
    p
}

/// Runs `traincost ARGS`, asserts it succeeded and parses its stdout as JSON.
pub(crate) fn run_json(args: &[&str]) -> serde_json::Value {
    let o = run(args);
    assert!(o.status.success(), "{}", stderr(&o));
    serde_json::from_slice(&o.stdout).expect("valid JSON")
}

/// The element of the array `v[array]` whose `key` is `value`; panics naming what is missing.
pub(crate) fn find<'a>(
    v: &'a serde_json::Value,
    array: &str,
    key: &str,
    value: &str,
) -> &'a serde_json::Value {
    v[array]
        .as_array()
        .unwrap_or_else(|| panic!("no array {array:?}"))
        .iter()
        .find(|x| x[key] == value)
        .unwrap_or_else(|| panic!("no {array} element with {key} = {value:?}"))
}
