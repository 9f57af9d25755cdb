//! Reading remittances: a client's list (newest first, filtered) and one remittance with its
//! status history. Another partner's client or remittance is a 404, never a 403: probing ids
//! learns nothing.

use super::model;
use axum::extract::{Path, Query, State};
use axum::{Extension, Json};
use flux_core::RemittanceStatus;
use flux_gateway::error::ApiError;
use flux_gateway::model::Pagination;
use flux_gateway::pipeline::Caller;
use flux_gateway::routes::{owned_client, path_id};
use flux_gateway::validate::page_query;
use flux_gateway::SharedState;
use flux_store::RemittanceFilter;
use serde_json::{json, Value};
use std::collections::HashMap;

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

fn parse_status(v: Option<&String>) -> Result<Option<RemittanceStatus>, ApiError> {
    match v {
        None => Ok(None),
        Some(s) => s.parse().map(Some).map_err(|_| {
            let all: Vec<&str> = RemittanceStatus::ALL.iter().map(|s| s.as_str()).collect();
            ApiError::query_field("status", format!("must be one of {}", all.join(", ")))
        }),
    }
}

/// List the client's remittances
#[utoipa::path(get, path = "/api/partners/clients/{clientId}/remittances", operation_id = "list_remittances", tag = "remittances",
    params(("clientId" = Uuid, Path), ("status" = Option<String>, Query),
        ("created_from" = Option<String>, Query, description = "RFC 3339, inclusive"), ("created_to" = Option<String>, Query, description = "RFC 3339, exclusive"),
        ("page" = Option<u32>, Query, minimum = 1, maximum = 1000000, description = "1-based page, default 1. Its cost grows with its depth (every item before it is skipped and all are counted): prefer `starting_after` beyond the first pages"), ("per_page" = Option<u32>, Query, minimum = 1, maximum = 200, description = "1 to 200, default 50"), ("starting_after" = Option<Uuid>, Query, description = "Cursor: the id of the last item already seen (the previous page's `pagination.next_starting_after`); answers the items after it, without totals. Every page costs the same at any depth. Not with `page`; an id that is not an item of this list is 422")),
    responses((status = 200, body = flux_gateway::model::Page<model::Remittance>), (status = 404, body = flux_gateway::error::Problem), (status = 422, body = flux_gateway::error::Problem)),
    security(("api_key" = [])))]
pub async fn list(
    State(state): State<SharedState>,
    Extension(caller): Extension<Caller>,
    Path(client_id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<Value>, ApiError> {
    let client = owned_client(&state, &caller, path_id(&client_id, "client")?).await?;
    let slice = page_query(&q, 200)?;
    let filter = RemittanceFilter {
        client_id: client.client_id,
        status: parse_status(q.get("status"))?,
        created_from: parse_instant("created_from", q.get("created_from"))?,
        created_to: parse_instant("created_to", q.get("created_to"))?,
        slice,
    };
    let listed = state.store.list_remittances(&filter).await?;
    let data: Vec<Value> = listed.items.iter().map(model::render).collect();
    let last = listed.items.last().map(|r| r.id.to_string());
    Ok(Json(json!({
        "data": data,
        "pagination": Pagination::of(&filter.slice, &listed, last),
    })))
}

/// Get a remittance
///
/// The remittance with its history (each change, when Félix says it happened and how Flux heard of it) and, once paid in, the SPEI money-in that settled it.
#[utoipa::path(get, path = "/api/partners/clients/{clientId}/remittances/{remittanceId}", operation_id = "get_remittance", tag = "remittances",
    params(("clientId" = Uuid, Path), ("remittanceId" = Uuid, Path)),
    responses((status = 200, body = model::Remittance), (status = 404, body = flux_gateway::error::Problem)),
    security(("api_key" = [])))]
pub async fn get(
    State(state): State<SharedState>,
    Extension(caller): Extension<Caller>,
    Path((client_id, remittance_id)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    let client = owned_client(&state, &caller, path_id(&client_id, "client")?).await?;
    let id = path_id(&remittance_id, "remittance")?;
    let r = match state.store.get_remittance(id).await? {
        Some(r) if r.partner_id == caller.partner_id && r.client_id == client.client_id => r,
        _ => return Err(ApiError::not_found("remittance")),
    };
    let events = state.store.remittance_events(id).await?;
    Ok(Json(model::render_with_history(&r, &events)))
}
