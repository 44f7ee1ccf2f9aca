use std::path::PathBuf;

/// What can go wrong installing, loading or running a model.
#[derive(Debug, thiserror::Error)]
pub enum SemanticError {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The model's files are not what they should be.
    #[error("{path}: {message}")]
    Invalid {
        /// The file or folder at fault.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// The tokenizer failed.
    #[error("tokenizer: {0}")]
    Tokenizer(String),
    /// The model failed while running.
    #[error("model: {0}")]
    Model(#[from] candle_core::Error),
}
