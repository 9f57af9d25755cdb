//! A partner's webhook endpoint for tests: a real axum server on 127.0.0.1:0 that records every
//! request and answers as scripted (a status per request, or hang).
#![allow(dead_code)]

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::Mutex;
use std::time::{Duration, Instant};

#[derive(Debug, Clone)]
pub struct Received {
    pub at: Instant,
    pub headers: HeaderMap,
    pub body: String,
}

impl Received {
    pub fn header(&self, name: &str) -> String {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    }
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap()
    }
}

#[derive(Debug, Clone, Copy)]
pub enum Answer {
    Status(u16),
    /// Never answer (until the client gives up).
    Hang,
}

#[derive(Default)]
struct Inner {
    received: Mutex<Vec<Received>>,
    /// Answers for the next requests, in order; then `otherwise`.
    script: Mutex<VecDeque<Answer>>,
    otherwise: Mutex<Option<Answer>>,
}

#[derive(Clone)]
pub struct Receiver {
    inner: Arc<Inner>,
    pub url: String,
}

async fn hook(State(inner): State<Arc<Inner>>, headers: HeaderMap, body: Bytes) -> StatusCode {
    inner.received.lock().unwrap().push(Received {
        at: Instant::now(),
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    });
    let answer = inner
        .script
        .lock()
        .unwrap()
        .pop_front()
        .or(*inner.otherwise.lock().unwrap())
        .unwrap_or(Answer::Status(204));
    match answer {
        Answer::Status(s) => StatusCode::from_u16(s).unwrap(),
        Answer::Hang => {
            tokio::time::sleep(Duration::from_secs(3600)).await;
            StatusCode::OK
        }
    }
}

impl Receiver {
    pub async fn start() -> Receiver {
        let inner = Arc::new(Inner::default());
        let app = axum::Router::new()
            .fallback(axum::routing::post(hook))
            .with_state(inner.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hooks", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        Receiver { inner, url }
    }

    /// The next requests get these answers, in order.
    pub fn script(&self, answers: &[Answer]) {
        self.inner
            .script
            .lock()
            .unwrap()
            .extend(answers.iter().copied());
    }

    /// Requests beyond the script get this answer (default 204).
    pub fn otherwise(&self, answer: Answer) {
        *self.inner.otherwise.lock().unwrap() = Some(answer);
    }

    pub fn received(&self) -> Vec<Received> {
        self.inner.received.lock().unwrap().clone()
    }

    /// Waits until at least `n` requests arrived (or panics after `within`).
    pub async fn wait_for(&self, n: usize, within: Duration) -> Vec<Received> {
        let deadline = Instant::now() + within;
        loop {
            let got = self.received();
            if got.len() >= n {
                return got;
            }
            assert!(
                Instant::now() < deadline,
                "expected {n} webhook requests, got {}",
                got.len()
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}

/// Verifies a Standard Webhooks signature with Python's standard library: an implementation
/// independent of Flux's.
pub fn python_verifies(secret: &str, r: &Received) -> bool {
    let script = r#"
import base64, hashlib, hmac, os, sys
secret = os.environ["SECRET"].removeprefix("whsec_")
signed = (os.environ["MSG_ID"] + "." + os.environ["MSG_TS"] + ".").encode() + sys.stdin.buffer.read()
expected = base64.b64encode(hmac.new(base64.b64decode(secret), signed, hashlib.sha256).digest()).decode()
ok = any(hmac.compare_digest("v1," + expected, s) for s in os.environ["MSG_SIG"].split(" "))
sys.exit(0 if ok else 1)
"#;
    use std::io::Write;
    let mut child = std::process::Command::new("python3")
        .args(["-c", script])
        .env("SECRET", secret)
        .env("MSG_ID", r.header("webhook-id"))
        .env("MSG_TS", r.header("webhook-timestamp"))
        .env("MSG_SIG", r.header("webhook-signature"))
        .stdin(std::process::Stdio::piped())
        .spawn()
        .expect("python3 runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(r.body.as_bytes())
        .unwrap();
    child.wait().unwrap().success()
}
