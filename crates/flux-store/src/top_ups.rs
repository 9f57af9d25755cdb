//! Treasury top-ups of a client's card program (provider-neutral record): money the client
//! holds at its SPEI provider sent to its card provider's program.
//!
//! SENDING (the SPEI payment `payment_id` is out) → FUNDING (it completed: the money is at the
//! card provider, whose credit of the program is being ordered) → COMPLETED; or FAILED when the
//! SPEI payment failed (nothing left the client), or NEEDS_REVIEW when the program credit's
//! outcome cannot be decided. Each step is a conditional update from the
//! step before, so racing pollers, requests or instances take it once.

use crate::keyset::Listing;
use crate::sql::{Row, Tx};
use crate::*;

/// Where a top-up stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TopUpStatus {
    Sending,
    Funding,
    Completed,
    Failed,
    /// The program credit's outcome could not be decided: an operator must look (it is in the
    /// review list); Flux orders nothing more for it.
    NeedsReview,
}

impl TopUpStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            TopUpStatus::Sending => "SENDING",
            TopUpStatus::Funding => "FUNDING",
            TopUpStatus::Completed => "COMPLETED",
            TopUpStatus::Failed => "FAILED",
            TopUpStatus::NeedsReview => "NEEDS_REVIEW",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "SENDING" => Some(TopUpStatus::Sending),
            "FUNDING" => Some(TopUpStatus::Funding),
            "COMPLETED" => Some(TopUpStatus::Completed),
            "FAILED" => Some(TopUpStatus::Failed),
            "NEEDS_REVIEW" => Some(TopUpStatus::NeedsReview),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct TopUp {
    pub id: Uuid,
    pub partner_id: Uuid,
    pub client_id: Uuid,
    /// The card provider whose program is topped up.
    pub provider: String,
    pub amount: String,
    pub status: TopUpStatus,
    /// The Flux transaction (a money-out) carrying the money.
    pub payment_id: Uuid,
    /// The master program's available balance read just before its credit was ordered.
    pub fund_before: Option<String>,
    pub fund_attempted_at: Option<DateTime<Utc>>,
    /// Why it failed, or why it waits (for operators).
    pub note: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

fn top_up(r: &Row) -> Result<TopUp> {
    Ok(TopUp {
        id: r.uuid(0)?,
        partner_id: r.uuid(1)?,
        client_id: r.uuid(2)?,
        provider: r.text(3)?,
        amount: r.text(4)?,
        status: TopUpStatus::parse(&r.text(5)?)
            .ok_or_else(|| StoreError::corrupt(5, "unknown top-up status"))?,
        payment_id: r.uuid(6)?,
        fund_before: r.opt_text(7)?,
        fund_attempted_at: opt_instant(r, 8)?,
        note: r.opt_text(9)?,
        created_at: instant(r, 10)?,
        updated_at: instant(r, 11)?,
    })
}

/// Moves a top-up from `from` to `to` (with a note); false when it was not in `from` any more.
pub async fn advance_top_up(
    tx: &mut dyn Tx,
    id: Uuid,
    from: TopUpStatus,
    to: TopUpStatus,
    note: Option<&str>,
) -> Result<bool> {
    let changed = tx
        .exec(
            "UPDATE card_program_top_ups SET status = $1, note = $2, updated_at = $3
             WHERE id = $4 AND status = $5",
            &[
                to.as_str().into(),
                note.into(),
                micros(flux_core::time::now()),
                id.into(),
                from.as_str().into(),
            ],
        )
        .await?;
    Ok(changed == 1)
}

impl Store {
    /// Records a top-up; false when one with its id exists (a retry).
    pub async fn insert_top_up(&self, t: &TopUp) -> Result<bool> {
        let params = vec![
            t.id.into(),
            t.partner_id.into(),
            t.client_id.into(),
            t.provider.clone().into(),
            t.amount.clone().into(),
            t.status.as_str().into(),
            t.payment_id.into(),
            t.fund_before.clone().into(),
            opt_micros(t.fund_attempted_at),
            t.note.clone().into(),
            micros(t.created_at),
            micros(t.updated_at),
        ];
        let rows = self
            .write_statement(
                "INSERT INTO card_program_top_ups (id, partner_id, client_id, provider, amount,
                   status, payment_id, fund_before, fund_attempted_at, note, created_at, updated_at)
                 VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12) ON CONFLICT DO NOTHING
                 RETURNING id",
                params,
            )
            .await?;
        Ok(!rows.is_empty())
    }

    pub async fn get_top_up(&self, id: Uuid) -> Result<Option<TopUp>> {
        let sql = "SELECT id, partner_id, client_id, provider, amount, status, payment_id, \
             fund_before, fund_attempted_at, note, created_at, updated_at \
             FROM card_program_top_ups WHERE id = $1";
        self.query(sql, vec![id.into()])
            .await?
            .first()
            .map(top_up)
            .transpose()
    }

    /// One slice of a client's top-ups, newest first (`created_at DESC, id DESC`).
    pub async fn list_top_ups(&self, client_id: Uuid, slice: Slice) -> Result<Listed<TopUp>> {
        let listing = Listing {
            table: "card_program_top_ups",
            columns: "id, partner_id, client_id, provider, amount, status, payment_id, \
                      fund_before, fund_attempted_at, note, created_at, updated_at",
            tenant: "client_id = $1",
            tenant_params: vec![client_id.into()],
            filter: "",
            filter_params: vec![],
            sort: "created_at",
        };
        self.list_slice(listing, slice, top_up).await
    }

    /// Top-ups still SENDING or FUNDING, oldest first.
    pub async fn open_top_ups(&self, limit: i64) -> Result<Vec<TopUp>> {
        let sql = "SELECT id, partner_id, client_id, provider, amount, status, payment_id, \
             fund_before, fund_attempted_at, note, created_at, updated_at \
             FROM card_program_top_ups WHERE status IN ('SENDING', 'FUNDING') \
             ORDER BY created_at LIMIT $1";
        let rows = self.query(sql, vec![limit.into()]).await?;
        rows.iter().map(top_up).collect()
    }

    /// Claims the program credit of a FUNDING top-up never ordered before, noting the master's
    /// balance read just before: true for exactly one caller across instances.
    pub async fn claim_top_up_funding(&self, id: Uuid, before: &str) -> Result<bool> {
        let now = micros(flux_core::time::now());
        let rows = self
            .write_statement(
                "UPDATE card_program_top_ups SET fund_before = $1, fund_attempted_at = $2, updated_at = $2
                 WHERE id = $3 AND status = 'FUNDING' AND fund_attempted_at IS NULL RETURNING id",
                vec![before.to_string().into(), now, id.into()],
            )
            .await?;
        Ok(!rows.is_empty())
    }

    /// Forgets a program credit NeCIPCo refused outright (nothing happened), so a later round
    /// may order it again.
    pub async fn release_top_up_funding(&self, id: Uuid, note: &str) -> Result<()> {
        self.write_statement(
            "UPDATE card_program_top_ups SET fund_before = NULL, fund_attempted_at = NULL, note = $1
             WHERE id = $2 AND status = 'FUNDING'",
            vec![note.to_string().into(), id.into()],
        )
        .await
        .map(|_| ())
    }

    /// Sets an operator's note on an open top-up (why it waits).
    pub async fn note_top_up(&self, id: Uuid, note: &str) -> Result<()> {
        self.write_statement(
            "UPDATE card_program_top_ups SET note = $1 WHERE id = $2",
            vec![note.to_string().into(), id.into()],
        )
        .await
        .map(|_| ())
    }
}
