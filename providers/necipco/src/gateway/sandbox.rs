//! `POST /api/sandbox/cards/{cardId}/purchase {amount, merchant, pin_ciphertext?}`: the sandbox
//! NeCIPCo authorizes a purchase on the card, as a merchant's terminal would, so a partner can
//! watch the `CARD_TRANSACTION` webhook and the balance move. The answer is the authorization:
//! APPROVED, or DECLINED with why (insufficient funds, card not active, wrong PIN, PIN service
//! blocked after too many wrong PINs). A card-present purchase sends the PIN ciphered with
//! NeCIPCo's key, like any PIN through Flux.

use super::cards::ciphertext;
use super::{connector, model, necipco, upstream_error};
use crate::wire::{Amount, ErrorCode, PurchaseRequest, Sensitive};
use crate::NecipcoError;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::{Extension, Json};
use flux_gateway::error::ApiError;
use flux_gateway::pipeline::Caller;
use flux_gateway::routes::path_id;
use flux_gateway::validate::{json_object, Fields};
use flux_gateway::SharedState;

/// Simulate a card purchase (sandbox)
///
/// Makes the NeCIPCo emulator record a purchase on the card, as a merchant would.
#[utoipa::path(post, path = "/api/sandbox/cards/{cardId}/purchase", operation_id = "simulate_card_purchase", tag = "sandbox",
    params(("cardId" = Uuid, Path)),
    request_body = model::NewSandboxPurchase,
    responses((status = 200, body = model::SandboxPurchase), (status = 404, body = flux_gateway::error::Problem), (status = 422, body = flux_gateway::error::Problem)),
    security(("api_key" = [])))]
pub async fn purchase(
    State(state): State<SharedState>,
    Extension(caller): Extension<Caller>,
    Path(card_id): Path<String>,
    body: Bytes,
) -> Result<Json<model::SandboxPurchase>, ApiError> {
    if necipco(&state)?.emulator.is_none() {
        return Err(ApiError::not_found("sandbox route"));
    }
    let id = path_id(&card_id, "card")?;
    let card = match state.store.get_card(id).await? {
        Some(c) if c.partner_id == caller.partner_id => c,
        _ => return Err(ApiError::not_found("card")),
    };
    let obj = json_object(&body)?;
    let mut f = Fields::new(&obj);
    let amount = f.amount("amount", Some(flux_core::Currency::MXN));
    let merchant = f.string("merchant", 1, 32);
    let pin = if obj.get("pin_ciphertext").is_some_and(|v| !v.is_null()) {
        ciphertext(&mut f, "pin_ciphertext")
    } else {
        f.allow("pin_ciphertext");
        None
    };
    let at = if obj.contains_key("latitude") || obj.contains_key("longitude") {
        model::location(&mut f)
    } else {
        None
    };
    f.finish()?;
    let (Some(amount), Some(merchant)) = (amount, merchant) else {
        return Err(ApiError::internal());
    };
    let client = state
        .store
        .get_client(card.client_id)
        .await?
        .ok_or_else(|| ApiError::not_found("card"))?;
    let api = connector(&state, &client).await?;
    // A terminal in Mexico City when the caller gives no location.
    let (lat, lon) = match at {
        Some(a) => (a.latitude, a.longitude),
        None => (
            crate::wire::Coordinate::parse("19.43260").map_err(|_| ApiError::internal())?,
            crate::wire::Coordinate::parse("-99.13320").map_err(|_| ApiError::internal())?,
        ),
    };
    let request = PurchaseRequest {
        card_number: Sensitive::new(card.provider_card_id.clone()),
        amount: Amount(amount.value()),
        merchant_description: merchant.clone(),
        pin: None,
        latitude: lat,
        longitude: lon,
    };
    let answer = match pin {
        // Passed through as ciphered: the connector's `purchase` would cipher a clear PIN.
        Some(p) => {
            api.purchase_ciphered_pin(&request, &Sensitive::new(p))
                .await
        }
        None => api.purchase(&request).await,
    };
    let mut purchase = model::SandboxPurchase {
        card_id: card.id,
        amount: amount.value().to_string(),
        merchant,
        status: model::PurchaseStatus::Approved,
        authorization: None,
        operation_id: None,
        reason: None,
    };
    match answer {
        Ok(op) => {
            purchase.authorization = op
                .operation
                .authorization_code
                .as_ref()
                .map(|a| a.as_str().to_string());
            purchase.operation_id = Some(op.operation.id);
        }
        Err(e) => match decline(&e) {
            Some(reason) => {
                purchase.status = model::PurchaseStatus::Declined;
                purchase.reason = Some(reason);
            }
            None => return Err(upstream_error(e)),
        },
    }
    Ok(Json(purchase))
}

/// Why NeCIPCo declined, if it declined (rather than failed).
fn decline(e: &NecipcoError) -> Option<model::DeclineReason> {
    use model::DeclineReason as D;
    match e.code()? {
        ErrorCode::InsufficientFunds => Some(D::InsufficientFunds),
        ErrorCode::CardNotOperable => Some(D::CardNotActive),
        ErrorCode::WrongPin => Some(D::IncorrectPin),
        ErrorCode::PinLocked => Some(D::PinBlocked),
        ErrorCode::PinNotSet => Some(D::PinNotSet),
        _ => None,
    }
}
