//! Félix remittances end to end over real HTTP, on SQLite and PostgreSQL: create (required
//! Idempotency-Key, replay, reuse, a 50-way race), validation per field, reads with history,
//! another partner's ids, a remittance's life to COMPLETED through the sandbox with the
//! partner's webhook deltas in order, and a lost callback made good by polling.
#![allow(clippy::unwrap_used)]

mod common;

use common::receiver::Receiver;
use common::{with_postgres, Options, TestFlux, DEMO_CLIENT};
use felix::gateway::FelixProvider;
use reqwest::Method;
use serde_json::{json, Value};
use std::time::Duration;

fn remittances() -> String {
    format!("/api/partners/clients/{DEMO_CLIENT}/remittances")
}

fn felix(flux: &TestFlux) -> &FelixProvider {
    flux.running.state.providers.get::<FelixProvider>().unwrap()
}

/// A valid CLABE at Banorte (072), with its check digit.
fn clabe() -> String {
    flux_core::clabe::build("072", "180", 12_345_678)
}

fn body(amount: &str) -> Value {
    json!({
        "amount": amount,
        "currency": "MXN",
        "external_reference": "order-17",
        "beneficiary": {
            "name": "María", "lastname": "López", "country": "MX", "city": "Guadalajara",
            "state": "Jalisco",
            "account": {"type": "clabe", "number": clabe(), "bank_code": "072", "account_type": "C"},
            "rfc": "LOMM800101AB1"
        },
        "metadata": {"order": 17}
    })
}

async fn create(flux: &TestFlux, key: &str, amount: &str) -> Value {
    let r = flux.post_idem(&remittances(), &body(amount), key).await;
    assert_eq!(r.status, 201, "{}", r.text);
    r.body
}

async fn get(flux: &TestFlux, id: &str) -> Value {
    let r = flux.get(&format!("{}/{id}", remittances())).await;
    assert_eq!(r.status, 200, "{}", r.text);
    r.body
}

async fn wait_remittance(flux: &TestFlux, id: &str, wanted: &str) -> Value {
    for _ in 0..400 {
        let r = get(flux, id).await;
        if r["status"] == wanted {
            return r;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!(
        "remittance {id} never reached {wanted}: {}",
        get(flux, id).await
    );
}

async fn advance(flux: &TestFlux, id: &str, to: &str) {
    let r = flux
        .post(
            &format!("/api/sandbox/remittances/{id}/advance"),
            &json!({"status": to}),
        )
        .await;
    assert_eq!(r.status, 202, "{}", r.text);
}

async fn create_replay_and_refusals(flux: &TestFlux) {
    let first = create(flux, "remit-1", "1500.50").await;
    assert_eq!(first["status"], "CREATED");
    assert_eq!(first["amount"], "1500.50");
    assert!(first["provider_reference"].is_string(), "{first}");
    // The account number is never kept or shown whole.
    assert!(!first.to_string().contains(&clabe()), "{first}");

    let again = flux
        .post_idem(&remittances(), &body("1500.50"), "remit-1")
        .await;
    assert_eq!(again.status, 201);
    assert_eq!(again.headers["idempotency-replayed"], "true");
    assert_eq!(again.body, first);

    flux.post_idem(&remittances(), &body("99.00"), "remit-1")
        .await
        .problem(422, "idempotency_key_reused");
    let missing = flux.post(&remittances(), &body("10.00")).await;
    missing.problem(400, "idempotency_key_required");
    assert_eq!(missing.field_reasons()[0].0, "Idempotency-Key");

    let malformed = flux
        .send(
            Method::POST,
            &remittances(),
            Some(&flux.key),
            Some(b"{\"amount\": ".to_vec()),
            &[("Idempotency-Key", "remit-bad-json")],
        )
        .await;
    malformed.problem(400, "malformed_json");

    let (_, _, other_key) = flux.other_partner().await;
    let foreign = flux
        .send(
            Method::POST,
            &remittances(),
            Some(&other_key),
            Some(serde_json::to_vec(&body("10.00")).unwrap()),
            &[("Idempotency-Key", "remit-foreign")],
        )
        .await;
    foreign.problem(404, "not_found");
    let id = first["id"].as_str().unwrap();
    let peek = flux
        .send(
            Method::GET,
            &format!("{}/{id}", remittances()),
            Some(&other_key),
            None,
            &[],
        )
        .await;
    peek.problem(404, "not_found");

    let api = flux.get("/openapi.json").await;
    let paths = api.body["paths"].as_object().unwrap();
    for documented in [
        "/api/partners/clients/{clientId}/remittances",
        "/api/partners/clients/{clientId}/remittances/{remittanceId}",
        "/api/webhooks/felix",
        "/api/sandbox/remittances/{remittanceId}/advance",
    ] {
        assert!(
            paths.contains_key(documented),
            "{documented} is not in /openapi.json"
        );
    }

    let one = get(flux, id).await;
    assert_eq!(one["history"][0]["new_status"], "CREATED");
    assert_eq!(one["history"][0]["source"], "intent");
    let list = flux.get(&format!("{}?status=CREATED", remittances())).await;
    assert_eq!(list.status, 200, "{}", list.text);
    assert_eq!(list.body["pagination"]["total_items"], 1);
    let none = flux
        .get(&format!("{}?status=COMPLETED", remittances()))
        .await;
    assert_eq!(none.body["pagination"]["total_items"], 0);
    flux.get(&format!("{}?status=DONE", remittances()))
        .await
        .problem(422, "validation_failed");
}

/// Makes one field of a valid body invalid.
type Spoil = Box<dyn Fn(&mut Value)>;

/// One invalid field at a time: the 422 names exactly that field.
async fn validation_names_each_field(flux: &TestFlux) {
    let mut bad_check = clabe();
    let last = bad_check.pop().unwrap();
    bad_check.push(if last == '0' { '1' } else { '0' });
    let unknown_bank = flux_core::clabe::build("999", "180", 12_345_678);
    let cases: Vec<(&str, Spoil)> = vec![
        (
            "beneficiary.account.number",
            Box::new(move |b| b["beneficiary"]["account"]["number"] = bad_check.clone().into()),
        ),
        (
            "beneficiary.account.number",
            Box::new(move |b| b["beneficiary"]["account"]["number"] = unknown_bank.clone().into()),
        ),
        (
            "beneficiary.account.number",
            Box::new(|b| {
                b["beneficiary"]["account"] =
                    json!({"type": "card_number", "number": "4111111111111112"})
            }),
        ),
        (
            "beneficiary.rfc",
            Box::new(|b| b["beneficiary"]["rfc"] = "RFC123".into()),
        ),
        (
            "beneficiary.country",
            Box::new(|b| b["beneficiary"]["country"] = "MEX".into()),
        ),
        ("currency", Box::new(|b| b["currency"] = "EUR".into())),
        ("amount", Box::new(|b| b["amount"] = "10.001".into())),
        ("amount", Box::new(|b| b["amount"] = "0.00".into())),
    ];
    for (i, (field, spoil)) in cases.iter().enumerate() {
        let mut b = body("10.00");
        spoil(&mut b);
        let r = flux
            .post_idem(&remittances(), &b, &format!("remit-invalid-{i}"))
            .await;
        r.problem(422, "validation_failed");
        let fields: Vec<String> = r.field_reasons().into_iter().map(|f| f.0).collect();
        assert_eq!(fields, vec![field.to_string()], "case {i}: {}", r.text);
    }
    // A valid card passes; so does a remittance whose amount the sender chooses.
    let mut card = body("10.00");
    card["beneficiary"]["account"] = json!({"type": "card_number", "number": "4111111111111111"});
    assert_eq!(
        flux.post_idem(&remittances(), &card, "remit-card")
            .await
            .status,
        201
    );
    let mut open = body("1.00");
    open.as_object_mut().unwrap().remove("amount");
    let r = flux.post_idem(&remittances(), &open, "remit-open").await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert!(r.body["amount"].is_null());
}

async fn life_to_completed(flux: &TestFlux) {
    let receiver = Receiver::start().await;
    let r = flux
        .post(
            &format!("/api/partners/clients/{DEMO_CLIENT}/webhooks"),
            &json!({"client_id": DEMO_CLIENT, "url": receiver.url, "token": "partner-token-remit", "webhook_type": "REMITTANCE_STATUS"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let created = create(flux, "remit-life", "250.00").await;
    let id = created["id"].as_str().unwrap();
    let steps = ["STARTED", "CONFIRMED", "IN_PROGRESS", "COMPLETED"];
    for step in steps {
        advance(flux, id, step).await;
        wait_remittance(flux, id, step).await;
    }
    let done = get(flux, id).await;
    let history: Vec<&str> = done["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["new_status"].as_str().unwrap())
        .collect();
    assert_eq!(
        history,
        [
            "CREATED",
            "STARTED",
            "CONFIRMED",
            "IN_PROGRESS",
            "COMPLETED"
        ]
    );
    // The partner's deltas, across however many messages they were folded into, in order.
    // Up to 20 s: a loaded CI machine delivers slowly, never out of order.
    let mut deltas = Vec::new();
    for _ in 0..800 {
        deltas = receiver
            .received()
            .iter()
            .flat_map(|m| {
                let body = m.json();
                assert_eq!(body["type"], "REMITTANCE_STATUS");
                assert_eq!(body["remittance"]["id"], id);
                body["deltas"].as_array().unwrap().clone()
            })
            .map(|d| {
                format!(
                    "{}>{}",
                    d["old_status"].as_str().unwrap(),
                    d["new_status"].as_str().unwrap()
                )
            })
            .collect::<Vec<_>>();
        if deltas.len() >= 4 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert_eq!(
        deltas,
        [
            "CREATED>STARTED",
            "STARTED>CONFIRMED",
            "CONFIRMED>IN_PROGRESS",
            "IN_PROGRESS>COMPLETED"
        ]
    );
    // A late report changes nothing: the emulator refuses, Flux would ignore it anyway.
    let late = flux
        .post(
            &format!("/api/sandbox/remittances/{id}/advance"),
            &json!({"status": "STARTED"}),
        )
        .await;
    assert_eq!(late.status, 409, "{}", late.text);
}

#[tokio::test]
async fn remittances_on_sqlite() {
    let flux = TestFlux::start(Options::default()).await;
    create_replay_and_refusals(&flux).await;
    validation_names_each_field(&flux).await;
    life_to_completed(&flux).await;
}

#[tokio::test]
async fn remittances_on_postgres() {
    with_postgres(|url| async move {
        let flux = TestFlux::start(Options {
            database_url: Some(url),
            ..Options::default()
        })
        .await;
        create_replay_and_refusals(&flux).await;
        validation_names_each_field(&flux).await;
        life_to_completed(&flux).await;
    })
    .await;
}

/// Points Félix's callbacks at nothing, as a wrong registration or a long outage would.
async fn lose_callbacks(flux: &TestFlux) {
    felix(flux)
        .client
        .register_callback(
            &felix::wire::RegisterCallbackRequest {
                url: "http://127.0.0.1:9/nowhere".into(),
                headers: None,
                extra: Default::default(),
            },
            &felix::CallContext::default(),
        )
        .await
        .unwrap();
}

/// Félix's callbacks go nowhere; the resolver's polling still brings the remittance to its
/// final status, and says so in its history.
async fn lost_callbacks_are_polled(database_url: Option<String>) {
    let flux = TestFlux::start(Options {
        database_url,
        resolver_interval_ms: 100,
        felix_poll_after_ms: 200,
        ..Options::default()
    })
    .await;
    lose_callbacks(&flux).await;
    let created = create(&flux, "remit-lost", "80.00").await;
    let id = created["id"].as_str().unwrap();
    for step in ["STARTED", "CONFIRMED", "IN_PROGRESS", "COMPLETED"] {
        advance(&flux, id, step).await;
    }
    let done = wait_remittance(&flux, id, "COMPLETED").await;
    let last = done["history"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["source"], "felix poll", "{done}");
}

#[tokio::test]
async fn lost_callbacks_are_polled_on_sqlite() {
    lost_callbacks_are_polled(None).await;
}

#[tokio::test]
async fn lost_callbacks_are_polled_on_postgres() {
    with_postgres(|url| async move { lost_callbacks_are_polled(Some(url)).await }).await;
}

/// Fifty identical requests at once: one Félix transaction, one remittance, one answer.
async fn race(database_url: Option<String>) {
    let flux = TestFlux::start(Options {
        database_url,
        ..Options::default()
    })
    .await;
    let before = felix(&flux)
        .emulator
        .as_ref()
        .unwrap()
        .stats()
        .transactions_created;
    let (path, b) = (remittances(), body("42.00"));
    let calls = (0..50).map(|_| flux.post_idem(&path, &b, "remit-race"));
    let answers = futures::future::join_all(calls).await;
    let ids: std::collections::BTreeSet<String> = answers
        .iter()
        .map(|r| {
            assert_eq!(r.status, 201, "{}", r.text);
            r.body["id"].as_str().unwrap().to_string()
        })
        .collect();
    assert_eq!(ids.len(), 1);
    let after = felix(&flux)
        .emulator
        .as_ref()
        .unwrap()
        .stats()
        .transactions_created;
    assert_eq!(after - before, 1);
    let list = flux.get(&remittances()).await;
    assert_eq!(list.body["pagination"]["total_items"], 1, "{}", list.text);
}

#[tokio::test]
async fn idempotency_race_on_sqlite() {
    race(None).await;
}

#[tokio::test]
async fn idempotency_race_on_postgres() {
    with_postgres(|url| async move { race(Some(url)).await }).await;
}

/// Félix's callback: refused without the registered secret; with it, kept and applied once
/// (identical bytes are a duplicate); a body Flux cannot read is kept for review, not refused.
async fn callbacks_are_authenticated_and_deduplicated(flux: &TestFlux) {
    let created = create(flux, "remit-callback", "12.00").await;
    let reference = created["provider_reference"].as_str().unwrap();
    let container = json!({
        "provider_id": "p", "callback_url": "http://flux/api/webhooks/felix",
        "notifications": [{
            "transaction": {"id": reference, "status": "CONFIRMED"},
            "deltas": [
                {"old_status": "CREATED", "new_status": "STARTED", "updated_at": "2026-01-02T00:05:00Z"},
                {"old_status": "STARTED", "new_status": "CONFIRMED", "updated_at": "2026-01-02T00:06:00Z"}
            ]
        }]
    });
    let bytes = serde_json::to_vec(&container).unwrap();
    let path = "/api/webhooks/felix";
    let anonymous = flux
        .send(Method::POST, path, None, Some(bytes.clone()), &[])
        .await;
    assert_eq!(anonymous.status, 401, "{}", anonymous.text);
    let wrong = flux
        .send(
            Method::POST,
            path,
            None,
            Some(bytes.clone()),
            &[(felix::gateway::SECRET_HEADER, "nope")],
        )
        .await;
    assert_eq!(wrong.status, 401, "{}", wrong.text);
    assert_eq!(
        get(flux, created["id"].as_str().unwrap()).await["status"],
        "CREATED"
    );

    let secret = flux
        .running
        .store
        .put_secret_setting_if_absent("felix_callback_secret", "unused")
        .await
        .unwrap();
    let header = [(felix::gateway::SECRET_HEADER, secret.as_str())];
    let first = flux
        .send(Method::POST, path, None, Some(bytes.clone()), &header)
        .await;
    assert_eq!(first.status, 200, "{}", first.text);
    assert_eq!(first.body["outcome"], "applied");
    assert_eq!(first.body["changes"], 2);
    let again = flux
        .send(Method::POST, path, None, Some(bytes), &header)
        .await;
    assert_eq!(again.body["outcome"], "duplicate", "{}", again.text);
    let r = get(flux, created["id"].as_str().unwrap()).await;
    assert_eq!(r["status"], "CONFIRMED");
    assert_eq!(r["history"].as_array().unwrap().len(), 3, "{r}");

    // A late, backwards report (another container, so not a duplicate) is ignored: no
    // status change, no history row.
    let mut late = container.clone();
    late["notifications"][0]["deltas"] = json!([
        {"old_status": "CREATED", "new_status": "STARTED", "updated_at": "2026-01-02T00:05:00Z"}
    ]);
    let stale = flux
        .send(
            Method::POST,
            path,
            None,
            Some(serde_json::to_vec(&late).unwrap()),
            &header,
        )
        .await;
    assert_eq!(stale.body["changes"], 0, "{}", stale.text);
    let r = get(flux, created["id"].as_str().unwrap()).await;
    assert_eq!(r["status"], "CONFIRMED");
    assert_eq!(r["history"].as_array().unwrap().len(), 3, "{r}");

    let junk = flux
        .send(
            Method::POST,
            path,
            None,
            Some(b"not json".to_vec()),
            &header,
        )
        .await;
    assert_eq!(junk.status, 200, "{}", junk.text);
    assert_eq!(junk.body["outcome"], "review");
}

#[tokio::test]
async fn callbacks_on_sqlite() {
    let flux = TestFlux::start(Options::default()).await;
    callbacks_are_authenticated_and_deduplicated(&flux).await;
}

#[tokio::test]
async fn callbacks_on_postgres() {
    with_postgres(|url| async move {
        let flux = TestFlux::start(Options {
            database_url: Some(url),
            ..Options::default()
        })
        .await;
        callbacks_are_authenticated_and_deduplicated(&flux).await;
    })
    .await;
}

/// `flux resolve` polls Félix too: with the serve's own polling far away, the command brings a
/// remittance whose callbacks were lost to where Félix has it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn flux_resolve_polls_remittances() {
    let flux = TestFlux::start(Options::default()).await;
    lose_callbacks(&flux).await;
    let created = create(&flux, "remit-cli", "80.00").await;
    let id = created["id"].as_str().unwrap().to_string();
    for step in ["STARTED", "CONFIRMED"] {
        advance(&flux, &id, step).await;
    }
    assert_eq!(get(&flux, &id).await["status"], "CREATED");
    let config = flux.data_dir.join("poll-now.toml");
    std::fs::write(&config, "[felix]\npoll_after_ms = 0\n").unwrap();
    let (ok, out) = tokio::task::block_in_place(|| {
        common::cli(
            &flux,
            &[
                "resolve",
                "--operator",
                "ops",
                "--config",
                config.to_str().unwrap(),
            ],
        )
    });
    assert!(ok, "{out}");
    let r = get(&flux, &id).await;
    assert_eq!(r["status"], "CONFIRMED", "{r}");
    assert_eq!(
        r["history"].as_array().unwrap().last().unwrap()["source"],
        "felix poll"
    );
}

/// Félix makes the remittance but its answer never reaches Flux: the partner gets 504, the
/// remittance stays as recorded (no Félix id), polling learns Félix's id, and the partner's
/// retry with the same key is the same remittance, not a second one.
#[tokio::test]
async fn a_lost_create_answer_is_learned_by_polling() {
    let flux = TestFlux::start(Options {
        resolver_interval_ms: 100,
        felix_poll_after_ms: 200,
        felix_timeout_ms: 300,
        ..Options::default()
    })
    .await;
    // A first remittance signs Flux in, so the fault below hits only the create.
    create(&flux, "remit-warmup", "1.00").await;
    let emulator = felix(&flux).emulator.clone().unwrap();
    let created_before = emulator.stats().transactions_created;
    emulator.set_faults(felix::emulator::Faults {
        drop_response_rate: 1.0,
        hang_ms: 1_000,
        ..Default::default()
    });
    let lost = flux
        .post_idem(&remittances(), &body("33.00"), "remit-lost-answer")
        .await;
    lost.problem(504, "upstream_timeout");
    emulator.set_faults(felix::emulator::Faults::default());
    assert_eq!(emulator.stats().transactions_created, created_before + 1);

    let list = flux.get(&format!("{}?per_page=10", remittances())).await;
    let row = list.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["amount"] == "33.00")
        .unwrap()
        .clone();
    let id = row["id"].as_str().unwrap().to_string();
    let mut learned = Value::Null;
    for _ in 0..200 {
        learned = get(&flux, &id).await;
        if learned["provider_reference"].is_string() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert!(learned["provider_reference"].is_string(), "{learned}");

    let retry = flux
        .post_idem(&remittances(), &body("33.00"), "remit-lost-answer")
        .await;
    assert_eq!(retry.status, 201, "{}", retry.text);
    assert_eq!(retry.body["id"], id.as_str());
    assert_eq!(
        retry.body["provider_reference"],
        learned["provider_reference"]
    );
    assert_eq!(emulator.stats().transactions_created, created_before + 1);
}

/// A remittance whose create never reached Félix (Félix has no record of it an hour later) is
/// filed for review once, and polling goes on; a recent one is left alone.
#[tokio::test]
async fn a_remittance_felix_never_received_is_filed() {
    // Polled again 50 ms after each try, so a slow first answer only delays the filing.
    let flux = TestFlux::start(Options {
        felix_poll_after_ms: 50,
        ..Options::default()
    })
    .await;
    let store = &flux.running.state.store;
    let now = flux_core::time::now();
    let record = |id: uuid::Uuid, age: chrono::Duration| flux_store::RemittanceRecord {
        id,
        partner_id: flux.running.demo_partner_id.unwrap(),
        client_id: DEMO_CLIENT.parse().unwrap(),
        provider: "felix".into(),
        provider_reference: None,
        status: flux_core::RemittanceStatus::Created,
        amount: Some("10.00".into()),
        currency: "MXN".into(),
        external_reference: "never-sent".into(),
        beneficiary: json!({}),
        metadata: None,
        created_at: now - age,
        updated_at: now - age,
        last_heard_at: None,
        settle_account: None,
        settlement_transaction_id: None,
        settled_at: None,
        paid_at: None,
        completed_at: None,
    };
    let (old, recent) = (uuid::Uuid::new_v4(), uuid::Uuid::new_v4());
    assert!(store
        .insert_remittance(&record(old, chrono::Duration::hours(2)))
        .await
        .unwrap());
    assert!(store
        .insert_remittance(&record(recent, chrono::Duration::minutes(5)))
        .await
        .unwrap());
    let state = &flux.running.state;
    let config = flux_gateway::resolver::ResolverConfig::default();
    let mut items = Vec::new();
    for _ in 0..100 {
        flux_gateway::resolver::resolve(store, &state.providers, &config)
            .await
            .unwrap();
        items = store
            .open_reviews(100)
            .await
            .unwrap()
            .into_iter()
            .filter(|r| r.item.kind == flux_store::ReviewKind::UnknownOutcome)
            .collect();
        if !items.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(60)).await;
    }
    // Filed once, however many rounds ask again.
    tokio::time::sleep(Duration::from_millis(60)).await;
    flux_gateway::resolver::resolve(store, &state.providers, &config)
        .await
        .unwrap();
    let again = store.open_reviews(100).await.unwrap();
    assert_eq!(
        again
            .iter()
            .filter(|r| r.item.kind == flux_store::ReviewKind::UnknownOutcome)
            .count(),
        1
    );
    assert_eq!(items.len(), 1, "{items:?}");
    assert_eq!(items[0].item.remittance_id, Some(old));
    assert!(items[0].item.reason.contains("no record"), "{items:?}");
    assert_eq!(
        store.get_remittance(old).await.unwrap().unwrap().status,
        flux_core::RemittanceStatus::Created
    );
}
