//! The terminal: how wide the output may be, and tables and prose laid out to fit it. Every
//! table and paragraph of text output goes through here, so one rule decides the width:
//!
//! - `COLUMNS`, when set to a number, is the width (tests and scripts set it);
//! - else, when stdout is a terminal (and the output is not going to a file), the terminal's
//!   width;
//! - else (a pipe, a file) there is no width: plain full lines, nothing wrapped.
//!
//! Text wraps at spaces only: an id (`stages.pre-training.active_parameters`, a claim id, a
//! scenario name) or a URL is never split; one longer than the line stands alone on its line.
//! Below [`NARROW`] columns, or when a table's columns cannot fit without splitting a word,
//! a table is laid out as one block per row: its first cell, then `header: value` pairs.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};

/// Below this many columns, tables use the narrow layout (one block per row).
pub(crate) const NARROW: usize = 100;

/// The narrowest width honoured: a smaller `COLUMNS` is raised to it.
const MIN_WIDTH: usize = 30;

/// `-q`: no progress bars.
static QUIET: AtomicBool = AtomicBool::new(false);

/// The output goes to a file (`--output`), not to the terminal: no terminal width.
static TO_FILE: AtomicBool = AtomicBool::new(false);

/// `-q` was given: progress bars stay hidden.
pub(crate) fn set_quiet(quiet: bool) {
    QUIET.store(quiet, Ordering::Relaxed);
}

/// The command writes its text to a file (`--output FILE`), so the terminal's width does not
/// apply (`COLUMNS` still does).
pub(crate) fn set_output_file(to_file: bool) {
    TO_FILE.store(to_file, Ordering::Relaxed);
}

/// The width output may use, or `None` for plain full lines (see the module's docs).
pub(crate) fn width() -> Option<usize> {
    let columns = std::env::var("COLUMNS").ok();
    let stdout_is_terminal = !TO_FILE.load(Ordering::Relaxed) && std::io::stdout().is_terminal();
    let terminal =
        || terminal_size::terminal_size_of(std::io::stdout()).map(|(w, _)| usize::from(w.0));
    width_from(columns.as_deref(), stdout_is_terminal, terminal)
}

/// [`width`] from its sources, for tests.
fn width_from(
    columns: Option<&str>,
    stdout_is_terminal: bool,
    terminal: impl FnOnce() -> Option<usize>,
) -> Option<usize> {
    let from_env = columns
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|w| *w > 0);
    let w = match from_env {
        Some(w) => Some(w),
        None if stdout_is_terminal => terminal().filter(|w| *w > 0),
        None => None,
    };
    w.map(|w| w.max(MIN_WIDTH))
}

/// A progress bar on stderr for runs long enough to need one; hidden with `-q` and when
/// stderr is not a terminal.
pub(crate) fn progress_bar(samples: u64) -> indicatif::ProgressBar {
    if QUIET.load(Ordering::Relaxed) || samples < 5_000_000 || !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(samples);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} sampling {human_pos}/{human_len} [{bar:30}] {eta}",
        )
        .expect("valid template")
        .progress_chars("=> "),
    );
    bar
}

/// Columns a string takes on a terminal (a CJK character takes two).
pub(crate) fn cols(s: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(s)
}

/// Marks the spaces of an id as unbreakable (`staff.groups.research and
/// engineering.headcount` stays on one line): wrapping and tables keep it whole, and the
/// rendered text has plain spaces again.
pub(crate) fn nobreak(id: &str) -> String {
    id.replace(' ', "\u{a0}")
}

/// `text` wrapped at spaces to `width` (no wrapping for `None`): the first line starts with
/// `first`, the others with `rest`. A word longer than a line stands alone. Lines end
/// without a newline; paragraphs (`\n`) are wrapped one by one.
pub(crate) fn wrap_with(text: &str, width: Option<usize>, first: &str, rest: &str) -> String {
    wrap_marked(text, width, first, rest).replace('\u{a0}', " ")
}

/// [`wrap_with`], leaving the spaces marked by [`nobreak`] marked.
fn wrap_marked(text: &str, width: Option<usize>, first: &str, rest: &str) -> String {
    let mut out = String::new();
    for (k, para) in text.split('\n').enumerate() {
        if k > 0 {
            out.push('\n');
        }
        let lead = if k == 0 { first } else { rest };
        let Some(w) = width.filter(|w| cols(lead) + cols(para) > *w) else {
            // No width, or the line fits: as written (its alignment kept).
            out.push_str(lead);
            out.push_str(para);
            continue;
        };
        // A paragraph's own indentation is kept.
        let own: String = para.chars().take_while(|c| *c == ' ').collect();
        let mut line = format!("{lead}{own}");
        let mut empty = true;
        for word in para.split(' ').filter(|w| !w.is_empty()) {
            if !empty && cols(&line) + 1 + cols(word) > w {
                out.push_str(line.trim_end());
                out.push('\n');
                line = rest.to_owned();
                empty = true;
            }
            if !empty {
                line.push(' ');
            }
            line.push_str(word);
            empty = false;
        }
        out.push_str(line.trim_end());
    }
    out
}

/// A paragraph wrapped to the output's width, lines after the first indented by `indent`.
pub(crate) fn para(text: &str, indent: usize) -> String {
    let rest = " ".repeat(indent);
    wrap_with(text, width(), "", &rest)
}

/// Text for people with every line of prose longer than the output's width wrapped at
/// spaces (continuation lines indented two more than the line); table lines are left as
/// they are ([`Grid`] fits them).
pub(crate) fn fit_lines(text: &str) -> String {
    fit_lines_at(text, width()).replace('\u{a0}', " ")
}

fn fit_lines_at(text: &str, width: Option<usize>) -> String {
    let Some(w) = width else {
        return text.to_owned();
    };
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let (body, nl) = line.strip_suffix('\n').map_or((line, ""), |b| (b, "\n"));
        let table = body.starts_with(['│', '┌', '└', '╞', '├', '|']);
        if table || cols(body) <= w {
            out.push_str(line);
            continue;
        }
        let lead = body.chars().take_while(|c| *c == ' ').count();
        out.push_str(&wrap_marked(body, Some(w), "", &" ".repeat(lead + 2)));
        out.push_str(nl);
    }
    out
}

/// A table for people: a header and rows of text cells, laid out to the output's width.
#[derive(Debug, Clone, Default)]
pub(crate) struct Grid {
    markdown: bool,
    header: Vec<String>,
    right: Vec<bool>,
    rows: Vec<Vec<String>>,
}

impl Grid {
    /// A table with these column headers.
    pub(crate) fn new<S: Into<String>>(header: impl IntoIterator<Item = S>) -> Self {
        let header: Vec<String> = header.into_iter().map(Into::into).collect();
        let right = vec![false; header.len()];
        Grid {
            markdown: false,
            header,
            right,
            rows: Vec::new(),
        }
    }

    /// Renders as a Markdown table (full lines, whatever the width).
    pub(crate) fn markdown(mut self, markdown: bool) -> Self {
        self.markdown = markdown;
        self
    }

    /// Aligns these columns (0-based) to the right, as numbers are.
    pub(crate) fn right_align(mut self, columns: &[usize]) -> Self {
        for &c in columns {
            if let Some(r) = self.right.get_mut(c) {
                *r = true;
            }
        }
        self
    }

    /// Adds a row (missing cells are empty).
    pub(crate) fn row<S: Into<String>>(&mut self, cells: impl IntoIterator<Item = S>) {
        self.rows.push(cells.into_iter().map(Into::into).collect());
    }

    /// The table at the output's width, without a final newline.
    pub(crate) fn render(&self) -> String {
        self.render_at(width())
    }

    /// The table at `width` columns (`None`: full lines), without a final newline.
    pub(crate) fn render_at(&self, width: Option<usize>) -> String {
        self.layout(width).replace('\u{a0}', " ")
    }

    fn layout(&self, width: Option<usize>) -> String {
        if self.markdown {
            return self.boxed(None).unwrap_or_default();
        }
        match width {
            None => self.boxed(None).unwrap_or_default(),
            Some(w) if w >= NARROW => match self.boxed(Some(w)) {
                Some(t) if t.lines().all(|l| cols(l) <= w) => t,
                _ => self.stacked(w),
            },
            Some(w) => self.stacked(w),
        }
    }

    /// The widest word (`whole_lines = false`) of column `c`, header included, or its
    /// widest line (`true`), the header counting only by its widest word (a header wraps
    /// before the data does).
    fn column_width(&self, c: usize, whole_lines: bool) -> usize {
        let words = |s: &String| s.split([' ', '\n']).map(cols).max().unwrap_or(0);
        let header = words(&self.header[c]);
        let cells = self.rows.iter().filter_map(|r| r.get(c));
        let data = if whole_lines {
            cells.flat_map(|s| s.split('\n')).map(cols).max()
        } else {
            cells.map(words).max()
        };
        data.unwrap_or(0).max(header)
    }

    /// Each column's content width for a table `width` columns wide, or `None` when the
    /// widest words alone do not fit. Every column gets at least its widest word; the space
    /// left goes to the columns whose lines are longer, in proportion to what they lack.
    fn fit(&self, width: usize) -> Option<Vec<usize>> {
        let n = self.header.len();
        let avail = width.checked_sub(3 * n + 1)?;
        // Everything on one line, headers included, when it fits.
        let full: Vec<usize> = (0..n)
            .map(|c| {
                std::iter::once(&self.header[c])
                    .chain(self.rows.iter().filter_map(|r| r.get(c)))
                    .flat_map(|s| s.split('\n'))
                    .map(cols)
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        if full.iter().sum::<usize>() <= avail {
            return Some(full);
        }
        let min: Vec<usize> = (0..n).map(|c| self.column_width(c, false)).collect();
        let max: Vec<usize> = (0..n).map(|c| self.column_width(c, true)).collect();
        if max.iter().sum::<usize>() <= avail {
            return Some(max);
        }
        let floor: usize = min.iter().sum();
        let extra = avail.checked_sub(floor)?;
        // The columns that lack least are made whole first (short figures stay on one line);
        // what is left is shared by the rest in proportion to what they lack.
        let lack: Vec<usize> = (0..n).map(|c| max[c] - min[c]).collect();
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by_key(|&c| lack[c]);
        let mut widths = min.clone();
        let mut extra = extra;
        let mut rest = Vec::new();
        for &c in &order {
            if rest.is_empty() && lack[c] <= extra {
                widths[c] = max[c];
                extra -= lack[c];
            } else {
                rest.push(c);
            }
        }
        let total_lack: usize = rest.iter().map(|&c| lack[c]).sum();
        for &c in &rest {
            widths[c] += extra * lack[c] / total_lack.max(1);
        }
        let mut left = avail.saturating_sub(widths.iter().sum());
        while left > 0 {
            let Some(c) = (0..n)
                .filter(|&c| widths[c] < max[c])
                .max_by_key(|&c| max[c] - widths[c])
            else {
                break;
            };
            widths[c] += 1;
            left -= 1;
        }
        Some(widths)
    }

    /// A boxed table: full lines (`None`), or fitted to `width` with cells wrapped at spaces
    /// (`None` when it cannot fit).
    fn boxed(&self, width: Option<usize>) -> Option<String> {
        use comfy_table::{
            Cell, CellAlignment, ContentArrangement, Table, presets::UTF8_FULL_CONDENSED,
        };
        let widths = match width {
            Some(w) => Some(self.fit(w)?),
            None => None,
        };
        let wrap = |c: usize, s: &str| match &widths {
            Some(ws) => wrap_marked(s, Some(ws[c]), "", ""),
            None => s.to_owned(),
        };
        let mut t = Table::new();
        t.load_style(if self.markdown {
            comfy_table::presets::ASCII_MARKDOWN
        } else {
            UTF8_FULL_CONDENSED
        })
        .set_content_arrangement(ContentArrangement::Disabled)
        .set_header(
            self.header
                .iter()
                .enumerate()
                .map(|(c, h)| wrap(c, h))
                .collect::<Vec<_>>(),
        );
        for row in &self.rows {
            t.add_row((0..self.header.len()).map(|c| {
                let cell = Cell::new(wrap(c, row.get(c).map_or("", String::as_str)));
                if self.right[c] {
                    cell.set_alignment(CellAlignment::Right)
                } else {
                    cell
                }
            }));
        }
        Some(t.to_string())
    }

    /// One block per row: the first cell, then `header: value` pairs packed into lines.
    fn stacked(&self, w: usize) -> String {
        const INDENT: &str = "    ";
        let mut out: Vec<String> = Vec::new();
        for row in &self.rows {
            // Lines of a cell joined; split at plain spaces only (`nobreak`'s stay).
            let flat = |s: &str| {
                s.split([' ', '\n'])
                    .filter(|w| !w.is_empty())
                    .collect::<Vec<_>>()
                    .join(" ")
            };
            let key = row.first().map(String::as_str).unwrap_or_default();
            let lead: String = key.chars().take_while(|c| *c == ' ').collect();
            out.push(wrap_marked(
                key.trim_start(),
                Some(w),
                &lead,
                &format!("{lead}  "),
            ));
            let mut line = String::new();
            for (c, h) in self.header.iter().enumerate().skip(1) {
                let v = row.get(c).map(|v| flat(v)).unwrap_or_default();
                if v.is_empty() {
                    continue;
                }
                let pair = format!("{h}: {v}");
                if !line.is_empty() && cols(&line) + 3 + cols(&pair) <= w {
                    line.push_str(" · ");
                    line.push_str(&pair);
                    continue;
                }
                if !line.is_empty() {
                    out.push(std::mem::take(&mut line));
                }
                if cols(INDENT) + cols(&pair) <= w {
                    line = format!("{INDENT}{pair}");
                } else {
                    out.push(wrap_marked(&pair, Some(w), INDENT, "      "));
                }
            }
            if !line.is_empty() {
                out.push(line);
            }
        }
        out.join("\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_overrides_and_pipes_get_full_lines() {
        let never = || -> Option<usize> { panic!("not asked") };
        assert_eq!(width_from(Some("80"), false, never), Some(80));
        assert_eq!(width_from(Some("80"), true, never), Some(80));
        assert_eq!(width_from(Some("10"), false, never), Some(MIN_WIDTH));
        assert_eq!(width_from(None, false, never), None);
        assert_eq!(width_from(Some("wide"), false, never), None);
        assert_eq!(width_from(None, true, || Some(132)), Some(132));
        assert_eq!(width_from(Some(""), true, || Some(90)), Some(90));
        assert_eq!(width_from(None, true, || None), None);
    }

    #[test]
    fn quiet_hides_the_progress_bar() {
        set_quiet(true);
        assert!(progress_bar(1_000_000_000).is_hidden());
        set_quiet(false);
    }

    #[test]
    fn ids_marked_nobreak_stay_whole() {
        let id = nobreak("staff.groups.research and engineering.headcount");
        let w = wrap_with(&format!("the input {id} moves it"), Some(20), "", "");
        assert!(
            w.contains("staff.groups.research and engineering.headcount"),
            "{w}"
        );
        assert!(!w.contains('\u{a0}'));
        let mut g = Grid::new(["input", "value"]);
        g.row([id, "1".to_owned()]);
        for width in [30, 80, 120] {
            let t = g.render_at(Some(width));
            assert!(
                t.contains("staff.groups.research and engineering.headcount"),
                "{t}"
            );
        }
    }

    #[test]
    fn wrapping_keeps_words_whole() {
        let text = "claim deepseek-v3-pretraining-tokens and stages.pre-training.active_parameters";
        let w = wrap_marked(text, Some(20), "", "  ");
        for l in w.lines() {
            assert!(
                cols(l) <= 20 || !l.trim().contains(' '),
                "line {l:?} too long"
            );
        }
        assert!(w.contains("deepseek-v3-pretraining-tokens"));
        assert!(w.contains("stages.pre-training.active_parameters"));
        assert_eq!(wrap_marked(text, None, "> ", ""), format!("> {text}"));
    }

    fn sample() -> Grid {
        let mut g = Grid::new(["input", "value", "source"]).right_align(&[1]);
        for i in 0..5 {
            g.row([
                format!("stages.pre-training.active_parameters_{i}"),
                "37,000,000,000".to_owned(),
                "claim deepseek-v3-activated-parameters, with a long explanation of where the \
                 number comes from and why it is what it is"
                    .to_owned(),
            ]);
        }
        g
    }

    #[test]
    fn tables_fit_the_width_without_splitting_words() {
        let g = sample();
        for w in [40, 60, 80, 99, 100, 120, 200] {
            let t = g.render_at(Some(w));
            for l in t.lines() {
                assert!(cols(l) <= w, "width {w}: {l:?}");
            }
            for i in 0..5 {
                assert!(
                    t.contains(&format!("stages.pre-training.active_parameters_{i}")),
                    "width {w}:\n{t}"
                );
            }
            assert!(t.contains("deepseek-v3-activated-parameters"), "{t}");
            // Below NARROW: one block per row, `header: value`.
            assert_eq!(w < NARROW, t.contains("value: 37,000,000,000"), "{t}");
        }
        // No width: one full line per row.
        let t = g.render_at(None);
        assert_eq!(t.lines().count(), 5 + 4);
    }
}
