//! Numbers that must stay exact. NeCIPCo sends money as JSON numbers (`1000.55`, `10000.00`,
//! `1154.0`) and coordinates as JSON numbers with five decimals (`-134.87536`). Going through
//! `f64` would round large amounts and lose the scale (`10000.00` would come back as `10000`),
//! so these types read the number's own text (`serde_json::value::RawValue`) into a
//! `rust_decimal::Decimal` and write the same text back. The workspace's serde_json does not
//! enable `arbitrary_precision` (it would change number handling in every crate), which is why
//! `RawValue` is used, as in Félix's `wire/exact.rs`.
//!
//! They need serde_json's own deserializer underneath: no struct holding them uses
//! `#[serde(flatten)]` or `#[serde(untagged)]` (both buffer numbers as `f64`). Query strings are
//! not JSON, so query types keep their values as text and use [`Amount::parse`] /
//! [`Coordinate::parse`].
//!
//! Some values come as a number in one example and as a string in another (`reference`:
//! `"555555555"` and `555555555`; `authorization_code`: `65498745` and `"542010"`):
//! [`NumOrText`] keeps the text and the form, and writes it back the way it came.

use rust_decimal::Decimal;
use serde::{de::Error as _, Deserialize, Deserializer, Serialize, Serializer};
use serde_json::value::RawValue;
use std::str::FromStr;

/// A number's text, or a string's content; anything else is refused.
enum Scalar {
    Number(String),
    Text(String),
}

fn scalar<'de, D: Deserializer<'de>>(d: D) -> Result<Scalar, D::Error> {
    let raw = Box::<RawValue>::deserialize(d)?;
    let text = raw.get().trim();
    if text.starts_with('"') {
        return serde_json::from_str::<String>(text)
            .map(Scalar::Text)
            .map_err(D::Error::custom);
    }
    if text.starts_with(|c: char| c == '-' || c.is_ascii_digit()) {
        return Ok(Scalar::Number(text.to_string()));
    }
    Err(D::Error::custom(format!(
        "expected a number or a string, got {text}"
    )))
}

fn number_out<S: Serializer>(text: String, s: S) -> Result<S::Ok, S::Error> {
    RawValue::from_string(text)
        .map_err(serde::ser::Error::custom)?
        .serialize(s)
}

/// Parses decimal text, also in exponent form (`1.5e3`), without going through `f64`.
fn decimal(text: &str) -> Result<Decimal, String> {
    let text = text.trim();
    let parsed = if text.contains(['e', 'E']) {
        Decimal::from_scientific(text)
    } else {
        Decimal::from_str(text)
    };
    parsed.map_err(|e| format!("invalid number {text:?}: {e}"))
}

/// An amount in MXN as NeCIPCo writes it: a JSON number, read exactly (`10000.00` keeps its
/// two decimals). A decimal string is accepted on the way in; it is written as a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct Amount(pub Decimal);

impl Amount {
    pub fn value(&self) -> Decimal {
        self.0
    }

    pub fn parse(text: &str) -> Result<Amount, String> {
        decimal(text).map(Amount)
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
        match scalar(d)? {
            Scalar::Number(t) | Scalar::Text(t) => Amount::parse(&t).map_err(D::Error::custom),
        }
    }
}

/// An amount NeCIPCo writes as a decimal string (`"importe": "350.11"`, `"total": "567.24"`):
/// exact, and written back as a string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct AmountText(pub Decimal);

impl AmountText {
    pub fn value(&self) -> Decimal {
        self.0
    }
}

impl Serialize for AmountText {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0.to_string())
    }
}

impl<'de> Deserialize<'de> for AmountText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match scalar(d)? {
            Scalar::Number(t) | Scalar::Text(t) => {
                decimal(&t).map(AmountText).map_err(D::Error::custom)
            }
        }
    }
}

/// A latitude or longitude in decimal degrees, exactly as sent (`12.65343`). The seed asks for
/// five decimals ("DD.ddddd"); the check is [`Coordinate::is_latitude`] /
/// [`Coordinate::is_longitude`], so that a wrong value is a field error, not an unreadable body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Coordinate(pub Decimal);

/// Decimal places the seed documents for coordinates.
pub const COORDINATE_SCALE: u32 = 5;

impl Coordinate {
    pub fn parse(text: &str) -> Result<Coordinate, String> {
        decimal(text).map(Coordinate)
    }

    /// With at most five decimals and within `limit` degrees either side.
    fn within(&self, limit: i64) -> bool {
        self.0.normalize().scale() <= COORDINATE_SCALE && self.0.abs() <= Decimal::from(limit)
    }

    /// From -90 to 90, at most five decimals.
    pub fn is_latitude(&self) -> bool {
        self.within(90)
    }

    /// From -180 to 180, at most five decimals.
    pub fn is_longitude(&self) -> bool {
        self.within(180)
    }

    /// A coordinate rounded to five decimals, as a sender should write it.
    pub fn rounded(value: Decimal) -> Coordinate {
        Coordinate(value.round_dp(COORDINATE_SCALE))
    }
}

impl std::fmt::Display for Coordinate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl Serialize for Coordinate {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        number_out(self.0.to_string(), s)
    }
}

impl<'de> Deserialize<'de> for Coordinate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match scalar(d)? {
            Scalar::Number(t) | Scalar::Text(t) => Coordinate::parse(&t).map_err(D::Error::custom),
        }
    }
}

/// A value NeCIPCo sends sometimes as a JSON number and sometimes as a string (account
/// references, authorization codes, country codes). The text is kept, and written back in the
/// form it came in.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct NumOrText {
    text: String,
    as_number: bool,
}

impl NumOrText {
    /// Written as a JSON string.
    pub fn text(text: impl Into<String>) -> Self {
        NumOrText {
            text: text.into(),
            as_number: false,
        }
    }

    /// Written as a JSON number; `text` must be a JSON number's text (digits here).
    pub fn number(text: impl Into<String>) -> Self {
        let text = text.into();
        let digits = !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
        NumOrText {
            as_number: digits,
            text,
        }
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    pub fn sent_as_number(&self) -> bool {
        self.as_number
    }
}

impl std::fmt::Display for NumOrText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

impl Serialize for NumOrText {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.as_number {
            number_out(self.text.clone(), s)
        } else {
            s.serialize_str(&self.text)
        }
    }
}

impl<'de> Deserialize<'de> for NumOrText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(match scalar(d)? {
            Scalar::Number(text) => NumOrText {
                text,
                as_number: true,
            },
            Scalar::Text(text) => NumOrText {
                text,
                as_number: false,
            },
        })
    }
}

/// `Option<Option<T>>` for members that may be absent, present as `null`, or present with a
/// value (the seed shows `"clabe": null` in one answer and no `clabe` in another). Use with
/// `#[serde(default, skip_serializing_if = "Option::is_none", with = "nullable")]`.
pub mod nullable {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<T: Serialize, S: Serializer>(
        v: &Option<Option<T>>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match v {
            Some(inner) => inner.serialize(s),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, T: Deserialize<'de>, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Option<T>>, D::Error> {
        Option::<T>::deserialize(d).map(Some)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn amounts_keep_their_text() {
        for text in [
            "10000.00",
            "1154.0",
            "1000.55",
            "0.1",
            "123456789012345678.99",
        ] {
            let a: Amount = serde_json::from_str(text).unwrap();
            assert_eq!(serde_json::to_string(&a).unwrap(), text);
        }
        let a: Amount = serde_json::from_str("1.5e3").unwrap();
        assert_eq!(a.0, Decimal::from(1500));
    }

    #[test]
    fn coordinates_are_checked() {
        let ok: Coordinate = serde_json::from_str("-134.87536").unwrap();
        assert!(ok.is_longitude() && !ok.is_latitude());
        assert!(Coordinate::parse("12.123456").is_ok_and(|c| !c.is_latitude()));
        assert!(Coordinate::parse("12.123450").is_ok_and(|c| c.is_latitude()));
        assert!(Coordinate::parse("90.00001").is_ok_and(|c| !c.is_latitude()));
        assert!(Coordinate::parse("-180").is_ok_and(|c| c.is_longitude()));
    }

    #[test]
    fn num_or_text_keeps_its_form() {
        for text in ["555555555", "\"555555555\"", "\"542010\""] {
            let v: NumOrText = serde_json::from_str(text).unwrap();
            assert_eq!(serde_json::to_string(&v).unwrap(), text);
        }
    }
}
