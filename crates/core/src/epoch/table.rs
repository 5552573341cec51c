//! The reference table: every input, intermediate and output of Epoch's pipeline for 177
//! models at three code versions (259 rows), with Epoch's published values. Embedded from
//! `crates/core/data/epoch/epoch_cost_table.csv`; see the README there for origin and licence.

use std::sync::OnceLock;

use crate::units::{Count, Flop, FlopPerSecond, GpuHours, Hours, Watts};

use super::costs::{Components, EpochCosts, Method, RunInputs, costs_with};
use super::csv::{self, CsvError, Header, Record};
use super::version::{CodeVersion, Settings};
use crate::date::Date;

/// The embedded CSV text of the reference table.
pub const COST_TABLE_CSV: &str = include_str!("../../data/epoch/epoch_cost_table.csv");

/// Values the pipeline computed for a row (what a reproduction must match).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Recorded {
    /// Method A's four components (base model included for v1 fine-tunes).
    pub components: Option<Components>,
    /// Method A, nominal USD.
    pub capex_energy_nominal: Option<f64>,
    /// Method A, target-month USD.
    pub capex_energy_real: Option<f64>,
    /// Method B, nominal USD.
    pub cloud_nominal: Option<f64>,
    /// Method B, target-month USD.
    pub cloud_real: Option<f64>,
    /// Method C, nominal USD.
    pub acquisition_nominal: Option<f64>,
    /// Method C, target-month USD.
    pub acquisition_real: Option<f64>,
    /// Nominal-to-real factor.
    pub inflation_factor: Option<f64>,
    /// The final run's energy, kWh (chip-hours x TDP x server power ratio x power fraction x PUE).
    pub energy_kwh: Option<f64>,
}

impl Recorded {
    /// The recorded nominal value of a method.
    pub fn nominal(&self, method: Method) -> Option<f64> {
        match method {
            Method::CapexEnergy => self.capex_energy_nominal,
            Method::Cloud => self.cloud_nominal,
            Method::Acquisition => self.acquisition_nominal,
        }
    }

    /// The recorded real value of a method.
    pub fn real(&self, method: Method) -> Option<f64> {
        match method {
            Method::CapexEnergy => self.capex_energy_real,
            Method::Cloud => self.cloud_real,
            Method::Acquisition => self.acquisition_real,
        }
    }
}

/// A value Epoch published, with its source and the reference table's verdict.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Published {
    /// The published value, target-month USD.
    pub value: Option<f64>,
    /// Where it was published.
    pub source: String,
    /// `match`, `no published value`, or `mismatch (...)`.
    pub validation: String,
}

/// One row: one model at one code version.
#[derive(Debug, Clone, PartialEq)]
pub struct CostRow {
    /// Code version.
    pub version: CodeVersion,
    /// Model name.
    pub model: String,
    /// In the paper's top-10 frontier set.
    pub frontier: bool,
    /// Publication date.
    pub publication_date: Option<Date>,
    /// Organization(s).
    pub organization: String,
    /// Training compute.
    pub training_compute: Option<Flop>,
    /// Hardware name.
    pub hardware: String,
    /// Number of chips.
    pub hardware_quantity: Option<Count>,
    /// Training time.
    pub training_time: Option<Hours>,
    /// Reported chip-hours.
    pub chip_hours_reported: Option<GpuHours>,
    /// Reported utilization.
    pub utilization_reported: Option<f64>,
    /// Base model (fine-tunes).
    pub base_model: Option<String>,
    /// Chip-hours the pipeline used.
    pub chip_hours_used: Option<GpuHours>,
    /// How they were obtained.
    pub chip_hours_method: String,
    /// Peak FLOP/s used to impute chip-hours.
    pub peak_flop_per_s_used: Option<FlopPerSecond>,
    /// Utilization used to impute chip-hours.
    pub utilization_used: Option<f64>,
    /// The price as written in the chosen row.
    pub purchase_price_raw: Option<f64>,
    /// Hardware model of the chosen price row.
    pub purchase_price_row_hardware: Option<String>,
    /// Date of the chosen price row.
    pub purchase_price_row_date: Option<Date>,
    /// Server overhead multiplied into the price.
    pub server_overhead_applied: Option<f64>,
    /// Purchase price per chip incl. server.
    pub price_per_chip: Option<f64>,
    /// Acquisition date.
    pub acquisition_date: Option<Date>,
    /// Training start.
    pub training_start: Option<Date>,
    /// Chip TDP.
    pub tdp: Option<Watts>,
    /// Server power over chip TDP.
    pub chip_to_server_power: Option<f64>,
    /// Average power over TDP.
    pub server_tdp_fraction: Option<f64>,
    /// Power usage effectiveness.
    pub pue: Option<f64>,
    /// Electricity price, USD per kWh.
    pub electricity_usd_per_kwh: Option<f64>,
    /// Cloud vendor used.
    pub cloud_vendor: Option<String>,
    /// Price type found (3-year, 1-year, on demand).
    pub cloud_price_type: Option<String>,
    /// Date of the cloud price.
    pub cloud_price_date: Option<Date>,
    /// Cloud price per chip-hour, 3-year equivalent.
    pub cloud_price_per_chip_hour: Option<f64>,
    /// Values the pipeline computed.
    pub recorded: Recorded,
    /// Published Method A value.
    pub published_capex_energy: Published,
    /// Published Method B value.
    pub published_cloud: Published,
    /// Published Method C value.
    pub published_acquisition: Published,
    /// Notes on quirks.
    pub flags: String,
    /// 1-based line in the CSV.
    pub line: usize,
}

impl CostRow {
    /// The published value for a method.
    pub fn published(&self, method: Method) -> &Published {
        match method {
            Method::CapexEnergy => &self.published_capex_energy,
            Method::Cloud => &self.published_cloud,
            Method::Acquisition => &self.published_acquisition,
        }
    }

    /// The inputs Epoch's formulas take, as recorded in this row. The inflation factor is left
    /// to be computed from the PPI (see [`CostRow::inputs_with_recorded_inflation`]).
    pub fn inputs(&self) -> RunInputs {
        RunInputs {
            model: self.model.clone(),
            hardware: self.hardware.clone(),
            organization: self.organization.clone(),
            publication_date: self.publication_date,
            chip_hours: self.chip_hours_used,
            hardware_quantity: self.hardware_quantity,
            price_per_chip: self.price_per_chip,
            acquisition_date: self.acquisition_date,
            training_start: self.training_start,
            tdp: self.tdp,
            cloud_price_per_chip_hour: self.cloud_price_per_chip_hour,
            base_model: self.base_model.clone(),
            inflation_factor: None,
        }
    }

    /// [`CostRow::inputs`] with the inflation factor Epoch's run used (it differs from today's
    /// PPI for Grok-3: the June-2025 index file had a preliminary February-2025 value).
    pub fn inputs_with_recorded_inflation(&self) -> RunInputs {
        RunInputs {
            inflation_factor: self.recorded.inflation_factor,
            ..self.inputs()
        }
    }
}

/// The whole reference table.
#[derive(Debug, Clone)]
pub struct CostTable {
    rows: Vec<CostRow>,
}

fn parse_row(h: &Header, r: &Record) -> Result<CostRow, CsvError> {
    let col = |name: &str| h.index(name);
    let s = |name: &str| -> Result<String, CsvError> { Ok(csv::field(r, col(name)?).to_owned()) };
    let os =
        |name: &str| -> Result<Option<String>, CsvError> { Ok(csv::opt_string(r, col(name)?)) };
    let f = |name: &str| csv::opt_f64(r, col(name)?, name);
    let d = |name: &str| csv::opt_date(r, col(name)?, name, false);
    let version_label = s("version")?;
    let version = CodeVersion::from_label(&version_label).ok_or_else(|| CsvError::BadValue {
        line: r.line,
        column: "version".into(),
        message: format!("unknown version `{version_label}`"),
    })?;
    let components = match (
        f("cost_component_ai_chip_usd")?,
        f("cost_component_other_server_usd")?,
        f("cost_component_interconnect_usd")?,
        f("cost_component_energy_usd")?,
    ) {
        (Some(a), Some(o), Some(i), Some(e)) => Some(Components {
            ai_chips: a,
            other_server: o,
            interconnect: i,
            energy: e,
        }),
        _ => None,
    };
    let published = |prefix: &str| -> Result<Published, CsvError> {
        Ok(Published {
            value: f(&format!("published_{prefix}_real_usd"))?,
            source: s(&format!("published_{prefix}_source"))?,
            validation: s(&format!("{prefix}_validation"))?,
        })
    };
    Ok(CostRow {
        version,
        model: s("model")?,
        frontier: s("in_top10_frontier_set")? == "True",
        publication_date: d("publication_date")?,
        organization: s("organization")?,
        training_compute: f("training_compute_flop")?.map(Flop),
        hardware: s("hardware")?,
        hardware_quantity: f("hardware_quantity")?.map(Count),
        training_time: f("training_time_hours")?.map(Hours),
        chip_hours_reported: f("training_chip_hours_reported")?.map(GpuHours),
        utilization_reported: f("hardware_utilization_reported")?,
        base_model: os("base_model")?,
        chip_hours_used: f("chip_hours_used")?.map(GpuHours),
        chip_hours_method: s("chip_hours_method")?,
        peak_flop_per_s_used: f("peak_flop_per_s_used")?.map(FlopPerSecond),
        utilization_used: f("utilization_used")?,
        purchase_price_raw: f("purchase_price_raw_usd")?,
        purchase_price_row_hardware: os("purchase_price_row_hardware")?,
        purchase_price_row_date: d("purchase_price_row_date")?,
        server_overhead_applied: f("server_overhead_factor_applied")?,
        price_per_chip: f("acq_price_per_chip_usd")?,
        acquisition_date: d("acquisition_date")?,
        training_start: d("training_start_date")?,
        tdp: f("chip_tdp_w")?.map(Watts),
        chip_to_server_power: f("chip_to_server_power")?,
        server_tdp_fraction: f("server_tdp_fraction")?,
        pue: f("pue")?,
        electricity_usd_per_kwh: f("electricity_usd_per_kwh")?,
        cloud_vendor: os("cloud_vendor")?,
        cloud_price_type: os("cloud_price_type_found")?,
        cloud_price_date: d("cloud_price_date")?,
        cloud_price_per_chip_hour: f("cloud_price_per_chip_hour_3yr_cud_equiv")?,
        recorded: Recorded {
            components,
            capex_energy_nominal: f("cost_capex_energy_nominal_usd")?,
            capex_energy_real: f("cost_capex_energy_real_usd")?,
            cloud_nominal: f("cost_cloud_nominal_usd")?,
            cloud_real: f("cost_cloud_real_usd")?,
            acquisition_nominal: f("cost_acquisition_nominal_usd")?,
            acquisition_real: f("cost_acquisition_real_usd")?,
            inflation_factor: f("inflation_factor")?,
            energy_kwh: f("energy_kwh")?,
        },
        published_capex_energy: published("capex_energy")?,
        published_cloud: published("cloud")?,
        published_acquisition: published("acquisition")?,
        flags: s("flags")?,
        line: r.line,
    })
}

impl CostTable {
    /// Parses the reference table format.
    pub fn parse(text: &str) -> Result<CostTable, CsvError> {
        let records = csv::parse(text)?;
        let Some((head, body)) = records.split_first() else {
            return Ok(CostTable { rows: Vec::new() });
        };
        let h = Header::new(head);
        let rows = body
            .iter()
            .map(|r| parse_row(&h, r))
            .collect::<Result<_, _>>()?;
        Ok(CostTable { rows })
    }

    /// The embedded table.
    pub fn embedded() -> &'static CostTable {
        static TABLE: OnceLock<CostTable> = OnceLock::new();
        TABLE.get_or_init(|| CostTable::parse(COST_TABLE_CSV).expect("embedded cost table parses"))
    }

    /// Every row, in file order.
    pub fn rows(&self) -> &[CostRow] {
        &self.rows
    }

    /// The row of `model` (exact name) at `version`.
    pub fn find(&self, version: CodeVersion, model: &str) -> Option<&CostRow> {
        self.rows
            .iter()
            .find(|r| r.version == version && r.model == model)
    }

    /// Every row of `model` (exact name, case-insensitive), oldest version first.
    pub fn find_all(&self, model: &str) -> Vec<&CostRow> {
        let mut v: Vec<&CostRow> = self
            .rows
            .iter()
            .filter(|r| r.model.eq_ignore_ascii_case(model))
            .collect();
        v.sort_by_key(|r| r.version);
        v
    }

    /// Distinct model names, in file order.
    pub fn model_names(&self) -> Vec<&str> {
        let mut seen = std::collections::HashSet::new();
        self.rows
            .iter()
            .map(|r| r.model.as_str())
            .filter(|m| seen.insert(*m))
            .collect()
    }

    /// Epoch's estimate for a row from its recorded inputs, with `settings` (normally
    /// `Settings::for_version(row.version)`); base models are looked up in the same version.
    pub fn estimate(&self, row: &CostRow, settings: &Settings) -> EpochCosts {
        let resolve = |name: &str| self.find(row.version, name).map(CostRow::inputs);
        costs_with(&row.inputs(), settings, &resolve)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_table_has_every_row() {
        let t = CostTable::embedded();
        assert_eq!(t.rows().len(), 259);
        assert_eq!(t.model_names().len(), 177);
        let n = |v| t.rows().iter().filter(|r| r.version == v).count();
        assert_eq!(n(CodeVersion::PaperV1), 157);
        assert_eq!(n(CodeVersion::PaperV2), 41);
        assert_eq!(n(CodeVersion::Update2025_06), 61);
    }

    #[test]
    fn gpt4_from_the_embedded_table() {
        let t = CostTable::embedded();
        let row = t.find(CodeVersion::PaperV1, "GPT-4").unwrap();
        let e = t.estimate(row, &Settings::for_version(row.version));
        let real = e.real(Method::CapexEnergy).unwrap();
        assert!((real - row.published_capex_energy.value.unwrap()).abs() < 0.01);
        assert_eq!(t.find_all("gpt-4").len(), 3);
    }

    #[test]
    fn bad_table_is_an_error() {
        assert!(CostTable::parse("version,model\npaper_v9,x\n").is_err());
        assert!(CostTable::parse("").unwrap().rows().is_empty());
    }

    proptest::proptest! {
        /// Garbage never panics the parsers.
        #[test]
        fn parsers_never_panic(text in "[a-z0-9,\"\n\r -]{0,200}") {
            let _ = CostTable::parse(&text);
            let _ = super::super::prices::HardwarePrices::parse(&text);
            let _ = super::super::chips::ChipTable::parse(&text);
            let with_header = format!("{}\n{text}", COST_TABLE_CSV.lines().next().unwrap());
            let _ = CostTable::parse(&with_header);
        }
    }
}
