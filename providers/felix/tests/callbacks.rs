//! Callbacks as the seed describes them, received by a local axum receiver: a
//! NotificationsContainer with the registered headers, deltas in order, folded into one
//! notification while the receiver fails, retried with a doubling wait, given up after the
//! last retry, sent again by the retry endpoint, and kept across a restart.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use felix::emulator::{EmulatorConfig, RetryPolicy};
use felix::wire::*;
use std::time::Duration;

fn path(deltas: &[NotificationDelta]) -> Vec<String> {
    deltas
        .iter()
        .map(|d| format!("{}>{}", d.old_status, d.new_status))
        .collect()
}

const HAPPY: [&str; 4] = [
    "CREATED>STARTED",
    "STARTED>CONFIRMED",
    "CONFIRMED>IN_PROGRESS",
    "IN_PROGRESS>COMPLETED",
];

async fn create(client: &felix::FelixClient, external_id: &str) -> String {
    let body = CreateTransaction::V2(seed_v2(external_id));
    let t = client.create_transaction(&body, &ctx()).await.unwrap();
    t.id.unwrap()
}

#[tokio::test]
async fn a_healthy_receiver_gets_every_change_in_order_with_its_headers() {
    let config = EmulatorConfig {
        status_step: Some(Duration::from_millis(30)),
        ..config()
    };
    let (_emu, client) = start(config).await;
    let receiver = Receiver::start().await;
    register(&client, &receiver.url).await;
    let id = create(&client, "ext-happy").await;
    let done = || {
        receiver
            .accepted()
            .iter()
            .flat_map(|r| r.container().notifications)
            .flat_map(|n| n.deltas)
            .count()
            == 4
    };
    assert!(eventually(Duration::from_secs(5), done).await);
    let got = receiver.accepted();
    let deltas: Vec<NotificationDelta> = got
        .iter()
        .flat_map(|r| r.container().notifications)
        .flat_map(|n| n.deltas)
        .collect();
    assert_eq!(path(&deltas), HAPPY);
    let first = &got[0];
    assert_eq!(first.headers["x-callback-token"], "tok-123");
    let c = first.container();
    let me = client.provider_me(&ctx()).await.unwrap();
    assert_eq!(
        (c.provider_id, c.callback_url),
        (me.id, receiver.url.clone())
    );
    let t = &c.notifications[0].transaction;
    assert_eq!(t.id.as_deref(), Some(id.as_str()));
    // Exact numbers on the wire: the amount's own text, the CLABE as Félix writes it.
    assert!(first.body.contains(r#""amount":2500.5"#), "{}", first.body);
    assert!(first.body.contains(r#""clabe":32180000118359720"#));
}

#[tokio::test]
async fn changes_are_folded_into_one_notification_while_the_receiver_fails() {
    let (emu, client) = start(config()).await;
    let receiver = Receiver::start().await;
    register(&client, &receiver.url).await;
    let quiet = create(&client, "ext-quiet").await;
    let id = create(&client, "ext-fold").await;
    receiver.fail(true);
    for _ in 0..4 {
        emu.advance(&id, None).unwrap();
    }
    emu.advance(&quiet, Some(TransactionStatus::Cancelled))
        .unwrap();
    assert!(eventually(Duration::from_secs(3), || receiver.all().len() >= 3).await);
    assert!(receiver.accepted().is_empty());
    let me = client.provider_me(&ctx()).await.unwrap();
    assert_eq!(emu.pending_notifications(&me.id), 2);
    receiver.fail(false);
    assert!(eventually(Duration::from_secs(3), || !receiver.accepted().is_empty()).await);
    tokio::time::sleep(Duration::from_millis(100)).await;

    // One container, one notification per transaction, every delta in order.
    let delivered = receiver.accepted();
    assert_eq!(delivered.len(), 1);
    let c = delivered[0].container();
    assert_eq!(c.notifications.len(), 2);
    let folded = &c.notifications[0];
    assert_eq!(folded.transaction.id.as_deref(), Some(id.as_str()));
    assert_eq!(
        folded.transaction.status,
        Some(TransactionStatus::Completed)
    );
    assert_eq!(path(&folded.deltas), HAPPY);
    assert_eq!(path(&c.notifications[1].deltas), ["CREATED>CANCELLED"]);
    assert_eq!(emu.pending_notifications(&me.id), 0);
    let stats = emu.stats();
    assert!(stats.callback_failures >= 2, "{stats:?}");
    assert_eq!(stats.callbacks_delivered, 1);
}

#[tokio::test]
async fn retries_double_then_stop_and_the_retry_endpoint_sends_again() {
    let config = EmulatorConfig {
        retry: RetryPolicy {
            first_delay: Duration::from_millis(100),
            max_retries: 3,
        },
        ..config()
    };
    let (emu, client) = start(config).await;
    let receiver = Receiver::start().await;
    register(&client, &receiver.url).await;
    let id = create(&client, "ext-retry").await;
    receiver.fail(true);
    emu.advance(&id, None).unwrap();
    // The first attempt and 3 retries, then nothing more.
    assert!(eventually(Duration::from_secs(5), || receiver.all().len() == 4).await);
    tokio::time::sleep(Duration::from_millis(1000)).await;
    let attempts = receiver.all();
    assert_eq!(attempts.len(), 4, "at most 3 retries");
    let gaps: Vec<Duration> = attempts.windows(2).map(|w| w[1].at - w[0].at).collect();
    for (gap, at_least) in gaps.iter().zip([100, 200, 400]) {
        assert!(*gap >= Duration::from_millis(at_least), "gaps {gaps:?}");
    }
    assert_eq!(emu.stats().callback_attempts, 4);

    // The retry endpoint sends what is still cached, with a fresh budget.
    receiver.fail(false);
    let me = client.provider_me(&ctx()).await.unwrap();
    let answer = client.retry_notifications(&me.id, &ctx()).await.unwrap();
    assert_eq!(answer.message, "1 notifications queued");
    assert!(eventually(Duration::from_secs(3), || receiver.accepted().len() == 1).await);
    let c = receiver.accepted()[0].container();
    assert_eq!(path(&c.notifications[0].deltas), ["CREATED>STARTED"]);
    // The receiver records before it answers: the emulator forgets once it has the answer.
    assert!(
        eventually(Duration::from_secs(3), || emu.pending_notifications(&me.id)
            == 0)
        .await
    );
}

#[tokio::test]
async fn the_notification_endpoint_sends_the_given_payload() {
    let (emu, client) = start(config()).await;
    let n: NotificationsContainer = serde_json::from_str(&fixture("callback_simple")).unwrap();
    let one = n.notifications[0].clone();
    // Without a callback there is nowhere to send it.
    let e = client.send_notification(&one, &ctx()).await.unwrap_err();
    assert_eq!(e.status(), Some(404));
    let receiver = Receiver::start().await;
    register(&client, &receiver.url).await;
    client.send_notification(&one, &ctx()).await.unwrap();
    assert!(eventually(Duration::from_secs(3), || receiver.accepted().len() == 1).await);
    let got = &receiver.accepted()[0];
    assert!(got.body.contains(r#""amount":100.0"#), "{}", got.body);
    let c = got.container();
    assert_eq!(c.notifications, vec![one]);
    assert_eq!(emu.stats().notifications_queued, 1);
}

#[tokio::test]
async fn undelivered_notifications_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let config = || EmulatorConfig {
        data_dir: Some(dir.path().to_path_buf()),
        ..config()
    };
    let (emu, client) = start(config()).await;
    let receiver = Receiver::start().await;
    register(&client, &receiver.url).await;
    let id = create(&client, "ext-restart").await;
    receiver.fail(true);
    emu.advance(&id, None).unwrap();
    emu.advance(&id, None).unwrap();
    assert!(eventually(Duration::from_secs(3), || !receiver.all().is_empty()).await);
    emu.shutdown().await;
    receiver.fail(false);
    let before = receiver.all().len();

    let emu = felix::emulator::start("127.0.0.1:0".parse().unwrap(), config(), &[seed()])
        .await
        .unwrap();
    assert!(eventually(Duration::from_secs(3), || receiver.accepted().len() == 1).await);
    let c = receiver.accepted()[0].container();
    assert_eq!(
        path(&c.notifications[0].deltas),
        ["CREATED>STARTED", "STARTED>CONFIRMED"]
    );
    assert!(receiver.all().len() > before);
    emu.shutdown().await;
}

/// An instance starting while Félix fails starts anyway and registers its callback once Félix
/// answers: before, the registration was a start-up error, so a restart during a Félix outage
/// left a cluster an instance short (found by scripts/chaos).
#[tokio::test]
async fn flux_starts_while_felix_fails_and_registers_its_callback_later() {
    let (emu, client) = start(config()).await;
    emu.set_faults(felix::emulator::Faults {
        error_rate: 1.0,
        ..Default::default()
    });
    let dir = tempfile::tempdir().unwrap();
    let store = flux_store::Store::open(&format!("sqlite://{}", dir.path().join("f.db").display()))
        .await
        .unwrap();
    let settings = felix::gateway::start::Settings {
        url: emu.base_url(),
        email: EMAIL.into(),
        password: PASSWORD.into(),
        timeout: Duration::from_secs(2),
        callback_secret: "secret-123".into(),
        poll_after: Duration::from_secs(300),
        public_url: "http://127.0.0.1:9".into(),
        sandbox_dir: None,
    };
    felix::gateway::start::start(settings, &store)
        .await
        .expect("Flux starts while Félix answers 500");
    emu.set_faults(Default::default());
    let expected = Some("http://127.0.0.1:9/api/webhooks/felix".to_string());
    let until = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let me = client.provider_me(&ctx()).await.unwrap();
        if me.callback_url == expected {
            break;
        }
        assert!(
            std::time::Instant::now() < until,
            "callback never registered: {:?}",
            me.callback_url
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
