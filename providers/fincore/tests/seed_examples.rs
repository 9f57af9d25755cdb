//! Every JSON example in the Fincore seed parses into the wire types and serializes back to the
//! same JSON. Samples the document collapses (`[ {} ]`) are checked with their list emptied.
#![allow(clippy::unwrap_used)]

use fincore::wire::*;
use serde::{de::DeserializeOwned, Serialize};
use serde_json::Value;

fn fixture(name: &str) -> Value {
    let path = format!("{}/tests/fixtures/{name}.json", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn round_trip<T: Serialize + DeserializeOwned>(name: &str, collapsed_list: Option<&str>) {
    let mut original = fixture(name);
    if let Some(list) = collapsed_list {
        assert_eq!(
            original[list],
            serde_json::json!([{}]),
            "{name}: expected a collapsed sample"
        );
        original[list] = serde_json::json!([]);
    }
    let typed: T =
        serde_json::from_value(original.clone()).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(
        serde_json::to_value(&typed).unwrap(),
        original,
        "{name} does not round-trip"
    );
}

#[test]
fn responses_round_trip() {
    round_trip::<CredentialList>("credentials_list", Some("data"));
    round_trip::<CredentialToken>("credential_token", None);
    round_trip::<BanksPage>("banks_page", Some("banks"));
    round_trip::<AccountsPage>("accounts_page", Some("data"));
    round_trip::<Account>("private_account", None);
    round_trip::<Instrument>("instrument", None);
    round_trip::<InstrumentsPage>("instruments_page", Some("data"));
    round_trip::<Instrument>("instrument_created", None);
    round_trip::<Transaction>("money_out", None);
    round_trip::<Transaction>("refund", None);
    round_trip::<Webhook>("webhook_registered", None);
}

#[test]
fn requests_round_trip() {
    round_trip::<CredentialTokenRequest>("credential_token_request", None);
    round_trip::<CreatePrivateAccountRequest>("private_account_request", None);
    round_trip::<RegisterInstrumentRequest>("instrument_request", None);
    round_trip::<MoneyOutRequest>("money_out_request", None);
    round_trip::<RefundRequest>("refund_request", None);
    round_trip::<RegisterWebhookRequest>("webhook_request", None);
}

#[test]
fn webhooks_round_trip_losslessly() {
    round_trip::<WebhookEnvelope>("webhook_money_in", None);
    round_trip::<WebhookEnvelope>("webhook_status_update", None);
    round_trip::<WebhookEnvelope>("webhook_cep", None);
    let env: WebhookEnvelope = serde_json::from_value(fixture("webhook_money_in")).unwrap();
    let body: MoneyInBody = serde_json::from_value(env.body.clone()).unwrap();
    assert_eq!(body.amount.as_deref(), Some("123.00"));
    assert_eq!(serde_json::to_value(&body).unwrap(), env.body);
    let env: WebhookEnvelope = serde_json::from_value(fixture("webhook_status_update")).unwrap();
    let body: StatusUpdateBody = serde_json::from_value(env.body.clone()).unwrap();
    assert_eq!(body.reason.as_deref(), Some("CANCELLED_ACCOUNT"));
    assert_eq!(serde_json::to_value(&body).unwrap(), env.body);
    let env: WebhookEnvelope = serde_json::from_value(fixture("webhook_cep")).unwrap();
    let body: CepBody = serde_json::from_value(env.body.clone()).unwrap();
    assert_eq!(serde_json::to_value(&body).unwrap(), env.body);
    // Unknown fields survive.
    let mut odd = fixture("webhook_money_in");
    odd["body"]["new_field"] = serde_json::json!({"x": 1});
    odd["extra_top"] = serde_json::json!(true);
    let env: WebhookEnvelope = serde_json::from_value(odd.clone()).unwrap();
    assert_eq!(serde_json::to_value(&env).unwrap(), odd);
}
