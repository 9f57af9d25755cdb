//! Set-at-a-time statements. A batch touches hundreds of rows; one statement per row would be
//! one network round trip each on PostgreSQL. These helpers write multi-row `VALUES` lists and
//! `IN (…)` lists instead, in chunks whose sizes are powers of two so that only a handful of
//! distinct statement texts exist and both backends' prepared-statement caches keep them all.

use flux_store::sql::{Row, Tx, Value};
use flux_store::StoreError;

/// The largest chunk: 128 rows × 14 columns stays far below both backends' parameter limits.
const MAX_CHUNK: usize = 128;

/// Splits `n` items into chunk lengths: full chunks, then the remainder's powers of two.
fn chunk_lengths(mut n: usize) -> Vec<usize> {
    let mut out = Vec::new();
    while n >= MAX_CHUNK {
        out.push(MAX_CHUNK);
        n -= MAX_CHUNK;
    }
    let mut size = MAX_CHUNK / 2;
    while n > 0 {
        if n >= size {
            out.push(size);
            n -= size;
        }
        size /= 2;
    }
    out
}

/// "($1,$2,$3),($4,$5,$6)" for `rows` rows of `cols` columns.
fn tuples(rows: usize, cols: usize) -> String {
    let mut s = String::with_capacity(rows * cols * 5);
    for r in 0..rows {
        if r > 0 {
            s.push(',');
        }
        s.push('(');
        for c in 0..cols {
            if c > 0 {
                s.push(',');
            }
            s.push('$');
            s.push_str(&(r * cols + c + 1).to_string());
        }
        s.push(')');
    }
    s
}

/// Runs `head VALUES (…),(…) tail` over `rows`, chunked. `rows` are flattened column values.
pub async fn exec_values(
    tx: &mut dyn Tx,
    head: &str,
    tail: &str,
    cols: usize,
    rows: &[Value],
) -> Result<(), StoreError> {
    let mut start = 0;
    for len in chunk_lengths(rows.len() / cols) {
        let sql = format!("{head} VALUES {} {tail}", tuples(len, cols));
        let end = start + len * cols;
        tx.exec(&sql, &rows[start..end]).await?;
        start = end;
    }
    Ok(())
}

/// Runs `UPDATE table SET … FROM (VALUES …) AS v WHERE table.id = v.column1` over `rows`.
/// `set` uses `v.column2`… (VALUES columns are named columnN on both backends).
pub async fn update_values(
    tx: &mut dyn Tx,
    table: &str,
    set: &str,
    cols: usize,
    rows: &[Value],
) -> Result<(), StoreError> {
    let mut start = 0;
    for len in chunk_lengths(rows.len() / cols) {
        let sql = format!(
            "UPDATE {table} SET {set} FROM (VALUES {}) AS v WHERE {table}.id = v.column1",
            tuples(len, cols)
        );
        let end = start + len * cols;
        tx.exec(&sql, &rows[start..end]).await?;
        start = end;
    }
    Ok(())
}

/// Runs `head IN (…) tail` for every key, chunked; returns every row. With `ORDER BY` in
/// `tail` and sorted keys, rows come back (and, with `FOR UPDATE`, are locked) in key order.
pub async fn query_in(
    tx: &mut dyn Tx,
    head: &str,
    tail: &str,
    keys: &[Value],
) -> Result<Vec<Row>, StoreError> {
    let mut out = Vec::new();
    let mut start = 0;
    for len in chunk_lengths(keys.len()) {
        let list = (1..=len)
            .map(|i| format!("${i}"))
            .collect::<Vec<_>>()
            .join(",");
        let sql = format!("{head} IN ({list}) {tail}");
        out.extend(tx.query(&sql, &keys[start..start + len]).await?);
        start += len;
    }
    Ok(out)
}

/// `FOR UPDATE` where the backend has row locks; SQLite's single writer needs none.
pub fn for_update(tx: &dyn Tx) -> &'static str {
    if tx.dialect() == "postgres" {
        "FOR UPDATE"
    } else {
        ""
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_cover_every_row_with_few_shapes() {
        for n in 0..1000 {
            let lens = chunk_lengths(n);
            assert_eq!(lens.iter().sum::<usize>(), n);
            assert!(lens.iter().all(|l| l.is_power_of_two() && *l <= MAX_CHUNK));
        }
        assert_eq!(tuples(2, 2), "($1,$2),($3,$4)");
    }
}
