//! Plain data types shared by every Verbatim crate, and the file formats they live in.
//!
//! Verbatim keeps its truth in files a researcher can read and diff: quotes and codings
//! as JSON Lines, rosters as CSV, codebooks as TOML. This crate holds those types with
//! their serde contracts (see the project's `design.md`), readers whose errors name the
//! file and line, and [`write_atomic`], which every writer uses so that a crash never
//! leaves a half-written file behind.
//!
//! # Example
//!
//! ```
//! use verbatim_model::{Roster, Resolution};
//!
//! let csv = "name,aliases,role,organisation,area,sector\n\
//!            Alison Park,Ali Park,chief executive,Wigan council,Wigan,council\n";
//! let roster = Roster::from_csv_str(csv, "roster.csv")?;
//! match roster.resolve("Cllr PARK") {
//!     Resolution::Matched(speaker) => assert_eq!(speaker.area.as_deref(), Some("Wigan")),
//!     other => panic!("expected a match, got {other:?}"),
//! }
//! # Ok::<(), verbatim_model::Error>(())
//! ```

mod atomic;
mod codebook;
mod codebook_diff;
mod coding;
mod counted;
mod error;
mod jsonl;
mod manual;
mod name;
mod nearest;
mod quote;
mod roster;
mod row_set;
mod table;

pub use atomic::{syncing_while, write_atomic, write_atomic_file};
pub use codebook::{Category, Codebook, CodebookInfo, Rule, Theme, parse_toml};
pub use codebook_diff::{CodebookDiff, diff_codebooks};
pub use coding::{
    AUTO_CODER, Code, CodedQuote, Coding, Origin, codes_by_quote, merge_codes, sort_codes,
};
pub use counted::counted;
pub use error::Error;
pub use jsonl::{read_jsonl, read_jsonl_str, write_jsonl, write_jsonl_to};
pub use manual::{Decision, ManualCoding, Target, manual_codings_text, read_manual_codings};
pub use name::{normalise_name, strip_titles};
pub use nearest::{nearest, unknown_name};
pub use quote::{Quote, QuoteKind};
pub use roster::{ROSTER_COLUMNS, Resolution, Roster, Speaker};
pub use row_set::RowSet;
pub use table::{Column, FileStamp, QuoteTable, Remap, SourceEntry, TableCode};
