//! Calling a checked plugin: request in, validated response (or a typed failure) out. Shared by
//! hosts and by [`crate::testing`], so plugin authors see exactly what the host will see.

use crate::ffi::{HOST_PAYLOAD_TOO_LARGE, MAX_PAYLOAD, Plugin, TC_ERROR, TC_OK, TC_PANIC};
use crate::payload::{ErrorPayload, GpuDefinition, Manifest, Query, Request, Response};
use crate::validate::{self, Problem, clip};

/// Why a call did not produce a valid answer.
#[derive(Debug, Clone, PartialEq)]
pub enum CallError {
    /// The plugin returned code 1 with an error payload.
    Failed(ErrorPayload),
    /// The plugin panicked (code 2); the SDK caught it. The message is the panic's.
    Panicked(String),
    /// The plugin returned a code outside the ABI.
    BadCode {
        /// The code.
        code: i32,
        /// What it wrote, lossily decoded.
        output: String,
    },
    /// The plugin wrote more than the sink holds ([`MAX_PAYLOAD`] bytes).
    TooLarge {
        /// The cap, in bytes.
        limit: usize,
    },
    /// The output is not valid: malformed JSON, wrong schema, NaN, negative, unknown unit,
    /// unknown GPU or role...
    Invalid(Vec<Problem>),
}

impl std::fmt::Display for CallError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            // The plugin's own words, cut short if it wrote a book.
            CallError::Failed(e) => write!(
                f,
                "returned an error: {}: {}",
                clip(&e.code, 80),
                clip(&e.message, 1_000)
            ),
            CallError::Panicked(m) => write!(f, "panicked: {}", clip(m, 1_000)),
            CallError::TooLarge { limit } => write!(
                f,
                "wrote a payload too large: more than the {} MiB ({limit} bytes) one call may \
                 return",
                limit >> 20
            ),
            CallError::BadCode { code, output } => write!(
                f,
                "returned code {code}, which ABI v1 does not define (0 ok, 1 error, 2 panic); \
                 it wrote {output:?}"
            ),
            CallError::Invalid(problems) => {
                write!(f, "returned an invalid payload: ")?;
                for (i, p) in problems.iter().enumerate() {
                    if i > 0 {
                        f.write_str("; ")?;
                    }
                    write!(f, "{p}")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for CallError {}

fn failure(code: i32, bytes: &[u8]) -> CallError {
    let parsed: Option<ErrorPayload> = serde_json::from_slice(bytes).ok();
    let text = || {
        String::from_utf8_lossy(bytes)
            .chars()
            .take(500)
            .collect::<String>()
    };
    match code {
        HOST_PAYLOAD_TOO_LARGE => CallError::TooLarge { limit: MAX_PAYLOAD },
        TC_PANIC => CallError::Panicked(parsed.map(|e| e.message).unwrap_or_else(text)),
        TC_ERROR => CallError::Failed(parsed.unwrap_or_else(|| ErrorPayload {
            code: "unknown".to_owned(),
            message: text(),
            details: None,
        })),
        _ => CallError::BadCode {
            code,
            output: text(),
        },
    }
}

/// Interprets what `describe` returned: the validated manifest, or why not.
pub fn interpret_manifest(
    code: i32,
    bytes: &[u8],
    name: &str,
    kind: crate::payload::Kind,
) -> Result<Manifest, CallError> {
    if code != TC_OK {
        return Err(failure(code, bytes));
    }
    validate::parse_manifest(bytes, name, kind).map_err(CallError::Invalid)
}

/// Interprets what `evaluate` returned for `query`: the validated response, or why not.
pub fn interpret_response(code: i32, bytes: &[u8], query: &Query) -> Result<Response, CallError> {
    interpret_response_with(code, bytes, query, &[])
}

/// [`interpret_response`] for a plugin whose manifest defines `defined` GPUs.
pub fn interpret_response_with(
    code: i32,
    bytes: &[u8],
    query: &Query,
    defined: &[GpuDefinition],
) -> Result<Response, CallError> {
    if code != TC_OK {
        return Err(failure(code, bytes));
    }
    validate::parse_response_with(bytes, query, defined).map_err(CallError::Invalid)
}

/// The request bytes for `query`.
pub fn request_bytes(query: &Query) -> Vec<u8> {
    serde_json::to_vec(&Request::new(query.clone())).unwrap_or_default()
}

impl Plugin {
    /// Calls `describe` and validates the manifest.
    pub fn manifest(&self) -> Result<Manifest, CallError> {
        let (code, bytes) = self.describe_raw();
        interpret_manifest(code, &bytes, self.name, self.kind)
    }

    /// Calls `evaluate` with `query` and validates the response (against the GPUs its
    /// manifest defines, if any: this calls `describe` too; a host holding the manifest calls
    /// [`interpret_response_with`]).
    pub fn call(&self, query: &Query) -> Result<Response, CallError> {
        let defined = self
            .manifest()
            .map(|m| m.gpu_definitions)
            .unwrap_or_default();
        let (code, out) = self.evaluate_raw(&request_bytes(query));
        interpret_response_with(code, &out, query, &defined)
    }
}
