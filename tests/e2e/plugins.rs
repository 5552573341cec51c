//! Plugins end to end: the real binary loading real compiled plugins (first-party cdylibs,
//! Rust fixtures, and C plugins compiled here with the system `cc`).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use crate::util::{assert_fails_with, find, stderr, stdout, temp_dir, traincost};

const CRATES: &[&str] = &[
    "nvidia-pricing",
    "cloud-rental",
    "salary-us",
    "salary-cn",
    "grid-intensity",
    "tc-fixture-panics",
    "tc-fixture-bad-values",
    "tc-fixture-new-gpu",
];

/// Builds the plugin crates once and returns package name -> cdylib path, read from cargo's
/// `--message-format=json` (no guessing of target directories).
fn cdylibs() -> &'static HashMap<String, PathBuf> {
    static LIBS: OnceLock<HashMap<String, PathBuf>> = OnceLock::new();
    LIBS.get_or_init(|| {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
        let mut cmd = Command::new(cargo);
        cmd.arg("build").arg("--message-format=json").arg("--quiet");
        for c in CRATES {
            cmd.arg("-p").arg(c);
        }
        let out = cmd.output().expect("cargo runs");
        assert!(
            out.status.success(),
            "building the plugin crates failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let mut libs = HashMap::new();
        for line in String::from_utf8_lossy(&out.stdout).lines() {
            let Ok(msg) = serde_json::from_str::<serde_json::Value>(line) else {
                continue;
            };
            if msg["reason"] != "compiler-artifact" {
                continue;
            }
            let kinds = msg["target"]["crate_types"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            if !kinds.iter().any(|k| k == "cdylib") {
                continue;
            }
            let name = msg["target"]["name"]
                .as_str()
                .unwrap_or_default()
                .replace('_', "-");
            for f in msg["filenames"].as_array().cloned().unwrap_or_default() {
                let f = PathBuf::from(f.as_str().unwrap_or_default());
                if f.extension()
                    .is_some_and(|e| e == std::env::consts::DLL_EXTENSION)
                {
                    libs.insert(name.clone(), f);
                }
            }
        }
        for c in CRATES {
            assert!(libs.contains_key(*c), "no cdylib for {c} in cargo's output");
        }
        libs
    })
}

fn lib(name: &str) -> PathBuf {
    cdylibs()[name].clone()
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Compiles a C plugin from `tests/fixtures/plugins/c/` into `dir/lib<stem>.so`.
fn compile_c(dir: &Path, source: &str, stem: &str, defines: &[&str]) -> PathBuf {
    let out = dir.join(format!("lib{stem}.{}", std::env::consts::DLL_EXTENSION));
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".to_owned());
    let mut cmd = Command::new(&cc);
    cmd.args(["-std=c99", "-Wall", "-Werror", "-shared", "-fPIC", "-I"])
        .arg(repo().join("include"))
        .arg(repo().join("tests/fixtures/plugins/c").join(source))
        .arg("-o")
        .arg(&out);
    for d in defines {
        cmd.arg(format!("-D{d}"));
    }
    let status = cmd
        .status()
        .unwrap_or_else(|e| panic!("cannot run the C compiler `{cc}` (set CC): {e}"));
    assert!(status.success(), "compiling {source} failed");
    out
}

/// Compiles the C++ example plugin `tests/fixtures/plugins/cpp/salary.cpp` into
/// `dir/libcpp_salary_eu.so` with `$CXX` or `g++`. A missing compiler fails the test (CI has
/// g++, and `cargo xtask ci` installs it): the ABI's "any language" must be shown, not skipped.
fn compile_cpp(dir: &Path) -> PathBuf {
    let out = dir.join(format!(
        "libcpp_salary_eu.{}",
        std::env::consts::DLL_EXTENSION
    ));
    let cxx = std::env::var("CXX").unwrap_or_else(|_| "g++".to_owned());
    let source = repo().join("tests/fixtures/plugins/cpp/salary.cpp");
    let o = Command::new(&cxx)
        .args([
            "-std=c++17",
            "-Wall",
            "-Wextra",
            "-Werror",
            "-shared",
            "-fPIC",
            "-I",
        ])
        .arg(repo().join("include"))
        .arg(&source)
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run the C++ compiler `{cxx}`: {e}\n\
                 install g++ (Debian: apt-get install g++; `cargo xtask ci` does it as root) \
                 or set CXX to a C++17 compiler"
            )
        });
    assert!(
        o.status.success(),
        "compiling {} with `{cxx}` failed:\n{}",
        source.display(),
        String::from_utf8_lossy(&o.stderr)
    );
    out
}

/// A bad C plugin built with one `-D` mode, named so that its entry symbol is found.
fn bad_c(dir: &Path, mode: &str) -> PathBuf {
    let stem = format!("bad_{}", mode.to_lowercase());
    let entry = format!("ENTRY=traincost_plugin_v1_{stem}");
    compile_c(dir, "bad.c", &stem, &[mode, &entry])
}

/// `traincost` isolated from the user's plugin directory.
fn tc(config: &Path) -> Command {
    let mut cmd = traincost();
    cmd.env("XDG_CONFIG_HOME", config).env("HOME", config);
    cmd
}

fn run(cmd: &mut Command) -> Output {
    cmd.output().expect("traincost runs")
}

fn check(config: &Path, targets: &[&Path]) -> Output {
    run(tc(config).arg("plugins").arg("check").args(targets))
}

/// Failure with a named plugin and a message; no crash, no Rust panic noise on stderr.
fn assert_reported(o: &Output, needles: &[&str]) {
    let err = stderr(o);
    assert_eq!(o.status.code(), Some(1), "want exit 1; stderr:\n{err}");
    assert!(!err.contains("thread '"), "panic noise on stderr:\n{err}");
    assert!(
        !err.contains("RUST_BACKTRACE"),
        "panic noise on stderr:\n{err}"
    );
    for n in needles {
        assert!(err.contains(n), "stderr lacks {n:?}:\n{err}");
    }
}

fn check_json(config: &Path, target: &str) -> serde_json::Value {
    let o = run(tc(config).args(["plugins", "check", "--format", "json", target]));
    assert!(o.status.success(), "check {target} failed:\n{}", stderr(&o));
    serde_json::from_slice(&o.stdout).expect("check prints JSON")
}

#[test]
fn list_shows_the_builtins() {
    let cfg = temp_dir();
    let o = run(tc(cfg.path()).args(["plugins", "list", "--format", "json"]));
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let names: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "nvidia-pricing",
            "cloud-rental",
            "salary-us",
            "salary-cn",
            "grid-intensity"
        ]
    );
    assert!(
        v.as_array()
            .unwrap()
            .iter()
            .all(|p| p["origin"]["builtin"] == true && p["abi"] == "1.1")
    );
    assert_eq!(v[4]["kind"], "grid");
    let o = run(tc(cfg.path()).args(["plugins", "list"]));
    assert!(o.status.success(), "{}", stderr(&o));
    let table = stdout(&o);
    let row = table
        .lines()
        .find(|l| l.contains("grid-intensity"))
        .unwrap_or_else(|| panic!("no grid-intensity row:\n{table}"));
    assert!(
        row.contains("grid") && row.contains("grid_intensity") && row.contains("US-IA"),
        "{table}"
    );
    let o = run(tc(cfg.path()).args(["plugins", "info", "salary-cn"]));
    assert!(o.status.success());
    assert!(
        stdout(&o).contains("roles:     researcher, senior-researcher"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn builtin_and_dynamic_builds_give_identical_results() {
    let cfg = temp_dir();
    for name in [
        "nvidia-pricing",
        "cloud-rental",
        "salary-us",
        "salary-cn",
        "grid-intensity",
    ] {
        let builtin = check_json(cfg.path(), name);
        let path = lib(name);
        let dynamic = check_json(cfg.path(), path.to_str().unwrap());
        assert_eq!(builtin[0]["origin"]["builtin"], true);
        assert!(dynamic[0]["origin"]["sha256"].as_str().unwrap().len() == 64);
        assert_eq!(builtin[0]["name"], dynamic[0]["name"]);
        assert_eq!(
            builtin[0]["manifest"], dynamic[0]["manifest"],
            "{name}: manifests differ"
        );
        let results = &builtin[0]["results"];
        assert!(
            results.as_array().unwrap().len() >= 4,
            "{name}: too few queries exercised"
        );
        assert_eq!(
            results, &dynamic[0]["results"],
            "{name}: built-in and dylib answers differ"
        );
        assert_eq!(dynamic[0]["problems"], 0);
    }
}

#[test]
fn a_c_plugin_loads_and_answers() {
    let cfg = temp_dir();
    let dir = temp_dir();
    let so = compile_c(dir.path(), "pricing.c", "c_pricing", &[]);
    let o = check(cfg.path(), &[&so]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("c-pricing 1.0.0 (pricing plugin, ABI 1.1"),
        "{out}"
    );
    assert!(out.contains("ok    gpu_spec H100: H100: peak BF16 9.8940e14 FLOP/s [assumption]; TDP 700 W [claim llama-3-1-gpu-tdp]"), "{out}");
    let o = run(tc(cfg.path())
        .args(["plugins", "list", "--plugin"])
        .arg(&so));
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("c-pricing"));
}

/// The C++ example plugin's scenario: researchers' pay from `cpp-salary-eu`, in EUR.
const CPP_SCENARIO: &str = r#"
name = "eu-lab"
dollars = "2023"
gpu = "H100"
rental_price = { value = 2.0, unit = "USD/GPU-hour", assumption = "test" }

[[stages]]
name = "run"
gpu_hours = { value = 1000, assumption = "test" }

[staff]
duration = { value = 1.0, unit = "years", assumption = "test" }

[[staff.groups]]
role = "researchers"
headcount = { value = 10, unit = "people", assumption = "test" }
salary = { plugin = "cpp-salary-eu", role = "researcher", year = 2023 }
fte = { value = 1.0, unit = "fraction", assumption = "test" }
"#;

#[test]
fn a_cpp_plugin_loads_and_prices_staff_in_euros() {
    let cfg = temp_dir();
    let dir = temp_dir();
    let so = compile_cpp(dir.path());

    // `plugins check` loads it (isolated, then in-process) and finds nothing wrong.
    for extra in [&[][..], &["--in-process"][..]] {
        let o = run(tc(cfg.path())
            .args(["plugins", "check"])
            .args(extra)
            .arg(&so));
        assert!(o.status.success(), "{}", stderr(&o));
        let out = stdout(&o);
        assert!(
            out.contains("cpp-salary-eu 1.0.0 (salary plugin, ABI 1.1"),
            "{out}"
        );
        assert!(
            out.contains(
                "ok    compensation researcher 2018: researcher 2018 EU: pay lognormal 90% 60,000..110,000 EUR/year [assumption]"
            ),
            "{out}"
        );
        assert!(out.contains("6 queries, 0 problems"), "{out}");
    }
    let v = check_json(cfg.path(), so.to_str().unwrap());
    assert_eq!(v[0]["name"], "cpp-salary-eu");
    assert_eq!(v[0]["problems"], 0, "{v}");
    assert_eq!(
        v[0]["manifest"]["roles"],
        serde_json::json!(["researcher", "research-engineer", "engineer"])
    );

    // An estimate takes the researchers' loaded pay from it, converted from euros.
    let scenario = dir.path().join("eu.toml");
    std::fs::write(&scenario, CPP_SCENARIO).unwrap();
    let so_arg = so.to_str().unwrap();
    let est = estimate_json(cfg.path(), &scenario, &["--plugin", so_arg]);
    let pay = input(&est, "staff.groups.researchers.compensation");
    let note = pay["note"].as_str().unwrap_or_default();
    assert!(note.contains("from plugin cpp-salary-eu 1.0.0"), "{pay}");
    assert!(note.contains("libcpp_salary_eu"), "{note}");
    assert!(
        note.contains(
            "EUR/year (2023) at 1.0817 USD/EUR (Federal Reserve H.10 2023 annual average)"
        ),
        "{note}"
    );
    assert_eq!(pay["unit"], "USD/year");
    // The plugin's figure is labelled an assumption, not presented as a fact.
    let why = pay["assumption"].as_str().unwrap_or_default();
    assert!(why.contains("illustrative"), "{pay}");
    // Its median: 81,240 EUR (the pay range's) x 1.319 (on-costs') at 1.0817 USD/EUR, in
    // 2023 dollars, then inflated to the report's later dollars (a few percent more).
    let median = pay["median"].as_f64().unwrap();
    let eur_2023_usd = (60_000.0_f64 * 110_000.0).sqrt() * (1.20_f64 * 1.45).sqrt() * 1.0817;
    assert!(
        (eur_2023_usd..eur_2023_usd * 1.15).contains(&median),
        "median {median} vs {eur_2023_usd} USD of 2023"
    );
    let staff = find(&est, "layers", "id", "staff")["central"]
        .as_f64()
        .unwrap();
    assert!(staff > 0.0);

    // Without the library the scenario's plugin is missing: the figure came from it.
    let o = run(tc(cfg.path()).args(["estimate", scenario.to_str().unwrap(), "--samples", "100"]));
    assert!(!o.status.success());
    assert!(stderr(&o).contains("cpp-salary-eu"), "{}", stderr(&o));

    // Its refusals arrive as the plugin's own error, not a crash.
    std::fs::write(
        &scenario,
        CPP_SCENARIO.replace("year = 2023", "year = 2012"),
    )
    .unwrap();
    let o = run(tc(cfg.path())
        .args([
            "estimate",
            scenario.to_str().unwrap(),
            "--samples",
            "100",
            "--plugin",
        ])
        .arg(&so));
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(!err.contains("thread '"), "{err}");
    assert!(err.contains("cpp-salary-eu"), "{err}");
    assert!(err.contains("2012"), "{err}");
}

#[test]
fn missing_file() {
    let cfg = temp_dir();
    let o = check(cfg.path(), &[Path::new("/nonexistent/libnothing.so")]);
    assert_reported(
        &o,
        &[
            "/nonexistent/libnothing.so",
            "plugin library not found",
            "hint:",
        ],
    );
}

#[test]
fn not_a_shared_library() {
    let cfg = temp_dir();
    let dir = temp_dir();
    let fake = dir
        .path()
        .join(format!("libjunk.{}", std::env::consts::DLL_EXTENSION));
    std::fs::write(&fake, "this is text, not ELF\n").unwrap();
    let o = check(cfg.path(), &[&fake]);
    // libloading's Display is only "dlopen failed": the chain must carry the loader's reason.
    assert_reported(
        &o,
        &[
            "cannot load the plugin library: dlopen failed: ",
            "libjunk",
            "not a shared library",
            "cdylib",
        ],
    );
}

#[test]
fn renamed_file_has_no_entry_symbol() {
    let cfg = temp_dir();
    let dir = temp_dir();
    let renamed = dir
        .path()
        .join(format!("librenamed.{}", std::env::consts::DLL_EXTENSION));
    std::fs::copy(lib("nvidia-pricing"), &renamed).unwrap();
    let o = check(cfg.path(), &[&renamed]);
    assert_reported(
        &o,
        &[
            "no entry symbol `traincost_plugin_v1_renamed`",
            "dlsym failed",
            "renamed file?",
            "traincost_plugin_v1_nvidia_pricing",
            "libnvidia_pricing.",
        ],
    );
}

#[test]
fn wrong_abi_major_says_found_and_supported() {
    let cfg = temp_dir();
    let dir = temp_dir();
    let o = check(cfg.path(), &[&bad_c(dir.path(), "ABI_V2")]);
    assert_reported(
        &o,
        &[
            "libbad_abi_v2",
            "built for plugin ABI 2; this traincost supports ABI 1",
            "rebuild",
        ],
    );
}

#[test]
fn descriptor_too_small() {
    let cfg = temp_dir();
    let dir = temp_dir();
    let o = check(cfg.path(), &[&bad_c(dir.path(), "TOO_SMALL")]);
    assert_reported(
        &o,
        &["descriptor too small: struct_size is 12 bytes, ABI 1 needs at least"],
    );
}

#[test]
fn a_panic_is_reported_and_the_host_carries_on() {
    let cfg = temp_dir();
    let out_dir = temp_dir();
    let report = out_dir.path().join("report.json");
    std::fs::write(&report, "previous contents").unwrap();
    let panics = lib("tc-fixture-panics");
    let good = lib("nvidia-pricing");
    let o = run(tc(cfg.path())
        .args(["plugins", "check", "--format", "json", "--output"])
        .arg(&report)
        .arg(&panics)
        .arg(&good));
    assert_reported(
        &o,
        &[
            "plugin `tc-fixture-panics` panicked: fixture panic: no spec table for H100 (at ",
            "report it to its author",
        ],
    );
    // The other plugin still ran, and the report file was written whole.
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    assert_eq!(v[0]["name"], "tc-fixture-panics");
    assert_eq!(v[0]["problems"], 1);
    assert_eq!(v[1]["name"], "nvidia-pricing");
    assert_eq!(v[1]["problems"], 0);
    assert_eq!(v[1]["results"].as_array().unwrap().len(), 12);
}

fn bad_value(mode: &str) -> Output {
    let cfg = temp_dir();
    let so = lib("tc-fixture-bad-values");
    run(tc(cfg.path())
        .env("TRAINCOST_FIXTURE_MODE", mode)
        .args(["plugins", "check"])
        .arg(&so))
}

#[test]
fn a_plugin_error_is_reported_by_name() {
    let o = bad_value("error");
    assert_reported(
        &o,
        &[
            "plugin `tc-fixture-bad-values` returned an error: no_data: fixture error: the price table is empty",
            "gpu_spec H100",
        ],
    );
}

#[test]
fn nan_and_infinity_are_rejected() {
    for mode in ["nan", "inf"] {
        let o = bad_value(mode);
        assert_reported(
            &o,
            &[
                "tc-fixture-bad-values",
                "result.peak_bf16_flops.value",
                "NaN or infinity",
            ],
        );
    }
}

#[test]
fn negative_values_are_rejected() {
    let o = bad_value("negative");
    assert_reported(&o, &["result.peak_bf16_flops.value: -1 is negative"]);
}

#[test]
fn unknown_units_are_rejected() {
    let o = bad_value("unknown-unit");
    assert_reported(
        &o,
        &["result.peak_bf16_flops.unit: unknown unit \"petaflops\"; known units: USD"],
    );
}

#[test]
fn unknown_gpus_are_rejected() {
    let o = bad_value("unknown-gpu");
    assert_reported(
        &o,
        &["result.gpu: unknown GPU \"Z999\"; known GPUs: V100, A100"],
    );
}

#[test]
fn unknown_claim_ids_are_rejected() {
    let o = bad_value("unknown-claim");
    assert_reported(
        &o,
        &["result.peak_bf16_flops.claim: unknown claim id \"no-such-claim-id\""],
    );
}

#[test]
fn a_valid_fixture_answer_passes() {
    let o = bad_value("valid");
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn malformed_json_and_bare_nan_are_rejected() {
    let cfg = temp_dir();
    let dir = temp_dir();
    let o = check(cfg.path(), &[&bad_c(dir.path(), "MALFORMED")]);
    assert_reported(
        &o,
        &["plugin `c-bad` returned an invalid payload: malformed JSON: EOF while parsing"],
    );
    let o = check(cfg.path(), &[&bad_c(dir.path(), "NAN_TOKEN")]);
    assert_reported(
        &o,
        &["malformed JSON", "NaN and infinity have no JSON form"],
    );
    let o = check(cfg.path(), &[&bad_c(dir.path(), "BAD_CODE")]);
    assert_reported(&o, &["returned code 7, which ABI v1 does not define"]);
}

#[cfg(unix)]
#[test]
fn world_writable_and_foreign_files_are_refused() {
    use std::os::unix::fs::PermissionsExt;
    let cfg = temp_dir();
    let dir = temp_dir();
    let copy = dir.path().join(format!(
        "libnvidia_pricing.{}",
        std::env::consts::DLL_EXTENSION
    ));
    std::fs::copy(lib("nvidia-pricing"), &copy).unwrap();
    std::fs::set_permissions(&copy, std::fs::Permissions::from_mode(0o666)).unwrap();
    let o = check(cfg.path(), &[&copy]);
    assert_reported(
        &o,
        &[
            "refusing to load a plugin: the library file is world-writable (mode 666)",
            "chmod o-w",
        ],
    );
    std::fs::set_permissions(&copy, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
    let o = check(cfg.path(), &[&copy]);
    assert_reported(&o, &["the directory holding the library is world-writable"]);
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o700)).unwrap();
    assert!(check(cfg.path(), &[&copy]).status.success());
    // Only root can give a file away; as another user this part cannot be set up.
    let is_root = Command::new("id")
        .arg("-u")
        .output()
        .map(|o| stdout(&o).trim() == "0")
        .unwrap_or(false);
    if is_root {
        let status = Command::new("chown")
            .arg("65534")
            .arg(&copy)
            .status()
            .unwrap();
        assert!(status.success());
        let o = check(cfg.path(), &[&copy]);
        assert_reported(
            &o,
            &["belongs to another user (uid 65534", "take ownership"],
        );
    }
}

#[test]
fn discovery_from_env_and_config_dir_never_cwd() {
    let dir = temp_dir();
    let so = compile_c(dir.path(), "pricing.c", "c_pricing", &[]);
    let names = |o: &Output| -> Vec<String> {
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap_or_default();
        v.as_array()
            .cloned()
            .unwrap_or_default()
            .iter()
            .map(|p| p["name"].as_str().unwrap_or_default().to_owned())
            .collect()
    };
    // Not from the current directory.
    let cfg = temp_dir();
    let o = run(tc(cfg.path())
        .current_dir(dir.path())
        .args(["plugins", "list", "--format", "json"]));
    assert!(o.status.success());
    assert!(!names(&o).contains(&"c-pricing".to_owned()));
    // From TRAINCOST_PLUGIN_PATH (a directory), relative entries refused.
    let o = run(tc(cfg.path())
        .env(
            "TRAINCOST_PLUGIN_PATH",
            format!("relative/dir:{}", dir.path().display()),
        )
        .args(["plugins", "list", "--format", "json"]));
    assert!(names(&o).contains(&"c-pricing".to_owned()));
    assert!(
        stderr(&o).contains("ignoring relative entry \"relative/dir\""),
        "{}",
        stderr(&o)
    );
    // From the user's plugins directory.
    let plugins = cfg.path().join("traincost/plugins");
    std::fs::create_dir_all(&plugins).unwrap();
    std::fs::copy(&so, plugins.join(so.file_name().unwrap())).unwrap();
    let o = run(tc(cfg.path()).args(["plugins", "list", "--format", "json"]));
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(names(&o).contains(&"c-pricing".to_owned()));
    // -v logs the path and SHA-256 of every library loaded.
    let o = run(tc(cfg.path()).args(["-v", "plugins", "list"]));
    let err = stderr(&o);
    assert!(
        err.contains("loading plugin library") && err.contains("libc_pricing"),
        "{err}"
    );
    let after = err.split("sha256").nth(1).unwrap_or_default();
    let longest_hex_run = after
        .split(|c: char| !c.is_ascii_hexdigit())
        .map(str::len)
        .max()
        .unwrap_or(0);
    assert_eq!(longest_hex_run, 64, "no SHA-256 logged:\n{err}");
}

#[test]
fn a_library_overrides_the_builtin_of_the_same_name() {
    let cfg = temp_dir();
    let o = run(tc(cfg.path())
        .args([
            "plugins",
            "info",
            "nvidia-pricing",
            "--format",
            "json",
            "--plugin",
        ])
        .arg(lib("nvidia-pricing")));
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v["origin"]["path"].as_str().unwrap().ends_with(&format!(
        "libnvidia_pricing.{}",
        std::env::consts::DLL_EXTENSION
    )));
    // Never silently: the warning names the library and the built-in it replaces.
    let err = stderr(&o);
    assert!(
        err.contains("plugin `nvidia-pricing` 0.1.0 from /")
            && err.contains("libnvidia_pricing")
            && err.contains("replaces the built-in plugin `nvidia-pricing` 0.1.0"),
        "{err}"
    );
}

/// `cargo xtask new-plugin` scaffolds a crate that builds and passes `plugins check` on the
/// first try.
#[test]
fn xtask_new_plugin_scaffolds_a_working_plugin() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let meta = Command::new(&cargo)
        .args(["metadata", "--format-version", "1", "--no-deps"])
        .current_dir(repo())
        .output()
        .expect("cargo metadata runs");
    let meta: serde_json::Value = serde_json::from_slice(&meta.stdout).expect("metadata JSON");
    let target_dir = meta["target_directory"]
        .as_str()
        .expect("target dir")
        .to_owned();
    let dir = temp_dir();
    for (name, kind) in [
        ("scaffold-prices", "pricing"),
        ("scaffold-pay", "salary"),
        ("scaffold-grid", "grid"),
    ] {
        let crate_dir = dir.path().join(name);
        let o = Command::new(&cargo)
            .args([
                "run",
                "-q",
                "-p",
                "xtask",
                "--",
                "new-plugin",
                name,
                "--kind",
                kind,
                "--path",
            ])
            .arg(&crate_dir)
            .current_dir(repo())
            .output()
            .expect("cargo xtask runs");
        assert!(o.status.success(), "new-plugin failed:\n{}", stderr(&o));
        assert!(
            stdout(&o).contains("traincost plugins check"),
            "{}",
            stdout(&o)
        );
        // Scaffolding over an existing crate is refused.
        let again = Command::new(&cargo)
            .args([
                "run",
                "-q",
                "-p",
                "xtask",
                "--",
                "new-plugin",
                name,
                "--path",
            ])
            .arg(&crate_dir)
            .current_dir(repo())
            .output()
            .expect("cargo xtask runs");
        assert!(!again.status.success());
        assert!(stderr(&again).contains("exists and is not empty"));
        // Build it (sharing this workspace's target directory keeps the SDK's dependencies
        // compiled once) and check it with the real binary.
        let build = Command::new(&cargo)
            .args([
                "build",
                "--quiet",
                "--message-format=json",
                "--manifest-path",
            ])
            .arg(crate_dir.join("Cargo.toml"))
            .env("CARGO_TARGET_DIR", &target_dir)
            .output()
            .expect("cargo build runs");
        assert!(
            build.status.success(),
            "scaffold does not build:\n{}",
            stderr(&build)
        );
        let so = String::from_utf8_lossy(&build.stdout)
            .lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .filter(|m| m["reason"] == "compiler-artifact")
            .filter(|m| {
                m["target"]["crate_types"]
                    .as_array()
                    .is_some_and(|t| t.iter().any(|k| k == "cdylib"))
            })
            .flat_map(|m| m["filenames"].as_array().cloned().unwrap_or_default())
            .filter_map(|f| f.as_str().map(PathBuf::from))
            .find(|f| {
                f.extension()
                    .is_some_and(|e| e == std::env::consts::DLL_EXTENSION)
            })
            .expect("the scaffold builds a cdylib");
        let cfg = temp_dir();
        let o = check(cfg.path(), &[&so]);
        assert!(
            o.status.success(),
            "plugins check failed:\n{}{}",
            stdout(&o),
            stderr(&o)
        );
        assert!(
            stdout(&o).contains(&format!("{name} 0.1.0 ({kind} plugin, ABI 1.1")),
            "{}",
            stdout(&o)
        );
        assert!(stdout(&o).contains(", 0 problems"), "{}", stdout(&o));
    }
}

/// The known limit, and its answer: a plugin that aborts or segfaults kills an in-process
/// host; with `--isolate-plugins` it kills only its child process, and the host reports it
/// and carries on.
#[cfg(unix)]
#[test]
fn crashes_kill_in_process_hosts_but_not_isolated_ones() {
    use std::os::unix::process::ExitStatusExt;
    let cfg = temp_dir();
    let dir = temp_dir();
    let abort = bad_c(dir.path(), "ABORT");
    let segv = bad_c(dir.path(), "SEGV");
    // In-process: the host dies with the plugin (documented in docs/PLUGINS.md).
    let o = run(tc(cfg.path())
        .args(["plugins", "check", "--in-process"])
        .arg(&abort));
    assert_eq!(o.status.signal(), Some(6), "{}", stderr(&o));
    // Isolated: reported by name, the next plugin still runs.
    let good = lib("nvidia-pricing");
    // `check` isolates by default (`--isolate-plugins` is still accepted).
    let o = run(tc(cfg.path())
        .args(["plugins", "check", "--isolate-plugins"])
        .arg(&abort)
        .arg(&segv)
        .arg(&good));
    assert_reported(
        &o,
        &[
            "plugin `c-bad`: the isolated plugin process was killed by signal 6 (SIGABRT)",
            "was killed by signal 11 (SIGSEGV)",
            "traincost itself is unaffected",
        ],
    );
    let out = stdout(&o);
    assert!(out.contains("nvidia-pricing 0.1.0"), "{out}");
    assert!(
        out.contains("(isolated: running in a child process)"),
        "{out}"
    );
    assert!(out.contains("12 queries, 0 problems"), "{out}");
}

#[test]
fn isolated_and_in_process_answers_are_identical() {
    let cfg = temp_dir();
    let path = lib("cloud-rental");
    let target = path.to_str().unwrap();
    let o = run(tc(cfg.path()).args([
        "plugins",
        "check",
        "--in-process",
        "--format",
        "json",
        target,
    ]));
    assert!(o.status.success(), "{}", stderr(&o));
    let a: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let o = run(tc(cfg.path()).args(["plugins", "check", "--format", "json", target]));
    assert!(o.status.success(), "{}", stderr(&o));
    let b: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(a[0]["results"], b[0]["results"]);
    assert_eq!(a[0]["origin"], b[0]["origin"]);
    // Load errors are the same, reported through the child.
    let o = run(tc(cfg.path()).args([
        "plugins",
        "check",
        "--isolate-plugins",
        "/nonexistent/libx.so",
    ]));
    assert_reported(&o, &["plugin library not found"]);
}

/// An isolated plugin that never answers is killed after `TRAINCOST_PLUGIN_TIMEOUT` seconds.
#[cfg(unix)]
#[test]
fn a_hanging_isolated_plugin_is_killed() {
    let cfg = temp_dir();
    let dir = temp_dir();
    let hang = bad_c(dir.path(), "HANG");
    let o = run(tc(cfg.path())
        .env("TRAINCOST_PLUGIN_TIMEOUT", "2")
        .args(["plugins", "check"])
        .arg(&hang)
        .arg(lib("salary-cn")));
    assert_reported(
        &o,
        &["plugin `c-bad`: the isolated plugin process did not answer within 2 s and was killed"],
    );
    assert!(stdout(&o).contains("salary-cn 0.1.0"), "{}", stdout(&o));
}

#[test]
fn unknown_builtin_names_suggest_and_explain_paths() {
    let cfg = temp_dir();
    let o = run(tc(cfg.path()).args(["plugins", "check", "salary-cm"]));
    assert_reported(
        &o,
        &[
            "no plugin named `salary-cm`",
            "did you mean salary-cn",
            "Or, to check a library file, give its path",
        ],
    );
    let o = run(tc(cfg.path()).args(["plugins", "info", "nope"]));
    assert_reported(
        &o,
        &[
            "no plugin named `nope`",
            "available plugins: nvidia-pricing",
        ],
    );
}

/// A scenario that takes the GPU's specs, its purchase price and staff pay from plugins.
const PLUGIN_SCENARIO: &str = r#"
name = "plugin-priced"
developer = "DeepSeek"
published = "2024-12-27"
dollars = "2024"
gpu = "H800"
pricing = "nvidia-pricing"
rental_price = { value = 2.0, unit = "USD/GPU-hour", claim = "deepseek-v3-assumed-h800-rental-price" }

[[stages]]
name = "pre-training"
gpu_hours = { value = 2664000, claim = "deepseek-v3-pretraining-gpu-hours" }
active_parameters = { value = 37e9, claim = "deepseek-v3-activated-parameters" }
tokens = { value = 14.8e12, claim = "deepseek-v3-pretraining-tokens" }

[ownership]
acquired = "2023-06-19"
training_start = "2024-09-02"

[staff]
duration = { value = 1.0, unit = "years", assumption = "test" }

[[staff.groups]]
role = "researchers"
headcount = { value = 100, unit = "people", assumption = "test" }
salary = { plugin = "salary-cn", role = "researcher" }
fte = { value = 0.5, assumption = "test" }
"#;

fn estimate_json(cfg: &Path, scenario: &Path, extra: &[&str]) -> serde_json::Value {
    let o = run(tc(cfg)
        .args([
            "estimate",
            scenario.to_str().unwrap(),
            "--samples",
            "2000",
            "--format",
            "json",
        ])
        .args(extra));
    assert!(o.status.success(), "{}", stderr(&o));
    serde_json::from_slice(&o.stdout).unwrap()
}

fn input<'a>(v: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    find(v, "inputs", "name", name)
}

#[test]
fn estimate_takes_specs_prices_and_pay_from_plugins_builtin_or_loaded() {
    let cfg = temp_dir();
    let scenario = cfg.path().join("s.toml");
    std::fs::write(&scenario, PLUGIN_SCENARIO).unwrap();
    let builtin = estimate_json(cfg.path(), &scenario, &[]);
    for name in [
        "ownership.purchase_price",
        "ownership.tdp",
        "stages.pre-training.peak_flops",
    ] {
        let note = input(&builtin, name)["note"].as_str().unwrap_or_default();
        assert!(
            note.contains("from plugin nvidia-pricing 0.1.0 (built-in)"),
            "{name}: {note}"
        );
    }
    let pay = input(&builtin, "staff.groups.researchers.compensation");
    let note = pay["note"].as_str().unwrap();
    assert!(note.contains("from plugin salary-cn"), "{pay}");
    // salary-cn answers in CNY of the publication year: the host converts at its rate.
    assert!(
        note.contains(
            "CNY/year (2024) at 7.1957 CNY/USD (Federal Reserve H.10 2024 annual average)"
        ),
        "{note}"
    );
    assert_eq!(pay["unit"], "USD/year");
    assert!(pay["claim"].is_string() || pay["assumption"].is_string());
    assert!(
        builtin["layers"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["id"] == "final-run-ownership")
    );

    // The same plugins loaded from their shared libraries give the same numbers.
    let (nv, cn) = (lib("nvidia-pricing"), lib("salary-cn"));
    let loaded = estimate_json(
        cfg.path(),
        &scenario,
        &[
            "--plugin",
            nv.to_str().unwrap(),
            "--plugin",
            cn.to_str().unwrap(),
        ],
    );
    assert_eq!(builtin["layers"], loaded["layers"]);
    let note = input(&loaded, "ownership.purchase_price")["note"]
        .as_str()
        .unwrap();
    assert!(note.contains("libnvidia_pricing"), "{note}");

    // A value written in the file still wins over the plugin's.
    let overridden = PLUGIN_SCENARIO.replace(
        "acquired = \"2023-06-19\"",
        "purchase_price = { value = 40000, unit = \"USD/GPU\", assumption = \"test\" }\nacquired = \"2023-06-19\"",
    );
    std::fs::write(&scenario, overridden).unwrap();
    // In the file's dollars (2024), so the written value comes back unconverted.
    let v = estimate_json(cfg.path(), &scenario, &["--dollar-year", "2024"]);
    assert_eq!(input(&v, "ownership.purchase_price")["median"], 40000.0);

    // A plugin the scenario needs but nobody provides is a located error.
    std::fs::write(
        &scenario,
        PLUGIN_SCENARIO.replace("\"nvidia-pricing\"", "\"nvidia-prices\""),
    )
    .unwrap();
    let o = run(tc(cfg.path()).args(["estimate", scenario.to_str().unwrap(), "--samples", "100"]));
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(
        err.contains("s.toml:") && err.contains("field `pricing`") && err.contains("nvidia-prices"),
        "{err}"
    );
}

#[test]
fn estimate_takes_the_rental_price_from_a_cloud_plugin() {
    let cfg = temp_dir();
    let scenario = cfg.path().join("r.toml");
    let text = r#"
name = "rented"
published = "2024-12-27"
dollars = "2024"
index = "ppi-data-processing"
gpu = "H100"
rental_pricing = { plugin = "cloud-rental", provider = "AWS", commitment = "three_year" }

[[stages]]
name = "run"
gpu_hours = { value = 1000000, assumption = "test" }
"#;
    std::fs::write(&scenario, text).unwrap();
    let v = estimate_json(cfg.path(), &scenario, &[]);
    let price = input(&v, "stages.run.rental_price");
    let note = price["note"].as_str().unwrap();
    assert!(
        note.contains("from plugin cloud-rental") && note.contains("AWS three_year"),
        "{note}"
    );
    let rental = v["layers"][0]["central"].as_f64().unwrap();
    assert!((rental - 1e6 * price["median"].as_f64().unwrap()).abs() < 1e-6 * rental);
    // Unknown commitments are located errors.
    std::fs::write(&scenario, text.replace("three_year", "five_year")).unwrap();
    let o = run(tc(cfg.path()).args(["estimate", scenario.to_str().unwrap()]));
    let err = stderr(&o);
    assert!(
        !o.status.success()
            && err.contains("r.toml:7:")
            && err.contains("unknown commitment `five_year`"),
        "{err}"
    );
}

/// A finite but absurd value (1e308) is refused against the unit's physical bounds, naming the
/// plugin, the query and the field, in `plugins check` and in `estimate`.
#[test]
fn absurd_values_are_refused_by_physical_bounds() {
    let o = bad_value("huge");
    assert_reported(
        &o,
        &[
            "plugin `tc-fixture-bad-values` returned an invalid payload",
            "result.peak_bf16_flops.value: 1e308 FLOP/s is not physical for a peak FLOP/s (at most 1e17",
            "(query: gpu_spec H100)",
        ],
    );
    let o = bad_value("huge-price");
    assert_reported(
        &o,
        &[
            "result.quotes[0].price.value: 1e308 USD/GPU is not physical for a price per GPU",
            "(query: purchase_price H100)",
        ],
    );
    let cfg = temp_dir();
    let scenario = cfg.path().join("huge.toml");
    std::fs::write(
        &scenario,
        C_BAD_SCENARIO.replace("c-bad", "tc-fixture-bad-values"),
    )
    .unwrap();
    let report = cfg.path().join("out.json");
    let o = run(tc(cfg.path())
        .env("TRAINCOST_FIXTURE_MODE", "huge")
        .args(["estimate", "--samples", "100", "-o"])
        .arg(&report)
        .arg(&scenario)
        .arg("--plugin")
        .arg(lib("tc-fixture-bad-values")));
    assert_reported(
        &o,
        &[
            "huge.toml:6:",
            "tc-fixture-bad-values",
            "gpu_spec H100",
            "not physical",
        ],
    );
    assert!(!report.exists());
}

/// A scenario that takes its GPU's specs from the C test plugin `c-bad` (tests/fixtures/plugins/c/bad.c).
const C_BAD_SCENARIO: &str = r#"
name = "c-bad-priced"
published = "2024-12-27"
dollars = "2024"
gpu = "H100"
pricing = "c-bad"
rental_price = { value = 2.0, unit = "USD/GPU-hour", assumption = "test" }

[[stages]]
name = "run"
gpu_hours = { value = 1000000, assumption = "test" }
active_parameters = { value = 37e9, assumption = "test" }
tokens = { value = 14.8e12, assumption = "test" }
"#;

/// A plugin calling `exit(0)` never makes a silent success: `plugins check` isolates it (and
/// reports it), and in process the exit guard turns it into status 70 with an error, no output.
#[cfg(unix)]
#[test]
fn a_plugin_calling_exit_is_never_a_silent_success() {
    let cfg = temp_dir();
    let dir = temp_dir();
    let exit = bad_c(dir.path(), "EXIT");
    let report = dir.path().join("report.json");
    // `check` runs it in a child process by default: reported, the report still written.
    let o = run(tc(cfg.path())
        .args(["plugins", "check", "-o"])
        .arg(&report)
        .arg(&exit)
        .arg(lib("salary-us")));
    assert_reported(
        &o,
        &[
            "plugin `c-bad`: the isolated plugin process exited with code 70: the plugin called exit()",
        ],
    );
    let text = std::fs::read_to_string(&report).unwrap();
    assert!(text.contains("salary-us 0.1.0"), "{text}");
    std::fs::remove_file(&report).unwrap();
    // In process: status 70, the plugin and the query named, and no report.
    let o = run(tc(cfg.path())
        .args(["plugins", "check", "--in-process", "-o"])
        .arg(&report)
        .arg(&exit));
    assert_eq!(o.status.code(), Some(70), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("plugin `c-bad` (query: gpu_spec H100) called exit()"),
        "{}",
        stderr(&o)
    );
    assert!(!report.exists());
    // `estimate -o` likewise.
    let scenario = dir.path().join("s.toml");
    std::fs::write(&scenario, C_BAD_SCENARIO).unwrap();
    let o = run(tc(cfg.path())
        .args(["estimate", "--samples", "100", "-o"])
        .arg(&report)
        .arg(&scenario)
        .arg("--plugin")
        .arg(&exit));
    assert_eq!(o.status.code(), Some(70), "{}", stderr(&o));
    assert!(stderr(&o).contains("called exit()"), "{}", stderr(&o));
    assert!(!report.exists());
}

/// An entry symbol that is a data object is refused before it is called, in process and
/// isolated, with a hint that names the mistake (not the library's initializers).
#[cfg(target_os = "linux")]
#[test]
fn an_entry_symbol_that_is_data_is_refused_not_called() {
    let cfg = temp_dir();
    let dir = temp_dir();
    let data = bad_c(dir.path(), "DATA_ENTRY");
    for mode in ["--in-process", "--isolate-plugins"] {
        let o = run(tc(cfg.path()).args(["plugins", "check", mode]).arg(&data));
        assert_reported(
            &o,
            &[
                "the entry symbol cannot be called: `traincost_plugin_v1_bad_data_entry` is at 0x",
                "not executable code: it is data, not a function",
                "must be a function returning the descriptor",
            ],
        );
        assert!(!stderr(&o).contains("initializers"), "{}", stderr(&o));
    }
}

/// What a plugin prints to stdout, in its constructor or in a call (even left in C's stdio
/// buffer), goes to stderr: `--format json` on stdout stays JSON.
#[cfg(unix)]
#[test]
fn a_plugin_printing_to_stdout_cannot_corrupt_the_output() {
    let cfg = temp_dir();
    let dir = temp_dir();
    let noisy = bad_c(dir.path(), "NOISY");
    let scenario = dir.path().join("s.toml");
    std::fs::write(&scenario, C_BAD_SCENARIO).unwrap();
    let runs: [Vec<&std::ffi::OsStr>; 3] = [
        vec![
            "plugins".as_ref(),
            "list".as_ref(),
            "--format".as_ref(),
            "json".as_ref(),
            "--plugin".as_ref(),
            noisy.as_os_str(),
        ],
        vec![
            "plugins".as_ref(),
            "check".as_ref(),
            "--in-process".as_ref(),
            "--format".as_ref(),
            "json".as_ref(),
            noisy.as_os_str(),
        ],
        vec![
            "estimate".as_ref(),
            scenario.as_os_str(),
            "--samples".as_ref(),
            "100".as_ref(),
            "--format".as_ref(),
            "json".as_ref(),
            "--plugin".as_ref(),
            noisy.as_os_str(),
        ],
    ];
    for args in runs {
        let o = run(tc(cfg.path()).args(&args));
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
        let parsed: Result<serde_json::Value, _> = serde_json::from_slice(&o.stdout);
        assert!(
            parsed.is_ok(),
            "{args:?}: stdout is not JSON:\n{}",
            stdout(&o)
        );
        let err = stderr(&o);
        assert!(
            err.contains("constructor noise on stdout"),
            "{args:?}: {err}"
        );
        assert!(err.contains("left in stdio's buffer"), "{args:?}: {err}");
    }
}

/// A payload over the cap is "too large", with the cap, not "malformed JSON".
#[test]
fn an_oversized_payload_is_too_large_not_malformed() {
    let cfg = temp_dir();
    let dir = temp_dir();
    let big = bad_c(dir.path(), "BIG_PAYLOAD");
    for mode in ["--in-process", "--isolate-plugins"] {
        let o = run(tc(cfg.path()).args(["plugins", "check", mode]).arg(&big));
        assert_reported(
            &o,
            &[
                "plugin `c-bad` wrote a payload too large: more than the 16 MiB (16777216 bytes)",
                "(query: gpu_spec H100)",
            ],
        );
        assert!(!stderr(&o).contains("malformed"), "{}", stderr(&o));
    }
}

/// A symbolic link in a world-writable directory, and a world-writable directory above the
/// library, are refused like a world-writable directory holding the library.
#[cfg(unix)]
#[test]
fn links_and_every_directory_above_are_checked() {
    use std::os::unix::fs::PermissionsExt;
    let cfg = temp_dir();
    let dir = temp_dir();
    let safe = dir.path().join("safe");
    std::fs::create_dir(&safe).unwrap();
    let so = compile_c(&safe, "pricing.c", "c_pricing", &[]);
    assert!(check(cfg.path(), &[&so]).status.success());
    // A link in a world-writable, non-sticky directory.
    let open = dir.path().join("open");
    std::fs::create_dir(&open).unwrap();
    std::fs::set_permissions(&open, std::fs::Permissions::from_mode(0o777)).unwrap();
    let link = open.join(so.file_name().unwrap());
    std::os::unix::fs::symlink(&so, &link).unwrap();
    let o = check(cfg.path(), &[&link]);
    assert_reported(
        &o,
        &[
            "the directory holding the link to the library is world-writable (mode 777)",
            "chmod o-w",
        ],
    );
    // A world-writable directory two levels above the library.
    let deep = open.join("a/b");
    std::fs::create_dir_all(&deep).unwrap();
    let copy = deep.join(so.file_name().unwrap());
    std::fs::copy(&so, &copy).unwrap();
    let o = check(cfg.path(), &[&copy]);
    assert_reported(
        &o,
        &[&format!(
            "the directory {} above the library is world-writable",
            open.display()
        )],
    );
    // Sticky (like /tmp): accepted.
    std::fs::set_permissions(&open, std::fs::Permissions::from_mode(0o1777)).unwrap();
    let o = check(cfg.path(), &[&link]);
    assert!(o.status.success(), "{}", stderr(&o));
}

/// `TRAINCOST_ISOLATE_PLUGINS` takes 1/0/true/false/yes/no in any case; another value is an
/// error naming the variable; and it really isolates.
#[cfg(unix)]
#[test]
fn the_isolate_variable_reads_yes_and_no_as_people_write_them() {
    let cfg = temp_dir();
    for v in ["1", "0", "TRUE", "false", "yes", "No"] {
        let o = run(tc(cfg.path())
            .env("TRAINCOST_ISOLATE_PLUGINS", v)
            .args(["plugins", "list"]));
        assert!(o.status.success(), "{v}: {}", stderr(&o));
    }
    let o = run(tc(cfg.path())
        .env("TRAINCOST_ISOLATE_PLUGINS", "maybe")
        .args(["estimate", "deepseek-v3", "--samples", "100"]));
    assert_fails_with(
        &o,
        &[
            "TRAINCOST_ISOLATE_PLUGINS",
            "\"maybe\"",
            "use 1, 0, true, false, yes or no",
        ],
    );
    // With `1`, a plugin that exits ends only its child process.
    let dir = temp_dir();
    let exit = bad_c(dir.path(), "EXIT");
    let scenario = dir.path().join("s.toml");
    std::fs::write(&scenario, C_BAD_SCENARIO).unwrap();
    let o = run(tc(cfg.path())
        .env("TRAINCOST_ISOLATE_PLUGINS", "1")
        .args(["estimate", "--samples", "100"])
        .arg(&scenario)
        .arg("--plugin")
        .arg(&exit));
    assert_reported(&o, &["the isolated plugin process exited with code 70"]);
}

/// `plugins info` takes a library's path as well as a plugin's name.
#[test]
fn info_takes_a_path() {
    let cfg = temp_dir();
    let dir = temp_dir();
    let so = compile_c(dir.path(), "pricing.c", "c_pricing", &[]);
    for extra in [&[][..], &["--isolate-plugins"][..]] {
        let o = run(tc(cfg.path())
            .args(["plugins", "info"])
            .arg(&so)
            .args(extra));
        assert!(o.status.success(), "{}", stderr(&o));
        let out = stdout(&o);
        assert!(
            out.contains("c-pricing 1.0.0 (pricing plugin, ABI 1.1)"),
            "{out}"
        );
        assert!(out.contains("libc_pricing"), "{out}");
    }
}

/// A scenario on the fixture's own GPU, `TCX-1`, which only `tc-fixture-new-gpu` defines.
const NEW_GPU_SCENARIO: &str = r#"
name = "on-a-new-gpu"
published = "2026-03"
dollars = "2025"
gpu = "fixture x1"
pricing = "tc-fixture-new-gpu"
rental_price = { value = 2.0, unit = "USD/GPU-hour", assumption = "test" }

[[stages]]
name = "run"
gpu_hours = { value = 100000, assumption = "test" }
active_parameters = { value = 7e9, assumption = "test" }
tokens = { value = 2e12, assumption = "test" }

[ownership]
acquired = "2026-01-01"
training_start = "2026-02-01"
electricity_price = { value = 0.09, unit = "USD/kWh", assumption = "test" }
"#;

#[test]
fn a_plugin_defines_a_gpu_the_catalog_lacks_and_a_scenario_estimates_on_it() {
    let cfg = temp_dir();
    let so = lib("tc-fixture-new-gpu");
    let scenario = cfg.path().join("s.toml");
    std::fs::write(&scenario, NEW_GPU_SCENARIO).unwrap();

    // Without the plugin the GPU is unknown, and the error says where a GPU may come from.
    let o = run(tc(cfg.path()).args(["estimate", scenario.to_str().unwrap(), "--samples", "100"]));
    assert_fails_with(
        &o,
        &["field `pricing`", "no plugin named `tc-fixture-new-gpu`"],
    );
    // Nor without naming the plugin that defines it.
    let unpriced = cfg.path().join("unpriced.toml");
    std::fs::write(
        &unpriced,
        NEW_GPU_SCENARIO.replace("pricing = \"tc-fixture-new-gpu\"\n", ""),
    )
    .unwrap();
    let o = run(tc(cfg.path())
        .args(["estimate", unpriced.to_str().unwrap(), "--samples", "100"])
        .args(["--plugin", so.to_str().unwrap()]));
    assert_fails_with(
        &o,
        &[
            "field `gpu`: unknown GPU `fixture x1`",
            "or name a pricing plugin that knows or defines it",
        ],
    );

    // `plugins check` exercises the defined GPU like any other; `info` shows the definition.
    let o = check(cfg.path(), &[&so]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("ok    gpu_spec TCX-1"), "{out}");
    let o = run(tc(cfg.path()).args(["plugins", "info"]).arg(&so));
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains(
            "defines:   TCX-1 (Traincost Fixture X1 (fictional)), also Fixture X1: a GPU not in \
             traincost's catalog"
        ),
        "{}",
        stdout(&o)
    );

    // With it, the scenario (naming the GPU by its alias) estimates end to end, and every
    // figure taken from the GPU says which plugin defined it.
    let v = estimate_json(cfg.path(), &scenario, &["--plugin", so.to_str().unwrap()]);
    for (name, median) in [("ownership.tdp", 800.0), ("stages.run.peak_flops", 1.2e15)] {
        let i = input(&v, name);
        let note = i["note"].as_str().unwrap_or_default();
        assert!(
            note.contains("from plugin tc-fixture-new-gpu 0.1.0")
                && note.contains(
                    "which defines the GPU `TCX-1`, Traincost Fixture X1 (fictional) (not in \
                     traincost's catalog)"
                ),
            "{name}: {note}"
        );
        assert_eq!(i["median"], median, "{name}");
        assert!(
            i["assumption"]
                .as_str()
                .is_some_and(|a| a.contains("fictional test accelerator")),
            "{i}"
        );
    }
    assert!(
        v["layers"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["id"] == "final-run-ownership")
    );
    // The table says it too.
    let o = run(tc(cfg.path())
        .args(["estimate", scenario.to_str().unwrap(), "--samples", "500"])
        .args(["--plugin", so.to_str().unwrap()]));
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn a_defined_gpu_is_validated_like_any_plugin_figure() {
    let cfg = temp_dir();
    let so = lib("tc-fixture-new-gpu");
    let scenario = cfg.path().join("s.toml");
    std::fs::write(&scenario, NEW_GPU_SCENARIO).unwrap();

    // A TDP of 0 W: refused with the plugin, the query, the field and the bound.
    let o = run(tc(cfg.path())
        .env("TRAINCOST_FIXTURE_MODE", "bad-tdp")
        .args(["estimate", scenario.to_str().unwrap(), "--samples", "100"])
        .args(["--plugin", so.to_str().unwrap()]));
    assert_reported(
        &o,
        &[
            "plugin `tc-fixture-new-gpu` returned an invalid payload",
            "result.tdp.value: 0e0 W is not physical for a TDP (at least 1e0 W",
            "(query: gpu_spec fixture x1)",
        ],
    );

    // A definition that names a catalog GPU is refused when the plugin loads, saying how to
    // give figures for the catalog GPU instead.
    let o = run(tc(cfg.path())
        .env("TRAINCOST_FIXTURE_MODE", "catalog-name")
        .args(["plugins", "check"])
        .arg(&so));
    assert_reported(
        &o,
        &[
            "tc-fixture-new-gpu",
            "gpu_definitions[0].aliases[1]: \"H100 SXM\" names \"H100\", a GPU of traincost's catalog",
            "list it in `gpus` and answer `gpu_spec` for it",
        ],
    );
    let o = run(tc(cfg.path())
        .env("TRAINCOST_FIXTURE_MODE", "catalog-name")
        .args(["estimate", scenario.to_str().unwrap(), "--samples", "100"])
        .args(["--plugin", so.to_str().unwrap()]));
    assert_reported(
        &o,
        &[
            "gpu_definitions[0].aliases[1]",
            "no plugin named `tc-fixture-new-gpu`",
        ],
    );
}

/// The grid carbon-intensity plugin (ABI 1.1): listed with its kind, every region and year it
/// declares passes `plugins check`, and its answers are the sourced figures.
#[test]
fn the_grid_intensity_plugin_checks_clean_and_answers_sourced_figures() {
    let cfg = temp_dir();
    let o = run(tc(cfg.path()).args(["plugins", "check", "grid-intensity"]));
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("grid-intensity 0.1.0 (grid plugin, ABI 1.1, built-in)"),
        "{out}"
    );
    // 10 regions x 8 years (2018-2025), location-based.
    assert!(out.contains("80 queries, 0 problems"), "{out}");
    // Luccioni et al.'s 57 gCO2eq/kWh for BLOOM's French grid, as the claim says.
    assert!(
        out.contains(
            "ok    grid_intensity FR 2022 location: FR 2022 location: 57 gCO2e/kWh [claim luccioni-bloom-grid-carbon-intensity] (data year 2022)"
        ),
        "{out}"
    );
    // EIA's 0.81 lb CO2/kWh (2023), in grams: an assumption citing the claim; a later year
    // gets the latest figure and says which year it is for.
    assert!(
        out.contains("ok    grid_intensity US 2025 location: US 2025 location: 367.41 gCO2e/kWh [assumption] (data year 2023)"),
        "{out}"
    );

    // The same through the library, in a child process, as JSON.
    let v = check_json(cfg.path(), lib("grid-intensity").to_str().unwrap());
    assert_eq!(v[0]["kind"], "grid");
    assert_eq!(v[0]["abi"], "1.1");
    assert_eq!(v[0]["problems"], 0);
    assert_eq!(
        v[0]["manifest"]["regions"],
        serde_json::json!([
            "WORLD", "US", "US-IA", "US-TX", "FR", "CN", "EU27", "US-IL", "US-OH", "US-TN"
        ])
    );
    let results = v[0]["results"].as_array().unwrap();
    let answer = |region: &str, year: i64| {
        results
            .iter()
            .find(|r| r["query"]["region"] == region && r["query"]["year"] == year)
            .unwrap_or_else(|| panic!("no answer for {region} {year}"))["response"]["result"]
            .clone()
    };
    let cn = answer("CN", 2024);
    assert_eq!(cn["data_year"], 2023);
    assert_eq!(cn["intensity"]["value"], 530.6);
    assert_eq!(
        cn["intensity"]["claims"],
        serde_json::json!(["mee-china-2023-national-grid-emission-factor"])
    );
    assert_eq!(answer("CN", 2022)["intensity"]["value"], 536.6);
    // A US state's EIA rate cites both of its claims: the state's power-plant CO2 and its net
    // generation (EIA Electric Power Annual, Tables 9.5 and 3.7).
    let oh = answer("US-OH", 2024);
    assert_eq!(oh["data_year"], 2023);
    assert_eq!(
        oh["intensity"]["claims"],
        serde_json::json!([
            "eia-ohio-2023-power-plant-co2",
            "eia-ohio-2023-net-generation"
        ])
    );
    let eu = answer("EU27", 2019);
    assert_eq!(eu["data_year"], 2018);
    assert_eq!(eu["intensity"]["value"], 281.0);
    assert_eq!(
        eu["intensity"]["claim"],
        "eea-eu27-2018-electricity-ghg-intensity"
    );

    // `info` shows the regions, the basis and the years.
    let o = run(tc(cfg.path()).args(["plugins", "info", "grid-intensity"]));
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("regions:   WORLD, US, US-IA, US-TX, FR, CN, EU27, US-IL, US-OH, US-TN"),
        "{out}"
    );
    assert!(out.contains("bases:     location"), "{out}");
    assert!(out.contains("years:     2018-2025"), "{out}");
}

/// A grid plugin in C loads and answers; a malformed grid answer (a unit other than
/// gCO2e/kWh, a number beyond the unit's bounds, another region than asked) is refused,
/// naming the plugin, the query and the JSON path.
#[test]
fn a_c_grid_plugin_loads_and_malformed_grid_answers_are_refused() {
    let cfg = temp_dir();
    let dir = temp_dir();
    let so = compile_c(dir.path(), "grid.c", "c_grid", &[]);
    let o = check(cfg.path(), &[&so]);
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("c-grid 1.0.0 (grid plugin, ABI 1.1"), "{out}");
    assert!(
        out.contains("ok    grid_intensity FR 2022 location: FR 2022 location: 57 gCO2e/kWh [claim luccioni-bloom-grid-carbon-intensity] (data year 2022)"),
        "{out}"
    );
    assert!(out.contains("1 queries, 0 problems"), "{out}");

    for (mode, needles) in [
        (
            "BAD_UNIT",
            &[
                "plugin `c-grid` returned an invalid payload: result.intensity.unit: unknown unit \"kgCO2e/kWh\"",
                "(query: grid_intensity FR 2022 location)",
            ][..],
        ),
        (
            "TOO_HIGH",
            &[
                "result.intensity.value: 5e3 gCO2e/kWh is not physical for a grid carbon intensity (at most 2e3 gCO2e/kWh",
            ][..],
        ),
        (
            "WRONG_REGION",
            &["result.region: is \"US-IA\" but the query asked for \"FR\""][..],
        ),
    ] {
        let stem = format!("bad_grid_{}", mode.to_lowercase());
        let entry = format!("ENTRY=traincost_plugin_v1_{stem}");
        let bad = compile_c(dir.path(), "grid.c", &stem, &[mode, &entry]);
        let o = check(cfg.path(), &[&bad]);
        let mut all = needles.to_vec();
        all.push("hint:");
        assert_reported(&o, &all);
        assert!(
            stdout(&o).contains("1 queries, 1 problems"),
            "{}",
            stdout(&o)
        );
    }
}

/// A salary plugin answers fully loaded pay (salary-us: salary x overhead + equity, Epoch AI's
/// formula): a group that adds `overhead` or `equity` to it would load it twice, and is refused
/// at the field, as is a group giving both `compensation` and `salary`.
#[test]
fn a_plugins_loaded_pay_is_never_loaded_again() {
    let cfg = temp_dir();
    let salary = "salary = { plugin = \"salary-cn\", role = \"researcher\" }";
    for (name, extra, expect) in [
        (
            "o.toml",
            "overhead = { lognormal = [1.25, 1.4], unit = \"x\", assumption = \"test\" }",
            "field `staff.groups.researchers.overhead`: `overhead` with `salary` from a plugin loads the plugin's pay twice",
        ),
        (
            "e.toml",
            "equity = { value = 100000, unit = \"USD/year\", assumption = \"test\" }",
            "field `staff.groups.researchers.equity`: `equity` with `salary` from a plugin loads the plugin's pay twice",
        ),
        (
            "c.toml",
            "compensation = { value = 100000, unit = \"USD/year\", assumption = \"test\" }",
            "field `staff.groups.researchers.salary`: both `compensation` and `salary`",
        ),
    ] {
        let scenario = cfg.path().join(name);
        std::fs::write(
            &scenario,
            PLUGIN_SCENARIO.replace(salary, &format!("{salary}\n{extra}")),
        )
        .unwrap();
        let o =
            run(tc(cfg.path()).args(["estimate", scenario.to_str().unwrap(), "--samples", "200"]));
        assert_fails_with(&o, &[&format!("{name}:"), expect]);
    }
}
