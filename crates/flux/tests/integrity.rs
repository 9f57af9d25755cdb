//! The money state machine under a hostile provider, over real HTTP on SQLite and PostgreSQL:
//! malformed credits, late, illegal and early status events, returns, and money-outs whose
//! answers Fincore loses. Nothing may end stuck, doubled, silently dropped or shown as settled.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use fincore::emulator::Faults;
use reqwest::Method;
use rust_decimal::Decimal;
use serde_json::{json, Value};
use std::str::FromStr;
use std::time::Duration;

const CLIENTS: &str = "/api/partners/clients";

fn token(flux: &TestFlux) -> String {
    flux.running
        .state
        .config
        .inbound_webhook_token
        .expose()
        .clone()
}

async fn inbound(flux: &TestFlux, path: &str, body: Vec<u8>) -> Resp {
    let token = token(flux);
    flux.send(
        Method::POST,
        path,
        None,
        Some(body),
        &[("X-Webhook-Token", &token)],
    )
    .await
}

/// A MONEY_IN for `clabe` with this `amount` (any JSON) and extra body fields.
fn money_in(clabe: &str, amount: Value, extra: Value) -> Vec<u8> {
    let mut event: Value = serde_json::from_slice(&fincore_fixture("webhook_money_in")).unwrap();
    event["id_msg"] = uuid::Uuid::new_v4().to_string().into();
    event["body"]["id"] = uuid::Uuid::new_v4().to_string().into();
    event["body"]["beneficiary_account"] = clabe.into();
    event["body"]["amount"] = amount;
    if let Value::Object(m) = extra {
        for (k, v) in m {
            event["body"][k] = v;
        }
    }
    serde_json::to_vec(&event).unwrap()
}

fn status_update(reference: &str, status: &str, reason: Option<&str>) -> Vec<u8> {
    let mut event: Value =
        serde_json::from_slice(&fincore_fixture("webhook_status_update")).unwrap();
    event["id_msg"] = uuid::Uuid::new_v4().to_string().into();
    event["body"]["id"] = reference.into();
    event["body"]["status"] = status.into();
    event["body"]["reason"] = reason.map(Value::from).unwrap_or(Value::Null);
    event["body"]["update_at"] = flux_core::time::to_rfc3339(flux_core::time::now()).into();
    serde_json::to_vec(&event).unwrap()
}

/// The demo client's available balance in Flux's books.
async fn books_available(flux: &TestFlux) -> Decimal {
    let r = flux.get(&format!("{CLIENTS}/{DEMO_CLIENT}/accounts")).await;
    let text = r.body["data"][0]["ledger"]["available"]
        .as_str()
        .unwrap_or_else(|| panic!("no ledger balance in {}", r.text))
        .to_string();
    Decimal::from_str(&text).unwrap()
}

async fn transactions(flux: &TestFlux, kind: &str) -> Vec<Value> {
    let r = flux
        .get(&format!(
            "{CLIENTS}/{DEMO_CLIENT}/transactions?kind={kind}&per_page=200"
        ))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    r.body["data"].as_array().unwrap().clone()
}

/// Each malformed credit is kept for review, never shown, never booked; a JSON-number amount
/// is read exactly and booked.
async fn malformed_credits_go_to_review(flux: &TestFlux) {
    let (clabe, _) = flux.demo_account().await;
    let before = books_available(flux).await;
    let bad = [
        (json!("-100.00"), json!({})),
        (json!("NaN"), json!({})),
        (json!("0.001"), json!({})),
        (json!("0.00"), json!({})),
        (json!("99999999999999999999.00"), json!({})),
        (json!("1,000.00"), json!({})),
        (json!("100.00"), json!({"currency": "USD"})),
        (json!(true), json!({})),
    ];
    for (amount, extra) in bad {
        let r = inbound(
            flux,
            "/api/webhooks/money-in",
            money_in(&clabe, amount.clone(), extra),
        )
        .await;
        assert_eq!(r.status, 200, "{amount}: {}", r.text);
        assert_eq!(r.body["outcome"], "review", "{amount}: {}", r.text);
    }
    // Two amounts in one event: which one is meant cannot be known.
    let twice = String::from_utf8(money_in(&clabe, json!("1.00"), json!({})))
        .unwrap()
        .replacen(
            "\"amount\":\"1.00\"",
            "\"amount\":\"1.00\",\"amount\":\"2.00\"",
            1,
        );
    let r = inbound(flux, "/api/webhooks/money-in", twice.into_bytes()).await;
    assert_eq!(r.body["outcome"], "review", "{}", r.text);
    // A JSON number, exact.
    let r = inbound(
        flux,
        "/api/webhooks/money-in",
        money_in(&clabe, json!(123.45), json!({})),
    )
    .await;
    assert_eq!(r.body["outcome"], "applied", "{}", r.text);
    // The credit Fincore announced is at Fincore (these events were posted by hand).
    flux.emulator()
        .credit_silently(&clabe, Decimal::from_str("123.45").unwrap());

    let ins = transactions(flux, "MONEY_IN").await;
    let amounts: Vec<&str> = ins.iter().map(|t| t["amount"].as_str().unwrap()).collect();
    assert_eq!(amounts, vec!["123.45"], "only the valid credit is shown");
    assert_eq!(
        books_available(flux).await - before,
        Decimal::from_str("123.45").unwrap()
    );
    let review = flux.running.store.open_reviews(100).await.unwrap();
    let invalid = review
        .iter()
        .filter(|r| r.item.kind == flux_store::ReviewKind::InvalidEvent)
        .count();
    assert_eq!(invalid, 9, "{review:#?}");
    assert!(flux
        .running
        .store
        .unmatched_inbound(10)
        .await
        .unwrap()
        .is_empty());
}

/// Late statuses are ignored, contradictions go to review, a rejection after completion is a
/// return with its reversal, and an event that arrives before its transaction is held.
async fn statuses_never_move_backwards(flux: &TestFlux) {
    let (clabe, source) = flux.demo_account().await;
    let good = flux.card("4772130000000003").await;
    let returned_card = flux.card("4000000000000002").await;
    let start = books_available(flux).await;

    let r = flux
        .post_idem(
            "/api/partners/transactions/money-out",
            &flux.money_out_body(&source, &good, "250.00"),
            "integrity-1",
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let id = r.body["id"].as_str().unwrap().to_string();
    let done = flux.wait_status(&id, &["COMPLETED"]).await;
    let reference = done["provider_reference"].as_str().unwrap().to_string();
    let paid = books_available(flux).await;
    assert_eq!(start - paid, Decimal::from_str("250.00").unwrap());

    let r = inbound(
        flux,
        "/api/webhooks/status-update",
        status_update(&reference, "PENDING", None),
    )
    .await;
    assert_eq!(r.body["outcome"], "ignored", "{}", r.text);
    let r = inbound(
        flux,
        "/api/webhooks/status-update",
        status_update(&reference, "PWNED", None),
    )
    .await;
    assert_eq!(r.body["outcome"], "review", "{}", r.text);
    let now = flux.wait_status(&id, &["COMPLETED"]).await;
    assert_eq!(now["status"], "COMPLETED");

    // The receiving bank returns it: RETURNED, with the reason, and the money back in the books.
    let r = inbound(
        flux,
        "/api/webhooks/status-update",
        status_update(&reference, "REJECTED", Some("CANCELLED_ACCOUNT")),
    )
    .await;
    assert_eq!(r.body["outcome"], "applied", "{}", r.text);
    let back = flux.wait_status(&id, &["RETURNED"]).await;
    assert_eq!(back["failure"]["code"], "CANCELLED_ACCOUNT", "{back}");
    assert_eq!(books_available(flux).await, start);
    let r = inbound(
        flux,
        "/api/webhooks/status-update",
        status_update(&reference, "COMPLETED", None),
    )
    .await;
    assert_eq!(r.body["outcome"], "ignored", "{}", r.text);
    flux.wait_status(&id, &["RETURNED"]).await;

    // A transfer the receiving bank rejected stays rejected.
    let r = flux
        .post_idem(
            "/api/partners/transactions/money-out",
            &flux.money_out_body(&source, &returned_card, "10.00"),
            "integrity-2",
        )
        .await;
    let rejected_id = r.body["id"].as_str().unwrap().to_string();
    let rejected = flux.wait_status(&rejected_id, &["REJECTED"]).await;
    let rejected_ref = rejected["provider_reference"].as_str().unwrap();
    let r = inbound(
        flux,
        "/api/webhooks/status-update",
        status_update(rejected_ref, "COMPLETED", None),
    )
    .await;
    assert_eq!(r.body["outcome"], "review", "{}", r.text);
    flux.wait_status(&rejected_id, &["REJECTED"]).await;
    assert_eq!(books_available(flux).await, start);

    // An event for a transfer Flux has not heard of yet is held, not dropped.
    let r = inbound(
        flux,
        "/api/webhooks/status-update",
        status_update(&uuid::Uuid::new_v4().to_string(), "COMPLETED", None),
    )
    .await;
    assert_eq!(r.body["outcome"], "held", "{}", r.text);

    // The review list explains each item; reconcile refuses to call the books clean.
    let review = flux.running.store.open_reviews(100).await.unwrap();
    let illegal: Vec<_> = review
        .iter()
        .filter(|r| r.item.kind == flux_store::ReviewKind::IllegalTransition)
        .collect();
    assert_eq!(illegal.len(), 1, "{review:#?}");
    assert!(
        illegal[0].item.reason.contains("COMPLETED") && illegal[0].item.reason.contains("REJECTED")
    );
    // Fincore gives the returned money back (the emulator does not model returns).
    flux.emulator()
        .credit_silently(&clabe, Decimal::from_str("250.00").unwrap());
    let (ok, out) = cli(flux, &["reconcile"]);
    assert!(!ok, "{out}");
    assert!(
        out.contains("PROBLEM (review)") && out.contains("0 difference(s)"),
        "{out}"
    );
    let (ok, out) = cli(flux, &["ledger", "verify"]);
    assert!(ok, "{out}");

    // An operator closes every item, saying who and why; then the books reconcile.
    let review_count = review.len();
    for item in review {
        let id = item.id.to_string();
        let (ok, out) = cli(
            flux,
            &[
                "review",
                "resolve",
                "--id",
                &id,
                "--operator",
                "ana",
                "--note",
                "checked at Fincore",
            ],
        );
        assert!(ok, "{out}");
    }
    let (ok, out) = cli(flux, &["review", "list"]);
    assert!(ok && out.contains("nothing to review"), "{out}");
    // Each decision is in the audit trail, with who made it and why, and the chain holds.
    let trail = flux.running.store.audit_records(0, 100_000).await.unwrap();
    let decisions = trail
        .iter()
        .filter(|r| {
            r.record.path == "flux review resolve"
                && r.record.key_prefix.as_deref() == Some("operator:ana")
                && r.record
                    .request_body
                    .as_deref()
                    .is_some_and(|b| b.contains("checked at Fincore"))
        })
        .count();
    assert_eq!(decisions, review_count);
    let (ok, out) = cli(flux, &["audit", "verify"]);
    assert!(ok, "{out}");
    let (ok, out) = cli(flux, &["reconcile"]);
    assert!(ok, "{out}");
}

async fn bad_events(flux: TestFlux) {
    malformed_credits_go_to_review(&flux).await;
    statuses_never_move_backwards(&flux).await;
    flux.running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_events_on_sqlite() {
    bad_events(TestFlux::start(Options::default()).await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_events_on_postgres() {
    with_postgres(|url| async move {
        let flux = TestFlux::start(Options {
            database_url: Some(url),
            ..Default::default()
        })
        .await;
        bad_events(flux).await;
    })
    .await;
}

/// Money-outs while Fincore errs, hangs and loses answers after moving the money, with its
/// webhooks arriving before its answers. The faults are cleared, the partner retries nothing,
/// and the resolver alone brings every money-out to a final status that matches Fincore.
async fn money_outs_under_faults(flux: TestFlux) {
    let (clabe, source) = flux.demo_account().await;
    let destination = flux.card("4772130000000003").await;
    let start_at_fincore = flux.emulator().balance(&clabe).unwrap();
    flux.emulator().set_faults(Faults {
        latency_ms: 20,
        error_rate: 0.15,
        timeout_rate: 0.15,
        drop_response_rate: 0.3,
        hang_ms: 700,
    });
    let burst = (0..20).map(|i| {
        let body = flux.money_out_body(&source, &destination, &format!("{}.00", 10 + i));
        let flux = &flux;
        async move {
            flux.post_idem(
                "/api/partners/transactions/money-out",
                &body,
                &format!("faults-{i}"),
            )
            .await
            .status
            .as_u16()
        }
    });
    let answers = futures::future::join_all(burst).await;
    flux.emulator().set_faults(Faults::default());
    assert!(
        answers.iter().any(|s| *s != 201),
        "the faults should have lost some answers: {answers:?}"
    );

    let mut outs = Vec::new();
    for _ in 0..300 {
        outs = transactions(&flux, "MONEY_OUT").await;
        if outs.len() == 20 && outs.iter().all(|t| t["status"] == "COMPLETED") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let statuses: Vec<&str> = outs.iter().map(|t| t["status"].as_str().unwrap()).collect();
    assert_eq!(
        outs.len(),
        20,
        "one record per Idempotency-Key: {statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| *s == "COMPLETED"),
        "{statuses:?} (answers {answers:?})"
    );

    // Nothing doubled: Fincore executed each once, and both sides agree on the money.
    let stats = flux.emulator().stats();
    assert_eq!(stats.money_out_executed, 20, "{stats:?}");
    let paid: Decimal = outs
        .iter()
        .map(|t| Decimal::from_str(t["amount"].as_str().unwrap()).unwrap())
        .sum();
    let at_fincore = flux.emulator().balance(&clabe).unwrap();
    assert_eq!(start_at_fincore - at_fincore, paid);
    assert_eq!(books_available(&flux).await, at_fincore);
    // A partner retrying a lost answer: another body under the key is refused (a call would
    // be a new transfer at Fincore); the same body gets the settled record, Fincore untouched.
    let lost = answers.iter().position(|s| *s != 201).unwrap();
    let key = format!("faults-{lost}");
    let other = flux.money_out_body(&source, &destination, "999.00");
    let r = flux
        .post_idem("/api/partners/transactions/money-out", &other, &key)
        .await;
    r.problem(422, "idempotency_key_reused");
    let same = flux.money_out_body(&source, &destination, &format!("{}.00", 10 + lost));
    let r = flux
        .post_idem("/api/partners/transactions/money-out", &same, &key)
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.body["status"], "COMPLETED", "{}", r.text);
    assert_eq!(flux.emulator().stats().money_out_executed, 20);

    let (ok, out) = cli(&flux, &["reconcile"]);
    assert!(ok, "{out}");
    assert!(out.contains("0 difference(s), 0 other problem(s)"), "{out}");
    let (ok, out) = cli(&flux, &["ledger", "verify"]);
    assert!(ok, "{out}");
    flux.running.stop().await;
}

fn fault_options(database_url: Option<String>) -> Options {
    Options {
        database_url,
        fincore_timeout_ms: 300,
        resolver_after_s: 1,
        resolver_interval_ms: 100,
        ..Default::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn money_outs_under_faults_on_sqlite() {
    money_outs_under_faults(TestFlux::start(fault_options(None)).await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn money_outs_under_faults_on_postgres() {
    with_postgres(|url| async move {
        money_outs_under_faults(TestFlux::start(fault_options(Some(url))).await).await;
    })
    .await;
}

/// `flux serve` in sandbox restarted on the same data directory finds the provider as it left
/// it: the same account and balance, the instruments, and books that still reconcile.
async fn sandbox_restart_keeps_provider_state(database_url: Option<String>) {
    let dir = tempfile::tempdir().unwrap();
    let options = || Options {
        data_dir: Some(dir.path().to_path_buf()),
        database_url: database_url.clone(),
        ..Default::default()
    };
    let flux = TestFlux::start(options()).await;
    let (clabe, source) = flux.demo_account().await;
    let destination = flux.card("4772130000000003").await;
    let r = flux
        .post_idem(
            "/api/partners/transactions/money-out",
            &flux.money_out_body(&source, &destination, "100.00"),
            "restart-1",
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    flux.wait_status(r.body["id"].as_str().unwrap(), &["COMPLETED"])
        .await;
    let r = flux
        .post(
            "/api/sandbox/money-in",
            &json!({"client_id": DEMO_CLIENT, "amount": "50.00"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    flux.running.stop().await;

    let flux = TestFlux::start(options()).await;
    let (clabe_after, _) = flux.demo_account().await;
    assert_eq!(clabe_after, clabe, "the same account, not a new one");
    assert_eq!(
        flux.emulator().balance(&clabe),
        Some(Decimal::from_str("999950.00").unwrap())
    );
    assert_eq!(
        books_available(&flux).await,
        Decimal::from_str("999950.00").unwrap()
    );
    let instrument = flux
        .get(&format!(
            "{CLIENTS}/{DEMO_CLIENT}/instruments/{destination}"
        ))
        .await;
    assert_eq!(instrument.status, 200, "{}", instrument.text);
    let (ok, out) = cli(&flux, &["reconcile"]);
    assert!(
        ok && out.contains("0 difference(s), 0 other problem(s)"),
        "{out}"
    );
    flux.running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sandbox_restart_keeps_provider_state_on_sqlite() {
    sandbox_restart_keeps_provider_state(None).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sandbox_restart_keeps_provider_state_on_postgres() {
    with_postgres(|url| async move {
        sandbox_restart_keeps_provider_state(Some(url)).await;
    })
    .await;
}
