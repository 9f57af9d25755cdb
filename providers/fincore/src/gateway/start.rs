//! Bringing Fincore up in a Flux process: the connector to the configured Fincore, or in
//! sandbox the emulator (seeded with every client Flux knows, its state kept under the data
//! dir) and a connector to it; and, per client, registering Flux's inbound webhook URLs.
//! The `flux` binary maps its `[fincore]` and `[sandbox]` settings (keys and environment
//! variables unchanged) onto [`Settings`] in its provider registration.

use super::FincoreProvider;
use crate::emulator::{self, EmulatorConfig, EmulatorHandle, SeedClient};
use crate::{wire, CallContext, ClientCredentials, FincoreClient};
use anyhow::Context;
use flux_core::Secret;
use flux_store::{AccountLink, ClientRecord, Store};
use rand::RngCore;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use uuid::Uuid;

/// Where Fincore is and how to talk to it.
pub struct Settings {
    /// Fincore's base URL and API key (ignored in sandbox: the emulator's are used).
    pub url: String,
    pub api_key: String,
    pub timeout: Duration,
    /// "test" or "live".
    pub environment: &'static str,
    /// The token Fincore must send with its webhooks.
    pub webhook_token: String,
    /// Set in sandbox: run the emulator.
    pub sandbox: Option<Sandbox>,
}

/// The sandbox emulator's settings.
pub struct Sandbox {
    /// What each client's account holds at the emulator when first seen.
    pub balance: rust_decimal::Decimal,
    pub status_step: Duration,
    pub state_file: PathBuf,
    pub addr: SocketAddr,
    /// The bank adapter of the seeded clients.
    pub bank_adapter_id: Uuid,
}

/// A started Fincore: the provider to register, and the emulator when in sandbox.
pub struct Started {
    pub provider: Arc<FincoreProvider>,
    pub emulator: Option<EmulatorHandle>,
}

fn random_secret() -> String {
    let mut b = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut b);
    hex::encode(b)
}

/// Starts the emulator (sandbox) and builds the connector.
pub async fn start(settings: Settings, store: &Store) -> anyhow::Result<Started> {
    let (emulator, url, key) = match &settings.sandbox {
        Some(sandbox) => {
            let (emu, key) = start_emulator(sandbox, store).await?;
            let url = emu.base_url();
            (Some(emu), url, key)
        }
        None => (None, settings.url.clone(), settings.api_key.clone()),
    };
    let client = FincoreClient::new(
        &url,
        Secret::new(key),
        settings.timeout,
        settings.environment,
    )?;
    let provider = FincoreProvider::new(Arc::new(client), Secret::new(settings.webhook_token));
    Ok(Started {
        provider: Arc::new(provider),
        emulator,
    })
}

/// The emulator, seeded with every client Flux knows (each with a funded account), whose
/// opening balance Flux's books record once; returns it and its API key.
async fn start_emulator(
    sandbox: &Sandbox,
    store: &Store,
) -> anyhow::Result<(EmulatorHandle, String)> {
    let api_key = store
        .put_secret_setting_if_absent("sandbox_fincore_api_key", &random_secret())
        .await?;
    let seeds: Vec<SeedClient> = store
        .list_clients()
        .await?
        .into_iter()
        .filter(|c| c.link(super::NAME).is_some())
        .map(|c| SeedClient {
            client_id: c.client_id,
            client_secret: c.secret_at(super::NAME).expose().clone(),
            bank_adapter_id: sandbox.bank_adapter_id,
            funded_account: Some(sandbox.balance),
        })
        .collect();
    let config = EmulatorConfig {
        api_key: api_key.clone(),
        status_step: sandbox.status_step,
        // The sandbox provider's state survives restarts, as a real provider's does.
        state_file: Some(sandbox.state_file.clone()),
        ..Default::default()
    };
    let emu = emulator::start(sandbox.addr, config, &seeds).await?;
    // The emulator funds each client's account at start; Flux's books open with that
    // balance the first time they see the client (once: the reference is unique).
    for seed in &seeds {
        flux_gateway::provider::open_sandbox_balance(store, seed.client_id, sandbox.balance)
            .await?;
    }
    // Where `flux reconcile` finds this process's emulator.
    store
        .put_setting("sandbox_fincore_url", &emu.base_url())
        .await?;
    Ok((emu, api_key))
}

/// The connector an admin command uses: the URL given, else the configured one, else
/// (sandbox) the emulator of the `flux serve` running on this data directory.
/// `sandbox` says whether Flux runs in sandbox (`settings.sandbox` is not needed here).
pub async fn connector_for_admin(
    settings: &Settings,
    sandbox: bool,
    store: &Store,
    url: Option<String>,
) -> anyhow::Result<FincoreClient> {
    let (url, key) = if let Some(url) = url {
        (url, settings.api_key.clone())
    } else if sandbox {
        let url = store.get_setting("sandbox_fincore_url").await?.ok_or_else(|| {
            anyhow::anyhow!("no sandbox emulator has run on this data directory: start `flux serve` or pass --fincore-url")
        })?;
        let key = store
            .put_secret_setting_if_absent("sandbox_fincore_api_key", "")
            .await?;
        (url, key)
    } else {
        (settings.url.clone(), settings.api_key.clone())
    };
    Ok(FincoreClient::new(
        &url,
        Secret::new(key),
        settings.timeout,
        settings.environment,
    )?)
}

/// Registers Flux's inbound URLs for one client at Fincore and learns its accounts' CLABEs.
pub async fn attach_client(
    store: &Store,
    fincore: &FincoreClient,
    client: &ClientRecord,
    public_url: &str,
    token: &str,
) -> anyhow::Result<()> {
    let creds = ClientCredentials {
        client_id: client.client_id,
        client_secret: client.secret_at(crate::gateway::NAME),
    };
    let ctx = CallContext::default();
    for (kind, path) in [
        ("MONEY_IN", "money-in"),
        ("STATUS_UPDATE", "status-update"),
        ("CEP", "cep"),
    ] {
        let req = wire::RegisterWebhookRequest {
            client_id: client.client_id.to_string(),
            url: format!("{public_url}/api/webhooks/{path}"),
            token: token.to_string(),
            webhook_type: kind.into(),
            auth_type: Some("AUTH".into()),
        };
        fincore
            .register_webhook(&creds, &req, &ctx)
            .await
            .with_context(|| format!("registering the {kind} webhook"))?;
    }
    let accounts = fincore.list_accounts(&creds, &ctx).await?;
    for a in accounts.data {
        store
            .upsert_account_link(&AccountLink {
                clabe: a.clabe_number,
                client_id: client.client_id,
                provider_account_id: a.id.to_string(),
                updated_at: flux_core::time::now(),
            })
            .await?;
    }
    Ok(())
}
