//! Reads, and account creation (accounts are created rarely and outside the batching writer).

use crate::model::*;
use crate::rows::{self, ACCOUNT_COLUMNS, TRANSACTION_COLUMNS};
use chrono::{DateTime, Utc};
use flux_store::sql::{tx_fn, Tx, Value};
use flux_store::{Store, StoreError};
use uuid::Uuid;

pub(crate) fn account_from_new(new: &NewAccount, now: DateTime<Utc>) -> Account {
    Account {
        id: new.id.unwrap_or_else(Uuid::new_v4),
        ledger_id: new.ledger_id,
        currency: new.currency,
        normal_balance: new.normal_balance,
        overdraft_limit: new.overdraft_limit,
        name: new.name.clone(),
        person_id: new.person_id,
        metadata: new.metadata.clone(),
        totals: Totals::default(),
        created_at: now,
    }
}

/// Inserts a new account inside the caller's transaction (Flux's books open accounts in the
/// same transaction as their first movement).
pub async fn insert_account(tx: &mut dyn Tx, a: &Account) -> Result<(), StoreError> {
    insert_account_sql(tx, a, "").await
}

/// Like [`insert_account`], but an account with this id already there is not an error: two
/// first movements of one client racing on two instances both find their account.
pub async fn insert_account_if_absent(tx: &mut dyn Tx, a: &Account) -> Result<(), StoreError> {
    insert_account_sql(tx, a, "ON CONFLICT (id) DO NOTHING").await
}

async fn insert_account_sql(tx: &mut dyn Tx, a: &Account, tail: &str) -> Result<(), StoreError> {
    let sql = format!(
        "INSERT INTO ledger_accounts ({ACCOUNT_COLUMNS}) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,0,0,0,0,$9) {tail}"
    );
    tx.exec(
        &sql,
        &[
            a.id.into(),
            a.ledger_id.into(),
            a.currency.code().into(),
            a.normal_balance.as_str().into(),
            a.overdraft_limit.into(),
            a.name.clone().into(),
            a.person_id.into(),
            a.metadata.to_string().into(),
            flux_core::time::to_micros(a.created_at).into(),
        ],
    )
    .await?;
    Ok(())
}

pub async fn account_in(tx: &mut dyn Tx, id: Uuid) -> Result<Option<Account>, StoreError> {
    let sql = format!("SELECT {ACCOUNT_COLUMNS} FROM ledger_accounts WHERE id = $1");
    match tx.query_opt(&sql, &[id.into()]).await? {
        Some(row) => Ok(Some(rows::account(&row)?)),
        None => Ok(None),
    }
}

pub async fn get_account(store: &Store, id: Uuid) -> Result<Option<Account>, StoreError> {
    store
        .read(tx_fn(move |tx| {
            Box::pin(async move { account_in(tx, id).await })
        }))
        .await
}

pub async fn get_transaction(store: &Store, id: Uuid) -> Result<Option<Transaction>, StoreError> {
    store
        .read(tx_fn(move |tx| {
            Box::pin(async move {
                let sql =
                    format!("SELECT {TRANSACTION_COLUMNS} FROM ledger_transactions WHERE id = $1");
                match tx.query_opt(&sql, &[id.into()]).await? {
                    Some(row) => Ok(Some(rows::transaction(&row)?.0)),
                    None => Ok(None),
                }
            })
        }))
        .await
}

/// Holds whose deadline has passed.
pub async fn due_holds(
    store: &Store,
    now: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<Uuid>, StoreError> {
    let rows = store
        .read(tx_fn(move |tx| {
            Box::pin(async move {
                tx.query(
                    "SELECT id FROM ledger_transactions WHERE status = 'pending' \
                     AND expires_at IS NOT NULL AND expires_at <= $1 ORDER BY expires_at LIMIT $2",
                    &[Value::from(flux_core::time::to_micros(now)), limit.into()],
                )
                .await
            })
        }))
        .await?;
    rows.iter().map(|r| r.uuid(0)).collect()
}
