//! Checks a new transaction needs no database for: shape, amounts, balance.

use crate::amount::{format_minor, MAX_MINOR};
use crate::error::LedgerError;
use crate::model::{NewTransaction, Side};
use chrono::{DateTime, Utc};

/// The most legs one transaction may have: enough for any split, small enough to bound a batch.
pub const MAX_OPERATIONS: usize = 64;

pub fn validate_new(new: &NewTransaction, now: DateTime<Utc>) -> Result<(), LedgerError> {
    let reference = new.reference_id.trim();
    if reference.is_empty() || reference.len() > 128 || reference != new.reference_id {
        return Err(LedgerError::invalid(
            "reference_id",
            "must be 1 to 128 characters without surrounding spaces",
        ));
    }
    if new.description.as_ref().is_some_and(|d| d.len() > 500) {
        return Err(LedgerError::invalid(
            "description",
            "must be at most 500 characters",
        ));
    }
    if let Some(key) = &new.idempotency_key {
        if key.is_empty() || key.len() > 255 {
            return Err(LedgerError::invalid(
                "idempotency-key",
                "must be 1 to 255 characters",
            ));
        }
    }
    if new.operations.len() < 2 || new.operations.len() > MAX_OPERATIONS {
        return Err(LedgerError::invalid(
            "operations",
            format!("must have between 2 and {MAX_OPERATIONS} operations"),
        ));
    }
    let (mut debits, mut credits) = (0i64, 0i64);
    for (i, op) in new.operations.iter().enumerate() {
        if op.amount <= 0 || op.amount > MAX_MINOR {
            return Err(LedgerError::invalid(
                format!("operations[{i}].amount"),
                "must be greater than zero and at most 10^15 minor units",
            ));
        }
        match op.direction {
            Side::Debit => debits += op.amount,
            Side::Credit => credits += op.amount,
        }
    }
    if debits == 0 || credits == 0 {
        return Err(LedgerError::invalid(
            "operations",
            "needs at least one DEBIT and one CREDIT",
        ));
    }
    if debits != credits {
        return Err(LedgerError::Unbalanced {
            debits: format_minor(debits, new.currency),
            credits: format_minor(credits, new.currency),
        });
    }
    if let Some(at) = new.expires_at {
        if !new.pending {
            return Err(LedgerError::invalid(
                "expires_at",
                "applies only to pending transactions",
            ));
        }
        if at <= now {
            return Err(LedgerError::invalid("expires_at", "must be in the future"));
        }
    }
    Ok(())
}
