//! Every JSON example in the Félix seed parses into the wire types and serializes back to the
//! same JSON; amounts and the CLABE are read exactly (see tests/fixtures/README.md for the
//! two samples that needed a fix to be JSON at all).
#![allow(clippy::unwrap_used)]

use felix::wire::*;
use rust_decimal::Decimal;
use serde::{de::DeserializeOwned, Serialize};
use serde_json::Value;
use std::str::FromStr;

fn text(name: &str) -> String {
    let path = format!("{}/tests/fixtures/{name}.json", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(path).unwrap()
}

/// Parses from the text (as the connector and the emulator do) and writes it back.
fn typed<T: DeserializeOwned>(name: &str) -> T {
    serde_json::from_str(&text(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn written<T: Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap()
}

/// The fixture and what the type writes back are the same JSON. IN_PROCESS is written
/// IN_PROGRESS (the seed uses both for one status), so the fixture is compared with that
/// spelling.
fn round_trip<T: Serialize + DeserializeOwned>(name: &str) -> T {
    let value: T = typed(name);
    let expected: Value =
        serde_json::from_str(&text(name).replace("IN_PROCESS", "IN_PROGRESS")).unwrap();
    let got: Value = serde_json::from_str(&written(&value)).unwrap();
    assert_eq!(got, expected, "{name} does not round-trip");
    value
}

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

#[test]
fn auth_and_provider_examples_round_trip() {
    round_trip::<SignupRequest>("signup_request");
    round_trip::<SigninRequest>("signin_request");
    let tokens = round_trip::<AuthTokens>("auth_tokens");
    assert_eq!(tokens.expires_in, 0);
    let shown = format!("{tokens:?}");
    assert!(shown.contains(r#"id_token: "***""#), "{shown}");
    assert!(shown.contains(r#"refresh_token: "***""#), "{shown}");
    let me = round_trip::<ProviderMe>("provider_me");
    assert_eq!(me.headers, Some(Default::default()));
    round_trip::<RegisterCallbackRequest>("callback_request_filled");
    let filled: RegisterCallbackRequest = typed("callback_request_filled");
    assert!(
        !format!("{filled:?}").contains("secret-token"),
        "header value in Debug"
    );
    // The seed's sample is collapsed to `{}`: url is required, so it is refused.
    let err = serde_json::from_str::<RegisterCallbackRequest>(&text("callback_request"));
    assert!(err.unwrap_err().to_string().contains("missing field `url`"));
    let null: Option<Value> = typed("callback_response");
    assert_eq!(null, None);
}

#[test]
fn transaction_examples_round_trip_with_exact_numbers() {
    for name in ["get_transaction_response", "create_transaction_response"] {
        let t = round_trip::<TransactionResponse>(name);
        assert_eq!(t.amount.unwrap().value(), dec("1500.75"));
        assert_eq!(t.amount.unwrap().value().scale(), 2);
        let clabe = t.clabe.as_ref().unwrap();
        assert_eq!(clabe.as_str(), "032180000118359720");
        assert_eq!(t.destination_clabe().as_deref(), Some("032180000118359720"));
        assert_eq!(t.status, Some(TransactionStatus::Completed));
        assert_eq!(t.currency, Some(Currency::MXN));
        // Written back as the same number text, not as 1500.75000000001 or a string.
        let out = written(&t);
        assert!(out.contains(r#""amount":1500.75"#), "{out}");
        assert!(out.contains(r#""clabe":32180000118359720"#), "{out}");
    }
}

#[test]
fn create_request_v2_example_round_trips_with_exact_numbers() {
    let b = round_trip::<CreateTransactionV2>("create_transaction_v2_request");
    assert_eq!(b.amount.unwrap().value(), dec("2500.5"));
    assert_eq!(b.account_identifier_number.as_str(), "32180000118359720");
    assert!(b.account_identifier_number.sent_as_number());
    assert_eq!(
        b.account_identifier_number.as_clabe().as_deref(),
        Some("032180000118359720")
    );
    // "CLABE" in the example, "clabe" in the schema's enum: the same kind, kept as sent.
    assert_eq!(
        b.account_identifier_type.kind(),
        AccountIdentifierKind::Clabe
    );
    assert_eq!(b.account_identifier_type.0, "CLABE");
    assert_eq!(b.account_type, Some(AccountType::Checking));
    let out = written(&b);
    assert!(out.contains(r#""amount":2500.5"#), "{out}");
    assert!(out.contains(r#""account_identifier_number":32180000118359720"#));
}

#[test]
fn callback_examples_round_trip_with_both_spellings_of_in_progress() {
    let simple = round_trip::<NotificationsContainer>("callback_simple");
    let deltas = &simple.notifications[0].deltas;
    assert_eq!(deltas[0].new_status, TransactionStatus::InProgress); // IN_PROCESS
    assert_eq!(deltas[1].old_status, TransactionStatus::InProgress);
    assert_eq!(deltas[1].new_status, TransactionStatus::Completed);
    let t = &simple.notifications[0].transaction;
    assert_eq!(t.amount.unwrap().value(), dec("100.0"));
    assert!(written(t).contains(r#""amount":100.0"#));
    // The schema says `currency: number`; the example sends "USD".
    assert_eq!(t.currency, Some(Currency::USD));

    let complex = round_trip::<NotificationsContainer>("callback_complex");
    assert_eq!(complex.notifications.len(), 3);
    assert_eq!(
        complex.notifications[0].deltas[0].new_status,
        TransactionStatus::InProgress
    );
    assert_eq!(
        complex.notifications[1].deltas[0].new_status,
        TransactionStatus::Failed
    );
    assert_eq!(complex.notifications[2].deltas.len(), 2);
    // A naive timestamp in the example, read as UTC.
    let at = complex.notifications[0].deltas[0]
        .updated_at
        .as_deref()
        .unwrap();
    assert_eq!(
        parse_time(at).unwrap().to_rfc3339(),
        "2024-01-02T00:05:00+00:00"
    );
}

#[test]
fn collapsed_and_small_examples_round_trip() {
    let s = round_trip::<SearchRequest>("search_request");
    assert_eq!((s.limit, s.offset), (10, 0));
    assert_eq!(s.order_by.as_deref(), Some("created_at"));
    let found = round_trip::<Vec<TransactionResponse>>("search_response");
    assert_eq!(found, vec![TransactionResponse::default()]);
    round_trip::<Notification>("notification_request");
    let q = round_trip::<QueuedResponse>("queued_response");
    assert_eq!(q.status, "QUEUED");
}

#[test]
fn amounts_never_go_through_f64() {
    // 17 significant digits: an f64 would print 12345678901234568.
    let t: TransactionResponse =
        serde_json::from_str(r#"{"amount": 12345678901234567.89, "currency": 484}"#).unwrap();
    assert_eq!(t.amount.unwrap().value(), dec("12345678901234567.89"));
    assert!(written(&t).contains("12345678901234567.89"));
    // A number where the schema says so is kept, as text.
    assert_eq!(t.currency, Some(Currency::Other("484".into())));
    // Decimal strings and exponents are read too; written as numbers.
    let a: Amount = serde_json::from_str(r#""2500.50""#).unwrap();
    assert_eq!(
        (a.value(), written(&a)),
        (dec("2500.50"), "2500.50".to_string())
    );
    let a: Amount = serde_json::from_str("1.5e3").unwrap();
    assert_eq!(a.value(), dec("1500"));
    assert!(serde_json::from_str::<Amount>("true").is_err());
    // Through serde_json::Value (which holds f64) the text is what Value kept.
    let v: Value = serde_json::from_str(r#"{"amount": 0.1}"#).unwrap();
    let t: TransactionResponse = serde_json::from_value(v).unwrap();
    assert_eq!(t.amount.unwrap().value(), dec("0.1"));
}

#[test]
fn unknown_members_are_kept_at_every_level() {
    let mut v: Value = serde_json::from_str(&text("callback_complex")).unwrap();
    v["new_top"] = serde_json::json!(1);
    v["notifications"][0]["retry_count"] = serde_json::json!(2);
    v["notifications"][0]["transaction"]["fee"] = serde_json::json!("1.00");
    v["notifications"][0]["deltas"][0]["reason"] = serde_json::json!("bank");
    let c: NotificationsContainer = serde_json::from_str(&v.to_string()).unwrap();
    assert_eq!(c.extra["new_top"], 1);
    assert_eq!(c.notifications[0].transaction.extra["fee"], "1.00");
    let back: Value = serde_json::from_str(&written(&c)).unwrap();
    assert_eq!(back, v);
}

#[test]
fn clabe_is_restored_to_18_digits() {
    let c: Clabe = serde_json::from_str("32180000118359720").unwrap();
    assert_eq!(c.as_str(), "032180000118359720");
    assert_eq!(written(&c), "32180000118359720");
    let c: Clabe = serde_json::from_str(r#""002000000000000008""#).unwrap();
    assert_eq!(
        (c.as_str(), written(&c).as_str()),
        ("002000000000000008", r#""002000000000000008""#)
    );
    assert!(serde_json::from_str::<Clabe>("1234567890123456789").is_err()); // 19 digits
    assert!(serde_json::from_str::<Clabe>("3.2e16").is_err());
}

#[test]
fn validation_errors_read_fastapi_shapes() {
    let body = r#"{"detail":[{"type":"enum","loc":["body","currency"],"msg":"Input should be 'COP', 'GTQ', 'HNL', 'MXN' or 'USD'","input":"EUR","ctx":{"expected":"'COP', 'GTQ', 'HNL', 'MXN' or 'USD'"}}]}"#;
    let e: ErrorBody = serde_json::from_str(body).unwrap();
    let ErrorDetail::Validation(list) = &e.detail else {
        panic!("not a validation error: {e:?}")
    };
    assert_eq!(
        (list[0].field().as_str(), list[0].kind.as_str()),
        ("currency", "enum")
    );
    assert_eq!(
        serde_json::from_str::<Value>(&written(&e)).unwrap(),
        serde_json::from_str::<Value>(body).unwrap()
    );
    let e: ErrorBody = serde_json::from_str(r#"{"detail":"Not authenticated"}"#).unwrap();
    assert_eq!(e.detail, ErrorDetail::Message("Not authenticated".into()));
}
