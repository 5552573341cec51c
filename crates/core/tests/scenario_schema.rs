//! The committed JSON schema of the scenario format is generated from the types and kept fresh
//! (ruff's and rust-analyzer's "check mode" pattern). To regenerate after changing the format:
//! `UPDATE_SCHEMA=1 cargo test -p traincost-core --features schema --test scenario_schema` (or `cargo xtask schema`).

use std::path::Path;

use traincost_core::scenario::{self, Scenario};

#[test]
fn scenario_schema_is_fresh() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/scenario.schema.json");
    let fresh = scenario::json_schema();
    if std::env::var_os("UPDATE_SCHEMA").is_some() {
        std::fs::write(&path, &fresh).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == fresh,
        "docs/scenario.schema.json is stale: run `UPDATE_SCHEMA=1 cargo test -p traincost-core --features schema --test scenario_schema` and commit it"
    );
}

#[test]
fn every_builtin_scenario_parses_compiles_and_cites() {
    for name in scenario::builtin_names() {
        let s = Scenario::builtin(name).unwrap();
        assert_eq!(s.file.name, name, "file name and `name` agree");
        let (spec, claims) = s.to_spec(None).unwrap_or_else(|e| panic!("{name}: {e:?}"));
        let model = traincost_core::stack::CostModel::new(&spec).unwrap();
        assert!(
            model
                .model_inputs()
                .iter()
                .all(|i| !i.quantity.provenance.is_missing())
        );
        // `gpt-4` and the `epoch-study-*` reproductions state Epoch AI's recorded inputs as
        // assumptions with their notebook lines; every other built-in cites claims.
        assert!(
            !claims.is_empty() || name == "gpt-4" || name.starts_with("epoch-study-"),
            "{name} cites no claim"
        );
    }
}
