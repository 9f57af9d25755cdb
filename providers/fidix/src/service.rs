//! Fidi X's semantics over the flux-ledger engine: validates wire requests, runs them, and
//! renders results and refusals as Fidi X's wire types. The emulator serves it over HTTP; Flux's
//! partner API calls it directly when `ledger.backend = "embedded"`.

use crate::wire::*;
use flux_core::money::Currency;
use flux_ledger::amount::{format_minor, parse_minor};
use flux_ledger::persons::{self, PersonRow};
use flux_ledger::{
    Account, Command, Ledger, LedgerError, NewAccount, NewTransaction, Operation, Side, Transaction,
};
use uuid::Uuid;

/// A refusal: the HTTP status Fidi X answers with and its ErrorResponse body.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{status} {}: {}", body.code, body.message)]
pub struct FidixError {
    pub status: u16,
    pub body: ErrorResponse,
}

impl FidixError {
    pub fn new(status: u16, code: &str, message: impl Into<String>) -> Self {
        FidixError {
            status,
            body: ErrorResponse {
                code: code.into(),
                message: message.into(),
                details: Vec::new(),
            },
        }
    }

    pub fn field(field: &str, reason: impl Into<String>) -> Self {
        let reason = reason.into();
        FidixError {
            status: 400,
            body: ErrorResponse {
                code: "invalid_request".into(),
                message: format!("{field} {reason}"),
                details: vec![ErrorDetail {
                    field: field.into(),
                    reason,
                }],
            },
        }
    }

    pub fn not_found(what: &str) -> Self {
        FidixError::new(404, "not_found", format!("{what} not found"))
    }

    pub fn internal() -> Self {
        FidixError::new(500, "internal_error", "internal error; retry later")
    }
}

/// Maps an engine refusal to Fidi X's documented codes (400/404/500).
impl From<LedgerError> for FidixError {
    fn from(e: LedgerError) -> Self {
        match &e {
            LedgerError::Invalid { field, reason } => FidixError::field(field, reason.clone()),
            LedgerError::AccountNotFound(_) | LedgerError::TransactionNotFound(_) => {
                FidixError::new(404, e.code(), e.to_string())
            }
            LedgerError::Store(err) => {
                tracing::error!(error = %err, "ledger store error");
                FidixError::internal()
            }
            _ => FidixError::new(400, e.code(), e.to_string()),
        }
    }
}

impl From<flux_store::StoreError> for FidixError {
    fn from(e: flux_store::StoreError) -> Self {
        FidixError::from(LedgerError::Store(e))
    }
}

/// Reads a JSON value into a request type; a failure names the field by its path
/// (`operations[0].amount`) and says what was wrong.
pub fn from_json<T: serde::de::DeserializeOwned>(
    value: serde_json::Value,
) -> Result<T, FidixError> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let reason = e.inner().to_string();
        let path = e.path().to_string();
        // A missing field is reported at its parent; name the field itself.
        let missing = reason
            .strip_prefix("missing field `")
            .and_then(|r| r.split('`').next());
        let field = match (missing, path.as_str()) {
            (Some(name), ".") => name.to_string(),
            (Some(name), parent) => format!("{parent}.{name}"),
            (None, ".") => "body".to_string(),
            (None, p) => p.to_string(),
        };
        FidixError::field(&field, reason)
    })
}

fn currency(text: &str, field: &str) -> Result<Currency, FidixError> {
    text.parse()
        .map_err(|_| FidixError::field(field, "must be one of MXN, USD, CLP, COP, GTQ, HNL"))
}

fn side(text: &str, field: &str) -> Result<Side, FidixError> {
    Side::parse(text).ok_or_else(|| FidixError::field(field, "must be DEBIT or CREDIT"))
}

fn rfc3339(t: chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

pub fn account_response(a: &Account) -> AccountResponse {
    AccountResponse {
        id: a.id,
        ledger_id: a.ledger_id,
        name: a.name.clone(),
        currency: a.currency.code().into(),
        normal_balance: a.normal_balance.as_str().into(),
        overdraft_limit: format_minor(a.overdraft_limit.unwrap_or(0), a.currency),
        person_id: a.person_id,
        metadata: a.metadata.clone(),
        created_at: rfc3339(a.created_at),
    }
}

pub fn balance_response(a: &Account) -> BalanceResponse {
    let b = a.balance_text();
    BalanceResponse {
        account_id: a.id,
        currency: a.currency.code().into(),
        posted: b.posted,
        pending: b.pending,
        available: b.available,
    }
}

pub fn transaction_response(t: &Transaction) -> TransactionResponse {
    TransactionResponse {
        id: t.id.to_string(),
        ledger_id: t.ledger_id,
        reference_id: t.reference_id.clone(),
        currency: t.currency.code().into(),
        description: t.description.clone(),
        status: t.status.as_str().into(),
        operations: t
            .operations
            .iter()
            .map(|o| TransactionOperation {
                account_id: o.account_id,
                direction: o.direction.as_str().into(),
                amount: format_minor(o.amount, t.currency),
            })
            .collect(),
        metadata: t.metadata.clone(),
        created_at: rfc3339(t.created_at),
        updated_at: rfc3339(t.updated_at),
    }
}

fn person_response(p: &PersonRow) -> PersonResponse {
    let text = |k: &str| p.data.get(k).and_then(|v| v.as_str()).map(str::to_string);
    PersonResponse {
        id: p.id,
        ledger_id: p.ledger_id,
        person_type: text("type").unwrap_or_default(),
        name: text("name").unwrap_or_default(),
        email: text("email"),
        tax_id: text("tax_id"),
        metadata: p
            .data
            .get("metadata")
            .cloned()
            .unwrap_or_else(|| serde_json::json!({})),
        created_at: rfc3339(p.created_at),
    }
}

fn object(v: &serde_json::Value, field: &str) -> Result<(), FidixError> {
    if v.is_object() {
        Ok(())
    } else {
        Err(FidixError::field(field, "must be a JSON object"))
    }
}

/// Fidi X over a ledger engine.
#[derive(Clone)]
pub struct Service {
    ledger: Ledger,
}

impl Service {
    pub fn new(ledger: Ledger) -> Self {
        Service { ledger }
    }

    pub fn ledger(&self) -> &Ledger {
        &self.ledger
    }

    pub async fn create_account(
        &self,
        req: CreateAccountRequest,
    ) -> Result<AccountResponse, FidixError> {
        let currency = currency(&req.currency, "currency")?;
        let normal = side(&req.normal_balance, "normal_balance")?;
        let name = req.name.trim();
        if name.is_empty() || name.len() > 200 {
            return Err(FidixError::field("name", "must be 1 to 200 characters"));
        }
        object(&req.metadata, "metadata")?;
        let limit = match req.overdraft_limit.as_deref() {
            None | Some("0") => 0,
            Some(text) => parse_minor(text, currency)
                .map_err(|reason| FidixError::field("overdraft_limit", reason))?,
        };
        if let Some(person) = req.person_id {
            match persons::get_person(self.ledger.store(), person).await? {
                Some(p) if p.ledger_id == req.ledger_id => {}
                _ => return Err(FidixError::not_found("person")),
            }
        }
        let account = self
            .ledger
            .create_account(NewAccount {
                id: req.id,
                ledger_id: req.ledger_id,
                currency,
                normal_balance: normal,
                overdraft_limit: Some(limit),
                name: Some(name.to_string()),
                person_id: req.person_id,
                metadata: req.metadata,
            })
            .await?;
        Ok(account_response(&account))
    }

    /// The account, if it exists (in `ledger`, when given).
    pub async fn account(&self, id: Uuid, ledger: Option<Uuid>) -> Result<Account, FidixError> {
        flux_ledger::get_account(self.ledger.store(), id)
            .await?
            .filter(|a| ledger.is_none_or(|l| l == a.ledger_id))
            .ok_or_else(|| FidixError::not_found("account"))
    }

    pub async fn get_account(
        &self,
        id: Uuid,
        ledger: Option<Uuid>,
    ) -> Result<AccountDetailResponse, FidixError> {
        let a = self.account(id, ledger).await?;
        Ok(AccountDetailResponse {
            account: account_response(&a),
            balance: balance_response(&a),
        })
    }

    pub async fn balance(
        &self,
        id: Uuid,
        ledger: Option<Uuid>,
    ) -> Result<BalanceResponse, FidixError> {
        Ok(balance_response(&self.account(id, ledger).await?))
    }

    pub async fn create_person(
        &self,
        req: CreatePersonRequest,
    ) -> Result<PersonDataResponse, FidixError> {
        if !matches!(req.person_type.as_str(), "INDIVIDUAL" | "COMPANY") {
            return Err(FidixError::field("type", "must be INDIVIDUAL or COMPANY"));
        }
        let name = req.name.trim();
        if name.is_empty() || name.len() > 200 {
            return Err(FidixError::field("name", "must be 1 to 200 characters"));
        }
        if let Some(email) = &req.email {
            if !email.contains('@') || email.len() > 254 {
                return Err(FidixError::field("email", "must be an email address"));
            }
        }
        if let Some(tax_id) = &req.tax_id {
            if tax_id.is_empty() || tax_id.len() > 20 {
                return Err(FidixError::field("tax_id", "must be 1 to 20 characters"));
            }
        }
        object(&req.metadata, "metadata")?;
        let row = PersonRow {
            id: Uuid::now_v7(),
            ledger_id: req.ledger_id,
            data: serde_json::json!({
                "type": req.person_type, "name": name, "email": req.email,
                "tax_id": req.tax_id, "metadata": req.metadata,
            }),
            created_at: flux_core::time::now(),
        };
        persons::insert_person(self.ledger.store(), &row).await?;
        Ok(PersonDataResponse {
            data: person_response(&row),
        })
    }

    pub async fn get_person(
        &self,
        id: Uuid,
        ledger: Option<Uuid>,
    ) -> Result<PersonDataResponse, FidixError> {
        persons::get_person(self.ledger.store(), id)
            .await?
            .filter(|p| ledger.is_none_or(|l| l == p.ledger_id))
            .map(|p| PersonDataResponse {
                data: person_response(&p),
            })
            .ok_or_else(|| FidixError::not_found("person"))
    }

    pub async fn list_persons(
        &self,
        ledger_id: Uuid,
        page: u64,
        per_page: u64,
    ) -> Result<PersonListResponse, FidixError> {
        let page = page.max(1);
        let per_page = per_page.clamp(1, 100);
        let (rows, total) = persons::list_persons(
            self.ledger.store(),
            ledger_id,
            (page - 1) * per_page,
            per_page,
        )
        .await?;
        Ok(PersonListResponse {
            data: rows.iter().map(person_response).collect(),
            page,
            per_page,
            total,
        })
    }

    /// Validates and converts a wire transaction into an engine command.
    pub fn new_transaction(
        req: &CreateTransactionRequest,
        idempotency_key: Option<String>,
    ) -> Result<NewTransaction, FidixError> {
        let currency = currency(&req.currency, "currency")?;
        object(&req.metadata, "metadata")?;
        let mut operations = Vec::with_capacity(req.operations.len());
        for (i, op) in req.operations.iter().enumerate() {
            operations.push(Operation {
                account_id: op.account_id,
                direction: side(&op.direction, &format!("operations[{i}].direction"))?,
                amount: parse_minor(&op.amount, currency)
                    .map_err(|r| FidixError::field(&format!("operations[{i}].amount"), r))?,
            });
        }
        Ok(NewTransaction {
            id: None,
            ledger_id: req.ledger_id,
            reference_id: req.reference_id.clone(),
            currency,
            description: req.description.clone(),
            operations,
            metadata: req.metadata.clone(),
            // Fidi X has no holds.
            pending: false,
            expires_at: None,
            idempotency_key,
        })
    }

    /// Creates a transaction; the flag says whether it replays an earlier one with this key.
    pub async fn create_transaction(
        &self,
        req: &CreateTransactionRequest,
        idempotency_key: Option<String>,
    ) -> Result<(TransactionResponse, bool), FidixError> {
        let new = Self::new_transaction(req, idempotency_key)?;
        let outcome = self.ledger.submit(Command::Create(new)).await?;
        Ok((transaction_response(&outcome.transaction), outcome.replayed))
    }

    pub async fn get_transaction(
        &self,
        id: Uuid,
        ledger: Option<Uuid>,
    ) -> Result<TransactionResponse, FidixError> {
        flux_ledger::get_transaction(self.ledger.store(), id)
            .await?
            .filter(|t| ledger.is_none_or(|l| l == t.ledger_id))
            .map(|t| transaction_response(&t))
            .ok_or_else(|| FidixError::not_found("transaction"))
    }
}
