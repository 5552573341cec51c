//! Errors for people: where the problem is (file, line, column, field), what is wrong, how to fix it.

use std::fmt;
use std::path::{Path, PathBuf};

/// A located, actionable error about user input.
#[derive(Debug, Clone, Default)]
pub(crate) struct Diagnostic {
    /// The file the problem is in, if any.
    pub(crate) path: Option<PathBuf>,
    /// 1-based line, if known.
    pub(crate) line: Option<usize>,
    /// 1-based column, if known.
    pub(crate) column: Option<usize>,
    /// The field (dotted path or claim id + field) at fault, if any.
    pub(crate) field: Option<String>,
    /// What is wrong.
    pub(crate) message: String,
    /// How to fix it.
    pub(crate) hint: Option<String>,
}

impl Diagnostic {
    /// A diagnostic with only a message.
    pub(crate) fn new(message: impl Into<String>) -> Self {
        Diagnostic {
            message: message.into(),
            ..Default::default()
        }
    }

    /// Sets the file.
    pub(crate) fn in_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.path = Some(path.into());
        self
    }

    /// Sets line and column from a byte offset into `source`.
    pub(crate) fn at_offset(mut self, source: &str, offset: usize) -> Self {
        let (line, column) = line_col(source, offset);
        self.line = Some(line);
        self.column = Some(column);
        self
    }

    /// Sets the field.
    pub(crate) fn field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }

    /// Sets the hint.
    pub(crate) fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(path) = &self.path {
            write!(f, "{}", path.display())?;
            if let Some(line) = self.line {
                write!(f, ":{line}")?;
                if let Some(col) = self.column {
                    write!(f, ":{col}")?;
                }
            }
            write!(f, ": ")?;
        }
        if let Some(field) = &self.field {
            write!(f, "field `{field}`: ")?;
        }
        write!(f, "{}", self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostic {}

/// 1-based line and column (in characters) of a byte offset.
pub(crate) use traincost_core::scenario::line_col;

/// Reads a text file (a scenario, a claims file): bytes, then UTF-8. Bytes that are not UTF-8
/// are an error at the line, column and byte offset of the first bad byte. `what` names the
/// file for people ("scenario", "claims file").
pub(crate) fn read_text(path: &Path, what: &str) -> Result<String, Diagnostic> {
    let bytes = std::fs::read(path).map_err(|e| {
        Diagnostic::new(format!("cannot read the {what}: {e}"))
            .in_file(path)
            .hint("check the path and the file's permissions")
    })?;
    String::from_utf8(bytes).map_err(|e| {
        let bad = e.utf8_error();
        let at = bad.valid_up_to();
        let bytes = e.as_bytes();
        let valid = std::str::from_utf8(&bytes[..at]).unwrap_or_default();
        let len = bad.error_len().unwrap_or(bytes.len() - at).min(4);
        let shown: Vec<String> = bytes[at..at + len]
            .iter()
            .map(|b| format!("0x{b:02X}"))
            .collect();
        let mut d = Diagnostic::new(format!(
            "the {what} is not UTF-8 text: invalid byte{} {} at byte offset {at}",
            if len == 1 { "" } else { "s" },
            shown.join(" ")
        ))
        .in_file(path)
        .hint("save the file as UTF-8 (e.g. `iconv -f LATIN1 -t UTF-8`), or remove the bad bytes");
        let (line, column) = line_col(valid, at);
        d.line = Some(line);
        d.column = Some(column);
        d
    })
}

/// A TOML parser's message in people's words, with a hint, and where to point when the parser
/// gave no position: `(message, hint, byte offset)`. Messages it does not know pass unchanged.
/// The explanations live in core ([`traincost_core::scenario::explain_toml`]), so a scenario
/// parsed by the library reads the same; this names them for other TOML files (claims).
pub(crate) fn explain_toml(message: &str, source: &str) -> (String, Option<String>, Option<usize>) {
    traincost_core::scenario::explain_toml(message, source)
}

/// Prints an error and its causes to stderr.
pub(crate) fn report(err: &anyhow::Error) {
    #[allow(clippy::print_stderr)]
    {
        eprintln!("error: {err}");
        for cause in err.chain().skip(1) {
            eprintln!("  caused by: {cause}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_are_one_based() {
        let src = "a = 1\nbb = 2\n";
        assert_eq!(line_col(src, 0), (1, 1));
        assert_eq!(line_col(src, 6), (2, 1));
        assert_eq!(line_col(src, 9), (2, 4));
    }

    #[test]
    fn display_names_file_line_field_and_hint() {
        let d = Diagnostic::new("must not be negative")
            .in_file("s.toml")
            .at_offset("x = 1\ny = -2\n", 10)
            .field("rental.price")
            .hint("prices are non-negative");
        assert_eq!(
            d.to_string(),
            "s.toml:2:5: field `rental.price`: must not be negative\n  hint: prices are non-negative"
        );
    }
}
