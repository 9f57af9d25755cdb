//! The resolver: nothing stays in between. A money movement still not final after
//! [`ResolverConfig::after`] is resolved with what its provider offers, in `flux serve`'s
//! background (also after a restart: the records are durable) or by hand with `flux resolve`.
//!
//! The loop is the provider's business only where it must be: each movement goes to the
//! [`crate::Provider`] its record names ([`crate::Provider::resolve`]), which knows how to ask
//! "what happened to this one?". A movement whose provider is not registered goes to the
//! operator's review list. [`review`] and [`human`] are shared with the providers.
//!
//! Every decision is a status report through the state machine (see [`flux_store::status`]),
//! so a late webhook and the resolver cannot disagree about the books.

use crate::delivery::events;
use crate::provider::Providers;
use flux_core::{TxKind, TxStatus};
use flux_store::{NewReview, ReviewKind, Store, TransactionRecord};
use std::time::Duration;

#[derive(Debug, Clone)]
pub struct ResolverConfig {
    /// A movement unchanged for this long is resolved.
    pub after: Duration,
    /// A money-out older than this is never re-sent (a provider's idempotency key expires;
    /// Fincore keeps its 24 h).
    pub replay_until: Duration,
    /// A completed remittance to a CLABE Flux serves whose credit has not arrived this long
    /// after it completed goes to the review list.
    pub settlement_window: Duration,
}

impl Default for ResolverConfig {
    fn default() -> Self {
        ResolverConfig {
            after: Duration::from_secs(120),
            replay_until: Duration::from_secs(23 * 3600),
            settlement_window: Duration::from_secs(3600),
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
    providers: &Providers,
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
    poll_providers(store, providers).await;
    file_unsettled(store, config.settlement_window).await?;
    for t in store.open_transactions_before(cutoff, false, 500).await? {
        // One movement that cannot be settled must not stall the others.
        let action = match resolve_one(store, providers, config, &t).await {
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

/// Each provider's own round ([`crate::Provider::poll`]); one that fails is logged and asked
/// again next round, without stopping the others.
async fn poll_providers(store: &Store, providers: &Providers) {
    for p in providers.iter() {
        match p.poll(store).await {
            Ok(actions) => {
                for action in actions {
                    tracing::info!(provider = p.name(), %action, "resolver poll");
                }
            }
            Err(e) => tracing::warn!(provider = p.name(), error = %e, "provider poll failed"),
        }
    }
}

/// Completed remittances whose credit is overdue (tried once more first) go to the review
/// list, once each.
async fn file_unsettled(store: &Store, window: Duration) -> anyhow::Result<()> {
    for r in store.file_overdue_settlements(window, 500).await? {
        tracing::warn!(remittance_id = %r.id, "completed remittance not settled in time");
    }
    Ok(())
}

async fn resolve_one(
    store: &Store,
    providers: &Providers,
    config: &ResolverConfig,
    t: &TransactionRecord,
) -> anyhow::Result<String> {
    match providers.by_name(&t.provider) {
        Some(provider) => provider.resolve(store, t, config).await,
        None => {
            let reason = format!(
                "its provider {:?} is not registered in this Flux; check it there and record the outcome",
                t.provider
            );
            review(store, t, reason).await
        }
    }
}

/// Files the movement for the operator's review list; returns the action, for the log.
pub async fn review(
    store: &Store,
    t: &TransactionRecord,
    reason: String,
) -> anyhow::Result<String> {
    // Only while it is still open: it may have settled since the resolver listed it.
    let filed = store
        .file_review_while_open(NewReview {
            kind: ReviewKind::UnknownOutcome,
            provider: t.provider.clone(),
            client_id: Some(t.client_id),
            transaction_id: Some(t.id),
            remittance_id: None,
            id_msg: None,
            reason: reason.clone(),
        })
        .await?;
    Ok(if filed {
        format!("to review: {reason}")
    } else {
        "not filed for review: settled meanwhile, or already in review".to_string()
    })
}

/// A duration as an operator reads it: seconds, minutes or hours.
pub fn human(d: Duration) -> String {
    let s = d.as_secs();
    match s {
        0..=119 => format!("{s} s"),
        120..=7199 => format!("{} min", s / 60),
        _ => format!("{} h", s / 3600),
    }
}
