//! Flux keeps its own books: the sandbox money flow (money-in, a completed money-out, a
//! rejected money-out, a refund) against the real server and the Fincore emulator, on SQLite
//! and on PostgreSQL. After it, Flux's ledger balance equals the emulator's, `flux reconcile`
//! reports no difference and `flux ledger verify` finds the books whole.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use serde_json::json;

const CLIENTS: &str = "/api/partners/clients";

/// The demo account as GET …/accounts shows it: the provider's balance and Flux's books.
async fn balances(flux: &TestFlux) -> (String, serde_json::Value) {
    let r = flux.get(&format!("{CLIENTS}/{DEMO_CLIENT}/accounts")).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let a = &r.body["data"][0];
    (
        a["available_balance"].as_str().unwrap().to_string(),
        a["ledger"].clone(),
    )
}

async fn money_flow_keeps_books(flux: TestFlux) {
    let (provider, ledger) = balances(&flux).await;
    assert_eq!(ledger["available"], provider, "opening balance booked");
    let opening: rust_decimal::Decimal = provider.parse().unwrap();
    let (_, source) = flux.demo_account().await;

    // Money-in: credited at once.
    let money_in = flux
        .post(
            "/api/sandbox/money-in",
            &json!({"client_id": DEMO_CLIENT, "amount": "250.00"}),
        )
        .await;
    assert_eq!(money_in.status, 201, "{}", money_in.text);
    let money_in_id = money_in.body["id"].as_str().unwrap().to_string();

    // Money-out to a card that completes: held on submission, posted on COMPLETED.
    let good = flux.card("4772130000000003").await;
    let out = flux
        .post(
            "/api/partners/transactions/money-out",
            &flux.money_out_body(&source, &good, "100.00"),
        )
        .await;
    assert_eq!(out.status, 201, "{}", out.text);
    let (_, ledger) = balances(&flux).await;
    assert_eq!(
        ledger["pending"], "100.00",
        "held while in flight: {ledger}"
    );
    flux.wait_status(out.body["id"].as_str().unwrap(), &["COMPLETED"])
        .await;

    // Money-out to a card whose bank rejects it: held, then released.
    let bad = flux.card("4772130000010002").await;
    let rejected = flux
        .post(
            "/api/partners/transactions/money-out",
            &flux.money_out_body(&source, &bad, "40.00"),
        )
        .await;
    assert_eq!(rejected.status, 201, "{}", rejected.text);
    flux.wait_status(rejected.body["id"].as_str().unwrap(), &["REJECTED"])
        .await;

    // Refund of the money-in (held, then posted when the emulator completes it).
    let refund = flux
        .post(
            &format!("{CLIENTS}/{DEMO_CLIENT}/transactions/{money_in_id}/refund"),
            &json!({"amount": "250.00", "description": "devolución"}),
        )
        .await;
    assert_eq!(refund.status, 201, "{}", refund.text);
    let refund_id = refund.body["id"].as_str().unwrap().to_string();
    let refund_done = flux
        .wait_status(&refund_id, &["COMPLETED", "INITIALIZED", "PENDING"])
        .await;
    let refund_final = refund_done["status"] == "COMPLETED";

    // A money-out beyond what the books hold: refused before Fincore is called.
    let executed = flux.emulator().stats().money_out_executed;
    let too_much = flux
        .post(
            "/api/partners/transactions/money-out",
            &flux.money_out_body(&source, &good, "99999999.00"),
        )
        .await;
    too_much.problem(422, "insufficient_funds");
    assert_eq!(flux.emulator().stats().money_out_executed, executed);
    // Under an Idempotency-Key, the refusal undoes the key's claim with the intent: the same
    // request again is refused afresh (not replayed, and not left waiting on a claim nobody
    // holds any more).
    let body = flux.money_out_body(&source, &good, "99999999.00");
    for _ in 0..2 {
        let refused = flux
            .post_idem("/api/partners/transactions/money-out", &body, "too-much")
            .await;
        refused.problem(422, "insufficient_funds");
        assert!(refused.headers.get("idempotency-replayed").is_none());
    }
    assert_eq!(flux.emulator().stats().money_out_executed, executed);

    // The books match the emulator: opening + 250 - 100 - 250 (the rejected 40 came back).
    let (provider, ledger) = balances(&flux).await;
    let expected = opening + rust_decimal::Decimal::new(25_000 - 10_000 - 25_000, 2);
    assert_eq!(provider.parse::<rust_decimal::Decimal>().unwrap(), expected);
    assert_eq!(ledger["available"], provider, "{ledger}");
    if refund_final {
        assert_eq!(ledger["pending"], "0.00", "{ledger}");
        assert_eq!(ledger["posted"], provider, "{ledger}");
    }

    let (ok, report) = cli(&flux, &["reconcile"]);
    assert!(ok, "{report}");
    assert!(report.contains("0 difference(s)"), "{report}");
    let (ok, report) = cli(&flux, &["ledger", "verify"]);
    assert!(ok, "{report}");
    assert!(report.contains("ledger intact"), "{report}");

    // A difference is reported: money arrives at Fincore that Flux never heard of.
    let (clabe, _) = flux.demo_account().await;
    assert!(flux
        .emulator()
        .credit_silently(&clabe, rust_decimal::Decimal::new(100, 2)));
    let (ok, report) = cli(&flux, &["reconcile"]);
    assert!(!ok, "{report}");
    assert!(
        report.contains("1 difference(s)") && report.contains("1.00"),
        "{report}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sandbox_money_flow_keeps_books_on_sqlite() {
    money_flow_keeps_books(TestFlux::start(Options::default()).await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sandbox_money_flow_keeps_books_on_postgres() {
    with_postgres(|url| async move {
        let flux = TestFlux::start(Options {
            database_url: Some(url),
            ..Default::default()
        })
        .await;
        money_flow_keeps_books(flux).await;
    })
    .await;
}

/// 32 money-outs at once, each a tenth of what the books hold, for one client: on PostgreSQL
/// they meet in the client's write lane, several to a transaction. Exactly ten are held, the
/// rest are refused with 422 before Fincore is called, nobody sees a 5xx, and the books add up.
async fn concurrent_money_outs_spend_the_books_exactly(flux: TestFlux) {
    let (_, ledger) = balances(&flux).await;
    let available: rust_decimal::Decimal = ledger["available"].as_str().unwrap().parse().unwrap();
    let tenth = (available / rust_decimal::Decimal::from(10))
        .round_dp_with_strategy(2, rust_decimal::RoundingStrategy::ToZero);
    let (_, source) = flux.demo_account().await;
    let card = flux.card("4772130000000003").await;
    let flux = std::sync::Arc::new(flux);
    let executed = flux.emulator().stats().money_out_executed;
    let attempts = (0..32).map(|_| {
        let (flux, source, card) = (flux.clone(), source.clone(), card.clone());
        let body = flux.money_out_body(&source, &card, &tenth.to_string());
        tokio::spawn(async move {
            let r = flux
                .post("/api/partners/transactions/money-out", &body)
                .await;
            (
                r.status.as_u16(),
                r.body["code"].as_str().unwrap_or("").to_string(),
            )
        })
    });
    let mut held = 0;
    for outcome in futures::future::join_all(attempts).await {
        match outcome.unwrap() {
            (201, _) => held += 1,
            (422, code) if code == "insufficient_funds" => {}
            other => panic!("unexpected answer {other:?}"),
        }
    }
    assert_eq!(held, 10, "a tenth each: exactly ten fit");
    assert_eq!(flux.emulator().stats().money_out_executed, executed + 10);
    let (_, ledger) = balances(&flux).await;
    let left: rust_decimal::Decimal = ledger["available"].as_str().unwrap().parse().unwrap();
    assert_eq!(
        left,
        available - tenth * rust_decimal::Decimal::from(10),
        "{ledger}"
    );
    let (ok, report) = cli(&flux, &["ledger", "verify"]);
    assert!(ok && report.contains("ledger intact"), "{report}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_money_outs_spend_the_books_exactly_on_sqlite() {
    concurrent_money_outs_spend_the_books_exactly(TestFlux::start(Options::default()).await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_money_outs_spend_the_books_exactly_on_postgres() {
    with_postgres(|url| async move {
        let flux = TestFlux::start(Options {
            database_url: Some(url),
            ..Default::default()
        })
        .await;
        concurrent_money_outs_spend_the_books_exactly(flux).await;
    })
    .await;
}

/// A refund retried with its Idempotency-Key after the client's funds were spent elsewhere
/// gets its first answer, not a refusal for funds it no longer needs. A refund the funds
/// cannot cover is still refused, by the hold, before Fincore is called.
async fn refunds_answer_from_their_key_and_are_covered_by_the_books(flux: TestFlux) {
    let (_, source) = flux.demo_account().await;
    let card = flux.card("4772130000000003").await;
    let money_in = |amount: &'static str| {
        let flux = &flux;
        async move {
            let r = flux
                .post(
                    "/api/sandbox/money-in",
                    &json!({"client_id": DEMO_CLIENT, "amount": amount}),
                )
                .await;
            assert_eq!(r.status, 201, "{}", r.text);
            r.body["id"].as_str().unwrap().to_string()
        }
    };
    let spend_all = || async {
        let (_, ledger) = balances(&flux).await;
        let available = ledger["available"].as_str().unwrap().to_string();
        let out = flux
            .post(
                "/api/partners/transactions/money-out",
                &flux.money_out_body(&source, &card, &available),
            )
            .await;
        assert_eq!(out.status, 201, "{}", out.text);
    };
    let refund_path = |id: &str| format!("{CLIENTS}/{DEMO_CLIENT}/transactions/{id}/refund");

    let first = money_in("250.00").await;
    let body = json!({"amount": "250.00", "description": "devolución"});
    let refund = flux
        .post_idem(&refund_path(&first), &body, "refund-once")
        .await;
    assert_eq!(refund.status, 201, "{}", refund.text);
    spend_all().await;
    let retry = flux
        .post_idem(&refund_path(&first), &body, "refund-once")
        .await;
    assert_eq!(retry.status, 201, "{}", retry.text);
    assert_eq!(retry.headers["idempotency-replayed"], "true");
    assert_eq!(retry.body["id"], refund.body["id"]);

    let second = money_in("50.00").await;
    spend_all().await;
    let refunds = flux.emulator().stats().refunds_executed;
    let uncovered = flux
        .post_idem(
            &refund_path(&second),
            &json!({"amount": "50.00", "description": "devolución"}),
            "refund-uncovered",
        )
        .await;
    uncovered.problem(422, "insufficient_funds");
    assert_eq!(flux.emulator().stats().refunds_executed, refunds);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refunds_answer_from_their_key_and_are_covered_by_the_books_on_sqlite() {
    refunds_answer_from_their_key_and_are_covered_by_the_books(
        TestFlux::start(Options::default()).await,
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refunds_answer_from_their_key_and_are_covered_by_the_books_on_postgres() {
    with_postgres(|url| async move {
        let flux = TestFlux::start(Options {
            database_url: Some(url),
            ..Default::default()
        })
        .await;
        refunds_answer_from_their_key_and_are_covered_by_the_books(flux).await;
    })
    .await;
}
