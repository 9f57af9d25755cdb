//! Fincore's part of the resolver (the loop is `flux_gateway::resolver`'s).
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

use crate::{CallContext, ClientCredentials, FincoreClient};
use flux_core::{TxKind, TxStatus};
use flux_gateway::delivery::events;
use flux_gateway::resolver::{human, review, ResolverConfig};
use flux_store::{SaveOutcome, Store, TransactionRecord};

/// How long after its creation a money-out may still be sent to Fincore with its key: Fincore
/// keeps a key 24 h, and an hour's margin keeps a replay from arriving just after it forgets.
pub fn replay_window() -> chrono::Duration {
    chrono::Duration::hours(23)
}

/// Settles one Fincore movement left non-final past the resolver's window.
pub async fn resolve_one(
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
    let Some(request) = super::routes::transactions::money_out_request(t) else {
        return review(store, t, "the record lacks what a replay needs".into()).await;
    };
    let creds = ClientCredentials {
        client_id: client.client_id,
        client_secret: client.secret_at(crate::gateway::NAME),
    };
    let ctx = CallContext {
        request_id: Some(format!("resolver-{}", t.id)),
        traceparent: None,
    };
    let answer = fincore.money_out(&creds, &request, t.id, &ctx).await;
    // Only an answer or a definitive refusal settles anything; otherwise, next round.
    match &answer {
        Err(e) if !e.is_definitive_refusal() => {
            return Ok(format!(
                "Fincore did not answer the replay ({e}); next round"
            ))
        }
        _ => {}
    }
    let mut record = t.clone();
    super::routes::transactions::apply(&mut record, &answer);
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
