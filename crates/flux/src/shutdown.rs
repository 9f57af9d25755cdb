//! Stopping `flux serve` without dropping work. On SIGTERM an instance first says it is
//! draining (`/readyz` 503) while still serving, for `server.drain_grace_ms`, so a load balancer
//! takes it out of rotation; then it closes its listener and waits, at most
//! `server.shutdown_timeout_ms`, for what it has in flight: HTTP requests (and the audit and
//! ledger batches they wait on), the resolver's current round, webhook attempts and the
//! recording of their outcomes. Past the deadline the rest is abandoned to the leases that
//! cover a dead instance (see README, "Running several instances").

use crate::config::Config;
use crate::Running;
use std::time::Duration;

/// How an instance drains.
#[derive(Debug, Clone, Copy)]
pub struct Drain {
    /// Serving while `/readyz` says draining, before the listener closes.
    pub grace: Duration,
    /// The longest wait for work in flight once the listener is closed.
    pub deadline: Duration,
}

impl Drain {
    pub fn from_config(config: &Config) -> Drain {
        Drain {
            grace: Duration::from_millis(config.server.drain_grace_ms),
            deadline: Duration::from_millis(config.server.shutdown_timeout_ms),
        }
    }
}

impl Running {
    /// Stops at once (no grace for a load balancer) and waits for the work in flight, up to
    /// the deadline: what tests and embedders use.
    pub async fn stop(self) {
        let deadline = self.drain.deadline;
        self.shutdown(Duration::ZERO, deadline).await;
    }

    /// What SIGTERM does: drain as configured. False if the deadline passed with work still
    /// in flight.
    pub async fn drain(self) -> bool {
        let Drain { grace, deadline } = self.drain;
        self.shutdown(grace, deadline).await
    }

    async fn shutdown(mut self, grace: Duration, deadline: Duration) -> bool {
        let state = self.state.clone();
        state.lifecycle.drain();
        state.deliveries.stop();
        tracing::info!(
            grace_ms = grace.as_millis() as u64,
            deadline_ms = deadline.as_millis() as u64,
            "draining"
        );
        tokio::time::sleep(grace).await;
        if let Some(close) = self.shutdown.take() {
            let _ = close.send(());
        }
        let (server, resolver) = (&mut self.server, &mut self.resolver);
        let in_flight = async {
            let _ = server.await;
            let _ = resolver.await;
            state.deliveries.drained().await;
            // Reads' audit records may still be gathering for their batch (up to 10 ms).
            state.audit.flush().await;
        };
        let finished = tokio::time::timeout(deadline, in_flight).await.is_ok();
        if finished {
            tracing::info!("drained: everything in flight finished");
        } else {
            tracing::error!(
                deadline_ms = deadline.as_millis() as u64,
                "shutdown deadline passed with work in flight; leases will hand it to another instance"
            );
            self.server.abort();
            self.resolver.abort();
        }
        // Last, so the sandbox provider's saved state includes what the drain finished.
        if let Some(emulator) = &self.emulator {
            emulator.flush();
        }
        finished
    }
}
