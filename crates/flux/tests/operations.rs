//! Operating Flux in production: rotating the key that seals secrets, backing up and restoring
//! a store while it serves, and upgrading a database that holds data in an older schema.
#![allow(clippy::unwrap_used)]

mod common;

use common::receiver::Receiver;
use common::{with_postgres, Options, TestFlux, DEMO_CLIENT};
use serde_json::json;
use std::path::Path;
use std::time::Duration;
use uuid::Uuid;

const CLIENTS: &str = "/api/partners/clients";

/// Runs the `flux` binary on a data directory and database: (success, stdout and stderr).
fn cli(dir: &Path, database_url: &str, args: &[&str]) -> (bool, String) {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_flux"));
    cmd.args(args).arg("--data-dir").arg(dir);
    cmd.env_remove("FLUX_FINCORE_URL")
        .env_remove("FLUX_SECRETS_KEY");
    if database_url.starts_with("postgres") {
        cmd.env("FLUX_DATABASE_URL", database_url);
    } else {
        cmd.env_remove("FLUX_DATABASE_URL");
    }
    let out = cmd.output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

fn key_in(dir: &Path) -> [u8; 32] {
    let text = std::fs::read_to_string(dir.join("secrets.key")).unwrap();
    hex::decode(text.trim()).unwrap().try_into().unwrap()
}

/// Every secret sealed under the old key opens under the new one after `flux secrets rotate`,
/// and only under it; Flux restarts on the rotated store and delivers a webhook with the
/// token and signing secret the partner set before the rotation; the rotation is audited.
async fn rotation_keeps_every_secret(database_url: Option<String>) {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_path_buf();
    let flux = TestFlux::start(Options {
        data_dir: Some(d.clone()),
        database_url: database_url.clone(),
        ..Default::default()
    })
    .await;
    let url = flux.database_url.clone();
    let receiver = Receiver::start().await;
    let created = flux
        .post(
            &format!("{CLIENTS}/{DEMO_CLIENT}/webhooks"),
            &json!({"client_id": DEMO_CLIENT, "url": receiver.url, "token": "tok-before-rotation", "webhook_type": "MONEY_IN"}),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    let hook = created.body["id"].as_str().unwrap().to_string();
    let key_before = flux.key.clone();
    flux.running.stop().await;

    let old = key_in(&d);
    let (ok, out) =
        tokio::task::block_in_place(|| cli(&d, &url, &["secrets", "rotate", "--operator", "ana"]));
    assert!(!ok, "a rotation without a reason: {out}");
    let (ok, out) = tokio::task::block_in_place(|| {
        cli(
            &d,
            &url,
            &[
                "secrets",
                "rotate",
                "--operator",
                "ana",
                "--reason",
                "yearly rotation",
            ],
        )
    });
    assert!(ok && out.contains("re-sealed"), "{out}");
    let new = key_in(&d);
    assert_ne!(old, new);
    assert!(!d.join("secrets.key.next").exists());
    assert!(
        !out.contains(&hex::encode(new)),
        "the key was printed: {out}"
    );

    // Under the old key the client's provider secret no longer opens; under the new one it does.
    let client: Uuid = DEMO_CLIENT.parse().unwrap();
    let with_old = flux_store::Store::open(&url)
        .await
        .unwrap()
        .with_secrets_key(&old);
    assert!(with_old.get_client(client).await.is_err());
    let with_new = flux_store::Store::open(&url)
        .await
        .unwrap()
        .with_secrets_key(&new);
    let opened = with_new.get_client(client).await.unwrap().unwrap();
    assert!(opened.links.iter().any(|l| l.secret.is_some()));
    // Nothing is left under the old key, and the trail says who rotated and why.
    let trail = with_new.audit_records(0, 100_000).await.unwrap();
    let rotation = trail
        .iter()
        .find(|r| r.record.path == "flux secrets rotate")
        .expect("the rotation is audited");
    assert_eq!(rotation.record.key_prefix.as_deref(), Some("operator:ana"));
    assert!(rotation
        .record
        .request_body
        .as_deref()
        .unwrap()
        .contains("yearly rotation"));
    let (ok, out) = tokio::task::block_in_place(|| cli(&d, &url, &["audit", "verify"]));
    assert!(ok, "{out}");

    // Flux starts again on the rotated store (its sandbox secrets, key pepper and webhook
    // secrets open), the key minted before still works, and the webhook goes out with its token.
    let flux = TestFlux::start(Options {
        data_dir: Some(d.clone()),
        database_url,
        ..Default::default()
    })
    .await;
    let listed = flux
        .http
        .get(format!("{}{CLIENTS}/{DEMO_CLIENT}/webhooks", flux.base))
        .header("X-API-Key", &key_before)
        .send()
        .await
        .unwrap();
    assert_eq!(listed.status(), 200);
    let sent = flux
        .post(
            &format!("{CLIENTS}/{DEMO_CLIENT}/webhooks/{hook}/test"),
            &json!({}),
        )
        .await;
    assert_eq!(sent.status, 202, "{}", sent.text);
    let got = receiver.wait_for(1, Duration::from_secs(10)).await;
    assert_eq!(got[0].header("x-webhook-token"), "tok-before-rotation");
    flux.running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secrets_rotate_on_sqlite() {
    rotation_keeps_every_secret(None).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secrets_rotate_on_postgres() {
    with_postgres(|url| async move { rotation_keeps_every_secret(Some(url)).await }).await;
}

/// `flux backup` copies a SQLite store while Flux serves and writes to it; the copy, with the
/// secrets key beside it, is a working data directory whose audit trail and ledger verify.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_backup_while_serving_restores_and_verifies() {
    let flux = TestFlux::start(Options::default()).await;
    let (_, source) = flux.demo_account().await;
    let destination = flux.card("4772130000000003").await;
    // Money moves before and during the backup.
    for i in 0..3 {
        let r = flux
            .post_idem(
                "/api/partners/transactions/money-out",
                &flux.money_out_body(&source, &destination, "10.00"),
                &format!("before-backup-{i}"),
            )
            .await;
        assert!(r.status.is_success(), "{}", r.text);
    }
    let backups = tempfile::tempdir().unwrap();
    let copy = backups.path().join("flux-backup.db");
    let writes = {
        let (base, key, http) = (flux.base.clone(), flux.key.clone(), flux.http.clone());
        let body = flux.money_out_body(&source, &destination, "1.00");
        tokio::spawn(async move {
            for i in 0..20 {
                http.post(format!("{base}/api/partners/transactions/money-out"))
                    .header("X-API-Key", &key)
                    .header("Idempotency-Key", format!("during-backup-{i}"))
                    .json(&body)
                    .send()
                    .await
                    .unwrap();
            }
        })
    };
    let data = flux.data_dir.clone();
    let (ok, out) =
        tokio::task::block_in_place(|| cli(&data, "", &["backup", "--to", copy.to_str().unwrap()]));
    assert!(ok, "{out}");
    writes.await.unwrap();
    // A backup never overwrites.
    let (ok, _) =
        tokio::task::block_in_place(|| cli(&data, "", &["backup", "--to", copy.to_str().unwrap()]));
    assert!(!ok);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&copy).unwrap().permissions().mode() & 0o777;
        assert_eq!(
            mode, 0o600,
            "the copy holds the audit trail and sealed secrets"
        );
    }
    // Restore: the copy and the secrets key into a new data directory.
    let restored = tempfile::tempdir().unwrap();
    std::fs::copy(&copy, restored.path().join("flux.db")).unwrap();
    std::fs::copy(
        data.join("secrets.key"),
        restored.path().join("secrets.key"),
    )
    .unwrap();
    let r = restored.path().to_path_buf();
    for check in [["audit", "verify"], ["ledger", "verify"]] {
        let (ok, out) = tokio::task::block_in_place(|| cli(&r, "", &check));
        assert!(
            ok && out.contains("intact"),
            "{check:?} on the restored copy: {out}"
        );
    }
    let store = flux_store::Store::open(&format!("sqlite://{}", r.join("flux.db").display()))
        .await
        .unwrap();
    let rows = store
        .query(
            "SELECT count(*) FROM transactions WHERE kind = 'MONEY_OUT'",
            vec![],
        )
        .await
        .unwrap();
    assert!(rows[0].int(0).unwrap() >= 3);
    flux.running.stop().await;
}

/// The secrets an early schema kept in clear.
const CLEAR: [&str; 3] = [
    "clear-client-secret-0006",
    "clear-webhook-token-0006",
    "whsec_Y2xlYXJzZWNyZXQwMDA2",
];

/// A database migrated only to 0006 (before webhook tokens were marked, before client links had
/// their own table), holding a partner, a client whose provider secret is in clear, an API key,
/// a webhook with a clear token and signing secret, a transaction and audit records, is
/// migrated to the latest schema and sealed as Flux's start does: the data is intact, every
/// secret is sealed and opens, the old copy of the client secret is gone, and the audit chain
/// verifies.
async fn upgrade_from_0006(url: &str) {
    let store = flux_store::Store::open(url).await.unwrap();
    store
        .migrate_until(Some("0006_state_machine"))
        .await
        .unwrap();
    let (partner, client, hook, txn) = (
        Uuid::new_v4(),
        Uuid::new_v4(),
        Uuid::new_v4(),
        Uuid::new_v4(),
    );
    let now = flux_core::time::to_micros(flux_core::time::now());
    store
        .exec(
            "INSERT INTO partners (id, name, created_at) VALUES ($1, 'Old SA', $2)",
            vec![partner.into(), now.into()],
        )
        .await
        .unwrap();
    store
        .exec(
            "INSERT INTO clients (client_id, partner_id, provider, provider_secret, created_at) VALUES ($1, $2, 'fincore', $3, $4)",
            vec![client.into(), partner.into(), CLEAR[0].into(), now.into()],
        )
        .await
        .unwrap();
    store
        .exec(
            "INSERT INTO api_keys (id, partner_id, prefix, hash, created_at) VALUES ($1, $2, 'flux_test_Old00000', 'hash-0006', $3)",
            vec![Uuid::new_v4().into(), partner.into(), now.into()],
        )
        .await
        .unwrap();
    store
        .exec(
            "INSERT INTO webhooks (id, partner_id, client_id, url, token, webhook_type, webhook_status, created_at, updated_at) VALUES ($1, $2, $3, 'https://partner.example/hooks', $4, 'MONEY_IN', 'ACTIVE', $5, $5)",
            vec![hook.into(), partner.into(), client.into(), CLEAR[1].into(), now.into()],
        )
        .await
        .unwrap();
    store
        .exec(
            "INSERT INTO webhook_secrets (webhook_id, secret_id, secret, created_at, expires_at) VALUES ($1, $2, $3, $4, NULL)",
            vec![hook.into(), Uuid::new_v4().into(), CLEAR[2].into(), now.into()],
        )
        .await
        .unwrap();
    store
        .exec(
            "INSERT INTO transactions (id, partner_id, client_id, kind, status, amount, currency, provider, created_at, updated_at) VALUES ($1, $2, $3, 'MONEY_OUT', 'COMPLETED', '125.50', 'MXN', 'fincore', $4, $4)",
            vec![txn.into(), partner.into(), client.into(), now.into()],
        )
        .await
        .unwrap();
    store
        .append_audit(vec![flux_store::NewAudit {
            at: flux_core::time::now(),
            partner_id: Some(partner),
            key_prefix: Some("flux_test_Old00000".into()),
            method: "POST".into(),
            path: "/api/partners/clients".into(),
            status: 201,
            latency_us: 10,
            request_id: "req-0006".into(),
            correlation_id: None,
            request_body: None,
            response_body: None,
        }])
        .await
        .unwrap();
    drop(store);

    // What `flux serve` does at start: migrate, then seal what is in clear (twice: a restart).
    let key = [5u8; 32];
    let store = flux_store::Store::open(url)
        .await
        .unwrap()
        .with_secrets_key(&key);
    for _ in 0..2 {
        store.migrate().await.unwrap();
        store.seal_clear_secrets().await.unwrap();
    }
    let opened = store.get_client(client).await.unwrap().unwrap();
    assert_eq!(opened.partner_id, partner);
    assert_eq!(opened.links[0].secret.as_ref().unwrap().expose(), CLEAR[0]);
    let webhook = store.get_webhook(client, hook).await.unwrap().unwrap();
    assert_eq!(webhook.token.expose(), CLEAR[1]);
    let secrets = store.webhook_secrets(hook).await.unwrap();
    assert_eq!(secrets[0].expose(), CLEAR[2]);
    let t = store.get_transaction(txn).await.unwrap().unwrap();
    assert_eq!(t.amount.to_string(), "125.50");
    assert!(store.verify_audit().await.unwrap().first_bad.is_none());
    assert!(flux_ledger::verify::verify(&store).await.unwrap().ok());
    // No secret is left in clear in any table.
    for sql in [
        "SELECT provider_secret FROM clients WHERE provider_secret IS NOT NULL",
        "SELECT provider_secret FROM client_providers",
        "SELECT token FROM webhooks",
        "SELECT secret FROM webhook_secrets",
    ] {
        for row in store.query(sql, vec![]).await.unwrap() {
            let value = row.text(0).unwrap();
            assert!(value.starts_with("v1:"), "{sql}: {value}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upgrading_an_old_sqlite_database_keeps_its_data_and_seals_its_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("flux.db");
    let url = format!("sqlite://{}", path.display());
    upgrade_from_0006(&url).await;
    // secure_delete is on, so the bytes the clear secrets took are overwritten in the file
    // itself, not only unreferenced.
    let store = flux_store::Store::open(&url).await.unwrap();
    let on = store.query("PRAGMA secure_delete", vec![]).await.unwrap();
    assert_eq!(on[0].int(0).unwrap(), 1);
    store
        .query("PRAGMA wal_checkpoint(TRUNCATE)", vec![])
        .await
        .unwrap();
    let bytes = std::fs::read(&path).unwrap();
    for secret in CLEAR {
        assert!(
            !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
            "{secret} is still in the database file"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upgrading_an_old_postgres_database_keeps_its_data_and_seals_its_secrets() {
    with_postgres(|url| async move { upgrade_from_0006(&url).await }).await;
}

/// Runs `flux` on a SQLite data directory with extra environment variables.
fn cli_env(dir: &Path, env: &[(&str, &str)], args: &[&str]) -> (bool, String) {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_flux"));
    cmd.args(args).arg("--data-dir").arg(dir);
    cmd.env_remove("FLUX_FINCORE_URL")
        .env_remove("FLUX_DATABASE_URL")
        .env_remove("FLUX_SECRETS_KEY")
        .env_remove("FLUX_NEW_SECRETS_KEY");
    cmd.envs(env.iter().copied());
    let out = cmd.output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

/// A rotation that stopped after its database commit but before renaming `secrets.key.next`
/// leaves a store Flux still opens (with either key), and running the rotation again finishes
/// it under the pending key.
#[test]
fn an_interrupted_rotation_is_finished_by_running_it_again() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let who = ["--operator", "ana", "--reason", "rotation"];
    let (ok, out) = cli_env(d, &[], &["key", "create", "--partner", &partner_of(d)]);
    assert!(ok, "{out}");
    // The state a crash between the commit and the rename leaves.
    let old = key_in(d);
    let pending = [42u8; 32];
    std::fs::write(d.join("secrets.key.next"), hex::encode(pending)).unwrap();
    let url = format!("sqlite://{}", d.join("flux.db").display());
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        let store = flux_store::Store::open(&url)
            .await
            .unwrap()
            .with_secrets_key(&old);
        let audit = flux_store::NewAudit {
            at: flux_core::time::now(),
            partner_id: None,
            key_prefix: Some("operator:ana".into()),
            method: "CLI".into(),
            path: "flux secrets rotate".into(),
            status: 0,
            latency_us: 0,
            request_id: Uuid::new_v4().to_string(),
            correlation_id: None,
            request_body: None,
            response_body: None,
        };
        let done = store.reseal_secrets(&pending, audit).await.unwrap();
        assert!(done.settings >= 1, "{done:?}");
    });
    // Flux still opens it: the key pepper, sealed under the pending key, opens.
    let (ok, out) = cli_env(d, &[], &["key", "create", "--partner", &partner_of(d)]);
    assert!(ok, "{out}");
    let mut args = vec!["secrets", "rotate"];
    args.extend_from_slice(&who);
    let (ok, out) = cli_env(d, &[], &args);
    assert!(ok && out.contains("finishing"), "{out}");
    assert_eq!(key_in(d), pending);
    assert!(!d.join("secrets.key.next").exists());
    let (ok, out) = cli_env(d, &[], &["audit", "verify"]);
    assert!(ok, "{out}");
}

/// With FLUX_SECRETS_KEY, the new key comes from FLUX_NEW_SECRETS_KEY (never generated and
/// printed); afterwards Flux works with the new key only.
#[test]
fn rotating_a_key_given_in_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (a, b) = (hex::encode([1u8; 32]), hex::encode([2u8; 32]));
    let partner = {
        let (ok, out) = cli_env(
            d,
            &[("FLUX_SECRETS_KEY", &a)],
            &["partner", "create", "--name", "Env SA"],
        );
        assert!(ok, "{out}");
        out.lines().next().unwrap().trim().to_string()
    };
    let create = ["key", "create", "--partner", partner.as_str()];
    let (ok, out) = cli_env(d, &[("FLUX_SECRETS_KEY", &a)], &create);
    assert!(ok, "{out}");
    let rotate = [
        "secrets",
        "rotate",
        "--operator",
        "ana",
        "--reason",
        "env rotation",
    ];
    let (ok, out) = cli_env(d, &[("FLUX_SECRETS_KEY", &a)], &rotate);
    assert!(!ok && out.contains("FLUX_NEW_SECRETS_KEY"), "{out}");
    let (ok, out) = cli_env(
        d,
        &[("FLUX_SECRETS_KEY", &a), ("FLUX_NEW_SECRETS_KEY", &b)],
        &rotate,
    );
    assert!(ok && !out.contains(&b), "{out}");
    assert!(!d.join("secrets.key").exists() && !d.join("secrets.key.next").exists());
    // The old key no longer opens the sealed key pepper; the new one does.
    let (ok, _) = cli_env(d, &[("FLUX_SECRETS_KEY", &a)], &create);
    assert!(!ok);
    let (ok, out) = cli_env(d, &[("FLUX_SECRETS_KEY", &b)], &create);
    assert!(ok, "{out}");
}

/// A partner in the store of `dir`, created by the CLI; its id.
fn partner_of(dir: &Path) -> String {
    let (ok, out) = cli_env(dir, &[], &["partner", "create", "--name", "Rotation SA"]);
    assert!(ok, "{out}");
    out.lines().next().unwrap().trim().to_string()
}
