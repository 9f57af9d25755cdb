//! The emulator's HTTP surface: the Fincore paths, plus `/v1/sandbox/money_in` and the
//! `/_emulator/*` controls for tests.

use super::state::{err, EmuError};
use super::{Faults, Shared};
use crate::wire::*;
use axum::{
    extract::{rejection::JsonRejection, FromRequestParts, Path, Query, State},
    http::{request::Parts, HeaderMap, StatusCode},
    middleware,
    response::{IntoResponse, Response},
    routing::{get, post, put},
    Json, Router,
};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::sync::Arc;
use std::time::Duration;
use uuid::Uuid;

type Shared_ = State<Arc<Shared>>;

impl IntoResponse for EmuError {
    fn into_response(self) -> Response {
        (
            self.status,
            Json(ErrorBody {
                code: self.code.into(),
                message: self.message,
            }),
        )
            .into_response()
    }
}

/// The client a valid bearer token speaks for.
struct Bearer(Uuid);

impl FromRequestParts<Arc<Shared>> for Bearer {
    type Rejection = EmuError;
    async fn from_request_parts(parts: &mut Parts, shared: &Arc<Shared>) -> Result<Self, EmuError> {
        let token = parts
            .headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .ok_or_else(|| {
                err(
                    StatusCode::UNAUTHORIZED,
                    "unauthorized",
                    "missing bearer token",
                )
            })?;
        let generation = shared
            .token_generation
            .load(std::sync::atomic::Ordering::SeqCst);
        super::auth::verify(&shared.config.jwt_secret, generation, token)
            .filter(|c| shared.state.lock().clients.contains_key(c))
            .map(Bearer)
            .ok_or_else(|| {
                err(
                    StatusCode::UNAUTHORIZED,
                    "unauthorized",
                    "invalid or expired token",
                )
            })
    }
}

fn check_api_key(shared: &Shared, headers: &HeaderMap) -> Result<(), EmuError> {
    let given = headers
        .get("x-api-key")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if given.as_bytes() == shared.config.api_key.as_bytes() {
        Ok(())
    } else {
        Err(err(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "invalid x-api-key",
        ))
    }
}

fn body<T>(parsed: Result<Json<T>, JsonRejection>) -> Result<T, EmuError> {
    parsed
        .map(|Json(v)| v)
        .map_err(|e| err(StatusCode::BAD_REQUEST, "invalid_request", e.body_text()))
}

fn same_client(token: Uuid, path: Uuid) -> Result<(), EmuError> {
    if token == path {
        Ok(())
    } else {
        Err(err(
            StatusCode::FORBIDDEN,
            "forbidden",
            "the token belongs to another client",
        ))
    }
}

pub(crate) fn router(shared: Arc<Shared>) -> Router {
    let api = Router::new()
        .route("/v1/clients/{client_id}/credentials", get(credentials))
        .route(
            "/v1/clients/{client_id}/auth/credential-tokens",
            post(credential_token),
        )
        .route("/v1/banks", get(banks))
        .route("/v1/clients/{client_id}/accounts", get(accounts))
        .route(
            "/v1/clients/{client_id}/private_accounts",
            post(private_account),
        )
        .route(
            "/v1/clients/{client_id}/instruments",
            get(instruments).post(register_instrument),
        )
        .route(
            "/v1/clients/{client_id}/instruments/{instrument_id}",
            get(instrument),
        )
        .route("/v1/transactions/money_out", post(money_out))
        .route(
            "/v1/clients/{client_id}/transactions/{transaction_id}/refund",
            post(refund),
        )
        .route("/v1/webhooks", post(register_webhook))
        .route("/v1/sandbox/money_in", post(simulate_money_in))
        .layer(middleware::from_fn_with_state(shared.clone(), mark_changed))
        .layer(middleware::from_fn_with_state(
            shared.clone(),
            super::faults::inject,
        ));
    Router::new()
        .merge(api)
        .route("/_emulator/faults", put(set_faults).get(get_faults))
        .route("/_emulator/stats", get(stats))
        .route(
            "/_emulator/transactions/{transaction_id}",
            get(emulator_transaction),
        )
        .with_state(shared)
}

async fn credentials(
    State(s): Shared_,
    headers: HeaderMap,
    Path(client_id): Path<Uuid>,
) -> Result<Json<CredentialList>, EmuError> {
    check_api_key(&s, &headers)?;
    s.state.lock().credentials(client_id).map(Json)
}

async fn credential_token(
    State(s): Shared_,
    headers: HeaderMap,
    Path(client_id): Path<Uuid>,
    req: Result<Json<CredentialTokenRequest>, JsonRejection>,
) -> Result<(StatusCode, Json<CredentialToken>), EmuError> {
    check_api_key(&s, &headers)?;
    let req = body(req)?;
    let ttl = s.config.token_ttl.as_secs() as i64;
    let generation = s.token_generation.load(std::sync::atomic::Ordering::SeqCst);
    let token =
        s.state
            .lock()
            .issue_token(client_id, &req, &s.config.jwt_secret, generation, ttl)?;
    Ok((StatusCode::CREATED, Json(token)))
}

#[derive(Deserialize)]
struct PageQuery {
    page: Option<u64>,
    page_size: Option<u64>,
    per_page: Option<u64>,
    customer_id: Option<Uuid>,
}

impl PageQuery {
    fn page(&self) -> u64 {
        self.page.unwrap_or(1).max(1)
    }
    fn size(&self) -> u64 {
        self.per_page.or(self.page_size).unwrap_or(50).clamp(1, 500)
    }
}

async fn banks(_: Bearer, Query(q): Query<PageQuery>) -> Json<BanksPage> {
    let all = flux_core::banks::all();
    let banks = all
        .iter()
        .skip(((q.page() - 1) * q.size()) as usize)
        .take(q.size() as usize)
        .map(|b| Bank {
            id: b.id,
            name: b.name.into(),
            code: b.banxico_code.into(),
            clabe_prefix: b.clabe_prefix.into(),
        })
        .collect();
    Json(BanksPage {
        total_banks: all.len() as u64,
        page: q.page(),
        page_size: q.size(),
        banks,
    })
}

async fn accounts(
    State(s): Shared_,
    Bearer(who): Bearer,
    Path(client_id): Path<Uuid>,
    Query(q): Query<PageQuery>,
) -> Result<Json<AccountsPage>, EmuError> {
    same_client(who, client_id)?;
    Ok(Json(s.state.lock().accounts(client_id, q.page(), q.size())))
}

async fn private_account(
    State(s): Shared_,
    Bearer(who): Bearer,
    Path(client_id): Path<Uuid>,
    req: Result<Json<CreatePrivateAccountRequest>, JsonRejection>,
) -> Result<(StatusCode, Json<Account>), EmuError> {
    same_client(who, client_id)?;
    let req = body(req)?;
    let account = s.state.lock().create_private_account(client_id, &req)?;
    Ok((StatusCode::CREATED, Json(account)))
}

async fn instruments(
    State(s): Shared_,
    Bearer(who): Bearer,
    Path(client_id): Path<Uuid>,
    Query(q): Query<PageQuery>,
) -> Result<Json<InstrumentsPage>, EmuError> {
    same_client(who, client_id)?;
    Ok(Json(s.state.lock().instruments(
        client_id,
        q.customer_id,
        q.page(),
        q.size(),
    )))
}

async fn instrument(
    State(s): Shared_,
    Bearer(who): Bearer,
    Path((client_id, id)): Path<(Uuid, Uuid)>,
) -> Result<Json<Instrument>, EmuError> {
    same_client(who, client_id)?;
    s.state.lock().instrument(client_id, id).map(Json)
}

async fn register_instrument(
    State(s): Shared_,
    Bearer(who): Bearer,
    Path(client_id): Path<Uuid>,
    req: Result<Json<RegisterInstrumentRequest>, JsonRejection>,
) -> Result<(StatusCode, Json<Instrument>), EmuError> {
    same_client(who, client_id)?;
    let req = body(req)?;
    let created = s.state.lock().register_instrument(client_id, &req)?;
    Ok((StatusCode::CREATED, Json(created)))
}

fn is_uuid_v5(key: &str) -> bool {
    Uuid::parse_str(key)
        .map(|u| u.get_version_num() == 5)
        .unwrap_or(false)
}

async fn money_out(
    State(s): Shared_,
    Bearer(who): Bearer,
    headers: HeaderMap,
    raw: axum::body::Bytes,
) -> Response {
    let key = match headers
        .get("idempotency-key")
        .map(|v| v.to_str().unwrap_or(""))
    {
        Some(k) if !is_uuid_v5(k) => {
            return err(
                StatusCode::BAD_REQUEST,
                "invalid_idempotency_key",
                "Idempotency-Key must be a UUID v5",
            )
            .into_response()
        }
        other => other.map(str::to_string),
    };
    let body_hash = hex::encode(Sha256::digest(&raw));
    let req: MoneyOutRequest = match serde_json::from_slice(&raw) {
        Ok(r) => r,
        Err(e) => {
            return err(StatusCode::BAD_REQUEST, "invalid_request", e.to_string()).into_response()
        }
    };
    let outcome = {
        let mut state = s.state.lock();
        if let Some(k) = &key {
            match state.idempotent_replay(who, k, &body_hash) {
                Ok(Some((status, body))) => return (status, Json(body)).into_response(),
                Ok(None) => {}
                Err(e) => return e.into_response(),
            }
        }
        let result = state.money_out(who, &req);
        let (status, body) = match &result {
            Ok(t) => (
                StatusCode::CREATED,
                serde_json::to_value(t).unwrap_or_default(),
            ),
            Err(e) => (
                e.status,
                serde_json::json!({"code": e.code, "message": e.message}),
            ),
        };
        if let Some(k) = &key {
            // The first answer, success or error, is what every retry gets for 24 h.
            state.remember(who, k, &body_hash, status, body.clone());
        }
        result.map(|t| (t, status, body))
    };
    match outcome {
        Ok((txn, status, body)) => {
            progress(s.clone(), txn.id);
            (status, Json(body)).into_response()
        }
        Err(e) => e.into_response(),
    }
}

/// Moves a transfer through its statuses in the background, reporting each to STATUS_UPDATE
/// webhooks.
/// Any request but a read may change the state: it is saved soon after.
async fn mark_changed(
    State(s): State<Arc<Shared>>,
    req: axum::extract::Request,
    next: middleware::Next,
) -> Response {
    let writes = req.method() != axum::http::Method::GET;
    let response = next.run(req).await;
    if writes {
        s.changed();
    }
    response
}

/// Transfers that were in flight when the emulator stopped move on again after a restart.
pub(crate) fn resume_transfers(s: &Arc<Shared>) {
    let open: Vec<Uuid> = s
        .state
        .lock()
        .transactions
        .iter()
        .filter(|(_, t)| matches!(t.txn.transaction_status.as_str(), "INITIALIZED" | "PENDING"))
        .map(|(id, _)| *id)
        .collect();
    for id in open {
        progress(s.clone(), id);
    }
}

fn progress(s: Arc<Shared>, id: Uuid) {
    let step = s.config.status_step;
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(step.max(Duration::from_millis(1))).await;
            let next = {
                let mut state = s.state.lock();
                state
                    .advance(id)
                    .map(|(client, body)| (state.webhook_targets(client, "STATUS_UPDATE"), body))
            };
            let Some((targets, body)) = next else { return };
            s.changed();
            let envelope = WebhookEnvelope {
                id_msg: Uuid::new_v4().to_string(),
                msg_name: "STATUS_UPDATE".into(),
                msg_date: Some(
                    flux_core::time::now()
                        .with_timezone(&flux_core::time::mexico_city())
                        .format("%Y-%m-%d")
                        .to_string(),
                ),
                body: serde_json::to_value(&body).unwrap_or_default(),
                extra: Default::default(),
            };
            s.announce(targets, serde_json::to_value(&envelope).unwrap_or_default());
        }
    });
}

async fn refund(
    State(s): Shared_,
    Bearer(who): Bearer,
    Path((client_id, transaction_id)): Path<(Uuid, Uuid)>,
    req: Result<Json<RefundRequest>, JsonRejection>,
) -> Result<(StatusCode, Json<Transaction>), EmuError> {
    same_client(who, client_id)?;
    let req = body(req)?;
    let txn = s.state.lock().refund(client_id, transaction_id, &req)?;
    progress(s.clone(), txn.id);
    Ok((StatusCode::CREATED, Json(txn)))
}

async fn register_webhook(
    State(s): Shared_,
    Bearer(who): Bearer,
    req: Result<Json<RegisterWebhookRequest>, JsonRejection>,
) -> Result<(StatusCode, Json<Webhook>), EmuError> {
    let req = body(req)?;
    let hook = s.state.lock().register_webhook(who, &req)?;
    Ok((StatusCode::CREATED, Json(hook)))
}

async fn simulate_money_in(
    State(s): Shared_,
    Bearer(who): Bearer,
    req: Result<Json<SimulateMoneyInRequest>, JsonRejection>,
) -> Result<(StatusCode, Json<WebhookEnvelope>), EmuError> {
    let req = body(req)?;
    let (envelope, targets) = {
        let mut state = s.state.lock();
        let envelope = state.simulate_money_in(who, &req)?;
        (envelope, state.webhook_targets(who, "MONEY_IN"))
    };
    s.announce(targets, serde_json::to_value(&envelope).unwrap_or_default());
    Ok((StatusCode::CREATED, Json(envelope)))
}

async fn set_faults(State(s): Shared_, Json(f): Json<Faults>) -> Json<Faults> {
    *s.faults.lock() = f.clone();
    Json(f)
}

async fn get_faults(State(s): Shared_) -> Json<Faults> {
    Json(s.faults.lock().clone())
}

async fn stats(State(s): Shared_) -> Json<super::Stats> {
    Json(s.state.lock().stats.clone())
}

/// What an operator would look up in Fincore's console, for a test acting as one: a
/// transaction's kind, status and, for a money-in, whether it was refunded. Fincore's API has
/// no transaction read, so a refund whose answer was lost is settled by hand from this.
async fn emulator_transaction(
    State(s): Shared_,
    Path(transaction_id): Path<Uuid>,
) -> Result<Json<serde_json::Value>, EmuError> {
    let state = s.state.lock();
    let t = state
        .transactions
        .get(&transaction_id)
        .ok_or_else(|| super::state::not_found("transaction"))?;
    Ok(Json(serde_json::json!({
        "id": t.txn.id,
        "kind": t.kind,
        "transaction_status": t.txn.transaction_status,
        "amount": t.txn.amount,
        "refunded": t.refunded,
        "refund_id": t.refund_id,
    })))
}
