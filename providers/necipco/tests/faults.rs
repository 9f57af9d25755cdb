//! Injected faults reach the caller as what they are: a 5xx is `Unavailable`, a hang is a
//! `Timeout` (the outcome unknown), and a disbursement whose answer was lost still happened,
//! which is why the connector never retries money operations by itself.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use flux_core::Secret;
use necipco::crypto::Padding;
use necipco::emulator::Faults;
use necipco::wire::*;
use necipco::{Credentials, NecipcoClient, NecipcoError};
use std::time::Duration;

#[tokio::test]
async fn server_errors_and_hangs_are_told_apart() {
    let (emu, client) = start().await;
    let (id, _) = active_card(&emu, &client, 1).await;

    emu.set_faults(Faults {
        error_rate: 1.0,
        ..Default::default()
    });
    let err = client.client_info().await.unwrap_err();
    assert!(matches!(err, NecipcoError::Unavailable(_)), "{err:?}");

    // The work is done, then the answer never comes: the caller sees a timeout, and the
    // money has moved.
    let impatient = NecipcoClient::new(
        &emu.base_url(),
        Credentials {
            api_key: API_KEY.into(),
            password: Secret::new(PASSWORD.into()),
        },
        flux_keys(),
        Padding::default(),
        Duration::from_secs(1),
    )
    .unwrap();
    emu.set_faults(Faults::default());
    impatient.login().await.unwrap();
    impatient.public_keys().await.unwrap();
    emu.set_faults(Faults {
        drop_response_rate: 1.0,
        hang_ms: 3_000,
        ..Default::default()
    });
    let lost = impatient
        .disburse(&DisbursementRequest {
            card_number: card_ref(&id),
            amount: Amount::parse("25.50").unwrap(),
            latitude: lat(),
            longitude: lon(),
        })
        .await
        .unwrap_err();
    assert!(matches!(lost, NecipcoError::Timeout(_)), "{lost:?}");
    assert_eq!(emu.card_balance(&id), Some(dec("25.50")));

    emu.set_faults(Faults::default());
    let balance = client.balance(&card_ref(&id), true).await.unwrap();
    assert_eq!(
        balance.movements.unwrap().len(),
        1,
        "reconcile from the movements"
    );

    // The same switch over HTTP, as a sandbox user would flip it.
    let http = reqwest::Client::new();
    let base = format!("http://{}", emu.addr);
    let resp = http
        .put(format!("{base}/_emulator/faults"))
        .json(&serde_json::json!({"error_rate": 1.0}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let err = client.client_info().await.unwrap_err();
    assert!(matches!(err, NecipcoError::Unavailable(_)), "{err:?}");
}

/// The stats a chaos run reads: card payments counted, and a description paid twice named
/// (Flux tags each funding with its transfer's id, so that is a funding executed twice).
#[tokio::test]
async fn stats_count_payments_and_name_a_repeated_description() {
    let (emu, client) = start().await;
    let (a, _) = active_card(&emu, &client, 1).await;
    let (b, _) = active_card(&emu, &client, 2).await;
    let stats = || async {
        let url = format!("{}/_emulator/stats", emu.base_url().trim_end_matches("/v1"));
        reqwest::get(url)
            .await
            .unwrap()
            .json::<serde_json::Value>()
            .await
            .unwrap()
    };
    assert_eq!(
        stats().await,
        serde_json::json!({"payments_executed": 0, "payment_descriptions_repeated": []})
    );
    for (card, tag) in [(&a, "ONCE"), (&a, "TWICE"), (&b, "TWICE")] {
        client
            .pay(&PaymentRequest {
                card_number: card_ref(card),
                amount: Amount::parse("0.10").unwrap(),
                payment_description: tag.into(),
                latitude: lat(),
                longitude: lon(),
            })
            .await
            .unwrap();
    }
    assert_eq!(
        stats().await,
        serde_json::json!({"payments_executed": 3, "payment_descriptions_repeated": ["TWICE"]})
    );
}
