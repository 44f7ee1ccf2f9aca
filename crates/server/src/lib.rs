//! `verbatim serve`: a local web app over a Verbatim project, for readers who search
//! quotes by theme and coders who review codes, and the JSON API under `/api/` behind it.
//!
//! The server is a client of the engine (`verbatim-project`): it searches with the same
//! `Searchable`, reports with the same `report_table`, and records decisions through the
//! same `manual::verbs::Session` as the CLI, so the two never disagree. It binds to
//! 127.0.0.1 unless told otherwise, is read-only unless started writable, and lets no
//! request name a file: quotes, themes and sources are looked up among the project's own.
//!
//! # Example
//!
//! ```
//! use verbatim_server::{AppState, router};
//!
//! let dir = tempfile::tempdir()?;
//! std::fs::write(dir.path().join("verbatim.toml"), "[project]\nsources = [\"a.txt\"]\n\
//!     codebook = \"codebook.toml\"\nmodel = \"none\"\n")?;
//! std::fs::write(dir.path().join("codebook.toml"), "[codebook]\nid = \"demo\"\n\
//!     name = \"Demo\"\n[[category]]\nid = \"challenge\"\nname = \"Challenges\"\n\
//!     [[theme]]\nid = \"challenge.fatigue\"\ncategory = \"challenge\"\nname = \"Fatigue\"\n\
//!     [[theme.rules]]\nany = [\"exhausted\"]\n")?;
//! std::fs::write(dir.path().join("a.txt"), "Q: How?\n\nA: Everyone is exhausted by now.\n")?;
//! let project = verbatim_project::Project::load(dir.path())?;
//! let state = AppState::open(project, false)?;
//! let app = router(state); // serve it with axum::serve on a tokio listener
//! # let _ = app;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod api;
mod error;
mod page;
mod state;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::get;

pub use error::ApiError;
pub use state::AppState;

/// Largest request body accepted (a decision is a few hundred bytes).
const BODY_LIMIT: usize = 64 * 1024;
/// Longest a request may take before it is answered with an error.
const REQUEST_TIME: Duration = Duration::from_secs(30);

/// Every route: the page at `/`, the API under `/api/`; anything else is a JSON 404.
pub fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/", get(page::index))
        .route("/api/search", get(api::search))
        .route("/api/search.csv", get(api::search_csv))
        .route("/api/quote/{id}", get(api::quote))
        .route("/api/themes", get(api::themes))
        .route("/api/theme/{id}", get(api::theme))
        .route("/api/report", get(api::report))
        .route("/api/report.csv", get(api::report_csv))
        .route("/api/codings", get(api::codings).post(api::decide))
        .fallback(|| async { ApiError::NotFound("no such page".into()) })
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(axum::middleware::from_fn(time_limit))
        .with_state(state)
}

/// Answers a request that takes longer than [`REQUEST_TIME`] with an error.
async fn time_limit(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    match tokio::time::timeout(REQUEST_TIME, next.run(request)).await {
        Ok(response) => response,
        Err(_) => ApiError::Internal("the request took too long".into()).into_response(),
    }
}

/// Serves `state` on `address` until the process is interrupted; `ready` is told the
/// address bound (port 0 picks a free one).
pub async fn serve(
    state: Arc<AppState>,
    address: SocketAddr,
    ready: impl FnOnce(SocketAddr),
) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(address).await?;
    ready(listener.local_addr()?);
    axum::serve(listener, router(state))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
}

/// [`serve`] on a runtime of its own, for callers that are not async (the binary).
pub fn serve_blocking(
    state: Arc<AppState>,
    address: SocketAddr,
    ready: impl FnOnce(SocketAddr),
) -> std::io::Result<()> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(serve(state, address, ready))
}

#[cfg(test)]
mod api_tests;
