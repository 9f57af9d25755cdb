//! Settlement: which SPEI credit paid which remittance. A remittance paid in MXN to a CLABE
//! that one of the partner's clients holds ends, after its provider says COMPLETED, as a
//! MONEY_IN to that CLABE. Flux links the two both ways (the remittance shows the money-in,
//! the money-in shows the remittance), so a partner can tell its users "your remittance
//! arrived" and an operator can tell a remittance that never paid out.
//!
//! The credit is booked as any credit, when it arrives; settlement moves no money. Matching
//! runs from both sides, in the transaction that records either one, because either may come
//! first (SPEI is often faster than the remittance's last callback):
//! - a money-in is matched against the partner's remittances to that CLABE that are paid by
//!   their sender (CONFIRMED, IN_PROGRESS or COMPLETED) and not settled yet
//!   ([`settle_credit`]);
//! - a remittance that becomes one of those looks back at the credits that CLABE received
//!   since it was created, and tries each as if it had just arrived ([`settle_remittance`]).
//!
//! The rule, in [`choose`]: a credit whose concept or reference names a remittance (its Flux
//! id, which Flux gives Félix as the external id, or the provider's id) settles that one when
//! the amounts agree; otherwise the one remittance of exactly that amount. Anything else is
//! filed for an operator instead of guessed: a credit that names a remittance but credits
//! another amount, or that two remittances could claim. A completed remittance whose credit
//! has not come within the settlement window is filed too (see [`Store::overdue_settlements`]).
//!
//! On PostgreSQL both sides take an advisory lock on the CLABE before reading, so a credit
//! and a remittance recorded at the same moment cannot miss each other; the remittance side
//! takes it before its row lock, in the order the credit side takes them.

use crate::inbound::lock_reference;
use crate::remittances::{by_id_for_update, columns, remittance, RemittanceRecord};
use crate::review::{self, NewReview, ReviewKind};
use crate::sql::{tx_fn, Tx};
use crate::transactions::transaction;
use crate::*;
use flux_core::remittance::RemittanceStatus;
use flux_core::TxKind;
use rust_decimal::Decimal;
use std::str::FromStr;

/// What settling a credit decided.
#[derive(Debug, Clone, PartialEq)]
pub enum Choice {
    /// This remittance (an index into the candidates) was paid by the credit.
    Settles(usize),
    /// The credit pays none of them: a plain credit.
    Nothing,
    /// More than one could be meant, or the one named does not agree: why, for the operator.
    Ambiguous(String),
}

/// The credit as matching sees it.
#[derive(Debug, Clone)]
pub struct Credit<'a> {
    pub amount: Decimal,
    /// The payment concept and the numeric reference, as sent.
    pub texts: [Option<&'a str>; 2],
}

/// A remittance is paid by its sender from CONFIRMED on: from then, its credit may arrive.
pub fn awaits_credit(r: &RemittanceRecord) -> bool {
    r.settle_account.is_some()
        && r.settlement_transaction_id.is_none()
        && matches!(
            r.status,
            RemittanceStatus::Confirmed
                | RemittanceStatus::InProgress
                | RemittanceStatus::Completed
        )
}

fn amount_of(r: &RemittanceRecord) -> Option<Decimal> {
    r.amount.as_deref().and_then(|a| Decimal::from_str(a).ok())
}

/// Whether the credit's concept or reference names the remittance.
fn names(credit: &Credit, r: &RemittanceRecord) -> bool {
    let id = r.id.to_string();
    let ids = [Some(id.as_str()), r.provider_reference.as_deref()];
    credit.texts.iter().flatten().any(|text| {
        let text = text.to_ascii_lowercase();
        ids.iter()
            .flatten()
            .filter(|id| id.len() >= 6)
            .any(|id| text.contains(&id.to_ascii_lowercase()))
    })
}

/// The matching rule (see the module docs), over the candidates awaiting a credit to the
/// credited CLABE.
pub fn choose(credit: &Credit, candidates: &[RemittanceRecord]) -> Choice {
    let named: Vec<usize> = (0..candidates.len())
        .filter(|&i| names(credit, &candidates[i]))
        .collect();
    match named.as_slice() {
        [i] => {
            let r = &candidates[*i];
            // A remittance whose sender chose the amount can only be told by its name.
            if r.amount.is_none() || amount_of(r) == Some(credit.amount) {
                return Choice::Settles(*i);
            }
            return Choice::Ambiguous(format!(
                "the credit of {} names remittance {} of {}",
                credit.amount,
                r.id,
                r.amount.as_deref().unwrap_or_default()
            ));
        }
        [] => {}
        _ => return Choice::Ambiguous(format!("the credit names {} remittances", named.len())),
    }
    let same: Vec<usize> = (0..candidates.len())
        .filter(|&i| amount_of(&candidates[i]) == Some(credit.amount))
        .collect();
    match same.as_slice() {
        [] => Choice::Nothing,
        [i] => Choice::Settles(*i),
        many => Choice::Ambiguous(format!(
            "the credit of {} could pay {} remittances: {}",
            credit.amount,
            many.len(),
            many.iter()
                .map(|&i| candidates[i].id.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

/// Serialises the two sides of matching for one CLABE on PostgreSQL.
pub(crate) async fn lock_account(tx: &mut dyn Tx, clabe: &str) -> Result<()> {
    lock_reference(tx, "settlement", clabe).await
}

/// The CLABE a money-in credited, from its counterparty details.
fn credited_account(t: &TransactionRecord) -> Option<String> {
    let c: serde_json::Value = serde_json::from_str(t.counterparty.as_deref()?).ok()?;
    c.get("beneficiary_account")?.as_str().map(str::to_string)
}

/// Links a credit and the remittance it paid, and closes the remittance's overdue item.
async fn link(
    tx: &mut dyn Tx,
    remittance_id: Uuid,
    t: &TransactionRecord,
    now: DateTime<Utc>,
) -> Result<()> {
    tx.exec(
        "UPDATE remittances SET settlement_transaction_id = $2, settled_at = $3
         WHERE id = $1 AND settlement_transaction_id IS NULL",
        &[remittance_id.into(), t.id.into(), micros(now)],
    )
    .await?;
    tx.exec(
        "UPDATE transactions SET remittance_id = $1 WHERE id = $2",
        &[remittance_id.into(), t.id.into()],
    )
    .await?;
    tx.exec(
        "UPDATE review_items SET resolved_at = $2, resolved_by = 'flux', resolution = $3
         WHERE remittance_id = $1 AND resolved_at IS NULL AND kind = 'UNSETTLED_REMITTANCE'",
        &[
            remittance_id.into(),
            micros(now),
            format!("settled by money-in {}", t.id).into(),
        ],
    )
    .await?;
    metrics::counter!("flux_remittances_settled_total").increment(1);
    Ok(())
}

/// A money-in just recorded: the remittance it settles, linked, if one (see the module docs).
/// Files an ambiguous credit for review and settles nothing.
pub(crate) async fn settle_credit(tx: &mut dyn Tx, t: &TransactionRecord) -> Result<Option<Uuid>> {
    if t.kind != TxKind::MoneyIn || t.remittance_id.is_some() {
        return Ok(None);
    }
    let (Some(clabe), Ok(amount)) = (credited_account(t), Decimal::from_str(t.amount.as_str()))
    else {
        return Ok(None);
    };
    lock_account(tx, &clabe).await?;
    let sql = concat!(
        "SELECT ",
        columns!(),
        " FROM remittances WHERE partner_id = $1 AND settle_account = $2",
        " AND settlement_transaction_id IS NULL AND status IN ('CONFIRMED', 'IN_PROGRESS', 'COMPLETED')",
        " AND created_at <= $3 ORDER BY created_at, id"
    );
    let rows = tx
        .query(
            sql,
            &[t.partner_id.into(), clabe.into(), micros(t.created_at)],
        )
        .await?;
    let candidates = rows.iter().map(remittance).collect::<Result<Vec<_>>>()?;
    let credit = Credit {
        amount,
        texts: [t.description.as_deref(), t.external_reference.as_deref()],
    };
    let now = flux_core::time::now();
    match choose(&credit, &candidates) {
        Choice::Nothing => Ok(None),
        Choice::Settles(i) => {
            link(tx, candidates[i].id, t, now).await?;
            Ok(Some(candidates[i].id))
        }
        Choice::Ambiguous(reason) => {
            let item = NewReview {
                kind: ReviewKind::AmbiguousSettlement,
                provider: t.provider.clone(),
                client_id: Some(t.client_id),
                transaction_id: Some(t.id),
                remittance_id: None,
                id_msg: None,
                reason,
            };
            review::file(tx, &item, now).await?;
            Ok(None)
        }
    }
}

/// How many of a CLABE's recent credits a remittance looks back at.
const LOOK_BACK: i64 = 500;

/// A remittance that now awaits its credit: each unsettled credit to its CLABE since it was
/// created is tried as if it had just arrived; `r` shows the link if one of them settles it.
/// The caller holds the CLABE's lock and has written `r`'s status.
pub(crate) async fn settle_remittance(tx: &mut dyn Tx, r: &mut RemittanceRecord) -> Result<()> {
    let Some(clabe) = r.settle_account.clone().filter(|_| awaits_credit(r)) else {
        return Ok(());
    };
    let sql = concat!(
        "SELECT ",
        crate::transactions::columns!(),
        " FROM transactions WHERE client_id IN (SELECT client_id FROM accounts WHERE clabe = $1)",
        " AND kind = 'MONEY_IN' AND remittance_id IS NULL AND created_at >= $2",
        " ORDER BY created_at, id LIMIT $3"
    );
    let rows = tx
        .query(
            sql,
            &[clabe.clone().into(), micros(r.created_at), LOOK_BACK.into()],
        )
        .await?;
    for row in &rows {
        let t = transaction(row)?;
        if t.partner_id != r.partner_id || credited_account(&t).as_deref() != Some(clabe.as_str()) {
            continue;
        }
        if settle_credit(tx, &t).await? == Some(r.id) {
            r.settlement_transaction_id = Some(t.id);
            r.settled_at = Some(flux_core::time::now());
            break;
        }
    }
    Ok(())
}

/// The CLABE whose lock a report about this remittance must take first (PostgreSQL only).
pub(crate) async fn account_to_lock(tx: &mut dyn Tx, id: Uuid) -> Result<Option<String>> {
    if tx.dialect() != "postgres" {
        return Ok(None);
    }
    let rows = tx
        .query(
            "SELECT settle_account FROM remittances WHERE id = $1",
            &[id.into()],
        )
        .await?;
    Ok(rows.first().map(|r| r.opt_text(0)).transpose()?.flatten())
}

/// Not yet filed as unsettled (an operator may have resolved the item: it stays decided).
macro_rules! not_filed {
    () => {
        " AND NOT EXISTS (SELECT 1 FROM review_items WHERE review_items.remittance_id = remittances.id \
          AND review_items.kind = 'UNSETTLED_REMITTANCE')"
    };
}

impl Store {
    /// Remittances completed before `before` whose credit has not arrived: each is tried once
    /// more against the credits received (a credit recorded by another instance at the same
    /// moment, say) and the ones still unsettled are returned, oldest first.
    pub async fn overdue_settlements(
        &self,
        before: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<RemittanceRecord>> {
        let sql = concat!(
            "SELECT id FROM remittances WHERE settle_account IS NOT NULL",
            " AND settlement_transaction_id IS NULL AND status = 'COMPLETED' AND completed_at < $1",
            not_filed!(),
            " ORDER BY completed_at, id LIMIT $2"
        );
        let rows = self.query(sql, vec![micros(before), limit.into()]).await?;
        let ids = rows.iter().map(|r| r.uuid(0)).collect::<Result<Vec<_>>>()?;
        let mut overdue = Vec::new();
        for id in ids {
            let r = self
                .write(tx_fn(move |tx| {
                    Box::pin(async move {
                        if let Some(clabe) = account_to_lock(tx, id).await? {
                            lock_account(tx, &clabe).await?;
                        }
                        let mut r = by_id_for_update(tx, id)
                            .await?
                            .ok_or(StoreError::NotFound)?;
                        settle_remittance(tx, &mut r).await?;
                        Ok(r)
                    })
                }))
                .await?;
            if r.settlement_transaction_id.is_none() {
                overdue.push(r);
            }
        }
        Ok(overdue)
    }

    /// Completed remittances whose credit had not arrived by `before` and that are not on
    /// the review list yet: what `flux reconcile` reports without writing anything.
    pub async fn unsettled_before(
        &self,
        before: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<RemittanceRecord>> {
        let sql = concat!(
            "SELECT ",
            columns!(),
            " FROM remittances WHERE settle_account IS NOT NULL",
            " AND settlement_transaction_id IS NULL AND status = 'COMPLETED' AND completed_at < $1",
            not_filed!(),
            " ORDER BY completed_at, id LIMIT $2"
        );
        let rows = self.query(sql, vec![micros(before), limit.into()]).await?;
        rows.iter().map(remittance).collect()
    }

    /// Files a completed remittance whose credit did not arrive for an operator; false if it
    /// was filed already.
    pub async fn file_unsettled(
        &self,
        r: &RemittanceRecord,
        window: std::time::Duration,
    ) -> Result<bool> {
        let completed = r
            .completed_at
            .map(flux_core::time::to_rfc3339)
            .unwrap_or_default();
        self.file_review(NewReview {
            kind: ReviewKind::UnsettledRemittance,
            provider: r.provider.clone(),
            client_id: Some(r.client_id),
            transaction_id: None,
            remittance_id: Some(r.id),
            id_msg: None,
            reason: format!(
                "remittance {} of {} {} completed at {completed}; no credit to {} within {} s",
                r.id,
                r.amount.as_deref().unwrap_or("(sender's choice)"),
                r.currency,
                flux_core::clabe::mask(r.settle_account.as_deref().unwrap_or("")),
                window.as_secs()
            ),
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn remittance(amount: Option<&str>, reference: Option<&str>) -> RemittanceRecord {
        let now = flux_core::time::now();
        RemittanceRecord {
            id: Uuid::new_v4(),
            partner_id: Uuid::nil(),
            client_id: Uuid::nil(),
            provider: "felix".into(),
            provider_reference: reference.map(str::to_string),
            status: RemittanceStatus::Completed,
            amount: amount.map(str::to_string),
            currency: "MXN".into(),
            external_reference: "ext".into(),
            beneficiary: serde_json::json!({}),
            metadata: None,
            created_at: now,
            updated_at: now,
            last_heard_at: None,
            settle_account: Some("002180700000000000".into()),
            settlement_transaction_id: None,
            settled_at: None,
            completed_at: None,
        }
    }

    fn credit<'a>(amount: &str, concept: Option<&'a str>) -> Credit<'a> {
        Credit {
            amount: Decimal::from_str(amount).unwrap_or_default(),
            texts: [concept, None],
        }
    }

    #[test]
    fn the_one_remittance_of_that_amount_is_settled() {
        let rs = [
            remittance(Some("100.00"), None),
            remittance(Some("250.50"), None),
        ];
        assert_eq!(choose(&credit("250.5", None), &rs), Choice::Settles(1));
        assert_eq!(choose(&credit("99.99", None), &rs), Choice::Nothing);
    }

    #[test]
    fn two_of_the_same_amount_are_for_an_operator_unless_the_credit_names_one() {
        let rs = [
            remittance(Some("100"), None),
            remittance(Some("100.00"), Some("felix-tx-42")),
        ];
        assert!(matches!(
            choose(&credit("100", None), &rs),
            Choice::Ambiguous(_)
        ));
        assert_eq!(
            choose(&credit("100", Some("PAGO FELIX-TX-42")), &rs),
            Choice::Settles(1)
        );
        let named = rs[0].id.to_string();
        assert_eq!(
            choose(&credit("100", Some(&named)), &rs),
            Choice::Settles(0)
        );
    }

    #[test]
    fn a_credit_naming_a_remittance_with_another_amount_is_not_guessed() {
        let rs = [
            remittance(Some("100"), Some("felix-tx-42")),
            remittance(Some("90"), None),
        ];
        assert!(matches!(
            choose(&credit("90", Some("felix-tx-42")), &rs),
            Choice::Ambiguous(_)
        ));
        let chosen = [remittance(None, Some("felix-tx-43"))];
        assert_eq!(
            choose(&credit("90", Some("felix-tx-43")), &chosen),
            Choice::Settles(0)
        );
        assert_eq!(choose(&credit("90", None), &chosen), Choice::Nothing);
    }
}
