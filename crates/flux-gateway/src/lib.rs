//! The Flux Partners API (axum). [`router`] builds the whole HTTP surface over an [`AppState`];
//! the `flux` binary owns start-up (store, sandbox emulator, demo partner, listening).

pub mod audit;
pub mod client_addr;
pub mod content_type;
pub mod delivery;
pub mod error;
pub mod idempotency;
pub mod keys;
pub mod ledger_backend;
pub mod metrics;
pub mod model;
pub mod openapi;
pub mod opening;
pub mod pipeline;
pub mod rate_limit;
pub mod reconcile;
pub mod resolver;
pub mod routes;
pub mod state;
pub mod validate;

pub use state::{AppState, GatewayConfig, SharedState};

use axum::routing::{get, post};
use axum::{middleware, Router};
use routes::*;

/// Every route: the Partners API under /api/partners, inbound provider webhooks under
/// /api/webhooks, the sandbox under /api/sandbox, and the unauthenticated operational routes.
pub fn router(state: SharedState) -> Router {
    metrics::install();
    let clients = "/api/partners/clients/{client_id}";
    let api = Router::new()
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
        .route(&format!("{clients}/transactions"), get(transactions::list))
        .route(
            &format!("{clients}/ledger/accounts"),
            post(ledger::create_account),
        )
        .route(
            &format!("{clients}/ledger/accounts/{{account_id}}"),
            get(ledger::get_account),
        )
        .route(
            &format!("{clients}/ledger/accounts/{{account_id}}/balance"),
            get(ledger::get_balance),
        )
        .route(
            &format!("{clients}/ledger/persons"),
            get(ledger::list_persons).post(ledger::create_person),
        )
        .route(
            &format!("{clients}/ledger/persons/{{person_id}}"),
            get(ledger::get_person),
        )
        .route(
            &format!("{clients}/ledger/transactions"),
            post(ledger::create_transaction),
        )
        .route(
            &format!("{clients}/ledger/transactions/{{transaction_id}}"),
            get(ledger::get_transaction),
        )
        .route(
            &format!("{clients}/transactions/{{transaction_id}}"),
            get(transactions::get),
        )
        .route(
            &format!("{clients}/transactions/{{transaction_id}}/refund"),
            post(transactions::refund),
        )
        .route(
            &format!("{clients}/webhooks"),
            get(webhooks::list).post(webhooks::create),
        )
        .route(
            &format!("{clients}/webhooks/{{id}}"),
            get(webhooks::get)
                .patch(webhooks::update)
                .delete(webhooks::delete),
        )
        .route(
            &format!("{clients}/webhooks/{{id}}/deliveries"),
            get(webhooks::deliveries),
        )
        .route(
            &format!("{clients}/webhooks/{{id}}/deliveries/{{delivery_id}}/retry"),
            post(webhooks::retry),
        )
        .route(
            &format!("{clients}/webhooks/{{id}}/test"),
            post(webhooks::test),
        )
        .route(
            &format!("{clients}/webhooks/{{id}}/secret/rotate"),
            post(webhooks::rotate_secret),
        )
        .route("/api/webhooks/money-in", post(inbound::money_in))
        .route("/api/webhooks/status-update", post(inbound::status_update))
        .route("/api/webhooks/cep", post(inbound::cep))
        .route("/api/sandbox/money-in", post(sandbox::money_in))
        .fallback(|| async { error::ApiError::not_found("endpoint") })
        // Inside the pipeline: it sees the body already read and its refusals are audited.
        .layer(middleware::from_fn(content_type::require_json))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            pipeline::pipeline,
        ));
    Router::new()
        .merge(api)
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(health::metrics))
        .route("/openapi.json", get(openapi::spec))
        .route("/docs", get(openapi::docs))
        // Bodies are limited by the pipeline (413 problem+json), not by axum's default.
        .layer(axum::extract::DefaultBodyLimit::disable())
        .with_state(state)
}
