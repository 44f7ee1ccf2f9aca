//! `coding import`: decisions made elsewhere (a colleague's sheet, another tool's export)
//! into the codings file. Every row is checked first (its quote or span, its theme), and
//! the first bad one is an error naming its line; only a file that is right throughout
//! is added, anchored to the text it names.

use std::path::Path;

use verbatim_model::{Decision, ManualCoding, Target, read_manual_codings};

use super::anchor::{Found, find_span};
use super::verbs::{Outcome, Session, Signature, Subject};
use super::{default_coder, now_utc};
use crate::error::{Error, Result};

impl Session<'_> {
    /// Imports the decisions of `path` (JSON Lines as the codings file, or CSV with a
    /// `theme` column and either `quote` or `source`, `start`, `end`; optional `kind`
    /// (`code` or `reject`), `coder`, `memo`). Decisions the file already has are skipped.
    pub fn import(&self, path: &Path, signature: &Signature) -> Result<Outcome> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
            what: format!("{}: cannot read", path.display()),
            source,
        })?;
        let is_csv = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
        let rows = if is_csv {
            csv_rows(&text, path)?
        } else {
            numbered(&text, path)?
        };
        let mut checked = Vec::with_capacity(rows.len());
        for (line, mut coding) in rows {
            let at =
                |message: String| Error::Invalid(format!("{}:{line}: {message}", path.display()));
            if let Some(theme) = &coding.theme {
                coding.theme = Some(self.theme(theme).map_err(|e| at(e.to_string()))?);
            }
            self.anchor(&mut coding).map_err(|e| at(e.to_string()))?;
            if coding.coder.is_none() {
                coding.coder = Some(signature.coder.clone().unwrap_or_else(default_coder));
            }
            if coding.time.is_none() {
                coding.time = Some(now_utc());
            }
            checked.push(coding);
        }
        let offered = checked.len();
        self.change(|file| {
            let mut written = Vec::new();
            for coding in checked {
                if !file.codings.iter().any(|c| same_decision(c, &coding)) {
                    file.codings.push(coding.clone());
                    written.push(coding);
                }
            }
            Ok(Outcome {
                message: format!(
                    "imported {} from {}{}",
                    verbatim_model::counted(written.len(), "decision"),
                    path.display(),
                    match offered - written.len() {
                        0 => String::new(),
                        skipped => format!(" ({skipped} already there)"),
                    }
                ),
                written,
                removed: 0,
                quotes: Vec::new(),
            })
        })
    }

    /// Gives a decision named by quote id its quote's span, and checks a span's text
    /// against its source (following it if it moved).
    fn anchor(&self, coding: &mut ManualCoding) -> Result<()> {
        if let (Some(source), Some(start), Some(end), None) =
            (&coding.source, coding.start, coding.end, &coding.text)
        {
            let span = self.span_of(&Subject::Span {
                source: source.clone(),
                start,
                end,
            })?;
            coding.text = Some(span.text);
            return Ok(());
        }
        match coding.target() {
            Some(Target::Quote(id)) => {
                let span = self.span_of(&Subject::Quote(id.to_string()))?;
                coding.source = Some(span.source);
                coding.start = Some(span.start);
                coding.end = Some(span.end);
                coding.text = Some(span.text);
                coding.quote = None;
            }
            Some(Target::Span {
                source,
                start,
                end,
                text,
            }) => {
                let now = self.span_of(&Subject::Span {
                    source: source.to_string(),
                    start,
                    end,
                });
                let whole = self.source_text(source)?;
                match find_span(&whole, text, start) {
                    Found::InPlace => {}
                    Found::Moved { start, end } => {
                        coding.start = Some(start);
                        coding.end = Some(end);
                    }
                    Found::Edited { .. } | Found::Lost => {
                        let there = now.map(|s| s.text).unwrap_or_default();
                        return Err(Error::Invalid(format!(
                            "the text is not in {source} (at {start}-{end} it reads {there:?})"
                        )));
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }
}

/// Whether two decisions are the same (kind, theme, place and coder).
fn same_decision(a: &ManualCoding, b: &ManualCoding) -> bool {
    (
        a.kind, &a.theme, &a.source, a.start, a.end, &a.coder, &a.memo,
    ) == (
        b.kind, &b.theme, &b.source, b.start, b.end, &b.coder, &b.memo,
    )
}

/// JSON Lines with each decision's line number.
fn numbered(text: &str, path: &Path) -> Result<Vec<(usize, ManualCoding)>> {
    let mut out = Vec::new();
    for (index, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let mut one = read_manual_codings(line, path).map_err(|error| match error {
            verbatim_model::Error::Parse {
                path,
                column,
                message,
                ..
            } => verbatim_model::Error::Parse {
                path,
                line: index + 1,
                column,
                message,
            },
            other => other,
        })?;
        out.extend(one.pop().map(|coding| (index + 1, coding)));
    }
    Ok(out)
}

/// CSV rows as decisions, with their line numbers.
fn csv_rows(text: &str, path: &Path) -> Result<Vec<(usize, ManualCoding)>> {
    let at = |line: usize, message: String| {
        Error::Invalid(format!("{}:{line}: {message}", path.display()))
    };
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| at(1, e.to_string()))?
        .iter()
        .map(|h| h.trim().to_lowercase())
        .collect();
    let column = |name: &str| headers.iter().position(|h| h == name);
    let span_columns = (column("source"), column("start"), column("end"));
    if column("theme").is_none()
        || (column("quote").is_none() && !matches!(span_columns, (Some(_), Some(_), Some(_))))
    {
        return Err(at(
            1,
            "a codings CSV needs a `theme` column and a `quote` column (or `source`, `start` and `end`)"
                .to_string(),
        ));
    }
    let mut out = Vec::new();
    for (index, record) in reader.records().enumerate() {
        let line = index + 2;
        let record = record.map_err(|e| at(line, e.to_string()))?;
        let field = |name: &str| {
            column(name)
                .and_then(|i| record.get(i))
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_string)
        };
        let kind = match field("kind").as_deref() {
            None | Some("code" | "manual") => Decision::Code,
            Some("reject" | "rejected") => Decision::Reject,
            Some(other) => {
                return Err(at(
                    line,
                    format!("kind {other:?}: a row is a `code` or a `reject`"),
                ));
            }
        };
        let mut coding = match (field("quote"), field("source")) {
            (Some(quote), _) => ManualCoding::on_quote(kind, &quote),
            (None, Some(source)) => {
                let number = |name: &str| -> Result<usize> {
                    field(name)
                        .and_then(|v| v.parse().ok())
                        .ok_or_else(|| at(line, format!("`{name}` is not a char offset")))
                };
                let (start, end) = (number("start")?, number("end")?);
                // The text is read from the source when the row is anchored.
                let mut coding = ManualCoding::on_span(kind, &source, start, end, "");
                coding.text = None;
                coding.quote = None;
                coding
            }
            (None, None) => return Err(at(line, "no `quote` and no `source`".to_string())),
        };
        coding.theme = Some(field("theme").ok_or_else(|| at(line, "no theme".to_string()))?);
        coding.coder = field("coder");
        coding.memo = field("memo");
        out.push((line, coding));
    }
    Ok(out)
}
