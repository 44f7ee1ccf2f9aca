//! Batches of sources read, as the quote file writer takes them: one source at a time, in
//! file order, each shared with the indexer without a copy.

use std::sync::Arc;
use std::sync::mpsc::Receiver;

use verbatim_ingest::Ingested;
use verbatim_model::Quote;

/// A batch of sources read: (file number, what reading it gave), in file order.
pub(crate) type Batch = Arc<Vec<(usize, Ingested)>>;

/// The new sources, one at a time in file order.
pub(crate) struct Feed {
    batches: Receiver<Batch>,
    batch: Batch,
    next: usize,
}

/// One new source's quotes, from a batch of a [`Feed`].
pub(crate) struct FreshSource {
    batch: Batch,
    at: usize,
}

impl FreshSource {
    pub(crate) fn quotes(&self) -> &[Quote] {
        &self.batch[self.at].1.quotes
    }
}

impl Feed {
    pub(crate) fn new(batches: Receiver<Batch>) -> Self {
        Feed {
            batches,
            batch: Arc::new(Vec::new()),
            next: 0,
        }
    }

    /// The next new source, which must be file number `file`.
    pub(crate) fn next(&mut self, file: usize) -> std::io::Result<FreshSource> {
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
