//! Login and the client (program) endpoints: `POST /auth/login`, `DELETE /auth/logout`,
//! `GET|POST /clients`, `POST /clients/fund`, `GET|POST /clients/api_key/public_key`.

use super::{Amount, NumOrText, Sensitive};
use serde::{Deserialize, Serialize};

/// `POST /auth/login` body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoginRequest {
    pub api_client: ApiCredentials,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApiCredentials {
    pub api_key: String,
    pub password: Sensitive,
}

/// `POST /auth/login` answer; the token itself is in the `Authorization` response header.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoginResponse {
    pub status: LoginStatus,
    pub data: LoginData,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoginStatus {
    pub code: u16,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoginData {
    pub client: ClientProfile,
}

/// A client (card program) as login and `GET /clients` show it. Login writes `timezone`,
/// `entity_code` and timestamps; `GET /clients` writes `time_zone`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClientProfile {
    pub id: String,
    pub name: String,
    pub alias: String,
    pub code: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entity_code: Option<String>,
    pub email: String,
    /// Money the program can still disburse to cards.
    pub available: Amount,
    /// The collection balance: what withdrawals and purchases took from cards.
    pub balance: Amount,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<String>,
    pub status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<String>,
}

/// `GET /clients` data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClientData {
    pub client: ClientProfile,
}

/// `POST /clients` body: a subclient, funded from the caller's `available`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CreateClientRequest {
    pub name: String,
    pub alias: String,
    pub email: String,
    pub available: Amount,
    pub phone: String,
    pub mobile_phone: String,
    pub rfc: String,
    pub street: String,
    pub ext_street_number: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub int_street_number: Option<String>,
    pub suburb: String,
    pub township: String,
    pub city: String,
    pub state: String,
    pub postal_code: String,
    pub contact_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_second_name: Option<String>,
    pub contact_surname: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_second_surname: Option<String>,
    pub contact_email: String,
    /// Documented as a 2-3 digit string, sent as a number in the example.
    pub contact_telephone_country_code: NumOrText,
    pub contact_telephone: String,
    pub contact_mobile_phone_country_code: NumOrText,
    pub contact_mobile_phone: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legal_representative_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legal_representative_second_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legal_representative_surname: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legal_representative_second_surname: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legal_representative_email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legal_representative_telephone_country_code: Option<NumOrText>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legal_representative_telephone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legal_representative_mobile_phone_country_code: Option<NumOrText>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legal_representative_mobile_phone: Option<String>,
    /// The subclient's login `api_key`.
    pub api_key_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_key_description: Option<String>,
    pub api_key_password: Sensitive,
}

/// `POST /clients` data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SubclientData {
    pub subclient: Subclient,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Subclient {
    pub id: String,
    pub code: String,
    pub name: String,
    pub available: Amount,
    pub rfc: String,
    pub api_client: ApiClientInfo,
}

/// The subclient's api key. The seed's example has an empty `id` and a uuid in `name`; the
/// emulator writes the key's id in `id` and `api_key_name` in `name`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApiClientInfo {
    pub id: String,
    pub name: String,
    pub alias: String,
    pub description: String,
}

/// `POST /clients/fund` body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FundRequest {
    pub client_id: String,
    pub amount: Amount,
}

/// `POST /clients/fund` data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FundData {
    pub client: FundedClient,
    pub subclient: FundedClient,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FundedClient {
    pub id: String,
    pub code: String,
    pub name: String,
    pub available: Amount,
    pub rfc: String,
}

/// `POST /clients/api_key/public_key` body: an SPKI PEM (`-----BEGIN PUBLIC KEY-----`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AddPublicKeyRequest {
    pub public_key: String,
}

/// `GET|POST /clients/api_key/public_key` data. GET adds NeCIPCo's own key (`system`) and
/// `sensitive_data`, which the emulator fills with a known text ([`SENSITIVE_DATA_PROBE`])
/// ciphered with the registered key, so a client can check its key pair end to end.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PublicKeyData {
    pub client: ClientBrief,
    pub api_key: ApiKeyInfo,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system: Option<SystemKey>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sensitive_data: Option<Sensitive>,
}

/// What the emulator ciphers into `sensitive_data`.
pub const SENSITIVE_DATA_PROBE: &str = "NeCIPCo";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClientBrief {
    pub id: String,
    pub name: String,
    pub alias: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApiKeyInfo {
    pub id: String,
    pub alias: String,
    /// Absent until a key is registered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_key: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SystemKey {
    pub public_key: String,
}
