//! Write lanes for PostgreSQL: the writes that move one client's money, run one batch at a
//! time in one database transaction.
//!
//! Every movement of a client's money posts to the client's one funds account in the books,
//! and the ledger takes that row's lock (`FOR UPDATE`) for the rest of the transaction. On
//! PostgreSQL, with each write in its own transaction, a client's concurrent writes queued on
//! that lock one by one: each paid its own COMMIT (a WAL flush) and a lock hand-off between
//! backends while it held the row. Measured under money-out load, most backends sat in
//! `Lock:tuple` and one client topped out near 400 writes/s whatever the cores.
//!
//! A lane is the SQLite writer's trick applied to one client: the writes waiting for it are
//! taken together and run in one transaction on one connection, then committed once. A batch
//! first runs its writes one after another with nothing between them; should one fail, the
//! batch is rolled back and run again: the writes before the failed one back to back as
//! before, it and the ones after it each in its own SAVEPOINT, so that a body that fails
//! undoes only itself. Should one of the writes before it fail this time (the database
//! changed in between), the batch is rolled back once more and guarded from that write on.
//! Failures are rare for a client that checks its balance (a refusal by the books, a lost
//! race on a unique key), and a savepoint costs a round trip per write, in the section that
//! runs one write after another. A client whose writes are often refused pays for it: each
//! refusal runs the writes before it twice (more in the case above). The row lock is
//! taken once per batch, the WAL is flushed once per batch, and no backend waits in
//! PostgreSQL's lock manager for a sibling of the same process.
//! A caller is answered only after the batch commits, so a write is still durable before it
//! is acknowledged.
//!
//! Lanes are per process. Two instances writing for one client still meet on the row lock,
//! batch against batch. A batch holds its locks longer than one write did, so two instances
//! whose batches take the same rows in opposite order can deadlock; PostgreSQL detects it
//! (after `deadlock_timeout`, 1 s by default) and fails one statement. A batch of several is
//! then run again with savepoints, where the write that fails undoes only itself while the
//! rest commits; [`crate::Store::write_in_lane`] runs that write again (a batch of one, at
//! once).
//! Lane writes of one process meet only on an Idempotency-Key: a money-out claims its key in
//! its intent's write, and a second insert of a key that another batch inserted and has not
//! committed waits for that batch (one partner's key sent for two clients at once, or one
//! request sent to two instances). Crossed, that is a deadlock, detected and run again the
//! same way. Writes on the pool (other idempotency claims, audit, the outbox, remittance
//! reports, and an inbound status event whose transaction was not found before the write) can
//! meet a batch the same way, and are detected the same way.

use crate::postgres::PgTx;
use crate::sql::{AnyResult, MakeTxFn};
use crate::StoreError;
use sqlx::{Executor, PgPool};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::sync::oneshot;
use uuid::Uuid;

/// The most writes in one batch. Each savepoint that writes gets a subtransaction id, and a
/// transaction with more than 64 of them makes every other backend's snapshots slower
/// (PostgreSQL's subxid cache overflows), so a batch stays well under that.
const MAX_BATCH: usize = 32;

type Reply = oneshot::Sender<Result<AnyResult, StoreError>>;

/// A write waiting for its lane: what makes its body (a batch that is run again makes it
/// afresh) and where its caller waits.
struct Job {
    make: MakeTxFn,
    reply: Reply,
}

/// The writes waiting, per lane. A lane is in the map exactly while a task runs it: a write
/// that finds its lane there joins the queue; one that does not starts the lane's task.
#[derive(Default)]
pub(crate) struct WriteLanes {
    waiting: Mutex<HashMap<Uuid, Vec<Job>>>,
}

impl WriteLanes {
    /// Runs the body `make` makes in `lane`'s next batch and returns its result once the batch
    /// has committed.
    pub(crate) async fn write(
        self: &Arc<Self>,
        pool: &PgPool,
        lane: Uuid,
        make: MakeTxFn,
    ) -> Result<AnyResult, StoreError> {
        let (reply, answer) = oneshot::channel();
        let start = {
            let mut waiting = self.lock();
            match waiting.get_mut(&lane) {
                Some(queue) => {
                    queue.push(Job { make, reply });
                    false
                }
                None => {
                    waiting.insert(lane, vec![Job { make, reply }]);
                    true
                }
            }
        };
        if start {
            let runner = LaneRunner {
                lanes: self.clone(),
                lane,
                finished: false,
            };
            tokio::spawn(runner.run(pool.clone()));
        }
        answer.await.map_err(|_| {
            StoreError::Unavailable("the write lane stopped before committing".into())
        })?
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Uuid, Vec<Job>>> {
        self.waiting.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The next batch of `lane`, or None, with the lane removed, when nothing waits: the next
    /// write for it starts a new task.
    fn next_batch(&self, lane: Uuid) -> Option<Vec<Job>> {
        let mut waiting = self.lock();
        let queue = waiting.get_mut(&lane)?;
        if queue.is_empty() {
            waiting.remove(&lane);
            return None;
        }
        let n = queue.len().min(MAX_BATCH);
        Some(queue.drain(..n).collect())
    }
}

/// The task running one lane until its queue is empty. Should it end any other way (a body
/// that panics), dropping it removes the lane, so that its waiting writes are refused rather
/// than left waiting forever and the next write starts afresh.
struct LaneRunner {
    lanes: Arc<WriteLanes>,
    lane: Uuid,
    finished: bool,
}

impl LaneRunner {
    async fn run(mut self, pool: PgPool) {
        while let Some(jobs) = self.lanes.next_batch(self.lane) {
            let (size, started) = (jobs.len(), std::time::Instant::now());
            run_batch(&pool, jobs).await;
            metrics::histogram!("flux_store_lane_batch_size").record(size as f64);
            metrics::histogram!("flux_store_lane_batch_duration_seconds")
                .record(started.elapsed().as_secs_f64());
        }
        self.finished = true;
    }
}

impl Drop for LaneRunner {
    fn drop(&mut self) {
        if !self.finished {
            self.lanes.lock().remove(&self.lane);
        }
    }
}

/// Runs `jobs` in one transaction and answers each after COMMIT: a body's refusal too, since it
/// may rest on an earlier body's writes (a hold that used the funds), which count only if the
/// batch commits. A batch of one is that write's own transaction. A larger batch runs its
/// bodies back to back; if one fails, the transaction is rolled back and the batch runs again
/// with the bodies before the failed one back to back and each of the others in a savepoint.
/// Should a body before it fail this time (the database changed in between), the next pass
/// guards from that body on: the first guarded index only decreases, so this ends. sqlx's
/// transaction rolls back if this future is dropped half-way. A write whose caller has gone
/// (a client that disconnected) is not run: nobody would learn its outcome.
async fn run_batch(pool: &PgPool, jobs: Vec<Job>) {
    let jobs: Vec<Job> = jobs.into_iter().filter(|j| !j.reply.is_closed()).collect();
    if jobs.is_empty() {
        return;
    }
    let mut unguarded = jobs.len();
    loop {
        match pass(pool, &jobs, unguarded).await {
            Pass::Committed(results) => {
                for (job, result) in jobs.into_iter().zip(results) {
                    let _ = job.reply.send(result);
                }
                return;
            }
            // A batch of one that failed: rolled back, nothing of it stays.
            Pass::UnguardedFailed { error, .. } if jobs.len() == 1 => {
                return refuse(jobs.into_iter().map(|j| j.reply), error);
            }
            Pass::UnguardedFailed { at, .. } => {
                let counter = match unguarded == jobs.len() {
                    true => "flux_store_lane_batches_rerun",
                    false => "flux_store_lane_batches_guarded_again",
                };
                metrics::counter!(counter).increment(1);
                unguarded = at;
            }
            Pass::Broken(e) => return refuse(jobs.into_iter().map(|j| j.reply), e),
        }
    }
}

/// How one pass over a batch ended.
enum Pass {
    /// Committed, with each body's own result.
    Committed(Vec<Result<AnyResult, StoreError>>),
    /// The body at `at`, run without a savepoint, failed; the transaction was rolled back.
    UnguardedFailed { at: usize, error: StoreError },
    /// The transaction itself failed: nothing, or nobody knows what, was written.
    Broken(StoreError),
}

/// One transaction over `jobs`: the first `unguarded` bodies back to back, then each of the
/// rest in a savepoint. Ending one savepoint and opening the next is one round trip.
async fn pass(pool: &PgPool, jobs: &[Job], unguarded: usize) -> Pass {
    let mut tx = match pool.begin().await {
        Ok(tx) => tx,
        Err(e) => return Pass::Broken(StoreError::backend(e)),
    };
    let mut results = Vec::with_capacity(jobs.len());
    for (at, job) in jobs[..unguarded].iter().enumerate() {
        match (job.make)()(&mut PgTx { conn: &mut tx }).await {
            Ok(value) => results.push(Ok(value)),
            Err(error) => {
                let _ = tx.rollback().await;
                return Pass::UnguardedFailed { at, error };
            }
        }
    }
    let mut end_previous = "";
    for job in &jobs[unguarded..] {
        let savepoint = format!("{end_previous}SAVEPOINT job");
        if let Err(e) = tx.execute(savepoint.as_str()).await {
            return Pass::Broken(StoreError::from_sqlx(e));
        }
        let result = (job.make)()(&mut PgTx { conn: &mut tx }).await;
        end_previous = match result {
            Ok(_) => "RELEASE SAVEPOINT job; ",
            Err(_) => "ROLLBACK TO SAVEPOINT job; RELEASE SAVEPOINT job; ",
        };
        results.push(result);
    }
    // COMMIT ends the last savepoint with the rest; only a failed last body must be undone.
    if end_previous.starts_with("ROLLBACK") {
        if let Err(e) = tx.execute("ROLLBACK TO SAVEPOINT job").await {
            return Pass::Broken(StoreError::from_sqlx(e));
        }
    }
    match tx.commit().await {
        Ok(()) => Pass::Committed(results),
        Err(e) => Pass::Broken(StoreError::from_sqlx(e)),
    }
}

/// Answers every caller with `e`. For bodies that ran in a batch that did not commit, `e`
/// replaces their own results: nothing was written, or, when COMMIT itself failed on the
/// wire, nobody knows; either way the caller retries, and Flux's writes are idempotent under
/// a retry.
fn refuse(replies: impl IntoIterator<Item = Reply>, e: StoreError) {
    for reply in replies {
        let _ = reply.send(Err(e.clone()));
    }
}
