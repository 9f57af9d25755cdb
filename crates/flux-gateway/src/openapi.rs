//! The OpenAPI 3.1 description of the Partners API (`/openapi.json`) and the reference page
//! (`/docs`) that renders it with Redoc, served by Flux itself: nothing is fetched from a CDN. The
//! core's paths are declared here; each provider brings its own ([`crate::Provider::openapi`]).

use crate::{error, model, routes, SharedState};
use axum::extract::State;
use axum::http::header;
use axum::response::{Html, IntoResponse};
use axum::Json;
use flux_core::{RemittanceStatus, TxKind, TxStatus};
use serde_json::{json, Value};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityScheme};
use utoipa::{Modify, OpenApi};

struct ApiKeyAuth;

impl Modify for ApiKeyAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "api_key",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::new("X-API-Key"))),
        );
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Flux Partners API", version = "1.0.0",
        description = "One API for SPEI accounts and transfers. Authenticate with X-API-Key. Every POST that creates something accepts Idempotency-Key. Errors are RFC 9457 problem+json with a stable `code` (the enum of Problem.code); a 422 lists each invalid field or query parameter in `errors`, and its title says which part of the request was wrong. Amounts are decimal strings. Flux's own lists answer `{data, pagination}`; the ledger routes keep Fidi X's documented shapes. A query parameter is either absent or valid: an empty value (`kind=`) is 422 naming it, never read as no filter. Versions: `info.version` is the date of the shapes described here; pin it with the `Flux-Version` header (every answer carries the version that served it). A breaking change gets a new date and older dates keep answering for at least 12 months; new operations, optional fields, answer fields and values of growing enums such as `Problem.code` are not breaking, so ignore what you do not know (docs/API_VERSIONING.md, CHANGELOG.md)."),
    paths(
        routes::transactions::list, routes::transactions::get,
        routes::webhooks::list, routes::webhooks::create, routes::webhooks::get, routes::webhooks::update, routes::webhooks::delete,
        routes::webhooks::deliveries, routes::webhooks::retry, routes::webhooks::test, routes::webhooks::rotate_secret,
    ),
    components(schemas(
        error::Problem, error::FieldError, model::Pagination, model::Bank, model::Account, model::Instrument, model::DebitCardDetail,
        model::ClabeDetail, model::Transaction, model::Failure, model::Cep, model::Webhook, model::InboundAck, model::Delivery, model::DeliveryAttempt, model::RotatedSecret,
        routes::webhooks::CreateWebhook, routes::webhooks::UpdateWebhook,
        model::LedgerBalance,
    )),
    modifiers(&ApiKeyAuth),
)]
pub struct ApiDoc;

/// The core's description with every registered provider's paths and schemas merged in, and
/// the answers the pipeline gives on every route stated on each operation ([`complete`]).
pub async fn spec(State(state): State<SharedState>) -> Json<Value> {
    let mut doc = ApiDoc::openapi();
    for provider in state.providers.iter() {
        doc.merge(provider.openapi());
    }
    let mut doc = serde_json::to_value(doc).unwrap_or_default();
    complete(&mut doc);
    Json(doc)
}

/// The answers no handler writes but every route can give, stated where they arise, so the
/// annotations only list what their handler decides:
///
/// - [`crate::pipeline`]: 413 for a body over `max_body_bytes`; on routes with an API key, 401
///   (none, unknown or revoked), 400 `api_key_in_query`, and 429 (`rate_limited`, or
///   `auth_rate_limited` once the address failed too often, which inbound webhooks with a wrong
///   token also count towards: 429 on every route);
/// - [`crate::content_type`]: 415 on partner and sandbox routes that take a body;
/// - [`crate::validate`]: 400 `malformed_json`/`duplicate_json_key` for an empty or malformed
///   body, 422 `validation_failed` for a body or query parameter that breaks the schema;
/// - [`crate::idempotency`]: the `Idempotency-Key` format (400 `invalid_idempotency_key`), 409
///   while the first request with the key runs, 422 when the key is reused for another body;
/// - [`crate::error`]: 500 and 503 (the store unreachable) anywhere.
///
/// Every error is documented as `application/problem+json` with the [`error::Problem`] schema, whose
/// `code` is the enum [`error::CODES`].
pub fn complete(doc: &mut Value) {
    // The document describes the newest version; `info.version` is its date.
    doc["info"]["version"] = json!(crate::api_version::CURRENT);
    // One schema for the header on every operation, so generated clients get one type.
    doc["components"]["schemas"]["FluxVersion"] = json!({
        "type": "string",
        "enum": crate::api_version::SUPPORTED,
        "description": "An API version: the date its shapes were fixed",
    });
    if let Some(code) = doc.pointer_mut("/components/schemas/Problem/properties/code") {
        code["enum"] = json!(error::CODES);
    }
    if let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    {
        for (name, schema) in schemas.iter_mut() {
            // The ledger bodies are read by serde, which takes every UUID spelling; the
            // others by `validate::Fields`, which takes the hyphenated one only.
            let pattern = if name.starts_with("CreateLedger") || name == "LedgerOperation" {
                UUID_ANY
            } else {
                UUID_HYPHENATED
            };
            uuid_patterns(schema, pattern);
        }
    }
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    crate::seed_examples::attach(paths);
    // A PATCH changes something: an empty object is refused (422).
    let patched: Vec<String> = paths
        .values()
        .filter_map(|item| {
            item.pointer("/patch/requestBody/content/application~1json/schema/$ref")
                .and_then(Value::as_str)
                .map(|r| r.trim_start_matches("#/components/schemas/").to_string())
        })
        .collect();
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for (method, op) in item.iter_mut() {
            if !["get", "post", "put", "patch", "delete"].contains(&method.as_str()) {
                continue;
            }
            complete_operation(path, op);
        }
    }
    for name in patched {
        if let Some(schema) = doc.pointer_mut(&format!("/components/schemas/{name}")) {
            schema["minProperties"] = json!(1);
        }
    }
}

const UUID_HYPHENATED: &str =
    "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$";
const UUID_ANY: &str = "^(urn:uuid:)?[{]?[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}[}]?$";

/// `format: uuid` is only an annotation in JSON Schema 2020-12: state the spelling accepted.
fn uuid_patterns(schema: &mut Value, pattern: &str) {
    match schema {
        Value::Object(map) => {
            if map.get("format").and_then(Value::as_str) == Some("uuid")
                && !map.contains_key("pattern")
            {
                map.insert("pattern".into(), json!(pattern));
            }
            for v in map.values_mut() {
                uuid_patterns(v, pattern);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| uuid_patterns(v, pattern)),
        _ => {}
    }
}

fn complete_operation(path: &str, op: &mut Value) {
    // An optional body is absent, never `null` (which is not a JSON object: 400).
    if let Some(body) = op.get_mut("requestBody") {
        if body.get("required") != Some(&json!(true)) {
            for media in body["content"]
                .as_object_mut()
                .into_iter()
                .flat_map(|c| c.values_mut())
            {
                let non_null: Option<Value> =
                    media["schema"]["oneOf"].as_array().and_then(|alts| {
                        let rest: Vec<&Value> =
                            alts.iter().filter(|a| a["type"] != json!("null")).collect();
                        (rest.len() == 1).then(|| rest[0].clone())
                    });
                if let Some(schema) = non_null {
                    media["schema"] = schema;
                }
            }
        }
    }
    let partner = path.starts_with("/api/partners") || path.starts_with("/api/sandbox");
    let keyed = op
        .get("security")
        .and_then(Value::as_array)
        .is_some_and(|s| !s.is_empty());
    let has_body = op.get("requestBody").is_some();
    let op_id = op["operationId"].as_str().map(str::to_string);
    let mut query = false;
    let mut idempotent = false;
    if let Some(params) = op.get_mut("parameters").and_then(Value::as_array_mut) {
        for p in params.iter_mut() {
            let name = p["name"].as_str().unwrap_or_default().to_string();
            match p["in"].as_str() {
                Some("query") => {
                    query = true;
                    if let Some(schema) = query_schema(op_id.as_deref(), &name) {
                        p["schema"] = schema;
                    }
                }
                Some("header") if name.eq_ignore_ascii_case("Idempotency-Key") => {
                    idempotent = true;
                    p["schema"] = json!({
                        "type": "string",
                        "minLength": 1,
                        "maxLength": crate::idempotency::KEY_MAX_LEN,
                        "pattern": crate::idempotency::KEY_PATTERN,
                        "description": "1 to 255 visible ASCII characters; a UUID is a good choice",
                    });
                }
                _ => {}
            }
        }
    }
    if partner {
        version_parameter(op);
    }
    // Adds the status, or its reason to the status's description.
    let mut add = |status: &str, description: &str| {
        let response = &mut op["responses"][status];
        let had = response["description"].as_str().unwrap_or_default();
        let text = if had.is_empty() {
            description.to_string()
        } else if had.contains(description) {
            return;
        } else {
            format!("{had}; or: {description}")
        };
        response["description"] = json!(text);
    };
    if keyed {
        add(
            "400",
            "Bad request: `api_key_in_query` (an API key in the query string)",
        );
        add(
            "401",
            "Missing, unknown or revoked API key (`unauthorized`)",
        );
    }
    if partner {
        add(
            "400",
            "`Flux-Version` names no version this server answers (`unsupported_api_version`)",
        );
    }
    add("429", "Too many requests (`rate_limited`) or too many failed authentications from this address (`auth_rate_limited`); wait `Retry-After` seconds");
    add(
        "500",
        "Unexpected error (`internal_error`); quote `request_id` to support",
    );
    add(
        "503",
        "Storage unavailable (`store_unavailable`); retry later",
    );
    if has_body {
        add(
            "413",
            "The body is larger than the server's `max_body_bytes` (`payload_too_large`)",
        );
        if partner {
            add("400", "Empty or malformed JSON body (`malformed_json`), or a key repeated in one object (`duplicate_json_key`)");
            add(
                "415",
                "The body is not declared `application/json` (`unsupported_media_type`)",
            );
            add(
                "422",
                "A field breaks the schema (`validation_failed`, with `errors`)",
            );
        }
    }
    if query {
        add(
            "422",
            "A query parameter is invalid (`validation_failed`, with `errors`)",
        );
    }
    if idempotent {
        add("400", "The Idempotency-Key is not 1 to 255 visible ASCII characters (`invalid_idempotency_key`)");
        add(
            "409",
            "A request with this Idempotency-Key is still running (`idempotency_in_progress`)",
        );
        add(
            "422",
            "This Idempotency-Key was used for a different request (`idempotency_key_reused`)",
        );
    }
    let Some(responses) = op["responses"].as_object_mut() else {
        return;
    };
    for (status, response) in responses.iter_mut() {
        if status.starts_with('2') || status.starts_with('3') {
            continue;
        }
        if response["description"]
            .as_str()
            .unwrap_or_default()
            .is_empty()
        {
            response["description"] = json!(reason(status));
        }
        response["content"] = json!({
            "application/problem+json": {
                "schema": { "$ref": "#/components/schemas/Problem" }
            }
        });
    }
}

/// The optional `Flux-Version` header that pins the shapes a partner was written against
/// ([`crate::api_version`]).
fn version_parameter(op: &mut Value) {
    let parameter = json!({
        "name": crate::api_version::HEADER,
        "in": "header",
        "required": false,
        "description": format!(
            "The API version (a date) whose shapes this request and its answer use; without it, the newest ({}). The answer's `Flux-Version` header says which version served it. See the versioning policy in the description.",
            crate::api_version::CURRENT
        ),
        "schema": { "$ref": "#/components/schemas/FluxVersion" },
    });
    match op.get_mut("parameters").and_then(Value::as_array_mut) {
        Some(params) => params.push(parameter),
        None => op["parameters"] = json!([parameter]),
    }
}

/// The query parameters whose values come from a closed set or a grammar, from the types that
/// parse them. A parameter that is sent must be valid, even empty (`kind=` is 422).
fn query_schema(operation: Option<&str>, name: &str) -> Option<Value> {
    fn names<T: Copy>(all: &[T], f: fn(T) -> &'static str) -> Value {
        json!({ "type": "string", "enum": all.iter().map(|v| f(*v)).collect::<Vec<_>>() })
    }
    match (operation, name) {
        (_, "created_from" | "created_to") => {
            Some(json!({ "type": "string", "format": "date-time" }))
        }
        (Some("list_transactions"), "kind") => Some(names(&TxKind::ALL, TxKind::as_str)),
        (Some("list_transactions"), "status") => Some(names(&TxStatus::ALL, TxStatus::as_str)),
        (Some("list_remittances"), "status") => {
            Some(names(&RemittanceStatus::ALL, RemittanceStatus::as_str))
        }
        _ => None,
    }
}

fn reason(status: &str) -> &'static str {
    status
        .parse::<u16>()
        .ok()
        .and_then(|s| axum::http::StatusCode::from_u16(s).ok())
        .and_then(|s| s.canonical_reason())
        .unwrap_or("Error")
}

/// What `/docs` may load: only what Flux itself serves (Redoc renders with inline styles and
/// draws icons as data URIs). A CDN or telemetry call would be refused by the browser.
const DOCS_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; worker-src 'self' blob:; connect-src 'self'; frame-ancestors 'none'";

/// The reference page: Redoc rendering `/openapi.json`.
pub async fn docs() -> impl IntoResponse {
    (
        [(header::CONTENT_SECURITY_POLICY, DOCS_POLICY)],
        Html(include_str!("docs.html")),
    )
}

/// The page's script, which starts Redoc.
pub async fn docs_script() -> impl IntoResponse {
    script(include_str!("../assets/docs.js"))
}

/// Redoc's standalone bundle, pinned and vendored by `scripts/vendor-redoc`
/// (`assets/redoc/VERSION`).
pub async fn redoc_bundle() -> impl IntoResponse {
    script(include_str!("../assets/redoc/redoc.standalone.js"))
}

fn script(body: &'static str) -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        body,
    )
}
