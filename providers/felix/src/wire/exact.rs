//! Numbers that must stay exact. Félix sends amounts as JSON numbers (`2500.5`, `1500.75`) and
//! a CLABE as a JSON number (`32180000118359720`, its leading zero lost). Going through `f64`
//! would round large amounts and cannot tell `100.0` from `100`, so these types read the
//! number's own text (`serde_json::value::RawValue`) and write the same text back.
//!
//! They need serde_json's own deserializer underneath: `#[serde(flatten)]` buffers values as
//! `f64` first, which is why the structs holding them never use flatten for their own fields
//! (see `lossless.rs`).

use rust_decimal::Decimal;
use serde::{de::Error as _, Deserialize, Deserializer, Serialize, Serializer};
use serde_json::value::RawValue;
use std::str::FromStr;

/// A CLABE has 18 digits.
const CLABE_DIGITS: usize = 18;

/// The JSON text of one value, as sent.
fn raw_text<'de, D: Deserializer<'de>>(d: D) -> Result<Box<RawValue>, D::Error> {
    Box::<RawValue>::deserialize(d)
}

/// A number's text, or a string's content; anything else is refused.
enum Scalar {
    Number(String),
    Text(String),
}

fn scalar<E: serde::de::Error>(raw: &RawValue) -> Result<Scalar, E> {
    let text = raw.get().trim();
    if text.starts_with('"') {
        return serde_json::from_str::<String>(text)
            .map(Scalar::Text)
            .map_err(E::custom);
    }
    if text.starts_with(|c: char| c == '-' || c.is_ascii_digit()) {
        return Ok(Scalar::Number(text.to_string()));
    }
    Err(E::custom(format!(
        "expected a number or a string, got {text}"
    )))
}

fn number_out<S: Serializer>(text: String, s: S) -> Result<S::Ok, S::Error> {
    RawValue::from_string(text)
        .map_err(serde::ser::Error::custom)?
        .serialize(s)
}

/// An amount, exactly as Félix wrote it: `2500.5` stays `2500.5` (scale kept), never an `f64`.
/// Read from a JSON number or a decimal string; written as a JSON number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Amount(pub Decimal);

impl Amount {
    pub fn value(&self) -> Decimal {
        self.0
    }

    /// Parses decimal text, also in exponent form (`1.5e3`), without going through `f64`.
    pub fn parse(text: &str) -> Result<Amount, String> {
        let text = text.trim();
        let parsed = if text.contains(['e', 'E']) {
            Decimal::from_scientific(text)
        } else {
            Decimal::from_str(text)
        };
        parsed
            .map(Amount)
            .map_err(|e| format!("invalid amount {text:?}: {e}"))
    }
}

impl From<Decimal> for Amount {
    fn from(d: Decimal) -> Self {
        Amount(d)
    }
}

impl std::fmt::Display for Amount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl Serialize for Amount {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        number_out(self.0.to_string(), s)
    }
}

impl<'de> Deserialize<'de> for Amount {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = raw_text(d)?;
        match scalar::<D::Error>(&raw)? {
            Scalar::Number(t) | Scalar::Text(t) => Amount::parse(&t).map_err(D::Error::custom),
        }
    }
}

/// An account number as sent: the seed's example sends `account_identifier_number` as a JSON
/// number although the schema says string. The text is kept; it is written back the way it
/// came (number or string).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AccountNumber {
    text: String,
    as_number: bool,
}

impl AccountNumber {
    /// An account number sent as a JSON string (what the schema documents).
    pub fn new(text: impl Into<String>) -> Self {
        AccountNumber {
            text: text.into(),
            as_number: false,
        }
    }

    /// The number as sent (a JSON number has lost any leading zero).
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Whether it came as a JSON number.
    pub fn sent_as_number(&self) -> bool {
        self.as_number
    }

    /// Read as a CLABE: all digits, left-padded with zeros to 18 (a JSON number drops them).
    pub fn as_clabe(&self) -> Option<String> {
        restore_clabe(&self.text)
    }
}

impl Serialize for AccountNumber {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.as_number {
            number_out(self.text.clone(), s)
        } else {
            s.serialize_str(&self.text)
        }
    }
}

impl<'de> Deserialize<'de> for AccountNumber {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = raw_text(d)?;
        Ok(match scalar::<D::Error>(&raw)? {
            Scalar::Number(text) => {
                if !text.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(D::Error::custom(format!(
                        "account number {text} is not an integer"
                    )));
                }
                AccountNumber {
                    text,
                    as_number: true,
                }
            }
            Scalar::Text(text) => AccountNumber {
                text,
                as_number: false,
            },
        })
    }
}

/// Left-pads an all-digit text of at most 18 digits to a CLABE's 18.
pub fn restore_clabe(digits: &str) -> Option<String> {
    let ok = !digits.is_empty()
        && digits.len() <= CLABE_DIGITS
        && digits.bytes().all(|b| b.is_ascii_digit());
    ok.then(|| format!("{digits:0>CLABE_DIGITS$}"))
}

/// A CLABE from a transaction response. Félix sends it as a JSON number
/// (`32180000118359720`), which loses the leading zero of banks 001–099; this type restores the
/// 18 digits (`032180000118359720`) and writes the number back as it came.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Clabe {
    digits: String,
    as_number: bool,
}

impl Clabe {
    /// An 18-digit CLABE, written as a JSON number as Félix does.
    pub fn from_digits(digits: &str) -> Option<Self> {
        restore_clabe(digits).map(|digits| Clabe {
            digits,
            as_number: true,
        })
    }

    /// The 18 digits.
    pub fn as_str(&self) -> &str {
        &self.digits
    }
}

impl Serialize for Clabe {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if !self.as_number {
            return s.serialize_str(&self.digits);
        }
        let trimmed = self.digits.trim_start_matches('0');
        number_out(
            if trimmed.is_empty() { "0" } else { trimmed }.to_string(),
            s,
        )
    }
}

impl<'de> Deserialize<'de> for Clabe {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let number = AccountNumber::deserialize(d)?;
        let digits = number
            .as_clabe()
            .ok_or_else(|| D::Error::custom(format!("{:?} is not a CLABE", number.text)))?;
        Ok(Clabe {
            digits,
            as_number: number.as_number,
        })
    }
}
