//! Bringing Félix up in a Flux process: the connector to the configured Félix, or in sandbox
//! the emulator (its state under `<data_dir>/felix-emulator`, with a seeded provider account
//! whose password Flux generates and keeps sealed), then Flux's callback registered with the
//! secret header Félix must send back. The `flux` binary maps `[felix]` onto [`Settings`].

use super::{FelixProvider, SECRET_HEADER};
use crate::emulator::{self, EmulatorConfig, EmulatorHandle, SeedProvider};
use crate::wire::RegisterCallbackRequest;
use crate::{CallContext, Credentials, FelixClient};
use anyhow::Context;
use flux_core::Secret;
use flux_store::Store;
use rand::RngCore;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// Where Félix is and how to talk to it.
pub struct Settings {
    /// Félix's base URL; empty in sandbox (the emulator's is used).
    pub url: String,
    pub email: String,
    pub password: String,
    pub timeout: Duration,
    /// The secret Félix must send in [`SECRET_HEADER`]; empty: generated once and kept.
    pub callback_secret: String,
    /// A remittance not heard from for this long is polled.
    pub poll_after: Duration,
    /// Where Félix reaches Flux (`…/api/webhooks/felix` is appended); empty: not registered.
    pub public_url: String,
    /// Set in sandbox: where the emulator keeps its state.
    pub sandbox_dir: Option<PathBuf>,
}

/// The provider account Flux keeps at its sandbox emulator.
const SANDBOX_EMAIL: &str = "flux-sandbox@felix.test";

fn random_secret() -> String {
    let mut b = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut b);
    hex::encode(b)
}

/// Starts the emulator (sandbox), builds the connector and registers Flux's callback.
pub async fn start(settings: Settings, store: &Store) -> anyhow::Result<Arc<FelixProvider>> {
    flux_store::settlement::announce_with(super::model::NOTIFY);
    let secret = match settings.callback_secret.as_str() {
        "" => {
            store
                .put_secret_setting_if_absent("felix_callback_secret", &random_secret())
                .await?
        }
        given => given.to_string(),
    };
    let (emulator, url, credentials) = match &settings.sandbox_dir {
        Some(dir) => {
            let (emu, credentials) = start_emulator(dir, store).await?;
            let url = emu.base_url();
            (Some(emu), url, credentials)
        }
        None => (
            None,
            settings.url.clone(),
            Credentials {
                email: settings.email.clone(),
                password: Secret::new(settings.password.clone()),
            },
        ),
    };
    let client = Arc::new(FelixClient::new(&url, credentials, settings.timeout)?);
    if !settings.public_url.is_empty() {
        if let Err(e) = register_callback(&client, &settings.public_url, &secret).await {
            // Félix failing must not keep an instance from starting: in a cluster the others
            // registered the same URL and secret already, and a remittance not heard from is
            // polled. Before, a restart during a Félix outage left the cluster an instance
            // short (found by scripts/chaos). Keep trying in the background.
            tracing::warn!(error = %format!("{e:#}"), "Félix callback not registered yet; retrying in the background");
            tokio::spawn(register_until_done(
                client.clone(),
                settings.public_url.clone(),
                secret.clone(),
            ));
        }
    }
    Ok(Arc::new(FelixProvider::new(
        client,
        emulator,
        Secret::new(secret),
        settings.poll_after,
    )))
}

/// The sandbox emulator with Flux's provider account. Remittances move only when asked
/// (`POST /api/sandbox/remittances/{id}/advance`), so a sandbox user chooses each outcome.
async fn start_emulator(
    dir: &std::path::Path,
    store: &Store,
) -> anyhow::Result<(EmulatorHandle, Credentials)> {
    let password = store
        .put_secret_setting_if_absent("sandbox_felix_password", &random_secret())
        .await?;
    let seed = SeedProvider {
        email: SANDBOX_EMAIL.into(),
        password: Secret::new(password.clone()),
        name: "Flux sandbox".into(),
    };
    private_dir(dir)?;
    let config = EmulatorConfig {
        status_step: None,
        data_dir: Some(dir.to_path_buf()),
        ..Default::default()
    };
    let emu = emulator::start("127.0.0.1:0".parse()?, config, std::slice::from_ref(&seed))
        .await
        .context("starting the Félix emulator")?;
    // Where `flux resolve` finds this process's emulator.
    store
        .put_setting("sandbox_felix_url", &emu.base_url())
        .await?;
    Ok((
        emu,
        Credentials {
            email: seed.email,
            password: Secret::new(password),
        },
    ))
}

/// The emulator's directory is private like the rest of the data directory: the sandbox
/// provider's state holds Flux's callback secret, as the real Félix does.
fn private_dir(dir: &std::path::Path) -> anyhow::Result<()> {
    use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .with_context(|| format!("creating {}", dir.display()))?;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    Ok(())
}

/// Tells Félix where to send callbacks and which secret header to send with them.
async fn register_callback(
    client: &FelixClient,
    public_url: &str,
    secret: &str,
) -> anyhow::Result<()> {
    let body = RegisterCallbackRequest {
        url: format!("{}/api/webhooks/felix", public_url.trim_end_matches('/')),
        headers: Some([(SECRET_HEADER.to_string(), secret.to_string())].into()),
        extra: Default::default(),
    };
    client
        .register_callback(&body, &CallContext::default())
        .await
        .context("registering Flux's callback at Félix")
}

/// Registers the callback until Félix accepts it: after 1 s, then doubling up to a minute.
async fn register_until_done(client: Arc<FelixClient>, public_url: String, secret: String) {
    let mut delay = Duration::from_secs(1);
    loop {
        tokio::time::sleep(delay).await;
        match register_callback(&client, &public_url, &secret).await {
            Ok(()) => {
                tracing::info!("Félix callback registered");
                return;
            }
            Err(e) => {
                tracing::warn!(error = %format!("{e:#}"), "Félix callback still not registered")
            }
        }
        delay = (delay * 2).min(Duration::from_secs(60));
    }
}

/// The provider an admin command (`flux resolve`) polls with: the configured Félix, or in
/// sandbox the emulator of the `flux serve` running on this data directory; None when no
/// sandbox emulator has run there yet (nothing to poll).
pub async fn for_admin(
    settings: &Settings,
    sandbox: bool,
    store: &Store,
) -> anyhow::Result<Option<Arc<FelixProvider>>> {
    let (url, credentials) = if sandbox {
        let Some(url) = store.get_setting("sandbox_felix_url").await? else {
            return Ok(None);
        };
        let password = store
            .put_secret_setting_if_absent("sandbox_felix_password", "")
            .await?;
        let credentials = Credentials {
            email: SANDBOX_EMAIL.into(),
            password: Secret::new(password),
        };
        (url, credentials)
    } else {
        let credentials = Credentials {
            email: settings.email.clone(),
            password: Secret::new(settings.password.clone()),
        };
        (settings.url.clone(), credentials)
    };
    let client = FelixClient::new(&url, credentials, settings.timeout)?;
    // An admin command serves no callback: the secret is not needed.
    Ok(Some(Arc::new(FelixProvider::new(
        Arc::new(client),
        None,
        Secret::new(String::new()),
        settings.poll_after,
    ))))
}
