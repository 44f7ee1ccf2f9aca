use std::fmt;
use std::path::PathBuf;

/// Everything that can go wrong reading or writing Verbatim's files.
///
/// Every variant names the file; parse errors also name the line (1-based) and, where
/// the format gives one, the column, so a researcher can go straight to the problem.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or folder concerned.
        path: PathBuf,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },
    /// The file was read but its content is wrong.
    #[error("{}", Located { path, line: *line, column: *column, message })]
    Parse {
        /// The file concerned.
        path: PathBuf,
        /// 1-based line of the problem.
        line: usize,
        /// 1-based column, when known.
        column: Option<usize>,
        /// What is wrong, in words.
        message: String,
    },
}

impl Error {
    /// Shorthand for a [`Error::Parse`] without a column.
    pub fn parse(path: impl Into<PathBuf>, line: usize, message: impl Into<String>) -> Self {
        Error::Parse {
            path: path.into(),
            line,
            column: None,
            message: message.into(),
        }
    }

    /// Shorthand for an [`Error::Io`].
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}

struct Located<'a> {
    path: &'a PathBuf,
    line: usize,
    column: Option<usize>,
    message: &'a str,
}

impl fmt::Display for Located<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.column {
            Some(column) => write!(
                f,
                "{}:{}:{}: {}",
                self.path.display(),
                self.line,
                column,
                self.message
            ),
            None => write!(f, "{}:{}: {}", self.path.display(), self.line, self.message),
        }
    }
}

/// Converts a byte offset in `text` to a 1-based (line, column) pair, column in chars.
pub(crate) fn line_column(text: &str, byte_offset: usize) -> (usize, usize) {
    let mut offset = byte_offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_error_names_file_line_and_column() {
        let error = Error::Parse {
            path: "codebooks/x.toml".into(),
            line: 4,
            column: Some(7),
            message: "unknown key `rulez`".into(),
        };
        assert_eq!(
            error.to_string(),
            "codebooks/x.toml:4:7: unknown key `rulez`"
        );
        assert_eq!(
            Error::parse("roster.csv", 3, "empty name").to_string(),
            "roster.csv:3: empty name"
        );
    }

    #[test]
    fn line_column_counts_chars_not_bytes() {
        let text = "ab\nçé x\n";
        assert_eq!(line_column(text, 0), (1, 1));
        assert_eq!(line_column(text, 3), (2, 1));
        // "çé " is 5 bytes, 3 chars: 'x' sits in column 4.
        assert_eq!(line_column(text, 8), (2, 4));
    }
}
