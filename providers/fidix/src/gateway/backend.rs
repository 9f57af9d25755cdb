//! Where the partner ledger API (`/api/partners/clients/{clientId}/ledger/…`) is served from:
//! Fidi X through its connector (its emulator in sandbox), or Flux's own engine directly
//! (`ledger.backend = "embedded"`). Both speak Fidi X's wire types, so the routes do not care.

use crate::wire::*;
use crate::{FidixClient, FidixError, Service};
use std::sync::Arc;
use uuid::Uuid;

#[derive(Clone)]
pub enum LedgerBackend {
    Embedded(Service),
    Fidix(Arc<FidixClient>),
}

/// Each client's ledger at Fidi X (or in the embedded engine). Distinct from the ledger of
/// Flux's own books (whose id is the client id), so a partner's entries never mix with them.
pub fn client_ledger(client_id: Uuid) -> Uuid {
    Uuid::new_v5(&client_id, b"flux-partner-ledger")
}

impl LedgerBackend {
    pub fn name(&self) -> &'static str {
        match self {
            LedgerBackend::Embedded(_) => "embedded",
            LedgerBackend::Fidix(_) => "fidix",
        }
    }

    pub async fn create_account(
        &self,
        req: CreateAccountRequest,
        trace: Option<&str>,
    ) -> Result<AccountResponse, FidixError> {
        match self {
            LedgerBackend::Embedded(s) => s.create_account(req).await,
            LedgerBackend::Fidix(c) => c.create_account(&req, trace).await,
        }
    }

    pub async fn get_account(
        &self,
        id: Uuid,
        trace: Option<&str>,
    ) -> Result<AccountDetailResponse, FidixError> {
        match self {
            LedgerBackend::Embedded(s) => s.get_account(id, None).await,
            LedgerBackend::Fidix(c) => c.get_account(id, trace).await,
        }
    }

    pub async fn create_person(
        &self,
        req: CreatePersonRequest,
        trace: Option<&str>,
    ) -> Result<PersonDataResponse, FidixError> {
        match self {
            LedgerBackend::Embedded(s) => s.create_person(req).await,
            LedgerBackend::Fidix(c) => c.create_person(&req, trace).await,
        }
    }

    pub async fn list_persons(
        &self,
        ledger: Uuid,
        page: u64,
        per_page: u64,
        trace: Option<&str>,
    ) -> Result<PersonListResponse, FidixError> {
        match self {
            LedgerBackend::Embedded(s) => s.list_persons(ledger, page, per_page).await,
            LedgerBackend::Fidix(c) => c.list_persons(ledger, page, per_page, trace).await,
        }
    }

    pub async fn get_person(
        &self,
        id: Uuid,
        trace: Option<&str>,
    ) -> Result<PersonDataResponse, FidixError> {
        match self {
            LedgerBackend::Embedded(s) => s.get_person(id, None).await,
            LedgerBackend::Fidix(c) => c.get_person(id, trace).await,
        }
    }

    pub async fn create_transaction(
        &self,
        req: CreateTransactionRequest,
        key: Option<String>,
        trace: Option<&str>,
    ) -> Result<TransactionResponse, FidixError> {
        match self {
            LedgerBackend::Embedded(s) => s.create_transaction(&req, key).await.map(|(t, _)| t),
            LedgerBackend::Fidix(c) => c.create_transaction(&req, key.as_deref(), trace).await,
        }
    }

    pub async fn get_transaction(
        &self,
        id: Uuid,
        trace: Option<&str>,
    ) -> Result<TransactionResponse, FidixError> {
        match self {
            LedgerBackend::Embedded(s) => s.get_transaction(id, None).await,
            LedgerBackend::Fidix(c) => c.get_transaction(id, trace).await,
        }
    }
}
