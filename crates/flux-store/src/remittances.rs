//! Remittances (Félix) as Flux records them, and their status history. Félix reports a
//! remittance's status twice over (callbacks and polling) and out of order, so every change
//! goes through [`flux_core::remittance::decide`] and is written with its history row and the
//! partner's notification in one database transaction: a change can be neither half applied
//! nor announced without being kept.
//!
//! The row is written as the intent before Félix is called (no provider reference yet), so a
//! Flux that dies mid-call still knows what it asked for.

use crate::idempotency::{complete, IdempotencyCompletion};
use crate::keyset::Listing;
use crate::outbox::{enqueue_subject, Delta, Subject};
use crate::settlement;
use crate::sql::{tx_fn, Row, Tx, Value};
use crate::*;
use flux_core::remittance::{decide, Decision, RemittanceStatus};
use serde_json::Value as Json;

/// One remittance. `beneficiary` never carries a full account number (see the gateway).
#[derive(Debug, Clone, PartialEq)]
pub struct RemittanceRecord {
    pub id: Uuid,
    pub partner_id: Uuid,
    pub client_id: Uuid,
    pub provider: String,
    pub provider_reference: Option<String>,
    pub status: RemittanceStatus,
    /// A decimal string; None when the sender is to choose it.
    pub amount: Option<String>,
    pub currency: String,
    pub external_reference: String,
    pub beneficiary: Json,
    pub metadata: Option<Json>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// When the provider last told Flux anything about it (callback or poll).
    pub last_heard_at: Option<DateTime<Utc>>,
    /// The beneficiary CLABE when the remittance pays MXN to a CLABE: the account whose SPEI
    /// credit settles it (see [`crate::settlement`]). None: Flux will not see its payout.
    pub settle_account: Option<String>,
    /// The money-in that paid it, once matched.
    pub settlement_transaction_id: Option<Uuid>,
    pub settled_at: Option<DateTime<Utc>>,
    /// When the provider says the sender paid it (CONFIRMED or later): no credit received
    /// before it can be its payout.
    pub paid_at: Option<DateTime<Utc>>,
    /// When the provider says it completed: the start of the window its credit must arrive in.
    pub completed_at: Option<DateTime<Utc>>,
}

/// One row of a remittance's status history.
#[derive(Debug, Clone, PartialEq)]
pub struct RemittanceEvent {
    pub seq: i64,
    pub old_status: Option<RemittanceStatus>,
    pub new_status: RemittanceStatus,
    pub at: DateTime<Utc>,
    /// Who reported it: "intent", "felix answer", "felix callback", "felix poll".
    pub source: String,
}

/// How a status change is announced to the partner; the gateway owns the shape.
#[derive(Clone, Copy)]
pub struct RemittanceNotify {
    pub event_type: &'static str,
    pub render: fn(&RemittanceRecord) -> Json,
}

/// One reported status, with when the provider says it happened.
#[derive(Debug, Clone, PartialEq)]
pub struct RemittanceReport {
    pub status: RemittanceStatus,
    pub at: DateTime<Utc>,
}

/// Filters of a client's remittance list.
#[derive(Debug, Clone, Default)]
pub struct RemittanceFilter {
    pub client_id: Uuid,
    pub status: Option<RemittanceStatus>,
    pub created_from: Option<DateTime<Utc>>,
    pub created_to: Option<DateTime<Utc>>,
    pub slice: crate::Slice,
}

macro_rules! columns {
    () => {
        "id, partner_id, client_id, provider, provider_reference, status, amount, currency, \
         external_reference, beneficiary, metadata, created_at, updated_at, last_heard_at, \
         settle_account, settlement_transaction_id, settled_at, completed_at, paid_at"
    };
}
pub(crate) use columns;
pub(crate) const COLUMNS: &str = columns!();

fn status_at(row: &Row, i: usize) -> Result<RemittanceStatus> {
    row.text(i)?
        .parse()
        .map_err(|_| StoreError::corrupt(i, "unknown remittance status"))
}

fn json_at(row: &Row, i: usize) -> Result<Json> {
    serde_json::from_str(&row.text(i)?).map_err(|e| StoreError::corrupt(i, &e.to_string()))
}

pub(crate) fn remittance(row: &Row) -> Result<RemittanceRecord> {
    Ok(RemittanceRecord {
        id: row.uuid(0)?,
        partner_id: row.uuid(1)?,
        client_id: row.uuid(2)?,
        provider: row.text(3)?,
        provider_reference: row.opt_text(4)?,
        status: status_at(row, 5)?,
        amount: row.opt_text(6)?,
        currency: row.text(7)?,
        external_reference: row.text(8)?,
        beneficiary: json_at(row, 9)?,
        metadata: row.opt_text(10)?.map(|_| json_at(row, 10)).transpose()?,
        created_at: instant(row, 11)?,
        updated_at: instant(row, 12)?,
        last_heard_at: opt_instant(row, 13)?,
        settle_account: row.opt_text(14)?,
        settlement_transaction_id: row.opt_uuid(15)?,
        settled_at: opt_instant(row, 16)?,
        completed_at: opt_instant(row, 17)?,
        paid_at: opt_instant(row, 18)?,
    })
}

fn event(row: &Row) -> Result<RemittanceEvent> {
    Ok(RemittanceEvent {
        seq: row.int(0)?,
        old_status: row.opt_text(1)?.map(|_| status_at(row, 1)).transpose()?,
        new_status: status_at(row, 2)?,
        at: instant(row, 3)?,
        source: row.text(4)?,
    })
}

/// The row, locked for the rest of the transaction on PostgreSQL (SQLite writes are serial).
pub(crate) async fn by_id_for_update(
    tx: &mut dyn Tx,
    id: Uuid,
) -> Result<Option<RemittanceRecord>> {
    let lock = if tx.dialect() == "postgres" {
        " FOR UPDATE"
    } else {
        ""
    };
    let sql = format!("SELECT {COLUMNS} FROM remittances WHERE id = $1{lock}");
    tx.query_opt(&sql, &[id.into()])
        .await?
        .as_ref()
        .map(remittance)
        .transpose()
}

async fn insert_event(
    tx: &mut dyn Tx,
    id: Uuid,
    old: Option<RemittanceStatus>,
    new: RemittanceStatus,
    at: DateTime<Utc>,
    source: &str,
) -> Result<()> {
    tx.exec(
        "INSERT INTO remittance_events (remittance_id, seq, old_status, new_status, at, source)
         SELECT $1, COALESCE(MAX(seq), 0) + 1, $2, $3, $4, $5 FROM remittance_events WHERE remittance_id = $1",
        &[
            id.into(),
            old.map(|s| s.as_str()).into(),
            new.as_str().into(),
            micros(at),
            source.into(),
        ],
    )
    .await
    .map(|_| ())
}

/// Applies reports in order through the state machine, each applied one with its history row
/// and (with `notify`) the partner's delta. Marks the remittance as heard from. Returns the
/// decision for each report.
async fn apply_reports(
    tx: &mut dyn Tx,
    id: Uuid,
    reports: &[RemittanceReport],
    source: &str,
    notify: Option<RemittanceNotify>,
) -> Result<Vec<Decision>> {
    if let Some(clabe) = settlement::account_to_lock(tx, id).await? {
        settlement::lock_account(tx, &clabe).await?;
    }
    let mut r = by_id_for_update(tx, id)
        .await?
        .ok_or(StoreError::NotFound)?;
    let now = flux_core::time::now();
    let mut decisions = Vec::with_capacity(reports.len());
    for report in reports {
        let decision = decide(r.status, report.status);
        decisions.push(decision);
        if decision != Decision::Apply {
            continue;
        }
        let old = r.status;
        r.status = report.status;
        r.updated_at = now;
        if r.status == RemittanceStatus::Completed && r.completed_at.is_none() {
            r.completed_at = Some(report.at);
        }
        if settlement::is_paid(r.status) && r.paid_at.is_none() {
            r.paid_at = Some(report.at);
        }
        insert_event(tx, id, Some(old), r.status, report.at, source).await?;
        settlement::unpaid_after_settled(tx, &r).await?;
        if settlement::awaits_credit(&r) {
            // Written first, so that matching sees the remittance as it is now.
            tx.exec(
                "UPDATE remittances SET status = $2, paid_at = $3, completed_at = $4 WHERE id = $1",
                &[
                    id.into(),
                    r.status.as_str().into(),
                    opt_micros(r.paid_at),
                    opt_micros(r.completed_at),
                ],
            )
            .await?;
            settlement::settle_remittance(tx, &mut r).await?;
        }
        if let Some(n) = notify {
            let subject = Subject {
                event_type: n.event_type,
                client_id: r.client_id,
                id: r.id,
                member: "remittance",
                data: (n.render)(&r),
            };
            let delta = Delta {
                old_status: old.as_str().into(),
                new_status: r.status.as_str().into(),
                updated_at: report.at,
            };
            enqueue_subject(tx, &subject, Some(delta), now).await?;
        }
    }
    tx.exec(
        "UPDATE remittances SET status = $2, updated_at = $3, last_heard_at = $4, completed_at = $5,
           paid_at = $6 WHERE id = $1",
        &[
            id.into(),
            r.status.as_str().into(),
            micros(r.updated_at),
            micros(now),
            opt_micros(r.completed_at),
            opt_micros(r.paid_at),
        ],
    )
    .await?;
    Ok(decisions)
}

impl Store {
    /// Records a remittance's intent with its first history row; false if this id exists
    /// already (the partner's retry with the same Idempotency-Key).
    pub async fn insert_remittance(&self, r: &RemittanceRecord) -> Result<bool> {
        let r = r.clone();
        self.write(tx_fn(move |tx| {
            Box::pin(async move {
                let sql = format!(
                    "INSERT INTO remittances ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)
                     ON CONFLICT DO NOTHING"
                );
                let params: Vec<Value> = vec![
                    r.id.into(),
                    r.partner_id.into(),
                    r.client_id.into(),
                    r.provider.clone().into(),
                    r.provider_reference.clone().into(),
                    r.status.as_str().into(),
                    r.amount.clone().into(),
                    r.currency.clone().into(),
                    r.external_reference.clone().into(),
                    r.beneficiary.to_string().into(),
                    r.metadata.as_ref().map(|m| m.to_string()).into(),
                    micros(r.created_at),
                    micros(r.updated_at),
                    opt_micros(r.last_heard_at),
                    r.settle_account.clone().into(),
                    r.settlement_transaction_id.into(),
                    opt_micros(r.settled_at),
                    opt_micros(r.completed_at),
                    opt_micros(r.paid_at),
                ];
                if tx.exec(&sql, &params).await? == 0 {
                    return Ok(false);
                }
                insert_event(tx, r.id, None, r.status, r.created_at, "intent").await?;
                Ok(true)
            })
        }))
        .await
    }

    /// Saves what the provider says of a remittance it had not named yet: its reference and
    /// status (through the state machine), and the response to replay for the partner's key,
    /// in one transaction. The stored response is `render` of the row as saved. A create's
    /// answer notifies no one (the partner is reading it); polling that learns a lost answer
    /// passes `notify`. Returns the row.
    pub async fn save_remittance_answer(
        &self,
        id: Uuid,
        reference: String,
        report: RemittanceReport,
        completion: Option<IdempotencyCompletion>,
        render: fn(&RemittanceRecord) -> Json,
        notify: Option<RemittanceNotify>,
    ) -> Result<RemittanceRecord> {
        let source = if notify.is_some() {
            "felix poll"
        } else {
            "felix answer"
        };
        // Settling takes the CLABE's lock and writes the credit's row, which a client's lane
        // may hold in the other order: a deadlock PostgreSQL breaks is run again.
        self.write_again_after_deadlock(move || {
            let (reference, report, completion) =
                (reference.clone(), report.clone(), completion.clone());
            tx_fn(move |tx| {
                Box::pin(async move {
                    // The CLABE's lock before the row's, in the order every settlement path
                    // takes them (apply_reports takes it again; it is re-entrant).
                    if let Some(clabe) = settlement::account_to_lock(tx, id).await? {
                        settlement::lock_account(tx, &clabe).await?;
                    }
                    tx.exec(
                        "UPDATE remittances SET provider_reference = $2 WHERE id = $1",
                        &[id.into(), reference.into()],
                    )
                    .await?;
                    apply_reports(tx, id, &[report], source, notify).await?;
                    let saved = by_id_for_update(tx, id)
                        .await?
                        .ok_or(StoreError::NotFound)?;
                    if let Some(mut c) = completion {
                        c.body =
                            serde_json::to_vec(&render(&saved)).map_err(StoreError::backend)?;
                        complete(tx, &c).await?;
                    }
                    Ok(saved)
                })
            })
        })
        .await
    }

    /// Applies a provider's reports about one remittance, in order (see [`apply_reports`]).
    pub async fn report_remittance(
        &self,
        id: Uuid,
        reports: Vec<RemittanceReport>,
        source: &str,
        notify: Option<RemittanceNotify>,
    ) -> Result<Vec<Decision>> {
        let source = source.to_string();
        // As in save_remittance_answer: settling can meet a lane's batch.
        self.write_again_after_deadlock(move || {
            let (reports, source) = (reports.clone(), source.clone());
            tx_fn(move |tx| {
                Box::pin(async move { apply_reports(tx, id, &reports, &source, notify).await })
            })
        })
        .await
    }

    pub async fn get_remittance(&self, id: Uuid) -> Result<Option<RemittanceRecord>> {
        let sql: &'static str = concat!("SELECT ", columns!(), " FROM remittances WHERE id = $1");
        let rows = self.query(sql, vec![id.into()]).await?;
        rows.first().map(remittance).transpose()
    }

    /// The remittance a provider reference names.
    pub async fn find_remittance_by_reference(
        &self,
        provider: &str,
        reference: &str,
    ) -> Result<Option<RemittanceRecord>> {
        let sql: &'static str = concat!(
            "SELECT ",
            columns!(),
            " FROM remittances WHERE provider = $1 AND provider_reference = $2"
        );
        let rows = self
            .query(sql, vec![provider.into(), reference.into()])
            .await?;
        rows.first().map(remittance).transpose()
    }

    /// A remittance's status history, oldest first.
    pub async fn remittance_events(&self, id: Uuid) -> Result<Vec<RemittanceEvent>> {
        let rows = self
            .query(
                "SELECT seq, old_status, new_status, at, source FROM remittance_events
                 WHERE remittance_id = $1 ORDER BY seq",
                vec![id.into()],
            )
            .await?;
        rows.iter().map(event).collect()
    }

    /// One slice of a client's remittances, newest first (`created_at DESC, id DESC`).
    pub async fn list_remittances(&self, f: &RemittanceFilter) -> Result<Listed<RemittanceRecord>> {
        let listing = Listing {
            table: "remittances",
            columns: COLUMNS,
            tenant: "client_id = $1",
            tenant_params: vec![f.client_id.into()],
            filter: " AND ($2 IS NULL OR status = $2) \
                     AND ($3 IS NULL OR created_at >= $3) AND ($4 IS NULL OR created_at < $4)",
            filter_params: vec![
                f.status.map(|s| s.as_str()).into(),
                opt_micros(f.created_from),
                opt_micros(f.created_to),
            ],
            sort: "created_at",
        };
        self.list_slice(listing, f.slice.clone(), remittance).await
    }

    /// Notes that polling asked about a remittance now, whatever the answer, so the ones the
    /// provider cannot find go to the back of the queue instead of starving the rest.
    pub async fn mark_polled(&self, id: Uuid) -> Result<()> {
        self.exec(
            "UPDATE remittances SET polled_at = $2 WHERE id = $1",
            vec![id.into(), micros(flux_core::time::now())],
        )
        .await
        .map(|_| ())
    }

    /// Remittances of `provider` Flux still needs news of (not COMPLETED, CANCELLED or
    /// REFUNDED) not heard from since `heard_before`, with or without a provider reference (a
    /// create whose answer was lost has none): what polling asks the provider about, least
    /// recently heard first.
    pub async fn remittances_to_poll(
        &self,
        provider: &str,
        heard_before: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<RemittanceRecord>> {
        let sql: &'static str = concat!(
            "SELECT ",
            columns!(),
            " FROM remittances WHERE provider = $1",
            " AND status NOT IN ('COMPLETED', 'CANCELLED', 'REFUNDED')",
            // A create Félix refused made nothing there: nothing to ask about.
            " AND NOT (status = 'FAILED' AND provider_reference IS NULL)",
            " AND COALESCE(last_heard_at, created_at) < $2 AND COALESCE(polled_at, 0) < $2",
            " ORDER BY COALESCE(polled_at, 0), COALESCE(last_heard_at, created_at), id LIMIT $3"
        );
        let rows = self
            .query(
                sql,
                vec![provider.into(), micros(heard_before), limit.into()],
            )
            .await?;
        rows.iter().map(remittance).collect()
    }
}
