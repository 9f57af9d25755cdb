//! The closed sets of values NeCIPCo uses: card statuses (with their catalog codes and the
//! transitions the emulator allows), card types, and the catalogs.
//!
//! The seed's status catalog shows only `ACTIVE` ("01") and `TEMPORARY_INACTIVE` ("2N"), and its
//! text names `NEED_ACTIVATION` and "block/unblock, report for a replacement or make preventive
//! blocks". The rest of the set, and its codes, are this crate's design, modelled on issuer
//! processors: `PREVENTIVE_BLOCK` ("PB", the issuer's own hold, reversible), and the final
//! reports `LOST` ("41"), `STOLEN` ("43") and `CANCELED` ("05") after which the card is replaced.

use serde::{Deserialize, Deserializer, Serialize};

/// A card's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CardStatus {
    /// Out of stock or newly created; must be activated explicitly.
    NeedActivation,
    Active,
    /// The cardholder's own block: no transactions until set ACTIVE again.
    TemporaryInactive,
    /// The issuer's preventive block (suspected fraud): reversible.
    PreventiveBlock,
    /// Reported lost: final, the card is replaced.
    Lost,
    /// Reported stolen: final, the card is replaced.
    Stolen,
    /// Canceled: final.
    Canceled,
}

impl CardStatus {
    pub const ALL: [CardStatus; 7] = [
        CardStatus::NeedActivation,
        CardStatus::Active,
        CardStatus::TemporaryInactive,
        CardStatus::PreventiveBlock,
        CardStatus::Lost,
        CardStatus::Stolen,
        CardStatus::Canceled,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            CardStatus::NeedActivation => "NEED_ACTIVATION",
            CardStatus::Active => "ACTIVE",
            CardStatus::TemporaryInactive => "TEMPORARY_INACTIVE",
            CardStatus::PreventiveBlock => "PREVENTIVE_BLOCK",
            CardStatus::Lost => "LOST",
            CardStatus::Stolen => "STOLEN",
            CardStatus::Canceled => "CANCELED",
        }
    }

    /// The processor code the catalog shows as `value`.
    pub fn code(&self) -> &'static str {
        match self {
            CardStatus::NeedActivation => "NA",
            CardStatus::Active => "01",
            CardStatus::TemporaryInactive => "2N",
            CardStatus::PreventiveBlock => "PB",
            CardStatus::Lost => "41",
            CardStatus::Stolen => "43",
            CardStatus::Canceled => "05",
        }
    }

    pub fn parse(text: &str) -> Option<CardStatus> {
        CardStatus::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// Nothing leaves a final status: the card is replaced instead.
    pub fn is_final(&self) -> bool {
        matches!(
            self,
            CardStatus::Lost | CardStatus::Stolen | CardStatus::Canceled
        )
    }

    /// Whether `PUT /cards/status` may move a card from `self` to `to`. Activation is its own
    /// endpoint (`POST /cards/activate`), so NEED_ACTIVATION → ACTIVE is not a status change,
    /// and nothing goes back to NEED_ACTIVATION.
    pub fn can_change_to(&self, to: CardStatus) -> bool {
        use CardStatus::*;
        if self.is_final() || *self == to {
            return false;
        }
        match (self, to) {
            (_, NeedActivation) => false,
            (NeedActivation, Active | TemporaryInactive | PreventiveBlock) => false,
            (NeedActivation, _) => true,
            (Active, _) => true,
            (TemporaryInactive, Active | PreventiveBlock | Lost | Stolen | Canceled) => true,
            (PreventiveBlock, Active | Lost | Stolen | Canceled) => true,
            _ => false,
        }
    }

    /// Whether money can move in or out of the card.
    pub fn allows_operations(&self) -> bool {
        *self == CardStatus::Active
    }
}

impl std::fmt::Display for CardStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A card's type. The seed also writes `PHISYCAL` (assign and SPEI answers): it is read as
/// PHYSICAL and written correctly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CardType {
    Physical,
    Virtual,
    /// A virtual card for which a plastic was ordered (`PUT /cards/virtual`).
    VirtualWithPhysical,
}

impl CardType {
    pub fn is_virtual(&self) -> bool {
        matches!(self, CardType::Virtual | CardType::VirtualWithPhysical)
    }
}

impl<'de> Deserialize<'de> for CardType {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        match text.as_str() {
            "PHYSICAL" | "PHISYCAL" => Ok(CardType::Physical),
            "VIRTUAL" => Ok(CardType::Virtual),
            "VIRTUAL_WITH_PHYSICAL" => Ok(CardType::VirtualWithPhysical),
            other => Err(serde::de::Error::unknown_variant(
                other,
                &["PHYSICAL", "VIRTUAL", "VIRTUAL_WITH_PHYSICAL"],
            )),
        }
    }
}

/// The catalogs of `GET /catalogs/{name}`; each answer's `data` has one member named after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CatalogKind {
    CardStatus,
    DocumentType,
    States,
    MaritalStatus,
    Gender,
}

impl CatalogKind {
    pub const ALL: [CatalogKind; 5] = [
        CatalogKind::CardStatus,
        CatalogKind::DocumentType,
        CatalogKind::States,
        CatalogKind::MaritalStatus,
        CatalogKind::Gender,
    ];

    /// The path the connector calls. The seed writes both `/catalogs/document_types` and
    /// `/catalogs/document_type`; the connector uses the plural (the example request) and the
    /// emulator answers both.
    pub fn path(&self) -> &'static str {
        match self {
            CatalogKind::CardStatus => "/catalogs/card_status",
            CatalogKind::DocumentType => "/catalogs/document_types",
            CatalogKind::States => "/catalogs/states",
            CatalogKind::MaritalStatus => "/catalogs/marital_status",
            CatalogKind::Gender => "/catalogs/gender",
        }
    }

    /// The member of `data` that holds the entries.
    pub fn data_key(&self) -> &'static str {
        match self {
            CatalogKind::CardStatus => "card_status",
            CatalogKind::DocumentType => "document_type",
            CatalogKind::States => "states",
            CatalogKind::MaritalStatus => "marital_status",
            CatalogKind::Gender => "gender",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::CardStatus::*;

    #[test]
    fn transitions() {
        assert!(Active.can_change_to(TemporaryInactive));
        assert!(TemporaryInactive.can_change_to(Active));
        assert!(PreventiveBlock.can_change_to(Active));
        assert!(!NeedActivation.can_change_to(Active));
        assert!(NeedActivation.can_change_to(Canceled));
        assert!(!Lost.can_change_to(Active));
        assert!(!Active.can_change_to(Active));
        assert!(!Active.can_change_to(NeedActivation));
        assert!(!TemporaryInactive.can_change_to(TemporaryInactive));
    }
}
