//! Flux's own books: every Fincore money movement Flux records is posted to the ledger in the
//! same database transaction (through the store's [`flux_store::books::Books`] hook).
//!
//! Each client has a ledger (its id is the client id) with two accounts per currency:
//! - **funds** (CREDIT-normal, no overdraft): what Flux holds for the client, the sum of its
//!   Fincore accounts. A partner's available balance is this account's available balance.
//! - **fincore** (DEBIT-normal, unlimited): the money at the provider, its mirror image.
//!
//! | movement | when | entries |
//! |---|---|---|
//! | money-in | recorded | DEBIT fincore, CREDIT funds (posted) |
//! | money-out, refund | recorded (submitted) | DEBIT funds, CREDIT fincore (pending: a hold) |
//! | | COMPLETED | the hold is posted |
//! | | REJECTED or FAILED | the hold is voided |
//! | | RETURNED (a SPEI return after COMPLETED) | DEBIT fincore, CREDIT funds (posted reversal) |
//! | opening balance | sandbox seeding, live attach, `flux ledger open-balance` ([`open_balance`]) | as a money-in |
//!
//! The hold of a money-out is placed when Flux records its intent (SUBMITTING), before Fincore
//! is called, so a money-out beyond the available balance is refused without calling Fincore,
//! and two concurrent money-outs cannot both spend the same pesos.

use crate::apply::{apply, CommandResult};
use crate::model::*;
use crate::read::{account_from_new, account_in, insert_account_if_absent};
use crate::LedgerError;
use flux_core::money::Currency;
use flux_core::TxStatus;
use flux_store::books::Books;
use flux_store::sql::Tx;
use flux_store::{StoreError, TransactionRecord};
use futures::future::BoxFuture;
use uuid::Uuid;

/// The id of a client's funds account in a currency.
pub fn funds_account(client_id: Uuid, currency: Currency) -> Uuid {
    Uuid::new_v5(
        &client_id,
        format!("flux-books:funds:{}", currency.code()).as_bytes(),
    )
}

/// The id of the account mirroring the client's money at Fincore.
pub fn provider_account(client_id: Uuid, currency: Currency) -> Uuid {
    mirror_account(client_id, "fincore", currency)
}

/// The id of the account mirroring the client's money at `provider` (one mirror per
/// provider, so each reconciles on its own).
pub fn mirror_account(client_id: Uuid, provider: &str, currency: Currency) -> Uuid {
    Uuid::new_v5(
        &client_id,
        format!("flux-books:{provider}:{}", currency.code()).as_bytes(),
    )
}

/// The ledger transaction that books a Flux transaction (a movement or a hold).
pub fn booking_id(flux_transaction: Uuid) -> Uuid {
    Uuid::new_v5(&flux_transaction, b"flux-books")
}

pub struct FluxBooks;

/// Opens the client's two accounts in `currency` if they do not exist yet.
pub async fn ensure_accounts(
    tx: &mut dyn Tx,
    client_id: Uuid,
    currency: Currency,
) -> Result<(), StoreError> {
    let now = flux_core::time::now();
    for (id, normal, limit, name) in [
        (
            funds_account(client_id, currency),
            Side::Credit,
            Some(0),
            "funds",
        ),
        (
            provider_account(client_id, currency),
            Side::Debit,
            None,
            "fincore",
        ),
    ] {
        if account_in(tx, id).await?.is_none() {
            let new = NewAccount {
                id: Some(id),
                ledger_id: client_id,
                currency,
                normal_balance: normal,
                overdraft_limit: limit,
                name: Some(name.into()),
                person_id: None,
                metadata: serde_json::json!({"books": "flux"}),
            };
            insert_account_if_absent(tx, &account_from_new(&new, now)).await?;
        }
    }
    Ok(())
}

/// The two-leg booking of a Flux transaction: money coming in is posted at once, money going
/// out (money-out, refund) is held until the provider settles it.
fn booking(t: &TransactionRecord, currency: Currency, amount: i64, outbound: bool) -> Command {
    let (funds, provider) = (
        funds_account(t.client_id, currency),
        provider_account(t.client_id, currency),
    );
    let (debit, credit) = if outbound {
        (funds, provider)
    } else {
        (provider, funds)
    };
    Command::Create(NewTransaction {
        id: Some(booking_id(t.id)),
        description: Some(format!("{} {}", t.kind, t.id)),
        metadata: serde_json::json!({"kind": t.kind.as_str(), "provider": t.provider, "provider_reference": t.provider_reference}),
        pending: outbound,
        ..NewTransaction::transfer(
            t.client_id,
            currency,
            debit,
            credit,
            amount,
            t.id.to_string(),
        )
    })
}

/// Applies one command inside the caller's transaction.
async fn apply_one(tx: &mut dyn Tx, command: &Command) -> Result<CommandResult, StoreError> {
    Ok(
        apply(tx, flux_core::time::now(), std::slice::from_ref(command))
            .await?
            .pop()
            .unwrap_or_else(|| Err(LedgerError::invalid("command", "was not run"))),
    )
}

/// A refusal the partner should see becomes `StoreError::Refused`; a repeat (already booked,
/// already resolved) is not an error.
pub(crate) fn settled(result: CommandResult) -> Result<(), StoreError> {
    match result {
        Ok(_) => Ok(()),
        Err(LedgerError::DuplicateReference { .. }) | Err(LedgerError::NotPending { .. }) => Ok(()),
        Err(LedgerError::InsufficientFunds {
            available,
            required,
            ..
        }) => Err(StoreError::Refused {
            code: "insufficient_funds".into(),
            message: format!("available balance {available} is less than {required}"),
        }),
        Err(LedgerError::Store(e)) => Err(e),
        Err(e) => Err(StoreError::Refused {
            code: e.code().into(),
            message: e.to_string(),
        }),
    }
}

async fn run(tx: &mut dyn Tx, command: Command) -> Result<(), StoreError> {
    settled(apply_one(tx, &command).await?)
}

/// Books a new movement. The client's accounts are opened only when the ledger says they are
/// missing, so a movement on a known client costs no extra statement.
async fn book_new(
    tx: &mut dyn Tx,
    client_id: Uuid,
    currency: Currency,
    command: Command,
) -> Result<(), StoreError> {
    let mut result = apply_one(tx, &command).await?;
    if matches!(result, Err(LedgerError::AccountNotFound(_))) {
        ensure_accounts(tx, client_id, currency).await?;
        result = apply_one(tx, &command).await?;
    }
    settled(result)
}

/// Where an opening balance came from, kept on its posting so it can be explained later.
#[derive(Debug, Clone)]
pub struct Opening<'a> {
    /// Unique per client: a second opening with the same reference is a no-op.
    pub reference: &'a str,
    /// e.g. "sandbox seeding", "fincore available_balance at attach".
    pub source: &'a str,
    /// Figures that explain the amount (the provider's balance, Flux's own).
    pub detail: serde_json::Value,
}

/// Books an opening balance (money the client already had at the provider when Flux started
/// keeping its books), once per reference. Returns false when it was booked before.
pub async fn open_balance(
    tx: &mut dyn Tx,
    client_id: Uuid,
    currency: Currency,
    amount: i64,
    opening: &Opening<'_>,
) -> Result<bool, StoreError> {
    ensure_accounts(tx, client_id, currency).await?;
    if amount <= 0 {
        return Ok(false);
    }
    let command = Command::Create(NewTransaction {
        description: Some(format!("opening balance ({})", opening.source)),
        metadata: serde_json::json!({
            "kind": "OPENING_BALANCE", "source": opening.source,
            "opened_at": flux_core::time::to_rfc3339(flux_core::time::now()),
            "detail": opening.detail,
        }),
        ..NewTransaction::transfer(
            client_id,
            currency,
            provider_account(client_id, currency),
            funds_account(client_id, currency),
            amount,
            opening.reference,
        )
    });
    match apply_one(tx, &command).await? {
        Err(LedgerError::DuplicateReference { .. }) => Ok(false),
        other => settled(other).map(|_| true),
    }
}

impl Books for FluxBooks {
    fn on_transaction<'a>(
        &'a self,
        tx: &'a mut dyn Tx,
        before: Option<&'a TransactionRecord>,
        after: &'a TransactionRecord,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            let outbound = after.kind.is_outbound();
            match before {
                // A status change of an outbound movement settles its hold.
                Some(before) if outbound && before.status != after.status => {
                    settle(tx, after).await
                }
                None if !after.status.is_failure() => {
                    let Some((currency, amount)) = money(after) else {
                        return Ok(());
                    };
                    let booking = booking(after, currency, amount, outbound);
                    book_new(tx, after.client_id, currency, booking).await?;
                    if outbound {
                        settle(tx, after).await?;
                    }
                    Ok(())
                }
                _ => Ok(()),
            }
        })
    }
}

/// The transaction's currency and amount in minor units, if they make sense (the gateway
/// validates both before anything is recorded; this is the books' own guard).
fn money(t: &TransactionRecord) -> Option<(Currency, i64)> {
    let currency = t.currency.parse::<Currency>().ok()?;
    let amount = crate::amount::parse_minor(&t.amount, currency).ok()?;
    (amount > 0).then_some((currency, amount))
}

/// Posts or voids an outbound movement's hold once its status is final; a return posts the
/// reversal.
async fn settle(tx: &mut dyn Tx, t: &TransactionRecord) -> Result<(), StoreError> {
    let id = booking_id(t.id);
    match t.status {
        TxStatus::Completed => run(tx, Command::Post { id, amount: None }).await,
        TxStatus::Rejected | TxStatus::Failed => run(tx, Command::Void { id }).await,
        TxStatus::Returned => {
            let Some((currency, amount)) = money(t) else {
                return Ok(());
            };
            run(tx, reversal(t, currency, amount)).await
        }
        _ => Ok(()),
    }
}

/// The ledger transaction that books a return.
pub fn return_id(flux_transaction: Uuid) -> Uuid {
    Uuid::new_v5(&flux_transaction, b"flux-books:return")
}

/// A returned transfer's money back into the client's funds.
fn reversal(t: &TransactionRecord, currency: Currency, amount: i64) -> Command {
    Command::Create(NewTransaction {
        id: Some(return_id(t.id)),
        description: Some(format!("return of {} {}", t.kind, t.id)),
        metadata: serde_json::json!({"kind": "RETURN", "of": t.id, "reason": t.failure_code,
            "provider": t.provider, "provider_reference": t.provider_reference}),
        ..NewTransaction::transfer(
            t.client_id,
            currency,
            provider_account(t.client_id, currency),
            funds_account(t.client_id, currency),
            amount,
            format!("{}:return", t.id),
        )
    })
}

/// A hold in Flux's books: a pending booking and the Flux transaction it belongs to.
#[derive(Debug, Clone, PartialEq)]
pub struct Hold {
    pub ledger_transaction: Uuid,
    pub client_id: Uuid,
    /// The Flux transaction whose booking it is (the booking's reference).
    pub reference: String,
}

/// Every hold still pending in the books (Flux's books hold only while a movement is open).
pub async fn pending_holds(store: &flux_store::Store) -> Result<Vec<Hold>, StoreError> {
    let rows = store
        .query(
            "SELECT id, ledger_id, reference_id FROM ledger_transactions WHERE status = 'pending'
             ORDER BY created_at LIMIT 10000",
            vec![],
        )
        .await?;
    rows.iter()
        .map(|r| {
            Ok(Hold {
                ledger_transaction: r.uuid(0)?,
                client_id: r.uuid(1)?,
                reference: r.text(2)?,
            })
        })
        .collect()
}

/// Whether the client's books hold a posting with this reference (an opening, say).
pub async fn has_posting(
    store: &flux_store::Store,
    client_id: Uuid,
    reference: &str,
) -> Result<bool, StoreError> {
    let rows = store
        .query(
            "SELECT 1 FROM ledger_transactions WHERE reference_id = $1 AND ledger_id = $2",
            vec![reference.into(), client_id.into()],
        )
        .await?;
    Ok(!rows.is_empty())
}
