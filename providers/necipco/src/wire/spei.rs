//! SPEI®: `POST /spei` (an interbank transfer out of a card) and `GET /spei/institutions`.

use super::{Account, Amount, Card, Coordinate, Sensitive};
use serde::{Deserialize, Serialize};

/// `POST /spei` body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SpeiRequest {
    pub card_number: Sensitive,
    pub payment_concept: String,
    /// 10 digits (phone), 16 (card) or 18 (CLABE).
    pub beneficiary_account: String,
    /// An institution's name as `GET /spei/institutions` lists it.
    pub beneficiary_institution: String,
    pub amount: Amount,
    pub beneficiary_name: String,
    pub numeric_reference: String,
    /// `ND` when unknown.
    pub beneficiary_rfc_curp: String,
    pub beneficiary_email: String,
    pub latitude: Coordinate,
    pub longitude: Coordinate,
}

/// `POST /spei` data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SpeiData {
    pub card: Card,
    pub account: Account,
    pub spei: SpeiOperation,
}

/// The transfer. The card is charged `amount + commission + iva`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SpeiOperation {
    pub id: String,
    pub tracking_key: String,
    pub operation_date: String,
    pub reference_operation: String,
    pub amount: Amount,
    pub commission: Amount,
    pub commission_type: CommissionType,
    pub iva: Amount,
}

/// How the commission is computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CommissionType {
    Flat,
    Percentage,
}

/// `GET /spei/institutions` data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstitutionsData {
    pub spei_institutions: Vec<Institution>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Institution {
    /// The first three digits of its CLABEs.
    pub inicio_clabe: String,
    pub clave_institucion: String,
    pub nombre_institucion: String,
}
