//! `quotes.jsonl`: written in file order as the new sources stream in (kept sources'
//! lines carried over), and read back one quote at a time at the table's offsets.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use verbatim_model::{FileStamp, Quote, QuoteTable, SourceEntry, write_atomic_file};

use super::columns::{TABLE_COLUMNS, column_value};
use super::feed::Feed;
use super::paths::StatePaths;
use super::plan::Plan;
use super::sink::{Sink, append_in_place};
use crate::error::{Error, IoContext, Result};

/// The project's `quotes.jsonl`, open for reading single quotes at the table's offsets.
pub struct QuoteLines {
    path: PathBuf,
    /// One handle shared by every reader: a line is read by a seek and a read, which must
    /// not interleave with another thread's (the web server searches on many threads).
    file: std::sync::Mutex<File>,
}

impl QuoteLines {
    /// Opens the quote file at `path`.
    pub fn open(path: &Path) -> Result<Self> {
        let file = File::open(path).io_context(|| format!("{}: cannot read", path.display()))?;
        Ok(QuoteLines {
            path: path.to_path_buf(),
            file: std::sync::Mutex::new(file),
        })
    }

    /// The quote of a table row.
    pub fn quote(&self, table: &QuoteTable, row: usize) -> Result<Quote> {
        let (from, to) = table.line(row);
        let cannot_read = || format!("{}: cannot read quote row {}", self.path.display(), row + 1);
        let length = usize::try_from(to.saturating_sub(from))
            .map_err(|_| Error::Invalid(format!("{}: line too long", cannot_read())))?;
        let mut line = vec![0; length];
        {
            let mut file = match self.file.lock() {
                Ok(file) => file,
                Err(poisoned) => poisoned.into_inner(),
            };
            file.seek(SeekFrom::Start(from))
                .and_then(|_| file.read_exact(&mut line))
                .io_context(cannot_read)?;
        }
        serde_json::from_slice(&line).map_err(|error| Error::Damaged {
            what: format!(
                "{}: line of quote row {} is damaged",
                self.path.display(),
                row + 1
            ),
            source: Box::new(error),
        })
    }
}

/// The quote file as written: where each source's lines and rows are, every row's line
/// end, and what the table and the codings file need of the new quotes.
pub(crate) struct WrittenQuotes {
    /// Per source, in file order: its first row, rows and byte range (other fields unset).
    pub entries: Vec<SourceEntry>,
    /// Every row's line end.
    pub line_ends: Vec<u64>,
    /// The new rows' attribute values, in row order, without codes.
    pub fresh_rows: QuoteTable,
    /// The new rows' quote ids, in row order.
    pub fresh_ids: Vec<String>,
}

/// Writes `quotes.jsonl` as the new sources arrive from `feed`, copying kept sources'
/// lines. Should the feed stop early (a source could not be read), the file is left as it
/// was.
pub(crate) fn write_quotes(
    paths: &StatePaths,
    plan: &Plan<'_>,
    feed: &mut Feed,
) -> Result<WrittenQuotes> {
    let (old, reused) = (plan.old, plan.reused.as_slice());
    match old.filter(|old| plan.only_appends(|s| s.quote_bytes.1, old.quotes_file)) {
        // New sources after all the old ones, which stay as they were: the new lines are
        // appended in place, and cut off again if the round cannot be read. Should the
        // process die half way, the file no longer matches the table's stamp of it, and
        // the next run rebuilds it.
        Some(old) => append_in_place(&paths.quotes, old.quotes_file, |out| {
            quote_lines(out, Some(old), reused, feed)
        }),
        None => {
            let old_file = old
                .map(|_| File::open(&paths.quotes))
                .transpose()
                .io_context(|| format!("{}: cannot read", paths.quotes.display()))?;
            let mut written = None;
            write_atomic_file(&paths.quotes, |file| {
                let mut out = Sink::new(file, old_file.as_ref());
                written = Some(quote_lines(&mut out, old, reused, feed)?);
                out.finish()
            })?;
            written.ok_or_else(|| Error::Internal("the quote file was not written".into()))
        }
    }
}

/// Each source's lines through `out`: kept ones carried over, new ones serialised as they
/// arrive.
fn quote_lines(
    out: &mut Sink<'_>,
    old: Option<&QuoteTable>,
    reused: &[Option<&SourceEntry>],
    feed: &mut Feed,
) -> std::io::Result<WrittenQuotes> {
    let mut written = WrittenQuotes {
        entries: Vec::with_capacity(reused.len()),
        line_ends: Vec::new(),
        fresh_rows: QuoteTable::new(&TABLE_COLUMNS),
        fresh_ids: Vec::new(),
    };
    let mut first_row = 0u32;
    for (i, entry) in reused.iter().enumerate() {
        let start = out.position;
        let rows = match (entry, old) {
            (Some(entry), Some(old)) => {
                out.keep(entry.quote_bytes)?;
                let shift = start.wrapping_sub(entry.quote_bytes.0);
                let first = entry.first_row as usize;
                for row in first..first + entry.rows as usize {
                    written
                        .line_ends
                        .push(old.offsets[row + 1].wrapping_add(shift));
                }
                entry.rows
            }
            _ => {
                let source = feed.next(i)?;
                let quotes = source.quotes();
                let mut values: Vec<Option<&str>> = Vec::with_capacity(TABLE_COLUMNS.len());
                for quote in quotes {
                    out.line(quote)?;
                    written.line_ends.push(out.position);
                    values.clear();
                    values.extend(TABLE_COLUMNS.iter().map(|name| column_value(quote, name)));
                    written.fresh_rows.push_row(out.position, &values);
                    written.fresh_ids.push(quote.id.clone());
                }
                u32::try_from(quotes.len()).map_err(|_| too_many())?
            }
        };
        written.entries.push(SourceEntry {
            name: String::new(),
            stamp: FileStamp::default(),
            document: String::new(),
            serial: 0,
            first_row,
            rows,
            quote_bytes: (start, out.position),
            coding_bytes: (0, 0),
            roster_queries: None,
            roster_answers: 0,
        });
        first_row = first_row.checked_add(rows).ok_or_else(too_many)?;
    }
    Ok(written)
}

fn too_many() -> std::io::Error {
    std::io::Error::other("more than 4 billion quotes in one project")
}
