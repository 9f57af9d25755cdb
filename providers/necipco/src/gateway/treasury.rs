//! A client's card program: its money at NeCIPCo as Flux's books and NeCIPCo see it, and
//! `flux reconcile`'s NeCIPCo lines.
//!
//! Card money has its own mirror in Flux's books (`flux_ledger::card_books`): funding a card,
//! returning card money or a purchase moves money inside NeCIPCo, never at Fincore, so none of
//! them can show as a Fincore difference.

use super::{connector, upstream_error, NecipcoProvider, NAME};
use crate::wire::Sensitive;
use axum::extract::{Path, State};
use axum::{Extension, Json};
use flux_gateway::error::ApiError;
use flux_gateway::pipeline::Caller;
use flux_gateway::reconcile::Line;
use flux_gateway::routes::{owned_client, path_id};
use flux_gateway::SharedState;
use flux_ledger::card_books;
use flux_store::sql::tx_fn;
use flux_store::{CardRecord, ClientRecord, Slice, Store};
use rust_decimal::Decimal;
use uuid::Uuid;

const MXN: flux_core::Currency = flux_core::Currency::MXN;

/// Balances of a set of ledger accounts, posted (minor units), read in one snapshot.
async fn posted_balances(
    store: &Store,
    accounts: Vec<Uuid>,
) -> Result<Vec<i64>, flux_store::StoreError> {
    store
        .read(tx_fn(move |tx| {
            Box::pin(async move {
                let mut out = Vec::with_capacity(accounts.len());
                for a in accounts {
                    out.push(card_books::posted(tx, a).await?);
                }
                Ok(out)
            })
        }))
        .await
}

fn money(minor: i64) -> String {
    flux_ledger::amount::format_minor(minor, MXN)
}

/// Get the card program
///
/// The client's card program: what it can fund cards with and what card money came back, in
/// Flux's books (`available` discounts fundings in flight) and at NeCIPCo.
#[utoipa::path(get, path = "/api/partners/clients/{clientId}/card-program", operation_id = "get_card_program", tag = "cards",
    params(("clientId" = Uuid, Path)),
    responses((status = 200, body = super::model::CardProgram), (status = 404, body = flux_gateway::error::Problem), (status = 502, body = flux_gateway::error::Problem)),
    security(("api_key" = [])))]
pub async fn program(
    State(state): State<SharedState>,
    Extension(caller): Extension<Caller>,
    Path(client_id): Path<String>,
) -> Result<Json<super::model::CardProgram>, ApiError> {
    let client = owned_client(&state, &caller, path_id(&client_id, "client")?).await?;
    let id = client.client_id;
    let program =
        flux_ledger::get_account(&state.store, card_books::program_account(id, NAME)).await?;
    let collection = posted_balances(&state.store, vec![card_books::collection_account(id, NAME)])
        .await?
        .first()
        .copied()
        .unwrap_or(0);
    let (posted, available) = program
        .map(|a| (a.balance().posted, a.balance().available))
        .unwrap_or((0, 0));
    let api = connector(&state, &client).await?;
    let at_necipco = api.client_info().await.map_err(upstream_error)?;
    Ok(Json(super::model::CardProgram {
        client_id: id,
        currency: "MXN".into(),
        program: super::model::ProgramBalance {
            posted: money(posted),
            available: money(available),
        },
        collection: money(collection),
        provider: super::model::ProgramAtProvider {
            name: NAME.into(),
            available: flux_core::money::format_decimal(at_necipco.available.value(), MXN),
            collection: flux_core::money::format_decimal(at_necipco.balance.value(), MXN),
        },
    }))
}

/// NeCIPCo's side of `flux reconcile`.
pub async fn reconcile(provider: &NecipcoProvider, store: &Store) -> anyhow::Result<Vec<Line>> {
    let mut lines = Vec::new();
    for client in store.list_clients().await? {
        if client.link(NAME).is_none() {
            continue;
        }
        match client_lines(provider, store, &client).await {
            Ok(mut l) => lines.append(&mut l),
            Err(e) => lines.push(line(
                &client,
                "program".into(),
                None,
                0,
                Some(e.to_string()),
            )),
        }
    }
    lines.extend(stuck_top_ups(store).await?);
    Ok(lines)
}

/// How long a top-up may stay open (SENDING or FUNDING) before reconcile reports it: while
/// FUNDING its money has left Fincore and is on neither side's books for the client.
const TOP_UP_WAIT_MINUTES: i64 = 10;

async fn stuck_top_ups(store: &Store) -> anyhow::Result<Vec<Line>> {
    let before = flux_core::time::now() - chrono::Duration::minutes(TOP_UP_WAIT_MINUTES);
    let mut lines = Vec::new();
    for t in store.open_top_ups(1000).await? {
        if t.created_at > before {
            continue;
        }
        let Some(client) = store.get_client(t.client_id).await? else {
            continue;
        };
        let why = format!(
            "top-up {} of {} MXN is {} since {}: {}",
            t.id,
            t.amount,
            t.status.as_str(),
            flux_core::time::to_rfc3339(t.created_at),
            t.note
                .as_deref()
                .unwrap_or("waiting for its SPEI payment or NeCIPCo's program credit")
        );
        lines.push(line(&client, "in transit".into(), None, 0, Some(why)));
    }
    Ok(lines)
}

fn line(
    client: &ClientRecord,
    account: String,
    provider_value: Option<Decimal>,
    flux_minor: i64,
    error: Option<String>,
) -> Line {
    let flux_value = Decimal::new(flux_minor, MXN.exponent());
    let provider_value = provider_value.unwrap_or_default();
    let text = |d: Decimal| flux_core::money::format_decimal(d, MXN);
    Line {
        provider: NAME.into(),
        account,
        client_id: client.client_id,
        currency: "MXN".into(),
        provider_available: text(provider_value),
        flux_available: money(flux_minor),
        flux_posted: money(flux_minor),
        flux_pending: money(0),
        difference: text(provider_value - flux_value),
        error,
    }
}

/// The client's whole program (available + collection + every card) against NeCIPCo's mirror,
/// then each card with no transfer in flight against its account.
async fn client_lines(
    provider: &NecipcoProvider,
    store: &Store,
    client: &ClientRecord,
) -> anyhow::Result<Vec<Line>> {
    let api = provider.client_for(store, client).await?;
    let profile = api.client_info().await?;
    let cards = all_cards(store, client.client_id).await?;
    let mut card_values = Vec::with_capacity(cards.len());
    for card in &cards {
        let b = api
            .balance(&Sensitive::new(card.provider_card_id.clone()), false)
            .await?;
        card_values.push(b.available.value());
    }
    let at_necipco: Decimal = profile.available.value()
        + profile.balance.value()
        + card_values.iter().copied().sum::<Decimal>();
    let mut accounts = vec![flux_ledger::books::mirror_account(
        client.client_id,
        NAME,
        MXN,
    )];
    accounts.extend(cards.iter().map(|c| card_books::card_account(c.id)));
    let books = posted_balances(store, accounts).await?;
    let mut lines = vec![line(
        client,
        "program".into(),
        Some(at_necipco),
        books[0],
        None,
    )];
    for ((card, value), flux) in cards.iter().zip(card_values).zip(&books[1..]) {
        // A transfer in flight is in the card's balance at NeCIPCo before its hold is posted.
        if store.card_has_pending_transfer(card.id).await? {
            continue;
        }
        lines.push(line(
            client,
            format!("card {}", card.id),
            Some(value),
            *flux,
            None,
        ));
    }
    Ok(lines)
}

async fn all_cards(store: &Store, client_id: Uuid) -> anyhow::Result<Vec<CardRecord>> {
    // By cursor: each batch costs the same however many cards came before.
    let mut cards: Vec<CardRecord> = Vec::new();
    let mut slice = Slice::Offset {
        page: 1,
        per_page: 500,
    };
    loop {
        let listed = store.list_cards(client_id, None, slice).await?;
        cards.extend(listed.items);
        match cards.last() {
            Some(last) if listed.has_more => {
                slice = Slice::After {
                    id: last.id.to_string(),
                    per_page: 500,
                }
            }
            _ => return Ok(cards),
        }
    }
}
