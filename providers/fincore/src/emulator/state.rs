//! The emulator's bookkeeping and rules. Every method runs under one lock, so each operation is
//! atomic; webhooks and status progression are done by the caller after the lock is released.

use super::SeedClient;
use crate::wire::*;
use axum::http::StatusCode;
use flux_core::{banks, card, clabe, time};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use uuid::Uuid;

/// An error the emulator answers with: status and `{code, message}`.
#[derive(Debug, Clone)]
pub struct EmuError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
}

pub(crate) fn err(status: StatusCode, code: &'static str, message: impl Into<String>) -> EmuError {
    EmuError {
        status,
        code,
        message: message.into(),
    }
}

pub(crate) fn not_found(what: &str) -> EmuError {
    err(
        StatusCode::NOT_FOUND,
        "not_found",
        format!("{what} not found"),
    )
}

fn bad_request(message: impl Into<String>) -> EmuError {
    err(StatusCode::BAD_REQUEST, "invalid_request", message)
}

/// Counters tests read to prove exactly-once effects.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Stats {
    pub tokens_issued: u64,
    pub money_out_executed: u64,
    pub money_out_replayed: u64,
    pub refunds_executed: u64,
    pub money_in_simulated: u64,
}

#[derive(Serialize, Deserialize)]
pub(crate) struct EmuClient {
    pub secret: String,
    pub credential_id: Uuid,
    pub adapter_id: Uuid,
    pub created_at: String,
}

/// An account and its balance. The balance is the one source of truth: the wire
/// `availableBalance` is rendered from it whenever the account is read ([`EmuAccount::view`]).
#[derive(Serialize, Deserialize)]
pub(crate) struct EmuAccount {
    pub account: Account,
    pub balance: Decimal,
}

impl EmuAccount {
    /// The account as Fincore shows it, with its current balance.
    pub fn view(&self) -> Account {
        Account {
            available_balance: money(self.balance),
            ..self.account.clone()
        }
    }
}

#[derive(Serialize, Deserialize)]
pub(crate) struct EmuTransaction {
    pub txn: Transaction,
    pub client_id: Uuid,
    /// The private account this transaction debits or credits.
    pub account_id: Uuid,
    /// MONEY_IN, MONEY_OUT or REFUND.
    pub kind: String,
    pub amount: Decimal,
    /// For a money-in: whether it was refunded.
    pub refunded: bool,
    /// For a refunded money-in: the refund's id (what an operator reads in Fincore's console
    /// when Flux never heard the refund's answer). Absent from states saved before it.
    #[serde(default)]
    pub refund_id: Option<Uuid>,
    /// For a transfer: the destination number, which decides rejection in the sandbox.
    pub destination: String,
}

#[derive(Serialize, Deserialize)]
struct CachedResponse {
    body_hash: String,
    /// The HTTP status, as a number so the state can be saved.
    status: u16,
    body: serde_json::Value,
    at: chrono::DateTime<chrono::Utc>,
}

/// Everything the emulator knows. It is saved to a file when one is configured (see
/// [`super::EmulatorConfig::state_file`]), so a sandbox restart keeps the provider's state.
#[derive(Default, Serialize, Deserialize)]
pub(crate) struct State {
    pub clients: HashMap<Uuid, EmuClient>,
    pub accounts: HashMap<Uuid, EmuAccount>,
    pub instruments: HashMap<Uuid, Instrument>,
    /// Instrument id → account id, for instruments that are private accounts.
    pub instrument_accounts: HashMap<Uuid, Uuid>,
    pub transactions: HashMap<Uuid, EmuTransaction>,
    pub webhooks: Vec<Webhook>,
    /// Keyed by "client:key" (a JSON object needs text keys).
    idempotency: HashMap<String, CachedResponse>,
    /// When expired keys were last swept out of `idempotency` (never saved: the first call
    /// after a restart sweeps).
    #[serde(skip)]
    idempotency_swept_at: Option<chrono::DateTime<chrono::Utc>>,
    next_account_number: u64,
    pub stats: Stats,
}

fn now_text() -> String {
    time::to_fincore(time::now())
}

fn record_audit() -> RecordAudit {
    let now = now_text();
    RecordAudit {
        created_at: now.clone(),
        updated_at: now,
        deleted_at: Nullable::NoneString,
        blocked_at: Nullable::NoneString,
    }
}

/// Parses an amount the way Fincore documents it: a decimal string, two decimals at most, > 0.
fn parse_amount(text: &str) -> Result<Decimal, EmuError> {
    flux_core::Amount::parse(text, flux_core::Currency::MXN)
        .map(|a| a.value())
        .map_err(|e| bad_request(format!("amount {e}")))
}

fn money(d: Decimal) -> String {
    flux_core::money::format_decimal(d, flux_core::Currency::MXN)
}

/// A SPEI tracking key: date, the issuer tag and ten random characters.
fn tracking_key() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    let mut rng = rand::thread_rng();
    let tail: String = (0..10)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect();
    format!(
        "{}FINCH{tail}",
        time::now()
            .with_timezone(&time::mexico_city())
            .format("%Y%m%d")
    )
}

impl State {
    pub fn seed_client(&mut self, seed: &SeedClient) -> Result<(), EmuError> {
        self.clients
            .entry(seed.client_id)
            .or_insert_with(|| EmuClient {
                secret: seed.client_secret.clone(),
                credential_id: Uuid::new_v5(&seed.client_id, b"credential"),
                adapter_id: seed.bank_adapter_id,
                created_at: now_text(),
            });
        if let Some(balance) = seed.funded_account {
            let already = self
                .accounts
                .values()
                .any(|a| a.account.client_id == seed.client_id);
            if !already {
                let req = CreatePrivateAccountRequest {
                    bank_id: finco_bank_id(),
                    owner_id: seed.client_id,
                    client_bank_adapter_id: seed.bank_adapter_id,
                    client_id: seed.client_id,
                    account_id: Uuid::new_v5(&seed.client_id, b"main-account"),
                };
                let account = self.create_private_account(seed.client_id, &req)?;
                self.credit(account.id, balance)?;
            }
        }
        Ok(())
    }

    /// Takes `amount` from an account's available balance, refusing to go below zero.
    fn debit(&mut self, account_id: Uuid, amount: Decimal) -> Result<&mut EmuAccount, EmuError> {
        let account = self
            .accounts
            .get_mut(&account_id)
            .ok_or_else(|| not_found("account"))?;
        if account.balance < amount {
            return Err(err(
                StatusCode::BAD_REQUEST,
                "insufficient_funds",
                format!("insufficient funds: available {}", money(account.balance)),
            ));
        }
        account.balance -= amount;
        Ok(account)
    }

    /// Adds `amount` to an account's available balance.
    fn credit(&mut self, account_id: Uuid, amount: Decimal) -> Result<&mut EmuAccount, EmuError> {
        let account = self
            .accounts
            .get_mut(&account_id)
            .ok_or_else(|| not_found("account"))?;
        account.balance += amount;
        Ok(account)
    }

    pub fn credit_by_clabe(&mut self, clabe: &str, amount: Decimal) -> bool {
        match self
            .accounts
            .values_mut()
            .find(|a| a.account.clabe_number == clabe)
        {
            Some(a) => {
                a.balance += amount;
                true
            }
            None => false,
        }
    }

    /// The client whose account has this CLABE.
    pub fn owner_of_clabe(&self, clabe: &str) -> Option<Uuid> {
        self.accounts
            .values()
            .find(|a| a.account.clabe_number == clabe)
            .map(|a| a.account.client_id)
    }

    pub fn balance_by_clabe(&self, clabe: &str) -> Option<Decimal> {
        self.accounts
            .values()
            .find(|a| a.account.clabe_number == clabe)
            .map(|a| a.balance)
    }

    pub fn issue_token(
        &mut self,
        client_id: Uuid,
        req: &CredentialTokenRequest,
        secret: &[u8],
        generation: u64,
        ttl_s: i64,
    ) -> Result<CredentialToken, EmuError> {
        let unauthorized = || {
            err(
                StatusCode::UNAUTHORIZED,
                "invalid_credentials",
                "invalid client credentials",
            )
        };
        if req.client_id != client_id.to_string() {
            return Err(bad_request("client_id in the body does not match the path"));
        }
        let client = self.clients.get(&client_id).ok_or_else(unauthorized)?;
        if !bool::from(subtle_eq(
            client.secret.as_bytes(),
            req.client_secret.as_bytes(),
        )) {
            return Err(unauthorized());
        }
        let (token, exp) = super::auth::issue(secret, generation, client_id, ttl_s);
        self.stats.tokens_issued += 1;
        let now = now_text();
        let expires = chrono::DateTime::from_timestamp(exp, 0).unwrap_or_default();
        Ok(CredentialToken {
            id: Uuid::new_v4(),
            client_id,
            client_credential_id: client.credential_id,
            token,
            status: "ACTIVE".into(),
            expires_at: expires
                .with_timezone(&time::mexico_city())
                .format("%Y-%m-%d %H:%M:%S%.6f")
                .to_string(),
            created_at: now.clone(),
            updated_at: now,
            deleted_at: Nullable::NoneString,
        })
    }

    pub fn credentials(&self, client_id: Uuid) -> Result<CredentialList, EmuError> {
        let c = self
            .clients
            .get(&client_id)
            .ok_or_else(|| not_found("client"))?;
        Ok(CredentialList {
            data: vec![Credential {
                id: c.credential_id,
                client_id,
                status: "ACTIVE".into(),
                created_at: c.created_at.clone(),
                updated_at: c.created_at.clone(),
                deleted_at: Nullable::NoneString,
            }],
        })
    }

    pub fn accounts(&self, client_id: Uuid, page: u64, per_page: u64) -> AccountsPage {
        let mut all: Vec<Account> = self
            .accounts
            .values()
            .filter(|a| a.account.client_id == client_id)
            .map(EmuAccount::view)
            .collect();
        all.sort_by(|a, b| a.account_number.cmp(&b.account_number));
        let total = all.len() as u64;
        let data = all
            .into_iter()
            .skip(((page.max(1) - 1) * per_page) as usize)
            .take(per_page as usize)
            .collect();
        AccountsPage {
            current_page: page,
            per_page,
            total_item: total,
            data,
        }
    }

    pub fn create_private_account(
        &mut self,
        client_id: Uuid,
        req: &CreatePrivateAccountRequest,
    ) -> Result<Account, EmuError> {
        token_speaks_for(client_id, &req.client_id.to_string())?;
        let client = self
            .clients
            .get(&client_id)
            .ok_or_else(|| not_found("client"))?;
        if req.client_bank_adapter_id != client.adapter_id {
            return Err(not_found("client bank adapter"));
        }
        if req.bank_id != finco_bank_id() {
            return Err(bad_request("private accounts are issued by Finco Pay (bank_id 9d84b03a-28d1-4898-a69c-38824239e2b1)"));
        }
        let account_id = if req.account_id.is_nil() {
            Uuid::new_v4()
        } else {
            req.account_id
        };
        if self
            .accounts
            .values()
            .any(|a| a.account.account_id == account_id)
        {
            return Err(err(
                StatusCode::CONFLICT,
                "account_exists",
                "an account with this account_id already exists",
            ));
        }
        self.next_account_number += 1;
        let number = self.next_account_number;
        let clabe_number = clabe::build("734", "180", number);
        let id = Uuid::new_v5(&account_id, b"private-account");
        let instrument_id = Uuid::new_v5(&account_id, b"account-instrument");
        let now = now_text();
        let account = Account {
            id,
            bank_id: req.bank_id,
            client_id,
            client_bank_adapter_id: req.client_bank_adapter_id,
            account_id,
            instrument_id,
            owner_id: req.owner_id,
            owner_type: if req.owner_id == client_id {
                "CLIENT"
            } else {
                "CUSTOMER"
            }
            .into(),
            account_number: clabe_number[6..].to_string(),
            clabe_number: clabe_number.clone(),
            available_balance: "0.00".into(),
            account_type: "PRIVATE_ACCOUNT".into(),
            account_status: "ACTIVE".into(),
            audit: AccountAudit {
                created_at: now.clone(),
                updated_at: now.clone(),
                deleted_at: Nullable::NoneString,
                blocked_at: Nullable::NoneString,
                activated_at: Nullable::Value(now),
                suspended_at: Nullable::NoneString,
            },
            bank_adapter: "SIES".into(),
        };
        let instrument = Instrument {
            id: instrument_id,
            bank_id: req.bank_id,
            client_id,
            owner_id: req.owner_id,
            alias: format!("Cuenta {}", &clabe_number[14..]),
            kind: "RECEIVER".into(),
            audit: record_audit(),
            rfc: "ND".into(),
            customer_id: (req.owner_id != client_id).then_some(req.owner_id),
            instrument_detail: InstrumentDetail::Clabe(ClabeInstrumentDetail {
                clabe_number,
                holder_name: "Titular".into(),
            }),
        };
        self.instruments.insert(instrument_id, instrument);
        self.instrument_accounts.insert(instrument_id, id);
        self.accounts.insert(
            id,
            EmuAccount {
                account: account.clone(),
                balance: Decimal::ZERO,
            },
        );
        Ok(account)
    }

    fn client_instruments(&self, client_id: Uuid, customer_id: Option<Uuid>) -> Vec<&Instrument> {
        let mut list: Vec<&Instrument> = self
            .instruments
            .values()
            .filter(|i| i.client_id == client_id)
            .filter(|i| customer_id.is_none() || i.customer_id == customer_id)
            .collect();
        list.sort_by(|a, b| {
            (a.audit.created_at.as_str(), a.id).cmp(&(b.audit.created_at.as_str(), b.id))
        });
        list
    }

    pub fn instruments(
        &self,
        client_id: Uuid,
        customer_id: Option<Uuid>,
        page: u64,
        per_page: u64,
    ) -> InstrumentsPage {
        let all = self.client_instruments(client_id, customer_id);
        InstrumentsPage {
            total_items: all.len() as u64,
            data: all
                .into_iter()
                .skip(((page.max(1) - 1) * per_page) as usize)
                .take(per_page as usize)
                .cloned()
                .collect(),
            current_page: page,
            per_page,
        }
    }

    pub fn instrument(&self, client_id: Uuid, id: Uuid) -> Result<Instrument, EmuError> {
        self.instruments
            .get(&id)
            .filter(|i| i.client_id == client_id)
            .cloned()
            .ok_or_else(|| not_found("instrument"))
    }

    pub fn register_instrument(
        &mut self,
        client_id: Uuid,
        req: &RegisterInstrumentRequest,
    ) -> Result<Instrument, EmuError> {
        token_speaks_for(client_id, &req.client_id.to_string())?;
        if req.kind != "RECEIVER" {
            return Err(bad_request("type: only RECEIVER is accepted"));
        }
        if banks::by_id(req.source_bank_id).is_none() {
            return Err(bad_request("source_bank_id is not a known bank"));
        }
        if flux_core::rfc::validate(&req.rfc).is_err() {
            return Err(bad_request(
                "rfc is not a valid RFC (send \"ND\" if unknown)",
            ));
        }
        let (bank_id, detail) = match (&req.debit_card, &req.virtual_clabe) {
            (Some(c), None) => {
                card::validate(&c.card_number)
                    .map_err(|e| bad_request(format!("debit_card.card_number {e}")))?;
                banks::by_id(c.destination_bank_id).ok_or_else(|| {
                    bad_request("debit_card.destination_bank_id is not a known bank")
                })?;
                (
                    c.destination_bank_id,
                    InstrumentDetail::Card(CardInstrumentDetail {
                        card_number: c.card_number.clone(),
                        expiration_date: Nullable::NoneString,
                        holder_name: c.holder_name.clone(),
                    }),
                )
            }
            (None, Some(v)) => {
                clabe::validate(&v.clabe)
                    .map_err(|e| bad_request(format!("virtual_clabe.clabe {e}")))?;
                let bank = banks::by_clabe_prefix(&v.clabe[..3])
                    .ok_or_else(|| bad_request("unknown bank"))?;
                (
                    bank.id,
                    InstrumentDetail::Clabe(ClabeInstrumentDetail {
                        clabe_number: v.clabe.clone(),
                        holder_name: v.holder_name.clone(),
                    }),
                )
            }
            _ => {
                return Err(bad_request(
                    "the body must include exactly one of debit_card or virtual_clabe",
                ))
            }
        };
        let instrument = Instrument {
            id: Uuid::new_v4(),
            bank_id,
            client_id,
            owner_id: req.customer_id.unwrap_or(client_id),
            alias: req.alias.clone(),
            kind: req.kind.clone(),
            audit: record_audit(),
            rfc: req.rfc.clone(),
            customer_id: req.customer_id,
            instrument_detail: detail,
        };
        self.instruments.insert(instrument.id, instrument.clone());
        Ok(instrument)
    }

    /// Replays a cached answer for (client, key), or says the key was used with another body.
    pub fn idempotent_replay(
        &mut self,
        client_id: Uuid,
        key: &str,
        body_hash: &str,
    ) -> Result<Option<(StatusCode, serde_json::Value)>, EmuError> {
        let now = chrono::Utc::now();
        let window = chrono::Duration::hours(24);
        // Swept once a minute, not on every call: a sweep walks every key, and on every
        // money-out it made the emulator slower with each one it had answered.
        if self
            .idempotency_swept_at
            .is_none_or(|at| now - at > chrono::Duration::minutes(1))
        {
            self.idempotency.retain(|_, c| now - c.at < window);
            self.idempotency_swept_at = Some(now);
        }
        match self
            .idempotency
            .get(&format!("{client_id}:{key}"))
            .filter(|c| now - c.at < window)
        {
            None => Ok(None),
            Some(c) if c.body_hash == body_hash => {
                self.stats.money_out_replayed += 1;
                let status =
                    StatusCode::from_u16(c.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
                Ok(Some((status, c.body.clone())))
            }
            Some(_) => Err(err(
                StatusCode::CONFLICT,
                "idempotency_conflict",
                "Idempotency-Key was already used with a different body",
            )),
        }
    }

    pub fn remember(
        &mut self,
        client_id: Uuid,
        key: &str,
        body_hash: &str,
        status: StatusCode,
        body: serde_json::Value,
    ) {
        self.idempotency.insert(
            format!("{client_id}:{key}"),
            CachedResponse {
                body_hash: body_hash.to_string(),
                status: status.as_u16(),
                body,
                at: chrono::Utc::now(),
            },
        );
    }

    pub fn money_out(
        &mut self,
        client_id: Uuid,
        req: &MoneyOutRequest,
    ) -> Result<Transaction, EmuError> {
        token_speaks_for(client_id, &req.client_id.to_string())?;
        let tr = &req.transaction_request;
        if tr.currency != "MXN" {
            return Err(bad_request(
                "transaction_request.currency: only MXN is supported",
            ));
        }
        let amount = parse_amount(&tr.amount)?;
        let source = self
            .instrument(client_id, req.source_instrument_id)
            .map_err(|_| not_found("source instrument"))?;
        let destination = self
            .instrument(client_id, req.destination_instrument_id)
            .map_err(|_| not_found("destination instrument"))?;
        let account_id = *self.instrument_accounts.get(&source.id).ok_or_else(|| {
            bad_request("source_instrument_id is not one of the client's private accounts")
        })?;
        let destination_number = match &destination.instrument_detail {
            InstrumentDetail::Card(c) => c.card_number.clone(),
            InstrumentDetail::Clabe(c) => c.clabe_number.clone(),
        };
        self.debit(account_id, amount)?;
        let txn = Transaction {
            id: Uuid::new_v4(),
            bank_id: source.bank_id,
            client_id,
            external_reference: tr.external_reference.clone(),
            tracking_id: tracking_key(),
            description: tr.description.clone(),
            amount: money(amount),
            currency: tr.currency.clone(),
            category: "DEBIT_TRANS".into(),
            sub_category: "SPEI_DEBIT".into(),
            transaction_status: "INITIALIZED".into(),
            audit: record_audit(),
        };
        self.stats.money_out_executed += 1;
        self.transactions.insert(
            txn.id,
            EmuTransaction {
                txn: txn.clone(),
                client_id,
                account_id,
                kind: "MONEY_OUT".into(),
                amount,
                refunded: false,
                refund_id: None,
                destination: destination_number,
            },
        );
        Ok(txn)
    }

    pub fn refund(
        &mut self,
        client_id: Uuid,
        transaction_id: Uuid,
        req: &RefundRequest,
    ) -> Result<Transaction, EmuError> {
        let amount = parse_amount(&req.amount)?;
        let original = self
            .transactions
            .get(&transaction_id)
            .filter(|t| t.client_id == client_id)
            .ok_or_else(|| not_found("transaction"))?;
        if original.kind != "MONEY_IN" {
            return Err(bad_request(
                "only received transactions (money-in) can be refunded",
            ));
        }
        if original.refunded {
            return Err(err(
                StatusCode::CONFLICT,
                "already_refunded",
                "the transaction was already refunded",
            ));
        }
        if amount != original.amount {
            return Err(bad_request(format!(
                "Partial refunds are not allowed: amount must equal the original amount received ({})",
                money(original.amount)
            )));
        }
        let account_id = original.account_id;
        let payer = original.destination.clone();
        let bank_id = self.debit(account_id, amount)?.account.bank_id;
        let refund_id = Uuid::new_v4();
        if let Some(o) = self.transactions.get_mut(&transaction_id) {
            o.refunded = true;
            o.refund_id = Some(refund_id);
        }
        let txn = Transaction {
            id: refund_id,
            bank_id,
            client_id,
            external_reference: time::now().format("%y%m%d%H%M%S").to_string(),
            tracking_id: tracking_key(),
            description: req.description.clone(),
            amount: money(amount),
            currency: "MXN".into(),
            category: "DEBIT_TRANS".into(),
            sub_category: "SPEI_DEBIT".into(),
            transaction_status: "INITIALIZED".into(),
            audit: record_audit(),
        };
        self.stats.refunds_executed += 1;
        self.transactions.insert(
            txn.id,
            EmuTransaction {
                txn: txn.clone(),
                client_id,
                account_id,
                kind: "REFUND".into(),
                amount,
                refunded: false,
                refund_id: None,
                destination: payer,
            },
        );
        Ok(txn)
    }

    /// Moves a transfer one step along INITIALIZED → PENDING → COMPLETED/REJECTED. Returns the
    /// STATUS_UPDATE body to send, or None when the transfer is already final.
    pub fn advance(&mut self, id: Uuid) -> Option<(Uuid, StatusUpdateBody)> {
        let t = self.transactions.get_mut(&id)?;
        let rejected = t.destination.ends_with("0002");
        let (next, reason) = match t.txn.transaction_status.as_str() {
            "INITIALIZED" => ("PENDING", None),
            "PENDING" if rejected => ("REJECTED", Some(("CANCELLED_ACCOUNT", "Cuenta cancelada"))),
            "PENDING" => ("COMPLETED", None),
            _ => return None,
        };
        t.txn.transaction_status = next.into();
        let now = now_text();
        t.txn.audit.updated_at = now.clone();
        let (client_id, account_id, amount) = (t.client_id, t.account_id, t.amount);
        let body = StatusUpdateBody {
            id: Some(t.txn.id.to_string()),
            tracking_key: Some(t.txn.tracking_id.clone()),
            message_type: Some("SPEI".into()),
            reason: reason.map(|r| r.0.to_string()),
            reason_description: reason.map(|r| r.1.to_string()),
            status: Some(next.into()),
            update_at: Some(
                time::now()
                    .with_timezone(&time::mexico_city())
                    .to_rfc3339_opts(chrono::SecondsFormat::Micros, false),
            ),
            extra: Default::default(),
        };
        if next == "REJECTED" {
            // The receiving bank returned the transfer: the money comes back.
            let _ = self.credit(account_id, amount);
        }
        Some((client_id, body))
    }

    pub fn register_webhook(
        &mut self,
        client_id: Uuid,
        req: &RegisterWebhookRequest,
    ) -> Result<Webhook, EmuError> {
        token_speaks_for(client_id, &req.client_id)?;
        if !["MONEY_IN", "STATUS_UPDATE", "CEP"].contains(&req.webhook_type.as_str()) {
            return Err(bad_request(
                "webhook_type must be MONEY_IN, STATUS_UPDATE or CEP",
            ));
        }
        if !(req.url.starts_with("http://") || req.url.starts_with("https://")) {
            return Err(bad_request("url must be an http(s) URL"));
        }
        let now = now_text();
        let hook = Webhook {
            id: Uuid::new_v4().to_string(),
            client_id: req.client_id.clone(),
            url: req.url.clone(),
            token: req.token.clone(),
            webhook_type: req.webhook_type.clone(),
            webhook_status: "ACTIVE".into(),
            created_at: now.clone(),
            updated_at: now,
            deleted_at: Nullable::NoneString,
            blocked_at: Nullable::NoneString,
            deleted_by: Nullable::NoneString,
            blocked_by: Nullable::NoneString,
        };
        // One live registration per (client, type, url): registering again replaces the token.
        self.webhooks.retain(|w| {
            !(w.client_id == hook.client_id
                && w.webhook_type == hook.webhook_type
                && w.url == hook.url)
        });
        self.webhooks.push(hook.clone());
        Ok(hook)
    }

    pub fn webhook_targets(&self, client_id: Uuid, kind: &str) -> Vec<super::notify::Target> {
        let id = client_id.to_string();
        self.webhooks
            .iter()
            .filter(|w| w.client_id == id && w.webhook_type == kind && w.webhook_status == "ACTIVE")
            .map(|w| super::notify::Target {
                url: w.url.clone(),
                token: w.token.clone(),
            })
            .collect()
    }

    pub fn simulate_money_in(
        &mut self,
        client_id: Uuid,
        req: &SimulateMoneyInRequest,
    ) -> Result<WebhookEnvelope, EmuError> {
        token_speaks_for(client_id, &req.client_id.to_string())?;
        let amount = parse_amount(&req.amount)?;
        let account = match &req.beneficiary_account {
            Some(c) => self
                .accounts
                .values_mut()
                .find(|a| a.account.client_id == client_id && &a.account.clabe_number == c),
            None => self
                .accounts
                .values_mut()
                .filter(|a| a.account.client_id == client_id)
                .min_by(|a, b| a.account.account_number.cmp(&b.account.account_number)),
        }
        .ok_or_else(|| not_found("beneficiary account"))?;
        account.balance += amount;
        let (account_id, clabe_number, bank_id, owner_id) = (
            account.account.id,
            account.account.clabe_number.clone(),
            account.account.bank_id,
            account.account.owner_id,
        );
        let payer_account = req
            .payer_account
            .clone()
            .unwrap_or_else(|| "002180700000000001".into());
        let now = time::now();
        let id = Uuid::new_v4();
        let tracking = tracking_key();
        let body = MoneyInBody {
            id: Some(id.to_string()),
            beneficiary_account: Some(clabe_number),
            beneficiary_name: Some("Titular".into()),
            beneficiary_rfc: Some("ND".into()),
            payer_account: Some(payer_account.clone()),
            payer_name: Some(
                req.payer_name
                    .clone()
                    .unwrap_or_else(|| "Pagador Sandbox".into()),
            ),
            payer_rfc: Some("ND".into()),
            payer_institution: banks::by_clabe_prefix(&payer_account[..3.min(payer_account.len())])
                .map(|b| b.banxico_code.to_string()),
            amount: Some(money(amount)),
            currency: None,
            transaction_date: Some(
                now.with_timezone(&time::mexico_city())
                    .format("%Y-%m-%d %H:%M:%S")
                    .to_string(),
            ),
            tracking_key: Some(tracking.clone()),
            payment_concept: Some(
                req.payment_concept
                    .clone()
                    .unwrap_or_else(|| "Deposito sandbox".into()),
            ),
            numeric_reference: Some(now.format("%y%m%d%H").to_string()),
            sub_category: Some("SPEI_CREDIT".into()),
            registered_at: Some(
                now.with_timezone(&time::mexico_city())
                    .to_rfc3339_opts(chrono::SecondsFormat::Micros, false),
            ),
            owner_id: Some(owner_id.to_string()),
            extra: Default::default(),
        };
        let txn = Transaction {
            id,
            bank_id,
            client_id,
            external_reference: body.numeric_reference.clone().unwrap_or_default(),
            tracking_id: tracking,
            description: body.payment_concept.clone().unwrap_or_default(),
            amount: money(amount),
            currency: "MXN".into(),
            category: "CREDIT_TRANS".into(),
            sub_category: "SPEI_CREDIT".into(),
            transaction_status: "COMPLETED".into(),
            audit: record_audit(),
        };
        self.transactions.insert(
            id,
            EmuTransaction {
                txn,
                client_id,
                account_id,
                kind: "MONEY_IN".into(),
                amount,
                refunded: false,
                refund_id: None,
                destination: payer_account,
            },
        );
        self.stats.money_in_simulated += 1;
        Ok(WebhookEnvelope {
            id_msg: Uuid::new_v4().to_string(),
            msg_name: "MONEY_IN".into(),
            msg_date: Some(
                now.with_timezone(&time::mexico_city())
                    .format("%Y-%m-%d")
                    .to_string(),
            ),
            body: serde_json::to_value(&body).unwrap_or_default(),
            extra: Default::default(),
        })
    }
}

/// A body's `client_id` must be the client the bearer token speaks for.
fn token_speaks_for(token_client: Uuid, body_client: &str) -> Result<(), EmuError> {
    if body_client == token_client.to_string() {
        Ok(())
    } else {
        Err(err(
            StatusCode::FORBIDDEN,
            "forbidden",
            "client_id does not match the token",
        ))
    }
}

pub(crate) fn finco_bank_id() -> Uuid {
    banks::by_clabe_prefix("734")
        .map(|b| b.id)
        .unwrap_or_default()
}

/// Constant-time comparison of two byte strings.
fn subtle_eq(a: &[u8], b: &[u8]) -> subtle::Choice {
    use subtle::ConstantTimeEq;
    if a.len() != b.len() {
        return subtle::Choice::from(0);
    }
    a.ct_eq(b)
}
