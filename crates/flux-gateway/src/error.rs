//! Every error Flux answers with: RFC 9457 `application/problem+json` with a stable `code`, and
//! for validation a list of `{field, reason}`. Handlers return `Result<_, ApiError>` and use `?`.
//! Internal details are logged, never sent.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use flux_store::StoreError;
use serde::Serialize;
use utoipa::ToSchema;

/// Every stable `code` Flux answers with, in one place: `/openapi.json` states it as the enum of
/// [`Problem::code`], so a partner can branch on it exhaustively. Add a code here when a new
/// [`ApiError`] introduces one (Schemathesis' schema check in CI fails on a code missing here).
pub const CODES: &[&str] = &[
    "already_refunded",
    "api_key_in_query",
    "auth_rate_limited",
    "card_changed",
    "card_closed",
    "card_not_operable",
    "card_transfer_in_progress",
    "conflict",
    "currency_mismatch",
    "delivery_busy",
    "duplicate_json_key",
    "duplicate_reference_id",
    "idempotency_in_progress",
    "idempotency_key_required",
    "idempotency_key_reused",
    "illegal_card_transition",
    "illegal_transition",
    "insufficient_funds",
    "internal_error",
    "invalid_idempotency_key",
    "ledger_refused",
    "malformed_json",
    "no_card_product",
    "no_provider_client",
    "not_found",
    "not_refundable",
    "payload_too_large",
    "provider_conflict",
    "provider_rejected",
    "rate_limited",
    "refund_in_progress",
    "refused_by_ledger",
    "store_unavailable",
    "treasury_not_configured",
    "unauthorized",
    "unbalanced_transaction",
    "unsupported_api_version",
    "unsupported_media_type",
    "upstream_auth_failed",
    "upstream_error",
    "upstream_invalid_response",
    "upstream_timeout",
    "upstream_unavailable",
    "validation_failed",
];

/// One invalid field of a request.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct FieldError {
    /// Path of the field, dotted for nested objects (`transaction_request.amount`).
    pub field: String,
    pub reason: String,
}

/// An RFC 9457 problem document.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Problem {
    /// A URI naming the problem type: `https://flux.dev/problems/{code}`.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    /// Human-readable explanation of this occurrence.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Stable machine-readable code: branch on this, not on `title` or `detail`.
    pub code: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// The request id, to quote when asking for support.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub title: &'static str,
    pub detail: Option<String>,
    pub errors: Vec<FieldError>,
    /// Seconds for `Retry-After` (429, 503).
    pub retry_after_s: Option<u64>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, title: &'static str) -> Self {
        ApiError {
            status,
            code,
            title,
            detail: None,
            errors: vec![],
            retry_after_s: None,
        }
    }

    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    pub fn unauthorized(detail: &str) -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "Missing or invalid credentials",
        )
        .detail(detail)
    }

    /// 422 `insufficient_funds`: Flux's books, the ledger or the provider say the money is not
    /// there.
    pub fn insufficient_funds(detail: impl Into<String>) -> Self {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "insufficient_funds",
            "Insufficient funds",
        )
        .detail(detail)
    }

    /// 404 for anything the caller may not see, so that other partners' ids are not revealed.
    pub fn not_found(what: &str) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", "Resource not found")
            .detail(format!("{what} not found"))
    }

    pub fn validation(errors: Vec<FieldError>) -> Self {
        let mut e = Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            "The request body is invalid",
        );
        e.detail = Some(
            errors
                .iter()
                .map(|f| format!("{}: {}", f.field, f.reason))
                .collect::<Vec<_>>()
                .join("; "),
        );
        e.errors = errors;
        e
    }

    /// 422 `validation_failed` for query parameters: the same code as a body's, with a title
    /// that says where to look.
    pub fn query_validation(errors: Vec<FieldError>) -> Self {
        let mut e = Self::validation(errors);
        e.title = "A query parameter is invalid";
        e
    }

    pub fn query_field(field: &str, reason: impl Into<String>) -> Self {
        Self::query_validation(vec![FieldError {
            field: field.into(),
            reason: reason.into(),
        }])
    }

    pub fn field(field: &str, reason: impl Into<String>) -> Self {
        Self::validation(vec![FieldError {
            field: field.into(),
            reason: reason.into(),
        }])
    }

    pub fn bad_request(code: &'static str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, "Bad request").detail(detail)
    }

    pub fn internal() -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_error",
            "Internal error",
        )
        .detail("an unexpected error occurred; quote the request id when contacting support")
    }

    pub fn problem(&self, request_id: Option<String>) -> Problem {
        Problem {
            kind: format!("https://flux.dev/problems/{}", self.code),
            title: self.title.into(),
            status: self.status.as_u16(),
            detail: self.detail.clone(),
            code: self.code.into(),
            errors: self.errors.clone(),
            request_id,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::to_vec(&self.problem(None)).unwrap_or_default();
        let mut resp = (self.status, body).into_response();
        resp.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if let Some(s) = self.retry_after_s {
            resp.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(s));
        }
        resp
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => ApiError::not_found("resource"),
            // One answer whether the id exists for another tenant or not at all: a cursor must
            // not reveal what another partner holds.
            StoreError::UnknownCursor => {
                ApiError::query_field("starting_after", "must be the id of an item of this list")
            }
            StoreError::Conflict(what) => {
                ApiError::new(StatusCode::CONFLICT, "conflict", "Conflict").detail(what)
            }
            StoreError::Refused { code, message } if code == "insufficient_funds" => {
                ApiError::insufficient_funds(message)
            }
            StoreError::Refused { code, .. } if code == "idempotency_key_reused" => {
                crate::idempotency::key_reused()
            }
            StoreError::Refused { code, message } if code == "already_refunded" => {
                ApiError::new(StatusCode::CONFLICT, "already_refunded", "Already refunded")
                    .detail(message)
            }
            StoreError::Refused { code, message } if code == "refund_in_progress" => ApiError::new(
                StatusCode::CONFLICT,
                "refund_in_progress",
                "A refund is under way",
            )
            .detail(message),
            StoreError::Refused { message, .. } => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "refused_by_ledger",
                "Refused by the ledger",
            )
            .detail(message),
            other => {
                tracing::error!(error = %other, "store error");
                ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "store_unavailable",
                    "Storage unavailable",
                )
                .detail("Flux could not reach its database; retry later")
            }
        }
    }
}
