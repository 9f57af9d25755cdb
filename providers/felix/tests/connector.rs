//! The connector against the emulator over real HTTP: every endpoint, v1 and v2, exact
//! numbers, token renewal and the single retry on 401, validation (422), search, error
//! mapping under faults, the status clock, and state that survives a restart.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use felix::emulator::Faults;
use felix::wire::*;
use felix::{CallContext, Credentials, FelixClient, FelixError};
use flux_core::Secret;
use rust_decimal::Decimal;
use std::str::FromStr;
use std::time::Duration;

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn refusal(e: FelixError) -> (u16, Vec<ValidationError>) {
    match e {
        FelixError::Rejected { status, errors, .. } => (status, errors),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

/// The failing fields of a 422, as `field:type`.
fn fields(e: FelixError) -> Vec<String> {
    let (status, errors) = refusal(e);
    assert_eq!(status, 422);
    errors
        .iter()
        .map(|e| format!("{}:{}", e.field(), e.kind))
        .collect()
}

#[tokio::test]
async fn every_endpoint_through_the_connector() {
    let (emu, client) = start(config()).await;
    let receiver = Receiver::start().await;

    // signup (another account) and signin
    let signup = SignupRequest {
        email: "otro@example.com".into(),
        password: "longenough".into(),
        name: "Otro".into(),
        extra: Default::default(),
    };
    let made = client.signup(&signup, &ctx()).await.unwrap();
    assert_eq!(made.email, "otro@example.com");
    assert!(made.expires_in > 0 && !made.id_token.is_empty());
    let tokens = client.signin(&ctx()).await.unwrap();
    assert_eq!(tokens.email, EMAIL);
    let provider_id = tokens.id.clone();

    // providers/me and providers/callback
    let me = client.provider_me(&ctx()).await.unwrap();
    assert_eq!(
        (me.id.as_str(), me.callback_url.as_deref()),
        (provider_id.as_str(), None)
    );
    register(&client, &receiver.url).await;
    let me = client.provider_me(&ctx()).await.unwrap();
    assert_eq!(me.callback_url.as_deref(), Some(receiver.url.as_str()));
    assert_eq!(me.headers.unwrap()["X-Callback-Token"], "tok-123");

    // create (the seed's own example), get, search
    let body = CreateTransaction::V2(seed_v2("ext-1"));
    let created = client.create_transaction(&body, &ctx()).await.unwrap();
    let id = created.id.clone().unwrap();
    assert_eq!(created.status, Some(TransactionStatus::Created));
    assert_eq!(created.amount.unwrap().value(), dec("2500.5"));
    assert_eq!(
        created.destination_clabe().as_deref(),
        Some("032180000118359720")
    );
    let got = client
        .get_transaction(&id, ApiVersion::V2, &ctx())
        .await
        .unwrap();
    assert_eq!(got, created);
    let found = client
        .search_transactions(&SearchRequest::default(), ApiVersion::V2, &ctx())
        .await
        .unwrap();
    assert_eq!(found, vec![created.clone()]);

    // notification and notification retry
    let n: Notification = serde_json::from_str(&fixture("notification_request")).unwrap();
    let queued = client.send_notification(&n, &ctx()).await.unwrap();
    assert_eq!(queued.status, "QUEUED");
    assert!(eventually(Duration::from_secs(3), || receiver.accepted().len() == 1).await);
    let retried = client
        .retry_notifications(&provider_id, &ctx())
        .await
        .unwrap();
    assert_eq!(
        (retried.status.as_str(), retried.message.as_str()),
        ("QUEUED", "0 notifications queued")
    );

    // another provider's id is refused, and says nothing definitive
    let e = client
        .retry_notifications("prov_other", &ctx())
        .await
        .unwrap_err();
    assert_eq!(e.status(), Some(403));
    assert!(!e.is_definitive_refusal());
    let e = client
        .get_transaction("tx_nope", ApiVersion::V2, &ctx())
        .await
        .unwrap_err();
    assert_eq!(e.status(), Some(404));
    assert!(e.is_definitive_refusal());
    let stats = emu.stats();
    assert_eq!(
        (stats.signups, stats.transactions_created, stats.searches),
        (2, 1, 1)
    );
}

#[tokio::test]
async fn v1_and_v2_bodies_and_response_formats() {
    let (_emu, client) = start(config()).await;
    // v1: the CLABE-only body, CLABE sent as a JSON number without its leading zero.
    let v1 = CreateTransaction::V1(v1_body("ext-v1", "32180000118359720"));
    let t1 = client.create_transaction(&v1, &ctx()).await.unwrap();
    assert_eq!(t1.amount.unwrap().value(), dec("1500.75"));
    assert_eq!(t1.clabe.as_ref().unwrap().as_str(), "032180000118359720");
    assert_eq!(
        (t1.name.as_deref(), t1.lastname.as_deref()),
        (Some("Juan"), Some("Gonzalez"))
    );
    // v1 responses have the sample's shape: no account_identifier_*, country or url.
    assert!(t1.account_identifier_type.is_none() && t1.country.is_none() && t1.url.is_none());
    let id = t1.id.clone().unwrap();
    let as_v2 = client
        .get_transaction(&id, ApiVersion::V2, &ctx())
        .await
        .unwrap();
    assert_eq!(
        as_v2.account_identifier_type.unwrap().kind(),
        AccountIdentifierKind::Clabe
    );
    let number = as_v2.account_identifier_number.unwrap();
    assert_eq!(
        (number.as_str(), number.sent_as_number()),
        ("032180000118359720", false)
    );
    assert_eq!(as_v2.country.as_deref(), Some("MX"));
    let as_v1 = client
        .get_transaction(&id, ApiVersion::V1, &ctx())
        .await
        .unwrap();
    assert_eq!(as_v1, t1);

    // v2: beneficiary_* become name/lastname; bank_code, account_type, identifiers kept.
    let t2 = client
        .create_transaction(&CreateTransaction::V2(seed_v2("ext-v2")), &ctx())
        .await
        .unwrap();
    assert_eq!(
        (t2.name.as_deref(), t2.second_lastname.as_deref()),
        (Some("Maria"), Some("Lopez"))
    );
    assert_eq!(
        (t2.bank_code.as_deref(), t2.account_type),
        (Some("032"), Some(AccountType::Checking))
    );
    assert_eq!(t2.beneficiary_identifier.as_deref(), Some("RFC123456ABC"));
    assert_eq!(t2.account_identifier_type.unwrap().0, "CLABE");
    // An unknown version is a 422 on the header.
    let raw = reqwest::Client::new()
        .post(format!("{}/api/v1/transactions", client.base_url()))
        .bearer_auth(client.signin(&ctx()).await.unwrap().id_token)
        .header("X-Felix-API-Version", "v3")
        .json(&serde_json::json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status().as_u16(), 422);
    let body: ErrorBody = raw.json().await.unwrap();
    let ErrorDetail::Validation(errors) = body.detail else {
        panic!()
    };
    assert_eq!(
        errors[0].loc,
        vec![
            serde_json::json!("header"),
            serde_json::json!("X-Felix-API-Version")
        ]
    );
}

#[tokio::test]
async fn a_repeated_create_is_the_same_remittance() {
    let (emu, client) = start(config()).await;
    let body = CreateTransaction::V2(seed_v2("ext-same"));
    let first = client.create_transaction(&body, &ctx()).await.unwrap();
    let again = client.create_transaction(&body, &ctx()).await.unwrap();
    assert_eq!(first.id, again.id);
    let mut other = seed_v2("ext-same");
    other.amount = Some(Amount(dec("1.00")));
    let e = client
        .create_transaction(&CreateTransaction::V2(other), &ctx())
        .await
        .unwrap_err();
    assert_eq!(
        fields(e.clone()),
        vec!["external_transaction_id:value_error"]
    );
    assert!(e.is_definitive_refusal());
    let stats = emu.stats();
    assert_eq!(
        (stats.transactions_created, stats.transactions_replayed),
        (1, 1)
    );
}

#[tokio::test]
async fn validation_follows_the_seed_with_fastapi_shapes() {
    let (_emu, client) = start(config()).await;
    let mut b = seed_v2("ext-bad");
    b.currency = Currency::Other("EUR".into());
    b.country = "MEX".into();
    let e = client
        .create_transaction(&CreateTransaction::V2(b), &ctx())
        .await
        .unwrap_err();
    assert_eq!(
        fields(e),
        vec!["currency:enum", "country:string_pattern_mismatch"]
    );

    let short = SignupRequest {
        email: "x@example.com".into(),
        password: "1234567".into(),
        name: "X".into(),
        extra: Default::default(),
    };
    let e = client.signup(&short, &ctx()).await.unwrap_err();
    assert_eq!(fields(e), vec!["password:string_too_short"]);
    let eight = SignupRequest {
        password: "12345678".into(),
        ..short
    };
    client.signup(&eight, &ctx()).await.unwrap();

    for (limit, kind) in [(0, "greater_than_equal"), (101, "less_than_equal")] {
        let q = SearchRequest {
            limit,
            ..Default::default()
        };
        let e = client
            .search_transactions(&q, ApiVersion::V2, &ctx())
            .await
            .unwrap_err();
        assert_eq!(fields(e), vec![format!("limit:{kind}")]);
    }
    for limit in [1, 100] {
        let q = SearchRequest {
            limit,
            ..Default::default()
        };
        client
            .search_transactions(&q, ApiVersion::V2, &ctx())
            .await
            .unwrap();
    }
    // A missing required member names its field.
    let mut v: serde_json::Value =
        serde_json::from_str(&fixture("create_transaction_v2_request")).unwrap();
    v.as_object_mut().unwrap().remove("beneficiary_name");
    let raw = reqwest::Client::new()
        .post(format!("{}/api/v1/transactions", client.base_url()))
        .bearer_auth(client.signin(&ctx()).await.unwrap().id_token)
        .json(&v)
        .send()
        .await
        .unwrap();
    let body: ErrorBody = raw.json().await.unwrap();
    let ErrorDetail::Validation(errors) = body.detail else {
        panic!()
    };
    assert_eq!(
        (errors[0].field().as_str(), errors[0].kind.as_str()),
        ("beneficiary_name", "missing")
    );
}

#[tokio::test]
async fn search_filters_order_and_pages() {
    let (emu, client) = start(config()).await;
    let mut ids = Vec::new();
    for i in 0..5 {
        let mut b = seed_v2(&format!("ext-{i}"));
        b.amount = Some(Amount(dec(&format!("{}.5", 10 - i))));
        if i == 4 {
            b.currency = Currency::USD;
        }
        let t = client
            .create_transaction(&CreateTransaction::V2(b), &ctx())
            .await
            .unwrap();
        ids.push(t.id.unwrap());
    }
    emu.advance(&ids[1], Some(TransactionStatus::Failed))
        .unwrap();
    emu.advance(&ids[3], Some(TransactionStatus::Cancelled))
        .unwrap();
    let search = |filters: SearchTransactionFilters, limit, offset, order: &str| SearchRequest {
        filters: Some(filters),
        limit,
        offset,
        order_by: Some(order.into()),
        extra: Default::default(),
    };
    let run = |q: SearchRequest| {
        let client = &client;
        async move {
            client
                .search_transactions(&q, ApiVersion::V2, &ctx())
                .await
                .unwrap()
                .into_iter()
                .map(|t| t.external_transaction_id.unwrap())
                .collect::<Vec<_>>()
        }
    };
    let by_status = SearchTransactionFilters {
        status: Some(vec![
            TransactionStatus::Failed,
            TransactionStatus::Cancelled,
        ]),
        ..Default::default()
    };
    assert_eq!(
        run(search(by_status, 10, 0, "created_at")).await,
        ["ext-1", "ext-3"]
    );
    let all = SearchTransactionFilters::default();
    assert_eq!(
        run(search(all.clone(), 2, 1, "created_at")).await,
        ["ext-1", "ext-2"]
    );
    assert_eq!(
        run(search(all.clone(), 2, 0, "-created_at")).await,
        ["ext-4", "ext-3"]
    );
    assert_eq!(
        run(search(all.clone(), 10, 0, "amount")).await,
        ["ext-4", "ext-3", "ext-2", "ext-1", "ext-0"]
    );
    assert_eq!(
        run(search(all, 10, 5, "amount")).await,
        Vec::<String>::new()
    );
    let usd = SearchTransactionFilters {
        currency: Some(Currency::USD),
        ..Default::default()
    };
    assert_eq!(run(search(usd, 10, 0, "created_at")).await, ["ext-4"]);
    let one = SearchTransactionFilters {
        external_transaction_id: Some("ext-2".into()),
        ..Default::default()
    };
    assert_eq!(run(search(one, 10, 0, "created_at")).await, ["ext-2"]);
    let future = SearchTransactionFilters {
        created_from: Some("2999-01-01T00:00:00Z".into()),
        ..Default::default()
    };
    assert!(run(search(future, 10, 0, "created_at")).await.is_empty());
    // v1 results have the v1 shape.
    let v1 = client
        .search_transactions(&SearchRequest::default(), ApiVersion::V1, &ctx())
        .await
        .unwrap();
    assert!(v1
        .iter()
        .all(|t| t.account_identifier_type.is_none() && t.clabe.is_some()));
}

#[tokio::test]
async fn the_token_is_cached_and_renewed_before_it_expires() {
    let config = EmulatorConfig {
        token_ttl: Duration::from_secs(1),
        ..config()
    };
    let (emu, client) = start(config).await;
    client.provider_me(&ctx()).await.unwrap();
    client.provider_me(&ctx()).await.unwrap();
    assert_eq!(emu.stats().signins, 1, "the token is reused");
    // 850 ms into a 1 s token: still valid, but in the last fifth, so renewed ahead.
    tokio::time::sleep(Duration::from_millis(850)).await;
    client.provider_me(&ctx()).await.unwrap();
    assert_eq!(emu.stats().signins, 2, "renewed before expiry");
    tokio::time::sleep(Duration::from_millis(1100)).await;
    client.provider_me(&ctx()).await.unwrap();
    let stats = emu.stats();
    assert_eq!(stats.signins, 3, "renewed again");
    assert_eq!(
        stats.unauthorized, 0,
        "renewed before it expired, never after a 401"
    );
}

#[tokio::test]
async fn a_revoked_token_is_renewed_once_on_401() {
    let (emu, client) = start(config()).await;
    client.provider_me(&ctx()).await.unwrap();
    emu.revoke_tokens();
    client.provider_me(&ctx()).await.unwrap();
    let stats = emu.stats();
    assert_eq!((stats.signins, stats.unauthorized), (2, 1));

    // Wrong credentials: the sign-in is refused once, no loop.
    let wrong = client_for(&emu, "wrong password");
    let e = wrong.provider_me(&ctx()).await.unwrap_err();
    assert_eq!(e.status(), Some(401));
    assert!(!e.is_definitive_refusal());
    assert_eq!(emu.stats().signin_refusals, 1);
    // Secrets stay out of Debug.
    let shown = format!("{wrong:?}");
    assert!(
        !shown.contains("wrong password") && shown.contains("***"),
        "{shown}"
    );
}

#[tokio::test]
async fn concurrent_calls_share_one_sign_in() {
    let (emu, client) = start(config()).await;
    let c = ctx();
    let calls = (0..8).map(|_| client.provider_me(&c));
    for r in futures::future::join_all(calls).await {
        r.unwrap();
    }
    assert_eq!(emu.stats().signins, 1);
}

#[tokio::test]
async fn faults_map_to_unavailable_and_timeout_and_a_dropped_create_is_replayed() {
    let (emu, _) = start(config()).await;
    let client = FelixClient::new(
        &emu.base_url(),
        Credentials {
            email: EMAIL.into(),
            password: Secret::new(PASSWORD.into()),
        },
        Duration::from_millis(300),
    )
    .unwrap();
    client.signin(&CallContext::default()).await.unwrap();
    emu.set_faults(Faults {
        error_rate: 1.0,
        ..Default::default()
    });
    let e = client.provider_me(&ctx()).await.unwrap_err();
    assert!(matches!(e, FelixError::Unavailable(_)), "{e:?}");
    emu.set_faults(Faults {
        timeout_rate: 1.0,
        hang_ms: 1000,
        ..Default::default()
    });
    let e = client.provider_me(&ctx()).await.unwrap_err();
    assert!(matches!(e, FelixError::Timeout(_)) && !e.is_definitive_refusal());

    // The work is done but the answer never arrives (twice: the connector retries once).
    emu.set_faults(Faults {
        drop_response_rate: 1.0,
        hang_ms: 1000,
        ..Default::default()
    });
    let body = CreateTransaction::V2(seed_v2("ext-dropped"));
    let e = client.create_transaction(&body, &ctx()).await.unwrap_err();
    assert!(matches!(e, FelixError::Timeout(_)));
    emu.set_faults(Faults::default());
    let t = client.create_transaction(&body, &ctx()).await.unwrap();
    let stats = emu.stats();
    assert_eq!(
        stats.transactions_created, 1,
        "one remittance, however many tries"
    );
    assert_eq!(stats.transactions_replayed, 2);
    assert_eq!(t.external_transaction_id.as_deref(), Some("ext-dropped"));
}

#[tokio::test]
async fn the_clock_moves_a_remittance_to_completed_and_outcomes_are_chosen() {
    let config = EmulatorConfig {
        status_step: Some(Duration::from_millis(20)),
        ..config()
    };
    let (emu, client) = start(config).await;
    let t = client
        .create_transaction(&CreateTransaction::V2(seed_v2("ext-clock")), &ctx())
        .await
        .unwrap();
    let id = t.id.unwrap();
    assert!(
        eventually(Duration::from_secs(3), || {
            emu.transaction(&id).unwrap().status == Some(TransactionStatus::Completed)
        })
        .await
    );
    let got = client
        .get_transaction(&id, ApiVersion::V2, &ctx())
        .await
        .unwrap();
    assert!(got.sender_id.is_some() && got.updated_at.is_some());
    // A sandbox user refunds it; a final status goes nowhere else.
    let refunded = emu.advance(&id, Some(TransactionStatus::Refunded)).unwrap();
    assert_eq!(refunded.status, Some(TransactionStatus::Refunded));
    let e = emu
        .advance(&id, Some(TransactionStatus::Completed))
        .unwrap_err();
    assert_eq!(e.status.as_u16(), 409);
    // Through the HTTP control too: a FAILED one stays failed on the clock.
    let t = client
        .create_transaction(&CreateTransaction::V2(seed_v2("ext-fail")), &ctx())
        .await
        .unwrap();
    let id = t.id.unwrap();
    let r = reqwest::Client::new()
        .post(format!(
            "{}/_emulator/transactions/{id}/advance",
            emu.base_url()
        ))
        .json(&serde_json::json!({"status": "FAILED"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(
        emu.transaction(&id).unwrap().status,
        Some(TransactionStatus::Failed)
    );
}

#[tokio::test]
async fn a_restarted_emulator_keeps_its_state() {
    let dir = tempfile::tempdir().unwrap();
    let config = || EmulatorConfig {
        data_dir: Some(dir.path().to_path_buf()),
        ..config()
    };
    let (emu, client) = start(config()).await;
    register(&client, "http://127.0.0.1:9/unreachable").await;
    let t = client
        .create_transaction(&CreateTransaction::V2(seed_v2("ext-kept")), &ctx())
        .await
        .unwrap();
    let id = t.id.clone().unwrap();
    emu.advance(&id, None).unwrap();
    emu.shutdown().await;

    let emu = felix::emulator::start("127.0.0.1:0".parse().unwrap(), config(), &[seed()])
        .await
        .unwrap();
    let client = client_for(&emu, PASSWORD);
    let got = client
        .get_transaction(&id, ApiVersion::V2, &ctx())
        .await
        .unwrap();
    assert_eq!(got.status, Some(TransactionStatus::Started));
    assert_eq!(got.amount.unwrap().value(), dec("2500.5"));
    assert_eq!(
        got.destination_clabe().as_deref(),
        Some("032180000118359720")
    );
    let me = client.provider_me(&ctx()).await.unwrap();
    assert_eq!(
        me.callback_url.as_deref(),
        Some("http://127.0.0.1:9/unreachable")
    );
    // The seed provider was found, not made twice; the undelivered change is still there.
    assert_eq!(emu.stats().signups, 0);
    assert_eq!(emu.pending_notifications(&me.id), 1);
    // A retry of the create after the restart still finds the remittance it made.
    let again = client
        .create_transaction(&CreateTransaction::V2(seed_v2("ext-kept")), &ctx())
        .await
        .unwrap();
    assert_eq!(again.id.as_deref(), Some(id.as_str()));
    assert_eq!(emu.stats().transactions_replayed, 1);
    assert_eq!(emu.stats().transactions_created, 0);
}

use felix::emulator::EmulatorConfig;
