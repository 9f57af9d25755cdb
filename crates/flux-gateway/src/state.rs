//! What every handler shares.

use crate::audit::AuditSink;
use crate::rate_limit::RateLimits;
use flux_core::Secret;
use flux_store::Store;
use std::sync::Arc;
use std::time::Duration;

/// Gateway settings (the `flux` binary fills them from the config file and environment).
#[derive(Debug, Clone)]
pub struct GatewayConfig {
    /// "test" (sandbox) or "live": the API key prefix and the sandbox endpoints depend on it.
    pub environment: String,
    /// Largest request body accepted, in bytes (413 above).
    pub max_body_bytes: usize,
    /// Sustained requests per second per API key.
    pub rate_limit_per_second: u32,
    /// Requests an API key may send at once above the sustained rate.
    pub rate_limit_burst: u32,
    /// Failed authentications one client address may have in a row before it gets 429.
    pub auth_failure_burst: u32,
    /// After the burst, one more failure is allowed every this long.
    pub auth_failure_refill: Duration,
    /// Proxies whose `X-Forwarded-For` names the client address.
    pub trusted_proxies: crate::client_addr::TrustedProxies,
    /// How long an idempotency key's answer is kept.
    pub idempotency_ttl: Duration,
    /// An in-flight idempotency claim older than this belonged to a process that died.
    pub idempotency_stale_after: Duration,
    /// How long an identical request waits for one in flight before answering 409.
    pub idempotency_wait: Duration,
    /// The token inbound provider webhooks must send in `X-Webhook-Token` (one shared secret
    /// today, configured as `fincore.webhook_token`).
    pub inbound_webhook_token: Secret<String>,
    /// Outbound webhook delivery to partners.
    pub webhooks: crate::delivery::DeliveryConfig,
}

impl GatewayConfig {
    pub fn sandbox(&self) -> bool {
        self.environment == "test"
    }
}

pub struct AppState {
    pub config: GatewayConfig,
    pub store: Store,
    /// Every registered provider; the core reaches them only through the seam.
    pub providers: crate::provider::Providers,
    pub pepper: Secret<Vec<u8>>,
    /// API keys and clients from memory, dropped within a second of any change.
    pub auth_cache: Arc<crate::auth_cache::AuthCache>,
    pub audit: AuditSink,
    pub rate_limits: RateLimits,
    pub auth_failures: crate::rate_limit::AuthFailures,
    /// The outbound webhook engine (to wake it when something is queued).
    pub deliveries: Arc<crate::delivery::Deliveries>,
    /// Draining (a stop was asked for): `/readyz` answers 503 until the listener closes.
    pub lifecycle: crate::lifecycle::Lifecycle,
}

pub type SharedState = Arc<AppState>;
