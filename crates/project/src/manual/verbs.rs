//! The researcher's verbs on the codings file: add, remove, reject and accept codes, and
//! write memos. A [`Session`] brings the project up to date once and then makes any
//! number of decisions (as `verbatim review` does), each written at once, atomically and
//! under the project's lock, so that two sessions never lose each other's decisions.

use verbatim_model::{
    Codebook, Decision, ManualCoding, Origin, Quote, QuoteTable, Target, unknown_name,
};

use super::anchor::char_slice;
use super::place::{QuoteSpan, place};
use super::{ManualFile, default_coder, now_utc};
use crate::config::Project;
use crate::error::{Error, Result};
use crate::observer::Observer;
use crate::source_texts::SourceTexts;
use crate::sources::SourceFile;
use crate::state::{QuoteLines, StateLock, StatePaths, refresh, source_codings};

/// What a decision is about, as the user names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    /// A quote by id (`interview:12`).
    Quote(String),
    /// Chars `start..end` of a source (`interviews/ann.txt:120-348`).
    Span {
        /// The source as quotes name it.
        source: String,
        /// First char.
        start: usize,
        /// Char after the last.
        end: usize,
    },
}

impl Subject {
    /// `source:start-end` is a span; anything else a quote id.
    pub fn parse(given: &str) -> Subject {
        let span = given.rsplit_once(':').and_then(|(source, range)| {
            let (start, end) = range.split_once('-')?;
            Some((source, start.parse().ok()?, end.parse().ok()?))
        });
        match span {
            Some((source, start, end)) => Subject::Span {
                source: source.to_string(),
                start,
                end,
            },
            None => Subject::Quote(given.to_string()),
        }
    }
}

/// Who decides and why, for every decision of a session.
#[derive(Debug, Clone, Default)]
pub struct Signature {
    /// The coder's name (default: [`default_coder`]).
    pub coder: Option<String>,
    /// A note kept with the decision.
    pub memo: Option<String>,
}

/// What a verb did, for the user.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Outcome {
    /// In words.
    pub message: String,
    /// The decisions written (none when nothing changed).
    pub written: Vec<ManualCoding>,
    /// How many decisions were taken out of the file.
    pub removed: usize,
    /// The quotes concerned.
    pub quotes: Vec<String>,
}

/// A project brought up to date, ready for decisions.
pub struct Session<'p> {
    project: &'p Project,
    /// The codebook decisions are checked against.
    pub codebook: Codebook,
    table: QuoteTable,
    lines: QuoteLines,
    sources: SourceTexts,
    observer: &'p dyn Observer,
}

impl<'p> Session<'p> {
    /// Brings `project` up to date and opens its state.
    pub fn open(project: &'p Project, observer: &'p dyn Observer) -> Result<Self> {
        let refreshed = refresh(project, None, observer)?;
        let paths = StatePaths::of(project);
        Ok(Session {
            project,
            codebook: refreshed.codebook,
            table: refreshed.table,
            lines: QuoteLines::open(&paths.quotes)?,
            sources: SourceTexts::open(project)?,
            observer,
        })
    }

    /// The quote table as refreshed.
    pub fn table(&self) -> &QuoteTable {
        &self.table
    }

    /// The quote in row `row`.
    pub fn quote_at(&self, row: usize) -> Result<Quote> {
        self.lines.quote(&self.table, row)
    }

    /// The row of the quote `id`, or an error naming the nearest ids.
    pub fn row_of(&self, id: &str) -> Result<usize> {
        let document = id.rsplit_once(':').map_or(id, |(d, _)| d);
        let Some(entry) = self.table.sources.iter().find(|s| s.document == document) else {
            let documents: Vec<&str> = self
                .table
                .sources
                .iter()
                .map(|s| s.document.as_str())
                .collect();
            return Err(Error::Invalid(format!(
                "quote {id}: no source has quotes named {document}:N ({})",
                unknown_name("document", document, &documents)
            )));
        };
        let first = entry.first_row as usize;
        let mut ids = Vec::with_capacity(entry.rows as usize);
        for row in first..first + entry.rows as usize {
            let quote = self.quote_at(row)?;
            if quote.id == id {
                return Ok(row);
            }
            ids.push(quote.id);
        }
        let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
        Err(Error::Invalid(format!(
            "{} (in {})",
            unknown_name("quote", id, &ids),
            entry.name
        )))
    }

    /// The theme id as the codebook has it now, or an error naming the nearest themes.
    pub fn theme(&self, theme: &str) -> Result<String> {
        let current = self.codebook.current_id(theme);
        if self.codebook.theme(current).is_some() {
            return Ok(current.to_string());
        }
        let ids: Vec<&str> = self.codebook.themes.iter().map(|t| t.id.as_str()).collect();
        Err(Error::Invalid(unknown_name("theme", theme, &ids)))
    }

    /// The span a subject names: a quote's, or chars of a source (checked against its
    /// text).
    pub fn span_of(&self, subject: &Subject) -> Result<QuoteSpan> {
        match subject {
            Subject::Quote(id) => Ok(QuoteSpan::of(self.quote_at(self.row_of(id)?)?)),
            Subject::Span { source, start, end } => {
                let text = self.source_text(source)?;
                let chars = text.chars().count();
                let slice = char_slice(&text, *start, *end)
                    .filter(|s| !s.trim().is_empty())
                    .ok_or_else(|| {
                        Error::Invalid(format!(
                            "{source}:{start}-{end}: not a span of its text (it has {chars} chars; \
                             a span is start-end with start < end, in chars)"
                        ))
                    })?;
                Ok(QuoteSpan {
                    id: format!("{source}:{start}-{end}"),
                    source: source.clone(),
                    start: *start,
                    end: *end,
                    text: slice.to_string(),
                })
            }
        }
    }

    /// The text of the source `name`, as its quotes' offsets count.
    pub(crate) fn source_text(&self, name: &str) -> Result<String> {
        self.source_file(name)?;
        self.sources.text(name)
    }

    fn source_file(&self, name: &str) -> Result<&SourceFile> {
        self.sources.file(name).ok_or_else(|| {
            let names: Vec<&str> = (self.sources.files().iter())
                .map(|f| f.name.as_str())
                .collect();
            Error::Invalid(unknown_name("source", name, &names))
        })
    }

    /// The ids of the quotes a span overlaps.
    pub fn quotes_under(&self, source: &str, start: usize, end: usize) -> Result<Vec<String>> {
        let Some(entry) = self.table.sources.iter().find(|s| s.name == source) else {
            return Ok(Vec::new());
        };
        let first = entry.first_row as usize;
        let mut ids = Vec::new();
        for row in first..first + entry.rows as usize {
            let quote = self.quote_at(row)?;
            if quote.start < end && start < quote.end {
                ids.push(quote.id);
            }
        }
        Ok(ids)
    }

    /// Changes the codings file under the project's lock: read, `change`, written
    /// atomically if changed.
    pub(crate) fn change<T>(&self, change: impl FnOnce(&mut ManualFile) -> Result<T>) -> Result<T> {
        let _lock = StateLock::take(self.project, self.observer)?;
        let mut file = ManualFile::load(self.project)?;
        let result = change(&mut file)?;
        file.save()?;
        Ok(result)
    }

    fn decision(&self, kind: Decision, span: &QuoteSpan, signature: &Signature) -> ManualCoding {
        let mut coding =
            ManualCoding::on_span(kind, &span.source, span.start, span.end, &span.text);
        coding.coder = Some(signature.coder.clone().unwrap_or_else(default_coder));
        coding.time = Some(now_utc());
        coding.memo = signature.memo.clone().filter(|m| !m.trim().is_empty());
        coding
    }

    /// Codes `subject` to `theme` by hand.
    pub fn add(&self, subject: &Subject, theme: &str, signature: &Signature) -> Result<Outcome> {
        self.code(subject, theme, signature, "coded")
    }

    fn code(
        &self,
        subject: &Subject,
        theme: &str,
        signature: &Signature,
        done: &str,
    ) -> Result<Outcome> {
        let theme = self.theme(theme)?;
        let span = self.span_of(subject)?;
        let quotes = self.quotes_under(&span.source, span.start, span.end)?;
        let mut coding = self.decision(Decision::Code, &span, signature);
        coding.theme = Some(theme.clone());
        self.change(|file| {
            let removed = take_out(file, Decision::Reject, &theme, &span);
            if has(file, Decision::Code, &theme, &span, coding.coder.as_deref()) {
                return Ok(Outcome {
                    message: format!("{} is already coded {theme}", span.id),
                    written: Vec::new(),
                    removed,
                    quotes,
                });
            }
            file.codings.push(coding.clone());
            Ok(Outcome {
                message: format!("{done} {} {theme}{}", span.id, unrejected(removed)),
                written: vec![coding],
                removed,
                quotes,
            })
        })
    }

    /// Takes out the manual codes and rejections of `theme` on `subject`.
    pub fn remove(&self, subject: &Subject, theme: &str) -> Result<Outcome> {
        let theme = self.theme(theme)?;
        let span = self.span_of(subject)?;
        let quotes = self.quotes_under(&span.source, span.start, span.end)?;
        self.change(|file| {
            let removed = take_out(file, Decision::Code, &theme, &span)
                + take_out(file, Decision::Reject, &theme, &span);
            if removed == 0 {
                return Err(Error::Invalid(format!(
                    "{}: no manual code or rejection of {theme} to remove (an automatic code is \
                     stopped with `verbatim coding reject`)",
                    span.id
                )));
            }
            Ok(Outcome {
                message: format!(
                    "removed {} of {theme} on {}",
                    verbatim_model::counted(removed, "decision"),
                    span.id
                ),
                written: Vec::new(),
                removed,
                quotes,
            })
        })
    }

    /// Rejects `theme` on the quote `quote`: its automatic or suggested code is dropped on
    /// every later run; a manual code of it there is taken out.
    pub fn reject(&self, quote: &str, theme: &str, signature: &Signature) -> Result<Outcome> {
        let theme = self.theme(theme)?;
        let span = self.span_of(&Subject::Quote(quote.to_string()))?;
        let mut coding = self.decision(Decision::Reject, &span, signature);
        coding.theme = Some(theme.clone());
        self.change(|file| {
            let removed = take_out(file, Decision::Code, &theme, &span);
            let written = if has(file, Decision::Reject, &theme, &span, None) {
                Vec::new()
            } else {
                file.codings.push(coding.clone());
                vec![coding]
            };
            Ok(Outcome {
                message: format!(
                    "rejected {theme} on {}{}",
                    span.id,
                    if removed > 0 {
                        format!(
                            " (took out {})",
                            verbatim_model::counted(removed, "manual code")
                        )
                    } else {
                        String::new()
                    }
                ),
                written,
                removed,
                quotes: vec![span.id.clone()],
            })
        })
    }

    /// Makes the automatic or suggested code of `theme` on `quote` a manual one (a
    /// rejection of it is taken out).
    pub fn accept(&self, quote: &str, theme: &str, signature: &Signature) -> Result<Outcome> {
        let theme = self.theme(theme)?;
        let offered = self.offered(quote, &theme)?;
        let span = self.span_of(&Subject::Quote(quote.to_string()))?;
        let rejected = ManualFile::load(self.project)?
            .codings
            .iter()
            .any(|c| c.kind == Decision::Reject && covers(c, &theme, &span));
        if !offered && !rejected {
            return Err(Error::Invalid(format!(
                "{quote}: has no automatic or suggested code {theme} to accept; \
                 code it by hand with `verbatim coding add {quote} {theme}`"
            )));
        }
        self.code(
            &Subject::Quote(quote.to_string()),
            &theme,
            signature,
            "accepted",
        )
    }

    /// Whether the quote `quote` has an automatic or suggested code of `theme` (read from
    /// its source's lines of the state's codings file: the table keeps no suggestions).
    fn offered(&self, quote: &str, theme: &str) -> Result<bool> {
        let row = self.row_of(quote)?;
        let Some(entry) = self
            .table
            .sources
            .iter()
            .find(|s| (s.first_row as usize..(s.first_row + s.rows) as usize).contains(&row))
        else {
            return Ok(false);
        };
        let lines = source_codings(&StatePaths::of(self.project), entry)?;
        Ok(lines
            .iter()
            .any(|c| c.quote == quote && c.theme == theme && c.origin != Origin::Manual))
    }

    /// Writes a memo on a quote, a span, a theme or a source.
    pub fn memo(&self, about: &str, text: &str, signature: &Signature) -> Result<Outcome> {
        if text.trim().is_empty() {
            return Err(Error::Invalid("a memo needs some text".into()));
        }
        let mut coding = match self.memo_target(about)? {
            MemoTarget::Span(span) => self.decision(Decision::Memo, &span, signature),
            MemoTarget::Theme(theme) => {
                let mut coding = ManualCoding::on_quote(Decision::Memo, "");
                coding.quote = None;
                coding.theme = Some(theme);
                coding
            }
            MemoTarget::Source(source) => {
                let mut coding = ManualCoding::on_quote(Decision::Memo, "");
                coding.quote = None;
                coding.source = Some(source);
                coding
            }
        };
        coding.memo = Some(text.to_string());
        coding.coder = Some(signature.coder.clone().unwrap_or_else(default_coder));
        coding.time = Some(now_utc());
        self.change(|file| {
            file.codings.push(coding.clone());
            Ok(Outcome {
                message: format!("memo written on {about}"),
                written: vec![coding],
                removed: 0,
                quotes: Vec::new(),
            })
        })
    }

    /// Takes out the memos on a quote, a span, a theme or a source.
    pub fn remove_memos(&self, about: &str) -> Result<Outcome> {
        let target = self.memo_target(about)?;
        self.change(|file| {
            let before = file.codings.len();
            file.codings.retain(|c| {
                c.kind != Decision::Memo
                    || !match (&target, c.target()) {
                        (
                            MemoTarget::Span(span),
                            Some(Target::Span {
                                source, start, end, ..
                            }),
                        ) => source == span.source && start == span.start && end == span.end,
                        (MemoTarget::Theme(theme), Some(Target::Theme(t))) => t == theme,
                        (MemoTarget::Source(name), Some(Target::Source(s))) => s == name,
                        _ => false,
                    }
            });
            let removed = before - file.codings.len();
            if removed == 0 {
                return Err(Error::Invalid(format!("{about}: no memo to remove")));
            }
            Ok(Outcome {
                message: format!(
                    "removed {} on {about}",
                    verbatim_model::counted(removed, "memo")
                ),
                written: Vec::new(),
                removed,
                quotes: Vec::new(),
            })
        })
    }

    /// A memo's target: a span or quote id, a theme, or a source, in that order.
    fn memo_target(&self, about: &str) -> Result<MemoTarget> {
        let subject = Subject::parse(about);
        if matches!(subject, Subject::Span { .. }) {
            return Ok(MemoTarget::Span(self.span_of(&subject)?));
        }
        if let Ok(theme) = self.theme(about) {
            return Ok(MemoTarget::Theme(theme));
        }
        if self.sources.file(about).is_some() {
            return Ok(MemoTarget::Source(about.to_string()));
        }
        match self.span_of(&subject) {
            Ok(span) => Ok(MemoTarget::Span(span)),
            Err(_) => {
                let mut names: Vec<&str> =
                    self.codebook.themes.iter().map(|t| t.id.as_str()).collect();
                names.extend(self.sources.files().iter().map(|f| f.name.as_str()));
                Err(Error::Invalid(unknown_name(
                    "memo target (a quote id, source:start-end, a theme or a source)",
                    about,
                    &names,
                )))
            }
        }
    }

    /// Marks the quote `quote` as reviewed by the signing coder with no theme applying,
    /// so that agreement on a sample counts it as their "none".
    pub fn nothing_applies(&self, quote: &str, signature: &Signature) -> Result<Outcome> {
        let span = self.span_of(&Subject::Quote(quote.to_string()))?;
        let mut mark = self.decision(Decision::Code, &span, signature);
        mark.nothing_applies = true;
        self.change(|file| {
            let there = file.codings.iter().any(|c| {
                c.nothing_applies
                    && c.coder == mark.coder
                    && (c.source.as_deref(), c.start, c.end)
                        == (Some(span.source.as_str()), Some(span.start), Some(span.end))
            });
            let written = if there {
                Vec::new()
            } else {
                file.codings.push(mark.clone());
                vec![mark]
            };
            Ok(Outcome {
                message: format!("marked {} reviewed: no theme applies", span.id),
                written,
                removed: 0,
                quotes: vec![span.id.clone()],
            })
        })
    }

    /// The quotes `coder` reviewed, when they coded a sample (marked some quote as
    /// having no theme): every quote their codes, rejections and marks fall on.
    pub fn reviewed_by(&self, coder: &str) -> Result<Option<std::collections::BTreeSet<String>>> {
        let theirs: Vec<(ManualCoding, Vec<String>)> = self
            .listed()?
            .into_iter()
            .filter(|(c, _)| c.kind != Decision::Memo && c.coder.as_deref() == Some(coder))
            .collect();
        if !theirs.iter().any(|(c, _)| c.nothing_applies) {
            return Ok(None);
        }
        Ok(Some(
            theirs.into_iter().flat_map(|(_, quotes)| quotes).collect(),
        ))
    }

    /// Every decision with the quotes it falls on now.
    pub fn listed(&self) -> Result<Vec<(ManualCoding, Vec<String>)>> {
        let mut file = ManualFile::load(self.project)?;
        let mut spans = Vec::new();
        let named = super::place::Named::of(&file.codings);
        for entry in self
            .table
            .sources
            .iter()
            .filter(|e| named.holds(&e.name, &e.document))
        {
            let first = entry.first_row as usize;
            for row in first..first + entry.rows as usize {
                spans.push(QuoteSpan::of(self.quote_at(row)?));
            }
        }
        place(&mut file.codings, &spans, &|t| t.to_string());
        let mut out = Vec::with_capacity(file.codings.len());
        for coding in file.codings {
            let quotes = match coding.target() {
                Some(Target::Span {
                    source, start, end, ..
                }) if !coding.orphaned => spans
                    .iter()
                    .filter(|q| q.source == source && q.start < end && start < q.end)
                    .map(|q| q.id.clone())
                    .collect(),
                Some(Target::Quote(id)) => vec![id.to_string()],
                _ => Vec::new(),
            };
            out.push((coding, quotes));
        }
        Ok(out)
    }
}

enum MemoTarget {
    Span(QuoteSpan),
    Theme(String),
    Source(String),
}

/// Whether `coding` is about `theme` and overlaps `span`.
fn covers(coding: &ManualCoding, theme: &str, span: &QuoteSpan) -> bool {
    coding.theme.as_deref() == Some(theme)
        && !coding.orphaned
        && match coding.target() {
            Some(Target::Span {
                source, start, end, ..
            }) => source == span.source && start < span.end && span.start < end,
            _ => false,
        }
}

/// Whether the file has a decision of `kind` on `theme` at exactly `span` (by `coder`,
/// when given).
fn has(
    file: &ManualFile,
    kind: Decision,
    theme: &str,
    span: &QuoteSpan,
    coder: Option<&str>,
) -> bool {
    file.codings.iter().any(|c| {
        c.kind == kind
            && c.theme.as_deref() == Some(theme)
            && c.source.as_deref() == Some(span.source.as_str())
            && (c.start, c.end) == (Some(span.start), Some(span.end))
            && coder.is_none_or(|coder| c.coder.as_deref() == Some(coder))
    })
}

/// Takes out the decisions of `kind` on `theme` overlapping `span`; how many.
fn take_out(file: &mut ManualFile, kind: Decision, theme: &str, span: &QuoteSpan) -> usize {
    let before = file.codings.len();
    file.codings
        .retain(|c| !(c.kind == kind && covers(c, theme, span)));
    before - file.codings.len()
}

fn unrejected(removed: usize) -> String {
    if removed == 0 {
        String::new()
    } else {
        format!(
            " (took out {})",
            verbatim_model::counted(removed, "rejection")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_subject_is_a_span_when_it_ends_in_two_numbers() {
        assert_eq!(
            Subject::parse("interviews/ann.txt:120-348"),
            Subject::Span {
                source: "interviews/ann.txt".into(),
                start: 120,
                end: 348
            }
        );
        assert_eq!(Subject::parse("ann:12"), Subject::Quote("ann:12".into()));
        assert_eq!(
            Subject::parse("c:\\notes:x-y"),
            Subject::Quote("c:\\notes:x-y".into())
        );
    }
}
