//! What partners see of cards and cardholders, and the shared pieces of their input: the end
//! user's location that every state-changing NeCIPCo call carries, and the card lifecycle as
//! a typed set of actions with their legal starting statuses.

#[allow(unused_imports)] // named by `#[schema(value_type = …)]`
use crate::wire::CardType;
use crate::wire::{CardStatus, Coordinate, COORDINATE_SCALE};
use flux_gateway::error::ApiError;
use flux_gateway::model::Pagination;
use flux_gateway::validate::Fields;
use flux_store::{CardRecord, CardholderRecord};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;
use uuid::Uuid;

/// The end user's location, as NeCIPCo requires on every state-changing call.
#[derive(Debug, Clone, Copy)]
pub struct Location {
    pub latitude: Coordinate,
    pub longitude: Coordinate,
}

/// Reads `latitude` and `longitude`: decimal strings with exactly five decimals (NeCIPCo's
/// `DD.ddddd`), within ±90 and ±180. A JSON number is refused, as for amounts: a float may
/// not carry the digits that were meant.
pub fn location(f: &mut Fields<'_>) -> Option<Location> {
    let latitude = coordinate(f, "latitude", 90);
    let longitude = coordinate(f, "longitude", 180);
    Some(Location {
        latitude: latitude?,
        longitude: longitude?,
    })
}

/// Reads a card-money `amount` (a decimal string, at most 2 decimals, greater than zero) and
/// the optional `currency`, which must be MXN: what fundings, returns and top-ups share.
pub fn mxn_amount(f: &mut Fields<'_>, obj: &serde_json::Map<String, Value>) -> Option<String> {
    let currency = match obj.get("currency") {
        None => Some(flux_core::Currency::MXN),
        Some(_) => f.currency("currency"),
    };
    if currency.is_some_and(|c| c != flux_core::Currency::MXN) {
        f.fail("currency", "card money is in MXN");
    }
    f.amount("amount", Some(flux_core::Currency::MXN))
        .map(|a| a.to_wire())
}

fn coordinate(f: &mut Fields<'_>, field: &'static str, limit: i64) -> Option<Coordinate> {
    let text = f.string(field, 1, 12)?;
    let decimals = text.split_once('.').map(|(_, d)| d.len());
    let parsed = Coordinate::parse(&text).ok();
    match parsed {
        Some(c)
            if decimals == Some(COORDINATE_SCALE as usize)
                && c.0.abs() <= rust_decimal::Decimal::from(limit) =>
        {
            Some(c)
        }
        _ => {
            f.fail(
                field,
                format!(
                    "must be a decimal string with exactly 5 decimals, from -{limit} to {limit} (e.g. \"19.43260\")"
                ),
            );
            None
        }
    }
}

/// A lifecycle action a partner asks for, and where it takes a card.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Activate,
    Freeze,
    Unfreeze,
    ReportLost,
    ReportStolen,
    Close,
}

impl Action {
    pub fn as_str(&self) -> &'static str {
        match self {
            Action::Activate => "activate",
            Action::Freeze => "freeze",
            Action::Unfreeze => "unfreeze",
            Action::ReportLost => "report lost",
            Action::ReportStolen => "report stolen",
            Action::Close => "close",
        }
    }

    pub fn target(&self) -> CardStatus {
        match self {
            Action::Activate | Action::Unfreeze => CardStatus::Active,
            Action::Freeze => CardStatus::TemporaryInactive,
            Action::ReportLost => CardStatus::Lost,
            Action::ReportStolen => CardStatus::Stolen,
            Action::Close => CardStatus::Canceled,
        }
    }

    /// Whether a card in `from` may take this action. Activation is its own NeCIPCo call and
    /// only for a card that needs it; unfreeze undoes the cardholder's own freeze only (an
    /// issuer's PREVENTIVE_BLOCK is lifted by the issuer); the rest follow NeCIPCo's status
    /// transitions.
    pub fn allowed_from(&self, from: CardStatus) -> bool {
        match self {
            Action::Activate => from == CardStatus::NeedActivation,
            Action::Freeze => from == CardStatus::Active,
            Action::Unfreeze => from == CardStatus::TemporaryInactive,
            _ => from.can_change_to(self.target()),
        }
    }
}

/// RFC 3339 timestamps, decimal strings: the schema pieces answers share.
pub mod schema {
    use utoipa::openapi::schema::{Object, ObjectBuilder, Type};

    /// A signed decimal string (a balance may be zero or below), never a JSON number.
    pub const DECIMAL_PATTERN: &str = r"^-?[0-9]+(\.[0-9]+)?$";

    fn string() -> ObjectBuilder {
        ObjectBuilder::new().schema_type(Type::String)
    }

    pub fn decimal() -> Object {
        string()
            .pattern(Some(DECIMAL_PATTERN))
            .description(Some(
                "Decimal string such as \"100.00\" (never a JSON number); may be zero or negative",
            ))
            .build()
    }

    /// One fixed value.
    fn constant(value: &'static str) -> Object {
        string().enum_values(Some([value])).build()
    }

    pub fn spki_pem() -> Object {
        constant("SPKI PEM")
    }

    pub fn sha256() -> Object {
        constant("SHA-256")
    }

    pub fn base64() -> Object {
        constant("base64")
    }
}

/// A card as partners see it: never the number, only the masked one and its last four.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Card {
    pub id: Uuid,
    pub cardholder_id: Uuid,
    #[serde(rename = "type")]
    #[schema(value_type = CardType)]
    pub card_type: String,
    #[schema(value_type = CardStatus)]
    pub status: String,
    /// `************1234`: the card number is never shown.
    pub masked_number: String,
    /// The card number's last four digits.
    pub last4: String,
    /// `MM/YY`; null when NeCIPCo gave none.
    pub expiry: Option<String>,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
}

impl From<&CardRecord> for Card {
    fn from(c: &CardRecord) -> Self {
        Card {
            id: c.id,
            cardholder_id: c.cardholder_id,
            card_type: c.card_type.clone(),
            status: c.status.clone(),
            masked_number: c.masked.clone(),
            last4: c.last4.clone(),
            expiry: c.expiry.clone(),
            created_at: flux_core::time::to_rfc3339(c.created_at),
            updated_at: flux_core::time::to_rfc3339(c.updated_at),
        }
    }
}

/// A card as a notification's data carries it (the same shape as the API's).
pub fn card(c: &CardRecord) -> Value {
    serde_json::to_value(Card::from(c)).unwrap_or(Value::Null)
}

/// A cardholder's address, as given at creation.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct CardholderAddress {
    pub street: String,
    pub ext_street_number: String,
    pub int_street_number: Option<String>,
    pub suburb: String,
    pub township: Option<String>,
    pub city: String,
    /// A value of NeCIPCo's states catalog.
    pub state: String,
    pub postal_code: String,
}

/// What Flux keeps of a cardholder: the identity as given. Stored as this JSON, so the stored
/// row and the answer have one definition.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct CardholderProfile {
    pub first_name: String,
    pub second_name: String,
    pub surname: String,
    pub second_surname: String,
    pub rfc: String,
    pub curp: String,
    pub email: String,
    pub primary_phone: String,
    pub mobile_phone: String,
    pub address: CardholderAddress,
    /// YYYY-MM-DD.
    pub birthdate: String,
    pub gender: String,
    pub marital_status: String,
    pub has_kids: bool,
    #[schema(schema_with = schema::decimal)]
    pub gross_monthly_income: Option<String>,
    #[schema(schema_with = schema::decimal)]
    pub net_monthly_income: Option<String>,
    pub observations: Option<String>,
    pub external_id: Option<String>,
}

/// A cardholder as partners see it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Cardholder {
    pub id: Uuid,
    #[serde(flatten)]
    pub profile: CardholderProfile,
    #[schema(format = DateTime)]
    pub created_at: String,
}

impl Cardholder {
    /// A stored profile that no longer reads (it cannot: Flux writes it from
    /// [`CardholderProfile`]) is a 500, never a guessed answer.
    pub fn of(h: &CardholderRecord) -> Result<Self, ApiError> {
        // A row stored before every field was kept lacks some: they read as empty, as then.
        let mut full = serde_json::to_value(CardholderProfile::default()).unwrap_or_default();
        if let (Some(full), Some(stored)) = (full.as_object_mut(), h.profile.as_object()) {
            full.extend(stored.iter().map(|(k, v)| (k.clone(), v.clone())));
        }
        let profile = serde_json::from_value(full).map_err(|e| {
            tracing::error!(cardholder_id = %h.id, error = %e, "unreadable cardholder profile");
            ApiError::internal()
        })?;
        Ok(Cardholder {
            id: h.id,
            profile,
            created_at: flux_core::time::to_rfc3339(h.created_at),
        })
    }
}

/// Which way card money moved.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CardTransferDirection {
    /// Card program → card.
    Fund,
    /// Card → the client's program (its collection balance).
    Return,
}

#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CardTransferStatus {
    Pending,
    Completed,
    Failed,
}

/// Why a card transfer failed.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CardTransferFailure {
    pub code: String,
    pub message: Option<String>,
}

/// A funding or return of card money as partners see it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CardTransfer {
    pub id: Uuid,
    pub client_id: Uuid,
    pub card_id: Uuid,
    pub direction: CardTransferDirection,
    #[schema(schema_with = flux_gateway::validate::schema::amount)]
    pub amount: String,
    #[schema(schema_with = flux_gateway::validate::schema::mxn)]
    pub currency: String,
    pub status: CardTransferStatus,
    pub provider_operation_id: Option<String>,
    pub authorization_code: Option<String>,
    /// Set when FAILED.
    pub failure: Option<CardTransferFailure>,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
}

impl From<&flux_store::CardTransfer> for CardTransfer {
    fn from(t: &flux_store::CardTransfer) -> Self {
        use flux_store::{TransferDirection, TransferStatus};
        CardTransfer {
            id: t.id,
            client_id: t.client_id,
            card_id: t.card_id,
            direction: match t.direction {
                TransferDirection::Fund => CardTransferDirection::Fund,
                TransferDirection::Return => CardTransferDirection::Return,
            },
            amount: t.amount.clone(),
            currency: t.currency.clone(),
            status: match t.status {
                TransferStatus::Pending => CardTransferStatus::Pending,
                TransferStatus::Completed => CardTransferStatus::Completed,
                TransferStatus::Failed => CardTransferStatus::Failed,
            },
            provider_operation_id: t.provider_operation_id.clone(),
            authorization_code: t.authorization_code.clone(),
            failure: t.failure_code.as_ref().map(|code| CardTransferFailure {
                code: code.clone(),
                message: t.failure_message.clone(),
            }),
            created_at: flux_core::time::to_rfc3339(t.created_at),
            updated_at: flux_core::time::to_rfc3339(t.updated_at),
        }
    }
}

/// Where a card-program top-up stands.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TopUpStatus {
    /// The SPEI payment to the program's funding CLABE is on its way.
    Sending,
    /// The payment arrived; the program credit at NeCIPCo is being ordered.
    Funding,
    Completed,
    Failed,
    /// The program credit's outcome could not be decided: an operator looks.
    NeedsReview,
}

/// A card-program top-up as partners see it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TopUp {
    pub id: Uuid,
    pub client_id: Uuid,
    #[schema(schema_with = flux_gateway::validate::schema::amount)]
    pub amount: String,
    #[schema(schema_with = flux_gateway::validate::schema::mxn)]
    pub currency: String,
    pub status: TopUpStatus,
    /// The Flux transaction (a money-out) carrying the money.
    pub payment_transaction_id: Uuid,
    /// Why it failed, or why it waits.
    pub note: Option<String>,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
}

impl From<&flux_store::TopUp> for TopUp {
    fn from(t: &flux_store::TopUp) -> Self {
        use flux_store::TopUpStatus as S;
        TopUp {
            id: t.id,
            client_id: t.client_id,
            amount: t.amount.clone(),
            currency: "MXN".into(),
            status: match t.status {
                S::Sending => TopUpStatus::Sending,
                S::Funding => TopUpStatus::Funding,
                S::Completed => TopUpStatus::Completed,
                S::Failed => TopUpStatus::Failed,
                S::NeedsReview => TopUpStatus::NeedsReview,
            },
            payment_transaction_id: t.payment_id,
            note: t.note.clone(),
            created_at: flux_core::time::to_rfc3339(t.created_at),
            updated_at: flux_core::time::to_rfc3339(t.updated_at),
        }
    }
}

/// A card's available balance at NeCIPCo.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CardBalance {
    pub card_id: Uuid,
    #[schema(schema_with = schema::decimal)]
    pub available: String,
    #[schema(schema_with = flux_gateway::validate::schema::mxn)]
    pub currency: String,
}

/// A card movement as partners see it (NeCIPCo's codes and texts passed on).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CardMovement {
    pub id: String,
    /// `YYYY-MM-DD HH:MM:SS`, Mexico City time.
    pub date: String,
    /// NeCIPCo's movement type.
    #[serde(rename = "type")]
    pub kind: String,
    pub description: String,
    pub merchant: String,
    #[schema(schema_with = schema::decimal)]
    pub amount: String,
    pub currency: String,
    pub status: String,
    pub authorization: String,
}

/// One page of a card's movements over `from`..`to` (inclusive), newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct CardMovementPage {
    pub data: Vec<CardMovement>,
    /// YYYY-MM-DD.
    #[schema(format = Date)]
    pub from: String,
    /// YYYY-MM-DD.
    #[schema(format = Date)]
    pub to: String,
    pub pagination: Pagination,
}

/// Money in Flux's books for a card program.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProgramBalance {
    #[schema(schema_with = schema::decimal)]
    pub posted: String,
    /// Posted minus fundings in flight.
    #[schema(schema_with = schema::decimal)]
    pub available: String,
}

/// The program as NeCIPCo reports it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProgramAtProvider {
    #[schema(schema_with = necipco_name)]
    pub name: String,
    #[schema(schema_with = schema::decimal)]
    pub available: String,
    #[schema(schema_with = schema::decimal)]
    pub collection: String,
}

fn necipco_name() -> utoipa::openapi::schema::Object {
    utoipa::openapi::schema::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .enum_values(Some([super::NAME]))
        .build()
}

/// A client's card program: what it can fund cards with and what card money came back, in
/// Flux's books and at NeCIPCo.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CardProgram {
    pub client_id: Uuid,
    #[schema(schema_with = flux_gateway::validate::schema::mxn)]
    pub currency: String,
    pub program: ProgramBalance,
    /// Card money returned to the program.
    #[schema(schema_with = schema::decimal)]
    pub collection: String,
    pub provider: ProgramAtProvider,
}

/// The padding partners cipher with, by its WebCrypto / JOSE name.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
pub enum PinAlgorithm {
    #[serde(rename = "RSA-OAEP-256")]
    RsaOaep256,
    #[serde(rename = "RSA-OAEP")]
    RsaOaep,
    #[serde(rename = "RSA1_5")]
    Rsa15,
}

/// NeCIPCo's public key, with which partners cipher PINs and plastics' numbers.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PinEncryptionKey {
    pub public_key: String,
    #[schema(schema_with = schema::spki_pem)]
    pub format: &'static str,
    pub algorithm: PinAlgorithm,
    #[schema(schema_with = schema::sha256)]
    pub hash: &'static str,
    #[schema(schema_with = schema::base64)]
    pub encoding: &'static str,
    pub usage: &'static str,
}

/// What a PIN call did.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PinOutcome {
    Set,
    Changed,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PinResult {
    pub card_id: Uuid,
    pub pin: PinOutcome,
}

/// What a reveal link shows.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum RevealShow {
    Pan,
    Cvc,
    Pin,
}

impl RevealShow {
    pub const ALL: [&'static str; 3] = ["pan", "cvc", "pin"];

    pub fn parse(s: &str) -> Option<RevealShow> {
        match s {
            "pan" => Some(RevealShow::Pan),
            "cvc" => Some(RevealShow::Cvc),
            "pin" => Some(RevealShow::Pin),
            _ => None,
        }
    }
}

/// A single-use link to the page that shows the end user the value.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RevealLink {
    /// Open it in the end user's browser; it is a credential while it lives.
    pub reveal_url: String,
    pub show: RevealShow,
    #[schema(format = DateTime)]
    pub expires_at: String,
    pub single_use: bool,
}

/// `POST …/reveal`: what to show the end user.
#[derive(ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct NewReveal {
    /// `cvc` only for a virtual card (a physical card's is printed on it).
    show: RevealShow,
    #[schema(
        pattern = r"^-?([0-9]{1,2}\.[0-9]{5})$",
        max_length = 12,
        example = "19.43260"
    )]
    latitude: String,
    #[schema(
        pattern = r"^-?([0-9]{1,3}\.[0-9]{5})$",
        max_length = 12,
        example = "-99.13320"
    )]
    longitude: String,
}

/// The end user's location, the body of the lifecycle actions (activate, freeze, unfreeze,
/// close). Read by [`location`]; this states the same rules for the document.
#[derive(ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct CardLocation {
    /// The end user's latitude: a string with exactly 5 decimals, -90 to 90.
    #[schema(
        pattern = r"^-?([0-9]{1,2}\.[0-9]{5})$",
        max_length = 12,
        example = "19.43260"
    )]
    latitude: String,
    /// The end user's longitude: a string with exactly 5 decimals, -180 to 180.
    #[schema(
        pattern = r"^-?([0-9]{1,3}\.[0-9]{5})$",
        max_length = 12,
        example = "-99.13320"
    )]
    longitude: String,
}

/// Why a card is reported.
#[derive(ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[allow(dead_code)]
pub enum ReportReason {
    Lost,
    Stolen,
}

/// `POST …/report`: final, the card is replaced by a new one.
#[derive(ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct CardReport {
    reason: ReportReason,
    #[schema(
        pattern = r"^-?([0-9]{1,2}\.[0-9]{5})$",
        max_length = 12,
        example = "19.43260"
    )]
    latitude: String,
    #[schema(
        pattern = r"^-?([0-9]{1,3}\.[0-9]{5})$",
        max_length = 12,
        example = "-99.13320"
    )]
    longitude: String,
}

/// `POST …/pin`: the first PIN, ciphered on the end user's device with
/// `GET /api/partners/cards/pin-encryption-key`.
#[derive(ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct SetPin {
    /// Base64 RSA-OAEP ciphertext of the PIN (at least a 1024-bit block).
    #[schema(min_length = 16, max_length = 1024)]
    pin_ciphertext: String,
    #[schema(
        pattern = r"^-?([0-9]{1,2}\.[0-9]{5})$",
        max_length = 12,
        example = "19.43260"
    )]
    latitude: String,
    #[schema(
        pattern = r"^-?([0-9]{1,3}\.[0-9]{5})$",
        max_length = 12,
        example = "-99.13320"
    )]
    longitude: String,
}

/// `PUT …/pin`: the current and the new PIN, each ciphered on the end user's device.
#[derive(ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct ChangePin {
    #[schema(min_length = 16, max_length = 1024)]
    old_pin_ciphertext: String,
    #[schema(min_length = 16, max_length = 1024)]
    new_pin_ciphertext: String,
    #[schema(
        pattern = r"^-?([0-9]{1,2}\.[0-9]{5})$",
        max_length = 12,
        example = "19.43260"
    )]
    latitude: String,
    #[schema(
        pattern = r"^-?([0-9]{1,3}\.[0-9]{5})$",
        max_length = 12,
        example = "-99.13320"
    )]
    longitude: String,
}

/// Why the sandbox declined a purchase.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DeclineReason {
    InsufficientFunds,
    CardNotActive,
    IncorrectPin,
    PinBlocked,
    PinNotSet,
}

/// What the sandbox terminal was told.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PurchaseStatus {
    Approved,
    Declined,
}

/// A sandbox purchase's answer: APPROVED with NeCIPCo's operation, or DECLINED with why. One
/// flat object rather than a tagged union, so every generator reads it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SandboxPurchase {
    pub card_id: Uuid,
    #[schema(schema_with = flux_gateway::validate::schema::amount)]
    pub amount: String,
    pub merchant: String,
    pub status: PurchaseStatus,
    /// APPROVED: NeCIPCo's authorization code, when it gave one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authorization: Option<String>,
    /// APPROVED: NeCIPCo's operation id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operation_id: Option<String>,
    /// DECLINED: why.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<DeclineReason>,
}

/// `POST /api/sandbox/cards/{cardId}/purchase`: a purchase as a merchant's terminal sends it.
/// `latitude` and `longitude` come together or not at all (then a terminal in Mexico City).
#[derive(ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct NewSandboxPurchase {
    #[schema(schema_with = flux_gateway::validate::schema::amount)]
    amount: String,
    #[schema(min_length = 1, max_length = 32)]
    merchant: String,
    /// A card-present purchase: the PIN, RSA-OAEP ciphered with NeCIPCo's key, base64.
    #[schema(min_length = 16, max_length = 1024)]
    pin_ciphertext: Option<String>,
    #[schema(
        pattern = r"^-?([0-9]{1,2}\.[0-9]{5})$",
        max_length = 12,
        example = "19.43260"
    )]
    latitude: Option<String>,
    #[schema(
        pattern = r"^-?([0-9]{1,3}\.[0-9]{5})$",
        max_length = 12,
        example = "-99.13320"
    )]
    longitude: Option<String>,
}

/// `************1234`: the masked form Flux keeps and shows.
pub fn mask(last4: &str) -> String {
    format!("************{last4}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_follow_the_lifecycle() {
        use CardStatus::*;
        assert!(Action::Activate.allowed_from(NeedActivation));
        assert!(!Action::Activate.allowed_from(Active));
        assert!(Action::Freeze.allowed_from(Active));
        assert!(!Action::Freeze.allowed_from(TemporaryInactive));
        assert!(Action::Unfreeze.allowed_from(TemporaryInactive));
        assert!(!Action::Unfreeze.allowed_from(PreventiveBlock));
        assert!(Action::ReportLost.allowed_from(Active));
        assert!(Action::ReportStolen.allowed_from(TemporaryInactive));
        assert!(Action::Close.allowed_from(Active));
        for a in [
            Action::Activate,
            Action::Freeze,
            Action::Unfreeze,
            Action::Close,
            Action::ReportLost,
        ] {
            for f in [Lost, Stolen, Canceled] {
                assert!(!a.allowed_from(f), "{a:?} from {f:?}");
            }
        }
    }
}
