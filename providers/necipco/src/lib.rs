//! NeCIPCo, Nueve09's card-issuing API (placeholder while the crate grows).

pub mod client;
pub mod crypto;
pub mod wire;

pub use client::{Credentials, NecipcoClient, NecipcoError};
