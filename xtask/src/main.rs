//! `cargo xtask`: project automation in Rust (matklad's cargo-xtask pattern).
//!
//! - `cargo xtask ci`: what CI runs (`.ci/run` calls the README's test command; this adds
//!   nothing hidden): fmt check, clippy, the whole test suite.
//! - `cargo xtask bench`: the performance benchmark of issue 2 (figures, not assertions).
//! - `cargo xtask bench-ab A B`: whether binary B is faster than binary A, by paired runs.
//! - `cargo xtask schema`: regenerate `docs/scenario.schema.json` (a test keeps it fresh).
//!
//! Keep this crate free of dependencies: it builds on every CI run.

mod new_plugin;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("ci") => ci(),
        Some("examples") => examples(),
        Some("bench") => bench(&args[1..]),
        Some("bench-ab") => bench_ab(&args[1..]),
        Some("schema") => schema(),
        Some("new-plugin") => new_plugin::run(&args[1..]),
        _ => {
            eprintln!(
                "usage: cargo xtask <command>\n\n\
                 commands:\n  \
                 ci       fmt check, clippy (warnings are errors), every test, every example (installs chromium and g++ if missing)\n  \
                 examples run every library crate's examples (crates/*/examples)\n  \
                 bench    time and measure the Monte Carlo engine (1e6, 1e7, 1e8 samples)\n  \
                 bench-ab A B [--rounds N] [--samples N]   is traincost binary B faster than A? (paired runs)\n  \
                 schema   regenerate docs/scenario.schema.json\n  \
                 new-plugin NAME [--kind pricing|salary|grid] [--path DIR]   scaffold a plugin crate"
            );
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}

fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask is in the workspace")
        .to_owned()
}

fn cargo() -> Command {
    let mut c = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    c.current_dir(project_root());
    c
}

fn run(cmd: &mut Command) -> Result<(), String> {
    eprintln!("$ {cmd:?}");
    let status = cmd
        .status()
        .map_err(|e| format!("cannot run {cmd:?}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{cmd:?} failed: {status}"))
    }
}

/// Debian packages the test suite needs, installed when missing (as root) so that
/// `cargo xtask ci` works on a fresh machine: (program, package, override variable, why).
const TOOLS: &[(&str, &str, &str, &str)] = &[
    (
        "chromium",
        "chromium",
        "TRAINCOST_CHROMIUM",
        "the HTML report's end-to-end tests open it in headless Chromium",
    ),
    (
        "g++",
        "g++",
        "CXX",
        "the plugin end-to-end tests compile the C++ example plugin",
    ),
];

fn on_path(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|p| std::env::split_paths(&p).any(|d| d.join(program).is_file()))
        || Path::new("/usr/bin").join(program).is_file()
}

/// Installs every tool of [`TOOLS`] that is neither on PATH nor named by its override
/// variable, with one `apt-get install`; without root, says what is missing and carries on.
fn ensure_tools() -> Result<(), String> {
    let missing: Vec<_> = TOOLS
        .iter()
        .filter(|(program, _, var, _)| !on_path(program) && std::env::var_os(var).is_none())
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0"));
    if !root {
        for (program, package, _, why) in &missing {
            eprintln!(
                "xtask: {program} is missing and this is not root: install Debian's `{package}` ({why})"
            );
        }
        return Ok(());
    }
    for (_, package, _, why) in &missing {
        eprintln!("xtask: installing {package}: {why}");
    }
    run(Command::new("apt-get")
        .args(["update", "-qq"])
        .env("DEBIAN_FRONTEND", "noninteractive"))?;
    run(Command::new("apt-get")
        .args(["install", "-y", "-qq", "--no-install-recommends"])
        .args(missing.iter().map(|(_, package, _, _)| package))
        .env("DEBIAN_FRONTEND", "noninteractive"))
}

fn ci() -> Result<(), String> {
    ensure_tools()?;
    run(cargo().args(["fmt", "--all", "--", "--check"]))?;
    // The library crates as a dependent gets them: no optional features (no `schemars`).
    run(cargo().args([
        "clippy",
        "-p",
        "traincost-core",
        "-p",
        "traincost-plugin",
        "--",
        "-D",
        "warnings",
    ]))?;
    // Every feature on, so that the schema tests (`schema` features) run too.
    run(cargo().args([
        "clippy",
        "--workspace",
        "--all-targets",
        "--all-features",
        "--",
        "-D",
        "warnings",
    ]))?;
    run(cargo().args(["test", "--workspace", "--all-features"]))?;
    examples()?;
    // The library crates package as a dependent would get them (metadata, README, data files).
    run(cargo().args([
        "package",
        "--no-verify",
        "--allow-dirty",
        "-p",
        "traincost-engine",
        "-p",
        "traincost-core",
        "-p",
        "traincost-claims",
        "-p",
        "traincost-plugin",
        "-p",
        "traincost-analysis",
    ]))
}

/// Runs every library crate's examples (`crates/*/examples/*.rs`): they are documentation
/// that must keep working, and each asserts what it shows.
fn examples() -> Result<(), String> {
    let crates = project_root().join("crates");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&crates)
        .map_err(|e| format!("{}: {e}", crates.display()))?
        .filter_map(|d| Some(d.ok()?.path()))
        .filter(|d| d.join("examples").is_dir())
        .collect();
    dirs.sort();
    for dir in dirs {
        let manifest =
            std::fs::read_to_string(dir.join("Cargo.toml")).map_err(|e| e.to_string())?;
        let package = manifest
            .lines()
            .find_map(|l| l.strip_prefix("name = \""))
            .and_then(|l| l.strip_suffix('"'))
            .ok_or_else(|| format!("{}: no package name", dir.display()))?
            .to_owned();
        let mut names: Vec<String> = std::fs::read_dir(dir.join("examples"))
            .map_err(|e| e.to_string())?
            .filter_map(|f| {
                let p = f.ok()?.path();
                (p.extension()? == "rs").then(|| p.file_stem()?.to_str().map(String::from))?
            })
            .collect();
        names.sort();
        for name in names {
            run(cargo().args(["run", "-q", "-p", &package, "--example", &name]))?;
        }
    }
    Ok(())
}

fn schema() -> Result<(), String> {
    run(cargo()
        .args(["run", "-q", "-p", "traincost", "--", "scenarios", "schema"])
        .stdout(
            std::fs::File::create(project_root().join("docs/scenario.schema.json"))
                .map_err(|e| e.to_string())?,
        ))
}

/// Peak resident memory reported by `traincost -v` (it logs its own VmHWM at exit).
fn peak_mib(stderr: &str) -> Option<f64> {
    stderr
        .lines()
        .find_map(|l| {
            l.split("peak_rss_kib=")
                .nth(1)?
                .split_whitespace()
                .next()?
                .parse::<f64>()
                .ok()
        })
        .map(|k| k / 1024.0)
}

/// Wall times of `runs` runs of `bin args`: (best, median), the last run's stdout and its peak
/// memory (from `-v`'s `peak_rss_kib`, if asked for).
struct Timed {
    best: f64,
    median: f64,
    stdout: String,
    peak_mib: Option<f64>,
}

fn time_runs(bin: &Path, args: &[&str], runs: usize) -> Result<Timed, String> {
    let mut walls = Vec::with_capacity(runs);
    let mut last = None;
    for _ in 0..runs.max(1) {
        let t = Instant::now();
        let out = Command::new(bin)
            .args(args)
            .output()
            .map_err(|e| e.to_string())?;
        walls.push(t.elapsed().as_secs_f64());
        if !out.status.success() {
            return Err(format!(
                "{} {}: {}",
                bin.display(),
                args.join(" "),
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        last = Some(out);
    }
    walls.sort_by(f64::total_cmp);
    let out = last.expect("at least one run");
    Ok(Timed {
        best: walls[0],
        median: walls[walls.len() / 2],
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        peak_mib: peak_mib(&String::from_utf8_lossy(&out.stderr)),
    })
}

/// Uncertain (non-point) inputs in an estimate's JSON.
/// `cargo xtask bench-ab A B`: compares two `traincost` binaries on `deepseek-v3` by rounds of
/// one run each, back to back, in alternating order. This machine's speed drifts by up to 40%
/// within minutes, far more than most changes; two runs seconds apart see nearly the same
/// machine, so the per-round difference and how many rounds B wins (a sign test) say what
/// two separate benchmarks cannot.
fn bench_ab(args: &[String]) -> Result<(), String> {
    let usage = "usage: cargo xtask bench-ab BIN_A BIN_B [--rounds N] [--samples N]";
    let (mut bins, mut rounds, mut samples) = (Vec::new(), 12usize, "10000000".to_string());
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = || it.next().ok_or(format!("{a} needs a value\n{usage}"));
        match a.as_str() {
            "--rounds" => rounds = value()?.parse().map_err(|e| format!("--rounds: {e}"))?,
            "--samples" => samples = value()?.clone(),
            _ => bins.push(PathBuf::from(a)),
        }
    }
    let [a, b] = <[PathBuf; 2]>::try_from(bins).map_err(|_| usage.to_string())?;
    let args = deepseek_v3_args(&samples);
    let (mut ta, mut tb, mut diffs) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..rounds.max(1) {
        let (first, second) = if round % 2 == 0 { (&a, &b) } else { (&b, &a) };
        let t1 = time_runs(first, &args, 1)?.best;
        let t2 = time_runs(second, &args, 1)?.best;
        let (x, y) = if round % 2 == 0 { (t1, t2) } else { (t2, t1) };
        ta.push(x);
        tb.push(y);
        diffs.push(y - x);
    }
    let n = diffs.len();
    let wins = diffs.iter().filter(|&&d| d < 0.0).count();
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    // Two-sided sign test: P(a split at least this uneven | no difference).
    let k = wins.min(n - wins);
    let tail: f64 = (0..=k).map(|i| binomial(n, i)).sum::<f64>() / 2f64.powi(n as i32);
    let ms = |v: &[f64]| {
        v.iter()
            .map(|t| format!("{:.0}", t * 1e3))
            .collect::<Vec<_>>()
            .join(" ")
    };
    println!("A = {}\nB = {}", a.display(), b.display());
    println!("deepseek-v3, {samples} samples, {n} rounds (ms, in round order)");
    println!("A: {}\nB: {}", ms(&ta), ms(&tb));
    println!("B - A per round: {}", ms(&diffs));
    println!(
        "median A {:.3} s, median B {:.3} s, median of B - A {:+.0} ms; B faster in {wins} of {n} rounds (sign test p = {:.3})",
        median(&mut ta),
        median(&mut tb),
        median(&mut diffs) * 1e3,
        (2.0 * tail).min(1.0)
    );
    Ok(())
}

/// The benchmarked job: the full `deepseek-v3` stack as JSON; `-v` logs the peak RSS.
fn deepseek_v3_args(samples: &str) -> [&str; 7] {
    [
        "-v",
        "estimate",
        "deepseek-v3",
        "--samples",
        samples,
        "--format",
        "json",
    ]
}

/// `n` choose `k`, as a float.
fn binomial(n: usize, k: usize) -> f64 {
    (0..k).fold(1.0, |acc, i| acc * (n - i) as f64 / (i + 1) as f64)
}

fn uncertain_inputs(json: &str) -> usize {
    json.matches("\"distribution\": {").count()
        - json
            .matches("\"distribution\": {\n        \"point\"")
            .count()
}

/// A scenario whose staff is Gemini 1.0 Ultra's 941 people in five roles (Epoch AI's
/// development-cost study: role sizes and ranges from its notebook), for the benchmark.
fn staff_941_scenario() -> String {
    let mut s = String::from(
        "name = \"staff-941\"\npublished = \"2023-12-06\"\ndollars = \"2023\"\ngpu = \"A100\"\n\
         rental_price = { value = 2.0, unit = \"USD/GPU-hour\", assumption = \"bench\" }\n\
         [[stages]]\nname = \"run\"\ngpu_hours = { value = 1e6, assumption = \"bench\" }\n\
         [staff]\nduration = { lognormal = [0.58, 1.67], unit = \"years\", assumption = \"bench\" }\n",
    );
    let roles = [
        ("leads", 36, [300_000, 600_000], [0.3, 0.9]),
        ("core", 418, [139_700, 265_200], [0.01, 0.8]),
        ("contributors", 483, [139_700, 265_200], [0.001, 0.05]),
        ("program leads", 2, [500_000, 1_000_000], [0.05, 0.2]),
        ("technical leads", 2, [500_000, 1_000_000], [0.05, 0.2]),
    ];
    for (role, n, [lo, hi], [f_lo, f_hi]) in roles {
        for (group, pay, overhead) in [
            (role.to_owned(), [lo, hi], "[1.25, 1.4]"),
            (format!("{role} equity"), [35_500, 501_700], "[1.0, 1.0001]"),
        ] {
            s.push_str(&format!(
                "[[staff.groups]]\nrole = \"{group}\"\n\
                 headcount = {{ value = {n}, unit = \"people\", assumption = \"bench\" }}\n\
                 compensation = {{ lognormal = [{}, {}], unit = \"USD/year\", assumption = \"bench\" }}\n\
                 overhead = {{ lognormal = {overhead}, unit = \"x\", assumption = \"bench\" }}\n\
                 fte = {{ lognormal = [{f_lo}, {f_hi}], unit = \"fraction\", assumption = \"bench\" }}\n",
                pay[0], pay[1]
            ));
        }
    }
    s
}

fn bench(args: &[String]) -> Result<(), String> {
    let counts: Vec<u64> = if args.is_empty() {
        vec![1_000_000, 10_000_000, 100_000_000]
    } else {
        args.iter()
            .map(|a| {
                a.parse::<f64>()
                    .map(|x| x as u64)
                    .map_err(|e| format!("{a}: {e}"))
            })
            .collect::<Result<_, _>>()?
    };
    run(cargo().args([
        "build",
        "--release",
        "-p",
        "traincost",
        "-p",
        "traincost-engine",
        "--examples",
        "--bins",
    ]))?;
    let target = std::env::var("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| project_root().join("target"));
    let bin = target.join("release/traincost");
    let raw = target.join("release/examples/raw_lognormal");
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    // This machine's speed drifts from run to run: time everything several times.
    let runs_for = |n: u64| if n >= 100_000_000 { 3 } else { 5 };
    let fmt_mib = |m: Option<f64>| m.map_or("?".into(), |m| format!("{m:.1}"));

    println!(
        "machine: {threads} hardware threads; wall times are best and median of 5 runs (3 at 1e8)"
    );
    println!(
        "| samples | best s | median s | samples/s (best) | uncertain-input draws/s (best) | peak MiB | threads |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|");
    let mut model_draw_rate = 0.0;
    for &n in &counts {
        let samples = n.to_string();
        let t = time_runs(&bin, &deepseek_v3_args(&samples), runs_for(n))?;
        model_draw_rate = n as f64 * uncertain_inputs(&t.stdout) as f64 / t.best;
        println!(
            "| {n:.0e} | {:.3} | {:.3} | {:.3e} | {model_draw_rate:.3e} | {} | {threads} |",
            t.best,
            t.median,
            n as f64 / t.best,
            fmt_mib(t.peak_mib)
        );
    }
    // Model size drives the cost: every built-in scenario at the largest count (<= 1e7).
    let n_scen = counts
        .iter()
        .copied()
        .filter(|&n| n <= 10_000_000)
        .max()
        .unwrap_or(1_000_000);
    println!(
        "\n| scenario ({n_scen:.0e} samples) | uncertain inputs | outputs | best s | median s | peak MiB |"
    );
    println!("|---|---:|---:|---:|---:|---:|");
    for scenario in [
        "claude-3.5-sonnet",
        "llama-3.1-405b",
        "gpt-4",
        "deepseek-r1",
        "deepseek-v3",
    ] {
        let samples = n_scen.to_string();
        let args = [
            "-v",
            "estimate",
            scenario,
            "--samples",
            &samples,
            "--format",
            "json",
        ];
        let t = time_runs(&bin, &args, 3)?;
        // Every layer, component, total and metric says what it includes.
        let outputs = t.stdout.matches("\"includes\":").count();
        println!(
            "| {scenario} | {} | {outputs} | {:.3} | {:.3} | {} |",
            uncertain_inputs(&t.stdout),
            t.best,
            t.median,
            fmt_mib(t.peak_mib)
        );
    }
    // Staff drawn person by person: Gemini 1.0 Ultra's 941 people in five roles (Epoch AI's
    // study), each with salary and equity groups, at the default sample count.
    let dir = std::env::temp_dir().join(format!("traincost-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let staff_file = dir.join("staff-941.toml");
    std::fs::write(&staff_file, staff_941_scenario())
        .map_err(|e| format!("{}: {e}", staff_file.display()))?;
    let t = time_runs(
        &bin,
        &[
            "-v",
            "estimate",
            staff_file.to_str().ok_or("temporary path is not UTF-8")?,
            "--format",
            "json",
        ],
        5,
    )?;
    println!(
        "
staff drawn person by person, 941 people in 5 roles x (salary, equity), 100,000 samples: best {:.3} s, median {:.3} s, peak {} MiB",
        t.best,
        t.median,
        fmt_mib(t.peak_mib)
    );
    let _ = std::fs::remove_dir_all(&dir);
    // The raw rate: lognormal variates in a plain single-threaded loop, same sampler.
    let n = *counts.iter().max().unwrap_or(&10_000_000);
    let text = time_runs(&raw, &[&n.to_string()], 1)?.stdout;
    println!("\nraw lognormal loop (best of 3 passes): {}", text.trim());
    if let Some(rate) = text
        .split("variates/s=")
        .nth(1)
        .and_then(|s| s.split_whitespace().next()?.parse::<f64>().ok())
    {
        println!(
            "model's uncertain-input draws per second / raw single-thread lognormal draws per second = {:.2} ({threads} threads)",
            model_draw_rate / rate
        );
    }
    // End to end, the acceptance command.
    let t = time_runs(
        &bin,
        &[
            "estimate",
            "deepseek-v3",
            "--samples",
            "1000000",
            "--format",
            "json",
        ],
        7,
    )?;
    println!(
        "`traincost estimate deepseek-v3 --samples 1000000 --format json`: best of 7 = {:.0} ms, median = {:.0} ms",
        t.best * 1e3,
        t.median * 1e3
    );
    Ok(())
}
