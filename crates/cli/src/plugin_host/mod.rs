//! The plugin host: built-in plugins, discovery and loading of plugin libraries, and validated
//! calls.
//!
//! ```ignore
//! let (registry, problems) = PluginRegistry::discover(&args.plugins);
//! for p in &problems { warn(p) }                   // broken plugins are skipped, not fatal
//! let pricing = registry.pricing("nvidia-pricing")?; // Diagnostic if missing or wrong kind
//! let spec = pricing.gpu_spec("H800")?;            // GpuSpec, every figure with its claim
//! let price = pricing.purchase_prices("H800")?.quote_at("2024-06");
//! let pay = registry.salary("salary-cn")?.compensation("researcher", 2024)?;
//! ```
//!
//! Plugins load only from `--plugin PATH`, `TRAINCOST_PLUGIN_PATH` (absolute entries) and the
//! user's plugins directory (`$XDG_CONFIG_HOME/traincost/plugins`, by default
//! `~/.config/traincost/plugins`), never from the current directory. Every response is checked
//! by the SDK's validation (finite, non-negative, known unit, known GPU or role, provenance) and
//! every claim id against the claims crate before it is returned.

#![allow(
    clippy::result_large_err,
    reason = "Diagnostic is the binary's error type; errors are the cold path"
)]

mod loader;
mod runner;

pub(crate) use runner::serve;

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use traincost_plugin::client::{
    CallError, interpret_manifest, interpret_response_with, request_bytes,
};
use traincost_plugin::ffi::{Declared, Plugin};
use traincost_plugin::payload::{
    Commitment, Compensation, Dist, DollarYear, GpuSpec, Kind, Manifest, PurchasePrices, Quantity,
    Query, QueryResult, RentalPrices, Response, Source,
};
use traincost_plugin::validate::{Problem, claim_refs, quantities};

use crate::diagnostic::Diagnostic;

/// Environment variable: extra plugin files or directories, separated like `PATH`.
pub(crate) const PLUGIN_PATH_ENV: &str = "TRAINCOST_PLUGIN_PATH";

/// Plugin options for any command that uses plugins: `#[command(flatten)] plugins: PluginArgs`.
#[derive(Debug, Clone, Default, clap::Args)]
pub(crate) struct PluginArgs {
    /// Load a plugin library (repeatable). Plugins never load from the current directory.
    #[arg(long = "plugin", value_name = "PATH")]
    pub(crate) plugins: Vec<PathBuf>,
    /// Run plugin libraries in child processes, so that a crashing plugin (abort, segfault)
    /// cannot take traincost down. Also TRAINCOST_ISOLATE_PLUGINS=1 (or 0, true, false, yes,
    /// no).
    #[arg(long, env = ISOLATE_ENV, value_parser = parse_switch)]
    pub(crate) isolate_plugins: bool,
}

/// Environment variable: run plugin libraries in child processes (`--isolate-plugins`).
pub(crate) const ISOLATE_ENV: &str = "TRAINCOST_ISOLATE_PLUGINS";

/// A yes/no value of [`ISOLATE_ENV`] (or of the flag): 1/0, true/false, yes/no, on/off, any
/// case.
pub(crate) fn parse_switch(text: &str) -> Result<bool, String> {
    match text.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" | "" => Ok(false),
        _ => Err(format!(
            "{ISOLATE_ENV} (or --isolate-plugins) is {text:?}, not a yes/no value: use 1, 0, \
             true, false, yes or no (any case), or unset it"
        )),
    }
}

/// The first-party plugins linked into this binary.
pub(crate) fn builtins() -> Vec<Declared> {
    vec![
        nvidia_pricing::PLUGIN,
        cloud_rental::PLUGIN,
        salary_us::PLUGIN,
        salary_cn::PLUGIN,
    ]
}

/// Where a plugin came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Origin {
    /// Linked into traincost.
    Builtin,
    /// Loaded from a library file.
    Library {
        /// Canonical path.
        path: PathBuf,
        /// SHA-256 of the file, hex.
        sha256: String,
    },
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Origin::Builtin => f.write_str("built-in"),
            Origin::Library { path, .. } => write!(f, "{}", path.display()),
        }
    }
}

/// How calls reach a plugin.
enum Backend {
    /// In this process (built-ins, and libraries by default).
    InProcess(Plugin),
    /// In a child process (`--isolate-plugins`).
    Isolated(runner::Remote),
}

/// A plugin ready to call: checked descriptor, validated manifest, origin.
pub(crate) struct LoadedPlugin {
    backend: Backend,
    name: String,
    version: String,
    kind: Kind,
    abi_minor: u32,
    manifest: Manifest,
    origin: Origin,
    /// Plugins need not be thread-safe: calls to one plugin are serialized.
    lock: Mutex<()>,
    /// Warnings already shown: a plugin's caveat is shown once, not once per query.
    warned: Mutex<std::collections::HashSet<String>>,
}

impl LoadedPlugin {
    fn new(plugin: Plugin, origin: Origin) -> Result<LoadedPlugin, Diagnostic> {
        let (code, bytes) = {
            let _scope = loader::PluginScope::enter(format!("plugin `{}` (describe)", plugin.name));
            plugin.describe_raw()
        };
        LoadedPlugin::with_manifest(
            Backend::InProcess(plugin),
            (
                plugin.name.to_owned(),
                plugin.version.to_owned(),
                plugin.kind,
                plugin.abi_minor,
            ),
            origin,
            code,
            &bytes,
        )
    }

    fn isolated(path: &Path) -> Result<LoadedPlugin, Diagnostic> {
        let (remote, info) = runner::Remote::spawn(path)?;
        let origin = Origin::Library {
            path: info.path,
            sha256: info.sha256,
        };
        let (code, bytes) = remote.describe()?;
        LoadedPlugin::with_manifest(
            Backend::Isolated(remote),
            (info.name, info.version, info.kind, info.abi_minor),
            origin,
            code,
            &bytes,
        )
    }

    fn with_manifest(
        backend: Backend,
        (name, version, kind, abi_minor): (String, String, Kind, u32),
        origin: Origin,
        code: i32,
        bytes: &[u8],
    ) -> Result<LoadedPlugin, Diagnostic> {
        let manifest = interpret_manifest(code, bytes, &name, kind).map_err(|e| {
            located(
                Diagnostic::new(format!("plugin `{name}`: describe {e}")),
                &origin,
            )
            .hint(hint_for(&e))
        })?;
        Ok(LoadedPlugin {
            backend,
            name,
            version,
            kind,
            abi_minor,
            manifest,
            origin,
            lock: Mutex::new(()),
            warned: Mutex::new(std::collections::HashSet::new()),
        })
    }

    /// Plugin name.
    pub(crate) fn name(&self) -> &str {
        &self.name
    }

    /// Plugin version.
    pub(crate) fn version(&self) -> &str {
        &self.version
    }

    /// Pricing or salary.
    pub(crate) fn kind(&self) -> Kind {
        self.kind
    }

    /// The plugin's `abi_minor`.
    pub(crate) fn abi_minor(&self) -> u32 {
        self.abi_minor
    }

    /// True if the plugin runs in a child process.
    pub(crate) fn is_isolated(&self) -> bool {
        matches!(self.backend, Backend::Isolated(_))
    }

    /// What it offers.
    pub(crate) fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    /// Built-in or which file.
    pub(crate) fn origin(&self) -> &Origin {
        &self.origin
    }

    /// Calls the plugin and validates the response, including every claim id.
    pub(crate) fn call(&self, query: &Query) -> Result<Response, Diagnostic> {
        let what = describe_query(query);
        let (code, bytes) = {
            let _guard = self.lock.lock().unwrap_or_else(|p| p.into_inner());
            let request = request_bytes(query);
            match &self.backend {
                Backend::InProcess(p) => {
                    let _scope = loader::PluginScope::enter(format!(
                        "plugin `{}` (query: {what})",
                        self.name()
                    ));
                    p.evaluate_raw(&request)
                }
                Backend::Isolated(r) => r.evaluate(&request).map_err(|d| {
                    let msg = format!("plugin `{}`: {} (query: {what})", self.name(), d.message);
                    Diagnostic { message: msg, ..d }
                })?,
            }
        };
        let response = interpret_response_with(code, &bytes, query, &self.manifest.gpu_definitions)
            .map_err(|e| {
                located(
                    Diagnostic::new(format!("plugin `{}` {e} (query: {what})", self.name())),
                    &self.origin,
                )
                .hint(hint_for(&e))
            })?;
        let problems = check_claims(&response);
        if !problems.is_empty() {
            let e = CallError::Invalid(problems);
            return Err(located(
                Diagnostic::new(format!("plugin `{}` {e} (query: {what})", self.name())),
                &self.origin,
            )
            .hint(hint_for(&e)));
        }
        let mut warned = self.warned.lock().unwrap_or_else(|e| e.into_inner());
        for w in &response.warnings {
            if warned.insert(w.clone()) {
                tracing::warn!(plugin = self.name(), "{w}");
            }
        }
        Ok(response)
    }
}

/// Validation already checks that the result answers the query; this keeps a mismatch a
/// diagnostic rather than a panic all the same.
#[allow(
    dead_code,
    reason = "used by the typed handles, which `estimate` calls"
)]
fn wrong_kind(p: &LoadedPlugin, result: &QueryResult) -> Diagnostic {
    located(
        Diagnostic::new(format!(
            "plugin `{}` answered {} to a different query",
            p.name(),
            result.kind()
        )),
        &p.origin,
    )
}

fn located(d: Diagnostic, origin: &Origin) -> Diagnostic {
    match origin {
        Origin::Builtin => d,
        Origin::Library { path, .. } => d.in_file(path),
    }
}

/// A query in one line: `rental_price H800 provider=lambda`.
pub(crate) fn describe_query(q: &Query) -> String {
    match q {
        Query::GpuSpec { gpu } => format!("gpu_spec {gpu}"),
        Query::PurchasePrice { gpu } => format!("purchase_price {gpu}"),
        Query::RentalPrice {
            gpu,
            provider,
            commitment,
        } => {
            let mut s = format!("rental_price {gpu}");
            if let Some(p) = provider {
                s.push_str(&format!(" provider={p}"));
            }
            if let Some(c) = commitment {
                s.push_str(&format!(" commitment={}", c.as_str()));
            }
            s
        }
        Query::Compensation { role, year } => format!("compensation {role} {year}"),
    }
}

fn hint_for(e: &CallError) -> String {
    match e {
        CallError::Panicked(_) => "a bug in the plugin: report it to its author; traincost \
                                   skipped the plugin and carried on"
            .to_owned(),
        CallError::Failed(p) if p.code == "unknown_gpu" || p.code == "no_data" => {
            "ask for a GPU, role or year the plugin lists (`traincost plugins info NAME`), or \
             give the value in the scenario"
                .to_owned()
        }
        CallError::Failed(_) => "see the plugin's message; or give the value in the scenario \
                                 instead"
            .to_owned(),
        CallError::TooLarge { .. } => "a payload is a few kilobytes of JSON: the plugin \
                                        writes far too much (a loop that never ends?); report \
                                        it to its author"
            .to_owned(),
        CallError::BadCode { .. } => {
            "plugins return 0 (ok), 1 (error) or 2 (panic): see docs/PLUGINS.md".to_owned()
        }
        CallError::Invalid(_) => "the plugin's output breaks the v1 payload rules \
                                  (crates/plugin/schema/v1/, docs/PLUGINS.md); fix the plugin, \
                                  or give the value in the scenario"
            .to_owned(),
    }
}

/// Every claim a response cites must exist in the claims crate. Lists at most
/// [`traincost_plugin::validate::MAX_PROBLEMS`] unknown ids (each with suggestions), then counts
/// the rest, as payload validation does: a response citing a million unknown ids gives a short
/// error, quickly.
fn check_claims(response: &Response) -> Vec<Problem> {
    use traincost_plugin::validate::MAX_PROBLEMS;
    let claims = traincost_claims::ClaimSet::builtin();
    let mut out = Vec::new();
    let mut more = 0usize;
    for (path, q) in quantities(&response.result) {
        for (at, id) in claim_refs(&path, q) {
            if claims.get(&id).is_some() {
                continue;
            }
            if out.len() >= MAX_PROBLEMS {
                more += 1;
                continue;
            }
            let suggest = claims.suggest(&id);
            let hint = if suggest.is_empty() {
                "see `traincost claims list`".to_owned()
            } else {
                format!("did you mean {}?", suggest.join(", "))
            };
            out.push(Problem {
                path: at,
                message: format!(
                    "unknown claim id {:?} ({hint})",
                    traincost_claims::excerpt(&id)
                ),
            });
        }
    }
    if more > 0 {
        out.push(Problem {
            path: String::new(),
            message: format!(
                "and {more} more unknown claim ids (the first {MAX_PROBLEMS} are listed)"
            ),
        });
    }
    out
}

/// All plugins available to this run.
pub(crate) struct PluginRegistry {
    plugins: Vec<LoadedPlugin>,
}

impl PluginRegistry {
    /// The built-in plugins only.
    pub(crate) fn builtin() -> (PluginRegistry, Vec<Diagnostic>) {
        let mut reg = PluginRegistry {
            plugins: Vec::new(),
        };
        let mut problems = Vec::new();
        for d in builtins() {
            match d
                .plugin()
                .map_err(|e| Diagnostic::new(format!("built-in plugin: {e}")))
            {
                Ok(p) => match LoadedPlugin::new(p, Origin::Builtin) {
                    Ok(lp) => reg.plugins.push(lp),
                    Err(diag) => problems.push(diag),
                },
                Err(diag) => problems.push(diag),
            }
        }
        (reg, problems)
    }

    /// Built-ins plus every plugin found in `explicit` paths (`--plugin`), in
    /// `TRAINCOST_PLUGIN_PATH` and in the user's plugins directory. Plugins that fail to load
    /// are reported and skipped. A library whose plugin has a built-in's name replaces the
    /// built-in; of two libraries with one name, the first wins.
    #[allow(dead_code, reason = "API for `traincost estimate`")]
    pub(crate) fn discover(explicit: &[PathBuf]) -> (PluginRegistry, Vec<Diagnostic>) {
        let isolate = std::env::var(ISOLATE_ENV).is_ok_and(|v| parse_switch(&v) == Ok(true));
        let env = std::env::var_os(PLUGIN_PATH_ENV);
        Self::discover_in(explicit, env, user_plugin_dir(), isolate)
    }

    /// [`PluginRegistry::discover`] with a command's [`PluginArgs`].
    pub(crate) fn from_args(args: &PluginArgs) -> (PluginRegistry, Vec<Diagnostic>) {
        let env = std::env::var_os(PLUGIN_PATH_ENV);
        Self::discover_in(&args.plugins, env, user_plugin_dir(), args.isolate_plugins)
    }

    fn discover_in(
        explicit: &[PathBuf],
        env: Option<OsString>,
        config_dir: Option<PathBuf>,
        isolate: bool,
    ) -> (PluginRegistry, Vec<Diagnostic>) {
        let (mut reg, mut problems) = PluginRegistry::builtin();
        let mut files: Vec<PathBuf> = explicit.to_vec();
        if let Some(env) = env {
            for entry in std::env::split_paths(&env) {
                if entry.as_os_str().is_empty() {
                    continue;
                }
                if entry.is_relative() {
                    problems.push(
                        Diagnostic::new(format!(
                            "ignoring relative entry {:?} in {PLUGIN_PATH_ENV}: plugins never \
                             load relative to the current directory",
                            entry
                        ))
                        .hint("use absolute paths"),
                    );
                    continue;
                }
                if entry.is_dir() {
                    files.extend(library_files(&entry, &mut problems));
                } else {
                    files.push(entry);
                }
            }
        }
        if let Some(dir) = config_dir.filter(|d| d.is_dir()) {
            files.extend(library_files(&dir, &mut problems));
        }
        let mut seen: Vec<PathBuf> = Vec::new();
        let mut loaded_names: Vec<(String, PathBuf)> = Vec::new();
        for file in files {
            let canon = file.canonicalize().unwrap_or_else(|_| file.clone());
            if seen.contains(&canon) {
                continue;
            }
            seen.push(canon);
            let loaded = if isolate {
                load_library_isolated(&file)
            } else {
                load_library(&file)
            };
            match loaded {
                Ok(lp) => {
                    let name = lp.name().to_owned();
                    if let Some((_, first)) = loaded_names.iter().find(|(n, _)| *n == name) {
                        problems.push(
                            Diagnostic::new(format!(
                                "plugin `{name}` ignored: {} already provides a plugin of that \
                                 name",
                                first.display()
                            ))
                            .in_file(&file)
                            .hint("remove one of the two, or rename one plugin crate"),
                        );
                        continue;
                    }
                    if let Some(i) = reg.plugins.iter().position(|p| p.name() == name) {
                        let builtin = &reg.plugins[i];
                        tracing::warn!(
                            "plugin `{name}` {} from {} replaces the built-in plugin `{name}` \
                             {}: every use of `{name}` now calls the library (rename the \
                             plugin crate to keep both)",
                            lp.version(),
                            lp.origin(),
                            builtin.version()
                        );
                        reg.plugins.remove(i);
                    }
                    loaded_names.push((name, file.clone()));
                    reg.plugins.push(lp);
                }
                Err(d) => problems.push(d),
            }
        }
        (reg, problems)
    }

    /// Every plugin, built-ins first.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &LoadedPlugin> {
        self.plugins.iter()
    }

    /// The plugin called `name`, with a "did you mean" if there is none.
    pub(crate) fn get(&self, name: &str) -> Result<&LoadedPlugin, Diagnostic> {
        self.plugins
            .iter()
            .find(|p| p.name() == name)
            .ok_or_else(|| {
                let names: Vec<&str> = self.plugins.iter().map(LoadedPlugin::name).collect();
                let close = traincost_claims::closest(name, names.iter().copied(), 0.8, 3);
                let hint = if close.is_empty() {
                    format!(
                        "available plugins: {}; load another with --plugin PATH",
                        names.join(", ")
                    )
                } else {
                    format!("did you mean {}?", close.join(", "))
                };
                Diagnostic::new(format!(
                    "no plugin named `{}`",
                    traincost_claims::excerpt(name)
                ))
                .hint(hint)
            })
    }

    /// The pricing plugin called `name`.
    #[allow(dead_code, reason = "API for `traincost estimate`")]
    pub(crate) fn pricing(&self, name: &str) -> Result<PricingPlugin<'_>, Diagnostic> {
        let p = self.get(name)?;
        if p.kind() != Kind::Pricing {
            return Err(Diagnostic::new(format!(
                "plugin `{name}` is a {} plugin, not a pricing plugin",
                p.kind()
            ))
            .hint("name a pricing plugin (see `traincost plugins list`)"));
        }
        Ok(PricingPlugin(p))
    }

    /// The salary plugin called `name`.
    #[allow(dead_code, reason = "API for `traincost estimate`")]
    pub(crate) fn salary(&self, name: &str) -> Result<SalaryPlugin<'_>, Diagnostic> {
        let p = self.get(name)?;
        if p.kind() != Kind::Salary {
            return Err(Diagnostic::new(format!(
                "plugin `{name}` is a {} plugin, not a salary plugin",
                p.kind()
            ))
            .hint("name a salary plugin (see `traincost plugins list`)"));
        }
        Ok(SalaryPlugin(p))
    }
}

/// Loads one library file as a plugin in a child process (`--isolate-plugins`): the same
/// checks, run by `traincost plugins serve`; a crash of the plugin kills only the child.
pub(crate) fn load_library_isolated(path: &Path) -> Result<LoadedPlugin, Diagnostic> {
    LoadedPlugin::isolated(path)
}

/// Loads one library file as a plugin (security checks, descriptor, manifest).
pub(crate) fn load_library(path: &Path) -> Result<LoadedPlugin, Diagnostic> {
    let loaded = loader::load(path)?;
    let origin = Origin::Library {
        path: loaded.path,
        sha256: loaded.sha256,
    };
    LoadedPlugin::new(loaded.plugin, origin)
}

fn library_files(dir: &Path, problems: &mut Vec<Diagnostic>) -> Vec<PathBuf> {
    let ext = std::env::consts::DLL_EXTENSION;
    match std::fs::read_dir(dir) {
        Ok(entries) => {
            let mut files: Vec<PathBuf> = entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == ext))
                .collect();
            files.sort();
            files
        }
        Err(e) => {
            problems.push(
                Diagnostic::new(format!("cannot read the plugins directory: {e}")).in_file(dir),
            );
            Vec::new()
        }
    }
}

/// The user's plugins directory: `$XDG_CONFIG_HOME/traincost/plugins`, else
/// `~/.config/traincost/plugins` (`~/Library/Application Support/traincost/plugins` on macOS,
/// `%APPDATA%\traincost\plugins` on Windows).
pub(crate) fn user_plugin_dir() -> Option<PathBuf> {
    let abs = |v: OsString| Some(PathBuf::from(v)).filter(|p| p.is_absolute());
    let base = if cfg!(windows) {
        std::env::var_os("APPDATA").and_then(abs)
    } else if cfg!(target_os = "macos") {
        std::env::var_os("HOME")
            .and_then(abs)
            .map(|h| h.join("Library/Application Support"))
    } else {
        std::env::var_os("XDG_CONFIG_HOME")
            .and_then(abs)
            .or_else(|| {
                std::env::var_os("HOME")
                    .and_then(abs)
                    .map(|h| h.join(".config"))
            })
    };
    base.map(|b| b.join("traincost").join("plugins"))
}

/// A pricing plugin: GPU specs, purchase and rental prices.
#[allow(dead_code, reason = "API for `traincost estimate`")]
#[derive(Clone, Copy)]
pub(crate) struct PricingPlugin<'a>(&'a LoadedPlugin);

#[allow(dead_code, reason = "API for `traincost estimate`")]
impl<'a> PricingPlugin<'a> {
    /// The plugin (name, version, origin, manifest).
    pub(crate) fn plugin(&self) -> &'a LoadedPlugin {
        self.0
    }

    /// Peak dense BF16 FLOP/s and TDP of `gpu`.
    pub(crate) fn gpu_spec(&self, gpu: &str) -> Result<GpuSpec, Diagnostic> {
        match self
            .0
            .call(&Query::GpuSpec {
                gpu: gpu.to_owned(),
            })?
            .result
        {
            QueryResult::GpuSpec(s) => Ok(s),
            other => Err(wrong_kind(self.0, &other)),
        }
    }

    /// Dated purchase prices of `gpu` (pick one with [`PurchasePrices::quote_at`]).
    pub(crate) fn purchase_prices(&self, gpu: &str) -> Result<PurchasePrices, Diagnostic> {
        match self
            .0
            .call(&Query::PurchasePrice {
                gpu: gpu.to_owned(),
            })?
            .result
        {
            QueryResult::PurchasePrice(p) => Ok(p),
            other => Err(wrong_kind(self.0, &other)),
        }
    }

    /// Dated rental prices of `gpu`, optionally for one provider and at one commitment.
    pub(crate) fn rental_prices(
        &self,
        gpu: &str,
        provider: Option<&str>,
        commitment: Option<Commitment>,
    ) -> Result<RentalPrices, Diagnostic> {
        let q = Query::RentalPrice {
            gpu: gpu.to_owned(),
            provider: provider.map(str::to_owned),
            commitment,
        };
        match self.0.call(&q)?.result {
            QueryResult::RentalPrice(p) => Ok(p),
            other => Err(wrong_kind(self.0, &other)),
        }
    }
}

/// A salary plugin: loaded compensation by role and year.
#[allow(dead_code, reason = "API for `traincost estimate`")]
#[derive(Clone, Copy)]
pub(crate) struct SalaryPlugin<'a>(&'a LoadedPlugin);

#[allow(dead_code, reason = "API for `traincost estimate`")]
impl<'a> SalaryPlugin<'a> {
    /// The plugin (name, version, origin, manifest).
    pub(crate) fn plugin(&self) -> &'a LoadedPlugin {
        self.0
    }

    /// Loaded annual compensation of `role` in `year`.
    pub(crate) fn compensation(&self, role: &str, year: i32) -> Result<Compensation, Diagnostic> {
        let q = Query::Compensation {
            role: role.to_owned(),
            year,
        };
        match self.0.call(&q)?.result {
            QueryResult::Compensation(c) => Ok(c),
            other => Err(wrong_kind(self.0, &other)),
        }
    }
}

/// A plugin quantity in the scenario form `estimate` reads (same keys; `dollar_year` becomes
/// `dollars`), so a plugin's figure can stand where a scenario would write one.
#[allow(dead_code, reason = "API for `traincost estimate`")]
pub(crate) fn to_core_quantity(q: &Quantity) -> traincost_core::scenario::QuantityTable {
    let mut t = traincost_core::scenario::QuantityTable {
        unit: Some(q.unit.clone()),
        dollars: q.dollar_year.as_ref().map(|d| match d {
            DollarYear::Year(y) => y.to_string(),
            DollarYear::Month(m) => m.clone(),
        }),
        ..Default::default()
    };
    match &q.dist {
        Dist::Point(v) => t.value = Some(*v),
        Dist::Uniform { lo, hi } => t.uniform = Some([*lo, *hi]),
        Dist::Triangular { min, mode, max } => t.triangular = Some([*min, *mode, *max]),
        Dist::Pert { min, mode, max } => t.pert = Some([*min, *mode, *max]),
        Dist::Normal { mean, sd } => t.normal = Some([*mean, *sd]),
        Dist::Lognormal { p5, p95 } => t.lognormal = Some([*p5, *p95]),
        Dist::Samples(s) => t.samples = Some(s.clone()),
    }
    // A claim is the value's source; the claims an assumption cites only inform it.
    match &q.source {
        Source::Claim(id) => {
            t.claim = Some(id.clone());
            if !q.cites.is_empty() {
                t.claims = Some(q.cites.clone());
            }
        }
        Source::Assumption(a) => {
            t.assumption = Some(a.clone());
            if !q.cites.is_empty() {
                t.informed_by = Some(q.cites.clone());
            }
        }
    }
    t
}

/// The provenance of a plugin quantity, in core's terms.
#[allow(dead_code, reason = "API for `traincost estimate`")]
pub(crate) fn provenance(q: &Quantity) -> traincost_core::provenance::Provenance {
    use traincost_core::provenance::Provenance;
    match &q.source {
        Source::Claim(id) => Provenance::claim(id.clone()),
        Source::Assumption(a) if q.cites.is_empty() => Provenance::assumption(a.clone()),
        Source::Assumption(a) => Provenance::assumption_citing(a.clone(), q.cites.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtins_load_and_answer() {
        let (reg, problems) = PluginRegistry::builtin();
        assert!(problems.is_empty(), "{problems:?}");
        let p = reg.pricing("nvidia-pricing").unwrap();
        let spec = p.gpu_spec("h800").unwrap();
        assert_eq!(spec.gpu, "H800");
        assert!(reg.salary("nvidia-pricing").is_err());
        let err = reg.get("nvidia-pricng").err().unwrap();
        assert!(
            err.to_string().contains("did you mean nvidia-pricing"),
            "{err}"
        );
    }

    #[test]
    fn unknown_claim_ids_in_a_response_are_bounded() {
        use traincost_plugin::payload::{Compensation, Dist, QueryResult};
        use traincost_plugin::validate::MAX_PROBLEMS;
        let many: Vec<String> = (0..50_000).map(|i| format!("no-such-claim-{i}")).collect();
        let cites: Vec<&str> = many.iter().map(String::as_str).collect();
        let pay = Quantity::assumption_citing(Dist::Point(1e5), "USD/year", "test", &cites)
            .in_dollars_of(2024);
        let response = Response::new(QueryResult::Compensation(Compensation {
            role: "researcher".into(),
            year: 2024,
            region: "US".into(),
            annual_pay: pay.clone(),
            loaded_usd: pay,
            components: Vec::new(),
        }));
        let problems = check_claims(&response);
        assert_eq!(problems.len(), MAX_PROBLEMS + 1, "{:?}", &problems[..3]);
        assert!(problems[0].message.contains("no-such-claim-0"));
        let last = &problems[MAX_PROBLEMS].message;
        assert!(
            last.contains(&format!(
                "{} more unknown claim ids",
                100_000 - MAX_PROBLEMS
            )),
            "{last}"
        );
    }

    #[test]
    fn quantities_convert_to_core_with_provenance() {
        let q = Quantity::assumption_citing(
            Dist::Lognormal { p5: 1.0, p95: 2.0 },
            "CNY/month",
            "a range around a posting",
            &["qbitai-deepseek-job-posting-max-salary"],
        )
        .in_dollars_of(2025);
        let t = to_core_quantity(&q);
        assert_eq!(t.lognormal, Some([1.0, 2.0]));
        assert_eq!(t.dollars.as_deref(), Some("2025"));
        assert_eq!(t.claims, None);
        assert_eq!(t.informed_by.as_deref().map(<[String]>::len), Some(1));
        let p = provenance(&q);
        assert_eq!(
            p.describe(),
            "assumption: a range around a posting (informed by qbitai-deepseek-job-posting-max-salary)"
        );
    }

    #[test]
    fn switches_read_as_people_write_them() {
        for yes in ["1", "true", "TRUE", "yes", "Yes", " on "] {
            assert_eq!(parse_switch(yes), Ok(true), "{yes}");
        }
        for no in ["0", "false", "False", "no", "NO", "off", ""] {
            assert_eq!(parse_switch(no), Ok(false), "{no}");
        }
        let e = parse_switch("maybe").unwrap_err();
        assert!(
            e.contains("TRAINCOST_ISOLATE_PLUGINS") && e.contains("\"maybe\""),
            "{e}"
        );
    }

    #[test]
    fn relative_env_entries_are_ignored() {
        let (_, problems) =
            PluginRegistry::discover_in(&[], Some(OsString::from("plugins:")), None, false);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].message.contains("relative entry"));
    }
}
