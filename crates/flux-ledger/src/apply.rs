//! The write path: applies a batch of commands inside one database transaction.
//!
//! 1. Look up, with one `IN (…)` query each, the reference ids and idempotency keys the batch
//!    uses, and lock (`FOR UPDATE`, in id order) the holds it posts or voids.
//! 2. Lock every account the batch touches, in id order, and read its running totals.
//! 3. Run the commands one after another against those totals in memory ([`Batch::run`]):
//!    validation, the funds check of every account a transaction decreases, entries. A refused
//!    command changes nothing and does not disturb the others.
//! 4. Check that the batch's entries balance per currency and layer, then write the new
//!    transactions, the entries and the accounts' new totals ([`crate::write`]).
//!
//! [`crate::Ledger`]'s writer skips steps 1 and 2 when it already knows the accounts (its
//! cache): it runs step 3 on the cached totals and lets step 4's compare-and-set prove they
//! were current.

use crate::error::LedgerError;
use crate::model::*;
use crate::rows::{self, ACCOUNT_COLUMNS, TRANSACTION_COLUMNS};
use crate::sql::{for_update, query_keys};
use crate::validate::validate_new;
use crate::write::WriteSet;
use chrono::{DateTime, Utc};
use flux_store::sql::{Tx, Value};
use flux_store::StoreError;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use uuid::Uuid;

/// The result of one command of a batch.
pub type CommandResult = Result<Outcome, LedgerError>;

struct Entry {
    transaction_id: Uuid,
    account_id: Uuid,
    layer: Layer,
    direction: Side,
    amount: i64,
}

/// A transaction the batch created or changed, to be written at the end.
struct Touched {
    txn: Transaction,
    key: Option<String>,
    fingerprint: String,
    is_new: bool,
    changed: bool,
}

/// The SHA-256 of the request, to tell a replay from a different request under the same key.
pub fn fingerprint(new: &NewTransaction) -> String {
    use sha2::Digest;
    let body = serde_json::to_vec(new).unwrap_or_default();
    hex::encode(sha2::Sha256::digest(body))
}

/// Applies `commands` in order inside `tx` (which the caller commits). The outer `Err` is a
/// database failure: the caller must roll back the whole transaction.
pub async fn apply(
    tx: &mut dyn Tx,
    now: DateTime<Utc>,
    commands: &[Command],
) -> Result<Vec<CommandResult>, StoreError> {
    Ok(apply_batch(tx, now, commands).await?.0)
}

/// [`apply`], also returning the accounts the batch touched as they stand after it (for the
/// writer's cache; exact at commit because the batch held their locks).
pub(crate) async fn apply_batch(
    tx: &mut dyn Tx,
    now: DateTime<Utc>,
    commands: &[Command],
) -> Result<(Vec<CommandResult>, Vec<Account>), StoreError> {
    let mut batch = Batch::new(commands, now);

    // 1. What the database already holds under this batch's references and keys.
    let mut refs = BTreeSet::new();
    let mut keys = BTreeSet::new();
    let mut targets = BTreeSet::new();
    for (i, c) in commands.iter().enumerate() {
        match c {
            Command::Create(new) if batch.results[i].is_none() => {
                refs.insert(new.reference_id.clone());
                if let Some(k) = &new.idempotency_key {
                    keys.insert(k.clone());
                }
            }
            Command::Post { id, .. } | Command::Void { id } | Command::Expire { id } => {
                targets.insert(*id);
            }
            _ => {}
        }
    }
    if !refs.is_empty() {
        for row in query_keys(
            tx,
            "SELECT id, ledger_id, reference_id FROM ledger_transactions WHERE reference_id",
            "",
            refs.into_iter().collect(),
        )
        .await?
        {
            batch
                .by_ref
                .insert((row.uuid(1)?, row.text(2)?), row.uuid(0)?);
        }
    }
    if !keys.is_empty() {
        for row in query_keys(
            tx,
            "SELECT id, ledger_id, idempotency_key, fingerprint FROM ledger_transactions WHERE idempotency_key",
            "",
            keys.into_iter().collect(),
        )
        .await?
        {
            batch
                .by_key
                .insert((row.uuid(1)?, row.text(2)?), (row.uuid(0)?, row.text(3)?));
        }
    }
    let lock = for_update(tx);
    if !targets.is_empty() {
        let ids: Vec<Uuid> = targets.into_iter().collect();
        let head = format!("SELECT {TRANSACTION_COLUMNS} FROM ledger_transactions WHERE id");
        let tail = format!("ORDER BY id {lock}");
        for row in query_keys(tx, &head, &tail, rows::uuid_keys(&ids)).await? {
            let (txn, key, fingerprint) = rows::transaction(&row)?;
            batch.txns.insert(
                txn.id,
                Touched {
                    txn,
                    key,
                    fingerprint,
                    is_new: false,
                    changed: false,
                },
            );
        }
    }

    // 2. Lock and read every account involved, in id order (deadlock-free across processes).
    let ids: Vec<Uuid> = batch.account_ids(commands).into_iter().collect();
    if !ids.is_empty() {
        let head = format!("SELECT {ACCOUNT_COLUMNS} FROM ledger_accounts WHERE id");
        let tail = format!("ORDER BY id {lock}");
        let mut accounts = Vec::with_capacity(ids.len());
        for row in query_keys(tx, &head, &tail, rows::uuid_keys(&ids)).await? {
            accounts.push(rows::account(&row)?);
        }
        batch.load(accounts);
    }

    // 3 and 4.
    batch.run(commands);
    crate::write::write(tx, &batch.write_set()?).await?;

    // Replays of transactions written before this batch answer with them as they stand now.
    let missing: Vec<Uuid> = batch
        .replays
        .iter()
        .map(|(_, id)| *id)
        .filter(|id| !batch.txns.contains_key(id))
        .collect();
    let mut found = HashMap::new();
    if !missing.is_empty() {
        let head = format!("SELECT {TRANSACTION_COLUMNS} FROM ledger_transactions WHERE id");
        for row in query_keys(tx, &head, "", rows::uuid_keys(&missing)).await? {
            let (txn, _, _) = rows::transaction(&row)?;
            found.insert(txn.id, txn);
        }
    }
    let accounts = batch.accounts.values().cloned().collect();
    Ok((batch.finish(&found), accounts))
}

/// One batch in memory: the accounts and holds it works on, what it decided, what it will
/// write. The same code runs whether the accounts were read under lock or taken from cache.
pub(crate) struct Batch {
    now: DateTime<Utc>,
    pub(crate) accounts: BTreeMap<Uuid, Account>,
    /// The accounts' totals as read, for the compare-and-set that writes the new ones.
    before: HashMap<Uuid, Totals>,
    txns: HashMap<Uuid, Touched>,
    entries: Vec<Entry>,
    /// Reference ids and idempotency keys known to be taken (from the database, or by an
    /// earlier command of this batch).
    by_ref: HashMap<(Uuid, String), Uuid>,
    by_key: HashMap<(Uuid, String), (Uuid, String)>,
    results: Vec<Option<CommandResult>>,
    replays: Vec<(usize, Uuid)>,
    /// Whether [`Batch::run`] refused a command: a refusal can depend on accounts the batch
    /// then does not write, so the write's compare-and-set would not vouch for it.
    pub(crate) refused: bool,
}

impl Batch {
    /// A batch for `commands`, with the ones that fail validation already answered.
    pub(crate) fn new(commands: &[Command], now: DateTime<Utc>) -> Batch {
        let results = commands
            .iter()
            .map(|c| match c {
                Command::Create(new) => validate_new(new, now).err().map(Err),
                _ => None,
            })
            .collect();
        Batch {
            now,
            accounts: BTreeMap::new(),
            before: HashMap::new(),
            txns: HashMap::new(),
            entries: Vec::new(),
            by_ref: HashMap::new(),
            by_key: HashMap::new(),
            results,
            replays: Vec::new(),
            refused: false,
        }
    }

    /// Every account the batch's valid creates and known holds touch.
    pub(crate) fn account_ids(&self, commands: &[Command]) -> BTreeSet<Uuid> {
        let mut ids = BTreeSet::new();
        for (i, c) in commands.iter().enumerate() {
            if let (Command::Create(new), None) = (c, &self.results[i]) {
                ids.extend(new.operations.iter().map(|o| o.account_id));
            }
        }
        for t in self.txns.values() {
            ids.extend(t.txn.operations.iter().map(|o| o.account_id));
        }
        ids
    }

    pub(crate) fn load(&mut self, accounts: impl IntoIterator<Item = Account>) {
        for a in accounts {
            self.before.insert(a.id, a.totals);
            self.accounts.insert(a.id, a);
        }
    }

    /// Runs the commands in order against the loaded accounts.
    pub(crate) fn run(&mut self, commands: &[Command]) {
        for (i, command) in commands.iter().enumerate() {
            if self.results[i].is_some() {
                continue;
            }
            let outcome = match command {
                Command::Create(new) => match self.create_one(i, new) {
                    Some(outcome) => outcome,
                    None => continue,
                },
                Command::Post { id, amount } => self.resolve(*id, Resolution::Post(*amount)),
                Command::Void { id } => self.resolve(*id, Resolution::Void),
                Command::Expire { id } => self.resolve(*id, Resolution::Expire),
            };
            self.refused |= outcome.is_err();
            self.results[i] = Some(outcome.map(|transaction| Outcome {
                transaction,
                replayed: false,
            }));
        }
    }

    /// Runs command `i`, a new transaction; `None` when it replays the one already created
    /// under its idempotency key (answered by [`Batch::finish`]).
    fn create_one(
        &mut self,
        i: usize,
        new: &NewTransaction,
    ) -> Option<Result<Transaction, LedgerError>> {
        // Only a keyed request can be replayed, so only it needs a fingerprint.
        let fp = match new.idempotency_key {
            Some(_) => fingerprint(new),
            None => String::new(),
        };
        if let Some(key) = &new.idempotency_key {
            if let Some((id, original)) = self.by_key.get(&(new.ledger_id, key.clone())) {
                if *original == fp {
                    self.replays.push((i, *id));
                    return None;
                }
                return Some(Err(LedgerError::IdempotencyMismatch(key.clone())));
            }
        }
        if let Some(existing) = self.by_ref.get(&(new.ledger_id, new.reference_id.clone())) {
            return Some(Err(LedgerError::DuplicateReference {
                reference_id: new.reference_id.clone(),
                existing: *existing,
            }));
        }
        let created = create(new, self.now, &mut self.accounts, &mut self.entries);
        if let Ok(txn) = &created {
            self.by_ref
                .insert((new.ledger_id, new.reference_id.clone()), txn.id);
            if let Some(key) = &new.idempotency_key {
                self.by_key
                    .insert((new.ledger_id, key.clone()), (txn.id, fp.clone()));
            }
            self.txns.insert(
                txn.id,
                Touched {
                    txn: txn.clone(),
                    key: new.idempotency_key.clone(),
                    fingerprint: fp,
                    is_new: true,
                    changed: true,
                },
            );
        }
        Some(created)
    }

    fn resolve(&mut self, id: Uuid, how: Resolution) -> Result<Transaction, LedgerError> {
        resolve(
            id,
            how,
            self.now,
            &mut self.txns,
            &mut self.accounts,
            &mut self.entries,
        )
    }

    /// What the batch writes, after checking that its entries balance per currency and layer:
    /// a batch that would break double entry is a bug, and nothing of it is written.
    pub(crate) fn write_set(&self) -> Result<WriteSet, StoreError> {
        let mut sums: HashMap<(&str, &'static str), i64> = HashMap::new();
        for e in &self.entries {
            let currency = self
                .accounts
                .get(&e.account_id)
                .map(|a| a.currency.code())
                .unwrap_or_default();
            let signed = match e.direction {
                Side::Debit => e.amount,
                Side::Credit => -e.amount,
            };
            *sums.entry((currency, e.layer.as_str())).or_default() += signed;
        }
        if let Some(((currency, layer), sum)) = sums.into_iter().find(|(_, s)| *s != 0) {
            return Err(StoreError::Unavailable(format!(
                "ledger invariant violated: {currency} {layer} entries of a batch sum to {sum}"
            )));
        }
        let mut set = WriteSet::default();
        let micros = flux_core::time::to_micros(self.now);
        for t in self.txns.values() {
            if t.is_new {
                rows::transaction_values(
                    &t.txn,
                    t.key.as_deref(),
                    &t.fingerprint,
                    &mut set.created,
                );
            } else if t.changed {
                set.resolved.extend([
                    Value::from(t.txn.id),
                    Value::from(t.txn.status.as_str()),
                    Value::from(
                        t.txn
                            .posted_operations
                            .as_deref()
                            .map(rows::operations_json),
                    ),
                    Value::from(micros),
                ]);
            }
        }
        for e in &self.entries {
            let currency = self
                .accounts
                .get(&e.account_id)
                .map(|a| a.currency.code())
                .unwrap_or("");
            set.entries.extend([
                Value::from(e.transaction_id),
                Value::from(e.account_id),
                Value::from(currency),
                Value::from(e.layer.as_str()),
                Value::from(e.direction.as_str()),
                Value::from(e.amount),
                Value::from(micros),
            ]);
        }
        for (id, a) in &self.accounts {
            let Some(old) = self.before.get(id) else {
                continue;
            };
            if *old != a.totals {
                set.accounts.push((*id, *old, a.totals));
            }
        }
        Ok(set)
    }

    /// Every command's answer; `found` holds replayed transactions read after the write.
    pub(crate) fn finish(self, found: &HashMap<Uuid, Transaction>) -> Vec<CommandResult> {
        let mut results = self.results;
        for (i, id) in self.replays {
            let txn = match self.txns.get(&id) {
                Some(t) => Some(t.txn.clone()),
                None => found.get(&id).cloned(),
            };
            results[i] = Some(match txn {
                Some(transaction) => Ok(Outcome {
                    transaction,
                    replayed: true,
                }),
                None => Err(LedgerError::TransactionNotFound(id)),
            });
        }
        results
            .into_iter()
            .map(|r| r.unwrap_or_else(|| Err(LedgerError::invalid("command", "was not run"))))
            .collect()
    }
}

/// Posts a new transaction against the locked accounts, or explains why not.
fn create(
    new: &NewTransaction,
    now: DateTime<Utc>,
    accounts: &mut BTreeMap<Uuid, Account>,
    entries: &mut Vec<Entry>,
) -> Result<Transaction, LedgerError> {
    for op in &new.operations {
        let account = accounts
            .get(&op.account_id)
            .filter(|a| a.ledger_id == new.ledger_id)
            .ok_or(LedgerError::AccountNotFound(op.account_id))?;
        if account.currency != new.currency {
            return Err(LedgerError::CurrencyMismatch {
                account_id: account.id,
                account_currency: account.currency.code().into(),
                currency: new.currency.code().into(),
            });
        }
    }
    // Time-ordered ids append to the primary-key and entry indexes instead of scattering
    // writes across their pages.
    let id = new.id.unwrap_or_else(Uuid::now_v7);
    let layer = if new.pending {
        Layer::Pending
    } else {
        Layer::Posted
    };
    let legs: Vec<(Uuid, Layer, Side, i64)> = new
        .operations
        .iter()
        .map(|o| (o.account_id, layer, o.direction, o.amount))
        .collect();
    book(id, &legs, accounts, entries)?;
    Ok(Transaction {
        id,
        ledger_id: new.ledger_id,
        reference_id: new.reference_id.clone(),
        currency: new.currency,
        description: new.description.clone(),
        status: if new.pending {
            Status::Pending
        } else {
            Status::Completed
        },
        operations: new.operations.clone(),
        posted_operations: None,
        metadata: new.metadata.clone(),
        expires_at: new.expires_at,
        created_at: now,
        updated_at: now,
    })
}

/// Applies `legs` to the accounts if every account they decrease stays within its limit.
fn book(
    transaction_id: Uuid,
    legs: &[(Uuid, Layer, Side, i64)],
    accounts: &mut BTreeMap<Uuid, Account>,
    entries: &mut Vec<Entry>,
) -> Result<(), LedgerError> {
    let mut after: BTreeMap<Uuid, Totals> = BTreeMap::new();
    for (account_id, layer, direction, amount) in legs {
        let account = accounts
            .get(account_id)
            .ok_or(LedgerError::AccountNotFound(*account_id))?;
        let totals = after.entry(*account_id).or_insert(account.totals);
        totals.add(*layer, *direction, *amount);
    }
    for (id, totals) in &after {
        let Some(account) = accounts.get(id) else {
            continue;
        };
        let old = account.balance();
        let new = totals.balance(account.normal_balance);
        let overflow = [
            totals.debits_posted,
            totals.credits_posted,
            totals.debits_pending,
            totals.credits_pending,
        ]
        .iter()
        .any(|v| v.unsigned_abs() > (i64::MAX / 4) as u64);
        if overflow {
            return Err(LedgerError::invalid(
                "amount",
                "would overflow the account's running totals",
            ));
        }
        if let Some(limit) = account.overdraft_limit {
            if new.available < old.available && new.available < -limit {
                let decrease = old.available - new.available;
                return Err(LedgerError::InsufficientFunds {
                    account_id: *id,
                    available: crate::amount::format_minor(old.available + limit, account.currency),
                    required: crate::amount::format_minor(decrease, account.currency),
                });
            }
        }
    }
    for (id, totals) in after {
        if let Some(a) = accounts.get_mut(&id) {
            a.totals = totals;
        }
    }
    entries.extend(
        legs.iter()
            .map(|(account_id, layer, direction, amount)| Entry {
                transaction_id,
                account_id: *account_id,
                layer: *layer,
                direction: *direction,
                amount: *amount,
            }),
    );
    Ok(())
}

enum Resolution {
    Post(Option<i64>),
    Void,
    Expire,
}

/// Resolves a hold once: post (in full or in part), void, or expire.
fn resolve(
    id: Uuid,
    how: Resolution,
    now: DateTime<Utc>,
    txns: &mut HashMap<Uuid, Touched>,
    accounts: &mut BTreeMap<Uuid, Account>,
    entries: &mut Vec<Entry>,
) -> Result<Transaction, LedgerError> {
    let touched = txns
        .get_mut(&id)
        .ok_or(LedgerError::TransactionNotFound(id))?;
    let txn = &mut touched.txn;
    if txn.status != Status::Pending {
        return Err(LedgerError::NotPending {
            id,
            status: txn.status.as_str().into(),
        });
    }
    let deadline_passed = txn.expires_at.is_some_and(|at| at <= now);
    let (status, posted_amount) = match how {
        Resolution::Post(_) if deadline_passed => (Status::Expired, None),
        Resolution::Post(amount) => (Status::Posted, Some(amount)),
        Resolution::Void => (Status::Voided, None),
        Resolution::Expire if deadline_passed => (Status::Expired, None),
        Resolution::Expire => {
            return Err(LedgerError::invalid("expires_at", "has not passed yet"));
        }
    };
    let mut legs: Vec<(Uuid, Layer, Side, i64)> = txn
        .operations
        .iter()
        .map(|o| (o.account_id, Layer::Pending, o.direction, -o.amount))
        .collect();
    let mut posted_ops = None;
    if let Some(amount) = posted_amount {
        let ops: Vec<Operation> = match amount {
            None => txn.operations.clone(),
            Some(amount) => {
                let same = txn
                    .operations
                    .iter()
                    .all(|o| o.amount == txn.operations[0].amount);
                if !same {
                    return Err(LedgerError::invalid(
                        "amount",
                        "a partial post needs a hold whose legs all carry the same amount",
                    ));
                }
                if amount <= 0 || amount > txn.operations[0].amount {
                    return Err(LedgerError::invalid(
                        "amount",
                        "must be greater than zero and at most the held amount",
                    ));
                }
                txn.operations
                    .iter()
                    .map(|o| Operation { amount, ..*o })
                    .collect()
            }
        };
        legs.extend(
            ops.iter()
                .map(|o| (o.account_id, Layer::Posted, o.direction, o.amount)),
        );
        posted_ops = Some(ops);
    }
    book(id, &legs, accounts, entries)?;
    touched.changed = true;
    let txn = &mut touched.txn;
    txn.status = status;
    txn.posted_operations = posted_ops;
    txn.updated_at = now;
    if status == Status::Expired && matches!(how, Resolution::Post(_)) {
        return Err(LedgerError::Expired(id));
    }
    Ok(txn.clone())
}
