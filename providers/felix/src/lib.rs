//! Félix (remittance requests toward Mexico and LatAm), from the Félix Integrations API 2.0.0
//! document.
//!
//! - [`wire`]: request, response and callback types as the document shows them, with amounts
//!   and CLABEs read exactly from the JSON text (Félix sends them as JSON numbers).
//! - [`client`]: the connector Flux uses in production: a cached JWT from signin, renewed before
//!   it expires and once on a 401; timeouts; error mapping.
//! - [`gateway`]: Félix as a Flux provider (remittance routes, callbacks, polling).
//! - [`emulator`]: a stateful implementation of the same API on real HTTP, with the documented
//!   status flow, callbacks with coalesced deltas and backoff, and state kept in a file.
//!
//! Where the seed is silent, the choices made (each documented where it is implemented):
//! - `X-Felix-API-Version`: v2 = the documented create body and the full `TransactionResponse`;
//!   v1 = an older CLABE-only body and the response sample's shape ([`wire::ApiVersion`]).
//! - No refresh endpoint is documented: tokens are renewed by signing in again.
//! - Error bodies are FastAPI's (`{"detail": …}`, Pydantic v2 entries for 422).
//! - `amount` may be absent or 0 (the FAQ), never negative; a repeated
//!   `external_transaction_id` with the same body is the same remittance, with another body 422.
//! - Search filters (`status` list, `external_transaction_id`, `currency`, `country`,
//!   `created_from`/`created_to`) and `order_by` values (`created_at`, `updated_at`, `amount`,
//!   `status`, `external_transaction_id`, `-` for descending) ([`wire::SearchRequest`]).
//! - Status transitions beyond the happy path, and what `POST /api/v1/notification` does
//!   (`emulator` module docs).

pub mod client;
pub mod emulator;
pub mod gateway;
pub mod wire;

pub use client::{CallContext, Credentials, FelixClient, FelixError};
