//! The emulator's HTTP surface: NeCIPCo's paths under `/v1`, and `/_emulator/*` controls.
//! Bodies are read from their bytes (never through `serde_json::Value`) so that amounts stay
//! exact; queries are read from the URI into text fields. This file holds the program-level
//! endpoints (auth, clients, keys, cardholders, reference data); cards are in `cards.rs`,
//! money in `money.rs`.

use super::auth::{self, Caller};
use super::problem::{EmuError, Problems};
use super::{cards, money, reference, validate, view, Faults, Shared, VERSION_PREFIX};
use crate::wire::*;
use axum::{
    body::Bytes,
    http::{header, HeaderValue, StatusCode, Uri},
    middleware,
    response::{IntoResponse, Response},
    routing::{delete, get, post, put},
    Json, Router,
};
use chrono::Utc;
use rust_decimal::Decimal;
use serde::{de::DeserializeOwned, Serialize};
use std::sync::Arc;

pub(crate) type St = axum::extract::State<Arc<Shared>>;

pub(crate) fn router(shared: Arc<Shared>) -> Router {
    let api = Router::new()
        .route("/auth/login", post(login))
        .route("/auth/logout", delete(logout))
        .route("/cardholders", get(get_cardholder).post(create_cardholder))
        .route("/cards", put(cards::assign))
        .route("/cards/activate", post(cards::activate))
        .route("/cards/status", put(cards::change_status))
        .route("/cards/balance", get(cards::balance))
        .route("/cards/info", get(cards::info))
        .route("/cards/authenticate", get(cards::authenticate))
        .route("/cards/pin/pos", get(cards::pos_pin))
        .route("/cards/pin", post(cards::set_pin).put(cards::update_pin))
        .route("/cards/pin/validate", get(cards::validate_pin))
        .route("/cards/transfer", post(money::transfer))
        .route("/cards/disbursement", post(money::disbursement))
        .route("/cards/payment", post(money::payment))
        .route("/cards/withdrawal", post(money::withdrawal))
        .route("/cards/purchase", post(money::purchase))
        .route("/cards/movements", get(cards::movements))
        .route(
            "/cards/virtual",
            post(cards::create_virtual).put(cards::order_physical),
        )
        .route("/cards/virtual/cvc", get(cards::cvc))
        .route("/clients", get(get_client).post(create_client))
        .route("/clients/fund", post(fund_client))
        .route(
            "/clients/api_key/public_key",
            get(get_public_key).post(add_public_key),
        )
        .route("/spei", post(money::spei))
        .route("/spei/institutions", get(institutions))
        .route("/products", get(products))
        .route("/catalogs/card_status", get(catalog_card_status))
        .route("/catalogs/document_types", get(catalog_document_type))
        .route("/catalogs/document_type", get(catalog_document_type))
        .route("/catalogs/states", get(catalog_states))
        .route("/catalogs/marital_status", get(catalog_marital_status))
        .route("/catalogs/gender", get(catalog_gender))
        .layer(middleware::from_fn_with_state(
            shared.clone(),
            super::faults::inject,
        ));
    Router::new()
        .nest(VERSION_PREFIX, api)
        .route("/_emulator/faults", put(set_faults))
        .route("/_emulator/stats", get(stats))
        .fallback(not_found)
        .with_state(shared)
}

async fn not_found() -> EmuError {
    EmuError::not_found("operation")
}

/// A success envelope.
pub(crate) fn ok<T: Serialize>(data: T) -> Response {
    Json(Envelope::ok(data)).into_response()
}

pub(crate) fn ok_with<T: Serialize>(data: T, message: &str) -> Response {
    Json(Envelope::ok_with(data, message)).into_response()
}

pub(crate) fn created<T: Serialize>(data: T) -> Response {
    (StatusCode::CREATED, Json(Envelope::ok(data))).into_response()
}

/// Parses a body from its bytes: bad JSON is a 400, a missing or mistyped field a 422.
pub(crate) fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, EmuError> {
    serde_json::from_slice(bytes).map_err(|e| match e.classify() {
        serde_json::error::Category::Data => {
            let mut p = Problems::default();
            p.add("body", e.to_string());
            p.into_result()
                .err()
                .unwrap_or_else(|| EmuError::bad_request(e.to_string()))
        }
        _ => EmuError::bad_request(format!("unreadable JSON body: {e}")),
    })
}

/// Parses a query string into text fields; a missing parameter is a 422.
pub(crate) fn query<T: DeserializeOwned>(uri: &Uri) -> Result<T, EmuError> {
    axum::extract::Query::<T>::try_from_uri(uri)
        .map(|q| q.0)
        .map_err(|e| {
            let mut p = Problems::default();
            p.add("query", e.body_text());
            p.into_result()
                .err()
                .unwrap_or_else(|| EmuError::bad_request("bad query"))
        })
}

// ----- auth ---------------------------------------------------------------------------------

async fn login(axum::extract::State(shared): St, body: Bytes) -> Result<Response, EmuError> {
    let req: LoginRequest = parse(&body)?;
    let (token, client) = shared.mutate(|state| {
        auth::login(
            &shared,
            state,
            &req.api_client.api_key,
            req.api_client.password.expose(),
        )
    })?;
    let answer = LoginResponse {
        status: LoginStatus {
            code: 200,
            message: "Logged in successfully.".into(),
        },
        data: LoginData {
            client: view::client_profile(&client, true),
        },
    };
    let mut resp = Json(answer).into_response();
    let value = HeaderValue::from_str(&format!("Bearer {token}"))
        .map_err(|e| EmuError::internal(e.to_string()))?;
    resp.headers_mut().insert(header::AUTHORIZATION, value);
    Ok(resp)
}

async fn logout(axum::extract::State(shared): St, caller: Caller) -> Result<Response, EmuError> {
    shared.mutate(|state| {
        state.tokens.remove(&caller.token_hash);
        Ok(())
    })?;
    Ok(Json(Empty {}).into_response())
}

// ----- clients and keys ---------------------------------------------------------------------

async fn get_client(
    axum::extract::State(shared): St,
    caller: Caller,
) -> Result<Response, EmuError> {
    let state = shared.state.lock();
    let client = state
        .clients
        .get(&caller.client_id)
        .ok_or_else(|| EmuError::not_found("client"))?;
    Ok(ok(ClientData {
        client: view::client_profile(client, false),
    }))
}

fn check_create_client(b: &CreateClientRequest) -> Result<(), EmuError> {
    let mut p = Problems::default();
    validate::chars_between(&mut p, "name", &b.name, 5, 30);
    validate::chars_between(&mut p, "alias", &b.alias, 3, 10);
    validate::email(&mut p, "email", &b.email);
    p.check(
        b.available.value() >= Decimal::ZERO && b.available.value().normalize().scale() <= 2,
        "available",
        "must be zero or more with at most 2 decimals",
    );
    validate::digits(&mut p, "phone", &b.phone, 10, 10);
    validate::digits(&mut p, "mobile_phone", &b.mobile_phone, 10, 10);
    validate::rfc(&mut p, "rfc", &b.rfc);
    validate::chars_between(&mut p, "street", &b.street, 1, 20);
    validate::chars_between(&mut p, "ext_street_number", &b.ext_street_number, 1, 5);
    validate::opt_chars_between(&mut p, "int_street_number", &b.int_street_number, 1, 5);
    validate::chars_between(&mut p, "suburb", &b.suburb, 1, 25);
    validate::chars_between(&mut p, "township", &b.township, 1, 25);
    validate::chars_between(&mut p, "city", &b.city, 1, 25);
    validate::catalog(&mut p, "state", CatalogKind::States, &b.state);
    validate::digits(&mut p, "postal_code", &b.postal_code, 5, 5);
    validate::chars_between(&mut p, "contact_name", &b.contact_name, 1, 12);
    validate::opt_chars_between(&mut p, "contact_second_name", &b.contact_second_name, 1, 12);
    validate::chars_between(&mut p, "contact_surname", &b.contact_surname, 1, 12);
    validate::opt_chars_between(
        &mut p,
        "contact_second_surname",
        &b.contact_second_surname,
        1,
        12,
    );
    validate::email(&mut p, "contact_email", &b.contact_email);
    let cc = |v: &NumOrText| validate::is_digits(v.as_str(), 2, 3);
    p.check(
        cc(&b.contact_telephone_country_code),
        "contact_telephone_country_code",
        "must be 2-3 digits",
    );
    validate::digits(&mut p, "contact_telephone", &b.contact_telephone, 10, 10);
    p.check(
        cc(&b.contact_mobile_phone_country_code),
        "contact_mobile_phone_country_code",
        "must be 2-3 digits",
    );
    validate::digits(
        &mut p,
        "contact_mobile_phone",
        &b.contact_mobile_phone,
        10,
        10,
    );
    if let Some(e) = &b.legal_representative_email {
        validate::email(&mut p, "legal_representative_email", e);
    }
    validate::chars_between(&mut p, "api_key_name", &b.api_key_name, 5, 30);
    validate::opt_chars_between(&mut p, "api_key_description", &b.api_key_description, 1, 30);
    validate::chars_between(
        &mut p,
        "api_key_password",
        b.api_key_password.expose(),
        1,
        30,
    );
    p.into_result()
}

async fn create_client(
    axum::extract::State(shared): St,
    caller: Caller,
    body: Bytes,
) -> Result<Response, EmuError> {
    let b: CreateClientRequest = parse(&body)?;
    check_create_client(&b)?;
    let data = shared.mutate(|state| {
        if state.api_keys.contains_key(&b.api_key_name) {
            return Err(EmuError::refused(
                ErrorCode::Duplicate,
                "api_key_name already in use",
            ));
        }
        let parent = state
            .clients
            .get_mut(&caller.client_id)
            .ok_or_else(|| EmuError::not_found("client"))?;
        let initial = b.available.value();
        if parent.available < initial {
            return Err(EmuError::refused(
                ErrorCode::InsufficientFunds,
                "not enough available balance to create the subclient",
            ));
        }
        parent.available -= initial;
        parent.updated_at = Utc::now();
        let sub = auth::new_client(
            state,
            &b.name,
            &b.alias,
            &b.email,
            &b.rfc,
            initial,
            Some(caller.client_id.clone()),
        );
        let description = b.api_key_description.clone().unwrap_or_default();
        let key = auth::new_api_key(
            state,
            &b.api_key_name,
            &sub.id,
            &sub.alias,
            &description,
            b.api_key_password.expose(),
        );
        auth::new_product(state, &sub.id, &sub.name);
        Ok(SubclientData {
            subclient: Subclient {
                id: sub.id.clone(),
                code: sub.code.clone(),
                name: sub.name.clone(),
                available: Amount(sub.available),
                rfc: sub.rfc.clone(),
                api_client: ApiClientInfo {
                    id: key.id,
                    name: key.api_key,
                    alias: sub.alias,
                    description,
                },
            },
        })
    })?;
    Ok(created(data))
}

async fn fund_client(
    axum::extract::State(shared): St,
    caller: Caller,
    body: Bytes,
) -> Result<Response, EmuError> {
    let b: FundRequest = parse(&body)?;
    let mut p = Problems::default();
    validate::uuid(&mut p, "client_id", &b.client_id);
    validate::amount(&mut p, "amount", &b.amount);
    p.into_result()?;
    let data = shared.mutate(|state| {
        let sub = state
            .clients
            .get(&b.client_id)
            .filter(|c| c.parent_id.as_deref() == Some(caller.client_id.as_str()))
            .ok_or_else(|| EmuError::not_found("subclient"))?;
        let sub_id = sub.id.clone();
        let amount = b.amount.value();
        let now = Utc::now();
        let parent = state
            .clients
            .get_mut(&caller.client_id)
            .ok_or_else(|| EmuError::not_found("client"))?;
        if parent.available < amount {
            return Err(EmuError::refused(
                ErrorCode::InsufficientFunds,
                "not enough available balance",
            ));
        }
        parent.available -= amount;
        parent.updated_at = now;
        let parent = view::funded(parent);
        let sub = state
            .clients
            .get_mut(&sub_id)
            .ok_or_else(|| EmuError::not_found("subclient"))?;
        sub.available += amount;
        sub.updated_at = now;
        Ok(FundData {
            client: parent,
            subclient: view::funded(sub),
        })
    })?;
    Ok(ok(data))
}

fn key_data(
    shared: &Shared,
    state: &super::state::State,
    caller: &Caller,
    with_system: bool,
) -> Result<PublicKeyData, EmuError> {
    let client = state
        .clients
        .get(&caller.client_id)
        .ok_or_else(|| EmuError::not_found("client"))?;
    let key = state
        .api_keys
        .get(&caller.api_key)
        .ok_or_else(|| EmuError::not_found("api key"))?;
    let sensitive_data = match (&key.public_key, with_system) {
        (Some(pem), true) => Some(shared.seal_for(Some(pem), SENSITIVE_DATA_PROBE)?),
        _ => None,
    };
    Ok(PublicKeyData {
        client: ClientBrief {
            id: client.id.clone(),
            name: client.name.clone(),
            alias: client.alias.clone(),
        },
        api_key: ApiKeyInfo {
            id: key.id.clone(),
            alias: key.alias.clone(),
            public_key: key.public_key.clone(),
        },
        system: with_system.then(|| SystemKey {
            public_key: shared.keys.public_key().to_pem(),
        }),
        sensitive_data,
    })
}

async fn get_public_key(
    axum::extract::State(shared): St,
    caller: Caller,
) -> Result<Response, EmuError> {
    let state = shared.state.lock();
    Ok(ok(key_data(&shared, &state, &caller, true)?))
}

async fn add_public_key(
    axum::extract::State(shared): St,
    caller: Caller,
    body: Bytes,
) -> Result<Response, EmuError> {
    let b: AddPublicKeyRequest = parse(&body)?;
    let key = crate::crypto::PublicKey::from_pem(&b.public_key).map_err(|e| {
        let mut p = Problems::default();
        p.add("public_key", e.to_string());
        p.into_result()
            .err()
            .unwrap_or_else(|| EmuError::bad_request("bad key"))
    })?;
    let pem = key.to_pem();
    let data = shared.mutate(|state| {
        let rec = state
            .api_keys
            .get_mut(&caller.api_key)
            .ok_or_else(|| EmuError::not_found("api key"))?;
        rec.public_key = Some(pem);
        let mut caller = caller.clone();
        caller.public_key = rec.public_key.clone();
        key_data(&shared, state, &caller, false)
    })?;
    Ok(ok(data))
}

// ----- cardholders --------------------------------------------------------------------------

async fn get_cardholder(
    axum::extract::State(shared): St,
    caller: Caller,
    uri: Uri,
) -> Result<Response, EmuError> {
    let q: CardholderQuery = query(&uri)?;
    if q.is_empty() {
        let mut p = Problems::default();
        p.add("query", "at least one filter is required");
        p.into_result()?;
    }
    let state = shared.state.lock();
    let eq = |want: &Option<String>, have: &str| want.as_deref().is_none_or(|w| w == have);
    let found = state
        .cardholders
        .values()
        .filter(|h| h.client_id == caller.client_id)
        .find(|h| {
            eq(&q.id, &h.id)
                && eq(&q.rfc, &h.data.rfc)
                && eq(&q.curp, &h.data.curp)
                && eq(&q.email, &h.data.email)
                && eq(&q.primary_phone, &h.data.primary_phone)
                && eq(&q.mobile_phone, &h.data.mobile_phone)
        })
        .ok_or_else(|| EmuError::not_found("cardholder"))?;
    Ok(ok(CardholderData {
        cardholder: view::cardholder_full(&state, found),
    }))
}

fn check_cardholder(b: &CreateCardholderRequest) -> Result<(), EmuError> {
    let mut p = Problems::default();
    validate::chars_between(&mut p, "first_name", &b.first_name, 1, 12);
    validate::chars_between(&mut p, "second_name", &b.second_name, 1, 12);
    validate::chars_between(&mut p, "surname", &b.surname, 1, 12);
    validate::chars_between(&mut p, "second_surname", &b.second_surname, 1, 12);
    validate::rfc(&mut p, "rfc", &b.rfc);
    validate::curp(&mut p, "curp", &b.curp);
    validate::email(&mut p, "email", &b.email);
    validate::digits(&mut p, "primary_phone", &b.primary_phone, 10, 10);
    validate::digits(&mut p, "mobile_phone", &b.mobile_phone, 10, 10);
    validate::chars_between(&mut p, "street", &b.street, 1, 20);
    validate::chars_between(&mut p, "ext_street_number", &b.ext_street_number, 1, 5);
    validate::opt_chars_between(&mut p, "int_street_number", &b.int_street_number, 1, 5);
    validate::chars_between(&mut p, "suburb", &b.suburb, 1, 25);
    validate::opt_chars_between(&mut p, "township", &b.township, 1, 25);
    validate::chars_between(&mut p, "city", &b.city, 1, 25);
    validate::catalog(&mut p, "state", CatalogKind::States, &b.state);
    validate::digits(&mut p, "postal_code", &b.postal_code, 5, 5);
    if let Some(born) = validate::date(&mut p, "birthdate", &b.birthdate) {
        p.check(
            born < Utc::now().date_naive(),
            "birthdate",
            "must be in the past",
        );
    }
    validate::catalog(&mut p, "gender", CatalogKind::Gender, &b.gender);
    validate::catalog(
        &mut p,
        "marital_status",
        CatalogKind::MaritalStatus,
        &b.marital_status,
    );
    for (field, v) in [
        ("gross_monthly_income", &b.gross_monthly_income),
        ("net_monthly_income", &b.net_monthly_income),
    ] {
        if let Some(v) = v {
            p.check(v.value() >= Decimal::ZERO, field, "must not be negative");
        }
    }
    validate::opt_chars_between(&mut p, "observations", &b.observations, 0, 100);
    validate::opt_chars_between(&mut p, "external_id", &b.external_id, 0, 40);
    p.into_result()
}

async fn create_cardholder(
    axum::extract::State(shared): St,
    caller: Caller,
    body: Bytes,
) -> Result<Response, EmuError> {
    let b: CreateCardholderRequest = parse(&body)?;
    check_cardholder(&b)?;
    let holder = shared.mutate(|state| {
        if let Some(ext) = b.external_id.as_deref().filter(|e| !e.is_empty()) {
            let taken = state.cardholders.values().any(|h| {
                h.client_id == caller.client_id && h.data.external_id.as_deref() == Some(ext)
            });
            if taken {
                return Err(EmuError::refused(
                    ErrorCode::Duplicate,
                    "external_id already used",
                ));
            }
        }
        let rec = super::state::CardholderRec {
            id: uuid::Uuid::new_v4().to_string(),
            client_id: caller.client_id.clone(),
            data: b.clone(),
            created_at: Utc::now(),
        };
        state.cardholders.insert(rec.id.clone(), rec.clone());
        let mut view = view::cardholder_identity(&rec);
        view.email = Some(rec.data.email.clone());
        Ok(view)
    })?;
    Ok(created(CardholderData { cardholder: holder }))
}

// ----- reference data -----------------------------------------------------------------------

async fn institutions(_caller: Caller) -> Response {
    ok(InstitutionsData {
        spei_institutions: reference::institutions(),
    })
}

async fn products(axum::extract::State(shared): St, caller: Caller) -> Response {
    let state = shared.state.lock();
    let detail: Vec<Product> = state
        .products
        .values()
        .filter(|p| p.client_id == caller.client_id)
        .map(|p| Product {
            id: p.id.clone(),
            name: p.name.clone(),
            description: String::new(),
            country: CodeDescription {
                code: "484".into(),
                description: Some("MEXICO".into()),
            },
            coin: CodeDescription {
                code: "484".into(),
                description: Some("PESO MEXICANO".into()),
            },
            kind: KeyValue {
                key: "DEBIT".into(),
                value: "Debito".into(),
            },
            status: KeyValue {
                key: "ACTIVE".into(),
                value: "activo".into(),
            },
            affinity_group: p.affinity_group.clone(),
            stock_cards: state
                .cards
                .values()
                .filter(|c| c.product_id == p.id && c.cardholder_id.is_none())
                .count() as u64,
            allow_blank_curp: false,
            allow_blank_rfc: false,
        })
        .collect();
    ok(ProductsData {
        products: ProductPage {
            total: detail.len() as u64,
            detail,
        },
    })
}

fn catalog(kind: CatalogKind) -> Response {
    let mut map = std::collections::BTreeMap::new();
    map.insert(kind.data_key().to_string(), reference::catalog(kind));
    ok(CatalogData(map))
}

async fn catalog_card_status(_caller: Caller) -> Response {
    catalog(CatalogKind::CardStatus)
}

async fn catalog_document_type(_caller: Caller) -> Response {
    catalog(CatalogKind::DocumentType)
}

async fn catalog_states(_caller: Caller) -> Response {
    catalog(CatalogKind::States)
}

async fn catalog_marital_status(_caller: Caller) -> Response {
    catalog(CatalogKind::MaritalStatus)
}

async fn catalog_gender(_caller: Caller) -> Response {
    catalog(CatalogKind::Gender)
}

// ----- sandbox controls ---------------------------------------------------------------------

/// Counters a test reads to prove exactly-once effects, as the other emulators' stats: card
/// payments (fundings) executed, and each payment description seen on more than one of them.
/// Flux tags a funding with its transfer's id, so a repeated tag is a funding paid twice.
#[derive(Serialize)]
struct Stats {
    payments_executed: u64,
    payment_descriptions_repeated: Vec<String>,
}

async fn stats(axum::extract::State(shared): St) -> Json<Stats> {
    let state = shared.state.lock();
    let mut seen = std::collections::BTreeMap::<&str, u32>::new();
    for m in state.cards.values().flat_map(|c| c.movements.iter()) {
        if m.kind == super::state::MovementKind::Payment {
            *seen.entry(m.description.as_str()).or_default() += 1;
        }
    }
    Json(Stats {
        payments_executed: seen.values().map(|n| u64::from(*n)).sum(),
        payment_descriptions_repeated: seen
            .iter()
            .filter(|(_, n)| **n > 1)
            .map(|(d, _)| d.to_string())
            .collect(),
    })
}

async fn set_faults(axum::extract::State(shared): St, body: Bytes) -> Result<Response, EmuError> {
    let faults: Faults = parse(&body)?;
    *shared.faults.lock() = faults.clone();
    Ok(Json(faults).into_response())
}
