//! Reading `project.qde` into a [`ProjectExchange`]: lenient on what real exports do
//! (namespace prefixes and versions, GUIDs in either case or braces, a plain text path
//! with or without `internal://`, several CodeRefs in one coding, codings of a whole
//! source, optional parts absent), strict on what would make codings wrong (a selection
//! outside its text, a CodeRef to no code), and telling what it leaves out.

use std::collections::{BTreeMap, BTreeSet};

use verbatim_model::Codebook;

use crate::codebook::{ReadCodes, codebook_of, read_codes};
use crate::error::RefiError;
use crate::exchange::{Case, Coding, Note, ProjectExchange, Selection, TextSource, User};
use crate::guid::{normal_guid, stable_guid};
use crate::xml::{Node, XmlReader, attribute};

/// Files of the archive by lower-cased path, for `plainTextPath`s to point into.
pub type ArchiveFiles = BTreeMap<String, Vec<u8>>;

/// Source kinds Verbatim does not read (their selections are areas or times).
const OTHER_SOURCES: [&str; 4] = ["PictureSource", "PDFSource", "AudioSource", "VideoSource"];

/// Reads `xml` (the archive's `project.qde`; `file` names it in errors), finding plain
/// texts in `files`. Codes whose GUID `known` exports keep its ids and rules.
pub fn read_qde(
    xml: &str,
    file: &str,
    files: &ArchiveFiles,
    known: Option<&Codebook>,
) -> Result<ProjectExchange, RefiError> {
    let mut state = State {
        reader: XmlReader::new(xml, file),
        file: file.to_string(),
        files,
        known,
        project: ProjectExchange::default(),
        codes: None,
        variables: BTreeMap::new(),
        path: Vec::new(),
        note_refs: Vec::new(),
        notes: BTreeMap::new(),
        skip_until: None,
        open_note: None,
        text_chars: 0,
        root_seen: false,
        made_up_guids: 0,
        text: String::new(),
    };
    state.read()?;
    state.finish()
}

/// Who a NoteRef was found on.
#[derive(Debug, Clone)]
enum NoteOwner {
    Project,
    Theme(String),
    Source(usize),
    Selection(usize, usize),
    Coding(usize, usize, usize),
}

struct State<'a> {
    reader: XmlReader<'a>,
    file: String,
    files: &'a ArchiveFiles,
    known: Option<&'a Codebook>,
    project: ProjectExchange,
    codes: Option<ReadCodes>,
    /// Variable names by GUID.
    variables: BTreeMap<String, String>,
    /// Names of the open elements.
    path: Vec<String>,
    note_refs: Vec<(NoteOwner, String)>,
    notes: BTreeMap<String, Note>,
    /// Depth whose close ends a part being skipped.
    skip_until: Option<usize>,
    /// The note being read.
    open_note: Option<String>,
    /// Chars in the text of the source being read.
    text_chars: usize,
    /// Whether the root element was read.
    root_seen: bool,
    /// Selections and codings that came without a GUID.
    made_up_guids: usize,
    /// Character data of the innermost element.
    text: String,
}

impl State<'_> {
    fn read(&mut self) -> Result<(), RefiError> {
        while let Some(node) = self.reader.next_node()? {
            match node {
                Node::Open { name, attributes } => {
                    if self.path.is_empty() && name != "Project" {
                        return Err(self.reader.error(format!(
                            "the root element is <{name}>, not a REFI <Project>"
                        )));
                    }
                    self.root_seen = true;
                    self.text.clear();
                    if self.skip_until.is_none() && self.open(&name, &attributes)? {
                        continue; // read up to its close already
                    }
                    self.path.push(name);
                }
                Node::Close { name } => {
                    if self.skip_until.is_none() {
                        self.close(&name)?;
                    }
                    self.path.pop();
                    if self.skip_until == Some(self.path.len()) {
                        self.skip_until = None;
                    }
                }
                Node::Text(text) => self.text.push_str(&text),
            }
        }
        if !self.root_seen {
            return Err(self.content("no <Project> element"));
        }
        if let Some(open) = self.path.last() {
            return Err(self.reader.error(format!(
                "the document ends inside <{open}>: the file is cut short"
            )));
        }
        Ok(())
    }

    fn parent(&self) -> &str {
        self.path.last().map_or("", String::as_str)
    }

    fn content(&self, message: impl Into<String>) -> RefiError {
        RefiError::Content {
            file: self.file.clone(),
            message: message.into(),
        }
    }

    fn guid(&self, attributes: &[(String, String)], what: &str) -> Result<String, RefiError> {
        attribute(attributes, "guid")
            .and_then(normal_guid)
            .ok_or_else(|| self.reader.error(format!("{what} without a valid guid")))
    }

    /// The GUID of a selection or coding, which nothing refers to: one is made up when
    /// a tool left it out (and counted), while a GUID that is there must be valid.
    fn own_guid(
        &mut self,
        attributes: &[(String, String)],
        what: &str,
    ) -> Result<String, RefiError> {
        if attribute(attributes, "guid").is_some() {
            return self.guid(attributes, what);
        }
        self.made_up_guids += 1;
        Ok(stable_guid("made-up", &self.made_up_guids.to_string()))
    }

    /// Takes in an element that opens; true when it was read whole, up to its close.
    fn open(&mut self, name: &str, attributes: &[(String, String)]) -> Result<bool, RefiError> {
        let parent = self.parent().to_string();
        match (name, parent.as_str()) {
            ("Project", "") => {
                self.project.name = attribute(attributes, "name").unwrap_or("").to_string();
                self.project.origin = attribute(attributes, "origin").map(str::to_string);
            }
            ("User", "Users") => {
                let guid = self.guid(attributes, "a User")?;
                let name = attribute(attributes, "name")
                    .or_else(|| attribute(attributes, "id"))
                    .unwrap_or(&guid)
                    .to_string();
                self.project.users.push(User { guid, name });
            }
            ("Codes", "CodeBook") => {
                let codes = read_codes(&mut self.reader)?;
                let read = codebook_of(&codes, &self.project.name, &self.file, self.known);
                for (theme, notes) in &read.notes {
                    for note in notes {
                        let owner = NoteOwner::Theme(theme.clone());
                        self.note_refs.push((owner, note.clone()));
                    }
                }
                self.codes = Some(read);
                return Ok(true);
            }
            ("Variable", "Variables") => {
                let guid = self.guid(attributes, "a Variable")?;
                let name = attribute(attributes, "name").unwrap_or(&guid).to_string();
                self.variables.insert(guid, name);
            }
            ("Case", "Cases") => {
                let guid = self.guid(attributes, "a Case")?;
                let name = attribute(attributes, "name")
                    .unwrap_or(&guid)
                    .trim()
                    .to_string();
                self.project.cases.push(Case {
                    guid,
                    name,
                    ..Case::default()
                });
            }
            ("VariableRef", "VariableValue") => {
                let target = attribute(attributes, "targetGUID").and_then(normal_guid);
                let variable = target.and_then(|g| self.variables.get(&g).cloned());
                let Some(variable) = variable else {
                    return Err(self.reader.error("a VariableRef to no listed Variable"));
                };
                match self
                    .path
                    .get(self.path.len().wrapping_sub(2))
                    .map(String::as_str)
                {
                    Some("Case") => {
                        if let Some(case) = self.project.cases.last_mut() {
                            case.values.push((variable, String::new()));
                        }
                    }
                    Some("TextSource") => {
                        if let Some(source) = self.project.sources.last_mut() {
                            source.values.push((variable, String::new()));
                        }
                    }
                    _ => {}
                }
            }
            ("SourceRef", "Case") => {
                if let (Some(case), Some(target)) = (
                    self.project.cases.last_mut(),
                    attribute(attributes, "targetGUID").and_then(normal_guid),
                ) {
                    case.sources.push(target);
                }
            }
            ("TextSource", "Sources") => self.open_source(attributes)?,
            (other, "Sources") if OTHER_SOURCES.contains(&other) => {
                let label = attribute(attributes, "name").unwrap_or("unnamed");
                self.project.skipped.push(format!(
                    "{other} \"{label}\": Verbatim reads text sources only"
                ));
                self.skip_until = Some(self.path.len());
            }
            ("PlainTextSelection", "TextSource") if self.in_source() => {
                self.open_selection(attributes)?;
            }
            ("Coding", "PlainTextSelection" | "TextSource") if self.in_source() => {
                self.open_coding(attributes, parent == "TextSource")?;
            }
            ("CodeRef", "Coding") if self.in_source() => self.code_ref(attributes)?,
            ("NoteRef", _) => {
                if let Some(target) = attribute(attributes, "targetGUID").and_then(normal_guid)
                    && let Some(owner) = self.note_owner(&parent)
                {
                    self.note_refs.push((owner, target));
                }
            }
            ("Note", "Notes") => {
                let guid = self.guid(attributes, "a Note")?;
                let mut note = Note {
                    guid: guid.clone(),
                    user: attribute(attributes, "creatingUser").and_then(normal_guid),
                    time: attribute(attributes, "creationDateTime").map(str::to_string),
                    ..Note::default()
                };
                if let Some(path) = attribute(attributes, "plainTextPath") {
                    note.text = self.archive_text(path, "a Note")?;
                }
                self.notes.insert(guid.clone(), note);
                self.open_note = Some(guid);
            }
            _ => {}
        }
        Ok(false)
    }

    fn close(&mut self, name: &str) -> Result<(), RefiError> {
        let parent = self
            .path
            .get(self.path.len().wrapping_sub(2))
            .map_or("", String::as_str);
        let text = std::mem::take(&mut self.text);
        match (name, parent) {
            (
                "TextValue" | "BooleanValue" | "IntegerValue" | "FloatValue" | "DateValue"
                | "DateTimeValue",
                "VariableValue",
            ) => {
                let owner = self.path.get(self.path.len().wrapping_sub(3));
                let values = match owner.map(String::as_str) {
                    Some("Case") => self.project.cases.last_mut().map(|c| &mut c.values),
                    Some("TextSource") => self.project.sources.last_mut().map(|s| &mut s.values),
                    _ => None,
                };
                if let Some((_, value)) = values.and_then(|v| v.last_mut()) {
                    *value = text.trim().to_string();
                }
            }
            ("PlainTextContent", "TextSource") => {
                if let Some(source) = self.project.sources.last_mut()
                    && source.text.is_empty()
                {
                    self.text_chars = text.chars().count();
                    source.text = text;
                }
            }
            ("PlainTextContent", "Note") => {
                let open = self.open_note.clone();
                if let Some(note) = open.and_then(|guid| self.notes.get_mut(&guid)) {
                    note.text = text;
                }
            }
            ("Coding", "PlainTextSelection" | "TextSource") if self.in_source() => {
                let selection = self.current_selection();
                if let Some(selection) = selection
                    && selection.codings.last().is_some_and(|c| c.theme.is_empty())
                {
                    return Err(self.reader.error("a Coding without a CodeRef"));
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn open_source(&mut self, attributes: &[(String, String)]) -> Result<(), RefiError> {
        let guid = self.guid(attributes, "a TextSource")?;
        let plain = attribute(attributes, "plainTextPath");
        let text = match plain {
            Some(path) => self.archive_text(path, &format!("TextSource {guid}"))?,
            None => String::new(),
        };
        let rich = match attribute(attributes, "richTextPath") {
            Some(path) => self.archive_file(path).map(|bytes| {
                let extension = path.rsplit_once('.').map_or("docx", |(_, e)| e);
                (extension.to_ascii_lowercase(), bytes.clone())
            }),
            None => None,
        };
        let name = attribute(attributes, "name")
            .map(str::to_string)
            .or_else(|| plain.map(|p| file_name(p).to_string()))
            .unwrap_or_else(|| guid.clone());
        self.text_chars = text.chars().count();
        self.project.sources.push(TextSource {
            guid,
            name,
            text,
            rich,
            ..TextSource::default()
        });
        Ok(())
    }

    fn open_selection(&mut self, attributes: &[(String, String)]) -> Result<(), RefiError> {
        let guid = self.own_guid(attributes, "a PlainTextSelection")?;
        let position = |name: &str| -> Result<usize, RefiError> {
            let value = attribute(attributes, name)
                .ok_or_else(|| self.reader.error(format!("selection {guid} has no {name}")))?;
            position_of(value).ok_or_else(|| {
                self.reader.error(format!(
                    "selection {guid}: {name} \"{value}\" is not a character position"
                ))
            })
        };
        let (start, end) = (position("startPosition")?, position("endPosition")?);
        let source = self.project.sources.last();
        let length = self.text_chars;
        if start > end || end > length || source.is_none() {
            return Err(self.reader.error(format!(
                "selection {guid} spans characters {start}-{end}, but its source \"{}\" has {length}",
                source.map_or("", |s| s.name.as_str())
            )));
        }
        if let Some(source) = self.project.sources.last_mut() {
            source.selections.push(Selection {
                guid,
                start,
                end,
                ..Selection::default()
            });
        }
        Ok(())
    }

    fn open_coding(
        &mut self,
        attributes: &[(String, String)],
        whole_source: bool,
    ) -> Result<(), RefiError> {
        let guid = self.own_guid(attributes, "a Coding")?;
        if whole_source && let Some(source) = self.project.sources.last_mut() {
            source.selections.push(Selection {
                guid: stable_guid("whole-source", &guid),
                start: 0,
                end: self.text_chars,
                ..Selection::default()
            });
        }
        let coding = Coding {
            guid,
            user: attribute(attributes, "creatingUser").and_then(normal_guid),
            time: attribute(attributes, "creationDateTime").map(str::to_string),
            ..Coding::default()
        };
        if let Some(selection) = self.current_selection() {
            selection.codings.push(coding);
        }
        Ok(())
    }

    /// A CodeRef: the theme of the open coding, or (when the coding already has one) a
    /// further coding of the same span, as some tools write several.
    fn code_ref(&mut self, attributes: &[(String, String)]) -> Result<(), RefiError> {
        let target = attribute(attributes, "targetGUID")
            .and_then(normal_guid)
            .ok_or_else(|| self.reader.error("a CodeRef without a valid targetGUID"))?;
        let theme = match &self.codes {
            Some(codes) => match codes.by_guid.get(&target) {
                Some(theme) => theme.clone(),
                None if codes.groups.contains(&target) => {
                    return Err(self.reader.error(format!(
                        "a coding refers to code {target}, a group that is not codable"
                    )));
                }
                None => {
                    return Err(self.reader.error(format!(
                        "a coding refers to code {target}, which the codebook does not hold"
                    )));
                }
            },
            None => {
                return Err(self
                    .reader
                    .error("a coding, but the project has no codebook"));
            }
        };
        let Some(selection) = self.current_selection() else {
            return Ok(());
        };
        let Some(coding) = selection.codings.last_mut() else {
            return Ok(());
        };
        if coding.theme.is_empty() {
            coding.theme = theme;
        } else {
            let further = Coding {
                guid: stable_guid("coding", &format!("{}/{theme}", coding.guid)),
                theme,
                ..coding.clone()
            };
            selection.codings.push(further);
        }
        Ok(())
    }

    fn current_selection(&mut self) -> Option<&mut Selection> {
        self.project.sources.last_mut()?.selections.last_mut()
    }

    /// True inside a text source of the project's `<Sources>` (a note is a text source
    /// too, and may hold selections of its own, which are not the project's codings).
    fn in_source(&self) -> bool {
        self.path.get(1).is_some_and(|p| p == "Sources")
            && self.path.get(2).is_some_and(|p| p == "TextSource")
    }

    fn note_owner(&self, parent: &str) -> Option<NoteOwner> {
        let source = self.project.sources.len().checked_sub(1);
        let selection =
            source.and_then(|s| self.project.sources[s].selections.len().checked_sub(1));
        match parent {
            "Project" => Some(NoteOwner::Project),
            "TextSource" if self.path.len() == 3 => source.map(NoteOwner::Source),
            "PlainTextSelection" if self.in_source() => {
                Some(NoteOwner::Selection(source?, selection?))
            }
            "Coding" if self.in_source() => {
                let (s, n) = (source?, selection?);
                let coding = self.project.sources[s].selections[n]
                    .codings
                    .len()
                    .checked_sub(1)?;
                Some(NoteOwner::Coding(s, n, coding))
            }
            _ => None,
        }
    }

    /// The archive's file for a path as tools write it: `internal://<file>` (REFI),
    /// a bare file name, or a `relative://`/`absolute://` path whose file was put in
    /// `sources/` all the same.
    fn archive_file(&self, path: &str) -> Option<&Vec<u8>> {
        let inner = path
            .strip_prefix("internal://")
            .unwrap_or(path)
            .trim_start_matches('/');
        let key = inner.to_lowercase();
        self.files
            .get(&format!("sources/{key}"))
            .or_else(|| self.files.get(&key))
            .or_else(|| {
                let file = file_name(&key);
                self.files.get(&format!("sources/{file}"))
            })
    }

    fn archive_text(&self, path: &str, what: &str) -> Result<String, RefiError> {
        let bytes = self.archive_file(path).ok_or_else(|| {
            let outside = path.contains("://") && !path.starts_with("internal://");
            self.reader.error(if outside {
                format!(
                    "{what}: its text is outside the archive ({path}); export it with its \
                     sources embedded"
                )
            } else {
                format!("{what}: its text {path} is not in the archive")
            })
        })?;
        let text = String::from_utf8(bytes.clone()).map_err(|e| {
            self.reader.error(format!(
                "{what}: its text {path} is not UTF-8 (byte {})",
                e.utf8_error().valid_up_to()
            ))
        })?;
        Ok(text
            .strip_prefix('\u{feff}')
            .map(str::to_string)
            .unwrap_or(text))
    }

    /// Attaches each note to what referred to it and moves the codebook in.
    fn finish(mut self) -> Result<ProjectExchange, RefiError> {
        let mut project = std::mem::take(&mut self.project);
        if let Some(codes) = self.codes.take() {
            project.codebook = codes.codebook;
        }
        let mut used = BTreeSet::new();
        for (owner, guid) in std::mem::take(&mut self.note_refs) {
            let Some(note) = self.notes.get(&guid).cloned() else {
                project.skipped.push(format!(
                    "a NoteRef to note {guid}, which the project does not hold"
                ));
                continue;
            };
            used.insert(guid);
            match owner {
                NoteOwner::Project => project.project_notes.push(note),
                NoteOwner::Theme(theme) => project.theme_notes.entry(theme).or_default().push(note),
                NoteOwner::Source(s) => project.sources[s].notes.push(note),
                NoteOwner::Selection(s, n) => project.sources[s].selections[n].notes.push(note),
                NoteOwner::Coding(s, n, c) => {
                    project.sources[s].selections[n].codings[c].notes.push(note);
                }
            }
        }
        if self.made_up_guids > 0 {
            project.skipped.push(format!(
                "{} selections or codings had no guid (the standard requires one); Verbatim \
                 gave them one",
                self.made_up_guids
            ));
        }
        let loose = self.notes.len() - used.len();
        if loose > 0 {
            project
                .skipped
                .push(format!("{loose} notes attached to nothing Verbatim holds"));
        }
        Ok(project)
    }
}

/// A character position as tools write it: an integer, or (as some do) a decimal with
/// nothing after the point.
fn position_of(value: &str) -> Option<usize> {
    let value = value.trim();
    let whole = match value.split_once('.') {
        Some((whole, fraction)) if fraction.bytes().all(|b| b == b'0') => whole,
        Some(_) => return None,
        None => value,
    };
    whole.parse().ok()
}

/// The last part of a path written with either slash.
fn file_name(path: &str) -> &str {
    let path = path.strip_prefix("internal://").unwrap_or(path);
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

#[cfg(test)]
#[path = "qde_read_tests.rs"]
mod qde_read_tests;
