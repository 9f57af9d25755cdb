//! The answer envelope: every NeCIPCo answer but login's is
//! `{ "success": bool, "code": int, "message": text, "data": {…} }`. The seed shows only
//! successes (`code` 0, `message` "OK" or a specific text). Errors are designed in the same
//! shape: `success` false, a non-zero [`ErrorCode`], the reason in `message`, no `data`, and for
//! field errors (422) an `errors` list naming each field.
//!
//! Login alone answers `{ "status": { "code": 200, "message": … }, "data": … }`
//! ([`super::LoginResponse`]); logout answers `{}`.

use serde::{Deserialize, Serialize};

/// `{ success, code, message, data }`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Envelope<T> {
    pub success: bool,
    pub code: i64,
    pub message: String,
    #[serde(default = "none", skip_serializing_if = "Option::is_none")]
    pub data: Option<T>,
    /// Field errors of a 422 (the emulator's design; the seed shows no error body).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

fn none<T>() -> Option<T> {
    None
}

impl<T> Envelope<T> {
    /// A success with `message` "OK".
    pub fn ok(data: T) -> Self {
        Envelope::ok_with(data, "OK")
    }

    pub fn ok_with(data: T, message: &str) -> Self {
        Envelope {
            success: true,
            code: 0,
            message: message.to_string(),
            data: Some(data),
            errors: Vec::new(),
        }
    }
}

/// One refused field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

/// Error codes of the designed error body (`code` of a failed envelope). Numbered by family:
/// 1xxx request, 2xxx authentication, 3xxx cards, 4xxx money, 5xxx PIN, 9xxx server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    /// Unreadable body or query.
    BadRequest,
    /// One or more fields break their documented pattern.
    InvalidFields,
    /// A card number or PIN could not be deciphered with the system key.
    Undecipherable,
    NotFound,
    /// Unique value already used (external_id, card already assigned…).
    Duplicate,
    BadCredentials,
    MissingToken,
    /// The caller has not registered a public key, so nothing sensitive can be answered.
    PublicKeyRequired,
    CardStatusTransition,
    CardNotOperable,
    /// A virtual-card-only operation on a physical card.
    NotVirtual,
    InsufficientFunds,
    WrongPin,
    PinLocked,
    PinNotSet,
    AuthenticationFailed,
    Internal,
}

impl ErrorCode {
    pub fn number(&self) -> i64 {
        match self {
            ErrorCode::BadRequest => 1000,
            ErrorCode::InvalidFields => 1001,
            ErrorCode::Undecipherable => 1002,
            ErrorCode::NotFound => 1004,
            ErrorCode::Duplicate => 1009,
            ErrorCode::BadCredentials => 2001,
            ErrorCode::MissingToken => 2002,
            ErrorCode::PublicKeyRequired => 2003,
            ErrorCode::CardStatusTransition => 3001,
            ErrorCode::CardNotOperable => 3002,
            ErrorCode::NotVirtual => 3003,
            ErrorCode::InsufficientFunds => 4001,
            ErrorCode::WrongPin => 5001,
            ErrorCode::PinLocked => 5002,
            ErrorCode::PinNotSet => 5003,
            ErrorCode::AuthenticationFailed => 5004,
            ErrorCode::Internal => 9000,
        }
    }

    pub fn from_number(n: i64) -> Option<ErrorCode> {
        use ErrorCode::*;
        [
            BadRequest,
            InvalidFields,
            Undecipherable,
            NotFound,
            Duplicate,
            BadCredentials,
            MissingToken,
            PublicKeyRequired,
            CardStatusTransition,
            CardNotOperable,
            NotVirtual,
            InsufficientFunds,
            WrongPin,
            PinLocked,
            PinNotSet,
            AuthenticationFailed,
            Internal,
        ]
        .into_iter()
        .find(|c| c.number() == n)
    }
}

/// Logout's answer: `{}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Empty {}
