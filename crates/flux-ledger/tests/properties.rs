//! Property-based: random sequences of transfers, holds, posts, voids and expiries over random
//! accounts, applied in random batches at a controlled clock, against an independent model of
//! the rules. After every batch the engine must agree with the model on every outcome and
//! balance; at the end `verify` must find the books whole and no account past its limit.

#![allow(clippy::unwrap_used)]

use chrono::{DateTime, Duration, Utc};
use flux_core::money::Currency;
use flux_ledger::*;
use flux_store::sql::tx_fn;
use flux_store::Store;
use proptest::prelude::*;
use uuid::Uuid;

#[derive(Debug, Clone)]
enum Step {
    Transfer {
        from: usize,
        to: usize,
        amount: i64,
        pending: bool,
        ttl_s: Option<i64>,
    },
    Post {
        hold: usize,
        amount: Option<i64>,
    },
    Void {
        hold: usize,
    },
    Expire {
        hold: usize,
    },
    /// Ends the current batch and moves the clock forward.
    Tick {
        seconds: i64,
    },
}

/// Small amounts next to small limits, so that sequences often land exactly on a limit (where
/// an off-by-one would hide), with the occasional large one.
fn amount() -> impl Strategy<Value = i64> {
    prop_oneof![4 => 1..25i64, 1 => 1..5_000i64]
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        5 => (0..6usize, 0..6usize, amount(), any::<bool>(), prop::option::of(1..30i64))
            .prop_map(|(from, to, amount, pending, ttl_s)| Step::Transfer {
                from, to, amount, pending, ttl_s: if pending { ttl_s } else { None },
            }),
        2 => (0..20usize, prop::option::of(1..5_000i64)).prop_map(|(hold, amount)| Step::Post { hold, amount }),
        1 => (0..20usize).prop_map(|hold| Step::Void { hold }),
        1 => (0..20usize).prop_map(|hold| Step::Expire { hold }),
        1 => (1..20i64).prop_map(|seconds| Step::Tick { seconds }),
    ]
}

#[derive(Debug, Clone)]
struct ModelAccount {
    normal: Side,
    limit: Option<i64>,
    totals: Totals,
}

#[derive(Debug, Clone)]
struct ModelHold {
    legs: Vec<(usize, Side, i64)>,
    expires_at: Option<DateTime<Utc>>,
    status: Status,
}

fn add(t: &mut Totals, pending: bool, side: Side, amount: i64) {
    match (pending, side) {
        (false, Side::Debit) => t.debits_posted += amount,
        (false, Side::Credit) => t.credits_posted += amount,
        (true, Side::Debit) => t.debits_pending += amount,
        (true, Side::Credit) => t.credits_pending += amount,
    }
}

/// The model's funds rule, written independently of the engine: apply, then every account
/// whose available balance fell must stay within its limit.
fn model_book(accounts: &mut [ModelAccount], legs: &[(usize, bool, Side, i64)]) -> bool {
    let mut next: Vec<ModelAccount> = accounts.to_vec();
    for (i, pending, side, amount) in legs {
        add(&mut next[*i].totals, *pending, *side, *amount);
    }
    for (old, new) in accounts.iter().zip(&next) {
        let before = old.totals.balance(old.normal).available;
        let after = new.totals.balance(new.normal).available;
        if let Some(limit) = old.limit {
            if after < before && after < -limit {
                return false;
            }
        }
    }
    accounts.clone_from_slice(&next);
    true
}

async fn run_case(store: &Store, accounts_spec: &[(bool, Option<i64>)], steps: &[Step]) {
    let ledger_id = Uuid::new_v4();
    let ledger = Ledger::start(store.clone());
    let mut ids = Vec::new();
    let mut model = Vec::new();
    for (credit_normal, limit) in accounts_spec {
        let normal = if *credit_normal {
            Side::Credit
        } else {
            Side::Debit
        };
        let a = ledger
            .create_account(NewAccount {
                id: None,
                ledger_id,
                currency: Currency::MXN,
                normal_balance: normal,
                overdraft_limit: *limit,
                name: None,
                person_id: None,
                metadata: serde_json::json!({}),
            })
            .await
            .unwrap();
        ids.push(a.id);
        model.push(ModelAccount {
            normal,
            limit: *limit,
            totals: Totals::default(),
        });
    }
    let n = ids.len();
    let mut now: DateTime<Utc> = "2026-01-01T00:00:00Z".parse().unwrap();
    let mut holds: Vec<(Uuid, ModelHold)> = Vec::new();
    let mut batch: Vec<(Command, Option<bool>)> = Vec::new();
    let mut counter = 0;

    let mut steps = steps.to_vec();
    steps.push(Step::Tick { seconds: 0 });
    for step in steps {
        match step {
            Step::Transfer {
                from,
                to,
                amount,
                pending,
                ttl_s,
            } => {
                let (from, to) = (from % n, to % n);
                if from == to {
                    continue;
                }
                counter += 1;
                let expires_at = ttl_s.map(|s| now + Duration::seconds(s));
                let legs = vec![
                    (from, pending, Side::Debit, amount),
                    (to, pending, Side::Credit, amount),
                ];
                let expected = model_book(&mut model, &legs);
                let new = NewTransaction {
                    id: Some(Uuid::new_v4()),
                    ledger_id,
                    reference_id: format!("r{counter}"),
                    currency: Currency::MXN,
                    description: None,
                    operations: vec![
                        Operation {
                            account_id: ids[from],
                            direction: Side::Debit,
                            amount,
                        },
                        Operation {
                            account_id: ids[to],
                            direction: Side::Credit,
                            amount,
                        },
                    ],
                    metadata: serde_json::json!({}),
                    pending,
                    expires_at,
                    idempotency_key: None,
                };
                if pending && expected {
                    let hold = ModelHold {
                        legs: vec![(from, Side::Debit, amount), (to, Side::Credit, amount)],
                        expires_at,
                        status: Status::Pending,
                    };
                    holds.push((new.id.unwrap(), hold));
                }
                batch.push((Command::Create(new), Some(expected)));
            }
            Step::Post { .. } | Step::Void { .. } | Step::Expire { .. } if holds.is_empty() => {}
            Step::Post { hold, amount } => {
                let i = hold % holds.len();
                let (id, h) = &mut holds[i];
                let held = h.legs[0].2;
                let mut expected = h.status == Status::Pending;
                let expired = h.expires_at.is_some_and(|at| at <= now);
                if expected && !expired && amount.is_some_and(|a| a > held) {
                    expected = false;
                }
                if expected {
                    let mut legs: Vec<(usize, bool, Side, i64)> =
                        h.legs.iter().map(|(a, s, x)| (*a, true, *s, -x)).collect();
                    if !expired {
                        let post = amount.unwrap_or(held);
                        legs.extend(h.legs.iter().map(|(a, s, _)| (*a, false, *s, post)));
                    }
                    assert!(model_book(&mut model, &legs), "releasing never fails");
                    h.status = if expired {
                        Status::Expired
                    } else {
                        Status::Posted
                    };
                    // A post past the deadline expires the hold but reports failure.
                    expected = !expired;
                }
                batch.push((Command::Post { id: *id, amount }, Some(expected)));
            }
            Step::Void { hold } | Step::Expire { hold } => {
                let is_void = matches!(step, Step::Void { .. });
                let i = hold % holds.len();
                let (id, h) = &mut holds[i];
                let expired = h.expires_at.is_some_and(|at| at <= now);
                let expected = h.status == Status::Pending && (is_void || expired);
                if expected {
                    let legs: Vec<(usize, bool, Side, i64)> =
                        h.legs.iter().map(|(a, s, x)| (*a, true, *s, -x)).collect();
                    assert!(model_book(&mut model, &legs));
                    h.status = if is_void {
                        Status::Voided
                    } else {
                        Status::Expired
                    };
                }
                let command = if is_void {
                    Command::Void { id: *id }
                } else {
                    Command::Expire { id: *id }
                };
                batch.push((command, Some(expected)));
            }
            Step::Tick { seconds } => {
                let commands: Vec<Command> = batch.iter().map(|(c, _)| c.clone()).collect();
                let at = now;
                let results = store
                    .write(tx_fn(move |tx| {
                        Box::pin(async move { apply(tx, at, &commands).await })
                    }))
                    .await
                    .unwrap();
                for ((command, expected), result) in batch.drain(..).zip(results) {
                    if let Some(expected) = expected {
                        assert_eq!(result.is_ok(), expected, "{command:?} → {result:?}");
                    }
                }
                for (i, id) in ids.iter().enumerate() {
                    let a = get_account(store, *id).await.unwrap().unwrap();
                    assert_eq!(a.totals, model[i].totals, "account {i} after the batch");
                    if let Some(limit) = a.overdraft_limit {
                        assert!(a.balance().available >= -limit);
                    }
                }
                now += Duration::seconds(seconds);
            }
        }
    }
    let v = ledger.verify().await.unwrap();
    assert!(v.ok(), "{v:?}");
}

fn accounts() -> impl Strategy<Value = Vec<(bool, Option<i64>)>> {
    prop::collection::vec(
        (
            any::<bool>(),
            prop_oneof![Just(Some(0)), Just(None), (1..40i64).prop_map(Some)],
        ),
        2..6,
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn random_sequences_keep_every_invariant_on_sqlite(spec in accounts(), steps in prop::collection::vec(step(), 1..60)) {
        let rt = tokio::runtime::Runtime::new().unwrap();
        rt.block_on(async {
            let dir = tempfile::tempdir().unwrap();
            let store = Store::open(dir.path().join("p.db").to_str().unwrap()).await.unwrap();
            store.migrate().await.unwrap();
            run_case(&store, &spec, &steps).await;
        });
    }
}

/// The same properties on PostgreSQL: fewer cases (each is a few hundred round trips), one
/// database for all of them, a fresh ledger per case.
#[test]
fn random_sequences_keep_every_invariant_on_postgres() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(flux_store::testing::with_postgres(|url| async move {
        let store = Store::open(&url).await.unwrap();
        store.migrate().await.unwrap();
        let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
            cases: 16,
            ..ProptestConfig::default()
        });
        let strategy = (accounts(), prop::collection::vec(step(), 1..60));
        let handle = tokio::runtime::Handle::current();
        let result = runner.run(&strategy, |(spec, steps)| {
            tokio::task::block_in_place(|| handle.block_on(run_case(&store, &spec, &steps)));
            Ok(())
        });
        result.unwrap();
    }));
}
