//! Flux's own record of every transaction, whatever provider moved it: list and get. The
//! routes that move money (money-out, refunds) belong to the provider that moves it.

use super::*;
use crate::model::{Page, Pagination, Transaction};
use crate::validate::page_query;
use axum::extract::{Path, Query, State};
use axum::{Extension, Json};
use flux_core::{TxKind, TxStatus};
use flux_store::{TransactionFilter, TransactionRecord};
use std::collections::HashMap;

/// The transaction, if it belongs to the caller's partner and to `client_id`; else 404.
pub async fn owned_transaction(
    state: &SharedState,
    caller: &Caller,
    client_id: Uuid,
    id: Uuid,
) -> Result<TransactionRecord, ApiError> {
    match state.store.get_transaction(id).await? {
        Some(t) if t.partner_id == caller.partner_id && t.client_id == client_id => Ok(t),
        _ => Err(ApiError::not_found("transaction")),
    }
}

fn parse_instant(
    field: &str,
    v: Option<&String>,
) -> Result<Option<chrono::DateTime<chrono::Utc>>, ApiError> {
    match v.map(String::as_str) {
        None => Ok(None),
        Some(s) => chrono::DateTime::parse_from_rfc3339(s)
            .map(|t| Some(t.with_timezone(&chrono::Utc)))
            .map_err(|_| {
                ApiError::query_field(
                    field,
                    "must be an RFC 3339 timestamp with offset, e.g. 2026-01-31T00:00:00-06:00",
                )
            }),
    }
}

/// List the client's transactions
///
/// Every money movement Flux recorded for the client, newest first: money-outs, money-ins and refunds, with their status and deltas. Filter by `kind`, `status` and creation time; page with `page`/`per_page`, or, at any depth for the same cost, with `starting_after`/`per_page`.
#[utoipa::path(get, path = "/api/partners/clients/{clientId}/transactions", operation_id = "list_transactions", tag = "transactions",
    params(("clientId" = Uuid, Path), ("kind" = Option<String>, Query, description = "MONEY_IN, MONEY_OUT or REFUND"), ("status" = Option<String>, Query),
        ("created_from" = Option<String>, Query, description = "RFC 3339, inclusive"), ("created_to" = Option<String>, Query, description = "RFC 3339, exclusive"),
        ("page" = Option<u32>, Query, minimum = 1, maximum = 1000000, description = "1-based page, default 1. Its cost grows with its depth (every item before it is skipped and all are counted): prefer `starting_after` beyond the first pages"), ("per_page" = Option<u32>, Query, minimum = 1, maximum = 200, description = "1 to 200, default 50"), ("starting_after" = Option<Uuid>, Query, description = "Cursor: the id of the last item already seen (the previous page's `pagination.next_starting_after`); answers the items after it, without totals. Every page costs the same at any depth. Not with `page`; an id that is not an item of this list is 422")),
    responses((status = 200, body = Page<Transaction>), (status = 401, body = crate::error::Problem), (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)),
    security(("api_key" = [])))]
pub async fn list(
    State(state): State<SharedState>,
    Extension(caller): Extension<Caller>,
    Path(client_id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<Page<Transaction>>, ApiError> {
    let client = owned_client(&state, &caller, path_id(&client_id, "client")?).await?;
    let slice = page_query(&q, 200)?;
    let kind = match q.get("kind") {
        Some(k) => Some(k.parse::<TxKind>().map_err(|_| {
            ApiError::query_field("kind", "must be one of MONEY_IN, MONEY_OUT, REFUND")
        })?),
        None => None,
    };
    let status = match q.get("status") {
        Some(s) => Some(s.parse::<TxStatus>().map_err(|_| {
            let all: Vec<&str> = TxStatus::ALL.iter().map(|s| s.as_str()).collect();
            ApiError::query_field("status", format!("must be one of {}", all.join(", ")))
        })?),
        None => None,
    };
    let filter = TransactionFilter {
        client_id: client.client_id,
        kind,
        status,
        created_from: parse_instant("created_from", q.get("created_from"))?,
        created_to: parse_instant("created_to", q.get("created_to"))?,
        slice,
    };
    let listed = state.store.list_transactions(&filter).await?;
    let last = listed.items.last().map(|t| t.id.to_string());
    let pagination = Pagination::of(&filter.slice, &listed, last);
    Ok(Json(Page {
        data: listed.items.iter().map(Transaction::from).collect(),
        pagination,
    }))
}

/// Get a transaction
///
/// One money movement with its current status, failure reason, CEP and, for a money-in that paid a remittance, the remittance's id.
#[utoipa::path(get, path = "/api/partners/clients/{clientId}/transactions/{transactionId}", operation_id = "get_transaction", tag = "transactions",
    params(("clientId" = Uuid, Path), ("transactionId" = Uuid, Path)),
    responses((status = 200, body = Transaction), (status = 401, body = crate::error::Problem), (status = 404, body = crate::error::Problem)),
    security(("api_key" = [])))]
pub async fn get(
    State(state): State<SharedState>,
    Extension(caller): Extension<Caller>,
    Path((client_id, transaction_id)): Path<(String, String)>,
) -> Result<Json<Transaction>, ApiError> {
    let client = owned_client(&state, &caller, path_id(&client_id, "client")?).await?;
    let t = owned_transaction(
        &state,
        &caller,
        client.client_id,
        path_id(&transaction_id, "transaction")?,
    )
    .await?;
    Ok(Json(Transaction::from(&t)))
}
