//! Webhooks from Fincore into Flux: `POST /api/webhooks/money-in` (the seed's endpoint),
//! `/status-update` and `/cep`. The token is compared in constant time; the raw body is kept;
//! parsing is tolerant (unknown fields kept, odd values accepted); each `id_msg` is processed
//! once; the event and its effect commit together before Flux answers 2xx.

use crate::wire::{CepBody, MoneyInBody, StatusUpdateBody, WebhookEnvelope};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::Json;
use flux_core::{Currency, TxKind, TxStatus};
use flux_gateway::delivery::events;
use flux_gateway::error::ApiError;
use flux_gateway::keys;
use flux_gateway::model::InboundAck;
use flux_gateway::SharedState;
use flux_store::ClientRecord;
use flux_store::{InboundEffect, InboundEvent, InboundOutcome, TransactionRecord};
use sha2::Digest;
use uuid::Uuid;

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

/// The event in a body, parsed once, or why it is not one Flux can read.
fn read_event(body: &[u8]) -> Result<WebhookEnvelope, String> {
    let env: WebhookEnvelope =
        serde_json::from_slice(body).map_err(|e| format!("the body is not a JSON event: {e}"))?;
    if env.id_msg.trim().is_empty() {
        return Err("the event has no id_msg".into());
    }
    // Which of two values is meant cannot be known: review, never a guess.
    match flux_core::json::first_duplicate_key(body) {
        Some(path) => Err(format!("the event repeats the key {path}")),
        None => Ok(env),
    }
}

/// What every Fincore webhook does first: the token, then the event; an unreadable body is
/// kept for review and its acknowledgement is the answer (`Break`).
async fn accept(
    state: &SharedState,
    headers: &HeaderMap,
    msg_name: &str,
    body: &[u8],
) -> Result<std::ops::ControlFlow<Json<InboundAck>, WebhookEnvelope>, ApiError> {
    check_token(state, headers)?;
    Ok(match read_event(body) {
        Ok(env) => std::ops::ControlFlow::Continue(env),
        Err(reason) => {
            std::ops::ControlFlow::Break(keep_unreadable(state, msg_name, body, reason).await?)
        }
    })
}

/// Keeps a body Flux cannot read, with a valid token, instead of refusing it: a 4xx would make
/// the provider retry and then drop a fact about money. It is filed for review under an id
/// derived from its bytes, so the provider's retries of it are duplicates.
async fn keep_unreadable(
    state: &SharedState,
    msg_name: &str,
    body: &[u8],
    reason: String,
) -> Result<Json<InboundAck>, ApiError> {
    tracing::warn!(msg_name, %reason, "unreadable inbound webhook: kept for review");
    let event = InboundEvent {
        provider: "fincore".into(),
        id_msg: format!("sha256:{}", hex::encode(sha2::Sha256::digest(body))),
        msg_name: msg_name.into(),
        raw: String::from_utf8_lossy(body).into_owned(),
        client_id: None,
        transaction_id: None,
        received_at: flux_core::time::now(),
    };
    let outcome = state
        .store
        .record_inbound(event, InboundEffect::Review { reason }, None)
        .await?;
    Ok(ack(outcome, None))
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
    metrics::counter!("flux_inbound_webhooks_total", "outcome" => outcome.as_str()).increment(1);
    let duplicate = outcome == InboundOutcome::Duplicate;
    Json(InboundAck {
        received: true,
        duplicate,
        outcome: outcome.as_str().into(),
        transaction_id: if duplicate { None } else { transaction_id },
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

/// The credit a MONEY_IN event announces, checked: an amount that is a positive decimal with at
/// most the currency's decimals (a JSON number read exactly from `raw`), in a currency a SPEI
/// account holds. The error says what is wrong, for the review list.
fn checked_credit(body: &MoneyInBody, raw: &[u8]) -> Result<flux_core::money::Amount, String> {
    let currency = match body.currency.as_deref() {
        None => Currency::MXN,
        Some(code) => match code.parse::<Currency>() {
            Ok(Currency::MXN) => Currency::MXN,
            _ => return Err(format!("currency {code:?}: a SPEI account holds MXN only")),
        },
    };
    let text = crate::normalize::exact_amount(raw)?.ok_or("the event has no amount")?;
    flux_core::money::Amount::parse(&text, currency).map_err(|e| format!("amount {text:?} {e}"))
}

/// The money-in transaction a MONEY_IN event makes for `client`, or why it cannot make one. Its
/// id is derived from the event's id, so recording it twice cannot duplicate it.
pub fn money_in_record(
    env: &WebhookEnvelope,
    raw: &[u8],
    client: &ClientRecord,
) -> Result<TransactionRecord, String> {
    let body: MoneyInBody = serde_json::from_value(env.body.clone()).unwrap_or_default();
    let amount = checked_credit(&body, raw)?;
    let now = flux_core::time::now();
    Ok(TransactionRecord {
        id: Uuid::new_v5(
            &Uuid::NAMESPACE_OID,
            format!("fincore:money_in:{}", env.id_msg).as_bytes(),
        ),
        partner_id: client.partner_id,
        client_id: client.client_id,
        kind: TxKind::MoneyIn,
        status: TxStatus::Completed,
        amount: amount.to_wire(),
        currency: amount.currency().code().into(),
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
        remittance_id: None,
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

/// Records a MONEY_IN: a transaction of the client that owns the beneficiary CLABE; for an
/// account no client owns, an unmatched credit for an operator to assign; for a credit that
/// does not make sense (amount, currency), an item for review that no partner sees. Returns the
/// outcome and the transaction.
pub async fn ingest_money_in(
    state: &SharedState,
    env: &WebhookEnvelope,
    raw: String,
) -> Result<(InboundOutcome, Option<TransactionRecord>), ApiError> {
    // Tolerant: odd types elsewhere in the body leave those fields empty, the raw body is kept.
    let body: MoneyInBody = serde_json::from_value(env.body.clone()).unwrap_or_default();
    let client = match body.beneficiary_account.as_deref() {
        Some(clabe) => match state.store.find_account_link(clabe).await? {
            Some(link) => state.store.get_client(link.client_id).await?,
            None => None,
        },
        None => None,
    };
    let (effect, txn) = match (checked_credit(&body, raw.as_bytes()), &client) {
        (Err(reason), _) => (InboundEffect::Review { reason }, None),
        (Ok(_), None) => {
            let account = body.beneficiary_account.as_deref().unwrap_or("(none)");
            let reason = format!("no client owns the beneficiary account {account}");
            (InboundEffect::Unmatched { reason }, None)
        }
        (Ok(_), Some(c)) => match money_in_record(env, raw.as_bytes(), c) {
            Ok(t) => (
                InboundEffect::InsertTransaction(Box::new(t.clone())),
                Some(t),
            ),
            Err(reason) => (InboundEffect::Review { reason }, None),
        },
    };
    let mut event = fincore_event(env, "MONEY_IN", raw, txn.as_ref());
    event.client_id = client.as_ref().map(|c| c.client_id);
    let outcome = state
        .store
        .record_inbound(event, effect, Some(events::MONEY_IN))
        .await?;
    state.deliveries.wake();
    Ok((outcome, txn))
}

/// A Fincore webhook event, as Fincore documents it: `id_msg` (its unique message id, by which
/// a redelivery is recognised) is required. A body Flux cannot read (not JSON, no `id_msg`, a
/// repeated key) is still stored and acknowledged with 200, `outcome: kept_for_review`, so
/// Fincore stops redelivering it and an operator can look.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct FincoreEvent {
    /// Unique message id; not empty.
    #[schema(min_length = 1, pattern = "\\S")]
    id_msg: String,
    /// MONEY_IN, STATUS_UPDATE or CEP.
    msg_name: String,
    msg_date: Option<String>,
    /// The event's data; its shape depends on `msg_name`.
    #[schema(value_type = Object)]
    body: serde_json::Value,
}

/// Receive a MONEY_IN event (Fincore → Flux)
///
/// Called by the provider, not by partners. The event is stored raw before Flux answers 2xx, and deduplicated on `id_msg`.
#[utoipa::path(post, path = "/api/webhooks/money-in", operation_id = "receive_fincore_money_in", tag = "inbound webhooks",
    params(("X-Webhook-Token" = String, Header)),
    request_body(content = Option<FincoreEvent>, description = "Fincore MONEY_IN event (stored whatever it is: see FincoreEvent)"),
    responses((status = 200, body = InboundAck, description = "Stored; `outcome` says what Flux did with it (an unreadable body is kept for review, never refused)"), (status = 401, body = flux_gateway::error::Problem), (status = 413, body = flux_gateway::error::Problem)))]
pub async fn money_in(
    State(state): State<SharedState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<InboundAck>, ApiError> {
    let env = match accept(&state, &headers, "MONEY_IN", &body).await? {
        std::ops::ControlFlow::Continue(env) => env,
        std::ops::ControlFlow::Break(kept) => return Ok(kept),
    };
    let raw = String::from_utf8_lossy(&body).into_owned();
    let (outcome, txn) = ingest_money_in(&state, &env, raw).await?;
    Ok(ack(outcome, txn.map(|t| t.id)))
}

/// Receive a STATUS_UPDATE event (Fincore → Flux)
///
/// Called by the provider, not by partners. Updates a money-out's status; a status that would move backwards is kept for review, never applied.
#[utoipa::path(post, path = "/api/webhooks/status-update", operation_id = "receive_fincore_status_update", tag = "inbound webhooks",
    params(("X-Webhook-Token" = String, Header)),
    request_body(content = Option<FincoreEvent>, description = "Fincore STATUS_UPDATE event (stored whatever it is: see FincoreEvent)"),
    responses((status = 200, body = InboundAck, description = "Stored; `outcome` says what Flux did with it"), (status = 401, body = flux_gateway::error::Problem), (status = 413, body = flux_gateway::error::Problem)))]
pub async fn status_update(
    State(state): State<SharedState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<InboundAck>, ApiError> {
    let env = match accept(&state, &headers, "STATUS_UPDATE", &body).await? {
        std::ops::ControlFlow::Continue(env) => env,
        std::ops::ControlFlow::Break(kept) => return Ok(kept),
    };
    let update: StatusUpdateBody = serde_json::from_value(env.body.clone()).unwrap_or_default();
    let known = known_transaction(&state, update.id.as_deref()).await?;
    let effect = status_effect(&update);
    record(&state, &env, &body, known, effect, events::STATUS_UPDATE).await
}

/// What a STATUS_UPDATE asks for. One that names no transaction, or a status Fincore does not
/// document, is kept for review; one for a transaction Flux does not know yet is held by the
/// store until it does.
fn status_effect(update: &StatusUpdateBody) -> InboundEffect {
    let (Some(id), Some(text)) = (update.id.as_deref(), update.status.as_deref()) else {
        return InboundEffect::Review {
            reason: "a STATUS_UPDATE needs body.id and body.status".into(),
        };
    };
    let Some(status) = crate::normalize::status(text) else {
        return InboundEffect::Review {
            reason: format!("status {text:?} is not one Fincore documents"),
        };
    };
    InboundEffect::UpdateStatus {
        provider_reference: id.to_string(),
        status,
        failure_code: update.reason.clone(),
        failure_description: update.reason_description.clone(),
        updated_at: update
            .update_at
            .as_deref()
            .and_then(flux_core::time::parse_provider)
            .unwrap_or_else(flux_core::time::now),
    }
}

/// Receive a CEP event (Fincore → Flux)
///
/// Called by the provider, not by partners. Sets a transfer's CEP status.
#[utoipa::path(post, path = "/api/webhooks/cep", operation_id = "receive_fincore_cep", tag = "inbound webhooks",
    params(("X-Webhook-Token" = String, Header)),
    request_body(content = Option<FincoreEvent>, description = "Fincore CEP event (stored whatever it is: see FincoreEvent)"),
    responses((status = 200, body = InboundAck, description = "Stored; `outcome` says what Flux did with it"), (status = 401, body = flux_gateway::error::Problem), (status = 413, body = flux_gateway::error::Problem)))]
pub async fn cep(
    State(state): State<SharedState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<InboundAck>, ApiError> {
    let env = match accept(&state, &headers, "CEP", &body).await? {
        std::ops::ControlFlow::Continue(env) => env,
        std::ops::ControlFlow::Break(kept) => return Ok(kept),
    };
    let cep: CepBody = serde_json::from_value(env.body.clone()).unwrap_or_default();
    let known = known_transaction(&state, cep.id.as_deref()).await?;
    // INITIALIZED is never sent by the webhook; treat it as PENDING if it appears.
    let status = cep
        .status
        .as_deref()
        .map(|s| if s == "INITIALIZED" { "PENDING" } else { s });
    let effect = match (status, cep.id.as_deref()) {
        (Some(status), Some(id)) => InboundEffect::UpdateCep {
            provider_reference: id.to_string(),
            cep_status: status.to_string(),
            processed_at: cep
                .processed_at
                .as_deref()
                .and_then(flux_core::time::parse_provider),
        },
        _ => InboundEffect::Review {
            reason: "a CEP event needs body.id and body.status".into(),
        },
    };
    record(&state, &env, &body, known, effect, events::CEP).await
}

/// The same three endpoints under `/api/webhooks/fincore/…`, where each provider's inbound
/// webhooks live (Félix's at `/api/webhooks/felix`), with the same token. The seed's paths
/// above stay, for the registrations that name them.
pub mod namespaced {
    use super::*;

    /// Receive a MONEY_IN event (Fincore → Flux, provider path)
    ///
    /// The same as `/api/webhooks/money-in`, under the provider's own path.
    #[utoipa::path(post, path = "/api/webhooks/fincore/money-in", operation_id = "receive_fincore_money_in_by_provider", tag = "inbound webhooks",
        params(("X-Webhook-Token" = String, Header)),
        request_body(content = Option<FincoreEvent>, description = "Fincore MONEY_IN event (stored whatever it is: see FincoreEvent)"),
        responses((status = 200, body = InboundAck, description = "As `/api/webhooks/money-in`"), (status = 401, body = flux_gateway::error::Problem), (status = 413, body = flux_gateway::error::Problem)))]
    pub async fn fincore_money_in(
        state: State<SharedState>,
        headers: HeaderMap,
        body: Bytes,
    ) -> Result<Json<InboundAck>, ApiError> {
        money_in(state, headers, body).await
    }

    /// Receive a STATUS_UPDATE event (Fincore → Flux, provider path)
    ///
    /// The same as `/api/webhooks/status-update`, under the provider's own path.
    #[utoipa::path(post, path = "/api/webhooks/fincore/status-update", operation_id = "receive_fincore_status_update_by_provider", tag = "inbound webhooks",
        params(("X-Webhook-Token" = String, Header)),
        request_body(content = Option<FincoreEvent>, description = "Fincore STATUS_UPDATE event (stored whatever it is: see FincoreEvent)"),
        responses((status = 200, body = InboundAck, description = "As `/api/webhooks/status-update`"), (status = 401, body = flux_gateway::error::Problem), (status = 413, body = flux_gateway::error::Problem)))]
    pub async fn fincore_status_update(
        state: State<SharedState>,
        headers: HeaderMap,
        body: Bytes,
    ) -> Result<Json<InboundAck>, ApiError> {
        status_update(state, headers, body).await
    }

    /// Receive a CEP event (Fincore → Flux, provider path)
    ///
    /// The same as `/api/webhooks/cep`, under the provider's own path.
    #[utoipa::path(post, path = "/api/webhooks/fincore/cep", operation_id = "receive_fincore_cep_by_provider", tag = "inbound webhooks",
        params(("X-Webhook-Token" = String, Header)),
        request_body(content = Option<FincoreEvent>, description = "Fincore CEP event (stored whatever it is: see FincoreEvent)"),
        responses((status = 200, body = InboundAck, description = "As `/api/webhooks/cep`"), (status = 401, body = flux_gateway::error::Problem), (status = 413, body = flux_gateway::error::Problem)))]
    pub async fn fincore_cep(
        state: State<SharedState>,
        headers: HeaderMap,
        body: Bytes,
    ) -> Result<Json<InboundAck>, ApiError> {
        cep(state, headers, body).await
    }
}
