//! `codings.jsonl`: manual codings first (as the researcher wrote them), then each
//! source's automatic codings.

use std::fs::File;
use std::io::Read;
use std::path::Path;

use verbatim_model::{
    Code, Coding, Origin, QuoteTable, SourceEntry, read_jsonl_str, write_atomic_file,
};

use super::paths::StatePaths;
use super::plan::Plan;
use super::sink::{Sink, append_in_place};
use crate::error::{Error, IoContext, Result};
use crate::observer::Observer;

/// The automatic and suggested codings of one source, as the last run wrote them (with
/// their evidence, which the quote table does not keep), read from its byte range of the
/// codings file.
pub fn source_codings(paths: &StatePaths, entry: &SourceEntry) -> Result<Vec<Coding>> {
    let (from, to) = entry.coding_bytes;
    let length = usize::try_from(to.saturating_sub(from))
        .map_err(|_| Error::Internal("a source's codings larger than memory".into()))?;
    let mut bytes = vec![0; length];
    let read = File::open(&paths.codings).and_then(|mut file| {
        use std::io::Seek;
        file.seek(std::io::SeekFrom::Start(from))?;
        file.read_exact(&mut bytes)
    });
    read.io_context(|| format!("{}: cannot read", paths.codings.display()))?;
    Ok(read_jsonl_str(
        &String::from_utf8_lossy(&bytes),
        &paths.codings,
    )?)
}

/// Manual codings: from the start of the codings file when the old table says where they
/// end, else from the whole file (warning of a last line cut short).
pub fn manual_codings(
    path: &Path,
    old: Option<&QuoteTable>,
    observer: &dyn Observer,
) -> Result<Vec<Coding>> {
    if !path.exists() {
        return Ok(Vec::new());
    }
    let codings: Vec<Coding> = match old {
        Some(old) => {
            let length = usize::try_from(old.manual_coding_bytes)
                .map_err(|_| Error::Internal("manual codings larger than memory".into()))?;
            let mut bytes = vec![0; length];
            File::open(path)
                .and_then(|mut f| f.read_exact(&mut bytes))
                .io_context(|| format!("{}: cannot read", path.display()))?;
            let text = String::from_utf8(bytes).map_err(|error| Error::Damaged {
                what: format!("{}: manual codings are not UTF-8", path.display()),
                source: Box::new(error),
            })?;
            read_jsonl_str(&text, path)?
        }
        None => {
            let text = std::fs::read_to_string(path)
                .io_context(|| format!("{}: cannot read", path.display()))?;
            read_jsonl_str(without_torn_line(&text, path, observer), path)?
        }
    };
    Ok(codings
        .into_iter()
        .filter(|c| c.origin == Origin::Manual)
        .collect())
}

/// `text` without a last line that lacks its newline and does not parse: what an append
/// of automatic codings cut short leaves (they are made again; manual codings, at the
/// head, are never appended). Such a line is reported, not kept.
fn without_torn_line<'t>(text: &'t str, path: &Path, observer: &dyn Observer) -> &'t str {
    if text.ends_with('\n') || text.is_empty() {
        return text;
    }
    let start = text.rfind('\n').map_or(0, |end| end + 1);
    if serde_json::from_str::<Coding>(&text[start..]).is_ok() {
        return text;
    }
    observer.warning(&format!(
        "{}: the last line is incomplete (an interrupted run?); it is left out",
        path.display()
    ));
    &text[..start]
}

/// Writes `codings.jsonl`: manual codings, then each source's automatic codings (copied
/// for kept sources; for new ones from `fresh_ids` and `fresh_codes`, one per new row in
/// row order), and records in `table` where each source's codings are.
pub(crate) fn write_codings(
    paths: &StatePaths,
    plan: &Plan<'_>,
    manual: &[Coding],
    fresh_ids: &[String],
    fresh_codes: &[Vec<Code>],
    table: &mut QuoteTable,
) -> Result<()> {
    let (old, reused) = (plan.old, plan.reused.as_slice());
    let mut manual_bytes = 0;
    let mut ranges = Vec::with_capacity(reused.len());
    let mut lines = |out: &mut Sink<'_>, keep_manual: Option<u64>| -> std::io::Result<()> {
        match keep_manual {
            Some(end) => out.keep((0, end))?,
            None => {
                for coding in manual {
                    out.line(coding)?;
                }
            }
        }
        manual_bytes = out.position;
        let mut fresh = fresh_ids.iter().zip(fresh_codes);
        for (entry, source) in reused.iter().zip(&table.sources) {
            let start = out.position;
            match entry {
                Some(entry) => out.keep(entry.coding_bytes)?,
                None => {
                    for (id, codes) in fresh.by_ref().take(source.rows as usize) {
                        for code in codes.iter().filter(|c| c.origin != Origin::Manual) {
                            out.line(&code.to_coding(id))?;
                        }
                    }
                }
            }
            ranges.push((start, out.position));
        }
        Ok(())
    };
    let appendable = old.filter(|old| {
        plan.only_appends(|s| s.coding_bytes.1, old.codings_file)
            && old.sources.first().map(|s| s.coding_bytes.0) == Some(old.manual_coding_bytes)
    });
    match appendable {
        // A new round's automatic codings after all the others: appended in place, the
        // manual codings at the head untouched; cut off again should writing fail. A run
        // that dies half way leaves a last line without its newline, which the next run
        // (a rebuild: the file no longer matches the table) drops.
        Some(old) => append_in_place(&paths.codings, old.codings_file, |out| {
            lines(out, Some(old.manual_coding_bytes))
        })?,
        None => {
            let old_file = match old {
                Some(_) => Some(
                    File::open(&paths.codings)
                        .io_context(|| format!("{}: cannot read", paths.codings.display()))?,
                ),
                None => None,
            };
            write_atomic_file(&paths.codings, |file| {
                let mut out = Sink::new(file, old_file.as_ref());
                lines(&mut out, None)?;
                out.finish()
            })?;
        }
    }
    table.manual_coding_bytes = manual_bytes;
    for (entry, range) in table.sources.iter_mut().zip(ranges) {
        entry.coding_bytes = range;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::observer::{Recorder, Silent};

    const LINE: &str = r#"{"quote":"a:1","theme":"t","score":1.0,"origin":"auto","coder":"verbatim","evidence":[]}"#;

    #[test]
    fn only_a_last_line_cut_short_is_left_out() {
        let path = Path::new("codings.jsonl");
        let whole = format!("{LINE}\n{LINE}\n");
        assert_eq!(without_torn_line(&whole, path, &Silent), whole);
        let torn = format!("{LINE}\n{}", &LINE[..30]);
        let told = Recorder::default();
        assert_eq!(without_torn_line(&torn, path, &told), format!("{LINE}\n"));
        assert_eq!(told.warnings().len(), 1, "the dropped line is reported");
        let no_newline = format!("{LINE}\n{LINE}");
        assert_eq!(without_torn_line(&no_newline, path, &Silent), no_newline);
        assert_eq!(without_torn_line(&LINE[..10], path, &Silent), "");
        assert_eq!(without_torn_line("", path, &Silent), "");
    }
}
