//! The writer's memory of the accounts it has written: their attributes and running totals as
//! of its last commit.
//!
//! It is a hint, never the authority. A batch built from it writes its accounts with a
//! compare-and-set on the totals it started from ([`crate::write`]); if anyone else changed
//! them meanwhile (Flux's books in a money movement, another Flux process, an operator), the
//! write fails whole and the writer runs the batch again the careful way, reading the
//! accounts under lock. So the cache can only cost a retry, never a wrong balance.

use crate::apply::Batch;
use crate::model::{Account, Command};
use chrono::{DateTime, Utc};
use std::collections::HashMap;
use uuid::Uuid;

pub(crate) struct AccountCache {
    accounts: HashMap<Uuid, Account>,
    capacity: usize,
}

impl AccountCache {
    pub fn new(capacity: usize) -> Self {
        AccountCache {
            accounts: HashMap::new(),
            capacity,
        }
    }

    /// A batch over cached accounts, or `None` when a command needs the database first: a
    /// hold to resolve (holds are not cached) or an account not in the cache.
    pub fn batch(&self, commands: &[Command], now: DateTime<Utc>) -> Option<Batch> {
        if !commands.iter().all(|c| matches!(c, Command::Create(_))) {
            return None;
        }
        let mut batch = Batch::new(commands, now);
        let mut accounts = Vec::new();
        for id in batch.account_ids(commands) {
            accounts.push(self.accounts.get(&id)?.clone());
        }
        batch.load(accounts);
        Some(batch)
    }

    /// Records accounts as a committed batch left them.
    pub fn remember(&mut self, accounts: impl IntoIterator<Item = Account>) {
        for a in accounts {
            if self.accounts.len() >= self.capacity && !self.accounts.contains_key(&a.id) {
                // Simplest bound that cannot go wrong: start over; misses only cost a read.
                self.accounts.clear();
            }
            self.accounts.insert(a.id, a);
        }
    }

    pub fn forget_all(&mut self) {
        self.accounts.clear();
    }
}
