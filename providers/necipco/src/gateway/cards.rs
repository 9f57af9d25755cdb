//! Cards under `/api/partners/clients/{clientId}/cards`: issue (virtual) or assign (physical),
//! get and list, the lifecycle actions, balance and movements.
//!
//! Flux never keeps a card number: NeCIPCo answers an issue or assignment with the number
//! (ciphered for Flux, deciphered by the connector); Flux keeps its last four digits and the
//! card id, and the clear number is dropped with the answer. Every later call names the card
//! by NeCIPCo's card id, which NeCIPCo accepts in place of the number.
//!
//! A physical card's number is printed on the plastic the end user holds; the partner's app
//! ciphers it on the device with NeCIPCo's key (`GET /api/partners/cards/pin-encryption-key`)
//! and sends `card_number_ciphertext`, which Flux passes through.
//!
//! Lifecycle: each action is legal only from some statuses ([`model::Action`]); an illegal one
//! is a 409 `illegal_card_transition` naming both, before NeCIPCo is called. The new status is
//! written only from the status read, with its `CARD_STATUS` notification, in one transaction.

use super::model::{self, Action, Location};
use super::{cardholders, connector, upstream_error, NAME};
use crate::wire::{
    ActivateCardRequest, AssignCardRequest, Card, CardStatus, CardStatusRequest,
    CreateVirtualCardRequest, Sensitive,
};
use crate::NecipcoClient;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::{Extension, Json};
use flux_gateway::error::ApiError;
use flux_gateway::idempotency::{self, Begin, Outcome};
use flux_gateway::model::{Page, Pagination};
use flux_gateway::pipeline::Caller;
use flux_gateway::routes::{owned_client, path_id};
use flux_gateway::validate::{json_object, page_query, Fields};
use flux_gateway::SharedState;
use flux_store::outbox::Subject;
use flux_store::{CardRecord, ClientRecord};
use serde_json::Value;
use std::collections::HashMap;
use std::sync::Arc;
use uuid::Uuid;

/// The partner webhook type of a card's status change.
pub const CARD_STATUS: &str = "CARD_STATUS";

struct Issue {
    cardholder_id: Uuid,
    physical: bool,
    document_type: String,
    document_number: String,
    ciphertext: Option<String>,
    location: Location,
}

fn parse_issue(body: &[u8], document_types: &[String]) -> Result<Issue, ApiError> {
    let obj = json_object(body)?;
    let mut f = Fields::new(&obj);
    let cardholder_id = f.uuid("cardholder_id");
    let kind = f.one_of("type", &["VIRTUAL", "PHYSICAL"]);
    let types: Vec<&str> = document_types.iter().map(String::as_str).collect();
    let document_type = f.one_of("document_type", &types);
    let document_number = f.string("document_number", 1, 20);
    let physical = kind.as_deref() == Some("PHYSICAL");
    let ciphertext = if physical {
        ciphertext(&mut f, "card_number_ciphertext")
    } else {
        f.allow("card_number_ciphertext");
        if obj
            .get("card_number_ciphertext")
            .is_some_and(|v| !v.is_null())
        {
            f.fail(
                "card_number_ciphertext",
                "only a PHYSICAL card is assigned by its number",
            );
        }
        None
    };
    let location = model::location(&mut f);
    f.finish()?;
    let missing = ApiError::internal;
    Ok(Issue {
        cardholder_id: cardholder_id.ok_or_else(missing)?,
        physical,
        document_type: document_type.ok_or_else(missing)?,
        document_number: document_number.ok_or_else(missing)?,
        ciphertext,
        location: location.ok_or_else(missing)?,
    })
}

/// A value the partner ciphered with NeCIPCo's key: base64 (or base64url) of an RSA block.
pub fn ciphertext(f: &mut Fields<'_>, field: &'static str) -> Option<String> {
    let s = f.string(field, 16, 1024)?;
    match crate::crypto::decode(&s) {
        Ok(bytes) if bytes.len() >= 128 => Some(s),
        _ => {
            f.fail(
                field,
                "must be the base64 RSA-OAEP ciphertext made with GET /api/partners/cards/pin-encryption-key",
            );
            None
        }
    }
}

/// Just the end user's location (the lifecycle actions' body).
fn parse_location(body: &[u8]) -> Result<Location, ApiError> {
    let obj = json_object(body)?;
    let mut f = Fields::new(&obj);
    let location = model::location(&mut f);
    f.finish()?;
    location.ok_or_else(ApiError::internal)
}

/// What Flux keeps of NeCIPCo's answer: the clear number, if any, goes no further.
fn record_of(
    caller: &Caller,
    client_id: Uuid,
    cardholder_id: Uuid,
    card: &Card,
    physical: bool,
) -> Result<CardRecord, ApiError> {
    let id = card
        .card_id()
        .ok_or_else(|| upstream_error(crate::NecipcoError::Decode("the card has no id".into())))?;
    let last4: String = card
        .card_number
        .as_ref()
        .map(|n| {
            n.expose()
                .chars()
                .rev()
                .take(4)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect()
        })
        .or_else(|| {
            card.masked_card_number.as_ref().map(|m| {
                m.chars()
                    .rev()
                    .take(4)
                    .collect::<Vec<_>>()
                    .into_iter()
                    .rev()
                    .collect()
            })
        })
        .unwrap_or_default();
    let expiry = match (&card.exp_month, &card.exp_year) {
        (Some(m), Some(y)) => {
            let y = y.expose();
            Some(format!(
                "{:0>2}/{}",
                m.expose(),
                &y[y.len().saturating_sub(2)..]
            ))
        }
        _ => None,
    };
    let kind = card
        .card_kind()
        .map(|k| match k {
            crate::wire::CardType::Physical => "PHYSICAL",
            crate::wire::CardType::Virtual => "VIRTUAL",
            crate::wire::CardType::VirtualWithPhysical => "VIRTUAL_WITH_PHYSICAL",
        })
        .unwrap_or(if physical { "PHYSICAL" } else { "VIRTUAL" });
    let now = flux_core::time::now();
    Ok(CardRecord {
        id: Uuid::new_v4(),
        partner_id: caller.partner_id,
        client_id,
        cardholder_id,
        provider: NAME.into(),
        provider_card_id: id.to_string(),
        card_type: kind.into(),
        status: card
            .status
            .unwrap_or(CardStatus::NeedActivation)
            .as_str()
            .into(),
        masked: model::mask(&last4),
        last4,
        expiry,
        created_at: now,
        updated_at: now,
    })
}

async fn call_issue(
    api: &NecipcoClient,
    holder_provider_id: &str,
    i: &Issue,
) -> Result<Card, ApiError> {
    if i.physical {
        let body = AssignCardRequest {
            card_number: Sensitive::new(i.ciphertext.clone().unwrap_or_default()),
            cardholder_id: holder_provider_id.to_string(),
            document_type: i.document_type.clone(),
            document_number: i.document_number.clone(),
            observations: None,
            latitude: i.location.latitude,
            longitude: i.location.longitude,
        };
        let made = api
            .assign_card_ciphered(&body)
            .await
            .map_err(upstream_error)?;
        return Ok(made.card);
    }
    let products = api.products().await.map_err(upstream_error)?;
    let product = products
        .detail
        .first()
        .map(|p| p.id.clone())
        .ok_or_else(|| {
            ApiError::new(StatusCode::CONFLICT, "no_card_product", "No card product")
                .detail("the client's NeCIPCo program has no card product to issue from")
        })?;
    let body = CreateVirtualCardRequest {
        product,
        cardholder_id: holder_provider_id.to_string(),
        document_type: i.document_type.clone(),
        document_number: i.document_number.clone(),
        observations: String::new(),
        latitude: i.location.latitude,
        longitude: i.location.longitude,
    };
    let made = api
        .create_virtual_card(&body)
        .await
        .map_err(upstream_error)?;
    Ok(made.card)
}

/// A card to issue: a VIRTUAL one, or a PHYSICAL plastic assigned by its number, ciphered
/// for NeCIPCo (see `GET /api/partners/cards/pin-encryption-key`).
#[derive(utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct NewCard {
    /// One of the client's cardholders.
    cardholder_id: uuid::Uuid,
    #[schema(pattern = "^(VIRTUAL|PHYSICAL)$")]
    r#type: String,
    /// A value of NeCIPCo's document types catalog.
    document_type: String,
    #[schema(min_length = 1, max_length = 20)]
    document_number: String,
    /// PHYSICAL only: the plastic's number, RSA-OAEP ciphered, base64.
    #[schema(min_length = 16, max_length = 1024)]
    card_number_ciphertext: Option<String>,
    /// The end user's latitude, 5 decimals.
    #[schema(pattern = r"^-?[0-9]{1,2}\.[0-9]{5}$")]
    latitude: String,
    /// The end user's longitude, 5 decimals.
    #[schema(pattern = r"^-?[0-9]{1,3}\.[0-9]{5}$")]
    longitude: String,
}

/// Issue a card
///
/// A virtual card, or a physical one with its number encrypted with NeCIPCo's key. The end user's location is required.
#[utoipa::path(post, path = "/api/partners/clients/{clientId}/cards", operation_id = "issue_card", tag = "cards",
    params(("clientId" = Uuid, Path), ("Idempotency-Key" = Option<String>, Header)),
    request_body = NewCard,
    responses((status = 201, body = model::Card), (status = 400, body = flux_gateway::error::Problem), (status = 404, body = flux_gateway::error::Problem),
        (status = 422, body = flux_gateway::error::Problem), (status = 502, body = flux_gateway::error::Problem)),
    security(("api_key" = [])))]
pub async fn issue(
    State(state): State<SharedState>,
    Extension(caller): Extension<Caller>,
    Path(client_id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let client_id = path_id(&client_id, "client")?;
    json_object(&body)?;
    let client = owned_client(&state, &caller, client_id).await?;
    let catalogs = super::necipco(&state)?
        .catalogs()
        .await
        .map_err(upstream_error)?;
    let input = parse_issue(&body, &catalogs.document_types)?;
    let holder = cardholders::owned(&state, &caller, client_id, input.cardholder_id)
        .await
        .map_err(|_| ApiError::field("cardholder_id", "names no cardholder of this client"))?;
    let api = connector(&state, &client).await?;
    let path = format!("/api/partners/clients/{client_id}/cards");
    let claim = match idempotency::begin(&state, &caller, &headers, "POST", &path, &body).await? {
        Begin::Replay(r) => return Ok(r),
        Begin::Run(c) => c,
    };
    let result = async {
        let card = call_issue(&api, &holder.provider_id, &input).await?;
        let record = record_of(&caller, client_id, holder.id, &card, input.physical)?;
        drop(card);
        state.store.insert_card(&record).await?;
        Ok(model::Card::from(&record))
    }
    .await;
    Ok(idempotency::finish(&state, claim, Outcome::created(result)).await)
}

/// A card of a client the caller owns, with that client; anything else is a 404.
pub async fn owned_card(
    state: &SharedState,
    caller: &Caller,
    client_id: &str,
    card_id: &str,
) -> Result<(ClientRecord, CardRecord), ApiError> {
    let client = owned_client(state, caller, path_id(client_id, "client")?).await?;
    let id = path_id(card_id, "card")?;
    match state.store.get_card(id).await? {
        Some(c) if c.partner_id == caller.partner_id && c.client_id == client.client_id => {
            Ok((client, c))
        }
        _ => Err(ApiError::not_found("card")),
    }
}

/// List cards
#[utoipa::path(get, path = "/api/partners/clients/{clientId}/cards", operation_id = "list_cards", tag = "cards",
    params(("clientId" = Uuid, Path), ("cardholder_id" = Option<Uuid>, Query), ("page" = Option<u32>, Query, minimum = 1, maximum = 1000000, description = "1-based page, default 1. Its cost grows with its depth (every item before it is skipped and all are counted): prefer `starting_after` beyond the first pages"), ("per_page" = Option<u32>, Query, minimum = 1, maximum = 200, description = "1 to 200, default 50"), ("starting_after" = Option<Uuid>, Query, description = "Cursor: the id of the last item already seen (the previous page's `pagination.next_starting_after`); answers the items after it, without totals. Every page costs the same at any depth. Not with `page`; an id that is not an item of this list is 422")),
    responses((status = 200, body = Page<model::Card>), (status = 404, body = flux_gateway::error::Problem), (status = 422, body = flux_gateway::error::Problem)),
    security(("api_key" = [])))]
pub async fn list(
    State(state): State<SharedState>,
    Extension(caller): Extension<Caller>,
    Path(client_id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<Page<model::Card>>, ApiError> {
    let client = owned_client(&state, &caller, path_id(&client_id, "client")?).await?;
    let slice = page_query(&q, 200)?;
    // Absent, or a UUID: an empty value is refused like any invalid one, never read as "all".
    let holder =
        match q.get("cardholder_id") {
            None => None,
            Some(s) => Some(Uuid::parse_str(s).map_err(|_| {
                ApiError::query_field("cardholder_id", "must be a UUID (hyphenated)")
            })?),
        };
    let listed = state
        .store
        .list_cards(client.client_id, holder, slice.clone())
        .await?;
    Ok(Json(Page::of(
        &slice,
        &listed,
        |c| c.id.to_string(),
        |c| model::Card::from(c),
    )))
}

/// Get a card
#[utoipa::path(get, path = "/api/partners/clients/{clientId}/cards/{cardId}", operation_id = "get_card", tag = "cards",
    params(("clientId" = Uuid, Path), ("cardId" = Uuid, Path)),
    responses((status = 200, body = model::Card), (status = 404, body = flux_gateway::error::Problem)),
    security(("api_key" = [])))]
pub async fn get(
    State(state): State<SharedState>,
    Extension(caller): Extension<Caller>,
    Path((client_id, card_id)): Path<(String, String)>,
) -> Result<Json<model::Card>, ApiError> {
    let (_, card) = owned_card(&state, &caller, &client_id, &card_id).await?;
    Ok(Json(model::Card::from(&card)))
}

/// The card's data for a partner notification.
pub fn status_subject(card: &CardRecord, data: Value) -> Subject {
    Subject {
        event_type: CARD_STATUS,
        client_id: card.client_id,
        id: card.id,
        member: "card",
        data,
    }
}

/// 409 `illegal_card_transition`.
fn illegal(action: Action, from: &str) -> ApiError {
    ApiError::new(
        StatusCode::CONFLICT,
        "illegal_card_transition",
        "The card cannot make that change",
    )
    .detail(format!(
        "a card in status {from} cannot {}",
        action.as_str()
    ))
}

/// One lifecycle action: checked against the card's status, sent to NeCIPCo, recorded with
/// its notification.
async fn act(
    state: SharedState,
    caller: Caller,
    client_id: String,
    card_id: String,
    at: Result<Location, ApiError>,
    action: Action,
) -> Result<Json<model::Card>, ApiError> {
    let (client, card) = owned_card(&state, &caller, &client_id, &card_id).await?;
    let at = at?;
    let from = CardStatus::parse(&card.status).ok_or_else(ApiError::internal)?;
    if !action.allowed_from(from) {
        return Err(illegal(action, &card.status));
    }
    let api = connector(&state, &client).await?;
    let reference = Sensitive::new(card.provider_card_id.clone());
    let to = action.target();
    let answer = if action == Action::Activate {
        api.activate_card(&ActivateCardRequest {
            card_number: reference,
            latitude: at.latitude,
            longitude: at.longitude,
        })
        .await
    } else {
        api.change_status(&CardStatusRequest {
            card_number: reference,
            status: to,
            latitude: at.latitude,
            longitude: at.longitude,
        })
        .await
    };
    answer.map_err(upstream_error)?;
    let mut updated = card.clone();
    updated.status = to.as_str().into();
    updated.updated_at = flux_core::time::now();
    let subject = status_subject(&updated, model::card(&updated));
    let moved = state
        .store
        .set_card_status(card.id, &card.status, to.as_str(), Some(subject))
        .await?;
    let saved = state
        .store
        .get_card(card.id)
        .await?
        .ok_or_else(ApiError::internal)?;
    // Polling may have recorded this very change first (it read NeCIPCo after our call):
    // then it is done, and announced once.
    if !moved && saved.status != to.as_str() {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "card_changed",
            "The card changed meanwhile",
        )
        .detail("another change to this card was recorded first; read it and retry"));
    }
    state.deliveries.wake();
    Ok(Json(model::Card::from(&saved)))
}

macro_rules! action_route {
    ($(#[$doc:meta])* $name:ident, $action:expr, $path:literal) => {
        $(#[$doc])*
        #[utoipa::path(post, path = $path, operation_id = concat!(stringify!($name), "_card"), tag = "cards",
            params(("clientId" = Uuid, Path), ("cardId" = Uuid, Path)),
            request_body = model::CardLocation,
            responses((status = 200, body = model::Card), (status = 404, body = flux_gateway::error::Problem),
                (status = 409, body = flux_gateway::error::Problem), (status = 422, body = flux_gateway::error::Problem)),
            security(("api_key" = [])))]
        pub async fn $name(
            State(state): State<SharedState>,
            Extension(caller): Extension<Caller>,
            Path((client_id, card_id)): Path<(String, String)>,
            body: Bytes,
        ) -> Result<Json<model::Card>, ApiError> {
            act(state, caller, client_id, card_id, parse_location(&body), $action).await
        }
    };
}

action_route!(
    /// Activate a card
    activate,
    Action::Activate,
    "/api/partners/clients/{clientId}/cards/{cardId}/activate"
);
action_route!(
    /// Freeze a card
    ///
    /// Declines new purchases until the card is unfrozen.
    freeze,
    Action::Freeze,
    "/api/partners/clients/{clientId}/cards/{cardId}/freeze"
);
action_route!(
    /// Unfreeze a card
    unfreeze,
    Action::Unfreeze,
    "/api/partners/clients/{clientId}/cards/{cardId}/unfreeze"
);
action_route!(
    /// Close a card
    ///
    /// Final: a closed card moves no more money.
    close,
    Action::Close,
    "/api/partners/clients/{clientId}/cards/{cardId}/close"
);

/// Report a card lost or stolen
///
/// `{"reason": "LOST" | "STOLEN", latitude, longitude}`. Final: the card stops working and is
/// replaced by a new one.
#[utoipa::path(post, path = "/api/partners/clients/{clientId}/cards/{cardId}/report", operation_id = "report_card", tag = "cards",
    params(("clientId" = Uuid, Path), ("cardId" = Uuid, Path)),
    request_body = model::CardReport,
    responses((status = 200, body = model::Card), (status = 404, body = flux_gateway::error::Problem),
        (status = 409, body = flux_gateway::error::Problem), (status = 422, body = flux_gateway::error::Problem)),
    security(("api_key" = [])))]
pub async fn report(
    State(state): State<SharedState>,
    Extension(caller): Extension<Caller>,
    Path((client_id, card_id)): Path<(String, String)>,
    body: Bytes,
) -> Result<Json<model::Card>, ApiError> {
    let parsed = json_object(&body).and_then(|obj| {
        let mut f = Fields::new(&obj);
        let reason = f.one_of("reason", &["LOST", "STOLEN"]);
        let at = model::location(&mut f);
        f.finish()?;
        let action = match reason.as_deref() {
            Some("STOLEN") => Action::ReportStolen,
            _ => Action::ReportLost,
        };
        Ok((action, at.ok_or_else(ApiError::internal)?))
    });
    match parsed {
        Ok((action, at)) => act(state, caller, client_id, card_id, Ok(at), action).await,
        // The card is looked up first: another partner's card is a 404 whatever the body.
        Err(e) => {
            act(
                state,
                caller,
                client_id,
                card_id,
                Err(e),
                Action::ReportLost,
            )
            .await
        }
    }
}

/// The connector for a card's client, and the card reference NeCIPCo takes (its id).
async fn for_card(
    state: &SharedState,
    client: &ClientRecord,
    card: &CardRecord,
) -> Result<(Arc<NecipcoClient>, Sensitive), ApiError> {
    let api = connector(state, client).await?;
    Ok((api, Sensitive::new(card.provider_card_id.clone())))
}

/// Get a card's balance
#[utoipa::path(get, path = "/api/partners/clients/{clientId}/cards/{cardId}/balance", operation_id = "get_card_balance", tag = "cards",
    params(("clientId" = Uuid, Path), ("cardId" = Uuid, Path)),
    responses((status = 200, body = model::CardBalance), (status = 404, body = flux_gateway::error::Problem)),
    security(("api_key" = [])))]
pub async fn balance(
    State(state): State<SharedState>,
    Extension(caller): Extension<Caller>,
    Path((client_id, card_id)): Path<(String, String)>,
) -> Result<Json<model::CardBalance>, ApiError> {
    let (client, card) = owned_card(&state, &caller, &client_id, &card_id).await?;
    let (api, reference) = for_card(&state, &client, &card).await?;
    let b = api
        .balance(&reference, false)
        .await
        .map_err(upstream_error)?;
    Ok(Json(model::CardBalance {
        card_id: card.id,
        available: b.available.value().to_string(),
        currency: "MXN".into(),
    }))
}

/// The widest range one movements request may ask for.
const MAX_RANGE_DAYS: i64 = 92;

fn date_param(
    q: &HashMap<String, String>,
    field: &str,
    default: chrono::NaiveDate,
) -> Result<chrono::NaiveDate, ApiError> {
    match q.get(field) {
        None => Ok(default),
        Some(s) => chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .map_err(|_| ApiError::query_field(field, "must be a date, YYYY-MM-DD")),
    }
}

/// List a card's movements
#[utoipa::path(get, path = "/api/partners/clients/{clientId}/cards/{cardId}/movements", operation_id = "list_card_movements", tag = "cards",
    params(("clientId" = Uuid, Path), ("cardId" = Uuid, Path),
        ("from" = Option<String>, Query, description = "YYYY-MM-DD, inclusive; default 30 days before `to`"),
        ("to" = Option<String>, Query, description = "YYYY-MM-DD, inclusive; default today (Mexico City)"),
        ("page" = Option<u32>, Query, minimum = 1, maximum = 1000000, description = "1-based page, default 1. Its cost grows with its depth (every item before it is skipped and all are counted): prefer `starting_after` beyond the first pages"), ("per_page" = Option<u32>, Query, minimum = 1, maximum = 200, description = "1 to 200, default 50"), ("starting_after" = Option<String>, Query, description = "Cursor: the id of the last item already seen (the previous page's `pagination.next_starting_after`); answers the items after it, without totals. Every page costs the same at any depth. Not with `page`; an id that is not an item of this list is 422")),
    responses((status = 200, body = model::CardMovementPage), (status = 404, body = flux_gateway::error::Problem), (status = 422, body = flux_gateway::error::Problem)),
    security(("api_key" = [])))]
pub async fn movements(
    State(state): State<SharedState>,
    Extension(caller): Extension<Caller>,
    Path((client_id, card_id)): Path<(String, String)>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<model::CardMovementPage>, ApiError> {
    let (client, card) = owned_card(&state, &caller, &client_id, &card_id).await?;
    let today = flux_core::time::now()
        .with_timezone(&flux_core::time::mexico_city())
        .date_naive();
    let to = date_param(&q, "to", today)?;
    let from = date_param(&q, "from", to - chrono::Duration::days(30))?;
    if from > to {
        return Err(ApiError::query_field("from", "must not be after `to`"));
    }
    if (to - from).num_days() > MAX_RANGE_DAYS {
        return Err(ApiError::query_field(
            "from",
            format!("the range may span at most {MAX_RANGE_DAYS} days"),
        ));
    }
    let slice = page_query(&q, 200)?;
    let (api, reference) = for_card(&state, &client, &card).await?;
    let data = api
        .movements(&reference, &from.to_string(), &to.to_string())
        .await
        .map_err(upstream_error)?;
    let mut all: Vec<model::CardMovement> = data.movements.detail.iter().map(movement).collect();
    // Newest first, as every Flux list.
    all.reverse();
    let (items, pagination) = Pagination::slice_of(all, &slice, |m| m.id.clone())?;
    Ok(Json(model::CardMovementPage {
        data: items,
        from: from.to_string(),
        to: to.to_string(),
        pagination,
    }))
}

/// A movement as partners see it; amounts as decimal strings.
pub fn movement(m: &crate::wire::Movement) -> model::CardMovement {
    let text =
        |c: &crate::wire::CodeDescription| c.description.clone().unwrap_or_else(|| c.code.clone());
    model::CardMovement {
        id: m.id.clone(),
        date: m.date.clone(),
        kind: m.code.kind.clone(),
        description: m.code.description.clone(),
        merchant: text(&m.merchant),
        amount: m.amounts.original.total.0.to_string(),
        currency: text(&m.amounts.original.coin),
        status: text(&m.status),
        authorization: m.authorization.clone(),
    }
}
