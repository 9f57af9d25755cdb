//! Remittance requests: creating them from a v1 or v2 body, showing them in either response
//! format, moving them through the documented statuses, and searching them.
//!
//! Status rules (the seed gives the flow, not the transitions; this is Flux's reading):
//! CREATED → STARTED → CONFIRMED → IN_PROGRESS → COMPLETED on the clock; any status that is not
//! final may become FAILED or CANCELLED; CONFIRMED, IN_PROGRESS, COMPLETED and FAILED may become
//! REFUNDED (money was paid); FAILED may become IN_PROGRESS or COMPLETED ("an operator
//! manually resolves the issue"). COMPLETED, CANCELLED and REFUNDED are final, and the clock
//! never moves a FAILED one.
//!
//! A create repeating an `external_transaction_id` with the same body is answered with the
//! transaction already created (a retry must not make a second remittance); with a different
//! body it is a 422.

use super::problem::{EmuError, Problems};
use super::state::{State, StoredTx};
use crate::wire::*;
use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{json, Map};
use sha2::{Digest, Sha256};
use std::cmp::Ordering;

/// What a create body says, whatever its version.
struct NewTx {
    external_transaction_id: String,
    amount: Option<Amount>,
    currency: Currency,
    name: String,
    middle_name: Option<String>,
    lastname: String,
    second_lastname: Option<String>,
    country: String,
    city: Option<String>,
    state: Option<String>,
    account_identifier_type: String,
    account_identifier_number: String,
    is_clabe: bool,
    bank_code: Option<String>,
    account_type: Option<String>,
    beneficiary_identifier: Option<String>,
    beneficiary_identifier_type: Option<String>,
}

fn from_v2(b: CreateTransactionV2) -> NewTx {
    let is_clabe = b.account_identifier_type.kind() == AccountIdentifierKind::Clabe;
    let number = match is_clabe {
        true => b.account_identifier_number.as_clabe(),
        false => None,
    }
    .unwrap_or_else(|| b.account_identifier_number.as_str().to_string());
    NewTx {
        external_transaction_id: b.external_transaction_id,
        amount: b.amount,
        currency: b.currency,
        name: b.beneficiary_name,
        middle_name: b.beneficiary_middle_name,
        lastname: b.beneficiary_lastname,
        second_lastname: b.beneficiary_second_lastname,
        country: b.country,
        city: b.city,
        state: b.state,
        account_identifier_type: b.account_identifier_type.0,
        account_identifier_number: number,
        is_clabe,
        bank_code: b.bank_code,
        account_type: b.account_type.map(|t| t.as_str().to_string()),
        beneficiary_identifier: b.beneficiary_identifier,
        beneficiary_identifier_type: b.beneficiary_identifier_type,
    }
}

fn from_v1(b: CreateTransactionV1) -> NewTx {
    let clabe = b
        .clabe
        .as_clabe()
        .unwrap_or_else(|| b.clabe.as_str().to_string());
    NewTx {
        external_transaction_id: b.external_transaction_id,
        amount: b.amount,
        currency: b.currency,
        name: b.name,
        middle_name: b.middle_name,
        lastname: b.lastname,
        second_lastname: b.second_lastname,
        country: b.country,
        city: b.city,
        state: b.state,
        account_identifier_type: AccountIdentifierKind::Clabe.as_str().to_string(),
        account_identifier_number: clabe,
        is_clabe: true,
        bank_code: b.bank_code,
        account_type: None,
        beneficiary_identifier: None,
        beneficiary_identifier_type: None,
    }
}

/// Validates and reads a create body of either version. The hash identifies the request.
pub(crate) fn read_create(body: CreateTransaction) -> Result<(NewTxRequest, String), EmuError> {
    let text = serde_json::to_string(&body).unwrap_or_default();
    let hash = hex::encode(Sha256::digest(format!("{:?}:{text}", body.version())));
    let new = match body {
        CreateTransaction::V1(b) => {
            super::validate::create_v1(&b)?;
            from_v1(b)
        }
        CreateTransaction::V2(b) => {
            super::validate::create_v2(&b)?;
            from_v2(b)
        }
    };
    Ok((NewTxRequest(new), hash))
}

/// A validated create body.
pub(crate) struct NewTxRequest(NewTx);

/// The outcome of a create: the transaction, and whether it was made just now.
pub(crate) struct Created {
    pub id: String,
    pub fresh: bool,
}

impl State {
    /// Creates a transaction, or finds the one an identical earlier request created.
    pub fn create_transaction(
        &mut self,
        provider_id: &str,
        req: NewTxRequest,
        hash: String,
        now: DateTime<Utc>,
    ) -> Result<Created, EmuError> {
        let n = req.0;
        let key = (provider_id.to_string(), n.external_transaction_id.clone());
        if let Some(old) = self
            .by_external
            .get(&key)
            .and_then(|id| self.transactions.get(id))
        {
            return replay(old, &hash);
        }
        let seq = self.next_seq;
        self.next_seq += 1;
        let id = format!("tx_{}", uuid::Uuid::new_v4().simple());
        let tx = StoredTx {
            id: id.clone(),
            provider_id: provider_id.to_string(),
            seq,
            request_hash: hash,
            external_transaction_id: n.external_transaction_id,
            amount: n.amount.map(|a| a.value()),
            currency: n.currency.as_str().to_string(),
            name: n.name,
            middle_name: n.middle_name,
            lastname: n.lastname,
            second_lastname: n.second_lastname,
            country: n.country,
            city: n.city,
            state: n.state,
            account_identifier_type: n.account_identifier_type,
            account_identifier_number: n.account_identifier_number,
            is_clabe: n.is_clabe,
            bank_code: n.bank_code,
            account_type: n.account_type,
            beneficiary_identifier: n.beneficiary_identifier,
            beneficiary_identifier_type: n.beneficiary_identifier_type,
            sender_id: None,
            status: TransactionStatus::Created,
            created_at: now,
            updated_at: None,
            changed_at: now,
        };
        self.transactions.insert(id.clone(), tx);
        self.by_external.insert(key, id.clone());
        self.stats.transactions_created += 1;
        Ok(Created { id, fresh: true })
    }
}

fn replay(old: &StoredTx, hash: &str) -> Result<Created, EmuError> {
    if old.request_hash == hash {
        return Ok(Created {
            id: old.id.clone(),
            fresh: false,
        });
    }
    let mut p = Problems::default();
    p.add(
        &["body", "external_transaction_id"],
        "value_error",
        "Value error, external_transaction_id already used by a different request",
        json!(old.external_transaction_id),
    );
    Err(p
        .into_result()
        .err()
        .unwrap_or_else(|| EmuError::invalid(vec![])))
}

/// Félix's timestamps: RFC 3339, UTC, milliseconds.
pub(crate) fn time_text(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// The transaction in a response format (see [`ApiVersion`] for the difference).
pub(crate) fn render(t: &StoredTx, version: ApiVersion, base_url: &str) -> TransactionResponse {
    let mut r = TransactionResponse {
        id: Some(t.id.clone()),
        provider_id: Some(t.provider_id.clone()),
        sender_id: t.sender_id.clone(),
        external_transaction_id: Some(t.external_transaction_id.clone()),
        name: Some(t.name.clone()),
        middle_name: t.middle_name.clone(),
        lastname: Some(t.lastname.clone()),
        second_lastname: t.second_lastname.clone(),
        city: t.city.clone(),
        state: t.state.clone(),
        // Félix writes the CLABE as a JSON number, losing a leading zero: so does the emulator.
        clabe: t
            .is_clabe
            .then(|| Clabe::from_digits(&t.account_identifier_number))
            .flatten(),
        // The schema's default for an amount the sender has yet to choose.
        amount: Some(Amount(t.amount.unwrap_or(rust_decimal::Decimal::new(0, 1)))),
        currency: Some(Currency::from(t.currency.as_str())),
        status: Some(t.status.clone()),
        created_at: Some(time_text(t.created_at)),
        updated_at: t.updated_at.map(time_text),
        metafields: Some(Map::new()),
        ..Default::default()
    };
    if version == ApiVersion::V2 {
        r.country = Some(t.country.clone());
        r.account_identifier_type = Some(AccountIdentifierType(t.account_identifier_type.clone()));
        r.account_identifier_number = Some(AccountNumber::new(&t.account_identifier_number));
        r.bank_code = t.bank_code.clone();
        r.account_type = t.account_type.as_deref().map(AccountType::from);
        r.beneficiary_identifier = t.beneficiary_identifier.clone();
        r.beneficiary_identifier_type = t.beneficiary_identifier_type.clone();
        r.url = Some(format!("{base_url}/api/v1/transactions/{}", t.id));
    }
    r
}

/// Whether `from` may become `to` (see the module docs).
pub(crate) fn is_legal(from: &TransactionStatus, to: &TransactionStatus) -> bool {
    use TransactionStatus::*;
    if from.next_on_happy_path().as_ref() == Some(to) {
        return true;
    }
    match to {
        Failed => !from.is_final() && *from != Failed,
        Cancelled => !from.is_final(),
        Refunded => matches!(from, Confirmed | InProgress | Completed | Failed),
        InProgress | Completed => *from == Failed,
        _ => false,
    }
}

/// A status change to record: the delta and the transaction after it.
pub(crate) struct Change {
    pub provider_id: String,
    pub transaction_id: String,
    pub delta: NotificationDelta,
}

impl State {
    /// Moves a transaction to `to` (or its next happy-path status), if legal.
    pub fn transition(
        &mut self,
        id: &str,
        to: Option<TransactionStatus>,
        now: DateTime<Utc>,
    ) -> Result<Change, EmuError> {
        let tx = self
            .transactions
            .get_mut(id)
            .ok_or_else(|| EmuError::not_found("Transaction"))?;
        let to = to
            .or_else(|| tx.status.next_on_happy_path())
            .ok_or_else(|| conflict(&tx.status, "no next status"))?;
        if !is_legal(&tx.status, &to) {
            return Err(conflict(&tx.status, &format!("cannot become {to}")));
        }
        if to == TransactionStatus::Started && tx.sender_id.is_none() {
            tx.sender_id = Some(format!(
                "sender_{}",
                &uuid::Uuid::new_v4().simple().to_string()[..10]
            ));
        }
        let old = std::mem::replace(&mut tx.status, to.clone());
        tx.updated_at = Some(now);
        tx.changed_at = now;
        self.stats.status_changes += 1;
        Ok(Change {
            provider_id: tx.provider_id.clone(),
            transaction_id: tx.id.clone(),
            delta: NotificationDelta {
                old_status: old,
                new_status: to,
                updated_at: Some(time_text(now)),
                extra: Map::new(),
            },
        })
    }

    /// Transactions whose clock step is due: not final, on the happy path, unchanged for `step`.
    pub fn due_for_step(&self, now: DateTime<Utc>, step: chrono::Duration) -> Vec<String> {
        self.transactions
            .values()
            .filter(|t| t.status.next_on_happy_path().is_some() && now - t.changed_at >= step)
            .map(|t| t.id.clone())
            .collect()
    }
}

fn conflict(from: &TransactionStatus, why: &str) -> EmuError {
    EmuError::message(
        axum::http::StatusCode::CONFLICT,
        format!("transaction is {from}: {why}"),
    )
}

/// Search: the provider's transactions that pass the filters, sorted, then the page.
pub(crate) fn search<'a>(
    state: &'a State,
    provider_id: &str,
    q: &SearchRequest,
) -> Vec<&'a StoredTx> {
    let f = q.filters.clone().unwrap_or_default();
    let mut found: Vec<&StoredTx> = state
        .transactions
        .values()
        .filter(|t| t.provider_id == provider_id && matches(t, &f))
        .collect();
    let order = q.order_by.clone().unwrap_or_else(|| "created_at".into());
    let descending = order.starts_with('-');
    let key = order.trim_start_matches('-');
    found.sort_by(|a, b| {
        let o = compare(a, b, key).then(a.seq.cmp(&b.seq));
        if descending {
            o.reverse()
        } else {
            o
        }
    });
    found
        .into_iter()
        .skip(q.offset.max(0) as usize)
        .take(q.limit.clamp(1, 100) as usize)
        .collect()
}

fn matches(t: &StoredTx, f: &SearchTransactionFilters) -> bool {
    let since = f.created_from.as_deref().and_then(parse_time);
    let until = f.created_to.as_deref().and_then(parse_time);
    f.status.as_ref().is_none_or(|s| s.contains(&t.status))
        && f.external_transaction_id
            .as_ref()
            .is_none_or(|e| *e == t.external_transaction_id)
        && f.currency.as_ref().is_none_or(|c| c.as_str() == t.currency)
        && f.country
            .as_ref()
            .is_none_or(|c| c.eq_ignore_ascii_case(&t.country))
        && since.is_none_or(|s| t.created_at >= s)
        && until.is_none_or(|u| t.created_at < u)
}

fn compare(a: &StoredTx, b: &StoredTx, key: &str) -> Ordering {
    match key {
        "updated_at" => a.updated_at.cmp(&b.updated_at),
        "amount" => a.amount.cmp(&b.amount),
        "status" => a.status.as_str().cmp(b.status.as_str()),
        "external_transaction_id" => a.external_transaction_id.cmp(&b.external_transaction_id),
        _ => a.created_at.cmp(&b.created_at),
    }
}
