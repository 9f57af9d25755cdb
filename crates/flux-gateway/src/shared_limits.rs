//! Rate limits shared by every Flux instance, in Redis (`FLUX_REDIS_URL`): one GCRA state per
//! API key (its theoretical arrival time, in microseconds of Redis's own clock), read and
//! updated by one Lua script in one round trip, so N instances give a key its limit once, not
//! N times. The decision has the same shape as the per-instance one, so the `RateLimit`
//! headers and `Retry-After` do not change.
//!
//! **Failing open.** When Redis does not answer (down, unreachable, slower than
//! [`TIMEOUT`]), the request is limited by the instance's own limiter instead, the change is
//! logged once, `/readyz` says `rate_limits: "local"` and `flux_rate_limits_shared` is 0. It
//! is asked again at most once a second and shared limits resume when it answers. A gateway
//! that refused all traffic because its rate-limit store was down would turn a cache outage
//! into a payments outage; a key may briefly get its limit once per instance instead.

use crate::rate_limit::{whole_seconds, Decision};
use parking_lot::Mutex;
use redis::aio::ConnectionManager;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};
use uuid::Uuid;

/// How long a request waits for Redis before it is limited locally.
pub const TIMEOUT: Duration = Duration::from_millis(100);

/// How often an unreachable Redis is tried again.
const RETRY_EVERY: Duration = Duration::from_secs(1);

/// GCRA: a request is allowed when its new theoretical arrival time, less the burst's
/// tolerance, is not in the future. Returns {allowed, remaining, microseconds until reset or
/// until allowed}. TIME is Redis's clock, the same for every instance.
const GCRA: &str = r#"
local emission = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local tolerance = emission * burst
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
if tat < now then tat = now end
local new_tat = tat + emission
local allow_at = new_tat - tolerance
if allow_at > now then
  return {0, 0, allow_at - now}
end
redis.call('SET', KEYS[1], new_tat, 'PX', math.ceil(tolerance / 1000) + 1000)
return {1, math.floor((now - allow_at) / emission), new_tat - now}
"#;

pub struct SharedLimits {
    redis: ConnectionManager,
    script: redis::Script,
    per_second: u32,
    burst: u32,
    healthy: AtomicBool,
    last_try: Mutex<Option<Instant>>,
}

impl SharedLimits {
    /// Connects to Redis; an error when the URL is malformed or Redis cannot be reached now.
    pub async fn connect(url: &str, per_second: u32, burst: u32) -> anyhow::Result<Self> {
        let client = redis::Client::open(url)?;
        let config = redis::aio::ConnectionManagerConfig::new()
            .set_connection_timeout(TIMEOUT)
            .set_response_timeout(TIMEOUT)
            .set_number_of_retries(0);
        let redis = ConnectionManager::new_with_config(client, config).await?;
        metrics::gauge!("flux_rate_limits_shared").set(1.0);
        Ok(SharedLimits {
            redis,
            script: redis::Script::new(GCRA),
            per_second: per_second.max(1),
            burst: burst.max(1),
            healthy: AtomicBool::new(true),
            last_try: Mutex::new(None),
        })
    }

    /// Whether the last word from Redis was an answer.
    pub fn healthy(&self) -> bool {
        self.healthy.load(Ordering::Relaxed)
    }

    /// Asks Redis for a PING (at most [`TIMEOUT`]) and records the answer like a request's:
    /// `/readyz` calls it, so that it tells Redis's state by itself rather than only after a
    /// rate-limited request noticed. Shared limits resume on the next request after a PONG.
    pub async fn probe(&self) -> bool {
        let mut conn = self.redis.clone();
        let ping = redis::cmd("PING");
        let answer = tokio::time::timeout(TIMEOUT, ping.query_async::<String>(&mut conn)).await;
        match answer {
            Ok(Ok(_)) => {
                self.mark(true, None);
                true
            }
            Ok(Err(e)) => self.mark(false, Some(e.to_string())).is_some(),
            Err(_) => self.mark(false, Some("timed out".into())).is_some(),
        }
    }

    /// The shared decision for `key`, or None when Redis cannot give one now (the caller
    /// limits locally).
    pub async fn check(&self, key: Uuid) -> Option<Decision> {
        if !self.healthy() && !self.time_to_retry() {
            return None;
        }
        let emission = 1_000_000 / u64::from(self.per_second);
        let mut conn = self.redis.clone();
        let mut call = self.script.key(format!("flux:rate:{key}"));
        call.arg(emission).arg(self.burst);
        let answer = tokio::time::timeout(TIMEOUT, call.invoke_async::<(i64, i64, i64)>(&mut conn));
        match answer.await {
            Ok(Ok((allowed, remaining, wait_us))) => {
                self.mark(true, None);
                Some(self.decision(allowed == 1, remaining, wait_us))
            }
            Ok(Err(e)) => self.mark(false, Some(e.to_string())),
            Err(_) => self.mark(false, Some("timed out".into())),
        }
    }

    fn decision(&self, allowed: bool, remaining: i64, wait_us: i64) -> Decision {
        let wait = Duration::from_micros(wait_us.max(0) as u64);
        Decision {
            allowed,
            limit: self.burst,
            remaining: u32::try_from(remaining.max(0))
                .unwrap_or(u32::MAX)
                .min(self.burst),
            reset_s: if allowed {
                wait.as_secs_f64().ceil() as u64
            } else {
                whole_seconds(wait)
            },
            policy: format!("{};w=1;burst={}", self.per_second, self.burst),
        }
    }

    /// Records Redis's health, logging and counting only the changes. Returns None, for the
    /// error path's convenience.
    fn mark(&self, healthy: bool, error: Option<String>) -> Option<Decision> {
        let was = self.healthy.swap(healthy, Ordering::Relaxed);
        if was != healthy {
            metrics::gauge!("flux_rate_limits_shared").set(if healthy { 1.0 } else { 0.0 });
            match error {
                Some(e) => {
                    tracing::warn!(error = %e, "redis unreachable: rate limits are per instance until it answers")
                }
                None => tracing::info!("redis answers again: rate limits are shared"),
            }
        }
        if !healthy {
            *self.last_try.lock() = Some(Instant::now());
        }
        None
    }

    fn time_to_retry(&self) -> bool {
        let mut last = self.last_try.lock();
        match *last {
            Some(at) if at.elapsed() < RETRY_EVERY => false,
            _ => {
                *last = Some(Instant::now());
                true
            }
        }
    }
}
