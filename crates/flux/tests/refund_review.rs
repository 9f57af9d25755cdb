//! A refund whose answer Fincore never gave. Fincore refunds carry no idempotency key, so Flux
//! never sends one again: the partner's retry is told it is under way, and the resolver files
//! it for review. The operator checks it at Fincore and records its Fincore id and outcome
//! (`flux review resolve --provider-reference … --status COMPLETED`): the status updates
//! Fincore sent for it meanwhile, held for an id Flux did not know, then apply, and the books
//! reconcile. Found by scripts/chaos (refunds under Fincore's "answer lost" fault).
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use fincore::emulator::Faults;
use serde_json::{json, Value};
use std::time::Duration;

const CLIENTS: &str = "/api/partners/clients";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refund_whose_answer_was_lost_is_settled_by_the_operator_with_its_fincore_id() {
    let flux = TestFlux::start(Options {
        fincore_timeout_ms: 1_000,
        resolver_after_s: 1,
        resolver_interval_ms: 300,
        ..Default::default()
    })
    .await;
    let money_in = flux
        .post(
            "/api/sandbox/money-in",
            &json!({"client_id": DEMO_CLIENT, "amount": "250.00"}),
        )
        .await;
    assert_eq!(money_in.status, 201, "{}", money_in.text);
    let money_in_id = money_in.body["id"].as_str().unwrap().to_string();
    let money_in_ref = money_in.body["provider_reference"]
        .as_str()
        .unwrap()
        .to_string();

    // Fincore refunds, then its answer never comes.
    flux.emulator().set_faults(Faults {
        drop_response_rate: 1.0,
        hang_ms: 2_000,
        ..Default::default()
    });
    let path = format!("{CLIENTS}/{DEMO_CLIENT}/transactions/{money_in_id}/refund");
    let body = json!({"amount": "250.00", "description": "devolución"});
    let lost = flux.post_idem(&path, &body, "refund-lost-answer").await;
    assert!(
        lost.status.is_server_error(),
        "{} {}",
        lost.status,
        lost.text
    );
    flux.emulator().set_faults(Faults::default());
    assert_eq!(flux.emulator().stats().refunds_executed, 1);
    // Never sent twice: the retry is told it is under way.
    flux.post_idem(&path, &body, "refund-lost-answer")
        .await
        .problem(409, "refund_in_progress");
    assert_eq!(flux.emulator().stats().refunds_executed, 1);

    // The resolver cannot read a Fincore transaction: it files the refund for review.
    let mut item = None;
    for _ in 0..100 {
        let open = flux.running.store.open_reviews(10).await.unwrap();
        item = open.into_iter().find(|r| {
            r.item
                .transaction_id
                .is_some_and(|t| t.to_string() != money_in_id)
        });
        if item.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let item = item.expect("the refund was never filed for review");
    let refund_id = item.item.transaction_id.unwrap().to_string();
    let (ok, report) = cli(&flux, &["reconcile"]);
    assert!(!ok, "an open refund and its review must show: {report}");

    // The operator looks the money-in up at Fincore: refunded, by this refund.
    let truth: Value = reqwest::get(format!(
        "{}/_emulator/transactions/{money_in_ref}",
        flux.emulator().base_url()
    ))
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    assert_eq!(truth["refunded"], true, "{truth}");
    let fincore_refund = truth["refund_id"].as_str().unwrap().to_string();
    // Fincore reported the refund's progress meanwhile: held, for an id Flux does not know.
    for _ in 0..100 {
        let held = flux
            .running
            .store
            .held_events_before(flux_core::time::now())
            .await
            .unwrap();
        if held.iter().any(|h| h.provider_reference == fincore_refund) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    let (ok, out) = cli(
        &flux,
        &[
            "review",
            "resolve",
            "--id",
            &item.id.to_string(),
            "--operator",
            "ana",
            "--note",
            "refund seen at Fincore",
            "--provider-reference",
            &fincore_refund,
            "--status",
            "COMPLETED",
        ],
    );
    assert!(ok, "{out}");
    let refund = flux.wait_status(&refund_id, &["COMPLETED"]).await;
    assert_eq!(refund["provider_reference"], fincore_refund.as_str());
    let held = flux
        .running
        .store
        .held_events_before(flux_core::time::now())
        .await
        .unwrap();
    assert!(
        held.iter().all(|h| h.provider_reference != fincore_refund),
        "the refund's status updates still held: {held:?}"
    );
    let (ok, report) = cli(&flux, &["reconcile"]);
    assert!(ok && report.contains("0 difference(s)"), "{report}");

    // The partner's retry with the same key, now that the refund is decided, gets that refund
    // (not a 409), and nothing is sent to Fincore again; a second retry replays the answer.
    for _ in 0..2 {
        let retry = flux.post_idem(&path, &body, "refund-lost-answer").await;
        assert_eq!(retry.status, 201, "{}", retry.text);
        assert_eq!(retry.body["id"], refund_id.as_str(), "{}", retry.text);
        assert_eq!(retry.body["status"], "COMPLETED", "{}", retry.text);
    }
    assert_eq!(flux.emulator().stats().refunds_executed, 1);
}
