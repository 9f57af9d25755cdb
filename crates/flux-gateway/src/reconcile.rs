//! `flux reconcile`: Flux's books against each provider's balances, client by client (every
//! [`crate::Provider`] computes its own [`Line`]s), and everything else an operations team
//! must see before calling the books true, which needs no provider:
//! - every pending hold belongs to a movement (or a card transfer) that is still open;
//! - no movement has stayed non-final past the resolver's window;
//! - no provider event waits for a transaction Flux never learned of;
//! - every completed remittance to a CLABE Flux serves was paid within the settlement window;
//! - nothing waits in the review list.

use crate::provider::Providers;
use crate::resolver::ResolverConfig;
use flux_store::Store;
use uuid::Uuid;

/// One client and currency: both sides and their difference (provider minus Flux).
#[derive(Debug, Clone, serde::Serialize)]
pub struct Line {
    /// The provider whose balance is compared ("fincore", "necipco").
    pub provider: String,
    /// What is compared at that provider: "funds" (a client's SPEI money), "program" (all a
    /// client's card money), or "card <id>".
    pub account: String,
    pub client_id: Uuid,
    pub currency: String,
    /// The provider's available balance. Named `fincore_available` in the output, which
    /// scripts read; it is whichever provider holds the client's money.
    #[serde(rename = "fincore_available")]
    pub provider_available: String,
    pub flux_available: String,
    pub flux_posted: String,
    pub flux_pending: String,
    pub difference: String,
    /// Set when the provider could not be asked.
    pub error: Option<String>,
}

impl Line {
    pub fn matches(&self) -> bool {
        self.error.is_none() && self.provider_available == self.flux_available
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

/// Balances, holds, open movements, held events, unsettled remittances and the review list.
/// The resolver's windows say when a movement or event should have been resolved and when a
/// completed remittance's credit should have arrived.
pub async fn report(
    store: &Store,
    providers: &Providers,
    config: &ResolverConfig,
) -> anyhow::Result<Report> {
    let window = config.after;
    let mut lines = Vec::new();
    for provider in providers.iter() {
        lines.extend(provider.reconcile(store).await?);
    }
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
    problems.extend(unsettled(store, config.settlement_window).await?);
    for r in store.open_reviews(1000).await? {
        problems.push(Problem {
            kind: "review",
            subject: r.id.to_string(),
            detail: format!("{}: {}", r.item.kind.as_str(), r.item.reason),
        });
    }
    Ok(Report { lines, problems })
}

/// Completed remittances whose credit is overdue and not yet filed for review (a filed one is
/// listed with the review list), whatever the resolver has done.
async fn unsettled(store: &Store, window: std::time::Duration) -> anyhow::Result<Vec<Problem>> {
    let before = flux_core::time::now() - chrono::Duration::from_std(window)?;
    Ok(store
        .unsettled_before(before, 1000)
        .await?
        .into_iter()
        .map(|r| Problem {
            kind: "unsettled_remittance",
            subject: r.id.to_string(),
            detail: format!(
                "remittance of {} {} to {} completed at {} and no credit has arrived",
                r.amount.as_deref().unwrap_or("(sender's choice)"),
                r.currency,
                flux_core::clabe::mask(r.settle_account.as_deref().unwrap_or_default()),
                r.completed_at
                    .map(flux_core::time::to_rfc3339)
                    .unwrap_or_default()
            ),
        })
        .collect())
}

/// Holds whose movement is final (or unknown): money kept from the client for nothing.
async fn orphan_holds(store: &Store) -> anyhow::Result<Vec<Problem>> {
    let mut problems = Vec::new();
    for hold in flux_ledger::books::pending_holds(store).await? {
        let id = Uuid::parse_str(&hold.reference).ok();
        let owner = match id {
            Some(id) => store.get_transaction(id).await?,
            None => None,
        };
        let detail = match owner {
            Some(t) if !t.status.is_final() => continue,
            Some(t) => format!("held for {} {}, which is {}", t.kind, t.id, t.status),
            None => match card_transfer(store, id).await? {
                Some(t) if !t.status.is_final() => continue,
                Some(t) => format!(
                    "held for card transfer {}, which is {}",
                    t.id,
                    t.status.as_str()
                ),
                None => format!("held for {:?}, which Flux has no record of", hold.reference),
            },
        };
        problems.push(Problem {
            kind: "hold",
            subject: hold.ledger_transaction.to_string(),
            detail: format!("client {}: {detail}", hold.client_id),
        });
    }
    Ok(problems)
}

/// The card transfer a hold belongs to, if it is one (card money holds name the transfer).
async fn card_transfer(
    store: &Store,
    id: Option<Uuid>,
) -> anyhow::Result<Option<flux_store::CardTransfer>> {
    Ok(match id {
        Some(id) => store.get_card_transfer(id).await?,
        None => None,
    })
}
