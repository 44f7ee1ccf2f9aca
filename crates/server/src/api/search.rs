//! Search with facets, and the themes with their counts.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, RawQuery, State};
use axum::response::Response;
use serde::Serialize;
use serde_json::{Value, json};
use verbatim_model::Quote;
use verbatim_project::{
    Answer, SEARCH_ATTRIBUTES, SearchFilters, Searchable, check_codebook_names,
};

use super::report::csv_file;
use super::request::{Params, blocking};
use crate::error::ApiError;
use crate::state::AppState;

/// Most hits a page may hold.
const MOST_PER_PAGE: usize = 100;
/// Most rows a search's CSV holds.
const MOST_CSV_ROWS: usize = 50_000;
/// Quotes a theme's page lists.
const THEME_QUOTES: usize = 10;

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
    round: Option<String>,
    source: String,
    line: usize,
    themes: Vec<String>,
}

/// `GET /api/search?q=&theme=&category=&area=&sector=&role=&round=&speaker=&page=&per_page=`:
/// each filter repeatable (any of its values), facets counted as [`Answer`] says.
pub async fn search(
    State(state): State<Arc<AppState>>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let params = Params::parse(raw, &search_parameters(&["page", "per_page"]))?;
    let page = params.number("page", 1)?.max(1);
    let per_page = params.number("per_page", 20)?.clamp(1, MOST_PER_PAGE);
    let (words, filters) = search_of(&params, page.saturating_mul(per_page));
    let searchable = state.searchable();
    blocking(move || {
        let answer = answer_of(&searchable, &words, &filters)?;
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

/// The parameters of a search, and `more`.
fn search_parameters<'a>(more: &[&'a str]) -> Vec<&'a str> {
    let mut known = vec!["q", "theme", "category"];
    known.extend(SEARCH_ATTRIBUTES);
    known.extend(more);
    known
}

/// The words and filters a request asks for, at most `limit` hits.
fn search_of(params: &Params, limit: usize) -> (String, SearchFilters) {
    let filters = SearchFilters {
        themes: params.all("theme"),
        categories: params.all("category"),
        attributes: SEARCH_ATTRIBUTES
            .iter()
            .map(|&name| (name.to_string(), params.all(name)))
            .filter(|(_, values)| !values.is_empty())
            .collect(),
        limit,
    };
    (params.one("q").unwrap_or_default(), filters)
}

/// The search's answer; a theme or category not in the codebook is an error.
fn answer_of(
    searchable: &Searchable,
    words: &str,
    filters: &SearchFilters,
) -> Result<Answer, ApiError> {
    check_codebook_names(&searchable.codebook, &filters.themes, &filters.categories)?;
    Ok(searchable.search(words, filters)?)
}

/// `GET /api/search.csv?q=&theme=...`: every quote the search finds (at most
/// [`MOST_CSV_ROWS`]), best first, with its attributes and themes, as a CSV file.
pub async fn search_csv(
    State(state): State<Arc<AppState>>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let params = Params::parse(raw, &search_parameters(&[]))?;
    let (words, filters) = search_of(&params, MOST_CSV_ROWS);
    let searchable = state.searchable();
    let csv = blocking(move || {
        let answer = answer_of(&searchable, &words, &filters)?;
        let mut writer = csv::Writer::from_writer(Vec::new());
        let header = [
            "quote",
            "score",
            "speaker",
            "role",
            "organisation",
            "area",
            "sector",
            "round",
            "source",
            "start",
            "end",
            "themes",
            "text",
        ];
        let failed = |e: csv::Error| ApiError::Internal(e.to_string());
        writer.write_record(header).map_err(failed)?;
        for &(row, score) in &answer.hits {
            let quote = searchable.quote(row)?;
            let themes: Vec<&str> = searchable.table.codes(row).map(|c| c.theme).collect();
            let text = |value: &Option<String>| value.clone().unwrap_or_default();
            writer
                .write_record([
                    quote.id.clone(),
                    format!("{score:.4}"),
                    text(&quote.speaker.clone().or(quote.speaker_hint.clone())),
                    text(&quote.role),
                    text(&quote.organisation),
                    text(&quote.area),
                    text(&quote.sector),
                    text(&quote.round),
                    quote.source.clone(),
                    quote.start.to_string(),
                    quote.end.to_string(),
                    themes.join(";"),
                    quote.text.clone(),
                ])
                .map_err(failed)?;
        }
        let bytes = writer
            .into_inner()
            .map_err(|e| ApiError::Internal(e.to_string()))?;
        String::from_utf8(bytes).map_err(|e| ApiError::Internal(e.to_string()))
    })
    .await?;
    Ok(csv_file("quotes.csv", csv))
}

/// Every facet's counts: theme and area, then the other attributes.
fn facets(answer: &Answer) -> Value {
    let mut all = json!({
        "theme": answer.by_theme,
        "category": answer.by_category,
        "area": answer.by_area,
    });
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
        round: quote.round,
        source: quote.source,
        line: quote.line,
        themes,
    }
}

/// `GET /api/themes`: the codebook's categories, and its themes with how many quotes
/// each is coded to.
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
        let categories: Vec<Value> = (searchable.codebook.categories.iter())
            .map(|c| json!({"id": c.id, "name": c.name}))
            .collect();
        Ok(Json(json!({
            "total": answer.total,
            "categories": categories,
            "themes": themes,
        })))
    })
    .await
}

/// `GET /api/theme/{id}`: a theme of the codebook, how many quotes it has by area, role
/// and sector, and its best quotes.
pub async fn theme(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let searchable = state.searchable();
    blocking(move || {
        let Some(theme) = searchable.codebook.themes.iter().find(|t| t.id == id) else {
            let names: Vec<&str> = (searchable.codebook.themes.iter())
                .map(|t| t.id.as_str())
                .collect();
            return Err(ApiError::NotFound(verbatim_model::unknown_name(
                "theme", &id, &names,
            )));
        };
        let filters = SearchFilters {
            themes: vec![theme.id.clone()],
            limit: THEME_QUOTES,
            ..SearchFilters::default()
        };
        let answer = searchable.search("", &filters)?;
        let mut quotes = Vec::new();
        for &(row, score) in &answer.hits {
            let themes = searchable
                .table
                .codes(row)
                .map(|c| c.theme.to_string())
                .collect();
            quotes.push(hit(searchable.quote(row)?, score, themes));
        }
        let mut by = json!({"area": answer.by_area});
        for (name, counts) in &answer.by_attribute {
            if name != "speaker" {
                by[name] = json!(counts);
            }
        }
        Ok(Json(json!({
            "id": theme.id,
            "name": theme.name,
            "category": theme.category,
            "description": theme.description,
            "quotes": answer.by_theme.get(&theme.id).copied().unwrap_or(0),
            "by": by,
            "top": quotes,
        })))
    })
    .await
}
