//! One module per provider-neutral resource of the Flux Partners API. The resources a
//! provider serves (accounts, instruments, money-out…) are its own routes (see
//! [`crate::provider`]: Fincore's SPEI resources, Félix's remittances, Fidi X's partner
//! ledger); the helpers below are shared with them.

pub mod health;
pub mod transactions;
pub mod webhooks;

use crate::error::ApiError;
use crate::pipeline::Caller;
use crate::state::SharedState;
use flux_store::ClientRecord;
use uuid::Uuid;

/// Parses a path id; anything that is not a UUID cannot exist (404, not 400, so that path
/// probing learns nothing).
pub fn path_id(raw: &str, what: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(raw).map_err(|_| ApiError::not_found(what))
}

/// The client, if it belongs to the caller's partner. Any other client is a 404. Read from
/// the auth cache: an ownership change anywhere is seen within a second.
pub async fn owned_client(
    state: &SharedState,
    caller: &Caller,
    client_id: Uuid,
) -> Result<ClientRecord, ApiError> {
    match state.auth_cache.client(client_id).await? {
        Some(c) if c.partner_id == caller.partner_id => Ok(c),
        _ => Err(ApiError::not_found("client")),
    }
}

/// Checks that a body's `client_id` agrees with the path.
pub fn same_client(body_client: Option<Uuid>, path_client: Uuid) -> Result<(), ApiError> {
    match body_client {
        Some(c) if c != path_client => Err(ApiError::field(
            "client_id",
            "must match the clientId in the path",
        )),
        _ => Ok(()),
    }
}

/// The client's funds account in Flux's books for `currency`, if Flux has booked anything.
pub async fn client_books(
    state: &SharedState,
    client_id: Uuid,
    currency: flux_core::Currency,
) -> Result<Option<flux_ledger::Account>, ApiError> {
    let id = flux_ledger::books::funds_account(client_id, currency);
    Ok(flux_ledger::get_account(&state.store, id).await?)
}
