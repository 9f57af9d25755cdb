//! `POST /api/sandbox/remittances/{id}/advance` (sandbox only; 404 live): moves a remittance at
//! the Félix emulator to the status asked for (or its next happy-path step), as a sender or an
//! operator would. The change then reaches Flux like any other, by callback or by polling.

use super::felix;
use crate::wire::TransactionStatus;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::{Extension, Json};
use flux_core::RemittanceStatus;
use flux_gateway::error::ApiError;
use flux_gateway::pipeline::Caller;
use flux_gateway::routes::path_id;
use flux_gateway::validate::{json_object, Fields};
use flux_gateway::SharedState;
use serde_json::{json, Value};

/// The status asked for; None: the next happy-path step.
fn parse(body: &[u8]) -> Result<Option<RemittanceStatus>, ApiError> {
    if body.is_empty() {
        return Ok(None);
    }
    let obj = json_object(body)?;
    let mut f = Fields::new(&obj);
    let all: Vec<&str> = RemittanceStatus::ALL.iter().map(|s| s.as_str()).collect();
    let status = f.opt_one_of("status", &all);
    f.finish()?;
    Ok(status.and_then(|s| s.parse().ok()))
}

/// Body of POST …/advance (optional: no body advances one happy-path step).
#[derive(utoipa::ToSchema)]
#[schema(as = AdvanceRemittance)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct Advance {
    /// The status to move to; absent or null: the next happy-path step.
    #[schema(schema_with = optional_status)]
    status: Option<String>,
}

fn optional_status() -> utoipa::openapi::schema::Object {
    let all: Vec<&str> = RemittanceStatus::ALL.iter().map(|s| s.as_str()).collect();
    flux_gateway::validate::schema::one_of(&all, true)
}

/// Advance a remittance (sandbox)
///
/// Moves the remittance at the Félix emulator to its next status, or to the one named; Félix reports the change to Flux by callback.
#[utoipa::path(post, path = "/api/sandbox/remittances/{remittanceId}/advance", operation_id = "sandbox_advance_remittance", tag = "sandbox",
    params(("remittanceId" = Uuid, Path)),
    request_body(content = Option<Advance>, description = "Optional"),
    responses((status = 202, body = Object), (status = 404, body = flux_gateway::error::Problem), (status = 409, body = flux_gateway::error::Problem)),
    security(("api_key" = [])))]
pub async fn advance(
    State(state): State<SharedState>,
    Extension(caller): Extension<Caller>,
    Path(remittance_id): Path<String>,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let not_found = || ApiError::not_found("remittance");
    let emulator = felix(&state)?.emulator.as_ref().ok_or_else(not_found)?;
    let id = path_id(&remittance_id, "remittance")?;
    let to = parse(&body)?;
    let r = match state.store.get_remittance(id).await? {
        Some(r) if r.partner_id == caller.partner_id => r,
        _ => return Err(not_found()),
    };
    let reference = r.provider_reference.ok_or_else(not_found)?;
    let to = to.map(|s| TransactionStatus::from(s.as_str()));
    let t = emulator.advance(&reference, to).map_err(|e| {
        ApiError::new(
            StatusCode::CONFLICT,
            "illegal_transition",
            "The emulator refused the change",
        )
        .detail(format!("{e:?}"))
    })?;
    let status = t.status.map(|s| s.as_str().to_string());
    Ok((
        StatusCode::ACCEPTED,
        Json(json!({"id": id, "felix_status": status})),
    ))
}
