//! Fincore's side of `flux reconcile`: its available balance against Flux's books, client by
//! client. The checks that need no provider (holds, open movements, held events, review) are
//! the gateway's (`flux_gateway::reconcile`).
//!
//! Fincore takes a money-out from the account's available balance when it accepts it and gives
//! it back if the transfer is rejected; Flux holds it on submission and voids the hold on
//! rejection. So at every instant Fincore's available balance should equal the available
//! balance of the client's funds account in Flux's books (posted minus held).

use crate::{CallContext, ClientCredentials, FincoreClient};
use flux_core::money::Currency;
use flux_gateway::reconcile::Line;
use flux_store::Store;
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use uuid::Uuid;

/// Compares every client's balances. Never changes anything.
pub async fn lines(store: &Store, fincore: &FincoreClient) -> anyhow::Result<Vec<Line>> {
    let mut lines = Vec::new();
    for client in store.list_clients().await? {
        if client.link(super::NAME).is_none() {
            continue;
        }
        let creds = ClientCredentials {
            client_id: client.client_id,
            client_secret: client.secret_at(crate::gateway::NAME),
        };
        let ctx = CallContext {
            request_id: Some(format!("reconcile-{}", Uuid::new_v4())),
            traceparent: None,
        };
        let mut at_fincore: BTreeMap<String, Decimal> = BTreeMap::new();
        let error = match fincore.list_accounts(&creds, &ctx).await {
            Ok(page) => {
                for a in page.data {
                    let value = Decimal::from_str_exact(&a.available_balance).unwrap_or_default();
                    // Fincore's SPEI accounts hold pesos only.
                    *at_fincore.entry("MXN".to_string()).or_default() += value;
                }
                None
            }
            Err(e) => Some(e.to_string()),
        };
        for currency in [Currency::MXN] {
            let fincore_value = at_fincore.get(currency.code()).copied().unwrap_or_default();
            let books = flux_ledger::get_account(
                store,
                flux_ledger::books::funds_account(client.client_id, currency),
            )
            .await?;
            let (posted, pending, available) = match &books {
                Some(a) => {
                    let b = a.balance();
                    (b.posted, b.pending, b.available)
                }
                None => (0, 0, 0),
            };
            let fmt = |minor: i64| flux_ledger::amount::format_minor(minor, currency);
            let flux_value = Decimal::new(available, currency.exponent());
            let money = |d: Decimal| flux_core::money::format_decimal(d, currency);
            lines.push(Line {
                provider: "fincore".into(),
                account: "funds".into(),
                client_id: client.client_id,
                currency: currency.code().into(),
                provider_available: money(fincore_value),
                flux_available: fmt(available),
                flux_posted: fmt(posted),
                flux_pending: fmt(pending),
                difference: money(fincore_value - flux_value),
                error: error.clone(),
            });
        }
    }
    Ok(lines)
}
