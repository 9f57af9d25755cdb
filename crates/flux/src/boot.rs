//! Starting Flux: open and migrate the store, load or generate its secrets, make sure the demo
//! partner, client and key exist, start the registered providers (their emulators in sandbox
//! mode, see [`crate::providers`]), attach every client to its provider (Flux's inbound webhook
//! URLs), and serve.

use crate::config::Config;
use anyhow::Context;
use fincore::emulator::EmulatorHandle;
use flux_core::Secret;
use flux_gateway::auth_cache::AuthCache;
use flux_gateway::client_addr::TrustedProxies;
use flux_gateway::delivery::schedule::RetryPolicy;
use flux_gateway::delivery::url_policy::UrlPolicy;
use flux_gateway::delivery::{Deliveries, DeliveryConfig};
use flux_gateway::rate_limit::{AuthFailures, RateLimits};
use flux_gateway::{audit::AuditSink, keys, AppState, GatewayConfig, Providers};
use flux_store::{ApiKeyRecord, ClientRecord, Partner, Store, StoreError};
use rand::RngCore;
use std::net::SocketAddr;
use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;
use uuid::Uuid;

/// The client id the Flux Partners API examples use.
pub const DEMO_CLIENT_ID: &str = "205ae70f-ab7e-4b8d-85be-ac16f47c8983";
/// The bank adapter id of the seed's private-account example.
pub const DEMO_ADAPTER_ID: &str = "9c40bd38-e68d-41c5-9baa-ad6508aa3cc0";

pub struct Running {
    pub addr: SocketAddr,
    pub store: Store,
    /// Fincore's sandbox emulator (started by its provider registration).
    pub emulator: Option<EmulatorHandle>,
    pub demo_partner_id: Option<Uuid>,
    pub demo_api_key: Option<String>,
    pub state: Arc<AppState>,
    /// Closes the listener (see [`crate::shutdown`]).
    pub(crate) shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    pub(crate) server: tokio::task::JoinHandle<()>,
    /// The resolver's loop; it stops between rounds once draining starts.
    pub(crate) resolver: tokio::task::JoinHandle<()>,
    pub(crate) drain: crate::shutdown::Drain,
}

impl Running {
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Waits until the server stops (Ctrl-C).
    pub async fn wait(self) {
        let _ = self.server.await;
    }
}

fn random_secret() -> String {
    let mut b = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut b);
    hex::encode(b)
}

/// A secret from the configuration, or the one generated on first start and kept in the store.
async fn secret(store: &Store, configured: &str, setting: &str) -> anyhow::Result<String> {
    if !configured.is_empty() {
        return Ok(configured.to_string());
    }
    Ok(store
        .put_secret_setting_if_absent(setting, &random_secret())
        .await?)
}

/// Moved to the gateway's provider seam; kept here for callers of `flux::boot`.
pub use flux_gateway::provider::open_sandbox_balance;

pub async fn open_store(config: &Config) -> anyhow::Result<Store> {
    private_data_dir(&config.server.data_dir)?;
    let store = Store::open(&config.database_url())
        .await
        .context("opening the store")?
        .with_secrets_keys(&secrets_key(config)?, &pending_secrets_key(config)?)
        // Flux keeps its own books of every money movement, in every mode.
        .with_books(std::sync::Arc::new(flux_ledger::books::FluxBooks));
    store.migrate().await.context("migrating the store")?;
    // Secrets an older schema kept in clear (webhook tokens, provider and webhook signing
    // secrets from before sealing) are sealed at every start; once done it finds nothing.
    store
        .seal_clear_secrets()
        .await
        .context("sealing the secrets kept in clear")?;
    Ok(store)
}

/// Creates the data dir readable by Flux's user only (0700), whatever the umask: it holds the
/// database, the secrets key and the demo key. A dir that already exists is tightened too; if
/// that is not allowed (a dir someone else owns), Flux says so and goes on, since its files
/// are private by their own modes.
fn private_data_dir(dir: &Path) -> anyhow::Result<()> {
    let existed = dir.is_dir();
    std::fs::create_dir_all(dir).with_context(|| format!("creating data dir {}", dir.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let tightened = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700));
        match tightened {
            Err(e) if existed => {
                tracing::warn!(dir = %dir.display(), error = %e, "could not make the data dir private (0700)")
            }
            other => other.with_context(|| format!("making data dir {} private", dir.display()))?,
        }
    }
    Ok(())
}

/// A 32-byte key written as 64 hex characters; `from` names where it came from, never the key.
pub(crate) fn parse_key(text: &str, from: &str) -> anyhow::Result<[u8; 32]> {
    let bytes = hex::decode(text.trim())
        .map_err(|_| anyhow::anyhow!("{from} must be 64 hex characters"))?;
    bytes
        .try_into()
        .map_err(|_| anyhow::anyhow!("{from} must be 64 hex characters (32 bytes)"))
}

/// Where the secrets key lives when FLUX_SECRETS_KEY is not set.
pub(crate) fn secrets_key_path(config: &Config) -> std::path::PathBuf {
    config.server.data_dir.join("secrets.key")
}

/// The key a `flux secrets rotate` on a key file is moving to (`secrets.key.next`). It exists
/// only between the rotation's start and its end; if the rotation stopped between its database
/// commit and the key file's rename, the database is sealed under this key, so Flux opens
/// with it too, and the next `flux secrets rotate` finishes the move.
pub(crate) fn pending_key_path(config: &Config) -> std::path::PathBuf {
    config.server.data_dir.join("secrets.key.next")
}

fn pending_secrets_key(config: &Config) -> anyhow::Result<Vec<[u8; 32]>> {
    if !config.security.secrets_key.is_empty() {
        return Ok(Vec::new());
    }
    let path = pending_key_path(config);
    match std::fs::read_to_string(&path) {
        Ok(text) => Ok(vec![parse_key(&text, &path.display().to_string())?]),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(e).with_context(|| format!("reading {}", path.display())),
    }
}

/// The key that seals provider credentials: FLUX_SECRETS_KEY, or `<data-dir>/secrets.key`,
/// generated on first use.
pub(crate) fn secrets_key(config: &Config) -> anyhow::Result<[u8; 32]> {
    let parse = parse_key;
    if !config.security.secrets_key.is_empty() {
        return parse(&config.security.secrets_key, "FLUX_SECRETS_KEY");
    }
    let path = secrets_key_path(config);
    if let Ok(text) = std::fs::read_to_string(&path) {
        return parse(&text, &path.display().to_string());
    }
    let mut key = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut key);
    // create_new: if another process (an admin command, a second start) won the race, use its key.
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(&path) {
        Ok(mut file) => {
            std::io::Write::write_all(&mut file, format!("{}\n", hex::encode(key)).as_bytes())?;
            file.sync_all()?;
            Ok(key)
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            std::thread::sleep(std::time::Duration::from_millis(50));
            parse(
                &std::fs::read_to_string(&path)?,
                &path.display().to_string(),
            )
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn pepper(store: &Store, config: &Config) -> anyhow::Result<Vec<u8>> {
    Ok(
        secret(store, &config.security.api_key_pepper, "api_key_pepper")
            .await?
            .into_bytes(),
    )
}

/// Makes sure the demo partner owns the demo client; returns the partner id.
async fn ensure_demo_partner(store: &Store, demo_secret: &str) -> anyhow::Result<Uuid> {
    let id = Uuid::from_str(
        &store
            .put_setting_if_absent("demo_partner_id", &Uuid::new_v4().to_string())
            .await?,
    )?;
    if store.get_partner(id).await?.is_none() {
        match store
            .create_partner(&Partner {
                id,
                name: "Demo partner".into(),
                created_at: flux_core::time::now(),
            })
            .await
        {
            Ok(()) | Err(StoreError::Conflict(_)) => {}
            Err(e) => return Err(e.into()),
        }
    }
    let client_id = Uuid::from_str(DEMO_CLIENT_ID)?;
    if store.get_client(client_id).await?.is_none() {
        let record = ClientRecord::linked(
            client_id,
            id,
            "fincore",
            Some(Secret::new(demo_secret.to_string())),
        );
        match store.add_client(&record).await {
            Ok(()) | Err(StoreError::Conflict(_)) => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(id)
}

/// The demo key: FLUX_DEMO_API_KEY if set, else the one in `<data-dir>/demo-api-key` if it is
/// still valid, else a new one (written to that file).
async fn ensure_demo_key(
    store: &Store,
    pepper: &[u8],
    partner: Uuid,
    data_dir: &Path,
    environment: &str,
) -> anyhow::Result<String> {
    let file = data_dir.join("demo-api-key");
    let wanted = std::env::var("FLUX_DEMO_API_KEY")
        .ok()
        .filter(|k| !k.is_empty());
    let candidate = wanted.clone().or_else(|| {
        std::fs::read_to_string(&file)
            .ok()
            .map(|k| k.trim().to_string())
    });
    if let Some(key) = candidate {
        let hash = keys::hash(&key, pepper);
        match store.find_api_key(&hash).await? {
            Some(r) if r.partner_id == partner && r.revoked_at.is_none() => {
                write_key_file(&file, &key)?;
                return Ok(key);
            }
            Some(_) => {}
            None if wanted.is_some() => {
                store
                    .insert_api_key(&ApiKeyRecord {
                        id: Uuid::new_v4(),
                        partner_id: partner,
                        prefix: keys::display_prefix(&key),
                        hash,
                        created_at: flux_core::time::now(),
                        revoked_at: None,
                    })
                    .await?;
                write_key_file(&file, &key)?;
                return Ok(key);
            }
            None => {}
        }
    }
    let minted = keys::mint(environment, pepper);
    store
        .insert_api_key(&ApiKeyRecord {
            id: Uuid::new_v4(),
            partner_id: partner,
            prefix: minted.prefix.clone(),
            hash: minted.hash.clone(),
            created_at: flux_core::time::now(),
            revoked_at: None,
        })
        .await?;
    write_key_file(&file, &minted.key)?;
    Ok(minted.key)
}

/// Writes the demo key readable by Flux's user only: created 0600 (never world-readable, not
/// even for the moment before a chmod), and an older file tightened before it is rewritten.
fn write_key_file(path: &Path, key: &str) -> anyhow::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        options.mode(0o600);
        if path.exists() {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
        }
    }
    let mut file = options.open(path)?;
    std::io::Write::write_all(&mut file, format!("{key}\n").as_bytes())?;
    Ok(())
}

pub async fn start(config: Config) -> anyhow::Result<Running> {
    let store = open_store(&config).await?;
    let pepper = pepper(&store, &config).await?;
    let inbound_token = secret(
        &store,
        &config.fincore.webhook_token,
        "fincore_webhook_token",
    )
    .await?;
    let environment = config.environment();

    let listener = tokio::net::TcpListener::bind(&config.server.addr)
        .await
        .with_context(|| format!("binding {}", config.server.addr))?;
    let addr = listener.local_addr()?;
    let public_url = if config.fincore.public_url.is_empty() {
        format!("http://{addr}")
    } else {
        config.fincore.public_url.trim_end_matches('/').to_string()
    };

    let demo_partner_id = if config.sandbox() {
        let demo_secret = store
            .put_secret_setting_if_absent("sandbox_demo_client_secret", &random_secret())
            .await?;
        Some(ensure_demo_partner(&store, &demo_secret).await?)
    } else {
        None
    };
    // After the demo client exists: a sandbox emulator is seeded with every client.
    let registered =
        crate::providers::registered(&config, &store, &inbound_token, &public_url).await?;
    let providers = registered.providers;
    let emulator = registered.fincore_emulator;
    let demo_api_key = match demo_partner_id {
        Some(p) => {
            Some(ensure_demo_key(&store, &pepper, p, &config.server.data_dir, environment).await?)
        }
        None => None,
    };

    let gateway = GatewayConfig {
        environment: environment.into(),
        max_body_bytes: config.server.max_body_bytes,
        rate_limit_per_second: config.rate_limit.per_second,
        rate_limit_burst: config.rate_limit.burst,
        auth_failure_burst: config.rate_limit.auth_failures_burst,
        auth_failure_refill: Duration::from_millis(config.rate_limit.auth_failures_refill_ms),
        trusted_proxies: TrustedProxies::parse(&config.server.trusted_proxies)
            .map_err(|e| anyhow::anyhow!("server.trusted_proxies: {e}"))?,
        idempotency_ttl: Duration::from_secs(config.idempotency.ttl_s),
        idempotency_stale_after: Duration::from_secs(config.idempotency.stale_after_s),
        idempotency_wait: Duration::from_millis(config.idempotency.wait_ms),
        inbound_webhook_token: Secret::new(inbound_token.clone()),
        webhooks: delivery_config(&config),
    };
    let deliveries = Deliveries::start(store.clone(), gateway.webhooks.clone())?;
    let mut rate_limits = RateLimits::new(gateway.rate_limit_per_second, gateway.rate_limit_burst);
    if !config.rate_limit.redis_url.is_empty() {
        rate_limits = rate_limits.expecting_shared();
    }
    let state = Arc::new(AppState {
        rate_limits,
        auth_failures: AuthFailures::new(gateway.auth_failure_refill, gateway.auth_failure_burst),
        config: gateway,
        store: store.clone(),
        providers: providers.clone(),
        pepper: Secret::new(pepper),
        auth_cache: AuthCache::start(store.clone()),
        audit: AuditSink::start(store.clone()),
        deliveries,
        lifecycle: Default::default(),
    });

    share_rate_limits(&config, state.clone());
    let app = flux_gateway::router(state.clone());
    let (shutdown, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(async move {
        // With the peer's address: failed authentications are limited per client address.
        let app = app.into_make_service_with_connect_info::<std::net::SocketAddr>();
        let serve = axum::serve(listener, app).with_graceful_shutdown(async move {
            let _ = stopped.await;
        });
        if let Err(e) = serve.await {
            tracing::error!(error = %e, "server stopped");
        }
    });

    // Register Flux's inbound webhook URLs for every client. In sandbox the emulator reaches
    // Flux on loopback; live, only when FLUX_PUBLIC_URL says where the provider can reach it.
    if config.sandbox() || !config.fincore.public_url.is_empty() {
        attach_clients(&store, &providers, &public_url).await?;
    } else {
        tracing::warn!(
            "FLUX_PUBLIC_URL is not set: Flux's inbound webhook URLs are not registered at the providers"
        );
    }
    if !config.sandbox() {
        open_live_books(&store, &providers).await;
    }
    spawn_housekeeping(
        state.clone(),
        Duration::from_secs(config.webhooks.retention_days * 86_400),
    );
    let resolver = spawn_resolver(
        store.clone(),
        providers,
        config.resolver.config(),
        Duration::from_millis(config.resolver.interval_ms.max(10)),
        state.lifecycle.clone(),
    );

    Ok(Running {
        addr,
        store,
        emulator,
        demo_partner_id,
        demo_api_key,
        state,
        shutdown: Some(shutdown),
        server,
        resolver,
        drain: crate::shutdown::Drain::from_config(&config),
    })
}

/// Connects the per-key limits to Redis (`rate_limit.redis_url`), in the background and
/// retrying every second: Flux serves from the start with per-instance limits, as it does
/// whenever Redis does not answer (see `flux_gateway::shared_limits`).
fn share_rate_limits(config: &Config, state: Arc<AppState>) {
    let r = config.rate_limit.clone();
    if r.redis_url.is_empty() {
        return;
    }
    tokio::spawn(async move {
        use flux_gateway::shared_limits::SharedLimits;
        loop {
            match SharedLimits::connect(&r.redis_url, r.per_second, r.burst).await {
                Ok(shared) => {
                    tracing::info!("rate limits are shared through redis");
                    return state.rate_limits.share_through(shared);
                }
                Err(e) => {
                    tracing::warn!(error = %e, "redis unreachable: rate limits are per instance; retrying");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            }
        }
    });
}

/// The outbound webhook settings; sandbox lets partners point webhooks at their own laptop.
fn delivery_config(config: &Config) -> DeliveryConfig {
    let w = &config.webhooks;
    DeliveryConfig {
        workers: w.workers,
        per_endpoint: w.per_endpoint.max(1),
        timeout: Duration::from_millis(w.timeout_ms),
        retry: RetryPolicy {
            base: Duration::from_millis(w.retry_base_ms),
            max_retries: w.max_retries,
        },
        poll: Duration::from_millis(w.poll_ms.max(1)),
        secret_grace: Duration::from_secs(w.secret_grace_s),
        url_policy: UrlPolicy {
            allow_private: config.sandbox(),
            allowed_hosts: w.allowed_private_hosts.clone(),
        },
    }
}

/// Bounded background chores: expire idempotency keys, forget idle rate-limit buckets and
/// ended blocks of client addresses, drop finished webhook deliveries past their retention.
fn spawn_housekeeping(state: Arc<AppState>, delivery_retention: Duration) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(60));
        loop {
            tick.tick().await;
            state.rate_limits.shrink();
            state.auth_failures.shrink();
            if let Err(e) = state
                .store
                .purge_expired_idempotency(flux_core::time::now())
                .await
            {
                tracing::warn!(error = %e, "idempotency purge failed");
            }
            let before = flux_core::time::now() - delivery_retention;
            if let Err(e) = state.store.purge_deliveries(before).await {
                tracing::warn!(error = %e, "webhook delivery purge failed");
            }
        }
    });
}

/// Attaches every client to its provider (see [`flux_gateway::Provider::attach`]). A client
/// whose provider cannot be reached now is attached at the next start.
async fn attach_clients(
    store: &Store,
    providers: &Providers,
    public_url: &str,
) -> anyhow::Result<()> {
    for client in store.list_clients().await? {
        for link in &client.links {
            let Some(provider) = providers.by_name(&link.provider) else {
                tracing::warn!(client_id = %client.client_id, provider = %link.provider, "the client's provider is not registered");
                continue;
            };
            if let Err(e) = provider.attach(store, &client, public_url).await {
                tracing::warn!(client_id = %client.client_id, provider = %link.provider, error = %e, "could not register Flux's webhooks for a client");
            }
        }
    }
    Ok(())
}

/// Live mode: every client's books open from its balance at its provider, once (see
/// [`flux_gateway::Provider::open_books`]). A client its provider cannot be asked about now is
/// opened at the next start, or by `flux ledger open-balance`.
async fn open_live_books(store: &Store, providers: &Providers) {
    let clients = match store.list_clients().await {
        Ok(c) => c,
        Err(e) => return tracing::warn!(error = %e, "could not list clients to open their books"),
    };
    let linked = clients.iter().flat_map(|c| {
        c.links
            .iter()
            .filter_map(|l| providers.by_name(&l.provider))
            .map(move |p| (c, p))
    });
    for (client, provider) in linked {
        match provider.open_books(store, client).await {
            Ok(flux_gateway::provider::Opened::Booked { amount }) => {
                tracing::info!(client_id = %client.client_id, %amount, provider = provider.name(), "books opened from the provider's balance")
            }
            Ok(_) => {}
            Err(e) => {
                tracing::warn!(client_id = %client.client_id, error = %e, "could not open the client's books from its provider")
            }
        }
    }
}

/// Resolves movements left non-final too long, every `interval`, until draining starts.
fn spawn_resolver(
    store: Store,
    providers: Providers,
    config: flux_gateway::resolver::ResolverConfig,
    interval: Duration,
    lifecycle: flux_gateway::lifecycle::Lifecycle,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(interval);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            // The stop is heard only between rounds: a round re-sending or booking a
            // money-out is never cut in the middle.
            tokio::select! {
                biased;
                _ = lifecycle.draining() => return,
                _ = tick.tick() => {}
            }
            match flux_gateway::resolver::resolve(&store, &providers, &config).await {
                Ok(done) => {
                    for r in done {
                        tracing::info!(transaction_id = %r.transaction_id, kind = %r.kind, was = %r.was, now = ?r.now, action = %r.action, "resolver");
                    }
                }
                Err(e) => tracing::warn!(error = %e, "resolver round failed"),
            }
        }
    })
}
