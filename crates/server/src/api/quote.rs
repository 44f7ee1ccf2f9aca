//! A quote in its context: the quotes around it, its whole source with the span marked,
//! every code the coder gave or offered with the evidence that fired it, and the memos
//! that concern it.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use serde_json::{Value, json};
use verbatim_model::{Coding, Origin, Quote, SourceEntry};
use verbatim_project::manual::memos::project_memos;
use verbatim_project::manual::place::QuoteSpan;
use verbatim_project::state::{StatePaths, source_codings};
use verbatim_project::{Project, Searchable, SourceTexts};

use super::request::blocking;
use crate::error::ApiError;
use crate::state::AppState;

/// Quotes shown before and after a quote on its page.
const CONTEXT_QUOTES: usize = 2;

/// `GET /api/quote/{id}`: the quote; its codes (those that apply and those only
/// suggested, with scores, evidence and names); the quotes around it; its source's text
/// cut at the quote's span (`before`, `quote`, `after`, so that no client counts
/// characters); and the memos on it, its themes and its source.
pub async fn quote(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let searchable = state.searchable();
    let sources = state.sources();
    let project = state.project.clone();
    blocking(move || {
        let row = searchable
            .row_of(&id)?
            .ok_or_else(|| ApiError::NotFound(format!("no quote {id}")))?;
        let quote = searchable.quote(row)?;
        let entry = searchable
            .table
            .sources
            .iter()
            .find(|s| (s.first_row as usize..(s.first_row + s.rows) as usize).contains(&row))
            .ok_or_else(|| ApiError::Internal(format!("quote row {row} in no source")))?;
        let first = entry.first_row as usize;
        let last = first + entry.rows as usize;
        let mut before = Vec::new();
        for r in row.saturating_sub(CONTEXT_QUOTES).max(first)..row {
            before.push(searchable.quote(r)?);
        }
        let mut after = Vec::new();
        for r in row + 1..(row + 1 + CONTEXT_QUOTES).min(last) {
            after.push(searchable.quote(r)?);
        }
        let mut in_source = before.clone();
        in_source.push(quote.clone());
        in_source.extend(after.iter().cloned());
        let themes: Vec<String> = searchable
            .table
            .codes(row)
            .map(|c| c.theme.to_string())
            .collect();
        let theme_ids: Vec<&str> = themes.iter().map(String::as_str).collect();
        let memos: Vec<_> = project_memos(&project, |_| {
            Ok(in_source.iter().cloned().map(QuoteSpan::of).collect())
        })?
        .into_iter()
        .filter(|m| m.concerns(&quote.id, &quote.source, &theme_ids))
        .collect();
        let codes = codes_of(&searchable, &project, entry, row, &quote.id)?;
        let source = source_cut(&sources, &quote);
        Ok(Json(json!({
            "quote": quote,
            "codes": codes,
            "source": source,
            "before": before,
            "after": after,
            "memos": memos,
        })))
    })
    .await
}

/// The quote's codes: the table's (manual and automatic, those that count) with the
/// evidence the last run wrote, then the suggestions, which the table does not keep.
fn codes_of(
    searchable: &Searchable,
    project: &Project,
    entry: &SourceEntry,
    row: usize,
    id: &str,
) -> Result<Vec<Value>, ApiError> {
    let written: Vec<Coding> = source_codings(&StatePaths::of(project), entry)?
        .into_iter()
        .filter(|c| c.quote == id)
        .collect();
    let name = |theme: &str| {
        (searchable.codebook.themes.iter())
            .find(|t| t.id == theme)
            .map(|t| t.name.clone())
    };
    let mut codes: Vec<Value> = searchable
        .table
        .codes(row)
        .map(|c| {
            let evidence = (written.iter())
                .find(|w| w.theme == c.theme && w.origin == c.origin)
                .map(|w| w.evidence.clone())
                .unwrap_or_default();
            json!({
                "theme": c.theme, "name": name(c.theme),
                // A manual code has no score of its own.
                "score": (c.origin != Origin::Manual).then_some(c.score),
                "origin": c.origin, "evidence": evidence,
            })
        })
        .collect();
    for suggestion in written.iter().filter(|c| c.origin == Origin::Suggested) {
        codes.push(json!({
            "theme": suggestion.theme, "name": name(&suggestion.theme),
            "score": suggestion.score, "origin": suggestion.origin,
            "evidence": suggestion.evidence,
        }));
    }
    Ok(codes)
}

/// The text of the quote's source cut at its span, or `null` when the source can no
/// longer be read or no longer holds the span (the quote stands as last read).
fn source_cut(sources: &SourceTexts, quote: &Quote) -> Value {
    let Ok(text) = sources.text(&quote.source) else {
        return Value::Null;
    };
    let byte = |chars: usize| text.char_indices().nth(chars).map(|(i, _)| i);
    let (Some(start), Some(end)) = (
        byte(quote.start),
        byte(quote.end).or_else(|| (quote.end == text.chars().count()).then_some(text.len())),
    ) else {
        return Value::Null;
    };
    if start > end {
        return Value::Null;
    }
    json!({
        "name": quote.source,
        "before": &text[..start],
        "quote": &text[start..end],
        "after": &text[end..],
    })
}
