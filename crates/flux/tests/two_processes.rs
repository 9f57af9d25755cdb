//! Two Flux processes (the real binary, twice) on one PostgreSQL, both serving the partner
//! ledger API from the embedded engine. 32 concurrent callers, split between them, drain one
//! account: exactly what it holds is spent, the rest is refused with 422, nobody sees a 5xx
//! (no deadlock, no serialization failure surfaced), and `flux ledger verify` finds the books
//! whole.
#![allow(clippy::unwrap_used)]

mod common;

use common::{free_port, with_postgres, DEMO_CLIENT};
use serde_json::{json, Value};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn flux(dir: &std::path::Path, url: &str, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_flux"));
    cmd.args(args)
        .arg("--data-dir")
        .arg(dir)
        .env("FLUX_DATABASE_URL", url)
        .env("FLUX_LEDGER_BACKEND", "embedded")
        .env("FLUX_LOG_FORMAT", "json")
        .env("RUST_LOG", "warn")
        .env_remove("FLUX_FINCORE_URL");
    cmd
}

async fn start(dir: &std::path::Path, url: &str) -> (Server, String) {
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
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("flux serve on {addr} never became ready");
}

async fn post(
    http: &reqwest::Client,
    base: &str,
    key: &str,
    path: &str,
    body: Value,
) -> (u16, Value) {
    let r = http
        .post(format!("{base}{path}"))
        .header("X-API-Key", key)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_drain_one_account_exactly() {
    with_postgres(|url| async move {
        let dir = tempfile::tempdir().unwrap();
        // The first start creates the secrets key, the pepper and the demo key; the second
        // process, on the same data directory, shares them.
        let (_a, base_a) = start(dir.path(), &url).await;
        let (_b, base_b) = start(dir.path(), &url).await;
        let key = std::fs::read_to_string(dir.path().join("demo-api-key"))
            .unwrap()
            .trim()
            .to_string();
        let http = reqwest::Client::new();
        let ledger = format!("/api/partners/clients/{DEMO_CLIENT}/ledger");
        let (s, cash) = post(
            &http,
            &base_a,
            &key,
            &format!("{ledger}/accounts"),
            json!({"name": "caja", "currency": "MXN", "normal_balance": "DEBIT"}),
        )
        .await;
        assert_eq!(s, 201, "{cash}");
        let (_, wallet) = post(
            &http,
            &base_b,
            &key,
            &format!("{ledger}/accounts"),
            json!({"name": "monedero", "currency": "MXN", "normal_balance": "CREDIT"}),
        )
        .await;
        let (cash, wallet) = (
            cash["id"].as_str().unwrap().to_string(),
            wallet["id"].as_str().unwrap().to_string(),
        );
        let transfer = |reference: String, from: &str, to: &str, amount: &str| {
            json!({"reference_id": reference, "currency": "MXN",
                   "operations": [{"account_id": from, "direction": "DEBIT", "amount": amount},
                                  {"account_id": to, "direction": "CREDIT", "amount": amount}]})
        };
        let (s, body) = post(
            &http,
            &base_a,
            &key,
            &format!("{ledger}/transactions"),
            transfer("fund".into(), &cash, &wallet, "100.00"),
        )
        .await;
        assert_eq!(s, 201, "{body}");

        // 32 callers × 8 attempts of 1.00 = 256 attempts on a wallet holding 100.00.
        let mut tasks = Vec::new();
        for t in 0..32 {
            let (http, key, ledger) = (http.clone(), key.clone(), ledger.clone());
            let base = if t % 2 == 0 {
                base_a.clone()
            } else {
                base_b.clone()
            };
            let body = |i: usize| transfer(format!("spend-{t}-{i}"), &wallet, &cash, "1.00");
            let bodies: Vec<Value> = (0..8).map(body).collect();
            tasks.push(tokio::spawn(async move {
                let mut outcomes = Vec::new();
                for b in bodies {
                    let (s, body) =
                        post(&http, &base, &key, &format!("{ledger}/transactions"), b).await;
                    outcomes.push((s, body["code"].as_str().unwrap_or("").to_string()));
                }
                outcomes
            }));
        }
        let mut ok = 0;
        let mut refused = 0;
        for t in tasks {
            for (status, code) in t.await.unwrap() {
                match (status, code.as_str()) {
                    (201, _) => ok += 1,
                    (422, "insufficient_funds") => refused += 1,
                    other => panic!("unexpected answer {other:?}"),
                }
            }
        }
        assert_eq!((ok, refused), (100, 156));
        let r = http
            .get(format!("{base_b}{ledger}/accounts/{wallet}/balance"))
            .header("X-API-Key", &key)
            .send()
            .await
            .unwrap();
        let balance: Value = r.json().await.unwrap();
        assert_eq!(balance["posted"], "0.00", "{balance}");
        let out = flux(dir.path(), &url, &["ledger", "verify"])
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{text}");
        assert!(text.contains("ledger intact"), "{text}");
    })
    .await;
}
