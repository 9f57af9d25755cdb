//! Card numbers inside any text, as people write them: 13 to 19 digits that pass the Luhn
//! check, together ("4111111111111111") or in groups split by a few characters that are not
//! letters or digits ("4111 1111 1111 1111", "4111-1111-1111-1111", "4111.1111.1111.1111",
//! a no-break space or a dash copied from a web page), alone or within a sentence ("pago
//! tarjeta 4111111111111111"). The audit trail runs this on every string a partner sends, so
//! finding is allocation-free; only masking a string that holds a card allocates.
//!
//! A false positive (a reference number that happens to pass Luhn) only hides digits from the
//! trail; a false negative copies a card number into it. So every window of whole digit groups
//! is tried, from every group, and every digit of every window that passes is masked: digits
//! placed before a card so that a window through both passes Luhn cannot leave the card's
//! own window unmasked. Not handled: digits other than ASCII ones (full-width `４`).

use std::borrow::Cow;
use std::ops::Range;

const MIN_DIGITS: usize = 13;
const MAX_DIGITS: usize = 19;
/// The most characters between two groups of one number ("4111 - 1111" has three).
const MAX_SEPARATOR_CHARS: usize = 3;

/// True when `text` holds a card number.
pub fn contains_card(text: &str) -> bool {
    let mut any = false;
    scan(text, |_| {
        any = true;
        false
    });
    any
}

/// `text` with the digits of its card numbers masked but the last four of each stretch of
/// overlapping cards, separators kept: "pay 4111 1111 1111 1111" is "pay **** **** **** 1111".
pub fn mask_cards(text: &str) -> Cow<'_, str> {
    let mut spans: Vec<Range<usize>> = Vec::new();
    scan(text, |card| {
        // Windows arrive by their first group, in order: merge each into the last span.
        match spans.last_mut() {
            Some(last) if card.start <= last.end => last.end = last.end.max(card.end),
            _ => spans.push(card),
        }
        true
    });
    if spans.is_empty() {
        return Cow::Borrowed(text);
    }
    let mut out = text.as_bytes().to_vec();
    for span in spans {
        let digits = out[span.clone()]
            .iter()
            .filter(|b| b.is_ascii_digit())
            .count();
        let mut seen = 0;
        for b in &mut out[span] {
            if b.is_ascii_digit() {
                seen += 1;
                if seen + 4 <= digits {
                    *b = b'*';
                }
            }
        }
    }
    // Only ASCII digits were replaced, by an ASCII '*': still UTF-8.
    Cow::Owned(String::from_utf8(out).expect("ASCII replaced by ASCII"))
}

/// `text` with its card numbers masked as [`mask_cards`] does, or `None` when it holds none:
/// one scan, where asking [`contains_card`] first would make two.
pub fn masked(text: &str) -> Option<String> {
    match mask_cards(text) {
        Cow::Owned(masked) => Some(masked),
        Cow::Borrowed(_) => None,
    }
}

/// Calls `found` with the byte range (first digit to last) of every window of whole groups
/// that is a card number, by first group in text order, until it returns false.
fn scan(text: &str, mut found: impl FnMut(Range<usize>) -> bool) {
    let mut from = 0;
    while let Some(first) = group_at_or_after(text, from) {
        let mut last = first.clone();
        let mut digits = 0;
        loop {
            digits += last.len();
            if digits > MAX_DIGITS {
                break;
            }
            let window = first.start..last.end;
            if digits >= MIN_DIGITS
                && luhn_skipping_separators(&text[window.clone()])
                && !found(window)
            {
                return;
            }
            match joined_group(text, last.end) {
                Some(next) => last = next,
                None => break,
            }
        }
        from = first.end;
    }
}

/// The next maximal run of ASCII digits at or after `from` (which is never inside a run).
fn group_at_or_after(text: &str, from: usize) -> Option<Range<usize>> {
    let b = text.as_bytes();
    let start = from + b.get(from..)?.iter().position(u8::is_ascii_digit)?;
    Some(start..digits_end(b, start))
}

/// The group after the one ending at `end`, when 1 to 3 characters that are neither letters
/// nor digits (in any script) join them.
fn joined_group(text: &str, end: usize) -> Option<Range<usize>> {
    let mut chars = text[end..].char_indices();
    for (n, (at, c)) in chars.by_ref().enumerate() {
        if c.is_ascii_digit() {
            return (n > 0).then(|| end + at..digits_end(text.as_bytes(), end + at));
        }
        if c.is_alphanumeric() || n == MAX_SEPARATOR_CHARS {
            return None;
        }
    }
    None
}

fn digits_end(b: &[u8], start: usize) -> usize {
    start + b[start..].iter().take_while(|c| c.is_ascii_digit()).count()
}

/// Luhn over the ASCII digits of `text` (bytes of multibyte characters are never digits).
fn luhn_skipping_separators(text: &str) -> bool {
    let digits = text.bytes().rev().filter(u8::is_ascii_digit);
    let sum: u32 = digits
        .enumerate()
        .map(|(i, c)| {
            let d = u32::from(c - b'0');
            match (i % 2 == 1, d * 2) {
                (true, doubled) if doubled > 9 => doubled - 9,
                (true, doubled) => doubled,
                (false, _) => d,
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_cards_as_people_write_them() {
        for (text, masked) in [
            ("4111111111111111", "************1111"),
            ("4111 1111 1111 1111", "**** **** **** 1111"),
            ("4111-1111-1111-1111", "****-****-****-1111"),
            ("4111.1111.1111.1111", "****.****.****.1111"),
            ("4111 - 1111 - 1111 - 1111", "**** - **** - **** - 1111"),
            (
                "4111\u{a0}1111\u{2011}1111–1111",
                "****\u{a0}****\u{2011}****–1111",
            ),
            (
                "pago tarjeta 4772130000000003.",
                "pago tarjeta ************0003.",
            ),
            // Digits before a card that pass Luhn with its first group: all of it is masked.
            (
                "ref 1234 5678 9013 4111 1111 1111 1111",
                "ref **** **** **** **** **** **** 1111",
            ),
            (
                "two: 4111111111111111; 4772130000000003",
                "two: ************1111; ************0003",
            ),
            ("4111111111111111.0", "************1111.0"),
            ("é4111111111111111é", "é************1111é"),
        ] {
            assert!(contains_card(text), "{text}");
            assert_eq!(mask_cards(text), masked, "{text}");
        }
    }

    #[test]
    fn leaves_what_is_not_a_card() {
        for text in [
            "",
            "100.00",
            "4111111111111112",        // fails Luhn
            "411111111111",            // 12 digits
            "41111111111111111111111", // a longer number is not a card
            "4111 x 1111 1111 1111",   // a letter between groups ends the number
            "4111    1111 1111 1111",  // so do four characters
            "550e8400-e29b-41d4-a716-446655440000",
            "SPEI 2026-12-01",
        ] {
            assert!(!contains_card(text), "{text}");
            assert!(matches!(mask_cards(text), Cow::Borrowed(_)), "{text}");
        }
    }
}
