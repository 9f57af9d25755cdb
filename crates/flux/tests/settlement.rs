//! Settlement of remittances paid to a CLABE one of the partner's clients holds, over real
//! HTTP, on SQLite and PostgreSQL: the sandbox's Félix completes a remittance, its ramp-off
//! reaches the Fincore emulator as a SPEI credit, the MONEY_IN comes back to Flux and the two
//! are linked both ways, with the books credited once. Then the orders and doubts a real
//! payout brings: the credit before Flux hears of completion, two remittances one credit could
//! pay, credits naming a remittance (rightly, with another amount, twice), and a credit that
//! never comes (review, reconcile, then late).
#![allow(clippy::unwrap_used)]

mod common;

use common::receiver::Receiver;
use common::{cli, with_postgres, Options, TestFlux, DEMO_CLIENT};
use felix::gateway::FelixProvider;
use flux_gateway::resolver::ResolverConfig;
use rust_decimal::Decimal;
use serde_json::{json, Value};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

fn remittances() -> String {
    format!("/api/partners/clients/{DEMO_CLIENT}/remittances")
}

fn felix(flux: &TestFlux) -> &FelixProvider {
    flux.running.state.providers.get::<FelixProvider>().unwrap()
}

fn body(clabe: &str, amount: &str, reference: &str) -> Value {
    json!({
        "amount": amount,
        "currency": "MXN",
        "external_reference": reference,
        "beneficiary": {
            "name": "Ana", "lastname": "Ruiz", "country": "MX",
            "account": {"type": "clabe", "number": clabe, "bank_code": &clabe[..3], "account_type": "C"}
        }
    })
}

async fn create(flux: &TestFlux, clabe: &str, amount: &str, key: &str) -> String {
    let r = flux
        .post_idem(&remittances(), &body(clabe, amount, key), key)
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    r.body["id"].as_str().unwrap().to_string()
}

async fn get(flux: &TestFlux, id: &str) -> Value {
    let r = flux.get(&format!("{}/{id}", remittances())).await;
    assert_eq!(r.status, 200, "{}", r.text);
    r.body
}

/// Drives the remittance at the emulator through each status to `last`, waiting for Flux to
/// hear of each.
async fn advance_to(flux: &TestFlux, id: &str, last: &str) {
    for step in ["STARTED", "CONFIRMED", "IN_PROGRESS", "COMPLETED"] {
        let r = flux
            .post(
                &format!("/api/sandbox/remittances/{id}/advance"),
                &json!({"status": step}),
            )
            .await;
        assert_eq!(r.status, 202, "{}", r.text);
        wait_for(flux, id, |r| r["status"] == step).await;
        if step == last {
            return;
        }
    }
}

async fn wait_for(flux: &TestFlux, id: &str, done: impl Fn(&Value) -> bool) -> Value {
    for _ in 0..400 {
        let r = get(flux, id).await;
        if done(&r) {
            return r;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("remittance {id} never got there: {}", get(flux, id).await);
}

/// The demo client's money-ins of `amount`.
async fn money_ins(flux: &TestFlux, amount: &str) -> Vec<Value> {
    let r = flux
        .get(&format!(
            "/api/partners/clients/{DEMO_CLIENT}/transactions?kind=MONEY_IN&per_page=100"
        ))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    r.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["amount"] == amount)
        .cloned()
        .collect()
}

/// Flux's books for the demo account: its available balance.
async fn booked(flux: &TestFlux) -> Decimal {
    let r = flux
        .get(&format!("/api/partners/clients/{DEMO_CLIENT}/accounts"))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    Decimal::from_str(r.body["data"][0]["ledger"]["available"].as_str().unwrap()).unwrap()
}

/// A SPEI credit to the demo account as another bank would send it.
async fn credit(flux: &TestFlux, amount: &str, concept: &str) -> Value {
    let r = flux
        .post(
            "/api/sandbox/money-in",
            &json!({"client_id": DEMO_CLIENT, "amount": amount, "payment_concept": concept}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    r.body
}

async fn open_reviews(flux: &TestFlux) -> Vec<flux_store::ReviewItem> {
    flux.running.state.store.open_reviews(100).await.unwrap()
}

/// The happy path: completed, paid out by SPEI, the credit linked both ways, booked once.
async fn completed_remittance_is_settled_once(flux: &TestFlux) {
    let receiver = Receiver::start().await;
    let r = flux
        .post(
            &format!("/api/partners/clients/{DEMO_CLIENT}/webhooks"),
            &json!({"client_id": DEMO_CLIENT, "url": receiver.url, "token": "partner-token-settle", "webhook_type": "REMITTANCE_STATUS"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let (clabe, _) = flux.demo_account().await;
    let before = booked(flux).await;
    let id = create(flux, &clabe, "1234.56", "settle-happy").await;
    assert_eq!(get(flux, &id).await["settlement"], Value::Null);
    advance_to(flux, &id, "COMPLETED").await;
    let settled = wait_for(flux, &id, |r| !r["settlement"].is_null()).await;
    let money_in = settled["settlement"]["transaction_id"].as_str().unwrap();
    let t = flux
        .get(&format!(
            "/api/partners/clients/{DEMO_CLIENT}/transactions/{money_in}"
        ))
        .await;
    assert_eq!(t.status, 200, "{}", t.text);
    assert_eq!(t.body["kind"], "MONEY_IN");
    assert_eq!(t.body["amount"], "1234.56");
    assert_eq!(t.body["remittance_id"], id.as_str());
    let ins = money_ins(flux, "1234.56").await;
    assert_eq!(ins.len(), 1, "one credit: {ins:?}");
    assert_eq!(
        booked(flux).await - before,
        Decimal::from_str("1234.56").unwrap()
    );
    let (ok, report) = cli(flux, &["reconcile"]);
    assert!(ok && report.contains("0 difference(s)"), "{report}");
    // The partner is told: a REMITTANCE_STATUS message whose remittance carries the link.
    let mut told = false;
    for _ in 0..800 {
        told = receiver.received().iter().any(|m| {
            let body = m.json();
            body["remittance"]["id"] == id.as_str()
                && body["remittance"]["settlement"]["transaction_id"] == money_in
        });
        if told {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert!(told, "no webhook announced the settlement");
}

/// The payout's credit comes before Flux hears that the remittance completed (SPEI is often
/// faster than the last callback): a credit matched by amount alone waits for COMPLETED, then
/// settles it.
async fn a_credit_before_completion_is_matched_at_completion(flux: &TestFlux) {
    let (clabe, _) = flux.demo_account().await;
    let id = create(flux, &clabe, "777.70", "settle-early").await;
    advance_to(flux, &id, "IN_PROGRESS").await;
    let t = credit(flux, "777.70", "abono").await;
    assert_eq!(t["remittance_id"], Value::Null);
    assert_eq!(get(flux, &id).await["settlement"], Value::Null);
    advance_to_from(flux, &id, "COMPLETED").await;
    let settled = wait_for(flux, &id, |r| !r["settlement"].is_null()).await;
    assert_eq!(settled["settlement"]["transaction_id"], t["id"]);
    let again = money_ins(flux, "777.70").await;
    assert_eq!(again.len(), 1);
    assert_eq!(again[0]["remittance_id"], id.as_str());
}

async fn advance_to_from(flux: &TestFlux, id: &str, to: &str) {
    let r = flux
        .post(
            &format!("/api/sandbox/remittances/{id}/advance"),
            &json!({"status": to}),
        )
        .await;
    assert_eq!(r.status, 202, "{}", r.text);
    wait_for(flux, id, |r| r["status"] == to).await;
}

/// Two completed remittances of one amount: a credit of that amount could pay either, so it
/// goes to review and settles neither; a credit naming one with another amount settles
/// nothing either; a credit that names one settles that one.
async fn an_ambiguous_credit_is_for_an_operator(flux: &TestFlux) {
    let (clabe, _) = flux.demo_account().await;
    let a = create(flux, &clabe, "500.00", "settle-twin-a").await;
    let b = create(flux, &clabe, "500.00", "settle-twin-b").await;
    advance_to(flux, &a, "COMPLETED").await;
    advance_to(flux, &b, "COMPLETED").await;
    let t = credit(flux, "500.00", "pago").await;
    assert_eq!(t["remittance_id"], Value::Null);
    let item = review_of_credit(flux, &t).await;
    assert_eq!(item.item.kind, flux_store::ReviewKind::AmbiguousSettlement);
    assert!(
        item.item.reason.contains(&a) && item.item.reason.contains(&b),
        "{}",
        item.item.reason
    );
    let wrong = credit(flux, "499.00", &format!("remesa {a}")).await;
    assert_eq!(wrong["remittance_id"], Value::Null);
    assert!(review_of_credit(flux, &wrong)
        .await
        .item
        .reason
        .contains(&a));
    assert_eq!(get(flux, &a).await["settlement"], Value::Null);
    assert_eq!(get(flux, &b).await["settlement"], Value::Null);
    let named = credit(flux, "500.00", &b).await;
    assert_eq!(named["remittance_id"], b.as_str());
    assert_eq!(
        get(flux, &b).await["settlement"]["transaction_id"],
        named["id"]
    );
    assert_eq!(get(flux, &a).await["settlement"], Value::Null);
    // Naming a remittance that is settled already settles nothing else.
    let twice = credit(flux, "500.00", &b).await;
    assert_eq!(twice["remittance_id"], Value::Null);
    assert!(review_of_credit(flux, &twice)
        .await
        .item
        .reason
        .contains("settled already"));
}

async fn review_of_credit(flux: &TestFlux, t: &Value) -> flux_store::ReviewItem {
    open_reviews(flux)
        .await
        .into_iter()
        .find(|r| r.item.transaction_id.map(|x| x.to_string()).as_deref() == t["id"].as_str())
        .expect("the credit is filed for review")
}

/// A completed remittance whose payout never comes (Félix's ramp-off lost): past the window,
/// the resolver files it and reconcile reports it; the late credit settles it and closes the
/// item.
async fn a_credit_that_never_comes_is_reported(flux: &TestFlux) {
    let (clabe, _) = flux.demo_account().await;
    let id = create(flux, &clabe, "321.09", "settle-lost").await;
    advance_to(flux, &id, "COMPLETED").await;
    let state = &flux.running.state;
    let config = ResolverConfig {
        settlement_window: Duration::ZERO,
        ..ResolverConfig::default()
    };
    let report = flux_gateway::reconcile::report(&state.store, &state.providers, &config)
        .await
        .unwrap();
    assert!(
        report
            .problems
            .iter()
            .any(|p| p.kind == "unsettled_remittance" && p.subject == id),
        "{report:?}"
    );
    flux_gateway::resolver::resolve(&state.store, &state.providers, &config)
        .await
        .unwrap();
    let filed = open_reviews(flux).await;
    let item = filed
        .iter()
        .find(|r| r.item.remittance_id.map(|x| x.to_string()) == Some(id.clone()))
        .expect("the unsettled remittance is filed");
    assert_eq!(item.item.kind, flux_store::ReviewKind::UnsettledRemittance);
    let (ok, text) = cli(flux, &["reconcile"]);
    assert!(!ok && text.contains("UNSETTLED_REMITTANCE"), "{text}");
    // The payout arrives after all: settled, and the item closes itself.
    let late = credit(flux, "321.09", "FELIX").await;
    assert_eq!(late["remittance_id"], id.as_str());
    assert!(open_reviews(flux)
        .await
        .iter()
        .all(|r| r.item.remittance_id.map(|x| x.to_string()) != Some(id.clone())));
}

async fn settlement(flux: TestFlux) {
    completed_remittance_is_settled_once(&flux).await;
    // From here on Félix's payouts are lost: the credits are the tests' own.
    felix(&flux)
        .emulator
        .as_ref()
        .unwrap()
        .set_ramp_off(Arc::new(|_| {}));
    a_credit_before_completion_is_matched_at_completion(&flux).await;
    a_credit_that_never_comes_is_reported(&flux).await;
    an_ambiguous_credit_is_for_an_operator(&flux).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn settlement_on_sqlite() {
    settlement(TestFlux::start(Options::default()).await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn settlement_on_postgres() {
    with_postgres(|url| async move {
        let flux = TestFlux::start(Options {
            database_url: Some(url),
            ..Options::default()
        })
        .await;
        settlement(flux).await;
    })
    .await;
}
