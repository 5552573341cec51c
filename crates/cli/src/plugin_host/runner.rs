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
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::Duration;

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
            Ok(Op::Describe) => {
                let _scope =
                    loader::PluginScope::enter(format!("plugin `{}` (describe)", plugin.name));
                plugin.describe_raw()
            }
            Ok(Op::Evaluate { request }) => {
                let _scope =
                    loader::PluginScope::enter(format!("plugin `{}` (evaluate)", plugin.name));
                plugin.evaluate_raw(request.as_bytes())
            }
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
    /// Lines from the child's stdout, read by a helper thread so that a reply can time out.
    lines: Receiver<String>,
}

/// How long an isolated plugin may take to load or to answer one call:
/// `TRAINCOST_PLUGIN_TIMEOUT` seconds, default 60.
fn timeout() -> Duration {
    let secs = std::env::var("TRAINCOST_PLUGIN_TIMEOUT")
        .ok()
        .and_then(|s| s.trim().parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s > 0.0)
        .unwrap_or(60.0);
    Duration::from_secs_f64(secs)
}

fn line_reader(stdout: ChildStdout) -> Receiver<String> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

/// Waits for the next line, at most `limit`; on timeout the child is killed.
fn next_line(
    lines: &Receiver<String>,
    child: &mut Child,
    limit: Duration,
) -> Result<String, String> {
    match lines.recv_timeout(limit) {
        Ok(line) => Ok(line),
        Err(RecvTimeoutError::Timeout) => {
            let _ = child.kill();
            let _ = child.wait();
            Err(format!(
                "did not answer within {} s and was killed (TRAINCOST_PLUGIN_TIMEOUT sets the limit)",
                limit.as_secs_f64()
            ))
        }
        Err(RecvTimeoutError::Disconnected) => Err(exit_reason(child)),
    }
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
                Some(c) if c == loader::PLUGIN_EXIT_STATUS => {
                    format!("exited with code {c}: the plugin called exit()")
                }
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
        let lines = line_reader(stdout);
        // Loading (process start, dlopen, initializers) gets at least a minute even when calls
        // have a short limit.
        let load_limit = timeout().max(Duration::from_secs(60));
        let greeting = next_line(&lines, &mut child, load_limit)
            .map(|line| serde_json::from_str::<Greeting>(&line).map_err(|e| e.to_string()));
        match greeting {
            Ok(Ok(Greeting::Ok(h))) => {
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
                        lines,
                    })),
                    path: info.path.clone(),
                };
                Ok((remote, info))
            }
            Ok(Ok(Greeting::Error { message, hint })) => {
                let _ = child.wait();
                let mut d = Diagnostic::new(message).in_file(path);
                d.hint = hint;
                Err(d)
            }
            Ok(Err(e)) => {
                let _ = child.kill();
                let _ = child.wait();
                Err(Diagnostic::new(format!(
                    "the isolated plugin process sent a bad greeting: {e}"
                ))
                .in_file(path))
            }
            Err(why) => {
                drop(stdin);
                Err(Diagnostic::new(format!(
                    "the isolated plugin process {why} while loading the library"
                ))
                .in_file(path)
                .hint(
                    "the library crashed or hung while loading, in its initializers or in its \
                     entry function: report it to its author",
                ))
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
        let sent = pipes.stdin.write_all(msg.as_bytes()).is_ok() && pipes.stdin.flush().is_ok();
        let reply = if sent {
            next_line(&pipes.lines, &mut pipes.child, timeout()).and_then(|line| {
                serde_json::from_str::<Reply>(&line).map_err(|e| format!("sent a bad reply ({e})"))
            })
        } else {
            Err(exit_reason(&mut pipes.child))
        };
        match reply {
            Ok(r) => Ok((r.code, r.output.into_bytes())),
            Err(why) => {
                if let Some(mut pipes) = guard.take() {
                    let _ = pipes.child.kill();
                    let _ = pipes.child.wait();
                }
                Err(Diagnostic::new(format!(
                    "the isolated plugin process {why}: the plugin crashed or hung; traincost \
                     itself is unaffected"
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
