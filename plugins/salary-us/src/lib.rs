//! `salary-us`: loaded annual compensation of AI staff at a US frontier lab, following Epoch
//! AI's staff-cost inputs (`development_cost.ipynb` in epoch-research/training-cost-trends,
//! summarized in shared/domain/EPOCH_METHOD.md section 5).
//!
//! Loaded cost = salary x overhead + equity, as Epoch AI's notebook computes it
//! (`compensation *= overhead; compensation += equity`: the overhead for benefits and payroll
//! taxes loads the salary, not the equity), each a lognormal 90% range. The product salary x
//! overhead is exact (a lognormal); its sum with the equity lognormal is approximated by a
//! lognormal with the same mean and variance (Fenton-Wilkinson).

use traincost_plugin::payload::QueryKind;
use traincost_plugin::prelude::*;

/// The plugin.
#[derive(Debug, Default)]
pub struct SalaryUs;

const Z95: f64 = 1.644_853_626_951_472_2;
/// The standard normal's 75th and 99th percentiles.
const Z75: f64 = 0.674_489_750_196_081_7;
const Z99: f64 = 2.326_347_874_040_840_8;

/// The pay data's dollars: levels.fyi archived 2024-05-15 and aipaygrad.es archived 2024-04-15
/// (Epoch AI's development_cost notebook, lines 41-55). Epoch's study takes them as dollars of
/// each model's publication month; this plugin says what they are, and the host converts.
const DOLLAR_YEAR: i32 = 2024;

/// Epoch AI's contributor base salary, 90% CI: the geometric means of levels.fyi's Google L3
/// and L8 ($148K, $335K) and aipaygrad.es's 5th and 95th percentiles ($132K, $210K).
fn contributor_salary() -> [f64; 2] {
    [
        (148_000.0_f64 * 132_000.0).sqrt(),
        (335_000.0_f64 * 210_000.0).sqrt(),
    ]
}

/// Epoch AI's contributor equity per year, 90% CI: the geometric means of levels.fyi's L3 and
/// L8 ($34K, $760K) and aipaygrad.es's 5th and 95th percentiles ($37K, $331,250).
fn contributor_equity() -> [f64; 2] {
    [
        (34_000.0_f64 * 37_000.0).sqrt(),
        (760_000.0_f64 * 331_250.0).sqrt(),
    ]
}

/// The 75th and 99th percentiles of the lognormal with this 90% CI: Epoch AI's Leads are paid
/// in that band of the contributors' distribution (notebook lines 1612-1622; the notebook takes
/// them from a 10,000-draw sample, this is the exact value).
fn leads_band(range: [f64; 2]) -> [f64; 2] {
    let (mu, s) = log_params(range);
    [(mu + Z75 * s).exp(), (mu + Z99 * s).exp()]
}

/// How a role's pay is set.
#[derive(Clone, Copy)]
enum Band {
    /// Epoch AI's contributors (its "Core contributors" and "Contributors").
    Contributor,
    /// Epoch AI's Leads: the 75th-99th percentile band of the contributors' pay.
    Leads,
    /// Between the contributors' 95th percentile and Epoch's leads of leads: not Epoch's.
    Senior,
}

struct Role {
    id: &'static str,
    band: Band,
    why: &'static str,
}

const ROLES: &[Role] = &[
    Role {
        id: "researcher",
        band: Band::Contributor,
        why: "Epoch AI development_cost notebook: one salary and equity range for all contributors (levels.fyi Google L3-L8, aipaygrad.es)",
    },
    Role {
        id: "research-engineer",
        band: Band::Contributor,
        why: "Epoch AI development_cost notebook applies one range to all contributors",
    },
    Role {
        id: "engineer",
        band: Band::Contributor,
        why: "Epoch AI development_cost notebook applies one range to all contributors",
    },
    Role {
        id: "senior-researcher",
        band: Band::Senior,
        why: "not Epoch AI's (its study has no senior band): salary $265K-$500K and equity $331K-$1M a year, from the contributors' 95th percentile to the low end of Epoch's program and technical leads",
    },
    Role {
        id: "lead",
        band: Band::Leads,
        why: "Epoch AI development_cost notebook: Leads (Gemini's 36 workstream leads) at the 75th-99th percentiles of the contributors' salary and equity",
    },
];

impl Role {
    /// Base salary and equity per year, 90% CIs.
    fn ranges(&self) -> ([f64; 2], [f64; 2]) {
        match self.band {
            Band::Contributor => (contributor_salary(), contributor_equity()),
            Band::Leads => (
                leads_band(contributor_salary()),
                leads_band(contributor_equity()),
            ),
            Band::Senior => ([265_200.0, 500_000.0], [331_250.0, 1_000_000.0]),
        }
    }
}

const OVERHEAD: [f64; 2] = [1.25, 1.4];
const OVERHEAD_WHY: &str =
    "Epoch AI development_cost.ipynb: overhead (benefits, payroll taxes) 90% CI [1.25, 1.4]";

fn log_params([p5, p95]: [f64; 2]) -> (f64, f64) {
    let (a, b) = (p5.ln(), p95.ln());
    ((a + b) / 2.0, (b - a) / (2.0 * Z95))
}

/// Mean and variance of a lognormal with log-parameters `(mu, s)`.
fn moments((mu, s): (f64, f64)) -> (f64, f64) {
    let mean = (mu + s * s / 2.0).exp();
    let var = ((s * s).exp() - 1.0) * (2.0 * mu + s * s).exp();
    (mean, var)
}

/// `(mu, s)` of the lognormal matching a sum of independent lognormals (Fenton-Wilkinson).
fn sum_fit(parts: &[(f64, f64)]) -> (f64, f64) {
    let (mean, var) = parts
        .iter()
        .map(|p| moments(*p))
        .fold((0.0, 0.0), |(m, v), (pm, pv)| (m + pm, v + pv));
    let s2 = (1.0 + var / (mean * mean)).ln();
    (mean.ln() - s2 / 2.0, s2.sqrt())
}

fn lognormal([p5, p95]: [f64; 2]) -> Dist {
    Dist::Lognormal { p5, p95 }
}

impl SalaryModel for SalaryUs {
    fn about(&self) -> About {
        About {
            description: "AI staff at a US frontier lab: Epoch AI's salary, equity and overhead ranges (2024 USD: levels.fyi and aipaygrad.es, 2024); Epoch's program and technical leads (Gemini's $0.5-1M salary, $1-10M equity) have no role here".into(),
            queries: vec![QueryKind::Compensation],
            roles: ROLES.iter().map(|r| r.id.to_owned()).collect(),
            years: Some([2020, 2025]),
            ..About::default()
        }
    }

    fn compensation(&self, role: &str, year: i32) -> Answer<Compensation> {
        let r = ROLES
            .iter()
            .find(|r| r.id == role)
            .ok_or_else(|| ErrorPayload::no_data(format!("salary-us has no figures for {role}")))?;
        if !(2020..=2025).contains(&year) {
            return Err(ErrorPayload::no_data(format!(
                "salary-us covers 2020-2025, not {year}"
            )));
        }
        let (salary, equity) = r.ranges();
        let (mu_p, s_p) = log_params(salary);
        let (mu_o, s_o) = log_params(OVERHEAD);
        let loaded_salary = (mu_p + mu_o, (s_p * s_p + s_o * s_o).sqrt());
        let (mu_l, s_l) = sum_fit(&[loaded_salary, log_params(equity)]);
        let loaded = Dist::Lognormal {
            p5: (mu_l - Z95 * s_l).exp(),
            p95: (mu_l + Z95 * s_l).exp(),
        };
        Ok(Compensation {
            role: role.to_owned(),
            year,
            region: "US".to_owned(),
            annual_pay: Quantity::assumption(lognormal(salary), "USD/year", r.why)
                .in_dollars_of(DOLLAR_YEAR),
            loaded_usd: Quantity::assumption(
                loaded,
                "USD/year",
                "salary x overhead + equity (Epoch AI's development_cost notebook: the overhead loads the salary, not the equity); the product exact, the sum fitted by Fenton-Wilkinson",
            )
            .in_dollars_of(DOLLAR_YEAR),
            components: vec![
                NamedQuantity {
                    name: "equity per year".into(),
                    quantity: Quantity::assumption(lognormal(equity), "USD/year", r.why)
                        .in_dollars_of(DOLLAR_YEAR),
                },
                NamedQuantity {
                    name: "overhead multiplier".into(),
                    quantity: Quantity::assumption(lognormal(OVERHEAD), "1", OVERHEAD_WHY),
                },
            ],
        })
    }
}

traincost_plugin::declare_plugin!(salary: SalaryUs);

#[cfg(test)]
mod tests {
    use traincost_plugin::payload::QueryResult;
    use traincost_plugin::testing;

    use super::*;

    #[test]
    fn every_query_passes_host_validation() {
        assert_eq!(testing::check(&PLUGIN), Vec::<String>::new());
    }

    fn loaded(role: &str) -> (f64, f64) {
        let r = testing::call(&PLUGIN, testing::compensation(role, 2024)).unwrap();
        let QueryResult::Compensation(c) = r.result else {
            panic!()
        };
        let Dist::Lognormal { p5, p95 } = c.loaded_usd.dist else {
            panic!()
        };
        (p5, p95)
    }

    #[test]
    fn fenton_wilkinson_keeps_the_mean() {
        let a = log_params(contributor_salary());
        let b = log_params(contributor_equity());
        let fit = sum_fit(&[a, b]);
        let want = moments(a).0 + moments(b).0;
        assert!((moments(fit).0 - want).abs() < 1e-6 * want);
    }

    /// The contributor ranges are the notebook's geometric means (its lines 56-59), as the
    /// study built-ins state them (crates/core/scenarios/epoch-study-*.toml).
    #[test]
    fn contributor_ranges_are_epochs_geometric_means() {
        let close = |a: f64, b: f64| (a / b - 1.0).abs() < 1e-6;
        let [s5, s95] = contributor_salary();
        assert!(
            close(s5, 139_771.24) && close(s95, 265_235.74),
            "{s5} {s95}"
        );
        let [e5, e95] = contributor_equity();
        assert!(close(e5, 35_468.30) && close(e95, 501_746.95), "{e5} {e95}");
    }

    /// Epoch's Leads band: the 75th-99th percentiles of the contributors' distributions. The
    /// notebook takes them from a 10,000-draw sample: 219,367 and 306,277 (salary), 231,032 and
    /// 885,598 (equity) in docs/EPOCH_STUDY.md; the exact values are within that sample's noise.
    #[test]
    fn lead_is_epochs_leads_band() {
        let [s75, s99] = leads_band(contributor_salary());
        let [e75, e99] = leads_band(contributor_equity());
        for (ours, notebook, tol) in [
            (s75, 219_367.0, 0.01),
            (s99, 306_277.0, 0.02),
            (e75, 231_032.0, 0.02),
            (e99, 885_598.0, 0.03),
        ] {
            assert!((ours / notebook - 1.0).abs() < tol, "{ours} vs {notebook}");
        }
        // A lead's loaded pay is well under what Epoch pays Gemini's program leads
        // (salary $0.5-1M + equity $1-10M): the role is the 36 workstream leads.
        let (_, p95) = loaded("lead");
        assert!(p95 < 1_500_000.0, "{p95}");
        let (c5, _) = loaded("researcher");
        let (l5, _) = loaded("lead");
        assert!(l5 > c5);
    }

    /// Epoch AI's notebook: `compensation *= overhead; compensation += equity`. The loaded
    /// mean is mean(salary) x mean(overhead) + mean(equity), not (salary + equity) x overhead.
    #[test]
    fn the_overhead_loads_the_salary_not_the_equity() {
        let (p5, p95) = loaded("lead");
        let mean = moments(log_params([p5, p95])).0;
        let m = |range| moments(log_params(range)).0;
        let (salary, equity) = (
            leads_band(contributor_salary()),
            leads_band(contributor_equity()),
        );
        let want = m(salary) * m(OVERHEAD) + m(equity);
        assert!((mean / want - 1.0).abs() < 1e-3, "{mean} vs {want}");
        let wrong = (m(salary) + m(equity)) * m(OVERHEAD);
        assert!(mean < 0.95 * wrong, "{mean} vs {wrong}");
    }
}
