//! Ctrl-C and SIGTERM (what an orchestrator sends), listened for from the moment a command
//! starts. `flux serve` answers /readyz before its start-up is over; a signal then is held
//! until start-up ends and the instance drains, instead of killing it with requests in flight.
//! A second signal still means "now".

use std::future::Future;

/// The stop signals, installed.
pub struct StopSignals {
    #[cfg(unix)]
    unix: Option<(tokio::signal::unix::Signal, tokio::signal::unix::Signal)>,
    /// A signal arrived during [`StopSignals::hold_during`]; the next `recv` returns at once.
    held: bool,
}

impl StopSignals {
    /// Installs the handlers now (inside a Tokio runtime).
    pub fn install() -> StopSignals {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            let unix = match (
                signal(SignalKind::interrupt()),
                signal(SignalKind::terminate()),
            ) {
                (Ok(int), Ok(term)) => Some((int, term)),
                _ => None,
            };
            StopSignals { unix, held: false }
        }
        #[cfg(not(unix))]
        StopSignals { held: false }
    }

    /// Waits for the next Ctrl-C or SIGTERM (at once if one was held).
    pub async fn recv(&mut self) {
        if std::mem::take(&mut self.held) {
            return;
        }
        self.next().await
    }

    /// Runs `work` (a start-up) to its end, holding a first signal for the next `recv`; a
    /// second one gives `work` up: None.
    pub async fn hold_during<F: Future>(&mut self, work: F) -> Option<F::Output> {
        tokio::pin!(work);
        loop {
            tokio::select! {
                out = &mut work => return Some(out),
                _ = self.next() => {
                    if self.held {
                        return None;
                    }
                    self.held = true;
                    eprintln!("stop signal during start-up: draining once started (again to exit now)");
                }
            }
        }
    }

    async fn next(&mut self) {
        #[cfg(unix)]
        if let Some((int, term)) = &mut self.unix {
            tokio::select! {
                _ = int.recv() => {}
                _ = term.recv() => {}
            }
            return;
        }
        let _ = tokio::signal::ctrl_c().await;
    }
}
