//! The tiny SQL surface both backends implement. Every store query is written once, against
//! [`Tx`], with `$1…$n` placeholders (PostgreSQL's syntax, which SQLite also accepts as named
//! parameters) and only three column types (BIGINT, TEXT, BLOB/BYTEA), so SQLite and PostgreSQL
//! run the very same statements and cannot drift apart.

use crate::StoreError;
use futures::future::BoxFuture;

/// A bound parameter or a column value. Nulls carry their type because PostgreSQL needs it.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Int(Option<i64>),
    Text(Option<String>),
    Blob(Option<Vec<u8>>),
    /// PostgreSQL only (`= ANY($1)`, `unnest($1::int8[])`): set-at-a-time statements that
    /// cost one round trip whatever the row count. SQLite refuses them.
    IntArray(Vec<Option<i64>>),
    TextArray(Vec<Option<String>>),
}

impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Value::Int(Some(v))
    }
}
impl From<Option<i64>> for Value {
    fn from(v: Option<i64>) -> Self {
        Value::Int(v)
    }
}
impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::Text(Some(v.to_string()))
    }
}
impl From<String> for Value {
    fn from(v: String) -> Self {
        Value::Text(Some(v))
    }
}
impl From<Option<String>> for Value {
    fn from(v: Option<String>) -> Self {
        Value::Text(v)
    }
}
impl From<Option<&str>> for Value {
    fn from(v: Option<&str>) -> Self {
        Value::Text(v.map(str::to_string))
    }
}
impl From<uuid::Uuid> for Value {
    fn from(v: uuid::Uuid) -> Self {
        Value::Text(Some(v.to_string()))
    }
}
impl From<Option<uuid::Uuid>> for Value {
    fn from(v: Option<uuid::Uuid>) -> Self {
        Value::Text(v.map(|u| u.to_string()))
    }
}
impl From<Vec<u8>> for Value {
    fn from(v: Vec<u8>) -> Self {
        Value::Blob(Some(v))
    }
}

/// One result row, owned, read by column position.
#[derive(Debug, Clone)]
pub struct Row(pub Vec<Value>);

impl Row {
    pub fn int(&self, i: usize) -> Result<i64, StoreError> {
        self.opt_int(i)?
            .ok_or_else(|| StoreError::corrupt(i, "NULL integer"))
    }
    pub fn opt_int(&self, i: usize) -> Result<Option<i64>, StoreError> {
        match self.0.get(i) {
            Some(Value::Int(v)) => Ok(*v),
            Some(Value::Text(None)) | Some(Value::Blob(None)) => Ok(None),
            other => Err(StoreError::corrupt(
                i,
                &format!("expected integer, got {other:?}"),
            )),
        }
    }
    pub fn text(&self, i: usize) -> Result<String, StoreError> {
        self.opt_text(i)?
            .ok_or_else(|| StoreError::corrupt(i, "NULL text"))
    }
    pub fn opt_text(&self, i: usize) -> Result<Option<String>, StoreError> {
        match self.0.get(i) {
            Some(Value::Text(v)) => Ok(v.clone()),
            Some(Value::Int(None)) | Some(Value::Blob(None)) => Ok(None),
            other => Err(StoreError::corrupt(
                i,
                &format!("expected text, got {other:?}"),
            )),
        }
    }
    pub fn uuid(&self, i: usize) -> Result<uuid::Uuid, StoreError> {
        let t = self.text(i)?;
        uuid::Uuid::parse_str(&t).map_err(|_| StoreError::corrupt(i, "not a UUID"))
    }
    pub fn opt_uuid(&self, i: usize) -> Result<Option<uuid::Uuid>, StoreError> {
        match self.opt_text(i)? {
            None => Ok(None),
            Some(t) => uuid::Uuid::parse_str(&t)
                .map(Some)
                .map_err(|_| StoreError::corrupt(i, "not a UUID")),
        }
    }
    pub fn blob(&self, i: usize) -> Result<Vec<u8>, StoreError> {
        match self.0.get(i) {
            Some(Value::Blob(Some(v))) => Ok(v.clone()),
            Some(Value::Text(Some(t))) => Ok(t.clone().into_bytes()),
            other => Err(StoreError::corrupt(
                i,
                &format!("expected blob, got {other:?}"),
            )),
        }
    }
}

/// A unit of work inside one database transaction (or, for reads, one snapshot).
#[async_trait::async_trait]
pub trait Tx: Send {
    /// "sqlite" or "postgres": for the rare statement whose syntax differs (`FOR UPDATE`).
    fn dialect(&self) -> &'static str;
    /// Runs a statement; returns the number of rows it changed.
    async fn exec(&mut self, sql: &str, params: &[Value]) -> Result<u64, StoreError>;
    /// Runs a query and returns every row.
    async fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>, StoreError>;

    async fn query_opt(&mut self, sql: &str, params: &[Value]) -> Result<Option<Row>, StoreError> {
        Ok(self.query(sql, params).await?.into_iter().next())
    }
}

/// The body of a transaction: a closure that borrows the transaction for the future it returns.
pub type TxFn<T> =
    Box<dyn for<'a> FnOnce(&'a mut dyn Tx) -> BoxFuture<'a, Result<T, StoreError>> + Send>;

/// Boxes a transaction body; the helper exists so that closure lifetimes infer.
pub fn tx_fn<T, F>(f: F) -> TxFn<T>
where
    F: for<'a> FnOnce(&'a mut dyn Tx) -> BoxFuture<'a, Result<T, StoreError>> + Send + 'static,
{
    Box::new(f)
}

/// Type-erased result so that backends stay object-safe.
pub type AnyResult = Box<dyn std::any::Any + Send>;

/// Makes a write's body afresh each time it is called: a write that must run again (its batch
/// was undone, or PostgreSQL broke a deadlock with it) runs a new body.
pub type MakeTxFn = std::sync::Arc<dyn Fn() -> TxFn<AnyResult> + Send + Sync>;

/// What a storage engine provides: run a body in a write transaction or a read snapshot.
#[async_trait::async_trait]
pub trait Backend: Send + Sync + 'static {
    fn name(&self) -> &'static str;
    async fn write(&self, body: TxFn<AnyResult>) -> Result<AnyResult, StoreError>;
    /// [`Backend::write`] for a write that moves the money of the client `lane` names (see
    /// [`crate::Store::write_in_lane`]). Where every write already goes through one batching
    /// writer (SQLite), it is that.
    async fn write_in_lane(
        &self,
        _lane: uuid::Uuid,
        make: MakeTxFn,
    ) -> Result<AnyResult, StoreError> {
        self.write(make()).await
    }
    async fn read(&self, body: TxFn<AnyResult>) -> Result<AnyResult, StoreError>;
    /// One statement, atomic by itself (see [`crate::Store::write_statement`]).
    async fn write_statement(
        &self,
        sql: &'static str,
        params: Vec<Value>,
    ) -> Result<Vec<Row>, StoreError> {
        let any = self
            .write(tx_fn(move |tx| {
                Box::pin(async move {
                    tx.query(sql, &params)
                        .await
                        .map(|rows| Box::new(rows) as AnyResult)
                })
            }))
            .await?;
        any.downcast::<Vec<Row>>()
            .map(|b| *b)
            .map_err(|_| StoreError::Unavailable("store returned an unexpected type".into()))
    }
    /// Runs a whole multi-statement script (migrations) outside the batching machinery.
    async fn exec_script(&self, sql: &str) -> Result<(), StoreError>;
    /// The PostgreSQL pool, for what only PostgreSQL offers (LISTEN); `None` elsewhere.
    fn pg_pool(&self) -> Option<sqlx::PgPool> {
        None
    }
}
