//! Card money as Flux records it (provider-neutral): a transfer between a client's card program
//! and one of its cards, in either direction.
//!
//! The row is the intent, written before the provider is called (card providers' money calls
//! carry no idempotency key), in the same transaction as the hold in Flux's books. It ends
//! COMPLETED with the provider's operation id, or FAILED with its reason, by a conditional
//! update from PENDING, so a transfer settles once however many requests, pollers or
//! instances race for it. The writes here take the caller's transaction (`&mut dyn Tx`): the
//! provider crate commits them together with its bookings.

use crate::keyset::Listing;
use crate::sql::{Row, Tx};
use crate::*;

/// Which way card money moves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TransferDirection {
    /// Card program → card.
    Fund,
    /// Card → the client's program (its collection balance).
    Return,
}

impl TransferDirection {
    pub fn as_str(self) -> &'static str {
        match self {
            TransferDirection::Fund => "FUND",
            TransferDirection::Return => "RETURN",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "FUND" => Some(TransferDirection::Fund),
            "RETURN" => Some(TransferDirection::Return),
            _ => None,
        }
    }
}

/// Where a transfer stands. PENDING covers "not called yet" and "called, answer unknown":
/// `attempted_at` tells them apart; NeCIPCo is called at most once per transfer (see
/// [`Store::claim_transfer_attempt`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TransferStatus {
    Pending,
    Completed,
    Failed,
}

impl TransferStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            TransferStatus::Pending => "PENDING",
            TransferStatus::Completed => "COMPLETED",
            TransferStatus::Failed => "FAILED",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "PENDING" => Some(TransferStatus::Pending),
            "COMPLETED" => Some(TransferStatus::Completed),
            "FAILED" => Some(TransferStatus::Failed),
            _ => None,
        }
    }

    pub fn is_final(self) -> bool {
        self != TransferStatus::Pending
    }
}

/// One card transfer.
#[derive(Debug, Clone, PartialEq)]
pub struct CardTransfer {
    pub id: Uuid,
    pub partner_id: Uuid,
    pub client_id: Uuid,
    pub card_id: Uuid,
    pub provider: String,
    pub direction: TransferDirection,
    /// Decimal string, major units.
    pub amount: String,
    pub currency: String,
    pub status: TransferStatus,
    /// The end user's location the provider call carries (a retry sends the same).
    pub latitude: String,
    pub longitude: String,
    pub provider_operation_id: Option<String>,
    pub authorization_code: Option<String>,
    pub failure_code: Option<String>,
    pub failure_message: Option<String>,
    /// When the provider was last called for it; None: never called.
    pub attempted_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// How a transfer ended.
#[derive(Debug, Clone, PartialEq)]
pub enum TransferEnd {
    Completed {
        operation_id: String,
        authorization: Option<String>,
    },
    Failed {
        code: String,
        message: String,
    },
}

/// The columns every read selects, in [`transfer`]'s order (a macro, so that queries stay
/// `&'static str`).
macro_rules! columns {
    () => {
        "id, partner_id, client_id, card_id, provider, direction, amount, currency, status, \
         latitude, longitude, provider_operation_id, authorization_code, failure_code, \
         failure_message, attempted_at, created_at, updated_at"
    };
}

fn transfer(r: &Row) -> Result<CardTransfer> {
    let bad = |i: usize, what: &str| StoreError::corrupt(i, what);
    Ok(CardTransfer {
        id: r.uuid(0)?,
        partner_id: r.uuid(1)?,
        client_id: r.uuid(2)?,
        card_id: r.uuid(3)?,
        provider: r.text(4)?,
        direction: TransferDirection::parse(&r.text(5)?)
            .ok_or_else(|| bad(5, "unknown direction"))?,
        amount: r.text(6)?,
        currency: r.text(7)?,
        status: TransferStatus::parse(&r.text(8)?).ok_or_else(|| bad(8, "unknown status"))?,
        latitude: r.text(9)?,
        longitude: r.text(10)?,
        provider_operation_id: r.opt_text(11)?,
        authorization_code: r.opt_text(12)?,
        failure_code: r.opt_text(13)?,
        failure_message: r.opt_text(14)?,
        attempted_at: opt_instant(r, 15)?,
        created_at: instant(r, 16)?,
        updated_at: instant(r, 17)?,
    })
}

/// Records the intent; false when a transfer with that id exists already (a retry).
pub async fn insert_transfer(tx: &mut dyn Tx, t: &CardTransfer) -> Result<bool> {
    let sql = concat!(
        "INSERT INTO card_transfers (",
        columns!(),
        ") VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18) \
         ON CONFLICT DO NOTHING"
    );
    let params = vec![
        t.id.into(),
        t.partner_id.into(),
        t.client_id.into(),
        t.card_id.into(),
        t.provider.clone().into(),
        t.direction.as_str().into(),
        t.amount.clone().into(),
        t.currency.clone().into(),
        t.status.as_str().into(),
        t.latitude.clone().into(),
        t.longitude.clone().into(),
        t.provider_operation_id.clone().into(),
        t.authorization_code.clone().into(),
        t.failure_code.clone().into(),
        t.failure_message.clone().into(),
        opt_micros(t.attempted_at),
        micros(t.created_at),
        micros(t.updated_at),
    ];
    Ok(tx.exec(sql, &params).await? == 1)
}

/// Ends a PENDING transfer; false when it had ended already (someone else settled it).
pub async fn end_transfer(tx: &mut dyn Tx, id: Uuid, end: &TransferEnd) -> Result<bool> {
    let now = micros(flux_core::time::now());
    let (status, op, auth, code, message) = match end {
        TransferEnd::Completed {
            operation_id,
            authorization,
        } => (
            TransferStatus::Completed,
            Some(operation_id.clone()),
            authorization.clone(),
            None,
            None,
        ),
        TransferEnd::Failed { code, message } => (
            TransferStatus::Failed,
            None,
            None,
            Some(code.clone()),
            Some(message.clone()),
        ),
    };
    let changed = tx
        .exec(
            "UPDATE card_transfers SET status = $1, provider_operation_id = $2,
                authorization_code = $3, failure_code = $4, failure_message = $5, updated_at = $6
             WHERE id = $7 AND status = 'PENDING'",
            &[
                status.as_str().into(),
                op.into(),
                auth.into(),
                code.into(),
                message.into(),
                now,
                id.into(),
            ],
        )
        .await?;
    Ok(changed == 1)
}

/// Whether a provider operation settles one of Flux's transfers already (polling must not book
/// it a second time).
pub async fn operation_is_transfer(
    tx: &mut dyn Tx,
    provider: &str,
    operation: &str,
) -> Result<bool> {
    Ok(tx
        .query_opt(
            "SELECT 1 FROM card_transfers WHERE provider = $1 AND provider_operation_id = $2",
            &[provider.into(), operation.into()],
        )
        .await?
        .is_some())
}

/// [`Store::card_has_pending_transfer`] inside the caller's transaction.
pub async fn pending_transfer_in(tx: &mut dyn Tx, card_id: Uuid) -> Result<bool> {
    Ok(tx
        .query_opt(
            "SELECT 1 FROM card_transfers WHERE card_id = $1 AND status = 'PENDING' LIMIT 1",
            &[card_id.into()],
        )
        .await?
        .is_some())
}

impl Store {
    pub async fn get_card_transfer(&self, id: Uuid) -> Result<Option<CardTransfer>> {
        let sql = concat!("SELECT ", columns!(), " FROM card_transfers WHERE id = $1");
        self.query(sql, vec![id.into()])
            .await?
            .first()
            .map(transfer)
            .transpose()
    }

    /// One slice of a card's transfers, newest first (`created_at DESC, id DESC`).
    pub async fn list_card_transfers(
        &self,
        card_id: Uuid,
        slice: Slice,
    ) -> Result<Listed<CardTransfer>> {
        let listing = Listing {
            table: "card_transfers",
            columns: columns!(),
            tenant: "card_id = $1",
            tenant_params: vec![card_id.into()],
            filter: "",
            filter_params: vec![],
            sort: "created_at",
        };
        self.list_slice(listing, slice, transfer).await
    }

    /// Claims the call to the provider for a PENDING transfer that had never been called: true
    /// for exactly one caller, however many requests, resolvers or instances race for it.
    pub async fn claim_transfer_attempt(&self, id: Uuid) -> Result<bool> {
        let now = micros(flux_core::time::now());
        let rows = self
            .write_statement(
                "UPDATE card_transfers SET attempted_at = $1, updated_at = $1
                 WHERE id = $2 AND status = 'PENDING' AND attempted_at IS NULL RETURNING id",
                vec![now, id.into()],
            )
            .await?;
        Ok(!rows.is_empty())
    }

    /// Whether a transfer of the card is still PENDING.
    pub async fn card_has_pending_transfer(&self, card_id: Uuid) -> Result<bool> {
        Ok(!self
            .query(
                "SELECT 1 FROM card_transfers WHERE card_id = $1 AND status = 'PENDING' LIMIT 1",
                vec![card_id.into()],
            )
            .await?
            .is_empty())
    }

    /// Whether polling recorded this provider movement of the card before.
    pub async fn card_movement_seen(&self, card_id: Uuid, movement_id: &str) -> Result<bool> {
        Ok(!self
            .query(
                "SELECT 1 FROM card_movements_seen WHERE card_id = $1 AND movement_id = $2",
                vec![card_id.into(), movement_id.to_string().into()],
            )
            .await?
            .is_empty())
    }

    /// PENDING transfers last touched before `before`, oldest first: the resolver's work.
    pub async fn pending_transfers_before(
        &self,
        before: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<CardTransfer>> {
        let sql = concat!(
            "SELECT ",
            columns!(),
            " FROM card_transfers \
             WHERE status = 'PENDING' AND updated_at < $1 ORDER BY updated_at LIMIT $2"
        );
        let rows = self.query(sql, vec![micros(before), limit.into()]).await?;
        rows.iter().map(transfer).collect()
    }
}
