//! Reading the new sources as a stream. Batches of sources are read in parallel and handed,
//! in file order, to two consumers at once: the index builders and the quote file writer.
//! Reading, indexing and writing overlap, and only the few batches in flight are held in
//! memory, however large the round.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, sync_channel};

use anyhow::Context as _;
use verbatim_coder::IndexBuilder;
use verbatim_ingest::Ingested;
use verbatim_model::{Quote, QuoteTable, SourceEntry};

use super::StatePaths;
use super::quote_file::{WrittenQuotes, write_quotes};
use crate::config::Context;
use crate::ingest_cmd::{SourceReader, read_in_batches};
use crate::sources::SourceFile;

/// Batches waiting for each consumer.
const QUEUED: usize = 2;

/// A batch of sources read: (file number, what reading it gave), in file order.
type Batch = Arc<Vec<(usize, Ingested)>>;

/// What to read and where the results go.
pub(super) struct Plan<'a> {
    pub files: &'a [SourceFile],
    /// Document ids, for quote ids.
    pub ids: &'a [String],
    /// Per file, the old table's entry when the file is carried over; the others are read.
    pub reused: &'a [Option<&'a SourceEntry>],
    /// Per file, the serial number of its documents in the index.
    pub serials: &'a [u64],
    pub old: Option<&'a QuoteTable>,
}

/// What streaming the new sources left.
pub(super) struct Streamed {
    /// The project's index, with every new document added (not yet committed).
    pub index: IndexBuilder,
    /// On an incremental run, an index of the new quotes alone, numbered by their order
    /// among the new sources, for coding them.
    pub fresh_index: Option<IndexBuilder>,
    pub written: WrittenQuotes,
    /// Per file read, the names it asked the roster about.
    pub queries: BTreeMap<usize, Option<Vec<String>>>,
}

/// Reads the files `plan` does not carry over into the index builders and the quote file.
/// Every unreadable source is named in the error; then the quote file is left as it was
/// and nothing is committed to the index.
pub(super) fn read_sources(
    context: &Context,
    reader: &SourceReader,
    paths: &StatePaths,
    plan: &Plan<'_>,
    index: IndexBuilder,
    fresh_index: Option<IndexBuilder>,
) -> anyhow::Result<Streamed> {
    let to_read: Vec<usize> = (0..plan.files.len())
        .filter(|&i| plan.reused[i].is_none())
        .collect();
    let mut queries = BTreeMap::new();
    let (read, indexed, written) = std::thread::scope(|scope| {
        let (index_queue, index_batches) = sync_channel::<Batch>(QUEUED);
        let (write_queue, write_batches) = sync_channel::<Batch>(QUEUED);
        let indexer =
            scope.spawn(move || index_all(index_batches, index, fresh_index, plan.serials));
        let writer = scope.spawn(move || {
            write_quotes(paths, plan.old, plan.reused, &mut Feed::new(write_batches))
        });
        let read = read_in_batches(
            context,
            reader,
            plan.files,
            plan.ids,
            &to_read,
            "reading and indexing",
            |mut batch| {
                for (i, ingested) in &mut batch {
                    let asked = ingested.roster_queries.take();
                    queries.insert(*i, asked.map(|names| names.into_iter().collect()));
                }
                // A consumer that stopped has its own error to tell.
                let batch = Arc::new(batch);
                Ok(index_queue.send(Arc::clone(&batch)).is_ok() && write_queue.send(batch).is_ok())
            },
        );
        drop((index_queue, write_queue));
        let indexed = indexer
            .join()
            .unwrap_or_else(|_| Err(anyhow::anyhow!("indexing the new quotes failed")));
        let written = writer
            .join()
            .unwrap_or_else(|_| Err(anyhow::anyhow!("writing the quote file failed")));
        (read, indexed, written)
    });
    read?;
    let (index, fresh_index) = indexed?;
    Ok(Streamed {
        index,
        fresh_index,
        written: written?,
        queries,
    })
}

/// Adds every batch's quotes to the index, and to the index of new quotes if there is one.
fn index_all(
    batches: Receiver<Batch>,
    index: IndexBuilder,
    fresh_index: Option<IndexBuilder>,
    serials: &[u64],
) -> anyhow::Result<(IndexBuilder, Option<IndexBuilder>)> {
    let mut fresh_sources = 0u64;
    for batch in batches {
        for (i, ingested) in batch.iter() {
            index
                .add(serials[*i], &ingested.quotes)
                .context("cannot index the new quotes")?;
            if let Some(fresh_index) = &fresh_index {
                fresh_index.add(fresh_sources, &ingested.quotes)?;
            }
            fresh_sources += 1;
        }
    }
    Ok((index, fresh_index))
}

/// The new sources as the quote file writer takes them, one at a time in file order.
pub(super) struct Feed {
    batches: Receiver<Batch>,
    batch: Batch,
    next: usize,
}

/// One new source's quotes, from a batch of a [`Feed`].
pub(super) struct FreshSource {
    batch: Batch,
    at: usize,
}

impl FreshSource {
    pub(super) fn quotes(&self) -> &[Quote] {
        &self.batch[self.at].1.quotes
    }
}

impl Feed {
    fn new(batches: Receiver<Batch>) -> Self {
        Feed {
            batches,
            batch: Arc::new(Vec::new()),
            next: 0,
        }
    }

    /// The next new source, which must be file number `file`.
    pub(super) fn next(&mut self, file: usize) -> std::io::Result<FreshSource> {
        while self.next == self.batch.len() {
            self.batch = self
                .batches
                .recv()
                .map_err(|_| std::io::Error::other("reading the sources stopped"))?;
            self.next = 0;
        }
        let at = self.next;
        self.next += 1;
        if self.batch[at].0 != file {
            return Err(std::io::Error::other("sources arrived out of order"));
        }
        Ok(FreshSource {
            batch: Arc::clone(&self.batch),
            at,
        })
    }
}
