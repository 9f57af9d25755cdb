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
    /// Keys that only open, tried after `cipher`: during a rotation (`flux secrets rotate`) the
    /// database and the key file cannot change in one step, so a process that starts between
    /// the two still opens every value, whichever key sealed it.
    openers: Vec<Aes256Gcm>,
}

/// Whether a stored value is sealed (as opposed to a clear value stored before sealing existed).
pub fn is_sealed(stored: &str) -> bool {
    stored.starts_with(PREFIX)
}

impl Sealer {
    pub fn new(key: &[u8; 32]) -> Self {
        Sealer {
            cipher: Aes256Gcm::new(key.into()),
            openers: Vec::new(),
        }
    }

    /// Also opens values sealed under `key` (never seals with it).
    pub fn also_opening(mut self, key: &[u8; 32]) -> Self {
        self.openers.push(Aes256Gcm::new(key.into()));
        self
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
        let plain = std::iter::once(&self.cipher)
            .chain(&self.openers)
            .find_map(|cipher| {
                cipher
                    .decrypt(
                        Nonce::from_slice(nonce),
                        Payload {
                            msg: sealed,
                            aad: context.as_bytes(),
                        },
                    )
                    .ok()
            })
            .ok_or_else(bad)?;
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

    #[test]
    fn opens_under_a_previous_key_but_seals_under_the_current_one() {
        let old = Sealer::new(&[7u8; 32]);
        let sealed_old = old.seal("s3cret", "c").unwrap();
        let both = Sealer::new(&[9u8; 32]).also_opening(&[7u8; 32]);
        assert_eq!(both.open(&sealed_old, "c").unwrap(), "s3cret");
        let sealed_new = both.seal("s3cret", "c").unwrap();
        assert!(
            old.open(&sealed_new, "c").is_err(),
            "sealed under the old key"
        );
        assert!(Sealer::new(&[9u8; 32]).open(&sealed_new, "c").is_ok());
    }
}
