//! The real `flux serve` answers API keys and client ownership from memory, yet sees what
//! another process changes within 1 s: a key revoked by `flux key revoke`, a client given to a
//! partner by `flux partner add-client`, a key created by `flux key create`. On SQLite (the
//! generation poll) and, when FLUX_TEST_DATABASE_URL is set, on PostgreSQL (LISTEN/NOTIFY with
//! the poll behind it).
#![allow(clippy::unwrap_used)]

mod common;

use common::{free_port, with_postgres};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// What the serving process must beat.
const PROMISE: Duration = Duration::from_secs(1);
const POLL: Duration = Duration::from_millis(50);

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The `flux` binary on this data directory and database (`None`: its own SQLite file).
fn flux(dir: &std::path::Path, url: Option<&str>, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_flux"));
    cmd.args(args)
        .arg("--data-dir")
        .arg(dir)
        .env("FLUX_LEDGER_BACKEND", "embedded")
        .env("FLUX_LOG_FORMAT", "json")
        .env("RUST_LOG", "warn")
        .env_remove("FLUX_FINCORE_URL");
    match url {
        Some(url) => cmd.env("FLUX_DATABASE_URL", url),
        None => cmd.env_remove("FLUX_DATABASE_URL"),
    };
    cmd
}

/// Runs an admin command to its end, as an operator would; returns its standard output.
fn admin(dir: &std::path::Path, url: Option<&str>, args: &[&str]) -> String {
    let out = flux(dir, url, args).output().unwrap();
    assert!(
        out.status.success(),
        "flux {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

async fn start(dir: &std::path::Path, url: Option<&str>) -> (Server, String) {
    let port = free_port();
    let addr = format!("127.0.0.1:{port}");
    let child = flux(dir, url, &["serve", "--addr", &addr])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let server = Server(child);
    let base = format!("http://{addr}");
    for _ in 0..300 {
        if let Ok(r) = reqwest::get(format!("{base}/readyz")).await {
            if r.status() == 200 {
                return (server, base);
            }
        }
        tokio::time::sleep(POLL).await;
    }
    panic!("flux serve on {addr} never became ready");
}

async fn status(http: &reqwest::Client, base: &str, key: &str, path: &str) -> u16 {
    http.get(format!("{base}{path}"))
        .header("X-API-Key", key)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

/// Asks every [`POLL`] until the answer is `wanted`; fails if that takes longer than
/// [`PROMISE`]. Returns how long it took.
async fn answers_within_promise(
    http: &reqwest::Client,
    base: &str,
    key: &str,
    path: &str,
    wanted: u16,
) -> Duration {
    let since = Instant::now();
    loop {
        let got = status(http, base, key, path).await;
        if got == wanted {
            return since.elapsed();
        }
        assert!(
            since.elapsed() < PROMISE,
            "GET {path} still answered {got}, not {wanted}, {:?} after the change",
            since.elapsed()
        );
        tokio::time::sleep(POLL).await;
    }
}

/// `flux_auth_cache_lookups_total` for this cache and outcome, from /metrics.
async fn lookups(http: &reqwest::Client, base: &str, cache: &str, outcome: &str) -> u64 {
    let text = http
        .get(format!("{base}/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    text.lines()
        .filter(|l| l.starts_with("flux_auth_cache_lookups_total{"))
        .filter(|l| l.contains(&format!("cache=\"{cache}\"")))
        .filter(|l| l.contains(&format!("outcome=\"{outcome}\"")))
        .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
        .map(|v| v as u64)
        .sum()
}

/// Waits (5 s at most) until /readyz says keys and clients are answered from memory.
async fn cache_serving(http: &reqwest::Client, base: &str) {
    let since = Instant::now();
    loop {
        let ready: serde_json::Value = http
            .get(format!("{base}/readyz"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if ready["auth_cache"] == "serving" {
            return;
        }
        assert!(since.elapsed() < Duration::from_secs(5), "{ready}");
        tokio::time::sleep(POLL).await;
    }
}

async fn changes_by_other_processes_are_seen_within_a_second(url: Option<&str>) {
    let dir = tempfile::tempdir().unwrap();
    let (_server, base) = start(dir.path(), url).await;
    let http = reqwest::Client::new();
    // The cache serves once its first generation read (and, on PostgreSQL, its LISTEN) is done.
    cache_serving(&http, &base).await;

    // A partner, its key and (not yet) its client, each made by a separate process.
    let partner = admin(dir.path(), url, &["partner", "create", "--name", "Cache"]);
    let key = admin(dir.path(), url, &["key", "create", "--partner", &partner]);
    let client = uuid::Uuid::new_v4().to_string();
    let webhooks = format!("/api/partners/clients/{client}/webhooks");

    // A key created after the server started is accepted (an unknown key is never cached);
    // a client the partner does not own is not found.
    answers_within_promise(&http, &base, &key, "/api/partners/banks", 200).await;
    assert_eq!(status(&http, &base, &key, &webhooks).await, 404);
    let args = [
        "partner",
        "add-client",
        "--partner",
        &partner,
        "--client-id",
        &client,
    ];
    admin(dir.path(), url, &args);
    let owned = answers_within_promise(&http, &base, &key, &webhooks, 200).await;
    eprintln!("ownership seen after {owned:?}");

    // Warm: from here on the key and the client are answered from memory.
    for _ in 0..20 {
        assert_eq!(status(&http, &base, &key, &webhooks).await, 200);
    }
    assert!(lookups(&http, &base, "keys", "hit").await >= 10);
    assert!(lookups(&http, &base, "clients", "hit").await >= 10);

    let prefix: String = key.chars().take(18).collect();
    admin(
        dir.path(),
        url,
        &[
            "key",
            "revoke",
            "--key-prefix",
            &prefix,
            "--operator",
            "ana",
            "--reason",
            "leaked in a ticket",
        ],
    );
    let revoked = answers_within_promise(&http, &base, &key, &webhooks, 401).await;
    eprintln!("revocation seen after {revoked:?}");
    // And it stays refused.
    for _ in 0..5 {
        assert_eq!(status(&http, &base, &key, "/api/partners/banks").await, 401);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_sees_revocation_and_ownership_from_other_processes_within_a_second() {
    changes_by_other_processes_are_seen_within_a_second(None).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_sees_revocation_and_ownership_from_other_processes_within_a_second() {
    with_postgres(|url| async move {
        changes_by_other_processes_are_seen_within_a_second(Some(&url)).await;
    })
    .await;
}
