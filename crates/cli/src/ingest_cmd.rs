//! `verbatim ingest`: sources to quotes.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use clap::Args;
use rayon::prelude::*;
use verbatim_ingest::{Format, IngestOptions, Ingested, Source, document_ids, ingest};
use verbatim_model::{Quote, Roster, write_atomic_file, write_jsonl, write_jsonl_to};

use crate::config::Context;
use crate::output;
use crate::progress;
use crate::sources::{self, SourceFile};

/// Which sources to read and how: shared by every command that ingests.
#[derive(Debug, Clone, Default, Args)]
pub struct SourceArgs {
    /// Files or folders (folders recurse); default: the project's sources.
    pub paths: Vec<PathBuf>,
    /// Roster CSV (default: the project's roster).
    #[arg(long, value_name = "FILE")]
    roster: Option<PathBuf>,
    /// Read every source as this format (text, vtt, srt, docx, report) instead of detecting it.
    #[arg(id = "source_format", long = "source-format", value_name = "FORMAT")]
    pub format: Option<Format>,
    /// Longest quote in words; longer paragraphs are split at sentence ends (0: never).
    #[arg(long, value_name = "N")]
    max_words: Option<usize>,
    /// Keep interviewer turns as quotes.
    #[arg(long)]
    keep_interviewer: bool,
    /// An interviewer's name (repeatable), besides front matter and roster role.
    #[arg(long, value_name = "NAME")]
    interviewer: Vec<String>,
    /// Round for sources that do not name one.
    #[arg(long)]
    round: Option<String>,
    /// Shortest quotation taken from a report, in words; shorter ones are scare quotes.
    #[arg(long, value_name = "N")]
    min_quote_words: Option<usize>,
}

#[derive(Debug, Args)]
pub struct IngestArgs {
    #[command(flatten)]
    sources: SourceArgs,
    /// Read every source as this format (text, vtt, srt, docx, report) instead of
    /// detecting it (`--source-format` in the other commands).
    #[arg(long)]
    format: Option<Format>,
    /// Print quotes as JSON Lines instead of the summary.
    #[arg(long)]
    json: bool,
}

/// The result of ingesting a set of files, in file order.
pub struct Ingestion {
    pub files: Vec<(SourceFile, Ingested)>,
    pub roster: Option<PathBuf>,
}

impl Ingestion {
    pub fn quotes(&self) -> impl Iterator<Item = &Quote> {
        self.files.iter().flat_map(|(_, ingested)| &ingested.quotes)
    }

    pub fn summaries(&self) -> Vec<SourceSummary> {
        self.files
            .iter()
            .map(|(file, ingested)| SourceSummary::of(file, ingested))
            .collect()
    }
}

pub fn run(context: &Context, args: &IngestArgs) -> anyhow::Result<()> {
    if let (Some(a), Some(b)) = (args.format, args.sources.format)
        && a != b
    {
        anyhow::bail!("--format {a} and --source-format {b} disagree");
    }
    let sources = SourceArgs {
        format: args.format.or(args.sources.format),
        ..args.sources.clone()
    };
    if let (Some(project), true, false) = (&context.project, sources.paths.is_empty(), args.json) {
        return ingest_project(context, &sources, project);
    }
    let ingestion = ingest_files(context, &sources)?;
    let written = write_project_quotes(context, &sources, &ingestion)?.map(|shown| {
        (
            shown,
            context.project.as_ref().and_then(|p| p.config.name.clone()),
        )
    });
    print_warnings(context, &ingestion);
    if args.json {
        output::print_jsonl(ingestion.quotes())
    } else if !context.quiet {
        output::print_summary(
            &ingestion.summaries(),
            ingestion.roster.as_deref(),
            written.as_ref(),
        )
    } else {
        Ok(())
    }
}

/// Reads the project's sources into `.verbatim/quotes.jsonl` a batch at a time, holding
/// only the batch in memory, and prints the summary.
fn ingest_project(
    context: &Context,
    sources: &SourceArgs,
    project: &crate::config::Project,
) -> anyhow::Result<()> {
    let files = list_files(context, sources)?;
    let names: Vec<&Path> = files.iter().map(|f| Path::new(f.name.as_str())).collect();
    let ids = document_ids(&names);
    let reader = SourceReader::new(context, sources)?;
    let path = project.state_path("quotes.jsonl");
    let mut summaries = Vec::new();
    let mut failure = None;
    let every: Vec<usize> = (0..files.len()).collect();
    // Lines are written on a thread of their own while the next batch is read.
    let written = write_atomic_file(&path, |file| {
        let files = &files;
        let (read, wrote) = std::thread::scope(|scope| {
            let (queue, batches) = std::sync::mpsc::sync_channel::<Vec<(usize, Ingested)>>(2);
            let writer = scope.spawn(move || {
                let mut out = std::io::BufWriter::with_capacity(1 << 20, file);
                let mut summaries = Vec::with_capacity(files.len());
                for batch in batches {
                    for (i, ingested) in batch {
                        write_jsonl_to(&mut out, &ingested.quotes)?;
                        summaries.push(SourceSummary::of(&files[i], &ingested));
                    }
                }
                out.flush()?;
                Ok(summaries)
            });
            let read = read_in_batches(
                context,
                &reader,
                files,
                &ids,
                &every,
                "ingesting",
                |batch| Ok(queue.send(batch).is_ok()),
            );
            drop(queue);
            let wrote = writer
                .join()
                .unwrap_or_else(|_| Err(std::io::Error::other("writing the quotes failed")));
            (read, wrote)
        });
        match read {
            Ok(()) => {
                summaries = wrote?;
                Ok(())
            }
            Err(error) => {
                failure = Some(error);
                Err(std::io::Error::other("the sources could not be read"))
            }
        }
    });
    if let Some(error) = failure {
        return Err(error);
    }
    written?;
    if !context.quiet {
        let shown = path.strip_prefix(&project.root).unwrap_or(&path);
        output::print_summary(
            &summaries,
            reader.roster_shown.as_deref(),
            Some(&(shown.to_path_buf(), project.config.name.clone())),
        )?;
    }
    Ok(())
}

/// Sources read in parallel at a time: enough to keep every core busy, few enough that a
/// batch of one-hour interviews is a few megabytes.
const BATCH: usize = 32;

/// Reads files `which` (numbers into `files`, ascending) a batch at a time, each batch in
/// parallel, and hands each batch, in file order, to `take`, which returns whether it
/// wants more. Warnings are printed as they come. Every unreadable source is named in the
/// error; once one is found, reading goes on only to name the others and `take` sees no
/// more batches.
pub fn read_in_batches(
    context: &Context,
    reader: &SourceReader,
    files: &[SourceFile],
    ids: &[String],
    which: &[usize],
    what: &str,
    mut take: impl FnMut(Vec<(usize, Ingested)>) -> anyhow::Result<bool>,
) -> anyhow::Result<()> {
    let bar = progress::bar(which.len() as u64, what, context.quiet);
    let mut errors = Vec::new();
    let mut wanted = true;
    for chunk in which.chunks(BATCH) {
        let results: Vec<anyhow::Result<Ingested>> = chunk
            .par_iter()
            .map(|&i| reader.read(&files[i], &ids[i]))
            .collect();
        bar.inc(chunk.len() as u64);
        let mut batch = Vec::with_capacity(chunk.len());
        for (&i, result) in chunk.iter().zip(results) {
            match result {
                Ok(ingested) => {
                    if !context.quiet {
                        bar.suspend(|| {
                            for warning in &ingested.warnings {
                                eprintln!("warning: {}: {warning}", files[i].name);
                            }
                        });
                    }
                    batch.push((i, ingested));
                }
                Err(error) => errors.push(format!("{error:#}")),
            }
        }
        if errors.is_empty() {
            wanted = take(batch)?;
        }
        if !wanted {
            break;
        }
    }
    bar.finish_and_clear();
    check_read(&errors)
}

/// What the summary shows of one source read.
pub struct SourceSummary {
    pub name: String,
    pub format: Format,
    pub encoding: &'static str,
    pub quotes: usize,
    pub speakers: BTreeSet<String>,
    /// Names the roster does not know, with their quotes in this source.
    pub unknown: Vec<(String, usize)>,
}

impl SourceSummary {
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
        }
    }
}

/// Prints what reading the sources noticed, unless quiet.
pub fn print_warnings(context: &Context, ingestion: &Ingestion) {
    if context.quiet {
        return;
    }
    for (file, ingested) in &ingestion.files {
        for warning in &ingested.warnings {
            eprintln!("warning: {}: {warning}", file.name);
        }
    }
}

/// For a project run (no paths given), writes `.verbatim/quotes.jsonl` and returns its
/// path relative to the project.
pub fn write_project_quotes(
    context: &Context,
    args: &SourceArgs,
    ingestion: &Ingestion,
) -> anyhow::Result<Option<PathBuf>> {
    match (&context.project, args.paths.is_empty()) {
        (Some(project), true) => {
            let path = project.state_path("quotes.jsonl");
            write_jsonl(&path, ingestion.quotes())?;
            Ok(Some(
                path.strip_prefix(&project.root)
                    .unwrap_or(&path)
                    .to_path_buf(),
            ))
        }
        _ => Ok(None),
    }
}

pub fn ingest_files(context: &Context, args: &SourceArgs) -> anyhow::Result<Ingestion> {
    let files = list_files(context, args)?;
    let paths: Vec<&Path> = files.iter().map(|f| Path::new(f.name.as_str())).collect();
    let ids = document_ids(&paths);
    ingest_listed(context, args, files, &ids)
}

/// The files a command reads: the paths given, else the project's sources.
pub fn list_files(context: &Context, args: &SourceArgs) -> anyhow::Result<Vec<SourceFile>> {
    if !args.paths.is_empty() {
        return sources::from_paths(&args.paths);
    }
    let Some(project) = &context.project else {
        bail!(
            "no paths given and no {} here or above; name files or folders to ingest",
            crate::config::CONFIG_FILE
        );
    };
    let (files, warnings) = sources::from_project(project)?;
    if !context.quiet {
        for warning in warnings {
            eprintln!("warning: {warning}");
        }
    }
    Ok(files)
}

/// Ingests listed files whose document ids (for quote ids) are `ids`.
fn ingest_listed(
    context: &Context,
    args: &SourceArgs,
    files: Vec<SourceFile>,
    ids: &[String],
) -> anyhow::Result<Ingestion> {
    let reader = SourceReader::new(context, args)?;
    let bar = progress::bar(files.len() as u64, "ingesting", context.quiet);
    let results: Vec<anyhow::Result<Ingested>> = files
        .par_iter()
        .zip(ids.par_iter())
        .map(|(file, id)| {
            let result = reader.read(file, id);
            bar.inc(1);
            result
        })
        .collect();
    bar.finish_and_clear();

    let mut ingested_files = Vec::with_capacity(files.len());
    let mut errors = Vec::new();
    for (file, result) in files.into_iter().zip(results) {
        match result {
            Ok(ingested) => ingested_files.push((file, ingested)),
            Err(error) => errors.push(format!("{error:#}")),
        }
    }
    check_read(&errors)?;
    Ok(Ingestion {
        files: ingested_files,
        roster: reader.roster_shown,
    })
}

/// Fails with every source that could not be read, if any.
fn check_read(errors: &[String]) -> anyhow::Result<()> {
    match errors.len() {
        0 => Ok(()),
        1 => bail!("{}", errors[0]),
        n => bail!("{n} sources could not be read:\n  {}", errors.join("\n  ")),
    }
}

/// Reads sources with the roster and options a command's arguments and project give.
pub struct SourceReader {
    roster: Option<Roster>,
    /// The roster as the user named it.
    pub roster_shown: Option<PathBuf>,
    options: IngestOptions,
}

impl SourceReader {
    pub fn new(context: &Context, args: &SourceArgs) -> anyhow::Result<Self> {
        let (roster_path, roster_shown) = match (&args.roster, &context.project) {
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
            options: options(context, args),
        })
    }

    /// Reads one file whose document id (for quote ids) is `id`.
    pub fn read(&self, file: &SourceFile, id: &str) -> anyhow::Result<Ingested> {
        let bytes =
            std::fs::read(&file.path).with_context(|| format!("{}: cannot read", file.name))?;
        let extension = file
            .path
            .extension()
            .map(|e| e.to_string_lossy().into_owned());
        let source = Source {
            name: &file.name,
            id,
            extension: extension.as_deref(),
            bytes: &bytes,
        };
        let mut options = self.options.clone();
        if let Some(round) = &file.round {
            options.round = Some(round.clone());
        }
        Ok(ingest(&source, self.roster.as_ref(), &options)?)
    }
}

fn options(context: &Context, args: &SourceArgs) -> IngestOptions {
    let config = context
        .project
        .as_ref()
        .map(|p| p.config.clone())
        .unwrap_or_default();
    let mut interviewers = config.interviewers;
    interviewers.extend(args.interviewer.iter().cloned());
    IngestOptions {
        format: args.format,
        max_words: args
            .max_words
            .or(config.max_words)
            .unwrap_or(verbatim_ingest::DEFAULT_MAX_WORDS),
        keep_interviewer: args.keep_interviewer,
        interviewers,
        round: args.round.clone().or(config.round),
        min_quote_words: args
            .min_quote_words
            .or(config.min_quote_words)
            .unwrap_or(verbatim_ingest::DEFAULT_MIN_QUOTE_WORDS),
        prefer_document_roster: args.roster.is_none(),
    }
}

/// Unknown speaker names with the files they appear in and how many quotes they have.
pub fn unknown_speakers(
    summaries: &[SourceSummary],
) -> BTreeMap<String, BTreeSet<(String, usize)>> {
    let mut unknown: BTreeMap<String, BTreeSet<(String, usize)>> = BTreeMap::new();
    for summary in summaries {
        for (name, quotes) in &summary.unknown {
            unknown
                .entry(name.clone())
                .or_default()
                .insert((summary.name.clone(), *quotes));
        }
    }
    unknown
}
