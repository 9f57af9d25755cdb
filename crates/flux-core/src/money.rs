//! Exact money. Amounts are `rust_decimal::Decimal` inside and decimal strings on the wire;
//! `f64` never touches an amount.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// ISO 4217 currencies Flux moves, with their minor-unit exponent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Currency {
    MXN,
    USD,
    CLP,
    COP,
    GTQ,
    HNL,
}

impl Currency {
    /// Digits after the decimal point that ISO 4217 allows for this currency.
    pub fn exponent(self) -> u32 {
        match self {
            Currency::CLP => 0,
            _ => 2,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Currency::MXN => "MXN",
            Currency::USD => "USD",
            Currency::CLP => "CLP",
            Currency::COP => "COP",
            Currency::GTQ => "GTQ",
            Currency::HNL => "HNL",
        }
    }

    pub const ALL: [Currency; 6] = [
        Currency::MXN,
        Currency::USD,
        Currency::CLP,
        Currency::COP,
        Currency::GTQ,
        Currency::HNL,
    ];
}

impl FromStr for Currency {
    type Err = AmountError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Currency::ALL
            .into_iter()
            .find(|c| c.code() == s)
            .ok_or(AmountError::UnknownCurrency)
    }
}

impl std::fmt::Display for Currency {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

/// Why a partner's amount was refused. The messages are shown to partners.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AmountError {
    #[error("must be a decimal string such as \"100.00\"")]
    NotADecimal,
    #[error("must be greater than zero")]
    NotPositive,
    #[error("has more decimals than the currency allows ({0})")]
    TooManyDecimals(u32),
    #[error("exceeds the maximum of {0}")]
    TooLarge(Decimal),
    #[error("unknown currency; expected one of MXN, USD, CLP, COP, GTQ, HNL")]
    UnknownCurrency,
}

/// A positive amount in a currency, exact to the currency's minor unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Amount {
    value: Decimal,
    currency: Currency,
}

/// What [`Amount::parse`] accepts for a currency with 2 decimals, as the regular expression
/// `/openapi.json` states: digits with at most one inner point, at most 2 decimals, > 0 and
/// <= [`max_amount`] (100,000,000), leading zeros allowed (with at most 40 characters in all).
pub const AMOUNT_PATTERN: &str =
    r"^(0*[1-9][0-9]{0,7}(\.[0-9]{1,2})?|0+\.(0[1-9]|[1-9][0-9]?)|0*100000000(\.00?)?)$";

/// The largest single movement Flux accepts: one hundred million units. Large enough for any
/// payroll batch line, small enough to catch a misplaced decimal point.
pub fn max_amount() -> Decimal {
    Decimal::from(100_000_000u64)
}

impl Amount {
    /// Parses a partner's decimal string strictly: digits with an optional point, no sign,
    /// no exponent, no more decimals than `currency` allows, > 0 and <= [`max_amount`].
    pub fn parse(text: &str, currency: Currency) -> Result<Self, AmountError> {
        let value = parse_decimal(text)?;
        if value.scale() > currency.exponent() {
            return Err(AmountError::TooManyDecimals(currency.exponent()));
        }
        if value <= Decimal::ZERO {
            return Err(AmountError::NotPositive);
        }
        if value > max_amount() {
            return Err(AmountError::TooLarge(max_amount()));
        }
        Ok(Amount { value, currency })
    }

    /// Builds an amount from a value already known to be valid (e.g. read back from the store).
    pub fn from_decimal(value: Decimal, currency: Currency) -> Self {
        Amount { value, currency }
    }

    pub fn value(&self) -> Decimal {
        self.value
    }

    pub fn currency(&self) -> Currency {
        self.currency
    }

    /// The amount in integer minor units (centavos for MXN).
    pub fn minor_units(&self) -> i128 {
        let mut v = self.value;
        v.rescale(self.currency.exponent());
        v.mantissa()
    }

    /// The canonical wire form: exactly the currency's number of decimals ("100.00").
    pub fn to_wire(&self) -> String {
        format_decimal(self.value, self.currency)
    }
}

/// The strict grammar of a decimal string on the wire: digits with at most one inner point, no
/// sign, no exponent, at most 40 characters. Everything that reads an amount goes through it.
pub fn parse_decimal(text: &str) -> Result<Decimal, AmountError> {
    let well_formed = !text.is_empty()
        && text.len() <= 40
        && text.chars().all(|c| c.is_ascii_digit() || c == '.')
        && text.matches('.').count() <= 1
        && !text.starts_with('.')
        && !text.ends_with('.');
    if !well_formed {
        return Err(AmountError::NotADecimal);
    }
    Decimal::from_str_exact(text).map_err(|_| AmountError::NotADecimal)
}

/// Formats a decimal with exactly the currency's number of decimals.
pub fn format_decimal(value: Decimal, currency: Currency) -> String {
    let mut v = value;
    v.rescale(currency.exponent());
    v.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_exact_amounts() {
        let a = Amount::parse("100.00", Currency::MXN).unwrap();
        assert_eq!(a.minor_units(), 10_000);
        assert_eq!(a.to_wire(), "100.00");
        assert_eq!(
            Amount::parse("1.5", Currency::MXN).unwrap().to_wire(),
            "1.50"
        );
        assert_eq!(
            Amount::parse("1500", Currency::CLP).unwrap().minor_units(),
            1500
        );
    }

    #[test]
    fn refuses_bad_amounts() {
        use AmountError::*;
        assert_eq!(Amount::parse("0.00", Currency::MXN), Err(NotPositive));
        assert_eq!(Amount::parse("-1", Currency::MXN), Err(NotADecimal));
        assert_eq!(Amount::parse("1e3", Currency::MXN), Err(NotADecimal));
        assert_eq!(Amount::parse("", Currency::MXN), Err(NotADecimal));
        assert_eq!(Amount::parse("1.", Currency::MXN), Err(NotADecimal));
        assert_eq!(
            Amount::parse("1.001", Currency::MXN),
            Err(TooManyDecimals(2))
        );
        assert_eq!(Amount::parse("1.5", Currency::CLP), Err(TooManyDecimals(0)));
        assert!(matches!(
            Amount::parse("100000000.01", Currency::MXN),
            Err(TooLarge(_))
        ));
        assert_eq!("XYZ".parse::<Currency>(), Err(UnknownCurrency));
    }
}
