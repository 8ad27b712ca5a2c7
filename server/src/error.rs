//! Errors of the HTTP API, as responses that say what went wrong without
//! showing internals (those are logged).

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;
use tracing::error;

use crate::rooms::RoomError;
use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("invalid board id: {0}")]
    BadBoardId(#[from] atelier_shared::BoardIdError),
    #[error("{0}")]
    BadRequest(String),
    #[error("no such board")]
    NotFound,
    #[error("too many connections, try again later")]
    TooManyConnections,
    #[error("the server is shutting down")]
    ShuttingDown,
    #[error("storage failure")]
    Store(#[from] StoreError),
    #[error("board unavailable")]
    Room(#[from] RoomError),
    #[error("{0}")]
    Access(#[from] crate::access::Refusal),
    /// Too many of these from one address: try again after this long.
    #[error("too many requests from this address: try again in a minute")]
    TooManyRequests(std::time::Duration),
}

impl AppError {
    fn status(&self) -> StatusCode {
        match self {
            AppError::BadBoardId(_) | AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::TooManyConnections | AppError::ShuttingDown => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            AppError::Room(RoomError::ShuttingDown) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Store(_) | AppError::Room(_) => StatusCode::INTERNAL_SERVER_ERROR,
            AppError::Access(crate::access::Refusal::Missing) => StatusCode::UNAUTHORIZED,
            AppError::Access(_) => StatusCode::FORBIDDEN,
            AppError::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status();
        if status.is_server_error() && status != StatusCode::SERVICE_UNAVAILABLE {
            error!(err = ?self, "request failed");
        }
        // Unreadable stored data is said as such (the details stay in the
        // log): the person who opened the board must know it is not lost.
        let message = match &self {
            AppError::Store(StoreError::Unreadable { .. }) => RoomError::Unreadable.to_string(),
            AppError::Room(err @ RoomError::Unreadable) => err.to_string(),
            other => other.to_string(),
        };
        let mut response = (status, Json(json!({ "error": message }))).into_response();
        if let AppError::TooManyRequests(wait) = self
            && let Ok(value) = axum::http::HeaderValue::from_str(&wait.as_secs().max(1).to_string())
        {
            response
                .headers_mut()
                .insert(axum::http::header::RETRY_AFTER, value);
        }
        response
    }
}
