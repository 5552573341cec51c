//! The safe side: the traits plugin authors implement, and the dispatch from a JSON request to
//! a trait method that [`declare_plugin!`](crate::declare_plugin) wires in.

use crate::catalog::{GPUS, ROLES, canonical_gpu_in, canonical_role};
use crate::payload::{
    Commitment, Compensation, ErrorPayload, GpuDefinition, GpuSpec, Kind, MANIFEST_SCHEMA,
    Manifest, PurchasePrices, Query, QueryKind, QueryResult, RentalPrices, Request, Response,
    SCHEMA_VERSION,
};

/// What a plugin method returns: a typed answer or an error for the host to report.
pub type Answer<T> = Result<T, ErrorPayload>;

impl ErrorPayload {
    /// An error with a code and a message.
    pub fn new(code: &str, message: impl Into<String>) -> ErrorPayload {
        ErrorPayload {
            code: code.to_owned(),
            message: message.into(),
            details: None,
        }
    }

    /// The plugin does not answer this query.
    pub fn unsupported(what: impl std::fmt::Display) -> ErrorPayload {
        ErrorPayload::new("unsupported", format!("this plugin does not answer {what}"))
    }

    /// The plugin has no data for this GPU, role, provider or year.
    pub fn no_data(message: impl Into<String>) -> ErrorPayload {
        ErrorPayload::new("no_data", message)
    }
}

impl std::fmt::Display for ErrorPayload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

/// What a plugin says about itself; the SDK adds name, version, kind and schema version.
#[derive(Debug, Clone, Default)]
pub struct About {
    /// One line for `traincost plugins list`.
    pub description: String,
    /// The queries it answers.
    pub queries: Vec<QueryKind>,
    /// GPUs it knows (canonical ids).
    pub gpus: Vec<String>,
    /// Cloud providers it knows.
    pub providers: Vec<String>,
    /// Roles it knows (canonical ids).
    pub roles: Vec<String>,
    /// First and last year with data.
    pub years: Option<[i32; 2]>,
    /// GPUs outside traincost's catalog that this pricing plugin defines and answers
    /// `gpu_spec` for (their ids join `gpus` in the manifest; docs/PLUGINS.md, "Defining a
    /// GPU").
    pub gpu_definitions: Vec<GpuDefinition>,
}

/// A pricing model: GPU specs, purchase prices and rental prices.
///
/// Called once per scenario, from any thread but never concurrently; GPU ids arrive
/// canonicalized (see [`crate::catalog::canonical_gpu_in`]: the catalog's ids, and the ids of
/// the plugin's own [`About::gpu_definitions`]). Methods a plugin does not offer keep
/// their default, which answers `unsupported`.
pub trait PricingModel: Send + Sync + 'static {
    /// What the plugin offers.
    fn about(&self) -> About;

    /// Peak dense BF16 FLOP/s and TDP of `gpu`.
    fn gpu_spec(&self, gpu: &str) -> Answer<GpuSpec> {
        let _ = gpu;
        Err(ErrorPayload::unsupported("gpu_spec"))
    }

    /// Dated purchase prices of `gpu`, oldest first.
    fn purchase_prices(&self, gpu: &str) -> Answer<PurchasePrices> {
        let _ = gpu;
        Err(ErrorPayload::unsupported("purchase_price"))
    }

    /// Dated rental prices of `gpu`, optionally for one provider and expressed at one
    /// commitment.
    fn rental_prices(
        &self,
        gpu: &str,
        provider: Option<&str>,
        commitment: Option<Commitment>,
    ) -> Answer<RentalPrices> {
        let _ = (gpu, provider, commitment);
        Err(ErrorPayload::unsupported("rental_price"))
    }
}

/// A salary model: loaded compensation by role and year.
///
/// Called once per scenario, from any thread but never concurrently; role ids arrive
/// canonicalized (see [`crate::catalog::canonical_role`]).
pub trait SalaryModel: Send + Sync + 'static {
    /// What the plugin offers.
    fn about(&self) -> About;

    /// Loaded annual compensation of `role` in `year`.
    fn compensation(&self, role: &str, year: i32) -> Answer<Compensation>;
}

fn manifest(about: About, name: &str, version: &str, kind: Kind) -> Manifest {
    let mut gpus = about.gpus;
    for d in &about.gpu_definitions {
        if !gpus.contains(&d.id) {
            gpus.push(d.id.clone());
        }
    }
    Manifest {
        schema: MANIFEST_SCHEMA.to_owned(),
        schema_version: SCHEMA_VERSION,
        name: name.to_owned(),
        version: version.to_owned(),
        kind,
        description: about.description,
        queries: about.queries,
        gpus,
        providers: about.providers,
        roles: about.roles,
        years: about.years,
        gpu_definitions: about.gpu_definitions,
    }
}

/// The manifest of a pricing model.
#[doc(hidden)]
pub fn pricing_manifest<T: PricingModel>(model: &T, name: &str, version: &str) -> Manifest {
    manifest(model.about(), name, version, Kind::Pricing)
}

/// The manifest of a salary model.
#[doc(hidden)]
pub fn salary_manifest<T: SalaryModel>(model: &T, name: &str, version: &str) -> Manifest {
    manifest(model.about(), name, version, Kind::Salary)
}

/// The canonical id of `gpu` among the catalog's and the plugin's own definitions.
fn gpu_id<'a>(gpu: &str, defined: &'a [GpuDefinition]) -> Answer<&'a str> {
    canonical_gpu_in(gpu, defined).ok_or_else(|| ErrorPayload {
        code: "unknown_gpu".to_owned(),
        message: format!("unknown GPU {gpu:?}"),
        details: Some(serde_json::json!({
            "known": GPUS
                .iter()
                .map(|g| g.id)
                .chain(defined.iter().map(|d| d.id.as_str()))
                .collect::<Vec<_>>()
        })),
    })
}

fn wrong_kind(query: &Query, kind: Kind) -> ErrorPayload {
    ErrorPayload::unsupported(format!("{} (a {kind} plugin)", query.kind()))
}

/// Answers a request with a pricing model.
#[doc(hidden)]
pub fn pricing_answer<T: PricingModel>(model: &T, request: Request) -> Answer<Response> {
    let defined = model.about().gpu_definitions;
    let gpu_id = |gpu: &str| gpu_id(gpu, &defined);
    let result = match &request.query {
        Query::GpuSpec { gpu } => QueryResult::GpuSpec(model.gpu_spec(gpu_id(gpu)?)?),
        Query::PurchasePrice { gpu } => {
            QueryResult::PurchasePrice(model.purchase_prices(gpu_id(gpu)?)?)
        }
        Query::RentalPrice {
            gpu,
            provider,
            commitment,
        } => QueryResult::RentalPrice(model.rental_prices(
            gpu_id(gpu)?,
            provider.as_deref(),
            *commitment,
        )?),
        q @ Query::Compensation { .. } => return Err(wrong_kind(q, Kind::Pricing)),
    };
    Ok(Response::new(result))
}

/// Answers a request with a salary model.
#[doc(hidden)]
pub fn salary_answer<T: SalaryModel>(model: &T, request: Request) -> Answer<Response> {
    match &request.query {
        Query::Compensation { role, year } => {
            let id = canonical_role(role).ok_or_else(|| ErrorPayload {
                code: "unknown_role".to_owned(),
                message: format!("unknown role {role:?}"),
                details: Some(serde_json::json!({
                    "known": ROLES.iter().map(|r| r.0).collect::<Vec<_>>()
                })),
            })?;
            Ok(Response::new(QueryResult::Compensation(
                model.compensation(id, *year)?,
            )))
        }
        q => Err(wrong_kind(q, Kind::Salary)),
    }
}
