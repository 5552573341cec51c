//! `traincost report`: one self-contained HTML file (inline SVG and CSS, no network, no
//! JavaScript) with the cost stack, the charts, every input with its provenance and source
//! links, the claims beside each layer and the conflicts between sources. Readable on a phone.
//!
//! What the page shows is `traincost_analysis::report::Report`; this module renders it. Every
//! text is escaped; links are kept only for `http(s)` URLs.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use traincost_analysis::reconcile::{ClaimView, LayerView, Verdict};
use traincost_analysis::report::{self, Card, CitedClaim, InputSources, Report, ReportOptions};
use traincost_analysis::text::money_short;

use crate::chart::svg::escape;
use crate::format::layer_value;
use crate::html::{inline_svg, link};
use crate::output;

/// Arguments of `traincost report`.
#[derive(Debug, clap::Args)]
#[command(
    after_long_help = "Examples:\n  traincost report deepseek-v3 --output report.html\n  traincost report mine.toml --tornado-layer staff --output mine.html"
)]
pub(crate) struct ReportArgs {
    /// A built-in scenario (`traincost scenarios list`) or a path to a scenario TOML file.
    scenario: String,
    /// Write the HTML to this file (atomically); default: stdout.
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// The layer or total whose tornado (which inputs drive it) the report shows. Default:
    /// `total-model-development`, else the first uncertain layer.
    #[arg(long, value_name = "ID")]
    tornado_layer: Option<String>,
    #[command(flatten)]
    run: crate::run_options::RunOptions,
}

pub(crate) fn run(args: ReportArgs) -> anyhow::Result<ExitCode> {
    let (claims, registry) = args.run.load()?;
    let supplier = crate::plugin_supplier::PluginSupplier(&registry);
    let config = args
        .run
        .config(crate::run_options::DEFAULT_SAMPLES, Vec::new());
    // One load, one compiled model: the estimate and the tornado share it.
    let built =
        crate::model_load::build_model(&args.scenario, args.run.money(), &claims, &supplier)?;
    let estimate = built.estimate_report(&claims, &config, &mut |_| {})?;
    let options = ReportOptions {
        tornado_layer: args.tornado_layer.as_deref(),
        config: &config,
    };
    let model = report::build(&built.compiled, estimate, &claims, &options)
        .map_err(|e| anyhow::anyhow!("--tornado-layer: {e}"))?;
    output::emit(args.output.as_deref(), &render(&model))?;
    Ok(ExitCode::SUCCESS)
}

fn multiple(m: Option<f64>) -> String {
    let s = crate::format::times(m);
    if s.is_empty() { "—".to_owned() } else { s }
}

fn layer_multiple(l: &LayerView) -> String {
    let s = crate::format::layer_multiple(l);
    if s.is_empty() { "—".to_owned() } else { s }
}

fn verdict_class(v: Verdict) -> &'static str {
    match v {
        Verdict::Consistent => "consistent",
        Verdict::Below => "below",
        Verdict::Above => "above",
        Verdict::NotComparable => "not-comparable",
        Verdict::Erroneous => "erroneous",
    }
}

fn claim_html(out: &mut String, c: &ClaimView) {
    let class = verdict_class(c.verdict);
    let mult = c
        .multiple_of_headline
        .map(|m| format!(" ({} the headline)", multiple(Some(m))))
        .unwrap_or_default();
    let _ = write!(
        out,
        "<div class=\"claim {class}\" id=\"claim-{id}\"><span class=\"value\">{value}</span>{mult} <span class=\"badge {class}\">{verdict}</span><br>{claimant}, {source}, {published}. <em>{quantity}</em>: {explanation}.",
        id = escape(&c.id),
        value = escape(&crate::format::claim_value(&c.value, &c.unit)),
        mult = escape(&mult),
        verdict = escape(&c.short_verdict()),
        claimant = escape(&c.claimant),
        source = link(&c.url, &c.source_title),
        published = escape(&c.date_label()),
        quantity = escape(&c.quantity),
        explanation = escape(&c.explanation),
    );
    if c.status == traincost_claims::Status::Disputed {
        out.push_str(" <span class=\"badge below\">disputed</span>");
    }
    let _ = writeln!(
        out,
        "<br><span class=\"quote\">“{}”</span> <code>{}</code></div>",
        escape(&c.quote),
        escape(&c.id)
    );
}

/// The whole HTML document.
/// The energy section: each scope in its two forms, as a chart and a table; a sentence when
/// the scenario gives no energy.
fn energy_section(o: &mut String, title: &str, e: &traincost_core::estimate::Estimate) {
    o.push_str("<h2 id=\"energy\">Energy</h2>\n");
    let rows = crate::energy::rows(e);
    if rows.is_empty() {
        let _ = writeln!(o, "<p>{}</p>", escape(crate::energy::NOT_MODELLED));
        return;
    }
    let _ = writeln!(
        o,
        "<p class=\"small\">Beside the cost, never added to it. {}</p>",
        escape(&crate::energy::forms_note())
    );
    let _ = writeln!(
        o,
        "<figure id=\"energy-chart\">{}<figcaption>Each form's 90% interval (bar) and median (line), linear scale.</figcaption></figure>",
        inline_svg(&crate::chart::energy::render(
            title,
            &rows,
            crate::chart::energy::Measure::Energy
        ))
    );
    energy_rows_html(o, &rows);
    let emissions = crate::energy::emission_rows(e);
    if !emissions.is_empty() {
        let _ = writeln!(
            o,
            "<h3 id=\"emissions\">Emissions</h3>\n<p class=\"small\">{}</p>",
            escape(crate::energy::EMISSIONS_NOTE)
        );
        // The chart draws the location-based figures (a market-based one is a contract, often
        // zero); the table has both.
        let location: Vec<crate::energy::EnergyRow<'_>> = crate::energy::emission_rows(e)
            .into_iter()
            .filter(|r| {
                r.accelerator.or(r.facility).and_then(|f| f.accounting)
                    == Some(traincost_core::stack::Accounting::Location)
            })
            .collect();
        let _ = writeln!(
            o,
            "<figure id=\"emissions-chart\">{}<figcaption>Location-based emissions of each form: 90% interval (bar) and median (line), linear scale.</figcaption></figure>",
            inline_svg(&crate::chart::energy::render(
                title,
                &location,
                crate::chart::energy::Measure::Emissions
            ))
        );
        energy_rows_html(o, &emissions);
    }
}

/// A table of energy or emissions rows: each form's median and 90% interval.
fn energy_rows_html(o: &mut String, rows: &[crate::energy::EnergyRow<'_>]) {
    o.push_str("<table class=\"energy\"><thead><tr><th>scope</th><th>accelerator</th><th>90% interval</th><th>facility</th><th>90% interval</th></tr></thead><tbody>\n");
    for r in rows {
        let [a50, a90] = crate::energy::cells(r.accelerator);
        let [f50, f90] = crate::energy::cells(r.facility);
        let _ = writeln!(
            o,
            "<tr><td data-label=\"scope\">{}{}</td><td class=\"num\" data-label=\"accelerator\">{}</td><td class=\"num\" data-label=\"90% interval\">{}</td><td class=\"num\" data-label=\"facility\">{}</td><td class=\"num\" data-label=\"90% interval\">{}</td></tr>",
            if r.total { "= " } else { "" },
            escape(&r.scope),
            escape(&a50),
            escape(&a90),
            escape(&f50),
            escape(&f90)
        );
    }
    o.push_str("</tbody></table>\n");
}

pub(crate) fn render(model: &Report) -> String {
    let report = &model.estimate;
    let rec = &model.reconciliation;
    let mut o = String::new();
    let title = &model.title;
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"generator\" content=\"traincost {}\">\n<title>{}</title>\n<style>{}</style>\n</head>\n<body>\n<main>\n",
        env!("CARGO_PKG_VERSION"),
        escape(title),
        crate::html::CSS
    );
    let _ = writeln!(o, "<h1>{}</h1>", escape(title));
    if let Some(d) = &model.description {
        let _ = writeln!(o, "<p class=\"lede\">{}</p>", escape(d));
    }

    let _ = writeln!(
        o,
        "<p class=\"bottom-line\" id=\"bottom-line\"><strong>Bottom line.</strong> {}</p>",
        escape(&crate::bottom_line::paragraph(&model.bottom_line))
    );

    // Headline cards.
    o.push_str("<section class=\"cards\" id=\"summary\">\n");
    for card in &model.cards {
        match card {
            Card::Headline(h) => {
                let _ = writeln!(
                    o,
                    "<div class=\"card\" id=\"headline\"><div class=\"small\">The headline</div><div class=\"big\">{}</div><div class=\"small\">{}, {} ({})</div></div>",
                    escape(&crate::reconcile_cmd::render::member_value(
                        rec, &h.claim, &h.display
                    )),
                    escape(&h.claimant),
                    escape(&h.date_label()),
                    escape(&h.layer)
                );
            }
            Card::Layer(l) => {
                let mult = match l.multiples.as_slice() {
                    [] => String::new(),
                    _ => format!("; {} its final run on the same basis", layer_multiple(l)),
                };
                let _ = writeln!(
                    o,
                    "<div class=\"card\"><div class=\"small\">{}</div><div class=\"big\">{}</div><div class=\"small\">median; 90%: {} to {}{}</div></div>",
                    escape(&l.label),
                    escape(&layer_value(l, l.p50)),
                    escape(&layer_value(l, l.p5)),
                    escape(&layer_value(l, l.p95)),
                    escape(&mult)
                );
            }
        }
    }
    o.push_str("</section>\n");
    if let Some(h) = &rec.headline {
        let _ = writeln!(
            o,
            "<p>The headline is the <code>{}</code> layer; traincost rebuilds it to <strong>{}</strong> from its inputs (a point estimate, every input at its stated value). It leaves out {}.</p>",
            escape(&h.layer),
            escape(&money_short(h.rebuilt)),
            escape(&h.excludes)
        );
    }

    // The stack.
    // Drawn twice, one shown by width: a phone gets the narrow layout at about its own size.
    o.push_str("<h2 id=\"stack\">The cost stack</h2>\n<figure id=\"stack-chart\">\n<div class=\"only-wide\">");
    o.push_str(inline_svg(&crate::chart::stack::from_reconciliation(rec)));
    o.push_str("</div><div class=\"only-narrow\">");
    o.push_str(inline_svg(
        &crate::chart::stack::from_reconciliation_layout(rec, crate::chart::stack::Layout::Narrow),
    ));
    o.push_str("</div>\n");
    let _ = writeln!(
        o,
        "<figcaption>Each layer's 90% interval (bar) and median (line) on a log scale, in {} USD; dots are sourced claims about that scope, a cross is a figure printed in error.</figcaption>\n</figure>",
        escape(&rec.dollar_year)
    );
    if let Some(w) = &model.bottom_line.waterfall {
        o.push_str("<figure id=\"waterfall\">\n");
        o.push_str(inline_svg(&crate::chart::waterfall::render(
            &rec.title,
            &rec.dollar_year,
            w,
        )));
        let _ = writeln!(
            o,
            "<figcaption>Where the money goes, on a linear scale: from the final run to the model's total, all on the {} basis. Bars are means, which add up; the total's median and 90% interval are drawn over its bar.</figcaption>\n</figure>",
            w.basis
        );
    }
    let _ = writeln!(
        o,
        "<p class=\"small\">{}</p>",
        escape(&report.reading_note())
    );
    o.push_str("<table class=\"stack\"><thead><tr><th>layer</th><th>basis</th><th>median</th><th>90% interval</th><th>x final run (same basis)</th><th>what it counts</th><th>what it leaves out</th></tr></thead><tbody>\n");
    for l in &rec.layers {
        let _ = writeln!(
            o,
            "<tr id=\"layer-{id}\"><td data-label=\"layer\"><strong>{prefix}{label}</strong><br><code>{id}</code></td><td data-label=\"basis\">{basis}</td><td class=\"num\" data-label=\"median\">{median}</td><td class=\"num\" data-label=\"90% interval\">{p5} to {p95}</td><td class=\"num\" data-label=\"x final run\">{mult}</td><td data-label=\"counts\">{inc}</td><td data-label=\"leaves out\">{exc}</td></tr>",
            id = escape(&l.id),
            prefix = if l.kind == "total" { "= " } else { "" },
            label = escape(&l.label),
            basis = l.basis.map_or("—", |b| b.as_str()),
            median = escape(&layer_value(l, l.p50)),
            p5 = escape(&layer_value(l, l.p5)),
            p95 = escape(&layer_value(l, l.p95)),
            mult = escape(&layer_multiple(l)),
            inc = escape(&l.includes),
            exc = escape(&l.excludes),
        );
    }
    o.push_str("</tbody></table>\n");

    energy_section(&mut o, title, &report.estimate);

    // Claims beside each layer.
    o.push_str("<h2 id=\"claims\">What the sources say, layer by layer</h2>\n");
    // Then energy and emissions claims beside their figures (kWh, tCO2e: never on the chart).
    for l in rec
        .layers
        .iter()
        .chain(&rec.footprint)
        .filter(|l| !l.claims.is_empty())
    {
        let _ = writeln!(
            o,
            "<h3>{} <code>{}</code>: {} (median; 90%: {} to {})</h3>",
            escape(&l.label),
            escape(&l.id),
            escape(&layer_value(l, l.p50)),
            escape(&layer_value(l, l.p5)),
            escape(&layer_value(l, l.p95))
        );
        for c in &l.claims {
            claim_html(&mut o, c);
        }
    }
    if !rec.related.is_empty() {
        o.push_str("<h3>Related models (add-ons or bases, not part of this stack)</h3>\n");
        for c in &rec.related {
            claim_html(&mut o, c);
        }
    }
    if !rec.unplaced.is_empty() {
        o.push_str("<h3>Claims of a scope this scenario does not model</h3>\n");
        for c in &rec.unplaced {
            claim_html(&mut o, c);
        }
    }

    // Conflicts.
    if !rec.conflicts.is_empty() {
        o.push_str("<h2 id=\"conflicts\">Where sources disagree, and why</h2>\n<ul>\n");
        for g in &rec.conflicts {
            let verdict = crate::reconcile_cmd::render::verdict_word(g);
            let _ = write!(
                o,
                "<li><strong>{}</strong> <span class=\"badge {}\">{}</span> why: {}. {}<ul>",
                escape(&g.title),
                if g.verdict == traincost_claims::Verdict::Disagree {
                    "below"
                } else {
                    "not-comparable"
                },
                verdict,
                escape(&if g.reasons.is_empty() {
                    "-".to_owned()
                } else {
                    g.reasons.join(", ")
                }),
                escape(&g.note)
            );
            for m in &g.members {
                let flag = if m.status == traincost_claims::Status::Erroneous {
                    " <span class=\"badge erroneous\">erroneous: printed in error</span>"
                } else {
                    ""
                };
                let _ = write!(
                    o,
                    "<li>{}: {}, {} <code>{}</code>{flag}</li>",
                    escape(&crate::reconcile_cmd::render::member_value(
                        rec, &m.id, &m.display
                    )),
                    escape(&m.claimant),
                    escape(&m.date_label()),
                    escape(&m.id)
                );
            }
            o.push_str("</ul></li>\n");
        }
        o.push_str("</ul>\n");
    }

    // Charts: distributions and the tornado.
    o.push_str("<h2 id=\"charts\">How uncertain each layer is</h2>\n<div class=\"charts\">\n");
    for f in &model.distributions {
        let _ = writeln!(
            o,
            "<figure id=\"dist-{}\">{}<figcaption>{}</figcaption></figure>",
            escape(&f.id),
            inline_svg(&crate::chart::distribution::render(f, &rec.dollar_year)),
            escape(&f.label)
        );
    }
    o.push_str("</div>\n");
    if let Some(t) = &model.tornado {
        let _ = writeln!(
            o,
            "<h2 id=\"tornado\">Which inputs drive the answer</h2>\n<figure id=\"tornado-chart\"><div class=\"only-wide\">{}</div><div class=\"only-narrow\">{}</div><figcaption>The layer's median with each uncertain input at its 5th and 95th percentile, everything else uncertain; largest swing first.</figcaption></figure>",
            inline_svg(&crate::chart::tornado::svg(t)),
            inline_svg(&crate::chart::tornado::svg_narrow(t))
        );
    }

    // Inputs.
    let _ = writeln!(
        o,
        "<h2 id=\"inputs\">Every input and where it comes from</h2>\n<p>Money in {} USD ({}).</p>",
        escape(&rec.dollar_year),
        escape(&rec.price_index)
    );
    o.push_str("<table class=\"inputs\"><thead><tr><th>input</th><th>value</th><th>unit</th><th>source</th></tr></thead><tbody>\n");
    for InputSources { input: i, claims } in &model.inputs {
        let mut src = String::new();
        if let Some(a) = &i.assumption {
            let _ = write!(src, "assumption: {}", escape(a));
        }
        // An assumption's claims only inform it; without one, the value is the claim's.
        let how = if i.assumption.is_some() {
            "informed by"
        } else {
            "claim"
        };
        for CitedClaim { id, source } in claims {
            if !src.is_empty() {
                src.push_str("<br>");
            }
            match source {
                Some(c) => {
                    let _ = write!(
                        src,
                        "{how} <code>{}</code>: {}, {}",
                        escape(id),
                        escape(&c.claimant),
                        link(&c.url, &c.title)
                    );
                }
                None => {
                    let _ = write!(src, "{how} <code>{}</code>", escape(id));
                }
            }
        }
        if let Some(n) = &i.note {
            let _ = write!(src, "<br><small>{}</small>", escape(n));
        }
        let _ = writeln!(
            o,
            "<tr><td data-label=\"input\"><code>{}</code></td><td data-label=\"value\">{}</td><td data-label=\"unit\">{}</td><td data-label=\"source\">{}</td></tr>",
            escape(&i.name),
            escape(&i.description),
            escape(&i.unit),
            src
        );
    }
    o.push_str("</tbody></table>\n");

    // Sources.
    if !report.sources.is_empty() {
        o.push_str("<h2 id=\"sources\">Sources of cited claims</h2>\n<ul>\n");
        for s in &report.sources {
            let _ = writeln!(
                o,
                "<li><code>{}</code>: {}, {}, {}</li>",
                escape(&s.claim),
                escape(&s.claimant),
                link(&s.url, &s.title),
                escape(&s.date_label())
            );
        }
        o.push_str("</ul>\n");
    }
    let _ = writeln!(
        o,
        "<footer>traincost {}: scenario <code>{}</code>, {} Monte Carlo samples, seed {}; intervals are 90%. Layers of different scopes are never summed: the fleet is shown beside the model, not added to it.</footer>\n</main>\n</body>\n</html>",
        env!("CARGO_PKG_VERSION"),
        escape(&rec.scenario),
        crate::format::count(rec.samples),
        rec.seed
    );
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The whole report of every built-in scenario, its tornado included, is well-formed
    /// (XHTML-style) markup.
    #[test]
    fn every_builtin_report_is_well_formed() {
        let (registry, _) = crate::plugin_host::PluginRegistry::builtin();
        let supplier = crate::plugin_supplier::PluginSupplier(&registry);
        let claims = traincost_claims::ClaimSet::builtin();
        let config = traincost_core::montecarlo::RunConfig {
            samples: 2_000,
            ..Default::default()
        };
        // The tornado's runs (two per uncertain input) need fewer samples to be well-formed.
        let tornado_config = traincost_core::montecarlo::RunConfig {
            samples: 200,
            ..Default::default()
        };
        let options = ReportOptions {
            tornado_layer: None,
            config: &tornado_config,
        };
        for name in traincost_core::scenario::builtin_names() {
            let built = crate::model_load::build_model(name, Default::default(), claims, &supplier)
                .unwrap();
            let estimate = built.estimate_report(claims, &config, &mut |_| {}).unwrap();
            let mut model = report::build(&built.compiled, estimate, claims, &options).unwrap();
            model.description = Some("a <b> & \"c\"".to_owned());
            let html = render(&model);
            let n = crate::chart::svg::check_xml(&html).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(n > 100, "{name}: {n} elements");
            assert!(html.contains("a &lt;b&gt; &amp; &quot;c&quot;"));
            // DeepSeek-R1 has no uncertain layer, so no tornado.
            assert_eq!(
                html.contains("id=\"tornado\""),
                model.tornado.is_some(),
                "{name}"
            );
            for l in &model.reconciliation.layers {
                assert!(
                    html.contains(&format!("id=\"layer-{}\"", l.id)),
                    "{name}: {}",
                    l.id
                );
            }
        }
    }
}
