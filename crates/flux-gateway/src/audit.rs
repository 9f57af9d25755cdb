//! The audit sink. Requests hand their record to one background task that appends everything
//! waiting as one batch (one transaction, one chain extension) and tells each request when its
//! record is durable; a request that changes anything is answered only then. Reads (GET, HEAD)
//! are queued into the same batches without waiting for the commit: they change nothing, so
//! the only exposure is losing the last few milliseconds of read records if the process dies,
//! and in exchange a read costs no fsync. Bodies are redacted first: API keys,
//! tokens, secrets, PINs and CVCs removed, card numbers cut to their last four digits.

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
                    *val = Value::String("[REDACTED]".into());
                } else if CARD_KEYS.contains(&key.as_str()) {
                    if let Value::String(s) = val {
                        *s = flux_core::card::mask(s);
                    }
                } else {
                    redact(val);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(redact),
        // Defence in depth: any 13–19 digit string that passes Luhn is treated as a card number.
        Value::String(s)
            if (13..=19).contains(&s.len())
                && s.bytes().all(|b| b.is_ascii_digit())
                && flux_core::card::luhn_ok(s) =>
        {
            *s = flux_core::card::mask(s);
        }
        _ => {}
    }
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
}
