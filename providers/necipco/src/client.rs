//! The NeCIPCo connector.
//!
//! Authentication: `POST /auth/login` with the api key and password answers the client's
//! profile, and the token in the `Authorization` *response header* (`Bearer …`). The connector
//! caches that header's token and sends it on every call; the seed documents no lifetime and no
//! refresh, so on a 401 it logs in again once and repeats the call, then gives up. Logins are
//! single-flight (a tokio mutex guards the cache).
//!
//! Encryption: requests given to the connector carry card numbers and PINs *in clear* (inside
//! [`Sensitive`]); the connector ciphers them with NeCIPCo's public key before sending (a card
//! id, a uuid, is sent as it is), and deciphers the card numbers, PINs, CVCs and expiry dates
//! of answers with Flux's own private key, so callers get clear values back, still inside
//! `Sensitive`. [`NecipcoClient::register_public_key`] uploads Flux's public key, learns the
//! system key and checks the pair end to end with the `sensitive_data` probe.
//!
//! Retries: none for money. NeCIPCo documents no idempotency key, so a disbursement, payment,
//! withdrawal, purchase, transfer, SPEI or fund that times out may or may not have happened
//! ([`NecipcoError::Timeout`]); the caller reconciles with `balance`/`movements` before trying
//! again. Only the 401 re-login repeats a call (the request was refused, nothing happened).
//!
//! Nothing secret reaches Debug output or error texts: passwords, tokens, card numbers and PINs
//! are `Secret`/`Sensitive`, and error texts are built from NeCIPCo's `message` only.

use crate::crypto::{CryptoError, KeyPair, Padding, PublicKey};
use crate::wire::*;
use flux_core::Secret;
use reqwest::{Method, StatusCode};
use serde::{de::DeserializeOwned, Serialize};
use std::sync::Arc;
use std::time::Duration;

/// An api client's login.
#[derive(Debug, Clone)]
pub struct Credentials {
    pub api_key: String,
    pub password: Secret<String>,
}

/// How a NeCIPCo call failed.
#[derive(Debug, Clone, thiserror::Error)]
pub enum NecipcoError {
    /// No answer within the timeout: the outcome is unknown.
    #[error("NeCIPCo did not answer within {0:?}")]
    Timeout(Duration),
    /// Connection refused or reset, or a 5xx.
    #[error("NeCIPCo unavailable: {0}")]
    Unavailable(String),
    /// NeCIPCo refused the request and said why.
    #[error("NeCIPCo refused the request ({status}, code {code}): {message}")]
    Rejected {
        status: u16,
        code: i64,
        message: String,
        errors: Vec<FieldError>,
    },
    /// NeCIPCo answered something the connector cannot read.
    #[error("unreadable NeCIPCo response: {0}")]
    Decode(String),
    /// A value could not be ciphered or deciphered.
    #[error("NeCIPCo field encryption: {0}")]
    Crypto(#[from] CryptoError),
}

impl NecipcoError {
    pub fn status(&self) -> Option<u16> {
        match self {
            NecipcoError::Rejected { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The designed error code of a refusal, when it is one the connector knows.
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            NecipcoError::Rejected { code, .. } => ErrorCode::from_number(*code),
            _ => None,
        }
    }
}

/// The production NeCIPCo client for one api key.
pub struct NecipcoClient {
    http: reqwest::Client,
    base_url: String,
    credentials: Credentials,
    timeout: Duration,
    padding: Padding,
    /// Flux's key pair: NeCIPCo ciphers answers with its public half.
    keys: Arc<KeyPair>,
    /// NeCIPCo's public key, learnt from `GET /clients/api_key/public_key`.
    system_key: tokio::sync::Mutex<Option<PublicKey>>,
    token: tokio::sync::Mutex<Option<Secret<String>>>,
}

impl std::fmt::Debug for NecipcoClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NecipcoClient")
            .field("base_url", &self.base_url)
            .field("credentials", &self.credentials)
            .field("padding", &self.padding)
            .finish_non_exhaustive()
    }
}

impl NecipcoClient {
    /// `base_url` includes the version (`https://host/v1`).
    pub fn new(
        base_url: &str,
        credentials: Credentials,
        keys: Arc<KeyPair>,
        padding: Padding,
        timeout: Duration,
    ) -> Result<Self, NecipcoError> {
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout.min(Duration::from_secs(5)))
            .build()
            .map_err(|e| NecipcoError::Unavailable(e.to_string()))?;
        Ok(NecipcoClient {
            http,
            base_url: base_url.trim_end_matches('/').to_string(),
            credentials,
            timeout,
            padding,
            keys,
            system_key: tokio::sync::Mutex::new(None),
            token: tokio::sync::Mutex::new(None),
        })
    }

    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    fn url(&self, path: &str) -> String {
        format!("{}{}", self.base_url, path)
    }

    // ----- authentication -------------------------------------------------------------------

    /// `POST /auth/login`: caches the token and returns the client's profile.
    pub async fn login(&self) -> Result<ClientProfile, NecipcoError> {
        let mut slot = self.token.lock().await;
        self.login_into(&mut slot).await
    }

    async fn login_into(
        &self,
        slot: &mut Option<Secret<String>>,
    ) -> Result<ClientProfile, NecipcoError> {
        let body = LoginRequest {
            api_client: ApiCredentials {
                api_key: self.credentials.api_key.clone(),
                password: Sensitive::new(self.credentials.password.expose().clone()),
            },
        };
        let req = self.http.post(self.url("/auth/login")).json(&body);
        let resp = req.send().await.map_err(|e| self.transport(e))?;
        let status = resp.status();
        let header = resp
            .headers()
            .get(reqwest::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let bytes = resp.bytes().await.map_err(|e| self.transport(e))?;
        check_status(status, &bytes)?;
        let answer: LoginResponse =
            serde_json::from_slice(&bytes).map_err(|e| NecipcoError::Decode(e.to_string()))?;
        let token = header
            .as_deref()
            .and_then(|h| h.strip_prefix("Bearer "))
            .filter(|t| !t.trim().is_empty())
            .ok_or_else(|| {
                NecipcoError::Decode("login answered no Bearer Authorization header".into())
            })?;
        *slot = Some(Secret::new(token.trim().to_string()));
        Ok(answer.data.client)
    }

    /// `DELETE /auth/logout`: revokes the cached token (if any) and forgets it.
    pub async fn logout(&self) -> Result<(), NecipcoError> {
        let mut slot = self.token.lock().await;
        let Some(token) = slot.take() else {
            return Ok(());
        };
        let req = self
            .http
            .delete(self.url("/auth/logout"))
            .bearer_auth(token.expose());
        let resp = req.send().await.map_err(|e| self.transport(e))?;
        let status = resp.status();
        let bytes = resp.bytes().await.map_err(|e| self.transport(e))?;
        check_status(status, &bytes)?;
        let _: Empty =
            serde_json::from_slice(&bytes).map_err(|e| NecipcoError::Decode(e.to_string()))?;
        Ok(())
    }

    async fn token(&self) -> Result<Secret<String>, NecipcoError> {
        let mut slot = self.token.lock().await;
        if let Some(t) = slot.as_ref() {
            return Ok(t.clone());
        }
        self.login_into(&mut slot).await?;
        slot.clone()
            .ok_or_else(|| NecipcoError::Decode("login gave no token".into()))
    }

    /// Forgets `token` if it is still the cached one (another caller may have renewed it).
    async fn forget(&self, token: &Secret<String>) {
        let mut slot = self.token.lock().await;
        if slot.as_ref() == Some(token) {
            *slot = None;
        }
    }

    // ----- transport ------------------------------------------------------------------------

    fn transport(&self, e: reqwest::Error) -> NecipcoError {
        if e.is_timeout() {
            NecipcoError::Timeout(self.timeout)
        } else {
            NecipcoError::Unavailable(e.without_url().to_string())
        }
    }

    /// An authenticated call answering `{ success, code, message, data }`; returns `data`. On
    /// 401 the token is renewed once and the call sent again.
    async fn call<B: Serialize, T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&B>,
    ) -> Result<Envelope<T>, NecipcoError> {
        let mut renewed = false;
        loop {
            let token = self.token().await?;
            let mut req = self
                .http
                .request(method.clone(), self.url(path))
                .bearer_auth(token.expose());
            if !query.is_empty() {
                req = req.query(query);
            }
            if let Some(b) = body {
                req = req.json(b);
            }
            let resp = req.send().await.map_err(|e| self.transport(e))?;
            let status = resp.status();
            let bytes = resp.bytes().await.map_err(|e| self.transport(e))?;
            if status == StatusCode::UNAUTHORIZED && !renewed {
                self.forget(&token).await;
                renewed = true;
                continue;
            }
            check_status(status, &bytes)?;
            let envelope: Envelope<T> =
                serde_json::from_slice(&bytes).map_err(|e| NecipcoError::Decode(e.to_string()))?;
            if !envelope.success {
                return Err(NecipcoError::Rejected {
                    status: status.as_u16(),
                    code: envelope.code,
                    message: envelope.message,
                    errors: envelope.errors,
                });
            }
            return Ok(envelope);
        }
    }

    async fn data<B: Serialize, T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&B>,
    ) -> Result<T, NecipcoError> {
        self.call(method, path, query, body)
            .await?
            .data
            .ok_or_else(|| NecipcoError::Decode(format!("{path}: no data in the answer")))
    }

    async fn get<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<T, NecipcoError> {
        self.data::<(), T>(Method::GET, path, query, None).await
    }

    async fn send<B: Serialize, T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: &B,
    ) -> Result<T, NecipcoError> {
        self.data(method, path, &[], Some(body)).await
    }

    // ----- encryption -----------------------------------------------------------------------

    /// NeCIPCo's public key, fetched once.
    async fn system_key(&self) -> Result<PublicKey, NecipcoError> {
        let mut slot = self.system_key.lock().await;
        if let Some(k) = slot.as_ref() {
            return Ok(k.clone());
        }
        let data: PublicKeyData = self.get("/clients/api_key/public_key", &[]).await?;
        let key = system_key_of(&data)?;
        *slot = Some(key.clone());
        Ok(key)
    }

    /// A card reference for a body: a card id as it is, a card number ciphered (base64).
    async fn seal_card(&self, card: &Sensitive) -> Result<Sensitive, NecipcoError> {
        match CardRef::read(card) {
            CardRef::Id(_) => Ok(card.clone()),
            CardRef::Ciphered(clear) => self.seal(&clear).await,
        }
    }

    /// A secret for a body (base64).
    async fn seal(&self, clear: &Sensitive) -> Result<Sensitive, NecipcoError> {
        let key = self.system_key().await?;
        Ok(key.encrypt_for_body(self.padding, clear.expose())?)
    }

    /// A card reference for a query string (base64url without padding).
    async fn seal_card_query(&self, card: &Sensitive) -> Result<String, NecipcoError> {
        match CardRef::read(card) {
            CardRef::Id(id) => Ok(id.to_string()),
            CardRef::Ciphered(clear) => self.seal_query(&clear).await,
        }
    }

    async fn seal_query(&self, clear: &Sensitive) -> Result<String, NecipcoError> {
        let key = self.system_key().await?;
        Ok(key
            .encrypt_for_query(self.padding, clear.expose())?
            .into_inner())
    }

    fn open(&self, field: &mut Option<Sensitive>) -> Result<(), NecipcoError> {
        if let Some(v) = field.as_mut() {
            if !v.expose().contains('*') && !v.is_empty() {
                *v = self.keys.decrypt_field(self.padding, v.expose())?;
            }
        }
        Ok(())
    }

    /// Deciphers what an answer's card carries for Flux (masked numbers are left as they are).
    fn open_card(&self, card: &mut Card) -> Result<(), NecipcoError> {
        self.open(&mut card.card_number)?;
        self.open(&mut card.exp_year)?;
        self.open(&mut card.exp_month)?;
        self.open(&mut card.pin)?;
        self.open(&mut card.cvc)?;
        Ok(())
    }

    // ----- clients and keys -----------------------------------------------------------------

    /// `GET /clients`.
    pub async fn client_info(&self) -> Result<ClientProfile, NecipcoError> {
        let data: ClientData = self.get("/clients", &[]).await?;
        Ok(data.client)
    }

    /// `POST /clients`: a subclient.
    pub async fn create_client(
        &self,
        body: &CreateClientRequest,
    ) -> Result<Subclient, NecipcoError> {
        let data: SubclientData = self.send(Method::POST, "/clients", body).await?;
        Ok(data.subclient)
    }

    /// `POST /clients/fund`.
    pub async fn fund_client(&self, body: &FundRequest) -> Result<FundData, NecipcoError> {
        self.send(Method::POST, "/clients/fund", body).await
    }

    /// `GET /clients/api_key/public_key`; caches the system key it carries.
    pub async fn public_keys(&self) -> Result<PublicKeyData, NecipcoError> {
        let data: PublicKeyData = self.get("/clients/api_key/public_key", &[]).await?;
        if let Ok(key) = system_key_of(&data) {
            *self.system_key.lock().await = Some(key);
        }
        Ok(data)
    }

    /// Registers Flux's public key (`POST /clients/api_key/public_key`), then reads the keys
    /// back and checks that NeCIPCo's `sensitive_data` probe deciphers with Flux's private key.
    pub async fn register_public_key(&self) -> Result<PublicKeyData, NecipcoError> {
        let body = AddPublicKeyRequest {
            public_key: self.keys.public_key().to_pem(),
        };
        let _: PublicKeyData = self
            .send(Method::POST, "/clients/api_key/public_key", &body)
            .await?;
        let mut data = self.public_keys().await?;
        if let Some(probe) = data.sensitive_data.as_ref() {
            let clear = self.keys.decrypt_field(self.padding, probe.expose())?;
            if clear.expose() != SENSITIVE_DATA_PROBE {
                return Err(NecipcoError::Decode(
                    "sensitive_data deciphered to an unexpected text".into(),
                ));
            }
            data.sensitive_data = Some(clear);
        }
        Ok(data)
    }

    // ----- cardholders ----------------------------------------------------------------------

    /// `GET /cardholders`.
    pub async fn get_cardholder(
        &self,
        query: &CardholderQuery,
    ) -> Result<Cardholder, NecipcoError> {
        let mut q = Vec::new();
        let fields = [
            ("id", &query.id),
            ("rfc", &query.rfc),
            ("curp", &query.curp),
            ("email", &query.email),
            ("primary_phone", &query.primary_phone),
            ("mobile_phone", &query.mobile_phone),
        ];
        for (name, value) in fields {
            if let Some(v) = value {
                q.push((name, v.clone()));
            }
        }
        let data: CardholderData = self.get("/cardholders", &q).await?;
        Ok(data.cardholder)
    }

    /// `POST /cardholders`.
    pub async fn create_cardholder(
        &self,
        body: &CreateCardholderRequest,
    ) -> Result<Cardholder, NecipcoError> {
        let data: CardholderData = self.send(Method::POST, "/cardholders", body).await?;
        Ok(data.cardholder)
    }

    // ----- cards ----------------------------------------------------------------------------

    /// `PUT /cards`: `card_number` in clear.
    pub async fn assign_card(
        &self,
        body: &AssignCardRequest,
    ) -> Result<CardAssignment, NecipcoError> {
        let mut body = body.clone();
        body.card_number = self.seal(&body.card_number).await?;
        let mut data: CardAssignment = self.send(Method::PUT, "/cards", &body).await?;
        self.open_card(&mut data.card)?;
        Ok(data)
    }

    /// `POST /cards/activate`.
    pub async fn activate_card(
        &self,
        body: &ActivateCardRequest,
    ) -> Result<CardData, NecipcoError> {
        let mut body = body.clone();
        body.card_number = self.seal_card(&body.card_number).await?;
        self.send(Method::POST, "/cards/activate", &body).await
    }

    /// `PUT /cards/status`.
    pub async fn change_status(&self, body: &CardStatusRequest) -> Result<CardData, NecipcoError> {
        let mut body = body.clone();
        body.card_number = self.seal_card(&body.card_number).await?;
        self.send(Method::PUT, "/cards/status", &body).await
    }

    /// `GET /cards/balance`.
    pub async fn balance(
        &self,
        card: &Sensitive,
        movements: bool,
    ) -> Result<BalanceData, NecipcoError> {
        let q = [
            ("card_number", self.seal_card_query(card).await?),
            ("movements", movements.to_string()),
        ];
        self.get("/cards/balance", &q).await
    }

    /// `GET /cards/info`: the card number comes back deciphered.
    pub async fn card_info(&self, card: &Sensitive) -> Result<CardInfoData, NecipcoError> {
        let q = [("card_number", self.seal_card_query(card).await?)];
        let mut data: CardInfoData = self.get("/cards/info", &q).await?;
        self.open_card(&mut data.card)?;
        Ok(data)
    }

    /// `GET /cards/authenticate` with the card's last four digits and the ATM PIN's last two.
    pub async fn authenticate(
        &self,
        card: &Sensitive,
        authentication_info: &Sensitive,
    ) -> Result<bool, NecipcoError> {
        let q = [
            ("card_number", self.seal_card_query(card).await?),
            (
                "authentication_info",
                authentication_info.expose().to_string(),
            ),
        ];
        let data: Validated = self.get("/cards/authenticate", &q).await?;
        Ok(data.validated)
    }

    /// `GET /cards/pin/pos`: the POS PIN comes back deciphered in `card.pin`.
    pub async fn pos_pin(
        &self,
        card: &Sensitive,
        latitude: Coordinate,
        longitude: Coordinate,
    ) -> Result<CardData, NecipcoError> {
        let q = [
            ("card_number", self.seal_card_query(card).await?),
            ("latitude", latitude.to_string()),
            ("longitude", longitude.to_string()),
        ];
        let mut data: CardData = self.get("/cards/pin/pos", &q).await?;
        self.open_card(&mut data.card)?;
        Ok(data)
    }

    /// `POST /cards/pin`: `pin` in clear.
    pub async fn set_pin(&self, body: &SetPinRequest) -> Result<OperationData, NecipcoError> {
        let mut body = body.clone();
        body.card_number = self.seal_card(&body.card_number).await?;
        body.pin = self.seal(&body.pin).await?;
        self.send(Method::POST, "/cards/pin", &body).await
    }

    /// `PUT /cards/pin`: PINs in clear.
    pub async fn update_pin(&self, body: &UpdatePinRequest) -> Result<OperationData, NecipcoError> {
        let mut body = body.clone();
        body.card_number = self.seal_card(&body.card_number).await?;
        body.old_pin = self.seal(&body.old_pin).await?;
        body.new_pin = self.seal(&body.new_pin).await?;
        self.send(Method::PUT, "/cards/pin", &body).await
    }

    /// `GET /cards/pin/validate`: `pin` in clear.
    pub async fn validate_pin(
        &self,
        card: &Sensitive,
        pin: &Sensitive,
        latitude: Coordinate,
        longitude: Coordinate,
    ) -> Result<bool, NecipcoError> {
        let q = [
            ("card_number", self.seal_card_query(card).await?),
            ("latitude", latitude.to_string()),
            ("longitude", longitude.to_string()),
            ("pin", self.seal_query(pin).await?),
        ];
        let data: Validated = self.get("/cards/pin/validate", &q).await?;
        Ok(data.validated)
    }

    /// `POST /cards/transfer`.
    pub async fn transfer(&self, body: &TransferRequest) -> Result<TransferData, NecipcoError> {
        let mut body = body.clone();
        body.origin_card = self.seal_card(&body.origin_card).await?;
        body.destination_card = self.seal_card(&body.destination_card).await?;
        self.send(Method::POST, "/cards/transfer", &body).await
    }

    /// `POST /cards/disbursement`.
    pub async fn disburse(
        &self,
        body: &DisbursementRequest,
    ) -> Result<OperationData, NecipcoError> {
        let mut body = body.clone();
        body.card_number = self.seal_card(&body.card_number).await?;
        self.send(Method::POST, "/cards/disbursement", &body).await
    }

    /// `POST /cards/payment`.
    pub async fn pay(&self, body: &PaymentRequest) -> Result<OperationData, NecipcoError> {
        let mut body = body.clone();
        body.card_number = self.seal_card(&body.card_number).await?;
        self.send(Method::POST, "/cards/payment", &body).await
    }

    /// `POST /cards/withdrawal`: `pin`, if any, in clear.
    pub async fn withdraw(&self, body: &WithdrawalRequest) -> Result<OperationData, NecipcoError> {
        let mut body = body.clone();
        body.card_number = self.seal_card(&body.card_number).await?;
        if let Some(pin) = &body.pin {
            body.pin = Some(self.seal(pin).await?);
        }
        self.send(Method::POST, "/cards/withdrawal", &body).await
    }

    /// `POST /cards/purchase`: `pin`, if any, in clear.
    pub async fn purchase(&self, body: &PurchaseRequest) -> Result<OperationData, NecipcoError> {
        let mut body = body.clone();
        body.card_number = self.seal_card(&body.card_number).await?;
        if let Some(pin) = &body.pin {
            body.pin = Some(self.seal(pin).await?);
        }
        self.send(Method::POST, "/cards/purchase", &body).await
    }

    /// `GET /cards/movements` (dates `YYYY-MM-DD`, both included).
    pub async fn movements(
        &self,
        card: &Sensitive,
        initial_date: &str,
        end_date: &str,
    ) -> Result<MovementsData, NecipcoError> {
        let q = [
            ("initial_date", initial_date.to_string()),
            ("end_date", end_date.to_string()),
            ("card_number", self.seal_card_query(card).await?),
        ];
        self.get("/cards/movements", &q).await
    }

    /// `POST /cards/virtual`: the card number and expiry come back deciphered.
    pub async fn create_virtual_card(
        &self,
        body: &CreateVirtualCardRequest,
    ) -> Result<CardAssignment, NecipcoError> {
        let mut data: CardAssignment = self.send(Method::POST, "/cards/virtual", body).await?;
        self.open_card(&mut data.card)?;
        Ok(data)
    }

    /// `PUT /cards/virtual`: `card_number` in clear.
    pub async fn order_physical(
        &self,
        body: &PhysicalFromVirtualRequest,
    ) -> Result<PhysicalFromVirtualData, NecipcoError> {
        let mut body = body.clone();
        body.card_number = self.seal(&body.card_number).await?;
        self.send(Method::PUT, "/cards/virtual", &body).await
    }

    /// `GET /cards/virtual/cvc`: the CVC comes back deciphered, with `remaining_time`.
    pub async fn virtual_cvc(
        &self,
        card: &Sensitive,
        pin: &Sensitive,
        latitude: Coordinate,
        longitude: Coordinate,
    ) -> Result<CardData, NecipcoError> {
        let q = [
            ("card_number", self.seal_card_query(card).await?),
            ("pin", self.seal_query(pin).await?),
            ("latitude", latitude.to_string()),
            ("longitude", longitude.to_string()),
        ];
        let mut data: CardData = self.get("/cards/virtual/cvc", &q).await?;
        self.open_card(&mut data.card)?;
        Ok(data)
    }

    // ----- pass-through of what a partner ciphered itself ------------------------------------
    //
    // A partner's app ciphers a PIN (or a plastic's card number) with NeCIPCo's public key on
    // the end user's device; Flux forwards the ciphertext as it came, never deciphering it.
    // The `ciphered` arguments are base64 or base64url ciphertext.

    /// NeCIPCo's public key (what partners cipher PINs with), fetched once.
    pub async fn system_public_key(&self) -> Result<PublicKey, NecipcoError> {
        self.system_key().await
    }

    /// `PUT /cards` with a card number the partner ciphered.
    pub async fn assign_card_ciphered(
        &self,
        body: &AssignCardRequest,
    ) -> Result<CardAssignment, NecipcoError> {
        let mut data: CardAssignment = self.send(Method::PUT, "/cards", body).await?;
        self.open_card(&mut data.card)?;
        Ok(data)
    }

    /// `POST /cards/pin` with a PIN the partner ciphered.
    pub async fn set_pin_ciphered(
        &self,
        body: &SetPinRequest,
    ) -> Result<OperationData, NecipcoError> {
        let mut body = body.clone();
        body.card_number = self.seal_card(&body.card_number).await?;
        self.send(Method::POST, "/cards/pin", &body).await
    }

    /// `PUT /cards/pin` with PINs the partner ciphered.
    pub async fn update_pin_ciphered(
        &self,
        body: &UpdatePinRequest,
    ) -> Result<OperationData, NecipcoError> {
        let mut body = body.clone();
        body.card_number = self.seal_card(&body.card_number).await?;
        self.send(Method::PUT, "/cards/pin", &body).await
    }

    /// `POST /cards/purchase` with a PIN the partner ciphered.
    pub async fn purchase_ciphered_pin(
        &self,
        body: &PurchaseRequest,
        ciphered_pin: &Sensitive,
    ) -> Result<OperationData, NecipcoError> {
        let mut body = body.clone();
        body.card_number = self.seal_card(&body.card_number).await?;
        body.pin = Some(ciphered_pin.clone());
        self.send(Method::POST, "/cards/purchase", &body).await
    }

    /// `GET /cards/virtual/cvc` with an ATM PIN the end user's browser ciphered; the CVC comes
    /// back deciphered. The ciphertext is re-encoded for the query string (base64url), bytes
    /// unchanged.
    pub async fn virtual_cvc_ciphered(
        &self,
        card: &Sensitive,
        ciphered_pin: &Sensitive,
        latitude: Coordinate,
        longitude: Coordinate,
    ) -> Result<CardData, NecipcoError> {
        let bytes = crate::crypto::decode(ciphered_pin.expose())?;
        let q = [
            ("card_number", self.seal_card_query(card).await?),
            ("pin", crate::crypto::encode_query(&bytes)),
            ("latitude", latitude.to_string()),
            ("longitude", longitude.to_string()),
        ];
        let mut data: CardData = self.get("/cards/virtual/cvc", &q).await?;
        self.open_card(&mut data.card)?;
        Ok(data)
    }

    // ----- SPEI, products, catalogs ---------------------------------------------------------

    /// `POST /spei`.
    pub async fn send_spei(&self, body: &SpeiRequest) -> Result<SpeiData, NecipcoError> {
        let mut body = body.clone();
        body.card_number = self.seal_card(&body.card_number).await?;
        self.send(Method::POST, "/spei", &body).await
    }

    /// `GET /spei/institutions`.
    pub async fn spei_institutions(&self) -> Result<Vec<Institution>, NecipcoError> {
        let data: InstitutionsData = self.get("/spei/institutions", &[]).await?;
        Ok(data.spei_institutions)
    }

    /// `GET /products`.
    pub async fn products(&self) -> Result<ProductPage, NecipcoError> {
        let data: ProductsData = self.get("/products", &[]).await?;
        Ok(data.products)
    }

    /// `GET /catalogs/{name}`.
    pub async fn catalog(&self, kind: CatalogKind) -> Result<Vec<CatalogEntry>, NecipcoError> {
        let data: CatalogData = self.get(kind.path(), &[]).await?;
        Ok(data.entries(kind).to_vec())
    }
}

fn system_key_of(data: &PublicKeyData) -> Result<PublicKey, NecipcoError> {
    let pem = data
        .system
        .as_ref()
        .map(|s| s.public_key.as_str())
        .ok_or_else(|| NecipcoError::Decode("no system public key in the answer".into()))?;
    Ok(PublicKey::from_pem(pem)?)
}

fn excerpt(bytes: &[u8], chars: usize) -> String {
    String::from_utf8_lossy(bytes).chars().take(chars).collect()
}

/// A non-2xx answer as an error, reading the envelope's `code` and `message` when there is one.
fn check_status(status: StatusCode, bytes: &[u8]) -> Result<(), NecipcoError> {
    if status.is_success() {
        return Ok(());
    }
    if status.is_server_error() {
        return Err(NecipcoError::Unavailable(format!(
            "HTTP {}: {}",
            status.as_u16(),
            excerpt(bytes, 200)
        )));
    }
    let (code, message, errors) = match serde_json::from_slice::<Envelope<serde_json::Value>>(bytes)
    {
        Ok(e) => (e.code, e.message, e.errors),
        Err(_) => (0, excerpt(bytes, 300), Vec::new()),
    };
    Err(NecipcoError::Rejected {
        status: status.as_u16(),
        code,
        message,
        errors,
    })
}
