//! Per-API-key rate limiting with GCRA (the `governor` crate): a sustained rate and a burst.
//! Every answer carries `RateLimit-Policy` and `RateLimit` (IETF draft headers); a refused
//! request gets 429 with `Retry-After`. With Redis configured the limits are shared by every
//! instance ([`crate::shared_limits`]); without it, or while it is unreachable, each instance
//! limits on its own.
//!
//! Failed authentications are limited per client address ([`AuthFailures`]), so that an
//! address guessing keys is stopped before its guesses cost a key lookup each.

use crate::client_addr::ClientAddr;
use crate::error::ApiError;
use axum::http::StatusCode;
use governor::{
    clock::{Clock, DefaultClock},
    middleware::StateInformationMiddleware,
    state::keyed::DefaultKeyedStateStore,
    Quota, RateLimiter,
};
use parking_lot::Mutex;
use std::collections::HashMap;
use std::num::NonZeroU32;
use std::time::{Duration, Instant};
use uuid::Uuid;

type Limiter =
    RateLimiter<Uuid, DefaultKeyedStateStore<Uuid>, DefaultClock, StateInformationMiddleware>;

pub struct RateLimits {
    limiter: Limiter,
    burst: u32,
    per_second: u32,
    /// Set once Redis was reached; `expect_shared` says it was configured.
    shared: std::sync::OnceLock<crate::shared_limits::SharedLimits>,
    expect_shared: bool,
}

/// The decision for one request, with what the headers must say.
pub struct Decision {
    pub allowed: bool,
    pub limit: u32,
    pub remaining: u32,
    /// Seconds until a request will be allowed (refused) or the bucket refills (allowed).
    pub reset_s: u64,
    pub policy: String,
}

/// A sustained rate and a burst, each at least 1.
fn quota(per_second: u32, burst: u32) -> Quota {
    let per_second_nz = NonZeroU32::new(per_second.max(1)).unwrap_or(NonZeroU32::MIN);
    let burst_nz = NonZeroU32::new(burst.max(1)).unwrap_or(NonZeroU32::MIN);
    Quota::per_second(per_second_nz).allow_burst(burst_nz)
}

/// Seconds to announce in `Retry-After`: whole, and at least one.
pub(crate) fn whole_seconds(wait: Duration) -> u64 {
    wait.as_secs_f64().ceil().max(1.0) as u64
}

impl RateLimits {
    pub fn new(per_second: u32, burst: u32) -> Self {
        let quota = quota(per_second, burst);
        RateLimits {
            limiter: RateLimiter::keyed(quota).with_middleware::<StateInformationMiddleware>(),
            burst: burst.max(1),
            per_second: per_second.max(1),
            shared: std::sync::OnceLock::new(),
            expect_shared: false,
        }
    }

    /// Redis is configured: until [`RateLimits::share_through`] is called, limits are local
    /// and `/readyz` says so.
    pub fn expecting_shared(mut self) -> Self {
        self.expect_shared = true;
        self
    }

    /// Shares the limits through Redis from now on, falling back to this instance's own
    /// whenever it does not answer.
    pub fn share_through(&self, shared: crate::shared_limits::SharedLimits) {
        let _ = self.shared.set(shared);
    }

    /// "shared" (Redis answers), "local" (Redis configured but not answering) or
    /// "instance" (no Redis configured): for `/readyz`.
    pub fn mode(&self) -> &'static str {
        match self.shared.get() {
            Some(s) if s.healthy() => "shared",
            Some(_) => "local",
            None if self.expect_shared => "local",
            None => "instance",
        }
    }

    /// For `/readyz`: asks Redis now, when one is configured, and says what it found:
    /// `reachable`, or `unreachable, per-instance limits` (failing open, see
    /// [`crate::shared_limits`]). None without Redis.
    pub async fn redis_state(&self) -> Option<&'static str> {
        let reachable = match self.shared.get() {
            Some(s) => s.probe().await,
            None if self.expect_shared => false,
            None => return None,
        };
        Some(if reachable {
            "reachable"
        } else {
            "unreachable, per-instance limits"
        })
    }

    /// The decision for one request of `key`: shared when Redis answers, else local.
    pub async fn check(&self, key: Uuid) -> Decision {
        if let Some(shared) = self.shared.get() {
            if let Some(decision) = shared.check(key).await {
                return decision;
            }
        }
        self.check_local(key)
    }

    fn check_local(&self, key: Uuid) -> Decision {
        let policy = format!("{};w=1;burst={}", self.per_second, self.burst);
        match self.limiter.check_key(&key) {
            Ok(snapshot) => {
                let remaining = snapshot.remaining_burst_capacity();
                let refill_s = u64::from(self.burst - remaining.min(self.burst))
                    .div_ceil(u64::from(self.per_second));
                Decision {
                    allowed: true,
                    limit: self.burst,
                    remaining,
                    reset_s: refill_s,
                    policy,
                }
            }
            Err(not_until) => {
                let wait = not_until.wait_time_from(DefaultClock::default().now());
                Decision {
                    allowed: false,
                    limit: self.burst,
                    remaining: 0,
                    reset_s: whole_seconds(wait),
                    policy,
                }
            }
        }
    }

    /// Drops state of keys that are back at full capacity, to bound memory.
    pub fn shrink(&self) {
        self.limiter.retain_recent();
    }
}

type AddrLimiter = RateLimiter<ClientAddr, DefaultKeyedStateStore<ClientAddr>, DefaultClock>;

/// Failed authentications per client address (GCRA over failures only): an address may fail
/// `burst` times in a row, then once every `refill`. Past that, every request from the
/// address is refused with 429 before its key is looked at, until a failure would be allowed
/// again; requests that authenticate cost nothing. The address comes from
/// [`crate::client_addr`].
pub struct AuthFailures {
    failures: AddrLimiter,
    /// Addresses refused, and until when: governor cannot tell whether a key is over its limit
    /// without spending a cell, which a request that then authenticates must not do.
    blocked: Mutex<HashMap<ClientAddr, Instant>>,
    burst: u32,
    refill: Duration,
}

impl AuthFailures {
    pub fn new(refill: Duration, burst: u32) -> Self {
        let refill = refill.max(Duration::from_millis(1));
        let burst = burst.max(1);
        let quota = Quota::with_period(refill)
            .unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN))
            .allow_burst(NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN));
        AuthFailures {
            failures: RateLimiter::keyed(quota),
            blocked: Mutex::new(HashMap::new()),
            burst,
            refill,
        }
    }

    /// Before the key is checked: refused while the address is blocked.
    pub fn admit(&self, addr: ClientAddr) -> Result<(), AuthRefusal> {
        let mut blocked = self.blocked.lock();
        let Some(until) = blocked.get(&addr).copied() else {
            return Ok(());
        };
        match until.checked_duration_since(Instant::now()) {
            Some(wait) if !wait.is_zero() => Err(self.refusal(addr, wait)),
            _ => {
                blocked.remove(&addr);
                Ok(())
            }
        }
    }

    /// After a failed authentication: counted; past the burst the address is blocked and this
    /// request is refused too.
    pub fn failed(&self, addr: ClientAddr) -> Result<(), AuthRefusal> {
        let Err(not_until) = self.failures.check_key(&addr) else {
            return Ok(());
        };
        let wait = not_until.wait_time_from(DefaultClock::default().now());
        self.blocked.lock().insert(addr, Instant::now() + wait);
        tracing::warn!(client = %addr, retry_after_s = whole_seconds(wait), "too many failed authentications from one address");
        Err(self.refusal(addr, wait))
    }

    fn refusal(&self, addr: ClientAddr, wait: Duration) -> AuthRefusal {
        AuthRefusal {
            addr,
            decision: Decision {
                allowed: false,
                limit: self.burst,
                remaining: 0,
                reset_s: whole_seconds(wait),
                // One failure per window of `refill`, in whole seconds as the header wants.
                policy: format!("1;w={};burst={}", whole_seconds(self.refill), self.burst),
            },
        }
    }

    /// Forgets addresses whose blocks ended and whose failures are forgiven, to bound memory.
    pub fn shrink(&self) {
        let now = Instant::now();
        self.blocked.lock().retain(|_, until| *until > now);
        self.failures.retain_recent();
    }
}

/// A request refused because its address failed to authenticate too often.
pub struct AuthRefusal {
    addr: ClientAddr,
    /// What the `RateLimit` headers say.
    pub decision: Decision,
}

impl AuthRefusal {
    /// 429 `auth_rate_limited`, with `Retry-After`.
    pub fn error(&self) -> ApiError {
        let retry = self.decision.reset_s;
        let mut e = ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "auth_rate_limited",
            "Too many failed authentications",
        )
        .detail(format!(
            "too many requests from {} had a missing or invalid API key; retry in {retry} s",
            self.addr
        ));
        e.retry_after_s = Some(retry);
        e
    }
}
