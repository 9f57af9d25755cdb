//! A stateful Félix emulator: every endpoint of the Félix Integrations API 2.0.0 on real HTTP,
//! speaking the same wire types as the connector. It keeps provider accounts (signup, signin
//! with HS256 JWTs that expire and can be revoked), registers a callback URL with its headers,
//! creates remittance requests in v1 or v2, moves them CREATED → STARTED → CONFIRMED →
//! IN_PROGRESS → COMPLETED every `status_step`, and sends each change to the callback as a
//! `NotificationsContainer` with deltas coalesced while the callback fails, retried after 60 s
//! doubling, at most 10 times (`retry`, configurable so tests run in milliseconds).
//!
//! Sandbox controls, for tests and for `flux serve`:
//! - `POST /_emulator/transactions/{id}/advance` with `{"status": "FAILED"}` (or CANCELLED,
//!   REFUNDED, or any legal status; no body = the next happy-path step), or
//!   [`EmulatorHandle::advance`]: the outcomes a sandbox user chooses;
//! - `PUT /_emulator/faults` or [`EmulatorHandle::set_faults`]: latency, 5xx, hangs, and work
//!   done with the answer dropped;
//! - `GET /_emulator/stats` or [`EmulatorHandle::stats`]: execution counters;
//! - `POST /_emulator/tokens/revoke` or [`EmulatorHandle::revoke_tokens`].
//!
//! It validates what the seed documents (see `validate.rs`) and answers errors in FastAPI's
//! shapes. It accepts the seed's own example data (a 17-digit CLABE sent as a number, RFC
//! `RFC123456ABC`): Félix documents no CLABE or RFC check. State is kept in a file under
//! `data_dir` when one is given, so a restart keeps it (see `persist.rs`).

mod auth;
mod clock;
mod faults;
mod notify;
mod outbox;
mod persist;
mod problem;
mod routes;
mod state;
mod transactions;
mod validate;

pub use faults::Faults;
pub use outbox::RetryPolicy;
pub use problem::EmuError;
pub use state::Stats;

use crate::wire::{ApiVersion, TransactionResponse, TransactionStatus};
use parking_lot::Mutex;
use state::State;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

/// How the emulator behaves.
#[derive(Debug, Clone)]
pub struct EmulatorConfig {
    /// HS256 signing key for tokens.
    pub jwt_secret: Vec<u8>,
    /// Token lifetime (`expires_in`, whole seconds, at least 1).
    pub token_ttl: Duration,
    /// Delay between two happy-path status changes; None moves transactions only on request
    /// (the advance control).
    pub status_step: Option<Duration>,
    pub retry: RetryPolicy,
    /// How long a callback receiver has to answer.
    pub callback_timeout: Duration,
    /// Where state is kept; None keeps it in memory.
    pub data_dir: Option<PathBuf>,
}

impl Default for EmulatorConfig {
    fn default() -> Self {
        EmulatorConfig {
            jwt_secret: rand::random::<[u8; 32]>().to_vec(),
            token_ttl: Duration::from_secs(3600),
            status_step: Some(Duration::from_millis(500)),
            retry: RetryPolicy::default(),
            callback_timeout: Duration::from_secs(10),
            data_dir: None,
        }
    }
}

/// A provider account to create at start-up (kept if it exists already).
#[derive(Debug, Clone)]
pub struct SeedProvider {
    pub email: String,
    pub password: flux_core::Secret<String>,
    pub name: String,
}

pub(crate) struct Shared {
    pub config: EmulatorConfig,
    pub base_url: String,
    pub state: Mutex<State>,
    store: persist::Store,
    pub faults: Mutex<Faults>,
    /// Tokens of an older generation are refused.
    pub token_generation: AtomicU64,
    /// Wakes the callback sender when something is due.
    pub wake: tokio::sync::Notify,
    pub http: reqwest::Client,
    /// Set to true to stop the server and the background tasks.
    stop: watch::Sender<bool>,
    /// Where a completed transaction to a CLABE is paid out (see [`RampOff`]).
    ramp_off: Mutex<Option<RampOffSink>>,
}

/// The payout ("ramp-off") of a transaction that reached COMPLETED with a CLABE as the
/// beneficiary account and MXN as its currency: the SPEI credit Félix's bank sends to that
/// account. The concept carries the transaction's external id, which is how the receiving
/// side can tell which remittance paid it.
#[derive(Debug, Clone, PartialEq)]
pub struct RampOff {
    pub clabe: String,
    pub amount: rust_decimal::Decimal,
    /// The beneficiary's name, as Félix pays out in it.
    pub beneficiary_name: String,
    /// At most 40 characters, as SPEI allows.
    pub concept: String,
}

/// Receives ramp-offs; in sandbox Flux points it at the Fincore emulator.
pub type RampOffSink = Arc<dyn Fn(RampOff) + Send + Sync>;

/// The payout of a transaction just completed, if it pays a CLABE in MXN.
fn ramp_off_of(tx: &state::StoredTx) -> Option<RampOff> {
    if !tx.is_clabe || tx.currency != "MXN" {
        return None;
    }
    let name = [Some(&tx.name), tx.middle_name.as_ref(), Some(&tx.lastname)]
        .into_iter()
        .flatten()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(" ");
    Some(RampOff {
        clabe: tx.account_identifier_number.clone(),
        amount: tx.amount?,
        beneficiary_name: name,
        concept: tx.external_transaction_id.chars().take(40).collect(),
    })
}

impl Shared {
    /// Runs `f` on the state under the lock and saves the state if it succeeds.
    pub fn mutate<T>(
        &self,
        f: impl FnOnce(&mut State) -> Result<T, EmuError>,
    ) -> Result<T, EmuError> {
        let mut state = self.state.lock();
        let out = f(&mut state)?;
        self.save(&state);
        drop(state);
        self.wake.notify_one();
        Ok(out)
    }

    pub fn save(&self, state: &State) {
        if let Err(e) = self.store.save(state) {
            tracing::error!(error = %e, "felix emulator: state not saved");
        }
    }

    pub fn generation(&self) -> u64 {
        self.token_generation.load(Ordering::SeqCst)
    }

    /// Moves a transaction and queues the change for the provider's callback.
    pub fn advance_in(
        &self,
        state: &mut State,
        id: &str,
        to: Option<TransactionStatus>,
    ) -> Result<(), EmuError> {
        let now = chrono::Utc::now();
        let change = state.transition(id, to, now)?;
        if change.delta.new_status == TransactionStatus::Completed {
            let payout = state
                .transactions
                .get(&change.transaction_id)
                .and_then(ramp_off_of);
            let sink = self.ramp_off.lock().clone();
            if let (Some(payout), Some(sink)) = (payout, sink) {
                sink(payout);
            }
        }
        if let Some(tx) = state.transactions.get(&change.transaction_id) {
            let view = transactions::render(tx, ApiVersion::V2, &self.base_url);
            state.enqueue(
                &change.provider_id,
                &change.transaction_id,
                view,
                vec![change.delta],
                now,
            );
        }
        Ok(())
    }
}

/// A running emulator.
#[derive(Clone)]
pub struct EmulatorHandle {
    pub addr: SocketAddr,
    shared: Arc<Shared>,
    server: Arc<Mutex<Option<tokio::task::JoinHandle<()>>>>,
}

impl EmulatorHandle {
    pub fn base_url(&self) -> String {
        self.shared.base_url.clone()
    }

    pub fn set_faults(&self, faults: Faults) {
        *self.shared.faults.lock() = faults;
    }

    pub fn stats(&self) -> Stats {
        self.shared.state.lock().stats.clone()
    }

    /// Invalidates every token issued so far, as a provider does when it rotates its keys.
    pub fn revoke_tokens(&self) {
        self.shared.token_generation.fetch_add(1, Ordering::SeqCst);
    }

    /// Moves a transaction to `to`, or to its next happy-path status, as a sandbox user would
    /// choose an outcome; the change is sent to the callback like any other.
    pub fn advance(
        &self,
        id: &str,
        to: Option<TransactionStatus>,
    ) -> Result<TransactionResponse, EmuError> {
        self.shared
            .mutate(|state| self.shared.advance_in(state, id, to))?;
        self.transaction(id)
            .ok_or_else(|| EmuError::not_found("Transaction"))
    }

    /// A transaction as `GET` shows it in v2.
    pub fn transaction(&self, id: &str) -> Option<TransactionResponse> {
        let state = self.shared.state.lock();
        let tx = state.transactions.get(id)?;
        Some(transactions::render(
            tx,
            ApiVersion::V2,
            &self.shared.base_url,
        ))
    }

    /// Notifications of a provider not yet delivered to its callback.
    pub fn pending_notifications(&self, provider_id: &str) -> usize {
        self.shared.state.lock().pending_count(provider_id)
    }

    /// Sends the payouts of transactions completed from now on to `sink`.
    pub fn set_ramp_off(&self, sink: RampOffSink) {
        *self.shared.ramp_off.lock() = Some(sink);
    }

    /// Creates a provider account (or finds it by email); returns its id.
    pub fn seed_provider(&self, seed: &SeedProvider) -> Result<String, EmuError> {
        self.shared.mutate(|state| Ok(state.seed_provider(seed)))
    }

    /// Stops serving and the background tasks; the state file stays for the next start.
    pub async fn shutdown(&self) {
        let _ = self.shared.stop.send(true);
        let server = self.server.lock().take();
        if let Some(server) = server {
            let _ = tokio::time::timeout(Duration::from_secs(5), server).await;
        }
    }
}

/// Starts the emulator on `addr` (port 0 for an ephemeral port), with the state saved under
/// `config.data_dir` if there is one, and serves it in the background.
pub async fn start(
    addr: SocketAddr,
    config: EmulatorConfig,
    seeds: &[SeedProvider],
) -> anyhow::Result<EmulatorHandle> {
    let store = persist::Store::new(config.data_dir.as_deref())?;
    let mut state = store.load()?;
    for seed in seeds {
        state.seed_provider(seed);
    }
    store.save(&state)?;
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let addr = listener.local_addr()?;
    let http = reqwest::Client::builder()
        .timeout(config.callback_timeout)
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let (stop, _) = watch::channel(false);
    let step = config.status_step;
    let shared = Arc::new(Shared {
        config,
        base_url: format!("http://{addr}"),
        state: Mutex::new(state),
        store,
        faults: Mutex::new(Faults::default()),
        token_generation: AtomicU64::new(0),
        wake: tokio::sync::Notify::new(),
        http,
        stop,
        ramp_off: Mutex::new(None),
    });
    tokio::spawn(notify::run(shared.clone(), shared.stop.subscribe()));
    if let Some(step) = step {
        tokio::spawn(clock::run(shared.clone(), step, shared.stop.subscribe()));
    }
    let app = routes::router(shared.clone());
    let mut stopped = shared.stop.subscribe();
    let server = tokio::spawn(async move {
        let until = async move {
            let _ = stopped.wait_for(|s| *s).await;
        };
        if let Err(e) = axum::serve(listener, app)
            .with_graceful_shutdown(until)
            .await
        {
            tracing::error!(error = %e, "felix emulator stopped");
        }
    });
    Ok(EmulatorHandle {
        addr,
        shared,
        server: Arc::new(Mutex::new(Some(server))),
    })
}
