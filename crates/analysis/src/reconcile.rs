//! Reconcile: the cost stack from the headline to the fleet, and beside each layer every
//! sourced claim about that scope, with whether the layer's 90% interval contains it, which
//! claims disagree and why, and each layer as a multiple of the headline.
//!
//! Which claims are about a scenario, and beside which layer, is decided in [`scope`].
//! [`Reconciliation`] serializes to `traincost reconcile --format json` (docs/REPORTS.md).

pub mod scope;

use std::collections::BTreeSet;

use serde::Serialize;
use traincost_claims::citation::{ABOUT_SLACK, Dimension};
use traincost_claims::{
    Claim, ClaimSet, Per, Status, Value, Verdict as GroupVerdict, format_number,
};
use traincost_core::estimate::{Figure, Multiple};
use traincost_core::money::IndexId;
use traincost_core::scenario::ScenarioFile;
use traincost_core::stack::{Accounting, Basis, EnergyForm};
use traincost_core::units::DollarDate;

use crate::dollars::ClaimDollars;
use crate::estimate::EstimateReport;
use crate::text::{claim_value, footprint_short, money_short, said_on};
pub use scope::Role;
use scope::Subjects;

/// Schema version of the reconciliation's JSON document.
const SCHEMA_VERSION: u32 = 2;

/// How a claim compares with the layer beside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// The claim and the layer's 90% interval overlap.
    Consistent,
    /// The claim is below the layer's 5th percentile.
    Below,
    /// The claim is above the layer's 95th percentile.
    Above,
    /// Another unit or another scope: shown, not compared.
    NotComparable,
    /// A figure printed in error: shown, never evidence.
    Erroneous,
}

impl Verdict {
    /// A short word for tables.
    pub fn word(self) -> &'static str {
        match self {
            Verdict::Consistent => "consistent",
            Verdict::Below => "below",
            Verdict::Above => "above",
            Verdict::NotComparable => "context",
            Verdict::Erroneous => "ERRONEOUS",
        }
    }
}

/// A claim beside a layer.
#[derive(Debug, Clone, Serialize)]
pub struct ClaimView {
    /// Claim id.
    pub id: String,
    /// Subject as written in the claim.
    pub subject: String,
    /// How the subject relates to the scenario.
    #[serde(flatten)]
    pub role: Role,
    /// What is claimed.
    pub quantity: String,
    /// The number, qualifier and high end.
    pub value: Value,
    /// The claim's unit.
    pub unit: String,
    /// The value for people (`~$1.600B`, `at least $500.0M`, `385.0M to 721.0M CNY`).
    pub display: String,
    /// Who said it.
    pub claimant: String,
    /// When.
    pub published: String,
    /// When the claimant said it, if that differs from the publication date.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub said_on: Option<String>,
    /// Where.
    pub url: String,
    /// Title of the source.
    pub source_title: String,
    /// Verbatim quote.
    pub quote: String,
    /// Verified, erroneous, disputed or unverified.
    pub status: Status,
    /// The layer or component it is compared with (a component when the claim names it), or
    /// for a rate (per year, per GPU) the input citing it (`staff.groups.<role>.compensation`).
    pub compared_with: Option<String>,
    /// The interval of numbers consistent with the claim, in the report's dollars (`null` for
    /// an open end), when compared.
    pub interval: Option<(Option<f64>, Option<f64>)>,
    /// How it compares.
    pub verdict: Verdict,
    /// Whether the layer's 90% interval contains the claim's own number (the midpoint of a
    /// range), when compared.
    pub contains: Option<bool>,
    /// The claim's number as a multiple of the headline, only when it is compared with a
    /// figure on the headline's (rental) basis: never across bases or scopes.
    pub multiple_of_headline: Option<f64>,
    /// True if the scenario cites this claim as an input (so it is not independent evidence).
    pub input: bool,
    /// Why, in words.
    pub explanation: String,
    /// Conflict groups the claim is in.
    pub conflicts: Vec<String>,
}

/// A layer or total, with the claims about its scope.
#[derive(Debug, Clone, Serialize)]
pub struct LayerView {
    /// Layer id (`fleet`).
    pub id: String,
    /// `layer` or `total`; in `footprint`, `energy` or `emissions`.
    pub kind: &'static str,
    /// Label for people.
    pub label: String,
    /// Unit (`USD`, `USD/year`).
    pub unit: String,
    /// The cost basis of a compute layer or total (`rental`, `ownership`); absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub basis: Option<Basis>,
    /// The energy form of an energy or emissions figure (`accelerator`, `facility`); absent
    /// otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub form: Option<EnergyForm>,
    /// The carbon accounting of an emissions figure (`location`, `market`); absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub accounting: Option<Accounting>,
    /// The point estimate (every input at its median).
    pub central: f64,
    /// Mean over samples.
    pub mean: f64,
    /// 5th percentile.
    pub p5: f64,
    /// Median: the figure shown.
    pub p50: f64,
    /// 95th percentile.
    pub p95: f64,
    /// The layer over the final run on the same basis (one per basis for staff), sample by
    /// sample; empty for the final runs themselves, the fleet and yearly figures.
    pub multiples: Vec<Multiple>,
    /// What it counts.
    pub includes: String,
    /// What it leaves out.
    pub excludes: String,
    /// Claims about this scope.
    pub claims: Vec<ClaimView>,
}

/// The headline figure.
#[derive(Debug, Clone, Serialize)]
pub struct HeadlineView {
    /// Claim id.
    pub claim: String,
    /// Who said it.
    pub claimant: String,
    /// When.
    pub published: String,
    /// When the claimant said it, if that differs from the publication date.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub said_on: Option<String>,
    /// Where.
    pub url: String,
    /// The claimed number as written (the midpoint of a range).
    pub claimed: f64,
    /// That number in the report's dollars: the unit of multiples.
    pub value: f64,
    /// The value for people.
    pub display: String,
    /// The layer it is a figure of.
    pub layer: String,
    /// What traincost rebuilds it to from its stages (central).
    pub rebuilt: f64,
    /// What the headline's layer leaves out.
    pub excludes: String,
}

/// A member of a conflict group.
#[derive(Debug, Clone, Serialize)]
pub struct MemberView {
    /// Claim id.
    pub id: String,
    /// Who said it.
    pub claimant: String,
    /// When.
    pub published: String,
    /// When the claimant said it, if that differs from the publication date.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub said_on: Option<String>,
    /// What is claimed.
    pub quantity: String,
    /// The value for people.
    pub display: String,
    /// Standing.
    pub status: Status,
}

/// Claims that measure the same thing and what their disagreement is about.
#[derive(Debug, Clone, Serialize)]
pub struct ConflictView {
    /// Group id (`auto:...` for groups found by shared subject and quantity).
    pub id: String,
    /// What they measure.
    pub title: String,
    /// Declared in the claims data (else found).
    pub declared: bool,
    /// `agree`, `disagree` or `not-comparable`: over non-erroneous claims of one scope and
    /// one unit, never across scopes (`by_scope`).
    pub verdict: GroupVerdict,
    /// Why they differ: `typo`, `scope`, `units`, `date`, `restatement`, `disputed`.
    pub reasons: Vec<&'static str>,
    /// The data's own explanation.
    pub note: String,
    /// The claims.
    pub members: Vec<MemberView>,
    /// Each scope of the group's claims, compared on its own.
    pub by_scope: Vec<ScopeView>,
}

/// The claims of one scope in a conflict group, compared with each other only.
#[derive(Debug, Clone, Serialize)]
pub struct ScopeView {
    /// The scope (`traincost_claims::scope::scope_of`: the figure the claims sit beside);
    /// `null` for claims of no stack scope (market figures, prices).
    pub scope: Option<String>,
    /// `agree`, `disagree` or `not-comparable` over this scope's claims of one unit.
    pub verdict: GroupVerdict,
    /// The claims of this scope (erroneous ones included).
    pub claims: Vec<String>,
    /// The usable claims no other claim of this scope shares a unit with: compared with
    /// nothing.
    pub alone: Vec<String>,
}

/// What `reconcile` prints.
#[derive(Debug, Clone, Serialize)]
pub struct Reconciliation {
    /// Schema version of this JSON document.
    pub schema_version: u32,
    /// Scenario name.
    pub scenario: String,
    /// Model title.
    pub title: String,
    /// Who trained it.
    pub developer: Option<String>,
    /// Dollars of every money figure.
    pub dollar_year: String,
    /// Price index for conversions.
    pub price_index: String,
    /// Monte Carlo samples.
    pub samples: u64,
    /// Seed.
    pub seed: u64,
    /// Claim subjects taken as this scenario's: `[name, role]`.
    pub subjects: Vec<(String, String)>,
    /// The headline, if the scenario names one.
    pub headline: Option<HeadlineView>,
    /// Layers, then totals, each with the claims about its scope.
    pub layers: Vec<LayerView>,
    /// The energy and emissions figures (unit `kWh` or `tCO2e`, with `form` and, for
    /// emissions, `accounting`) that energy and emissions claims are compared with, each with
    /// those claims; only figures with claims beside them.
    pub footprint: Vec<LayerView>,
    /// Claims about related models (built on this one, or its base): add-ons, not compared.
    pub related: Vec<ClaimView>,
    /// Claims of a layer scope the scenario does not model.
    pub unplaced: Vec<ClaimView>,
    /// Conflict groups of every claim shown.
    pub conflicts: Vec<ConflictView>,
    /// The bottom line, in figures of one stated basis (not in the JSON document).
    #[serde(skip)]
    pub bottom_line: crate::BottomLine,
}

impl ConflictView {
    /// True if the group's claims are of several scopes, each compared on its own.
    pub fn spans_scopes(&self) -> bool {
        self.by_scope.len() > 1
    }
}

impl ClaimView {
    /// The verdict in a few words, for tables: `inside the 90% interval of fleet; an input`.
    pub fn short_verdict(&self) -> String {
        if let (Role::Related { how, .. }, false) = (&self.role, self.verdict == Verdict::Erroneous)
        {
            return if *how == "builds-on-this" {
                "builds on this model: an add-on, not in this stack".to_owned()
            } else {
                "the base of this model: inside its final run".to_owned()
            };
        }
        let v = match (self.verdict, &self.value, self.contains) {
            (Verdict::Consistent, Value::AtLeast(_), _) => "consistent (a lower bound)",
            (Verdict::Consistent, Value::AtMost(_), _) => "consistent (an upper bound)",
            // A figure without width (Meta's market-based zero beside a zero intensity).
            (Verdict::Consistent, _, Some(true)) if self.explanation.starts_with("matches ") => {
                "matches the exact figure"
            }
            (Verdict::Consistent, _, Some(true)) => "inside the 90% interval",
            (Verdict::Consistent, _, _) => "overlaps the 90% interval",
            (Verdict::Below, ..) => "BELOW the 90% interval",
            (Verdict::Above, ..) => "ABOVE the 90% interval",
            (Verdict::NotComparable, ..) => "context, not compared",
            (Verdict::Erroneous, ..) => "ERRONEOUS, not evidence",
        };
        // Say which figure it was compared with when that is not simply the row's layer.
        let v = match &self.compared_with {
            Some(id) if self.verdict != Verdict::NotComparable => format!("{v} of {id}"),
            _ => v.to_owned(),
        };
        if self.input {
            format!("{v}; an input")
        } else {
            v
        }
    }

    /// The claimant up to its first comma or parenthesis.
    pub fn claimant_short(&self) -> &str {
        self.claimant
            .split([',', '('])
            .next()
            .unwrap_or(&self.claimant)
            .trim()
    }

    /// The date for people: `2025-09-18`, or `2025-09-18 (said 2023-04)`.
    pub fn date_label(&self) -> String {
        crate::text::date_label(&self.published, self.said_on.as_deref())
    }
}

impl HeadlineView {
    /// The date for people: `2025-09-18`, or `2025-09-18 (said 2023-04)`.
    pub fn date_label(&self) -> String {
        crate::text::date_label(&self.published, self.said_on.as_deref())
    }
}

impl MemberView {
    /// The date for people: `2025-09-18`, or `2025-09-18 (said 2023-04)`.
    pub fn date_label(&self) -> String {
        crate::text::date_label(&self.published, self.said_on.as_deref())
    }
}

/// The reconciliation of scenario `file` from its estimate's report and the claims: each claim
/// about the scenario beside the layer of its scope, compared where units and scope allow.
pub fn reconcile(
    file: &ScenarioFile,
    report: &EstimateReport,
    claims: &ClaimSet,
) -> Reconciliation {
    let subjects = Subjects::of(file);
    let e = &report.estimate;
    let report_dollars = e.dollar_year;
    let index = IndexId::from_name(&e.price_index).unwrap_or(IndexId::CpiU);
    let inputs: BTreeSet<&str> = e
        .inputs
        .iter()
        .flat_map(|i| i.claims.iter().map(String::as_str))
        .chain(report.headline.as_ref().map(|h| h.claim.as_str()))
        .collect();

    let headline = report.headline.as_ref().and_then(|h| {
        let c = claims.get(&h.claim)?;
        let layer = e.layers.first()?;
        Some(HeadlineView {
            claim: c.id.clone(),
            claimant: c.claimant.clone(),
            published: c.published().to_string(),
            said_on: said_on(c),
            url: c.source_url().to_owned(),
            claimed: c.value.point(),
            // In the report's dollars, like the layers it divides.
            value: c.value.point() * ClaimDollars::of(c, index, report_dollars).factor,
            display: claim_value(c),
            layer: layer.id.clone(),
            rebuilt: h.rebuilt,
            excludes: layer.excludes.clone(),
        })
    });
    let base = headline.as_ref().map(|h| h.value);

    let mut layers: Vec<LayerView> = e
        .layers
        .iter()
        .map(|f| layer_view(f, "layer"))
        .chain(e.totals.iter().map(|f| layer_view(f, "total")))
        .collect();
    let mut footprint: Vec<LayerView> = Vec::new();
    let mut related = Vec::new();
    let mut unplaced = Vec::new();
    for c in claims.iter() {
        let Some(role) = subjects.role(&c.subject) else {
            continue;
        };
        let Some(scope_id) = scope::scope_of(c) else {
            continue;
        };
        let ctx = Ctx {
            claims,
            inputs: &inputs,
            input_rows: &e.inputs,
            base,
            index,
            report_dollars,
        };
        if let Role::Related { model, how } = &role {
            let mut v = ctx.view(c, role.clone(), None);
            if v.verdict != Verdict::Erroneous {
                v.explanation = match *how {
                    "builds-on-this" => format!(
                        "about {model}, which builds on this model: an add-on to its cost, not part of this stack"
                    ),
                    _ => format!(
                        "about {model}, the base this model builds on: already inside this stack's final run"
                    ),
                };
            }
            related.push(v);
            continue;
        }
        // Energy and emissions claims sit beside the energy or emissions figure of their scope.
        if let Some(fp) = scope::Footprint::of(c) {
            match fp.resolve(e) {
                Ok(fig) => {
                    let v = ctx.footprint_view(c, role, fig, &fp);
                    match footprint.iter_mut().find(|lv| lv.id == fig.id) {
                        Some(lv) => lv.claims.push(v),
                        None => {
                            let kind = if fig.accounting.is_some() {
                                "emissions"
                            } else {
                                "energy"
                            };
                            let mut lv = layer_view(fig, kind);
                            lv.claims.push(v);
                            footprint.push(lv);
                        }
                    }
                }
                Err(why) => {
                    let mut v = ctx.view(c, role, None);
                    if v.verdict != Verdict::Erroneous {
                        v.explanation = why;
                    }
                    unplaced.push(v);
                }
            }
            continue;
        }
        let headline_stages = report
            .headline
            .as_ref()
            .filter(|h| h.claim == c.id)
            .map(|h| h.stages.as_slice());
        match scope::resolve(e, scope_id) {
            Some(place) => {
                let l = place.row;
                // Without a stated component, the claim's quantity may name one
                // (`pre-training cost`), and a headline may cover only some stages.
                let fig = match (
                    c.scope.is_some(),
                    headline_stages.and_then(|st| headline_part(l, st)),
                ) {
                    (_, Some(p)) => std::borrow::Cow::Owned(p),
                    (false, None) if std::ptr::eq(place.figure, l) => {
                        std::borrow::Cow::Borrowed(component_named(l, &c.quantity).unwrap_or(l))
                    }
                    _ => std::borrow::Cow::Borrowed(place.figure),
                };
                let mut v = ctx.view(c, role, Some(&fig));
                // The same scope on the other basis, where the scenario costs both.
                if let Some(b) = fig.basis
                    && matches!(
                        v.verdict,
                        Verdict::Consistent | Verdict::Below | Verdict::Above
                    )
                {
                    let other = Basis::ALL.into_iter().find(|x| *x != b).expect("two bases");
                    if let Some(o) = scope::resolve_on(e, scope_id, other)
                        && o.figure.basis == Some(other)
                    {
                        let w = ctx.view(c, v.role.clone(), Some(o.figure));
                        let first = w.explanation.split(';').next().unwrap_or_default();
                        v.explanation
                            .push_str(&format!("; on the {other} basis: {first}"));
                    }
                }
                if let Some(lv) = layers.iter_mut().find(|lv| lv.id == l.id) {
                    lv.claims.push(v);
                }
            }
            None => {
                let mut v = ctx.view(c, role, None);
                if v.verdict != Verdict::Erroneous {
                    v.explanation =
                        format!("the scenario has no `{scope_id}` figure to compare with");
                }
                unplaced.push(v);
            }
        }
    }
    // The footprint figures in the estimate's order (energy, then emissions).
    let order = |id: &str| e.energy.iter().chain(&e.emissions).position(|f| f.id == id);
    footprint.sort_by_key(|l| order(&l.id));
    for l in layers.iter_mut().chain(&mut footprint) {
        l.claims.sort_by_key(|c| {
            (
                match c.verdict {
                    Verdict::Consistent | Verdict::Below | Verdict::Above => 0,
                    Verdict::Erroneous => 1,
                    Verdict::NotComparable => 2,
                },
                c.published.clone(),
            )
        });
    }

    let mut shown: Vec<&str> = layers
        .iter()
        .chain(&footprint)
        .flat_map(|l| &l.claims)
        .chain(&related)
        .chain(&unplaced)
        .map(|c| c.id.as_str())
        .collect();
    shown.sort_unstable();
    let mut conflicts: Vec<ConflictView> = Vec::new();
    for g in claims.conflicts() {
        if conflicts.iter().any(|v| v.id == g.id)
            || !g
                .members
                .iter()
                .any(|m| shown.binary_search(&m.id.as_str()).is_ok())
        {
            continue;
        }
        conflicts.push(ConflictView {
            id: g.id.clone(),
            title: g.title.clone(),
            declared: g.declared,
            verdict: g.verdict,
            reasons: reasons(&g.members, g.spans_scopes()),
            note: g.note.clone(),
            members: g
                .members
                .iter()
                .map(|m| MemberView {
                    id: m.id.clone(),
                    claimant: m.claimant.clone(),
                    published: m.published().to_string(),
                    said_on: said_on(m),
                    quantity: m.quantity.clone(),
                    display: claim_value(m),
                    status: m.status,
                })
                .collect(),
            by_scope: g
                .by_scope
                .iter()
                .map(|s| ScopeView {
                    scope: s.scope.map(str::to_owned),
                    verdict: s.verdict,
                    claims: s.members.iter().map(|m| m.id.clone()).collect(),
                    alone: s.alone.iter().map(|m| m.id.clone()).collect(),
                })
                .collect(),
        });
    }
    // Groups that disagree, hold an erroneous claim or span several scopes first: they are
    // the story.
    conflicts.sort_by_key(|g| {
        let typo = g.members.iter().any(|m| m.status == Status::Erroneous);
        (
            g.verdict != GroupVerdict::Disagree && !typo && !g.spans_scopes(),
            !g.declared,
        )
    });

    Reconciliation {
        schema_version: SCHEMA_VERSION,
        scenario: e.scenario.clone(),
        title: report.title.clone(),
        developer: file.developer.clone(),
        dollar_year: e.dollar_year.to_string(),
        price_index: e.price_index.clone(),
        samples: e.samples,
        seed: e.seed,
        subjects: subjects.describe(),
        headline,
        layers,
        footprint,
        related,
        unplaced,
        conflicts,
        bottom_line: crate::BottomLine::of(report),
    }
}

fn layer_view(f: &Figure, kind: &'static str) -> LayerView {
    LayerView {
        id: f.id.clone(),
        kind,
        label: f.label.clone(),
        unit: f.unit.clone(),
        basis: f.basis,
        form: f.form,
        accounting: f.accounting,
        central: f.central,
        mean: f.mean,
        p5: f.p5,
        p50: f.p50,
        p95: f.p95,
        multiples: f.multiples.clone(),
        includes: f.includes.clone(),
        excludes: f.excludes.clone(),
        claims: Vec::new(),
    }
}

/// The component of `layer` that a claim's quantity names (`pre-training cost ...` names
/// `final-run-rental/pre-training`).
fn component_named<'a>(layer: &'a Figure, quantity: &str) -> Option<&'a Figure> {
    let q = quantity.to_lowercase();
    layer.components.iter().find(|c| {
        let name = c.id.rsplit('/').next().unwrap_or(&c.id).to_lowercase();
        [name.clone(), name.replace('-', " ")].iter().any(|n| {
            q.strip_prefix(n.as_str())
                .is_some_and(|rest| rest.starts_with(' '))
        })
    })
}

/// The part of `layer` a headline covers when it names only some stages (R1's $294K covers
/// its own stages, not the V3 base inside its final run): the sum of those components, with
/// the sums of their 5th and 95th percentiles as a conservative interval (exact when the
/// stages are certain). `None` when the headline covers the whole layer.
fn headline_part(layer: &Figure, stages: &[String]) -> Option<Figure> {
    let parts: Vec<&Figure> = layer
        .components
        .iter()
        .filter(|c| stages.iter().any(|s| c.id == format!("{}/{s}", layer.id)))
        .collect();
    if parts.is_empty() || parts.len() == layer.components.len() {
        return None;
    }
    let sum = |f: fn(&Figure) -> f64| parts.iter().map(|c| f(c)).sum::<f64>();
    Some(Figure {
        id: format!("{}[{}]", layer.id, stages.join("+")),
        label: format!("{} ({})", layer.label, stages.join(", ")),
        central: sum(|c| c.central),
        mean: sum(|c| c.mean),
        sd: f64::NAN,
        p5: sum(|c| c.p5),
        p50: sum(|c| c.p50),
        p95: sum(|c| c.p95),
        components: Vec::new(),
        percentiles: Vec::new(),
        ..layer.clone()
    })
}

/// Why the members of a conflict group differ, from their records: `scope` when they are of
/// several scopes (`spans_scopes`) or word what they measure differently.
fn reasons(members: &[&Claim], spans_scopes: bool) -> Vec<&'static str> {
    let mut out = Vec::new();
    if members.iter().any(|m| m.is_erroneous()) {
        out.push("typo");
    }
    let usable: Vec<&&Claim> = members.iter().filter(|m| !m.is_erroneous()).collect();
    // What a claim measures, as worded (a restatement's "(as reported by ...)" aside).
    let measured = |c: &Claim| {
        c.quantity
            .split(" (as ")
            .next()
            .unwrap_or(&c.quantity)
            .to_lowercase()
    };
    if spans_scopes || usable.iter().any(|m| measured(m) != measured(usable[0])) {
        out.push("scope");
    }
    if usable.iter().any(|m| m.unit != usable[0].unit) {
        out.push("units");
    }
    let months = |c: &Claim| c.published().year() * 12 + i32::from(c.published().month());
    let (lo, hi) = usable.iter().fold((i32::MAX, i32::MIN), |(lo, hi), m| {
        (lo.min(months(m)), hi.max(months(m)))
    });
    if usable.len() > 1 && hi - lo >= 6 {
        out.push("date");
    }
    if members
        .iter()
        .any(|m| m.has_tag(traincost_claims::Tag::Restatement))
    {
        out.push("restatement");
    }
    if members.iter().any(|m| m.status == Status::Disputed) {
        out.push("disputed");
    }
    out
}

struct Ctx<'a> {
    claims: &'a ClaimSet,
    inputs: &'a BTreeSet<&'a str>,
    /// The estimate's inputs: a claim of a rate (per year, per GPU) is compared with the
    /// input citing it.
    input_rows: &'a [traincost_core::estimate::InputReport],
    base: Option<f64>,
    index: IndexId,
    report_dollars: DollarDate,
}

impl Ctx<'_> {
    /// The claim beside `figure` (or beside nothing), compared where the units allow.
    fn view(&self, c: &Claim, role: Role, figure: Option<&Figure>) -> ClaimView {
        let input = self.inputs.contains(c.id.as_str());
        let money = c.unit.currency().is_some();
        let factor = self.dollar_factor(c);
        // The headline is a final run at rental prices: a claim is a multiple of it only when
        // it is about a figure on that basis (compared with one, or, beside no layer, a
        // related model's final run at rental prices), never across bases or scopes.
        let on_headline_basis = match figure {
            Some(f) => f.basis == Some(Basis::Rental),
            None => scope::scope_of(c).is_some_and(|s| s.starts_with(Basis::Rental.layer_id())),
        };
        let multiple_of_headline = self
            .base
            .filter(|b| on_headline_basis && money && c.unit.per.is_none() && *b > 0.0)
            .map(|b| c.value.point() * factor.factor / b);
        let conflicts = self
            .claims
            .conflicts_of(&c.id)
            .into_iter()
            .map(|g| g.id)
            .collect();
        let mut v = ClaimView {
            id: c.id.clone(),
            subject: c.subject.clone(),
            role,
            quantity: c.quantity.clone(),
            value: c.value,
            unit: c.unit.to_string(),
            display: claim_value(c),
            claimant: c.claimant.clone(),
            published: c.published().to_string(),
            said_on: said_on(c),
            url: c.source_url().to_owned(),
            source_title: c.source_title().to_owned(),
            quote: c.quote.clone(),
            status: c.status,
            compared_with: None,
            interval: None,
            verdict: Verdict::NotComparable,
            contains: None,
            multiple_of_headline,
            input,
            explanation: String::new(),
            conflicts,
        };
        if c.is_erroneous() {
            v.verdict = Verdict::Erroneous;
            v.multiple_of_headline = None;
            let why = c.notes.split(". ").next().unwrap_or(&c.notes);
            // Notes open with "ERRONEOUS as printed: ..." or "PROBABLY ERRONEOUS: ...".
            let why = match why.split_once(": ") {
                Some((head, rest)) if head.contains("ERRONEOUS") => rest,
                _ => why,
            };
            v.explanation = format!("printed in error, never evidence: {why}");
            return v;
        }
        let Some(f) = figure else {
            v.explanation = "not compared".to_owned();
            return v;
        };
        // What the claim is compared with: the figure, or, for a rate (per year, per GPU)
        // beside it, the input citing it in that rate's unit (posted pay and `compensation`).
        let cited_input = incomparable(c, &f.unit)
            .and_then(|_| self.input_citing(c))
            .map(|i| {
                (
                    i.name.clone(),
                    i.distribution.quantile(0.05),
                    i.distribution.quantile(0.95),
                )
            });
        let (target_id, target_p5, target_p95) = match &cited_input {
            Some((name, p5, p95)) => (name.clone(), *p5, *p95),
            None => (f.id.clone(), f.p5, f.p95),
        };
        if let Some(why) = incomparable(c, &f.unit).filter(|_| cited_input.is_none()) {
            v.explanation = why;
            if let (Some(rate), Some(c_usd)) = (factor.rate_text(), c.unit.currency()) {
                // Not compared, but in dollars for the reader, with the rate that says so.
                v.explanation.push_str(&format!(
                    " ({} {} = {} in {} dollars, {rate})",
                    format_number(c.value.point()),
                    c_usd.code(),
                    money_short(c.value.point() * factor.factor),
                    self.report_dollars
                ));
            }
            if input {
                v.explanation
                    .push_str("; cited as an input of this scenario");
            }
            return v;
        }
        // The claim's interval in report dollars. A nominal figure (no stated dollar year) is
        // taken in its publication year's dollars *or* as is: when the money was spent is
        // rarely known, so the interval spans both.
        let (lo, hi) = c.value.interval(ABOUT_SLACK);
        let (lo, hi) = if matches!(c.value, Value::Exact(_)) {
            (lo * (1.0 - 1e-6), hi * (1.0 + 1e-6))
        } else {
            (lo, hi)
        };
        let rate_text = factor.rate_text();
        let ClaimDollars {
            stated,
            factor: f_conv,
            ..
        } = factor;
        // Money in another currency is never taken as is: always at its year's rate.
        let stated = stated || rate_text.is_some();
        let scale = |x: f64, pick_min: bool| {
            if !x.is_finite() {
                x
            } else if stated {
                x * f_conv
            } else if pick_min {
                x.min(x * f_conv)
            } else {
                x.max(x * f_conv)
            }
        };
        let (lo, hi) = (scale(lo, true), scale(hi, false));
        let point = c.value.point() * f_conv;
        judge(
            &mut v,
            &c.value,
            (lo, hi),
            point,
            (&target_id, target_p5, target_p95),
            money_short,
            false,
        );
        if input {
            v.explanation
                .push_str("; cited as an input of this scenario, so not independent evidence");
        }
        if let Some(rate) = rate_text {
            // Another currency: to USD at its year's rate, then to the report's dollars.
            v.explanation.push_str(&format!(
                "; {} {rate}, then to {} dollars",
                c.unit.currency().map_or("", |c| c.code()),
                self.report_dollars
            ));
        } else if !stated && (f_conv - 1.0).abs() > 0.005 {
            v.explanation.push_str(&format!(
                "; nominal {} dollars ({:+.1}% in {} dollars)",
                c.published().year(),
                (f_conv - 1.0) * 100.0,
                self.report_dollars
            ));
        }
        v
    }

    /// An energy or emissions claim beside its figure: compared when the claim's unit measures
    /// what the figure does (MWh with kWh, tCO2eq with tCO2e), else shown as context.
    fn footprint_view(
        &self,
        c: &Claim,
        role: Role,
        f: &Figure,
        fp: &scope::Footprint,
    ) -> ClaimView {
        let mut v = self.view(c, role, None);
        if v.verdict == Verdict::Erroneous {
            return v;
        }
        let (claim_dim, k_claim) = Dimension::of_claim_unit(&c.unit);
        let (figure_dim, k_figure) = figure_dimension(&f.unit);
        if claim_dim != figure_dim {
            v.explanation = format!("in {}, not {}: not compared with {}", c.unit, f.unit, f.id);
            return v;
        }
        let k = k_claim / k_figure;
        let (lo, hi) = c.value.interval(ABOUT_SLACK);
        let (lo, hi) = if matches!(c.value, Value::Exact(_)) {
            (lo * (1.0 - 1e-6), hi * (1.0 + 1e-6))
        } else {
            (lo, hi)
        };
        judge(
            &mut v,
            &c.value,
            (lo * k, hi * k),
            c.value.point() * k,
            (&f.id, f.p5, f.p95),
            |x| footprint_short(&f.unit, x),
            true,
        );
        if fp.accounting_from == "default" {
            v.explanation.push_str(
                "; the claim does not say location- or market-based: taken as location-based",
            );
        }
        if v.input {
            v.explanation
                .push_str("; cited as an input of this scenario, so not independent evidence");
        }
        v
    }

    /// The input citing `c` whose unit is the claim's rate in US dollars (`USD/year` for a
    /// claim per year, `USD/GPU` per GPU), if any.
    fn input_citing(&self, c: &Claim) -> Option<&traincost_core::estimate::InputReport> {
        let unit = match c.unit.per? {
            Per::Year => "USD/year",
            Per::Gpu => "USD/GPU",
            Per::GpuHour => "USD/GPU-hour",
            _ => return None,
        };
        self.input_rows
            .iter()
            .find(|i| i.unit == unit && i.claims.contains(&c.id))
    }

    /// The conversion of the claim's dollars to the report's.
    fn dollar_factor(&self, c: &Claim) -> ClaimDollars {
        ClaimDollars::of(c, self.index, self.report_dollars)
    }
}

/// The dimension of an energy or emissions figure's unit (`kWh`, `tCO2e`, per year) and the
/// factor to its base.
fn figure_dimension(unit: &str) -> (Dimension, f64) {
    match unit {
        "tCO2e" => (Dimension::Co2, 1.0),
        other => Dimension::of_scenario_unit(other),
    }
}

/// Compare a claim's interval `(lo, hi)` (and its own number, `point`), already in the
/// target's unit, with the target's 90% interval `(id, p5, p95)`: sets the view's
/// `compared_with`, `interval`, `verdict`, `contains` and the explanation's first clause,
/// with numbers written by `show`. With `exact_words`, a target without width (a zero
/// market-based figure) is matched or missed, not "inside an interval" (money layers keep
/// their interval wording).
fn judge(
    v: &mut ClaimView,
    value: &Value,
    (lo, hi): (f64, f64),
    point: f64,
    (target_id, target_p5, target_p95): (&str, f64, f64),
    show: impl Fn(f64) -> String,
    exact_words: bool,
) {
    let exact = exact_words && target_p5 == target_p95;
    let eps = 1e-9 * target_p95.abs().max(1.0);
    v.compared_with = Some(target_id.to_owned());
    v.interval = Some((lo.is_finite().then_some(lo), hi.is_finite().then_some(hi)));
    v.verdict = if hi < target_p5 - eps {
        Verdict::Below
    } else if lo > target_p95 + eps {
        Verdict::Above
    } else {
        Verdict::Consistent
    };
    let point_in = point >= target_p5 - eps && point <= target_p95 + eps;
    v.contains = Some(point_in);
    let range = if exact {
        format!("exactly {}", show(target_p5))
    } else {
        format!("{}-{}", show(target_p5), show(target_p95))
    };
    v.explanation = match (v.verdict, value) {
        (Verdict::Below, _) => format!("below {target_id}'s 90% interval {range}"),
        (Verdict::Above, _) => format!("above {target_id}'s 90% interval {range}"),
        (_, Value::AtLeast(_)) => format!(
            "a lower bound: {target_id}'s 95th percentile {} is at or above it",
            show(target_p95)
        ),
        (_, Value::AtMost(_)) => format!(
            "an upper bound: {target_id}'s 5th percentile {} is at or below it",
            show(target_p5)
        ),
        _ if point_in && exact => format!("matches {target_id}, {range}"),
        _ if point_in => format!("inside {target_id}'s 90% interval {range}"),
        _ => format!("overlaps {target_id}'s 90% interval {range}"),
    };
}

/// Why a claim in `unit` cannot be compared with a figure in `figure_unit`, if it cannot. Money
/// in any currency compares (converted at its year's exchange rate); a rate does not compare
/// with a total.
fn incomparable(c: &Claim, figure_unit: &str) -> Option<String> {
    let unit = c.unit.to_string();
    if c.unit.currency().is_none() {
        return Some(format!("in {unit}, not money"));
    }
    let per_year = c.unit.per == Some(Per::Year);
    match (c.unit.per, figure_unit) {
        (None, "USD") | (Some(Per::Year), "USD/year") => None,
        (None, "USD/year") => {
            Some("a sum with no stated period; the layer is per year: not compared".to_owned())
        }
        _ if per_year => Some(format!(
            "a rate ({unit}), per person or per year, not a total"
        )),
        _ => Some(format!("a rate ({unit}), not a total")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Claims of subject S, nominal USD published in 2024 unless `unit` says otherwise.
    /// (id, value, value_high, qualifier, unit, status) of a test claim.
    type Row<'a> = (&'a str, f64, Option<f64>, &'a str, &'a str, &'a str);

    fn set(rows: &[Row<'_>]) -> ClaimSet {
        let mut src = String::new();
        for (id, v, high, q, unit, status) in rows {
            let high_line = high.map_or(String::new(), |h| format!("value_high = {h:?}\n"));
            let quote = match high {
                Some(h) => format!("between {v} and {h}"),
                None => format!("it was {v}"),
            };
            src.push_str(&format!(
                "[[claim]]\nid = \"{id}\"\nsubject = \"S\"\nquantity = \"cost\"\nvalue = {v:?}\n{high_line}unit = \"{unit}\"\nqualifier = \"{q}\"\nclaimant = \"C\"\nsource_title = \"T\"\nsource_url = \"https://example.com/\"\npublished = \"2024-06\"\nquote = \"{quote}\"\nnotes = \"n\"\nstatus = \"{status}\"\ntags = [\"fleet\"]\n\n"
            ));
        }
        ClaimSet::parse_str("t.toml", &src).unwrap()
    }

    fn figure(unit: &str, p5: f64, p95: f64) -> Figure {
        Figure {
            id: "fleet".into(),
            label: "Fleet".into(),
            unit: unit.into(),
            central: (p5 + p95) / 2.0,
            mean: (p5 + p95) / 2.0,
            sd: 1.0,
            p5,
            p50: (p5 + p95) / 2.0,
            p95,
            percentiles: Vec::new(),
            includes: String::new(),
            excludes: String::new(),
            components: Vec::new(),
            multiples: Vec::new(),
            basis: None,
            form: None,
            accounting: None,
        }
    }

    fn verdicts(claims: &ClaimSet, f: &Figure) -> Vec<(String, Verdict, Option<bool>)> {
        let inputs = BTreeSet::new();
        let ctx = Ctx {
            claims,
            inputs: &inputs,
            input_rows: &[],
            base: Some(1e6),
            index: IndexId::CpiU,
            report_dollars: DollarDate::year(2024),
        };
        claims
            .iter()
            .map(|c| {
                let v = ctx.view(c, Role::Model, Some(f));
                (v.id, v.verdict, v.contains)
            })
            .collect()
    }

    #[test]
    fn qualifiers_decide_the_verdict() {
        let claims = set(&[
            ("least-ok", 500.0, None, "at least", "USD", "verified"),
            ("least-above", 5000.0, None, "at least", "USD", "verified"),
            ("most-ok", 2000.0, None, "at most", "USD", "verified"),
            ("most-below", 50.0, None, "at most", "USD", "verified"),
            ("about-edge", 1050.0, None, "about", "USD", "verified"),
            ("exact-in", 700.0, None, "exact", "USD", "verified"),
            ("exact-below", 10.0, None, "exact", "USD", "verified"),
            (
                "range-overlap",
                900.0,
                Some(3000.0),
                "range",
                "USD",
                "verified",
            ),
            ("typo", 700.0, None, "exact", "USD", "erroneous"),
            ("yuan", 5000.0, None, "exact", "CNY", "verified"),
            ("yuan-above", 72000.0, None, "about", "CNY", "verified"),
            ("rate", 700.0, None, "exact", "USD per GPU", "verified"),
        ]);
        let got = verdicts(&claims, &figure("USD", 100.0, 1000.0));
        let v = |id: &str| got.iter().find(|(i, ..)| i == id).unwrap().clone();
        assert_eq!(v("least-ok").1, Verdict::Consistent, "p95 1000 >= 500");
        assert_eq!(v("least-above").1, Verdict::Above);
        assert_eq!(v("most-ok").1, Verdict::Consistent);
        assert_eq!(v("most-below").1, Verdict::Below);
        // About 1050 is 945-1155: overlaps, but 1050 itself is outside the 90% interval.
        assert_eq!(v("about-edge").1, Verdict::Consistent);
        assert_eq!(v("about-edge").2, Some(false));
        assert_eq!(
            v("exact-in"),
            ("exact-in".into(), Verdict::Consistent, Some(true))
        );
        assert_eq!(v("exact-below").1, Verdict::Below);
        assert_eq!(v("range-overlap").1, Verdict::Consistent);
        assert_eq!(v("typo"), ("typo".into(), Verdict::Erroneous, None));
        // 5,000 CNY of 2024 at 7.1957 CNY/USD is $694.9 (2024 dollars): inside; 72,000 CNY
        // ($10,006, about: $9,005 and up) is above.
        assert_eq!(v("yuan"), ("yuan".into(), Verdict::Consistent, Some(true)));
        assert_eq!(v("yuan-above").1, Verdict::Above);
        assert_eq!(v("rate").1, Verdict::NotComparable);
    }

    #[test]
    fn yearly_claims_compare_only_with_yearly_layers() {
        let claims = set(&[
            ("per-year", 500.0, None, "about", "USD per year", "verified"),
            ("sum", 500.0, None, "about", "USD", "verified"),
        ]);
        let got = verdicts(&claims, &figure("USD/year", 100.0, 1000.0));
        assert_eq!(got[0].1, Verdict::Consistent);
        assert_eq!(got[1].1, Verdict::NotComparable);
    }

    #[test]
    fn component_names_match_only_at_the_start() {
        let mut layer = figure("USD", 1.0, 2.0);
        layer.id = "final-run-rental".into();
        let mut r1 = figure("USD", 1.0, 2.0);
        r1.id = "final-run-rental/r1".into();
        let mut pre = figure("USD", 1.0, 2.0);
        pre.id = "final-run-rental/pre-training".into();
        layer.components = vec![r1, pre];
        let name = |q: &str| component_named(&layer, q).map(|c| c.id.clone());
        assert_eq!(
            name("pre-training cost at assumed rental price").as_deref(),
            Some("final-run-rental/pre-training")
        );
        assert_eq!(name("training cost (R1 reasoning stages)"), None);
        assert_eq!(name("r1 cost").as_deref(), Some("final-run-rental/r1"));
        let part = headline_part(&layer, &["r1".to_owned()]).unwrap();
        assert_eq!((part.p5, part.p95), (1.0, 2.0));
        assert!(headline_part(&layer, &["r1".to_owned(), "pre-training".to_owned()]).is_none());
    }

    #[test]
    fn energy_and_emissions_claims_compare_in_their_own_units() {
        let claims = set(&[
            ("mwh-in", 131.0, None, "exact", "MWh", "verified"),
            ("gwh-above", 1.0, None, "exact", "GWh", "verified"),
            ("co2-in", 52.0, None, "about", "tCO2eq", "verified"),
            ("zero", 0.0, None, "exact", "tCO2eq", "verified"),
        ]);
        let inputs = BTreeSet::new();
        let ctx = Ctx {
            claims: &claims,
            inputs: &inputs,
            input_rows: &[],
            base: Some(1e6),
            index: IndexId::CpiU,
            report_dollars: DollarDate::year(2024),
        };
        let view = |id: &str, f: &Figure| {
            let c = claims.get(id).unwrap();
            let fp = scope::Footprint::of(c).unwrap_or(scope::Footprint {
                layer: "final-run",
                kind: scope::FootprintKind::Energy,
                form: EnergyForm::Accelerator,
                accounting_from: "scope",
            });
            ctx.footprint_view(c, Role::Model, f, &fp)
        };
        // 131 MWh is 131,000 kWh: inside 100,000-200,000 kWh; 1 GWh is above it.
        let mut kwh = figure("kWh", 100_000.0, 200_000.0);
        kwh.id = "final-run-energy-accelerator".into();
        let v = view("mwh-in", &kwh);
        assert_eq!((v.verdict, v.contains), (Verdict::Consistent, Some(true)));
        assert!(
            v.explanation.contains("100 MWh-200 MWh"),
            "{}",
            v.explanation
        );
        assert_eq!(view("gwh-above", &kwh).verdict, Verdict::Above);
        // Emissions: tCO2eq is tCO2e; an energy claim beside emissions is not compared.
        let mut co2 = figure("tCO2e", 40.0, 60.0);
        co2.id = "final-run-emissions-accelerator-location".into();
        assert_eq!(view("co2-in", &co2).verdict, Verdict::Consistent);
        let cross = view("mwh-in", &co2);
        assert_eq!(cross.verdict, Verdict::NotComparable);
        assert!(cross.explanation.starts_with("in MWh, not tCO2e"));
        // A zero claim beside a zero figure (market-based, renewable matching) matches it;
        // beside a positive one it is below.
        let mut zero = figure("tCO2e", 0.0, 0.0);
        zero.id = "final-run-emissions-accelerator-market".into();
        let z = view("zero", &zero);
        assert_eq!((z.verdict, z.contains), (Verdict::Consistent, Some(true)));
        assert_eq!(
            z.short_verdict(),
            "matches the exact figure of final-run-emissions-accelerator-market"
        );
        assert_eq!(view("zero", &co2).verdict, Verdict::Below);
    }
}
