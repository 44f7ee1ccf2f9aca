//! What a Verbatim `.qdpx` carries beside `project.qde`, in its `verbatim/` folder, for
//! what REFI has no element for. Other tools ignore these files; Verbatim's import uses
//! them to give back exactly the project that was exported.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The codebook file as the project had it (rules, examples, ids): the themes in
/// `project.qde` whose GUIDs it exports keep them on import.
pub const CODEBOOK: &str = "codebook.toml";
/// How the project reads its sources ([`ReadingSettings`]).
pub const SETTINGS: &str = "project.toml";
/// Decisions REFI cannot carry: rejections of automatic codes, "nothing applies" marks,
/// orphaned decisions and memos on quotes not found; one JSON line each.
pub const DECISIONS: &str = "decisions.jsonl";
/// A source's original file where its plain text is not the file itself (a WebVTT or SRT
/// transcript reads to turns of text), by source GUID and extension.
pub const ORIGINALS: &str = "originals/";
/// The name of the user automatic codings are written under.
pub const AUTOMATIC_CODER: &str = "Verbatim automatic coder";
/// The name of the user codes without a coder are written under.
pub const UNSIGNED: &str = "Unsigned (no coder named)";

/// The project settings that change how sources read into quotes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReadingSettings {
    /// Round for sources that do not name one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub round: Option<String>,
    /// Interviewers named by the project.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub interviewers: Vec<String>,
    /// Longest quote in words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_words: Option<usize>,
    /// Shortest quotation taken from a report, in words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_quote_words: Option<usize>,
    /// Small talk kept as quotes.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub keep_smalltalk: bool,
    /// Each source's path in the project, by GUID. Sources are named by their file name
    /// alone, as tools that make a file of each source's name expect.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub source_paths: BTreeMap<String, String>,
}

/// Source facts that are fields of a `[[project.sources]]` table; other source
/// variables become its attributes.
pub const SOURCE_FIELDS: [&str; 4] = ["round", "interviewee", "interviewer", "date"];
