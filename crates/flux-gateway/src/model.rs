//! Flux's own response JSON: snake_case, RFC 3339 timestamps with offset, amounts as decimal
//! strings, null where a provider writes "None", stable UPPERCASE enums, and `provider` plus
//! `provider_reference` on everything a provider holds. Each provider converts its wire types
//! into these (Fincore's in `fincore::gateway::convert`), so no partner sees a provider's shape.

use flux_core::time;
use flux_store::{Listed, Slice, TransactionRecord, WebhookRecord};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

/// One pagination shape for every list. A list is read either by `page` (OFFSET: the totals
/// are counted, and a deep page costs in proportion to its depth, since the database walks every
/// row it skips) or after a cursor, `starting_after=<id of the last item seen>` (keyset: every
/// page costs the same, whatever its depth, and the totals are not counted: `page`,
/// `total_items` and `total_pages` are then null). Every field is always present.
#[derive(Debug, Serialize, ToSchema)]
pub struct Pagination {
    /// The 1-based page; null when paging by cursor.
    #[schema(required = true)]
    pub page: Option<u32>,
    pub per_page: u32,
    /// Items that match; null when paging by cursor (counting them costs a full scan).
    #[schema(required = true)]
    pub total_items: Option<u64>,
    /// Pages of `per_page` items; null when paging by cursor.
    #[schema(required = true)]
    pub total_pages: Option<u64>,
    /// Whether items follow the last one of this page.
    pub has_more: bool,
    /// The id of this page's last item when `has_more`: pass it as `starting_after` for the
    /// next page. Null on the last page.
    #[schema(required = true)]
    pub next_starting_after: Option<String>,
}

impl Pagination {
    /// The pagination of `listed`, a slice read as `slice` asked; `last` is the id of its last
    /// item, if any.
    pub fn of<T>(slice: &Slice, listed: &Listed<T>, last: Option<String>) -> Self {
        let per_page = slice.per_page();
        let page = match *slice {
            Slice::Offset { page, .. } => Some(page),
            Slice::After { .. } => None,
        };
        let total_pages = listed.total.map(|t| t.div_ceil(u64::from(per_page.max(1))));
        Pagination {
            page,
            per_page,
            total_items: listed.total,
            total_pages,
            has_more: listed.has_more,
            next_starting_after: last.filter(|_| listed.has_more),
        }
    }

    /// A short list answered whole, in one page (a client's webhooks, its accounts).
    pub fn whole(len: usize) -> Self {
        let per_page = (len as u32).max(50);
        Pagination {
            page: Some(1),
            per_page,
            total_items: Some(len as u64),
            total_pages: Some(u64::from(len > 0)),
            has_more: false,
            next_starting_after: None,
        }
    }

    /// One slice of a list held whole in memory (a provider's answer, a static catalogue), in
    /// its order, with the same rules as the stored lists: an `After` id not in `all` is
    /// `StoreError::UnknownCursor`.
    pub fn slice_of<T>(
        all: Vec<T>,
        slice: &Slice,
        id: impl Fn(&T) -> String,
    ) -> Result<(Vec<T>, Pagination), flux_store::StoreError> {
        let total = all.len() as u64;
        let per_page = slice.per_page() as usize;
        let start = match slice {
            &Slice::Offset { page, .. } => (page.max(1) as usize - 1).saturating_mul(per_page),
            Slice::After { id: after, .. } => {
                all.iter()
                    .position(|t| id(t) == *after)
                    .ok_or(flux_store::StoreError::UnknownCursor)?
                    + 1
            }
        };
        let has_more = start.saturating_add(per_page) < all.len();
        let items: Vec<T> = all.into_iter().skip(start).take(per_page).collect();
        let listed = Listed {
            items,
            total: matches!(slice, Slice::Offset { .. }).then_some(total),
            has_more,
        };
        let last = listed.items.last().map(&id);
        let pagination = Pagination::of(slice, &listed, last);
        Ok((listed.items, pagination))
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T: ToSchema> {
    pub data: Vec<T>,
    pub pagination: Pagination,
}

impl<T: ToSchema> Page<T> {
    /// The page of a stored slice: each row as partners see it, the cursor from the last row.
    pub fn of<R>(
        slice: &Slice,
        listed: &Listed<R>,
        id: impl Fn(&R) -> String,
        view: impl FnMut(&R) -> T,
    ) -> Self {
        Page {
            data: listed.items.iter().map(view).collect(),
            pagination: Pagination::of(slice, listed, listed.items.last().map(id)),
        }
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Bank {
    pub id: Uuid,
    pub name: String,
    /// Banxico institution code (e.g. 40002).
    pub code: String,
    /// First three digits of this institution's CLABEs.
    pub clabe_prefix: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Account {
    /// Fincore's account record id.
    pub id: Uuid,
    pub account_id: Uuid,
    pub client_id: Uuid,
    pub owner_id: Uuid,
    /// CLIENT or CUSTOMER.
    pub owner_type: String,
    pub bank_id: Uuid,
    pub client_bank_adapter_id: Uuid,
    /// The CLABE instrument of this account: use it as `source_instrument_id` for money-out.
    pub instrument_id: Uuid,
    pub account_number: String,
    pub clabe: String,
    /// Available balance as the provider reports it.
    pub available_balance: String,
    pub currency: String,
    /// PRIVATE_ACCOUNT, …
    pub account_type: String,
    /// ACTIVE, BLOCKED, SUSPENDED, …
    pub status: String,
    pub bank_adapter: String,
    pub provider: String,
    pub provider_reference: String,
    pub created_at: Option<String>,
    pub updated_at: Option<String>,
    pub activated_at: Option<String>,
    pub blocked_at: Option<String>,
    pub suspended_at: Option<String>,
    /// Flux's own books for this client in this currency (all its accounts together), beside
    /// the provider's `available_balance`. `flux reconcile` lists every difference.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ledger: Option<LedgerBalance>,
}

/// A balance from Flux's ledger, decimal strings in the currency's minor unit.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LedgerBalance {
    /// The ledger account holding the client's funds.
    pub account_id: Uuid,
    /// Settled.
    pub posted: String,
    /// Held by money-outs and refunds not yet final.
    pub pending: String,
    /// What a money-out may spend now: posted minus pending.
    pub available: String,
}

impl From<&flux_ledger::Account> for LedgerBalance {
    fn from(a: &flux_ledger::Account) -> Self {
        let b = a.balance_text();
        LedgerBalance {
            account_id: a.id,
            posted: b.posted,
            pending: b.pending,
            available: b.available,
        }
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DebitCardDetail {
    /// Only the last four digits: Flux never returns a full card number.
    pub card_number_masked: String,
    pub last4: String,
    pub holder_name: String,
    pub expiration_date: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ClabeDetail {
    pub clabe: String,
    pub holder_name: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Instrument {
    pub id: Uuid,
    pub client_id: Uuid,
    pub owner_id: Uuid,
    pub customer_id: Option<Uuid>,
    /// debit_card or virtual_clabe (a private account's own CLABE is also virtual_clabe).
    pub instrument_kind: String,
    /// RECEIVER.
    #[serde(rename = "type")]
    pub kind: String,
    pub alias: String,
    pub rfc: String,
    pub bank_id: Uuid,
    pub debit_card: Option<DebitCardDetail>,
    pub virtual_clabe: Option<ClabeDetail>,
    pub provider: String,
    pub provider_reference: String,
    pub created_at: Option<String>,
    pub updated_at: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Failure {
    /// The provider's reason code, e.g. CANCELLED_ACCOUNT (a SPEI return reason).
    pub code: Option<String>,
    pub description: Option<String>,
}

/// Banxico's electronic payment receipt (CEP) for a transfer, as Fincore reports it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Cep {
    /// PENDING, DELAYED, COMPLETED or FAILED.
    pub status: String,
    pub processed_at: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Transaction {
    pub id: Uuid,
    pub client_id: Uuid,
    /// MONEY_IN, MONEY_OUT or REFUND.
    pub kind: String,
    /// SUBMITTING, UNKNOWN (provider outcome not yet known), INITIALIZED, PENDING, COMPLETED,
    /// REJECTED or FAILED.
    pub status: String,
    pub amount: String,
    pub currency: String,
    pub description: Option<String>,
    pub external_reference: Option<String>,
    /// SPEI tracking key (clave de rastreo).
    pub tracking_key: Option<String>,
    pub source_instrument_id: Option<Uuid>,
    pub destination_instrument_id: Option<Uuid>,
    /// For a refund: the money-in it returns.
    pub refunded_transaction_id: Option<Uuid>,
    pub failure: Option<Failure>,
    pub cep: Option<Cep>,
    /// Payer details of a money-in.
    #[schema(value_type = Option<Object>)]
    pub counterparty: Option<serde_json::Value>,
    /// For a money-in that paid a remittance of the partner's: that remittance.
    pub remittance_id: Option<Uuid>,
    pub provider: String,
    pub provider_reference: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

impl From<&TransactionRecord> for Transaction {
    fn from(t: &TransactionRecord) -> Self {
        let failure =
            (t.failure_code.is_some() || t.failure_description.is_some()).then(|| Failure {
                code: t.failure_code.clone(),
                description: t.failure_description.clone(),
            });
        Transaction {
            id: t.id,
            client_id: t.client_id,
            kind: t.kind.to_string(),
            status: t.status.to_string(),
            amount: t.amount.clone(),
            currency: t.currency.clone(),
            description: t.description.clone(),
            external_reference: t.external_reference.clone(),
            tracking_key: t.tracking_key.clone(),
            source_instrument_id: t.source_instrument_id,
            destination_instrument_id: t.destination_instrument_id,
            refunded_transaction_id: t.related_transaction_id,
            failure,
            cep: t.cep_status.as_ref().map(|status| Cep {
                status: status.clone(),
                processed_at: t.cep_processed_at.map(time::to_rfc3339),
            }),
            counterparty: t
                .counterparty
                .as_deref()
                .and_then(|c| serde_json::from_str(c).ok()),
            remittance_id: t.remittance_id,
            provider: t.provider.clone(),
            provider_reference: t.provider_reference.clone(),
            created_at: time::to_rfc3339(t.created_at),
            updated_at: time::to_rfc3339(t.updated_at),
        }
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Webhook {
    pub id: Uuid,
    pub client_id: Uuid,
    pub url: String,
    /// MONEY_IN, STATUS_UPDATE or CEP.
    pub webhook_type: String,
    /// ACTIVE or INACTIVE.
    pub webhook_status: String,
    /// The token is write-only; only its last four characters are shown.
    pub token_last4: String,
    /// The Standard Webhooks signing secret (`whsec_…`): present only in the answer that
    /// created it (creation, rotation). Store it; it is never shown again.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

impl From<&WebhookRecord> for Webhook {
    fn from(w: &WebhookRecord) -> Self {
        let token = w.token.expose();
        let last4: String = token
            .chars()
            .rev()
            .take(4)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        Webhook {
            id: w.id,
            client_id: w.client_id,
            url: w.url.clone(),
            webhook_type: w.webhook_type.clone(),
            webhook_status: w.webhook_status.clone(),
            token_last4: last4,
            secret: None,
            created_at: time::to_rfc3339(w.created_at),
            updated_at: time::to_rfc3339(w.updated_at),
        }
    }
}

/// Acknowledgement of an inbound provider webhook.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct InboundAck {
    pub received: bool,
    /// True when this message id was already processed: nothing changed.
    pub duplicate: bool,
    /// What Flux did with it: applied, duplicate, held (its transaction is not known yet;
    /// applied when it is), ignored (older than what Flux knows), or review (kept for an
    /// operator: unreadable, invalid, unmatched, or contradicting a final status).
    pub outcome: String,
    /// The Flux transaction the event created or changed, if any.
    pub transaction_id: Option<Uuid>,
}

/// One outbound webhook message and its attempts.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Delivery {
    /// The `webhook-id` header: the same on every attempt; deduplicate on it.
    pub id: String,
    pub webhook_id: Uuid,
    /// MONEY_IN, STATUS_UPDATE, CEP or TEST.
    pub event_type: String,
    /// pending, delivering, delivered, failed, or superseded (a later notification of the same
    /// transaction carries its deltas).
    pub status: String,
    pub attempt_count: i64,
    pub next_attempt_at: Option<String>,
    pub last_status_code: Option<i64>,
    pub last_error: Option<String>,
    pub created_at: String,
    pub delivered_at: Option<String>,
    /// The body sent (the same bytes on every attempt).
    #[schema(value_type = Object)]
    pub payload: serde_json::Value,
    pub attempts: Vec<DeliveryAttempt>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DeliveryAttempt {
    pub attempt: i64,
    pub started_at: String,
    /// The HTTP status the endpoint answered, if it answered.
    pub status_code: Option<i64>,
    pub latency_ms: i64,
    pub error: Option<String>,
    /// The first 1,024 bytes of the answer.
    pub response_body: Option<String>,
}

impl Delivery {
    pub fn new(d: &flux_store::DeliveryRecord, attempts: &[flux_store::AttemptRecord]) -> Self {
        let pending = matches!(d.status.as_str(), "pending");
        Delivery {
            id: d.id.clone(),
            webhook_id: d.webhook_id,
            event_type: d.event_type.clone(),
            status: d.status.clone(),
            attempt_count: d.attempts,
            next_attempt_at: d.next_attempt_at.filter(|_| pending).map(time::to_rfc3339),
            last_status_code: d.last_status_code,
            last_error: d.last_error.clone(),
            created_at: time::to_rfc3339(d.created_at),
            delivered_at: d.delivered_at.map(time::to_rfc3339),
            payload: serde_json::from_str(&d.payload).unwrap_or_default(),
            attempts: attempts
                .iter()
                .filter(|a| a.delivery_id == d.id)
                .map(|a| DeliveryAttempt {
                    attempt: a.attempt,
                    started_at: time::to_rfc3339(a.started_at),
                    status_code: a.status_code,
                    latency_ms: a.latency_ms,
                    error: a.error.clone(),
                    response_body: a.response_body.clone(),
                })
                .collect(),
        }
    }
}

/// Answer of a secret rotation.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RotatedSecret {
    /// The new `whsec_…` secret; shown only here.
    pub secret: String,
    /// Until then deliveries carry a signature with the previous secret too.
    pub previous_secret_expires_at: String,
}
