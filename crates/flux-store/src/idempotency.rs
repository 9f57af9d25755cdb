//! Idempotency keys, scoped per partner. A key is claimed atomically before any work starts
//! (the unique (partner_id, key) row is the lock, so this holds across Flux instances on one
//! PostgreSQL), completed with the response in the same transaction as the operation's effects,
//! or released when the outcome must be retried (an upstream timeout).

use crate::sql::{tx_fn, Tx};
use crate::transactions::transaction_upsert;
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

impl Store {
    /// Claims `key` for `partner_id`. An expired key (older than its `expires_at`) or an
    /// in-flight claim older than `stale_before` (its process died) is taken over.
    pub async fn claim_idempotency(
        &self,
        partner_id: Uuid,
        key: &str,
        fingerprint: &str,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
        stale_before: DateTime<Utc>,
    ) -> Result<IdempotencyClaim> {
        let params = vec![
            partner_id.into(),
            key.into(),
            fingerprint.into(),
            micros(now),
            micros(expires_at),
            micros(stale_before),
        ];
        self.write(tx_fn(move |tx| {
            Box::pin(async move {
                let claimed = tx
                    .query(
                        "INSERT INTO idempotency_keys (partner_id, key, fingerprint, state, created_at, expires_at)
                         VALUES ($1, $2, $3, 'in_flight', $4, $5)
                         ON CONFLICT (partner_id, key) DO UPDATE SET fingerprint = excluded.fingerprint,
                           state = 'in_flight', response_status = NULL, response_body = NULL,
                           created_at = excluded.created_at, expires_at = excluded.expires_at
                         WHERE idempotency_keys.expires_at <= $4
                            OR (idempotency_keys.state = 'in_flight' AND idempotency_keys.created_at <= $6)
                         RETURNING state",
                        &params,
                    )
                    .await?;
                if !claimed.is_empty() {
                    return Ok(IdempotencyClaim::Claimed);
                }
                let row = tx
                    .query_opt(
                        "SELECT fingerprint, state, response_status, response_body FROM idempotency_keys
                         WHERE partner_id = $1 AND key = $2",
                        &params[..2],
                    )
                    .await?
                    .ok_or(StoreError::NotFound)?;
                let fingerprint = row.text(0)?;
                if row.text(1)? == "done" {
                    Ok(IdempotencyClaim::Completed {
                        fingerprint,
                        status: u16::try_from(row.int(2)?).unwrap_or(500),
                        body: row.blob(3)?,
                    })
                } else {
                    Ok(IdempotencyClaim::InFlight { fingerprint })
                }
            })
        }))
        .await
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

    /// Saves an operation's outcome in one transaction: the transaction row (inserted or
    /// updated by id) and, when the request carried a key, the response to replay.
    pub async fn save_outcome(
        &self,
        txn: Option<TransactionRecord>,
        completion: Option<IdempotencyCompletion>,
    ) -> Result<()> {
        let books = self.books();
        self.write(tx_fn(move |tx| {
            Box::pin(async move {
                if let Some(t) = &txn {
                    let before = crate::transactions::by_id(tx, t.id).await?;
                    transaction_upsert(tx, t).await?;
                    crate::transactions::book(&books, tx, before.as_ref(), t).await?;
                }
                if let Some(c) = &completion {
                    complete(tx, c).await?;
                }
                Ok(())
            })
        }))
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
