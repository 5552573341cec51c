//! Epoch's rules keyed on the hardware name: server overhead, server power ratio, average power
//! fraction, GPU price aliases and TPU-equivalent prices (EPOCH_METHOD.md sections 1, 1.2, 1.3).
//!
//! Epoch matches names by case-sensitive substring, so `"NVIDIA H800 SXM5"` is not an H100 and
//! gets the default ratios; this module reproduces that on purpose.

use super::version::CodeVersion;

/// Whether the hardware is a Google TPU (name contains `TPU`).
pub fn is_tpu(hardware: &str) -> bool {
    hardware.contains("TPU")
}

/// Server cost per chip divided by the chip's own cost (`hardware.py:103-115`): A100 1.66,
/// V100 1.69, P100 1.54, everything else (H100, TPUs, ...) 1.64.
///
/// Epoch multiplies single-unit and TPU-equivalent prices by it, and divides the amortized
/// server cost by it to split "AI chips" from "other server components", whether or not the price
/// was already a DGX/server price (section 10, item 6).
pub fn server_overhead(hardware: &str) -> f64 {
    if hardware.contains("A100") {
        1.66
    } else if hardware.contains("V100") {
        1.69
    } else if hardware.contains("P100") {
        1.54
    } else {
        DEFAULT_SERVER_OVERHEAD
    }
}

/// Server overhead of hardware with no specific value (and of TPUs).
pub const DEFAULT_SERVER_OVERHEAD: f64 = 1.64;

/// Server power per chip as a multiple of the chip's TDP (`energy.py:66-126`).
///
/// H100: DGX H100 10.2 kW / 8 GPUs / 0.7 kW = 1.8214; A100: 6.5 kW / 8 / 0.4 kW = 2.03125;
/// V100: mean of DGX-2 (10 kW / 16 / 0.3 kW) and DGX Station (1.5 kW / 4 / 0.3 kW) = 1.6667;
/// other GPUs 1.8; TPU v1 2.93, v2 1.64, v3 1.47, other TPUs 1.56.
pub fn chip_to_server_power(hardware: &str) -> f64 {
    if is_tpu(hardware) {
        if hardware.contains("v1") {
            2.93
        } else if hardware.contains("v2") {
            1.64
        } else if hardware.contains("v3") {
            1.47
        } else {
            1.56
        }
    } else if hardware.contains("H100") {
        (10.2 / 8.0) / 0.7
    } else if hardware.contains("A100") {
        (6.5 / 8.0) / 0.4
    } else if hardware.contains("V100") {
        ((10.0 / 16.0) / 0.3 + (1.5 / 4.0) / 0.3) / 2.0
    } else {
        1.8
    }
}

/// Average power draw as a fraction of TDP: 0.43 for TPUs, 0.75 for everything else.
pub fn average_power_fraction(hardware: &str) -> f64 {
    if is_tpu(hardware) {
        super::TPU_AVERAGE_POWER_FRACTION
    } else {
        super::GPU_AVERAGE_POWER_FRACTION
    }
}

/// TDP used when the chip dataset has none for a TPU v4 (`cost.py:341-349`), in watts.
pub const TPU_V4_FALLBACK_TDP_W: f64 = 373.0;

/// GPU aliases, in matching order (`hardware.py:21-29`; the 2025 code adds three).
pub fn gpu_aliases(version: CodeVersion) -> &'static [&'static str] {
    const V1: &[&str] = &["A100", "V100", "H100", "P100", "K80", "K40", "Titan X"];
    const V2025: &[&str] = &[
        "A100",
        "V100",
        "H100",
        "P100",
        "K80",
        "K40",
        "Titan X",
        "GTX 580",
        "GTX TITAN",
        "Titan Black",
    ];
    match version {
        CodeVersion::PaperV1 | CodeVersion::PaperV2 => V1,
        CodeVersion::Update2025_06 | CodeVersion::Head => V2025,
    }
}

/// The first alias (case-sensitive substring) that the hardware name contains.
///
/// So `"NVIDIA GeForce GTX TITAN X"` is `GTX TITAN` in the 2025 code (`Titan X` differs in case)
/// and has no alias in v1; `"NVIDIA H800 SXM5"` has none anywhere.
pub fn gpu_alias(hardware: &str, version: CodeVersion) -> Option<&'static str> {
    gpu_aliases(version)
        .iter()
        .copied()
        .find(|a| hardware.contains(a))
}

/// Epoch's estimated "TPU-equivalent" chip price in USD, before server overhead
/// (`prices.py:37-42`; the 2025 price file adds v5e, v5p and v6e).
pub fn tpu_equivalent_price(hardware: &str, version: CodeVersion) -> Option<f64> {
    if !is_tpu(hardware) {
        return None;
    }
    let recent = matches!(version, CodeVersion::Update2025_06 | CodeVersion::Head);
    // Longer keys first so that "v5e" is not taken for another generation.
    let table: [(&str, f64, bool); 7] = [
        ("v5e", 1_781.0, true),
        ("v5p", 3_694.0, true),
        ("v6e", 6_518.0, true),
        ("v1", 5_463.0, false),
        ("v2", 5_054.0, false),
        ("v3", 5_276.0, false),
        ("v4", 5_167.0, false),
    ];
    table
        .iter()
        .find(|(key, _, needs_recent)| hardware.contains(key) && (recent || !needs_recent))
        .map(|&(_, price, _)| price)
}

/// Epoch's soft matching of hardware names for cloud prices (`SIMPLIFIED_HARDWARE_NAMES`,
/// `hardware.py:7-19`), in Epoch's order.
pub const SIMPLIFIED_HARDWARE_NAMES: [(&str, &str); 11] = [
    ("NVIDIA Tesla V100 DGXS 16 GB", "NVIDIA V100"),
    ("NVIDIA Tesla V100 DGXS 32 GB", "NVIDIA V100"),
    ("NVIDIA Tesla V100S PCIe 32 GB", "NVIDIA V100"),
    ("NVIDIA V100", "NVIDIA V100"),
    ("NVIDIA A100 PCIe", "NVIDIA A100"),
    ("NVIDIA A100 SXM4 40 GB", "NVIDIA A100"),
    ("NVIDIA A100 SXM4 80 GB", "NVIDIA A100"),
    ("NVIDIA A100", "NVIDIA A100"),
    ("NVIDIA H100 PCIe", "NVIDIA H100"),
    ("NVIDIA H100 SXM5", "NVIDIA H100"),
    ("NVIDIA H100", "NVIDIA H100"),
];

/// The simplified name of a hardware model, if Epoch has one.
pub fn simplified_name(hardware: &str) -> Option<&'static str> {
    SIMPLIFIED_HARDWARE_NAMES
        .iter()
        .find(|(full, _)| *full == hardware)
        .map(|&(_, s)| s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratios_follow_epoch() {
        assert!((chip_to_server_power("NVIDIA H100 SXM5 80GB") - 1.821_428_571).abs() < 1e-9);
        assert_eq!(chip_to_server_power("NVIDIA A100 SXM4 40 GB"), 2.03125);
        assert!((chip_to_server_power("NVIDIA V100") - 1.666_666_667).abs() < 1e-9);
        assert_eq!(chip_to_server_power("NVIDIA H800 SXM5"), 1.8);
        assert_eq!(chip_to_server_power("Google TPU v4"), 1.56);
        assert_eq!(chip_to_server_power("Google TPU v1"), 2.93);
        assert_eq!(server_overhead("NVIDIA A100 SXM4 80 GB"), 1.66);
        assert_eq!(server_overhead("Google TPU v3"), 1.64);
        assert_eq!(average_power_fraction("Google TPU v3"), 0.43);
        assert_eq!(average_power_fraction("NVIDIA P100"), 0.75);
    }

    #[test]
    fn aliases_are_case_sensitive_substrings() {
        use CodeVersion::*;
        assert_eq!(
            gpu_alias("NVIDIA Tesla V100 DGXS 32 GB", PaperV1),
            Some("V100")
        );
        assert_eq!(gpu_alias("NVIDIA GeForce GTX TITAN X", PaperV1), None);
        assert_eq!(
            gpu_alias("NVIDIA GeForce GTX TITAN X", Update2025_06),
            Some("GTX TITAN")
        );
        assert_eq!(gpu_alias("NVIDIA H800 SXM5", Head), None);
        assert_eq!(
            tpu_equivalent_price("Google TPU v4", PaperV1),
            Some(5_167.0)
        );
        assert_eq!(tpu_equivalent_price("Google TPU v5e", PaperV1), None);
        assert_eq!(tpu_equivalent_price("Google TPU v5e", Head), Some(1_781.0));
    }
}
