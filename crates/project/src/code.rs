//! Coding: a project's quotes with their codes, from its state brought up to date, or
//! files coded in memory (nothing written).

use std::path::PathBuf;

use rayon::prelude::*;
use verbatim_coder::{Coder, Meaning, QuoteIndex};
use verbatim_model::{
    Codebook, CodedQuote, Coding, Origin, Quote, codes_by_quote, merge_codes, read_jsonl,
    sort_codes,
};

use crate::codebook::load_codebook;
use crate::config::Project;
use crate::embeddings::{VectorCache, embed_for_coding, load_model};
use crate::error::Result;
use crate::observer::Observer;
use crate::read::{ReadOptions, read_all};
use crate::state::{Refreshed, StatePaths, refresh};

/// Quotes with their codes, and every coding as stored (manual ones as written, then
/// automatic ones).
pub struct Coded {
    /// The codebook coded with.
    pub codebook: Codebook,
    /// Each quote with its codes, best first (manual ones first).
    pub quotes: Vec<CodedQuote>,
    /// Every coding.
    pub codings: Vec<Coding>,
}

impl Coded {
    /// The quotes alone, taken out.
    pub fn into_quotes(self) -> (Codebook, Vec<Quote>, Vec<Coding>) {
        let quotes = self.quotes.into_iter().map(|c| c.quote).collect();
        (self.codebook, quotes, self.codings)
    }
}

/// What to code: the project's own sources (its state refreshed), or files.
#[derive(Debug, Clone, Default)]
pub struct CodeRequest {
    /// Files or folders; empty: the project's sources.
    pub paths: Vec<PathBuf>,
    /// A codebook other than the project's.
    pub codebook: Option<PathBuf>,
    /// How to read files given by path (a project's own sources read as it configures).
    pub read: ReadOptions,
    /// The sentence model for files given by path (a name or `none`; unset: the installed
    /// one). A project's own sources code with its configured `model`.
    pub model: Option<String>,
}

/// The quotes of `request` with their codes. A project's own sources (no paths) come from
/// its state, brought up to date (reading only what changed, coding with the codebook
/// asked for); files given by path are read and coded in memory and nothing is written.
pub fn code(
    project: Option<&Project>,
    request: &CodeRequest,
    observer: &dyn Observer,
) -> Result<Coded> {
    match project {
        Some(project) if request.paths.is_empty() => {
            let refreshed = refresh(project, request.codebook.as_deref(), observer)?;
            load_coded(project, refreshed)
        }
        _ => code_files(project, request, observer),
    }
}

/// The project's quotes and codings files as refreshed; each code's evidence in the quote's
/// own words (the codings keep the codebook's terms).
pub fn load_coded(project: &Project, refreshed: Refreshed) -> Result<Coded> {
    let paths = StatePaths::of(project);
    let quotes: Vec<Quote> = read_jsonl(&paths.quotes)?;
    let codings: Vec<Coding> = read_jsonl(&paths.codings)?;
    let mut by_quote = codes_by_quote(&codings);
    let coder = Coder::new(&refreshed.codebook)?;
    let mut coded_quotes: Vec<CodedQuote> = quotes
        .into_iter()
        .map(|quote| {
            let mut codes = by_quote.remove(quote.id.as_str()).unwrap_or_default();
            sort_codes(&mut codes);
            CodedQuote { quote, codes }
        })
        .collect();
    coded_quotes
        .par_iter_mut()
        .for_each(|c| coder.show_quote_words(&mut c.codes, &c.quote.text));
    Ok(Coded {
        codebook: refreshed.codebook,
        quotes: coded_quotes,
        codings,
    })
}

/// Reads and codes files in memory, against an index of their own quotes.
fn code_files(
    project: Option<&Project>,
    request: &CodeRequest,
    observer: &dyn Observer,
) -> Result<Coded> {
    let (codebook, _) = load_codebook(project, request.codebook.as_deref())?;
    let coder = Coder::new(&codebook)?;
    let quotes = read_all(project, &request.paths, &request.read, observer)?.into_quotes();
    let index = QuoteIndex::in_memory(&quotes)?;
    let auto = match load_model(request.model.as_deref(), observer)? {
        Some(encoder) => {
            let mut cache = VectorCache::open(None, &encoder);
            let texts: Vec<&str> = quotes.iter().map(|q| q.text.as_str()).collect();
            let (themes, vectors) =
                embed_for_coding(&encoder, &mut cache, &codebook, &[], &texts, observer)?;
            let meaning = Meaning {
                themes: &themes,
                quotes: &vectors,
            };
            coder.rank(&index, Some(meaning))?
        }
        None => coder.code(&index)?,
    };
    let quotes: Vec<CodedQuote> = quotes
        .into_iter()
        .zip(auto)
        .map(|(quote, auto)| {
            let mut codes = merge_codes(None, auto);
            coder.show_quote_words(&mut codes, &quote.text);
            CodedQuote { quote, codes }
        })
        .collect();
    let codings = quotes
        .iter()
        .flat_map(|c| {
            c.codes
                .iter()
                .filter(|code| code.origin == Origin::Auto)
                .map(|code| code.to_coding(&c.quote.id))
        })
        .collect();
    Ok(Coded {
        codebook,
        quotes,
        codings,
    })
}

/// The quotes of a project as stored, ingesting the project first if it has none yet;
/// or, without a project or with paths, the files read now.
pub fn quotes_of(
    project: Option<&Project>,
    paths: &[PathBuf],
    read: &ReadOptions,
    observer: &dyn Observer,
) -> Result<Vec<Quote>> {
    match project {
        Some(project) if paths.is_empty() => {
            let stored = StatePaths::of(project).quotes;
            if stored.exists() {
                return read_jsonl(&stored).map_err(|error| {
                    crate::Error::from(error).within("reading the project's quotes")
                });
            }
            Ok(crate::state::ingest_project(project, read, true, observer)?.quotes)
        }
        _ => Ok(read_all(project, paths, read, observer)?.into_quotes()),
    }
}
