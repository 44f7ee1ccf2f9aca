//! A tantivy index over quotes: stemmed `text` and `context`, and each quote's place in
//! the quote list as a fast field. Attributes are not indexed: filters and facet counts
//! come from the project's quote table, and tokenising eight more values per quote was a
//! fifth of indexing a large round.
//!
//! The index is derived data. A project keeps it in `.verbatim/index`; one-off runs build
//! it in memory. Documents are keyed by their source's serial number and their position
//! in the source, not by their row in the quote list, so that adding, changing or removing
//! one source touches only that source's documents.

use std::path::Path;
use std::sync::OnceLock;

use tantivy::collector::TopDocs;
use tantivy::columnar::Column;
use tantivy::query::{Query, QueryParser};
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::{Index, IndexReader, ReloadPolicy, TantivyDocument, Term};
use verbatim_model::Quote;

use crate::CoderError;
use crate::analyzer::{ANALYZER, EXACT_ANALYZER, register};
use crate::statistics::{Statistics, TokenTotals};

/// How many bits of a document key hold the quote's position within its source.
const POSITION_BITS: u32 = 32;

/// A source's quotes as the index holds them: a serial number that names the source's
/// documents for as long as they stay in the index, and the row of its first quote in the
/// project's quote list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Part {
    /// Never reused within one index while the source's documents are in it.
    pub serial: u64,
    /// Row of the source's first quote.
    pub first_row: u32,
}

/// The fields of the quote index.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    /// `serial << 32 | position within the source`: stable while the source is unchanged,
    /// so rows can move without rewriting documents.
    pub key: Field,
    /// The source's serial, for deleting its documents.
    pub serial: Field,
    /// The quote's words, stemmed.
    pub text: Field,
    /// The question or lead-in before the quote, stemmed.
    pub context: Field,
    /// The quote's words as written (lower case, ASCII), for rules asking for exact forms.
    pub text_exact: Field,
    /// The question's words as written.
    pub context_exact: Field,
}

/// A searchable index over a list of quotes.
pub struct QuoteIndex {
    index: Index,
    reader: IndexReader,
    fields: Fields,
    /// First row per serial (`u32::MAX`: no such source).
    first_rows: Vec<u32>,
    quotes: usize,
    /// Per segment of the reader's searcher, the row of each document (`u32::MAX`: not a
    /// quote of the current layout), computed on first use.
    doc_rows: OnceLock<Vec<Vec<u32>>>,
    /// Token totals of the text fields for BM25, computed on first use.
    token_totals: OnceLock<TokenTotals>,
}

fn schema() -> Schema {
    let mut builder = Schema::builder();
    let stemmed = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(ANALYZER)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    builder.add_u64_field("key", FAST);
    builder.add_u64_field("serial", INDEXED);
    let exact = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(EXACT_ANALYZER)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    builder.add_text_field("text", stemmed.clone());
    builder.add_text_field("context", stemmed);
    builder.add_text_field("text_exact", exact.clone());
    builder.add_text_field("context_exact", exact);
    builder.build()
}

/// Most memory per indexing thread: a segment of about a quarter of a million quotes.
const WRITER_MEMORY: usize = 120_000_000;

/// Least memory per indexing thread that tantivy accepts.
const WRITER_MEMORY_MIN: usize = 15_000_000;

/// Below this much text, one indexing thread does the job: a second one costs more to
/// start than it saves.
const ONE_THREAD_BYTES: u64 = 4_000_000;

/// Indexing threads and memory for about `text_bytes` of text to add: a small round gets
/// a small writer, whose memory is cheaper to set up, and large ones every core (up to
/// four).
fn writer_size(text_bytes: u64, threads: usize) -> (usize, usize) {
    let threads = if text_bytes < ONE_THREAD_BYTES {
        1
    } else {
        threads.clamp(1, 4)
    };
    // The writer holds about as many bytes as the text it has taken in.
    let per_thread = usize::try_from(text_bytes / threads as u64)
        .unwrap_or(usize::MAX)
        .saturating_mul(2)
        .clamp(WRITER_MEMORY_MIN, WRITER_MEMORY);
    (threads, per_thread)
}

fn writer(
    index: &Index,
    text_bytes: u64,
    threads: usize,
) -> Result<tantivy::IndexWriter<TantivyDocument>, CoderError> {
    let (threads, per_thread) = writer_size(text_bytes, threads);
    Ok(index.writer_with_num_threads::<TantivyDocument>(threads, threads * per_thread)?)
}

impl QuoteIndex {
    /// Builds an index in memory; rows are positions in `quotes`.
    pub fn in_memory(quotes: &[Quote]) -> Result<Self, CoderError> {
        let part = Part {
            serial: 0,
            first_row: 0,
        };
        let builder = IndexBuilder::in_memory(text_bytes(&[(part, quotes)]))?;
        builder.add(0, quotes)?;
        builder.finish(&[part], quotes.len())
    }

    /// Creates a new index in `dir` (replacing whatever is there) from sources' quotes.
    pub fn create(dir: &Path, parts: &[(Part, &[Quote])]) -> Result<Self, CoderError> {
        let builder = IndexBuilder::create(dir, text_bytes(parts))?;
        for (part, quotes) in parts {
            builder.add(part.serial, quotes)?;
        }
        let layout: Vec<Part> = parts.iter().map(|(p, _)| *p).collect();
        builder.finish(&layout, parts.iter().map(|(_, q)| q.len()).sum())
    }

    /// Opens the index in `dir` whose sources now sit at `layout` in a list of `quotes`
    /// rows.
    pub fn open(dir: &Path, layout: &[Part], quotes: usize) -> Result<Self, CoderError> {
        let index = Index::open_in_dir(dir)?;
        register(&index);
        Self::with_reader(index, layout, quotes)
    }

    /// Removes the documents of sources `removed` and adds `added`, then reopens with the
    /// new `layout` of `quotes` rows.
    pub fn update(
        self,
        removed: &[u64],
        added: &[(Part, &[Quote])],
        layout: &[Part],
        quotes: usize,
    ) -> Result<Self, CoderError> {
        let builder = IndexBuilder::updating(self, removed, text_bytes(added))?;
        for (part, quotes) in added {
            builder.add(part.serial, quotes)?;
        }
        builder.finish(layout, quotes)
    }

    fn with_reader(index: Index, layout: &[Part], quotes: usize) -> Result<Self, CoderError> {
        let fields = fields(&index.schema())?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        reader.reload()?;
        let size = layout
            .iter()
            .map(|p| p.serial as usize + 1)
            .max()
            .unwrap_or(0);
        let mut first_rows = vec![u32::MAX; size];
        for part in layout {
            first_rows[part.serial as usize] = part.first_row;
        }
        Ok(QuoteIndex {
            index,
            reader,
            fields,
            first_rows,
            quotes,
            doc_rows: OnceLock::new(),
            token_totals: OnceLock::new(),
        })
    }

    /// The row a document key stands for, if its source is in the layout.
    fn row(&self, key: u64) -> Option<usize> {
        let serial = usize::try_from(key >> POSITION_BITS).ok()?;
        let first = *self.first_rows.get(serial)?;
        let row = first.checked_add((key & u64::from(u32::MAX)) as u32)?;
        (first != u32::MAX && (row as usize) < self.quotes).then_some(row as usize)
    }

    pub(crate) fn reader(&self) -> &IndexReader {
        &self.reader
    }

    /// BM25 statistics of `searcher` (the reader's, which never reloads) that do not
    /// depend on the index's history; see [`crate::statistics`].
    pub(crate) fn statistics<'s>(
        &'s self,
        searcher: &'s tantivy::Searcher,
    ) -> Result<Statistics<'s>, CoderError> {
        let totals = match self.token_totals.get() {
            Some(totals) => totals,
            None => {
                let f = &self.fields;
                let fields = [f.text, f.context, f.text_exact, f.context_exact];
                let totals = TokenTotals::of(searcher, &fields)?;
                self.token_totals.get_or_init(|| totals)
            }
        };
        Ok(Statistics { searcher, totals })
    }

    /// Per segment of `searcher` (the reader's, which never reloads), each document's row.
    pub(crate) fn doc_rows(&self, searcher: &tantivy::Searcher) -> Result<&[Vec<u32>], CoderError> {
        if let Some(rows) = self.doc_rows.get() {
            return Ok(rows);
        }
        let columns = self.key_columns(searcher)?;
        Ok(self.doc_rows.get_or_init(|| {
            searcher
                .segment_readers()
                .iter()
                .zip(&columns)
                .map(|(segment, keys)| {
                    (0..segment.max_doc())
                        .map(|doc| {
                            keys.first(doc)
                                .and_then(|key| self.row(key))
                                .map_or(u32::MAX, |row| row as u32)
                        })
                        .collect()
                })
                .collect()
        }))
    }

    fn key_columns(&self, searcher: &tantivy::Searcher) -> Result<Vec<Column<u64>>, CoderError> {
        Ok(searcher
            .segment_readers()
            .iter()
            .map(|segment| segment.fast_fields().u64("key"))
            .collect::<Result<_, _>>()?)
    }

    /// The index's fields.
    pub fn fields(&self) -> Fields {
        self.fields
    }

    /// The underlying tantivy index.
    pub fn index(&self) -> &Index {
        &self.index
    }

    /// Number of quotes indexed.
    pub fn document_count(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Number of quotes the index was built from.
    pub fn quote_count(&self) -> usize {
        self.quotes
    }

    /// Quotes matching `query`, best first by BM25 relevance (ties by position), with
    /// their scores.
    pub fn ranked(&self, query: &dyn Query) -> Result<Vec<(f32, usize)>, CoderError> {
        let searcher = self.reader.searcher();
        let limit = usize::try_from(searcher.num_docs())
            .unwrap_or(usize::MAX)
            .max(1);
        let statistics = self.statistics(&searcher)?;
        let found = searcher.search_with_statistics_provider(
            query,
            &TopDocs::with_limit(limit).order_by_score(),
            &statistics,
        )?;
        let columns = self.key_columns(&searcher)?;
        let mut ranked: Vec<(f32, usize)> = found
            .into_iter()
            .filter_map(|(score, address)| {
                columns[address.segment_ord as usize]
                    .first(address.doc_id)
                    .and_then(|key| self.row(key))
                    .map(|row| (score, row))
            })
            .collect();
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        Ok(ranked)
    }

    /// Every quote matching `query` with its BM25 score, as (score, row), unordered:
    /// cheaper than [`QuoteIndex::ranked`] when the caller filters or keeps only a few.
    pub fn scored(&self, query: &dyn Query) -> Result<Vec<(f32, usize)>, CoderError> {
        let searcher = self.reader.searcher();
        let columns = self.key_columns(&searcher)?;
        let statistics = self.statistics(&searcher)?;
        let found = searcher.search_with_statistics_provider(query, &AllScored, &statistics)?;
        Ok(found
            .into_iter()
            .filter_map(|(segment, doc, score)| {
                columns[segment as usize]
                    .first(doc)
                    .and_then(|key| self.row(key))
                    .map(|row| (score, row))
            })
            .collect())
    }

    /// Parses a reader's search: words (stemmed), `"phrases"`, `AND`/`OR`/`NOT`, `-word`,
    /// `prefix*`, over the quotes' words.
    pub fn parse_search(&self, text: &str) -> Result<Box<dyn Query>, CoderError> {
        let mut parser = QueryParser::for_index(&self.index, vec![self.fields.text]);
        parser.set_conjunction_by_default();
        crate::query_depth::parse_bounded(&parser, text)
            .map_err(|message| crate::query_depth::query_error(text, message))
    }

    /// A term of the stemmed text or context field.
    pub fn term(&self, field: Field, stem: &str) -> Term {
        Term::from_field_text(field, stem)
    }
}

/// Adds sources' documents to an index a batch at a time, so that a caller can stream a
/// large round through it, then opens it for searching. Dropping a builder without
/// [`IndexBuilder::finish`] leaves a persistent index as it was before (nothing is
/// committed).
pub struct IndexBuilder {
    index: Index,
    writer: tantivy::IndexWriter<TantivyDocument>,
    schema: Schema,
}

impl IndexBuilder {
    /// A builder of an index in memory (one indexing thread) for about `text_bytes` of
    /// text.
    pub fn in_memory(text_bytes: u64) -> Result<Self, CoderError> {
        let index = Index::create_in_ram(schema());
        register(&index);
        let writer = writer(&index, text_bytes, 1)?;
        Ok(Self::with_writer(index, writer))
    }

    /// A builder of a new index in `dir`, replacing whatever is there, for about
    /// `text_bytes` of text.
    pub fn create(dir: &Path, text_bytes: u64) -> Result<Self, CoderError> {
        if dir.exists() {
            std::fs::remove_dir_all(dir)?;
        }
        std::fs::create_dir_all(dir)?;
        let index = Index::create_in_dir(dir, schema())?;
        register(&index);
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let writer = writer(&index, text_bytes, cores)?;
        Ok(Self::with_writer(index, writer))
    }

    /// A builder adding about `text_bytes` of text to `index` (one indexing thread: an
    /// update is small beside the whole), without the documents of sources `removed`.
    pub fn updating(
        index: QuoteIndex,
        removed: &[u64],
        text_bytes: u64,
    ) -> Result<Self, CoderError> {
        let serial = index.fields.serial;
        let index = index.index;
        let writer = writer(&index, text_bytes, 1)?;
        // Segments are merged by `finish` alone, so that it can purge removed documents
        // without racing a merge the policy started.
        writer.set_merge_policy(Box::new(tantivy::indexer::NoMergePolicy));
        for removed in removed {
            writer.delete_term(Term::from_field_u64(serial, *removed));
        }
        Ok(Self::with_writer(index, writer))
    }

    fn with_writer(index: Index, writer: tantivy::IndexWriter<TantivyDocument>) -> Self {
        let schema = index.schema();
        IndexBuilder {
            index,
            writer,
            schema,
        }
    }

    /// Why the builder stopped taking documents. Tantivy says only "an index writer was
    /// killed" when one of its threads failed; the thread's own error (a full disk, say)
    /// comes out when a commit is prepared, which joins the threads. The commit is never
    /// made.
    pub fn failure_cause(mut self) -> Option<CoderError> {
        match self.writer.prepare_commit() {
            Err(cause) => Some(cause.into()),
            Ok(prepared) => {
                let _ = prepared.abort();
                None
            }
        }
    }

    /// Adds the quotes of the source numbered `serial`, in source order.
    pub fn add(&self, serial: u64, quotes: &[Quote]) -> Result<(), CoderError> {
        add_documents(&self.writer, &self.schema, serial, quotes)
    }

    /// Commits what was added and opens the index with its sources at `layout` in a list
    /// of `quotes` rows.
    ///
    /// Segments that hold removed documents are merged, which drops them: BM25 counts a
    /// deleted document in a term's document frequency until it is merged away, so
    /// without this a search's scores would depend on the project's history (an update
    /// scoring otherwise than a rebuild of the same sources, a run killed mid-update
    /// otherwise than one that finished).
    pub fn finish(self, layout: &[Part], quotes: usize) -> Result<QuoteIndex, CoderError> {
        let IndexBuilder {
            index, mut writer, ..
        } = self;
        writer.commit()?;
        let with_deletes: Vec<tantivy::index::SegmentId> = index
            .searchable_segment_metas()?
            .iter()
            .filter(|meta| meta.has_deletes())
            .map(|meta| meta.id())
            .collect();
        if !with_deletes.is_empty() {
            writer.merge(&with_deletes).wait()?;
        }
        writer.wait_merging_threads()?;
        QuoteIndex::with_reader(index, layout, quotes)
    }
}

/// Bytes of text and context in sources' quotes.
fn text_bytes(parts: &[(Part, &[Quote])]) -> u64 {
    parts
        .iter()
        .flat_map(|(_, quotes)| quotes.iter())
        .map(|q| (q.text.len() + q.context.as_ref().map_or(0, String::len)) as u64)
        .sum()
}

fn add_documents(
    writer: &tantivy::IndexWriter<TantivyDocument>,
    schema: &Schema,
    serial: u64,
    quotes: &[Quote],
) -> Result<(), CoderError> {
    let fields = fields(schema)?;
    for (position, quote) in quotes.iter().enumerate() {
        let mut document = TantivyDocument::default();
        document.add_u64(fields.key, serial << POSITION_BITS | position as u64);
        document.add_u64(fields.serial, serial);
        document.add_text(fields.text, &quote.text);
        document.add_text(fields.text_exact, &quote.text);
        if let Some(context) = &quote.context {
            document.add_text(fields.context, context);
            document.add_text(fields.context_exact, context);
        }
        writer.add_document(document)?;
    }
    Ok(())
}

fn fields(schema: &Schema) -> Result<Fields, CoderError> {
    Ok(Fields {
        key: schema.get_field("key")?,
        serial: schema.get_field("serial")?,
        text: schema.get_field("text")?,
        context: schema.get_field("context")?,
        text_exact: schema.get_field("text_exact")?,
        context_exact: schema.get_field("context_exact")?,
    })
}

/// A quote's value for an attribute field.
pub fn attribute<'q>(quote: &'q Quote, name: &str) -> Option<&'q str> {
    match name {
        "speaker" => quote.speaker.as_deref(),
        "role" => quote.role.as_deref(),
        "organisation" => quote.organisation.as_deref(),
        "area" => quote.area.as_deref(),
        "sector" => quote.sector.as_deref(),
        "source" => Some(quote.source.as_str()),
        "round" => quote.round.as_deref(),
        other => quote.attributes.get(other).map(String::as_str),
    }
}

/// Collects every matching document with its score.
struct AllScored;

struct SegmentScored {
    segment: u32,
    found: Vec<(u32, u32, f32)>,
}

impl tantivy::collector::Collector for AllScored {
    type Fruit = Vec<(u32, u32, f32)>;
    type Child = SegmentScored;

    fn for_segment(
        &self,
        segment: tantivy::SegmentOrdinal,
        _reader: &tantivy::SegmentReader,
    ) -> tantivy::Result<SegmentScored> {
        Ok(SegmentScored {
            segment,
            found: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, fruits: Vec<Vec<(u32, u32, f32)>>) -> tantivy::Result<Self::Fruit> {
        Ok(fruits.into_iter().flatten().collect())
    }
}

impl tantivy::collector::SegmentCollector for SegmentScored {
    type Fruit = Vec<(u32, u32, f32)>;

    fn collect(&mut self, doc: tantivy::DocId, score: tantivy::Score) {
        self.found.push((self.segment, doc, score));
    }

    fn harvest(self) -> Self::Fruit {
        self.found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_rounds_get_one_small_writer_and_large_ones_every_core() {
        assert_eq!(writer_size(0, 2), (1, WRITER_MEMORY_MIN));
        assert_eq!(writer_size(550_000, 2), (1, WRITER_MEMORY_MIN));
        assert_eq!(writer_size(11_000_000, 2), (2, WRITER_MEMORY_MIN));
        assert_eq!(writer_size(100_000_000, 2), (2, 100_000_000));
        assert_eq!(writer_size(554_000_000, 2), (2, WRITER_MEMORY));
        assert_eq!(writer_size(554_000_000, 16), (4, WRITER_MEMORY));
        assert_eq!(writer_size(u64::MAX, 0), (1, WRITER_MEMORY));
    }

    #[test]
    fn an_index_built_in_batches_finds_every_source_at_its_rows() {
        let quote = |id: &str, text: &str| Quote::new(id, "s.txt", text);
        let builder = IndexBuilder::in_memory(100).expect("builder");
        builder
            .add(
                7,
                &[quote("a:1", "tired staff"), quote("a:2", "a new budget")],
            )
            .expect("first source");
        builder
            .add(3, &[quote("b:1", "the budget again")])
            .expect("second source");
        let layout = [
            Part {
                serial: 3,
                first_row: 0,
            },
            Part {
                serial: 7,
                first_row: 1,
            },
        ];
        let index = builder.finish(&layout, 3).expect("index");
        let query = index.parse_search("budget").expect("query");
        let mut rows: Vec<usize> = index
            .scored(query.as_ref())
            .expect("search")
            .into_iter()
            .map(|(_, row)| row)
            .collect();
        rows.sort_unstable();
        assert_eq!(rows, vec![0, 2]);
    }
}
