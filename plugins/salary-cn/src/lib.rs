//! `salary-cn`: loaded annual compensation of AI staff at a top Chinese lab (DeepSeek-like,
//! Hangzhou/Beijing), in CNY.
//!
//! Pay in China is quoted per month and paid 14 times a year (`90k×14`); the annual figure is
//! monthly × 14 and the loaded cost adds employer on-costs, both in CNY of the year asked for:
//! the host converts to USD at that year's exchange rate (traincost's Federal Reserve series),
//! then to the report's dollars. Monthly pay is a lognormal 90% range per role; the product
//! with a lognormal on-cost factor stays lognormal, so the loaded figure is exact, not a fit.
//!
//! The ranges are nominal pay from job postings of 2024-2025; the plugin answers them as CNY of
//! whichever year 2023-2025 is asked (no deflation within China: its consumer prices rose less
//! than 1% a year over the period), so a 2023 answer is 2024-25 pay at 2023's exchange rate.

use traincost_plugin::payload::QueryKind;
use traincost_plugin::prelude::*;

/// The plugin.
#[derive(Debug, Default)]
pub struct SalaryCn;

/// z of the 95th percentile of a standard normal.
const Z95: f64 = 1.644_853_626_951_472_2;

/// Months of pay per year: the `×14` convention in Chinese job posts.
const MONTHS: f64 = 14.0;
const MONTHS_CLAIM: &str = "qbitai-deepseek-job-posting-max-salary";

struct Role {
    id: &'static str,
    /// 90% range of monthly pay, CNY/month.
    monthly: [f64; 2],
    /// Assumption label of the range.
    source: &'static str,
    /// Claims the range is anchored on.
    cites: &'static [&'static str],
}

const ROLES: &[Role] = &[
    Role {
        id: "researcher",
        monthly: [50_000.0, 110_000.0],
        source: "90% range of researcher monthly pay at a top Chinese lab; top end = DeepSeek's highest posted 110k CNY/month (claim qbitai-deepseek-job-posting-max-salary)",
        cites: &["qbitai-deepseek-job-posting-max-salary"],
    },
    Role {
        id: "senior-researcher",
        monthly: [80_000.0, 160_000.0],
        source: "90% range for senior researchers, above the highest public DeepSeek posting (110k CNY/month); SemiAnalysis reports offers over $1.3M/yr (claim semianalysis-deepseek-salary)",
        cites: &[
            "qbitai-deepseek-job-posting-max-salary",
            "semianalysis-deepseek-salary",
        ],
    },
    Role {
        id: "research-engineer",
        monthly: [40_000.0, 90_000.0],
        source: "90% range of research-engineer monthly pay; top end = DeepSeek core-systems engineer posting 90k CNY/month (claim qbitai-deepseek-core-engineer-salary)",
        cites: &["qbitai-deepseek-core-engineer-salary"],
    },
    Role {
        id: "engineer",
        monthly: [30_000.0, 90_000.0],
        source: "90% range of engineer monthly pay; top end = DeepSeek core-systems engineer posting 90k CNY/month (claim qbitai-deepseek-core-engineer-salary)",
        cites: &["qbitai-deepseek-core-engineer-salary"],
    },
    Role {
        id: "lead",
        monthly: [100_000.0, 250_000.0],
        source: "90% range for team leads: 1-2.5x the highest public posting (110k CNY/month); no public figure",
        cites: &["qbitai-deepseek-job-posting-max-salary"],
    },
    Role {
        id: "intern",
        monthly: [8_000.0, 20_000.0],
        source: "90% range for research interns; QbitAI reports DeepSeek interns earn over 10k CNY/month (headline, not a claim yet)",
        cites: &[],
    },
    Role {
        id: "operations",
        monthly: [15_000.0, 40_000.0],
        source: "90% range for operations, data and support staff in Hangzhou/Beijing tech firms; no public figure",
        cites: &[],
    },
];

/// Employer on-costs (social insurance and housing fund, capped at about 3x the local average
/// wage, plus equipment and office): a lognormal 90% range of the multiplier on cash pay.
const ONCOST: [f64; 2] = [1.08, 1.30];
const ONCOST_WHY: &str = "employer social insurance and housing fund are capped at about 3x the local average wage, so on-costs on top pay are modest; plus equipment and office";

/// The years the pay ranges describe (the postings are of 2024-2025; 2023 for V3's start).
const YEARS: [i32; 2] = [2023, 2025];

/// `(mu, sigma)` of the log of a lognormal given by its 90% interval.
fn log_params([p5, p95]: [f64; 2]) -> (f64, f64) {
    let (a, b) = (p5.ln(), p95.ln());
    ((a + b) / 2.0, (b - a) / (2.0 * Z95))
}

fn interval(mu: f64, sigma: f64) -> Dist {
    Dist::Lognormal {
        p5: (mu - Z95 * sigma).exp(),
        p95: (mu + Z95 * sigma).exp(),
    }
}

impl SalaryModel for SalaryCn {
    fn about(&self) -> About {
        About {
            description: "AI staff at a top Chinese lab: monthly pay x 14, employer on-costs, in CNY (the host converts at the year's rate)".into(),
            queries: vec![QueryKind::Compensation],
            roles: ROLES.iter().map(|r| r.id.to_owned()).collect(),
            years: Some(YEARS),
            ..About::default()
        }
    }

    fn compensation(&self, role: &str, year: i32) -> Answer<Compensation> {
        let r = ROLES
            .iter()
            .find(|r| r.id == role)
            .ok_or_else(|| ErrorPayload::no_data(format!("salary-cn has no figures for {role}")))?;
        if !(YEARS[0]..=YEARS[1]).contains(&year) {
            return Err(ErrorPayload::no_data(format!(
                "salary-cn covers {}-{}, not {year}",
                YEARS[0], YEARS[1]
            )));
        }
        let (mu_m, s_m) = log_params(r.monthly);
        let (mu_o, s_o) = log_params(ONCOST);
        let annual = interval(mu_m + MONTHS.ln(), s_m);
        let loaded = interval(mu_m + MONTHS.ln() + mu_o, (s_m * s_m + s_o * s_o).sqrt());
        let monthly = Quantity::assumption_citing(
            Dist::Lognormal {
                p5: r.monthly[0],
                p95: r.monthly[1],
            },
            "CNY/month",
            r.source,
            r.cites,
        )
        .in_dollars_of(year);
        let why_annual = "monthly pay (90% range) x 14 months";
        let why_loaded = "monthly pay x 14 x employer on-costs (lognormal product), in CNY";
        Ok(Compensation {
            role: role.to_owned(),
            year,
            region: "CN".to_owned(),
            annual_pay: Quantity::assumption(annual, "CNY/year", why_annual).in_dollars_of(year),
            loaded_usd: Quantity::assumption(loaded, "CNY/year", why_loaded).in_dollars_of(year),
            components: vec![
                NamedQuantity {
                    name: "monthly pay".into(),
                    quantity: monthly,
                },
                NamedQuantity {
                    name: "months paid per year".into(),
                    quantity: Quantity::claim(Dist::Point(MONTHS), "months/year", MONTHS_CLAIM),
                },
                NamedQuantity {
                    name: "employer on-cost multiplier".into(),
                    quantity: Quantity::assumption(
                        Dist::Lognormal {
                            p5: ONCOST[0],
                            p95: ONCOST[1],
                        },
                        "1",
                        ONCOST_WHY,
                    ),
                },
            ],
        })
    }
}

traincost_plugin::declare_plugin!(salary: SalaryCn);

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
    fn fourteen_months_in_yuan() {
        let r = testing::call(&PLUGIN, testing::compensation("research-engineer", 2024)).unwrap();
        let QueryResult::Compensation(c) = r.result else {
            panic!()
        };
        let Dist::Lognormal { p5, p95 } = c.annual_pay.dist else {
            panic!()
        };
        assert!((p5 - 40_000.0 * 14.0).abs() < 1e-6 * p5);
        assert!((p95 - 90_000.0 * 14.0).abs() < 1e-6 * p95);
        // The loaded median is the product of the medians, in CNY: the host converts it.
        assert_eq!(c.loaded_usd.unit, "CNY/year");
        let median = c.loaded_usd.dist.central();
        let want = (40_000.0f64 * 90_000.0).sqrt() * 14.0 * (1.08f64 * 1.30).sqrt();
        assert!((median - want).abs() < 1e-6 * want, "{median} vs {want}");
        assert!(testing::call(&PLUGIN, testing::compensation("researcher", 2019)).is_err());
    }
}
