//! Card issuing through NeCIPCo, over real HTTP against the real Flux (sandbox emulator), on
//! SQLite and PostgreSQL: cardholders validated before NeCIPCo is called, the card lifecycle
//! with illegal transitions refused, PINs passed through as ciphertext, tenancy.
#![allow(clippy::unwrap_used)]

mod common;

use common::{with_postgres, Options, TestFlux, DEMO_CLIENT};
use necipco::crypto::{Padding, PublicKey};
use necipco::gateway::NecipcoProvider;
use reqwest::Method;
use serde_json::{json, Value};

/// Every log line Flux writes while these tests run, at trace level for Flux's crates and
/// NeCIPCo's: the scan looks for card data there too.
fn captured_logs() -> &'static std::sync::Mutex<Vec<u8>> {
    use std::sync::{Mutex, OnceLock};
    static LOGS: OnceLock<&'static Mutex<Vec<u8>>> = OnceLock::new();
    LOGS.get_or_init(|| {
        let logs: &'static Mutex<Vec<u8>> = Box::leak(Box::new(Mutex::new(Vec::new())));
        struct Sink(&'static Mutex<Vec<u8>>);
        impl std::io::Write for Sink {
            fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
                self.0.lock().unwrap().extend_from_slice(b);
                Ok(b.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let filter = "info,flux=trace,flux_gateway=trace,flux_store=trace,necipco=trace";
        tracing_subscriber::fmt()
            .json()
            .flatten_event(true)
            .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
            .with_writer(move || Sink(logs))
            .init();
        logs
    })
}

fn base() -> String {
    format!("/api/partners/clients/{DEMO_CLIENT}")
}

fn necipco(flux: &TestFlux) -> &NecipcoProvider {
    flux.running
        .state
        .providers
        .get::<NecipcoProvider>()
        .unwrap()
}

/// A cardholder whose RFC and CURP carry right check digits.
pub fn holder_body() -> Value {
    json!({
        "first_name": "Juan", "second_name": "Carlos", "surname": "Perez", "second_surname": "Gomez",
        "rfc": "PEGJ900101AB8", "curp": "PEGJ900101HDFRRN09", "email": "juan.perez@example.com",
        "primary_phone": "5512345678", "mobile_phone": "5587654321",
        "street": "Av. Siempre Viva", "ext_street_number": "742", "suburb": "Napoles",
        "city": "CDMX", "state": "CDMX", "postal_code": "03810", "birthdate": "1990-01-01",
        "gender": "MALE", "marital_status": "SOLTERO", "has_kids": false,
        "gross_monthly_income": "20000.00"
    })
}

fn at() -> Value {
    json!({"latitude": "19.43260", "longitude": "-99.13320"})
}

fn with_at(mut v: Value) -> Value {
    v["latitude"] = "19.43260".into();
    v["longitude"] = "-99.13320".into();
    v
}

async fn pin_key(flux: &TestFlux) -> PublicKey {
    let r = flux.get("/api/partners/cards/pin-encryption-key").await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["algorithm"], "RSA-OAEP-256");
    PublicKey::from_pem(r.body["public_key"].as_str().unwrap()).unwrap()
}

fn cipher(key: &PublicKey, clear: &str) -> String {
    key.encrypt_for_body(Padding::OaepSha256, clear)
        .unwrap()
        .expose()
        .to_string()
}

pub async fn new_holder(flux: &TestFlux) -> String {
    let r = flux
        .post(&format!("{}/cardholders", base()), &holder_body())
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    r.body["id"].as_str().unwrap().to_string()
}

pub async fn issue_virtual(flux: &TestFlux, holder: &str) -> Value {
    let body = with_at(json!({
        "cardholder_id": holder, "type": "VIRTUAL",
        "document_type": "INE", "document_number": "1234567890"
    }));
    let r = flux.post(&format!("{}/cards", base()), &body).await;
    assert_eq!(r.status, 201, "{}", r.text);
    r.body
}

async fn act(flux: &TestFlux, card: &str, action: &str, body: &Value) -> common::Resp {
    flux.post(&format!("{}/cards/{card}/{action}", base()), body)
        .await
}

/// Cardholder, virtual card, the whole lifecycle, illegal steps refused; balance, movements.
async fn lifecycle(flux: &TestFlux) {
    let holder = new_holder(flux).await;
    let r = flux.get(&format!("{}/cardholders/{holder}", base())).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["curp"], "PEGJ900101HDFRRN09");
    let r = flux.get(&format!("{}/cardholders", base())).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(r.body["pagination"]["total_items"].as_u64().unwrap() >= 1);

    let card = issue_virtual(flux, &holder).await;
    let id = card["id"].as_str().unwrap().to_string();
    assert_eq!(card["type"], "VIRTUAL");
    assert_eq!(card["status"], "NEED_ACTIVATION");
    let last4 = card["last4"].as_str().unwrap();
    assert_eq!(last4.len(), 4);
    assert_eq!(card["masked_number"], format!("************{last4}"));
    assert!(card["expiry"].as_str().unwrap().contains('/'));
    assert!(card.get("card_number").is_none() && card.get("cvc").is_none());

    // Only a card that needs activation is activated; then freeze and unfreeze, once each.
    act(flux, &id, "freeze", &at())
        .await
        .problem(409, "illegal_card_transition");
    let r = act(flux, &id, "activate", &at()).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["status"], "ACTIVE");
    act(flux, &id, "activate", &at())
        .await
        .problem(409, "illegal_card_transition");
    act(flux, &id, "unfreeze", &at())
        .await
        .problem(409, "illegal_card_transition");
    let r = act(flux, &id, "freeze", &at()).await;
    assert_eq!(r.body["status"], "TEMPORARY_INACTIVE", "{}", r.text);
    act(flux, &id, "freeze", &at())
        .await
        .problem(409, "illegal_card_transition");
    let r = act(flux, &id, "unfreeze", &at()).await;
    assert_eq!(r.body["status"], "ACTIVE", "{}", r.text);

    let r = flux.get(&format!("{}/cards/{id}/balance", base())).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["available"], "0");
    assert!(r.body["available"].is_string());
    let r = flux
        .get(&format!("{}/cards/{id}/movements?per_page=10", base()))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(r.body["data"].is_array());
    let r = flux
        .get(&format!(
            "{}/cards/{id}/movements?from=2026-01-02&to=2026-01-01",
            base()
        ))
        .await;
    r.problem(422, "validation_failed");
    let r = flux
        .get(&format!(
            "{}/cards/{id}/movements?from=2025-01-01&to=2026-01-01",
            base()
        ))
        .await;
    r.problem(422, "validation_failed");

    // Reported lost: final; nothing moves it afterwards.
    let r = act(flux, &id, "report", &with_at(json!({"reason": "LOST"}))).await;
    assert_eq!(r.body["status"], "LOST", "{}", r.text);
    act(flux, &id, "close", &at())
        .await
        .problem(409, "illegal_card_transition");
    act(flux, &id, "unfreeze", &at())
        .await
        .problem(409, "illegal_card_transition");

    let r = flux.get(&format!("{}/cards/{id}", base())).await;
    assert_eq!(r.body["status"], "LOST");
    let r = flux
        .get(&format!("{}/cards?cardholder_id={holder}", base()))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["data"][0]["id"], id.as_str());
    assert_eq!(r.body["pagination"]["total_items"], 1);

    // A second card, closed from ACTIVE.
    let card = issue_virtual(flux, &holder).await;
    let id2 = card["id"].as_str().unwrap();
    act(flux, id2, "activate", &at()).await;
    let r = act(flux, id2, "close", &at()).await;
    assert_eq!(r.body["status"], "CANCELED", "{}", r.text);
}

/// A plastic from the program's stock, assigned by the number the partner ciphered on the
/// device; then a PIN set and changed as ciphertext.
async fn physical_and_pins(flux: &TestFlux) {
    let holder = new_holder(flux).await;
    let key = pin_key(flux).await;
    let api_key = necipco::gateway::api_key_name(DEMO_CLIENT.parse().unwrap());
    let pan = necipco(flux)
        .emulator
        .as_ref()
        .unwrap()
        .stock(&api_key)
        .pop()
        .unwrap();
    let body = with_at(json!({
        "cardholder_id": holder, "type": "PHYSICAL", "document_type": "INE",
        "document_number": "99887766", "card_number_ciphertext": cipher(&key, &pan)
    }));
    let r = flux.post(&format!("{}/cards", base()), &body).await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.body["type"], "PHYSICAL");
    assert_eq!(r.body["last4"], &pan[12..]);
    assert!(!r.text.contains(&pan));
    let id = r.body["id"].as_str().unwrap().to_string();
    act(flux, &id, "activate", &at()).await;

    let pin = flux
        .post(
            &format!("{}/cards/{id}/pin", base()),
            &with_at(json!({"pin_ciphertext": cipher(&key, "4821")})),
        )
        .await;
    assert_eq!(pin.status, 200, "{}", pin.text);
    let change = flux
        .send(
            Method::PUT,
            &format!("{}/cards/{id}/pin", base()),
            Some(&flux.key),
            Some(
                serde_json::to_vec(&with_at(json!({
                    "old_pin_ciphertext": cipher(&key, "4821"),
                    "new_pin_ciphertext": cipher(&key, "7315")
                })))
                .unwrap(),
            ),
            &[],
        )
        .await;
    assert_eq!(change.status, 200, "{}", change.text);
    // Not a ciphertext at all: refused before NeCIPCo.
    let r = flux
        .post(
            &format!("{}/cards/{id}/pin", base()),
            &with_at(json!({"pin_ciphertext": "1234"})),
        )
        .await;
    r.problem(422, "validation_failed");
    assert_eq!(r.field_reasons()[0].0, "pin_ciphertext");
}

/// Every validated field is named; malformed JSON is a 400; unknown fields are refused.
async fn bad_input(flux: &TestFlux) {
    let path = format!("{}/cardholders", base());
    let raw = flux
        .send(
            Method::POST,
            &path,
            Some(&flux.key),
            Some(b"{\"first_name\":".to_vec()),
            &[],
        )
        .await;
    raw.problem(400, "malformed_json");
    for (field, value) in [
        ("first_name", json!("Maximilianooo")),
        ("second_name", json!("")),
        ("rfc", json!("PEGJ900101AB9")),
        ("rfc", json!("ND")),
        ("curp", json!("PEGJ900101HDFRRN08")),
        ("curp", json!("PEGJ900101QDFRRN09")),
        ("email", json!("juan")),
        ("primary_phone", json!("55123")),
        ("postal_code", json!("0381A")),
        ("state", json!("ATLANTIS")),
        ("gender", json!("OTHER")),
        ("marital_status", json!("COMPLICATED")),
        ("birthdate", json!("2999-01-01")),
        ("has_kids", json!("no")),
        ("gross_monthly_income", json!(20000)),
        ("nickname", json!("JC")),
    ] {
        let mut body = holder_body();
        body[field] = value.clone();
        let r = flux.post(&path, &body).await;
        r.problem(422, "validation_failed");
        let fields: Vec<String> = r.field_reasons().into_iter().map(|(f, _)| f).collect();
        assert_eq!(
            fields,
            vec![field.to_string()],
            "{field}={value}: {}",
            r.text
        );
    }
    // The generic RFCs pass by convention.
    for rfc in ["XAXX010101000", "XEXX010101000"] {
        let mut body = holder_body();
        body["rfc"] = rfc.into();
        body["curp"] = "LOPM850315MDFPRR03".into();
        body["email"] = format!("{rfc}@example.com").to_lowercase().into();
        let r = flux.post(&path, &body).await;
        assert_eq!(r.status, 201, "{rfc}: {}", r.text);
    }

    let holder = new_holder(flux).await;
    let cards = format!("{}/cards", base());
    for (field, value) in [
        ("latitude", json!("19.4326")),
        ("latitude", json!("91.00000")),
        ("longitude", json!(-99.1332)),
        ("longitude", json!("-181.00000")),
        ("document_type", json!("LICENCIA")),
        ("type", json!("PREPAID")),
        ("card_number_ciphertext", json!("abc")),
        ("cvc", json!("123")),
    ] {
        let mut body = with_at(json!({
            "cardholder_id": holder, "type": "VIRTUAL",
            "document_type": "INE", "document_number": "1234567890"
        }));
        body[field] = value.clone();
        let r = flux.post(&cards, &body).await;
        r.problem(422, "validation_failed");
        let fields: Vec<String> = r.field_reasons().into_iter().map(|(f, _)| f).collect();
        assert_eq!(
            fields,
            vec![field.to_string()],
            "{field}={value}: {}",
            r.text
        );
    }
    let r = flux
        .post(
            &cards,
            &with_at(
                json!({"cardholder_id": uuid::Uuid::new_v4(), "type": "VIRTUAL",
                "document_type": "INE", "document_number": "1"}),
            ),
        )
        .await;
    r.problem(422, "validation_failed");
    // A lifecycle action needs the end user's location.
    let card = issue_virtual(flux, &holder).await;
    let id = card["id"].as_str().unwrap();
    let r = act(flux, id, "activate", &json!({})).await;
    r.problem(422, "validation_failed");
    assert_eq!(r.field_reasons().len(), 2);
    let r = act(flux, id, "report", &with_at(json!({"reason": "MISPLACED"}))).await;
    r.problem(422, "validation_failed");
}

/// Another partner sees none of this client's cards or cardholders: 404, never 403.
async fn tenancy(flux: &TestFlux) {
    let holder = new_holder(flux).await;
    let card = issue_virtual(flux, &holder).await;
    let id = card["id"].as_str().unwrap();
    let (_, other_client, other_key) = flux.other_partner().await;
    for path in [
        format!("{}/cards/{id}", base()),
        format!("{}/cards/{id}/balance", base()),
        format!("{}/cardholders/{holder}", base()),
        format!("{}/cards", base()),
        // The card under the other partner's own client is no card of theirs either.
        format!("/api/partners/clients/{other_client}/cards/{id}"),
        format!("/api/partners/clients/{other_client}/cardholders/{holder}"),
    ] {
        let r = flux
            .send(Method::GET, &path, Some(&other_key), None, &[])
            .await;
        assert_eq!(r.status, 404, "{path}: {}", r.text);
    }
    let r = flux
        .send(
            Method::POST,
            &format!("/api/partners/clients/{other_client}/cards/{id}/freeze"),
            Some(&other_key),
            Some(serde_json::to_vec(&at()).unwrap()),
            &[],
        )
        .await;
    assert_eq!(r.status, 404, "{}", r.text);
    // The other partner's own client gets a NeCIPCo subclient of its own on first use.
    let r = flux
        .send(
            Method::POST,
            &format!("/api/partners/clients/{other_client}/cardholders"),
            Some(&other_key),
            Some(serde_json::to_vec(&holder_body()).unwrap()),
            &[],
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let linked = flux
        .running
        .store
        .get_client(other_client)
        .await
        .unwrap()
        .unwrap();
    assert!(linked.link("necipco").is_some());
}

async fn reveal_link(flux: &TestFlux, card: &str, show: &str) -> String {
    let r = flux
        .post(
            &format!("{}/cards/{card}/reveal", base()),
            &with_at(json!({ "show": show })),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.headers["cache-control"], "no-store");
    r.body["reveal_url"].as_str().unwrap().to_string()
}

/// The reveal page in a real headless Chromium: the CVC after the ATM PIN, ciphered by the
/// browser; the card number; then the same links refused on a second use and after expiry.
async fn reveal_in_browser(flux: &TestFlux) {
    let holder = new_holder(flux).await;
    let card = issue_virtual(flux, &holder).await;
    let id = card["id"].as_str().unwrap();
    let last4 = card["last4"].as_str().unwrap();
    act(flux, id, "activate", &at()).await;
    let key = pin_key(flux).await;
    let r = flux
        .post(
            &format!("{}/cards/{id}/pin", base()),
            &with_at(json!({"pin_ciphertext": cipher(&key, "4821")})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);

    let browser = common::browser::Browser::start().await;
    let cvc_url = reveal_link(flux, id, "cvc").await;
    browser.goto(&cvc_url).await;
    assert!(browser.source().await.contains("ATM PIN"));
    browser.type_into("#pin", "4821").await;
    browser.click("#submit").await;
    let cvc = browser.wait_text("#value").await;
    assert!(
        cvc.len() == 3 && cvc.bytes().all(|b| b.is_ascii_digit()),
        "cvc {cvc:?}, error {:?}",
        browser.text("#error").await
    );

    let pan_url = reveal_link(flux, id, "pan").await;
    browser.goto(&pan_url).await;
    browser.click("#submit").await;
    let pan = browser.wait_text("#value").await;
    assert_eq!(pan.len(), 16, "{pan:?}");
    assert!(pan.ends_with(last4));

    // Spent: the page says so, and the value is not served again.
    browser.goto(&cvc_url).await;
    assert!(browser
        .source()
        .await
        .contains("already used or has expired"));
    browser.goto(&pan_url).await;
    assert!(browser
        .source()
        .await
        .contains("already used or has expired"));
    browser.quit().await;
    let again = flux
        .http
        .post(&pan_url)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 410);

    // Expired before use: refused too (its expiry moved into the past, as 60 s would).
    let late = reveal_link(flux, id, "pin").await;
    flux.running
        .store
        .exec(
            "UPDATE card_reveal_tokens SET expires_at = 0 WHERE used_at IS NULL",
            vec![],
        )
        .await
        .unwrap();
    let r = flux.http.get(&late).send().await.unwrap();
    assert_eq!(r.status(), 410);
    let r = flux.http.post(&late).json(&json!({})).send().await.unwrap();
    assert_eq!(r.status(), 410);

    // The POS PIN, over plain HTTP this time; a CVC link for a physical card is refused.
    let pin_url = reveal_link(flux, id, "pin").await;
    let r: Value = flux
        .http
        .post(&pin_url)
        .json(&json!({}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(r["value"].as_str().unwrap().len(), 4, "{r}");
    let r = flux
        .post(
            &format!("{}/cards/{id}/reveal", base()),
            &with_at(json!({ "show": "cvv" })),
        )
        .await;
    r.problem(422, "validation_failed");
}

/// What must never rest in Flux or reach a partner.
struct Sensitive {
    pans: Vec<String>,
    /// CVCs and PINs: short, so looked for as JSON strings and query values, where a leak
    /// would put them (a bare 3-digit run occurs by chance in any binary file).
    short: Vec<String>,
    /// Reveal tokens: bearer credentials while they live, never at rest in clear.
    tokens: Vec<String>,
}

impl Sensitive {
    fn assert_absent(&self, what: &str, bytes: &[u8]) {
        let has = |needle: &[u8]| bytes.windows(needle.len()).any(|w| w == needle);
        for pan in &self.pans {
            assert!(!has(pan.as_bytes()), "a full card number is in {what}");
        }
        for t in &self.tokens {
            assert!(!has(t.as_bytes()), "a reveal token is in {what}");
        }
        // `:404,` is also an HTTP status in a stored problem body (`"status":404,`, or
        // `""status"":404,` inside a PostgreSQL row's text): random CVCs of 404 and 422 failed
        // this check on that. Those are not a leak.
        let after_status = |before: &[u8]| {
            let end = before.iter().rposition(|b| *b != b'"').map_or(0, |p| p + 1);
            before[..end].ends_with(b"status")
        };
        let leaked_number = |needle: &[u8]| {
            bytes
                .windows(needle.len())
                .enumerate()
                .any(|(i, w)| w == needle && !after_status(&bytes[..i]))
        };
        for v in &self.short {
            for form in [format!("\"{v}\""), format!("={v}&")] {
                assert!(!has(form.as_bytes()), "a CVC or PIN ({form}) is in {what}");
            }
            let form = format!(":{v},");
            assert!(
                !leaked_number(form.as_bytes()),
                "a CVC or PIN ({form}) is in {what}"
            );
        }
    }
}

async fn reveal_value(
    flux: &TestFlux,
    card: &str,
    show: &str,
    body: Value,
    tokens: &mut Vec<String>,
) -> String {
    let url = reveal_link(flux, card, show).await;
    tokens.push(url.rsplit('/').next().unwrap().to_string());
    let r: Value = flux
        .http
        .post(&url)
        .json(&body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    r["value"]
        .as_str()
        .unwrap_or_else(|| panic!("{r}"))
        .to_string()
}

/// A full card flow, then every partner answer, every file of Flux's data directory (the
/// emulators' own state excepted: they are the providers) and every table are searched for
/// the card numbers, CVCs and PINs that went through: none is there.
async fn nothing_sensitive_rests(flux: &TestFlux) {
    let mut answers: Vec<String> = Vec::new();
    let mut tokens: Vec<String> = Vec::new();
    let holder = new_holder(flux).await;
    let key = pin_key(flux).await;
    let card = issue_virtual(flux, &holder).await;
    answers.push(card.to_string());
    let id = card["id"].as_str().unwrap().to_string();
    answers.push(act(flux, &id, "activate", &at()).await.text);
    let set = with_at(json!({"pin_ciphertext": cipher(&key, "5937")}));
    answers.push(
        flux.post(&format!("{}/cards/{id}/pin", base()), &set)
            .await
            .text,
    );
    let pan = reveal_value(flux, &id, "pan", json!({}), &mut tokens).await;
    let cvc = reveal_value(
        flux,
        &id,
        "cvc",
        json!({"pin_ciphertext": cipher(&key, "5937")}),
        &mut tokens,
    )
    .await;
    let pos = reveal_value(flux, &id, "pin", json!({}), &mut tokens).await;
    answers.push(act(flux, &id, "freeze", &at()).await.text);
    answers.push(act(flux, &id, "unfreeze", &at()).await.text);

    let api_key = necipco::gateway::api_key_name(DEMO_CLIENT.parse().unwrap());
    let emulator = necipco(flux).emulator.as_ref().unwrap();
    let plastic = emulator.stock(&api_key).pop().unwrap();
    let body = with_at(json!({
        "cardholder_id": holder, "type": "PHYSICAL", "document_type": "INE",
        "document_number": "55443322", "card_number_ciphertext": cipher(&key, &plastic)
    }));
    let r = flux.post(&format!("{}/cards", base()), &body).await;
    assert_eq!(r.status, 201, "{}", r.text);
    answers.push(r.text);
    for path in [
        format!("{}/cards", base()),
        format!("{}/cards/{id}", base()),
        format!("{}/cards/{id}/balance", base()),
        format!("{}/cards/{id}/movements", base()),
        format!("{}/cardholders/{holder}", base()),
    ] {
        answers.push(flux.get(&path).await.text);
    }
    let secrets = Sensitive {
        pans: vec![pan.clone(), plastic.clone()],
        short: vec![cvc, pos, "5937".into()],
        tokens: Vec::new(),
    };
    for (i, a) in answers.iter().enumerate() {
        secrets.assert_absent(&format!("partner answer #{i}"), a.as_bytes());
    }
    // At rest, the reveal tokens must not be found either (the audit trail redacts the link;
    // the token table keeps hashes).
    let secrets = Sensitive { tokens, ..secrets };
    // The scan can see: the provider's own state does hold the numbers.
    let provider_state = std::fs::read(emulator.state_file().unwrap()).unwrap();
    assert!(provider_state.windows(16).any(|w| w == plastic.as_bytes()));

    if flux.database_url.starts_with("postgres") {
        let tables = flux
            .running
            .store
            .query(
                "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public'",
                vec![],
            )
            .await
            .unwrap();
        assert!(tables.len() > 10);
        for t in tables {
            let name = t.text(0).unwrap();
            let sql: &'static str = Box::leak(
                format!("SELECT COALESCE(string_agg(t::text, ' '), '') FROM \"{name}\" t")
                    .into_boxed_str(),
            );
            let rows = flux.running.store.query(sql, vec![]).await.unwrap();
            let text = rows[0].text(0).unwrap();
            secrets.assert_absent(&format!("table {name}"), text.as_bytes());
        }
    }
    scan_dir(&flux.data_dir, &secrets);
    let logs = captured_logs().lock().unwrap().clone();
    // The capture works (a request line of this flow is there), and holds none of it.
    assert!(String::from_utf8_lossy(&logs).contains("/cards/{card_id}/reveal"));
    secrets.assert_absent("the logs", &logs);
}

/// Every file under `dir`, the providers' emulator state excepted.
fn scan_dir(dir: &std::path::Path, secrets: &Sensitive) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let provider_state = name == "necipco-emulator"
            || name == "felix-emulator"
            || name.starts_with("fidix-emulator.db")
            || name.starts_with("fincore-emulator.json");
        if provider_state {
            continue;
        }
        if path.is_dir() {
            scan_dir(&path, secrets);
        } else {
            secrets.assert_absent(&path.display().to_string(), &std::fs::read(&path).unwrap());
        }
    }
}

async fn subscribe(flux: &TestFlux, receiver: &common::receiver::Receiver, kind: &str) {
    let r = flux
        .post(
            &format!("{}/webhooks", base()),
            &json!({"client_id": DEMO_CLIENT, "url": receiver.url, "token": "card-token", "webhook_type": kind}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
}

async fn purchase(flux: &TestFlux, card: &str, body: Value) -> Value {
    let r = flux
        .post(&format!("/api/sandbox/cards/{card}/purchase"), &body)
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    r.body
}

/// Polled events: a status change and each movement reach the partner once, through the
/// signed outbox; sandbox purchases are approved or declined for the documented reasons.
async fn events_and_purchases(flux: &TestFlux) {
    let receiver = common::receiver::Receiver::start().await;
    subscribe(flux, &receiver, "CARD_STATUS").await;
    subscribe(flux, &receiver, "CARD_TRANSACTION").await;
    let holder = new_holder(flux).await;
    let card = issue_virtual(flux, &holder).await;
    let id = card["id"].as_str().unwrap().to_string();
    act(flux, &id, "activate", &at()).await;
    let status = receiver
        .wait_for(1, std::time::Duration::from_secs(10))
        .await;
    let first: Value = serde_json::from_str(&status[0].body).unwrap();
    assert!(status[0].body.contains("ACTIVE"), "{first}");

    // Money onto the card at NeCIPCo (funding through Flux is another change): the program
    // funds the client's subclient, which disburses to the card.
    let provider = necipco(flux);
    let client = flux
        .running
        .store
        .get_client(DEMO_CLIENT.parse().unwrap())
        .await
        .unwrap()
        .unwrap();
    let sub = client.link("necipco").unwrap().provider_client_id.clone();
    provider
        .master
        .fund_client(&necipco::wire::FundRequest {
            client_id: sub,
            amount: necipco::wire::Amount::parse("100.00").unwrap(),
        })
        .await
        .unwrap();
    let api = provider
        .client_for(&flux.running.store, &client)
        .await
        .unwrap();
    let provider_card = flux
        .running
        .store
        .get_card(id.parse().unwrap())
        .await
        .unwrap()
        .unwrap()
        .provider_card_id;
    api.disburse(&necipco::wire::DisbursementRequest {
        card_number: necipco::wire::Sensitive::new(provider_card),
        amount: necipco::wire::Amount::parse("100.00").unwrap(),
        latitude: necipco::wire::Coordinate::parse("19.43260").unwrap(),
        longitude: necipco::wire::Coordinate::parse("-99.13320").unwrap(),
    })
    .await
    .unwrap();

    let ok = purchase(
        flux,
        &id,
        json!({"amount": "30.50", "merchant": "CAFE LA PAZ"}),
    )
    .await;
    assert_eq!(ok["status"], "APPROVED", "{ok}");
    let r = flux.get(&format!("{}/cards/{id}/balance", base())).await;
    assert_eq!(r.body["available"], "69.50", "{}", r.text);
    let poor = purchase(flux, &id, json!({"amount": "1000.00", "merchant": "TV"})).await;
    assert_eq!(poor["reason"], "insufficient_funds", "{poor}");
    let bad = flux
        .post(
            &format!("/api/sandbox/cards/{id}/purchase"),
            &json!({"amount": 10, "merchant": "TV"}),
        )
        .await;
    bad.problem(422, "validation_failed");

    // Both movements (the disbursement, the purchase; not the declines) come once each.
    let got = receiver
        .wait_for(3, std::time::Duration::from_secs(15))
        .await;
    let moves: Vec<Value> = got
        .iter()
        .map(|r| serde_json::from_str::<Value>(&r.body).unwrap())
        .filter(|b| b.to_string().contains("card_transaction"))
        .collect();
    assert_eq!(moves.len(), 2, "{moves:?}");
    assert!(
        moves.iter().any(|m| m.to_string().contains("30.5")),
        "{moves:?}"
    );
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    let again = receiver.received();
    let count = again
        .iter()
        .filter(|r| r.body.contains("card_transaction"))
        .count();
    assert_eq!(count, 2, "a movement was announced twice");

    // An inactive card declines; a wrong PIN declines, and enough of them block the service.
    act(flux, &id, "freeze", &at()).await;
    let frozen = purchase(flux, &id, json!({"amount": "1.00", "merchant": "TV"})).await;
    assert_eq!(frozen["reason"], "card_not_active", "{frozen}");
    act(flux, &id, "unfreeze", &at()).await;
    let key = pin_key(flux).await;
    let set = with_at(json!({"pin_ciphertext": cipher(&key, "2468")}));
    flux.post(&format!("{}/cards/{id}/pin", base()), &set).await;
    let mut reasons = Vec::new();
    for _ in 0..7 {
        let d = purchase(
            flux,
            &id,
            json!({"amount": "1.00", "merchant": "ATM", "pin_ciphertext": cipher(&key, "1111")}),
        )
        .await;
        reasons.push(d["reason"].as_str().unwrap_or("").to_string());
    }
    assert_eq!(reasons[0], "incorrect_pin", "{reasons:?}");
    assert!(reasons.iter().any(|r| r == "pin_blocked"), "{reasons:?}");
    let right = purchase(
        flux,
        &id,
        json!({"amount": "1.00", "merchant": "ATM", "pin_ciphertext": cipher(&key, "2468")}),
    )
    .await;
    assert_eq!(right["reason"], "pin_blocked", "{right}");
}

async fn all(flux: &TestFlux) {
    lifecycle(flux).await;
    reveal_in_browser(flux).await;
    physical_and_pins(flux).await;
    bad_input(flux).await;
    tenancy(flux).await;
    nothing_sensitive_rests(flux).await;
}

fn options() -> Options {
    Options {
        // Card events are polled each resolver round.
        resolver_interval_ms: 200,
        ..Options::default()
    }
}

#[tokio::test]
async fn cards_on_sqlite() {
    captured_logs();
    let flux = TestFlux::start(options()).await;
    all(&flux).await;
    events_and_purchases(&flux).await;
}

#[tokio::test]
async fn cards_on_postgres() {
    captured_logs();
    with_postgres(|url| async move {
        let flux = TestFlux::start(Options {
            database_url: Some(url),
            ..options()
        })
        .await;
        all(&flux).await;
        events_and_purchases(&flux).await;
    })
    .await;
}
