//! Showing a card's number, a virtual card's CVC or its POS PIN to the end user without the
//! partner's servers ever holding them (which would put the partner in PCI scope).
//!
//! 1. The partner asks `POST /api/partners/clients/{clientId}/cards/{cardId}/reveal
//!    {"show": "pan" | "cvc" | "pin", latitude, longitude}` and gets a single-use link
//!    (`reveal_url`, a name the audit trail redacts) valid
//!    [`TOKEN_TTL_S`] seconds, which it opens in the end user's browser (or an iframe).
//! 2. `GET /reveal/{token}` serves a plain HTML page (no framework, no CDN, one inline script
//!    pinned by a CSP hash). Loading it does not spend the link, so a link preview cannot burn it.
//! 3. The page's button `POST`s to `/reveal/{token}`, which spends the link (one conditional
//!    update: one caller wins), asks NeCIPCo and answers the value to that browser only.
//!    A virtual card's CVC needs the ATM PIN (NeCIPCo's rule): the page asks for it and ciphers
//!    it in the browser with NeCIPCo's public key (WebCrypto RSA-OAEP, SHA-256); Flux passes the
//!    ciphertext on.
//!
//! The token is 256 random bits; Flux keeps only its SHA-256, bound to the card, to what it may
//! show and to the end user's location (NeCIPCo wants it on these calls). The reveal routes
//! live outside `/api/`, so neither the token nor the value reaches the audit trail; the
//! request log names the route pattern only. Answers carry `Cache-Control: no-store`.

use super::cards::{ciphertext, owned_card};
use super::{connector, model, necipco, upstream_error};
use crate::wire::{CardStatus, Coordinate, Sensitive};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use base64::Engine;
use flux_gateway::error::ApiError;
use flux_gateway::pipeline::Caller;
use flux_gateway::validate::{json_object, Fields};
use flux_gateway::SharedState;
use flux_store::RevealGrant;
use rand::RngCore;
use serde_json::json;
use sha2::{Digest, Sha256};

/// How long a reveal link lives.
pub const TOKEN_TTL_S: i64 = 60;

fn hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Create a one-time reveal link
///
/// A link the end user opens to see the card number or CVC once; Flux's answers never carry them.
#[utoipa::path(post, path = "/api/partners/clients/{clientId}/cards/{cardId}/reveal", operation_id = "reveal_card", tag = "cards",
    params(("clientId" = Uuid, Path), ("cardId" = Uuid, Path)),
    request_body = model::NewReveal,
    responses((status = 201, body = model::RevealLink), (status = 404, body = flux_gateway::error::Problem),
        (status = 409, body = flux_gateway::error::Problem), (status = 422, body = flux_gateway::error::Problem)),
    security(("api_key" = [])))]
pub async fn create(
    State(state): State<SharedState>,
    Extension(caller): Extension<Caller>,
    Path((client_id, card_id)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let (_, card) = owned_card(&state, &caller, &client_id, &card_id).await?;
    let obj = json_object(&body)?;
    let mut f = Fields::new(&obj);
    let show = f.one_of("show", &model::RevealShow::ALL);
    let at = model::location(&mut f);
    if show.as_deref() == Some("cvc") && card.card_type == "PHYSICAL" {
        f.fail(
            "show",
            "a physical card's CVC is printed on it; only a virtual card's is shown",
        );
    }
    f.finish()?;
    let (Some(show), Some(at)) = (show, at) else {
        return Err(ApiError::internal());
    };
    if CardStatus::parse(&card.status).is_none_or(|s| s.is_final()) {
        return Err(
            ApiError::new(StatusCode::CONFLICT, "card_closed", "The card is closed")
                .detail(format!("a card in status {} shows nothing", card.status)),
        );
    }
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    let expires_at = flux_core::time::now() + chrono::Duration::seconds(TOKEN_TTL_S);
    let grant = RevealGrant {
        card_id: card.id,
        show: show.clone(),
        latitude: at.latitude.to_string(),
        longitude: at.longitude.to_string(),
    };
    state
        .store
        .insert_reveal_token(&hash(&token), &grant, expires_at)
        .await?;
    let public = necipco(&state)?
        .public_url
        .trim_end_matches('/')
        .to_string();
    let body = model::RevealLink {
        // Named so that the audit trail redacts it (a bearer credential while it lives).
        reveal_url: format!("{public}/reveal/{token}"),
        show: model::RevealShow::parse(&show).ok_or_else(ApiError::internal)?,
        expires_at: flux_core::time::to_rfc3339(expires_at),
        single_use: true,
    };
    Ok((StatusCode::CREATED, no_store(), axum::Json(body)).into_response())
}

fn no_store() -> [(header::HeaderName, HeaderValue); 3] {
    [
        (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        (
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ),
        (
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ),
    ]
}

/// The page's only script. It is a constant (the key and what to show are data attributes),
/// so the CSP can pin it by hash.
const SCRIPT: &str = r#"
const main = document.getElementById("reveal");
const show = main.dataset.show;
const form = document.getElementById("form");
const out = document.getElementById("value");
const err = document.getElementById("error");
async function cipherPin(pin) {
  const der = Uint8Array.from(atob(main.dataset.key), c => c.charCodeAt(0));
  const key = await crypto.subtle.importKey("spki", der, { name: "RSA-OAEP", hash: "SHA-256" }, false, ["encrypt"]);
  const ct = new Uint8Array(await crypto.subtle.encrypt({ name: "RSA-OAEP" }, key, new TextEncoder().encode(pin)));
  let bin = "";
  ct.forEach(b => { bin += String.fromCharCode(b); });
  return btoa(bin);
}
form.addEventListener("submit", async (e) => {
  e.preventDefault();
  err.textContent = "";
  const body = {};
  if (show === "cvc") {
    const pin = document.getElementById("pin");
    if (!/^[0-9]{4}$/.test(pin.value)) { err.textContent = "Enter your 4-digit ATM PIN."; return; }
    body.pin_ciphertext = await cipherPin(pin.value);
    pin.value = "";
  }
  document.getElementById("submit").disabled = true;
  const r = await fetch(location.pathname, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body), cache: "no-store" });
  const j = await r.json().catch(() => ({}));
  if (r.ok) {
    out.textContent = j.value;
    if (j.remaining_time) { document.getElementById("note").textContent = "Valid for " + j.remaining_time + " more minutes."; }
    form.hidden = true;
  } else {
    err.textContent = j.detail || "This link cannot be used.";
  }
});
"#;

fn csp() -> String {
    let digest =
        base64::engine::general_purpose::STANDARD.encode(Sha256::digest(SCRIPT.as_bytes()));
    format!(
        "default-src 'none'; script-src 'sha256-{digest}'; style-src 'unsafe-inline'; connect-src 'self'; form-action 'none'; base-uri 'none'"
    )
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn page(status: StatusCode, title: &str, inner: &str, data: &str) -> Response {
    let html = format!(
        r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>{title}</title>
<style>body{{font-family:system-ui,sans-serif;max-width:28rem;margin:2rem auto;padding:0 1rem}}#value{{font:1.6rem ui-monospace,monospace;letter-spacing:.1em}}#error{{color:#b00020}}</style></head>
<body><main id="reveal" {data}><h1>{title}</h1>{inner}</main></body></html>"#,
        title = escape(title),
    );
    let mut resp = (status, no_store(), html).into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    if let Ok(v) = HeaderValue::from_str(&csp()) {
        h.insert(header::CONTENT_SECURITY_POLICY, v);
    }
    resp
}

fn dead() -> Response {
    page(
        StatusCode::GONE,
        "Link expired",
        r#"<p id="error">This link was already used or has expired. Ask for a new one in the app.</p>"#,
        "",
    )
}

/// `GET /reveal/{token}`: the page. Does not spend the link.
pub async fn show_page(State(state): State<SharedState>, Path(token): Path<String>) -> Response {
    let grant = match state
        .store
        .peek_reveal_token(&hash(&token), flux_core::time::now())
        .await
    {
        Ok(Some(g)) => g,
        Ok(None) => return dead(),
        Err(e) => return ApiError::from(e).into_response(),
    };
    let (title, field) = match grant.show.as_str() {
        "pan" => ("Your card number", ""),
        "pin" => ("Your card PIN", ""),
        _ => (
            "Your card's security code",
            r#"<label for="pin">ATM PIN</label> <input id="pin" type="password" inputmode="numeric" autocomplete="off" maxlength="4" required>"#,
        ),
    };
    let key = match necipco(&state) {
        Ok(p) => match p.master.system_public_key().await {
            Ok(k) => base64::engine::general_purpose::STANDARD.encode(k.to_der()),
            Err(e) => return upstream_error(e).into_response(),
        },
        Err(e) => return e.into_response(),
    };
    let inner = format!(
        r#"<form id="form">{field} <button id="submit" type="submit">Show</button></form>
<p id="value" aria-live="polite"></p><p id="note"></p><p id="error" role="alert"></p>
<noscript><p>This page needs JavaScript to show the value only to you.</p></noscript>
<script>{SCRIPT}</script>"#
    );
    let data = format!(r#"data-show="{}" data-key="{}""#, escape(&grant.show), key);
    page(StatusCode::OK, title, &inner, &data)
}

fn refused(status: StatusCode, detail: &str) -> Response {
    (status, no_store(), axum::Json(json!({ "detail": detail }))).into_response()
}

/// `POST /reveal/{token}`: spends the link and answers the value.
pub async fn reveal(
    State(state): State<SharedState>,
    Path(token): Path<String>,
    body: Bytes,
) -> Response {
    // The PIN ciphertext is read before the link is spent: a malformed body spends nothing.
    let pin = match json_object(&body) {
        Ok(obj) => {
            let mut f = Fields::new(&obj);
            let pin = if obj.contains_key("pin_ciphertext") {
                ciphertext(&mut f, "pin_ciphertext")
            } else {
                None
            };
            if f.finish().is_err() {
                return refused(StatusCode::UNPROCESSABLE_ENTITY, "the request is not valid");
            }
            pin
        }
        Err(_) => return refused(StatusCode::BAD_REQUEST, "the request is not valid JSON"),
    };
    let grant = match state
        .store
        .use_reveal_token(&hash(&token), flux_core::time::now())
        .await
    {
        Ok(Some(g)) => g,
        Ok(None) => {
            return refused(
                StatusCode::GONE,
                "This link was already used or has expired.",
            )
        }
        Err(e) => return ApiError::from(e).into_response(),
    };
    match value(&state, &grant, pin).await {
        Ok(body) => (StatusCode::OK, no_store(), axum::Json(body)).into_response(),
        Err(e) => {
            let detail = e
                .detail
                .clone()
                .unwrap_or_else(|| "The value could not be shown.".into());
            refused(e.status, &detail)
        }
    }
}

/// Asks NeCIPCo for what the grant allows; the clear value lives only in this answer.
async fn value(
    state: &SharedState,
    g: &RevealGrant,
    pin: Option<String>,
) -> Result<serde_json::Value, ApiError> {
    let card = state
        .store
        .get_card(g.card_id)
        .await?
        .ok_or_else(|| ApiError::not_found("card"))?;
    let client = state
        .store
        .get_client(card.client_id)
        .await?
        .ok_or_else(|| ApiError::not_found("client"))?;
    let api = connector(state, &client).await?;
    let reference = Sensitive::new(card.provider_card_id.clone());
    let lat = Coordinate::parse(&g.latitude).map_err(|_| ApiError::internal())?;
    let lon = Coordinate::parse(&g.longitude).map_err(|_| ApiError::internal())?;
    let (clear, remaining) = match g.show.as_str() {
        "pan" => {
            let info = api.card_info(&reference).await.map_err(upstream_error)?;
            (info.card.card_number, None)
        }
        "pin" => {
            let d = api
                .pos_pin(&reference, lat, lon)
                .await
                .map_err(upstream_error)?;
            (d.card.pin, None)
        }
        _ => {
            let Some(pin) = pin else {
                return Err(ApiError::field("pin_ciphertext", "the ATM PIN is required")
                    .detail("Enter your ATM PIN."));
            };
            let d = api
                .virtual_cvc_ciphered(&reference, &Sensitive::new(pin), lat, lon)
                .await
                .map_err(upstream_error)?;
            (
                d.card.cvc,
                d.card.remaining_time.map(|t| t.as_str().to_string()),
            )
        }
    };
    let clear = clear.ok_or_else(|| {
        upstream_error(crate::NecipcoError::Decode("no value in the answer".into()))
    })?;
    Ok(json!({ "value": clear.expose(), "show": g.show, "remaining_time": remaining }))
}
