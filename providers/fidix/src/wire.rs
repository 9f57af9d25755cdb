//! Fidi X's wire types: every schema the seed lists (`../shared/seeds/003_…`). The seed shows
//! only `POST /fidix/v1/transactions` in full; the rest follow its conventions: snake_case
//! JSON, UUID ids, amounts as decimal strings, `DEBIT`/`CREDIT` in capitals, RFC 3339 times,
//! `metadata` a free JSON object. Choices the seed leaves open are noted on each type.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// Every error body. `code` is stable and machine-readable; `details` names fields.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ErrorResponse {
    pub code: String,
    pub message: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub details: Vec<ErrorDetail>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ErrorDetail {
    pub field: String,
    pub reason: String,
}

/// `POST /fidix/v1/auth/token` body: client credentials (the seed's "Obtener Token de Acceso").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AuthRequest {
    pub client_id: String,
    pub client_secret: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AuthResponse {
    pub access_token: String,
    /// Always "Bearer".
    pub token_type: String,
    /// Seconds until the token expires.
    pub expires_in: i64,
}

/// `POST /fidix/v1/accounts`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CreateAccountRequest {
    /// Optional, chosen by the caller: creating the same id again is refused, so a retried
    /// create cannot make two accounts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<Uuid>,
    pub ledger_id: Uuid,
    pub name: String,
    /// ISO 4217: MXN, USD, CLP, COP, GTQ, HNL.
    pub currency: String,
    /// DEBIT or CREDIT: which direction increases the balance.
    pub normal_balance: String,
    /// How far below zero the balance may go, a decimal string; "0" (the default) allows no
    /// overdraft.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overdraft_limit: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub person_id: Option<Uuid>,
    #[serde(default = "empty_object")]
    pub metadata: serde_json::Value,
}

fn empty_object() -> serde_json::Value {
    serde_json::json!({})
}

/// An account as created.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AccountResponse {
    pub id: Uuid,
    pub ledger_id: Uuid,
    pub name: Option<String>,
    pub currency: String,
    pub normal_balance: String,
    pub overdraft_limit: String,
    pub person_id: Option<Uuid>,
    pub metadata: serde_json::Value,
    pub created_at: String,
}

/// `GET /fidix/v1/accounts/{account_id}`: the account with its balance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AccountDetailResponse {
    #[serde(flatten)]
    pub account: AccountResponse,
    pub balance: BalanceResponse,
}

/// `GET /fidix/v1/accounts/{account_id}/balance`. Amounts are in the account's normal
/// direction: `posted` settled, `pending` held by pending transactions, `available` = posted −
/// pending.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct BalanceResponse {
    pub account_id: Uuid,
    pub currency: String,
    pub posted: String,
    pub pending: String,
    pub available: String,
}

/// `POST /fidix/v1/persons`: the owner of accounts (an individual or a company).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CreatePersonRequest {
    pub ledger_id: Uuid,
    /// INDIVIDUAL or COMPANY.
    #[serde(rename = "type")]
    pub person_type: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// RFC (Mexico) or the country's tax id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tax_id: Option<String>,
    #[serde(default = "empty_object")]
    pub metadata: serde_json::Value,
}

/// A person.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PersonResponse {
    pub id: Uuid,
    pub ledger_id: Uuid,
    #[serde(rename = "type")]
    pub person_type: String,
    pub name: String,
    pub email: Option<String>,
    pub tax_id: Option<String>,
    pub metadata: serde_json::Value,
    pub created_at: String,
}

/// A single person in a `data` envelope (create and get by id).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PersonDataResponse {
    pub data: PersonResponse,
}

/// `GET /fidix/v1/persons?ledger_id=…&page=…&per_page=…`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PersonListResponse {
    pub data: Vec<PersonResponse>,
    pub page: u64,
    pub per_page: u64,
    pub total: u64,
}

/// One leg of a transaction.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct TransactionOperation {
    pub account_id: Uuid,
    /// DEBIT or CREDIT.
    pub direction: String,
    pub amount: String,
}

/// `POST /fidix/v1/transactions`, exactly the seed's example shape. Fidi X has no holds: every
/// transaction is posted at once (Flux's own books use the engine's holds directly).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CreateTransactionRequest {
    pub ledger_id: Uuid,
    pub reference_id: String,
    pub currency: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub operations: Vec<TransactionOperation>,
    #[serde(default = "empty_object")]
    pub metadata: serde_json::Value,
}

/// `id` is an opaque string: the seed's own example id ("7c3d4e5f-6a89-0123-4567-890abcdef0123")
/// has 13 hex digits in its last group, so it is not a UUID and a client must not insist on one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct TransactionResponse {
    pub id: String,
    pub ledger_id: Uuid,
    pub reference_id: String,
    pub currency: String,
    pub description: Option<String>,
    /// "completed" for a transaction posted in one step (the seed's only status).
    pub status: String,
    pub operations: Vec<TransactionOperation>,
    pub metadata: serde_json::Value,
    pub created_at: String,
    pub updated_at: String,
}
