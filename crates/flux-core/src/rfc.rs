//! RFC (Registro Federal de Contribuyentes) format checks. Providers accept "ND" when the RFC
//! is unknown, and the generic RFCs XAXX010101000 / XEXX010101000 by convention, so Flux checks
//! the shape (letters, date, homoclave) rather than the check digit, which many real RFCs in
//! provider data do not satisfy.

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RfcError {
    #[error("must be \"ND\" or an RFC of 12 (company) or 13 (person) characters: letters, YYMMDD, 3-character homoclave")]
    Format,
}

pub fn validate(rfc: &str) -> Result<(), RfcError> {
    if rfc == "ND" {
        return Ok(());
    }
    let b = rfc.as_bytes();
    let letters = match b.len() {
        12 => 3,
        13 => 4,
        _ => return Err(RfcError::Format),
    };
    let letters_ok = b[..letters]
        .iter()
        .all(|c| c.is_ascii_uppercase() || *c == b'&' || rfc[..letters].contains('Ñ'));
    let date = &b[letters..letters + 6];
    let date_ok = date.iter().all(u8::is_ascii_digit) && {
        let month = (date[2] - b'0') * 10 + (date[3] - b'0');
        let day = (date[4] - b'0') * 10 + (date[5] - b'0');
        (1..=12).contains(&month) && (1..=31).contains(&day)
    };
    let homoclave_ok = b[letters + 6..]
        .iter()
        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
    if letters_ok && date_ok && homoclave_ok {
        Ok(())
    } else {
        Err(RfcError::Format)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_real_shapes() {
        for r in [
            "ND",
            "GODE561231GR8",
            "MAB9307148T4",
            "XAXX010101000",
            "XEXX010101000",
        ] {
            assert_eq!(validate(r), Ok(()), "{r}");
        }
        for r in ["", "N/A", "GODE561331GR8", "gode561231gr8", "GODE561231GR"] {
            assert!(validate(r).is_err(), "{r}");
        }
    }
}
