//! BM25 statistics that depend on the quotes in the index, not on how it came to hold them.
//!
//! Tantivy counts a field's tokens exactly when a segment is written, but estimates them
//! (from the one-byte length codes of the documents still alive) when it merges a segment
//! that had deletions. An index updated in place and one rebuilt from the same sources
//! would then average lengths differently and score every search a little differently.
//! Here every segment's total is taken the same way, from the length codes of its live
//! documents, so equal quotes give equal scores whatever the history. Deleted documents
//! never linger in document frequencies: an update merges them away (see
//! [`crate::index::IndexBuilder::finish`]).

use std::collections::HashMap;

use tantivy::fieldnorm::FieldNormReader;
use tantivy::query::Bm25StatisticsProvider;
use tantivy::schema::Field;
use tantivy::{Searcher, Term};

/// Token totals per field, from the live documents' length codes.
#[derive(Debug, Default)]
pub(crate) struct TokenTotals(HashMap<Field, u64>);

impl TokenTotals {
    /// Totals of `fields` over the live documents of `searcher`.
    pub(crate) fn of(searcher: &Searcher, fields: &[Field]) -> tantivy::Result<Self> {
        let mut totals = HashMap::new();
        for &field in fields {
            let mut total = 0u64;
            for reader in searcher.segment_readers() {
                let Some(norms) = reader.fieldnorms_readers().get_field(field)? else {
                    continue;
                };
                let mut count = [0u64; 256];
                for doc in reader.doc_ids_alive() {
                    count[usize::from(norms.fieldnorm_id(doc))] += 1;
                }
                total += count
                    .iter()
                    .enumerate()
                    .map(|(id, n)| n * u64::from(FieldNormReader::id_to_fieldnorm(id as u8)))
                    .sum::<u64>();
            }
            totals.insert(field, total);
        }
        Ok(TokenTotals(totals))
    }
}

/// A searcher's statistics with history-free token totals.
pub(crate) struct Statistics<'s> {
    pub(crate) searcher: &'s Searcher,
    pub(crate) totals: &'s TokenTotals,
}

impl Bm25StatisticsProvider for Statistics<'_> {
    fn total_num_tokens(&self, field: Field) -> tantivy::Result<u64> {
        match self.totals.0.get(&field) {
            Some(total) => Ok(*total),
            None => self.searcher.total_num_tokens(field),
        }
    }

    fn total_num_docs(&self) -> tantivy::Result<u64> {
        Ok(self.searcher.num_docs())
    }

    fn doc_freq(&self, term: &Term) -> tantivy::Result<u64> {
        self.searcher.doc_freq(term)
    }
}
