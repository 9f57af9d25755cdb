//! The path every API request takes, in order: request id (accept or mint) → correlation id and
//! W3C traceparent → body read under the size limit (413) → API key (401, or 429 once the
//! client address is over its failed authentications) → rate limit (429) → JSON content type (415) →
//! handler → problem bodies stamped with the request id → audit record committed → one JSON log
//! line and metrics → response. Inbound provider webhooks skip the API key (they carry their
//! own token) but are audited like everything else under /api.

use crate::error::ApiError;
use crate::keys;
use crate::state::SharedState;
use axum::{
    body::{Body, Bytes},
    extract::{MatchedPath, Request, State},
    http::{header, HeaderMap, HeaderValue, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};
use flux_store::NewAudit;
use rand::RngCore;
use std::time::Instant;
use uuid::Uuid;

/// Request-scoped context handlers read from the request extensions.
#[derive(Debug, Clone)]
pub struct RequestCtx {
    pub request_id: String,
    pub correlation_id: Option<String>,
    pub trace_id: String,
    /// The traceparent to send upstream: same trace, a span of our own.
    pub traceparent_out: String,
}

/// The authenticated partner behind a request.
#[derive(Debug, Clone)]
pub struct Caller {
    pub partner_id: Uuid,
    pub key_id: Uuid,
    pub key_prefix: String,
}

fn header_text(h: &HeaderMap, name: &str) -> Option<String> {
    h.get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

/// Accepts a caller's id if it is short, visible ASCII; otherwise mints one.
fn request_id(h: &HeaderMap) -> String {
    header_text(h, "x-request-id")
        .filter(|v| !v.is_empty() && v.len() <= 128 && v.bytes().all(|b| b.is_ascii_graphic()))
        .unwrap_or_else(|| Uuid::new_v4().to_string())
}

fn random_hex(bytes: usize) -> String {
    let mut b = vec![0u8; bytes];
    rand::thread_rng().fill_bytes(&mut b);
    hex::encode(b)
}

/// Continues the caller's trace (version 00) or starts one; returns (trace id, our traceparent).
fn trace(h: &HeaderMap) -> (String, String) {
    let parsed = header_text(h, "traceparent").and_then(|tp| {
        let parts: Vec<&str> = tp.trim().split('-').collect();
        let ok = parts.len() == 4
            && parts[0] == "00"
            && parts[1].len() == 32
            && parts[2].len() == 16
            && parts[3].len() == 2
            && parts[1..].iter().all(|p| {
                p.bytes()
                    .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
            })
            && parts[1] != "0".repeat(32)
            && parts[2] != "0".repeat(16);
        ok.then(|| (parts[1].to_string(), parts[3].to_string()))
    });
    let (trace_id, flags) = parsed.unwrap_or_else(|| (random_hex(16), "01".into()));
    let span = random_hex(8);
    let out = format!("00-{trace_id}-{span}-{flags}");
    (trace_id, out)
}

async fn authenticate(state: &SharedState, headers: &HeaderMap) -> Result<Caller, ApiError> {
    let key = header_text(headers, "x-api-key")
        .ok_or_else(|| ApiError::unauthorized("send your Flux API key in the X-API-Key header"))?;
    if key.len() > 200 {
        return Err(ApiError::unauthorized("the API key is not valid"));
    }
    let hash = keys::hash(&key, state.pepper.expose());
    let record = state.auth_cache.api_key(&hash).await?;
    match record {
        Some(r) if keys::same(&r.hash, &hash) && r.revoked_at.is_none() => Ok(Caller {
            partner_id: r.partner_id,
            key_id: r.id,
            key_prefix: r.prefix,
        }),
        Some(r) if r.revoked_at.is_some() => Err(ApiError::unauthorized("the API key was revoked")),
        _ => Err(ApiError::unauthorized("the API key is not valid")),
    }
}

fn needs_api_key(path: &str) -> bool {
    path.starts_with("/api/partners") || path.starts_with("/api/sandbox")
}

pub async fn pipeline(State(state): State<SharedState>, req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let path_and_query = req
        .uri()
        .path_and_query()
        .map(|p| p.to_string())
        .unwrap_or_else(|| path.clone());
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_string())
        .unwrap_or_else(|| "unmatched".into());
    let headers = req.headers().clone();
    let client = state.config.trusted_proxies.client_of(&req);
    let ctx = {
        let (trace_id, traceparent_out) = trace(&headers);
        RequestCtx {
            request_id: request_id(&headers),
            correlation_id: header_text(&headers, "x-correlation-id"),
            trace_id,
            traceparent_out,
        }
    };

    let (mut parts, body) = req.into_parts();
    let mut caller: Option<Caller> = None;
    let mut rate_headers: Option<crate::rate_limit::Decision> = None;
    let mut request_bytes = Bytes::new();
    let early: Option<ApiError> = async {
        request_bytes = match axum::body::to_bytes(body, state.config.max_body_bytes).await {
            Ok(b) => b,
            Err(_) => {
                return Some(
                    ApiError::new(
                        StatusCode::PAYLOAD_TOO_LARGE,
                        "payload_too_large",
                        "Request body too large",
                    )
                    .detail(format!(
                        "the body must be at most {} bytes",
                        state.config.max_body_bytes
                    )),
                )
            }
        };
        if path.starts_with("/api/") {
            if let Some(e) = keys::refuse_key_in_query(parts.uri.query()) {
                return Some(e);
            }
        }
        if needs_api_key(&path) {
            // A valid key is served even from an address over its failures: a 256-bit key is
            // not guessed, and the address may be a balancer or NAT that every partner shares.
            match authenticate(&state, &headers).await {
                Ok(c) => {
                    let decision = state.rate_limits.check(c.key_id).await;
                    let allowed = decision.allowed;
                    let retry = decision.reset_s;
                    rate_headers = Some(decision);
                    caller = Some(c);
                    if !allowed {
                        let mut e = ApiError::new(
                            StatusCode::TOO_MANY_REQUESTS,
                            "rate_limited",
                            "Too many requests",
                        )
                        .detail(format!(
                            "this API key is over its rate limit; retry in {retry} s"
                        ));
                        e.retry_after_s = Some(retry);
                        return Some(e);
                    }
                }
                Err(e) if e.status == StatusCode::UNAUTHORIZED => {
                    let over = state.auth_failures.admit(client);
                    if let Err(refused) = over.and_then(|_| state.auth_failures.failed(client)) {
                        let e = refused.error();
                        rate_headers = Some(refused.decision);
                        return Some(e);
                    }
                    return Some(e);
                }
                Err(e) => return Some(e),
            }
        }
        None
    }
    .await;

    let response = match early {
        Some(e) => e.into_response(),
        None => {
            parts.extensions.insert(ctx.clone());
            if let Some(c) = &caller {
                parts.extensions.insert(c.clone());
            }
            next.run(Request::from_parts(
                parts,
                Body::from(request_bytes.clone()),
            ))
            .await
        }
    };

    // Provider tokens are guessed like keys: a wrong one (its handler answered 401 before
    // storing anything) counts, and past the burst becomes 429. A right one is always served:
    // refusing a provider's webhook would lose a fact about money.
    let response =
        if path.starts_with("/api/webhooks/") && response.status() == StatusCode::UNAUTHORIZED {
            let over = state.auth_failures.admit(client);
            match over.and_then(|_| state.auth_failures.failed(client)) {
                Ok(()) => response,
                Err(refused) => {
                    let e = refused.error();
                    rate_headers = Some(refused.decision);
                    e.into_response()
                }
            }
        } else {
            response
        };
    let (mut rparts, rbody) = response.into_parts();
    let mut response_bytes = axum::body::to_bytes(rbody, usize::MAX)
        .await
        .unwrap_or_default();
    let is_problem = rparts
        .headers
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes() == b"application/problem+json");
    if is_problem {
        if let Ok(serde_json::Value::Object(mut m)) =
            serde_json::from_slice::<serde_json::Value>(&response_bytes)
        {
            m.insert("request_id".into(), ctx.request_id.clone().into());
            response_bytes = Bytes::from(serde_json::to_vec(&m).unwrap_or_default());
        }
    }
    let h = &mut rparts.headers;
    if let Ok(v) = HeaderValue::from_str(&ctx.request_id) {
        h.insert("x-request-id", v);
    }
    if let Some(v) = ctx
        .correlation_id
        .as_deref()
        .and_then(|c| HeaderValue::from_str(c).ok())
    {
        h.insert("x-correlation-id", v);
    }
    if let Some(d) = &rate_headers {
        if let Ok(v) = HeaderValue::from_str(&d.policy) {
            h.insert("ratelimit-policy", v);
        }
        if let Ok(v) = HeaderValue::from_str(&format!(
            "limit={}, remaining={}, reset={}",
            d.limit, d.remaining, d.reset_s
        )) {
            h.insert("ratelimit", v);
        }
    }
    h.remove(header::CONTENT_LENGTH);
    let status = rparts.status;
    let latency = started.elapsed();

    if path.starts_with("/api/") {
        let record = NewAudit {
            at: flux_core::time::now(),
            partner_id: caller.as_ref().map(|c| c.partner_id),
            key_prefix: caller.as_ref().map(|c| c.key_prefix.clone()),
            method: method.to_string(),
            path: crate::audit::redact_target(&path_and_query),
            status: status.as_u16(),
            latency_us: latency.as_micros() as i64,
            request_id: ctx.request_id.clone(),
            correlation_id: ctx.correlation_id.clone(),
            request_body: crate::audit::redact_body(&request_bytes),
            response_body: crate::audit::redact_body(&response_bytes),
        };
        if method == axum::http::Method::GET || method == axum::http::Method::HEAD {
            state.audit.record_later(record).await;
        } else if !state.audit.record(record).await {
            tracing::error!(request_id = %ctx.request_id, "audit record could not be stored");
        }
    }

    tracing::info!(
        target: "flux::request",
        request_id = %ctx.request_id,
        correlation_id = ctx.correlation_id.as_deref().unwrap_or(""),
        trace_id = %ctx.trace_id,
        method = %method,
        route = %route,
        status = status.as_u16(),
        latency_ms = latency.as_secs_f64() * 1000.0,
        partner_id = caller.as_ref().map(|c| c.partner_id.to_string()).unwrap_or_default(),
        key_prefix = caller.as_ref().map(|c| c.key_prefix.as_str()).unwrap_or(""),
        "request"
    );
    let status_label = status.as_u16().to_string();
    metrics::counter!("flux_http_requests_total", "method" => method.to_string(), "route" => route.clone(), "status" => status_label).increment(1);
    metrics::histogram!("flux_http_request_duration_seconds", "method" => method.to_string(), "route" => route).record(latency.as_secs_f64());

    Response::from_parts(rparts, Body::from(response_bytes))
}
