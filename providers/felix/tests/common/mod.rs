//! Shared test set-up: an emulator with one provider account and a connector signed in as it,
//! and a small callback receiver that records what it gets and can be told to fail.
#![allow(clippy::unwrap_used, dead_code)]

use axum::{body::Bytes, http::HeaderMap, http::StatusCode, routing::post, Router};
use felix::emulator::{self, EmulatorConfig, EmulatorHandle, RetryPolicy, SeedProvider};
use felix::wire::*;
use felix::{CallContext, Credentials, FelixClient};
use flux_core::Secret;
use parking_lot::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

pub const EMAIL: &str = "remesas@example.com";
pub const PASSWORD: &str = "correct horse";

pub fn ctx() -> CallContext {
    CallContext::default()
}

/// Manual clock, fast retries: tests move transactions themselves.
pub fn config() -> EmulatorConfig {
    EmulatorConfig {
        status_step: None,
        retry: RetryPolicy {
            first_delay: Duration::from_millis(30),
            max_retries: 10,
        },
        callback_timeout: Duration::from_secs(2),
        ..Default::default()
    }
}

pub fn seed() -> SeedProvider {
    SeedProvider {
        email: EMAIL.into(),
        password: Secret::new(PASSWORD.into()),
        name: "Remesas SA".into(),
    }
}

pub async fn start(config: EmulatorConfig) -> (EmulatorHandle, FelixClient) {
    let emu = emulator::start("127.0.0.1:0".parse().unwrap(), config, &[seed()])
        .await
        .unwrap();
    let client = client_for(&emu, PASSWORD);
    (emu, client)
}

pub fn client_for(emu: &EmulatorHandle, password: &str) -> FelixClient {
    FelixClient::new(
        &emu.base_url(),
        Credentials {
            email: EMAIL.into(),
            password: Secret::new(password.into()),
        },
        Duration::from_secs(2),
    )
    .unwrap()
}

pub fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/{name}.json", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(path).unwrap()
}

/// The seed's own V2 create example, with another external id.
pub fn seed_v2(external_id: &str) -> CreateTransactionV2 {
    let mut b: CreateTransactionV2 =
        serde_json::from_str(&fixture("create_transaction_v2_request")).unwrap();
    b.external_transaction_id = external_id.into();
    b
}

pub fn v1_body(external_id: &str, clabe: &str) -> CreateTransactionV1 {
    let text = format!(
        r#"{{"amount": 1500.75, "currency": "MXN", "external_transaction_id": "{external_id}",
            "name": "Juan", "middle_name": "Carlos", "lastname": "Gonzalez",
            "clabe": {clabe}, "country": "MX", "city": "Mexico City", "state": "CDMX"}}"#
    );
    serde_json::from_str(&text).unwrap()
}

/// Polls `f` until it is true or `within` passes.
pub async fn eventually(within: Duration, mut f: impl FnMut() -> bool) -> bool {
    let until = Instant::now() + within;
    while Instant::now() < until {
        if f() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    f()
}

/// One POST the receiver got.
#[derive(Clone)]
pub struct Received {
    pub at: Instant,
    pub headers: HeaderMap,
    pub body: String,
    /// Whether the receiver answered 2xx.
    pub accepted: bool,
}

impl Received {
    pub fn container(&self) -> NotificationsContainer {
        serde_json::from_str(&self.body).unwrap()
    }
}

/// A callback endpoint on an ephemeral port.
#[derive(Clone)]
pub struct Receiver {
    pub url: String,
    pub got: Arc<Mutex<Vec<Received>>>,
    failing: Arc<AtomicBool>,
}

impl Receiver {
    pub async fn start() -> Receiver {
        let got: Arc<Mutex<Vec<Received>>> = Default::default();
        let failing = Arc::new(AtomicBool::new(false));
        let (g, f) = (got.clone(), failing.clone());
        let app = Router::new().route(
            "/callback",
            post(move |headers: HeaderMap, body: Bytes| {
                let (g, f) = (g.clone(), f.clone());
                async move {
                    let accepted = !f.load(Ordering::SeqCst);
                    g.lock().push(Received {
                        at: Instant::now(),
                        headers,
                        body: String::from_utf8_lossy(&body).into_owned(),
                        accepted,
                    });
                    if accepted {
                        StatusCode::OK
                    } else {
                        StatusCode::SERVICE_UNAVAILABLE
                    }
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/callback", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Receiver { url, got, failing }
    }

    pub fn fail(&self, failing: bool) {
        self.failing.store(failing, Ordering::SeqCst);
    }

    pub fn accepted(&self) -> Vec<Received> {
        self.got
            .lock()
            .iter()
            .filter(|r| r.accepted)
            .cloned()
            .collect()
    }

    pub fn all(&self) -> Vec<Received> {
        self.got.lock().clone()
    }
}

pub async fn register(client: &FelixClient, url: &str) {
    let req = RegisterCallbackRequest {
        url: url.into(),
        headers: Some([("X-Callback-Token".to_string(), "tok-123".to_string())].into()),
        extra: Default::default(),
    };
    client.register_callback(&req, &ctx()).await.unwrap();
}
