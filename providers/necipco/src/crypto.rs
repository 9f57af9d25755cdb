//! NeCIPCo's field encryption. Card numbers, PINs, CVCs and expiry dates travel RSA-ciphered:
//! a request's with NeCIPCo's ("system") public key, an answer's with the public key the api
//! client registered (`POST /clients/api_key/public_key`). Ciphertext is base64 (RFC 4648) in
//! bodies and base64url without `=` padding in query strings; on the way in both alphabets are
//! accepted, with or without padding (and a `+` that a query decoder turned into a space).
//!
//! Why aws-lc-rs: RSA private-key operations must be constant time. The pure-Rust `rsa` crate
//! is exposed to RUSTSEC-2023-0071 (the "Marvin" timing side channel, key recovery from
//! decryption timings) with no fixed release, so it is not used for anything that touches a
//! private key. aws-lc-rs (AWS-LC, BoringSSL lineage, FIPS-validated) is.
//!
//! Padding: the seed names none (its OpenSSL recipe only makes the keys). The default is
//! RSA-OAEP with SHA-256 and MGF1-SHA-256, the scheme browsers' WebCrypto offers, so a web
//! client can cipher a PIN itself. [`Padding`] also offers OAEP with SHA-1 (Java's and
//! OpenSSL's OAEP default) and PKCS#1 v1.5 (`openssl rsautl`'s default), for a real NeCIPCo
//! that turns out to use them. aws-lc-rs decrypts PKCS#1 v1.5; that scheme is open to
//! Bleichenbacher-style padding oracles by design, so every decryption failure here is one
//! indistinguishable [`CryptoError::Decrypt`], and OAEP should be preferred where there is a
//! choice.
//!
//! Keys: 2048-bit by default; the private key is kept as PKCS#8 (DER, or PEM
//! `BEGIN PRIVATE KEY`), and a PKCS#1 PEM (`BEGIN RSA PRIVATE KEY`, what the seed's
//! `openssl genrsa` recipe writes) is accepted and wrapped into PKCS#8; the public key is an
//! X.509 SubjectPublicKeyInfo PEM (`BEGIN PUBLIC KEY`), what the seed's key endpoints carry.

use crate::wire::Sensitive;
use aws_lc_rs::encoding::{AsDer, Pkcs8V1Der, PublicKeyX509Der};
use aws_lc_rs::rsa::{
    KeySize, OaepAlgorithm, OaepPrivateDecryptingKey, OaepPublicEncryptingKey,
    Pkcs1PrivateDecryptingKey, Pkcs1PublicEncryptingKey, PrivateDecryptingKey, PublicEncryptingKey,
    OAEP_SHA1_MGF1SHA1, OAEP_SHA256_MGF1SHA256,
};
use base64::alphabet;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, STANDARD};
use base64::engine::{DecodePaddingMode, Engine};
use serde::{Deserialize, Serialize};

/// The RSA encryption scheme.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Padding {
    /// RSA-OAEP, SHA-256, MGF1-SHA-256, empty label (WebCrypto's `RSA-OAEP` with `SHA-256`).
    #[default]
    OaepSha256,
    /// RSA-OAEP, SHA-1, MGF1-SHA-1 (OpenSSL's `-oaep`, Java's `OAEPWithSHA-1AndMGF1Padding`).
    OaepSha1,
    /// RSAES-PKCS1-v1_5 (OpenSSL's default). Legacy; see the module docs.
    Pkcs1v15,
}

impl Padding {
    fn oaep(&self) -> Option<&'static OaepAlgorithm> {
        match self {
            Padding::OaepSha256 => Some(&OAEP_SHA256_MGF1SHA256),
            Padding::OaepSha1 => Some(&OAEP_SHA1_MGF1SHA1),
            Padding::Pkcs1v15 => None,
        }
    }
}

/// Why a key or a ciphertext was refused. Deliberately vague about ciphertexts: which step of
/// a decryption failed is not told (padding oracle).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CryptoError {
    #[error("unusable RSA key: {0}")]
    Key(String),
    #[error("not base64 or base64url")]
    Encoding,
    #[error("the value could not be deciphered")]
    Decrypt,
    #[error("the value is too long to cipher with this key")]
    TooLong,
}

const PUBLIC_PEM: &str = "PUBLIC KEY";
const PRIVATE_PEM: &str = "PRIVATE KEY";
const RSA_PRIVATE_PEM: &str = "RSA PRIVATE KEY";

/// Base64 with padding, what bodies carry.
pub fn encode_body(bytes: &[u8]) -> String {
    STANDARD.encode(bytes)
}

/// Base64url without padding, what query strings carry.
pub fn encode_query(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

const LENIENT: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Decodes base64 or base64url, padded or not; whitespace is ignored and a space is read as
/// `+` (a `+` sent unescaped in a query string arrives as a space).
pub fn decode(text: &str) -> Result<Vec<u8>, CryptoError> {
    let normal: String = text
        .chars()
        .filter(|c| !matches!(c, '\n' | '\r' | '\t'))
        .map(|c| match c {
            '-' => '+',
            '_' => '/',
            ' ' => '+',
            other => other,
        })
        .collect();
    let trimmed = normal.trim_end_matches('=');
    LENIENT.decode(trimmed).map_err(|_| CryptoError::Encoding)
}

/// An RSA public key (X.509 SubjectPublicKeyInfo).
#[derive(Clone, PartialEq, Eq)]
pub struct PublicKey {
    spki_der: Vec<u8>,
}

impl std::fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PublicKey({} DER bytes)", self.spki_der.len())
    }
}

impl PublicKey {
    pub fn from_der(spki_der: &[u8]) -> Result<PublicKey, CryptoError> {
        PublicEncryptingKey::from_der(spki_der).map_err(|e| CryptoError::Key(e.to_string()))?;
        Ok(PublicKey {
            spki_der: spki_der.to_vec(),
        })
    }

    /// From `-----BEGIN PUBLIC KEY-----` PEM (the seed's JSON examples carry it with `\n`).
    pub fn from_pem(pem: &str) -> Result<PublicKey, CryptoError> {
        let (label, der) = pem_decode(pem)?;
        if label != PUBLIC_PEM {
            return Err(CryptoError::Key(format!(
                "expected a BEGIN {PUBLIC_PEM} PEM, got BEGIN {label}"
            )));
        }
        PublicKey::from_der(&der)
    }

    pub fn to_der(&self) -> &[u8] {
        &self.spki_der
    }

    pub fn to_pem(&self) -> String {
        pem_encode(PUBLIC_PEM, &self.spki_der)
    }

    fn key(&self) -> Result<PublicEncryptingKey, CryptoError> {
        PublicEncryptingKey::from_der(&self.spki_der).map_err(|e| CryptoError::Key(e.to_string()))
    }

    /// Ciphers `plaintext`.
    pub fn encrypt(&self, padding: Padding, plaintext: &[u8]) -> Result<Vec<u8>, CryptoError> {
        let key = self.key()?;
        match padding.oaep() {
            Some(alg) => {
                let key = OaepPublicEncryptingKey::new(key)
                    .map_err(|e| CryptoError::Key(e.to_string()))?;
                if plaintext.len() > key.max_plaintext_size(alg) {
                    return Err(CryptoError::TooLong);
                }
                let mut out = vec![0u8; key.ciphertext_size()];
                let n = key
                    .encrypt(alg, plaintext, &mut out, None)
                    .map_err(|_| CryptoError::TooLong)?
                    .len();
                out.truncate(n);
                Ok(out)
            }
            None => {
                let key = Pkcs1PublicEncryptingKey::new(key)
                    .map_err(|e| CryptoError::Key(e.to_string()))?;
                if plaintext.len() > key.max_plaintext_size() {
                    return Err(CryptoError::TooLong);
                }
                let mut out = vec![0u8; key.ciphertext_size()];
                let n = key
                    .encrypt(plaintext, &mut out)
                    .map_err(|_| CryptoError::TooLong)?
                    .len();
                out.truncate(n);
                Ok(out)
            }
        }
    }

    /// Ciphers a text for a JSON body (base64).
    pub fn encrypt_for_body(&self, padding: Padding, text: &str) -> Result<Sensitive, CryptoError> {
        self.encrypt(padding, text.as_bytes())
            .map(|c| Sensitive::new(encode_body(&c)))
    }

    /// Ciphers a text for a query string (base64url, no padding).
    pub fn encrypt_for_query(
        &self,
        padding: Padding,
        text: &str,
    ) -> Result<Sensitive, CryptoError> {
        self.encrypt(padding, text.as_bytes())
            .map(|c| Sensitive::new(encode_query(&c)))
    }
}

/// An RSA key pair: the private half deciphers what was ciphered with the public half.
pub struct KeyPair {
    pkcs8: Sensitive,
    public: PublicKey,
    oaep: OaepPrivateDecryptingKey,
    pkcs1: Pkcs1PrivateDecryptingKey,
}

impl std::fmt::Debug for KeyPair {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyPair")
            .field("public", &self.public)
            .finish_non_exhaustive()
    }
}

impl KeyPair {
    /// A new 2048-bit key pair.
    pub fn generate() -> Result<KeyPair, CryptoError> {
        let key = PrivateDecryptingKey::generate(KeySize::Rsa2048)
            .map_err(|e| CryptoError::Key(e.to_string()))?;
        let der = AsDer::<Pkcs8V1Der>::as_der(&key).map_err(|e| CryptoError::Key(e.to_string()))?;
        KeyPair::from_pkcs8_der(der.as_ref())
    }

    pub fn from_pkcs8_der(der: &[u8]) -> Result<KeyPair, CryptoError> {
        let load =
            || PrivateDecryptingKey::from_pkcs8(der).map_err(|e| CryptoError::Key(e.to_string()));
        let key = load()?;
        let spki = AsDer::<PublicKeyX509Der>::as_der(&key.public_key())
            .map_err(|e| CryptoError::Key(e.to_string()))?;
        let public = PublicKey::from_der(spki.as_ref())?;
        let oaep =
            OaepPrivateDecryptingKey::new(key).map_err(|e| CryptoError::Key(e.to_string()))?;
        let pkcs1 =
            Pkcs1PrivateDecryptingKey::new(load()?).map_err(|e| CryptoError::Key(e.to_string()))?;
        Ok(KeyPair {
            pkcs8: Sensitive::new(encode_body(der)),
            public,
            oaep,
            pkcs1,
        })
    }

    /// From a `BEGIN PRIVATE KEY` (PKCS#8) or `BEGIN RSA PRIVATE KEY` (PKCS#1) PEM.
    /// Encrypted PEMs (`openssl genrsa -des3`) must be decrypted first.
    pub fn from_pem(pem: &str) -> Result<KeyPair, CryptoError> {
        let (label, der) = pem_decode(pem)?;
        match label.as_str() {
            PRIVATE_PEM => KeyPair::from_pkcs8_der(&der),
            RSA_PRIVATE_PEM => KeyPair::from_pkcs8_der(&pkcs1_to_pkcs8(&der)),
            other => Err(CryptoError::Key(format!(
                "expected a BEGIN {PRIVATE_PEM} or BEGIN {RSA_PRIVATE_PEM} PEM, got BEGIN {other}"
            ))),
        }
    }

    /// The private key as PKCS#8 DER. Handle with care.
    pub fn to_pkcs8_der(&self) -> Result<Vec<u8>, CryptoError> {
        decode(self.pkcs8.expose())
    }

    /// The private key as a `BEGIN PRIVATE KEY` PEM.
    pub fn to_pkcs8_pem(&self) -> Result<Sensitive, CryptoError> {
        Ok(Sensitive::new(pem_encode(
            PRIVATE_PEM,
            &self.to_pkcs8_der()?,
        )))
    }

    pub fn public_key(&self) -> &PublicKey {
        &self.public
    }

    /// Deciphers `ciphertext`.
    pub fn decrypt(&self, padding: Padding, ciphertext: &[u8]) -> Result<Vec<u8>, CryptoError> {
        match padding.oaep() {
            Some(alg) => {
                let mut out = vec![0u8; self.oaep.min_output_size()];
                let n = self
                    .oaep
                    .decrypt(alg, ciphertext, &mut out, None)
                    .map_err(|_| CryptoError::Decrypt)?
                    .len();
                out.truncate(n);
                Ok(out)
            }
            None => {
                let mut out = vec![0u8; self.pkcs1.min_output_size()];
                let n = self
                    .pkcs1
                    .decrypt(ciphertext, &mut out)
                    .map_err(|_| CryptoError::Decrypt)?
                    .len();
                out.truncate(n);
                Ok(out)
            }
        }
    }

    /// Deciphers a base64 or base64url field into its text.
    pub fn decrypt_field(&self, padding: Padding, field: &str) -> Result<Sensitive, CryptoError> {
        let clear = self.decrypt(padding, &decode(field)?)?;
        String::from_utf8(clear)
            .map(Sensitive::new)
            .map_err(|_| CryptoError::Decrypt)
    }
}

fn pem_encode(label: &str, der: &[u8]) -> String {
    let body = encode_body(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    let bytes = body.as_bytes();
    for chunk in bytes.chunks(64) {
        out.push_str(&String::from_utf8_lossy(chunk));
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----"));
    out
}

/// The label and DER of the first PEM block in `pem`.
fn pem_decode(pem: &str) -> Result<(String, Vec<u8>), CryptoError> {
    let pem = pem.replace("\\n", "\n");
    let start = pem
        .find("-----BEGIN ")
        .ok_or_else(|| CryptoError::Key("no PEM header".into()))?;
    let rest = &pem[start + "-----BEGIN ".len()..];
    let label_end = rest
        .find("-----")
        .ok_or_else(|| CryptoError::Key("bad PEM header".into()))?;
    let label = rest[..label_end].to_string();
    let body_and_footer = &rest[label_end + 5..];
    let footer = format!("-----END {label}-----");
    let body_end = body_and_footer
        .find(&footer)
        .ok_or_else(|| CryptoError::Key("no PEM footer".into()))?;
    let body: String = body_and_footer[..body_end]
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    if body.contains(':') {
        return Err(CryptoError::Key(
            "encrypted PEM: decrypt it first (openssl rsa -in … -out …)".into(),
        ));
    }
    let der = STANDARD.decode(body).map_err(|_| CryptoError::Encoding)?;
    Ok((label, der))
}

/// DER length octets.
fn der_len(len: usize) -> Vec<u8> {
    if len < 0x80 {
        return vec![len as u8];
    }
    let bytes: Vec<u8> = len
        .to_be_bytes()
        .into_iter()
        .skip_while(|b| *b == 0)
        .collect();
    let mut out = vec![0x80 | bytes.len() as u8];
    out.extend(bytes);
    out
}

fn der_tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    out.extend(der_len(content.len()));
    out.extend_from_slice(content);
    out
}

/// Wraps a PKCS#1 `RSAPrivateKey` into a PKCS#8 `PrivateKeyInfo`:
/// `SEQUENCE { INTEGER 0, SEQUENCE { OID rsaEncryption, NULL }, OCTET STRING { key } }`.
fn pkcs1_to_pkcs8(pkcs1: &[u8]) -> Vec<u8> {
    const VERSION_0: [u8; 3] = [0x02, 0x01, 0x00];
    // SEQUENCE { OID 1.2.840.113549.1.1.1, NULL }
    const RSA_ALGORITHM: [u8; 15] = [
        0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00,
    ];
    let mut content = VERSION_0.to_vec();
    content.extend_from_slice(&RSA_ALGORITHM);
    content.extend(der_tlv(0x04, pkcs1));
    der_tlv(0x30, &content)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn decode_accepts_both_alphabets_with_or_without_padding() {
        let bytes: Vec<u8> = (0u8..=255).collect();
        let std = encode_body(&bytes);
        let url = encode_query(&bytes);
        assert!(std.contains('+') || std.contains('/'));
        assert!(!url.contains('='));
        assert_eq!(decode(&std).unwrap(), bytes);
        assert_eq!(decode(&url).unwrap(), bytes);
        assert_eq!(decode(&std.replace('+', " ")).unwrap(), bytes);
        assert_eq!(decode("not base64!"), Err(CryptoError::Encoding));
    }

    #[test]
    fn der_lengths() {
        assert_eq!(der_len(5), vec![5]);
        assert_eq!(der_len(0x80), vec![0x81, 0x80]);
        assert_eq!(der_len(0x1234), vec![0x82, 0x12, 0x34]);
    }
}
