//! The partner ledger API, `/api/partners/clients/{clientId}/ledger/…`, through both backends:
//! the Fidi X connector against its emulator over HTTP, and Flux's embedded engine. Same
//! requests, same answers.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use reqwest::Method;
use serde_json::json;

async fn ledger_api(backend: &'static str) {
    let flux = TestFlux::start(Options {
        ledger_backend: backend,
        ..Default::default()
    })
    .await;
    let base = format!("/api/partners/clients/{DEMO_CLIENT}/ledger");

    let person = flux
        .post(
            &format!("{base}/persons"),
            &json!({"type": "COMPANY", "name": "Tienda Sol", "tax_id": "TSO010101AB1"}),
        )
        .await;
    assert_eq!(person.status, 201, "{backend}: {}", person.text);
    let person_id = person.body["data"]["id"].as_str().unwrap().to_string();
    let listed = flux.get(&format!("{base}/persons")).await;
    assert_eq!(listed.body["total"], 1, "{}", listed.text);
    assert_eq!(
        flux.get(&format!("{base}/persons/{person_id}"))
            .await
            .status,
        200
    );

    let account = |name: &str, normal: &str| json!({"name": name, "currency": "MXN", "normal_balance": normal, "person_id": person_id});
    let cash = flux
        .post(&format!("{base}/accounts"), &account("caja", "DEBIT"))
        .await;
    assert_eq!(cash.status, 201, "{backend}: {}", cash.text);
    let wallet = flux
        .post(&format!("{base}/accounts"), &account("monedero", "CREDIT"))
        .await;
    let (cash, wallet) = (
        cash.body["id"].as_str().unwrap().to_string(),
        wallet.body["id"].as_str().unwrap().to_string(),
    );
    let ledger_id = flux.get(&format!("{base}/accounts/{cash}")).await.body["ledger_id"].clone();

    let transfer = |reference: &str, from: &str, to: &str, amount: &str| {
        json!({"reference_id": reference, "currency": "MXN", "description": "recarga",
               "operations": [{"account_id": from, "direction": "DEBIT", "amount": amount},
                              {"account_id": to, "direction": "CREDIT", "amount": amount}],
               "metadata": {"order": "A-1"}})
    };
    let t = flux
        .post_idem(
            &format!("{base}/transactions"),
            &transfer("r-1", &cash, &wallet, "120.50"),
            "k-1",
        )
        .await;
    assert_eq!(t.status, 201, "{backend}: {}", t.text);
    assert_eq!(t.body["status"], "completed");
    assert_eq!(t.body["ledger_id"], ledger_id);
    // Flux's idempotency replays the answer.
    let again = flux
        .post_idem(
            &format!("{base}/transactions"),
            &transfer("r-1", &cash, &wallet, "120.50"),
            "k-1",
        )
        .await;
    assert_eq!(again.body["id"], t.body["id"]);
    assert_eq!(again.headers["idempotency-replayed"], "true");
    // The key again with another body: 422, never a second transaction.
    flux.post_idem(
        &format!("{base}/transactions"),
        &transfer("r-1", &cash, &wallet, "99.00"),
        "k-1",
    )
    .await
    .problem(422, "idempotency_key_reused");
    // The same reference without the key: 409.
    flux.post(
        &format!("{base}/transactions"),
        &transfer("r-1", &cash, &wallet, "1.00"),
    )
    .await
    .problem(409, "duplicate_reference_id");
    // The wallet (CREDIT-normal, no overdraft) cannot pay more than it holds.
    flux.post(
        &format!("{base}/transactions"),
        &transfer("r-2", &wallet, &cash, "120.51"),
    )
    .await
    .problem(422, "insufficient_funds");
    // Unbalanced, too many decimals, wrong types, a ledger_id of someone else.
    let mut unbalanced = transfer("r-3", &cash, &wallet, "1.00");
    unbalanced["operations"][1]["amount"] = "2.00".into();
    flux.post(&format!("{base}/transactions"), &unbalanced)
        .await
        .problem(422, "unbalanced_transaction");
    let r = flux
        .post(
            &format!("{base}/transactions"),
            &transfer("r-4", &cash, &wallet, "1.001"),
        )
        .await;
    r.problem(422, "validation_failed");
    assert_eq!(r.field_reasons()[0].0, "operations[0].amount");
    let r = flux
        .post(&format!("{base}/transactions"), &json!({"reference_id": 5}))
        .await;
    r.problem(422, "validation_failed");
    assert_eq!(r.field_reasons()[0].0, "reference_id");
    // Fidi X has no holds: asking for one is refused, not quietly posted.
    let mut hold = transfer("r-hold", &cash, &wallet, "1.00");
    hold["pending"] = json!(true);
    let r = flux.post(&format!("{base}/transactions"), &hold).await;
    r.problem(422, "validation_failed");
    assert_eq!(r.field_reasons()[0].0, "pending");
    // Saying there is no hold is fine: it is what happens anyway (and is paid straight back).
    for (reference, from, to) in [
        ("r-no-hold", &cash, &wallet),
        ("r-no-hold-back", &wallet, &cash),
    ] {
        let mut no_hold = transfer(reference, from, to, "1.00");
        no_hold["pending"] = json!(false);
        no_hold["expires_at"] = json!(null);
        let r = flux.post(&format!("{base}/transactions"), &no_hold).await;
        assert_eq!(r.status, 201, "{}", r.text);
    }
    // A wrong type is named by its path, not by the value that was sent.
    let mut number = transfer("r-6", &cash, &wallet, "1.00");
    number["operations"][0]["amount"] = json!(1);
    let r = flux.post(&format!("{base}/transactions"), &number).await;
    r.problem(422, "validation_failed");
    assert_eq!(r.field_reasons()[0].0, "operations[0].amount");
    let r = flux
        .post(
            &format!("{base}/accounts"),
            &json!({"name": 5, "currency": "MXN", "normal_balance": "DEBIT"}),
        )
        .await;
    assert_eq!(r.field_reasons()[0].0, "name");
    let mut foreign = transfer("r-5", &cash, &wallet, "1.00");
    foreign["ledger_id"] = uuid::Uuid::new_v4().to_string().into();
    let r = flux.post(&format!("{base}/transactions"), &foreign).await;
    assert_eq!(r.field_reasons()[0].0, "ledger_id");

    let balance = flux.get(&format!("{base}/accounts/{wallet}/balance")).await;
    assert_eq!(balance.status, 200, "{}", balance.text);
    assert_eq!(balance.body["available"], "120.50");
    let tid = t.body["id"].as_str().unwrap();
    assert_eq!(
        flux.get(&format!("{base}/transactions/{tid}")).await.body["reference_id"],
        "r-1"
    );

    // Another partner sees none of it.
    let (_, other_client, other_key) = flux.other_partner().await;
    for path in [
        format!("{base}/accounts/{cash}"),
        format!("{base}/accounts/{cash}/balance"),
        format!("{base}/persons/{person_id}"),
        format!("{base}/transactions/{tid}"),
        format!("/api/partners/clients/{other_client}/ledger/accounts/{cash}"),
        format!("/api/partners/clients/{other_client}/ledger/transactions/{tid}"),
    ] {
        let r = flux
            .send(Method::GET, &path, Some(&other_key), None, &[])
            .await;
        assert_eq!(r.status, 404, "{path}: {}", r.text);
    }
    assert_eq!(
        flux.get(&format!("{base}/accounts/{}", uuid::Uuid::new_v4()))
            .await
            .status,
        404
    );
    assert_eq!(
        flux.get(&format!("{base}/accounts/not-a-uuid"))
            .await
            .status,
        404
    );

    // The OpenAPI document lists the ledger routes.
    let spec = flux.get("/openapi.json").await;
    assert!(spec.body["paths"]["/api/partners/clients/{clientId}/ledger/transactions"].is_object());

    // `flux ledger verify` vouches for the partner ledgers wherever they live: in sandbox with
    // the Fidi X backend, the emulator's books beside Flux's database.
    let emulator = "Fidi X emulator ledger";
    let (ok, report) = cli(&flux, &["ledger", "verify"]);
    assert!(ok, "{report}");
    assert!(report.contains("ledger intact"), "{report}");
    assert_eq!(report.contains(emulator), backend == "fidix", "{report}");
    if backend == "fidix" {
        assert!(report.contains(&format!("{emulator} intact")), "{report}");
        // A hand-corrupted entry in the emulator's books fails the command.
        let books = flux_store::Store::open(
            &flux
                .data_dir
                .join("fidix-emulator.db")
                .display()
                .to_string(),
        )
        .await
        .unwrap();
        books
            .exec("DROP TRIGGER ledger_entries_no_update", vec![])
            .await
            .unwrap();
        books
            .exec(
                "UPDATE ledger_entries SET amount = amount + 1 WHERE seq = (SELECT MAX(seq) FROM ledger_entries)",
                vec![],
            )
            .await
            .unwrap();
        let (ok, report) = cli(&flux, &["ledger", "verify"]);
        assert!(!ok, "{report}");
        assert!(
            report.contains(&format!("PROBLEM ({emulator})")),
            "{report}"
        );
        assert!(report.contains(&format!("{emulator} BROKEN")), "{report}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ledger_api_through_the_fidix_emulator() {
    ledger_api("fidix").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ledger_api_on_the_embedded_engine() {
    ledger_api("embedded").await;
}
