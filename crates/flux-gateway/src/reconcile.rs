//! `flux reconcile`: Flux's books against Fincore's balances, client by client, and
//! everything else an operations team must see before calling the books true:
//! - every pending hold belongs to a movement that is still open;
//! - no movement has stayed non-final past the resolver's window;
//! - no provider event waits for a transaction Flux never learned of;
//! - nothing waits in the review list.
//!
//! Fincore takes a money-out from the account's available balance when it accepts it and gives
//! it back if the transfer is rejected; Flux holds it on submission and voids the hold on
//! rejection. So at every instant Fincore's available balance should equal the available
//! balance of the client's funds account in Flux's books (posted minus held).

use fincore::{CallContext, ClientCredentials, FincoreClient};
use flux_core::money::Currency;
use flux_store::Store;
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use uuid::Uuid;

/// One client and currency: both sides and their difference (Fincore minus Flux).
#[derive(Debug, Clone, serde::Serialize)]
pub struct Line {
    pub client_id: Uuid,
    pub currency: String,
    pub fincore_available: String,
    pub flux_available: String,
    pub flux_posted: String,
    pub flux_pending: String,
    pub difference: String,
    /// Set when Fincore could not be asked.
    pub error: Option<String>,
}

impl Line {
    pub fn matches(&self) -> bool {
        self.error.is_none() && self.fincore_available == self.flux_available
    }
}

/// Something that keeps the books from being called true, with what to look at.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Problem {
    /// hold, open_transaction, held_event or review.
    pub kind: &'static str,
    pub subject: String,
    pub detail: String,
}

/// What `flux reconcile` found. Clean when every line matches and there is no problem.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Report {
    pub lines: Vec<Line>,
    pub problems: Vec<Problem>,
}

impl Report {
    pub fn clean(&self) -> bool {
        self.lines.iter().all(Line::matches) && self.problems.is_empty()
    }
}

/// Balances, holds, open movements, held events and the review list. `window` is the
/// resolver's: a movement or event older than it should have been resolved.
pub async fn report(
    store: &Store,
    fincore: &FincoreClient,
    window: std::time::Duration,
) -> anyhow::Result<Report> {
    let lines = reconcile(store, fincore).await?;
    let before = flux_core::time::now() - chrono::Duration::from_std(window)?;
    let mut problems = orphan_holds(store).await?;
    for t in store.open_transactions_before(before, true, 1000).await? {
        problems.push(Problem {
            kind: "open_transaction",
            subject: t.id.to_string(),
            detail: format!(
                "{} {} {} of client {} is {} since {}",
                t.kind,
                t.amount,
                t.currency,
                t.client_id,
                t.status,
                flux_core::time::to_rfc3339(t.updated_at)
            ),
        });
    }
    for e in store.held_events_before(before).await? {
        problems.push(Problem {
            kind: "held_event",
            subject: format!("{}:{}", e.provider, e.id_msg),
            detail: format!(
                "{} for {} reference {} has waited since {} for a transaction Flux does not know",
                e.msg_name,
                e.provider,
                e.provider_reference,
                flux_core::time::to_rfc3339(e.received_at)
            ),
        });
    }
    for r in store.open_reviews(1000).await? {
        problems.push(Problem {
            kind: "review",
            subject: r.id.to_string(),
            detail: format!("{}: {}", r.item.kind.as_str(), r.item.reason),
        });
    }
    Ok(Report { lines, problems })
}

/// Holds whose movement is final (or unknown): money kept from the client for nothing.
async fn orphan_holds(store: &Store) -> anyhow::Result<Vec<Problem>> {
    let mut problems = Vec::new();
    for hold in flux_ledger::books::pending_holds(store).await? {
        let owner = match Uuid::parse_str(&hold.reference) {
            Ok(id) => store.get_transaction(id).await?,
            Err(_) => None,
        };
        let detail = match owner {
            Some(t) if !t.status.is_final() => continue,
            Some(t) => format!("held for {} {}, which is {}", t.kind, t.id, t.status),
            None => format!("held for {:?}, which Flux has no record of", hold.reference),
        };
        problems.push(Problem {
            kind: "hold",
            subject: hold.ledger_transaction.to_string(),
            detail: format!("client {}: {detail}", hold.client_id),
        });
    }
    Ok(problems)
}

/// Compares every client's balances. Never changes anything.
pub async fn reconcile(store: &Store, fincore: &FincoreClient) -> anyhow::Result<Vec<Line>> {
    let mut lines = Vec::new();
    for client in store.list_clients().await? {
        if client.provider != "fincore" {
            continue;
        }
        let creds = ClientCredentials {
            client_id: client.client_id,
            client_secret: client.provider_secret.clone().unwrap_or_default(),
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
                client_id: client.client_id,
                currency: currency.code().into(),
                fincore_available: money(fincore_value),
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
