//! What Flux keeps must not become a copy of its partners' credentials, and no input may crash
//! a request: card fields with multibyte characters, API keys and tokens in query strings and
//! bodies, webhook tokens at rest, and the modes of the files Flux writes.
#![allow(clippy::unwrap_used)]

mod common;

use common::receiver::Receiver;
use common::{fixture, with_postgres, Options, TestFlux, DEMO_CLIENT};
use flux_store::NewAudit;
use reqwest::Method;
use serde_json::json;
use std::io::Write;
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

const CLIENTS: &str = "/api/partners/clients";

/// The audit record of a request, waiting (bounded) for it: reads are queued into the next
/// batch without being waited for.
async fn audit_of(flux: &TestFlux, request_id: &str) -> NewAudit {
    for _ in 0..200 {
        let records = flux.running.store.audit_records(0, 10_000).await.unwrap();
        if let Some(r) = records
            .into_iter()
            .find(|r| r.record.request_id == request_id)
        {
            return r.record;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("no audit record for {request_id}");
}

async fn send_as(
    flux: &TestFlux,
    method: Method,
    path: &str,
    key: Option<&str>,
    body: &serde_json::Value,
    request_id: &str,
) -> common::Resp {
    let body = (method != Method::GET).then(|| serde_json::to_vec(body).unwrap());
    flux.send(method, path, key, body, &[("X-Request-Id", request_id)])
        .await
}

/// A card field with a multibyte character across its fourth-last byte once panicked the audit redaction of every
/// /api route. Each request must get the answer it would get with any other bad card number,
/// and leave its audit record.
async fn multibyte_card_fields(flux: &TestFlux) {
    let mut instrument = fixture("instrument_debit_card");
    instrument["debit_card"]["card_number"] = "4772130000000€003".into();
    let instruments = format!("{CLIENTS}/{DEMO_CLIENT}/instruments");
    let cases = [
        (
            Method::POST,
            instruments.as_str(),
            None,
            instrument.clone(),
            401,
        ),
        (
            Method::POST,
            &instruments,
            Some(flux.key.as_str()),
            instrument,
            422,
        ),
        (
            Method::POST,
            "/api/webhooks/money-in",
            None,
            json!({"pan": "12345678💳abc"}),
            401,
        ),
        (
            Method::POST,
            "/api/partners/nowhere",
            Some(flux.key.as_str()),
            json!({"cardnumber": "ñ\u{301}xyz"}),
            404,
        ),
    ];
    for (i, (method, path, key, body, status)) in cases.into_iter().enumerate() {
        let id = format!("multibyte-{i}-{}", uuid::Uuid::new_v4());
        let r = send_as(flux, method, path, key, &body, &id).await;
        assert_eq!(r.status, status, "{path}: {}", r.text);
        assert_eq!(r.headers["content-type"], "application/problem+json");
        if status == 422 {
            let fields = r.field_reasons();
            assert!(
                fields.iter().any(|(f, _)| f == "debit_card.card_number"),
                "{}",
                r.text
            );
        }
        let audit = audit_of(flux, &id).await;
        assert_eq!(audit.status, status);
        let kept = audit.request_body.unwrap();
        assert!(!kept.contains("4772130000000€003"), "{kept}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn multibyte_card_fields_get_their_normal_answer_on_sqlite() {
    let flux = TestFlux::start(Options::default()).await;
    multibyte_card_fields(&flux).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn multibyte_card_fields_get_their_normal_answer_on_postgres() {
    with_postgres(|url| async move {
        let flux = TestFlux::start(Options {
            database_url: Some(url),
            ..Default::default()
        })
        .await;
        multibyte_card_fields(&flux).await;
        flux.running.stop().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_keys_in_query_strings_are_refused_and_audited_redacted() {
    let flux = TestFlux::start(Options::default()).await;
    let inbound = flux
        .running
        .state
        .config
        .inbound_webhook_token
        .expose()
        .clone();
    let key = flux.key.clone();
    let cases = [
        (
            Method::GET,
            format!("/api/partners/banks?api_key={key}"),
            Some(key.as_str()),
            "api_key",
            "/api/partners/banks?api_key=[REDACTED]",
        ),
        (
            Method::GET,
            format!("/api/partners/banks?page=1&X-API-Key={key}"),
            None,
            "x_api_key",
            "/api/partners/banks?page=1&X-API-Key=[REDACTED]",
        ),
        (
            Method::POST,
            format!("/api/webhooks/money-in?token={inbound}"),
            None,
            "token",
            "/api/webhooks/money-in?token=[REDACTED]",
        ),
        (
            Method::GET,
            format!("/api/partners/banks?q={key}"),
            Some(key.as_str()),
            "query",
            "/api/partners/banks?q=[REDACTED]",
        ),
    ];
    for (i, (method, path, with_key, field, kept)) in cases.into_iter().enumerate() {
        let id = format!("query-key-{i}");
        let r = send_as(&flux, method, &path, with_key, &json!({}), &id).await;
        r.problem(400, "api_key_in_query");
        assert_eq!(r.field_reasons()[0].0, field, "{}", r.text);
        assert!(r.body["detail"].as_str().unwrap().contains("X-API-Key"));
        assert!(!r.text.contains(&key) && !r.text.contains(&inbound));
        assert_eq!(audit_of(&flux, &id).await.path, kept);
    }
    // Other credentials in a query string are not refused (they are not Flux's) but never
    // reach the trail.
    let id = "query-signature";
    let path = "/api/partners/banks?page=1&signature=sig-s3cr3t-value";
    let r = send_as(&flux, Method::GET, path, Some(&key), &json!({}), id).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        audit_of(&flux, id).await.path,
        "/api/partners/banks?page=1&signature=[REDACTED]"
    );
}

/// Leaves what an older Flux, started under umask 022, left: a group- and world-readable
/// data dir and database file.
fn loose_data_dir(dir: &std::path::Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    let db = dir.join("flux.db");
    std::fs::File::create(&db).unwrap();
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o644)).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_data_dir_and_every_file_in_it_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let flux = TestFlux::start(Options {
        prepare_data_dir: Some(loose_data_dir),
        ..Default::default()
    })
    .await;
    // A write, so that the write-ahead logs have content; the Fidi X emulator's books too.
    let r = flux
        .post(
            &format!("{CLIENTS}/{DEMO_CLIENT}/webhooks"),
            &fixture("webhook_create"),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let r = flux
        .post(
            &format!("{CLIENTS}/{DEMO_CLIENT}/ledger/persons"),
            &json!({"name": "Ana"}),
        )
        .await;
    assert!(r.status.as_u16() < 500, "{}", r.text);
    let mode = |p: &std::path::Path| {
        format!(
            "{:o}",
            std::fs::metadata(p).unwrap().permissions().mode() & 0o777
        )
    };
    assert_eq!(mode(&flux.data_dir), "700");
    let mut names = vec![];
    for entry in std::fs::read_dir(&flux.data_dir).unwrap() {
        let path = entry.unwrap().path();
        names.push(path.file_name().unwrap().to_string_lossy().into_owned());
        if path.is_dir() {
            // A provider emulator's own directory (felix-emulator): private, and so is all in it.
            assert_eq!(mode(&path), "700", "{}", path.display());
            for inner in std::fs::read_dir(&path).unwrap() {
                let inner = inner.unwrap().path();
                assert_eq!(mode(&inner), "600", "{}", inner.display());
            }
            continue;
        }
        assert_eq!(mode(&path), "600", "{}", path.display());
    }
    for expected in [
        "flux.db",
        "flux.db-wal",
        "flux.db-shm",
        "secrets.key",
        "demo-api-key",
        "fidix-emulator.db",
        "fincore-emulator.json",
        "felix-emulator",
    ] {
        assert!(
            names.iter().any(|n| n == expected),
            "{expected} missing from {names:?}"
        );
    }
}

/// Every log line Flux writes in this test process, as `flux serve` writes them (JSON), with
/// Flux's own crates at their most verbose.
fn captured_logs() -> &'static Mutex<Vec<u8>> {
    static LOGS: OnceLock<&'static Mutex<Vec<u8>>> = OnceLock::new();
    LOGS.get_or_init(|| {
        let logs: &'static Mutex<Vec<u8>> = Box::leak(Box::new(Mutex::new(Vec::new())));
        struct Sink(&'static Mutex<Vec<u8>>);
        impl Write for Sink {
            fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
                self.0.lock().unwrap().extend_from_slice(b);
                Ok(b.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let filter = "info,flux=trace,flux_gateway=trace,flux_store=trace,flux_ledger=trace,fincore=trace,fidix=trace";
        tracing_subscriber::fmt()
            .json()
            .flatten_event(true)
            .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
            .with_writer(move || Sink(logs))
            .init();
        logs
    })
}

struct Secrets {
    key: String,
    tokens: [String; 2],
    inbound: String,
}

/// Card numbers as a partner might write them where no card field is expected: in free text,
/// grouped, and as a field's name.
const CARDS_IN_TEXT: [&str; 2] = ["4111 1111 1111 1111", "4772130000000003"];

impl Secrets {
    fn all(&self) -> Vec<&str> {
        let mut all = vec![
            self.key.as_str(),
            self.tokens[0].as_str(),
            self.tokens[1].as_str(),
            self.inbound.as_str(),
        ];
        all.extend(CARDS_IN_TEXT);
        all
    }
}

/// Sends an API key and webhook tokens every way a partner might: in query strings, in bodies
/// under their names and under others, as a subscription's token (created, then changed), and
/// has a delivery carry the token. Returns the secrets, and the request ids it used.
async fn spread_secrets(flux: &TestFlux) -> (Secrets, Vec<String>) {
    let s = Secrets {
        key: flux.key.clone(),
        tokens: [0, 1].map(|i| format!("whtoken-{i}-{}", uuid::Uuid::new_v4().simple())),
        inbound: flux
            .running
            .state
            .config
            .inbound_webhook_token
            .expose()
            .clone(),
    };
    let receiver = Receiver::start().await;
    let hooks = format!("{CLIENTS}/{DEMO_CLIENT}/webhooks");
    let created = flux
        .post(
            &hooks,
            &json!({"client_id": DEMO_CLIENT, "url": receiver.url, "token": s.tokens[0], "webhook_type": "MONEY_IN"}),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    let hook = format!("{hooks}/{}", created.body["id"].as_str().unwrap());
    let changed = flux
        .send(
            Method::PATCH,
            &hook,
            Some(&flux.key),
            Some(serde_json::to_vec(&json!({"token": s.tokens[1]})).unwrap()),
            &[],
        )
        .await;
    assert_eq!(changed.status, 200, "{}", changed.text);
    let sent = flux.post(&format!("{hook}/test"), &json!({})).await;
    assert_eq!(sent.status, 202, "{}", sent.text);
    let got = receiver.wait_for(1, Duration::from_secs(10)).await;
    // The sealed token opens to what the partner set.
    assert_eq!(got[0].header("x-webhook-token"), s.tokens[1]);

    let leaky_body = json!({"api_key": s.key, "token": s.tokens[0], "note": s.key,
                            "nested": [{"password": s.tokens[1]}],
                            "concept": format!("tarjeta {} gracias", CARDS_IN_TEXT[0]),
                            CARDS_IN_TEXT[1]: "visa"});
    let requests = [
        (
            Method::GET,
            format!("/api/partners/banks?api_key={}", s.key),
            Some(&s.key),
        ),
        (
            Method::GET,
            format!("{hooks}?token={}", s.tokens[0]),
            Some(&s.key),
        ),
        (
            Method::GET,
            format!("{hooks}?webhook_token={}", s.tokens[1]),
            Some(&s.key),
        ),
        (
            Method::POST,
            format!("/api/webhooks/money-in?token={}", s.inbound),
            None,
        ),
        (
            Method::POST,
            format!("{CLIENTS}/{DEMO_CLIENT}/private-accounts"),
            Some(&s.key),
        ),
        (Method::POST, "/api/partners/banks".into(), None),
    ];
    let mut ids = vec![];
    for (i, (method, path, key)) in requests.into_iter().enumerate() {
        let id = format!("leak-{i}-{}", uuid::Uuid::new_v4());
        let r = send_as(
            flux,
            method,
            &path,
            key.map(|k| k.as_str()),
            &leaky_body,
            &id,
        )
        .await;
        assert!(r.status.as_u16() < 500, "{path}: {}", r.text);
        ids.push(id);
    }
    for id in &ids {
        audit_of(flux, id).await;
    }
    (s, ids)
}

/// Names a leaked secret by its position, so that a failure does not print it.
fn assert_absent(what: &str, haystack: &[u8], secrets: &[&str]) {
    for (i, secret) in secrets.iter().enumerate() {
        assert!(
            !haystack
                .windows(secret.len())
                .any(|w| w == secret.as_bytes()),
            "secret #{i} (key, tokens, inbound token, cards) is in clear in {what}"
        );
    }
}

/// The log capture works: each request's line is there (else the absence check proves nothing).
fn logs_after(ids: &[String]) -> Vec<u8> {
    let logs = captured_logs().lock().unwrap().clone();
    let text = String::from_utf8_lossy(&logs);
    for id in ids {
        assert!(text.contains(id.as_str()), "no log line for {id}");
    }
    logs
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secrets_reach_neither_the_database_files_nor_the_logs_on_sqlite() {
    captured_logs();
    let flux = TestFlux::start(Options::default()).await;
    let (secrets, ids) = spread_secrets(&flux).await;
    // The sandbox's demo-api-key file holds the key by design; the emulators' state is the
    // providers', not Flux's (Félix's keeps the callback secret Flux registered, as Félix does).
    for entry in std::fs::read_dir(&flux.data_dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name == "demo-api-key"
            || name.starts_with("fidix-emulator.db")
            || name.starts_with("fincore-emulator.json")
            || name == "felix-emulator"
            || name == "necipco-emulator"
        {
            continue;
        }
        assert_absent(&name, &std::fs::read(&path).unwrap(), &secrets.all());
    }
    assert_absent("the logs", &logs_after(&ids), &secrets.all());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secrets_reach_neither_the_tables_nor_the_logs_on_postgres() {
    captured_logs();
    with_postgres(|url| async move {
        let flux = TestFlux::start(Options {
            database_url: Some(url),
            ..Default::default()
        })
        .await;
        let (secrets, ids) = spread_secrets(&flux).await;
        for sql in [
            "SELECT string_agg(t::text, ' ') FROM audit_log t",
            "SELECT string_agg(t::text, ' ') FROM webhooks t",
            "SELECT string_agg(t::text, ' ') FROM webhook_deliveries t",
            "SELECT string_agg(t::text, ' ') FROM webhook_attempts t",
            "SELECT string_agg(t::text, ' ') FROM webhook_secrets t",
            "SELECT string_agg(t::text, ' ') FROM idempotency_keys t",
            "SELECT string_agg(t::text, ' ') FROM settings t",
        ] {
            let rows = flux.running.store.query(sql, vec![]).await.unwrap();
            let text = rows[0].opt_text(0).unwrap().unwrap_or_default();
            assert_absent(sql, text.as_bytes(), &secrets.all());
        }
        assert_absent("the logs", &logs_after(&ids), &secrets.all());
        flux.running.stop().await;
    })
    .await;
}

/// A database from before sealing keeps its tokens in clear, one of them looking sealed. After
/// the migration and the start-up sealing, every subscription still delivers with its token,
/// and none is left in clear.
async fn clear_tokens_survive_the_upgrade(flux: &TestFlux) {
    let receiver = Receiver::start().await;
    let hooks = format!("{CLIENTS}/{DEMO_CLIENT}/webhooks");
    let created = flux
        .post(
            &hooks,
            &json!({"client_id": DEMO_CLIENT, "url": receiver.url, "token": "to-be-replaced", "webhook_type": "MONEY_IN"}),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    let id = created.body["id"].as_str().unwrap().to_string();
    let store = &flux.running.store;
    let legacy = "v1:legacy-clear-token";
    store
        .exec(
            "UPDATE webhooks SET token = $1 WHERE id = $2",
            vec![legacy.into(), id.clone().into()],
        )
        .await
        .unwrap();
    store
        .exec(
            "DELETE FROM schema_migrations WHERE version = '0007_webhook_tokens'",
            vec![],
        )
        .await
        .unwrap();
    // What the next start does, twice (a second instance, or a restart).
    for _ in 0..2 {
        store.migrate().await.unwrap();
        store.seal_clear_webhook_tokens().await.unwrap();
    }
    let rows = store
        .query(
            "SELECT token FROM webhooks WHERE id = $1",
            vec![id.clone().into()],
        )
        .await
        .unwrap();
    let stored = rows[0].text(0).unwrap();
    assert!(
        stored.starts_with("v1:") && !stored.contains("legacy"),
        "{stored}"
    );
    let read = flux.get(&format!("{hooks}/{id}")).await;
    assert_eq!(read.body["token_last4"], "oken", "{}", read.text);
    let sent = flux.post(&format!("{hooks}/{id}/test"), &json!({})).await;
    assert_eq!(sent.status, 202, "{}", sent.text);
    let got = receiver.wait_for(1, Duration::from_secs(10)).await;
    assert_eq!(got[0].header("x-webhook-token"), legacy);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhook_tokens_stored_in_clear_survive_the_upgrade_on_sqlite() {
    let flux = TestFlux::start(Options::default()).await;
    clear_tokens_survive_the_upgrade(&flux).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhook_tokens_stored_in_clear_survive_the_upgrade_on_postgres() {
    with_postgres(|url| async move {
        let flux = TestFlux::start(Options {
            database_url: Some(url),
            ..Default::default()
        })
        .await;
        clear_tokens_survive_the_upgrade(&flux).await;
        flux.running.stop().await;
    })
    .await;
}
