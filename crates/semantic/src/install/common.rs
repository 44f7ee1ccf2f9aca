//! What the install modules share: the model folder's file names, and errors that name
//! the file at fault.

use std::io;
use std::path::Path;

use crate::SemanticError;

pub(super) const CONFIG: &str = "config.json";
pub(super) const TOKENIZER: &str = "tokenizer.json";
pub(super) const WEIGHTS: &str = "model.safetensors";
pub(super) const REQUIRED: [&str; 3] = [CONFIG, TOKENIZER, WEIGHTS];
/// Copied when present; the encoder does not need them but they document the pooling.
pub(super) const OPTIONAL: [&str; 5] = [
    "tokenizer_config.json",
    "special_tokens_map.json",
    "modules.json",
    "1_Pooling/config.json",
    "sentence_bert_config.json",
];

/// Attaches the path to an I/O error.
pub(super) trait At<T> {
    fn at(self, path: &Path) -> Result<T, SemanticError>;
}

impl<T> At<T> for io::Result<T> {
    fn at(self, path: &Path) -> Result<T, SemanticError> {
        self.map_err(|e| io_err(path, e))
    }
}

pub(super) fn io_err(path: &Path, source: io::Error) -> SemanticError {
    SemanticError::Io {
        path: path.to_path_buf(),
        source,
    }
}

pub(super) fn invalid(path: &Path, message: impl ToString) -> SemanticError {
    SemanticError::Invalid {
        path: path.to_path_buf(),
        message: message.to_string(),
    }
}
