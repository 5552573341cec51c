//! "Where the money goes": a linear waterfall from the final run to the model's total on one
//! basis (`traincost_analysis::bottom_line::Waterfall`). Each step is a layer's mean, drawn
//! from where the previous one ended: means add up, medians do not. The total's bar ends at
//! its mean; its 90% interval and median are drawn over it. Labels sit above the bars, so the
//! chart stays legible when it is scaled down to a phone's width.

use super::svg::{self, Anchor, LinearAxis, Svg, colour};
use traincost_analysis::bottom_line::Waterfall;

const WIDTH: f64 = 420.0;
const LEFT: f64 = 12.0;
const RIGHT: f64 = 20.0;
const TOP: f64 = 58.0;
const ROW: f64 = 46.0;

/// The waterfall of `w` for `title` (the model), in `dollars` USD.
pub(crate) fn render(title: &str, dollars: &str, w: &Waterfall) -> String {
    let heading = format!(
        "{title}: where the money goes, {} basis, {dollars} USD, linear scale (means)",
        w.basis
    );
    let rows = w.steps.len() + 1;
    let height = TOP + ROW * rows as f64 + 66.0;
    let mut s = Svg::new(WIDTH, height, &heading);
    s.text(
        LEFT,
        18.0,
        Anchor::Start,
        13.0,
        colour::TEXT,
        &format!("Where the money goes ({} basis)", w.basis),
    );
    for (k, line) in [
        format!("{dollars} USD, linear scale"),
        "bars are means, which add up (medians do not)".to_owned(),
    ]
    .iter()
    .enumerate()
    {
        s.text(
            LEFT,
            33.0 + 14.0 * k as f64,
            Anchor::Start,
            11.0,
            colour::MUTED,
            line,
        );
    }
    let values = [0.0, w.total_mean, w.total.p95]
        .into_iter()
        .chain(w.steps.iter().map(|st| st.mean));
    let Some(axis) = LinearAxis::covering(values, LEFT, WIDTH - RIGHT) else {
        return s.finish();
    };
    let bottom = TOP + ROW * rows as f64;
    for t in axis.ticks() {
        let x = axis.x(t);
        s.line(x, TOP, x, bottom, colour::GRID, 1.0);
        s.text(
            x,
            bottom + 14.0,
            Anchor::Middle,
            11.0,
            colour::MUTED,
            &svg::money_tick(t),
        );
    }
    let mut start = 0.0;
    for (k, st) in w.steps.iter().enumerate() {
        let y = TOP + ROW * k as f64;
        let end = start + st.mean;
        let (x0, x1) = (axis.x(start), axis.x(end));
        let sign = if k == 0 { "" } else { "+ " };
        labelled_bar(
            &mut s,
            y,
            &format!("{sign}{}: {}", st.id, svg::money(st.mean)),
            &format!(
                "{}: mean {}, from {} to {}",
                st.id,
                svg::money(st.mean),
                svg::money(start),
                svg::money(end)
            ),
            (x0, x1),
            colour::INTERVAL,
            &format!("data-layer=\"{}\"", svg::escape(&st.id)),
        );
        s.end_group();
        if k + 1 < w.steps.len() {
            // A connector to the next step's start.
            s.line(x1, y + 38.0, x1, y + ROW + 22.0, colour::MUTED, 1.0);
        }
        start = end;
    }
    let y = TOP + ROW * w.steps.len() as f64;
    let t = &w.total;
    labelled_bar(
        &mut s,
        y,
        &format!("= {}: {}", t.id, svg::money(w.total_mean)),
        &format!(
            "{}: mean {}, median {}, 90% interval {} to {}",
            t.id,
            svg::money(w.total_mean),
            svg::money(t.p50),
            svg::money(t.p5),
            svg::money(t.p95)
        ),
        (axis.x(0.0), axis.x(w.total_mean)),
        colour::MEDIAN,
        &format!("opacity=\"0.35\" data-layer=\"{}\"", svg::escape(&t.id)),
    );
    let (x5, x95) = (axis.x(t.p5), axis.x(t.p95));
    s.line(x5, y + 30.0, x95, y + 30.0, colour::TEXT, 1.5);
    s.line(x5, y + 25.0, x5, y + 35.0, colour::TEXT, 1.5);
    s.line(x95, y + 25.0, x95, y + 35.0, colour::TEXT, 1.5);
    let xm = axis.x(t.p50);
    s.line(xm, y + 20.0, xm, y + 40.0, colour::MEDIAN, 3.0);
    s.end_group();
    let ly = bottom + 36.0;
    s.line(LEFT, ly - 4.0, LEFT + 24.0, ly - 4.0, colour::TEXT, 1.5);
    s.text(
        LEFT + 30.0,
        ly,
        Anchor::Start,
        11.0,
        colour::TEXT,
        &format!(
            "the total's 90% interval: {} to {}",
            svg::money(t.p5),
            svg::money(t.p95)
        ),
    );
    let ly = ly + 18.0;
    s.line(
        LEFT + 12.0,
        ly - 10.0,
        LEFT + 12.0,
        ly + 2.0,
        colour::MEDIAN,
        3.0,
    );
    s.text(
        LEFT + 30.0,
        ly,
        Anchor::Start,
        11.0,
        colour::TEXT,
        &format!("its median: {}", svg::money(t.p50)),
    );
    s.finish()
}

/// One row: its label above, then a tooltip group (left open for the caller to add marks and
/// close) holding the bar from `x0` to `x1`.
fn labelled_bar(
    s: &mut svg::Svg,
    y: f64,
    label: &str,
    tooltip: &str,
    (x0, x1): (f64, f64),
    fill: &str,
    extra: &str,
) {
    s.text(LEFT, y + 16.0, Anchor::Start, 12.0, colour::TEXT, label);
    s.group_with_tooltip(tooltip);
    s.rect(x0, y + 22.0, (x1 - x0).max(2.0), 16.0, fill, extra);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chart::svg::check_xml;
    use traincost_analysis::bottom_line::{Span, Step};
    use traincost_core::stack::Basis;

    #[test]
    fn steps_start_where_the_previous_ended_and_the_total_spans_them() {
        let w = Waterfall {
            basis: Basis::Ownership,
            steps: vec![
                Step {
                    id: "final-run-ownership".into(),
                    mean: 3e6,
                },
                Step {
                    id: "development-compute-ownership".into(),
                    mean: 10e6,
                },
                Step {
                    id: "staff".into(),
                    mean: 17e6,
                },
            ],
            total: Span {
                id: "total-model-development-ownership".into(),
                p5: 20e6,
                p50: 29e6,
                p95: 46e6,
            },
            total_mean: 30e6,
        };
        let svg = render("A <model> & co", "2025", &w);
        check_xml(&svg).unwrap_or_else(|e| panic!("{e}\n{svg}"));
        assert!(svg.contains("A &lt;model&gt; &amp; co"));
        // Bars: x and width of each layer.
        let bar = |id: &str| {
            let at = svg.find(&format!("data-layer=\"{id}\"")).unwrap();
            let start = svg[..at].rfind("<rect").unwrap();
            let tag = &svg[start..at];
            let attr = |name: &str| -> f64 {
                let i = tag.find(&format!(" {name}=\"")).unwrap() + name.len() + 3;
                tag[i..i + tag[i..].find('"').unwrap()].parse().unwrap()
            };
            (attr("x"), attr("width"))
        };
        let (x0, w0) = bar("final-run-ownership");
        let (x1, w1) = bar("development-compute-ownership");
        let (x2, w2) = bar("staff");
        let (xt, wt) = bar("total-model-development-ownership");
        assert!((x0 + w0 - x1).abs() <= 0.2 && (x1 + w1 - x2).abs() <= 0.2);
        assert_eq!(x0, xt);
        assert!((x2 + w2 - (xt + wt)).abs() <= 0.3, "{svg}");
        // Linear: staff's bar is 17/3 of the final run's.
        assert!((w2 / w0 - 17.0 / 3.0).abs() < 0.05);
    }
}
