//! Partner webhook subscriptions: list, create, get, patch, delete; their deliveries (list,
//! retry), a test event and signing-secret rotation. Delivery itself is the job of
//! [`crate::delivery`]. The token a partner gives is sent back to them on each delivery and never
//! shown again after creation; the `whsec_` signing secret Flux generates is shown once.

use super::*;
use crate::idempotency::{self, Begin, Outcome};
use crate::model::{Delivery, Page, Pagination, RotatedSecret, Webhook};
use crate::validate::{json_object, page_query, Fields};
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use flux_core::Secret;
use flux_store::WebhookRecord;
use std::collections::HashMap;

const TYPES: &[&str] = &[
    "MONEY_IN",
    "STATUS_UPDATE",
    "CEP",
    "REMITTANCE_STATUS",
    "CARD_TRANSACTION",
    "CARD_STATUS",
];
const STATUSES: &[&str] = &["ACTIVE", "INACTIVE"];

fn check_url(state: &SharedState, f: &mut Fields, url: &Option<String>) {
    if let Some(u) = url {
        if let Err(reason) = state.config.webhooks.url_policy.check(u) {
            f.fail("url", &reason);
        }
    }
}

/// List webhook subscriptions
#[utoipa::path(get, path = "/api/partners/clients/{clientId}/webhooks", operation_id = "list_webhooks", tag = "webhooks",
    params(("clientId" = Uuid, Path)),
    responses((status = 200, body = Page<Webhook>), (status = 401, body = crate::error::Problem), (status = 404, body = crate::error::Problem)),
    security(("api_key" = [])))]
pub async fn list(
    State(state): State<SharedState>,
    Extension(caller): Extension<Caller>,
    Path(client_id): Path<String>,
) -> Result<Json<Page<Webhook>>, ApiError> {
    let client = owned_client(&state, &caller, path_id(&client_id, "client")?).await?;
    let hooks = state.store.list_webhooks(client.client_id).await?;
    Ok(Json(Page {
        data: hooks.iter().map(Webhook::from).collect(),
        pagination: Pagination::whole(hooks.len()),
    }))
}

/// Body of POST …/webhooks.
#[derive(utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct CreateWebhook {
    /// Must equal the clientId in the path.
    client_id: Uuid,
    /// An http(s) URL without credentials. Private and loopback hosts are refused (422)
    /// unless the operator allowed them.
    #[schema(
        min_length = 1,
        max_length = 2048,
        format = "uri",
        pattern = r"^[Hh][Tt][Tt][Pp][Ss]?://[^\x00-\x1F\x7F-\x9F]*$"
    )]
    url: String,
    /// Sent back to you as X-Webhook-Token on every delivery; 8 to 256 characters.
    #[schema(
        min_length = 8,
        max_length = 256,
        pattern = r"^[^\x00-\x1F\x7F-\x9F]*$"
    )]
    token: String,
    #[schema(schema_with = webhook_type)]
    webhook_type: String,
}

fn webhook_type() -> utoipa::openapi::schema::Object {
    crate::validate::schema::one_of(TYPES, false)
}

fn optional_webhook_type() -> utoipa::openapi::schema::Object {
    crate::validate::schema::one_of(TYPES, true)
}

fn optional_webhook_status() -> utoipa::openapi::schema::Object {
    crate::validate::schema::one_of(STATUSES, true)
}

/// Create a webhook subscription
///
/// Flux posts every event of `webhook_type` for the client to `url`, signed per Standard Webhooks with the `secret` in this answer (shown only here and on rotation), and retries until the endpoint answers 2xx.
#[utoipa::path(post, path = "/api/partners/clients/{clientId}/webhooks", operation_id = "create_webhook", tag = "webhooks",
    params(("clientId" = Uuid, Path), ("Idempotency-Key" = Option<String>, Header)),
    request_body = CreateWebhook,
    responses((status = 201, body = Webhook), (status = 400, body = crate::error::Problem), (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)),
    security(("api_key" = [])))]
pub async fn create(
    State(state): State<SharedState>,
    Extension(caller): Extension<Caller>,
    Path(client_id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let client = owned_client(&state, &caller, path_id(&client_id, "client")?).await?;
    let obj = json_object(&body)?;
    let mut f = Fields::new(&obj);
    let body_client = f.uuid("client_id");
    let url = f.string("url", 1, 2048);
    check_url(&state, &mut f, &url);
    let token = f.string("token", 8, 256);
    let kind = f.one_of("webhook_type", TYPES);
    f.finish()?;
    same_client(body_client, client.client_id)?;
    let (Some(url), Some(token), Some(kind)) = (url, token, kind) else {
        return Err(ApiError::internal());
    };
    let path = format!("/api/partners/clients/{}/webhooks", client.client_id);
    let claim = match idempotency::begin(&state, &caller, &headers, "POST", &path, &body).await? {
        Begin::Replay(r) => return Ok(r),
        Begin::Run(c) => c,
    };
    let now = flux_core::time::now();
    let record = WebhookRecord {
        id: Uuid::new_v4(),
        partner_id: caller.partner_id,
        client_id: client.client_id,
        url,
        token: Secret::new(token),
        webhook_type: kind,
        webhook_status: "ACTIVE".into(),
        created_at: now,
        updated_at: now,
    };
    let secret = flux_store::outbox::new_signing_secret();
    let created = match state.store.create_webhook(&record, &secret).await {
        Ok(()) => {
            let mut shown = Webhook::from(&record);
            shown.secret = Some(secret);
            Ok(shown)
        }
        Err(e) => Err(ApiError::from(e)),
    };
    Ok(idempotency::finish(&state, claim, Outcome::created(created)).await)
}

/// Get a webhook subscription
#[utoipa::path(get, path = "/api/partners/clients/{clientId}/webhooks/{id}", operation_id = "get_webhook", tag = "webhooks",
    params(("clientId" = Uuid, Path), ("id" = Uuid, Path)),
    responses((status = 200, body = Webhook), (status = 401, body = crate::error::Problem), (status = 404, body = crate::error::Problem)),
    security(("api_key" = [])))]
pub async fn get(
    State(state): State<SharedState>,
    Extension(caller): Extension<Caller>,
    Path((client_id, id)): Path<(String, String)>,
) -> Result<Json<Webhook>, ApiError> {
    let hook = owned_webhook(&state, &caller, &client_id, &id).await?;
    Ok(Json(Webhook::from(&hook)))
}

async fn owned_webhook(
    state: &SharedState,
    caller: &Caller,
    client_id: &str,
    id: &str,
) -> Result<WebhookRecord, ApiError> {
    let client = owned_client(state, caller, path_id(client_id, "client")?).await?;
    state
        .store
        .get_webhook(client.client_id, path_id(id, "webhook")?)
        .await?
        .filter(|w| w.partner_id == caller.partner_id)
        .ok_or_else(|| ApiError::not_found("webhook"))
}

/// Body of PATCH …/webhooks/{id}: at least one of these (an empty object is 422); null is the
/// same as absent.
#[derive(utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct UpdateWebhook {
    /// Optional; when sent, the clientId in the path (422 otherwise): a webhook stays with
    /// its client.
    client_id: Option<Uuid>,
    #[schema(
        min_length = 1,
        max_length = 2048,
        format = "uri",
        pattern = r"^[Hh][Tt][Tt][Pp][Ss]?://[^\x00-\x1F\x7F-\x9F]*$"
    )]
    url: Option<String>,
    #[schema(schema_with = optional_webhook_status)]
    webhook_status: Option<String>,
    #[schema(
        min_length = 8,
        max_length = 256,
        pattern = r"^[^\x00-\x1F\x7F-\x9F]*$"
    )]
    token: Option<String>,
    #[schema(schema_with = optional_webhook_type)]
    webhook_type: Option<String>,
}

/// Update a webhook subscription
///
/// Changes the URL, token, type or status (ACTIVE, INACTIVE). An empty body is refused.
#[utoipa::path(patch, path = "/api/partners/clients/{clientId}/webhooks/{id}", operation_id = "update_webhook", tag = "webhooks",
    params(("clientId" = Uuid, Path), ("id" = Uuid, Path)),
    request_body = UpdateWebhook,
    responses((status = 200, body = Webhook), (status = 400, body = crate::error::Problem), (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)),
    security(("api_key" = [])))]
pub async fn update(
    State(state): State<SharedState>,
    Extension(caller): Extension<Caller>,
    Path((client_id, id)): Path<(String, String)>,
    body: Bytes,
) -> Result<Json<Webhook>, ApiError> {
    let mut hook = owned_webhook(&state, &caller, &client_id, &id).await?;
    let obj = json_object(&body)?;
    let mut f = Fields::new(&obj);
    let url = f.opt_string("url", 1, 2048);
    check_url(&state, &mut f, &url);
    let status = f.opt_one_of("webhook_status", STATUSES);
    let token = f.opt_string("token", 8, 256);
    let kind = f.opt_one_of("webhook_type", TYPES);
    let body_client = f.opt_uuid("client_id");
    f.finish()?;
    same_client(body_client, hook.client_id)?;
    if obj.is_empty() {
        return Err(ApiError::field(
            "body",
            "send at least one of url, webhook_status, token, webhook_type",
        ));
    }
    if let Some(u) = url {
        hook.url = u;
    }
    if let Some(s) = status {
        hook.webhook_status = s;
    }
    if let Some(t) = token {
        hook.token = Secret::new(t);
    }
    if let Some(k) = kind {
        hook.webhook_type = k;
    }
    hook.updated_at = flux_core::time::now();
    state.store.update_webhook(&hook).await?;
    // Re-activated: what queued meanwhile may go now.
    state.deliveries.wake();
    Ok(Json(Webhook::from(&hook)))
}

/// Delete a webhook subscription
///
/// Nothing more is sent to it; deliveries already made stay listed.
#[utoipa::path(delete, path = "/api/partners/clients/{clientId}/webhooks/{id}", operation_id = "delete_webhook", tag = "webhooks",
    params(("clientId" = Uuid, Path), ("id" = Uuid, Path)),
    responses((status = 204, description = "Deleted"), (status = 401, body = crate::error::Problem), (status = 404, body = crate::error::Problem)),
    security(("api_key" = [])))]
pub async fn delete(
    State(state): State<SharedState>,
    Extension(caller): Extension<Caller>,
    Path((client_id, id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let hook = owned_webhook(&state, &caller, &client_id, &id).await?;
    state
        .store
        .delete_webhook(hook.client_id, hook.id, flux_core::time::now())
        .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// List a subscription's deliveries
///
/// Each message Flux sent or will send, with its attempts and the endpoint's answers.
#[utoipa::path(get, path = "/api/partners/clients/{clientId}/webhooks/{id}/deliveries", operation_id = "list_webhook_deliveries", tag = "webhooks",
    params(("clientId" = Uuid, Path), ("id" = Uuid, Path), ("page" = Option<u32>, Query, minimum = 1, maximum = 1000000, description = "1-based page, default 1. Its cost grows with its depth (every item before it is skipped and all are counted): prefer `starting_after` beyond the first pages"), ("per_page" = Option<u32>, Query, minimum = 1, maximum = 200, description = "1 to 200, default 50"), ("starting_after" = Option<String>, Query, description = "Cursor: the id of the last item already seen (the previous page's `pagination.next_starting_after`); answers the items after it, without totals. Every page costs the same at any depth. Not with `page`; an id that is not an item of this list is 422")),
    responses((status = 200, body = Page<Delivery>), (status = 400, body = crate::error::Problem), (status = 404, body = crate::error::Problem)),
    security(("api_key" = [])))]
pub async fn deliveries(
    State(state): State<SharedState>,
    Extension(caller): Extension<Caller>,
    Path((client_id, id)): Path<(String, String)>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<Page<Delivery>>, ApiError> {
    let hook = owned_webhook(&state, &caller, &client_id, &id).await?;
    let slice = page_query(&q, 200)?;
    let listed = state.store.list_deliveries(hook.id, slice.clone()).await?;
    let attempts = state
        .store
        .list_attempts(listed.items.iter().map(|d| d.id.clone()).collect())
        .await?;
    let last = listed.items.last().map(|d| d.id.clone());
    Ok(Json(Page {
        data: listed
            .items
            .iter()
            .map(|d| Delivery::new(d, &attempts))
            .collect(),
        pagination: Pagination::of(&slice, &listed, last),
    }))
}

/// Retry a delivery now
///
/// Sends the message again at once, with the same `webhook-id`, so the endpoint can deduplicate it.
#[utoipa::path(post, path = "/api/partners/clients/{clientId}/webhooks/{id}/deliveries/{deliveryId}/retry", operation_id = "retry_webhook_delivery", tag = "webhooks",
    params(("clientId" = Uuid, Path), ("id" = Uuid, Path), ("deliveryId" = String, Path)),
    responses((status = 202, body = Delivery), (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem)),
    security(("api_key" = [])))]
pub async fn retry(
    State(state): State<SharedState>,
    Extension(caller): Extension<Caller>,
    Path((client_id, id, delivery_id)): Path<(String, String, String)>,
) -> Result<Response, ApiError> {
    let hook = owned_webhook(&state, &caller, &client_id, &id).await?;
    let d = match state.store.retry_delivery(hook.id, &delivery_id).await {
        Ok(d) => d,
        Err(flux_store::StoreError::NotFound) => return Err(ApiError::not_found("delivery")),
        Err(flux_store::StoreError::Conflict(m)) => {
            return Err(
                ApiError::new(StatusCode::CONFLICT, "delivery_busy", "Delivery busy").detail(m),
            )
        }
        Err(e) => return Err(e.into()),
    };
    state.deliveries.wake();
    Ok((StatusCode::ACCEPTED, Json(Delivery::new(&d, &[]))).into_response())
}

/// Send a test event
///
/// Delivers a TEST message to the subscription's URL, signed as real events are.
#[utoipa::path(post, path = "/api/partners/clients/{clientId}/webhooks/{id}/test", operation_id = "send_test_webhook", tag = "webhooks",
    params(("clientId" = Uuid, Path), ("id" = Uuid, Path)),
    responses((status = 202, body = Delivery), (status = 404, body = crate::error::Problem)),
    security(("api_key" = [])))]
pub async fn test(
    State(state): State<SharedState>,
    Extension(caller): Extension<Caller>,
    Path((client_id, id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let hook = owned_webhook(&state, &caller, &client_id, &id).await?;
    let d = state.store.enqueue_test_delivery(&hook).await?;
    state.deliveries.wake();
    Ok((StatusCode::ACCEPTED, Json(Delivery::new(&d, &[]))).into_response())
}

/// Rotate the signing secret
///
/// Answers the new secret once. Messages are signed with both the old and the new secret until `previous_secret_expires_at` (24 hours by default), so the endpoint can switch without losing any.
#[utoipa::path(post, path = "/api/partners/clients/{clientId}/webhooks/{id}/secret/rotate", operation_id = "rotate_webhook_secret", tag = "webhooks",
    params(("clientId" = Uuid, Path), ("id" = Uuid, Path)),
    responses((status = 200, body = RotatedSecret), (status = 404, body = crate::error::Problem)),
    security(("api_key" = [])))]
pub async fn rotate_secret(
    State(state): State<SharedState>,
    Extension(caller): Extension<Caller>,
    Path((client_id, id)): Path<(String, String)>,
) -> Result<Json<RotatedSecret>, ApiError> {
    let hook = owned_webhook(&state, &caller, &client_id, &id).await?;
    let (secret, expires) = state
        .store
        .rotate_webhook_secret(hook.id, state.config.webhooks.secret_grace)
        .await?;
    Ok(Json(RotatedSecret {
        secret,
        previous_secret_expires_at: flux_core::time::to_rfc3339(expires),
    }))
}
