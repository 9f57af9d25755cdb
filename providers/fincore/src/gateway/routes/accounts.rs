//! Client accounts (Fincore `GET /v1/clients/{id}/accounts`) and private accounts (Fincore
//! `POST /v1/clients/{id}/private_accounts`). Every account seen is remembered by CLABE, so an
//! inbound MONEY_IN finds the client it belongs to.

use super::super::{credentials, fincore, CallFrom};
use crate::wire;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::{Extension, Json};
use flux_gateway::error::ApiError;
use flux_gateway::idempotency::{self, Begin, Outcome};
use flux_gateway::model::{Account, Page, Pagination};
use flux_gateway::pipeline::Caller;
use flux_gateway::pipeline::RequestCtx;
use flux_gateway::routes::{client_books, owned_client, path_id, same_client};
use flux_gateway::validate::{json_object, Fields};
use flux_gateway::SharedState;
use flux_store::AccountLink;
use flux_store::ClientRecord;
use uuid::Uuid;

async fn remember(
    state: &SharedState,
    client_id: Uuid,
    accounts: &[wire::Account],
) -> Result<(), ApiError> {
    let links = &fincore(state)?.account_links;
    for a in accounts {
        let provider_account_id = a.id.to_string();
        // A GET is answered from Fincore every time, but the link it would write is almost
        // always the one this process already wrote: skip that store write (on SQLite a
        // durable commit per GET, which was most of the read path's cost).
        let known = links
            .lock()
            .get(&a.clabe_number)
            .is_some_and(|(c, id)| *c == client_id && *id == provider_account_id);
        if known {
            continue;
        }
        let link = AccountLink {
            clabe: a.clabe_number.clone(),
            client_id,
            provider_account_id: provider_account_id.clone(),
            updated_at: flux_core::time::now(),
        };
        state.store.upsert_account_link(&link).await?;
        links
            .lock()
            .insert(a.clabe_number.clone(), (client_id, provider_account_id));
    }
    Ok(())
}

/// Fetches a client's accounts from Fincore and remembers their CLABEs.
pub async fn sync_accounts(
    state: &SharedState,
    client: &ClientRecord,
    ctx: &crate::CallContext,
) -> Result<Vec<wire::Account>, ApiError> {
    let page = fincore(state)?
        .client
        .list_accounts(&credentials(client), ctx)
        .await?;
    remember(state, client.client_id, &page.data).await?;
    Ok(page.data)
}

/// List the client's accounts
///
/// The client's SPEI accounts with their CLABE and balance. `instrument_id` is the account's CLABE instrument: the source of a money-out.
#[utoipa::path(get, path = "/api/partners/clients/{clientId}/accounts", operation_id = "list_accounts", tag = "accounts",
    params(("clientId" = Uuid, Path)),
    responses((status = 200, body = Page<Account>), (status = 401, body = flux_gateway::error::Problem), (status = 404, body = flux_gateway::error::Problem), (status = 502, body = flux_gateway::error::Problem), (status = 504, body = flux_gateway::error::Problem)),
    security(("api_key" = [])))]
pub async fn list(
    State(state): State<SharedState>,
    Extension(caller): Extension<Caller>,
    Extension(ctx): Extension<RequestCtx>,
    Path(client_id): Path<String>,
) -> Result<Json<Page<Account>>, ApiError> {
    let client = owned_client(&state, &caller, path_id(&client_id, "client")?).await?;
    let accounts = sync_accounts(&state, &client, &ctx.call()).await?;
    let mut data: Vec<Account> = accounts.into_iter().map(Account::from).collect();
    // One funds account per client and currency: read each once, however many accounts.
    let mut books: std::collections::HashMap<String, Option<flux_gateway::model::LedgerBalance>> =
        std::collections::HashMap::new();
    for account in &mut data {
        if !books.contains_key(&account.currency) {
            let balance = match account.currency.parse::<flux_core::Currency>() {
                Ok(currency) => client_books(&state, client.client_id, currency)
                    .await?
                    .as_ref()
                    .map(flux_gateway::model::LedgerBalance::from),
                Err(_) => None,
            };
            books.insert(account.currency.clone(), balance);
        }
        account.ledger = books.get(&account.currency).cloned().flatten();
    }
    Ok(Json(Page {
        pagination: Pagination::whole(data.len()),
        data,
    }))
}

/// Body of POST …/private-accounts (the seed's shape).
#[derive(utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct CreatePrivateAccount {
    /// The issuing bank: Finco Pay, 9d84b03a-28d1-4898-a69c-38824239e2b1 (an unknown bank is 422).
    bank_id: Uuid,
    owner_id: Uuid,
    client_bank_adapter_id: Uuid,
    /// Must equal the clientId in the path.
    client_id: Uuid,
    /// Your id for the account; the nil UUID lets the provider assign one.
    account_id: Uuid,
}

/// Create a private account
///
/// Opens an account for the client at the provider. The nil `account_id` lets the provider assign one.
#[utoipa::path(post, path = "/api/partners/clients/{clientId}/private-accounts", operation_id = "create_private_account", tag = "accounts",
    params(("clientId" = Uuid, Path), ("Idempotency-Key" = Option<String>, Header)),
    request_body = CreatePrivateAccount,
    responses((status = 201, body = Account), (status = 400, body = flux_gateway::error::Problem), (status = 404, body = flux_gateway::error::Problem), (status = 409, body = flux_gateway::error::Problem), (status = 422, body = flux_gateway::error::Problem), (status = 502, body = flux_gateway::error::Problem)),
    security(("api_key" = [])))]
pub async fn create_private(
    State(state): State<SharedState>,
    Extension(caller): Extension<Caller>,
    Extension(ctx): Extension<RequestCtx>,
    Path(client_id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let client = owned_client(&state, &caller, path_id(&client_id, "client")?).await?;
    let obj = json_object(&body)?;
    let mut f = Fields::new(&obj);
    let bank_id = f.bank_id("bank_id");
    let owner_id = f.uuid("owner_id");
    let adapter = f.uuid("client_bank_adapter_id");
    let body_client = f.uuid("client_id");
    let account_id = f.uuid("account_id");
    f.finish()?;
    same_client(body_client, client.client_id)?;
    let (Some(bank_id), Some(owner_id), Some(adapter), Some(account_id)) =
        (bank_id, owner_id, adapter, account_id)
    else {
        return Err(ApiError::internal());
    };
    let path = format!(
        "/api/partners/clients/{}/private-accounts",
        client.client_id
    );
    let claim = match idempotency::begin(&state, &caller, &headers, "POST", &path, &body).await? {
        Begin::Replay(r) => return Ok(r),
        Begin::Run(c) => c,
    };
    let req = wire::CreatePrivateAccountRequest {
        bank_id,
        owner_id,
        client_bank_adapter_id: adapter,
        client_id: client.client_id,
        account_id,
    };
    let result = async {
        let created = fincore(&state)?
            .client
            .create_private_account(&credentials(&client), &req, &ctx.call())
            .await?;
        remember(&state, client.client_id, std::slice::from_ref(&created)).await?;
        Ok(Account::from(created))
    }
    .await;
    Ok(idempotency::finish(&state, claim, Outcome::created(result)).await)
}
