//! Bringing NeCIPCo up in a Flux process: the connector to the configured NeCIPCo, or in
//! sandbox the emulator (its state under `<data_dir>/necipco-emulator`, with Flux's program
//! seeded, its password generated once and kept sealed), then Flux's public key registered.
//!
//! Flux's RSA key pair (NeCIPCo ciphers the card data it answers with its public half) is
//! generated once and kept sealed in the store's secret settings (`necipco_flux_key`), like
//! Félix's callback secret: a restart keeps the key NeCIPCo knows. `[necipco]` may name one
//! instead (`private_key_pem`). The `flux` binary maps `[necipco]` onto [`Settings`].

use super::{Connection, NecipcoProvider};
use crate::crypto::{self, KeyPair, Padding};
use crate::emulator::{self, EmulatorConfig, EmulatorHandle, SeedClient};
use crate::{Credentials, NecipcoClient, NecipcoError};
use anyhow::Context;
use flux_core::Secret;
use flux_store::Store;
use rand::RngCore;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// Where NeCIPCo is and how to talk to it.
pub struct Settings {
    /// NeCIPCo's base URL with its version (`https://host/v1`); empty in sandbox.
    pub url: String,
    /// Flux's program api key and password (ignored in sandbox).
    pub api_key: String,
    pub password: String,
    pub timeout: Duration,
    pub padding: Padding,
    /// Flux's private key (PKCS#8 or PKCS#1 PEM); empty: generated once and kept sealed.
    pub private_key_pem: String,
    /// Set in sandbox: where the emulator keeps its state.
    pub sandbox_dir: Option<PathBuf>,
    /// Where end users' browsers reach Flux (reveal links).
    pub public_url: String,
    /// The CLABE of Flux's program funding account at NeCIPCo (treasury top-ups); empty: none
    /// (in sandbox, [`sandbox_funding_clabe`]).
    pub funding_clabe: String,
}

/// The sandbox program's funding CLABE: a valid CLABE no emulator holds, so the Fincore
/// emulator pays it "elsewhere", as a real SPEI to NeCIPCo's bank would leave Fincore.
pub fn sandbox_funding_clabe() -> String {
    flux_core::clabe::build("646", "180", 99_000_000_001)
}

/// Flux's program at the sandbox emulator.
const SANDBOX_API_KEY: &str = "flux-sandbox";

fn random_secret() -> String {
    let mut b = [0u8; 24];
    rand::rngs::OsRng.fill_bytes(&mut b);
    hex::encode(b)
}

/// Flux's key pair: the configured one, or the one kept sealed (generated on first start).
async fn flux_keys(settings: &Settings, store: &Store) -> anyhow::Result<Arc<KeyPair>> {
    if !settings.private_key_pem.is_empty() {
        return Ok(Arc::new(
            KeyPair::from_pem(&settings.private_key_pem).context("necipco.private_key_pem")?,
        ));
    }
    // A fresh pair is offered each start and kept only the first time (key generation takes
    // a few tens of milliseconds; the store has no "read a sealed setting" without writing).
    let fresh = KeyPair::generate()?;
    let encoded = crypto::encode_body(&fresh.to_pkcs8_der()?);
    // Two instances starting together: the first one's key wins, both use it.
    let kept = store
        .put_secret_setting_if_absent("necipco_flux_key", &encoded)
        .await?;
    Ok(Arc::new(KeyPair::from_pkcs8_der(&crypto::decode(&kept)?)?))
}

/// Starts the emulator (sandbox), builds Flux's program connector and registers Flux's key.
pub async fn start(settings: Settings, store: &Store) -> anyhow::Result<Arc<NecipcoProvider>> {
    let keys = flux_keys(&settings, store).await?;
    let (emulator, url, credentials) = match &settings.sandbox_dir {
        Some(dir) => {
            let (emu, credentials) = start_emulator(dir, store).await?;
            let url = emu.base_url();
            // Admin commands (`flux reconcile`) reach this emulator while `flux serve` runs.
            store.put_setting(SANDBOX_URL_SETTING, &url).await?;
            (Some(emu), url, credentials)
        }
        None => (
            None,
            settings.url.clone(),
            Credentials {
                api_key: settings.api_key.clone(),
                password: Secret::new(settings.password.clone()),
            },
        ),
    };
    let master = NecipcoClient::new(
        &url,
        credentials,
        keys.clone(),
        settings.padding,
        settings.timeout,
    )?;
    let master = Arc::new(master);
    register_key(&master).await?;
    let connection = Connection {
        url,
        padding: settings.padding,
        timeout: settings.timeout,
    };
    let funding_clabe = funding_clabe(&settings)?;
    Ok(Arc::new(NecipcoProvider::new(
        master,
        keys,
        connection,
        emulator,
        settings.public_url.clone(),
        funding_clabe,
    )))
}

/// Registers Flux's public key for its program. A refusal (wrong credentials, a key NeCIPCo
/// will not take) stops start-up: it is configuration to fix. NeCIPCo slow or down does not:
/// an instance restarted during a NeCIPCo outage must still serve everything else, so the
/// registration goes on in the background until NeCIPCo answers (card calls whose answers
/// NeCIPCo ciphers for the key fail until then; the key is Flux's own, kept in the store, so
/// after a restart NeCIPCo usually holds it already).
async fn register_key(master: &Arc<NecipcoClient>) -> anyhow::Result<()> {
    match master.register_public_key().await {
        Ok(_) => Ok(()),
        Err(e @ (NecipcoError::Timeout(_) | NecipcoError::Unavailable(_))) => {
            tracing::warn!(error = %e, "registering Flux's public key at NeCIPCo: no answer; retrying in the background");
            let master = master.clone();
            tokio::spawn(async move {
                let mut wait = Duration::from_secs(1);
                loop {
                    tokio::time::sleep(wait).await;
                    match master.register_public_key().await {
                        Ok(_) => {
                            tracing::info!("Flux's public key registered at NeCIPCo");
                            return;
                        }
                        Err(e) => {
                            tracing::warn!(error = %e, "registering Flux's public key at NeCIPCo failed; retrying")
                        }
                    }
                    wait = (wait * 2).min(Duration::from_secs(30));
                }
            });
            Ok(())
        }
        Err(e) => Err(e).context("registering Flux's public key at NeCIPCo"),
    }
}

/// Where the sandbox emulator's URL is kept for admin commands.
const SANDBOX_URL_SETTING: &str = "sandbox_necipco_url";

fn funding_clabe(settings: &Settings) -> anyhow::Result<Option<String>> {
    Ok(
        match (&settings.sandbox_dir, settings.funding_clabe.as_str()) {
            (Some(_), "") => Some(sandbox_funding_clabe()),
            (_, "") => None,
            (_, clabe) => {
                flux_core::clabe::validate(clabe)
                    .map_err(|e| anyhow::anyhow!("necipco.funding_clabe: {e:?}"))?;
                Some(clabe.to_string())
            }
        },
    )
}

/// NeCIPCo for an admin command (`flux reconcile`): the configured NeCIPCo, or in sandbox the
/// emulator of the `flux serve` running on this data directory (None when none has run).
pub async fn for_admin(
    settings: &Settings,
    store: &Store,
) -> anyhow::Result<Option<Arc<NecipcoProvider>>> {
    let (url, credentials) = if settings.sandbox_dir.is_some() {
        let Some(url) = store.get_setting(SANDBOX_URL_SETTING).await? else {
            return Ok(None);
        };
        let password = store
            .put_secret_setting_if_absent("sandbox_necipco_password", "")
            .await?;
        let credentials = Credentials {
            api_key: SANDBOX_API_KEY.into(),
            password: Secret::new(password),
        };
        (url, credentials)
    } else {
        let credentials = Credentials {
            api_key: settings.api_key.clone(),
            password: Secret::new(settings.password.clone()),
        };
        (settings.url.clone(), credentials)
    };
    let keys = flux_keys(settings, store).await?;
    let master = NecipcoClient::new(
        &url,
        credentials,
        keys.clone(),
        settings.padding,
        settings.timeout,
    )?;
    let connection = Connection {
        url,
        padding: settings.padding,
        timeout: settings.timeout,
    };
    Ok(Some(Arc::new(NecipcoProvider::new(
        Arc::new(master),
        keys,
        connection,
        None,
        String::new(),
        funding_clabe(settings)?,
    ))))
}

/// The sandbox emulator with Flux's program.
async fn start_emulator(
    dir: &std::path::Path,
    store: &Store,
) -> anyhow::Result<(EmulatorHandle, Credentials)> {
    let password = store
        .put_secret_setting_if_absent("sandbox_necipco_password", &random_secret()[..24])
        .await?;
    let seed = SeedClient {
        api_key: SANDBOX_API_KEY.into(),
        password: Secret::new(password.clone()),
        name: "Flux sandbox".into(),
        alias: "FLUX".into(),
        email: "sandbox@flux.example".into(),
        rfc: "XAXX010101000".into(),
        // The program's funds its subclients' cards draw on in sandbox.
        available: rust_decimal::Decimal::new(100_000_000, 2),
        stock_cards: 0,
    };
    private_dir(dir)?;
    let config = EmulatorConfig {
        data_dir: Some(dir.to_path_buf()),
        ..Default::default()
    };
    let emu = emulator::start("127.0.0.1:0".parse()?, config, std::slice::from_ref(&seed))
        .await
        .context("starting the NeCIPCo emulator")?;
    Ok((
        emu,
        Credentials {
            api_key: seed.api_key,
            password: Secret::new(password),
        },
    ))
}

/// The emulator's directory is private like the rest of the data directory: being the
/// provider, it holds card numbers and PINs.
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

#[cfg(test)]
mod tests {
    /// `scripts/cluster` and bench scripts configure this CLABE by value.
    #[test]
    fn the_sandbox_funding_clabe_is_valid_and_stable() {
        let clabe = super::sandbox_funding_clabe();
        assert_eq!(clabe, "646180990000000012");
        assert!(flux_core::clabe::validate(&clabe).is_ok());
    }
}
