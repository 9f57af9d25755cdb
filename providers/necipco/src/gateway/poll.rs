//! Card events. NeCIPCo sends no webhooks, so Flux learns of card activity by asking.
//!
//! - **Interval**: each resolver round ([`flux_gateway::Provider::poll`], every
//!   `resolver.interval_ms`, 15 s by default) looks at up to [`CARDS_PER_ROUND`] cards.
//! - **Status**: `GET /cards/info` per card; a status NeCIPCo changed on its own (an issuer's
//!   PREVENTIVE_BLOCK, say) is written from the status Flux had, with a `CARD_STATUS`
//!   notification, in one transaction.
//! - **Movements and cursor**: `GET /cards/movements` over a window of dates: from the card's
//!   creation day, at most [`WINDOW_DAYS`] back, to today (Mexico City, the day NeCIPCo dates
//!   movements by). The window is the cursor: it re-reads recent days on purpose, so a movement
//!   dated late or read while Flux was down within the window is still seen.
//! - **Dedupe**: a movement is announced (`CARD_TRANSACTION`) in the transaction that records
//!   its NeCIPCo id in `card_movements_seen`; an id recorded before is skipped, so overlapping
//!   windows, two Flux instances or a crash between rounds announce each movement once.
//!
//! Cards in a final status (LOST, STOLEN, CANCELED) are polled for movements still, since
//! late-dated movements of a closed card are facts about money.

use super::cards::{movement, status_subject};
use super::{model, NecipcoProvider, NAME};
use crate::wire::{CardStatus, Sensitive};
use flux_ledger::card_books;
use flux_store::card_transfers::{operation_is_transfer, pending_transfer_in};
use flux_store::cards::record_card_movement_in;
use flux_store::outbox::Subject;
use flux_store::sql::tx_fn;
use flux_store::{CardRecord, Store};
use uuid::Uuid;

/// The partner webhook type of a card movement.
pub const CARD_TRANSACTION: &str = "CARD_TRANSACTION";
/// Bounds one round's calls to NeCIPCo.
pub const CARDS_PER_ROUND: i64 = 500;
/// How far back the movements window reaches.
pub const WINDOW_DAYS: i64 = 7;

/// One polling round; returns what it announced, for the log.
pub async fn poll(provider: &NecipcoProvider, store: &Store) -> anyhow::Result<Vec<String>> {
    let mut done = super::transfers::resolve_pending(provider, store).await?;
    done.append(&mut super::top_ups::advance_open(provider, store).await?);
    for card in store.cards_of_provider(NAME, CARDS_PER_ROUND).await? {
        match poll_card(provider, store, &card).await {
            Ok(mut d) => done.append(&mut d),
            Err(e) => tracing::warn!(card_id = %card.id, error = %e, "card poll failed"),
        }
    }
    Ok(done)
}

async fn poll_card(
    provider: &NecipcoProvider,
    store: &Store,
    card: &CardRecord,
) -> anyhow::Result<Vec<String>> {
    let Some(client) = store.get_client(card.client_id).await? else {
        return Ok(Vec::new());
    };
    let api = provider.client_for(store, &client).await?;
    let reference = Sensitive::new(card.provider_card_id.clone());
    let mut done = Vec::new();

    let info = api.card_info(&reference).await?;
    if let Some(now) = info.card.status {
        if CardStatus::parse(&card.status) != Some(now) {
            let mut updated = card.clone();
            updated.status = now.as_str().into();
            let subject = status_subject(&updated, model::card(&updated));
            if store
                .set_card_status(card.id, &card.status, now.as_str(), Some(subject))
                .await?
            {
                done.push(format!("card {} {} → {}", card.id, card.status, now));
            }
        }
    }

    let today = flux_core::time::now()
        .with_timezone(&flux_core::time::mexico_city())
        .date_naive();
    let created = card
        .created_at
        .with_timezone(&flux_core::time::mexico_city())
        .date_naive();
    let from = created.max(today - chrono::Duration::days(WINDOW_DAYS));
    // A card whose money call is in flight, or whose transfer is still undecided, waits for
    // the next round: its newest movement may be that transfer's, which must not be booked
    // twice (checked again inside the booking's transaction, for other instances).
    let lock = provider.card_lock(card.id);
    let Ok(_quiet) = lock.try_lock() else {
        return Ok(done);
    };
    if store.card_has_pending_transfer(card.id).await? {
        return Ok(done);
    }
    let page = api
        .movements(&reference, &from.to_string(), &today.to_string())
        .await?;
    for m in &page.movements.detail {
        if record_movement(store, card, m).await? {
            done.push(format!("card {} movement {}", card.id, m.id));
        }
    }
    Ok(done)
}

/// Announces a movement once and, when Flux did not make it (a purchase, say), books it in the
/// same transaction. A booking the books refuse (they disagree with NeCIPCo) does not hold
/// the announcement back: the movement is announced unbooked, and `flux reconcile` shows the
/// difference.
async fn record_movement(
    store: &Store,
    card: &CardRecord,
    m: &crate::wire::Movement,
) -> anyhow::Result<bool> {
    let mut data = serde_json::to_value(movement(m))?;
    data["card_id"] = serde_json::json!(card.id);
    let subject = Subject {
        event_type: CARD_TRANSACTION,
        client_id: card.client_id,
        id: Uuid::new_v5(&card.id, m.id.as_bytes()),
        member: "card_transaction",
        data,
    };
    let (card_id, client_id, movement_id) = (card.id, card.client_id, m.id.clone());
    let operation = m.referencial_id.clone();
    let signed = m.amounts.original.total.value();
    let counterpart = counterpart(&m.code.subtype);
    let sub = subject.clone();
    let booked = store
        .write(tx_fn(move |tx| {
            Box::pin(async move {
                // A transfer of this card still PENDING (on another instance, say) may own this
                // movement: leave it unrecorded until the transfer ends.
                if pending_transfer_in(tx, card_id).await? {
                    return Ok(false);
                }
                if !record_card_movement_in(tx, card_id, &movement_id, &sub).await? {
                    return Ok(false);
                }
                // Flux's own transfers were booked when they completed, with this operation id.
                let ours = operation_is_transfer(tx, NAME, &operation).await?;
                if !ours && !signed.is_zero() {
                    let who = (client_id, NAME, card_id);
                    card_books::book_card_movement(tx, who, &movement_id, signed, counterpart)
                        .await?;
                }
                Ok(true)
            })
        }))
        .await;
    match booked {
        Err(flux_store::StoreError::Refused { message, .. }) => {
            tracing::warn!(%card_id, movement = %m.id, %message, "card movement announced but not booked: the books disagree with NeCIPCo");
            Ok(store.record_card_movement(card.id, &m.id, subject).await?)
        }
        other => Ok(other?),
    }
}

/// Where a movement's other side is, by NeCIPCo's subtype: a SPEI sent from the card (40) or a
/// transfer to or from another card (30) crosses the client's program edge; the rest
/// (disbursements, payments, withdrawals, purchases) stay within it.
fn counterpart(subtype: &str) -> card_books::Counterpart {
    match subtype {
        "30" | "40" => card_books::Counterpart::Outside,
        _ => card_books::Counterpart::Program,
    }
}
