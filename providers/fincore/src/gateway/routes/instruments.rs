//! Instruments: where money can be sent (debit cards, CLABEs) and the accounts it comes from.
//! Maps to Fincore `…/instruments` (list, get, register). Card numbers are validated (16 digits,
//! Luhn) before anything reaches the provider, and never returned in full.

use super::super::{credentials, fincore, CallFrom};
use crate::wire;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::{Extension, Json};
use flux_gateway::error::ApiError;
use flux_gateway::idempotency::{self, Begin, Outcome};
use flux_gateway::model::{Instrument, Page, Pagination};
use flux_gateway::pipeline::Caller;
use flux_gateway::pipeline::RequestCtx;
use flux_gateway::routes::{owned_client, path_id, same_client};
use flux_gateway::validate::{json_object, page_query, Fields};
use flux_gateway::SharedState;
use flux_store::{Listed, Slice};
use std::collections::HashMap;
use uuid::Uuid;

/// List the client's instruments
///
/// Fincore pages its instruments by number only, so a page reached by `starting_after` costs Flux a walk over Fincore's pages up to the cursor.
#[utoipa::path(get, path = "/api/partners/clients/{clientId}/instruments", operation_id = "list_instruments", tag = "instruments",
    params(("clientId" = Uuid, Path), ("customer_id" = Option<Uuid>, Query), ("page" = Option<u32>, Query, minimum = 1, maximum = 1000000, description = "1-based page, default 1. Its cost grows with its depth (every item before it is skipped and all are counted): prefer `starting_after` beyond the first pages"), ("per_page" = Option<u32>, Query, minimum = 1, maximum = 100, description = "1 to 100, default 50"), ("starting_after" = Option<Uuid>, Query, description = "Cursor: the id of the last item already seen (the previous page's `pagination.next_starting_after`); answers the items after it, without totals. Every page costs the same at any depth. Not with `page`; an id that is not an item of this list is 422")),
    responses((status = 200, body = Page<Instrument>), (status = 401, body = flux_gateway::error::Problem), (status = 404, body = flux_gateway::error::Problem), (status = 422, body = flux_gateway::error::Problem), (status = 502, body = flux_gateway::error::Problem)),
    security(("api_key" = [])))]
pub async fn list(
    State(state): State<SharedState>,
    Extension(caller): Extension<Caller>,
    Extension(ctx): Extension<RequestCtx>,
    Path(client_id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<Page<Instrument>>, ApiError> {
    let client = owned_client(&state, &caller, path_id(&client_id, "client")?).await?;
    let slice = page_query(&q, 100)?;
    let customer_id = match q.get("customer_id").map(String::as_str) {
        None => None,
        Some(s) => Some(
            Uuid::parse_str(s)
                .map_err(|_| ApiError::query_field("customer_id", "must be a UUID"))?,
        ),
    };
    let (api, credentials, call) = (&fincore(&state)?.client, credentials(&client), ctx.call());
    let fetch = |page: u32, per_page: u32| {
        api.list_instruments(
            &credentials,
            customer_id,
            u64::from(page),
            u64::from(per_page),
            &call,
        )
    };
    match slice {
        Slice::Offset { page, per_page } => {
            let got = fetch(page, per_page).await?;
            let listed = Listed {
                items: got.data.into_iter().map(Instrument::from).collect(),
                total: Some(got.total_items),
                has_more: u64::from(page) * u64::from(per_page) < got.total_items,
            };
            let last = listed.items.last().map(|i| i.id.to_string());
            Ok(Json(Page {
                pagination: Pagination::of(&slice, &listed, last),
                data: listed.items,
            }))
        }
        Slice::After { ref id, per_page } => {
            // Fincore pages by number only: walk its pages until the cursor and the page after
            // it are in hand. The cost grows with the depth, as Fincore's own does.
            let mut seen: Vec<Instrument> = Vec::new();
            for page in 1.. {
                let got = fetch(page, 100).await?;
                let fetched = got.data.len();
                seen.extend(got.data.into_iter().map(Instrument::from));
                let after = seen
                    .iter()
                    .position(|i| i.id.to_string() == *id)
                    .map(|at| seen.len() - at - 1);
                let exhausted = fetched == 0 || seen.len() as u64 >= got.total_items;
                if exhausted || after.is_some_and(|n| n > per_page as usize) {
                    break;
                }
            }
            let (data, pagination) = Pagination::slice_of(seen, &slice, |i| i.id.to_string())?;
            Ok(Json(Page { data, pagination }))
        }
    }
}

/// Get an instrument
#[utoipa::path(get, path = "/api/partners/clients/{clientId}/instruments/{instrumentId}", operation_id = "get_instrument", tag = "instruments",
    params(("clientId" = Uuid, Path), ("instrumentId" = Uuid, Path)),
    responses((status = 200, body = Instrument), (status = 401, body = flux_gateway::error::Problem), (status = 404, body = flux_gateway::error::Problem), (status = 502, body = flux_gateway::error::Problem)),
    security(("api_key" = [])))]
pub async fn get(
    State(state): State<SharedState>,
    Extension(caller): Extension<Caller>,
    Extension(ctx): Extension<RequestCtx>,
    Path((client_id, instrument_id)): Path<(String, String)>,
) -> Result<Json<Instrument>, ApiError> {
    let client = owned_client(&state, &caller, path_id(&client_id, "client")?).await?;
    let id = path_id(&instrument_id, "instrument")?;
    let got = fincore(&state)?
        .client
        .get_instrument(&credentials(&client), id, &ctx.call())
        .await?;
    Ok(Json(Instrument::from(got)))
}

/// Body of POST …/instruments (the seed's shape). Exactly one of `debit_card` or
/// `virtual_clabe`, matching `instrumentKind`.
#[derive(utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code, non_snake_case)]
pub struct RegisterInstrument {
    /// debit_card or virtual_clabe.
    #[schema(schema_with = instrument_kind)]
    instrumentKind: String,
    /// A known SPEI participant (an unknown bank is 422).
    source_bank_id: Uuid,
    /// Must equal the clientId in the path.
    client_id: Uuid,
    customer_id: Option<Uuid>,
    #[schema(schema_with = receiver)]
    r#type: String,
    #[schema(schema_with = flux_gateway::validate::schema::rfc)]
    rfc: String,
    #[schema(
        min_length = 1,
        max_length = 100,
        pattern = r"^[^\x00-\x1F\x7F-\x9F]*$"
    )]
    alias: String,
    debit_card: Option<DebitCardIn>,
    virtual_clabe: Option<VirtualClabeIn>,
}

#[derive(utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct DebitCardIn {
    /// A known SPEI participant (an unknown bank is 422).
    destination_bank_id: Uuid,
    #[schema(schema_with = flux_gateway::validate::schema::card_number)]
    card_number: String,
    #[schema(
        min_length = 1,
        max_length = 120,
        pattern = r"^[^\x00-\x1F\x7F-\x9F]*$"
    )]
    holder_name: String,
}

#[derive(utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct VirtualClabeIn {
    #[schema(schema_with = flux_gateway::validate::schema::clabe)]
    clabe: String,
    #[schema(
        min_length = 1,
        max_length = 120,
        pattern = r"^[^\x00-\x1F\x7F-\x9F]*$"
    )]
    holder_name: String,
}

fn instrument_kind() -> utoipa::openapi::schema::Object {
    flux_gateway::validate::schema::one_of(&["debit_card", "virtual_clabe"], false)
}

fn receiver() -> utoipa::openapi::schema::Object {
    flux_gateway::validate::schema::one_of(&["RECEIVER"], false)
}

fn parse_register(
    body: &[u8],
    client_id: Uuid,
) -> Result<wire::RegisterInstrumentRequest, ApiError> {
    let obj = json_object(body)?;
    let mut f = Fields::new(&obj);
    let kind = f.one_of("instrumentKind", &["debit_card", "virtual_clabe"]);
    let source_bank_id = f.bank_id("source_bank_id");
    let body_client = f.uuid("client_id");
    let customer_id = f.opt_uuid("customer_id");
    let usage = f.one_of("type", &["RECEIVER"]);
    let rfc = f.rfc("rfc");
    let alias = f.string("alias", 1, 100);
    let card = f.object("debit_card", kind.as_deref() == Some("debit_card"), |c| {
        let bank = c.bank_id("destination_bank_id");
        let number = c.card_number("card_number");
        let holder = c.string("holder_name", 1, 120);
        Some(wire::DebitCardPayload {
            destination_bank_id: bank?,
            card_number: number?,
            holder_name: holder?,
        })
    });
    let clabe = f.object(
        "virtual_clabe",
        kind.as_deref() == Some("virtual_clabe"),
        |c| {
            let clabe = c.clabe("clabe");
            let holder = c.string("holder_name", 1, 120);
            Some(wire::VirtualClabePayload {
                clabe: clabe?,
                holder_name: holder?,
            })
        },
    );
    match kind.as_deref() {
        Some("debit_card") if obj.contains_key("virtual_clabe") => f.fail(
            "virtual_clabe",
            "must be absent when instrumentKind is debit_card",
        ),
        Some("virtual_clabe") if obj.contains_key("debit_card") => f.fail(
            "debit_card",
            "must be absent when instrumentKind is virtual_clabe",
        ),
        _ => {}
    }
    f.finish()?;
    same_client(body_client, client_id)?;
    Ok(wire::RegisterInstrumentRequest {
        source_bank_id: source_bank_id.ok_or_else(ApiError::internal)?,
        client_id,
        customer_id,
        kind: usage.ok_or_else(ApiError::internal)?,
        rfc: rfc.ok_or_else(ApiError::internal)?,
        alias: alias.ok_or_else(ApiError::internal)?,
        debit_card: card,
        virtual_clabe: clabe,
    })
}

/// Register an instrument
///
/// A CLABE or a debit card to send money to (`RECEIVER`) or from (`SENDER`). Exactly one of `debit_card` or `virtual_clabe`, matching `instrumentKind`; check digits are verified.
#[utoipa::path(post, path = "/api/partners/clients/{clientId}/instruments", operation_id = "register_instrument", tag = "instruments",
    params(("clientId" = Uuid, Path), ("Idempotency-Key" = Option<String>, Header)),
    request_body = RegisterInstrument,
    responses((status = 201, body = Instrument), (status = 400, body = flux_gateway::error::Problem), (status = 404, body = flux_gateway::error::Problem), (status = 409, body = flux_gateway::error::Problem), (status = 422, body = flux_gateway::error::Problem), (status = 502, body = flux_gateway::error::Problem)),
    security(("api_key" = [])))]
pub async fn register(
    State(state): State<SharedState>,
    Extension(caller): Extension<Caller>,
    Extension(ctx): Extension<RequestCtx>,
    Path(client_id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let client = owned_client(&state, &caller, path_id(&client_id, "client")?).await?;
    let req = parse_register(&body, client.client_id)?;
    let path = format!("/api/partners/clients/{}/instruments", client.client_id);
    let claim = match idempotency::begin(&state, &caller, &headers, "POST", &path, &body).await? {
        Begin::Replay(r) => return Ok(r),
        Begin::Run(c) => c,
    };
    let result = async {
        let created = fincore(&state)?
            .client
            .register_instrument(&credentials(&client), &req, &ctx.call())
            .await?;
        Ok(Instrument::from(created))
    }
    .await;
    Ok(idempotency::finish(&state, claim, Outcome::created(result)).await)
}
