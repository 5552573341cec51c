//! `traincost models`: every built-in scenario and every model of Epoch AI's cost table in one
//! table, in one dollar year, with the growth of the frontier's amortized cost beside Epoch's
//! published ~2.4x per year. What the rows and the trend are is decided in
//! `traincost_analysis::models`; this module loads, costs, filters and renders.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use serde::Serialize;
use traincost_analysis::models::{
    self, ComputeFrom, Costed, EpochRef, ModelRow, Source, Trend, UnitCosts,
};
use traincost_core::date::Date;
use traincost_core::epoch::scenario as epoch_scenario;
use traincost_core::epoch::table::{CostRow, CostTable};
use traincost_core::money::IndexId;
use traincost_core::scenario::{self, Scenario};
use traincost_core::units::DollarDate;

use crate::chart::svg::escape;
use crate::format::money;
use crate::output;
use crate::run_options::Money;

/// Samples per model when `--samples` is not given: 177 models and more are costed. Measured
/// on the frontier rows (seed 42): every 5th, 50th and 95th percentile at 20,000 samples is
/// within 2% of a million samples', and the fitted growth rate within 0.001x a year.
pub(crate) const DEFAULT_SAMPLES: u64 = 20_000;

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Format {
    /// A table for people.
    Table,
    /// JSON (docs/ESTIMATE_JSON.md, "traincost models").
    Json,
    /// One row per model.
    Csv,
    /// Markdown, ready to paste into an article.
    Markdown,
    /// A self-contained HTML page: the table and the chart.
    Html,
}

/// Which rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum SourceArg {
    /// The curated built-in scenarios.
    Builtin,
    /// The rows of Epoch AI's table (a model a built-in stands for is shown as the built-in).
    Epoch,
}

/// Arguments of `traincost models`.
#[derive(Debug, clap::Args)]
#[command(
    after_long_help = "Examples:\n  traincost models\n  traincost models --developer openai --since 2023\n  traincost models --source builtin --format markdown\n  traincost models --format html --output models.html\n  traincost models --chart trend.svg --format json --output models.json\n  traincost --epoch-version paper_v1 models --frontier\n\nEach row is one model: the curated built-ins, and every model of Epoch AI's table at its latest\nversion (or --epoch-version's). A built-in that is the same model as an Epoch row is shown\nonce, as the built-in, with the Epoch row's figures beside it in JSON. Costs are medians with\n90% intervals, in one dollar year (default: the latest year every row's price index has in\nfull). The trend line fits Epoch's regression to its top-10 frontier set on the ownership\nbasis, whatever the filters. Fields: docs/ESTIMATE_JSON.md."
)]
pub(crate) struct ModelsArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// Write to this file (atomically) instead of stdout.
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// Also write the chart (cost against publication date, log scale, 90% intervals, the
    /// frontier's fitted growth and Epoch's published rate) as SVG to this file.
    #[arg(long, value_name = "FILE.svg")]
    chart: Option<PathBuf>,
    /// Only built-ins or only Epoch rows.
    #[arg(long, value_enum)]
    source: Option<SourceArg>,
    /// Only models whose developer contains this text (any case).
    #[arg(long, value_name = "TEXT")]
    developer: Option<String>,
    /// Only models whose hardware contains this text (any case): `H100`, `TPU`.
    #[arg(long, value_name = "TEXT")]
    hardware: Option<String>,
    /// Only models published on or after this date: `2023`, `2023-06` or `2023-06-15`.
    #[arg(long, value_name = "DATE", value_parser = parse_bound)]
    since: Option<Bound>,
    /// Only models published on or before this date (a year or month includes all of it).
    #[arg(long, value_name = "DATE", value_parser = parse_bound)]
    until: Option<Bound>,
    /// Only models in Epoch AI's top-10 frontier set.
    #[arg(long)]
    frontier: bool,
    #[command(flatten)]
    run: crate::run_options::RunOptions,
}

/// A date a person wrote as a bound: a year, a month or a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Bound {
    year: i32,
    month: Option<u32>,
    day: Option<u32>,
}

fn parse_bound(text: &str) -> Result<Bound, String> {
    let t = text.trim();
    let hint = "give a year (2023), a month (2023-06) or a day (2023-06-15)";
    if t.len() == 4 && t.bytes().all(|b| b.is_ascii_digit()) {
        let year = t.parse().map_err(|_| format!("`{t}`: {hint}"))?;
        return Ok(Bound {
            year,
            month: None,
            day: None,
        });
    }
    let month_only = t.len() == 7;
    let d = Date::parse_written(t, true).map_err(|e| format!("{e}: {hint}"))?;
    let (year, month, day) = d.ymd();
    Ok(Bound {
        year,
        month: Some(month),
        day: (!month_only).then_some(day),
    })
}

impl Bound {
    /// `date` truncated to this bound's precision, and the bound, as comparable tuples.
    fn compare(&self, date: Date) -> std::cmp::Ordering {
        let (y, m, d) = date.ymd();
        let ours = (self.year, self.month.unwrap_or(0), self.day.unwrap_or(0));
        let theirs = (
            y,
            if self.month.is_some() { m } else { 0 },
            if self.day.is_some() { d } else { 0 },
        );
        theirs.cmp(&ours)
    }
}

/// What `traincost models --format json` prints.
#[derive(Debug, Serialize)]
struct Document {
    schema_version: u32,
    dollar_year: DollarDate,
    /// `null`: each row's own price index (`price_index` in its figures).
    index: Option<&'static str>,
    samples: u64,
    seed: u64,
    /// Epoch rows' version: a label, or `latest`.
    epoch_version: String,
    filters: Filters,
    rows: Vec<ModelRow>,
    trend: Trend,
    notes: Vec<String>,
}

#[derive(Debug, Serialize)]
struct Filters {
    source: Option<&'static str>,
    developer: Option<String>,
    hardware: Option<String>,
    since: Option<String>,
    until: Option<String>,
    frontier: bool,
}

/// A model to cost: a built-in or an Epoch row.
struct Candidate<'a> {
    /// `traincost estimate` argument.
    scenario: String,
    title: String,
    source: Source,
    developer: Option<String>,
    published: Option<Date>,
    hardware: Option<String>,
    /// The Epoch row: its own (Epoch source) or the one a built-in stands for.
    epoch: Option<&'a CostRow>,
    /// For a built-in: its parsed file.
    builtin: Option<Scenario>,
}

impl Candidate<'_> {
    fn frontier(&self) -> bool {
        self.epoch.is_some_and(|r| r.frontier)
    }
}

pub(crate) fn run(args: ModelsArgs) -> anyhow::Result<ExitCode> {
    crate::term::set_output_file(args.output.is_some());
    if let Some(p) = &args.output {
        output::check_output_dir(p)?;
    }
    let version = crate::scenario_load::epoch_version();
    let table = CostTable::embedded();
    let epoch_rows = models::epoch_rows(table, version);
    let fitted = models::trend_version(table, version);

    // Built-ins, each with the Epoch row it stands for.
    let mut candidates: Vec<Candidate<'_>> = Vec::new();
    for name in scenario::builtin_names() {
        let s = Scenario::builtin(name).expect("built-in scenarios parse (tested)");
        let title = s.file.title.clone().unwrap_or_else(|| name.to_owned());
        let epoch = models::curated_match(&title, table, version);
        candidates.push(Candidate {
            scenario: name.to_owned(),
            developer: s.file.developer.clone(),
            published: s
                .file
                .published
                .as_deref()
                .and_then(|p| Date::parse_written(p, true).ok()),
            hardware: s.file.gpu.as_ref().map(|g| g.get_ref().clone()),
            title,
            source: Source::Builtin,
            epoch,
            builtin: Some(s),
        });
    }
    let curated: Vec<&str> = candidates
        .iter()
        .filter_map(|c| c.epoch.map(|r| r.model.as_str()))
        .collect();
    let epoch_candidates: Vec<Candidate<'_>> = epoch_rows
        .iter()
        .map(|r| Candidate {
            scenario: format!("epoch:{}", r.model),
            title: r.model.clone(),
            source: Source::Epoch,
            developer: Some(r.organization.clone()).filter(|s| !s.is_empty()),
            published: r.publication_date,
            hardware: Some(r.hardware.clone()).filter(|s| !s.is_empty()),
            epoch: Some(r),
            builtin: None,
        })
        .collect();

    // The dollars every row is reported in.
    let index = args.run.index;
    let mut indexes: Vec<IndexId> = match index {
        Some(i) => vec![i],
        None => candidates
            .iter()
            .filter_map(|c| c.builtin.as_ref().map(Scenario::index))
            .chain(std::iter::once(IndexId::PpiDataProcessing))
            .collect(),
    };
    indexes.sort_by_key(|i| i.name());
    indexes.dedup();
    let dollars = match args.run.dollar_year {
        Some(d) => {
            // Every index in use must have these dollars: else no row could be costed.
            for i in &indexes {
                crate::model_load::check_dollars(*i, d)?;
            }
            d
        }
        None => {
            let year = indexes
                .iter()
                .map(|i| i.index().latest_full_year())
                .min()
                .expect("at least one index");
            DollarDate::year(year)
        }
    };
    let money = Money {
        dollars: Some(dollars),
        index,
    };
    let config = args.run.config(DEFAULT_SAMPLES, Vec::new());
    let (claims, registry) = args.run.load()?;
    let supplier = crate::plugin_supplier::PluginSupplier(&registry);
    let started = std::time::Instant::now();
    // The final run's figures, and the compute the scenario's own stages give. An Epoch row
    // without a cloud price has no rental cost, but its ownership cost is still Epoch's: it is
    // costed with a placeholder rental price whose figures are dropped.
    let cost = |name: &str, row: Option<&CostRow>| -> Result<(Costed, Option<f64>), String> {
        let (built, rental_why, ownership_why) = match row {
            None => (
                crate::model_load::build_model(name, money, &claims, &supplier),
                None,
                None,
            ),
            Some(r) => {
                let from = epoch_scenario::from_row(r).map_err(|e| e.to_string())?;
                let why = |field: &str| {
                    from.missing
                        .iter()
                        .find(|m| m.field == field)
                        .map(|m| m.why.clone())
                };
                let (rental_why, ownership_why) = (why("rental_price"), why("ownership"));
                let built = match (&rental_why, &ownership_why) {
                    (None, _) => crate::model_load::build_model(name, money, &claims, &supplier),
                    (Some(why), Some(_)) => return Err(format!("{why}, and no ownership inputs")),
                    (Some(_), None) => {
                        let toml = with_placeholder_rental(&from.toml);
                        let origin = format!("<{name} ({}), placeholder rental price>", r.version);
                        Scenario::parse(&toml)
                            .map_err(|e| {
                                crate::scenario_load::located(origin.as_ref(), &toml, e).to_string()
                            })
                            .map(|scenario| crate::scenario_load::Loaded {
                                scenario,
                                path: None,
                                epoch: Some(origin.trim_matches(['<', '>']).to_owned()),
                            })
                            .map(|l| {
                                crate::model_load::build_loaded(l, money, &claims, &supplier)
                            })?
                    }
                };
                (built, rental_why, ownership_why)
            }
        };
        let built = built.map_err(|e| format!("{e:#}"))?;
        let report = built
            .estimate_report(&claims, &config, &mut |_| {})
            .map_err(|e| format!("{e:#}"))?;
        let mut c = Costed::of(&report.estimate);
        if c.ownership.is_none() && ownership_why.is_some() {
            c.ownership_missing = ownership_why;
        }
        if let Some(why) = rental_why {
            c.rental = None;
            c.rental_missing = Some(why);
        }
        Ok((c, models::final_run_compute(&built.spec)))
    };

    let keep = |c: &Candidate<'_>| -> bool {
        let contains = |field: &Option<String>, wanted: &Option<String>| match wanted {
            None => true,
            Some(w) => field
                .as_deref()
                .is_some_and(|f| f.to_lowercase().contains(&w.trim().to_lowercase())),
        };
        let source_ok = match args.source {
            None => true,
            Some(SourceArg::Builtin) => c.source == Source::Builtin,
            Some(SourceArg::Epoch) => c.source == Source::Epoch,
        };
        let date_ok = |b: &Option<Bound>, want: std::cmp::Ordering| match b {
            None => true,
            Some(b) => c.published.is_some_and(|d| b.compare(d) != want),
        };
        source_ok
            && contains(&c.developer, &args.developer)
            && contains(&c.hardware, &args.hardware)
            && date_ok(&args.since, std::cmp::Ordering::Less)
            && date_ok(&args.until, std::cmp::Ordering::Greater)
            && (!args.frontier || c.frontier())
    };

    // Cost every Epoch row of the frontier set (the trend needs them whatever the filters),
    // and every row shown.
    let mut epoch_costs: Vec<(usize, Result<Costed, String>)> = Vec::new();
    for (i, c) in epoch_candidates.iter().enumerate() {
        let shown = keep(c) && !curated.contains(&c.title.as_str());
        let needed_by_builtin = candidates
            .iter()
            .any(|b| keep(b) && b.epoch.is_some_and(|r| r.model == c.title));
        let in_trend = |r: &CostRow| r.frontier && r.version == fitted;
        let base_of_trend_row = epoch_candidates.iter().any(|o| {
            o.epoch.is_some_and(|r| {
                in_trend(r)
                    && models::adds_base_model(r)
                    && r.base_model.as_deref() == Some(&c.title)
            })
        });
        if shown || c.epoch.is_some_and(in_trend) || needed_by_builtin || base_of_trend_row {
            epoch_costs.push((i, cost(&c.scenario, c.epoch).map(|(c, _)| c)));
        }
    }
    let epoch_cost = |model: &str| {
        epoch_costs
            .iter()
            .find(|(i, _)| epoch_candidates[*i].title == model)
            .map(|(_, c)| c)
    };

    let mut rows: Vec<ModelRow> = Vec::new();
    for c in candidates.iter().filter(|c| keep(c)) {
        let (costed, own_compute) = match cost(&c.scenario, None) {
            Ok((c, f)) => (Ok(c), f),
            Err(e) => (Err(e), None),
        };
        let (compute_flop, compute_from) = match (own_compute, c.epoch) {
            (Some(f), _) => (Some(f), Some(ComputeFrom::Scenario)),
            (None, Some(r)) => (
                r.training_compute.map(|f| f.0),
                r.training_compute.map(|_| ComputeFrom::Epoch),
            ),
            _ => (None, None),
        };
        let epoch = c.epoch.map(|r| {
            let ec = epoch_cost(&r.model);
            EpochRef {
                model: r.model.clone(),
                version: r.version.label().to_owned(),
                frontier: r.frontier,
                costed: ec.and_then(|x| x.as_ref().ok().cloned()),
                not_costed: ec.and_then(|x| x.as_ref().err().cloned()),
            }
        });
        rows.push(
            ModelRow {
                scenario: c.scenario.clone(),
                title: c.title.clone(),
                source: c.source,
                developer: c.developer.clone(),
                publication_date: c.published.map(|d| d.to_string()),
                hardware: c.hardware.clone(),
                compute_flop,
                compute_from,
                not_costed: costed.as_ref().err().cloned(),
                costed: costed.ok(),
                rental_unit: UnitCosts::default(),
                ownership_unit: UnitCosts::default(),
                frontier: c.frontier(),
                epoch,
            }
            .with_unit_costs(),
        );
    }
    for c in epoch_candidates
        .iter()
        .filter(|c| !curated.contains(&c.title.as_str()))
    {
        if !keep(c) {
            continue;
        }
        let r = c.epoch.expect("an Epoch row");
        let costed = epoch_cost(&r.model)
            .cloned()
            .unwrap_or_else(|| Err("not costed (internal: the row was not selected)".to_owned()));
        rows.push(
            ModelRow {
                scenario: c.scenario.clone(),
                title: c.title.clone(),
                source: Source::Epoch,
                developer: c.developer.clone(),
                publication_date: c.published.map(|d| d.to_string()),
                hardware: c.hardware.clone(),
                compute_flop: r.training_compute.map(|f| f.0),
                compute_from: r.training_compute.map(|_| ComputeFrom::Epoch),
                not_costed: costed.as_ref().err().cloned(),
                costed: costed.ok(),
                rental_unit: UnitCosts::default(),
                ownership_unit: UnitCosts::default(),
                frontier: r.frontier,
                epoch: None,
            }
            .with_unit_costs(),
        );
    }
    rows.sort_by(|a, b| {
        (a.publication_date.is_none(), &a.publication_date, &a.title).cmp(&(
            b.publication_date.is_none(),
            &b.publication_date,
            &b.title,
        ))
    });

    let points: Vec<models::TrendPoint> = epoch_costs
        .iter()
        .filter_map(|(i, c)| {
            let row = epoch_candidates[*i].epoch.filter(|r| r.version == fitted)?;
            let base = row
                .base_model
                .as_deref()
                .and_then(epoch_cost)
                .and_then(|b| b.as_ref().ok());
            models::trend_point(row, c.as_ref().ok()?, base)
        })
        .collect();
    let trend = models::frontier_trend(points, fitted, &dollars.to_string(), &claims);
    tracing::info!(
        models = rows.len(),
        costed = epoch_costs.len(),
        elapsed_ms = started.elapsed().as_millis() as u64,
        "models costed"
    );

    let mut notes = Vec::new();
    if index.is_none() {
        notes.push(format!(
            "every cost is in {dollars} US dollars, each converted with its scenario's own price index (column index): Epoch AI's rows with the producer price index for data processing and hosting (PPI, Epoch's deflator), the built-ins with theirs (CPI-U unless the file says otherwise), so two rows on different indexes differ also by the gap between the two deflators, which grows with the time from a model's dollars to these; the trend fits Epoch's rows alone, all on the PPI; --index puts every row on one index"
        ));
    }
    notes.push(
        "(point), where shown: a figure whose inputs carry no uncertainty, not an exact cost: Epoch AI's cloud method prices each model at one rate for its GPU and date; a built-in's rental is a point where its source states both GPU-hours and price (DeepSeek's $2 per H800-hour)".to_owned(),
    );
    notes.push(
        "cost per GPU-hour and per 1e18 FLOP are ratios of medians: the final run's median cost over its median GPU-hours, or over its training compute".to_owned(),
    );
    if !curated.is_empty() {
        notes.push(
            "a built-in that is the same model as an Epoch AI row is shown once, as the built-in; the Epoch row's own estimate is in the JSON (`epoch`) and its frontier row still counts in the trend".to_owned(),
        );
    }
    let doc = Document {
        schema_version: models::SCHEMA_VERSION,
        dollar_year: dollars,
        index: index.map(|i| i.name()),
        samples: config.samples,
        seed: config.seed,
        epoch_version: version.map_or_else(|| "latest".to_owned(), |v| v.label().to_owned()),
        filters: Filters {
            source: args.source.map(|s| match s {
                SourceArg::Builtin => "builtin",
                SourceArg::Epoch => "epoch",
            }),
            developer: args.developer.clone(),
            hardware: args.hardware.clone(),
            since: args.since.map(|b| bound_text(&b)),
            until: args.until.map(|b| bound_text(&b)),
            frontier: args.frontier,
        },
        rows,
        trend,
        notes,
    };
    let svg = || crate::chart::trend::render(&doc.rows, &doc.trend, &doc.dollar_year.to_string());
    if let Some(path) = &args.chart {
        output::write_atomically(path, svg().as_bytes())?;
    }
    let text = match args.format {
        Format::Json => serde_json::to_string_pretty(&doc)? + "\n",
        Format::Csv => render_csv(&doc),
        Format::Table => render_text(&doc, false),
        Format::Markdown => render_text(&doc, true),
        Format::Html => render_html(
            &doc,
            &svg(),
            &crate::chart::trend::render_narrow(
                &doc.rows,
                &doc.trend,
                &doc.dollar_year.to_string(),
            ),
        ),
    };
    output::emit(args.output.as_deref(), &text)?;
    Ok(ExitCode::SUCCESS)
}

/// The marker line an Epoch scenario without a cloud price carries.
const NO_RENTAL: &str = "# MISSING: ";

/// An Epoch scenario's TOML with a placeholder rental price where the row has none, so its
/// ownership layer can be estimated; the rental figures it gives are never shown.
fn with_placeholder_rental(toml: &str) -> String {
    let line = "rental_price = { value = 1.0, unit = \"USD/GPU-hour\", assumption = \"placeholder: Epoch AI found no cloud price; traincost models drops every rental figure of this scenario\" }\n";
    match toml.find(NO_RENTAL) {
        Some(i) => format!("{}{line}{}", &toml[..i], &toml[i..]),
        None => toml.to_owned(),
    }
}

fn bound_text(b: &Bound) -> String {
    match (b.month, b.day) {
        (Some(m), Some(d)) => format!("{:04}-{m:02}-{d:02}", b.year),
        (Some(m), None) => format!("{:04}-{m:02}", b.year),
        _ => format!("{:04}", b.year),
    }
}

/// `$1.2M [$0.9M-$1.6M]`, `$1.2M (point)`, or `—`.
fn cost_cell(i: Option<models::Interval>) -> String {
    match i {
        None => "—".to_owned(),
        Some(i) if i.p5 == i.p95 => format!("{} (point)", money(i.p50)),
        Some(i) => format!("{} [{}-{}]", money(i.p50), money(i.p5), money(i.p95)),
    }
}

/// The rental cell: the figure, or why there is none.
fn rental_cell(r: &ModelRow) -> String {
    match (&r.costed, &r.not_costed) {
        (Some(c), _) => match (&c.rental, &c.rental_missing) {
            (Some(i), _) => cost_cell(Some(*i)),
            (None, Some(_)) => "— (no cloud price)".to_owned(),
            (None, None) => "—".to_owned(),
        },
        (None, Some(_)) => "not costed (see below)".to_owned(),
        (None, None) => "—".to_owned(),
    }
}

/// `MODEL: why` for every row that could not be costed.
fn not_costed(d: &Document) -> Vec<String> {
    d.rows
        .iter()
        .filter_map(|r| {
            r.not_costed
                .as_ref()
                .map(|why| format!("{}: {why}", r.title))
        })
        .collect()
}

/// A developer list cut to `max` characters for a table cell.
fn short(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_owned();
    }
    let cut: String = s.chars().take(max - 1).collect();
    format!("{}…", cut.trim_end_matches([',', ' ']))
}

/// `2.1e25`.
fn flop(v: Option<f64>) -> String {
    v.map_or("—".to_owned(), |f| format!("{f:.2e}"))
}

fn unit_cell(v: Option<f64>) -> String {
    v.map_or("—".to_owned(), money)
}

/// A price index as a row shows it: `PPI` (Epoch AI's deflator, the producer price index for
/// data processing and hosting) or `CPI-U`.
fn index_tag(name: &str) -> &str {
    match IndexId::from_name(name) {
        Some(IndexId::PpiDataProcessing) => "PPI",
        Some(IndexId::CpiU) => "CPI-U",
        None => name,
    }
}

/// What the dollars are converted with: `each row with its own price index (column index)`,
/// or the one `--index` names.
fn index_text(d: &Document) -> String {
    match d.index {
        Some(i) => format!("every row converted with {i} (--index)"),
        None => "each row converted with its own price index (column index)".to_owned(),
    }
}

/// The growth line for people.
fn trend_text(t: &Trend) -> String {
    let Some(f) = &t.fit else {
        return format!(
            "Frontier trend: fewer than three frontier models have an ownership cost, so no growth rate is fitted ({} points).",
            t.points.len()
        );
    };
    let (lo, hi) = f.factor_interval();
    let published = match &t.published {
        Some(p) => {
            let ci = match (p.low, p.high) {
                (Some(l), Some(h)) => {
                    format!(" (95% CI {l:.1}x-{h:.1}x, claim {})", p.claim)
                }
                _ => format!(" (claim {})", p.claim),
            };
            let verdict = match t.within_published_interval {
                Some(true) => "; ours lies within Epoch's interval",
                Some(false) => "; ours lies outside Epoch's interval",
                None => "",
            };
            format!(
                "; Epoch AI published {}x per year{ci}{verdict}",
                p.factor_per_year
            )
        }
        None => String::new(),
    };
    format!(
        "Frontier trend (ownership basis, Epoch's top-10 frontier set at {}, {} models from {:.1} to {:.1}): {:.2}x per year (95% CI {:.2}x-{:.2}x; {:.3} OOMs/year, R² {:.2}){published}.",
        t.epoch_version,
        f.n,
        f.first_year,
        f.last_year,
        f.factor_per_year(),
        lo,
        hi,
        f.ooms_per_year,
        f.r_squared
    )
}

fn render_text(d: &Document, markdown: bool) -> String {
    use crate::term::{Grid, para};
    let mut out = String::new();
    let title = format!(
        "{} models — final-run costs in {} USD, {}; medians [90% interval], {} samples each, seed {}",
        d.rows.len(),
        d.dollar_year,
        index_text(d),
        crate::format::count(d.samples),
        d.seed
    );
    if markdown {
        let _ = writeln!(out, "## {title}\n");
    } else {
        let _ = writeln!(out, "{}\n", para(&title, 2));
    }
    // Rows on their own indexes say which; with --index the title names the one.
    let mixed = d.index.is_none();
    let mut header = vec!["model", "source"];
    if mixed {
        header.push("index");
    }
    header.extend([
        "developer",
        "published",
        "hardware",
        "compute (FLOP)",
        "final run, rental",
        "final run, ownership",
        "rental $/GPU-hour",
        "rental $/1e18 FLOP",
    ]);
    let first_number = header.len() - 5;
    let numbers: Vec<usize> = (first_number..header.len()).collect();
    let mut g = Grid::new(header).markdown(markdown).right_align(&numbers);
    for r in &d.rows {
        let c = r.costed.as_ref();
        let rental = rental_cell(r);
        let ownership = match c {
            Some(c) => match (&c.ownership, &c.ownership_missing) {
                (Some(o), _) => cost_cell(Some(*o)),
                (None, Some(_)) => "— (no inputs)".to_owned(),
                (None, None) => "—".to_owned(),
            },
            None => "—".to_owned(),
        };
        let name = if r.frontier {
            format!("{} *", r.title)
        } else {
            r.title.clone()
        };
        let mut cells = vec![name, r.source.as_str().to_owned()];
        if mixed {
            cells.push(c.map_or("—", |c| index_tag(&c.price_index)).to_owned());
        }
        cells.extend([
            short(r.developer.as_deref().unwrap_or(""), 40),
            r.publication_date.clone().unwrap_or_default(),
            r.hardware.clone().unwrap_or_default(),
            flop(r.compute_flop),
            rental,
            ownership,
            unit_cell(r.rental_unit.per_gpu_hour),
            unit_cell(r.rental_unit.per_1e18_flop),
        ]);
        g.row(cells);
    }
    let _ = writeln!(out, "{}\n", g.render());
    let mut lines = vec![
        "* in Epoch AI's top-10 frontier set.".to_owned(),
        trend_text(&d.trend),
        d.trend.explanation.clone(),
    ];
    lines.extend(d.notes.iter().map(|n| format!("Note: {n}.")));
    lines.extend(not_costed(d).iter().map(|n| format!("Not costed: {n}.")));
    for l in lines {
        if markdown {
            let _ = writeln!(out, "{l}\n");
        } else {
            let _ = writeln!(out, "{}", para(&l, 2));
        }
    }
    out
}

/// CSV: one row per model, full precision.
fn render_csv(d: &Document) -> String {
    use crate::format::csv_number as n;
    let q = |s: &str| {
        if s.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s.to_owned()
        }
    };
    let o = |v: Option<f64>| v.map_or(String::new(), n);
    let mut out = String::from(
        "scenario,title,source,developer,publication_date,hardware,compute_flop,compute_from,frontier,dollar_year,price_index,rental_p50,rental_p5,rental_p95,ownership_p50,ownership_p5,ownership_p95,gpu_hours_p50,rental_per_gpu_hour,rental_per_1e18_flop,ownership_per_gpu_hour,ownership_per_1e18_flop,epoch_model,not_costed\n",
    );
    for r in &d.rows {
        let c = r.costed.as_ref();
        let iv = |f: fn(&Costed) -> Option<models::Interval>| {
            let i = c.and_then(f);
            (o(i.map(|i| i.p50)), o(i.map(|i| i.p5)), o(i.map(|i| i.p95)))
        };
        let (r50, r5, r95) = iv(|c| c.rental);
        let (o50, o5, o95) = iv(|c| c.ownership);
        let (h50, _, _) = iv(|c| c.gpu_hours);
        let fields = [
            q(&r.scenario),
            q(&r.title),
            r.source.as_str().to_owned(),
            q(r.developer.as_deref().unwrap_or("")),
            r.publication_date.clone().unwrap_or_default(),
            q(r.hardware.as_deref().unwrap_or("")),
            o(r.compute_flop),
            match r.compute_from {
                Some(ComputeFrom::Scenario) => "scenario".to_owned(),
                Some(ComputeFrom::Epoch) => "epoch".to_owned(),
                None => String::new(),
            },
            r.frontier.to_string(),
            d.dollar_year.to_string(),
            c.map_or(String::new(), |c| q(&c.price_index)),
            r50,
            r5,
            r95,
            o50,
            o5,
            o95,
            h50,
            o(r.rental_unit.per_gpu_hour),
            o(r.rental_unit.per_1e18_flop),
            o(r.ownership_unit.per_gpu_hour),
            o(r.ownership_unit.per_1e18_flop),
            q(r.epoch.as_ref().map_or("", |e| e.model.as_str())),
            q(r.not_costed.as_deref().unwrap_or("")),
        ];
        out.push_str(&fields.join(","));
        out.push('\n');
    }
    out
}

/// The cross-model page's own style: a smaller table, each cost's interval under its median.
const MODELS_CSS: &str = "table.models { font-size: 0.85rem; }\ntable.models td.num { white-space: normal; }\ntable.models td:nth-child(1), table.models td:nth-child(2), table.models td:nth-child(4) { overflow-wrap: anywhere; }\ntable.models td.num small { color: var(--muted); }\n";

/// A cost for an HTML cell: the median, its 90% interval on the next line.
fn cost_html(cell: &str) -> String {
    match cell.split_once(" [") {
        Some((median, interval)) => {
            format!("{}<br><small>[{}</small>", escape(median), escape(interval))
        }
        None => escape(cell),
    }
}

/// The cross-model HTML page: the chart, the trend beside Epoch's, and the table.
fn render_html(d: &Document, wide: &str, narrow: &str) -> String {
    let title = format!("Training costs across {} models", d.rows.len());
    let mut o = String::new();
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"generator\" content=\"traincost {}\">\n<title>{}</title>\n<style>{}{MODELS_CSS}</style>\n</head>\n<body>\n<main>\n",
        env!("CARGO_PKG_VERSION"),
        escape(&title),
        crate::html::CSS
    );
    let _ = writeln!(o, "<h1>{}</h1>", escape(&title));
    let _ = writeln!(
        o,
        "<p class=\"lede\">The final run of every built-in scenario and of every model of Epoch AI's cost table, in {} US dollars, {}: medians with 90% intervals.</p>",
        escape(&d.dollar_year.to_string()),
        escape(&index_text(d).replace("(column index)", "(marked on each row)"))
    );
    let _ = writeln!(
        o,
        "<p class=\"bottom-line\" id=\"trend\"><strong>Growth.</strong> {}</p>",
        escape(&trend_text(&d.trend))
    );
    let _ = writeln!(
        o,
        "<figure id=\"trend-chart\"><div class=\"only-wide\">{}</div><div class=\"only-narrow\">{}</div><figcaption>The final run at ownership cost (Epoch AI's amortized method) against publication date, log scale: dots are medians, bars 90% intervals; filled dots are Epoch's top-10 frontier set, whose fitted growth is the solid line (dotted: its 95% interval of the slope); dashed: Epoch's published rate through the same centre.</figcaption></figure>\n<p id=\"trend-method\">{}</p>",
        crate::html::inline_svg(wide),
        crate::html::inline_svg(narrow),
        escape(&d.trend.explanation)
    );
    o.push_str("<h2 id=\"models\">Every model</h2>\n<table class=\"models\"><thead><tr><th>model</th><th>developer</th><th>published</th><th>hardware</th><th>compute (FLOP)</th><th>final run, rental</th><th>final run, ownership</th><th>rental $/GPU-hour</th><th>rental $/1e18 FLOP</th></tr></thead><tbody>\n");
    for r in &d.rows {
        let c = r.costed.as_ref();
        let rental = rental_cell(r);
        let ownership = c.map_or("—".to_owned(), |c| cost_cell(c.ownership));
        let source = match r.source {
            Source::Builtin => " <span class=\"badge consistent\">built-in</span>",
            Source::Epoch => "",
        };
        let frontier = if r.frontier {
            " <span class=\"badge not-comparable\">frontier</span>"
        } else {
            ""
        };
        let index = match c.filter(|_| d.index.is_none()) {
            Some(c) => format!(
                " <span class=\"badge\" title=\"price index\">{}</span>",
                escape(index_tag(&c.price_index))
            ),
            None => String::new(),
        };
        let _ = writeln!(
            o,
            "<tr class=\"model\"><td data-label=\"model\"><code>{}</code>{source}{frontier}{index}</td><td data-label=\"developer\">{}</td><td data-label=\"published\">{}</td><td data-label=\"hardware\">{}</td><td data-label=\"compute\" class=\"num\">{}</td><td data-label=\"rental\" class=\"num\">{}</td><td data-label=\"ownership\" class=\"num\">{}</td><td data-label=\"$/GPU-hour\" class=\"num\">{}</td><td data-label=\"$/1e18 FLOP\" class=\"num\">{}</td></tr>",
            escape(&r.title),
            escape(&short(r.developer.as_deref().unwrap_or(""), 60)),
            escape(r.publication_date.as_deref().unwrap_or("")),
            escape(r.hardware.as_deref().unwrap_or("")),
            escape(&flop(r.compute_flop)),
            cost_html(&rental),
            cost_html(&ownership),
            escape(&unit_cell(r.rental_unit.per_gpu_hour)),
            escape(&unit_cell(r.rental_unit.per_1e18_flop)),
        );
    }
    o.push_str("</tbody></table>\n<ul>\n");
    for n in &d.notes {
        let _ = writeln!(o, "<li>{}.</li>", escape(n));
    }
    for n in not_costed(d) {
        let _ = writeln!(
            o,
            "<li class=\"not-costed\">Not costed: {}.</li>",
            escape(&n)
        );
    }
    if let Some(p) = &d.trend.published {
        let _ = writeln!(
            o,
            "<li>Epoch AI's published rate (claim <code>{}</code>): {} “{}”</li>",
            escape(&p.claim),
            crate::html::link(&p.source_url, &p.source_url),
            escape(&p.quote)
        );
    }
    let _ = writeln!(
        o,
        "</ul>\n<footer>traincost {}: {} Monte Carlo samples per model, seed {}; Epoch AI rows: {}; intervals are 90%.</footer>\n</main>\n</body>\n</html>",
        env!("CARGO_PKG_VERSION"),
        crate::format::count(d.samples),
        d.seed,
        escape(&d.epoch_version)
    );
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_parse_and_compare_at_their_precision() {
        let d: Date = "2023-06-15".parse().unwrap();
        let y = parse_bound("2023").unwrap();
        assert_eq!(y.compare(d), std::cmp::Ordering::Equal);
        let m = parse_bound("2023-07").unwrap();
        assert_eq!(m.compare(d), std::cmp::Ordering::Less);
        let day = parse_bound("2023-06-15").unwrap();
        assert_eq!(day.compare(d), std::cmp::Ordering::Equal);
        assert!(parse_bound("June").is_err());
        assert!(parse_bound("2023-13").is_err());
    }
}
