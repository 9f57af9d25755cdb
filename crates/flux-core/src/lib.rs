//! The vocabulary every Flux crate shares: exact money, currencies, Mexican identifiers
//! (CLABE, card numbers, RFC, CURP), the SPEI participants catalog, secrets that never print,
//! the timestamp formats providers use, and JSON strictness (duplicate keys).

pub mod banks;
pub mod card;
pub mod card_in_text;
pub mod clabe;
pub mod curp;
pub mod json;
pub mod money;
pub mod remittance;
pub mod rfc;
pub mod secret;
pub mod time;
pub mod transaction;

pub use money::{Amount, AmountError, Currency, AMOUNT_PATTERN};
pub use remittance::RemittanceStatus;
pub use secret::Secret;
pub use transaction::{TxKind, TxStatus};
