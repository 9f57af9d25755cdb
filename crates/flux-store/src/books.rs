//! The hook through which Flux keeps its own books (`flux-ledger`) in step with its record of
//! provider transactions. The store calls it inside the database transaction of every change
//! to a transaction row, so a movement and its ledger entries commit together or not at all.

use crate::sql::Tx;
use crate::{Result, TransactionRecord};
use futures::future::BoxFuture;

pub trait Books: Send + Sync + 'static {
    /// `before` is the row as it was (None for a new row), `after` as it is now. Returning an
    /// error rolls the whole change back; [`crate::StoreError::Refused`] carries a reason the
    /// partner should see (insufficient funds).
    fn on_transaction<'a>(
        &'a self,
        tx: &'a mut dyn Tx,
        before: Option<&'a TransactionRecord>,
        after: &'a TransactionRecord,
    ) -> BoxFuture<'a, Result<()>>;
}
