//! The sourced claims about a model: what was said, by whom, where, and how sure it is.
//!
//! `cargo run -p traincost-analysis --example claims_about_a_model`

use traincost_claims::ClaimSet;

fn main() {
    let claims = ClaimSet::builtin();
    let about = claims.by_subject("DeepSeek-V3");
    println!("{} claims about DeepSeek-V3:", about.len());
    for c in about.iter().take(8) {
        println!(
            "- {}: {} {} ({}; {}, {})",
            c.id,
            c.value.number(),
            c.unit,
            c.quantity,
            c.claimant,
            c.source.published
        );
    }
    // Relations between claims (the stages' GPU-hours add up; cost = GPU-hours x price) are
    // checked, and contradictions between sources are named.
    let report = claims.check();
    println!(
        "{} claims checked, {} relations, all hold: {}",
        report.claims_checked,
        report.relations.len(),
        report.passed()
    );
    for g in report.conflicts.iter().take(3) {
        println!(
            "conflict {} ({}): {} claims",
            g.id,
            g.title,
            g.members.len()
        );
    }
}
