//! One model's costs by Epoch's three methods, from its inputs, with the reason when an input
//! is missing.
//!
//! [`costs`] takes the inputs as Epoch's pipeline saw them (chip-hours, purchase price per
//! chip including server, acquisition date, training start, TDP, organization, publication date,
//! hardware quantity, cloud price) and returns Method A's components, Method B and Method C,
//! nominal and in the target month's dollars. Inputs can come from the reference table
//! ([`super::table::CostRow::inputs`]) or be derived with [`super::prices`] and
//! [`super::chip_hours`].

use std::fmt;

use crate::units::{Count, DollarDate, GpuHours, KilowattHours, Watts, Years};

use super::energy::EnergyFactors;
use super::hardware;
use super::version::{FineTuneHandling, Settings};
use crate::date::Date;

/// One of Epoch's three cost methods.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    /// Method A: amortized hardware capex + interconnect + energy (Epoch's headline).
    CapexEnergy,
    /// Method B: cloud rental at 3-year commitment prices.
    Cloud,
    /// Method C: buying the whole cluster up front.
    Acquisition,
}

impl Method {
    /// All three, in Epoch's order.
    pub const ALL: [Method; 3] = [Method::CapexEnergy, Method::Cloud, Method::Acquisition];

    /// A short name.
    pub fn name(self) -> &'static str {
        match self {
            Method::CapexEnergy => "amortized hardware + energy",
            Method::Cloud => "cloud rental",
            Method::Acquisition => "up-front acquisition",
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let letter = match self {
            Method::CapexEnergy => 'A',
            Method::Cloud => 'B',
            Method::Acquisition => 'C',
        };
        write!(f, "method {letter} ({})", self.name())
    }
}

/// An input a method needs.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Input {
    /// Training chip-hours (reported, quantity x time, or imputed from compute).
    ChipHours,
    /// Purchase price per chip (server included).
    PurchasePrice,
    /// Date the hardware was acquired.
    AcquisitionDate,
    /// Date training started.
    TrainingStart,
    /// Chip thermal design power.
    Tdp,
    /// Publication date (keys the electricity price and the inflation factor).
    PublicationDate,
    /// Electricity price for this publication year.
    ElectricityPrice(i32),
    /// Number of chips.
    HardwareQuantity,
    /// Cloud price per chip-hour.
    CloudPrice,
    /// Producer price index for the publication month.
    PriceIndex,
    /// The cost of this base model (fine-tunes).
    BaseModel(String),
}

impl Input {
    /// The column of the reference table that holds this input.
    pub fn column(&self) -> &'static str {
        match self {
            Input::ChipHours => "chip_hours_used",
            Input::PurchasePrice => "acq_price_per_chip_usd",
            Input::AcquisitionDate => "acquisition_date",
            Input::TrainingStart => "training_start_date",
            Input::Tdp => "chip_tdp_w",
            Input::PublicationDate => "publication_date",
            Input::ElectricityPrice(_) => "electricity_usd_per_kwh",
            Input::HardwareQuantity => "hardware_quantity",
            Input::CloudPrice => "cloud_price_per_chip_hour_3yr_cud_equiv",
            Input::PriceIndex => "inflation_factor",
            Input::BaseModel(_) => "base_model",
        }
    }
}

impl fmt::Display for Input {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Input::ChipHours => f.write_str("training chip-hours"),
            Input::PurchasePrice => f.write_str("the purchase price per chip"),
            Input::AcquisitionDate => f.write_str("the hardware acquisition date"),
            Input::TrainingStart => f.write_str("the training start date"),
            Input::Tdp => f.write_str("the chip's TDP"),
            Input::PublicationDate => f.write_str("the publication date"),
            Input::ElectricityPrice(y) => write!(f, "an electricity price for {y}"),
            Input::HardwareQuantity => f.write_str("the hardware quantity"),
            Input::CloudPrice => f.write_str("a cloud price per chip-hour"),
            Input::PriceIndex => f.write_str("a PPI value for the publication month"),
            Input::BaseModel(m) => write!(f, "the cost of base model `{m}`"),
        }
    }
}

/// A method that cannot give a number, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{method} needs {input}: {reason}")]
pub struct Blocked {
    /// The method blocked.
    pub method: Method,
    /// The missing input.
    pub input: Input,
    /// Details.
    pub reason: String,
}

impl Blocked {
    fn new(method: Method, input: Input, reason: impl Into<String>) -> Blocked {
        Blocked {
            method,
            input,
            reason: reason.into(),
        }
    }
}

/// Inputs of one training run, as Epoch's pipeline sees them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RunInputs {
    /// Model name.
    pub model: String,
    /// Hardware name (drives server overhead, power ratios and power fraction).
    pub hardware: String,
    /// Organization(s), comma-separated (drives PUE).
    pub organization: String,
    /// Publication date (electricity year and inflation month).
    pub publication_date: Option<Date>,
    /// Training chip-hours.
    pub chip_hours: Option<GpuHours>,
    /// Number of chips (Method C).
    pub hardware_quantity: Option<Count>,
    /// Purchase price per chip including server, nominal USD.
    pub price_per_chip: Option<f64>,
    /// Acquisition date.
    pub acquisition_date: Option<Date>,
    /// Training start.
    pub training_start: Option<Date>,
    /// Chip TDP.
    pub tdp: Option<Watts>,
    /// Cloud price per chip-hour, 3-year commitment equivalent (Method B).
    pub cloud_price_per_chip_hour: Option<f64>,
    /// Base model, for fine-tunes.
    pub base_model: Option<String>,
    /// A nominal-to-real factor to use instead of computing it from the PPI (e.g. Epoch's own,
    /// computed with an older vintage of the index). `None`: computed with
    /// [`super::inflation::inflation_factor`].
    pub inflation_factor: Option<f64>,
}

/// Method A's four components, nominal USD.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Components {
    /// AI accelerators: amortized server cost / server overhead.
    pub ai_chips: f64,
    /// Other server components: amortized server cost - AI chips.
    pub other_server: f64,
    /// Cluster-level interconnect.
    pub interconnect: f64,
    /// Energy.
    pub energy: f64,
}

impl Components {
    /// Sum of the four components: Method A's cost.
    pub fn total(&self) -> f64 {
        self.ai_chips + self.other_server + self.interconnect + self.energy
    }

    fn add(self, o: Components) -> Components {
        Components {
            ai_chips: self.ai_chips + o.ai_chips,
            other_server: self.other_server + o.other_server,
            interconnect: self.interconnect + o.interconnect,
            energy: self.energy + o.energy,
        }
    }
}

/// Method A for one run (without any base model), with its intermediates.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CapexEnergy {
    /// Years from acquisition to training start.
    pub years_depreciated: Years,
    /// Value per chip at training start.
    pub value_at_start: f64,
    /// Amortized server cost (AI chips + other server).
    pub amortized_server: f64,
    /// Energy factors used.
    pub energy_factors: EnergyFactors,
    /// Energy drawn.
    pub energy_kwh: KilowattHours,
    /// Electricity price, USD per kWh.
    pub electricity_usd_per_kwh: f64,
    /// The four components.
    pub components: Components,
}

/// A model's costs by the three methods.
#[derive(Debug, Clone, PartialEq)]
pub struct EpochCosts {
    /// Model name.
    pub model: String,
    /// Method A for this run alone.
    pub capex_energy: Result<CapexEnergy, Blocked>,
    /// Method B for this run alone, nominal USD.
    pub cloud: Result<f64, Blocked>,
    /// Method C for this run alone, nominal USD.
    pub acquisition: Result<f64, Blocked>,
    /// Nominal-to-real factor (publication month to `target`).
    pub inflation_factor: Result<f64, Blocked>,
    /// The dollars real values are in.
    pub target: DollarDate,
    /// The base model's estimate, when v1 adds it to a fine-tune.
    pub base: Option<Box<EpochCosts>>,
    /// Set when the settings give fine-tunes no cost at all.
    pub fine_tune_excluded: Option<String>,
}

fn excluded(method: Method, base: &str) -> Blocked {
    Blocked::new(
        method,
        Input::BaseModel(base.to_owned()),
        "this code version gives fine-tunes of a base model no cost",
    )
}

impl EpochCosts {
    /// Method A's components, base model included (v1 fine-tunes).
    pub fn components(&self) -> Result<Components, Blocked> {
        if let Some(b) = &self.fine_tune_excluded {
            return Err(excluded(Method::CapexEnergy, b));
        }
        let own = self.capex_energy.as_ref().map_err(Clone::clone)?.components;
        match &self.base {
            Some(b) => Ok(own.add(b.components()?)),
            None => Ok(own),
        }
    }

    /// Nominal USD by `method`, base model included.
    pub fn nominal(&self, method: Method) -> Result<f64, Blocked> {
        if let Some(b) = &self.fine_tune_excluded {
            return Err(excluded(method, b));
        }
        let own = match method {
            Method::CapexEnergy => return self.components().map(|c| c.total()),
            Method::Cloud => self.cloud.clone()?,
            Method::Acquisition => self.acquisition.clone()?,
        };
        match &self.base {
            Some(b) => Ok(own + b.nominal(method)?),
            None => Ok(own),
        }
    }

    /// USD of [`EpochCosts::target`] by `method`: nominal x this model's inflation factor (the base
    /// model's nominal cost is inflated from the fine-tune's publication month, as Epoch does).
    pub fn real(&self, method: Method) -> Result<f64, Blocked> {
        let nominal = self.nominal(method)?;
        let factor = self.inflation_factor.clone().map_err(|mut b| {
            b.method = method;
            b
        })?;
        Ok(nominal * factor)
    }

    /// Why `method` gives no number, if it gives none (convenience for reports).
    pub fn blocked(&self, method: Method) -> Option<Blocked> {
        self.real(method).err()
    }
}

/// Maximum depth of base-model chains followed (T5-11B <- Flan-T5 11B <- BLIP-2 is 2).
pub const MAX_BASE_MODEL_DEPTH: usize = 8;

/// Epoch's costs of one run; `base_of` resolves a base model's inputs for v1's fine-tune rule.
pub fn costs_with(
    inputs: &RunInputs,
    settings: &Settings,
    base_of: &dyn Fn(&str) -> Option<RunInputs>,
) -> EpochCosts {
    estimate_depth(inputs, settings, base_of, 0)
}

/// Epoch's costs of one run, ignoring any base model (as if none were given).
pub fn costs(inputs: &RunInputs, settings: &Settings) -> EpochCosts {
    let mut own = inputs.clone();
    own.base_model = None;
    costs_with(&own, settings, &|_| None)
}

fn estimate_depth(
    inputs: &RunInputs,
    settings: &Settings,
    base_of: &dyn Fn(&str) -> Option<RunInputs>,
    depth: usize,
) -> EpochCosts {
    let mut e = EpochCosts {
        model: inputs.model.clone(),
        capex_energy: capex_energy(inputs, settings),
        cloud: cloud(inputs),
        acquisition: acquisition(inputs, settings),
        inflation_factor: inflation(inputs, settings),
        target: settings.target_month,
        base: None,
        fine_tune_excluded: None,
    };
    if let Some(base) = inputs.base_model.as_deref().filter(|b| !b.is_empty()) {
        match settings.fine_tunes {
            FineTuneHandling::NoCost => e.fine_tune_excluded = Some(base.to_owned()),
            FineTuneHandling::OwnComputeOnly => {}
            FineTuneHandling::AddBaseModelCost => {
                let base_inputs = base_of(base).filter(|_| depth < MAX_BASE_MODEL_DEPTH);
                let base_est = match base_inputs {
                    Some(b) => estimate_depth(&b, settings, base_of, depth + 1),
                    None => missing_base(base, settings),
                };
                e.base = Some(Box::new(base_est));
            }
        }
    }
    e
}

fn missing_base(base: &str, settings: &Settings) -> EpochCosts {
    let why = |m| {
        Blocked::new(
            m,
            Input::BaseModel(base.to_owned()),
            "the base model is not in the data (Epoch's v1 code crashes here)",
        )
    };
    EpochCosts {
        model: base.to_owned(),
        capex_energy: Err(why(Method::CapexEnergy)),
        cloud: Err(why(Method::Cloud)),
        acquisition: Err(why(Method::Acquisition)),
        inflation_factor: Ok(1.0),
        target: settings.target_month,
        base: None,
        fine_tune_excluded: None,
    }
}

fn positive(x: f64) -> bool {
    x.is_finite() && x > 0.0
}

fn need<T>(v: Option<T>, method: Method, input: Input) -> Result<T, Blocked> {
    v.ok_or_else(|| Blocked::new(method, input, "not given"))
}

fn chip_hours(inputs: &RunInputs, method: Method) -> Result<GpuHours, Blocked> {
    match inputs.chip_hours {
        Some(h) if positive(h.0) => Ok(h),
        Some(h) => Err(Blocked::new(
            method,
            Input::ChipHours,
            format!("{} is not a positive number", h.0),
        )),
        None => Err(Blocked::new(
            method,
            Input::ChipHours,
            "no reported chip-hours, no quantity x time, and no compute with peak FLOP/s",
        )),
    }
}

fn price(inputs: &RunInputs, method: Method) -> Result<f64, Blocked> {
    match inputs.price_per_chip {
        Some(p) if positive(p) => Ok(p),
        Some(p) => Err(Blocked::new(
            method,
            Input::PurchasePrice,
            format!("{p} is not a positive price"),
        )),
        None => Err(Blocked::new(
            method,
            Input::PurchasePrice,
            format!(
                "no purchase price for `{}` (no GPU alias or TPU price matches it)",
                inputs.hardware
            ),
        )),
    }
}

fn capex_energy(inputs: &RunInputs, settings: &Settings) -> Result<CapexEnergy, Blocked> {
    let m = Method::CapexEnergy;
    let hours = chip_hours(inputs, m)?;
    let price = price(inputs, m)?;
    let acquired = need(inputs.acquisition_date, m, Input::AcquisitionDate)?;
    let start = need(inputs.training_start, m, Input::TrainingStart)?;
    let tdp = match inputs.tdp {
        Some(t) if positive(t.0) => t,
        _ => {
            return Err(Blocked::new(
                m,
                Input::Tdp,
                format!("the chip dataset has no TDP for `{}`", inputs.hardware),
            ));
        }
    };
    let published = need(inputs.publication_date, m, Input::PublicationDate)?;
    let year = published.year();
    let usd_per_kwh = settings.electricity.price(year).ok_or_else(|| {
        let range = settings
            .electricity
            .years()
            .map_or(String::from("no years"), |(a, b)| format!("{a}-{b}"));
        Blocked::new(
            m,
            Input::ElectricityPrice(year),
            format!("{}'s table covers {range}", settings.version),
        )
    })?;

    let years = start.years_since(acquired);
    let g = settings.g_ooms_per_year;
    let value = super::value_at_training_start(price, g, years);
    let server = super::amortized_hardware_cost(value, g, hours);
    let ai_chips = server / hardware::server_overhead(&inputs.hardware);
    let interconnect = super::interconnect_cost(server, settings.interconnect_fraction);
    let factors = EnergyFactors::epoch(&inputs.hardware, &inputs.organization, tdp);
    let kwh = factors.energy(hours);
    Ok(CapexEnergy {
        years_depreciated: years,
        value_at_start: value,
        amortized_server: server,
        energy_factors: factors,
        energy_kwh: kwh,
        electricity_usd_per_kwh: usd_per_kwh,
        components: Components {
            ai_chips,
            other_server: server - ai_chips,
            interconnect,
            energy: kwh.0 * usd_per_kwh,
        },
    })
}

fn cloud(inputs: &RunInputs) -> Result<f64, Blocked> {
    let m = Method::Cloud;
    let hours = chip_hours(inputs, m)?;
    match inputs.cloud_price_per_chip_hour {
        Some(p) if positive(p) => Ok(super::cloud::cloud_cost(p, hours)),
        _ => Err(Blocked::new(
            m,
            Input::CloudPrice,
            format!(
                "no cloud price for `{}` from any vendor around the training start",
                inputs.hardware
            ),
        )),
    }
}

fn acquisition(inputs: &RunInputs, settings: &Settings) -> Result<f64, Blocked> {
    let m = Method::Acquisition;
    let q = match inputs.hardware_quantity {
        Some(q) if positive(q.0) => q,
        _ => return Err(Blocked::new(m, Input::HardwareQuantity, "not reported")),
    };
    let p = price(inputs, m)?;
    Ok(super::acquisition::acquisition_cost(
        q,
        p,
        settings.interconnect_fraction,
    ))
}

fn inflation(inputs: &RunInputs, settings: &Settings) -> Result<f64, Blocked> {
    let m = Method::CapexEnergy;
    if let Some(f) = inputs.inflation_factor.filter(|&f| positive(f)) {
        return Ok(f);
    }
    let published = need(inputs.publication_date, m, Input::PublicationDate)?;
    super::inflation::inflation_factor(published, settings.target_month)
        .map_err(|e| Blocked::new(m, Input::PriceIndex, e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::super::version::CodeVersion;
    use super::*;

    fn gpt4() -> RunInputs {
        RunInputs {
            model: "GPT-4".into(),
            hardware: "NVIDIA A100 SXM4 40 GB".into(),
            organization: "OpenAI".into(),
            publication_date: "2023-03-15".parse().ok(),
            chip_hours: Some(GpuHours(5.7e7)),
            hardware_quantity: Some(Count(25_000.0)),
            price_per_chip: Some(24_875.0),
            acquisition_date: "2020-08-12".parse().ok(),
            training_start: "2022-05-12".parse().ok(),
            tdp: Some(Watts(400.0)),
            cloud_price_per_chip_hour: Some(1.36),
            base_model: None,
            inflation_factor: None,
        }
    }

    #[test]
    fn gpt4_v1_all_methods() {
        let e = costs(&gpt4(), &Settings::for_version(CodeVersion::PaperV1));
        let c = e.components().unwrap();
        assert!((c.ai_chips - 17_886_578.91).abs() < 0.01);
        assert!((c.energy - 3_499_488.281).abs() < 0.001);
        assert!((e.real(Method::CapexEnergy).unwrap() - 40_586_592.58).abs() < 0.01);
        assert!((e.real(Method::Cloud).unwrap() - 78_351_375.44).abs() < 0.01);
        assert!((e.real(Method::Acquisition).unwrap() - 775_980_736.2).abs() < 0.1);
    }

    #[test]
    fn missing_inputs_say_what_and_which_method() {
        let mut i = gpt4();
        i.tdp = None;
        i.hardware_quantity = None;
        let e = costs(&i, &Settings::for_version(CodeVersion::PaperV1));
        let b = e.real(Method::CapexEnergy).unwrap_err();
        assert_eq!(b.input, Input::Tdp);
        assert!(b.to_string().starts_with("method A"), "{b}");
        assert!(e.real(Method::Cloud).is_ok());
        assert_eq!(
            e.real(Method::Acquisition).unwrap_err().input,
            Input::HardwareQuantity
        );
        i.tdp = Some(Watts(400.0));
        i.publication_date = "2009-06-01".parse().ok();
        let e = costs(&i, &Settings::for_version(CodeVersion::PaperV1));
        assert!(matches!(
            e.capex_energy.unwrap_err().input,
            Input::ElectricityPrice(2009)
        ));
    }

    #[test]
    fn fine_tunes_by_version() {
        let mut ft = gpt4();
        ft.model = "GPT-4 fine-tune".into();
        ft.base_model = Some("GPT-4".into());
        let base = |name: &str| (name == "GPT-4").then(gpt4);
        let v1 = costs_with(&ft, &Settings::for_version(CodeVersion::PaperV1), &base);
        let alone = costs(&gpt4(), &Settings::for_version(CodeVersion::PaperV1));
        let twice = 2.0 * alone.nominal(Method::CapexEnergy).unwrap();
        assert!((v1.nominal(Method::CapexEnergy).unwrap() - twice).abs() < 1e-6);
        let v2 = costs_with(&ft, &Settings::for_version(CodeVersion::PaperV2), &base);
        assert!(matches!(
            v2.real(Method::Cloud).unwrap_err().input,
            Input::BaseModel(_)
        ));
        let orphan = costs_with(&ft, &Settings::for_version(CodeVersion::PaperV1), &|_| None);
        assert!(orphan.real(Method::CapexEnergy).is_err());
        // A cycle stops at the depth limit instead of recursing forever.
        let mut cyc = gpt4();
        cyc.base_model = Some("GPT-4".into());
        let c2 = cyc.clone();
        let e = costs_with(
            &cyc,
            &Settings::for_version(CodeVersion::PaperV1),
            &move |_| Some(c2.clone()),
        );
        assert!(e.real(Method::CapexEnergy).is_err());
    }

    use proptest::prelude::*;

    fn any_f64() -> impl Strategy<Value = f64> {
        prop_oneof![
            -1e30f64..1e30,
            Just(f64::NAN),
            Just(f64::INFINITY),
            Just(0.0),
            Just(-1.0),
        ]
    }

    proptest! {
        /// Bad input never panics: every method gives a finite number or says what is missing.
        #[test]
        fn never_panics(h in any_f64(), q in any_f64(), p in any_f64(), t in any_f64(),
                        c in any_f64(), f in any_f64(), d1 in -30_000i64..30_000,
                        d2 in -30_000i64..30_000, d3 in -30_000i64..30_000,
                        hw in "[A-Za-z0-9 ]{0,12}", v in 0usize..4) {
            let i = RunInputs {
                model: "m".into(),
                hardware: hw,
                organization: "o".into(),
                publication_date: Some(Date::from_days_since_epoch(d1)),
                chip_hours: Some(GpuHours(h)),
                hardware_quantity: Some(Count(q)),
                price_per_chip: Some(p),
                acquisition_date: Some(Date::from_days_since_epoch(d2)),
                training_start: Some(Date::from_days_since_epoch(d3)),
                tdp: Some(Watts(t)),
                cloud_price_per_chip_hour: Some(c),
                base_model: None,
                inflation_factor: Some(f),
            };
            let e = costs(&i, &Settings::for_version(CodeVersion::ALL[v]));
            for m in Method::ALL {
                let _ = e.real(m);
                let _ = e.nominal(m);
            }
        }
    }
}
