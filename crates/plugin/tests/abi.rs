//! The committed artifacts match the code: the JSON schemas are fresh, the C header has the
//! Rust layout. And the SDK macro works through the real C shims.

use std::path::{Path, PathBuf};
use std::process::Command;

use traincost_plugin::client::CallError;
use traincost_plugin::ffi::{self, TcPluginV1, TcSink};
use traincost_plugin::payload::{Dist, GpuSpec, Quantity, QueryKind};
use traincost_plugin::prelude::*;
use traincost_plugin::testing;

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The check-mode pattern (ruff, rust-analyzer): regenerate, compare, and with
/// `TRAINCOST_BLESS=1` rewrite instead of failing.
#[cfg(feature = "schema")]
#[test]
fn json_schemas_are_fresh() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("schema/v1");
    let bless = std::env::var_os("TRAINCOST_BLESS").is_some();
    let mut stale = Vec::new();
    for (file, schema) in traincost_plugin::schema::schemas() {
        let want = serde_json::to_string_pretty(&schema).unwrap() + "\n";
        let path = dir.join(file);
        let have = std::fs::read_to_string(&path).unwrap_or_default();
        if have != want {
            if bless {
                std::fs::create_dir_all(&dir).unwrap();
                std::fs::write(&path, &want).unwrap();
            } else {
                stale.push(path.display().to_string());
            }
        }
    }
    assert!(
        stale.is_empty(),
        "stale JSON schemas: {stale:?}; run `TRAINCOST_BLESS=1 cargo test -p traincost-plugin --features schema \
         --test abi` and commit the result"
    );
}

#[test]
fn c_header_matches_rust_layout() {
    let out_dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("header-check");
    std::fs::create_dir_all(&out_dir).unwrap();
    let src = out_dir.join("layout.c");
    std::fs::write(
        &src,
        r#"#include <stdio.h>
#include <stddef.h>
#include "traincost_plugin.h"
int main(void) {
    printf("%d %d %d %d %d\n", TC_ABI_MAJOR, TC_ABI_MINOR, TC_OK, TC_ERROR, TC_PANIC);
    printf("%zu %zu %zu %zu %zu %zu %zu %zu %zu %zu\n", sizeof(TcPluginV1),
        offsetof(TcPluginV1, abi_major), offsetof(TcPluginV1, abi_minor),
        offsetof(TcPluginV1, struct_size), offsetof(TcPluginV1, reserved),
        offsetof(TcPluginV1, name), offsetof(TcPluginV1, version), offsetof(TcPluginV1, kind),
        offsetof(TcPluginV1, describe), offsetof(TcPluginV1, evaluate));
    printf("%zu %zu %zu\n", sizeof(TcSink), offsetof(TcSink, ctx), offsetof(TcSink, write));
    return 0;
}
"#,
    )
    .unwrap();
    let exe = out_dir.join("layout");
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".to_owned());
    let status = Command::new(&cc)
        .arg("-std=c99")
        .arg("-Wall")
        .arg("-Werror")
        .arg("-I")
        .arg(repo_root().join("include"))
        .arg(&src)
        .arg("-o")
        .arg(&exe)
        .status()
        .unwrap_or_else(|e| panic!("cannot run the C compiler `{cc}` (set CC): {e}"));
    assert!(status.success(), "the C header does not compile");
    let out = Command::new(&exe).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    use std::mem::{offset_of, size_of};
    let want = format!(
        "{} {} {} {} {}\n{} {} {} {} {} {} {} {} {} {}\n{} {} {}\n",
        ffi::ABI_MAJOR,
        ffi::ABI_MINOR,
        ffi::TC_OK,
        ffi::TC_ERROR,
        ffi::TC_PANIC,
        size_of::<TcPluginV1>(),
        offset_of!(TcPluginV1, abi_major),
        offset_of!(TcPluginV1, abi_minor),
        offset_of!(TcPluginV1, struct_size),
        offset_of!(TcPluginV1, reserved),
        offset_of!(TcPluginV1, name),
        offset_of!(TcPluginV1, version),
        offset_of!(TcPluginV1, kind),
        offset_of!(TcPluginV1, describe),
        offset_of!(TcPluginV1, evaluate),
        size_of::<TcSink>(),
        offset_of!(TcSink, ctx),
        offset_of!(TcSink, write),
    );
    assert_eq!(
        text, want,
        "include/traincost_plugin.h disagrees with crates/plugin/src/ffi.rs"
    );
}

/// A small pricing model declared with the SDK macro, in this test crate.
#[derive(Default)]
struct Toy;

impl PricingModel for Toy {
    fn about(&self) -> About {
        About {
            description: "toy".into(),
            queries: vec![QueryKind::GpuSpec],
            gpus: vec!["H100".into(), "A100".into()],
            ..About::default()
        }
    }

    fn gpu_spec(&self, gpu: &str) -> Answer<GpuSpec> {
        match gpu {
            "H100" => Ok(GpuSpec {
                gpu: gpu.into(),
                product: "NVIDIA H100 SXM5 80GB".into(),
                release_date: Some("2022-09-20".into()),
                peak_bf16_flops: Quantity::assumption(Dist::Point(9.894e14), "FLOP/s", "datasheet"),
                tdp: Quantity::assumption(Dist::Point(700.0), "W", "datasheet"),
            }),
            "A100" => panic!("the toy has no A100 data"),
            _ => Err(ErrorPayload::no_data(format!("no data for {gpu}"))),
        }
    }
}

traincost_plugin::declare_plugin!(pricing: Toy);

#[test]
fn declared_plugin_answers_through_c_shims() {
    let m = testing::manifest(&PLUGIN).unwrap();
    assert_eq!(m.name, "traincost-plugin");
    assert_eq!(m.gpus, ["H100", "A100"]);
    let r = testing::call(&PLUGIN, testing::gpu_spec("nvidia h100 sxm5")).unwrap();
    let traincost_plugin::payload::QueryResult::GpuSpec(spec) = r.result else {
        panic!("wrong kind")
    };
    assert_eq!(spec.peak_bf16_flops.dist, Dist::Point(9.894e14));
}

#[test]
fn panics_are_caught_and_reported_with_their_message() {
    let err = testing::call(&PLUGIN, testing::gpu_spec("A100")).unwrap_err();
    let CallError::Panicked(msg) = err else {
        panic!("expected a panic, got {err:?}")
    };
    assert!(msg.starts_with("the toy has no A100 data (at "), "{msg}");
    // The host (this test) keeps working after the caught panic.
    assert!(testing::call(&PLUGIN, testing::gpu_spec("H100")).is_ok());
    let problems = testing::check(&PLUGIN);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].contains("panicked"));
}

#[test]
fn errors_and_wrong_queries_are_typed() {
    let err = testing::call(&PLUGIN, testing::gpu_spec("H800")).unwrap_err();
    assert!(
        matches!(&err, CallError::Failed(e) if e.code == "no_data"),
        "{err:?}"
    );
    let err = testing::call(&PLUGIN, testing::gpu_spec("Z999")).unwrap_err();
    assert!(
        matches!(&err, CallError::Failed(e) if e.code == "unknown_gpu"),
        "{err:?}"
    );
    let err = testing::call(&PLUGIN, testing::compensation("researcher", 2024)).unwrap_err();
    assert!(
        matches!(&err, CallError::Failed(e) if e.code == "unsupported"),
        "{err:?}"
    );
}

#[test]
fn malformed_requests_are_errors_not_crashes() {
    let p = PLUGIN.plugin().unwrap();
    let (code, out) = p.evaluate_raw(b"{not json");
    assert_eq!(code, ffi::TC_ERROR);
    assert!(String::from_utf8_lossy(&out).contains("bad_request"));
    let (code, _) = p.evaluate_raw(b"");
    assert_eq!(code, ffi::TC_ERROR);
}

/// The request bytes are exactly what docs/PLUGINS.md ("Request") shows: compact JSON, keys in
/// this order, absent options left out. Plugins must parse JSON rather than match bytes, but
/// a plugin author reading the docs sees the real thing.
#[test]
fn request_bytes_are_the_documented_form() {
    use traincost_plugin::client::request_bytes;
    use traincost_plugin::payload::{Commitment, Query};
    let text = |q: Query| String::from_utf8(request_bytes(&q)).unwrap();
    assert_eq!(
        text(Query::GpuSpec { gpu: "H100".into() }),
        r#"{"schema":"traincost.request","schema_version":1,"query":{"kind":"gpu_spec","gpu":"H100"}}"#
    );
    assert_eq!(
        text(Query::RentalPrice {
            gpu: "H100".into(),
            provider: None,
            commitment: None
        }),
        r#"{"schema":"traincost.request","schema_version":1,"query":{"kind":"rental_price","gpu":"H100"}}"#
    );
    assert_eq!(
        text(Query::RentalPrice {
            gpu: "H800".into(),
            provider: Some("lambda".into()),
            commitment: Some(Commitment::ThreeYear)
        }),
        r#"{"schema":"traincost.request","schema_version":1,"query":{"kind":"rental_price","gpu":"H800","provider":"lambda","commitment":"three_year"}}"#
    );
    assert_eq!(
        text(Query::Compensation {
            role: "researcher".into(),
            year: 2024
        }),
        r#"{"schema":"traincost.request","schema_version":1,"query":{"kind":"compensation","role":"researcher","year":2024}}"#
    );
    let grid = r#"{"schema":"traincost.request","schema_version":1,"query":{"kind":"grid_intensity","region":"US-IA","year":2024,"basis":"location"}}"#;
    assert_eq!(
        text(Query::GridIntensity {
            region: "US-IA".into(),
            year: 2024,
            basis: traincost_plugin::payload::Basis::Location
        }),
        grid
    );
    // A request without `basis` (a host of ABI 1.1 always sends it) means location-based.
    let parsed: traincost_plugin::payload::Request = serde_json::from_str(
        r#"{"schema":"traincost.request","schema_version":1,"query":{"kind":"grid_intensity","region":"FR","year":2022}}"#,
    )
    .unwrap();
    assert!(matches!(
        parsed.query,
        Query::GridIntensity {
            basis: traincost_plugin::payload::Basis::Location,
            ..
        }
    ));
    let docs = std::fs::read_to_string(repo_root().join("docs/PLUGINS.md")).unwrap();
    assert!(
        docs.contains(
            r#"{"schema":"traincost.request","schema_version":1,"query":{"kind":"rental_price","gpu":"H800","provider":"lambda","commitment":"three_year"}}"#
        ),
        "docs/PLUGINS.md must show the exact request bytes"
    );
    assert!(
        docs.contains(grid),
        "docs/PLUGINS.md must show the exact grid_intensity request bytes"
    );
}
