//! The Flux Partners API (axum). [`router`] builds the whole HTTP surface over an [`AppState`]:
//! the provider-neutral routes here, plus each registered [`provider::Provider`]'s routes;
//! the `flux` binary owns start-up (store, providers, demo partner, listening).

pub mod api_version;
pub mod audit;
pub mod auth_cache;
pub mod client_addr;
pub mod content_type;
pub mod delivery;
pub mod error;
pub mod idempotency;
pub mod keys;
pub mod lifecycle;
pub mod metrics;
pub mod model;
pub mod openapi;
pub mod pipeline;
pub mod provider;
pub mod rate_limit;
pub mod reconcile;
pub mod resolver;
pub mod routes;
pub mod seed_examples;
pub mod shared_limits;
pub mod state;
pub mod validate;

pub use provider::{Provider, Providers};
pub use state::{AppState, GatewayConfig, SharedState};

use axum::routing::{get, post};
use axum::{middleware, Router};
use routes::*;

/// Every route: the Partners API under /api/partners, inbound provider webhooks under
/// /api/webhooks, the sandbox under /api/sandbox (the last two, and the partner routes that
/// call a provider, come from the registered providers), and the unauthenticated operational
/// routes. Provider routes sit inside the same pipeline as the core's.
pub fn router(state: SharedState) -> Router {
    metrics::install();
    let clients = "/api/partners/clients/{client_id}";
    let mut api = Router::new()
        .route(&format!("{clients}/transactions"), get(transactions::list))
        .route(
            &format!("{clients}/transactions/{{transaction_id}}"),
            get(transactions::get),
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
        );
    for provider in state.providers.iter() {
        api = api.merge(provider.routes());
    }
    let api = api
        .fallback(|| async { error::ApiError::not_found("endpoint") })
        // Inside the pipeline: it sees the body already read and its refusals are audited.
        .layer(middleware::from_fn(content_type::require_json))
        .layer(middleware::from_fn(api_version::negotiate))
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
        .route("/docs/docs.js", get(openapi::docs_script))
        .route("/docs/redoc.standalone.js", get(openapi::redoc_bundle))
        // Bodies are limited by the pipeline (413 problem+json), not by axum's default.
        .layer(axum::extract::DefaultBodyLimit::disable())
        .with_state(state)
}
