//! `nvidia-pricing`: specs (peak dense BF16 FLOP/s, TDP) and dated purchase prices of NVIDIA
//! datacenter GPUs.
//!
//! Every figure cites a claim of `crates/claims` or carries a labelled assumption naming its
//! source row. Specs come from Epoch AI's chip dataset (`data/Chip dataset-Grid view.csv` at
//! epoch-research/training-cost-trends@263c40a, copied in `shared/reference/epoch/`); server-share
//! prices from Epoch AI's `data/Hardware prices.csv` at 4b09bcd. Prices are nominal USD of the
//! quote's year; "chip" quotes are for the GPU alone, "server share" quotes are an 8-GPU
//! server's price divided by 8 (what Epoch's amortization uses).

use traincost_plugin::payload::QueryKind;
use traincost_plugin::prelude::*;

/// The plugin: static tables.
#[derive(Debug, Default)]
pub struct NvidiaPricing;

struct Spec {
    gpu: &'static str,
    product: &'static str,
    release: &'static str,
    bf16: f64,
    tdp: f64,
    bf16_source: Src,
    tdp_source: Src,
}

#[derive(Clone, Copy)]
enum Src {
    /// The figure is what the claim states.
    Claim(&'static str),
    /// A labelled assumption.
    Assume(&'static str),
    /// An assumption derived from a claim (a share, a conversion).
    Derived(&'static str, &'static str),
}

fn q(dist: Dist, unit: &str, src: Src) -> Quantity {
    match src {
        Src::Claim(id) => Quantity::claim(dist, unit, id),
        Src::Assume(why) => Quantity::assumption(dist, unit, why),
        Src::Derived(why, claim) => Quantity::assumption_citing(dist, unit, why, &[claim]),
    }
}

const CHIPS: &str = "Epoch AI chip dataset (Chip dataset-Grid view.csv @263c40a)";

const SPECS: &[Spec] = &[
    Spec {
        gpu: "A100",
        product: "NVIDIA A100 SXM4 40 GB",
        release: "2020-05-14",
        bf16: 3.12e14,
        tdp: 400.0,
        bf16_source: Src::Assume(
            "Epoch AI chip dataset (Chip dataset-Grid view.csv @263c40a), row 'NVIDIA A100 SXM4 40 GB': Tensor-FP16/BF16 312 TFLOP/s (dense)",
        ),
        tdp_source: Src::Assume(
            "Epoch AI chip dataset (Chip dataset-Grid view.csv @263c40a), row 'NVIDIA A100 SXM4 40 GB': TDP 400 W",
        ),
    },
    Spec {
        gpu: "H100",
        product: "NVIDIA H100 SXM5 80GB",
        release: "2022-09-20",
        bf16: 9.894e14,
        tdp: 700.0,
        bf16_source: Src::Assume(
            "Epoch AI chip dataset (Chip dataset-Grid view.csv @263c40a), row 'NVIDIA H100 SXM5 80GB': Tensor-FP16/BF16 989.4 TFLOP/s (dense)",
        ),
        tdp_source: Src::Claim("llama-3-1-gpu-tdp"),
    },
    Spec {
        gpu: "H800",
        product: "NVIDIA H800 SXM5",
        release: "2023-03-21",
        bf16: 9.89e14,
        tdp: 700.0,
        bf16_source: Src::Assume(
            "Epoch AI chip dataset (Chip dataset-Grid view.csv @263c40a), row 'NVIDIA H800 SXM5': Tensor-FP16/BF16 989 TFLOP/s (dense; same core as H100, cut NVLink)",
        ),
        tdp_source: Src::Assume(
            "Epoch AI chip dataset (Chip dataset-Grid view.csv @263c40a), row 'NVIDIA H800 SXM5': TDP 700 W",
        ),
    },
    Spec {
        gpu: "H20",
        product: "NVIDIA HGX H20",
        release: "2023-11-09",
        bf16: 1.48e14,
        tdp: 400.0,
        bf16_source: Src::Assume(
            "Epoch AI chip dataset (Chip dataset-Grid view.csv @263c40a), row 'NVIDIA HGX H20': Tensor-FP16/BF16 148 TFLOP/s (dense)",
        ),
        tdp_source: Src::Assume(
            "Epoch AI chip dataset (Chip dataset-Grid view.csv @263c40a), row 'NVIDIA HGX H20': TDP 400 W",
        ),
    },
    Spec {
        gpu: "H200",
        product: "NVIDIA H200 SXM",
        release: "2024-11-18",
        bf16: 9.895e14,
        tdp: 700.0,
        bf16_source: Src::Assume(
            "Epoch AI chip dataset (Chip dataset-Grid view.csv @263c40a), row 'NVIDIA H200 SXM': Tensor-FP16/BF16 989.5 TFLOP/s (dense)",
        ),
        tdp_source: Src::Assume(
            "Epoch AI chip dataset (Chip dataset-Grid view.csv @263c40a), row 'NVIDIA H200 SXM': TDP 700 W",
        ),
    },
    Spec {
        gpu: "B200",
        product: "NVIDIA B200",
        release: "2024-03-18",
        bf16: 2.25e15,
        tdp: 1000.0,
        bf16_source: Src::Assume(
            "Epoch AI chip dataset (Chip dataset-Grid view.csv @263c40a), row 'NVIDIA B200': Tensor-FP16/BF16 2,250 TFLOP/s (dense)",
        ),
        tdp_source: Src::Assume(
            "Epoch AI chip dataset (Chip dataset-Grid view.csv @263c40a), row 'NVIDIA B200': TDP 1000 W",
        ),
    },
];

struct Price {
    gpu: &'static str,
    date: &'static str,
    dist: Dist,
    source: Src,
    note: &'static str,
}

const EPOCH_PRICES: &str = "Epoch AI Hardware prices.csv @4b09bcd";

const PRICES: &[Price] = &[
    // A100
    Price {
        gpu: "A100",
        date: "2020-05-21",
        dist: Dist::Point(24_875.0),
        source: Src::Assume(
            "Epoch AI Hardware prices.csv @4b09bcd row 68: DGX A100 (8 GPU, 320GB) release price / 8",
        ),
        note: "server share: DGX A100 $199,000 / 8 (the row Epoch's method selects)",
    },
    Price {
        gpu: "A100",
        date: "2020-07-01",
        dist: Dist::Point(15_000.0),
        source: Src::Assume(
            "Epoch AI Hardware prices.csv @4b09bcd row 77: A100 SXM4 40 GB single-unit list price",
        ),
        note: "chip: single-unit list price",
    },
    Price {
        gpu: "A100",
        date: "2023-02",
        dist: Dist::Point(10_000.0),
        source: Src::Claim("cnbc-a100-unit-price"),
        note: "chip: 'roughly $10,000' (CNBC)",
    },
    Price {
        gpu: "A100",
        date: "2023-09-23",
        dist: Dist::Point(18_548.75),
        source: Src::Assume(
            "Epoch AI Hardware prices.csv @4b09bcd row 334: HGX A100 (8 GPU, 640GB) price / 8",
        ),
        note: "server share: HGX A100 / 8",
    },
    // H100
    Price {
        gpu: "H100",
        date: "2022-09-29",
        dist: Dist::Point(44_489.88),
        source: Src::Assume(
            "Epoch AI Hardware prices.csv @4b09bcd row 236: DGX H100 (8 GPU) EUR 369,855.51 / 8, converted to USD",
        ),
        note: "server share: DGX H100 / 8 (the row Epoch's method selects)",
    },
    Price {
        gpu: "H100",
        date: "2023-08",
        dist: Dist::Uniform {
            lo: 25_000.0,
            hi: 30_000.0,
        },
        source: Src::Claim("raymond-james-h100-sale-price"),
        note: "chip: sale price to end customers (Raymond James estimate)",
    },
    Price {
        gpu: "H100",
        date: "2024-07-31",
        dist: Dist::Point(36_017.75),
        source: Src::Assume(
            "Epoch AI Hardware prices.csv @4b09bcd row 587: 8x GPU HGX H100, $288,142 total / 8",
        ),
        note: "server share: HGX H100 / 8",
    },
    Price {
        gpu: "H100",
        date: "2025-01-09",
        dist: Dist::Point(30_000.0),
        source: Src::Claim("lambert-h100-market-price"),
        note: "chip: 'a market price of $30K for a single H100' (Lambert)",
    },
    // H800
    Price {
        gpu: "H800",
        date: "2023-02",
        dist: Dist::Triangular {
            min: 33_000.0,
            mode: 36_000.0,
            max: 40_000.0,
        },
        source: Src::Derived(
            "8-GPU H800 server at about 2,000,000 CNY at launch, / 8 = 250,000 CNY per GPU, at an assumed 6.25-7.5 CNY/USD",
            "reuters-h800-server-price",
        ),
        note: "server share: 8-GPU H800 server about 2,000,000 CNY at launch / 8 = 250,000 CNY, at 6.25-7.5 CNY/USD (assumed range)",
    },
    Price {
        gpu: "H800",
        date: "2025-02-21",
        dist: Dist::Point(44_750.0),
        source: Src::Assume(
            "Epoch AI Hardware prices.csv @4b09bcd row 460: DGX H800 (8 GPU) price / 8",
        ),
        note: "server share: DGX H800 / 8",
    },
    // H20
    Price {
        gpu: "H20",
        date: "2024-02",
        dist: Dist::Uniform {
            lo: 12_000.0,
            hi: 15_000.0,
        },
        source: Src::Claim("reuters-h20-price-2024"),
        note: "chip: distributor orders in China",
    },
    Price {
        gpu: "H20",
        date: "2025-05-25",
        dist: Dist::Uniform {
            lo: 10_000.0,
            hi: 12_000.0,
        },
        source: Src::Claim("reuters-h20-price-2025"),
        note: "chip: as sold in China before the 2025 export ban",
    },
    // H200
    Price {
        gpu: "H200",
        date: "2024-03-27",
        dist: Dist::Point(33_820.65),
        source: Src::Assume(
            "Epoch AI Hardware prices.csv @4b09bcd row 575: 8x GPU H200, $270,565 total / 8",
        ),
        note: "server share: 8-GPU H200 system / 8",
    },
    Price {
        gpu: "H200",
        date: "2025-12",
        dist: Dist::Point(27_000.0),
        source: Src::Claim("reuters-h200-china-order-price"),
        note: "chip: Chinese orders, 'around $27,000 each'",
    },
    // B200
    Price {
        gpu: "B200",
        date: "2024-10-03",
        dist: Dist::Uniform {
            lo: 30_000.0,
            hi: 40_000.0,
        },
        source: Src::Claim("cnbc-blackwell-unit-price"),
        note: "chip: expected Blackwell unit price (Huang to CNBC)",
    },
    Price {
        gpu: "B200",
        date: "2024-12-17",
        dist: Dist::Point(47_409.13),
        source: Src::Assume(
            "Epoch AI Hardware prices.csv @4b09bcd row 453: DGX B200 (8 GPU) EUR price / 8, converted to USD",
        ),
        note: "server share: DGX B200 / 8",
    },
];

fn year(date: &str) -> i32 {
    date.get(..4).and_then(|y| y.parse().ok()).unwrap_or(2024)
}

impl PricingModel for NvidiaPricing {
    fn about(&self) -> About {
        About {
            description: format!(
                "NVIDIA datacenter GPUs: peak dense BF16 FLOP/s and TDP ({CHIPS}), dated purchase prices (claims; {EPOCH_PRICES})"
            ),
            queries: vec![QueryKind::GpuSpec, QueryKind::PurchasePrice],
            gpus: SPECS.iter().map(|s| s.gpu.to_owned()).collect(),
            ..About::default()
        }
    }

    fn gpu_spec(&self, gpu: &str) -> Answer<GpuSpec> {
        let s = SPECS.iter().find(|s| s.gpu == gpu).ok_or_else(|| {
            ErrorPayload::no_data(format!("nvidia-pricing has no specs for {gpu}"))
        })?;
        Ok(GpuSpec {
            gpu: s.gpu.to_owned(),
            product: s.product.to_owned(),
            release_date: Some(s.release.to_owned()),
            peak_bf16_flops: q(Dist::Point(s.bf16), "FLOP/s", s.bf16_source),
            tdp: q(Dist::Point(s.tdp), "W", s.tdp_source),
        })
    }

    fn purchase_prices(&self, gpu: &str) -> Answer<PurchasePrices> {
        let mut quotes: Vec<PriceQuote> = PRICES
            .iter()
            .filter(|p| p.gpu == gpu)
            .map(|p| PriceQuote {
                date: p.date.to_owned(),
                price: q(p.dist.clone(), "USD/GPU", p.source).in_dollars_of(year(p.date)),
                note: p.note.to_owned(),
            })
            .collect();
        if quotes.is_empty() {
            return Err(ErrorPayload::no_data(format!(
                "nvidia-pricing has no purchase prices for {gpu}"
            )));
        }
        quotes.sort_by(|a, b| a.date.cmp(&b.date));
        Ok(PurchasePrices {
            gpu: gpu.to_owned(),
            quotes,
        })
    }
}

traincost_plugin::declare_plugin!(pricing: NvidiaPricing);

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
    fn h800_spec_and_prices() {
        let r = testing::call(&PLUGIN, testing::gpu_spec("H800")).unwrap();
        let QueryResult::GpuSpec(s) = r.result else {
            panic!()
        };
        assert_eq!(s.peak_bf16_flops.dist, Dist::Point(9.89e14));
        assert_eq!(s.tdp.dist, Dist::Point(700.0));
        let r = testing::call(&PLUGIN, testing::purchase_price("H800")).unwrap();
        let QueryResult::PurchasePrice(p) = r.result else {
            panic!()
        };
        assert_eq!(p.quotes.len(), 2);
        assert!(p.quotes.windows(2).all(|w| w[0].date <= w[1].date));
    }

    #[test]
    fn unknown_gpu_is_an_error() {
        let e = testing::call(&PLUGIN, testing::gpu_spec("V100")).unwrap_err();
        assert!(e.to_string().contains("no_data"), "{e}");
    }
}
