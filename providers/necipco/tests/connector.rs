//! The connector against the emulator over real HTTP: every endpoint group, login and renewal,
//! encryption both ways, card status transitions, exact money, PIN lockout, the CVC rule.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use necipco::crypto::Padding;
use necipco::wire::*;
use necipco::NecipcoError;
use std::time::Duration;

#[tokio::test]
async fn login_renews_once_on_401_and_logout_revokes() {
    let emu = start_emulator(config()).await;
    let client = client_for(&emu);
    let profile = client.login().await.unwrap();
    assert_eq!(profile.alias, "FLUX");
    assert_eq!(profile.available.to_string(), "100000.00");
    assert_eq!(profile.timezone.as_deref(), Some("America/Mexico_City"));

    // The token vanishes on NeCIPCo's side: the next call logs in again by itself.
    emu.revoke_tokens();
    let info = client.client_info().await.unwrap();
    assert_eq!(info.time_zone.as_deref(), Some("America/Mexico_City"));

    // Logout revokes the token; the connector logs in again on the next call.
    client.logout().await.unwrap();
    client.client_info().await.unwrap();

    // Wrong password: a 401 with the envelope's code, and no secret in the error or Debug.
    let wrong = client_with(&emu, API_KEY, "wrong password", Padding::default());
    let err = wrong.login().await.unwrap_err();
    assert_eq!(err.status(), Some(401));
    assert_eq!(err.code(), Some(ErrorCode::BadCredentials));
    let shown = format!("{err} {err:?} {wrong:?}");
    assert!(!shown.contains("wrong password"), "{shown}");
}

#[tokio::test]
async fn raw_errors_use_the_envelope() {
    let emu = start_emulator(config()).await;
    let http = reqwest::Client::new();
    let resp = http
        .get(format!("{}/clients", emu.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);
    let body: Envelope<serde_json::Value> = resp.json().await.unwrap();
    assert!(!body.success);
    assert_eq!(body.code, ErrorCode::MissingToken.number());
    let resp = http
        .get(format!("{}/nothing/here", emu.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 404);
    let body: Envelope<serde_json::Value> = resp.json().await.unwrap();
    assert_eq!(body.code, ErrorCode::NotFound.number());
}

#[tokio::test]
async fn public_keys_are_registered_and_checked_end_to_end() {
    let emu = start_emulator(config()).await;
    let client = client_for(&emu);
    let before = client.public_keys().await.unwrap();
    assert_eq!(before.api_key.public_key, None);
    assert_eq!(before.sensitive_data, None);

    let data = client.register_public_key().await.unwrap();
    assert_eq!(
        data.api_key.public_key.as_deref(),
        Some(flux_keys().public_key().to_pem().as_str())
    );
    assert_eq!(
        data.sensitive_data.as_ref().map(|s| s.expose()),
        Some(SENSITIVE_DATA_PROBE)
    );
    assert_eq!(
        data.system.unwrap().public_key,
        emu.system_public_key().to_pem()
    );
}

#[tokio::test]
async fn sensitive_answers_need_a_registered_key() {
    let emu = start_emulator(config()).await;
    let client = client_for(&emu);
    let (id, _) = active_card(&emu, &client, 1).await;
    let err = client
        .pos_pin(&card_ref(&id), lat(), lon())
        .await
        .map(|_| ());
    assert_eq!(code_of(err), (403, ErrorCode::PublicKeyRequired));
    client.register_public_key().await.unwrap();
    let pos = client.pos_pin(&card_ref(&id), lat(), lon()).await.unwrap();
    let pin = pos.card.pin.unwrap();
    assert_eq!(pin.expose().len(), 4);
    assert!(pin.expose().bytes().all(|b| b.is_ascii_digit()));
}

#[tokio::test]
async fn cardholders_are_created_validated_and_found() {
    let (emu, client) = start().await;
    let body = cardholder_body(7);
    let created = client.create_cardholder(&body).await.unwrap();
    assert_eq!(created.email.as_deref(), Some(body.email.as_str()));
    let by_id = client
        .get_cardholder(&CardholderQuery::by_id(&created.id))
        .await
        .unwrap();
    assert_eq!(by_id.rfc, body.rfc);
    assert_eq!(by_id.accounts.as_ref().map(Vec::len), Some(0));
    assert_eq!(
        by_id.net_monthly_income.unwrap().to_string(),
        "18000",
        "exact income"
    );
    let by_email_and_curp = client
        .get_cardholder(&CardholderQuery {
            email: Some(body.email.clone()),
            curp: Some(body.curp.clone()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(by_email_and_curp.id, created.id);
    let missing = client
        .get_cardholder(&CardholderQuery {
            rfc: Some("XAXX010101000".into()),
            ..Default::default()
        })
        .await;
    assert_eq!(code_of(missing), (404, ErrorCode::NotFound));
    let no_filter = client.get_cardholder(&CardholderQuery::default()).await;
    assert_eq!(code_of(no_filter), (422, ErrorCode::InvalidFields));

    // Every broken pattern is listed.
    let mut bad = cardholder_body(8);
    bad.first_name = "Bartholomew-Maximilian".into();
    bad.postal_code = "5512".into();
    bad.state = "ATLANTIS".into();
    bad.email = "[email protected]".into();
    bad.birthdate = "1995-13-40".into();
    match client.create_cardholder(&bad).await {
        Err(NecipcoError::Rejected { status, errors, .. }) => {
            assert_eq!(status, 422);
            let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
            for f in ["first_name", "postal_code", "state", "email", "birthdate"] {
                assert!(fields.contains(&f), "{f} missing from {fields:?}");
            }
        }
        other => panic!("expected a 422, got {other:?}"),
    }

    // After an assignment the cardholder shows the account and the card.
    let (id, pan) = active_card(&emu, &client, 9).await;
    let holder = client
        .get_cardholder(&CardholderQuery {
            curp: Some(cardholder_body(9).curp),
            ..Default::default()
        })
        .await
        .unwrap();
    let accounts = holder.accounts.unwrap();
    assert_eq!(accounts.len(), 1);
    assert_eq!(accounts[0].cards[0].id, id);
    assert_eq!(accounts[0].cards[0].last_four, pan[12..]);
    assert_eq!(accounts[0].cards[0].status, CardStatus::Active);
    assert!(accounts[0].activation_date.is_some());
}

#[tokio::test]
async fn card_lifecycle_follows_the_status_rules() {
    let (emu, client) = start().await;
    let holder = client.create_cardholder(&cardholder_body(1)).await.unwrap();
    let pan = emu.stock(API_KEY).pop().unwrap();
    let assign = AssignCardRequest {
        card_number: Sensitive::new(pan.clone()),
        cardholder_id: holder.id.clone(),
        document_type: "INE".into(),
        document_number: "1234123412".into(),
        observations: Some(String::new()),
        latitude: Coordinate::parse("12.65343").unwrap(),
        longitude: Coordinate::parse("-134.87536").unwrap(),
    };
    let assigned = client.assign_card(&assign).await.unwrap();
    assert_eq!(assigned.card.status, Some(CardStatus::NeedActivation));
    assert_eq!(
        assigned
            .card
            .card_number
            .as_ref()
            .map(|c| c.expose().to_string()),
        Some(format!("************{}", &pan[12..]))
    );
    assert_eq!(assigned.account.clabe, Some(None));
    let id = assigned.card.card_id().unwrap().to_string();

    // A card cannot be assigned twice.
    let again = client.assign_card(&assign).await;
    assert_eq!(code_of(again), (403, ErrorCode::Duplicate));

    // Six decimals, or out of range: field errors.
    let mut bad = assign.clone();
    bad.latitude = Coordinate::parse("12.653431").unwrap();
    bad.longitude = Coordinate::parse("-180.00001").unwrap();
    match client.assign_card(&bad).await {
        Err(NecipcoError::Rejected {
            status: 422,
            errors,
            ..
        }) => {
            let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
            assert_eq!(fields, ["latitude", "longitude"]);
        }
        other => panic!("expected a 422, got {other:?}"),
    }

    // Status changes cannot activate; activation is its own call (here by card number).
    let status = |s: CardStatus| CardStatusRequest {
        card_number: card_ref(&id),
        status: s,
        latitude: lat(),
        longitude: lon(),
    };
    let premature = client.change_status(&status(CardStatus::Active)).await;
    assert_eq!(code_of(premature), (403, ErrorCode::CardStatusTransition));
    let activated = client
        .activate_card(&ActivateCardRequest {
            card_number: Sensitive::new(pan.clone()),
            latitude: lat(),
            longitude: lon(),
        })
        .await
        .unwrap();
    assert_eq!(activated.card.status, Some(CardStatus::Active));
    let twice = client
        .activate_card(&ActivateCardRequest {
            card_number: card_ref(&id),
            latitude: lat(),
            longitude: lon(),
        })
        .await;
    assert_eq!(code_of(twice), (403, ErrorCode::CardStatusTransition));

    // Info deciphers the card number for Flux.
    let info = client.card_info(&card_ref(&id)).await.unwrap();
    assert_eq!(info.card.card_number.as_ref().unwrap().expose(), pan);
    assert_eq!(info.card.card_kind(), Some(CardType::Physical));
    assert_eq!(info.cardholder.name, "John González");
    assert_eq!(info.cardholder.country.len(), 30);
    assert!(!format!("{info:?}").contains(&pan));

    // Blocked: no money moves; unblocked: it does.
    let blocked = client
        .change_status(&status(CardStatus::TemporaryInactive))
        .await
        .unwrap();
    assert_eq!(blocked.card.status, Some(CardStatus::TemporaryInactive));
    let refused = client
        .disburse(&DisbursementRequest {
            card_number: card_ref(&id),
            amount: Amount::parse("10").unwrap(),
            latitude: lat(),
            longitude: lon(),
        })
        .await;
    assert_eq!(code_of(refused), (403, ErrorCode::CardNotOperable));
    let back = client
        .change_status(&status(CardStatus::NeedActivation))
        .await;
    assert_eq!(code_of(back), (403, ErrorCode::CardStatusTransition));
    client
        .change_status(&status(CardStatus::Active))
        .await
        .unwrap();
    disburse(&client, &id, "10").await;
    client
        .change_status(&status(CardStatus::PreventiveBlock))
        .await
        .unwrap();
    client
        .change_status(&status(CardStatus::Stolen))
        .await
        .unwrap();
    let final_ = client.change_status(&status(CardStatus::Active)).await;
    assert_eq!(code_of(final_), (403, ErrorCode::CardStatusTransition));
    let info = client.card_info(&card_ref(&id)).await.unwrap();
    assert_ne!(info.card.activity.unwrap().last_block_status, "N/D");
}

#[tokio::test]
async fn money_moves_exactly_and_is_recorded() {
    let (emu, client) = start().await;
    let (a, pan_a) = active_card(&emu, &client, 1).await;
    let (b, _) = active_card(&emu, &client, 2).await;

    let d = disburse(&client, &a, "10000.00").await;
    assert_eq!(d.operation.amount.unwrap().to_string(), "10000.00");
    let paid = client
        .pay(&PaymentRequest {
            card_number: card_ref(&a),
            amount: Amount::parse("0.10").unwrap(),
            payment_description: "ABONO POR COMISIONES".into(),
            latitude: lat(),
            longitude: lon(),
        })
        .await
        .unwrap();
    assert_eq!(
        paid.operation.payment_description.as_deref(),
        Some("ABONO POR COMISIONES")
    );
    let (available, collected) = emu.client_funds(API_KEY).unwrap();
    assert_eq!(available, dec("89999.90"));
    assert_eq!(collected, dec("0"));

    // Out of the card, by card number (ciphered on the way) and with an optional PIN.
    set_pin(&client, &a, "4321").await;
    client
        .purchase(&PurchaseRequest {
            card_number: Sensitive::new(pan_a.clone()),
            amount: Amount::parse("1000.55").unwrap(),
            merchant_description: "CARGO POR COMISIONES".into(),
            pin: Some(Sensitive::new("4321")),
            latitude: lat(),
            longitude: lon(),
        })
        .await
        .unwrap();
    client
        .withdraw(&WithdrawalRequest {
            card_number: card_ref(&a),
            amount: Amount::parse("0.01").unwrap(),
            pin: None,
            latitude: lat(),
            longitude: lon(),
        })
        .await
        .unwrap();
    let moved = client
        .transfer(&TransferRequest {
            origin_card: card_ref(&a),
            destination_card: card_ref(&b),
            amount: Amount::parse("1000").unwrap(),
            latitude: lat(),
            longitude: lon(),
        })
        .await
        .unwrap();
    assert_eq!(moved.origin_card.previous_balance.value(), dec("8999.54"));
    assert_eq!(moved.origin_card.new_balance.value(), dec("7999.54"));
    assert_eq!(moved.destination_card.previous_balance.value(), dec("0"));
    assert_eq!(moved.destination_card.new_balance.value(), dec("1000"));

    let balance = client.balance(&card_ref(&a), true).await.unwrap();
    assert_eq!(balance.available.value(), dec("7999.54"));
    let recent = balance.movements.unwrap();
    assert_eq!(recent.len(), 5);
    assert_eq!(recent[0].importe.value(), dec("-1000"));
    let no_movements = client.balance(&card_ref(&b), false).await.unwrap();
    assert_eq!(no_movements.movements, None);
    assert_eq!(emu.card_balance(&b), Some(dec("1000")));
    let (available, collected) = emu.client_funds(API_KEY).unwrap();
    assert_eq!(available, dec("89999.90"));
    assert_eq!(collected, dec("1000.56"));

    // The movements endpoint shows the same, signed, oldest first.
    let today = chrono::Utc::now()
        .with_timezone(&chrono::FixedOffset::west_opt(6 * 3600).unwrap())
        .format("%Y-%m-%d")
        .to_string();
    let listed = client
        .movements(&card_ref(&a), &today, &today)
        .await
        .unwrap();
    let totals: Vec<String> = listed
        .movements
        .detail
        .iter()
        .map(|m| m.amounts.original.total.value().to_string())
        .collect();
    assert_eq!(totals, ["10000.00", "0.10", "-1000.55", "-0.01", "-1000"]);
    let sum: rust_decimal::Decimal = listed
        .movements
        .detail
        .iter()
        .map(|m| m.amounts.original.total.value())
        .sum();
    assert_eq!(sum, dec("7999.54"));
    let backwards = client.movements(&card_ref(&a), &today, "2000-01-01").await;
    assert_eq!(code_of(backwards), (422, ErrorCode::InvalidFields));

    // Too much, or sub-cent amounts, are refused and nothing moves.
    let too_much = client
        .withdraw(&WithdrawalRequest {
            card_number: card_ref(&b),
            amount: Amount::parse("1000.01").unwrap(),
            pin: None,
            latitude: lat(),
            longitude: lon(),
        })
        .await;
    assert_eq!(code_of(too_much), (403, ErrorCode::InsufficientFunds));
    let sub_cent = client
        .disburse(&DisbursementRequest {
            card_number: card_ref(&b),
            amount: Amount::parse("0.001").unwrap(),
            latitude: lat(),
            longitude: lon(),
        })
        .await;
    assert_eq!(code_of(sub_cent), (422, ErrorCode::InvalidFields));
    let program_short = client
        .disburse(&DisbursementRequest {
            card_number: card_ref(&b),
            amount: Amount::parse("89999.91").unwrap(),
            latitude: lat(),
            longitude: lon(),
        })
        .await;
    assert_eq!(code_of(program_short), (403, ErrorCode::InsufficientFunds));
    assert_eq!(emu.card_balance(&b), Some(dec("1000")));
}

#[tokio::test]
async fn wrong_pins_block_for_longer_each_time() {
    let (emu, client) = start().await;
    let (id, pan) = active_card(&emu, &client, 1).await;
    let card = card_ref(&id);
    let validate = |pin: &'static str| {
        let client = &client;
        let card = card.clone();
        async move {
            client
                .validate_pin(&card, &Sensitive::new(pin), lat(), lon())
                .await
        }
    };
    // No PIN yet.
    assert_eq!(code_of(validate("1234").await), (403, ErrorCode::PinNotSet));
    set_pin(&client, &id, "2580").await;
    assert!(validate("2580").await.unwrap());

    // authenticate: last four of the card + last two of the PIN.
    let info = Sensitive::new(format!("{}80", &pan[12..]));
    assert!(client.authenticate(&card, &info).await.unwrap());
    let wrong = Sensitive::new(format!("{}81", &pan[12..]));
    assert!(!client.authenticate(&card, &wrong).await.unwrap());

    // That was one wrong attempt; three more are answered "not validated"…
    for _ in 0..3 {
        assert!(!validate("0000").await.unwrap());
    }
    // …the fifth blocks, and while blocked even the right PIN is refused.
    assert_eq!(code_of(validate("0000").await), (429, ErrorCode::PinLocked));
    assert_eq!(code_of(validate("2580").await), (429, ErrorCode::PinLocked));

    // Five more wrong attempts without a right one in between block for twice as long
    // (1.2 s)…
    assert_eq!(code_of(validate("1111").await), (429, ErrorCode::PinLocked));
    tokio::time::sleep(Duration::from_millis(700)).await;
    for _ in 0..4 {
        assert!(!validate("1111").await.unwrap());
    }
    assert_eq!(code_of(validate("1111").await), (429, ErrorCode::PinLocked));
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert_eq!(code_of(validate("2580").await), (429, ErrorCode::PinLocked));
    tokio::time::sleep(Duration::from_millis(600)).await;
    // …and a right PIN clears the count.
    assert!(validate("2580").await.unwrap());

    // Update needs the old PIN; a wrong one is refused and counted.
    let update = |old: &'static str| UpdatePinRequest {
        card_number: card_ref(&id),
        old_pin: Sensitive::new(old),
        new_pin: Sensitive::new("9876"),
        latitude: lat(),
        longitude: lon(),
    };
    assert_eq!(
        code_of(client.update_pin(&update("1111")).await),
        (403, ErrorCode::WrongPin)
    );
    client.update_pin(&update("2580")).await.unwrap();
    assert!(validate("9876").await.unwrap());
    assert!(!validate("2580").await.unwrap());

    // A PIN that is not four digits is a field error, not an attempt.
    assert_eq!(
        code_of(validate("12345").await),
        (422, ErrorCode::InvalidFields)
    );
}

#[tokio::test]
async fn virtual_cards_need_a_pin_before_a_cvc() {
    let (emu, client) = start().await;
    let holder = client.create_cardholder(&cardholder_body(3)).await.unwrap();
    let product = client.products().await.unwrap().detail[0].id.clone();
    let created = client
        .create_virtual_card(&CreateVirtualCardRequest {
            product,
            cardholder_id: holder.id.clone(),
            document_type: "INE".into(),
            document_number: "123456123456".into(),
            observations: String::new(),
            latitude: lat(),
            longitude: lon(),
        })
        .await
        .unwrap();
    assert_eq!(created.card.card_kind(), Some(CardType::Virtual));
    let number = created.card.card_number.clone().unwrap();
    assert_eq!(number.expose().len(), 16);
    assert_eq!(
        &number.expose()[12..],
        &created.card.masked_card_number.clone().unwrap()[12..]
    );
    assert_eq!(created.card.exp_month.as_ref().unwrap().expose().len(), 2);
    let id = created.card.card_id().unwrap().to_string();
    let cvc = |pin: &'static str| {
        let client = &client;
        let id = id.clone();
        async move {
            client
                .virtual_cvc(&card_ref(&id), &Sensitive::new(pin), lat(), lon())
                .await
        }
    };
    assert_eq!(
        code_of(cvc("1234").await),
        (403, ErrorCode::CardNotOperable)
    );
    client
        .activate_card(&ActivateCardRequest {
            card_number: number.clone(),
            latitude: lat(),
            longitude: lon(),
        })
        .await
        .unwrap();
    assert_eq!(code_of(cvc("1234").await), (403, ErrorCode::PinNotSet));
    set_pin(&client, &id, "1234").await;
    assert_eq!(code_of(cvc("4321").await), (403, ErrorCode::WrongPin));
    let first = cvc("1234").await.unwrap();
    let code = first.card.cvc.clone().unwrap();
    assert_eq!(code.expose().len(), 3);
    assert_eq!(first.card.remaining_time.unwrap().as_str(), "3");
    let second = cvc("1234").await.unwrap();
    assert_eq!(second.card.cvc.unwrap(), code, "the live CVC is reused");

    // A physical card gets no CVC.
    let (physical, _) = active_card(&emu, &client, 4).await;
    set_pin(&client, &physical, "1234").await;
    let refused = client
        .virtual_cvc(&card_ref(&physical), &Sensitive::new("1234"), lat(), lon())
        .await;
    assert_eq!(code_of(refused), (403, ErrorCode::NotVirtual));

    // The plastic of a virtual card, once.
    let order = PhysicalFromVirtualRequest {
        card_number: number,
        delivery_street: "Av. Siempre".into(),
        delivery_street_number: "#12 Lt3.".into(),
        delivery_township: "Benito Juárez".into(),
        delivery_state: "CDMX".into(),
        delivery_postal_code: "55120".into(),
        latitude: lat(),
        longitude: lon(),
    };
    let ordered = client.order_physical(&order).await.unwrap();
    assert_eq!(
        ordered.card.card_kind(),
        Some(CardType::VirtualWithPhysical)
    );
    assert_eq!(
        ordered.account.document.unwrap().description.as_deref(),
        Some("Instituto Nacional Electoral")
    );
    assert_eq!(ordered.delivery_address.postal_code, "55120");
    assert_eq!(
        code_of(client.order_physical(&order).await),
        (403, ErrorCode::Duplicate)
    );
}

#[tokio::test]
async fn subclients_are_created_and_funded_from_the_parent() {
    let (emu, client) = start().await;
    let mut body: CreateClientRequest =
        serde_json::from_str(&fixture("create_client_request")).unwrap();
    body.email = "admin@noentiendo.example".into();
    body.contact_email = "juan@noentiendo.example".into();
    body.legal_representative_email = Some("iman@noentiendo.example".into());
    let sub = client.create_client(&body).await.unwrap();
    assert_eq!(sub.available.value(), dec("1000"));
    assert_eq!(sub.api_client.name, "SUB_CLIENT_ACCESS");
    assert_eq!(emu.client_funds(API_KEY).unwrap().0, dec("99000.00"));
    let again = client.create_client(&body).await;
    assert_eq!(code_of(again), (403, ErrorCode::Duplicate));

    let funded = client
        .fund_client(&FundRequest {
            client_id: sub.id.clone(),
            amount: Amount::parse("1200.50").unwrap(),
        })
        .await
        .unwrap();
    assert_eq!(funded.client.available.value(), dec("97799.50"));
    assert_eq!(funded.subclient.available.value(), dec("2200.50"));

    // The subclient logs in with its own api key and sees its money.
    let sub_client = client_with(&emu, "SUB_CLIENT_ACCESS", "12345", Padding::default());
    let profile = sub_client.login().await.unwrap();
    assert_eq!(profile.available.value(), dec("2200.50"));
    // It is not the parent's parent: it cannot fund it.
    let upward = sub_client
        .fund_client(&FundRequest {
            client_id: profile.id.clone(),
            amount: Amount::parse("1").unwrap(),
        })
        .await;
    assert_eq!(code_of(upward), (404, ErrorCode::NotFound));
    let too_much = client
        .fund_client(&FundRequest {
            client_id: sub.id,
            amount: Amount::parse("97799.51").unwrap(),
        })
        .await;
    assert_eq!(code_of(too_much), (403, ErrorCode::InsufficientFunds));
}

#[tokio::test]
async fn spei_charges_amount_commission_and_iva() {
    let (emu, client) = start().await;
    let institutions = client.spei_institutions().await.unwrap();
    assert!(institutions
        .iter()
        .any(|i| i.nombre_institucion == "SANTANDER" && i.inicio_clabe == "014"));
    let (id, _) = active_card(&emu, &client, 1).await;
    disburse(&client, &id, "5000").await;
    let mut body: SpeiRequest = serde_json::from_str(&fixture("spei_request")).unwrap();
    body.card_number = card_ref(&id);
    body.beneficiary_email = "john@example.com".into();
    let sent = client.send_spei(&body).await.unwrap();
    assert_eq!(sent.spei.amount.value(), dec("3000.25"));
    assert_eq!(sent.spei.commission.value(), dec("5.80"));
    assert_eq!(sent.spei.iva.value(), dec("0.93"));
    assert_eq!(sent.card.card_id.as_deref(), Some(id.as_str()));
    assert_eq!(emu.card_balance(&id), Some(dec("1993.02")));

    let mut bad = body.clone();
    bad.beneficiary_account = "014027000005555559".into();
    assert_eq!(
        code_of(client.send_spei(&bad).await),
        (422, ErrorCode::InvalidFields)
    );
    let mut other_bank = body.clone();
    other_bank.beneficiary_institution = "BANORTE".into();
    assert_eq!(
        code_of(client.send_spei(&other_bank).await),
        (422, ErrorCode::InvalidFields)
    );
    let mut too_much = body;
    too_much.amount = Amount::parse("1987.23").unwrap();
    assert_eq!(
        code_of(client.send_spei(&too_much).await),
        (403, ErrorCode::InsufficientFunds)
    );
    assert_eq!(emu.card_balance(&id), Some(dec("1993.02")));
}

#[tokio::test]
async fn products_and_catalogs() {
    let (emu, client) = start().await;
    let products = client.products().await.unwrap();
    assert_eq!(products.total, 1);
    assert_eq!(products.detail[0].stock_cards, 3);
    for kind in CatalogKind::ALL {
        let entries = client.catalog(kind).await.unwrap();
        assert!(entries.len() >= 2, "{kind:?}");
    }
    let statuses = client.catalog(CatalogKind::CardStatus).await.unwrap();
    assert!(statuses
        .iter()
        .any(|e| e.key == "TEMPORARY_INACTIVE" && e.value == "2N"));
    // The seed's other spelling of the document types path answers too.
    let token_client = reqwest::Client::new();
    let login = token_client
        .post(format!("{}/auth/login", emu.base_url()))
        .json(&serde_json::json!({"api_client": {"api_key": API_KEY, "password": PASSWORD}}))
        .send()
        .await
        .unwrap();
    let bearer = login.headers()["authorization"]
        .to_str()
        .unwrap()
        .to_string();
    let resp = token_client
        .get(format!("{}/catalogs/document_type", emu.base_url()))
        .header("authorization", bearer)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let data: Envelope<CatalogData> = resp.json().await.unwrap();
    assert!(!data
        .data
        .unwrap()
        .entries(CatalogKind::DocumentType)
        .is_empty());
}

#[tokio::test]
async fn other_paddings_work_end_to_end() {
    for padding in [Padding::OaepSha1, Padding::Pkcs1v15] {
        let emu = start_emulator(necipco::emulator::EmulatorConfig {
            padding,
            ..config()
        })
        .await;
        let client = client_with(&emu, API_KEY, PASSWORD, padding);
        client.register_public_key().await.unwrap();
        let (id, pan) = active_card(&emu, &client, 1).await;
        let info = client.card_info(&card_ref(&id)).await.unwrap();
        assert_eq!(info.card.card_number.unwrap().expose(), pan, "{padding:?}");
        // A connector with another padding cannot be understood.
        let other = client_with(&emu, API_KEY, PASSWORD, Padding::OaepSha256);
        let err = other
            .activate_card(&ActivateCardRequest {
                card_number: Sensitive::new(pan.clone()),
                latitude: lat(),
                longitude: lon(),
            })
            .await;
        // 422 either way: usually undecipherable; PKCS#1 v1.5 may "decipher" garbage that is
        // then not a card number.
        let (status, code) = code_of(err);
        assert_eq!(status, 422, "{padding:?}");
        assert!(
            matches!(code, ErrorCode::Undecipherable | ErrorCode::InvalidFields),
            "{padding:?}: {code:?}"
        );
    }
}

#[tokio::test]
async fn clear_or_foreign_ciphertexts_are_refused_and_base64_is_accepted_in_queries() {
    let (emu, client) = start().await;
    let (id, pan) = active_card(&emu, &client, 1).await;
    let http = reqwest::Client::new();
    let login = http
        .post(format!("{}/auth/login", emu.base_url()))
        .json(&serde_json::json!({"api_client": {"api_key": API_KEY, "password": PASSWORD}}))
        .send()
        .await
        .unwrap();
    let bearer = login.headers()["authorization"]
        .to_str()
        .unwrap()
        .to_string();
    // A clear card number is not accepted.
    let resp = http
        .post(format!("{}/cards/disbursement", emu.base_url()))
        .header("authorization", &bearer)
        .json(&serde_json::json!({
            "card_number": pan, "amount": 1, "latitude": 1.0, "longitude": 1.0
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 422);
    let body: Envelope<serde_json::Value> = resp.json().await.unwrap();
    assert_eq!(body.code, ErrorCode::Undecipherable.number());
    assert!(!body.message.contains(&pan));
    // Standard base64 (with + / =) in a query string is accepted too.
    let system = emu.system_public_key();
    let ciphered = system.encrypt_for_body(Padding::OaepSha256, &pan).unwrap();
    let resp = http
        .get(format!("{}/cards/balance", emu.base_url()))
        .header("authorization", &bearer)
        .query(&[("card_number", ciphered.expose()), ("movements", "false")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let body: Envelope<BalanceData> = resp.json().await.unwrap();
    assert_eq!(body.data.unwrap().card.card_id(), Some(id.as_str()));
}

#[tokio::test]
async fn the_seed_query_examples_read_as_query_types() {
    let path = format!(
        "{}/tests/fixtures/request_lines.txt",
        env!("CARGO_MANIFEST_DIR")
    );
    let lines = std::fs::read_to_string(path).unwrap();
    let mut seen = 0;
    for line in lines.lines().filter(|l| !l.trim().is_empty()) {
        let target = line.trim_start_matches("GET ").replace("?&", "?");
        let uri: axum::http::Uri = target.parse().unwrap();
        use axum::extract::Query;
        let ok = match uri.path() {
            "/cardholders" => Query::<CardholderQuery>::try_from_uri(&uri).is_ok(),
            "/cards/balance" => Query::<BalanceQuery>::try_from_uri(&uri).is_ok(),
            "/cards/info" => Query::<CardQuery>::try_from_uri(&uri).is_ok(),
            "/cards/authenticate" => Query::<AuthenticateQuery>::try_from_uri(&uri).is_ok(),
            "/cards/pin/pos" => Query::<LocatedCardQuery>::try_from_uri(&uri).is_ok(),
            "/cards/pin/validate" | "/cards/virtual/cvc" => {
                Query::<PinQuery>::try_from_uri(&uri).is_ok()
            }
            "/cards/movements" => Query::<MovementsQuery>::try_from_uri(&uri).is_ok(),
            other => panic!("no query type for {other}"),
        };
        assert!(ok, "{line}");
        seen += 1;
    }
    assert_eq!(seen, 8);
}

#[tokio::test]
async fn an_expired_token_is_renewed_by_logging_in_again() {
    let emu = start_emulator(necipco::emulator::EmulatorConfig {
        token_ttl: Duration::from_millis(300),
        ..config()
    })
    .await;
    let client = client_for(&emu);
    client.login().await.unwrap();
    tokio::time::sleep(Duration::from_millis(400)).await;
    let info = client.client_info().await.unwrap();
    assert_eq!(info.alias, "FLUX");
}

#[tokio::test]
async fn requests_never_print_card_numbers_or_pins() {
    let body = SetPinRequest {
        card_number: Sensitive::new("4111111111111111"),
        pin: Sensitive::new("2580"),
        latitude: lat(),
        longitude: lon(),
    };
    let shown = format!("{body:?}");
    assert!(
        !shown.contains("4111111111111111") && !shown.contains("2580"),
        "{shown}"
    );
    let (emu, client) = start().await;
    let (id, _) = active_card(&emu, &client, 1).await;
    set_pin(&client, &id, "2580").await;
    let err = client
        .update_pin(&UpdatePinRequest {
            card_number: card_ref(&id),
            old_pin: Sensitive::new("1397"),
            new_pin: Sensitive::new("8642"),
            latitude: lat(),
            longitude: lon(),
        })
        .await
        .unwrap_err();
    let shown = format!("{err} {err:?}");
    for secret in ["1397", "8642", "2580"] {
        assert!(!shown.contains(secret), "{shown}");
    }
}
