//! Cursor pagination (`starting_after`) over real HTTP, on SQLite and PostgreSQL: a walk by
//! cursor sees every row exactly once and in order while rows are being inserted, a cursor never
//! crosses tenants, and `page`/`per_page` keep working as before.
#![allow(clippy::unwrap_used)]

mod common;

use chrono::{DateTime, Duration, Utc};
use common::*;
use serde_json::Value;
use std::collections::HashSet;
use uuid::Uuid;

const CLIENTS: &str = "/api/partners/clients";

/// A money-out Flux already knows, created at `at`.
fn record(flux: &TestFlux, at: DateTime<Utc>) -> flux_store::TransactionRecord {
    let id = Uuid::new_v4();
    flux_store::TransactionRecord {
        id,
        partner_id: flux.running.demo_partner_id.unwrap(),
        client_id: DEMO_CLIENT.parse().unwrap(),
        kind: "MONEY_OUT".parse().unwrap(),
        status: "INITIALIZED".parse().unwrap(),
        amount: "10.00".into(),
        currency: "MXN".into(),
        description: None,
        external_reference: None,
        tracking_key: None,
        source_instrument_id: None,
        destination_instrument_id: None,
        related_transaction_id: None,
        provider: "fincore".into(),
        provider_reference: Some(format!("page-{id}")),
        failure_code: None,
        failure_description: None,
        counterparty: None,
        cep_status: None,
        cep_processed_at: None,
        remittance_id: None,
        created_at: at,
        updated_at: at,
    }
}

fn ids(page: &Value) -> Vec<String> {
    page["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap().to_string())
        .collect()
}

/// Walks the demo client's transactions by cursor, `per_page` at a time; every id, in order.
async fn walk(flux: &TestFlux, per_page: u32) -> Vec<String> {
    let base = format!("{CLIENTS}/{DEMO_CLIENT}/transactions?per_page={per_page}");
    let mut r = flux.get(&base).await;
    let mut seen = vec![];
    loop {
        assert_eq!(r.status, 200, "{}", r.text);
        seen.extend(ids(&r.body));
        let p = &r.body["pagination"];
        match p["next_starting_after"].as_str() {
            Some(next) => {
                assert_eq!(p["has_more"], true);
                assert_eq!(Some(next), seen.last().map(String::as_str));
                r = flux.get(&format!("{base}&starting_after={next}")).await;
                let p = &r.body["pagination"];
                // Cursor mode counts nothing.
                assert!(p["page"].is_null() && p["total_items"].is_null(), "{p}");
                assert!(p["total_pages"].is_null());
            }
            None => {
                assert_eq!(p["has_more"], false);
                return seen;
            }
        }
    }
}

async fn cursor_pagination(flux: &TestFlux) {
    let store = &flux.running.store;
    // 150 rows a millisecond apart, some sharing a microsecond so that `id` breaks the tie.
    let start = Utc::now() - Duration::hours(1);
    let mut seeded = vec![];
    for i in 0..150 {
        let t = record(flux, start + Duration::milliseconds(i / 3 * 10));
        store.insert_transaction(&t).await.unwrap();
        seeded.push(t);
    }
    // Newest first, ties by id descending: the order every list promises.
    seeded.sort_by_key(|t| std::cmp::Reverse((t.created_at, t.id.to_string())));
    let expected: Vec<String> = seeded.iter().map(|t| t.id.to_string()).collect();

    // Quiet store: the walk holds the seeded rows in order (and whatever the sandbox made),
    // and `page` reads the same rows as before.
    let quiet = walk(flux, 7).await;
    let seeded_in = |walked: &[String]| -> Vec<String> {
        walked
            .iter()
            .filter(|id| expected.contains(id))
            .cloned()
            .collect()
    };
    assert_eq!(seeded_in(&quiet), expected);
    let n = quiet.len() as u64;
    assert!(n >= 150);
    let p2 = flux
        .get(&format!(
            "{CLIENTS}/{DEMO_CLIENT}/transactions?page=2&per_page=50"
        ))
        .await;
    assert_eq!(p2.status, 200, "{}", p2.text);
    assert_eq!(ids(&p2.body), quiet[50..100]);
    let p = &p2.body["pagination"];
    assert_eq!(
        (
            &p["page"],
            &p["per_page"],
            &p["total_items"],
            &p["total_pages"]
        ),
        (&2.into(), &50.into(), &n.into(), &n.div_ceil(50).into())
    );
    assert_eq!(p["has_more"], true);
    assert_eq!(p["next_starting_after"], quiet[99].as_str());
    let last = flux
        .get(&format!(
            "{CLIENTS}/{DEMO_CLIENT}/transactions?page={}&per_page=50",
            n.div_ceil(50)
        ))
        .await;
    assert_eq!(last.body["pagination"]["has_more"], false);
    assert!(last.body["pagination"]["next_starting_after"].is_null());

    // While four writers insert rows, newer than all and in between the seeded ones, a walk
    // sees each seeded row exactly once and in order, and no row twice.
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut writers = vec![];
    for w in 0..4i64 {
        let (store, stop) = (store.clone(), stop.clone());
        let rows: Vec<_> = (0..400)
            .map(|i| {
                let at = if i % 2 == 0 {
                    Utc::now() + Duration::milliseconds(i)
                } else {
                    start + Duration::microseconds(i * 3 + w)
                };
                record(flux, at)
            })
            .collect();
        writers.push(tokio::spawn(async move {
            let mut n = 0;
            for t in rows {
                if stop.load(std::sync::atomic::Ordering::Relaxed) {
                    break;
                }
                store.insert_transaction(&t).await.unwrap();
                n += 1;
            }
            n
        }));
    }
    let during = walk(flux, 5).await;
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let mut inserted = 0;
    for w in writers {
        inserted += w.await.unwrap();
    }
    assert!(inserted > 0, "the writers ran during the walk");
    let unique: HashSet<&String> = during.iter().collect();
    assert_eq!(unique.len(), during.len(), "a row seen twice");
    assert_eq!(
        seeded_in(&during),
        expected,
        "every seeded row once, in order"
    );

    // Bad cursors: 422 naming `starting_after`, the same for a malformed id, an unknown one and
    // another tenant's, so that a cursor reveals nothing.
    let path = format!("{CLIENTS}/{DEMO_CLIENT}/transactions");
    let unknown = flux
        .get(&format!("{path}?starting_after={}", Uuid::new_v4()))
        .await;
    unknown.problem(422, "validation_failed");
    assert_eq!(unknown.field_reasons()[0].0, "starting_after");
    let malformed = flux.get(&format!("{path}?starting_after=")).await;
    malformed.problem(422, "validation_failed");
    assert_eq!(malformed.field_reasons(), unknown.field_reasons());
    let (_, other_client, other_key) = flux.other_partner().await;
    let other_path = format!("{CLIENTS}/{other_client}/transactions");
    let crossing = flux
        .send(
            reqwest::Method::GET,
            &format!("{other_path}?starting_after={}", expected[3]),
            Some(&other_key),
            None,
            &[],
        )
        .await;
    crossing.problem(422, "validation_failed");
    assert_eq!(crossing.field_reasons(), unknown.field_reasons());
    // Its own list by cursor works: the other client's first row.
    let mut theirs = record(flux, Utc::now());
    theirs.client_id = other_client;
    theirs.partner_id = flux
        .running
        .store
        .get_client(other_client)
        .await
        .unwrap()
        .unwrap()
        .partner_id;
    store.insert_transaction(&theirs).await.unwrap();
    let mine = flux
        .get(&format!("{path}?starting_after={}", theirs.id))
        .await;
    mine.problem(422, "validation_failed");
    assert_eq!(mine.field_reasons(), unknown.field_reasons());

    // `page` and `starting_after` together: 422 naming `starting_after`.
    let both = flux
        .get(&format!("{path}?page=1&starting_after={}", expected[0]))
        .await;
    both.problem(422, "validation_failed");
    assert_eq!(both.field_reasons()[0].0, "starting_after");
    assert!(both.field_reasons()[0].1.contains("page"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn cursor_pagination_on_sqlite() {
    let flux = TestFlux::start(Options::default()).await;
    cursor_pagination(&flux).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn cursor_pagination_on_postgres() {
    with_postgres(|url| async move {
        let flux = TestFlux::start(Options {
            database_url: Some(url),
            ..Default::default()
        })
        .await;
        cursor_pagination(&flux).await;
        flux.running.stop().await;
    })
    .await;
}

/// A list held in memory (the bank catalogue) pages by cursor by the same rules.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_memory_lists_page_by_cursor() {
    let flux = TestFlux::start(Options::default()).await;
    let all = flux.get("/api/partners/banks?per_page=500").await;
    assert_eq!(all.status, 200, "{}", all.text);
    let expected = ids(&all.body);
    assert!(expected.len() > 10);
    let mut seen = vec![];
    let mut r = flux.get("/api/partners/banks?per_page=7").await;
    loop {
        seen.extend(ids(&r.body));
        match r.body["pagination"]["next_starting_after"].as_str() {
            Some(next) => {
                r = flux
                    .get(&format!(
                        "/api/partners/banks?per_page=7&starting_after={next}"
                    ))
                    .await;
                assert_eq!(r.status, 200, "{}", r.text);
            }
            None => break,
        }
    }
    assert_eq!(seen, expected);
    flux.get(&format!(
        "/api/partners/banks?starting_after={}",
        Uuid::new_v4()
    ))
    .await
    .problem(422, "validation_failed");
}
