//! Card money over real HTTP against the real Flux (sandbox emulators), on SQLite and
//! PostgreSQL: a treasury top-up takes the client's SPEI money into its card program; cards are
//! funded and return money with a required Idempotency-Key; a 50-way race on one key moves
//! money once; an answer lost after NeCIPCo moved the money is decided from the card's
//! movements, never sent twice; and afterwards `flux reconcile` (Fincore and NeCIPCo, each
//! against its own mirror) and `flux ledger verify` are clean.
#![allow(clippy::unwrap_used)]

mod common;

use common::{cli, with_postgres, Options, TestFlux, DEMO_CLIENT};
use necipco::gateway::NecipcoProvider;
use reqwest::Method;
use serde_json::{json, Value};
use std::time::Duration;

fn base() -> String {
    format!("/api/partners/clients/{DEMO_CLIENT}")
}

fn necipco(flux: &TestFlux) -> &NecipcoProvider {
    flux.running
        .state
        .providers
        .get::<NecipcoProvider>()
        .unwrap()
}

fn at() -> Value {
    json!({"latitude": "19.43260", "longitude": "-99.13320"})
}

fn money(amount: &str) -> Value {
    json!({"amount": amount, "latitude": "19.43260", "longitude": "-99.13320"})
}

async fn post_keyed(flux: &TestFlux, path: &str, key: &str, body: &Value) -> common::Resp {
    flux.send(
        Method::POST,
        path,
        Some(&flux.key),
        Some(serde_json::to_vec(body).unwrap()),
        &[("idempotency-key", key)],
    )
    .await
}

/// An active virtual card of a new cardholder; its id.
async fn active_card(flux: &TestFlux) -> String {
    let r = flux
        .post(
            &format!("{}/cardholders", base()),
            &json!({
                "first_name": "Juan", "second_name": "Carlos", "surname": "Perez", "second_surname": "Gomez",
                "rfc": "PEGJ900101AB8", "curp": "PEGJ900101HDFRRN09", "email": "juan.perez@example.com",
                "primary_phone": "5512345678", "mobile_phone": "5587654321",
                "street": "Av. Siempre Viva", "ext_street_number": "742", "suburb": "Napoles",
                "city": "CDMX", "state": "CDMX", "postal_code": "03810", "birthdate": "1990-01-01",
                "gender": "MALE", "marital_status": "SOLTERO", "has_kids": false,
                "gross_monthly_income": "20000.00"
            }),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let holder = r.body["id"].as_str().unwrap().to_string();
    let mut body = at();
    body["cardholder_id"] = holder.into();
    body["type"] = "VIRTUAL".into();
    body["document_type"] = "INE".into();
    body["document_number"] = "1234567890".into();
    let r = flux.post(&format!("{}/cards", base()), &body).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let id = r.body["id"].as_str().unwrap().to_string();
    let r = flux
        .post(&format!("{}/cards/{id}/activate", base()), &at())
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    id
}

async fn program(flux: &TestFlux) -> Value {
    let r = flux.get(&format!("{}/card-program", base())).await;
    assert_eq!(r.status, 200, "{}", r.text);
    r.body
}

async fn card_balance(flux: &TestFlux, card: &str) -> rust_decimal::Decimal {
    let r = flux.get(&format!("{}/cards/{card}/balance", base())).await;
    assert_eq!(r.status, 200, "{}", r.text);
    r.body["available"].as_str().unwrap().parse().unwrap()
}

fn dec(text: &str) -> rust_decimal::Decimal {
    text.parse().unwrap()
}

/// Waits until the top-up is COMPLETED (its SPEI payment completes at the Fincore emulator,
/// then the resolver round credits the program).
async fn wait_top_up(flux: &TestFlux, id: &str) -> Value {
    for _ in 0..300 {
        let r = flux
            .get(&format!("{}/card-program/top-ups/{id}", base()))
            .await;
        assert_eq!(r.status, 200, "{}", r.text);
        if r.body["status"] == "COMPLETED" {
            return r.body;
        }
        assert_ne!(r.body["status"], "FAILED", "{}", r.text);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("top-up {id} never completed");
}

/// The treasury movement: refused without a key and beyond the client's funds; then SPEI
/// money into the card program, visible on both sides.
async fn top_up(flux: &TestFlux) {
    let path = format!("{}/card-program/top-ups", base());
    flux.post(&path, &json!({"amount": "500.00"}))
        .await
        .problem(400, "idempotency_key_required");
    post_keyed(flux, &path, "t-bad", &json!({"amount": 500}))
        .await
        .problem(422, "validation_failed");
    post_keyed(flux, &path, "t-huge", &json!({"amount": "99999999.00"}))
        .await
        .problem(422, "insufficient_funds");
    let r = post_keyed(flux, &path, "top-up-1", &json!({"amount": "500.00"})).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let id = r.body["id"].as_str().unwrap().to_string();
    let payment = r.body["payment_transaction_id"]
        .as_str()
        .unwrap()
        .to_string();
    let again = post_keyed(flux, &path, "top-up-1", &json!({"amount": "500.00"})).await;
    assert_eq!(again.body["id"], id.as_str(), "{}", again.text);
    let done = wait_top_up(flux, &id).await;
    assert_eq!(done["amount"], "500.00");
    // The SPEI leg is an ordinary money-out of the client's, completed.
    let t = flux
        .get(&format!("{}/transactions/{payment}", base()))
        .await;
    assert_eq!(t.body["status"], "COMPLETED", "{}", t.text);
    let p = program(flux).await;
    assert_eq!(p["program"]["available"], "500.00", "{p}");
    assert_eq!(p["provider"]["available"], "500.00", "{p}");
    // The refused one stays listed, FAILED, with its reason: nothing left the client.
    let list = flux.get(&path).await;
    assert_eq!(list.body["pagination"]["total_items"], 2, "{}", list.text);
    assert_eq!(list.body["data"][1]["status"], "FAILED", "{}", list.text);
    assert!(list.text.contains("Insufficient funds"), "{}", list.text);
}

/// Funding and returning, their errors, idempotency and the books.
async fn fund_and_return(flux: &TestFlux, card: &str) {
    let fund = format!("{}/cards/{card}/fund", base());
    let back = format!("{}/cards/{card}/return", base());
    flux.post(&fund, &money("10.00"))
        .await
        .problem(400, "idempotency_key_required");
    let r = post_keyed(flux, &fund, "f-1", &money("120.50")).await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.body["status"], "COMPLETED", "{}", r.text);
    assert_eq!(r.body["direction"], "FUND");
    assert!(r.body["provider_operation_id"].is_string(), "{}", r.text);
    let replay = post_keyed(flux, &fund, "f-1", &money("120.50")).await;
    assert_eq!(replay.body, r.body);
    assert_eq!(replay.headers["idempotency-replayed"], "true");
    post_keyed(flux, &fund, "f-1", &money("1.00"))
        .await
        .problem(422, "idempotency_key_reused");
    assert_eq!(card_balance(flux, card).await, dec("120.50"));
    assert_eq!(program(flux).await["program"]["available"], "379.50");

    // Beyond the program's funds: refused before NeCIPCo is called, nothing recorded.
    post_keyed(flux, &fund, "f-huge", &money("10000.00"))
        .await
        .problem(422, "insufficient_funds");
    // Beyond the card's money: likewise.
    post_keyed(flux, &back, "r-huge", &money("500.00"))
        .await
        .problem(422, "insufficient_funds");
    let r = post_keyed(flux, &back, "r-1", &money("20.50")).await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.body["direction"], "RETURN");
    assert_eq!(r.body["status"], "COMPLETED", "{}", r.text);
    assert_eq!(card_balance(flux, card).await, dec("100.00"));
    let p = program(flux).await;
    assert_eq!(p["collection"], "20.50", "{p}");
    assert_eq!(p["provider"]["collection"], "20.50", "{p}");

    let list = flux
        .get(&format!("{}/cards/{card}/transfers", base()))
        .await;
    assert_eq!(list.body["pagination"]["total_items"], 2, "{}", list.text);
    let one = list.body["data"][0]["id"].as_str().unwrap();
    let got = flux
        .get(&format!("{}/cards/{card}/transfers/{one}", base()))
        .await;
    assert_eq!(got.status, 200, "{}", got.text);
}

/// 50 identical requests at once under one key: one funding, one movement.
async fn race(flux: &TestFlux, card: &str) {
    let fund = format!("{}/cards/{card}/fund", base());
    let before = card_balance(flux, card).await;
    let body = money("10.00");
    let answers =
        futures::future::join_all((0..50).map(|_| post_keyed(flux, &fund, "race-1", &body))).await;
    let mut ids = std::collections::HashSet::new();
    for a in &answers {
        match a.status.as_u16() {
            201 => {
                ids.insert(a.body["id"].as_str().unwrap().to_string());
            }
            409 => assert_eq!(a.body["code"], "idempotency_in_progress", "{}", a.text),
            other => panic!("unexpected {other}: {}", a.text),
        }
    }
    assert_eq!(ids.len(), 1, "{ids:?}");
    let after = card_balance(flux, card).await;
    assert_eq!(after - before, rust_decimal::Decimal::new(1000, 2));
}

/// The answer lost after NeCIPCo moved the money, for a funding and for a return: the first
/// answer is a 5xx (never a failure the partner could act on), and the retry with the same key
/// finds the movement and completes the transfer; nothing is sent a second time.
async fn lost_answer(flux: &TestFlux, card: &str) {
    for (action, key, signed) in [
        ("fund", "lost-1", dec("7.25")),
        ("return", "lost-2", dec("-7.25")),
    ] {
        let path = format!("{}/cards/{card}/{action}", base());
        let before = card_balance(flux, card).await;
        let emulator = necipco(flux).emulator.as_ref().unwrap();
        emulator.set_faults(necipco::emulator::Faults {
            drop_response_rate: 1.0,
            hang_ms: 1_500,
            ..Default::default()
        });
        let r = post_keyed(flux, &path, key, &money("7.25")).await;
        emulator.set_faults(Default::default());
        assert!(r.status.is_server_error(), "{}", r.text);
        assert!(r.text.contains("same Idempotency-Key"), "{}", r.text);
        let r = post_keyed(flux, &path, key, &money("7.25")).await;
        assert_eq!(r.status, 201, "{action}: {}", r.text);
        assert_eq!(r.body["status"], "COMPLETED", "{}", r.text);
        let after = card_balance(flux, card).await;
        assert_eq!(after - before, signed, "{action} moved once");
    }
}

/// Bad input and other partners.
async fn bad_input(flux: &TestFlux, card: &str) {
    let fund = format!("{}/cards/{card}/fund", base());
    let r = flux
        .send(
            Method::POST,
            &fund,
            Some(&flux.key),
            Some(b"{oops".to_vec()),
            &[("idempotency-key", "b-0")],
        )
        .await;
    r.problem(400, "malformed_json");
    for (body, field) in [
        (
            json!({"amount": 10, "latitude": "19.43260", "longitude": "-99.13320"}),
            "amount",
        ),
        (
            json!({"amount": "1.001", "latitude": "19.43260", "longitude": "-99.13320"}),
            "amount",
        ),
        (
            json!({"amount": "-1.00", "latitude": "19.43260", "longitude": "-99.13320"}),
            "amount",
        ),
        (
            json!({"amount": "1.00", "longitude": "-99.13320"}),
            "latitude",
        ),
        (
            json!({"amount": "1.00", "latitude": "19.4", "longitude": "-99.13320"}),
            "latitude",
        ),
        (
            json!({"amount": "1.00", "currency": "USD", "latitude": "19.43260", "longitude": "-99.13320"}),
            "currency",
        ),
        (
            json!({"amount": "1.00", "latitude": "19.43260", "longitude": "-99.13320", "x": 1}),
            "x",
        ),
    ] {
        let r = post_keyed(flux, &fund, "b-1", &body).await;
        r.problem(422, "validation_failed");
        assert!(r.text.contains(field), "{field}: {}", r.text);
    }
    let (_, other_client, other_key) = flux.other_partner().await;
    for path in [
        fund.clone(),
        format!("/api/partners/clients/{other_client}/cards/{card}/fund"),
    ] {
        let r = flux
            .send(
                Method::POST,
                &path,
                Some(&other_key),
                Some(serde_json::to_vec(&money("1.00")).unwrap()),
                &[("idempotency-key", "o-1")],
            )
            .await;
        assert_eq!(r.status, 404, "{path}: {}", r.text);
    }
    let r = flux
        .send(
            Method::GET,
            &format!("{}/card-program", base()),
            Some(&other_key),
            None,
            &[],
        )
        .await;
    assert_eq!(r.status, 404, "{}", r.text);
    // A frozen card moves no money: 409 before anything is recorded.
    flux.post(&format!("{}/cards/{card}/freeze", base()), &at())
        .await;
    post_keyed(flux, &fund, "frozen-1", &money("1.00"))
        .await
        .problem(409, "card_not_operable");
    flux.post(&format!("{}/cards/{card}/unfreeze", base()), &at())
        .await;
}

/// A purchase (a movement Flux did not make) is polled and booked; then both providers
/// reconcile against their own mirrors and the books verify.
async fn books_hold(flux: &TestFlux, card: &str) {
    let r = flux
        .post(
            &format!("/api/sandbox/cards/{card}/purchase"),
            &json!({"amount": "30.00", "merchant": "CAFE"}),
        )
        .await;
    assert_eq!(r.body["status"], "APPROVED", "{}", r.text);
    let mut last = String::new();
    for _ in 0..40 {
        let (ok, out) = tokio::task::block_in_place(|| cli(flux, &["reconcile"]));
        if ok {
            assert!(out.contains("necipco"), "{out}");
            assert!(out.contains("fincore"), "{out}");
            let (ok, verify) = tokio::task::block_in_place(|| cli(flux, &["ledger", "verify"]));
            assert!(ok, "{verify}");
            return;
        }
        last = out;
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    panic!("reconcile never came clean:\n{last}");
}

async fn all(flux: &TestFlux) {
    let card = active_card(flux).await;
    top_up(flux).await;
    fund_and_return(flux, &card).await;
    race(flux, &card).await;
    lost_answer(flux, &card).await;
    bad_input(flux, &card).await;
    books_hold(flux, &card).await;
}

fn options() -> Options {
    Options {
        resolver_interval_ms: 200,
        necipco_timeout_ms: 700,
        ..Options::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn card_money_on_sqlite() {
    let flux = TestFlux::start(options()).await;
    all(&flux).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn card_money_on_postgres() {
    with_postgres(|url| async move {
        let flux = TestFlux::start(Options {
            database_url: Some(url),
            ..options()
        })
        .await;
        all(&flux).await;
    })
    .await;
}
