//! The ledger engine against a real SQLite file and a real PostgreSQL database: every test
//! body runs on both.

#![allow(clippy::unwrap_used)]

use flux_core::money::Currency;
use flux_ledger::*;
use flux_store::Store;
use std::future::Future;
use std::sync::Arc;
use uuid::Uuid;

async fn on_both<F, Fut>(f: F)
where
    F: Fn(Store) -> Fut,
    Fut: Future<Output = ()>,
{
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path().join("ledger.db").to_str().unwrap())
        .await
        .unwrap();
    store.migrate().await.unwrap();
    f(store).await;
    flux_store::testing::with_postgres(|url| async move {
        let store = Store::open(&url).await.unwrap();
        store.migrate().await.unwrap();
        f(store).await;
    })
    .await;
}

fn account(ledger: Uuid, normal: Side, currency: Currency, limit: Option<i64>) -> NewAccount {
    NewAccount {
        id: None,
        ledger_id: ledger,
        currency,
        normal_balance: normal,
        overdraft_limit: limit,
        name: None,
        person_id: None,
        metadata: serde_json::json!({}),
    }
}

fn transfer(ledger: Uuid, from: Uuid, to: Uuid, amount: i64, reference: &str) -> NewTransaction {
    NewTransaction::transfer(ledger, Currency::MXN, from, to, amount, reference)
}

/// A funded CREDIT-normal wallet (what Flux owes a client) and its DEBIT-normal funding source.
struct Books {
    ledger: Ledger,
    id: Uuid,
    /// DEBIT-normal, unlimited: where money comes from.
    bank: Uuid,
    /// CREDIT-normal wallets, no overdraft.
    wallets: Vec<Uuid>,
}

async fn books(store: Store, wallets: usize, funding: i64) -> Books {
    let ledger = Ledger::start(store.clone());
    let id = Uuid::new_v4();
    let bank = ledger
        .create_account(account(id, Side::Debit, Currency::MXN, None))
        .await
        .unwrap()
        .id;
    let mut ids = Vec::new();
    for i in 0..wallets {
        let w = ledger
            .create_account(account(id, Side::Credit, Currency::MXN, Some(0)))
            .await
            .unwrap()
            .id;
        // Bank (asset) up, wallet (liability) up.
        if funding > 0 {
            ledger
                .transfer(transfer(id, bank, w, funding, &format!("fund-{i}")))
                .await
                .unwrap();
        }
        ids.push(w);
    }
    Books {
        ledger,
        id,
        bank,
        wallets: ids,
    }
}

/// Moves `amount` out of wallet `from` into wallet `to` (DEBIT decreases a CREDIT-normal account).
fn pay(b: &Books, from: Uuid, to: Uuid, amount: i64, reference: &str) -> NewTransaction {
    transfer(b.id, from, to, amount, reference)
}

async fn balance(b: &Books, id: Uuid) -> Balance {
    get_account(b.ledger.store(), id)
        .await
        .unwrap()
        .unwrap()
        .balance()
}

#[tokio::test]
async fn direction_rules_balances_and_refusals() {
    on_both(|store| async move {
        let b = books(store, 2, 10_000).await;
        let (a, c) = (b.wallets[0], b.wallets[1]);
        let t = b.ledger.transfer(pay(&b, a, c, 2_550, "p1")).await.unwrap();
        assert_eq!(t.transaction.status, Status::Completed);
        assert_eq!(balance(&b, a).await.posted, 7_450);
        assert_eq!(balance(&b, c).await.posted, 12_550);
        // The bank (DEBIT-normal) went up by both fundings.
        assert_eq!(balance(&b, b.bank).await.posted, 20_000);

        // Overdraft: refused, nothing changes.
        let err = b
            .ledger
            .transfer(pay(&b, a, c, 7_451, "p2"))
            .await
            .unwrap_err();
        assert!(
            matches!(err, LedgerError::InsufficientFunds { .. }),
            "{err:?}"
        );
        assert!(err.to_string().contains("available 74.50"), "{err}");
        assert_eq!(balance(&b, a).await.posted, 7_450);
        // Exactly the balance is fine.
        b.ledger.transfer(pay(&b, a, c, 7_450, "p3")).await.unwrap();
        assert_eq!(balance(&b, a).await.available, 0);

        // Unbalanced, one-sided, too few legs, unknown account, wrong currency.
        let mut unbalanced = pay(&b, c, a, 100, "u1");
        unbalanced.operations[1].amount = 99;
        assert!(matches!(
            b.ledger.transfer(unbalanced).await.unwrap_err(),
            LedgerError::Unbalanced { .. }
        ));
        let mut one_sided = pay(&b, c, a, 100, "u2");
        one_sided.operations[1].direction = Side::Debit;
        assert!(matches!(
            b.ledger.transfer(one_sided).await.unwrap_err(),
            LedgerError::Invalid { .. }
        ));
        let mut one_leg = pay(&b, c, a, 100, "u3");
        one_leg.operations.pop();
        assert!(b.ledger.transfer(one_leg).await.is_err());
        let ghost = Uuid::new_v4();
        assert!(matches!(
            b.ledger.transfer(pay(&b, c, ghost, 1, "u4")).await.unwrap_err(),
            LedgerError::AccountNotFound(id) if id == ghost
        ));
        let usd = b
            .ledger
            .create_account(account(b.id, Side::Credit, Currency::USD, Some(0)))
            .await
            .unwrap();
        assert!(matches!(
            b.ledger
                .transfer(pay(&b, c, usd.id, 1, "u5"))
                .await
                .unwrap_err(),
            LedgerError::CurrencyMismatch { .. }
        ));
        // An account of another ledger is invisible.
        let mut other = pay(&b, c, a, 1, "u6");
        other.ledger_id = Uuid::new_v4();
        assert!(matches!(
            b.ledger.transfer(other).await.unwrap_err(),
            LedgerError::AccountNotFound(_)
        ));
        // An overdraft limit lets the balance go that far below zero and no further.
        let credit_line = b
            .ledger
            .create_account(account(b.id, Side::Credit, Currency::MXN, Some(500)))
            .await
            .unwrap();
        b.ledger
            .transfer(pay(&b, credit_line.id, a, 500, "l1"))
            .await
            .unwrap();
        assert_eq!(balance(&b, credit_line.id).await.posted, -500);
        assert!(b
            .ledger
            .transfer(pay(&b, credit_line.id, a, 1, "l2"))
            .await
            .is_err());
        assert!(b.ledger.verify().await.unwrap().ok());
    })
    .await;
}

#[tokio::test]
async fn reference_ids_are_unique_per_ledger_and_keys_replay() {
    on_both(|store| async move {
        let b = books(store, 2, 10_000).await;
        let (a, c) = (b.wallets[0], b.wallets[1]);
        let first = b
            .ledger
            .transfer(pay(&b, a, c, 100, "ref-1"))
            .await
            .unwrap();
        match b.ledger.transfer(pay(&b, a, c, 100, "ref-1")).await {
            Err(LedgerError::DuplicateReference { existing, .. }) => {
                assert_eq!(existing, first.transaction.id)
            }
            other => panic!("{other:?}"),
        }
        // The same reference in another ledger is a different transaction.
        let other = books(b.ledger.store().clone(), 2, 1_000).await;
        other
            .ledger
            .transfer(pay(
                &other,
                other.wallets[0],
                other.wallets[1],
                100,
                "ref-1",
            ))
            .await
            .unwrap();

        // Idempotency: a replay returns the original, only once on the books.
        let mut keyed = pay(&b, a, c, 300, "ref-2");
        keyed.idempotency_key = Some("key-1".into());
        let original = b.ledger.transfer(keyed.clone()).await.unwrap();
        assert!(!original.replayed);
        let replay = b.ledger.transfer(keyed.clone()).await.unwrap();
        assert!(replay.replayed);
        assert_eq!(replay.transaction, original.transaction);
        assert_eq!(balance(&b, a).await.posted, 10_000 - 100 - 300);
        // A different body under the same key is refused.
        let mut changed = keyed.clone();
        changed.operations[0].amount = 301;
        changed.operations[1].amount = 301;
        assert!(matches!(
            b.ledger.transfer(changed).await.unwrap_err(),
            LedgerError::IdempotencyMismatch(_)
        ));
        // Concurrent replays of one key inside one batch and across batches: one transaction.
        let mut concurrent = pay(&b, a, c, 7, "ref-3");
        concurrent.idempotency_key = Some("key-2".into());
        let answers =
            futures::future::join_all((0..20).map(|_| b.ledger.transfer(concurrent.clone()))).await;
        let ids: std::collections::HashSet<Uuid> = answers
            .into_iter()
            .map(|r| r.unwrap().transaction.id)
            .collect();
        assert_eq!(ids.len(), 1);
        assert_eq!(balance(&b, a).await.posted, 10_000 - 100 - 300 - 7);
        // Concurrent different transactions with one reference: exactly one wins.
        let answers = futures::future::join_all(
            (0..20).map(|i| b.ledger.transfer(pay(&b, a, c, 1 + i, "ref-4"))),
        )
        .await;
        assert_eq!(answers.iter().filter(|r| r.is_ok()).count(), 1);
        assert!(b.ledger.verify().await.unwrap().ok());
    })
    .await;
}

#[tokio::test]
async fn holds_post_in_part_void_expire_and_resolve_once() {
    on_both(|store| async move {
        let b = books(store, 2, 10_000).await;
        let (a, c) = (b.wallets[0], b.wallets[1]);
        let mut hold = pay(&b, a, c, 4_000, "h1");
        hold.pending = true;
        let h = b.ledger.transfer(hold).await.unwrap().transaction;
        assert_eq!(h.status, Status::Pending);
        let bal = balance(&b, a).await;
        assert_eq!(
            (bal.posted, bal.pending, bal.available),
            (10_000, 4_000, 6_000)
        );
        assert_eq!(balance(&b, c).await.incoming, 4_000);
        // Held funds cannot be spent twice.
        assert!(b.ledger.transfer(pay(&b, a, c, 6_001, "h2")).await.is_err());

        // Post 2,500 of the 4,000: the rest is released.
        let posted = b.ledger.post(h.id, Some(2_500)).await.unwrap().transaction;
        assert_eq!(posted.status, Status::Posted);
        assert_eq!(posted.posted_operations.as_ref().unwrap()[0].amount, 2_500);
        let bal = balance(&b, a).await;
        assert_eq!((bal.posted, bal.pending, bal.available), (7_500, 0, 7_500));
        assert_eq!(balance(&b, c).await.posted, 12_500);
        // At most once.
        assert!(matches!(
            b.ledger.post(h.id, None).await.unwrap_err(),
            LedgerError::NotPending { .. }
        ));
        assert!(b.ledger.void(h.id).await.is_err());

        // Void releases everything.
        let mut hold = pay(&b, a, c, 1_000, "h3");
        hold.pending = true;
        let h = b.ledger.transfer(hold).await.unwrap().transaction;
        assert_eq!(
            b.ledger.void(h.id).await.unwrap().transaction.status,
            Status::Voided
        );
        assert_eq!(balance(&b, a).await.available, 7_500);
        assert!(b.ledger.post(h.id, None).await.is_err());
        // More than held cannot be posted.
        let mut hold = pay(&b, a, c, 1_000, "h4");
        hold.pending = true;
        let h = b.ledger.transfer(hold).await.unwrap().transaction;
        assert!(b.ledger.post(h.id, Some(1_001)).await.is_err());
        // Concurrent post and void of one hold: exactly one wins.
        let (p, v) = tokio::join!(b.ledger.post(h.id, None), b.ledger.void(h.id));
        assert!(p.is_ok() ^ v.is_ok(), "{p:?} {v:?}");

        // Expiry: past the deadline the hold is released, and a post is refused.
        let mut hold = pay(&b, a, c, 500, "h5");
        hold.pending = true;
        hold.expires_at = Some(flux_core::time::now() + chrono::Duration::milliseconds(300));
        let h = b.ledger.transfer(hold).await.unwrap().transaction;
        let mut hold2 = pay(&b, a, c, 200, "h6");
        hold2.pending = true;
        hold2.expires_at = Some(flux_core::time::now() + chrono::Duration::milliseconds(300));
        let h2 = b.ledger.transfer(hold2).await.unwrap().transaction;
        let before = balance(&b, a).await.available;
        tokio::time::sleep(std::time::Duration::from_millis(400)).await;
        assert!(matches!(
            b.ledger.post(h.id, None).await.unwrap_err(),
            LedgerError::Expired(_)
        ));
        assert_eq!(b.ledger.expire_due().await.unwrap(), 1);
        assert_eq!(
            get_transaction(b.ledger.store(), h2.id)
                .await
                .unwrap()
                .unwrap()
                .status,
            Status::Expired
        );
        assert_eq!(balance(&b, a).await.available, before + 700);
        assert_eq!(b.ledger.expire_due().await.unwrap(), 0);
        let v = b.ledger.verify().await.unwrap();
        assert!(v.ok(), "{v:?}");
    })
    .await;
}

#[tokio::test]
async fn verify_catches_a_hand_corrupted_entry() {
    on_both(|store| async move {
        let b = books(store.clone(), 2, 10_000).await;
        b.ledger
            .transfer(pay(&b, b.wallets[0], b.wallets[1], 100, "x"))
            .await
            .unwrap();
        assert!(b.ledger.verify().await.unwrap().ok());
        // Entries refuse edits...
        let edit = "UPDATE ledger_entries SET amount = amount + 1 WHERE seq = (SELECT MAX(seq) FROM ledger_entries)";
        assert!(store.exec(edit, vec![]).await.is_err());
        // ...so an operator with database access has to disable the guard first.
        let disable: &'static str = if store.backend_name() == "postgres" {
            "ALTER TABLE ledger_entries DISABLE TRIGGER ledger_entries_immutable"
        } else {
            "DROP TRIGGER ledger_entries_no_update"
        };
        store.exec(disable, vec![]).await.unwrap();
        store.exec(edit, vec![]).await.unwrap();
        let v = b.ledger.verify().await.unwrap();
        assert!(!v.ok());
        let report = v.problems.join("\n");
        assert!(report.contains("debits") && report.contains("does not balance"), "{report}");
        assert!(report.contains("sum of entries"), "{report}");
    })
    .await;
}

/// 32 tasks hammer one hot account: no overdraft, no error surfaced, exact final balances.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hot_account_under_32_concurrent_tasks() {
    on_both(|store| async move {
        let b = Arc::new(books(store, 33, 0).await);
        // Fund the hot wallet with exactly 1,000 transfers' worth.
        let hot = b.wallets[0];
        b.ledger
            .transfer(transfer(b.id, b.bank, hot, 100_000, "hot-fund"))
            .await
            .unwrap();
        let mut tasks = Vec::new();
        for t in 0..32 {
            let b = b.clone();
            tasks.push(tokio::spawn(async move {
                let mut ok = 0;
                let mut refused = 0;
                for i in 0..50 {
                    // Alternate directions so the hot account is both drained and refilled.
                    let to = b.wallets[1 + t];
                    let result = if i % 5 == 4 {
                        b.ledger
                            .transfer(pay(&b, to, hot, 100, &format!("in-{t}-{i}")))
                            .await
                    } else {
                        b.ledger
                            .transfer(pay(&b, hot, to, 100, &format!("out-{t}-{i}")))
                            .await
                    };
                    match result {
                        Ok(_) => ok += 1,
                        Err(LedgerError::InsufficientFunds { .. }) => refused += 1,
                        Err(e) => panic!("surfaced to a caller: {e}"),
                    }
                }
                (ok, refused)
            }));
        }
        let mut ok = 0;
        for t in tasks {
            ok += t.await.unwrap().0;
        }
        assert!(ok > 0);
        let hot_balance = balance(&b, hot).await;
        assert!(hot_balance.posted >= 0);
        let mut total = hot_balance.posted;
        for w in &b.wallets[1..] {
            let bal = balance(&b, *w).await;
            assert!(bal.posted >= 0);
            total += bal.posted;
        }
        assert_eq!(total, 100_000, "money was created or destroyed");
        let v = b.ledger.verify().await.unwrap();
        assert!(v.ok(), "{v:?}");
    })
    .await;
}

/// Two independent engines on one PostgreSQL (what two Flux processes are: separate pools,
/// separate writers) drain one hot account: no overdraft, no deadlock.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_engines_on_one_postgres() {
    flux_store::testing::with_postgres(|url| async move {
        let store = Store::open(&url).await.unwrap();
        store.migrate().await.unwrap();
        let b = Arc::new(books(store, 3, 0).await);
        let hot = b.wallets[0];
        b.ledger
            .transfer(transfer(b.id, b.bank, hot, 10_000, "fund"))
            .await
            .unwrap();
        let second_store = Store::open(&url).await.unwrap();
        let second = Ledger::start(second_store);
        let mut tasks = Vec::new();
        for t in 0..32usize {
            let b = b.clone();
            let engine = if t % 2 == 0 {
                b.ledger.clone()
            } else {
                second.clone()
            };
            tasks.push(tokio::spawn(async move {
                let mut ok = 0i64;
                for i in 0..20 {
                    // Hot → wallet 1 and wallet 2 → hot, crossing lock orders.
                    let t1 = pay(&b, hot, b.wallets[1], 30, &format!("a-{t}-{i}"));
                    let t2 = pay(&b, b.wallets[2], hot, 10, &format!("b-{t}-{i}"));
                    for t in [t1, t2] {
                        match engine.transfer(t).await {
                            Ok(_) => ok += 1,
                            Err(LedgerError::InsufficientFunds { .. }) => {}
                            Err(e) => panic!("surfaced to a caller: {e}"),
                        }
                    }
                }
                ok
            }));
        }
        for t in tasks {
            t.await.unwrap();
        }
        let total: i64 = futures::future::join_all(b.wallets.iter().map(|w| balance(&b, *w)))
            .await
            .iter()
            .map(|bal| {
                assert!(bal.posted >= 0);
                bal.posted
            })
            .sum();
        assert_eq!(total, 10_000);
        assert!(b.ledger.verify().await.unwrap().ok());
    })
    .await;
}

/// The writer answers from its cache of account totals; whatever changes those totals behind
/// its back (Flux's books write through `apply` in their own transactions, another process)
/// must make it notice, not overdraw. Each step below runs with a warm cache.
#[tokio::test]
async fn the_cached_path_notices_changes_behind_its_back() {
    on_both(|store| async move {
        let b = books(store.clone(), 2, 100).await;
        let (a, c) = (b.wallets[0], b.wallets[1]);
        // Warm: a has 100 in the writer's cache.
        b.ledger.transfer(pay(&b, c, a, 1, "warm")).await.unwrap();
        assert_eq!(balance(&b, a).await.available, 101);

        // Someone else moves a's whole balance out, outside the writer.
        let drain = Command::Create(pay(&b, a, c, 101, "behind-its-back"));
        let results = store
            .write(flux_store::sql::tx_fn(move |tx| {
                Box::pin(async move { apply(tx, flux_core::time::now(), &[drain]).await })
            }))
            .await
            .unwrap();
        assert!(results[0].is_ok());

        // The cache still says 101; the database says 0. No overdraft.
        let refused = b.ledger.transfer(pay(&b, a, c, 50, "stale")).await;
        assert!(
            matches!(refused, Err(LedgerError::InsufficientFunds { .. })),
            "{refused:?}"
        );
        assert_eq!(balance(&b, a).await.available, 0);

        // A reference and an idempotency key already in the database, sent with a warm cache.
        b.ledger.transfer(pay(&b, c, a, 10, "again")).await.unwrap();
        let duplicate = b.ledger.transfer(pay(&b, c, a, 10, "again")).await;
        assert!(
            matches!(duplicate, Err(LedgerError::DuplicateReference { .. })),
            "{duplicate:?}"
        );
        let mut keyed = pay(&b, c, a, 5, "keyed");
        keyed.idempotency_key = Some("k-1".into());
        let first = b.ledger.transfer(keyed.clone()).await.unwrap();
        let replay = b.ledger.transfer(keyed.clone()).await.unwrap();
        assert!(replay.replayed);
        assert_eq!(replay.transaction.id, first.transaction.id);
        keyed.operations[0].amount = 6;
        keyed.operations[1].amount = 6;
        let mismatch = b.ledger.transfer(keyed).await;
        assert!(
            matches!(mismatch, Err(LedgerError::IdempotencyMismatch(_))),
            "{mismatch:?}"
        );

        assert_eq!(balance(&b, a).await.available, 15);
        let v = b.ledger.verify().await.unwrap();
        assert!(v.problems.is_empty(), "{:?}", v.problems);
    })
    .await;
}
