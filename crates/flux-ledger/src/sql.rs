//! Set-at-a-time reads. A batch touches hundreds of rows. On PostgreSQL one statement per row
//! would be one network round trip each, so every multi-row read is a single statement over an
//! array parameter (`= ANY($1)`): one round trip and one cached plan whatever the batch size.
//! On SQLite a statement is a function call, and a prepared single-row statement per key is the
//! cheapest form. (Writes: [`crate::write`].)

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
    if is_postgres(tx) {
        let sql = format!("{head} = ANY($1) {tail}");
        let keys = Value::TextArray(keys.into_iter().map(Some).collect());
        return tx.query(&sql, &[keys]).await;
    }
    let sql = format!("{head} = $1");
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
