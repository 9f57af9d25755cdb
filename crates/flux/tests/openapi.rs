//! `/openapi.json` tells the truth: structural rules every operation must follow, and the
//! paging limits it states checked against the server itself. Schemathesis (`.ci/run`) fuzzes
//! the rest; these fail fast, in `cargo test`, when an annotation drifts.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use reqwest::Method;
use serde_json::Value;
use std::collections::{BTreeSet, HashSet};

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

fn operations(spec: &Value) -> Vec<(String, String, Value)> {
    let mut out = vec![];
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            if METHODS.contains(&method.as_str()) {
                out.push((path.clone(), method.clone(), op.clone()));
            }
        }
    }
    out
}

fn responds(op: &Value, status: &str) -> bool {
    op["responses"].get(status).is_some()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_document_states_what_every_operation_can_answer() {
    let flux = TestFlux::start(Options::default()).await;
    let spec = flux
        .send(Method::GET, "/openapi.json", None, None, &[])
        .await
        .body;
    let ops = operations(&spec);
    assert!(ops.len() >= 39, "{} operations", ops.len());

    let mut ids = HashSet::new();
    for (path, method, op) in &ops {
        let at = format!("{} {path}", method.to_uppercase());
        let id = op["operationId"].as_str().unwrap_or_default();
        assert!(!id.is_empty(), "{at}: no operationId");
        assert!(
            ids.insert(id.to_string()),
            "{at}: operationId {id} is not unique"
        );

        for (status, response) in op["responses"].as_object().unwrap() {
            if status.starts_with('2') {
                continue;
            }
            let content = response["content"]
                .as_object()
                .unwrap_or_else(|| panic!("{at} {status}: an error response without content"));
            let types: Vec<&String> = content.keys().collect();
            assert_eq!(types, ["application/problem+json"], "{at} {status}");
            assert_eq!(
                content["application/problem+json"]["schema"]["$ref"],
                "#/components/schemas/Problem",
                "{at} {status}"
            );
        }
        let keyed = op["security"].as_array().is_some_and(|s| !s.is_empty());
        if keyed {
            for status in ["401", "429"] {
                assert!(responds(op, status), "{at}: authenticated but no {status}");
            }
        }
        let partner = path.starts_with("/api/partners") || path.starts_with("/api/sandbox");
        if op.get("requestBody").is_some() {
            assert!(responds(op, "413"), "{at}: takes a body but no 413");
            if partner {
                for status in ["400", "415", "422"] {
                    assert!(responds(op, status), "{at}: takes a body but no {status}");
                }
            }
        }
        let params = op["parameters"].as_array().cloned().unwrap_or_default();
        if params.iter().any(|p| p["in"] == "query") {
            assert!(responds(op, "422"), "{at}: has query parameters but no 422");
        }
        for p in &params {
            if p["in"] == "header" && p["name"] == "Idempotency-Key" {
                assert_eq!(p["schema"]["maxLength"], 255, "{at}");
                assert!(p["schema"]["pattern"].is_string(), "{at}");
            }
        }
    }
    assert!(spec["components"]["securitySchemes"]["api_key"].is_object());

    // Problem.code is the closed list of stable codes.
    let codes: BTreeSet<&str> = spec["components"]["schemas"]["Problem"]["properties"]["code"]
        ["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    let expected: BTreeSet<&str> = flux_gateway::error::CODES.iter().copied().collect();
    assert_eq!(codes, expected);
    assert_eq!(
        codes.len(),
        flux_gateway::error::CODES.len(),
        "duplicate codes"
    );

    // Constraints stated from the server's own constants.
    let schemas = &spec["components"]["schemas"];
    let operations = &schemas["CreateLedgerTransaction"]["properties"]["operations"];
    assert_eq!(operations["minItems"], 2);
    assert_eq!(
        operations["maxItems"],
        flux_ledger::validate::MAX_OPERATIONS as u64
    );
    assert_eq!(schemas["UpdateWebhook"]["minProperties"], 1);
    assert!(!schemas["CreateLedgerAccount"]["properties"]
        .as_object()
        .unwrap()
        .contains_key("ledger_id"));
    assert_eq!(
        schemas["FincoreEvent"]["required"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| *r == "id_msg")
            .count(),
        1
    );
}

/// Every list's stated `page`/`per_page` bounds are the server's: the maximum is accepted, one
/// more is 422 naming the parameter (as a query error), and an empty value is 422 too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paging_limits_in_the_document_are_the_servers() {
    let flux = TestFlux::start(Options::default()).await;
    let spec = flux
        .send(Method::GET, "/openapi.json", None, None, &[])
        .await
        .body;
    let mut checked = 0;
    for (path, method, op) in operations(&spec) {
        if method != "get" {
            continue;
        }
        let path = path.replace("{clientId}", DEMO_CLIENT);
        if path.contains('{') {
            continue;
        }
        let params = op["parameters"].as_array().cloned().unwrap_or_default();
        for name in ["page", "per_page"] {
            let Some(p) = params.iter().find(|p| p["name"] == name) else {
                continue;
            };
            let min = p["schema"]["minimum"].as_u64().unwrap();
            let max = p["schema"]["maximum"]
                .as_u64()
                .unwrap_or_else(|| panic!("{path} {name}: no maximum"));
            assert_eq!(min, 1, "{path} {name}");
            let ok = flux.get(&format!("{path}?{name}={max}")).await;
            assert_ne!(ok.status, 422, "{path}?{name}={max}: {}", ok.text);
            for bad in [format!("{}", max + 1), "0".into(), String::new()] {
                let r = flux.get(&format!("{path}?{name}={bad}")).await;
                r.problem(422, "validation_failed");
                assert_eq!(r.body["title"], "A query parameter is invalid", "{path}");
                assert_eq!(r.field_reasons()[0].0, name, "{path}?{name}={bad}");
            }
            checked += 1;
        }
        // An empty filter is refused like an invalid one, never read as "no filter".
        for p in &params {
            let name = p["name"].as_str().unwrap();
            if p["in"] != "query" || name == "page" || name == "per_page" {
                continue;
            }
            let r = flux.get(&format!("{path}?{name}=")).await;
            r.problem(422, "validation_failed");
            assert_eq!(r.field_reasons()[0].0, name, "{path}?{name}=");
        }
    }
    assert!(checked >= 10, "only {checked} paging parameters checked");
}

/// Every problem `code` a handler can answer with is in `error::CODES`, the enum the document
/// states: read from the sources, so a new code in an `ApiError` cannot slip past it.
#[test]
fn every_problem_code_is_in_the_documented_enum() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut missing = BTreeSet::new();
    let mut seen = 0;
    for dir in ["crates", "providers"] {
        for file in rust_files(&root.join(dir)) {
            let text = std::fs::read_to_string(&file).unwrap();
            for code in codes_in(&text) {
                seen += 1;
                if !flux_gateway::error::CODES.contains(&code.as_str()) {
                    missing.insert(format!("{code} ({})", file.display()));
                }
            }
        }
    }
    assert!(
        seen > 20,
        "the scan found only {seen} codes: is it reading the sources?"
    );
    assert!(
        missing.is_empty(),
        "codes missing from error::CODES: {missing:?}"
    );
}

fn rust_files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() && !path.ends_with("target") {
            out.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out
}

/// The code literal of each `ApiError::new` (after its status) and `ApiError::bad_request`,
/// across line breaks.
fn codes_in(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (start, opener) in text
        .match_indices("ApiError::new(")
        .chain(text.match_indices("ApiError::bad_request("))
    {
        let rest = text[start + opener.len()..].trim_start();
        let rest = match rest.strip_prefix("StatusCode::") {
            Some(r) => r
                .trim_start_matches(|c: char| c.is_ascii_uppercase() || c == '_')
                .trim_start()
                .trim_start_matches(',')
                .trim_start(),
            None => rest,
        };
        if let Some(literal) = rest.strip_prefix('"') {
            if let Some(end) = literal.find('"') {
                let code = &literal[..end];
                if code.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') {
                    out.push(code.to_string());
                }
            }
        }
    }
    out
}

/// Every operation says what it does, and the Partners API seed's bodies are its examples.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_has_a_summary_and_the_seed_bodies_are_examples() {
    let flux = TestFlux::start(Options::default()).await;
    let spec = flux
        .send(Method::GET, "/openapi.json", None, None, &[])
        .await
        .body;
    for (path, method, op) in operations(&spec) {
        let summary = op["summary"].as_str().unwrap_or_default();
        assert!(
            !summary.is_empty() && summary.len() <= 80,
            "{method} {path}: summary {summary:?}"
        );
    }
    let by_id = |id: &str| {
        operations(&spec)
            .into_iter()
            .find(|(_, _, op)| op["operationId"] == id)
            .unwrap_or_else(|| panic!("no operation {id}"))
            .2
    };
    for (id, seed) in [
        ("create_private_account", "private_account"),
        ("register_instrument", "instrument_debit_card"),
        ("create_money_out", "money_out"),
        ("refund_transaction", "refund"),
        ("create_webhook", "webhook_create"),
        ("update_webhook", "webhook_patch"),
        ("receive_fincore_money_in", "inbound_money_in"),
    ] {
        let example =
            &by_id(id)["requestBody"]["content"]["application/json"]["examples"]["seed"]["value"];
        let mut expected = fixture(seed);
        // The seed's placeholders (`<uuid>`) are shown as ids of the right form.
        for (key, value) in expected.as_object_mut().unwrap() {
            if value.as_str().is_some_and(|s| s.starts_with('<')) {
                *value = example[key].clone();
                assert!(
                    uuid::Uuid::parse_str(value.as_str().unwrap()).is_ok(),
                    "{id}.{key}"
                );
            }
        }
        assert_eq!(example, &expected, "{id}");
    }
}

/// A partner pins a version with `Flux-Version`; every partner answer names the version that
/// served it, and a version the server does not answer is refused before anything happens.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_flux_version_header_pins_or_refuses() {
    let flux = TestFlux::start(Options::default()).await;
    let current = flux_gateway::api_version::CURRENT;
    let accounts = format!("/api/partners/clients/{DEMO_CLIENT}/accounts");
    let key = Some(flux.key.as_str());

    let r = flux.send(Method::GET, &accounts, key, None, &[]).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.headers["flux-version"], current);

    let r = flux
        .send(
            Method::GET,
            &accounts,
            key,
            None,
            &[("Flux-Version", current)],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.headers["flux-version"], current);

    let hooks = format!("/api/partners/clients/{DEMO_CLIENT}/webhooks");
    let body = serde_json::to_vec(&fixture("webhook_create")).unwrap();
    for wrong in ["2020-01-01", "latest", ""] {
        let r = flux
            .send(
                Method::POST,
                &hooks,
                key,
                Some(body.clone()),
                &[("Flux-Version", wrong)],
            )
            .await;
        assert_eq!(r.status, 400, "{wrong:?}: {}", r.text);
        assert_eq!(r.body["code"], "unsupported_api_version");
        assert_eq!(r.body["errors"][0]["field"], "Flux-Version");
        assert_eq!(r.headers["content-type"], "application/problem+json");
    }
    // Nothing was created by the refused requests.
    let list = flux.send(Method::GET, &hooks, key, None, &[]).await;
    assert_eq!(
        list.body["data"].as_array().unwrap().len(),
        0,
        "{}",
        list.text
    );

    // Provider webhooks keep the provider's shapes: no version there.
    let r = flux
        .send(Method::GET, "/openapi.json", None, None, &[])
        .await;
    assert!(r.headers.get("flux-version").is_none());
    assert_eq!(r.body["info"]["version"], current);
}

/// `sdks/openapi.json`, from which the SDKs are generated, is what the server serves: change
/// the server, then run `scripts/sdks generate` (CI also regenerates the SDKs and compares).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_committed_document_is_the_served_one() {
    let flux = TestFlux::start(Options::default()).await;
    let served = flux
        .send(Method::GET, "/openapi.json", None, None, &[])
        .await
        .body;
    let path = format!("{}/../../sdks/openapi.json", env!("CARGO_MANIFEST_DIR"));
    let committed: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    assert!(
        served == committed,
        "sdks/openapi.json is stale: run scripts/sdks generate and commit sdks/"
    );
}

/// `/docs` in a real headless Chromium: Redoc, served by Flux alone (its policy allows nothing
/// else), renders every operation's page with its summary, parameters and answers.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_docs_page_renders_every_operation_in_a_browser() {
    let flux = TestFlux::start(Options::default()).await;
    let page = flux.send(Method::GET, "/docs", None, None, &[]).await;
    let policy = page.headers["content-security-policy"].to_str().unwrap();
    assert!(policy.contains("default-src 'self'") && policy.contains("connect-src 'self'"));
    let spec = flux
        .send(Method::GET, "/openapi.json", None, None, &[])
        .await
        .body;

    let browser = common::browser::Browser::start().await;
    browser.goto(&format!("{}/docs", flux.base)).await;
    let text = r"return document.body.innerText.replace(/\s+/g, ' ')";
    let mut shown = String::new();
    for _ in 0..200 {
        shown = browser
            .run(text)
            .await
            .as_str()
            .unwrap_or_default()
            .to_string();
        if shown.contains("Flux Partners API") && shown.contains("inbound webhooks") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(shown.contains("Flux-Version"), "the overview: {shown:.500}");

    for (path, method, op) in operations(&spec) {
        let tag = op["tags"][0].as_str().unwrap().replace(' ', "-");
        let id = op["operationId"].as_str().unwrap();
        browser
            .run(&format!("location.hash = '#/{tag}/{id}'; return null"))
            .await;
        // The operation's own page: its summary, `METHOD /path` line, every parameter and
        // every answer's status (the sidebar alone lists every summary, so wait for all).
        let mut wanted = vec![
            op["summary"].as_str().unwrap().to_string(),
            format!("{} {path}", method.to_uppercase()),
        ];
        wanted.extend(op["responses"].as_object().unwrap().keys().cloned());
        for p in op["parameters"].as_array().into_iter().flatten() {
            wanted.push(p["name"].as_str().unwrap().to_string());
        }
        let mut missing = wanted.clone();
        for _ in 0..200 {
            let page = browser
                .run(text)
                .await
                .as_str()
                .unwrap_or_default()
                .to_string();
            missing = wanted
                .iter()
                .filter(|w| !page.contains(w.as_str()))
                .cloned()
                .collect();
            if missing.is_empty() {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(25)).await;
        }
        assert!(
            missing.is_empty(),
            "{method} {path} (#/{tag}/{id}): the page lacks {missing:?}"
        );
    }
    // The seed's example body is shown with the money-out.
    browser
        .run("location.hash = '#/transactions/create_money_out'; return null")
        .await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let source = browser.source().await;
    assert!(source.contains("Pago proveedor"), "no seed example");
    browser.quit().await;
}

/// The document says PATCH's `client_id` is a UUID (Schemathesis sent `""`, which was
/// accepted): anything else is 422, and so is another client's id; the path's own is fine.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_webhook_update_names_its_own_client_or_none() {
    let flux = TestFlux::start(Options::default()).await;
    let hooks = format!("/api/partners/clients/{DEMO_CLIENT}/webhooks");
    let hook = flux.post(&hooks, &fixture("webhook_create")).await;
    assert_eq!(hook.status, 201, "{}", hook.text);
    let one = format!("{hooks}/{}", hook.body["id"].as_str().unwrap());
    let patch = |body: serde_json::Value| {
        let flux = &flux;
        let one = one.clone();
        async move {
            flux.send(
                Method::PATCH,
                &one,
                Some(&flux.key),
                Some(serde_json::to_vec(&body).unwrap()),
                &[],
            )
            .await
        }
    };
    for bad in [
        serde_json::json!({"client_id": "", "webhook_status": "ACTIVE"}),
        serde_json::json!({"client_id": "not-a-uuid", "webhook_status": "ACTIVE"}),
        serde_json::json!({"client_id": uuid::Uuid::new_v4(), "webhook_status": "ACTIVE"}),
    ] {
        let r = patch(bad.clone()).await;
        assert_eq!(r.status, 422, "{bad}: {}", r.text);
        assert_eq!(r.body["errors"][0]["field"], "client_id", "{}", r.text);
    }
    let r =
        patch(serde_json::json!({"client_id": DEMO_CLIENT, "webhook_status": "INACTIVE"})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["webhook_status"], "INACTIVE");
    let r = patch(serde_json::json!({"client_id": null, "webhook_status": "ACTIVE"})).await;
    assert_eq!(r.status, 200, "{}", r.text);
}
