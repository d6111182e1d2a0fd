//! Error replies: every refusal is JSON that says why.
//!
//! `message` is what document 003 reads on a 400 and `error_description` what
//! document 002 reads on a 403; both carry the same sentence.

use crate::domain::{FieldError, Invalid};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub status: StatusCode,
    pub error: &'static str,
    pub message: String,
    pub details: Vec<FieldError>,
    pub retry_after_secs: Option<u64>,
}

impl Failure {
    pub fn new(status: StatusCode, error: &'static str, message: impl Into<String>) -> Self {
        Self { status, error, message: message.into(), details: Vec::new(), retry_after_secs: None }
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "bad_request", message)
    }

    /// A 400 listing every broken rule.
    pub fn invalid(invalid: &Invalid) -> Self {
        Self { details: invalid.errors().to_vec(), ..Self::bad_request(invalid.to_string()) }
    }

    /// A 400 for one broken rule.
    pub fn field(error: FieldError) -> Self {
        Self::invalid(&Invalid::from(error))
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", message)
    }

    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, "conflict", message)
    }

    pub fn precondition_required(message: impl Into<String>) -> Self {
        Self::new(StatusCode::PRECONDITION_REQUIRED, "precondition_required", message)
    }

    pub fn unauthorized(error: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, error, message)
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "insufficient_scope", message)
    }

    pub fn rate_limited(retry_after_secs: u64, message: impl Into<String>) -> Self {
        Self {
            retry_after_secs: Some(retry_after_secs),
            ..Self::new(StatusCode::TOO_MANY_REQUESTS, "rate_limited", message)
        }
    }

    /// An injected server fault with its conventional code, and words a
    /// gateway would give: the client adds what to do about it.
    pub fn server(status: StatusCode) -> Self {
        let (error, message) = match status.as_u16() {
            502 => ("bad_gateway", "bad gateway: an upstream service did not answer"),
            503 => ("unavailable", "service temporarily unavailable"),
            504 => ("gateway_timeout", "gateway timeout: an upstream service took too long"),
            _ => ("server_error", "internal server error"),
        };
        Self::new(status, error, message)
    }

    pub fn body(&self) -> serde_json::Value {
        let mut body = json!({
            "error": self.error,
            "message": self.message,
            "error_description": self.message,
        });
        if !self.details.is_empty() {
            body["details"] =
                self.details.iter().map(|d| json!({ "field": d.field, "rule": d.rule })).collect();
        }
        body
    }
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        let mut response = (self.status, axum::Json(self.body())).into_response();
        let headers = response.headers_mut();
        if let Some(secs) = self.retry_after_secs {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        if self.status == StatusCode::UNAUTHORIZED && self.error == "invalid_token" {
            headers
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer error=\"invalid_token\""));
        }
        response
    }
}

/// Handlers return this; `?` turns any [`Failure`] into its JSON reply.
pub type Result<T, E = Failure> = std::result::Result<T, E>;
