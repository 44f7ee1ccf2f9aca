//! A whole project as REFI-QDA carries it: users, the codebook, cases with variables, text
//! sources with their selections and codings, and notes. The `.qde` writer and reader and
//! the `.qdpx` archive work on these types; turning a Verbatim project into them (and
//! back) is the engine's job.

use std::collections::BTreeMap;

use verbatim_model::{Codebook, CodebookInfo};

/// A project in exchange form. GUIDs are lower case without braces.
#[derive(Debug, Clone, PartialEq)]
pub struct ProjectExchange {
    /// The project's name.
    pub name: String,
    /// The tool that wrote it (`origin`), when read.
    pub origin: Option<String>,
    /// People who coded or wrote notes.
    pub users: Vec<User>,
    /// The codebook; codings name its themes by id.
    pub codebook: Codebook,
    /// Notes on themes, by theme id.
    pub theme_notes: BTreeMap<String, Vec<Note>>,
    /// Cases (the roster's people) with their attributes.
    pub cases: Vec<Case>,
    /// Text sources with their selections.
    pub sources: Vec<TextSource>,
    /// Notes on the project as a whole.
    pub project_notes: Vec<Note>,
    /// Files that only Verbatim reads, beside `project.qde` (path in the archive, bytes):
    /// what REFI has no element for, such as a coder's rules.
    pub extras: BTreeMap<String, Vec<u8>>,
    /// What was in the file but not taken, one line each (read only).
    pub skipped: Vec<String>,
}

/// Someone who coded.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct User {
    /// GUID.
    pub guid: String,
    /// Name, as coders sign their decisions.
    pub name: String,
}

/// A case: a person and their attributes.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Case {
    /// GUID.
    pub guid: String,
    /// The person's name.
    pub name: String,
    /// Attribute values by variable name, in the order written.
    pub values: Vec<(String, String)>,
    /// GUIDs of the sources the person speaks in.
    pub sources: Vec<String>,
}

/// A text source: its plain text (the text selections count characters in) and what was
/// marked in it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TextSource {
    /// GUID.
    pub guid: String,
    /// Name (Verbatim writes the project-relative path).
    pub name: String,
    /// The plain text.
    pub text: String,
    /// A styled original (`.docx`) beside the plain text: extension and bytes.
    pub rich: Option<(String, Vec<u8>)>,
    /// Attribute values of the source (round, interviewee...), by variable name.
    pub values: Vec<(String, String)>,
    /// Marked spans, each with its codings.
    pub selections: Vec<Selection>,
    /// Notes on the whole source.
    pub notes: Vec<Note>,
}

/// A span of a source's plain text, in characters (Unicode scalar values), end exclusive.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Selection {
    /// GUID.
    pub guid: String,
    /// First character.
    pub start: usize,
    /// Character after the last.
    pub end: usize,
    /// Codes applied to the span.
    pub codings: Vec<Coding>,
    /// Notes on the span.
    pub notes: Vec<Note>,
}

/// A code applied to a selection.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Coding {
    /// GUID.
    pub guid: String,
    /// The theme's id in [`ProjectExchange::codebook`].
    pub theme: String,
    /// GUID of the user who coded.
    pub user: Option<String>,
    /// When (`xsd:dateTime`).
    pub time: Option<String>,
    /// Notes on this coding (why it was made).
    pub notes: Vec<Note>,
}

/// A note (a memo).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Note {
    /// GUID.
    pub guid: String,
    /// The note's text.
    pub text: String,
    /// GUID of its author.
    pub user: Option<String>,
    /// When it was written (`xsd:dateTime`).
    pub time: Option<String>,
}

/// Counts of what a project holds, for summaries and checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counts {
    /// Text sources.
    pub sources: usize,
    /// Codes in the codebook (themes).
    pub codes: usize,
    /// Cases.
    pub cases: usize,
    /// Selections.
    pub selections: usize,
    /// Codings (one per code applied to a selection).
    pub codings: usize,
    /// Notes, wherever attached.
    pub notes: usize,
    /// Users.
    pub users: usize,
}

impl Default for ProjectExchange {
    fn default() -> Self {
        ProjectExchange {
            name: String::new(),
            origin: None,
            users: Vec::new(),
            codebook: Codebook {
                codebook: CodebookInfo {
                    id: "imported".into(),
                    name: "Imported".into(),
                    description: None,
                    version: None,
                },
                categories: Vec::new(),
                themes: Vec::new(),
                merged: Vec::new(),
            },
            theme_notes: BTreeMap::new(),
            cases: Vec::new(),
            sources: Vec::new(),
            project_notes: Vec::new(),
            extras: BTreeMap::new(),
            skipped: Vec::new(),
        }
    }
}

impl ProjectExchange {
    /// How many of each thing the project holds.
    pub fn counts(&self) -> Counts {
        let selections = self.sources.iter().flat_map(|s| &s.selections);
        let selection_notes: usize = selections
            .clone()
            .map(|s| s.notes.len() + s.codings.iter().map(|c| c.notes.len()).sum::<usize>())
            .sum();
        Counts {
            sources: self.sources.len(),
            codes: self.codebook.themes.len(),
            cases: self.cases.len(),
            selections: selections.clone().count(),
            codings: selections.map(|s| s.codings.len()).sum(),
            notes: selection_notes
                + self.sources.iter().map(|s| s.notes.len()).sum::<usize>()
                + self.theme_notes.values().map(Vec::len).sum::<usize>()
                + self.project_notes.len(),
            users: self.users.len(),
        }
    }

    /// The name of the user with `guid`, if listed.
    pub fn user_name(&self, guid: &str) -> Option<&str> {
        self.users
            .iter()
            .find(|u| u.guid == guid)
            .map(|u| u.name.as_str())
    }
}
