//! Fidi X as a Flux provider: the partner ledger API (`/api/partners/clients/{clientId}/ledger/…`)
//! behind [`flux_gateway::Provider`], so that the gateway core never names Fidi X.
//!
//! - [`routes`]: the partner routes, Fidi X's model with each client's own ledger;
//! - [`backend`]: what serves them: Fidi X through its connector (its emulator in sandbox) or
//!   Flux's own engine (`ledger.backend = "embedded"`);
//! - [`start`]: the backend from the `[ledger]` and `[fidix]` settings.
//!
//! Fidi X holds no money of Flux's clients (a partner's ledger is the partner's own
//! bookkeeping, not Flux's books), so it has nothing to reconcile, resolve, poll, attach or
//! open; those methods say so.

pub mod backend;
pub mod routes;
pub mod start;

use crate::emulator::EmulatorHandle;
use axum::routing::{get, post};
use backend::LedgerBackend;
use flux_gateway::error::ApiError;
use flux_gateway::provider::{BoxFuture, Opened, Provider};
use flux_gateway::reconcile::Line;
use flux_gateway::resolver::ResolverConfig;
use flux_gateway::{AppState, SharedState};
use flux_store::{ClientRecord, Store, TransactionRecord};

/// The name Fidi X is registered under.
pub const NAME: &str = "fidix";

/// Fidi X's state in a running Flux.
pub struct FidixProvider {
    pub backend: LedgerBackend,
    /// The sandbox emulator, when it serves the ledger API.
    pub emulator: Option<EmulatorHandle>,
}

/// The backend serving the ledger API; a 500 if a ledger route runs without it (it cannot).
pub fn backend_of(state: &AppState) -> Result<LedgerBackend, ApiError> {
    state
        .providers
        .get::<FidixProvider>()
        .map(|p| p.backend.clone())
        .ok_or_else(ApiError::internal)
}

fn router() -> axum::Router<SharedState> {
    let ledger = "/api/partners/clients/{client_id}/ledger";
    axum::Router::new()
        .route(&format!("{ledger}/accounts"), post(routes::create_account))
        .route(
            &format!("{ledger}/accounts/{{account_id}}"),
            get(routes::get_account),
        )
        .route(
            &format!("{ledger}/accounts/{{account_id}}/balance"),
            get(routes::get_balance),
        )
        .route(
            &format!("{ledger}/persons"),
            get(routes::list_persons).post(routes::create_person),
        )
        .route(
            &format!("{ledger}/persons/{{person_id}}"),
            get(routes::get_person),
        )
        .route(
            &format!("{ledger}/transactions"),
            post(routes::create_transaction),
        )
        .route(
            &format!("{ledger}/transactions/{{transaction_id}}"),
            get(routes::get_transaction),
        )
}

/// The OpenAPI of the ledger routes: Fidi X's own shapes, as its seed documents them.
#[derive(utoipa::OpenApi)]
#[openapi(
    paths(
        routes::create_account,
        routes::get_account,
        routes::get_balance,
        routes::create_person,
        routes::list_persons,
        routes::get_person,
        routes::create_transaction,
        routes::get_transaction
    ),
    components(schemas(
        routes::CreateLedgerAccount,
        routes::CreateLedgerPerson,
        routes::CreateLedgerTransaction,
        routes::LedgerOperation,
        crate::wire::ErrorResponse,
        crate::wire::ErrorDetail,
        crate::wire::CreateAccountRequest,
        crate::wire::AccountResponse,
        crate::wire::AccountDetailResponse,
        crate::wire::BalanceResponse,
        crate::wire::CreatePersonRequest,
        crate::wire::PersonResponse,
        crate::wire::PersonDataResponse,
        crate::wire::PersonListResponse,
        crate::wire::TransactionOperation,
        crate::wire::CreateTransactionRequest,
        crate::wire::TransactionResponse
    ))
)]
pub struct FidixApi;

impl Provider for FidixProvider {
    fn name(&self) -> &'static str {
        NAME
    }

    fn routes(&self) -> axum::Router<SharedState> {
        router()
    }

    fn openapi(&self) -> utoipa::openapi::OpenApi {
        <FidixApi as utoipa::OpenApi>::openapi()
    }

    /// A partner's ledger is its own bookkeeping; Flux's books are not kept at Fidi X.
    fn reconcile<'a>(&'a self, _store: &'a Store) -> BoxFuture<'a, anyhow::Result<Vec<Line>>> {
        Box::pin(async { Ok(Vec::new()) })
    }

    /// Fidi X moves no transaction of Flux's: a ledger transaction is answered in the call.
    fn resolve<'a>(
        &'a self,
        _store: &'a Store,
        t: &'a TransactionRecord,
        _config: &'a ResolverConfig,
    ) -> BoxFuture<'a, anyhow::Result<String>> {
        Box::pin(async move { Ok(format!("fidix holds no transaction {}", t.id)) })
    }

    /// Nothing is pending at Fidi X: every call is answered synchronously.
    fn poll<'a>(&'a self, _store: &'a Store) -> BoxFuture<'a, anyhow::Result<Vec<String>>> {
        Box::pin(async { Ok(Vec::new()) })
    }

    /// Nothing per client: each client's ledger is created on its first use.
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

    /// A ledger moves no money out of itself.
    fn pay_out(&self) -> Option<&dyn flux_gateway::provider::PayOut> {
        None
    }
}
