//! `traincost-plugin`: the stable plugin ABI (v1) of traincost and the SDK for writing pricing
//! and salary plugins in Rust.
//!
//! A plugin is a `cdylib` exporting one C symbol, `traincost_plugin_v1_<crate_name>`, that
//! returns a static [`ffi::TcPluginV1`] descriptor. Requests and responses are versioned JSON
//! (the types in [`payload`]); the plugin writes into a host-owned sink, so no memory changes
//! owner. Rust authors never touch any of that:
//!
//! ```ignore
//! use traincost_plugin::prelude::*;
//!
//! #[derive(Default)]
//! struct MyPrices;
//!
//! impl PricingModel for MyPrices {
//!     fn about(&self) -> About { /* queries, GPUs */ }
//!     fn gpu_spec(&self, gpu: &str) -> Answer<GpuSpec> { /* ... */ }
//! }
//!
//! traincost_plugin::declare_plugin!(pricing: MyPrices);
//! ```
//!
//! See `docs/PLUGINS.md` for the ABI specification and the authoring guide.
#![deny(missing_docs)]

#[cfg(panic = "abort")]
compile_error!(
    "traincost plugins must be built with panic = \"unwind\": the SDK catches panics at the \
     C boundary, which `panic = \"abort\"` makes impossible (the host would die)"
);

pub mod catalog;
pub mod client;
pub mod ffi;
pub mod model;
pub mod payload;
#[cfg(feature = "schema")]
pub mod schema;
pub mod testing;
pub mod validate;

pub use model::{About, Answer, PricingModel, SalaryModel};

/// Everything a plugin author needs, in one `use`.
pub mod prelude {
    pub use crate::catalog::{canonical_gpu, canonical_role};
    pub use crate::model::{About, Answer, PricingModel, SalaryModel};
    pub use crate::payload::{
        Commitment, Compensation, Dist, DollarYear, ErrorPayload, GpuDefinition, GpuSpec,
        NamedQuantity, PriceQuote, PurchasePrices, Quantity, QueryKind, RentalPrices, RentalQuote,
        Source,
    };
}

/// Declares the plugin of this crate: `declare_plugin!(pricing: MyType)` or
/// `declare_plugin!(salary: MyType)`, where `MyType: Default` implements [`PricingModel`] or
/// [`SalaryModel`].
///
/// It emits
/// - `pub extern "C" fn traincost_plugin_v1()`, exported as
///   `traincost_plugin_v1_<crate_name>`, returning the static descriptor (name and version are
///   the Cargo package's);
/// - `pub const PLUGIN: traincost_plugin::ffi::Declared`, a safe handle a host uses to link
///   the plugin as a built-in and that [`testing`] uses;
/// - `describe` and `evaluate` shims that wrap every call in `catch_unwind`, with a quiet panic
///   hook that records the message for the host.
///
/// The model is created with `Default::default()` on first use (inside the panic guard).
#[macro_export]
macro_rules! declare_plugin {
    (pricing: $ty:ty) => {
        $crate::declare_plugin!(@emit $ty, "pricing", pricing_manifest, pricing_answer);
    };
    (salary: $ty:ty) => {
        $crate::declare_plugin!(@emit $ty, "salary", salary_manifest, salary_answer);
    };
    (@emit $ty:ty, $kind:literal, $manifest:ident, $answer:ident) => {
        #[cfg(panic = "abort")]
        compile_error!("traincost plugins must be built with panic = \"unwind\"");

        /// The ABI v1 entry point of this plugin (exported as
        /// `traincost_plugin_v1_<crate_name>`).
        #[allow(unsafe_code)]
        #[unsafe(export_name = concat!("traincost_plugin_v1_", env!("CARGO_CRATE_NAME")))]
        pub extern "C" fn traincost_plugin_v1() -> *const $crate::ffi::TcPluginV1 {
            static INSTANCE: ::std::sync::OnceLock<$ty> = ::std::sync::OnceLock::new();
            fn model() -> &'static $ty {
                INSTANCE.get_or_init(<$ty as ::std::default::Default>::default)
            }
            unsafe extern "C" fn describe(sink: $crate::ffi::TcSink) -> i32 {
                $crate::ffi::describe_shim(sink, || {
                    $crate::model::$manifest(
                        model(),
                        env!("CARGO_PKG_NAME"),
                        env!("CARGO_PKG_VERSION"),
                    )
                })
            }
            unsafe extern "C" fn evaluate(
                request: *const u8,
                request_len: usize,
                sink: $crate::ffi::TcSink,
            ) -> i32 {
                // SAFETY: the ABI contract makes the caller pass a request valid for
                // `request_len` bytes.
                unsafe {
                    $crate::ffi::evaluate_shim(request, request_len, sink, |req| {
                        $crate::model::$answer(model(), req)
                    })
                }
            }
            static DESCRIPTOR: $crate::ffi::StaticDescriptor =
                $crate::ffi::StaticDescriptor($crate::ffi::TcPluginV1 {
                    abi_major: $crate::ffi::ABI_MAJOR,
                    abi_minor: $crate::ffi::ABI_MINOR,
                    struct_size: $crate::ffi::V1_BASE_SIZE,
                    reserved: 0,
                    name: concat!(env!("CARGO_PKG_NAME"), "\0").as_ptr().cast(),
                    version: concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast(),
                    kind: concat!($kind, "\0").as_ptr().cast(),
                    describe: Some(describe),
                    evaluate: Some(evaluate),
                });
            &DESCRIPTOR.0
        }

        /// This plugin as a safe handle: link it into a host as a built-in, or test it with
        /// `traincost_plugin::testing`.
        #[allow(unsafe_code)]
        // SAFETY: `traincost_plugin_v1` above returns a static descriptor built by the SDK.
        pub const PLUGIN: $crate::ffi::Declared =
            unsafe { $crate::ffi::Declared::__new(traincost_plugin_v1) };
    };
}
