//! Loading one plugin library: security checks, `dlopen` with `RTLD_NOW | RTLD_LOCAL`, the
//! entry symbol, the descriptor. The only module of the binary with `unsafe` code.
//!
//! Libraries are never unloaded: a loaded `libloading::Library` is leaked for the life of the process,
//! because unloading Rust libraries is unsound in practice (thread-local destructors, statics;
//! rust-lang/rust#59629, nagisa/rust_libloading#41) and `dlopen` caches by path anyway.
#![allow(unsafe_code)]

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use traincost_plugin::ffi::{ENTRY_PREFIX, EntryFn, Plugin};

use crate::diagnostic::Diagnostic;

/// A loaded library's checked plugin, with what `-v` logs about it.
pub(crate) struct Loaded {
    pub(crate) plugin: Plugin,
    pub(crate) path: PathBuf,
    pub(crate) sha256: String,
}

/// The entry symbol a library file is expected to export: `traincost_plugin_v1_` + the file
/// stem without `lib`, with `-` mapped to `_`.
pub(crate) fn expected_symbol(path: &Path) -> String {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stem = stem.strip_prefix("lib").unwrap_or(&stem);
    format!("{ENTRY_PREFIX}{}", stem.replace('-', "_"))
}

/// The whole error chain: libloading 0.9's `Display` alone says only "dlopen failed".
fn chain(err: &dyn std::error::Error) -> String {
    let mut s = err.to_string();
    let mut cur = err.source();
    while let Some(e) = cur {
        s.push_str(": ");
        s.push_str(&e.to_string());
        cur = e.source();
    }
    s
}

#[cfg(unix)]
unsafe extern "C" {
    /// POSIX `geteuid`: no arguments, cannot fail.
    safe fn geteuid() -> u32;
    /// POSIX `dup`.
    safe fn dup(fd: i32) -> i32;
    /// POSIX `dup2`.
    safe fn dup2(from: i32, to: i32) -> i32;
}

/// For `plugins serve`: a private handle on the real stdout for the protocol, with file
/// descriptor 1 pointed at stderr, so whatever a plugin prints cannot corrupt the protocol.
#[cfg(unix)]
pub(crate) fn protocol_stdout() -> std::io::Result<std::fs::File> {
    use std::os::fd::FromRawFd;
    let fd = dup(1);
    if fd < 0 || dup2(2, 1) < 0 {
        return Err(std::io::Error::last_os_error());
    }
    // SAFETY: `fd` is a fresh descriptor from `dup`, owned by nobody else; the File takes it.
    Ok(unsafe { std::fs::File::from_raw_fd(fd) })
}

/// For `plugins serve` elsewhere: stdout itself (a plugin printing to stdout breaks the protocol).
#[cfg(not(unix))]
pub(crate) fn protocol_stdout() -> std::io::Result<std::io::Stdout> {
    Ok(std::io::stdout())
}

/// Refuses files and directories that someone else could change under us.
#[cfg(unix)]
fn check_permissions(path: &Path) -> Result<(), Diagnostic> {
    use std::os::unix::fs::MetadataExt;
    let me = geteuid();
    let check = |p: &Path, what: &str, is_dir: bool| -> Result<(), Diagnostic> {
        let meta = std::fs::metadata(p).map_err(|e| {
            Diagnostic::new(format!("cannot read the {what}'s permissions: {e}")).in_file(p)
        })?;
        let mode = meta.mode();
        let sticky = mode & 0o1000 != 0;
        if mode & 0o002 != 0 && !(is_dir && sticky) {
            return Err(Diagnostic::new(format!(
                "refusing to load a plugin: the {what} is world-writable (mode {:o}), so any \
                 user could replace the code traincost would run",
                mode & 0o7777
            ))
            .in_file(p)
            .hint(format!("run `chmod o-w {}`", p.display())));
        }
        let owner = meta.uid();
        if owner != me && owner != 0 {
            return Err(Diagnostic::new(format!(
                "refusing to load a plugin: the {what} belongs to another user (uid {owner}; you \
                 are uid {me}), who could replace the code traincost would run"
            ))
            .in_file(p)
            .hint(format!(
                "take ownership (`chown {me} {}`) or copy the plugin into your own plugins \
                 directory",
                p.display()
            )));
        }
        Ok(())
    };
    check(path, "library file", false)?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        check(dir, "directory holding the library", true)?;
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_permissions(_path: &Path) -> Result<(), Diagnostic> {
    Ok(())
}

/// Entry symbols mentioned in the file: its dynamic string table holds the exported names.
fn exported_entries(bytes: &[u8]) -> Vec<String> {
    let prefix = ENTRY_PREFIX.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i + prefix.len() <= bytes.len() {
        if &bytes[i..i + prefix.len()] == prefix {
            let end = bytes[i..]
                .iter()
                .position(|b| !(b.is_ascii_alphanumeric() || *b == b'_'))
                .map_or(bytes.len(), |n| i + n);
            let name = String::from_utf8_lossy(&bytes[i..end]).into_owned();
            if name.len() > ENTRY_PREFIX.len() && !out.contains(&name) {
                out.push(name);
            }
            i = end;
        } else {
            i += 1;
        }
    }
    out
}

/// Loads the library at `path` (never unloaded) and checks its descriptor.
pub(crate) fn load(path: &Path) -> Result<Loaded, Diagnostic> {
    if !path.exists() {
        return Err(Diagnostic::new("plugin library not found")
            .in_file(path)
            .hint(
                "check the path given to --plugin, TRAINCOST_PLUGIN_PATH or the plugins directory",
            ));
    }
    if !path.is_file() {
        return Err(
            Diagnostic::new("not a file: a plugin is a shared library file")
                .in_file(path)
                .hint(
                    "pass the library file (e.g. target/release/libmy_plugin.so), not a directory",
                ),
        );
    }
    let path = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    check_permissions(&path)?;
    let bytes = std::fs::read(&path).map_err(|e| {
        Diagnostic::new(format!("cannot read the plugin library: {e}")).in_file(&path)
    })?;
    let sha256 = format!("{:x}", Sha256::digest(&bytes));
    tracing::info!(path = %path.display(), sha256 = %sha256, "loading plugin library");

    #[cfg(unix)]
    let library = {
        use libloading::os::unix::{Library, RTLD_LOCAL, RTLD_NOW};
        // SAFETY: loading runs the library's initializers; the user chose this file explicitly
        // (or put it in a plugin directory), and it passed the ownership and permission checks.
        // RTLD_NOW makes unresolved symbols fail here rather than at the first call.
        unsafe { Library::open(Some(&path), RTLD_NOW | RTLD_LOCAL) }.map(libloading::Library::from)
    };
    #[cfg(not(unix))]
    // SAFETY: as above.
    let library = unsafe { libloading::Library::new(&path) };

    let library = library.map_err(|e| {
        let detail = chain(&e);
        let looks_like_lib = bytes.starts_with(b"\x7fELF")
            || bytes.starts_with(&[0xcf, 0xfa, 0xed, 0xfe])
            || bytes.starts_with(b"MZ");
        let hint = if looks_like_lib {
            "the file is a binary but the system loader refused it: is it built for this \
             platform and architecture, with its dependencies installed?"
        } else {
            "this is not a shared library: build the plugin as a cdylib \
             (crate-type = [\"cdylib\"]) and pass the .so/.dylib/.dll it produces"
        };
        Diagnostic::new(format!("cannot load the plugin library: {detail}"))
            .in_file(&path)
            .hint(hint)
    })?;
    // Never unloaded (see the module docs).
    let library: &'static libloading::Library = Box::leak(Box::new(library));

    let symbol = expected_symbol(&path);
    // SAFETY: the symbol, if present, is an ABI v1 entry: `extern "C" fn() -> *const
    // TcPluginV1`. The library is leaked above, so the function pointer never dangles.
    let entry: Result<libloading::Symbol<'static, EntryFn>, _> =
        unsafe { library.get(symbol.as_bytes()) };
    let entry: EntryFn = match entry {
        Ok(sym) => *sym,
        Err(e) => {
            let found = exported_entries(&bytes);
            let hint = match found.first() {
                Some(other) => {
                    let crate_name = &other[ENTRY_PREFIX.len()..];
                    format!(
                        "renamed file? The library exports `{other}`; the file name decides the \
                         symbol, so rename it to lib{crate_name}.{}",
                        std::env::consts::DLL_EXTENSION
                    )
                }
                None => "renamed file, or not a traincost plugin? A plugin built from crate \
                         `foo` is libfoo.so and exports `traincost_plugin_v1_foo` (the SDK's \
                         declare_plugin! does this)"
                    .to_owned(),
            };
            return Err(Diagnostic::new(format!(
                "the library has no entry symbol `{symbol}`: {}",
                chain(&e)
            ))
            .in_file(&path)
            .hint(hint));
        }
    };
    // SAFETY: the entry follows the ABI contract (its name says so); `from_entry` reads the
    // header's three u32s before anything else and checks abi_major and struct_size. The
    // library is never unloaded, so the descriptor is `'static`.
    let plugin = unsafe { Plugin::from_entry(entry) }.map_err(|e| {
        let hint = match e {
            traincost_plugin::ffi::DescriptorError::AbiMismatch { .. } => {
                "rebuild the plugin against traincost-plugin for ABI 1, or use a traincost that \
                 supports its ABI"
            }
            _ => "rebuild the plugin with the traincost-plugin SDK, or fix its descriptor (see docs/PLUGINS.md)",
        };
        Diagnostic::new(format!("incompatible plugin: {e}"))
            .in_file(&path)
            .hint(hint)
    })?;
    Ok(Loaded {
        plugin,
        path,
        sha256,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn symbol_from_file_name() {
        assert_eq!(
            expected_symbol(Path::new("/x/libnvidia_pricing.so")),
            "traincost_plugin_v1_nvidia_pricing"
        );
        assert_eq!(
            expected_symbol(Path::new("my-prices.dll")),
            "traincost_plugin_v1_my_prices"
        );
    }

    #[test]
    fn finds_entry_names_in_bytes() {
        let bytes = b"\0abc\0traincost_plugin_v1_foo_bar\0traincost_plugin_v1_\0";
        assert_eq!(exported_entries(bytes), ["traincost_plugin_v1_foo_bar"]);
    }
}
