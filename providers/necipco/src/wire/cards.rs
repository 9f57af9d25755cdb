//! Cards: assignment from stock, activation, status, balance, info, authentication, PINs,
//! money operations, movements, virtual cards and their CVC.
//!
//! `card_number` in a request is either a card id (uuid, sent in clear) or the 16-digit card
//! number ciphered with NeCIPCo's public key ([`crate::crypto`]); the same field carries both, so
//! it is a [`Sensitive`] text and [`CardRef`] tells them apart. PINs are always ciphered.
//! Query parameters are text (a query string is not JSON): coordinates and flags are parsed by
//! the receiver.

use super::{
    nullable, Amount, AmountText, CardStatus, CardType, Cardholder, Coordinate, Document,
    NumOrText, Sensitive,
};
use serde::{Deserialize, Serialize};

/// What a `card_number` field names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CardRef {
    /// A card id.
    Id(uuid::Uuid),
    /// A ciphered card number (base64 or base64url).
    Ciphered(Sensitive),
}

impl CardRef {
    pub fn read(value: &Sensitive) -> CardRef {
        match uuid::Uuid::parse_str(value.expose()) {
            Ok(id) if value.expose().len() == 36 => CardRef::Id(id),
            _ => CardRef::Ciphered(value.clone()),
        }
    }
}

/// `PUT /cards` body: assigns a stock card to a cardholder.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AssignCardRequest {
    pub card_number: Sensitive,
    pub cardholder_id: String,
    pub document_type: String,
    pub document_number: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observations: Option<String>,
    pub latitude: Coordinate,
    pub longitude: Coordinate,
}

/// `PUT /cards` and `POST /cards/virtual` data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CardAssignment {
    pub cardholder: Cardholder,
    pub card: Card,
    pub account: Account,
}

/// `POST /cards/activate` body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActivateCardRequest {
    pub card_number: Sensitive,
    pub latitude: Coordinate,
    pub longitude: Coordinate,
}

/// `PUT /cards/status` body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CardStatusRequest {
    pub card_number: Sensitive,
    pub status: CardStatus,
    pub latitude: Coordinate,
    pub longitude: Coordinate,
}

/// `{ card, account }`: activate, status, PIN for POS, CVC.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CardData {
    pub card: Card,
    pub account: Account,
}

/// A card as the answers show it; which members are present depends on the endpoint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Card {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// SPEI's answer names the id `card_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card_id: Option<String>,
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<CardType>,
    /// Info and SPEI name the type `card_type`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card_type: Option<CardType>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<CardStatus>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub masked_card_number: Option<String>,
    /// Masked in assignment answers, ciphered for the client in info and virtual creation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card_number: Option<Sensitive>,
    /// Ciphered for the client (virtual creation).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exp_year: Option<Sensitive>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exp_month: Option<Sensitive>,
    /// The POS PIN, ciphered for the client.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pin: Option<Sensitive>,
    /// A virtual card's temporary CVC, ciphered for the client.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cvc: Option<Sensitive>,
    /// Whole minutes the CVC stays valid, as text ("3").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remaining_time: Option<NumOrText>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub activity: Option<Activity>,
}

impl Card {
    /// The id, whichever member carries it.
    pub fn card_id(&self) -> Option<&str> {
        self.id.as_deref().or(self.card_id.as_deref())
    }

    /// The type, whichever member carries it.
    pub fn card_kind(&self) -> Option<CardType> {
        self.kind.or(self.card_type)
    }

    /// An empty card view, for building answers.
    pub fn bare(id: &str) -> Card {
        Card {
            id: Some(id.to_string()),
            card_id: None,
            kind: None,
            card_type: None,
            status: None,
            masked_card_number: None,
            card_number: None,
            exp_year: None,
            exp_month: None,
            pin: None,
            cvc: None,
            remaining_time: None,
            activity: None,
        }
    }
}

/// Dates of the card's last events ("N/D" when none).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Activity {
    pub last_approved_operation: String,
    pub last_denied_operation: String,
    pub last_block_status: String,
}

/// The card's account as the answers show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Account {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// SPEI's answer names the id `account_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_id: Option<String>,
    /// The account number; a string in some answers, a number in others.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<NumOrText>,
    #[serde(default, skip_serializing_if = "Option::is_none", with = "nullable")]
    pub clabe: Option<Option<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rfc: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub curp: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary_phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mobile_phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observations: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document: Option<Document>,
}

impl Account {
    pub fn bare(id: &str) -> Account {
        Account {
            id: Some(id.to_string()),
            account_id: None,
            reference: None,
            clabe: None,
            rfc: None,
            curp: None,
            primary_phone: None,
            mobile_phone: None,
            observations: None,
            document: None,
        }
    }
}

/// `GET /cards/balance` query.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BalanceQuery {
    pub card_number: Sensitive,
    /// "true" or "false".
    pub movements: String,
}

/// `GET /cards/balance` data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BalanceData {
    pub available: Amount,
    pub card: Card,
    pub account: Account,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub movements: Option<Vec<RecentMovement>>,
}

/// A recent movement in the balance answer (Spanish member names, amount as a string).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecentMovement {
    /// `YYYYMMDD`.
    pub fecha: String,
    /// `HHMMSS`.
    pub hora: String,
    pub comercio: String,
    /// Signed: negative when money left the card (the seed's one example is a positive
    /// purchase amount; the emulator signs it so a reader can tell in from out).
    pub importe: AmountText,
    pub descripcion_importe: Option<String>,
    pub codigo_autorizacion: String,
}

/// `GET /cards/info` and other queries naming only a card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardQuery {
    pub card_number: Sensitive,
}

/// `GET /cards/info` data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CardInfoData {
    pub account: Account,
    pub card: Card,
    pub cardholder: CardholderSummary,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CardholderSummary {
    pub name: String,
    pub phone: String,
    pub address: String,
    pub postal_code: String,
    pub township: String,
    /// Padded to 30 characters, as the processor writes it.
    pub country: String,
    pub document: Document,
}

/// `GET /cards/authenticate` query: the card's last four digits and the ATM PIN's last two.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthenticateQuery {
    pub card_number: Sensitive,
    pub authentication_info: Sensitive,
}

/// `{ "validated": bool }`: authenticate and PIN validation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Validated {
    pub validated: bool,
}

/// `GET /cards/pin/pos` query.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocatedCardQuery {
    pub card_number: Sensitive,
    pub latitude: String,
    pub longitude: String,
}

/// `POST /cards/pin` body: sets the ATM PIN without the old one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SetPinRequest {
    pub card_number: Sensitive,
    pub pin: Sensitive,
    pub latitude: Coordinate,
    pub longitude: Coordinate,
}

/// `PUT /cards/pin` body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UpdatePinRequest {
    pub card_number: Sensitive,
    pub old_pin: Sensitive,
    pub new_pin: Sensitive,
    pub latitude: Coordinate,
    pub longitude: Coordinate,
}

/// `GET /cards/pin/validate` and `GET /cards/virtual/cvc` query.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PinQuery {
    pub card_number: Sensitive,
    pub pin: Sensitive,
    pub latitude: String,
    pub longitude: String,
}

/// `{ operation, card, account }`: PIN changes and money operations.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OperationData {
    pub operation: Operation,
    pub card: Card,
    pub account: Account,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Operation {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authorization_code: Option<NumOrText>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<Amount>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merchant_description: Option<String>,
}

/// `POST /cards/transfer` body: card to card. The seed writes `destination_card` as "16
/// digits*" but describes it as "card_number or card_id": both are accepted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TransferRequest {
    pub origin_card: Sensitive,
    pub destination_card: Sensitive,
    pub amount: Amount,
    pub latitude: Coordinate,
    pub longitude: Coordinate,
}

/// `POST /cards/transfer` data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TransferData {
    pub operation: Operation,
    pub origin_card: TransferSide,
    pub destination_card: TransferSide,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TransferSide {
    pub id: String,
    pub account_id: String,
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<CardType>,
    /// Masked.
    pub card_number: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_reference: Option<NumOrText>,
    pub previous_balance: Amount,
    pub new_balance: Amount,
}

/// `POST /cards/disbursement` body: money from the program's `available` to the card.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DisbursementRequest {
    pub card_number: Sensitive,
    pub amount: Amount,
    pub latitude: Coordinate,
    pub longitude: Coordinate,
}

/// `POST /cards/payment` body: a disbursement with a description.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PaymentRequest {
    pub card_number: Sensitive,
    pub amount: Amount,
    pub payment_description: String,
    pub latitude: Coordinate,
    pub longitude: Coordinate,
}

/// `POST /cards/withdrawal` body: money from the card to the program's collection balance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WithdrawalRequest {
    pub card_number: Sensitive,
    pub amount: Amount,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pin: Option<Sensitive>,
    pub latitude: Coordinate,
    pub longitude: Coordinate,
}

/// `POST /cards/purchase` body: a withdrawal with a merchant description.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PurchaseRequest {
    pub card_number: Sensitive,
    pub amount: Amount,
    pub merchant_description: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pin: Option<Sensitive>,
    pub latitude: Coordinate,
    pub longitude: Coordinate,
}

/// `GET /cards/movements` query (dates `YYYY-MM-DD`, both included).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MovementsQuery {
    pub card_number: Sensitive,
    pub initial_date: String,
    pub end_date: String,
}

/// `GET /cards/movements` data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MovementsData {
    pub card: Card,
    pub account: Account,
    pub movements: MovementPage,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MovementPage {
    pub initial_date: String,
    pub end_date: String,
    pub detail: Vec<Movement>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Movement {
    pub id: String,
    pub referencial_id: String,
    /// `YYYY-MM-DD HH:MM:SS`, Mexico City time.
    pub date: String,
    pub code: MovementCode,
    pub merchant: CodeDescription,
    pub country: CodeDescription,
    pub amounts: MovementAmounts,
    pub channel: String,
    pub authorization: String,
    pub status: CodeDescription,
    pub retrieval: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MovementCode {
    #[serde(rename = "type")]
    pub kind: String,
    pub subtype: String,
    pub description: String,
}

/// `{ code, description }`; `description` may be null.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeDescription {
    pub code: String,
    pub description: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MovementAmounts {
    pub original: MovementAmount,
    pub exchanged: MovementAmount,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MovementAmount {
    pub coin: CodeDescription,
    pub total: AmountText,
}

/// `POST /cards/virtual` body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CreateVirtualCardRequest {
    pub product: String,
    pub cardholder_id: String,
    pub document_type: String,
    pub document_number: String,
    pub observations: String,
    pub latitude: Coordinate,
    pub longitude: Coordinate,
}

/// `PUT /cards/virtual` body: orders the plastic of a virtual card.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PhysicalFromVirtualRequest {
    pub card_number: Sensitive,
    pub delivery_street: String,
    pub delivery_street_number: String,
    pub delivery_township: String,
    pub delivery_state: String,
    pub delivery_postal_code: String,
    pub latitude: Coordinate,
    pub longitude: Coordinate,
}

/// `PUT /cards/virtual` data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PhysicalFromVirtualData {
    pub card: Card,
    pub account: Account,
    pub delivery_address: DeliveryAddress,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryAddress {
    pub street: String,
    pub street_number: String,
    pub township: String,
    pub state: String,
    pub postal_code: String,
}
