//! Fincore by Monato: SPEI accounts, instruments, money-out, refunds and webhooks.
//!
//! - [`wire`]: request, response and webhook types exactly as the Fincore API documents them
//!   (camelCase resources, snake_case requests, the string "None" for absent values).
//! - [`client`]: the connector Flux uses in production: per-client bearer tokens, timeouts,
//!   deterministic idempotency keys, error mapping.
//! - [`emulator`]: a stateful implementation of the same API, for `flux serve` in sandbox mode
//!   and for tests. It runs on real HTTP and speaks the same wire types.
//! - [`gateway`]: Fincore as a Flux provider (`flux_gateway::Provider`): its partner routes,
//!   inbound webhooks, OpenAPI, reconcile, resolver and book opening.

pub mod client;
pub mod emulator;
pub mod gateway;
pub mod normalize;
pub mod wire;

pub use client::{CallContext, ClientCredentials, FincoreClient, FincoreError};
