//! Money movements as Flux records them: one row per money-in, money-out or refund, keyed by
//! Flux's id and unique on (provider, provider_reference) so that a webhook and an API
//! response describing the same provider transaction land on the same row.

use crate::sql::{tx_fn, Row, Tx, Value};
use crate::*;

macro_rules! columns {
    () => {
        "id, partner_id, client_id, kind, status, amount, currency, description, \
         external_reference, tracking_key, source_instrument_id, destination_instrument_id, \
         related_transaction_id, provider, provider_reference, failure_code, failure_description, \
         counterparty, created_at, updated_at, cep_status, cep_processed_at"
    };
}

macro_rules! where_filtered {
    () => {
        " WHERE client_id = $1 AND ($2 IS NULL OR kind = $2) AND ($3 IS NULL OR status = $3) \
          AND ($4 IS NULL OR created_at >= $4) AND ($5 IS NULL OR created_at < $5)"
    };
}

const SELECT_BY_ID: &str = concat!("SELECT ", columns!(), " FROM transactions WHERE id = $1");
const SELECT_BY_PROVIDER_REF: &str = concat!(
    "SELECT ",
    columns!(),
    " FROM transactions WHERE provider = $1 AND provider_reference = $2"
);
const COUNT_FILTERED: &str = concat!("SELECT COUNT(*) FROM transactions", where_filtered!());
const SELECT_FILTERED: &str = concat!(
    "SELECT ",
    columns!(),
    " FROM transactions",
    where_filtered!(),
    " ORDER BY created_at DESC, id DESC LIMIT $6 OFFSET $7"
);

pub(crate) fn transaction(row: &Row) -> Result<TransactionRecord> {
    Ok(TransactionRecord {
        id: row.uuid(0)?,
        partner_id: row.uuid(1)?,
        client_id: row.uuid(2)?,
        kind: row.text(3)?,
        status: row.text(4)?,
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
    })
}

fn params(t: &TransactionRecord) -> Vec<Value> {
    vec![
        t.id.into(),
        t.partner_id.into(),
        t.client_id.into(),
        t.kind.clone().into(),
        t.status.clone().into(),
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
    ]
}

/// Inserts the transaction unless one with the same id or provider reference exists.
/// Returns true when this call inserted it.
pub(crate) async fn insert_if_new(tx: &mut dyn Tx, t: &TransactionRecord) -> Result<bool> {
    let changed = tx
        .exec(
            "INSERT INTO transactions (id, partner_id, client_id, kind, status, amount, currency, description,
               external_reference, tracking_key, source_instrument_id, destination_instrument_id,
               related_transaction_id, provider, provider_reference, failure_code, failure_description,
               counterparty, created_at, updated_at, cep_status, cep_processed_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22)
             ON CONFLICT DO NOTHING",
            &params(t),
        )
        .await?;
    Ok(changed == 1)
}

/// Inserts the transaction, or updates its mutable fields if the id exists.
pub(crate) async fn transaction_upsert(tx: &mut dyn Tx, t: &TransactionRecord) -> Result<()> {
    tx.exec(
        "INSERT INTO transactions (id, partner_id, client_id, kind, status, amount, currency, description,
           external_reference, tracking_key, source_instrument_id, destination_instrument_id,
           related_transaction_id, provider, provider_reference, failure_code, failure_description,
           counterparty, created_at, updated_at, cep_status, cep_processed_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22)
         ON CONFLICT (id) DO UPDATE SET status = excluded.status, tracking_key = excluded.tracking_key,
           provider_reference = excluded.provider_reference, failure_code = excluded.failure_code,
           failure_description = excluded.failure_description, counterparty = excluded.counterparty,
           updated_at = excluded.updated_at",
        &params(t),
    )
    .await
    .map(|_| ())
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
        self.write(tx_fn(move |tx| {
            Box::pin(async move {
                let inserted = insert_if_new(tx, &t).await?;
                if inserted {
                    book(&books, tx, None, &t).await?;
                }
                Ok(inserted)
            })
        }))
        .await
    }

    /// Saves a transaction's new state.
    pub async fn update_transaction(&self, t: &TransactionRecord) -> Result<()> {
        let t = t.clone();
        let books = self.books();
        self.write(tx_fn(move |tx| {
            Box::pin(async move {
                let before = by_id(tx, t.id).await?;
                tx.exec(
                    "UPDATE transactions SET status = $2, tracking_key = $3, provider_reference = $4,
                       failure_code = $5, failure_description = $6, counterparty = $7, updated_at = $8
                     WHERE id = $1",
                    &[
                        t.id.into(),
                        t.status.clone().into(),
                        t.tracking_key.clone().into(),
                        t.provider_reference.clone().into(),
                        t.failure_code.clone().into(),
                        t.failure_description.clone().into(),
                        t.counterparty.clone().into(),
                        micros(t.updated_at),
                    ],
                )
                .await
                .and_then(|n| if n == 1 { Ok(()) } else { Err(StoreError::NotFound) })?;
                book(&books, tx, before.as_ref(), &t).await
            })
        }))
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

    /// One page of a client's transactions, newest first, and the total that match.
    pub async fn list_transactions(
        &self,
        f: &TransactionFilter,
    ) -> Result<(Vec<TransactionRecord>, u64)> {
        let per_page = i64::from(f.per_page.clamp(1, 500));
        let offset = i64::from(f.page.max(1) - 1) * per_page;
        let filters: Vec<Value> = vec![
            f.client_id.into(),
            f.kind.clone().into(),
            f.status.clone().into(),
            opt_micros(f.created_from),
            opt_micros(f.created_to),
        ];
        let mut page_params = filters.clone();
        page_params.push(per_page.into());
        page_params.push(offset.into());
        self.read(tx_fn(move |tx| {
            Box::pin(async move {
                let total = tx.query(COUNT_FILTERED, &filters).await?;
                let total = total.first().map(|r| r.int(0)).transpose()?.unwrap_or(0);
                let rows = tx.query(SELECT_FILTERED, &page_params).await?;
                let items = rows.iter().map(transaction).collect::<Result<Vec<_>>>()?;
                Ok((items, total as u64))
            })
        }))
        .await
    }
}
