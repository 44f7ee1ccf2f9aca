//! REFI-QDA projects in and out: a project as a `.qdpx` exchange (sources, roster as
//! cases, codings, memos as notes) and an exchange made into a project folder. The
//! format itself is `verbatim_refi`'s; this module knows the project.

mod export;
mod extras;
mod import;
mod names;

pub use export::{ExportOptions, export_project, source_paths_by_guid};
pub use extras::AUTOMATIC_CODER;
pub use import::{ImportOptions, Imported, import_project, read_project_archive};
