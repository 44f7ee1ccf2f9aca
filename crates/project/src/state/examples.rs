//! A researcher's manual codings as examples: each manually coded quote becomes an example
//! of its theme, pulling similar new quotes toward it by words and, with a model, by
//! meaning.
//!
//! With examples, a quote's automatic codes depend on the manual codings as well as on
//! its own source. So that incremental runs stay identical to rebuilds, the manual
//! codings are part of the shared inputs (a change to them recodes everything), and a
//! run that would re-read or drop a source holding a manually coded quote rebuilds
//! instead: the examples' texts then always come from sources read the same way.

use std::collections::{BTreeMap, BTreeSet};

use verbatim_coder::TextExample;
use verbatim_model::{Codebook, Coding, QuoteTable};

use super::paths::StatePaths;
use super::plan::Plan;
use super::quote_file::QuoteLines;
use crate::error::Result;

/// A digest of the manual codings that can serve as examples (quote and theme of each).
pub(crate) fn examples_digest(manual: &[Coding]) -> String {
    let pairs: BTreeSet<(&str, &str)> = manual
        .iter()
        .map(|c| (c.quote.as_str(), c.theme.as_str()))
        .collect();
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for (quote, theme) in pairs {
        for byte in quote
            .bytes()
            .chain([0xff])
            .chain(theme.bytes())
            .chain([0xfe])
        {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}

/// The documents (quote id prefixes) holding manually coded quotes.
fn coded_documents(manual: &[Coding]) -> BTreeSet<&str> {
    manual
        .iter()
        .filter_map(|c| c.quote.rsplit_once(':').map(|(document, _)| document))
        .collect()
}

/// Whether `plan` would re-read or drop a source holding a manually coded quote.
pub(crate) fn touches_examples(plan: &Plan<'_>, manual: &[Coding]) -> bool {
    let Some(old) = plan.old else {
        return false;
    };
    let documents = coded_documents(manual);
    let kept: BTreeSet<&str> = plan
        .reused
        .iter()
        .flatten()
        .map(|s| s.document.as_str())
        .collect();
    old.sources
        .iter()
        .any(|s| documents.contains(s.document.as_str()) && !kept.contains(s.document.as_str()))
}

/// The examples whose quotes sit in sources the plan carries over, read from the quote
/// file as it is before this run writes it.
pub(crate) fn kept_examples(
    paths: &StatePaths,
    old: &QuoteTable,
    codebook: &Codebook,
    manual: &[Coding],
) -> Result<Vec<TextExample>> {
    let documents = coded_documents(manual);
    let wanted: BTreeMap<&str, Vec<&str>> = by_quote(manual);
    let lines = QuoteLines::open(&paths.quotes)?;
    let mut texts: BTreeMap<String, String> = BTreeMap::new();
    for source in old
        .sources
        .iter()
        .filter(|s| documents.contains(s.document.as_str()))
    {
        let first = source.first_row as usize;
        for row in first..first + source.rows as usize {
            let quote = lines.quote(old, row)?;
            if wanted.contains_key(quote.id.as_str()) {
                texts.insert(quote.id, quote.text);
            }
        }
    }
    Ok(examples(codebook, manual, |id| texts.get(id).cloned()))
}

/// The examples among quotes just read (`texts` by quote id, as streaming kept them).
pub(crate) fn fresh_examples(
    codebook: &Codebook,
    manual: &[Coding],
    texts: &BTreeMap<String, String>,
) -> Vec<TextExample> {
    examples(codebook, manual, |id| texts.get(id).cloned())
}

/// The ids of the manually coded quotes, whose texts streaming keeps.
pub(crate) fn coded_quote_ids(manual: &[Coding]) -> BTreeSet<String> {
    manual.iter().map(|c| c.quote.clone()).collect()
}

fn by_quote(manual: &[Coding]) -> BTreeMap<&str, Vec<&str>> {
    let mut wanted: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for coding in manual {
        wanted
            .entry(coding.quote.as_str())
            .or_default()
            .push(coding.theme.as_str());
    }
    wanted
}

/// One example per manual coding whose quote has a text and whose theme is in the
/// codebook, in a stable order (theme, then quote).
fn examples(
    codebook: &Codebook,
    manual: &[Coding],
    text_of: impl Fn(&str) -> Option<String>,
) -> Vec<TextExample> {
    let mut out: BTreeSet<(usize, String)> = BTreeSet::new();
    for coding in manual {
        if let Some(t) = codebook.themes.iter().position(|t| t.id == coding.theme) {
            out.insert((t, coding.quote.clone()));
        }
    }
    out.into_iter()
        .filter_map(|(t, quote)| {
            text_of(&quote).map(|text| TextExample {
                theme: t,
                label: format!("coded quote {quote}"),
                text,
            })
        })
        .collect()
}
