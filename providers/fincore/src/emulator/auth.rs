//! Credential tokens: HS256 JWTs naming the client, with an expiry. A token signed with another
//! key, expired, or naming another client is refused with 401.

use jsonwebtoken::{decode, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Claims {
    pub client_id: Uuid,
    pub exp: i64,
    pub iat: i64,
    pub jti: Uuid,
    /// Signing generation: revoking tokens bumps the emulator's generation.
    #[serde(default)]
    pub generation: u64,
}

pub(crate) fn issue(secret: &[u8], generation: u64, client_id: Uuid, ttl_s: i64) -> (String, i64) {
    let now = chrono::Utc::now().timestamp();
    let claims = Claims {
        client_id,
        exp: now + ttl_s,
        iat: now,
        jti: Uuid::new_v4(),
        generation,
    };
    let token = encode(
        &Header::new(Algorithm::HS256),
        &claims,
        &EncodingKey::from_secret(secret),
    )
    .unwrap_or_default();
    (token, claims.exp)
}

/// The client a bearer token speaks for, if the token is valid.
pub(crate) fn verify(secret: &[u8], generation: u64, token: &str) -> Option<Uuid> {
    let mut validation = Validation::new(Algorithm::HS256);
    validation.leeway = 0;
    decode::<Claims>(token, &DecodingKey::from_secret(secret), &validation)
        .ok()
        .filter(|d| d.claims.generation == generation)
        .map(|d| d.claims.client_id)
}
