//! Test a plugin the way the host calls it: through its real C descriptor and shims, with the
//! host's validation, in-process and without the CLI.
//!
//! ```ignore
//! #[test]
//! fn answers_h100() {
//!     let spec = traincost_plugin::testing::call(&crate::PLUGIN, gpu_spec("H100")).unwrap();
//! }
//! ```

use crate::client::CallError;
use crate::ffi::Declared;
use crate::payload::{Manifest, Query, Response};
use crate::validate::exercise_queries;

/// The plugin's validated manifest.
pub fn manifest(plugin: &Declared) -> Result<Manifest, String> {
    let p = plugin.plugin().map_err(|e| e.to_string())?;
    p.manifest().map_err(|e| e.to_string())
}

/// Calls the plugin with `query` through its C shims; the response is validated as a host
/// would.
pub fn call(plugin: &Declared, query: Query) -> Result<Response, CallError> {
    let p = plugin.plugin().map_err(|e| {
        CallError::Invalid(vec![crate::validate::Problem {
            path: String::new(),
            message: e.to_string(),
        }])
    })?;
    p.call(&query)
}

/// Exercises every query the manifest invites (as `traincost plugins check` does) and returns
/// one line per problem; empty means the plugin passes.
pub fn check(plugin: &Declared) -> Vec<String> {
    let m = match manifest(plugin) {
        Ok(m) => m,
        Err(e) => return vec![format!("describe: {e}")],
    };
    let mut problems = Vec::new();
    for q in exercise_queries(&m) {
        if let Err(e) = call(plugin, q.clone()) {
            problems.push(format!(
                "{}: {e}",
                serde_json::to_string(&q).unwrap_or_default()
            ));
        }
    }
    problems
}

/// Shorthand for [`Query::GpuSpec`].
pub fn gpu_spec(gpu: &str) -> Query {
    Query::GpuSpec {
        gpu: gpu.to_owned(),
    }
}

/// Shorthand for [`Query::PurchasePrice`].
pub fn purchase_price(gpu: &str) -> Query {
    Query::PurchasePrice {
        gpu: gpu.to_owned(),
    }
}

/// Shorthand for [`Query::Compensation`].
pub fn compensation(role: &str, year: i32) -> Query {
    Query::Compensation {
        role: role.to_owned(),
        year,
    }
}

/// Shorthand for a location-based [`Query::GridIntensity`].
pub fn grid_intensity(region: &str, year: i32) -> Query {
    Query::GridIntensity {
        region: region.to_owned(),
        year,
        basis: crate::payload::Basis::Location,
    }
}
