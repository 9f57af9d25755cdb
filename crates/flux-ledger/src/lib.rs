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
//! Every write goes through [`Ledger`], whose writer tasks take whatever commands are queued
//! (up to [`MAX_BATCH`]) and apply them in one database transaction ([`apply::apply`]): read and
//! lock the accounts involved, run the commands in memory one after the other, write the
//! results with a fixed number of multi-row statements, commit, then answer every caller.
//!
//! - **No overdraft.** The funds check and the balance update of a command happen against
//!   totals no one else can change before the commit: on SQLite because the store has a single
//!   writer thread, on PostgreSQL because the batch holds `FOR UPDATE` locks on the accounts'
//!   rows. A second process on the same PostgreSQL waits for those locks and then reads the
//!   committed totals (READ COMMITTED re-reads a locked row after the wait).
//! - **No deadlock.** A batch takes all its locks in one statement per table, in id order
//!   (holds first, then accounts). Two batches that want the same rows queue behind each other
//!   instead of each holding what the other needs.
//! - **Why batching rather than a transaction per transfer.** A hot account serialises every
//!   transaction that touches it; with a transaction per transfer, the row lock is held across
//!   several round trips and a commit, so throughput is capped at one commit per transfer. A
//!   batch pays the round trips and the fsync once for hundreds of transfers, and in-memory
//!   validation of each one costs microseconds. Every caller is answered only after the commit.
//! - **Failures stay local.** A refused command (insufficient funds, duplicate reference)
//!   changes nothing and the rest of the batch proceeds. If the batch itself fails (a unique
//!   constraint raced by another process), each of its commands is retried alone.
//!
//! Flux's own books call [`apply::apply`] inside the transaction that records a money movement,
//! so the movement and its entries commit together.

pub mod amount;
pub mod apply;
pub mod books;
mod error;
pub mod model;
pub mod persons;
mod read;
mod rows;
mod sql;
pub mod validate;
pub mod verify;

pub use apply::{apply, CommandResult};
pub use error::LedgerError;
pub use model::*;
pub use read::*;
pub use verify::Verification;

use flux_store::sql::tx_fn;
use flux_store::Store;
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
    /// Starts `writers` batching writer tasks over `store` (migrated). One is enough on SQLite;
    /// a few let PostgreSQL overlap one batch's commit with the next batch's work.
    pub fn start(store: Store, writers: usize) -> Ledger {
        let (queue, rx) = flume::unbounded::<Job>();
        for _ in 0..writers.max(1) {
            let rx = rx.clone();
            let store = store.clone();
            tokio::spawn(async move { writer(store, rx).await });
        }
        Ledger { store, queue }
    }

    /// The writer count that suits the store's backend, as measured (BENCHMARKS.md). On
    /// SQLite, batches from several writers queue at the store's writer thread and share one
    /// commit (4 beat 1, 2, 8 and 16). On PostgreSQL a second writer overlaps one batch's
    /// commit with the next batch's statements; more mostly wait on each other's row locks.
    pub fn default_writers(store: &Store) -> usize {
        if store.backend_name() == "postgres" {
            2
        } else {
            4
        }
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
    while let Ok(first) = rx.recv_async().await {
        let mut jobs = vec![first];
        while jobs.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(job) => jobs.push(job),
                Err(_) => break,
            }
        }
        let commands: Vec<Command> = jobs.iter().map(|j| j.command.clone()).collect();
        match run(&store, commands).await {
            Ok(results) => {
                for (job, result) in jobs.into_iter().zip(results) {
                    let _ = job.done.send(result);
                }
            }
            Err(e) if jobs.len() == 1 => {
                for job in jobs {
                    let _ = job.done.send(Err(single_failure(e.clone())));
                }
            }
            Err(_) => {
                // Another process raced this batch on a unique constraint (or the database
                // hiccupped): retry each command alone so that only the culprit fails.
                for job in jobs {
                    let result = match run(&store, vec![job.command]).await {
                        Ok(mut r) => r
                            .pop()
                            .unwrap_or_else(|| Err(single_failure(unavailable()))),
                        Err(e) => Err(single_failure(e)),
                    };
                    let _ = job.done.send(result);
                }
            }
        }
    }
}

async fn run(
    store: &Store,
    commands: Vec<Command>,
) -> Result<Vec<CommandResult>, flux_store::StoreError> {
    store
        .write(tx_fn(move |tx| {
            Box::pin(async move { apply(tx, flux_core::time::now(), &commands).await })
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
