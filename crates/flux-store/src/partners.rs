//! Partners, their API keys, their provider clients and which client owns which CLABE;
//! plus the small settings table (generated secrets that must survive restarts).

use crate::sql::{tx_fn, Row, Tx};
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

/// A client row with each of its provider links (none: one row of NULLs), grouped by client.
macro_rules! clients_with_links {
    ($where:literal) => {
        concat!(
            "SELECT c.client_id, c.partner_id, c.created_at, l.provider, l.provider_client_id, ",
            "l.provider_secret FROM clients c LEFT JOIN client_providers l ON l.client_id = c.client_id",
            $where,
            " ORDER BY c.created_at, c.client_id, l.created_at, l.provider"
        )
    };
}

async fn insert_link(
    tx: &mut dyn Tx,
    client_id: Uuid,
    link: &ProviderLink,
    sealed: Option<String>,
    at: DateTime<Utc>,
) -> Result<()> {
    tx.exec(
        "INSERT INTO client_providers (client_id, provider, provider_client_id, provider_secret, created_at)
         VALUES ($1, $2, $3, $4, $5)",
        &[
            client_id.into(),
            link.provider.clone().into(),
            link.provider_client_id.clone().into(),
            sealed.into(),
            micros(at),
        ],
    )
    .await
    .map(|_| ())
}

impl Store {
    /// Clients from rows of `clients_with_links!`.
    fn clients(&self, rows: &[Row]) -> Result<Vec<ClientRecord>> {
        let mut clients: Vec<ClientRecord> = Vec::new();
        for row in rows {
            let client_id = row.uuid(0)?;
            if clients.last().map(|c| c.client_id) != Some(client_id) {
                clients.push(ClientRecord {
                    client_id,
                    partner_id: row.uuid(1)?,
                    created_at: instant(row, 2)?,
                    links: Vec::new(),
                });
            }
            let Some(provider) = row.opt_text(3)? else {
                continue;
            };
            let secret = match (row.opt_text(5)?, &self.sealer) {
                (Some(stored), Some(sealer)) => Some(sealer.open(&stored, &client_id.to_string())?),
                (stored, None) => stored,
                (None, _) => None,
            };
            if let Some(c) = clients.last_mut() {
                c.links.push(ProviderLink {
                    provider,
                    provider_client_id: row.text(4)?,
                    secret: secret.map(Secret::new),
                });
            }
        }
        Ok(clients)
    }

    fn seal_link(&self, client_id: Uuid, link: &ProviderLink) -> Result<Option<String>> {
        Ok(match (&link.secret, &self.sealer) {
            (Some(s), Some(sealer)) => Some(sealer.seal(s.expose(), &client_id.to_string())?),
            (Some(s), None) => Some(s.expose().clone()),
            (None, _) => None,
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
        let params = vec![
            k.id.into(),
            k.partner_id.into(),
            k.prefix.clone().into(),
            k.hash.clone().into(),
            micros(k.created_at),
            opt_micros(k.revoked_at),
        ];
        self.write(tx_fn(move |tx| {
            Box::pin(async move {
                tx.exec(
                    "INSERT INTO api_keys (id, partner_id, prefix, hash, created_at, revoked_at) VALUES ($1, $2, $3, $4, $5, $6)",
                    &params,
                )
                .await?;
                cache_generations::bump_auth(tx).await
            })
        }))
        .await?;
        self.auth_written();
        Ok(())
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
    /// Every serving process refuses them within a second (see [`cache_generations`]).
    pub async fn revoke_api_keys(&self, prefix: &str, at: DateTime<Utc>) -> Result<u64> {
        let params = vec![prefix.into(), micros(at)];
        let done = self.write(tx_fn(move |tx| {
            Box::pin(async move {
                let revoked = tx
                    .exec(
                        "UPDATE api_keys SET revoked_at = $2 WHERE prefix = $1 AND revoked_at IS NULL",
                        &params,
                    )
                    .await?;
                if revoked > 0 {
                    cache_generations::bump_auth(tx).await?;
                }
                Ok(revoked)
            })
        }))
        .await?;
        self.auth_written();
        Ok(done)
    }

    /// Attaches a client, with its provider links, to a partner. A client belongs to exactly
    /// one partner: a second partner's attempt is a conflict.
    pub async fn add_client(&self, c: &ClientRecord) -> Result<()> {
        let mut links = Vec::with_capacity(c.links.len());
        for link in &c.links {
            links.push((link.clone(), self.seal_link(c.client_id, link)?));
        }
        let c = c.clone();
        self.write(tx_fn(move |tx| {
            Box::pin(async move {
                // `provider` is the first link's, for tools that read the old column.
                let first = c.links.first().map(|l| l.provider.clone()).unwrap_or_default();
                tx.exec(
                    "INSERT INTO clients (client_id, partner_id, provider, created_at) VALUES ($1, $2, $3, $4)",
                    &[c.client_id.into(), c.partner_id.into(), first.into(), micros(c.created_at)],
                )
                .await?;
                for (link, sealed) in links {
                    insert_link(tx, c.client_id, &link, sealed, c.created_at).await?;
                }
                cache_generations::bump_auth(tx).await
            })
        }))
        .await?;
        self.auth_written();
        Ok(())
    }

    /// Links a client to one more provider, or replaces its link to that provider.
    pub async fn link_client(&self, client_id: Uuid, link: &ProviderLink) -> Result<()> {
        let sealed = self.seal_link(client_id, link)?;
        let link = link.clone();
        self.write(tx_fn(move |tx| {
            Box::pin(async move {
                tx.exec(
                    "DELETE FROM client_providers WHERE client_id = $1 AND provider = $2",
                    &[client_id.into(), link.provider.clone().into()],
                )
                .await?;
                insert_link(tx, client_id, &link, sealed, flux_core::time::now()).await?;
                cache_generations::bump_auth(tx).await
            })
        }))
        .await?;
        self.auth_written();
        Ok(())
    }

    pub async fn get_client(&self, client_id: Uuid) -> Result<Option<ClientRecord>> {
        let sql = clients_with_links!(" WHERE c.client_id = $1");
        let rows = self.query(sql, vec![client_id.into()]).await?;
        Ok(self.clients(&rows)?.into_iter().next())
    }

    pub async fn list_clients(&self) -> Result<Vec<ClientRecord>> {
        let rows = self.query(clients_with_links!(""), vec![]).await?;
        self.clients(&rows)
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
