//! A project as a REFI exchange: every source's text (the text quotes count characters
//! in), the roster's people as cases, the researcher's codes as selections with codings
//! signed by their coder, memos as notes, and optionally the coder's automatic codes.

use std::collections::{BTreeMap, BTreeSet};

use verbatim_model::{Decision, ManualCoding, Origin, Roster, Target};
use verbatim_refi::{
    Case, Coding, Note, ProjectExchange, Selection, TextSource, User, stable_guid,
};

use super::extras::{
    AUTOMATIC_CODER, CODEBOOK, DECISIONS, ORIGINALS, ReadingSettings, SETTINGS, UNSIGNED,
};
use super::names::unique;
use crate::code::{CodeRequest, code};
use crate::codebook::codebook_path;
use crate::config::Project;
use crate::error::{Error, IoContext, Result};
use crate::manual::{ManualFile, place::QuoteSpan};
use crate::observer::Observer;
use crate::source_texts::SourceTexts;
use crate::sources::{SourceFile, list_sources, read_source};

/// What to put in an export.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ExportOptions {
    /// Also the coder's automatic codes (as codings by [`AUTOMATIC_CODER`]).
    pub automatic: bool,
}

/// `project` in exchange form, brought up to date first (sources read, quotes coded).
pub fn export_project(
    project: &Project,
    options: &ExportOptions,
    observer: &dyn Observer,
) -> Result<ProjectExchange> {
    let coded = code(Some(project), &CodeRequest::default(), observer)?;
    let texts = SourceTexts::open(project)?;
    let codebook_file = codebook_path(Some(project), None)?;
    let mut exchange = ProjectExchange {
        name: project_name(project),
        codebook: coded.codebook.clone(),
        ..ProjectExchange::default()
    };
    let codebook_text = std::fs::read(&codebook_file)
        .io_context(|| format!("{}: cannot read", codebook_file.display()))?;
    exchange.extras.insert(CODEBOOK.into(), codebook_text);

    let mut sources: Vec<TextSource> = Vec::new();
    for file in texts.files() {
        sources.push(text_source(project, file, &texts, &mut exchange)?);
    }
    let lengths: Lengths = (sources.iter())
        .map(|s| (s.name.clone(), s.text.chars().count()))
        .collect();
    let mut users = Users::default();
    let mut manual = ManualFile::load(project)?.codings;
    let quotes: Vec<QuoteSpan> = (coded.quotes.iter())
        .map(|c| QuoteSpan::of(c.quote.clone()))
        .collect();
    crate::manual::place::anchor_quote_ids(&mut manual, &quotes);
    let mut left: Vec<&ManualCoding> = Vec::new();
    for decision in &manual {
        if !place_decision(
            decision,
            (&mut sources, &lengths),
            &mut exchange,
            &mut users,
        ) {
            left.push(decision);
        }
    }
    if options.automatic {
        let coder = users.guid_of(AUTOMATIC_CODER);
        for coded_quote in &coded.quotes {
            let quote = &coded_quote.quote;
            for code in coded_quote
                .codes
                .iter()
                .filter(|c| c.origin == Origin::Auto)
            {
                let Some(selection) = selection_at(
                    &mut sources,
                    &lengths,
                    &quote.source,
                    quote.start,
                    quote.end,
                ) else {
                    continue;
                };
                add_coding(
                    selection,
                    &quote.source,
                    &code.theme,
                    &coder,
                    None,
                    Vec::new(),
                );
            }
        }
    }
    if !left.is_empty() {
        let owned: Vec<ManualCoding> = left.into_iter().cloned().collect();
        let text = verbatim_model::manual_codings_text(&owned);
        exchange.extras.insert(DECISIONS.into(), text.into_bytes());
    }
    let paths = name_by_file(&mut sources);
    exchange
        .extras
        .insert(SETTINGS.into(), settings_of(project, paths)?);
    for source in &mut sources {
        source.selections.sort_by_key(|s| (s.start, s.end));
    }
    exchange.cases = cases(project, &coded.quotes, &sources)?;
    exchange.sources = sources;
    exchange.users = users.into_list();
    Ok(exchange)
}

fn project_name(project: &Project) -> String {
    project.config.name.clone().unwrap_or_else(|| {
        (project.root.file_name()).map_or("Verbatim project".into(), |n| {
            n.to_string_lossy().into_owned()
        })
    })
}

/// Names each source by its file name alone (told apart as `name-2.txt` where two
/// folders hold the same name), for tools that make a file of a source's name; gives the
/// project paths by GUID.
fn name_by_file(sources: &mut [TextSource]) -> BTreeMap<String, String> {
    let mut taken = BTreeSet::new();
    let mut paths = BTreeMap::new();
    for source in sources {
        let file = source
            .name
            .rsplit('/')
            .next()
            .unwrap_or(&source.name)
            .to_string();
        let name = unique(file, &mut taken);
        let path = std::mem::replace(&mut source.name, name);
        paths.insert(source.guid.clone(), path);
    }
    paths
}

fn settings_of(project: &Project, source_paths: BTreeMap<String, String>) -> Result<Vec<u8>> {
    let config = &project.config;
    let settings = ReadingSettings {
        round: config.round.clone(),
        interviewers: config.interviewers.clone(),
        max_words: config.max_words,
        min_quote_words: config.min_quote_words,
        keep_smalltalk: config.keep_smalltalk,
        source_paths,
    };
    toml::to_string(&settings)
        .map(String::into_bytes)
        .map_err(|e| Error::Internal(format!("project settings as TOML: {e}")))
}

/// A source as REFI holds it: its plain text, with a styled original (`.docx`) as REFI's
/// rich text, or any other original that is not its plain text among the extras.
fn text_source(
    project: &Project,
    file: &SourceFile,
    texts: &SourceTexts,
    exchange: &mut ProjectExchange,
) -> Result<TextSource> {
    let guid = source_guid(&file.name);
    let text = texts.text(&file.name)?;
    let bytes = read_source(&file.path, &file.name)?;
    let extension = (file.path.extension())
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let mut rich = None;
    if extension == "docx" {
        rich = Some(("docx".to_string(), bytes));
    } else if bytes != text.as_bytes() {
        let name = format!("{ORIGINALS}{guid}.{extension}");
        exchange.extras.insert(name, bytes);
    }
    let mut values: Vec<(String, String)> = Vec::new();
    if let Some(round) = file.round.clone().or_else(|| project.config.round.clone()) {
        values.push(("round".into(), round));
    }
    values.extend(file.facts.iter().cloned());
    Ok(TextSource {
        guid,
        name: file.name.clone(),
        text,
        rich,
        values,
        selections: Vec::new(),
        notes: Vec::new(),
    })
}

fn source_guid(name: &str) -> String {
    stable_guid("source", name)
}

/// The path of each of `project`'s sources by the GUID its export gives it: how an
/// archive another tool wrote back from our export (naming sources by file name alone)
/// finds this project's paths.
pub fn source_paths_by_guid(project: &Project) -> Result<BTreeMap<String, String>> {
    let files = list_sources(Some(project), &[], &crate::observer::Silent)?;
    Ok(files
        .into_iter()
        .map(|file| (source_guid(&file.name), file.name))
        .collect())
}

/// Users by name, each with a GUID derived from it.
#[derive(Default)]
struct Users(BTreeMap<String, String>);

impl Users {
    fn guid_of(&mut self, name: &str) -> String {
        (self.0.entry(name.to_string()))
            .or_insert_with(|| stable_guid("user", name))
            .clone()
    }

    fn into_list(self) -> Vec<User> {
        self.0
            .into_iter()
            .map(|(name, guid)| User { guid, name })
            .collect()
    }
}

/// Puts a decision where REFI holds it; false when REFI has no place for it.
fn place_decision(
    decision: &ManualCoding,
    (sources, lengths): (&mut [TextSource], &Lengths),
    exchange: &mut ProjectExchange,
    users: &mut Users,
) -> bool {
    if decision.orphaned || decision.nothing_applies {
        return false;
    }
    // A span whose words are no longer those at its place (a stale anchor) is no
    // selection; it travels as it is, beside the project.
    if let Some(Target::Span {
        source,
        start,
        end,
        text,
    }) = decision.target()
    {
        let found = sources.iter().find(|s| s.name == source);
        let at = found.map(|s| s.text.chars().skip(start).take(end.saturating_sub(start)));
        if !at.is_some_and(|chars| chars.eq(text.chars())) {
            return false;
        }
    }
    let user = decision.coder.as_deref().map(|c| users.guid_of(c));
    let note = |key: &str, text: &str| Note {
        guid: stable_guid(
            "note",
            &format!("{key}/{:?}/{:?}/{text}", decision.coder, decision.time),
        ),
        text: text.to_string(),
        user: user.clone(),
        time: decision.time.clone(),
    };
    match (decision.kind, decision.target()) {
        (
            Decision::Code,
            Some(Target::Span {
                source, start, end, ..
            }),
        ) => {
            let Some(theme) = decision.theme.as_deref() else {
                return false;
            };
            if !exchange.codebook.themes.iter().any(|t| t.id == theme) {
                return false;
            }
            let key = format!("{source}/{start}/{end}/{theme}");
            let notes = decision.memo.iter().map(|m| note(&key, m)).collect();
            let Some(selection) = selection_at(sources, lengths, source, start, end) else {
                return false;
            };
            // Readers expect every coding signed: a code without a coder is signed
            // by a user named for that, whom import reads back as no coder.
            let coder = user.clone().unwrap_or_else(|| users.guid_of(UNSIGNED));
            add_coding(
                selection,
                source,
                theme,
                &coder,
                decision.time.clone(),
                notes,
            );
            true
        }
        (
            Decision::Memo,
            Some(Target::Span {
                source, start, end, ..
            }),
        ) => {
            let Some(text) = decision.memo.as_deref() else {
                return false;
            };
            let memo = note(&format!("{source}/{start}/{end}"), text);
            match selection_at(sources, lengths, source, start, end) {
                Some(selection) => {
                    selection.notes.push(memo);
                    true
                }
                None => false,
            }
        }
        (Decision::Memo, Some(Target::Source(source))) => {
            let (Some(text), Some(found)) = (
                decision.memo.as_deref(),
                sources.iter_mut().find(|s| s.name == source),
            ) else {
                return false;
            };
            found.notes.push(note(source, text));
            true
        }
        (Decision::Memo, Some(Target::Theme(theme))) => {
            let Some(text) = decision.memo.as_deref() else {
                return false;
            };
            if !exchange.codebook.themes.iter().any(|t| t.id == theme) {
                return false;
            }
            let memo = note(theme, text);
            exchange
                .theme_notes
                .entry(theme.to_string())
                .or_default()
                .push(memo);
            true
        }
        _ => false,
    }
}

/// Each source's text length in chars, by name, counted once.
type Lengths = BTreeMap<String, usize>;

/// The selection of `start..end` in `source` (made on first use); `None` when the
/// source is not exported or the span is not inside its text.
fn selection_at<'s>(
    sources: &'s mut [TextSource],
    lengths: &Lengths,
    source: &str,
    start: usize,
    end: usize,
) -> Option<&'s mut Selection> {
    let found = sources.iter_mut().find(|s| s.name == source)?;
    if start > end || end > lengths.get(source).copied().unwrap_or(0) {
        return None;
    }
    let at = match (found.selections.iter()).position(|s| s.start == start && s.end == end) {
        Some(at) => at,
        None => {
            found.selections.push(Selection {
                guid: stable_guid("selection", &format!("{source}/{start}/{end}")),
                start,
                end,
                ..Selection::default()
            });
            found.selections.len() - 1
        }
    };
    found.selections.get_mut(at)
}

fn add_coding(
    selection: &mut Selection,
    source: &str,
    theme: &str,
    coder: &str,
    time: Option<String>,
    notes: Vec<Note>,
) {
    let user = (!coder.is_empty()).then(|| coder.to_string());
    if let Some(same) = (selection.codings.iter_mut()).find(|c| c.theme == theme && c.user == user)
    {
        same.notes.extend(notes);
        return;
    }
    let key = format!(
        "{source}/{}/{}/{theme}/{coder}",
        selection.start, selection.end
    );
    selection.codings.push(Coding {
        guid: stable_guid("coding", &key),
        theme: theme.to_string(),
        user,
        time,
        notes,
    });
}

/// The roster's people with their attributes, each with the sources they speak in.
fn cases(
    project: &Project,
    quotes: &[verbatim_model::CodedQuote],
    sources: &[TextSource],
) -> Result<Vec<Case>> {
    let Some(roster) = &project.config.roster else {
        return Ok(Vec::new());
    };
    let roster = Roster::load(&project.resolve(roster))?;
    let mut spoken: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for coded in quotes {
        if let Some(speaker) = &coded.quote.speaker {
            spoken
                .entry(speaker.as_str())
                .or_default()
                .insert(coded.quote.source.as_str());
        }
    }
    let mut cases = Vec::new();
    for speaker in roster.speakers() {
        let mut values: Vec<(String, String)> = Vec::new();
        if !speaker.aliases.is_empty() {
            values.push(("aliases".into(), speaker.aliases.join(";")));
        }
        for (name, value) in [
            ("role", &speaker.role),
            ("organisation", &speaker.organisation),
            ("area", &speaker.area),
            ("sector", &speaker.sector),
        ] {
            if let Some(value) = value {
                values.push((name.into(), value.clone()));
            }
        }
        values.extend(
            speaker
                .attributes
                .iter()
                .map(|(k, v)| (k.clone(), v.clone())),
        );
        let in_sources = spoken.get(speaker.name.as_str());
        let refs = sources
            .iter()
            .filter(|s| in_sources.is_some_and(|set| set.contains(s.name.as_str())))
            .map(|s| s.guid.clone())
            .collect();
        cases.push(Case {
            guid: stable_guid("case", &speaker.name),
            name: speaker.name.clone(),
            values,
            sources: refs,
        });
    }
    Ok(cases)
}
