//! Chip specifications from Epoch's chip dataset (`data/Chip dataset-Grid view.csv` at
//! `263c40a`), trimmed to the hardware of the reference table and a few recent chips: release
//! date, TDP and peak throughput by precision. Embedded; see `crates/core/data/epoch/README.md`.
//!
//! Epoch renamed two chips between versions (`NVIDIA GTX Titan X` -> `NVIDIA GeForce GTX TITAN X`,
//! `NVIDIA H100 SXM5` -> `NVIDIA H100 SXM5 80GB`); both names are listed. TDPs changed between
//! dataset vintages (TPU v3 450 W in v1, 220 W in 2025; TPU v4 none in v1, hence Epoch's 373 W
//! fallback), so a reproduction of a given version reads the TDP recorded for that version.

use std::sync::OnceLock;

use crate::units::{FlopPerSecond, Watts};

use super::csv::{self, CsvError, Header};
use super::hardware::is_tpu;
use crate::date::Date;

/// One chip's specification.
#[derive(Debug, Clone, PartialEq)]
pub struct ChipSpec {
    /// Hardware name as the models database writes it.
    pub name: String,
    /// Release date.
    pub release_date: Option<Date>,
    /// Thermal design power.
    pub tdp: Option<Watts>,
    /// Dense FP16/BF16 tensor-core throughput.
    pub tensor_fp16: Option<FlopPerSecond>,
    /// TF32 throughput.
    pub tf32: Option<FlopPerSecond>,
    /// FP16 (non-tensor) throughput.
    pub fp16: Option<FlopPerSecond>,
    /// FP32 throughput.
    pub fp32: Option<FlopPerSecond>,
    /// INT8 throughput (operations per second).
    pub int8: Option<FlopPerSecond>,
}

impl ChipSpec {
    /// Epoch's peak FLOP/s for imputing chip-hours (`hardware.py:32-59`): FP16 tensor core, else
    /// TF32, else FP16 (TPUs only), else FP32; TPU v1 uses INT8 OP/s.
    pub fn peak_flop_per_s(&self) -> Option<FlopPerSecond> {
        if is_tpu(&self.name) && self.name.contains("v1") {
            return self.int8;
        }
        self.tensor_fp16
            .or(self.tf32)
            .or(if is_tpu(&self.name) { self.fp16 } else { None })
            .or(self.fp32)
    }
}

/// The embedded chip table.
#[derive(Debug, Clone)]
pub struct ChipTable {
    chips: Vec<ChipSpec>,
}

/// The embedded CSV text.
pub const CHIPS_CSV: &str = include_str!("../../data/epoch/chips.csv");

impl ChipTable {
    /// Parses a chip table in the embedded format.
    pub fn parse(text: &str) -> Result<ChipTable, CsvError> {
        let records = csv::parse(text)?;
        let Some((head, rows)) = records.split_first() else {
            return Ok(ChipTable { chips: Vec::new() });
        };
        let h = Header::new(head);
        let cols = [
            "hardware",
            "release_date",
            "tdp_w",
            "tensor_fp16_flop_per_s",
            "tf32_flop_per_s",
            "fp16_flop_per_s",
            "fp32_flop_per_s",
            "int8_op_per_s",
        ];
        let idx: Vec<usize> = cols.iter().map(|c| h.index(c)).collect::<Result<_, _>>()?;
        let mut chips = Vec::with_capacity(rows.len());
        for r in rows {
            let num = |k: usize| csv::opt_f64(r, idx[k], cols[k]);
            chips.push(ChipSpec {
                name: csv::field(r, idx[0]).to_owned(),
                release_date: csv::opt_date(r, idx[1], cols[1], false)?,
                tdp: num(2)?.map(Watts),
                tensor_fp16: num(3)?.map(FlopPerSecond),
                tf32: num(4)?.map(FlopPerSecond),
                fp16: num(5)?.map(FlopPerSecond),
                fp32: num(6)?.map(FlopPerSecond),
                int8: num(7)?.map(FlopPerSecond),
            });
        }
        Ok(ChipTable { chips })
    }

    /// The embedded table.
    pub fn embedded() -> &'static ChipTable {
        static TABLE: OnceLock<ChipTable> = OnceLock::new();
        TABLE.get_or_init(|| ChipTable::parse(CHIPS_CSV).expect("embedded chips.csv parses"))
    }

    /// The chip with exactly this name.
    pub fn get(&self, name: &str) -> Option<&ChipSpec> {
        self.chips.iter().find(|c| c.name == name)
    }

    /// All chips.
    pub fn chips(&self) -> &[ChipSpec] {
        &self.chips
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_chips_parse() {
        let t = ChipTable::embedded();
        let a100 = t.get("NVIDIA A100 SXM4 40 GB").unwrap();
        assert_eq!(a100.release_date.unwrap().to_string(), "2020-05-14");
        assert_eq!(a100.tdp, Some(Watts(400.0)));
        let h100 = t.get("NVIDIA H100 SXM5").unwrap();
        assert_eq!(h100.peak_flop_per_s(), Some(FlopPerSecond(9.894e14)));
        let tpu1 = t.get("Google TPU v1").unwrap();
        assert_eq!(tpu1.peak_flop_per_s(), Some(FlopPerSecond(9.2e13)));
        let k80 = t.get("NVIDIA Tesla K80").unwrap();
        assert_eq!(k80.peak_flop_per_s(), Some(FlopPerSecond(8.126e12)));
        assert!(ChipTable::parse("hardware\nx\n").is_err());
    }
}
