//! Where the state files are, and the stored table when it still describes them.

use std::path::PathBuf;

use verbatim_coder::Part;
use verbatim_model::{FileStamp, QuoteTable};

use crate::config::Project;

/// Paths of the state files under `.verbatim/`.
#[derive(Debug, Clone)]
pub struct StatePaths {
    /// `quotes.jsonl`: every quote, one JSON object a line.
    pub quotes: PathBuf,
    /// `codings.jsonl`: manual codings first, then each source's automatic ones.
    pub codings: PathBuf,
    /// `table.bin`: the quote table.
    pub table: PathBuf,
    /// `index/`: the tantivy index.
    pub index: PathBuf,
    /// `index/generation`: which table the index was built with.
    pub generation: PathBuf,
    /// `index.new/`: a rebuilt index while it is built; it replaces `index/` only once
    /// the whole run has succeeded, so a failed rebuild leaves the previous state usable.
    pub index_new: PathBuf,
    /// `embeddings/`: each model's vectors of the quotes' texts, by content.
    pub embeddings: PathBuf,
}

impl StatePaths {
    /// The state files of `project`.
    pub fn of(project: &Project) -> Self {
        StatePaths {
            quotes: project.state_path("quotes.jsonl"),
            codings: project.state_path("codings.jsonl"),
            table: project.state_path("table.bin"),
            index: project.state_path("index"),
            embeddings: project.state_path("embeddings"),
            generation: project.state_path("index").join("generation"),
            index_new: project.state_path("index.new"),
        }
    }
}

/// The stored table when it is whole and matches the files beside it.
pub fn load_table(paths: &StatePaths) -> Option<QuoteTable> {
    let table = QuoteTable::from_bytes(&std::fs::read(&paths.table).ok()?)?;
    let generation = std::fs::read_to_string(&paths.generation).ok()?;
    let unchanged = |path: &std::path::Path, recorded: &FileStamp| {
        FileStamp::of(path).is_some_and(|now| now.same_length_and_time(recorded))
    };
    (unchanged(&paths.quotes, &table.quotes_file)
        && unchanged(&paths.codings, &table.codings_file)
        && generation.trim() == table.index)
        .then_some(table)
}

/// Puts the rebuilt index (`index.new/`) in place of the previous one. A crash between
/// the two steps leaves no `index/`, which the next run sees and rebuilds.
pub(crate) fn swap_in_rebuilt_index(paths: &StatePaths) -> crate::error::Result<()> {
    use crate::error::IoContext;
    if paths.index.exists() {
        std::fs::remove_dir_all(&paths.index)
            .io_context(|| format!("{}: cannot remove", paths.index.display()))?;
    }
    std::fs::rename(&paths.index_new, &paths.index)
        .io_context(|| format!("{}: cannot move into place", paths.index_new.display()))
}

/// A generation number for the index, different from the one on disk.
pub(crate) fn next_generation(paths: &StatePaths) -> u64 {
    let previous = std::fs::read_to_string(&paths.generation)
        .ok()
        .and_then(|g| g.trim().parse::<u64>().ok())
        .unwrap_or(0);
    previous.wrapping_add(1)
}

/// Where each source's documents sit in the table's rows.
pub fn layout_of(table: &QuoteTable) -> Vec<Part> {
    table
        .sources
        .iter()
        .map(|s| Part {
            serial: s.serial,
            first_row: s.first_row,
        })
        .collect()
}
