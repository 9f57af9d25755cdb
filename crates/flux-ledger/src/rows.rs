//! Row ↔ model conversions for the ledger tables.

use crate::model::*;
use flux_core::money::Currency;
use flux_store::sql::{Row, Value};
use flux_store::StoreError;
use uuid::Uuid;

pub const ACCOUNT_COLUMNS: &str = "id, ledger_id, currency, normal_balance, overdraft_limit, name, \
     person_id, metadata, debits_posted, credits_posted, debits_pending, credits_pending, created_at";

pub const TRANSACTION_COLUMNS: &str = "id, ledger_id, reference_id, currency, description, status, \
     operations, posted_operations, metadata, expires_at, created_at, updated_at, idempotency_key, fingerprint";

fn corrupt(column: usize, what: &str) -> StoreError {
    StoreError::corrupt(column, what)
}

fn currency(row: &Row, i: usize) -> Result<Currency, StoreError> {
    row.text(i)?
        .parse()
        .map_err(|_| corrupt(i, "unknown currency"))
}

fn json(row: &Row, i: usize) -> Result<serde_json::Value, StoreError> {
    serde_json::from_str(&row.text(i)?).map_err(|_| corrupt(i, "not JSON"))
}

pub fn account(row: &Row) -> Result<Account, StoreError> {
    Ok(Account {
        id: row.uuid(0)?,
        ledger_id: row.uuid(1)?,
        currency: currency(row, 2)?,
        normal_balance: Side::parse(&row.text(3)?).ok_or_else(|| corrupt(3, "normal balance"))?,
        overdraft_limit: row.opt_int(4)?,
        name: row.opt_text(5)?,
        person_id: row.opt_uuid(6)?,
        metadata: json(row, 7)?,
        totals: Totals {
            debits_posted: row.int(8)?,
            credits_posted: row.int(9)?,
            debits_pending: row.int(10)?,
            credits_pending: row.int(11)?,
        },
        created_at: flux_core::time::from_micros(row.int(12)?),
    })
}

fn operations(text: &str, column: usize) -> Result<Vec<Operation>, StoreError> {
    serde_json::from_str(text).map_err(|_| corrupt(column, "operations"))
}

pub fn operations_json(ops: &[Operation]) -> String {
    serde_json::to_string(ops).unwrap_or_else(|_| "[]".into())
}

/// A transaction row, with its idempotency key and request fingerprint.
pub fn transaction(row: &Row) -> Result<(Transaction, Option<String>, String), StoreError> {
    let txn = Transaction {
        id: row.uuid(0)?,
        ledger_id: row.uuid(1)?,
        reference_id: row.text(2)?,
        currency: currency(row, 3)?,
        description: row.opt_text(4)?,
        status: Status::parse(&row.text(5)?).ok_or_else(|| corrupt(5, "status"))?,
        operations: operations(&row.text(6)?, 6)?,
        posted_operations: match row.opt_text(7)? {
            Some(t) => Some(operations(&t, 7)?),
            None => None,
        },
        metadata: json(row, 8)?,
        expires_at: row.opt_int(9)?.map(flux_core::time::from_micros),
        created_at: flux_core::time::from_micros(row.int(10)?),
        updated_at: flux_core::time::from_micros(row.int(11)?),
    };
    Ok((txn, row.opt_text(12)?, row.text(13)?))
}

/// The insert values of a transaction row, in `TRANSACTION_COLUMNS` order.
pub fn transaction_values(
    t: &Transaction,
    key: Option<&str>,
    fingerprint: &str,
    out: &mut Vec<Value>,
) {
    out.extend([
        Value::from(t.id),
        Value::from(t.ledger_id),
        Value::from(t.reference_id.as_str()),
        Value::from(t.currency.code()),
        Value::from(t.description.clone()),
        Value::from(t.status.as_str()),
        Value::from(operations_json(&t.operations)),
        Value::from(t.posted_operations.as_deref().map(operations_json)),
        Value::from(t.metadata.to_string()),
        Value::from(t.expires_at.map(flux_core::time::to_micros)),
        Value::from(flux_core::time::to_micros(t.created_at)),
        Value::from(flux_core::time::to_micros(t.updated_at)),
        Value::from(key),
        Value::from(fingerprint),
    ]);
}

pub fn uuid_keys(ids: &[Uuid]) -> Vec<String> {
    ids.iter().map(Uuid::to_string).collect()
}
