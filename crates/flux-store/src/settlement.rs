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
//! The rule, in [`choose`]:
//! - only credits received after the provider says the sender paid (less a few minutes of
//!   clock skew) are considered: a payroll of the same amount the day before is not a payout;
//! - a credit whose concept or reference names a remittance of the partner's (its Flux id,
//!   which Flux gives Félix as the external id, or a provider id of 12 characters or more,
//!   not all digits) settles that one when it awaits a credit to that CLABE and the amounts
//!   agree (or its sender chose the amount). If not, it goes to review: it never falls back
//!   to settling another remittance of the same amount;
//! - otherwise the one *completed* remittance of exactly that amount is settled;
//! - anything else that could be meant is filed for an operator instead of guessed
//!   (`AMBIGUOUS_SETTLEMENT`), as is a settled remittance its provider later reports FAILED,
//!   CANCELLED or REFUNDED. A completed remittance whose credit has not come within the
//!   settlement window is filed too (`UNSETTLED_REMITTANCE`, see
//!   [`Store::file_overdue_settlements`]); a credit arriving later still settles it and
//!   closes the item.
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

/// How a settlement is announced to the partner: as the remittance provider announces its
/// remittances (a `REMITTANCE_STATUS` message; with no `deltas`, since the status did not
/// change, and the remittance's `settlement` filled in). Set once by the provider that owns
/// remittances when it starts ([`announce_with`]); process-wide because settlement runs deep
/// inside writes that do not carry the provider. Unset: settlements are not pushed.
static ANNOUNCE: std::sync::OnceLock<crate::remittances::RemittanceNotify> =
    std::sync::OnceLock::new();

/// Announces settlements the way `notify` announces remittance changes, from now on.
pub fn announce_with(notify: crate::remittances::RemittanceNotify) {
    let _ = ANNOUNCE.set(notify);
}

/// What settling a credit decided.
#[derive(Debug, Clone, PartialEq)]
pub enum Choice {
    /// This remittance (an index into the candidates) was paid by the credit.
    Settles(usize),
    /// The credit pays none of them: a plain credit.
    Nothing,
    /// The credit names a remittance it cannot pay, or more than one could be meant: why,
    /// for the operator.
    Ambiguous(String),
}

/// The credit as matching sees it.
#[derive(Debug, Clone)]
pub struct Credit {
    pub amount: Decimal,
    /// The remittance of the partner's that the credit's concept or reference names, if any.
    pub names: Option<RemittanceRecord>,
}

/// How far a credit may precede the provider's "the sender paid" time and still be its payout:
/// the two clocks are not the same clock.
const CLOCK_SKEW: chrono::Duration = chrono::Duration::minutes(5);

/// The statuses in which the sender has paid: from then on, the payout may arrive.
pub fn is_paid(status: RemittanceStatus) -> bool {
    matches!(
        status,
        RemittanceStatus::Confirmed | RemittanceStatus::InProgress | RemittanceStatus::Completed
    )
}

/// A remittance whose credit may arrive now: to a CLABE Flux serves, paid, not settled.
pub fn awaits_credit(r: &RemittanceRecord) -> bool {
    r.settle_account.is_some()
        && r.settlement_transaction_id.is_none()
        && r.paid_at.is_some()
        && is_paid(r.status)
}

fn amount_of(r: &RemittanceRecord) -> Option<Decimal> {
    r.amount.as_deref().and_then(|a| Decimal::from_str(a).ok())
}

/// The matching rule (see the module docs). `candidates` await a credit to the credited
/// CLABE and were paid before it arrived.
pub fn choose(credit: &Credit, candidates: &[RemittanceRecord]) -> Choice {
    if let Some(named) = &credit.names {
        let Some(i) = candidates.iter().position(|c| c.id == named.id) else {
            // Never the amount fallback: the payout of one remittance must not settle another.
            return Choice::Ambiguous(format!(
                "the credit names remittance {}, which is {} and {}, not a paid remittance to this account awaiting its credit",
                named.id,
                named.status.as_str(),
                if named.settlement_transaction_id.is_some() { "settled already" } else { "unsettled" }
            ));
        };
        // A remittance whose sender chose the amount can only be told by its name.
        if named.amount.is_none() || amount_of(named) == Some(credit.amount) {
            return Choice::Settles(i);
        }
        return Choice::Ambiguous(format!(
            "the credit of {} names remittance {} of {}",
            credit.amount,
            named.id,
            named.amount.as_deref().unwrap_or_default()
        ));
    }
    // By amount alone, only a completed remittance: before that a credit of the same amount is
    // as likely to be anything else.
    let same: Vec<usize> = (0..candidates.len())
        .filter(|&i| {
            candidates[i].status == RemittanceStatus::Completed
                && amount_of(&candidates[i]) == Some(credit.amount)
        })
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

/// The words of a credit's concept and reference that could name a remittance: Flux's id (a
/// UUID, which Flux gives the provider as the external id) or a provider id long enough not
/// to be a coincidence (12 characters, not all digits).
fn naming_tokens(t: &TransactionRecord) -> Vec<String> {
    [t.description.as_deref(), t.external_reference.as_deref()]
        .into_iter()
        .flatten()
        .flat_map(|text| text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_')))
        .filter(|w| w.len() >= 12 && !w.chars().all(|c| c.is_ascii_digit()))
        .map(str::to_string)
        .collect()
}

/// The partner's remittance the credit names, if any.
async fn named_remittance(
    tx: &mut dyn Tx,
    t: &TransactionRecord,
) -> Result<Option<RemittanceRecord>> {
    for token in naming_tokens(t) {
        let row = match Uuid::parse_str(&token) {
            Ok(id) => {
                let sql = concat!(
                    "SELECT ",
                    columns!(),
                    " FROM remittances WHERE id = $1 AND partner_id = $2"
                );
                tx.query_opt(sql, &[id.into(), t.partner_id.into()]).await?
            }
            Err(_) => {
                let sql = concat!(
                    "SELECT ",
                    columns!(),
                    " FROM remittances WHERE partner_id = $1 AND provider_reference = $2"
                );
                tx.query_opt(sql, &[t.partner_id.into(), token.into()])
                    .await?
            }
        };
        if let Some(row) = row {
            return Ok(Some(remittance(&row)?));
        }
    }
    Ok(None)
}

/// Links a credit and the remittance it paid, closes what review items they settle, and
/// returns false if the remittance turned out to be settled already.
async fn link(
    tx: &mut dyn Tx,
    remittance_id: Uuid,
    t: &TransactionRecord,
    now: DateTime<Utc>,
) -> Result<bool> {
    let linked = tx
        .exec(
            "UPDATE remittances SET settlement_transaction_id = $2, settled_at = $3
             WHERE id = $1 AND settlement_transaction_id IS NULL",
            &[remittance_id.into(), t.id.into(), micros(now)],
        )
        .await?;
    if linked != 1 {
        return Ok(false);
    }
    tx.exec(
        "UPDATE transactions SET remittance_id = $1 WHERE id = $2 AND remittance_id IS NULL",
        &[remittance_id.into(), t.id.into()],
    )
    .await?;
    tx.exec(
        "UPDATE review_items SET resolved_at = $3, resolved_by = 'flux', resolution = $4
         WHERE resolved_at IS NULL AND ((remittance_id = $1 AND kind = 'UNSETTLED_REMITTANCE')
           OR (transaction_id = $2 AND kind = 'AMBIGUOUS_SETTLEMENT'))",
        &[
            remittance_id.into(),
            t.id.into(),
            micros(now),
            format!("remittance {remittance_id} settled by money-in {}", t.id).into(),
        ],
    )
    .await?;
    metrics::counter!("flux_remittances_settled_total").increment(1);
    announce(tx, remittance_id, now).await?;
    Ok(true)
}

/// Tells the partner its remittance is settled, in the same transaction as the link.
async fn announce(tx: &mut dyn Tx, remittance_id: Uuid, now: DateTime<Utc>) -> Result<()> {
    let Some(notify) = ANNOUNCE.get() else {
        return Ok(());
    };
    let r = by_id_for_update(tx, remittance_id)
        .await?
        .ok_or(StoreError::NotFound)?;
    let subject = crate::outbox::Subject {
        event_type: notify.event_type,
        client_id: r.client_id,
        id: r.id,
        member: "remittance",
        data: (notify.render)(&r),
    };
    crate::outbox::enqueue_subject(tx, &subject, None, now)
        .await
        .map(|_| ())
}

/// A money-in just recorded: the remittance it settles, linked, if one (see the module docs).
/// Files a credit Flux will not decide on for review and settles nothing.
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
        " AND paid_at <= $3 ORDER BY paid_at, id"
    );
    let paid_by = micros(t.created_at + CLOCK_SKEW);
    let rows = tx
        .query(sql, &[t.partner_id.into(), clabe.into(), paid_by])
        .await?;
    let candidates = rows.iter().map(remittance).collect::<Result<Vec<_>>>()?;
    let names = named_remittance(tx, t).await?;
    if names.is_none() && candidates.is_empty() {
        return Ok(None);
    }
    let now = flux_core::time::now();
    match choose(&Credit { amount, names }, &candidates) {
        Choice::Nothing => Ok(None),
        Choice::Settles(i) => Ok(link(tx, candidates[i].id, t, now)
            .await?
            .then_some(candidates[i].id)),
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

/// How many credits one look-back tries: they are already narrowed to the client, the time
/// since the sender paid, and the amount or the remittance's name.
const LOOK_BACK: i64 = 50;

/// A remittance that now awaits its credit: the unsettled credits to its CLABE since its
/// sender paid, of its amount or naming it, are each tried as if they had just arrived; `r`
/// shows the link if one of them settles it. The caller holds the CLABE's lock and has written
/// `r`'s status.
pub(crate) async fn settle_remittance(tx: &mut dyn Tx, r: &mut RemittanceRecord) -> Result<()> {
    let (Some(clabe), Some(paid_at)) = (r.settle_account.clone(), r.paid_at) else {
        return Ok(());
    };
    if !awaits_credit(r) {
        return Ok(());
    }
    let amount = r
        .amount
        .as_deref()
        .and_then(|a| flux_core::money::Amount::parse(a, flux_core::money::Currency::MXN).ok())
        .map(|a| a.to_wire());
    let sql = concat!(
        "SELECT ",
        crate::transactions::columns!(),
        " FROM transactions WHERE client_id IN (SELECT client_id FROM accounts WHERE clabe = $1)",
        " AND kind = 'MONEY_IN' AND remittance_id IS NULL AND created_at >= $2",
        " AND (amount = $3 OR description LIKE $4 OR external_reference LIKE $4)",
        " ORDER BY created_at, id LIMIT $5"
    );
    let named = format!("%{}%", r.id);
    let since = micros(paid_at - CLOCK_SKEW);
    let rows = tx
        .query(
            sql,
            &[
                clabe.clone().into(),
                since,
                amount.into(),
                named.into(),
                LOOK_BACK.into(),
            ],
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

/// A settled remittance that the provider then reports FAILED, CANCELLED or REFUNDED: its
/// credit arrived, so something contradicts; an operator looks (the link stays as evidence).
pub(crate) async fn unpaid_after_settled(tx: &mut dyn Tx, r: &RemittanceRecord) -> Result<()> {
    let Some(credit) = r.settlement_transaction_id else {
        return Ok(());
    };
    if is_paid(r.status) {
        return Ok(());
    }
    let item = NewReview {
        kind: ReviewKind::AmbiguousSettlement,
        provider: r.provider.clone(),
        client_id: Some(r.client_id),
        transaction_id: None,
        remittance_id: Some(r.id),
        id_msg: None,
        reason: format!(
            "remittance {} was settled by money-in {credit}, then its provider reported it {}",
            r.id,
            r.status.as_str()
        ),
    };
    review::file(tx, &item, flux_core::time::now())
        .await
        .map(|_| ())
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

/// Settles remittance `id` if its credit has arrived, else files it for an operator, once;
/// returns it when filed now.
async fn file_if_unsettled(
    tx: &mut dyn Tx,
    id: Uuid,
    window: std::time::Duration,
) -> Result<Option<RemittanceRecord>> {
    if let Some(clabe) = account_to_lock(tx, id).await? {
        lock_account(tx, &clabe).await?;
    }
    let mut r = by_id_for_update(tx, id)
        .await?
        .ok_or(StoreError::NotFound)?;
    settle_remittance(tx, &mut r).await?;
    if r.settlement_transaction_id.is_some() {
        return Ok(None);
    }
    let now = flux_core::time::now();
    Ok(review::file(tx, &unsettled_review(&r, window), now)
        .await?
        .then_some(r))
}

fn unsettled_review(r: &RemittanceRecord, window: std::time::Duration) -> NewReview {
    let completed = r
        .completed_at
        .map(flux_core::time::to_rfc3339)
        .unwrap_or_default();
    NewReview {
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
    }
}

impl Store {
    /// Remittances completed before `now - window` whose credit has not arrived: each is tried
    /// once more against the credits received (one recorded by another instance at the same
    /// moment, say) and, if still unsettled, filed for an operator in the same transaction.
    /// Returns the ones filed; one whose write fails is logged and left for the next round.
    pub async fn file_overdue_settlements(
        &self,
        window: std::time::Duration,
        limit: i64,
    ) -> Result<Vec<RemittanceRecord>> {
        let before = flux_core::time::now()
            - chrono::Duration::from_std(window).map_err(StoreError::backend)?;
        let sql = concat!(
            "SELECT id FROM remittances WHERE settle_account IS NOT NULL",
            " AND settlement_transaction_id IS NULL AND status = 'COMPLETED' AND completed_at < $1",
            not_filed!(),
            " ORDER BY completed_at, id LIMIT $2"
        );
        let rows = self.query(sql, vec![micros(before), limit.into()]).await?;
        let ids = rows.iter().map(|r| r.uuid(0)).collect::<Result<Vec<_>>>()?;
        let mut filed = Vec::new();
        for id in ids {
            // Settling can meet a lane's batch (see save_remittance_answer).
            let r = match self
                .write_again_after_deadlock(move || {
                    tx_fn(move |tx| Box::pin(file_if_unsettled(tx, id, window)))
                })
                .await
            {
                Ok(r) => r,
                // One remittance that cannot be filed now (deadlocked three times, say) is
                // tried again next round; it must not hide the ones already filed, which the
                // caller logs, nor stop the rest of the round.
                Err(e) => {
                    tracing::warn!(remittance_id = %id, error = %e, "could not file an overdue settlement this round");
                    continue;
                }
            };
            filed.extend(r);
        }
        Ok(filed)
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
}

#[cfg(test)]
mod tests {
    use super::*;

    fn remittance(amount: Option<&str>, status: RemittanceStatus) -> RemittanceRecord {
        let now = flux_core::time::now();
        RemittanceRecord {
            id: Uuid::new_v4(),
            partner_id: Uuid::nil(),
            client_id: Uuid::nil(),
            provider: "felix".into(),
            provider_reference: None,
            status,
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
            paid_at: Some(now),
            completed_at: None,
        }
    }

    fn credit(amount: &str, names: Option<&RemittanceRecord>) -> Credit {
        Credit {
            amount: Decimal::from_str(amount).unwrap_or_default(),
            names: names.cloned(),
        }
    }

    const DONE: RemittanceStatus = RemittanceStatus::Completed;

    #[test]
    fn the_one_completed_remittance_of_that_amount_is_settled() {
        let rs = [
            remittance(Some("100.00"), DONE),
            remittance(Some("250.50"), DONE),
        ];
        assert_eq!(choose(&credit("250.5", None), &rs), Choice::Settles(1));
        assert_eq!(choose(&credit("99.99", None), &rs), Choice::Nothing);
    }

    #[test]
    fn by_amount_alone_only_a_completed_remittance_is_settled() {
        let rs = [remittance(Some("100.00"), RemittanceStatus::Confirmed)];
        assert_eq!(choose(&credit("100", None), &rs), Choice::Nothing);
        assert_eq!(
            choose(&credit("100", Some(&rs[0])), &rs),
            Choice::Settles(0)
        );
    }

    #[test]
    fn two_of_the_same_amount_are_for_an_operator_unless_the_credit_names_one() {
        let rs = [
            remittance(Some("100"), DONE),
            remittance(Some("100.00"), DONE),
        ];
        assert!(matches!(
            choose(&credit("100", None), &rs),
            Choice::Ambiguous(_)
        ));
        assert_eq!(
            choose(&credit("100", Some(&rs[1])), &rs),
            Choice::Settles(1)
        );
    }

    #[test]
    fn a_credit_naming_a_remittance_it_cannot_pay_settles_no_other() {
        let rs = [remittance(Some("100"), DONE), remittance(Some("90"), DONE)];
        // Names the first with the second's amount.
        assert!(matches!(
            choose(&credit("90", Some(&rs[0])), &rs),
            Choice::Ambiguous(_)
        ));
        // Names one that is not awaiting a credit here: no fallback to the amount.
        let elsewhere = remittance(Some("90"), RemittanceStatus::Started);
        assert!(matches!(
            choose(&credit("90", Some(&elsewhere)), &rs),
            Choice::Ambiguous(_)
        ));
        let chosen = [remittance(None, RemittanceStatus::InProgress)];
        assert_eq!(
            choose(&credit("90", Some(&chosen[0])), &chosen),
            Choice::Settles(0)
        );
        assert_eq!(choose(&credit("90", None), &chosen), Choice::Nothing);
    }

    #[test]
    fn only_long_words_that_are_not_all_digits_can_name_a_remittance() {
        let id = Uuid::new_v4();
        let now = flux_core::time::now();
        let t = TransactionRecord {
            id: Uuid::new_v4(),
            partner_id: Uuid::nil(),
            client_id: Uuid::nil(),
            kind: TxKind::MoneyIn,
            status: flux_core::TxStatus::Completed,
            amount: "1.00".into(),
            currency: "MXN".into(),
            description: Some(format!("PAGO {id} 123456789012")),
            external_reference: Some("1234567".into()),
            tracking_key: None,
            source_instrument_id: None,
            destination_instrument_id: None,
            related_transaction_id: None,
            provider: "fincore".into(),
            provider_reference: None,
            failure_code: None,
            failure_description: None,
            counterparty: None,
            cep_status: None,
            cep_processed_at: None,
            created_at: now,
            updated_at: now,
            remittance_id: None,
        };
        assert_eq!(naming_tokens(&t), vec![id.to_string()]);
    }
}
