//! When to try again. The Félix seed's schedule: wait 60 s after the first failure, doubling
//! with each retry, at most 10 retries. Jitter (up to +20 %) keeps a fleet of deliveries that
//! failed together (a partner outage) from retrying in lockstep; it only ever lengthens a wait,
//! so intervals keep growing. A `Retry-After` from the partner is a floor, capped at a day.

use chrono::{DateTime, Utc};
use std::time::Duration;

#[derive(Debug, Clone)]
pub struct RetryPolicy {
    /// The wait after the first failed attempt.
    pub base: Duration,
    /// Retries after the first attempt (so `max_retries + 1` attempts in all).
    pub max_retries: u32,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            base: Duration::from_secs(60),
            max_retries: 10,
        }
    }
}

const MAX_RETRY_AFTER: Duration = Duration::from_secs(86_400);

impl RetryPolicy {
    /// The wait after `failed` consecutive failed attempts (1 = the first attempt failed),
    /// before jitter.
    pub fn backoff(&self, failed: u32) -> Duration {
        let doublings = failed.saturating_sub(1).min(30);
        self.base.saturating_mul(1u32 << doublings)
    }

    /// The wait with jitter in [0, 20 %) added.
    pub fn backoff_jittered(&self, failed: u32) -> Duration {
        let wait = self.backoff(failed);
        wait + wait.mul_f64(rand::random::<f64>() * 0.2)
    }

    /// Attempts allowed for a delivery with this (optional) budget.
    pub fn attempts_allowed(&self, budget: Option<i64>) -> i64 {
        budget.unwrap_or(i64::from(self.max_retries) + 1)
    }
}

/// Parses `Retry-After`: delay-seconds or an HTTP date.
pub fn retry_after(value: &str, now: DateTime<Utc>) -> Option<Duration> {
    let value = value.trim();
    let wait = if let Ok(secs) = value.parse::<u64>() {
        Duration::from_secs(secs)
    } else {
        let at = DateTime::parse_from_rfc2822(value).ok()?;
        (at.with_timezone(&Utc) - now).to_std().unwrap_or_default()
    };
    Some(wait.min(MAX_RETRY_AFTER))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_from_the_base_and_jitter_only_lengthens() {
        let p = RetryPolicy::default();
        assert_eq!(p.backoff(1), Duration::from_secs(60));
        assert_eq!(p.backoff(2), Duration::from_secs(120));
        assert_eq!(p.backoff(10), Duration::from_secs(60 * 512));
        for n in 1..=10 {
            let j = p.backoff_jittered(n);
            assert!(j >= p.backoff(n) && j < p.backoff(n).mul_f64(1.2));
        }
        assert_eq!(p.attempts_allowed(None), 11);
        assert_eq!(p.attempts_allowed(Some(3)), 3);
    }

    #[test]
    fn reads_retry_after_in_both_forms() {
        let now = DateTime::parse_from_rfc3339("2015-10-21T07:28:00Z")
            .map(|t| t.with_timezone(&Utc))
            .ok();
        let now = now.unwrap_or_else(Utc::now);
        assert_eq!(retry_after("120", now), Some(Duration::from_secs(120)));
        assert_eq!(
            retry_after("Wed, 21 Oct 2015 07:30:00 GMT", now),
            Some(Duration::from_secs(120))
        );
        assert_eq!(
            retry_after("999999999", now),
            Some(Duration::from_secs(86_400))
        );
        assert_eq!(retry_after("soon", now), None);
    }
}
