//! `POST /api/partners/clients/{clientId}/remittances`: a remittance through Félix.
//!
//! The Idempotency-Key is required (a remittance is money a sender will pay; a retry must never
//! make a second one). Flux's id is a function of the partner and the key, and Félix gets that
//! id as `external_transaction_id`: Félix answers a repeated id with the same body as the same
//! remittance, so a retry after a lost answer is safe end to end. The body is validated before
//! Félix is called, every problem named by its field; the intent is recorded before the call
//! (as money-out does) and Félix's answer saved with the key's stored response.

use super::{felix, model};
use crate::wire::{
    AccountIdentifierKind, AccountNumber, AccountType, CreateTransaction, CreateTransactionV2,
    Currency as WireCurrency,
};
use crate::{CallContext, FelixError};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use flux_core::{banks, Currency, RemittanceStatus};
use flux_gateway::error::ApiError;
use flux_gateway::idempotency::{self, Begin, Claim, Outcome};
use flux_gateway::pipeline::{Caller, RequestCtx};
use flux_gateway::routes::{owned_client, path_id};
use flux_gateway::validate::{json_object, Fields};
use flux_gateway::SharedState;
use flux_store::{IdempotencyCompletion, RemittanceRecord, RemittanceReport};
use serde_json::{json, Value};
use uuid::Uuid;

/// The currencies Félix pays out in.
const CURRENCIES: &[&str] = &["COP", "GTQ", "HNL", "MXN", "USD"];
const ACCOUNT_TYPES: &[&str] = &["clabe", "bank_account", "card_number", "digital_wallet"];

/// Body of POST …/remittances.
#[derive(utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct NewRemittance {
    /// Decimal string with at most the currency's decimals; absent or null: the sender chooses.
    #[schema(schema_with = optional_amount)]
    amount: Option<String>,
    #[schema(schema_with = currency)]
    currency: String,
    #[schema(min_length = 1, max_length = 64, pattern = r"^[^\x00-\x1F\x7F-\x9F]*$")]
    external_reference: String,
    beneficiary: Beneficiary,
    /// Any JSON object, kept with the remittance.
    #[schema(value_type = Option<Object>)]
    metadata: Option<Value>,
}

fn currency() -> utoipa::openapi::schema::Object {
    flux_gateway::validate::schema::one_of(CURRENCIES, false)
}

fn optional_amount() -> utoipa::openapi::schema::Object {
    let mut a = flux_gateway::validate::schema::amount();
    a.schema_type = utoipa::openapi::schema::SchemaType::from_iter([
        utoipa::openapi::schema::Type::String,
        utoipa::openapi::schema::Type::Null,
    ]);
    a
}

fn account_type() -> utoipa::openapi::schema::Object {
    flux_gateway::validate::schema::one_of(ACCOUNT_TYPES, false)
}

fn checking_or_savings() -> utoipa::openapi::schema::Object {
    flux_gateway::validate::schema::one_of(&["C", "S"], true)
}

#[derive(utoipa::ToSchema)]
#[schema(as = RemittanceBeneficiary)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct Beneficiary {
    #[schema(
        min_length = 1,
        max_length = 100,
        pattern = r"^[^\x00-\x1F\x7F-\x9F]*$"
    )]
    name: String,
    #[schema(
        min_length = 1,
        max_length = 100,
        pattern = r"^[^\x00-\x1F\x7F-\x9F]*$"
    )]
    middle_name: Option<String>,
    #[schema(
        min_length = 1,
        max_length = 100,
        pattern = r"^[^\x00-\x1F\x7F-\x9F]*$"
    )]
    lastname: String,
    #[schema(
        min_length = 1,
        max_length = 100,
        pattern = r"^[^\x00-\x1F\x7F-\x9F]*$"
    )]
    second_lastname: Option<String>,
    /// ISO 3166-1 alpha-2, e.g. MX.
    #[schema(pattern = "^[A-Z]{2}$")]
    country: String,
    #[schema(
        min_length = 1,
        max_length = 100,
        pattern = r"^[^\x00-\x1F\x7F-\x9F]*$"
    )]
    city: Option<String>,
    #[schema(
        min_length = 1,
        max_length = 100,
        pattern = r"^[^\x00-\x1F\x7F-\x9F]*$"
    )]
    state: Option<String>,
    account: Account,
    /// Mexican RFC (12 or 13 characters).
    #[schema(schema_with = flux_gateway::validate::schema::optional_rfc)]
    rfc: Option<String>,
}

/// Where the money goes.
#[derive(utoipa::ToSchema)]
#[schema(as = RemittanceAccount)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct Account {
    #[schema(schema_with = account_type)]
    r#type: String,
    /// By `type`: a CLABE (18 digits, correct check digit; in MX, a SPEI participant's
    /// prefix), a card number (16 digits passing Luhn), or 4 to 34 letters and digits.
    #[schema(pattern = "^[A-Za-z0-9]{4,34}$")]
    number: String,
    #[schema(min_length = 1, max_length = 20, pattern = r"^[^\x00-\x1F\x7F-\x9F]*$")]
    bank_code: Option<String>,
    /// C (checking) or S (savings).
    #[schema(schema_with = checking_or_savings)]
    account_type: Option<String>,
}

/// A validated request.
struct Input {
    amount: Option<flux_core::Amount>,
    currency: Currency,
    external_reference: String,
    names: Names,
    country: String,
    city: Option<String>,
    state: Option<String>,
    account: AccountInput,
    rfc: Option<String>,
    metadata: Option<Value>,
}

struct Names {
    name: String,
    middle_name: Option<String>,
    lastname: String,
    second_lastname: Option<String>,
}

struct AccountInput {
    kind: AccountIdentifierKind,
    number: String,
    bank_code: Option<String>,
    account_type: Option<AccountType>,
}

/// Whether an optional field was sent (null counts as absent).
fn present(obj: &serde_json::Map<String, Value>, field: &str) -> bool {
    obj.get(field).is_some_and(|v| !v.is_null())
}

fn parse(body: &[u8]) -> Result<Input, ApiError> {
    let obj = json_object(body)?;
    let mut f = Fields::new(&obj);
    let currency = f
        .one_of("currency", CURRENCIES)
        .and_then(|c| c.parse::<Currency>().ok());
    let amount = if present(&obj, "amount") {
        f.amount("amount", currency)
    } else {
        f.allow("amount");
        None
    };
    let external_reference = f.string("external_reference", 1, 64);
    let beneficiary = f.object("beneficiary", true, beneficiary);
    let metadata = metadata(&mut f, &obj);
    f.finish()?;
    let (Some(currency), Some(external_reference), Some(b)) =
        (currency, external_reference, beneficiary)
    else {
        return Err(ApiError::internal());
    };
    Ok(Input {
        amount,
        currency,
        external_reference,
        names: b.0,
        country: b.1,
        city: b.2,
        state: b.3,
        account: b.4,
        rfc: b.5,
        metadata,
    })
}

type BeneficiaryParts = (
    Names,
    String,
    Option<String>,
    Option<String>,
    AccountInput,
    Option<String>,
);

fn beneficiary(f: &mut Fields<'_>) -> Option<BeneficiaryParts> {
    let name = f.string("name", 1, 100);
    let middle_name = f.opt_string("middle_name", 1, 100);
    let lastname = f.string("lastname", 1, 100);
    let second_lastname = f.opt_string("second_lastname", 1, 100);
    let country = f.string("country", 2, 2).and_then(|c| {
        if c.bytes().all(|b| b.is_ascii_uppercase()) {
            Some(c)
        } else {
            f.fail(
                "country",
                "must be an ISO 3166-1 alpha-2 code in capitals, such as MX",
            );
            None
        }
    });
    let city = f.opt_string("city", 1, 100);
    let state = f.opt_string("state", 1, 100);
    let mx = country.as_deref() == Some("MX");
    let account = f.object("account", true, |f| account(f, mx));
    let rfc = f
        .opt_string("rfc", 1, 13)
        .and_then(|r| match flux_core::rfc::validate(&r) {
            Ok(()) => Some(r),
            Err(e) => {
                f.fail("rfc", e.to_string());
                None
            }
        });
    let names = Names {
        name: name?,
        middle_name,
        lastname: lastname?,
        second_lastname,
    };
    Some((names, country?, city, state, account?, rfc))
}

fn account(f: &mut Fields<'_>, mx: bool) -> Option<AccountInput> {
    let kind = f
        .one_of("type", ACCOUNT_TYPES)
        .map(|t| AccountIdentifierKind::from(t.as_str()));
    let number = match kind {
        Some(AccountIdentifierKind::Clabe) => f.clabe("number").and_then(|n| spei_bank(f, n, mx)),
        Some(AccountIdentifierKind::CardNumber) => f.card_number("number"),
        _ => f.string("number", 4, 34).and_then(|n| {
            if n.bytes().all(|b| b.is_ascii_alphanumeric()) {
                Some(n)
            } else {
                f.fail("number", "must be letters and digits only");
                None
            }
        }),
    };
    let bank_code = f.opt_string("bank_code", 1, 20);
    let account_type = f
        .opt_one_of("account_type", &["C", "S"])
        .map(|t| AccountType::from(t.as_str()));
    Some(AccountInput {
        kind: kind?,
        number: number?,
        bank_code,
        account_type,
    })
}

/// A Mexican CLABE must name a SPEI participant in its first three digits.
fn spei_bank(f: &mut Fields<'_>, clabe: String, mx: bool) -> Option<String> {
    if mx && banks::by_clabe_prefix(&clabe[..3]).is_none() {
        f.fail(
            "number",
            "its first three digits name no SPEI participant (see GET /api/partners/banks)",
        );
        return None;
    }
    Some(clabe)
}

fn metadata(f: &mut Fields<'_>, obj: &serde_json::Map<String, Value>) -> Option<Value> {
    f.allow("metadata");
    match obj.get("metadata") {
        None | Some(Value::Null) => None,
        Some(v @ Value::Object(_)) => Some(v.clone()),
        Some(_) => {
            f.fail("metadata", "must be an object");
            None
        }
    }
}

/// The beneficiary as kept and shown: no full account number, no RFC (only whether one was
/// given).
fn beneficiary_view(i: &Input) -> Value {
    json!({
        "name": i.names.name,
        "middle_name": i.names.middle_name,
        "lastname": i.names.lastname,
        "second_lastname": i.names.second_lastname,
        "country": i.country,
        "city": i.city,
        "state": i.state,
        "account": {
            "type": i.account.kind.as_str(),
            "number": flux_core::clabe::mask(&i.account.number),
            "bank_code": i.account.bank_code,
            "account_type": i.account.account_type.as_ref().map(|t| t.as_str().to_string()),
        },
        "rfc_given": i.rfc.is_some(),
    })
}

fn felix_request(id: Uuid, i: &Input) -> CreateTransaction {
    CreateTransaction::V2(CreateTransactionV2 {
        amount: i.amount.map(|a| crate::wire::Amount(a.value())),
        currency: WireCurrency::from(i.currency.code()),
        beneficiary_name: i.names.name.clone(),
        beneficiary_middle_name: i.names.middle_name.clone(),
        beneficiary_lastname: i.names.lastname.clone(),
        beneficiary_second_lastname: i.names.second_lastname.clone(),
        country: i.country.clone(),
        city: i.city.clone(),
        state: i.state.clone(),
        external_transaction_id: id.to_string(),
        account_identifier_type: i.account.kind.clone().into(),
        bank_code: i.account.bank_code.clone(),
        account_identifier_number: AccountNumber::new(i.account.number.clone()),
        account_type: i.account.account_type.clone(),
        beneficiary_identifier: i.rfc.clone(),
        beneficiary_identifier_type: i.rfc.as_ref().map(|_| "RFC".to_string()),
        extra: Default::default(),
    })
}

fn intent(
    id: Uuid,
    caller: &Caller,
    client_id: Uuid,
    i: &Input,
    settle_account: Option<String>,
) -> RemittanceRecord {
    let now = flux_core::time::now();
    RemittanceRecord {
        id,
        partner_id: caller.partner_id,
        client_id,
        provider: super::NAME.into(),
        provider_reference: None,
        status: RemittanceStatus::Created,
        amount: i.amount.map(|a| a.value().to_string()),
        currency: i.currency.code().into(),
        external_reference: i.external_reference.clone(),
        beneficiary: beneficiary_view(i),
        metadata: i.metadata.clone(),
        created_at: now,
        updated_at: now,
        last_heard_at: None,
        settle_account,
        settlement_transaction_id: None,
        settled_at: None,
        paid_at: None,
        completed_at: None,
    }
}

/// A remittance paid in MXN to a CLABE that one of the partner's clients holds ends as a SPEI
/// credit Flux records: that CLABE, which settlement matches the credit by (see
/// `flux_store::settlement`). None for any other account: its payout is not Flux's to see.
async fn settle_account(
    state: &SharedState,
    caller: &Caller,
    i: &Input,
) -> Result<Option<String>, ApiError> {
    if i.account.kind != AccountIdentifierKind::Clabe || i.currency != Currency::MXN {
        return Ok(None);
    }
    let Some(link) = state.store.find_account_link(&i.account.number).await? else {
        return Ok(None);
    };
    let client = state.store.get_client(link.client_id).await?;
    Ok(client
        .filter(|c| c.partner_id == caller.partner_id)
        .map(|_| i.account.number.clone()))
}

/// Félix's failure as the partner's answer.
fn upstream_error(e: FelixError) -> ApiError {
    match e {
        FelixError::Timeout(_) => ApiError::new(StatusCode::GATEWAY_TIMEOUT, "upstream_timeout", "Provider timeout")
            .detail("Félix did not answer in time; the outcome is unknown. Retry with the same Idempotency-Key."),
        FelixError::Rejected { status, message, .. } if (400..500).contains(&status) && status != 401 && status != 403 => {
            ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "provider_rejected", "The provider rejected the request")
                .detail(format!("Félix: {message}"))
        }
        other => {
            tracing::warn!(error = %other, "félix failed a remittance");
            ApiError::new(StatusCode::BAD_GATEWAY, "upstream_unavailable", "Provider unavailable")
                .detail("Félix is not answering correctly; retry with the same Idempotency-Key")
        }
    }
}

/// Create a remittance
///
/// A cross-border remittance through Félix. The `Idempotency-Key` is required: Flux derives the remittance's id from it, so a retry never creates a second one.
#[utoipa::path(post, path = "/api/partners/clients/{clientId}/remittances", operation_id = "create_remittance", tag = "remittances",
    params(("clientId" = Uuid, Path), ("Idempotency-Key" = String, Header, description = "Required: one key per remittance")),
    request_body = NewRemittance,
    responses((status = 201, body = model::Remittance), (status = 400, body = flux_gateway::error::Problem), (status = 404, body = flux_gateway::error::Problem),
        (status = 409, body = flux_gateway::error::Problem), (status = 422, body = flux_gateway::error::Problem), (status = 502, body = flux_gateway::error::Problem), (status = 504, body = flux_gateway::error::Problem)),
    security(("api_key" = [])))]
pub async fn create(
    State(state): State<SharedState>,
    Extension(caller): Extension<Caller>,
    Extension(ctx): Extension<RequestCtx>,
    Path(client_id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let key = idempotency::key_of(&headers)?.ok_or_else(idempotency::key_required)?;
    let client_id = path_id(&client_id, "client")?;
    let input = parse(&body)?;
    let client = owned_client(&state, &caller, client_id).await?;
    let settle = settle_account(&state, &caller, &input).await?;
    let path = format!("/api/partners/clients/{client_id}/remittances");
    let claim = match idempotency::begin(&state, &caller, &headers, "POST", &path, &body).await? {
        Begin::Replay(r) => return Ok(r),
        Begin::Run(c) => c,
    };
    // The same partner key always names the same remittance, here and at Félix.
    let id = Uuid::new_v5(&caller.partner_id, key.as_bytes());
    let record = intent(id, &caller, client.client_id, &input, settle);
    if let Err(e) = record_intent(&state, &record).await {
        release(&state, &claim).await;
        return Err(e);
    }
    let call = CallContext {
        request_id: Some(ctx.request_id.clone()),
        traceparent: Some(ctx.traceparent_out.clone()),
    };
    let upstream = felix(&state)?
        .client
        .create_transaction(&felix_request(id, &input), &call)
        .await;
    match upstream {
        Ok(t) => save_answer(&state, claim, id, t).await,
        Err(e) => Ok(refused(&state, claim, id, e).await),
    }
}

/// Records the intent. The id exists already on the partner's retry after an unknown outcome
/// (its key was given back): the same request goes on, to Félix with the same external id.
/// Another request under that id (the key reused after its answer expired) is refused before
/// Félix could refuse it and Flux fail a remittance that is under way.
async fn record_intent(state: &SharedState, record: &RemittanceRecord) -> Result<(), ApiError> {
    if state.store.insert_remittance(record).await? {
        return Ok(());
    }
    let existing = state
        .store
        .get_remittance(record.id)
        .await?
        .ok_or_else(ApiError::internal)?;
    let same = existing.amount == record.amount
        && existing.currency == record.currency
        && existing.external_reference == record.external_reference
        && existing.beneficiary == record.beneficiary
        && existing.metadata == record.metadata;
    if same {
        Ok(())
    } else {
        Err(idempotency::key_reused())
    }
}

async fn release(state: &SharedState, claim: &Option<Claim>) {
    if let Some(c) = claim {
        let _ = state.store.release_idempotency(c.partner_id, &c.key).await;
    }
}

/// Saves Félix's answer and the key's response in one transaction; answers 201.
async fn save_answer(
    state: &SharedState,
    claim: Option<Claim>,
    id: Uuid,
    t: crate::wire::TransactionResponse,
) -> Result<Response, ApiError> {
    let (Some(reference), Some(report)) = (t.id.clone(), model::report_of(&t)) else {
        release(state, &claim).await;
        tracing::error!(remittance_id = %id, "félix answered a create without an id or a known status");
        return Err(upstream_error(FelixError::Decode("no id or status".into())));
    };
    let completion = claim.as_ref().map(|c| IdempotencyCompletion {
        partner_id: c.partner_id,
        key: c.key.clone(),
        status: StatusCode::CREATED.as_u16(),
        body: Vec::new(),
    });
    let saved = state
        .store
        .save_remittance_answer(id, reference, report, completion, model::render, None)
        .await;
    match saved {
        Ok(r) => Ok((StatusCode::CREATED, axum::Json(model::render(&r))).into_response()),
        Err(e) => {
            release(state, &claim).await;
            Err(e.into())
        }
    }
}

/// A refusal on the merits fails the remittance (and is the key's answer); an unknown outcome
/// leaves it CREATED and gives the key back, so the partner's retry asks Félix again.
async fn refused(state: &SharedState, claim: Option<Claim>, id: Uuid, e: FelixError) -> Response {
    // Only a remittance Félix never accepted fails here: one it named is under way there.
    let unnamed = matches!(state.store.get_remittance(id).await, Ok(Some(r)) if r.provider_reference.is_none());
    if e.is_definitive_refusal() && unnamed {
        let failed = RemittanceReport {
            status: RemittanceStatus::Failed,
            at: flux_core::time::now(),
        };
        if let Err(err) = state
            .store
            .report_remittance(id, vec![failed], "felix refusal", None)
            .await
        {
            tracing::error!(remittance_id = %id, error = %err, "could not record félix's refusal");
        }
    }
    let outcome = Outcome {
        result: Err(upstream_error(e)),
        txn: None,
        render: None,
    };
    idempotency::finish(state, claim, outcome).await
}
