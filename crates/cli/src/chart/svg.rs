//! Shared SVG primitives: a document builder, text escaping, log and linear axes, colours and
//! number formatting. Charts are hand-written SVG strings with a generic font family: no font
//! or system library is needed, and every chart is well-formed XML (tested).

use std::fmt::Write as _;

/// Colours (CSS colour strings), chosen to stay readable in print and for colour-blind readers.
pub(crate) mod colour {
    /// Text and axis lines.
    pub(crate) const TEXT: &str = "#222222";
    /// Secondary text (ticks, notes).
    pub(crate) const MUTED: &str = "#666666";
    /// Grid lines.
    pub(crate) const GRID: &str = "#dddddd";
    /// A 90% interval bar.
    pub(crate) const INTERVAL: &str = "#9ecae1";
    /// The median mark.
    pub(crate) const MEDIAN: &str = "#08519c";
    /// The central (every input at its median) mark.
    pub(crate) const CENTRAL: &str = "#222222";
    /// A claim that is consistent with the layer.
    pub(crate) const CLAIM: &str = "#e6550d";
    /// A claim outside the layer's interval.
    pub(crate) const OUTSIDE: &str = "#a50f15";
    /// An erroneous claim (a typo): never evidence.
    pub(crate) const ERRONEOUS: &str = "#7a0177";
    /// Tornado: the output with the input at its 5th percentile.
    pub(crate) const LOW: &str = "#3182bd";
    /// Tornado: the output with the input at its 95th percentile.
    pub(crate) const HIGH: &str = "#e6550d";
    /// A distribution's filled area.
    pub(crate) const AREA: &str = "#c6dbef";
    /// Energy in the facility form (the accelerator form uses `INTERVAL`).
    pub(crate) const FACILITY: &str = "#fdae6b";
}

/// Escapes text for XML element content and attribute values (`&`, `<`, `>`, `"`, `'`);
/// drops control characters XML 1.0 forbids.
pub(crate) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 => {}
            c => out.push(c),
        }
    }
    out
}

pub(crate) use crate::format::money;

/// `$2M`, `$2.5M`, `$750K`: money with trailing zeros dropped, for linear-axis ticks.
pub(crate) fn money_tick(v: f64) -> String {
    let m = money(v);
    let split = m.find(|c: char| c.is_ascii_alphabetic()).unwrap_or(m.len());
    let (digits, suffix) = m.split_at(split);
    let digits = if digits.contains('.') {
        digits.trim_end_matches('0').trim_end_matches('.')
    } else {
        digits
    };
    format!("{digits}{suffix}")
}

/// `$1`, `$10K`, `$100M`, `$1B`: a power of ten as money, for log-axis ticks.
pub(crate) fn decade_money(v: f64) -> String {
    let (scaled, suffix) = [(1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")]
        .into_iter()
        .find(|(d, _)| v >= *d * 0.999)
        .map_or((v, ""), |(d, s)| (v / d, s));
    format!(
        "${}{suffix}",
        crate::format::number(scaled.round().max(0.0))
    )
}

/// A coordinate with one decimal (keeps files small and diffs stable).
pub(crate) fn num(x: f64) -> String {
    let r = (x * 10.0).round() / 10.0;
    if r == r.trunc() {
        format!("{}", r as i64)
    } else {
        format!("{r:.1}")
    }
}

/// A rough width in pixels of `text` at `size` px in a generic sans-serif font.
pub(crate) fn text_width(text: &str, size: f64) -> f64 {
    text.chars().count() as f64 * size * 0.56
}

/// A base-10 log axis mapping `[lo, hi]` (whole decades around the data) to `[x0, x1]` pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct LogAxis {
    /// Smallest value shown (a power of ten).
    pub(crate) lo: f64,
    /// Largest value shown (a power of ten).
    pub(crate) hi: f64,
    /// Pixel of `lo`.
    pub(crate) x0: f64,
    /// Pixel of `hi`.
    pub(crate) x1: f64,
}

impl LogAxis {
    /// An axis covering every positive finite value in `values` (whole decades); `None` if
    /// there is none.
    pub(crate) fn covering(
        values: impl IntoIterator<Item = f64>,
        x0: f64,
        x1: f64,
    ) -> Option<LogAxis> {
        let (mut min, mut max) = (f64::INFINITY, f64::NEG_INFINITY);
        for v in values.into_iter().filter(|v| v.is_finite() && *v > 0.0) {
            min = min.min(v);
            max = max.max(v);
        }
        if !min.is_finite() {
            return None;
        }
        let lo = 10f64.powf(min.log10().floor());
        let mut hi = 10f64.powf(max.log10().ceil());
        if hi <= lo {
            hi = lo * 10.0;
        }
        Some(LogAxis { lo, hi, x0, x1 })
    }

    /// The pixel of `v`, clamped to the axis (non-positive values map to `x0`).
    pub(crate) fn x(&self, v: f64) -> f64 {
        if v.is_nan() || v <= 0.0 {
            return self.x0;
        }
        let t = (v.log10() - self.lo.log10()) / (self.hi.log10() - self.lo.log10());
        self.x0 + t.clamp(0.0, 1.0) * (self.x1 - self.x0)
    }

    /// Ticks at every power of ten, labelled as money.
    pub(crate) fn money_ticks(&self) -> Vec<(f64, String)> {
        let mut out = Vec::new();
        let mut v = self.lo;
        while v <= self.hi * 1.0001 {
            out.push((self.x(v), decade_money(v)));
            v *= 10.0;
        }
        out
    }
}

/// A linear axis mapping `[lo, hi]` to `[x0, x1]` pixels, with "nice" ticks.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct LinearAxis {
    /// Smallest value shown.
    pub(crate) lo: f64,
    /// Largest value shown.
    pub(crate) hi: f64,
    /// Pixel of `lo`.
    pub(crate) x0: f64,
    /// Pixel of `hi`.
    pub(crate) x1: f64,
}

impl LinearAxis {
    /// An axis covering every finite value in `values`, widened to nice tick steps.
    pub(crate) fn covering(
        values: impl IntoIterator<Item = f64>,
        x0: f64,
        x1: f64,
    ) -> Option<LinearAxis> {
        let (mut min, mut max) = (f64::INFINITY, f64::NEG_INFINITY);
        for v in values.into_iter().filter(|v| v.is_finite()) {
            min = min.min(v);
            max = max.max(v);
        }
        if !min.is_finite() {
            return None;
        }
        if max - min <= f64::EPSILON * max.abs().max(1.0) {
            let pad = (max.abs() * 0.1).max(1.0);
            min -= pad;
            max += pad;
        }
        let step = nice_step((max - min) / 5.0);
        Some(LinearAxis {
            lo: (min / step).floor() * step,
            hi: (max / step).ceil() * step,
            x0,
            x1,
        })
    }

    /// The pixel of `v`, clamped to the axis.
    pub(crate) fn x(&self, v: f64) -> f64 {
        let t = (v - self.lo) / (self.hi - self.lo);
        self.x0 + t.clamp(0.0, 1.0) * (self.x1 - self.x0)
    }

    /// Tick values (about five).
    pub(crate) fn ticks(&self) -> Vec<f64> {
        let step = nice_step((self.hi - self.lo) / 5.0);
        let mut out = Vec::new();
        let mut k = (self.lo / step).ceil();
        while k * step <= self.hi + step * 1e-9 {
            out.push(k * step);
            k += 1.0;
        }
        out
    }
}

/// 1, 2 or 5 times a power of ten, at least `raw`.
fn nice_step(raw: f64) -> f64 {
    if raw.is_nan() || raw <= 0.0 || !raw.is_finite() {
        return 1.0;
    }
    let p = 10f64.powf(raw.log10().floor());
    let m = raw / p;
    let nice = if m <= 1.0 {
        1.0
    } else if m <= 2.0 {
        2.0
    } else if m <= 5.0 {
        5.0
    } else {
        10.0
    };
    nice * p
}

/// An SVG document being written.
#[derive(Debug)]
pub(crate) struct Svg {
    buf: String,
}

/// Text anchor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Anchor {
    /// Left-aligned at x.
    Start,
    /// Centred on x.
    Middle,
    /// Right-aligned at x.
    End,
}

impl Anchor {
    fn as_str(self) -> &'static str {
        match self {
            Anchor::Start => "start",
            Anchor::Middle => "middle",
            Anchor::End => "end",
        }
    }
}

impl Svg {
    /// A `width` x `height` document with an accessible `title` (escaped). It scales to its
    /// container (viewBox) when inlined in HTML.
    pub(crate) fn new(width: f64, height: f64, title: &str) -> Svg {
        let mut buf = String::new();
        let _ = write!(
            buf,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"{t}\" font-family=\"sans-serif\" font-size=\"12\">\n<title>{t}</title>\n<rect x=\"0\" y=\"0\" width=\"{w}\" height=\"{h}\" fill=\"#ffffff\"/>\n",
            w = num(width),
            h = num(height),
            t = escape(title)
        );
        Svg { buf }
    }

    /// A rectangle; `extra` is raw attributes (caller-escaped), e.g. `opacity="0.5"`.
    pub(crate) fn rect(&mut self, x: f64, y: f64, w: f64, h: f64, fill: &str, extra: &str) {
        let _ = writeln!(
            self.buf,
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\" {extra}/>",
            num(x),
            num(y),
            num(w.max(0.0)),
            num(h.max(0.0)),
            escape(fill)
        );
    }

    /// A line.
    pub(crate) fn line(&mut self, x1: f64, y1: f64, x2: f64, y2: f64, stroke: &str, width: f64) {
        let _ = writeln!(
            self.buf,
            "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{}\" stroke-width=\"{}\"/>",
            num(x1),
            num(y1),
            num(x2),
            num(y2),
            escape(stroke),
            num(width)
        );
    }

    /// A dashed line; `dash` is an SVG `stroke-dasharray` (`"7 4"`).
    pub(crate) fn dashed_line(
        &mut self,
        (x1, y1): (f64, f64),
        (x2, y2): (f64, f64),
        stroke: &str,
        width: f64,
        dash: &str,
    ) {
        let _ = writeln!(
            self.buf,
            "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{}\" stroke-width=\"{}\" stroke-dasharray=\"{}\"/>",
            num(x1),
            num(y1),
            num(x2),
            num(y2),
            escape(stroke),
            num(width),
            escape(dash)
        );
    }

    /// A circle.
    pub(crate) fn circle(&mut self, cx: f64, cy: f64, r: f64, fill: &str, stroke: &str) {
        let _ = writeln!(
            self.buf,
            "<circle cx=\"{}\" cy=\"{}\" r=\"{}\" fill=\"{}\" stroke=\"{}\"/>",
            num(cx),
            num(cy),
            num(r),
            escape(fill),
            escape(stroke)
        );
    }

    /// A closed polygon through `points`.
    pub(crate) fn polygon(&mut self, points: &[(f64, f64)], fill: &str, stroke: &str) {
        let pts: Vec<String> = points
            .iter()
            .map(|(x, y)| format!("{},{}", num(*x), num(*y)))
            .collect();
        let _ = writeln!(
            self.buf,
            "<polygon points=\"{}\" fill=\"{}\" stroke=\"{}\"/>",
            pts.join(" "),
            escape(fill),
            escape(stroke)
        );
    }

    /// Text (escaped) at `(x, y)` (baseline).
    pub(crate) fn text(
        &mut self,
        x: f64,
        y: f64,
        anchor: Anchor,
        size: f64,
        fill: &str,
        text: &str,
    ) {
        let _ = writeln!(
            self.buf,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"{}\" font-size=\"{}\" fill=\"{}\">{}</text>",
            num(x),
            num(y),
            anchor.as_str(),
            num(size),
            escape(fill),
            escape(text)
        );
    }

    /// Starts a group with a tooltip (`<title>`, escaped); close it with [`Svg::end_group`].
    pub(crate) fn group_with_tooltip(&mut self, tooltip: &str) {
        let _ = writeln!(self.buf, "<g><title>{}</title>", escape(tooltip));
    }

    /// Closes a group.
    pub(crate) fn end_group(&mut self) {
        self.buf.push_str("</g>\n");
    }

    /// The finished document.
    pub(crate) fn finish(mut self) -> String {
        self.buf.push_str("</svg>\n");
        self.buf
    }
}

/// Test helper: checks that `xml` is well-formed (balanced tags, quoted attributes, known
/// entities only) and returns the number of elements. A tiny checker, enough for our output.
#[cfg(test)]
pub(crate) fn check_xml(xml: &str) -> Result<usize, String> {
    let mut stack: Vec<String> = Vec::new();
    let mut count = 0;
    let mut rest = xml;
    let check_entities = |s: &str| -> Result<(), String> {
        let mut t = s;
        while let Some(i) = t.find('&') {
            let end = t[i..].find(';').ok_or_else(|| format!("bare & in {s:?}"))?;
            let ent = &t[i + 1..i + end];
            let ok = matches!(ent, "amp" | "lt" | "gt" | "quot" | "apos")
                || (ent.starts_with('#') && ent[1..].parse::<u32>().is_ok());
            if !ok {
                return Err(format!("unknown entity &{ent};"));
            }
            t = &t[i + end + 1..];
        }
        Ok(())
    };
    while let Some(i) = rest.find('<') {
        check_entities(&rest[..i])?;
        if rest[..i].contains('>') {
            return Err(format!("stray > in text {:?}", &rest[..i]));
        }
        let after = &rest[i..];
        if let Some(stripped) = after.strip_prefix("<!--") {
            let end = stripped.find("-->").ok_or("unclosed comment")?;
            rest = &stripped[end + 3..];
            continue;
        }
        if after.starts_with("<!DOCTYPE")
            || after.starts_with("<!doctype")
            || after.starts_with("<?")
        {
            let end = after.find('>').ok_or("unclosed declaration")?;
            rest = &after[end + 1..];
            continue;
        }
        // Find the tag end outside quotes.
        let mut in_quote: Option<char> = None;
        let mut end = None;
        for (k, ch) in after.char_indices().skip(1) {
            match (in_quote, ch) {
                (Some(q), c) if c == q => in_quote = None,
                (Some(_), '<') => return Err("< inside an attribute".into()),
                (Some(_), _) => {}
                (None, '"' | '\'') => in_quote = Some(ch),
                (None, '>') => {
                    end = Some(k);
                    break;
                }
                (None, '<') => return Err(format!("< inside a tag near {:?}", &after[..k])),
                _ => {}
            }
        }
        let end = end.ok_or("unclosed tag")?;
        let tag = &after[1..end];
        check_entities(tag)?;
        if let Some(name) = tag.strip_prefix('/') {
            let name = name.trim();
            match stack.pop() {
                Some(open) if open == name => {}
                other => return Err(format!("</{name}> closes {other:?}")),
            }
        } else {
            let self_closing = tag.ends_with('/');
            let name: String = tag
                .trim_end_matches('/')
                .split_whitespace()
                .next()
                .ok_or("empty tag")?
                .to_owned();
            count += 1;
            let void = matches!(
                name.as_str(),
                "meta" | "link" | "br" | "hr" | "img" | "input"
            );
            if !self_closing && !void {
                stack.push(name);
            }
        }
        rest = &after[end + 1..];
    }
    check_entities(rest)?;
    if let Some(open) = stack.pop() {
        return Err(format!("<{open}> is never closed"));
    }
    Ok(count)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_covers_markup_and_quotes() {
        assert_eq!(
            escape("a < b & \"c\" > 'd'"),
            "a &lt; b &amp; &quot;c&quot; &gt; &#39;d&#39;"
        );
        assert_eq!(escape("bell\u{7}"), "bell");
        assert!(
            check_xml(&format!(
                "<t a=\"{}\">{}</t>",
                escape("<\"&'>"),
                escape("<&>")
            ))
            .is_ok()
        );
    }

    #[test]
    fn log_axis_covers_whole_decades_and_is_monotone() {
        let a = LogAxis::covering([5.576e6, 1.7e9, -3.0, f64::NAN], 0.0, 400.0).unwrap();
        assert_eq!((a.lo, a.hi), (1e6, 1e10));
        assert_eq!(a.x(1e6), 0.0);
        assert_eq!(a.x(1e10), 400.0);
        assert!(a.x(1e7) < a.x(1e8));
        assert_eq!(a.x(0.0), 0.0);
        assert_eq!(a.money_ticks().len(), 5);
        assert!(LogAxis::covering([0.0, -1.0], 0.0, 1.0).is_none());
        let one = LogAxis::covering([100.0], 0.0, 10.0).unwrap();
        assert!(one.hi > one.lo);
    }

    #[test]
    fn linear_axis_ticks_are_nice() {
        let a = LinearAxis::covering([3.2e6, 9.9e6], 0.0, 100.0).unwrap();
        assert!(a.lo <= 3.2e6 && a.hi >= 9.9e6);
        let t = a.ticks();
        assert!(t.len() >= 3 && t.len() <= 12, "{t:?}");
        let flat = LinearAxis::covering([5.0, 5.0], 0.0, 100.0).unwrap();
        assert!(flat.hi > flat.lo);
    }

    #[test]
    fn a_document_is_well_formed() {
        let mut s = Svg::new(100.0, 50.0, "A & B <test>");
        s.rect(0.0, 0.0, 10.0, 10.0, colour::INTERVAL, "");
        s.text(
            1.0,
            2.0,
            Anchor::Start,
            12.0,
            colour::TEXT,
            "\"quoted\" & <tagged>",
        );
        s.group_with_tooltip("tip & <tool>");
        s.circle(1.0, 1.0, 2.0, colour::CLAIM, "none");
        s.end_group();
        let xml = s.finish();
        // svg, title, background rect, rect, text, g, its title, circle.
        assert_eq!(check_xml(&xml), Ok(8));
        assert!(check_xml("<a><b></a></b>").is_err());
        assert!(check_xml("<a>x & y</a>").is_err());
        assert!(check_xml("<a>").is_err());
    }

    #[test]
    fn money_and_numbers_format_compactly() {
        assert_eq!(money(5.576e6), "$5.576M");
        assert_eq!(money(1.6e9), "$1.600B");
        assert_eq!(num(1.25), "1.3");
        assert_eq!(decade_money(1e6), "$1M");
        assert_eq!(money_tick(2e6), "$2M");
        assert_eq!(money_tick(2.5e6), "$2.5M");
        assert_eq!(money_tick(0.0), "$0");
        assert_eq!(decade_money(1e10), "$10B");
        assert_eq!(decade_money(100.0), "$100");
        assert_eq!(num(3.0), "3");
    }
}
