//! The closed vocabularies of schema v1: units, GPU ids and role ids.
//!
//! A host rejects a response that uses a unit, GPU or role outside these lists; adding to them
//! is an additive change (a new `abi_minor` is not needed, the payload schema stays 1). A
//! pricing plugin may extend the GPU list for itself with
//! [`GpuDefinition`]s in its manifest ([`canonical_gpu_in`]).

use crate::payload::GpuDefinition;

/// Every unit a v1 payload may use.
pub const UNITS: &[&str] = &[
    "USD",
    "USD/GPU",
    "USD/GPU-hour",
    "USD/year",
    "USD/month",
    "USD/kWh",
    "CNY",
    "CNY/GPU",
    "CNY/year",
    "CNY/month",
    "CNY/USD",
    // Added in 0.x without a schema change (additive, issue 17): money in EUR, GBP and JPY,
    // and CNY per GPU-hour. The host converts it to USD at the exchange rate of the
    // quantity's `dollar_year`, then to the report's dollars.
    "CNY/GPU-hour",
    "EUR",
    "EUR/GPU",
    "EUR/GPU-hour",
    "EUR/year",
    "EUR/month",
    "GBP",
    "GBP/GPU",
    "GBP/GPU-hour",
    "GBP/year",
    "GBP/month",
    "JPY",
    "JPY/GPU",
    "JPY/GPU-hour",
    "JPY/year",
    "JPY/month",
    "FLOP/s",
    "W",
    "months/year",
    "1",
];

/// The currencies a v1 payload's money may be in (`USD` and the rest: the host converts them).
pub const CURRENCIES: &[&str] = &["USD", "CNY", "EUR", "GBP", "JPY"];

/// The same money unit in every currency of [`CURRENCIES`]: `USD/GPU` gives `USD/GPU`,
/// `CNY/GPU`, `EUR/GPU`, `GBP/GPU`, `JPY/GPU`.
pub fn in_any_currency(usd_unit: &str) -> Vec<String> {
    let rest = usd_unit.strip_prefix("USD").unwrap_or(usd_unit);
    CURRENCIES.iter().map(|c| format!("{c}{rest}")).collect()
}

/// True if `unit` is money: it begins with a currency of [`CURRENCIES`] and is not an
/// exchange rate (`CNY/USD`).
pub fn is_money_unit(unit: &str) -> bool {
    CURRENCIES.iter().any(|c| unit.starts_with(c)) && !unit.ends_with("/USD")
}

/// True if `unit` is one of [`UNITS`].
pub fn is_known_unit(unit: &str) -> bool {
    UNITS.contains(&unit)
}

/// A GPU known to traincost: its canonical id and the spellings that mean it.
#[derive(Debug, Clone, Copy)]
pub struct GpuId {
    /// Canonical id used in payloads, e.g. `"H100"`.
    pub id: &'static str,
    /// Other spellings (compared case-insensitively, ignoring spaces, `-` and `_`).
    pub aliases: &'static [&'static str],
}

/// Every GPU id a v1 payload may use.
pub const GPUS: &[GpuId] = &[
    GpuId {
        id: "V100",
        aliases: &["V100 SXM2", "Tesla V100"],
    },
    GpuId {
        id: "A100",
        aliases: &["A100 SXM4", "A100 SXM4 40GB", "A100 SXM4 80GB", "A100-80GB"],
    },
    GpuId {
        id: "A800",
        aliases: &["A800 SXM4"],
    },
    GpuId {
        id: "H100",
        aliases: &["H100 SXM", "H100 SXM5", "H100 SXM5 80GB"],
    },
    GpuId {
        id: "H100-PCIe",
        aliases: &[],
    },
    GpuId {
        id: "H800",
        aliases: &["H800 SXM", "H800 SXM5"],
    },
    GpuId {
        id: "H20",
        aliases: &["HGX H20"],
    },
    GpuId {
        id: "H200",
        aliases: &["H200 SXM"],
    },
    GpuId {
        id: "GH200",
        aliases: &[],
    },
    GpuId {
        id: "B100",
        aliases: &[],
    },
    GpuId {
        id: "B200",
        aliases: &["HGX B200"],
    },
    GpuId {
        id: "B300",
        aliases: &[],
    },
    GpuId {
        id: "GB200",
        aliases: &[],
    },
    GpuId {
        id: "MI300X",
        aliases: &["Instinct MI300X"],
    },
    GpuId {
        id: "TPU-v4",
        aliases: &["TPU v4"],
    },
    GpuId {
        id: "TPU-v5p",
        aliases: &["TPU v5p"],
    },
];

fn squash(s: &str) -> String {
    let s = s.trim();
    let s = s
        .strip_prefix("NVIDIA ")
        .or_else(|| s.strip_prefix("nvidia "))
        .unwrap_or(s);
    s.chars()
        .filter(|c| !matches!(c, ' ' | '-' | '_'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// The canonical id of a GPU name or alias, e.g. `"nvidia h100 sxm5"` gives `"H100"`.
pub fn canonical_gpu(name: &str) -> Option<&'static str> {
    let key = squash(name);
    GPUS.iter()
        .find(|g| squash(g.id) == key || g.aliases.iter().any(|a| squash(a) == key))
        .map(|g| g.id)
}

/// The canonical id of a GPU name among the catalog's and those a plugin defines
/// ([`crate::payload::GpuDefinition`]): the catalog first (a definition never shadows it), then
/// each definition's id and aliases, compared as [`canonical_gpu`] compares them.
pub fn canonical_gpu_in<'a>(name: &str, defined: &'a [GpuDefinition]) -> Option<&'a str> {
    if let Some(id) = canonical_gpu(name) {
        return Some(id);
    }
    let key = squash(name);
    defined
        .iter()
        .find(|d| squash(&d.id) == key || d.aliases.iter().any(|a| squash(a) == key))
        .map(|d| d.id.as_str())
}

/// Every role id a v1 payload may use.
pub const ROLES: &[(&str, &str)] = &[
    (
        "researcher",
        "research scientist (PhD-level, individual contributor)",
    ),
    ("senior-researcher", "senior or staff research scientist"),
    ("research-engineer", "research or ML engineer"),
    ("engineer", "software or infrastructure engineer"),
    ("lead", "team lead or principal"),
    ("intern", "research intern"),
    ("operations", "operations, data and support staff"),
];

/// The canonical id of a role, compared case-insensitively (`_` and spaces count as `-`).
pub fn canonical_role(name: &str) -> Option<&'static str> {
    let key: String = name
        .trim()
        .chars()
        .map(|c| if c == '_' || c == ' ' { '-' } else { c })
        .flat_map(char::to_lowercase)
        .collect();
    ROLES.iter().find(|(id, _)| *id == key).map(|(id, _)| *id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gpu_aliases_resolve() {
        assert_eq!(canonical_gpu("H100"), Some("H100"));
        assert_eq!(canonical_gpu("nvidia h100 sxm5"), Some("H100"));
        assert_eq!(canonical_gpu("NVIDIA H100 SXM5 80GB"), Some("H100"));
        assert_eq!(canonical_gpu("h100-pcie"), Some("H100-PCIe"));
        assert_eq!(canonical_gpu("h800"), Some("H800"));
        assert_eq!(canonical_gpu("Z999"), None);
        assert_eq!(
            canonical_role("Research_Engineer"),
            Some("research-engineer")
        );
        assert_eq!(canonical_role("ceo"), None);
    }

    #[test]
    fn definitions_extend_the_catalog_without_shadowing_it() {
        let defined = [GpuDefinition {
            id: "Gaudi3".into(),
            aliases: vec!["Intel Gaudi 3".into()],
            product: String::new(),
        }];
        assert_eq!(canonical_gpu_in("gaudi-3", &defined), Some("Gaudi3"));
        assert_eq!(canonical_gpu_in("intel gaudi 3", &defined), Some("Gaudi3"));
        assert_eq!(canonical_gpu_in("h100 sxm", &defined), Some("H100"));
        assert_eq!(canonical_gpu_in("Gaudi3", &[]), None);
    }
}
