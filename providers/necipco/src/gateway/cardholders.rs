//! Cardholders: `POST`, `GET` (list) and `GET …/{id}` under
//! `/api/partners/clients/{clientId}/cardholders`.
//!
//! Creation is validated before NeCIPCo is called, every problem named by its field: names of
//! 1 to 12 characters (the seed's limit), the RFC's and CURP's check digits (the generic RFCs
//! XAXX010101000 and XEXX010101000 accepted by convention), e-mail, phones, address lengths,
//! the birth date, and the state, gender and marital status against NeCIPCo's own catalogs.

use super::{connector, model, necipco, upstream_error, NAME};
use crate::wire::{Amount, CreateCardholderRequest};
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::{Extension, Json};
use flux_gateway::error::ApiError;
use flux_gateway::idempotency::{self, Begin, Outcome};
use flux_gateway::model::Pagination;
use flux_gateway::pipeline::Caller;
use flux_gateway::routes::{owned_client, path_id};
use flux_gateway::validate::{json_object, page_query, Fields};
use flux_gateway::SharedState;
use flux_store::CardholderRecord;
use serde_json::{Map, Value};
use std::collections::HashMap;
use uuid::Uuid;

/// The partner's body, checked; catalogs are checked against NeCIPCo's.
fn parse(
    obj: &Map<String, Value>,
    catalogs: &super::Catalogs,
) -> Result<CreateCardholderRequest, ApiError> {
    let mut f = Fields::new(obj);
    let first_name = f.string("first_name", 1, 12);
    let second_name = f.string("second_name", 1, 12);
    let surname = f.string("surname", 1, 12);
    let second_surname = f.string("second_surname", 1, 12);
    let rfc = f
        .string("rfc", 12, 13)
        .and_then(|r| match flux_core::rfc::validate_strict(&r) {
            Ok(()) => Some(r),
            Err(e) => {
                f.fail("rfc", e.to_string());
                None
            }
        });
    let curp = f
        .string("curp", 18, 18)
        .and_then(|c| match flux_core::curp::validate(&c) {
            Ok(()) => Some(c),
            Err(e) => {
                f.fail("curp", e.to_string());
                None
            }
        });
    let email = f.string("email", 3, 100).and_then(|e| {
        let ok = e.split_once('@').is_some_and(|(u, d)| {
            !u.is_empty() && d.contains('.') && !d.starts_with('.') && !d.ends_with('.')
        });
        if ok {
            Some(e)
        } else {
            f.fail("email", "must be an e-mail address");
            None
        }
    });
    let primary_phone = digits(&mut f, "primary_phone", 10);
    let mobile_phone = digits(&mut f, "mobile_phone", 10);
    let street = f.string("street", 1, 20);
    let ext_street_number = f.string("ext_street_number", 1, 5);
    let int_street_number = f.opt_string("int_street_number", 1, 5);
    let suburb = f.string("suburb", 1, 25);
    let township = f.opt_string("township", 1, 25);
    let city = f.string("city", 1, 25);
    let state = f.one_of("state", &refs(&catalogs.states));
    let postal_code = digits(&mut f, "postal_code", 5);
    let birthdate = f.string("birthdate", 10, 10).and_then(|b| {
        match chrono::NaiveDate::parse_from_str(&b, "%Y-%m-%d") {
            Ok(d) if d < flux_core::time::now().date_naive() => Some(b),
            _ => {
                f.fail("birthdate", "must be a past date, YYYY-MM-DD");
                None
            }
        }
    });
    let gender = f.one_of("gender", &refs(&catalogs.genders));
    let marital_status = f.one_of("marital_status", &refs(&catalogs.marital_statuses));
    f.allow("has_kids");
    let has_kids = match obj.get("has_kids") {
        Some(Value::Bool(b)) => Some(*b),
        None | Some(Value::Null) => Some(false),
        Some(_) => {
            f.fail("has_kids", "must be true or false");
            None
        }
    };
    let gross = income(&mut f, "gross_monthly_income");
    let net = income(&mut f, "net_monthly_income");
    let observations = f.opt_string("observations", 1, 100);
    let external_id = f.opt_string("external_id", 1, 40);
    f.finish()?;
    let missing = ApiError::internal;
    Ok(CreateCardholderRequest {
        first_name: first_name.ok_or_else(missing)?,
        second_name: second_name.ok_or_else(missing)?,
        surname: surname.ok_or_else(missing)?,
        second_surname: second_surname.ok_or_else(missing)?,
        rfc: rfc.ok_or_else(missing)?,
        curp: curp.ok_or_else(missing)?,
        email: email.ok_or_else(missing)?,
        primary_phone: primary_phone.ok_or_else(missing)?,
        mobile_phone: mobile_phone.ok_or_else(missing)?,
        street: street.ok_or_else(missing)?,
        ext_street_number: ext_street_number.ok_or_else(missing)?,
        int_street_number,
        suburb: suburb.ok_or_else(missing)?,
        township,
        city: city.ok_or_else(missing)?,
        state: state.ok_or_else(missing)?,
        postal_code: postal_code.ok_or_else(missing)?,
        birthdate: birthdate.ok_or_else(missing)?,
        gender: gender.ok_or_else(missing)?,
        marital_status: marital_status.ok_or_else(missing)?,
        has_kids: has_kids.ok_or_else(missing)?,
        gross_monthly_income: gross.flatten(),
        net_monthly_income: net.flatten(),
        observations,
        external_id,
    })
}

fn refs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

fn digits(f: &mut Fields<'_>, field: &'static str, n: usize) -> Option<String> {
    let s = f.string(field, n, n)?;
    if s.bytes().all(|b| b.is_ascii_digit()) {
        Some(s)
    } else {
        f.fail(field, format!("must be {n} digits"));
        None
    }
}

/// An optional income: a decimal string, zero or more, at most 2 decimals. Some(None): absent.
fn income(f: &mut Fields<'_>, field: &'static str) -> Option<Option<Amount>> {
    let Some(s) = f.opt_string(field, 1, 20) else {
        return Some(None);
    };
    match rust_decimal::Decimal::from_str_exact(&s) {
        Ok(d) if d >= rust_decimal::Decimal::ZERO && d.scale() <= 2 => Some(Some(Amount(d))),
        _ => {
            f.fail(
                field,
                "must be a decimal string, zero or more, with at most 2 decimals",
            );
            None
        }
    }
}

/// What Flux keeps and shows of a cardholder: the identity as given.
fn profile(b: &CreateCardholderRequest) -> model::CardholderProfile {
    model::CardholderProfile {
        first_name: b.first_name.clone(),
        second_name: b.second_name.clone(),
        surname: b.surname.clone(),
        second_surname: b.second_surname.clone(),
        rfc: b.rfc.clone(),
        curp: b.curp.clone(),
        email: b.email.clone(),
        primary_phone: b.primary_phone.clone(),
        mobile_phone: b.mobile_phone.clone(),
        address: model::CardholderAddress {
            street: b.street.clone(),
            ext_street_number: b.ext_street_number.clone(),
            int_street_number: b.int_street_number.clone(),
            suburb: b.suburb.clone(),
            township: b.township.clone(),
            city: b.city.clone(),
            state: b.state.clone(),
            postal_code: b.postal_code.clone(),
        },
        birthdate: b.birthdate.clone(),
        gender: b.gender.clone(),
        marital_status: b.marital_status.clone(),
        has_kids: b.has_kids,
        gross_monthly_income: b
            .gross_monthly_income
            .as_ref()
            .map(|a| a.value().to_string()),
        net_monthly_income: b.net_monthly_income.as_ref().map(|a| a.value().to_string()),
        observations: b.observations.clone(),
        external_id: b.external_id.clone(),
    }
}

/// A cardholder, as NeCIPCo files it (its field lengths). `rfc` and `curp` carry check
/// digits; `state`, `gender` and `marital_status` take NeCIPCo's catalog values.
#[derive(utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct NewCardholder {
    #[schema(min_length = 1, max_length = 12)]
    first_name: String,
    #[schema(min_length = 1, max_length = 12)]
    second_name: String,
    #[schema(min_length = 1, max_length = 12)]
    surname: String,
    #[schema(min_length = 1, max_length = 12)]
    second_surname: String,
    #[schema(
        min_length = 12,
        max_length = 13,
        pattern = r"^[A-ZÑ&]{3,4}[0-9]{6}[A-Z0-9]{3}$"
    )]
    rfc: String,
    #[schema(
        min_length = 18,
        max_length = 18,
        pattern = r"^[A-Z]{4}[0-9]{6}[HM][A-Z]{5}[A-Z0-9][0-9]$"
    )]
    curp: String,
    #[schema(min_length = 3, max_length = 100)]
    email: String,
    #[schema(pattern = r"^[0-9]{10}$")]
    primary_phone: String,
    #[schema(pattern = r"^[0-9]{10}$")]
    mobile_phone: String,
    #[schema(min_length = 1, max_length = 20)]
    street: String,
    #[schema(min_length = 1, max_length = 5)]
    ext_street_number: String,
    #[schema(min_length = 1, max_length = 5)]
    int_street_number: Option<String>,
    #[schema(min_length = 1, max_length = 25)]
    suburb: String,
    #[schema(min_length = 1, max_length = 25)]
    township: Option<String>,
    #[schema(min_length = 1, max_length = 25)]
    city: String,
    /// A value of NeCIPCo's states catalog.
    state: String,
    #[schema(pattern = r"^[0-9]{5}$")]
    postal_code: String,
    /// YYYY-MM-DD.
    #[schema(pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    birthdate: String,
    /// A value of NeCIPCo's genders catalog.
    gender: String,
    /// A value of NeCIPCo's marital statuses catalog.
    marital_status: String,
    has_kids: Option<bool>,
    /// Decimal string, zero or more, at most 2 decimals.
    #[schema(pattern = r"^[0-9]{1,17}(\.[0-9]{1,2})?$")]
    gross_monthly_income: Option<String>,
    #[schema(pattern = r"^[0-9]{1,17}(\.[0-9]{1,2})?$")]
    net_monthly_income: Option<String>,
    #[schema(min_length = 1, max_length = 100)]
    observations: Option<String>,
    #[schema(min_length = 1, max_length = 40)]
    external_id: Option<String>,
}

/// Create a cardholder
///
/// The person a card is issued to. RFC and CURP check digits are verified; state, gender and marital status come from NeCIPCo's catalogs.
#[utoipa::path(post, path = "/api/partners/clients/{clientId}/cardholders", operation_id = "create_cardholder", tag = "cards",
    params(("clientId" = Uuid, Path), ("Idempotency-Key" = Option<String>, Header)),
    request_body = NewCardholder,
    responses((status = 201, body = model::Cardholder), (status = 400, body = flux_gateway::error::Problem), (status = 404, body = flux_gateway::error::Problem),
        (status = 422, body = flux_gateway::error::Problem), (status = 502, body = flux_gateway::error::Problem)),
    security(("api_key" = [])))]
pub async fn create(
    State(state): State<SharedState>,
    Extension(caller): Extension<Caller>,
    Path(client_id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let client_id = path_id(&client_id, "client")?;
    let obj = json_object(&body)?;
    let client = owned_client(&state, &caller, client_id).await?;
    let catalogs = necipco(&state)?.catalogs().await.map_err(upstream_error)?;
    let request = parse(&obj, catalogs)?;
    let api = connector(&state, &client).await?;
    let path = format!("/api/partners/clients/{client_id}/cardholders");
    let claim = match idempotency::begin(&state, &caller, &headers, "POST", &path, &body).await? {
        Begin::Replay(r) => return Ok(r),
        Begin::Run(c) => c,
    };
    let result = async {
        let made = api
            .create_cardholder(&request)
            .await
            .map_err(upstream_error)?;
        let record = CardholderRecord {
            id: Uuid::new_v4(),
            partner_id: caller.partner_id,
            client_id,
            provider: NAME.into(),
            provider_id: made.id,
            profile: serde_json::to_value(profile(&request)).map_err(|_| ApiError::internal())?,
            created_at: flux_core::time::now(),
        };
        state.store.insert_cardholder(&record).await?;
        model::Cardholder::of(&record)
    }
    .await;
    Ok(idempotency::finish(&state, claim, Outcome::created(result)).await)
}

/// A cardholder of a client the caller owns; anything else is a 404.
pub async fn owned(
    state: &SharedState,
    caller: &Caller,
    client_id: Uuid,
    cardholder_id: Uuid,
) -> Result<CardholderRecord, ApiError> {
    match state.store.get_cardholder(cardholder_id).await? {
        Some(h) if h.partner_id == caller.partner_id && h.client_id == client_id => Ok(h),
        _ => Err(ApiError::not_found("cardholder")),
    }
}

/// List cardholders
#[utoipa::path(get, path = "/api/partners/clients/{clientId}/cardholders", operation_id = "list_cardholders", tag = "cards",
    params(("clientId" = Uuid, Path), ("page" = Option<u32>, Query, minimum = 1, maximum = 1000000, description = "1-based page, default 1. Its cost grows with its depth (every item before it is skipped and all are counted): prefer `starting_after` beyond the first pages"), ("per_page" = Option<u32>, Query, minimum = 1, maximum = 200, description = "1 to 200, default 50"), ("starting_after" = Option<Uuid>, Query, description = "Cursor: the id of the last item already seen (the previous page's `pagination.next_starting_after`); answers the items after it, without totals. Every page costs the same at any depth. Not with `page`; an id that is not an item of this list is 422")),
    responses((status = 200, body = flux_gateway::model::Page<model::Cardholder>), (status = 404, body = flux_gateway::error::Problem)),
    security(("api_key" = [])))]
pub async fn list(
    State(state): State<SharedState>,
    Extension(caller): Extension<Caller>,
    Path(client_id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<flux_gateway::model::Page<model::Cardholder>>, ApiError> {
    let client = owned_client(&state, &caller, path_id(&client_id, "client")?).await?;
    let slice = page_query(&q, 200)?;
    let listed = state
        .store
        .list_cardholders(client.client_id, slice.clone())
        .await?;
    let data = listed
        .items
        .iter()
        .map(model::Cardholder::of)
        .collect::<Result<Vec<_>, _>>()?;
    let last = listed.items.last().map(|h| h.id.to_string());
    Ok(Json(flux_gateway::model::Page {
        data,
        pagination: Pagination::of(&slice, &listed, last),
    }))
}

/// Get a cardholder
#[utoipa::path(get, path = "/api/partners/clients/{clientId}/cardholders/{cardholderId}", operation_id = "get_cardholder", tag = "cards",
    params(("clientId" = Uuid, Path), ("cardholderId" = Uuid, Path)),
    responses((status = 200, body = model::Cardholder), (status = 404, body = flux_gateway::error::Problem)),
    security(("api_key" = [])))]
pub async fn get(
    State(state): State<SharedState>,
    Extension(caller): Extension<Caller>,
    Path((client_id, cardholder_id)): Path<(String, String)>,
) -> Result<Json<model::Cardholder>, ApiError> {
    let client = owned_client(&state, &caller, path_id(&client_id, "client")?).await?;
    let id = path_id(&cardholder_id, "cardholder")?;
    let h = owned(&state, &caller, client.client_id, id).await?;
    Ok(Json(model::Cardholder::of(&h)?))
}
