//! The OpenAPI 3.1 description of the Partners API (`/openapi.json`) and a docs page (`/docs`)
//! that renders it with a few lines of plain JavaScript: nothing is fetched from a CDN. The
//! core's paths are declared here; each provider brings its own ([`crate::Provider::openapi`]).

use crate::{error, model, routes, SharedState};
use axum::extract::State;
use axum::response::Html;
use axum::Json;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityScheme};
use utoipa::{Modify, OpenApi};

struct ApiKeyAuth;

impl Modify for ApiKeyAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "api_key",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::new("X-API-Key"))),
        );
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Flux Partners API", version = "1.0.0",
        description = "One API for SPEI accounts and transfers. Authenticate with X-API-Key. Every POST that creates something accepts Idempotency-Key. Errors are RFC 9457 problem+json with a stable `code`. Amounts are decimal strings."),
    paths(
        routes::transactions::list, routes::transactions::get,
        routes::webhooks::list, routes::webhooks::create, routes::webhooks::get, routes::webhooks::update, routes::webhooks::delete,
        routes::webhooks::deliveries, routes::webhooks::retry, routes::webhooks::test, routes::webhooks::rotate_secret,
    ),
    components(schemas(
        error::Problem, error::FieldError, model::Pagination, model::Bank, model::Account, model::Instrument, model::DebitCardDetail,
        model::ClabeDetail, model::Transaction, model::Failure, model::Cep, model::Webhook, model::InboundAck, model::Delivery, model::DeliveryAttempt, model::RotatedSecret,
        routes::webhooks::CreateWebhook, routes::webhooks::UpdateWebhook,
        model::LedgerBalance,
    )),
    modifiers(&ApiKeyAuth),
)]
pub struct ApiDoc;

/// The core's description with every registered provider's paths and schemas merged in.
pub async fn spec(State(state): State<SharedState>) -> Json<utoipa::openapi::OpenApi> {
    let mut doc = ApiDoc::openapi();
    for provider in state.providers.iter() {
        doc.merge(provider.openapi());
    }
    Json(doc)
}

pub async fn docs() -> Html<&'static str> {
    Html(include_str!("docs.html"))
}
