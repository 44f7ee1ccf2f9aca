//! A REFI exchange made into a project folder: the sources as files, the cases as a
//! roster, the codebook as TOML, the codings and notes as the researcher's decisions,
//! and a `verbatim.toml` naming them. Every path written is checked to lie inside the
//! folder; nothing already there is replaced without `force`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use verbatim_ingest::{Format, IngestOptions, Source, source_text};
use verbatim_model::{
    Codebook, Decision, ManualCoding, Roster, Speaker, manual_codings_text, read_manual_codings,
    write_atomic,
};
use verbatim_refi::{ProjectExchange, TextSource, unpack_qdpx};

use super::extras::{
    AUTOMATIC_CODER, CODEBOOK, DECISIONS, ORIGINALS, ReadingSettings, SETTINGS, SOURCE_FIELDS,
    UNSIGNED,
};
use super::names::unique;
use crate::config::CONFIG_FILE;
use crate::error::{Error, IoContext, Result};

/// The files an import writes beside the sources.
const ROSTER_FILE: &str = "roster.csv";
const CODEBOOK_FILE: &str = "codebook.toml";
const CODINGS_FILE: &str = "codings.jsonl";

/// What an import wrote and what it left out.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Imported {
    /// The project folder.
    pub folder: PathBuf,
    /// Sources written.
    pub sources: usize,
    /// People in the roster.
    pub cases: usize,
    /// Themes in the codebook.
    pub themes: usize,
    /// Selections read.
    pub selections: usize,
    /// Codings read (automatic ones included).
    pub codings: usize,
    /// Codings by Verbatim's automatic coder, left for the coder to make again.
    pub automatic: usize,
    /// Lines written to the codings file (codes, memos, other decisions).
    pub decisions: usize,
    /// Notes read.
    pub notes: usize,
    /// What was in the file but not imported, and why.
    pub skipped: Vec<String>,
}

/// Reads a `.qdpx` (`file` names it in messages). Themes keep their ids and rules where
/// their GUIDs are those a known codebook exports: the archive's own (a Verbatim export
/// carries its codebook file), else `project_codebook` (the codebook of the project the
/// import runs in, so that a colleague's codes on our own export come back under our
/// theme ids).
pub fn read_project_archive(
    bytes: &[u8],
    file: &str,
    project_codebook: Option<&Codebook>,
) -> Result<ProjectExchange> {
    let archive = unpack_qdpx(bytes, file)?;
    let own = match archive.extra(CODEBOOK) {
        Some(toml) => Some(Codebook::from_toml_str(
            &String::from_utf8_lossy(toml),
            format!("{file}:verbatim/{CODEBOOK}"),
        )?),
        None => None,
    };
    Ok(archive.read(own.as_ref().or(project_codebook))?)
}

/// How to import.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportOptions {
    /// Write over files that exist.
    pub force: bool,
    /// Paths for sources by GUID, for an archive that names them by file name alone
    /// (see [`super::source_paths_by_guid`]); the archive's own list comes first.
    pub source_paths: BTreeMap<String, String>,
}

/// Writes `exchange` as a project in `folder` (made if missing). Refuses to write over
/// any file unless `options.force`.
pub fn import_project(
    exchange: &ProjectExchange,
    folder: &Path,
    file: &str,
    options: &ImportOptions,
) -> Result<Imported> {
    let force = options.force;
    let counts = exchange.counts();
    let mut imported = Imported {
        folder: folder.to_path_buf(),
        sources: exchange.sources.len(),
        cases: exchange.cases.len(),
        themes: exchange.codebook.themes.len(),
        selections: counts.selections,
        codings: counts.codings,
        notes: counts.notes,
        skipped: exchange.skipped.clone(),
        ..Imported::default()
    };
    // Everything is made in memory first: a problem found half way writes nothing.
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    let mut taken: BTreeSet<String> = [CONFIG_FILE, ROSTER_FILE, CODEBOOK_FILE, CODINGS_FILE]
        .iter()
        .map(|s| s.to_lowercase())
        .collect();
    let settings = match exchange.extras.get(SETTINGS) {
        Some(bytes) => toml::from_str::<ReadingSettings>(&String::from_utf8_lossy(bytes))
            .map_err(|e| Error::Invalid(format!("{file}:verbatim/{SETTINGS}: {e}")))?,
        None => ReadingSettings::default(),
    };
    let mut written: Vec<(String, &TextSource)> = Vec::new();
    for source in &exchange.sources {
        let wanted = (settings.source_paths.get(&source.guid))
            .or_else(|| options.source_paths.get(&source.guid))
            .unwrap_or(&source.name);
        let (path, bytes, note) = source_file(exchange, source, wanted, &mut taken)?;
        imported.skipped.extend(note);
        files.push((path.clone(), bytes));
        written.push((path, source));
    }
    let has_roster = !exchange.cases.is_empty();
    if has_roster {
        let roster = roster_of(exchange, &folder.join(ROSTER_FILE))?;
        files.push((ROSTER_FILE.into(), roster.to_csv_string().into_bytes()));
    }
    let toml = exchange.codebook.to_toml_string()?;
    let header = format!(
        "# Imported by `verbatim import` from {file}. Themes that came without Verbatim rules\n\
         # have one, their name as a phrase: edit the rules before coding with them.\n\n"
    );
    files.push((CODEBOOK_FILE.into(), format!("{header}{toml}").into_bytes()));
    let (decisions, automatic) = decisions_of(exchange, &written, file)?;
    imported.automatic = automatic;
    imported.decisions = decisions.len();
    if !decisions.is_empty() {
        files.push((
            CODINGS_FILE.into(),
            manual_codings_text(&decisions).into_bytes(),
        ));
    }
    let config = project_file(exchange, &written, has_roster, &settings, file);
    files.push((CONFIG_FILE.into(), config.into_bytes()));

    if !force {
        let there: Vec<&str> = (files.iter())
            .filter(|(path, _)| folder.join(path).exists())
            .map(|(path, _)| path.as_str())
            .collect();
        if !there.is_empty() {
            let shown: Vec<&str> = there.iter().take(3).copied().collect();
            let project = if there.contains(&CONFIG_FILE) {
                " already holds a project, and"
            } else {
                ""
            };
            return Err(Error::Invalid(format!(
                "{}:{project} {} of the files to import exist there ({}{}); give --force \
                 to write over them, or name another folder",
                folder.display(),
                there.len(),
                shown.join(", "),
                if there.len() > shown.len() {
                    ", ..."
                } else {
                    ""
                }
            )));
        }
    }
    std::fs::create_dir_all(folder)
        .io_context(|| format!("{}: cannot create", folder.display()))?;
    // The configuration last: a folder cut short by a failing disk is not yet a project.
    for (path, bytes) in &files {
        write_inside(folder, path, bytes)?;
    }
    Ok(imported)
}

/// Where a source goes in the folder and what is written there: its original file when
/// the archive has one that reads back to the same text, else its plain text.
fn source_file(
    exchange: &ProjectExchange,
    source: &TextSource,
    wanted: &str,
    taken: &mut BTreeSet<String>,
) -> Result<(String, Vec<u8>, Option<String>)> {
    let mut path =
        safe_path(wanted).map_err(|why| Error::Invalid(format!("source \"{wanted}\": {why}")))?;
    let extension = extension_of(&path);
    let known = extension
        .as_deref()
        .is_some_and(|e| Format::EXTENSIONS.contains(&e));
    let original = extension.as_ref().and_then(|e| {
        let extra = format!("{ORIGINALS}{}.{e}", source.guid);
        (exchange.extras.get(&extra).cloned()).or_else(|| {
            source
                .rich
                .as_ref()
                .filter(|(r, _)| r == e)
                .map(|(_, b)| b.clone())
        })
    });
    let mut note = None;
    let bytes = match original {
        Some(bytes) if reads_as(&path, &bytes, &source.text) => bytes,
        Some(_) => {
            note = Some(format!(
                "{}: its original file does not read back to the text its selections count \
                 in; imported as plain text",
                source.name
            ));
            path.push_str(".txt");
            source.text.as_bytes().to_vec()
        }
        None if known
            && extension.as_deref() != Some("docx")
            && reads_as(&path, source.text.as_bytes(), &source.text) =>
        {
            source.text.as_bytes().to_vec()
        }
        None => {
            path.push_str(".txt");
            source.text.as_bytes().to_vec()
        }
    };
    let path = unique(path, taken);
    Ok((path, bytes, note))
}

/// True when `bytes`, read as the file `path`, give `text` to count characters in.
fn reads_as(path: &str, bytes: &[u8], text: &str) -> bool {
    let source = Source {
        name: path,
        id: path,
        extension: extension_of(path)
            .as_deref()
            .map(|_| path.rsplit('.').next().unwrap_or("")),
        bytes,
    };
    source_text(&source, &IngestOptions::default()).is_ok_and(|read| read == text)
}

fn extension_of(path: &str) -> Option<String> {
    let file = path.rsplit('/').next().unwrap_or(path);
    let (stem, extension) = file.rsplit_once('.')?;
    (!stem.is_empty()).then(|| extension.to_lowercase())
}

/// A source name as a relative path inside the project folder: `/`-separated parts,
/// characters that file systems or globs treat specially replaced by `_`.
fn safe_path(name: &str) -> std::result::Result<String, &'static str> {
    let name = name.trim();
    if name.starts_with('/') || name.starts_with('\\') {
        return Err("its name is an absolute path");
    }
    let bytes = name.as_bytes();
    if bytes.len() >= 2 && bytes[1] == b':' && bytes[0].is_ascii_alphabetic() {
        return Err("its name starts with a drive letter");
    }
    let mut parts = Vec::new();
    for part in name.split(['/', '\\']) {
        match part.trim() {
            "" | "." => continue,
            ".." => return Err("its name climbs out of the project folder (`..`)"),
            part => parts.push(
                part.chars()
                    .map(|c| match c {
                        '*' | '?' | '[' | ']' | '{' | '}' | ':' | '<' | '>' | '|' | '"' => '_',
                        c if c.is_control() => '_',
                        c => c,
                    })
                    .collect::<String>(),
            ),
        }
    }
    if parts.first().is_some_and(|p| p.starts_with('.')) {
        // `.verbatim/` and other hidden folders are not the place for sources.
        parts[0] = format!("_{}", parts[0]);
    }
    if parts.is_empty() {
        return Err("its name is empty");
    }
    Ok(parts.join("/"))
}

/// Writes `bytes` to `relative` inside `folder`, atomically, refusing any path that would
/// leave it.
fn write_inside(folder: &Path, relative: &str, bytes: &[u8]) -> Result<()> {
    let relative_path = Path::new(relative);
    let inside = relative_path
        .components()
        .all(|c| matches!(c, std::path::Component::Normal(_)));
    if !inside {
        return Err(Error::Internal(format!(
            "{relative}: a path outside the project folder"
        )));
    }
    let path = folder.join(relative_path);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .io_context(|| format!("{}: cannot create", parent.display()))?;
    }
    write_atomic(&path, |w| w.write_all(bytes))?;
    Ok(())
}

/// The cases as a roster: variables named like roster columns fill them (any case), the
/// rest become free columns.
fn roster_of(exchange: &ProjectExchange, path: &Path) -> Result<Roster> {
    let mut speakers = Vec::new();
    for case in &exchange.cases {
        let mut speaker = Speaker::named(case.name.clone());
        for (variable, value) in &case.values {
            let column = variable.trim().to_lowercase();
            match column.as_str() {
                "name" => {}
                "organization" => speaker.set("organisation", value),
                "role" | "organisation" | "area" | "sector" | "aliases" => {
                    speaker.set(&column, value);
                }
                _ => speaker.set(variable.trim(), value),
            }
        }
        speakers.push(speaker);
    }
    Ok(Roster::new(speakers, path)?)
}

/// The researcher's decisions the exchange holds: a code per coding (automatic ones
/// left out, and counted), memos from notes, then what Verbatim kept beside REFI.
fn decisions_of(
    exchange: &ProjectExchange,
    written: &[(String, &TextSource)],
    file: &str,
) -> Result<(Vec<ManualCoding>, usize)> {
    let automatic: BTreeSet<&str> = (exchange.users.iter())
        .filter(|u| u.name == AUTOMATIC_CODER)
        .map(|u| u.guid.as_str())
        .collect();
    let name_of = |user: &Option<String>| {
        user.as_deref()
            .map(|guid| exchange.user_name(guid).unwrap_or(guid).to_string())
            .filter(|name| name != UNSIGNED)
    };
    let mut decisions = Vec::new();
    let mut skipped_automatic = 0;
    for (path, source) in written {
        let chars: Vec<char> = source.text.chars().collect();
        for selection in &source.selections {
            let text: String = chars[selection.start..selection.end].iter().collect();
            let on_span =
                |kind| ManualCoding::on_span(kind, path, selection.start, selection.end, &text);
            for coding in &selection.codings {
                if coding
                    .user
                    .as_deref()
                    .is_some_and(|u| automatic.contains(u))
                {
                    skipped_automatic += 1;
                    continue;
                }
                let mut decision = on_span(Decision::Code);
                decision.theme = Some(coding.theme.clone());
                decision.coder = name_of(&coding.user);
                decision.time = coding.time.clone();
                let memos: Vec<&str> = coding.notes.iter().map(|n| n.text.as_str()).collect();
                decision.memo = (!memos.is_empty()).then(|| memos.join("\n\n"));
                decisions.push(decision);
            }
            for note in &selection.notes {
                let mut memo = on_span(Decision::Memo);
                memo.memo = Some(note.text.clone());
                memo.coder = name_of(&note.user);
                memo.time = note.time.clone();
                decisions.push(memo);
            }
        }
        for note in &source.notes {
            let mut memo = ManualCoding::on_span(Decision::Memo, path, 0, 0, "");
            (memo.start, memo.end, memo.text) = (None, None, None);
            memo.memo = Some(note.text.clone());
            memo.coder = name_of(&note.user);
            memo.time = note.time.clone();
            decisions.push(memo);
        }
    }
    for (theme, notes) in &exchange.theme_notes {
        for note in notes {
            let mut memo = ManualCoding::on_span(Decision::Memo, "", 0, 0, "");
            (memo.source, memo.start, memo.end, memo.text) = (None, None, None, None);
            memo.theme = Some(theme.clone());
            memo.memo = Some(note.text.clone());
            memo.coder = name_of(&note.user);
            memo.time = note.time.clone();
            decisions.push(memo);
        }
    }
    if let Some(bytes) = exchange.extras.get(DECISIONS) {
        let shown = PathBuf::from(format!("{file}:verbatim/{DECISIONS}"));
        decisions.extend(read_manual_codings(
            &String::from_utf8_lossy(bytes),
            &shown,
        )?);
    }
    Ok((decisions, skipped_automatic))
}

/// The `verbatim.toml` of the imported project.
fn project_file(
    exchange: &ProjectExchange,
    written: &[(String, &TextSource)],
    has_roster: bool,
    settings: &ReadingSettings,
    file: &str,
) -> String {
    let quoted = |s: &str| toml::Value::String(s.to_string()).to_string();
    let mut out = format!("# Imported by `verbatim import` from {file}");
    if let Some(origin) = &exchange.origin {
        out.push_str(&format!(" (written by {origin})"));
    }
    out.push_str("\n[project]\n");
    let name = if exchange.name.trim().is_empty() {
        "Imported project"
    } else {
        exchange.name.trim()
    };
    out.push_str(&format!("name = {}\n", quoted(name)));
    if has_roster {
        out.push_str(&format!("roster = {}\n", quoted(ROSTER_FILE)));
    }
    out.push_str(&format!("codebook = {}\n", quoted(CODEBOOK_FILE)));
    let reading = ReadingSettings {
        source_paths: Default::default(),
        ..settings.clone()
    };
    if let Ok(table) = toml::to_string(&reading) {
        out.push_str(&table);
    }
    out.push_str("sources = [\n");
    for (path, source) in written {
        let mut fields = vec![format!("path = {}", quoted(path))];
        let mut attributes = Vec::new();
        for (variable, value) in &source.values {
            let key = variable.trim().to_lowercase();
            if SOURCE_FIELDS.contains(&key.as_str()) {
                fields.push(format!("{key} = {}", quoted(value)));
            } else if !key.is_empty() {
                attributes.push(format!("{} = {}", quoted(&key), quoted(value)));
            }
        }
        if !attributes.is_empty() {
            fields.push(format!("attributes = {{ {} }}", attributes.join(", ")));
        }
        out.push_str(&format!("  {{ {} }},\n", fields.join(", ")));
    }
    out.push_str("]\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_names_stay_inside_the_folder() {
        assert_eq!(
            safe_path("corpus/ann lee.txt"),
            Ok("corpus/ann lee.txt".into())
        );
        assert_eq!(safe_path("a\\b:c*.txt"), Ok("a/b_c_.txt".into()));
        assert_eq!(safe_path(".verbatim/x.txt"), Ok("_.verbatim/x.txt".into()));
        assert!(safe_path("../x.txt").is_err());
        assert!(safe_path("a/../../x.txt").is_err());
        assert!(safe_path("/etc/passwd").is_err());
        assert!(safe_path("C:/x.txt").is_err());
        assert!(safe_path(" / ").is_err());
    }
}
