//! CURP (Clave Única de Registro de Población): 18 characters,
//! `[A-Z]{4}` initials, `YYMMDD` birth date, `H`/`M` (or `X`) sex, 2-letter state, 3
//! consonants, a homonym character (digit before 2000, letter after) and a check digit.
//!
//! The check digit is RENAPO's: each of the first 17 characters is valued by its index in
//! `0-9 A-N & O-Z` (the `&` stands where `Ñ` sorts) and weighed 18 down to 2; the digit is
//! `(10 - sum mod 10) mod 10`. Flux checks it for identities it creates (a cardholder), where
//! a wrong digit is a typo to catch before the provider files it.

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CurpError {
    #[error("must be a CURP of 18 characters: 4 letters, YYMMDD, H, M or X, 5 letters, a letter or digit, a digit")]
    Format,
    #[error("its check digit (the last character) is wrong")]
    CheckDigit,
}

const CHECK_ALPHABET: &[u8] = b"0123456789ABCDEFGHIJKLMN&OPQRSTUVWXYZ";

/// Checks a CURP's shape and check digit.
pub fn validate(curp: &str) -> Result<(), CurpError> {
    let b = curp.as_bytes();
    if b.len() != 18 || !curp.is_ascii() {
        return Err(CurpError::Format);
    }
    let upper = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_uppercase);
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    if !digits(4..10) {
        return Err(CurpError::Format);
    }
    let month = (b[6] - b'0') * 10 + (b[7] - b'0');
    let day = (b[8] - b'0') * 10 + (b[9] - b'0');
    let shape = upper(0..4)
        && (1..=12).contains(&month)
        && (1..=31).contains(&day)
        && matches!(b[10], b'H' | b'M' | b'X')
        && upper(11..16)
        && (b[16].is_ascii_uppercase() || b[16].is_ascii_digit())
        && b[17].is_ascii_digit();
    if !shape {
        return Err(CurpError::Format);
    }
    let mut sum = 0usize;
    for (i, c) in b[..17].iter().enumerate() {
        let value = CHECK_ALPHABET
            .iter()
            .position(|a| a == c)
            .ok_or(CurpError::Format)?;
        sum += value * (18 - i);
    }
    let expected = b'0' + ((10 - sum % 10) % 10) as u8;
    if b[17] == expected {
        Ok(())
    } else {
        Err(CurpError::CheckDigit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shared_vectors() {
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
        assert!(!list("curp_valid").is_empty());
        for c in list("curp_valid") {
            assert_eq!(validate(&c), Ok(()), "{c}");
        }
        assert!(!list("curp_invalid").is_empty());
        for c in list("curp_invalid") {
            assert!(validate(&c).is_err(), "{c}");
        }
    }

    #[test]
    fn shapes() {
        for c in [
            "",
            "PEGJ900101HDFRRN0",
            "PEGJ900101HDFRRN090",
            "pegj900101hdfrrn09",
            "PEGJ901301HDFRRN09",
            "PEGJ900101QDFRRN09",
            "PEGJ9001Ñ1HDFRRN09",
            "PEGJ90A101HDFRRN09",
        ] {
            assert_eq!(validate(c), Err(CurpError::Format), "{c}");
        }
        assert_eq!(validate("PEGJ900101HDFRRN09"), Ok(()));
        assert_eq!(validate("PEGJ900101HDFRRN08"), Err(CurpError::CheckDigit));
    }
}
