//! The ATM PIN lockout. The seed: "If there is more than 5 wrong attempts, the service is going
//! to be blocked temporaly, increasing the blocking time each 5 wrong attempts." Design:
//!
//! - every wrong ATM PIN counts: validation, update's `old_pin`, withdrawal and purchase PINs,
//!   the CVC request, and `authenticate`'s two PIN digits (all of them guess the same PIN);
//! - after the 5th consecutive wrong attempt the PIN is blocked (so a 6th attempt is refused
//!   without being checked), for `base`; after the 10th for `2 × base`, the 15th `4 × base`, …
//!   (doubling, capped at 64 × base);
//! - while blocked every PIN check is refused (429, code PinLocked), right PIN or not;
//! - a right PIN resets the count; setting a new PIN (`POST /cards/pin`) resets it too.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// Wrong attempts that trigger a block.
pub const ATTEMPTS_PER_BLOCK: u32 = 5;
const MAX_DOUBLINGS: u32 = 6;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PinGuard {
    /// Consecutive wrong attempts.
    pub failures: u32,
    pub locked_until: Option<DateTime<Utc>>,
}

impl PinGuard {
    /// How long the PIN stays blocked, if it is.
    pub fn locked_for(&self, now: DateTime<Utc>) -> Option<Duration> {
        let until = self.locked_until?;
        (until > now).then(|| (until - now).to_std().unwrap_or_default())
    }

    /// Records a wrong attempt; returns the block it started, if any.
    pub fn fail(&mut self, now: DateTime<Utc>, base: Duration) -> Option<Duration> {
        self.failures += 1;
        if !self.failures.is_multiple_of(ATTEMPTS_PER_BLOCK) {
            return None;
        }
        let doublings = (self.failures / ATTEMPTS_PER_BLOCK - 1).min(MAX_DOUBLINGS);
        let block = base * 2u32.pow(doublings);
        let span = chrono::Duration::from_std(block).unwrap_or(chrono::Duration::MAX);
        self.locked_until = now.checked_add_signed(span);
        Some(block)
    }

    pub fn succeed(&mut self) {
        *self = PinGuard::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_grow_every_five_failures() {
        let base = Duration::from_secs(60);
        let now = Utc::now();
        let mut g = PinGuard::default();
        for _ in 0..4 {
            assert_eq!(g.fail(now, base), None);
        }
        assert_eq!(g.fail(now, base), Some(base));
        assert!(g.locked_for(now).is_some());
        let later = now + chrono::Duration::seconds(61);
        assert!(g.locked_for(later).is_none());
        for _ in 0..4 {
            assert_eq!(g.fail(later, base), None);
        }
        assert_eq!(g.fail(later, base), Some(base * 2));
        g.succeed();
        assert_eq!(g, PinGuard::default());
    }
}
