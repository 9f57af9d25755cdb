//! Provider webhooks. The raw event and its effect on Flux's books commit in one transaction,
//! deduplicated on the provider's message id: a repeat changes nothing.

use crate::books::Books;
use crate::outbox::{enqueue, OutboundEvent};
use crate::review::{self, NewReview, ReviewKind};
use crate::sql::{tx_fn, Tx};
use crate::status::{apply_report, Applied, Source, StatusReport};
use crate::transactions::{book, by_reference, insert_if_new};
use crate::*;
use flux_core::TxStatus;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// What an inbound event does to Flux's state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "effect", rename_all = "snake_case")]
pub enum InboundEffect {
    /// Nothing beyond keeping the event.
    None,
    /// A new transaction (a money-in). Never held: a credit needs no earlier record.
    #[serde(skip)]
    InsertTransaction(Box<TransactionRecord>),
    /// A credit for an account no client owns: kept, and filed for an operator to assign.
    Unmatched { reason: String },
    /// A CEP status change of the transaction with this provider reference.
    UpdateCep {
        provider_reference: String,
        cep_status: String,
        processed_at: Option<DateTime<Utc>>,
    },
    /// A status change of the transaction with this provider reference.
    UpdateStatus {
        provider_reference: String,
        status: TxStatus,
        failure_code: Option<String>,
        failure_description: Option<String>,
        updated_at: DateTime<Utc>,
    },
    /// An event Flux cannot make sense of: kept raw, filed for review, never applied.
    Review { reason: String },
}

impl InboundEffect {
    /// The provider reference of the transaction it changes, if it changes one by reference.
    fn reference(&self) -> Option<&str> {
        match self {
            InboundEffect::UpdateCep {
                provider_reference, ..
            }
            | InboundEffect::UpdateStatus {
                provider_reference, ..
            } => Some(provider_reference),
            _ => None,
        }
    }

    fn is_cep(&self) -> bool {
        matches!(self, InboundEffect::UpdateCep { .. })
    }

    fn reported_at(&self) -> Option<DateTime<Utc>> {
        match self {
            InboundEffect::UpdateStatus { updated_at, .. } => Some(*updated_at),
            InboundEffect::UpdateCep { processed_at, .. } => *processed_at,
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InboundOutcome {
    /// First time this message id was seen; its effect was applied.
    Applied,
    /// Seen before; nothing changed.
    Duplicate,
    /// Its transaction is not known yet: kept, and applied the moment it is.
    Held,
    /// Older than what Flux knows (a late PENDING after COMPLETED), or a repeat: kept, ignored.
    Ignored,
    /// Kept for an operator: invalid, unmatched, or contradicting a final status.
    Review,
}

impl InboundOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            InboundOutcome::Applied => "applied",
            InboundOutcome::Duplicate => "duplicate",
            InboundOutcome::Held => "held",
            InboundOutcome::Ignored => "ignored",
            InboundOutcome::Review => "review",
        }
    }
}

/// The event, the effect it asks for, and where a partner's notification goes.
struct Incoming<'a> {
    event: &'a InboundEvent,
    effect: &'a InboundEffect,
    notify: Option<&'a OutboundEvent>,
}

/// Applies an event's effect inside the caller's transaction.
async fn apply_effect(
    tx: &mut dyn Tx,
    books: &Option<Arc<dyn Books>>,
    incoming: &Incoming<'_>,
) -> Result<InboundOutcome> {
    let Incoming {
        event,
        effect,
        notify,
    } = incoming;
    let now = flux_core::time::now();
    match effect {
        InboundEffect::None => Ok(InboundOutcome::Applied),
        InboundEffect::InsertTransaction(t) => {
            if insert_if_new(tx, t).await? {
                book(books, tx, None, t).await?;
                let remittance_id = crate::settlement::settle_credit(tx, t).await?;
                if let Some(n) = notify {
                    let t = TransactionRecord {
                        remittance_id,
                        ..(**t).clone()
                    };
                    enqueue(tx, n, &t, None, now).await?;
                }
            }
            Ok(InboundOutcome::Applied)
        }
        InboundEffect::Unmatched { reason } | InboundEffect::Review { reason } => {
            let kind = if matches!(effect, InboundEffect::Unmatched { .. }) {
                ReviewKind::UnmatchedCredit
            } else {
                ReviewKind::InvalidEvent
            };
            let item = NewReview {
                kind,
                provider: event.provider.clone(),
                client_id: event.client_id,
                // An undocumented status for a known transfer names that transfer.
                transaction_id: event.transaction_id,
                remittance_id: None,
                id_msg: Some(event.id_msg.clone()),
                reason: reason.clone(),
            };
            review::file(tx, &item, now).await?;
            Ok(InboundOutcome::Review)
        }
        InboundEffect::UpdateCep {
            provider_reference,
            cep_status,
            processed_at,
        } => {
            let Some(t) = by_reference(tx, &event.provider, provider_reference).await? else {
                return Ok(InboundOutcome::Held);
            };
            tx.exec(
                "UPDATE transactions SET cep_status = $2, cep_processed_at = COALESCE($3, cep_processed_at)
                 WHERE id = $1",
                &[t.id.into(), cep_status.clone().into(), opt_micros(*processed_at)],
            )
            .await?;
            if let Some(n) = notify {
                let after = TransactionRecord {
                    cep_status: Some(cep_status.clone()),
                    cep_processed_at: processed_at.or(t.cep_processed_at),
                    ..t
                };
                enqueue(tx, n, &after, None, now).await?;
            }
            Ok(InboundOutcome::Applied)
        }
        InboundEffect::UpdateStatus {
            provider_reference,
            status,
            failure_code,
            failure_description,
            updated_at,
        } => {
            let Some(t) = by_reference(tx, &event.provider, provider_reference).await? else {
                return Ok(InboundOutcome::Held);
            };
            let report = StatusReport {
                status: *status,
                failure_code: failure_code.clone(),
                failure_description: failure_description.clone(),
                updated_at: *updated_at,
            };
            let source = Source {
                provider: event.provider.clone(),
                id_msg: Some(event.id_msg.clone()),
                what: format!("{} event {}", event.msg_name, event.id_msg),
            };
            Ok(
                match apply_report(tx, books, *notify, t, &report, &source).await? {
                    Applied::Changed(_) => InboundOutcome::Applied,
                    Applied::Same | Applied::Stale => InboundOutcome::Ignored,
                    Applied::Illegal => InboundOutcome::Review,
                },
            )
        }
    }
}

/// Records what became of an event, unless it was simply applied (the insert's default).
async fn set_disposition(
    tx: &mut dyn Tx,
    event: &InboundEvent,
    effect: &InboundEffect,
    outcome: InboundOutcome,
) -> Result<()> {
    if outcome == InboundOutcome::Applied {
        return Ok(());
    }
    let held = (outcome == InboundOutcome::Held)
        .then(|| serde_json::to_string(effect).ok())
        .flatten();
    tx.exec(
        "UPDATE inbound_events SET disposition = $3, held_effect = $4 WHERE provider = $1 AND id_msg = $2",
        &[
            event.provider.clone().into(),
            event.id_msg.clone().into(),
            outcome.as_str().into(),
            held.into(),
        ],
    )
    .await
    .map(|_| ())
}

/// Serialises, on PostgreSQL, the two writers that meet at a provider reference: the event
/// that finds no transaction with it (and is held) and the answer that gives a transaction that
/// reference (and applies what is held). Without it, under READ COMMITTED each can miss the
/// other's uncommitted write and the event stays held for good. Taken before either touches a
/// row; a no-op on SQLite, whose writers are serialised already.
pub(crate) async fn lock_reference(tx: &mut dyn Tx, provider: &str, reference: &str) -> Result<()> {
    if tx.dialect() == "postgres" {
        // The two-key form: a key space apart from the migrations' one-key lock.
        tx.exec(
            "SELECT pg_advisory_xact_lock(7270002, hashtext($1))",
            &[format!("{provider}:{reference}").into()],
        )
        .await?;
    }
    Ok(())
}

/// Applies the events held for a transaction that just learned its provider reference, in the
/// provider's order. Called inside the transaction that set the reference, which holds
/// [`lock_reference`].
pub(crate) async fn apply_held(
    tx: &mut dyn Tx,
    books: &Option<Arc<dyn Books>>,
    notify: Option<&OutboundEvent>,
    provider: &str,
    reference: &str,
) -> Result<usize> {
    let rows = tx
        .query(
            "SELECT id_msg, msg_name, raw, held_effect, received_at FROM inbound_events
             WHERE provider = $1 AND provider_reference = $2 AND disposition = 'held'
             ORDER BY COALESCE(reported_at, received_at), received_at, id_msg",
            &[provider.into(), reference.into()],
        )
        .await?;
    // Nearly always none: no round trip for the owner then.
    if rows.is_empty() {
        return Ok(0);
    }
    let Some(owner) = by_reference(tx, provider, reference).await? else {
        return Ok(0);
    };
    for row in &rows {
        let event = InboundEvent {
            provider: provider.to_string(),
            id_msg: row.text(0)?,
            msg_name: row.text(1)?,
            raw: row.text(2)?,
            client_id: Some(owner.client_id),
            transaction_id: Some(owner.id),
            received_at: instant(row, 4)?,
        };
        let effect: InboundEffect = serde_json::from_str(&row.opt_text(3)?.unwrap_or_default())
            .map_err(|e| StoreError::corrupt(3, &e.to_string()))?;
        // The partner hears of it under the event's own type (a CEP change as CEP).
        let own_type = notify.map(|n| OutboundEvent {
            event_type: if effect.is_cep() { "CEP" } else { n.event_type },
            render: n.render,
        });
        let incoming = Incoming {
            event: &event,
            effect: &effect,
            notify: own_type.as_ref(),
        };
        let outcome = apply_effect(tx, books, &incoming).await?;
        tx.exec(
            "UPDATE inbound_events SET disposition = $3, held_effect = NULL, client_id = $4, transaction_id = $5
             WHERE provider = $1 AND id_msg = $2",
            &[
                provider.into(),
                event.id_msg.clone().into(),
                outcome.as_str().into(),
                owner.client_id.into(),
                owner.id.into(),
            ],
        )
        .await?;
    }
    if !rows.is_empty() {
        tracing::info!(
            provider,
            reference,
            events = rows.len(),
            "applied events held for a transaction that became known"
        );
    }
    Ok(rows.len())
}

impl Store {
    /// Applies events still held although their transaction is now known. On PostgreSQL an
    /// event and the answer that names its transaction can commit at once on two instances,
    /// each missing the other's write; this sweep (run by the resolver) closes that gap.
    pub async fn apply_matched_held(&self, notify: Option<OutboundEvent>) -> Result<usize> {
        let rows = self
            .query(
                "SELECT DISTINCT e.provider, e.provider_reference, t.client_id FROM inbound_events e
                 JOIN transactions t ON t.provider = e.provider AND t.provider_reference = e.provider_reference
                 WHERE e.disposition = 'held' LIMIT 500",
                vec![],
            )
            .await?;
        let mut applied = 0;
        for row in rows {
            let (provider, reference, client) = (row.text(0)?, row.text(1)?, row.uuid(2)?);
            let books = self.books();
            applied += self
                .write_in_lane(client, move || {
                    let (books, provider, reference) =
                        (books.clone(), provider.clone(), reference.clone());
                    tx_fn(move |tx| {
                        Box::pin(async move {
                            apply_held(tx, &books, notify.as_ref(), &provider, &reference).await
                        })
                    })
                })
                .await?;
        }
        Ok(applied)
    }

    /// Records a provider event and applies its effect, once per message id. When `notify` is
    /// given and the effect changed a transaction, the partner's webhook deliveries for it are
    /// queued in the same transaction (see [`crate::outbox`]). An event about a transaction not
    /// known yet is held and applied when it becomes known (see [`apply_held`]).
    pub async fn record_inbound(
        &self,
        event: InboundEvent,
        effect: InboundEffect,
        notify: Option<OutboundEvent>,
    ) -> Result<InboundOutcome> {
        let books = self.books();
        let client = event.client_id;
        self.write_for(client, move || {
            let (event, effect, books) = (event.clone(), effect.clone(), books.clone());
            tx_fn(move |tx| {
                Box::pin(async move {
                    if let Some(reference) = effect.reference() {
                        lock_reference(tx, &event.provider, reference).await?;
                    }
                    let inserted = tx
                        .exec(
                            "INSERT INTO inbound_events (provider, id_msg, msg_name, raw, client_id, transaction_id,
                               received_at, disposition, provider_reference, reported_at)
                             VALUES ($1, $2, $3, $4, $5, $6, $7, 'applied', $8, $9) ON CONFLICT DO NOTHING",
                            &[
                                event.provider.clone().into(),
                                event.id_msg.clone().into(),
                                event.msg_name.clone().into(),
                                event.raw.clone().into(),
                                event.client_id.into(),
                                event.transaction_id.into(),
                                micros(event.received_at),
                                effect.reference().into(),
                                opt_micros(effect.reported_at()),
                            ],
                        )
                        .await?;
                    if inserted == 0 {
                        return Ok(InboundOutcome::Duplicate);
                    }
                    let incoming = Incoming {
                        event: &event,
                        effect: &effect,
                        notify: notify.as_ref(),
                    };
                    let outcome = apply_effect(tx, &books, &incoming).await?;
                    set_disposition(tx, &event, &effect, outcome).await?;
                    Ok(outcome)
                })
            })
        })
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
        self.write_in_lane(txn.client_id, move || {
            let (provider, id_msg, txn, books) =
                (provider.clone(), id_msg.clone(), txn.clone(), books.clone());
            tx_fn(move |tx| {
                Box::pin(async move {
                    let changed = tx
                        .exec(
                            "UPDATE inbound_events SET client_id = $3, transaction_id = $4
                         WHERE provider = $1 AND id_msg = $2 AND client_id IS NULL",
                            &[
                                provider.clone().into(),
                                id_msg.clone().into(),
                                txn.client_id.into(),
                                txn.id.into(),
                            ],
                        )
                        .await?;
                    if changed == 0 {
                        return Err(StoreError::NotFound);
                    }
                    let now = flux_core::time::now();
                    if insert_if_new(tx, &txn).await? {
                        book(&books, tx, None, &txn).await?;
                        let remittance_id = crate::settlement::settle_credit(tx, &txn).await?;
                        if let Some(n) = &notify {
                            let txn = TransactionRecord {
                                remittance_id,
                                ..txn.clone()
                            };
                            enqueue(tx, n, &txn, None, now).await?;
                        }
                    }
                    let note = format!(
                        "assigned to client {} as money-in {}",
                        txn.client_id, txn.id
                    );
                    review::close_for_event(tx, &provider, &id_msg, &note, now).await?;
                    Ok(())
                })
            })
        })
        .await
    }

    /// Inbound events whose account matched no client: for an operator to resolve.
    pub async fn unmatched_inbound(&self, limit: i64) -> Result<Vec<InboundEvent>> {
        let rows = self
            .query(
                "SELECT provider, id_msg, msg_name, raw, client_id, transaction_id, received_at FROM inbound_events e
                 WHERE client_id IS NULL AND msg_name = 'MONEY_IN'
                   AND NOT EXISTS (SELECT 1 FROM review_items r WHERE r.provider = e.provider
                                     AND r.id_msg = e.id_msg AND r.kind = 'INVALID_EVENT')
                 ORDER BY received_at LIMIT $1",
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
