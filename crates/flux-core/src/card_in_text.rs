//! Card numbers inside any text, as people write them: 13 to 19 digits that pass the Luhn
//! check, together ("4111111111111111") or in groups split by single spaces or dashes
//! ("4111 1111 1111 1111", "4111-1111-1111-1111"), alone or within a sentence ("pay card
//! 4111111111111111 please"). The audit trail runs this on every string a partner sends, so
//! finding is allocation-free; only masking a string that holds a card allocates.
//!
//! A false positive (a reference number that happens to pass Luhn) only hides digits from the
//! trail; a false negative copies a card number into it. So any window of whole digit groups
//! counts: "ref 123 4111 1111 1111 1111" finds the card after "123".

use std::borrow::Cow;
use std::ops::Range;

const MIN_DIGITS: usize = 13;
const MAX_DIGITS: usize = 19;

/// True when `text` holds a card number.
pub fn contains_card(text: &str) -> bool {
    let mut any = false;
    scan(text, |_| {
        any = true;
        false
    });
    any
}

/// `text` with each card number in it masked but its last four digits, separators kept:
/// "pay 4111 1111 1111 1111" becomes "pay **** **** **** 1111".
pub fn mask_cards(text: &str) -> Cow<'_, str> {
    let mut found = Vec::new();
    scan(text, |card| {
        found.push(card);
        true
    });
    if found.is_empty() {
        return Cow::Borrowed(text);
    }
    let mut out = text.as_bytes().to_vec();
    for card in found {
        let digits = out[card.clone()]
            .iter()
            .filter(|b| b.is_ascii_digit())
            .count();
        let mut seen = 0;
        for b in &mut out[card] {
            if b.is_ascii_digit() {
                seen += 1;
                if seen <= digits - 4 {
                    *b = b'*';
                }
            }
        }
    }
    // Only ASCII digits were replaced, by an ASCII '*': still UTF-8.
    Cow::Owned(String::from_utf8(out).expect("ASCII replaced by ASCII"))
}

/// Calls `found` with the byte range of each card number in `text`, first digit to last, until
/// it returns false. Cards do not overlap: the search goes on after each one.
fn scan(text: &str, mut found: impl FnMut(Range<usize>) -> bool) {
    let b = text.as_bytes();
    let mut from = 0;
    while let Some(first) = group_at_or_after(b, from) {
        match card_starting_at(b, first.clone()) {
            Some(card) => {
                from = card.end;
                if !found(card) {
                    return;
                }
            }
            None => from = first.end,
        }
    }
}

/// The first window of whole groups, starting with `first`, that is a card number.
fn card_starting_at(b: &[u8], first: Range<usize>) -> Option<Range<usize>> {
    let mut last = first.clone();
    let mut digits = 0;
    loop {
        digits += last.len();
        if digits > MAX_DIGITS {
            return None;
        }
        if digits >= MIN_DIGITS && luhn_skipping_separators(&b[first.start..last.end]) {
            return Some(first.start..last.end);
        }
        last = joined_group(b, last.end)?;
    }
}

/// The next maximal run of digits at or after `from` (which is never inside a run).
fn group_at_or_after(b: &[u8], from: usize) -> Option<Range<usize>> {
    let start = from + b.get(from..)?.iter().position(u8::is_ascii_digit)?;
    Some(start..digits_end(b, start))
}

/// The group that follows the one ending at `end`, when exactly one space or dash joins them.
fn joined_group(b: &[u8], end: usize) -> Option<Range<usize>> {
    let (sep, next) = (*b.get(end)?, *b.get(end + 1)?);
    ((sep == b' ' || sep == b'-') && next.is_ascii_digit()).then(|| end + 1..digits_end(b, end + 1))
}

fn digits_end(b: &[u8], start: usize) -> usize {
    start + b[start..].iter().take_while(|c| c.is_ascii_digit()).count()
}

fn luhn_skipping_separators(bytes: &[u8]) -> bool {
    let digits = bytes.iter().rev().filter(|c| c.is_ascii_digit());
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
            (
                "pago tarjeta 4772130000000003.",
                "pago tarjeta ************0003.",
            ),
            ("ref 123 4111 1111 1111 1111", "ref 123 **** **** **** 1111"),
            (
                "two: 4111111111111111, 4772130000000003",
                "two: ************1111, ************0003",
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
            "4111  1111 1111 1111",    // groups split by two spaces are not one number
            "550e8400-e29b-41d4-a716-446655440000",
            "SPEI 2026-12-01",
        ] {
            assert!(!contains_card(text), "{text}");
            assert!(matches!(mask_cards(text), Cow::Borrowed(_)), "{text}");
        }
    }
}
