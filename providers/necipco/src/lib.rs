//! NeCIPCo, Nueve09's card-issuing API ("Nueve09 Card Issuing API"), from the NeCIPCo seed
//! document.
//!
//! - [`wire`]: request and answer types for every endpoint, the `{success, code, message,
//!   data}` envelope, amounts and coordinates read exactly from the JSON text.
//! - [`crypto`]: the RSA field encryption NeCIPCo requires for card numbers, PINs and CVCs
//!   (aws-lc-rs; OAEP-SHA-256 by default, padding configurable), base64 in bodies and
//!   base64url in query strings.
//! - [`client`]: the connector: login with the token from the `Authorization` response header,
//!   re-login once on 401, Flux's public key registered, sensitive fields ciphered on the way
//!   out and deciphered on the way in.
//! - [`emulator`]: a stateful NeCIPCo on real HTTP, with state kept in a file.
//!
//! - [`gateway`]: NeCIPCo as a Flux provider (cardholders, cards, PINs, for partners).
//!
//! Where the seed is silent, the choices made (each documented where it is implemented):
//! - the error body: the success envelope with `success: false` and a numbered
//!   [`wire::ErrorCode`], plus `errors` for 422 ([`wire::Envelope`]);
//! - card statuses beyond the two in the catalog, their codes and transitions
//!   ([`wire::CardStatus`]);
//! - the RSA padding ([`crypto::Padding`]);
//! - the PIN lockout schedule, the CVC lifetime, SPEI fees (`emulator` module docs);
//! - `GET /clients/api_key/public_key`'s `sensitive_data`: a known probe text ciphered with the
//!   registered key ([`wire::SENSITIVE_DATA_PROBE`]).

pub mod client;
pub mod crypto;
pub mod emulator;
pub mod gateway;
pub mod wire;

pub use client::{Credentials, NecipcoClient, NecipcoError};
