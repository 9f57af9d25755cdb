//! Webhooks both ways, against real HTTP: Fincore events into Flux, and signed, retried,
//! coalesced deliveries out to a partner's receiver (axum on 127.0.0.1:0).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::receiver::{python_verifies, Answer, Received, Receiver};
use common::*;
use flux_gateway::delivery::signing;
use reqwest::Method;
use serde_json::{json, Value};
use std::time::{Duration, Instant};
use uuid::Uuid;

const CLIENTS: &str = "/api/partners/clients";

/// Subscribes the demo client to `kind` at `url`; returns (subscription id, whsec secret).
async fn subscribe(flux: &TestFlux, kind: &str, url: &str) -> (String, String) {
    let r = flux
        .post(
            &format!("{CLIENTS}/{DEMO_CLIENT}/webhooks"),
            &json!({"client_id": DEMO_CLIENT, "url": url, "token": "partner-token-1", "webhook_type": kind}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let secret = r.body["secret"].as_str().unwrap().to_string();
    assert!(secret.starts_with("whsec_"));
    // Shown once: never in a read.
    let again = flux
        .get(&format!(
            "{CLIENTS}/{DEMO_CLIENT}/webhooks/{}",
            r.body["id"].as_str().unwrap()
        ))
        .await;
    assert!(again.body.get("secret").is_none(), "{}", again.text);
    (r.body["id"].as_str().unwrap().to_string(), secret)
}

async fn inbound(flux: &TestFlux, path: &str, body: &Value, token: Option<&str>) -> Resp {
    let headers: Vec<(&str, &str)> = token
        .map(|t| vec![("X-Webhook-Token", t)])
        .unwrap_or_default();
    flux.send(
        Method::POST,
        path,
        None,
        Some(serde_json::to_vec(body).unwrap()),
        &headers,
    )
    .await
}

fn token(flux: &TestFlux) -> String {
    flux.running
        .state
        .config
        .inbound_webhook_token
        .expose()
        .clone()
}

/// The seed's MONEY_IN, for this CLABE, with this message id.
fn money_in_event(id_msg: &str, clabe: &str) -> Value {
    let mut v: Value = serde_json::from_slice(&fincore_fixture("webhook_money_in")).unwrap();
    v["id_msg"] = id_msg.into();
    v["body"]["id"] = format!("prov-{id_msg}").into();
    v["body"]["beneficiary_account"] = clabe.into();
    v
}

fn status_event(id_msg: &str, reference: &str, status: &str) -> Value {
    let mut v: Value = serde_json::from_slice(&fincore_fixture("webhook_status_update")).unwrap();
    v["id_msg"] = id_msg.into();
    v["body"]["id"] = reference.into();
    v["body"]["status"] = status.into();
    v
}

/// A money-out Flux already knows, at INITIALIZED, with this provider reference.
async fn known_money_out(flux: &TestFlux, reference: &str) -> Uuid {
    let now = flux_core::time::now();
    let id = Uuid::new_v4();
    flux.running
        .store
        .insert_transaction(&flux_store::TransactionRecord {
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
            provider_reference: Some(reference.into()),
            failure_code: None,
            failure_description: None,
            counterparty: None,
            cep_status: None,
            cep_processed_at: None,
            remittance_id: None,
            created_at: now,
            updated_at: now,
        })
        .await
        .unwrap();
    id
}

async fn deliveries(flux: &TestFlux, hook: &str) -> Value {
    let r = flux
        .get(&format!(
            "{CLIENTS}/{DEMO_CLIENT}/webhooks/{hook}/deliveries"
        ))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    r.body
}

/// Waits until the newest delivery of `hook` has `attempts` recorded attempts.
async fn wait_recorded(flux: &TestFlux, hook: &str, attempts: usize) -> Value {
    for _ in 0..500 {
        let list = deliveries(flux, hook).await;
        if list["data"][0]["attempts"]
            .as_array()
            .is_some_and(|a| a.len() >= attempts)
        {
            return list;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("attempts were never recorded");
}

fn verifies(secret: &str, r: &Received) -> bool {
    let ts: i64 = r.header("webhook-timestamp").parse().unwrap();
    let now = flux_core::time::now().timestamp();
    signing::verify(
        secret,
        &r.header("webhook-id"),
        ts,
        r.body.as_bytes(),
        &r.header("webhook-signature"),
        now,
        300,
    )
}

fn deltas(v: &Value) -> Vec<(String, String)> {
    v["deltas"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["old_status"].as_str().unwrap().to_string(),
                d["new_status"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

async fn money_in_is_signed_deduplicated_and_delivered_once(flux: TestFlux) {
    let receiver = Receiver::start().await;
    let (hook, secret) = subscribe(&flux, "MONEY_IN", &receiver.url).await;
    let (clabe, _) = flux.demo_account().await;
    let event = money_in_event("dedupe-1", &clabe);

    // A wrong or missing token: 401, nothing stored, nothing delivered.
    inbound(&flux, "/api/webhooks/money-in", &event, Some("wrong"))
        .await
        .problem(401, "unauthorized");
    inbound(&flux, "/api/webhooks/money-in", &event, None)
        .await
        .problem(401, "unauthorized");
    // The same id_msg twice: one money-in, one delivery.
    let first = inbound(&flux, "/api/webhooks/money-in", &event, Some(&token(&flux))).await;
    assert_eq!(first.status, 200, "{}", first.text);
    assert_eq!(first.body["duplicate"], false);
    let again = inbound(&flux, "/api/webhooks/money-in", &event, Some(&token(&flux))).await;
    assert_eq!(again.body["duplicate"], true);
    let got = receiver.wait_for(1, Duration::from_secs(10)).await;
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(receiver.received().len(), 1, "one event, one delivery");
    let money_ins = flux
        .get(&format!(
            "{CLIENTS}/{DEMO_CLIENT}/transactions?kind=MONEY_IN"
        ))
        .await;
    let matching: Vec<&Value> = money_ins.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["provider_reference"] == "prov-dedupe-1")
        .collect();
    assert_eq!(matching.len(), 1);

    // What the partner receives: its token, Standard Webhooks headers, a body naming the event.
    let r = &got[0];
    assert_eq!(r.header("x-webhook-token"), "partner-token-1");
    assert_eq!(r.header("content-type"), "application/json");
    assert!(r.header("webhook-id").starts_with("msg_"));
    let ts: i64 = r.header("webhook-timestamp").parse().unwrap();
    assert!((flux_core::time::now().timestamp() - ts).abs() < 60);
    let body = r.json();
    assert_eq!(body["id"], r.header("webhook-id"));
    assert_eq!(body["type"], "MONEY_IN");
    assert_eq!(body["client_id"], DEMO_CLIENT);
    assert_eq!(body["transaction"]["id"], matching[0]["id"]);
    assert_eq!(body["transaction"]["amount"], "123.00");
    // Signed: verified by Flux's verifier and by Python's standard hmac, independently.
    assert!(verifies(&secret, r));
    assert!(python_verifies(&secret, r), "Python rejected the signature");
    let mut tampered = r.clone();
    tampered.body.push(' ');
    assert!(!python_verifies(&secret, &tampered));
    assert!(!python_verifies("whsec_d3Jvbmcgc2VjcmV0", r));

    // Visible to the partner.
    let list = wait_recorded(&flux, &hook, 1).await;
    let d = &list["data"][0];
    assert_eq!(d["id"], r.header("webhook-id"));
    assert_eq!(d["status"], "delivered");
    assert_eq!(d["attempts"][0]["status_code"], 204);
    assert!(d["attempts"][0]["latency_ms"].is_i64());
    let metrics = flux.send(Method::GET, "/metrics", None, None, &[]).await;
    assert!(
        metrics
            .text
            .contains("flux_webhook_attempts_total{result=\"delivered\"}"),
        "{}",
        metrics.text
    );
    flux.running.stop().await;
}

#[tokio::test]
async fn money_in_webhook_on_sqlite() {
    money_in_is_signed_deduplicated_and_delivered_once(TestFlux::start(Options::default()).await)
        .await;
}

#[tokio::test]
async fn money_in_webhook_on_postgres() {
    with_postgres(|url| async move {
        let flux = TestFlux::start(Options {
            database_url: Some(url),
            ..Options::default()
        })
        .await;
        money_in_is_signed_deduplicated_and_delivered_once(flux).await;
    })
    .await;
}

/// Three failures then success: exactly four attempts, same webhook-id, each wait about twice
/// the one before (test-speed schedule: 300 ms base; the bounds leave room for a loaded machine).
#[tokio::test]
async fn failing_endpoint_is_retried_with_exponential_backoff() {
    let flux = TestFlux::start(Options {
        webhook_retry_base_ms: 300,
        ..Options::default()
    })
    .await;
    let receiver = Receiver::start().await;
    receiver.script(&[
        Answer::Status(500),
        Answer::Status(502),
        Answer::Status(503),
    ]);
    let (hook, secret) = subscribe(&flux, "MONEY_IN", &receiver.url).await;
    let sent = flux
        .post(
            &format!("{CLIENTS}/{DEMO_CLIENT}/webhooks/{hook}/test"),
            &json!({}),
        )
        .await;
    assert_eq!(sent.status, 202, "{}", sent.text);
    let got = receiver.wait_for(4, Duration::from_secs(10)).await;
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(receiver.received().len(), 4, "exactly four attempts");
    let id = got[0].header("webhook-id");
    assert_eq!(id, sent.body["id"]);
    assert!(got.iter().all(|r| r.header("webhook-id") == id));
    assert!(got.iter().all(|r| verifies(&secret, r)));
    let gaps: Vec<Duration> = got.windows(2).map(|w| w[1].at - w[0].at).collect();
    assert!(gaps[0] >= Duration::from_millis(250), "{gaps:?}");
    assert!(gaps[1] > gaps[0].mul_f64(1.25), "{gaps:?}");
    assert!(gaps[2] > gaps[1].mul_f64(1.25), "{gaps:?}");
    let list = wait_recorded(&flux, &hook, 4).await;
    let codes: Vec<i64> = list["data"][0]["attempts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["status_code"].as_i64().unwrap())
        .collect();
    assert_eq!(codes, vec![500, 502, 503, 204]);
    assert_eq!(list["data"][0]["status"], "delivered");
    flux.running.stop().await;
}

/// Two status changes while the partner is down reach it as one notification with both deltas,
/// in order.
#[tokio::test]
async fn status_changes_while_down_arrive_as_one_notification() {
    let flux = TestFlux::start(Options {
        webhook_retry_base_ms: 1_500,
        ..Options::default()
    })
    .await;
    let receiver = Receiver::start().await;
    receiver.otherwise(Answer::Status(503));
    let (hook, secret) = subscribe(&flux, "STATUS_UPDATE", &receiver.url).await;
    known_money_out(&flux, "coalesce-ref").await;
    let t = token(&flux);
    let r = inbound(
        &flux,
        "/api/webhooks/status-update",
        &status_event("co-1", "coalesce-ref", "PENDING"),
        Some(&t),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    receiver.wait_for(1, Duration::from_secs(5)).await;
    wait_recorded(&flux, &hook, 1).await;
    let r = inbound(
        &flux,
        "/api/webhooks/status-update",
        &status_event("co-2", "coalesce-ref", "COMPLETED"),
        Some(&t),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    receiver.otherwise(Answer::Status(200));
    let got = receiver.wait_for(2, Duration::from_secs(10)).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(receiver.received().len(), 2);
    let delivered = got[1].json();
    assert_eq!(
        deltas(&delivered),
        vec![
            ("INITIALIZED".to_string(), "PENDING".to_string()),
            ("PENDING".to_string(), "COMPLETED".to_string())
        ]
    );
    assert_eq!(delivered["transaction"]["status"], "COMPLETED");
    assert!(verifies(&secret, &got[1]));
    let list = wait_recorded(&flux, &hook, 1).await;
    let statuses: Vec<&str> = list["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, vec!["delivered", "superseded"]);
    flux.running.stop().await;
}

/// A partner whose endpoint hangs holds only its own slots: another partner's deliveries flow.
#[tokio::test]
async fn hanging_endpoint_does_not_delay_another() {
    let flux = TestFlux::start(Options {
        webhook_timeout_ms: 10_000,
        webhook_per_endpoint: 4,
        ..Options::default()
    })
    .await;
    let slow = Receiver::start().await;
    slow.otherwise(Answer::Hang);
    let fast = Receiver::start().await;
    subscribe(&flux, "MONEY_IN", &slow.url).await;
    subscribe(&flux, "MONEY_IN", &fast.url).await;
    let (clabe, _) = flux.demo_account().await;
    let t = token(&flux);
    let started = Instant::now();
    for i in 0..20 {
        let r = inbound(
            &flux,
            "/api/webhooks/money-in",
            &money_in_event(&format!("hang-{i}"), &clabe),
            Some(&t),
        )
        .await;
        assert_eq!(r.status, 200, "{}", r.text);
    }
    fast.wait_for(20, Duration::from_secs(5)).await;
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert!(
        slow.received().len() <= 4,
        "the hanging endpoint got {} concurrent attempts",
        slow.received().len()
    );
    flux.running.stop().await;
}

/// Sandbox end to end: a simulated SPEI credit reaches the partner as a signed MONEY_IN webhook,
/// and a money-out as STATUS_UPDATE webhooks whose deltas end at COMPLETED.
#[tokio::test]
async fn sandbox_money_flow_reaches_the_partner() {
    let flux = TestFlux::start(Options::default()).await;
    let receiver = Receiver::start().await;
    let (_, money_in_secret) = subscribe(&flux, "MONEY_IN", &receiver.url).await;
    let (_, status_secret) = subscribe(&flux, "STATUS_UPDATE", &receiver.url).await;
    let credit = flux
        .post(
            "/api/sandbox/money-in",
            &json!({"client_id": DEMO_CLIENT, "amount": "250.00"}),
        )
        .await;
    assert_eq!(credit.status, 201, "{}", credit.text);
    let got = receiver.wait_for(1, Duration::from_secs(10)).await;
    let event = got[0].json();
    assert_eq!(event["type"], "MONEY_IN");
    assert_eq!(event["transaction"]["id"], credit.body["id"]);
    assert_eq!(event["transaction"]["amount"], "250.00");
    assert!(python_verifies(&money_in_secret, &got[0]));

    let (_, source) = flux.demo_account().await;
    let card = flux.card("4772130000000003").await;
    let out = flux
        .post(
            "/api/partners/transactions/money-out",
            &flux.money_out_body(&source, &card, "100.00"),
        )
        .await;
    assert_eq!(out.status, 201, "{}", out.text);
    let id = out.body["id"].as_str().unwrap().to_string();
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut seen: Vec<(String, String)> = vec![];
    while !seen.iter().any(|(_, new)| new == "COMPLETED") {
        assert!(
            Instant::now() < deadline,
            "no COMPLETED delivered: {seen:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
        seen = receiver
            .received()
            .iter()
            .filter(|r| r.json()["type"] == "STATUS_UPDATE" && r.json()["transaction"]["id"] == id)
            .inspect(|r| assert!(python_verifies(&status_secret, r)))
            .flat_map(|r| deltas(&r.json()))
            .collect();
    }
    // The deltas chain: each starts where the previous ended.
    for w in seen.windows(2) {
        assert_eq!(w[0].1, w[1].0, "{seen:?}");
    }
    flux.running.stop().await;
}

/// Deliveries are listed with their attempts, can be retried by hand, a test event can be sent,
/// the secret rotates with both signatures during the grace period, and 410 disables.
#[tokio::test]
async fn deliveries_retry_test_rotation_and_gone() {
    let flux = TestFlux::start(Options::default()).await;
    let receiver = Receiver::start().await;
    let (hook, old_secret) = subscribe(&flux, "CEP", &receiver.url).await;
    let base = format!("{CLIENTS}/{DEMO_CLIENT}/webhooks/{hook}");
    let test = flux.post(&format!("{base}/test"), &json!({})).await;
    assert_eq!(test.status, 202, "{}", test.text);
    assert_eq!(test.body["event_type"], "TEST");
    let first = receiver.wait_for(1, Duration::from_secs(5)).await;
    assert_eq!(first[0].json()["type"], "TEST");

    // Rotation: the next delivery carries two signatures; each secret verifies it.
    let rotated = flux
        .post(&format!("{base}/secret/rotate"), &json!({}))
        .await;
    assert_eq!(rotated.status, 200, "{}", rotated.text);
    let new_secret = rotated.body["secret"].as_str().unwrap().to_string();
    assert_ne!(new_secret, old_secret);
    flux.post(&format!("{base}/test"), &json!({})).await;
    let got = receiver.wait_for(2, Duration::from_secs(5)).await;
    assert_eq!(got[1].header("webhook-signature").split(' ').count(), 2);
    assert!(verifies(&new_secret, &got[1]) && verifies(&old_secret, &got[1]));
    assert!(python_verifies(&new_secret, &got[1]) && python_verifies(&old_secret, &got[1]));

    // A manual retry resends the same message (same webhook-id).
    let list = wait_recorded(&flux, &hook, 1).await;
    let delivered_id = list["data"][0]["id"].as_str().unwrap().to_string();
    let retry = flux
        .post(
            &format!("{base}/deliveries/{delivered_id}/retry"),
            &json!({}),
        )
        .await;
    assert_eq!(retry.status, 202, "{}", retry.text);
    let got = receiver.wait_for(3, Duration::from_secs(5)).await;
    assert_eq!(got[2].header("webhook-id"), delivered_id);
    flux.post(&format!("{base}/deliveries/msg_unknown/retry"), &json!({}))
        .await
        .problem(404, "not_found");

    // Another partner cannot see or touch these.
    let (_, _, other_key) = flux.other_partner().await;
    let theirs = flux
        .send(
            Method::GET,
            &format!("{base}/deliveries"),
            Some(&other_key),
            None,
            &[],
        )
        .await;
    theirs.problem(404, "not_found");

    // 410 Gone: the delivery fails at once and the subscription is disabled.
    receiver.otherwise(Answer::Status(410));
    flux.post(&format!("{base}/test"), &json!({})).await;
    receiver.wait_for(4, Duration::from_secs(5)).await;
    let mut status = String::new();
    for _ in 0..200 {
        status = flux.get(&base).await.body["webhook_status"]
            .as_str()
            .unwrap()
            .to_string();
        if status == "INACTIVE" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(status, "INACTIVE");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(receiver.received().len(), 4, "no retry after 410");
    flux.running.stop().await;
}

/// A `flux serve` process on `dir`; returns it with its base URL once it prints its key.
async fn spawn_flux(dir: &std::path::Path, key: &str) -> (tokio::process::Child, String) {
    use tokio::io::{AsyncBufReadExt, BufReader};
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_flux"))
        .args(["serve", "--addr", "127.0.0.1:0", "--data-dir"])
        .arg(dir)
        .env("FLUX_DEMO_API_KEY", key)
        .env("FLUX_FINCORE_WEBHOOK_TOKEN", "inbound-token-for-crash-test")
        .env("FLUX_WEBHOOK_RETRY_BASE_MS", "1000")
        .env("FLUX_WEBHOOK_POLL_MS", "20")
        .env_remove("FLUX_DATABASE_URL")
        .env_remove("FLUX_FINCORE_URL")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut base = None;
    while let Ok(Some(line)) = tokio::time::timeout(Duration::from_secs(30), lines.next_line())
        .await
        .unwrap()
    {
        if let Some(url) = line.strip_prefix("Flux listening on ") {
            base = Some(url.to_string());
        }
        if line.trim().starts_with("demo API key: ") {
            break;
        }
    }
    // Keep draining stdout so the process never blocks on a full pipe.
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    (child, base.unwrap())
}

/// Flux killed (SIGKILL) after acknowledging an event but before delivering it: the restarted
/// process delivers it, once, with the same webhook-id.
#[tokio::test]
async fn killed_between_receipt_and_delivery_still_delivers_once() {
    let dir = tempfile::tempdir().unwrap();
    let key = "flux_test_crash-restart-demo-key-0123456789abcdef";
    let http = reqwest::Client::new();
    let receiver = Receiver::start().await;
    receiver.script(&[Answer::Status(500)]);
    let (mut first, base) = spawn_flux(dir.path(), key).await;
    let get = |base: String, path: String| {
        let http = http.clone();
        async move {
            let r = http
                .get(format!("{base}{path}"))
                .header("X-API-Key", key)
                .send()
                .await
                .unwrap();
            r.json::<Value>().await.unwrap()
        }
    };
    let accounts = get(base.clone(), format!("{CLIENTS}/{DEMO_CLIENT}/accounts")).await;
    let clabe = accounts["data"][0]["clabe"].as_str().unwrap().to_string();
    let created = http
        .post(format!("{base}{CLIENTS}/{DEMO_CLIENT}/webhooks"))
        .header("X-API-Key", key)
        .json(&json!({"client_id": DEMO_CLIENT, "url": receiver.url, "token": "partner-token-1", "webhook_type": "MONEY_IN"}))
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap();
    let hook = created["id"].as_str().unwrap().to_string();
    let secret = created["secret"].as_str().unwrap().to_string();
    let ack = http
        .post(format!("{base}/api/webhooks/money-in"))
        .header("X-Webhook-Token", "inbound-token-for-crash-test")
        .json(&money_in_event("crash-1", &clabe))
        .send()
        .await
        .unwrap();
    assert_eq!(ack.status(), 200);
    // The first attempt fails and is recorded as failed; then the process dies hard.
    receiver.wait_for(1, Duration::from_secs(10)).await;
    let deliveries_path = format!("{CLIENTS}/{DEMO_CLIENT}/webhooks/{hook}/deliveries");
    for _ in 0..500 {
        let list = get(base.clone(), deliveries_path.clone()).await;
        if list["data"][0]["attempts"]
            .as_array()
            .is_some_and(|a| !a.is_empty())
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    first.kill().await.unwrap(); // SIGKILL: no graceful shutdown
    let before_restart = receiver.received().len();
    assert_eq!(before_restart, 1);

    let (mut second, base) = spawn_flux(dir.path(), key).await;
    let got = receiver.wait_for(2, Duration::from_secs(15)).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(
        receiver.received().len(),
        2,
        "delivered once after the restart"
    );
    assert_eq!(got[0].header("webhook-id"), got[1].header("webhook-id"));
    assert_eq!(got[0].body, got[1].body);
    assert!(python_verifies(&secret, &got[1]));
    let list = get(base, deliveries_path).await;
    assert_eq!(list["data"][0]["status"], "delivered", "{list}");
    assert_eq!(list["data"][0]["attempt_count"], 2);
    second.kill().await.unwrap();
}
