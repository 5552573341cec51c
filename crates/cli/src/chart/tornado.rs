//! The tornado chart: for each uncertain input, a horizontal bar from the output's median with
//! the input at its 5th percentile to the median with the input at its 95th, around the median
//! with every input uncertain. Bars are drawn in the tornado's order (largest swing first).
//!
//! Hand-written, standalone SVG on the shared primitives of [`super::svg`]: no fonts or system
//! libraries, a generic font family, every text escaped.

use traincost_core::sensitivity::{Bar, Tornado};
use traincost_core::units::format_money;

use super::svg::{Anchor, LinearAxis, Svg, colour, text_width};

const WIDTH_PLOT: f64 = 520.0;
/// Room at each end of the plot for the value labels.
const VALUE_ROOM: f64 = 72.0;
const ROW: f64 = 44.0;
const BAR: f64 = 18.0;
const TOP: f64 = 96.0;
const MAX_LABEL_CHARS: usize = 60;

/// Width of the narrow layout (phones): labels above the bars, text wrapped.
const NARROW_WIDTH: f64 = 400.0;
/// Rows of the narrow layout hold the input's name and range above its bar.
const NARROW_ROW: f64 = 62.0;

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

/// The tornado of `t` as a standalone SVG document.
pub(crate) fn svg(t: &Tornado) -> String {
    svg_layout(t, false)
}

/// The tornado of `t` laid out for a phone: 400 px wide, each input's name and range above
/// its bar, titles and notes wrapped, so that it is shown at about its own size.
pub(crate) fn svg_narrow(t: &Tornado) -> String {
    svg_layout(t, true)
}

fn svg_layout(t: &Tornado, narrow: bool) -> String {
    let labels = t
        .bars
        .iter()
        .map(|b| text_width(&truncate(&b.input, MAX_LABEL_CHARS), 12.0))
        .fold(0.0, f64::max);
    let (x0, x1) = if narrow {
        (0.0, NARROW_WIDTH - 8.0)
    } else {
        let x0 = (labels + 32.0).clamp(180.0, 440.0);
        (x0, x0 + WIDTH_PLOT)
    };
    let row_h = if narrow { NARROW_ROW } else { ROW };
    let title = format!("What drives {}", t.label);
    let subtitle = format!(
        "Tornado of {}: median {} with every input uncertain",
        t.output,
        value(t.median, &t.unit)
    );
    let note = format!(
        "Each bar: the median of {} with one input fixed at its 5th or 95th percentile, every \
         other input uncertain.",
        t.label
    );
    let note2 = format!(
        "{} Monte Carlo samples per run, the same random numbers in every run; largest swing first.",
        crate::format::count(t.samples)
    );
    // Wide enough for the plot, the title and the notes; narrow: wrapped to the width.
    let width = if narrow {
        NARROW_WIDTH
    } else {
        (x1 + 24.0)
            .max(text_width(&title, 16.0) + 32.0)
            .max(text_width(&note, 11.0) + 32.0)
            .ceil()
    };
    let chars = |size: f64| ((width - 32.0) / (size * 0.56)) as usize;
    let (title_lines, subtitle_lines, note_lines) = if narrow {
        (
            wrap(&title, chars(16.0)),
            wrap(&subtitle, chars(12.0)),
            wrap(&note, chars(11.0))
                .into_iter()
                .chain(wrap(&note2, chars(11.0)))
                .collect::<Vec<_>>(),
        )
    } else {
        (
            vec![title.clone()],
            vec![subtitle.clone()],
            vec![note.clone(), note2.clone()],
        )
    };
    // The header: title, subtitle, legend (two lines when narrow).
    let head = 20.0 * title_lines.len() as f64 + 16.0 * subtitle_lines.len() as f64;
    let legend_y = 8.0 + head;
    let top = if narrow {
        legend_y + 2.0 * 18.0 + 26.0
    } else {
        TOP
    };
    let rows = t.bars.len().max(1) as f64;
    let plot_bottom = top + rows * row_h;
    let height = plot_bottom + 30.0 + 16.0 * note_lines.len() as f64;

    let values = t
        .bars
        .iter()
        .flat_map(|b| [b.output_at_p5, b.output_at_p95])
        .chain([t.median]);
    let axis =
        LinearAxis::covering(values, x0 + VALUE_ROOM, x1 - VALUE_ROOM).unwrap_or(LinearAxis {
            lo: 0.0,
            hi: 1.0,
            x0: x0 + VALUE_ROOM,
            x1: x1 - VALUE_ROOM,
        });

    let mut s = Svg::new(width, height, &title);
    if narrow {
        let mut y = 6.0;
        for l in &title_lines {
            y += 20.0;
            s.text(16.0, y, Anchor::Start, 16.0, colour::TEXT, l);
        }
        for l in &subtitle_lines {
            y += 16.0;
            s.text(16.0, y, Anchor::Start, 12.0, colour::MUTED, l);
        }
        for (k, (fill, text)) in [
            (colour::LOW, "input at its 5th percentile"),
            (colour::HIGH, "input at its 95th percentile"),
        ]
        .into_iter()
        .enumerate()
        {
            let y = legend_y + 12.0 + 18.0 * k as f64;
            s.rect(16.0, y, 12.0, 12.0, fill, "");
            s.text(34.0, y + 10.0, Anchor::Start, 12.0, colour::TEXT, text);
        }
    } else {
        s.text(16.0, 26.0, Anchor::Start, 16.0, colour::TEXT, &title);
        s.text(16.0, 46.0, Anchor::Start, 12.0, colour::MUTED, &subtitle);
        // Legend.
        s.rect(16.0, 60.0, 12.0, 12.0, colour::LOW, "");
        s.text(
            34.0,
            70.0,
            Anchor::Start,
            12.0,
            colour::TEXT,
            "input at its 5th percentile",
        );
        s.rect(220.0, 60.0, 12.0, 12.0, colour::HIGH, "");
        s.text(
            238.0,
            70.0,
            Anchor::Start,
            12.0,
            colour::TEXT,
            "input at its 95th percentile",
        );
    }

    // Grid and tick labels.
    for tick in axis.ticks() {
        let x = axis.x(tick);
        s.line(x, top - 6.0, x, plot_bottom, colour::GRID, 1.0);
        let label = tick_label(tick, &t.unit);
        s.text(
            x,
            plot_bottom + 16.0,
            Anchor::Middle,
            11.0,
            colour::MUTED,
            &label,
        );
    }

    if t.bars.is_empty() {
        s.text(
            x0.max(16.0),
            top + row_h / 2.0 + 4.0,
            Anchor::Start,
            12.0,
            colour::MUTED,
            "No uncertain input moves this output.",
        );
    }
    for (i, b) in t.bars.iter().enumerate() {
        bar(&mut s, b, t, top + i as f64 * row_h, &axis, narrow);
    }

    // The median line on top of the bars.
    let xm = axis.x(t.median);
    s.line(xm, top - 6.0, xm, plot_bottom, colour::TEXT, 1.5);
    let median = format!("median {}", value(t.median, &t.unit));
    s.text(xm, top - 10.0, Anchor::Middle, 11.0, colour::TEXT, &median);
    for (k, l) in note_lines.iter().enumerate() {
        s.text(
            16.0,
            plot_bottom + 40.0 + 16.0 * k as f64,
            Anchor::Start,
            11.0,
            colour::MUTED,
            l,
        );
    }
    s.finish()
}

/// One bar with its labels, in row `y`.
fn bar(s: &mut Svg, b: &Bar, t: &Tornado, y: f64, axis: &LinearAxis, narrow: bool) {
    let xm = axis.x(t.median);
    let (xl, xh) = (axis.x(b.output_at_p5), axis.x(b.output_at_p95));
    // Narrow: the name and range above the bar; wide: in the label column beside it.
    let (bar_y, label_y) = if narrow {
        (y + 36.0, y - 6.0)
    } else {
        (y + 6.0, y + 6.0)
    };
    s.group_with_tooltip(&format!(
        "{}: {} at {} gives {}; at {} gives {}",
        b.input,
        t.output,
        value(b.input_p5, &b.unit),
        value(b.output_at_p5, &t.unit),
        value(b.input_p95, &b.unit),
        value(b.output_at_p95, &t.unit),
    ));
    // The input's name and its range, in the label column.
    let name = truncate(&b.input, if narrow { 54 } else { MAX_LABEL_CHARS });
    s.text(
        16.0,
        label_y + 12.0,
        Anchor::Start,
        12.0,
        colour::TEXT,
        &name,
    );
    let range = format!(
        "{} to {}",
        value(b.input_p5, &b.unit),
        value(b.input_p95, &b.unit)
    );
    s.text(
        16.0,
        label_y + 26.0,
        Anchor::Start,
        10.0,
        colour::MUTED,
        &range,
    );
    // The longer half first, so that a shorter one on the same side stays visible.
    let mut halves = [(xl, colour::LOW), (xh, colour::HIGH)];
    halves.sort_by(|a, b| (b.0 - xm).abs().total_cmp(&(a.0 - xm).abs()));
    for (x, fill) in halves {
        let (left, w) = if x < xm { (x, xm - x) } else { (xm, x - xm) };
        s.rect(left, bar_y, w.max(1.0), BAR, fill, "class=\"half\"");
    }
    // Output values at the ends of the bar.
    let text_y = bar_y + 13.0;
    let outward = |x: f64| {
        if x < xm {
            (x - 4.0, Anchor::End)
        } else {
            (x + 4.0, Anchor::Start)
        }
    };
    let lv = value(b.output_at_p5, &t.unit);
    let hv = value(b.output_at_p95, &t.unit);
    if (xl < xm) != (xh < xm) || xl == xm || xh == xm {
        for (x, v) in [(xl, lv), (xh, hv)] {
            let (tx, anchor) = outward(x);
            s.text(tx, text_y, anchor, 11.0, colour::TEXT, &v);
        }
    } else {
        // Both ends on one side: one label at the far end.
        let far = if (xl - xm).abs() >= (xh - xm).abs() {
            xl
        } else {
            xh
        };
        let (tx, anchor) = outward(far);
        s.text(
            tx,
            text_y,
            anchor,
            11.0,
            colour::TEXT,
            &format!("{lv} / {hv}"),
        );
    }
    s.end_group();
}

/// A value in its unit, for people: money as `$9.736M`, `$2.00/GPU-hour`; other units after
/// the number (`0.6 x` is written `0.6x`).
pub(crate) fn value(v: f64, unit: &str) -> String {
    if let Some(rest) = unit.strip_prefix("USD") {
        let sign = if v < 0.0 { "-" } else { "" };
        let a = v.abs();
        let amount = if a >= 1e3 {
            format_money(a)
        } else {
            crate::format::number(a)
        };
        return format!("{sign}${amount}{rest}");
    }
    let n = crate::format::number(v);
    match unit {
        "" => n,
        "x" => format!("{n}x"),
        "fraction" => n,
        u => format!("{n} {u}"),
    }
}

/// A tick's label: [`value`] without trailing zeros (`$8M`, not `$8.000M`).
fn tick_label(v: f64, unit: &str) -> String {
    let s = value(v, unit);
    let Some(dot) = s.find('.') else {
        return s;
    };
    let digits_end = s[dot + 1..]
        .find(|c: char| !c.is_ascii_digit())
        .map_or(s.len(), |i| dot + 1 + i);
    let decimals = s[dot + 1..digits_end].trim_end_matches('0');
    let int = &s[..dot];
    let rest = &s[digits_end..];
    if decimals.is_empty() {
        format!("{int}{rest}")
    } else {
        format!("{int}.{decimals}{rest}")
    }
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_owned()
    } else {
        let mut t: String = s.chars().take(max - 1).collect();
        t.push('…');
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bar(input: &str, lo: f64, hi: f64) -> Bar {
        Bar {
            input: input.to_owned(),
            unit: "x".to_owned(),
            input_p5: 0.5,
            input_p95: 2.0,
            output_at_p5: lo,
            output_at_p95: hi,
            swing: (hi - lo).abs(),
            claims: vec![],
            assumption: Some("a guess".to_owned()),
        }
    }

    fn tornado(bars: Vec<Bar>) -> Tornado {
        Tornado {
            output: "development-compute".to_owned(),
            label: "Development compute".to_owned(),
            unit: "USD".to_owned(),
            median: 10e6,
            samples: 1000,
            bars,
        }
    }

    fn assert_well_formed(doc: &str) {
        if let Err(e) = super::super::svg::check_xml(doc) {
            panic!("not well-formed: {e}\n{doc}");
        }
    }

    /// Every `<text>` of `doc` as (x, anchor, font size, text).
    fn texts(doc: &str) -> Vec<(f64, String, f64, String)> {
        doc.split("<text ")
            .skip(1)
            .map(|t| {
                let attr = |name: &str| {
                    let i = t.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
                    t[i..i + t[i..].find('"').unwrap()].to_owned()
                };
                let body = &t[t.find('>').unwrap() + 1..t.find("</text>").unwrap()];
                (
                    attr("x").parse().unwrap(),
                    attr("text-anchor"),
                    attr("font-size").parse().unwrap(),
                    body.to_owned(),
                )
            })
            .collect()
    }

    #[test]
    fn the_narrow_layout_keeps_every_label_within_400_px() {
        let t = tornado(vec![
            bar("development.multiplier", 6e6, 16e6),
            bar(
                "staff.groups.research-and-engineering.compensation_usd_per_year",
                7e6,
                13e6,
            ),
        ]);
        let doc = svg_narrow(&t);
        assert_well_formed(&doc);
        assert!(doc.contains("width=\"400\""));
        let all = texts(&doc);
        assert!(all.len() > 8);
        for (x, anchor, size, text) in all {
            let w = text_width(&text, size);
            let (left, right) = match anchor.as_str() {
                "start" => (x, x + w),
                "end" => (x - w, x),
                _ => (x - w / 2.0, x + w / 2.0),
            };
            assert!(
                left >= 0.0 && right <= 400.0,
                "{text:?} spans {left}-{right}"
            );
        }
    }

    #[test]
    fn every_bar_is_labelled_and_the_document_is_well_formed() {
        let t = tornado(vec![
            bar("development.multiplier", 6e6, 16e6),
            bar("ownership.purchase_price", 7e6, 13e6),
            bar("ownership.pue", 9.8e6, 10.3e6),
        ]);
        let doc = svg(&t);
        assert_well_formed(&doc);
        assert!(doc.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(doc.contains("sans-serif"));
        for name in [
            "development.multiplier",
            "ownership.purchase_price",
            "ownership.pue",
        ] {
            assert!(doc.contains(&format!(">{name}</text>")), "{name}");
        }
        // Low and high output values are labelled.
        for v in ["$6.000M", "$16.00M", "$7.000M", "$13.00M", "median $10.00M"] {
            assert!(doc.contains(v), "{v}");
        }
        // Input ranges are labelled.
        assert!(doc.contains("0.5x to 2x"));
        // Two halves per bar.
        let low = format!("fill=\"{}\" class=\"half\"", colour::LOW);
        let high = format!("fill=\"{}\" class=\"half\"", colour::HIGH);
        assert_eq!(doc.matches(&low).count(), 3);
        assert_eq!(doc.matches(&high).count(), 3);
    }

    #[test]
    fn bars_are_drawn_in_order_and_widths_follow_the_swing() {
        let t = tornado(vec![bar("a.big", 5e6, 15e6), bar("b.small", 9e6, 11e6)]);
        let doc = svg(&t);
        let a = doc.find(">a.big<").unwrap();
        let b = doc.find(">b.small<").unwrap();
        assert!(a < b);
        let widths: Vec<f64> = doc
            .match_indices("<rect x=")
            .filter_map(|(i, _)| {
                let tag = &doc[i..i + doc[i..].find("/>").unwrap()];
                if !tag.contains("class=\"half\"") {
                    return None;
                }
                let w = tag.split("width=\"").nth(1)?.split('"').next()?;
                w.parse().ok()
            })
            .collect();
        assert_eq!(widths.len(), 4);
        // Each half of the big bar is five times as long as the small one's.
        assert!((widths[0] / widths[2] - 5.0).abs() < 0.05, "{widths:?}");
    }

    #[test]
    fn text_is_escaped_and_an_empty_tornado_is_still_a_chart() {
        let mut t = tornado(vec![bar("staff.groups.R&D <core>.fte", 9e6, 11e6)]);
        t.label = "Staff \"all\" & co".to_owned();
        let doc = svg(&t);
        assert_well_formed(&doc);
        assert!(doc.contains("staff.groups.R&amp;D &lt;core&gt;.fte"));
        assert!(!doc.contains("<core>"));

        let empty = svg(&tornado(vec![]));
        assert_well_formed(&empty);
        assert!(empty.contains("No uncertain input moves this output."));
    }

    #[test]
    fn bars_on_one_side_of_the_median_and_degenerate_ranges_do_not_break_the_chart() {
        let mut t = tornado(vec![bar("x.one_sided", 11e6, 14e6)]);
        let doc = svg(&t);
        assert_well_formed(&doc);
        assert!(doc.contains("$11.00M / $14.00M"));
        t.bars = vec![bar("x.flat", 10e6, 10e6)];
        t.median = 0.0;
        t.bars[0].output_at_p5 = 0.0;
        t.bars[0].output_at_p95 = 0.0;
        let doc = svg(&t);
        assert_well_formed(&doc);
        assert!(!doc.contains("NaN") && !doc.contains("inf"));
    }

    #[test]
    fn values_carry_their_units() {
        assert_eq!(value(9_736_000.0, "USD"), "$9.736M");
        assert_eq!(value(25_000.0, "USD/GPU"), "$25.00K/GPU");
        assert_eq!(value(2.0, "USD/GPU-hour"), "$2/GPU-hour");
        assert_eq!(value(0.0458, "USD/kWh"), "$0.0458/kWh");
        assert_eq!(value(-1500.0, "USD"), "-$1.500K");
        assert_eq!(value(1.5, "x"), "1.5x");
        assert_eq!(value(0.3, "fraction"), "0.3");
        assert_eq!(value(150.0, "people"), "150 people");
    }

    #[test]
    fn tick_labels_drop_trailing_zeros() {
        assert_eq!(tick_label(8e6, "USD"), "$8M");
        assert_eq!(tick_label(12.5e6, "USD"), "$12.5M");
        assert_eq!(tick_label(2.0, "x"), "2x");
        assert_eq!(tick_label(1500.0, "USD/year"), "$1.5K/year");
    }
}
