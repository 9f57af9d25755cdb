//! Card endpoints: assignment from stock, activation, status, balance, info, authentication,
//! PINs, movements, virtual cards and their CVC. Money operations are in `money.rs`.
//!
//! A card reference (`card_number`) is a card id (uuid) or the card number ciphered with the
//! system key; a program may only act on its own cards (someone else's is "not found"), except
//! as a transfer's destination.

use super::auth::Caller;
use super::pin::ATTEMPTS_PER_BLOCK;
use super::problem::{EmuError, Problems};
use super::reference::{document_description, luhn_is_valid, with_luhn_digit};
use super::routes::{created, ok, ok_with, parse, query, St};
use super::state::{CardRec, MovementRec, State};
use super::{validate, view, Shared};
use crate::wire::*;
use axum::body::Bytes;
use axum::extract::State as AxState;
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use chrono::{DateTime, Datelike, Utc};
use rand::Rng;
use rust_decimal::Decimal;

/// Years a new card is valid.
const VALID_YEARS: i32 = 5;

/// The id of the card `value` names, as seen by `caller` (`any_client` for a transfer's
/// destination).
pub(crate) fn resolve(
    shared: &Shared,
    state: &State,
    caller: &Caller,
    field: &str,
    value: &Sensitive,
    any_client: bool,
) -> Result<String, EmuError> {
    let owned = |c: &CardRec| any_client || c.client_id == caller.client_id;
    match CardRef::read(value) {
        CardRef::Id(id) => state
            .cards
            .get(&id.to_string())
            .filter(|c| owned(c))
            .map(|c| c.id.clone())
            .ok_or_else(|| EmuError::not_found("card")),
        CardRef::Ciphered(ciphered) => {
            let pan = shared.open(field, &ciphered)?;
            if !validate::is_digits(pan.expose(), 16, 16) {
                let mut p = Problems::default();
                p.add(field, "must be a 16-digit card number or a card id");
                p.into_result()?;
            }
            state
                .card_by_pan(pan.expose())
                .filter(|c| owned(c))
                .map(|c| c.id.clone())
                .ok_or_else(|| EmuError::not_found("card"))
        }
    }
}

pub(crate) fn card_mut<'a>(state: &'a mut State, id: &str) -> Result<&'a mut CardRec, EmuError> {
    state
        .cards
        .get_mut(id)
        .ok_or_else(|| EmuError::not_found("card"))
}

fn random_digits(n: usize) -> String {
    let mut rng = rand::thread_rng();
    (0..n)
        .map(|_| char::from(b'0' + rng.gen_range(0..10u8)))
        .collect()
}

/// A new card of `client_id`'s first product, not yet assigned.
fn new_card(state: &mut State, client_id: &str, kind: CardType) -> Option<CardRec> {
    let product = state
        .products
        .values()
        .find(|p| p.client_id == client_id)?
        .clone();
    let pan = loop {
        let pan = with_luhn_digit(&format!("{}{}", product.bin, random_digits(9)));
        if state.card_by_pan(&pan).is_none() {
            break pan;
        }
    };
    let now = Utc::now();
    let reference = state.next_reference();
    Some(CardRec {
        id: uuid::Uuid::new_v4().to_string(),
        client_id: client_id.to_string(),
        product_id: product.id,
        pan,
        kind,
        status: CardStatus::NeedActivation,
        exp_month: format!("{:02}", now.month()),
        exp_year: format!("{:02}", (now.year() + VALID_YEARS) % 100),
        cardholder_id: None,
        account_id: uuid::Uuid::new_v4().to_string(),
        account_reference: reference,
        document: None,
        observations: String::new(),
        assigned_by: None,
        assigned_at: None,
        activated_at: None,
        balance: Decimal::ZERO,
        pos_pin: random_digits(4),
        atm_pin: None,
        pin_guard: Default::default(),
        cvc: None,
        delivery: None,
        last_approved: None,
        last_denied: None,
        last_block: None,
        movements: Vec::new(),
    })
}

/// Puts a new physical card in `client_id`'s stock; returns its number.
pub(crate) fn new_stock_card(state: &mut State, client_id: &str) -> Option<String> {
    let card = new_card(state, client_id, CardType::Physical)?;
    let pan = card.pan.clone();
    state.cards.insert(card.id.clone(), card);
    Some(pan)
}

/// Checks a clear ATM PIN against the card, counting wrong attempts (see `pin.rs`).
pub(crate) fn check_pin(
    shared: &Shared,
    card: &mut CardRec,
    pin: &str,
    now: DateTime<Utc>,
) -> Result<(), EmuError> {
    if let Some(left) = card.pin_guard.locked_for(now) {
        return Err(locked(left));
    }
    let Some(atm_pin) = card.atm_pin.as_deref() else {
        return Err(EmuError::refused(
            ErrorCode::PinNotSet,
            "no ATM PIN set for this card (POST /cards/pin)",
        ));
    };
    if atm_pin == pin {
        card.pin_guard.succeed();
        return Ok(());
    }
    match card.pin_guard.fail(now, shared.config.pin_block) {
        Some(block) => Err(locked(block)),
        None => Err(EmuError::refused(
            ErrorCode::WrongPin,
            format!(
                "wrong PIN; {} attempts left before a temporary block",
                ATTEMPTS_PER_BLOCK - card.pin_guard.failures % ATTEMPTS_PER_BLOCK
            ),
        )),
    }
}

fn locked(left: std::time::Duration) -> EmuError {
    EmuError::new(
        StatusCode::TOO_MANY_REQUESTS,
        ErrorCode::PinLocked,
        format!(
            "too many wrong PIN attempts: blocked for {} more seconds",
            left.as_secs().max(1)
        ),
    )
}

/// Opens a ciphered PIN and checks it is four digits.
pub(crate) fn open_pin(
    shared: &Shared,
    field: &str,
    value: &Sensitive,
) -> Result<String, EmuError> {
    let pin = shared.open(field, value)?;
    if !validate::is_pin(pin.expose()) {
        let mut p = Problems::default();
        p.add(field, "must be 4 digits");
        p.into_result()?;
    }
    Ok(pin.into_inner())
}

fn coords(latitude: &Coordinate, longitude: &Coordinate) -> Result<(), EmuError> {
    let mut p = Problems::default();
    validate::coordinates(&mut p, latitude, longitude);
    p.into_result()
}

fn query_coords(latitude: &str, longitude: &str) -> Result<(), EmuError> {
    let mut p = Problems::default();
    validate::query_coordinates(&mut p, latitude, longitude);
    p.into_result()
}

fn assigned(card: &CardRec) -> Result<&str, EmuError> {
    card.cardholder_id
        .as_deref()
        .ok_or_else(|| EmuError::refused(ErrorCode::CardNotOperable, "the card is not assigned"))
}

fn not_final(card: &CardRec) -> Result<(), EmuError> {
    if card.status.is_final() {
        return Err(EmuError::refused(
            ErrorCode::CardNotOperable,
            format!("the card is {}", card.status),
        ));
    }
    Ok(())
}

fn check_document(p: &mut Problems, kind: &str, number: &str) {
    validate::catalog(p, "document_type", CatalogKind::DocumentType, kind);
    validate::chars_between(p, "document_number", number, 1, 27);
}

fn operation_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

// ----- lifecycle ----------------------------------------------------------------------------

/// `PUT /cards`.
pub(crate) async fn assign(
    AxState(shared): St,
    caller: Caller,
    body: Bytes,
) -> Result<Response, EmuError> {
    let b: AssignCardRequest = parse(&body)?;
    let mut p = Problems::default();
    validate::uuid(&mut p, "cardholder_id", &b.cardholder_id);
    check_document(&mut p, &b.document_type, &b.document_number);
    validate::opt_chars_between(&mut p, "observations", &b.observations, 0, 100);
    validate::coordinates(&mut p, &b.latitude, &b.longitude);
    p.into_result()?;
    let pan = shared.open("card_number", &b.card_number)?;
    if !(validate::is_digits(pan.expose(), 16, 16) && luhn_is_valid(pan.expose())) {
        let mut p = Problems::default();
        p.add("card_number", "must be a 16-digit card number");
        p.into_result()?;
    }
    let data = shared.mutate(|state| {
        let holder = state
            .cardholders
            .get(&b.cardholder_id)
            .filter(|h| h.client_id == caller.client_id)
            .cloned()
            .ok_or_else(|| EmuError::not_found("cardholder"))?;
        let id = state
            .card_by_pan(pan.expose())
            .filter(|c| c.client_id == caller.client_id && c.kind == CardType::Physical)
            .map(|c| c.id.clone())
            .ok_or_else(|| EmuError::not_found("card in stock"))?;
        let card = card_mut(state, &id)?;
        if card.cardholder_id.is_some() {
            return Err(EmuError::refused(
                ErrorCode::Duplicate,
                "the card is already assigned",
            ));
        }
        card.cardholder_id = Some(holder.id.clone());
        card.document = Some((b.document_type.clone(), b.document_number.clone()));
        card.observations = b.observations.clone().unwrap_or_default();
        card.assigned_by = Some(caller.api_key.clone());
        card.assigned_at = Some(Utc::now());
        Ok(assignment(&holder, card, None))
    })?;
    Ok(ok(data))
}

fn assignment(
    holder: &super::state::CardholderRec,
    card: &CardRec,
    sealed: Option<(Sensitive, Sensitive, Sensitive)>,
) -> CardAssignment {
    let mut view_card = Card::bare(&card.id);
    view_card.kind = Some(card.kind);
    view_card.status = Some(card.status);
    view_card.masked_card_number = Some(card.masked());
    match sealed {
        Some((number, year, month)) => {
            view_card.card_number = Some(number);
            view_card.exp_year = Some(year);
            view_card.exp_month = Some(month);
        }
        None => view_card.card_number = Some(Sensitive::new(card.masked())),
    }
    let mut account = Account::bare(&card.account_id);
    account.reference = Some(NumOrText::text(card.account_reference.to_string()));
    account.clabe = Some(None);
    CardAssignment {
        cardholder: view::cardholder_identity(holder),
        card: view_card,
        account,
    }
}

/// `POST /cards/activate`.
pub(crate) async fn activate(
    AxState(shared): St,
    caller: Caller,
    body: Bytes,
) -> Result<Response, EmuError> {
    let b: ActivateCardRequest = parse(&body)?;
    coords(&b.latitude, &b.longitude)?;
    let data = shared.mutate(|state| {
        let id = resolve(
            &shared,
            state,
            &caller,
            "card_number",
            &b.card_number,
            false,
        )?;
        let card = card_mut(state, &id)?;
        assigned(card)?;
        if card.status != CardStatus::NeedActivation {
            return Err(EmuError::refused(
                ErrorCode::CardStatusTransition,
                format!(
                    "only a NEED_ACTIVATION card can be activated; it is {}",
                    card.status
                ),
            ));
        }
        card.status = CardStatus::Active;
        card.activated_at = Some(Utc::now());
        Ok(view::card_data(card))
    })?;
    Ok(ok(data))
}

/// `PUT /cards/status`.
pub(crate) async fn change_status(
    AxState(shared): St,
    caller: Caller,
    body: Bytes,
) -> Result<Response, EmuError> {
    let b: CardStatusRequest = parse(&body)?;
    coords(&b.latitude, &b.longitude)?;
    let data = shared.mutate(|state| {
        let id = resolve(
            &shared,
            state,
            &caller,
            "card_number",
            &b.card_number,
            false,
        )?;
        let card = card_mut(state, &id)?;
        if !card.status.can_change_to(b.status) {
            return Err(EmuError::refused(
                ErrorCode::CardStatusTransition,
                format!("a {} card cannot become {}", card.status, b.status),
            ));
        }
        card.status = b.status;
        if b.status != CardStatus::Active {
            card.last_block = Some(Utc::now());
        }
        Ok(view::card_data(card))
    })?;
    Ok(ok(data))
}

// ----- queries ------------------------------------------------------------------------------

/// `GET /cards/balance`.
pub(crate) async fn balance(
    AxState(shared): St,
    caller: Caller,
    uri: Uri,
) -> Result<Response, EmuError> {
    let q: BalanceQuery = query(&uri)?;
    let with_movements = match q.movements.as_str() {
        "true" => true,
        "false" => false,
        _ => {
            let mut p = Problems::default();
            p.add("movements", "must be true or false");
            return Err(p
                .into_result()
                .err()
                .unwrap_or_else(|| EmuError::bad_request("movements")));
        }
    };
    let state = shared.state.lock();
    let id = resolve(
        &shared,
        &state,
        &caller,
        "card_number",
        &q.card_number,
        false,
    )?;
    let card = state
        .cards
        .get(&id)
        .ok_or_else(|| EmuError::not_found("card"))?;
    let movements = with_movements.then(|| {
        card.movements
            .iter()
            .rev()
            .take(10)
            .map(|m| RecentMovement {
                fecha: view::mexico(m.at).format("%Y%m%d").to_string(),
                hora: view::mexico(m.at).format("%H%M%S").to_string(),
                comercio: m.description.clone(),
                importe: AmountText(m.amount),
                descripcion_importe: Some(m.kind.code().2.to_string()),
                codigo_autorizacion: m.authorization.clone(),
            })
            .collect()
    });
    Ok(ok(BalanceData {
        available: Amount(card.balance),
        card: view::card(card),
        account: view::account(card),
        movements,
    }))
}

/// `GET /cards/info`.
pub(crate) async fn info(
    AxState(shared): St,
    caller: Caller,
    uri: Uri,
) -> Result<Response, EmuError> {
    let q: CardQuery = query(&uri)?;
    let state = shared.state.lock();
    let id = resolve(
        &shared,
        &state,
        &caller,
        "card_number",
        &q.card_number,
        false,
    )?;
    let card = state
        .cards
        .get(&id)
        .ok_or_else(|| EmuError::not_found("card"))?;
    let holder_id = assigned(card)?;
    let holder = state
        .cardholders
        .get(holder_id)
        .ok_or_else(|| EmuError::not_found("cardholder"))?;
    let mut view_card = Card::bare(&card.id);
    view_card.masked_card_number = Some(card.masked());
    view_card.card_type = Some(card.kind);
    view_card.status = Some(card.status);
    view_card.card_number = Some(shared.seal_for(caller.public_key.as_deref(), &card.pan)?);
    view_card.activity = Some(Activity {
        last_approved_operation: view::plain_time(card.last_approved),
        last_denied_operation: view::plain_time(card.last_denied),
        last_block_status: view::plain_time(card.last_block),
    });
    let d = &holder.data;
    let address = [
        Some(d.street.as_str()),
        Some(d.ext_street_number.as_str()),
        d.int_street_number.as_deref(),
    ]
    .into_iter()
    .flatten()
    .filter(|s| !s.is_empty())
    .collect::<Vec<_>>()
    .join(" ");
    let (doc_type, doc_number) = card.document.clone().unwrap_or_default();
    Ok(ok(CardInfoData {
        account: view::account(card),
        card: view_card,
        cardholder: CardholderSummary {
            name: format!("{} {}", d.first_name, d.surname),
            phone: d.primary_phone.clone(),
            address,
            postal_code: d.postal_code.clone(),
            township: d.township.clone().unwrap_or_default(),
            country: format!("{:<30}", "MEXICO"),
            document: Document {
                kind: doc_type,
                description: None,
                number: doc_number,
            },
        },
    }))
}

/// `GET /cards/authenticate`: last four of the card + last two of the ATM PIN. A mismatch
/// answers `validated: false` and counts as a wrong PIN attempt.
pub(crate) async fn authenticate(
    AxState(shared): St,
    caller: Caller,
    uri: Uri,
) -> Result<Response, EmuError> {
    let q: AuthenticateQuery = query(&uri)?;
    let info = q.authentication_info.expose().to_string();
    if !validate::is_digits(&info, 6, 6) {
        let mut p = Problems::default();
        p.add("authentication_info", "must be 6 digits");
        p.into_result()?;
    }
    let now = Utc::now();
    let validated = shared.mutate_always(|state| {
        let id = resolve(
            &shared,
            state,
            &caller,
            "card_number",
            &q.card_number,
            false,
        )?;
        let block = shared.config.pin_block;
        let card = card_mut(state, &id)?;
        if let Some(left) = card.pin_guard.locked_for(now) {
            return Err(locked(left));
        }
        let pin = card.atm_pin.clone().ok_or_else(|| {
            EmuError::refused(ErrorCode::PinNotSet, "no ATM PIN set for this card")
        })?;
        let expected = format!("{}{}", card.last_four(), pin.get(2..).unwrap_or(""));
        if expected == info {
            card.pin_guard.succeed();
            Ok(true)
        } else {
            if let Some(block) = card.pin_guard.fail(now, block) {
                return Err(locked(block));
            }
            Ok(false)
        }
    })?;
    Ok(if validated {
        ok_with(Validated { validated }, "Authentication successful!")
    } else {
        ok_with(Validated { validated }, "Authentication failed")
    })
}

/// `GET /cards/pin/pos`.
pub(crate) async fn pos_pin(
    AxState(shared): St,
    caller: Caller,
    uri: Uri,
) -> Result<Response, EmuError> {
    let q: LocatedCardQuery = query(&uri)?;
    query_coords(&q.latitude, &q.longitude)?;
    let state = shared.state.lock();
    let id = resolve(
        &shared,
        &state,
        &caller,
        "card_number",
        &q.card_number,
        false,
    )?;
    let card = state
        .cards
        .get(&id)
        .ok_or_else(|| EmuError::not_found("card"))?;
    not_final(card)?;
    let mut data = view::card_data(card);
    data.card.pin = Some(shared.seal_for(caller.public_key.as_deref(), &card.pos_pin)?);
    Ok(ok(data))
}

/// `POST /cards/pin`: sets the ATM PIN without the old one, and lifts any PIN block.
pub(crate) async fn set_pin(
    AxState(shared): St,
    caller: Caller,
    body: Bytes,
) -> Result<Response, EmuError> {
    let b: SetPinRequest = parse(&body)?;
    coords(&b.latitude, &b.longitude)?;
    let pin = open_pin(&shared, "pin", &b.pin)?;
    let data = shared.mutate(|state| {
        let id = resolve(
            &shared,
            state,
            &caller,
            "card_number",
            &b.card_number,
            false,
        )?;
        let card = card_mut(state, &id)?;
        not_final(card)?;
        card.atm_pin = Some(pin);
        card.pin_guard.succeed();
        card.cvc = None;
        Ok(OperationData {
            operation: bare_operation(),
            card: view::card(card),
            account: view::account(card),
        })
    })?;
    Ok(ok(data))
}

fn bare_operation() -> Operation {
    Operation {
        id: operation_id(),
        authorization_code: None,
        amount: None,
        payment_description: None,
        merchant_description: None,
    }
}

/// `PUT /cards/pin`: needs the right old PIN (a wrong one counts).
pub(crate) async fn update_pin(
    AxState(shared): St,
    caller: Caller,
    body: Bytes,
) -> Result<Response, EmuError> {
    let b: UpdatePinRequest = parse(&body)?;
    coords(&b.latitude, &b.longitude)?;
    let old = open_pin(&shared, "old_pin", &b.old_pin)?;
    let new = open_pin(&shared, "new_pin", &b.new_pin)?;
    let data = shared.mutate_always(|state| {
        let id = resolve(
            &shared,
            state,
            &caller,
            "card_number",
            &b.card_number,
            false,
        )?;
        let card = card_mut(state, &id)?;
        not_final(card)?;
        check_pin(&shared, card, &old, Utc::now())?;
        card.atm_pin = Some(new);
        card.cvc = None;
        Ok(OperationData {
            operation: bare_operation(),
            card: view::card(card),
            account: view::account(card),
        })
    })?;
    Ok(ok(data))
}

/// `GET /cards/pin/validate`: a wrong PIN answers `validated: false` (and counts); a blocked
/// PIN answers 429.
pub(crate) async fn validate_pin(
    AxState(shared): St,
    caller: Caller,
    uri: Uri,
) -> Result<Response, EmuError> {
    let q: PinQuery = query(&uri)?;
    query_coords(&q.latitude, &q.longitude)?;
    let pin = open_pin(&shared, "pin", &q.pin)?;
    let validated = shared.mutate_always(|state| {
        let id = resolve(
            &shared,
            state,
            &caller,
            "card_number",
            &q.card_number,
            false,
        )?;
        let card = card_mut(state, &id)?;
        match check_pin(&shared, card, &pin, Utc::now()) {
            Ok(()) => Ok(true),
            Err(e) if e.code == ErrorCode::WrongPin => Ok(false),
            Err(e) => Err(e),
        }
    })?;
    Ok(if validated {
        ok_with(Validated { validated }, "PIN Validated")
    } else {
        ok_with(Validated { validated }, "Invalid PIN")
    })
}

/// `GET /cards/movements`: the card's movements between two dates (Mexico City), both
/// included, oldest first.
pub(crate) async fn movements(
    AxState(shared): St,
    caller: Caller,
    uri: Uri,
) -> Result<Response, EmuError> {
    let q: MovementsQuery = query(&uri)?;
    let mut p = Problems::default();
    let from = validate::date(&mut p, "initial_date", &q.initial_date);
    let to = validate::date(&mut p, "end_date", &q.end_date);
    if let (Some(from), Some(to)) = (from, to) {
        p.check(from <= to, "end_date", "must not be before initial_date");
    }
    p.into_result()?;
    let (Some(from), Some(to)) = (from, to) else {
        return Err(EmuError::bad_request("dates"));
    };
    let state = shared.state.lock();
    let id = resolve(
        &shared,
        &state,
        &caller,
        "card_number",
        &q.card_number,
        false,
    )?;
    let card = state
        .cards
        .get(&id)
        .ok_or_else(|| EmuError::not_found("card"))?;
    let detail = card
        .movements
        .iter()
        .filter(|m| {
            let day = view::mexico(m.at).date_naive();
            from <= day && day <= to
        })
        .map(movement_view)
        .collect();
    Ok(ok(MovementsData {
        card: view::card(card),
        account: view::account(card),
        movements: MovementPage {
            initial_date: q.initial_date,
            end_date: q.end_date,
            detail,
        },
    }))
}

fn peso() -> CodeDescription {
    CodeDescription {
        code: "484".into(),
        description: Some("Peso mexicano".into()),
    }
}

fn movement_view(m: &MovementRec) -> Movement {
    let (kind, subtype, description) = m.kind.code();
    let total = AmountText(m.amount);
    Movement {
        id: m.id.clone(),
        referencial_id: m.operation_id.clone(),
        date: view::plain_time(Some(m.at)),
        code: MovementCode {
            kind: kind.into(),
            subtype: subtype.into(),
            description: description.into(),
        },
        merchant: CodeDescription {
            code: "0000000".into(),
            description: Some(m.description.clone()),
        },
        country: CodeDescription {
            code: "484".into(),
            description: Some("MEXICO".into()),
        },
        amounts: MovementAmounts {
            original: MovementAmount {
                coin: peso(),
                total,
            },
            exchanged: MovementAmount {
                coin: peso(),
                total,
            },
        },
        channel: m.kind.channel().into(),
        authorization: m.authorization.clone(),
        status: CodeDescription {
            code: "00".into(),
            description: Some("Aprobada".into()),
        },
        retrieval: format!("{:0>12}", m.id),
    }
}

// ----- virtual cards ------------------------------------------------------------------------

/// `POST /cards/virtual`: a virtual card, assigned, NEED_ACTIVATION; its number and expiry
/// come back ciphered for the caller.
pub(crate) async fn create_virtual(
    AxState(shared): St,
    caller: Caller,
    body: Bytes,
) -> Result<Response, EmuError> {
    let b: CreateVirtualCardRequest = parse(&body)?;
    let mut p = Problems::default();
    validate::uuid(&mut p, "product", &b.product);
    validate::uuid(&mut p, "cardholder_id", &b.cardholder_id);
    check_document(&mut p, &b.document_type, &b.document_number);
    validate::chars_between(&mut p, "observations", &b.observations, 0, 100);
    validate::coordinates(&mut p, &b.latitude, &b.longitude);
    p.into_result()?;
    let data = shared.mutate(|state| {
        let product = state
            .products
            .get(&b.product)
            .filter(|p| p.client_id == caller.client_id)
            .cloned()
            .ok_or_else(|| EmuError::not_found("product"))?;
        let holder = state
            .cardholders
            .get(&b.cardholder_id)
            .filter(|h| h.client_id == caller.client_id)
            .cloned()
            .ok_or_else(|| EmuError::not_found("cardholder"))?;
        let mut card = new_card(state, &caller.client_id, CardType::Virtual)
            .ok_or_else(|| EmuError::not_found("product"))?;
        card.product_id = product.id;
        card.cardholder_id = Some(holder.id.clone());
        card.document = Some((b.document_type.clone(), b.document_number.clone()));
        card.observations = b.observations.clone();
        card.assigned_by = Some(caller.api_key.clone());
        card.assigned_at = Some(Utc::now());
        let key = caller.public_key.as_deref();
        let sealed = (
            shared.seal_for(key, &card.pan)?,
            shared.seal_for(key, &card.exp_year)?,
            shared.seal_for(key, &card.exp_month)?,
        );
        let data = assignment(&holder, &card, Some(sealed));
        state.cards.insert(card.id.clone(), card);
        Ok(data)
    })?;
    Ok(created(data))
}

/// `PUT /cards/virtual`: orders the plastic; the card becomes VIRTUAL_WITH_PHYSICAL.
pub(crate) async fn order_physical(
    AxState(shared): St,
    caller: Caller,
    body: Bytes,
) -> Result<Response, EmuError> {
    let b: PhysicalFromVirtualRequest = parse(&body)?;
    let mut p = Problems::default();
    validate::chars_between(&mut p, "delivery_street", &b.delivery_street, 1, 20);
    validate::chars_between(
        &mut p,
        "delivery_street_number",
        &b.delivery_street_number,
        1,
        10,
    );
    validate::chars_between(&mut p, "delivery_township", &b.delivery_township, 1, 25);
    validate::catalog(
        &mut p,
        "delivery_state",
        CatalogKind::States,
        &b.delivery_state,
    );
    validate::digits(
        &mut p,
        "delivery_postal_code",
        &b.delivery_postal_code,
        5,
        5,
    );
    validate::coordinates(&mut p, &b.latitude, &b.longitude);
    p.into_result()?;
    let data = shared.mutate(|state| {
        let id = resolve(
            &shared,
            state,
            &caller,
            "card_number",
            &b.card_number,
            false,
        )?;
        let holder = state
            .cards
            .get(&id)
            .and_then(|c| c.cardholder_id.clone())
            .and_then(|h| state.cardholders.get(&h).cloned())
            .ok_or_else(|| {
                EmuError::refused(ErrorCode::CardNotOperable, "the card is not assigned")
            })?;
        let card = card_mut(state, &id)?;
        not_final(card)?;
        match card.kind {
            CardType::Virtual => {}
            CardType::VirtualWithPhysical => {
                return Err(EmuError::refused(
                    ErrorCode::Duplicate,
                    "a physical card was already ordered for this card",
                ))
            }
            CardType::Physical => {
                return Err(EmuError::refused(
                    ErrorCode::NotVirtual,
                    "the card is not a virtual card",
                ))
            }
        }
        let delivery = DeliveryAddress {
            street: b.delivery_street.clone(),
            street_number: b.delivery_street_number.clone(),
            township: b.delivery_township.clone(),
            state: b.delivery_state.clone(),
            postal_code: b.delivery_postal_code.clone(),
        };
        card.kind = CardType::VirtualWithPhysical;
        card.delivery = Some(delivery.clone());
        let mut view_card = Card::bare(&card.id);
        view_card.kind = Some(card.kind);
        view_card.masked_card_number = Some(card.masked());
        let (doc_type, doc_number) = card.document.clone().unwrap_or_default();
        let mut account = Account::bare(&card.account_id);
        account.rfc = Some(holder.data.rfc.clone());
        account.curp = Some(holder.data.curp.clone());
        account.primary_phone = Some(holder.data.primary_phone.clone());
        account.mobile_phone = Some(holder.data.mobile_phone.clone());
        account.observations = Some(card.observations.clone());
        account.document = Some(Document {
            description: document_description(&doc_type).map(str::to_string),
            kind: doc_type,
            number: doc_number,
        });
        Ok(PhysicalFromVirtualData {
            card: view_card,
            account,
            delivery_address: delivery,
        })
    })?;
    Ok(ok(data))
}

/// `GET /cards/virtual/cvc`: needs an ACTIVE virtual card with an ATM PIN, and that PIN. The
/// CVC lives `cvc_ttl`; asked again meanwhile, the same CVC comes back with less time left.
pub(crate) async fn cvc(
    AxState(shared): St,
    caller: Caller,
    uri: Uri,
) -> Result<Response, EmuError> {
    let q: PinQuery = query(&uri)?;
    query_coords(&q.latitude, &q.longitude)?;
    let pin = open_pin(&shared, "pin", &q.pin)?;
    let now = Utc::now();
    let data = shared.mutate_always(|state| {
        let id = resolve(
            &shared,
            state,
            &caller,
            "card_number",
            &q.card_number,
            false,
        )?;
        let card = card_mut(state, &id)?;
        if !card.kind.is_virtual() {
            return Err(EmuError::refused(
                ErrorCode::NotVirtual,
                "CVCs are issued for virtual cards only",
            ));
        }
        if !card.status.allows_operations() {
            return Err(EmuError::refused(
                ErrorCode::CardNotOperable,
                format!("the card is {}", card.status),
            ));
        }
        if card.atm_pin.is_none() {
            return Err(EmuError::refused(
                ErrorCode::PinNotSet,
                "set an ATM PIN first (POST /cards/pin)",
            ));
        }
        check_pin(&shared, card, &pin, now)?;
        let ttl = chrono::Duration::from_std(shared.config.cvc_ttl)
            .unwrap_or(chrono::Duration::minutes(3));
        let (value, expires) = match card.cvc.clone().filter(|(_, until)| *until > now) {
            Some(live) => live,
            None => {
                let fresh = (random_digits(3), now + ttl);
                card.cvc = Some(fresh.clone());
                fresh
            }
        };
        let seconds = (expires - now).num_seconds().max(1);
        let minutes = (seconds + 59) / 60;
        let mut data = view::card_data(card);
        data.card.cvc = Some(shared.seal_for(caller.public_key.as_deref(), &value)?);
        data.card.remaining_time = Some(NumOrText::text(minutes.to_string()));
        Ok(data)
    })?;
    Ok(ok(data))
}
