//! Félix as a Flux provider: remittances, behind [`flux_gateway::Provider`], so that the
//! gateway core never names Félix.
//!
//! - [`create`], [`read`]: the partner routes (create with a required Idempotency-Key, list,
//!   read with the status history);
//! - [`inbound`]: Félix's callbacks (`/api/webhooks/felix`), authenticated by the secret header
//!   Flux registered, kept raw, deduplicated, applied delta by delta;
//! - [`poll`]: the resolver's side: remittances not heard from for a while are looked up with
//!   `transactions/search`, so a lost callback never leaves one stuck;
//! - [`sandbox`]: `POST /api/sandbox/remittances/{id}/advance`, driving the emulator;
//! - [`start`]: the connector, or in sandbox the emulator, from the `[felix]` settings.
//!
//! Félix has no clients of its own: a remittance belongs to one of the partner's Flux clients
//! whatever provider holds its accounts, so [`Provider::attach`] and
//! [`Provider::open_books`] have nothing to do; the callback is registered once, at start.

pub mod create;
pub mod inbound;
pub mod model;
pub mod poll;
pub mod read;
pub mod sandbox;
pub mod start;

use crate::emulator::EmulatorHandle;
use crate::FelixClient;
use axum::routing::{get, post};
use flux_core::Secret;
use flux_gateway::error::ApiError;
use flux_gateway::provider::{BoxFuture, Opened, Provider};
use flux_gateway::reconcile::Line;
use flux_gateway::resolver::ResolverConfig;
use flux_gateway::{AppState, SharedState};
use flux_store::{ClientRecord, Store, TransactionRecord};
use std::sync::Arc;
use std::time::Duration;

/// The name remittances and inbound events carry.
pub const NAME: &str = "felix";

/// The header Félix is told to send with its callbacks, carrying [`FelixProvider`]'s secret.
pub const SECRET_HEADER: &str = "x-flux-callback-secret";

/// Félix's state in a running Flux.
pub struct FelixProvider {
    pub client: Arc<FelixClient>,
    /// The sandbox emulator, driven by the sandbox advance route.
    pub emulator: Option<EmulatorHandle>,
    callback_secret: Secret<String>,
    /// A remittance not heard from for this long is polled.
    poll_after: Duration,
}

impl FelixProvider {
    pub fn new(
        client: Arc<FelixClient>,
        emulator: Option<EmulatorHandle>,
        callback_secret: Secret<String>,
        poll_after: Duration,
    ) -> Self {
        FelixProvider {
            client,
            emulator,
            callback_secret,
            poll_after,
        }
    }
}

/// The registered Félix provider; a 500 if a Félix route runs without it (it cannot).
pub fn felix(state: &AppState) -> Result<&FelixProvider, ApiError> {
    state
        .providers
        .get::<FelixProvider>()
        .ok_or_else(ApiError::internal)
}

/// Félix's routes, merged into the gateway's router.
fn router() -> axum::Router<SharedState> {
    let remittances = "/api/partners/clients/{client_id}/remittances";
    axum::Router::new()
        .route(remittances, post(create::create).get(read::list))
        .route(&format!("{remittances}/{{remittance_id}}"), get(read::get))
        .route("/api/webhooks/felix", post(inbound::callback))
        .route(
            "/api/sandbox/remittances/{remittance_id}/advance",
            post(sandbox::advance),
        )
}

/// The OpenAPI of Félix's routes.
#[derive(utoipa::OpenApi)]
#[openapi(
    paths(
        create::create,
        read::list,
        read::get,
        inbound::callback,
        sandbox::advance
    ),
    components(schemas(
        create::NewRemittance,
        create::Beneficiary,
        create::Account,
        model::Remittance,
        model::Settlement,
        model::StatusChange
    ))
)]
pub struct FelixApi;

impl Provider for FelixProvider {
    fn name(&self) -> &'static str {
        NAME
    }

    fn routes(&self) -> axum::Router<SharedState> {
        router()
    }

    fn openapi(&self) -> utoipa::openapi::OpenApi {
        <FelixApi as utoipa::OpenApi>::openapi()
    }

    /// Félix holds no money of Flux's clients: a remittance is paid by its sender.
    fn reconcile<'a>(&'a self, _store: &'a Store) -> BoxFuture<'a, anyhow::Result<Vec<Line>>> {
        Box::pin(async { Ok(Vec::new()) })
    }

    /// Félix moves no transaction of Flux's; its remittances are polled by [`Provider::poll`].
    fn resolve<'a>(
        &'a self,
        _store: &'a Store,
        t: &'a TransactionRecord,
        _config: &'a ResolverConfig,
    ) -> BoxFuture<'a, anyhow::Result<String>> {
        Box::pin(async move { Ok(format!("felix holds no transaction {}", t.id)) })
    }

    fn poll<'a>(&'a self, store: &'a Store) -> BoxFuture<'a, anyhow::Result<Vec<String>>> {
        Box::pin(poll::poll(store, &self.client, self.poll_after))
    }

    /// Nothing per client: the callback is Flux's, registered once at start.
    fn attach<'a>(
        &'a self,
        _store: &'a Store,
        _client: &'a ClientRecord,
        _public_url: &'a str,
    ) -> BoxFuture<'a, anyhow::Result<()>> {
        Box::pin(async { Ok(()) })
    }

    fn open_books<'a>(
        &'a self,
        _store: &'a Store,
        _client: &'a ClientRecord,
    ) -> BoxFuture<'a, anyhow::Result<Opened>> {
        Box::pin(async { Ok(Opened::Balanced) })
    }

    /// Félix pays remittances out; it holds no client funds Flux could send by SPEI.
    fn pay_out(&self) -> Option<&dyn flux_gateway::provider::PayOut> {
        None
    }
}
