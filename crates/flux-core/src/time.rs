//! Timestamps. Flux speaks RFC 3339 with an offset; Fincore writes
//! "2025-03-05 11:16:59.488685-06:00" (space, microseconds) and sometimes no offset at all.

use chrono::{DateTime, FixedOffset, NaiveDateTime, Offset, SecondsFormat, TimeZone, Utc};

/// Mexico City has had no daylight saving time since 2022: a fixed UTC-6 offset.
pub fn mexico_city() -> FixedOffset {
    FixedOffset::west_opt(6 * 3600).unwrap_or_else(|| Utc.fix())
}

/// Flux's wire format: RFC 3339 with microseconds and offset.
pub fn to_rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// Fincore's wire format, in Mexico City time.
pub fn to_fincore(t: DateTime<Utc>) -> String {
    t.with_timezone(&mexico_city())
        .format("%Y-%m-%d %H:%M:%S%.6f%:z")
        .to_string()
}

/// Parses any timestamp a provider sends: RFC 3339, Fincore's space-separated form with or
/// without offset (no offset means Mexico City time). "None" and "" are absent values.
pub fn parse_provider(text: &str) -> Option<DateTime<Utc>> {
    parse_any(text).map(|t| from_micros(to_micros(t)))
}

/// The formats providers use. The caller canonicalises: a leap second (`:60`) or nanoseconds
/// would not read back equal from the store.
fn parse_any(text: &str) -> Option<DateTime<Utc>> {
    let text = text.trim();
    if text.is_empty() || text == "None" || text == "null" {
        return None;
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Some(t.with_timezone(&Utc));
    }
    if let Ok(t) = DateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f%:z") {
        return Some(t.with_timezone(&Utc));
    }
    for fmt in ["%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%d %H:%M:%S"] {
        if let Ok(t) = NaiveDateTime::parse_from_str(text, fmt) {
            return mexico_city()
                .from_local_datetime(&t)
                .single()
                .map(|t| t.with_timezone(&Utc));
        }
    }
    None
}

/// The current instant at the store's resolution (microseconds), so that what is written
/// reads back equal.
pub fn now() -> DateTime<Utc> {
    from_micros(Utc::now().timestamp_micros())
}

/// Microseconds since the Unix epoch: how the store keeps instants, identically on both backends.
pub fn to_micros(t: DateTime<Utc>) -> i64 {
    t.timestamp_micros()
}

pub fn from_micros(us: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_micros(us).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_provider_shape() {
        let a = parse_provider("2025-03-05 11:16:59.488685-06:00").unwrap();
        let b = parse_provider("2025-03-05T17:16:59.488685Z").unwrap();
        assert_eq!(a, b);
        let c = parse_provider("2025-03-06 11:16:59.491631").unwrap();
        assert_eq!(to_fincore(c), "2025-03-06 11:16:59.491631-06:00");
        assert_eq!(parse_provider("None"), None);
        assert_eq!(to_rfc3339(a), "2025-03-05T17:16:59.488685Z");
    }
}
