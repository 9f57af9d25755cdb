//! `Idempotency-Key` for every POST that creates something. The key is scoped per partner and
//! claimed in the store before any work (so it holds across instances): an identical retry
//! within the TTL gets the stored status and body with `Idempotency-Replayed: true`; the same key
//! with a different request → 422; a malformed key → 400. An identical request that arrives
//! while the first is still running waits a bounded time (`idempotency_wait`) for it to finish
//! and then gets the same answer, so a burst of duplicates all see one result; if the first is
//! still running after that, 409. The answer is stored in the same transaction as the
//! operation's effects. When the outcome is unknown (upstream timeout or failure) the key is
//! released instead, so a retry runs again: toward the provider it carries the same
//! deterministic key, which makes it safe.

use crate::error::ApiError;
use crate::pipeline::Caller;
use crate::state::SharedState;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use flux_store::{
    ClaimedIntent, IdempotencyClaim, IdempotencyCompletion, KeyClaim, SaveOutcome,
    TransactionRecord,
};
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// A claimed key; the request must end with [`finish`].
pub struct Claim {
    pub partner_id: Uuid,
    pub key: String,
}

pub enum Begin {
    /// Do the work. `Some` when the request carried a key.
    Run(Option<Claim>),
    /// Answer with this (a replay).
    Replay(Response),
}

/// What an operation produced: its answer and the transaction row to save with it.
pub struct Outcome {
    pub result: Result<(StatusCode, serde_json::Value), ApiError>,
    pub txn: Option<TransactionRecord>,
    /// When set, a successful answer's body is the saved row rendered with it: the row may be
    /// further along than the provider's answer (events held for it were applied).
    pub render: Option<fn(&TransactionRecord) -> serde_json::Value>,
}

impl Outcome {
    /// A 201 with `created` as its body, or the error; no transaction row to save. A body that
    /// cannot be serialised is a 500, never a 2xx with an empty body.
    pub fn created<T: serde::Serialize>(created: Result<T, ApiError>) -> Outcome {
        let result = created.and_then(|v| {
            serde_json::to_value(v)
                .map(|body| (StatusCode::CREATED, body))
                .map_err(|_| ApiError::internal())
        });
        Outcome {
            result,
            txn: None,
            render: None,
        }
    }
}

/// Longest Idempotency-Key accepted.
pub const KEY_MAX_LEN: usize = 255;
/// [`valid_key`] as the pattern `/openapi.json` states: visible ASCII only.
pub const KEY_PATTERN: &str = "^[!-~]+$";

fn valid_key(k: &str) -> bool {
    !k.is_empty() && k.len() <= KEY_MAX_LEN && k.bytes().all(|b| b.is_ascii_graphic())
}

pub fn fingerprint(method: &str, path: &str, body: &[u8]) -> String {
    let mut h = Sha256::new();
    h.update(method.as_bytes());
    h.update(b" ");
    h.update(path.as_bytes());
    h.update(b"\n");
    h.update(body);
    hex::encode(h.finalize())
}

/// The key's text, if the request has a (valid) one.
pub fn key_of(headers: &HeaderMap) -> Result<Option<String>, ApiError> {
    match headers.get("idempotency-key") {
        None => Ok(None),
        Some(v) => match v.to_str() {
            Ok(k) if valid_key(k) => Ok(Some(k.to_string())),
            _ => Err(ApiError::bad_request(
                "invalid_idempotency_key",
                "Idempotency-Key must be 1 to 255 visible ASCII characters (a UUID is a good choice)",
            )),
        },
    }
}

/// The request's key as a claim to make, or `None` when it carries no key.
pub fn key_claim(
    state: &SharedState,
    caller: &Caller,
    headers: &HeaderMap,
    method: &str,
    path: &str,
    body: &[u8],
) -> Result<Option<KeyClaim>, ApiError> {
    let Some(key) = key_of(headers)? else {
        return Ok(None);
    };
    let (now, expires_at, stale_before) = clock(state);
    Ok(Some(KeyClaim {
        partner_id: caller.partner_id,
        key,
        fingerprint: fingerprint(method, path, body),
        now,
        expires_at,
        stale_before,
    }))
}

/// Now, when a key taken now expires (its TTL), and before when an in-flight claim counts as
/// stale (its process died).
fn clock(state: &SharedState) -> (DateTime<Utc>, DateTime<Utc>, DateTime<Utc>) {
    let ttl = chrono::Duration::from_std(state.config.idempotency_ttl)
        .unwrap_or(chrono::Duration::hours(24));
    let stale = chrono::Duration::from_std(state.config.idempotency_stale_after)
        .unwrap_or(chrono::Duration::minutes(2));
    let now = flux_core::time::now();
    (now, now + ttl, now - stale)
}

/// The claim as of now (see [`clock`]).
fn stamped(state: &SharedState, mut claim: KeyClaim) -> KeyClaim {
    (claim.now, claim.expires_at, claim.stale_before) = clock(state);
    claim
}

pub async fn begin(
    state: &SharedState,
    caller: &Caller,
    headers: &HeaderMap,
    method: &str,
    path: &str,
    body: &[u8],
) -> Result<Begin, ApiError> {
    match key_claim(state, caller, headers, method, path, body)? {
        None => Ok(Begin::Run(None)),
        Some(claim) => begin_claim(state, claim).await,
    }
}

/// Claims the key on its own. When an identical request holds it, waits for that request's
/// answer, claiming again with a growing pause, up to `idempotency_wait`.
pub async fn begin_claim(state: &SharedState, claim: KeyClaim) -> Result<Begin, ApiError> {
    let mut claim = stamped(state, claim);
    let mut found = state.store.claim_idempotency(&claim).await?;
    let deadline = tokio::time::Instant::now() + state.config.idempotency_wait;
    let mut pause_ms = 2u64;
    while matches!(&found, IdempotencyClaim::InFlight { fingerprint } if *fingerprint == claim.fingerprint)
    {
        if tokio::time::Instant::now() >= deadline {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                "idempotency_in_progress",
                "Request in progress",
            )
            .detail(
                "a request with this Idempotency-Key is still being processed; retry shortly",
            ));
        }
        tokio::time::sleep(std::time::Duration::from_millis(pause_ms)).await;
        pause_ms = (pause_ms * 2).min(50);
        claim = stamped(state, claim);
        found = state.store.claim_idempotency(&claim).await?;
    }
    match found {
        IdempotencyClaim::Claimed => Ok(Begin::Run(Some(Claim {
            partner_id: claim.partner_id,
            key: claim.key,
        }))),
        IdempotencyClaim::InFlight { .. } => Err(key_reused()),
        IdempotencyClaim::Completed { fingerprint, .. } if fingerprint != claim.fingerprint => {
            Err(key_reused())
        }
        IdempotencyClaim::Completed { status, body, .. } => {
            let mut resp =
                json_response(StatusCode::from_u16(status).unwrap_or(StatusCode::OK), body);
            resp.headers_mut()
                .insert("idempotency-replayed", HeaderValue::from_static("true"));
            Ok(Begin::Replay(resp))
        }
    }
}

/// What [`begin_with_intent`] found: a stored answer to replay, or the operation to run, its
/// intent recorded.
pub enum Started {
    Replay(Response),
    Run {
        /// The key, held by this request until [`finish`] (or a release).
        claim: Option<Claim>,
        /// The intent is new (`true`), or an earlier attempt of the same operation recorded
        /// it (`false`).
        inserted: bool,
    },
}

/// Claims the request's key and records the operation's intent in one transaction: for a
/// key never seen before, one commit and one round trip fewer than claiming first. Any other
/// key goes through [`begin_claim`]: a replay, a wait for the identical request in flight,
/// a 422 for a different one, or a claim taken over. When the intent cannot be recorded
/// (refused by the books, or the store failed), no key is left held and the error is
/// returned.
pub async fn begin_with_intent(
    state: &SharedState,
    key: Option<KeyClaim>,
    intent: &TransactionRecord,
) -> Result<Started, ApiError> {
    let (claim, recorded) = match key {
        None => (None, state.store.insert_transaction(intent).await),
        Some(key) => match state.store.claim_and_insert_transaction(&key, intent).await {
            Ok(ClaimedIntent::KeySeenBefore) => match begin_claim(state, key).await? {
                Begin::Replay(r) => return Ok(Started::Replay(r)),
                Begin::Run(claim) => (claim, state.store.insert_transaction(intent).await),
            },
            recorded => {
                let claim = Claim {
                    partner_id: key.partner_id,
                    key: key.key,
                };
                (Some(claim), recorded.map(|r| r == ClaimedIntent::Recorded))
            }
        },
    };
    match recorded {
        Ok(inserted) => Ok(Started::Run { claim, inserted }),
        Err(e) => {
            // A refusal undid the claim with the intent; a failed commit may not have, and a
            // claim taken apart from the intent is still held: give it back either way, so a
            // retry runs again.
            if let Some(c) = &claim {
                let _ = state.store.release_idempotency(c.partner_id, &c.key).await;
            }
            Err(e.into())
        }
    }
}

fn json_response(status: StatusCode, body: Vec<u8>) -> Response {
    let is_problem = status.is_client_error() || status.is_server_error();
    let ct = if is_problem {
        "application/problem+json"
    } else {
        "application/json"
    };
    let mut resp = (status, body).into_response();
    resp.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(ct));
    resp
}

/// Saves the outcome (transaction row and stored answer in one transaction) and answers.
pub async fn finish(state: &SharedState, claim: Option<Claim>, outcome: Outcome) -> Response {
    let (status, body) = match &outcome.result {
        Ok((status, value)) => (*status, serde_json::to_vec(value).unwrap_or_default()),
        Err(e) => (
            e.status,
            serde_json::to_vec(&e.problem(None)).unwrap_or_default(),
        ),
    };
    // Unknown outcomes (5xx) are not stored: a retry must run again.
    let retryable = status.is_server_error();
    let completion = match (&claim, retryable) {
        (Some(c), false) => Some(IdempotencyCompletion {
            partner_id: c.partner_id,
            key: c.key.clone(),
            status: status.as_u16(),
            body: body.clone(),
        }),
        _ => None,
    };
    let render = outcome.render.filter(|_| outcome.result.is_ok());
    let save = SaveOutcome {
        txn: outcome.txn,
        completion,
        render,
        notify: Some(crate::delivery::events::STATUS_UPDATE),
        announce: false,
        source: "the provider's answer".into(),
    };
    let saved = match state.store.save_outcome(save).await {
        Ok(saved) => saved,
        Err(e) => {
            tracing::error!(error = %e, "could not save an operation's outcome");
            if let Some(c) = &claim {
                let _ = state.store.release_idempotency(c.partner_id, &c.key).await;
            }
            return ApiError::from(e).into_response();
        }
    };
    state.deliveries.wake();
    if retryable {
        if let Some(c) = &claim {
            if let Err(e) = state.store.release_idempotency(c.partner_id, &c.key).await {
                tracing::error!(error = %e, "could not release an idempotency key");
            }
        }
    }
    match (outcome.result, render, saved) {
        (Ok(_), Some(render), Some(row)) => {
            json_response(status, serde_json::to_vec(&render(&row)).unwrap_or(body))
        }
        (Ok(_), _, _) => json_response(status, body),
        (Err(e), _, _) => e.into_response(),
    }
}

/// 422 `idempotency_key_reused`: the key was first used for a different request. The same
/// answer whether Flux or the provider behind it noticed.
pub fn key_reused() -> ApiError {
    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "idempotency_key_reused", "Idempotency-Key reused with a different request")
        .detail("this Idempotency-Key was first used with a different method, path or body; use a new key for a new operation")
}

/// 400 `idempotency_key_required`, for operations that move money or create what must never
/// exist twice (remittances, card transfers): a retry without a key could do it again.
pub fn key_required() -> ApiError {
    let mut e = ApiError::bad_request(
        "idempotency_key_required",
        "this operation needs an Idempotency-Key header (a UUID is a good choice): a retry must never do it twice",
    );
    e.errors = vec![crate::error::FieldError {
        field: "Idempotency-Key".into(),
        reason: "is required".into(),
    }];
    e
}
