//! The JSON schemas of the v1 payloads, generated from the SDK types. Committed in
//! `crates/plugin/schema/v1/`; a test keeps them fresh (`TRAINCOST_BLESS=1` rewrites them).

use crate::payload::{ErrorPayload, Manifest, Request, Response};

/// `(file name, schema)` for every payload.
pub fn schemas() -> Vec<(&'static str, serde_json::Value)> {
    fn gen_schema<T: schemars::JsonSchema>() -> serde_json::Value {
        serde_json::to_value(schemars::schema_for!(T)).expect("schemas encode")
    }
    vec![
        ("manifest.json", gen_schema::<Manifest>()),
        ("request.json", gen_schema::<Request>()),
        ("response.json", gen_schema::<Response>()),
        ("error.json", gen_schema::<ErrorPayload>()),
    ]
}
