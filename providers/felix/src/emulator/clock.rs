//! The sandbox clock: every `status_step`, a transaction on the happy path moves one status
//! further (CREATED → STARTED → CONFIRMED → IN_PROGRESS → COMPLETED), as if its sender and
//! Félix's payout did their part. A FAILED, CANCELLED or REFUNDED one stays where a sandbox
//! user put it.

use super::Shared;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

pub(crate) async fn run(shared: Arc<Shared>, step: Duration, mut stop: watch::Receiver<bool>) {
    let tick = (step / 4).max(Duration::from_millis(5));
    let step = chrono::Duration::from_std(step).unwrap_or(chrono::Duration::MAX);
    loop {
        tokio::select! {
            _ = tokio::time::sleep(tick) => {}
            _ = stop.changed() => return,
        }
        let mut state = shared.state.lock();
        let due = state.due_for_step(chrono::Utc::now(), step);
        if due.is_empty() {
            continue;
        }
        for id in due {
            if let Err(e) = shared.advance_in(&mut state, &id, None) {
                tracing::warn!(id, detail = ?e.detail, "felix emulator: step refused");
            }
        }
        shared.save(&state);
        drop(state);
        shared.wake.notify_one();
    }
}
