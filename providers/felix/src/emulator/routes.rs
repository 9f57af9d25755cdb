//! The emulator's HTTP surface: the Félix paths under `/api/v1`, and the `/_emulator/*`
//! controls. Bodies are read from their bytes (never through `serde_json::Value`) so that
//! amounts stay exact.

use super::problem::{unreadable_body, EmuError, Problems};
use super::transactions::{self, read_create};
use super::{auth, validate, Faults, Shared};
use crate::wire::*;
use axum::{
    body::Bytes,
    extract::{FromRequestParts, Path, State},
    http::{request::Parts, StatusCode},
    middleware,
    routing::{get, post, put},
    Json, Router,
};
use serde::{de::DeserializeOwned, Deserialize};
use serde_json::{json, Value};
use std::sync::Arc;

type Shared_ = State<Arc<Shared>>;

pub(crate) fn router(shared: Arc<Shared>) -> Router {
    let api = Router::new()
        .route("/api/v1/signup", post(signup))
        .route("/api/v1/signin", post(signin))
        .route("/api/v1/providers/me", get(provider_me))
        .route("/api/v1/providers/callback", post(register_callback))
        .route("/api/v1/transactions", post(create_transaction))
        .route("/api/v1/transactions/search", post(search))
        .route(
            "/api/v1/transactions/{transaction_id}",
            get(get_transaction),
        )
        .route("/api/v1/notification", post(send_notification))
        .route(
            "/api/v1/notification/{provider_id}/retry",
            post(retry_notifications),
        )
        .layer(middleware::from_fn_with_state(
            shared.clone(),
            super::faults::inject,
        ));
    Router::new()
        .merge(api)
        .route("/_emulator/faults", put(set_faults).get(get_faults))
        .route("/_emulator/stats", get(stats))
        .route("/_emulator/tokens/revoke", post(revoke_tokens))
        .route("/_emulator/transactions/{id}/advance", post(advance))
        .with_state(shared)
}

/// Parses a body from its bytes; what serde cannot read is a 422, as in FastAPI.
fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, EmuError> {
    serde_json::from_slice(bytes).map_err(|e| unreadable_body(&e))
}

/// The provider a valid bearer token speaks for.
struct Caller(String);

impl FromRequestParts<Arc<Shared>> for Caller {
    type Rejection = EmuError;
    async fn from_request_parts(parts: &mut Parts, s: &Arc<Shared>) -> Result<Self, EmuError> {
        let token = parts
            .headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "));
        let provider = token
            .and_then(|t| auth::verify(&s.config.jwt_secret, s.generation(), t))
            .filter(|id| s.state.lock().providers.contains_key(id));
        match provider {
            Some(id) => Ok(Caller(id)),
            None => {
                s.state.lock().stats.unauthorized += 1;
                Err(EmuError::unauthorized(match token {
                    None => "Not authenticated",
                    Some(_) => "Invalid or expired token",
                }))
            }
        }
    }
}

/// `X-Felix-API-Version`, default v2; another value is a 422 on the header.
struct Version(ApiVersion);

impl FromRequestParts<Arc<Shared>> for Version {
    type Rejection = EmuError;
    async fn from_request_parts(parts: &mut Parts, _: &Arc<Shared>) -> Result<Self, EmuError> {
        let Some(value) = parts.headers.get(ApiVersion::HEADER) else {
            return Ok(Version(ApiVersion::default()));
        };
        let text = value.to_str().unwrap_or("");
        ApiVersion::parse(text).map(Version).ok_or_else(|| {
            let mut p = Problems::default();
            p.not_in(&["header", ApiVersion::HEADER], text, &["v1", "v2"]);
            p.into_result()
                .err()
                .unwrap_or_else(|| EmuError::invalid(vec![]))
        })
    }
}

async fn signup(
    State(s): Shared_,
    body: Bytes,
) -> Result<(StatusCode, Json<AuthTokens>), EmuError> {
    let req: SignupRequest = parse(&body)?;
    validate::signup(&req)?;
    let tokens = s.mutate(|state| {
        let id = state
            .add_provider(&req.email, &req.password, &req.name)
            .ok_or_else(|| {
                EmuError::message(StatusCode::BAD_REQUEST, "Email already registered")
            })?;
        let provider = state.providers.get(&id).cloned();
        provider
            .map(|p| auth::issue(&s.config.jwt_secret, s.generation(), &p, s.config.token_ttl))
            .ok_or_else(|| EmuError::not_found("Provider"))
    })?;
    Ok((StatusCode::CREATED, Json(tokens)))
}

async fn signin(State(s): Shared_, body: Bytes) -> Result<Json<AuthTokens>, EmuError> {
    let req: SigninRequest = parse(&body)?;
    let mut state = s.state.lock();
    let provider = state
        .provider_by_email(&req.email)
        .filter(|p| auth::password_matches(p, &req.password))
        .cloned();
    let Some(p) = provider else {
        state.stats.signin_refusals += 1;
        return Err(EmuError::unauthorized("Invalid credentials"));
    };
    state.stats.signins += 1;
    let ttl = s.config.token_ttl;
    Ok(Json(auth::issue(
        &s.config.jwt_secret,
        s.generation(),
        &p,
        ttl,
    )))
}

async fn provider_me(State(s): Shared_, Caller(id): Caller) -> Result<Json<ProviderMe>, EmuError> {
    let state = s.state.lock();
    let p = state
        .providers
        .get(&id)
        .ok_or_else(|| EmuError::not_found("Provider"))?;
    Ok(Json(ProviderMe {
        id: p.id.clone(),
        name: p.name.clone(),
        email: p.email.clone(),
        callback_url: p.callback_url.clone(),
        headers: Some(p.headers.clone().unwrap_or_default()),
        extra: Default::default(),
    }))
}

async fn register_callback(
    State(s): Shared_,
    Caller(id): Caller,
    body: Bytes,
) -> Result<Json<Value>, EmuError> {
    let req: RegisterCallbackRequest = parse(&body)?;
    validate::callback(&req)?;
    s.mutate(|state| {
        let p = state
            .providers
            .get_mut(&id)
            .ok_or_else(|| EmuError::not_found("Provider"))?;
        p.callback_url = Some(req.url);
        p.headers = req.headers;
        Ok(())
    })?;
    Ok(Json(Value::Null))
}

async fn create_transaction(
    State(s): Shared_,
    Caller(id): Caller,
    Version(version): Version,
    body: Bytes,
) -> Result<(StatusCode, Json<TransactionResponse>), EmuError> {
    let req = match version {
        ApiVersion::V1 => CreateTransaction::V1(parse(&body)?),
        ApiVersion::V2 => CreateTransaction::V2(parse(&body)?),
    };
    let (new, hash) = read_create(req)?;
    let view = s.mutate(|state| {
        let created = state.create_transaction(&id, new, hash, chrono::Utc::now())?;
        if !created.fresh {
            state.stats.transactions_replayed += 1;
        }
        state
            .transactions
            .get(&created.id)
            .map(|t| transactions::render(t, version, &s.base_url))
            .ok_or_else(|| EmuError::not_found("Transaction"))
    })?;
    Ok((StatusCode::CREATED, Json(view)))
}

async fn get_transaction(
    State(s): Shared_,
    Caller(id): Caller,
    Version(version): Version,
    Path(tx): Path<String>,
) -> Result<Json<TransactionResponse>, EmuError> {
    let state = s.state.lock();
    let t = state
        .transaction_of(&id, &tx)
        .ok_or_else(|| EmuError::not_found("Transaction"))?;
    Ok(Json(transactions::render(t, version, &s.base_url)))
}

async fn search(
    State(s): Shared_,
    Caller(id): Caller,
    Version(version): Version,
    body: Bytes,
) -> Result<Json<Vec<TransactionResponse>>, EmuError> {
    let req: SearchRequest = parse(&body)?;
    validate::search(&req)?;
    let mut state = s.state.lock();
    state.stats.searches += 1;
    let found = transactions::search(&state, &id, &req)
        .into_iter()
        .map(|t| transactions::render(t, version, &s.base_url))
        .collect();
    Ok(Json(found))
}

fn queued(message: String) -> Json<QueuedResponse> {
    Json(QueuedResponse {
        status: "QUEUED".into(),
        message,
        extra: Default::default(),
    })
}

/// Queues the given notification for the caller's callback, folded into the pending one of
/// the same transaction if there is one. The seed does not say what this endpoint is for; it
/// lets a provider test its receiver with a payload of its choice. A transaction id that is
/// another provider's is not found; no id gets a fresh key.
async fn send_notification(
    State(s): Shared_,
    Caller(id): Caller,
    body: Bytes,
) -> Result<Json<QueuedResponse>, EmuError> {
    let n: Notification = parse(&body)?;
    s.mutate(|state| {
        let key = match &n.transaction.id {
            Some(tx)
                if state
                    .transactions
                    .get(tx)
                    .is_some_and(|t| t.provider_id != id) =>
            {
                return Err(EmuError::not_found("Transaction"))
            }
            Some(tx) => tx.clone(),
            None => format!("notification_{}", uuid::Uuid::new_v4().simple()),
        };
        let queued = state.enqueue(&id, &key, n.transaction, n.deltas, chrono::Utc::now());
        if queued {
            Ok(())
        } else {
            Err(EmuError::not_found("Callback"))
        }
    })?;
    Ok(queued("Notification queued".into()))
}

async fn retry_notifications(
    State(s): Shared_,
    Caller(id): Caller,
    Path(provider_id): Path<String>,
) -> Result<Json<QueuedResponse>, EmuError> {
    if provider_id != id {
        return Err(EmuError::message(
            StatusCode::FORBIDDEN,
            "Not allowed to retry another provider's notifications",
        ));
    }
    let n = s.mutate(|state| Ok(state.retry_now(&id, chrono::Utc::now())))?;
    Ok(queued(format!("{n} notifications queued")))
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

async fn revoke_tokens(State(s): Shared_) -> Json<Value> {
    s.token_generation
        .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    Json(json!({ "generation": s.generation() }))
}

#[derive(Deserialize, Default)]
struct AdvanceRequest {
    status: Option<TransactionStatus>,
}

/// The sandbox user's choice of outcome: `{"status": "FAILED"}`, or no body for the next step.
async fn advance(
    State(s): Shared_,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<TransactionResponse>, EmuError> {
    let req: AdvanceRequest = if body.is_empty() {
        AdvanceRequest::default()
    } else {
        parse(&body)?
    };
    s.mutate(|state| s.advance_in(state, &id, req.status))?;
    let state = s.state.lock();
    let t = state
        .transactions
        .get(&id)
        .ok_or_else(|| EmuError::not_found("Transaction"))?;
    Ok(Json(transactions::render(t, ApiVersion::V2, &s.base_url)))
}
