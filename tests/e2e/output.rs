//! Where output goes and what goes wrong on the way: `-o` onto special files and links, a
//! closed or full stdout, and errors about input in people's words (file, line, byte).

use std::path::Path;
use std::process::{Command, Stdio};

use crate::util::{assert_fails_with, run, stderr, temp_dir, traincost, write};

/// Makes a FIFO with the system's `mkfifo`; `false` where there is none (then the test is
/// skipped).
#[cfg(unix)]
fn mkfifo(path: &Path) -> bool {
    Command::new("mkfifo")
        .arg(path)
        .status()
        .is_ok_and(|s| s.success())
}

/// `-o` onto a FIFO writes through it: the reader gets the whole output and the FIFO stays.
#[cfg(unix)]
#[test]
fn output_to_a_fifo_is_written_through_not_replaced() {
    use std::os::unix::fs::FileTypeExt;
    let dir = temp_dir();
    let fifo = dir.path().join("out.fifo");
    if !mkfifo(&fifo) {
        return;
    }
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).expect("read the FIFO"))
    };
    let o = run(&[
        "claims",
        "export",
        "--format",
        "json",
        "-o",
        fifo.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let got = reader.join().unwrap();
    let v: serde_json::Value = serde_json::from_str(&got).expect("whole JSON through the FIFO");
    assert!(v.as_array().is_some_and(|a| a.len() > 50));
    let kind = std::fs::symlink_metadata(&fifo).unwrap().file_type();
    assert!(kind.is_fifo(), "the FIFO was replaced by {kind:?}");
}

/// `-o` onto a symbolic link replaces the file it points to, atomically, and keeps the link;
/// a link to nothing and a directory are refused.
#[cfg(unix)]
#[test]
fn output_through_a_symlink_replaces_its_target_and_keeps_the_link() {
    let dir = temp_dir();
    let real = write(dir.path(), "real.json", "old contents");
    let link = dir.path().join("link.json");
    std::os::unix::fs::symlink("real.json", &link).unwrap();
    let o = run(&[
        "claims",
        "export",
        "--format",
        "json",
        "-o",
        link.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink(),
        "the link was replaced"
    );
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&real).unwrap()).unwrap();
    assert!(v.as_array().is_some());
    // No temporary file left behind.
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");

    let dangling = dir.path().join("dangling.json");
    std::os::unix::fs::symlink("nowhere.json", &dangling).unwrap();
    let o = run(&[
        "claims",
        "export",
        "--format",
        "json",
        "-o",
        dangling.to_str().unwrap(),
    ]);
    assert_fails_with(
        &o,
        &[
            "dangling.json",
            "symbolic link to nowhere.json, which does not exist",
        ],
    );
    assert!(!dir.path().join("nowhere.json").exists());
    let o = run(&[
        "claims",
        "export",
        "--format",
        "json",
        "-o",
        dir.path().to_str().unwrap(),
    ]);
    assert_fails_with(&o, &["it is a directory"]);
}

/// `traincost ... | head`: the reader leaving is not an error (status 0, nothing on stderr).
#[test]
fn a_closed_stdout_ends_quietly_with_status_0() {
    for args in [
        &["claims", "export", "--format", "json"][..],
        &["claims", "list"][..],
        &["epoch", "--all"][..],
    ] {
        let mut child = traincost()
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let o = child.wait_with_output().unwrap();
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
        assert_eq!(stderr(&o), "", "{args:?}");
    }
}

/// A full stdout is an error that says it was stdout.
#[cfg(target_os = "linux")]
#[test]
fn a_full_stdout_is_reported_as_stdout() {
    use std::os::unix::fs::FileTypeExt;
    // Opened for writing as the child's stdout only: nothing under /dev is created or replaced.
    let full = Path::new("/dev/full");
    if !std::fs::metadata(full).is_ok_and(|m| m.file_type().is_char_device()) {
        return;
    }
    let out = std::fs::OpenOptions::new().write(true).open(full).unwrap();
    let o = traincost()
        .args(["claims", "export", "--format", "json"])
        .stdout(out)
        .output()
        .unwrap();
    assert_fails_with(
        &o,
        &[
            "cannot write the output to stdout",
            "No space left on device",
        ],
    );
}

#[test]
fn threads_must_be_at_least_one_and_are_capped_per_core() {
    let o = run(&["estimate", "deepseek-v3", "--threads", "0"]);
    assert_fails_with(&o, &["--threads must be at least 1"]);
    assert!(!stderr(&o).contains("non-zero type"), "{}", stderr(&o));
    let o = run(&[
        "estimate",
        "deepseek-v3",
        "--samples",
        "1000",
        "--threads",
        "100000",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("--threads 100000: using") && stderr(&o).contains("per available core"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn invalid_utf8_is_located_by_line_and_byte() {
    let dir = temp_dir();
    let scenario = dir.path().join("latin1.toml");
    std::fs::write(&scenario, b"name = \"x\"\ntitle = \"caf\xe9\"\n").unwrap();
    let o = run(&["estimate", scenario.to_str().unwrap()]);
    assert_fails_with(
        &o,
        &[
            "latin1.toml:2:13: the scenario is not UTF-8 text: invalid byte 0xE9 at byte offset 23",
            "save the file as UTF-8",
        ],
    );
    assert!(!stderr(&o).contains("stream did not contain"));
    let claims = dir.path().join("claims.toml");
    std::fs::write(&claims, b"[[claim]]\nid = \"\xff\"\n").unwrap();
    let o = run(&["claims", "list", "--claims", claims.to_str().unwrap()]);
    assert_fails_with(
        &o,
        &[
            "claims.toml:2:7: the claims file is not UTF-8 text: invalid byte 0xFF at byte offset 16",
        ],
    );
}

#[test]
fn toml_limits_are_explained_with_a_line() {
    let dir = temp_dir();
    let deep = format!("name = \"x\"\n\na{} = 1\n", ".b".repeat(300));
    for args in [&["estimate"][..], &["claims", "list", "--claims"][..]] {
        let path = write(dir.path(), "deep.toml", &deep);
        let o = traincost().args(args).arg(&path).output().unwrap();
        assert_fails_with(
            &o,
            &[
                "deep.toml:3:1: ",
                "nested too deeply",
                "flatten the nesting",
            ],
        );
    }
    let big = "[[claim]]\nid = \"x\"\nvalue = 99999999999999999999\n";
    let path = write(dir.path(), "big.toml", big);
    let o = run(&["claims", "list", "--claims", path.to_str().unwrap()]);
    assert_fails_with(
        &o,
        &[
            "big.toml:3:9: ",
            "99999999999999999999 is too large for a TOML integer",
            "write it as a decimal number",
        ],
    );
    assert!(!stderr(&o).contains("as i128"), "{}", stderr(&o));
}
