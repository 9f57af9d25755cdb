//! GET /api/partners/banks: the SPEI participants catalog, from Fincore `GET /v1/banks`. The
//! catalog changes a few times a year, so Flux keeps it for ten minutes instead of asking on
//! every request.

use super::super::{credentials, fincore, CallFrom};
use axum::extract::{Query, State};
use axum::{Extension, Json};
use flux_gateway::error::ApiError;
use flux_gateway::model::{Bank, Page, Pagination};
use flux_gateway::pipeline::Caller;
use flux_gateway::pipeline::RequestCtx;
use flux_gateway::validate::page_query;
use flux_gateway::SharedState;
use parking_lot::Mutex;
use std::collections::HashMap;
use std::time::{Duration, Instant};

const CACHE_FOR: Duration = Duration::from_secs(600);

#[derive(Default)]
pub struct BankCache(Mutex<Option<(Instant, Vec<Bank>)>>);

async fn catalog(
    state: &SharedState,
    caller: &Caller,
    ctx: &RequestCtx,
) -> Result<Vec<Bank>, ApiError> {
    if let Some((at, banks)) = fincore(state)?.banks.0.lock().as_ref() {
        if at.elapsed() < CACHE_FOR {
            return Ok(banks.clone());
        }
    }
    // The catalog is the same for every client; any client's token reads it. Prefer the
    // caller's own clients, so one partner's provider outage does not hide another's.
    let clients = state.store.list_clients().await?;
    let client = clients
        .iter()
        .find(|c| c.partner_id == caller.partner_id)
        .or_else(|| clients.first())
        .ok_or_else(|| {
            ApiError::new(
                axum::http::StatusCode::SERVICE_UNAVAILABLE,
                "no_provider_client",
                "No provider client configured",
            )
        })?;
    let creds = credentials(client);
    let mut banks = Vec::new();
    for page in 1..=20 {
        let got = fincore(state)?
            .client
            .banks(&creds, page, 500, &ctx.call())
            .await?;
        let n = got.banks.len();
        banks.extend(got.banks.into_iter().map(Bank::from));
        if n == 0 || banks.len() as u64 >= got.total_banks {
            break;
        }
    }
    *fincore(state)?.banks.0.lock() = Some((Instant::now(), banks.clone()));
    Ok(banks)
}

/// List SPEI participants
///
/// The banks and institutions a CLABE or card can belong to, with the ids the other operations take.
#[utoipa::path(get, path = "/api/partners/banks", operation_id = "list_banks", tag = "banks",
    params(("page" = Option<u32>, Query, minimum = 1, maximum = 1000000, description = "1-based page, default 1. Its cost grows with its depth (every item before it is skipped and all are counted): prefer `starting_after` beyond the first pages"), ("per_page" = Option<u32>, Query, minimum = 1, maximum = 500, description = "1 to 500, default 50"), ("starting_after" = Option<Uuid>, Query, description = "Cursor: the id of the last item already seen (the previous page's `pagination.next_starting_after`); answers the items after it, without totals. Every page costs the same at any depth. Not with `page`; an id that is not an item of this list is 422")),
    responses((status = 200, body = Page<Bank>), (status = 401, body = flux_gateway::error::Problem), (status = 422, body = flux_gateway::error::Problem), (status = 502, body = flux_gateway::error::Problem)),
    security(("api_key" = [])))]
pub async fn list(
    State(state): State<SharedState>,
    Extension(caller): Extension<Caller>,
    Extension(ctx): Extension<RequestCtx>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<Page<Bank>>, ApiError> {
    let slice = page_query(&q, 500)?;
    let all = catalog(&state, &caller, &ctx).await?;
    let (data, pagination) = Pagination::slice_of(all, &slice, |b| b.id.to_string())?;
    Ok(Json(Page { data, pagination }))
}
