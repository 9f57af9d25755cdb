//! The audit sink. Requests hand their record to one background task that appends everything
//! waiting as one batch (one transaction, one chain extension) and tells each request when its
//! record is durable; a request that changes anything is answered only then. Reads (GET, HEAD)
//! are queued into the same batches without waiting for the commit: they change nothing, so
//! the only exposure is losing the last few milliseconds of read records if the process dies,
//! and in exchange a read costs no fsync. Bodies and query strings are redacted first: API
//! keys, tokens, secrets, PINs and CVCs removed, card numbers cut to their last four digits.

use flux_store::{NewAudit, Store};
use serde_json::Value;
use tokio::sync::{mpsc, oneshot};

const MAX_BATCH: usize = 512;
/// Bodies above this are cut in the audit trail (the request itself is limited separately).
const MAX_AUDIT_BODY: usize = 16 * 1024;

type Pending = (NewAudit, oneshot::Sender<bool>);

#[derive(Clone)]
pub struct AuditSink {
    tx: mpsc::Sender<Pending>,
}

impl AuditSink {
    pub fn start(store: Store) -> Self {
        let (tx, mut rx) = mpsc::channel::<Pending>(8192);
        tokio::spawn(async move {
            let mut batch = Vec::with_capacity(MAX_BATCH);
            while rx.recv_many(&mut batch, MAX_BATCH).await > 0 {
                let (records, waiters): (Vec<_>, Vec<_>) = batch.drain(..).unzip();
                let ok = match store.append_audit(records).await {
                    Ok(()) => true,
                    Err(e) => {
                        tracing::error!(error = %e, "audit append failed");
                        metrics::counter!("flux_audit_failures_total").increment(1);
                        false
                    }
                };
                for w in waiters {
                    let _ = w.send(ok);
                }
            }
        });
        AuditSink { tx }
    }

    /// Queues a record for the next batch without waiting for its commit (used for reads:
    /// see the pipeline). Waits only when the queue is full, which bounds memory.
    pub async fn record_later(&self, record: NewAudit) {
        let (done, _) = oneshot::channel();
        if self.tx.send((record, done)).await.is_err() {
            tracing::error!("audit sink stopped: a read's audit record was lost");
        }
    }

    /// Appends a record and waits until it is committed. False if it could not be stored.
    pub async fn record(&self, record: NewAudit) -> bool {
        let (done, wait) = oneshot::channel();
        if self.tx.send((record, done)).await.is_err() {
            return false;
        }
        wait.await.unwrap_or(false)
    }
}

const SECRET_KEYS: &[&str] = &[
    "token",
    "client_secret",
    "secret",
    "api_key",
    "apikey",
    "x-api-key",
    "password",
    "pin",
    "cvc",
    "cvv",
    "cvv2",
    "authorization",
    "access_token",
    "refresh_token",
    // A link that reveals card data once (cards): a bearer credential for its 60 s.
    "reveal_url",
];
const CARD_KEYS: &[&str] = &["card_number", "cardnumber", "pan"];

/// Redacts a JSON body for the audit trail. Non-JSON bodies are kept only by their size.
pub fn redact_body(body: &[u8]) -> Option<String> {
    if body.is_empty() {
        return None;
    }
    let Ok(mut v) = serde_json::from_slice::<Value>(body) else {
        return Some(format!("<{} bytes, not JSON>", body.len()));
    };
    redact(&mut v);
    let mut text = v.to_string();
    if text.len() > MAX_AUDIT_BODY {
        let mut cut = MAX_AUDIT_BODY;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        text.truncate(cut);
        text.push_str("…<truncated>");
    }
    Some(text)
}

pub fn redact(v: &mut Value) {
    match v {
        Value::Object(map) => {
            for (k, val) in map.iter_mut() {
                let key = k.to_ascii_lowercase();
                if SECRET_KEYS.contains(&key.as_str()) {
                    *val = Value::String(REDACTED.into());
                } else if CARD_KEYS.contains(&key.as_str()) {
                    mask_card_value(val);
                } else {
                    redact(val);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(redact),
        // Defence in depth: a Flux key under any name is removed, and any 13–19 digit string
        // that passes Luhn is treated as a card number.
        Value::String(s) if crate::keys::looks_like_key(s) => *s = REDACTED.into(),
        Value::String(s) if looks_like_card(s) => *s = flux_core::card::mask(s),
        // …and a card number sent as a JSON number under any other name.
        Value::Number(n) if looks_like_card(&n.to_string()) => {
            *v = Value::String(flux_core::card::mask(&n.to_string()))
        }
        _ => {}
    }
}

const REDACTED: &str = "[REDACTED]";

/// A card field keeps its last four characters; one sent as a JSON number too, which would
/// otherwise be stored whole.
fn mask_card_value(v: &mut Value) {
    match v {
        Value::String(s) => *s = flux_core::card::mask(s),
        Value::Number(n) => *v = Value::String(flux_core::card::mask(&n.to_string())),
        other => redact(other),
    }
}

fn looks_like_card(s: &str) -> bool {
    (13..=19).contains(&s.len()) && flux_core::card::luhn_ok(s)
}

/// The request target (path and query) as the audit trail keeps it: a query parameter whose
/// name says credential loses its value, a card parameter keeps its last four characters, and
/// anything shaped like a Flux key or a card number is hidden whatever its name. Partners do
/// put keys and tokens in URLs (`?api_key=…`), and the trail must not become a copy of them.
pub fn redact_target(target: &str) -> String {
    let (path, query) = match target.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (target, None),
    };
    let path: Vec<&str> = path
        .split('/')
        .map(|s| {
            if crate::keys::looks_like_key(&decoded(s)) {
                REDACTED
            } else {
                s
            }
        })
        .collect();
    let path = path.join("/");
    match query {
        Some(q) => {
            let pairs: Vec<String> = q.split('&').map(redact_pair).collect();
            format!("{path}?{}", pairs.join("&"))
        }
        None => path,
    }
}

/// What a query parameter's name says about its value.
#[derive(Debug, PartialEq)]
enum Sensitivity {
    Secret,
    Card,
    Plain,
}

/// Names are free-form (`apiKey`, `X-Api-Key`, `client_secret`, `sig`), so they are compared
/// by their letters and digits, against the words credentials are named with. A false
/// positive only hides a value from the trail; a false negative copies a credential into it.
fn sensitivity(name: &str) -> Sensitivity {
    const SECRET_WORDS: &[&str] = &[
        "key",
        "token",
        "secret",
        "password",
        "passwd",
        "signature",
        "credential",
        "auth",
        "cvv",
        "cvc",
    ];
    const SECRET_NAMES: &[&str] = &["pin", "sig", "pwd", "pass", "otp"];
    let squashed: String = name
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_lowercase();
    let words = || name.split(|c: char| !c.is_ascii_alphanumeric());
    if SECRET_WORDS.iter().any(|w| squashed.contains(w)) || SECRET_NAMES.contains(&&*squashed) {
        Sensitivity::Secret
    } else if squashed.contains("card") || words().any(|w| w.eq_ignore_ascii_case("pan")) {
        Sensitivity::Card
    } else {
        Sensitivity::Plain
    }
}

/// One `name=value` of a query string, redacted; untouched (byte for byte) when harmless.
fn redact_pair(raw: &str) -> String {
    let (name, value) = form_urlencoded::parse(raw.as_bytes())
        .next()
        .unwrap_or_default();
    if crate::keys::looks_like_key(&name) {
        return REDACTED.into();
    }
    // A bare name (`?verbose`) carries no value to hide.
    let Some((raw_name, _)) = raw.split_once('=') else {
        return raw.into();
    };
    let hidden = match sensitivity(&name) {
        Sensitivity::Secret => REDACTED.to_string(),
        Sensitivity::Card => encoded(&flux_core::card::mask(&value)),
        Sensitivity::Plain if crate::keys::looks_like_key(&value) => REDACTED.to_string(),
        Sensitivity::Plain if looks_like_card(&value) => encoded(&flux_core::card::mask(&value)),
        Sensitivity::Plain => return raw.into(),
    };
    format!("{raw_name}={hidden}")
}

/// Percent-decoded text, for recognising a key written `flux%5Ftest%5F…`.
fn decoded(raw: &str) -> String {
    form_urlencoded::parse(raw.as_bytes())
        .flat_map(|(k, v)| [k, v])
        .collect()
}

fn encoded(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_never_reach_the_trail() {
        let body = br#"{"token":"secretToken0123","client_secret":"x","debit_card":{"card_number":"4772130000000003","holder_name":"A"},"note":"4000000000000002","list":[{"pin":"1234"}]}"#;
        let out = redact_body(body).unwrap();
        for leak in [
            "secretToken0123",
            "4772130000000003",
            "4000000000000002",
            "1234\"",
        ] {
            assert!(!out.contains(leak), "{leak} leaked: {out}");
        }
        assert!(out.contains("************0003"));
        assert_eq!(redact_body(b"not json").unwrap(), "<8 bytes, not JSON>");
    }

    #[test]
    fn odd_card_fields_are_masked_not_panicked_on() {
        // A multibyte character near the end of a card field panicked the redaction.
        let out = redact_body("{\"card_number\":\"4772130000000€003\"}".as_bytes()).unwrap();
        assert_eq!(out, "{\"card_number\":\"*************€003\"}");
        let out = redact_body(br#"{"pan":4772130000000003,"note":"flux_test_abc"}"#).unwrap();
        assert_eq!(out, r#"{"pan":"************0003","note":"[REDACTED]"}"#);
        // A card number as a JSON number under any other name.
        let out = redact_body(br#"{"note":4000000000000002,"amount":100}"#).unwrap();
        assert_eq!(out, r#"{"note":"************0002","amount":100}"#);
    }

    #[test]
    fn query_strings_lose_their_credentials() {
        for (target, kept) in [
            ("/api/x", "/api/x"),
            ("/api/x?page=2&per_page=50", "/api/x?page=2&per_page=50"),
            (
                "/api/x?api_key=s3cr3t&page=2",
                "/api/x?api_key=[REDACTED]&page=2",
            ),
            ("/api/x?X-Api-Key=s3cr3t", "/api/x?X-Api-Key=[REDACTED]"),
            ("/api/x?api%5Fkey=s3cr3t", "/api/x?api%5Fkey=[REDACTED]"),
            (
                "/api/x?clientSecret=s3cr3t",
                "/api/x?clientSecret=[REDACTED]",
            ),
            (
                "/api/x?sig=s3cr3t&password=p",
                "/api/x?sig=[REDACTED]&password=[REDACTED]",
            ),
            (
                "/api/x?card_number=4772130000000003",
                "/api/x?card_number=************0003",
            ),
            ("/api/x?pan=4772%C3%A9", "/api/x?pan=*772%C3%A9"),
            ("/api/x?q=4772130000000003", "/api/x?q=************0003"),
            ("/api/x?q=flux_test_abc", "/api/x?q=[REDACTED]"),
            ("/api/x?flux_test_abc", "/api/x?[REDACTED]"),
            ("/api/flux_test_abc/y", "/api/[REDACTED]/y"),
            ("/api/x?token", "/api/x?token"),
            ("/api/x?company=ACME", "/api/x?company=ACME"),
        ] {
            assert_eq!(redact_target(target), kept, "{target}");
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(1000))]

        /// Whatever a partner sends under a card or secret name, or in a query string, the
        /// redaction answers, and the secret's value never survives it.
        #[test]
        fn redaction_never_panics_nor_keeps_a_secret(
            value in "(\\PC|[0-9]|é|💳|\u{301}){0,24}",
            name in proptest::sample::select(&["card_number", "cardnumber", "pan", "token", "api_key", "password"][..]),
            other in "\\PC{0,12}",
        ) {
            let body = serde_json::json!({ name: value, "other": other }).to_string();
            let out = redact_body(body.as_bytes()).unwrap();
            let kept: Value = serde_json::from_str(&out).unwrap();
            let kept = kept[name].as_str().unwrap();
            if CARD_KEYS.contains(&name) {
                proptest::prop_assert_eq!(kept, flux_core::card::mask(&value));
            } else {
                proptest::prop_assert_eq!(kept, REDACTED);
            }
            let query = format!("/api/x?{name}={}&other={}", encoded(&value), encoded(&other));
            let target = redact_target(&query);
            let hidden = form_urlencoded::parse(target.split_once('?').unwrap().1.as_bytes())
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.into_owned())
                .unwrap();
            if CARD_KEYS.contains(&name) {
                proptest::prop_assert_eq!(hidden, flux_core::card::mask(&value));
            } else {
                proptest::prop_assert_eq!(hidden, REDACTED);
            }
        }

        #[test]
        fn any_target_is_redacted_without_panic(target in "\\PC{0,60}") {
            let _ = redact_target(&target);
            let _ = crate::keys::key_in_query(&target);
        }
    }
}
