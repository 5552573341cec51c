//! The C ABI of plugin v1: the descriptor, the sink, return codes, the shims that
//! [`declare_plugin!`](crate::declare_plugin) wires to a safe model, and a small client that
//! calls a descriptor (used by hosts and by [`crate::testing`]).
//!
//! This is the only module of the SDK with `unsafe` code. `include/traincost_plugin.h` is
//! the same layout in C; a test checks sizes, offsets and constants against it.
#![allow(unsafe_code)]

use std::cell::{Cell, RefCell};
use std::ffi::{CStr, c_char, c_void};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Once;

use crate::payload::{ErrorPayload, Request, Response};

/// Major ABI version: a host refuses any other.
pub const ABI_MAJOR: u32 = 1;
/// Minor ABI version: additive capabilities (fields appended to the descriptor, new plugin
/// kinds), monotonic, one named constant each ([`ABI_MINOR_GRID`]). A plugin declares the
/// minor it was built against; hosts show it and accept any.
pub const ABI_MINOR: u32 = ABI_MINOR_GRID;
/// The first minor version with the `grid` kind (carbon intensity of electricity grids):
/// 1.1. A host of ABI 1.0 refuses a grid plugin by its kind.
pub const ABI_MINOR_GRID: u32 = 1;
/// Size of the v1.0 descriptor: a host refuses a descriptor whose `struct_size` is smaller.
pub const V1_BASE_SIZE: u32 = std::mem::size_of::<TcPluginV1>() as u32;

/// Return code: success; the sink holds the manifest or the response.
pub const TC_OK: i32 = 0;
/// Return code: the plugin reports an error; the sink holds an [`ErrorPayload`].
pub const TC_ERROR: i32 = 1;
/// Return code: the plugin panicked and the SDK caught it; the sink holds an
/// [`ErrorPayload`] with code `panic` and the panic message.
pub const TC_PANIC: i32 = 2;

/// Prefix of every entry symbol: `traincost_plugin_v1_<crate_name>`.
pub const ENTRY_PREFIX: &str = "traincost_plugin_v1_";

/// A host-owned output buffer. The plugin calls `write` zero or more times during a call;
/// the bytes are appended. `write` returns 0 on success and non-zero if the host refuses the
/// bytes (too large); it never unwinds. The sink is valid only during the call it is passed to.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct TcSink {
    /// Host context, passed back to `write`.
    pub ctx: *mut c_void,
    /// Appends `len` bytes at `data` to the host's buffer.
    pub write: Option<unsafe extern "C" fn(ctx: *mut c_void, data: *const u8, len: usize) -> i32>,
}

/// `describe(sink)`: writes the JSON manifest.
pub type DescribeFn = unsafe extern "C" fn(sink: TcSink) -> i32;
/// `evaluate(request, request_len, sink)`: reads a JSON request, writes a JSON response.
pub type EvaluateFn =
    unsafe extern "C" fn(request: *const u8, request_len: usize, sink: TcSink) -> i32;

/// The static descriptor an entry symbol returns. Append-only: new fields go at the end and
/// raise `abi_minor`; a host reads a field only if `struct_size` covers it.
#[repr(C)]
#[derive(Debug)]
pub struct TcPluginV1 {
    /// Always at offset 0: [`ABI_MAJOR`] of the plugin.
    pub abi_major: u32,
    /// [`ABI_MINOR`] of the plugin.
    pub abi_minor: u32,
    /// `sizeof` the descriptor the plugin was built with.
    pub struct_size: u32,
    /// Zero.
    pub reserved: u32,
    /// NUL-terminated UTF-8 plugin name, static.
    pub name: *const c_char,
    /// NUL-terminated UTF-8 plugin version, static.
    pub version: *const c_char,
    /// NUL-terminated `"pricing"`, `"salary"` or (ABI 1.1) `"grid"`, static.
    pub kind: *const c_char,
    /// Writes the manifest.
    pub describe: Option<DescribeFn>,
    /// Answers one request.
    pub evaluate: Option<EvaluateFn>,
}

/// A descriptor in a `static`. Raw pointers are not `Sync`; these point to static, immutable
/// strings, so sharing them between threads is sound.
#[derive(Debug)]
#[repr(transparent)]
pub struct StaticDescriptor(pub TcPluginV1);

// SAFETY: the descriptor is immutable and its pointers point to `'static` NUL-terminated
// strings and to functions: nothing is mutated through them, so sharing across threads is fine.
unsafe impl Sync for StaticDescriptor {}

/// The signature of an entry symbol.
pub type EntryFn = extern "C" fn() -> *const TcPluginV1;

/// The entry function of a plugin declared with [`declare_plugin!`](crate::declare_plugin) in
/// a crate linked into this program: safe to call, because the SDK built its descriptor.
#[derive(Debug, Clone, Copy)]
pub struct Declared(EntryFn);

impl Declared {
    /// Used by `declare_plugin!` only.
    ///
    /// # Safety
    /// `entry` must return a pointer to a `'static` descriptor that follows the ABI v1 contract.
    #[doc(hidden)]
    pub const unsafe fn __new(entry: EntryFn) -> Declared {
        Declared(entry)
    }

    /// The entry function.
    pub fn entry(&self) -> EntryFn {
        self.0
    }

    /// The checked descriptor.
    pub fn plugin(&self) -> Result<Plugin, DescriptorError> {
        // SAFETY: `__new`'s contract: the entry returns an SDK-built static descriptor.
        unsafe { Plugin::from_entry(self.0) }
    }
}

// ---------------------------------------------------------------------------------------------
// Plugin side: shims.

thread_local! {
    static IN_CALL: Cell<bool> = const { Cell::new(false) };
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Installs, once per std (per plugin library, or once in a host linking built-ins), a panic
/// hook that stays quiet and records the message while a plugin call is running, and defers
/// to the previous hook otherwise.
fn install_quiet_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if IN_CALL.with(Cell::get) {
                let payload = info.payload();
                let msg = payload
                    .downcast_ref::<&str>()
                    .map(|s| (*s).to_owned())
                    .or_else(|| payload.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "panic with a non-string payload".to_owned());
                let msg = match info.location() {
                    Some(l) => format!("{msg} (at {}:{})", l.file(), l.line()),
                    None => msg,
                };
                LAST_PANIC.with(|p| *p.borrow_mut() = Some(msg));
            } else {
                previous(info);
            }
        }));
    });
}

/// Runs `f` for a shim: quiet hook, `catch_unwind`, return code and sink output.
fn run_guarded(sink: TcSink, f: impl FnOnce() -> Result<Vec<u8>, ErrorPayload>) -> i32 {
    install_quiet_hook();
    let was = IN_CALL.with(|c| c.replace(true));
    let outcome = catch_unwind(AssertUnwindSafe(f));
    IN_CALL.with(|c| c.set(was));
    let (code, bytes) = match outcome {
        Ok(Ok(bytes)) => (TC_OK, bytes),
        Ok(Err(err)) => (TC_ERROR, error_bytes(&err)),
        Err(payload) => {
            let recorded = LAST_PANIC.with(|p| p.borrow_mut().take());
            let message = recorded.unwrap_or_else(|| {
                payload
                    .downcast_ref::<&str>()
                    .map(|s| (*s).to_owned())
                    .or_else(|| payload.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "panic with a non-string payload".to_owned())
            });
            // Dropping a panic payload can itself panic; forget it instead.
            std::mem::forget(payload);
            let err = ErrorPayload {
                code: "panic".to_owned(),
                message,
                details: None,
            };
            (TC_PANIC, error_bytes(&err))
        }
    };
    if sink_write(sink, &bytes) {
        code
    } else {
        TC_ERROR
    }
}

fn error_bytes(err: &ErrorPayload) -> Vec<u8> {
    serde_json::to_vec(err).unwrap_or_else(|_| {
        br#"{"code":"internal","message":"could not encode the error"}"#.to_vec()
    })
}

fn sink_write(sink: TcSink, bytes: &[u8]) -> bool {
    match sink.write {
        // SAFETY: the host passed this sink for the duration of this call; `bytes` is a valid
        // slice for `len` bytes, and the host's `write` only copies from it.
        Some(write) => unsafe { write(sink.ctx, bytes.as_ptr(), bytes.len()) == 0 },
        None => false,
    }
}

/// Shim behind a plugin's `describe`: `manifest` builds the manifest.
pub fn describe_shim(sink: TcSink, manifest: impl FnOnce() -> crate::payload::Manifest) -> i32 {
    run_guarded(sink, || {
        serde_json::to_vec(&manifest()).map_err(|e| ErrorPayload {
            code: "internal".to_owned(),
            message: format!("could not encode the manifest: {e}"),
            details: None,
        })
    })
}

/// Shim behind a plugin's `evaluate`: decodes the request, runs `answer`, encodes the
/// response.
///
/// # Safety
/// `request` must be valid for reads of `request_len` bytes for the duration of the call (or
/// `request_len` must be 0).
pub unsafe fn evaluate_shim(
    request: *const u8,
    request_len: usize,
    sink: TcSink,
    answer: impl FnOnce(Request) -> Result<Response, ErrorPayload>,
) -> i32 {
    let bytes: &[u8] = if request.is_null() || request_len == 0 {
        &[]
    } else {
        // SAFETY: the caller guarantees `request` is valid for `request_len` bytes.
        unsafe { std::slice::from_raw_parts(request, request_len) }
    };
    run_guarded(sink, || {
        let req: Request = serde_json::from_slice(bytes).map_err(|e| ErrorPayload {
            code: "bad_request".to_owned(),
            message: format!("not a v1 request: {e}"),
            details: None,
        })?;
        if req.schema_version > crate::payload::SCHEMA_VERSION {
            // Additive fields are ignored; a newer major payload schema is refused.
            return Err(ErrorPayload {
                code: "bad_request".to_owned(),
                message: format!(
                    "request schema {} is newer than this plugin's {}; rebuild the plugin \
                     against a newer traincost-plugin",
                    req.schema_version,
                    crate::payload::SCHEMA_VERSION
                ),
                details: None,
            });
        }
        let response = answer(req)?;
        serde_json::to_vec(&response).map_err(|e| ErrorPayload {
            code: "internal".to_owned(),
            message: format!("could not encode the response: {e}"),
            details: None,
        })
    })
}

// ---------------------------------------------------------------------------------------------
// Host side: a checked view of a descriptor.

/// Largest payload a host accepts from one call (16 MiB).
pub const MAX_PAYLOAD: usize = 16 << 20;

/// Not a code a plugin returns: what [`Plugin::describe_raw`] and [`Plugin::evaluate_raw`]
/// report, with no output, when the plugin wrote more than [`MAX_PAYLOAD`] bytes to the sink
/// (whatever it returned), so that a host says "too large" rather than "malformed JSON".
pub const HOST_PAYLOAD_TOO_LARGE: i32 = i32::MIN + 0x5443;

/// The host's side of a sink: the bytes, and whether the plugin tried to write past the cap.
struct SinkBuf {
    bytes: Vec<u8>,
    overflowed: bool,
}

unsafe extern "C" fn vec_sink_write(ctx: *mut c_void, data: *const u8, len: usize) -> i32 {
    // SAFETY: `ctx` is the `&mut SinkBuf` that `call_with_sink` created for this call and
    // that outlives it; nothing else aliases it during the call.
    let buf = unsafe { &mut *(ctx as *mut SinkBuf) };
    if len == 0 {
        return 0;
    }
    if data.is_null() {
        return 1;
    }
    if buf.overflowed || buf.bytes.len().saturating_add(len) > MAX_PAYLOAD {
        buf.overflowed = true;
        return 1;
    }
    // SAFETY: the plugin promises `data` is valid for `len` bytes during this call.
    let slice = unsafe { std::slice::from_raw_parts(data, len) };
    buf.bytes.extend_from_slice(slice);
    0
}

fn call_with_sink(f: impl FnOnce(TcSink) -> i32) -> (i32, Vec<u8>) {
    let mut buf = SinkBuf {
        bytes: Vec::new(),
        overflowed: false,
    };
    let sink = TcSink {
        ctx: (&mut buf as *mut SinkBuf).cast::<c_void>(),
        write: Some(vec_sink_write),
    };
    let code = f(sink);
    if buf.overflowed {
        return (HOST_PAYLOAD_TOO_LARGE, Vec::new());
    }
    (code, buf.bytes)
}

/// Why a descriptor was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DescriptorError {
    /// The entry returned a null pointer.
    Null,
    /// `abi_major` is not [`ABI_MAJOR`].
    AbiMismatch {
        /// What the plugin says.
        found: u32,
    },
    /// `struct_size` is smaller than [`V1_BASE_SIZE`].
    TooSmall {
        /// What the plugin says.
        found: u32,
    },
    /// A field is null or not UTF-8, or `kind` is unknown.
    Field {
        /// Which field.
        field: &'static str,
        /// What is wrong.
        reason: String,
    },
}

impl std::fmt::Display for DescriptorError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DescriptorError::Null => f.write_str("the entry function returned a null descriptor"),
            DescriptorError::AbiMismatch { found } => write!(
                f,
                "built for plugin ABI {found}; this traincost supports ABI {ABI_MAJOR}"
            ),
            DescriptorError::TooSmall { found } => write!(
                f,
                "descriptor too small: struct_size is {found} bytes, ABI {ABI_MAJOR} needs at \
                 least {V1_BASE_SIZE}"
            ),
            DescriptorError::Field { field, reason } => {
                write!(f, "descriptor field `{field}` {reason}")
            }
        }
    }
}

/// A checked descriptor: header verified, strings read, functions present. Calling it is
/// safe because constructing it is not.
#[derive(Debug, Clone, Copy)]
pub struct Plugin {
    desc: &'static TcPluginV1,
    /// Plugin name.
    pub name: &'static str,
    /// Plugin version.
    pub version: &'static str,
    /// Plugin kind.
    pub kind: crate::payload::Kind,
    /// The plugin's `abi_minor`.
    pub abi_minor: u32,
    describe: DescribeFn,
    evaluate: EvaluateFn,
}

impl Plugin {
    /// Checks the descriptor a plugin's entry returned.
    ///
    /// # Safety
    /// `ptr` must be null or point to readable memory of at least 12 bytes that stays valid
    /// and unchanged for the rest of the process (the library is never unloaded), holding at
    /// least `struct_size` bytes if `abi_major` is 1; its string pointers must be null or point
    /// to NUL-terminated strings, and its functions must follow the ABI v1 contract.
    pub unsafe fn from_raw(ptr: *const TcPluginV1) -> Result<Plugin, DescriptorError> {
        if ptr.is_null() {
            return Err(DescriptorError::Null);
        }
        let header = ptr.cast::<u32>();
        // SAFETY: the caller guarantees at least the three leading `u32`s are readable; they are
        // read one by one before anything larger.
        let (major, size) = unsafe { (header.read_unaligned(), header.add(2).read_unaligned()) };
        if major != ABI_MAJOR {
            return Err(DescriptorError::AbiMismatch { found: major });
        }
        if size < V1_BASE_SIZE {
            return Err(DescriptorError::TooSmall { found: size });
        }
        if ptr.align_offset(std::mem::align_of::<TcPluginV1>()) != 0 {
            return Err(DescriptorError::Field {
                field: "abi_major",
                reason: "descriptor is not aligned".to_owned(),
            });
        }
        // SAFETY: major is 1 and struct_size covers a full v1 descriptor, which the caller
        // guarantees is readable and `'static`; alignment was checked above.
        let desc: &'static TcPluginV1 = unsafe { &*ptr };
        // SAFETY: strings are null (rejected) or NUL-terminated and static per the contract.
        let name = unsafe { read_str(desc.name, "name") }?;
        // SAFETY: as above.
        let version = unsafe { read_str(desc.version, "version") }?;
        // SAFETY: as above.
        let kind_s = unsafe { read_str(desc.kind, "kind") }?;
        let kind = crate::payload::Kind::parse(kind_s).ok_or_else(|| DescriptorError::Field {
            field: "kind",
            reason: format!(
                "is {kind_s:?}, expected \"pricing\", \"salary\" or \"grid\" (a newer \
                 plugin kind? upgrade traincost)"
            ),
        })?;
        if name.is_empty() {
            return Err(DescriptorError::Field {
                field: "name",
                reason: "is empty".to_owned(),
            });
        }
        let describe = desc.describe.ok_or(DescriptorError::Field {
            field: "describe",
            reason: "is null".to_owned(),
        })?;
        let evaluate = desc.evaluate.ok_or(DescriptorError::Field {
            field: "evaluate",
            reason: "is null".to_owned(),
        })?;
        Ok(Plugin {
            desc,
            name,
            version,
            kind,
            abi_minor: desc.abi_minor,
            describe,
            evaluate,
        })
    }

    /// Calls an entry function (a built-in's, or one found in a library) and checks its
    /// descriptor.
    ///
    /// # Safety
    /// As [`Plugin::from_raw`] for the pointer `entry` returns; `entry` must be callable with
    /// no arguments.
    pub unsafe fn from_entry(entry: EntryFn) -> Result<Plugin, DescriptorError> {
        let ptr = entry();
        // SAFETY: forwarded to the caller.
        unsafe { Plugin::from_raw(ptr) }
    }

    /// The descriptor's address, for diagnostics.
    pub fn descriptor_addr(&self) -> usize {
        self.desc as *const TcPluginV1 as usize
    }

    /// Calls `describe`: the return code and the bytes written to the sink.
    pub fn describe_raw(&self) -> (i32, Vec<u8>) {
        // SAFETY: `from_raw` established that `describe` follows the ABI contract; the sink
        // is valid for the call.
        call_with_sink(|sink| unsafe { (self.describe)(sink) })
    }

    /// Calls `evaluate` with request bytes: the return code and the bytes written.
    pub fn evaluate_raw(&self, request: &[u8]) -> (i32, Vec<u8>) {
        // SAFETY: as for `describe_raw`; `request` is valid for its length during the call.
        call_with_sink(|sink| unsafe { (self.evaluate)(request.as_ptr(), request.len(), sink) })
    }
}

/// # Safety
/// `p` is null or a NUL-terminated string valid for `'static`.
unsafe fn read_str(p: *const c_char, field: &'static str) -> Result<&'static str, DescriptorError> {
    if p.is_null() {
        return Err(DescriptorError::Field {
            field,
            reason: "is null".to_owned(),
        });
    }
    // SAFETY: non-null and NUL-terminated, static per the caller's contract.
    let c = unsafe { CStr::from_ptr(p) };
    c.to_str().map_err(|e| DescriptorError::Field {
        field,
        reason: format!("is not UTF-8: {e}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_is_stable() {
        use std::mem::offset_of;
        assert_eq!(offset_of!(TcPluginV1, abi_major), 0);
        assert_eq!(offset_of!(TcPluginV1, abi_minor), 4);
        assert_eq!(offset_of!(TcPluginV1, struct_size), 8);
        if cfg!(target_pointer_width = "64") {
            assert_eq!(offset_of!(TcPluginV1, name), 16);
            assert_eq!(offset_of!(TcPluginV1, evaluate), 48);
            assert_eq!(V1_BASE_SIZE, 56);
        }
    }

    #[test]
    fn rejects_bad_headers() {
        let mut words = [2u32, 0, 56, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        // SAFETY: `words` is readable for its whole length during the call.
        let e = unsafe { Plugin::from_raw(words.as_ptr().cast()) }.unwrap_err();
        assert_eq!(e, DescriptorError::AbiMismatch { found: 2 });
        words[0] = 1;
        words[2] = 12;
        // SAFETY: as above.
        let e = unsafe { Plugin::from_raw(words.as_ptr().cast()) }.unwrap_err();
        assert_eq!(e, DescriptorError::TooSmall { found: 12 });
        // SAFETY: null is allowed.
        let e = unsafe { Plugin::from_raw(std::ptr::null()) }.unwrap_err();
        assert_eq!(e, DescriptorError::Null);
    }
}
