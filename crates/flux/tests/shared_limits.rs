//! Rate limits shared by several instances through Redis: two Flux processes (the real binary)
//! on one PostgreSQL and one Redis give a key its burst once, not once each, with the same
//! `RateLimit` headers and `Retry-After` as one instance; an instance whose Redis does not
//! answer keeps serving with its own limits and says so in `/readyz`.
#![allow(clippy::unwrap_used)]

mod common;

use common::with_postgres;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const REDIS: &str = "redis://127.0.0.1:6379";

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `flux serve` on a free port with these limits and Redis; waits until `/readyz` says the
/// rate limits are `mode`.
async fn start(dir: &std::path::Path, url: &str, redis: &str, mode: &str) -> (Server, String) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let addr = format!("127.0.0.1:{port}");
    let child = Command::new(env!("CARGO_BIN_EXE_flux"))
        .args(["serve", "--addr", &addr, "--data-dir"])
        .arg(dir)
        .env("FLUX_DATABASE_URL", url)
        .env("FLUX_LEDGER_BACKEND", "embedded")
        .env("FLUX_REDIS_URL", redis)
        .env("FLUX_RATE_LIMIT_PER_SECOND", "1")
        .env("FLUX_RATE_LIMIT_BURST", "6")
        .env("RUST_LOG", "warn")
        .env_remove("FLUX_FINCORE_URL")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let server = Server(child);
    let base = format!("http://{addr}");
    let mut last = String::new();
    for _ in 0..300 {
        if let Ok(r) = reqwest::get(format!("{base}/readyz")).await {
            last = r.text().await.unwrap_or_default();
            if last.contains(&format!("\"rate_limits\":\"{mode}\"")) {
                return (server, base);
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("flux serve on {addr} never became ready with {mode} limits: {last}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_share_one_limit_per_key() {
    with_postgres(|url| async move {
        let dir = tempfile::tempdir().unwrap();
        let (_a, base_a) = start(dir.path(), &url, REDIS, "shared").await;
        let (_b, base_b) = start(dir.path(), &url, REDIS, "shared").await;
        let key = std::fs::read_to_string(dir.path().join("demo-api-key"))
            .unwrap()
            .trim()
            .to_string();
        let http = reqwest::Client::new();
        let (mut allowed, mut refused) = (0, 0);
        let started = std::time::Instant::now();
        for i in 0..12 {
            let base = if i % 2 == 0 { &base_a } else { &base_b };
            let r = http
                .get(format!("{base}/api/partners/banks"))
                .header("X-API-Key", &key)
                .send()
                .await
                .unwrap();
            assert!(
                r.headers().contains_key("ratelimit-policy"),
                "{:?}",
                r.headers()
            );
            match r.status().as_u16() {
                200 => allowed += 1,
                429 => {
                    refused += 1;
                    let wait: u64 = r.headers()["retry-after"]
                        .to_str()
                        .unwrap()
                        .parse()
                        .unwrap();
                    assert!(wait >= 1, "Retry-After {wait}");
                }
                other => panic!("unexpected {other}"),
            }
        }
        // One burst of 6 for both, plus at most one refill per second elapsed; per instance
        // it would have been 12.
        let refills = started.elapsed().as_secs() as i32 + 1;
        assert!(
            allowed >= 6 && allowed <= 6 + refills,
            "allowed {allowed}, refused {refused}"
        );
        assert!(
            refused >= 12 - 6 - refills,
            "allowed {allowed}, refused {refused}"
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_redis_leaves_limits_per_instance() {
    with_postgres(|url| async move {
        let dir = tempfile::tempdir().unwrap();
        // Nothing listens on port 1: Flux serves, limiting on its own, and says so.
        let (_a, base) = start(dir.path(), &url, "redis://127.0.0.1:1", "local").await;
        let key = std::fs::read_to_string(dir.path().join("demo-api-key"))
            .unwrap()
            .trim()
            .to_string();
        let http = reqwest::Client::new();
        let mut statuses = Vec::new();
        for _ in 0..8 {
            let r = http
                .get(format!("{base}/api/partners/banks"))
                .header("X-API-Key", &key)
                .send()
                .await
                .unwrap();
            statuses.push(r.status().as_u16());
        }
        // Its own burst of 6 (a slow machine may see one refill), then 429.
        let allowed = statuses.iter().filter(|s| **s == 200).count();
        assert!((6..=7).contains(&allowed), "{statuses:?}");
        assert_eq!(statuses.last(), Some(&429), "{statuses:?}");
    })
    .await;
}
