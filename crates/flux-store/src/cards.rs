//! Cards and cardholders as Flux records them (card issuing, provider-neutral). A card row never
//! carries a card number, CVC or PIN: the provider's card id, the last four digits and the
//! masked number are what Flux keeps and shows. A status change is written with its partner
//! notification in one transaction, and only from the status the caller read (a concurrent
//! change makes it a no-op the caller reports), so two requests cannot both move a card.
//!
//! Polling dedupe: `card_movements_seen` holds the provider movement ids already announced; a
//! movement is announced in the transaction that inserts its row, so it is announced once.
//! Reveal tokens are kept as their SHA-256 only and are burnt by a conditional update.

use crate::keyset::Listing;
use crate::outbox::{enqueue_subject, Delta, Subject};
use crate::sql::{tx_fn, Row, Value};
use crate::*;
use serde_json::Value as Json;

/// A cardholder: an end user of a partner's client, at a card provider.
#[derive(Debug, Clone, PartialEq)]
pub struct CardholderRecord {
    pub id: Uuid,
    pub partner_id: Uuid,
    pub client_id: Uuid,
    pub provider: String,
    pub provider_id: String,
    /// The identity as given (names, RFC, CURP, contact, address); no documents or secrets.
    pub profile: Json,
    pub created_at: DateTime<Utc>,
}

/// A card, without its number: see the module docs.
#[derive(Debug, Clone, PartialEq)]
pub struct CardRecord {
    pub id: Uuid,
    pub partner_id: Uuid,
    pub client_id: Uuid,
    pub cardholder_id: Uuid,
    pub provider: String,
    pub provider_card_id: String,
    /// PHYSICAL, VIRTUAL, VIRTUAL_WITH_PHYSICAL.
    pub card_type: String,
    pub status: String,
    pub last4: String,
    pub masked: String,
    /// `MM/YY`, when the provider told it.
    pub expiry: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A reveal link's binding: the card, what it may show, and where the end user asked from.
#[derive(Debug, Clone, PartialEq)]
pub struct RevealGrant {
    pub card_id: Uuid,
    pub show: String,
    pub latitude: String,
    pub longitude: String,
}

fn grant(r: &Row) -> Result<RevealGrant> {
    Ok(RevealGrant {
        card_id: r.uuid(0)?,
        show: r.text(1)?,
        latitude: r.text(2)?,
        longitude: r.text(3)?,
    })
}

const HOLDER_COLUMNS: &str =
    "id, partner_id, client_id, provider, provider_id, profile, created_at";
const CARD_COLUMNS: &str = "id, partner_id, client_id, cardholder_id, provider, provider_card_id, \
     card_type, status, last4, masked, expiry, created_at, updated_at";

fn holder(row: &Row) -> Result<CardholderRecord> {
    Ok(CardholderRecord {
        id: row.uuid(0)?,
        partner_id: row.uuid(1)?,
        client_id: row.uuid(2)?,
        provider: row.text(3)?,
        provider_id: row.text(4)?,
        profile: serde_json::from_str(&row.text(5)?)
            .map_err(|e| StoreError::corrupt(5, &e.to_string()))?,
        created_at: instant(row, 6)?,
    })
}

fn card(row: &Row) -> Result<CardRecord> {
    Ok(CardRecord {
        id: row.uuid(0)?,
        partner_id: row.uuid(1)?,
        client_id: row.uuid(2)?,
        cardholder_id: row.uuid(3)?,
        provider: row.text(4)?,
        provider_card_id: row.text(5)?,
        card_type: row.text(6)?,
        status: row.text(7)?,
        last4: row.text(8)?,
        masked: row.text(9)?,
        expiry: row.opt_text(10)?,
        created_at: instant(row, 11)?,
        updated_at: instant(row, 12)?,
    })
}

impl Store {
    /// Records a cardholder the provider created.
    pub async fn insert_cardholder(&self, h: &CardholderRecord) -> Result<()> {
        let params: Vec<Value> = vec![
            h.id.into(),
            h.partner_id.into(),
            h.client_id.into(),
            h.provider.clone().into(),
            h.provider_id.clone().into(),
            h.profile.to_string().into(),
            micros(h.created_at),
        ];
        self.exec(
            "INSERT INTO cardholders (id, partner_id, client_id, provider, provider_id, profile, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
            params,
        )
        .await?;
        Ok(())
    }

    pub async fn get_cardholder(&self, id: Uuid) -> Result<Option<CardholderRecord>> {
        let sql = "SELECT id, partner_id, client_id, provider, provider_id, profile, created_at \
                   FROM cardholders WHERE id = $1";
        let rows = self.query(sql, vec![id.into()]).await?;
        rows.first().map(holder).transpose()
    }

    /// One slice of a client's cardholders, newest first.
    pub async fn list_cardholders(
        &self,
        client_id: Uuid,
        slice: Slice,
    ) -> Result<Listed<CardholderRecord>> {
        let listing = Listing {
            table: "cardholders",
            columns: HOLDER_COLUMNS,
            tenant: "client_id = $1",
            tenant_params: vec![client_id.into()],
            filter: "",
            filter_params: vec![],
            sort: "created_at",
        };
        self.list_slice(listing, slice, holder).await
    }

    /// Records a card the provider issued or assigned.
    pub async fn insert_card(&self, c: &CardRecord) -> Result<()> {
        let params: Vec<Value> = vec![
            c.id.into(),
            c.partner_id.into(),
            c.client_id.into(),
            c.cardholder_id.into(),
            c.provider.clone().into(),
            c.provider_card_id.clone().into(),
            c.card_type.clone().into(),
            c.status.clone().into(),
            c.last4.clone().into(),
            c.masked.clone().into(),
            c.expiry.clone().into(),
            micros(c.created_at),
            micros(c.updated_at),
        ];
        self.exec(
            "INSERT INTO cards (id, partner_id, client_id, cardholder_id, provider, provider_card_id,
               card_type, status, last4, masked, expiry, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
            params,
        )
        .await?;
        Ok(())
    }

    pub async fn get_card(&self, id: Uuid) -> Result<Option<CardRecord>> {
        let sql = "SELECT id, partner_id, client_id, cardholder_id, provider, provider_card_id, \
                   card_type, status, last4, masked, expiry, created_at, updated_at \
                   FROM cards WHERE id = $1";
        let rows = self.query(sql, vec![id.into()]).await?;
        rows.first().map(card).transpose()
    }

    /// One slice of a client's cards (one cardholder's when given), newest first.
    pub async fn list_cards(
        &self,
        client_id: Uuid,
        cardholder_id: Option<Uuid>,
        slice: Slice,
    ) -> Result<Listed<CardRecord>> {
        let listing = Listing {
            table: "cards",
            columns: CARD_COLUMNS,
            tenant: "client_id = $1",
            tenant_params: vec![client_id.into()],
            filter: " AND ($2 IS NULL OR cardholder_id = $2)",
            filter_params: vec![cardholder_id.into()],
            sort: "created_at",
        };
        self.list_slice(listing, slice, card).await
    }

    /// Every card of `provider` (what polling walks), oldest first.
    pub async fn cards_of_provider(&self, provider: &str, limit: i64) -> Result<Vec<CardRecord>> {
        let sql = "SELECT id, partner_id, client_id, cardholder_id, provider, provider_card_id, \
                   card_type, status, last4, masked, expiry, created_at, updated_at \
                   FROM cards WHERE provider = $1 ORDER BY created_at, id LIMIT $2";
        let rows = self
            .query(sql, vec![provider.to_string().into(), limit.into()])
            .await?;
        rows.iter().map(card).collect()
    }

    /// Moves a card from `from` to `to` and queues the partner's notification (`subject`, its
    /// data rendered by the caller) in one transaction. False when the card was no longer in
    /// `from` (a concurrent change won): nothing written.
    pub async fn set_card_status(
        &self,
        id: Uuid,
        from: &str,
        to: &str,
        subject: Option<Subject>,
    ) -> Result<bool> {
        let (from, to) = (from.to_string(), to.to_string());
        self.write(tx_fn(move |tx| {
            Box::pin(async move {
                let now = flux_core::time::now();
                let changed = tx
                    .exec(
                        "UPDATE cards SET status = $1, updated_at = $2 WHERE id = $3 AND status = $4",
                        &[to.clone().into(), micros(now), id.into(), from.clone().into()],
                    )
                    .await?;
                if changed == 0 {
                    return Ok(false);
                }
                if let Some(subject) = &subject {
                    let delta = Delta {
                        old_status: from,
                        new_status: to,
                        updated_at: now,
                    };
                    enqueue_subject(tx, subject, Some(delta), now).await?;
                }
                Ok(true)
            })
        }))
        .await
    }

    /// Records a provider movement as announced and queues its notification, once: false (and
    /// nothing queued) when it was recorded before.
    pub async fn record_card_movement(
        &self,
        card_id: Uuid,
        movement_id: &str,
        subject: Subject,
    ) -> Result<bool> {
        let movement_id = movement_id.to_string();
        self.write(tx_fn(move |tx| {
            Box::pin(
                async move { record_card_movement_in(tx, card_id, &movement_id, &subject).await },
            )
        }))
        .await
    }

    /// Keeps a reveal token's hash, bound to a card and to what it may show.
    pub async fn insert_reveal_token(
        &self,
        token_hash: &str,
        g: &RevealGrant,
        expires_at: DateTime<Utc>,
    ) -> Result<()> {
        self.exec(
            "INSERT INTO card_reveal_tokens (token_hash, card_id, show, latitude, longitude, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
            vec![
                token_hash.to_string().into(),
                g.card_id.into(),
                g.show.clone().into(),
                g.latitude.clone().into(),
                g.longitude.clone().into(),
                micros(expires_at),
            ],
        )
        .await?;
        Ok(())
    }

    /// Burns a reveal token: its card and what it may show, if it was unused and unexpired at
    /// `now`; None otherwise. One caller wins a race (a conditional update).
    pub async fn use_reveal_token(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<RevealGrant>> {
        let token_hash = token_hash.to_string();
        self.write(tx_fn(move |tx| {
            Box::pin(async move {
                let used = tx
                    .exec(
                        "UPDATE card_reveal_tokens SET used_at = $1
                         WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1",
                        &[micros(now), token_hash.clone().into()],
                    )
                    .await?;
                if used == 0 {
                    return Ok(None);
                }
                let rows = tx
                    .query(
                        "SELECT card_id, show, latitude, longitude FROM card_reveal_tokens WHERE token_hash = $1",
                        &[token_hash.into()],
                    )
                    .await?;
                rows.first().map(grant).transpose()
            })
        }))
        .await
    }

    /// Whether a reveal token exists, unused and unexpired (the page's first load, before the
    /// end user submits): it is burnt by [`Store::use_reveal_token`].
    pub async fn peek_reveal_token(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<RevealGrant>> {
        let rows = self
            .query(
                "SELECT card_id, show, latitude, longitude FROM card_reveal_tokens
                 WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2",
                vec![token_hash.to_string().into(), micros(now)],
            )
            .await?;
        rows.first().map(grant).transpose()
    }
}

/// [`Store::record_card_movement`] inside the caller's transaction, so that the caller can
/// book the movement with it.
pub async fn record_card_movement_in(
    tx: &mut dyn crate::sql::Tx,
    card_id: Uuid,
    movement_id: &str,
    subject: &Subject,
) -> Result<bool> {
    let now = flux_core::time::now();
    let inserted = tx
        .exec(
            "INSERT INTO card_movements_seen (card_id, movement_id, seen_at)
             VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
            &[card_id.into(), movement_id.into(), micros(now)],
        )
        .await?;
    if inserted == 0 {
        return Ok(false);
    }
    enqueue_subject(tx, subject, None, now).await?;
    Ok(true)
}
