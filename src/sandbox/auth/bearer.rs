//! The check in front of every API call: a live bearer token whose scopes
//! allow the matched route.
//!
//! It must run as a route layer, where axum has already matched the route,
//! because the scope rules are keyed by path template.

use super::TokenProblem;
use crate::sandbox::reply::Failure;
use crate::sandbox::{SandboxState, scopes};
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// The token in `Authorization: Bearer <token>`, or why there is none.
pub fn bearer_token(headers: &HeaderMap) -> Result<&str, BearerProblem> {
    let mut values = headers.get_all(header::AUTHORIZATION).iter();
    let Some(value) = values.next() else {
        return Err(BearerProblem::Missing);
    };
    if values.next().is_some() {
        return Err(BearerProblem::Garbled);
    }
    let text = value.to_str().map_err(|_| BearerProblem::Garbled)?;
    let (scheme, token) = text.trim().split_once(' ').ok_or(BearerProblem::Garbled)?;
    let token = token.trim();
    if !scheme.eq_ignore_ascii_case("bearer") || !is_b64token(token) {
        return Err(BearerProblem::Garbled);
    }
    Ok(token)
}

/// RFC 6750 §2.1: `1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="`.
fn is_b64token(token: &str) -> bool {
    let body = token.trim_end_matches('=');
    !body.is_empty()
        && body
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'+' | b'/'))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BearerProblem {
    Missing,
    Garbled,
}

fn invalid_token(message: impl Into<String>) -> Response {
    Failure::unauthorized("invalid_token", message).into_response()
}

/// Refuses the request unless it carries a live token with a scope the
/// route needs. Routes without a scope rule are refused outright.
pub async fn authorize(State(state): State<SandboxState>, request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let Some(path) = request.extensions().get::<MatchedPath>().map(|p| p.as_str().to_string()) else {
        return no_rule(&method, request.uri().path());
    };
    let Some(needed) = scopes::required(&method, &path) else {
        return no_rule(&method, &path);
    };
    let token = match bearer_token(request.headers()) {
        Ok(token) => token,
        Err(BearerProblem::Missing) => {
            return invalid_token("no access token: send `Authorization: Bearer <access_token>`");
        }
        Err(BearerProblem::Garbled) => {
            return invalid_token("the Authorization header is not `Bearer <access_token>`");
        }
    };
    let granted = match state.auth.check(token) {
        Ok(granted) => granted,
        Err(problem) => return invalid_token(TokenProblem::describe(problem)),
    };
    if !needed.iter().any(|s| granted.contains(s)) {
        let has = if granted.is_empty() { "no scopes".to_string() } else { granted.join(" ") };
        return Failure::forbidden(format!(
            "{method} {path} needs one of the scopes {}; the token has {has}",
            needed.join(", ")
        ))
        .into_response();
    }
    next.run(request).await
}

/// A method the wire does not define on a known path is a 405; a route the
/// scope table does not know at all is a server bug, refused as such.
fn no_rule(method: &Method, path: &str) -> Response {
    let allowed = scopes::methods_allowed(path);
    if allowed.is_empty() {
        tracing::error!(%method, path, "no scope rule exists for this route; refusing it");
        return Failure::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "server_error",
            format!("no scope rule exists for {method} {path}, so nobody may call it"),
        )
        .into_response();
    }
    let list = allowed.join(", ");
    let mut response = Failure::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        format!("{method} is not allowed on {path}; use {list}"),
    )
    .into_response();
    if let Ok(value) = HeaderValue::from_str(&list) {
        response.headers_mut().insert(header::ALLOW, value);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(values: &[&'static str]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for v in values {
            map.append(header::AUTHORIZATION, HeaderValue::from_static(v));
        }
        map
    }

    #[test]
    fn reads_bearer_tokens_and_refuses_the_rest() {
        assert_eq!(bearer_token(&headers(&["Bearer abc-DEF_1.2~+/=="])), Ok("abc-DEF_1.2~+/=="));
        assert_eq!(bearer_token(&headers(&["bearer abc"])), Ok("abc"));
        assert_eq!(bearer_token(&headers(&[])), Err(BearerProblem::Missing));
        assert_eq!(bearer_token(&headers(&["Bearer"])), Err(BearerProblem::Garbled));
        assert_eq!(bearer_token(&headers(&["Basic abc"])), Err(BearerProblem::Garbled));
        assert_eq!(bearer_token(&headers(&["Bearer a b"])), Err(BearerProblem::Garbled));
        assert_eq!(bearer_token(&headers(&["Bearer ==="])), Err(BearerProblem::Garbled));
        assert_eq!(bearer_token(&headers(&["Bearer a", "Bearer b"])), Err(BearerProblem::Garbled));
    }
}
