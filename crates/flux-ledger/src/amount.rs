//! Amounts in integer minor units of the currency's ISO 4217 exponent, decimal strings on the
//! wire. Trailing zeros are harmless ("1500.00" CLP is 1500 pesos, as in the Fidi X example);
//! a digit the currency cannot hold ("1500.5" CLP, "1.005" MXN) is refused, never rounded.

use flux_core::money::Currency;
use rust_decimal::Decimal;

/// The largest amount one operation may carry, in minor units: 10^15 (ten trillion pesos).
/// Far above any real movement, and far enough below `i64::MAX` that no balance can overflow.
pub const MAX_MINOR: i64 = 1_000_000_000_000_000;

/// Parses a positive decimal string into minor units of `currency`.
pub fn parse_minor(text: &str, currency: Currency) -> Result<i64, String> {
    let value = flux_core::money::parse_decimal(text)
        .map_err(|e| e.to_string())?
        .normalize();
    if value.scale() > currency.exponent() {
        return Err(format!(
            "has more decimals than {} allows ({})",
            currency.code(),
            currency.exponent()
        ));
    }
    let mut scaled = value;
    scaled.rescale(currency.exponent());
    let minor = i64::try_from(scaled.mantissa()).map_err(|_| "is too large".to_string())?;
    if minor <= 0 {
        return Err("must be greater than zero".into());
    }
    if minor > MAX_MINOR {
        return Err("is too large".into());
    }
    Ok(minor)
}

/// Renders minor units with exactly the currency's number of decimals ("1500.00" MXN, "1500" CLP).
pub fn format_minor(minor: i64, currency: Currency) -> String {
    Decimal::new(minor, currency.exponent()).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exponents_are_iso() {
        assert_eq!(parse_minor("1500.00", Currency::CLP), Ok(1500));
        assert!(parse_minor("1500.5", Currency::CLP).is_err());
        assert_eq!(parse_minor("10.05", Currency::MXN), Ok(1005));
        assert!(parse_minor("1.005", Currency::USD).is_err());
        assert_eq!(parse_minor("1.010", Currency::COP), Ok(101));
        for bad in ["", "-1", "1e3", "0", "0.00", ".5", "5.", "1,00", " 1"] {
            assert!(parse_minor(bad, Currency::MXN).is_err(), "{bad}");
        }
        assert!(parse_minor("99999999999999999999", Currency::MXN).is_err());
        assert_eq!(format_minor(1005, Currency::MXN), "10.05");
        assert_eq!(format_minor(-5, Currency::GTQ), "-0.05");
        assert_eq!(format_minor(1500, Currency::CLP), "1500");
    }
}
