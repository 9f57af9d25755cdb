//! Whether this instance is draining. Once a stop is asked for, `/readyz` answers 503
//! `draining` so a load balancer takes the instance out of rotation while its listener still
//! answers, and background workers (resolver, webhook delivery) finish the unit of work they
//! are in and take no new one.

use std::sync::Arc;
use tokio::sync::watch;

/// Cheap to clone; every clone sees the same state.
#[derive(Clone)]
pub struct Lifecycle {
    draining: Arc<watch::Sender<bool>>,
}

impl Default for Lifecycle {
    fn default() -> Self {
        Lifecycle {
            draining: Arc::new(watch::channel(false).0),
        }
    }
}

impl Lifecycle {
    /// From now on this instance is draining (asking again changes nothing).
    pub fn drain(&self) {
        self.draining.send_replace(true);
    }

    pub fn is_draining(&self) -> bool {
        *self.draining.borrow()
    }

    /// Resolves once draining starts (at once if it already has).
    pub async fn draining(&self) {
        let mut rx = self.draining.subscribe();
        // Only fails if the sender is gone, which `self` rules out.
        let _ = rx.wait_for(|d| *d).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn every_clone_sees_the_drain() {
        let a = Lifecycle::default();
        let b = a.clone();
        assert!(!b.is_draining());
        let waiting = tokio::spawn(async move { b.draining().await });
        a.drain();
        waiting.await.unwrap();
        assert!(a.is_draining());
    }
}
