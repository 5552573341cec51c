//! `traincost plugins`: list, inspect and check pricing, salary and grid plugins.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use serde_json::json;
use traincost_plugin::payload::{Dist, Quantity, QueryResult, Source};
use traincost_plugin::validate::exercise_queries;

use crate::diagnostic::Diagnostic;
use crate::output::emit;
use crate::plugin_host::{
    LoadedPlugin, Origin, PluginArgs, PluginRegistry, load_library, load_library_isolated,
};

/// Arguments of `traincost plugins`.
#[derive(Debug, clap::Args)]
pub(crate) struct PluginsArgs {
    #[command(subcommand)]
    command: PluginsCommand,
}

#[derive(Debug, clap::Subcommand)]
enum PluginsCommand {
    /// List built-in and loaded plugins: name, version, kind, ABI, origin, what they offer.
    List(ListArgs),
    /// Show one plugin's manifest (a plugin name, or a library's path): queries, GPUs,
    /// providers, roles, regions, years.
    Info(InfoArgs),
    /// Load plugin libraries (or name built-ins), exercise every query they offer, report
    /// every problem. Exits 1 if any. Each library runs in a child process unless
    /// --in-process.
    Check(CheckArgs),
    /// Serve one plugin library on stdin/stdout (the child side of --isolate-plugins).
    #[command(hide = true)]
    Serve {
        /// The library.
        path: PathBuf,
    },
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    /// Human-readable table.
    #[default]
    Table,
    /// JSON.
    Json,
}

#[derive(Debug, clap::Args)]
struct ListArgs {
    #[command(flatten)]
    plugins: PluginArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

#[derive(Debug, clap::Args)]
struct InfoArgs {
    /// Plugin name, e.g. `nvidia-pricing`, or the path of a plugin library.
    #[arg(value_name = "NAME|PATH")]
    name: String,
    #[command(flatten)]
    plugins: PluginArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

#[derive(Debug, clap::Args)]
struct CheckArgs {
    /// Plugin library files, or names of built-in plugins.
    #[arg(required = true, value_name = "PATH|NAME")]
    targets: Vec<String>,
    /// Output format (json prints every answer, for comparing builds).
    #[arg(long, value_enum, default_value_t)]
    format: Format,
    /// Write the report to this file (atomically) instead of stdout.
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// Run the libraries inside this process instead of one child process each: faster, but
    /// a plugin that crashes or exits takes traincost down. `check` vets code not yet
    /// trusted, so by default it isolates every library.
    #[arg(long)]
    in_process: bool,
    /// Accepted for compatibility: `check` isolates libraries unless --in-process.
    #[arg(long, hide = true, conflicts_with = "in_process")]
    isolate_plugins: bool,
}

pub(crate) fn run(args: PluginsArgs) -> anyhow::Result<ExitCode> {
    match args.command {
        PluginsCommand::List(a) => list(a),
        PluginsCommand::Info(a) => info(a),
        PluginsCommand::Check(a) => check(a),
        PluginsCommand::Serve { path } => crate::plugin_host::serve(&path),
    }
}

#[allow(clippy::print_stderr)]
fn report_problems(problems: &[Diagnostic]) {
    for p in problems {
        eprintln!("error: {p}");
    }
}

fn origin_json(o: &Origin) -> serde_json::Value {
    match o {
        Origin::Builtin => json!({ "builtin": true }),
        Origin::Library { path, sha256 } => json!({ "path": path, "sha256": sha256 }),
    }
}

fn offers(p: &LoadedPlugin) -> String {
    let m = p.manifest();
    let queries: Vec<&str> = m.queries.iter().map(|q| q.as_str()).collect();
    let mut parts = vec![queries.join(", ")];
    if !m.gpus.is_empty() {
        parts.push(format!("GPUs: {}", m.gpus.join(" ")));
    }
    if !m.providers.is_empty() {
        parts.push(format!("providers: {}", m.providers.len()));
    }
    if !m.roles.is_empty() {
        parts.push(format!("roles: {}", m.roles.join(" ")));
    }
    if !m.regions.is_empty() {
        parts.push(format!("regions: {}", m.regions.join(" ")));
    }
    if let Some([a, b]) = m.years {
        parts.push(format!("years {a}-{b}"));
    }
    parts.join("; ")
}

fn list(args: ListArgs) -> anyhow::Result<ExitCode> {
    let (reg, problems) = PluginRegistry::from_args(&args.plugins);
    let text = match args.format {
        Format::Json => {
            let items: Vec<serde_json::Value> = reg
                .iter()
                .map(|p| {
                    json!({
                        "name": p.name(),
                        "version": p.version(),
                        "kind": p.kind(),
                        "abi": format!("1.{}", p.abi_minor()),
                        "origin": origin_json(p.origin()),
                        "manifest": p.manifest(),
                    })
                })
                .collect();
            serde_json::to_string_pretty(&items)? + "\n"
        }
        Format::Table => {
            let mut t =
                crate::term::Grid::new(["name", "version", "kind", "ABI", "origin", "offers"]);
            for p in reg.iter() {
                t.row([
                    p.name().to_owned(),
                    p.version().to_owned(),
                    p.kind().to_string(),
                    format!("1.{}", p.abi_minor()),
                    p.origin().to_string(),
                    offers(p),
                ]);
            }
            format!("{}\n", t.render())
        }
    };
    emit(None, &text)?;
    report_problems(&problems);
    Ok(if problems.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn info(args: InfoArgs) -> anyhow::Result<ExitCode> {
    let (reg, problems) = PluginRegistry::from_args(&args.plugins);
    report_problems(&problems);
    let from_file;
    let p = if looks_like_path(&args.name) {
        let path = Path::new(&args.name);
        from_file = if args.plugins.isolate_plugins {
            load_library_isolated(path)
        } else {
            load_library(path)
        }?;
        &from_file
    } else {
        reg.get(&args.name).map_err(|mut d| {
            d.hint = Some(format!(
                "{} Or give the path of a plugin library (e.g. ./lib{}.{}).",
                d.hint.take().unwrap_or_default(),
                args.name.replace('-', "_"),
                std::env::consts::DLL_EXTENSION
            ));
            d
        })?
    };
    let m = p.manifest();
    let text = match args.format {
        Format::Json => {
            serde_json::to_string_pretty(&json!({
                "name": p.name(),
                "version": p.version(),
                "kind": p.kind(),
                "abi": format!("1.{}", p.abi_minor()),
                "origin": origin_json(p.origin()),
                "manifest": m,
            }))? + "\n"
        }
        Format::Table => {
            let mut s = format!(
                "{} {} ({} plugin, ABI 1.{})\n",
                p.name(),
                p.version(),
                p.kind(),
                p.abi_minor()
            );
            match p.origin() {
                Origin::Builtin => s.push_str("origin:    built-in\n"),
                Origin::Library { path, sha256 } => {
                    s.push_str(&format!(
                        "origin:    {}\nsha256:    {sha256}\n",
                        path.display()
                    ));
                }
            }
            if !m.description.is_empty() {
                s.push_str(&format!("about:     {}\n", m.description));
            }
            let queries: Vec<&str> = m.queries.iter().map(|q| q.as_str()).collect();
            s.push_str(&format!("queries:   {}\n", queries.join(", ")));
            if !m.gpus.is_empty() {
                s.push_str(&format!("GPUs:      {}\n", m.gpus.join(", ")));
            }
            for d in &m.gpu_definitions {
                let mut what = d.id.clone();
                if !d.product.is_empty() {
                    what.push_str(&format!(" ({})", d.product));
                }
                if !d.aliases.is_empty() {
                    what.push_str(&format!(", also {}", d.aliases.join(", ")));
                }
                s.push_str(&format!(
                    "defines:   {what}: a GPU not in traincost's catalog\n"
                ));
            }
            if !m.providers.is_empty() {
                s.push_str(&format!("providers: {}\n", m.providers.join(", ")));
            }
            if !m.roles.is_empty() {
                s.push_str(&format!("roles:     {}\n", m.roles.join(", ")));
            }
            if !m.regions.is_empty() {
                s.push_str(&format!("regions:   {}\n", m.regions.join(", ")));
            }
            if !m.bases.is_empty() {
                let bases: Vec<&str> = m.bases.iter().map(|b| b.as_str()).collect();
                s.push_str(&format!("bases:     {}\n", bases.join(", ")));
            }
            if let Some([a, b]) = m.years {
                s.push_str(&format!("years:     {a}-{b}\n"));
            }
            s
        }
    };
    emit(None, &text)?;
    Ok(ExitCode::SUCCESS)
}

fn looks_like_path(t: &str) -> bool {
    t.contains(std::path::MAIN_SEPARATOR)
        || t.contains('/')
        || Path::new(t)
            .extension()
            .is_some_and(|e| e == std::env::consts::DLL_EXTENSION)
}

fn fmt_dist(d: &Dist) -> String {
    // Six significant figures, grouped (`18,548.8`, `213,517`), or scientific for the very
    // large and small (`9.8940e14`): enough for an author to recognize the figure they wrote.
    let n = |x: f64| {
        if x != 0.0 && (x.abs() >= 1e7 || x.abs() < 1e-2) {
            format!("{x:.4e}")
        } else {
            crate::format::sig(x, 6)
        }
    };
    match d {
        Dist::Point(v) => n(*v),
        Dist::Uniform { lo, hi } => format!("uniform {}..{}", n(*lo), n(*hi)),
        Dist::Triangular { min, mode, max } => {
            format!("triangular {}/{}/{}", n(*min), n(*mode), n(*max))
        }
        Dist::Pert { min, mode, max } => format!("pert {}/{}/{}", n(*min), n(*mode), n(*max)),
        Dist::Normal { mean, sd } => format!("normal {}±{}", n(*mean), n(*sd)),
        Dist::Lognormal { p5, p95 } => format!("lognormal 90% {}..{}", n(*p5), n(*p95)),
        Dist::Samples(s) => format!("{} samples", s.len()),
    }
}

fn fmt_q(q: &Quantity) -> String {
    let src = match &q.source {
        Source::Claim(id) => format!("claim {id}"),
        Source::Assumption(_) => "assumption".to_owned(),
    };
    format!("{} {} [{src}]", fmt_dist(&q.dist), q.unit)
}

fn summarize(result: &QueryResult) -> String {
    match result {
        QueryResult::GpuSpec(s) => format!(
            "{}: peak BF16 {}; TDP {}",
            s.gpu,
            fmt_q(&s.peak_bf16_flops),
            fmt_q(&s.tdp)
        ),
        QueryResult::PurchasePrice(p) => {
            let last = p
                .quotes
                .last()
                .map(|q| format!("latest {} {}", q.date, fmt_q(&q.price)));
            format!(
                "{}: {} quotes; {}",
                p.gpu,
                p.quotes.len(),
                last.unwrap_or_default()
            )
        }
        QueryResult::RentalPrice(p) => {
            let last = p.quotes.last().map(|q| {
                format!(
                    "latest {} {} {} {}",
                    q.date,
                    q.provider,
                    q.commitment.as_str(),
                    fmt_q(&q.price)
                )
            });
            format!(
                "{}: {} quotes; {}",
                p.gpu,
                p.quotes.len(),
                last.unwrap_or_default()
            )
        }
        QueryResult::Compensation(c) => format!(
            "{} {} {}: pay {}; loaded {}",
            c.role,
            c.year,
            c.region,
            fmt_q(&c.annual_pay),
            fmt_q(&c.loaded_usd)
        ),
        QueryResult::GridIntensity(g) => format!(
            "{} {} {}: {} (data year {})",
            g.region,
            g.year,
            g.basis,
            fmt_q(&g.intensity),
            g.data_year
        ),
    }
}

fn check(args: CheckArgs) -> anyhow::Result<ExitCode> {
    let (builtins, builtin_problems) = PluginRegistry::builtin();
    report_problems(&builtin_problems);
    let mut failed = false;
    let mut text = String::new();
    let mut reports = Vec::new();
    // Keep libraries alive (they are never unloaded anyway).
    let mut loaded_libs: Vec<LoadedPlugin> = Vec::new();
    for target in &args.targets {
        let plugin: &LoadedPlugin = if looks_like_path(target) {
            let loaded = if !args.in_process {
                load_library_isolated(Path::new(target))
            } else {
                load_library(Path::new(target))
            };
            match loaded {
                Ok(p) => {
                    loaded_libs.push(p);
                    loaded_libs.last().expect("just pushed")
                }
                Err(d) => {
                    text.push_str(&format!("{target}: FAILED to load (see stderr)\n"));
                    reports.push(json!({ "target": target, "load_error": d.to_string() }));
                    report_problems(&[d]);
                    failed = true;
                    continue;
                }
            }
        } else {
            match builtins.get(target) {
                Ok(p) => p,
                Err(mut d) => {
                    let path_hint = format!(
                        "to check a library file, give its path (e.g. ./lib{}.{}).",
                        target.replace('-', "_"),
                        std::env::consts::DLL_EXTENSION
                    );
                    d.hint = Some(match d.hint.take() {
                        Some(h) => format!("{h} Or, {path_hint}"),
                        None => path_hint,
                    });
                    reports.push(json!({ "target": target, "load_error": d.to_string() }));
                    report_problems(&[d]);
                    failed = true;
                    continue;
                }
            }
        };
        let queries = exercise_queries(plugin.manifest());
        let mut results = Vec::new();
        let mut problems = 0usize;
        text.push_str(&format!(
            "{} {} ({} plugin, ABI 1.{}, {})\n",
            plugin.name(),
            plugin.version(),
            plugin.kind(),
            plugin.abi_minor(),
            plugin.origin()
        ));
        if plugin.is_isolated() {
            text.push_str("  (isolated: running in a child process)\n");
        }
        if let Origin::Library { sha256, .. } = plugin.origin() {
            text.push_str(&format!("  sha256 {sha256}\n"));
        }
        for q in &queries {
            let query_json = serde_json::to_value(q)?;
            let asked = crate::plugin_host::describe_query(q);
            match plugin.call(q) {
                Ok(r) => {
                    text.push_str(&format!("  ok    {asked}: {}\n", summarize(&r.result)));
                    results.push(json!({ "query": query_json, "response": r }));
                }
                Err(d) => {
                    problems += 1;
                    report_problems(std::slice::from_ref(&d));
                    text.push_str(&format!("  FAIL  {asked}: {}\n", d.message));
                    results.push(json!({ "query": query_json, "error": d.message }));
                }
            }
        }
        if queries.is_empty() {
            text.push_str("  (the manifest offers no queries)\n");
        }
        text.push_str(&format!(
            "  {} queries, {} problems\n",
            queries.len(),
            problems
        ));
        failed |= problems > 0;
        reports.push(json!({
            "target": target,
            "name": plugin.name(),
            "version": plugin.version(),
            "kind": plugin.kind(),
            "abi": format!("1.{}", plugin.abi_minor()),
            "origin": origin_json(plugin.origin()),
            "manifest": plugin.manifest(),
            "results": results,
            "problems": problems,
        }));
    }
    let out = match args.format {
        Format::Table => text,
        Format::Json => serde_json::to_string_pretty(&reports)? + "\n",
    };
    emit(args.output.as_deref(), &out)?;
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}
