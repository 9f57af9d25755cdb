//! Flux's books for card money, kept apart from the SPEI funds (see [`crate::books`]) so that
//! each provider's money is mirrored on its own: `flux reconcile` compares NeCIPCo's balances
//! with NeCIPCo's mirror, and moving money between a card and its program never shows as a
//! Fincore difference.
//!
//! Per client and card provider (MXN):
//! - **program** (CREDIT-normal, no overdraft): the client's program funds at the provider, what
//!   a card can be funded from (NeCIPCo's subclient `available`);
//! - **collection** (CREDIT-normal): card money returned or charged back to the client
//!   (NeCIPCo's subclient collection `balance`);
//! - **card** (CREDIT-normal, no overdraft), one per card: the money on it;
//! - **mirror** (DEBIT-normal, unlimited): the client's money at the provider, the mirror image
//!   of the three above. Only money crossing the provider's edge (a treasury top-up, an
//!   opening) moves it.
//!
//! | movement | entries |
//! |---|---|
//! | top-up or opening | DEBIT mirror, CREDIT program (posted) |
//! | fund a card | DEBIT program, CREDIT card: a hold at the intent, posted or voided at the end |
//! | return card money | DEBIT card, CREDIT collection: likewise |
//! | a card movement Flux did not make, spending | DEBIT card, CREDIT collection (posted) |
//! | a card movement Flux did not make, loading | DEBIT program, CREDIT card (posted) |

use crate::apply::apply;
use crate::books::{mirror_account, settled};
use crate::model::*;
use crate::read::{account_from_new, account_in, insert_account_if_absent};
use crate::LedgerError;
use flux_core::money::Currency;
use flux_store::card_transfers::{CardTransfer, TransferDirection};
use flux_store::sql::Tx;
use flux_store::StoreError;
use uuid::Uuid;

const MXN: Currency = Currency::MXN;

/// The client's program funds at a card provider.
pub fn program_account(client_id: Uuid, provider: &str) -> Uuid {
    Uuid::new_v5(
        &client_id,
        format!("flux-books:{provider}:program:MXN").as_bytes(),
    )
}

/// The client's collection balance at a card provider.
pub fn collection_account(client_id: Uuid, provider: &str) -> Uuid {
    Uuid::new_v5(
        &client_id,
        format!("flux-books:{provider}:collection:MXN").as_bytes(),
    )
}

/// The money on one card.
pub fn card_account(card_id: Uuid) -> Uuid {
    Uuid::new_v5(&card_id, b"flux-books:card:MXN")
}

/// The booking of a card transfer (its hold, then its posting).
pub fn transfer_booking(transfer_id: Uuid) -> Uuid {
    Uuid::new_v5(&transfer_id, b"flux-books")
}

/// Opens the client's program, collection and mirror accounts at `provider`, and the card's
/// account when one is named, where missing.
pub async fn ensure_accounts(
    tx: &mut dyn Tx,
    client_id: Uuid,
    provider: &str,
    card_id: Option<Uuid>,
) -> Result<(), StoreError> {
    let mut wanted = vec![
        (
            program_account(client_id, provider),
            Side::Credit,
            Some(0),
            format!("{provider} program"),
        ),
        (
            collection_account(client_id, provider),
            Side::Credit,
            Some(0),
            format!("{provider} collection"),
        ),
        (
            mirror_account(client_id, provider, MXN),
            Side::Debit,
            None,
            provider.to_string(),
        ),
    ];
    if let Some(card) = card_id {
        wanted.push((
            card_account(card),
            Side::Credit,
            Some(0),
            format!("card {card}"),
        ));
    }
    let now = flux_core::time::now();
    for (id, normal, limit, name) in wanted {
        if account_in(tx, id).await?.is_some() {
            continue;
        }
        let new = NewAccount {
            id: Some(id),
            ledger_id: client_id,
            currency: MXN,
            normal_balance: normal,
            overdraft_limit: limit,
            name: Some(name),
            person_id: None,
            metadata: serde_json::json!({"books": "flux", "provider": provider}),
        };
        insert_account_if_absent(tx, &account_from_new(&new, now)).await?;
    }
    Ok(())
}

async fn run(tx: &mut dyn Tx, command: Command) -> Result<(), StoreError> {
    let mut results = apply(tx, flux_core::time::now(), std::slice::from_ref(&command)).await?;
    settled(
        results
            .pop()
            .unwrap_or_else(|| Err(LedgerError::invalid("command", "was not run"))),
    )
}

fn minor(amount: &str) -> Result<i64, StoreError> {
    crate::amount::parse_minor(amount, MXN)
        .ok()
        .filter(|m| *m > 0)
        .ok_or_else(|| StoreError::Refused {
            code: "validation_failed".into(),
            message: format!("{amount:?} is not a positive MXN amount"),
        })
}

/// The hold of a card transfer, placed with its intent: funding beyond the program's funds, or
/// returning beyond the card's, is refused here (`insufficient_funds`) before any provider call.
pub async fn hold_transfer(tx: &mut dyn Tx, t: &CardTransfer) -> Result<(), StoreError> {
    ensure_accounts(tx, t.client_id, &t.provider, Some(t.card_id)).await?;
    let (debit, credit) = match t.direction {
        TransferDirection::Fund => (
            program_account(t.client_id, &t.provider),
            card_account(t.card_id),
        ),
        TransferDirection::Return => (
            card_account(t.card_id),
            collection_account(t.client_id, &t.provider),
        ),
    };
    let command = Command::Create(NewTransaction {
        id: Some(transfer_booking(t.id)),
        description: Some(format!("card {} {}", t.direction.as_str(), t.id)),
        metadata: serde_json::json!({"kind": "CARD_TRANSFER", "direction": t.direction.as_str(),
            "card_id": t.card_id, "provider": t.provider}),
        pending: true,
        ..NewTransaction::transfer(
            t.client_id,
            MXN,
            debit,
            credit,
            minor(&t.amount)?,
            t.id.to_string(),
        )
    });
    run(tx, command).await
}

/// Posts (the provider moved the money) or voids (it did not) a transfer's hold.
pub async fn settle_transfer(
    tx: &mut dyn Tx,
    transfer_id: Uuid,
    moved: bool,
) -> Result<(), StoreError> {
    let id = transfer_booking(transfer_id);
    let command = if moved {
        Command::Post { id, amount: None }
    } else {
        Command::Void { id }
    };
    run(tx, command).await
}

/// Money entering the client's program from outside the provider (a top-up, an opening),
/// once per `reference`.
pub async fn credit_program(
    tx: &mut dyn Tx,
    client_id: Uuid,
    provider: &str,
    amount: &str,
    reference: &str,
    metadata: serde_json::Value,
) -> Result<(), StoreError> {
    ensure_accounts(tx, client_id, provider, None).await?;
    let command = Command::Create(NewTransaction {
        description: Some(format!("{provider} program top-up")),
        metadata,
        ..NewTransaction::transfer(
            client_id,
            MXN,
            mirror_account(client_id, provider, MXN),
            program_account(client_id, provider),
            minor(amount)?,
            reference,
        )
    });
    run(tx, command).await
}

/// Where the other side of a card movement Flux did not make is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Counterpart {
    /// Within the client's program: a charge goes to its collection balance, a load comes
    /// from its program funds (what NeCIPCo's purchase, withdrawal and disbursement do).
    Program,
    /// Outside the provider (a SPEI sent from the card): the mirror moves too.
    Outside,
}

/// A card movement Flux did not make (a purchase, a load from the provider's own tools), as the
/// provider reported it: `signed` negative spends from the card, positive loads it.
pub async fn book_card_movement(
    tx: &mut dyn Tx,
    (client_id, provider, card_id): (Uuid, &str, Uuid),
    movement_id: &str,
    signed: rust_decimal::Decimal,
    counterpart: Counterpart,
) -> Result<(), StoreError> {
    ensure_accounts(tx, client_id, provider, Some(card_id)).await?;
    let amount = minor(&signed.abs().to_string())?;
    let other = match (counterpart, signed.is_sign_negative()) {
        (Counterpart::Outside, _) => mirror_account(client_id, provider, MXN),
        (Counterpart::Program, true) => collection_account(client_id, provider),
        (Counterpart::Program, false) => program_account(client_id, provider),
    };
    let (debit, credit) = if signed.is_sign_negative() {
        (card_account(card_id), other)
    } else {
        (other, card_account(card_id))
    };
    let command = Command::Create(NewTransaction {
        id: Some(Uuid::new_v5(
            &card_id,
            format!("movement:{movement_id}").as_bytes(),
        )),
        description: Some(format!("card movement {movement_id}")),
        metadata: serde_json::json!({"kind": "CARD_MOVEMENT", "card_id": card_id,
            "provider": provider, "movement_id": movement_id}),
        ..NewTransaction::transfer(
            client_id,
            MXN,
            debit,
            credit,
            amount,
            format!("card:{card_id}:movement:{movement_id}"),
        )
    });
    run(tx, command).await
}

/// Posted balance of one account in its normal direction, in minor units (0 when missing).
pub async fn posted(tx: &mut dyn Tx, account: Uuid) -> Result<i64, StoreError> {
    Ok(account_in(tx, account)
        .await?
        .map(|a| a.balance().posted)
        .unwrap_or(0))
}
