//! Every JSON example of the NeCIPCo seed parses into the wire types and serializes back to the
//! same JSON; amounts are read exactly. The list below names every file in tests/fixtures, and
//! a test checks that none is left out.
#![allow(clippy::unwrap_used)]

use necipco::wire::*;
use rust_decimal::Decimal;
use serde::{de::DeserializeOwned, Serialize};
use serde_json::Value;
use std::str::FromStr;

fn text(name: &str) -> String {
    let path = format!("{}/tests/fixtures/{name}.json", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(path).unwrap()
}

fn typed<T: DeserializeOwned>(name: &str) -> T {
    serde_json::from_str(&text(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// The fixture and what the type writes back are the same JSON (with `PHISYCAL` spelled
/// `PHYSICAL`, see the fixtures README).
fn round_trip<T: Serialize + DeserializeOwned>(name: &str) -> T {
    let value: T = typed(name);
    let expected: Value =
        serde_json::from_str(&text(name).replace("PHISYCAL", "PHYSICAL")).unwrap();
    let written = serde_json::to_string(&value).unwrap();
    let got: Value = serde_json::from_str(&written).unwrap();
    assert_eq!(got, expected, "{name} does not round-trip");
    value
}

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

type E<T> = Envelope<T>;

/// Every fixture, with the type it is read as.
const ALL: &[&str] = &[
    "login_request",
    "login_response",
    "logout_response",
    "get_cardholder_response",
    "create_cardholder_request",
    "create_cardholder_response",
    "assign_card_request",
    "assign_card_response",
    "activate_card_request",
    "activate_card_response",
    "card_status_request",
    "card_status_response",
    "balance_response",
    "card_info_response",
    "authenticate_response",
    "pin_pos_request_body",
    "pin_pos_response",
    "set_pin_request",
    "set_pin_response",
    "update_pin_request",
    "update_pin_response",
    "validate_pin_response",
    "transfer_request",
    "transfer_response",
    "disbursement_request",
    "disbursement_response",
    "payment_request",
    "payment_response",
    "withdrawal_request",
    "withdrawal_response",
    "purchase_request",
    "purchase_response",
    "movements_response",
    "create_virtual_request",
    "create_virtual_response",
    "physical_from_virtual_request",
    "physical_from_virtual_response",
    "virtual_cvc_response",
    "get_client_response",
    "get_public_key_response",
    "create_client_request",
    "create_client_response",
    "add_public_key_request",
    "add_public_key_response",
    "fund_client_request",
    "fund_client_response",
    "spei_request",
    "spei_response",
    "spei_institutions_response",
    "products_response",
    "catalog_card_status_response",
    "catalog_document_types_response",
    "catalog_states_response",
    "catalog_marital_status_response",
    "catalog_gender_response",
];

#[test]
fn no_fixture_is_left_out() {
    let dir = format!("{}/tests/fixtures", env!("CARGO_MANIFEST_DIR"));
    let mut on_disk: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| {
            let name = e.unwrap().file_name().into_string().unwrap();
            name.strip_suffix(".json").map(str::to_string)
        })
        .collect();
    on_disk.sort();
    let mut listed: Vec<String> = ALL.iter().map(|s| s.to_string()).collect();
    listed.sort();
    assert_eq!(on_disk, listed);
}

#[test]
fn auth_and_clients() {
    let login = round_trip::<LoginRequest>("login_request");
    assert!(!format!("{login:?}").contains("\"password\""));
    let answer = round_trip::<LoginResponse>("login_response");
    assert_eq!(answer.data.client.available.value(), dec("22814.55"));
    assert_eq!(answer.data.client.balance.to_string(), "1154.0");
    round_trip::<Empty>("logout_response");
    let client = round_trip::<E<ClientData>>("get_client_response");
    assert_eq!(
        client.data.unwrap().client.available.value(),
        dec("1000000.51")
    );
    let keys = round_trip::<E<PublicKeyData>>("get_public_key_response");
    let keys = keys.data.unwrap();
    assert!(keys.system.is_some() && keys.sensitive_data.is_some());
    round_trip::<AddPublicKeyRequest>("add_public_key_request");
    round_trip::<E<PublicKeyData>>("add_public_key_response");
    let create = round_trip::<CreateClientRequest>("create_client_request");
    assert!(create.contact_telephone_country_code.sent_as_number());
    assert!(!format!("{create:?}").contains("12345"));
    round_trip::<E<SubclientData>>("create_client_response");
    let fund = round_trip::<FundRequest>("fund_client_request");
    assert_eq!(fund.amount.value(), dec("1200.50"));
    let funded = round_trip::<E<FundData>>("fund_client_response");
    assert_eq!(
        funded.data.unwrap().subclient.available.to_string(),
        "1200.50"
    );
}

#[test]
fn cardholders() {
    let got = round_trip::<E<CardholderData>>("get_cardholder_response");
    let holder = got.data.unwrap().cardholder;
    let account = &holder.accounts.unwrap()[0];
    assert_eq!(account.activation_date, None);
    assert_eq!(account.cards[0].status, CardStatus::Active);
    let body = round_trip::<CreateCardholderRequest>("create_cardholder_request");
    assert_eq!(body.net_monthly_income.unwrap().value(), dec("18000"));
    round_trip::<E<CardholderData>>("create_cardholder_response");
}

#[test]
fn cards() {
    let assign = round_trip::<AssignCardRequest>("assign_card_request");
    assert_eq!(assign.longitude.0, dec("-134.87536"));
    assert!(assign.latitude.is_latitude() && assign.longitude.is_longitude());
    let assigned = round_trip::<E<CardAssignment>>("assign_card_response");
    let assigned = assigned.data.unwrap();
    assert_eq!(assigned.card.card_kind(), Some(CardType::Physical));
    assert_eq!(assigned.account.clabe, Some(None));
    round_trip::<ActivateCardRequest>("activate_card_request");
    let activated = round_trip::<E<CardData>>("activate_card_response");
    assert_eq!(activated.data.unwrap().account.clabe, None);
    let status = round_trip::<CardStatusRequest>("card_status_request");
    assert_eq!(status.status, CardStatus::TemporaryInactive);
    round_trip::<E<CardData>>("card_status_response");
    let balance = round_trip::<E<BalanceData>>("balance_response")
        .data
        .unwrap();
    assert_eq!(balance.available.value(), dec("500"));
    assert_eq!(balance.movements.unwrap()[0].importe.value(), dec("350.11"));
    let info = round_trip::<E<CardInfoData>>("card_info_response")
        .data
        .unwrap();
    assert_eq!(info.card.card_kind(), Some(CardType::Physical));
    assert!(!format!("{info:?}").contains("hsy36Gsrw934"));
    round_trip::<E<Validated>>("authenticate_response");
    round_trip::<Empty>("pin_pos_request_body");
    let pos = round_trip::<E<CardData>>("pin_pos_response").data.unwrap();
    assert!(pos.card.pin.is_some());
    round_trip::<SetPinRequest>("set_pin_request");
    round_trip::<E<OperationData>>("set_pin_response");
    round_trip::<UpdatePinRequest>("update_pin_request");
    round_trip::<E<OperationData>>("update_pin_response");
    round_trip::<E<Validated>>("validate_pin_response");
    let movements = round_trip::<E<MovementsData>>("movements_response")
        .data
        .unwrap();
    assert_eq!(
        movements.movements.detail[0].amounts.original.total.value(),
        dec("567.24")
    );
}

#[test]
fn money_operations_are_exact() {
    let transfer = round_trip::<TransferRequest>("transfer_request");
    assert_eq!(transfer.amount.value(), dec("1000"));
    let done = round_trip::<E<TransferData>>("transfer_response")
        .data
        .unwrap();
    assert_eq!(done.origin_card.new_balance.value(), dec("2000"));
    assert!(done.operation.authorization_code.unwrap().sent_as_number());
    let disburse = round_trip::<DisbursementRequest>("disbursement_request");
    assert_eq!(disburse.amount.to_string(), "10000.00");
    let disbursed = round_trip::<E<OperationData>>("disbursement_response")
        .data
        .unwrap();
    assert_eq!(disbursed.operation.amount.unwrap().to_string(), "10000.00");
    round_trip::<PaymentRequest>("payment_request");
    round_trip::<E<OperationData>>("payment_response");
    let withdrawal = round_trip::<WithdrawalRequest>("withdrawal_request");
    assert!(withdrawal.pin.is_some());
    round_trip::<E<OperationData>>("withdrawal_response");
    let purchase = round_trip::<PurchaseRequest>("purchase_request");
    assert_eq!(purchase.amount.value(), dec("1000.55"));
    round_trip::<E<OperationData>>("purchase_response");
    let spei = round_trip::<SpeiRequest>("spei_request");
    assert_eq!(spei.amount.value(), dec("3000.25"));
    let sent = round_trip::<E<SpeiData>>("spei_response").data.unwrap();
    assert_eq!(sent.spei.commission.to_string(), "5.80");
    assert_eq!(sent.spei.iva.value(), dec("0.93"));
    assert_eq!(sent.spei.commission_type, CommissionType::Flat);
    round_trip::<E<InstitutionsData>>("spei_institutions_response");
}

#[test]
fn virtual_cards() {
    round_trip::<CreateVirtualCardRequest>("create_virtual_request");
    let created = round_trip::<E<CardAssignment>>("create_virtual_response")
        .data
        .unwrap();
    assert_eq!(created.card.card_kind(), Some(CardType::Virtual));
    assert_eq!(created.card.status, Some(CardStatus::NeedActivation));
    round_trip::<PhysicalFromVirtualRequest>("physical_from_virtual_request");
    let ordered = round_trip::<E<PhysicalFromVirtualData>>("physical_from_virtual_response");
    assert_eq!(
        ordered.data.unwrap().card.card_kind(),
        Some(CardType::VirtualWithPhysical)
    );
    let cvc = round_trip::<E<CardData>>("virtual_cvc_response")
        .data
        .unwrap();
    assert_eq!(cvc.card.remaining_time.unwrap().as_str(), "3");
    assert!(!format!("{:?}", cvc.card.cvc).contains("iufeh"));
}

#[test]
fn products_and_catalogs() {
    let products = round_trip::<E<ProductsData>>("products_response")
        .data
        .unwrap();
    assert_eq!(products.products.total, 1);
    assert_eq!(products.products.detail[0].country.description, None);
    let fixtures = [
        ("catalog_card_status_response", CatalogKind::CardStatus),
        ("catalog_document_types_response", CatalogKind::DocumentType),
        ("catalog_states_response", CatalogKind::States),
        (
            "catalog_marital_status_response",
            CatalogKind::MaritalStatus,
        ),
        ("catalog_gender_response", CatalogKind::Gender),
    ];
    for (name, kind) in fixtures {
        let data = round_trip::<E<CatalogData>>(name).data.unwrap();
        assert_eq!(data.entries(kind).len(), 2, "{name}");
    }
    // The seed's status codes are the ones the crate's statuses carry.
    let statuses = typed::<E<CatalogData>>("catalog_card_status_response")
        .data
        .unwrap();
    for entry in statuses.entries(CatalogKind::CardStatus) {
        let status = CardStatus::parse(&entry.key).unwrap();
        assert_eq!(status.code(), entry.value);
    }
}
