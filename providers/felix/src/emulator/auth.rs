//! Provider accounts and their tokens. Signup and signin answer with an HS256 JWT naming the
//! provider; it expires after the configured lifetime, checked to the millisecond (`exp` alone
//! has whole seconds, which would make a one-second token expire up to a second early). A
//! token of an older generation is refused: [`super::EmulatorHandle::revoke_tokens`] bumps it,
//! as a provider rotating its keys would. The refresh token is a JWT too, but nothing accepts
//! it: the seed documents no refresh endpoint.

use super::state::Provider;
use crate::wire::AuthTokens;
use jsonwebtoken::{decode, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::time::Duration;

#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    sub: String,
    email: String,
    iat: i64,
    exp: i64,
    exp_ms: i64,
    jti: String,
    generation: u64,
    /// "id" or "refresh": only id tokens authenticate calls.
    kind: String,
}

fn sign(secret: &[u8], claims: &Claims) -> String {
    encode(
        &Header::new(Algorithm::HS256),
        claims,
        &EncodingKey::from_secret(secret),
    )
    .unwrap_or_default()
}

/// The token pair for a provider, valid for `ttl` (at least one second: `expires_in` is in
/// whole seconds).
pub(crate) fn issue(secret: &[u8], generation: u64, p: &Provider, ttl: Duration) -> AuthTokens {
    let ttl_s = ttl.as_secs().max(1);
    let now_ms = chrono::Utc::now().timestamp_millis();
    let exp_ms = now_ms + (ttl_s as i64) * 1000;
    let claims = |kind: &str| Claims {
        sub: p.id.clone(),
        email: p.email.clone(),
        iat: now_ms / 1000,
        exp: (exp_ms + 999) / 1000,
        exp_ms,
        jti: uuid::Uuid::new_v4().to_string(),
        generation,
        kind: kind.into(),
    };
    AuthTokens {
        id_token: sign(secret, &claims("id")),
        refresh_token: sign(secret, &claims("refresh")),
        expires_in: ttl_s,
        id: p.id.clone(),
        email: p.email.clone(),
        extra: Default::default(),
    }
}

/// The provider an id token speaks for, if it is valid now.
pub(crate) fn verify(secret: &[u8], generation: u64, token: &str) -> Option<String> {
    let mut validation = Validation::new(Algorithm::HS256);
    validation.validate_exp = false;
    validation.required_spec_claims.clear();
    let claims = decode::<Claims>(token, &DecodingKey::from_secret(secret), &validation)
        .ok()?
        .claims;
    let now_ms = chrono::Utc::now().timestamp_millis();
    (claims.generation == generation && claims.kind == "id" && now_ms < claims.exp_ms)
        .then_some(claims.sub)
}

/// Hex SHA-256 of salt and password.
pub(crate) fn password_hash(salt: &str, password: &str) -> String {
    let mut h = Sha256::new();
    h.update(salt.as_bytes());
    h.update([0]);
    h.update(password.as_bytes());
    hex::encode(h.finalize())
}

/// Compares a password with the stored hash, in constant time over the hash.
pub(crate) fn password_matches(p: &Provider, password: &str) -> bool {
    let given = password_hash(&p.salt, password);
    given.len() == p.password_hash.len()
        && given
            .bytes()
            .zip(p.password_hash.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

impl super::state::State {
    /// Creates a provider account; None if the email is taken.
    pub fn add_provider(&mut self, email: &str, password: &str, name: &str) -> Option<String> {
        if self.provider_by_email(email).is_some() {
            return None;
        }
        let id = format!("prov_{}", uuid::Uuid::new_v4().simple());
        let salt = hex::encode(rand::random::<[u8; 16]>());
        let provider = Provider {
            id: id.clone(),
            name: name.to_string(),
            email: email.to_string(),
            password_hash: password_hash(&salt, password),
            salt,
            callback_url: None,
            headers: None,
        };
        self.providers.insert(id.clone(), provider);
        self.stats.signups += 1;
        Some(id)
    }

    /// The account of a seed, created if missing.
    pub fn seed_provider(&mut self, seed: &super::SeedProvider) -> String {
        if let Some(p) = self.provider_by_email(&seed.email) {
            return p.id.clone();
        }
        self.add_provider(&seed.email, seed.password.expose(), &seed.name)
            .unwrap_or_default()
    }
}
