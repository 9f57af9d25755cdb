//! A stateful NeCIPCo emulator: every endpoint of the seed on real HTTP under `/v1` (the seed's
//! `https://address/version/resources`), speaking the same wire types as the connector.
//!
//! What it keeps (in a 0600 JSON file under `data_dir`, see `persist.rs`, so a restart keeps
//! it): its own RSA key pair (the "system" key), clients (programs) and subclients with their
//! api keys, hashed passwords and registered public keys, tokens (hashed), cardholders,
//! products, and cards with their accounts, balances, PINs, PIN blocks, CVCs and movements.
//!
//! What it enforces, beyond the seed's field patterns (`validate.rs`):
//! - sensitive request fields must be ciphered with the system key (base64 or base64url);
//!   sensitive answer fields are ciphered with the caller's registered key, and endpoints that
//!   answer one refuse (403, PublicKeyRequired) until a key is registered;
//! - card statuses move as [`crate::wire::CardStatus::can_change_to`] allows; activation is
//!   its own endpoint; money moves only on ACTIVE cards;
//! - `authenticate` compares the card's last four digits and the ATM PIN's last two;
//! - the ATM PIN lockout of `pin.rs`; a virtual card's CVC needs an ATM PIN first, lives
//!   `cvc_ttl` and is answered with `remaining_time` in whole minutes;
//! - money: disbursement and payment move the program's `available` to the card; withdrawal
//!   and purchase move the card's money to the program's collection `balance`; transfers move
//!   it between cards (of any program: "the BIN ecosystem"); SPEI takes amount + commission +
//!   IVA from the card; funding moves `available` from a client to its subclient, and creating
//!   a subclient takes its initial `available` from the parent. Every card movement is
//!   recorded, exactly (Decimal), and shown by balance and movements.
//!
//! Where the seed is silent (all written down where implemented): the error body
//! (`problem.rs`), the statuses beyond the two in the catalog (`wire/kinds.rs`), tokens
//! (opaque random strings living `token_ttl`, revoked by logout), a subclient logs in with its
//! `api_key_name` and `api_key_password`, physical cards come from a per-product stock that the
//! sandbox fills (`EmulatorHandle::add_stock`).
//!
//! Sandbox controls: `EmulatorHandle` (stock, balances, token revocation, faults) and
//! `PUT /_emulator/faults`.

mod auth;
mod cards;
mod faults;
mod money;
mod persist;
mod pin;
mod problem;
mod reference;
mod routes;
mod state;
mod validate;
mod view;

pub use faults::Faults;
pub use pin::ATTEMPTS_PER_BLOCK;
pub use problem::EmuError;

use crate::crypto::{self, KeyPair, Padding, PublicKey};
use crate::wire::{ErrorCode, Sensitive};
use flux_core::Secret;
use parking_lot::Mutex;
use rust_decimal::Decimal;
use state::State;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

/// The API version prefix.
pub const VERSION_PREFIX: &str = "/v1";

/// How the emulator behaves.
#[derive(Debug, Clone)]
pub struct EmulatorConfig {
    /// Where state is kept; None keeps it in memory.
    pub data_dir: Option<PathBuf>,
    /// How long a login token is accepted.
    pub token_ttl: Duration,
    /// The first PIN block; each further one doubles (see `pin.rs`).
    pub pin_block: Duration,
    /// How long a virtual card's CVC is valid.
    pub cvc_ttl: Duration,
    /// The RSA padding both directions use.
    pub padding: Padding,
    /// SPEI commission per transfer (flat), and IVA on it.
    pub spei_commission: Decimal,
    pub iva_rate: Decimal,
}

impl Default for EmulatorConfig {
    fn default() -> Self {
        EmulatorConfig {
            data_dir: None,
            token_ttl: Duration::from_secs(3600),
            pin_block: Duration::from_secs(300),
            cvc_ttl: Duration::from_secs(180),
            padding: Padding::default(),
            // The seed's SPEI example: commission 5.80, IVA 0.93 (16 %, rounded to cents).
            spei_commission: Decimal::new(580, 2),
            iva_rate: Decimal::new(16, 2),
        }
    }
}

/// A program (api client) to create at start-up, kept if its api key exists already.
#[derive(Debug, Clone)]
pub struct SeedClient {
    pub api_key: String,
    pub password: Secret<String>,
    pub name: String,
    pub alias: String,
    pub email: String,
    pub rfc: String,
    pub available: Decimal,
    /// Physical cards put in the program's stock.
    pub stock_cards: usize,
}

pub(crate) struct Shared {
    pub config: EmulatorConfig,
    pub state: Mutex<State>,
    store: persist::Store,
    pub keys: Arc<KeyPair>,
    pub faults: Mutex<Faults>,
    stop: watch::Sender<bool>,
}

impl Shared {
    /// Runs `f` on the state under the lock and saves the state when it succeeds.
    pub fn mutate<T>(
        &self,
        f: impl FnOnce(&mut State) -> Result<T, EmuError>,
    ) -> Result<T, EmuError> {
        let mut state = self.state.lock();
        let out = f(&mut state)?;
        self.save(&state);
        Ok(out)
    }

    /// Like `mutate`, but also saves when `f` fails: a wrong PIN must count even though the
    /// request is refused.
    pub fn mutate_always<T>(
        &self,
        f: impl FnOnce(&mut State) -> Result<T, EmuError>,
    ) -> Result<T, EmuError> {
        let mut state = self.state.lock();
        let out = f(&mut state);
        self.save(&state);
        out
    }

    pub fn save(&self, state: &State) {
        if let Err(e) = self.store.save(state) {
            tracing::error!(error = %e, "necipco emulator: state not saved");
        }
    }

    /// Deciphers a request field ciphered with the system key.
    pub fn open(&self, field: &str, value: &Sensitive) -> Result<Sensitive, EmuError> {
        self.keys
            .decrypt_field(self.config.padding, value.expose())
            .map_err(|_| EmuError::undecipherable(field))
    }

    /// Ciphers an answer field with the caller's registered key.
    pub fn seal_for(&self, public_key: Option<&str>, clear: &str) -> Result<Sensitive, EmuError> {
        let pem = public_key.ok_or_else(|| {
            EmuError::refused(
                ErrorCode::PublicKeyRequired,
                "register a public key first (POST /clients/api_key/public_key)",
            )
        })?;
        let key = PublicKey::from_pem(pem)
            .map_err(|e| EmuError::internal(format!("registered key unusable: {e}")))?;
        key.encrypt_for_body(self.config.padding, clear)
            .map_err(|e| EmuError::internal(e.to_string()))
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
    /// The base URL a connector is given: `http://addr/v1`.
    pub fn base_url(&self) -> String {
        format!("http://{}{VERSION_PREFIX}", self.addr)
    }

    pub fn set_faults(&self, faults: Faults) {
        *self.shared.faults.lock() = faults;
    }

    /// The system public key (what `GET /clients/api_key/public_key` answers as `system`).
    pub fn system_public_key(&self) -> PublicKey {
        self.shared.keys.public_key().clone()
    }

    /// Forgets every token, as after a provider-side session purge: the next call is a 401.
    pub fn revoke_tokens(&self) {
        let mut state = self.shared.state.lock();
        state.tokens.clear();
        self.shared.save(&state);
    }

    /// Puts `n` new physical cards in the stock of `api_key`'s program; returns their numbers.
    pub fn add_stock(&self, api_key: &str, n: usize) -> Result<Vec<String>, EmuError> {
        self.shared.mutate(|state| {
            let client_id = state
                .api_keys
                .get(api_key)
                .map(|k| k.client_id.clone())
                .ok_or_else(|| EmuError::not_found("api key"))?;
            Ok((0..n)
                .filter_map(|_| cards::new_stock_card(state, &client_id))
                .collect())
        })
    }

    /// Card numbers still in the stock of `api_key`'s program.
    pub fn stock(&self, api_key: &str) -> Vec<String> {
        let state = self.shared.state.lock();
        let Some(client_id) = state.api_keys.get(api_key).map(|k| k.client_id.clone()) else {
            return Vec::new();
        };
        state
            .cards
            .values()
            .filter(|c| c.client_id == client_id && c.cardholder_id.is_none())
            .map(|c| c.pan.clone())
            .collect()
    }

    /// A program's `available` and collection `balance`.
    pub fn client_funds(&self, api_key: &str) -> Option<(Decimal, Decimal)> {
        let state = self.shared.state.lock();
        let key = state.api_keys.get(api_key)?;
        let client = state.clients.get(&key.client_id)?;
        Some((client.available, client.balance))
    }

    /// A card's balance by id.
    pub fn card_balance(&self, card_id: &str) -> Option<Decimal> {
        self.shared
            .state
            .lock()
            .cards
            .get(card_id)
            .map(|c| c.balance)
    }

    /// The state file, when there is one.
    pub fn state_file(&self) -> Option<PathBuf> {
        self.shared.store.path().map(|p| p.to_path_buf())
    }

    /// Stops serving; the state file stays for the next start.
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
    seeds: &[SeedClient],
) -> anyhow::Result<EmulatorHandle> {
    let store = persist::Store::new(config.data_dir.as_deref())?;
    let mut state = store.load()?;
    let keys = if state.system_key_pkcs8.is_empty() {
        let keys = KeyPair::generate()?;
        state.system_key_pkcs8 = crypto::encode_body(&keys.to_pkcs8_der()?);
        keys
    } else {
        KeyPair::from_pkcs8_der(&crypto::decode(&state.system_key_pkcs8)?)?
    };
    for seed in seeds {
        auth::seed_client(&mut state, seed);
    }
    store.save(&state)?;
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let addr = listener.local_addr()?;
    let (stop, _) = watch::channel(false);
    let shared = Arc::new(Shared {
        config,
        state: Mutex::new(state),
        store,
        keys: Arc::new(keys),
        faults: Mutex::new(Faults::default()),
        stop,
    });
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
            tracing::error!(error = %e, "necipco emulator stopped");
        }
    });
    Ok(EmulatorHandle {
        addr,
        shared,
        server: Arc::new(Mutex::new(Some(server))),
    })
}
