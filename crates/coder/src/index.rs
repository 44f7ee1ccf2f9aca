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
use crate::analyzer::{ANALYZER, register};

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
    builder.add_text_field("text", stemmed.clone());
    builder.add_text_field("context", stemmed);
    builder.build()
}

/// Memory per indexing thread.
const WRITER_MEMORY: usize = 120_000_000;

impl QuoteIndex {
    /// Builds an index in memory; rows are positions in `quotes`.
    pub fn in_memory(quotes: &[Quote]) -> Result<Self, CoderError> {
        let builder = IndexBuilder::in_memory()?;
        builder.add(0, quotes)?;
        builder.finish(
            &[Part {
                serial: 0,
                first_row: 0,
            }],
            quotes.len(),
        )
    }

    /// Creates a new index in `dir` (replacing whatever is there) from sources' quotes.
    pub fn create(dir: &Path, parts: &[(Part, &[Quote])]) -> Result<Self, CoderError> {
        let builder = IndexBuilder::create(dir)?;
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
        let builder = IndexBuilder::updating(self, removed)?;
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
        let found = searcher.search(query, &TopDocs::with_limit(limit).order_by_score())?;
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
        let found = searcher.search(query, &AllScored)?;
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
        parser.parse_query(text).map_err(|e| CoderError::Query {
            theme: String::new(),
            rule: 0,
            query: text.to_string(),
            message: e.to_string(),
        })
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
    /// A builder of an index in memory (one indexing thread: such indexes are small).
    pub fn in_memory() -> Result<Self, CoderError> {
        let index = Index::create_in_ram(schema());
        register(&index);
        let writer = index.writer_with_num_threads::<TantivyDocument>(1, 50_000_000)?;
        Ok(Self::with_writer(index, writer))
    }

    /// A builder of a new index in `dir`, replacing whatever is there.
    pub fn create(dir: &Path) -> Result<Self, CoderError> {
        if dir.exists() {
            std::fs::remove_dir_all(dir)?;
        }
        std::fs::create_dir_all(dir)?;
        let index = Index::create_in_dir(dir, schema())?;
        register(&index);
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(4));
        let writer =
            index.writer_with_num_threads::<TantivyDocument>(threads, threads * WRITER_MEMORY)?;
        Ok(Self::with_writer(index, writer))
    }

    /// A builder adding to `index`, without the documents of sources `removed`.
    pub fn updating(index: QuoteIndex, removed: &[u64]) -> Result<Self, CoderError> {
        let serial = index.fields.serial;
        let index = index.index;
        let writer = index.writer_with_num_threads::<TantivyDocument>(1, WRITER_MEMORY)?;
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

    /// Adds the quotes of the source numbered `serial`, in source order.
    pub fn add(&self, serial: u64, quotes: &[Quote]) -> Result<(), CoderError> {
        add_documents(&self.writer, &self.schema, serial, quotes)
    }

    /// Commits what was added and opens the index with its sources at `layout` in a list
    /// of `quotes` rows.
    pub fn finish(self, layout: &[Part], quotes: usize) -> Result<QuoteIndex, CoderError> {
        let IndexBuilder {
            index, mut writer, ..
        } = self;
        writer.commit()?;
        writer.wait_merging_threads()?;
        QuoteIndex::with_reader(index, layout, quotes)
    }
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
        if let Some(context) = &quote.context {
            document.add_text(fields.context, context);
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
