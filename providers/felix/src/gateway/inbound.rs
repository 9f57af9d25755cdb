//! Félix's callbacks: `POST /api/webhooks/felix`, a `NotificationsContainer`.
//!
//! Authenticated by the secret header Flux registered (compared in constant time). The raw body
//! is kept through the gateway's inbound store before Flux answers 2xx, under an id derived
//! from its bytes: Félix resends a failed container as it was or with more deltas folded in,
//! so identical bytes are the same delivery and a repeat changes nothing. Then each
//! notification's deltas are applied in order through the remittance state machine, and each
//! applied change is queued for the partner as a `REMITTANCE_STATUS` delta.
//!
//! The raw event and its effect commit in two steps (the inbound store knows transactions, not
//! remittances): if Flux stops in between, Félix's retry is a duplicate, and polling
//! ([`super::poll`]) still brings the remittance to where Félix has it.

use super::{felix, model, NAME, SECRET_HEADER};
use crate::wire::{Notification, NotificationsContainer};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::Json;
use flux_gateway::error::ApiError;
use flux_gateway::keys;
use flux_gateway::SharedState;
use flux_store::{InboundEffect, InboundEvent, InboundOutcome, RemittanceReport};
use serde_json::{json, Value};
use sha2::Digest;

fn check_secret(state: &SharedState, headers: &HeaderMap) -> Result<(), ApiError> {
    let given = headers
        .get(SECRET_HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if keys::same(given, felix(state)?.callback_secret.expose()) {
        return Ok(());
    }
    tracing::warn!(target: "flux::security", present = !given.is_empty(), "félix callback with a wrong or missing secret");
    metrics::counter!("flux_inbound_webhook_rejected_total", "reason" => "token").increment(1);
    Err(ApiError::unauthorized("missing or wrong callback secret"))
}

/// Keeps the raw container; the effect is None, or Review when it cannot be read.
async fn keep(
    state: &SharedState,
    body: &[u8],
    unreadable: Option<String>,
) -> Result<InboundOutcome, ApiError> {
    let event = InboundEvent {
        provider: NAME.into(),
        id_msg: format!("sha256:{}", hex::encode(sha2::Sha256::digest(body))),
        msg_name: "felix_callback".into(),
        raw: String::from_utf8_lossy(body).into_owned(),
        client_id: None,
        transaction_id: None,
        received_at: flux_core::time::now(),
    };
    let effect = match unreadable {
        Some(reason) => InboundEffect::Review { reason },
        None => InboundEffect::None,
    };
    Ok(state.store.record_inbound(event, effect, None).await?)
}

/// Receive a Félix callback (Félix → Flux)
///
/// Called by Félix, not by partners. Stored raw before Flux answers.
#[utoipa::path(post, path = "/api/webhooks/felix", operation_id = "receive_felix_callback", tag = "inbound webhooks",
    params(("x-flux-callback-secret" = String, Header, description = "The secret Flux registered at Félix")),
    request_body(content = Option<Object>, description = "A Félix status callback; stored whatever it is"),
    responses((status = 200, body = Object), (status = 401, body = flux_gateway::error::Problem)))]
pub async fn callback(
    State(state): State<SharedState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    check_secret(&state, &headers)?;
    let container = serde_json::from_slice::<NotificationsContainer>(&body);
    let unreadable = container
        .as_ref()
        .err()
        .map(|e| format!("not a NotificationsContainer: {e}"));
    let outcome = keep(&state, &body, unreadable).await?;
    let (Ok(container), InboundOutcome::Applied) = (container, outcome) else {
        return Ok(Json(json!({"received": true, "outcome": outcome.as_str()})));
    };
    let mut applied = 0;
    for n in &container.notifications {
        applied += apply(&state, n).await;
    }
    state.deliveries.wake();
    Ok(Json(
        json!({"received": true, "outcome": "applied", "changes": applied}),
    ))
}

/// Applies one notification's deltas in order; returns how many changed the remittance. A
/// notification Flux cannot place is logged: the raw container is kept.
async fn apply(state: &SharedState, n: &Notification) -> usize {
    let Some(r) = find(state, &n.transaction).await else {
        tracing::warn!(felix_id = ?n.transaction.id, "félix callback about a remittance Flux does not know");
        return 0;
    };
    let mut reports: Vec<RemittanceReport> = Vec::new();
    for d in &n.deltas {
        match model::status(&d.new_status) {
            Some(status) => reports.push(RemittanceReport {
                status,
                at: model::reported_at(d.updated_at.as_deref()),
            }),
            None => {
                tracing::warn!(remittance_id = %r.id, status = %d.new_status, "félix reported a status it does not document")
            }
        }
    }
    if reports.is_empty() {
        reports.extend(model::report_of(&n.transaction));
    }
    match state
        .store
        .report_remittance(r.id, reports, "felix callback", Some(model::NOTIFY))
        .await
    {
        Ok(decisions) => decisions
            .iter()
            .filter(|d| **d == flux_core::remittance::Decision::Apply)
            .count(),
        Err(e) => {
            tracing::error!(remittance_id = %r.id, error = %e, "could not apply a félix callback; polling will");
            0
        }
    }
}

/// The remittance a Félix transaction is: by Félix's id, else by the external id Flux gave it
/// (its own id), for a callback that outran the create's answer.
async fn find(
    state: &SharedState,
    t: &crate::wire::TransactionResponse,
) -> Option<flux_store::RemittanceRecord> {
    if let Some(id) = &t.id {
        if let Ok(Some(r)) = state.store.find_remittance_by_reference(NAME, id).await {
            return Some(r);
        }
    }
    let own = t.external_transaction_id.as_deref()?.parse().ok()?;
    state.store.get_remittance(own).await.ok().flatten()
}
