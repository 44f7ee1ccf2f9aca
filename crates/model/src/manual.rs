//! A researcher's decisions about a project, one per line of its tracked codings file
//! (`codings.jsonl` beside `verbatim.toml`): codes they made, automatic codes they
//! rejected, and memos.
//!
//! Quote ids are positions (`interview:12` is the twelfth quote of `interview`), so a
//! decision is not tied to one: it is *anchored* to the text it is about, by source, char
//! span and the text itself. When a source changes, the project finds the text again and
//! moves the anchor; text that cannot be found is marked `orphaned` and kept, never moved
//! onto other words.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::Error;

/// What a line of the codings file records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Decision {
    /// The theme applies to the anchored text (a manual code; it always counts).
    #[serde(alias = "manual")]
    Code,
    /// The theme does not apply to the anchored quote: an automatic or suggested code of
    /// it is dropped on every run.
    #[serde(alias = "rejected")]
    Reject,
    /// A note on a span or quote, a theme or a whole source.
    Memo,
}

/// One line of a project's codings file.
///
/// The target is a span (`source`, `start`, `end`, `text`), a quote named only by id
/// (`quote`; anchored to its text on the next run), a theme (a memo with only `theme`) or a
/// whole source (a memo with only `source`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManualCoding {
    /// Code, reject or memo; `origin` is read as a synonym, as older files wrote it.
    #[serde(alias = "origin", default = "code")]
    pub kind: Decision,
    /// The theme coded or rejected; for a memo, the theme it is about (with no span).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub theme: Option<String>,
    /// The source, as quotes name it (its path relative to the project).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// First char of the span in the source's text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<usize>,
    /// Char after the span's last.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<usize>,
    /// The span's text: what the anchor is found by when the source changes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// A quote id, for a line written by hand without a span.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quote: Option<String>,
    /// Who decided.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coder: Option<String>,
    /// When (RFC 3339, UTC).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<String>,
    /// A note: the memo itself, or why a code was made or rejected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memo: Option<String>,
    /// Set when the anchored text is no longer in its source (with the text it had).
    #[serde(default, skip_serializing_if = "is_false")]
    pub orphaned: bool,
    /// Codes only: a coder's mark that the quote was reviewed and no theme applies
    /// (`theme` then absent), for agreement on a sample.
    #[serde(default, skip_serializing_if = "is_false")]
    pub nothing_applies: bool,
    /// A score on a line copied from `code`'s output: read and left out.
    #[serde(default, rename = "score", skip_serializing)]
    copied_score: Option<serde_json::Value>,
    /// Evidence on a line copied from `code`'s output: read and left out.
    #[serde(default, rename = "evidence", skip_serializing)]
    copied_evidence: Vec<String>,
}

fn code() -> Decision {
    Decision::Code
}

fn is_false(value: &bool) -> bool {
    !value
}

/// Where a decision points.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target<'a> {
    /// A span of a source.
    Span {
        /// The source's name.
        source: &'a str,
        /// First char.
        start: usize,
        /// Char after the last.
        end: usize,
        /// The text of the span.
        text: &'a str,
    },
    /// A quote by id, not yet anchored.
    Quote(&'a str),
    /// A theme (memos only).
    Theme(&'a str),
    /// A whole source (memos only).
    Source(&'a str),
}

impl ManualCoding {
    /// A decision about the span `start..end` of `source`, whose text is `text`.
    pub fn on_span(kind: Decision, source: &str, start: usize, end: usize, text: &str) -> Self {
        ManualCoding {
            kind,
            theme: None,
            source: Some(source.to_string()),
            start: Some(start),
            end: Some(end),
            text: Some(text.to_string()),
            quote: None,
            coder: None,
            time: None,
            memo: None,
            orphaned: false,
            nothing_applies: false,
            copied_score: None,
            copied_evidence: Vec::new(),
        }
    }

    /// A decision about the quote `quote`, anchored to its text on the project's next run.
    pub fn on_quote(kind: Decision, quote: &str) -> Self {
        ManualCoding {
            source: None,
            start: None,
            end: None,
            text: None,
            quote: Some(quote.to_string()),
            ..ManualCoding::on_span(kind, "", 0, 0, "")
        }
    }

    /// What the decision is about. Checked by [`read_manual_codings`], so every line read
    /// from a file has one.
    pub fn target(&self) -> Option<Target<'_>> {
        match (
            &self.source,
            self.start,
            self.end,
            &self.text,
            &self.quote,
            &self.theme,
        ) {
            (Some(source), Some(start), Some(end), Some(text), _, _) if start <= end => {
                Some(Target::Span {
                    source,
                    start,
                    end,
                    text,
                })
            }
            (None, None, None, None, Some(quote), _) => Some(Target::Quote(quote)),
            (Some(source), None, None, None, None, _) if self.kind == Decision::Memo => {
                Some(Target::Source(source))
            }
            (None, None, None, None, None, Some(theme)) if self.kind == Decision::Memo => {
                Some(Target::Theme(theme))
            }
            _ => None,
        }
    }

    /// True when this decision counts for (or against) quotes: an anchored or quote-named
    /// code or rejection that is not orphaned.
    pub fn is_placed_decision(&self) -> bool {
        self.kind != Decision::Memo
            && !self.orphaned
            && matches!(self.target(), Some(Target::Span { .. } | Target::Quote(_)))
    }

    /// Why this line cannot be used, if it cannot.
    fn problem(&self) -> Option<String> {
        let Some(target) = self.target() else {
            return Some(
                "a line needs a span (`source`, `start`, `end` and `text`) or a `quote` id; \
                 a memo may name only a `theme` or only a `source`"
                    .to_string(),
            );
        };
        if let (Some(start), Some(end), Some(text)) = (self.start, self.end, &self.text)
            && text.chars().count() != end - start
        {
            return Some(format!(
                "`text` has {} chars but the span {start}-{end} has {}",
                text.chars().count(),
                end - start
            ));
        }
        match self.kind {
            Decision::Code if self.nothing_applies => self
                .theme
                .is_some()
                .then(|| "`nothing_applies` and a `theme` contradict each other".to_string()),
            Decision::Code | Decision::Reject if self.theme.is_none() => Some(format!(
                "a {} needs a `theme`",
                if self.kind == Decision::Code {
                    "code"
                } else {
                    "rejection"
                }
            )),
            Decision::Memo if self.memo.as_deref().is_none_or(|m| m.trim().is_empty()) => {
                Some("a memo needs its `memo` text".to_string())
            }
            Decision::Memo if matches!(target, Target::Theme(_)) && self.source.is_some() => {
                Some("a memo names a theme or a source, not both".to_string())
            }
            _ => None,
        }
    }
}

/// Reads a codings file's text (`path` names it in errors), checking every line: a line
/// that is not JSON, or whose decision has no target or no theme, is an error naming it.
pub fn read_manual_codings(text: &str, path: &Path) -> Result<Vec<ManualCoding>, Error> {
    let mut out = Vec::new();
    for (index, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let coding: ManualCoding = serde_json::from_str(line).map_err(|e| Error::Parse {
            path: path.to_path_buf(),
            line: index + 1,
            column: Some(e.column()),
            message: e.to_string(),
        })?;
        if let Some(problem) = coding.problem() {
            return Err(Error::parse(path, index + 1, problem));
        }
        out.push(coding);
    }
    Ok(out)
}

/// The codings file's text for `codings`, one JSON object per line.
pub fn manual_codings_text(codings: &[ManualCoding]) -> String {
    let mut text = String::new();
    for coding in codings {
        // A struct of strings, numbers and booleans always serialises.
        text.push_str(&serde_json::to_string(coding).unwrap_or_default());
        text.push('\n');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<Vec<ManualCoding>, Error> {
        read_manual_codings(text, Path::new("codings.jsonl"))
    }

    #[test]
    fn a_span_coding_round_trips_and_leaves_unset_fields_out() {
        let mut coding = ManualCoding::on_span(Decision::Code, "a.txt", 4, 9, "tired");
        coding.theme = Some("challenge.fatigue".into());
        coding.coder = Some("jo".into());
        let text = manual_codings_text(std::slice::from_ref(&coding));
        assert_eq!(
            text,
            "{\"kind\":\"code\",\"theme\":\"challenge.fatigue\",\"source\":\"a.txt\",\"start\":4,\"end\":9,\"text\":\"tired\",\"coder\":\"jo\"}\n"
        );
        assert_eq!(read(&text).expect("read"), [coding]);
    }

    #[test]
    fn older_lines_with_origin_manual_and_a_quote_id_still_read() {
        let codings = read(
            "{\"quote\":\"a:2\",\"theme\":\"t\",\"origin\":\"manual\",\"coder\":\"jo\",\"score\":null,\"evidence\":[]}\n\n",
        )
        .expect("read");
        assert_eq!(
            manual_codings_text(&codings),
            "{\"kind\":\"code\",\"theme\":\"t\",\"quote\":\"a:2\",\"coder\":\"jo\"}\n",
            "what `code` adds to a line is left out"
        );
        assert_eq!(codings[0].kind, Decision::Code);
        assert_eq!(codings[0].target(), Some(Target::Quote("a:2")));
        assert!(codings[0].is_placed_decision());
    }

    #[test]
    fn lines_without_a_target_theme_or_memo_text_are_errors_naming_the_line() {
        let cases = [
            ("{\"theme\":\"t\"}", "needs a span"),
            ("{\"kind\":\"reject\",\"quote\":\"a:1\"}", "needs a `theme`"),
            ("{\"kind\":\"memo\",\"theme\":\"t\"}", "needs its `memo`"),
            (
                "{\"theme\":\"t\",\"source\":\"a\",\"start\":0,\"end\":3,\"text\":\"ab\"}",
                "2 chars but the span 0-3 has 3",
            ),
            (
                "{\"theme\":\"t\",\"quote\":\"a:1\",\"colour\":1}",
                "unknown field",
            ),
        ];
        for (line, expected) in cases {
            let error = read(&format!("\n{line}\n")).expect_err(line).to_string();
            assert!(error.starts_with("codings.jsonl:2"), "{error}");
            assert!(error.contains(expected), "{line}: {error}");
        }
    }

    #[test]
    fn memos_may_name_a_theme_or_a_whole_source() {
        let codings = read(
            "{\"kind\":\"memo\",\"theme\":\"t\",\"memo\":\"about t\"}\n\
             {\"kind\":\"memo\",\"source\":\"a.txt\",\"memo\":\"noisy call\"}\n",
        )
        .expect("read");
        assert_eq!(codings[0].target(), Some(Target::Theme("t")));
        assert_eq!(codings[1].target(), Some(Target::Source("a.txt")));
        assert!(!codings[0].is_placed_decision());
    }
}
