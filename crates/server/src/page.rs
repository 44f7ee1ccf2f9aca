//! The search page: one self-contained HTML page (no fetch beyond this server), whose
//! script asks the API and keeps its state in the URL so that a search can be shared.

use std::sync::Arc;

use axum::extract::State;
use axum::response::Html;

use crate::state::AppState;

const PAGE: &str = include_str!("page.html");

/// `GET /`: the page, told whether decisions may be made from it.
pub async fn index(State(state): State<Arc<AppState>>) -> Html<String> {
    Html(PAGE.replace(
        "__WRITABLE__",
        if state.writable { "true" } else { "false" },
    ))
}
