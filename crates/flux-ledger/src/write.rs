//! Writing a batch: its new transactions, the holds it resolved, its entries, and its
//! accounts' new totals, each guarded by a compare-and-set on the totals the batch computed
//! from. When the batch read the accounts under lock the guard always holds; when the writer
//! took them from its cache, the guard is what proves the cache was current, and a batch whose
//! guard fails writes nothing.
//!
//! On PostgreSQL the whole write is one statement over array parameters, so that a batch
//! costs one round trip whatever its size, and, sent without `BEGIN`/`COMMIT`, is its own
//! transaction: the cached path commits a batch in a single round trip. The statement locks
//! the accounts in id order before updating them, like the careful path, so batches from two
//! processes queue instead of deadlocking. On SQLite a statement is a function call, and
//! prepared single-row statements are the cheapest form.

use flux_store::sql::{Tx, Value};
use flux_store::StoreError;
use uuid::Uuid;

use crate::model::Totals;

/// The rows a batch writes, flattened in column order.
#[derive(Default)]
pub(crate) struct WriteSet {
    /// New transactions, in `TRANSACTION_COLUMNS` order (14 values each).
    pub created: Vec<Value>,
    /// Resolved holds: id, status, posted_operations, updated_at.
    pub resolved: Vec<Value>,
    /// Entries: transaction_id, account_id, currency, layer, direction, amount, created_at.
    pub entries: Vec<Value>,
    /// Accounts: id, the totals the batch started from, the totals it leaves.
    pub accounts: Vec<(Uuid, Totals, Totals)>,
}

impl WriteSet {
    pub fn is_empty(&self) -> bool {
        self.created.is_empty()
            && self.resolved.is_empty()
            && self.entries.is_empty()
            && self.accounts.is_empty()
    }

    /// The compare-and-sets the write must win: one per account and per resolved hold.
    fn guarded_rows(&self) -> i64 {
        (self.accounts.len() + self.resolved.len() / RESOLVED_TYPES.len()) as i64
    }

    /// The whole write as one PostgreSQL statement and its parameters.
    pub fn postgres(&self) -> (&'static str, Vec<Value>) {
        let mut params = Vec::with_capacity(35);
        let mut accounts: [Vec<Option<i64>>; 8] = Default::default();
        for (_, old, new) in &self.accounts {
            for (column, v) in accounts
                .iter_mut()
                .zip(totals(old).into_iter().chain(totals(new)))
            {
                column.push(Some(v));
            }
        }
        params.push(Value::TextArray(
            self.accounts
                .iter()
                .map(|(id, _, _)| Some(id.to_string()))
                .collect(),
        ));
        params.extend(accounts.into_iter().map(Value::IntArray));
        transpose(&self.resolved, &RESOLVED_TYPES, &mut params);
        transpose(&self.created, &CREATED_TYPES, &mut params);
        transpose(&self.entries, &ENTRY_TYPES, &mut params);
        params.push(Value::from(self.guarded_rows()));
        (POSTGRES_WRITE, params)
    }
}

fn totals(t: &Totals) -> [i64; 4] {
    [
        t.debits_posted,
        t.credits_posted,
        t.debits_pending,
        t.credits_pending,
    ]
}

#[derive(Clone, Copy)]
enum Ty {
    Text,
    Int,
}

const RESOLVED_TYPES: [Ty; 4] = [Ty::Text, Ty::Text, Ty::Text, Ty::Int];
const CREATED_TYPES: [Ty; 14] = [
    Ty::Text, // id
    Ty::Text, // ledger_id
    Ty::Text, // reference_id
    Ty::Text, // currency
    Ty::Text, // description
    Ty::Text, // status
    Ty::Text, // operations
    Ty::Text, // posted_operations
    Ty::Text, // metadata
    Ty::Int,  // expires_at
    Ty::Int,  // created_at
    Ty::Int,  // updated_at
    Ty::Text, // idempotency_key
    Ty::Text, // fingerprint
];
const ENTRY_TYPES: [Ty; 7] = [
    Ty::Text,
    Ty::Text,
    Ty::Text,
    Ty::Text,
    Ty::Text,
    Ty::Int,
    Ty::Int,
];

/// Appends one array parameter per column of the flattened `rows`.
fn transpose(rows: &[Value], types: &[Ty], out: &mut Vec<Value>) {
    let n = types.len();
    for (c, ty) in types.iter().enumerate() {
        let cells = rows.iter().skip(c).step_by(n);
        out.push(match ty {
            Ty::Int => Value::IntArray(
                cells
                    .map(|v| match v {
                        Value::Int(i) => *i,
                        _ => None,
                    })
                    .collect(),
            ),
            Ty::Text => Value::TextArray(
                cells
                    .map(|v| match v {
                        Value::Text(t) => t.clone(),
                        _ => None,
                    })
                    .collect(),
            ),
        });
    }
}

/// `locked` takes the accounts' row locks in id order (as the careful path does) before
/// `moved` updates them, reaching each by the physical address the lock returned (a TID scan
/// instead of a second index lookup or a scan of the table); `moved` and `resolved` only touch rows whose totals or status are
/// still what the batch computed from, and `ledger_check_batch` (migration 0005) aborts the
/// statement, and with it every insert, unless all of them did.
const POSTGRES_WRITE: &str = "\
WITH locked AS MATERIALIZED (
  SELECT ctid AS tid, id FROM ledger_accounts WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE),
moved AS (
  UPDATE ledger_accounts a
  SET debits_posted = v.dp, credits_posted = v.cp, debits_pending = v.dq, credits_pending = v.cq
  FROM locked l
  JOIN unnest($1::text[], $2::int8[], $3::int8[], $4::int8[], $5::int8[],
              $6::int8[], $7::int8[], $8::int8[], $9::int8[])
       AS v(id, dp0, cp0, dq0, cq0, dp, cp, dq, cq) ON v.id = l.id
  WHERE a.ctid = l.tid AND a.debits_posted = v.dp0 AND a.credits_posted = v.cp0
    AND a.debits_pending = v.dq0 AND a.credits_pending = v.cq0
  RETURNING 1),
resolved AS (
  UPDATE ledger_transactions t
  SET status = r.status, posted_operations = r.posted, updated_at = r.at
  FROM unnest($10::text[], $11::text[], $12::text[], $13::int8[]) AS r(id, status, posted, at)
  WHERE t.id = r.id AND t.status = 'pending'
  RETURNING 1),
created AS (
  INSERT INTO ledger_transactions (id, ledger_id, reference_id, currency, description, status,
    operations, posted_operations, metadata, expires_at, created_at, updated_at,
    idempotency_key, fingerprint)
  SELECT * FROM unnest($14::text[], $15::text[], $16::text[], $17::text[], $18::text[],
    $19::text[], $20::text[], $21::text[], $22::text[], $23::int8[], $24::int8[], $25::int8[],
    $26::text[], $27::text[])),
entered AS (
  INSERT INTO ledger_entries (transaction_id, account_id, currency, layer, direction, amount,
    created_at)
  SELECT * FROM unnest($28::text[], $29::text[], $30::text[], $31::text[], $32::text[],
    $33::int8[], $34::int8[]))
SELECT ledger_check_batch((SELECT count(*) FROM moved) + (SELECT count(*) FROM resolved), $35)";

const SQLITE_CREATE: &str = "INSERT INTO ledger_transactions (id, ledger_id, reference_id, \
    currency, description, status, operations, posted_operations, metadata, expires_at, \
    created_at, updated_at, idempotency_key, fingerprint) \
    VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14)";
const SQLITE_RESOLVE: &str = "UPDATE ledger_transactions SET status = $2, \
    posted_operations = $3, updated_at = $4 WHERE id = $1 AND status = 'pending'";
const SQLITE_ENTRY: &str = "INSERT INTO ledger_entries (transaction_id, account_id, currency, \
    layer, direction, amount, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7)";
const SQLITE_MOVE: &str = "UPDATE ledger_accounts SET debits_posted = $6, credits_posted = $7, \
    debits_pending = $8, credits_pending = $9 WHERE id = $1 AND debits_posted = $2 \
    AND credits_posted = $3 AND debits_pending = $4 AND credits_pending = $5";

/// The error of a write whose compare-and-set lost: someone changed the rows since they were
/// read. Nothing of the batch is written.
pub(crate) fn stale() -> StoreError {
    StoreError::Unavailable("ledger: accounts or holds changed since the batch read them".into())
}

/// Writes `set` inside the caller's transaction.
pub(crate) async fn write(tx: &mut dyn Tx, set: &WriteSet) -> Result<(), StoreError> {
    if set.is_empty() {
        return Ok(());
    }
    if crate::sql::is_postgres(tx) {
        let (sql, params) = set.postgres();
        tx.query(sql, &params).await?;
        return Ok(());
    }
    for row in set.created.chunks(CREATED_TYPES.len()) {
        tx.exec(SQLITE_CREATE, row).await?;
    }
    for row in set.resolved.chunks(RESOLVED_TYPES.len()) {
        if tx.exec(SQLITE_RESOLVE, row).await? != 1 {
            return Err(stale());
        }
    }
    for row in set.entries.chunks(ENTRY_TYPES.len()) {
        tx.exec(SQLITE_ENTRY, row).await?;
    }
    for (id, old, new) in &set.accounts {
        let mut row = Vec::with_capacity(9);
        row.push(Value::from(*id));
        row.extend(totals(old).into_iter().chain(totals(new)).map(Value::from));
        if tx.exec(SQLITE_MOVE, &row).await? != 1 {
            return Err(stale());
        }
    }
    Ok(())
}
