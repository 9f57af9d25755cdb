//! The life of a money movement, as types: its kind, its status, and the one function that says
//! what a reported status does to a transaction in a given status.
//!
//! ```text
//!  SUBMITTING ──► UNKNOWN ──┐            (Flux recorded the intent; the provider's answer
//!      │                    │             was lost, or has not come yet)
//!      ├──► INITIALIZED ──► PENDING ──► COMPLETED ──► RETURNED
//!      │        │             │  (any of these may be skipped by a provider)
//!      │        └─────────────┴──► REJECTED
//!      └──► FAILED                     (the provider refused the request outright)
//! ```
//!
//! - COMPLETED, REJECTED, FAILED and RETURNED are final; nothing moves a final status except a
//!   return, which only a COMPLETED outbound movement can take.
//! - A report that would move a transaction backwards (a late PENDING after COMPLETED, which
//!   any provider retry can cause) is stale: kept, never applied.
//! - A REJECTED after COMPLETED is a SPEI return (devolución): the transaction becomes RETURNED
//!   and the books post the reversal. It is never a silent change of status.
//! - Anything else (COMPLETED after REJECTED, a status nobody documented) is illegal: kept for
//!   an operator, never applied.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// What kind of movement a transaction is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TxKind {
    /// Money received (a SPEI credit).
    MoneyIn,
    /// Money sent (a SPEI transfer).
    MoneyOut,
    /// A received payment sent back to its payer.
    Refund,
}

impl TxKind {
    pub const ALL: [TxKind; 3] = [TxKind::MoneyIn, TxKind::MoneyOut, TxKind::Refund];

    pub fn as_str(self) -> &'static str {
        match self {
            TxKind::MoneyIn => "MONEY_IN",
            TxKind::MoneyOut => "MONEY_OUT",
            TxKind::Refund => "REFUND",
        }
    }

    /// Money leaves the client's funds (and is held until the provider settles it).
    pub fn is_outbound(self) -> bool {
        matches!(self, TxKind::MoneyOut | TxKind::Refund)
    }
}

/// Where a transaction stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TxStatus {
    /// Flux recorded the intent and is asking the provider.
    Submitting,
    /// The provider's answer was lost (timeout, 5xx): the resolver finds out.
    Unknown,
    Initialized,
    Pending,
    Completed,
    /// The receiving side refused the transfer; the money came back.
    Rejected,
    /// The provider refused the request; no money moved.
    Failed,
    /// Completed, then returned by the receiving bank (a SPEI devolución).
    Returned,
}

impl TxStatus {
    pub const ALL: [TxStatus; 8] = [
        TxStatus::Submitting,
        TxStatus::Unknown,
        TxStatus::Initialized,
        TxStatus::Pending,
        TxStatus::Completed,
        TxStatus::Rejected,
        TxStatus::Failed,
        TxStatus::Returned,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TxStatus::Submitting => "SUBMITTING",
            TxStatus::Unknown => "UNKNOWN",
            TxStatus::Initialized => "INITIALIZED",
            TxStatus::Pending => "PENDING",
            TxStatus::Completed => "COMPLETED",
            TxStatus::Rejected => "REJECTED",
            TxStatus::Failed => "FAILED",
            TxStatus::Returned => "RETURNED",
        }
    }

    /// Nothing but a return ever changes it again.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            TxStatus::Completed | TxStatus::Rejected | TxStatus::Failed | TxStatus::Returned
        )
    }

    /// Ended without money moving (an outbound movement's hold is released).
    pub fn is_failure(self) -> bool {
        matches!(self, TxStatus::Rejected | TxStatus::Failed)
    }

    /// How far along the happy path a status is; later reports of an earlier stage are stale.
    fn stage(self) -> u8 {
        match self {
            TxStatus::Submitting | TxStatus::Unknown => 0,
            TxStatus::Initialized => 1,
            TxStatus::Pending => 2,
            TxStatus::Completed | TxStatus::Rejected | TxStatus::Failed => 3,
            TxStatus::Returned => 4,
        }
    }
}

/// What a reported status does to a transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transition {
    /// Move to this status.
    To(TxStatus),
    /// The report repeats the current status: nothing to do.
    Same,
    /// The report is older than what Flux knows (a late PENDING after COMPLETED): ignored.
    Stale,
    /// The report contradicts a final status, or is not a status this kind can take: kept for
    /// an operator, never applied.
    Illegal,
}

impl Transition {
    /// The status the transaction ends in, if it changes.
    pub fn target(self) -> Option<TxStatus> {
        match self {
            Transition::To(s) => Some(s),
            _ => None,
        }
    }
}

/// What a provider's report of `reported` does to a `kind` transaction now in `current`.
pub fn transition(kind: TxKind, current: TxStatus, reported: TxStatus) -> Transition {
    use TxStatus::*;
    if reported == current {
        return Transition::Same;
    }
    // Flux's own statuses are never something a provider reports.
    if matches!(reported, Submitting | Unknown) {
        return match (current, reported) {
            (Submitting, Unknown) => Transition::To(Unknown),
            (c, _) if c.stage() > 0 => Transition::Stale,
            _ => Transition::Same,
        };
    }
    if kind == TxKind::MoneyIn {
        // A credit is recorded when it arrives, complete; a provider never moves it.
        return Transition::Illegal;
    }
    match (current, reported) {
        // A SPEI return: the receiving bank sent a completed transfer back.
        (Completed, Rejected | Returned) => Transition::To(Returned),
        (Returned, Rejected) => Transition::Same,
        (Returned, _) => Transition::Stale,
        // A final status contradicted (COMPLETED after REJECTED, REJECTED after FAILED…).
        (c, r) if c.is_final() && r.stage() >= c.stage() => Transition::Illegal,
        (c, _) if c.is_final() => Transition::Stale,
        // A return reported before the completion it undoes cannot be applied.
        (_, Returned) => Transition::Illegal,
        (c, r) if r.stage() < c.stage() => Transition::Stale,
        (_, r) => Transition::To(r),
    }
}

impl fmt::Display for TxKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for TxStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Compares with the wire text, so a test or a filter can say `status == "COMPLETED"`.
impl PartialEq<&str> for TxStatus {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<&str> for TxKind {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// A kind or status text that is not one of Flux's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a known value")]
pub struct UnknownValue(pub String);

impl FromStr for TxKind {
    type Err = UnknownValue;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        TxKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| UnknownValue(s.to_string()))
    }
}

impl FromStr for TxStatus {
    type Err = UnknownValue;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        TxStatus::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| UnknownValue(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::TxStatus::*;
    use super::*;

    fn out(current: TxStatus, reported: TxStatus) -> Transition {
        transition(TxKind::MoneyOut, current, reported)
    }

    #[test]
    fn the_happy_path_moves_forward_and_may_skip() {
        assert_eq!(out(Submitting, Initialized), Transition::To(Initialized));
        assert_eq!(out(Unknown, Pending), Transition::To(Pending));
        assert_eq!(out(Initialized, Pending), Transition::To(Pending));
        assert_eq!(out(Initialized, Completed), Transition::To(Completed));
        assert_eq!(out(Pending, Rejected), Transition::To(Rejected));
        assert_eq!(out(Submitting, Failed), Transition::To(Failed));
    }

    #[test]
    fn late_reports_are_stale_and_final_states_hold() {
        assert_eq!(out(Completed, Pending), Transition::Stale);
        assert_eq!(out(Completed, Initialized), Transition::Stale);
        assert_eq!(out(Pending, Initialized), Transition::Stale);
        assert_eq!(out(Rejected, Pending), Transition::Stale);
        assert_eq!(out(Completed, Unknown), Transition::Stale);
        assert_eq!(out(Returned, Completed), Transition::Stale);
        assert_eq!(out(Completed, Completed), Transition::Same);
    }

    #[test]
    fn a_rejection_after_completion_is_a_return() {
        assert_eq!(out(Completed, Rejected), Transition::To(Returned));
        assert_eq!(out(Returned, Rejected), Transition::Same);
        assert_eq!(
            transition(TxKind::Refund, Completed, Rejected),
            Transition::To(Returned)
        );
    }

    #[test]
    fn contradictions_are_illegal() {
        assert_eq!(out(Rejected, Completed), Transition::Illegal);
        assert_eq!(out(Failed, Completed), Transition::Illegal);
        assert_eq!(out(Failed, Rejected), Transition::Illegal);
        assert_eq!(out(Pending, Returned), Transition::Illegal);
        assert_eq!(
            transition(TxKind::MoneyIn, Completed, Rejected),
            Transition::Illegal
        );
    }

    #[test]
    fn local_statuses_only_move_between_themselves_at_the_start() {
        assert_eq!(out(Submitting, Unknown), Transition::To(Unknown));
        assert_eq!(out(Unknown, Submitting), Transition::Same);
        assert_eq!(out(Pending, Unknown), Transition::Stale);
    }

    #[test]
    fn every_pair_is_decided_and_finals_only_return() {
        for kind in TxKind::ALL {
            for from in TxStatus::ALL {
                for to in TxStatus::ALL {
                    if let Transition::To(next) = transition(kind, from, to) {
                        assert!(!from.is_final() || (from, next) == (Completed, Returned));
                        assert!(next.stage() > from.stage() || from.stage() == 0);
                    }
                }
            }
        }
    }

    #[test]
    fn texts_round_trip() {
        for s in TxStatus::ALL {
            assert_eq!(s.as_str().parse::<TxStatus>(), Ok(s));
        }
        for k in TxKind::ALL {
            assert_eq!(k.as_str().parse::<TxKind>(), Ok(k));
        }
        assert!("PWNED".parse::<TxStatus>().is_err());
    }
}
