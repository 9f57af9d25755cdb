//! Fincore's failures as problem+json. Here rather than in the gateway's `error` module: the
//! gateway knows no provider, and the impl lives with the error type so handlers keep `?`.

use crate::FincoreError;
use axum::http::StatusCode;
use flux_gateway::error::ApiError;

impl From<FincoreError> for ApiError {
    fn from(e: FincoreError) -> Self {
        match e {
            FincoreError::Timeout(_) => ApiError::new(StatusCode::GATEWAY_TIMEOUT, "upstream_timeout", "Provider timeout")
                .detail("Fincore did not answer in time; the outcome is unknown. Retry with the same Idempotency-Key."),
            FincoreError::Unavailable(m) => {
                tracing::warn!(error = %m, "fincore unavailable");
                ApiError::new(StatusCode::BAD_GATEWAY, "upstream_unavailable", "Provider unavailable")
                    .detail("Fincore is not answering correctly; retry later")
            }
            FincoreError::Decode(m) => {
                tracing::error!(error = %m, "unreadable fincore response");
                ApiError::new(StatusCode::BAD_GATEWAY, "upstream_invalid_response", "Provider answered unexpectedly")
            }
            FincoreError::Rejected { status, code, message } => match status {
                401 | 403 => {
                    tracing::error!(%code, %message, "fincore refused Flux's credentials");
                    ApiError::new(StatusCode::BAD_GATEWAY, "upstream_auth_failed", "Provider refused Flux's credentials")
                }
                404 => ApiError::new(StatusCode::NOT_FOUND, "not_found", "Resource not found").detail(format!("Fincore: {message}")),
                409 => ApiError::new(StatusCode::CONFLICT, "provider_conflict", "Provider conflict").detail(format!("Fincore: {message}")),
                _ if code == "insufficient_funds" => ApiError::insufficient_funds(format!("Fincore: {message}")),
                _ => ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "provider_rejected", "The provider rejected the request")
                    .detail(format!("Fincore ({code}): {message}")),
            },
        }
    }
}
