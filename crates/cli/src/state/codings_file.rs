//! `codings.jsonl`: manual codings first (as the researcher wrote them), then each
//! source's automatic codings; and how a quote's manual and automatic codes combine.

use std::collections::HashMap;
use std::fs::File;
use std::io::Read;
use std::path::Path;

use anyhow::Context as _;
use verbatim_model::{
    Code, Coding, Origin, QuoteTable, SourceEntry, read_jsonl, read_jsonl_str, write_atomic_file,
};

use super::StatePaths;
use super::sink::Sink;
use crate::code_cmd::AUTO_CODER;

/// Manual codings: from the start of the codings file when the old table says where they
/// end, else from the whole file.
pub fn manual_codings(path: &Path, old: Option<&QuoteTable>) -> anyhow::Result<Vec<Coding>> {
    if !path.exists() {
        return Ok(Vec::new());
    }
    let codings: Vec<Coding> = match old {
        Some(old) => {
            let mut bytes = vec![0; usize::try_from(old.manual_coding_bytes)?];
            File::open(path)
                .and_then(|mut f| f.read_exact(&mut bytes))
                .with_context(|| format!("{}: cannot read", path.display()))?;
            read_jsonl_str(&String::from_utf8(bytes)?, path)?
        }
        None => read_jsonl(path)?,
    };
    Ok(codings
        .into_iter()
        .filter(|c| c.origin == Origin::Manual)
        .collect())
}

/// Stored codings as each quote's codes, in file order.
pub fn codes_by_quote(codings: &[Coding]) -> HashMap<&str, Vec<Code>> {
    let mut by_quote: HashMap<&str, Vec<Code>> = HashMap::new();
    for coding in codings {
        by_quote
            .entry(coding.quote.as_str())
            .or_default()
            .push(coding.to_code());
    }
    by_quote
}

/// A quote's codes: manual ones as written, then automatic ones for other themes.
pub fn merge(manual: Option<&Vec<Code>>, auto: Vec<Code>) -> Vec<Code> {
    let mut codes: Vec<Code> = manual.cloned().unwrap_or_default();
    let manual_themes: Vec<String> = codes.iter().map(|m| m.theme.clone()).collect();
    codes.extend(
        auto.into_iter()
            .filter(|a| !manual_themes.contains(&a.theme)),
    );
    sort_codes(&mut codes);
    codes
}

/// Orders a quote's codes as every command shows them: manual first, then by score, then
/// by theme.
pub fn sort_codes(codes: &mut [Code]) {
    codes.sort_by(|a, b| {
        (b.origin == Origin::Manual)
            .cmp(&(a.origin == Origin::Manual))
            .then(b.score.total_cmp(&a.score))
            .then_with(|| a.theme.cmp(&b.theme))
    });
}

/// Writes `codings.jsonl`: manual codings, then each source's automatic codings (copied
/// for kept sources; for new ones from `fresh_ids` and `fresh_codes`, one per new row in
/// row order), and records in `table` where each source's codings are.
pub(super) fn write_codings(
    paths: &StatePaths,
    old: Option<&QuoteTable>,
    manual: &[Coding],
    reused: &[Option<&SourceEntry>],
    fresh_ids: &[String],
    fresh_codes: &[Vec<Code>],
    table: &mut QuoteTable,
) -> anyhow::Result<()> {
    let old_file = match old {
        Some(_) => Some(
            File::open(&paths.codings)
                .with_context(|| format!("{}: cannot read", paths.codings.display()))?,
        ),
        None => None,
    };
    let mut manual_bytes = 0;
    let mut ranges = Vec::with_capacity(reused.len());
    write_atomic_file(&paths.codings, |file| {
        let mut out = Sink::new(file, old_file.as_ref());
        for coding in manual {
            out.line(coding)?;
        }
        manual_bytes = out.position;
        let mut fresh = fresh_ids.iter().zip(fresh_codes);
        for (entry, source) in reused.iter().zip(&table.sources) {
            let start = out.position;
            match entry {
                Some(entry) => out.keep(entry.coding_bytes)?,
                None => {
                    for (id, codes) in fresh.by_ref().take(source.rows as usize) {
                        for code in codes.iter().filter(|c| c.origin == Origin::Auto) {
                            out.line(&Coding {
                                quote: id.clone(),
                                theme: code.theme.clone(),
                                score: Some(code.score),
                                origin: code.origin,
                                coder: Some(AUTO_CODER.to_string()),
                                evidence: code.evidence.clone(),
                            })?;
                        }
                    }
                }
            }
            ranges.push((start, out.position));
        }
        out.finish()
    })?;
    table.manual_coding_bytes = manual_bytes;
    for (entry, range) in table.sources.iter_mut().zip(ranges) {
        entry.coding_bytes = range;
    }
    Ok(())
}
