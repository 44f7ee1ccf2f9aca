//! The JSON API under `/api/`: search with facets, a quote in its context and its
//! source, themes with counts, the report's counts (JSON or CSV), and the researcher's
//! decisions (read, and with `--code` written through the same engine calls as
//! `verbatim coding`).
//!
//! Nothing a request says reaches the file system as a path: quotes, themes and sources
//! are looked up by id among the project's own.

mod codings;
mod quote;
mod report;
mod request;
mod search;

pub use codings::{codings, decide};
pub use quote::quote;
pub use report::{report, report_csv};
pub use search::{search, search_csv, theme, themes};
