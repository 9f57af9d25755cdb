//! NeCIPCo's wire types, one file per endpoint group, as the seed's examples show them.
//!
//! - Money and coordinates are JSON numbers read exactly ([`exact`]); no `f64` anywhere.
//! - Card numbers, PINs, CVCs, expiry dates, passwords are [`Sensitive`]: serialized as they
//!   are, never printed.
//! - Members that some answers carry and others do not are `Option`s skipped when absent, so
//!   every example of the seed parses and serializes back to the same JSON
//!   (`tests/seed_examples.rs`). Members the seed shows as `null` are written as `null`.

mod cardholders;
mod cards;
mod catalogs;
mod clients;
mod envelope;
pub mod exact;
mod kinds;
mod sensitive;
mod spei;

pub use cardholders::*;
pub use cards::*;
pub use catalogs::*;
pub use clients::*;
pub use envelope::*;
pub use exact::{nullable, Amount, AmountText, Coordinate, NumOrText, COORDINATE_SCALE};
pub use kinds::*;
pub use sensitive::Sensitive;
pub use spei::*;
