//! Configuration: defaults (config/flux.default.toml documents each), then a file, then
//! `FLUX_*` environment variables, then command-line flags.

use serde::Deserialize;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub server: Server,
    pub rate_limit: RateLimit,
    pub idempotency: Idempotency,
    pub fincore: Fincore,
    pub felix: Felix,
    pub necipco: Necipco,
    pub sandbox: Sandbox,
    pub security: Security,
    pub webhooks: Webhooks,
    pub ledger: LedgerConfig,
    pub fidix: Fidix,
    pub resolver: Resolver,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Resolver {
    pub after_s: u64,
    pub interval_ms: u64,
    pub replay_until_s: u64,
    pub settlement_window_s: u64,
}

impl Default for Resolver {
    fn default() -> Self {
        Resolver {
            after_s: 120,
            interval_ms: 15_000,
            replay_until_s: 23 * 3600,
            settlement_window_s: 3600,
        }
    }
}

impl Resolver {
    pub fn config(&self) -> flux_gateway::resolver::ResolverConfig {
        flux_gateway::resolver::ResolverConfig {
            after: std::time::Duration::from_secs(self.after_s),
            replay_until: std::time::Duration::from_secs(self.replay_until_s),
            settlement_window: std::time::Duration::from_secs(self.settlement_window_s),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LedgerConfig {
    /// "fidix" (through the Fidi X connector; its emulator in sandbox) or "embedded".
    pub backend: String,
}

impl Default for LedgerConfig {
    fn default() -> Self {
        LedgerConfig {
            backend: "fidix".into(),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Fidix {
    pub url: String,
    pub client_id: String,
    pub client_secret: String,
    pub timeout_ms: u64,
}

impl Default for Fidix {
    fn default() -> Self {
        Fidix {
            url: String::new(),
            client_id: String::new(),
            client_secret: String::new(),
            timeout_ms: 10_000,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Webhooks {
    pub workers: usize,
    pub per_endpoint: usize,
    pub timeout_ms: u64,
    pub retry_base_ms: u64,
    pub max_retries: u32,
    pub poll_ms: u64,
    pub secret_grace_s: u64,
    pub allowed_private_hosts: Vec<String>,
    pub retention_days: u64,
}

impl Default for Webhooks {
    fn default() -> Self {
        Webhooks {
            workers: 64,
            per_endpoint: 8,
            timeout_ms: 15_000,
            retry_base_ms: 60_000,
            max_retries: 10,
            poll_ms: 1_000,
            secret_grace_s: 86_400,
            allowed_private_hosts: Vec::new(),
            retention_days: 30,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Server {
    pub addr: String,
    pub data_dir: PathBuf,
    pub database_url: String,
    pub max_body_bytes: usize,
    pub log_format: String,
    /// Proxies (addresses or networks) whose X-Forwarded-For names the client address.
    pub trusted_proxies: Vec<String>,
    /// On SIGTERM, how long /readyz answers 503 `draining` while requests are still served.
    pub drain_grace_ms: u64,
    /// Then, how long work in flight may take to finish before it is abandoned.
    pub shutdown_timeout_ms: u64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RateLimit {
    pub per_second: u32,
    pub burst: u32,
    /// Failed authentications one client address may have in a row before it gets 429.
    pub auth_failures_burst: u32,
    /// After the burst, one more failure is allowed every this many milliseconds.
    pub auth_failures_refill_ms: u64,
    /// Redis shared by every instance (`redis://127.0.0.1:6379`); empty: per instance.
    pub redis_url: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Idempotency {
    pub ttl_s: u64,
    pub stale_after_s: u64,
    pub wait_ms: u64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Fincore {
    pub url: String,
    pub api_key: String,
    pub timeout_ms: u64,
    pub webhook_token: String,
    pub public_url: String,
}

/// Félix (remittances); see `[felix]` in config/flux.default.toml.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Felix {
    pub url: String,
    pub email: String,
    pub password: String,
    pub timeout_ms: u64,
    pub callback_secret: String,
    pub poll_after_ms: u64,
}

/// NeCIPCo (card issuing); see `[necipco]` in config/flux.default.toml.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Necipco {
    pub url: String,
    pub api_key: String,
    pub password: String,
    pub timeout_ms: u64,
    /// `oaep_sha256` (default), `oaep_sha1` or `pkcs1v15`.
    pub padding: String,
    pub private_key_pem: String,
    /// CLABE of Flux's program funding account at NeCIPCo (treasury top-ups).
    pub funding_clabe: String,
}

impl Default for Necipco {
    fn default() -> Self {
        Necipco {
            url: String::new(),
            api_key: String::new(),
            password: String::new(),
            timeout_ms: 10_000,
            padding: "oaep_sha256".into(),
            private_key_pem: String::new(),
            funding_clabe: String::new(),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Sandbox {
    pub emulator_addr: String,
    pub fidix_emulator_addr: String,
    pub status_step_ms: u64,
    pub balance: String,
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct Security {
    pub api_key_pepper: String,
    pub secrets_key: String,
}

impl Default for Server {
    fn default() -> Self {
        Server {
            addr: "127.0.0.1:8000".into(),
            data_dir: PathBuf::from("./flux-data"),
            database_url: String::new(),
            max_body_bytes: 1024 * 1024,
            log_format: "json".into(),
            trusted_proxies: Vec::new(),
            drain_grace_ms: 1_000,
            shutdown_timeout_ms: 20_000,
        }
    }
}

impl Default for RateLimit {
    fn default() -> Self {
        RateLimit {
            per_second: 100,
            burst: 200,
            auth_failures_burst: 20,
            auth_failures_refill_ms: 1_000,
            redis_url: String::new(),
        }
    }
}

impl Default for Idempotency {
    fn default() -> Self {
        Idempotency {
            ttl_s: 86_400,
            stale_after_s: 120,
            wait_ms: 5_000,
        }
    }
}

impl Default for Fincore {
    fn default() -> Self {
        Fincore {
            url: String::new(),
            api_key: String::new(),
            timeout_ms: 10_000,
            webhook_token: String::new(),
            public_url: String::new(),
        }
    }
}

impl Default for Felix {
    fn default() -> Self {
        Felix {
            url: String::new(),
            email: String::new(),
            password: String::new(),
            timeout_ms: 10_000,
            callback_secret: String::new(),
            poll_after_ms: 300_000,
        }
    }
}

impl Default for Sandbox {
    fn default() -> Self {
        Sandbox {
            emulator_addr: "127.0.0.1:0".into(),
            fidix_emulator_addr: "127.0.0.1:0".into(),
            status_step_ms: 500,
            balance: "1000000.00".into(),
        }
    }
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

fn env_parse<T: std::str::FromStr>(name: &str, target: &mut T) -> anyhow::Result<()> {
    if let Some(v) = env(name) {
        *target = v
            .parse()
            .map_err(|_| anyhow::anyhow!("{name}={v} is not a valid value"))?;
    }
    Ok(())
}

/// A comma-separated environment list, blanks dropped.
fn comma_list(text: &str) -> Vec<String> {
    text.split(',')
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .collect()
}

impl Config {
    /// Defaults, then the file (if any), then the environment.
    pub fn load(file: Option<&Path>) -> anyhow::Result<Config> {
        let mut c = match file {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .map_err(|e| anyhow::anyhow!("reading {}: {e}", path.display()))?;
                toml::from_str(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?
            }
            None => Config::default(),
        };
        env_parse("FLUX_ADDR", &mut c.server.addr)?;
        env_parse("FLUX_DATA_DIR", &mut c.server.data_dir)?;
        env_parse("FLUX_DATABASE_URL", &mut c.server.database_url)?;
        env_parse("FLUX_MAX_BODY_BYTES", &mut c.server.max_body_bytes)?;
        env_parse("FLUX_LOG_FORMAT", &mut c.server.log_format)?;
        env_parse("FLUX_DRAIN_GRACE_MS", &mut c.server.drain_grace_ms)?;
        env_parse(
            "FLUX_SHUTDOWN_TIMEOUT_MS",
            &mut c.server.shutdown_timeout_ms,
        )?;
        env_parse("FLUX_RATE_LIMIT_PER_SECOND", &mut c.rate_limit.per_second)?;
        env_parse("FLUX_RATE_LIMIT_BURST", &mut c.rate_limit.burst)?;
        env_parse("FLUX_REDIS_URL", &mut c.rate_limit.redis_url)?;
        env_parse(
            "FLUX_RATE_LIMIT_AUTH_FAILURES_BURST",
            &mut c.rate_limit.auth_failures_burst,
        )?;
        env_parse(
            "FLUX_RATE_LIMIT_AUTH_FAILURES_REFILL_MS",
            &mut c.rate_limit.auth_failures_refill_ms,
        )?;
        if let Some(proxies) = env("FLUX_TRUSTED_PROXIES") {
            c.server.trusted_proxies = comma_list(&proxies);
        }
        env_parse("FLUX_IDEMPOTENCY_TTL_S", &mut c.idempotency.ttl_s)?;
        env_parse(
            "FLUX_IDEMPOTENCY_STALE_AFTER_S",
            &mut c.idempotency.stale_after_s,
        )?;
        env_parse("FLUX_FINCORE_URL", &mut c.fincore.url)?;
        env_parse("FLUX_FINCORE_API_KEY", &mut c.fincore.api_key)?;
        env_parse("FLUX_FINCORE_TIMEOUT_MS", &mut c.fincore.timeout_ms)?;
        env_parse("FLUX_FINCORE_WEBHOOK_TOKEN", &mut c.fincore.webhook_token)?;
        env_parse("FLUX_PUBLIC_URL", &mut c.fincore.public_url)?;
        env_parse("FLUX_FELIX_URL", &mut c.felix.url)?;
        env_parse("FLUX_FELIX_EMAIL", &mut c.felix.email)?;
        env_parse("FLUX_FELIX_PASSWORD", &mut c.felix.password)?;
        env_parse("FLUX_FELIX_TIMEOUT_MS", &mut c.felix.timeout_ms)?;
        env_parse("FLUX_FELIX_CALLBACK_SECRET", &mut c.felix.callback_secret)?;
        env_parse("FLUX_FELIX_POLL_AFTER_MS", &mut c.felix.poll_after_ms)?;
        env_parse("FLUX_NECIPCO_URL", &mut c.necipco.url)?;
        env_parse("FLUX_NECIPCO_API_KEY", &mut c.necipco.api_key)?;
        env_parse("FLUX_NECIPCO_PASSWORD", &mut c.necipco.password)?;
        env_parse("FLUX_NECIPCO_TIMEOUT_MS", &mut c.necipco.timeout_ms)?;
        env_parse("FLUX_NECIPCO_PADDING", &mut c.necipco.padding)?;
        env_parse("FLUX_NECIPCO_FUNDING_CLABE", &mut c.necipco.funding_clabe)?;
        env_parse(
            "FLUX_NECIPCO_PRIVATE_KEY_PEM",
            &mut c.necipco.private_key_pem,
        )?;
        env_parse("FLUX_SANDBOX_EMULATOR_ADDR", &mut c.sandbox.emulator_addr)?;
        env_parse("FLUX_SANDBOX_STATUS_STEP_MS", &mut c.sandbox.status_step_ms)?;
        env_parse("FLUX_SANDBOX_BALANCE", &mut c.sandbox.balance)?;
        env_parse(
            "FLUX_SANDBOX_FIDIX_EMULATOR_ADDR",
            &mut c.sandbox.fidix_emulator_addr,
        )?;
        env_parse("FLUX_LEDGER_BACKEND", &mut c.ledger.backend)?;
        env_parse("FLUX_FIDIX_URL", &mut c.fidix.url)?;
        env_parse("FLUX_FIDIX_CLIENT_ID", &mut c.fidix.client_id)?;
        env_parse("FLUX_FIDIX_CLIENT_SECRET", &mut c.fidix.client_secret)?;
        env_parse("FLUX_FIDIX_TIMEOUT_MS", &mut c.fidix.timeout_ms)?;
        env_parse("FLUX_API_KEY_PEPPER", &mut c.security.api_key_pepper)?;
        env_parse("FLUX_SECRETS_KEY", &mut c.security.secrets_key)?;
        env_parse("FLUX_WEBHOOK_WORKERS", &mut c.webhooks.workers)?;
        env_parse("FLUX_WEBHOOK_PER_ENDPOINT", &mut c.webhooks.per_endpoint)?;
        env_parse("FLUX_WEBHOOK_TIMEOUT_MS", &mut c.webhooks.timeout_ms)?;
        env_parse("FLUX_WEBHOOK_RETRY_BASE_MS", &mut c.webhooks.retry_base_ms)?;
        env_parse("FLUX_WEBHOOK_MAX_RETRIES", &mut c.webhooks.max_retries)?;
        env_parse("FLUX_WEBHOOK_POLL_MS", &mut c.webhooks.poll_ms)?;
        env_parse(
            "FLUX_WEBHOOK_SECRET_GRACE_S",
            &mut c.webhooks.secret_grace_s,
        )?;
        env_parse(
            "FLUX_WEBHOOK_RETENTION_DAYS",
            &mut c.webhooks.retention_days,
        )?;
        env_parse("FLUX_RESOLVER_AFTER_S", &mut c.resolver.after_s)?;
        env_parse("FLUX_RESOLVER_INTERVAL_MS", &mut c.resolver.interval_ms)?;
        env_parse(
            "FLUX_RESOLVER_REPLAY_UNTIL_S",
            &mut c.resolver.replay_until_s,
        )?;
        env_parse(
            "FLUX_RESOLVER_SETTLEMENT_WINDOW_S",
            &mut c.resolver.settlement_window_s,
        )?;
        if let Some(hosts) = env("FLUX_WEBHOOK_ALLOWED_PRIVATE_HOSTS") {
            c.webhooks.allowed_private_hosts = comma_list(&hosts);
        }
        Ok(c)
    }

    /// Sandbox when no Fincore URL is configured.
    pub fn sandbox(&self) -> bool {
        self.fincore.url.is_empty()
    }

    pub fn environment(&self) -> &'static str {
        if self.sandbox() {
            "test"
        } else {
            "live"
        }
    }

    pub fn database_url(&self) -> String {
        if self.server.database_url.is_empty() {
            format!(
                "sqlite://{}",
                self.server.data_dir.join("flux.db").display()
            )
        } else {
            self.server.database_url.clone()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_file_matches_defaults() {
        let text = include_str!("../../../config/flux.default.toml");
        let parsed: Config = toml::from_str(text).expect("the documented default config parses");
        let d = Config::default();
        assert_eq!(parsed.server.addr, d.server.addr);
        assert_eq!(parsed.server.max_body_bytes, d.server.max_body_bytes);
        assert_eq!(parsed.rate_limit.per_second, d.rate_limit.per_second);
        assert_eq!(parsed.rate_limit.burst, d.rate_limit.burst);
        assert_eq!(
            parsed.rate_limit.auth_failures_burst,
            d.rate_limit.auth_failures_burst
        );
        assert_eq!(
            parsed.rate_limit.auth_failures_refill_ms,
            d.rate_limit.auth_failures_refill_ms
        );
        assert_eq!(parsed.server.trusted_proxies, d.server.trusted_proxies);
        assert_eq!(parsed.server.drain_grace_ms, d.server.drain_grace_ms);
        assert_eq!(
            parsed.server.shutdown_timeout_ms,
            d.server.shutdown_timeout_ms
        );
        assert_eq!(parsed.idempotency.ttl_s, d.idempotency.ttl_s);
        assert_eq!(parsed.idempotency.wait_ms, d.idempotency.wait_ms);
        assert_eq!(parsed.fincore.timeout_ms, d.fincore.timeout_ms);
        assert_eq!(parsed.sandbox.balance, d.sandbox.balance);
        assert_eq!(parsed.webhooks.retry_base_ms, d.webhooks.retry_base_ms);
        assert_eq!(parsed.webhooks.max_retries, d.webhooks.max_retries);
        assert_eq!(parsed.webhooks.timeout_ms, d.webhooks.timeout_ms);
        assert_eq!(parsed.webhooks.workers, d.webhooks.workers);
        assert_eq!(parsed.webhooks.per_endpoint, d.webhooks.per_endpoint);
        assert_eq!(parsed.resolver.after_s, d.resolver.after_s);
        assert_eq!(parsed.resolver.interval_ms, d.resolver.interval_ms);
        assert_eq!(parsed.resolver.replay_until_s, d.resolver.replay_until_s);
        assert!(parsed.sandbox());
    }
}
