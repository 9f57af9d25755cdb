//! `flux ledger verify`: recomputes everything the write path maintains and reports every
//! disagreement. Read-only; safe to run against a live database.

use flux_store::sql::tx_fn;
use flux_store::{Store, StoreError};

/// What verification found. Empty `problems` means the books hold.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Verification {
    pub accounts: u64,
    pub transactions: u64,
    pub entries: u64,
    pub problems: Vec<String>,
}

impl Verification {
    pub fn ok(&self) -> bool {
        self.problems.is_empty()
    }
}

pub async fn verify(store: &Store) -> Result<Verification, StoreError> {
    store
        .read(tx_fn(|tx| {
            Box::pin(async move {
                let mut v = Verification::default();
                let count = |rows: Vec<flux_store::sql::Row>| -> Result<u64, StoreError> {
                    Ok(rows.first().map(|r| r.int(0)).transpose()?.unwrap_or(0) as u64)
                };
                v.accounts = count(tx.query("SELECT COUNT(*) FROM ledger_accounts", &[]).await?)?;
                v.transactions =
                    count(tx.query("SELECT COUNT(*) FROM ledger_transactions", &[]).await?)?;
                v.entries = count(tx.query("SELECT COUNT(*) FROM ledger_entries", &[]).await?)?;

                // For every currency and layer, debits equal credits.
                for row in tx
                    .query(
                        "SELECT currency, layer, \
                         CAST(SUM(CASE WHEN direction = 'DEBIT' THEN amount ELSE 0 END) AS BIGINT), \
                         CAST(SUM(CASE WHEN direction = 'CREDIT' THEN amount ELSE 0 END) AS BIGINT) \
                         FROM ledger_entries GROUP BY currency, layer ORDER BY currency, layer",
                        &[],
                    )
                    .await?
                {
                    let (d, c) = (row.int(2)?, row.int(3)?);
                    if d != c {
                        v.problems.push(format!(
                            "{} {} entries: debits {d} != credits {c} (minor units)",
                            row.text(0)?,
                            row.text(1)?
                        ));
                    }
                }
                // Every transaction balances on its own, per layer.
                for row in tx
                    .query(
                        "SELECT transaction_id, layer, \
                         CAST(SUM(CASE WHEN direction = 'DEBIT' THEN amount ELSE -amount END) AS BIGINT) AS net \
                         FROM ledger_entries GROUP BY transaction_id, layer \
                         HAVING SUM(CASE WHEN direction = 'DEBIT' THEN amount ELSE -amount END) <> 0",
                        &[],
                    )
                    .await?
                {
                    v.problems.push(format!(
                        "transaction {} does not balance in the {} layer (off by {})",
                        row.text(0)?,
                        row.text(1)?,
                        row.int(2)?
                    ));
                }
                // Every account's running totals equal the sums of its entries.
                for row in tx
                    .query(
                        "SELECT a.id, a.debits_posted, a.credits_posted, a.debits_pending, a.credits_pending, \
                         CAST(COALESCE(SUM(CASE WHEN e.layer = 'posted' AND e.direction = 'DEBIT' THEN e.amount END), 0) AS BIGINT), \
                         CAST(COALESCE(SUM(CASE WHEN e.layer = 'posted' AND e.direction = 'CREDIT' THEN e.amount END), 0) AS BIGINT), \
                         CAST(COALESCE(SUM(CASE WHEN e.layer = 'pending' AND e.direction = 'DEBIT' THEN e.amount END), 0) AS BIGINT), \
                         CAST(COALESCE(SUM(CASE WHEN e.layer = 'pending' AND e.direction = 'CREDIT' THEN e.amount END), 0) AS BIGINT), \
                         a.normal_balance, a.overdraft_limit \
                         FROM ledger_accounts a LEFT JOIN ledger_entries e ON e.account_id = a.id \
                         GROUP BY a.id, a.debits_posted, a.credits_posted, a.debits_pending, \
                         a.credits_pending, a.normal_balance, a.overdraft_limit ORDER BY a.id",
                        &[],
                    )
                    .await?
                {
                    let id = row.text(0)?;
                    let stored = [row.int(1)?, row.int(2)?, row.int(3)?, row.int(4)?];
                    let summed = [row.int(5)?, row.int(6)?, row.int(7)?, row.int(8)?];
                    if stored != summed {
                        v.problems.push(format!(
                            "account {id}: totals {stored:?} != sum of entries {summed:?} \
                             (debits/credits posted, debits/credits pending)"
                        ));
                    }
                    let totals = crate::Totals {
                        debits_posted: summed[0],
                        credits_posted: summed[1],
                        debits_pending: summed[2],
                        credits_pending: summed[3],
                    };
                    let normal = crate::Side::parse(&row.text(9)?).unwrap_or(crate::Side::Debit);
                    if let Some(limit) = row.opt_int(10)? {
                        let available = totals.balance(normal).available;
                        if available < -limit {
                            v.problems.push(format!(
                                "account {id}: available {available} is below its limit -{limit}"
                            ));
                        }
                    }
                    if summed[2] < 0 || summed[3] < 0 {
                        v.problems.push(format!(
                            "account {id}: a hold was released more than once (pending totals {:?})",
                            [summed[2], summed[3]]
                        ));
                    }
                }
                Ok(v)
            })
        }))
        .await
}
