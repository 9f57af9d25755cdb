//! Money movements as Flux records them: one row per money-in, money-out or refund, keyed by
//! Flux's id and unique on (provider, provider_reference) so that a webhook and an API
//! response describing the same provider transaction land on the same row.

use crate::keyset::Listing;
use crate::sql::{tx_fn, Row, Tx, Value};
use crate::*;
use flux_core::TxStatus;

/// What [`Store::claim_and_insert_transaction`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClaimedIntent {
    /// The key is ours and the intent is recorded, its hold placed.
    Recorded,
    /// The key is ours; a transaction with this id was recorded before (a retry of the same
    /// operation), and is left as it was.
    Exists,
    /// The key has a row already: another request holds it or finished with it, or left it
    /// expired or stale. Nothing was written and nothing is locked;
    /// [`Store::claim_idempotency`] decides which it is.
    KeySeenBefore,
}

macro_rules! columns {
    () => {
        "id, partner_id, client_id, kind, status, amount, currency, description, \
         external_reference, tracking_key, source_instrument_id, destination_instrument_id, \
         related_transaction_id, provider, provider_reference, failure_code, failure_description, \
         counterparty, created_at, updated_at, cep_status, cep_processed_at, remittance_id"
    };
}

pub(crate) use columns;

const SELECT_BY_ID: &str = concat!("SELECT ", columns!(), " FROM transactions WHERE id = $1");
const SELECT_BY_PROVIDER_REF: &str = concat!(
    "SELECT ",
    columns!(),
    " FROM transactions WHERE provider = $1 AND provider_reference = $2"
);

pub(crate) fn transaction(row: &Row) -> Result<TransactionRecord> {
    Ok(TransactionRecord {
        id: row.uuid(0)?,
        partner_id: row.uuid(1)?,
        client_id: row.uuid(2)?,
        kind: row
            .text(3)?
            .parse()
            .map_err(|_| StoreError::corrupt(3, "unknown transaction kind"))?,
        status: row
            .text(4)?
            .parse()
            .map_err(|_| StoreError::corrupt(4, "unknown transaction status"))?,
        amount: row.text(5)?,
        currency: row.text(6)?,
        description: row.opt_text(7)?,
        external_reference: row.opt_text(8)?,
        tracking_key: row.opt_text(9)?,
        source_instrument_id: row.opt_uuid(10)?,
        destination_instrument_id: row.opt_uuid(11)?,
        related_transaction_id: row.opt_uuid(12)?,
        provider: row.text(13)?,
        provider_reference: row.opt_text(14)?,
        failure_code: row.opt_text(15)?,
        failure_description: row.opt_text(16)?,
        counterparty: row.opt_text(17)?,
        created_at: instant(row, 18)?,
        updated_at: instant(row, 19)?,
        cep_status: row.opt_text(20)?,
        cep_processed_at: opt_instant(row, 21)?,
        remittance_id: row.opt_uuid(22)?,
    })
}

fn params(t: &TransactionRecord) -> Vec<Value> {
    vec![
        t.id.into(),
        t.partner_id.into(),
        t.client_id.into(),
        t.kind.as_str().into(),
        t.status.as_str().into(),
        t.amount.clone().into(),
        t.currency.clone().into(),
        t.description.clone().into(),
        t.external_reference.clone().into(),
        t.tracking_key.clone().into(),
        t.source_instrument_id.into(),
        t.destination_instrument_id.into(),
        t.related_transaction_id.into(),
        t.provider.clone().into(),
        t.provider_reference.clone().into(),
        t.failure_code.clone().into(),
        t.failure_description.clone().into(),
        t.counterparty.clone().into(),
        micros(t.created_at),
        micros(t.updated_at),
        t.cep_status.clone().into(),
        opt_micros(t.cep_processed_at),
        t.remittance_id.into(),
    ]
}

/// Records a new transaction and books it (a money-out's hold); false, with nothing written,
/// when the id or the provider reference is known already.
async fn insert_and_book(
    tx: &mut dyn Tx,
    books: &Option<std::sync::Arc<dyn crate::books::Books>>,
    t: &TransactionRecord,
) -> Result<bool> {
    let inserted = insert_if_new(tx, t).await?;
    if inserted {
        book(books, tx, None, t).await?;
    }
    Ok(inserted)
}

/// [`crate::idempotency::take_new_key`] then [`insert_if_new`] (the intent only if the key was
/// taken) as one PostgreSQL statement: one round trip fewer in the client's write lane, whose
/// round trips one after another bound a client's writes. SQLite has no `INSERT` in `WITH`,
/// and a statement there is a function call anyway.
async fn take_key_and_insert(
    tx: &mut dyn Tx,
    claim: &KeyClaim,
    t: &TransactionRecord,
) -> Result<ClaimedIntent> {
    const TAKE_KEY_AND_INSERT: &str = concat!(
        "WITH key AS (
           INSERT INTO idempotency_keys (partner_id, key, fingerprint, state, created_at, expires_at)
           VALUES ($24, $25, $26, 'in_flight', $27, $28)
           ON CONFLICT (partner_id, key) DO NOTHING RETURNING 1),
         intent AS (
           INSERT INTO transactions (",
        columns!(),
        ")
           SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18,
                  $19, $20, $21, $22, $23
           WHERE EXISTS (SELECT 1 FROM key)
           ON CONFLICT DO NOTHING RETURNING 1)
         SELECT (SELECT count(*) FROM key), (SELECT count(*) FROM intent)"
    );
    let mut params = params(t);
    params.extend(claim.params().into_iter().take(5));
    let row = tx
        .query_opt(TAKE_KEY_AND_INSERT, &params)
        .await?
        .ok_or_else(|| StoreError::Unavailable("the claim statement returned no row".into()))?;
    Ok(match (row.int(0)?, row.int(1)?) {
        (0, _) => ClaimedIntent::KeySeenBefore,
        (_, 0) => ClaimedIntent::Exists,
        _ => ClaimedIntent::Recorded,
    })
}

/// Inserts the transaction unless one with the same id or provider reference exists.
/// Returns true when this call inserted it.
pub(crate) async fn insert_if_new(tx: &mut dyn Tx, t: &TransactionRecord) -> Result<bool> {
    let changed = tx
        .exec(
            "INSERT INTO transactions (id, partner_id, client_id, kind, status, amount, currency, description,
               external_reference, tracking_key, source_instrument_id, destination_instrument_id,
               related_transaction_id, provider, provider_reference, failure_code, failure_description,
               counterparty, created_at, updated_at, cep_status, cep_processed_at, remittance_id)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23)
             ON CONFLICT DO NOTHING",
            &params(t),
        )
        .await?;
    Ok(changed == 1)
}

/// Records the provider's identifiers for a transaction that had none (its reference, tracking
/// key, counterparty). Returns the reference and the row as written when this call set it:
/// events held for it can now be applied.
pub(crate) async fn learn_reference(
    tx: &mut dyn Tx,
    before: &TransactionRecord,
    answer: &TransactionRecord,
) -> Result<Option<(String, TransactionRecord)>> {
    let Some(reference) = answer.provider_reference.clone() else {
        return Ok(None);
    };
    if before.provider_reference.is_some() {
        return Ok(None);
    }
    // Before the row is touched: an event for this reference is either committed (and held,
    // for apply_held to find) or waits for this transaction (and then finds the reference).
    crate::inbound::lock_reference(tx, &before.provider, &reference).await?;
    tx.query_opt(
        concat!(
            "UPDATE transactions SET provider_reference = $2, tracking_key = COALESCE($3, tracking_key),
               counterparty = COALESCE($4, counterparty), external_reference = COALESCE(external_reference, $5)
             WHERE id = $1 AND provider_reference IS NULL RETURNING ",
            columns!()
        ),
        &[
            before.id.into(),
            reference.clone().into(),
            answer.tracking_key.clone().into(),
            answer.counterparty.clone().into(),
            answer.external_reference.clone().into(),
        ],
    )
    .await?
    .map(|row| Ok((reference, transaction(&row)?)))
    .transpose()
}

/// The transaction with this id, read inside the caller's transaction.
pub(crate) async fn by_id(tx: &mut dyn Tx, id: Uuid) -> Result<Option<TransactionRecord>> {
    tx.query_opt(SELECT_BY_ID, &[id.into()])
        .await?
        .as_ref()
        .map(transaction)
        .transpose()
}

/// Tells the books of a change, inside the transaction that makes it.
pub(crate) async fn book(
    books: &Option<std::sync::Arc<dyn crate::books::Books>>,
    tx: &mut dyn Tx,
    before: Option<&TransactionRecord>,
    after: &TransactionRecord,
) -> Result<()> {
    match books {
        Some(b) => b.on_transaction(tx, before, after).await,
        None => Ok(()),
    }
}

/// The transaction with this provider reference, read inside the caller's transaction.
pub(crate) async fn by_reference(
    tx: &mut dyn Tx,
    provider: &str,
    reference: &str,
) -> Result<Option<TransactionRecord>> {
    tx.query_opt(SELECT_BY_PROVIDER_REF, &[provider.into(), reference.into()])
        .await?
        .as_ref()
        .map(transaction)
        .transpose()
}

impl Store {
    /// Records a new transaction; false if it (or its provider reference) is already recorded.
    pub async fn insert_transaction(&self, t: &TransactionRecord) -> Result<bool> {
        let t = t.clone();
        let books = self.books();
        self.write_in_lane(t.client_id, move || {
            let (t, books) = (t.clone(), books.clone());
            tx_fn(move |tx| Box::pin(async move { insert_and_book(tx, &books, &t).await }))
        })
        .await
    }

    /// Takes the request's Idempotency-Key and records the intent in one transaction, one
    /// commit where a separate claim would cost two. Only a key never seen before is taken
    /// here; any other leaves nothing written, and [`Store::claim_idempotency`] then decides
    /// (a replay, a request in flight, a stale claim to take over). A refused intent (the
    /// books cannot hold its amount) undoes the claim with it, so a retry runs again.
    pub async fn claim_and_insert_transaction(
        &self,
        claim: &KeyClaim,
        t: &TransactionRecord,
    ) -> Result<ClaimedIntent> {
        let (claim, t) = (claim.clone(), t.clone());
        let books = self.books();
        self.write_in_lane(t.client_id, move || {
            let (claim, t, books) = (claim.clone(), t.clone(), books.clone());
            tx_fn(move |tx| {
                Box::pin(async move {
                    let claimed = match tx.dialect() {
                        "postgres" => take_key_and_insert(tx, &claim, &t).await?,
                        _ => match crate::idempotency::take_new_key(tx, &claim).await? {
                            false => ClaimedIntent::KeySeenBefore,
                            true if insert_if_new(tx, &t).await? => ClaimedIntent::Recorded,
                            true => ClaimedIntent::Exists,
                        },
                    };
                    if claimed == ClaimedIntent::Recorded {
                        book(&books, tx, None, &t).await?;
                    }
                    Ok(claimed)
                })
            })
        })
        .await
    }

    pub async fn get_transaction(&self, id: Uuid) -> Result<Option<TransactionRecord>> {
        let rows = self.query(SELECT_BY_ID, vec![id.into()]).await?;
        rows.first().map(transaction).transpose()
    }

    pub async fn find_transaction_by_provider_ref(
        &self,
        provider: &str,
        reference: &str,
    ) -> Result<Option<TransactionRecord>> {
        let (provider, reference) = (provider.to_string(), reference.to_string());
        self.read(tx_fn(move |tx| {
            Box::pin(async move { by_reference(tx, &provider, &reference).await })
        }))
        .await
    }

    /// One slice of a client's transactions, newest first (`created_at DESC, id DESC`).
    pub async fn list_transactions(
        &self,
        f: &TransactionFilter,
    ) -> Result<Listed<TransactionRecord>> {
        let listing = Listing {
            table: "transactions",
            columns: columns!(),
            tenant: "client_id = $1",
            tenant_params: vec![f.client_id.into()],
            filter: " AND ($2 IS NULL OR kind = $2) AND ($3 IS NULL OR status = $3) \
                     AND ($4 IS NULL OR created_at >= $4) AND ($5 IS NULL OR created_at < $5)",
            filter_params: vec![
                f.kind.map(|k| k.as_str()).into(),
                f.status.map(|s| s.as_str()).into(),
                opt_micros(f.created_from),
                opt_micros(f.created_to),
            ],
            sort: "created_at",
        };
        self.list_slice(listing, f.slice.clone(), transaction).await
    }
}

const SELECT_OPEN_BEFORE: &str = concat!(
    "SELECT ",
    columns!(),
    " FROM transactions t WHERE status IN ('SUBMITTING', 'UNKNOWN', 'INITIALIZED', 'PENDING') \
     AND updated_at < $1 AND ($2 = 1 OR NOT EXISTS (SELECT 1 FROM review_items r \
       WHERE r.transaction_id = t.id AND r.resolved_at IS NULL)) \
     ORDER BY updated_at, id LIMIT $3"
);

/// What recording a refund's intent found.
#[derive(Debug, Clone, PartialEq)]
pub enum RefundIntent {
    /// Recorded now, with its hold: call the provider.
    Recorded,
    /// This very refund (same id: the partner's retry) was recorded before, as it is now.
    Existing(Box<TransactionRecord>),
}

/// A provider event that waits for its transaction to become known.
#[derive(Debug, Clone, PartialEq)]
pub struct HeldEvent {
    pub provider: String,
    pub id_msg: String,
    pub msg_name: String,
    pub provider_reference: String,
    pub received_at: DateTime<Utc>,
}

impl Store {
    /// Transactions still not final whose last change is older than `before`, oldest first.
    /// Unless `include_in_review`, those an operator already has in review are left out.
    pub async fn open_transactions_before(
        &self,
        before: DateTime<Utc>,
        include_in_review: bool,
        limit: i64,
    ) -> Result<Vec<TransactionRecord>> {
        let rows = self
            .query(
                SELECT_OPEN_BEFORE,
                vec![
                    micros(before),
                    i64::from(include_in_review).into(),
                    limit.into(),
                ],
            )
            .await?;
        rows.iter().map(transaction).collect()
    }

    /// Records a refund's intent, and its hold, before the provider is called: refunds carry no
    /// idempotency key at Fincore, so Flux must know it asked even if it never hears back. A
    /// second refund is refused while one is under way, unknown or done (409).
    pub async fn record_refund_intent(&self, refund: &TransactionRecord) -> Result<RefundIntent> {
        let refund = refund.clone();
        let books = self.books();
        self.write_in_lane(refund.client_id, move || {
            let (refund, books) = (refund.clone(), books.clone());
            tx_fn(move |tx| {
                Box::pin(async move {
                    let original = refund.related_transaction_id.ok_or(StoreError::NotFound)?;
                    // Touching the original takes its row lock: two instances recording refunds of
                    // one transaction at once are serialised here (SQLite serialises all writers).
                    tx.exec(
                        "UPDATE transactions SET updated_at = updated_at WHERE id = $1",
                        &[original.into()],
                    )
                    .await?;
                    let rows = tx
                        .query(
                            concat!(
                                "SELECT ",
                                columns!(),
                                " FROM transactions WHERE related_transaction_id = $1 AND kind = 'REFUND'"
                            ),
                            &[original.into()],
                        )
                        .await?;
                    for existing in rows.iter().map(transaction) {
                        let existing = existing?;
                        if existing.id == refund.id {
                            return Ok(RefundIntent::Existing(Box::new(existing)));
                        }
                        // A refund that failed, was rejected or came back leaves the money with
                        // the client: another may be made. Any other is under way or done.
                        if !matches!(
                            existing.status,
                            TxStatus::Failed | TxStatus::Rejected | TxStatus::Returned
                        ) {
                            return Err(refund_refused(&existing));
                        }
                    }
                    // The id is taken by another transaction: the partner's key was first used
                    // for a refund of a different credit.
                    if !insert_if_new(tx, &refund).await? {
                        return Err(StoreError::Refused {
                            code: "idempotency_key_reused".into(),
                            message: "this Idempotency-Key was first used for another refund".into(),
                        });
                    }
                    book(&books, tx, None, &refund).await?;
                    Ok(RefundIntent::Recorded)
                })
            })
        })
        .await
    }

    /// Events held for a transaction Flux does not know, received before `before`.
    pub async fn held_events_before(&self, before: DateTime<Utc>) -> Result<Vec<HeldEvent>> {
        let rows = self
            .query(
                "SELECT provider, id_msg, msg_name, provider_reference, received_at FROM inbound_events
                 WHERE disposition = 'held' AND received_at < $1 ORDER BY received_at LIMIT 1000",
                vec![micros(before)],
            )
            .await?;
        rows.iter()
            .map(|r| {
                Ok(HeldEvent {
                    provider: r.text(0)?,
                    id_msg: r.text(1)?,
                    msg_name: r.text(2)?,
                    provider_reference: r.text(3)?,
                    received_at: instant(r, 4)?,
                })
            })
            .collect()
    }

    /// Moves a transaction's status as an operator or the resolver decided, through the state
    /// machine, announcing the change to the partner.
    pub async fn report_status(
        &self,
        id: Uuid,
        report: crate::status::StatusReport,
        source: crate::status::Source,
        notify: Option<crate::outbox::OutboundEvent>,
    ) -> Result<crate::status::Applied> {
        let books = self.books();
        // In the client's lane, like every other change of its transactions (a status change
        // settles a hold): the lookup is one read, and status reports are rare.
        let client = self.get_transaction(id).await?.map(|t| t.client_id);
        self.write_for(client, move || {
            let (books, report, source) = (books.clone(), report.clone(), source.clone());
            tx_fn(move |tx| {
                Box::pin(async move {
                    let read = by_id(tx, id).await?.ok_or(StoreError::NotFound)?;
                    crate::status::apply_report(tx, &books, notify.as_ref(), read, &report, &source)
                        .await
                })
            })
        })
        .await
    }
}

fn refund_refused(existing: &TransactionRecord) -> StoreError {
    let (code, what) = match existing.status {
        TxStatus::Submitting | TxStatus::Unknown => (
            "refund_in_progress",
            "has a refund whose outcome is not known yet; it is being resolved, never sent twice",
        ),
        _ => ("already_refunded", "was already refunded"),
    };
    StoreError::Refused {
        code: code.into(),
        message: format!(
            "the transaction {what} (refund {}, {})",
            existing.id, existing.status
        ),
    }
}
