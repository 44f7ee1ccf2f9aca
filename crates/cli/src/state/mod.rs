//! A project's derived state under `.verbatim/`: `quotes.jsonl`, `codings.jsonl`, the quote
//! table (`table.bin`) and the index, brought up to date with as little work as the
//! changes allow.
//!
//! Each source's quotes and automatic codings depend only on that file, on the inputs
//! every source shares (configuration, codebook, Verbatim's version) and on the roster's
//! answers to the names the source asked about. So when the shared inputs are unchanged, a
//! source whose size and modification time are unchanged, and whose names the roster
//! answers as before (a new round's interviewees added to the roster change nothing for
//! the old transcripts), is carried over byte for byte: its lines are copied from the old files, its rows from the
//! old table and its documents stay in the index. Only new and changed sources are read,
//! coded (against a small index of their own quotes: a quote's codes never depend on
//! other quotes) and added to the index. Anything unexpected (no table, a damaged one,
//! files edited by hand, a different codebook) rebuilds everything.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use verbatim_coder::{Coder, IndexBuilder, Part, QuoteIndex, attribute};
use verbatim_ingest::document_ids;
use verbatim_model::{
    Code, Codebook, FileStamp, Quote, QuoteTable, Remap, Roster, SourceEntry, write_atomic,
};

use crate::config::{CONFIG_FILE, Context, Project};
use crate::ingest_cmd::{self, SourceArgs, SourceReader};
use crate::{codebook_cmd, progress};

mod codings_file;
mod quote_file;
mod sink;
mod stream;

pub use codings_file::{codes_by_quote, manual_codings, merge, sort_codes};
pub use quote_file::QuoteLines;

/// Attribute columns of the quote table, in order.
pub const TABLE_COLUMNS: [&str; 8] = [
    "speaker",
    "role",
    "organisation",
    "area",
    "sector",
    "source",
    "round",
    "speaker_hint",
];

/// A quote's value for a table column.
pub fn column_value<'q>(quote: &'q Quote, column: &str) -> Option<&'q str> {
    match column {
        "speaker_hint" => quote.speaker_hint.as_deref(),
        name => attribute(quote, name),
    }
}

/// Rebuild everything when more than this share of the old rows would be gone or changed.
const REBUILD_SHARE: f64 = 0.3;

/// The project's state after [`refresh`].
pub struct Refreshed {
    pub codebook: Codebook,
    pub table: QuoteTable,
    /// Sources read this time (all of them on a rebuild).
    pub read: usize,
    /// Sources carried over unchanged.
    pub kept: usize,
}

/// Paths of the state files.
pub struct StatePaths {
    pub quotes: PathBuf,
    pub codings: PathBuf,
    pub table: PathBuf,
    pub index: PathBuf,
    generation: PathBuf,
}

impl StatePaths {
    pub fn of(project: &Project) -> Self {
        StatePaths {
            quotes: project.state_path("quotes.jsonl"),
            codings: project.state_path("codings.jsonl"),
            table: project.state_path("table.bin"),
            index: project.state_path("index"),
            generation: project.state_path("index").join("generation"),
        }
    }
}

/// Brings the project's state up to date and returns it.
pub fn refresh(context: &Context, project: &Project) -> anyhow::Result<Refreshed> {
    let (codebook, codebook_path) = codebook_cmd::load(context, None)?;
    let paths = StatePaths::of(project);
    let files = ingest_cmd::list_files(context, &SourceArgs::default())?;
    let names: Vec<&Path> = files.iter().map(|f| Path::new(f.name.as_str())).collect();
    let ids = document_ids(&names);
    let stamps: Vec<Option<FileStamp>> = files.iter().map(|f| FileStamp::of(&f.path)).collect();
    let inputs = inputs_fingerprint(project, &codebook_path)?;
    let (roster, roster_digest) = load_roster(project)?;
    let old = load_table(&paths).filter(|t| t.inputs == inputs);

    let kept: HashMap<&str, &SourceEntry> = old
        .iter()
        .flat_map(|t| &t.sources)
        .map(|s| (s.name.as_str(), s))
        .collect();
    let reused: Vec<Option<&SourceEntry>> = files
        .iter()
        .zip(&ids)
        .zip(&stamps)
        .map(|((file, id), stamp)| {
            kept.get(file.name.as_str())
                .copied()
                .filter(|s| Some(s.stamp) == *stamp && s.document == *id)
                .filter(|s| {
                    old.as_ref().is_some_and(|t| t.roster == roster_digest)
                        || s.roster_queries.as_ref().is_some_and(|names| {
                            roster_answers(roster.as_ref(), names) == s.roster_answers
                        })
                })
        })
        .collect();
    if let Some(old) = &old {
        let unchanged = reused.iter().flatten().count();
        if unchanged == files.len()
            && old.sources.len() == files.len()
            && old.roster == roster_digest
        {
            return Ok(Refreshed {
                codebook,
                table: old.clone(),
                read: 0,
                kept: unchanged,
            });
        }
    }
    let coder = Coder::new(&codebook)?;
    let old_rows = old.as_ref().map_or(0, |t| t.rows());
    let kept_rows: usize = reused.iter().flatten().map(|s| s.rows as usize).sum();
    // An update indexes the new quotes twice (into the project's index and into one of
    // their own for coding), so once there is more to read than to keep, a rebuild is
    // cheaper.
    let incremental = old.is_some()
        && (old_rows.saturating_sub(kept_rows) as f64) <= REBUILD_SHARE * old_rows.max(1) as f64
        && file_bytes(&reused, &stamps, true) <= file_bytes(&reused, &stamps, false);
    let (old, reused) = if incremental {
        (old.as_ref(), reused)
    } else {
        (None, vec![None; files.len()])
    };
    // The size of the sources to read, for sizing the index writer.
    let to_read_bytes = file_bytes(&reused, &stamps, true);

    // Serials of the new layout: kept sources keep theirs.
    let mut next_serial = old
        .and_then(|t| t.sources.iter().map(|s| s.serial + 1).max())
        .unwrap_or(0);
    let serials: Vec<u64> = reused
        .iter()
        .map(|entry| match entry {
            Some(entry) => entry.serial,
            None => {
                next_serial += 1;
                next_serial - 1
            }
        })
        .collect();

    // Read the new and changed sources into the index and the quote file.
    let manual = manual_codings(&paths.codings, old, context.quiet)?;
    let (index, fresh_index) = match old {
        Some(old) => {
            let kept: HashSet<u64> = reused.iter().flatten().map(|r| r.serial).collect();
            let removed: Vec<u64> = old
                .sources
                .iter()
                .map(|s| s.serial)
                .filter(|serial| !kept.contains(serial))
                .collect();
            let index = QuoteIndex::open(&paths.index, &layout_of(old), old.rows())?;
            (
                IndexBuilder::updating(index, &removed, to_read_bytes)?,
                Some(IndexBuilder::in_memory(to_read_bytes)?),
            )
        }
        None => (IndexBuilder::create(&paths.index, to_read_bytes)?, None),
    };
    let reader = SourceReader::new(context, &SourceArgs::default())?;
    let plan = stream::Plan {
        files: &files,
        ids: &ids,
        reused: &reused,
        serials: &serials,
        old,
    };
    let streamed = stream::read_sources(context, &reader, &paths, &plan, index, fresh_index)?;
    let mut queries = streamed.queries;
    let written = streamed.written;
    let read = queries.len();
    let layout: Vec<Part> = written
        .entries
        .iter()
        .zip(&serials)
        .map(|(entry, &serial)| Part {
            serial,
            first_row: entry.first_row,
        })
        .collect();

    // Code the new quotes: on a rebuild in the project's index; otherwise in an index of
    // their own (a quote's codes never depend on the others) while the project's index
    // commits.
    let generation = next_generation(&paths);
    let rows = written.line_ends.len();
    let bar = progress::spinner("indexing and coding", context.quiet);
    let auto = match streamed.fresh_index {
        None => coder.code(&streamed.index.finish(&layout, rows)?)?,
        Some(fresh_index) => {
            let fresh_layout = fresh_layout(&written.entries, &reused);
            let fresh_rows = written.fresh_ids.len();
            let (committed, coded) = std::thread::scope(|scope| {
                let committer = scope.spawn(|| streamed.index.finish(&layout, rows));
                let coded = fresh_index
                    .finish(&fresh_layout, fresh_rows)
                    .and_then(|fresh| coder.code(&fresh));
                let committed = committer
                    .join()
                    .unwrap_or_else(|_| Err(std::io::Error::other("indexing failed").into()));
                (committed, coded)
            });
            committed?;
            coded?
        }
    };
    bar.finish_and_clear();
    std::fs::write(&paths.generation, format!("{generation}\n"))
        .with_context(|| format!("{}: cannot write", paths.generation.display()))?;

    // Codes of the new quotes, manual first.
    let manual_by_quote = codes_by_quote(&manual);
    let mut auto = auto.into_iter();
    let fresh_codes: Vec<Vec<Code>> = written
        .fresh_ids
        .iter()
        .map(|id| {
            merge(
                manual_by_quote.get(id.as_str()),
                auto.next().unwrap_or_default(),
            )
        })
        .collect();

    let mut table = QuoteTable::new(&TABLE_COLUMNS);
    table.inputs = inputs;
    table.roster = roster_digest;
    table.index = generation.to_string();
    table.sources = written.entries;
    codings_file::write_codings(
        &paths,
        old,
        &manual,
        &reused,
        &written.fresh_ids,
        &fresh_codes,
        &mut table,
    )?;
    for (i, file) in files.iter().enumerate() {
        let entry = &mut table.sources[i];
        entry.name = file.name.clone();
        entry.stamp = stamps[i].unwrap_or_default();
        entry.document = ids[i].clone();
        entry.serial = serials[i];
        entry.roster_queries = match reused[i] {
            Some(old) => old.roster_queries.clone(),
            None => queries.remove(&i).flatten(),
        };
        entry.roster_answers = match &entry.roster_queries {
            Some(names) => roster_answers(roster.as_ref(), names),
            None => 0,
        };
    }
    fill_rows(
        &mut table,
        old,
        &reused,
        &written.line_ends,
        &written.fresh_rows,
        &fresh_codes,
    );
    table.quotes_file = FileStamp::of(&paths.quotes).unwrap_or_default();
    table.codings_file = FileStamp::of(&paths.codings).unwrap_or_default();
    let bytes = table.to_bytes();
    write_atomic(&paths.table, |w| w.write_all(&bytes))?;
    Ok(Refreshed {
        codebook,
        table,
        read,
        kept: files.len() - read,
    })
}

/// Whether the new sources all come after the old ones, which are all kept in place, and
/// the file whose table stamp is `file` ends with the last old source's bytes (where
/// `end_of` says they end): then that file only grows.
fn only_appends(
    old: &QuoteTable,
    reused: &[Option<&SourceEntry>],
    end_of: impl Fn(&SourceEntry) -> u64,
    file: FileStamp,
) -> bool {
    let kept = old.sources.len();
    reused.len() >= kept
        && reused[..kept]
            .iter()
            .zip(&old.sources)
            .all(|(new, old)| new.is_some_and(|new| new.serial == old.serial))
        && reused[kept..].iter().all(Option::is_none)
        && old.sources.last().is_some_and(|s| end_of(s) == file.len)
}

/// Bytes of the source files to be read (`read`) or carried over.
fn file_bytes(reused: &[Option<&SourceEntry>], stamps: &[Option<FileStamp>], read: bool) -> u64 {
    reused
        .iter()
        .zip(stamps)
        .filter(|(entry, _)| entry.is_none() == read)
        .map(|(_, stamp)| stamp.map_or(0, |s| s.len))
        .sum()
}

/// Where the new sources' quotes sit among the new rows alone: the layout of the index of
/// new quotes, whose serials number the new sources in order.
fn fresh_layout(entries: &[SourceEntry], reused: &[Option<&SourceEntry>]) -> Vec<Part> {
    let mut first_row = 0u32;
    entries
        .iter()
        .zip(reused)
        .filter(|(_, reused)| reused.is_none())
        .enumerate()
        .map(|(serial, (entry, _))| {
            let part = Part {
                serial: serial as u64,
                first_row,
            };
            first_row += entry.rows;
            part
        })
        .collect()
}

/// Where each source's documents sit in the table's rows.
pub fn layout_of(table: &QuoteTable) -> Vec<Part> {
    table
        .sources
        .iter()
        .map(|s| Part {
            serial: s.serial,
            first_row: s.first_row,
        })
        .collect()
}

/// The stored table when it is whole and matches the files beside it.
pub fn load_table(paths: &StatePaths) -> Option<QuoteTable> {
    let table = QuoteTable::from_bytes(&std::fs::read(&paths.table).ok()?)?;
    let generation = std::fs::read_to_string(&paths.generation).ok()?;
    (FileStamp::of(&paths.quotes) == Some(table.quotes_file)
        && FileStamp::of(&paths.codings) == Some(table.codings_file)
        && generation.trim() == table.index)
        .then_some(table)
}

/// Everything every source's quotes and codes depend on besides the source itself.
fn inputs_fingerprint(project: &Project, codebook: &Path) -> anyhow::Result<String> {
    let mut hash = Fnv::default();
    hash.feed(env!("CARGO_PKG_VERSION").as_bytes());
    for path in [project.root.join(CONFIG_FILE), codebook.to_path_buf()] {
        let bytes =
            std::fs::read(&path).with_context(|| format!("{}: cannot read", path.display()))?;
        hash.feed(path.to_string_lossy().as_bytes());
        hash.feed(&bytes);
    }
    Ok(format!("{:016x}", hash.0))
}

/// The project's roster, if it has one, and a digest of its file.
fn load_roster(project: &Project) -> anyhow::Result<(Option<Roster>, String)> {
    let Some(relative) = &project.config.roster else {
        return Ok((None, "none".to_string()));
    };
    let path = project.resolve(relative);
    let bytes = std::fs::read(&path).with_context(|| format!("{}: cannot read", path.display()))?;
    let mut hash = Fnv::default();
    hash.feed(&bytes);
    Ok((Some(Roster::load(&path)?), format!("{:016x}", hash.0)))
}

/// A digest of what the roster answers to each of `names`: equal digests mean a source
/// that asked about these names reads the same with either roster.
fn roster_answers(roster: Option<&Roster>, names: &[String]) -> u64 {
    let mut hash = Fnv::default();
    for name in names {
        hash.feed(name.as_bytes());
        match roster {
            Some(roster) => hash.feed(format!("{:?}", roster.resolve(name)).as_bytes()),
            None => hash.feed(b"no roster"),
        }
    }
    hash.0
}

#[derive(Debug)]
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv {
    fn feed(&mut self, bytes: &[u8]) {
        for byte in bytes.iter().chain(&[0xff]) {
            self.0 ^= u64::from(*byte);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
}

/// A generation number for the index, different from the one on disk.
fn next_generation(paths: &StatePaths) -> u64 {
    let previous = std::fs::read_to_string(&paths.generation)
        .ok()
        .and_then(|g| g.trim().parse::<u64>().ok())
        .unwrap_or(0);
    previous.wrapping_add(1)
}
/// Fills the table's attribute columns and codes, row by row: kept rows from the old
/// table, new ones from `fresh_rows` with `fresh_codes`; `line_ends` has every row's.
fn fill_rows(
    table: &mut QuoteTable,
    old: Option<&QuoteTable>,
    reused: &[Option<&SourceEntry>],
    line_ends: &[u64],
    fresh_rows: &QuoteTable,
    fresh_codes: &[Vec<Code>],
) {
    let mut row = 0;
    let mut fresh_row = 0;
    let mut remap = Remap::default();
    let mut fresh_remap = Remap::default();
    let counts: Vec<usize> = table.sources.iter().map(|s| s.rows as usize).collect();
    for (entry, count) in reused.iter().zip(counts) {
        match (entry, old) {
            (Some(entry), Some(old)) => {
                let first = entry.first_row as usize;
                let ends = &line_ends[row..row + count];
                table.append_rows(old, first..first + count, ends, &mut remap);
            }
            _ => {
                for at in fresh_row..fresh_row + count {
                    let end = &line_ends[row + at - fresh_row..][..1];
                    table.append_rows(fresh_rows, at..at + 1, end, &mut fresh_remap);
                    for code in &fresh_codes[at] {
                        table.push_code(row + at - fresh_row, &code.theme, code.score, code.origin);
                    }
                }
                fresh_row += count;
            }
        }
        row += count;
    }
}
