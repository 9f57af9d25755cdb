//! The one place that lists Flux's providers (Fincore, Félix, Fidi X, NeCIPCo). Adding a provider is a folder under
//! `providers/` implementing `flux_gateway::Provider`, its settings mapped here, and one line
//! in [`registered`] (and in [`for_admin`]); the gateway core needs no change.
//!
//! Config keys and environment variables are unchanged: the `[fincore]` and `[sandbox]`
//! sections of [`Config`] are mapped onto the provider's own settings.

use crate::config::Config;
use anyhow::Context;
use flux_gateway::{Provider, Providers};
use flux_store::Store;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

/// The registered providers, and what a sandbox start of them left running.
pub struct Registered {
    pub providers: Providers,
    /// Fincore's emulator (sandbox only).
    pub fincore_emulator: Option<fincore::emulator::EmulatorHandle>,
}

/// Starts every provider (in sandbox, with its emulator). `webhook_token` is the token their
/// inbound webhooks must carry; `public_url` is where providers reach Flux.
pub async fn registered(
    config: &Config,
    store: &Store,
    webhook_token: &str,
    public_url: &str,
) -> anyhow::Result<Registered> {
    let fincore =
        fincore::gateway::start::start(fincore_settings(config, webhook_token, true)?, store)
            .await?;
    let felix =
        felix::gateway::start::start(felix_settings(config, public_url, true), store).await?;
    if let (Some(fincore), Some(felix)) = (&fincore.emulator, &felix.emulator) {
        felix.set_ramp_off(sandbox_ramp_off(fincore.clone()));
    }
    let fidix = fidix::gateway::start::start(fidix_settings(config)?, store).await?;
    let necipco =
        necipco::gateway::start::start(necipco_settings(config, public_url)?, store).await?;
    Ok(Registered {
        providers: Providers::new(vec![
            fincore.provider as Arc<dyn Provider>,
            felix,
            fidix,
            necipco,
        ]),
        fincore_emulator: fincore.emulator,
    })
}

/// In sandbox, a remittance Félix completes to a CLABE arrives as a SPEI credit at the Fincore
/// emulator, which sends its MONEY_IN to Flux like any other: the whole remittance path,
/// settlement included, runs on a laptop. A CLABE Fincore does not hold is paid elsewhere.
fn sandbox_ramp_off(fincore: fincore::emulator::EmulatorHandle) -> felix::emulator::RampOffSink {
    Arc::new(move |payout: felix::emulator::RampOff| {
        let credited = fincore.receive_spei(fincore::emulator::IncomingSpei {
            clabe: payout.clabe,
            amount: payout.amount,
            payer_name: "FELIX PAGOS".into(),
            payer_account: None,
            concept: payout.concept,
        });
        tracing::debug!(credited, "félix ramp-off to the fincore emulator");
    })
}

/// The providers an admin command talks to: connectors only, nothing started. In sandbox,
/// the emulators of the `flux serve` running on this data directory; `fincore_url` overrides.
pub async fn for_admin(
    config: &Config,
    store: &Store,
    fincore_url: Option<String>,
) -> anyhow::Result<Providers> {
    let settings = fincore_settings(config, "", false)?;
    let client = fincore::gateway::start::connector_for_admin(
        &settings,
        config.sandbox(),
        store,
        fincore_url,
    )
    .await?;
    let fincore = fincore::gateway::FincoreProvider::new(Arc::new(client), Default::default());
    let mut providers: Vec<Arc<dyn Provider>> = vec![Arc::new(fincore)];
    let felix_sandbox = config.felix.url.is_empty();
    let felix =
        felix::gateway::start::for_admin(&felix_settings(config, "", false), felix_sandbox, store)
            .await?;
    if let Some(felix) = felix {
        providers.push(felix);
    }
    let necipco = necipco::gateway::start::for_admin(&necipco_settings(config, "")?, store).await?;
    if let Some(necipco) = necipco {
        providers.push(necipco);
    }
    Ok(Providers::new(providers))
}

/// `[fincore]` (and, with `emulate` in sandbox, `[sandbox]`) as Fincore's settings.
fn fincore_settings(
    config: &Config,
    webhook_token: &str,
    emulate: bool,
) -> anyhow::Result<fincore::gateway::start::Settings> {
    let sandbox = if emulate && config.sandbox() {
        Some(fincore::gateway::start::Sandbox {
            balance: rust_decimal::Decimal::from_str(&config.sandbox.balance)
                .context("sandbox.balance")?,
            status_step: Duration::from_millis(config.sandbox.status_step_ms),
            state_file: config.server.data_dir.join("fincore-emulator.json"),
            addr: config
                .sandbox
                .emulator_addr
                .parse()
                .context("sandbox.emulator_addr")?,
            bank_adapter_id: uuid::Uuid::from_str(crate::boot::DEMO_ADAPTER_ID)?,
        })
    } else {
        None
    };
    Ok(fincore::gateway::start::Settings {
        url: config.fincore.url.clone(),
        api_key: config.fincore.api_key.clone(),
        timeout: Duration::from_millis(config.fincore.timeout_ms),
        environment: config.environment(),
        webhook_token: webhook_token.to_string(),
        sandbox,
    })
}

/// `[ledger]` and `[fidix]` as Fidi X's settings; its emulator runs in sandbox without a URL.
fn fidix_settings(config: &Config) -> anyhow::Result<fidix::gateway::start::Settings> {
    let sandbox = config.sandbox().then(|| -> anyhow::Result<_> {
        Ok(fidix::gateway::start::Sandbox {
            addr: config
                .sandbox
                .fidix_emulator_addr
                .parse()
                .context("sandbox.fidix_emulator_addr")?,
            books: config.server.data_dir.join("fidix-emulator.db"),
        })
    });
    Ok(fidix::gateway::start::Settings {
        backend: config.ledger.backend.parse()?,
        url: config.fidix.url.clone(),
        client_id: config.fidix.client_id.clone(),
        client_secret: config.fidix.client_secret.clone(),
        timeout: Duration::from_millis(config.fidix.timeout_ms),
        sandbox: sandbox.transpose()?,
    })
}

/// `[felix]` as Félix's settings; the emulator runs in sandbox when `emulate`.
fn felix_settings(
    config: &Config,
    public_url: &str,
    emulate: bool,
) -> felix::gateway::start::Settings {
    let sandbox = emulate && config.felix.url.is_empty();
    felix::gateway::start::Settings {
        url: config.felix.url.clone(),
        email: config.felix.email.clone(),
        password: config.felix.password.clone(),
        timeout: Duration::from_millis(config.felix.timeout_ms),
        callback_secret: config.felix.callback_secret.clone(),
        poll_after: Duration::from_millis(config.felix.poll_after_ms),
        // Live, only where FLUX_PUBLIC_URL says Félix can reach Flux (as for Fincore).
        public_url: if sandbox || !config.fincore.public_url.is_empty() {
            public_url.to_string()
        } else {
            String::new()
        },
        sandbox_dir: sandbox.then(|| config.server.data_dir.join("felix-emulator")),
    }
}

/// `[necipco]` as NeCIPCo's settings; the emulator runs in sandbox (no URL given), its state
/// under `<data_dir>/necipco-emulator`.
fn necipco_settings(
    config: &Config,
    public_url: &str,
) -> anyhow::Result<necipco::gateway::start::Settings> {
    let padding = match config.necipco.padding.as_str() {
        "oaep_sha256" | "" => necipco::crypto::Padding::OaepSha256,
        "oaep_sha1" => necipco::crypto::Padding::OaepSha1,
        "pkcs1v15" => necipco::crypto::Padding::Pkcs1v15,
        other => {
            anyhow::bail!("necipco.padding: {other:?} is not oaep_sha256, oaep_sha1 or pkcs1v15")
        }
    };
    let sandbox = config.necipco.url.is_empty();
    Ok(necipco::gateway::start::Settings {
        url: config.necipco.url.clone(),
        api_key: config.necipco.api_key.clone(),
        password: config.necipco.password.clone(),
        timeout: Duration::from_millis(config.necipco.timeout_ms),
        padding,
        private_key_pem: config.necipco.private_key_pem.clone(),
        sandbox_dir: sandbox.then(|| config.server.data_dir.join("necipco-emulator")),
        public_url: public_url.to_string(),
        funding_clabe: config.necipco.funding_clabe.clone(),
    })
}
