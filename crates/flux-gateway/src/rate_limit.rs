//! Per-API-key rate limiting with GCRA (the `governor` crate): a sustained rate and a burst.
//! Every answer carries `RateLimit-Policy` and `RateLimit` (IETF draft headers); a refused
//! request gets 429 with `Retry-After`. Limits are per Flux instance; see the README for
//! running several instances.

use governor::{
    clock::{Clock, DefaultClock},
    middleware::StateInformationMiddleware,
    state::keyed::DefaultKeyedStateStore,
    Quota, RateLimiter,
};
use std::num::NonZeroU32;
use uuid::Uuid;

type Limiter =
    RateLimiter<Uuid, DefaultKeyedStateStore<Uuid>, DefaultClock, StateInformationMiddleware>;

pub struct RateLimits {
    limiter: Limiter,
    burst: u32,
    per_second: u32,
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

impl RateLimits {
    pub fn new(per_second: u32, burst: u32) -> Self {
        let per_second_nz = NonZeroU32::new(per_second.max(1)).unwrap_or(NonZeroU32::MIN);
        let burst_nz = NonZeroU32::new(burst.max(1)).unwrap_or(NonZeroU32::MIN);
        let quota = Quota::per_second(per_second_nz).allow_burst(burst_nz);
        RateLimits {
            limiter: RateLimiter::keyed(quota).with_middleware::<StateInformationMiddleware>(),
            burst: burst.max(1),
            per_second: per_second.max(1),
        }
    }

    pub fn check(&self, key: Uuid) -> Decision {
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
                    reset_s: wait.as_secs_f64().ceil().max(1.0) as u64,
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
