//! A tantivy index over quotes: stemmed `text` and `context`, attributes as exact-match
//! facets, and each quote's position in the quote list as a fast field.
//!
//! The index is derived data. A project keeps it in `.verbatim/index` next to a
//! fingerprint of the quotes it was built from, and rebuilds it when they change; one-off
//! runs build it in memory.

use std::collections::HashSet;
use std::path::Path;

use tantivy::collector::{DocSetCollector, TopDocs};
use tantivy::columnar::Column;
use tantivy::query::{Query, QueryParser};
use tantivy::schema::{
    FAST, Field, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::{Index, IndexReader, ReloadPolicy, TantivyDocument, Term};
use verbatim_model::Quote;

use crate::CoderError;
use crate::analyzer::{ANALYZER, register};

/// Attribute fields indexed for filtering and facet counts.
pub const ATTRIBUTE_FIELDS: [&str; 7] = [
    "speaker",
    "role",
    "organisation",
    "area",
    "sector",
    "source",
    "round",
];

const FINGERPRINT_FILE: &str = "quotes.fingerprint";

/// The fields of the quote index.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    /// Position of the quote in the list it was indexed from.
    pub ordinal: Field,
    /// Quote id.
    pub id: Field,
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
    quotes: usize,
}

fn schema() -> Schema {
    let mut builder = Schema::builder();
    let stemmed = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(ANALYZER)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    builder.add_u64_field("ordinal", FAST | STORED);
    builder.add_text_field("id", STRING | STORED);
    builder.add_text_field("text", stemmed.clone());
    builder.add_text_field("context", stemmed);
    for name in ATTRIBUTE_FIELDS {
        builder.add_text_field(name, STRING);
    }
    builder.build()
}

impl QuoteIndex {
    /// Builds an index in memory.
    pub fn in_memory(quotes: &[Quote]) -> Result<Self, CoderError> {
        let index = Index::create_in_ram(schema());
        Self::fill(index, quotes)
    }

    /// Opens the index stored in `dir` if it was built from exactly these quotes, or
    /// rebuilds it there.
    pub fn open_or_build(dir: &Path, quotes: &[Quote]) -> Result<Self, CoderError> {
        let fingerprint = fingerprint(quotes);
        let stored = std::fs::read_to_string(dir.join(FINGERPRINT_FILE)).unwrap_or_default();
        if stored.trim() == fingerprint
            && let Ok(index) = Index::open_in_dir(dir)
        {
            register(&index);
            let reader = index
                .reader_builder()
                .reload_policy(ReloadPolicy::Manual)
                .try_into()?;
            let fields = fields(&index.schema())?;
            let opened = QuoteIndex {
                index,
                reader,
                fields,
                quotes: quotes.len(),
            };
            if opened.document_count() == quotes.len() as u64 {
                return Ok(opened);
            }
        }
        if dir.exists() {
            std::fs::remove_dir_all(dir)?;
        }
        std::fs::create_dir_all(dir)?;
        let index = Index::create_in_dir(dir, schema())?;
        let built = Self::fill(index, quotes)?;
        std::fs::write(dir.join(FINGERPRINT_FILE), format!("{fingerprint}\n"))?;
        Ok(built)
    }

    fn fill(index: Index, quotes: &[Quote]) -> Result<Self, CoderError> {
        register(&index);
        let fields = fields(&index.schema())?;
        let schema = index.schema();
        let mut writer = index.writer_with_num_threads::<TantivyDocument>(1, 50_000_000)?;
        for (ordinal, quote) in quotes.iter().enumerate() {
            let mut document = TantivyDocument::default();
            document.add_u64(fields.ordinal, ordinal as u64);
            document.add_text(fields.id, &quote.id);
            document.add_text(fields.text, &quote.text);
            if let Some(context) = &quote.context {
                document.add_text(fields.context, context);
            }
            for name in ATTRIBUTE_FIELDS {
                let value = attribute(quote, name);
                if let (Some(value), Ok(field)) = (value, schema.get_field(name)) {
                    document.add_text(field, value);
                }
            }
            writer.add_document(document)?;
        }
        writer.commit()?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        reader.reload()?;
        Ok(QuoteIndex {
            index,
            reader,
            fields,
            quotes: quotes.len(),
        })
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

    /// Positions (in the indexed quote list) of the quotes matching `query`.
    pub fn matching(&self, query: &dyn Query) -> Result<HashSet<usize>, CoderError> {
        let searcher = self.reader.searcher();
        let found = searcher.search(query, &DocSetCollector)?;
        let columns: Vec<Column<u64>> = searcher
            .segment_readers()
            .iter()
            .map(|segment| segment.fast_fields().u64("ordinal"))
            .collect::<Result<_, _>>()?;
        Ok(found
            .into_iter()
            .filter_map(|address| columns[address.segment_ord as usize].first(address.doc_id))
            .map(|ordinal| ordinal as usize)
            .collect())
    }

    /// Quotes matching `query`, best first by BM25 relevance (ties by position), with
    /// their scores.
    pub fn ranked(&self, query: &dyn Query) -> Result<Vec<(f32, usize)>, CoderError> {
        let searcher = self.reader.searcher();
        let limit = usize::try_from(searcher.num_docs())
            .unwrap_or(usize::MAX)
            .max(1);
        let found = searcher.search(query, &TopDocs::with_limit(limit).order_by_score())?;
        let columns: Vec<Column<u64>> = searcher
            .segment_readers()
            .iter()
            .map(|segment| segment.fast_fields().u64("ordinal"))
            .collect::<Result<_, _>>()?;
        let mut ranked: Vec<(f32, usize)> = found
            .into_iter()
            .filter_map(|(score, address)| {
                columns[address.segment_ord as usize]
                    .first(address.doc_id)
                    .map(|o| (score, o as usize))
            })
            .collect();
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        Ok(ranked)
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

fn fields(schema: &Schema) -> Result<Fields, CoderError> {
    Ok(Fields {
        ordinal: schema.get_field("ordinal")?,
        id: schema.get_field("id")?,
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

/// FNV-1a over the quotes' serialised fields that the index holds.
fn fingerprint(quotes: &[Quote]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut feed = |bytes: &[u8]| {
        for byte in bytes.iter().chain(&[0xff]) {
            hash ^= u64::from(*byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    };
    for quote in quotes {
        feed(quote.id.as_bytes());
        feed(quote.text.as_bytes());
        feed(quote.context.as_deref().unwrap_or("").as_bytes());
        for name in ATTRIBUTE_FIELDS {
            feed(attribute(quote, name).unwrap_or("").as_bytes());
        }
    }
    format!("{}:{hash:016x}", quotes.len())
}
