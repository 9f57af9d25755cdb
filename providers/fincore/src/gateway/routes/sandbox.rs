//! Sandbox-only endpoints (404 outside sandbox): simulate an incoming SPEI credit for one of
//! the caller's clients. The emulator credits the account and sends its MONEY_IN webhook; Flux
//! also records the event right away from the emulator's answer, and the webhook that follows
//! is then a duplicate of the same `id_msg`.
//!
//! `Idempotency-Key` is honoured as on money-out ([`crate::idempotency`]): a retry with the
//! same key and body replays the first answer instead of crediting the account again.

use super::super::{credentials, fincore, CallFrom};
use crate::wire::SimulateMoneyInRequest;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::Extension;
use flux_gateway::error::ApiError;
use flux_gateway::idempotency::{self, Begin, Outcome};
use flux_gateway::model::Transaction;
use flux_gateway::pipeline::Caller;
use flux_gateway::pipeline::RequestCtx;
use flux_gateway::routes::owned_client;
use flux_gateway::validate::{json_object, Fields};
use flux_gateway::SharedState;
use flux_store::ClientRecord;
use uuid::Uuid;

/// Body of POST /api/sandbox/money-in.
#[derive(utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct SimulateMoneyIn {
    client_id: Uuid,
    /// Decimal string, MXN.
    #[schema(schema_with = flux_gateway::validate::schema::amount)]
    amount: String,
    /// CLABE of one of the client's accounts; default: its first account.
    #[schema(schema_with = flux_gateway::validate::schema::optional_clabe)]
    beneficiary_account: Option<String>,
    #[schema(
        min_length = 1,
        max_length = 120,
        pattern = r"^[^\x00-\x1F\x7F-\x9F]*$"
    )]
    payer_name: Option<String>,
    #[schema(schema_with = flux_gateway::validate::schema::optional_clabe)]
    payer_account: Option<String>,
    #[schema(
        min_length = 1,
        max_length = 140,
        pattern = r"^[^\x00-\x1F\x7F-\x9F]*$"
    )]
    payment_concept: Option<String>,
}

/// Simulate a SPEI money-in (sandbox)
///
/// Makes the Fincore emulator credit one of the client's accounts, as a real sender would; the credit reaches Flux by webhook like a real one.
#[utoipa::path(post, path = "/api/sandbox/money-in", operation_id = "sandbox_simulate_money_in", tag = "sandbox",
    params(("Idempotency-Key" = Option<String>, Header, description = "Recommended: a retry with the same key credits once")),
    request_body = SimulateMoneyIn,
    responses((status = 201, body = Transaction), (status = 400, body = flux_gateway::error::Problem), (status = 404, body = flux_gateway::error::Problem), (status = 409, body = flux_gateway::error::Problem), (status = 422, body = flux_gateway::error::Problem)),
    security(("api_key" = [])))]
pub async fn money_in(
    State(state): State<SharedState>,
    Extension(caller): Extension<Caller>,
    Extension(ctx): Extension<RequestCtx>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    if !state.config.sandbox() {
        return Err(ApiError::not_found("endpoint"));
    }
    let obj = json_object(&body)?;
    let mut f = Fields::new(&obj);
    let client_id = f.uuid("client_id");
    let amount = f.amount("amount", Some(flux_core::Currency::MXN));
    let beneficiary = match obj.get("beneficiary_account") {
        Some(v) if !v.is_null() => f.clabe("beneficiary_account"),
        _ => {
            f.allow("beneficiary_account");
            None
        }
    };
    let payer_name = f.opt_string("payer_name", 1, 120);
    let payer_account = match obj.get("payer_account") {
        Some(v) if !v.is_null() => f.clabe("payer_account"),
        _ => {
            f.allow("payer_account");
            None
        }
    };
    let concept = f.opt_string("payment_concept", 1, 140);
    f.finish()?;
    let (Some(client_id), Some(amount)) = (client_id, amount) else {
        return Err(ApiError::internal());
    };
    let client = owned_client(&state, &caller, client_id).await?;
    let path = "/api/sandbox/money-in";
    let claim = match idempotency::begin(&state, &caller, &headers, "POST", path, &body).await? {
        Begin::Replay(r) => return Ok(r),
        Begin::Run(c) => c,
    };
    let req = SimulateMoneyInRequest {
        client_id,
        amount: amount.to_wire(),
        beneficiary_account: beneficiary,
        payer_name,
        payer_account,
        payment_concept: concept,
    };
    let result = simulate(&state, &client, &ctx, &req).await;
    // The transaction row is stored by the ingestion itself (the webhook may store it too);
    // only the answer is saved with the key.
    let outcome = Outcome {
        result,
        txn: None,
        render: None,
    };
    Ok(idempotency::finish(&state, claim, outcome).await)
}

/// Credits the account at the emulator and records the MONEY_IN; the answer to send.
async fn simulate(
    state: &SharedState,
    client: &ClientRecord,
    ctx: &RequestCtx,
    req: &SimulateMoneyInRequest,
) -> Result<(StatusCode, serde_json::Value), ApiError> {
    // Make sure the account→client links are known before the webhook arrives.
    super::accounts::sync_accounts(state, client, &ctx.call()).await?;
    let env = fincore(state)?
        .client
        .simulate_money_in(&credentials(client), req, &ctx.call())
        .await?;
    let raw = serde_json::to_string(&env).map_err(|_| ApiError::internal())?;
    let (_, txn) = super::inbound::ingest_money_in(state, &env, raw).await?;
    let txn = txn.ok_or_else(ApiError::internal)?;
    // If the webhook won the race, the stored row is the one to show.
    let stored = state.store.get_transaction(txn.id).await?.unwrap_or(txn);
    let shown =
        serde_json::to_value(Transaction::from(&stored)).map_err(|_| ApiError::internal())?;
    Ok((StatusCode::CREATED, shown))
}
