//! What partners see of cards and cardholders, and the shared pieces of their input: the end
//! user's location that every state-changing NeCIPCo call carries, and the card lifecycle as
//! a typed set of actions with their legal starting statuses.

use crate::wire::{CardStatus, Coordinate, COORDINATE_SCALE};
use flux_gateway::validate::Fields;
use flux_store::{CardRecord, CardholderRecord};
use serde_json::{json, Value};

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

/// A card as partners see it: never the number, only the masked one and its last four.
pub fn card(c: &CardRecord) -> Value {
    json!({
        "id": c.id,
        "cardholder_id": c.cardholder_id,
        "type": c.card_type,
        "status": c.status,
        "masked_number": c.masked,
        "last4": c.last4,
        "expiry": c.expiry,
        "created_at": flux_core::time::to_rfc3339(c.created_at),
        "updated_at": flux_core::time::to_rfc3339(c.updated_at),
    })
}

pub fn cardholder(h: &CardholderRecord) -> Value {
    let mut v = h.profile.clone();
    if let Some(m) = v.as_object_mut() {
        m.insert("id".into(), json!(h.id));
        m.insert(
            "created_at".into(),
            json!(flux_core::time::to_rfc3339(h.created_at)),
        );
    }
    v
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
