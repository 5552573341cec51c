//! The estimate as reported: the core [`Estimate`], the headline check and the sources of the
//! claims the scenario cites. Its JSON is `traincost estimate --format json`
//! (docs/ESTIMATE_JSON.md).

use serde::Serialize;
use traincost_claims::ClaimSet;
use traincost_core::estimate::Estimate;
use traincost_core::stack::Basis;

use crate::CompiledScenario;
use crate::dollars::ClaimDollars;

/// Schema version of the estimate's JSON document.
const SCHEMA_VERSION: u32 = 3;

/// How close a rebuilt headline must come to a single claimed figure to reproduce it.
const REPRODUCED_WITHIN: f64 = 0.005;

/// The published figure a scenario rebuilds, and what traincost rebuilds it to.
#[derive(Debug, Clone, Serialize)]
pub struct Headline {
    /// Claim id.
    pub claim: String,
    /// Who said it.
    pub claimant: String,
    /// The claimed value (low end of a range).
    pub claimed: f64,
    /// High end, for a range.
    pub claimed_high: Option<f64>,
    /// The dollars the claim is in (stated, else its publication year's).
    pub claimed_dollars: Option<String>,
    /// Central value of the stages that make it up, in the report's dollars.
    pub rebuilt: f64,
    /// The same in the claim's dollars: what the claim is checked against.
    pub rebuilt_in_claimed_dollars: f64,
    /// Those stages.
    pub stages: Vec<String>,
}

/// The outcome of the headline check, in the claim's own dollars.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeadlineCheck {
    /// A claimed range contains the rebuilt figure.
    WithinRange,
    /// A single claimed figure is rebuilt to within 0.5%.
    Reproduced,
    /// The stages rebuild to another figure
    /// ([`Headline::rebuilt_in_claimed_dollars`]).
    Differs,
}

impl Headline {
    /// Whether the stages at their stated prices give the claimed figure.
    pub fn check(&self) -> HeadlineCheck {
        let own = self.rebuilt_in_claimed_dollars;
        match self.claimed_high {
            Some(hi) if own >= self.claimed && own <= hi => HeadlineCheck::WithinRange,
            None if (own - self.claimed).abs() <= REPRODUCED_WITHIN * self.claimed => {
                HeadlineCheck::Reproduced
            }
            _ => HeadlineCheck::Differs,
        }
    }
}

/// A cited claim's source, for people.
#[derive(Debug, Clone, Serialize)]
pub struct ClaimSource {
    /// Claim id.
    pub claim: String,
    /// Who said it.
    pub claimant: String,
    /// Title of the source.
    pub title: String,
    /// Publication date.
    pub published: String,
    /// When the claimant said it, if that differs from the publication date.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub said_on: Option<String>,
    /// URL.
    pub url: String,
}

impl ClaimSource {
    /// The source of claim `id`, if `claims` has it.
    pub fn of(claims: &ClaimSet, id: &str) -> Option<ClaimSource> {
        let c = claims.get(id)?;
        Some(ClaimSource {
            claim: c.id.clone(),
            claimant: c.claimant.clone(),
            title: c.source_title().to_owned(),
            published: c.published().to_string(),
            said_on: crate::text::said_on(c),
            url: c.source_url().to_owned(),
        })
    }

    /// The date for people: `2025-09-18`, or `2025-09-18 (said 2023-04)`.
    pub fn date_label(&self) -> String {
        crate::text::date_label(&self.published, self.said_on.as_deref())
    }
}

/// What `traincost estimate` reports: the core estimate, the headline and the sources of
/// cited claims.
#[derive(Debug, Clone, Serialize)]
pub struct EstimateReport {
    /// Schema version of this JSON document.
    pub schema_version: u32,
    /// Title of the model.
    pub title: String,
    /// The estimate (flattened into the document).
    #[serde(flatten)]
    pub estimate: Estimate,
    /// The headline figure, if the scenario names one.
    pub headline: Option<Headline>,
    /// Every cited claim's source.
    pub sources: Vec<ClaimSource>,
}

impl EstimateReport {
    /// The report of `estimate`, an estimate of `compiled`: adds the headline check and the
    /// sources of the claims the scenario cites, found in `claims`.
    pub fn new(compiled: &CompiledScenario, estimate: Estimate, claims: &ClaimSet) -> Self {
        let file = &compiled.scenario.file;
        let est = estimate;
        let headline = file.headline.as_ref().and_then(|h| {
            let c = claims.get(h.claim.get_ref())?;
            let own: Vec<String> = file.stages.iter().map(|s| s.name.clone()).collect();
            let stages = h
                .stages
                .as_ref()
                .map_or(own, |st| st.iter().map(|s| s.get_ref().clone()).collect());
            let rebuilt = stages
                .iter()
                .filter_map(|s| est.figure(&format!("final-run-rental/{s}")))
                .map(|f| f.central)
                .sum();
            // The claim is checked in its own dollars: the rebuilt figure is converted back.
            let to_report = ClaimDollars::of(c, compiled.price_index(), compiled.dollars()).factor;
            Some(Headline {
                claim: c.id.clone(),
                claimant: c.claimant.clone(),
                claimed: c.value.number(),
                claimed_high: c.value.high(),
                claimed_dollars: c.dollar_year().map(|y| y.to_string()),
                rebuilt,
                rebuilt_in_claimed_dollars: rebuilt / to_report,
                stages,
            })
        });
        let mut ids: Vec<&str> = compiled.cited.iter().map(|r| r.id.as_str()).collect();
        if let Some(h) = &file.headline {
            ids.push(h.claim.get_ref());
        }
        ids.sort_unstable();
        ids.dedup();
        let sources = ids
            .iter()
            .filter_map(|id| ClaimSource::of(claims, id))
            .collect();
        EstimateReport {
            schema_version: SCHEMA_VERSION,
            title: compiled.title().to_owned(),
            estimate: est,
            headline,
            sources,
        }
    }

    /// One paragraph on what the figures are: medians with 90% intervals, on named bases.
    pub fn reading_note(&self) -> String {
        let e = &self.estimate;
        let bases = e.bases();
        let basis_text = if bases.len() == 2 {
            format!(
                "Compute is costed on two bases, never mixed: rental ({}) and ownership ({}); each \
                 compute layer and total names its basis, and \"x final run\" divides, sample by \
                 sample, by the final run on the same basis. Where one figure is quoted (the \
                 report's cards), it is on the {} basis.",
                Basis::Rental.describe(),
                Basis::Ownership.describe(),
                e.basis
            )
        } else {
            format!(
                "Compute is costed on the {} basis only ({}); \"x final run\" divides, sample by \
                 sample, by the final run on that basis.",
                e.basis,
                e.basis.describe()
            )
        };
        format!(
            "Each figure is the median of {} simulated samples, with its 90% interval. {basis_text}",
            // Every digit, grouped from 1,000 as the CLI groups counts (`4,000`).
            traincost_claims::format_number(e.samples as f64)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headline(claimed: f64, claimed_high: Option<f64>, own: f64) -> Headline {
        Headline {
            claim: "c".into(),
            claimant: "C".into(),
            claimed,
            claimed_high,
            claimed_dollars: None,
            rebuilt: own,
            rebuilt_in_claimed_dollars: own,
            stages: Vec::new(),
        }
    }

    #[test]
    fn the_headline_check_allows_half_a_percent_or_the_claimed_range() {
        assert_eq!(
            headline(100.0, None, 100.4).check(),
            HeadlineCheck::Reproduced
        );
        assert_eq!(headline(100.0, None, 101.0).check(), HeadlineCheck::Differs);
        assert_eq!(
            headline(100.0, Some(200.0), 150.0).check(),
            HeadlineCheck::WithinRange
        );
        assert_eq!(
            headline(100.0, Some(200.0), 201.0).check(),
            HeadlineCheck::Differs
        );
    }
}
