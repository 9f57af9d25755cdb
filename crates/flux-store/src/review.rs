//! The operator's review list: everything Flux kept but would not act on by itself. A bank's
//! operations team reads it (`flux review list`), decides, and records who decided what
//! (`flux review resolve`). Nothing in it is ever shown to a partner as settled.

use crate::sql::{tx_fn, Row, Tx};
use crate::*;
use serde::{Deserialize, Serialize};

/// Why something is waiting for an operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ReviewKind {
    /// A credit for an account no client owns (`flux inbound resolve` assigns it).
    UnmatchedCredit,
    /// A provider event Flux cannot make sense of: unparseable, an invalid amount or currency,
    /// duplicate keys, a status nobody documented.
    InvalidEvent,
    /// A status report that contradicts a final status (COMPLETED after REJECTED).
    IllegalTransition,
    /// A movement whose outcome the resolver could not learn from the provider.
    UnknownOutcome,
    /// A credit that could have paid more than one remittance, or that names a remittance
    /// but not its amount: Flux will not guess which remittance it settles.
    AmbiguousSettlement,
    /// A completed remittance to a CLABE Flux serves whose credit did not arrive in time.
    UnsettledRemittance,
}

impl ReviewKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ReviewKind::UnmatchedCredit => "UNMATCHED_CREDIT",
            ReviewKind::InvalidEvent => "INVALID_EVENT",
            ReviewKind::IllegalTransition => "ILLEGAL_TRANSITION",
            ReviewKind::UnknownOutcome => "UNKNOWN_OUTCOME",
            ReviewKind::AmbiguousSettlement => "AMBIGUOUS_SETTLEMENT",
            ReviewKind::UnsettledRemittance => "UNSETTLED_REMITTANCE",
        }
    }

    fn parse(text: &str) -> Option<ReviewKind> {
        [
            ReviewKind::UnmatchedCredit,
            ReviewKind::InvalidEvent,
            ReviewKind::IllegalTransition,
            ReviewKind::UnknownOutcome,
            ReviewKind::AmbiguousSettlement,
            ReviewKind::UnsettledRemittance,
        ]
        .into_iter()
        .find(|k| k.as_str() == text)
    }
}

/// Something to file for review. Its subject is the event (`id_msg`) or, when there is none,
/// the transaction.
#[derive(Debug, Clone, PartialEq)]
pub struct NewReview {
    pub kind: ReviewKind,
    pub provider: String,
    pub client_id: Option<Uuid>,
    pub transaction_id: Option<Uuid>,
    /// For an item about a remittance.
    pub remittance_id: Option<Uuid>,
    pub id_msg: Option<String>,
    pub reason: String,
}

impl NewReview {
    /// The same kind and subject always give the same id, so filing twice files once.
    pub fn id(&self) -> Uuid {
        let subject = match (&self.id_msg, self.transaction_id, self.remittance_id) {
            (Some(m), _, _) => format!("event:{m}"),
            (None, Some(t), _) => format!("transaction:{t}"),
            (None, None, Some(r)) => format!("remittance:{r}"),
            (None, None, None) => format!("reason:{}", self.reason),
        };
        Uuid::new_v5(
            &Uuid::NAMESPACE_OID,
            format!(
                "flux-review:{}:{}:{subject}",
                self.kind.as_str(),
                self.provider
            )
            .as_bytes(),
        )
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ReviewItem {
    pub id: Uuid,
    pub item: NewReview,
    pub created_at: DateTime<Utc>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub resolved_by: Option<String>,
    pub resolution: Option<String>,
}

macro_rules! columns {
    () => {
        "SELECT id, kind, provider, client_id, transaction_id, id_msg, reason, created_at, \
         resolved_at, resolved_by, resolution, remittance_id FROM review_items"
    };
}
const SELECT_OPEN: &str = concat!(
    columns!(),
    " WHERE resolved_at IS NULL ORDER BY created_at, id LIMIT $1"
);
const SELECT_ONE: &str = concat!(columns!(), " WHERE id = $1");

fn item(row: &Row) -> Result<ReviewItem> {
    Ok(ReviewItem {
        id: row.uuid(0)?,
        item: NewReview {
            kind: ReviewKind::parse(&row.text(1)?)
                .ok_or_else(|| StoreError::corrupt(1, "unknown review kind"))?,
            provider: row.text(2)?,
            client_id: row.opt_uuid(3)?,
            transaction_id: row.opt_uuid(4)?,
            id_msg: row.opt_text(5)?,
            reason: row.text(6)?,
            remittance_id: row.opt_uuid(11)?,
        },
        created_at: instant(row, 7)?,
        resolved_at: opt_instant(row, 8)?,
        resolved_by: row.opt_text(9)?,
        resolution: row.opt_text(10)?,
    })
}

/// Files an item inside the caller's transaction; false if it was already filed.
pub(crate) async fn file(tx: &mut dyn Tx, r: &NewReview, now: DateTime<Utc>) -> Result<bool> {
    metrics::counter!("flux_review_items_filed_total", "kind" => r.kind.as_str()).increment(1);
    tracing::warn!(kind = r.kind.as_str(), provider = %r.provider, id_msg = ?r.id_msg,
        transaction_id = ?r.transaction_id, reason = %r.reason, "filed for operator review");
    let n = tx
        .exec(
            "INSERT INTO review_items (id, kind, provider, client_id, transaction_id, id_msg, reason, created_at, remittance_id)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING",
            &[
                r.id().into(),
                r.kind.as_str().into(),
                r.provider.clone().into(),
                r.client_id.into(),
                r.transaction_id.into(),
                r.id_msg.clone().into(),
                r.reason.clone().into(),
                micros(now),
                r.remittance_id.into(),
            ],
        )
        .await?;
    Ok(n == 1)
}

/// Closes a transaction's open unknown-outcome items once the provider settled it.
pub(crate) async fn close_for_transaction(
    tx: &mut dyn Tx,
    transaction_id: Uuid,
    resolution: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    tx.exec(
        "UPDATE review_items SET resolved_at = $2, resolved_by = 'flux', resolution = $3
         WHERE transaction_id = $1 AND resolved_at IS NULL AND kind = 'UNKNOWN_OUTCOME'",
        &[transaction_id.into(), micros(now), resolution.into()],
    )
    .await
    .map(|_| ())
}

/// Closes the unmatched-credit item of an event an operator assigned.
pub(crate) async fn close_for_event(
    tx: &mut dyn Tx,
    provider: &str,
    id_msg: &str,
    resolution: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    tx.exec(
        "UPDATE review_items SET resolved_at = $3, resolved_by = 'operator', resolution = $4
         WHERE provider = $1 AND id_msg = $2 AND resolved_at IS NULL",
        &[
            provider.into(),
            id_msg.into(),
            micros(now),
            resolution.into(),
        ],
    )
    .await
    .map(|_| ())
}

impl Store {
    /// Files an item for review; false if the same item was already filed.
    pub async fn file_review(&self, r: NewReview) -> Result<bool> {
        self.write(tx_fn(move |tx| {
            Box::pin(async move { file(tx, &r, flux_core::time::now()).await })
        }))
        .await
    }

    /// Files an unknown-outcome item for a movement only if it is still open, checked under
    /// its row lock (SQLite writes are serial). The resolver lists the open movements, then
    /// works through them one by one, and a replay can take seconds: a final status arriving in
    /// between closes the movement's open items in its own transaction, so an item filed
    /// afterwards from the stale list stayed open against a settled movement, and `flux
    /// reconcile` failed on it until an operator closed it (found by scripts/chaos). False if
    /// nothing was filed: the movement is final, unknown, or its item exists.
    pub async fn file_review_while_open(&self, r: NewReview) -> Result<bool> {
        self.write(tx_fn(move |tx| {
            Box::pin(async move {
                if let Some(id) = r.transaction_id {
                    let lock = if tx.dialect() == "postgres" {
                        " FOR UPDATE"
                    } else {
                        ""
                    };
                    let sql = format!("SELECT status FROM transactions WHERE id = $1{lock}");
                    let Some(row) = tx.query_opt(&sql, &[id.into()]).await? else {
                        return Ok(false);
                    };
                    let status: flux_core::TxStatus = row
                        .text(0)?
                        .parse()
                        .map_err(|_| StoreError::corrupt(0, "unknown transaction status"))?;
                    if status.is_final() {
                        return Ok(false);
                    }
                }
                file(tx, &r, flux_core::time::now()).await
            })
        }))
        .await
    }

    /// Items nobody has resolved yet, oldest first.
    pub async fn open_reviews(&self, limit: i64) -> Result<Vec<ReviewItem>> {
        let rows = self.query(SELECT_OPEN, vec![limit.into()]).await?;
        rows.iter().map(item).collect()
    }

    pub async fn get_review(&self, id: Uuid) -> Result<Option<ReviewItem>> {
        let rows = self.query(SELECT_ONE, vec![id.into()]).await?;
        rows.first().map(item).transpose()
    }

    /// Records an operator's decision on an open item. NotFound unless it is open.
    pub async fn resolve_review(&self, id: Uuid, by: &str, resolution: &str) -> Result<()> {
        let n = self
            .exec(
                "UPDATE review_items SET resolved_at = $2, resolved_by = $3, resolution = $4
                 WHERE id = $1 AND resolved_at IS NULL",
                vec![
                    id.into(),
                    micros(flux_core::time::now()),
                    by.into(),
                    resolution.into(),
                ],
            )
            .await?;
        if n == 1 {
            Ok(())
        } else {
            Err(StoreError::NotFound)
        }
    }
}
