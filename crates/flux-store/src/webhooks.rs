//! Partner webhook subscriptions (the CRUD of the Flux Partners API). Deleting is a soft delete
//! so that past deliveries keep pointing at a row.
//!
//! The token a partner gives is a credential (their endpoint trusts whoever presents it), so
//! the `token` column keeps it sealed like provider secrets (see [`crate::sealing`]): `v1:…`
//! bound to the subscription's id. A store without a key keeps `plain:` + token. The value is
//! always prefixed, so that a clear token which itself begins with `v1:` is never taken for a
//! sealed one; migration 0007 prefixed the tokens stored before.

use crate::sealing::Sealer;
use crate::sql::{tx_fn, Row, Tx};
use crate::*;
use flux_core::Secret;

const PLAIN: &str = "plain:";

fn token_context(webhook_id: Uuid) -> String {
    format!("webhook-token:{webhook_id}")
}

/// The `token` column's value for a subscription's token.
pub(crate) fn seal_token(sealer: Option<&Sealer>, webhook_id: Uuid, token: &str) -> Result<String> {
    match sealer {
        Some(s) => s.seal(token, &token_context(webhook_id)),
        None => Ok(format!("{PLAIN}{token}")),
    }
}

/// The token a `token` column's value holds. An unprefixed value was written by a Flux from
/// before sealing (during a rolling upgrade) and is the token itself.
pub(crate) fn open_token(
    sealer: Option<&Sealer>,
    webhook_id: Uuid,
    stored: &str,
) -> Result<Secret<String>> {
    if let Some(plain) = stored.strip_prefix(PLAIN) {
        return Ok(Secret::new(plain.to_string()));
    }
    match sealer {
        Some(s) => s.open(stored, &token_context(webhook_id)).map(Secret::new),
        None if stored.starts_with("v1:") => Err(StoreError::Corrupt {
            column: 4,
            reason: "a webhook token is sealed but the store has no secrets key".into(),
        }),
        None => Ok(Secret::new(stored.to_string())),
    }
}

macro_rules! concat_where {
    ($tail:literal) => {
        concat!(
            "SELECT id, partner_id, client_id, url, token, webhook_type, webhook_status, created_at, updated_at FROM webhooks WHERE ",
            $tail
        )
    };
}

fn webhook(row: &Row, sealer: Option<&Sealer>) -> Result<WebhookRecord> {
    let id = row.uuid(0)?;
    Ok(WebhookRecord {
        id,
        partner_id: row.uuid(1)?,
        client_id: row.uuid(2)?,
        url: row.text(3)?,
        token: open_token(sealer, id, &row.text(4)?)?,
        webhook_type: row.text(5)?,
        webhook_status: row.text(6)?,
        created_at: instant(row, 7)?,
        updated_at: instant(row, 8)?,
    })
}

impl Store {
    /// Saves a new subscription and its first signing secret together.
    pub async fn create_webhook(&self, w: &WebhookRecord, signing_secret: &str) -> Result<()> {
        let w = w.clone();
        let secret = signing_secret.to_string();
        let sealer = self.sealer.clone();
        self.write(tx_fn(move |tx| {
            Box::pin(async move {
                insert_webhook(tx, sealer.as_deref(), &w).await?;
                crate::outbox::insert_secret(tx, sealer.as_deref(), w.id, &secret, w.created_at)
                    .await
            })
        }))
        .await
    }

    /// A live (not deleted) subscription of this client.
    pub async fn get_webhook(&self, client_id: Uuid, id: Uuid) -> Result<Option<WebhookRecord>> {
        let rows = self
            .query(
                concat_where!("id = $1 AND client_id = $2 AND deleted_at IS NULL"),
                vec![id.into(), client_id.into()],
            )
            .await?;
        rows.first()
            .map(|r| webhook(r, self.sealer.as_deref()))
            .transpose()
    }

    pub async fn list_webhooks(&self, client_id: Uuid) -> Result<Vec<WebhookRecord>> {
        let rows = self
            .query(
                concat_where!("client_id = $1 AND deleted_at IS NULL ORDER BY created_at, id"),
                vec![client_id.into()],
            )
            .await?;
        rows.iter()
            .map(|r| webhook(r, self.sealer.as_deref()))
            .collect()
    }

    /// Saves url, token, type and status of a live subscription.
    pub async fn update_webhook(&self, w: &WebhookRecord) -> Result<()> {
        let changed = self
            .exec(
                "UPDATE webhooks SET url = $2, token = $3, webhook_type = $4, webhook_status = $5, updated_at = $6
                 WHERE id = $1 AND deleted_at IS NULL",
                vec![
                    w.id.into(),
                    w.url.clone().into(),
                    seal_token(self.sealer.as_deref(), w.id, w.token.expose())?.into(),
                    w.webhook_type.clone().into(),
                    w.webhook_status.clone().into(),
                    micros(w.updated_at),
                ],
            )
            .await?;
        if changed == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    /// Soft-deletes a subscription; NotFound if it is not live.
    pub async fn delete_webhook(&self, client_id: Uuid, id: Uuid, at: DateTime<Utc>) -> Result<()> {
        let changed = self
            .exec(
                "UPDATE webhooks SET deleted_at = $3, webhook_status = 'INACTIVE', updated_at = $3
                 WHERE id = $1 AND client_id = $2 AND deleted_at IS NULL",
                vec![id.into(), client_id.into(), micros(at)],
            )
            .await?;
        if changed == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    /// Seals the tokens still kept in clear (stored before sealing, or by a store without a
    /// key), so that an upgraded database stops holding them. Returns how many it sealed.
    pub async fn seal_clear_webhook_tokens(&self) -> Result<u64> {
        let Some(sealer) = self.sealer.clone() else {
            return Ok(0);
        };
        self.write(tx_fn(move |tx| {
            Box::pin(async move {
                let rows = tx
                    .query(
                        "SELECT id, token FROM webhooks WHERE token LIKE 'plain:%'",
                        &[],
                    )
                    .await?;
                let mut sealed = 0;
                for row in rows {
                    let (id, stored) = (row.uuid(0)?, row.text(1)?);
                    let token = open_token(None, id, &stored)?;
                    let value = seal_token(Some(&sealer), id, token.expose())?;
                    sealed += tx
                        .exec(
                            "UPDATE webhooks SET token = $2 WHERE id = $1 AND token = $3",
                            &[id.into(), value.into(), stored.into()],
                        )
                        .await?;
                }
                Ok(sealed)
            })
        }))
        .await
    }
}

async fn insert_webhook(tx: &mut dyn Tx, sealer: Option<&Sealer>, w: &WebhookRecord) -> Result<()> {
    tx.exec(
        "INSERT INTO webhooks (id, partner_id, client_id, url, token, webhook_type, webhook_status, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        &[
            w.id.into(),
            w.partner_id.into(),
            w.client_id.into(),
            w.url.clone().into(),
            seal_token(sealer, w.id, w.token.expose())?.into(),
            w.webhook_type.clone().into(),
            w.webhook_status.clone().into(),
            micros(w.created_at),
            micros(w.updated_at),
        ],
    )
    .await
    .map(|_| ())
}
