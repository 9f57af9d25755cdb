//! SPEI payments Flux orders itself from a client's Fincore funds ([`PayOut`]): the first leg of
//! a treasury movement, such as topping up the client's card program.
//!
//! It is an ordinary Fincore money-out, recorded and booked like a partner's: the intent (with
//! its hold) before Fincore is called, Fincore's idempotency key derived from the order's id,
//! the outcome by webhook or the resolver. What Flux chooses on its own:
//! - the source is the client's account with the most available money (Fincore moves money
//!   per account; Flux's books hold the client's total);
//! - the destination CLABE is registered as an instrument of the client once, and found again
//!   by its CLABE afterwards.

use super::routes::accounts::sync_accounts;
use super::routes::transactions::{apply, money_out_request};
use super::{credentials, FincoreProvider, NAME};
use crate::{wire, CallContext};
use flux_core::{TxKind, TxStatus};
use flux_gateway::error::ApiError;
use flux_gateway::provider::{BoxFuture, PayOut, PayOutOrder};
use flux_gateway::SharedState;
use flux_store::{ClientRecord, SaveOutcome, TransactionRecord};
use rust_decimal::Decimal;
use uuid::Uuid;

impl PayOut for FincoreProvider {
    fn pay_out<'a>(
        &'a self,
        state: &'a SharedState,
        client: &'a ClientRecord,
        order: &'a PayOutOrder,
    ) -> BoxFuture<'a, Result<TransactionRecord, ApiError>> {
        Box::pin(send(self, state, client, order))
    }
}

fn call() -> CallContext {
    CallContext {
        request_id: None,
        traceparent: None,
    }
}

async fn send(
    fincore: &FincoreProvider,
    state: &SharedState,
    client: &ClientRecord,
    order: &PayOutOrder,
) -> Result<TransactionRecord, ApiError> {
    if let Some(existing) = state.store.get_transaction(order.id).await? {
        return Ok(existing);
    }
    let accounts = sync_accounts(state, client, &call()).await?;
    let source = accounts
        .iter()
        .max_by_key(|a| a.available_balance.parse::<Decimal>().unwrap_or_default())
        .ok_or_else(|| {
            ApiError::insufficient_funds("the client has no Fincore account to pay from")
        })?;
    let destination = instrument_for(fincore, client, source, order).await?;
    let mut record = intent(client, order, source.instrument_id, destination);
    if !state.store.insert_transaction(&record).await? {
        return state
            .store
            .get_transaction(order.id)
            .await?
            .ok_or_else(ApiError::internal);
    }
    let req = money_out_request(&record).ok_or_else(ApiError::internal)?;
    let upstream = fincore
        .client
        .money_out(&credentials(client), &req, order.id, &call())
        .await;
    apply(&mut record, &upstream);
    let saved = state
        .store
        .save_outcome(SaveOutcome {
            txn: Some(record.clone()),
            completion: None,
            render: None,
            notify: Some(flux_gateway::delivery::events::STATUS_UPDATE),
            announce: false,
            source: "the provider's answer".into(),
        })
        .await?;
    state.deliveries.wake();
    Ok(saved.unwrap_or(record))
}

/// The money-out as recorded before Fincore is called.
fn intent(
    client: &ClientRecord,
    order: &PayOutOrder,
    source: Uuid,
    destination: Uuid,
) -> TransactionRecord {
    let now = flux_core::time::now();
    TransactionRecord {
        id: order.id,
        partner_id: order.partner_id,
        client_id: client.client_id,
        kind: TxKind::MoneyOut,
        status: TxStatus::Submitting,
        amount: order.amount.clone(),
        currency: "MXN".into(),
        description: Some(order.concept.clone()),
        external_reference: Some(order.id.simple().to_string()),
        tracking_key: None,
        source_instrument_id: Some(source),
        destination_instrument_id: Some(destination),
        related_transaction_id: None,
        provider: NAME.into(),
        provider_reference: None,
        failure_code: None,
        failure_description: None,
        counterparty: None,
        cep_status: None,
        cep_processed_at: None,
        remittance_id: None,
        created_at: now,
        updated_at: now,
    }
}

/// The client's instrument for the order's CLABE: found among its instruments, or registered.
async fn instrument_for(
    fincore: &FincoreProvider,
    client: &ClientRecord,
    source: &wire::Account,
    order: &PayOutOrder,
) -> Result<Uuid, ApiError> {
    let creds = credentials(client);
    for page in 1..=20 {
        let found = fincore
            .client
            .list_instruments(&creds, None, page, 100, &call())
            .await?;
        if let Some(i) = found.data.iter().find(|i| holds_clabe(i, &order.clabe)) {
            return Ok(i.id);
        }
        if found.data.len() < 100 {
            break;
        }
    }
    let body = wire::RegisterInstrumentRequest {
        source_bank_id: source.bank_id,
        client_id: client.client_id,
        customer_id: None,
        kind: "RECEIVER".into(),
        rfc: "XAXX010101000".into(),
        alias: format!("Flux treasury {}", &order.clabe[order.clabe.len() - 4..]),
        debit_card: None,
        virtual_clabe: Some(wire::VirtualClabePayload {
            clabe: order.clabe.clone(),
            holder_name: order.beneficiary.clone(),
        }),
    };
    Ok(fincore
        .client
        .register_instrument(&creds, &body, &call())
        .await?
        .id)
}

fn holds_clabe(i: &wire::Instrument, clabe: &str) -> bool {
    matches!(&i.instrument_detail, wire::InstrumentDetail::Clabe(d) if d.clabe_number == clabe)
}
