//! An instance starts while NeCIPCo answers nothing but 500s (a restart during a NeCIPCo
//! outage): it serves, and registers Flux's public key at NeCIPCo in the background once
//! NeCIPCo answers. Before, start-up failed on the registration, so a card provider's outage
//! kept a restarted instance from serving money-outs and everything else. Found by
//! scripts/chaos (an instance restarted during NeCIPCo faults).
#![allow(clippy::unwrap_used)]

mod common;

use common::free_port;

use serde_json::json;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Proc(Child);

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

async fn faults(necipco: &str, body: serde_json::Value) {
    let r = reqwest::Client::new()
        .put(format!("http://{necipco}/_emulator/faults"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "setting NeCIPCo's faults");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_instance_starts_while_necipco_fails_and_registers_its_key_later() {
    let necipco = format!("127.0.0.1:{}", free_port());
    let _emulator = Proc(
        Command::new(env!("CARGO_BIN_EXE_flux"))
            .args(["sandbox", "necipco", "--addr", &necipco])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let started = Instant::now();
    while std::net::TcpStream::connect(&necipco).is_err() {
        assert!(started.elapsed() < Duration::from_secs(60), "no emulator");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    faults(&necipco, json!({"error_rate": 1.0})).await;

    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("serve.log");
    let addr = format!("127.0.0.1:{}", free_port());
    let mut serve = Proc(
        Command::new(env!("CARGO_BIN_EXE_flux"))
            .args(["serve", "--addr", &addr, "--data-dir"])
            .arg(dir.path().join("data"))
            .env("FLUX_NECIPCO_URL", format!("http://{necipco}/v1"))
            .env("FLUX_NECIPCO_API_KEY", "flux-sandbox")
            .env("FLUX_NECIPCO_PASSWORD", "sandbox-demo-password")
            .env("FLUX_NECIPCO_FUNDING_CLABE", "646180990000000012")
            .env("FLUX_LEDGER_BACKEND", "embedded")
            .env("FLUX_LOG", "info")
            .env_remove("FLUX_FINCORE_URL")
            .env_remove("FLUX_DATABASE_URL")
            .env_remove("FLUX_REDIS_URL")
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .unwrap(),
    );
    let text = || std::fs::read_to_string(&log).unwrap_or_default();
    let started = Instant::now();
    loop {
        if let Ok(r) = reqwest::get(format!("http://{addr}/readyz")).await {
            if r.status() == 200 {
                break;
            }
        }
        assert!(
            serve.0.try_wait().unwrap().is_none(),
            "flux serve exited while NeCIPCo failed: {}",
            text()
        );
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "never ready: {}",
            text()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(!text().contains("Flux's public key registered at NeCIPCo"));

    // NeCIPCo answers again: the key is registered without a restart.
    faults(&necipco, json!({})).await;
    let started = Instant::now();
    while !text().contains("Flux's public key registered at NeCIPCo") {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the key was never registered: {}",
            text()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
