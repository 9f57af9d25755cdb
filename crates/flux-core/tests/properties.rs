//! Property-based: every parser, validator and masker in flux-core takes partner or provider
//! text, so each is fed arbitrary Unicode (multibyte letters, emoji, combining marks, digits
//! with one odd character at the end) and must answer rather than panic, with the invariants
//! its callers rely on.

#![allow(clippy::unwrap_used)]

use flux_core::money::{self, Amount, Currency};
use flux_core::{banks, card, clabe, rfc, time};
use proptest::prelude::*;

/// Characters that break byte arithmetic: two-, three- and four-byte characters, combining
/// marks, joiners and the letters Mexican identifiers actually carry.
const TRICKY: &[char] = &[
    'Ñ', 'ñ', 'É', 'é', '\u{301}', '\u{200d}', '\u{fe0f}', '€', '中', '💳', '👍', '🏽', '\u{0}',
    '.', '-', '&', ' ',
];

fn tricky_char() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => proptest::char::range('0', '9'),
        2 => proptest::char::range('A', 'Z'),
        2 => proptest::sample::select(TRICKY),
        1 => any::<char>(),
    ]
}

/// Mostly the shapes the functions expect (digits, capitals) salted with tricky characters,
/// around the lengths where the old byte arithmetic cut (4, 12, 13, 16, 18 and 40).
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        proptest::collection::vec(tricky_char(), 0..45).prop_map(|c| c.into_iter().collect()),
        // Valid-looking digits with one character swapped in near the end.
        ("[0-9]{12,19}", proptest::sample::select(TRICKY), 0usize..4).prop_map(|(d, c, back)| {
            let mut chars: Vec<char> = d.chars().collect();
            let at = chars.len() - 1 - back;
            chars[at] = c;
            chars.into_iter().collect()
        }),
        any::<String>(),
    ]
}

fn assert_masked(input: &str, out: &str) {
    let n = input.chars().count();
    let shown = n.min(4);
    let hidden = if n <= 4 { n } else { n - shown };
    assert_eq!(out.chars().count(), n, "{input:?} -> {out:?}");
    assert!(out.chars().take(hidden).all(|c| c == '*'), "{out:?}");
    // Only the last 4 characters of the input may appear, and only when it has more than 4.
    let tail: String = out.chars().skip(hidden).collect();
    if n > 4 {
        let expected: String = input.chars().skip(n - 4).collect();
        assert_eq!(tail, expected);
    } else {
        assert!(tail.is_empty());
    }
}

/// What Flux writes back reads as the same instant, at the store's resolution (microseconds).
fn round_trips(t: chrono::DateTime<chrono::Utc>) -> Result<(), TestCaseError> {
    let stored = time::from_micros(time::to_micros(t));
    prop_assert_eq!(time::parse_provider(&time::to_rfc3339(t)), Some(stored));
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn masks_never_panic_and_show_at_most_the_last_four(s in text()) {
        assert_masked(&s, &clabe::mask(&s));
        assert_masked(&s, &card::mask(&s));
    }

    #[test]
    fn clabe_validate_answers_and_accepts_only_18_digits(s in text()) {
        if clabe::validate(&s).is_ok() {
            prop_assert!(s.len() == 18 && s.bytes().all(|b| b.is_ascii_digit()));
        }
        let _ = banks::by_clabe_prefix(&s);
    }

    #[test]
    fn card_validate_and_luhn_answer_and_accept_only_digits(s in text()) {
        if card::validate(&s).is_ok() {
            prop_assert!(s.len() == 16 && s.bytes().all(|b| b.is_ascii_digit()));
        }
        if card::luhn_ok(&s) {
            prop_assert!(!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()));
        }
    }

    #[test]
    fn rfc_validate_answers_and_accepts_only_rfc_shapes(s in text()) {
        if rfc::validate(&s).is_ok() {
            let n = s.chars().count();
            prop_assert!(s == "ND" || n == 12 || n == 13, "{s:?}");
        }
    }

    #[test]
    fn rfc_accepts_every_well_formed_rfc(
        letters in "[A-Z&Ñ]{3,4}",
        yy in 0u32..100, mm in 1u32..=12, dd in 1u32..=31,
        homoclave in "[A-Z0-9]{3}",
    ) {
        let r = format!("{letters}{yy:02}{mm:02}{dd:02}{homoclave}");
        prop_assert_eq!(rfc::validate(&r), Ok(()), "{}", r);
    }

    #[test]
    fn amounts_parse_or_refuse_and_round_trip(s in text()) {
        if money::parse_decimal(&s).is_ok() {
            prop_assert!(s.chars().all(|c| c.is_ascii_digit() || c == '.'));
        }
        let _ = s.parse::<Currency>();
        for currency in Currency::ALL {
            if let Ok(a) = Amount::parse(&s, currency) {
                prop_assert!(a.value() > rust_decimal::Decimal::ZERO);
                prop_assert!(a.value() <= money::max_amount());
                prop_assert_eq!(Amount::parse(&a.to_wire(), currency), Ok(a));
            }
        }
    }

    #[test]
    fn decimal_shaped_text_never_panics(s in "[0-9]{0,40}(\\.[0-9]{0,40})?") {
        if let Ok(a) = Amount::parse(&s, Currency::MXN) {
            prop_assert_eq!(Amount::parse(&a.to_wire(), Currency::MXN), Ok(a));
        }
    }

    #[test]
    fn provider_timestamps_parse_or_are_absent(s in text()) {
        if let Some(t) = time::parse_provider(&s) {
            round_trips(t)?;
        }
    }

    #[test]
    fn timestamp_shaped_text_never_panics(
        s in "[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}[ T][0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(\\.[0-9]{0,12})?([+-][0-9]{2}:[0-9]{2}|Z)?",
    ) {
        if let Some(t) = time::parse_provider(&s) {
            round_trips(t)?;
        }
    }

    /// One changed digit is always caught: the CLABE weights 3, 7, 1 and Luhn's doubling are
    /// all invertible mod 10.
    #[test]
    fn check_digits_catch_any_single_digit_change(
        bank in proptest::sample::select(banks::all()),
        plaza in 0u32..1000, account in 0u64..100_000_000_000, at in 0usize..18, delta in 1u8..10,
    ) {
        let c = clabe::build(bank.clabe_prefix, &format!("{plaza:03}"), account);
        prop_assert_eq!(clabe::validate(&c), Ok(()));
        let mut bytes = c.into_bytes();
        bytes[at] = b'0' + (bytes[at] - b'0' + delta) % 10;
        let changed = String::from_utf8(bytes).unwrap();
        prop_assert!(clabe::validate(&changed).is_err(), "{}", changed);
    }

    #[test]
    fn clabe_build_never_panics(prefix in text(), plaza in text(), account in any::<u64>()) {
        let _ = clabe::validate(&clabe::build(&prefix, &plaza, account));
    }

    /// Statuses and kinds come from the database and from filters: anything that is not one
    /// of Flux's texts is refused, never guessed.
    #[test]
    fn statuses_and_kinds_parse_only_their_own_texts(s in text()) {
        use flux_core::{TxKind, TxStatus};
        if let Ok(status) = s.parse::<TxStatus>() {
            prop_assert_eq!(status.as_str(), s.as_str());
        }
        if let Ok(kind) = s.parse::<TxKind>() {
            prop_assert_eq!(kind.as_str(), s.as_str());
        }
    }

    /// The duplicate-key detector reads any bytes, JSON or not, and answers.
    #[test]
    fn duplicate_key_detection_never_panics(s in text(), key in text()) {
        let _ = flux_core::json::first_duplicate_key(s.as_bytes());
        let doubled = format!(
            "{{\"{k}\":1,\"{k}\":2}}",
            k = key.replace(['\\', '"'], "").chars().filter(|c| !c.is_control()).collect::<String>()
        );
        prop_assert!(flux_core::json::first_duplicate_key(doubled.as_bytes()).is_some(), "{}", doubled);
    }
}
