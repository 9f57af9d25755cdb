//! Flux's durable state. [`Store`] is the one abstraction the rest of Flux uses; it runs every
//! query, written once, on either backend: SQLite (the embedded default, see [`sqlite`]) or
//! PostgreSQL (several instances sharing the load, see [`postgres`]).

mod audit;
pub mod books;
pub mod cache_generations;
pub mod card_transfers;
pub mod cards;
mod error;
mod idempotency;
mod inbound;
pub mod keyset;
pub mod models;
pub mod outbox;
mod partners;
pub mod postgres;
pub mod remittances;
pub mod review;
pub mod rotation;
pub mod sealing;
pub mod settlement;
pub mod sql;
pub mod sqlite;
pub mod status;
pub mod testing;
pub mod top_ups;
mod transactions;
mod webhooks;
mod write_lanes;

pub use audit::{chain_hash, AuditVerification};
pub use card_transfers::{CardTransfer, TransferDirection, TransferStatus};
pub use cards::{CardRecord, CardholderRecord, RevealGrant};
pub use error::StoreError;
pub use idempotency::{IdempotencyClaim, IdempotencyCompletion, KeyClaim, SaveOutcome};
pub use inbound::{InboundEffect, InboundOutcome};
pub use keyset::{Listed, Slice};
pub use models::*;
pub use outbox::{
    AttemptOutcome, AttemptRecord, ClaimedDelivery, DeliveryRecord, NextStep, OutboundEvent,
};
pub use remittances::{
    RemittanceEvent, RemittanceFilter, RemittanceNotify, RemittanceRecord, RemittanceReport,
};
pub use review::{NewReview, ReviewItem, ReviewKind};
pub use rotation::Resealed;
pub use status::{Applied, Source, StatusReport};
pub use top_ups::{TopUp, TopUpStatus};
pub use transactions::{ClaimedIntent, HeldEvent, RefundIntent};

pub(crate) use chrono::{DateTime, Utc};
use sql::{tx_fn, AnyResult, Backend, Row, TxFn, Value};
use std::path::Path;
use std::sync::Arc;
pub(crate) use uuid::Uuid;

pub type Result<T> = std::result::Result<T, StoreError>;

/// Handle to Flux's database. Cheap to clone.
#[derive(Clone)]
pub struct Store {
    backend: Arc<dyn Backend>,
    /// Seals provider credentials at rest; without it they are stored as given.
    sealer: Option<Arc<sealing::Sealer>>,
    /// Flux's own books, told of every transaction change inside its write transaction.
    books: Option<Arc<dyn books::Books>>,
    /// Counts this process's committed `auth` changes, so that its own cache drops them at
    /// once instead of at the next generation read (see [`cache_generations`]).
    auth_writes: Arc<std::sync::atomic::AtomicU64>,
}

const MIGRATIONS_SQLITE: &[(&str, &str)] = &[
    (
        "0001_init",
        include_str!("../migrations/sqlite/0001_init.sql"),
    ),
    (
        "0002_cep",
        include_str!("../migrations/sqlite/0002_cep.sql"),
    ),
    (
        "0003_webhook_deliveries",
        include_str!("../migrations/sqlite/0003_webhook_deliveries.sql"),
    ),
    (
        "0004_ledger",
        include_str!("../migrations/sqlite/0004_ledger.sql"),
    ),
    (
        "0005_ledger_write",
        include_str!("../migrations/sqlite/0005_ledger_write.sql"),
    ),
    (
        "0006_state_machine",
        include_str!("../migrations/sqlite/0006_state_machine.sql"),
    ),
    (
        "0007_webhook_tokens",
        include_str!("../migrations/sqlite/0007_webhook_tokens.sql"),
    ),
    (
        "0008_remittances",
        include_str!("../migrations/sqlite/0008_remittances.sql"),
    ),
    (
        "0009_settlement",
        include_str!("../migrations/sqlite/0009_settlement.sql"),
    ),
    (
        "0010_client_providers",
        include_str!("../migrations/sqlite/0010_client_providers.sql"),
    ),
    (
        "0011_cards",
        include_str!("../migrations/sqlite/0011_cards.sql"),
    ),
    (
        "0012_card_money",
        include_str!("../migrations/sqlite/0012_card_money.sql"),
    ),
    (
        "0013_cache_generations",
        include_str!("../migrations/sqlite/0013_cache_generations.sql"),
    ),
    (
        "0014_drop_old_client_secrets",
        include_str!("../migrations/sqlite/0014_drop_old_client_secrets.sql"),
    ),
    (
        "0015_keyset_indexes",
        include_str!("../migrations/sqlite/0015_keyset_indexes.sql"),
    ),
];
const MIGRATIONS_POSTGRES: &[(&str, &str)] = &[
    (
        "0001_init",
        include_str!("../migrations/postgres/0001_init.sql"),
    ),
    (
        "0002_cep",
        include_str!("../migrations/postgres/0002_cep.sql"),
    ),
    (
        "0003_webhook_deliveries",
        include_str!("../migrations/postgres/0003_webhook_deliveries.sql"),
    ),
    (
        "0004_ledger",
        include_str!("../migrations/postgres/0004_ledger.sql"),
    ),
    (
        "0005_ledger_write",
        include_str!("../migrations/postgres/0005_ledger_write.sql"),
    ),
    (
        "0006_state_machine",
        include_str!("../migrations/postgres/0006_state_machine.sql"),
    ),
    (
        "0007_webhook_tokens",
        include_str!("../migrations/postgres/0007_webhook_tokens.sql"),
    ),
    (
        "0008_remittances",
        include_str!("../migrations/postgres/0008_remittances.sql"),
    ),
    (
        "0009_settlement",
        include_str!("../migrations/postgres/0009_settlement.sql"),
    ),
    (
        "0010_client_providers",
        include_str!("../migrations/postgres/0010_client_providers.sql"),
    ),
    (
        "0011_cards",
        include_str!("../migrations/postgres/0011_cards.sql"),
    ),
    (
        "0012_card_money",
        include_str!("../migrations/postgres/0012_card_money.sql"),
    ),
    (
        "0013_cache_generations",
        include_str!("../migrations/postgres/0013_cache_generations.sql"),
    ),
    (
        "0014_drop_old_client_secrets",
        include_str!("../migrations/postgres/0014_drop_old_client_secrets.sql"),
    ),
    (
        "0015_keyset_indexes",
        include_str!("../migrations/postgres/0015_keyset_indexes.sql"),
    ),
];

impl Store {
    /// Opens the store a database URL names: `sqlite://PATH` (or a bare path) or `postgres://…`.
    pub async fn open(url: &str) -> Result<Store> {
        let backend: Arc<dyn Backend> =
            if url.starts_with("postgres://") || url.starts_with("postgresql://") {
                Arc::new(postgres::PgBackend::connect(url, 32).await?)
            } else {
                let path = url
                    .strip_prefix("sqlite://")
                    .or_else(|| url.strip_prefix("sqlite:"))
                    .unwrap_or(url);
                Arc::new(sqlite::SqliteBackend::open(Path::new(path))?)
            };
        Ok(Store {
            backend,
            sealer: None,
            books: None,
            auth_writes: Arc::default(),
        })
    }

    /// Seals provider credentials with this key from now on (see [`sealing`]).
    pub fn with_secrets_key(mut self, key: &[u8; 32]) -> Store {
        self.sealer = Some(Arc::new(sealing::Sealer::new(key)));
        self
    }

    /// Seals with `key`, and also opens values sealed under any of `previous` (a rotation
    /// caught between its database commit and its key file, see [`rotation`]).
    pub fn with_secrets_keys(mut self, key: &[u8; 32], previous: &[[u8; 32]]) -> Store {
        let sealer = previous
            .iter()
            .fold(sealing::Sealer::new(key), |s, k| s.also_opening(k));
        self.sealer = Some(Arc::new(sealer));
        self
    }

    /// Keeps these books in step with every transaction change from now on.
    pub fn with_books(mut self, books: Arc<dyn books::Books>) -> Store {
        self.books = Some(books);
        self
    }

    pub(crate) fn books(&self) -> Option<Arc<dyn books::Books>> {
        self.books.clone()
    }

    /// "sqlite" or "postgres".
    pub fn backend_name(&self) -> &'static str {
        self.backend.name()
    }

    /// Applies every migration not yet recorded in `schema_migrations`, in order. Running it
    /// again, or from two processes at once (PostgreSQL serialises them with an advisory lock),
    /// is harmless.
    pub async fn migrate(&self) -> Result<()> {
        self.migrate_until(None).await
    }

    /// Like [`Store::migrate`], stopping after the migration named `last` (`"0006_state_machine"`):
    /// a database in an older schema, to test that upgrading one that holds data keeps it.
    pub async fn migrate_until(&self, last: Option<&str>) -> Result<()> {
        let all = match self.backend.name() {
            "postgres" => MIGRATIONS_POSTGRES,
            _ => MIGRATIONS_SQLITE,
        };
        let end = match last {
            None => all.len(),
            Some(name) => {
                all.iter()
                    .position(|(v, _)| *v == name)
                    .ok_or_else(|| StoreError::Unavailable(format!("no migration named {name}")))?
                    + 1
            }
        };
        let migrations = &all[..end];
        self.backend
            .exec_script(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version TEXT PRIMARY KEY, applied_at TEXT NOT NULL)",
            )
            .await?;
        let applied: Vec<String> = self
            .query("SELECT version FROM schema_migrations", vec![])
            .await?
            .iter()
            .map(|r| r.text(0))
            .collect::<Result<_>>()?;
        for (version, sql) in migrations {
            if applied.iter().any(|v| v == version) {
                continue;
            }
            match self.backend.exec_script(sql).await {
                Ok(()) => {}
                // Another process applied it between our check and now (SQLite has no
                // ADD COLUMN IF NOT EXISTS; PostgreSQL's scripts are idempotent).
                Err(StoreError::Unavailable(m)) if m.contains("duplicate column") => {}
                Err(e) => return Err(e),
            }
            self.exec(
                "INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                vec![(*version).into(), chrono::Utc::now().to_rfc3339().into()],
            )
            .await?;
        }
        Ok(())
    }

    /// Readiness: the database answers a query.
    pub async fn ping(&self) -> Result<()> {
        self.query("SELECT 1", vec![]).await.map(|_| ())
    }

    /// Runs `body` in one write transaction. Everything it writes commits together or not at all.
    pub async fn write<T: Send + 'static>(&self, body: TxFn<T>) -> Result<T> {
        unerase(self.backend.write(erase(body)).await?)
    }

    /// [`Store::write`] for a write that may move `client`'s money: a transaction recorded, its
    /// status changed, a hold placed or settled in the books. Those writes all lock the
    /// client's funds account, so on PostgreSQL they are batched per client, several to a
    /// transaction (see `write_lanes`); on SQLite this is `write`. A body must not wait for
    /// another write of the same client, and one client's writes run one batch at a time.
    ///
    /// `make` makes the body, each time it runs: on PostgreSQL a body runs again when another
    /// write of its batch failed (the batch is rolled back and rerun, with savepoints from the
    /// failed write on, or from an earlier one if that one fails this time), and a
    /// write that PostgreSQL failed to break a deadlock (between two instances' batches) wrote
    /// nothing and is made and run again, three attempts in all.
    pub async fn write_in_lane<T, F>(&self, client: Uuid, make: F) -> Result<T>
    where
        T: Send + 'static,
        F: Fn() -> TxFn<T> + Send + Sync + 'static,
    {
        let make: sql::MakeTxFn = std::sync::Arc::new(move || erase(make()));
        again_after_deadlock(|| self.backend.write_in_lane(client, make.clone())).await
    }

    /// [`Store::write_in_lane`] when the client is known, else [`Store::write`] (on the pool,
    /// where a deadlock with a lane's batch is run again the same way).
    pub async fn write_for<T, F>(&self, client: Option<Uuid>, make: F) -> Result<T>
    where
        T: Send + 'static,
        F: Fn() -> TxFn<T> + Send + Sync + 'static,
    {
        match client {
            Some(client) => self.write_in_lane(client, make).await,
            None => self.write_again_after_deadlock(make).await,
        }
    }

    /// [`Store::write`] for a write that can meet a lane's batch on PostgreSQL (it locks what
    /// a client's writes lock, in another order): made and run again when PostgreSQL fails it
    /// to break a deadlock, three attempts in all.
    pub async fn write_again_after_deadlock<T, F>(&self, make: F) -> Result<T>
    where
        T: Send + 'static,
        F: Fn() -> TxFn<T>,
    {
        again_after_deadlock(|| self.backend.write(erase(make()))).await
    }

    /// Runs `body` against a read connection.
    pub async fn read<T: Send + 'static>(&self, body: TxFn<T>) -> Result<T> {
        unerase(self.backend.read(erase(body)).await?)
    }

    /// One write statement in its own transaction; returns the rows changed.
    pub async fn exec(&self, sql: &'static str, params: Vec<Value>) -> Result<u64> {
        self.write(tx_fn(move |tx| {
            Box::pin(async move { tx.exec(sql, &params).await })
        }))
        .await
    }

    /// One statement that is atomic by itself, returning its rows. PostgreSQL runs it in its
    /// implicit transaction, with no `BEGIN`/`COMMIT` around it: one round trip in all, the
    /// commit included. SQLite runs it through the writer like any write.
    pub async fn write_statement(&self, sql: &'static str, params: Vec<Value>) -> Result<Vec<Row>> {
        self.backend.write_statement(sql, params).await
    }

    /// One read query.
    pub async fn query(&self, sql: &'static str, params: Vec<Value>) -> Result<Vec<Row>> {
        self.read(tx_fn(move |tx| {
            Box::pin(async move { tx.query(sql, &params).await })
        }))
        .await
    }
}

/// Runs a write, and runs it again when PostgreSQL failed it to break a deadlock (it wrote
/// nothing then): three attempts in all.
async fn again_after_deadlock<T, F, Fut>(run: F) -> Result<T>
where
    T: 'static,
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Result<AnyResult>>,
{
    let mut attempt = 1;
    loop {
        match run().await {
            Err(StoreError::Deadlock(_)) if attempt < 3 => attempt += 1,
            done => return unerase(done?),
        }
    }
}

/// A typed body as the object-safe backends take it.
fn erase<T: Send + 'static>(body: TxFn<T>) -> TxFn<AnyResult> {
    tx_fn(move |tx| Box::pin(async move { body(tx).await.map(|v| Box::new(v) as AnyResult) }))
}

/// The typed result of a body [`erase`]d.
fn unerase<T: 'static>(any: AnyResult) -> Result<T> {
    any.downcast::<T>()
        .map(|b| *b)
        .map_err(|_| StoreError::Unavailable("store returned an unexpected type".into()))
}

pub(crate) fn micros(t: chrono::DateTime<chrono::Utc>) -> Value {
    Value::Int(Some(flux_core::time::to_micros(t)))
}

pub(crate) fn opt_micros(t: Option<chrono::DateTime<chrono::Utc>>) -> Value {
    Value::Int(t.map(flux_core::time::to_micros))
}

pub(crate) fn instant(row: &Row, i: usize) -> Result<chrono::DateTime<chrono::Utc>> {
    Ok(flux_core::time::from_micros(row.int(i)?))
}

pub(crate) fn opt_instant(row: &Row, i: usize) -> Result<Option<chrono::DateTime<chrono::Utc>>> {
    Ok(row.opt_int(i)?.map(flux_core::time::from_micros))
}
