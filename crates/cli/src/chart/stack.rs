//! The cost stack on a log scale: one row per layer and total, its 90% interval (p5-p95 bar),
//! median mark, and optionally claim markers. The median is the figure shown everywhere; the
//! point estimate (every input at its median) is not drawn.

use super::svg::{self, Anchor, LogAxis, Svg, colour};
use traincost_analysis::EstimateReport;
use traincost_analysis::reconcile::{Reconciliation, Verdict};

/// One row of the chart.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Row {
    /// Label (layer id; totals start with `= `).
    pub(crate) label: String,
    /// Unit suffix shown after the label (`/year`), if not plain USD.
    pub(crate) per: Option<String>,
    /// 5th percentile.
    pub(crate) p5: f64,
    /// Median.
    pub(crate) p50: f64,
    /// 95th percentile.
    pub(crate) p95: f64,
    /// Claims drawn on this row.
    pub(crate) markers: Vec<Marker>,
}

/// How a claim's number is bounded, for its marker's shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    /// A number (exact or about): a dot.
    Point,
    /// "At least": a triangle pointing right.
    AtLeast,
    /// "At most": a triangle pointing left.
    AtMost,
    /// A range: a bar from low to high.
    Range,
}

/// A claim on a row.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Marker {
    /// Its number (low end of a range).
    pub(crate) value: f64,
    /// High end of a range.
    pub(crate) high: Option<f64>,
    /// Shape.
    pub(crate) shape: Shape,
    /// Tooltip and legend text (claimant, value, id).
    pub(crate) label: String,
    /// Consistent, outside, or erroneous.
    pub(crate) verdict: Verdict,
}

/// The chart of an estimate: every money layer and total.
pub(crate) fn from_report(r: &EstimateReport) -> String {
    let e = &r.estimate;
    let rows = e
        .layers
        .iter()
        .map(|f| (f, ""))
        .chain(e.totals.iter().map(|f| (f, "= ")))
        .filter(|(f, _)| f.unit.starts_with("USD"))
        .map(|(f, prefix)| Row {
            label: format!("{prefix}{}", f.id),
            per: f
                .unit
                .strip_prefix("USD")
                .filter(|s| !s.is_empty())
                .map(str::to_owned),
            p5: f.p5,
            p50: f.p50,
            p95: f.p95,
            markers: Vec::new(),
        })
        .collect::<Vec<_>>();
    let headline = r.headline.as_ref().map(|h| h.claimed);
    render(
        &format!(
            "{}: cost stack, {} USD, log scale, 90% intervals",
            r.title, e.dollar_year
        ),
        &rows,
        headline,
    )
}

/// The chart of a reconciliation: layers and totals with every compared or erroneous claim
/// about their scope as a marker.
pub(crate) fn from_reconciliation(r: &Reconciliation) -> String {
    let rows: Vec<Row> = r
        .layers
        .iter()
        .filter(|l| l.unit.starts_with("USD"))
        .map(|l| Row {
            label: if l.kind == "total" {
                format!("= {}", l.id)
            } else {
                l.id.clone()
            },
            per: l
                .unit
                .strip_prefix("USD")
                .filter(|s| !s.is_empty())
                .map(str::to_owned),
            p5: l.p5,
            p50: l.p50,
            p95: l.p95,
            markers: l
                .claims
                .iter()
                // Claims compared with a component (a stage's cost) are not drawn on the layer.
                .filter(|c| {
                    c.compared_with.as_deref() == Some(l.id.as_str())
                        || c.verdict == Verdict::Erroneous
                })
                .filter(|c| c.unit.starts_with("USD"))
                .map(|c| {
                    let (shape, high) = match c.value {
                        traincost_claims::Value::AtLeast(_) => (Shape::AtLeast, None),
                        traincost_claims::Value::AtMost(_) => (Shape::AtMost, None),
                        traincost_claims::Value::Range { high, .. } => (Shape::Range, Some(high)),
                        _ => (Shape::Point, None),
                    };
                    Marker {
                        value: c.value.number(),
                        high,
                        shape,
                        label: format!(
                            "{}: {} ({}, {}) [{}]{}",
                            c.claimant_short(),
                            c.display,
                            c.date_label(),
                            c.verdict.word(),
                            c.id,
                            if c.verdict == Verdict::Erroneous {
                                " printed in error, not evidence"
                            } else {
                                ""
                            }
                        ),
                        verdict: c.verdict,
                    }
                })
                .collect(),
        })
        .collect();
    render(
        &format!(
            "{}: cost stack and sourced claims, {} USD, log scale, 90% intervals",
            r.title, r.dollar_year
        ),
        &rows,
        r.headline.as_ref().map(|h| h.value),
    )
}

const WIDTH: f64 = 760.0;
const LEFT: f64 = 250.0;
const RIGHT: f64 = 30.0;
const TOP: f64 = 56.0;
const ROW: f64 = 40.0;

/// Draws `rows` under `title`; `headline` adds a dashed reference line.
pub(crate) fn render(title: &str, rows: &[Row], headline: Option<f64>) -> String {
    let values = rows.iter().flat_map(|r| {
        [r.p5, r.p50, r.p95].into_iter().chain(
            r.markers
                .iter()
                .flat_map(|m| std::iter::once(m.value).chain(m.high)),
        )
    });
    let legend_h = 12.0;
    let height = TOP + ROW * rows.len().max(1) as f64 + 40.0 + legend_h;
    let mut s = Svg::new(WIDTH, height, title);
    s.text(10.0, 22.0, Anchor::Start, 14.0, colour::TEXT, title);
    let Some(axis) = LogAxis::covering(values.chain(headline), LEFT, WIDTH - RIGHT) else {
        s.text(
            10.0,
            50.0,
            Anchor::Start,
            12.0,
            colour::MUTED,
            "no positive money figures to draw",
        );
        return s.finish();
    };
    let bottom = TOP + ROW * rows.len() as f64;
    for (x, label) in axis.money_ticks() {
        s.line(x, TOP - 6.0, x, bottom, colour::GRID, 1.0);
        s.text(
            x,
            bottom + 16.0,
            Anchor::Middle,
            11.0,
            colour::MUTED,
            &label,
        );
    }
    if let Some(h) = headline.filter(|h| *h > 0.0) {
        let x = axis.x(h);
        s.group_with_tooltip(&format!("headline {}", svg::money(h)));
        s.line(x, TOP - 10.0, x, bottom, colour::CENTRAL, 1.0);
        s.end_group();
        s.text(
            x + 3.0,
            TOP - 12.0,
            Anchor::Start,
            11.0,
            colour::TEXT,
            &format!("headline {}", svg::money(h)),
        );
    }
    for (k, r) in rows.iter().enumerate() {
        let y = TOP + ROW * k as f64 + ROW / 2.0;
        if k % 2 == 1 {
            s.rect(0.0, y - ROW / 2.0, WIDTH, ROW, "#f6f6f6", "opacity=\"0.6\"");
        }
        let label = match &r.per {
            Some(per) => format!("{} ({per})", r.label),
            None => r.label.clone(),
        };
        s.text(LEFT - 8.0, y + 4.0, Anchor::End, 12.0, colour::TEXT, &label);
        s.group_with_tooltip(&format!(
            "{}: median {}, 90% interval {} to {}",
            label,
            svg::money(r.p50),
            svg::money(r.p5),
            svg::money(r.p95),
        ));
        let (x5, x95) = (axis.x(r.p5), axis.x(r.p95));
        s.rect(
            x5,
            y - 7.0,
            (x95 - x5).max(2.0),
            14.0,
            colour::INTERVAL,
            "rx=\"2\"",
        );
        let xm = axis.x(r.p50);
        s.line(xm, y - 9.0, xm, y + 9.0, colour::MEDIAN, 3.0);
        s.end_group();
        s.text(
            x95 + 6.0,
            y + 4.0,
            Anchor::Start,
            10.0,
            colour::MUTED,
            &svg::money(r.p50),
        );
        // Claims with the same number, bound and verdict share one mark, with a count.
        let mut merged: Vec<(Marker, usize)> = Vec::new();
        for m in &r.markers {
            match merged.iter_mut().find(|(o, _)| {
                o.value == m.value
                    && o.high == m.high
                    && o.shape == m.shape
                    && o.verdict == m.verdict
            }) {
                Some((o, n)) => {
                    o.label = format!("{}\n{}", o.label, m.label);
                    *n += 1;
                }
                None => merged.push((m.clone(), 1)),
            }
        }
        for (m, count) in &merged {
            let fill = match m.verdict {
                Verdict::Consistent => colour::CLAIM,
                Verdict::Erroneous => colour::ERRONEOUS,
                _ => colour::OUTSIDE,
            };
            let x = axis.x(m.value);
            let ym = y + 12.0;
            s.group_with_tooltip(&m.label);
            match (m.verdict, m.shape) {
                (Verdict::Erroneous, _) => {
                    s.line(x - 5.0, ym - 5.0, x + 5.0, ym + 5.0, fill, 2.5);
                    s.line(x - 5.0, ym + 5.0, x + 5.0, ym - 5.0, fill, 2.5);
                }
                (_, Shape::Point) => s.circle(x, ym, 4.5, fill, "#ffffff"),
                (_, Shape::AtLeast) => s.polygon(
                    &[(x, ym - 5.0), (x + 8.0, ym), (x, ym + 5.0)],
                    fill,
                    "#ffffff",
                ),
                (_, Shape::AtMost) => s.polygon(
                    &[(x, ym - 5.0), (x - 8.0, ym), (x, ym + 5.0)],
                    fill,
                    "#ffffff",
                ),
                (_, Shape::Range) => {
                    let x2 = axis.x(m.high.unwrap_or(m.value));
                    s.rect(x, ym - 2.5, (x2 - x).max(3.0), 5.0, fill, "");
                }
            }
            if *count > 1 {
                s.text(
                    x - 6.0,
                    ym + 4.0,
                    Anchor::End,
                    10.0,
                    fill,
                    &format!("{count}x"),
                );
            }
            s.end_group();
        }
    }
    // Legend.
    let ly = bottom + 40.0;
    s.rect(10.0, ly - 9.0, 24.0, 10.0, colour::INTERVAL, "");
    s.text(38.0, ly, Anchor::Start, 11.0, colour::TEXT, "90% interval");
    s.line(130.0, ly - 10.0, 130.0, ly + 2.0, colour::MEDIAN, 3.0);
    s.text(136.0, ly, Anchor::Start, 11.0, colour::TEXT, "median");
    if rows.iter().any(|r| !r.markers.is_empty()) {
        s.circle(262.0, ly - 4.0, 4.5, colour::CLAIM, "#ffffff");
        s.text(
            270.0,
            ly,
            Anchor::Start,
            11.0,
            colour::TEXT,
            "claim (triangle: at least / at most)",
        );
        s.circle(480.0, ly - 4.0, 4.5, colour::OUTSIDE, "#ffffff");
        s.text(488.0, ly, Anchor::Start, 11.0, colour::TEXT, "outside");
        s.line(540.0, ly - 9.0, 548.0, ly + 1.0, colour::ERRONEOUS, 2.5);
        s.line(540.0, ly + 1.0, 548.0, ly - 9.0, colour::ERRONEOUS, 2.5);
        s.text(
            554.0,
            ly,
            Anchor::Start,
            11.0,
            colour::TEXT,
            "erroneous (not evidence)",
        );
    }
    s.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chart::svg::check_xml;

    fn row(label: &str, p5: f64, p95: f64, markers: Vec<Marker>) -> Row {
        Row {
            label: label.into(),
            per: None,
            p5,
            p50: (p5 * p95).sqrt(),
            p95,
            markers,
        }
    }

    #[test]
    fn a_stack_with_markers_is_well_formed_and_escapes_labels() {
        let m = |v, verdict, shape| Marker {
            value: v,
            high: Some(v * 2.0),
            shape,
            label: "Dylan \"SemiAnalysis\" <O'Laughlin> & co".into(),
            verdict,
        };
        let rows = vec![
            row(
                "final-run-rental",
                5.576e6,
                5.576e6,
                vec![m(5.576e9, Verdict::Erroneous, Shape::Point)],
            ),
            row(
                "fleet",
                9.7e8,
                2.98e9,
                vec![
                    m(1.6e9, Verdict::Consistent, Shape::Point),
                    m(5e8, Verdict::Consistent, Shape::AtLeast),
                    m(5e8, Verdict::Below, Shape::AtMost),
                    m(5e8, Verdict::Consistent, Shape::Range),
                ],
            ),
        ];
        let svg = render("A <title> & \"quotes\"", &rows, Some(5.576e6));
        let n = check_xml(&svg).unwrap_or_else(|e| panic!("{e}\n{svg}"));
        assert!(n > 20);
        assert!(svg.contains("&lt;O&#39;Laughlin&gt; &amp; co"));
        assert!(svg.contains(">final-run-rental<"));
        assert!(svg.contains("headline $5.576M"));
    }

    #[test]
    fn nothing_to_draw_is_still_a_valid_chart() {
        let svg = render("empty", &[], None);
        assert!(check_xml(&svg).is_ok());
        let zero = render("zero", &[row("x", 0.0, 0.0, Vec::new())], None);
        assert!(check_xml(&zero).is_ok());
    }
}
