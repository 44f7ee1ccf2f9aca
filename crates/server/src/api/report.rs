//! The report's counts, as `verbatim report` makes them: as JSON, or one of its tables
//! as CSV (the theme frequency, or the matrix by one attribute).

use std::sync::Arc;

use axum::Json;
use axum::extract::{RawQuery, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use verbatim_project::{CodeRequest, ReportView, Silent, code, report_coded, report_table};
use verbatim_report::{Dataset, Report, frequency_csv, matrix_csv};

use super::request::{Params, blocking};
use crate::error::ApiError;
use crate::state::AppState;

/// The parameters a report takes.
const REPORT_PARAMETERS: [&str; 5] = ["by", "theme", "category", "top", "normalise"];

/// The view a report request asks for.
fn view_of(params: &Params) -> Result<ReportView, ApiError> {
    Ok(ReportView {
        by: params.all("by"),
        themes: params.all("theme"),
        categories: params.all("category"),
        top: params.number("top", 3)?,
        normalise: matches!(params.one("normalise").as_deref(), Some("1" | "true")),
        ..ReportView::default()
    })
}

/// Makes the report of `view` and hands it to `render`, from the quote table when the
/// view's attributes are there, else (roster columns, front matter) from the coded
/// quotes, as the CLI does.
async fn made<T: Send + 'static>(
    state: &AppState,
    view: ReportView,
    render: impl Fn(&Report) -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    let project = state.project.clone();
    blocking(move || {
        let render = |report: &Report, _: &Dataset<'_>| render(report);
        if view.fits_table() {
            report_table(&project, &view, &Silent, render)?
        } else {
            let coded = code(Some(&project), &CodeRequest::default(), &Silent)?;
            report_coded(Some(&project), coded, &view, render)?
        }
    })
    .await
}

/// `GET /api/report?by=area&by=role&theme=&category=&top=&normalise=`: every count of
/// the report.
pub async fn report(
    State(state): State<Arc<AppState>>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let view = view_of(&Params::parse(raw, &REPORT_PARAMETERS)?)?;
    let value = made(&state, view, |report| {
        serde_json::to_value(report).map_err(|e| ApiError::Internal(e.to_string()))
    })
    .await?;
    Ok(Json(value))
}

/// `GET /api/report.csv?table=themes|<attribute>&...`: the theme frequency, or the
/// matrix of themes by an attribute, as a CSV file to download.
pub async fn report_csv(
    State(state): State<Arc<AppState>>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let mut known = REPORT_PARAMETERS.to_vec();
    known.push("table");
    let params = Params::parse(raw, &known)?;
    let mut view = view_of(&params)?;
    let table = params.one("table").unwrap_or_else(|| "themes".to_string());
    if table != "themes" {
        view.by = vec![table.clone()];
    }
    let wanted = table.clone();
    let csv = made(&state, view, move |report| {
        if wanted == "themes" {
            return Ok(frequency_csv(report));
        }
        matrix_csv(report, &wanted)
            .ok_or_else(|| ApiError::Internal(format!("the report made no {wanted} matrix")))
    })
    .await?;
    Ok(csv_file(&format!("themes-by-{table}.csv"), csv))
}

/// A CSV body offered as a download named `name`.
pub(crate) fn csv_file(name: &str, csv: String) -> Response {
    let name: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        csv,
    )
        .into_response()
}
