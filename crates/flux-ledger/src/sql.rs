//! Set-at-a-time reads. A batch touches hundreds of rows. On PostgreSQL one statement per row
//! would be one network round trip each, so every multi-row read is a single statement over an
//! array parameter (`= ANY($1)`): one round trip and one cached plan whatever the batch size.
//! On SQLite a statement is a function call, and a prepared single-row statement per key is the
//! cheapest form. (Writes: [`crate::write`].)
//!
//! One key, the usual case of a write lane's job (one money-out, one hold), is read with
//! `= $1` on PostgreSQL too. sqlx prepares each statement once per connection, and after five
//! runs PostgreSQL may keep a generic plan, one made without the parameter's value. For
//! `= ANY($1)` that plan assumes a 10-element array, and on a young table (no statistics yet,
//! a few thousand rows) it chose a sequential scan of `ledger_transactions`: 310 µs per
//! money-out and growing with the table, against 10 µs by the index (auto_explain, 2026-12-01).
//! For `= $1` the generic plan is the index lookup.

use flux_store::sql::{Row, Tx, Value};
use flux_store::StoreError;

pub(crate) fn is_postgres(tx: &dyn Tx) -> bool {
    tx.dialect() == "postgres"
}

/// Runs `head <op> tail` for every key, where `head` ends with the key column
/// (`SELECT … WHERE id`); returns every row. With `ORDER BY` in `tail` and sorted keys,
/// rows come back (and, with `FOR UPDATE`, are locked) in key order.
pub async fn query_keys(
    tx: &mut dyn Tx,
    head: &str,
    tail: &str,
    keys: Vec<String>,
) -> Result<Vec<Row>, StoreError> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    if is_postgres(tx) && keys.len() > 1 {
        let sql = format!("{head} = ANY($1) {tail}");
        let keys = Value::TextArray(keys.into_iter().map(Some).collect());
        return tx.query(&sql, &[keys]).await;
    }
    // `tail` keeps PostgreSQL's `FOR UPDATE`; on SQLite it is at most an `ORDER BY`.
    let sql = format!("{head} = $1 {tail}");
    let mut out = Vec::new();
    for key in keys {
        out.extend(tx.query(&sql, &[Value::from(key)]).await?);
    }
    Ok(out)
}

/// `FOR UPDATE` where the backend has row locks; SQLite's single writer needs none.
pub fn for_update(tx: &dyn Tx) -> &'static str {
    if is_postgres(tx) {
        "FOR UPDATE"
    } else {
        ""
    }
}
