//! The routes Fincore serves in the Partners API, its inbound webhooks and the sandbox
//! money-in: same paths, bodies and status codes as before they moved behind the provider
//! seam. They run inside the gateway's pipeline and use its shared helpers.

pub mod accounts;
pub mod banks;
pub mod inbound;
pub mod instruments;
pub mod sandbox;
pub mod transactions;

use axum::routing::{get, post};
use axum::Router;
use flux_gateway::{error, model, SharedState};

/// Fincore's routes, merged into the gateway's router.
pub fn router() -> Router<SharedState> {
    let clients = "/api/partners/clients/{client_id}";
    Router::new()
        .route("/api/partners/banks", get(banks::list))
        .route(&format!("{clients}/accounts"), get(accounts::list))
        .route(
            &format!("{clients}/private-accounts"),
            post(accounts::create_private),
        )
        .route(
            &format!("{clients}/instruments"),
            get(instruments::list).post(instruments::register),
        )
        .route(
            &format!("{clients}/instruments/{{instrument_id}}"),
            get(instruments::get),
        )
        .route(
            "/api/partners/transactions/money-out",
            post(transactions::money_out),
        )
        .route(
            &format!("{clients}/transactions/{{transaction_id}}/refund"),
            post(transactions::refund),
        )
        .route("/api/webhooks/money-in", post(inbound::money_in))
        .route("/api/webhooks/status-update", post(inbound::status_update))
        .route("/api/webhooks/cep", post(inbound::cep))
        .route(
            "/api/webhooks/fincore/money-in",
            post(inbound::namespaced::fincore_money_in),
        )
        .route(
            "/api/webhooks/fincore/status-update",
            post(inbound::namespaced::fincore_status_update),
        )
        .route(
            "/api/webhooks/fincore/cep",
            post(inbound::namespaced::fincore_cep),
        )
        .route("/api/sandbox/money-in", post(sandbox::money_in))
}

/// The OpenAPI of [`router`], merged into the gateway's `/openapi.json`.
#[derive(utoipa::OpenApi)]
#[openapi(
    paths(
        banks::list,
        accounts::list,
        accounts::create_private,
        instruments::list,
        instruments::get,
        instruments::register,
        transactions::money_out,
        transactions::refund,
        inbound::money_in,
        inbound::namespaced::fincore_money_in,
        inbound::namespaced::fincore_status_update,
        inbound::namespaced::fincore_cep,
        inbound::status_update,
        inbound::cep,
        sandbox::money_in,
    ),
    components(schemas(
        error::Problem,
        model::Bank,
        model::Account,
        model::Instrument,
        model::DebitCardDetail,
        model::ClabeDetail,
        model::Transaction,
        model::InboundAck,
        model::LedgerBalance,
        accounts::CreatePrivateAccount,
        instruments::RegisterInstrument,
        instruments::DebitCardIn,
        instruments::VirtualClabeIn,
        transactions::MoneyOut,
        transactions::MoneyOutDetails,
        transactions::Refund,
        sandbox::SimulateMoneyIn,
        inbound::FincoreEvent,
    ))
)]
pub struct FincoreApi;
