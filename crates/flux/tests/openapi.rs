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
