//! Reading sources into quotes: the one pipeline every operation reads through. Sources
//! are read a batch at a time, each batch in parallel, and handed on in file order, so
//! only the batches in flight are held however large the round.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use verbatim_ingest::{Format, IngestOptions, Ingested, Source, document_ids, ingest};
use verbatim_model::{Quote, Roster};

use crate::config::Project;
use crate::error::{Error, Result, error_chain};
use crate::observer::{Observer, Progress};
use crate::sources::{SourceFile, list_sources};

/// How to read sources, as the user set it; what is left unset comes from the project's
/// configuration, then from Verbatim's defaults.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReadOptions {
    /// Roster CSV instead of the project's.
    pub roster: Option<PathBuf>,
    /// Read every source as this format instead of detecting it.
    pub format: Option<Format>,
    /// Longest quote in words (0: never split).
    pub max_words: Option<usize>,
    /// Keep interviewer turns as quotes.
    pub keep_interviewer: bool,
    /// Interviewers' names, besides the project's, front matter and roster role.
    pub interviewers: Vec<String>,
    /// Round for sources that do not name one.
    pub round: Option<String>,
    /// Shortest quotation taken from a report, in words.
    pub min_quote_words: Option<usize>,
    /// Keep small talk among the quotes (also set by the project's `keep_smalltalk`).
    pub keep_smalltalk: bool,
}

/// Sources read in parallel at a time: enough to keep every core busy, few enough that a
/// batch of one-hour interviews is a few megabytes.
const BATCH: usize = 32;

/// Reads sources with a roster and the options of [`ReadOptions`] and the project.
pub struct SourceReader {
    roster: Option<Roster>,
    /// The roster as the user named it.
    pub roster_shown: Option<PathBuf>,
    options: IngestOptions,
}

impl SourceReader {
    /// A reader for `project`'s sources (or loose files, without a project) with `options`.
    pub fn new(project: Option<&Project>, options: &ReadOptions) -> Result<Self> {
        let (roster_path, roster_shown) = match (&options.roster, project) {
            (Some(path), _) => (Some(path.clone()), Some(path.clone())),
            (None, Some(project)) => match &project.config.roster {
                Some(relative) => (Some(project.resolve(relative)), Some(relative.clone())),
                None => (None, None),
            },
            (None, None) => (None, None),
        };
        Ok(SourceReader {
            roster: roster_path.as_deref().map(Roster::load).transpose()?,
            roster_shown,
            options: ingest_options(project, options),
        })
    }

    /// The text `file`'s quote offsets count in (see [`verbatim_ingest::source_text`]).
    pub fn text(&self, file: &SourceFile) -> Result<String> {
        with_source(file, "", |source| {
            Ok(verbatim_ingest::source_text(source, &self.options)?)
        })
    }

    /// Reads one file whose document id (for quote ids) is `id`.
    pub fn read(&self, file: &SourceFile, id: &str) -> Result<Ingested> {
        with_source(file, id, |source| self.ingest(file, source))
    }

    fn ingest(&self, file: &SourceFile, source: &Source<'_>) -> Result<Ingested> {
        let mut options = self.options.clone();
        if let Some(round) = &file.round {
            options.round = Some(round.clone());
        }
        options.facts.clone_from(&file.facts);
        Ok(ingest(source, self.roster.as_ref(), &options)?)
    }
}

/// Reads `file` and hands it to `read` as a source whose document id is `id`.
fn with_source<T>(
    file: &SourceFile,
    id: &str,
    read: impl FnOnce(&Source<'_>) -> Result<T>,
) -> Result<T> {
    let bytes = crate::sources::read_source(&file.path, &file.name)?;
    let extension = file
        .path
        .extension()
        .map(|e| e.to_string_lossy().into_owned());
    read(&Source {
        name: &file.name,
        id,
        extension: extension.as_deref(),
        bytes: &bytes,
    })
}

fn ingest_options(project: Option<&Project>, options: &ReadOptions) -> IngestOptions {
    let config = project.map(|p| p.config.clone()).unwrap_or_default();
    let mut interviewers = config.interviewers;
    interviewers.extend(options.interviewers.iter().cloned());
    IngestOptions {
        format: options.format,
        max_words: options
            .max_words
            .or(config.max_words)
            .unwrap_or(verbatim_ingest::DEFAULT_MAX_WORDS),
        keep_interviewer: options.keep_interviewer,
        interviewers,
        round: options.round.clone().or(config.round),
        min_quote_words: options
            .min_quote_words
            .or(config.min_quote_words)
            .unwrap_or(verbatim_ingest::DEFAULT_MIN_QUOTE_WORDS),
        prefer_document_roster: options.roster.is_none(),
        facts: Vec::new(),
        keep_smalltalk: options.keep_smalltalk || config.keep_smalltalk,
    }
}

/// The document id of each file, for quote ids: file stems, told apart where they collide.
pub fn ids_of(files: &[SourceFile]) -> Vec<String> {
    let names: Vec<&Path> = files.iter().map(|f| Path::new(f.name.as_str())).collect();
    document_ids(&names)
}

/// Reads files `which` (numbers into `files`, ascending) a batch at a time, each batch in
/// parallel, and hands each batch, in file order, to `take`, which returns whether it
/// wants more. Warnings go to the observer as they come. Every unreadable source is named
/// in the error; once one is found, reading goes on only to name the others and `take`
/// sees no more batches.
pub fn read_in_batches(
    reader: &SourceReader,
    files: &[SourceFile],
    ids: &[String],
    which: &[usize],
    task: &str,
    observer: &dyn Observer,
    mut take: impl FnMut(Vec<(usize, Ingested)>) -> Result<bool>,
) -> Result<()> {
    observer.progress(Progress::Start {
        task,
        total: Some(which.len() as u64),
    });
    let mut errors = Vec::new();
    let mut wanted = true;
    for chunk in which.chunks(BATCH) {
        let results: Vec<Result<Ingested>> = chunk
            .par_iter()
            .map(|&i| reader.read(&files[i], &ids[i]))
            .collect();
        observer.progress(Progress::Advance(chunk.len() as u64));
        let mut batch = Vec::with_capacity(chunk.len());
        for (&i, result) in chunk.iter().zip(results) {
            match result {
                Ok(ingested) => {
                    for warning in &ingested.warnings {
                        observer.warning(&format!("{}: {warning}", files[i].name));
                    }
                    batch.push((i, ingested));
                }
                Err(error) => errors.push(error_chain(&error)),
            }
        }
        if errors.is_empty() {
            wanted = take(batch)?;
        }
        if !wanted {
            break;
        }
    }
    observer.progress(Progress::Finish);
    check_read(&errors)
}

/// Fails with every source that could not be read, if any.
fn check_read(errors: &[String]) -> Result<()> {
    match errors.len() {
        0 => Ok(()),
        1 => Err(Error::Invalid(errors[0].clone())),
        n => Err(Error::Invalid(format!(
            "{n} sources could not be read:\n  {}",
            errors.join("\n  ")
        ))),
    }
}

/// Sources read whole into memory, in file order.
pub struct Ingestion {
    /// Each file with what reading it gave.
    pub files: Vec<(SourceFile, Ingested)>,
    /// The roster as the user named it.
    pub roster: Option<PathBuf>,
}

impl Ingestion {
    /// Every quote, in file order.
    pub fn quotes(&self) -> impl Iterator<Item = &Quote> {
        self.files.iter().flat_map(|(_, ingested)| &ingested.quotes)
    }

    /// What the summary shows of each source.
    pub fn summaries(&self) -> Vec<SourceSummary> {
        self.files
            .iter()
            .map(|(file, ingested)| SourceSummary::of(file, ingested))
            .collect()
    }

    /// The quotes, taken out.
    pub fn into_quotes(self) -> Vec<Quote> {
        self.files
            .into_iter()
            .flat_map(|(_, ingested)| ingested.quotes)
            .collect()
    }
}

/// Reads `paths` (or, with none, the project's sources) into memory. Nothing is written.
pub fn read_all(
    project: Option<&Project>,
    paths: &[PathBuf],
    options: &ReadOptions,
    observer: &dyn Observer,
) -> Result<Ingestion> {
    let files = list_sources(project, paths, observer)?;
    let ids = ids_of(&files);
    let reader = SourceReader::new(project, options)?;
    let every: Vec<usize> = (0..files.len()).collect();
    let mut read = Vec::with_capacity(files.len());
    read_in_batches(
        &reader,
        &files,
        &ids,
        &every,
        "ingesting",
        observer,
        |batch| {
            read.extend(batch);
            Ok(true)
        },
    )?;
    let files = files
        .into_iter()
        .zip(read)
        .map(|(file, (_, ingested))| (file, ingested))
        .collect();
    Ok(Ingestion {
        files,
        roster: reader.roster_shown,
    })
}

/// What the summary shows of one source read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceSummary {
    /// The source as messages name it.
    pub name: String,
    /// The format it was read as.
    pub format: Format,
    /// The encoding it was decoded from.
    pub encoding: &'static str,
    /// Quotes found.
    pub quotes: usize,
    /// Distinct speakers.
    pub speakers: BTreeSet<String>,
    /// Names the roster does not know, with their quotes in this source.
    pub unknown: Vec<(String, usize)>,
    /// Small-talk turns set aside.
    pub smalltalk: usize,
}

impl SourceSummary {
    /// The summary of `file`, read as `ingested`.
    pub fn of(file: &SourceFile, ingested: &Ingested) -> Self {
        let unknown = ingested
            .unknown_speakers
            .iter()
            .map(|name| {
                let quotes = ingested
                    .quotes
                    .iter()
                    .filter(|q| q.speaker.is_none() && q.speaker_hint.as_deref() == Some(name))
                    .count();
                (name.clone(), quotes)
            })
            .collect();
        SourceSummary {
            name: file.name.clone(),
            format: ingested.format,
            encoding: ingested.encoding,
            quotes: ingested.quotes.len(),
            speakers: ingested.speakers.clone(),
            unknown,
            smalltalk: ingested.smalltalk,
        }
    }
}

/// Unknown speaker names with the files they appear in and how many quotes they have.
pub fn unknown_speakers(
    summaries: &[SourceSummary],
) -> BTreeMap<String, BTreeSet<(String, usize)>> {
    let mut unknown: BTreeMap<String, BTreeSet<(String, usize)>> = BTreeMap::new();
    for summary in summaries {
        // A name with no quotes (an interviewer the roster does not list) attributes
        // nothing: not worth a line.
        for (name, quotes) in summary.unknown.iter().filter(|(_, quotes)| *quotes > 0) {
            unknown
                .entry(name.clone())
                .or_default()
                .insert((summary.name.clone(), *quotes));
        }
    }
    unknown
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::observer::Recorder;

    fn files(dir: &Path, texts: &[(&str, &str)]) -> Vec<PathBuf> {
        texts
            .iter()
            .map(|(name, text)| {
                let path = dir.join(name);
                std::fs::write(&path, text).expect("write");
                path
            })
            .collect()
    }

    #[test]
    fn every_unreadable_source_is_named_and_nothing_is_handed_on() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut paths = files(
            dir.path(),
            &[("a.txt", "Ann Lee: We were all exhausted by the winter.\n")],
        );
        paths.push(dir.path().join("missing-one.txt"));
        paths.push(dir.path().join("missing-two.txt"));
        let sources: Vec<SourceFile> = paths
            .iter()
            .map(|path| SourceFile {
                name: path
                    .file_name()
                    .expect("name")
                    .to_string_lossy()
                    .into_owned(),
                path: path.clone(),
                round: None,
                facts: Vec::new(),
            })
            .collect();
        let reader = SourceReader::new(None, &ReadOptions::default()).expect("reader");
        let ids = ids_of(&sources);
        let mut handed = 0;
        let error = read_in_batches(
            &reader,
            &sources,
            &ids,
            &[0, 1, 2],
            "reading",
            &Recorder::default(),
            |batch| {
                handed += batch.len();
                Ok(true)
            },
        )
        .expect_err("two are missing");
        assert_eq!(handed, 0);
        let message = error.to_string();
        assert!(
            message.starts_with("2 sources could not be read"),
            "{message}"
        );
        assert!(
            message.contains("missing-one.txt: cannot read"),
            "{message}"
        );
        assert!(
            message.contains("missing-two.txt: cannot read"),
            "{message}"
        );
    }

    #[test]
    fn read_all_keeps_file_order_and_the_options_apply() {
        let dir = tempfile::tempdir().expect("temp dir");
        let paths = files(
            dir.path(),
            &[
                (
                    "b.txt",
                    "Jo Park: What changed?\n\nAnn Lee: The volunteers came in their hundreds that spring.\n",
                ),
                (
                    "a.txt",
                    "Jo Park: And then?\n\nAnn Lee: We built a food network with the churches.\n",
                ),
            ],
        );
        let options = ReadOptions {
            interviewers: vec!["Jo Park".into()],
            round: Some("2021".into()),
            ..ReadOptions::default()
        };
        let read = read_all(None, &paths, &options, &Recorder::default()).expect("reads");
        let ids: Vec<&str> = read.quotes().map(|q| q.id.as_str()).collect();
        assert_eq!(
            ids,
            ["b:2", "a:2"],
            "ids count turns, the question included"
        );
        assert!(read.quotes().all(|q| q.round.as_deref() == Some("2021")));
        assert_eq!(read.summaries()[0].quotes, 1);
    }
}
