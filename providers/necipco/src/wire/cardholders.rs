//! Cardholders: `GET /cardholders` (filters) and `POST /cardholders`.

use super::{Amount, CardStatus, NumOrText};
use serde::{Deserialize, Serialize};

/// `GET /cardholders` filters, joined with AND; at least one is required.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardholderQuery {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rfc: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub curp: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary_phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mobile_phone: Option<String>,
}

impl CardholderQuery {
    pub fn is_empty(&self) -> bool {
        *self == CardholderQuery::default()
    }

    pub fn by_id(id: &str) -> Self {
        CardholderQuery {
            id: Some(id.to_string()),
            ..Default::default()
        }
    }
}

/// `POST /cardholders` body. `township` is in the example but not in the field table; it is
/// optional here.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CreateCardholderRequest {
    pub first_name: String,
    pub second_name: String,
    pub surname: String,
    pub second_surname: String,
    pub rfc: String,
    pub curp: String,
    pub email: String,
    pub primary_phone: String,
    pub mobile_phone: String,
    pub street: String,
    pub ext_street_number: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub int_street_number: Option<String>,
    pub suburb: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub township: Option<String>,
    pub city: String,
    pub state: String,
    pub postal_code: String,
    pub birthdate: String,
    pub gender: String,
    pub marital_status: String,
    pub has_kids: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gross_monthly_income: Option<Amount>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub net_monthly_income: Option<Amount>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observations: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
}

/// `{ "cardholder": … }`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CardholderData {
    pub cardholder: Cardholder,
}

/// A cardholder. `GET` shows everything; create shows the identity and `email`; card answers
/// show the identity only.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cardholder {
    pub id: String,
    pub first_name: String,
    pub second_name: String,
    pub surname: String,
    pub second_surname: String,
    pub rfc: String,
    pub curp: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary_phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mobile_phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<Address>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birthdate: Option<String>,
    /// `GET` writes `M` where create took `MALE`: kept as text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gender: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gross_monthly_income: Option<Amount>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub net_monthly_income: Option<Amount>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observations: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub has_kids: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub marital_status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accounts: Option<Vec<CardholderAccount>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Address {
    pub street: String,
    pub external_street_number: String,
    pub internal_street_number: String,
    pub suburb: String,
    pub township: String,
    pub city: String,
    pub state: String,
    pub postal_code: String,
    /// ISO 3166 numeric ("484").
    pub country: String,
}

/// An account of a cardholder (one per card assignment).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CardholderAccount {
    pub id: String,
    pub account_number: NumOrText,
    pub creation_date: String,
    pub activation_date: Option<String>,
    pub assigned_by: String,
    pub status: String,
    pub document: Document,
    pub cards: Vec<AccountCard>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Document {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub number: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccountCard {
    pub id: String,
    pub last_four: String,
    pub assignation_date: String,
    pub status: CardStatus,
    pub assigned_by: Assigner,
}

/// The api key that assigned a card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assigner {
    pub id: String,
    pub alias: String,
    pub name: String,
    pub description: String,
}
