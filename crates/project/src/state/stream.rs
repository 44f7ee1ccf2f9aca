//! Reading the new sources as a stream. Batches of sources are read in parallel and handed,
//! in file order, to two consumers at once: the index builders and the quote file writer.
//! Reading, indexing and writing overlap, and only the few batches in flight are held in
//! memory, however large the round.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, sync_channel};

use verbatim_coder::IndexBuilder;

use super::feed::{Batch, Feed};
use super::paths::StatePaths;
use super::plan::Plan;
use super::quote_file::{WrittenQuotes, write_quotes};
use crate::error::{Error, Result};
use crate::manual::place::{Named, QuoteSpan};
use crate::observer::Observer;
use crate::read::{SourceReader, read_in_batches};
use crate::sources::SourceFile;

/// Batches waiting for each consumer.
const QUEUED: usize = 2;

/// Where the new quotes are indexed.
pub(crate) struct Builders {
    /// The project's index.
    pub index: IndexBuilder,
    /// On an update, an index of the new quotes alone, numbered by their order among the
    /// new sources, for coding them.
    pub fresh: Option<IndexBuilder>,
    /// With a sentence model, the new quotes' texts in row order, for embedding.
    pub texts: Option<Vec<String>>,
    /// The sources and documents the researcher's decisions name.
    pub named: Named,
    /// The new quotes of those sources, in row order, to place the decisions on.
    pub named_quotes: Vec<QuoteSpan>,
}

/// What streaming the new sources left.
pub(crate) struct Streamed {
    /// The index builders, with every new document added (not yet committed).
    pub builders: Builders,
    pub written: WrittenQuotes,
    /// Per file read, the names it asked the roster about.
    pub queries: BTreeMap<usize, Option<Vec<String>>>,
}

/// Reads the files `plan` does not carry over into the index builders and the quote file.
/// Every unreadable source is named in the error; then the quote file is left as it was
/// and nothing is committed to the index.
pub(crate) fn read_sources(
    reader: &SourceReader,
    paths: &StatePaths,
    files: &[SourceFile],
    ids: &[String],
    plan: &Plan<'_>,
    builders: Builders,
    observer: &dyn Observer,
) -> Result<Streamed> {
    let to_read = plan.to_read();
    let mut queries = BTreeMap::new();
    let (read, indexed, written) = std::thread::scope(|scope| {
        let (index_queue, index_batches) = sync_channel::<Batch>(QUEUED);
        let (write_queue, write_batches) = sync_channel::<Batch>(QUEUED);
        let indexer = scope.spawn(move || index_all(index_batches, builders, &plan.serials));
        let writer = scope.spawn(move || write_quotes(paths, plan, &mut Feed::new(write_batches)));
        let read = read_in_batches(
            reader,
            files,
            ids,
            &to_read,
            "reading and indexing",
            observer,
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
            .unwrap_or_else(|_| Err(Error::Internal("indexing the new quotes failed".into())));
        let written = writer
            .join()
            .unwrap_or_else(|_| Err(Error::Internal("writing the quote file failed".into())));
        (read, indexed, written)
    });
    read?;
    Ok(Streamed {
        builders: indexed?,
        written: written?,
        queries,
    })
}

/// Adds every batch's quotes to the index, and to the index of new quotes if there is one.
fn index_all(
    batches: Receiver<Batch>,
    mut builders: Builders,
    serials: &[u64],
) -> Result<Builders> {
    let mut fresh_sources = 0u64;
    for batch in batches {
        for (i, ingested) in batch.iter() {
            if let Err(error) = builders.index.add(serials[*i], &ingested.quotes) {
                let cause = builders.index.failure_cause().unwrap_or(error);
                return Err(Error::from(cause).within("cannot index the new quotes"));
            }
            if let Some(fresh) = &builders.fresh {
                fresh.add(fresh_sources, &ingested.quotes)?;
            }
            if let Some(texts) = builders.texts.as_mut() {
                texts.extend(ingested.quotes.iter().map(|q| q.text.clone()));
            }
            for quote in &ingested.quotes {
                let document = quote.id.rsplit_once(':').map_or("", |(d, _)| d);
                if builders.named.holds(&quote.source, document) {
                    builders.named_quotes.push(QuoteSpan::of(quote.clone()));
                }
            }
            fresh_sources += 1;
        }
    }
    Ok(builders)
}
