//! Fincore's words in Flux's terms: its transfer statuses as [`TxStatus`], and a MONEY_IN's
//! amount read exactly from the bytes Fincore sent (a JSON number included, never through
//! `f64`).

use flux_core::TxStatus;
use serde::Deserialize;
use serde_json::value::RawValue;

/// A transfer status as Fincore documents it (INITIALIZED, PENDING, COMPLETED, REJECTED);
/// None for anything else, which Flux files for review instead of guessing.
pub fn status(text: &str) -> Option<TxStatus> {
    match text {
        "INITIALIZED" => Some(TxStatus::Initialized),
        "PENDING" => Some(TxStatus::Pending),
        "COMPLETED" => Some(TxStatus::Completed),
        "REJECTED" => Some(TxStatus::Rejected),
        _ => None,
    }
}

#[derive(Deserialize)]
struct EventProbe<'a> {
    #[serde(borrow, default)]
    body: Option<BodyProbe<'a>>,
}

#[derive(Deserialize)]
struct BodyProbe<'a> {
    #[serde(borrow, default)]
    amount: Option<&'a RawValue>,
}

/// The text of a webhook's `body.amount` exactly as sent: a string's contents, or a number's
/// digits. None when absent or null; an error naming what is wrong otherwise.
pub fn exact_amount(raw_event: &[u8]) -> Result<Option<String>, String> {
    let probe: EventProbe =
        serde_json::from_slice(raw_event).map_err(|e| format!("body.amount unreadable: {e}"))?;
    let Some(raw) = probe.body.and_then(|b| b.amount) else {
        return Ok(None);
    };
    let text = raw.get();
    match text.as_bytes().first() {
        Some(b'"') => serde_json::from_str::<String>(text)
            .map(Some)
            .map_err(|e| format!("body.amount unreadable: {e}")),
        Some(b'-' | b'0'..=b'9') => Ok(Some(text.to_string())),
        Some(b'n') => Ok(None),
        _ => Err(format!("body.amount must be a decimal, not {text}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_read_exactly() {
        let cases: [(&str, Result<Option<&str>, ()>); 6] = [
            (r#"{"body":{"amount":"123.00"}}"#, Ok(Some("123.00"))),
            (r#"{"body":{"amount":123.10}}"#, Ok(Some("123.10"))),
            (
                r#"{"body":{"amount":99999999999999999999.01}}"#,
                Ok(Some("99999999999999999999.01")),
            ),
            (r#"{"body":{"amount":null}}"#, Ok(None)),
            (r#"{"body":{}}"#, Ok(None)),
            (r#"{"body":{"amount":true}}"#, Err(())),
        ];
        for (raw, want) in cases {
            let got = exact_amount(raw.as_bytes());
            assert_eq!(
                got.as_ref().map(|o| o.as_deref()).map_err(|_| ()),
                want,
                "{raw}"
            );
        }
    }

    #[test]
    fn only_documented_statuses_map() {
        assert_eq!(status("COMPLETED"), Some(TxStatus::Completed));
        assert_eq!(status("PWNED"), None);
        assert_eq!(status("completed"), None);
    }
}
