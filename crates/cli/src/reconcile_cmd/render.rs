//! Text and Markdown renderings of a reconciliation.

use std::fmt::Write as _;

use traincost_analysis::reconcile::{ClaimView, ConflictView, LayerView, Reconciliation, Verdict};
use traincost_analysis::text::money_short;

use crate::format::{layer_multiple, times};

/// How many claims in other units a layer shows in the table before "+N more".
const CONTEXT_SHOWN: usize = 2;

/// How many claims about related models, and of unmodelled scopes, the table shows.
const RELATED_SHOWN: usize = 5;

fn value(l: &LayerView, v: f64) -> String {
    crate::format::layer_value(l, v)
}

/// `ownership`, or blank for a figure without a basis.
fn basis_word(l: &LayerView) -> &'static str {
    l.basis.map_or("", |b| b.as_str())
}

fn mark(v: Verdict) -> &'static str {
    match v {
        Verdict::Consistent => "ok",
        Verdict::Below | Verdict::Above => "!!",
        Verdict::NotComparable => "..",
        Verdict::Erroneous => "XX",
    }
}

fn headline_sentence(r: &Reconciliation) -> Option<String> {
    let h = r.headline.as_ref()?;
    let display = if (h.value - h.claimed).abs() > 0.005 * h.claimed.abs() {
        format!(
            "{} (= {} in {} USD)",
            h.display,
            money_short(h.value),
            r.dollar_year
        )
    } else {
        h.display.clone()
    };
    Some(format!(
        "Headline: {} by {} ({}, claim {}), the `{}` layer; traincost rebuilds it to {}. It leaves out {}.",
        display,
        h.claimant,
        h.date_label(),
        h.claim,
        h.layer,
        money_short(h.rebuilt),
        h.excludes
    ))
}

/// One screen for people.
pub(crate) fn table(r: &Reconciliation) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}",
        crate::term::para(
            &format!(
                "{}: from the headline to the fleet ({} USD, {}; {} samples, seed {})",
                r.title,
                r.dollar_year,
                r.price_index,
                crate::format::count(r.samples),
                r.seed
            ),
            2
        )
    );
    let _ = writeln!(out, "{}", crate::bottom_line::table_line(&r.bottom_line));
    if let Some(h) = headline_sentence(r) {
        let _ = writeln!(out, "{}", crate::term::para(&h, 2));
    }
    let _ = writeln!(
        out,
        "{}",
        crate::term::para(
            "Medians with 90% intervals; \"x final run\" is on the layer's own basis. Claims: ok consistent, !! outside, XX erroneous, .. other unit or scope.",
            0
        )
    );
    // Wide: one aligned line per layer; narrow: the layer's id, its figures below.
    let narrow = crate::term::width().is_some_and(|w| w < crate::term::NARROW);
    if !narrow {
        let _ = writeln!(
            out,
            "\n{:<36} {:<9} {:>9} {:>21}  x final run",
            "layer", "basis", "median", "90% interval"
        );
    } else {
        out.push('\n');
    }
    for l in &r.layers {
        let name = if l.kind == "total" {
            format!("= {}", l.id)
        } else {
            l.id.clone()
        };
        let interval = format!("{} - {}", value(l, l.p5), value(l, l.p95));
        if narrow {
            let _ = writeln!(out, "{name}");
            let figures = format!(
                "{} {} [{}] {}",
                basis_word(l),
                value(l, l.p50),
                interval,
                layer_multiple(l)
            );
            let _ = writeln!(
                out,
                "{}",
                crate::term::wrap_with(figures.trim(), crate::term::width(), "    ", "      ")
            );
        } else {
            let _ = writeln!(
                out,
                "{:<36} {:<9} {:>9} {:>21}  {}",
                name,
                basis_word(l),
                value(l, l.p50),
                interval,
                layer_multiple(l)
            );
        }
        let (context, shown): (Vec<&ClaimView>, Vec<&ClaimView>) = l
            .claims
            .iter()
            .partition(|c| c.verdict == Verdict::NotComparable);
        for c in shown {
            claim_line(&mut out, c);
        }
        for c in context.iter().take(CONTEXT_SHOWN) {
            claim_line(&mut out, c);
        }
        if context.len() > CONTEXT_SHOWN {
            let _ = writeln!(
                out,
                "    .. and {} more in other units (--format markdown or json lists them)",
                context.len() - CONTEXT_SHOWN
            );
        }
    }
    if !r.footprint.is_empty() {
        out.push_str(
            "\nEnergy and emissions, with the claims about each (medians, 90% intervals):\n",
        );
        for l in &r.footprint {
            let interval = if l.p5 == l.p95 {
                "exact".to_owned()
            } else {
                format!("{} - {}", value(l, l.p5), value(l, l.p95))
            };
            let line = format!("{} {} [{interval}]", l.id, value(l, l.p50));
            let _ = writeln!(out, "{}", crate::term::para(&line, 4));
            for c in &l.claims {
                claim_line(&mut out, c);
            }
        }
    }
    claim_section(
        &mut out,
        "Related models (add-ons or bases, not part of this stack)",
        &r.related,
    );
    claim_section(
        &mut out,
        "Claims of a scope this scenario does not model",
        &r.unplaced,
    );
    if !r.conflicts.is_empty() {
        out.push_str("\nWhere sources disagree, and why:\n");
        for g in &r.conflicts {
            let line = format!(
                "  [{}] {}: {} (why: {})",
                verdict_word(g),
                g.id,
                g.title,
                if g.reasons.is_empty() {
                    "-".to_owned()
                } else {
                    g.reasons.join(", ")
                }
            );
            let _ = writeln!(out, "{}", crate::term::para(&line, 6));
            if g.spans_scopes() {
                let _ = writeln!(
                    out,
                    "{}",
                    crate::term::wrap_with(
                        &scopes_line(g),
                        crate::term::width(),
                        "      ",
                        "      "
                    )
                );
            }
            let typo = g
                .members
                .iter()
                .any(|m| m.status == traincost_claims::Status::Erroneous);
            if !g.note.is_empty()
                && (typo || g.spans_scopes() || g.verdict == traincost_claims::Verdict::Disagree)
            {
                let _ = writeln!(
                    out,
                    "{}",
                    crate::term::wrap_with(&g.note, crate::term::width(), "      ", "      ")
                );
            }
        }
    }
    out
}

/// A conflict group's verdict: a group of several scopes agrees (or not) within each.
pub(crate) fn verdict_word(g: &ConflictView) -> &'static str {
    g.verdict.words(g.spans_scopes())
}

/// Each scope of a group and its verdict: `compared per scope: total-compute: agree (2
/// claims); training-cluster: 1 claim, compared with none`.
pub(crate) fn scopes_line(g: &ConflictView) -> String {
    use traincost_claims::Verdict as V;
    let parts: Vec<String> = g
        .by_scope
        .iter()
        .map(|s| {
            let scope = s
                .scope
                .as_deref()
                .unwrap_or(traincost_claims::NO_STACK_SCOPE);
            let n = s.claims.len();
            let claims = format!("{n} claim{}", if n == 1 { "" } else { "s" });
            match s.verdict {
                V::Agree => format!("{scope}: agree ({claims})"),
                V::Disagree => format!("{scope}: disagree ({claims})"),
                V::NotComparable => format!("{scope}: {claims}, compared with none"),
            }
        })
        .collect();
    format!("compared per scope, never across: {}", parts.join("; "))
}

/// A titled list of claims outside the stack: money claims (and errors) first, the rest counted.
/// True for money in any currency (`USD`, `CNY per year`, `EUR (2023)`).
fn is_money(unit: &str) -> bool {
    unit.parse::<traincost_claims::Unit>()
        .is_ok_and(|u| u.currency().is_some())
}

/// True for energy and emissions (`MWh`, `tCO2eq`): claims a scenario could compare with an
/// [energy] or [emissions] figure, so the table says why it does not.
fn is_footprint(unit: &str) -> bool {
    use traincost_claims::citation::Dimension;
    unit.parse::<traincost_claims::Unit>().is_ok_and(|u| {
        u.per.is_none()
            && matches!(
                Dimension::of_claim_unit(&u).0,
                Dimension::Energy | Dimension::Co2
            )
    })
}

fn claim_section(out: &mut String, title: &str, claims: &[ClaimView]) {
    if claims.is_empty() {
        return;
    }
    let _ = writeln!(out, "\n{title}:");
    let (money, other): (Vec<&ClaimView>, Vec<&ClaimView>) = claims.iter().partition(|c| {
        is_money(&c.unit) || is_footprint(&c.unit) || c.verdict == Verdict::Erroneous
    });
    for c in money.iter().take(RELATED_SHOWN) {
        claim_line(out, c);
        if is_footprint(&c.unit) && c.verdict == Verdict::NotComparable {
            let _ = writeln!(
                out,
                "{}",
                crate::term::wrap_with(&c.explanation, crate::term::width(), "       ", "       ")
            );
        }
    }
    let more = other.len() + money.len().saturating_sub(RELATED_SHOWN);
    if more > 0 {
        let _ = writeln!(
            out,
            "    .. and {more} more (--format markdown or json lists them)"
        );
    }
}

fn claim_line(out: &mut String, c: &ClaimView) {
    let mult = c
        .multiple_of_headline
        .map(|m| times(Some(m)))
        .unwrap_or_default();
    let disputed = if c.status == traincost_claims::Status::Disputed {
        " (disputed)"
    } else {
        ""
    };
    let line = format!(
        "  {} {:<22} {:>6}  {}, {}{disputed}: {}: {}  [{}]",
        mark(c.verdict),
        crate::format::claim_value(&c.value, &c.unit),
        mult,
        c.claimant_short(),
        c.date_label(),
        c.quantity,
        c.short_verdict(),
        c.id
    );
    let _ = writeln!(out, "{}", crate::term::para(&line, 7));
    if c.verdict == Verdict::Erroneous {
        let _ = writeln!(
            out,
            "{}",
            crate::term::wrap_with(&c.explanation, crate::term::width(), "       ", "       ")
        );
    }
}

fn md(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// Markdown, ready to paste into an article.
pub(crate) fn markdown(r: &Reconciliation) -> String {
    let mut out = format!(
        "## {}: from the headline to the fleet ({} USD)\n\n",
        r.title, r.dollar_year
    );
    let _ = writeln!(
        out,
        "**Bottom line.** {}\n",
        crate::bottom_line::paragraph(&r.bottom_line)
    );
    if let Some(h) = &r.headline {
        let _ = writeln!(
            out,
            "**Headline:** {} ({}, [source]({}), {}, `{}`), the `{}` layer. It leaves out {}.\n",
            h.display,
            md(&h.claimant),
            h.url,
            h.date_label(),
            h.claim,
            h.layer,
            md(&h.excludes)
        );
    }
    out.push_str("| layer | basis | median | 90% interval | x final run (same basis) | what it leaves out |\n|---|---|---:|---:|---:|---|\n");
    for l in &r.layers {
        let _ = writeln!(
            out,
            "| {}{} (`{}`) | {} | {} | {} to {} | {} | {} |",
            if l.kind == "total" { "= " } else { "" },
            md(&l.label),
            l.id,
            basis_word(l),
            value(l, l.p50),
            value(l, l.p5),
            value(l, l.p95),
            layer_multiple(l),
            md(&l.excludes)
        );
    }
    let _ = writeln!(
        out,
        "\nMedians of {} Monte Carlo samples (seed {}) with 90% intervals; compute on each basis is never mixed with the other.\n",
        crate::format::count(r.samples),
        r.seed
    );
    // Money layers with claims, then the energy and emissions figures with claims.
    for l in r
        .layers
        .iter()
        .filter(|l| !l.claims.is_empty())
        .chain(&r.footprint)
    {
        let _ = writeln!(
            out,
            "### {} (`{}`): {} [{} to {}]\n",
            md(&l.label),
            l.id,
            value(l, l.p50),
            value(l, l.p5),
            value(l, l.p95)
        );
        for c in &l.claims {
            md_claim(&mut out, c);
        }
        out.push('\n');
    }
    if !r.related.is_empty() {
        out.push_str("### Related models (not part of this stack)\n\n");
        for c in &r.related {
            md_claim(&mut out, c);
        }
        out.push('\n');
    }
    if !r.unplaced.is_empty() {
        out.push_str("### Claims of a scope this scenario does not model\n\n");
        for c in &r.unplaced {
            md_claim(&mut out, c);
        }
        out.push('\n');
    }
    if !r.conflicts.is_empty() {
        out.push_str("### Where sources disagree, and why\n\n");
        for g in &r.conflicts {
            let _ = writeln!(
                out,
                "- **{}** (`{}`): {}{}; why: {}. {}",
                md(&g.title),
                g.id,
                verdict_word(g),
                if g.spans_scopes() {
                    format!(" ({})", md(&scopes_line(g)))
                } else {
                    String::new()
                },
                if g.reasons.is_empty() {
                    "-".to_owned()
                } else {
                    g.reasons.join(", ")
                },
                md(&g.note)
            );
            for m in &g.members {
                let flag = if m.status == traincost_claims::Status::Erroneous {
                    " **(erroneous: printed in error)**"
                } else {
                    ""
                };
                let _ = writeln!(
                    out,
                    "  - {}: {}, {} (`{}`){flag}",
                    md(&member_value(r, &m.id, &m.display)),
                    md(&m.claimant),
                    m.date_label(),
                    m.id
                );
            }
        }
    }
    out
}

/// A conflict member's value at its own precision, from its claim's view when the
/// reconciliation shows that claim (else as the analysis wrote it).
pub(crate) fn member_value(r: &Reconciliation, id: &str, display: &str) -> String {
    r.layers
        .iter()
        .chain(&r.footprint)
        .flat_map(|l| &l.claims)
        .chain(&r.related)
        .chain(&r.unplaced)
        .find(|c| c.id == id)
        .map_or_else(
            || display.to_owned(),
            |c| crate::format::claim_value(&c.value, &c.unit),
        )
}

fn md_claim(out: &mut String, c: &ClaimView) {
    let verdict = match c.verdict {
        Verdict::Erroneous => "**erroneous, not evidence**".to_owned(),
        _ => c
            .short_verdict()
            .split(';')
            .next()
            .unwrap_or_default()
            .to_owned(),
    };
    let mult = c
        .multiple_of_headline
        .map(|m| format!(" ({} the headline)", times(Some(m))))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "- {}{mult}: {}, [{}]({}), {}. *{}*: {}; {}. (`{}`)",
        md(&crate::format::claim_value(&c.value, &c.unit)),
        md(&c.claimant),
        md(&c.source_title),
        c.url,
        c.date_label(),
        md(&c.quantity),
        verdict,
        md(&c.explanation),
        c.id
    );
}
