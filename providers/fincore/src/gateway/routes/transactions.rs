//! Money movements through Fincore: money-out (Fincore `POST /v1/transactions/money_out`) and
//! refunds (Fincore `POST …/transactions/{id}/refund`). Listing and reading transactions is the
//! gateway's (`flux_gateway::routes::transactions`): it needs no provider.
//!
//! A money-out is recorded as SUBMITTING before Fincore is called, with an operation id that is
//! a function of the partner's Idempotency-Key; Fincore gets a UUID v5 key derived from it. If
//! Fincore does not answer, the record stays UNKNOWN and the partner's retry (same key) sends
//! the same Fincore key again, which Fincore answers from its idempotency cache: money moves at
//! most once.

use super::super::{credentials, fincore, CallFrom};
use crate::{wire, FincoreError};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use flux_core::{TxKind, TxStatus};
use flux_gateway::delivery::events;
use flux_gateway::error::ApiError;
use flux_gateway::idempotency::{self, Begin, Outcome, Started};
use flux_gateway::model::Transaction;
use flux_gateway::pipeline::Caller;
use flux_gateway::pipeline::RequestCtx;
use flux_gateway::routes::transactions::owned_transaction;
use flux_gateway::routes::{owned_client, path_id};
use flux_gateway::validate::{json_object, Fields};
use flux_gateway::SharedState;
use flux_store::{RefundIntent, TransactionRecord};
use uuid::Uuid;

/// Body of POST /api/partners/transactions/money-out (the seed's shape).
#[derive(utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct MoneyOut {
    client_id: Uuid,
    /// A private account's instrument (see `instrument_id` in GET …/accounts).
    source_instrument_id: Uuid,
    /// Must differ from `source_instrument_id`.
    destination_instrument_id: Uuid,
    transaction_request: MoneyOutDetails,
}

#[derive(utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct MoneyOutDetails {
    #[schema(min_length = 1, max_length = 64, pattern = r"^[^\x00-\x1F\x7F-\x9F]*$")]
    external_reference: String,
    #[schema(
        min_length = 1,
        max_length = 140,
        pattern = r"^[^\x00-\x1F\x7F-\x9F]*$"
    )]
    description: String,
    #[schema(schema_with = flux_gateway::validate::schema::amount)]
    amount: String,
    /// MXN (SPEI moves pesos).
    #[schema(schema_with = flux_gateway::validate::schema::mxn)]
    currency: String,
}

struct MoneyOutInput {
    client_id: Uuid,
    source: Uuid,
    destination: Uuid,
    request: wire::TransactionRequest,
}

fn parse_money_out(body: &[u8]) -> Result<MoneyOutInput, ApiError> {
    let obj = json_object(body)?;
    let mut f = Fields::new(&obj);
    let client_id = f.uuid("client_id");
    let source = f.uuid("source_instrument_id");
    let destination = f.uuid("destination_instrument_id");
    let request = f.object("transaction_request", true, |t| {
        let external_reference = t.string("external_reference", 1, 64);
        let description = t.string("description", 1, 140);
        let currency = t.currency("currency");
        let amount = t.amount("amount", currency);
        if currency.is_some_and(|c| c != flux_core::Currency::MXN) {
            t.fail("currency", "SPEI transfers are in MXN");
        }
        Some(wire::TransactionRequest {
            external_reference: external_reference?,
            description: description?,
            amount: amount?.to_wire(),
            currency: currency?.code().into(),
        })
    });
    if source.is_some() && source == destination {
        f.fail(
            "destination_instrument_id",
            "must differ from source_instrument_id",
        );
    }
    f.finish()?;
    match (client_id, source, destination, request) {
        (Some(client_id), Some(source), Some(destination), Some(request)) => Ok(MoneyOutInput {
            client_id,
            source,
            destination,
            request,
        }),
        _ => Err(ApiError::internal()),
    }
}

/// Applies Fincore's answer (or failure) to Flux's record: the answer's status and ids; a
/// refusal is FAILED with Fincore's reason; no answer is UNKNOWN, for the resolver.
pub(crate) fn apply(
    record: &mut TransactionRecord,
    result: &Result<wire::Transaction, FincoreError>,
) {
    record.updated_at = flux_core::time::now();
    match result {
        Ok(t) => {
            record.status =
                crate::normalize::status(&t.transaction_status).unwrap_or(TxStatus::Unknown);
            record.provider_reference = Some(t.id.to_string());
            record.tracking_key = Some(t.tracking_id.clone());
            record.external_reference = Some(t.external_reference.clone());
        }
        Err(e @ FincoreError::Rejected { code, message, .. }) if e.is_definitive_refusal() => {
            record.status = TxStatus::Failed;
            record.failure_code = Some(code.clone());
            record.failure_description = Some(message.clone());
        }
        Err(_) => record.status = TxStatus::Unknown,
    }
}

/// What a partner's retry of a recorded money-out gets instead of a call to Fincore, if
/// anything: another body under the same key is refused (Fincore's key covers the body, so a
/// call would move money a second time), and a money-out Fincore already answered, or that
/// is too old to replay safely, is shown as recorded. None: call Fincore with the same key.
fn retry_of(
    existing: &TransactionRecord,
    retry: &TransactionRecord,
) -> Option<Result<Response, ApiError>> {
    if money_out_request(existing) != money_out_request(retry) {
        return Some(Err(idempotency::key_reused()));
    }
    let age = flux_core::time::now() - existing.created_at;
    let unanswered = matches!(existing.status, TxStatus::Submitting | TxStatus::Unknown)
        && existing.provider_reference.is_none();
    if unanswered && age < super::super::resolver::replay_window() {
        return None;
    }
    let body = serde_json::to_vec(&events::render(existing)).unwrap_or_default();
    Some(Ok((
        StatusCode::CREATED,
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        body,
    )
        .into_response()))
}

/// The Fincore money-out a recorded money-out asked for, rebuilt byte for byte from the record,
/// so the resolver's replay carries the same body as the first call (Fincore compares them).
pub fn money_out_request(t: &TransactionRecord) -> Option<wire::MoneyOutRequest> {
    Some(wire::MoneyOutRequest {
        client_id: t.client_id,
        source_instrument_id: t.source_instrument_id?,
        destination_instrument_id: t.destination_instrument_id?,
        transaction_request: wire::TransactionRequest {
            external_reference: t.external_reference.clone()?,
            description: t.description.clone()?,
            amount: t.amount.clone(),
            currency: t.currency.clone(),
        },
    })
}

/// Send a SPEI money-out
///
/// Moves money from one of the client's instruments to another over SPEI. Send an `Idempotency-Key`: a retry with the same key and body answers the first result and never moves money twice. The answer may be INITIALIZED or PENDING; the final status arrives by webhook (STATUS_UPDATE) and on GET.
#[utoipa::path(post, path = "/api/partners/transactions/money-out", operation_id = "create_money_out", tag = "transactions",
    params(("Idempotency-Key" = Option<String>, Header, description = "Recommended: one key per operation makes retries safe")),
    request_body = MoneyOut,
    responses((status = 201, body = Transaction), (status = 400, body = flux_gateway::error::Problem), (status = 401, body = flux_gateway::error::Problem), (status = 404, body = flux_gateway::error::Problem),
        (status = 409, body = flux_gateway::error::Problem), (status = 422, body = flux_gateway::error::Problem), (status = 429, body = flux_gateway::error::Problem), (status = 502, body = flux_gateway::error::Problem), (status = 504, body = flux_gateway::error::Problem)),
    security(("api_key" = [])))]
pub async fn money_out(
    State(state): State<SharedState>,
    Extension(caller): Extension<Caller>,
    Extension(ctx): Extension<RequestCtx>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let input = parse_money_out(&body)?;
    let client = owned_client(&state, &caller, input.client_id).await?;
    let key = idempotency::key_claim(
        &state,
        &caller,
        &headers,
        "POST",
        "/api/partners/transactions/money-out",
        &body,
    )?;
    // The same partner key always names the same operation, so a retry reuses the record and
    // the upstream key.
    let operation = match &key {
        Some(k) => Uuid::new_v5(&caller.partner_id, k.key.as_bytes()),
        None => Uuid::new_v4(),
    };
    let now = flux_core::time::now();
    let mut record = TransactionRecord {
        id: operation,
        partner_id: caller.partner_id,
        client_id: client.client_id,
        kind: TxKind::MoneyOut,
        status: TxStatus::Submitting,
        amount: input.request.amount.clone(),
        currency: input.request.currency.clone(),
        description: Some(input.request.description.clone()),
        external_reference: Some(input.request.external_reference.clone()),
        tracking_key: None,
        source_instrument_id: Some(input.source),
        destination_instrument_id: Some(input.destination),
        related_transaction_id: None,
        provider: "fincore".into(),
        provider_reference: None,
        failure_code: None,
        failure_description: None,
        counterparty: None,
        cep_status: None,
        cep_processed_at: None,
        remittance_id: None,
        created_at: now,
        updated_at: now,
    };
    // Durable intent before money can move: if Flux dies mid-call the record says so. On a
    // retry of the same operation the record exists already; keep its creation time. The
    // key's claim rides in the same transaction.
    let (claim, inserted) = match idempotency::begin_with_intent(&state, key, &record).await? {
        Started::Replay(r) => return Ok(r),
        Started::Run { claim, inserted } => (claim, inserted),
    };
    if !inserted {
        let existing = state
            .store
            .get_transaction(operation)
            .await?
            .ok_or_else(ApiError::internal)?;
        if let Some(answer) = retry_of(&existing, &record) {
            if let Some(c) = &claim {
                let _ = state.store.release_idempotency(c.partner_id, &c.key).await;
            }
            return answer;
        }
        record.created_at = existing.created_at;
    }
    let req = money_out_request(&record).ok_or_else(ApiError::internal)?;
    let upstream = fincore(&state)?
        .client
        .money_out(&credentials(&client), &req, operation, &ctx.call())
        .await;
    apply(&mut record, &upstream);
    let result = match upstream {
        Ok(_) => Ok((StatusCode::CREATED, events::render(&record))),
        Err(e) => Err(ApiError::from(e)),
    };
    Ok(idempotency::finish(
        &state,
        claim,
        Outcome {
            result,
            txn: Some(record),
            render: Some(events::render),
        },
    )
    .await)
}

/// Body of POST …/transactions/{transactionId}/refund.
#[derive(utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct Refund {
    /// Must equal the amount received: Fincore refunds in full only.
    #[schema(schema_with = flux_gateway::validate::schema::amount)]
    amount: String,
    #[schema(
        min_length = 1,
        max_length = 140,
        pattern = r"^[^\x00-\x1F\x7F-\x9F]*$"
    )]
    description: String,
}

/// Refund a money-in
///
/// Returns a received SPEI credit to its sender, for its full amount, as Fincore requires.
#[utoipa::path(post, path = "/api/partners/clients/{clientId}/transactions/{transactionId}/refund", operation_id = "refund_transaction", tag = "transactions",
    params(("clientId" = Uuid, Path), ("transactionId" = Uuid, Path, description = "A MONEY_IN transaction's Flux id"), ("Idempotency-Key" = Option<String>, Header)),
    request_body = Refund,
    responses((status = 201, body = Transaction), (status = 400, body = flux_gateway::error::Problem), (status = 404, body = flux_gateway::error::Problem), (status = 409, body = flux_gateway::error::Problem), (status = 422, body = flux_gateway::error::Problem), (status = 502, body = flux_gateway::error::Problem), (status = 504, body = flux_gateway::error::Problem)),
    security(("api_key" = [])))]
pub async fn refund(
    State(state): State<SharedState>,
    Extension(caller): Extension<Caller>,
    Extension(ctx): Extension<RequestCtx>,
    Path((client_id, transaction_id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let client = owned_client(&state, &caller, path_id(&client_id, "client")?).await?;
    let original = owned_transaction(
        &state,
        &caller,
        client.client_id,
        path_id(&transaction_id, "transaction")?,
    )
    .await?;
    let currency = original.currency.parse::<flux_core::Currency>().ok();
    let obj = json_object(&body)?;
    let mut f = Fields::new(&obj);
    let amount = f.amount("amount", currency);
    let description = f.string("description", 1, 140);
    f.finish()?;
    let (Some(amount), Some(description)) = (amount, description) else {
        return Err(ApiError::internal());
    };
    if original.kind != TxKind::MoneyIn {
        return Err(not_refundable(
            "only received transactions (MONEY_IN) can be refunded",
        ));
    }
    let Some(reference) = original.provider_reference.clone() else {
        return Err(not_refundable(
            "the provider has no reference for this transaction",
        ));
    };
    // Refunds leave the client's funds like a money-out: the intent's hold is refused (422
    // insufficient_funds) before Fincore is called when the books say the money is not
    // there. Not checked before the key: a retry of a refund made, once the funds were spent
    // since, gets its first answer.
    let path = format!(
        "/api/partners/clients/{}/transactions/{}/refund",
        client.client_id, original.id
    );
    let key = idempotency::key_of(&headers)?;
    let claim = match idempotency::begin(&state, &caller, &headers, "POST", &path, &body).await? {
        Begin::Replay(r) => return Ok(r),
        Begin::Run(c) => c,
    };
    let mut record = refund_intent(&caller, &original, &amount, &description, key.as_deref());
    // Fincore refunds carry no idempotency key: the intent (and its hold) is recorded before
    // the call, and a second refund is refused while this one's outcome is not known.
    match record_intent(&state, &record).await {
        Ok(Intent::Send) => {}
        // The partner's retry of a refund decided since (by the resolver or an operator): it
        // gets that refund, as a retry with the same key always gets its first answer's object.
        Ok(Intent::Decided(existing)) => {
            let outcome = Outcome::created(Ok(events::render(&existing)));
            return Ok(idempotency::finish(&state, claim, outcome).await);
        }
        Err(refusal) => {
            if let Some(c) = &claim {
                let _ = state.store.release_idempotency(c.partner_id, &c.key).await;
            }
            return Err(refusal);
        }
    }
    let req = wire::RefundRequest {
        amount: amount.to_wire(),
        description,
    };
    let upstream = fincore(&state)?
        .client
        .refund(&credentials(&client), &reference, &req, &ctx.call())
        .await;
    apply(&mut record, &upstream);
    let result = match upstream {
        Ok(_) => Ok((StatusCode::CREATED, events::render(&record))),
        Err(e) => Err(ApiError::from(e)),
    };
    let outcome = Outcome {
        result,
        txn: Some(record),
        render: Some(events::render),
    };
    Ok(idempotency::finish(&state, claim, outcome).await)
}

fn not_refundable(detail: &str) -> ApiError {
    ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "not_refundable",
        "Transaction cannot be refunded",
    )
    .detail(detail)
}

/// The refund a partner asked for, as Flux records it before calling Fincore. With an
/// Idempotency-Key its id is a function of the key, so the partner's retry finds it.
fn refund_intent(
    caller: &Caller,
    original: &TransactionRecord,
    amount: &flux_core::Amount,
    description: &str,
    key: Option<&str>,
) -> TransactionRecord {
    let now = flux_core::time::now();
    TransactionRecord {
        id: match key {
            Some(k) => Uuid::new_v5(&caller.partner_id, format!("refund:{k}").as_bytes()),
            None => Uuid::new_v4(),
        },
        partner_id: caller.partner_id,
        client_id: original.client_id,
        kind: TxKind::Refund,
        status: TxStatus::Submitting,
        amount: amount.to_wire(),
        currency: amount.currency().code().into(),
        description: Some(description.to_string()),
        external_reference: None,
        tracking_key: None,
        source_instrument_id: None,
        destination_instrument_id: None,
        related_transaction_id: Some(original.id),
        provider: "fincore".into(),
        provider_reference: None,
        failure_code: None,
        failure_description: None,
        counterparty: original.counterparty.clone(),
        cep_status: None,
        cep_processed_at: None,
        remittance_id: None,
        created_at: now,
        updated_at: now,
    }
}

/// What to do with a refund once its intent is recorded.
enum Intent {
    /// Recorded now: call Fincore.
    Send,
    /// This very refund (the same Idempotency-Key) was recorded before and has its final status.
    Decided(Box<TransactionRecord>),
}

/// Records the intent; a retry of a refund whose outcome is still unknown is refused (409),
/// never sent again.
async fn record_intent(
    state: &SharedState,
    record: &TransactionRecord,
) -> Result<Intent, ApiError> {
    match state.store.record_refund_intent(record).await? {
        RefundIntent::Recorded => Ok(Intent::Send),
        RefundIntent::Existing(t) if !t.status.is_final() => Err(ApiError::new(
            StatusCode::CONFLICT,
            "refund_in_progress",
            "A refund is under way",
        )
        .detail(format!(
            "refund {} was sent and its outcome is not known yet ({}); it is being resolved, never sent twice",
            t.id, t.status
        ))),
        RefundIntent::Existing(t) => Ok(Intent::Decided(t)),
    }
}
