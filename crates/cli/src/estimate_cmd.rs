//! `traincost estimate`: the whole cost stack of one scenario, with 90% intervals and sources.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use traincost_analysis::EstimateReport;
use traincost_analysis::estimate::HeadlineCheck;
use traincost_core::dist::format_number;
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
    let (claims, registry) = args.run.load()?;
    let supplier = crate::plugin_supplier::PluginSupplier(&registry);
    let bar = progress_bar(config.samples);
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

/// A progress bar on stderr for runs long enough to need one (hidden when stderr is not a terminal).
fn progress_bar(samples: u64) -> indicatif::ProgressBar {
    use std::io::IsTerminal;
    if samples < 5_000_000 || !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(samples);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} sampling {human_pos}/{human_len} [{bar:30}] {eta}",
        )
        .expect("valid template")
        .progress_chars("=> "),
    );
    bar
}

fn render_csv(e: &Estimate) -> String {
    let mut out = String::from(
        "id,kind,label,unit,basis,dollar_year,p50,p5,p95,mean,sd,central,x_final_run_basis,x_final_run_p50,x_final_run_p5,x_final_run_p95\n",
    );
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
                |m| {
                    (
                        m.basis.to_string(),
                        m.p50.to_string(),
                        m.p5.to_string(),
                        m.p95.to_string(),
                    )
                },
            );
            format!(
                "{},{kind},{},{},{basis},{},{},{},{},{},{},{},{mb},{m50},{m5},{m95}",
                q(&f.id),
                q(&f.label),
                f.unit,
                e.dollar_year,
                f.p50,
                f.p5,
                f.p95,
                f.mean,
                f.sd,
                f.central,
            )
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

fn render_table(r: &EstimateReport) -> String {
    use comfy_table::{
        Cell, CellAlignment, ContentArrangement, Table, presets::UTF8_FULL_CONDENSED,
    };
    let e = &r.estimate;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} — cost stack in {} USD ({}; {} samples, seed {})",
        r.title,
        e.dollar_year,
        e.price_index,
        format_number(e.samples as f64),
        e.seed
    );
    let _ = writeln!(
        out,
        "Bottom line: {}",
        crate::bottom_line::paragraph(&traincost_analysis::BottomLine::of(r))
    );
    if let Some(h) = headline_line(r) {
        let _ = writeln!(out, "{h}");
    }
    if !e.not_modelled.is_empty() {
        let list: Vec<String> = e
            .not_modelled
            .iter()
            .map(|n| format!("{} (needs {})", n.id, n.needs))
            .collect();
        let _ = writeln!(out, "Not modelled in this scenario: {}.", list.join("; "));
    }
    let _ = writeln!(out, "{}", r.reading_note());
    out.push('\n');
    let bases = e.bases();
    let mut header = vec!["layer", "basis", "median", "90% interval", "mean"];
    if bases.len() == 2 {
        header.extend(["x final run (rental)", "x final run (ownership)"]);
    } else {
        header.push("x final run");
    }
    let mut t = Table::new();
    t.load_style(UTF8_FULL_CONDENSED).set_header(header);
    let mut push = |f: &Figure, indent: &str| {
        let name = if indent.is_empty() || indent == "= " {
            f.id.as_str()
        } else {
            f.id.rsplit('/').next().unwrap_or(&f.id)
        };
        let mut cells = vec![
            Cell::new(format!("{indent}{name}")),
            Cell::new(f.basis.map_or("", |b| b.as_str())),
            Cell::new(amount(&f.unit, f.p50)).set_alignment(CellAlignment::Right),
            Cell::new(if f.p5 == f.p95 {
                "(exact)".to_owned()
            } else {
                crate::format::interval(&f.unit, f.p5, f.p95)
            })
            .set_alignment(CellAlignment::Right),
            Cell::new(amount(&f.unit, f.mean)).set_alignment(CellAlignment::Right),
        ];
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
            cells.push(Cell::new(x).set_alignment(CellAlignment::Right));
        }
        t.add_row(cells);
    };
    for (f, kind) in e.figures() {
        push(
            f,
            match kind {
                "component" => "  · ",
                "total" => "= ",
                _ => "",
            },
        );
    }
    let _ = writeln!(out, "{t}");
    out.push_str("\nWhat each layer counts:\n");
    for (ids, includes, excludes) in scopes(e) {
        let ids = ids.join(", ");
        let _ = writeln!(out, "  {ids}: {includes}.");
        let _ = writeln!(
            out,
            "  {:width$}  leaves out {excludes}.",
            "",
            width = ids.chars().count()
        );
    }
    out.push_str("\nInputs (money in the report's dollars):\n");
    let mut t = Table::new();
    t.load_style(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(terminal_width())
        .set_header(["input", "value", "unit", "source"]);
    for i in &e.inputs {
        let source = match (&i.assumption, i.claims.as_slice()) {
            (None, ids) => format!("claim {}", ids.join(", ")),
            (Some(a), []) => format!("assumption: {a}"),
            (Some(a), ids) => format!("assumption: {a} (informed by {})", ids.join(", ")),
        };
        let source = match &i.note {
            Some(n) => format!("{source} [{n}]"),
            None => source,
        };
        t.add_row([
            i.name.clone(),
            i.description.clone(),
            i.unit.clone(),
            source,
        ]);
    }
    let _ = writeln!(out, "{t}");
    if !r.sources.is_empty() {
        out.push_str("\nSources of cited claims:\n");
        for s in &r.sources {
            let _ = writeln!(
                out,
                "  {}: {}, \"{}\", {}, {}",
                s.claim,
                s.claimant,
                s.title,
                s.date_label(),
                s.url
            );
        }
    }
    out
}

/// The terminal's width from `COLUMNS`, else 120.
fn terminal_width() -> u16 {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .filter(|w| *w >= 60)
        .unwrap_or(120)
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
    out.push_str("| layer | basis | median | 90% interval | x final run (same basis) | includes | leaves out |\n|---|---|---:|---:|---:|---|---|\n");
    for f in e.layers.iter().chain(&e.totals) {
        let multiples: Vec<String> = f
            .multiples
            .iter()
            .map(|m| format!("{} {}", crate::format::multiple(m), m.basis))
            .collect();
        let _ = writeln!(
            out,
            "| {} (`{}`) | {} | {} | {} | {} | {} | {} |",
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
        format_number(e.samples as f64),
        e.seed
    );
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
            i.description,
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
