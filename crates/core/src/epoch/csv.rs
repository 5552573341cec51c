//! A small RFC-4180 CSV reader for the embedded reference files (quoted fields, doubled quotes,
//! commas and newlines inside quotes). Parsing is from `&str`: the core does no I/O.

/// Why a CSV file could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CsvError {
    /// A quoted field is not closed before the end of the input.
    #[error("line {line}: a quoted field is never closed (add the closing `\"`)")]
    UnclosedQuote {
        /// 1-based line where the field starts.
        line: usize,
    },
    /// A required column is absent from the header.
    #[error("the header has no `{column}` column")]
    MissingColumn {
        /// The column name.
        column: String,
    },
    /// A value could not be read.
    #[error("line {line}, column `{column}`: {message}")]
    BadValue {
        /// 1-based line of the record.
        line: usize,
        /// Column name.
        column: String,
        /// What is wrong.
        message: String,
    },
}

/// A parsed CSV record with the 1-based line it starts on.
#[derive(Debug, Clone)]
pub(crate) struct Record {
    pub(crate) line: usize,
    pub(crate) fields: Vec<String>,
}

/// Parses `text` into records (the header is the first record). A leading BOM is skipped.
pub(crate) fn parse(text: &str) -> Result<Vec<Record>, CsvError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut records = Vec::new();
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut chars = text.chars().peekable();
    let mut line = 1;
    let mut record_line = 1;
    let mut in_quotes = false;
    let mut quote_line = 1;
    let mut at_field_start = true;
    while let Some(c) = chars.next() {
        if in_quotes {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => in_quotes = false,
                '\n' => {
                    line += 1;
                    field.push(c);
                }
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '"' if at_field_start => {
                in_quotes = true;
                quote_line = line;
                at_field_start = false;
            }
            ',' => {
                fields.push(std::mem::take(&mut field));
                at_field_start = true;
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' => {
                fields.push(std::mem::take(&mut field));
                if !(fields.len() == 1 && fields[0].is_empty()) {
                    records.push(Record {
                        line: record_line,
                        fields: std::mem::take(&mut fields),
                    });
                }
                fields.clear();
                line += 1;
                record_line = line;
                at_field_start = true;
            }
            _ => {
                field.push(c);
                at_field_start = false;
            }
        }
    }
    if in_quotes {
        return Err(CsvError::UnclosedQuote { line: quote_line });
    }
    if !field.is_empty() || !fields.is_empty() {
        fields.push(field);
        records.push(Record {
            line: record_line,
            fields,
        });
    }
    Ok(records)
}

/// Column lookup by header name.
pub(crate) struct Header {
    names: Vec<String>,
}

impl Header {
    pub(crate) fn new(record: &Record) -> Header {
        Header {
            names: record.fields.iter().map(|s| s.trim().to_owned()).collect(),
        }
    }

    pub(crate) fn index(&self, column: &str) -> Result<usize, CsvError> {
        self.names
            .iter()
            .position(|n| n == column)
            .ok_or_else(|| CsvError::MissingColumn {
                column: column.to_owned(),
            })
    }
}

/// Field `i` of a record, trimmed; missing trailing fields read as empty.
pub(crate) fn field(record: &Record, i: usize) -> &str {
    record.fields.get(i).map_or("", |s| s.trim())
}

/// An optional number: empty means `None`.
pub(crate) fn opt_f64(record: &Record, i: usize, column: &str) -> Result<Option<f64>, CsvError> {
    let s = field(record, i);
    if s.is_empty() || s.eq_ignore_ascii_case("nan") {
        return Ok(None);
    }
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(Some(v)),
        _ => Err(CsvError::BadValue {
            line: record.line,
            column: column.to_owned(),
            message: format!("`{s}` is not a number"),
        }),
    }
}

/// An optional date: empty (or not a date, like `(chip release date)`) means `None` when
/// `lenient`, else an error.
pub(crate) fn opt_date(
    record: &Record,
    i: usize,
    column: &str,
    lenient: bool,
) -> Result<Option<crate::date::Date>, CsvError> {
    let s = field(record, i);
    if s.is_empty() {
        return Ok(None);
    }
    match s.parse() {
        Ok(d) => Ok(Some(d)),
        Err(_) if lenient => Ok(None),
        Err(e) => Err(CsvError::BadValue {
            line: record.line,
            column: column.to_owned(),
            message: e.to_string(),
        }),
    }
}

/// An optional string: empty means `None`.
pub(crate) fn opt_string(record: &Record, i: usize) -> Option<String> {
    let s = field(record, i);
    (!s.is_empty()).then(|| s.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_fields_commas_newlines_and_quotes() {
        let r = parse("a,b,c\n1,\"x, y\",\"he said \"\"hi\"\"\nok\"\r\n\n2,,\n").unwrap();
        assert_eq!(r.len(), 3);
        assert_eq!(r[1].fields, vec!["1", "x, y", "he said \"hi\"\nok"]);
        assert_eq!(r[2].line, 5);
        assert_eq!(r[2].fields, vec!["2", "", ""]);
    }

    #[test]
    fn unclosed_quote_is_an_error_not_a_panic() {
        assert_eq!(
            parse("a\n\"oops\n").unwrap_err(),
            CsvError::UnclosedQuote { line: 2 }
        );
        assert!(parse("").unwrap().is_empty());
        assert_eq!(parse("x").unwrap()[0].fields, vec!["x"]);
    }
}
