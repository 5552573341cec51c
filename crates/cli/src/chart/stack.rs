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

/// The layer id of a row's label (`= total-compute-rental` -> `total-compute-rental`).
fn layer_id(label: &str) -> &str {
    label.strip_prefix("= ").unwrap_or(label)
}

/// The chart of a reconciliation: layers and totals with every compared or erroneous claim
/// about their scope as a marker.
pub(crate) fn from_reconciliation(r: &Reconciliation) -> String {
    from_reconciliation_layout(r, Layout::Wide)
}

/// [`from_reconciliation`] in `layout`.
pub(crate) fn from_reconciliation_layout(r: &Reconciliation, layout: Layout) -> String {
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
                            crate::format::claim_value(&c.value, &c.unit),
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
    render_layout(
        &format!(
            "{}: cost stack and sourced claims, {} USD, log scale, 90% intervals",
            r.title, r.dollar_year
        ),
        &rows,
        r.headline.as_ref().map(|h| h.value),
        layout,
    )
}

/// How the chart is laid out: wide (labels in a column left of the bars, for files and
/// desktops) or narrow (labels above the bars, for phones: drawn at about the width it is
/// shown at, so its text is not shrunk).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Layout {
    /// 760 px, labels left of the bars.
    Wide,
    /// 400 px, labels above the bars, the legend one item per line.
    Narrow,
}

struct Geometry {
    width: f64,
    left: f64,
    right: f64,
    top: f64,
    row: f64,
}

impl Layout {
    fn geometry(self) -> Geometry {
        match self {
            Layout::Wide => Geometry {
                width: 760.0,
                left: 250.0,
                right: 30.0,
                top: 56.0,
                row: 40.0,
            },
            Layout::Narrow => Geometry {
                width: 400.0,
                left: 12.0,
                right: 16.0,
                top: 78.0,
                row: 48.0,
            },
        }
    }
}

/// Draws `rows` under `title`, wide; `headline` adds a dashed reference line.
pub(crate) fn render(title: &str, rows: &[Row], headline: Option<f64>) -> String {
    render_layout(title, rows, headline, Layout::Wide)
}

/// `text` in lines of at most `chars` characters, broken at spaces.
fn wrap(text: &str, chars: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        match lines.last_mut() {
            Some(l) if l.chars().count() + 1 + word.chars().count() <= chars => {
                l.push(' ');
                l.push_str(word);
            }
            _ => lines.push(word.to_owned()),
        }
    }
    lines
}

/// Draws `rows` under `title` in `layout`; `headline` adds a dashed reference line.
pub(crate) fn render_layout(
    title: &str,
    rows: &[Row],
    headline: Option<f64>,
    layout: Layout,
) -> String {
    let g = layout.geometry();
    let narrow = layout == Layout::Narrow;
    let (width, left, right, top, row) = (g.width, g.left, g.right, g.top, g.row);
    let values = rows.iter().flat_map(|r| {
        [r.p5, r.p50, r.p95].into_iter().chain(
            r.markers
                .iter()
                .flat_map(|m| std::iter::once(m.value).chain(m.high)),
        )
    });
    let has_markers = rows.iter().any(|r| !r.markers.is_empty());
    let legend_h = if narrow && has_markers {
        12.0 + 3.0 * 18.0
    } else {
        12.0
    };
    let height = top + row * rows.len().max(1) as f64 + 40.0 + legend_h;
    let mut s = Svg::new(width, height, title);
    if narrow {
        // The title in two lines at most, each within the width.
        let chars = ((width - 20.0) / (13.0 * 0.56)) as usize;
        for (k, line) in wrap(title, chars).iter().take(2).enumerate() {
            s.text(
                10.0,
                18.0 + 17.0 * k as f64,
                Anchor::Start,
                13.0,
                colour::TEXT,
                line,
            );
        }
    } else {
        s.text(10.0, 22.0, Anchor::Start, 14.0, colour::TEXT, title);
    }
    let Some(axis) = LogAxis::covering(values.chain(headline), left, width - right) else {
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
    let bottom = top + row * rows.len() as f64;
    for (x, label) in axis.money_ticks() {
        s.line(x, top - 6.0, x, bottom, colour::GRID, 1.0);
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
        s.line(x, top - 10.0, x, bottom, colour::CENTRAL, 1.0);
        s.end_group();
        let text = format!("headline {}", svg::money(h));
        // On the side of the line with room for it.
        let (tx, anchor) = if x + 3.0 + svg::text_width(&text, 11.0) <= width - 4.0 {
            (x + 3.0, Anchor::Start)
        } else {
            (x - 3.0, Anchor::End)
        };
        s.text(tx, top - 12.0, anchor, 11.0, colour::TEXT, &text);
    }
    for (k, r) in rows.iter().enumerate() {
        let y = top + row * k as f64 + row / 2.0;
        if k % 2 == 1 {
            s.rect(0.0, y - row / 2.0, width, row, "#f6f6f6", "opacity=\"0.6\"");
        }
        let label = match &r.per {
            Some(per) => format!("{} ({per})", r.label),
            None => r.label.clone(),
        };
        if narrow {
            // The label and the median above the bar: the bar gets the whole width. A
            // backdrop keeps the grid and the headline's line from running through it.
            let text = format!("{label}: {}", svg::money(r.p50));
            s.rect(
                left - 2.0,
                y - 24.0,
                svg::text_width(&text, 12.0) + 4.0,
                16.0,
                "#ffffff",
                "opacity=\"0.85\"",
            );
            s.text(left, y - 12.0, Anchor::Start, 12.0, colour::TEXT, &text);
        } else {
            s.text(left - 8.0, y + 4.0, Anchor::End, 12.0, colour::TEXT, &label);
        }
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
            &format!(
                "rx=\"2\" data-layer=\"{}\"",
                svg::escape(layer_id(&r.label))
            ),
        );
        let xm = axis.x(r.p50);
        s.line(xm, y - 9.0, xm, y + 9.0, colour::MEDIAN, 3.0);
        s.end_group();
        if !narrow {
            let text = svg::money(r.p50);
            // Beside the bar where it fits, else before it.
            let (tx, anchor) = if x95 + 6.0 + svg::text_width(&text, 10.0) <= width - 2.0 {
                (x95 + 6.0, Anchor::Start)
            } else {
                (x5 - 6.0, Anchor::End)
            };
            s.text(tx, y + 4.0, anchor, 10.0, colour::MUTED, &text);
        }
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
    if has_markers && narrow {
        let items: [(&str, &str); 3] = [
            (colour::CLAIM, "claim (triangle: at least / at most)"),
            (colour::OUTSIDE, "outside the 90% interval"),
            (colour::ERRONEOUS, "erroneous (not evidence)"),
        ];
        for (k, (fill, text)) in items.into_iter().enumerate() {
            let y = ly + 18.0 * (k + 1) as f64;
            if k == 2 {
                s.line(10.0, y - 9.0, 18.0, y + 1.0, fill, 2.5);
                s.line(10.0, y + 1.0, 18.0, y - 9.0, fill, 2.5);
            } else {
                s.circle(14.0, y - 4.0, 4.5, fill, "#ffffff");
            }
            s.text(24.0, y, Anchor::Start, 11.0, colour::TEXT, text);
        }
    } else if has_markers {
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
    fn the_narrow_layout_puts_labels_above_full_width_bars() {
        let rows = vec![
            row("final-run-rental", 5.576e6, 5.576e6, Vec::new()),
            row(
                "= total-model-development-ownership",
                2e7,
                4.6e7,
                Vec::new(),
            ),
            row("fleet", 9.7e8, 2.98e9, Vec::new()),
        ];
        let title =
            "DeepSeek-V3: cost stack and sourced claims, 2025 USD, log scale, 90% intervals";
        let doc = render_layout(title, &rows, Some(5.576e6), Layout::Narrow);
        check_xml(&doc).unwrap_or_else(|e| panic!("{e}\n{doc}"));
        assert!(doc.contains("width=\"400\""));
        for id in [
            "final-run-rental",
            "total-model-development-ownership",
            "fleet",
        ] {
            assert!(doc.contains(&format!("data-layer=\"{id}\"")), "{id}");
        }
        // The label column is gone: the fleet's bar ends within the width.
        assert!(doc.contains(">fleet: $"));
        for t in doc.split("<text x=\"").skip(1) {
            let x: f64 = t[..t.find('"').unwrap()].parse().unwrap();
            let body = &t[t.find('>').unwrap() + 1..t.find("</text>").unwrap()];
            if t.contains("text-anchor=\"start\"") {
                assert!(x + svg::text_width(body, 13.0) <= 400.0, "{body}");
            }
        }
    }

    #[test]
    fn nothing_to_draw_is_still_a_valid_chart() {
        let svg = render("empty", &[], None);
        assert!(check_xml(&svg).is_ok());
        let zero = render("zero", &[row("x", 0.0, 0.0, Vec::new())], None);
        assert!(check_xml(&zero).is_ok());
    }
}
