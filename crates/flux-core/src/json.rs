//! Duplicate keys in JSON objects. RFC 8259 leaves their meaning open: serde_json keeps the
//! last one, other parsers (a proxy, a log pipeline, the partner's own tooling) may keep the
//! first, so `{"amount":"1.00","amount":"2.00"}` can mean 1.00 to whoever reads the audit trail
//! and 2.00 to the code that moves the money. Flux refuses such bodies instead of picking one.
//!
//! [`first_duplicate_key`] walks the document as a stream (a serde visitor over serde_json's
//! deserializer) without building it: it keeps only the keys of the objects it is inside and
//! the path down to them. Depth is bounded by serde_json's recursion limit (128 levels), so
//! hostile input cannot exhaust the stack.

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use std::collections::HashSet;
use std::fmt::{self, Write};

/// The path of the first key that appears twice in one object, at any depth, in document
/// order: `amount`, `transaction_request.amount`, `operations[0].amount`, `[2].id` (inside a
/// top-level array). Keys are compared after unescaping (`"a\u0062"` and `"ab"` are one key).
/// `None` when every object's keys are distinct, and for input that is not JSON (or nests
/// deeper than serde_json's recursion limit) where no duplicate was seen before the fault:
/// report malformed input with the parser's own error.
pub fn first_duplicate_key(bytes: &[u8]) -> Option<String> {
    let mut scan = Scan::default();
    let mut json = serde_json::Deserializer::from_slice(bytes);
    // A duplicate ends the walk early with an error; malformed input ends it the same way with
    // nothing found. Either way the answer is in `scan.found`.
    let _ = Node(&mut scan).deserialize(&mut json);
    scan.found
}

/// One step down from the document root.
enum Step {
    Key(String),
    Index(usize),
}

/// The walk's state: where it is, and the duplicate once found.
#[derive(Default)]
struct Scan {
    path: Vec<Step>,
    found: Option<String>,
}

impl Scan {
    /// The current path followed by `key`, in the dotted form of field errors.
    fn path_to(&self, key: &str) -> String {
        let mut out = String::new();
        for step in &self.path {
            match step {
                Step::Key(k) => push_key(&mut out, k),
                Step::Index(i) => {
                    let _ = write!(out, "[{i}]");
                }
            }
        }
        push_key(&mut out, key);
        out
    }
}

fn push_key(out: &mut String, key: &str) {
    if !out.is_empty() {
        out.push('.');
    }
    out.push_str(key);
}

/// Any JSON value at the current position of the walk.
struct Node<'s>(&'s mut Scan);

impl<'de> DeserializeSeed<'de> for Node<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Node<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    // Scalars hold no keys.
    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        for index in 0.. {
            self.0.path.push(Step::Index(index));
            let more = seq.next_element_seed(Node(&mut *self.0))?;
            self.0.path.pop();
            if more.is_none() {
                break;
            }
        }
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        // serde_json hands keys over unescaped, so equal text means the same key.
        let mut seen = HashSet::new();
        while let Some(key) = map.next_key::<String>()? {
            if seen.contains(&key) {
                self.0.found = Some(self.0.path_to(&key));
                return Err(de::Error::custom("duplicate key"));
            }
            // The key moves into the path while its value is walked, then into `seen`: no copy.
            self.0.path.push(Step::Key(key));
            map.next_value_seed(Node(&mut *self.0))?;
            if let Some(Step::Key(key)) = self.0.path.pop() {
                seen.insert(key);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::first_duplicate_key as dup;

    fn found(json: &str) -> Option<String> {
        dup(json.as_bytes())
    }

    #[test]
    fn distinct_keys_have_no_duplicate() {
        assert_eq!(found(r#"{"amount":"1.00","currency":"MXN"}"#), None);
        // The same name in sibling objects, or at another depth, is not a duplicate.
        assert_eq!(found(r#"[{"a":1},{"a":2}]"#), None);
        assert_eq!(found(r#"{"a":{"a":{"a":1}},"b":[{"a":1},{"a":1}]}"#), None);
        assert_eq!(found(r#"{}"#), None);
        assert_eq!(found(r#"[]"#), None);
        assert_eq!(found(r#""a string""#), None);
        assert_eq!(found(r#"null"#), None);
        assert_eq!(found(r#"[1, -2, 3.5, 1e400, true, null, "x"]"#), None);
    }

    #[test]
    fn top_level_duplicate() {
        assert_eq!(
            found(r#"{"amount":"1.00","amount":"2.00"}"#).as_deref(),
            Some("amount")
        );
        // Whatever the first value was, even a whole object.
        assert_eq!(found(r#"{"a":{"x":[1,2]},"a":2}"#).as_deref(), Some("a"));
    }

    #[test]
    fn nested_duplicate_names_its_path() {
        let body = r#"{"client_id":"c","transaction_request":{"amount":"1.00","currency":"MXN","amount":"2.00"}}"#;
        assert_eq!(found(body).as_deref(), Some("transaction_request.amount"));
    }

    #[test]
    fn duplicates_inside_arrays_carry_the_index() {
        let body = r#"{"operations":[{"amount":"1"},{"amount":"1","amount":"2"}]}"#;
        assert_eq!(found(body).as_deref(), Some("operations[1].amount"));
        assert_eq!(found(r#"[{},{"id":1,"id":1}]"#).as_deref(), Some("[1].id"));
        assert_eq!(
            found(r#"{"m":[[{"k":{"x":1,"x":2}}]]}"#).as_deref(),
            Some("m[0][0].k.x")
        );
    }

    #[test]
    fn the_first_duplicate_in_document_order_wins() {
        let body = r#"{"a":{"b":1,"b":2},"c":1,"c":2}"#;
        assert_eq!(found(body).as_deref(), Some("a.b"));
    }

    #[test]
    fn keys_are_compared_after_unescaping() {
        assert_eq!(found(r#"{"ab":1,"a\u0062":2}"#).as_deref(), Some("ab"));
        assert_eq!(found(r#"{"\u00e9":1,"é":2}"#).as_deref(), Some("é"));
        assert_eq!(found(r#"{"a\"b":1,"a\u0022b":2}"#).as_deref(), Some("a\"b"));
        // Case matters in JSON: these are two keys.
        assert_eq!(found(r#"{"Amount":1,"amount":2}"#), None);
    }

    #[test]
    fn deep_nesting_is_walked_up_to_the_parser_limit() {
        let depth = 100;
        let body = format!(
            "{}{{\"x\":1,\"x\":2}}{}",
            "{\"n\":".repeat(depth),
            "}".repeat(depth)
        );
        let expected = format!("{}x", "n.".repeat(depth));
        assert_eq!(found(&body), Some(expected));
    }

    #[test]
    fn hostile_or_malformed_input_does_not_panic() {
        // Far past serde_json's recursion limit: refused by the parser, not by the stack.
        let deep = "[".repeat(1_000_000);
        assert_eq!(found(&deep), None);
        let deep_objects = "{\"a\":".repeat(100_000);
        assert_eq!(found(&deep_objects), None);
        for junk in [
            "",
            " ",
            "{",
            "}",
            "{\"a\"",
            "{\"a\":}",
            "{\"a\":1,}",
            "[1,]",
            "nul",
            "\"\\u12\"",
            "{1:2}",
            "\u{0}",
        ] {
            assert_eq!(found(junk), None, "{junk:?}");
        }
        assert_eq!(dup(&[0xff, 0xfe, b'{']), None);
        assert_eq!(dup(b"{\"a\":\"\xff\"}"), None);
    }

    #[test]
    fn a_duplicate_seen_before_a_syntax_error_is_still_reported() {
        // The caller parses the body for itself and reports malformed JSON first; this only
        // shows that the walk stops at the first duplicate.
        assert_eq!(found(r#"{"a":1,"a":2,"#).as_deref(), Some("a"));
    }
}
