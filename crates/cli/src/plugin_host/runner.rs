//! Out-of-process plugins (`--isolate-plugins`): the crash-isolation answer to the known limit
//! of in-process plugins. `traincost plugins serve PATH` loads one library in a child process
//! and speaks the same JSON payloads, one line per message, on stdin/stdout; an abort, a
//! segfault or a stray `exit` kills the child, and traincost reports it by plugin name.
//!
//! Protocol (each line one JSON object):
//! - child, once: `{"ok": {"name", "version", "kind", "abi_minor", "path", "sha256"}}` or
//!   `{"error": {"message", "hint"}}`;
//! - host: `{"op": "describe"}` or `{"op": "evaluate", "request": "<request JSON text>"}`;
//! - child: `{"code": <return code>, "output": "<sink bytes as UTF-8>"}`.
//!
//! The child's stdout is the protocol channel only: it moves the plugin's own stdout to stderr.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, ExitCode, Stdio};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use traincost_plugin::payload::Kind;

use super::loader;
use crate::diagnostic::Diagnostic;

#[derive(Debug, Serialize, Deserialize)]
struct Hello {
    name: String,
    version: String,
    kind: Kind,
    abi_minor: u32,
    path: PathBuf,
    sha256: String,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Greeting {
    Ok(Hello),
    Error {
        message: String,
        hint: Option<String>,
    },
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
enum Op {
    Describe,
    Evaluate { request: String },
}

#[derive(Debug, Serialize, Deserialize)]
struct Reply {
    code: i32,
    output: String,
}

/// `traincost plugins serve PATH`: the child side.
pub(crate) fn serve(path: &Path) -> anyhow::Result<ExitCode> {
    let mut proto = loader::protocol_stdout()?;
    let loaded = match loader::load(path) {
        Ok(l) => l,
        Err(d) => {
            send(
                &mut proto,
                &Greeting::Error {
                    message: d.message.clone(),
                    hint: d.hint.clone(),
                },
            )?;
            return Ok(ExitCode::FAILURE);
        }
    };
    let plugin = loaded.plugin;
    send(
        &mut proto,
        &Greeting::Ok(Hello {
            name: plugin.name.to_owned(),
            version: plugin.version.to_owned(),
            kind: plugin.kind,
            abi_minor: plugin.abi_minor,
            path: loaded.path,
            sha256: loaded.sha256,
        }),
    )?;
    for line in std::io::stdin().lock().lines() {
        let line = line?;
        let (code, bytes) = match serde_json::from_str::<Op>(&line) {
            Ok(Op::Describe) => plugin.describe_raw(),
            Ok(Op::Evaluate { request }) => plugin.evaluate_raw(request.as_bytes()),
            Err(e) => anyhow::bail!("bad message from traincost: {e}"),
        };
        send(
            &mut proto,
            &Reply {
                code,
                output: String::from_utf8_lossy(&bytes).into_owned(),
            },
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes one protocol line.
fn send(out: &mut impl Write, v: &impl Serialize) -> anyhow::Result<()> {
    let mut line = serde_json::to_string(v)?;
    line.push('\n');
    out.write_all(line.as_bytes())?;
    out.flush()?;
    Ok(())
}

struct Pipes {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

/// A plugin running in a child process.
pub(crate) struct Remote {
    pipes: Mutex<Option<Pipes>>,
    path: PathBuf,
}

/// What a child reported about its plugin.
pub(crate) struct RemoteInfo {
    pub(crate) name: String,
    pub(crate) version: String,
    pub(crate) kind: Kind,
    pub(crate) abi_minor: u32,
    pub(crate) path: PathBuf,
    pub(crate) sha256: String,
}

fn exit_reason(child: &mut Child) -> String {
    match child.wait() {
        Ok(status) => {
            #[cfg(unix)]
            {
                use std::os::unix::process::ExitStatusExt;
                if let Some(sig) = status.signal() {
                    let name = match sig {
                        4 => " (SIGILL)",
                        6 => " (SIGABRT)",
                        7 => " (SIGBUS)",
                        8 => " (SIGFPE)",
                        9 => " (SIGKILL)",
                        11 => " (SIGSEGV)",
                        _ => "",
                    };
                    return format!("was killed by signal {sig}{name}");
                }
            }
            match status.code() {
                Some(c) => format!("exited with code {c}"),
                None => "exited".to_owned(),
            }
        }
        Err(e) => format!("could not be waited for: {e}"),
    }
}

impl Remote {
    /// Starts `traincost plugins serve PATH` and reads its greeting.
    pub(crate) fn spawn(path: &Path) -> Result<(Remote, RemoteInfo), Diagnostic> {
        let exe = std::env::current_exe()
            .map_err(|e| Diagnostic::new(format!("cannot find the traincost executable: {e}")))?;
        let mut child = Command::new(exe)
            .args(["plugins", "serve"])
            .arg(path)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| {
                Diagnostic::new(format!("cannot start the plugin process: {e}")).in_file(path)
            })?;
        let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            return Err(Diagnostic::new("the plugin process has no pipes").in_file(path));
        };
        let mut stdout = BufReader::new(stdout);
        let mut line = String::new();
        let read = stdout.read_line(&mut line);
        let greeting = match read {
            Ok(n) if n > 0 => serde_json::from_str::<Greeting>(&line).ok(),
            _ => None,
        };
        match greeting {
            Some(Greeting::Ok(h)) => {
                let info = RemoteInfo {
                    name: h.name,
                    version: h.version,
                    kind: h.kind,
                    abi_minor: h.abi_minor,
                    path: h.path,
                    sha256: h.sha256,
                };
                let remote = Remote {
                    pipes: Mutex::new(Some(Pipes {
                        child,
                        stdin,
                        stdout,
                    })),
                    path: info.path.clone(),
                };
                Ok((remote, info))
            }
            Some(Greeting::Error { message, hint }) => {
                let _ = child.wait();
                let mut d = Diagnostic::new(message).in_file(path);
                d.hint = hint;
                Err(d)
            }
            None => {
                drop(stdin);
                let why = exit_reason(&mut child);
                Err(Diagnostic::new(format!(
                    "the isolated plugin process {why} while loading the library"
                ))
                .in_file(path)
                .hint("the library crashed in its initializers: report it to its author"))
            }
        }
    }

    fn roundtrip(&self, op: &Op) -> Result<(i32, Vec<u8>), Diagnostic> {
        let mut guard = self.pipes.lock().unwrap_or_else(|p| p.into_inner());
        let Some(pipes) = guard.as_mut() else {
            return Err(Diagnostic::new(
                "the isolated plugin process is gone (it crashed on an earlier call)",
            )
            .in_file(&self.path));
        };
        let mut msg = serde_json::to_string(op).unwrap_or_default();
        msg.push('\n');
        let mut line = String::new();
        let ok = pipes.stdin.write_all(msg.as_bytes()).is_ok()
            && pipes.stdin.flush().is_ok()
            && pipes.stdout.read_line(&mut line).is_ok_and(|n| n > 0);
        let reply = if ok {
            serde_json::from_str::<Reply>(&line).ok()
        } else {
            None
        };
        match reply {
            Some(r) => Ok((r.code, r.output.into_bytes())),
            None => {
                let why = match guard.take() {
                    Some(mut pipes) => {
                        drop(pipes.stdin);
                        exit_reason(&mut pipes.child)
                    }
                    None => "is gone".to_owned(),
                };
                Err(Diagnostic::new(format!(
                    "the isolated plugin process {why}: the plugin crashed (abort or segfault); \
                     traincost itself is unaffected"
                ))
                .in_file(&self.path)
                .hint("a bug in the plugin: report it to its author"))
            }
        }
    }

    /// `describe` in the child.
    pub(crate) fn describe(&self) -> Result<(i32, Vec<u8>), Diagnostic> {
        self.roundtrip(&Op::Describe)
    }

    /// `evaluate` in the child.
    pub(crate) fn evaluate(&self, request: &[u8]) -> Result<(i32, Vec<u8>), Diagnostic> {
        self.roundtrip(&Op::Evaluate {
            request: String::from_utf8_lossy(request).into_owned(),
        })
    }
}

impl Drop for Remote {
    fn drop(&mut self) {
        let guard = self.pipes.get_mut().unwrap_or_else(|p| p.into_inner());
        if let Some(mut pipes) = guard.take() {
            drop(pipes.stdin);
            let _ = pipes.child.wait();
        }
    }
}
