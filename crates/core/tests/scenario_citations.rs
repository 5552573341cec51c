//! How a scenario input cites claims: `claim`/`claims` (the value is the claim's figure) or
//! `informed_by` with an `assumption` (the value is assumed, informed by the claim). Core
//! records each citation with the input's unit, value and dollars; the CLI checks it against
//! the claim (`traincost_claims::citation`).

use traincost_core::dist::Distribution;
use traincost_core::scenario::{ClaimRef, Scenario, ScenarioError};
use traincost_core::units::DollarDate;

fn scenario(stage: &str) -> String {
    format!(
        "name = \"t\"\ndollars = \"2024\"\nrental_price = {{ value = 2.0, unit = \"USD/GPU-hour\", dollars = \"2023\", claim = \"price\" }}\n\n[[stages]]\nname = \"run\"\n{stage}\n"
    )
}

fn refs(stage: &str) -> Result<Vec<ClaimRef>, ScenarioError> {
    Scenario::parse(&scenario(stage))?
        .to_spec(None)
        .map(|(_, r)| r)
}

#[test]
fn a_claim_is_the_values_source_with_unit_value_and_dollars() {
    let r =
        refs("gpu_hours = { value = 2664, unit = \"K GPU-hours\", claim = \"hours\" }").unwrap();
    let price = r.iter().find(|c| c.id == "price").unwrap();
    let input = price.input.as_ref().unwrap();
    assert!(!input.informed_by);
    assert_eq!(input.unit, "USD/GPU-hour");
    // As written: not converted to the report's 2024 dollars.
    assert_eq!(input.value, Distribution::Point(2.0));
    assert_eq!(input.dollars, Some(DollarDate::year(2023)));
    let hours = r.iter().find(|c| c.id == "hours").unwrap();
    let input = hours.input.as_ref().unwrap();
    assert_eq!((input.unit, input.dollars), ("GPU-hours", None));
    assert_eq!(input.value, Distribution::Point(2_664_000.0));
    assert_eq!(hours.field, "stages.run.gpu_hours");
}

#[test]
fn counts_say_what_they_count() {
    let r = refs("gpus = { value = 512, unit = \"GPUs\", claim = \"g\" }\nhours = { value = 80, claim = \"h\" }")
        .unwrap();
    let unit = |id: &str| {
        r.iter()
            .find(|c| c.id == id)
            .unwrap()
            .input
            .as_ref()
            .unwrap()
            .unit
    };
    assert_eq!(unit("g"), "GPUs");
    assert_eq!(unit("h"), "hours");
}

#[test]
fn informed_by_takes_one_id_or_a_list_and_needs_an_assumption() {
    for stage in [
        "gpu_hours = { value = 1000, informed_by = \"a\", assumption = \"why\" }",
        "gpu_hours = { value = 1000, informed_by = [\"a\"], assumption = \"why\" }",
    ] {
        let r = refs(stage).unwrap();
        let a = r.iter().find(|c| c.id == "a").unwrap();
        assert!(a.input.as_ref().unwrap().informed_by, "{stage}");
    }
    let (spec, _) = Scenario::parse(&scenario(
        "gpu_hours = { value = 1000, informed_by = [\"a\", \"b\"], assumption = \"why\" }",
    ))
    .unwrap()
    .to_spec(None)
    .unwrap();
    let p = &spec.stages[0].gpu_hours.as_ref().unwrap().provenance;
    assert_eq!(p.informed_by(), ["a", "b"]);
    assert!(p.figure_of().is_empty());
    assert_eq!(p.describe(), "assumption: why (informed by a, b)");

    let e = refs("gpu_hours = { value = 1000, informed_by = \"a\" }").unwrap_err();
    assert_eq!(e.field.as_deref(), Some("stages.run.gpu_hours"));
    assert!(e.message.contains("needs an `assumption`"), "{e:?}");
}

#[test]
fn a_claim_with_an_assumption_must_say_which_it_is() {
    let e = refs("gpu_hours = { value = 1000, claims = [\"a\", \"b\"], assumption = \"why\" }")
        .unwrap_err();
    assert!(e.message.contains("say which"), "{e:?}");
    let hint = e.hint.unwrap();
    assert!(hint.contains("informed_by = [\"a\", \"b\"]"), "{hint}");
}
