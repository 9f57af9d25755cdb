//! What the emulator remembers: provider accounts, remittances and each provider's undelivered
//! notifications. The whole of it is one serializable value, so that it can be written to a
//! file after every change and read back on start (see `persist.rs`). Counters ([`Stats`]) are
//! per process and not persisted.

use crate::wire::{CallbackHeaders, NotificationDelta, TransactionResponse, TransactionStatus};
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// Counters tests read to prove what the emulator did.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Stats {
    pub signups: u64,
    pub signins: u64,
    pub signin_refusals: u64,
    /// Requests refused with 401 for a missing, expired or revoked token.
    pub unauthorized: u64,
    pub transactions_created: u64,
    /// Creates answered with the transaction an identical earlier request created.
    pub transactions_replayed: u64,
    pub status_changes: u64,
    pub searches: u64,
    pub notifications_queued: u64,
    pub retries_requested: u64,
    pub callback_attempts: u64,
    pub callbacks_delivered: u64,
    pub callback_failures: u64,
}

/// A Félix provider account (what signup creates).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Provider {
    pub id: String,
    pub name: String,
    pub email: String,
    /// Hex SHA-256 of salt and password; the emulator never keeps the password.
    pub password_hash: String,
    pub salt: String,
    pub callback_url: Option<String>,
    pub headers: Option<CallbackHeaders>,
}

/// A remittance request as the emulator keeps it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct StoredTx {
    pub id: String,
    pub provider_id: String,
    /// Creation order, to break ties between equal sort keys.
    pub seq: u64,
    /// Hash of the create body, to tell a retry from a different request.
    pub request_hash: String,
    pub external_transaction_id: String,
    /// Absent when the sender is to choose it (the FAQ).
    pub amount: Option<Decimal>,
    pub currency: String,
    pub name: String,
    pub middle_name: Option<String>,
    pub lastname: String,
    pub second_lastname: Option<String>,
    pub country: String,
    pub city: Option<String>,
    pub state: Option<String>,
    /// As sent (`"CLABE"`, `"clabe"`, `"card_number"`…).
    pub account_identifier_type: String,
    /// As sent, except a CLABE, kept with its 18 digits restored.
    pub account_identifier_number: String,
    pub is_clabe: bool,
    pub bank_code: Option<String>,
    pub account_type: Option<String>,
    pub beneficiary_identifier: Option<String>,
    pub beneficiary_identifier_type: Option<String>,
    pub sender_id: Option<String>,
    pub status: TransactionStatus,
    pub created_at: DateTime<Utc>,
    pub updated_at: Option<DateTime<Utc>>,
    /// When the status last changed: the clock steps from here.
    pub changed_at: DateTime<Utc>,
}

/// One transaction's undelivered changes and its latest view.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Pending {
    pub transaction_id: String,
    pub transaction: TransactionResponse,
    pub deltas: Vec<NotificationDelta>,
}

/// A provider's undelivered notifications and where its retries stand.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct Outbox {
    pub pending: Vec<Pending>,
    /// Failed deliveries since the last success.
    pub failures: u32,
    /// When to send next; None when nothing is due (or retries ran out).
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// Retries ran out: kept until the retry endpoint asks for another try.
    pub exhausted: bool,
    /// A delivery is under way (not persisted: a restart has none).
    #[serde(skip)]
    pub in_flight: bool,
}

#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct State {
    pub providers: BTreeMap<String, Provider>,
    pub transactions: BTreeMap<String, StoredTx>,
    pub outboxes: BTreeMap<String, Outbox>,
    pub next_seq: u64,
    #[serde(skip)]
    pub stats: Stats,
    /// `(provider_id, external_transaction_id)` → transaction id, so that a create finds an
    /// earlier twin without walking every transaction (a walk made each create cost more than
    /// the last). Derived from `transactions`: rebuilt by [`State::reindex`] when read back.
    #[serde(skip)]
    pub by_external: HashMap<(String, String), String>,
}

impl State {
    /// Rebuilds what is derived from `transactions` (after reading the state back).
    pub fn reindex(&mut self) {
        self.by_external = self
            .transactions
            .values()
            .map(|t| {
                let key = (t.provider_id.clone(), t.external_transaction_id.clone());
                (key, t.id.clone())
            })
            .collect();
    }

    pub fn provider_by_email(&self, email: &str) -> Option<&Provider> {
        self.providers
            .values()
            .find(|p| p.email.eq_ignore_ascii_case(email))
    }

    /// A transaction of this provider; another provider's id is not found.
    pub fn transaction_of(&self, provider_id: &str, id: &str) -> Option<&StoredTx> {
        self.transactions
            .get(id)
            .filter(|t| t.provider_id == provider_id)
    }
}
