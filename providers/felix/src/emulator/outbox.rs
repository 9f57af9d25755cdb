//! Undelivered notifications, as the seed describes them: Félix caches only the deltas of
//! unsent notifications, one notification per transaction. While a provider's callback is
//! failing, later changes of a transaction are folded into its notification (one more delta,
//! and the transaction as it is now) instead of making more requests; the next attempt sends
//! every pending notification in one `NotificationsContainer`. Retries wait 60 s, then double,
//! at most 10 (both configurable). When they run out the notifications stay cached until
//! `POST /api/v1/notification/{provider_id}/retry` asks again.
//!
//! This file is the bookkeeping only; `notify.rs` does the HTTP.

use super::state::{Outbox, Pending, State};
use crate::wire::{Notification, NotificationDelta, NotificationsContainer, TransactionResponse};
use chrono::{DateTime, Utc};
use std::time::Duration;

/// Retry policy for callbacks.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    /// Wait before the first retry; each next one waits twice as long.
    pub first_delay: Duration,
    /// Retries after the first attempt.
    pub max_retries: u32,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            first_delay: Duration::from_secs(60),
            max_retries: 10,
        }
    }
}

/// One delivery: where, what, and how many deltas of each transaction it carries.
pub(crate) struct Delivery {
    pub provider_id: String,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: NotificationsContainer,
    sent: Vec<(String, usize)>,
}

impl State {
    /// Adds deltas to a transaction's pending notification (made if none is pending) and
    /// refreshes its view. A provider without a callback gets nothing: there is nowhere to send.
    /// Returns false then.
    pub fn enqueue(
        &mut self,
        provider_id: &str,
        transaction_id: &str,
        transaction: TransactionResponse,
        deltas: Vec<NotificationDelta>,
        now: DateTime<Utc>,
    ) -> bool {
        let has_callback = self
            .providers
            .get(provider_id)
            .is_some_and(|p| p.callback_url.is_some());
        if !has_callback {
            return false;
        }
        let outbox = self.outboxes.entry(provider_id.to_string()).or_default();
        match outbox
            .pending
            .iter_mut()
            .find(|p| p.transaction_id == transaction_id)
        {
            Some(p) => {
                p.transaction = transaction;
                p.deltas.extend(deltas);
            }
            None => outbox.pending.push(Pending {
                transaction_id: transaction_id.to_string(),
                transaction,
                deltas,
            }),
        }
        // A healthy callback is sent at once; a failing one waits for its retry (coalescing).
        if outbox.failures == 0 && !outbox.exhausted {
            outbox.next_attempt_at = Some(now);
        }
        self.stats.notifications_queued += 1;
        true
    }

    /// Deliveries due now, marked in flight so that each goes out once at a time.
    pub fn take_due(&mut self, now: DateTime<Utc>) -> Vec<Delivery> {
        let mut due = Vec::new();
        for (provider_id, outbox) in self.outboxes.iter_mut() {
            let ready = !outbox.in_flight
                && !outbox.pending.is_empty()
                && outbox.next_attempt_at.is_some_and(|t| t <= now);
            let Some(provider) = self.providers.get(provider_id).filter(|_| ready) else {
                continue;
            };
            let Some(url) = provider.callback_url.clone() else {
                continue;
            };
            outbox.in_flight = true;
            due.push(Delivery {
                provider_id: provider_id.clone(),
                headers: provider
                    .headers
                    .clone()
                    .unwrap_or_default()
                    .into_iter()
                    .collect(),
                body: container(provider_id, &url, outbox),
                sent: outbox
                    .pending
                    .iter()
                    .map(|p| (p.transaction_id.clone(), p.deltas.len()))
                    .collect(),
                url,
            });
        }
        self.stats.callback_attempts += due.len() as u64;
        due
    }

    /// Records a delivery's outcome: delivered deltas leave the cache (changes that arrived
    /// meanwhile stay, due at once); a failure schedules the next retry, or gives up.
    pub fn finish(
        &mut self,
        d: &Delivery,
        delivered: bool,
        policy: RetryPolicy,
        now: DateTime<Utc>,
    ) {
        let Some(outbox) = self.outboxes.get_mut(&d.provider_id) else {
            return;
        };
        outbox.in_flight = false;
        if delivered {
            self.stats.callbacks_delivered += 1;
            remove_sent(outbox, &d.sent);
            outbox.failures = 0;
            outbox.next_attempt_at = (!outbox.pending.is_empty()).then_some(now);
            return;
        }
        self.stats.callback_failures += 1;
        outbox.failures += 1;
        if outbox.failures > policy.max_retries {
            outbox.exhausted = true;
            outbox.next_attempt_at = None;
            return;
        }
        let factor = 1u32 << (outbox.failures - 1).min(20);
        let wait = policy.first_delay.saturating_mul(factor);
        outbox.next_attempt_at =
            Some(now + chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::MAX));
    }

    /// The retry endpoint: pending notifications go out now, with a fresh retry budget.
    /// Returns how many there are.
    pub fn retry_now(&mut self, provider_id: &str, now: DateTime<Utc>) -> usize {
        self.stats.retries_requested += 1;
        let Some(outbox) = self.outboxes.get_mut(provider_id) else {
            return 0;
        };
        outbox.failures = 0;
        outbox.exhausted = false;
        if !outbox.pending.is_empty() {
            outbox.next_attempt_at = Some(now);
        }
        outbox.pending.len()
    }

    /// Notifications of a provider not yet delivered.
    pub fn pending_count(&self, provider_id: &str) -> usize {
        self.outboxes
            .get(provider_id)
            .map_or(0, |o| o.pending.len())
    }
}

fn container(provider_id: &str, url: &str, outbox: &Outbox) -> NotificationsContainer {
    NotificationsContainer {
        provider_id: provider_id.to_string(),
        callback_url: url.to_string(),
        notifications: outbox
            .pending
            .iter()
            .map(|p| Notification {
                transaction: p.transaction.clone(),
                deltas: p.deltas.clone(),
                extra: Default::default(),
            })
            .collect(),
        extra: Default::default(),
    }
}

fn remove_sent(outbox: &mut Outbox, sent: &[(String, usize)]) {
    for (id, n) in sent {
        if let Some(p) = outbox.pending.iter_mut().find(|p| &p.transaction_id == id) {
            p.deltas.drain(..(*n).min(p.deltas.len()));
        }
    }
    // An entry that was sent and has no later delta is done; one that arrived meanwhile stays.
    outbox
        .pending
        .retain(|p| !p.deltas.is_empty() || !sent.iter().any(|(id, _)| *id == p.transaction_id));
}
