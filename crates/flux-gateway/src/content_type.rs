//! Partner bodies are JSON and must say so. A POST, PUT or PATCH under `/api/partners` or
//! `/api/sandbox` that carries a body needs `Content-Type: application/json` (parameters such
//! as `; charset=utf-8` are fine, and so is a structured `application/*+json`); anything else
//! is 415 before the handler reads it. Without this, a form post or a `text/plain` body that
//! happened to parse as JSON would be acted on although its sender never meant JSON.
//!
//! A request without a body is not checked: the action endpoints (`…/webhooks/{id}/test`,
//! `…/secret/rotate`, `…/deliveries/{id}/retry`) take none, and an endpoint that needs a body
//! says so itself (400 `malformed_json`, "the request body is empty").
//!
//! Inbound provider webhooks (`/api/webhooks/…`) are not checked: they are stored whatever
//! they look like.
//!
//! This runs inside the pipeline, after authentication and rate limiting, on the body the
//! pipeline already read, so its size is known exactly.

use crate::error::{ApiError, FieldError};
use axum::body::HttpBody;
use axum::extract::Request;
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

pub async fn require_json(req: Request, next: Next) -> Response {
    if needs_json(&req) {
        if let Err(e) = check(req.headers()) {
            return e.into_response();
        }
    }
    next.run(req).await
}

fn needs_json(req: &Request) -> bool {
    let path = req.uri().path();
    let partner = path.starts_with("/api/partners") || path.starts_with("/api/sandbox");
    let writes = [Method::POST, Method::PUT, Method::PATCH].contains(req.method());
    // A body of unknown length (streamed) counts as a body.
    let has_body = req.body().size_hint().exact() != Some(0);
    partner && writes && has_body
}

fn check(headers: &HeaderMap) -> Result<(), ApiError> {
    let mut values = headers.get_all(header::CONTENT_TYPE).iter();
    let (Some(value), None) = (values.next(), values.next()) else {
        return Err(unsupported(
            "is required on a request with a body: send Content-Type: application/json",
        ));
    };
    let text = value.to_str().unwrap_or("");
    match json_media_type(text) {
        Ok(()) => Ok(()),
        Err(why) => Err(unsupported(&format!("{why} (got {})", shown(text)))),
    }
}

/// Accepts `application/json` and `application/*+json`, with any parameters but a charset
/// other than UTF-8 (JSON exchanged between systems is UTF-8, RFC 8259 §8.1).
fn json_media_type(value: &str) -> Result<(), &'static str> {
    let mut parts = value.split(';');
    let essence = parts.next().unwrap_or("").trim().to_ascii_lowercase();
    let json = essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"));
    if !json {
        return Err("must be application/json");
    }
    for param in parts {
        let (name, val) = param.split_once('=').unwrap_or((param, ""));
        let val = val.trim().trim_matches('"');
        if name.trim().eq_ignore_ascii_case("charset") && !val.eq_ignore_ascii_case("utf-8") {
            return Err("may only name charset=utf-8: JSON is UTF-8");
        }
    }
    Ok(())
}

/// The caller's header as quoted back: short, so a huge header is not echoed whole.
fn shown(value: &str) -> String {
    const MAX: usize = 100;
    if value.is_empty() {
        return "a value that is not visible ASCII, or an empty one".into();
    }
    match value.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}…", &value[..cut]),
        None => value.to_string(),
    }
}

/// 415 naming the header and the reason.
fn unsupported(reason: &str) -> ApiError {
    let mut e = ApiError::new(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
        "Unsupported media type",
    )
    .detail(format!("Content-Type {reason}"));
    e.errors = vec![FieldError {
        field: "Content-Type".into(),
        reason: reason.into(),
    }];
    e
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_media_types() {
        for ok in [
            "application/json",
            "Application/JSON",
            "application/json; charset=utf-8",
            "application/json;charset=\"UTF-8\"",
            "application/merge-patch+json",
            "application/vnd.flux+json; version=1",
        ] {
            assert!(json_media_type(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "text/plain",
            "text/json",
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x",
            "application/jsonx",
            "application/json; charset=latin1",
            "*/*",
        ] {
            assert!(json_media_type(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn long_values_are_cut() {
        assert_eq!(shown(&"é".repeat(300)).chars().count(), 101);
        assert_eq!(shown("text/plain"), "text/plain");
    }
}
