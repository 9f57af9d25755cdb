//! The audit sink. Requests hand their record to one background task that appends everything
//! waiting as one batch (one transaction, one chain extension) and tells each request when its
//! record is durable; a request that changes anything is answered only then. Reads (GET, HEAD)
//! are queued into the same batches without waiting for the commit: they change nothing, so
//! the only exposure is losing the last few milliseconds (READ_GATHER) of read records if the
//! process dies, and in exchange a read costs no fsync of its own. Bodies and query strings are
//! redacted first: API keys, tokens, secrets, PINs and CVCs removed, card numbers cut to their
//! last four digits.

use flux_core::card_in_text::{contains_card, mask_cards, masked};
use flux_store::{NewAudit, Store};
use serde_json::Value;
use std::borrow::Cow;
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};

const MAX_BATCH: usize = 512;
/// Bodies above this are cut in the audit trail (the request itself is limited separately).
const MAX_AUDIT_BODY: usize = 16 * 1024;
/// How long a batch holding only read records waits for more before it is appended. Nobody
/// waits on a read's record, and each append is a commit (on SQLite an fsync and its WAL
/// frames): gathering turns a commit per few reads into one per window, which under a GET load
/// was most of the audit's cost. A write arriving ends the wait at once.
const READ_GATHER: Duration = Duration::from_millis(10);

/// A record (none for a flush), and for a write or a flush the caller waiting to hear it is
/// durable.
type Pending = (Option<NewAudit>, Option<oneshot::Sender<bool>>);

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
                gather_reads(&mut rx, &mut batch).await;
                let (records, waiters): (Vec<_>, Vec<_>) = batch.drain(..).unzip();
                let records = records.into_iter().flatten().collect();
                let ok = match store.append_audit(records).await {
                    Ok(()) => true,
                    Err(e) => {
                        tracing::error!(error = %e, "audit append failed");
                        metrics::counter!("flux_audit_failures_total").increment(1);
                        false
                    }
                };
                for w in waiters.into_iter().flatten() {
                    let _ = w.send(ok);
                }
            }
        });
        AuditSink { tx }
    }

    /// Queues a record for a coming batch without waiting for its commit (used for reads:
    /// see the pipeline). Waits only when the queue is full, which bounds memory.
    pub async fn record_later(&self, record: NewAudit) {
        if self.tx.send((Some(record), None)).await.is_err() {
            tracing::error!("audit sink stopped: a read's audit record was lost");
        }
    }

    /// Appends a record and waits until it is committed. False if it could not be stored.
    pub async fn record(&self, record: NewAudit) -> bool {
        let (done, wait) = oneshot::channel();
        if self.tx.send((Some(record), Some(done))).await.is_err() {
            return false;
        }
        wait.await.unwrap_or(false)
    }

    /// Waits until every record queued before it is committed: at shutdown, so that the read
    /// records a batch was still gathering are not lost with the process.
    pub async fn flush(&self) -> bool {
        let (done, wait) = oneshot::channel();
        if self.tx.send((None, Some(done))).await.is_err() {
            return false;
        }
        wait.await.unwrap_or(false)
    }
}

/// While the batch holds only reads, takes more records for up to READ_GATHER, until the batch
/// is full or a write (someone waiting) is in it.
async fn gather_reads(rx: &mut mpsc::Receiver<Pending>, batch: &mut Vec<Pending>) {
    let deadline = tokio::time::Instant::now() + READ_GATHER;
    let mut seen = 0;
    while batch.len() < MAX_BATCH && batch[seen..].iter().all(|(_, w)| w.is_none()) {
        seen = batch.len();
        let more = rx.recv_many(batch, MAX_BATCH - batch.len());
        match tokio::time::timeout_at(deadline, more).await {
            Ok(n) if n > 0 => {}
            _ => return, // the window ended, or the channel closed
        }
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
    "secret_key",
    "private_key",
    "security_code",
    "card_pin",
    // A link that reveals card data once (cards): a bearer credential for its 60 s.
    "reveal_url",
];
const CARD_KEYS: &[&str] = &["card_number", "cardnumber", "pan"];

/// Redacts a JSON body for the audit trail. Non-JSON bodies are kept only by their size.
pub fn redact_body(body: &[u8]) -> Option<String> {
    if body.is_empty() {
        return None;
    }
    if let Some(text) = nothing_to_redact(body) {
        return Some(cut(text.to_string()));
    }
    let Ok(mut v) = serde_json::from_slice::<Value>(body) else {
        return Some(format!("<{} bytes, not JSON>", body.len()));
    };
    redact(&mut v);
    Some(cut(v.to_string()))
}

/// The body as it is, when it is JSON and nothing in it could need redacting: no string (key
/// or value) that names a secret or card field, looks like a Flux key or a card number, or has
/// an escape (which could spell any of those), and no number long enough to be a card. Most
/// bodies are such, and are then kept without being parsed into a tree and written again
/// (which was most of the audit's cost on the request path). Anything else takes `redact`.
fn nothing_to_redact(body: &[u8]) -> Option<&str> {
    let text = std::str::from_utf8(body).ok()?;
    serde_json::from_str::<serde::de::IgnoredAny>(text).ok()?;
    let mut rest = text;
    while let Some(open) = rest.find('"') {
        let after = &rest[open + 1..];
        let close = after.find('"')?;
        let string = &after[..close];
        if long_number(&rest[..open]) || string.contains('\\') || sensitive(string) {
            return None;
        }
        rest = &after[close + 1..];
    }
    (!long_number(rest)).then_some(text)
}

/// Outside strings JSON has only numbers, literals and punctuation: a run of 13 characters or
/// more between punctuation is a number that could be a card's, and so is a number with an
/// exponent, however short (`3.4e15`).
fn long_number(outside_strings: &str) -> bool {
    outside_strings
        .split(|c: char| matches!(c, ',' | ':' | '[' | ']' | '{' | '}') || c.is_whitespace())
        .any(|run| {
            let number = run.starts_with(|c: char| c.is_ascii_digit() || c == '-');
            run.len() >= 13 || (number && run.contains(['e', 'E']))
        })
}

/// What `redact` acts on in a string, checked without allocating (this runs on every string
/// of every body).
fn sensitive(string: &str) -> bool {
    named_in(string, SECRET_KEYS)
        || named_in(string, CARD_KEYS)
        || crate::keys::looks_like_key(string)
        || contains_card(string)
}

/// Cuts a body kept in the trail to MAX_AUDIT_BODY, on a character boundary.
fn cut(mut text: String) -> String {
    if text.len() > MAX_AUDIT_BODY {
        let mut cut = MAX_AUDIT_BODY;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        text.truncate(cut);
        text.push_str("…<truncated>");
    }
    text
}

pub fn redact(v: &mut Value) {
    match v {
        Value::Object(map) => {
            hide_names(map);
            for (k, val) in map.iter_mut() {
                if named_in(k, SECRET_KEYS) {
                    *val = Value::String(REDACTED.into());
                } else if named_in(k, CARD_KEYS) {
                    mask_card_value(val);
                } else {
                    redact(val);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(redact),
        // Defence in depth: a Flux key under any name is removed, and a card number anywhere
        // in a string (13–19 digits passing Luhn, grouped or not) keeps its last four digits.
        Value::String(s) if crate::keys::looks_like_key(s) => *s = REDACTED.into(),
        Value::String(s) => {
            if let Some(hidden) = masked(s) {
                *s = hidden;
            }
        }
        // …and a card number sent as a JSON number under any other name.
        Value::Number(n) => {
            if let Some(masked) = card_in_number(n) {
                *v = Value::String(masked);
            }
        }
        _ => {}
    }
}

/// A field *name* can be the secret too (`{"4111111111111111": "visa"}`, a key used as a map
/// key): such names are hidden as values are. Two hidden names that come out the same keep
/// both values, under numbered names.
fn hide_names(map: &mut serde_json::Map<String, Value>) {
    let hidden = |name: &str| crate::keys::looks_like_key(name) || contains_card(name);
    if !map.keys().any(|k| hidden(k)) {
        return;
    }
    // Rebuilt in order, so the trail shows the fields as they were sent.
    for (i, (name, value)) in std::mem::take(map).into_iter().enumerate() {
        let mut shown = if crate::keys::looks_like_key(&name) {
            REDACTED.to_string()
        } else {
            mask_cards(&name).into_owned()
        };
        // Never over another field: a partner could name one to erase it from the trail.
        let mut n = i;
        while map.contains_key(&shown) {
            shown = format!("{}#{n}", shown.split('#').next().unwrap_or_default());
            n += 1;
        }
        map.insert(shown, value);
    }
}

/// A JSON number that could be a card number, masked: an integer of 13–19 digits passing
/// Luhn, or one written as a float (`4111111111111111.0`). A float of 13 digits or more
/// before its point is masked whatever its check digit, since a float may have rounded the
/// digits (a false positive only hides a value from the trail).
fn card_in_number(n: &serde_json::Number) -> Option<String> {
    if let Some(hidden) = masked(&n.to_string()) {
        return Some(hidden);
    }
    let whole = n.as_f64().filter(|f| n.is_f64() && f.abs() >= 1e12)?;
    Some(flux_core::card::mask(&format!("{:.0}", whole.abs())))
}

const REDACTED: &str = "[REDACTED]";

/// A field name is one of `names` by its letters and digits, whatever its case and separators:
/// `accessToken`, `access-token` and `ACCESS_TOKEN` all name `access_token`. No allocation
/// (it runs on every key, and in `nothing_to_redact` on every string).
fn named_in(field: &str, names: &[&str]) -> bool {
    let field_letters = || {
        field
            .bytes()
            .filter(u8::is_ascii_alphanumeric)
            .map(|b| b.to_ascii_lowercase())
    };
    names.iter().any(|n| {
        n.bytes()
            .filter(u8::is_ascii_alphanumeric)
            .eq(field_letters())
    })
}

/// A card field keeps its last four characters; one sent as a JSON number too, which would
/// otherwise be stored whole.
fn mask_card_value(v: &mut Value) {
    match v {
        Value::String(s) => *s = flux_core::card::mask(s),
        Value::Number(n) => *v = Value::String(flux_core::card::mask(&n.to_string())),
        other => redact(other),
    }
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
    let path: Vec<Cow<str>> = path
        .split('/')
        .map(|segment| {
            let text = decoded(segment);
            if crate::keys::looks_like_key(&text) {
                Cow::Borrowed(REDACTED)
            } else if let Some(hidden) = masked(&text) {
                Cow::Owned(encoded(&hidden))
            } else {
                Cow::Borrowed(segment)
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
    // A card number can be the name too (`?4111111111111111=1`).
    let card_name = masked(&name).map(|hidden| encoded(&hidden));
    // A bare name (`?verbose`) carries no value to hide.
    let Some((raw_name, _)) = raw.split_once('=') else {
        return card_name.unwrap_or_else(|| raw.into());
    };
    let raw_name = card_name.as_deref().unwrap_or(raw_name);
    let hidden = match sensitivity(&name) {
        Sensitivity::Secret => REDACTED.to_string(),
        Sensitivity::Card => encoded(&flux_core::card::mask(&value)),
        Sensitivity::Plain if crate::keys::looks_like_key(&value) => REDACTED.to_string(),
        Sensitivity::Plain => match masked(&value) {
            Some(hidden) => encoded(&hidden),
            None if card_name.is_none() => return raw.into(),
            None => raw.split_once('=').map_or("", |(_, v)| v).to_string(),
        },
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

    fn read_record(path: &str) -> Pending {
        let record = NewAudit {
            at: flux_core::time::now(),
            partner_id: None,
            key_prefix: None,
            method: "GET".into(),
            path: path.into(),
            status: 200,
            latency_us: 1,
            request_id: path.into(),
            correlation_id: None,
            request_body: None,
            response_body: None,
        };
        (Some(record), None)
    }

    fn write_record() -> (Pending, oneshot::Receiver<bool>) {
        let (done, wait) = oneshot::channel();
        let (record, _) = read_record("/write");
        let mut record = record.unwrap();
        record.method = "POST".into();
        ((Some(record), Some(done)), wait)
    }

    #[tokio::test]
    async fn a_batch_with_a_write_is_appended_without_gathering() {
        let (tx, mut rx) = mpsc::channel(16);
        let (write, _wait) = write_record();
        let mut batch = vec![write];
        tx.send(read_record("/later")).await.unwrap();
        gather_reads(&mut rx, &mut batch).await;
        assert_eq!(batch.len(), 1, "a write must not wait for reads");
    }

    #[tokio::test]
    async fn reads_gather_until_a_write_comes() {
        let (tx, mut rx) = mpsc::channel(16);
        let mut batch = vec![read_record("/a")];
        let (write, _wait) = write_record();
        tx.send(read_record("/b")).await.unwrap();
        tx.send(write).await.unwrap();
        gather_reads(&mut rx, &mut batch).await;
        assert_eq!(batch.len(), 3);
        assert!(batch[2].1.is_some(), "the write ends the gathering");
    }

    #[tokio::test]
    async fn gathering_ends_when_the_channel_closes() {
        let (tx, mut rx) = mpsc::channel(16);
        tx.send(read_record("/b")).await.unwrap();
        drop(tx);
        let mut batch = vec![read_record("/a")];
        gather_reads(&mut rx, &mut batch).await;
        assert_eq!(batch.len(), 2);
    }

    #[test]
    fn a_body_with_nothing_to_redact_is_kept_as_sent() {
        let body = br#"{"data":[{"id":"5b0c","clabe":"646180000000000003","balance":"10.50","n":12}],"ok":true}"#;
        assert_eq!(redact_body(body).unwrap().as_bytes(), body);
        // …and one that needs it never is: each of these takes the full redaction.
        for body in [
            &br#"{"Token":"abc"}"#[..],
            br#"{"a":"flux_live_abc"}"#,
            br#"{"a":"key: FLUX_TEST_abc"}"#,
            br#"{"a":"4772130000000003"}"#,
            br#"{"a":4772130000000003}"#,
            br#"{"a":[1, 4772130000000003]}"#,
            br#"{"\u0074oken":"abc"}"#,
            br#"{"pan":"12345678"}"#,
        ] {
            assert_eq!(
                nothing_to_redact(body),
                None,
                "{}",
                String::from_utf8_lossy(body)
            );
            assert_ne!(redact_body(body).unwrap().as_bytes(), body);
        }
        assert_eq!(redact_body(b"{not json").unwrap(), "<9 bytes, not JSON>");
    }

    #[test]
    fn secret_fields_are_known_by_their_letters_whatever_the_case() {
        let body = br#"{"accessToken":"eyJhbGciOi","clientSecret":"s3cr3t-value","Card-Number":"4772130000000003","privateKey":"pk-value"}"#;
        let out = redact_body(body).unwrap();
        for leak in ["eyJhbGciOi", "s3cr3t-value", "4772130000000003", "pk-value"] {
            assert!(!out.contains(leak), "{leak} in {out}");
        }
        assert!(nothing_to_redact(br#"{"tracking_key":"ABC"}"#).is_some());
    }

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
    fn cards_in_free_text_names_and_floats_are_masked() {
        for (body, kept) in [
            // In a sentence, grouped by spaces or dashes.
            (
                r#"{"description":"tarjeta 4111 1111 1111 1111 gracias"}"#,
                r#"{"description":"tarjeta **** **** **** 1111 gracias"}"#,
            ),
            (
                r#"{"concept":"4111-1111-1111-1111"}"#,
                r#"{"concept":"****-****-****-1111"}"#,
            ),
            // As a field's name, and a Flux key as a name.
            (
                r#"{"4772130000000003":"visa","flux_live_abc":1}"#,
                r#"{"************0003":"visa","[REDACTED]":1}"#,
            ),
            // As a float, with or without a valid check digit.
            (
                r#"{"n":4111111111111111.0,"m":4.111111111111112e15}"#,
                r#"{"n":"************1111.0","m":"************1112"}"#,
            ),
        ] {
            assert_eq!(redact_body(body.as_bytes()).unwrap(), kept, "{body}");
        }
        // Two names that hide the same way keep both values, and a hidden name never lands
        // on a field that was sent.
        for body in [
            r#"{"flux_test_a":1,"flux_test_b":2}"#,
            r#"{"[REDACTED]":"a","[REDACTED]#2":"b","flux_test_x":"c","flux_test_y":"d"}"#,
        ] {
            let out = redact_body(body.as_bytes()).unwrap();
            let out: Value = serde_json::from_str(&out).unwrap();
            let sent: Value = serde_json::from_str(body).unwrap();
            assert_eq!(
                out.as_object().unwrap().len(),
                sent.as_object().unwrap().len()
            );
            assert!(!out.to_string().contains("flux_test"), "{out}");
        }
        // A short float with an exponent is not kept by the fast path.
        assert_eq!(
            redact_body(br#"{"n":3.4e15}"#).unwrap(),
            r#"{"n":"************0000.0"}"#
        );
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
            (
                "/api/cards/4111111111111111/x",
                "/api/cards/************1111/x",
            ),
            (
                "/api/x?4111111111111111=1&b=2",
                "/api/x?************1111=1&b=2",
            ),
            ("/api/x?4111111111111111", "/api/x?************1111"),
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
