//! Fincore as a Flux provider: everything the gateway needs from Fincore, behind
//! [`flux_gateway::Provider`], so that the gateway core never names Fincore.
//!
//! - [`routes`]: the partner routes Fincore serves (banks, accounts, instruments, money-out,
//!   refunds), its inbound webhooks and the sandbox money-in;
//! - [`reconcile`], [`resolver`], [`opening`]: its side of `flux reconcile`, of the resolver
//!   and of opening a client's books;
//! - [`start`]: the connector, or in sandbox the emulator, from the `[fincore]` settings.
//!
//! The handlers find [`FincoreProvider`] (the connector and the caches) through the gateway's
//! provider registry ([`fincore`]), typed: the registry hands back this very struct.

pub mod convert;
pub mod opening;
pub mod pay_out;
pub mod problem;
pub mod reconcile;
pub mod resolver;
pub mod routes;
pub mod start;

use crate::{CallContext, ClientCredentials, FincoreClient};
use flux_core::Secret;
use flux_gateway::error::ApiError;
use flux_gateway::pipeline::RequestCtx;
use flux_gateway::provider::{BoxFuture, Opened, Provider};
use flux_gateway::reconcile::Line;
use flux_gateway::resolver::ResolverConfig;
use flux_gateway::{AppState, SharedState};
use flux_store::{ClientRecord, Store, TransactionRecord};
use parking_lot::Mutex;
use std::collections::HashMap;
use std::sync::Arc;
use uuid::Uuid;

/// The name Fincore's clients, transactions and events carry.
pub const NAME: &str = "fincore";

/// Fincore's state in a running Flux: the connector and what its routes cache.
pub struct FincoreProvider {
    pub client: Arc<FincoreClient>,
    /// The token Fincore is told to send with its webhooks (registered by [`Provider::attach`]).
    webhook_token: Secret<String>,
    banks: routes::banks::BankCache,
    /// CLABE → (owning client, Fincore account id), as last written to the store by this
    /// process: lets reads skip rewriting links that did not change. A miss only costs a write.
    account_links: Mutex<HashMap<String, (Uuid, String)>>,
}

impl FincoreProvider {
    pub fn new(client: Arc<FincoreClient>, webhook_token: Secret<String>) -> Self {
        FincoreProvider {
            client,
            webhook_token,
            banks: Default::default(),
            account_links: Default::default(),
        }
    }
}

/// The registered Fincore provider; a 500 if a Fincore route runs without it (it cannot: the
/// routes come from the registered provider).
pub fn fincore(state: &AppState) -> Result<&FincoreProvider, ApiError> {
    state
        .providers
        .get::<FincoreProvider>()
        .ok_or_else(ApiError::internal)
}

/// The Fincore credentials Flux holds for a client.
pub fn credentials(client: &ClientRecord) -> ClientCredentials {
    ClientCredentials {
        client_id: client.client_id,
        client_secret: client.secret_at(crate::gateway::NAME),
    }
}

/// A request's ids, as Fincore receives them (request id and our traceparent).
pub trait CallFrom {
    fn call(&self) -> CallContext;
}

impl CallFrom for RequestCtx {
    fn call(&self) -> CallContext {
        CallContext {
            request_id: Some(self.request_id.clone()),
            traceparent: Some(self.traceparent_out.clone()),
        }
    }
}

impl Provider for FincoreProvider {
    fn name(&self) -> &'static str {
        NAME
    }

    fn routes(&self) -> axum::Router<SharedState> {
        routes::router()
    }

    fn openapi(&self) -> utoipa::openapi::OpenApi {
        <routes::FincoreApi as utoipa::OpenApi>::openapi()
    }

    fn reconcile<'a>(&'a self, store: &'a Store) -> BoxFuture<'a, anyhow::Result<Vec<Line>>> {
        Box::pin(reconcile::lines(store, &self.client))
    }

    fn resolve<'a>(
        &'a self,
        store: &'a Store,
        t: &'a TransactionRecord,
        config: &'a ResolverConfig,
    ) -> BoxFuture<'a, anyhow::Result<String>> {
        Box::pin(resolver::resolve_one(store, &self.client, config, t))
    }

    /// Fincore's movements are all transactions: [`Provider::resolve`] covers them.
    fn poll<'a>(&'a self, _store: &'a Store) -> BoxFuture<'a, anyhow::Result<Vec<String>>> {
        Box::pin(async { Ok(Vec::new()) })
    }

    fn attach<'a>(
        &'a self,
        store: &'a Store,
        client: &'a ClientRecord,
        public_url: &'a str,
    ) -> BoxFuture<'a, anyhow::Result<()>> {
        Box::pin(start::attach_client(
            store,
            &self.client,
            client,
            public_url,
            self.webhook_token.expose(),
        ))
    }

    fn open_books<'a>(
        &'a self,
        store: &'a Store,
        client: &'a ClientRecord,
    ) -> BoxFuture<'a, anyhow::Result<Opened>> {
        Box::pin(opening::open_from_fincore(store, &self.client, client))
    }

    fn pay_out(&self) -> Option<&dyn flux_gateway::provider::PayOut> {
        Some(self)
    }
}
