//! Provider webhooks. The raw event and its effect on Flux's books commit in one transaction,
//! deduplicated on the provider's message id: a repeat changes nothing.

use crate::outbox::{enqueue, Delta, OutboundEvent};
use crate::sql::tx_fn;
use crate::transactions::{book, by_reference, insert_if_new};
use crate::*;

/// What an inbound event does to Flux's state.
#[derive(Debug, Clone, PartialEq)]
pub enum InboundEffect {
    /// Nothing beyond keeping the event (e.g. a money-in for an unknown account, kept unmatched).
    None,
    /// A new transaction (a money-in).
    InsertTransaction(Box<TransactionRecord>),
    /// A CEP status change of the transaction with this provider reference.
    UpdateCep {
        provider_reference: String,
        cep_status: String,
        processed_at: Option<DateTime<Utc>>,
    },
    /// A status change of the transaction with this provider reference.
    UpdateStatus {
        provider_reference: String,
        status: String,
        failure_code: Option<String>,
        failure_description: Option<String>,
        updated_at: DateTime<Utc>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InboundOutcome {
    /// First time this message id was seen; its effect was applied.
    Applied,
    /// Seen before; nothing changed.
    Duplicate,
}

impl Store {
    /// Records a provider event and applies its effect, once per message id. When `notify` is
    /// given and the effect changed a transaction, the partner's webhook deliveries for it are
    /// queued in the same transaction (see [`crate::outbox`]).
    pub async fn record_inbound(
        &self,
        event: InboundEvent,
        effect: InboundEffect,
        notify: Option<OutboundEvent>,
    ) -> Result<InboundOutcome> {
        let books = self.books();
        self.write(tx_fn(move |tx| {
            Box::pin(async move {
                let inserted = tx
                    .exec(
                        "INSERT INTO inbound_events (provider, id_msg, msg_name, raw, client_id, transaction_id, received_at)
                         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING",
                        &[
                            event.provider.clone().into(),
                            event.id_msg.clone().into(),
                            event.msg_name.clone().into(),
                            event.raw.clone().into(),
                            event.client_id.into(),
                            event.transaction_id.into(),
                            micros(event.received_at),
                        ],
                    )
                    .await?;
                if inserted == 0 {
                    return Ok(InboundOutcome::Duplicate);
                }
                let now = flux_core::time::now();
                match &effect {
                    InboundEffect::None => {}
                    InboundEffect::InsertTransaction(t) => {
                        if insert_if_new(tx, t).await? {
                            book(&books, tx, None, t).await?;
                            if let Some(n) = &notify {
                                enqueue(tx, n, t, None, now).await?;
                            }
                        }
                    }
                    InboundEffect::UpdateCep {
                        provider_reference,
                        cep_status,
                        processed_at,
                    } => {
                        tx.exec(
                            "UPDATE transactions SET cep_status = $3, cep_processed_at = COALESCE($4, cep_processed_at)
                             WHERE provider = $1 AND provider_reference = $2",
                            &[
                                event.provider.clone().into(),
                                provider_reference.clone().into(),
                                cep_status.clone().into(),
                                opt_micros(*processed_at),
                            ],
                        )
                        .await?;
                        if let Some(n) = &notify {
                            if let Some(t) =
                                by_reference(tx, &event.provider, provider_reference).await?
                            {
                                enqueue(tx, n, &t, None, now).await?;
                            }
                        }
                    }
                    InboundEffect::UpdateStatus {
                        provider_reference,
                        status,
                        failure_code,
                        failure_description,
                        updated_at,
                    } => {
                        let before = by_reference(tx, &event.provider, provider_reference).await?;
                        tx.exec(
                            "UPDATE transactions SET status = $3, failure_code = $4, failure_description = $5, updated_at = $6
                             WHERE provider = $1 AND provider_reference = $2",
                            &[
                                event.provider.clone().into(),
                                provider_reference.clone().into(),
                                status.clone().into(),
                                failure_code.clone().into(),
                                failure_description.clone().into(),
                                micros(*updated_at),
                            ],
                        )
                        .await?;
                        if let Some(before) = &before {
                            let after = TransactionRecord {
                                status: status.clone(),
                                failure_code: failure_code.clone(),
                                failure_description: failure_description.clone(),
                                updated_at: *updated_at,
                                ..before.clone()
                            };
                            book(&books, tx, Some(before), &after).await?;
                        }
                        // A repeated status is no change: nothing to tell the partner.
                        if let (Some(n), Some(before)) = (&notify, before) {
                            if before.status != *status {
                                let delta = Delta {
                                    old_status: before.status.clone(),
                                    new_status: status.clone(),
                                    updated_at: *updated_at,
                                };
                                // The row as the UPDATE above left it.
                                let after = TransactionRecord {
                                    status: status.clone(),
                                    failure_code: failure_code.clone(),
                                    failure_description: failure_description.clone(),
                                    updated_at: *updated_at,
                                    ..before
                                };
                                enqueue(tx, n, &after, Some(delta), now).await?;
                            }
                        }
                    }
                }
                Ok(InboundOutcome::Applied)
            })
        }))
        .await
    }

    /// Resolves an unmatched event: assigns it to the transaction's client and records the
    /// transaction, in one transaction. NotFound unless the event exists and is unmatched.
    pub async fn resolve_unmatched(
        &self,
        provider: &str,
        id_msg: &str,
        txn: TransactionRecord,
        notify: Option<OutboundEvent>,
    ) -> Result<()> {
        let (provider, id_msg) = (provider.to_string(), id_msg.to_string());
        let books = self.books();
        self.write(tx_fn(move |tx| {
            Box::pin(async move {
                let changed = tx
                    .exec(
                        "UPDATE inbound_events SET client_id = $3, transaction_id = $4
                         WHERE provider = $1 AND id_msg = $2 AND client_id IS NULL",
                        &[
                            provider.into(),
                            id_msg.into(),
                            txn.client_id.into(),
                            txn.id.into(),
                        ],
                    )
                    .await?;
                if changed == 0 {
                    return Err(StoreError::NotFound);
                }
                if insert_if_new(tx, &txn).await? {
                    book(&books, tx, None, &txn).await?;
                    if let Some(n) = &notify {
                        enqueue(tx, n, &txn, None, flux_core::time::now()).await?;
                    }
                }
                Ok(())
            })
        }))
        .await
    }

    /// Inbound events whose account matched no client: for an operator to resolve.
    pub async fn unmatched_inbound(&self, limit: i64) -> Result<Vec<InboundEvent>> {
        let rows = self
            .query(
                "SELECT provider, id_msg, msg_name, raw, client_id, transaction_id, received_at FROM inbound_events
                 WHERE client_id IS NULL AND msg_name = 'MONEY_IN' ORDER BY received_at LIMIT $1",
                vec![limit.into()],
            )
            .await?;
        rows.iter()
            .map(|r| {
                Ok(InboundEvent {
                    provider: r.text(0)?,
                    id_msg: r.text(1)?,
                    msg_name: r.text(2)?,
                    raw: r.text(3)?,
                    client_id: r.opt_uuid(4)?,
                    transaction_id: r.opt_uuid(5)?,
                    received_at: instant(r, 6)?,
                })
            })
            .collect()
    }
}
