//! Outbound webhooks to partners: the events Flux emits, how they are signed, where they may
//! go, when they are retried, and the engine that delivers them from the outbox
//! (`flux_store::outbox`).

pub mod schedule;
pub mod signing;
pub mod url_policy;
mod worker;

pub use worker::{Deliveries, DeliveryConfig};

/// The events partners subscribe to, rendered as the Partners API shows a transaction.
pub mod events {
    use flux_store::{OutboundEvent, TransactionRecord};

    /// A transaction as the Partners API shows it (in answers and in webhooks alike).
    pub fn render(t: &TransactionRecord) -> serde_json::Value {
        serde_json::to_value(crate::model::Transaction::from(t)).unwrap_or_default()
    }

    /// A credit arrived (SPEI money-in).
    pub const MONEY_IN: OutboundEvent = OutboundEvent {
        event_type: "MONEY_IN",
        render,
    };
    /// A money-out or refund changed status; carries the ordered `deltas`.
    pub const STATUS_UPDATE: OutboundEvent = OutboundEvent {
        event_type: "STATUS_UPDATE",
        render,
    };
    /// The CEP (Banxico receipt) of a transfer changed status.
    pub const CEP: OutboundEvent = OutboundEvent {
        event_type: "CEP",
        render,
    };
}
