//! The Verbatim engine: a project (a folder with `verbatim.toml`) as a library. It finds
//! and reads a project's configuration and sources, keeps the derived state under
//! `.verbatim/` (quote file, codings file, quote table, index) up to date incrementally,
//! codes, searches and reports on it. It is the only code that writes `.verbatim/`.
//!
//! Options are plain data ([`ReadOptions`], [`CodeRequest`], [`SearchFilters`],
//! [`ReportView`]); progress and warnings leave through an [`Observer`]; nothing here
//! prints.
//!
//! # Example
//!
//! ```
//! use verbatim_project::{Project, SearchFilters, Searchable, Silent, refresh};
//!
//! let dir = tempfile::tempdir()?;
//! std::fs::write(dir.path().join("verbatim.toml"), "[project]\n\
//!     sources = [\"interviews\"]\ncodebook = \"codebook.toml\"\n")?;
//! std::fs::write(dir.path().join("codebook.toml"), "[codebook]\nid = \"demo\"\n\
//!     name = \"Demo\"\n[[category]]\nid = \"challenge\"\nname = \"Challenges\"\n\
//!     [[theme]]\nid = \"challenge.fatigue\"\ncategory = \"challenge\"\nname = \"Fatigue\"\n\
//!     [[theme.rules]]\nany = [\"exhausted\"]\n")?;
//! std::fs::create_dir(dir.path().join("interviews"))?;
//! std::fs::write(dir.path().join("interviews/ann.txt"),
//!     "Jo Park: How are your staff?\n\nAnn Lee: Honestly, everyone is exhausted by now.\n")?;
//!
//! let project = Project::load(dir.path())?;
//! let state = refresh(&project, None, &Silent)?;
//! assert_eq!((state.read, state.table.rows()), (1, 2));
//! assert_eq!(refresh(&project, None, &Silent)?.read, 0, "nothing changed, nothing read");
//!
//! let search = Searchable::open(Some(&project), &[], None, &Silent)?;
//! let answer = search.search("exhausted", &SearchFilters::default())?;
//! assert_eq!(answer.by_theme["challenge.fatigue"], 1);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod code;
mod codebook;
mod config;
pub mod embeddings;
mod error;
pub mod exchange;
mod explain;
mod facets;
pub mod manual;
mod observer;
pub mod quality;
mod read;
mod report;
mod search;
mod source_texts;
mod sources;
pub mod state;
pub mod synthetic;
#[cfg(test)]
mod test_fixtures;

pub use code::{CodeRequest, Coded, code, load_coded, quotes_of};
pub use codebook::{codebook_path, describe_problems, load_codebook};
pub use config::{CONFIG_FILE, Project, ProjectConfig, STATE_DIR, SourceSpec};
pub use error::{Error, Result, error_chain};
pub use explain::{ThemeRank, explain_ranking};
pub use observer::{Observer, Progress, Recorder, Silent};
pub use read::{
    Ingestion, ReadOptions, SourceReader, SourceSummary, ids_of, read_all, read_in_batches,
    unknown_speakers,
};
pub use report::{ReportView, check_codebook_names, report_coded, report_table};
pub use search::{Answer, FACET_COLUMNS, SEARCH_ATTRIBUTES, SearchFilters, Searchable};
pub use source_texts::SourceTexts;
pub use sources::{LoadedFile, SourceFile, list_sources};
pub use state::{IngestedProject, Refreshed, ingest_project, refresh, refresh_or_last};
