//! One module per resource of the Flux Partners API.

pub mod accounts;
pub mod banks;
pub mod health;
pub mod inbound;
pub mod instruments;
pub mod ledger;
pub mod sandbox;
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

/// The client, if it belongs to the caller's partner. Any other client is a 404.
pub async fn owned_client(
    state: &SharedState,
    caller: &Caller,
    client_id: Uuid,
) -> Result<ClientRecord, ApiError> {
    match state.store.get_client(client_id).await? {
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
