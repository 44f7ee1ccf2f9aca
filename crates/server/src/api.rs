//! The JSON API under `/api/`: search with facets, a quote in its context, themes with
//! counts, the report's counts, and the researcher's decisions (read, and with `--code`
//! written through the same engine calls as `verbatim coding`).
//!
//! Nothing a request says reaches the file system as a path: quotes, themes and sources
//! are looked up by id among the project's own.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, RawQuery, State};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use verbatim_model::Quote;
use verbatim_project::manual::memos::project_memos;
use verbatim_project::manual::place::QuoteSpan;
use verbatim_project::manual::verbs::{Session, Signature, Subject};
use verbatim_project::{
    CodeRequest, ReportView, SearchFilters, Silent, check_codebook_names, code, report_coded,
    report_table,
};

use crate::error::ApiError;
use crate::state::AppState;

/// Most hits a page may hold.
const MOST_PER_PAGE: usize = 100;
/// Quotes shown before and after a quote on its page.
const CONTEXT_QUOTES: usize = 2;

/// Query parameters, several values per name allowed (`theme=a&theme=b`).
fn params(raw: Option<String>) -> Result<BTreeMap<String, Vec<String>>, ApiError> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for pair in raw.unwrap_or_default().split('&').filter(|p| !p.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        out.entry(decode(name)?).or_default().push(decode(value)?);
    }
    Ok(out)
}

/// `application/x-www-form-urlencoded` decoding: `+` is a space, `%XX` a byte.
fn decode(text: &str) -> Result<String, ApiError> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = text
                    .get(i + 1..i + 3)
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                    .ok_or_else(|| ApiError::BadRequest(format!("bad escape in {text:?}")))?;
                out.push(hex);
                i += 2;
            }
            byte => out.push(byte),
        }
        i += 1;
    }
    String::from_utf8(out).map_err(|_| ApiError::BadRequest(format!("{text:?} is not UTF-8")))
}

fn one(params: &BTreeMap<String, Vec<String>>, name: &str) -> Option<String> {
    params
        .get(name)
        .and_then(|v| v.last())
        .filter(|v| !v.is_empty())
        .cloned()
}

fn number(
    params: &BTreeMap<String, Vec<String>>,
    name: &str,
    default: usize,
) -> Result<usize, ApiError> {
    match one(params, name) {
        None => Ok(default),
        Some(value) => value
            .parse()
            .map_err(|_| ApiError::BadRequest(format!("{name}={value}: not a whole number"))),
    }
}

/// Runs blocking engine work off the async threads.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|_| ApiError::Internal("the request's work failed".into()))?
}

/// A hit as the search page lists it.
#[derive(Serialize)]
struct Hit {
    id: String,
    score: f64,
    text: String,
    speaker: Option<String>,
    role: Option<String>,
    organisation: Option<String>,
    area: Option<String>,
    sector: Option<String>,
    source: String,
    themes: Vec<String>,
}

/// `GET /api/search?q=&theme=&category=&area=&sector=&speaker=&page=&per_page=`.
pub async fn search(
    State(state): State<Arc<AppState>>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let params = params(raw)?;
    let page = number(&params, "page", 1)?.max(1);
    let per_page = number(&params, "per_page", 20)?.clamp(1, MOST_PER_PAGE);
    let words = one(&params, "q").unwrap_or_default();
    let filters = SearchFilters {
        themes: params.get("theme").cloned().unwrap_or_default(),
        categories: params.get("category").cloned().unwrap_or_default(),
        area: one(&params, "area"),
        sector: one(&params, "sector"),
        speaker: one(&params, "speaker"),
        role: one(&params, "role"),
        round: one(&params, "round"),
        limit: page * per_page,
    };
    let searchable = state.searchable();
    blocking(move || {
        check_codebook_names(&searchable.codebook, &filters.themes, &filters.categories)?;
        let answer = searchable.search(&words, &filters)?;
        let mut hits = Vec::new();
        for &(row, score) in answer.hits.iter().skip((page - 1) * per_page) {
            let quote = searchable.quote(row)?;
            let themes = searchable
                .table
                .codes(row)
                .map(|c| c.theme.to_string())
                .collect();
            hits.push(hit(quote, score, themes));
        }
        let mut stems: Vec<&String> = answer.stems.iter().collect();
        stems.sort();
        Ok(Json(json!({
            "query": words,
            "stems": stems,
            "total": answer.total,
            "page": page,
            "per_page": per_page,
            "facets": facets(&answer),
            "hits": hits,
        })))
    })
    .await
}

/// Every facet's counts: theme and area, then the other attributes.
fn facets(answer: &verbatim_project::Answer) -> Value {
    let mut all = json!({"theme": answer.by_theme, "area": answer.by_area});
    for (name, counts) in &answer.by_attribute {
        all[name] = json!(counts);
    }
    all
}

fn hit(quote: Quote, score: f64, themes: Vec<String>) -> Hit {
    Hit {
        id: quote.id,
        score,
        text: quote.text,
        speaker: quote.speaker.or(quote.speaker_hint),
        role: quote.role,
        organisation: quote.organisation,
        area: quote.area,
        sector: quote.sector,
        source: quote.source,
        themes,
    }
}

/// `GET /api/quote/{id}`: the quote, its codes, the quotes around it in its source, and
/// the memos on it, its themes and its source.
pub async fn quote(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let searchable = state.searchable();
    let project = state.project.clone();
    blocking(move || {
        let row = searchable
            .row_of(&id)?
            .ok_or_else(|| ApiError::NotFound(format!("no quote {id}")))?;
        let quote = searchable.quote(row)?;
        let codes: Vec<Value> = searchable
            .table
            .codes(row)
            .map(|c| json!({"theme": c.theme, "score": c.score, "origin": c.origin}))
            .collect();
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
        Ok(Json(json!({
            "quote": quote,
            "codes": codes,
            "before": before,
            "after": after,
            "memos": memos,
        })))
    })
    .await
}

/// `GET /api/themes`: the codebook's themes with how many quotes each is coded to.
pub async fn themes(State(state): State<Arc<AppState>>) -> Result<Json<Value>, ApiError> {
    let searchable = state.searchable();
    blocking(move || {
        let answer = searchable.search(
            "",
            &SearchFilters {
                limit: 0,
                ..SearchFilters::default()
            },
        )?;
        let themes: Vec<Value> = searchable
            .codebook
            .themes
            .iter()
            .map(|t| {
                json!({
                    "id": t.id,
                    "name": t.name,
                    "category": t.category,
                    "description": t.description,
                    "quotes": answer.by_theme.get(&t.id).copied().unwrap_or(0),
                })
            })
            .collect();
        Ok(Json(json!({"total": answer.total, "themes": themes})))
    })
    .await
}

/// `GET /api/report?by=area&by=role&theme=&category=&top=`: every count of the report.
pub async fn report(
    State(state): State<Arc<AppState>>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let params = params(raw)?;
    let view = ReportView {
        by: params.get("by").cloned().unwrap_or_default(),
        themes: params.get("theme").cloned().unwrap_or_default(),
        categories: params.get("category").cloned().unwrap_or_default(),
        top: number(&params, "top", 3)?,
        ..ReportView::default()
    };
    let project = state.project.clone();
    blocking(move || {
        let json = |report: &verbatim_report::Report, _: &verbatim_report::Dataset<'_>| {
            serde_json::to_value(report).map_err(|e| ApiError::Internal(e.to_string()))
        };
        // Free attributes (roster columns, front matter) are not in the quote table: those
        // reports are made from the coded quotes, as the CLI makes them.
        let value = if view.fits_table() {
            report_table(&project, &view, &Silent, json)??
        } else {
            let coded = code(Some(&project), &CodeRequest::default(), &Silent)?;
            report_coded(Some(&project), coded, &view, json)??
        };
        Ok(Json(value))
    })
    .await
}

/// `GET /api/codings`: every decision with the quotes it falls on now.
pub async fn codings(State(state): State<Arc<AppState>>) -> Result<Json<Value>, ApiError> {
    let project = state.project.clone();
    blocking(move || {
        let session = Session::open(&project, &Silent)?;
        let listed: Vec<Value> = session
            .listed()?
            .into_iter()
            .map(|(coding, quotes)| {
                let mut value = serde_json::to_value(&coding).unwrap_or(Value::Null);
                value["quotes"] = json!(quotes);
                value
            })
            .collect();
        Ok(Json(json!({"decisions": listed})))
    })
    .await
}

/// A decision posted to `/api/codings`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DecisionRequest {
    /// `add`, `accept`, `reject`, `remove` or `memo`.
    pub action: String,
    /// A quote id (or `source:start-end` for `add` and `remove`).
    pub target: String,
    /// The theme (all but `memo`).
    pub theme: Option<String>,
    /// A memo: the note kept with the decision, or the memo itself.
    pub memo: Option<String>,
    /// Who decides.
    pub coder: Option<String>,
}

/// `POST /api/codings`: a decision, written through the engine's session (the same code
/// as `verbatim coding`), one at a time; the search state is reloaded after it.
pub async fn decide(
    State(state): State<Arc<AppState>>,
    request: Result<Json<DecisionRequest>, JsonRejection>,
) -> Result<Json<Value>, ApiError> {
    if !state.writable {
        return Err(ApiError::ReadOnly);
    }
    let Json(request) = request.map_err(|rejection| match rejection.status() {
        axum::http::StatusCode::PAYLOAD_TOO_LARGE => ApiError::TooLarge,
        _ => ApiError::BadRequest(rejection.body_text()),
    })?;
    let _one_at_a_time = state.writes.lock().await;
    let project = state.project.clone();
    let reloaded = blocking(move || {
        let session = Session::open(&project, &Silent)?;
        let signature = Signature {
            coder: request.coder.clone(),
            memo: request.memo.clone(),
        };
        let theme = || {
            request
                .theme
                .clone()
                .ok_or_else(|| ApiError::BadRequest(format!("{} needs a theme", request.action)))
        };
        let outcome = match request.action.as_str() {
            "add" => session.add(&Subject::parse(&request.target), &theme()?, &signature)?,
            "remove" => session.remove(&Subject::parse(&request.target), &theme()?)?,
            "accept" => session.accept(&request.target, &theme()?, &signature)?,
            "reject" => session.reject(&request.target, &theme()?, &signature)?,
            "memo" => {
                let text = request
                    .memo
                    .clone()
                    .ok_or_else(|| ApiError::BadRequest("memo needs its text".into()))?;
                session.memo(&request.target, &text, &Signature::default())?
            }
            other => {
                return Err(ApiError::BadRequest(format!(
                    "action {other:?}: one of add, accept, reject, remove, memo"
                )));
            }
        };
        let searchable = verbatim_project::Searchable::open(Some(&project), &[], None, &Silent)?;
        Ok((outcome, searchable))
    })
    .await?;
    let (outcome, searchable) = reloaded;
    state.replace(searchable);
    Ok(Json(serde_json::to_value(&outcome).unwrap_or(Value::Null)))
}
