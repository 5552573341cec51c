//! Writing output: stdout, or a file replaced atomically so that an interrupted or failed run
//! never leaves a half-written file behind.
//!
//! What `-o PATH` does with what is already at `PATH`:
//! - nothing, or a regular file: a temporary file in the same directory, renamed over it;
//! - a symbolic link: followed; the file it points to is replaced atomically (in the target's
//!   directory) and the link stays; a link to nothing is refused;
//! - a FIFO or a character device: opened and written through, never replaced;
//! - a directory, a block device or a socket: refused.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;

/// stdout was closed by its reader (`traincost ... | head`): not an error, the run stops
/// quietly with status 0 (as ripgrep does). `main` recognizes it.
#[derive(Debug)]
pub(crate) struct StdoutClosed;

impl std::fmt::Display for StdoutClosed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("stdout was closed by its reader")
    }
}

impl std::error::Error for StdoutClosed {}

/// The directory `path` would be written in, which must exist: call before long work so that a
/// bad output path fails fast. Paths that cannot be written (a directory, a block device, a
/// socket, a link to nothing) are refused here too.
pub(crate) fn check_output_dir(path: &Path) -> anyhow::Result<&Path> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if !dir.is_dir() {
        anyhow::bail!(
            "cannot write {}: directory {} does not exist (create it first, or choose another path)",
            path.display(),
            dir.display()
        );
    }
    target(path)?;
    Ok(dir)
}

/// How an output path is written.
enum Target {
    /// A temporary file renamed over this path (which is not a symbolic link).
    Replace(PathBuf),
    /// Opened and written in place: a FIFO or a character device.
    WriteThrough,
}

/// What is at `path` decides how it is written (see the module docs).
fn target(path: &Path) -> anyhow::Result<Target> {
    let meta = match std::fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Ok(Target::Replace(path.to_owned()));
        }
        Err(e) => return Err(e).with_context(|| format!("cannot write {}", path.display())),
    };
    let followed = if meta.file_type().is_symlink() {
        match std::fs::metadata(path) {
            Ok(m) => m,
            Err(_) => {
                let to = std::fs::read_link(path).unwrap_or_default();
                anyhow::bail!(
                    "cannot write {}: it is a symbolic link to {}, which does not exist \
                     (create the target, remove the link, or choose another path)",
                    path.display(),
                    to.display()
                );
            }
        }
    } else {
        meta.clone()
    };
    let kind = special_kind(&followed);
    match kind {
        None if followed.is_file() => {
            if meta.file_type().is_symlink() {
                let resolved = path.canonicalize().with_context(|| {
                    format!("cannot write {}: cannot resolve the link", path.display())
                })?;
                Ok(Target::Replace(resolved))
            } else {
                Ok(Target::Replace(path.to_owned()))
            }
        }
        Some("FIFO" | "character device") => Ok(Target::WriteThrough),
        _ => {
            let what = if followed.is_dir() {
                "a directory"
            } else {
                match kind {
                    Some("block device") => "a block device",
                    Some("socket") => "a socket",
                    _ => "not a regular file",
                }
            };
            anyhow::bail!(
                "cannot write {}: it is {what}; give the path of a file to create or replace",
                path.display()
            )
        }
    }
}

#[cfg(unix)]
fn special_kind(meta: &std::fs::Metadata) -> Option<&'static str> {
    use std::os::unix::fs::FileTypeExt;
    let t = meta.file_type();
    if t.is_fifo() {
        Some("FIFO")
    } else if t.is_char_device() {
        Some("character device")
    } else if t.is_block_device() {
        Some("block device")
    } else if t.is_socket() {
        Some("socket")
    } else {
        None
    }
}

#[cfg(not(unix))]
fn special_kind(_meta: &std::fs::Metadata) -> Option<&'static str> {
    None
}

/// Writes `contents` to `path`: a regular file (or the file a symbolic link points to) is
/// replaced atomically, a temporary file in the same directory, fsynced, then renamed over the
/// target, so on any error the target is untouched; a FIFO or a character device is written
/// through. Directories and other special files are refused.
pub(crate) fn write_atomically(path: &Path, contents: &[u8]) -> anyhow::Result<()> {
    check_output_dir(path)?;
    match target(path)? {
        Target::WriteThrough => {
            let mut f = std::fs::OpenOptions::new()
                .write(true)
                .open(path)
                .with_context(|| format!("cannot open {} for writing", path.display()))?;
            f.write_all(contents)
                .and_then(|()| f.flush())
                .with_context(|| format!("writing {}", path.display()))
        }
        Target::Replace(real) => replace(path, &real, contents),
    }
}

/// Replaces the regular file `real` (named `shown` by the user) atomically.
fn replace(shown: &Path, real: &Path, contents: &[u8]) -> anyhow::Result<()> {
    let dir = match real.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".traincost-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .with_context(|| {
            format!(
                "cannot write {}: no permission to create files in {}",
                shown.display(),
                dir.display()
            )
        })?;
    // Temporary files are private (0600); the result should be as readable as any new file
    // (or keep the permissions of the file it replaces).
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(real).map_or(0o644, |m| m.permissions().mode() & 0o7777);
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(mode))
            .with_context(|| format!("setting permissions of {}", shown.display()))?;
    }
    tmp.write_all(contents)
        .with_context(|| format!("writing {}", shown.display()))?;
    tmp.as_file()
        .sync_all()
        .with_context(|| format!("writing {}", shown.display()))?;
    tmp.persist(real)
        .map_err(|e| e.error)
        .with_context(|| format!("cannot replace {}", shown.display()))?;
    Ok(())
}

/// Writes to `path` (see [`write_atomically`]) if given, else to stdout. A reader that closed
/// stdout gives [`StdoutClosed`]; other failures say that stdout could not be written.
pub(crate) fn emit(path: Option<&Path>, contents: &str) -> anyhow::Result<()> {
    match path {
        Some(path) => write_atomically(path, contents.as_bytes()),
        None => {
            let mut out = std::io::stdout().lock();
            match out
                .write_all(contents.as_bytes())
                .and_then(|()| out.flush())
            {
                Ok(()) => Ok(()),
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Err(StdoutClosed.into()),
                Err(e) => Err(anyhow::Error::new(e).context(
                    "cannot write the output to stdout (redirect it elsewhere, or write a file \
                     with -o/--output where the command has it)",
                )),
            }
        }
    }
}

/// True if `err` is (or was caused by) stdout closed by its reader.
pub(crate) fn is_stdout_closed(err: &anyhow::Error) -> bool {
    err.chain().any(|c| c.is::<StdoutClosed>())
}
