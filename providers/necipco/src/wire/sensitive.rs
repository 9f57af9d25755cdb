//! A text that must never be printed: card numbers (clear or ciphered), PINs, CVCs, expiry
//! dates, passwords and tokens. Flux's `Secret` is read-only (it does not serialize, on
//! purpose: it guards configuration); wire values have to go back on the wire, so this type
//! serializes as a plain JSON string while Debug and Display show a placeholder. A ciphered
//! value is kept redacted too: it is the card number for whoever holds the key, and it must
//! not end up in logs either.

use serde::{Deserialize, Serialize};

#[derive(Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Sensitive(String);

impl Sensitive {
    pub fn new(value: impl Into<String>) -> Self {
        Sensitive(value.into())
    }

    /// Reads the value. Call sites are where a secret leaves the type: keep them few.
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn into_inner(self) -> String {
        self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl std::fmt::Debug for Sensitive {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("\"***\"")
    }
}

impl std::fmt::Display for Sensitive {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("***")
    }
}

impl From<&str> for Sensitive {
    fn from(s: &str) -> Self {
        Sensitive(s.to_string())
    }
}

impl From<String> for Sensitive {
    fn from(s: String) -> Self {
        Sensitive(s)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn never_prints() {
        let s = super::Sensitive::new("4111111111111111");
        assert_eq!(format!("{s:?} {s}"), "\"***\" ***");
        assert_eq!(
            serde_json::to_string(&s).ok().as_deref(),
            Some("\"4111111111111111\"")
        );
    }
}
