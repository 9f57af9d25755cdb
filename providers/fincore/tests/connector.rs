//! The connector against the emulator over real HTTP: every endpoint, token handling, and the
//! emulator's documented rules (idempotency, full refunds, balances, rejections).
#![allow(clippy::unwrap_used)]

use fincore::emulator::{self, EmulatorConfig, EmulatorHandle, SeedClient};
use fincore::wire::*;
use fincore::{CallContext, ClientCredentials, FincoreClient, FincoreError};
use flux_core::Secret;
use rust_decimal::Decimal;
use std::time::Duration;
use uuid::Uuid;

const API_KEY: &str = "test-api-key";
const ADAPTER: &str = "9c40bd38-e68d-41c5-9baa-ad6508aa3cc0";

async fn setup(token_ttl: Duration) -> (EmulatorHandle, FincoreClient, ClientCredentials) {
    let client_id = Uuid::new_v4();
    let seed = SeedClient {
        client_id,
        client_secret: "s3cret".into(),
        bank_adapter_id: ADAPTER.parse().unwrap(),
        funded_account: Some(Decimal::from(1000)),
    };
    let config = EmulatorConfig {
        api_key: API_KEY.into(),
        token_ttl,
        status_step: Duration::from_millis(20),
        ..Default::default()
    };
    let emu = emulator::start("127.0.0.1:0".parse().unwrap(), config, &[seed])
        .await
        .unwrap();
    let client = FincoreClient::new(
        &emu.base_url(),
        Secret::new(API_KEY.into()),
        Duration::from_secs(2),
        "test",
    )
    .unwrap();
    (
        emu,
        client,
        ClientCredentials {
            client_id,
            client_secret: Secret::new("s3cret".into()),
        },
    )
}

fn ctx() -> CallContext {
    CallContext::default()
}

fn rejected(e: FincoreError) -> (u16, String, String) {
    match e {
        FincoreError::Rejected {
            status,
            code,
            message,
        } => (status, code, message),
        other => panic!("expected a rejection, got {other:?}"),
    }
}

async fn card(client: &FincoreClient, creds: &ClientCredentials, number: &str) -> Instrument {
    let req = RegisterInstrumentRequest {
        source_bank_id: "9d84b03a-28d1-4898-a69c-38824239e2b1".parse().unwrap(),
        client_id: creds.client_id,
        customer_id: None,
        kind: "RECEIVER".into(),
        rfc: "ND".into(),
        alias: "card".into(),
        debit_card: Some(DebitCardPayload {
            destination_bank_id: "3054ff18-32a0-478d-b9fe-b5261f9a6e1f".parse().unwrap(),
            card_number: number.into(),
            holder_name: "A".into(),
        }),
        virtual_clabe: None,
    };
    client
        .register_instrument(creds, &req, &ctx())
        .await
        .unwrap()
}

fn money_out(creds: &ClientCredentials, source: Uuid, dest: Uuid, amount: &str) -> MoneyOutRequest {
    MoneyOutRequest {
        client_id: creds.client_id,
        source_instrument_id: source,
        destination_instrument_id: dest,
        transaction_request: TransactionRequest {
            external_reference: "R1".into(),
            description: "d".into(),
            amount: amount.into(),
            currency: "MXN".into(),
        },
    }
}

#[tokio::test]
async fn every_endpoint_through_the_connector() {
    let (emu, client, creds) = setup(Duration::from_secs(3600)).await;
    assert_eq!(
        client
            .list_credentials(creds.client_id, &ctx())
            .await
            .unwrap()
            .data
            .len(),
        1
    );
    let banks = client.banks(&creds, 1, 500, &ctx()).await.unwrap();
    assert_eq!((banks.total_banks, banks.banks.len()), (98, 98));
    let accounts = client.list_accounts(&creds, &ctx()).await.unwrap();
    assert_eq!(accounts.total_item, 1);
    let main = &accounts.data[0];
    assert_eq!(main.available_balance, "1000.00");
    assert!(
        main.clabe_number.starts_with("734")
            && flux_core::clabe::validate(&main.clabe_number).is_ok()
    );
    let req = CreatePrivateAccountRequest {
        bank_id: main.bank_id,
        owner_id: creds.client_id,
        client_bank_adapter_id: ADAPTER.parse().unwrap(),
        client_id: creds.client_id,
        account_id: Uuid::nil(),
    };
    let second = client
        .create_private_account(&creds, &req, &ctx())
        .await
        .unwrap();
    assert!(!second.account_id.is_nil());
    assert_ne!(second.clabe_number, main.clabe_number);
    let dest = card(&client, &creds, "4772130000000003").await;
    assert_eq!(
        client
            .get_instrument(&creds, dest.id, &ctx())
            .await
            .unwrap(),
        dest
    );
    let page = client
        .list_instruments(&creds, None, 1, 2, &ctx())
        .await
        .unwrap();
    assert_eq!((page.total_items, page.data.len()), (3, 2));
    let hook = RegisterWebhookRequest {
        client_id: creds.client_id.to_string(),
        url: "http://127.0.0.1:9/x".into(),
        token: "t0k3n-t0k3n".into(),
        webhook_type: "STATUS_UPDATE".into(),
        auth_type: None,
    };
    assert_eq!(
        client
            .register_webhook(&creds, &hook, &ctx())
            .await
            .unwrap()
            .webhook_status,
        "ACTIVE"
    );

    let out = client
        .money_out(
            &creds,
            &money_out(&creds, main.instrument_id, dest.id, "1.95"),
            Uuid::new_v4(),
            &ctx(),
        )
        .await
        .unwrap();
    assert_eq!(
        (out.transaction_status.as_str(), out.category.as_str()),
        ("INITIALIZED", "DEBIT_TRANS")
    );
    assert_eq!(
        emu.balance(&main.clabe_number),
        Some(Decimal::new(99805, 2))
    );

    let sim = SimulateMoneyInRequest {
        client_id: creds.client_id,
        amount: "10.00".into(),
        beneficiary_account: None,
        payer_name: None,
        payer_account: None,
        payment_concept: None,
    };
    let env = client
        .simulate_money_in(&creds, &sim, &ctx())
        .await
        .unwrap();
    let body: MoneyInBody = serde_json::from_value(env.body).unwrap();
    assert_eq!(
        body.beneficiary_account.as_deref(),
        Some(main.clabe_number.as_str())
    );
    let id = body.id.unwrap();
    // Full refunds only, once.
    let (status, _, message) = rejected(
        client
            .refund(
                &creds,
                &id,
                &RefundRequest {
                    amount: "5.00".into(),
                    description: "x".into(),
                },
                &ctx(),
            )
            .await
            .unwrap_err(),
    );
    assert_eq!(status, 400);
    assert!(message.contains("Partial refunds are not allowed"));
    let refund = client
        .refund(
            &creds,
            &id,
            &RefundRequest {
                amount: "10.00".into(),
                description: "x".into(),
            },
            &ctx(),
        )
        .await
        .unwrap();
    assert_eq!(refund.amount, "10.00");
    assert_eq!(
        rejected(
            client
                .refund(
                    &creds,
                    &id,
                    &RefundRequest {
                        amount: "10.00".into(),
                        description: "x".into()
                    },
                    &ctx()
                )
                .await
                .unwrap_err()
        )
        .0,
        409
    );
    assert_eq!(
        rejected(
            client
                .refund(
                    &creds,
                    &out.id.to_string(),
                    &RefundRequest {
                        amount: "1.95".into(),
                        description: "x".into()
                    },
                    &ctx()
                )
                .await
                .unwrap_err()
        )
        .0,
        400
    );
}

#[tokio::test]
async fn tokens_are_cached_refreshed_once_on_401_and_checked() {
    let (emu, client, creds) = setup(Duration::from_secs(3600)).await;
    client.list_accounts(&creds, &ctx()).await.unwrap();
    client.list_accounts(&creds, &ctx()).await.unwrap();
    assert_eq!(
        emu.stats().tokens_issued,
        1,
        "the token is reused until shortly before it expires"
    );
    emu.revoke_tokens();
    client.list_accounts(&creds, &ctx()).await.unwrap();
    assert_eq!(
        emu.stats().tokens_issued,
        2,
        "a 401 fetches a new token once and retries"
    );

    // Wrong secret, wrong platform key, forged and expired tokens are refused.
    let bad = ClientCredentials {
        client_id: creds.client_id,
        client_secret: Secret::new("nope".into()),
    };
    assert_eq!(
        rejected(client.list_accounts(&bad, &ctx()).await.unwrap_err()).0,
        401
    );
    let wrong_key = FincoreClient::new(
        &emu.base_url(),
        Secret::new("other".into()),
        Duration::from_secs(2),
        "test",
    )
    .unwrap();
    assert_eq!(
        rejected(wrong_key.list_accounts(&creds, &ctx()).await.unwrap_err()).0,
        401
    );
    let http = reqwest::Client::new();
    let forged = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJjbGllbnRfaWQiOiJjMmQxZDFlMy0zMzQwLTQxNzAtOTgwZS1lOTI2OWJiYmM1NTEiLCJleHAiOjE3NDEyODE0MTl9.ziSqMClLqwUVfyM15bqUF_7-PINY0ZiWkH01s8pO3gA";
    let r = http
        .get(format!("{}/v1/banks", emu.base_url()))
        .bearer_auth(forged)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let (emu2, client2, creds2) = setup(Duration::from_secs(1)).await;
    let token = http
        .post(format!(
            "{}/v1/clients/{}/auth/credential-tokens",
            emu2.base_url(),
            creds2.client_id
        ))
        .header("x-api-key", API_KEY)
        .json(&CredentialTokenRequest {
            client_id: creds2.client_id.to_string(),
            client_secret: "s3cret".into(),
        })
        .send()
        .await
        .unwrap()
        .json::<CredentialToken>()
        .await
        .unwrap()
        .token;
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let r = http
        .get(format!("{}/v1/banks", emu2.base_url()))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401, "expired token accepted");
    // Short-lived tokens are simply fetched again.
    client2.list_accounts(&creds2, &ctx()).await.unwrap();
    // Another client's token cannot read this client.
    let other = Uuid::new_v4();
    emu.seed_client(&SeedClient {
        client_id: other,
        client_secret: "x".into(),
        bank_adapter_id: Uuid::new_v4(),
        funded_account: None,
    })
    .unwrap();
    let stranger = ClientCredentials {
        client_id: other,
        client_secret: Secret::new("x".into()),
    };
    let path_mismatch = client
        .get_instrument(&stranger, Uuid::new_v4(), &ctx())
        .await
        .unwrap_err();
    assert_eq!(rejected(path_mismatch).0, 404);
}

#[tokio::test]
async fn money_out_rules_idempotency_balance_and_rejection() {
    let (emu, client, creds) = setup(Duration::from_secs(3600)).await;
    let main = client
        .list_accounts(&creds, &ctx())
        .await
        .unwrap()
        .data
        .remove(0);
    let good = card(&client, &creds, "4772130000000003").await;
    let rejecting = card(&client, &creds, "4000000000000002").await;
    let http = reqwest::Client::new();
    let token = {
        let t: CredentialToken = http
            .post(format!(
                "{}/v1/clients/{}/auth/credential-tokens",
                emu.base_url(),
                creds.client_id
            ))
            .header("x-api-key", API_KEY)
            .json(&CredentialTokenRequest {
                client_id: creds.client_id.to_string(),
                client_secret: "s3cret".into(),
            })
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        t.token
    };
    let post = |key: &str, body: &MoneyOutRequest| {
        http.post(format!("{}/v1/transactions/money_out", emu.base_url()))
            .bearer_auth(&token)
            .header("Idempotency-Key", key)
            .json(body)
            .send()
    };
    let key = Uuid::new_v5(&Uuid::NAMESPACE_URL, b"k1").to_string();
    let body = money_out(&creds, main.instrument_id, good.id, "100.00");
    let first = post(&key, &body).await.unwrap();
    assert_eq!(first.status(), 201);
    let first: Transaction = first.json().await.unwrap();
    let replay: Transaction = post(&key, &body).await.unwrap().json().await.unwrap();
    assert_eq!(replay, first);
    assert_eq!(
        post(
            &key,
            &money_out(&creds, main.instrument_id, good.id, "100.01")
        )
        .await
        .unwrap()
        .status(),
        409
    );
    assert_eq!(post("not-a-v5-key", &body).await.unwrap().status(), 400);
    assert_eq!(
        (
            emu.stats().money_out_executed,
            emu.stats().money_out_replayed
        ),
        (1, 1)
    );

    // Balance is checked; an error answer is also what the key replays.
    let big_key = Uuid::new_v5(&Uuid::NAMESPACE_URL, b"k2").to_string();
    let big = money_out(&creds, main.instrument_id, good.id, "5000.00");
    let r = post(&big_key, &big).await.unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(
        r.json::<ErrorBody>().await.unwrap().code,
        "insufficient_funds"
    );
    assert_eq!(post(&big_key, &big).await.unwrap().status(), 400);
    // A card instrument cannot be a source; unknown instruments are 404.
    let (s, _, _) = rejected(
        client
            .money_out(
                &creds,
                &money_out(&creds, good.id, main.instrument_id, "1.00"),
                Uuid::new_v4(),
                &ctx(),
            )
            .await
            .unwrap_err(),
    );
    assert_eq!(s, 400);
    let (s, _, _) = rejected(
        client
            .money_out(
                &creds,
                &money_out(&creds, main.instrument_id, Uuid::new_v4(), "1.00"),
                Uuid::new_v4(),
                &ctx(),
            )
            .await
            .unwrap_err(),
    );
    assert_eq!(s, 404);

    // A rejected transfer gives the money back.
    let before = emu.balance(&main.clabe_number).unwrap();
    client
        .money_out(
            &creds,
            &money_out(&creds, main.instrument_id, rejecting.id, "50.00"),
            Uuid::new_v4(),
            &ctx(),
        )
        .await
        .unwrap();
    assert_eq!(
        emu.balance(&main.clabe_number).unwrap(),
        before - Decimal::from(50)
    );
    for _ in 0..100 {
        if emu.balance(&main.clabe_number).unwrap() == before {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("the rejected transfer's money never came back");
}

#[tokio::test]
async fn instruments_are_validated() {
    let (_emu, client, creds) = setup(Duration::from_secs(3600)).await;
    let mut req = RegisterInstrumentRequest {
        source_bank_id: "9d84b03a-28d1-4898-a69c-38824239e2b1".parse().unwrap(),
        client_id: creds.client_id,
        customer_id: None,
        kind: "RECEIVER".into(),
        rfc: "ND".into(),
        alias: "x".into(),
        debit_card: Some(DebitCardPayload {
            destination_bank_id: "3054ff18-32a0-478d-b9fe-b5261f9a6e1f".parse().unwrap(),
            card_number: "5579072268574100".into(),
            holder_name: "A".into(),
        }),
        virtual_clabe: None,
    };
    let (status, _, message) = rejected(
        client
            .register_instrument(&creds, &req, &ctx())
            .await
            .unwrap_err(),
    );
    assert_eq!(status, 400);
    assert!(message.contains("Luhn"), "{message}");
    req.debit_card = None;
    req.virtual_clabe = Some(VirtualClabePayload {
        clabe: "734180123045603216".into(),
        holder_name: "A".into(),
    });
    assert_eq!(
        rejected(
            client
                .register_instrument(&creds, &req, &ctx())
                .await
                .unwrap_err()
        )
        .0,
        400
    );
    req.virtual_clabe = Some(VirtualClabePayload {
        clabe: "002000000000000008".into(),
        holder_name: "A".into(),
    });
    let ok = client
        .register_instrument(&creds, &req, &ctx())
        .await
        .unwrap();
    assert!(matches!(ok.instrument_detail, InstrumentDetail::Clabe(_)));
}
