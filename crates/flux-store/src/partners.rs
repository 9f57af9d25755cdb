//! Partners, their API keys, their provider clients and which client owns which CLABE;
//! plus the small settings table (generated secrets that must survive restarts).

use crate::sql::{tx_fn, Row};
use crate::*;
use flux_core::Secret;

fn partner(row: &Row) -> Result<Partner> {
    Ok(Partner {
        id: row.uuid(0)?,
        name: row.text(1)?,
        created_at: instant(row, 2)?,
    })
}

fn api_key(row: &Row) -> Result<ApiKeyRecord> {
    Ok(ApiKeyRecord {
        id: row.uuid(0)?,
        partner_id: row.uuid(1)?,
        prefix: row.text(2)?,
        hash: row.text(3)?,
        created_at: instant(row, 4)?,
        revoked_at: opt_instant(row, 5)?,
    })
}

impl Store {
    fn client(&self, row: &Row) -> Result<ClientRecord> {
        let client_id = row.uuid(0)?;
        let secret = match (row.opt_text(3)?, &self.sealer) {
            (Some(stored), Some(sealer)) => Some(sealer.open(&stored, &client_id.to_string())?),
            (stored, None) => stored,
            (None, _) => None,
        };
        Ok(ClientRecord {
            client_id,
            partner_id: row.uuid(1)?,
            provider: row.text(2)?,
            provider_secret: secret.map(Secret::new),
            created_at: instant(row, 4)?,
        })
    }

    pub async fn get_setting(&self, key: &str) -> Result<Option<String>> {
        let rows = self
            .query(
                "SELECT value FROM settings WHERE key = $1",
                vec![key.into()],
            )
            .await?;
        rows.first().map(|r| r.text(0)).transpose()
    }

    /// Stores `value`, replacing any earlier one.
    pub async fn put_setting(&self, key: &str, value: &str) -> Result<()> {
        self.exec(
            "INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            vec![key.into(), value.into()],
        )
        .await
        .map(|_| ())
    }

    /// Stores `value` unless the key already has one; returns the value that is now stored.
    /// Two instances racing on first start therefore agree on one value.
    pub async fn put_setting_if_absent(&self, key: &str, value: &str) -> Result<String> {
        self.exec(
            "INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING",
            vec![key.into(), value.into()],
        )
        .await?;
        self.get_setting(key).await?.ok_or(StoreError::NotFound)
    }

    /// Like [`Store::put_setting_if_absent`], for a secret: sealed at rest when the store has a
    /// secrets key, bound to the setting's name.
    pub async fn put_secret_setting_if_absent(&self, key: &str, value: &str) -> Result<String> {
        let Some(sealer) = &self.sealer else {
            return self.put_setting_if_absent(key, value).await;
        };
        let context = format!("setting:{key}");
        let stored = self
            .put_setting_if_absent(key, &sealer.seal(value, &context)?)
            .await?;
        sealer.open(&stored, &context)
    }

    pub async fn create_partner(&self, p: &Partner) -> Result<()> {
        self.exec(
            "INSERT INTO partners (id, name, created_at) VALUES ($1, $2, $3)",
            vec![p.id.into(), p.name.clone().into(), micros(p.created_at)],
        )
        .await
        .map(|_| ())
    }

    pub async fn get_partner(&self, id: Uuid) -> Result<Option<Partner>> {
        let rows = self
            .query(
                "SELECT id, name, created_at FROM partners WHERE id = $1",
                vec![id.into()],
            )
            .await?;
        rows.first().map(partner).transpose()
    }

    pub async fn list_partners(&self) -> Result<Vec<Partner>> {
        let rows = self
            .query(
                "SELECT id, name, created_at FROM partners ORDER BY created_at",
                vec![],
            )
            .await?;
        rows.iter().map(partner).collect()
    }

    pub async fn insert_api_key(&self, k: &ApiKeyRecord) -> Result<()> {
        self.exec(
            "INSERT INTO api_keys (id, partner_id, prefix, hash, created_at, revoked_at) VALUES ($1, $2, $3, $4, $5, $6)",
            vec![
                k.id.into(),
                k.partner_id.into(),
                k.prefix.clone().into(),
                k.hash.clone().into(),
                micros(k.created_at),
                opt_micros(k.revoked_at),
            ],
        )
        .await
        .map(|_| ())
    }

    pub async fn find_api_key(&self, hash: &str) -> Result<Option<ApiKeyRecord>> {
        let rows = self
            .query(
                "SELECT id, partner_id, prefix, hash, created_at, revoked_at FROM api_keys WHERE hash = $1",
                vec![hash.into()],
            )
            .await?;
        rows.first().map(api_key).transpose()
    }

    pub async fn list_api_keys(&self, partner_id: Uuid) -> Result<Vec<ApiKeyRecord>> {
        let rows = self
            .query(
                "SELECT id, partner_id, prefix, hash, created_at, revoked_at FROM api_keys WHERE partner_id = $1 ORDER BY created_at",
                vec![partner_id.into()],
            )
            .await?;
        rows.iter().map(api_key).collect()
    }

    /// Revokes every live key with this display prefix; returns how many.
    pub async fn revoke_api_keys(&self, prefix: &str, at: DateTime<Utc>) -> Result<u64> {
        self.exec(
            "UPDATE api_keys SET revoked_at = $2 WHERE prefix = $1 AND revoked_at IS NULL",
            vec![prefix.into(), micros(at)],
        )
        .await
    }

    /// Attaches a provider client to a partner. A client belongs to exactly one partner.
    pub async fn add_client(&self, c: &ClientRecord) -> Result<()> {
        let secret = match (&c.provider_secret, &self.sealer) {
            (Some(s), Some(sealer)) => Some(sealer.seal(s.expose(), &c.client_id.to_string())?),
            (Some(s), None) => Some(s.expose().clone()),
            (None, _) => None,
        };
        self.exec(
            "INSERT INTO clients (client_id, partner_id, provider, provider_secret, created_at) VALUES ($1, $2, $3, $4, $5)",
            vec![
                c.client_id.into(),
                c.partner_id.into(),
                c.provider.clone().into(),
                secret.into(),
                micros(c.created_at),
            ],
        )
        .await
        .map(|_| ())
    }

    pub async fn get_client(&self, client_id: Uuid) -> Result<Option<ClientRecord>> {
        let rows = self
            .query(
                "SELECT client_id, partner_id, provider, provider_secret, created_at FROM clients WHERE client_id = $1",
                vec![client_id.into()],
            )
            .await?;
        rows.first().map(|r| self.client(r)).transpose()
    }

    pub async fn list_clients(&self) -> Result<Vec<ClientRecord>> {
        let rows = self
            .query(
                "SELECT client_id, partner_id, provider, provider_secret, created_at FROM clients ORDER BY created_at",
                vec![],
            )
            .await?;
        rows.iter().map(|r| self.client(r)).collect()
    }

    pub async fn upsert_account_link(&self, link: &AccountLink) -> Result<()> {
        let link = link.clone();
        self.write(tx_fn(move |tx| {
            Box::pin(async move {
                tx.exec(
                    "INSERT INTO accounts (clabe, client_id, provider_account_id, updated_at) VALUES ($1, $2, $3, $4)
                     ON CONFLICT (clabe) DO UPDATE SET client_id = excluded.client_id,
                       provider_account_id = excluded.provider_account_id, updated_at = excluded.updated_at",
                    &[
                        link.clabe.clone().into(),
                        link.client_id.into(),
                        link.provider_account_id.clone().into(),
                        micros(link.updated_at),
                    ],
                )
                .await
                .map(|_| ())
            })
        }))
        .await
    }

    pub async fn find_account_link(&self, clabe: &str) -> Result<Option<AccountLink>> {
        let rows = self
            .query(
                "SELECT clabe, client_id, provider_account_id, updated_at FROM accounts WHERE clabe = $1",
                vec![clabe.into()],
            )
            .await?;
        rows.first()
            .map(|r| {
                Ok(AccountLink {
                    clabe: r.text(0)?,
                    client_id: r.uuid(1)?,
                    provider_account_id: r.text(2)?,
                    updated_at: instant(r, 3)?,
                })
            })
            .transpose()
    }
}
