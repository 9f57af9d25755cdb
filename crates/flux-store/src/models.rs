//! The records Flux keeps. Field names match the columns.

use chrono::{DateTime, Utc};
use flux_core::{Secret, TxKind, TxStatus};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq)]
pub struct Partner {
    pub id: Uuid,
    pub name: String,
    pub created_at: DateTime<Utc>,
}

/// An API key as stored: only a keyed hash and a short display prefix, never the key itself.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiKeyRecord {
    pub id: Uuid,
    pub partner_id: Uuid,
    pub prefix: String,
    pub hash: String,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// A partner's client, and its link to each provider it uses. A client belongs to exactly one
/// partner. Its id is Fincore's `clientId` for the clients Fincore holds accounts for.
#[derive(Debug, Clone, PartialEq)]
pub struct ClientRecord {
    pub client_id: Uuid,
    pub partner_id: Uuid,
    pub created_at: DateTime<Utc>,
    /// One per provider, oldest first.
    pub links: Vec<ProviderLink>,
}

/// A client's standing at one provider: who it is there and how Flux speaks for it.
#[derive(Debug, Clone, PartialEq)]
pub struct ProviderLink {
    /// The provider's registered name ("fincore").
    pub provider: String,
    /// The client's id at the provider (Fincore's `clientId`).
    pub provider_client_id: String,
    /// The credential Flux uses to get tokens for this client (Fincore's `client_secret`);
    /// sealed at rest.
    pub secret: Option<Secret<String>>,
}

impl ClientRecord {
    /// A client with one provider link.
    pub fn linked(
        client_id: Uuid,
        partner_id: Uuid,
        provider: &str,
        secret: Option<Secret<String>>,
    ) -> Self {
        ClientRecord {
            client_id,
            partner_id,
            created_at: flux_core::time::now(),
            links: vec![ProviderLink {
                provider: provider.to_string(),
                provider_client_id: client_id.to_string(),
                secret,
            }],
        }
    }

    /// Its link to `provider`, if it uses that provider.
    pub fn link(&self, provider: &str) -> Option<&ProviderLink> {
        self.links.iter().find(|l| l.provider == provider)
    }

    /// Its credential at `provider`; empty when it has none.
    pub fn secret_at(&self, provider: &str) -> Secret<String> {
        self.link(provider)
            .and_then(|l| l.secret.clone())
            .unwrap_or_default()
    }
}

/// Which client owns a CLABE: how an inbound MONEY_IN finds its client.
#[derive(Debug, Clone, PartialEq)]
pub struct AccountLink {
    pub clabe: String,
    pub client_id: Uuid,
    pub provider_account_id: String,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TransactionRecord {
    pub id: Uuid,
    pub partner_id: Uuid,
    pub client_id: Uuid,
    pub kind: TxKind,
    /// Moves only as [`flux_core::transaction::transition`] allows.
    pub status: TxStatus,
    pub amount: String,
    pub currency: String,
    pub description: Option<String>,
    pub external_reference: Option<String>,
    pub tracking_key: Option<String>,
    pub source_instrument_id: Option<Uuid>,
    pub destination_instrument_id: Option<Uuid>,
    /// For a refund: the transaction it refunds.
    pub related_transaction_id: Option<Uuid>,
    pub provider: String,
    pub provider_reference: Option<String>,
    pub failure_code: Option<String>,
    pub failure_description: Option<String>,
    /// Counterparty details as JSON (payer of a money-in), already free of secrets.
    pub counterparty: Option<String>,
    /// CEP (Banxico payment receipt) status from Fincore's CEP webhook: PENDING, DELAYED,
    /// COMPLETED or FAILED.
    pub cep_status: Option<String>,
    /// When the CEP was finalized.
    pub cep_processed_at: Option<DateTime<Utc>>,
    /// For a money-in: the remittance it paid, once settlement matched them.
    pub remittance_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Default)]
pub struct TransactionFilter {
    pub client_id: Uuid,
    pub kind: Option<TxKind>,
    pub status: Option<TxStatus>,
    pub created_from: Option<DateTime<Utc>>,
    pub created_to: Option<DateTime<Utc>>,
    pub slice: crate::Slice,
}

#[derive(Debug, Clone, PartialEq)]
pub struct WebhookRecord {
    pub id: Uuid,
    pub partner_id: Uuid,
    pub client_id: Uuid,
    pub url: String,
    /// Sent back to the partner as `X-Webhook-Token`; never shown in listings.
    pub token: Secret<String>,
    pub webhook_type: String,
    pub webhook_status: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A provider webhook exactly as received.
#[derive(Debug, Clone, PartialEq)]
pub struct InboundEvent {
    pub provider: String,
    pub id_msg: String,
    pub msg_name: String,
    pub raw: String,
    pub client_id: Option<Uuid>,
    pub transaction_id: Option<Uuid>,
    pub received_at: DateTime<Utc>,
}

/// An audit record before it is chained.
#[derive(Debug, Clone, PartialEq)]
pub struct NewAudit {
    pub at: DateTime<Utc>,
    pub partner_id: Option<Uuid>,
    pub key_prefix: Option<String>,
    pub method: String,
    pub path: String,
    pub status: u16,
    pub latency_us: i64,
    pub request_id: String,
    pub correlation_id: Option<String>,
    pub request_body: Option<String>,
    pub response_body: Option<String>,
}

/// An audit record as stored: `hash` chains it to the one before.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditRecord {
    pub seq: i64,
    pub record: NewAudit,
    pub prev_hash: String,
    pub hash: String,
}
