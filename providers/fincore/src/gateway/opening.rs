//! Opening a client's books from the provider's balance. A client attached in live mode
//! already has money at Fincore that Flux never saw arrive; without an opening posting every
//! money-out would be refused for lack of funds. The opening is a recorded posting (source,
//! time and the figures behind it in its metadata), booked once per client: its reference is
//! unique, so attaching again or running `flux ledger open-balance` twice changes nothing.

use crate::{CallContext, ClientCredentials, FincoreClient};
use flux_core::money::Currency;
use flux_gateway::provider::Opened;
use flux_ledger::books::{funds_account, open_balance, Opening};
use flux_store::{ClientRecord, Store};
use rust_decimal::Decimal;

/// The reference of a client's opening posting from Fincore.
pub fn reference(client: &ClientRecord) -> String {
    format!("opening-balance:fincore:{}", client.client_id)
}

/// Opens the client's MXN books with what Fincore holds beyond what Flux's books already know
/// (money-ins that arrived by webhook before the opening are not counted twice).
pub async fn open_from_fincore(
    store: &Store,
    fincore: &FincoreClient,
    client: &ClientRecord,
) -> anyhow::Result<Opened> {
    let currency = Currency::MXN;
    let reference = reference(client);
    if flux_ledger::books::has_posting(store, client.client_id, &reference).await? {
        return Ok(Opened::AlreadyOpen);
    }
    // A hold of a money-out Fincore may never have received would make Flux's side look
    // smaller than it is, and the opening too large: open only when nothing is in flight.
    let in_flight = store
        .open_transactions_before(
            flux_core::time::now() + chrono::Duration::seconds(1),
            true,
            1000,
        )
        .await?
        .into_iter()
        .filter(|t| t.client_id == client.client_id)
        .count();
    anyhow::ensure!(
        in_flight == 0,
        "client {} has {in_flight} movement(s) in flight; open its books once they are settled (`flux resolve`)",
        client.client_id
    );
    let creds = ClientCredentials {
        client_id: client.client_id,
        client_secret: client.secret_at(crate::gateway::NAME),
    };
    let ctx = CallContext {
        request_id: Some(format!("open-balance-{}", client.client_id)),
        traceparent: None,
    };
    let mut at_fincore = Decimal::ZERO;
    for a in fincore.list_accounts(&creds, &ctx).await?.data {
        at_fincore += flux_core::money::parse_decimal(&a.available_balance).map_err(|e| {
            anyhow::anyhow!("Fincore's available_balance {:?} {e}", a.available_balance)
        })?;
    }
    let in_books =
        match flux_ledger::get_account(store, funds_account(client.client_id, currency)).await? {
            Some(a) => Decimal::new(a.balance().available, currency.exponent()),
            None => Decimal::ZERO,
        };
    let missing = at_fincore - in_books;
    anyhow::ensure!(
        missing >= Decimal::ZERO,
        "Flux's books hold {in_books} MXN for client {}, more than Fincore's {at_fincore}: run `flux reconcile`",
        client.client_id
    );
    if missing.is_zero() {
        return Ok(Opened::Balanced);
    }
    let minor = flux_ledger::amount::parse_minor(&missing.to_string(), currency)
        .map_err(|e| anyhow::anyhow!("opening amount {missing}: {e}"))?;
    let detail = serde_json::json!({
        "fincore_available": flux_core::money::format_decimal(at_fincore, currency),
        "flux_available_before": flux_core::money::format_decimal(in_books, currency),
    });
    let client_id = client.client_id;
    let booked = store
        .write_in_lane(client_id, move || {
            let (reference, detail) = (reference.clone(), detail.clone());
            flux_store::sql::tx_fn(move |tx| {
                Box::pin(async move {
                    let opening = Opening {
                        reference: &reference,
                        source: "fincore available_balance",
                        detail,
                    };
                    open_balance(tx, client_id, currency, minor, &opening).await
                })
            })
        })
        .await?;
    Ok(if booked {
        Opened::Booked {
            amount: flux_core::money::format_decimal(missing, currency),
        }
    } else {
        Opened::AlreadyOpen
    })
}
