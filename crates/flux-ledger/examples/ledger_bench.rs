//! Durable two-leg transfers per second, closed loop: `clients` tasks each submit one transfer
//! and wait for its commit before sending the next.
//!
//! ```text
//! ledger_bench engine   <sqlite path | postgres url> [--hot] [--clients 32] [--accounts 1000] [--seconds 10] [--per-call 1]
//! ledger_bench baseline <postgres url>               [--hot] [...]
//! ```
//!
//! `engine` goes through `flux_ledger::Ledger` (the batching writer). `baseline` is the plain
//! PostgreSQL ledger the issue compares against: per transfer, its own transaction that locks
//! both accounts with `SELECT … FOR UPDATE` (in id order), checks funds, updates both balances,
//! inserts the transfer row and commits. Both run with durable commits (SQLite
//! `synchronous=FULL`, PostgreSQL `synchronous_commit=on`). `--hot` makes every transfer touch
//! account 0.

#![allow(clippy::unwrap_used)]

use flux_core::money::Currency;
use flux_ledger::*;
use rand::Rng;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use uuid::Uuid;

struct Args {
    mode: String,
    db: String,
    hot: bool,
    clients: usize,
    accounts: usize,
    seconds: u64,
    per_call: usize,
}

fn args() -> Args {
    let raw: Vec<String> = std::env::args().skip(1).collect();
    let value = |name: &str, default: u64| -> u64 {
        raw.iter()
            .position(|a| a == name)
            .and_then(|i| raw.get(i + 1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    Args {
        mode: raw.first().cloned().unwrap_or_default(),
        db: raw.get(1).cloned().unwrap_or_default(),
        hot: raw.iter().any(|a| a == "--hot"),
        clients: value("--clients", 32) as usize,
        accounts: value("--accounts", 1000) as usize,
        seconds: value("--seconds", 10),
        per_call: value("--per-call", 1) as usize,
    }
}

/// Picks the two accounts of the next transfer.
fn pair(rng: &mut impl Rng, n: usize, hot: bool) -> (usize, usize) {
    let a = rng.gen_range(0..n);
    let mut b = rng.gen_range(0..n);
    while b == a {
        b = rng.gen_range(0..n);
    }
    if hot {
        // Alternate draining and refilling the hot account.
        if rng.gen_bool(0.5) {
            (0, b.max(1))
        } else {
            (b.max(1), 0)
        }
    } else {
        (a, b)
    }
}

const FUNDING: i64 = 1_000_000_000;

#[tokio::main]
async fn main() {
    let a = args();
    let done = Arc::new(AtomicU64::new(0));
    let refused = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let mut tasks = Vec::new();
    let started;
    match a.mode.as_str() {
        "engine" => {
            let store = flux_store::Store::open(&a.db).await.unwrap();
            store.migrate().await.unwrap();
            let ledger = Ledger::start(store.clone());
            let ledger_id = Uuid::new_v4();
            let mut ids = Vec::new();
            let source = ledger
                .create_account(new_account(ledger_id, Side::Debit, None))
                .await
                .unwrap();
            for _ in 0..a.accounts {
                let acc = ledger
                    .create_account(new_account(ledger_id, Side::Credit, Some(0)))
                    .await
                    .unwrap();
                ids.push(acc.id);
            }
            let fundings = ids.iter().enumerate().map(|(i, id)| {
                ledger.transfer(two_leg(
                    ledger_id,
                    source.id,
                    *id,
                    FUNDING,
                    format!("fund-{i}"),
                ))
            });
            for funded in futures::future::join_all(fundings).await {
                funded.unwrap();
            }
            analyze(&a.db).await;
            let ids = Arc::new(ids);
            started = Instant::now();
            for c in 0..a.clients {
                let (ledger, ids, done, refused, stop) = (
                    ledger.clone(),
                    ids.clone(),
                    done.clone(),
                    refused.clone(),
                    stop.clone(),
                );
                let (hot, per_call) = (a.hot, a.per_call);
                tasks.push(tokio::spawn(async move {
                    let mut i = 0u64;
                    while !stop.load(Ordering::Relaxed) {
                        let mut commands = Vec::with_capacity(per_call);
                        for _ in 0..per_call {
                            let (from, to) = pair(&mut rand::thread_rng(), ids.len(), hot);
                            i += 1;
                            let t =
                                two_leg(ledger_id, ids[from], ids[to], 100, format!("c{c}-{i}"));
                            commands.push(Command::Create(t));
                        }
                        for result in ledger.submit_many(commands).await {
                            match result {
                                Ok(_) => done.fetch_add(1, Ordering::Relaxed),
                                Err(LedgerError::InsufficientFunds { .. }) => {
                                    refused.fetch_add(1, Ordering::Relaxed)
                                }
                                Err(e) => panic!("{e}"),
                            };
                        }
                    }
                }));
            }
        }
        "baseline" => {
            // Like Flux's own pool: no ping before each acquire (a round trip per transfer).
            let pool = sqlx::postgres::PgPoolOptions::new()
                .max_connections(a.clients as u32)
                .test_before_acquire(false)
                .connect(&a.db)
                .await
                .unwrap();
            for sql in [
                "DROP TABLE IF EXISTS baseline_transfers, baseline_accounts",
                "CREATE TABLE baseline_accounts (id BIGINT PRIMARY KEY, balance BIGINT NOT NULL)",
                "CREATE TABLE baseline_transfers (id BIGSERIAL PRIMARY KEY, debit_account BIGINT NOT NULL, \
                 credit_account BIGINT NOT NULL, amount BIGINT NOT NULL, reference TEXT NOT NULL UNIQUE, \
                 created_at TIMESTAMPTZ NOT NULL DEFAULT now())",
            ] {
                sqlx::query(sql).execute(&pool).await.unwrap();
            }
            sqlx::query(
                "INSERT INTO baseline_accounts SELECT g, $1 FROM generate_series(0, $2 - 1) g",
            )
            .bind(FUNDING)
            .bind(a.accounts as i64)
            .execute(&pool)
            .await
            .unwrap();
            analyze(&a.db).await;
            started = Instant::now();
            for c in 0..a.clients {
                let (pool, done, refused, stop) =
                    (pool.clone(), done.clone(), refused.clone(), stop.clone());
                let (n, hot) = (a.accounts, a.hot);
                tasks.push(tokio::spawn(async move {
                    let mut i = 0u64;
                    while !stop.load(Ordering::Relaxed) {
                        let (from, to) = {
                            let mut rng = rand::thread_rng();
                            pair(&mut rng, n, hot)
                        };
                        i += 1;
                        let mut tx = pool.begin().await.unwrap();
                        let rows: Vec<(i64, i64)> = sqlx::query_as(
                            "SELECT id, balance FROM baseline_accounts WHERE id IN ($1, $2) ORDER BY id FOR UPDATE",
                        )
                        .bind(from as i64)
                        .bind(to as i64)
                        .fetch_all(&mut *tx)
                        .await
                        .unwrap();
                        let balance = rows.iter().find(|r| r.0 == from as i64).map(|r| r.1).unwrap();
                        if balance < 100 {
                            tx.rollback().await.unwrap();
                            refused.fetch_add(1, Ordering::Relaxed);
                            continue;
                        }
                        sqlx::query("UPDATE baseline_accounts SET balance = balance - $2 WHERE id = $1")
                            .bind(from as i64).bind(100i64).execute(&mut *tx).await.unwrap();
                        sqlx::query("UPDATE baseline_accounts SET balance = balance + $2 WHERE id = $1")
                            .bind(to as i64).bind(100i64).execute(&mut *tx).await.unwrap();
                        sqlx::query("INSERT INTO baseline_transfers (debit_account, credit_account, amount, reference) VALUES ($1, $2, $3, $4)")
                            .bind(from as i64).bind(to as i64).bind(100i64).bind(format!("c{c}-{i}"))
                            .execute(&mut *tx).await.unwrap();
                        tx.commit().await.unwrap();
                        done.fetch_add(1, Ordering::Relaxed);
                    }
                }));
            }
        }
        _ => {
            eprintln!("usage: ledger_bench engine|baseline <db> [--hot] [--clients N] [--accounts N] [--seconds N]");
            std::process::exit(2);
        }
    }
    // Warm up for a second, then measure.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let (d0, t0) = (done.load(Ordering::Relaxed), Instant::now());
    tokio::time::sleep(Duration::from_secs(a.seconds)).await;
    let (d1, elapsed) = (done.load(Ordering::Relaxed), t0.elapsed());
    stop.store(true, Ordering::Relaxed);
    for t in tasks {
        let _ = t.await;
    }
    let _ = started;
    println!(
        "{{\"mode\":\"{}\",\"per_call\":{},\"hot\":{},\"clients\":{},\"accounts\":{},\"transfers_per_s\":{:.0},\"refused\":{}}}",
        a.mode,
        a.per_call,
        a.hot,
        a.clients,
        a.accounts,
        (d1 - d0) as f64 / elapsed.as_secs_f64(),
        refused.load(Ordering::Relaxed)
    );
}

/// Refreshes PostgreSQL's planner statistics after the setup, so that both contenders run on
/// the plans a database in service would have (a fresh table's generic plans assume it is
/// empty and scan it).
async fn analyze(db: &str) {
    if db.starts_with("postgres") {
        let pool = sqlx::postgres::PgPoolOptions::new()
            .max_connections(1)
            .connect(db)
            .await
            .unwrap();
        sqlx::query("ANALYZE").execute(&pool).await.unwrap();
    }
}

fn new_account(ledger_id: Uuid, normal: Side, limit: Option<i64>) -> NewAccount {
    NewAccount {
        id: None,
        ledger_id,
        currency: Currency::MXN,
        normal_balance: normal,
        overdraft_limit: limit,
        name: None,
        person_id: None,
        metadata: serde_json::json!({}),
    }
}

fn two_leg(
    ledger_id: Uuid,
    from: Uuid,
    to: Uuid,
    amount: i64,
    reference: String,
) -> NewTransaction {
    NewTransaction::transfer(ledger_id, Currency::MXN, from, to, amount, reference)
}
