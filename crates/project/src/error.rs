//! The engine's errors. Each names the file (and line, where the lower crates know it) and
//! what went wrong; [`Error::Internal`] alone is Verbatim's fault rather than the input's.

use std::fmt::Write as _;

/// Anything that can go wrong in a project operation.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file or folder could not be read or written; `what` names it and the action.
    #[error("{what}")]
    Io {
        /// For example `corpus/a.txt: cannot read`.
        what: String,
        /// The operating system's reason.
        #[source]
        source: std::io::Error,
    },
    /// A file's contents could not be parsed; `what` names it and the place.
    #[error("{what}")]
    Damaged {
        /// For example `.verbatim/quotes.jsonl: line of quote row 3 is damaged`.
        what: String,
        /// The parser's reason.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// A problem with the user's input or configuration.
    #[error("{0}")]
    Invalid(String),
    /// A lower error in a context that says what was being done.
    #[error("{what}")]
    Within {
        /// What was being done.
        what: String,
        /// What went wrong doing it.
        #[source]
        source: Box<Error>,
    },
    /// A data file (roster, codebook, JSON Lines) that does not parse or cannot be read.
    #[error(transparent)]
    Model(#[from] verbatim_model::Error),
    /// A source that cannot be read as a transcript or report.
    #[error(transparent)]
    Ingest(#[from] verbatim_ingest::IngestError),
    /// The index or a codebook rule.
    #[error(transparent)]
    Coder(#[from] verbatim_coder::CoderError),
    /// A REFI-QDA file that cannot be read or written.
    #[error(transparent)]
    Refi(#[from] verbatim_refi::RefiError),
    /// A bug in Verbatim, not a problem with the input.
    #[error("internal error: {0}")]
    Internal(String),
}

/// Results of project operations.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// Whether this is Verbatim's fault rather than the input's.
    pub fn is_internal(&self) -> bool {
        match self {
            Error::Internal(_) => true,
            Error::Within { source, .. } => source.is_internal(),
            _ => false,
        }
    }

    /// This error in the context of `what`.
    pub fn within(self, what: impl Into<String>) -> Self {
        Error::Within {
            what: what.into(),
            source: Box::new(self),
        }
    }
}

/// `what` said of an I/O failure, as in `path: cannot read`.
pub(crate) trait IoContext<T> {
    fn io_context(self, what: impl FnOnce() -> String) -> Result<T>;
}

impl<T> IoContext<T> for std::io::Result<T> {
    fn io_context(self, what: impl FnOnce() -> String) -> Result<T> {
        self.map_err(|source| Error::Io {
            what: what(),
            source,
        })
    }
}

/// An error and every error under it, joined by `: ` (one line per failing source).
pub fn error_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut out = error.to_string();
    let mut next = error.source();
    while let Some(cause) = next {
        let _ = write!(out, ": {cause}");
        next = cause.source();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chain_names_the_file_then_the_reason() {
        let error = std::io::Error::new(std::io::ErrorKind::NotFound, "gone");
        let error: Result<()> = Err(error).io_context(|| "corpus/a.txt: cannot read".into());
        let error = error
            .expect_err("an error")
            .within("reading the project's quotes");
        assert_eq!(
            error_chain(&error),
            "reading the project's quotes: corpus/a.txt: cannot read: gone"
        );
        assert!(!error.is_internal());
        assert!(Error::Internal("x".into()).within("y").is_internal());
    }
}
