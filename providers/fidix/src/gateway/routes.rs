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

/// The ledger bodies as a partner sends them: Fidi X's own shapes (see its seed documents),
/// without `ledger_id`, which Flux assigns from the client (sent, it must be the client's
/// ledger, else 422). Unknown fields are ignored, as Fidi X does; `pending` and `expires_at`
/// are refused (no holds).
mod bodies {
    #![allow(dead_code)]
    use uuid::Uuid;

    fn currency() -> utoipa::openapi::schema::Object {
        flux_gateway::validate::schema::one_of(&["MXN", "USD", "CLP", "COP", "GTQ", "HNL"], false)
    }

    fn side() -> utoipa::openapi::schema::Object {
        flux_gateway::validate::schema::one_of(&["DEBIT", "CREDIT"], false)
    }

    fn person_type() -> utoipa::openapi::schema::Object {
        flux_gateway::validate::schema::one_of(&["INDIVIDUAL", "COMPANY"], false)
    }

    /// Body of POST …/ledger/accounts.
    #[derive(utoipa::ToSchema)]
    pub struct CreateLedgerAccount {
        /// Optional, chosen by you: creating the same id again is refused, so a retried create
        /// cannot make two accounts.
        id: Option<Uuid>,
        /// 1 to 200 characters, not only spaces.
        #[schema(min_length = 1, max_length = 200)]
        name: String,
        #[schema(schema_with = currency)]
        currency: String,
        /// Which direction increases the balance.
        #[schema(schema_with = side)]
        normal_balance: String,
        /// How far below zero the balance may go, a decimal string; "0" (the default) allows
        /// no overdraft.
        #[schema(pattern = "^[0-9]+(\\.[0-9]+)?$")]
        overdraft_limit: Option<String>,
        /// A person of the same ledger (else 404).
        person_id: Option<Uuid>,
        /// A JSON object (not null).
        #[serde(default)]
        #[schema(value_type = Object)]
        metadata: serde_json::Value,
    }

    /// Body of POST …/ledger/persons.
    #[derive(utoipa::ToSchema)]
    pub struct CreateLedgerPerson {
        #[schema(schema_with = person_type)]
        r#type: String,
        /// 1 to 200 characters, not only spaces.
        #[schema(min_length = 1, max_length = 200)]
        name: String,
        /// An email address (with an @), at most 254 characters.
        #[schema(pattern = "@", max_length = 254)]
        email: Option<String>,
        /// RFC (Mexico) or the country's tax id.
        #[schema(min_length = 1, max_length = 20)]
        tax_id: Option<String>,
        /// A JSON object (not null).
        #[serde(default)]
        #[schema(value_type = Object)]
        metadata: serde_json::Value,
    }

    /// One leg of a ledger transaction.
    #[derive(utoipa::ToSchema)]
    pub struct LedgerOperation {
        /// An account of the client's ledger, in the transaction's currency.
        account_id: Uuid,
        #[schema(schema_with = side)]
        direction: String,
        /// Decimal string greater than 0, with no more decimals than the currency allows.
        #[schema(pattern = "^(?=[0-9.]*[1-9])[0-9]+(\\.[0-9]+)?$")]
        amount: String,
    }

    /// Body of POST …/ledger/transactions: 2 to 64 operations whose debits equal their credits
    /// (else 422 `unbalanced_transaction`).
    #[derive(utoipa::ToSchema)]
    pub struct CreateLedgerTransaction {
        /// Your reference, unique in the ledger (a reused one is 409 `duplicate_reference_id`):
        /// 1 to 128 characters without leading or trailing spaces.
        #[schema(min_length = 1, max_length = 128)]
        reference_id: String,
        #[schema(schema_with = currency)]
        currency: String,
        #[schema(max_length = 500)]
        description: Option<String>,
        #[schema(min_items = 2, max_items = 64)]
        operations: Vec<LedgerOperation>,
        /// A JSON object (not null).
        #[serde(default)]
        #[schema(value_type = Object)]
        metadata: serde_json::Value,
    }
}
pub use bodies::{
    CreateLedgerAccount, CreateLedgerPerson, CreateLedgerTransaction, LedgerOperation,
};

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

/// Create a ledger account
#[utoipa::path(post, path = "/api/partners/clients/{clientId}/ledger/accounts", operation_id = "create_ledger_account", tag = "ledger",
    params(("clientId" = Uuid, Path), ("Idempotency-Key" = Option<String>, Header)),
    request_body = CreateLedgerAccount,
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

/// Get a ledger account
#[utoipa::path(get, path = "/api/partners/clients/{clientId}/ledger/accounts/{accountId}", operation_id = "get_ledger_account", tag = "ledger",
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

/// Get a ledger account's balance
#[utoipa::path(get, path = "/api/partners/clients/{clientId}/ledger/accounts/{accountId}/balance", operation_id = "get_ledger_account_balance", tag = "ledger",
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

/// Create a ledger person
#[utoipa::path(post, path = "/api/partners/clients/{clientId}/ledger/persons", operation_id = "create_ledger_person", tag = "ledger",
    params(("clientId" = Uuid, Path), ("Idempotency-Key" = Option<String>, Header)),
    request_body = CreateLedgerPerson,
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

/// List ledger persons
#[utoipa::path(get, path = "/api/partners/clients/{clientId}/ledger/persons", operation_id = "list_ledger_persons", tag = "ledger",
    params(("clientId" = Uuid, Path), ("page" = Option<u32>, Query, minimum = 1, maximum = 1000000, description = "1-based page, default 1"), ("per_page" = Option<u32>, Query, minimum = 1, maximum = 100, description = "1 to 100, default 50")),
    responses((status = 200, body = PersonListResponse, description = "Fidi X's own list shape, `{data, page, per_page, total}`, kept as Fidi X documents it (as are the ledger's single persons in `{data: …}` and its bare accounts); Flux's own lists use `{data, pagination}`"), (status = 404, body = flux_gateway::error::Problem)),
    security(("api_key" = [])))]
pub async fn list_persons(
    State(state): State<SharedState>,
    Extension(caller): Extension<Caller>,
    Extension(ctx): Extension<RequestCtx>,
    Path(client_id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<PersonListResponse>, ApiError> {
    let (_, ledger) = client_of(&state, &caller, &client_id).await?;
    // Fidi X's own list, passed on in its own shape: it pages by number only.
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

/// Get a ledger person
#[utoipa::path(get, path = "/api/partners/clients/{clientId}/ledger/persons/{personId}", operation_id = "get_ledger_person", tag = "ledger",
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

/// Post a ledger transaction
///
/// 2 to 64 operations whose debits equal their credits, in one currency, applied all or nothing.
#[utoipa::path(post, path = "/api/partners/clients/{clientId}/ledger/transactions", operation_id = "create_ledger_transaction", tag = "ledger",
    params(("clientId" = Uuid, Path), ("Idempotency-Key" = Option<String>, Header, description = "Passed on to Fidi X as its idempotency-key")),
    request_body = CreateLedgerTransaction,
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

/// Get a ledger transaction
#[utoipa::path(get, path = "/api/partners/clients/{clientId}/ledger/transactions/{transactionId}", operation_id = "get_ledger_transaction", tag = "ledger",
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
