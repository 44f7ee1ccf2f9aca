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

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs::File;
use std::io::{BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use verbatim_coder::{Coder, Part, QuoteIndex, attribute};
use verbatim_ingest::document_ids;
use verbatim_model::{
    Code, Codebook, Coding, FileStamp, Origin, Quote, QuoteTable, Remap, Roster, SourceEntry,
    read_jsonl, read_jsonl_str, write_atomic, write_atomic_file,
};

use crate::code_cmd::AUTO_CODER;
use crate::config::{CONFIG_FILE, Context, Project};
use crate::ingest_cmd::{self, SourceArgs};
use crate::{codebook_cmd, progress};

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

/// Rebuild everything when more than this share of the rows would be new.
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
    let incremental = old.is_some()
        && (old_rows.saturating_sub(kept_rows) as f64) <= REBUILD_SHARE * old_rows.max(1) as f64;
    let (old, reused) = if incremental {
        (old.as_ref(), reused)
    } else {
        (None, vec![None; files.len()])
    };

    // Read the sources that are new or changed.
    let to_read: Vec<usize> = (0..files.len()).filter(|&i| reused[i].is_none()).collect();
    let ingestion = ingest_cmd::ingest_listed(
        context,
        &SourceArgs::default(),
        to_read.iter().map(|&i| files[i].clone()).collect(),
        &to_read.iter().map(|&i| ids[i].clone()).collect::<Vec<_>>(),
    )?;
    ingest_cmd::print_warnings(context, &ingestion);
    let mut queries: BTreeMap<usize, Option<Vec<String>>> = BTreeMap::new();
    let mut fresh: BTreeMap<usize, Vec<Quote>> = BTreeMap::new();
    for (&i, (_, ingested)) in to_read.iter().zip(ingestion.files) {
        queries.insert(i, ingested.roster_queries.map(|q| q.into_iter().collect()));
        fresh.insert(i, ingested.quotes);
    }

    // Rows and serials of the new layout.
    let mut next_serial = old
        .and_then(|t| t.sources.iter().map(|s| s.serial + 1).max())
        .unwrap_or(0);
    let mut layout = Vec::with_capacity(files.len());
    let mut row = 0u32;
    for (i, old_entry) in reused.iter().enumerate() {
        let serial = match old_entry {
            Some(entry) => entry.serial,
            None => {
                next_serial += 1;
                next_serial - 1
            }
        };
        layout.push(Part {
            serial,
            first_row: row,
        });
        let rows = old_entry.map_or_else(|| fresh[&i].len() as u32, |e| e.rows);
        row = row
            .checked_add(rows)
            .context("more than 4 billion quotes in one project")?;
    }

    // Index and code.
    let manual = manual_codings(&paths.codings, old)?;
    let generation = next_generation(&paths);
    let mut table = QuoteTable::new(&TABLE_COLUMNS);
    table.inputs = inputs;
    table.roster = roster_digest;
    table.index = generation.to_string();
    // The quote file is written while the index is built and coded: the one is mostly
    // serialisation and disk, the others mostly tokenising and searching.
    let (auto, written) = std::thread::scope(|scope| {
        let writer = scope.spawn(|| write_quotes(&paths, old, &reused, &fresh, &mut table));
        let auto = index_and_code(context, &paths, &coder, old, &reused, &fresh, &layout);
        let written = writer
            .join()
            .unwrap_or_else(|_| Err(anyhow::anyhow!("writing the quote file failed")));
        (auto, written)
    });
    let auto = auto?;
    written?;
    std::fs::write(&paths.generation, format!("{generation}\n"))
        .with_context(|| format!("{}: cannot write", paths.generation.display()))?;

    // Codes of the new quotes, manual first.
    let manual_by_quote = codes_by_quote(&manual);
    let mut auto = auto.into_iter();
    let mut fresh_codes: BTreeMap<usize, Vec<Vec<Code>>> = BTreeMap::new();
    for (&i, quotes) in &fresh {
        let codes = quotes
            .iter()
            .map(|quote| {
                let auto = auto.next().unwrap_or_default();
                merge(manual_by_quote.get(quote.id.as_str()), auto)
            })
            .collect();
        fresh_codes.insert(i, codes);
    }

    write_codings(
        &paths,
        old,
        &manual,
        &reused,
        &fresh,
        &fresh_codes,
        &mut table,
    )?;
    for (i, file) in files.iter().enumerate() {
        let entry = &mut table.sources[i];
        entry.name = file.name.clone();
        entry.stamp = stamps[i].unwrap_or_default();
        entry.document = ids[i].clone();
        entry.serial = layout[i].serial;
        entry.roster_queries = match reused[i] {
            Some(old) => old.roster_queries.clone(),
            None => queries.remove(&i).flatten(),
        };
        entry.roster_answers = match &entry.roster_queries {
            Some(names) => roster_answers(roster.as_ref(), names),
            None => 0,
        };
    }
    fill_rows(&mut table, old, &reused, &fresh, &fresh_codes);
    table.quotes_file = FileStamp::of(&paths.quotes).unwrap_or_default();
    table.codings_file = FileStamp::of(&paths.codings).unwrap_or_default();
    let bytes = table.to_bytes();
    write_atomic(&paths.table, |w| w.write_all(&bytes))?;
    // A million quotes take most of a second to free; nothing waits for that.
    std::thread::spawn(move || drop((fresh, fresh_codes)));
    Ok(Refreshed {
        codebook,
        table,
        read: to_read.len(),
        kept: files.len() - to_read.len(),
    })
}

/// Brings the index up to date with the new sources and codes their quotes: on a
/// rebuild, the whole index; otherwise the new quotes in a small index of their own.
fn index_and_code(
    context: &Context,
    paths: &StatePaths,
    coder: &Coder,
    old: Option<&QuoteTable>,
    reused: &[Option<&SourceEntry>],
    fresh: &BTreeMap<usize, Vec<Quote>>,
    layout: &[Part],
) -> anyhow::Result<Vec<Vec<Code>>> {
    let added: Vec<(Part, &[Quote])> = fresh
        .iter()
        .map(|(&i, quotes)| (layout[i], quotes.as_slice()))
        .collect();
    let rows: usize = reused
        .iter()
        .enumerate()
        .map(|(i, entry)| entry.map_or_else(|| fresh[&i].len(), |e| e.rows as usize))
        .sum();
    Ok(match old {
        Some(old) => {
            // The persistent index takes the new documents while the new quotes are coded
            // in a small index of their own (a quote's codes never depend on the others).
            let kept: HashSet<u64> = reused.iter().flatten().map(|r| r.serial).collect();
            let removed: Vec<u64> = old
                .sources
                .iter()
                .map(|s| s.serial)
                .filter(|serial| !kept.contains(serial))
                .collect();
            let (updated, coded) = std::thread::scope(|scope| {
                let updater = scope.spawn(|| -> anyhow::Result<()> {
                    QuoteIndex::open(&paths.index, &layout_of(old), old.rows())?
                        .update(&removed, &added, layout, rows)?;
                    Ok(())
                });
                let new_quotes: Vec<Quote> = fresh.values().flatten().cloned().collect();
                let coded = QuoteIndex::in_memory(&new_quotes).and_then(|small| coder.code(&small));
                let updated = updater
                    .join()
                    .unwrap_or_else(|_| Err(anyhow::anyhow!("updating the index failed")));
                (updated, coded)
            });
            updated?;
            coded?
        }
        None => {
            let bar = progress::spinner("indexing and coding", context.quiet);
            let index = QuoteIndex::create(&paths.index, &added)?;
            let coded = coder.code(&index)?;
            bar.finish_and_clear();
            coded
        }
    })
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

/// The project's `quotes.jsonl`, open for reading single quotes at the table's offsets.
pub struct QuoteLines {
    path: PathBuf,
    file: File,
}

impl QuoteLines {
    pub fn open(path: &Path) -> anyhow::Result<Self> {
        let file = File::open(path).with_context(|| format!("{}: cannot read", path.display()))?;
        Ok(QuoteLines {
            path: path.to_path_buf(),
            file,
        })
    }

    /// The quote of a table row.
    pub fn quote(&self, table: &QuoteTable, row: usize) -> anyhow::Result<Quote> {
        let (from, to) = table.line(row);
        let mut line = vec![0; usize::try_from(to - from)?];
        let mut file = &self.file;
        file.seek(SeekFrom::Start(from))?;
        file.read_exact(&mut line).with_context(|| {
            format!("{}: cannot read quote row {}", self.path.display(), row + 1)
        })?;
        serde_json::from_slice(&line).with_context(|| {
            format!(
                "{}: line of quote row {} is damaged",
                self.path.display(),
                row + 1
            )
        })
    }
}

/// Manual codings: from the start of the codings file when the old table says where they
/// end, else from the whole file.
pub fn manual_codings(path: &Path, old: Option<&QuoteTable>) -> anyhow::Result<Vec<Coding>> {
    if !path.exists() {
        return Ok(Vec::new());
    }
    let codings: Vec<Coding> = match old {
        Some(old) => {
            let mut bytes = vec![0; usize::try_from(old.manual_coding_bytes)?];
            File::open(path)
                .and_then(|mut f| f.read_exact(&mut bytes))
                .with_context(|| format!("{}: cannot read", path.display()))?;
            read_jsonl_str(&String::from_utf8(bytes)?, path)?
        }
        None => read_jsonl(path)?,
    };
    Ok(codings
        .into_iter()
        .filter(|c| c.origin == Origin::Manual)
        .collect())
}

/// Stored codings as each quote's codes, in file order.
pub fn codes_by_quote(codings: &[Coding]) -> HashMap<&str, Vec<Code>> {
    let mut by_quote: HashMap<&str, Vec<Code>> = HashMap::new();
    for coding in codings {
        by_quote
            .entry(coding.quote.as_str())
            .or_default()
            .push(coding.to_code());
    }
    by_quote
}

/// A quote's codes: manual ones as written, then automatic ones for other themes.
pub fn merge(manual: Option<&Vec<Code>>, auto: Vec<Code>) -> Vec<Code> {
    let mut codes: Vec<Code> = manual.cloned().unwrap_or_default();
    let manual_themes: Vec<String> = codes.iter().map(|m| m.theme.clone()).collect();
    codes.extend(
        auto.into_iter()
            .filter(|a| !manual_themes.contains(&a.theme)),
    );
    sort_codes(&mut codes);
    codes
}

/// Orders a quote's codes as every command shows them: manual first, then by score, then
/// by theme.
pub fn sort_codes(codes: &mut [Code]) {
    codes.sort_by(|a, b| {
        (b.origin == Origin::Manual)
            .cmp(&(a.origin == Origin::Manual))
            .then(b.score.total_cmp(&a.score))
            .then_with(|| a.theme.cmp(&b.theme))
    });
}

/// The file being written: serialised lines go through a buffer; carried-over byte
/// ranges of the old file are gathered while contiguous and copied by the kernel.
struct Sink<'f> {
    buffer: BufWriter<&'f File>,
    old: Option<&'f File>,
    /// Old bytes still to copy.
    pending: Option<(u64, u64)>,
    /// Bytes written or pending so far: the position of the next byte.
    position: u64,
    /// Appending to the old file itself: carried-over bytes are already in place.
    in_place: bool,
}

impl<'f> Sink<'f> {
    fn new(file: &'f File, old: Option<&'f File>) -> Self {
        Sink {
            buffer: BufWriter::with_capacity(1 << 20, file),
            old,
            pending: None,
            position: 0,
            in_place: false,
        }
    }

    /// Appends to `file` (opened for appending): its bytes are kept, in order, before
    /// the first new line.
    fn appending(file: &'f File) -> Self {
        Sink {
            in_place: true,
            ..Sink::new(file, None)
        }
    }

    fn line<T: serde::Serialize>(&mut self, value: &T) -> std::io::Result<()> {
        self.copy_pending()?;
        let mut line = serde_json::to_vec(value)?;
        line.push(b'\n');
        self.buffer.write_all(&line)?;
        self.position += line.len() as u64;
        Ok(())
    }

    /// Carries over bytes `range` of the old file.
    fn keep(&mut self, range: (u64, u64)) -> std::io::Result<()> {
        if self.in_place {
            if range.0 != self.position {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    "kept lines out of place in the quote file",
                ));
            }
            self.position = range.1;
            return Ok(());
        }
        match &mut self.pending {
            Some(pending) if pending.1 == range.0 => pending.1 = range.1,
            _ => {
                self.copy_pending()?;
                self.pending = Some(range);
            }
        }
        self.position += range.1 - range.0;
        Ok(())
    }

    fn copy_pending(&mut self) -> std::io::Result<()> {
        let (Some(range), Some(mut from)) = (self.pending.take(), self.old) else {
            return Ok(());
        };
        self.buffer.flush()?;
        from.seek(SeekFrom::Start(range.0))?;
        let length = range.1 - range.0;
        let copied = std::io::copy(&mut from.take(length), self.buffer.get_mut())?;
        if copied != length {
            return Err(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                "shorter than the quote table says",
            ));
        }
        Ok(())
    }

    fn finish(mut self) -> std::io::Result<()> {
        self.copy_pending()?;
        self.buffer.flush()
    }
}

/// Writes `quotes.jsonl`, copying kept sources' lines, and records each source's rows and
/// byte range and each new row's line end in `table` (kept rows are filled later).
fn write_quotes(
    paths: &StatePaths,
    old: Option<&QuoteTable>,
    reused: &[Option<&SourceEntry>],
    fresh: &BTreeMap<usize, Vec<Quote>>,
    table: &mut QuoteTable,
) -> anyhow::Result<()> {
    let (line_ends, entries) = match old.filter(|old| only_appends(old, reused)) {
        // New sources after all the old ones, which stay as they were: the new lines are
        // appended in place. Should this stop half way, the file no longer matches the
        // table's stamp of it, and the next run rebuilds it.
        Some(old) => {
            let file = std::fs::OpenOptions::new()
                .append(true)
                .open(&paths.quotes)
                .with_context(|| format!("{}: cannot append", paths.quotes.display()))?;
            let mut out = Sink::appending(&file);
            let lines = quote_lines(&mut out, Some(old), reused, fresh)?;
            out.finish()?;
            file.sync_data()
                .with_context(|| format!("{}: cannot write", paths.quotes.display()))?;
            lines
        }
        None => {
            let old_file = old
                .map(|_| File::open(&paths.quotes))
                .transpose()
                .with_context(|| format!("{}: cannot read", paths.quotes.display()))?;
            let mut lines = (Vec::new(), Vec::new());
            write_atomic_file(&paths.quotes, |file| {
                let mut out = Sink::new(file, old_file.as_ref());
                lines = quote_lines(&mut out, old, reused, fresh)?;
                out.finish()
            })?;
            lines
        }
    };
    table.sources = entries;
    table.offsets = std::iter::once(0).chain(line_ends).collect();
    Ok(())
}

/// Whether the new sources all come after the old ones, which are all kept in place: then
/// the quote file only grows.
fn only_appends(old: &QuoteTable, reused: &[Option<&SourceEntry>]) -> bool {
    let kept = old.sources.len();
    reused.len() >= kept
        && reused[..kept]
            .iter()
            .zip(&old.sources)
            .all(|(new, old)| new.is_some_and(|new| new.serial == old.serial))
        && reused[kept..].iter().all(Option::is_none)
        && old.sources.last().map_or(old.quotes_file.len == 0, |s| {
            s.quote_bytes.1 == old.quotes_file.len
        })
}

/// Each source's lines through `out`: kept ones carried over, new ones serialised. Returns
/// every row's line end and each source's entry (rows, byte range).
fn quote_lines(
    out: &mut Sink<'_>,
    old: Option<&QuoteTable>,
    reused: &[Option<&SourceEntry>],
    fresh: &BTreeMap<usize, Vec<Quote>>,
) -> std::io::Result<(Vec<u64>, Vec<SourceEntry>)> {
    let mut line_ends: Vec<u64> = Vec::new();
    let mut entries = Vec::with_capacity(reused.len());
    let mut first_row = 0u32;
    for (i, entry) in reused.iter().enumerate() {
        let start = out.position;
        let rows = match (entry, old) {
            (Some(entry), Some(old)) => {
                out.keep(entry.quote_bytes)?;
                let shift = start.wrapping_sub(entry.quote_bytes.0);
                let first = entry.first_row as usize;
                for row in first..first + entry.rows as usize {
                    line_ends.push(old.offsets[row + 1].wrapping_add(shift));
                }
                entry.rows
            }
            _ => {
                let quotes = &fresh[&i];
                for quote in quotes {
                    out.line(quote)?;
                    line_ends.push(out.position);
                }
                quotes.len() as u32
            }
        };
        let end = out.position;
        entries.push(SourceEntry {
            name: String::new(),
            stamp: FileStamp::default(),
            document: String::new(),
            serial: 0,
            first_row,
            rows,
            quote_bytes: (start, end),
            coding_bytes: (0, 0),
            roster_queries: None,
            roster_answers: 0,
        });
        first_row += rows;
    }
    Ok((line_ends, entries))
}

/// Writes `codings.jsonl`: manual codings, then each source's automatic codings (copied
/// for kept sources).
fn write_codings(
    paths: &StatePaths,
    old: Option<&QuoteTable>,
    manual: &[Coding],
    reused: &[Option<&SourceEntry>],
    fresh: &BTreeMap<usize, Vec<Quote>>,
    fresh_codes: &BTreeMap<usize, Vec<Vec<Code>>>,
    table: &mut QuoteTable,
) -> anyhow::Result<()> {
    let old_file = match old {
        Some(_) => Some(
            File::open(&paths.codings)
                .with_context(|| format!("{}: cannot read", paths.codings.display()))?,
        ),
        None => None,
    };
    let mut manual_bytes = 0;
    let mut ranges = Vec::with_capacity(reused.len());
    write_atomic_file(&paths.codings, |file| {
        let mut out = Sink::new(file, old_file.as_ref());
        for coding in manual {
            out.line(coding)?;
        }
        manual_bytes = out.position;
        for (i, entry) in reused.iter().enumerate() {
            let start = out.position;
            match entry {
                Some(entry) => out.keep(entry.coding_bytes)?,
                None => {
                    for (quote, codes) in fresh[&i].iter().zip(&fresh_codes[&i]) {
                        for code in codes.iter().filter(|c| c.origin == Origin::Auto) {
                            out.line(&Coding {
                                quote: quote.id.clone(),
                                theme: code.theme.clone(),
                                score: Some(code.score),
                                origin: code.origin,
                                coder: Some(AUTO_CODER.to_string()),
                                evidence: code.evidence.clone(),
                            })?;
                        }
                    }
                }
            }
            ranges.push((start, out.position));
        }
        out.finish()
    })?;
    table.manual_coding_bytes = manual_bytes;
    for (entry, range) in table.sources.iter_mut().zip(ranges) {
        entry.coding_bytes = range;
    }
    Ok(())
}

/// Fills the table's attribute columns and codes, row by row.
fn fill_rows(
    table: &mut QuoteTable,
    old: Option<&QuoteTable>,
    reused: &[Option<&SourceEntry>],
    fresh: &BTreeMap<usize, Vec<Quote>>,
    fresh_codes: &BTreeMap<usize, Vec<Vec<Code>>>,
) {
    let offsets = std::mem::replace(&mut table.offsets, vec![0]);
    let mut row = 0;
    let mut values: Vec<Option<&str>> = Vec::with_capacity(TABLE_COLUMNS.len());
    let mut remap = Remap::default();
    for (i, entry) in reused.iter().enumerate() {
        match (entry, old) {
            (Some(entry), Some(old)) => {
                let first = entry.first_row as usize;
                let count = entry.rows as usize;
                let ends = &offsets[row + 1..row + 1 + count];
                table.append_rows(old, first..first + count, ends, &mut remap);
                row += count;
            }
            _ => {
                for (quote, codes) in fresh[&i].iter().zip(&fresh_codes[&i]) {
                    values.clear();
                    values.extend(TABLE_COLUMNS.iter().map(|name| column_value(quote, name)));
                    row = table.push_row(offsets[row + 1], &values) + 1;
                    for code in codes {
                        table.push_code(row - 1, &code.theme, code.score, code.origin);
                    }
                }
            }
        }
    }
}
