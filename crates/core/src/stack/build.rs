//! Building a [`StackSpec`] in code: constructors for what a scenario file says in one line,
//! and `with_*` methods for the optional parts. Defaults that depend on Epoch AI's rules
//! (ownership, fleet power) come from the same functions the TOML path calls.
//!
//! ```
//! use traincost_core::stack::{CostModel, DevelopmentSpec, Quantity, StackSpec, StageSpec};
//! use traincost_core::dist::Distribution;
//! use traincost_core::units::DollarDate;
//!
//! // DeepSeek-V3's final run as DeepSeek costed it: 2.788M H800-hours at $2.
//! let stage = StageSpec::gpu_hours(
//!     "pre-training",
//!     Quantity::claimed(Distribution::Point(2_788_000.0), "deepseek-v3-total-gpu-hours"),
//!     Quantity::assumed(Distribution::Point(2.0), "DeepSeek's assumed H800 rental price"),
//! );
//! let spec = StackSpec::new("my-v3", DollarDate::year(2024), vec![stage]).with_development(DevelopmentSpec::factor(
//!     Quantity::assumed(
//!         Distribution::Lognormal { p5: 1.2, p95: 4.0 },
//!         "Epoch AI's experiment factor, run included",
//!     ),
//! ));
//! let model = CostModel::new(&spec).unwrap();
//! let central = model.central();
//! let i = model.outputs().iter().position(|o| o.id == "final-run-rental").unwrap();
//! assert_eq!(central[i], 5_576_000.0);
//! ```

use super::{
    Basis, DevelopmentAmount, DevelopmentSpec, FleetSpec, FlopSpec, Propagation, Quantity,
    StackSpec, StaffDuration, StaffGroup, StaffSpec, StageSpec,
};
use crate::dist::Distribution;
use crate::money::IndexId;
use crate::provenance::Provenance;
use crate::units::DollarDate;

impl Quantity {
    /// A value that is an assumption, with its reason (`"DeepSeek's assumed $2/GPU-hour"`).
    pub fn assumed(distribution: Distribution, why: impl Into<String>) -> Self {
        Quantity::new(distribution, Provenance::assumption(why))
    }

    /// A value that is the figure of a sourced claim (its id in the claims crate).
    pub fn claimed(distribution: Distribution, claim: impl Into<String>) -> Self {
        Quantity::new(distribution, Provenance::claim(claim))
    }
}

impl StageSpec {
    fn empty(name: impl Into<String>, rental_price: Quantity) -> StageSpec {
        StageSpec {
            name: name.into(),
            gpu_hours: None,
            gpus: None,
            hours: None,
            flop: None,
            peak_flops: None,
            mfu: None,
            rental_price,
        }
    }

    /// A stage given by its GPU-hours.
    pub fn gpu_hours(name: impl Into<String>, gpu_hours: Quantity, rental_price: Quantity) -> Self {
        StageSpec {
            gpu_hours: Some(gpu_hours),
            ..StageSpec::empty(name, rental_price)
        }
    }

    /// A stage given by its GPUs and wall-clock hours.
    pub fn gpus_and_hours(
        name: impl Into<String>,
        gpus: Quantity,
        hours: Quantity,
        rental_price: Quantity,
    ) -> Self {
        StageSpec {
            gpus: Some(gpus),
            hours: Some(hours),
            ..StageSpec::empty(name, rental_price)
        }
    }

    /// A stage given by its training compute, at a peak throughput per GPU and a utilization.
    pub fn from_flop(
        name: impl Into<String>,
        flop: FlopSpec,
        peak_flops: Quantity,
        mfu: Quantity,
        rental_price: Quantity,
    ) -> Self {
        StageSpec {
            flop: Some(flop),
            peak_flops: Some(peak_flops),
            mfu: Some(mfu),
            ..StageSpec::empty(name, rental_price)
        }
    }

    /// The same stage, also stating its FLOP (checked against its GPU-hours: an implied
    /// utilization above 100% is an error).
    pub fn with_flop(mut self, flop: FlopSpec, peak_flops: Option<Quantity>) -> Self {
        self.flop = Some(flop);
        self.peak_flops = peak_flops.or(self.peak_flops);
        self
    }

    /// The same stage with a stated utilization (checked against its GPU-hours and FLOP).
    pub fn with_mfu(mut self, mfu: Quantity) -> Self {
        self.mfu = Some(mfu);
        self
    }
}

impl StackSpec {
    /// A stack of the final run alone, for the model `name`, with money in `dollars` (CPI-U
    /// dollars unless [`StackSpec::with_index`] says otherwise); add the other layers with the
    /// `with_*` methods.
    pub fn new(name: impl Into<String>, dollars: DollarDate, stages: Vec<StageSpec>) -> Self {
        StackSpec {
            name: name.into(),
            dollars,
            index: IndexId::CpiU,
            stages,
            ownership: None,
            development: None,
            staff: None,
            fleet: None,
            energy: None,
            emissions: None,
        }
    }

    /// Dollars of another price index (`IndexId::PpiDataProcessing`, Epoch AI's).
    pub fn with_index(mut self, index: IndexId) -> Self {
        self.index = index;
        self
    }

    /// With the ownership basis (Epoch AI's method).
    pub fn with_ownership(mut self, ownership: super::OwnershipSpec) -> Self {
        self.ownership = Some(ownership);
        self
    }

    /// With development compute.
    pub fn with_development(mut self, development: DevelopmentSpec) -> Self {
        self.development = Some(development);
        self
    }

    /// With the people.
    pub fn with_staff(mut self, staff: StaffSpec) -> Self {
        self.staff = Some(staff);
        self
    }

    /// With the owner's fleet.
    pub fn with_fleet(mut self, fleet: FleetSpec) -> Self {
        self.fleet = Some(fleet);
        self
    }

    /// With the carbon intensity of the electricity: emissions beside each energy figure.
    pub fn with_emissions(mut self, emissions: super::EmissionsSpec) -> Self {
        self.emissions = Some(emissions);
        self
    }

    /// With the final run's energy forms (accelerator power; facility energy when the stack
    /// has no ownership basis).
    pub fn with_energy(mut self, energy: super::EnergySpec) -> Self {
        self.energy = Some(energy);
        self
    }
}

impl DevelopmentSpec {
    /// All the model's compute, the run included, as a multiple of the final run (Epoch AI's
    /// experiment factor, LN90[1.2, 4]), sampled as given; a draw below 1 counts as no
    /// development compute, and one draw per sample scales every component. The report leads
    /// with the ownership basis where the stack has one, else rental
    /// ([`DevelopmentSpec::on_basis`] chooses).
    pub fn factor(factor: Quantity) -> Self {
        DevelopmentSpec {
            basis: None,
            amount: DevelopmentAmount::Factor {
                factor,
                keep_below_one: false,
                propagation: Propagation::PerSample,
            },
        }
    }

    /// Development compute as a multiple of the final run, the run excluded.
    pub fn multiplier(multiplier: Quantity) -> Self {
        DevelopmentSpec {
            basis: None,
            amount: DevelopmentAmount::Multiplier(multiplier),
        }
    }

    /// Explicit extra stages, costed at the final run's cost per GPU-hour.
    pub fn stages(stages: Vec<StageSpec>) -> Self {
        DevelopmentSpec {
            basis: None,
            amount: DevelopmentAmount::Stages(stages),
        }
    }

    /// The basis a report leads with (the stack is costed on every basis it can be).
    pub fn on_basis(mut self, basis: Basis) -> Self {
        self.basis = Some(basis);
        self
    }

    /// With a factor: keep draws below 1 as they are (a negative development layer), as Epoch
    /// AI's study does. No effect on a multiplier or stages.
    pub fn keeping_draws_below_one(mut self) -> Self {
        if let DevelopmentAmount::Factor { keep_below_one, .. } = &mut self.amount {
            *keep_below_one = true;
        }
        self
    }

    /// With a factor: how it reaches the ownership components. No effect on a multiplier or
    /// stages.
    pub fn with_propagation(mut self, how: Propagation) -> Self {
        if let DevelopmentAmount::Factor { propagation, .. } = &mut self.amount {
            *propagation = how;
        }
        self
    }
}

impl StaffGroup {
    /// A group of `headcount` people, each paid `compensation` (USD/year, fully loaded) and
    /// spending the share `fte` of their time on the model, each drawn on their own and summed
    /// (Epoch AI's method). Add loading and equity with the `with_*` methods.
    pub fn new(
        role: impl Into<String>,
        headcount: Quantity,
        compensation: Quantity,
        fte: Quantity,
    ) -> Self {
        StaffGroup {
            role: role.into(),
            headcount,
            compensation,
            overhead: Quantity::assumed(
                Distribution::Point(1.0),
                "no overhead given: compensation is taken as fully loaded",
            ),
            fte,
            equity: None,
            equity_once_per_person: false,
            per_person: true,
        }
    }

    /// With a loading on compensation (benefits, payroll taxes), a multiplier.
    pub fn with_overhead(mut self, overhead: Quantity) -> Self {
        self.overhead = overhead;
        self
    }

    /// With equity per person per year, added after the loading: (compensation x overhead +
    /// equity) x fte. `once_per_person`: each person's equity drawn once for all samples.
    pub fn with_equity(mut self, equity: Quantity, once_per_person: bool) -> Self {
        self.equity = Some(equity);
        self.equity_once_per_person = once_per_person;
        self
    }

    /// Everyone alike: pay, loading and share of time drawn once for the group.
    pub fn drawn_as_one(mut self) -> Self {
        self.per_person = false;
        self
    }
}

impl FleetSpec {
    /// The owner's whole fleet: `gpus` at `price_per_gpu` (the chip alone), `overhead` from GPU
    /// price to installed cost (servers, network, storage), a useful life, other yearly
    /// operating cost as a fraction of capex, and power per GPU (see
    /// [`super::EpochDefaults::power_per_gpu`]); PUE and electricity price are Epoch AI's defaults
    /// (`None` if its table has no electricity price for the defaults' year).
    pub fn new(
        gpus: Quantity,
        price_per_gpu: Quantity,
        overhead: Quantity,
        lifetime_years: Quantity,
        other_opex_fraction: Quantity,
        power_per_gpu_watts: Quantity,
        defaults: &super::EpochDefaults,
    ) -> Option<Self> {
        Some(FleetSpec {
            gpus,
            price_per_gpu,
            overhead,
            lifetime_years,
            power_per_gpu_watts,
            pue: defaults.pue.clone(),
            electricity_price: defaults.electricity_price.clone()?,
            other_opex_fraction,
        })
    }
}

impl StaffSpec {
    /// The people, over a project of `years` (a [`Quantity`] in years).
    pub fn new(years: Quantity, groups: Vec<StaffGroup>) -> Self {
        StaffSpec {
            duration: StaffDuration::Years(years),
            groups,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Scenario;
    use crate::stack::CostModel;

    /// A stack built in code gives the same figures as the same stack from a scenario file.
    #[test]
    fn code_and_toml_give_the_same_model() {
        let toml = r#"
name = "code-first"
dollars = "2024"
report_dollars = "2024"
rental_price = { value = 2.0, unit = "USD/GPU-hour", assumption = "assumed" }

[[stages]]
name = "pre-training"
gpu_hours = { lognormal = [2.5e6, 3.1e6], unit = "GPU-hours", assumption = "a range" }

[development]
basis = "rental"
factor = { lognormal = [1.2, 4.0], unit = "x", assumption = "Epoch AI's factor" }

[staff]
duration = { value = 1.5, unit = "years", assumption = "assumed" }

[[staff.groups]]
role = "researchers"
headcount = { value = 100, unit = "people", assumption = "assumed" }
compensation = { lognormal = [100000, 300000], unit = "USD/year", assumption = "assumed" }
fte = { uniform = [0.2, 0.8], unit = "fraction", assumption = "assumed" }
"#;
        let (from_toml, _) = Scenario::parse(toml).unwrap().to_spec(None).unwrap();
        let a = |d| Quantity::assumed(d, "assumed");
        let in_code = StackSpec::new(
            "code-first",
            DollarDate::year(2024),
            vec![StageSpec::gpu_hours(
                "pre-training",
                a(Distribution::Lognormal {
                    p5: 2.5e6,
                    p95: 3.1e6,
                }),
                a(Distribution::Point(2.0)),
            )],
        )
        .with_development(
            DevelopmentSpec::factor(a(Distribution::Lognormal { p5: 1.2, p95: 4.0 }))
                .on_basis(Basis::Rental),
        )
        .with_staff(StaffSpec::new(
            a(Distribution::Point(1.5)),
            vec![StaffGroup::new(
                "researchers",
                a(Distribution::Point(100.0)),
                a(Distribution::Lognormal { p5: 1e5, p95: 3e5 }),
                a(Distribution::Uniform {
                    low: 0.2,
                    high: 0.8,
                }),
            )],
        ));
        let (m1, m2) = (
            CostModel::new(&from_toml).unwrap(),
            CostModel::new(&in_code).unwrap(),
        );
        let ids = |m: &CostModel| m.outputs().iter().map(|o| o.id.clone()).collect::<Vec<_>>();
        assert_eq!(ids(&m1), ids(&m2));
        assert_eq!(m1.central(), m2.central());
        let d = |m: &CostModel| {
            m.model_inputs()
                .iter()
                .map(|i| (i.name.clone(), i.quantity.distribution.clone()))
                .collect::<Vec<_>>()
        };
        assert_eq!(d(&m1), d(&m2));
    }
}
