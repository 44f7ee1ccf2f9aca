//! The researcher's decisions: listed, and with `--code` recorded through the engine's
//! session, the same code as `verbatim coding`.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::extract::rejection::JsonRejection;
use serde::Deserialize;
use serde_json::{Value, json};
use verbatim_project::Silent;
use verbatim_project::manual::verbs::{Session, Signature, Subject};

use super::request::blocking;
use crate::error::ApiError;
use crate::state::AppState;

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
        let sources = verbatim_project::SourceTexts::open(&project)?;
        Ok((outcome, searchable, sources))
    })
    .await?;
    let (outcome, searchable, sources) = reloaded;
    state.replace(searchable, sources);
    Ok(Json(serde_json::to_value(&outcome).unwrap_or(Value::Null)))
}
