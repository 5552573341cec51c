//! Rendering claims, relations and conflicts as tables, text, JSON and CSV.

use std::fmt::Write as _;

use serde_json::json;
use traincost_claims::scope::scope_of;
use traincost_claims::{
    CheckReport, Claim, ClaimSet, ConflictGroup, RelationOutcome, Verdict, format_number,
};

fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_owned()
    } else {
        let cut: String = s.chars().take(max.saturating_sub(1)).collect();
        format!("{}…", cut.trim_end())
    }
}

/// The value with its qualifier and unit: `about 294,000 USD`.
pub(super) fn value_with_unit(c: &Claim) -> String {
    format!("{} {}", c.value, c.unit)
}

/// A number in short form for tables: `5.576M`, `1.6B`, `118.58`, `3.8e25`.
pub(super) fn compact_number(x: f64) -> String {
    let a = x.abs();
    let (div, suffix) = match a {
        _ if a >= 1e15 => return format!("{x:e}"),
        _ if a >= 1e12 => (1e12, "T"),
        _ if a >= 1e9 => (1e9, "B"),
        _ if a >= 1e6 => (1e6, "M"),
        _ => return format_number(x),
    };
    let s = format!("{:.4}", x / div);
    format!("{}{suffix}", s.trim_end_matches('0').trim_end_matches('.'))
}

/// The value in short form with its qualifier and unit: `at least 500M USD`.
pub(super) fn compact_value(c: &Claim) -> String {
    use traincost_claims::Value;
    let v = match c.value {
        Value::Exact(x) => compact_number(x),
        Value::AtLeast(x) => format!("at least {}", compact_number(x)),
        Value::AtMost(x) => format!("at most {}", compact_number(x)),
        Value::About(x) => format!("about {}", compact_number(x)),
        Value::Range { low, high } => {
            format!("{} to {}", compact_number(low), compact_number(high))
        }
    };
    format!("{v} {}", c.unit)
}

fn status_label(c: &Claim) -> String {
    if c.is_erroneous() {
        "ERRONEOUS".to_owned()
    } else {
        c.status.to_string()
    }
}

/// A table of claims.
pub(super) fn claims_table(claims: &[&Claim]) -> String {
    let mut t = crate::term::Grid::new([
        "id",
        "subject",
        "quantity",
        "value",
        "claimant",
        "published",
    ]);
    for c in claims {
        let id = match c.status {
            traincost_claims::Status::Verified => c.id.clone(),
            _ => format!("{}\n[{}]", c.id, status_label(c)),
        };
        t.row([
            id,
            c.subject.clone(),
            c.quantity.clone(),
            crate::format::claim_value(&c.value, &c.unit.to_string()),
            shorten(&c.claimant, 32),
            c.date_label(),
        ]);
    }
    format!(
        "{}\n{} claim{}\n",
        t.render(),
        claims.len(),
        if claims.len() == 1 { "" } else { "s" }
    )
}

/// A JSON array of claims.
pub(super) fn claims_json(claims: &[&Claim]) -> anyhow::Result<String> {
    Ok(serde_json::to_string_pretty(claims)? + "\n")
}

/// Quotes a CSV field when needed (RFC 4180).
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

/// CSV, one claim per row.
pub(super) fn claims_csv(claims: &[&Claim]) -> String {
    let mut out = String::from(
        "id,subject,quantity,qualifier,value,value_high,unit,dollar_year,claimant,source_title,source_url,published,said_on,status,tags,quote,notes,quote_lacks_number,verified,checked_in,defined_at\n",
    );
    for c in claims {
        let tags: Vec<&str> = c.tags.iter().map(|t| t.as_str()).collect();
        let row = [
            c.id.clone(),
            c.subject.clone(),
            c.quantity.clone(),
            c.value.qualifier().to_owned(),
            c.value.number().to_string(),
            c.value.high().map(|h| h.to_string()).unwrap_or_default(),
            c.unit.to_string(),
            c.dollar_year().map(|y| y.to_string()).unwrap_or_default(),
            c.claimant.clone(),
            c.source.title.clone(),
            c.source.url.clone(),
            c.published().to_string(),
            c.said_on().map(|d| d.to_string()).unwrap_or_default(),
            c.status.to_string(),
            tags.join(" "),
            c.quote.clone(),
            c.notes.clone(),
            c.quote_lacks_number.clone().unwrap_or_default(),
            c.verified.map(|v| v.to_string()).unwrap_or_default(),
            c.source.checked_in.clone().unwrap_or_default(),
            c.origin.to_string(),
        ];
        let fields: Vec<String> = row.iter().map(|f| csv_field(f)).collect();
        out.push_str(&fields.join(","));
        out.push('\n');
    }
    out
}

/// Wraps `text` at `width` columns, continuation lines indented by `indent` spaces.
fn wrap(text: &str, width: usize, indent: usize) -> String {
    let mut out = String::new();
    let mut col = indent;
    for word in text.split_whitespace() {
        let n = word.chars().count();
        if col > indent && col + 1 + n > width {
            out.push('\n');
            out.push_str(&" ".repeat(indent));
            col = indent;
        } else if col > indent {
            out.push(' ');
            col += 1;
        }
        out.push_str(word);
        col += n;
    }
    out
}

fn relation_line(o: &RelationOutcome<'_>) -> String {
    let r = o.relation;
    let status = if o.holds { "ok  " } else { "FAIL" };
    match (o.left, o.right, &o.error) {
        (Some(l), Some(rv), None) => format!(
            "{status} {}: {} {} {} ({})",
            r.id,
            compact_number(l),
            r.comparison,
            compact_number(rv),
            difference(o)
        ),
        (_, _, Some(e)) => format!("{status} {}: {e}", r.id),
        _ => format!("{status} {}", r.id),
    }
}

fn difference(o: &RelationOutcome<'_>) -> String {
    let r = o.relation;
    if r.comparison != traincost_claims::Comparison::Eq
        && r.tolerance == 0.0
        && r.abs_tolerance == 0.0
    {
        return "inequality".to_owned();
    }
    let diff = o.relative_difference().unwrap_or(0.0);
    let mut tol = Vec::new();
    if r.tolerance > 0.0 {
        tol.push(format!("{}%", format_number(r.tolerance * 100.0)));
    }
    if r.abs_tolerance > 0.0 {
        tol.push(format_number(r.abs_tolerance));
    }
    let tol = if tol.is_empty() {
        "0".to_owned()
    } else {
        format!("±{}", tol.join(" or ±"))
    };
    format!(
        "differ by {}%, tolerance {tol}",
        format_number((diff * 1e4).round() / 100.0)
    )
}

/// The group's verdict for its header, a disagreement in capitals.
fn verdict_label(g: &ConflictGroup<'_>) -> String {
    let words = g.verdict.words(g.spans_scopes());
    if g.verdict == Verdict::Disagree {
        words.replacen("disagree", "DISAGREE", 1)
    } else {
        words.to_owned()
    }
}

/// A scope's name for people: claims of no stack scope are market figures, prices, facts.
fn scope_label(scope: Option<&str>) -> &str {
    scope.unwrap_or(traincost_claims::NO_STACK_SCOPE)
}

/// What the claims of one unit allow: `consistent between 74.1M and 81.9M`.
fn interval_words(interval: Option<(f64, f64)>) -> String {
    match interval {
        None => "no single number fits every claim".to_owned(),
        Some((lo, hi)) if lo == hi => format!("consistent at {}", compact_number(lo)),
        Some((lo, hi)) if hi == f64::INFINITY => {
            format!("consistent from {} up", compact_number(lo))
        }
        Some((lo, hi)) if lo == f64::NEG_INFINITY => {
            format!("consistent up to {}", compact_number(hi))
        }
        Some((lo, hi)) => format!(
            "consistent between {} and {}",
            compact_number(lo),
            compact_number(hi)
        ),
    }
}

/// The `=>` lines: each scope's comparisons, and the claims that stand alone.
fn comparison_lines(out: &mut String, g: &ConflictGroup<'_>, width: usize) {
    let several = g.spans_scopes();
    if several {
        let _ = writeln!(
            out,
            "  => {} scopes, each compared on its own, never with another:",
            g.by_scope.len()
        );
    }
    // A group of one scope names its scope only when it has one (not for market figures).
    let (lead, indent) = if several { ("     ", 7) } else { ("  => ", 5) };
    let mut line = |text: String| {
        let _ = writeln!(out, "{lead}{}", wrap(&text, width, indent));
    };
    for s in &g.by_scope {
        let scope = match (several, s.scope) {
            (true, scope) => Some(scope_label(scope)),
            (false, scope) => scope,
        };
        let head = |unit: Option<&traincost_claims::Unit>| match (scope, unit) {
            (Some(s), Some(u)) => format!("{s}, {u}: "),
            (Some(s), None) => format!("{s}: "),
            (None, Some(u)) => format!("{u}: "),
            (None, None) => String::new(),
        };
        for (unit, interval) in &s.by_unit {
            let mut text = format!("{}{}", head(Some(unit)), interval_words(*interval));
            if several {
                let ids: Vec<&str> = s
                    .members
                    .iter()
                    .filter(|c| !c.is_erroneous() && &c.unit == unit)
                    .map(|c| c.id.as_str())
                    .collect();
                let _ = write!(text, " ({})", ids.join(", "));
            }
            line(text);
        }
        if s.compared() {
            // Alone in its unit, beside claims of its scope that were compared.
            for c in &s.alone {
                line(format!(
                    "{}{} stands alone, compared with none",
                    head(Some(&c.unit)),
                    c.id
                ));
            }
        } else if several && !s.alone.is_empty() {
            let ids: Vec<&str> = s.alone.iter().map(|c| c.id.as_str()).collect();
            line(format!(
                "{}{} {}, compared with none",
                head(None),
                ids.join(", "),
                if ids.len() == 1 {
                    "stands alone"
                } else {
                    "share no unit"
                }
            ));
        }
    }
    if !several && !g.by_scope.iter().any(|s| s.compared()) {
        line("fewer than two usable claims share a unit: nothing to compare".to_owned());
    }
}

fn conflict_block(out: &mut String, g: &ConflictGroup<'_>, width: usize) {
    let _ = writeln!(
        out,
        "\n[{}] {} ({}{})",
        verdict_label(g),
        g.title,
        g.id,
        if g.declared {
            ""
        } else {
            ", found by shared subject and quantity"
        }
    );
    for c in &g.members {
        let tags: Vec<&str> = c.tags.iter().map(|t| t.as_str()).collect();
        let flag = if c.is_erroneous() {
            "  [ERRONEOUS: not compared]"
        } else if c.status == traincost_claims::Status::Disputed {
            "  [disputed]"
        } else {
            ""
        };
        let _ = writeln!(out, "  - {}: {}{flag}", c.id, compact_value(c));
        let _ = writeln!(
            out,
            "      {}",
            wrap(&format!("by {}, {}", c.claimant, c.date_label()), width, 6)
        );
        let _ = writeln!(
            out,
            "      {}",
            wrap(
                &format!("scope: {} [{}]", c.quantity, tags.join(", ")),
                width,
                6
            )
        );
        if !c.notes.is_empty() {
            let _ = writeln!(
                out,
                "      {}",
                wrap(&format!("notes: {}", c.notes), width, 6)
            );
        }
    }
    comparison_lines(out, g, width);
    if !g.note.is_empty() {
        let _ = writeln!(out, "  {}", wrap(&format!("why: {}", g.note), width, 7));
    }
}

/// One claim in full, with the relations and conflict groups it is in.
pub(super) fn claim_text(set: &ClaimSet, c: &Claim) -> String {
    let width = crate::term::width().unwrap_or(100).min(100);
    let mut out = String::new();
    let _ = writeln!(out, "{}  [{}]", c.id, status_label(c));
    let mut field = |name: &str, value: &str| {
        if !value.is_empty() {
            let _ = writeln!(out, "  {name:<11} {}", wrap(value, width, 14));
        }
    };
    field("subject", &c.subject);
    field("quantity", &c.quantity);
    field("value", &value_with_unit(c));
    if let Some(y) = c.dollar_year() {
        let kind = if c.unit.money_year().is_some() {
            "stated"
        } else {
            if c.said_on().is_some() {
                "nominal, year said"
            } else {
                "nominal, publication year"
            }
        };
        field("money of", &format!("{y} ({kind})"));
    }
    field("claimant", &c.claimant);
    field("source", &c.source.title);
    field("published", &c.published().to_string());
    if let Some(d) = c.said_on() {
        field("said on", &d.to_string());
    }
    field("url", &c.source.url);
    let tags: Vec<&str> = c.tags.iter().map(|t| t.as_str()).collect();
    field("tags", &tags.join(", "));
    field("quote", &format!("\u{201c}{}\u{201d}", c.quote));
    if let Some(why) = &c.quote_lacks_number {
        field("no number", why);
    }
    field("notes", &c.notes);
    if let Some(ci) = &c.source.checked_in {
        field("checked in", ci);
    }
    field("defined at", &c.origin.to_string());
    if c.is_erroneous() {
        out.push_str(
            "\n  This claim records a figure printed in error: it is never used as an input.\n",
        );
    }
    let relations = set.relations_of(&c.id);
    if !relations.is_empty() {
        out.push_str("\nRelations:\n");
        for r in relations {
            let o = r.check(set);
            let _ = writeln!(out, "  {}", relation_line(&o));
            let _ = writeln!(out, "       {}", wrap(&r.description, width, 7));
        }
    }
    let groups = set.conflicts_of(&c.id);
    if !groups.is_empty() {
        out.push_str("\nConflict groups:");
        for g in &groups {
            conflict_block(&mut out, g, width);
        }
    }
    out
}

fn claim_value(set: &ClaimSet, c: &Claim) -> serde_json::Value {
    let relations: Vec<serde_json::Value> = set
        .relations_of(&c.id)
        .into_iter()
        .map(|r| relation_json(&r.check(set)))
        .collect();
    let groups: Vec<serde_json::Value> = set.conflicts_of(&c.id).iter().map(group_json).collect();
    json!({
        "claim": c,
        "dollar_year": c.dollar_year(),
        "relations": relations,
        "conflicts": groups,
    })
}

/// One claim as JSON, with its relations and conflict groups.
pub(super) fn claim_json(set: &ClaimSet, c: &Claim) -> anyhow::Result<String> {
    Ok(serde_json::to_string_pretty(&claim_value(set, c))? + "\n")
}

fn relation_json(o: &RelationOutcome<'_>) -> serde_json::Value {
    let r = o.relation;
    json!({
        "id": r.id,
        "description": r.description,
        "left": r.left.to_string(),
        "op": r.comparison,
        "right": r.right.to_string(),
        "tolerance": r.tolerance,
        "abs_tolerance": r.abs_tolerance,
        "left_value": o.left,
        "right_value": o.right,
        "holds": o.holds,
        "error": o.error,
        "defined_at": r.origin.to_string(),
    })
}

fn group_json(g: &ConflictGroup<'_>) -> serde_json::Value {
    let members: Vec<serde_json::Value> = g
        .members
        .iter()
        .map(|c| {
            json!({
                "id": c.id,
                "claimant": c.claimant,
                "value": c.value,
                "unit": c.unit,
                "quantity": c.quantity,
                "tags": c.tags,
                "scope": scope_of(c),
                "status": c.status,
                "notes": c.notes,
            })
        })
        .collect();
    let by_unit: Vec<serde_json::Value> = g
        .by_scope
        .iter()
        .flat_map(|s| {
            s.by_unit.iter().map(|(u, i)| {
                json!({
                    "scope": s.scope,
                    "unit": u,
                    "consistent_interval": i.map(|(a, b)| [a, b]),
                })
            })
        })
        .collect();
    let ids = |cs: &mut dyn Iterator<Item = &traincost_claims::Claim>| {
        cs.map(|c| c.id.clone()).collect::<Vec<_>>()
    };
    let by_scope: Vec<serde_json::Value> = g
        .by_scope
        .iter()
        .map(|s| {
            json!({
                "scope": s.scope,
                "verdict": s.verdict,
                "claims": ids(&mut s.members.iter().copied()),
                "alone": ids(&mut s.alone.iter().copied()),
            })
        })
        .collect();
    json!({
        "id": g.id,
        "title": g.title,
        "declared": g.declared,
        "verdict": g.verdict,
        "spans_scopes": g.spans_scopes(),
        "tolerance": g.tolerance,
        "note": g.note,
        "members": members,
        "by_scope": by_scope,
        "by_unit": by_unit,
    })
}

/// The check report for people.
pub(super) fn check_text(report: &CheckReport<'_>) -> String {
    let width = crate::term::width().unwrap_or(120).min(120);
    let s = report.summary();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Claims: {} checked, {} problem{}.",
        s.claims,
        s.problems,
        if s.problems == 1 { "" } else { "s" }
    );
    for p in &report.problems {
        let _ = writeln!(
            out,
            "  {}",
            super::problem_diagnostic(p)
                .to_string()
                .replace('\n', "\n  ")
        );
    }
    let _ = writeln!(
        out,
        "\nRelations: {} checked, {} hold, {} fail.",
        s.relations,
        s.relations - s.relations_failed,
        s.relations_failed
    );
    for o in &report.relations {
        let _ = writeln!(out, "  {}", relation_line(o));
        let _ = writeln!(out, "       {}", wrap(&o.relation.description, width, 7));
    }
    let _ = writeln!(
        out,
        "\nConflicts (reported, not failures): {} group{}, {} disagree{}; {} span{} several scopes, each scope compared on its own.",
        s.conflict_groups,
        if s.conflict_groups == 1 { "" } else { "s" },
        s.disagreements,
        if s.disagreements == 1 { "s" } else { "" },
        s.spanning_scopes,
        if s.spanning_scopes == 1 { "s" } else { "" }
    );
    for g in &report.conflicts {
        conflict_block(&mut out, g, width);
    }
    let _ = writeln!(
        out,
        "\n{}",
        if report.passed() {
            "PASS: every claim is valid and every relation holds."
        } else {
            "FAIL: fix the problems and failed relations above."
        }
    );
    out
}

/// The check report as JSON.
pub(super) fn check_json(report: &CheckReport<'_>) -> anyhow::Result<String> {
    let v = json!({
        "passed": report.passed(),
        "summary": report.summary(),
        "problems": report.problems,
        "relations": report.relations.iter().map(relation_json).collect::<Vec<_>>(),
        "conflicts": report.conflicts.iter().map(group_json).collect::<Vec<_>>(),
    });
    Ok(serde_json::to_string_pretty(&v)? + "\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_only_when_needed() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a, b"), "\"a, b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
    }

    #[test]
    fn wrap_keeps_words_and_indents() {
        assert_eq!(wrap("aaa bbb ccc", 9, 2), "aaa bbb\n  ccc");
        assert_eq!(wrap("", 10, 2), "");
    }

    #[test]
    fn compact_numbers() {
        assert_eq!(compact_number(5_576_000.0), "5.576M");
        assert_eq!(compact_number(1.6e9), "1.6B");
        assert_eq!(compact_number(589e9), "589B");
        assert_eq!(compact_number(118.58), "118.58");
        assert_eq!(compact_number(30_840_000.0), "30.84M");
        assert_eq!(compact_number(3.8e25), "3.8e25");
        assert_eq!(compact_number(2_000.0), "2,000");
    }

    #[test]
    fn csv_has_one_row_per_claim() {
        let set = ClaimSet::builtin();
        let claims: Vec<&Claim> = set.iter().collect();
        let csv = claims_csv(&claims);
        // Quotes contain no newlines, so rows are lines.
        assert_eq!(csv.lines().count(), claims.len() + 1);
    }
}
