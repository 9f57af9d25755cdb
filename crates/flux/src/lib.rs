//! The `flux` binary's library: configuration, start-up and admin commands, usable from tests.

pub mod admin;
pub mod boot;
pub mod config;
pub mod providers;
pub mod sandbox;
pub mod shutdown;
pub mod signals;

pub use boot::{start, Running, DEMO_CLIENT_ID};
pub use config::Config;
