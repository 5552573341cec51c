//! `cargo xtask new-plugin NAME [--kind pricing|salary|grid] [--path DIR]`: scaffolds a third-party
//! plugin crate that builds and passes `traincost plugins check` on the first try.
//!
//! The crate is its own workspace (an empty `[workspace]` table), depends on this checkout's
//! `crates/plugin` by path, builds as `cdylib` + `rlib`, and has a test that calls the plugin
//! through its real C shims with the host's validation.

use std::path::{Path, PathBuf};

const USAGE: &str = "usage: cargo xtask new-plugin NAME [--kind pricing|salary|grid] [--path DIR]\n\n\
    NAME   crate and plugin name: lowercase letters, digits and '-' (e.g. my-prices)\n\
    --kind pricing (GPU specs and prices, the default), salary (compensation by role) or grid\n\
           (carbon intensity of electricity by region and year)\n\
    --path directory to create (default: ./NAME); must not exist or be empty";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Pricing,
    Salary,
    Grid,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Pricing => "pricing",
            Kind::Salary => "salary",
            Kind::Grid => "grid",
        }
    }
}

/// Runs the command with the arguments after `new-plugin`.
pub(crate) fn run(args: &[String]) -> Result<(), String> {
    let mut name: Option<String> = None;
    let mut kind = Kind::Pricing;
    let mut path: Option<PathBuf> = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--kind" => {
                kind = match it.next().map(String::as_str) {
                    Some("pricing") => Kind::Pricing,
                    Some("salary") => Kind::Salary,
                    Some("grid") => Kind::Grid,
                    other => {
                        return Err(format!(
                            "--kind takes `pricing`, `salary` or `grid`, not {other:?}\n\n{USAGE}"
                        ));
                    }
                }
            }
            "--path" => {
                path =
                    Some(PathBuf::from(it.next().ok_or_else(|| {
                        format!("--path needs a directory\n\n{USAGE}")
                    })?))
            }
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(());
            }
            s if s.starts_with('-') => return Err(format!("unknown option {s}\n\n{USAGE}")),
            s if name.is_none() => name = Some(s.to_owned()),
            s => return Err(format!("unexpected argument {s}\n\n{USAGE}")),
        }
    }
    let name = name.ok_or_else(|| USAGE.to_owned())?;
    check_name(&name)?;
    let dir = path.unwrap_or_else(|| PathBuf::from(&name));
    scaffold(
        &name,
        kind,
        &dir,
        &super::project_root().join("crates/plugin"),
    )?;
    let lib = format!(
        "lib{}.{}",
        name.replace('-', "_"),
        std::env::consts::DLL_EXTENSION
    );
    println!(
        "created {} plugin `{name}` in {}\n\nnext:\n  cd {}\n  cargo test\n  cargo build --release\n  traincost plugins check target/release/{lib}",
        kind.name(),
        dir.display(),
        dir.display()
    );
    Ok(())
}

fn check_name(name: &str) -> Result<(), String> {
    let ok = name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !name.ends_with('-');
    if ok {
        Ok(())
    } else {
        Err(format!(
            "invalid plugin name {name:?}: use lowercase letters, digits and '-', starting with a \
             letter (it names the crate, the library file and the entry symbol)"
        ))
    }
}

fn scaffold(name: &str, kind: Kind, dir: &Path, sdk: &Path) -> Result<(), String> {
    if dir.exists()
        && std::fs::read_dir(dir)
            .map_err(|e| format!("{}: {e}", dir.display()))?
            .next()
            .is_some()
    {
        return Err(format!(
            "{} exists and is not empty: choose another --path",
            dir.display()
        ));
    }
    std::fs::create_dir_all(dir.join("src")).map_err(|e| format!("{}: {e}", dir.display()))?;
    let sdk = sdk.canonicalize().unwrap_or_else(|_| sdk.to_path_buf());
    let sdk = sdk.display().to_string().replace('\\', "/");
    let cargo_toml = format!(
        r#"[package]
name = "{name}"
version = "0.1.0"
edition = "2024"
publish = false

[lib]
# cdylib: the library traincost loads; rlib: lets tests (and hosts) link it directly.
crate-type = ["cdylib", "rlib"]

[dependencies]
traincost-plugin = {{ path = "{sdk}" }}

# Keep this crate out of any enclosing workspace.
[workspace]

# The SDK catches panics at the C boundary: never build plugins with panic = "abort".
[profile.release]
panic = "unwind"
"#
    );
    let ty = camel(name);
    let lib_rs = match kind {
        Kind::Pricing => PRICING.replace("MyPlugin", &ty),
        Kind::Salary => SALARY.replace("MyPlugin", &ty),
        Kind::Grid => GRID.replace("MyPlugin", &ty),
    }
    .replace("my-plugin", name);
    let readme = format!(
        "# {name}\n\nA traincost {} plugin (ABI v1). See docs/PLUGINS.md in traincost.\n\n\
         ```console\n$ cargo test\n$ cargo build --release\n$ traincost plugins check target/release/lib{}.{}\n```\n",
        kind.name(),
        name.replace('-', "_"),
        std::env::consts::DLL_EXTENSION
    );
    for (file, text) in [
        ("Cargo.toml", cargo_toml.as_str()),
        ("src/lib.rs", lib_rs.as_str()),
        ("README.md", readme.as_str()),
        (".gitignore", "/target\n"),
    ] {
        std::fs::write(dir.join(file), text)
            .map_err(|e| format!("{}: {e}", dir.join(file).display()))?;
    }
    Ok(())
}

fn camel(name: &str) -> String {
    name.split('-')
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f.to_ascii_uppercase().to_string() + c.as_str(),
                None => String::new(),
            }
        })
        .collect()
}

const PRICING: &str = r#"//! my-plugin: a traincost pricing plugin.
//!
//! Every figure needs its provenance: `Quantity::claim(.., "<claim id>")` for a claim in
//! traincost's claims (`traincost claims list`), or `Quantity::assumption(.., "<why>")`.

use traincost_plugin::payload::QueryKind;
use traincost_plugin::prelude::*;

/// The plugin. Created once with `Default`, called from any thread but never concurrently.
#[derive(Debug, Default)]
pub struct MyPlugin;

impl PricingModel for MyPlugin {
    fn about(&self) -> About {
        About {
            description: "my-plugin: replace with one line about your data".into(),
            queries: vec![QueryKind::GpuSpec, QueryKind::PurchasePrice],
            gpus: vec!["H100".into()],
            ..About::default()
        }
    }

    // GPU ids arrive canonicalized: "nvidia h100 sxm5" -> "H100".
    fn gpu_spec(&self, gpu: &str) -> Answer<GpuSpec> {
        match gpu {
            "H100" => Ok(GpuSpec {
                gpu: gpu.into(),
                product: "NVIDIA H100 SXM5 80GB".into(),
                release_date: Some("2022-09-20".into()),
                peak_bf16_flops: Quantity::assumption(
                    Dist::Point(9.894e14),
                    "FLOP/s",
                    "NVIDIA H100 SXM5 datasheet, dense BF16",
                ),
                tdp: Quantity::assumption(Dist::Point(700.0), "W", "NVIDIA H100 SXM5 datasheet"),
            }),
            _ => Err(ErrorPayload::no_data(format!("my-plugin has no specs for {gpu}"))),
        }
    }

    fn purchase_prices(&self, gpu: &str) -> Answer<PurchasePrices> {
        if gpu != "H100" {
            return Err(ErrorPayload::no_data(format!("my-plugin has no prices for {gpu}")));
        }
        let price = Quantity::assumption(
            Dist::Triangular {
                min: 22_000.0,
                mode: 25_000.0,
                max: 30_000.0,
            },
            "USD/GPU",
            "replace with your source: e.g. our 2024 purchase orders, chip only",
        )
        .in_dollars_of(2024);
        Ok(PurchasePrices {
            gpu: gpu.into(),
            quotes: vec![PriceQuote {
                date: "2024-06".into(),
                price,
                note: "chip only".into(),
            }],
        })
    }
}

traincost_plugin::declare_plugin!(pricing: MyPlugin);

#[cfg(test)]
mod tests {
    use traincost_plugin::testing;

    #[test]
    fn passes_the_host_checks() {
        // Calls every query the manifest offers through the real C shims, with the host's
        // validation (units, finite non-negative numbers, provenance, GPU ids).
        assert_eq!(testing::check(&crate::PLUGIN), Vec::<String>::new());
    }

    #[test]
    fn answers_h100() {
        assert!(testing::call(&crate::PLUGIN, testing::gpu_spec("H100")).is_ok());
    }
}
"#;

const SALARY: &str = r#"//! my-plugin: a traincost salary plugin.
//!
//! Every figure needs its provenance: `Quantity::claim(.., "<claim id>")` for a claim in
//! traincost's claims (`traincost claims list`), or `Quantity::assumption(.., "<why>")`.

use traincost_plugin::payload::QueryKind;
use traincost_plugin::prelude::*;

/// The plugin. Created once with `Default`, called from any thread but never concurrently.
#[derive(Debug, Default)]
pub struct MyPlugin;

impl SalaryModel for MyPlugin {
    fn about(&self) -> About {
        About {
            description: "my-plugin: replace with one line about your data".into(),
            queries: vec![QueryKind::Compensation],
            roles: vec!["researcher".into(), "engineer".into()],
            years: Some([2024, 2025]),
            ..About::default()
        }
    }

    // Role ids arrive canonicalized: "Research_Engineer" -> "research-engineer".
    fn compensation(&self, role: &str, year: i32) -> Answer<Compensation> {
        let (p5, p95) = match role {
            "researcher" => (150_000.0, 300_000.0),
            "engineer" => (120_000.0, 250_000.0),
            _ => return Err(ErrorPayload::no_data(format!("my-plugin has no figures for {role}"))),
        };
        if !(2024..=2025).contains(&year) {
            return Err(ErrorPayload::no_data(format!("my-plugin covers 2024-2025, not {year}")));
        }
        let pay = Quantity::assumption(
            Dist::Lognormal { p5, p95 },
            "USD/year",
            "replace with your source: 90% range of annual cash pay",
        )
        .in_dollars_of(year);
        let loaded = Quantity::assumption(
            Dist::Lognormal {
                p5: p5 * 1.3,
                p95: p95 * 1.3,
            },
            "USD/year",
            "cash pay x 1.3 for benefits and payroll taxes (replace with your own)",
        )
        .in_dollars_of(year);
        Ok(Compensation {
            role: role.into(),
            year,
            region: "US".into(),
            annual_pay: pay,
            loaded_usd: loaded,
            components: Vec::new(),
        })
    }
}

traincost_plugin::declare_plugin!(salary: MyPlugin);

#[cfg(test)]
mod tests {
    use traincost_plugin::testing;

    #[test]
    fn passes_the_host_checks() {
        // Calls every query the manifest offers through the real C shims, with the host's
        // validation (units, finite non-negative numbers, provenance, role ids).
        assert_eq!(testing::check(&crate::PLUGIN), Vec::<String>::new());
    }
}
"#;

const GRID: &str = r#"//! my-plugin: a traincost grid plugin (carbon intensity of electricity, ABI 1.1).
//!
//! Every figure needs its provenance: `Quantity::claim(.., "<claim id>")` for a claim in
//! traincost's claims (`traincost claims list`), or `Quantity::assumption(.., "<why>")`.

use traincost_plugin::payload::QueryKind;
use traincost_plugin::prelude::*;

/// The plugin. Created once with `Default`, called from any thread but never concurrently.
#[derive(Debug, Default)]
pub struct MyPlugin;

/// Region id (traincost_plugin::catalog::REGIONS), year of the figure, gCO2e/kWh.
const FIGURES: &[(&str, i32, f64)] = &[("FR", 2023, 50.0), ("US", 2023, 370.0)];

impl GridModel for MyPlugin {
    fn about(&self) -> About {
        About {
            description: "my-plugin: replace with one line about your data".into(),
            queries: vec![QueryKind::GridIntensity],
            regions: vec!["FR".into(), "US".into()],
            years: Some([2023, 2025]),
            bases: vec![Basis::Location],
            ..About::default()
        }
    }

    // Region ids arrive canonicalized: "us", "United States" -> "US". Answer every year of
    // the range with the latest figure on or before it and say which in `data_year`.
    fn grid_intensity(&self, region: &str, year: i32, basis: Basis) -> Answer<GridIntensity> {
        if basis == Basis::Market {
            return Err(ErrorPayload::no_data("my-plugin has location-based figures only"));
        }
        let (_, data_year, grams) = FIGURES
            .iter()
            .filter(|(r, y, _)| *r == region && *y <= year)
            .max_by_key(|(_, y, _)| *y)
            .ok_or_else(|| ErrorPayload::no_data(format!("my-plugin has no figure for {region} in {year}")))?;
        Ok(GridIntensity {
            region: region.into(),
            year,
            basis,
            data_year: *data_year,
            intensity: Quantity::assumption(
                Dist::Point(*grams),
                "gCO2e/kWh",
                "replace with your source: the grid's average intensity",
            ),
            note: String::new(),
        })
    }
}

traincost_plugin::declare_plugin!(grid: MyPlugin);

#[cfg(test)]
mod tests {
    use traincost_plugin::testing;

    #[test]
    fn passes_the_host_checks() {
        // Calls every region and year the manifest offers through the real C shims, with the
        // host's validation (unit, bounds, region ids, provenance).
        assert_eq!(testing::check(&crate::PLUGIN), Vec::<String>::new());
    }
}
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_types() {
        assert!(check_name("my-prices").is_ok());
        assert!(check_name("My-Prices").is_err());
        assert!(check_name("1prices").is_err());
        assert!(check_name("prices-").is_err());
        assert_eq!(camel("my-prices-2"), "MyPrices2");
    }
}
