//! The partner-facing shape of a remittance, and how Félix's words map onto Flux's: one
//! rendering for the create answer, the reads and the `REMITTANCE_STATUS` webhook, so a
//! partner sees the same object everywhere.

use crate::wire::{self, TransactionStatus};
use flux_core::RemittanceStatus;
use flux_store::{RemittanceEvent, RemittanceNotify, RemittanceRecord, RemittanceReport};
use serde_json::{json, Value};

/// The partner webhook type of remittance status changes.
pub const REMITTANCE_STATUS: &str = "REMITTANCE_STATUS";

/// Where remittance status changes are announced.
pub const NOTIFY: RemittanceNotify = RemittanceNotify {
    event_type: REMITTANCE_STATUS,
    render,
};

/// A remittance as the Partners API shows it.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct Remittance {
    id: uuid::Uuid,
    client_id: uuid::Uuid,
    /// CREATED, STARTED, CONFIRMED, IN_PROGRESS, COMPLETED, FAILED, CANCELLED or REFUNDED.
    status: String,
    /// Decimal string, or null when the sender chooses the amount.
    amount: Option<String>,
    currency: String,
    external_reference: String,
    /// Félix's id of the remittance; null until Félix answered.
    provider_reference: Option<String>,
    #[schema(schema_with = masked_beneficiary)]
    beneficiary: Value,
    #[schema(value_type = Option<Object>)]
    metadata: Option<Value>,
    created_at: String,
    updated_at: String,
    /// The SPEI credit that paid it, when it pays a CLABE one of the partner's clients holds
    /// and that credit arrived; null until then.
    settlement: Option<Settlement>,
    /// Only in GET …/remittances/{id}.
    history: Option<Vec<StatusChange>>,
}

/// The money-in that paid a remittance.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct Settlement {
    /// The MONEY_IN transaction (GET …/transactions/{id}); it names this remittance back.
    transaction_id: uuid::Uuid,
    settled_at: String,
}

/// One status change of a remittance.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct StatusChange {
    old_status: Option<String>,
    new_status: String,
    at: String,
    /// intent, felix answer, felix callback or felix poll.
    source: String,
}

/// A remittance as the Partners API shows it.
pub fn render(r: &RemittanceRecord) -> Value {
    json!({
        "id": r.id,
        "client_id": r.client_id,
        "status": r.status.as_str(),
        "amount": r.amount,
        "currency": r.currency,
        "external_reference": r.external_reference,
        "provider_reference": r.provider_reference,
        "beneficiary": r.beneficiary,
        "metadata": r.metadata,
        "created_at": flux_core::time::to_rfc3339(r.created_at),
        "updated_at": flux_core::time::to_rfc3339(r.updated_at),
        "settlement": r.settlement_transaction_id.map(|t| json!({
            "transaction_id": t,
            "settled_at": r.settled_at.map(flux_core::time::to_rfc3339),
        })),
    })
}

/// A remittance with its status history.
pub fn render_with_history(r: &RemittanceRecord, events: &[RemittanceEvent]) -> Value {
    let mut v = render(r);
    v["history"] = events
        .iter()
        .map(|e| {
            json!({
                "old_status": e.old_status.map(|s| s.as_str()),
                "new_status": e.new_status.as_str(),
                "at": flux_core::time::to_rfc3339(e.at),
                "source": e.source,
            })
        })
        .collect();
    v
}

/// Félix's status as Flux's; None for a status Félix does not document (the seed's
/// IN_PROCESS spelling is read as IN_PROGRESS by the wire type already).
pub fn status(s: &TransactionStatus) -> Option<RemittanceStatus> {
    s.as_str().parse().ok()
}

/// When Félix says a change happened; now when it does not say, or says it unreadably.
pub fn reported_at(at: Option<&str>) -> chrono::DateTime<chrono::Utc> {
    at.and_then(flux_core::time::parse_provider)
        .unwrap_or_else(flux_core::time::now)
}

/// What Félix's view of a transaction reports, as one report.
pub fn report_of(t: &wire::TransactionResponse) -> Option<RemittanceReport> {
    Some(RemittanceReport {
        status: status(t.status.as_ref()?)?,
        at: reported_at(t.updated_at.as_deref().or(t.created_at.as_deref())),
    })
}

/// The beneficiary as the partner sent it, with its account number masked: an object of its
/// own name, so that generators do not take it for the request's `RemittanceBeneficiary`.
fn masked_beneficiary() -> utoipa::openapi::Object {
    utoipa::openapi::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::Object)
        .title(Some("MaskedBeneficiary"))
        .description(Some("As sent, with the account number masked."))
        .build()
}
