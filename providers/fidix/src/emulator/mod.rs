//! The Fidi X emulator: Fidi X's API served by the flux-ledger engine on its own database, so
//! that the sandbox and CI exercise real double-entry behaviour, not canned answers.
//!
//! - `POST /fidix/v1/auth/token` exchanges client credentials for an HS256 JWT; every other
//!   route wants `Authorization: Bearer <token>` (401 ErrorResponse otherwise).
//! - `idempotency-key` makes `POST /fidix/v1/transactions` safe to retry: a replay answers the
//!   original (with `idempotency-replayed: true`), a different body under the key is a 400.
//! - `traceparent` is accepted and recorded on the request's log line.
//! - Bodies that are not JSON, or not the schema, are 400 ErrorResponses naming the field.

mod routes;

use crate::service::Service;
use flux_ledger::Ledger;
use flux_store::Store;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

#[derive(Clone)]
pub struct EmulatorConfig {
    /// The API client allowed to take tokens.
    pub client_id: String,
    pub client_secret: String,
    /// Signs tokens; random when empty.
    pub jwt_secret: Vec<u8>,
    pub token_ttl: Duration,
}

impl Default for EmulatorConfig {
    fn default() -> Self {
        EmulatorConfig {
            client_id: "flux-sandbox".into(),
            client_secret: "flux-sandbox-secret".into(),
            jwt_secret: Vec::new(),
            token_ttl: Duration::from_secs(3600),
        }
    }
}

pub(crate) struct Shared {
    pub service: Service,
    pub config: EmulatorConfig,
    pub jwt_secret: Vec<u8>,
}

pub struct EmulatorHandle {
    addr: SocketAddr,
    shared: Arc<Shared>,
    task: tokio::task::JoinHandle<()>,
}

impl EmulatorHandle {
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The engine behind the emulator, for tests that look at its books directly.
    pub fn service(&self) -> &Service {
        &self.shared.service
    }
}

impl Drop for EmulatorHandle {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Starts the emulator on `addr` (port 0 for an ephemeral one) over `store` (migrated).
pub async fn start(
    addr: SocketAddr,
    config: EmulatorConfig,
    store: Store,
) -> anyhow::Result<EmulatorHandle> {
    let jwt_secret = if config.jwt_secret.is_empty() {
        use rand::RngCore;
        let mut key = vec![0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut key);
        key
    } else {
        config.jwt_secret.clone()
    };
    let ledger = Ledger::start(store.clone());
    let shared = Arc::new(Shared {
        service: Service::new(ledger),
        config,
        jwt_secret,
    });
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let addr = listener.local_addr()?;
    let app = routes::router(shared.clone());
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Ok(EmulatorHandle { addr, shared, task })
}
