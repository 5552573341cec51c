//! Finding a claim's number in its quote.
//!
//! Sources write numbers in many ways: `$5.576 million`, `5.576M`, `2,788K`, `2664K`,
//! `$1.6B`, `50,000`, `17.4%`, `3.8 × 10^25`, `14.8 trillion`, `a billion`, `two months`,
//! `126万`, `3.85 亿元`, `110k×14`, ranges such as `$25,000 to $30,000`, `$60-65B` or
//! `29–49%`, and idioms such as `$10s of millions` or `a few $10M's` (tens of millions).
//! [`mentions`] lists every number a text denotes; [`contains_value`] says whether a quote
//! contains a claim's value in any of these renderings.
//!
//! ```
//! use traincost_claims::matcher::{contains_number, contains_range};
//! assert!(contains_number("our total training costs amount to only $5.576M.", 5_576_000.0));
//! assert!(contains_number("costs 2664K GPU hours", 2_664_000.0));
//! assert!(contains_number("a budget of 3.8 × 10^25 FLOPs", 3.8e25));
//! assert!(contains_range("Claude 3.5 Sonnet cost $10s of millions to train", 1e7, 1e8));
//! assert!(!contains_number("costs 2664K GPU hours", 2_664.0));
//! ```

use std::ops::Range;

use crate::Value;

/// A number found in a text.
#[derive(Debug, Clone, PartialEq)]
pub struct Mention {
    /// The value denoted, scale applied (`5.576M` is 5,576,000).
    pub value: f64,
    /// For idioms that denote a span (`$10s of millions`): the upper end; `value` is the lower.
    pub up_to: Option<f64>,
    /// Byte range of the rendering in the text.
    pub span: Range<usize>,
}

/// True if `a` and `b` are the same number up to floating-point rounding.
pub fn same_number(a: f64, b: f64) -> bool {
    a == b || (a.is_finite() && b.is_finite() && (a - b).abs() <= 1e-9 * a.abs().max(b.abs()))
}

/// True if `text` contains `x` (sign ignored) in some rendering.
pub fn contains_number(text: &str, x: f64) -> bool {
    let x = x.abs();
    mentions(text).iter().any(|m| same_number(m.value, x))
}

/// True if `text` contains the range `low..=high`: both ends in some rendering, or an idiom
/// denoting exactly that span.
pub fn contains_range(text: &str, low: f64, high: f64) -> bool {
    let ms = mentions(text);
    let has = |x: f64| ms.iter().any(|m| same_number(m.value, x.abs()));
    (has(low) && has(high))
        || ms.iter().any(|m| {
            m.up_to
                .is_some_and(|h| same_number(m.value, low.abs()) && same_number(h, high.abs()))
        })
}

/// True if `text` contains `value`: its number, or for a range both ends (or an idiom for it).
pub fn contains_value(text: &str, value: &Value) -> bool {
    match *value {
        Value::Range { low, high } => contains_range(text, low, high),
        _ => contains_number(text, value.number()),
    }
}

const SUPERSCRIPTS: [char; 10] = ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'];

struct Lit {
    /// Value with scale applied.
    value: f64,
    /// Whether a scale (suffix, word, exponent) was applied.
    scaled: bool,
    /// Index (in chars) just past the rendering.
    end: usize,
    /// The scale applied (1 if none).
    scale: f64,
    /// The unscaled number.
    base: f64,
}

struct Scanner<'a> {
    text: &'a str,
    chars: Vec<(usize, char)>,
}

impl Scanner<'_> {
    fn ch(&self, i: usize) -> Option<char> {
        self.chars.get(i).map(|&(_, c)| c)
    }

    fn byte(&self, i: usize) -> usize {
        self.chars.get(i).map_or(self.text.len(), |&(b, _)| b)
    }

    fn is_digit(&self, i: usize) -> bool {
        self.ch(i).is_some_and(|c| c.is_ascii_digit())
    }

    fn is_letter(&self, i: usize) -> bool {
        self.ch(i)
            .is_some_and(|c| c.is_alphabetic() && c.is_ascii())
    }

    /// Skips at most one space (or no-break space).
    fn skip_space(&self, i: usize) -> usize {
        if matches!(self.ch(i), Some(' ' | '\u{a0}' | '\u{202f}')) {
            i + 1
        } else {
            i
        }
    }

    /// True if the chars from `i` spell `word` (ASCII case-insensitive).
    fn word_at(&self, i: usize, word: &str) -> bool {
        word.chars()
            .enumerate()
            .all(|(k, w)| self.ch(i + k).is_some_and(|c| c.eq_ignore_ascii_case(&w)))
    }

    /// A plain decimal number at `i`: digits with optional comma groups and decimals.
    fn plain(&self, i: usize) -> Option<(f64, usize)> {
        if !self.is_digit(i) {
            return None;
        }
        let mut s = String::new();
        let mut j = i;
        while self.is_digit(j) {
            s.push(self.ch(j)?);
            j += 1;
        }
        // Thousands groups: ",ddd" not followed by another digit.
        while self.ch(j) == Some(',')
            && (1..=3).all(|k| self.is_digit(j + k))
            && !self.is_digit(j + 4)
        {
            for k in 1..=3 {
                s.push(self.ch(j + k)?);
            }
            j += 4;
        }
        if self.ch(j) == Some('.') && self.is_digit(j + 1) {
            s.push('.');
            j += 1;
            while self.is_digit(j) {
                s.push(self.ch(j)?);
                j += 1;
            }
        }
        s.parse().ok().map(|v| (v, j))
    }

    /// An exponent after a mantissa ending at `j`: `× 10^25`, `x10²⁵`, `e25`, `E+25`.
    fn exponent(&self, j: usize) -> Option<(i32, usize)> {
        let digits = |mut k: usize, sup: bool| -> Option<(i32, usize)> {
            let mut neg = false;
            if sup {
                if self.ch(k) == Some('⁻') {
                    neg = true;
                    k += 1;
                }
            } else if let Some(c @ ('+' | '-')) = self.ch(k) {
                neg = c == '-';
                k += 1;
            }
            let start = k;
            let mut e: i32 = 0;
            while let Some(c) = self.ch(k) {
                let d = if sup {
                    SUPERSCRIPTS.iter().position(|&s| s == c)
                } else {
                    c.to_digit(10).map(|d| d as usize)
                };
                match d {
                    Some(d) if k - start < 4 => e = e * 10 + d as i32,
                    _ => break,
                }
                k += 1;
            }
            (k > start).then_some((if neg { -e } else { e }, k))
        };
        if let Some('e' | 'E') = self.ch(j)
            && let Some(r) = digits(j + 1, false)
        {
            return Some(r);
        }
        let k = self.skip_space(j);
        if !matches!(self.ch(k), Some('×' | 'x' | 'X' | '*' | '·')) {
            return None;
        }
        let k = self.skip_space(k + 1);
        if !(self.ch(k) == Some('1') && self.ch(k + 1) == Some('0')) {
            return None;
        }
        let k = k + 2;
        match self.ch(k) {
            Some('^') => digits(k + 1, false),
            Some(c) if SUPERSCRIPTS.contains(&c) || c == '⁻' => digits(k, true),
            _ => None,
        }
    }

    /// A scale after a number ending at `j`: a suffix letter, a word, or a CJK unit.
    fn scale(&self, j: usize) -> Option<(f64, usize)> {
        // Suffix letters, directly attached: 2664K, 5.576M, $1.6B, 1.5bn, 14.8T.
        let free = |k: usize| {
            !self.is_letter(k)
                || (self.ch(k) == Some('s') && !self.is_letter(k + 1))
                || matches!(self.ch(k), Some('\'' | '’'))
        };
        for (suffix, scale) in [
            ("bn", 1e9),
            ("K", 1e3),
            ("k", 1e3),
            ("M", 1e6),
            ("m", 1e6),
            ("B", 1e9),
            ("T", 1e12),
        ] {
            let n = suffix.chars().count();
            if suffix
                .chars()
                .enumerate()
                .all(|(k, c)| self.ch(j + k) == Some(c))
                && free(j + n)
            {
                return Some((scale, j + n));
            }
        }
        let k = self.skip_space(j);
        for (word, scale) in [
            ("thousand", 1e3),
            ("million", 1e6),
            ("billion", 1e9),
            ("trillion", 1e12),
        ] {
            let n = word.len();
            if self.word_at(k, word) {
                let mut e = k + n;
                if self.ch(e) == Some('s') {
                    e += 1;
                }
                if !self.is_letter(e) {
                    return Some((scale, e));
                }
            }
        }
        match (self.ch(k), self.ch(k + 1)) {
            (Some('万' | '萬'), Some('亿' | '億')) => Some((1e12, k + 2)),
            (Some('千'), _) => Some((1e3, k + 1)),
            (Some('万' | '萬'), _) => Some((1e4, k + 1)),
            (Some('亿' | '億'), _) => Some((1e8, k + 1)),
            _ => None,
        }
    }

    /// A number at `i` with its scale or exponent, if any.
    fn literal(&self, i: usize) -> Option<Lit> {
        let (base, j) = self.plain(i)?;
        if let Some((e, end)) = self.exponent(j) {
            let scale = 10f64.powi(e);
            return Some(Lit {
                value: base * scale,
                scaled: true,
                end,
                scale,
                base,
            });
        }
        if let Some((scale, end)) = self.scale(j) {
            return Some(Lit {
                value: base * scale,
                scaled: true,
                end,
                scale,
                base,
            });
        }
        Some(Lit {
            value: base,
            scaled: false,
            end: j,
            scale: 1.0,
            base,
        })
    }

    /// The start of a number after a range separator at `j` (`-`, `–`, `~`, `to`, `and`),
    /// skipping a currency sign.
    fn after_separator(&self, j: usize) -> Option<usize> {
        let k = self.skip_space(j);
        let k = match self.ch(k) {
            Some('-' | '–' | '—' | '~' | '～' | '－') => k + 1,
            _ if self.word_at(k, "to ") => k + 2,
            _ if self.word_at(k, "and ") => k + 3,
            _ => return None,
        };
        let mut k = self.skip_space(k);
        if self.word_at(k, "US$") {
            k += 3;
        } else if matches!(self.ch(k), Some('$' | '¥' | '€')) {
            k += 1;
        }
        self.is_digit(k).then_some(k)
    }

    fn numbers(&self, out: &mut Vec<Mention>) {
        let n = self.chars.len();
        let mut i = 0;
        while i < n {
            let starts_number = self.is_digit(i)
                && !(i > 0
                    && (self.is_letter(i - 1)
                        || self.is_digit(i - 1)
                        || (matches!(self.ch(i - 1), Some('.' | ','))
                            && i > 1
                            && self.is_digit(i - 2))));
            if !starts_number {
                i += 1;
                continue;
            }
            let Some(lit) = self.literal(i) else {
                i += 1;
                continue;
            };
            let span = self.byte(i)..self.byte(lit.end);
            out.push(Mention {
                value: lit.value,
                up_to: None,
                span: span.clone(),
            });
            // "$10M's", "$10s of millions": tens of millions.
            let e = lit.end;
            if lit.scaled && matches!(self.ch(e), Some('\'' | '’')) && self.ch(e + 1) == Some('s')
            {
                out.push(Mention {
                    value: lit.value,
                    up_to: Some(lit.value * 10.0),
                    span: self.byte(i)..self.byte(e + 2),
                });
            }
            if !lit.scaled
                && self.ch(e) == Some('s')
                && self.word_at(e + 1, " of ")
                && let Some((scale, end)) = self.scale(e + 4)
            {
                out.push(Mention {
                    value: lit.base * scale,
                    up_to: Some(lit.base * scale * 10.0),
                    span: self.byte(i)..self.byte(end),
                });
            }
            // "$60-65B": the low end takes the high end's scale.
            if let Some(k) = self.after_separator(e)
                && let Some(next) = self.literal(k)
                && !lit.scaled
                && next.scaled
            {
                out.push(Mention {
                    value: lit.base * next.scale,
                    up_to: None,
                    span: self.byte(i)..self.byte(next.end),
                });
            }
            // "110k×14": a product.
            let k = self.skip_space(e);
            if matches!(self.ch(k), Some('×' | 'x' | 'X' | '*')) {
                let k = self.skip_space(k + 1);
                let fresh = self.is_digit(k) && !self.is_digit(k.wrapping_sub(1));
                if let Some(next) = fresh.then(|| self.literal(k)).flatten() {
                    out.push(Mention {
                        value: lit.value * next.value,
                        up_to: None,
                        span: self.byte(i)..self.byte(next.end),
                    });
                }
            }
            // Skip the rest of this number's digits (not its scale: "2,000-3,000" goes on).
            let mut j = i;
            while j < n && (self.is_digit(j) || matches!(self.ch(j), Some('.' | ','))) {
                j += 1;
            }
            i = j.max(i + 1);
        }
    }

    fn words(&self, out: &mut Vec<Mention>) {
        const SMALL: [&str; 21] = [
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
            "sixteen",
            "seventeen",
            "eighteen",
            "nineteen",
            "twenty",
        ];
        let n = self.chars.len();
        let mut i = 0;
        while i < n {
            if !self.is_letter(i) || (i > 0 && self.is_letter(i - 1)) {
                i += 1;
                continue;
            }
            let mut j = i;
            while self.is_letter(j) {
                j += 1;
            }
            let word: String = (i..j).filter_map(|k| self.ch(k)).collect::<String>();
            let word = word.to_ascii_lowercase();
            let number = match word.as_str() {
                "a" | "an" => Some((1.0, false)),
                w => SMALL.iter().position(|s| *s == w).map(|p| (p as f64, true)),
            };
            if let Some((v, stands_alone)) = number {
                match self.scale(j).filter(|_| self.ch(j) == Some(' ')) {
                    Some((scale, end)) => out.push(Mention {
                        value: v * scale,
                        up_to: None,
                        span: self.byte(i)..self.byte(end),
                    }),
                    None if stands_alone => out.push(Mention {
                        value: v,
                        up_to: None,
                        span: self.byte(i)..self.byte(j),
                    }),
                    None => {}
                }
            }
            // "tens of millions", "hundreds of billions".
            let span_of = match word.as_str() {
                "tens" => Some(10.0),
                "hundreds" => Some(100.0),
                _ => None,
            };
            if let Some(f) = span_of.filter(|_| self.word_at(j, " of "))
                && let Some((scale, end)) = self.scale(j + 4)
            {
                out.push(Mention {
                    value: f * scale,
                    up_to: Some(f * scale * 10.0),
                    span: self.byte(i)..self.byte(end),
                });
            }
            i = j;
        }
    }
}

/// Every number `text` denotes, in every supported rendering, in no particular order.
///
/// A run of digits glued to a letter (`H800`, `tCO2eq`) is a name, not a number.
///
/// ```
/// use traincost_claims::matcher::mentions;
/// let values: Vec<f64> = mentions("2,788K GPU hours at $2").iter().map(|m| m.value).collect();
/// assert_eq!(values, vec![2_788_000.0, 2.0]);
/// ```
pub fn mentions(text: &str) -> Vec<Mention> {
    let s = Scanner {
        text,
        chars: text.char_indices().collect(),
    };
    let mut out = Vec::new();
    s.numbers(&mut out);
    s.words(&mut out);
    out.sort_by_key(|m| m.span.start);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn finds(text: &str, x: f64) -> bool {
        contains_number(text, x)
    }

    #[test]
    fn renderings_named_in_the_issue() {
        assert!(finds("$5.576 million", 5.576e6));
        assert!(finds("5.576M", 5.576e6));
        assert!(finds("2,788K", 2.788e6));
        assert!(finds("2.788M GPU hours", 2.788e6));
        assert!(finds("costs 2664K GPU hours.", 2.664e6));
        assert!(finds("$10M's", 1e7));
        assert!(contains_range("a few $10M's to train", 1e7, 1e8));
        assert!(contains_range("a few $10M’s to train", 1e7, 1e8));
        assert!(finds("~$1.6B", 1.6e9));
        assert!(finds("around 50,000 Hopper GPUs", 50_000.0));
        assert!(finds("tumbled 17.4%,", 17.4));
        assert!(contains_range("at 29–49%, with", 29.0, 49.0));
    }

    #[test]
    fn words_scales_and_exponents() {
        assert!(finds("on 14.8 trillion diverse tokens", 14.8e12));
        assert!(finds("more than a billion dollars by 2027", 1e9));
        assert!(finds("in less than two months", 2.0));
        assert!(finds("budget of 3.8 × 10^25 FLOPs", 3.8e25));
        assert!(finds("budget of 3.8x10²⁵ FLOPs", 3.8e25));
        assert!(finds("3.8e25 FLOP", 3.8e25));
        assert!(finds("$5,576 million", 5.576e9));
        assert!(finds("1.5bn", 1.5e9));
        assert!(finds("Estimated total emissions were 0 tons", 0.0));
        assert!(finds("(TDP of 700W)", 700.0));
    }

    #[test]
    fn chinese_units_and_products() {
        assert!(finds("也就是年薪126万", 1.26e6));
        assert!(contains_range(
            "约合人民币 3.85 亿元～ 7.21 亿元。",
            3.85e8,
            7.21e8
        ));
        assert!(finds("最高薪资达到了110k×14,本科", 1.54e6));
        assert!(finds("3 万亿", 3e12));
    }

    #[test]
    fn ranges_and_shorthand() {
        assert!(contains_range("$60-65B in capex", 60e9, 65e9));
        assert!(contains_range("from $25,000 to $30,000.", 25e3, 30e3));
        assert!(contains_range("the $10,000-$12,000 the H20", 10e3, 12e3));
        assert!(contains_range(
            "between $30,000 and $40,000 per unit",
            30e3,
            40e3
        ));
        assert!(contains_range(
            "20K (on ChinaTalk) to 50K (Dylan Patel)",
            20e3,
            50e3
        ));
        assert!(contains_range("cost $10s of millions to train", 1e7, 1e8));
        assert!(contains_range("tens of millions of dollars", 1e7, 1e8));
        assert!(!contains_range("from $25,000 to $30,000.", 25e3, 40e3));
    }

    #[test]
    fn names_and_wrong_scales_are_not_numbers() {
        assert!(!finds("2048 NVIDIA H800 GPUs", 800.0));
        assert!(!finds("tCO2eq", 2.0));
        assert!(!finds("costs 2664K GPU hours", 2664.0));
        assert!(!finds("$5.576M", 5.576));
        assert!(!finds("$5.576M", 5_576.0));
        assert!(!finds("millions of dollars", 1e6));
        assert!(!finds("v2.1 release", 2.1));
        assert!(!finds("5 minutes", 5e6));
        assert!(mentions("").is_empty());
    }

    #[test]
    fn separators_do_not_glue_numbers() {
        // "2,000-3,000" is two numbers; "1,2345" is not a thousands group.
        assert!(finds("2,000-3,000 H800s", 2000.0));
        assert!(finds("2,000-3,000 H800s", 3000.0));
        assert!(!finds("1,2345", 12_345.0));
    }

    fn grouped(n: u64) -> String {
        let s = n.to_string();
        let mut out = String::new();
        for (k, c) in s.chars().enumerate() {
            if k > 0 && (s.len() - k).is_multiple_of(3) {
                out.push(',');
            }
            out.push(c);
        }
        out
    }

    /// Renders `value` (an integer) the `style`-th supported way.
    fn render(value: u64, style: u8, dollar: bool) -> String {
        let v = value as f64;
        let scaled = |scale: f64| format!("{}", v / scale);
        let body = match style % 12 {
            0 => value.to_string(),
            1 => grouped(value),
            2 => format!("{}K", scaled(1e3)),
            3 => format!("{}M", scaled(1e6)),
            4 => format!("{}B", scaled(1e9)),
            5 => format!("{} million", scaled(1e6)),
            6 => format!("{} billion", scaled(1e9)),
            7 => format!("{} thousand", scaled(1e3)),
            8 => format!("{}万", scaled(1e4)),
            9 => format!("{} 亿", scaled(1e8)),
            10 => format!("{}bn", scaled(1e9)),
            _ => format!("{}T", scaled(1e12)),
        };
        if dollar { format!("${body}") } else { body }
    }

    proptest! {
        #[test]
        fn a_rendered_number_is_always_found(
            mantissa in 1u64..100_000,
            exp in 0u32..10,
            style in 0u8..12,
            dollar in any::<bool>(),
            before in "[a-j ,;:(]{0,12}",
            after in "[a-j ,;:.)]{0,12}",
        ) {
            let value = mantissa * 10u64.pow(exp);
            let text = format!("{before} {} {after}", render(value, style, dollar));
            prop_assert!(contains_number(&text, value as f64), "{text:?} should contain {value}");
        }

        #[test]
        fn a_decimal_is_always_found(whole in 0u64..100_000, frac in 0u64..1000, pct in any::<bool>()) {
            let value: f64 = format!("{whole}.{frac:03}").parse().unwrap();
            let text = format!("rose {whole}.{frac:03}{} on Monday", if pct { "%" } else { "" });
            prop_assert!(contains_number(&text, value), "{text:?}");
        }

        #[test]
        fn scientific_notation_is_always_found(m in 1u32..1000, e in 0i32..40, sup in any::<bool>()) {
            let mantissa = f64::from(m) / 100.0;
            let exp = if sup {
                e.to_string().chars().map(|c| SUPERSCRIPTS[c.to_digit(10).unwrap() as usize]).collect()
            } else {
                format!("^{e}")
            };
            let text = format!("about {mantissa} × 10{exp} FLOP");
            prop_assert!(contains_number(&text, mantissa * 10f64.powi(e)), "{text:?}");
        }

        #[test]
        fn a_rendered_range_is_always_found(
            low in 1u64..50_000,
            extra in 1u64..50_000,
            sep in prop::sample::select(vec![" to ", "-", "–", " - ", "～"]),
            style in 0u8..12,
        ) {
            let high = low + extra;
            let text = format!("priced at {}{sep}{} each", render(low, style, true), render(high, style, true));
            prop_assert!(contains_range(&text, low as f64, high as f64), "{text:?}");
        }

        #[test]
        fn number_words_are_always_found(n in 0usize..21, scale in 0usize..5) {
            const WORDS: [&str; 21] = [
                "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
                "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
                "eighteen", "nineteen", "twenty",
            ];
            let (word, factor) = [("", 1.0), (" thousand", 1e3), (" million", 1e6), (" billion", 1e9), (" trillion", 1e12)][scale];
            let text = format!("in less than {}{word} months", WORDS[n]);
            prop_assert!(contains_number(&text, n as f64 * factor), "{text:?}");
        }

        #[test]
        fn products_and_tens_of_idioms_are_always_found(a in 1u64..1000, b in 1u64..30, k in 0usize..3) {
            let (suffix, scale) = [("k", 1e3), ("M", 1e6), ("B", 1e9)][k];
            let text = format!("up to {a}{suffix}×{b} a year");
            prop_assert!(contains_number(&text, a as f64 * scale * b as f64), "{text:?}");
            let tens = format!("cost ${a}{suffix}'s to train");
            prop_assert!(contains_range(&tens, a as f64 * scale, a as f64 * scale * 10.0), "{tens:?}");
        }

        #[test]
        fn never_panics_and_spans_are_char_boundaries(text in "\\PC{0,60}") {
            for m in mentions(&text) {
                prop_assert!(text.is_char_boundary(m.span.start) && text.is_char_boundary(m.span.end));
                prop_assert!(m.span.start < m.span.end);
            }
        }

        #[test]
        fn text_without_digits_or_number_words_has_no_numbers(text in "[b-df-hj-mp-rv-z ,.;]{0,40}") {
            prop_assert!(mentions(&text).is_empty(), "{text:?}");
        }
    }
}
