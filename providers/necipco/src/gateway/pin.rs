//! PINs without Flux ever seeing one: NeCIPCo's public key is published to partners
//! (`GET /api/partners/cards/pin-encryption-key`), the partner's app ciphers the PIN on the
//! end user's device (RSA-OAEP with SHA-256, as WebCrypto offers), and Flux forwards the
//! ciphertext to NeCIPCo untouched: Flux holds no key that could decipher it.

use super::cards::{ciphertext, owned_card};
use super::model::{self};
use super::{connector, necipco, upstream_error};
use crate::crypto::Padding;
use crate::wire::{Sensitive, SetPinRequest, UpdatePinRequest};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::{Extension, Json};
use flux_gateway::error::ApiError;
use flux_gateway::pipeline::Caller;
use flux_gateway::validate::{json_object, Fields};
use flux_gateway::SharedState;

/// The WebCrypto / JOSE name of the padding partners must cipher with.
pub fn algorithm(p: Padding) -> model::PinAlgorithm {
    match p {
        Padding::OaepSha256 => model::PinAlgorithm::RsaOaep256,
        Padding::OaepSha1 => model::PinAlgorithm::RsaOaep,
        Padding::Pkcs1v15 => model::PinAlgorithm::Rsa15,
    }
}

/// Get the PIN encryption key
///
/// The RSA public key a PIN must be encrypted with before it is sent: Flux never receives a PIN in clear.
#[utoipa::path(get, path = "/api/partners/cards/pin-encryption-key", operation_id = "get_pin_encryption_key", tag = "cards",
    responses((status = 200, body = model::PinEncryptionKey), (status = 502, body = flux_gateway::error::Problem)),
    security(("api_key" = [])))]
pub async fn key(
    State(state): State<SharedState>,
) -> Result<Json<model::PinEncryptionKey>, ApiError> {
    let provider = necipco(&state)?;
    let key = provider
        .master
        .system_public_key()
        .await
        .map_err(upstream_error)?;
    Ok(Json(model::PinEncryptionKey {
        public_key: key.to_pem(),
        format: "SPKI PEM",
        algorithm: algorithm(provider.padding()),
        hash: "SHA-256",
        encoding: "base64",
        usage: "cipher the PIN (or a plastic's card number) on the end user's device; send the base64 ciphertext",
    }))
}

/// Set a card's PIN
///
/// The PIN encrypted with the key from `GET /api/partners/cards/pin-encryption-key`.
#[utoipa::path(post, path = "/api/partners/clients/{clientId}/cards/{cardId}/pin", operation_id = "set_card_pin", tag = "cards",
    params(("clientId" = Uuid, Path), ("cardId" = Uuid, Path)),
    request_body = model::SetPin,
    responses((status = 200, body = model::PinResult), (status = 404, body = flux_gateway::error::Problem), (status = 422, body = flux_gateway::error::Problem)),
    security(("api_key" = [])))]
pub async fn set(
    State(state): State<SharedState>,
    Extension(caller): Extension<Caller>,
    Path((client_id, card_id)): Path<(String, String)>,
    body: Bytes,
) -> Result<Json<model::PinResult>, ApiError> {
    let (client, card) = owned_card(&state, &caller, &client_id, &card_id).await?;
    let obj = json_object(&body)?;
    let mut f = Fields::new(&obj);
    let pin = ciphertext(&mut f, "pin_ciphertext");
    let at = model::location(&mut f);
    f.finish()?;
    let (Some(pin), Some(at)) = (pin, at) else {
        return Err(ApiError::internal());
    };
    let api = connector(&state, &client).await?;
    api.set_pin_ciphered(&SetPinRequest {
        card_number: Sensitive::new(card.provider_card_id.clone()),
        pin: Sensitive::new(pin),
        latitude: at.latitude,
        longitude: at.longitude,
    })
    .await
    .map_err(upstream_error)?;
    Ok(Json(model::PinResult {
        card_id: card.id,
        pin: model::PinOutcome::Set,
    }))
}

/// Change a card's PIN
#[utoipa::path(put, path = "/api/partners/clients/{clientId}/cards/{cardId}/pin", operation_id = "change_card_pin", tag = "cards",
    params(("clientId" = Uuid, Path), ("cardId" = Uuid, Path)),
    request_body = model::ChangePin,
    responses((status = 200, body = model::PinResult), (status = 404, body = flux_gateway::error::Problem), (status = 422, body = flux_gateway::error::Problem)),
    security(("api_key" = [])))]
pub async fn change(
    State(state): State<SharedState>,
    Extension(caller): Extension<Caller>,
    Path((client_id, card_id)): Path<(String, String)>,
    body: Bytes,
) -> Result<Json<model::PinResult>, ApiError> {
    let (client, card) = owned_card(&state, &caller, &client_id, &card_id).await?;
    let obj = json_object(&body)?;
    let mut f = Fields::new(&obj);
    let old = ciphertext(&mut f, "old_pin_ciphertext");
    let new = ciphertext(&mut f, "new_pin_ciphertext");
    let at = model::location(&mut f);
    f.finish()?;
    let (Some(old), Some(new), Some(at)) = (old, new, at) else {
        return Err(ApiError::internal());
    };
    let api = connector(&state, &client).await?;
    api.update_pin_ciphered(&UpdatePinRequest {
        card_number: Sensitive::new(card.provider_card_id.clone()),
        old_pin: Sensitive::new(old),
        new_pin: Sensitive::new(new),
        latitude: at.latitude,
        longitude: at.longitude,
    })
    .await
    .map_err(upstream_error)?;
    Ok(Json(model::PinResult {
        card_id: card.id,
        pin: model::PinOutcome::Changed,
    }))
}
