//! Input strictness of the Partners API over real HTTP: duplicate JSON keys (400), bodies that
//! are not declared JSON (415), a client address guessing API keys (429), and the sandbox
//! money-in honouring Idempotency-Key.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use std::time::Duration;

const CLIENTS: &str = "/api/partners/clients";

/// A request as a partner's client may really send it: any Content-Type (or none), raw bytes.
async fn raw(
    flux: &TestFlux,
    method: Method,
    path: &str,
    content_type: Option<&str>,
    body: &[u8],
    headers: &[(&str, &str)],
) -> Resp {
    let mut req = flux
        .http
        .request(method, format!("{}{path}", flux.base))
        .header("X-API-Key", &flux.key)
        .body(body.to_vec());
    if let Some(ct) = content_type {
        req = req.header("content-type", ct);
    }
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    into_resp(req.send().await.unwrap()).await
}

async fn into_resp(resp: reqwest::Response) -> Resp {
    let status = resp.status();
    let headers = resp.headers().clone();
    let text = resp.text().await.unwrap();
    let body = serde_json::from_str(&text).unwrap_or(Value::Null);
    Resp {
        status,
        headers,
        body,
        text,
    }
}

async fn post_json(flux: &TestFlux, path: &str, body: &str) -> Resp {
    raw(
        flux,
        Method::POST,
        path,
        Some("application/json"),
        body.as_bytes(),
        &[],
    )
    .await
}

async fn transactions(flux: &TestFlux, kind: &str) -> u64 {
    let r = flux
        .get(&format!("{CLIENTS}/{DEMO_CLIENT}/transactions?kind={kind}"))
        .await;
    r.body["pagination"]["total_items"].as_u64().unwrap()
}

/// The duplicate is refused with 400 naming its path, and nothing is done.
fn assert_duplicate(r: &Resp, path: &str) {
    r.problem(400, "duplicate_json_key");
    assert_eq!(r.field_reasons()[0].0, path, "{}", r.text);
    assert!(
        r.body["detail"].as_str().unwrap().starts_with(path),
        "{}",
        r.text
    );
}

async fn duplicate_keys_are_refused(flux: &TestFlux) {
    let (clabe, source) = flux.demo_account().await;
    let card = flux.card("4772130000000003").await;
    let balance = flux.emulator().balance(&clabe).unwrap();
    let money_ins = transactions(flux, "MONEY_IN").await;

    // Nested: the money-out's amount twice. serde_json alone would have moved 2.00.
    let body = format!(
        r#"{{"client_id":"{DEMO_CLIENT}","source_instrument_id":"{source}","destination_instrument_id":"{card}",
            "transaction_request":{{"external_reference":"INV-1","description":"Pago","amount":"1.00","currency":"MXN","amount":"2.00"}}}}"#
    );
    let r = raw(
        flux,
        Method::POST,
        "/api/partners/transactions/money-out",
        Some("application/json"),
        body.as_bytes(),
        &[("Idempotency-Key", "dup-1")],
    )
    .await;
    assert_duplicate(&r, "transaction_request.amount");
    // Top level, and written with an escape: "amoun\u0074" is "amount".
    let money_in = "/api/sandbox/money-in";
    let top = format!(r#"{{"client_id":"{DEMO_CLIENT}","amount":"1.00","amount":"2.00"}}"#);
    assert_duplicate(&post_json(flux, money_in, &top).await, "amount");
    let escaped =
        format!(r#"{{"client_id":"{DEMO_CLIENT}","amount":"1.00","amoun\u0074":"2.00"}}"#);
    assert_duplicate(&post_json(flux, money_in, &escaped).await, "amount");

    // No money moved, and the idempotency key was not spent on the refused body.
    assert_eq!(flux.emulator().stats().money_out_executed, 0);
    assert_eq!(flux.emulator().balance(&clabe).unwrap(), balance);
    assert_eq!(transactions(flux, "MONEY_OUT").await, 0);
    assert_eq!(transactions(flux, "MONEY_IN").await, money_ins);
    let fixed = flux.money_out_body(&source, &card, "1.00");
    let ok = flux
        .post_idem("/api/partners/transactions/money-out", &fixed, "dup-1")
        .await;
    assert_eq!(ok.status, 201, "{}", ok.text);
    assert!(ok.headers.get("idempotency-replayed").is_none());

    // The ledger API: inside an array of operations, and in a person.
    let base = format!("{CLIENTS}/{DEMO_CLIENT}/ledger");
    let person = r#"{"type":"COMPANY","name":"Tienda Sol","tax_id":"TSO010101AB1","name":"Otra"}"#;
    assert_duplicate(
        &post_json(flux, &format!("{base}/persons"), person).await,
        "name",
    );
    assert_eq!(flux.get(&format!("{base}/persons")).await.body["total"], 0);
    let account = |name: &str, normal: &str| json!({"name": name, "currency": "MXN", "normal_balance": normal});
    let cash = flux
        .post(&format!("{base}/accounts"), &account("caja", "DEBIT"))
        .await;
    assert_eq!(cash.status, 201, "{}", cash.text);
    let wallet = flux
        .post(&format!("{base}/accounts"), &account("monedero", "CREDIT"))
        .await;
    let (cash, wallet) = (
        cash.body["id"].as_str().unwrap(),
        wallet.body["id"].as_str().unwrap(),
    );
    let transfer = |ops: String| {
        format!(
            r#"{{"reference_id":"r-dup","currency":"MXN","description":"recarga","operations":[{ops}]}}"#
        )
    };
    let doubled = transfer(format!(
        r#"{{"account_id":"{cash}","direction":"DEBIT","amount":"5.00"}},
           {{"account_id":"{wallet}","direction":"CREDIT","amount":"5.00","amount":"500.00"}}"#
    ));
    let r = post_json(flux, &format!("{base}/transactions"), &doubled).await;
    assert_duplicate(&r, "operations[1].amount");
    // Nothing was posted: the same reference_id is still free.
    let single = transfer(format!(
        r#"{{"account_id":"{cash}","direction":"DEBIT","amount":"5.00"}},
           {{"account_id":"{wallet}","direction":"CREDIT","amount":"5.00"}}"#
    ));
    let r = post_json(flux, &format!("{base}/transactions"), &single).await;
    assert_eq!(r.status, 201, "{}", r.text);

    // Distinct keys that only look alike are fine.
    let r = flux
        .post(
            money_in,
            &json!({"client_id": DEMO_CLIENT, "amount": "1.00", "payer_name": "amount"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn duplicate_json_keys_are_400_on_sqlite() {
    let flux = TestFlux::start(Options::default()).await;
    duplicate_keys_are_refused(&flux).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn duplicate_json_keys_are_400_on_postgres() {
    with_postgres(|url| async move {
        let flux = TestFlux::start(Options {
            database_url: Some(url),
            ..Default::default()
        })
        .await;
        duplicate_keys_are_refused(&flux).await;
        flux.running.stop().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn partner_bodies_must_be_declared_json() {
    let flux = TestFlux::start(Options::default()).await;
    let (_, source) = flux.demo_account().await;
    let card = flux.card("4772130000000003").await;
    let path = "/api/partners/transactions/money-out";
    let body = serde_json::to_vec(&flux.money_out_body(&source, &card, "3.00")).unwrap();
    let unsupported = |r: &Resp| {
        r.problem(415, "unsupported_media_type");
        assert_eq!(r.field_reasons()[0].0, "Content-Type", "{}", r.text);
    };

    // A valid JSON body, declared as something else or not declared: refused, nothing moves.
    for ct in [
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
        Some("application/json; charset=latin1"),
        None,
    ] {
        let r = raw(&flux, Method::POST, path, ct, &body, &[]).await;
        unsupported(&r);
        if let Some(ct) = ct {
            assert!(
                r.body["detail"].as_str().unwrap().contains(ct),
                "{}",
                r.text
            );
        }
    }
    assert_eq!(flux.emulator().stats().money_out_executed, 0);
    // PATCH too.
    let hook = flux
        .post(
            &format!("{CLIENTS}/{DEMO_CLIENT}/webhooks"),
            &fixture("webhook_create"),
        )
        .await;
    assert_eq!(hook.status, 201, "{}", hook.text);
    let hook = format!(
        "{CLIENTS}/{DEMO_CLIENT}/webhooks/{}",
        hook.body["id"].as_str().unwrap()
    );
    let patch = serde_json::to_vec(&fixture("webhook_patch")).unwrap();
    unsupported(&raw(&flux, Method::PATCH, &hook, Some("text/plain"), &patch, &[]).await);

    // JSON with parameters, or a structured +json type, is JSON.
    let r = raw(
        &flux,
        Method::POST,
        path,
        Some("application/json; charset=utf-8"),
        &body,
        &[],
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let r = raw(
        &flux,
        Method::PATCH,
        &hook,
        Some("application/merge-patch+json"),
        &patch,
        &[],
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);

    // No body, no Content-Type: an action endpoint works, a create says the body is missing.
    let r = raw(
        &flux,
        Method::POST,
        &format!("{hook}/secret/rotate"),
        None,
        b"",
        &[],
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    raw(&flux, Method::POST, path, None, b"", &[])
        .await
        .problem(400, "malformed_json");

    // Inbound provider webhooks are not partner requests: not checked here.
    let token = flux
        .running
        .state
        .config
        .inbound_webhook_token
        .expose()
        .clone();
    let r = flux
        .http
        .post(format!("{}/api/webhooks/money-in", flux.base))
        .header("X-Webhook-Token", token)
        .header("content-type", "text/plain")
        .body(fincore_fixture("webhook_money_in"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
}

/// A bad-key request to a cheap endpoint from `forwarded` (through the trusted proxy).
async fn from(flux: &TestFlux, key: &str, forwarded: Option<&str>) -> Resp {
    let mut req = flux
        .http
        .get(format!("{}/api/partners/banks", flux.base))
        .header("X-API-Key", key);
    if let Some(addr) = forwarded {
        req = req.header("X-Forwarded-For", addr);
    }
    into_resp(req.send().await.unwrap()).await
}

/// Bad keys until the first 429: the statuses seen.
async fn storm(flux: &TestFlux, forwarded: Option<&str>, max: usize) -> Vec<u16> {
    let mut seen = vec![];
    while seen.len() < max && seen.last() != Some(&429) {
        seen.push(
            from(flux, "flux_test_guess", forwarded)
                .await
                .status
                .as_u16(),
        );
    }
    seen
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_key_storm_from_one_address_gets_429() {
    let flux = TestFlux::start(Options {
        auth_failures_burst: 5,
        auth_failures_refill_ms: 2_000,
        trusted_proxies: vec!["127.0.0.1/32".into()],
        ..Default::default()
    })
    .await;
    let key = flux.key.clone();
    let (attacker, neighbour) = (Some("198.51.100.1"), Some("198.51.100.2"));

    // Successes cost nothing: many good requests, then still the whole burst of failures.
    for _ in 0..20 {
        assert_eq!(from(&flux, &key, attacker).await.status, 200);
    }
    let seen = storm(&flux, attacker, 8).await;
    assert_eq!(&seen[..5], &[401; 5], "{seen:?}");
    assert_eq!(seen.last(), Some(&429), "{seen:?}");
    // Now every bad key is refused with 429; a valid key is still served (the address may be
    // a balancer every partner shares, and a 256-bit key is not guessed).
    assert_eq!(from(&flux, &key, attacker).await.status, 200);
    let r = from(&flux, "flux_test_guess", attacker).await;
    r.problem(429, "auth_rate_limited");
    let retry: u64 = r.headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=2).contains(&retry), "{retry}");
    assert_eq!(r.headers["ratelimit-policy"], "1;w=2;burst=5");
    assert!(r.headers["ratelimit"]
        .to_str()
        .unwrap()
        .contains("remaining=0"));
    assert!(
        r.body["detail"].as_str().unwrap().contains("198.51.100.1"),
        "{}",
        r.text
    );

    // Another address behind the same proxy is untouched, and so is the proxy itself.
    from(&flux, "flux_test_guess", neighbour)
        .await
        .problem(401, "unauthorized");
    assert_eq!(from(&flux, &key, neighbour).await.status, 200);
    assert_eq!(from(&flux, &key, None).await.status, 200);
    // Only the right-most untrusted entry counts: a forged left part changes nothing.
    let forged = Some("203.0.113.77, 198.51.100.1");
    from(&flux, "flux_test_guess", forged)
        .await
        .problem(429, "auth_rate_limited");

    // Wrong provider webhook tokens count the same way; the right one is always served.
    let hook = |token: &str| {
        let token = token.to_string();
        let flux = &flux;
        async move {
            flux.send(
                Method::POST,
                "/api/webhooks/cep",
                None,
                Some(br#"{"id_msg":"guess","body":{}}"#.to_vec()),
                &[
                    ("X-Webhook-Token", &token),
                    ("X-Forwarded-For", "198.51.100.9"),
                ],
            )
            .await
        }
    };
    let mut seen = Vec::new();
    for _ in 0..6 {
        seen.push(hook("guess").await.status.as_u16());
    }
    assert_eq!(seen, [401, 401, 401, 401, 401, 429]);
    let right = flux
        .running
        .state
        .config
        .inbound_webhook_token
        .expose()
        .clone();
    assert_eq!(hook(&right).await.status, 200);

    // When the window has passed, the address is heard again (and one more failure allowed).
    tokio::time::sleep(Duration::from_secs(retry) + Duration::from_millis(100)).await;
    assert_eq!(from(&flux, &key, attacker).await.status, 200);
    from(&flux, "flux_test_guess", attacker)
        .await
        .problem(401, "unauthorized");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forwarded_for_is_ignored_unless_the_peer_is_a_trusted_proxy() {
    // The proxy is elsewhere: the tests' connections from 127.0.0.1 are not from it.
    let flux = TestFlux::start(Options {
        auth_failures_burst: 3,
        auth_failures_refill_ms: 60_000,
        trusted_proxies: vec!["10.0.0.0/8".into()],
        ..Default::default()
    })
    .await;
    let seen = storm(&flux, Some("198.51.100.1"), 6).await;
    assert_eq!(seen, [401, 401, 401, 429]);
    // A new X-Forwarded-For does not make a new client: it is still 127.0.0.1.
    from(&flux, "flux_test_guess", Some("198.51.100.2"))
        .await
        .problem(429, "auth_rate_limited");
    from(&flux, "flux_test_guess", None)
        .await
        .problem(429, "auth_rate_limited");
    assert_eq!(from(&flux, &flux.key.clone(), None).await.status, 200);
    // Operational endpoints and provider webhooks are not partner requests.
    let health = flux
        .http
        .get(format!("{}/healthz", flux.base))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), StatusCode::OK);
}

async fn sandbox_money_in_is_idempotent(flux: &TestFlux) {
    let (clabe, _) = flux.demo_account().await;
    let before = flux.emulator().balance(&clabe).unwrap();
    let before_count = transactions(flux, "MONEY_IN").await;
    let path = "/api/sandbox/money-in";
    let body = json!({"client_id": DEMO_CLIENT, "amount": "10.00"});

    let first = flux.post_idem(path, &body, "credit-1").await;
    assert_eq!(first.status, 201, "{}", first.text);
    assert!(first.headers.get("idempotency-replayed").is_none());
    let again = flux.post_idem(path, &body, "credit-1").await;
    assert_eq!(again.status, 201, "{}", again.text);
    assert_eq!(again.headers["idempotency-replayed"], "true");
    assert_eq!(again.text, first.text);
    let other = json!({"client_id": DEMO_CLIENT, "amount": "11.00"});
    flux.post_idem(path, &other, "credit-1")
        .await
        .problem(422, "idempotency_key_reused");

    // Ten at once with a new key: one credit, one answer.
    let burst = json!({"client_id": DEMO_CLIENT, "amount": "20.00"});
    let answers =
        futures::future::join_all((0..10).map(|_| flux.post_idem(path, &burst, "credit-2"))).await;
    for a in &answers {
        assert_eq!(a.status, 201, "{}", a.text);
        assert_eq!(a.text, answers[0].text);
    }
    assert_eq!(
        flux.emulator().balance(&clabe).unwrap() - before,
        rust_decimal::Decimal::new(3000, 2)
    );
    assert_eq!(transactions(flux, "MONEY_IN").await, before_count + 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sandbox_money_in_honours_idempotency_key_on_sqlite() {
    let flux = TestFlux::start(Options::default()).await;
    sandbox_money_in_is_idempotent(&flux).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sandbox_money_in_honours_idempotency_key_on_postgres() {
    with_postgres(|url| async move {
        let flux = TestFlux::start(Options {
            database_url: Some(url),
            ..Default::default()
        })
        .await;
        sandbox_money_in_is_idempotent(&flux).await;
        flux.running.stop().await;
    })
    .await;
}
