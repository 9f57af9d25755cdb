//! Liveness, readiness and metrics: outside /api, unauthenticated, not audited.

use crate::state::SharedState;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;

pub async fn healthz() -> Json<serde_json::Value> {
    Json(serde_json::json!({"status": "ok"}))
}

/// Ready when the store answers a query and the instance is not draining. With Redis
/// configured, `redis` says whether it answered a PING just now (`reachable`, or `unreachable,
/// per-instance limits`: still ready, failing open). `rate_limits` says how keys are limited
/// now: `shared` (Redis), `local` (Redis configured but unreachable: per instance until it
/// answers) or `instance` (no Redis configured). `auth_cache` is `serving`
/// while keys and clients are answered from memory, `bypassed` while every request reads the
/// store (see [`crate::auth_cache`]). While draining (a stop was asked for) the answer is 503
/// `draining` whatever the store says, so a load balancer stops sending new requests before
/// the listener closes.
pub async fn readyz(State(state): State<SharedState>) -> Response {
    if state.lifecycle.is_draining() {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(serde_json::json!({"status": "draining", "store": state.store.backend_name()})),
        )
            .into_response();
    }
    match state.store.ping().await {
        Ok(()) => {
            let redis = state.rate_limits.redis_state().await;
            let mut body = serde_json::json!({"status": "ready", "store": state.store.backend_name(),
            "rate_limits": state.rate_limits.mode(),
            "auth_cache": if state.auth_cache.serving() { "serving" } else { "bypassed" }});
            if let Some(redis) = redis {
                body["redis"] = redis.into();
            }
            Json(body).into_response()
        }
        Err(e) => {
            tracing::warn!(error = %e, "not ready");
            (StatusCode::SERVICE_UNAVAILABLE, Json(serde_json::json!({"status": "unavailable", "store": state.store.backend_name()}))).into_response()
        }
    }
}

pub async fn metrics() -> Response {
    let text = crate::metrics::render();
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], text).into_response()
}
