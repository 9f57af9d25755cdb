//! The emulator's errors, in FastAPI's shapes (Félix is a FastAPI service; the seed lists the
//! status codes but not the bodies): `{"detail": "…"}` for 4xx/5xx, and for 422
//! `{"detail": [{"type", "loc", "msg", "input", "ctx"}]}` as Pydantic v2 writes it.

use crate::wire::{ErrorBody, ErrorDetail, ValidationError};
use axum::{
    http::StatusCode,
    response::{IntoResponse, Response},
    Json,
};
use serde_json::{json, Map, Value};

/// An error the emulator answers with.
#[derive(Debug, Clone)]
pub struct EmuError {
    pub status: StatusCode,
    pub detail: ErrorDetail,
}

impl EmuError {
    pub(crate) fn message(status: StatusCode, message: impl Into<String>) -> EmuError {
        EmuError {
            status,
            detail: ErrorDetail::Message(message.into()),
        }
    }

    pub(crate) fn invalid(errors: Vec<ValidationError>) -> EmuError {
        EmuError {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            detail: ErrorDetail::Validation(errors),
        }
    }

    pub(crate) fn unauthorized(message: &str) -> EmuError {
        EmuError::message(StatusCode::UNAUTHORIZED, message)
    }

    pub(crate) fn not_found(what: &str) -> EmuError {
        EmuError::message(StatusCode::NOT_FOUND, format!("{what} not found"))
    }
}

impl IntoResponse for EmuError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            detail: self.detail,
            extra: Map::new(),
        };
        (self.status, Json(body)).into_response()
    }
}

/// Collects validation failures of one request, so that a 422 lists them all.
#[derive(Default)]
pub(crate) struct Problems(Vec<ValidationError>);

impl Problems {
    pub fn add(&mut self, loc: &[&str], kind: &str, msg: impl Into<String>, input: Value) {
        self.add_ctx(loc, kind, msg, input, None);
    }

    pub fn add_ctx(
        &mut self,
        loc: &[&str],
        kind: &str,
        msg: impl Into<String>,
        input: Value,
        ctx: Option<Value>,
    ) {
        let mut extra = Map::new();
        extra.insert("input".into(), input);
        if let Some(ctx) = ctx {
            extra.insert("ctx".into(), ctx);
        }
        self.0.push(ValidationError {
            loc: loc.iter().map(|s| Value::String(s.to_string())).collect(),
            msg: msg.into(),
            kind: kind.into(),
            extra,
        });
    }

    /// A value outside a documented enumeration.
    pub fn not_in(&mut self, loc: &[&str], input: &str, allowed: &[&str]) {
        let expected = quoted_list(allowed);
        self.add_ctx(
            loc,
            "enum",
            format!("Input should be {expected}"),
            json!(input),
            Some(json!({ "expected": expected })),
        );
    }

    pub fn too_short(&mut self, loc: &[&str], input: &str, min: usize) {
        self.add_ctx(
            loc,
            "string_too_short",
            format!("String should have at least {min} characters"),
            json!(input),
            Some(json!({ "min_length": min })),
        );
    }

    pub fn below(&mut self, loc: &[&str], input: Value, min: i64) {
        self.add_ctx(
            loc,
            "greater_than_equal",
            format!("Input should be greater than or equal to {min}"),
            input,
            Some(json!({ "ge": min })),
        );
    }

    pub fn above(&mut self, loc: &[&str], input: Value, max: i64) {
        self.add_ctx(
            loc,
            "less_than_equal",
            format!("Input should be less than or equal to {max}"),
            input,
            Some(json!({ "le": max })),
        );
    }

    pub fn into_result(self) -> Result<(), EmuError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(EmuError::invalid(self.0))
        }
    }
}

/// `'COP', 'GTQ' or 'USD'`, as Pydantic lists enum values.
fn quoted_list(values: &[&str]) -> String {
    let quoted: Vec<String> = values.iter().map(|v| format!("'{v}'")).collect();
    match quoted.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        Some((last, _)) => last.clone(),
        None => String::new(),
    }
}

/// A body serde could not read, as a 422: a missing member names its field (`missing`),
/// anything else is reported on the body as a whole.
pub(crate) fn unreadable_body(error: &serde_json::Error) -> EmuError {
    let text = error.to_string();
    let mut problems = Problems::default();
    match missing_field(&text) {
        Some(field) => problems.add(&["body", field], "missing", "Field required", Value::Null),
        None if error.is_syntax() || error.is_eof() => {
            problems.add(&["body"], "json_invalid", "JSON decode error", json!(text))
        }
        None => problems.add(&["body"], "model_attributes_type", text, Value::Null),
    }
    EmuError::invalid(problems.0)
}

/// The field of serde's "missing field `name`" message.
fn missing_field(text: &str) -> Option<&str> {
    let rest = text.split("missing field `").nth(1)?;
    rest.split('`').next()
}
