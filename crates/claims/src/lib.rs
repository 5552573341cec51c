//! Sourced claims about the cost of training AI models.
//!
//! Every number traincost prints traces to a claim (who said it, where, when, in what words)
//! or to an input marked as an assumption. The built-in claims are compiled into the library.
#![deny(missing_docs)]

use std::sync::OnceLock;

use serde::Deserialize;

/// One sourced claim.
#[derive(Debug, Clone, Deserialize)]
pub struct Claim {
    /// Unique kebab-case id.
    pub id: String,
    /// Model or company the number is about.
    pub subject: String,
    /// What is claimed.
    pub quantity: String,
    /// The number (the low end of a range).
    pub value: f64,
    /// High end of a range.
    pub value_high: Option<f64>,
    /// Unit of `value`.
    pub unit: String,
    /// exact, at least, at most, about, range.
    pub qualifier: String,
    /// Who made the claim.
    pub claimant: String,
    /// Title of the source.
    pub source_title: String,
    /// URL of the source.
    pub source_url: String,
    /// Publication date, `YYYY-MM-DD` or `YYYY-MM`.
    pub published: String,
    /// Verbatim quote containing the number.
    pub quote: String,
    /// Scope and caveats.
    #[serde(default)]
    pub notes: String,
}

#[derive(Deserialize)]
struct ClaimsFile {
    claim: Vec<Claim>,
}

/// A set of claims that can be queried by id.
#[derive(Debug, Clone)]
pub struct ClaimSet {
    claims: Vec<Claim>,
}

impl ClaimSet {
    /// The built-in claims, parsed once.
    pub fn builtin() -> &'static ClaimSet {
        static SET: OnceLock<ClaimSet> = OnceLock::new();
        SET.get_or_init(|| {
            let file: ClaimsFile = toml::from_str(include_str!("../data/claims.toml"))
                .expect("built-in claims parse (checked by tests)");
            ClaimSet { claims: file.claim }
        })
    }

    /// The claim with this id.
    pub fn get(&self, id: &str) -> Option<&Claim> {
        self.claims.iter().find(|c| c.id == id)
    }

    /// All claims, in file order.
    pub fn iter(&self) -> impl Iterator<Item = &Claim> {
        self.claims.iter()
    }

    /// Up to three ids closest to `id`, best first, for "did you mean" hints.
    pub fn suggest(&self, id: &str) -> Vec<&str> {
        let mut scored: Vec<(f64, &str)> = self
            .claims
            .iter()
            .map(|c| (strsim::jaro_winkler(id, &c.id), c.id.as_str()))
            .filter(|(s, _)| *s > 0.7)
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0));
        scored.into_iter().take(3).map(|(_, id)| id).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_claims_load_and_resolve() {
        let set = ClaimSet::builtin();
        assert_eq!(set.iter().count(), 110);
        let c = set.get("deepseek-v3-total-training-cost-usd").unwrap();
        assert_eq!(c.value, 5_576_000.0);
        assert_eq!(
            set.suggest("deepseek-v3-total-gpu-hour")[0],
            "deepseek-v3-total-gpu-hours"
        );
    }
}
