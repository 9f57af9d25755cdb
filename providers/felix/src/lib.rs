//! Félix (remittance requests toward Mexico and LatAm), from the Félix Integrations API 2.0.0
//! document.
//!
//! - [`wire`]: request, response and callback types as the document shows them, with amounts
//!   and CLABEs read exactly from the JSON text (Félix sends them as JSON numbers).
//! - [`client`]: the connector Flux uses in production: a cached JWT from signin, renewed before
//!   it expires and once on a 401; timeouts; error mapping.
//! - [`emulator`]: a stateful implementation of the same API on real HTTP, with the documented
//!   status flow, callbacks with coalesced deltas and backoff, and state kept in a file.

pub mod client;
pub mod emulator;
pub mod wire;

pub use client::{CallContext, Credentials, FelixClient, FelixError};
