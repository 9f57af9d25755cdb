//! Card money: fund a card from the client's card program, and return card money to it.
//!
//! - `POST /api/partners/clients/{clientId}/cards/{cardId}/fund` → NeCIPCo `POST /cards/payment`
//!   (program `available` → card), tagged with the transfer's id as `payment_description`;
//! - `POST …/cards/{cardId}/return` → NeCIPCo `POST /cards/withdrawal` (card → the program's
//!   collection balance);
//! - `GET …/cards/{cardId}/transfers` and `GET …/cards/{cardId}/transfers/{transferId}`.
//!
//! Both POSTs need an `Idempotency-Key`. NeCIPCo's money calls take none, so:
//! 1. the transfer's id is a function of the partner and its key, and its intent is recorded
//!    with a hold in Flux's books in one transaction, before NeCIPCo is called (funding beyond
//!    the program's funds is refused there, without a call);
//! 2. money calls for one card run one at a time in this process ([`NecipcoProvider::card_lock`]);
//! 3. NeCIPCo is called at most once per transfer: the call is claimed in the store first, so
//!    two requests, the resolver or another instance never send it twice;
//! 4. an answer that never came is decided from the card's movements: a funding is the
//!    payment of its amount whose description is its tag; a return is a withdrawal of its
//!    amount, dated after the intent, that no other transfer claimed and polling never
//!    recorded (polling leaves a card with a PENDING transfer alone). Found: the transfer
//!    completes. Not found: the partner's retry (same key) gets a 503 and the resolver asks
//!    again, until the settle window has passed: then it did not happen, and it FAILS with
//!    its hold released. Nothing is ever sent twice.
//!
//! A definite refusal (no funds at NeCIPCo, card not operable) ends the transfer FAILED and
//! voids its hold; the answer is a 422 naming NeCIPCo's reason, and the transfer stays
//! listed.

use super::cards::owned_card;
use super::{connector, model, upstream_error, NecipcoProvider, NAME};
use crate::wire::{
    Amount, CardStatus, Movement, OperationData, PaymentRequest, Sensitive, WithdrawalRequest,
};
use crate::{NecipcoClient, NecipcoError};
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::{Extension, Json};
use flux_gateway::error::ApiError;
use flux_gateway::idempotency::{self, Begin, Outcome};
use flux_gateway::pipeline::Caller;
use flux_gateway::routes::path_id;
use flux_gateway::validate::{json_object, page_query, Fields};
use flux_gateway::SharedState;
use flux_ledger::card_books;
use flux_store::card_transfers::{self as store_transfers, TransferEnd};
use flux_store::sql::tx_fn;
use flux_store::{CardRecord, CardTransfer, Store, TransferDirection, TransferStatus};
use std::collections::HashMap;
use uuid::Uuid;

/// A funding or return as the partner asks for it.
#[derive(utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct NewCardTransfer {
    /// MXN, at most 2 decimals, greater than zero.
    #[schema(schema_with = flux_gateway::validate::schema::amount)]
    amount: String,
    /// Optional; cards hold pesos.
    #[schema(schema_with = flux_gateway::validate::schema::mxn)]
    currency: Option<String>,
    /// The end user's latitude, 5 decimals.
    #[schema(pattern = r"^-?[0-9]{1,2}\.[0-9]{5}$")]
    latitude: String,
    /// The end user's longitude, 5 decimals.
    #[schema(pattern = r"^-?[0-9]{1,3}\.[0-9]{5}$")]
    longitude: String,
}

struct Input {
    amount: String,
    location: super::model::Location,
}

fn parse(body: &[u8]) -> Result<Input, ApiError> {
    let obj = json_object(body)?;
    let mut f = Fields::new(&obj);
    let amount = super::model::mxn_amount(&mut f, &obj);
    let location = super::model::location(&mut f);
    f.finish()?;
    match (amount, location) {
        (Some(amount), Some(location)) => Ok(Input { amount, location }),
        _ => Err(ApiError::internal()),
    }
}

/// What partners see of a transfer.
pub fn view(t: &CardTransfer) -> model::CardTransfer {
    model::CardTransfer::from(t)
}

/// The tag a funding carries as NeCIPCo's `payment_description` (32 characters, NeCIPCo's
/// limit), by which its movement is found again.
pub fn tag(transfer_id: Uuid) -> String {
    transfer_id.simple().to_string()
}

macro_rules! transfer_route {
    ($(#[$doc:meta])* $name:ident, $direction:expr, $path:literal, $op:literal) => {
        $(#[$doc])*
        #[utoipa::path(post, path = $path, operation_id = $op, tag = "cards",
            params(("clientId" = Uuid, Path), ("cardId" = Uuid, Path),
                ("Idempotency-Key" = String, Header, description = "Required: a retry with the same key never moves money twice")),
            request_body = NewCardTransfer,
            responses((status = 201, body = model::CardTransfer), (status = 400, body = flux_gateway::error::Problem),
                (status = 404, body = flux_gateway::error::Problem), (status = 409, body = flux_gateway::error::Problem),
                (status = 422, body = flux_gateway::error::Problem), (status = 502, body = flux_gateway::error::Problem),
                (status = 503, body = flux_gateway::error::Problem), (status = 504, body = flux_gateway::error::Problem)),
            security(("api_key" = [])))]
        pub async fn $name(
            State(state): State<SharedState>,
            Extension(caller): Extension<Caller>,
            Path((client_id, card_id)): Path<(String, String)>,
            headers: HeaderMap,
            body: Bytes,
        ) -> Result<Response, ApiError> {
            move_money(&state, &caller, (&client_id, &card_id), &headers, &body, $direction).await
        }
    };
}

transfer_route!(
    /// Fund a card from the card program
    ///
    /// Needs an `Idempotency-Key`. NeCIPCo is called at most once per transfer; a lost answer is decided from the card's movements, never by sending again.
    fund,
    TransferDirection::Fund,
    "/api/partners/clients/{clientId}/cards/{cardId}/fund",
    "fund_card"
);
transfer_route!(
    /// Return a card's money to the program
    ///
    /// Needs an `Idempotency-Key`; decided as fundings are.
    return_money,
    TransferDirection::Return,
    "/api/partners/clients/{clientId}/cards/{cardId}/return",
    "return_card_money"
);

/// 409 `card_not_operable`: money cannot move on a card in this status (NeCIPCo: ACTIVE only).
fn not_operable(status: &str) -> ApiError {
    ApiError::new(
        StatusCode::CONFLICT,
        "card_not_operable",
        "The card cannot move money",
    )
    .detail(format!(
        "the card is {status}; money moves only on an ACTIVE card"
    ))
}

async fn move_money(
    state: &SharedState,
    caller: &Caller,
    (client_id, card_id): (&str, &str),
    headers: &HeaderMap,
    body: &[u8],
    direction: TransferDirection,
) -> Result<Response, ApiError> {
    let (client, card) = owned_card(state, caller, client_id, card_id).await?;
    let input = parse(body)?;
    let key = idempotency::key_of(headers)?.ok_or_else(idempotency::key_required)?;
    if !CardStatus::parse(&card.status).is_some_and(|s| s.allows_operations()) {
        return Err(not_operable(&card.status));
    }
    let path = format!(
        "/api/partners/clients/{}/cards/{}/{}",
        client.client_id,
        card.id,
        direction.as_str().to_ascii_lowercase()
    );
    let claim = match idempotency::begin(state, caller, headers, "POST", &path, body).await? {
        Begin::Replay(r) => return Ok(r),
        Begin::Run(c) => c,
    };
    let intent = intent(caller, &card, direction, &input, &key);
    // The money work runs in its own task: a partner that hangs up mid-call must not cut it
    // between NeCIPCo's answer and its recording (axum drops a request's future on disconnect).
    let work = tokio::spawn(run_transfer(state.clone(), client, card, intent));
    let result = work.await.unwrap_or_else(|_| Err(ApiError::internal()));
    Ok(idempotency::finish(state, claim, Outcome::created(result)).await)
}

/// Records the intent, then settles the transfer: the partner's answer.
async fn run_transfer(
    state: SharedState,
    client: flux_store::ClientRecord,
    card: CardRecord,
    intent: CardTransfer,
) -> Result<model::CardTransfer, ApiError> {
    let transfer = record_intent(&state, intent).await?;
    let api = connector(&state, &client).await?;
    let provider = super::necipco(&state)?;
    let done = settle(provider, &state.store, &api, &card, transfer).await?;
    match done.status {
        TransferStatus::Failed => Err(refused(&done)),
        _ => Ok(view(&done)),
    }
}

fn intent(
    caller: &Caller,
    card: &CardRecord,
    direction: TransferDirection,
    input: &Input,
    key: &str,
) -> CardTransfer {
    let now = flux_core::time::now();
    CardTransfer {
        id: Uuid::new_v5(
            &caller.partner_id,
            format!("card-transfer:{key}").as_bytes(),
        ),
        partner_id: caller.partner_id,
        client_id: card.client_id,
        card_id: card.id,
        provider: NAME.into(),
        direction,
        amount: input.amount.clone(),
        currency: "MXN".into(),
        status: TransferStatus::Pending,
        latitude: input.location.latitude.0.to_string(),
        longitude: input.location.longitude.0.to_string(),
        provider_operation_id: None,
        authorization_code: None,
        failure_code: None,
        failure_message: None,
        attempted_at: None,
        created_at: now,
        updated_at: now,
    }
}

/// Records the intent with its hold, or finds the one an earlier attempt with the same key
/// recorded (it must be the same transfer: another card, direction or amount under the key
/// is a reused key).
async fn record_intent(state: &SharedState, t: CardTransfer) -> Result<CardTransfer, ApiError> {
    let new = t.clone();
    let inserted = state
        .store
        .write(tx_fn(move |tx| {
            Box::pin(async move {
                if !store_transfers::insert_transfer(tx, &new).await? {
                    return Ok(false);
                }
                card_books::hold_transfer(tx, &new).await?;
                Ok(true)
            })
        }))
        .await?;
    if inserted {
        return Ok(t);
    }
    let existing = state
        .store
        .get_card_transfer(t.id)
        .await?
        .ok_or_else(ApiError::internal)?;
    let same = existing.card_id == t.card_id
        && existing.direction == t.direction
        && existing.amount == t.amount;
    if !same {
        return Err(idempotency::key_reused());
    }
    Ok(existing)
}

/// 422 for a transfer NeCIPCo refused.
fn refused(t: &CardTransfer) -> ApiError {
    ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "provider_rejected",
        "The provider rejected the request",
    )
    .detail(format!(
        "card transfer {} failed: {}",
        t.id,
        t.failure_message.as_deref().unwrap_or("refused by NeCIPCo")
    ))
}

/// Takes a recorded transfer to its end if it can. NeCIPCo is called at most once per
/// transfer (claimed in the store, so across instances too); after a call whose answer was lost
/// the outcome is read from the card's movements, and a transfer whose movement has not shown
/// within [`NecipcoProvider::settle_window`] of the call did not happen: it fails, its hold is
/// released, and nothing is sent again. Until then the answer is a 503 (not stored: the retry
/// with the same key asks again).
pub async fn settle(
    provider: &NecipcoProvider,
    store: &Store,
    api: &NecipcoClient,
    card: &CardRecord,
    transfer: CardTransfer,
) -> Result<CardTransfer, ApiError> {
    let lock = provider.card_lock(card.id);
    let _one_at_a_time = lock.lock().await;
    let t = reload(store, transfer.id).await?;
    if t.status.is_final() {
        return Ok(t);
    }
    if let Some(attempted) = t.attempted_at {
        return decide(provider, store, api, card, &t, attempted).await;
    }
    if !store.claim_transfer_attempt(t.id).await? {
        // Another request or instance is calling NeCIPCo for it right now.
        return Err(in_progress(&t));
    }
    match call(api, card, &t).await {
        Ok(op) => {
            let end = TransferEnd::Completed {
                operation_id: op.operation.id.clone(),
                authorization: op
                    .operation
                    .authorization_code
                    .as_ref()
                    .map(|a| a.to_string()),
            };
            end_with(store, &t, end).await
        }
        // Refused on the one and only call: nothing moved.
        Err(e) if definitive(&e) => {
            let end = TransferEnd::Failed {
                code: e
                    .code()
                    .map(|c| c.number().to_string())
                    .unwrap_or_else(|| "refused".into()),
                message: e.to_string(),
            };
            end_with(store, &t, end).await
        }
        Err(e) => {
            tracing::warn!(transfer_id = %t.id, error = %e, "card transfer outcome unknown");
            let t = reload(store, t.id).await?;
            match find_movement(store, api, card, &t).await {
                Ok(Some(end)) => end_with(store, &t, end).await,
                _ => Err(outcome_unknown(&e, &t)),
            }
        }
    }
}

/// A transfer NeCIPCo was called for and never answered: its movement, or after the window
/// its failure, or (meanwhile) 503.
async fn decide(
    provider: &NecipcoProvider,
    store: &Store,
    api: &NecipcoClient,
    card: &CardRecord,
    t: &CardTransfer,
    attempted: chrono::DateTime<chrono::Utc>,
) -> Result<CardTransfer, ApiError> {
    if let Some(end) = find_movement(store, api, card, t).await? {
        return end_with(store, t, end).await;
    }
    let waited = (flux_core::time::now() - attempted)
        .to_std()
        .unwrap_or_default();
    if waited < provider.settle_window() {
        return Err(in_progress(t));
    }
    let end = TransferEnd::Failed {
        code: "no_movement".into(),
        message: format!(
            "NeCIPCo shows no movement for this transfer {}s after it was asked for: nothing moved",
            waited.as_secs()
        ),
    };
    end_with(store, t, end).await
}

/// 503 `card_transfer_in_progress`: not stored by idempotency, so the retry asks again.
fn in_progress(t: &CardTransfer) -> ApiError {
    ApiError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "card_transfer_in_progress",
        "The transfer is still in progress",
    )
    .detail(format!(
        "card transfer {} was sent to NeCIPCo and its outcome is not known yet; retry with the same Idempotency-Key shortly",
        t.id
    ))
}

/// 504 or 502 for a call whose answer never came: the partner must retry with the same key,
/// never assume it failed.
fn outcome_unknown(e: &NecipcoError, t: &CardTransfer) -> ApiError {
    let (status, code) = match e {
        NecipcoError::Timeout(_) => (StatusCode::GATEWAY_TIMEOUT, "upstream_timeout"),
        _ => (StatusCode::BAD_GATEWAY, "upstream_unavailable"),
    };
    ApiError::new(status, code, "Provider outcome unknown").detail(format!(
        "NeCIPCo did not answer for card transfer {}; it is never sent twice: retry with the same Idempotency-Key to learn its outcome",
        t.id
    ))
}

/// A refusal NeCIPCo gave for this request itself: nothing moved, and nothing will.
fn definitive(e: &NecipcoError) -> bool {
    matches!(e, NecipcoError::Rejected { status, .. }
        if (400..500).contains(status) && ![401, 403, 408, 429].contains(status))
}

async fn call(
    api: &NecipcoClient,
    card: &CardRecord,
    t: &CardTransfer,
) -> Result<OperationData, NecipcoError> {
    let amount = Amount::parse(&t.amount).map_err(NecipcoError::Decode)?;
    let latitude = crate::wire::Coordinate::parse(&t.latitude).map_err(NecipcoError::Decode)?;
    let longitude = crate::wire::Coordinate::parse(&t.longitude).map_err(NecipcoError::Decode)?;
    let card_number = Sensitive::new(card.provider_card_id.clone());
    match t.direction {
        TransferDirection::Fund => {
            api.pay(&PaymentRequest {
                card_number,
                amount,
                payment_description: tag(t.id),
                latitude,
                longitude,
            })
            .await
        }
        TransferDirection::Return => {
            api.withdraw(&WithdrawalRequest {
                card_number,
                amount,
                pin: None,
                latitude,
                longitude,
            })
            .await
        }
    }
}

async fn reload(store: &Store, id: Uuid) -> Result<CardTransfer, ApiError> {
    store
        .get_card_transfer(id)
        .await?
        .ok_or_else(ApiError::internal)
}

/// Ends the transfer and settles its hold in one transaction; whoever ends it first wins, the
/// others read the result.
async fn end_with(
    store: &Store,
    t: &CardTransfer,
    end: TransferEnd,
) -> Result<CardTransfer, ApiError> {
    let id = t.id;
    store
        .write(tx_fn(move |tx| {
            Box::pin(async move {
                if store_transfers::end_transfer(tx, id, &end).await? {
                    let moved = matches!(end, TransferEnd::Completed { .. });
                    card_books::settle_transfer(tx, id, moved).await?;
                }
                Ok(())
            })
        }))
        .await?;
    reload(store, id).await
}

/// The movement an unanswered call made, if NeCIPCo shows one (see the module docs).
async fn find_movement(
    store: &Store,
    api: &NecipcoClient,
    card: &CardRecord,
    t: &CardTransfer,
) -> Result<Option<TransferEnd>, ApiError> {
    let since = t.attempted_at.unwrap_or(t.created_at);
    let movements = recent_movements(api, card, since).await?;
    let amount =
        rust_decimal::Decimal::from_str_exact(&t.amount).map_err(|_| ApiError::internal())?;
    for m in &movements {
        let value = m.amounts.original.total.value();
        let ours = match t.direction {
            TransferDirection::Fund => {
                m.merchant
                    .description
                    .as_deref()
                    .is_some_and(|d| d.trim().eq_ignore_ascii_case(&tag(t.id)))
                    && value == amount
            }
            // Polling does not read a card while it has a PENDING transfer, so the transfer's
            // own withdrawal is never among the movements it recorded.
            TransferDirection::Return => {
                is_withdrawal(m)
                    && value == -amount
                    && made_after(m, t.created_at)
                    && !claimed(store, &m.referencial_id).await?
                    && !store.card_movement_seen(card.id, &m.id).await?
            }
        };
        if ours {
            return Ok(Some(TransferEnd::Completed {
                operation_id: m.referencial_id.clone(),
                authorization: Some(m.authorization.clone()),
            }));
        }
    }
    Ok(None)
}

/// The card's movements from the day before `since` (Mexico City dates) to today.
pub async fn recent_movements(
    api: &NecipcoClient,
    card: &CardRecord,
    since: chrono::DateTime<chrono::Utc>,
) -> Result<Vec<Movement>, ApiError> {
    let tz = flux_core::time::mexico_city();
    let today = flux_core::time::now().with_timezone(&tz).date_naive();
    let from = since.with_timezone(&tz).date_naive() - chrono::Duration::days(1);
    let reference = Sensitive::new(card.provider_card_id.clone());
    let page = api
        .movements(&reference, &from.to_string(), &today.to_string())
        .await
        .map_err(upstream_error)?;
    Ok(page.movements.detail)
}

/// NeCIPCo's withdrawal code (type 1, subtype 20).
pub fn is_withdrawal(m: &Movement) -> bool {
    m.code.kind == "1" && m.code.subtype == "20"
}

/// Whether NeCIPCo dated the movement no earlier than `since` less a minute of clock skew (its
/// dates are Mexico City wall time, to the second).
fn made_after(m: &Movement, since: chrono::DateTime<chrono::Utc>) -> bool {
    let tz = flux_core::time::mexico_city();
    let Ok(local) = chrono::NaiveDateTime::parse_from_str(&m.date, "%Y-%m-%d %H:%M:%S") else {
        return false;
    };
    use chrono::TimeZone;
    match tz.from_local_datetime(&local).earliest() {
        Some(at) => at.with_timezone(&chrono::Utc) >= since - chrono::Duration::minutes(1),
        None => false,
    }
}

async fn claimed(store: &Store, operation: &str) -> Result<bool, ApiError> {
    let operation = operation.to_string();
    Ok(store
        .read(tx_fn(move |tx| {
            Box::pin(
                async move { store_transfers::operation_is_transfer(tx, NAME, &operation).await },
            )
        }))
        .await?)
}

/// List a card's fundings and returns
#[utoipa::path(get, path = "/api/partners/clients/{clientId}/cards/{cardId}/transfers", operation_id = "list_card_transfers", tag = "cards",
    params(("clientId" = Uuid, Path), ("cardId" = Uuid, Path),
        ("page" = Option<u32>, Query, minimum = 1, maximum = 1000000, description = "1-based page, default 1. Its cost grows with its depth (every item before it is skipped and all are counted): prefer `starting_after` beyond the first pages"),
        ("per_page" = Option<u32>, Query, minimum = 1, maximum = 200, description = "1 to 200, default 50"), ("starting_after" = Option<Uuid>, Query, description = "Cursor: the id of the last item already seen (the previous page's `pagination.next_starting_after`); answers the items after it, without totals. Every page costs the same at any depth. Not with `page`; an id that is not an item of this list is 422")),
    responses((status = 200, body = flux_gateway::model::Page<model::CardTransfer>), (status = 404, body = flux_gateway::error::Problem), (status = 422, body = flux_gateway::error::Problem)),
    security(("api_key" = [])))]
pub async fn list(
    State(state): State<SharedState>,
    Extension(caller): Extension<Caller>,
    Path((client_id, card_id)): Path<(String, String)>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<flux_gateway::model::Page<model::CardTransfer>>, ApiError> {
    let (_, card) = owned_card(&state, &caller, &client_id, &card_id).await?;
    let slice = page_query(&q, 200)?;
    let listed = state
        .store
        .list_card_transfers(card.id, slice.clone())
        .await?;
    Ok(Json(flux_gateway::model::Page::of(
        &slice,
        &listed,
        |t| t.id.to_string(),
        view,
    )))
}

/// Get a card funding or return
#[utoipa::path(get, path = "/api/partners/clients/{clientId}/cards/{cardId}/transfers/{transferId}", operation_id = "get_card_transfer", tag = "cards",
    params(("clientId" = Uuid, Path), ("cardId" = Uuid, Path), ("transferId" = Uuid, Path)),
    responses((status = 200, body = model::CardTransfer), (status = 404, body = flux_gateway::error::Problem)),
    security(("api_key" = [])))]
pub async fn get(
    State(state): State<SharedState>,
    Extension(caller): Extension<Caller>,
    Path((client_id, card_id, transfer_id)): Path<(String, String, String)>,
) -> Result<Json<model::CardTransfer>, ApiError> {
    let (_, card) = owned_card(&state, &caller, &client_id, &card_id).await?;
    let id = path_id(&transfer_id, "transfer")?;
    match state.store.get_card_transfer(id).await? {
        Some(t) if t.card_id == card.id => Ok(Json(view(&t))),
        _ => Err(ApiError::not_found("transfer")),
    }
}

/// The resolver's round for transfers left PENDING (a call whose answer was lost, a crash
/// between the intent and the call): each is decided from the card's movements, or called.
pub async fn resolve_pending(
    provider: &NecipcoProvider,
    store: &Store,
) -> anyhow::Result<Vec<String>> {
    let after = chrono::Duration::from_std(provider.call_timeout())? * 2;
    let before = flux_core::time::now() - after;
    let mut done = Vec::new();
    for t in store.pending_transfers_before(before, 1000).await? {
        match resolve_one(provider, store, &t).await {
            Ok(Some(end)) => done.push(format!("card transfer {} {}", end.id, end.status.as_str())),
            Ok(None) => {}
            Err(e) => {
                tracing::warn!(transfer_id = %t.id, error = %e, "card transfer still unresolved")
            }
        }
    }
    Ok(done)
}

async fn resolve_one(
    provider: &NecipcoProvider,
    store: &Store,
    t: &CardTransfer,
) -> anyhow::Result<Option<CardTransfer>> {
    let (Some(card), Some(client)) = (
        store.get_card(t.card_id).await?,
        store.get_client(t.client_id).await?,
    ) else {
        anyhow::bail!("its card or client is gone");
    };
    let api = provider.client_for(store, &client).await?;
    match settle(provider, store, &api, &card, t.clone()).await {
        Ok(end) => Ok(Some(end)),
        Err(e) if e.status.is_server_error() => Ok(None),
        Err(e) => anyhow::bail!("{}", e.title),
    }
}
