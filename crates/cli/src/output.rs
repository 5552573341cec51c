//! Writing output: stdout, or a file replaced atomically so that an interrupted or failed run
//! never leaves a half-written file behind.

use std::io::Write;
use std::path::Path;

use anyhow::Context;

/// The directory `path` would be written in, which must exist: call before long work so that a
/// bad output path fails fast.
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
    Ok(dir)
}

/// Writes `contents` to `path` atomically: a temporary file in the same directory, fsynced, then
/// renamed over the target. On any error the target is untouched.
pub(crate) fn write_atomically(path: &Path, contents: &[u8]) -> anyhow::Result<()> {
    let dir = check_output_dir(path)?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".traincost-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .with_context(|| {
            format!(
                "cannot write {}: no permission to create files in {}",
                path.display(),
                dir.display()
            )
        })?;
    // Temporary files are private (0600); the result should be as readable as any new file
    // (or keep the permissions of the file it replaces).
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).map_or(0o644, |m| m.permissions().mode() & 0o7777);
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(mode))
            .with_context(|| format!("setting permissions of {}", path.display()))?;
    }
    tmp.write_all(contents)
        .with_context(|| format!("writing {}", path.display()))?;
    tmp.as_file()
        .sync_all()
        .with_context(|| format!("writing {}", path.display()))?;
    tmp.persist(path)
        .map_err(|e| e.error)
        .with_context(|| format!("cannot replace {}", path.display()))?;
    Ok(())
}

/// Writes to `path` atomically if given, else to stdout.
pub(crate) fn emit(path: Option<&Path>, contents: &str) -> anyhow::Result<()> {
    match path {
        Some(path) => write_atomically(path, contents.as_bytes()),
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(contents.as_bytes())?;
            out.flush()?;
            Ok(())
        }
    }
}
