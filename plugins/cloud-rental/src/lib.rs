//! `cloud-rental`: dated cloud rental prices ($/GPU-hour) by provider and commitment, with
//! Epoch AI's commitment conversions.
//!
//! Asked for a commitment a provider did not quote, the plugin converts the nearest quote with
//! Epoch's committed-use discounts (`prices.py:10-32` at epoch-research/training-cost-trends
//! 312c7ed; shared/domain/EPOCH_METHOD.md section 2):
//! `price(target) = price(type) * (1 - CUD[target]) / (1 - CUD[type])`.

use traincost_plugin::payload::QueryKind;
use traincost_plugin::prelude::*;

/// The plugin.
#[derive(Debug, Default)]
pub struct CloudRental;

#[derive(Clone, Copy)]
enum Src {
    Claim(&'static str),
    /// Row of Epoch AI's `data/Hardware prices.csv` at 4b09bcd (June 2025 snapshot).
    Epoch(u32),
    /// Row of Epoch AI's `data/Hardware prices.csv` at 312c7ed (paper v1 snapshot).
    EpochV1(u32),
}

impl Src {
    fn label(self) -> String {
        match self {
            Src::Claim(id) => format!("claim {id}"),
            Src::Epoch(row) => format!("Epoch AI Hardware prices.csv @4b09bcd row {row}"),
            Src::EpochV1(row) => format!("Epoch AI Hardware prices.csv @312c7ed row {row}"),
        }
    }
}

/// One provider's prices for one GPU on one date: on-demand, 1-year, 3-year.
struct Row {
    gpu: &'static str,
    provider: &'static str,
    date: &'static str,
    prices: [Option<f64>; 3],
    source: Src,
    note: &'static str,
}

const fn row(
    gpu: &'static str,
    provider: &'static str,
    date: &'static str,
    prices: [Option<f64>; 3],
    source: Src,
    note: &'static str,
) -> Row {
    Row {
        gpu,
        provider,
        date,
        prices,
        source,
        note,
    }
}

const ROWS: &[Row] = &[
    // A100
    row(
        "A100",
        "AWS",
        "2021-06-15",
        [Some(4.1), Some(2.4), Some(1.45)],
        Src::Epoch(82),
        "p4d, per GPU",
    ),
    row(
        "A100",
        "Google Cloud",
        "2022-12-12",
        [Some(2.93), Some(1.85), Some(1.03)],
        Src::EpochV1(41),
        "A100 40GB, per GPU",
    ),
    row(
        "A100",
        "Azure",
        "2024-01-29",
        [Some(3.72), Some(3.1), Some(2.3)],
        Src::Epoch(357),
        "per GPU",
    ),
    row(
        "A100",
        "Lambda",
        "2024-07-11",
        [Some(1.29), None, None],
        Src::Epoch(415),
        "A100 SXM4 40GB, per GPU",
    ),
    // H100
    row(
        "H100",
        "Oracle",
        "2023-10-23",
        [Some(10.0), None, None],
        Src::Epoch(338),
        "per GPU",
    ),
    row(
        "H100",
        "market (Latent Space)",
        "2023",
        [Some(8.0), None, None],
        Src::Claim("cheah-h100-rental-price-peak-2023"),
        "2023 peak, 'as high as $8 per hour'",
    ),
    row(
        "H100",
        "Lambda",
        "2024-01-29",
        [Some(3.49), None, None],
        Src::Epoch(353),
        "H100 SXM5, per GPU",
    ),
    row(
        "H100",
        "Lambda",
        "2024-09-01",
        [Some(2.99), None, None],
        Src::Epoch(447),
        "H100 SXM5, per GPU",
    ),
    row(
        "H100",
        "market (Latent Space)",
        "2024-10",
        [Some(2.0), None, None],
        Src::Claim("cheah-h100-rental-price-late-2024"),
        "upper bound: 'dropped to below $2 per hour'",
    ),
    row(
        "H100",
        "RunPod",
        "2025-03-03",
        [Some(2.99), None, None],
        Src::Epoch(489),
        "H100 SXM5, per GPU",
    ),
    row(
        "H100",
        "Google Cloud",
        "2025-03-17",
        [Some(11.06), Some(7.67), Some(4.86)],
        Src::Epoch(582),
        "a3, per GPU",
    ),
    row(
        "H100",
        "AWS",
        "2025-03-17",
        [Some(12.29), None, None],
        Src::Epoch(576),
        "p5, per GPU",
    ),
    row(
        "H100",
        "market (SemiAnalysis)",
        "2026-03",
        [None, Some(2.35), None],
        Src::Claim("semianalysis-h100-reserved-price-mar-2026"),
        "one-year reserved contract index",
    ),
    // H800
    row(
        "H800",
        "CR8DL",
        "2024-08-24",
        [Some(3.42), None, None],
        Src::Epoch(437),
        "H800 SXM5, per GPU",
    ),
    row(
        "H800",
        "DeepSeek (assumed)",
        "2024-12-27",
        [Some(2.0), None, None],
        Src::Claim("deepseek-v3-assumed-h800-rental-price"),
        "DeepSeek-V3 report's assumed price; commitment unspecified, filed as on-demand",
    ),
    // H200
    row(
        "H200",
        "AWS",
        "2025-03-17",
        [Some(10.6), None, None],
        Src::Epoch(578),
        "p5e, per GPU",
    ),
];

const COMMITMENTS: [Commitment; 3] = [
    Commitment::OnDemand,
    Commitment::OneYear,
    Commitment::ThreeYear,
];

fn idx(c: Commitment) -> usize {
    match c {
        Commitment::OnDemand => 0,
        Commitment::OneYear => 1,
        Commitment::ThreeYear => 2,
    }
}

/// Epoch's default committed-use discounts `(1-year, 3-year)` by provider; other providers
/// get Epoch's Lambda figures, themselves an average.
fn cud(provider: &str) -> (f64, f64, &'static str) {
    match provider {
        "AWS" => (0.41, 0.64, "AWS"),
        "Google Cloud" => (0.37, 0.56, "Google Cloud"),
        "Azure" => (0.25, 0.49, "Azure"),
        _ => (0.34, 0.56, "the average used for Lambda"),
    }
}

fn discount(provider: &str, c: Commitment) -> f64 {
    let (one, three, _) = cud(provider);
    match c {
        Commitment::OnDemand => 0.0,
        Commitment::OneYear => one,
        Commitment::ThreeYear => three,
    }
}

fn year(date: &str) -> i32 {
    date.get(..4).and_then(|y| y.parse().ok()).unwrap_or(2024)
}

fn quote(r: &Row, c: Commitment, price: f64, converted_from: Option<Commitment>) -> RentalQuote {
    let (quantity, note) = match converted_from {
        None => {
            let q = match r.source {
                Src::Claim(id) => Quantity::claim(Dist::Point(price), "USD/GPU-hour", id),
                other => Quantity::assumption(Dist::Point(price), "USD/GPU-hour", &other.label()),
            };
            (q, r.note.to_owned())
        }
        Some(from) => {
            let (_, _, whose) = cud(r.provider);
            let why = format!(
                "{} {} price converted to {} with Epoch AI's default committed-use discounts for {whose} (prices.py:10-32)",
                r.source.label(),
                from.as_str(),
                c.as_str()
            );
            let cites: Vec<&str> = match r.source {
                Src::Claim(id) => vec![id],
                _ => Vec::new(),
            };
            (
                Quantity::assumption_citing(Dist::Point(price), "USD/GPU-hour", &why, &cites),
                format!("{}; converted from {}", r.note, from.as_str()),
            )
        }
    };
    RentalQuote {
        provider: r.provider.to_owned(),
        date: r.date.to_owned(),
        commitment: c,
        price: quantity.in_dollars_of(year(r.date)),
        note,
    }
}

impl PricingModel for CloudRental {
    fn about(&self) -> About {
        let mut gpus: Vec<String> = Vec::new();
        let mut providers: Vec<String> = Vec::new();
        for r in ROWS {
            if !gpus.iter().any(|g| g == r.gpu) {
                gpus.push(r.gpu.to_owned());
            }
            if !providers.iter().any(|p| p == r.provider) {
                providers.push(r.provider.to_owned());
            }
        }
        About {
            description: "Cloud rental $/GPU-hour by provider, date and commitment (Epoch AI price rows, claims), with Epoch's commitment conversions".into(),
            queries: vec![QueryKind::RentalPrice],
            gpus,
            providers,
            ..About::default()
        }
    }

    fn rental_prices(
        &self,
        gpu: &str,
        provider: Option<&str>,
        commitment: Option<Commitment>,
    ) -> Answer<RentalPrices> {
        let rows = ROWS
            .iter()
            .filter(|r| r.gpu == gpu)
            .filter(|r| provider.is_none_or(|p| p.eq_ignore_ascii_case(r.provider)));
        let mut quotes = Vec::new();
        for r in rows {
            match commitment {
                None => {
                    for c in COMMITMENTS {
                        if let Some(p) = r.prices[idx(c)] {
                            quotes.push(quote(r, c, p, None));
                        }
                    }
                }
                Some(c) => {
                    if let Some(p) = r.prices[idx(c)] {
                        quotes.push(quote(r, c, p, None));
                    } else {
                        // Nearest quoted commitment: prefer a committed price over on-demand.
                        let from = [
                            Commitment::ThreeYear,
                            Commitment::OneYear,
                            Commitment::OnDemand,
                        ]
                        .into_iter()
                        .find(|f| r.prices[idx(*f)].is_some());
                        if let Some(from) = from {
                            let p = r.prices[idx(from)].unwrap_or_default();
                            let converted = p * (1.0 - discount(r.provider, c))
                                / (1.0 - discount(r.provider, from));
                            quotes.push(quote(r, c, converted, Some(from)));
                        }
                    }
                }
            }
        }
        if quotes.is_empty() {
            return Err(ErrorPayload::no_data(format!(
                "cloud-rental has no {gpu} prices{}",
                provider.map(|p| format!(" from {p}")).unwrap_or_default()
            )));
        }
        quotes.sort_by(|a, b| a.date.cmp(&b.date));
        Ok(RentalPrices {
            gpu: gpu.to_owned(),
            quotes,
        })
    }
}

traincost_plugin::declare_plugin!(pricing: CloudRental);

#[cfg(test)]
mod tests {
    use traincost_plugin::payload::{Query, QueryResult};
    use traincost_plugin::testing;

    use super::*;

    #[test]
    fn every_query_passes_host_validation() {
        assert_eq!(testing::check(&PLUGIN), Vec::<String>::new());
    }

    fn rental(gpu: &str, provider: Option<&str>, c: Option<Commitment>) -> RentalPrices {
        let q = Query::RentalPrice {
            gpu: gpu.into(),
            provider: provider.map(Into::into),
            commitment: c,
        };
        match testing::call(&PLUGIN, q).unwrap().result {
            QueryResult::RentalPrice(p) => p,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn epoch_conversion_on_demand_to_three_year() {
        // AWS H100 p5 on-demand $12.29 -> 3-year: 12.29 * (1 - 0.64) / (1 - 0) = 4.4244.
        let p = rental("H100", Some("aws"), Some(Commitment::ThreeYear));
        assert_eq!(p.quotes.len(), 1);
        let Dist::Point(v) = p.quotes[0].price.dist else {
            panic!()
        };
        assert!((v - 12.29 * 0.36).abs() < 1e-9);
        assert!(matches!(p.quotes[0].price.source, Source::Assumption(_)));
        // A quoted 3-year price is used as is, with its source.
        let p = rental("H100", Some("Google Cloud"), Some(Commitment::ThreeYear));
        assert_eq!(p.quotes[0].price.dist, Dist::Point(4.86));
    }

    #[test]
    fn deepseek_assumed_h800_price_cites_its_claim() {
        let p = rental("H800", Some("DeepSeek (assumed)"), None);
        assert_eq!(p.quotes[0].price.dist, Dist::Point(2.0));
        assert_eq!(
            p.quotes[0].price.source,
            Source::Claim("deepseek-v3-assumed-h800-rental-price".into())
        );
    }
}
