//! The Fidi X emulator over real HTTP on 127.0.0.1, driven raw (reqwest) and through the
//! connector; its store is a real SQLite file. The seed's example is a fixture: it must parse,
//! round-trip, and, sent as is, be answered 201 with the seed's response shape.
#![allow(clippy::unwrap_used)]

use fidix::emulator::{self, EmulatorConfig, EmulatorHandle};
use fidix::wire::*;
use fidix::FidixClient;
use serde_json::{json, Value};
use std::time::Duration;
use uuid::Uuid;

fn fixture(name: &str) -> Value {
    let path = format!("{}/tests/fixtures/{name}.json", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

async fn start() -> (EmulatorHandle, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let store = flux_store::Store::open(dir.path().join("fidix.db").to_str().unwrap())
        .await
        .unwrap();
    store.migrate().await.unwrap();
    let emu = emulator::start(
        "127.0.0.1:0".parse().unwrap(),
        EmulatorConfig::default(),
        store,
    )
    .await
    .unwrap();
    (emu, dir)
}

async fn token(http: &reqwest::Client, base: &str) -> String {
    let r = http
        .post(format!("{base}/fidix/v1/auth/token"))
        .json(&json!({"client_id": "flux-sandbox", "client_secret": "flux-sandbox-secret"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let auth: AuthResponse = r.json().await.unwrap();
    assert_eq!(auth.token_type, "Bearer");
    auth.access_token
}

#[test]
fn seed_examples_parse_and_round_trip() {
    for (name, kind) in [
        ("create_transaction_request", "request"),
        ("create_transaction_response", "response"),
    ] {
        let value = fixture(name);
        let back = if kind == "request" {
            serde_json::to_value(
                serde_json::from_value::<CreateTransactionRequest>(value.clone()).unwrap(),
            )
        } else {
            serde_json::to_value(
                serde_json::from_value::<TransactionResponse>(value.clone()).unwrap(),
            )
        }
        .unwrap();
        assert_eq!(back, value, "{name} does not round-trip");
    }
}

#[tokio::test]
async fn seed_request_is_answered_with_the_seed_response_shape() {
    let (emu, _dir) = start().await;
    let base = emu.base_url();
    let http = reqwest::Client::new();
    let bearer = token(&http, &base).await;
    let request = fixture("create_transaction_request");
    let ledger = request["ledger_id"].as_str().unwrap();
    // The example's accounts: cash (DEBIT-normal) pays for a service (CREDIT-normal revenue).
    for (id, normal, name) in [
        ("4f5a2d7a-4c1e-4f2a-9e9a-1234567890ab", "DEBIT", "caja"),
        (
            "5a1d2c3e-4f67-8901-2345-6789abcde012",
            "CREDIT",
            "ingresos por servicios",
        ),
    ] {
        let r = http
            .post(format!("{base}/fidix/v1/accounts"))
            .bearer_auth(&bearer)
            .json(&json!({"id": id, "ledger_id": ledger, "name": name, "currency": "CLP", "normal_balance": normal}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
    }

    // Without a token: 401 ErrorResponse.
    let r = http
        .post(format!("{base}/fidix/v1/transactions"))
        .json(&request)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let e: ErrorResponse = r.json().await.unwrap();
    assert_eq!(e.code, "unauthorized");

    // The seed's exact call: headers and body.
    let send = |body: Value, key: &'static str| {
        http.post(format!("{base}/fidix/v1/transactions"))
            .header(
                "traceparent",
                "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
            )
            .header("idempotency-key", key)
            .bearer_auth(&bearer)
            .json(&body)
            .send()
    };
    let r = send(request.clone(), "idemp-key-12345-67890")
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let body: Value = r.json().await.unwrap();
    let expected = fixture("create_transaction_response");
    let keys = |v: &Value| {
        let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
        k.sort();
        k
    };
    assert_eq!(keys(&body), keys(&expected));
    assert_eq!(body["status"], "completed");
    for field in [
        "ledger_id",
        "reference_id",
        "currency",
        "description",
        "metadata",
    ] {
        assert_eq!(body[field], expected[field], "{field}");
    }
    // CLP has no decimals: "1500.00" is 1500 pesos, rendered as such.
    assert_eq!(body["operations"][0]["amount"], "1500");
    assert_eq!(body["operations"][0]["direction"], "DEBIT");

    // Replay: the same transaction, marked; a different body under the key: 400.
    let again = send(request.clone(), "idemp-key-12345-67890")
        .await
        .unwrap();
    assert_eq!(again.status(), 201);
    assert_eq!(again.headers()["idempotency-replayed"], "true");
    let again: Value = again.json().await.unwrap();
    assert_eq!(again["id"], body["id"]);
    let mut changed = request.clone();
    changed["description"] = "otro".into();
    let r = send(changed.clone(), "idemp-key-12345-67890")
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(
        r.json::<ErrorResponse>().await.unwrap().code,
        "idempotency_key_reused"
    );
    // The same reference under another key: 400 duplicate_reference_id.
    let r = send(changed, "another-key").await.unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(
        r.json::<ErrorResponse>().await.unwrap().code,
        "duplicate_reference_id"
    );

    // Balances: the cash account (DEBIT-normal) went up by 1500.
    let r = http
        .get(format!(
            "{base}/fidix/v1/accounts/4f5a2d7a-4c1e-4f2a-9e9a-1234567890ab/balance"
        ))
        .bearer_auth(&bearer)
        .send()
        .await
        .unwrap();
    let balance: BalanceResponse = r.json().await.unwrap();
    assert_eq!(balance.posted, "1500");

    // Malformed, wrong types, unbalanced, unknown ids, too many decimals: clear 400s and 404s.
    for (body, code, status) in [
        (json!("not an object"), "invalid_request", 400),
        (json!({"ledger_id": ledger}), "invalid_request", 400),
        (
            json!({"ledger_id": ledger, "reference_id": "r2", "currency": "CLP", "operations": [
            {"account_id": "4f5a2d7a-4c1e-4f2a-9e9a-1234567890ab", "direction": "DEBIT", "amount": "10"},
            {"account_id": "5a1d2c3e-4f67-8901-2345-6789abcde012", "direction": "CREDIT", "amount": "9"}]}),
            "unbalanced_transaction",
            400,
        ),
        (
            json!({"ledger_id": ledger, "reference_id": "r3", "currency": "CLP", "operations": [
            {"account_id": "4f5a2d7a-4c1e-4f2a-9e9a-1234567890ab", "direction": "DEBIT", "amount": "10.5"},
            {"account_id": "5a1d2c3e-4f67-8901-2345-6789abcde012", "direction": "CREDIT", "amount": "10.5"}]}),
            "invalid_request",
            400,
        ),
        (
            json!({"ledger_id": ledger, "reference_id": "r4", "currency": "CLP", "operations": [
            {"account_id": Uuid::new_v4(), "direction": "DEBIT", "amount": "10"},
            {"account_id": "5a1d2c3e-4f67-8901-2345-6789abcde012", "direction": "CREDIT", "amount": "10"}]}),
            "account_not_found",
            404,
        ),
    ] {
        let r = http
            .post(format!("{base}/fidix/v1/transactions"))
            .bearer_auth(&bearer)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), status, "{body}");
        let e: ErrorResponse = r.json().await.unwrap();
        assert_eq!(e.code, code, "{body}: {}", e.message);
    }
    let r = http
        .post(format!("{base}/fidix/v1/transactions"))
        .bearer_auth(&bearer)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let r = http
        .get(format!("{base}/fidix/v1/accounts/{}", Uuid::new_v4()))
        .bearer_auth(&bearer)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let v = emu.service().ledger().verify().await.unwrap();
    assert!(v.ok(), "{v:?}");
}

#[tokio::test]
async fn connector_takes_tokens_and_drives_every_endpoint() {
    let (emu, _dir) = start().await;
    let client = FidixClient::new(
        &emu.base_url(),
        "flux-sandbox",
        "flux-sandbox-secret",
        Duration::from_secs(5),
    )
    .unwrap();
    let ledger = Uuid::new_v4();
    let person = client
        .create_person(
            &CreatePersonRequest {
                ledger_id: ledger,
                person_type: "INDIVIDUAL".into(),
                name: "Ana López".into(),
                email: Some("ana@example.mx".into()),
                tax_id: Some("LOAA800101AB1".into()),
                metadata: json!({}),
            },
            None,
        )
        .await
        .unwrap()
        .data;
    assert_eq!(
        client.get_person(person.id, None).await.unwrap().data,
        person
    );
    let list = client.list_persons(ledger, 1, 10, None).await.unwrap();
    assert_eq!((list.total, list.data.len()), (1, 1));
    let mk = |normal: &str, limit: Option<&str>| CreateAccountRequest {
        id: None,
        ledger_id: ledger,
        name: format!("{normal} account"),
        currency: "MXN".into(),
        normal_balance: normal.into(),
        overdraft_limit: limit.map(str::to_string),
        person_id: Some(person.id),
        metadata: json!({"k": "v"}),
    };
    let bank = client
        .create_account(&mk("DEBIT", None), None)
        .await
        .unwrap();
    let wallet = client
        .create_account(&mk("CREDIT", None), None)
        .await
        .unwrap();
    let pay = |reference: &str, from: Uuid, to: Uuid, amount: &str| CreateTransactionRequest {
        ledger_id: ledger,
        reference_id: reference.into(),
        currency: "MXN".into(),
        description: None,
        operations: vec![
            TransactionOperation {
                account_id: from,
                direction: "DEBIT".into(),
                amount: amount.into(),
            },
            TransactionOperation {
                account_id: to,
                direction: "CREDIT".into(),
                amount: amount.into(),
            },
        ],
        metadata: json!({}),
    };
    client
        .create_transaction(
            &pay("fund", bank.id, wallet.id, "100.50"),
            Some("k1"),
            Some("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"),
        )
        .await
        .unwrap();
    let detail = client.get_account(wallet.id, None).await.unwrap();
    assert_eq!(detail.balance.available, "100.50");
    assert_eq!(detail.account.person_id, Some(person.id));
    // The wallet (CREDIT-normal, no overdraft) cannot pay more than it holds.
    let refused = client
        .create_transaction(&pay("spend", wallet.id, bank.id, "100.51"), None, None)
        .await
        .unwrap_err();
    assert_eq!(
        (refused.status, refused.body.code.as_str()),
        (400, "insufficient_funds")
    );
    let spent = client
        .create_transaction(&pay("spend2", wallet.id, bank.id, "0.50"), None, None)
        .await
        .unwrap();
    assert_eq!(
        client
            .get_transaction(spent.id.parse().unwrap(), None)
            .await
            .unwrap(),
        spent
    );
    assert_eq!(
        client.get_balance(wallet.id, None).await.unwrap().posted,
        "100.00"
    );
    // Wrong credentials: 401 from the token endpoint.
    let bad = FidixClient::new(
        &emu.base_url(),
        "flux-sandbox",
        "wrong",
        Duration::from_secs(5),
    )
    .unwrap();
    assert_eq!(
        bad.get_balance(wallet.id, None).await.unwrap_err().status,
        401
    );
}
