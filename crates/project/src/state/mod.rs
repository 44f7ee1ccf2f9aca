//! A project's derived state under `.verbatim/`: `quotes.jsonl`, `codings.jsonl`, the quote
//! table (`table.bin`) and the index, brought up to date with as little work as the
//! changes allow. This module and its children are the only code that writes there.
//!
//! Each source's quotes and automatic codings depend only on that file, on the inputs
//! every source shares (configuration, codebook, Verbatim's version) and on the roster's
//! answers to the names the source asked about. So when the shared inputs are unchanged, a
//! source whose size and modification time are unchanged, and whose names the roster
//! answers as before (a new round's interviewees added to the roster change nothing for
//! the old transcripts), is carried over byte for byte: its lines are copied from the old
//! files, its rows from the old table and its documents stay in the index. Only new and
//! changed sources are read, coded (against a small index of their own quotes: a quote's
//! codes never depend on other quotes) and added to the index. Anything unexpected (no
//! table, a damaged one, files edited by hand, a different codebook) rebuilds everything.
//!
//! A refresh runs in four steps: [`plan`] decides what to read and keep, [`stream`] reads
//! the new sources into the index and the quote file, the new quotes are coded, and the
//! codings file and table are written.

mod codings_file;
mod columns;
mod decisions;
mod feed;
mod fingerprint;
mod ingest;
mod lock;
mod paths;
mod plan;
mod quote_file;
mod rows;
mod sink;
mod stream;

use std::path::Path;

use verbatim_coder::{Coder, IndexBuilder, Meaning, Part, QuoteIndex, TextExample};
use verbatim_model::{
    Code, Codebook, FileStamp, Origin, QuoteTable, Roster, codes_by_quote, merge_codes,
    write_atomic,
};
use verbatim_semantic::Embedder;

pub use codings_file::{manual_codings, source_codings};
pub use columns::{TABLE_COLUMNS, column_value, table_of};
pub use ingest::{IngestedProject, ingest_project};
pub(crate) use lock::StateLock;
pub use paths::{StatePaths, layout_of, load_table};
pub use quote_file::QuoteLines;

use crate::codebook::load_codebook;
use crate::config::Project;
use crate::embeddings::{NO_MODEL, VectorCache, choose_model, embed_for_coding};
use crate::error::{Error, IoContext, Result};
use crate::observer::{Observer, Progress};
use crate::read::{ReadOptions, SourceReader};
use crate::sources::list_sources;
use decisions::{DECISIONS_MARK, kept_quote_spans, placed, prepare};
use fingerprint::{inputs_fingerprint, load_roster, roster_answers};
use plan::{Decision, Listing, Plan, RosterNow, decide};
use stream::{Builders, Streamed};

/// The project's state after [`refresh`].
#[derive(Debug)]
pub struct Refreshed {
    /// The codebook it is coded with.
    pub codebook: Codebook,
    /// The quote table, as written.
    pub table: QuoteTable,
    /// Sources read this time (all of them on a rebuild).
    pub read: usize,
    /// Sources carried over unchanged.
    pub kept: usize,
}

/// For readers (search, report): the state brought up to date, or, when that fails on the
/// input (an unreadable source, a full disk) while the configuration and codebook are
/// those of the last complete run, that run's state, with a warning naming the failure:
/// readers keep working while the input is fixed.
pub fn refresh_or_last(
    project: &Project,
    codebook: Option<&Path>,
    observer: &dyn Observer,
) -> Result<Refreshed> {
    let error = match refresh(project, codebook, observer) {
        Ok(refreshed) => return Ok(refreshed),
        Err(error) if error.is_internal() => return Err(error),
        Err(error) => error,
    };
    // A codings file that does not read is the researcher's own data gone wrong: said,
    // never answered around with the decisions of the last run.
    crate::manual::ManualFile::load(project)?;
    let (loaded, codebook_path) = load_codebook(Some(project), codebook)?;
    let paths = StatePaths::of(project);
    let same_inputs = inputs_fingerprint(project, &codebook_path)
        .ok()
        .map(|inputs| format!("{inputs}-"));
    match (load_table(&paths), same_inputs) {
        (Some(table), Some(inputs)) if table.inputs.starts_with(&inputs) => {
            observer.warning(&format!(
                "{error}; answering from the last complete run until it is fixed"
            ));
            let kept = table.sources.len();
            Ok(Refreshed {
                codebook: loaded,
                table,
                read: 0,
                kept,
            })
        }
        _ => Err(error),
    }
}

/// Brings the project's state up to date with its sources and the codebook (`codebook`,
/// else the project's), and returns it. Only new and changed sources are read.
pub fn refresh(
    project: &Project,
    codebook: Option<&Path>,
    observer: &dyn Observer,
) -> Result<Refreshed> {
    let (codebook, codebook_path) = load_codebook(Some(project), codebook)?;
    let _lock = lock::StateLock::take(project, observer)?;
    let paths = StatePaths::of(project);
    let files = list_sources(Some(project), &[], observer)?;
    let listing = Listing {
        ids: crate::read::ids_of(&files),
        stamps: files.iter().map(|f| FileStamp::of(&f.path)).collect(),
        files,
    };
    let model = choose_model(project.config.model.as_deref(), observer)?;
    let found = load_table(&paths);
    let mut decisions = prepare(
        project,
        &codebook,
        &paths,
        &listing,
        found.as_ref(),
        observer,
    )?;
    // Coded spans are examples that every automatic code may depend on.
    let inputs = format!(
        "{}-{}{DECISIONS_MARK}{}",
        inputs_fingerprint(project, &codebook_path)?,
        model
            .as_ref()
            .map_or_else(|| NO_MODEL.to_string(), |m| m.name()),
        decisions.digest
    );
    let (roster, roster_digest) = load_roster(project)?;
    let stored = found.filter(|t| t.inputs == inputs);
    let roster_now = RosterNow {
        roster: roster.as_ref(),
        digest: &roster_digest,
    };
    let Decision::Read(mut plan) = decide(stored.as_ref(), &listing, &roster_now) else {
        // Nothing to do: the stored table is the answer, moved rather than copied.
        let table =
            stored.ok_or_else(|| Error::Internal("an unchanged project without a table".into()))?;
        warn_of_unplaced_codings(&decisions.file, &codebook, observer);
        return Ok(Refreshed {
            codebook,
            table,
            read: 0,
            kept: listing.files.len(),
        });
    };
    if decisions.need_rebuild(&plan) {
        plan = match decide(None, &listing, &roster_now) {
            Decision::Read(rebuild) => rebuild,
            Decision::Unchanged => {
                return Err(Error::Internal("a rebuild with nothing to do".into()));
            }
        };
    }
    let reader = SourceReader::new(Some(project), &ReadOptions::default())?;
    let index_dir = if plan.old.is_some() {
        &paths.index
    } else {
        &paths.index_new
    };
    let in_index = |error: Error| index_context(error, index_dir);
    let mut builders = open_builders(&paths, &plan).map_err(in_index)?;
    let encoder = model.map(|chosen| chosen.load()).transpose()?;
    if encoder.is_some() {
        builders.texts = Some(Vec::new());
    }
    builders.named = decisions.named.clone();
    let mut named_quotes = kept_quote_spans(&paths, &plan, &decisions.named)?;
    let streamed = stream::read_sources(
        &reader,
        &paths,
        &listing.files,
        &listing.ids,
        &plan,
        builders,
        observer,
    )
    .map_err(in_index)?;
    let Streamed {
        mut builders,
        written,
        queries,
    } = streamed;
    named_quotes.append(&mut builders.named_quotes);
    let placement = placed(&mut decisions, &named_quotes, &codebook)?;
    let examples = placement.examples_for(&codebook);
    let coder = Coder::new(&codebook)?.with_examples(&examples);
    let read = queries.len();
    let generation = paths::next_generation(&paths);
    let semantic = encoder.as_ref().map(|encoder| Semantic {
        encoder,
        codebook: &codebook,
        paths: &paths,
        examples: &examples,
    });
    let auto = code_new(&coder, &plan, builders, &written, semantic, observer).map_err(in_index)?;
    let rebuilt = plan.old.is_none();
    let generation_file = if rebuilt {
        paths.index_new.join("generation")
    } else {
        paths.generation.clone()
    };
    std::fs::write(&generation_file, format!("{generation}\n"))
        .io_context(|| format!("{}: cannot write", generation_file.display()))?;
    if rebuilt {
        paths::swap_in_rebuilt_index(&paths)?;
    }
    let manual_by_quote = codes_by_quote(&placement.codes);
    let mut auto = auto.into_iter();
    let fresh_codes: Vec<Vec<Code>> = written
        .fresh_ids
        .iter()
        .map(|id| {
            let mut codes = merge_codes(
                manual_by_quote.get(id.as_str()),
                auto.next().unwrap_or_default(),
            );
            if let Some(rejected) = placement.rejected.get(id) {
                codes.retain(|c| c.origin == Origin::Manual || !rejected.contains(&c.theme));
            }
            codes
        })
        .collect();
    let mut table = QuoteTable::new(&TABLE_COLUMNS);
    table.inputs = inputs;
    table.roster = roster_digest;
    table.index = generation.to_string();
    table.sources = written.entries;
    codings_file::write_codings(
        &paths,
        &plan,
        &placement.codes,
        &written.fresh_ids,
        &fresh_codes,
        &mut table,
    )?;
    describe_sources(&mut table, &listing, &plan, queries, roster.as_ref());
    rows::fill_rows(
        &mut table,
        &plan,
        &written.line_ends,
        &written.fresh_rows,
        &fresh_codes,
    );
    write_table(&paths, &mut table)?;
    warn_of_unplaced_codings(&decisions.file, &codebook, observer);
    Ok(Refreshed {
        codebook,
        table,
        read,
        kept: listing.files.len() - read,
    })
}

/// An index error (tantivy's own words, such as "an index writer was killed", say
/// neither where nor why) named with the index's folder and the likeliest cause.
fn index_context(error: Error, dir: &std::path::Path) -> Error {
    let from_index = |error: &Error| {
        matches!(
            error,
            Error::Coder(verbatim_coder::CoderError::Index(_) | verbatim_coder::CoderError::Io(_))
        )
    };
    let about_the_index = match &error {
        Error::Within { source, .. } => from_index(source),
        other => from_index(other),
    };
    if !about_the_index {
        return error;
    }
    Error::Within {
        what: format!(
            "{}: cannot write the project's index (is the disk full or a file size limit \
             reached?)",
            dir.display()
        ),
        source: Box::new(error),
    }
}

/// Decisions that count nowhere are said, with counts, on every run: those naming a
/// theme the codebook no longer has (renamed without `renamed_from`, or removed), and
/// orphaned ones (their text is gone from their source). They stay in the codings file;
/// nothing is dropped without a word.
fn warn_of_unplaced_codings(
    file: &crate::manual::ManualFile,
    codebook: &Codebook,
    observer: &dyn Observer,
) {
    let shown = file.shown.display();
    let mut off_codebook: std::collections::BTreeMap<&str, usize> = Default::default();
    let decided = file
        .codings
        .iter()
        .filter(|c| c.kind != verbatim_model::Decision::Memo);
    for theme in decided.clone().filter_map(|c| c.theme.as_deref()) {
        if codebook.theme(codebook.current_id(theme)).is_none() {
            *off_codebook.entry(theme).or_default() += 1;
        }
    }
    for (theme, count) in &off_codebook {
        let ids: Vec<&str> = codebook.themes.iter().map(|t| t.id.as_str()).collect();
        let close = verbatim_model::nearest(theme, ids);
        let hint = if close.is_empty() {
            String::new()
        } else {
            format!(" (nearest: {})", close.join(", "))
        };
        observer.warning(&format!(
            "{shown}: {} the theme `{theme}`, which the codebook does not have{hint}: not counted in reports",
            name_or_names(*count)
        ));
    }
    let unknown: Vec<&str> = decided
        .clone()
        .filter_map(|c| match c.target() {
            Some(verbatim_model::Target::Quote(id)) => Some(id),
            _ => None,
        })
        .collect();
    if !unknown.is_empty() {
        observer.warning(&format!(
            "{shown}: {} a quote id that no quote has ({}): kept, counted nowhere",
            name_or_names(unknown.len()),
            unknown.join(", ")
        ));
    }
    let orphaned = file.codings.iter().filter(|c| c.orphaned).count();
    if orphaned > 0 {
        observer.warning(&format!(
            "{shown}: {} {} orphaned (the text is no longer in its source): kept, counted nowhere; `verbatim coding list --orphaned` shows them",
            verbatim_model::counted(orphaned, "decision"),
            if orphaned == 1 { "is" } else { "are" }
        ));
    }
}

/// `1 manual coding names` / `3 manual codings name`.
fn name_or_names(count: usize) -> String {
    let verb = if count == 1 { "names" } else { "name" };
    format!("{} {verb}", verbatim_model::counted(count, "manual coding"))
}

/// The index builders a plan needs: on a rebuild a new project index; on an update the
/// project's index without the removed sources, and an index of the new quotes alone.
fn open_builders(paths: &StatePaths, plan: &Plan<'_>) -> Result<Builders> {
    Ok(match plan.old {
        Some(old) => {
            let index = QuoteIndex::open(&paths.index, &layout_of(old), old.rows())?;
            Builders {
                index: IndexBuilder::updating(index, &plan.removed(), plan.to_read_bytes)?,
                fresh: Some(IndexBuilder::in_memory(plan.to_read_bytes)?),
                texts: None,
                named: Default::default(),
                named_quotes: Vec::new(),
            }
        }
        None => Builders {
            index: IndexBuilder::create(&paths.index_new, plan.to_read_bytes)?,
            fresh: None,
            texts: None,
            named: Default::default(),
            named_quotes: Vec::new(),
        },
    })
}

/// What coding by meaning needs: the model, the codebook, where the vectors are kept, and
/// the manually coded quotes as examples.
struct Semantic<'a> {
    encoder: &'a Embedder,
    codebook: &'a Codebook,
    paths: &'a StatePaths,
    examples: &'a [TextExample],
}

/// Commits the project's index and codes the new quotes: on a rebuild in the project's
/// index; on an update in the index of their own (a quote's codes never depend on the
/// others) while the project's index commits. With a sentence model the new quotes are
/// embedded first (vectors already in the project's cache are reused). Each new quote's
/// automatic and suggested codes, in row order.
fn code_new(
    coder: &Coder,
    plan: &Plan<'_>,
    mut builders: Builders,
    written: &quote_file::WrittenQuotes,
    semantic: Option<Semantic<'_>>,
    observer: &dyn Observer,
) -> Result<Vec<Vec<Code>>> {
    let embedded = match (semantic, builders.texts.take()) {
        (Some(semantic), Some(texts)) => {
            let Semantic {
                encoder,
                codebook,
                paths,
                examples,
            } = semantic;
            let file = paths.embeddings.join(format!("{}.bin", encoder.name()));
            let mut cache = VectorCache::open(Some(&file), encoder);
            let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
            Some(embed_for_coding(
                encoder, &mut cache, codebook, examples, &texts, observer,
            )?)
        }
        _ => None,
    };
    let meaning = embedded
        .as_ref()
        .map(|(themes, quotes)| Meaning { themes, quotes });
    let layout: Vec<Part> = written
        .entries
        .iter()
        .zip(&plan.serials)
        .map(|(entry, &serial)| Part {
            serial,
            first_row: entry.first_row,
        })
        .collect();
    let rows = written.line_ends.len();
    observer.progress(Progress::Start {
        task: "indexing and coding",
        total: None,
    });
    let auto = match builders.fresh {
        None => coder.rank(&builders.index.finish(&layout, rows)?, meaning)?,
        Some(fresh) => {
            let fresh_layout = plan.fresh_layout(&written.entries);
            let fresh_rows = written.fresh_ids.len();
            let index = builders.index;
            let (committed, coded) = std::thread::scope(|scope| {
                let committer = scope.spawn(|| index.finish(&layout, rows));
                let coded = fresh
                    .finish(&fresh_layout, fresh_rows)
                    .and_then(|fresh| coder.rank(&fresh, meaning));
                let committed = committer
                    .join()
                    .unwrap_or_else(|_| Err(std::io::Error::other("indexing failed").into()));
                (committed, coded)
            });
            committed?;
            coded?
        }
    };
    observer.progress(Progress::Finish);
    Ok(auto)
}

/// Names each source's entry in the new table: file, stamp, document, serial, and the
/// names it asked the roster about with a digest of the roster's answers.
fn describe_sources(
    table: &mut QuoteTable,
    listing: &Listing,
    plan: &Plan<'_>,
    mut queries: std::collections::BTreeMap<usize, Option<Vec<String>>>,
    roster: Option<&Roster>,
) {
    for (i, file) in listing.files.iter().enumerate() {
        let entry = &mut table.sources[i];
        entry.name = file.name.clone();
        entry.stamp = listing.stamps[i].unwrap_or_default();
        entry.document = listing.ids[i].clone();
        entry.serial = plan.serials[i];
        entry.roster_queries = match plan.reused[i] {
            Some(old) => old.roster_queries.clone(),
            None => queries.remove(&i).flatten(),
        };
        entry.roster_answers = match &entry.roster_queries {
            Some(names) => roster_answers(roster, names),
            None => 0,
        };
    }
}

/// Stamps the table with the files it describes and writes it, last: until it is written,
/// the old table no longer matches the files and a crash leads to a rebuild.
fn write_table(paths: &StatePaths, table: &mut QuoteTable) -> Result<()> {
    table.quotes_file = FileStamp::of(&paths.quotes).unwrap_or_default();
    table.codings_file = FileStamp::of(&paths.codings).unwrap_or_default();
    let bytes = table.to_bytes();
    write_atomic(&paths.table, |w| w.write_all(&bytes))?;
    Ok(())
}

#[cfg(test)]
mod refresh_tests;
