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
}
