//! Loading one plugin library: security checks, `dlopen` with `RTLD_NOW | RTLD_LOCAL`, the
//! entry symbol, the descriptor. The only module of the binary with `unsafe` code.
//!
//! Libraries are never unloaded: a loaded `libloading::Library` is leaked for the life of the process,
//! because unloading Rust libraries is unsound in practice (thread-local destructors, statics;
//! rust-lang/rust#59629, nagisa/rust_libloading#41) and `dlopen` caches by path anyway.
#![allow(unsafe_code)]

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use sha2::{Digest, Sha256};
use traincost_plugin::ffi::{ENTRY_PREFIX, EntryFn, Plugin, TcPluginV1, V1_BASE_SIZE};

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
    /// POSIX `close`.
    safe fn close(fd: i32) -> i32;
    /// C `fflush`; a null stream flushes every output stream.
    fn fflush(stream: *mut std::ffi::c_void) -> i32;
    /// C `atexit`.
    fn atexit(f: extern "C" fn()) -> i32;
    /// POSIX `_exit`: ends the process at once, running no `atexit` handler.
    safe fn _exit(status: i32) -> !;
    /// POSIX `write`.
    fn write(fd: i32, buf: *const u8, len: usize) -> isize;
}

/// Exit status of a process whose plugin called `exit()` during a load or a call.
pub(crate) const PLUGIN_EXIT_STATUS: i32 = 70;

/// True while plugin code runs (loading or a call) in this process.
static IN_PLUGIN: AtomicBool = AtomicBool::new(false);

/// What runs, for the `exit()` guard's message: "plugin `x`: evaluate (query ...)".
static CURRENT: Mutex<String> = Mutex::new(String::new());

/// The saved stdout and the nesting depth of [`PluginScope`]s.
static SCOPE: Mutex<(usize, i32)> = Mutex::new((0, -1));

/// `atexit` handler: a plugin that calls `exit()` must not end traincost with status 0 and
/// no output. While plugin code runs, it prints why on stderr and ends with
/// [`PLUGIN_EXIT_STATUS`] instead.
#[cfg(unix)]
extern "C" fn exit_guard() {
    if !IN_PLUGIN.load(Ordering::SeqCst) {
        return;
    }
    let what = CURRENT
        .try_lock()
        .map(|s| s.clone())
        .unwrap_or_else(|_| "a plugin".to_owned());
    let msg = format!(
        "error: {what} called exit(): traincost stops here with status {PLUGIN_EXIT_STATUS}, its \
         work unfinished and no output written\n  hint: a plugin must return, never exit: report it to its \
         author (with --isolate-plugins, such a plugin ends only its own process)\n"
    );
    // SAFETY: writing a buffer we own to stderr; `_exit` then ends the process without
    // running further handlers.
    unsafe { write(2, msg.as_ptr(), msg.len()) };
    _exit(PLUGIN_EXIT_STATUS);
}

/// While alive, plugin code may run in this process: file descriptor 1 points at stderr, so
/// whatever a plugin prints (in its initializers or in a call) cannot corrupt traincost's
/// output, and an `exit()` from the plugin becomes a failure (see [`exit_guard`]). Restores
/// stdout when the last scope ends, after flushing what the plugin left in C's stdio buffers
/// (to stderr).
pub(crate) struct PluginScope {
    outer: bool,
}

impl PluginScope {
    /// Enters plugin code; `what` names it for the exit guard's message.
    pub(crate) fn enter(what: impl Into<String>) -> PluginScope {
        #[cfg(unix)]
        {
            static REGISTER: std::sync::Once = std::sync::Once::new();
            REGISTER.call_once(|| {
                // SAFETY: registers a handler with the C runtime; it only reads atomics,
                // writes to stderr and calls `_exit`.
                unsafe { atexit(exit_guard) };
            });
        }
        let mut scope = SCOPE.lock().unwrap_or_else(|p| p.into_inner());
        let outer = scope.0 == 0;
        if outer {
            use std::io::Write;
            let _ = std::io::stdout().flush();
            #[cfg(unix)]
            {
                let saved = dup(1);
                if saved >= 0 && dup2(2, 1) >= 0 {
                    scope.1 = saved;
                } else if saved >= 0 {
                    close(saved);
                }
            }
            *CURRENT.lock().unwrap_or_else(|p| p.into_inner()) = what.into();
            IN_PLUGIN.store(true, Ordering::SeqCst);
        }
        scope.0 += 1;
        PluginScope { outer }
    }
}

impl Drop for PluginScope {
    fn drop(&mut self) {
        let mut scope = SCOPE.lock().unwrap_or_else(|p| p.into_inner());
        scope.0 = scope.0.saturating_sub(1);
        if self.outer {
            IN_PLUGIN.store(false, Ordering::SeqCst);
            #[cfg(unix)]
            {
                // SAFETY: a null stream flushes every C output stream.
                unsafe { fflush(std::ptr::null_mut()) };
                if scope.1 >= 0 {
                    dup2(scope.1, 1);
                    close(scope.1);
                    scope.1 = -1;
                }
            }
        }
    }
}

/// Permissions (`r-xp`...) of the mapping of this process holding `addr`: `Ok(None)` if no
/// mapping holds it, `Err(())` where `/proc/self/maps` cannot be read (not Linux).
fn mapping_perms(addr: usize) -> Result<Option<String>, ()> {
    let maps = std::fs::read_to_string("/proc/self/maps").map_err(|_| ())?;
    for line in maps.lines() {
        let mut parts = line.split_whitespace();
        let (Some(range), Some(perms)) = (parts.next(), parts.next()) else {
            continue;
        };
        let Some((lo, hi)) = range.split_once('-') else {
            continue;
        };
        let (Ok(lo), Ok(hi)) = (usize::from_str_radix(lo, 16), usize::from_str_radix(hi, 16))
        else {
            continue;
        };
        if (lo..hi).contains(&addr) {
            return Ok(Some(perms.to_owned()));
        }
    }
    Ok(None)
}

/// Refuses an address that is not mapped with permission `want` (`'r'` or `'x'`): calling
/// or reading it would crash the host. Unchecked where the mappings cannot be read.
fn check_mapped(addr: usize, want: char, what: &str) -> Result<(), String> {
    match mapping_perms(addr) {
        Err(()) => Ok(()),
        Ok(Some(p)) if p.contains(want) => Ok(()),
        Ok(Some(p)) => Err(format!(
            "{what} is at 0x{addr:x}, in memory mapped `{p}`, not {}",
            if want == 'x' {
                "executable code: it is data, not a function"
            } else {
                "readable"
            }
        )),
        Ok(None) => Err(format!(
            "{what} points to 0x{addr:x}, which is not mapped memory"
        )),
    }
}

/// Calls the entry and checks, before reading anything, that what the descriptor points to
/// is mapped as it must be: the descriptor readable, its strings readable, its functions
/// executable.
///
/// # Safety
/// `entry` must be executable code (checked by the caller) following the entry contract as
/// far as its return value can be checked here.
unsafe fn checked_descriptor(entry: EntryFn) -> Result<Plugin, String> {
    let ptr = entry();
    if ptr.is_null() {
        return Err(traincost_plugin::ffi::DescriptorError::Null.to_string());
    }
    let addr = ptr as usize;
    check_mapped(addr, 'r', "the descriptor")?;
    check_mapped(addr + 11, 'r', "the descriptor's header")?;
    // SAFETY: the 12-byte header is in readable memory (checked just above).
    let (major, size) = unsafe {
        let header = ptr.cast::<u32>();
        (header.read_unaligned(), header.add(2).read_unaligned())
    };
    if major == traincost_plugin::ffi::ABI_MAJOR && size >= V1_BASE_SIZE {
        check_mapped(addr + V1_BASE_SIZE as usize - 1, 'r', "the descriptor")?;
        if ptr.align_offset(std::mem::align_of::<TcPluginV1>()) == 0 {
            // SAFETY: a full, aligned v1 descriptor lies in readable memory (checked above).
            let d = unsafe { &*ptr };
            for (p, what) in [
                (d.name, "descriptor field `name`"),
                (d.version, "descriptor field `version`"),
                (d.kind, "descriptor field `kind`"),
            ] {
                if !p.is_null() {
                    check_mapped(p as usize, 'r', what)?;
                }
            }
            if let Some(f) = d.describe {
                check_mapped(f as usize, 'x', "descriptor field `describe`")?;
            }
            if let Some(f) = d.evaluate {
                check_mapped(f as usize, 'x', "descriptor field `evaluate`")?;
            }
        }
    }
    // SAFETY: the checks above; the rest is the ABI contract.
    unsafe { Plugin::from_raw(ptr) }.map_err(|e| e.to_string())
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

/// Refuses files and directories that someone else could change under us: the library file,
/// a symbolic link to it (the `given` path), and every directory above either, up to `/`. A
/// world-writable directory is accepted only if sticky (like `/tmp`: others cannot replace
/// entries they do not own); anything owned by another user than you or root is refused.
#[cfg(unix)]
fn check_permissions(given: &Path, canonical: &Path) -> Result<(), Diagnostic> {
    use std::os::unix::fs::MetadataExt;
    let me = geteuid();
    let refuse_owner = |p: &Path, what: &str, owner: u32| {
        Diagnostic::new(format!(
            "refusing to load a plugin: the {what} belongs to another user (uid {owner}; you \
             are uid {me}), who could replace the code traincost would run"
        ))
        .in_file(p)
        .hint(format!(
            "take ownership (`chown {me} {}`) or copy the plugin into your own plugins \
             directory",
            p.display()
        ))
    };
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
            return Err(refuse_owner(p, what, owner));
        }
        Ok(())
    };
    check(canonical, "library file", false)?;
    // The path as given, absolute and without `.` parts, links not resolved.
    let given: PathBuf = std::path::absolute(given)
        .unwrap_or_else(|_| given.to_path_buf())
        .components()
        .filter(|c| !matches!(c, std::path::Component::CurDir))
        .collect();
    let mut seen: Vec<PathBuf> = Vec::new();
    for (start, what) in [
        (canonical, "directory holding the library"),
        (given.as_path(), "directory holding the link to the library"),
    ] {
        for (i, dir) in start.ancestors().skip(1).enumerate() {
            if dir.as_os_str().is_empty() || seen.iter().any(|s| s == dir) {
                continue;
            }
            seen.push(dir.to_path_buf());
            let what = if i == 0 {
                what.to_owned()
            } else {
                format!("directory {} above the library", dir.display())
            };
            check(dir, &what, true)?;
        }
    }
    // A link (the file itself, or a directory on the way) is replaced only by its owner.
    for p in given.ancestors() {
        if let Ok(meta) = std::fs::symlink_metadata(p)
            && meta.file_type().is_symlink()
        {
            let owner = meta.uid();
            if owner != me && owner != 0 {
                return Err(refuse_owner(p, "symbolic link to the library", owner));
            }
        }
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_permissions(_given: &Path, _canonical: &Path) -> Result<(), Diagnostic> {
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
    let given = path;
    let path = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    check_permissions(given, &path)?;
    let bytes = std::fs::read(&path).map_err(|e| {
        Diagnostic::new(format!("cannot read the plugin library: {e}")).in_file(&path)
    })?;
    let sha256 = format!("{:x}", Sha256::digest(&bytes));
    tracing::info!(path = %path.display(), sha256 = %sha256, "loading plugin library");
    // The library's initializers and entry run here: stdout protected, exit() guarded.
    let _scope = PluginScope::enter(format!(
        "the plugin library {} (while loading)",
        path.display()
    ));

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
        Ok(sym) => {
            let entry = *sym;
            if let Err(why) = check_mapped(entry as usize, 'x', &format!("`{symbol}`")) {
                return Err(
                    Diagnostic::new(format!("the entry symbol cannot be called: {why}"))
                        .in_file(&path)
                        .hint(format!(
                            "`{symbol}` must be a function returning the descriptor \
                     (`const TcPluginV1 *{symbol}(void)`), not the descriptor itself: see \
                     docs/PLUGINS.md"
                        )),
                );
            }
            entry
        }
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
    // SAFETY: the entry is executable code (checked above) and follows the ABI contract (its
    // name says so); `checked_descriptor` checks where the descriptor and what it points to
    // lie, then reads the header's three u32s before anything else and checks abi_major and
    // struct_size. The library is never unloaded, so the descriptor is `'static`.
    let plugin = unsafe { checked_descriptor(entry) }.map_err(|e| {
        let hint = if e.starts_with("built for plugin ABI") {
            "rebuild the plugin against traincost-plugin for ABI 1, or use a traincost that \
             supports its ABI"
        } else {
            "rebuild the plugin with the traincost-plugin SDK, or fix its descriptor (see docs/PLUGINS.md)"
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
