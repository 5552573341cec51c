//! Built-in accelerator specifications: peak dense 16-bit tensor throughput and TDP.
//!
//! Figures are from Epoch AI's chip dataset (`Chip dataset-Grid view.csv` at
//! epoch-research/training-cost-trends 263c40a, columns "Tensor-FP16/BF16 performance" and
//! "TDP (W)"), which cites each vendor datasheet. Pricing plugins may supply more chips.

use crate::units::{FlopPerSecond, Watts};

/// What traincost knows about one accelerator model.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GpuSpec {
    /// Short name used in scenarios (`H800`).
    pub name: &'static str,
    /// Name in Epoch AI's chip dataset.
    pub dataset_name: &'static str,
    /// Peak dense FP16/BF16 tensor throughput.
    pub peak_bf16: FlopPerSecond,
    /// Thermal design power of the chip.
    pub tdp: Watts,
    /// Release date (`YYYY-MM-DD`).
    pub released: &'static str,
}

/// The built-in accelerators.
pub const GPUS: &[GpuSpec] = &[
    GpuSpec {
        name: "V100",
        dataset_name: "NVIDIA Tesla V100 SXM2 32 GB",
        peak_bf16: FlopPerSecond(1.25e14),
        tdp: Watts(300.0),
        released: "2018-03-27",
    },
    GpuSpec {
        name: "A100",
        dataset_name: "NVIDIA A100 SXM4 40 GB",
        peak_bf16: FlopPerSecond(3.12e14),
        tdp: Watts(400.0),
        released: "2020-05-14",
    },
    GpuSpec {
        name: "H100",
        dataset_name: "NVIDIA H100 SXM5 80GB",
        peak_bf16: FlopPerSecond(9.894e14),
        tdp: Watts(700.0),
        released: "2022-09-20",
    },
    GpuSpec {
        name: "H800",
        dataset_name: "NVIDIA H800 SXM5",
        peak_bf16: FlopPerSecond(9.89e14),
        tdp: Watts(700.0),
        released: "2023-03-21",
    },
    GpuSpec {
        name: "H20",
        dataset_name: "NVIDIA HGX H20",
        peak_bf16: FlopPerSecond(1.48e14),
        tdp: Watts(400.0),
        released: "2023-11-09",
    },
    GpuSpec {
        name: "H200",
        dataset_name: "NVIDIA H200 SXM",
        peak_bf16: FlopPerSecond(9.895e14),
        tdp: Watts(700.0),
        released: "2024-11-18",
    },
    GpuSpec {
        name: "B200",
        dataset_name: "NVIDIA B200",
        peak_bf16: FlopPerSecond(2.25e15),
        tdp: Watts(1000.0),
        released: "2024-03-18",
    },
];

/// The accelerator called `name` (case-insensitive).
pub fn gpu(name: &str) -> Option<&'static GpuSpec> {
    GPUS.iter().find(|g| g.name.eq_ignore_ascii_case(name))
}

/// Names of all built-in accelerators.
pub fn gpu_names() -> Vec<&'static str> {
    GPUS.iter().map(|g| g.name).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn lookup_is_case_insensitive() {
        assert_eq!(super::gpu("h800").unwrap().tdp.0, 700.0);
        assert!(super::gpu("H900").is_none());
    }
}
