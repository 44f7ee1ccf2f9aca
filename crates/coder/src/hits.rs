//! A reader's search over the index: every matching row as a [`RowSet`] (for totals and
//! facets, without scoring), and the best few rows by BM25, found without scoring every
//! match: block-max pruning when all matches compete, and scoring only the survivors of
//! a filter otherwise. Ties rank by row, so the answer does not depend on how the index
//! happens to be split into segments.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use rayon::prelude::*;
use tantivy::query::{EnableScoring, Query, Weight};
use tantivy::{DocId, DocSet, Score, Searcher, SegmentReader, TERMINATED};
use verbatim_model::RowSet;

use crate::{CoderError, QuoteIndex};

/// What a search matched: the rows, and per segment the matching documents.
#[derive(Debug, Clone)]
pub struct Matches {
    /// The rows matched.
    pub rows: RowSet,
    /// Per segment (searcher order), the documents matched, ascending.
    docs: Vec<Vec<DocId>>,
}

/// A candidate for the best rows; `Ord` puts the worse candidate first, so a max-heap
/// keeps the worst of the best on top.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Candidate {
    score: Score,
    row: u32,
}

impl Eq for Candidate {}

impl Ord for Candidate {
    fn cmp(&self, other: &Self) -> Ordering {
        other
            .score
            .total_cmp(&self.score)
            .then(self.row.cmp(&other.row))
    }
}

impl PartialOrd for Candidate {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// The `limit` best candidates seen so far.
struct Best {
    limit: usize,
    heap: BinaryHeap<Candidate>,
}

impl Best {
    fn new(limit: usize) -> Self {
        Best {
            limit,
            heap: BinaryHeap::with_capacity(limit + 1),
        }
    }

    fn offer(&mut self, score: Score, row: u32) {
        let candidate = Candidate { score, row };
        if self.heap.len() < self.limit {
            self.heap.push(candidate);
        } else if self.heap.peek().is_some_and(|worst| candidate < *worst) {
            self.heap.pop();
            self.heap.push(candidate);
        }
    }

    /// Scores at or below this cannot enter; just under the worst kept score, so that a
    /// tie can still win on its row.
    fn threshold(&self) -> Score {
        match self.heap.peek() {
            Some(worst) if self.heap.len() == self.limit => worst.score.next_down(),
            _ => Score::NEG_INFINITY,
        }
    }

    fn into_sorted(self) -> Vec<(f32, usize)> {
        self.heap
            .into_sorted_vec()
            .into_iter()
            .map(|c| (c.score, c.row as usize))
            .collect()
    }
}

impl QuoteIndex {
    /// Every row matching `query` (no scoring), one segment after the other: for callers
    /// that already run many queries in parallel, like the coder.
    pub fn matching(&self, query: &dyn Query) -> Result<RowSet, CoderError> {
        let searcher = self.searcher();
        let doc_rows = self.doc_rows(&searcher)?;
        let weight = query.weight(EnableScoring::disabled_from_searcher(&searcher))?;
        let mut rows = RowSet::new(self.quote_count());
        for (reader, row_of) in searcher.segment_readers().iter().zip(doc_rows) {
            each_match(weight.as_ref(), reader, row_of, |_, row| rows.insert(row))?;
        }
        Ok(rows)
    }

    /// Every row matching `query` (no scoring). Segments are searched in parallel.
    pub fn matches(&self, query: &dyn Query) -> Result<Matches, CoderError> {
        let searcher = self.searcher();
        let doc_rows = self.doc_rows(&searcher)?;
        let weight = query.weight(EnableScoring::disabled_from_searcher(&searcher))?;
        let rows = self.quote_count();
        let per_segment = searcher
            .segment_readers()
            .par_iter()
            .zip(doc_rows)
            .map(|(reader, row_of)| {
                let mut matched = RowSet::new(rows);
                let mut found = Vec::new();
                each_match(weight.as_ref(), reader, row_of, |doc, row| {
                    matched.insert(row);
                    found.push(doc);
                })?;
                Ok((matched, found))
            })
            .collect::<Result<Vec<_>, CoderError>>()?;
        let mut matches = Matches {
            rows: RowSet::new(rows),
            docs: Vec::with_capacity(per_segment.len()),
        };
        for (matched, found) in per_segment {
            matches.rows.union_with(&matched);
            matches.docs.push(found);
        }
        Ok(matches)
    }

    /// The `limit` best rows for `query` by BM25 score, best first, ties by row. With
    /// `among` (what [`QuoteIndex::matches`] found for this query, and the rows a filter
    /// keeps), only those rows compete. Segments are searched in parallel.
    pub fn best(
        &self,
        query: &dyn Query,
        limit: usize,
        among: Option<(&Matches, &RowSet)>,
    ) -> Result<Vec<(f32, usize)>, CoderError> {
        if limit == 0 {
            return Ok(Vec::new());
        }
        let searcher = self.searcher();
        let doc_rows = self.doc_rows(&searcher)?;
        let statistics = self.statistics(&searcher)?;
        let weight = query.weight(EnableScoring::enabled_from_statistics_provider(
            &statistics,
            &searcher,
        ))?;
        let per_segment = searcher
            .segment_readers()
            .par_iter()
            .zip(doc_rows)
            .enumerate()
            .map(|(segment, (reader, row_of))| {
                let mut best = Best::new(limit);
                match among {
                    None => {
                        let alive = reader.alive_bitset();
                        weight.for_each_pruning(
                            Score::NEG_INFINITY,
                            reader,
                            &mut |doc, score| {
                                let row = row_of[doc as usize];
                                if row != u32::MAX && alive.is_none_or(|a| a.is_alive(doc)) {
                                    best.offer(score, row);
                                }
                                best.threshold()
                            },
                        )?;
                    }
                    Some((matches, kept)) => {
                        let mut wanted = matches.docs[segment]
                            .iter()
                            .copied()
                            .filter(|&doc| kept.contains(row_of[doc as usize] as usize))
                            .peekable();
                        if wanted.peek().is_none() {
                            return Ok(best);
                        }
                        let mut scorer = weight.scorer(reader, 1.0)?;
                        for doc in wanted {
                            if scorer.doc() < doc {
                                scorer.seek(doc);
                            }
                            match scorer.doc() {
                                TERMINATED => break,
                                at if at == doc => best.offer(scorer.score(), row_of[doc as usize]),
                                _ => {}
                            }
                        }
                    }
                }
                Ok(best)
            })
            .collect::<Result<Vec<_>, CoderError>>()?;
        let mut best = Best::new(limit);
        for segment in per_segment {
            for candidate in segment.heap {
                best.offer(candidate.score, candidate.row);
            }
        }
        Ok(best.into_sorted())
    }

    fn searcher(&self) -> Searcher {
        self.reader().searcher()
    }
}

/// Calls `found` with each live document of a segment matching `weight` that is a
/// quote of the current layout, and its row.
fn each_match(
    weight: &dyn Weight,
    reader: &SegmentReader,
    row_of: &[u32],
    mut found: impl FnMut(DocId, usize),
) -> Result<(), CoderError> {
    let alive = reader.alive_bitset();
    weight.for_each_no_score(reader, &mut |block| {
        for &doc in block {
            let row = row_of[doc as usize];
            if row != u32::MAX && alive.is_none_or(|a| a.is_alive(doc)) {
                found(doc, row as usize);
            }
        }
    })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use verbatim_model::Quote;

    fn index() -> QuoteIndex {
        let texts = [
            "the staff are tired",
            "tired tired tired staff",
            "budget cuts again",
            "tired of the budget",
            "staff morale is fine",
            "tired",
            "tired and the budget is thin and the staff are tired",
        ];
        let quotes: Vec<Quote> = texts
            .iter()
            .enumerate()
            .map(|(i, t)| Quote::new(format!("a:{i}"), "a.txt", *t))
            .collect();
        QuoteIndex::in_memory(&quotes).expect("index")
    }

    /// Every match scored and sorted: what `best` must agree with.
    fn ranked_by_scoring_all(index: &QuoteIndex, text: &str, kept: &RowSet) -> Vec<(f32, usize)> {
        let query = index.parse_search(text).expect("query");
        let mut all: Vec<(f32, usize)> = index
            .scored(query.as_ref())
            .expect("scored")
            .into_iter()
            .filter(|&(_, row)| kept.contains(row))
            .collect();
        all.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        all
    }

    #[test]
    fn best_rows_agree_with_scoring_every_match() {
        let index = index();
        for text in [
            "tired",
            "tired OR budget",
            "staff tired",
            "\"the staff\"",
            "nothing",
        ] {
            let query = index.parse_search(text).expect("query");
            let matches = index.matches(query.as_ref()).expect("matches");
            let all = RowSet::full(index.quote_count());
            let expected = ranked_by_scoring_all(&index, text, &all);
            assert_eq!(matches.rows.count(), expected.len(), "{text}");
            for limit in 0..=expected.len() + 1 {
                let want: Vec<_> = expected.iter().copied().take(limit).collect();
                let got = index.best(query.as_ref(), limit, None).expect("best");
                assert_eq!(got, want, "{text} limit {limit}");
            }
            let kept = RowSet::from_rows(index.quote_count(), [1, 3, 6]);
            let expected = ranked_by_scoring_all(&index, text, &kept);
            let got = index
                .best(query.as_ref(), 2, Some((&matches, &kept)))
                .expect("best among");
            assert_eq!(
                got,
                expected.into_iter().take(2).collect::<Vec<_>>(),
                "{text}"
            );
        }
    }
}
