//! Debit card numbers: 16 digits with a Luhn check digit. Full numbers never reach logs.

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CardError {
    #[error("must be exactly 16 digits")]
    Format,
    #[error("fails the Luhn check digit")]
    Luhn,
}

/// True when `digits` is a non-empty string of ASCII digits that passes the Luhn (mod 10)
/// check. Anything else is false rather than a panic: the audit trail calls it on any string a
/// partner sends.
pub fn luhn_ok(digits: &str) -> bool {
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let mut sum = 0u32;
    for (i, b) in digits.bytes().rev().enumerate() {
        let mut d = u32::from(b - b'0');
        if i % 2 == 1 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        // Reduced at every step: no length can overflow it.
        sum = (sum + d) % 10;
    }
    sum == 0
}

/// Validates a 16-digit debit card number.
pub fn validate(card: &str) -> Result<(), CardError> {
    if card.len() != 16 || !card.bytes().all(|b| b.is_ascii_digit()) {
        return Err(CardError::Format);
    }
    if !luhn_ok(card) {
        return Err(CardError::Luhn);
    }
    Ok(())
}

/// Keeps only the last 4 digits: "************0003".
pub fn mask(card: &str) -> String {
    crate::clabe::mask(card)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    #[test]
    fn public_vectors() {
        let v: Value =
            serde_json::from_str(include_str!("../data/check_digit_vectors.json")).unwrap();
        for c in v["card_valid_luhn"].as_array().unwrap() {
            assert_eq!(validate(c.as_str().unwrap()), Ok(()));
        }
        for c in v["card_invalid_luhn"].as_array().unwrap() {
            assert_eq!(validate(c.as_str().unwrap()), Err(CardError::Luhn));
        }
        assert_eq!(validate("4000"), Err(CardError::Format));
        assert_eq!(mask("4000000000000002"), "************0002");
    }
}
