//! The one place a transaction's status changes. Every report (a provider webhook, the
//! provider's answer to Flux's own call, the resolver, an operator) goes through
//! [`flux_core::transaction::transition`] inside the caller's write transaction: a legal move is
//! written with its postings and its partner notification, a stale one is ignored, an illegal
//! one is filed for review. Nothing else writes `transactions.status`.

use crate::outbox::{enqueue, Delta, OutboundEvent};
use crate::review::{self, NewReview, ReviewKind};
use crate::sql::Tx;
use crate::transactions::{book, by_id};
use crate::*;
use flux_core::transaction::{transition, Transition};
use flux_core::TxStatus;
use serde::{Deserialize, Serialize};

/// A reported status, with the reason a provider gave for a rejection or return.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatusReport {
    pub status: TxStatus,
    pub failure_code: Option<String>,
    pub failure_description: Option<String>,
    /// When the provider says it happened (it orders held events).
    pub updated_at: DateTime<Utc>,
}

/// What a report did.
#[derive(Debug, Clone, PartialEq)]
pub enum Applied {
    /// The status moved; the row as it is now.
    Changed(Box<TransactionRecord>),
    /// The report repeated the current status.
    Same,
    /// The report is older than what Flux knows.
    Stale,
    /// The report contradicts the transaction; filed for review.
    Illegal,
}

/// Who is reporting, for the review list and the logs.
#[derive(Debug, Clone)]
pub struct Source {
    pub provider: String,
    /// The provider event behind the report, if any.
    pub id_msg: Option<String>,
    /// e.g. "STATUS_UPDATE webhook", "resolver", "operator alice".
    pub what: String,
}

/// Applies `report` to the transaction `read`, as the caller read it inside this transaction
/// (callers have just read or written it, so the first try costs no read). Re-reads and
/// retries when a concurrent writer moved the row between the read and the guarded UPDATE
/// (PostgreSQL, several instances).
pub(crate) async fn apply_report(
    tx: &mut dyn Tx,
    books: &Option<std::sync::Arc<dyn crate::books::Books>>,
    notify: Option<&OutboundEvent>,
    read: TransactionRecord,
    report: &StatusReport,
    source: &Source,
) -> Result<Applied> {
    let id = read.id;
    let mut read = Some(read);
    for _ in 0..3 {
        let before = match read.take() {
            Some(row) => row,
            None => by_id(tx, id).await?.ok_or(StoreError::NotFound)?,
        };
        let next = match transition(before.kind, before.status, report.status) {
            Transition::To(next) => next,
            Transition::Same => return Ok(Applied::Same),
            Transition::Stale => {
                note_ignored(&before, report, source, "stale");
                return Ok(Applied::Stale);
            }
            Transition::Illegal => {
                note_ignored(&before, report, source, "illegal");
                file_illegal(tx, &before, report, source).await?;
                return Ok(Applied::Illegal);
            }
        };
        let after = moved(&before, next, report);
        if write_status(tx, &before, &after).await? {
            book(books, tx, Some(&before), &after).await?;
            if let Some(n) = notify {
                let delta = Delta {
                    old_status: before.status.to_string(),
                    new_status: after.status.to_string(),
                    updated_at: after.updated_at,
                };
                enqueue(tx, n, &after, Some(delta), flux_core::time::now()).await?;
            }
            if next.is_final() {
                let note = format!("{} reported {}", source.what, next);
                review::close_for_transaction(tx, id, &note, flux_core::time::now()).await?;
            }
            return Ok(Applied::Changed(Box::new(after)));
        }
    }
    Err(StoreError::Unavailable(
        "a transaction's status kept changing under a concurrent writer".into(),
    ))
}

/// The row after a legal move. A return keeps the reason it was returned for.
fn moved(before: &TransactionRecord, next: TxStatus, report: &StatusReport) -> TransactionRecord {
    let reason = next.is_failure() || next == TxStatus::Returned;
    TransactionRecord {
        status: next,
        failure_code: if reason {
            report.failure_code.clone()
        } else {
            before.failure_code.clone()
        },
        failure_description: if reason {
            report.failure_description.clone()
        } else {
            before.failure_description.clone()
        },
        updated_at: report.updated_at.max(before.updated_at),
        ..before.clone()
    }
}

/// Writes the move only if the row is still as read; false when someone moved it first.
async fn write_status(
    tx: &mut dyn Tx,
    before: &TransactionRecord,
    after: &TransactionRecord,
) -> Result<bool> {
    let n = tx
        .exec(
            "UPDATE transactions SET status = $3, failure_code = $4, failure_description = $5, updated_at = $6
             WHERE id = $1 AND status = $2",
            &[
                after.id.into(),
                before.status.as_str().into(),
                after.status.as_str().into(),
                after.failure_code.clone().into(),
                after.failure_description.clone().into(),
                micros(after.updated_at),
            ],
        )
        .await?;
    Ok(n == 1)
}

fn note_ignored(before: &TransactionRecord, report: &StatusReport, source: &Source, why: &str) {
    metrics::counter!("flux_status_reports_ignored_total", "reason" => why.to_string())
        .increment(1);
    tracing::warn!(transaction_id = %before.id, kind = %before.kind, current = %before.status,
        reported = %report.status, source = %source.what, id_msg = ?source.id_msg,
        "status report not applied ({why})");
}

async fn file_illegal(
    tx: &mut dyn Tx,
    before: &TransactionRecord,
    report: &StatusReport,
    source: &Source,
) -> Result<()> {
    let item = NewReview {
        kind: ReviewKind::IllegalTransition,
        provider: source.provider.clone(),
        client_id: Some(before.client_id),
        transaction_id: Some(before.id),
        remittance_id: None,
        id_msg: source.id_msg.clone(),
        reason: format!(
            "{} reported {} for a {} that is {}; not applied",
            source.what, report.status, before.kind, before.status
        ),
    };
    review::file(tx, &item, flux_core::time::now())
        .await
        .map(|_| ())
}
