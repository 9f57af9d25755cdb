//! Money: disbursement and payment (program `available` → card), withdrawal and purchase
//! (card → program collection `balance`), transfers between cards, and SPEI out of a card
//! (amount + commission + IVA). All in `Decimal`, each card movement recorded with a signed
//! amount. A refusal for lack of funds is recorded as the card's last denied operation.

use super::auth::Caller;
use super::cards::{card_mut, check_pin, open_pin, resolve};
use super::problem::{EmuError, Problems};
use super::reference::{clabe_is_valid, institutions, luhn_is_valid};
use super::routes::{ok, parse, St};
use super::state::{MovementKind, MovementRec, State};
use super::{validate, view};
use crate::wire::*;
use axum::body::Bytes;
use axum::extract::State as AxState;
use axum::response::Response;
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

/// Records a movement on a card and moves its balance by `signed`.
fn record(
    state: &mut State,
    card_id: &str,
    kind: MovementKind,
    signed: Decimal,
    description: &str,
    (operation_id, authorization): (&str, &str),
    now: DateTime<Utc>,
) -> Result<(), EmuError> {
    let id = state.next_movement();
    let card = card_mut(state, card_id)?;
    card.balance += signed;
    card.last_approved = Some(now);
    card.movements.push(MovementRec {
        id,
        operation_id: operation_id.to_string(),
        at: now,
        kind,
        amount: signed,
        description: description.to_string(),
        authorization: authorization.to_string(),
    });
    Ok(())
}

fn operable(state: &State, card_id: &str) -> Result<(), EmuError> {
    let card = state
        .cards
        .get(card_id)
        .ok_or_else(|| EmuError::not_found("card"))?;
    if !card.status.allows_operations() {
        return Err(EmuError::refused(
            ErrorCode::CardNotOperable,
            format!("the card is {}", card.status),
        ));
    }
    Ok(())
}

fn denied(state: &mut State, card_id: &str, now: DateTime<Utc>, message: &str) -> EmuError {
    if let Some(card) = state.cards.get_mut(card_id) {
        card.last_denied = Some(now);
    }
    EmuError::refused(ErrorCode::InsufficientFunds, message)
}

fn check_basics(amount: &Amount, latitude: &Coordinate, longitude: &Coordinate) -> Problems {
    let mut p = Problems::default();
    validate::amount(&mut p, "amount", amount);
    validate::coordinates(&mut p, latitude, longitude);
    p
}

/// Which way money moves between the program and a card.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Direction {
    /// Program `available` → card.
    In,
    /// Card → program collection `balance`.
    Out,
}

struct CardOperation<'a> {
    card_number: &'a Sensitive,
    amount: &'a Amount,
    kind: MovementKind,
    description: String,
    pin: Option<&'a Sensitive>,
}

fn apply(
    shared: &super::Shared,
    caller: &Caller,
    op: CardOperation<'_>,
) -> Result<OperationData, EmuError> {
    let direction = match op.kind {
        MovementKind::Disbursement | MovementKind::Payment => Direction::In,
        _ => Direction::Out,
    };
    let pin = op.pin.map(|p| open_pin(shared, "pin", p)).transpose()?;
    let now = Utc::now();
    shared.mutate_always(|state| {
        let id = resolve(shared, state, caller, "card_number", op.card_number, false)?;
        operable(state, &id)?;
        if let Some(pin) = &pin {
            check_pin(shared, card_mut(state, &id)?, pin, now)?;
        }
        let amount = op.amount.value();
        let client = state
            .clients
            .get(&caller.client_id)
            .ok_or_else(|| EmuError::not_found("client"))?;
        let card_balance = state.cards.get(&id).map(|c| c.balance).unwrap_or_default();
        match direction {
            Direction::In if client.available < amount => {
                return Err(denied(
                    state,
                    &id,
                    now,
                    "not enough available balance in the program",
                ));
            }
            Direction::Out if card_balance < amount => {
                return Err(denied(state, &id, now, "not enough balance in the card"));
            }
            _ => {}
        }
        let client = state
            .clients
            .get_mut(&caller.client_id)
            .ok_or_else(|| EmuError::not_found("client"))?;
        match direction {
            Direction::In => client.available -= amount,
            Direction::Out => client.balance += amount,
        }
        client.updated_at = now;
        let signed = if direction == Direction::In {
            amount
        } else {
            -amount
        };
        let operation_id = uuid::Uuid::new_v4().to_string();
        let authorization = state.next_authorization();
        record(
            state,
            &id,
            op.kind,
            signed,
            &op.description,
            (&operation_id, &authorization),
            now,
        )?;
        let card = state
            .cards
            .get(&id)
            .ok_or_else(|| EmuError::not_found("card"))?;
        Ok(OperationData {
            operation: Operation {
                id: operation_id,
                authorization_code: Some(NumOrText::text(authorization)),
                amount: Some(*op.amount),
                payment_description: (op.kind == MovementKind::Payment)
                    .then(|| op.description.clone()),
                merchant_description: (op.kind == MovementKind::Purchase)
                    .then(|| op.description.clone()),
            },
            card: view::card(card),
            account: view::account(card),
        })
    })
}

/// `POST /cards/disbursement`.
pub(crate) async fn disbursement(
    AxState(shared): St,
    caller: Caller,
    body: Bytes,
) -> Result<Response, EmuError> {
    let b: DisbursementRequest = parse(&body)?;
    check_basics(&b.amount, &b.latitude, &b.longitude).into_result()?;
    let op = CardOperation {
        card_number: &b.card_number,
        amount: &b.amount,
        kind: MovementKind::Disbursement,
        description: "DISPERSION".into(),
        pin: None,
    };
    Ok(ok(apply(&shared, &caller, op)?))
}

/// `POST /cards/payment`.
pub(crate) async fn payment(
    AxState(shared): St,
    caller: Caller,
    body: Bytes,
) -> Result<Response, EmuError> {
    let b: PaymentRequest = parse(&body)?;
    let mut p = check_basics(&b.amount, &b.latitude, &b.longitude);
    validate::chars_between(&mut p, "payment_description", &b.payment_description, 1, 32);
    p.into_result()?;
    let op = CardOperation {
        card_number: &b.card_number,
        amount: &b.amount,
        kind: MovementKind::Payment,
        description: b.payment_description.clone(),
        pin: None,
    };
    Ok(ok(apply(&shared, &caller, op)?))
}

/// `POST /cards/withdrawal`.
pub(crate) async fn withdrawal(
    AxState(shared): St,
    caller: Caller,
    body: Bytes,
) -> Result<Response, EmuError> {
    let b: WithdrawalRequest = parse(&body)?;
    check_basics(&b.amount, &b.latitude, &b.longitude).into_result()?;
    let op = CardOperation {
        card_number: &b.card_number,
        amount: &b.amount,
        kind: MovementKind::Withdrawal,
        description: "RETIRO".into(),
        pin: b.pin.as_ref(),
    };
    Ok(ok(apply(&shared, &caller, op)?))
}

/// `POST /cards/purchase`.
pub(crate) async fn purchase(
    AxState(shared): St,
    caller: Caller,
    body: Bytes,
) -> Result<Response, EmuError> {
    let b: PurchaseRequest = parse(&body)?;
    let mut p = check_basics(&b.amount, &b.latitude, &b.longitude);
    validate::chars_between(
        &mut p,
        "merchant_description",
        &b.merchant_description,
        1,
        32,
    );
    p.into_result()?;
    let op = CardOperation {
        card_number: &b.card_number,
        amount: &b.amount,
        kind: MovementKind::Purchase,
        description: b.merchant_description.clone(),
        pin: b.pin.as_ref(),
    };
    Ok(ok(apply(&shared, &caller, op)?))
}

/// `POST /cards/transfer`: from one of the caller's cards to any card of the BIN ecosystem.
pub(crate) async fn transfer(
    AxState(shared): St,
    caller: Caller,
    body: Bytes,
) -> Result<Response, EmuError> {
    let b: TransferRequest = parse(&body)?;
    check_basics(&b.amount, &b.latitude, &b.longitude).into_result()?;
    let now = Utc::now();
    let data = shared.mutate_always(|state| {
        let from = resolve(
            &shared,
            state,
            &caller,
            "origin_card",
            &b.origin_card,
            false,
        )?;
        let to = resolve(
            &shared,
            state,
            &caller,
            "destination_card",
            &b.destination_card,
            true,
        )?;
        if from == to {
            let mut p = Problems::default();
            p.add("destination_card", "must not be the origin card");
            p.into_result()?;
        }
        operable(state, &from)?;
        operable(state, &to)?;
        let amount = b.amount.value();
        let before_from = state
            .cards
            .get(&from)
            .map(|c| c.balance)
            .unwrap_or_default();
        let before_to = state.cards.get(&to).map(|c| c.balance).unwrap_or_default();
        if before_from < amount {
            return Err(denied(
                state,
                &from,
                now,
                "not enough balance in the origin card",
            ));
        }
        let operation_id = uuid::Uuid::new_v4().to_string();
        let authorization = state.next_authorization();
        record(
            state,
            &from,
            MovementKind::TransferOut,
            -amount,
            "TRASPASO ENVIADO",
            (&operation_id, &authorization),
            now,
        )?;
        record(
            state,
            &to,
            MovementKind::TransferIn,
            amount,
            "TRASPASO RECIBIDO",
            (&operation_id, &authorization),
            now,
        )?;
        let side = |id: &str, before: Decimal, origin: bool| -> Result<TransferSide, EmuError> {
            let c = state
                .cards
                .get(id)
                .ok_or_else(|| EmuError::not_found("card"))?;
            Ok(TransferSide {
                id: c.id.clone(),
                account_id: c.account_id.clone(),
                kind: origin.then_some(c.kind),
                card_number: c.masked(),
                account_reference: origin
                    .then(|| NumOrText::number(c.account_reference.to_string())),
                previous_balance: Amount(before),
                new_balance: Amount(c.balance),
            })
        };
        Ok(TransferData {
            operation: Operation {
                id: operation_id.clone(),
                authorization_code: Some(NumOrText::number(authorization.clone())),
                amount: Some(b.amount),
                payment_description: None,
                merchant_description: None,
            },
            origin_card: side(&from, before_from, true)?,
            destination_card: side(&to, before_to, false)?,
        })
    })?;
    Ok(ok(data))
}

fn check_spei(b: &SpeiRequest) -> Result<Institution, EmuError> {
    let mut p = check_basics(&b.amount, &b.latitude, &b.longitude);
    validate::chars_between(&mut p, "payment_concept", &b.payment_concept, 1, 40);
    validate::chars_between(&mut p, "beneficiary_name", &b.beneficiary_name, 1, 40);
    validate::digits(&mut p, "numeric_reference", &b.numeric_reference, 1, 7);
    validate::email(&mut p, "beneficiary_email", &b.beneficiary_email);
    let who = b.beneficiary_rfc_curp.as_str();
    p.check(
        who == "ND" || (10..=13).contains(&who.len()) || who.len() == 18,
        "beneficiary_rfc_curp",
        "must be ND, an RFC (10-13) or a CURP (18)",
    );
    let account = b.beneficiary_account.as_str();
    let institution = institutions().into_iter().find(|i| {
        i.nombre_institucion
            .eq_ignore_ascii_case(&b.beneficiary_institution)
    });
    if institution.is_none() {
        p.add(
            "beneficiary_institution",
            "not in the SPEI institutions catalog (GET /spei/institutions)",
        );
    }
    match account.len() {
        10 if validate::is_digits(account, 10, 10) => {}
        16 if luhn_is_valid(account) => {}
        18 if clabe_is_valid(account) => {
            if let Some(i) = &institution {
                p.check(
                    account.starts_with(&i.inicio_clabe),
                    "beneficiary_account",
                    "the CLABE belongs to another institution",
                );
            }
        }
        _ => p.add(
            "beneficiary_account",
            "must be a phone (10 digits), a card (16, Luhn) or a CLABE (18, check digit)",
        ),
    }
    p.into_result()?;
    institution.ok_or_else(|| EmuError::bad_request("institution"))
}

/// `POST /spei`.
pub(crate) async fn spei(
    AxState(shared): St,
    caller: Caller,
    body: Bytes,
) -> Result<Response, EmuError> {
    let b: SpeiRequest = parse(&body)?;
    let institution = check_spei(&b)?;
    let now = Utc::now();
    let commission = shared.config.spei_commission;
    let iva = (commission * shared.config.iva_rate).round_dp(2);
    let data = shared.mutate_always(|state| {
        let id = resolve(
            &shared,
            state,
            &caller,
            "card_number",
            &b.card_number,
            false,
        )?;
        operable(state, &id)?;
        let amount = b.amount.value();
        let total = amount + commission + iva;
        let balance = state.cards.get(&id).map(|c| c.balance).unwrap_or_default();
        if balance < total {
            return Err(denied(
                state,
                &id,
                now,
                "not enough balance in the card for the amount, commission and IVA",
            ));
        }
        let operation_id = uuid::Uuid::new_v4().to_string();
        let authorization = state.next_authorization();
        let description = format!("SPEI {}", institution.nombre_institucion);
        record(
            state,
            &id,
            MovementKind::Spei,
            -total,
            &description,
            (&operation_id, &authorization),
            now,
        )?;
        let card = state
            .cards
            .get(&id)
            .ok_or_else(|| EmuError::not_found("card"))?;
        let holder = card
            .cardholder_id
            .as_deref()
            .and_then(|h| state.cardholders.get(h));
        let mut view_card = Card::bare(&card.id);
        view_card.id = None;
        view_card.card_id = Some(card.id.clone());
        view_card.card_type = Some(card.kind);
        view_card.masked_card_number = Some(card.masked());
        let mut account = Account::bare(&card.account_id);
        account.id = None;
        account.account_id = Some(card.account_id.clone());
        if let Some(h) = holder {
            account.rfc = Some(h.data.rfc.clone());
            account.curp = Some(h.data.curp.clone());
            account.primary_phone = Some(h.data.primary_phone.clone());
            account.mobile_phone = Some(h.data.mobile_phone.clone());
        }
        account.observations = Some(card.observations.clone());
        Ok(SpeiData {
            card: view_card,
            account,
            spei: SpeiOperation {
                id: state.next_movement.to_string(),
                tracking_key: format!("NCP{}", authorization),
                operation_date: view::mexico(now).format("%Y-%m-%d").to_string(),
                reference_operation: operation_id,
                amount: b.amount,
                commission: Amount(commission),
                commission_type: CommissionType::Flat,
                iva: Amount(iva),
            },
        })
    })?;
    Ok(ok(data))
}
