//! The Fincore connector. It holds one bearer token per client (from
//! `POST /v1/clients/{id}/auth/credential-tokens` with the platform `x-api-key`), reuses it until
//! shortly before `expires_at`, and fetches a new one once if Fincore answers 401. Tokens never
//! reach logs: they live in `Secret`. Every call has a timeout. Money-out carries a UUID v5
//! `Idempotency-Key` derived from (client_id, method, body hash) as the Fincore document
//! prescribes, so an upstream call that timed out can be sent again without moving money twice.

use crate::wire::*;
use chrono::{DateTime, Utc};
use flux_core::Secret;
use parking_lot::Mutex;
use reqwest::{Method, StatusCode};
use serde::{de::DeserializeOwned, Serialize};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::time::{Duration, Instant};
use uuid::Uuid;

/// Per-call context propagated upstream: the request id and a child W3C traceparent.
#[derive(Debug, Clone, Default)]
pub struct CallContext {
    pub request_id: Option<String>,
    pub traceparent: Option<String>,
}

/// A Fincore client's credentials.
#[derive(Debug, Clone)]
pub struct ClientCredentials {
    pub client_id: Uuid,
    pub client_secret: Secret<String>,
}

/// How a Fincore call failed, in terms Flux maps to its own errors.
#[derive(Debug, Clone, thiserror::Error)]
pub enum FincoreError {
    /// No answer within the timeout: the outcome is unknown.
    #[error("Fincore did not answer within {0:?}")]
    Timeout(Duration),
    /// Connection refused or reset, or a 5xx: Fincore is not working.
    #[error("Fincore unavailable: {0}")]
    Unavailable(String),
    /// Fincore refused the request (4xx) and said why.
    #[error("Fincore refused the request ({status}): {message}")]
    Rejected {
        status: u16,
        code: String,
        message: String,
    },
    /// Fincore answered something Flux cannot read.
    #[error("unreadable Fincore response: {0}")]
    Decode(String),
}

impl FincoreError {
    /// Fincore refused the request on its merits (bad request, unknown resource, business
    /// rule): no money moved. Other refusals (401, 409 "in progress", 408, 429) say nothing
    /// about whether a transfer exists, so a caller must treat the outcome as unknown.
    pub fn is_definitive_refusal(&self) -> bool {
        matches!(self, FincoreError::Rejected { status, .. } if matches!(status, 400 | 404 | 422))
    }
}

struct CachedToken {
    token: Secret<String>,
    refresh_after: Instant,
}

pub struct FincoreClient {
    http: reqwest::Client,
    base_url: String,
    api_key: Secret<String>,
    /// Keyed by the credentials a token was issued for (client id and a hash of the secret),
    /// so a token never serves a caller holding different credentials.
    tokens: Mutex<HashMap<(Uuid, [u8; 32]), CachedToken>>,
    /// Namespace for deterministic idempotency keys: one per environment, so that sandbox and
    /// production keys never collide.
    namespace: Uuid,
    timeout: Duration,
}

/// Tokens are refreshed this long before they expire, so that a request never carries a token
/// that expires in flight.
const TOKEN_MARGIN: Duration = Duration::from_secs(60);

impl FincoreClient {
    pub fn new(
        base_url: &str,
        api_key: Secret<String>,
        timeout: Duration,
        environment: &str,
    ) -> Result<Self, FincoreError> {
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout.min(Duration::from_secs(5)))
            .pool_max_idle_per_host(64)
            .build()
            .map_err(|e| FincoreError::Unavailable(e.to_string()))?;
        Ok(FincoreClient {
            http,
            base_url: base_url.trim_end_matches('/').to_string(),
            api_key,
            tokens: Mutex::new(HashMap::new()),
            timeout,
            namespace: Uuid::new_v5(
                &Uuid::NAMESPACE_URL,
                format!("flux:fincore:{environment}").as_bytes(),
            ),
        })
    }

    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The Fincore idempotency key for a call: UUID v5 over (client_id, method, body hash) in
    /// this environment's namespace. `operation` (Flux's own operation id) is part of the
    /// hashed material so two distinct partner operations with identical bodies stay distinct,
    /// while every retry of one operation gets the same key.
    pub fn idempotency_key(
        &self,
        client_id: Uuid,
        method: &str,
        body: &[u8],
        operation: Uuid,
    ) -> Uuid {
        let mut h = Sha256::new();
        h.update(body);
        h.update(operation.as_bytes());
        let name = format!("{client_id}:{method}:{}", hex::encode(h.finalize()));
        Uuid::new_v5(&self.namespace, name.as_bytes())
    }

    async fn token(
        &self,
        creds: &ClientCredentials,
        ctx: &CallContext,
    ) -> Result<Secret<String>, FincoreError> {
        if let Some(t) = self.tokens.lock().get(&cache_key(creds)) {
            if Instant::now() < t.refresh_after {
                return Ok(t.token.clone());
            }
        }
        let url = format!(
            "{}/v1/clients/{}/auth/credential-tokens",
            self.base_url, creds.client_id
        );
        let body = CredentialTokenRequest {
            client_id: creds.client_id.to_string(),
            client_secret: creds.client_secret.expose().clone(),
        };
        let req = self
            .http
            .post(url)
            .header("x-api-key", self.api_key.expose())
            .json(&body);
        let issued: CredentialToken = self.send(req, ctx, "credential_tokens").await?;
        let ttl = flux_core::time::parse_provider(&issued.expires_at)
            .map(|exp: DateTime<Utc>| (exp - Utc::now()).to_std().unwrap_or_default())
            .unwrap_or(Duration::from_secs(300));
        let token = Secret::new(issued.token);
        self.tokens.lock().insert(
            cache_key(creds),
            CachedToken {
                token: token.clone(),
                refresh_after: Instant::now() + ttl.saturating_sub(TOKEN_MARGIN),
            },
        );
        Ok(token)
    }

    /// Sends a request and decodes the answer, recording latency and errors by operation.
    async fn send<T: DeserializeOwned>(
        &self,
        mut req: reqwest::RequestBuilder,
        ctx: &CallContext,
        operation: &'static str,
    ) -> Result<T, FincoreError> {
        if let Some(tp) = &ctx.traceparent {
            req = req.header("traceparent", tp);
        }
        if let Some(id) = &ctx.request_id {
            req = req.header("x-request-id", id);
        }
        let started = Instant::now();
        let result = self.send_inner(req).await;
        let outcome = match &result {
            Ok(_) => "ok",
            Err(FincoreError::Timeout(_)) => "timeout",
            Err(FincoreError::Unavailable(_)) => "unavailable",
            Err(FincoreError::Rejected { .. }) => "rejected",
            Err(FincoreError::Decode(_)) => "decode",
        };
        metrics::histogram!("flux_upstream_request_duration_seconds", "provider" => "fincore", "operation" => operation)
            .record(started.elapsed().as_secs_f64());
        metrics::counter!("flux_upstream_requests_total", "provider" => "fincore", "operation" => operation, "outcome" => outcome)
            .increment(1);
        let bytes = result?;
        serde_json::from_slice(&bytes).map_err(|e| FincoreError::Decode(e.to_string()))
    }

    async fn send_inner(&self, req: reqwest::RequestBuilder) -> Result<Vec<u8>, FincoreError> {
        let transport = |e: reqwest::Error| {
            if e.is_timeout() {
                FincoreError::Timeout(self.timeout)
            } else {
                FincoreError::Unavailable(e.without_url().to_string())
            }
        };
        let resp = req.send().await.map_err(transport)?;
        let status = resp.status();
        let bytes = resp.bytes().await.map_err(transport)?.to_vec();
        if status.is_success() {
            return Ok(bytes);
        }
        if status.is_server_error() {
            return Err(FincoreError::Unavailable(format!(
                "HTTP {}: {}",
                status.as_u16(),
                String::from_utf8_lossy(&bytes)
                    .chars()
                    .take(200)
                    .collect::<String>()
            )));
        }
        let (code, message) = match serde_json::from_slice::<ErrorBody>(&bytes) {
            Ok(e) => (e.code, e.message),
            Err(_) => (
                "fincore_error".to_string(),
                String::from_utf8_lossy(&bytes).chars().take(500).collect(),
            ),
        };
        Err(FincoreError::Rejected {
            status: status.as_u16(),
            code,
            message,
        })
    }

    /// An authenticated call for a client; on 401 the token is refreshed once and the call
    /// sent again (the same idempotency key makes that safe for money-out).
    async fn call<B: Serialize, T: DeserializeOwned>(
        &self,
        creds: &ClientCredentials,
        method: Method,
        path: &str,
        body: Option<&B>,
        idempotency_key: Option<Uuid>,
        ctx: &CallContext,
        operation: &'static str,
    ) -> Result<T, FincoreError> {
        for attempt in 0..2 {
            let token = self.token(creds, ctx).await?;
            let mut req = self
                .http
                .request(method.clone(), format!("{}{}", self.base_url, path))
                .bearer_auth(token.expose());
            if let Some(b) = body {
                req = req.json(b);
            }
            if let Some(k) = idempotency_key {
                req = req.header("Idempotency-Key", k.to_string());
            }
            match self.send(req, ctx, operation).await {
                Err(FincoreError::Rejected { status, .. })
                    if status == StatusCode::UNAUTHORIZED.as_u16() && attempt == 0 =>
                {
                    self.tokens.lock().remove(&cache_key(creds));
                }
                other => return other,
            }
        }
        Err(FincoreError::Unavailable("token refresh loop".into()))
    }

    pub async fn list_credentials(
        &self,
        client_id: Uuid,
        ctx: &CallContext,
    ) -> Result<CredentialList, FincoreError> {
        let req = self
            .http
            .get(format!(
                "{}/v1/clients/{client_id}/credentials",
                self.base_url
            ))
            .header("x-api-key", self.api_key.expose());
        self.send(req, ctx, "list_credentials").await
    }

    pub async fn banks(
        &self,
        creds: &ClientCredentials,
        page: u64,
        page_size: u64,
        ctx: &CallContext,
    ) -> Result<BanksPage, FincoreError> {
        let path = format!("/v1/banks?page={page}&page_size={page_size}");
        self.call::<(), _>(creds, Method::GET, &path, None, None, ctx, "banks")
            .await
    }

    pub async fn list_accounts(
        &self,
        creds: &ClientCredentials,
        ctx: &CallContext,
    ) -> Result<AccountsPage, FincoreError> {
        let path = format!("/v1/clients/{}/accounts", creds.client_id);
        self.call::<(), _>(creds, Method::GET, &path, None, None, ctx, "list_accounts")
            .await
    }

    pub async fn create_private_account(
        &self,
        creds: &ClientCredentials,
        body: &CreatePrivateAccountRequest,
        ctx: &CallContext,
    ) -> Result<Account, FincoreError> {
        let path = format!("/v1/clients/{}/private_accounts", creds.client_id);
        self.call(
            creds,
            Method::POST,
            &path,
            Some(body),
            None,
            ctx,
            "create_private_account",
        )
        .await
    }

    pub async fn list_instruments(
        &self,
        creds: &ClientCredentials,
        customer_id: Option<Uuid>,
        page: u64,
        per_page: u64,
        ctx: &CallContext,
    ) -> Result<InstrumentsPage, FincoreError> {
        let mut path = format!(
            "/v1/clients/{}/instruments?page={page}&per_page={per_page}",
            creds.client_id
        );
        if let Some(c) = customer_id {
            path.push_str(&format!("&customer_id={c}"));
        }
        self.call::<(), _>(
            creds,
            Method::GET,
            &path,
            None,
            None,
            ctx,
            "list_instruments",
        )
        .await
    }

    pub async fn get_instrument(
        &self,
        creds: &ClientCredentials,
        id: Uuid,
        ctx: &CallContext,
    ) -> Result<Instrument, FincoreError> {
        let path = format!("/v1/clients/{}/instruments/{id}", creds.client_id);
        self.call::<(), _>(creds, Method::GET, &path, None, None, ctx, "get_instrument")
            .await
    }

    pub async fn register_instrument(
        &self,
        creds: &ClientCredentials,
        body: &RegisterInstrumentRequest,
        ctx: &CallContext,
    ) -> Result<Instrument, FincoreError> {
        let path = format!("/v1/clients/{}/instruments", creds.client_id);
        self.call(
            creds,
            Method::POST,
            &path,
            Some(body),
            None,
            ctx,
            "register_instrument",
        )
        .await
    }

    /// Sends a money-out with its deterministic idempotency key. A timeout or a 5xx is retried
    /// once with the same key: Fincore answers a repeat from its idempotency cache.
    pub async fn money_out(
        &self,
        creds: &ClientCredentials,
        body: &MoneyOutRequest,
        operation: Uuid,
        ctx: &CallContext,
    ) -> Result<Transaction, FincoreError> {
        let bytes = serde_json::to_vec(body).map_err(|e| FincoreError::Decode(e.to_string()))?;
        let key = self.idempotency_key(creds.client_id, "POST", &bytes, operation);
        let mut last = None;
        for attempt in 0..2u64 {
            if attempt > 0 {
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            match self
                .call(
                    creds,
                    Method::POST,
                    "/v1/transactions/money_out",
                    Some(body),
                    Some(key),
                    ctx,
                    "money_out",
                )
                .await
            {
                Err(e @ (FincoreError::Timeout(_) | FincoreError::Unavailable(_))) => {
                    last = Some(e)
                }
                other => return other,
            }
        }
        Err(last.unwrap_or(FincoreError::Unavailable("no attempt made".into())))
    }

    pub async fn refund(
        &self,
        creds: &ClientCredentials,
        transaction_id: &str,
        body: &RefundRequest,
        ctx: &CallContext,
    ) -> Result<Transaction, FincoreError> {
        let path = format!(
            "/v1/clients/{}/transactions/{transaction_id}/refund",
            creds.client_id
        );
        self.call(creds, Method::POST, &path, Some(body), None, ctx, "refund")
            .await
    }

    pub async fn register_webhook(
        &self,
        creds: &ClientCredentials,
        body: &RegisterWebhookRequest,
        ctx: &CallContext,
    ) -> Result<Webhook, FincoreError> {
        self.call(
            creds,
            Method::POST,
            "/v1/webhooks",
            Some(body),
            None,
            ctx,
            "register_webhook",
        )
        .await
    }

    /// Sandbox only: asks the emulator to simulate an incoming SPEI credit.
    pub async fn simulate_money_in(
        &self,
        creds: &ClientCredentials,
        body: &SimulateMoneyInRequest,
        ctx: &CallContext,
    ) -> Result<WebhookEnvelope, FincoreError> {
        self.call(
            creds,
            Method::POST,
            "/v1/sandbox/money_in",
            Some(body),
            None,
            ctx,
            "simulate_money_in",
        )
        .await
    }
}

fn cache_key(creds: &ClientCredentials) -> (Uuid, [u8; 32]) {
    (
        creds.client_id,
        Sha256::digest(creds.client_secret.expose().as_bytes()).into(),
    )
}
