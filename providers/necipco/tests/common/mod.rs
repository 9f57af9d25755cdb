//! Shared test set-up: an emulator on 127.0.0.1 (ephemeral port) with one program, and a
//! connector logged in as it with Flux's key registered.
#![allow(clippy::unwrap_used, dead_code)]

use flux_core::Secret;
use necipco::crypto::{KeyPair, Padding};
use necipco::emulator::{self, EmulatorConfig, EmulatorHandle, SeedClient};
use necipco::wire::*;
use necipco::{Credentials, NecipcoClient, NecipcoError};
use rust_decimal::Decimal;
use std::str::FromStr;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

pub const API_KEY: &str = "flux-sandbox";
pub const PASSWORD: &str = "correct horse battery";

pub fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

pub fn seed() -> SeedClient {
    SeedClient {
        api_key: API_KEY.into(),
        password: Secret::new(PASSWORD.into()),
        name: "Flux Pagos".into(),
        alias: "FLUX".into(),
        email: "ops@flux.example".into(),
        rfc: "FPA200101AB1".into(),
        available: dec("100000.00"),
        stock_cards: 3,
    }
}

/// Short PIN blocks so the lockout can be watched.
pub fn config() -> EmulatorConfig {
    EmulatorConfig {
        pin_block: Duration::from_millis(600),
        ..Default::default()
    }
}

/// Flux's key pair, made once for the whole test binary (key generation is the slow part).
pub fn flux_keys() -> Arc<KeyPair> {
    static KEYS: OnceLock<Arc<KeyPair>> = OnceLock::new();
    KEYS.get_or_init(|| Arc::new(KeyPair::generate().unwrap()))
        .clone()
}

pub async fn start_emulator(config: EmulatorConfig) -> EmulatorHandle {
    emulator::start("127.0.0.1:0".parse().unwrap(), config, &[seed()])
        .await
        .unwrap()
}

pub fn client_with(
    emu: &EmulatorHandle,
    api_key: &str,
    password: &str,
    padding: Padding,
) -> NecipcoClient {
    NecipcoClient::new(
        &emu.base_url(),
        Credentials {
            api_key: api_key.into(),
            password: Secret::new(password.into()),
        },
        flux_keys(),
        padding,
        Duration::from_secs(5),
    )
    .unwrap()
}

pub fn client_for(emu: &EmulatorHandle) -> NecipcoClient {
    client_with(emu, API_KEY, PASSWORD, Padding::default())
}

/// An emulator and a connector with Flux's public key registered.
pub async fn start() -> (EmulatorHandle, NecipcoClient) {
    start_with(config()).await
}

pub async fn start_with(config: EmulatorConfig) -> (EmulatorHandle, NecipcoClient) {
    let emu = start_emulator(config).await;
    let client = client_for(&emu);
    client.register_public_key().await.unwrap();
    (emu, client)
}

pub fn lat() -> Coordinate {
    Coordinate::parse("19.43260").unwrap()
}

pub fn lon() -> Coordinate {
    Coordinate::parse("-99.13320").unwrap()
}

pub fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/{name}.json", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(path).unwrap()
}

/// The seed's cardholder example, with a real e-mail and a distinct RFC, CURP and phone.
pub fn cardholder_body(n: u32) -> CreateCardholderRequest {
    let mut b: CreateCardholderRequest =
        serde_json::from_str(&fixture("create_cardholder_request")).unwrap();
    b.email = format!("john.doe{n}@example.com");
    b.rfc = format!("DOEJ9509{n:02}AB1");
    b.curp = format!("DOEJ950922HDFXXX{n:02}");
    b.primary_phone = format!("55555555{n:02}");
    b
}

pub fn card_ref(id: &str) -> Sensitive {
    Sensitive::new(id)
}

/// A cardholder with a stock card assigned and activated: (card id, card number).
pub async fn active_card(emu: &EmulatorHandle, client: &NecipcoClient, n: u32) -> (String, String) {
    let holder = client.create_cardholder(&cardholder_body(n)).await.unwrap();
    let pan = emu.stock(API_KEY).pop().unwrap();
    let assigned = client
        .assign_card(&AssignCardRequest {
            card_number: Sensitive::new(pan.clone()),
            cardholder_id: holder.id.clone(),
            document_type: "INE".into(),
            document_number: format!("12341234{n}"),
            observations: None,
            latitude: lat(),
            longitude: lon(),
        })
        .await
        .unwrap();
    let id = assigned.card.card_id().unwrap().to_string();
    client
        .activate_card(&ActivateCardRequest {
            card_number: card_ref(&id),
            latitude: lat(),
            longitude: lon(),
        })
        .await
        .unwrap();
    (id, pan)
}

pub async fn disburse(client: &NecipcoClient, card: &str, amount: &str) -> OperationData {
    client
        .disburse(&DisbursementRequest {
            card_number: card_ref(card),
            amount: Amount::parse(amount).unwrap(),
            latitude: lat(),
            longitude: lon(),
        })
        .await
        .unwrap()
}

pub async fn set_pin(client: &NecipcoClient, card: &str, pin: &str) {
    client
        .set_pin(&SetPinRequest {
            card_number: card_ref(card),
            pin: Sensitive::new(pin),
            latitude: lat(),
            longitude: lon(),
        })
        .await
        .unwrap();
}

/// The designed error code of a refusal.
pub fn code_of<T: std::fmt::Debug>(r: Result<T, NecipcoError>) -> (u16, ErrorCode) {
    match r {
        Err(e) => (
            e.status().unwrap_or(0),
            e.code().unwrap_or(ErrorCode::Internal),
        ),
        Ok(v) => panic!("expected a refusal, got {v:?}"),
    }
}
