//! PostgreSQL backend, for several Flux instances sharing one database. Each write body runs in
//! its own READ COMMITTED transaction on a pooled connection; PostgreSQL's own WAL flushing
//! groups concurrent commits. Cross-instance ordering (the audit chain head, idempotency claims)
//! is enforced in SQL with row locks and unique constraints, not in process memory.

use crate::sql::{AnyResult, Backend, MakeTxFn, Row, Tx, TxFn, Value};
use crate::write_lanes::WriteLanes;
use crate::StoreError;
use sqlx::postgres::{PgPoolOptions, PgRow};
use sqlx::{Column, Executor, PgPool, Postgres, Row as _, TypeInfo};
use std::sync::Arc;
use std::time::Duration;
use uuid::Uuid;

pub struct PgBackend {
    pool: PgPool,
    lanes: Arc<WriteLanes>,
}

impl PgBackend {
    pub async fn connect(url: &str, max_connections: u32) -> Result<Self, StoreError> {
        // No ping before each acquire: it is a round trip on every transaction, and a
        // connection that broke fails its first statement anyway (the caller sees an
        // Unavailable error and retries, as it would for a database restart).
        let pool = PgPoolOptions::new()
            .max_connections(max_connections)
            .test_before_acquire(false)
            .acquire_timeout(Duration::from_secs(10))
            .connect(url)
            .await
            .map_err(StoreError::backend)?;
        Ok(PgBackend {
            pool,
            lanes: Arc::default(),
        })
    }

    pub fn pool(&self) -> &PgPool {
        &self.pool
    }
}

pub(crate) struct PgTx<'c> {
    pub(crate) conn: &'c mut sqlx::PgConnection,
}

type PgQuery<'q> = sqlx::query::Query<'q, Postgres, sqlx::postgres::PgArguments>;

fn bind<'q>(mut q: PgQuery<'q>, params: &'q [Value]) -> PgQuery<'q> {
    for p in params {
        q = match p {
            Value::Int(v) => q.bind(*v),
            Value::Text(v) => q.bind(v.as_deref()),
            Value::Blob(v) => q.bind(v.as_deref()),
            Value::IntArray(v) => q.bind(v.as_slice()),
            Value::TextArray(v) => q.bind(v.as_slice()),
        };
    }
    q
}

fn decode(row: &PgRow) -> Result<Row, StoreError> {
    let mut values = Vec::with_capacity(row.len());
    for (i, col) in row.columns().iter().enumerate() {
        let v = match col.type_info().name() {
            "INT8" => Value::Int(
                row.try_get::<Option<i64>, _>(i)
                    .map_err(StoreError::backend)?,
            ),
            "INT4" => Value::Int(
                row.try_get::<Option<i32>, _>(i)
                    .map_err(StoreError::backend)?
                    .map(i64::from),
            ),
            "BYTEA" => Value::Blob(
                row.try_get::<Option<Vec<u8>>, _>(i)
                    .map_err(StoreError::backend)?,
            ),
            "BOOL" => Value::Int(
                row.try_get::<Option<bool>, _>(i)
                    .map_err(StoreError::backend)?
                    .map(i64::from),
            ),
            _ => Value::Text(
                row.try_get::<Option<String>, _>(i)
                    .map_err(StoreError::backend)?,
            ),
        };
        values.push(v);
    }
    Ok(Row(values))
}

#[async_trait::async_trait]
impl Tx for PgTx<'_> {
    fn dialect(&self) -> &'static str {
        "postgres"
    }

    async fn exec(&mut self, sql: &str, params: &[Value]) -> Result<u64, StoreError> {
        let done = bind(sqlx::query(sql), params)
            .execute(&mut *self.conn)
            .await
            .map_err(StoreError::from_sqlx)?;
        Ok(done.rows_affected())
    }

    async fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>, StoreError> {
        let rows = bind(sqlx::query(sql), params)
            .fetch_all(&mut *self.conn)
            .await
            .map_err(StoreError::from_sqlx)?;
        rows.iter().map(decode).collect()
    }
}

#[async_trait::async_trait]
impl Backend for PgBackend {
    fn name(&self) -> &'static str {
        "postgres"
    }

    fn pg_pool(&self) -> Option<PgPool> {
        Some(self.pool.clone())
    }

    async fn write(&self, body: TxFn<AnyResult>) -> Result<AnyResult, StoreError> {
        let mut tx = self.pool.begin().await.map_err(StoreError::backend)?;
        let result = {
            let mut pg = PgTx { conn: &mut tx };
            body(&mut pg).await
        };
        match result {
            Ok(v) => {
                tx.commit().await.map_err(StoreError::from_sqlx)?;
                Ok(v)
            }
            Err(e) => {
                let _ = tx.rollback().await;
                Err(e)
            }
        }
    }

    async fn write_in_lane(&self, lane: Uuid, make: MakeTxFn) -> Result<AnyResult, StoreError> {
        self.lanes.write(&self.pool, lane, make).await
    }

    async fn read(&self, body: TxFn<AnyResult>) -> Result<AnyResult, StoreError> {
        let mut conn = self.pool.acquire().await.map_err(StoreError::backend)?;
        let mut pg = PgTx { conn: &mut conn };
        body(&mut pg).await
    }

    async fn write_statement(
        &self,
        sql: &'static str,
        params: Vec<Value>,
    ) -> Result<Vec<Row>, StoreError> {
        let rows = bind(sqlx::query(sql), &params)
            .fetch_all(&self.pool)
            .await
            .map_err(StoreError::from_sqlx)?;
        rows.iter().map(decode).collect()
    }

    async fn exec_script(&self, sql: &str) -> Result<(), StoreError> {
        let mut conn = self.pool.acquire().await.map_err(StoreError::backend)?;
        // Serialise migrations between instances starting at the same moment.
        conn.execute("SELECT pg_advisory_lock(7270001)")
            .await
            .map_err(StoreError::backend)?;
        let result = conn
            .execute(sql)
            .await
            .map(|_| ())
            .map_err(StoreError::backend);
        let _ = conn.execute("SELECT pg_advisory_unlock(7270001)").await;
        result
    }
}
