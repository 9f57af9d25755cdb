//! The examples the Partners API specification (seed 000) gives, attached to the operations
//! they belong to, so that `/docs` and the generated SDKs show what the specification shows.
//! The files under `seed_examples/` are the seed's bodies, verbatim; the gateway tests send the
//! same files, so an example that stopped being accepted would fail them.

use serde_json::{json, Map, Value};

/// The seed's client: the sandbox's demo client, in every path the seed writes.
const SEED_CLIENT: &str = "205ae70f-ab7e-4b8d-85be-ac16f47c8983";

/// (operationId, the seed's title for it, its body).
const BODIES: &[(&str, &str, &str)] = &[
    (
        "create_private_account",
        "Crear cuenta privada",
        include_str!("../seed_examples/private_account.json"),
    ),
    (
        "register_instrument",
        "Registrar instrumento (tarjeta de débito)",
        include_str!("../seed_examples/instrument_debit_card.json"),
    ),
    (
        "create_money_out",
        "Money Out (Transferencia)",
        include_str!("../seed_examples/money_out.json"),
    ),
    (
        "refund_transaction",
        "Refund",
        include_str!("../seed_examples/refund.json"),
    ),
    (
        "create_webhook",
        "Crear webhook",
        include_str!("../seed_examples/webhook_create.json"),
    ),
    (
        "update_webhook",
        "Actualizar webhook",
        include_str!("../seed_examples/webhook_patch.json"),
    ),
    (
        "receive_fincore_money_in",
        "Webhook entrante (Partners → Flux)",
        include_str!("../seed_examples/inbound_money_in.json"),
    ),
];

/// The seed writes a placeholder where an id goes (`<source_instrument_uuid>`, `<uuid>`); the
/// document shows an id of the right form instead, so the example validates.
const PLACEHOLDERS: &[(&str, &str)] = &[
    (
        "<source_instrument_uuid>",
        "6c0c5a3e-5a4b-4a8e-9f3e-2f1d7c9b8a01",
    ),
    (
        "<destination_instrument_uuid>",
        "b7d2e4f1-3c6a-4e9b-8d1f-0a2c4e6b8d02",
    ),
    ("<uuid>", "3f1e9c2a-7b4d-4c8e-a6f0-1d2b3c4e5f03"),
];

/// Adds the seed's body examples, and its client id (and paging, where the seed pages) as path
/// and query examples, to every operation in `paths`.
pub fn attach(paths: &mut Map<String, Value>) {
    for item in paths.values_mut().filter_map(Value::as_object_mut) {
        for op in item.values_mut().filter(|op| op.get("responses").is_some()) {
            let id = op["operationId"].as_str().unwrap_or_default().to_string();
            if let Some((_, title, body)) = BODIES.iter().find(|(op_id, ..)| *op_id == id) {
                body_example(op, title, body);
            }
            parameter_examples(op);
        }
    }
}

fn body_example(op: &mut Value, title: &str, body: &str) {
    let Some(media) = op.pointer_mut("/requestBody/content/application~1json") else {
        return;
    };
    let mut value: Value = serde_json::from_str(body).expect("a seed example is JSON");
    fill(&mut value);
    media["examples"] = json!({ "seed": { "summary": title, "value": value } });
}

fn fill(value: &mut Value) {
    match value {
        Value::String(s) => {
            if let Some((_, id)) = PLACEHOLDERS.iter().find(|(p, _)| p == s) {
                *s = id.to_string();
            }
        }
        Value::Array(items) => items.iter_mut().for_each(fill),
        Value::Object(map) => map.values_mut().for_each(fill),
        _ => {}
    }
}

/// The seed's paths name its client, and its instrument list asks `page=1&per_page=50`.
fn parameter_examples(op: &mut Value) {
    let Some(params) = op.get_mut("parameters").and_then(Value::as_array_mut) else {
        return;
    };
    for p in params.iter_mut() {
        let example = match (p["in"].as_str(), p["name"].as_str()) {
            (Some("path"), Some("clientId")) => json!(SEED_CLIENT),
            (Some("query"), Some("page")) => json!(1),
            (Some("query"), Some("per_page")) => {
                let max = p["schema"]["maximum"].as_u64().unwrap_or(50);
                json!(max.min(50))
            }
            _ => continue,
        };
        p["example"] = example;
    }
}
