//! `traincost compare`: two scenarios, or one scenario under two plugin sets, side by side per
//! layer, with absolute and relative differences.
//!
//! Side A and side B are each a built-in scenario or a scenario file. `--plugin` loads plugins
//! for both sides, `--plugin-a` / `--plugin-b` for one side only, so the same scenario can be
//! compared under two pricing or salary plugins (`compare deepseek-v3 deepseek-v3 --plugin-b
//! my_pricing.so`). An assumption set is a scenario file: `compare deepseek-v3 mine.toml`.
//!
//! Both sides are reported in the same dollars (`--dollar-year`, else side A's report dollars)
//! converted with the same price index (`--index`, else side A's): a side whose scenario names
//! another index is re-expressed in this one, as `estimate --index` does, and a note gives the
//! factor, so no difference is only the gap between two deflators. A side that cannot be
//! converted to them is an error. Both sides use the same samples and seed. Differences are
//! B - A, and relative differences (B - A) / |A|. Differences of percentiles are differences of
//! each side's percentile, not percentiles of a difference.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use serde::Serialize;
use traincost_analysis::EstimateReport;
use traincost_core::estimate::{Estimate, Figure};
use traincost_core::money::IndexId;
use traincost_core::scenario::Supplier;
use traincost_core::stack::Basis;
use traincost_core::units::DollarDate;

use crate::format::amount;
use crate::model_load::{BuiltModel, build_model};
use crate::output;
use crate::plugin_host::PluginRegistry;

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Format {
    /// A table for people.
    Table,
    /// JSON (see docs/SENSITIVITY.md, "compare").
    Json,
    /// Markdown, ready to paste into an article.
    Markdown,
}

/// Arguments of `traincost compare`.
#[derive(Debug, clap::Args)]
#[command(
    after_long_help = "Examples:\n  traincost compare deepseek-v3 deepseek-r1\n  traincost compare deepseek-v3 mine.toml --format markdown\n  traincost compare deepseek-v3 deepseek-v3 --plugin-b ./libmy_pricing.so --label-b \"my prices\"\n\nBoth sides are in one dollar year (--dollar-year, else A's) converted with one price index\n(--index, else A's): a side whose scenario names another index is re-expressed in it, and a\nnote gives the factor. Differences are B - A; relative differences are (B - A) / |A|.\nMethod and JSON: docs/SENSITIVITY.md."
)]
pub(crate) struct CompareArgs {
    /// Side A: a built-in scenario (`traincost scenarios list`) or a scenario TOML file.
    a: String,
    /// Side B: a built-in scenario or a scenario TOML file (may be A again, with other plugins).
    b: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// Write to this file (atomically) instead of stdout.
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// Load this plugin library for side A only (repeatable); `--plugin` loads for both.
    #[arg(long = "plugin-a", value_name = "PATH")]
    plugin_a: Vec<PathBuf>,
    /// Load this plugin library for side B only (repeatable).
    #[arg(long = "plugin-b", value_name = "PATH")]
    plugin_b: Vec<PathBuf>,
    /// Name side A in the output (default: its scenario name).
    #[arg(long, value_name = "TEXT")]
    label_a: Option<String>,
    /// Name side B in the output (default: its scenario name).
    #[arg(long, value_name = "TEXT")]
    label_b: Option<String>,
    /// Leave out the components of each layer (layers, totals and metrics only).
    #[arg(long)]
    no_components: bool,
    #[command(flatten)]
    run: crate::run_options::RunOptions,
}

/// One side as reported.
#[derive(Debug, Serialize)]
struct Side {
    /// The name used in the output.
    label: String,
    /// The scenario's name.
    scenario: String,
    /// Its title.
    title: String,
    /// Price index its dollars are converted with here: the comparison's (`price_index`).
    price_index: String,
    /// The index its scenario names (`index`, else cpi-u).
    own_price_index: &'static str,
    /// How its figures were re-expressed from its own index in the comparison's; absent when
    /// they are the same index.
    #[serde(skip_serializing_if = "Option::is_none")]
    converted: Option<Conversion>,
    /// The basis this side leads with; each row's id names its own basis.
    basis: Basis,
    /// The bases this side costs compute on.
    bases: Vec<Basis>,
    /// Plugin libraries loaded for this side only.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    plugins: Vec<String>,
}

/// A side re-expressed from its own price index in the comparison's.
#[derive(Debug, Serialize)]
struct Conversion {
    /// Its own index.
    from: &'static str,
    /// The comparison's index.
    to: &'static str,
    /// Its money figures (central estimates) on `to` divided by the same figures on `from`:
    /// the lowest and the highest ratio (one number twice when every money input is in the
    /// same dollars). `null` when its own index cannot give these dollars (`no_factor` says
    /// why).
    factor: Option<[f64; 2]>,
    /// Why there is no factor.
    #[serde(skip_serializing_if = "Option::is_none")]
    no_factor: Option<String>,
}

/// Point estimate and percentiles of one figure on one side (the median is shown).
#[derive(Debug, Clone, Copy, Serialize)]
struct Values {
    central: f64,
    p5: f64,
    p50: f64,
    p95: f64,
}

impl Values {
    fn of(f: &Figure) -> Self {
        Values {
            central: f.central,
            p5: f.p5,
            p50: f.p50,
            p95: f.p95,
        }
    }

    fn zip(self, o: Values, op: impl Fn(f64, f64) -> Option<f64>) -> Relative {
        Relative {
            central: op(self.central, o.central),
            p5: op(self.p5, o.p5),
            p50: op(self.p50, o.p50),
            p95: op(self.p95, o.p95),
        }
    }
}

/// Relative differences; `null` where side A is zero.
#[derive(Debug, Clone, Copy, Serialize)]
struct Relative {
    central: Option<f64>,
    p5: Option<f64>,
    p50: Option<f64>,
    p95: Option<f64>,
}

/// Which sides have a figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
enum Presence {
    Both,
    OnlyA,
    OnlyB,
}

/// One figure, side by side.
#[derive(Debug, Serialize)]
struct Row {
    id: String,
    /// `layer`, `component`, `total` or `metric`.
    kind: &'static str,
    label: String,
    unit: String,
    presence: Presence,
    a: Option<Values>,
    b: Option<Values>,
    /// B - A, when both sides have the figure in one unit.
    difference: Option<Values>,
    /// (B - A) / |A|.
    relative: Option<Relative>,
}

/// What `compare` prints.
#[derive(Debug, Serialize)]
struct Comparison {
    schema_version: u32,
    dollar_year: DollarDate,
    /// The price index both sides' dollars are converted with.
    price_index: &'static str,
    /// Who chose it: `a` (side A's scenario) or `--index`.
    price_index_from: &'static str,
    samples: u64,
    seed: u64,
    a: Side,
    b: Side,
    rows: Vec<Row>,
    /// Caveats for the reader (e.g. different price indexes).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    notes: Vec<String>,
}

pub(crate) fn run(args: CompareArgs) -> anyhow::Result<ExitCode> {
    crate::term::set_output_file(args.output.is_some());
    if let Some(p) = &args.output {
        crate::output::check_output_dir(p)?;
    }
    // The same samples, seed and dollars on both sides.
    let config = args
        .run
        .config(crate::run_options::DEFAULT_SAMPLES, Vec::new());
    // An unknown or unreadable scenario is reported for what it is, before any costing. Each
    // side's own price index, for the note when it is converted with another.
    let mut own = Vec::new();
    for (side, scenario) in [("A", &args.a), ("B", &args.b)] {
        let loaded = crate::scenario_load::load(scenario).map_err(|d| {
            anyhow::Error::new(d).context(format!(
                "side {side} (`{}`)",
                traincost_claims::excerpt(scenario)
            ))
        })?;
        own.push(loaded.scenario.index());
    }
    let (own_a, own_b) = (own[0], own[1]);
    // One index for both sides: --index, else A's. A difference is then never the gap between
    // two deflators.
    let (index, index_from) = match args.run.index {
        Some(i) => (i, "--index"),
        None => (own_a, "a"),
    };
    let claims = crate::claims_cmd::load_claims(&args.run.claims)?;
    let registry = |extra: &[PathBuf]| {
        let mut pa = args.run.plugins.clone();
        pa.plugins.extend_from_slice(extra);
        let (reg, problems) = PluginRegistry::from_args(&pa);
        for p in &problems {
            tracing::warn!("{p}");
        }
        reg
    };
    let reg_a = registry(&args.plugin_a);
    let separate_b = !(args.plugin_a.is_empty() && args.plugin_b.is_empty());
    let reg_b_owned = separate_b.then(|| registry(&args.plugin_b));
    let reg_b = reg_b_owned.as_ref().unwrap_or(&reg_a);
    let supplier_a = crate::plugin_supplier::PluginSupplier(&reg_a);
    let supplier_b = crate::plugin_supplier::PluginSupplier(reg_b);

    let side_a_error = || {
        format!(
            "cannot cost side A (`{}`)",
            traincost_claims::excerpt(&args.a)
        )
    };
    let built_a = build_model(
        &args.a,
        crate::run_options::Money {
            dollars: args.run.dollar_year,
            index: Some(index),
        },
        &claims,
        &supplier_a,
    )
    .with_context(side_a_error)?;
    let report_a = built_a
        .estimate_report(&claims, &config, &mut |_| {})
        .with_context(side_a_error)?;
    let dollars = report_a.estimate.dollar_year;
    let side_b_error = || {
        let whose = if args.run.dollar_year.is_some() {
            "--dollar-year"
        } else {
            "side A's; choose others with --dollar-year"
        };
        let which = if index_from == "a" {
            format!(
                "side A's index, {}; choose another with --index",
                index.name()
            )
        } else {
            format!("--index {}", index.name())
        };
        format!(
            "cannot cost side B (`{}`) in {dollars} dollars ({whose}) converted with {which}",
            traincost_claims::excerpt(&args.b)
        )
    };
    let money = crate::run_options::Money {
        dollars: Some(dollars),
        index: Some(index),
    };
    let built_b = build_model(&args.b, money, &claims, &supplier_b).with_context(side_b_error)?;
    let report_b = built_b
        .estimate_report(&claims, &config, &mut |_| {})
        .with_context(side_b_error)?;
    anyhow::ensure!(
        report_b.estimate.dollar_year == dollars,
        "side B came out in {} dollars, side A in {dollars}: they cannot be compared",
        report_b.estimate.dollar_year
    );
    // A side whose own index is another: its figures on its own index, for the factor.
    let converted = |name: &str, own: IndexId, built: &BuiltModel, supplier: &dyn Supplier| {
        (own != index).then(|| {
            conversion(own, index, built, || {
                let money = crate::run_options::Money {
                    dollars: Some(dollars),
                    index: Some(own),
                };
                build_model(name, money, &claims, supplier)
            })
        })
    };
    let conv_a = converted(&args.a, own_a, &built_a, &supplier_a);
    let conv_b = converted(&args.b, own_b, &built_b, &supplier_b);

    let mut side_a = side(
        &report_a,
        args.label_a.clone(),
        &args.plugin_a,
        own_a,
        conv_a,
    );
    let mut side_b = side(
        &report_b,
        args.label_b.clone(),
        &args.plugin_b,
        own_b,
        conv_b,
    );
    if side_a.label == side_b.label {
        side_a.label.push_str(" (A)");
        side_b.label.push_str(" (B)");
    }
    let mut notes = Vec::new();
    if side_a.bases != side_b.bases {
        notes.push(format!(
            "the sides cost compute on different bases (A: {}; B: {}): rows on a basis only one \
             side has are shown for that side alone, never set against the other basis",
            side_a.bases_text(),
            side_b.bases_text()
        ));
    }
    if side_a.basis != side_b.basis {
        notes.push(format!(
            "the sides lead with different bases (A: {}, B: {}): compare rows of the same id, \
             which name their basis",
            side_a.basis, side_b.basis
        ));
    }
    for (letter, s) in [("A", &side_a), ("B", &side_b)] {
        if let Some(c) = &s.converted {
            notes.push(conversion_note(letter, s, c, dollars, index_from));
        }
    }
    let comparison = Comparison {
        schema_version: 2,
        dollar_year: dollars,
        price_index: index.name(),
        price_index_from: index_from,
        samples: config.samples,
        seed: config.seed,
        rows: rows(&report_a.estimate, &report_b.estimate, !args.no_components),
        a: side_a,
        b: side_b,
        notes,
    };
    let text = match args.format {
        Format::Json => serde_json::to_string_pretty(&comparison)? + "\n",
        Format::Table => render_table(&comparison),
        Format::Markdown => render_markdown(&comparison),
    };
    output::emit(args.output.as_deref(), &text)?;
    Ok(ExitCode::SUCCESS)
}

impl Comparison {
    /// `both sides converted with cpi-u (A's index)`: the one index, and who chose it.
    fn index_text(&self) -> String {
        let whose = if self.price_index_from == "--index" {
            "--index"
        } else if self.b.own_price_index == self.a.own_price_index {
            "both scenarios' index"
        } else {
            "A's index"
        };
        format!("both sides converted with {} ({whose})", self.price_index)
    }
}

impl Side {
    /// `rental and ownership`.
    fn bases_text(&self) -> String {
        let names: Vec<&str> = self.bases.iter().map(|b| b.as_str()).collect();
        names.join(" and ")
    }
}

fn side(
    r: &EstimateReport,
    label: Option<String>,
    plugins: &[PathBuf],
    own: IndexId,
    converted: Option<Conversion>,
) -> Side {
    Side {
        label: label.unwrap_or_else(|| r.estimate.scenario.clone()),
        scenario: r.estimate.scenario.clone(),
        title: r.title.clone(),
        price_index: r.estimate.price_index.clone(),
        own_price_index: own.name(),
        converted,
        basis: r.estimate.basis,
        bases: r.estimate.bases(),
        plugins: plugins.iter().map(|p| p.display().to_string()).collect(),
    }
}

/// How a side's money figures moved from its own index (`on_own` builds its model with it) to
/// the comparison's (`built`): the lowest and highest ratio of the
/// central estimates of its money figures.
fn conversion(
    from: IndexId,
    to: IndexId,
    built: &BuiltModel,
    on_own: impl FnOnce() -> anyhow::Result<BuiltModel>,
) -> Conversion {
    let no_factor = |why: String| Conversion {
        from: from.name(),
        to: to.name(),
        factor: None,
        no_factor: Some(why),
    };
    // Most often its own index does not reach the dollars; else an input's dollars.
    if let Err(e) = from.index().value(built.compiled.dollars()) {
        return no_factor(e.to_string());
    }
    let on_own = match on_own() {
        Ok(m) => m,
        Err(e) => {
            let why = e.root_cause().to_string();
            return no_factor(why.lines().next().unwrap_or_default().to_owned());
        }
    };
    let figures = |m: &BuiltModel| -> Vec<(String, f64)> {
        let model = &m.compiled.model;
        model
            .outputs()
            .iter()
            .zip(model.central())
            .filter(|(o, _)| o.unit.starts_with("USD"))
            .map(|(o, v)| (o.id.clone(), v))
            .collect()
    };
    let theirs = figures(&on_own);
    let ratios: Vec<f64> = figures(built)
        .into_iter()
        .filter_map(|(id, v)| {
            let (_, w) = theirs.iter().find(|(i, _)| *i == id)?;
            let r = v / w;
            (*w != 0.0 && r.is_finite() && r > 0.0).then_some(r)
        })
        .collect();
    let lo = ratios.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = ratios.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    Conversion {
        from: from.name(),
        to: to.name(),
        factor: (!ratios.is_empty()).then_some([lo, hi]),
        no_factor: ratios
            .is_empty()
            .then(|| "it has no money figure other than zero".to_owned()),
    }
}

/// `x0.8773`, or `x0.8601 to x0.8773` when the money inputs are in dollars of several dates.
fn factor_text(f: [f64; 2]) -> String {
    let [lo, hi] = f;
    if (hi - lo).abs() <= 5e-5 * hi.abs() {
        format!("x{:.4}", (lo + hi) / 2.0)
    } else {
        format!("x{lo:.4} to x{hi:.4} (its money inputs are in dollars of several dates)")
    }
}

/// Says that side `letter` is shown on the comparison's index, not its own, and by what factor.
fn conversion_note(
    letter: &str,
    s: &Side,
    c: &Conversion,
    dollars: DollarDate,
    index_from: &str,
) -> String {
    let chosen = if index_from == "a" {
        format!("{} (side A's index)", c.to)
    } else {
        format!("{} (--index)", c.to)
    };
    let by = match (c.factor, &c.no_factor) {
        (Some(f), _) => format!(
            "its money figures are {} what {} gives",
            factor_text(f),
            c.from
        ),
        (None, Some(why)) => format!("{} gives no figures to set beside them ({why})", c.from),
        (None, None) => String::new(),
    };
    let back = if index_from == "a" && c.factor.is_some() {
        format!("; --index {} puts both sides on {letter}'s index", c.from)
    } else {
        String::new()
    };
    format!(
        "side {letter} ({}) names {} as its price index, but here it is converted to {dollars} \
         dollars with {chosen}, so that both sides share one deflator: {by}{back}",
        s.label, c.from
    )
}

/// Every figure of an estimate in report order, with its kind.
fn figures(e: &Estimate, components: bool) -> Vec<(&Figure, &'static str)> {
    e.figures()
        .into_iter()
        .filter(|(_, kind)| components || *kind != "component")
        .collect()
}

/// The union of both sides' figures: A's order, with B's extra figures after the figure that
/// precedes them in B.
fn rows(a: &Estimate, b: &Estimate, components: bool) -> Vec<Row> {
    let fa = figures(a, components);
    let fb = figures(b, components);
    let mut order: Vec<(&str, &'static str)> =
        fa.iter().map(|(f, k)| (f.id.as_str(), *k)).collect();
    let mut after: Option<usize> = None;
    for (f, k) in &fb {
        match order.iter().position(|(id, _)| *id == f.id) {
            Some(p) => after = Some(p),
            None => {
                let at = after.map_or(0, |p| p + 1);
                order.insert(at, (f.id.as_str(), k));
                after = Some(at);
            }
        }
    }
    let find = |fs: &[(&Figure, &'static str)], id: &str| -> Option<Figure> {
        fs.iter()
            .find(|(f, _)| f.id == id)
            .map(|(f, _)| (*f).clone())
    };
    order
        .into_iter()
        .map(|(id, kind)| {
            let (x, y) = (find(&fa, id), find(&fb, id));
            let any = x.as_ref().or(y.as_ref()).expect("on one side at least");
            let (label, unit) = (any.label.clone(), any.unit.clone());
            let presence = match (&x, &y) {
                (Some(_), Some(_)) => Presence::Both,
                (Some(_), None) => Presence::OnlyA,
                _ => Presence::OnlyB,
            };
            let (va, vb) = (x.as_ref().map(Values::of), y.as_ref().map(Values::of));
            let comparable = matches!((&x, &y), (Some(x), Some(y)) if x.unit == y.unit);
            let (difference, relative) = match (va, vb) {
                (Some(va), Some(vb)) if comparable => {
                    let difference = Values {
                        central: vb.central - va.central,
                        p5: vb.p5 - va.p5,
                        p50: vb.p50 - va.p50,
                        p95: vb.p95 - va.p95,
                    };
                    let rel = va.zip(vb, |a, b| (a != 0.0).then(|| (b - a) / a.abs()));
                    (Some(difference), Some(rel))
                }
                _ => (None, None),
            };
            Row {
                id: id.to_owned(),
                kind,
                label,
                unit,
                presence,
                a: va,
                b: vb,
                difference,
                relative,
            }
        })
        .collect()
}

/// A difference with its sign: `+$294.7K`, `-$1.2M`, `$0`.
fn signed(unit: &str, v: f64) -> String {
    if v == 0.0 {
        return amount(unit, 0.0).replace("0.00", "0");
    }
    let s = amount(unit, v.abs());
    if v > 0.0 {
        format!("+{s}")
    } else {
        format!("-{s}")
    }
}

fn relative(r: Option<f64>) -> String {
    match r {
        None => "n/a".to_owned(),
        Some(0.0) => "0%".to_owned(),
        // From ten times up, as a multiple of A.
        Some(r) if r >= 9.0 => format!("{:.0}x", r + 1.0),
        Some(r) if r.abs() < 0.001 => format!("{:+.3}%", r * 100.0),
        Some(r) => format!("{:+.1}%", r * 100.0),
    }
}

fn name(r: &Row) -> String {
    match r.kind {
        "component" => format!("  · {}", r.id.rsplit('/').next().unwrap_or(&r.id)),
        "total" => format!("= {}", r.id),
        _ => r.id.clone(),
    }
}

/// A row to show: a row of the comparison, or a stage one side inherits from the other
/// (`deepseek-r1`'s `deepseek-v3 pre-training` is `deepseek-v3`'s `pre-training`), shown once.
struct Shown {
    row: Row,
    /// The scenario the stage is inherited from, for a merged stage.
    inherited_from: Option<String>,
}

/// The comparison's rows for people: inherited stages matched with their origin by name and
/// ancestry (an inherited stage is named `<base> <stage>`), each shown once.
fn shown_rows(c: &Comparison) -> Vec<Shown> {
    let rows = &c.rows;
    // (index of the one-sided row, index of its match on the other side, base name)
    let mut merged: Vec<(usize, usize, &str)> = Vec::new();
    for (i, r) in rows.iter().enumerate() {
        let (base, other) = match r.presence {
            Presence::OnlyB => (c.a.scenario.as_str(), Presence::OnlyA),
            Presence::OnlyA => (c.b.scenario.as_str(), Presence::OnlyB),
            Presence::Both => continue,
        };
        let Some((parent, stage)) = r.id.rsplit_once('/') else {
            continue;
        };
        let Some(stage) = stage.strip_prefix(base).and_then(|s| s.strip_prefix(' ')) else {
            continue;
        };
        let origin = format!("{parent}/{stage}");
        if let Some(j) = rows
            .iter()
            .position(|o| o.presence == other && o.id == origin && o.unit == r.unit)
        {
            merged.push((i, j, base));
        }
    }
    let mut out = Vec::new();
    for (k, r) in rows.iter().enumerate() {
        if merged.iter().any(|(i, _, _)| *i == k) {
            continue;
        }
        let Some(&(i, _, base)) = merged.iter().find(|(_, j, _)| *j == k) else {
            out.push(Shown {
                row: clone_row(r),
                inherited_from: None,
            });
            continue;
        };
        let inheritor = &rows[i];
        let (a, b) = match r.presence {
            Presence::OnlyA => (r.a, inheritor.b),
            _ => (inheritor.a, r.b),
        };
        let (difference, relative) = match (a, b) {
            (Some(va), Some(vb)) => (
                Some(Values {
                    central: vb.central - va.central,
                    p5: vb.p5 - va.p5,
                    p50: vb.p50 - va.p50,
                    p95: vb.p95 - va.p95,
                }),
                Some(va.zip(vb, |x, y| (x != 0.0).then(|| (y - x) / x.abs()))),
            ),
            _ => (None, None),
        };
        out.push(Shown {
            row: Row {
                presence: Presence::Both,
                a,
                b,
                difference,
                relative,
                ..clone_row(r)
            },
            inherited_from: Some(base.to_owned()),
        });
    }
    out
}

fn clone_row(r: &Row) -> Row {
    Row {
        id: r.id.clone(),
        kind: r.kind,
        label: r.label.clone(),
        unit: r.unit.clone(),
        presence: r.presence,
        a: r.a,
        b: r.b,
        difference: r.difference,
        relative: r.relative,
    }
}

/// A shown row's name: an inherited stage says so (`  · pre-training (B's, from deepseek-v3)`).
fn shown_name(s: &Shown, c: &Comparison) -> String {
    match &s.inherited_from {
        Some(base) => {
            let heir = if *base == c.a.scenario { "B" } else { "A" };
            format!("{} ({heir} inherits it)", name(&s.row))
        }
        None => name(&s.row),
    }
}

fn render_table(c: &Comparison) -> String {
    use crate::term::para;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}",
        para(
            &format!(
                "A: {} ({})  vs  B: {} ({}) — {} USD, {}; {} samples, seed {}",
                c.a.label,
                c.a.title,
                c.b.label,
                c.b.title,
                c.dollar_year,
                c.index_text(),
                crate::format::count(c.samples),
                c.seed
            ),
            2
        )
    );
    let _ = writeln!(
        out,
        "{}",
        para(
            &format!(
                "A costs compute on {} (leads with {}); B on {} (leads with {}). Rows pair figures of the same id, so of the same basis.",
                c.a.bases_text(),
                c.a.basis,
                c.b.bases_text(),
                c.b.basis
            ),
            0
        )
    );
    let _ = writeln!(
        out,
        "{}\n",
        para(
            "Figures are medians with 90% intervals. Differences are B - A between medians, relative ones (B - A) / A.",
            0
        )
    );
    let mut t = crate::term::Grid::new([
        "figure",
        "A median",
        "A 90% interval",
        "B median",
        "B 90% interval",
        "B - A",
        "change",
    ])
    .right_align(&[1, 2, 3, 4, 5, 6]);
    let shown = shown_rows(c);
    for sr in shown.iter().filter(|s| s.row.presence == Presence::Both) {
        let r = &sr.row;
        let mut cells = vec![shown_name(sr, c)];
        for v in [&r.a, &r.b] {
            match v {
                Some(v) => {
                    cells.push(amount(&r.unit, v.p50));
                    cells.push(crate::format::interval(&r.unit, v.p5, v.p95));
                }
                None => cells.extend(["—".to_owned(), "—".to_owned()]),
            }
        }
        match (&r.difference, &r.relative) {
            (Some(d), Some(rel)) => {
                cells.push(signed(&r.unit, d.p50));
                cells.push(relative(rel.p50));
            }
            _ => cells.push("units differ".to_owned()),
        }
        t.row(cells);
    }
    let _ = writeln!(out, "{}", t.render());
    // Figures one side alone has: listed after the table, not as rows of dashes.
    for (presence, side) in [(Presence::OnlyA, &c.a), (Presence::OnlyB, &c.b)] {
        let mut g =
            crate::term::Grid::new(["figure", "median", "90% interval"]).right_align(&[1, 2]);
        let mut any = false;
        for sr in shown.iter().filter(|s| s.row.presence == presence) {
            let r = &sr.row;
            if let Some(v) = r.a.or(r.b) {
                g.row([
                    name(r),
                    amount(&r.unit, v.p50),
                    crate::format::interval(&r.unit, v.p5, v.p95),
                ]);
                any = true;
            }
        }
        if any {
            let _ = writeln!(out, "\nOnly in {} ({}):", side.label, side.title);
            let _ = writeln!(out, "{}", g.render());
        }
    }
    for n in &c.notes {
        let _ = writeln!(out, "{}", para(&format!("Note: {n}."), 2));
    }
    for s in [&c.a, &c.b] {
        if !s.plugins.is_empty() {
            let _ = writeln!(out, "{} also loads {}.", s.label, s.plugins.join(", "));
        }
    }
    out
}

fn render_markdown(c: &Comparison) -> String {
    let cell = |s: &str| s.replace('|', "\\|");
    let mut out = format!(
        "## {} vs {}: cost by layer ({} USD, {})\n\n",
        cell(&c.a.title),
        cell(&c.b.title),
        c.dollar_year,
        c.price_index
    );
    if c.a.title == c.b.title {
        out = format!(
            "## {}: {} vs {} ({} USD, {})\n\n",
            cell(&c.a.title),
            cell(&c.a.label),
            cell(&c.b.label),
            c.dollar_year,
            c.price_index
        );
    }
    let _ = writeln!(
        out,
        "| layer | {a} | {a} 90% interval | {b} | {b} 90% interval | difference | change |\n\
         |---|---:|---:|---:|---:|---:|---:|",
        a = cell(&c.a.label),
        b = cell(&c.b.label)
    );
    for sr in &shown_rows(c) {
        let r = &sr.row;
        let label = match r.kind {
            "component" => format!("&nbsp;&nbsp;{}", cell(&r.label)),
            "total" => format!("**{}**", cell(&r.label)),
            _ => cell(&r.label),
        };
        let label = match &sr.inherited_from {
            Some(base) => format!(
                "{label} ({} inherits it from {})",
                if *base == c.a.scenario {
                    cell(&c.b.label)
                } else {
                    cell(&c.a.label)
                },
                cell(base)
            ),
            None => label,
        };
        let side = |v: &Option<Values>| match v {
            Some(v) => (
                amount(&r.unit, v.p50),
                crate::format::interval(&r.unit, v.p5, v.p95),
            ),
            None => ("—".to_owned(), "—".to_owned()),
        };
        let (ac, ai) = side(&r.a);
        let (bc, bi) = side(&r.b);
        let (d, rel) = match (r.presence, &r.difference, &r.relative) {
            (_, Some(d), Some(rel)) => (signed(&r.unit, d.p50), relative(rel.p50)),
            (Presence::OnlyA, _, _) => (format!("only in {}", cell(&c.a.label)), String::new()),
            (Presence::OnlyB, _, _) => (format!("only in {}", cell(&c.b.label)), String::new()),
            _ => ("units differ".to_owned(), String::new()),
        };
        let _ = writeln!(
            out,
            "| {label} (`{}`) | {ac} | {ai} | {bc} | {bi} | {d} | {rel} |",
            r.id
        );
    }
    let _ = writeln!(
        out,
        "\nMedians with 90% intervals from {} Monte Carlo samples (seed {}), in {} US dollars, \
         {}; rows pair figures of the same id, so of the same cost basis. Differences are \
         {b}'s median minus {a}'s; change is relative to {a}.",
        crate::format::count(c.samples),
        c.seed,
        c.dollar_year,
        c.index_text(),
        a = cell(&c.a.label),
        b = cell(&c.b.label)
    );
    for n in &c.notes {
        let _ = writeln!(out, "\nNote: {n}.");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fig(id: &str, central: f64) -> Figure {
        Figure {
            id: id.to_owned(),
            label: id.to_owned(),
            unit: "USD".to_owned(),
            central,
            mean: central,
            sd: 0.0,
            p5: central * 0.5,
            p50: central,
            p95: central * 2.0,
            percentiles: vec![],
            includes: String::new(),
            excludes: String::new(),
            components: vec![],
            multiples: Vec::new(),
            basis: None,
            form: None,
            accounting: None,
        }
    }

    fn est(layers: Vec<Figure>) -> Estimate {
        Estimate {
            scenario: "s".to_owned(),
            dollar_year: DollarDate::year(2024),
            price_index: "cpi-u".to_owned(),
            samples: 1,
            seed: 1,
            basis: traincost_core::stack::Basis::Rental,
            layers,
            totals: vec![],
            metrics: vec![],
            energy: vec![],
            emissions: vec![],
            inputs: vec![],
            not_modelled: vec![],
        }
    }

    #[test]
    fn rows_merge_both_sides_in_order_and_flag_one_sided_layers() {
        let mut rental_a = fig("rental", 100.0);
        rental_a.components = vec![fig("rental/x", 100.0)];
        let mut rental_b = fig("rental", 150.0);
        rental_b.components = vec![fig("rental/x", 100.0), fig("rental/y", 50.0)];
        let a = est(vec![rental_a, fig("staff", 10.0), fig("fleet", 0.0)]);
        let b = est(vec![rental_b, fig("dev", 40.0), fig("fleet", 5.0)]);
        let r = rows(&a, &b, true);
        let ids: Vec<&str> = r.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(
            ids,
            ["rental", "rental/x", "rental/y", "dev", "staff", "fleet"]
        );
        assert_eq!(r[0].presence, Presence::Both);
        assert_eq!(r[0].difference.unwrap().central, 50.0);
        assert_eq!(r[0].relative.unwrap().central, Some(0.5));
        assert_eq!(r[0].difference.unwrap().p95, 100.0);
        assert_eq!(r[2].presence, Presence::OnlyB);
        assert!(r[2].a.is_none() && r[2].difference.is_none());
        // B's extra layer follows what precedes it in B.
        assert_eq!(r[3].presence, Presence::OnlyB);
        assert_eq!(r[4].presence, Presence::OnlyA);
        // Relative to zero is undefined, not infinite.
        assert_eq!(r[5].relative.unwrap().central, None);
        assert_eq!(r[5].difference.unwrap().central, 5.0);
        let without = rows(&a, &b, false);
        assert!(without.iter().all(|r| r.kind != "component"));
    }

    #[test]
    fn differences_are_signed_and_relative_changes_readable() {
        assert_eq!(signed("USD", 294_672.0), "+$294.7K");
        assert_eq!(signed("USD", -1_500_000.0), "-$1.500M");
        assert_eq!(signed("USD", 0.0), "$0");
        assert_eq!(relative(Some(0.0528)), "+5.3%");
        assert_eq!(relative(Some(-0.25)), "-25.0%");
        assert_eq!(relative(Some(310.0)), "311x");
        assert_eq!(relative(None), "n/a");
    }
}
