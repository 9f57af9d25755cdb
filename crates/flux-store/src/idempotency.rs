//! Idempotency keys, scoped per partner. A key is claimed atomically before any work starts
//! (the unique (partner_id, key) row is the lock, so this holds across Flux instances on one
//! PostgreSQL), completed with the response in the same transaction as the operation's effects,
//! or released when the outcome must be retried (an upstream timeout).

use crate::inbound::apply_held;
use crate::outbox::OutboundEvent;
use crate::sql::{tx_fn, Tx, Value};
use crate::status::{apply_report, Source, StatusReport};
use crate::transactions::{book, by_id, insert_if_new, learn_reference};
use crate::*;

/// What a claim found.
#[derive(Debug, Clone, PartialEq)]
pub enum IdempotencyClaim {
    /// The caller owns the key now and must complete or release it.
    Claimed,
    /// Another request with this key is still running.
    InFlight { fingerprint: String },
    /// A request with this key finished; here is what it answered.
    Completed {
        fingerprint: String,
        status: u16,
        body: Vec<u8>,
    },
}

/// The stored answer for a key, written with the operation's effects.
#[derive(Debug, Clone, PartialEq)]
pub struct IdempotencyCompletion {
    pub partner_id: Uuid,
    pub key: String,
    pub status: u16,
    pub body: Vec<u8>,
}

/// What an operation produced, to save in one transaction.
#[derive(Debug, Clone, Default)]
pub struct SaveOutcome {
    /// The transaction as the operation left it (new, or an answer for a recorded intent).
    pub txn: Option<TransactionRecord>,
    /// The answer to replay for the request's Idempotency-Key.
    pub completion: Option<IdempotencyCompletion>,
    /// Renders the saved row as the answer's body, so a replay shows what was saved.
    pub render: Option<fn(&TransactionRecord) -> serde_json::Value>,
    /// Where status changes are announced to the partner (events held for the transaction
    /// always are; the operation's own change only when `announce`).
    pub notify: Option<OutboundEvent>,
    /// Announce the operation's own status change (the resolver's, which no caller is waiting
    /// for); a partner's request gets it in its answer instead.
    pub announce: bool,
    /// Who produced it, for the logs and the review list.
    pub source: String,
}

/// Saves one transaction row: a new one as given, a known one by learning its provider
/// reference and moving its status through the state machine; then applies events that were
/// held for the reference. Returns the row as saved.
async fn save_answer(
    tx: &mut dyn Tx,
    books: &Option<std::sync::Arc<dyn crate::books::Books>>,
    outcome: &SaveOutcome,
    t: &TransactionRecord,
) -> Result<TransactionRecord> {
    let Some(before) = by_id(tx, t.id).await? else {
        if insert_if_new(tx, t).await? {
            book(books, tx, None, t).await?;
        }
        return Ok(t.clone());
    };
    let (learned, read) = match learn_reference(tx, &before, t).await? {
        Some((reference, row)) => (Some(reference), row),
        // Another writer set the reference after `before` was read (this one may have waited
        // for it in `lock_reference`): `before` is out of date, and its status would make the
        // wrong transition. Read the row as it stands.
        None if t.provider_reference.is_some() && before.provider_reference.is_none() => {
            (None, by_id(tx, t.id).await?.ok_or(StoreError::NotFound)?)
        }
        None => (None, before),
    };
    let report = StatusReport {
        status: t.status,
        failure_code: t.failure_code.clone(),
        failure_description: t.failure_description.clone(),
        updated_at: t.updated_at,
    };
    let source = Source {
        provider: t.provider.clone(),
        id_msg: None,
        what: outcome.source.clone(),
    };
    let announce = outcome.notify.as_ref().filter(|_| outcome.announce);
    let applied = apply_report(tx, books, announce, read, &report, &source).await?;
    let held = match learned {
        Some(reference) => {
            apply_held(tx, books, outcome.notify.as_ref(), &t.provider, &reference).await?
        }
        None => 0,
    };
    // The row the report wrote is the row as saved, unless held events moved it on.
    match applied {
        crate::status::Applied::Changed(row) if held == 0 => Ok(*row),
        _ => by_id(tx, t.id).await?.ok_or(StoreError::NotFound),
    }
}

pub(crate) async fn complete(tx: &mut dyn Tx, c: &IdempotencyCompletion) -> Result<()> {
    tx.exec(
        "UPDATE idempotency_keys SET state = 'done', response_status = $3, response_body = $4
         WHERE partner_id = $1 AND key = $2",
        &[
            c.partner_id.into(),
            c.key.clone().into(),
            i64::from(c.status).into(),
            c.body.clone().into(),
        ],
    )
    .await
    .map(|_| ())
}

/// Takes the key when it is new, expired, or held by a claim that went stale; returns a row
/// only when it took it.
const CLAIM: &str =
    "INSERT INTO idempotency_keys (partner_id, key, fingerprint, state, created_at, expires_at)
     VALUES ($1, $2, $3, 'in_flight', $4, $5)
     ON CONFLICT (partner_id, key) DO UPDATE SET fingerprint = excluded.fingerprint,
       state = 'in_flight', response_status = NULL, response_body = NULL,
       created_at = excluded.created_at, expires_at = excluded.expires_at
     WHERE idempotency_keys.expires_at <= $4
        OR (idempotency_keys.state = 'in_flight' AND idempotency_keys.created_at <= $6)
     RETURNING state";

/// A request to take an Idempotency-Key: whose key, the request's fingerprint, and the clock
/// that decides whether an earlier holder's claim has expired or gone stale.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyClaim {
    pub partner_id: Uuid,
    pub key: String,
    pub fingerprint: String,
    pub now: DateTime<Utc>,
    /// When a completed answer stops being replayed (the key's TTL).
    pub expires_at: DateTime<Utc>,
    /// An in-flight claim made before this is taken over: its process died.
    pub stale_before: DateTime<Utc>,
}

impl KeyClaim {
    pub(crate) fn params(&self) -> Vec<Value> {
        vec![
            self.partner_id.into(),
            self.key.clone().into(),
            self.fingerprint.clone().into(),
            micros(self.now),
            micros(self.expires_at),
            micros(self.stale_before),
        ]
    }
}

/// Takes a key never seen before, inside an open transaction: false, with nothing written or
/// locked, when the key has a row (`ON CONFLICT DO NOTHING` takes no lock on it, where the
/// takeover of [`CLAIM`] would hold the row to the end of the transaction, here a whole
/// write lane's batch).
pub(crate) async fn take_new_key(tx: &mut dyn Tx, c: &KeyClaim) -> Result<bool> {
    const TAKE_NEW: &str =
        "INSERT INTO idempotency_keys (partner_id, key, fingerprint, state, created_at, expires_at)
         VALUES ($1, $2, $3, 'in_flight', $4, $5)
         ON CONFLICT (partner_id, key) DO NOTHING RETURNING state";
    Ok(!tx.query(TAKE_NEW, &c.params()[..5]).await?.is_empty())
}

impl Store {
    /// Claims `c.key` for `c.partner_id`. An expired key (older than its `expires_at`) or an
    /// in-flight claim older than `c.stale_before` (its process died) is taken over.
    pub async fn claim_idempotency(&self, c: &KeyClaim) -> Result<IdempotencyClaim> {
        let params = c.params();
        // The claim is one statement in its own implicit transaction: on PostgreSQL one round
        // trip, with no BEGIN and COMMIT around it. Only a key that is not ours reads the row.
        for _ in 0..3 {
            if !self
                .write_statement(CLAIM, params.clone())
                .await?
                .is_empty()
            {
                return Ok(IdempotencyClaim::Claimed);
            }
            let rows = self
                .query(
                    "SELECT fingerprint, state, response_status, response_body FROM idempotency_keys
                     WHERE partner_id = $1 AND key = $2",
                    params[..2].to_vec(),
                )
                .await?;
            // No row: the one that refused the claim was purged in between; claim again.
            let Some(row) = rows.first() else { continue };
            let fingerprint = row.text(0)?;
            return if row.text(1)? == "done" {
                Ok(IdempotencyClaim::Completed {
                    fingerprint,
                    status: u16::try_from(row.int(2)?).unwrap_or(500),
                    body: row.blob(3)?,
                })
            } else {
                Ok(IdempotencyClaim::InFlight { fingerprint })
            };
        }
        Err(StoreError::Unavailable(
            "idempotency key kept changing while it was claimed".into(),
        ))
    }

    /// Stores the response for a claimed key.
    pub async fn complete_idempotency(&self, c: IdempotencyCompletion) -> Result<()> {
        self.write(tx_fn(move |tx| {
            Box::pin(async move { complete(tx, &c).await })
        }))
        .await
    }

    /// Gives a claimed key back, so that a retry runs the operation again.
    pub async fn release_idempotency(&self, partner_id: Uuid, key: &str) -> Result<()> {
        self.exec(
            "DELETE FROM idempotency_keys WHERE partner_id = $1 AND key = $2 AND state = 'in_flight'",
            vec![partner_id.into(), key.into()],
        )
        .await
        .map(|_| ())
    }

    /// Saves an operation's outcome in one transaction: the transaction row (its status moved
    /// through the state machine, see [`crate::status`]) and, when the request carried a key,
    /// the response to replay. Returns the row as saved, which may be further along than the
    /// provider's answer said (a webhook held for it was applied, or arrived first).
    pub async fn save_outcome(&self, outcome: SaveOutcome) -> Result<Option<TransactionRecord>> {
        let books = self.books();
        let client = outcome.txn.as_ref().map(|t| t.client_id);
        self.write_for(client, move || {
            let (outcome, books) = (outcome.clone(), books.clone());
            tx_fn(move |tx| {
                Box::pin(async move {
                    let saved = match &outcome.txn {
                        Some(t) => Some(save_answer(tx, &books, &outcome, t).await?),
                        None => None,
                    };
                    if let Some(c) = &outcome.completion {
                        let mut c = c.clone();
                        if let (Some(render), Some(row)) = (outcome.render, &saved) {
                            c.body =
                                serde_json::to_vec(&render(row)).map_err(StoreError::backend)?;
                        }
                        complete(tx, &c).await?;
                    }
                    Ok(saved)
                })
            })
        })
        .await
    }

    /// Deletes keys whose 24 h window has passed; returns how many.
    pub async fn purge_expired_idempotency(&self, now: DateTime<Utc>) -> Result<u64> {
        self.exec(
            "DELETE FROM idempotency_keys WHERE expires_at <= $1 AND state = 'done'",
            vec![micros(now)],
        )
        .await
    }
}
