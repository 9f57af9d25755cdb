//! Fault injection, as in the other emulators, set per test: added latency, a rate of 500s, a
//! rate of requests that hang before doing anything, and a rate of requests that do their work
//! and then hang (the dangerous case for money: the disbursement happened, the caller never
//! heard).

use crate::wire::{Envelope, ErrorCode};
use axum::{
    extract::{Request, State},
    http::StatusCode,
    middleware::Next,
    response::{IntoResponse, Response},
    Json,
};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use std::time::Duration;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Faults {
    /// Added to every request.
    pub latency_ms: u64,
    /// Probability (0..1) of answering 500 without doing anything.
    pub error_rate: f64,
    /// Probability of hanging for `hang_ms` before doing anything.
    pub timeout_rate: f64,
    /// Probability of doing the work, then hanging for `hang_ms` before answering.
    pub drop_response_rate: f64,
    pub hang_ms: u64,
}

fn roll(p: f64) -> bool {
    p > 0.0 && rand::random::<f64>() < p
}

pub(crate) async fn inject(
    State(shared): State<Arc<super::Shared>>,
    req: Request,
    next: Next,
) -> Response {
    let f = shared.faults.lock().clone();
    let hang = Duration::from_millis(if f.hang_ms == 0 { 30_000 } else { f.hang_ms });
    if f.latency_ms > 0 {
        tokio::time::sleep(Duration::from_millis(f.latency_ms)).await;
    }
    if roll(f.error_rate) {
        let body: Envelope<()> = Envelope {
            success: false,
            code: ErrorCode::Internal.number(),
            message: "Internal Server Error (injected fault)".into(),
            data: None,
            errors: Vec::new(),
        };
        return (StatusCode::INTERNAL_SERVER_ERROR, Json(body)).into_response();
    }
    if roll(f.timeout_rate) {
        tokio::time::sleep(hang).await;
    }
    let response = next.run(req).await;
    if roll(f.drop_response_rate) {
        tokio::time::sleep(hang).await;
    }
    response
}
