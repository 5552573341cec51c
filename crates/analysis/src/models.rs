//! One view across models (`traincost models`): every built-in scenario and every model of
//! Epoch AI's cost table in one table, in one dollar year, and the growth of the frontier's
//! amortized final-run cost compared with Epoch's published ~2.4x per year.
//!
//! What is decided here, and rendered by the CLI:
//!
//! - each row's figures ([`Costed::of`]): the final run at rental prices and at ownership cost
//!   (medians with 90% intervals), the final run's GPU-hours, and the cost per GPU-hour and per
//!   1e18 FLOP on each basis as *ratios of medians* (median cost / median GPU-hours; median
//!   cost / training compute);
//! - which built-in is the same model as an Epoch row ([`curated_match`]): the built-in's title
//!   without a trailing parenthetical, compared as `epoch:NAME` compares names, so `GPT-4` and
//!   `GPT-4 (Epoch AI development-cost study)` are both Epoch's `GPT-4`. Such an Epoch row is
//!   not shown as a row of its own: the curated built-in is, with the Epoch row's figures in
//!   [`ModelRow::epoch`];
//! - the trend ([`frontier_trend`]): Epoch's regression ([`crate::trend`]) on the medians of the
//!   ownership (amortized) final run of the Epoch rows in Epoch's top-10 frontier set
//!   (`in_top10_frontier_set`), whether or not a curated built-in hides them from the table,
//!   beside the published figure (claims `epoch-frontier-training-cost-growth`, `-ci`).

use serde::Serialize;
use traincost_claims::{ClaimSet, Value};
use traincost_core::epoch::scenario as epoch_scenario;
use traincost_core::epoch::table::{CostRow, CostTable};
use traincost_core::epoch::{CodeVersion, FineTuneHandling, Settings};
use traincost_core::estimate::{Estimate, Figure};
use traincost_core::stack::{FlopSpec, StackSpec};

use crate::trend::{self, GrowthFit};

/// Version of the JSON document of `traincost models` (docs/ESTIMATE_JSON.md, "models").
pub const SCHEMA_VERSION: u32 = 1;

/// Claim holding Epoch AI's published growth rate.
pub const PUBLISHED_GROWTH_CLAIM: &str = "epoch-frontier-training-cost-growth";
/// Claim holding its 95% confidence interval.
pub const PUBLISHED_GROWTH_CI_CLAIM: &str = "epoch-frontier-training-cost-growth-ci";
/// Claim holding the regression behind it (45 models, paper v1).
pub const PUBLISHED_REGRESSION_CLAIM: &str = "epoch-frontier-training-cost-growth-regression";

/// Where a row comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Source {
    /// A curated built-in scenario.
    Builtin,
    /// A row of Epoch AI's cost table (`epoch:NAME`).
    Epoch,
}

impl Source {
    /// `builtin` or `epoch`.
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Builtin => "builtin",
            Source::Epoch => "epoch",
        }
    }
}

/// The median of a figure and its 90% interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Interval {
    /// Median.
    pub p50: f64,
    /// 5th percentile.
    pub p5: f64,
    /// 95th percentile.
    pub p95: f64,
}

impl Interval {
    /// A figure's median and 90% interval.
    pub fn of(f: &Figure) -> Self {
        Interval {
            p50: f.p50,
            p5: f.p5,
            p95: f.p95,
        }
    }
}

/// A cost per unit on one basis: ratios of medians.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct UnitCosts {
    /// Median final-run cost / median final-run GPU-hours, USD per GPU-hour.
    pub per_gpu_hour: Option<f64>,
    /// Median final-run cost / (training compute / 1e18), USD per 1e18 FLOP.
    pub per_1e18_flop: Option<f64>,
}

impl UnitCosts {
    fn of(cost: Option<Interval>, gpu_hours: Option<Interval>, flop: Option<f64>) -> Self {
        let ratio = |den: Option<f64>| match (cost, den) {
            (Some(c), Some(d)) if d > 0.0 => Some(c.p50 / d),
            _ => None,
        };
        UnitCosts {
            per_gpu_hour: ratio(gpu_hours.map(|h| h.p50)),
            per_1e18_flop: ratio(flop.map(|f| f / 1e18)),
        }
    }
}

/// What an estimate says about a model's final run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Costed {
    /// `final-run-rental`.
    pub rental: Option<Interval>,
    /// `final-run-ownership` (Epoch AI's amortized hardware, interconnect and energy).
    pub ownership: Option<Interval>,
    /// `final-run-gpu-hours`.
    pub gpu_hours: Option<Interval>,
    /// The price index the estimate's dollars were converted with.
    pub price_index: String,
    /// Why there is no ownership figure, when there is none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ownership_missing: Option<String>,
    /// Why there is no rental figure, when there is none (an Epoch row without a cloud price).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rental_missing: Option<String>,
}

impl Costed {
    /// The final-run figures of an estimate.
    pub fn of(e: &Estimate) -> Self {
        let get = |id: &str| e.figure(id).map(Interval::of);
        let ownership = get("final-run-ownership");
        Costed {
            rental: get("final-run-rental"),
            ownership,
            gpu_hours: get("final-run-gpu-hours"),
            price_index: e.price_index.clone(),
            ownership_missing: if ownership.is_none() {
                Some(
                    e.not_modelled
                        .iter()
                        .find(|n| n.id == "final-run-ownership")
                        .map_or_else(
                            || "the scenario has no [ownership] inputs".to_owned(),
                            |n| n.needs.clone(),
                        ),
                )
            } else {
                None
            },
            rental_missing: None,
        }
    }
}

/// Training compute of a scenario's final run from its own inputs: the sum over stages of
/// `flop` (or 6 x active parameters x tokens) at the inputs' medians; `None` unless every
/// stage gives its FLOP.
pub fn final_run_compute(spec: &StackSpec) -> Option<f64> {
    let mut total = 0.0;
    for s in &spec.stages {
        total += match s.flop.as_ref()? {
            FlopSpec::Given(q) => q.distribution.median(),
            FlopSpec::SixND {
                active_parameters,
                tokens,
            } => 6.0 * active_parameters.distribution.median() * tokens.distribution.median(),
            _ => return None,
        };
    }
    (total > 0.0 && total.is_finite()).then_some(total)
}

/// Where a row's training compute comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ComputeFrom {
    /// The scenario's stages (`flop`, or parameters and tokens), at their medians.
    Scenario,
    /// Epoch AI's table (`training_compute_flop`).
    Epoch,
}

/// The Epoch AI row a curated built-in stands for, and what it gives.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EpochRef {
    /// The model's name in Epoch's table.
    pub model: String,
    /// The table's code version of the row.
    pub version: String,
    /// In Epoch's top-10 frontier set.
    pub frontier: bool,
    /// The Epoch row's own estimate (`epoch:NAME`), in the same dollars; `None` if it cannot be
    /// costed.
    pub costed: Option<Costed>,
    /// Why the Epoch row cannot be costed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_costed: Option<String>,
}

/// One row of the table: one model.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModelRow {
    /// What to pass to `traincost estimate`: a built-in's name or `epoch:MODEL`.
    pub scenario: String,
    /// The model's name for people.
    pub title: String,
    /// Built-in or Epoch row.
    pub source: Source,
    /// Developer (organization).
    pub developer: Option<String>,
    /// Publication date, `YYYY-MM-DD`.
    pub publication_date: Option<String>,
    /// Training hardware.
    pub hardware: Option<String>,
    /// Training compute of the final run, FLOP.
    pub compute_flop: Option<f64>,
    /// Where [`ModelRow::compute_flop`] comes from.
    pub compute_from: Option<ComputeFrom>,
    /// The estimate's final-run figures; `None` when the model cannot be costed.
    pub costed: Option<Costed>,
    /// Rental-basis unit costs.
    pub rental_unit: UnitCosts,
    /// Ownership-basis unit costs.
    pub ownership_unit: UnitCosts,
    /// In Epoch AI's top-10 frontier set (this row's, or its Epoch row's).
    pub frontier: bool,
    /// For a built-in that is the same model as an Epoch row: that row.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub epoch: Option<EpochRef>,
    /// Why the model cannot be costed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_costed: Option<String>,
}

impl ModelRow {
    /// Fills the unit costs from the costed figures and the compute.
    pub fn with_unit_costs(mut self) -> Self {
        let (r, o, h) = match &self.costed {
            Some(c) => (c.rental, c.ownership, c.gpu_hours),
            None => (None, None, None),
        };
        self.rental_unit = UnitCosts::of(r, h, self.compute_flop);
        self.ownership_unit = UnitCosts::of(o, h, self.compute_flop);
        self
    }
}

/// A built-in's title without a trailing parenthetical: `GPT-4 (Epoch AI development-cost
/// study)` is `GPT-4`.
fn bare_title(title: &str) -> &str {
    let t = title.trim();
    match t.strip_suffix(')').and_then(|s| s.rfind(" (")) {
        Some(i) => t[..i].trim(),
        None => t,
    }
}

/// The Epoch AI row a curated built-in titled `title` stands for: the row `epoch:TITLE` finds
/// (at `version`, or the model's latest), the title read without a trailing parenthetical;
/// else the one model whose name, also without its parenthetical, is that title
/// (`GPT-3 175B (Epoch AI development-cost study)` is Epoch's `GPT-3 175B (davinci)`).
pub fn curated_match<'a>(
    title: &str,
    table: &'a CostTable,
    version: Option<CodeVersion>,
) -> Option<&'a CostRow> {
    let bare = bare_title(title);
    if let Ok(r) = epoch_scenario::find(table, bare, version) {
        return Some(r);
    }
    let wanted = epoch_scenario::normalize(bare);
    let mut names: Vec<&str> = table
        .model_names()
        .into_iter()
        .filter(|m| !wanted.is_empty() && epoch_scenario::normalize(bare_title(m)) == wanted)
        .collect();
    names.dedup();
    match names.as_slice() {
        [one] => epoch_scenario::find(table, one, version).ok(),
        _ => None,
    }
}

/// The version whose frontier set the trend fits: `version`, or the newest in the table.
pub fn trend_version(table: &CostTable, version: Option<CodeVersion>) -> CodeVersion {
    version.unwrap_or_else(|| {
        table
            .rows()
            .iter()
            .map(|r| r.version)
            .max()
            .unwrap_or(CodeVersion::Update2025_06)
    })
}

/// The rows of Epoch's table one view shows: at `version`, or each model's latest.
pub fn epoch_rows(table: &CostTable, version: Option<CodeVersion>) -> Vec<&CostRow> {
    let mut out: Vec<&CostRow> = Vec::new();
    for r in table.rows() {
        if version.is_some_and(|v| r.version != v) {
            continue;
        }
        match out.iter_mut().find(|o| o.model == r.model) {
            Some(o) => {
                if r.version > o.version {
                    *o = r;
                }
            }
            None => out.push(r),
        }
    }
    out
}

/// A point of the trend: one Epoch frontier model's amortized final-run median.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrendPoint {
    /// Epoch's model name.
    pub model: String,
    /// The row's version.
    pub version: String,
    /// Publication date, `YYYY-MM-DD`.
    pub publication_date: String,
    /// Decimal year as Epoch's regression reads it.
    pub year: f64,
    /// Ownership (amortized) final run, median and 90% interval.
    pub ownership: Interval,
}

/// Epoch AI's published growth rate, from the claims.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PublishedGrowth {
    /// Claim of the rate.
    pub claim: String,
    /// Growth factor per year (2.4).
    pub factor_per_year: f64,
    /// Claim of the interval.
    pub interval_claim: Option<String>,
    /// 95% interval, low end.
    pub low: Option<f64>,
    /// 95% interval, high end.
    pub high: Option<f64>,
    /// The claim's quote.
    pub quote: String,
    /// The claim's source.
    pub source_url: String,
}

/// The fitted growth of the frontier's amortized final-run cost beside Epoch's published rate.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Trend {
    /// The set fitted, in words.
    pub set: String,
    /// The version of Epoch's table whose frontier rows are fitted.
    pub epoch_version: String,
    /// The basis fitted (`ownership`: Epoch's amortized hardware + energy).
    pub basis: &'static str,
    /// The points fitted.
    pub points: Vec<TrendPoint>,
    /// The fit; `None` with fewer than three points.
    pub fit: Option<GrowthFit>,
    /// Growth factor per year, `10^slope`.
    pub factor_per_year: Option<f64>,
    /// Its 95% interval, low end.
    pub factor_low: Option<f64>,
    /// Its 95% interval, high end.
    pub factor_high: Option<f64>,
    /// Epoch's published figure.
    pub published: Option<PublishedGrowth>,
    /// Whether the fitted factor lies in the published 95% interval.
    pub within_published_interval: Option<bool>,
    /// How and why the fitted rate may differ from the published one.
    pub explanation: String,
}

/// Epoch's published growth rate and interval, from `claims`.
pub fn published_growth(claims: &ClaimSet) -> Option<PublishedGrowth> {
    let c = claims.get(PUBLISHED_GROWTH_CLAIM)?;
    let factor = match c.value {
        Value::About(v) | Value::Exact(v) => v,
        _ => return None,
    };
    let ci = claims.get(PUBLISHED_GROWTH_CI_CLAIM);
    let (low, high) = match ci.map(|c| &c.value) {
        Some(Value::Range { low, high }) => (Some(*low), Some(*high)),
        _ => (None, None),
    };
    Some(PublishedGrowth {
        claim: c.id.clone(),
        factor_per_year: factor,
        interval_claim: ci.map(|c| c.id.clone()),
        low,
        high,
        quote: c.quote.clone(),
        source_url: c.source.url.clone(),
    })
}

/// Fits the growth of the ownership medians of `points` and sets it beside the published
/// figure. `version`: the version of Epoch's table the points are rows of; `dollars`: what the
/// medians are in, for the explanation.
pub fn frontier_trend(
    mut points: Vec<TrendPoint>,
    version: CodeVersion,
    dollars: &str,
    claims: &ClaimSet,
) -> Trend {
    points.sort_by(|a, b| a.year.total_cmp(&b.year).then(a.model.cmp(&b.model)));
    let xy: Vec<(f64, f64)> = points.iter().map(|p| (p.year, p.ownership.p50)).collect();
    let fit = trend::fit(&xy);
    let published = published_growth(claims);
    let factor = fit.map(|f| f.factor_per_year());
    let (factor_low, factor_high) = fit.map(|f| f.factor_interval()).unzip();
    let within = match (&published, factor) {
        (
            Some(PublishedGrowth {
                low: Some(lo),
                high: Some(hi),
                ..
            }),
            Some(f),
        ) => Some(f >= *lo && f <= *hi),
        _ => None,
    };
    let version_text = format!(
        "the frontier rows of Epoch's table at {}",
        epoch_scenario::version_title(version)
    );
    let published_text = match &published {
        Some(PublishedGrowth {
            factor_per_year,
            low: Some(lo),
            high: Some(hi),
            ..
        }) => format!("{factor_per_year}x per year (95% CI {lo:.1}x-{hi:.1}x)"),
        Some(p) => format!("{}x per year", p.factor_per_year),
        None => "growth rate".to_owned(),
    };
    let explanation = format!(
        "Epoch AI's published {published_text} is an ordinary least-squares fit of log10 of the \
         amortized final-run cost on the publication date over the 45 costed models of its \
         top-10 frontier set in the paper's first version (claim \
         {PUBLISHED_REGRESSION_CLAIM}: December-2023 dollars, PPI for data processing and \
         hosting; models from 2015-12 to 2023-12; fine-tunes with their base model's cost \
         added). This fit runs the same regression on the medians of our Monte Carlo estimate \
         of each frontier row's ownership (amortized) final run, from {version_text} (paper \
         v1's fine-tunes with their base model's cost added, as Epoch did), in {dollars} \
         dollars. Converting every cost by one price index to one dollar year multiplies them \
         all by one constant, which changes no slope; what can move the rate is the set (the \
         June-2025 update's frontier set adds models published after the paper and re-selects \
         older ones) and revised inputs, and that a Monte Carlo median is not exactly Epoch's \
         point value."
    );
    Trend {
        set: "Epoch AI's top-10 frontier set (in_top10_frontier_set), every row with an ownership cost".to_owned(),
        epoch_version: version.label().to_owned(),
        basis: "ownership",
        points,
        fit,
        factor_per_year: factor,
        factor_low,
        factor_high,
        published,
        within_published_interval: within,
        explanation,
    }
}

/// Whether Epoch's figure for `row` adds its base model's cost (paper v1 does, for fine-tunes).
pub fn adds_base_model(row: &CostRow) -> bool {
    row.base_model.is_some()
        && Settings::for_version(row.version).fine_tunes == FineTuneHandling::AddBaseModelCost
}

/// A trend point from an Epoch row and its estimate's figures, if the row is in the frontier
/// set and has an ownership median and a publication date. Where Epoch's figure adds the base
/// model's cost ([`adds_base_model`]: paper v1's fine-tunes), `base` is the base model's
/// estimate and its percentiles are added to the fine-tune's (the median of the sum is not the
/// sum of medians, but Epoch adds two point values); without it there is no point.
pub fn trend_point(row: &CostRow, costed: &Costed, base: Option<&Costed>) -> Option<TrendPoint> {
    let date = row.publication_date?;
    let mut own = costed.ownership?;
    if adds_base_model(row) {
        let b = base?.ownership?;
        own = Interval {
            p50: own.p50 + b.p50,
            p5: own.p5 + b.p5,
            p95: own.p95 + b.p95,
        };
    }
    row.frontier.then(|| TrendPoint {
        model: row.model.clone(),
        version: row.version.label().to_owned(),
        publication_date: date.to_string(),
        year: trend::epoch_decimal_year(date),
        ownership: own,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_titles_drop_one_trailing_parenthetical() {
        assert_eq!(
            bare_title("GPT-4 (Epoch AI development-cost study)"),
            "GPT-4"
        );
        assert_eq!(bare_title("GPT-4"), "GPT-4");
        assert_eq!(bare_title("GPT-3 175B (davinci)"), "GPT-3 175B");
    }

    #[test]
    fn curated_titles_find_their_epoch_rows() {
        let t = CostTable::embedded();
        assert_eq!(curated_match("GPT-4", t, None).unwrap().model, "GPT-4");
        assert_eq!(
            curated_match(
                "Gemini 1.0 Ultra (Epoch AI development-cost study)",
                t,
                None
            )
            .unwrap()
            .model,
            "Gemini 1.0 Ultra"
        );
        assert_eq!(
            curated_match("GPT-3 175B (Epoch AI development-cost study)", t, None)
                .unwrap()
                .model,
            "GPT-3 175B (davinci)"
        );
        assert!(curated_match("No Such Model", t, None).is_none());
        assert_eq!(trend_version(t, None), CodeVersion::Update2025_06);
    }

    #[test]
    fn one_epoch_row_per_model() {
        let t = CostTable::embedded();
        let latest = epoch_rows(t, None);
        assert_eq!(latest.len(), 177);
        let gpt4 = latest.iter().find(|r| r.model == "GPT-4").unwrap();
        assert_eq!(gpt4.version, CodeVersion::Update2025_06);
        let v1 = epoch_rows(t, Some(CodeVersion::PaperV1));
        assert!(v1.iter().all(|r| r.version == CodeVersion::PaperV1));
        assert_eq!(v1.iter().filter(|r| r.frontier).count(), 45);
    }

    #[test]
    fn the_published_rate_comes_from_the_claims() {
        let p = published_growth(ClaimSet::builtin()).unwrap();
        assert_eq!(p.factor_per_year, 2.4);
        assert_eq!((p.low, p.high), (Some(2.0), Some(3.1)));
    }
}
