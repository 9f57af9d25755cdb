//! Félix's wire format, as the Félix Integrations API 2.0.0 document shows it. Field names are
//! the seed's. Where the seed is loose the types are tolerant and say so:
//! - amounts and the CLABE are JSON numbers, read from their text ([`exact`]);
//! - `TransactionResponse` marks no field as required and its examples omit many, so every
//!   field is optional; `currency` is typed number but sent as "USD" ([`Currency`] reads both);
//! - timestamps are kept as text: the seed writes both `2021-10-01T12:00:00Z` and the naive
//!   `2024-01-02T00:05:00` ([`parse_time`] reads either, naive as UTC);
//! - unknown members are kept in `extra` (see `wire/lossless.rs` for why some structs do it without
//!   `#[serde(flatten)]` on the way in). A member sent as `null` where the type has an `Option`
//!   reads as absent and is written back absent.
//!
//! Errors are FastAPI's (the seed lists 422 without a body; Félix is a FastAPI service):
//! `{"detail": [{"type", "loc", "msg", "input", "ctx"}]}` for validation, `{"detail": "…"}`
//! otherwise ([`ErrorBody`]).

pub mod exact;
mod kinds;
pub(crate) mod lossless;

pub use exact::{AccountNumber, Amount, Clabe};
pub use kinds::{
    AccountIdentifierKind, AccountIdentifierType, AccountType, ApiVersion, Currency,
    TransactionStatus,
};

use lossless::lossless_struct;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// Headers Félix adds to each callback it sends (registered with the callback URL).
pub type CallbackHeaders = BTreeMap<String, String>;

fn masked(s: &str) -> &'static str {
    if s.is_empty() {
        ""
    } else {
        "***"
    }
}

/// `POST /api/v1/signup`.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct SignupRequest {
    pub email: String,
    /// At least 8 characters.
    pub password: String,
    pub name: String,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl std::fmt::Debug for SignupRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignupRequest")
            .field("email", &self.email)
            .field("password", &masked(&self.password))
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

/// `POST /api/v1/signin`.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct SigninRequest {
    pub email: String,
    pub password: String,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl std::fmt::Debug for SigninRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigninRequest")
            .field("email", &self.email)
            .field("password", &masked(&self.password))
            .finish_non_exhaustive()
    }
}

/// The answer to signup and signin: a JWT (`id_token`) valid for `expires_in` seconds. The seed
/// documents no refresh endpoint, so `refresh_token` is kept but unused: the connector signs
/// in again.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct AuthTokens {
    pub id_token: String,
    pub refresh_token: String,
    pub expires_in: u64,
    pub id: String,
    pub email: String,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl std::fmt::Debug for AuthTokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthTokens")
            .field("id_token", &masked(&self.id_token))
            .field("refresh_token", &masked(&self.refresh_token))
            .field("expires_in", &self.expires_in)
            .field("id", &self.id)
            .field("email", &self.email)
            .finish_non_exhaustive()
    }
}

/// Header values may be credentials for the callback receiver: Debug shows only the names.
struct HeaderNames<'a>(&'a Option<CallbackHeaders>);

impl std::fmt::Debug for HeaderNames<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            None => f.write_str("None"),
            Some(h) => f.debug_map().entries(h.keys().map(|k| (k, "***"))).finish(),
        }
    }
}

/// `GET /api/v1/providers/me`: the signed-in provider account.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct ProviderMe {
    pub id: String,
    pub name: String,
    pub email: String,
    #[serde(default)]
    pub callback_url: Option<String>,
    #[serde(default)]
    pub headers: Option<CallbackHeaders>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl std::fmt::Debug for ProviderMe {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProviderMe")
            .field("id", &self.id)
            .field("name", &self.name)
            .field("email", &self.email)
            .field("callback_url", &self.callback_url)
            .field("headers", &HeaderNames(&self.headers))
            .finish_non_exhaustive()
    }
}

/// `POST /api/v1/providers/callback`: where Félix sends callbacks, and the headers it adds to
/// each (for instance a token the receiver checks). Answered with JSON `null`.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct RegisterCallbackRequest {
    /// 1 to 2083 characters.
    pub url: String,
    #[serde(default)]
    pub headers: Option<CallbackHeaders>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl std::fmt::Debug for RegisterCallbackRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RegisterCallbackRequest")
            .field("url", &self.url)
            .field("headers", &HeaderNames(&self.headers))
            .finish_non_exhaustive()
    }
}

lossless_struct! {
    /// `V2 Create Transaction Request`, the body of `POST /api/v1/transactions` with
    /// `X-Felix-API-Version: v2` (the default). The seed's example sends
    /// `account_identifier_number` as a JSON number and `account_identifier_type` as "CLABE".
    /// `amount` may be absent or 0: the FAQ says Félix then asks the sender for it.
    #[derive(Debug, Clone, PartialEq)]
    pub struct CreateTransactionV2 {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub amount: Option<Amount>,
        pub currency: Currency,
        pub beneficiary_name: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub beneficiary_middle_name: Option<String>,
        pub beneficiary_lastname: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub beneficiary_second_lastname: Option<String>,
        /// `^\w{2}$` (ISO 3166-1 alpha-2).
        pub country: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub city: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub state: Option<String>,
        pub external_transaction_id: String,
        pub account_identifier_type: AccountIdentifierType,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub bank_code: Option<String>,
        pub account_identifier_number: AccountNumber,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub account_type: Option<AccountType>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub beneficiary_identifier: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub beneficiary_identifier_type: Option<String>,
    }
}

lossless_struct! {
    /// The v1 create body (`X-Felix-API-Version: v1`). The seed names v1 but does not show its
    /// body; this is Flux's reading: the older CLABE-only shape whose names the response sample
    /// still uses (`name`, `lastname`, `clabe`). See [`ApiVersion`].
    #[derive(Debug, Clone, PartialEq)]
    pub struct CreateTransactionV1 {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub amount: Option<Amount>,
        pub currency: Currency,
        pub external_transaction_id: String,
        pub name: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub middle_name: Option<String>,
        pub lastname: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub second_lastname: Option<String>,
        /// The destination CLABE, a number or a string.
        pub clabe: AccountNumber,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub bank_code: Option<String>,
        pub country: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub city: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub state: Option<String>,
    }
}

/// A create request in either version; the version decides the `X-Felix-API-Version` header.
#[derive(Debug, Clone, PartialEq)]
pub enum CreateTransaction {
    V1(CreateTransactionV1),
    V2(CreateTransactionV2),
}

impl CreateTransaction {
    pub fn version(&self) -> ApiVersion {
        match self {
            CreateTransaction::V1(_) => ApiVersion::V1,
            CreateTransaction::V2(_) => ApiVersion::V2,
        }
    }

    pub fn external_transaction_id(&self) -> &str {
        match self {
            CreateTransaction::V1(b) => &b.external_transaction_id,
            CreateTransaction::V2(b) => &b.external_transaction_id,
        }
    }
}

impl Serialize for CreateTransaction {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            CreateTransaction::V1(b) => b.serialize(s),
            CreateTransaction::V2(b) => b.serialize(s),
        }
    }
}

lossless_struct! {
    /// `TransactionResponse`: what get, create, search and callbacks return. The schema marks
    /// nothing required and the examples omit much, so every member is optional. `clabe` is not
    /// in the schema but in every response sample (as a number; [`Clabe`] restores it).
    #[derive(Debug, Clone, PartialEq, Default)]
    pub struct TransactionResponse {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub provider_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub sender_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub external_transaction_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub name: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub middle_name: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub lastname: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub second_lastname: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub country: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub city: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub state: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub clabe: Option<Clabe>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub account_identifier_type: Option<AccountIdentifierType>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub bank_code: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub account_identifier_number: Option<AccountNumber>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub account_type: Option<AccountType>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub beneficiary_identifier: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub beneficiary_identifier_type: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub amount: Option<Amount>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub currency: Option<Currency>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub status: Option<TransactionStatus>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub created_at: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub updated_at: Option<String>,
        /// Free-form; numbers in it go through `f64` (Félix documents no money there).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub metafields: Option<Map<String, Value>>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub url: Option<String>,
    }
}

impl TransactionResponse {
    /// The destination CLABE, 18 digits: `clabe`, else a CLABE-typed account identifier.
    pub fn destination_clabe(&self) -> Option<String> {
        if let Some(c) = &self.clabe {
            return Some(c.as_str().to_string());
        }
        let is_clabe = self
            .account_identifier_type
            .as_ref()
            .is_some_and(|t| t.kind() == AccountIdentifierKind::Clabe);
        self.account_identifier_number
            .as_ref()
            .filter(|_| is_clabe)
            .and_then(|n| n.as_clabe())
    }
}

/// `NotificationDelta`: one status change not yet delivered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NotificationDelta {
    pub old_status: TransactionStatus,
    pub new_status: TransactionStatus,
    #[serde(default)]
    pub updated_at: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

lossless_struct! {
    /// `Notification`: one transaction (as it is now) and its undelivered changes, in order.
    /// Also the body of `POST /api/v1/notification`.
    #[derive(Debug, Clone, PartialEq)]
    pub struct Notification {
        pub transaction: TransactionResponse,
        pub deltas: Vec<NotificationDelta>,
    }
}

lossless_struct! {
    /// `NotificationsContainer`: the body of every callback Félix sends.
    #[derive(Debug, Clone, PartialEq)]
    pub struct NotificationsContainer {
        pub provider_id: String,
        pub callback_url: String,
        pub notifications: Vec<Notification>,
    }
}

/// Answer of the notification and notification-retry endpoints.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueuedResponse {
    /// "QUEUED" in the seed.
    pub status: String,
    pub message: String,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `SearchTransactionFilters`. The seed collapses it (`{}`) and says only that clients can
/// "query transactions with specific statuses". Flux's reading: every filter is optional and
/// they combine with AND; `status` matches any of the listed statuses; `created_from` is
/// inclusive and `created_to` exclusive (RFC 3339).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct SearchTransactionFilters {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<Vec<TransactionStatus>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_transaction_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<Currency>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_from: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_to: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `POST /api/v1/transactions/search`. `limit` 1–100 (default 10), `offset` ≥ 0 (default 0),
/// `order_by` default `created_at`. Flux's reading of `order_by` (the seed lists no values):
/// `created_at`, `updated_at`, `amount`, `status` or `external_transaction_id`, ascending, or
/// descending with a leading `-`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchRequest {
    #[serde(default)]
    pub filters: Option<SearchTransactionFilters>,
    /// Signed so that an out-of-range value reaches validation (422) instead of a parse error.
    #[serde(default = "default_limit")]
    pub limit: i64,
    #[serde(default)]
    pub offset: i64,
    #[serde(default = "default_order_by")]
    pub order_by: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

fn default_limit() -> i64 {
    10
}

fn default_order_by() -> Option<String> {
    Some("created_at".into())
}

impl Default for SearchRequest {
    fn default() -> Self {
        SearchRequest {
            filters: None,
            limit: default_limit(),
            offset: 0,
            order_by: default_order_by(),
            extra: Map::new(),
        }
    }
}

/// One entry of a FastAPI validation error.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ValidationError {
    /// Where: `["body", "currency"]`, `["header", "X-Felix-API-Version"]`; indices are numbers.
    pub loc: Vec<Value>,
    pub msg: String,
    #[serde(rename = "type")]
    pub kind: String,
    /// `input`, `ctx`, `url` (Pydantic v2) and anything else, kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl ValidationError {
    /// The location without its first element ("body", "query", …), dot-joined.
    pub fn field(&self) -> String {
        self.loc
            .iter()
            .skip(1)
            .map(|v| match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect::<Vec<_>>()
            .join(".")
    }
}

/// The `detail` member of an error: a list for validation (422), a message otherwise.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ErrorDetail {
    Validation(Vec<ValidationError>),
    Message(String),
    Other(Value),
}

/// Félix's error body (FastAPI): `{"detail": …}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub detail: ErrorDetail,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Reads a Félix timestamp: RFC 3339, or naive (`2024-01-02T00:05:00`, read as UTC).
pub fn parse_time(text: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(text) {
        return Some(t.with_timezone(&chrono::Utc));
    }
    chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f")
        .ok()
        .map(|n| n.and_utc())
}
