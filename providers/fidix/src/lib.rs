//! Fidi X, the double-entry ledger API (`../shared/seeds/003_…`): its wire types, the
//! production connector ([`client::FidixClient`]), the Fidi X semantics over Flux's ledger
//! engine ([`service::Service`], used by the emulator and by Flux's embedded ledger backend),
//! and the emulator.

pub mod client;
pub mod emulator;
pub mod gateway;
pub mod service;
pub mod wire;

pub use client::FidixClient;
pub use service::{FidixError, Service};
