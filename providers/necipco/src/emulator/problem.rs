//! The emulator's errors, in the seed's envelope: `{ "success": false, "code": <ErrorCode>,
//! "message": "…" }`, with `errors: [{field, message}]` for 422, and the HTTP statuses of the
//! seed's table (400 unreadable, 401 bad or missing token, 403 valid but refused, 404 unknown,
//! 422 invalid fields, 429 PIN blocked).

use crate::wire::{Envelope, ErrorCode, FieldError};
use axum::{
    http::StatusCode,
    response::{IntoResponse, Response},
    Json,
};

#[derive(Debug, Clone)]
pub struct EmuError {
    pub status: StatusCode,
    pub code: ErrorCode,
    pub message: String,
    pub errors: Vec<FieldError>,
}

impl EmuError {
    pub(crate) fn new(status: StatusCode, code: ErrorCode, message: impl Into<String>) -> Self {
        EmuError {
            status,
            code,
            message: message.into(),
            errors: Vec::new(),
        }
    }

    pub(crate) fn bad_request(message: impl Into<String>) -> Self {
        EmuError::new(StatusCode::BAD_REQUEST, ErrorCode::BadRequest, message)
    }

    pub(crate) fn unauthorized(message: &str) -> Self {
        EmuError::new(StatusCode::UNAUTHORIZED, ErrorCode::MissingToken, message)
    }

    pub(crate) fn not_found(what: &str) -> Self {
        EmuError::new(
            StatusCode::NOT_FOUND,
            ErrorCode::NotFound,
            format!("{what} not found"),
        )
    }

    pub(crate) fn refused(code: ErrorCode, message: impl Into<String>) -> Self {
        EmuError::new(StatusCode::FORBIDDEN, code, message)
    }

    pub(crate) fn undecipherable(field: &str) -> Self {
        let mut e = EmuError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::Undecipherable,
            format!("{field} could not be deciphered with the system key"),
        );
        e.errors.push(FieldError {
            field: field.to_string(),
            message: "not ciphered with the system public key".into(),
        });
        e
    }

    pub(crate) fn internal(message: impl Into<String>) -> Self {
        EmuError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            ErrorCode::Internal,
            message,
        )
    }
}

impl IntoResponse for EmuError {
    fn into_response(self) -> Response {
        let body: Envelope<()> = Envelope {
            success: false,
            code: self.code.number(),
            message: self.message,
            data: None,
            errors: self.errors,
        };
        (self.status, Json(body)).into_response()
    }
}

/// Collects the field errors of one request, so that a 422 lists them all.
#[derive(Default)]
pub(crate) struct Problems(Vec<FieldError>);

impl Problems {
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0.push(FieldError {
            field: field.to_string(),
            message: message.into(),
        });
    }

    pub fn check(&mut self, ok: bool, field: &str, message: &str) {
        if !ok {
            self.add(field, message);
        }
    }

    pub fn into_result(self) -> Result<(), EmuError> {
        if self.0.is_empty() {
            return Ok(());
        }
        let message = self
            .0
            .iter()
            .map(|e| format!("{}: {}", e.field, e.message))
            .collect::<Vec<_>>()
            .join("; ");
        Err(EmuError {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            code: ErrorCode::InvalidFields,
            message,
            errors: self.0,
        })
    }
}
