//! The JSON payloads of ABI v1: requests, responses, the manifest and errors.
//!
//! These types *are* the wire format: the committed JSON schema in `crates/plugin/schema/v1/`
//! is generated from them. Requests and responses ignore unknown fields (additive evolution);
//! a [`Quantity`] does not (a misspelt `asumption` must not silently drop the provenance).

use serde::{Deserialize, Serialize};

/// `schema` field of a request.
pub const REQUEST_SCHEMA: &str = "traincost.request";
/// `schema` field of a response.
pub const RESPONSE_SCHEMA: &str = "traincost.response";
/// `schema` field of a manifest.
pub const MANIFEST_SCHEMA: &str = "traincost.manifest";
/// The payload schema version this SDK writes.
pub const SCHEMA_VERSION: u32 = 1;
/// The oldest payload schema version a host built with this SDK accepts.
pub const MIN_SCHEMA_VERSION: u32 = 1;

/// What a plugin provides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// GPU specs, purchase prices, rental prices.
    Pricing,
    /// Loaded compensation by role and year.
    Salary,
}

impl Kind {
    /// The wire spelling, also used in the descriptor's `kind` string.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Pricing => "pricing",
            Kind::Salary => "salary",
        }
    }

    /// Parses the wire spelling.
    pub fn parse(s: &str) -> Option<Kind> {
        match s {
            "pricing" => Some(Kind::Pricing),
            "salary" => Some(Kind::Salary),
            _ => None,
        }
    }
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The queries of schema v1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum QueryKind {
    /// Peak dense BF16 FLOP/s and TDP of a GPU.
    GpuSpec,
    /// Dated purchase prices of a GPU.
    PurchasePrice,
    /// Dated rental prices of a GPU by provider and commitment.
    RentalPrice,
    /// Loaded annual compensation of a role in a year.
    Compensation,
}

impl QueryKind {
    /// The wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            QueryKind::GpuSpec => "gpu_spec",
            QueryKind::PurchasePrice => "purchase_price",
            QueryKind::RentalPrice => "rental_price",
            QueryKind::Compensation => "compensation",
        }
    }

    /// The kind of plugin that answers this query.
    pub fn plugin_kind(self) -> Kind {
        match self {
            QueryKind::Compensation => Kind::Salary,
            _ => Kind::Pricing,
        }
    }
}

impl std::fmt::Display for QueryKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What `describe` writes: who the plugin is and what it can answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Manifest {
    /// Always `"traincost.manifest"`.
    pub schema: String,
    /// Payload schema version, 1 for this SDK.
    pub schema_version: u32,
    /// Plugin name (the Cargo package name for Rust plugins).
    pub name: String,
    /// Plugin version.
    pub version: String,
    /// Pricing or salary.
    pub kind: Kind,
    /// One line for `traincost plugins list`.
    #[serde(default)]
    pub description: String,
    /// The queries it answers.
    #[serde(default)]
    pub queries: Vec<QueryKind>,
    /// GPUs it knows (canonical ids, see [`crate::catalog::GPUS`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub gpus: Vec<String>,
    /// Cloud providers it knows (rental prices).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub providers: Vec<String>,
    /// Roles it knows (canonical ids, see [`crate::catalog::ROLES`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<String>,
    /// First and last year it has data for (salary plugins).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub years: Option<[i32; 2]>,
    /// GPUs the plugin defines: accelerators outside [`crate::catalog::GPUS`] that it answers
    /// `gpu_spec` for (additive to schema 1; a host older than this field ignores it and
    /// refuses the GPU as unknown). A host adds each definition's id to [`Manifest::gpus`].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub gpu_definitions: Vec<GpuDefinition>,
}

/// A GPU a plugin defines, for accelerators traincost's catalog does not know (a new chip, a
/// vendor's own): its name and the other spellings that mean it. Its figures (peak FLOP/s,
/// TDP), each with a claim or an assumption, are the plugin's answer to `gpu_spec` for it.
///
/// Neither the id nor an alias may name a GPU of [`crate::catalog::GPUS`]: a plugin answers
/// `gpu_spec` for a catalog GPU by listing it in [`Manifest::gpus`], never by redefining it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct GpuDefinition {
    /// The id payloads and scenarios use, e.g. `"Gaudi3"` (at most 64 characters: letters,
    /// digits, spaces, `-`, `_`, `.`).
    pub id: String,
    /// Other spellings, compared as the catalog compares them (case, spaces, `-` and `_`
    /// ignored).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// Product name, e.g. `"Intel Gaudi 3 HL-325L"`. Epoch AI's default rules read it as they
    /// read the chip dataset's names (a name containing `TPU` gets a TPU's power fraction and
    /// server power ratio). Defaults to the id.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub product: String,
}

/// A request to `evaluate`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Request {
    /// Always `"traincost.request"`.
    pub schema: String,
    /// Payload schema version of the host.
    pub schema_version: u32,
    /// What is asked.
    pub query: Query,
}

impl Request {
    /// A request of the current schema version.
    pub fn new(query: Query) -> Request {
        Request {
            schema: REQUEST_SCHEMA.to_owned(),
            schema_version: SCHEMA_VERSION,
            query,
        }
    }
}

/// A query, tagged by `kind`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Query {
    /// Specs of one GPU.
    GpuSpec {
        /// GPU id, e.g. `"H800"`.
        gpu: String,
    },
    /// Dated purchase prices of one GPU.
    PurchasePrice {
        /// GPU id.
        gpu: String,
    },
    /// Dated rental prices of one GPU.
    RentalPrice {
        /// GPU id.
        gpu: String,
        /// Only this provider, if given.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        provider: Option<String>,
        /// Express prices at this commitment (converted where needed), if given.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        commitment: Option<Commitment>,
    },
    /// Loaded compensation of one role in one year.
    Compensation {
        /// Role id, e.g. `"researcher"`.
        role: String,
        /// Calendar year.
        year: i32,
    },
}

impl Query {
    /// Which query this is.
    pub fn kind(&self) -> QueryKind {
        match self {
            Query::GpuSpec { .. } => QueryKind::GpuSpec,
            Query::PurchasePrice { .. } => QueryKind::PurchasePrice,
            Query::RentalPrice { .. } => QueryKind::RentalPrice,
            Query::Compensation { .. } => QueryKind::Compensation,
        }
    }
}

/// A successful answer to `evaluate`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Response {
    /// Always `"traincost.response"`.
    pub schema: String,
    /// Payload schema version of the plugin.
    pub schema_version: u32,
    /// The answer, tagged by `kind` like the query.
    pub result: QueryResult,
    /// Caveats the report should show.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

impl Response {
    /// A response of the current schema version.
    pub fn new(result: QueryResult) -> Response {
        Response {
            schema: RESPONSE_SCHEMA.to_owned(),
            schema_version: SCHEMA_VERSION,
            result,
            warnings: Vec::new(),
        }
    }
}

/// The answer to a [`Query`], tagged by `kind`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum QueryResult {
    /// Answer to [`Query::GpuSpec`].
    GpuSpec(GpuSpec),
    /// Answer to [`Query::PurchasePrice`].
    PurchasePrice(PurchasePrices),
    /// Answer to [`Query::RentalPrice`].
    RentalPrice(RentalPrices),
    /// Answer to [`Query::Compensation`].
    Compensation(Compensation),
}

impl QueryResult {
    /// Which query this answers.
    pub fn kind(&self) -> QueryKind {
        match self {
            QueryResult::GpuSpec(_) => QueryKind::GpuSpec,
            QueryResult::PurchasePrice(_) => QueryKind::PurchasePrice,
            QueryResult::RentalPrice(_) => QueryKind::RentalPrice,
            QueryResult::Compensation(_) => QueryKind::Compensation,
        }
    }
}

/// Specs of one GPU.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct GpuSpec {
    /// Canonical GPU id, e.g. `"H100"`.
    pub gpu: String,
    /// Product name, e.g. `"NVIDIA H100 SXM5 80GB"`.
    #[serde(default)]
    pub product: String,
    /// Release date, `YYYY-MM-DD` or `YYYY-MM`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub release_date: Option<String>,
    /// Peak dense BF16 tensor throughput, unit `FLOP/s`.
    pub peak_bf16_flops: Quantity,
    /// Thermal design power of one GPU, unit `W`.
    pub tdp: Quantity,
}

/// Dated purchase prices of one GPU, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PurchasePrices {
    /// Canonical GPU id.
    pub gpu: String,
    /// Price quotes, oldest first.
    pub quotes: Vec<PriceQuote>,
}

/// The quote in force at `date` (`YYYY`, `YYYY-MM` or `YYYY-MM-DD`): the latest dated on or
/// before it, else the earliest after it (Epoch AI's rule). `None` only if `quotes` is empty.
fn quote_at<'a, T>(quotes: &'a [T], date: &str, date_of: impl Fn(&T) -> &str) -> Option<&'a T> {
    quotes
        .iter()
        .filter(|q| date_of(q) <= date)
        .max_by(|a, b| date_of(a).cmp(date_of(b)))
        .or_else(|| quotes.iter().min_by(|a, b| date_of(a).cmp(date_of(b))))
}

impl PurchasePrices {
    /// The quote in force at `date`: the latest on or before it, else the earliest after it.
    pub fn quote_at(&self, date: &str) -> Option<&PriceQuote> {
        quote_at(&self.quotes, date, |q| &q.date)
    }
}

impl RentalPrices {
    /// The quote in force at `date`: the latest on or before it, else the earliest after it.
    pub fn quote_at(&self, date: &str) -> Option<&RentalQuote> {
        quote_at(&self.quotes, date, |q| &q.date)
    }
}

/// One dated purchase price.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PriceQuote {
    /// When the price was quoted, `YYYY-MM-DD` or `YYYY-MM`.
    pub date: String,
    /// Price of one GPU, unit `USD/GPU`.
    pub price: Quantity,
    /// What the price covers (chip alone, share of a server, ...).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// Dated rental prices of one GPU.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RentalPrices {
    /// Canonical GPU id.
    pub gpu: String,
    /// Price quotes, oldest first.
    pub quotes: Vec<RentalQuote>,
}

/// One dated rental price.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RentalQuote {
    /// Cloud provider, e.g. `"AWS"`.
    pub provider: String,
    /// When the price was quoted, `YYYY-MM-DD` or `YYYY-MM`.
    pub date: String,
    /// The commitment this price is for.
    pub commitment: Commitment,
    /// Price of one GPU-hour, unit `USD/GPU-hour`.
    pub price: Quantity,
    /// How the price was obtained (e.g. converted from on-demand).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// Rental commitment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Commitment {
    /// Pay as you go.
    OnDemand,
    /// One-year reservation or committed-use discount.
    OneYear,
    /// Three-year reservation or committed-use discount.
    ThreeYear,
}

impl Commitment {
    /// The wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Commitment::OnDemand => "on_demand",
            Commitment::OneYear => "one_year",
            Commitment::ThreeYear => "three_year",
        }
    }
}

/// Loaded annual compensation of one role in one year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Compensation {
    /// Canonical role id, e.g. `"researcher"`.
    pub role: String,
    /// Calendar year.
    pub year: i32,
    /// Where, e.g. `"US"` or `"CN"`.
    pub region: String,
    /// Annual cash pay in local currency: `USD/year`, `CNY/year`, `EUR/year`, `GBP/year` or
    /// `JPY/year`.
    pub annual_pay: Quantity,
    /// Fully loaded annual cost to the employer: what `estimate` uses. `USD/year`, or (an
    /// additive change to schema 1) `CNY/year`, `EUR/year`, `GBP/year`, `JPY/year`: the host
    /// converts it to USD at the exchange rate of its `dollar_year`, then to the report's
    /// dollars. The field keeps its name for compatibility.
    pub loaded_usd: Quantity,
    /// The factors behind the figures (monthly pay, months paid, overhead, FX), each sourced.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub components: Vec<NamedQuantity>,
}

/// A quantity with a name, for the factors behind a figure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct NamedQuantity {
    /// What it is, e.g. `"months paid per year"`.
    pub name: String,
    /// The figure.
    pub quantity: Quantity,
}

/// An error written by a plugin (return code 1) or by the SDK for a caught panic (code 2).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ErrorPayload {
    /// Machine-readable code: `unsupported`, `unknown_gpu`, `unknown_role`, `no_data`,
    /// `bad_request`, `panic`, `internal`, or a plugin's own.
    pub code: String,
    /// For people: what is wrong and what to do.
    pub message: String,
    /// Anything else, e.g. the GPUs the plugin does know.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<serde_json::Value>,
}

/// Dollars (or yuan) of which year or month: `2024` or `"2023-12"`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(untagged)]
pub enum DollarYear {
    /// A calendar year.
    Year(i32),
    /// A month, `"YYYY-MM"`.
    Month(String),
}

/// A probability distribution, the way traincost scenarios write quantities.
#[derive(Debug, Clone, PartialEq)]
pub enum Dist {
    /// A single value (`value`).
    Point(f64),
    /// Uniform on `[lo, hi]` (`uniform`).
    Uniform {
        /// Lower bound.
        lo: f64,
        /// Upper bound.
        hi: f64,
    },
    /// Triangular (`triangular: [min, mode, max]`).
    Triangular {
        /// Minimum.
        min: f64,
        /// Mode.
        mode: f64,
        /// Maximum.
        max: f64,
    },
    /// PERT (`pert: [min, mode, max]`).
    Pert {
        /// Minimum.
        min: f64,
        /// Mode.
        mode: f64,
        /// Maximum.
        max: f64,
    },
    /// Normal (`normal: [mean, sd]`).
    Normal {
        /// Mean.
        mean: f64,
        /// Standard deviation.
        sd: f64,
    },
    /// Lognormal given by its 90% interval (`lognormal: [p5, p95]`).
    Lognormal {
        /// 5th percentile.
        p5: f64,
        /// 95th percentile.
        p95: f64,
    },
    /// Equally likely samples (`samples: [...]`).
    Samples(Vec<f64>),
}

impl Dist {
    /// The wire key of this distribution.
    pub fn key(&self) -> &'static str {
        match self {
            Dist::Point(_) => "value",
            Dist::Uniform { .. } => "uniform",
            Dist::Triangular { .. } => "triangular",
            Dist::Pert { .. } => "pert",
            Dist::Normal { .. } => "normal",
            Dist::Lognormal { .. } => "lognormal",
            Dist::Samples(_) => "samples",
        }
    }

    /// The numbers in wire order.
    pub fn numbers(&self) -> Vec<f64> {
        match self {
            Dist::Point(v) => vec![*v],
            Dist::Uniform { lo, hi } => vec![*lo, *hi],
            Dist::Triangular { min, mode, max } | Dist::Pert { min, mode, max } => {
                vec![*min, *mode, *max]
            }
            Dist::Normal { mean, sd } => vec![*mean, *sd],
            Dist::Lognormal { p5, p95 } => vec![*p5, *p95],
            Dist::Samples(s) => s.clone(),
        }
    }

    /// A rough central value, for display: the point, the midpoint, the mode, the mean, the
    /// median of a lognormal, the mean of samples.
    pub fn central(&self) -> f64 {
        match self {
            Dist::Point(v) => *v,
            Dist::Uniform { lo, hi } => (lo + hi) / 2.0,
            Dist::Triangular { mode, .. } | Dist::Pert { mode, .. } => *mode,
            Dist::Normal { mean, .. } => *mean,
            Dist::Lognormal { p5, p95 } => (p5 * p95).sqrt(),
            Dist::Samples(s) if s.is_empty() => f64::NAN,
            Dist::Samples(s) => s.iter().sum::<f64>() / s.len() as f64,
        }
    }

    /// Multiplies every number that scales with the quantity by `k > 0` (not a normal's sd
    /// sign, which stays non-negative).
    pub fn scaled(&self, k: f64) -> Dist {
        match self {
            Dist::Point(v) => Dist::Point(v * k),
            Dist::Uniform { lo, hi } => Dist::Uniform {
                lo: lo * k,
                hi: hi * k,
            },
            Dist::Triangular { min, mode, max } => Dist::Triangular {
                min: min * k,
                mode: mode * k,
                max: max * k,
            },
            Dist::Pert { min, mode, max } => Dist::Pert {
                min: min * k,
                mode: mode * k,
                max: max * k,
            },
            Dist::Normal { mean, sd } => Dist::Normal {
                mean: mean * k,
                sd: sd * k.abs(),
            },
            Dist::Lognormal { p5, p95 } => Dist::Lognormal {
                p5: p5 * k,
                p95: p95 * k,
            },
            Dist::Samples(s) => Dist::Samples(s.iter().map(|x| x * k).collect()),
        }
    }
}

/// Where a figure comes from: a claim of the claims crate, or a labelled assumption.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// Id of a claim in `crates/claims/data/claims.toml`.
    Claim(String),
    /// A one-line reason.
    Assumption(String),
}

/// A number with its uncertainty, unit, dollar year and provenance.
///
/// On the wire: a JSON object with exactly one of `value`, `uniform`, `triangular`, `pert`,
/// `normal`, `lognormal`, `samples`; a `unit`; an optional `dollar_year`; exactly one of
/// `claim` and `assumption`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "QuantityRepr", into = "QuantityRepr")]
pub struct Quantity {
    /// The distribution.
    pub dist: Dist,
    /// The unit, one of [`crate::catalog::UNITS`].
    pub unit: String,
    /// Money only: dollars of which year or month.
    pub dollar_year: Option<DollarYear>,
    /// Provenance.
    pub source: Source,
    /// Claims an assumption is based on (wire: `claims`), e.g. the posting an assumed range is
    /// anchored on. Empty for a `claim` source.
    pub cites: Vec<String>,
}

impl Quantity {
    /// A quantity citing a claim id.
    pub fn claim(dist: Dist, unit: &str, claim: &str) -> Quantity {
        Quantity {
            dist,
            unit: unit.to_owned(),
            dollar_year: None,
            source: Source::Claim(claim.to_owned()),
            cites: Vec::new(),
        }
    }

    /// A quantity resting on a labelled assumption.
    pub fn assumption(dist: Dist, unit: &str, reason: &str) -> Quantity {
        Quantity {
            dist,
            unit: unit.to_owned(),
            dollar_year: None,
            source: Source::Assumption(reason.to_owned()),
            cites: Vec::new(),
        }
    }

    /// An assumption informed by claims: the figure is not simply what the claims say (a
    /// range around them, a conversion, a share), but rests on them.
    pub fn assumption_citing(dist: Dist, unit: &str, reason: &str, claims: &[&str]) -> Quantity {
        let mut q = Quantity::assumption(dist, unit, reason);
        q.cites = claims.iter().map(|c| (*c).to_owned()).collect();
        q
    }

    /// Sets the dollar year.
    pub fn in_dollars_of(mut self, year: i32) -> Quantity {
        self.dollar_year = Some(DollarYear::Year(year));
        self
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for Quantity {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Quantity".into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let mut schema = QuantityRepr::json_schema(generator);
        let one_of_dist: Vec<serde_json::Value> = DIST_KEYS
            .iter()
            .map(|k| serde_json::json!({ "required": [k] }))
            .collect();
        let one_of_source = serde_json::json!([
            { "required": ["claim"] },
            { "required": ["assumption"] }
        ]);
        schema.insert(
            "allOf".to_owned(),
            serde_json::json!([{ "oneOf": one_of_dist }, { "oneOf": one_of_source }]),
        );
        schema
    }
}

/// The distribution keys of a [`Quantity`] on the wire.
pub const DIST_KEYS: [&str; 7] = [
    "value",
    "uniform",
    "triangular",
    "pert",
    "normal",
    "lognormal",
    "samples",
];

/// The wire form of [`Quantity`].
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(
    feature = "schema",
    schemars(
        title = "Quantity",
        description = "A number with its uncertainty, unit, dollar year and provenance: exactly one of value, uniform, triangular, pert, normal, lognormal, samples; exactly one of claim, assumption (which may list the claims it rests on)."
    )
)]
struct QuantityRepr {
    /// A point value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    value: Option<f64>,
    /// `[lo, hi]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    uniform: Option<[f64; 2]>,
    /// `[min, mode, max]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    triangular: Option<[f64; 3]>,
    /// `[min, mode, max]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pert: Option<[f64; 3]>,
    /// `[mean, sd]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    normal: Option<[f64; 2]>,
    /// `[p5, p95]`: the 90% interval.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    lognormal: Option<[f64; 2]>,
    /// Equally likely samples.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    samples: Option<Vec<f64>>,
    /// Unit, e.g. `USD/GPU-hour`.
    unit: String,
    /// Dollars of which year (`2024`) or month (`"2023-12"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    dollar_year: Option<DollarYear>,
    /// Id of a claim in the claims crate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    claim: Option<String>,
    /// One-line reason, when no claim states the figure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    assumption: Option<String>,
    /// With `assumption` only: ids of the claims the assumption is based on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    claims: Option<Vec<String>>,
}

impl TryFrom<QuantityRepr> for Quantity {
    type Error = String;

    fn try_from(r: QuantityRepr) -> Result<Quantity, String> {
        let mut dists = Vec::new();
        if let Some(v) = r.value {
            dists.push(Dist::Point(v));
        }
        if let Some([lo, hi]) = r.uniform {
            dists.push(Dist::Uniform { lo, hi });
        }
        if let Some([min, mode, max]) = r.triangular {
            dists.push(Dist::Triangular { min, mode, max });
        }
        if let Some([min, mode, max]) = r.pert {
            dists.push(Dist::Pert { min, mode, max });
        }
        if let Some([mean, sd]) = r.normal {
            dists.push(Dist::Normal { mean, sd });
        }
        if let Some([p5, p95]) = r.lognormal {
            dists.push(Dist::Lognormal { p5, p95 });
        }
        if let Some(s) = r.samples {
            dists.push(Dist::Samples(s));
        }
        if dists.len() != 1 {
            return Err(format!(
                "a quantity needs exactly one of {} (found {})",
                DIST_KEYS.join(", "),
                if dists.is_empty() {
                    "none".to_owned()
                } else {
                    dists
                        .iter()
                        .map(Dist::key)
                        .collect::<Vec<_>>()
                        .join(" and ")
                }
            ));
        }
        if r.claim.is_some() && r.claims.is_some() {
            return Err(
                "`claims` lists the claims an `assumption` rests on; with `claim`, leave it out"
                    .into(),
            );
        }
        let source = match (r.claim, r.assumption) {
            (Some(c), None) => Source::Claim(c),
            (None, Some(a)) => Source::Assumption(a),
            (Some(_), Some(_)) => {
                return Err(
                    "a quantity cites either a `claim` or an `assumption`, not both".into(),
                );
            }
            (None, None) => {
                return Err(
                    "a quantity must carry its provenance: a `claim` id or an `assumption` reason"
                        .into(),
                );
            }
        };
        Ok(Quantity {
            dist: dists.pop().expect("exactly one"),
            unit: r.unit,
            dollar_year: r.dollar_year,
            source,
            cites: r.claims.unwrap_or_default(),
        })
    }
}

impl From<Quantity> for QuantityRepr {
    fn from(q: Quantity) -> QuantityRepr {
        let mut r = QuantityRepr {
            unit: q.unit,
            dollar_year: q.dollar_year,
            ..Default::default()
        };
        match q.dist {
            Dist::Point(v) => r.value = Some(v),
            Dist::Uniform { lo, hi } => r.uniform = Some([lo, hi]),
            Dist::Triangular { min, mode, max } => r.triangular = Some([min, mode, max]),
            Dist::Pert { min, mode, max } => r.pert = Some([min, mode, max]),
            Dist::Normal { mean, sd } => r.normal = Some([mean, sd]),
            Dist::Lognormal { p5, p95 } => r.lognormal = Some([p5, p95]),
            Dist::Samples(s) => r.samples = Some(s),
        }
        match q.source {
            Source::Claim(c) => r.claim = Some(c),
            Source::Assumption(a) => r.assumption = Some(a),
        }
        if !q.cites.is_empty() {
            r.claims = Some(q.cites);
        }
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantity_round_trips_and_rejects_ambiguity() {
        let q = Quantity::claim(
            Dist::Uniform {
                lo: 25_000.0,
                hi: 30_000.0,
            },
            "USD/GPU",
            "raymond-james-h100-sale-price",
        )
        .in_dollars_of(2023);
        let json = serde_json::to_string(&q).unwrap();
        assert_eq!(
            json,
            r#"{"uniform":[25000.0,30000.0],"unit":"USD/GPU","dollar_year":2023,"claim":"raymond-james-h100-sale-price"}"#
        );
        assert_eq!(serde_json::from_str::<Quantity>(&json).unwrap(), q);

        let two = r#"{"value":1,"uniform":[1,2],"unit":"W","assumption":"x"}"#;
        let err = serde_json::from_str::<Quantity>(two)
            .unwrap_err()
            .to_string();
        assert!(err.contains("exactly one"), "{err}");
        let none = r#"{"value":1,"unit":"W"}"#;
        let err = serde_json::from_str::<Quantity>(none)
            .unwrap_err()
            .to_string();
        assert!(err.contains("provenance"), "{err}");
        let typo = r#"{"value":1,"unit":"W","asumption":"x"}"#;
        assert!(serde_json::from_str::<Quantity>(typo).is_err());
    }

    #[test]
    fn requests_ignore_unknown_fields() {
        let r: Request = serde_json::from_str(
            r#"{"schema":"traincost.request","schema_version":1,"future":true,
                "query":{"kind":"gpu_spec","gpu":"H100","also_future":1}}"#,
        )
        .unwrap();
        assert_eq!(r.query.kind(), QueryKind::GpuSpec);
    }
}
