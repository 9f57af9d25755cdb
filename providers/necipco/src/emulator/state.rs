//! What the emulator remembers, all of it serializable so that `persist.rs` can keep it in a
//! file: its own key pair, clients (programs) with their api keys and registered public keys,
//! live tokens, cardholders, products, cards with their accounts, PINs and movements.
//! Money is `Decimal` (written as a string in the file), never `f64`.

use super::pin::PinGuard;
use crate::wire::{CardStatus, CardType, CreateCardholderRequest, DeliveryAddress};
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct State {
    /// The system key pair as PKCS#8 DER, base64; made on first start.
    pub system_key_pkcs8: String,
    pub clients: BTreeMap<String, ClientRec>,
    /// By api key (the login name).
    pub api_keys: BTreeMap<String, ApiKeyRec>,
    /// By SHA-256 of the token (hex): the file never holds a usable token.
    pub tokens: BTreeMap<String, TokenRec>,
    pub cardholders: BTreeMap<String, CardholderRec>,
    pub products: BTreeMap<String, ProductRec>,
    pub cards: BTreeMap<String, CardRec>,
    pub next_reference: u64,
    pub next_authorization: u64,
    pub next_movement: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct ClientRec {
    pub id: String,
    pub name: String,
    pub alias: String,
    pub code: String,
    pub entity_code: String,
    pub email: String,
    pub rfc: String,
    /// What the program can still disburse.
    pub available: Decimal,
    /// Collection balance: what withdrawals and purchases took from cards.
    pub balance: Decimal,
    pub parent_id: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct ApiKeyRec {
    pub id: String,
    pub api_key: String,
    pub client_id: String,
    pub alias: String,
    pub description: String,
    /// Salt and SHA-256 of salt + password, hex.
    pub salt: String,
    pub password_hash: String,
    /// The api client's registered public key (SPKI PEM).
    pub public_key: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct TokenRec {
    pub api_key: String,
    pub expires_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct CardholderRec {
    pub id: String,
    pub client_id: String,
    pub data: CreateCardholderRequest,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct ProductRec {
    pub id: String,
    pub client_id: String,
    pub name: String,
    /// First six digits of its card numbers.
    pub bin: String,
    pub affinity_group: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct CardRec {
    pub id: String,
    pub client_id: String,
    pub product_id: String,
    /// The clear card number: the emulator is the issuer (the file is 0600).
    pub pan: String,
    pub kind: CardType,
    pub status: CardStatus,
    pub exp_month: String,
    pub exp_year: String,
    pub cardholder_id: Option<String>,
    pub account_id: String,
    pub account_reference: u64,
    pub document: Option<(String, String)>,
    pub observations: String,
    pub assigned_by: Option<String>,
    pub assigned_at: Option<DateTime<Utc>>,
    pub activated_at: Option<DateTime<Utc>>,
    pub balance: Decimal,
    pub pos_pin: String,
    pub atm_pin: Option<String>,
    pub pin_guard: PinGuard,
    pub cvc: Option<(String, DateTime<Utc>)>,
    pub delivery: Option<DeliveryAddress>,
    pub last_approved: Option<DateTime<Utc>>,
    pub last_denied: Option<DateTime<Utc>>,
    pub last_block: Option<DateTime<Utc>>,
    pub movements: Vec<MovementRec>,
}

impl CardRec {
    pub fn masked(&self) -> String {
        let last4 = self
            .pan
            .get(self.pan.len().saturating_sub(4)..)
            .unwrap_or("");
        format!("************{last4}")
    }

    pub fn last_four(&self) -> &str {
        self.pan
            .get(self.pan.len().saturating_sub(4)..)
            .unwrap_or("")
    }
}

/// What kind of money movement a card saw.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub(crate) enum MovementKind {
    Disbursement,
    Payment,
    Withdrawal,
    Purchase,
    TransferIn,
    TransferOut,
    Spei,
}

impl MovementKind {
    /// The processor's type/subtype and description, as the movements answer shows them.
    pub fn code(&self) -> (&'static str, &'static str, &'static str) {
        match self {
            MovementKind::Disbursement => ("2", "10", "Dispersion"),
            MovementKind::Payment => ("2", "11", "Abono"),
            MovementKind::Withdrawal => ("1", "20", "Retiro"),
            MovementKind::Purchase => ("1", "99", "ON Line - Compra"),
            MovementKind::TransferIn => ("2", "30", "Traspaso recibido"),
            MovementKind::TransferOut => ("1", "30", "Traspaso enviado"),
            MovementKind::Spei => ("1", "40", "SPEI enviado"),
        }
    }

    pub fn channel(&self) -> &'static str {
        match self {
            MovementKind::Purchase | MovementKind::Withdrawal => "API_POS",
            MovementKind::Spei => "SPEI",
            _ => "API",
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct MovementRec {
    pub id: String,
    pub operation_id: String,
    pub at: DateTime<Utc>,
    pub kind: MovementKind,
    /// Signed: negative when money left the card.
    pub amount: Decimal,
    pub description: String,
    pub authorization: String,
}

impl State {
    pub fn next_reference(&mut self) -> u64 {
        self.next_reference += 1;
        555_000_000 + self.next_reference
    }

    /// Six digits, as the seed's `authorization_code` examples.
    pub fn next_authorization(&mut self) -> String {
        self.next_authorization += 1;
        format!("{:06}", 500_000 + self.next_authorization % 500_000)
    }

    pub fn next_movement(&mut self) -> String {
        self.next_movement += 1;
        format!("{}", 100_000_000 + self.next_movement)
    }

    /// A card id by clear card number (any client: transfers reach the whole BIN ecosystem).
    pub fn card_by_pan(&self, pan: &str) -> Option<&CardRec> {
        self.cards.values().find(|c| c.pan == pan)
    }
}
