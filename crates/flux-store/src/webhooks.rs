//! Partner webhook subscriptions (the CRUD of the Flux Partners API). Deleting is a soft delete
//! so that past deliveries keep pointing at a row.

use crate::sql::{tx_fn, Row, Tx};
use crate::*;
use flux_core::Secret;

macro_rules! concat_where {
    ($tail:literal) => {
        concat!(
            "SELECT id, partner_id, client_id, url, token, webhook_type, webhook_status, created_at, updated_at FROM webhooks WHERE ",
            $tail
        )
    };
}

fn webhook(row: &Row) -> Result<WebhookRecord> {
    Ok(WebhookRecord {
        id: row.uuid(0)?,
        partner_id: row.uuid(1)?,
        client_id: row.uuid(2)?,
        url: row.text(3)?,
        token: Secret::new(row.text(4)?),
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
                insert_webhook(tx, &w).await?;
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
        rows.first().map(webhook).transpose()
    }

    pub async fn list_webhooks(&self, client_id: Uuid) -> Result<Vec<WebhookRecord>> {
        let rows = self
            .query(
                concat_where!("client_id = $1 AND deleted_at IS NULL ORDER BY created_at, id"),
                vec![client_id.into()],
            )
            .await?;
        rows.iter().map(webhook).collect()
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
                    w.token.expose().clone().into(),
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
}

async fn insert_webhook(tx: &mut dyn Tx, w: &WebhookRecord) -> Result<()> {
    tx.exec(
        "INSERT INTO webhooks (id, partner_id, client_id, url, token, webhook_type, webhook_status, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        &[
            w.id.into(),
            w.partner_id.into(),
            w.client_id.into(),
            w.url.clone().into(),
            w.token.expose().clone().into(),
            w.webhook_type.clone().into(),
            w.webhook_status.clone().into(),
            micros(w.created_at),
            micros(w.updated_at),
        ],
    )
    .await
    .map(|_| ())
}
