//! Why the ledger refused a command. Each variant maps to one HTTP status and problem type in
//! the partner API; messages are safe to show to the caller that sent the command.

use flux_store::StoreError;
use uuid::Uuid;

#[derive(Debug, Clone, thiserror::Error)]
pub enum LedgerError {
    /// The command is malformed: `field` names the offending input.
    #[error("{field} {reason}")]
    Invalid { field: String, reason: String },
    #[error("account {0} does not exist in this ledger")]
    AccountNotFound(Uuid),
    #[error("transaction {0} does not exist in this ledger")]
    TransactionNotFound(Uuid),
    #[error("account {account_id} is in {account_currency}, the transaction in {currency}")]
    CurrencyMismatch {
        account_id: Uuid,
        account_currency: String,
        currency: String,
    },
    #[error("debits ({debits}) do not equal credits ({credits})")]
    Unbalanced { debits: String, credits: String },
    #[error(
        "insufficient funds in account {account_id}: available {available}, required {required}"
    )]
    InsufficientFunds {
        account_id: Uuid,
        available: String,
        required: String,
    },
    #[error("reference_id {reference_id} is already used by transaction {existing}")]
    DuplicateReference {
        reference_id: String,
        existing: Uuid,
    },
    #[error("idempotency key {0} was already used with a different request")]
    IdempotencyMismatch(String),
    #[error("transaction {id} is {status}, not pending")]
    NotPending { id: Uuid, status: String },
    #[error("transaction {0} expired before it was posted")]
    Expired(Uuid),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl LedgerError {
    pub(crate) fn invalid(field: impl Into<String>, reason: impl Into<String>) -> Self {
        LedgerError::Invalid {
            field: field.into(),
            reason: reason.into(),
        }
    }

    /// A short machine-readable code for problem+json `type`s and Fidi X `code`s.
    pub fn code(&self) -> &'static str {
        match self {
            LedgerError::Invalid { .. } => "invalid_request",
            LedgerError::AccountNotFound(_) => "account_not_found",
            LedgerError::TransactionNotFound(_) => "transaction_not_found",
            LedgerError::CurrencyMismatch { .. } => "currency_mismatch",
            LedgerError::Unbalanced { .. } => "unbalanced_transaction",
            LedgerError::InsufficientFunds { .. } => "insufficient_funds",
            LedgerError::DuplicateReference { .. } => "duplicate_reference_id",
            LedgerError::IdempotencyMismatch(_) => "idempotency_key_reused",
            LedgerError::NotPending { .. } => "not_pending",
            LedgerError::Expired(_) => "expired",
            LedgerError::Store(_) => "store_unavailable",
        }
    }
}
