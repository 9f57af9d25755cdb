//! Flux's double-entry ledger.
//!
//! Accounts have a normal balance (DEBIT or CREDIT, as in Fidi X), a currency and an optional
//! overdraft limit. A transaction is two or more operations whose DEBITs equal their CREDITs;
//! each becomes an immutable entry, and each account keeps running totals of its entries per
//! layer (posted, pending) and direction, from which its posted, pending and available balances
//! follow. A pending transaction (a hold) is later posted in full or in part, voided, or expires;
//! its release is recorded as entries with negative amounts in the pending layer, never as an
//! edit. Amounts are `i64` minor units of the currency's ISO 4217 exponent.
//!
//! # Concurrency: one batching writer per process, ordered row locks between processes
//!
//! Every write goes through [`Ledger`], whose writer task takes whatever commands are queued
//! (up to [`MAX_BATCH`]) and applies them as one batch in one database transaction, answering
//! every caller only after the commit.
//!
//! - **The careful path** ([`apply::apply`]): lock the accounts involved, in id order, read
//!   their totals, run the commands in memory one after the other, write the results with a
//!   fixed number of set-at-a-time statements, commit.
//! - **The cached path** (the common case): the writer remembers the accounts it has written
//!   ([`cache`]). A batch of new transactions over remembered accounts runs in memory at once
//!   and is written by one statement that updates each account only if its totals are still
//!   the ones the batch started from ([`write`]); on PostgreSQL that statement is its own
//!   transaction, so the whole batch costs one round trip, commit included. If any total had
//!   changed (another process, Flux's books), the statement writes nothing and the batch runs
//!   again the careful way.
//! - **No overdraft.** The funds check of a command runs against totals that are, at commit,
//!   the account's real totals: read under lock (careful), or proven unchanged by the
//!   compare-and-set (cached). On SQLite the store's single writer thread also serialises all
//!   writers; on PostgreSQL a second process waits for the row locks and then re-reads the
//!   committed totals (READ COMMITTED re-reads a locked row after the wait).
//! - **No deadlock.** Both paths take their account locks in id order (holds first, then
//!   accounts, in the careful path), so two batches that want the same rows queue behind each
//!   other instead of each holding what the other needs.
//! - **Why batching rather than a transaction per transfer.** A hot account serialises every
//!   transaction that touches it; with a transaction per transfer, the row lock is held across
//!   several round trips and a commit, so throughput is capped at one commit per transfer. A
//!   batch pays the round trips and the fsync once for all its transfers, and in-memory
//!   validation of each one costs microseconds.
//! - **Failures stay local.** A refused command (insufficient funds, duplicate reference)
//!   changes nothing and the rest of the batch proceeds. If the batch itself fails (a unique
//!   constraint raced by another process), each of its commands is retried alone.
//!
//! Flux's own books call [`apply::apply`] inside the transaction that records a money movement,
//! so the movement and its entries commit together.

pub mod amount;
pub mod apply;
pub mod books;
mod cache;
pub mod card_books;
mod error;
pub mod model;
pub mod persons;
mod read;
mod rows;
mod sql;
pub mod validate;
pub mod verify;
mod write;

pub use apply::{apply, CommandResult};
pub use error::LedgerError;
pub use model::*;
pub use read::*;
pub use verify::Verification;

use cache::AccountCache;
use flux_store::sql::tx_fn;
use flux_store::Store;
use std::collections::HashMap;
use tokio::sync::oneshot;
use uuid::Uuid;

/// The most commands one batch may carry; bounds the latency a batch adds.
pub const MAX_BATCH: usize = 512;

struct Job {
    command: Command,
    done: oneshot::Sender<CommandResult>,
}

/// Handle to the ledger. Cheap to clone; every clone feeds the same writers.
#[derive(Clone)]
pub struct Ledger {
    store: Store,
    queue: flume::Sender<Job>,
}

impl Ledger {
    /// Starts the batching writer over `store` (migrated).
    pub fn start(store: Store) -> Ledger {
        let (queue, rx) = flume::unbounded::<Job>();
        tokio::spawn(writer(store.clone(), rx));
        Ledger { store, queue }
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Runs one command through the batching writer; answers after its batch committed.
    pub async fn submit(&self, command: Command) -> CommandResult {
        let (done, answer) = oneshot::channel();
        self.queue
            .send(Job { command, done })
            .map_err(|_| LedgerError::Store(unavailable()))?;
        answer
            .await
            .map_err(|_| LedgerError::Store(unavailable()))?
    }

    /// Runs several commands, answering each after its batch committed. They are queued
    /// together, so they usually share one batch: a client with many transfers to make (a
    /// payroll, a settlement file) pays one commit for all of them.
    pub async fn submit_many(&self, commands: Vec<Command>) -> Vec<CommandResult> {
        let mut answers = Vec::with_capacity(commands.len());
        for command in commands {
            let (done, answer) = oneshot::channel();
            if self.queue.send(Job { command, done }).is_err() {
                break;
            }
            answers.push(answer);
        }
        let mut results = Vec::with_capacity(answers.len());
        for answer in answers {
            results.push(
                answer
                    .await
                    .unwrap_or_else(|_| Err(LedgerError::Store(unavailable()))),
            );
        }
        results
    }

    pub async fn transfer(&self, new: NewTransaction) -> CommandResult {
        self.submit(Command::Create(new)).await
    }

    pub async fn post(&self, id: Uuid, amount: Option<i64>) -> CommandResult {
        self.submit(Command::Post { id, amount }).await
    }

    pub async fn void(&self, id: Uuid) -> CommandResult {
        self.submit(Command::Void { id }).await
    }

    /// Expires every hold whose deadline has passed (up to 500 per call); returns how many.
    pub async fn expire_due(&self) -> Result<usize, LedgerError> {
        let due = read::due_holds(&self.store, flux_core::time::now(), 500).await?;
        let mut expired = 0;
        for id in due {
            if self.submit(Command::Expire { id }).await.is_ok() {
                expired += 1;
            }
        }
        Ok(expired)
    }

    pub async fn create_account(&self, new: NewAccount) -> Result<Account, LedgerError> {
        let account = read::account_from_new(&new, flux_core::time::now());
        let inserted = account.clone();
        self.store
            .write(tx_fn(move |tx| {
                Box::pin(async move { read::insert_account(tx, &inserted).await })
            }))
            .await
            .map_err(|e| match e {
                flux_store::StoreError::Conflict(_) => {
                    LedgerError::invalid("id", "an account with this id already exists")
                }
                e => LedgerError::Store(e),
            })?;
        Ok(account)
    }

    pub async fn verify(&self) -> Result<Verification, LedgerError> {
        Ok(verify::verify(&self.store).await?)
    }
}

fn unavailable() -> flux_store::StoreError {
    flux_store::StoreError::Unavailable("the ledger writer stopped".into())
}

async fn writer(store: Store, rx: flume::Receiver<Job>) {
    let mut cache = AccountCache::new(CACHE_CAPACITY);
    // How many commands the writer expects to find queued: the ones that were waiting when the
    // last batch committed, plus that batch's callers, who under load come straight back.
    let mut expected = 0usize;
    while let Ok(first) = rx.recv_async().await {
        // Waiting for them (briefly, and never when idle) makes one full batch instead of two
        // half-full ones that each pay a commit.
        if expected > 1 {
            let deadline = std::time::Instant::now() + LINGER;
            while rx.len() + 1 < expected && std::time::Instant::now() < deadline {
                tokio::task::yield_now().await;
            }
        }
        let (mut commands, mut waiters) = (vec![first.command], vec![first.done]);
        while commands.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(job) => {
                    commands.push(job.command);
                    waiters.push(job.done);
                }
                Err(_) => break,
            }
        }
        let callers = commands.len();
        if let Some(mut batch) = cache.batch(&commands, flux_core::time::now()) {
            batch.run(&commands);
            if !batch.refused {
                match write_cached(&store, &batch).await {
                    Ok(()) => {
                        cache.remember(batch.accounts.values().cloned());
                        answer(waiters, batch.finish(&HashMap::new()));
                        expected = rx.len() + callers;
                        continue;
                    }
                    // Stale totals, a reference or key already taken, or the database: the
                    // careful path tells them apart.
                    Err(e) => {
                        tracing::debug!(error = %e, "ledger: a cached batch could not be written; rerunning it carefully");
                        cache.forget_all();
                    }
                }
            }
        }
        careful(&store, waiters, commands, &mut cache).await;
        expected = rx.len() + callers;
    }
}

/// The longest the writer waits for callers it just answered to come back (see `expected`):
/// long enough for a resubmission, a fraction of a commit.
const LINGER: std::time::Duration = std::time::Duration::from_micros(300);

/// The most accounts the writer remembers; past it, it starts over.
const CACHE_CAPACITY: usize = 100_000;

type Waiter = oneshot::Sender<CommandResult>;

fn answer(waiters: Vec<Waiter>, results: Vec<CommandResult>) {
    for (waiter, result) in waiters.into_iter().zip(results) {
        let _ = waiter.send(result);
    }
}

async fn write_cached(store: &Store, batch: &apply::Batch) -> Result<(), flux_store::StoreError> {
    let set = batch.write_set()?;
    if set.is_empty() {
        return Ok(());
    }
    if store.backend_name() == "postgres" {
        let (sql, params) = set.postgres();
        store.write_statement(sql, params).await?;
        return Ok(());
    }
    store
        .write(tx_fn(move |tx| {
            Box::pin(async move { write::write(tx, &set).await })
        }))
        .await
}

async fn careful(
    store: &Store,
    waiters: Vec<Waiter>,
    commands: Vec<Command>,
    cache: &mut AccountCache,
) {
    let many = commands.len() > 1;
    let commands = std::sync::Arc::new(commands);
    match run(store, commands.clone()).await {
        Ok((results, accounts)) => {
            cache.remember(accounts);
            answer(waiters, results);
        }
        Err(e) if !many => {
            cache.forget_all();
            answer(waiters, vec![Err(single_failure(e))]);
        }
        Err(_) => {
            // Another process raced this batch on a unique constraint (or the database
            // hiccupped): retry each command alone so that only the culprit fails.
            cache.forget_all();
            for (waiter, command) in waiters.into_iter().zip(commands.iter()) {
                let result = match run(store, std::sync::Arc::new(vec![command.clone()])).await {
                    Ok((mut r, accounts)) => {
                        cache.remember(accounts);
                        r.pop()
                            .unwrap_or_else(|| Err(single_failure(unavailable())))
                    }
                    Err(e) => Err(single_failure(e)),
                };
                let _ = waiter.send(result);
            }
        }
    }
}

async fn run(
    store: &Store,
    commands: std::sync::Arc<Vec<Command>>,
) -> Result<(Vec<CommandResult>, Vec<Account>), flux_store::StoreError> {
    store
        .write(tx_fn(move |tx| {
            Box::pin(async move { apply::apply_batch(tx, flux_core::time::now(), &commands).await })
        }))
        .await
}

fn single_failure(e: flux_store::StoreError) -> LedgerError {
    match e {
        flux_store::StoreError::Conflict(what) => LedgerError::invalid(
            "reference_id",
            format!("conflicts with a transaction written concurrently ({what})"),
        ),
        e => LedgerError::Store(e),
    }
}
