//! Several Flux instances draining one PostgreSQL outbox at once: every delivery is claimed
//! exactly once while its lease holds, a transaction's notifications go out one at a time and
//! in order, and the whole backlog ends delivered.
//!
//! Each `Store` here is its own connection pool, as each Flux instance's is; several tasks per
//! store claim and finish concurrently, as the dispatcher and recorder of each instance do.
#![allow(clippy::unwrap_used)]

use chrono::{Duration, Utc};
use flux_core::Secret;
use flux_store::testing::with_postgres;
use flux_store::*;
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::sync::Mutex;
use uuid::Uuid;

const BACKLOG: i64 = 3000;
const HOOKS: usize = 4;
const INSTANCES: usize = 3;
const TASKS_PER_INSTANCE: usize = 4;
/// Every other delivery belongs to one of these transactions (coalesce keys).
const KEYS: i64 = 60;

/// What the claimers saw, shared by all of them.
#[derive(Default)]
struct Ledger {
    /// Claims per delivery.
    claims: HashMap<i64, usize>,
    /// The delivery of each coalesce key currently claimed and not yet finished.
    key_in_flight: HashMap<String, i64>,
    /// The last seq claimed per coalesce key: claims of one key go in seq order.
    key_last: HashMap<String, i64>,
}

async fn seed(store: &Store) -> Vec<Uuid> {
    let partner = Partner {
        id: Uuid::new_v4(),
        name: "Acme".into(),
        created_at: Utc::now(),
    };
    store.create_partner(&partner).await.unwrap();
    let client = ClientRecord::linked(Uuid::new_v4(), partner.id, "fincore", None);
    store.add_client(&client).await.unwrap();
    let mut hooks = Vec::new();
    for _ in 0..HOOKS {
        let w = WebhookRecord {
            id: Uuid::new_v4(),
            partner_id: partner.id,
            client_id: client.client_id,
            url: "https://example.com/h".into(),
            token: Secret::new("tok-12345".into()),
            webhook_type: "MONEY_IN".into(),
            webhook_status: "ACTIVE".into(),
            created_at: Utc::now(),
            updated_at: Utc::now(),
        };
        store.create_webhook(&w, "whsec_dGVzdA==").await.unwrap();
        hooks.push(w.id);
    }
    // The backlog in one statement: spread over the subscriptions, half of it keyed.
    let marks: Vec<String> = (0..HOOKS).map(|i| format!("${}", i + 3)).collect();
    let sql = format!(
        "INSERT INTO webhook_deliveries (id, webhook_id, client_id, event_type, coalesce_key, payload, status,
           attempts, next_attempt_at, created_at, updated_at)
         SELECT 'msg_' || g, (ARRAY[{}])[1 + g % {HOOKS}], $2, 'MONEY_IN',
           CASE WHEN g % 2 = 0 THEN 'k' || (g % {KEYS}) END, '{{}}', 'pending', 0, $1, $1, $1
         FROM generate_series(1, {BACKLOG}) g ORDER BY g",
        marks.join(", ")
    );
    let now = flux_core::time::now().timestamp_micros();
    let mut params = vec![now.into(), client.client_id.into()];
    params.extend(hooks.iter().map(|h| sql::Value::from(*h)));
    store
        .exec(Box::leak(sql.into_boxed_str()), params)
        .await
        .unwrap();
    hooks
}

fn delivered(d: &ClaimedDelivery) -> AttemptOutcome {
    AttemptOutcome {
        attempt: AttemptRecord {
            delivery_id: d.delivery.id.clone(),
            attempt: d.delivery.attempts,
            started_at: flux_core::time::now(),
            status_code: Some(204),
            latency_ms: 1,
            error: None,
            response_body: None,
        },
        seq: d.delivery.seq,
        webhook_id: d.delivery.webhook_id,
        next: NextStep::Delivered,
    }
}

/// One claimer: claims small batches, checks them against what every claimer saw, "sends"
/// them and records them delivered, until the whole backlog is done.
async fn claimer(store: Store, ledger: Arc<Mutex<Ledger>>, done: Arc<AtomicUsize>, task: usize) {
    let mut round = 0usize;
    while done.load(Ordering::SeqCst) < BACKLOG as usize {
        round += 1;
        let now = flux_core::time::now();
        let claimed = store
            .claim_deliveries(
                now,
                1 + (task + round) % 16,
                HashMap::new(),
                8,
                now + Duration::seconds(120),
                round.is_multiple_of(4),
            )
            .await
            .unwrap();
        if claimed.is_empty() {
            tokio::time::sleep(std::time::Duration::from_millis(2)).await;
            continue;
        }
        {
            let mut l = ledger.lock().unwrap();
            for d in &claimed {
                let seq = d.delivery.seq;
                let n = l.claims.entry(seq).or_default();
                *n += 1;
                assert_eq!(*n, 1, "delivery {seq} claimed twice while its lease held");
                if let Some(key) = &d.delivery.coalesce_key {
                    if let Some(other) = l.key_in_flight.insert(key.clone(), seq) {
                        panic!("{key}: {seq} claimed while {other} of the same transaction is in flight");
                    }
                    let last = l.key_last.insert(key.clone(), seq).unwrap_or(0);
                    assert!(last < seq, "{key}: {seq} claimed after {last}");
                }
            }
        }
        // Let other claimers run while these are "in flight".
        tokio::task::yield_now().await;
        {
            // Before the finish commits: the row stays `delivering` until then, so no claimer
            // can take the key's next delivery before this is cleared.
            let mut l = ledger.lock().unwrap();
            for d in &claimed {
                if let Some(key) = &d.delivery.coalesce_key {
                    l.key_in_flight.remove(key);
                }
            }
        }
        let n = claimed.len();
        store
            .finish_attempts(claimed.iter().map(delivered).collect())
            .await
            .unwrap();
        done.fetch_add(n, Ordering::SeqCst);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_instances_claim_each_delivery_once() {
    with_postgres(|url| async move {
        let first = Store::open(&url).await.unwrap();
        first.migrate().await.unwrap();
        seed(&first).await;
        let mut stores = vec![first];
        for _ in 1..INSTANCES {
            stores.push(Store::open(&url).await.unwrap());
        }
        let ledger = Arc::new(Mutex::new(Ledger::default()));
        let done = Arc::new(AtomicUsize::new(0));
        let mut tasks = Vec::new();
        for store in &stores {
            for t in 0..TASKS_PER_INSTANCE {
                tasks.push(tokio::spawn(claimer(
                    store.clone(),
                    ledger.clone(),
                    done.clone(),
                    t,
                )));
            }
        }
        let drain = async {
            for t in tasks {
                t.await.unwrap();
            }
        };
        tokio::time::timeout(std::time::Duration::from_secs(120), drain)
            .await
            .expect("the backlog drains within 2 minutes");

        {
            let l = ledger.lock().unwrap();
            assert_eq!(l.claims.len(), BACKLOG as usize, "every delivery was claimed");
            assert!(l.claims.values().all(|n| *n == 1));
        }
        let rows = stores[0]
            .query(
                "SELECT status, COUNT(*), MAX(attempts), MIN(attempts) FROM webhook_deliveries GROUP BY status",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(rows.len(), 1, "one status left: delivered");
        assert_eq!(rows[0].text(0).unwrap(), "delivered");
        assert_eq!(rows[0].int(1).unwrap(), BACKLOG);
        assert_eq!((rows[0].int(2).unwrap(), rows[0].int(3).unwrap()), (1, 1));
        let attempts = stores[0]
            .query("SELECT COUNT(*) FROM webhook_attempts", vec![])
            .await
            .unwrap();
        assert_eq!(attempts[0].int(0).unwrap(), BACKLOG);
    })
    .await;
}
