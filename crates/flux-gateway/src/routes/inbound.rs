//! Webhooks from Fincore into Flux: `POST /api/webhooks/money-in` (the seed's endpoint),
//! `/status-update` and `/cep`. The token is compared in constant time; the raw body is kept;
//! parsing is tolerant (unknown fields kept, odd values accepted); each `id_msg` is processed
//! once; the event and its effect commit together before Flux answers 2xx.

use super::*;
use crate::delivery::events;
use crate::keys;
use crate::model::InboundAck;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::Json;
use fincore::wire::{CepBody, MoneyInBody, StatusUpdateBody, WebhookEnvelope};
use flux_store::{InboundEffect, InboundEvent, InboundOutcome, TransactionRecord};

fn check_token(state: &SharedState, headers: &HeaderMap) -> Result<(), ApiError> {
    let given = headers
        .get("x-webhook-token")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if keys::same(given, state.config.inbound_webhook_token.expose()) {
        return Ok(());
    }
    tracing::warn!(target: "flux::security", present = !given.is_empty(), "inbound webhook with a wrong or missing token");
    metrics::counter!("flux_inbound_webhook_rejected_total", "reason" => "token").increment(1);
    Err(ApiError::unauthorized("missing or wrong X-Webhook-Token"))
}

fn envelope(body: &[u8]) -> Result<WebhookEnvelope, ApiError> {
    let env: WebhookEnvelope = serde_json::from_slice(body).map_err(|e| {
        tracing::warn!(error = %e, "malformed inbound webhook");
        ApiError::bad_request(
            "malformed_json",
            format!("the webhook body is not a valid event: {e}"),
        )
    })?;
    if env.id_msg.trim().is_empty() {
        return Err(ApiError::field(
            "id_msg",
            "is required to deduplicate the event",
        ));
    }
    Ok(env)
}

/// The stored form of a Fincore event, linked to the transaction it concerns when known.
fn fincore_event(
    env: &WebhookEnvelope,
    msg_name: &str,
    raw: String,
    txn: Option<&TransactionRecord>,
) -> InboundEvent {
    InboundEvent {
        provider: "fincore".into(),
        id_msg: env.id_msg.clone(),
        msg_name: msg_name.into(),
        raw,
        client_id: txn.map(|t| t.client_id),
        transaction_id: txn.map(|t| t.id),
        received_at: flux_core::time::now(),
    }
}

/// The Flux transaction a Fincore event's `body.id` names, if Flux knows it.
async fn known_transaction(
    state: &SharedState,
    provider_id: Option<&str>,
) -> Result<Option<TransactionRecord>, ApiError> {
    match provider_id {
        Some(id) => Ok(state
            .store
            .find_transaction_by_provider_ref("fincore", id)
            .await?),
        None => Ok(None),
    }
}

fn ack(outcome: InboundOutcome, transaction_id: Option<Uuid>) -> Json<InboundAck> {
    metrics::counter!("flux_inbound_webhooks_total", "outcome" => if outcome == InboundOutcome::Duplicate { "duplicate" } else { "applied" }).increment(1);
    Json(InboundAck {
        received: true,
        duplicate: outcome == InboundOutcome::Duplicate,
        transaction_id: if outcome == InboundOutcome::Duplicate {
            None
        } else {
            transaction_id
        },
    })
}

/// Stores an event about a transaction Flux may know, applies its effect, queues the partner's
/// webhook (`notify`, whose type is the event's name), and wakes the delivery engine.
async fn record(
    state: &SharedState,
    env: &WebhookEnvelope,
    body: &[u8],
    known: Option<TransactionRecord>,
    effect: InboundEffect,
    notify: flux_store::OutboundEvent,
) -> Result<Json<InboundAck>, ApiError> {
    let raw = String::from_utf8_lossy(body).into_owned();
    let event = fincore_event(env, notify.event_type, raw, known.as_ref());
    let outcome = state
        .store
        .record_inbound(event, effect, Some(notify))
        .await?;
    state.deliveries.wake();
    Ok(ack(outcome, known.map(|t| t.id)))
}

/// The money-in transaction a MONEY_IN event makes for `client`; None when it carries no
/// amount. Its id is derived from the event's id, so recording it twice cannot duplicate it.
pub fn money_in_record(env: &WebhookEnvelope, client: &ClientRecord) -> Option<TransactionRecord> {
    let body: MoneyInBody = serde_json::from_value(env.body.clone()).unwrap_or_default();
    let amount = body.amount.as_deref()?;
    let now = flux_core::time::now();
    Some(TransactionRecord {
            id: Uuid::new_v5(&Uuid::NAMESPACE_OID, format!("fincore:money_in:{}", env.id_msg).as_bytes()),
            partner_id: client.partner_id,
            client_id: client.client_id,
            kind: "MONEY_IN".into(),
            status: "COMPLETED".into(),
            amount: amount.to_string(),
            currency: body.currency.clone().unwrap_or_else(|| "MXN".into()),
            description: body.payment_concept.clone(),
            external_reference: body.numeric_reference.clone(),
            tracking_key: body.tracking_key.clone(),
            source_instrument_id: None,
            destination_instrument_id: None,
            related_transaction_id: None,
            provider: "fincore".into(),
            provider_reference: Some(body.id.clone().unwrap_or_else(|| env.id_msg.clone())),
            failure_code: None,
            failure_description: None,
            cep_status: None,
            cep_processed_at: None,
            counterparty: Some(
                serde_json::json!({
                    "payer_name": body.payer_name, "payer_account": body.payer_account, "payer_rfc": body.payer_rfc,
                    "payer_institution": body.payer_institution, "beneficiary_account": body.beneficiary_account,
                    "sub_category": body.sub_category, "transaction_date": body.transaction_date,
                })
                .to_string(),
            ),
            created_at: now,
            updated_at: now,
    })
}

/// Records a MONEY_IN: a transaction of the client that owns the beneficiary CLABE, or, when no
/// client owns it, an unmatched event for an operator. Returns the outcome and the transaction.
pub async fn ingest_money_in(
    state: &SharedState,
    env: &WebhookEnvelope,
    raw: String,
) -> Result<(InboundOutcome, Option<TransactionRecord>), ApiError> {
    // Tolerant: a body with unexpected types is still stored raw, just unmatched.
    let body: MoneyInBody = serde_json::from_value(env.body.clone()).unwrap_or_default();
    let client = match body.beneficiary_account.as_deref() {
        Some(clabe) => match state.store.find_account_link(clabe).await? {
            Some(link) => state.store.get_client(link.client_id).await?,
            None => None,
        },
        None => None,
    };
    let txn = client.as_ref().and_then(|c| money_in_record(env, c));
    let event = fincore_event(env, "MONEY_IN", raw, txn.as_ref());
    if txn.is_none() {
        tracing::warn!(id_msg = %env.id_msg, "MONEY_IN for an account no client owns: kept as unmatched");
    }
    let effect = txn
        .clone()
        .map(|t| InboundEffect::InsertTransaction(Box::new(t)))
        .unwrap_or(InboundEffect::None);
    let outcome = state
        .store
        .record_inbound(event, effect, Some(events::MONEY_IN))
        .await?;
    state.deliveries.wake();
    Ok((outcome, txn))
}

#[utoipa::path(post, path = "/api/webhooks/money-in", tag = "inbound webhooks",
    params(("X-Webhook-Token" = String, Header)),
    request_body(content = Object, description = "Fincore MONEY_IN event"),
    responses((status = 200, body = InboundAck), (status = 400, body = crate::error::Problem), (status = 401, body = crate::error::Problem), (status = 413, body = crate::error::Problem)))]
pub async fn money_in(
    State(state): State<SharedState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<InboundAck>, ApiError> {
    check_token(&state, &headers)?;
    let env = envelope(&body)?;
    let raw = String::from_utf8_lossy(&body).into_owned();
    let (outcome, txn) = ingest_money_in(&state, &env, raw).await?;
    Ok(ack(outcome, txn.map(|t| t.id)))
}

#[utoipa::path(post, path = "/api/webhooks/status-update", tag = "inbound webhooks",
    params(("X-Webhook-Token" = String, Header)),
    request_body(content = Object, description = "Fincore STATUS_UPDATE event"),
    responses((status = 200, body = InboundAck), (status = 400, body = crate::error::Problem), (status = 401, body = crate::error::Problem)))]
pub async fn status_update(
    State(state): State<SharedState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<InboundAck>, ApiError> {
    check_token(&state, &headers)?;
    let env = envelope(&body)?;
    let update: StatusUpdateBody = serde_json::from_value(env.body.clone()).unwrap_or_default();
    let known = known_transaction(&state, update.id.as_deref()).await?;
    let effect = match (&known, update.status.as_deref(), update.id.as_deref()) {
        (Some(_), Some(status), Some(id)) => InboundEffect::UpdateStatus {
            provider_reference: id.to_string(),
            status: status.to_string(),
            failure_code: update.reason.clone(),
            failure_description: update.reason_description.clone(),
            updated_at: update
                .update_at
                .as_deref()
                .and_then(flux_core::time::parse_provider)
                .unwrap_or_else(flux_core::time::now),
        },
        _ => InboundEffect::None,
    };
    record(&state, &env, &body, known, effect, events::STATUS_UPDATE).await
}

#[utoipa::path(post, path = "/api/webhooks/cep", tag = "inbound webhooks",
    params(("X-Webhook-Token" = String, Header)),
    request_body(content = Object, description = "Fincore CEP event"),
    responses((status = 200, body = InboundAck), (status = 400, body = crate::error::Problem), (status = 401, body = crate::error::Problem)))]
pub async fn cep(
    State(state): State<SharedState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<InboundAck>, ApiError> {
    check_token(&state, &headers)?;
    let env = envelope(&body)?;
    let cep: CepBody = serde_json::from_value(env.body.clone()).unwrap_or_default();
    let known = known_transaction(&state, cep.id.as_deref()).await?;
    // INITIALIZED is never sent by the webhook; treat it as PENDING if it appears.
    let status = cep
        .status
        .as_deref()
        .map(|s| if s == "INITIALIZED" { "PENDING" } else { s });
    let effect = match (&known, status, cep.id.as_deref()) {
        (Some(_), Some(status), Some(id)) => InboundEffect::UpdateCep {
            provider_reference: id.to_string(),
            cep_status: status.to_string(),
            processed_at: cep
                .processed_at
                .as_deref()
                .and_then(flux_core::time::parse_provider),
        },
        _ => InboundEffect::None,
    };
    record(&state, &env, &body, known, effect, events::CEP).await
}
