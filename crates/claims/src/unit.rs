//! Units as types: what a claim's number counts.

use std::fmt;

/// A currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Currency {
    /// US dollars.
    Usd,
    /// Chinese yuan (renminbi).
    Cny,
    /// Euros.
    Eur,
    /// Pounds sterling.
    Gbp,
    /// Japanese yen.
    Jpy,
}

impl Currency {
    /// ISO 4217 code.
    pub fn code(self) -> &'static str {
        match self {
            Currency::Usd => "USD",
            Currency::Cny => "CNY",
            Currency::Eur => "EUR",
            Currency::Gbp => "GBP",
            Currency::Jpy => "JPY",
        }
    }
}

/// What is counted, before any "per ..." denominator.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum BaseUnit {
    /// Money, optionally in the money of a stated year (`USD (2023)`); without a year the
    /// amount is nominal, i.e. in the money of its publication year.
    Money {
        /// The currency.
        currency: Currency,
        /// The year whose money the amount is expressed in, if stated.
        year: Option<u16>,
    },
    /// GPU-hours, optionally of a named GPU model (`H800 GPU-hours`).
    GpuHours {
        /// The GPU model, if stated.
        gpu: Option<String>,
    },
    /// A number of GPUs, optionally of a named model (`GPUs (NVIDIA H800)`).
    Gpus {
        /// The GPU model or mix, if stated.
        gpu: Option<String>,
    },
    /// Floating-point operations.
    Flop,
    /// Tonnes of CO2 equivalent.
    TonnesCo2e,
    /// A mass of carbon dioxide, or of CO2 equivalent, in grams, kilograms, pounds or thousand
    /// metric tons (`gCO2eq`, `kgCO2`, `lbCO2`, `ktCO2`): with `per kWh` or `per MWh`, a grid
    /// carbon intensity.
    Carbon {
        /// The mass unit.
        mass: CarbonMass,
        /// True for all greenhouse gases as CO2 equivalent (`CO2eq`, `CO2e`), false for CO2
        /// alone (`CO2`).
        co2e: bool,
    },
    /// Percent (17 means 17%).
    Percent,
    /// Model parameters.
    Parameters,
    /// Tokens.
    Tokens,
    /// Wall-clock hours.
    Hours,
    /// Days.
    Days,
    /// Months.
    Months,
    /// Years.
    Years,
    /// Watts.
    Watts,
    /// Electrical energy (`kWh`, `MWh`, `GWh`).
    Energy(EnergyUnit),
    /// People (headcount).
    People,
    /// A multiple ("2.4x"), optionally of something named (`x reported GPU hours`).
    Factor {
        /// What the multiple is of, if stated.
        of: Option<String>,
    },
}

/// The mass unit of [`BaseUnit::Carbon`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CarbonMass {
    /// Grams.
    Grams,
    /// Kilograms.
    Kilograms,
    /// Pounds (avoirdupois, 453.59237 g), as US sources give emission rates.
    Pounds,
    /// Thousand metric tons (kilotonnes), as EIA's state emission tables give them.
    Kilotonnes,
}

impl CarbonMass {
    /// The symbol: `g`, `kg`, `lb`.
    pub fn symbol(self) -> &'static str {
        match self {
            CarbonMass::Grams => "g",
            CarbonMass::Kilograms => "kg",
            CarbonMass::Pounds => "lb",
            CarbonMass::Kilotonnes => "kt",
        }
    }

    /// Grams in one of this unit.
    pub fn grams(self) -> f64 {
        match self {
            CarbonMass::Grams => 1.0,
            CarbonMass::Kilograms => 1_000.0,
            CarbonMass::Pounds => 453.592_37,
            CarbonMass::Kilotonnes => 1e9,
        }
    }
}

/// The scale of [`BaseUnit::Energy`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EnergyUnit {
    /// Kilowatt-hours.
    Kwh,
    /// Megawatt-hours.
    Mwh,
    /// Gigawatt-hours.
    Gwh,
}

impl EnergyUnit {
    /// The symbol: `kWh`, `MWh`, `GWh`.
    pub fn symbol(self) -> &'static str {
        match self {
            EnergyUnit::Kwh => "kWh",
            EnergyUnit::Mwh => "MWh",
            EnergyUnit::Gwh => "GWh",
        }
    }

    /// Kilowatt-hours in one of this unit.
    pub fn kwh(self) -> f64 {
        match self {
            EnergyUnit::Kwh => 1.0,
            EnergyUnit::Mwh => 1e3,
            EnergyUnit::Gwh => 1e6,
        }
    }
}

/// The denominator of a rate ("USD *per GPU-hour*").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Per {
    /// Per GPU.
    Gpu,
    /// Per GPU-hour.
    GpuHour,
    /// Per hour.
    Hour,
    /// Per month.
    Month,
    /// Per year.
    Year,
    /// Per share (stock price).
    Share,
    /// Per server.
    Server,
    /// Per token.
    Token,
    /// Per million tokens.
    MillionTokens,
    /// Per trillion tokens.
    TrillionTokens,
    /// Per kilowatt-hour (of electricity).
    KilowattHour,
    /// Per megawatt-hour (of electricity).
    MegawattHour,
}

impl Per {
    const ALL: [(Per, &'static str); 12] = [
        (Per::Gpu, "GPU"),
        (Per::GpuHour, "GPU-hour"),
        (Per::Hour, "hour"),
        (Per::Month, "month"),
        (Per::Year, "year"),
        (Per::Share, "share"),
        (Per::Server, "server"),
        (Per::Token, "token"),
        (Per::MillionTokens, "million tokens"),
        (Per::TrillionTokens, "trillion tokens"),
        (Per::KilowattHour, "kWh"),
        (Per::MegawattHour, "MWh"),
    ];

    fn name(self) -> &'static str {
        Per::ALL
            .iter()
            .find(|(p, _)| *p == self)
            .map_or("?", |(_, n)| n)
    }

    fn parse(s: &str) -> Option<Per> {
        let s = s.trim();
        let norm = s.replace("GPU hour", "GPU-hour");
        Per::ALL
            .iter()
            .find(|(_, n)| n.eq_ignore_ascii_case(&norm))
            .map(|(p, _)| *p)
    }
}

/// A unit: a base unit and an optional denominator.
///
/// Units are parsed from the `unit` strings of the claims files and printed back in a
/// canonical spelling.
///
/// ```
/// use traincost_claims::{BaseUnit, Currency, Per, Unit};
/// let u: Unit = "USD per GPU-hour".parse().unwrap();
/// assert_eq!(u.per, Some(Per::GpuHour));
/// assert_eq!(u.base, BaseUnit::Money { currency: Currency::Usd, year: None });
/// let h: Unit = "H800 GPU-hours".parse().unwrap();
/// assert_eq!(h.base, BaseUnit::GpuHours { gpu: Some("H800".into()) });
/// assert_eq!("USD (2023)".parse::<Unit>().unwrap().to_string(), "USD (2023)");
/// assert!("furlongs".parse::<Unit>().is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Unit {
    /// What is counted.
    pub base: BaseUnit,
    /// The denominator of a rate, if any.
    pub per: Option<Per>,
}

/// An unknown or malformed unit string.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown unit `{}`", crate::excerpt(.text))]
pub struct UnitError {
    /// The text given.
    pub text: String,
}

impl UnitError {
    /// The units this crate knows, for hints.
    pub const KNOWN: &'static str = "USD, CNY, EUR, GBP or JPY (optionally with the year of the money: `USD (2023)`), \
`GPU-hours` or `<GPU> GPU-hours`, `GPUs` or `GPUs (<model>)`, FLOP, tCO2eq, percent, parameters, \
tokens, hours, days, months, years, W, kWh, MWh, GWh, people, `x` or `x <what>` (a multiple), `gCO2eq`, \
`kgCO2eq`, `lbCO2`, `ktCO2` (g, kg, lb or thousand metric tons of CO2eq or CO2); any of them may be followed by \
`per GPU|GPU-hour|hour|month|year|share|server|token|million tokens|trillion tokens|kWh|MWh`";
}

impl Unit {
    /// A unit without denominator.
    pub fn new(base: BaseUnit) -> Unit {
        Unit { base, per: None }
    }

    /// The currency, if this is money (or money per something).
    pub fn currency(&self) -> Option<Currency> {
        match self.base {
            BaseUnit::Money { currency, .. } => Some(currency),
            _ => None,
        }
    }

    /// The year of the money, if this is money and the year is stated.
    pub fn money_year(&self) -> Option<u16> {
        match self.base {
            BaseUnit::Money { year, .. } => year,
            _ => None,
        }
    }
}

fn parse_money(s: &str) -> Option<BaseUnit> {
    let currency = |t: &str| match t {
        "USD" | "US$" | "$" => Some(Currency::Usd),
        "CNY" | "RMB" | "yuan" => Some(Currency::Cny),
        "EUR" => Some(Currency::Eur),
        "GBP" => Some(Currency::Gbp),
        "JPY" => Some(Currency::Jpy),
        _ => None,
    };
    let year = |t: &str| -> Option<u16> {
        let t = t.trim_start_matches('(').trim_end_matches(')');
        (t.len() == 4 && t.bytes().all(|b| b.is_ascii_digit()))
            .then(|| t.parse().ok())
            .flatten()
    };
    let words: Vec<&str> = s.split_whitespace().collect();
    match words.as_slice() {
        [c] => currency(c).map(|currency| BaseUnit::Money {
            currency,
            year: None,
        }),
        [c, y] => match (currency(c), year(y), year(c), currency(y)) {
            (Some(currency), Some(year), _, _) | (_, _, Some(year), Some(currency)) => {
                Some(BaseUnit::Money {
                    currency,
                    year: Some(year),
                })
            }
            _ => None,
        },
        _ => None,
    }
}

/// `gCO2eq`, `kg CO2e`, `lbCO2`, `ktCO2`: a mass of CO2 or CO2 equivalent.
fn parse_carbon(s: &str) -> Option<BaseUnit> {
    let (mass, rest) = [
        ("kt", CarbonMass::Kilotonnes),
        ("kg", CarbonMass::Kilograms),
        ("lb", CarbonMass::Pounds),
        ("g", CarbonMass::Grams),
    ]
    .into_iter()
    .find_map(|(p, m)| s.strip_prefix(p).map(|r| (m, r.trim_start())))?;
    let co2e = match rest {
        "CO2" => false,
        "CO2e" | "CO2eq" => true,
        _ => return None,
    };
    Some(BaseUnit::Carbon { mass, co2e })
}

fn parse_base(s: &str) -> Option<BaseUnit> {
    let s = s.trim();
    if let Some(m) = parse_money(s) {
        return Some(m);
    }
    if let Some(c) = parse_carbon(s) {
        return Some(c);
    }
    let named = |rest: &str| {
        let rest = rest.trim();
        (!rest.is_empty()).then(|| rest.to_string())
    };
    // A multiple first: `x reported GPU hours` is a multiple of GPU-hours, not GPU-hours.
    if s == "x" {
        return Some(BaseUnit::Factor { of: None });
    }
    if let Some(of) = s.strip_prefix("x ") {
        return Some(BaseUnit::Factor { of: named(of) });
    }
    for suffix in ["GPU-hours", "GPU hours"] {
        if let Some(model) = s.strip_suffix(suffix) {
            return Some(BaseUnit::GpuHours { gpu: named(model) });
        }
    }
    if let Some(rest) = s.strip_prefix("GPUs") {
        let rest = rest.trim();
        if rest.is_empty() {
            return Some(BaseUnit::Gpus { gpu: None });
        }
        if let Some(inner) = rest.strip_prefix('(').and_then(|r| r.strip_suffix(')')) {
            return named(inner).map(|g| BaseUnit::Gpus { gpu: Some(g) });
        }
        return None;
    }
    if let Some(model) = s.strip_suffix(" GPUs") {
        return Some(BaseUnit::Gpus { gpu: named(model) });
    }
    Some(match s {
        "FLOP" | "FLOPs" => BaseUnit::Flop,
        "tCO2eq" | "tCO2e" | "t CO2e" | "t CO2eq" | "tonnes CO2e" => BaseUnit::TonnesCo2e,
        "percent" | "%" => BaseUnit::Percent,
        "parameters" => BaseUnit::Parameters,
        "tokens" => BaseUnit::Tokens,
        "hours" => BaseUnit::Hours,
        "days" => BaseUnit::Days,
        "months" => BaseUnit::Months,
        "years" => BaseUnit::Years,
        "W" | "watts" => BaseUnit::Watts,
        "kWh" => BaseUnit::Energy(EnergyUnit::Kwh),
        "MWh" => BaseUnit::Energy(EnergyUnit::Mwh),
        "GWh" => BaseUnit::Energy(EnergyUnit::Gwh),
        "people" => BaseUnit::People,
        _ => return None,
    })
}

impl std::str::FromStr for Unit {
    type Err = UnitError;

    fn from_str(s: &str) -> Result<Unit, UnitError> {
        let err = || UnitError {
            text: s.to_string(),
        };
        // "x per year" is a factor per year; "x reported GPU hours" is a factor of something.
        let (base, per) = match s.split_once(" per ") {
            Some((b, p)) => (b, Some(Per::parse(p).ok_or_else(err)?)),
            None => (s, None),
        };
        let base = parse_base(base).ok_or_else(err)?;
        Ok(Unit { base, per })
    }
}

impl fmt::Display for BaseUnit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BaseUnit::Money { currency, year } => {
                write!(f, "{}", currency.code())?;
                if let Some(y) = year {
                    write!(f, " ({y})")?;
                }
                Ok(())
            }
            BaseUnit::GpuHours { gpu: Some(g) } => write!(f, "{g} GPU-hours"),
            BaseUnit::GpuHours { gpu: None } => f.write_str("GPU-hours"),
            BaseUnit::Gpus { gpu: Some(g) } => write!(f, "GPUs ({g})"),
            BaseUnit::Gpus { gpu: None } => f.write_str("GPUs"),
            BaseUnit::Flop => f.write_str("FLOP"),
            BaseUnit::TonnesCo2e => f.write_str("tCO2eq"),
            BaseUnit::Carbon { mass, co2e } => {
                write!(f, "{}CO2{}", mass.symbol(), if *co2e { "eq" } else { "" })
            }
            BaseUnit::Percent => f.write_str("percent"),
            BaseUnit::Parameters => f.write_str("parameters"),
            BaseUnit::Tokens => f.write_str("tokens"),
            BaseUnit::Hours => f.write_str("hours"),
            BaseUnit::Days => f.write_str("days"),
            BaseUnit::Months => f.write_str("months"),
            BaseUnit::Years => f.write_str("years"),
            BaseUnit::Watts => f.write_str("W"),
            BaseUnit::Energy(e) => f.write_str(e.symbol()),
            BaseUnit::People => f.write_str("people"),
            BaseUnit::Factor { of: Some(o) } => write!(f, "x {o}"),
            BaseUnit::Factor { of: None } => f.write_str("x"),
        }
    }
}

impl fmt::Display for Unit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.base)?;
        if let Some(p) = self.per {
            write!(f, " per {}", p.name())?;
        }
        Ok(())
    }
}

impl serde::Serialize for Unit {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_spelling_parses_and_round_trips() {
        for s in [
            "USD",
            "USD per GPU",
            "H100-80GB GPU-hours",
            "H800 GPU-hours",
            "USD per GPU-hour",
            "GPUs (NVIDIA H800)",
            "USD per year",
            "tCO2eq",
            "percent",
            "parameters",
            "x per year",
            "hours",
            "USD per share",
            "CNY per server",
            "CNY per year",
            "tokens",
            "H800 GPU-hours per trillion tokens",
            "days",
            "months",
            "GPUs (H800, H100, H20 mix)",
            "people",
            "x reported GPU hours",
            "GPU-hours",
            "x",
            "W",
            "FLOP",
            "CNY",
            "GPUs",
            "gCO2eq per kWh",
            "kgCO2 per kWh",
            "lbCO2 per kWh",
            "lbCO2eq per MWh",
            "ktCO2",
            "kWh",
            "MWh",
            "GWh",
        ] {
            let u: Unit = s.parse().unwrap_or_else(|e| panic!("{s}: {e}"));
            assert_eq!(u.to_string().parse::<Unit>().unwrap(), u, "{s}");
        }
        let multiple: Unit = "x reported GPU hours".parse().unwrap();
        assert_eq!(
            multiple.base,
            BaseUnit::Factor {
                of: Some("reported GPU hours".into())
            }
        );
        let eq: Unit = "A100-equivalent GPUs".parse().unwrap();
        assert_eq!(
            eq.base,
            BaseUnit::Gpus {
                gpu: Some("A100-equivalent".into())
            }
        );
    }

    #[test]
    fn carbon_intensities_parse() {
        let u: Unit = "gCO2eq per kWh".parse().unwrap();
        assert_eq!(
            u.base,
            BaseUnit::Carbon {
                mass: CarbonMass::Grams,
                co2e: true
            }
        );
        assert_eq!(u.per, Some(Per::KilowattHour));
        let k: Unit = "kg CO2 per kWh".parse().unwrap();
        assert_eq!(k.to_string(), "kgCO2 per kWh");
        assert_eq!("gCO2e per kWh".parse::<Unit>().unwrap(), u);
        let kt: Unit = "kt CO2".parse().unwrap();
        assert_eq!(
            (kt.base, kt.per),
            (
                BaseUnit::Carbon {
                    mass: CarbonMass::Kilotonnes,
                    co2e: false
                },
                None
            )
        );
        assert_eq!(CarbonMass::Kilotonnes.grams(), 1e9);
        assert!("gCO3 per kWh".parse::<Unit>().is_err());
        assert!("g per kWh".parse::<Unit>().is_err());
    }

    #[test]
    fn money_year_in_either_order() {
        let a: Unit = "USD 2023".parse().unwrap();
        let b: Unit = "2023 USD".parse().unwrap();
        let c: Unit = "USD (2023)".parse().unwrap();
        assert_eq!(a, b);
        assert_eq!(b, c);
        assert_eq!(c.money_year(), Some(2023));
        assert_eq!(c.currency(), Some(Currency::Usd));
    }

    #[test]
    fn unknown_units_are_rejected() {
        for s in [
            "",
            "USD per fortnight",
            "furlongs",
            "GPUs of H800",
            "USD 20234",
            "GPUs ()",
        ] {
            assert!(s.parse::<Unit>().is_err(), "{s:?} should be rejected");
        }
    }
}
