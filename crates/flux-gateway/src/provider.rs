//! The provider seam. A payment provider (Fincore today) plugs into the gateway through the
//! [`Provider`] trait: it brings its partner routes and inbound webhook routes, their OpenAPI,
//! its side of `flux reconcile`, its part of the resolver, what it does when a client is
//! attached and how a client's books open from its balance. The gateway core (auth, rate
//! limit, idempotency, audit, outbox, books, review list, state machine) only ever sees
//! `dyn Provider`, looked up by the name a client or transaction record carries; it knows no
//! provider by name.
//!
//! Every method is required, on purpose: a new provider that forgets one does not compile.

use crate::reconcile::Line;
use crate::resolver::ResolverConfig;
use crate::state::SharedState;
use anyhow::Context;
use flux_store::{ClientRecord, Store, TransactionRecord};
use std::any::Any;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use uuid::Uuid;

/// A boxed `Send` future: what the trait's async methods return, so the trait stays usable as
/// `dyn Provider` without a macro crate.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// What opening a client's books from its provider balance did.
#[derive(Debug, Clone, PartialEq)]
pub enum Opened {
    /// An opening posting of this amount was booked.
    Booked { amount: String },
    /// The books were opened before; nothing changed.
    AlreadyOpen,
    /// Flux's books already hold what the provider holds; nothing to open.
    Balanced,
}

/// One payment provider, as the gateway sees it. `Any` lets a provider's own routes find its
/// typed state again through [`Providers::get`].
pub trait Provider: Any + Send + Sync {
    /// The name stored on clients, transactions and inbound events ("fincore").
    fn name(&self) -> &'static str;

    /// Its partner routes and its inbound webhook routes. They are merged into the gateway's
    /// router inside the pipeline (auth, rate limit, audit apply as to every route).
    fn routes(&self) -> axum::Router<SharedState>;

    /// The OpenAPI of those routes, merged into `/openapi.json`.
    fn openapi(&self) -> utoipa::openapi::OpenApi;

    /// Its side of `flux reconcile`: one line per client and currency it holds money for.
    fn reconcile<'a>(&'a self, store: &'a Store) -> BoxFuture<'a, anyhow::Result<Vec<Line>>>;

    /// Settles one movement of its own left non-final past the resolver's window; returns what
    /// it did, for the log. Every decision goes through the store's state machine.
    fn resolve<'a>(
        &'a self,
        store: &'a Store,
        t: &'a TransactionRecord,
        config: &'a ResolverConfig,
    ) -> BoxFuture<'a, anyhow::Result<String>>;

    /// The resolver's round for what the provider keeps outside transactions (Félix's
    /// remittances): asks the provider about what Flux has not heard of for a while, so a
    /// lost callback never leaves it stuck. Returns what it did, for the log.
    fn poll<'a>(&'a self, store: &'a Store) -> BoxFuture<'a, anyhow::Result<Vec<String>>>;

    /// Run at start for each of its clients: register Flux's inbound webhook URLs (under
    /// `public_url`) and learn what it must know to route inbound events.
    fn attach<'a>(
        &'a self,
        store: &'a Store,
        client: &'a ClientRecord,
        public_url: &'a str,
    ) -> BoxFuture<'a, anyhow::Result<()>>;

    /// Opens a client's books from what the provider holds for it (live mode), once.
    fn open_books<'a>(
        &'a self,
        store: &'a Store,
        client: &'a ClientRecord,
    ) -> BoxFuture<'a, anyhow::Result<Opened>>;

    /// Whether Flux can send a client's money out of this provider by SPEI on its own account
    /// (a treasury movement's first leg, e.g. into a card program). None: it cannot.
    fn pay_out(&self) -> Option<&dyn PayOut>;
}

/// A SPEI payment Flux itself orders from a client's funds (not a partner's money-out): the
/// first leg of a treasury movement between providers.
#[derive(Debug, Clone)]
pub struct PayOutOrder {
    /// The Flux transaction it is recorded as. Ordering the same id again returns that
    /// transaction and sends nothing.
    pub id: Uuid,
    pub partner_id: Uuid,
    /// MXN, decimal string.
    pub amount: String,
    pub clabe: String,
    pub beneficiary: String,
    /// Shown to the receiving side (at most 140 characters).
    pub concept: String,
}

/// Sending a client's money out by SPEI, on Flux's initiative.
pub trait PayOut: Send + Sync {
    /// Records the payment (with its hold in Flux's books, so the client's available funds
    /// must cover it) and sends it. Its outcome then arrives like any money-out's: by the
    /// provider's webhook, or the resolver.
    fn pay_out<'a>(
        &'a self,
        state: &'a SharedState,
        client: &'a ClientRecord,
        order: &'a PayOutOrder,
    ) -> BoxFuture<'a, Result<TransactionRecord, crate::error::ApiError>>;
}

/// The registered providers, in registration order.
#[derive(Clone, Default)]
pub struct Providers(Vec<Arc<dyn Provider>>);

impl Providers {
    pub fn new(providers: Vec<Arc<dyn Provider>>) -> Self {
        Providers(providers)
    }

    pub fn iter(&self) -> impl Iterator<Item = &Arc<dyn Provider>> {
        self.0.iter()
    }

    /// The provider a client or transaction record names.
    pub fn by_name(&self, name: &str) -> Option<&Arc<dyn Provider>> {
        self.0.iter().find(|p| p.name() == name)
    }

    /// A provider's own type, for its routes to reach their typed state.
    pub fn get<T: Provider>(&self) -> Option<&T> {
        self.0
            .iter()
            .find_map(|p| (p.as_ref() as &dyn Any).downcast_ref::<T>())
    }
}

/// Books the balance a sandbox client starts with at a provider's emulator, once per client
/// (the reference is unique). Shared by every provider that seeds funded sandbox accounts.
pub async fn open_sandbox_balance(
    store: &Store,
    client_id: Uuid,
    balance: rust_decimal::Decimal,
) -> anyhow::Result<()> {
    let currency = flux_core::money::Currency::MXN;
    let minor = flux_ledger::amount::parse_minor(&balance.to_string(), currency).unwrap_or(0);
    store
        .write_in_lane(client_id, move || {
            flux_store::sql::tx_fn(move |tx| {
                Box::pin(async move {
                    let opening = flux_ledger::books::Opening {
                        reference: "opening-balance:sandbox",
                        source: "sandbox seeding",
                        detail: serde_json::json!({"sandbox_balance": balance.to_string()}),
                    };
                    flux_ledger::books::open_balance(tx, client_id, currency, minor, &opening).await
                })
            })
        })
        .await
        .context("booking the sandbox opening balance")
        .map(|_| ())
}
