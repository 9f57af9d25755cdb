//! Polling, the resolver's side for Félix: callbacks are optional in Félix's design and may be
//! lost (Flux down past Félix's ten retries, a wrong URL), so every resolver round asks Félix
//! about each remittance not final and not heard from for `poll_after`, with
//! `transactions/search` on the external id Flux gave it (its own id). That also finds a
//! remittance whose create answer never reached Flux. What Félix says goes through the same
//! state machine as a callback, and the partner is told the same way.

use super::{model, NAME};
use crate::wire::{ApiVersion, SearchRequest, SearchTransactionFilters, TransactionResponse};
use crate::{CallContext, FelixClient};
use flux_store::{RemittanceRecord, Store};
use std::time::Duration;

/// How many remittances one round asks about, so a backlog cannot stall the resolver.
const PER_ROUND: i64 = 100;

/// A remittance Félix still has no record of this long after Flux asked for it (its create
/// failed or was lost before reaching Félix) goes to the review list. Polling goes on: if it
/// turns up, it is followed like any other.
const NEVER_RECEIVED_AFTER: chrono::Duration = chrono::Duration::hours(1);

/// One round; returns what it did, for the log. One remittance Félix cannot answer for is
/// left for the next round without stopping the others.
pub async fn poll(
    store: &Store,
    client: &FelixClient,
    poll_after: Duration,
) -> anyhow::Result<Vec<String>> {
    let cutoff = flux_core::time::now() - chrono::Duration::from_std(poll_after)?;
    let mut done = Vec::new();
    for r in store.remittances_to_poll(NAME, cutoff, PER_ROUND).await? {
        match poll_one(store, client, &r).await {
            Ok(Some(action)) => done.push(action),
            Ok(None) => {}
            Err(e) => {
                tracing::warn!(remittance_id = %r.id, error = %e, "could not poll félix for a remittance");
            }
        }
    }
    Ok(done)
}

async fn search(
    client: &FelixClient,
    r: &RemittanceRecord,
) -> anyhow::Result<Option<TransactionResponse>> {
    let body = SearchRequest {
        filters: Some(SearchTransactionFilters {
            external_transaction_id: Some(r.id.to_string()),
            ..Default::default()
        }),
        limit: 1,
        offset: 0,
        order_by: None,
        extra: Default::default(),
    };
    let found = client
        .search_transactions(&body, ApiVersion::V2, &CallContext::default())
        .await?;
    Ok(found.into_iter().next())
}

async fn poll_one(
    store: &Store,
    client: &FelixClient,
    r: &RemittanceRecord,
) -> anyhow::Result<Option<String>> {
    store.mark_polled(r.id).await?;
    let Some(t) = search(client, r).await? else {
        return never_received(store, r).await;
    };
    let Some(report) = model::report_of(&t) else {
        anyhow::bail!("félix reported no status Flux knows: {:?}", t.status);
    };
    let status = report.status;
    match (&r.provider_reference, t.id) {
        // Its create's answer was lost: learn Félix's id now.
        (None, Some(reference)) => {
            store
                .save_remittance_answer(
                    r.id,
                    reference,
                    report,
                    None,
                    model::render,
                    Some(model::NOTIFY),
                )
                .await?;
        }
        _ => {
            store
                .report_remittance(r.id, vec![report], "felix poll", Some(model::NOTIFY))
                .await?;
        }
    }
    Ok((status != r.status).then(|| format!("remittance {} {} → {}", r.id, r.status, status)))
}

/// Félix does not know the remittance: past [`NEVER_RECEIVED_AFTER`], an operator is told once
/// (the item's id is fixed by the remittance). The partner's retry with the same
/// Idempotency-Key sends the same request again, under the same external id.
async fn never_received(store: &Store, r: &RemittanceRecord) -> anyhow::Result<Option<String>> {
    if r.provider_reference.is_some()
        || flux_core::time::now() - r.created_at < NEVER_RECEIVED_AFTER
    {
        return Ok(None);
    }
    let filed = store
        .file_review(flux_store::NewReview {
            kind: flux_store::ReviewKind::UnknownOutcome,
            provider: NAME.into(),
            client_id: Some(r.client_id),
            transaction_id: None,
            remittance_id: Some(r.id),
            id_msg: None,
            reason: format!(
                "Félix has no record of remittance {} created at {}: its create never reached Félix or was lost; \
                 the partner's retry with the same Idempotency-Key sends it again",
                r.id,
                flux_core::time::to_rfc3339(r.created_at)
            ),
        })
        .await?;
    Ok(filed.then(|| format!("remittance {} never reached félix: filed for review", r.id)))
}
