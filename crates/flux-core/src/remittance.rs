//! The remittance state machine (Félix remittance requests). Félix documents the flow
//! CREATED → STARTED → CONFIRMED → IN_PROGRESS → COMPLETED, with FAILED, CANCELLED and REFUNDED
//! off it. Reports reach Flux twice (callbacks and polling) and out of order, so every report
//! goes through [`decide`]: forward moves apply, a report behind what Flux knows is stale and
//! ignored, CANCELLED and REFUNDED are final. FAILED is not: the seed says an operator may
//! resolve it, so it may still move on to IN_PROGRESS, COMPLETED or REFUNDED.

use std::fmt;
use std::str::FromStr;

/// A remittance's status, as Félix names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RemittanceStatus {
    Created,
    Started,
    Confirmed,
    InProgress,
    Completed,
    Failed,
    Cancelled,
    Refunded,
}

/// What a reported status does to a remittance in a given status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Move to the reported status.
    Apply,
    /// The remittance is there already (a repeat).
    Same,
    /// Behind what Flux knows (a late report): kept, not applied.
    Stale,
}

impl RemittanceStatus {
    pub const ALL: [RemittanceStatus; 8] = [
        RemittanceStatus::Created,
        RemittanceStatus::Started,
        RemittanceStatus::Confirmed,
        RemittanceStatus::InProgress,
        RemittanceStatus::Completed,
        RemittanceStatus::Failed,
        RemittanceStatus::Cancelled,
        RemittanceStatus::Refunded,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RemittanceStatus::Created => "CREATED",
            RemittanceStatus::Started => "STARTED",
            RemittanceStatus::Confirmed => "CONFIRMED",
            RemittanceStatus::InProgress => "IN_PROGRESS",
            RemittanceStatus::Completed => "COMPLETED",
            RemittanceStatus::Failed => "FAILED",
            RemittanceStatus::Cancelled => "CANCELLED",
            RemittanceStatus::Refunded => "REFUNDED",
        }
    }

    /// No report moves it any more. COMPLETED is final too except for a refund.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            RemittanceStatus::Cancelled | RemittanceStatus::Refunded
        )
    }

    /// Whether Flux still needs to hear about it (polling stops at these).
    pub fn is_settled(self) -> bool {
        self.is_final() || self == RemittanceStatus::Completed
    }

    /// Position on the happy path; the off-path statuses rank after it.
    fn rank(self) -> u8 {
        match self {
            RemittanceStatus::Created => 0,
            RemittanceStatus::Started => 1,
            RemittanceStatus::Confirmed => 2,
            RemittanceStatus::InProgress => 3,
            RemittanceStatus::Completed => 4,
            RemittanceStatus::Failed => 5,
            RemittanceStatus::Cancelled | RemittanceStatus::Refunded => 6,
        }
    }
}

/// What a report of `to` does to a remittance in `from`.
pub fn decide(from: RemittanceStatus, to: RemittanceStatus) -> Decision {
    use RemittanceStatus::*;
    if from == to {
        return Decision::Same;
    }
    let legal = match from {
        Cancelled | Refunded => false,
        // An operator resolves a failure: the payout goes on, or the money goes back.
        Failed => matches!(to, InProgress | Completed | Refunded),
        // Money paid out can only come back.
        Completed => to == Refunded,
        _ => to.rank() > from.rank(),
    };
    if legal {
        Decision::Apply
    } else {
        Decision::Stale
    }
}

impl fmt::Display for RemittanceStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for RemittanceStatus {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        RemittanceStatus::ALL
            .into_iter()
            .find(|st| st.as_str() == s)
            .ok_or_else(|| format!("unknown remittance status {s:?}"))
    }
}

#[cfg(test)]
mod tests {
    use super::RemittanceStatus::*;
    use super::*;

    #[test]
    fn forward_moves_apply_and_skips_are_allowed() {
        assert_eq!(decide(Created, Started), Decision::Apply);
        assert_eq!(decide(Created, Completed), Decision::Apply);
        assert_eq!(decide(InProgress, Failed), Decision::Apply);
        assert_eq!(decide(Confirmed, Cancelled), Decision::Apply);
    }

    #[test]
    fn late_reports_are_stale() {
        assert_eq!(decide(Completed, InProgress), Decision::Stale);
        assert_eq!(decide(InProgress, Started), Decision::Stale);
        assert_eq!(decide(Completed, Failed), Decision::Stale);
        assert_eq!(decide(Started, Started), Decision::Same);
    }

    #[test]
    fn cancelled_and_refunded_are_final() {
        for to in RemittanceStatus::ALL {
            assert_ne!(decide(Cancelled, to), Decision::Apply);
            assert_ne!(decide(Refunded, to), Decision::Apply);
        }
    }

    #[test]
    fn an_operator_may_resolve_a_failure() {
        assert_eq!(decide(Failed, InProgress), Decision::Apply);
        assert_eq!(decide(Failed, Completed), Decision::Apply);
        assert_eq!(decide(Failed, Refunded), Decision::Apply);
        assert_eq!(decide(Failed, Created), Decision::Stale);
        assert_eq!(decide(Failed, Cancelled), Decision::Stale);
        assert_eq!(decide(Completed, Refunded), Decision::Apply);
    }

    #[test]
    fn names_round_trip() {
        for s in RemittanceStatus::ALL {
            assert_eq!(s.as_str().parse::<RemittanceStatus>(), Ok(s));
        }
        assert!("IN_PROCESS".parse::<RemittanceStatus>().is_err());
    }
}
