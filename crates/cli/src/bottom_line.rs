//! The bottom line in words: `traincost_analysis::BottomLine` as sentences, shared by the
//! tables, Markdown and the HTML report (which wrap them). Each sentence quotes figures of
//! one basis, or of none (the fleet).

use traincost_analysis::BottomLine;
use traincost_analysis::bottom_line::Span;
use traincost_core::stack::Basis;

use crate::format::money;

/// `about $30.48M (90% interval $20.54M to $45.99M)`, or `$5.723M` for an exact figure.
fn quote(s: &Span) -> String {
    if s.uncertain() {
        format!(
            "about {} (90% interval {} to {})",
            money(s.p50),
            money(s.p5),
            money(s.p95)
        )
    } else {
        money(s.p50)
    }
}

/// `On an ownership basis (what the compute costs its owner)`, `At rental prices`.
fn basis_phrase(b: Basis) -> &'static str {
    match b {
        Basis::Rental => "At rental prices",
        Basis::Ownership => "On an ownership basis (what the compute costs its owner)",
    }
}

/// The name of a layer the scenario leaves out, for people.
fn missing(id: &str) -> &str {
    if id.starts_with("development-compute") {
        "experiments (development compute)"
    } else if id == "staff" {
        "staff"
    } else if id == "fleet" {
        "the owner's fleet"
    } else {
        id
    }
}

/// The bottom line as sentences, in order.
pub(crate) fn sentences(b: &BottomLine) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(h) = &b.headline {
        let claimed = match h.claimed_high {
            Some(hi) => format!("{} to {}", money(h.claimed), money(hi)),
            None => money(h.claimed),
        };
        let who = h
            .claimant
            .split([',', '('])
            .next()
            .unwrap_or(&h.claimant)
            .trim();
        let dollars = h
            .claimed_dollars
            .as_ref()
            .map(|d| format!(", {d} dollars"))
            .unwrap_or_default();
        let scope = match &h.only_stages {
            Some(st) => format!(
                "only part of the final run (the {} stage{})",
                st.join(", "),
                if st.len() == 1 { "" } else { "s" }
            ),
            None => "the final run only".to_owned(),
        };
        let basis = match h.basis {
            Basis::Rental => "at rental prices",
            Basis::Ownership => "at ownership cost",
        };
        out.push(format!(
            "The {claimed} headline ({who}{dollars}) is {scope}, {basis}."
        ));
    }
    if let Some(o) = &b.on_basis {
        let mut s = format!(
            "{}, the final run cost {}",
            basis_phrase(o.basis),
            quote(&o.final_run)
        );
        match &o.development {
            Some(d) => {
                let what = match (d.experiments, d.staff) {
                    (true, true) => {
                        format!("developing {} (experiments and staff included)", b.title)
                    }
                    (true, false) => format!(
                        "the compute to develop {} (final run and experiments; staff not modelled)",
                        b.title
                    ),
                    _ => format!(
                        "developing {} (final run and staff; experiments not modelled)",
                        b.title
                    ),
                };
                s.push_str(&format!(
                    ", and {what} {}: {} that final run on the same basis, sample by sample.",
                    quote(&d.total),
                    crate::format::multiple(&d.multiple)
                ));
            }
            None => s.push('.'),
        }
        out.push(s);
    }
    if let Some(f) = &b.fleet {
        out.push(format!(
            "The owner's fleet cost {} to buy: a capital cost of hardware shared by every model and product it serves, not a cost of this model.",
            quote(f)
        ));
    }
    if !b.not_modelled.is_empty() {
        let names: Vec<&str> = b.not_modelled.iter().map(|id| missing(id)).collect();
        out.push(format!("Not modelled here: {}.", names.join(", ")));
    }
    out
}

/// The bottom line as one paragraph.
pub(crate) fn paragraph(b: &BottomLine) -> String {
    sentences(b).join(" ")
}

/// The bottom line as a table output's line, `Bottom line: ...`, wrapped to the output's width.
pub(crate) fn table_line(b: &BottomLine) -> String {
    crate::term::wrap_with(&paragraph(b), crate::term::width(), "Bottom line: ", "  ")
}
