//! Provider emulators run on their own (`flux sandbox …`), as one shared set for several
//! `flux serve` instances: each instance embedding its own would give every instance a
//! different provider. This is the NeCIPCo one; Fincore's and Félix's are started in `main`.

use anyhow::Context;
use std::net::SocketAddr;

/// Flux's program at the standalone NeCIPCo emulator (`FLUX_NECIPCO_API_KEY`).
pub const NECIPCO_API_KEY: &str = "flux-sandbox";
/// Its password (`FLUX_NECIPCO_PASSWORD`); fixed, since the emulator is a test double.
pub const NECIPCO_PASSWORD: &str = "sandbox-demo-password";

/// The NeCIPCo emulator, in memory, with Flux's program funded as `flux serve` seeds it.
pub async fn necipco(addr: SocketAddr) -> anyhow::Result<necipco::emulator::EmulatorHandle> {
    let seed = necipco::emulator::SeedClient {
        api_key: NECIPCO_API_KEY.into(),
        password: flux_core::Secret::new(NECIPCO_PASSWORD.into()),
        name: "Flux sandbox".into(),
        alias: "FLUX".into(),
        email: "sandbox@flux.example".into(),
        rfc: "XAXX010101000".into(),
        available: rust_decimal::Decimal::new(100_000_000, 2),
        stock_cards: 0,
    };
    necipco::emulator::start(addr, Default::default(), std::slice::from_ref(&seed))
        .await
        .context("starting the NeCIPCo emulator")
}
