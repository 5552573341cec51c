//! What every HTML page of traincost shares: the style sheet (readable on a phone, no
//! JavaScript), links (only for http(s) URLs) and inline SVG. `report` and `models` write pages.

use crate::chart::svg::escape;

/// The style sheet of every page.
pub(crate) const CSS: &str = r#"
:root { --ink:#1f2328; --muted:#59636e; --line:#d0d7de; --ok:#1a7f37; --bad:#a50f15; --err:#7a0177; --bg:#ffffff; --soft:#f6f8fa; }
* { box-sizing: border-box; }
body { margin:0; font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color:var(--ink); background:var(--bg); line-height:1.5; font-size:16px; }
main { max-width: 980px; margin: 0 auto; padding: 16px; }
h1 { font-size: 1.6rem; margin: 0.2em 0; }
h2 { font-size: 1.25rem; margin-top: 2em; border-bottom: 1px solid var(--line); padding-bottom: 0.2em; }
h3 { font-size: 1.05rem; margin-bottom: 0.3em; }
p, li { overflow-wrap: anywhere; }
a { color: #0969da; }
.lede { color: var(--muted); }
.bottom-line { font-size: 1.05rem; border-left: 4px solid #0969da; padding: 8px 12px; background: var(--soft); }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(180px, 1fr)); gap: 12px; margin: 16px 0; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: 12px; background: var(--soft); }
.card .big { font-size: 1.7rem; font-weight: 700; }
.card .small { color: var(--muted); font-size: 0.9rem; }
figure { margin: 16px 0; }
figure svg { width: 100%; height: auto; display: block; border: 1px solid var(--line); border-radius: 6px; }
.only-narrow { display: none; }
figcaption { color: var(--muted); font-size: 0.9rem; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(340px, 1fr)); gap: 12px; }
table { border-collapse: collapse; width: 100%; font-size: 0.95rem; }
th, td { border-bottom: 1px solid var(--line); padding: 6px 8px; text-align: left; vertical-align: top; }
td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
.badge { display: inline-block; padding: 0 6px; border-radius: 10px; font-size: 0.8rem; font-weight: 600; border: 1px solid currentColor; white-space: nowrap; }
.consistent { color: var(--ok); } .below, .above { color: var(--bad); } .erroneous { color: var(--err); } .not-comparable { color: var(--muted); }
.claim { margin: 6px 0 10px; padding-left: 10px; border-left: 3px solid var(--line); }
.claim.erroneous { border-left-color: var(--err); background: #fbf0fa; }
.claim .value { font-weight: 700; }
.quote { color: var(--muted); font-style: italic; }
footer { color: var(--muted); font-size: 0.85rem; margin: 32px 0 16px; }
@media (max-width: 640px) {
  .only-wide { display: none; }
  .only-narrow { display: block; }
  .badge { white-space: normal; }
  body { font-size: 15px; }
  main { padding: 10px; }
  table.stack thead, table.inputs thead, table.energy thead, table.models thead { display: none; }
  table.stack tr, table.inputs tr, table.energy tr, table.models tr { display: block; border: 1px solid var(--line); border-radius: 6px; margin: 0 0 10px; padding: 4px 0; }
  table.stack td, table.inputs td, table.energy td, table.models td { display: block; border: none; padding: 2px 10px; text-align: left; white-space: normal; }
  table.stack td::before, table.inputs td::before, table.energy td::before, table.models td::before { content: attr(data-label) ": "; color: var(--muted); font-weight: 600; }
}
"#;

/// An `<a>` for http(s) URLs; other schemes are shown as text, never linked.
pub(crate) fn link(url: &str, text: &str) -> String {
    let lower = url.trim().to_ascii_lowercase();
    if lower.starts_with("https://") || lower.starts_with("http://") {
        format!(
            "<a href=\"{}\" rel=\"noopener noreferrer\">{}</a>",
            escape(url.trim()),
            escape(text)
        )
    } else {
        format!("{} ({})", escape(text), escape(url))
    }
}

/// An SVG document for inlining: anything before `<svg` (an XML declaration) is dropped.
pub(crate) fn inline_svg(svg: &str) -> &str {
    svg.find("<svg").map_or("", |i| &svg[i..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_only_for_http_urls_and_always_escaped() {
        assert_eq!(
            link("https://example.com/?a=1&b=\"2\"", "A <b> & \"c\""),
            "<a href=\"https://example.com/?a=1&amp;b=&quot;2&quot;\" rel=\"noopener noreferrer\">A &lt;b&gt; &amp; &quot;c&quot;</a>"
        );
        let js = link("javascript:alert(1)", "x");
        assert!(!js.contains("<a"), "{js}");
    }

    #[test]
    fn inline_svg_drops_an_xml_declaration() {
        assert_eq!(
            inline_svg("<?xml version=\"1.0\"?>\n<svg></svg>"),
            "<svg></svg>"
        );
        assert_eq!(inline_svg("not svg"), "");
    }
}
