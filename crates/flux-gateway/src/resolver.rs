//! The resolver: nothing stays in between. A money movement still not final after
//! [`ResolverConfig::after`] is resolved with what the provider offers, in `flux serve`'s
//! background (also after a restart: the records are durable) or by hand with `flux resolve`.
//!
//! Fincore's documented API has no transaction read. What it does offer:
//! - a money-out's answer, replayed: the same Idempotency-Key with the same body returns the
//!   stored answer for 24 h without moving money again. That gives the Fincore id, and the
//!   STATUS_UPDATEs held for it then apply. A money-out Fincore never received is executed by
//!   that call, which is what the partner asked for and was told may still happen (5xx, 504).
//!   Near and past the key's lifetime a replay could execute a second transfer, so the
//!   resolver never re-sends then: the movement goes to the operator's review list.
//! - refunds carry no key at Fincore: an unknown refund is never re-sent; it goes to review.
//! - a transfer Fincore accepted but never reported final: review, with how long it has been.
//!
//! Every decision is a status report through the state machine (see [`flux_store::status`]),
//! so a late webhook and the resolver cannot disagree about the books.

use crate::delivery::events;
use fincore::{CallContext, ClientCredentials, FincoreClient, FincoreError};
use flux_core::{TxKind, TxStatus};
use flux_store::{NewReview, ReviewKind, SaveOutcome, Store, TransactionRecord};
use std::time::Duration;

#[derive(Debug, Clone)]
pub struct ResolverConfig {
    /// A movement unchanged for this long is resolved.
    pub after: Duration,
    /// A money-out older than this is never re-sent (Fincore keeps its key 24 h).
    pub replay_until: Duration,
}

/// How long after its creation a money-out may still be sent to Fincore with its key: Fincore
/// keeps a key 24 h, and an hour's margin keeps a replay from arriving just after it forgets.
pub fn replay_window() -> chrono::Duration {
    chrono::Duration::hours(23)
}

impl Default for ResolverConfig {
    fn default() -> Self {
        ResolverConfig {
            after: Duration::from_secs(120),
            replay_until: Duration::from_secs(23 * 3600),
        }
    }
}

/// What the resolver did with one movement.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Resolution {
    pub transaction_id: uuid::Uuid,
    pub kind: TxKind,
    pub was: TxStatus,
    /// Its status now, when the resolver learned it.
    pub now: Option<TxStatus>,
    pub action: String,
}

/// Resolves every movement that has stayed non-final too long. Never fails as a whole: a
/// provider that does not answer leaves the movement for the next round.
pub async fn resolve(
    store: &Store,
    fincore: &FincoreClient,
    config: &ResolverConfig,
) -> anyhow::Result<Vec<Resolution>> {
    let now = flux_core::time::now();
    let cutoff = now - chrono::Duration::from_std(config.after)?;
    let mut done = Vec::new();
    // Events held while another instance learned their transaction's reference (each saw
    // the other's write uncommitted) are applied here, whatever else happens.
    store
        .apply_matched_held(Some(events::STATUS_UPDATE))
        .await?;
    for t in store.open_transactions_before(cutoff, false, 500).await? {
        // One movement that cannot be settled must not stall the others.
        let action = match resolve_one(store, fincore, config, &t).await {
            Ok(action) => action,
            Err(e) => {
                tracing::warn!(transaction_id = %t.id, error = %e, "resolver could not settle a movement");
                format!("error: {e}; next round")
            }
        };
        let current = store.get_transaction(t.id).await?.map(|r| r.status);
        done.push(Resolution {
            transaction_id: t.id,
            kind: t.kind,
            was: t.status,
            now: current.filter(|s| *s != t.status),
            action,
        });
    }
    Ok(done)
}

async fn resolve_one(
    store: &Store,
    fincore: &FincoreClient,
    config: &ResolverConfig,
    t: &TransactionRecord,
) -> anyhow::Result<String> {
    let age = (flux_core::time::now() - t.created_at)
        .to_std()
        .unwrap_or_default();
    let unanswered = matches!(t.status, TxStatus::Submitting | TxStatus::Unknown);
    match (t.kind, unanswered, &t.provider_reference) {
        (TxKind::MoneyOut, true, None) if age < config.replay_until => {
            replay_money_out(store, fincore, t).await
        }
        (TxKind::MoneyOut, true, None) => {
            let reason = format!(
                "money-out outcome unknown after {}; Fincore keeps its idempotency key 24 h, so it is not re-sent. Check it at Fincore and record the outcome",
                human(age)
            );
            review(store, t, reason).await
        }
        (TxKind::Refund, true, _) => {
            let reason = "refund outcome unknown: Fincore refunds carry no idempotency key, so Flux never sends one twice. Check it at Fincore and record the outcome".to_string();
            review(store, t, reason).await
        }
        _ => {
            let reason = format!(
                "{} for {} with no final status from Fincore, whose API has no transaction read. Check it at Fincore and record the outcome",
                t.status,
                human(age)
            );
            review(store, t, reason).await
        }
    }
}

/// Asks Fincore again with the same key and body: the stored answer comes back (or, if the
/// first call never reached Fincore, the transfer is made now, once).
async fn replay_money_out(
    store: &Store,
    fincore: &FincoreClient,
    t: &TransactionRecord,
) -> anyhow::Result<String> {
    let Some(client) = store.get_client(t.client_id).await? else {
        return review(store, t, "its client is gone".into()).await;
    };
    let Some(request) = crate::routes::transactions::money_out_request(t) else {
        return review(store, t, "the record lacks what a replay needs".into()).await;
    };
    let creds = ClientCredentials {
        client_id: client.client_id,
        client_secret: client.provider_secret.clone().unwrap_or_default(),
    };
    let ctx = CallContext {
        request_id: Some(format!("resolver-{}", t.id)),
        traceparent: None,
    };
    let answer = fincore.money_out(&creds, &request, t.id, &ctx).await;
    let mut record = t.clone();
    record.updated_at = flux_core::time::now();
    match &answer {
        Ok(a) => {
            record.status =
                fincore::normalize::status(&a.transaction_status).unwrap_or(TxStatus::Unknown);
            record.provider_reference = Some(a.id.to_string());
            record.tracking_key = Some(a.tracking_id.clone());
        }
        Err(e @ FincoreError::Rejected { code, message, .. }) if e.is_definitive_refusal() => {
            record.status = TxStatus::Failed;
            record.failure_code = Some(code.clone());
            record.failure_description = Some(message.clone());
        }
        Err(e) => {
            return Ok(format!(
                "Fincore did not answer the replay ({e}); next round"
            ))
        }
    }
    store
        .save_outcome(SaveOutcome {
            txn: Some(record),
            notify: Some(events::STATUS_UPDATE),
            announce: true,
            source: "the resolver's replay".into(),
            ..Default::default()
        })
        .await?;
    Ok(match answer {
        Ok(a) => format!("replayed: Fincore id {}", a.id),
        Err(e) => format!("replayed: Fincore refused it ({e})"),
    })
}

async fn review(store: &Store, t: &TransactionRecord, reason: String) -> anyhow::Result<String> {
    store
        .file_review(NewReview {
            kind: ReviewKind::UnknownOutcome,
            provider: t.provider.clone(),
            client_id: Some(t.client_id),
            transaction_id: Some(t.id),
            id_msg: None,
            reason: reason.clone(),
        })
        .await?;
    Ok(format!("to review: {reason}"))
}

fn human(d: Duration) -> String {
    let s = d.as_secs();
    match s {
        0..=119 => format!("{s} s"),
        120..=7199 => format!("{} min", s / 60),
        _ => format!("{} h", s / 3600),
    }
}
