//! SIGTERM drains: the real `flux serve`, asked to stop while a request waits on a slow Fincore,
//! says `draining` on /readyz (503) while it still serves, lets that request finish with its
//! real answer, and exits 0 within its deadline; work that outlasts the deadline does not hold
//! the process, which then exits 1.
#![allow(clippy::unwrap_used)]

mod common;

use common::{free_port, DEMO_CLIENT};
use serde_json::{json, Value};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long Fincore takes to answer each call: longer than the drain grace, so the request is
/// still in flight when the listener closes.
const FINCORE_LATENCY_MS: u64 = 2_500;
const GRACE_MS: u64 = 1_000;
const DEADLINE_MS: u64 = 20_000;

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `flux serve` in sandbox on SQLite, its Fincore emulator on a known port; waits until it has
/// printed its banner (start-up done, the signal handlers long installed) and /readyz is 200.
async fn start(dir: &std::path::Path, addr: &str, emulator: &str, deadline_ms: u64) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_flux"))
        .args(["serve", "--addr", addr, "--data-dir"])
        .arg(dir)
        .env("FLUX_SANDBOX_EMULATOR_ADDR", emulator)
        .env("FLUX_LEDGER_BACKEND", "embedded")
        .env("FLUX_DRAIN_GRACE_MS", GRACE_MS.to_string())
        .env("FLUX_SHUTDOWN_TIMEOUT_MS", deadline_ms.to_string())
        .env("FLUX_LOG_FORMAT", "json")
        .env_remove("FLUX_FINCORE_URL")
        .env_remove("FLUX_DATABASE_URL")
        .env_remove("FLUX_REDIS_URL")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let server = Server(child);
    let banner = tokio::task::spawn_blocking(move || {
        use std::io::BufRead;
        let mut lines = std::io::BufReader::new(stdout).lines();
        let done = lines.any(|l| l.is_ok_and(|l| l.contains("demo client:")));
        // Keep reading so the process never blocks on a full pipe.
        std::thread::spawn(move || lines.for_each(drop));
        done
    });
    let banner = tokio::time::timeout(Duration::from_secs(60), banner).await;
    assert!(
        matches!(banner, Ok(Ok(true))),
        "flux serve never finished starting"
    );
    for _ in 0..600 {
        if let Ok(r) = reqwest::get(format!("http://{addr}/readyz")).await {
            if r.status() == 200 {
                return server;
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("flux serve on {addr} never became ready");
}

fn sigterm(server: &Server) {
    let status = Command::new("kill")
        .args(["-TERM", &server.0.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success(), "kill -TERM failed");
}

/// /readyz, polled until it answers `draining` (or the grace is over).
async fn wait_draining(base: &str) -> (u16, Value) {
    let http = reqwest::Client::new();
    let until = Instant::now() + Duration::from_millis(GRACE_MS);
    loop {
        let r = http.get(format!("{base}/readyz")).send().await.unwrap();
        let status = r.status().as_u16();
        let body: Value = r.json().await.unwrap_or(Value::Null);
        if body["status"] == "draining" || Instant::now() > until {
            return (status, body);
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Waits for the process to exit, at most `limit`; its exit status.
async fn exited(server: &mut Server, limit: Duration) -> Option<std::process::ExitStatus> {
    let until = Instant::now() + limit;
    while Instant::now() < until {
        if let Some(status) = server.0.try_wait().unwrap() {
            return Some(status);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    None
}

/// Makes every call to the Fincore emulator take `latency_ms`.
async fn slow_fincore(emulator: &str, latency_ms: u64) {
    let r = reqwest::Client::new()
        .put(format!("http://{emulator}/_emulator/faults"))
        .json(&json!({ "latency_ms": latency_ms }))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "setting the emulator's latency");
}

/// GET the demo client's accounts (a call to Fincore), in the background.
fn accounts(base: &str, dir: &std::path::Path) -> tokio::task::JoinHandle<(u16, Value)> {
    let key = std::fs::read_to_string(dir.join("demo-api-key")).unwrap();
    let url = format!("{base}/api/partners/clients/{DEMO_CLIENT}/accounts");
    tokio::spawn(async move {
        let r = reqwest::Client::new()
            .get(url)
            .header("X-API-Key", key.trim())
            .send()
            .await
            .unwrap();
        (r.status().as_u16(), r.json::<Value>().await.unwrap())
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_drains_then_exits_zero() {
    let dir = tempfile::tempdir().unwrap();
    let addr = format!("127.0.0.1:{}", free_port());
    let emulator = format!("127.0.0.1:{}", free_port());
    let mut server = start(dir.path(), &addr, &emulator, DEADLINE_MS).await;
    let base = format!("http://{addr}");
    slow_fincore(&emulator, FINCORE_LATENCY_MS).await;

    // A request that waits on Fincore, in flight when the signal arrives.
    let in_flight = accounts(&base, dir.path());
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        !in_flight.is_finished(),
        "the request should still wait on Fincore"
    );
    let signalled = Instant::now();
    sigterm(&server);

    // A load balancer polling /readyz sees the instance leave, while it still answers.
    let (status, body) = wait_draining(&base).await;
    assert_eq!(
        (status, body["status"].clone()),
        (503, json!("draining")),
        "{body}"
    );

    // The request in flight gets its real answer: the demo client's funded account.
    let (status, body) = in_flight.await.unwrap();
    assert_eq!(status, 200, "{body}");
    assert!(body["data"][0]["clabe"].is_string(), "{body}");

    let limit = Duration::from_millis(GRACE_MS + DEADLINE_MS);
    let status = exited(&mut server, limit).await;
    let took = signalled.elapsed();
    assert_eq!(
        status.map(|s| s.code()),
        Some(Some(0)),
        "exit after {took:?}"
    );
    // Once gone, nothing listens: a load balancer's next connection is refused.
    assert!(reqwest::get(format!("{base}/readyz")).await.is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn work_past_the_deadline_does_not_hold_the_process() {
    let dir = tempfile::tempdir().unwrap();
    let addr = format!("127.0.0.1:{}", free_port());
    let emulator = format!("127.0.0.1:{}", free_port());
    let deadline_ms = 500;
    let mut server = start(dir.path(), &addr, &emulator, deadline_ms).await;
    slow_fincore(&emulator, 30_000).await;
    let _stuck = accounts(&format!("http://{addr}"), dir.path());
    tokio::time::sleep(Duration::from_millis(300)).await;
    let signalled = Instant::now();
    sigterm(&server);

    // Gone soon after grace + deadline, long before Fincore would have answered, saying so.
    let status = exited(
        &mut server,
        Duration::from_millis(GRACE_MS + deadline_ms + 5_000),
    )
    .await;
    let took = signalled.elapsed();
    assert_eq!(
        status.map(|s| s.code()),
        Some(Some(1)),
        "exit after {took:?}"
    );
}
