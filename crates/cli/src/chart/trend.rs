//! Cost against publication date (`traincost models --chart`): each model's final run at
//! ownership cost (Epoch AI's amortized method), median and 90% interval, on a log scale; the
//! fitted growth of Epoch's top-10 frontier set with its slope's 95% interval; and Epoch's
//! published rate through the same centre.

use super::svg::{self, Anchor, LinearAxis, LogAxis, Svg, colour};
use traincost_analysis::models::{ModelRow, Source, Trend};

/// A chart's size: wide (a file, a desktop page) or narrow (a phone: the legend stacks).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Layout {
    width: f64,
    plot_height: f64,
    narrow: bool,
}

const WIDE: Layout = Layout {
    width: 860.0,
    plot_height: 360.0,
    narrow: false,
};
const NARROW: Layout = Layout {
    width: 400.0,
    plot_height: 300.0,
    narrow: true,
};
const LEFT: f64 = 56.0;
const RIGHT: f64 = 16.0;

/// Epoch's published rate.
const PUBLISHED: &str = "#7a0177";

/// A decimal year of a `YYYY-MM-DD` date, as the fit reads it.
fn year(date: &str) -> Option<f64> {
    date.parse()
        .ok()
        .map(traincost_analysis::trend::epoch_decimal_year)
}

/// The chart: every point of the frontier trend (drawn whatever the table's filters), every
/// other row with an ownership median, the fitted line and Epoch's rate.
pub(crate) fn render(rows: &[ModelRow], trend: &Trend, dollars: &str) -> String {
    render_at(rows, trend, dollars, WIDE)
}

/// [`render`] sized for a phone (400 px wide, the legend one entry a line).
pub(crate) fn render_narrow(rows: &[ModelRow], trend: &Trend, dollars: &str) -> String {
    render_at(rows, trend, dollars, NARROW)
}

fn render_at(rows: &[ModelRow], trend: &Trend, dollars: &str, layout: Layout) -> String {
    let title = if layout.narrow {
        format!("Final run at ownership cost, {dollars} USD (log)")
    } else {
        format!(
            "Final-run training cost at ownership cost against publication date, {dollars} USD, log scale, 90% intervals"
        )
    };
    // (year, p5, p50, p95, label, fitted, built-in): every point of the fit, then every
    // other row with an ownership median.
    let mut pts: Vec<(f64, f64, f64, f64, String, bool, bool)> = trend
        .points
        .iter()
        .map(|p| {
            (
                p.year,
                p.ownership.p5,
                p.ownership.p50,
                p.ownership.p95,
                p.model.clone(),
                true,
                false,
            )
        })
        .collect();
    for r in rows {
        let fitted = r.source == Source::Epoch && trend.points.iter().any(|p| p.model == r.title);
        let (Some(y), Some(o), false) = (
            r.publication_date.as_deref().and_then(year),
            r.costed.as_ref().and_then(|c| c.ownership),
            fitted,
        ) else {
            continue;
        };
        pts.push((
            y,
            o.p5,
            o.p50,
            o.p95,
            r.title.clone(),
            false,
            r.source == Source::Builtin,
        ));
    }
    let top = 40.0;
    let (y_top, y_bottom) = (top, top + layout.plot_height);
    // The legend: five entries, on two lines or one a line.
    let legend_lines = if layout.narrow { 5.0 } else { 2.0 };
    let height = y_bottom + 34.0 + legend_lines * 20.0;
    let width = layout.width;
    let mut s = Svg::new(width, height, &title);
    s.text(
        LEFT.min(16.0),
        22.0,
        Anchor::Start,
        14.0,
        colour::TEXT,
        &title,
    );
    let (x0, x1) = (LEFT, width - RIGHT);
    let Some(yaxis) = LogAxis::covering(pts.iter().flat_map(|p| [p.1, p.3]), y_bottom, y_top)
    else {
        s.text(
            width / 2.0,
            (y_top + y_bottom) / 2.0,
            Anchor::Middle,
            13.0,
            colour::MUTED,
            "no model here has an ownership cost to draw",
        );
        return s.finish();
    };
    let xaxis = LinearAxis::covering(pts.iter().map(|p| p.0), x0, x1).unwrap_or(LinearAxis {
        lo: 2015.0,
        hi: 2026.0,
        x0,
        x1,
    });
    // Grid and ticks.
    for (py, label) in yaxis.money_ticks() {
        s.line(x0, py, x1, py, colour::GRID, 1.0);
        s.text(x0 - 6.0, py + 4.0, Anchor::End, 11.0, colour::MUTED, &label);
    }
    for t in xaxis.ticks() {
        let px = xaxis.x(t);
        s.line(px, y_top, px, y_bottom, colour::GRID, 1.0);
        s.text(
            px,
            y_bottom + 16.0,
            Anchor::Middle,
            11.0,
            colour::MUTED,
            &format!("{t:.0}"),
        );
    }
    s.line(x0, y_bottom, x1, y_bottom, colour::TEXT, 1.0);
    s.line(x0, y_top, x0, y_bottom, colour::TEXT, 1.0);

    // Trend lines over the fitted years.
    if let Some(f) = &trend.fit {
        let centre = f.intercept + f.ooms_per_year * f.mean_year;
        let line = |s: &mut Svg, slope: f64, stroke: &str, dash: &str, w: f64| {
            let at = |x: f64| 10f64.powf(centre + slope * (x - f.mean_year));
            let (a, b) = (f.first_year, f.last_year);
            let (p, q) = ((xaxis.x(a), yaxis.x(at(a))), (xaxis.x(b), yaxis.x(at(b))));
            if dash.is_empty() {
                s.line(p.0, p.1, q.0, q.1, stroke, w);
            } else {
                s.dashed_line(p, q, stroke, w, dash);
            }
        };
        line(&mut s, f.ooms_per_year_low, colour::MEDIAN, "2 3", 1.0);
        line(&mut s, f.ooms_per_year_high, colour::MEDIAN, "2 3", 1.0);
        if let Some(p) = &trend.published {
            line(&mut s, p.factor_per_year.log10(), PUBLISHED, "7 4", 1.5);
        }
        line(&mut s, f.ooms_per_year, colour::MEDIAN, "", 2.0);
    }

    // Points: other Epoch rows first, then the fitted frontier, the built-ins on top.
    pts.sort_by(|a, b| (a.6, a.5).cmp(&(b.6, b.5)).then(a.0.total_cmp(&b.0)));
    for (y, p5, p50, p95, label, fitted, builtin) in &pts {
        let px = xaxis.x(*y);
        let (fill, stroke) = match (fitted, builtin) {
            (_, true) => (colour::CLAIM, colour::CLAIM),
            (true, false) => (colour::MEDIAN, colour::MEDIAN),
            (false, false) => ("#ffffff", colour::MUTED),
        };
        s.group_with_tooltip(&format!(
            "{label}: {} ({} to {})",
            svg::money(*p50),
            svg::money(*p5),
            svg::money(*p95)
        ));
        s.line(px, yaxis.x(*p5), px, yaxis.x(*p95), colour::INTERVAL, 1.5);
        s.circle(px, yaxis.x(*p50), 3.5, fill, stroke);
        s.end_group();
    }

    // Legend: (marker, text) entries, flowing on a wide chart, one a line on a narrow one.
    let fit_text = trend.fit.as_ref().map_or_else(
        || "no fit (fewer than three frontier points)".to_owned(),
        |f| {
            let (lo, hi) = f.factor_interval();
            format!(
                "fitted: {:.2}x/year (95% CI {:.2}-{:.2}x), n = {}",
                f.factor_per_year(),
                lo,
                hi,
                f.n
            )
        },
    );
    let published_text = trend.published.as_ref().map_or(String::new(), |p| {
        format!("Epoch AI published: {}x/year", p.factor_per_year)
    });
    type Key<'a> = (&'a dyn Fn(&mut Svg, f64, f64), String);
    let dot = |fill: &'static str, stroke: &'static str| {
        move |s: &mut Svg, x: f64, y: f64| s.circle(x + 6.0, y, 3.5, fill, stroke)
    };
    let (fitted_dot, other_dot, builtin_dot) = (
        dot(colour::MEDIAN, colour::MEDIAN),
        dot("#ffffff", colour::MUTED),
        dot(colour::CLAIM, colour::CLAIM),
    );
    let fit_line = |s: &mut Svg, x: f64, y: f64| s.line(x, y, x + 18.0, y, colour::MEDIAN, 2.0);
    let published_line =
        |s: &mut Svg, x: f64, y: f64| s.dashed_line((x, y), (x + 18.0, y), PUBLISHED, 1.5, "7 4");
    let mut keys: Vec<Key<'_>> = vec![
        (&fitted_dot, "Epoch frontier set (fitted)".to_owned()),
        (&other_dot, "other Epoch rows".to_owned()),
        (&builtin_dot, "built-in scenarios".to_owned()),
        (&fit_line, fit_text),
    ];
    if !published_text.is_empty() {
        keys.push((&published_line, published_text));
    }
    let (mut lx, mut ly) = (x0, y_bottom + 44.0);
    for (i, (draw, text)) in keys.iter().enumerate() {
        let w = 28.0 + svg::text_width(text, 11.0);
        // Wide: the three point keys on one line, the two lines on the next.
        let new_line = if layout.narrow { i > 0 } else { i == 3 };
        if new_line {
            lx = x0;
            ly += 20.0;
        }
        draw(&mut s, lx, ly);
        s.text(lx + 24.0, ly + 4.0, Anchor::Start, 11.0, colour::TEXT, text);
        lx += w + 12.0;
    }
    s.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use traincost_analysis::models::{Costed, Interval, UnitCosts};

    fn row(title: &str, date: &str, p50: f64, frontier: bool) -> ModelRow {
        ModelRow {
            scenario: format!("epoch:{title}"),
            title: title.to_owned(),
            source: Source::Epoch,
            developer: Some("A & B <lab>".to_owned()),
            publication_date: Some(date.to_owned()),
            hardware: None,
            compute_flop: None,
            compute_from: None,
            costed: Some(Costed {
                rental: None,
                ownership: Some(Interval {
                    p50,
                    p5: p50 / 2.0,
                    p95: p50 * 2.0,
                }),
                gpu_hours: None,
                price_index: "ppi-data-processing".to_owned(),
                ownership_missing: None,
                rental_missing: None,
            }),
            rental_unit: UnitCosts::default(),
            ownership_unit: UnitCosts::default(),
            frontier,
            epoch: None,
            not_costed: None,
        }
    }

    #[test]
    fn the_chart_is_well_formed_with_and_without_points() {
        let rows = vec![
            row("A <1>", "2018-01-01", 1e5, true),
            row("B", "2020-06-01", 1e6, true),
            row("C", "2023-03-01", 5e7, true),
            row("D", "2021-03-01", 2e4, false),
        ];
        let claims = traincost_claims::ClaimSet::builtin();
        let points = rows
            .iter()
            .filter(|r| r.frontier)
            .map(|r| traincost_analysis::models::TrendPoint {
                model: r.title.clone(),
                version: "update_2025_06".to_owned(),
                publication_date: r.publication_date.clone().unwrap(),
                year: year(r.publication_date.as_deref().unwrap()).unwrap(),
                ownership: r.costed.as_ref().unwrap().ownership.unwrap(),
            })
            .collect();
        let trend = traincost_analysis::models::frontier_trend(
            points,
            traincost_core::epoch::CodeVersion::Update2025_06,
            "2024",
            claims,
        );
        let svg = render(&rows, &trend, "2024");
        let n = svg::check_xml(&svg).unwrap();
        assert!(n > 30, "{n}");
        assert!(svg.contains("A &lt;1&gt;"));
        assert!(svg.contains("Epoch AI published: 2.4x/year"));
        // The frontier's points are drawn even when no row is shown.
        let only_trend = render(&[], &trend, "2024");
        assert!(only_trend.contains("<circle"));
        let none = traincost_analysis::models::frontier_trend(
            Vec::new(),
            traincost_core::epoch::CodeVersion::Update2025_06,
            "2024",
            claims,
        );
        assert!(none.fit.is_none());
        let empty = render(&[], &none, "2024");
        svg::check_xml(&empty).unwrap();
        assert!(empty.contains("no model here"));
    }
}
