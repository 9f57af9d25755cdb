//! RFC (Registro Federal de Contribuyentes) format checks. Providers accept "ND" when the RFC
//! is unknown, and the generic RFCs XAXX010101000 / XEXX010101000 by convention, so Flux checks
//! the shape (letters, date, homoclave) rather than the check digit, which many real RFCs in
//! provider data do not satisfy.

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RfcError {
    #[error("must be \"ND\" or an RFC of 12 (company) or 13 (person) characters: letters, YYMMDD, 3-character homoclave")]
    Format,
    #[error("its check digit (the last character) is wrong")]
    CheckDigit,
}

/// The generic RFCs (general public, foreigners): valid by convention although
/// XAXX010101000 fails the check-digit algorithm.
pub const GENERIC: [&str; 2] = ["XAXX010101000", "XEXX010101000"];

/// The SAT check-digit alphabet: a character's value is its index.
const CHECK_ALPHABET: &str = "0123456789ABCDEFGHIJKLMN&OPQRSTUVWXYZ Ñ";

/// Checks an RFC's shape *and* its check digit, for identities Flux creates (a cardholder):
/// there, a wrong digit is a typo to catch before the provider files it. "ND" is refused (an
/// identity needs its RFC); the [`GENERIC`] RFCs are accepted.
pub fn validate_strict(rfc: &str) -> Result<(), RfcError> {
    if rfc == "ND" {
        return Err(RfcError::Format);
    }
    validate(rfc)?;
    if GENERIC.contains(&rfc) {
        return Ok(());
    }
    let chars: Vec<char> = rfc.chars().collect();
    let (body, last) = chars.split_at(chars.len() - 1);
    // A company's 12-character RFC is weighed as if it had a leading space.
    let padded: Vec<char> = if body.len() == 11 {
        std::iter::once(' ').chain(body.iter().copied()).collect()
    } else {
        body.to_vec()
    };
    let mut sum = 0usize;
    for (i, c) in padded.iter().enumerate() {
        let value = CHECK_ALPHABET
            .chars()
            .position(|a| a == *c)
            .ok_or(RfcError::Format)?;
        sum += value * (13 - i);
    }
    let expected = match 11 - sum % 11 {
        11 => '0',
        10 => 'A',
        d => char::from_digit(d as u32, 10).ok_or(RfcError::CheckDigit)?,
    };
    if last.first() == Some(&expected) {
        Ok(())
    } else {
        Err(RfcError::CheckDigit)
    }
}

/// Checks an RFC's shape. It works on characters, not bytes: 'Ñ' is a legitimate RFC letter
/// and takes two bytes in UTF-8, so byte lengths and offsets would both miscount and slice
/// inside a character.
pub fn validate(rfc: &str) -> Result<(), RfcError> {
    if rfc == "ND" {
        return Ok(());
    }
    let chars: Vec<char> = rfc.chars().take(14).collect();
    let letters = match chars.len() {
        12 => 3,
        13 => 4,
        _ => return Err(RfcError::Format),
    };
    let (name, rest) = chars.split_at(letters);
    let (date, homoclave) = rest.split_at(6);
    let ok = name.iter().all(|c| matches!(c, 'A'..='Z' | '&' | 'Ñ'))
        && date_ok(date)
        && homoclave
            .iter()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
    if ok {
        Ok(())
    } else {
        Err(RfcError::Format)
    }
}

/// YYMMDD with a month 01–12 and a day 01–31.
fn date_ok(date: &[char]) -> bool {
    let digits: Option<Vec<u32>> = date.iter().map(|c| c.to_digit(10)).collect();
    match digits.as_deref() {
        Some([_, _, m1, m2, d1, d2]) => {
            (1..=12).contains(&(m1 * 10 + m2)) && (1..=31).contains(&(d1 * 10 + d2))
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_digits_of_the_shared_vectors() {
        let v: serde_json::Value =
            serde_json::from_str(include_str!("../tests/fixtures/check_digit_vectors.json"))
                .unwrap_or_default();
        let list = |k: &str| -> Vec<String> {
            v[k].as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|s| s.as_str().map(String::from))
                        .collect()
                })
                .unwrap_or_default()
        };
        assert!(!list("rfc_valid").is_empty());
        for r in list("rfc_valid") {
            assert_eq!(validate_strict(&r), Ok(()), "{r}");
        }
        for r in list("rfc_bad_check_digit") {
            assert_eq!(validate_strict(&r), Err(RfcError::CheckDigit), "{r}");
        }
        for r in GENERIC {
            assert_eq!(validate_strict(r), Ok(()), "{r}");
        }
        assert_eq!(validate_strict("ND"), Err(RfcError::Format));
        assert_eq!(validate_strict("GODE561231GR9"), Err(RfcError::CheckDigit));
    }

    #[test]
    fn accepts_real_shapes() {
        for r in [
            "ND",
            "GODE561231GR8",
            "MAB9307148T4",
            "XAXX010101000",
            "XEXX010101000",
            "MUÑO850101AB1",
            "ÑAB9307148T4",
        ] {
            assert_eq!(validate(r), Ok(()), "{r}");
        }
        for r in [
            "",
            "N/A",
            "GODE561331GR8",
            "gode561231gr8",
            "GODE561231GR",
            // Bytes, not characters, were counted: this 11-character string was accepted (one
            // 'Ñ' among the "letters" let any other byte through) ...
            "1Ñ9307148T4",
            // ... and this one panicked, slicing inside the second 'É'.
            "ÉÉ9307148T",
            "GOD\u{e9}561231GR8",
            "GODE5612\u{1f4b3}1GR8",
        ] {
            assert!(validate(r).is_err(), "{r}");
        }
    }
}
