//! What the seed requires of requests, checked as Félix documents it and nothing more: the
//! currency enum, `country` matching `^\w{2}$`, a password of at least 8 characters, `limit`
//! 1–100. The seed's own example (a 17-digit "CLABE", RFC `RFC123456ABC`) is accepted: Félix
//! documents no CLABE check digit or RFC rule, so the emulator does not invent one.

use super::problem::{EmuError, Problems};
use crate::wire::*;
use serde_json::json;

const CURRENCIES: &[&str] = &["COP", "GTQ", "HNL", "MXN", "USD"];
const IDENTIFIER_TYPES: &[&str] = &["bank_account", "digital_wallet", "card_number", "clabe"];
const ACCOUNT_TYPES: &[&str] = &["C", "S"];
/// Flux's reading of `order_by` (the seed lists no values); `-` in front sorts descending.
pub(crate) const ORDER_BY: &[&str] = &[
    "created_at",
    "updated_at",
    "amount",
    "status",
    "external_transaction_id",
];
const COUNTRY_PATTERN: &str = r"^\w{2}$";
const URL_MAX: usize = 2083;
const PASSWORD_MIN: usize = 8;

/// `^\w{2}$` as Python reads it: two word characters (letters, digits, underscore).
fn is_country(s: &str) -> bool {
    let chars: Vec<char> = s.chars().collect();
    chars.len() == 2 && chars.iter().all(|c| c.is_alphanumeric() || *c == '_')
}

fn currency(p: &mut Problems, c: &Currency) {
    if !c.is_known() {
        p.not_in(&["body", "currency"], c.as_str(), CURRENCIES);
    }
}

fn country(p: &mut Problems, c: &str) {
    if !is_country(c) {
        p.add_ctx(
            &["body", "country"],
            "string_pattern_mismatch",
            format!("String should match pattern '{COUNTRY_PATTERN}'"),
            json!(c),
            Some(json!({ "pattern": COUNTRY_PATTERN })),
        );
    }
}

/// The FAQ allows no amount or 0 (the sender chooses); a negative one is refused.
fn amount(p: &mut Problems, a: &Option<Amount>) {
    if let Some(a) = (*a).filter(|a| a.value().is_sign_negative() && !a.value().is_zero()) {
        p.below(&["body", "amount"], json!(a.to_string()), 0);
    }
}

fn required_text(p: &mut Problems, field: &str, value: &str) {
    if value.trim().is_empty() {
        p.too_short(&["body", field], value, 1);
    }
}

pub(crate) fn signup(b: &SignupRequest) -> Result<(), EmuError> {
    let mut p = Problems::default();
    let at = b.email.find('@');
    if !at.is_some_and(|i| i > 0 && b.email[i + 1..].contains('.')) {
        p.add(
            &["body", "email"],
            "value_error",
            "value is not a valid email address: An email address must have an @-sign.",
            json!(b.email),
        );
    }
    if b.password.chars().count() < PASSWORD_MIN {
        p.too_short(&["body", "password"], "***", PASSWORD_MIN);
    }
    required_text(&mut p, "name", &b.name);
    p.into_result()
}

pub(crate) fn callback(b: &RegisterCallbackRequest) -> Result<(), EmuError> {
    let mut p = Problems::default();
    let len = b.url.chars().count();
    if len > URL_MAX {
        p.add_ctx(
            &["body", "url"],
            "url_too_long",
            format!("URL should have at most {URL_MAX} characters"),
            json!(b.url),
            Some(json!({ "max_length": URL_MAX })),
        );
    } else if !(b.url.starts_with("http://") || b.url.starts_with("https://")) || len < 8 {
        p.add(
            &["body", "url"],
            "url_parsing",
            "Input should be a valid URL, relative URL without a base",
            json!(b.url),
        );
    }
    // Headers Félix cannot send are refused now rather than failing every callback later.
    for (name, value) in b.headers.iter().flatten() {
        let valid = axum::http::HeaderName::from_bytes(name.as_bytes()).is_ok()
            && axum::http::HeaderValue::from_str(value).is_ok();
        if !valid {
            p.add(
                &["body", "headers", name],
                "value_error",
                "Value error, not a valid HTTP header",
                json!(name),
            );
        }
    }
    p.into_result()
}

pub(crate) fn create_v2(b: &CreateTransactionV2) -> Result<(), EmuError> {
    let mut p = Problems::default();
    amount(&mut p, &b.amount);
    currency(&mut p, &b.currency);
    country(&mut p, &b.country);
    required_text(&mut p, "beneficiary_name", &b.beneficiary_name);
    required_text(&mut p, "beneficiary_lastname", &b.beneficiary_lastname);
    required_text(
        &mut p,
        "external_transaction_id",
        &b.external_transaction_id,
    );
    required_text(
        &mut p,
        "account_identifier_number",
        b.account_identifier_number.as_str(),
    );
    let kind = b.account_identifier_type.kind();
    if !kind.is_known() {
        p.not_in(
            &["body", "account_identifier_type"],
            &b.account_identifier_type.0,
            IDENTIFIER_TYPES,
        );
    }
    if kind == AccountIdentifierKind::Clabe && b.account_identifier_number.as_clabe().is_none() {
        p.add(
            &["body", "account_identifier_number"],
            "value_error",
            "Value error, a CLABE has at most 18 digits",
            json!(b.account_identifier_number.as_str()),
        );
    }
    if let Some(t) = b.account_type.as_ref().filter(|t| !t.is_known()) {
        p.not_in(&["body", "account_type"], t.as_str(), ACCOUNT_TYPES);
    }
    p.into_result()
}

pub(crate) fn create_v1(b: &CreateTransactionV1) -> Result<(), EmuError> {
    let mut p = Problems::default();
    amount(&mut p, &b.amount);
    currency(&mut p, &b.currency);
    country(&mut p, &b.country);
    required_text(&mut p, "name", &b.name);
    required_text(&mut p, "lastname", &b.lastname);
    required_text(
        &mut p,
        "external_transaction_id",
        &b.external_transaction_id,
    );
    if b.clabe.as_clabe().is_none() {
        p.add(
            &["body", "clabe"],
            "value_error",
            "Value error, a CLABE has at most 18 digits",
            json!(b.clabe.as_str()),
        );
    }
    p.into_result()
}

pub(crate) fn search(b: &SearchRequest) -> Result<(), EmuError> {
    let mut p = Problems::default();
    if b.limit < 1 {
        p.below(&["body", "limit"], json!(b.limit), 1);
    } else if b.limit > 100 {
        p.above(&["body", "limit"], json!(b.limit), 100);
    }
    if b.offset < 0 {
        p.below(&["body", "offset"], json!(b.offset), 0);
    }
    if let Some(o) = &b.order_by {
        if !ORDER_BY.contains(&o.trim_start_matches('-')) {
            p.not_in(&["body", "order_by"], o, ORDER_BY);
        }
    }
    if let Some(f) = &b.filters {
        search_filters(&mut p, f);
    }
    p.into_result()
}

fn search_filters(p: &mut Problems, f: &SearchTransactionFilters) {
    let statuses: Vec<&str> = TransactionStatus::ALL.iter().map(|s| s.as_str()).collect();
    for s in f.status.iter().flatten().filter(|s| !s.is_known()) {
        p.not_in(&["body", "filters", "status"], s.as_str(), &statuses);
    }
    for (field, value) in [
        ("created_from", &f.created_from),
        ("created_to", &f.created_to),
    ] {
        if let Some(v) = value.as_ref().filter(|v| parse_time(v).is_none()) {
            p.add(
                &["body", "filters", field],
                "datetime_from_date_parsing",
                "Input should be a valid datetime",
                json!(v),
            );
        }
    }
}
