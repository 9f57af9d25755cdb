//! The write path: applies a batch of commands inside one database transaction.
//!
//! 1. Look up, with one `IN (…)` query each, the reference ids and idempotency keys the batch
//!    uses, and lock (`FOR UPDATE`, in id order) the holds it posts or voids.
//! 2. Lock every account the batch touches, in id order, and read its running totals.
//! 3. Run the commands one after another against those totals in memory: validation, the
//!    funds check of every account a transaction decreases, entries. A refused command changes
//!    nothing and does not disturb the others.
//! 4. Write the new transactions and entries and the accounts' new totals with multi-row
//!    statements, after checking that the batch's entries balance per currency and layer.
//!
//! The statement count is fixed per batch, whatever its size: on PostgreSQL that is what makes
//! a batch cost a few round trips instead of a few per transfer.

use crate::error::LedgerError;
use crate::model::*;
use crate::rows::{self, ACCOUNT_COLUMNS, TRANSACTION_COLUMNS};
use crate::sql::{for_update, insert_rows, query_keys, update_rows};
use crate::validate::validate_new;
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
    let mut results: Vec<Option<CommandResult>> = vec![None; commands.len()];
    for (i, c) in commands.iter().enumerate() {
        if let Command::Create(new) = c {
            if let Err(e) = validate_new(new, now) {
                results[i] = Some(Err(e));
            }
        }
    }

    // 1. What the database already holds under this batch's references and keys.
    let mut refs = BTreeSet::new();
    let mut keys = BTreeSet::new();
    let mut targets = BTreeSet::new();
    for (i, c) in commands.iter().enumerate() {
        match c {
            Command::Create(new) if results[i].is_none() => {
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
    let mut by_ref: HashMap<(Uuid, String), Uuid> = HashMap::new();
    if !refs.is_empty() {
        for row in query_keys(
            tx,
            "SELECT id, ledger_id, reference_id FROM ledger_transactions WHERE reference_id",
            "",
            refs.into_iter().collect(),
        )
        .await?
        {
            by_ref.insert((row.uuid(1)?, row.text(2)?), row.uuid(0)?);
        }
    }
    let mut by_key: HashMap<(Uuid, String), (Uuid, String)> = HashMap::new();
    if !keys.is_empty() {
        for row in query_keys(
            tx,
            "SELECT id, ledger_id, idempotency_key, fingerprint FROM ledger_transactions WHERE idempotency_key",
            "",
            keys.into_iter().collect(),
        )
        .await?
        {
            by_key.insert((row.uuid(1)?, row.text(2)?), (row.uuid(0)?, row.text(3)?));
        }
    }
    let lock = for_update(tx);
    let mut txns: HashMap<Uuid, Touched> = HashMap::new();
    if !targets.is_empty() {
        let ids: Vec<Uuid> = targets.into_iter().collect();
        let head = format!("SELECT {TRANSACTION_COLUMNS} FROM ledger_transactions WHERE id");
        let tail = format!("ORDER BY id {lock}");
        for row in query_keys(tx, &head, &tail, rows::uuid_keys(&ids)).await? {
            let (txn, key, fingerprint) = rows::transaction(&row)?;
            txns.insert(
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
    let mut account_ids = BTreeSet::new();
    for (i, c) in commands.iter().enumerate() {
        if let (Command::Create(new), None) = (c, &results[i]) {
            account_ids.extend(new.operations.iter().map(|o| o.account_id));
        }
    }
    for t in txns.values() {
        account_ids.extend(t.txn.operations.iter().map(|o| o.account_id));
    }
    let mut accounts: BTreeMap<Uuid, Account> = BTreeMap::new();
    if !account_ids.is_empty() {
        let ids: Vec<Uuid> = account_ids.into_iter().collect();
        let head = format!("SELECT {ACCOUNT_COLUMNS} FROM ledger_accounts WHERE id");
        let tail = format!("ORDER BY id {lock}");
        for row in query_keys(tx, &head, &tail, rows::uuid_keys(&ids)).await? {
            let a = rows::account(&row)?;
            accounts.insert(a.id, a);
        }
    }
    let before: HashMap<Uuid, Totals> = accounts.iter().map(|(id, a)| (*id, a.totals)).collect();

    // 3. Run the commands in order.
    let mut entries: Vec<Entry> = Vec::new();
    let mut replays: Vec<(usize, Uuid)> = Vec::new();
    for (i, command) in commands.iter().enumerate() {
        if results[i].is_some() {
            continue;
        }
        let outcome = match command {
            Command::Create(new) => {
                // Only a keyed request can be replayed, so only it needs a fingerprint.
                let fp = match new.idempotency_key {
                    Some(_) => fingerprint(new),
                    None => String::new(),
                };
                if let Some(key) = &new.idempotency_key {
                    if let Some((id, original)) = by_key.get(&(new.ledger_id, key.clone())) {
                        if *original == fp {
                            replays.push((i, *id));
                            continue;
                        }
                        results[i] = Some(Err(LedgerError::IdempotencyMismatch(key.clone())));
                        continue;
                    }
                }
                if let Some(existing) = by_ref.get(&(new.ledger_id, new.reference_id.clone())) {
                    results[i] = Some(Err(LedgerError::DuplicateReference {
                        reference_id: new.reference_id.clone(),
                        existing: *existing,
                    }));
                    continue;
                }
                create(new, now, &mut accounts, &mut entries).inspect(|txn| {
                    by_ref.insert((new.ledger_id, new.reference_id.clone()), txn.id);
                    if let Some(key) = &new.idempotency_key {
                        by_key.insert((new.ledger_id, key.clone()), (txn.id, fp.clone()));
                    }
                    txns.insert(
                        txn.id,
                        Touched {
                            txn: txn.clone(),
                            key: new.idempotency_key.clone(),
                            fingerprint: fp,
                            is_new: true,
                            changed: true,
                        },
                    );
                })
            }
            Command::Post { id, amount } => resolve(
                *id,
                Resolution::Post(*amount),
                now,
                &mut txns,
                &mut accounts,
                &mut entries,
            ),
            Command::Void { id } => resolve(
                *id,
                Resolution::Void,
                now,
                &mut txns,
                &mut accounts,
                &mut entries,
            ),
            Command::Expire { id } => resolve(
                *id,
                Resolution::Expire,
                now,
                &mut txns,
                &mut accounts,
                &mut entries,
            ),
        };
        results[i] = Some(outcome.map(|transaction| Outcome {
            transaction,
            replayed: false,
        }));
    }

    // 4. The batch must balance per currency and layer before anything is written.
    let mut sums: HashMap<(String, &'static str), i64> = HashMap::new();
    for e in &entries {
        let currency = accounts
            .get(&e.account_id)
            .map(|a| a.currency.code().to_string())
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

    let micros = flux_core::time::to_micros(now);
    let mut new_rows = Vec::new();
    let mut changed_rows = Vec::new();
    for t in txns.values() {
        if t.is_new {
            rows::transaction_values(&t.txn, t.key.as_deref(), &t.fingerprint, &mut new_rows);
        } else if t.changed {
            changed_rows.extend([
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
    if !new_rows.is_empty() {
        let head = format!("INSERT INTO ledger_transactions ({TRANSACTION_COLUMNS})");
        insert_rows(tx, &head, 14, &new_rows).await?;
    }
    if !changed_rows.is_empty() {
        update_rows(
            tx,
            "ledger_transactions",
            "status = v.column2, posted_operations = v.column3, updated_at = v.column4",
            4,
            &changed_rows,
        )
        .await?;
    }
    if !entries.is_empty() {
        let mut values = Vec::with_capacity(entries.len() * 7);
        for e in &entries {
            let currency = accounts
                .get(&e.account_id)
                .map(|a| a.currency.code())
                .unwrap_or("");
            values.extend([
                Value::from(e.transaction_id),
                Value::from(e.account_id),
                Value::from(currency),
                Value::from(e.layer.as_str()),
                Value::from(e.direction.as_str()),
                Value::from(e.amount),
                Value::from(micros),
            ]);
        }
        insert_rows(
            tx,
            "INSERT INTO ledger_entries (transaction_id, account_id, currency, layer, direction, amount, created_at)",
            7,
            &values,
        )
        .await?;
        let mut account_rows = Vec::new();
        for (id, a) in &accounts {
            if before.get(id) != Some(&a.totals) {
                account_rows.extend([
                    Value::from(*id),
                    Value::from(a.totals.debits_posted),
                    Value::from(a.totals.credits_posted),
                    Value::from(a.totals.debits_pending),
                    Value::from(a.totals.credits_pending),
                ]);
            }
        }
        update_rows(
            tx,
            "ledger_accounts",
            "debits_posted = v.column2, credits_posted = v.column3, \
             debits_pending = v.column4, credits_pending = v.column5",
            5,
            &account_rows,
        )
        .await?;
    }

    // Replays answer with the transaction as it stands now.
    if !replays.is_empty() {
        let ids: Vec<Uuid> = replays.iter().map(|(_, id)| *id).collect();
        let head = format!("SELECT {TRANSACTION_COLUMNS} FROM ledger_transactions WHERE id");
        let mut found = HashMap::new();
        for row in query_keys(tx, &head, "", rows::uuid_keys(&ids)).await? {
            let (txn, _, _) = rows::transaction(&row)?;
            found.insert(txn.id, txn);
        }
        for (i, id) in replays {
            let txn = match txns.get(&id) {
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
    }
    Ok(results
        .into_iter()
        .map(|r| r.unwrap_or_else(|| Err(LedgerError::invalid("command", "was not run"))))
        .collect())
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
