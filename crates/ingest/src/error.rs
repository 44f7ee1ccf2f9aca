/// Why a source could not be turned into quotes.
///
/// Each variant names the source; syntax errors also carry the 1-based line, so a
/// researcher can open the file at the problem.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    /// The bytes are not text in any encoding Verbatim reads (an image, a PDF, an executable).
    #[error("{source_name}: binary file, not a text transcript ({reason})")]
    NotText {
        /// The source as the user named it.
        source_name: String,
        /// What gave it away.
        reason: String,
    },
    /// A `.docx` that cannot be opened or whose XML is broken.
    #[error("{source_name}: unreadable .docx: {message}")]
    Docx {
        /// The source as the user named it.
        source_name: String,
        /// What is wrong.
        message: String,
    },
    /// A format rule is broken at a given line (a WebVTT file without its header, a bad
    /// cue timing...).
    #[error("{source_name}:{line}: {message}")]
    Syntax {
        /// The source as the user named it.
        source_name: String,
        /// 1-based line in the decoded text.
        line: usize,
        /// What is wrong.
        message: String,
    },
}

/// A format-level problem before the source's name is attached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SyntaxError {
    pub line: usize,
    pub message: String,
}

impl SyntaxError {
    pub fn new(line: usize, message: impl Into<String>) -> Self {
        SyntaxError {
            line,
            message: message.into(),
        }
    }

    pub fn named(self, source_name: &str) -> IngestError {
        IngestError::Syntax {
            source_name: source_name.to_string(),
            line: self.line,
            message: self.message,
        }
    }
}
