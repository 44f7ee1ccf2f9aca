/// What can go wrong building an index or coding with a codebook.
#[derive(Debug, thiserror::Error)]
pub enum CoderError {
    /// Fusion weights that cannot be used.
    #[error("fusion weights: {0}")]
    Weights(String),
    /// The search engine failed (a corrupt index folder, a full disk).
    #[error("index: {0}")]
    Index(#[from] tantivy::TantivyError),
    /// A theme's raw query (or a reader's search) does not parse.
    #[error("{}invalid query `{}`: {message}", if theme.is_empty() { String::new() } else { format!("theme {theme}, rule {rule}: ") }, shortened(query))]
    Query {
        /// Theme id.
        theme: String,
        /// 1-based rule number within the theme.
        rule: usize,
        /// The query as written.
        query: String,
        /// What the parser said.
        message: String,
    },
    /// A rule that can never fire.
    #[error("theme {theme}, rule {rule}: {message}")]
    Rule {
        /// Theme id.
        theme: String,
        /// 1-based rule number within the theme.
        rule: usize,
        /// What is wrong.
        message: String,
    },
    /// Reading or writing index files.
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// A query short enough for a one-line message: its first 80 characters, then `...`.
fn shortened(query: &str) -> String {
    match query.char_indices().nth(80) {
        Some((cut, _)) => format!("{}...", &query[..cut]),
        None => query.to_string(),
    }
}
