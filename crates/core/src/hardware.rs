//! Built-in accelerator specifications: peak dense 16-bit tensor throughput and TDP.
//!
//! The figures are rows of Epoch AI's chip dataset (embedded; see [`crate::epoch::chips`]:
//! "Tensor-FP16/BF16 performance" and "TDP (W)"), which cites each vendor datasheet. This module
//! only maps the short names scenarios use (`H800`) to those rows.
//!
//! # Example
//!
//! ```
//! use traincost_core::hardware;
//!
//! let h800 = hardware::gpu("H800").unwrap();
//! assert_eq!(h800.tdp.0, 700.0);
//! assert!(hardware::gpu("H900").is_none());
//! assert!(hardware::gpu_names().contains(&"A100"));
//! ```

use std::sync::OnceLock;

use crate::epoch::chips::ChipTable;
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
}

/// Short scenario names and the chip-dataset rows they stand for.
const NAMES: [(&str, &str); 8] = [
    ("V100", "NVIDIA Tesla V100 SXM2 32 GB"),
    ("A100", "NVIDIA A100 SXM4 40 GB"),
    ("H100", "NVIDIA H100 SXM5 80GB"),
    ("H800", "NVIDIA H800 SXM5"),
    ("H20", "NVIDIA HGX H20"),
    ("H200", "NVIDIA H200 SXM"),
    ("B200", "NVIDIA B200"),
    ("TPU-v4", "Google TPU v4"),
];

/// The built-in accelerators, read from the embedded chip dataset.
pub fn gpus() -> &'static [GpuSpec] {
    static GPUS: OnceLock<Vec<GpuSpec>> = OnceLock::new();
    GPUS.get_or_init(|| {
        NAMES
            .iter()
            .map(|&(name, dataset_name)| {
                let chip = ChipTable::embedded()
                    .get(dataset_name)
                    .expect("built-in GPUs are in the chip dataset (tested)");
                GpuSpec {
                    name,
                    dataset_name,
                    peak_bf16: chip
                        .peak_flop_per_s()
                        .expect("built-in GPUs have a peak (tested)"),
                    tdp: chip.tdp.expect("built-in GPUs have a TDP (tested)"),
                }
            })
            .collect()
    })
}

/// Every accelerator of the embedded chip dataset that has a peak and a TDP, by its full
/// name there (`Google TPU v3`, `NVIDIA Tesla K80`): the hardware of every row of Epoch AI's
/// cost table, so a scenario built from a row can name its `gpu` as the row does.
pub fn dataset_gpus() -> &'static [GpuSpec] {
    static GPUS: OnceLock<Vec<GpuSpec>> = OnceLock::new();
    GPUS.get_or_init(|| {
        ChipTable::embedded()
            .chips()
            .iter()
            .filter_map(|chip| {
                Some(GpuSpec {
                    name: chip.name.as_str(),
                    dataset_name: chip.name.as_str(),
                    peak_bf16: chip.peak_flop_per_s()?,
                    tdp: chip.tdp?,
                })
            })
            .collect()
    })
}

/// The accelerator called `name` (case-insensitive): a short name (`H800`), else a full name
/// of Epoch AI's chip dataset (`Google TPU v3`).
pub fn gpu(name: &str) -> Option<&'static GpuSpec> {
    gpus()
        .iter()
        .chain(dataset_gpus())
        .find(|g| g.name.eq_ignore_ascii_case(name))
}

/// Short names of the built-in accelerators (every full name of the chip dataset is known
/// too: [`dataset_gpus`]).
pub fn gpu_names() -> Vec<&'static str> {
    NAMES.iter().map(|(n, _)| *n).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn specs_come_from_the_chip_dataset() {
        let h800 = super::gpu("h800").unwrap();
        assert_eq!((h800.tdp.0, h800.peak_bf16.0), (700.0, 9.89e14));
        assert_eq!(super::gpus().len(), super::gpu_names().len());
        assert_eq!(super::gpu("A100").unwrap().peak_bf16.0, 3.12e14);
        assert!(super::gpu("H900").is_none());
        let tpu = super::gpu("google tpu v3").unwrap();
        assert_eq!(tpu.dataset_name, "Google TPU v3");
    }

    /// Every accelerator of Epoch AI's cost table is known by the name the table writes.
    #[test]
    fn every_epoch_table_accelerator_is_known() {
        for row in crate::epoch::table::CostTable::embedded().rows() {
            assert!(super::gpu(&row.hardware).is_some(), "{}", row.hardware);
        }
    }
}
