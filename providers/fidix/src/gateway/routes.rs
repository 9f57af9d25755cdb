//! The partner ledger API: `/api/partners/clients/{clientId}/ledger/…` (accounts, balances,
//! persons, transactions), Fidi X's model served through [`super::backend`]. Each client
//! has its own ledger; Flux fills in its `ledger_id`, and anything of another ledger is a 404.

use super::backend::{client_ledger, LedgerBackend};
use crate::wire::*;
use crate::FidixError;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::{Extension, Json};
use flux_gateway::error::ApiError;
use flux_gateway::idempotency::{self, Begin, Outcome};
use flux_gateway::pipeline::{Caller, RequestCtx};
use flux_gateway::routes::{owned_client, path_id};
use flux_gateway::validate::json_object;
use flux_gateway::SharedState;
use flux_store::ClientRecord;
use std::collections::HashMap;
use uuid::Uuid;

/// A Fidi X (or engine) refusal as a problem+json.
fn problem(e: FidixError) -> ApiError {
    let detail = e.body.message.clone();
    match (e.status, e.body.code.as_str()) {
        (400, _) if !e.body.details.is_empty() => {
            let d = &e.body.details[0];
            ApiError::field(&d.field, d.reason.clone())
        }
        (400, "insufficient_funds") => ApiError::insufficient_funds(detail),
        (400, "duplicate_reference_id") => ApiError::new(
            StatusCode::CONFLICT,
            "duplicate_reference_id",
            "Duplicate reference_id",
        )
        .detail(detail),
        // Flux's own idempotency layer usually answers first; the same answer if Fidi X does.
        (400, "idempotency_key_reused") => idempotency::key_reused(),
        (400, "unbalanced_transaction") => ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "unbalanced_transaction",
            "Unbalanced transaction",
        )
        .detail(detail),
        (400, "currency_mismatch") => ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "currency_mismatch",
            "Currency mismatch",
        )
        .detail(detail),
        (400, _) => ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "ledger_refused",
            "Refused by the ledger",
        )
        .detail(detail),
        (404, _) => ApiError::not_found("resource"),
        (504, _) => ApiError::new(
            StatusCode::GATEWAY_TIMEOUT,
            "upstream_timeout",
            "Provider timeout",
        )
        .detail(detail),
        (500..=599, _) | (401, _) | (403, _) => {
            tracing::warn!(status = e.status, code = %e.body.code, "ledger provider error");
            ApiError::new(StatusCode::BAD_GATEWAY, "upstream_error", "Provider error")
                .detail("the ledger provider failed; retry later")
        }
        _ => ApiError::new(StatusCode::BAD_GATEWAY, "upstream_error", "Provider error")
            .detail(detail),
    }
}

/// Reads a partner body into a Fidi X request for the client's ledger.
fn wire_body<T: serde::de::DeserializeOwned>(body: &[u8], ledger: Uuid) -> Result<T, ApiError> {
    let mut obj = json_object(body)?;
    refuse_holds(&obj)?;
    match obj.get("ledger_id") {
        None => {}
        Some(v) if v.as_str() == Some(ledger.to_string().as_str()) => {}
        Some(_) => {
            return Err(ApiError::field(
                "ledger_id",
                "is assigned by Flux: leave it out",
            ))
        }
    }
    obj.insert("ledger_id".into(), ledger.to_string().into());
    crate::service::from_json(serde_json::Value::Object(obj)).map_err(problem)
}

/// Fidi X posts every transaction at once; it has no holds. A partner who asks for one must
/// hear so, not find the money moved: other unknown fields are ignored, these are refused
/// (saying no hold, `pending: false` or `expires_at: null`, is what happens anyway).
fn refuse_holds(obj: &serde_json::Map<String, serde_json::Value>) -> Result<(), ApiError> {
    let asked = |field: &str, none: &serde_json::Value| obj.get(field).is_some_and(|v| v != none);
    for (field, none) in [
        ("pending", false.into()),
        ("expires_at", serde_json::Value::Null),
    ] {
        if asked(field, &none) {
            return Err(ApiError::field(
                field,
                "holds are not offered by the ledger API: every transaction is posted at once",
            ));
        }
    }
    Ok(())
}

fn owned<T>(value: T, ledger: Uuid, of: Uuid, what: &str) -> Result<T, ApiError> {
    if of == ledger {
        Ok(value)
    } else {
        Err(ApiError::not_found(what))
    }
}

async fn client_of(
    state: &SharedState,
    caller: &Caller,
    client_id: &str,
) -> Result<(ClientRecord, Uuid), ApiError> {
    let client = owned_client(state, caller, path_id(client_id, "client")?).await?;
    let ledger = client_ledger(client.client_id);
    Ok((client, ledger))
}

/// A POST under the client's ledger: the body read as a Fidi X request for that ledger, the
/// partner's Idempotency-Key honoured by Flux (replayed responses) and passed on to `run`.
#[allow(clippy::too_many_arguments)]
async fn create<R, F, Fut, T>(
    state: &SharedState,
    caller: &Caller,
    ctx: &RequestCtx,
    headers: &HeaderMap,
    client_id: &str,
    resource: &str,
    body: &Bytes,
    run: F,
) -> Result<Response, ApiError>
where
    R: serde::de::DeserializeOwned,
    F: FnOnce(LedgerBackend, R, Option<String>, String) -> Fut,
    Fut: std::future::Future<Output = Result<T, FidixError>>,
    T: serde::Serialize,
{
    let (client, ledger) = client_of(state, caller, client_id).await?;
    let req: R = wire_body(body, ledger)?;
    let path = format!(
        "/api/partners/clients/{}/ledger/{resource}",
        client.client_id
    );
    let key = idempotency::key_of(headers)?;
    let claim = match idempotency::begin(state, caller, headers, "POST", &path, body).await? {
        Begin::Replay(r) => return Ok(r),
        Begin::Run(c) => c,
    };
    let created = run(
        super::backend_of(state)?,
        req,
        key,
        ctx.traceparent_out.clone(),
    )
    .await
    .map_err(problem);
    Ok(idempotency::finish(state, claim, Outcome::created(created)).await)
}

#[utoipa::path(post, path = "/api/partners/clients/{clientId}/ledger/accounts", tag = "ledger",
    params(("clientId" = Uuid, Path), ("Idempotency-Key" = Option<String>, Header)),
    request_body = CreateAccountRequest,
    responses((status = 201, body = AccountResponse), (status = 404, body = flux_gateway::error::Problem), (status = 422, body = flux_gateway::error::Problem), (status = 502, body = flux_gateway::error::Problem)),
    security(("api_key" = [])))]
pub async fn create_account(
    State(state): State<SharedState>,
    Extension(caller): Extension<Caller>,
    Extension(ctx): Extension<RequestCtx>,
    Path(client_id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let run = |backend: LedgerBackend,
               req: CreateAccountRequest,
               _key: Option<String>,
               trace: String| async move {
        backend.create_account(req, Some(&trace)).await
    };
    create(
        &state, &caller, &ctx, &headers, &client_id, "accounts", &body, run,
    )
    .await
}

#[utoipa::path(get, path = "/api/partners/clients/{clientId}/ledger/accounts/{accountId}", tag = "ledger",
    params(("clientId" = Uuid, Path), ("accountId" = Uuid, Path)),
    responses((status = 200, body = AccountDetailResponse), (status = 404, body = flux_gateway::error::Problem)),
    security(("api_key" = [])))]
pub async fn get_account(
    State(state): State<SharedState>,
    Extension(caller): Extension<Caller>,
    Extension(ctx): Extension<RequestCtx>,
    Path((client_id, account_id)): Path<(String, String)>,
) -> Result<Json<AccountDetailResponse>, ApiError> {
    Ok(Json(
        owned_account(&state, &caller, &ctx, &client_id, &account_id).await?,
    ))
}

/// The account with its balance, if it is in this client's ledger.
async fn owned_account(
    state: &SharedState,
    caller: &Caller,
    ctx: &RequestCtx,
    client_id: &str,
    account_id: &str,
) -> Result<AccountDetailResponse, ApiError> {
    let (_, ledger) = client_of(state, caller, client_id).await?;
    let id = path_id(account_id, "account")?;
    let a = super::backend_of(state)?
        .get_account(id, Some(&ctx.traceparent_out))
        .await
        .map_err(problem)?;
    let of = a.account.ledger_id;
    owned(a, ledger, of, "account")
}

#[utoipa::path(get, path = "/api/partners/clients/{clientId}/ledger/accounts/{accountId}/balance", tag = "ledger",
    params(("clientId" = Uuid, Path), ("accountId" = Uuid, Path)),
    responses((status = 200, body = BalanceResponse), (status = 404, body = flux_gateway::error::Problem)),
    security(("api_key" = [])))]
pub async fn get_balance(
    State(state): State<SharedState>,
    Extension(caller): Extension<Caller>,
    Extension(ctx): Extension<RequestCtx>,
    Path((client_id, account_id)): Path<(String, String)>,
) -> Result<Json<BalanceResponse>, ApiError> {
    // Through the account, whose ledger says whether it is this client's.
    let a = owned_account(&state, &caller, &ctx, &client_id, &account_id).await?;
    Ok(Json(a.balance))
}

#[utoipa::path(post, path = "/api/partners/clients/{clientId}/ledger/persons", tag = "ledger",
    params(("clientId" = Uuid, Path), ("Idempotency-Key" = Option<String>, Header)),
    request_body = CreatePersonRequest,
    responses((status = 201, body = PersonDataResponse), (status = 404, body = flux_gateway::error::Problem), (status = 422, body = flux_gateway::error::Problem)),
    security(("api_key" = [])))]
pub async fn create_person(
    State(state): State<SharedState>,
    Extension(caller): Extension<Caller>,
    Extension(ctx): Extension<RequestCtx>,
    Path(client_id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let run = |backend: LedgerBackend,
               req: CreatePersonRequest,
               _key: Option<String>,
               trace: String| async move {
        backend.create_person(req, Some(&trace)).await
    };
    create(
        &state, &caller, &ctx, &headers, &client_id, "persons", &body, run,
    )
    .await
}

#[utoipa::path(get, path = "/api/partners/clients/{clientId}/ledger/persons", tag = "ledger",
    params(("clientId" = Uuid, Path), ("page" = Option<u64>, Query), ("per_page" = Option<u64>, Query)),
    responses((status = 200, body = PersonListResponse), (status = 404, body = flux_gateway::error::Problem)),
    security(("api_key" = [])))]
pub async fn list_persons(
    State(state): State<SharedState>,
    Extension(caller): Extension<Caller>,
    Extension(ctx): Extension<RequestCtx>,
    Path(client_id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<PersonListResponse>, ApiError> {
    let (_, ledger) = client_of(&state, &caller, &client_id).await?;
    let (page, per_page) = flux_gateway::validate::page_params(
        q.get("page").map(String::as_str),
        q.get("per_page").map(String::as_str),
        100,
    )?;
    let list = super::backend_of(&state)?
        .list_persons(
            ledger,
            page as u64,
            per_page as u64,
            Some(&ctx.traceparent_out),
        )
        .await
        .map_err(problem)?;
    Ok(Json(list))
}

#[utoipa::path(get, path = "/api/partners/clients/{clientId}/ledger/persons/{personId}", tag = "ledger",
    params(("clientId" = Uuid, Path), ("personId" = Uuid, Path)),
    responses((status = 200, body = PersonDataResponse), (status = 404, body = flux_gateway::error::Problem)),
    security(("api_key" = [])))]
pub async fn get_person(
    State(state): State<SharedState>,
    Extension(caller): Extension<Caller>,
    Extension(ctx): Extension<RequestCtx>,
    Path((client_id, person_id)): Path<(String, String)>,
) -> Result<Json<PersonDataResponse>, ApiError> {
    let (_, ledger) = client_of(&state, &caller, &client_id).await?;
    let id = path_id(&person_id, "person")?;
    let p = super::backend_of(&state)?
        .get_person(id, Some(&ctx.traceparent_out))
        .await
        .map_err(problem)?;
    let of = p.data.ledger_id;
    Ok(Json(owned(p, ledger, of, "person")?))
}

#[utoipa::path(post, path = "/api/partners/clients/{clientId}/ledger/transactions", tag = "ledger",
    params(("clientId" = Uuid, Path), ("Idempotency-Key" = Option<String>, Header, description = "Passed on to Fidi X as its idempotency-key")),
    request_body = CreateTransactionRequest,
    responses((status = 201, body = TransactionResponse), (status = 404, body = flux_gateway::error::Problem), (status = 409, body = flux_gateway::error::Problem), (status = 422, body = flux_gateway::error::Problem), (status = 502, body = flux_gateway::error::Problem)),
    security(("api_key" = [])))]
pub async fn create_transaction(
    State(state): State<SharedState>,
    Extension(caller): Extension<Caller>,
    Extension(ctx): Extension<RequestCtx>,
    Path(client_id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let run =
        |backend: LedgerBackend,
         req: CreateTransactionRequest,
         key: Option<String>,
         trace: String| async move { backend.create_transaction(req, key, Some(&trace)).await };
    create(
        &state,
        &caller,
        &ctx,
        &headers,
        &client_id,
        "transactions",
        &body,
        run,
    )
    .await
}

#[utoipa::path(get, path = "/api/partners/clients/{clientId}/ledger/transactions/{transactionId}", tag = "ledger",
    params(("clientId" = Uuid, Path), ("transactionId" = Uuid, Path)),
    responses((status = 200, body = TransactionResponse), (status = 404, body = flux_gateway::error::Problem)),
    security(("api_key" = [])))]
pub async fn get_transaction(
    State(state): State<SharedState>,
    Extension(caller): Extension<Caller>,
    Extension(ctx): Extension<RequestCtx>,
    Path((client_id, transaction_id)): Path<(String, String)>,
) -> Result<Json<TransactionResponse>, ApiError> {
    let (_, ledger) = client_of(&state, &caller, &client_id).await?;
    let id = path_id(&transaction_id, "transaction")?;
    let t = super::backend_of(&state)?
        .get_transaction(id, Some(&ctx.traceparent_out))
        .await
        .map_err(problem)?;
    let of = t.ledger_id;
    Ok(Json(owned(t, ledger, of, "transaction")?))
}
