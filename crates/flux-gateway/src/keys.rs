//! API keys: `flux_test_…` (sandbox) or `flux_live_…`, 32 random bytes, shown once. At rest only
//! an HMAC-SHA256 of the key under a server secret (the pepper) and a short display prefix are
//! kept, so a leaked database does not yield usable keys. Lookup is by hash (an index), and the
//! found hash is compared again in constant time.

use base64::Engine;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;
use subtle::ConstantTimeEq;

/// A freshly minted key: the secret to show once, and what to store.
pub struct MintedKey {
    pub key: String,
    pub prefix: String,
    pub hash: String,
}

/// "test" in sandbox, "live" otherwise.
pub fn mint(environment: &str, pepper: &[u8]) -> MintedKey {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let body = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    let key = format!("flux_{environment}_{body}");
    MintedKey {
        prefix: display_prefix(&key),
        hash: hash(&key, pepper),
        key,
    }
}

/// The part of a key that may be shown and logged: the environment tag and 8 characters.
pub fn display_prefix(key: &str) -> String {
    let tag_len = if key.starts_with("flux_test_") || key.starts_with("flux_live_") {
        10
    } else {
        0
    };
    key.chars().take(tag_len + 8).collect()
}

pub fn hash(key: &str, pepper: &[u8]) -> String {
    let mut mac =
        <Hmac<Sha256> as Mac>::new_from_slice(pepper).expect("HMAC accepts any key length");
    mac.update(key.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// True when `text` contains something shaped like a Flux API key, whatever it is labelled:
/// the audit trail hides it and a query string carrying it is refused.
/// Compared in place, without a lowercased copy: the audit trail asks this of every string of
/// every body.
pub fn looks_like_key(text: &str) -> bool {
    let has = |prefix: &str| {
        text.as_bytes()
            .windows(prefix.len())
            .any(|w| w.eq_ignore_ascii_case(prefix.as_bytes()))
    };
    has("flux_test_") || has("flux_live_")
}

/// Query parameter names partners (and HTTP clients' "API key" settings) use for a key.
const QUERY_KEY_NAMES: &[&str] = &[
    "api_key",
    "apikey",
    "key",
    "x_api_key",
    "xapikey",
    "access_token",
    "token",
];

/// The first query parameter that carries an API key: one with a key's name, or any whose
/// name or value is shaped like a Flux key. Returns a name safe to show back: one of
/// [`QUERY_KEY_NAMES`], or "query" when only the value gave it away.
pub fn key_in_query(query: &str) -> Option<&'static str> {
    form_urlencoded::parse(query.as_bytes()).find_map(|(name, value)| {
        let normal = name.to_ascii_lowercase().replace('-', "_");
        match QUERY_KEY_NAMES.iter().find(|n| **n == normal) {
            Some(n) => Some(*n),
            None => (looks_like_key(&name) || looks_like_key(&value)).then_some("query"),
        }
    })
}

/// 400 for a request whose query string carries an API key. A URL is copied into proxy and
/// server logs and browser histories, so a key there must not be accepted (nor become a habit).
pub fn refuse_key_in_query(query: Option<&str>) -> Option<crate::error::ApiError> {
    let field = key_in_query(query?)?;
    tracing::warn!(target: "flux::security", field, "API key sent in a query string: refused");
    let mut e = crate::error::ApiError::bad_request(
        "api_key_in_query",
        "API keys go in the X-API-Key header, never in the query string, where proxies, logs \
         and browser histories keep them; if a real key was sent, rotate it",
    );
    e.errors = vec![crate::error::FieldError {
        field: field.into(),
        reason: "must not carry an API key: send it in the X-API-Key header".into(),
    }];
    Some(e)
}

/// Constant-time equality of two strings.
pub fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_long_prefixed_and_hashed() {
        let k = mint("test", b"pepper");
        assert!(k.key.starts_with("flux_test_"));
        assert_eq!(k.key.len(), 10 + 43);
        assert_eq!(k.prefix.len(), 18);
        assert_eq!(k.hash, hash(&k.key, b"pepper"));
        assert_ne!(k.hash, hash(&k.key, b"other"));
        assert!(same(&k.hash, &hash(&k.key, b"pepper")));
        assert!(!same("abc", "abd"));
    }

    #[test]
    fn keys_in_query_strings_are_found_by_name_or_shape() {
        for (q, field) in [
            ("api_key=abc", "api_key"),
            ("page=1&X-API-Key=abc", "x_api_key"),
            ("API%5FKEY=abc", "api_key"),
            ("token", "token"),
            ("access_token=abc", "access_token"),
            ("q=flux_test_abc", "query"),
            ("flux_live_abc", "query"),
        ] {
            assert_eq!(key_in_query(q), Some(field), "{q}");
        }
        for q in ["", "page=1&per_page=50", "keyword=x", "monkey=1"] {
            assert_eq!(key_in_query(q), None, "{q}");
        }
    }
}
