//! RSA field encryption: every padding round-trips, keys serialize and load back (PKCS#8,
//! PKCS#1, SPKI PEM), bodies are base64 and queries base64url without padding, and nothing
//! deciphers with the wrong key or padding.
#![allow(clippy::unwrap_used)]

mod common;

use common::flux_keys;
use necipco::crypto::{self, CryptoError, KeyPair, Padding, PublicKey};
use necipco::wire::*;

const PADDINGS: [Padding; 3] = [Padding::OaepSha256, Padding::OaepSha1, Padding::Pkcs1v15];

#[test]
fn every_padding_round_trips_in_bodies_and_queries() {
    let keys = flux_keys();
    for padding in PADDINGS {
        let body = keys
            .public_key()
            .encrypt_for_body(padding, "4111111111111111")
            .unwrap();
        assert_eq!(
            keys.decrypt_field(padding, body.expose()).unwrap().expose(),
            "4111111111111111"
        );
        let query = keys
            .public_key()
            .encrypt_for_query(padding, "1234")
            .unwrap();
        let q = query.expose();
        assert!(!q.contains(['+', '/', '=']), "{padding:?}: {q}");
        assert_eq!(keys.decrypt_field(padding, q).unwrap().expose(), "1234");
        // A body ciphertext is also accepted in base64url, and the other way round.
        let url = crypto::encode_query(&crypto::decode(body.expose()).unwrap());
        assert_eq!(
            keys.decrypt_field(padding, &url).unwrap().expose(),
            "4111111111111111"
        );
    }
}

#[test]
fn oaep_is_randomised_and_the_wrong_key_or_padding_fails() {
    let keys = flux_keys();
    let a = keys
        .public_key()
        .encrypt_for_body(Padding::OaepSha256, "1234")
        .unwrap();
    let b = keys
        .public_key()
        .encrypt_for_body(Padding::OaepSha256, "1234")
        .unwrap();
    assert_ne!(a, b);
    assert_eq!(
        keys.decrypt_field(Padding::OaepSha1, a.expose()),
        Err(CryptoError::Decrypt)
    );
    let other = KeyPair::generate().unwrap();
    assert_eq!(
        other.decrypt_field(Padding::OaepSha256, a.expose()),
        Err(CryptoError::Decrypt)
    );
    assert_eq!(
        keys.decrypt_field(Padding::OaepSha256, "*** not base64 ***"),
        Err(CryptoError::Encoding)
    );
    let long = "x".repeat(300);
    assert_eq!(
        keys.public_key()
            .encrypt(Padding::OaepSha256, long.as_bytes()),
        Err(CryptoError::TooLong)
    );
}

#[test]
fn keys_serialize_and_load_back() {
    let keys = flux_keys();
    let pem = keys.to_pkcs8_pem().unwrap();
    assert!(pem.expose().starts_with("-----BEGIN PRIVATE KEY-----\n"));
    assert_eq!(format!("{pem:?}"), "\"***\"");
    assert!(!format!("{keys:?}").contains("PRIVATE"));
    let loaded = KeyPair::from_pem(pem.expose()).unwrap();
    assert_eq!(loaded.public_key(), keys.public_key());

    // `openssl genrsa` writes PKCS#1 ("BEGIN RSA PRIVATE KEY"): it loads too. The PKCS#1 key
    // is the OCTET STRING at the end of the PKCS#8 document.
    let der = keys.to_pkcs8_der().unwrap();
    assert_eq!(der[22], 0x04, "OCTET STRING of a 2048-bit PKCS#8 key");
    let pkcs1 = &der[26..];
    let b64 = crypto::encode_body(pkcs1);
    let lines: Vec<String> = b64
        .as_bytes()
        .chunks(64)
        .map(|c| String::from_utf8(c.to_vec()).unwrap())
        .collect();
    let pkcs1_pem = format!(
        "-----BEGIN RSA PRIVATE KEY-----\n{}\n-----END RSA PRIVATE KEY-----\n",
        lines.join("\n")
    );
    let from_pkcs1 = KeyPair::from_pem(&pkcs1_pem).unwrap();
    assert_eq!(from_pkcs1.public_key(), keys.public_key());

    // The public key is an SPKI PEM; the seed's JSON carries it with "\n" escapes.
    let public = keys.public_key().to_pem();
    assert!(public.starts_with("-----BEGIN PUBLIC KEY-----\n"));
    assert!(public.ends_with("-----END PUBLIC KEY-----"));
    assert_eq!(&PublicKey::from_pem(&public).unwrap(), keys.public_key());
    let escaped = public.replace('\n', "\\n");
    assert_eq!(&PublicKey::from_pem(&escaped).unwrap(), keys.public_key());
    assert!(matches!(
        PublicKey::from_pem(pem.expose()),
        Err(CryptoError::Key(_))
    ));
}

#[test]
fn the_seed_example_keys() {
    let text = common::fixture("get_public_key_response");
    let answer: Envelope<PublicKeyData> = serde_json::from_str(&text).unwrap();
    let data = answer.data.unwrap();
    // The api key's example is a real 2048-bit SPKI key; the "system" example is not a key.
    let client_key = PublicKey::from_pem(data.api_key.public_key.as_deref().unwrap()).unwrap();
    assert!(client_key
        .encrypt(Padding::OaepSha256, b"4111111111111111")
        .is_ok());
    assert!(PublicKey::from_pem(&data.system.unwrap().public_key).is_err());
}
