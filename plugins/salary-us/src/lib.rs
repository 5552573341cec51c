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

/// Epoch's figures are in the dollars of the notebook (Dec 2023).
const DOLLAR_YEAR: i32 = 2023;

struct Role {
    id: &'static str,
    salary: [f64; 2],
    salary_why: &'static str,
    equity: [f64; 2],
    equity_why: &'static str,
}

const ROLES: &[Role] = &[
    Role {
        id: "researcher",
        salary: [139_700.0, 265_200.0],
        salary_why: "Epoch AI development_cost.ipynb: salary 90% CI [sqrt(148k*132k), sqrt(335k*210k)] from levels.fyi Google L3-L8 and aipaygrad.es",
        equity: [35_500.0, 501_700.0],
        equity_why: "Epoch AI development_cost.ipynb: equity 90% CI [sqrt(34k*37k), sqrt(760k*331.25k)] (INCLUDE_EQUITY)",
    },
    Role {
        id: "research-engineer",
        salary: [139_700.0, 265_200.0],
        salary_why: "Epoch AI development_cost.ipynb applies one salary range to all contributors (levels.fyi Google L3-L8, aipaygrad.es)",
        equity: [35_500.0, 501_700.0],
        equity_why: "Epoch AI development_cost.ipynb applies one equity range to all contributors",
    },
    Role {
        id: "engineer",
        salary: [139_700.0, 265_200.0],
        salary_why: "Epoch AI development_cost.ipynb applies one salary range to all contributors (levels.fyi Google L3-L8, aipaygrad.es)",
        equity: [35_500.0, 501_700.0],
        equity_why: "Epoch AI development_cost.ipynb applies one equity range to all contributors",
    },
    Role {
        id: "senior-researcher",
        salary: [265_200.0, 500_000.0],
        salary_why: "Epoch AI development_cost.ipynb pays Gemini leads at the 75-99th percentile; taken as from the top of the contributor range to the lead range",
        equity: [331_250.0, 1_000_000.0],
        equity_why: "between the top of Epoch's contributor equity range and its lead equity range (assumption)",
    },
    Role {
        id: "lead",
        salary: [500_000.0, 1_000_000.0],
        salary_why: "Epoch AI development_cost.ipynb: Gemini program and technical leads, salary 0.5-1M USD",
        equity: [1_000_000.0, 10_000_000.0],
        equity_why: "Epoch AI development_cost.ipynb: Gemini program and technical leads, equity 1-10M USD",
    },
];

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
            description: "AI staff at a US frontier lab: Epoch AI's salary, equity and overhead ranges (Dec-2023 USD)".into(),
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
        let (mu_p, s_p) = log_params(r.salary);
        let (mu_o, s_o) = log_params(OVERHEAD);
        let loaded_salary = (mu_p + mu_o, (s_p * s_p + s_o * s_o).sqrt());
        let (mu_l, s_l) = sum_fit(&[loaded_salary, log_params(r.equity)]);
        let loaded = Dist::Lognormal {
            p5: (mu_l - Z95 * s_l).exp(),
            p95: (mu_l + Z95 * s_l).exp(),
        };
        Ok(Compensation {
            role: role.to_owned(),
            year,
            region: "US".to_owned(),
            annual_pay: Quantity::assumption(lognormal(r.salary), "USD/year", r.salary_why)
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
                    quantity: Quantity::assumption(lognormal(r.equity), "USD/year", r.equity_why)
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

    #[test]
    fn fenton_wilkinson_keeps_the_mean() {
        let a = log_params([139_700.0, 265_200.0]);
        let b = log_params([35_500.0, 501_700.0]);
        let fit = sum_fit(&[a, b]);
        let want = moments(a).0 + moments(b).0;
        assert!((moments(fit).0 - want).abs() < 1e-6 * want);
        let r = testing::call(&PLUGIN, testing::compensation("researcher", 2024)).unwrap();
        let QueryResult::Compensation(c) = r.result else {
            panic!()
        };
        let Dist::Lognormal { p5, p95 } = c.loaded_usd.dist else {
            panic!()
        };
        assert!(p5 > 139_700.0 * 1.25 && p95 < (265_200.0 + 501_700.0) * 1.4 * 2.0);
    }

    /// Epoch AI's notebook: `compensation *= overhead; compensation += equity`. The loaded
    /// mean is mean(salary) x mean(overhead) + mean(equity), not (salary + equity) x overhead.
    #[test]
    fn the_overhead_loads_the_salary_not_the_equity() {
        let r = testing::call(&PLUGIN, testing::compensation("lead", 2024)).unwrap();
        let QueryResult::Compensation(c) = r.result else {
            panic!()
        };
        let Dist::Lognormal { p5, p95 } = c.loaded_usd.dist else {
            panic!()
        };
        let mean = moments(log_params([p5, p95])).0;
        let m = |range| moments(log_params(range)).0;
        let want = m([500_000.0, 1_000_000.0]) * m(OVERHEAD) + m([1_000_000.0, 10_000_000.0]);
        assert!((mean / want - 1.0).abs() < 1e-3, "{mean} vs {want}");
        let wrong = (m([500_000.0, 1_000_000.0]) + m([1_000_000.0, 10_000_000.0])) * m(OVERHEAD);
        assert!(mean < 0.85 * wrong, "{mean} vs {wrong}");
    }
}
