//! Card-program top-ups: the treasury movement that takes a client's SPEI money into its card
//! program at NeCIPCo, so that its cards can be funded.
//!
//! `POST /api/partners/clients/{clientId}/card-program/top-ups {"amount"}` (Idempotency-Key
//! required), `GET …/top-ups`, `GET …/top-ups/{topUpId}`. Each step is recorded:
//! 1. **SENDING.** The top-up is recorded, then a SPEI payment from the client's funds to the
//!    program's funding CLABE (`[necipco] funding_clabe`) is ordered from the provider that can
//!    pay out (Fincore): an ordinary money-out, held in Flux's books against the client's
//!    available funds (beyond them: 422 `insufficient_funds`, the top-up FAILED, nothing sent),
//!    settled by Fincore's webhook or the resolver, and announced as a `STATUS_UPDATE`.
//! 2. **FUNDING.** Once that payment is COMPLETED the money is at NeCIPCo, on Flux's master
//!    program; Flux orders `/clients/fund` to credit the client's subclient. NeCIPCo's call
//!    takes no idempotency key, so a credit is ordered at most once (claimed in the store),
//!    one at a time per process, with the master's available balance read just before: an
//!    unanswered credit is decided by reading it again. Lower by exactly the amount: it
//!    happened. Anything else (money arrives at the master too): NEEDS_REVIEW, filed in the
//!    review list for an operator; Flux never orders it again by itself. A credit NeCIPCo
//!    refuses outright (the master lacks funds) is ordered again in a later round.
//! 3. **COMPLETED**, with the program credit booked (DEBIT NeCIPCo's mirror, CREDIT the client's
//!    program) in the same transaction. Or **FAILED** when the SPEI payment failed: nothing
//!    left the client.
//!
//! Steps 2 and 3 run in each resolver round (and right after the request), so a top-up moves
//! on by itself once its payment completes.

use super::{model, NecipcoProvider, NAME};
use crate::wire::{Amount, FundRequest};
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::{Extension, Json};
use flux_core::TxStatus;
use flux_gateway::error::ApiError;
use flux_gateway::idempotency::{self, Begin, Outcome};
use flux_gateway::pipeline::Caller;
use flux_gateway::provider::PayOutOrder;
use flux_gateway::routes::{owned_client, path_id};
use flux_gateway::validate::{json_object, page_query, Fields};
use flux_gateway::SharedState;
use flux_ledger::card_books;
use flux_store::sql::tx_fn;
use flux_store::top_ups::advance_top_up;
use flux_store::{ClientRecord, NewReview, ReviewKind, Store, TopUp, TopUpStatus};
use rust_decimal::Decimal;
use serde_json::json;
use std::collections::HashMap;
use uuid::Uuid;

/// A top-up as the partner asks for it.
#[derive(utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct NewTopUp {
    /// MXN, at most 2 decimals, greater than zero.
    #[schema(schema_with = flux_gateway::validate::schema::amount)]
    amount: String,
    /// Optional; card programs hold pesos.
    #[schema(schema_with = flux_gateway::validate::schema::mxn)]
    currency: Option<String>,
}

/// What partners see of a top-up.
pub fn view(t: &TopUp) -> model::TopUp {
    model::TopUp::from(t)
}

fn parse(body: &[u8]) -> Result<String, ApiError> {
    let obj = json_object(body)?;
    let mut f = Fields::new(&obj);
    let amount = super::model::mxn_amount(&mut f, &obj);
    f.finish()?;
    amount.ok_or_else(ApiError::internal)
}

fn not_configured() -> ApiError {
    ApiError::new(
        StatusCode::CONFLICT,
        "treasury_not_configured",
        "Card-program top-ups are not configured",
    )
    .detail("this Flux has no funding CLABE for its NeCIPCo program ([necipco] funding_clabe)")
}

/// Top up the card program
///
/// Pays the program from the client's SPEI funds, then credits it at NeCIPCo once the payment completes. Needs an `Idempotency-Key`.
#[utoipa::path(post, path = "/api/partners/clients/{clientId}/card-program/top-ups", operation_id = "create_card_program_top_up", tag = "cards",
    params(("clientId" = Uuid, Path),
        ("Idempotency-Key" = String, Header, description = "Required: a retry with the same key never sends money twice")),
    request_body = NewTopUp,
    responses((status = 201, body = model::TopUp), (status = 400, body = flux_gateway::error::Problem),
        (status = 404, body = flux_gateway::error::Problem), (status = 409, body = flux_gateway::error::Problem),
        (status = 422, body = flux_gateway::error::Problem), (status = 502, body = flux_gateway::error::Problem),
        (status = 504, body = flux_gateway::error::Problem)),
    security(("api_key" = [])))]
pub async fn create(
    State(state): State<SharedState>,
    Extension(caller): Extension<Caller>,
    Path(client_id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let client = owned_client(&state, &caller, path_id(&client_id, "client")?).await?;
    let amount = parse(&body)?;
    let key = idempotency::key_of(&headers)?.ok_or_else(idempotency::key_required)?;
    let provider = super::necipco(&state)?;
    let clabe = provider.funding_clabe.clone().ok_or_else(not_configured)?;
    let path = format!(
        "/api/partners/clients/{}/card-program/top-ups",
        client.client_id
    );
    // The client's NeCIPCo subclient must exist before any money leaves for it.
    super::connector(&state, &client).await?;
    let claim = match idempotency::begin(&state, &caller, &headers, "POST", &path, &body).await? {
        Begin::Replay(r) => return Ok(r),
        Begin::Run(c) => c,
    };
    let id = Uuid::new_v5(&caller.partner_id, format!("card-top-up:{key}").as_bytes());
    // In its own task, so a partner hanging up cannot cut the money work half-way.
    let work = {
        let (state, caller) = (state.clone(), caller.clone());
        tokio::spawn(async move {
            let provider = super::necipco(&state)?;
            let top_up = record(&state, &caller, &client, id, &amount).await?;
            let top_up = send(&state, &client, top_up, &clabe).await?;
            let top_up = advance(provider, &state.store, top_up).await?;
            Ok(view(&top_up))
        })
    };
    let result = work.await.unwrap_or_else(|_| Err(ApiError::internal()));
    Ok(idempotency::finish(&state, claim, Outcome::created(result)).await)
}

/// Records the top-up, or finds the one the same key recorded (same amount, or the key was
/// reused for another request).
async fn record(
    state: &SharedState,
    caller: &Caller,
    client: &ClientRecord,
    id: Uuid,
    amount: &str,
) -> Result<TopUp, ApiError> {
    let now = flux_core::time::now();
    let new = TopUp {
        id,
        partner_id: caller.partner_id,
        client_id: client.client_id,
        provider: NAME.into(),
        amount: amount.to_string(),
        status: TopUpStatus::Sending,
        payment_id: Uuid::new_v5(&id, b"payment"),
        fund_before: None,
        fund_attempted_at: None,
        note: None,
        created_at: now,
        updated_at: now,
    };
    if state.store.insert_top_up(&new).await? {
        return Ok(new);
    }
    let existing = reload(&state.store, id).await?;
    if existing.amount != new.amount || existing.client_id != new.client_id {
        return Err(idempotency::key_reused());
    }
    Ok(existing)
}

async fn reload(store: &Store, id: Uuid) -> Result<TopUp, ApiError> {
    store.get_top_up(id).await?.ok_or_else(ApiError::internal)
}

/// Orders the SPEI payment (once: it is recorded under the top-up's payment id). A refusal
/// before anything was sent fails the top-up.
async fn send(
    state: &SharedState,
    client: &ClientRecord,
    top_up: TopUp,
    clabe: &str,
) -> Result<TopUp, ApiError> {
    if top_up.status != TopUpStatus::Sending {
        return Ok(top_up);
    }
    let payer = state
        .providers
        .iter()
        .filter(|p| client.link(p.name()).is_some())
        .find_map(|p| p.pay_out())
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::CONFLICT,
                "no_provider_client",
                "The client has no SPEI funds",
            )
            .detail("no provider this client is linked to can send its money by SPEI")
        })?;
    let order = PayOutOrder {
        id: top_up.payment_id,
        partner_id: top_up.partner_id,
        amount: top_up.amount.clone(),
        clabe: clabe.to_string(),
        beneficiary: "NECIPCO PROGRAMA FLUX".into(),
        concept: format!("Flux card program top-up {}", top_up.id),
    };
    match payer.pay_out(state, client, &order).await {
        Ok(_) => reload(&state.store, top_up.id).await,
        Err(e) if !e.status.is_server_error() => {
            let reason = format!("the SPEI payment was refused: {}", e.title);
            if state.store.get_transaction(order.id).await?.is_none() {
                fail(&state.store, top_up.id, &reason).await?;
            }
            Err(e)
        }
        Err(e) => Err(e),
    }
}

async fn fail(store: &Store, id: Uuid, reason: &str) -> Result<(), ApiError> {
    let reason = reason.to_string();
    store
        .write(tx_fn(move |tx| {
            Box::pin(async move {
                advance_top_up(
                    tx,
                    id,
                    TopUpStatus::Sending,
                    TopUpStatus::Failed,
                    Some(&reason),
                )
                .await
            })
        }))
        .await?;
    Ok(())
}

/// Takes a top-up as far as it can go now (see the module docs).
pub async fn advance(
    provider: &NecipcoProvider,
    store: &Store,
    top_up: TopUp,
) -> Result<TopUp, ApiError> {
    if top_up.status == TopUpStatus::Sending {
        let payment = store.get_transaction(top_up.payment_id).await?;
        let next = match payment.map(|p| p.status) {
            Some(TxStatus::Completed) => Some((TopUpStatus::Funding, None)),
            Some(s) if s.is_failure() => Some((
                TopUpStatus::Failed,
                Some(format!(
                    "the SPEI payment ended {s}; nothing left the client"
                )),
            )),
            _ => None,
        };
        if let Some((to, note)) = next {
            let id = top_up.id;
            store
                .write(tx_fn(move |tx| {
                    Box::pin(async move {
                        advance_top_up(tx, id, TopUpStatus::Sending, to, note.as_deref()).await
                    })
                }))
                .await?;
        }
    }
    let top_up = reload(store, top_up.id).await?;
    if top_up.status == TopUpStatus::Funding {
        fund(provider, store, &top_up).await?;
    }
    reload(store, top_up.id).await
}

/// Orders the program credit once, or decides an earlier unanswered one from the master's
/// balance; anything it cannot decide goes to an operator (NEEDS_REVIEW and the review list).
async fn fund(provider: &NecipcoProvider, store: &Store, top_up: &TopUp) -> Result<(), ApiError> {
    let _one_at_a_time = provider.funding_lock().await;
    let t = reload(store, top_up.id).await?;
    if t.status != TopUpStatus::Funding {
        return Ok(());
    }
    let amount = Decimal::from_str_exact(&t.amount).map_err(|_| ApiError::internal())?;
    let available = provider
        .master
        .client_info()
        .await
        .map_err(super::upstream_error)?
        .available
        .value();
    if t.fund_attempted_at.is_some() {
        let before = t
            .fund_before
            .as_deref()
            .and_then(|b| b.parse::<Decimal>().ok());
        if before.is_some_and(|b| available == b - amount) {
            return complete(store, &t).await;
        }
        let why = format!(
            "NeCIPCo's program credit of {amount} for top-up {} was never answered, and the master's balance ({available}, {} before) does not show whether it happened; check the client's program at NeCIPCo, then resolve this item",
            t.id,
            before.map(|b| b.to_string()).unwrap_or_else(|| "unknown".into())
        );
        return needs_review(store, &t, &why).await;
    }
    if !store
        .claim_top_up_funding(t.id, &available.to_string())
        .await?
    {
        return Ok(());
    }
    let body = FundRequest {
        client_id: subclient(store, &t).await?,
        amount: Amount(amount),
    };
    match provider.master.fund_client(&body).await {
        Ok(_) => complete(store, &t).await,
        Err(e) if matches!(e, crate::NecipcoError::Rejected { status, .. } if (400..500).contains(&status) && status != 408 && status != 429) =>
        {
            // Refused outright (the master lacks funds, say): nothing happened; a later round
            // orders it again, and the note tells operators why it waits.
            let note = format!("NeCIPCo refused the program credit: {e}");
            store.release_top_up_funding(t.id, &note).await?;
            Ok(())
        }
        Err(e) => {
            tracing::warn!(top_up_id = %t.id, error = %e, "program credit not answered");
            store
                .note_top_up(
                    t.id,
                    &format!("NeCIPCo's program credit was not answered: {e}"),
                )
                .await?;
            Ok(())
        }
    }
}

async fn subclient(store: &Store, t: &TopUp) -> Result<String, ApiError> {
    let client = store
        .get_client(t.client_id)
        .await?
        .ok_or_else(ApiError::internal)?;
    client
        .link(NAME)
        .map(|l| l.provider_client_id.clone())
        .ok_or_else(ApiError::internal)
}

/// FUNDING → NEEDS_REVIEW, filed in the review list, in one go (filing twice files once).
async fn needs_review(store: &Store, t: &TopUp, why: &str) -> Result<(), ApiError> {
    let (id, note) = (t.id, why.to_string());
    store
        .write(tx_fn(move |tx| {
            Box::pin(async move {
                advance_top_up(
                    tx,
                    id,
                    TopUpStatus::Funding,
                    TopUpStatus::NeedsReview,
                    Some(&note),
                )
                .await
            })
        }))
        .await?;
    store
        .file_review(NewReview {
            kind: ReviewKind::UnknownOutcome,
            provider: NAME.into(),
            client_id: Some(t.client_id),
            transaction_id: Some(t.payment_id),
            remittance_id: None,
            id_msg: None,
            reason: why.to_string(),
        })
        .await?;
    Ok(())
}

/// FUNDING → COMPLETED with the program credit booked, in one transaction.
async fn complete(store: &Store, t: &TopUp) -> Result<(), ApiError> {
    let t = t.clone();
    store
        .write(tx_fn(move |tx| {
            Box::pin(async move {
                if advance_top_up(tx, t.id, TopUpStatus::Funding, TopUpStatus::Completed, None)
                    .await?
                {
                    let meta = json!({"kind": "CARD_PROGRAM_TOP_UP", "top_up_id": t.id,
                        "payment_transaction_id": t.payment_id});
                    let reference = format!("top-up:{}", t.id);
                    card_books::credit_program(tx, t.client_id, NAME, &t.amount, &reference, meta)
                        .await?;
                }
                Ok(())
            })
        }))
        .await?;
    Ok(())
}

/// The resolver's round: every open top-up moves on if it can.
pub async fn advance_open(
    provider: &NecipcoProvider,
    store: &Store,
) -> anyhow::Result<Vec<String>> {
    let mut done = Vec::new();
    for t in store.open_top_ups(1000).await? {
        let before = t.status;
        match advance(provider, store, t.clone()).await {
            Ok(now) if now.status != before => done.push(format!(
                "top-up {} {} → {}",
                t.id,
                before.as_str(),
                now.status.as_str()
            )),
            Ok(_) => {}
            Err(e) => tracing::warn!(top_up_id = %t.id, error = ?e, "top-up did not advance"),
        }
    }
    Ok(done)
}

/// List card program top-ups
#[utoipa::path(get, path = "/api/partners/clients/{clientId}/card-program/top-ups", operation_id = "list_card_program_top_ups", tag = "cards",
    params(("clientId" = Uuid, Path),
        ("page" = Option<u32>, Query, minimum = 1, maximum = 1000000, description = "1-based page, default 1. Its cost grows with its depth (every item before it is skipped and all are counted): prefer `starting_after` beyond the first pages"),
        ("per_page" = Option<u32>, Query, minimum = 1, maximum = 200, description = "1 to 200, default 50"), ("starting_after" = Option<Uuid>, Query, description = "Cursor: the id of the last item already seen (the previous page's `pagination.next_starting_after`); answers the items after it, without totals. Every page costs the same at any depth. Not with `page`; an id that is not an item of this list is 422")),
    responses((status = 200, body = flux_gateway::model::Page<model::TopUp>), (status = 404, body = flux_gateway::error::Problem), (status = 422, body = flux_gateway::error::Problem)),
    security(("api_key" = [])))]
pub async fn list(
    State(state): State<SharedState>,
    Extension(caller): Extension<Caller>,
    Path(client_id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<flux_gateway::model::Page<model::TopUp>>, ApiError> {
    let client = owned_client(&state, &caller, path_id(&client_id, "client")?).await?;
    let slice = page_query(&q, 200)?;
    let listed = state
        .store
        .list_top_ups(client.client_id, slice.clone())
        .await?;
    Ok(Json(flux_gateway::model::Page::of(
        &slice,
        &listed,
        |t| t.id.to_string(),
        view,
    )))
}

/// Get a card program top-up
#[utoipa::path(get, path = "/api/partners/clients/{clientId}/card-program/top-ups/{topUpId}", operation_id = "get_card_program_top_up", tag = "cards",
    params(("clientId" = Uuid, Path), ("topUpId" = Uuid, Path)),
    responses((status = 200, body = model::TopUp), (status = 404, body = flux_gateway::error::Problem)),
    security(("api_key" = [])))]
pub async fn get(
    State(state): State<SharedState>,
    Extension(caller): Extension<Caller>,
    Path((client_id, top_up_id)): Path<(String, String)>,
) -> Result<Json<model::TopUp>, ApiError> {
    let client = owned_client(&state, &caller, path_id(&client_id, "client")?).await?;
    let id = path_id(&top_up_id, "top-up")?;
    match state.store.get_top_up(id).await? {
        Some(t) if t.client_id == client.client_id => Ok(Json(view(&t))),
        _ => Err(ApiError::not_found("top-up")),
    }
}
