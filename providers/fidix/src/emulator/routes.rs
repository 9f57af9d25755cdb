//! The emulator's HTTP surface.

use super::Shared;
use crate::service::FidixError;
use crate::wire::*;
use axum::body::Bytes;
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use jsonwebtoken::{decode, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::Arc;
use subtle::ConstantTimeEq;
use uuid::Uuid;

type S = State<Arc<Shared>>;

impl IntoResponse for FidixError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        (status, Json(self.body)).into_response()
    }
}

#[derive(Serialize, Deserialize)]
struct Claims {
    sub: String,
    exp: i64,
    iat: i64,
}

pub(crate) fn router(shared: Arc<Shared>) -> Router {
    let authed = Router::new()
        .route("/fidix/v1/accounts", post(create_account))
        .route("/fidix/v1/accounts/{id}", get(get_account))
        .route("/fidix/v1/accounts/{id}/balance", get(get_balance))
        .route("/fidix/v1/persons", post(create_person).get(list_persons))
        .route("/fidix/v1/persons/{id}", get(get_person))
        .route("/fidix/v1/transactions", post(create_transaction))
        .route("/fidix/v1/transactions/{id}", get(get_transaction))
        .route_layer(middleware::from_fn_with_state(shared.clone(), bearer));
    Router::new()
        .route("/fidix/v1/auth/token", post(token))
        .merge(authed)
        .fallback(|| async { FidixError::not_found("route") })
        .layer(middleware::from_fn(trace))
        .with_state(shared)
}

/// Records every request with its W3C `traceparent`, so a call can be followed from Flux.
async fn trace(req: Request, next: Next) -> Response {
    let traceparent = req
        .headers()
        .get("traceparent")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let (method, path) = (req.method().clone(), req.uri().path().to_string());
    let response = next.run(req).await;
    tracing::info!(target: "fidix_emulator", %method, %path, %traceparent, status = response.status().as_u16(), "fidix request");
    response
}

async fn bearer(State(s): S, req: Request, next: Next) -> Response {
    let token = req
        .headers()
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    let mut validation = Validation::new(Algorithm::HS256);
    validation.leeway = 0;
    let valid = token.is_some_and(|t| {
        decode::<Claims>(t, &DecodingKey::from_secret(&s.jwt_secret), &validation).is_ok()
    });
    if !valid {
        return FidixError::new(401, "unauthorized", "a valid bearer token is required")
            .into_response();
    }
    next.run(req).await
}

/// Parses a JSON body into `T`, or a 400 naming what is wrong.
fn body<T: serde::de::DeserializeOwned>(bytes: &Bytes) -> Result<T, FidixError> {
    if bytes.len() > 256 * 1024 {
        return Err(FidixError::field("body", "is larger than 256 KiB"));
    }
    let value: serde_json::Value = serde_json::from_slice(bytes)
        .map_err(|e| FidixError::field("body", format!("is not valid JSON: {e}")))?;
    crate::service::from_json(value)
}

fn id(text: &str, what: &str) -> Result<Uuid, FidixError> {
    Uuid::parse_str(text).map_err(|_| FidixError::not_found(what))
}

async fn token(State(s): S, bytes: Bytes) -> Result<Json<AuthResponse>, FidixError> {
    let req: AuthRequest = body(&bytes)?;
    let ok = req.client_id == s.config.client_id
        && bool::from(
            req.client_secret
                .as_bytes()
                .ct_eq(s.config.client_secret.as_bytes()),
        );
    if !ok {
        return Err(FidixError::new(
            401,
            "invalid_credentials",
            "unknown client or wrong secret",
        ));
    }
    let now = chrono::Utc::now().timestamp();
    let ttl = s.config.token_ttl.as_secs() as i64;
    let claims = Claims {
        sub: req.client_id,
        exp: now + ttl,
        iat: now,
    };
    let token = encode(
        &Header::new(Algorithm::HS256),
        &claims,
        &EncodingKey::from_secret(&s.jwt_secret),
    )
    .map_err(|_| FidixError::internal())?;
    Ok(Json(AuthResponse {
        access_token: token,
        token_type: "Bearer".into(),
        expires_in: ttl,
    }))
}

async fn create_account(State(s): S, bytes: Bytes) -> Result<Response, FidixError> {
    let req: CreateAccountRequest = body(&bytes)?;
    let created = s.service.create_account(req).await?;
    Ok((StatusCode::CREATED, Json(created)).into_response())
}

async fn get_account(
    State(s): S,
    Path(account): Path<String>,
) -> Result<Json<AccountDetailResponse>, FidixError> {
    Ok(Json(
        s.service
            .get_account(id(&account, "account")?, None)
            .await?,
    ))
}

async fn get_balance(
    State(s): S,
    Path(account): Path<String>,
) -> Result<Json<BalanceResponse>, FidixError> {
    Ok(Json(
        s.service.balance(id(&account, "account")?, None).await?,
    ))
}

async fn create_person(State(s): S, bytes: Bytes) -> Result<Response, FidixError> {
    let req: CreatePersonRequest = body(&bytes)?;
    let created = s.service.create_person(req).await?;
    Ok((StatusCode::CREATED, Json(created)).into_response())
}

async fn list_persons(
    State(s): S,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<PersonListResponse>, FidixError> {
    let ledger = q
        .get("ledger_id")
        .ok_or_else(|| FidixError::field("ledger_id", "is required"))
        .and_then(|l| {
            Uuid::parse_str(l).map_err(|_| FidixError::field("ledger_id", "must be a UUID"))
        })?;
    let number = |k: &str, default: u64| -> Result<u64, FidixError> {
        match q.get(k) {
            None => Ok(default),
            Some(v) => v
                .parse()
                .map_err(|_| FidixError::field(k, "must be a positive integer")),
        }
    };
    Ok(Json(
        s.service
            .list_persons(ledger, number("page", 1)?, number("per_page", 20)?)
            .await?,
    ))
}

async fn get_person(
    State(s): S,
    Path(person): Path<String>,
) -> Result<Json<PersonDataResponse>, FidixError> {
    Ok(Json(
        s.service.get_person(id(&person, "person")?, None).await?,
    ))
}

async fn create_transaction(
    State(s): S,
    headers: HeaderMap,
    bytes: Bytes,
) -> Result<Response, FidixError> {
    let key = match headers.get("idempotency-key") {
        None => None,
        Some(v) => Some(
            v.to_str()
                .map_err(|_| FidixError::field("idempotency-key", "must be visible ASCII"))?
                .to_string(),
        ),
    };
    let req: CreateTransactionRequest = body(&bytes)?;
    let (txn, replayed) = s.service.create_transaction(&req, key).await?;
    let mut response = (StatusCode::CREATED, Json(txn)).into_response();
    if replayed {
        response.headers_mut().insert(
            "idempotency-replayed",
            axum::http::HeaderValue::from_static("true"),
        );
    }
    Ok(response)
}

async fn get_transaction(
    State(s): S,
    Path(txn): Path<String>,
) -> Result<Json<TransactionResponse>, FidixError> {
    Ok(Json(
        s.service
            .get_transaction(id(&txn, "transaction")?, None)
            .await?,
    ))
}
