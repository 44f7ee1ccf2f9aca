//! Errors as the API answers them: a status and `{"error": ..., "status": ...}`, never a
//! panic or an HTML page.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// What went wrong with a request.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The request names something that is not there (a quote, a theme).
    #[error("{0}")]
    NotFound(String),
    /// The request is wrong (a typo in a filter, a missing field).
    #[error("{0}")]
    BadRequest(String),
    /// A request body over the limit.
    #[error("the request is too large")]
    TooLarge,
    /// A change asked of a server started read-only.
    #[error("this server is read-only: start it with `verbatim serve --code` to record decisions")]
    ReadOnly,
    /// The engine failed on the project's own files (Verbatim's or the disk's fault).
    #[error("{0}")]
    Internal(String),
}

impl ApiError {
    fn status(&self) -> StatusCode {
        match self {
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::ReadOnly => StatusCode::FORBIDDEN,
            ApiError::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl From<verbatim_project::Error> for ApiError {
    fn from(error: verbatim_project::Error) -> Self {
        let message = verbatim_project::error_chain(&error);
        if error.is_internal() {
            ApiError::Internal(message)
        } else {
            ApiError::BadRequest(message)
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        let body = serde_json::json!({"error": self.to_string(), "status": status.as_u16()});
        (status, Json(body)).into_response()
    }
}
