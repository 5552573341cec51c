//! Lists every `data/*.toml` file so that the library compiles them all in: adding a data
//! file (or a claim to one) needs no code change.

use std::fmt::Write as _;
use std::path::PathBuf;

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let data = manifest.join("data");
    println!("cargo:rerun-if-changed=data");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&data)
        .expect("crates/claims/data exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    let mut out = String::from("/// The built-in data files: (name, contents), sorted by name.\n");
    out.push_str("const BUILTIN_FILES: &[(&str, &str)] = &[\n");
    for path in &files {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .expect("UTF-8 file name");
        println!("cargo:rerun-if-changed=data/{name}");
        writeln!(
            out,
            "    ({:?}, include_str!({:?})),",
            format!("data/{name}"),
            path.display().to_string()
        )
        .expect("write to string");
    }
    out.push_str("];\n");
    let dest =
        PathBuf::from(std::env::var("OUT_DIR").expect("set by cargo")).join("builtin_files.rs");
    std::fs::write(dest, out).expect("write builtin_files.rs");
}
