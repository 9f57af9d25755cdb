//! A stateful Fincore emulator: every endpoint of the Fincore API document, on real HTTP, with
//! the documented request and response JSON. It keeps clients with credentials, issues HS256
//! JWTs that expire, serves the SPEI catalog, creates private accounts with valid CLABEs under
//! prefix 734 (Finco Pay), registers instruments (validating cards and CLABEs), executes
//! money-out against the source account's available balance with Idempotency-Key semantics,
//! moves each transfer INITIALIZED → PENDING → COMPLETED (or REJECTED) in the background and
//! reports every change to registered STATUS_UPDATE webhooks, refunds money-ins in full, and
//! simulates incoming SPEI credits (MONEY_IN). Faults (latency, errors, timeouts) are set per
//! test through `/_emulator/faults` or [`EmulatorHandle::set_faults`].
//!
//! Sandbox rules (also in the README): a destination whose card or CLABE ends in `0002` is
//! rejected by the "receiving bank" with CANCELLED_ACCOUNT. State lives in memory, and, when
//! [`EmulatorConfig::state_file`] is set (as `flux serve` does, under its data directory), is
//! saved there within a moment of every change and on [`EmulatorHandle::flush`], and loaded
//! again at start: a sandbox restart keeps the provider's clients, accounts, balances,
//! instruments, transfers and idempotency answers, and transfers still in flight resume.

mod auth;
mod faults;
mod notify;
mod routes;
mod state;

pub use faults::Faults;
pub use state::{EmuError, Stats};

use parking_lot::Mutex;
use rust_decimal::Decimal;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use uuid::Uuid;

/// How the emulator behaves.
#[derive(Debug, Clone)]
pub struct EmulatorConfig {
    /// The platform key expected in `x-api-key` for credential and token calls.
    pub api_key: String,
    /// HS256 signing key for credential tokens.
    pub jwt_secret: Vec<u8>,
    pub token_ttl: Duration,
    /// Delay between two status changes of a transfer.
    pub status_step: Duration,
    /// Where the state is kept across restarts (None: memory only).
    pub state_file: Option<std::path::PathBuf>,
}

impl Default for EmulatorConfig {
    fn default() -> Self {
        EmulatorConfig {
            api_key: "fincore-sandbox-api-key".into(),
            jwt_secret: rand::random::<[u8; 32]>().to_vec(),
            token_ttl: Duration::from_secs(3600),
            status_step: Duration::from_millis(500),
            state_file: None,
        }
    }
}

/// A client to create at start-up.
#[derive(Debug, Clone)]
pub struct SeedClient {
    pub client_id: Uuid,
    pub client_secret: String,
    pub bank_adapter_id: Uuid,
    /// Opening balance of the client's first private account; None creates no account.
    pub funded_account: Option<Decimal>,
}

pub(crate) struct Shared {
    pub config: EmulatorConfig,
    pub state: Mutex<state::State>,
    pub faults: Mutex<Faults>,
    pub notifier: notify::Notifier,
    /// Tokens of an older generation are refused (see [`EmulatorHandle::revoke_tokens`]).
    pub token_generation: std::sync::atomic::AtomicU64,
    /// Set by every change; the saver writes the state file when it is set.
    pub dirty: std::sync::atomic::AtomicBool,
    /// One writer of the state file at a time.
    pub saving: Mutex<()>,
}

impl Shared {
    /// Marks the state changed; it is saved within [`SAVE_EVERY`].
    pub(crate) fn changed(&self) {
        self.dirty.store(true, std::sync::atomic::Ordering::SeqCst);
    }

    /// Sends a webhook about a change only once the change is on disk, as a real provider
    /// never announces money it could still lose: a `kill -9` of `flux serve` in sandbox
    /// left credits Flux had booked missing from the emulator's saved balances.
    pub(crate) fn announce(&self, targets: Vec<notify::Target>, body: serde_json::Value) {
        self.changed();
        if let Err(e) = self.save() {
            tracing::warn!(error = %e, "could not save the Fincore emulator's state");
        }
        self.notifier.send(targets, body);
    }

    /// Writes the state file now if anything changed (atomically: a temporary file, then a
    /// rename, mode 0600 since it holds client secrets).
    pub(crate) fn save(&self) -> anyhow::Result<()> {
        let Some(path) = &self.config.state_file else {
            return Ok(());
        };
        let _one = self.saving.lock();
        if !self.dirty.swap(false, std::sync::atomic::Ordering::SeqCst) {
            return Ok(());
        }
        let bytes = serde_json::to_vec(&*self.state.lock())?;
        let tmp = path.with_extension("json.tmp");
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(&tmp)?;
        // A temporary file left by a crash keeps its old mode through open; tighten it.
        #[cfg(unix)]
        std::fs::set_permissions(&tmp, std::os::unix::fs::PermissionsExt::from_mode(0o600))?;
        std::io::Write::write_all(&mut file, &bytes)?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)?;
        Ok(())
    }
}

/// How often changed state is written to the state file.
const SAVE_EVERY: Duration = Duration::from_millis(100);

fn load(path: Option<&std::path::Path>) -> anyhow::Result<state::State> {
    match path.map(std::fs::read) {
        Some(Ok(bytes)) => serde_json::from_slice(&bytes)
            .map_err(|e| anyhow::anyhow!("reading the emulator state file: {e}")),
        Some(Err(e)) if e.kind() != std::io::ErrorKind::NotFound => Err(e.into()),
        _ => Ok(state::State::default()),
    }
}

/// A SPEI credit arriving from outside Fincore, for [`EmulatorHandle::receive_spei`].
#[derive(Debug, Clone)]
pub struct IncomingSpei {
    pub clabe: String,
    pub amount: Decimal,
    pub payer_name: String,
    pub payer_account: Option<String>,
    /// The payment concept (concepto de pago), at most 40 characters on SPEI.
    pub concept: String,
}

/// A running emulator.
#[derive(Clone)]
pub struct EmulatorHandle {
    pub addr: SocketAddr,
    shared: Arc<Shared>,
}

impl EmulatorHandle {
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn set_faults(&self, faults: Faults) {
        *self.shared.faults.lock() = faults;
    }

    pub fn stats(&self) -> Stats {
        self.shared.state.lock().stats.clone()
    }

    /// Adds a client (and optionally a funded account) to a running emulator.
    pub fn seed_client(&self, seed: &SeedClient) -> Result<(), EmuError> {
        let seeded = self.shared.state.lock().seed_client(seed);
        self.shared.changed();
        seeded
    }

    /// Invalidates every token issued so far, as a provider does when it rotates its keys.
    pub fn revoke_tokens(&self) {
        self.shared
            .token_generation
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    }

    /// Writes the state file now (Flux calls it when it stops).
    pub fn flush(&self) {
        if let Err(e) = self.shared.save() {
            tracing::warn!(error = %e, "could not save the Fincore emulator's state");
        }
    }

    /// Available balance of an account, by CLABE.
    pub fn balance(&self, clabe: &str) -> Option<Decimal> {
        self.shared.state.lock().balance_by_clabe(clabe)
    }

    /// A SPEI credit from another bank to the account with this CLABE (a remittance's
    /// ramp-off, say): the balance grows and the owner's MONEY_IN webhooks are sent, as
    /// for the sandbox money-in. False when no account has this CLABE.
    pub fn receive_spei(&self, credit: IncomingSpei) -> bool {
        let sent = {
            let mut state = self.shared.state.lock();
            let Some(owner) = state.owner_of_clabe(&credit.clabe) else {
                return false;
            };
            let req = crate::wire::SimulateMoneyInRequest {
                client_id: owner,
                amount: credit.amount.to_string(),
                beneficiary_account: Some(credit.clabe),
                payer_name: Some(credit.payer_name),
                payer_account: credit.payer_account,
                payment_concept: Some(credit.concept),
            };
            match state.simulate_money_in(owner, &req) {
                Ok(envelope) => Some((envelope, state.webhook_targets(owner, "MONEY_IN"))),
                Err(e) => {
                    tracing::warn!(error = ?e, "fincore emulator: incoming SPEI refused");
                    None
                }
            }
        };
        self.shared.changed();
        match sent {
            Some((envelope, targets)) => {
                let body = serde_json::to_value(&envelope).unwrap_or_default();
                self.shared.announce(targets, body);
                true
            }
            None => false,
        }
    }

    /// A fault: money appears in an account without a webhook (what reconciliation exists to
    /// catch). False when no account has this CLABE.
    pub fn credit_silently(&self, clabe: &str, amount: Decimal) -> bool {
        let credited = self.shared.state.lock().credit_by_clabe(clabe, amount);
        self.shared.changed();
        credited
    }
}

/// Starts the emulator on `addr` (use port 0 for an ephemeral port) and serves it in the
/// background.
pub async fn start(
    addr: SocketAddr,
    config: EmulatorConfig,
    seeds: &[SeedClient],
) -> anyhow::Result<EmulatorHandle> {
    let shared = Arc::new(Shared {
        state: Mutex::new(load(config.state_file.as_deref())?),
        config,
        faults: Mutex::new(Faults::default()),
        notifier: notify::Notifier::new(),
        token_generation: Default::default(),
        dirty: Default::default(),
        saving: Mutex::new(()),
    });
    // Seeding is idempotent: a client the saved state has keeps its accounts and balance.
    for seed in seeds {
        shared
            .state
            .lock()
            .seed_client(seed)
            .map_err(|e| anyhow::anyhow!("seeding client {}: {}", seed.client_id, e.message))?;
    }
    shared.changed();
    shared.save()?;
    routes::resume_transfers(&shared);
    let saver = Arc::downgrade(&shared);
    tokio::spawn(async move {
        while let Some(shared) = saver.upgrade() {
            if let Err(e) = shared.save() {
                tracing::warn!(error = %e, "could not save the Fincore emulator's state");
            }
            drop(shared);
            tokio::time::sleep(SAVE_EVERY).await;
        }
    });
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let addr = listener.local_addr()?;
    let app = routes::router(shared.clone());
    tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, app).await {
            tracing::error!(error = %e, "fincore emulator stopped");
        }
    });
    Ok(EmulatorHandle { addr, shared })
}
