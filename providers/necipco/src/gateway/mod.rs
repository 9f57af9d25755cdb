//! NeCIPCo as a Flux provider: card issuing behind [`flux_gateway::Provider`], so that the
//! gateway core never names NeCIPCo.
//!
//! - [`cardholders`]: create (validated before NeCIPCo is called: names, RFC and CURP check
//!   digits, catalog values), list, get;
//! - [`cards`]: issue a virtual card, assign a physical one, activate, freeze, unfreeze,
//!   report lost or stolen, close; get and list (masked number, last four, type, status,
//!   expiry, never the card number); balance and movements;
//! - [`pin`]: NeCIPCo's public key for partners (`GET /api/partners/cards/pin-encryption-key`)
//!   and PIN set/change with the partner's ciphertext passed through, never deciphered;
//! - [`reveal`]: single-use links to a page Flux serves that shows the end user a card's
//!   number, a virtual card's CVC (after the ATM PIN, ciphered in the browser) or its POS PIN;
//! - [`poll`]: card events (`CARD_STATUS`, `CARD_TRANSACTION`) learnt by polling NeCIPCo,
//!   which sends no webhooks;
//! - [`sandbox`]: `POST /api/sandbox/cards/{id}/purchase`, a purchase the emulator authorizes;
//! - [`start`]: the connector, or in sandbox the emulator, from the `[necipco]` settings.
//!
//! Each Flux client is a NeCIPCo *subclient* of Flux's program, with its own api key: its
//! link row (`client_providers`) keeps the subclient id and, sealed, the api key's password.
//! A client without one gets one on [`Provider::attach`] or on its first cards request,
//! whichever comes first ([`NecipcoProvider::client_for`]).
//!
//! What Flux keeps of a card: NeCIPCo's card id, last four digits, masked number, type,
//! status and expiry. Never the card number, CVC or PIN: those exist in Flux's memory only
//! while a call that needs them runs (see `cards.rs`).

pub mod cardholders;
pub mod cards;
pub mod model;
pub mod pin;
pub mod poll;
pub mod reveal;
pub mod sandbox;
pub mod start;
pub mod top_ups;
pub mod transfers;
pub mod treasury;

use crate::crypto::{KeyPair, Padding};
use crate::emulator::EmulatorHandle;
use crate::wire::{CatalogKind, CreateClientRequest, NumOrText, Sensitive};
use crate::{Credentials, NecipcoClient, NecipcoError};
use anyhow::Context;
use axum::http::StatusCode;
use axum::routing::{get, post};
use flux_core::Secret;
use flux_gateway::error::ApiError;
use flux_gateway::provider::{BoxFuture, Opened, Provider};
use flux_gateway::reconcile::Line;
use flux_gateway::resolver::ResolverConfig;
use flux_gateway::{AppState, SharedState};
use flux_store::{ClientRecord, ProviderLink, Store, TransactionRecord};
use rand::RngCore;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use uuid::Uuid;

/// The name NeCIPCo links and cards carry.
pub const NAME: &str = "necipco";

/// How Flux talks to NeCIPCo.
#[derive(Debug, Clone)]
pub struct Connection {
    /// With the version, `https://host/v1`.
    pub url: String,
    pub padding: Padding,
    pub timeout: Duration,
}

/// The catalogs partner input is checked against (keys), fetched once from NeCIPCo.
#[derive(Debug, Default)]
pub struct Catalogs {
    pub states: Vec<String>,
    pub genders: Vec<String>,
    pub marital_statuses: Vec<String>,
    pub document_types: Vec<String>,
}

/// NeCIPCo's state in a running Flux.
pub struct NecipcoProvider {
    /// Flux's program at NeCIPCo: creates subclients, reads catalogs and the system key.
    pub master: Arc<NecipcoClient>,
    keys: Arc<KeyPair>,
    connection: Connection,
    /// The sandbox emulator (stock of plastics, sandbox purchases).
    pub emulator: Option<EmulatorHandle>,
    /// Where end users' browsers reach Flux (reveal links).
    pub public_url: String,
    /// One connector per client (its subclient's api key), made on first use.
    subclients: tokio::sync::Mutex<HashMap<Uuid, Arc<NecipcoClient>>>,
    catalogs: tokio::sync::OnceCell<Catalogs>,
    /// One lock per card: its money calls run one at a time in this process (see
    /// `transfers.rs`), and polling skips a card whose call is in flight.
    card_locks: std::sync::Mutex<HashMap<Uuid, Arc<tokio::sync::Mutex<()>>>>,
    /// Where SPEI money for Flux's program at NeCIPCo goes (treasury top-ups); None: top-ups
    /// are not configured.
    pub funding_clabe: Option<String>,
    /// Program credits (`/clients/fund`) are ordered one at a time, so an unanswered one can be
    /// decided from the master's balance (see `top_ups.rs`).
    funding: tokio::sync::Mutex<()>,
}

impl NecipcoProvider {
    pub fn new(
        master: Arc<NecipcoClient>,
        keys: Arc<KeyPair>,
        connection: Connection,
        emulator: Option<EmulatorHandle>,
        public_url: String,
        funding_clabe: Option<String>,
    ) -> Self {
        NecipcoProvider {
            master,
            keys,
            connection,
            emulator,
            public_url,
            subclients: Default::default(),
            catalogs: Default::default(),
            card_locks: Default::default(),
            funding_clabe,
            funding: Default::default(),
        }
    }

    /// Held while a program credit is ordered and decided.
    pub async fn funding_lock(&self) -> tokio::sync::MutexGuard<'_, ()> {
        self.funding.lock().await
    }

    /// The lock that serialises one card's money calls.
    pub fn card_lock(&self, card_id: Uuid) -> Arc<tokio::sync::Mutex<()>> {
        let mut locks = self
            .card_locks
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        locks.entry(card_id).or_default().clone()
    }

    /// How long a NeCIPCo call may take before its outcome counts as unknown.
    pub fn call_timeout(&self) -> Duration {
        self.connection.timeout
    }

    /// How long after an unanswered money call its movement may still appear: five call
    /// timeouts, at least a minute. Past it, a transfer with no movement did not happen.
    pub fn settle_window(&self) -> Duration {
        (self.connection.timeout * 5).max(Duration::from_secs(60))
    }

    pub fn padding(&self) -> Padding {
        self.connection.padding
    }

    /// The connector of `client`'s subclient, creating and linking the subclient first when
    /// the client has none. Flux's public key is registered for it before first use.
    pub async fn client_for(
        &self,
        store: &Store,
        client: &ClientRecord,
    ) -> anyhow::Result<Arc<NecipcoClient>> {
        let mut map = self.subclients.lock().await;
        if let Some(c) = map.get(&client.client_id) {
            return Ok(c.clone());
        }
        let password = match client.link(NAME) {
            Some(_) => client.secret_at(NAME),
            None => self.create_subclient(store, client.client_id).await?,
        };
        let api_key = api_key_name(client.client_id);
        let connector = NecipcoClient::new(
            &self.connection.url,
            Credentials { api_key, password },
            self.keys.clone(),
            self.connection.padding,
            self.connection.timeout,
        )?;
        connector
            .register_public_key()
            .await
            .context("registering Flux's public key for the client's NeCIPCo subclient")?;
        let connector = Arc::new(connector);
        map.insert(client.client_id, connector.clone());
        Ok(connector)
    }

    /// Creates the client's subclient under Flux's program and links it. The api key's
    /// password is random, kept only sealed in the link row.
    async fn create_subclient(
        &self,
        store: &Store,
        client_id: Uuid,
    ) -> anyhow::Result<Secret<String>> {
        let mut bytes = [0u8; 12];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        let password = hex::encode(bytes);
        let body = subclient_request(client_id, &password);
        let sub = self
            .master
            .create_client(&body)
            .await
            .context("creating the client's NeCIPCo subclient")?;
        if let Some(emu) = &self.emulator {
            // Sandbox: plastics to assign, as a program receives from its card maker.
            let _ = emu.add_stock(&body.api_key_name, 5);
        }
        let secret = Secret::new(password);
        store
            .link_client(
                client_id,
                &ProviderLink {
                    provider: NAME.into(),
                    provider_client_id: sub.id,
                    secret: Some(secret.clone()),
                },
            )
            .await?;
        tracing::info!(%client_id, "client linked to a new NeCIPCo subclient");
        Ok(secret)
    }

    /// The catalogs, fetched from NeCIPCo once.
    pub async fn catalogs(&self) -> Result<&Catalogs, NecipcoError> {
        self.catalogs
            .get_or_try_init(|| async {
                let keys =
                    |v: Vec<crate::wire::CatalogEntry>| v.into_iter().map(|e| e.key).collect();
                Ok(Catalogs {
                    states: keys(self.master.catalog(CatalogKind::States).await?),
                    genders: keys(self.master.catalog(CatalogKind::Gender).await?),
                    marital_statuses: keys(self.master.catalog(CatalogKind::MaritalStatus).await?),
                    document_types: keys(self.master.catalog(CatalogKind::DocumentType).await?),
                })
            })
            .await
    }
}

/// A client's subclient api key name: derived from its Flux id (5 to 30 characters), so it
/// needs no column of its own.
pub fn api_key_name(client_id: Uuid) -> String {
    let hex = client_id.simple().to_string();
    format!("flux{}", &hex[..26])
}

/// The subclient's registration. Flux does not hold its clients' company records, so the
/// program is described as Flux's, named after the client id; a real deployment replaces
/// these with the client's KYB data when NeCIPCo asks for it.
fn subclient_request(client_id: Uuid, password: &str) -> CreateClientRequest {
    let short = &client_id.simple().to_string()[..8];
    let phone = "5555555555".to_string();
    CreateClientRequest {
        name: format!("Flux client {short}"),
        alias: format!("F{}", &short[..6]).to_uppercase(),
        email: format!("cards+{short}@flux.example"),
        available: crate::wire::Amount(rust_decimal::Decimal::ZERO),
        phone: phone.clone(),
        mobile_phone: phone.clone(),
        rfc: "XAXX010101000".into(),
        street: "Av. Reforma".into(),
        ext_street_number: "1".into(),
        int_street_number: None,
        suburb: "Juarez".into(),
        township: "Cuauhtemoc".into(),
        city: "CDMX".into(),
        state: "CDMX".into(),
        postal_code: "06600".into(),
        contact_name: "Operaciones".into(),
        contact_second_name: None,
        contact_surname: "Flux".into(),
        contact_second_surname: None,
        contact_email: "ops@flux.example".into(),
        contact_telephone_country_code: NumOrText::text("52"),
        contact_telephone: phone.clone(),
        contact_mobile_phone_country_code: NumOrText::text("52"),
        contact_mobile_phone: phone,
        legal_representative_name: None,
        legal_representative_second_name: None,
        legal_representative_surname: None,
        legal_representative_second_surname: None,
        legal_representative_email: None,
        legal_representative_telephone_country_code: None,
        legal_representative_telephone: None,
        legal_representative_mobile_phone_country_code: None,
        legal_representative_mobile_phone: None,
        api_key_name: api_key_name(client_id),
        api_key_description: Some("Flux".into()),
        api_key_password: Sensitive::new(password),
    }
}

/// The registered NeCIPCo provider; a 500 if a NeCIPCo route runs without it (it cannot).
pub fn necipco(state: &AppState) -> Result<&NecipcoProvider, ApiError> {
    state
        .providers
        .get::<NecipcoProvider>()
        .ok_or_else(ApiError::internal)
}

/// The connector of a client the caller owns.
pub async fn connector(
    state: &SharedState,
    client: &ClientRecord,
) -> Result<Arc<NecipcoClient>, ApiError> {
    necipco(state)?
        .client_for(&state.store, client)
        .await
        .map_err(|e| {
            tracing::warn!(client_id = %client.client_id, error = %e, "no NeCIPCo connector for the client");
            ApiError::new(
                StatusCode::BAD_GATEWAY,
                "upstream_unavailable",
                "Provider unavailable",
            )
            .detail("NeCIPCo could not be reached for this client; retry later")
        })
}

/// NeCIPCo's failure as the partner's answer. NeCIPCo's message is passed on (it names no
/// secret: the connector builds error texts from NeCIPCo's `message` only).
pub fn upstream_error(e: NecipcoError) -> ApiError {
    match e {
        NecipcoError::Timeout(_) => ApiError::new(
            StatusCode::GATEWAY_TIMEOUT,
            "upstream_timeout",
            "Provider timeout",
        )
        .detail("NeCIPCo did not answer in time; the outcome is unknown"),
        NecipcoError::Rejected {
            status: 409,
            message,
            ..
        } => ApiError::new(
            StatusCode::CONFLICT,
            "provider_conflict",
            "The provider refused the change",
        )
        .detail(format!("NeCIPCo: {message}")),
        NecipcoError::Rejected {
            status, message, ..
        } if (400..500).contains(&status) && status != 401 && status != 403 => ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "provider_rejected",
            "The provider rejected the request",
        )
        .detail(format!("NeCIPCo: {message}")),
        other => {
            tracing::warn!(error = %other, "NeCIPCo call failed");
            ApiError::new(
                StatusCode::BAD_GATEWAY,
                "upstream_unavailable",
                "Provider unavailable",
            )
            .detail("NeCIPCo is not answering correctly; retry later")
        }
    }
}

/// NeCIPCo's routes, merged into the gateway's router.
fn router() -> axum::Router<SharedState> {
    let holders = "/api/partners/clients/{client_id}/cardholders";
    let cards = "/api/partners/clients/{client_id}/cards";
    let card = "/api/partners/clients/{client_id}/cards/{card_id}";
    axum::Router::new()
        .route(holders, post(cardholders::create).get(cardholders::list))
        .route(
            &format!("{holders}/{{cardholder_id}}"),
            get(cardholders::get),
        )
        .route(cards, post(cards::issue).get(cards::list))
        .route(card, get(cards::get))
        .route(&format!("{card}/activate"), post(cards::activate))
        .route(&format!("{card}/freeze"), post(cards::freeze))
        .route(&format!("{card}/unfreeze"), post(cards::unfreeze))
        .route(&format!("{card}/report"), post(cards::report))
        .route(&format!("{card}/close"), post(cards::close))
        .route(&format!("{card}/balance"), get(cards::balance))
        .route(&format!("{card}/movements"), get(cards::movements))
        .route(&format!("{card}/pin"), post(pin::set).put(pin::change))
        .route(&format!("{card}/reveal"), post(reveal::create))
        .route(&format!("{card}/fund"), post(transfers::fund))
        .route(&format!("{card}/return"), post(transfers::return_money))
        .route(&format!("{card}/transfers"), get(transfers::list))
        .route(
            &format!("{card}/transfers/{{transfer_id}}"),
            get(transfers::get),
        )
        .route(
            "/api/partners/clients/{client_id}/card-program",
            get(treasury::program),
        )
        .route(
            "/api/partners/clients/{client_id}/card-program/top-ups",
            post(top_ups::create).get(top_ups::list),
        )
        .route(
            "/api/partners/clients/{client_id}/card-program/top-ups/{top_up_id}",
            get(top_ups::get),
        )
        .route("/api/partners/cards/pin-encryption-key", get(pin::key))
        .route(
            "/reveal/{token}",
            get(reveal::show_page).post(reveal::reveal),
        )
        .route(
            "/api/sandbox/cards/{card_id}/purchase",
            post(sandbox::purchase),
        )
}

/// The OpenAPI of NeCIPCo's routes.
#[derive(utoipa::OpenApi)]
#[openapi(
    paths(
        cardholders::create,
        cardholders::list,
        cardholders::get,
        cards::issue,
        cards::list,
        cards::get,
        cards::activate,
        cards::freeze,
        cards::unfreeze,
        cards::report,
        cards::close,
        cards::balance,
        cards::movements,
        pin::set,
        pin::change,
        pin::key,
        reveal::create,
        transfers::fund,
        transfers::return_money,
        transfers::list,
        transfers::get,
        treasury::program,
        top_ups::create,
        top_ups::list,
        top_ups::get,
        sandbox::purchase
    ),
    components(schemas(
        cardholders::NewCardholder,
        cards::NewCard,
        transfers::NewCardTransfer,
        top_ups::NewTopUp,
        model::Card,
        model::Cardholder,
        model::CardholderProfile,
        model::CardholderAddress,
        model::CardTransfer,
        model::CardTransferDirection,
        model::CardTransferStatus,
        model::CardTransferFailure,
        model::TopUp,
        model::TopUpStatus,
        model::CardBalance,
        model::CardMovement,
        model::CardMovementPage,
        model::CardProgram,
        model::ProgramBalance,
        model::ProgramAtProvider,
        model::PinEncryptionKey,
        model::PinAlgorithm,
        model::PinResult,
        model::PinOutcome,
        model::RevealLink,
        model::RevealShow,
        model::NewReveal,
        model::CardLocation,
        model::CardReport,
        model::ReportReason,
        model::SetPin,
        model::ChangePin,
        model::SandboxPurchase,
        model::PurchaseStatus,
        model::DeclineReason,
        model::NewSandboxPurchase,
        crate::wire::CardStatus,
        crate::wire::CardType
    ))
)]
pub struct NecipcoApi;

impl Provider for NecipcoProvider {
    fn name(&self) -> &'static str {
        NAME
    }

    fn routes(&self) -> axum::Router<SharedState> {
        router()
    }

    fn openapi(&self) -> utoipa::openapi::OpenApi {
        <NecipcoApi as utoipa::OpenApi>::openapi()
    }

    /// Per client: everything NeCIPCo holds for it (program, collection, cards) against
    /// NeCIPCo's mirror in Flux's books; and per card without a transfer in flight.
    fn reconcile<'a>(&'a self, store: &'a Store) -> BoxFuture<'a, anyhow::Result<Vec<Line>>> {
        Box::pin(treasury::reconcile(self, store))
    }

    /// NeCIPCo moves no transaction of Flux's.
    fn resolve<'a>(
        &'a self,
        _store: &'a Store,
        t: &'a TransactionRecord,
        _config: &'a ResolverConfig,
    ) -> BoxFuture<'a, anyhow::Result<String>> {
        Box::pin(async move { Ok(format!("necipco holds no transaction {}", t.id)) })
    }

    fn poll<'a>(&'a self, store: &'a Store) -> BoxFuture<'a, anyhow::Result<Vec<String>>> {
        Box::pin(poll::poll(self, store))
    }

    /// Makes sure the client has its subclient (created and linked when missing) and Flux's
    /// key is registered for it.
    fn attach<'a>(
        &'a self,
        store: &'a Store,
        client: &'a ClientRecord,
        _public_url: &'a str,
    ) -> BoxFuture<'a, anyhow::Result<()>> {
        Box::pin(async move {
            self.client_for(store, client).await?;
            Ok(())
        })
    }

    fn open_books<'a>(
        &'a self,
        _store: &'a Store,
        _client: &'a ClientRecord,
    ) -> BoxFuture<'a, anyhow::Result<Opened>> {
        Box::pin(async { Ok(Opened::Balanced) })
    }

    /// Card money leaves NeCIPCo by card operations, not on Flux's order.
    fn pay_out(&self) -> Option<&dyn flux_gateway::provider::PayOut> {
        None
    }
}
