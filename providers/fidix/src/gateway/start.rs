//! Bringing the ledger API up in a Flux process: Flux's own engine, the connector to the
//! configured Fidi X, or in sandbox the Fidi X emulator with its own books next to Flux's
//! database. The `flux` binary maps `[ledger]` and `[fidix]` onto [`Settings`].

use super::backend::LedgerBackend;
use super::FidixProvider;
use crate::emulator::{self, EmulatorConfig};
use crate::{FidixClient, Service};
use anyhow::Context;
use flux_store::Store;
use rand::RngCore;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// What serves the partner ledger API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// Fidi X (its emulator in sandbox when no URL is set).
    Fidix,
    /// Flux's own engine, called in-process with Fidi X's wire types.
    Embedded,
}

impl std::str::FromStr for Backend {
    type Err = anyhow::Error;

    fn from_str(s: &str) -> anyhow::Result<Self> {
        match s {
            "fidix" => Ok(Backend::Fidix),
            "embedded" => Ok(Backend::Embedded),
            other => {
                anyhow::bail!("ledger.backend must be \"fidix\" or \"embedded\", not {other:?}")
            }
        }
    }
}

/// Where Fidi X is and how to talk to it.
pub struct Settings {
    pub backend: Backend,
    /// Fidi X's base URL; empty: the emulator, in sandbox only.
    pub url: String,
    pub client_id: String,
    pub client_secret: String,
    pub timeout: Duration,
    /// Set in sandbox: where the emulator listens and the file its books live in.
    pub sandbox: Option<Sandbox>,
}

pub struct Sandbox {
    pub addr: SocketAddr,
    pub books: PathBuf,
}

fn random_secret() -> String {
    let mut b = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut b);
    hex::encode(b)
}

/// The backend the settings ask for, with the emulator it started (sandbox).
pub async fn start(settings: Settings, store: &Store) -> anyhow::Result<Arc<FidixProvider>> {
    if settings.backend == Backend::Embedded {
        let engine = flux_ledger::Ledger::start(store.clone());
        return Ok(Arc::new(FidixProvider {
            backend: LedgerBackend::Embedded(Service::new(engine)),
            emulator: None,
        }));
    }
    if !settings.url.is_empty() {
        let client = FidixClient::new(
            &settings.url,
            &settings.client_id,
            &settings.client_secret,
            settings.timeout,
        )?;
        return Ok(Arc::new(FidixProvider {
            backend: LedgerBackend::Fidix(Arc::new(client)),
            emulator: None,
        }));
    }
    let Some(sandbox) = settings.sandbox else {
        anyhow::bail!(
            "ledger.backend = \"fidix\" needs fidix.url outside sandbox (or set ledger.backend = \"embedded\")"
        );
    };
    let emu_store = Store::open(&sandbox.books.display().to_string())
        .await
        .context("opening the Fidi X emulator's store")?;
    emu_store.migrate().await?;
    let config = EmulatorConfig {
        client_secret: random_secret(),
        ..Default::default()
    };
    let (id, secret) = (config.client_id.clone(), config.client_secret.clone());
    let emu = emulator::start(sandbox.addr, config, emu_store).await?;
    let client = FidixClient::new(&emu.base_url(), &id, &secret, settings.timeout)?;
    Ok(Arc::new(FidixProvider {
        backend: LedgerBackend::Fidix(Arc::new(client)),
        emulator: Some(emu),
    }))
}
