//! Sends callbacks: whenever a provider's notifications are due (see `outbox.rs`), one POST of
//! the `NotificationsContainer` to its callback URL, with the headers it registered. A 2xx
//! within `callback_timeout` is a delivery; anything else is a failure and waits for its retry.
//! Redirects are not followed. At most one delivery per provider is in flight, so deltas reach
//! the receiver in order.

use super::outbox::Delivery;
use super::Shared;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

/// How often due retries are looked for, besides being woken by a change.
const POLL: Duration = Duration::from_millis(20);

pub(crate) async fn run(shared: Arc<Shared>, mut stop: watch::Receiver<bool>) {
    loop {
        let due = shared.state.lock().take_due(chrono::Utc::now());
        for delivery in due {
            tokio::spawn(deliver(shared.clone(), delivery));
        }
        tokio::select! {
            _ = shared.wake.notified() => {}
            _ = tokio::time::sleep(POLL) => {}
            _ = stop.changed() => return,
        }
    }
}

async fn deliver(shared: Arc<Shared>, d: Delivery) {
    let mut req = shared.http.post(&d.url).json(&d.body);
    for (name, value) in &d.headers {
        req = req.header(name, value);
    }
    let delivered = match req.send().await {
        Ok(r) if r.status().is_success() => true,
        Ok(r) => {
            tracing::info!(url = %d.url, status = r.status().as_u16(), "felix callback refused");
            false
        }
        Err(e) => {
            tracing::info!(url = %d.url, error = %e.without_url(), "felix callback failed");
            false
        }
    };
    let mut state = shared.state.lock();
    state.finish(&d, delivered, shared.config.retry, chrono::Utc::now());
    shared.save(&state);
    drop(state);
    shared.wake.notify_one();
}
