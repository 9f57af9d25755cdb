//! Fincore's wire format. Field names and shapes follow the Fincore API 1.0.0 document; where it
//! collapses a sample (`{}`), the shape chosen here is documented on the type. Unknown fields in
//! webhooks are kept in `extra` so that a provider event is never silently truncated.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};
use uuid::Uuid;

/// A value Fincore may send as a string, as the literal string "None", or as JSON null. It
/// serializes back the way it came, so payloads round-trip byte for byte.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Nullable {
    Value(String),
    /// The string "None" (Python's None, rendered by the provider).
    #[default]
    NoneString,
    Null,
}

impl Nullable {
    pub fn as_option(&self) -> Option<&str> {
        match self {
            Nullable::Value(v) => Some(v),
            _ => None,
        }
    }

    pub fn from_option(v: Option<String>) -> Self {
        v.map(Nullable::Value).unwrap_or(Nullable::NoneString)
    }
}

impl Serialize for Nullable {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Nullable::Value(v) => s.serialize_str(v),
            Nullable::NoneString => s.serialize_str("None"),
            Nullable::Null => s.serialize_none(),
        }
    }
}

impl<'de> Deserialize<'de> for Nullable {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(match Option::<String>::deserialize(d)? {
            None => Nullable::Null,
            Some(s) if s == "None" => Nullable::NoneString,
            Some(s) => Nullable::Value(s),
        })
    }
}

/// Problem body the emulator answers with (the document does not show Fincore's error shape).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub code: String,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CredentialTokenRequest {
    pub client_id: String,
    pub client_secret: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CredentialToken {
    pub id: Uuid,
    pub client_id: Uuid,
    pub client_credential_id: Uuid,
    pub token: String,
    pub status: String,
    pub expires_at: String,
    pub created_at: String,
    pub updated_at: String,
    pub deleted_at: Nullable,
}

/// One credential of a client (collapsed in the document; the secret is never returned).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Credential {
    pub id: Uuid,
    pub client_id: Uuid,
    pub status: String,
    pub created_at: String,
    pub updated_at: String,
    pub deleted_at: Nullable,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CredentialList {
    pub data: Vec<Credential>,
}

/// A SPEI participant (collapsed in the document): id, name, Banxico code and CLABE prefix.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Bank {
    pub id: Uuid,
    pub name: String,
    pub code: String,
    pub clabe_prefix: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BanksPage {
    pub total_banks: u64,
    pub page: u64,
    pub page_size: u64,
    pub banks: Vec<Bank>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CreatePrivateAccountRequest {
    pub bank_id: Uuid,
    pub owner_id: Uuid,
    pub client_bank_adapter_id: Uuid,
    pub client_id: Uuid,
    pub account_id: Uuid,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountAudit {
    pub created_at: String,
    pub updated_at: String,
    pub deleted_at: Nullable,
    pub blocked_at: Nullable,
    pub activated_at: Nullable,
    pub suspended_at: Nullable,
}

/// An account; the list endpoint's items have the private-account shape.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Account {
    pub id: Uuid,
    pub bank_id: Uuid,
    pub client_id: Uuid,
    pub client_bank_adapter_id: Uuid,
    pub account_id: Uuid,
    pub instrument_id: Uuid,
    pub owner_id: Uuid,
    pub owner_type: String,
    pub account_number: String,
    pub clabe_number: String,
    pub available_balance: String,
    pub account_type: String,
    pub account_status: String,
    pub audit: AccountAudit,
    pub bank_adapter: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountsPage {
    pub current_page: u64,
    pub per_page: u64,
    pub total_item: u64,
    pub data: Vec<Account>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RecordAudit {
    pub created_at: String,
    pub updated_at: String,
    pub deleted_at: Nullable,
    pub blocked_at: Nullable,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CardInstrumentDetail {
    pub card_number: String,
    pub expiration_date: Nullable,
    pub holder_name: String,
}

/// ClabeInstrumentDetail is named but not shown in the document: CLABE and holder.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClabeInstrumentDetail {
    pub clabe_number: String,
    pub holder_name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum InstrumentDetail {
    Card(CardInstrumentDetail),
    Clabe(ClabeInstrumentDetail),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Instrument {
    pub id: Uuid,
    pub bank_id: Uuid,
    pub client_id: Uuid,
    pub owner_id: Uuid,
    pub alias: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub audit: RecordAudit,
    pub rfc: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub customer_id: Option<Uuid>,
    pub instrument_detail: InstrumentDetail,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InstrumentsPage {
    pub data: Vec<Instrument>,
    pub current_page: u64,
    pub per_page: u64,
    pub total_items: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DebitCardPayload {
    pub destination_bank_id: Uuid,
    pub card_number: String,
    pub holder_name: String,
}

/// The `virtual_clabe` payload is named but not shown in the document: CLABE and holder; the
/// bank is the CLABE's prefix.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VirtualClabePayload {
    pub clabe: String,
    pub holder_name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RegisterInstrumentRequest {
    pub source_bank_id: Uuid,
    pub client_id: Uuid,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub customer_id: Option<Uuid>,
    #[serde(rename = "type")]
    pub kind: String,
    pub rfc: String,
    pub alias: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub debit_card: Option<DebitCardPayload>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub virtual_clabe: Option<VirtualClabePayload>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TransactionRequest {
    pub external_reference: String,
    pub description: String,
    pub amount: String,
    pub currency: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MoneyOutRequest {
    pub client_id: Uuid,
    pub source_instrument_id: Uuid,
    pub destination_instrument_id: Uuid,
    pub transaction_request: TransactionRequest,
}

/// A money-out or refund as Fincore reports it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Transaction {
    pub id: Uuid,
    pub bank_id: Uuid,
    pub client_id: Uuid,
    pub external_reference: String,
    pub tracking_id: String,
    pub description: String,
    pub amount: String,
    pub currency: String,
    pub category: String,
    pub sub_category: String,
    pub transaction_status: String,
    pub audit: RecordAudit,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RefundRequest {
    pub amount: String,
    pub description: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RegisterWebhookRequest {
    pub client_id: String,
    pub url: String,
    pub token: String,
    pub webhook_type: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub auth_type: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Webhook {
    pub id: String,
    pub client_id: String,
    pub url: String,
    pub token: String,
    pub webhook_type: String,
    pub webhook_status: String,
    pub created_at: String,
    pub updated_at: String,
    pub deleted_at: Nullable,
    pub blocked_at: Nullable,
    pub deleted_by: Nullable,
    pub blocked_by: Nullable,
}

/// The envelope of every Fincore webhook. `body` stays raw JSON until the type is known.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WebhookEnvelope {
    pub id_msg: String,
    pub msg_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub msg_date: Option<String>,
    #[serde(default)]
    pub body: Value,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// MONEY_IN body. Every field is optional: a provider's fact about money is accepted as sent.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct MoneyInBody {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub beneficiary_account: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub beneficiary_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub beneficiary_rfc: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payer_account: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payer_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payer_rfc: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payer_institution: Option<String>,
    /// Lenient: a JSON number is accepted here too (the exact text is read from the raw bytes
    /// by [`crate::normalize::exact_amount`]), so the rest of the event still parses.
    #[serde(
        default,
        deserialize_with = "lenient_text",
        skip_serializing_if = "Option::is_none"
    )]
    pub amount: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transaction_date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tracking_key: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_concept: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub numeric_reference: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_category: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registered_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner_id: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// STATUS_UPDATE body.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct StatusUpdateBody {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tracking_key: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason_description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub update_at: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// CEP body (penny validation).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct CepBody {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tracking_key: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub beneficiary_account: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub beneficiary_name: Option<String>,
    #[serde(default)]
    pub beneficiary_rfc: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(default)]
    pub processed_at: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Request body of the emulator's sandbox-only simulated SPEI credit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SimulateMoneyInRequest {
    pub client_id: Uuid,
    pub amount: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub beneficiary_account: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payer_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payer_account: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_concept: Option<String>,
}

/// Any scalar as text (a number's or a boolean's JSON form), null as None: a provider's odd type
/// must not make the rest of its event unreadable.
fn lenient_text<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Null => None,
        Value::String(s) => Some(s),
        other => Some(other.to_string()),
    })
}
