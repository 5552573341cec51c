//! The tornado chart: for each uncertain input, a horizontal bar from the output's median with
//! the input at its 5th percentile to the median with the input at its 95th, around the median
//! with every input uncertain. Bars are drawn in the tornado's order (largest swing first).
//!
//! Hand-written, standalone SVG: no fonts or system libraries, a generic font family, every
//! text escaped. The few primitives it needs (escaping, number formatting, linear ticks) are
//! private here until they move to `chart::svg`.

use std::fmt::Write as _;

use traincost_core::dist::format_number;
use traincost_core::sensitivity::{Bar, Tornado};
use traincost_core::units::format_money;

/// Colour of the part of a bar where the input is at its 5th percentile.
const LOW: &str = "#3b6ea8";
/// Colour of the part of a bar where the input is at its 95th percentile.
const HIGH: &str = "#d1603d";
const INK: &str = "#1f2328";
const MUTED: &str = "#59636e";
const GRID: &str = "#d0d7de";
const FONT: &str =
    "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif";

const WIDTH_PLOT: f64 = 520.0;
/// Room at each end of the plot for the value labels.
const VALUE_ROOM: f64 = 72.0;
const ROW: f64 = 44.0;
const BAR: f64 = 18.0;
const TOP: f64 = 96.0;
const MAX_LABEL_CHARS: usize = 60;

/// The tornado of `t` as a standalone SVG document.
pub(crate) fn svg(t: &Tornado) -> String {
    let longest = t
        .bars
        .iter()
        .map(|b| b.input.chars().count().min(MAX_LABEL_CHARS))
        .max()
        .unwrap_or(0);
    // Text at 12px averages under 7px per character.
    let label_w = (longest as f64 * 7.0 + 24.0).clamp(180.0, 440.0);
    let x0 = label_w;
    let x1 = x0 + WIDTH_PLOT;
    let title = format!("What drives {}", t.label);
    let note = format!(
        "Each bar: the median of {} with one input fixed at its 5th or 95th percentile, every other input uncertain.",
        t.label
    );
    // Wide enough for the plot, the title (16px bold) and the note (11px).
    let width = (x1 + 24.0)
        .max(title.chars().count() as f64 * 9.5 + 32.0)
        .max(note.chars().count() as f64 * 6.0 + 32.0)
        .ceil();
    let rows = t.bars.len().max(1) as f64;
    let plot_bottom = TOP + rows * ROW;
    let height = plot_bottom + 70.0;

    let (lo, hi) = domain(t);
    let scale = |v: f64| x0 + VALUE_ROOM + (v - lo) / (hi - lo) * (WIDTH_PLOT - 2.0 * VALUE_ROOM);

    // Unique per output, so that several charts can be inlined in one HTML page.
    let id: String = format!("tornado-{}-title", t.output)
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    let mut s = String::new();
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" role="img" aria-labelledby="{id}" font-family="{FONT}" font-size="12">"#,
        w = num(width),
        h = num(height),
    );
    let _ = writeln!(s, r#"<title id="{id}">{}</title>"#, escape(&title));
    let _ = writeln!(
        s,
        r#"<rect x="0" y="0" width="{}" height="{}" fill="white"/>"#,
        num(width),
        num(height)
    );
    let _ = writeln!(
        s,
        r#"<text x="16" y="26" font-size="16" font-weight="600" fill="{INK}">{}</text>"#,
        escape(&title)
    );
    let _ = writeln!(
        s,
        r#"<text x="16" y="46" fill="{MUTED}">Tornado of {}: median {} with every input uncertain</text>"#,
        escape(&t.output),
        escape(&value(t.median, &t.unit)),
    );
    // Legend.
    let _ = writeln!(
        s,
        r#"<rect x="16" y="60" width="12" height="12" fill="{LOW}"/><text x="34" y="70" fill="{INK}">input at its 5th percentile</text>"#
    );
    let _ = writeln!(
        s,
        r#"<rect x="220" y="60" width="12" height="12" fill="{HIGH}"/><text x="238" y="70" fill="{INK}">input at its 95th percentile</text>"#
    );

    // Axis ticks and grid.
    let _ = writeln!(s, r#"<g class="axis" fill="{MUTED}" font-size="11">"#);
    for tick in ticks(lo, hi) {
        let x = scale(tick);
        let _ = writeln!(
            s,
            r#"<line x1="{x}" y1="{top}" x2="{x}" y2="{bottom}" stroke="{GRID}" stroke-width="1"/><text x="{x}" y="{ty}" text-anchor="middle">{label}</text>"#,
            x = num(x),
            top = num(TOP - 6.0),
            bottom = num(plot_bottom),
            ty = num(plot_bottom + 16.0),
            label = escape(&tick_label(tick, &t.unit)),
        );
    }
    let _ = writeln!(s, "</g>");

    if t.bars.is_empty() {
        let _ = writeln!(
            s,
            r#"<text x="{}" y="{}" fill="{MUTED}">No uncertain input moves this output.</text>"#,
            num(x0),
            num(TOP + ROW / 2.0 + 4.0)
        );
    }
    for (i, b) in t.bars.iter().enumerate() {
        bar(&mut s, b, t, TOP + i as f64 * ROW, &scale);
    }

    // The median line on top of the bars.
    let xm = scale(t.median);
    let _ = writeln!(
        s,
        r#"<line x1="{x}" y1="{top}" x2="{x}" y2="{bottom}" stroke="{INK}" stroke-width="1.5" stroke-dasharray="4 3"/><text x="{x}" y="{ty}" text-anchor="middle" fill="{INK}" font-size="11">median {m}</text>"#,
        x = num(xm),
        top = num(TOP - 6.0),
        bottom = num(plot_bottom),
        ty = num(TOP - 10.0),
        m = escape(&value(t.median, &t.unit)),
    );
    let _ = writeln!(
        s,
        r#"<text x="16" y="{}" fill="{MUTED}" font-size="11">{}</text>"#,
        num(plot_bottom + 40.0),
        escape(&note)
    );
    let _ = writeln!(
        s,
        r#"<text x="16" y="{}" fill="{MUTED}" font-size="11">{} Monte Carlo samples per run, the same random numbers in every run; largest swing first.</text>"#,
        num(plot_bottom + 56.0),
        escape(&format_number(t.samples as f64))
    );
    s.push_str("</svg>\n");
    s
}

/// One bar with its labels, in row `y`.
fn bar(s: &mut String, b: &Bar, t: &Tornado, y: f64, scale: &dyn Fn(f64) -> f64) {
    let xm = scale(t.median);
    let (xl, xh) = (scale(b.output_at_p5), scale(b.output_at_p95));
    let bar_y = y + 6.0;
    let _ = writeln!(s, r#"<g class="bar">"#);
    let _ = writeln!(
        s,
        "<title>{}: {} at {} gives {}; at {} gives {}</title>",
        escape(&b.input),
        escape(&t.output),
        escape(&value(b.input_p5, &b.unit)),
        escape(&value(b.output_at_p5, &t.unit)),
        escape(&value(b.input_p95, &b.unit)),
        escape(&value(b.output_at_p95, &t.unit)),
    );
    // The input's name and its range, in the label column.
    let _ = writeln!(
        s,
        r#"<text x="16" y="{}" fill="{INK}">{}</text>"#,
        num(bar_y + 12.0),
        escape(&truncate(&b.input, MAX_LABEL_CHARS))
    );
    let _ = writeln!(
        s,
        r#"<text x="16" y="{}" fill="{MUTED}" font-size="10">{} to {}</text>"#,
        num(bar_y + 26.0),
        escape(&value(b.input_p5, &b.unit)),
        escape(&value(b.input_p95, &b.unit)),
    );
    // The longer half first, so that a shorter one on the same side stays visible.
    let mut halves = [(xl, LOW), (xh, HIGH)];
    halves.sort_by(|a, b| (b.0 - xm).abs().total_cmp(&(a.0 - xm).abs()));
    for (x, colour) in halves {
        let (left, w) = if x < xm { (x, xm - x) } else { (xm, x - xm) };
        let _ = writeln!(
            s,
            r#"<rect x="{}" y="{}" width="{}" height="{BAR}" fill="{colour}"/>"#,
            num(left),
            num(bar_y),
            num(w.max(1.0)),
        );
    }
    // Output values at the ends of the bar.
    let text_y = num(bar_y + 13.0);
    let lv = value(b.output_at_p5, &t.unit);
    let hv = value(b.output_at_p95, &t.unit);
    let (low_side, high_side) = (xl < xm, xh < xm);
    if low_side != high_side || xl == xm || xh == xm {
        for (x, v) in [(xl, lv), (xh, hv)] {
            let (tx, anchor) = if x < xm {
                (x - 4.0, "end")
            } else {
                (x + 4.0, "start")
            };
            let _ = writeln!(
                s,
                r#"<text x="{}" y="{text_y}" text-anchor="{anchor}" fill="{INK}" font-size="11">{}</text>"#,
                num(tx),
                escape(&v)
            );
        }
    } else {
        // Both ends on one side: one label at the far end.
        let far = if (xl - xm).abs() >= (xh - xm).abs() {
            xl
        } else {
            xh
        };
        let (tx, anchor) = if far < xm {
            (far - 4.0, "end")
        } else {
            (far + 4.0, "start")
        };
        let _ = writeln!(
            s,
            r#"<text x="{}" y="{text_y}" text-anchor="{anchor}" fill="{INK}" font-size="11">{} / {}</text>"#,
            num(tx),
            escape(&lv),
            escape(&hv)
        );
    }
    let _ = writeln!(s, "</g>");
}

/// The plotted range: every bar end and the median, never empty.
fn domain(t: &Tornado) -> (f64, f64) {
    let values = t
        .bars
        .iter()
        .flat_map(|b| [b.output_at_p5, b.output_at_p95])
        .chain([t.median])
        .filter(|v| v.is_finite());
    let (mut lo, mut hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    });
    if !lo.is_finite() || !hi.is_finite() {
        return (0.0, 1.0);
    }
    if hi - lo <= f64::EPSILON * hi.abs().max(1.0) {
        let pad = (hi.abs() * 0.1).max(1.0);
        lo -= pad;
        hi += pad;
    }
    (lo, hi)
}

/// Round tick values inside `[lo, hi]`: steps of 1, 2 or 5 times a power of ten, 3 to 7 ticks.
fn ticks(lo: f64, hi: f64) -> Vec<f64> {
    let span = hi - lo;
    if span.is_nan() || span <= 0.0 || !span.is_finite() {
        return Vec::new();
    }
    let raw = span / 5.0;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| span / s <= 6.0)
        .unwrap_or(10.0 * mag);
    let first = (lo / step).ceil() as i64;
    let last = (hi / step).floor() as i64;
    (first..=last).map(|k| k as f64 * step).collect()
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
            format_number(a)
        };
        return format!("{sign}${amount}{rest}");
    }
    let n = format_number(v);
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

/// Escapes text for SVG/XML content and attribute values.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Control characters are not allowed in XML 1.0.
            c if (c as u32) < 0x20 && !matches!(c, '\n' | '\t' | '\r') => {}
            c => out.push(c),
        }
    }
    out
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

/// A coordinate with at most one decimal.
fn num(v: f64) -> String {
    let r = (v * 10.0).round() / 10.0;
    if r == r.trunc() {
        format!("{r:.0}")
    } else {
        format!("{r:.1}")
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

    /// Checks that tags balance and every attribute value is quoted: a tiny XML well-formedness
    /// check, enough for what the builder writes (no CDATA, no comments).
    fn assert_well_formed(doc: &str) {
        let mut stack: Vec<String> = Vec::new();
        let mut rest = doc;
        while let Some(start) = rest.find('<') {
            let text = &rest[..start];
            assert!(!text.contains('>'), "stray '>' in text {text:?}");
            let end = rest[start..].find('>').expect("unclosed tag") + start;
            let tag = &rest[start + 1..end];
            assert!(!tag.contains('<'), "'<' inside tag {tag:?}");
            if let Some(name) = tag.strip_prefix('/') {
                let open = stack.pop().expect("closing tag without opening");
                assert_eq!(open, name.trim(), "mismatched tags");
            } else if !tag.ends_with('/') {
                let name = tag.split_whitespace().next().expect("tag name");
                stack.push(name.to_owned());
            }
            assert_eq!(
                tag.matches('"').count() % 2,
                0,
                "unbalanced quotes in {tag:?}"
            );
            for (i, _) in text.match_indices('&') {
                let entity = &text[i..];
                assert!(
                    ["&amp;", "&lt;", "&gt;", "&quot;", "&#39;"]
                        .iter()
                        .any(|e| entity.starts_with(e)),
                    "bare '&' in {text:?}"
                );
            }
            rest = &rest[end + 1..];
        }
        assert!(stack.is_empty(), "unclosed tags: {stack:?}");
        assert!(rest.trim().is_empty());
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
        assert_eq!(doc.matches(&format!("fill=\"{LOW}\"/>")).count(), 3 + 1);
        assert_eq!(doc.matches(&format!("fill=\"{HIGH}\"/>")).count(), 3 + 1);
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
                if !tag.contains(LOW) && !tag.contains(HIGH) || tag.contains("width=\"12\"") {
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

    #[test]
    fn ticks_are_round_and_inside_the_range() {
        let t = ticks(5.8e6, 16e6);
        assert!(t.len() >= 3 && t.len() <= 7, "{t:?}");
        assert!(t.iter().all(|v| (5.8e6..=16e6).contains(v)));
        assert_eq!(t, vec![6e6, 8e6, 10e6, 12e6, 14e6, 16e6]);
        assert!(ticks(1.0, 1.0).is_empty());
    }
}
