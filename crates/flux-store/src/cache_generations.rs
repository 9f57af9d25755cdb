//! Generation counters for what serving processes keep in memory. Each write that changes
//! something a process caches (an API key created or revoked, a client added or relinked)
//! adds one to its counter in the same transaction, so a process that reads a new number
//! knows its copy may be stale, and a number it has already seen proves nothing moved. On
//! PostgreSQL the same transaction also sends a NOTIFY, delivered on commit, so processes
//! hear of the change at once; the counter stays the backstop for a listener that dropped.
//! Within one process a change is known sooner still: [`Store::local_auth_writes`] moves as
//! soon as the writing transaction has committed.

use crate::sql::Tx;
use crate::*;
use sqlx::postgres::PgListener;
use std::sync::atomic::Ordering;

/// The NOTIFY channel of the `auth` generation (API keys and client ownership).
pub const AUTH_CHANNEL: &str = "flux_auth_cache";

/// Moves the `auth` generation inside the caller's transaction: every process drops its
/// cached keys and clients once the transaction commits.
pub(crate) async fn bump_auth(tx: &mut dyn Tx) -> Result<()> {
    tx.exec(
        "UPDATE cache_generations SET generation = generation + 1 WHERE name = 'auth'",
        &[],
    )
    .await?;
    if tx.dialect() == "postgres" {
        // Sent on commit only, and not at all on rollback: listeners hear committed changes.
        tx.exec("SELECT pg_notify('flux_auth_cache', '')", &[])
            .await?;
    }
    Ok(())
}

/// A PostgreSQL connection listening on [`AUTH_CHANNEL`].
pub struct AuthChanges {
    listener: PgListener,
}

/// What the listener heard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Heard {
    /// Some process committed a change to keys or clients.
    Change,
    /// The connection dropped: notifications sent meanwhile are lost. Listen again with
    /// [`Store::auth_changes`].
    Lost,
}

impl AuthChanges {
    /// Waits for the next notification or the loss of the connection.
    pub async fn next(&mut self) -> Heard {
        match self.listener.try_recv().await {
            Ok(Some(_)) => Heard::Change,
            Ok(None) | Err(_) => Heard::Lost,
        }
    }
}

impl Store {
    /// How many `auth` changes this process (any clone of this store) has committed. A cache
    /// that sees it move drops everything before answering: a change made here is seen by
    /// the very next request.
    pub fn local_auth_writes(&self) -> u64 {
        self.auth_writes.load(Ordering::Acquire)
    }

    /// Called once a transaction that ran [`bump_auth`] has committed.
    pub(crate) fn auth_written(&self) {
        self.auth_writes.fetch_add(1, Ordering::AcqRel);
    }

    /// The current `auth` generation (see the module docs).
    pub async fn auth_generation(&self) -> Result<i64> {
        let rows = self
            .query(
                "SELECT generation FROM cache_generations WHERE name = 'auth'",
                vec![],
            )
            .await?;
        rows.first().ok_or(StoreError::NotFound)?.int(0)
    }

    /// On PostgreSQL, a fresh connection listening for `auth` changes (returned once it
    /// listens, so a change committed after this returns is heard). `None` on SQLite, which
    /// has no notifications: there the generation alone tells.
    pub async fn auth_changes(&self) -> Result<Option<AuthChanges>> {
        let Some(pool) = self.backend.pg_pool() else {
            return Ok(None);
        };
        let mut listener = PgListener::connect_with(&pool)
            .await
            .map_err(StoreError::backend)?;
        // Reconnecting quietly would hide the notifications lost meanwhile: the caller
        // reconnects itself and treats everything it cached as stale.
        listener.eager_reconnect(false);
        listener
            .listen(AUTH_CHANNEL)
            .await
            .map_err(StoreError::backend)?;
        Ok(Some(AuthChanges { listener }))
    }
}
