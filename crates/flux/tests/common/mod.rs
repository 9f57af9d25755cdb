//! Test harness: boots the real Flux (store, sandbox emulator, gateway) on ephemeral ports and
//! talks HTTP to it.
#![allow(dead_code, clippy::unwrap_used)]

use flux::{Config, Running};
#[allow(unused_imports)]
pub use flux_store::testing::with_postgres;
use reqwest::{Method, StatusCode};
use serde_json::Value;
use std::path::PathBuf;
use uuid::Uuid;

pub mod browser;
pub mod receiver;

pub const DEMO_CLIENT: &str = "205ae70f-ab7e-4b8d-85be-ac16f47c8983";

pub struct Options {
    pub database_url: Option<String>,
    pub rate_per_second: u32,
    pub burst: u32,
    pub fincore_timeout_ms: u64,
    pub idempotency_wait_ms: u64,
    pub max_body_bytes: usize,
    pub webhook_retry_base_ms: u64,
    pub webhook_max_retries: u32,
    pub webhook_timeout_ms: u64,
    pub webhook_per_endpoint: usize,
    /// `ledger.backend`: "fidix" (the default: the Fidi X emulator) or "embedded".
    pub ledger_backend: &'static str,
    /// Runs on the (empty) data dir before Flux starts in it: to leave what an older Flux or
    /// a careless umask would have left there.
    pub prepare_data_dir: Option<fn(&std::path::Path)>,
    pub auth_failures_burst: u32,
    pub auth_failures_refill_ms: u64,
    /// `server.trusted_proxies`.
    pub trusted_proxies: Vec<String>,
    /// Start in this data directory (kept by the caller) instead of a new one: a restart.
    pub data_dir: Option<PathBuf>,
    /// `resolver.after_s` and `resolver.interval_ms`.
    pub resolver_after_s: u64,
    pub resolver_interval_ms: u64,
    /// `felix.poll_after_ms` and `felix.timeout_ms`.
    pub felix_poll_after_ms: u64,
    pub felix_timeout_ms: u64,
    /// `necipco.timeout_ms`.
    pub necipco_timeout_ms: u64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            database_url: None,
            rate_per_second: 10_000,
            burst: 10_000,
            fincore_timeout_ms: 3_000,
            idempotency_wait_ms: 5_000,
            max_body_bytes: 64 * 1024,
            webhook_retry_base_ms: 100,
            webhook_max_retries: 10,
            webhook_timeout_ms: 2_000,
            webhook_per_endpoint: 4,
            ledger_backend: "fidix",
            prepare_data_dir: None,
            // Out of the way, like the per-key limits: the tests of this limit set their own.
            auth_failures_burst: 10_000,
            auth_failures_refill_ms: 1,
            trusted_proxies: Vec::new(),
            data_dir: None,
            resolver_after_s: 120,
            resolver_interval_ms: 15_000,
            felix_poll_after_ms: 300_000,
            felix_timeout_ms: 3_000,
            necipco_timeout_ms: 10_000,
        }
    }
}

pub struct TestFlux {
    pub running: Running,
    pub key: String,
    pub base: String,
    pub http: reqwest::Client,
    pub data_dir: PathBuf,
    pub database_url: String,
    _dir: tempfile::TempDir,
}

pub struct Resp {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
    pub text: String,
}

impl Resp {
    /// Asserts a problem+json error with this status and code.
    pub fn problem(&self, status: u16, code: &str) -> &Self {
        assert_eq!(self.status.as_u16(), status, "{}", self.text);
        assert_eq!(
            self.headers["content-type"], "application/problem+json",
            "{}",
            self.text
        );
        assert_eq!(self.body["code"], code, "{}", self.text);
        assert_eq!(self.body["status"], status);
        assert!(self.body["request_id"].is_string());
        self
    }

    pub fn field_reasons(&self) -> Vec<(String, String)> {
        self.body["errors"]
            .as_array()
            .unwrap_or(&vec![])
            .iter()
            .map(|e| {
                (
                    e["field"].as_str().unwrap().to_string(),
                    e["reason"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    }
}

impl TestFlux {
    pub async fn start(opts: Options) -> TestFlux {
        let dir = tempfile::tempdir().unwrap();
        if let Some(prepare) = opts.prepare_data_dir {
            prepare(dir.path());
        }
        let mut config = Config::default();
        config.server.addr = "127.0.0.1:0".into();
        config.server.data_dir = opts
            .data_dir
            .clone()
            .unwrap_or_else(|| dir.path().to_path_buf());
        config.server.max_body_bytes = opts.max_body_bytes;
        if let Some(url) = &opts.database_url {
            config.server.database_url = url.clone();
        }
        config.rate_limit.per_second = opts.rate_per_second;
        config.rate_limit.burst = opts.burst;
        config.rate_limit.auth_failures_burst = opts.auth_failures_burst;
        config.rate_limit.auth_failures_refill_ms = opts.auth_failures_refill_ms;
        config.server.trusted_proxies = opts.trusted_proxies.clone();
        config.fincore.timeout_ms = opts.fincore_timeout_ms;
        config.idempotency.wait_ms = opts.idempotency_wait_ms;
        config.sandbox.status_step_ms = 30;
        config.webhooks.retry_base_ms = opts.webhook_retry_base_ms;
        config.webhooks.max_retries = opts.webhook_max_retries;
        config.webhooks.timeout_ms = opts.webhook_timeout_ms;
        config.webhooks.per_endpoint = opts.webhook_per_endpoint;
        config.webhooks.poll_ms = 20;
        config.ledger.backend = opts.ledger_backend.into();
        config.resolver.after_s = opts.resolver_after_s;
        config.resolver.interval_ms = opts.resolver_interval_ms;
        config.felix.poll_after_ms = opts.felix_poll_after_ms;
        config.felix.timeout_ms = opts.felix_timeout_ms;
        config.necipco.timeout_ms = opts.necipco_timeout_ms;
        let database_url = config.database_url();
        let running = flux::start(config).await.unwrap();
        let key = running.demo_api_key.clone().unwrap();
        let base = running.base_url();
        TestFlux {
            running,
            key,
            base,
            http: reqwest::Client::new(),
            data_dir: opts
                .data_dir
                .clone()
                .unwrap_or_else(|| dir.path().to_path_buf()),
            database_url,
            _dir: dir,
        }
    }

    pub fn emulator(&self) -> &fincore::emulator::EmulatorHandle {
        self.running.emulator.as_ref().unwrap()
    }

    pub async fn send(
        &self,
        method: Method,
        path: &str,
        key: Option<&str>,
        body: Option<Vec<u8>>,
        headers: &[(&str, &str)],
    ) -> Resp {
        let mut req = self.http.request(method, format!("{}{path}", self.base));
        if let Some(k) = key {
            req = req.header("X-API-Key", k);
        }
        if let Some(b) = body {
            req = req.header("content-type", "application/json").body(b);
        }
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let resp = req.send().await.unwrap();
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

    pub async fn get(&self, path: &str) -> Resp {
        self.send(Method::GET, path, Some(&self.key), None, &[])
            .await
    }

    pub async fn post(&self, path: &str, body: &Value) -> Resp {
        self.send(
            Method::POST,
            path,
            Some(&self.key),
            Some(serde_json::to_vec(body).unwrap()),
            &[],
        )
        .await
    }

    pub async fn post_idem(&self, path: &str, body: &Value, key: &str) -> Resp {
        self.send(
            Method::POST,
            path,
            Some(&self.key),
            Some(serde_json::to_vec(body).unwrap()),
            &[("Idempotency-Key", key)],
        )
        .await
    }

    /// The demo client's first account: (clabe, instrument id).
    pub async fn demo_account(&self) -> (String, String) {
        let r = self
            .get(&format!("/api/partners/clients/{DEMO_CLIENT}/accounts"))
            .await;
        assert_eq!(r.status, 200, "{}", r.text);
        let a = &r.body["data"][0];
        (
            a["clabe"].as_str().unwrap().to_string(),
            a["instrument_id"].as_str().unwrap().to_string(),
        )
    }

    /// Registers a debit card destination for the demo client; returns its id.
    pub async fn card(&self, number: &str) -> String {
        let mut body = fixture("instrument_debit_card");
        body["debit_card"]["card_number"] = number.into();
        let r = self
            .post(
                &format!("/api/partners/clients/{DEMO_CLIENT}/instruments"),
                &body,
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.text);
        r.body["id"].as_str().unwrap().to_string()
    }

    pub fn money_out_body(&self, source: &str, destination: &str, amount: &str) -> Value {
        let mut body = fixture("money_out");
        body["source_instrument_id"] = source.into();
        body["destination_instrument_id"] = destination.into();
        body["transaction_request"]["amount"] = amount.into();
        body
    }

    /// A second partner with its own client (funded at the emulator) and key.
    pub async fn other_partner(&self) -> (Uuid, Uuid, String) {
        let store = &self.running.store;
        let partner = flux_store::Partner {
            id: Uuid::new_v4(),
            name: "Other".into(),
            created_at: flux_core::time::now(),
        };
        store.create_partner(&partner).await.unwrap();
        let client_id = Uuid::new_v4();
        let secret = "other-secret".to_string();
        store
            .add_client(&flux_store::ClientRecord::linked(
                client_id,
                partner.id,
                "fincore",
                Some(flux_core::Secret::new(secret.clone())),
            ))
            .await
            .unwrap();
        self.emulator()
            .seed_client(&fincore::emulator::SeedClient {
                client_id,
                client_secret: secret,
                bank_adapter_id: Uuid::new_v4(),
                funded_account: Some(1000.into()),
            })
            .unwrap();
        // As `flux serve` does for the clients it seeds: Flux's books open with that balance.
        flux::boot::open_sandbox_balance(store, client_id, 1000.into())
            .await
            .unwrap();
        let minted = flux_gateway::keys::mint("test", self.running.state.pepper.expose());
        store
            .insert_api_key(&flux_store::ApiKeyRecord {
                id: Uuid::new_v4(),
                partner_id: partner.id,
                prefix: minted.prefix,
                hash: minted.hash,
                created_at: flux_core::time::now(),
                revoked_at: None,
            })
            .await
            .unwrap();
        (partner.id, client_id, minted.key)
    }

    /// Polls a transaction until its status is one of `wanted`.
    pub async fn wait_status(&self, id: &str, wanted: &[&str]) -> Value {
        for _ in 0..200 {
            let r = self
                .get(&format!(
                    "/api/partners/clients/{DEMO_CLIENT}/transactions/{id}"
                ))
                .await;
            if wanted.contains(&r.body["status"].as_str().unwrap_or("")) {
                return r.body;
            }
            tokio::time::sleep(std::time::Duration::from_millis(25)).await;
        }
        panic!("transaction {id} never reached {wanted:?}");
    }
}

/// A request body from the Partners API seed (000), as `/openapi.json` shows it in examples.
/// A port free on 127.0.0.1 now, for a process the test starts (the OS picks it).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub fn fixture(name: &str) -> Value {
    let path = format!(
        "{}/../flux-gateway/seed_examples/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

pub fn fincore_fixture(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/../../providers/fincore/tests/fixtures/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(path).unwrap()
}

/// Runs the `flux` binary on this instance's data directory and database: (success, output).
#[allow(dead_code)]
pub fn cli(flux: &TestFlux, args: &[&str]) -> (bool, String) {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_flux"));
    cmd.args(args).arg("--data-dir").arg(&flux.data_dir);
    cmd.env_remove("FLUX_FINCORE_URL");
    if flux.database_url.starts_with("postgres") {
        cmd.env("FLUX_DATABASE_URL", &flux.database_url);
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
