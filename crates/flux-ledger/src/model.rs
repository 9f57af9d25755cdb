//! What the ledger holds: accounts with running balances, transactions and their operations.

use crate::amount::format_minor;
use chrono::{DateTime, Utc};
use flux_core::money::Currency;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Which side increases an account (Fidi X's `normal_balance`): assets and expenses are
/// DEBIT-normal, liabilities (what Flux owes a client), equity and income CREDIT-normal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Side {
    Debit,
    Credit,
}

impl Side {
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Debit => "DEBIT",
            Side::Credit => "CREDIT",
        }
    }

    pub fn parse(text: &str) -> Option<Side> {
        match text {
            "DEBIT" => Some(Side::Debit),
            "CREDIT" => Some(Side::Credit),
            _ => None,
        }
    }
}

/// A new account. `overdraft_limit` is how far below zero the balance may go, in minor units:
/// `Some(0)` (the default) allows no overdraft, `None` no limit at all (for Flux's own
/// settlement and equity accounts, whose balance is the mirror of others').
#[derive(Debug, Clone)]
pub struct NewAccount {
    pub id: Option<Uuid>,
    pub ledger_id: Uuid,
    pub currency: Currency,
    pub normal_balance: Side,
    pub overdraft_limit: Option<i64>,
    pub name: Option<String>,
    pub person_id: Option<Uuid>,
    pub metadata: serde_json::Value,
}

/// An account and its balances, all in minor units.
#[derive(Debug, Clone, PartialEq)]
pub struct Account {
    pub id: Uuid,
    pub ledger_id: Uuid,
    pub currency: Currency,
    pub normal_balance: Side,
    pub overdraft_limit: Option<i64>,
    pub name: Option<String>,
    pub person_id: Option<Uuid>,
    pub metadata: serde_json::Value,
    pub totals: Totals,
    pub created_at: DateTime<Utc>,
}

/// The running sums of an account's entries, per layer and direction.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    pub debits_posted: i64,
    pub credits_posted: i64,
    pub debits_pending: i64,
    pub credits_pending: i64,
}

/// Balances as a partner reads them, in the account's normal direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Balance {
    /// Settled: the sum of posted entries.
    pub posted: i64,
    /// Held by pending transactions that decrease the account.
    pub pending: i64,
    /// Pending transactions that will increase it once posted (not spendable yet).
    pub incoming: i64,
    /// What can be spent now: posted minus held.
    pub available: i64,
}

impl Totals {
    pub fn balance(&self, normal: Side) -> Balance {
        let (posted, pending, incoming) = match normal {
            Side::Debit => (
                self.debits_posted - self.credits_posted,
                self.credits_pending,
                self.debits_pending,
            ),
            Side::Credit => (
                self.credits_posted - self.debits_posted,
                self.debits_pending,
                self.credits_pending,
            ),
        };
        Balance {
            posted,
            pending,
            incoming,
            available: posted - pending,
        }
    }

    /// Adds one entry.
    pub(crate) fn add(&mut self, layer: Layer, direction: Side, amount: i64) {
        let slot = match (layer, direction) {
            (Layer::Posted, Side::Debit) => &mut self.debits_posted,
            (Layer::Posted, Side::Credit) => &mut self.credits_posted,
            (Layer::Pending, Side::Debit) => &mut self.debits_pending,
            (Layer::Pending, Side::Credit) => &mut self.credits_pending,
        };
        *slot += amount;
    }
}

impl Account {
    pub fn balance(&self) -> Balance {
        self.totals.balance(self.normal_balance)
    }

    /// The balance formatted as decimal strings.
    pub fn balance_text(&self) -> BalanceText {
        let b = self.balance();
        BalanceText {
            posted: format_minor(b.posted, self.currency),
            pending: format_minor(b.pending, self.currency),
            incoming: format_minor(b.incoming, self.currency),
            available: format_minor(b.available, self.currency),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BalanceText {
    pub posted: String,
    pub pending: String,
    pub incoming: String,
    pub available: String,
}

/// Where an entry counts: settled, or held by a pending transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layer {
    Posted,
    Pending,
}

impl Layer {
    pub fn as_str(self) -> &'static str {
        match self {
            Layer::Posted => "posted",
            Layer::Pending => "pending",
        }
    }
}

/// One leg: `amount` minor units in `direction` on `account_id`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Operation {
    pub account_id: Uuid,
    pub direction: Side,
    pub amount: i64,
}

/// A transaction to create. `pending` makes it a hold to be posted or voided later;
/// `expires_at` is the hold's deadline (voided automatically after it).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NewTransaction {
    pub id: Option<Uuid>,
    pub ledger_id: Uuid,
    pub reference_id: String,
    pub currency: Currency,
    pub description: Option<String>,
    pub operations: Vec<Operation>,
    pub metadata: serde_json::Value,
    pub pending: bool,
    pub expires_at: Option<DateTime<Utc>>,
    /// Replays of the same key return the transaction first created under it.
    #[serde(skip)]
    pub idempotency_key: Option<String>,
}

impl NewTransaction {
    /// The common case: `amount` from `debit` to `credit` (DEBIT one, CREDIT the other), posted
    /// at once, no description or metadata. Set the other fields with struct update syntax.
    pub fn transfer(
        ledger_id: Uuid,
        currency: Currency,
        debit: Uuid,
        credit: Uuid,
        amount: i64,
        reference_id: impl Into<String>,
    ) -> NewTransaction {
        NewTransaction {
            id: None,
            ledger_id,
            reference_id: reference_id.into(),
            currency,
            description: None,
            operations: vec![
                Operation {
                    account_id: debit,
                    direction: Side::Debit,
                    amount,
                },
                Operation {
                    account_id: credit,
                    direction: Side::Credit,
                    amount,
                },
            ],
            metadata: serde_json::json!({}),
            pending: false,
            expires_at: None,
            idempotency_key: None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Posted in one step (Fidi X's only status).
    Completed,
    /// Holding funds.
    Pending,
    /// A pending transaction settled (in full or in part).
    Posted,
    /// A pending transaction released by request.
    Voided,
    /// A pending transaction released at its deadline.
    Expired,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Completed => "completed",
            Status::Pending => "pending",
            Status::Posted => "posted",
            Status::Voided => "voided",
            Status::Expired => "expired",
        }
    }

    pub fn parse(text: &str) -> Option<Status> {
        [
            Status::Completed,
            Status::Pending,
            Status::Posted,
            Status::Voided,
            Status::Expired,
        ]
        .into_iter()
        .find(|s| s.as_str() == text)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Transaction {
    pub id: Uuid,
    pub ledger_id: Uuid,
    pub reference_id: String,
    pub currency: Currency,
    pub description: Option<String>,
    pub status: Status,
    pub operations: Vec<Operation>,
    /// For a posted hold: what was actually posted (the rest was released).
    pub posted_operations: Option<Vec<Operation>>,
    pub metadata: serde_json::Value,
    pub expires_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// What one write asks of the ledger.
#[derive(Debug, Clone)]
pub enum Command {
    Create(NewTransaction),
    /// Settles a hold: in full (`amount: None`) or `amount` on every leg, releasing the rest.
    Post {
        id: Uuid,
        amount: Option<i64>,
    },
    /// Releases a hold.
    Void {
        id: Uuid,
    },
    /// Releases a hold whose deadline passed (the sweeper's command).
    Expire {
        id: Uuid,
    },
}

/// Whether a create was new or the replay of an earlier one with the same idempotency key.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub transaction: Transaction,
    pub replayed: bool,
}
