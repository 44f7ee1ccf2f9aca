//! The memos of a project's codings file, placed on quotes, for reports and `explain`:
//! memos on themes, sources, quotes and spans, and the notes kept with decisions.

use std::collections::BTreeSet;

use verbatim_model::{Decision, ManualCoding, Target};
use verbatim_report::Memo;

use super::ManualFile;
use super::place::QuoteSpan;
use crate::config::Project;
use crate::error::Result;

/// The memos of `project`'s codings file, those on spans placed on the quotes that
/// `spans_of` gives for the sources they name.
pub fn project_memos(
    project: &Project,
    spans_of: impl FnOnce(&BTreeSet<String>) -> Result<Vec<QuoteSpan>>,
) -> Result<Vec<Memo>> {
    let file = ManualFile::load(project)?;
    let sources = memo_sources(&file);
    let spans = if sources.is_empty() {
        Vec::new()
    } else {
        spans_of(&sources)?
    };
    Ok(memos(&file, &spans))
}

/// The sources whose quotes memos on spans fall on.
pub fn memo_sources(file: &ManualFile) -> BTreeSet<String> {
    file.codings
        .iter()
        .filter(|c| c.memo.is_some())
        .filter_map(|c| match c.target() {
            Some(Target::Span { source, .. }) => Some(source.to_string()),
            _ => None,
        })
        .collect()
}

/// Every memo of `file`, in file order, those on spans with the quotes of `quotes` they
/// overlap (orphaned ones with none).
pub fn memos(file: &ManualFile, quotes: &[QuoteSpan]) -> Vec<Memo> {
    file.codings
        .iter()
        .filter_map(|coding| memo_of(coding, quotes))
        .collect()
}

fn memo_of(coding: &ManualCoding, quotes: &[QuoteSpan]) -> Option<Memo> {
    let text = coding.memo.clone()?;
    let (kind, target, on) = match coding.target()? {
        Target::Theme(theme) => ("theme", theme.to_string(), Vec::new()),
        Target::Source(source) => ("source", source.to_string(), Vec::new()),
        Target::Quote(id) => ("quote", id.to_string(), vec![id.to_string()]),
        Target::Span {
            source, start, end, ..
        } => {
            let on = if coding.orphaned {
                Vec::new()
            } else {
                quotes
                    .iter()
                    .filter(|q| q.source == source && q.start < end && start < q.end)
                    .map(|q| q.id.clone())
                    .collect()
            };
            let target = if coding.orphaned {
                format!("{source}:{start}-{end} (orphaned: the text is gone)")
            } else {
                format!("{source}:{start}-{end}")
            };
            ("quote", target, on)
        }
    };
    let kind = match coding.kind {
        Decision::Memo => kind,
        Decision::Code => "code",
        Decision::Reject => "reject",
    };
    Some(Memo {
        kind: kind.to_string(),
        target,
        theme: (coding.kind != Decision::Memo)
            .then(|| coding.theme.clone())
            .flatten(),
        quotes: on,
        text,
        coder: coding.coder.clone(),
    })
}
