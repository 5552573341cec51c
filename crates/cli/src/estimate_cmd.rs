//! `traincost estimate`: the whole cost stack of one scenario, with 90% intervals and sources.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use traincost_analysis::EstimateReport;
use traincost_analysis::estimate::HeadlineCheck;
use traincost_core::estimate::{Estimate, Figure};

use crate::format::{amount, money};
use crate::model_load;
use crate::output;

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Format {
    /// Tables for people.
    Table,
    /// The stable JSON document (see docs/ESTIMATE_JSON.md).
    Json,
    /// One row per layer, component, total and metric.
    Csv,
    /// Markdown, ready to paste into an article.
    Markdown,
}

/// Arguments of `traincost estimate`.
#[derive(Debug, clap::Args)]
#[command(
    after_long_help = "Examples:\n  traincost estimate deepseek-v3\n  traincost estimate gpt-4 --samples 1000000 --format json --output gpt4.json\n  traincost scenarios show deepseek-v3 > mine.toml && traincost estimate mine.toml"
)]
pub(crate) struct EstimateArgs {
    /// A built-in scenario (`traincost scenarios list`) or a path to a scenario TOML file.
    scenario: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// Write to this file (atomically) instead of stdout.
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// Also write the cost stack as an SVG chart (log scale, 90% intervals) to this file.
    #[arg(long, value_name = "FILE.svg")]
    chart: Option<PathBuf>,
    /// Also write "where the money goes" as an SVG chart (linear waterfall from the final run
    /// to the model's total, on the report's basis) to this file.
    #[arg(long, value_name = "FILE.svg")]
    waterfall: Option<PathBuf>,
    /// Also report this percentile (0-100); repeatable.
    #[arg(long = "percentile", value_name = "P")]
    percentiles: Vec<f64>,
    #[command(flatten)]
    run: crate::run_options::RunOptions,
}

pub(crate) fn run(args: EstimateArgs) -> anyhow::Result<ExitCode> {
    for &p in &args.percentiles {
        anyhow::ensure!(
            p > 0.0 && p < 100.0,
            "--percentile {p} is out of range: give a number between 0 and 100"
        );
    }
    let config = args.run.config(
        crate::run_options::DEFAULT_SAMPLES,
        args.percentiles.clone(),
    );
    crate::term::set_output_file(args.output.is_some());
    let (claims, registry) = args.run.load()?;
    let supplier = crate::plugin_supplier::PluginSupplier(&registry);
    let bar = crate::term::progress_bar(config.samples);
    let report = model_load::build_report(
        &args.scenario,
        args.run.money(),
        &claims,
        &supplier,
        &config,
        &mut |done| bar.set_position(done),
    )?;
    bar.finish_and_clear();
    let text = match args.format {
        Format::Json => serde_json::to_string_pretty(&report)? + "\n",
        Format::Csv => render_csv(&report.estimate),
        Format::Table => render_table(&report),
        Format::Markdown => render_markdown(&report),
    };
    if let Some(path) = &args.chart {
        output::write_atomically(path, crate::chart::stack::from_report(&report).as_bytes())?;
    }
    if let Some(path) = &args.waterfall {
        let bottom = traincost_analysis::BottomLine::of(&report);
        let w = bottom.waterfall.as_ref().ok_or_else(|| {
            anyhow::anyhow!(
                "--waterfall: {} models only its final run, so there is no waterfall to draw",
                report.title
            )
        })?;
        let svg = crate::chart::waterfall::render(&report.title, &bottom.dollar_year, w);
        output::write_atomically(path, svg.as_bytes())?;
    }
    output::emit(args.output.as_deref(), &text)?;
    Ok(ExitCode::SUCCESS)
}

/// `p99`, `p99.5`: a requested percentile's name.
fn percentile_name(p: f64) -> String {
    format!("p{}", crate::format::sig(p, 6))
}

/// The requested percentiles of a figure, in the order asked, as `(name, value)`.
fn extra_percentiles(f: &Figure) -> impl Iterator<Item = (String, f64)> + '_ {
    f.percentiles.iter().map(|&(p, v)| (percentile_name(p), v))
}

/// CSV, one row per figure (and per multiple): numbers at the model's 4 significant figures
/// (JSON keeps every digit); requested percentiles (`--percentile`) as the last columns.
fn render_csv(e: &Estimate) -> String {
    use crate::format::csv_number as n;
    let mut out = String::from(
        "id,kind,label,unit,basis,dollar_year,p50,p5,p95,mean,sd,central,x_final_run_basis,x_final_run_p50,x_final_run_p5,x_final_run_p95",
    );
    let requested: Vec<String> = e
        .layers
        .first()
        .map(|f| extra_percentiles(f).map(|(name, _)| name).collect())
        .unwrap_or_default();
    for name in &requested {
        out.push(',');
        out.push_str(name);
    }
    out.push('\n');
    let q = |s: &str| {
        if s.contains([',', '"']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s.to_owned()
        }
    };
    for (f, kind) in e.figures() {
        let basis = f.basis.map_or("", |b| b.as_str());
        let row = |m: Option<&traincost_core::estimate::Multiple>| {
            let (mb, m50, m5, m95) = m.map_or_else(
                || (String::new(), String::new(), String::new(), String::new()),
                |m| (m.basis.to_string(), n(m.p50), n(m.p5), n(m.p95)),
            );
            let mut line = format!(
                "{},{kind},{},{},{basis},{},{},{},{},{},{},{},{mb},{m50},{m5},{m95}",
                q(&f.id),
                q(&f.label),
                f.unit,
                e.dollar_year,
                n(f.p50),
                n(f.p5),
                n(f.p95),
                n(f.mean),
                n(f.sd),
                n(f.central),
            );
            for (_, v) in extra_percentiles(f) {
                line.push(',');
                line.push_str(&n(v));
            }
            line
        };
        // One row per multiple (staff has one per basis), else one row.
        if f.multiples.is_empty() {
            let _ = writeln!(out, "{}", row(None));
        }
        for m in &f.multiples {
            let _ = writeln!(out, "{}", row(Some(m)));
        }
    }
    out
}

/// What each layer and total counts and leaves out; the same scope on two bases is listed once.
fn scopes(e: &Estimate) -> Vec<(Vec<&str>, &str, &str)> {
    let mut out: Vec<(Vec<&str>, &str, &str)> = Vec::new();
    for f in e.layers.iter().chain(&e.totals) {
        match out
            .iter_mut()
            .find(|(_, i, x)| *i == f.includes && *x == f.excludes)
        {
            Some((ids, _, _)) => ids.push(&f.id),
            None => out.push((vec![&f.id], &f.includes, &f.excludes)),
        }
    }
    out
}

fn headline_line(r: &EstimateReport) -> Option<String> {
    let h = r.headline.as_ref()?;
    let claimed = match h.claimed_high {
        Some(hi) => format!("{} to {}", money(h.claimed), money(hi)),
        None => money(h.claimed),
    };
    // Compared in the claim's own dollars.
    let own = h.rebuilt_in_claimed_dollars;
    let verdict = match h.check() {
        HeadlineCheck::WithinRange => "within the claimed range".to_owned(),
        HeadlineCheck::Reproduced => "reproduced".to_owned(),
        HeadlineCheck::Differs => format!("rebuilt to {}", money(own)),
    };
    let report_dollars = r.estimate.dollar_year.to_string();
    let (claim_dollars, in_claim_dollars) = match &h.claimed_dollars {
        Some(d) if *d != report_dollars => (
            format!("{d} USD; "),
            format!(" ({} in {d} USD)", money(own)),
        ),
        _ => (String::new(), String::new()),
    };
    Some(format!(
        "Headline: {claimed} ({claim_dollars}{}, claim {}); the stages [{}] at the stated prices give {} as a point estimate (every input at its stated value){in_claim_dollars}: {verdict}.",
        h.claimant,
        h.claim,
        h.stages.join(", "),
        money(h.rebuilt)
    ))
}

/// An input's source in words: `claim ID`, `assumption: WHY (informed by IDS)`, its note.
fn input_source(i: &traincost_core::estimate::InputReport) -> String {
    let source = match (&i.assumption, i.claims.as_slice()) {
        (None, ids) => format!("claim {}", ids.join(", ")),
        (Some(a), []) => format!("assumption: {a}"),
        (Some(a), ids) => format!("assumption: {a} (informed by {})", ids.join(", ")),
    };
    match &i.note {
        Some(n) => format!("{source} [{n}]"),
        None => source,
    }
}

fn render_table(r: &EstimateReport) -> String {
    use crate::term::{Grid, para};
    let e = &r.estimate;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}",
        para(
            &format!(
                "{} — cost stack in {} USD ({}; {} samples, seed {})",
                r.title,
                e.dollar_year,
                e.price_index,
                crate::format::count(e.samples),
                e.seed
            ),
            2
        )
    );
    let _ = writeln!(
        out,
        "{}",
        crate::bottom_line::table_line(&traincost_analysis::BottomLine::of(r))
    );
    if let Some(h) = headline_line(r) {
        let _ = writeln!(out, "{}", para(&h, 2));
    }
    if !e.not_modelled.is_empty() {
        let list: Vec<String> = e
            .not_modelled
            .iter()
            .map(|n| format!("{} (needs {})", n.id, n.needs))
            .collect();
        let _ = writeln!(
            out,
            "{}",
            para(
                &format!("Not modelled in this scenario: {}.", list.join("; ")),
                2
            )
        );
    }
    let _ = writeln!(out, "{}", para(&r.reading_note(), 0));
    out.push('\n');
    let bases = e.bases();
    let requested: Vec<String> = e
        .layers
        .first()
        .map(|f| extra_percentiles(f).map(|(name, _)| name).collect())
        .unwrap_or_default();
    let mut header: Vec<String> = ["layer", "basis", "median", "90% interval"]
        .map(String::from)
        .to_vec();
    header.extend(requested.iter().cloned());
    header.push("mean".into());
    if bases.len() == 2 {
        header.extend(["x final run (rental)", "x final run (ownership)"].map(String::from));
    } else {
        header.push("x final run".into());
    }
    let numeric: Vec<usize> = (2..header.len()).collect();
    let mut t = Grid::new(header).right_align(&numeric);
    for (f, kind) in e.figures() {
        // Energy and emissions have tables of their own, below.
        if matches!(kind, "energy" | "emissions") {
            continue;
        }
        let indent = match kind {
            "component" => "  · ",
            "total" => "= ",
            _ => "",
        };
        let name = crate::term::nobreak(if indent.is_empty() || indent == "= " {
            f.id.as_str()
        } else {
            f.id.rsplit('/').next().unwrap_or(&f.id)
        });
        let mut cells = vec![
            format!("{indent}{name}"),
            f.basis.map_or("", |b| b.as_str()).to_owned(),
            amount(&f.unit, f.p50),
            if f.p5 == f.p95 {
                "(exact)".to_owned()
            } else {
                crate::format::interval(&f.unit, f.p5, f.p95)
            },
        ];
        cells.extend(extra_percentiles(f).map(|(_, v)| amount(&f.unit, v)));
        cells.push(amount(&f.unit, f.mean));
        for b in &bases {
            let x = if indent.is_empty() && f.id == b.layer_id() {
                "1x".to_owned()
            } else {
                f.multiples
                    .iter()
                    .find(|m| m.basis == *b)
                    .map(crate::format::multiple)
                    .unwrap_or_default()
            };
            cells.push(x);
        }
        t.row(cells);
    }
    let _ = writeln!(out, "{}", t.render());
    out.push_str(&energy_table(e));
    out.push_str("\nWhat each layer counts:\n");
    for (ids, includes, excludes) in scopes(e) {
        let ids = ids.join(", ");
        let _ = writeln!(
            out,
            "{}",
            crate::term::wrap_with(
                &format!("{ids}: {includes}."),
                crate::term::width(),
                "  ",
                "      "
            )
        );
        let _ = writeln!(
            out,
            "{}",
            crate::term::wrap_with(
                &format!("leaves out {excludes}."),
                crate::term::width(),
                "    ",
                "      "
            )
        );
    }
    out.push_str("\nInputs (money in the report's dollars):\n");
    let mut t = Grid::new(["input", "value", "unit", "source"]);
    for i in &e.inputs {
        t.row([
            crate::term::nobreak(&i.name),
            crate::format::distribution(&i.distribution),
            i.unit.clone(),
            input_source(i),
        ]);
    }
    let _ = writeln!(out, "{}", t.render());
    if !r.sources.is_empty() {
        out.push_str("\nSources of cited claims:\n");
        for s in &r.sources {
            let _ = writeln!(
                out,
                "{}",
                crate::term::wrap_with(
                    &format!(
                        "{}: {}, \"{}\", {}, {}",
                        s.claim,
                        s.claimant,
                        s.title,
                        s.date_label(),
                        s.url
                    ),
                    crate::term::width(),
                    "  ",
                    "      "
                )
            );
        }
    }
    out
}

/// The energy and emissions sections for the table output: a heading with what each form
/// counts, and one row per scope (and accounting) with each form's median and 90% interval.
fn energy_table(e: &Estimate) -> String {
    use crate::term::{Grid, para};
    let rows = crate::energy::rows(e);
    if rows.is_empty() {
        return format!("\n{}\n", para(crate::energy::NOT_MODELLED, 0));
    }
    let mut out = String::new();
    for (heading, rows) in [
        (
            format!(
                "Energy (medians and 90% intervals; {})",
                crate::energy::forms_note()
            ),
            rows,
        ),
        (
            crate::energy::EMISSIONS_NOTE.to_owned(),
            crate::energy::emission_rows(e),
        ),
    ] {
        if rows.is_empty() {
            continue;
        }
        let _ = write!(out, "\n{}\n", para(&heading, 0));
        let mut t = Grid::new([
            "scope",
            "accelerator",
            "90% interval",
            "facility",
            "90% interval",
        ])
        .right_align(&[1, 2, 3, 4]);
        for r in rows {
            let [a50, a90] = crate::energy::cells(r.accelerator);
            let [f50, f90] = crate::energy::cells(r.facility);
            let scope = if r.total {
                format!("= {}", r.scope)
            } else {
                r.scope
            };
            t.row([scope, a50, a90, f50, f90]);
        }
        let _ = writeln!(out, "{}", t.render());
    }
    out
}

/// The energy and emissions sections in Markdown.
fn energy_markdown(e: &Estimate) -> String {
    let rows = crate::energy::rows(e);
    if rows.is_empty() {
        return format!("{}\n\n", crate::energy::NOT_MODELLED);
    }
    let mut out = String::new();
    for (heading, note, rows) in [
        (
            "Energy",
            format!("Medians and 90% intervals; {}", crate::energy::forms_note()),
            rows,
        ),
        (
            "Emissions",
            crate::energy::EMISSIONS_NOTE.to_owned(),
            crate::energy::emission_rows(e),
        ),
    ] {
        if rows.is_empty() {
            continue;
        }
        let _ = write!(
            out,
            "### {heading}\n\n{note}\n\n| scope | accelerator | 90% interval | facility | 90% interval |\n|---|---:|---:|---:|---:|\n"
        );
        for r in rows {
            let [a50, a90] = crate::energy::cells(r.accelerator);
            let [f50, f90] = crate::energy::cells(r.facility);
            let _ = writeln!(out, "| {} | {a50} | {a90} | {f50} | {f90} |", r.scope);
        }
        out.push('\n');
    }
    out
}

fn render_markdown(r: &EstimateReport) -> String {
    let e = &r.estimate;
    let mut out = format!("## {}: cost stack ({} USD)\n\n", r.title, e.dollar_year);
    let _ = writeln!(
        out,
        "**Bottom line.** {}\n",
        crate::bottom_line::paragraph(&traincost_analysis::BottomLine::of(r))
    );
    if let Some(h) = headline_line(r) {
        let _ = writeln!(out, "{h}\n");
    }
    if !e.not_modelled.is_empty() {
        let list: Vec<String> = e
            .not_modelled
            .iter()
            .map(|n| format!("`{}` (needs {})", n.id, n.needs))
            .collect();
        let _ = writeln!(out, "Not modelled in this scenario: {}.\n", list.join("; "));
    }
    let _ = writeln!(out, "{}\n", r.reading_note());
    let requested: Vec<String> = e
        .layers
        .first()
        .map(|f| extra_percentiles(f).map(|(name, _)| name).collect())
        .unwrap_or_default();
    let extra_head: String = requested.iter().map(|p| format!(" {p} |")).collect();
    let extra_rule = "---:|".repeat(requested.len());
    let _ = writeln!(
        out,
        "| layer | basis | median | 90% interval |{extra_head} x final run (same basis) | includes | leaves out |\n|---|---|---:|---:|{extra_rule}---:|---|---|"
    );
    for f in e.layers.iter().chain(&e.totals) {
        let extra: String = extra_percentiles(f)
            .map(|(_, v)| format!(" {} |", amount(&f.unit, v)))
            .collect();
        let multiples: Vec<String> = f
            .multiples
            .iter()
            .map(|m| format!("{} {}", crate::format::multiple(m), m.basis))
            .collect();
        let _ = writeln!(
            out,
            "| {} (`{}`) | {} | {} | {} |{extra} {} | {} | {} |",
            f.label,
            f.id,
            f.basis.map_or("", |b| b.as_str()),
            amount(&f.unit, f.p50),
            crate::format::interval(&f.unit, f.p5, f.p95),
            multiples.join("; "),
            f.includes,
            f.excludes
        );
    }
    let _ = writeln!(
        out,
        "\n{} Monte Carlo samples, seed {}.\n",
        crate::format::count(e.samples),
        e.seed
    );
    out.push_str(&energy_markdown(e));
    out.push_str("### Inputs\n\n| input | value | unit | source |\n|---|---|---|---|\n");
    for i in &e.inputs {
        let src = match (&i.assumption, i.informed_by.as_slice()) {
            (None, _) => format!("claim `{}`", i.claims.join("`, `")),
            (Some(a), []) => format!("assumption: {a}"),
            (Some(a), ids) => format!("assumption: {a} (informed by `{}`)", ids.join("`, `")),
        };
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {} |",
            i.name,
            crate::format::distribution(&i.distribution),
            i.unit,
            src.replace('|', "/")
        );
    }
    if !r.sources.is_empty() {
        out.push_str("\n### Sources\n\n");
        for s in &r.sources {
            let _ = writeln!(
                out,
                "- `{}`: {}, [{}]({}), {}",
                s.claim,
                s.claimant,
                s.title,
                s.url,
                s.date_label()
            );
        }
    }
    out
}
