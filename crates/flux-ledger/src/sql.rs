//! Set-at-a-time statements. A batch touches hundreds of rows. On PostgreSQL one statement per
//! row would be one network round trip each, so every multi-row read and write is a single
//! statement over array parameters (`= ANY($1)`, `unnest(…)`): one round trip and one cached
//! plan whatever the batch size. On SQLite a statement is a function call, and a prepared
//! single-row statement per row is the cheapest form, so that is what it gets. The statements
//! differ only in how rows are passed; what they do is written once, here.

use flux_store::sql::{Row, Tx, Value};
use flux_store::StoreError;

fn is_postgres(tx: &dyn Tx) -> bool {
    tx.dialect() == "postgres"
}

/// Transposes flattened rows into one array parameter per column, typed by the first row.
fn columns(cols: usize, rows: &[Value]) -> (Vec<Value>, Vec<&'static str>) {
    let mut arrays = Vec::with_capacity(cols);
    let mut types = Vec::with_capacity(cols);
    for c in 0..cols {
        match rows.get(c) {
            Some(Value::Int(_)) | Some(Value::IntArray(_)) => {
                arrays.push(Value::IntArray(
                    rows.iter()
                        .skip(c)
                        .step_by(cols)
                        .map(|v| match v {
                            Value::Int(i) => *i,
                            _ => None,
                        })
                        .collect(),
                ));
                types.push("int8[]");
            }
            _ => {
                arrays.push(Value::TextArray(
                    rows.iter()
                        .skip(c)
                        .step_by(cols)
                        .map(|v| match v {
                            Value::Text(t) => t.clone(),
                            _ => None,
                        })
                        .collect(),
                ));
                types.push("text[]");
            }
        }
    }
    (arrays, types)
}

fn unnest(types: &[&str]) -> String {
    let args: Vec<String> = types
        .iter()
        .enumerate()
        .map(|(i, t)| format!("${}::{t}", i + 1))
        .collect();
    format!("unnest({})", args.join(", "))
}

/// Inserts `rows` (flattened, `cols` values each): `head` is `INSERT INTO t (c1, c2, …)`.
pub async fn insert_rows(
    tx: &mut dyn Tx,
    head: &str,
    cols: usize,
    rows: &[Value],
) -> Result<(), StoreError> {
    if rows.is_empty() {
        return Ok(());
    }
    if is_postgres(tx) {
        let (arrays, types) = columns(cols, rows);
        let sql = format!("{head} SELECT * FROM {}", unnest(&types));
        tx.exec(&sql, &arrays).await?;
        return Ok(());
    }
    let placeholders: Vec<String> = (1..=cols).map(|i| format!("${i}")).collect();
    let sql = format!("{head} VALUES ({})", placeholders.join(","));
    for row in rows.chunks(cols) {
        tx.exec(&sql, row).await?;
    }
    Ok(())
}

/// Updates rows by id: each row is `id, value2, value3…` and `set` refers to them as
/// `v.column2`, `v.column3`….
pub async fn update_rows(
    tx: &mut dyn Tx,
    table: &str,
    set: &str,
    cols: usize,
    rows: &[Value],
) -> Result<(), StoreError> {
    if rows.is_empty() {
        return Ok(());
    }
    if is_postgres(tx) {
        let (arrays, types) = columns(cols, rows);
        let names: Vec<String> = (1..=cols).map(|i| format!("column{i}")).collect();
        let sql = format!(
            "UPDATE {table} SET {set} FROM {} AS v({}) WHERE {table}.id = v.column1",
            unnest(&types),
            names.join(", ")
        );
        tx.exec(&sql, &arrays).await?;
        return Ok(());
    }
    let sql = format!(
        "UPDATE {table} SET {} WHERE id = $1",
        set.replace("v.column", "$")
    );
    for row in rows.chunks(cols) {
        tx.exec(&sql, row).await?;
    }
    Ok(())
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
