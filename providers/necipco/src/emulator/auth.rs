//! Login, logout and who is calling. The seed says the token is a JWT sent back in the
//! `Authorization` response header; nothing in the API reads its claims, so the emulator issues
//! opaque random tokens (base64url of 32 random bytes), keeps only their SHA-256, and accepts
//! them for `token_ttl` or until logout. Passwords are kept salted and hashed.

use super::problem::EmuError;
use super::state::{ApiKeyRec, ClientRec, ProductRec, State, TokenRec};
use super::{cards, SeedClient, Shared};
use crate::crypto;
use crate::wire::ErrorCode;
use axum::extract::FromRequestParts;
use axum::http::{request::Parts, StatusCode};
use chrono::Utc;
use rust_decimal::Decimal;
use sha2::{Digest, Sha256};
use std::sync::Arc;
use subtle::ConstantTimeEq;

pub(crate) fn sha256_hex(parts: &[&[u8]]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p);
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

pub(crate) fn new_api_key(
    state: &mut State,
    api_key: &str,
    client_id: &str,
    alias: &str,
    description: &str,
    password: &str,
) -> ApiKeyRec {
    let salt = crypto::encode_query(&rand::random::<[u8; 16]>());
    let rec = ApiKeyRec {
        id: uuid::Uuid::new_v4().to_string(),
        api_key: api_key.to_string(),
        client_id: client_id.to_string(),
        alias: alias.to_string(),
        description: description.to_string(),
        password_hash: sha256_hex(&[salt.as_bytes(), password.as_bytes()]),
        salt,
        public_key: None,
    };
    state.api_keys.insert(api_key.to_string(), rec.clone());
    rec
}

/// A client code from its alias: up to five letters, upper case.
pub(crate) fn code_of(alias: &str) -> String {
    alias
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .take(5)
        .collect::<String>()
        .to_uppercase()
}

pub(crate) fn new_client(
    state: &mut State,
    name: &str,
    alias: &str,
    email: &str,
    rfc: &str,
    available: Decimal,
    parent_id: Option<String>,
) -> ClientRec {
    let now = Utc::now();
    let rec = ClientRec {
        id: uuid::Uuid::new_v4().to_string(),
        name: name.to_string(),
        alias: alias.to_string(),
        code: code_of(alias),
        entity_code: format!("{:03}", state.clients.len() + 100),
        email: email.to_string(),
        rfc: rfc.to_string(),
        available,
        balance: Decimal::ZERO,
        parent_id,
        created_at: now,
        updated_at: now,
    };
    state.clients.insert(rec.id.clone(), rec.clone());
    rec
}

/// Every program gets one debit product, with a BIN of its own, for its physical stock and
/// its virtual cards.
pub(crate) fn new_product(state: &mut State, client_id: &str, name: &str) -> ProductRec {
    let bin = format!("5579{:02}", (state.products.len() + 7) % 100);
    let rec = ProductRec {
        id: uuid::Uuid::new_v4().to_string(),
        client_id: client_id.to_string(),
        name: format!("{} DEBITO", name.to_uppercase()),
        bin,
        affinity_group: format!("{:04}", state.products.len() + 1),
    };
    state.products.insert(rec.id.clone(), rec.clone());
    rec
}

/// Creates a seeded program unless its api key exists.
pub(crate) fn seed_client(state: &mut State, seed: &SeedClient) {
    if state.api_keys.contains_key(&seed.api_key) {
        return;
    }
    let client = new_client(
        state,
        &seed.name,
        &seed.alias,
        &seed.email,
        &seed.rfc,
        seed.available,
        None,
    );
    new_api_key(
        state,
        &seed.api_key,
        &client.id,
        "DEFAULT_API_KEY",
        "",
        seed.password.expose(),
    );
    new_product(state, &client.id, &seed.name);
    for _ in 0..seed.stock_cards {
        cards::new_stock_card(state, &client.id);
    }
}

/// Checks a login; returns the new token.
pub(crate) fn login(
    shared: &Shared,
    state: &mut State,
    api_key: &str,
    password: &str,
) -> Result<(String, ClientRec), EmuError> {
    let refused = || {
        EmuError::new(
            StatusCode::UNAUTHORIZED,
            ErrorCode::BadCredentials,
            "Invalid api_key or password",
        )
    };
    let key = state.api_keys.get(api_key).ok_or_else(refused)?;
    let hash = sha256_hex(&[key.salt.as_bytes(), password.as_bytes()]);
    if !bool::from(hash.as_bytes().ct_eq(key.password_hash.as_bytes())) {
        return Err(refused());
    }
    let client = state
        .clients
        .get(&key.client_id)
        .cloned()
        .ok_or_else(refused)?;
    let token = crypto::encode_query(&rand::random::<[u8; 32]>());
    let ttl =
        chrono::Duration::from_std(shared.config.token_ttl).unwrap_or(chrono::Duration::hours(1));
    let now = Utc::now();
    state.tokens.retain(|_, t| t.expires_at > now);
    state.tokens.insert(
        sha256_hex(&[token.as_bytes()]),
        TokenRec {
            api_key: api_key.to_string(),
            expires_at: now + ttl,
        },
    );
    Ok((token, client))
}

/// The api key and program a valid bearer token speaks for.
#[derive(Debug, Clone)]
pub(crate) struct Caller {
    pub api_key: String,
    pub client_id: String,
    pub token_hash: String,
    /// The caller's registered public key, if any.
    pub public_key: Option<String>,
}

fn bearer(parts: &Parts) -> Option<&str> {
    parts
        .headers
        .get(axum::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

impl FromRequestParts<Arc<Shared>> for Caller {
    type Rejection = EmuError;

    async fn from_request_parts(
        parts: &mut Parts,
        shared: &Arc<Shared>,
    ) -> Result<Self, Self::Rejection> {
        let token = bearer(parts).ok_or_else(|| {
            EmuError::unauthorized("Authorization: Bearer token required (POST /auth/login)")
        })?;
        let token_hash = sha256_hex(&[token.as_bytes()]);
        let state = shared.state.lock();
        let rec = state
            .tokens
            .get(&token_hash)
            .filter(|t| t.expires_at > Utc::now())
            .ok_or_else(|| EmuError::unauthorized("Invalid or expired token"))?;
        let key = state
            .api_keys
            .get(&rec.api_key)
            .ok_or_else(|| EmuError::unauthorized("Invalid or expired token"))?;
        Ok(Caller {
            api_key: key.api_key.clone(),
            client_id: key.client_id.clone(),
            token_hash,
            public_key: key.public_key.clone(),
        })
    }
}
