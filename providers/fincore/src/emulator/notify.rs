//! Sends Fincore webhooks to registered URLs, as Fincore would: POST of the JSON envelope with
//! the registered token (as `X-Webhook-Token`, and as a bearer token since the document lists
//! bearerAuth). A failed delivery is retried a few times with backoff, then given up.

use std::time::Duration;

#[derive(Clone)]
pub(crate) struct Notifier {
    http: reqwest::Client,
}

pub(crate) struct Target {
    pub url: String,
    pub token: String,
}

const ATTEMPTS: u32 = 5;

impl Notifier {
    pub fn new() -> Self {
        Notifier {
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(10))
                .build()
                .unwrap_or_default(),
        }
    }

    /// Delivers `body` to every target in the background. Returns at once.
    pub fn send(&self, targets: Vec<Target>, body: serde_json::Value) {
        for target in targets {
            let http = self.http.clone();
            let body = body.clone();
            tokio::spawn(async move {
                for attempt in 0..ATTEMPTS {
                    let sent = http
                        .post(&target.url)
                        .header("X-Webhook-Token", &target.token)
                        .bearer_auth(&target.token)
                        .json(&body)
                        .send()
                        .await;
                    match sent {
                        Ok(r) if r.status().is_success() => return,
                        Ok(r) => {
                            tracing::warn!(url = %target.url, status = r.status().as_u16(), attempt, "webhook refused")
                        }
                        Err(e) => {
                            tracing::warn!(url = %target.url, error = %e, attempt, "webhook failed")
                        }
                    }
                    tokio::time::sleep(Duration::from_millis(200 << attempt)).await;
                }
            });
        }
    }
}
