//! The closed vocabularies of schema v1: units, GPU ids, role ids and region ids.
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
    // Added with the `grid` kind (ABI 1.1, additive): the carbon intensity of electricity,
    // grams of CO2-equivalent per kilowatt-hour used.
    "gCO2e/kWh",
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

/// A region a grid plugin may answer for: its canonical id, its name, the spellings that mean
/// it.
#[derive(Debug, Clone, Copy)]
pub struct RegionId {
    /// Canonical id used in payloads: an ISO 3166-1 alpha-2 country (`"FR"`), an ISO 3166-2
    /// subdivision (`"US-IA"`), or a group (`"EU27"`, `"WORLD"`).
    pub id: &'static str,
    /// For people, e.g. `"Iowa (United States)"`.
    pub name: &'static str,
    /// Other spellings (compared case-insensitively, ignoring spaces, `-`, `_` and `.`).
    pub aliases: &'static [&'static str],
}

const fn region(
    id: &'static str,
    name: &'static str,
    aliases: &'static [&'static str],
) -> RegionId {
    RegionId { id, name, aliases }
}

/// Every region id a v1 payload may use: countries where AI models are trained, the US
/// states Meta's and Google's data centers are in, and groups. Adding one is additive.
pub const REGIONS: &[RegionId] = &[
    region("WORLD", "the world", &["global", "world average"]),
    region(
        "EU27",
        "European Union (27 members, since 2020)",
        &["EU", "EU-27", "European Union"],
    ),
    region(
        "US",
        "United States",
        &["USA", "United States", "United States of America"],
    ),
    region(
        "CN",
        "China",
        &["PRC", "China", "People's Republic of China"],
    ),
    region("FR", "France", &["France"]),
    region("DE", "Germany", &["Germany"]),
    region(
        "GB",
        "United Kingdom",
        &["UK", "United Kingdom", "Great Britain"],
    ),
    region("FI", "Finland", &["Finland"]),
    region("SE", "Sweden", &["Sweden"]),
    region("IE", "Ireland", &["Ireland"]),
    region("NL", "Netherlands", &["Netherlands"]),
    region("DK", "Denmark", &["Denmark"]),
    region("CA", "Canada", &["Canada"]),
    region("JP", "Japan", &["Japan"]),
    region("KR", "South Korea", &["Korea", "South Korea"]),
    region("IN", "India", &["India"]),
    region("SG", "Singapore", &["Singapore"]),
    region("TW", "Taiwan", &["Taiwan"]),
    region("AU", "Australia", &["Australia"]),
    region(
        "AE",
        "United Arab Emirates",
        &["UAE", "United Arab Emirates"],
    ),
    region("US-AL", "Alabama (United States)", &["Alabama"]),
    region("US-AZ", "Arizona (United States)", &["Arizona"]),
    region("US-CA", "California (United States)", &["California"]),
    region("US-GA", "Georgia (United States)", &[]),
    region("US-IA", "Iowa (United States)", &["Iowa"]),
    region("US-ID", "Idaho (United States)", &["Idaho"]),
    region("US-IL", "Illinois (United States)", &["Illinois"]),
    region("US-IN", "Indiana (United States)", &["Indiana"]),
    region("US-LA", "Louisiana (United States)", &["Louisiana"]),
    region("US-MN", "Minnesota (United States)", &["Minnesota"]),
    region(
        "US-NC",
        "North Carolina (United States)",
        &["North Carolina"],
    ),
    region("US-NE", "Nebraska (United States)", &["Nebraska"]),
    region("US-NM", "New Mexico (United States)", &["New Mexico"]),
    region("US-NV", "Nevada (United States)", &["Nevada"]),
    region("US-OH", "Ohio (United States)", &["Ohio"]),
    region("US-OK", "Oklahoma (United States)", &["Oklahoma"]),
    region("US-OR", "Oregon (United States)", &["Oregon"]),
    region(
        "US-SC",
        "South Carolina (United States)",
        &["South Carolina"],
    ),
    region("US-TN", "Tennessee (United States)", &["Tennessee"]),
    region("US-TX", "Texas (United States)", &["Texas"]),
    region("US-UT", "Utah (United States)", &["Utah"]),
    region("US-VA", "Virginia (United States)", &["Virginia"]),
    region("US-WA", "Washington (United States)", &["Washington"]),
    region("US-WI", "Wisconsin (United States)", &["Wisconsin"]),
];

fn region_key(s: &str) -> String {
    s.trim()
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '_' | '.'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// The canonical id of a region id, name or alias, compared case-insensitively: `"us-ia"`,
/// `"Iowa"` and `"US_IA"` give `"US-IA"`, `"eu-27"` gives `"EU27"`.
pub fn canonical_region(name: &str) -> Option<&'static str> {
    let key = region_key(name);
    if key.is_empty() {
        return None;
    }
    REGIONS
        .iter()
        .find(|r| region_key(r.id) == key || r.aliases.iter().any(|a| region_key(a) == key))
        .map(|r| r.id)
}

/// The region ids closest to an unknown `name` (at most three, best first): `"US-IW"` gives
/// `["US-IA", ...]`. For "did you mean" hints.
pub fn suggest_regions(name: &str) -> Vec<&'static str> {
    let key = region_key(name);
    let mut scored: Vec<(usize, &'static str)> = REGIONS
        .iter()
        .map(|r| {
            let d = std::iter::once(r.id)
                .chain(r.aliases.iter().copied())
                .map(|s| edit_distance(&key, &region_key(s)))
                .min()
                .unwrap_or(usize::MAX);
            (d, r.id)
        })
        .filter(|(d, _)| *d <= 2.max(key.chars().count() / 3))
        .collect();
    scored.sort();
    scored.into_iter().take(3).map(|(_, id)| id).collect()
}

/// Levenshtein distance, on characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = if ca == *cb {
                prev
            } else {
                1 + prev.min(cur).min(row[j])
            };
            prev = cur;
        }
    }
    row[b.len()]
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

    #[test]
    fn region_ids_resolve_case_insensitively_with_suggestions() {
        assert_eq!(canonical_region("us-ia"), Some("US-IA"));
        assert_eq!(canonical_region("US_IA"), Some("US-IA"));
        assert_eq!(canonical_region("Iowa"), Some("US-IA"));
        assert_eq!(canonical_region("eu-27"), Some("EU27"));
        assert_eq!(canonical_region("france"), Some("FR"));
        assert_eq!(canonical_region("world"), Some("WORLD"));
        assert_eq!(canonical_region(""), None);
        assert_eq!(canonical_region("US-XX"), None);
        assert_eq!(suggest_regions("US-IW")[0], "US-IA");
        assert!(
            suggest_regions("Frnace").contains(&"FR"),
            "{:?}",
            suggest_regions("Frnace")
        );
        assert!(suggest_regions("zzzzzzzzzz").is_empty());
        // Ids are unique and canonical under their own key.
        for r in REGIONS {
            assert_eq!(canonical_region(r.id), Some(r.id), "{}", r.id);
            for a in r.aliases {
                assert_eq!(canonical_region(a), Some(r.id), "{a}");
            }
        }
    }
}
