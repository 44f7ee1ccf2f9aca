//! What can be wrong with a REFI file.

/// A REFI file that cannot be read; each names the file and, where known, the line.
#[derive(Debug, thiserror::Error)]
pub enum RefiError {
    /// The XML itself is broken.
    #[error("{file}: line {line}: {message}")]
    Xml {
        /// The file as the user named it.
        file: String,
        /// 1-based line.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// Well-formed XML that is not what the standard says.
    #[error("{file}: {message}")]
    Content {
        /// The file as the user named it.
        file: String,
        /// What is wrong.
        message: String,
    },
}
