//! API versions, pinned per request with a header, as Stripe does (`Stripe-Version`).
//!
//! A version is the date its shapes were fixed (`2026-11-30`). A partner sends
//! `Flux-Version: <date>` to pin the shapes it was written against; without the header it gets
//! [`CURRENT`]. Every partner answer says which version served it, in the same header, so a
//! client can log it. A version Flux does not know is refused (400 `unsupported_api_version`)
//! rather than served as another one: a partner who pinned a date must never silently get
//! different shapes.
//!
//! The policy (what is breaking, how long a version lives) is in `docs/API_VERSIONING.md` and the
//! changes per version in `CHANGELOG.md`. A breaking change adds a date here and keeps the
//! older dates answering their old shapes until their announced end.
//!
//! Only the partner and sandbox routes are versioned. Inbound provider webhooks keep each
//! provider's own documented shapes, whatever Flux's version.

use crate::error::{ApiError, FieldError};
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// The request and response header that carries the version.
pub const HEADER: &str = "Flux-Version";

/// The version served when a request does not name one: the newest.
pub const CURRENT: &str = "2026-11-30";

/// Every version Flux still answers, oldest first.
pub const SUPPORTED: &[&str] = &[CURRENT];

/// Refuses an unknown version before the handler runs; stamps the version on the answer.
pub async fn negotiate(req: Request, next: Next) -> Response {
    let path = req.uri().path();
    if !(path.starts_with("/api/partners") || path.starts_with("/api/sandbox")) {
        return next.run(req).await;
    }
    let version = match requested(&req) {
        Ok(v) => v,
        Err(e) => return with_version(e.into_response(), CURRENT),
    };
    with_version(next.run(req).await, version)
}

/// The version the request names, or [`CURRENT`] when it names none.
fn requested(req: &Request) -> Result<&'static str, ApiError> {
    let mut values = req.headers().get_all(HEADER).iter();
    let value = match (values.next(), values.next()) {
        (None, _) => return Ok(CURRENT),
        (Some(v), None) => v.to_str().unwrap_or(""),
        (Some(_), Some(_)) => return Err(unsupported("must be sent once")),
    };
    SUPPORTED
        .iter()
        .find(|v| **v == value.trim())
        .copied()
        .ok_or_else(|| {
            unsupported(&format!(
                "is not a version this server answers; send one of {}, or leave it out for {CURRENT}",
                SUPPORTED.join(", ")
            ))
        })
}

fn with_version(mut response: Response, version: &'static str) -> Response {
    response
        .headers_mut()
        .insert(HEADER, HeaderValue::from_static(version));
    response
}

/// 400 naming the header and the reason.
fn unsupported(reason: &str) -> ApiError {
    let mut e = ApiError::new(
        StatusCode::BAD_REQUEST,
        "unsupported_api_version",
        "The Flux-Version header is invalid",
    )
    .detail(format!("{HEADER} {reason}"));
    e.errors = vec![FieldError {
        field: HEADER.into(),
        reason: reason.into(),
    }];
    e
}
