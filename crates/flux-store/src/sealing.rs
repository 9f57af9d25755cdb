//! Provider credentials at rest. A Fincore `client_secret` is a bearer of money movement, so the
//! store keeps it sealed with AES-256-GCM under a key that lives outside the database
//! (`FLUX_SECRETS_KEY`, or `<data-dir>/secrets.key`): a copy of the database alone reveals
//! nothing. The row's id is the associated data, so a sealed value cannot be moved to another
//! row. Stored form: `v1:` + base64(nonce ‖ ciphertext).

use crate::StoreError;
use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine;
use rand::RngCore;

const PREFIX: &str = "v1:";

pub struct Sealer {
    cipher: Aes256Gcm,
}

impl Sealer {
    pub fn new(key: &[u8; 32]) -> Self {
        Sealer {
            cipher: Aes256Gcm::new(key.into()),
        }
    }

    /// Seals `plain`, bound to `context` (the row it belongs to).
    pub fn seal(&self, plain: &str, context: &str) -> Result<String, StoreError> {
        let mut nonce = [0u8; 12];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let sealed = self
            .cipher
            .encrypt(
                Nonce::from_slice(&nonce),
                Payload {
                    msg: plain.as_bytes(),
                    aad: context.as_bytes(),
                },
            )
            .map_err(|_| StoreError::Unavailable("sealing failed".into()))?;
        let mut out = nonce.to_vec();
        out.extend(sealed);
        Ok(format!(
            "{PREFIX}{}",
            base64::engine::general_purpose::STANDARD.encode(out)
        ))
    }

    /// Opens a sealed value. A value without the `v1:` prefix was stored before sealing
    /// existed and is returned as it is.
    pub fn open(&self, stored: &str, context: &str) -> Result<String, StoreError> {
        let Some(encoded) = stored.strip_prefix(PREFIX) else {
            return Ok(stored.to_string());
        };
        let bad = || StoreError::Corrupt {
            column: 0,
            reason: "a sealed secret does not open with this key (wrong FLUX_SECRETS_KEY?)".into(),
        };
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(encoded)
            .map_err(|_| bad())?;
        if bytes.len() < 12 {
            return Err(bad());
        }
        let (nonce, sealed) = bytes.split_at(12);
        let plain = self
            .cipher
            .decrypt(
                Nonce::from_slice(nonce),
                Payload {
                    msg: sealed,
                    aad: context.as_bytes(),
                },
            )
            .map_err(|_| bad())?;
        String::from_utf8(plain).map_err(|_| bad())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seals_and_binds_to_the_row() {
        let s = Sealer::new(&[7u8; 32]);
        let sealed = s.seal("s3cret", "client-a").unwrap();
        assert!(sealed.starts_with("v1:") && !sealed.contains("s3cret"));
        assert_ne!(
            sealed,
            s.seal("s3cret", "client-a").unwrap(),
            "nonces repeat"
        );
        assert_eq!(s.open(&sealed, "client-a").unwrap(), "s3cret");
        assert!(s.open(&sealed, "client-b").is_err());
        assert!(Sealer::new(&[8u8; 32]).open(&sealed, "client-a").is_err());
        assert_eq!(s.open("legacy-plain", "client-a").unwrap(), "legacy-plain");
    }
}
