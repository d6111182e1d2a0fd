//! The loopback proxies tests put between a client and the sandbox, to
//! arrange what the tenant does, share this: a request sent on as it came,
//! and the tenant's answer sent back.

#![allow(dead_code)] // each test file uses its own subset

use axum::body::{Body, Bytes};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use url::Url;

/// What the tenant answered.
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

/// Sends the request `parts` and `body` to `upstream` as it came.
pub async fn ask(http: &reqwest::Client, upstream: &Url, parts: &Parts, body: Bytes) -> Option<Answer> {
    let mut url = upstream.clone();
    url.set_path(parts.uri.path());
    url.set_query(parts.uri.query());
    let mut out = http.request(parts.method.clone(), url).body(body);
    for (name, value) in &parts.headers {
        if name != header::HOST && name != header::CONTENT_LENGTH {
            out = out.header(name, value);
        }
    }
    let reply = out.send().await.ok()?;
    let (status, headers) = (reply.status(), reply.headers().clone());
    let body = reply.bytes().await.unwrap_or_default();
    Some(Answer { status, headers, body })
}

/// A request's parts and its whole body; `None` when the body cannot be read.
pub async fn read(request: axum::extract::Request) -> Option<(Parts, Bytes)> {
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, 4 << 20).await.ok()?;
    Some((parts, body))
}

/// Sends `request` on and its answer back, or a 502 when it could not go.
pub async fn pass(http: &reqwest::Client, upstream: &Url, parts: &Parts, body: Bytes) -> Response {
    match ask(http, upstream, parts, body).await {
        Some(answer) => answer.respond(),
        None => StatusCode::BAD_GATEWAY.into_response(),
    }
}

impl Answer {
    pub fn respond(self) -> Response {
        let body = Body::from(self.body.clone());
        self.respond_with(body)
    }

    /// The tenant's status and headers, with `body` in place of its own.
    pub fn respond_with(self, body: Body) -> Response {
        let mut response = Response::new(body);
        *response.status_mut() = self.status;
        for (name, value) in &self.headers {
            if name != header::TRANSFER_ENCODING && name != header::CONTENT_LENGTH {
                response.headers_mut().append(name, value.clone());
            }
        }
        response
    }
}

/// An HTTP client for the proxy's own requests, never through a proxy.
pub fn http() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().build().expect("an HTTP client")
}

/// Serves `app` on a free loopback port: its URL.
pub async fn serve(app: axum::Router) -> Url {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a loopback port");
    let url = Url::parse(&format!("http://{}", listener.local_addr().expect("an address"))).expect("a URL");
    tokio::spawn(async move { axum::serve(listener, app).await });
    url
}
