//! Refusals of malformed requests are JSON that names the problem.

use super::Harness;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode};

fn request(method: Method, path: &str, content_type: Option<&str>, body: &str) -> Request<Body> {
    let mut r = Request::builder().method(method).uri(path);
    if let Some(ct) = content_type {
        r = r.header("content-type", ct);
    }
    r.body(Body::from(body.to_string())).unwrap()
}

#[tokio::test]
async fn malformed_json_is_a_json_400() {
    let h = Harness::new().await;
    let r = h
        .raw(request(
            Method::PUT,
            "/api/v2/users/12345-abcde-67890/status",
            Some("application/json"),
            "{\"status\": ",
        ))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.body["error"], "bad_request");
    assert!(r.message().contains("malformed JSON"), "{}", r.message());
    assert_eq!(r.body["message"], r.body["error_description"]);
    let r = h.raw(request(Method::POST, "/api/v2/webhooks", Some("application/json"), "[1, 2]")).await;
    assert_eq!(r.message(), "request body: must be a JSON object");
}

#[tokio::test]
async fn a_wrong_content_type_is_a_json_415() {
    let h = Harness::new().await;
    let r = h.raw(request(Method::POST, "/api/v2/data-actions", Some("text/plain"), "{}")).await;
    assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert!(r.message().contains("Content-Type"), "{}", r.message());
    let r = h.raw(request(Method::POST, "/api/v2/data-actions", None, "{}")).await;
    assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let r = h
        .raw(request(Method::POST, "/api/v2/webhooks", Some("application/vnd.api+json; charset=utf-8"), "{}"))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "+json is JSON; the empty body then lacks its fields");
}

#[tokio::test]
async fn wrong_field_types_and_query_parameters_are_named() {
    let h = Harness::new().await;
    let r = h
        .raw(request(
            Method::PUT,
            "/api/v2/users/12345-abcde-67890/status",
            Some("application/json"),
            r#"{"status": 3}"#,
        ))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.body["details"][0]["field"], "status");
    let r = h.get("/api/v2/users?top=many&teem=x").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let fields: Vec<&str> =
        r.body["details"].as_array().unwrap().iter().map(|d| d["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["top", "teem"]);
}

#[tokio::test]
async fn unknown_paths_methods_and_bad_tags_are_json() {
    let h = Harness::new().await;
    let r = h.get("/api/v9/nothing").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.body["error"], "not_found");
    let r = h.send(Method::DELETE, "/api/v2/users", None, &[]).await;
    assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(r.body["error"], "method_not_allowed");
    let r = h
        .raw(
            Request::builder()
                .method(Method::PUT)
                .uri("/api/v2/users/12345-abcde-67890/status")
                .header("content-type", "application/json")
                .header("if-match", "   ")
                .body(Body::from(r#"{"status": "Available"}"#))
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.message().contains("If-Match"), "{}", r.message());
    let r = h.get("/api/v2/users/%FF%FE").await;
    assert!(r.status == StatusCode::BAD_REQUEST || r.status == StatusCode::NOT_FOUND);
    assert!(r.body["message"].is_string());
}
