//! Re-sealing every secret at rest: under a new key (`flux secrets rotate`), or, for values an
//! older schema kept in clear, under the current one (at every start, so that an upgraded
//! database stops holding them). One write transaction does all of it, so a crash leaves
//! every value under the old key or every value under the new one, never a mix.
//!
//! What is sealed, and the context each value is bound to:
//! - `client_providers.provider_secret`: the client's id;
//! - `webhooks.token`: `webhook-token:{id}` (see [`crate::webhooks`]);
//! - `webhook_secrets.secret`: `webhook:{webhook_id}:{secret_id}`;
//! - `settings.value` of a secret setting: `setting:{key}`. Only sealed settings are re-sealed:
//!   a clear setting cannot be told from a non-secret one.

use crate::sealing::{is_sealed, Sealer};
use crate::sql::{tx_fn, Tx};
use crate::*;

/// How many values of each kind were re-sealed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Resealed {
    pub client_secrets: u64,
    pub webhook_tokens: u64,
    pub webhook_secrets: u64,
    pub settings: u64,
}

impl Resealed {
    pub fn total(&self) -> u64 {
        self.client_secrets + self.webhook_tokens + self.webhook_secrets + self.settings
    }
}

/// Which values to re-seal.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Scope {
    /// Every value, sealed or clear: a rotation.
    All,
    /// Only values kept in clear: an upgrade.
    ClearOnly,
}

impl Store {
    /// Re-seals every secret under `new_key`, recording `audit` in the same transaction.
    /// Values are opened with this store's key (or a clear legacy value as it is). Afterwards
    /// the store must be reopened with `new_key` to read them.
    pub async fn reseal_secrets(&self, new_key: &[u8; 32], audit: NewAudit) -> Result<Resealed> {
        let from = self
            .sealer
            .clone()
            .ok_or_else(|| StoreError::Unavailable("the store has no secrets key".into()))?;
        let to = Arc::new(Sealer::new(new_key));
        self.write(tx_fn(move |tx| {
            Box::pin(async move {
                let done = reseal(tx, &from, &to, Scope::All).await?;
                let mut audit = audit;
                // What moved, never a value.
                audit.response_body = Some(serde_json::json!({ "resealed": done }).to_string());
                crate::audit::append_audit_in(tx, vec![audit]).await?;
                Ok(done)
            })
        }))
        .await
    }

    /// Seals the secrets an older schema or a keyless store kept in clear, under this store's
    /// key. Running it again finds nothing to do.
    pub async fn seal_clear_secrets(&self) -> Result<Resealed> {
        let Some(sealer) = self.sealer.clone() else {
            return Ok(Resealed::default());
        };
        self.write(tx_fn(move |tx| {
            Box::pin(async move { reseal(tx, &sealer, &sealer, Scope::ClearOnly).await })
        }))
        .await
    }
}

/// Every update is guarded by the value it read: on PostgreSQL another instance may change a
/// secret between the read and the write (a partner's new webhook token), and the newer value
/// must not be overwritten with the older one. Sealing at start may simply skip such a row
/// (the other writer sealed it); a rotation may not leave one under the old key, so it fails
/// and rolls back, to be run again.
fn changed(scope: Scope, rows: u64) -> Result<u64> {
    if rows == 0 && scope == Scope::All {
        return Err(StoreError::Conflict(
            "a secret changed while it was being re-sealed; nothing changed, run the rotation again"
                .into(),
        ));
    }
    Ok(rows)
}

async fn reseal(tx: &mut dyn Tx, from: &Sealer, to: &Sealer, scope: Scope) -> Result<Resealed> {
    let wanted = |stored: &str| scope == Scope::All || !is_sealed(stored);
    let mut done = Resealed::default();

    let rows = tx
        .query(
            "SELECT client_id, provider, provider_secret FROM client_providers WHERE provider_secret IS NOT NULL",
            &[],
        )
        .await?;
    for row in rows {
        let (client_id, provider, stored) = (row.uuid(0)?, row.text(1)?, row.text(2)?);
        if !wanted(&stored) {
            continue;
        }
        let context = client_id.to_string();
        let value = to.seal(&from.open(&stored, &context)?, &context)?;
        done.client_secrets += changed(
            scope,
            tx.exec(
                "UPDATE client_providers SET provider_secret = $3 WHERE client_id = $1 AND provider = $2 AND provider_secret = $4",
                &[client_id.into(), provider.into(), value.into(), stored.into()],
            )
            .await?,
        )?;
    }

    // A token's column always carries a prefix: `plain:` is clear, `v1:` sealed.
    let rows = tx.query("SELECT id, token FROM webhooks", &[]).await?;
    for row in rows {
        let (id, stored) = (row.uuid(0)?, row.text(1)?);
        if scope == Scope::ClearOnly && !stored.starts_with("plain:") {
            continue;
        }
        let token = crate::webhooks::open_token(Some(from), id, &stored)?;
        let value = crate::webhooks::seal_token(Some(to), id, token.expose())?;
        done.webhook_tokens += changed(
            scope,
            tx.exec(
                "UPDATE webhooks SET token = $2 WHERE id = $1 AND token = $3",
                &[id.into(), value.into(), stored.into()],
            )
            .await?,
        )?;
    }

    let rows = tx
        .query(
            "SELECT webhook_id, secret_id, secret FROM webhook_secrets",
            &[],
        )
        .await?;
    for row in rows {
        let (webhook_id, secret_id, stored) = (row.uuid(0)?, row.text(1)?, row.text(2)?);
        if !wanted(&stored) {
            continue;
        }
        let context = format!("webhook:{webhook_id}:{secret_id}");
        let value = to.seal(&from.open(&stored, &context)?, &context)?;
        done.webhook_secrets += changed(
            scope,
            tx.exec(
                "UPDATE webhook_secrets SET secret = $3 WHERE webhook_id = $1 AND secret_id = $2 AND secret = $4",
                &[webhook_id.into(), secret_id.into(), value.into(), stored.into()],
            )
            .await?,
        )?;
    }

    if scope == Scope::All {
        let rows = tx
            .query(
                "SELECT key, value FROM settings WHERE value LIKE 'v1:%'",
                &[],
            )
            .await?;
        for row in rows {
            let (key, stored) = (row.text(0)?, row.text(1)?);
            let context = format!("setting:{key}");
            let value = to.seal(&from.open(&stored, &context)?, &context)?;
            done.settings += changed(
                scope,
                tx.exec(
                    "UPDATE settings SET value = $2 WHERE key = $1 AND value = $3",
                    &[key.into(), value.into(), stored.into()],
                )
                .await?,
            )?;
        }
    }
    Ok(done)
}
