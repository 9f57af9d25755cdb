//! The Flux Partners API over real HTTP: the real server on an ephemeral port, the Fincore
//! emulator on another, a real SQLite file or PostgreSQL database behind.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use fincore::emulator::Faults;
use reqwest::Method;
use serde_json::{json, Value};

const CLIENTS: &str = "/api/partners/clients";

/// A change to a valid body that should make it invalid.
type Mutation = Box<dyn Fn(&mut Value)>;

/// Every example of the Flux Partners API seed, in order, with ids from earlier answers.
async fn seed_examples(flux: &TestFlux) {
    // GET banks
    let banks = flux.get("/api/partners/banks").await;
    assert_eq!(banks.status, 200, "{}", banks.text);
    assert_eq!(banks.body["pagination"]["total_items"], 98);
    assert_eq!(banks.body["data"].as_array().unwrap().len(), 50);

    // GET accounts: the demo client starts funded.
    let (clabe, source) = flux.demo_account().await;
    assert!(clabe.starts_with("734"));
    assert_eq!(flux_core::clabe::validate(&clabe), Ok(()));

    // POST private-accounts, verbatim (nil account_id: the provider assigns one).
    let created = flux
        .post(
            &format!("{CLIENTS}/{DEMO_CLIENT}/private-accounts"),
            &fixture("private_account"),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    assert_ne!(
        created.body["account_id"],
        "00000000-0000-0000-0000-000000000000"
    );
    assert_eq!(created.body["available_balance"], "0.00");
    assert_eq!(created.body["provider"], "fincore");
    assert!(created.body["created_at"].as_str().unwrap().ends_with('Z'));
    assert_eq!(created.body["blocked_at"], Value::Null); // "None" upstream → null

    // GET instruments?page=1&per_page=50
    let list = flux
        .get(&format!(
            "{CLIENTS}/{DEMO_CLIENT}/instruments?page=1&per_page=50"
        ))
        .await;
    assert_eq!(list.status, 200, "{}", list.text);
    assert!(list.body["pagination"]["total_items"].as_u64().unwrap() >= 2);

    // POST instruments, verbatim: the seed's card fails Luhn.
    let bad = flux
        .post(
            &format!("{CLIENTS}/{DEMO_CLIENT}/instruments"),
            &fixture("instrument_debit_card"),
        )
        .await;
    bad.problem(422, "validation_failed");
    let reasons = bad.field_reasons();
    assert_eq!(reasons.len(), 1, "{reasons:?}");
    assert_eq!(reasons[0].0, "debit_card.card_number");
    assert!(reasons[0].1.contains("Luhn"));

    // The same with a valid sandbox card, then GET it.
    let card = flux.card("4772130000000003").await;
    let got = flux
        .get(&format!("{CLIENTS}/{DEMO_CLIENT}/instruments/{card}"))
        .await;
    assert_eq!(got.status, 200, "{}", got.text);
    assert_eq!(
        got.body["debit_card"]["card_number_masked"],
        "************0003"
    );
    assert!(
        !got.text.contains("4772130000000003"),
        "full card number returned"
    );

    // POST money-out with an Idempotency-Key.
    let body = flux.money_out_body(&source, &card, "100.00");
    let out = flux
        .post_idem(
            "/api/partners/transactions/money-out",
            &body,
            &uuid::Uuid::new_v4().to_string(),
        )
        .await;
    assert_eq!(out.status, 201, "{}", out.text);
    assert_eq!(out.body["status"], "INITIALIZED");
    assert_eq!(out.body["amount"], "100.00");
    assert!(out.body["tracking_key"].as_str().unwrap().contains("FINCH"));
    // Status updates arrive from the emulator as STATUS_UPDATE webhooks.
    let done = flux
        .wait_status(out.body["id"].as_str().unwrap(), &["COMPLETED"])
        .await;
    assert_eq!(done["kind"], "MONEY_OUT");

    // POST refund of a sandbox money-in.
    let money_in = flux
        .post(
            "/api/sandbox/money-in",
            &json!({"client_id": DEMO_CLIENT, "amount": "100.00"}),
        )
        .await;
    assert_eq!(money_in.status, 201, "{}", money_in.text);
    assert_eq!(money_in.body["kind"], "MONEY_IN");
    let txn = money_in.body["id"].as_str().unwrap();
    let refund = flux
        .post(
            &format!("{CLIENTS}/{DEMO_CLIENT}/transactions/{txn}/refund"),
            &fixture("refund"),
        )
        .await;
    assert_eq!(refund.status, 201, "{}", refund.text);
    assert_eq!(refund.body["kind"], "REFUND");
    assert_eq!(refund.body["refunded_transaction_id"], txn);
    let again = flux
        .post(
            &format!("{CLIENTS}/{DEMO_CLIENT}/transactions/{txn}/refund"),
            &fixture("refund"),
        )
        .await;
    // Flux knows it refunded this credit (the intent is recorded before Fincore is called), so
    // it refuses a second refund itself, without asking Fincore.
    again.problem(409, "already_refunded");

    // Webhooks: list, create, get, patch, delete.
    let hooks = format!("{CLIENTS}/{DEMO_CLIENT}/webhooks");
    assert_eq!(flux.get(&hooks).await.status, 200);
    let hook = flux.post(&hooks, &fixture("webhook_create")).await;
    assert_eq!(hook.status, 201, "{}", hook.text);
    assert!(!hook.text.contains("secretToken0123"), "token echoed back");
    assert_eq!(hook.body["token_last4"], "0123");
    let id = hook.body["id"].as_str().unwrap();
    assert_eq!(
        flux.get(&format!("{hooks}/{id}")).await.body["webhook_type"],
        "MONEY_IN"
    );
    let patched = flux
        .send(
            Method::PATCH,
            &format!("{hooks}/{id}"),
            Some(&flux.key),
            Some(serde_json::to_vec(&fixture("webhook_patch")).unwrap()),
            &[],
        )
        .await;
    assert_eq!(patched.status, 200, "{}", patched.text);
    assert_eq!(patched.body["url"], "https://example.com/new-webhook");
    let deleted = flux
        .send(
            Method::DELETE,
            &format!("{hooks}/{id}"),
            Some(&flux.key),
            None,
            &[],
        )
        .await;
    assert_eq!(deleted.status, 204);
    flux.get(&format!("{hooks}/{id}"))
        .await
        .problem(404, "not_found");

    // Inbound money-in, the seed's minimal example.
    let token = flux
        .running
        .state
        .config
        .inbound_webhook_token
        .expose()
        .clone();
    let mut inbound = fixture("inbound_money_in");
    inbound["id_msg"] = uuid::Uuid::new_v4().to_string().into();
    let r = flux
        .send(
            Method::POST,
            "/api/webhooks/money-in",
            None,
            Some(serde_json::to_vec(&inbound).unwrap()),
            &[("X-Webhook-Token", &token)],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);

    // Transactions Flux recorded: list with filters, and get.
    let all = flux
        .get(&format!("{CLIENTS}/{DEMO_CLIENT}/transactions?per_page=10"))
        .await;
    assert_eq!(all.status, 200, "{}", all.text);
    assert_eq!(all.body["pagination"]["total_items"], 3);
    let refunds = flux
        .get(&format!("{CLIENTS}/{DEMO_CLIENT}/transactions?kind=REFUND"))
        .await;
    assert_eq!(refunds.body["data"].as_array().unwrap().len(), 1);
    let ins = flux.get(&format!("{CLIENTS}/{DEMO_CLIENT}/transactions?kind=MONEY_IN&status=COMPLETED&created_from=2020-01-01T00:00:00Z")).await;
    assert_eq!(ins.body["pagination"]["total_items"], 1);

    // The emulator's books agree: 1,000,000 - 100 (out) + 100 (in) - 100 (refund).
    assert_eq!(
        flux.emulator().balance(&clabe).unwrap().to_string(),
        "999900.00"
    );

    // Every request so far is in an intact audit chain.
    let v = flux.running.store.verify_audit().await.unwrap();
    assert!(v.first_bad.is_none());
    assert!(v.records >= 15, "{v:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn seed_examples_on_sqlite() {
    let flux = TestFlux::start(Options::default()).await;
    assert_eq!(flux.running.store.backend_name(), "sqlite");
    seed_examples(&flux).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn seed_examples_on_postgres() {
    with_postgres(|url| async move {
        let flux = TestFlux::start(Options {
            database_url: Some(url),
            ..Default::default()
        })
        .await;
        assert_eq!(flux.running.store.backend_name(), "postgres");
        seed_examples(&flux).await;
        flux.running.stop().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auth_failures_are_401() {
    let flux = TestFlux::start(Options::default()).await;
    let path = format!("{CLIENTS}/{DEMO_CLIENT}/accounts");
    flux.send(Method::GET, &path, None, None, &[])
        .await
        .problem(401, "unauthorized");
    flux.send(Method::GET, &path, Some("flux_test_nope"), None, &[])
        .await
        .problem(401, "unauthorized");
    flux.send(Method::GET, &path, Some(&"x".repeat(5000)), None, &[])
        .await
        .problem(401, "unauthorized");
    // Revocation is immediate.
    let (_, _, other_key) = flux.other_partner().await;
    assert_eq!(
        flux.send(
            Method::GET,
            "/api/partners/banks",
            Some(&other_key),
            None,
            &[]
        )
        .await
        .status,
        200
    );
    let prefix = flux_gateway::keys::display_prefix(&other_key);
    assert_eq!(
        flux.running
            .store
            .revoke_api_keys(&prefix, flux_core::time::now())
            .await
            .unwrap(),
        1
    );
    let r = flux
        .send(
            Method::GET,
            "/api/partners/banks",
            Some(&other_key),
            None,
            &[],
        )
        .await;
    r.problem(401, "unauthorized");
    assert!(r.body["detail"].as_str().unwrap().contains("revoked"));
    // Keys are stored hashed, provider credentials and the inbound token sealed: none of them
    // is anywhere in the database files.
    let demo = flux
        .running
        .store
        .get_client(DEMO_CLIENT.parse().unwrap())
        .await
        .unwrap()
        .unwrap();
    let client_secret = demo.secret_at("fincore").expose().clone();
    let inbound_token = flux
        .running
        .state
        .config
        .inbound_webhook_token
        .expose()
        .clone();
    let db = std::fs::read(flux.data_dir.join("flux.db")).unwrap();
    let wal = std::fs::read(flux.data_dir.join("flux.db-wal")).unwrap_or_default();
    for bytes in [db, wal] {
        for secret in [&flux.key, &client_secret, &inbound_token] {
            assert!(
                !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
                "a secret is stored in clear"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn other_partners_ids_are_404() {
    let flux = TestFlux::start(Options::default()).await;
    let (_, other_client, other_key) = flux.other_partner().await;
    let card = flux.card("4000000000000002").await;
    let money_in = flux
        .post(
            "/api/sandbox/money-in",
            &json!({"client_id": DEMO_CLIENT, "amount": "5.00"}),
        )
        .await;
    let txn = money_in.body["id"].as_str().unwrap().to_string();
    let hook = flux
        .post(
            &format!("{CLIENTS}/{DEMO_CLIENT}/webhooks"),
            &fixture("webhook_create"),
        )
        .await;
    let hook = hook.body["id"].as_str().unwrap().to_string();
    let as_other = |m: Method, p: String, b: Option<Value>| {
        let flux = &flux;
        let key = other_key.clone();
        async move {
            flux.send(
                m,
                &p,
                Some(&key),
                b.map(|b| serde_json::to_vec(&b).unwrap()),
                &[],
            )
            .await
        }
    };
    for path in [
        format!("{CLIENTS}/{DEMO_CLIENT}/accounts"),
        format!("{CLIENTS}/{DEMO_CLIENT}/instruments"),
        format!("{CLIENTS}/{DEMO_CLIENT}/instruments/{card}"),
        format!("{CLIENTS}/{DEMO_CLIENT}/transactions"),
        format!("{CLIENTS}/{DEMO_CLIENT}/transactions/{txn}"),
        format!("{CLIENTS}/{DEMO_CLIENT}/webhooks/{hook}"),
        // Own client, other partner's ids:
        format!("{CLIENTS}/{other_client}/transactions/{txn}"),
        format!("{CLIENTS}/{other_client}/webhooks/{hook}"),
        format!("{CLIENTS}/{other_client}/instruments/{card}"),
        format!("{CLIENTS}/not-a-uuid/accounts"),
    ] {
        as_other(Method::GET, path.clone(), None)
            .await
            .problem(404, "not_found");
    }
    as_other(
        Method::DELETE,
        format!("{CLIENTS}/{other_client}/webhooks/{hook}"),
        None,
    )
    .await
    .problem(404, "not_found");
    as_other(
        Method::POST,
        format!("{CLIENTS}/{DEMO_CLIENT}/transactions/{txn}/refund"),
        Some(fixture("refund")),
    )
    .await
    .problem(404, "not_found");
    let (_, source) = flux.demo_account().await;
    as_other(
        Method::POST,
        "/api/partners/transactions/money-out".into(),
        Some(flux.money_out_body(&source, &card, "1.00")),
    )
    .await
    .problem(404, "not_found");
    // Own client, but the other partner's instruments: Fincore does not know them for this client.
    let mut body = flux.money_out_body(&source, &card, "1.00");
    body["client_id"] = other_client.to_string().into();
    as_other(
        Method::POST,
        "/api/partners/transactions/money-out".into(),
        Some(body),
    )
    .await
    .problem(404, "not_found");
    // And the demo partner still sees its own.
    assert_eq!(
        flux.get(&format!("{CLIENTS}/{DEMO_CLIENT}/webhooks/{hook}"))
            .await
            .status,
        200
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn partner_input_is_validated_strictly() {
    let flux = TestFlux::start(Options {
        max_body_bytes: 4096,
        ..Default::default()
    })
    .await;
    let (_, source) = flux.demo_account().await;
    let card = flux.card("4152314501669421").await;
    let path = "/api/partners/transactions/money-out";
    let send_raw =
        |b: &'static [u8]| flux.send(Method::POST, path, Some(&flux.key), Some(b.to_vec()), &[]);
    send_raw(b"{not json").await.problem(400, "malformed_json");
    send_raw(b"[1,2]").await.problem(400, "malformed_json");
    send_raw(b"").await.problem(400, "malformed_json");

    let cases: Vec<(Mutation, &str, &str)> = vec![
        (
            Box::new(|b| b["transaction_request"]["amount"] = json!(100.0)),
            "transaction_request.amount",
            "not a JSON number",
        ),
        (
            Box::new(|b| b["transaction_request"]["amount"] = json!("1.001")),
            "transaction_request.amount",
            "more decimals",
        ),
        (
            Box::new(|b| b["transaction_request"]["amount"] = json!("0.00")),
            "transaction_request.amount",
            "greater than zero",
        ),
        (
            Box::new(|b| b["transaction_request"]["amount"] = json!("-5")),
            "transaction_request.amount",
            "decimal string",
        ),
        (
            Box::new(|b| b["transaction_request"]["amount"] = json!("999999999.00")),
            "transaction_request.amount",
            "maximum",
        ),
        (
            Box::new(|b| b["transaction_request"]["currency"] = json!("XYZ")),
            "transaction_request.currency",
            "unknown currency",
        ),
        (
            Box::new(|b| b["transaction_request"]["currency"] = json!("USD")),
            "transaction_request.currency",
            "MXN",
        ),
        (
            Box::new(|b| b["client_id"] = json!("205ae70f")),
            "client_id",
            "UUID",
        ),
        (
            Box::new(|b| b["client_id"] = json!(42)),
            "client_id",
            "must be a string",
        ),
        (
            Box::new(|b| {
                b.as_object_mut().unwrap().remove("source_instrument_id");
            }),
            "source_instrument_id",
            "required",
        ),
        (
            Box::new(|b| b["surprise"] = json!(1)),
            "surprise",
            "not a recognised field",
        ),
        (
            Box::new(|b| b["transaction_request"]["description"] = json!("x".repeat(141))),
            "transaction_request.description",
            "140",
        ),
    ];
    for (mutate, field, reason) in cases {
        let mut body = flux.money_out_body(&source, &card, "10.00");
        mutate(&mut body);
        let r = flux.post(path, &body).await;
        r.problem(422, "validation_failed");
        assert!(
            r.field_reasons()
                .iter()
                .any(|(f, why)| f == field && why.contains(reason)),
            "{field}/{reason}: {}",
            r.text
        );
    }

    let instruments = format!("{CLIENTS}/{DEMO_CLIENT}/instruments");
    let mut unknown_kind = fixture("instrument_debit_card");
    unknown_kind["instrumentKind"] = "crypto_wallet".into();
    let r = flux.post(&instruments, &unknown_kind).await;
    r.problem(422, "validation_failed");
    assert!(r.field_reasons().iter().any(|(f, _)| f == "instrumentKind"));
    for (clabe, reason) in [
        ("002000000000000007", "check digit"),
        ("111180157042875763", "bank prefix"),
        ("73418012304560321", "18 digits"),
    ] {
        let body = json!({"instrumentKind": "virtual_clabe", "source_bank_id": "9d84b03a-28d1-4898-a69c-38824239e2b1", "client_id": DEMO_CLIENT,
            "type": "RECEIVER", "rfc": "ND", "alias": "x", "virtual_clabe": {"clabe": clabe, "holder_name": "A"}});
        let r = flux.post(&instruments, &body).await;
        assert!(
            r.field_reasons()
                .iter()
                .any(|(f, why)| f == "virtual_clabe.clabe" && why.contains(reason)),
            "{}",
            r.text
        );
    }
    let good_clabe = json!({"instrumentKind": "virtual_clabe", "source_bank_id": "9d84b03a-28d1-4898-a69c-38824239e2b1", "client_id": DEMO_CLIENT,
        "type": "RECEIVER", "rfc": "GODE561231GR8", "alias": "Proveedor", "virtual_clabe": {"clabe": "072691004495711499", "holder_name": "A"}});
    assert_eq!(flux.post(&instruments, &good_clabe).await.status, 201);
    let mut bad_rfc = good_clabe.clone();
    bad_rfc["rfc"] = "N/A".into();
    assert!(flux
        .post(&instruments, &bad_rfc)
        .await
        .field_reasons()
        .iter()
        .any(|(f, _)| f == "rfc"));
    let mut wrong_client = good_clabe.clone();
    wrong_client["client_id"] = uuid::Uuid::new_v4().to_string().into();
    assert!(flux
        .post(&instruments, &wrong_client)
        .await
        .field_reasons()
        .iter()
        .any(|(f, _)| f == "client_id"));

    // Too large: 413, as problem+json.
    let huge = format!("{{\"pad\":\"{}\"}}", "x".repeat(10_000));
    flux.send(
        Method::POST,
        path,
        Some(&flux.key),
        Some(huge.into_bytes()),
        &[],
    )
    .await
    .problem(413, "payload_too_large");
    // Query parameters.
    flux.get(&format!("{instruments}?per_page=0"))
        .await
        .problem(422, "validation_failed");
    flux.get(&format!("{instruments}?page=abc"))
        .await
        .problem(422, "validation_failed");
    flux.get(&format!("{CLIENTS}/{DEMO_CLIENT}/transactions?kind=LOAN"))
        .await
        .problem(422, "validation_failed");
    flux.get(&format!(
        "{CLIENTS}/{DEMO_CLIENT}/transactions?created_from=yesterday"
    ))
    .await
    .problem(422, "validation_failed");
    // Nothing above reached the provider.
    assert_eq!(flux.emulator().stats().money_out_executed, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn idempotency_replays_rejects_and_serialises() {
    let flux = TestFlux::start(Options {
        idempotency_wait_ms: 300,
        ..Default::default()
    })
    .await;
    let (_, source) = flux.demo_account().await;
    let card = flux.card("4000000000000002").await;
    let path = "/api/partners/transactions/money-out";
    let body = flux.money_out_body(&source, &card, "7.00");

    let first = flux.post_idem(path, &body, "order-1").await;
    assert_eq!(first.status, 201, "{}", first.text);
    assert!(first.headers.get("idempotency-replayed").is_none());
    let replay = flux.post_idem(path, &body, "order-1").await;
    assert_eq!(replay.status, 201);
    assert_eq!(replay.headers["idempotency-replayed"], "true");
    assert_eq!(replay.text, first.text);
    assert_eq!(flux.emulator().stats().money_out_executed, 1);

    let changed = flux.money_out_body(&source, &card, "8.00");
    flux.post_idem(path, &changed, "order-1")
        .await
        .problem(422, "idempotency_key_reused");
    flux.send(
        Method::POST,
        path,
        Some(&flux.key),
        Some(serde_json::to_vec(&body).unwrap()),
        &[("Idempotency-Key", "has space")],
    )
    .await
    .problem(400, "invalid_idempotency_key");
    flux.post_idem(path, &body, &"k".repeat(256))
        .await
        .problem(400, "invalid_idempotency_key");

    // Keys are per partner: another partner may use the same key text.
    let (_, other_client, other_key) = flux.other_partner().await;
    let other = flux
        .send(
            Method::GET,
            &format!("{CLIENTS}/{other_client}/accounts"),
            Some(&other_key),
            None,
            &[],
        )
        .await;
    let other_source = other.body["data"][0]["instrument_id"]
        .as_str()
        .unwrap()
        .to_string();
    let mut other_card = fixture("instrument_debit_card");
    other_card["client_id"] = other_client.to_string().into();
    other_card["debit_card"]["card_number"] = "4772130000000003".into();
    let oc = flux
        .send(
            Method::POST,
            &format!("{CLIENTS}/{other_client}/instruments"),
            Some(&other_key),
            Some(serde_json::to_vec(&other_card).unwrap()),
            &[],
        )
        .await;
    let mut ob = flux.money_out_body(&other_source, oc.body["id"].as_str().unwrap(), "7.00");
    ob["client_id"] = other_client.to_string().into();
    let o = flux
        .send(
            Method::POST,
            path,
            Some(&other_key),
            Some(serde_json::to_vec(&ob).unwrap()),
            &[("Idempotency-Key", "order-1")],
        )
        .await;
    assert_eq!(o.status, 201, "{}", o.text);
    assert!(o.headers.get("idempotency-replayed").is_none());

    // While the first is in flight (slow provider), a retry waits, then gets 409.
    flux.emulator().set_faults(Faults {
        latency_ms: 1500,
        ..Default::default()
    });
    let slow = flux.money_out_body(&source, &card, "9.00");
    let (a, b) = tokio::join!(flux.post_idem(path, &slow, "order-2"), async {
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        flux.post_idem(path, &slow, "order-2").await
    });
    assert_eq!(a.status, 201, "{}", a.text);
    b.problem(409, "idempotency_in_progress");
    flux.emulator().set_faults(Faults::default());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_concurrent_identical_money_outs_move_money_once() {
    let flux = TestFlux::start(Options::default()).await;
    let (clabe, source) = flux.demo_account().await;
    let card = flux.card("4772130000000003").await;
    let before = flux.emulator().balance(&clabe).unwrap();
    let body = flux.money_out_body(&source, &card, "250.00");
    let answers = futures::future::join_all((0..50).map(|_| {
        flux.post_idem(
            "/api/partners/transactions/money-out",
            &body,
            "payroll-2026-11-21",
        )
    }))
    .await;
    let first = &answers[0];
    assert_eq!(first.status, 201, "{}", first.text);
    for a in &answers {
        assert_eq!(a.status, 201, "{}", a.text);
        assert_eq!(a.text, first.text);
    }
    assert_eq!(flux.emulator().stats().money_out_executed, 1);
    assert_eq!(flux.emulator().stats().money_out_replayed, 0);
    assert_eq!(
        before - flux.emulator().balance(&clabe).unwrap(),
        rust_decimal::Decimal::new(25000, 2)
    );
    let list = flux
        .get(&format!(
            "{CLIENTS}/{DEMO_CLIENT}/transactions?kind=MONEY_OUT"
        ))
        .await;
    assert_eq!(list.body["pagination"]["total_items"], 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn upstream_failures_map_to_502_504_and_retries_are_safe() {
    let flux = TestFlux::start(Options {
        fincore_timeout_ms: 300,
        ..Default::default()
    })
    .await;
    let (clabe, source) = flux.demo_account().await;
    let card = flux.card("4772130000000003").await;
    let accounts = format!("{CLIENTS}/{DEMO_CLIENT}/accounts");

    flux.emulator().set_faults(Faults {
        error_rate: 1.0,
        ..Default::default()
    });
    flux.get(&accounts)
        .await
        .problem(502, "upstream_unavailable");
    flux.emulator().set_faults(Faults {
        timeout_rate: 1.0,
        hang_ms: 2000,
        ..Default::default()
    });
    let r = flux.get(&accounts).await;
    r.problem(504, "upstream_timeout");
    assert!(r.body["detail"]
        .as_str()
        .unwrap()
        .contains("Idempotency-Key"));

    // The dangerous case: Fincore moves the money, then the answer is lost.
    flux.emulator().set_faults(Faults {
        drop_response_rate: 1.0,
        hang_ms: 2000,
        ..Default::default()
    });
    let before = flux.emulator().balance(&clabe).unwrap();
    let body = flux.money_out_body(&source, &card, "40.00");
    let lost = flux
        .post_idem("/api/partners/transactions/money-out", &body, "lost-answer")
        .await;
    lost.problem(504, "upstream_timeout");
    assert_eq!(
        flux.emulator().stats().money_out_executed,
        1,
        "{:?}",
        flux.emulator().stats()
    );
    let unknown = flux
        .get(&format!(
            "{CLIENTS}/{DEMO_CLIENT}/transactions?status=UNKNOWN"
        ))
        .await;
    assert_eq!(
        unknown.body["pagination"]["total_items"], 1,
        "{}",
        unknown.text
    );
    // The partner retries with the same key once Fincore is healthy: same upstream key, replayed.
    flux.emulator().set_faults(Faults::default());
    let retry = flux
        .post_idem("/api/partners/transactions/money-out", &body, "lost-answer")
        .await;
    assert_eq!(retry.status, 201, "{}", retry.text);
    // Executed once; replayed twice: the connector's own retry of the lost call, then this one.
    assert_eq!(flux.emulator().stats().money_out_executed, 1);
    assert_eq!(flux.emulator().stats().money_out_replayed, 2);
    assert_eq!(
        before - flux.emulator().balance(&clabe).unwrap(),
        rust_decimal::Decimal::new(4000, 2)
    );
    assert_eq!(
        flux.get(&format!(
            "{CLIENTS}/{DEMO_CLIENT}/transactions?status=UNKNOWN"
        ))
        .await
        .body["pagination"]["total_items"],
        0
    );

    // Beyond the available balance Flux's own books refuse, before Fincore is called, and
    // nothing is recorded.
    let executed = flux.emulator().stats().money_out_executed;
    let too_much = flux.money_out_body(&source, &card, "99999999.00");
    let r = flux
        .post("/api/partners/transactions/money-out", &too_much)
        .await;
    r.problem(422, "insufficient_funds");
    assert!(r.body["detail"]
        .as_str()
        .unwrap()
        .contains("available balance"));
    assert_eq!(flux.emulator().stats().money_out_executed, executed);
    let failed = flux
        .get(&format!(
            "{CLIENTS}/{DEMO_CLIENT}/transactions?status=FAILED"
        ))
        .await;
    assert_eq!(failed.body["pagination"]["total_items"], 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limit_answers_429_with_headers() {
    let flux = TestFlux::start(Options {
        rate_per_second: 1,
        burst: 3,
        ..Default::default()
    })
    .await;
    let mut statuses = vec![];
    let mut last = None;
    for _ in 0..5 {
        let r = flux.get("/api/partners/banks").await;
        statuses.push(r.status.as_u16());
        assert!(r.headers.contains_key("ratelimit"));
        assert!(r.headers.contains_key("ratelimit-policy"));
        last = Some(r);
    }
    assert_eq!(&statuses[..3], &[200, 200, 200]);
    assert_eq!(statuses[3], 429);
    let r = last.unwrap();
    r.problem(429, "rate_limited");
    assert!(
        r.headers["retry-after"]
            .to_str()
            .unwrap()
            .parse::<u64>()
            .unwrap()
            >= 1
    );
    assert!(r.headers["ratelimit"]
        .to_str()
        .unwrap()
        .contains("remaining=0"));
    // Another key has its own budget.
    let (_, _, other_key) = flux.other_partner().await;
    assert_eq!(
        flux.send(
            Method::GET,
            "/api/partners/banks",
            Some(&other_key),
            None,
            &[]
        )
        .await
        .status,
        200
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn audit_trail_is_redacted_chained_and_verifiable() {
    let flux = TestFlux::start(Options::default()).await;
    flux.card("4772130000000003").await;
    flux.post(
        &format!("{CLIENTS}/{DEMO_CLIENT}/webhooks"),
        &fixture("webhook_create"),
    )
    .await;
    flux.send(
        Method::GET,
        "/api/partners/banks",
        Some("flux_test_wrongkey123"),
        None,
        &[("X-Request-Id", "req-abc-1")],
    )
    .await;
    // Reads queue their audit record into the next batch: wait (bounded) for it to land.
    let mut records = vec![];
    for _ in 0..100 {
        records = flux.running.store.audit_records(0, 100).await.unwrap();
        if records.iter().any(|r| r.record.request_id == "req-abc-1") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(records.len(), 3, "{records:?}");
    let all = format!("{records:?}");
    for secret in [
        "4772130000000003",
        "secretToken0123",
        &flux.key,
        "flux_test_wrongkey123",
    ] {
        assert!(!all.contains(secret), "{secret} reached the audit trail");
    }
    assert!(all.contains("************0003"));
    let failed_auth = records
        .iter()
        .find(|r| r.record.request_id == "req-abc-1")
        .unwrap();
    assert_eq!(failed_auth.record.status, 401);
    assert!(failed_auth.record.partner_id.is_none());
    assert!(records.iter().all(|r| r.record.latency_us > 0));
    assert_eq!(
        flux.running.store.verify_audit().await.unwrap().first_bad,
        None
    );

    // CLI verification passes, then fails naming the altered record.
    let cli = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_flux"))
            .args(args)
            .env_remove("FLUX_DATABASE_URL")
            .output()
            .unwrap()
    };
    let dir = flux.data_dir.to_str().unwrap().to_string();
    let ok = cli(&["audit", "verify", "--data-dir", &dir]);
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stdout)
    );
    let seq = records[2].seq;
    flux.running
        .store
        .exec(
            "UPDATE audit_log SET response_body = '{\"forged\":true}' WHERE seq = $1",
            vec![seq.into()],
        )
        .await
        .unwrap();
    let bad = cli(&["audit", "verify", "--data-dir", &dir]);
    assert!(!bad.status.success());
    let out = String::from_utf8_lossy(&bad.stdout);
    assert!(out.contains(&format!("BROKEN at record {seq}")), "{out}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inbound_webhooks_are_authenticated_deduplicated_and_lossless() {
    let flux = TestFlux::start(Options::default()).await;
    let token = flux
        .running
        .state
        .config
        .inbound_webhook_token
        .expose()
        .clone();
    let post = |path: &'static str, body: Vec<u8>, token: Option<&str>| {
        let token = token.map(str::to_string);
        let flux = &flux;
        async move {
            let headers: Vec<(&str, &str)> = token
                .as_deref()
                .map(|t| vec![("X-Webhook-Token", t)])
                .unwrap_or_default();
            flux.send(Method::POST, path, None, Some(body), &headers)
                .await
        }
    };
    let money_in = fincore_fixture("webhook_money_in");
    post("/api/webhooks/money-in", money_in.clone(), None)
        .await
        .problem(401, "unauthorized");
    post(
        "/api/webhooks/money-in",
        money_in.clone(),
        Some("wrong-token"),
    )
    .await
    .problem(401, "unauthorized");
    // Unreadable, with a valid token: kept raw for review and acknowledged, never refused
    // (a 4xx would make the provider retry, then drop a fact about money).
    let oops = post("/api/webhooks/money-in", b"{oops".to_vec(), Some(&token)).await;
    assert_eq!(oops.status, 200, "{}", oops.text);
    assert_eq!(oops.body["outcome"], "review");
    // The seed's MONEY_IN (whose CLABE fails its check digit) is accepted verbatim, once.
    let first = post("/api/webhooks/money-in", money_in.clone(), Some(&token)).await;
    assert_eq!(first.status, 200, "{}", first.text);
    assert_eq!(first.body["duplicate"], false);
    let again = post("/api/webhooks/money-in", money_in.clone(), Some(&token)).await;
    assert_eq!(again.body["duplicate"], true);
    // Fincore's namespaced path is the same endpoint: same token, same deduplication.
    post("/api/webhooks/fincore/money-in", money_in.clone(), None)
        .await
        .problem(401, "unauthorized");
    let namespaced = post(
        "/api/webhooks/fincore/money-in",
        money_in.clone(),
        Some(&token),
    )
    .await;
    assert_eq!(namespaced.status, 200, "{}", namespaced.text);
    assert_eq!(namespaced.body["duplicate"], true);
    let unmatched = flux.running.store.unmatched_inbound(10).await.unwrap();
    assert_eq!(unmatched.len(), 1);
    assert_eq!(
        unmatched[0].raw.as_bytes(),
        &money_in[..],
        "raw body not kept byte for byte"
    );
    // An operator sees it and assigns it to a client, with the CLI, while Flux runs.
    let cli = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_flux"))
            .args(args)
            .args(["--data-dir", flux.data_dir.to_str().unwrap()])
            .env_remove("FLUX_DATABASE_URL")
            .output()
            .unwrap()
    };
    let seed_id = "a7a126e8-fa74-411c-ad2b-b000f277bb0d";
    let listed = String::from_utf8_lossy(&cli(&["inbound", "unmatched"]).stdout).to_string();
    assert!(
        listed.contains(seed_id) && listed.contains("amount=123.00"),
        "{listed}"
    );
    let resolved = cli(&[
        "inbound",
        "resolve",
        "--id-msg",
        seed_id,
        "--client-id",
        DEMO_CLIENT,
        "--operator",
        "ana",
        "--reason",
        "payer confirmed the account by phone",
    ]);
    assert!(
        resolved.status.success(),
        "{}",
        String::from_utf8_lossy(&resolved.stderr)
    );
    assert!(flux
        .running
        .store
        .unmatched_inbound(10)
        .await
        .unwrap()
        .is_empty());
    // Who assigned the money, and why, is in the audit trail.
    let trail = flux.running.store.audit_records(0, 100_000).await.unwrap();
    assert!(
        trail.iter().any(|r| r.record.path == "flux inbound resolve"
            && r.record.key_prefix.as_deref() == Some("operator:ana")
            && r.record
                .request_body
                .as_deref()
                .is_some_and(|b| b.contains("payer confirmed") && b.contains(seed_id))),
        "{trail:?}"
    );
    // Without who and why, nothing is assigned.
    let anonymous = cli(&[
        "inbound",
        "resolve",
        "--id-msg",
        seed_id,
        "--client-id",
        DEMO_CLIENT,
    ]);
    assert!(!anonymous.status.success());
    assert!(String::from_utf8_lossy(&anonymous.stderr).contains("--operator"));
    assert!(!cli(&[
        "inbound",
        "resolve",
        "--id-msg",
        seed_id,
        "--client-id",
        DEMO_CLIENT,
        "--operator",
        "ana",
        "--reason",
        "again"
    ])
    .status
    .success());
    for (path, name) in [
        ("/api/webhooks/status-update", "webhook_status_update"),
        ("/api/webhooks/cep", "webhook_cep"),
    ] {
        let r = post(path, fincore_fixture(name), Some(&token)).await;
        assert_eq!(r.status, 200, "{path}: {}", r.text);
    }
    // A money-in for the demo account becomes one transaction, even when delivered twice.
    let (clabe, _) = flux.demo_account().await;
    let mut event: Value = serde_json::from_slice(&money_in).unwrap();
    event["id_msg"] = uuid::Uuid::new_v4().to_string().into();
    event["body"]["beneficiary_account"] = clabe.into();
    event["body"]["id"] = uuid::Uuid::new_v4().to_string().into();
    event["body"]["unknown_new_field"] = json!({"kept": true});
    let bytes = serde_json::to_vec(&event).unwrap();
    let (a, b) = tokio::join!(
        post("/api/webhooks/money-in", bytes.clone(), Some(&token)),
        post("/api/webhooks/money-in", bytes.clone(), Some(&token))
    );
    assert_eq!((a.status.as_u16(), b.status.as_u16()), (200, 200));
    assert_ne!(a.body["duplicate"], b.body["duplicate"]);
    let list = flux
        .get(&format!(
            "{CLIENTS}/{DEMO_CLIENT}/transactions?kind=MONEY_IN"
        ))
        .await;
    // The resolved seed event and this one.
    assert_eq!(list.body["pagination"]["total_items"], 2);
    let received = list.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["provider_reference"] == event["body"]["id"])
        .unwrap()
        .clone();
    assert_eq!(received["amount"], "123.00");
    assert_eq!(received["counterparty"]["payer_name"], "Juan Perez");
    assert_eq!(received["cep"], Value::Null);
    // A CEP webhook for that transaction sets its CEP status and time.
    let mut cep: Value = serde_json::from_slice(&fincore_fixture("webhook_cep")).unwrap();
    cep["id_msg"] = uuid::Uuid::new_v4().to_string().into();
    cep["body"]["id"] = event["body"]["id"].clone();
    cep["body"]["status"] = "COMPLETED".into();
    let r = post(
        "/api/webhooks/cep",
        serde_json::to_vec(&cep).unwrap(),
        Some(&token),
    )
    .await;
    assert_eq!(r.body["transaction_id"], received["id"], "{}", r.text);
    let after = flux
        .get(&format!(
            "{CLIENTS}/{DEMO_CLIENT}/transactions/{}",
            received["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(after.body["cep"]["status"], "COMPLETED");
    assert_eq!(
        after.body["cep"]["processed_at"],
        "2025-08-15T22:42:39.327000Z"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn operational_endpoints_and_request_context() {
    let flux = TestFlux::start(Options::default()).await;
    assert_eq!(
        flux.send(Method::GET, "/healthz", None, None, &[])
            .await
            .status,
        200
    );
    let ready = flux.send(Method::GET, "/readyz", None, None, &[]).await;
    assert_eq!(ready.body["store"], "sqlite");
    let r = flux
        .send(
            Method::GET,
            "/api/partners/banks",
            Some(&flux.key),
            None,
            &[
                ("X-Request-Id", "my-req-1"),
                ("X-Correlation-Id", "corr-9"),
                (
                    "traceparent",
                    "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
                ),
            ],
        )
        .await;
    assert_eq!(r.headers["x-request-id"], "my-req-1");
    assert_eq!(r.headers["x-correlation-id"], "corr-9");
    let minted = flux.get("/api/partners/banks").await;
    assert_eq!(minted.headers["x-request-id"].len(), 36);
    flux.get("/api/partners/nope")
        .await
        .problem(404, "not_found");
    let metrics = flux
        .send(Method::GET, "/metrics", None, None, &[])
        .await
        .text;
    assert!(metrics.contains("flux_http_requests_total"), "{metrics}");
    assert!(metrics.contains("flux_upstream_request_duration_seconds"));
    let spec = flux
        .send(Method::GET, "/openapi.json", None, None, &[])
        .await
        .body;
    assert!(spec["openapi"].as_str().unwrap().starts_with("3.1"));
    let paths = spec["paths"].as_object().unwrap();
    for p in [
        "/api/partners/banks",
        "/api/partners/clients/{clientId}/accounts",
        "/api/partners/clients/{clientId}/private-accounts",
        "/api/partners/clients/{clientId}/instruments",
        "/api/partners/clients/{clientId}/instruments/{instrumentId}",
        "/api/partners/transactions/money-out",
        "/api/partners/clients/{clientId}/transactions/{transactionId}/refund",
        "/api/partners/clients/{clientId}/transactions",
        "/api/partners/clients/{clientId}/webhooks",
        "/api/partners/clients/{clientId}/webhooks/{id}",
        "/api/webhooks/money-in",
    ] {
        assert!(paths.contains_key(p), "OpenAPI lacks {p}");
    }
    assert!(spec["components"]["schemas"]["Problem"].is_object());
    let docs = flux.send(Method::GET, "/docs", None, None, &[]).await.text;
    assert!(docs.contains("/openapi.json") && !docs.contains("cdn"));
}

#[test]
fn seed_fixtures_round_trip() {
    for name in [
        "private_account",
        "instrument_debit_card",
        "money_out",
        "refund",
        "webhook_create",
        "webhook_patch",
        "inbound_money_in",
    ] {
        let v = fixture(name);
        let text = serde_json::to_string(&v).unwrap();
        assert_eq!(serde_json::from_str::<Value>(&text).unwrap(), v, "{name}");
    }
}
