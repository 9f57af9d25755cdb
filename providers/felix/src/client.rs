//! The Félix connector. Félix authenticates a provider account with email and password
//! (`POST /api/v1/signin`) and answers with a JWT valid for `expires_in` seconds. The connector
//! keeps that token, signs in again shortly before it expires (the seed documents no refresh
//! endpoint, so `refresh_token` is not used), and signs in once more if Félix answers 401 (a
//! revoked or rotated token), then gives up. Sign-ins are single-flight: concurrent calls wait
//! for one sign-in instead of each starting their own.
//!
//! Every call has a timeout. Creating a transaction is retried once on a timeout or a 5xx: the
//! `external_transaction_id` is the request's identity, and Félix (like the emulator) answers
//! a repeat with the transaction it already created instead of a second remittance.
//!
//! The password and the token live in `Secret` and never reach Debug output or logs.

use crate::wire::*;
use flux_core::Secret;
use reqwest::{Method, StatusCode};
use serde::{de::DeserializeOwned, Serialize};
use std::time::{Duration, Instant};

/// Per-call context propagated upstream: the request id and a child W3C traceparent.
#[derive(Debug, Clone, Default)]
pub struct CallContext {
    pub request_id: Option<String>,
    pub traceparent: Option<String>,
}

/// A Félix provider account's sign-in credentials.
#[derive(Debug, Clone)]
pub struct Credentials {
    pub email: String,
    pub password: Secret<String>,
}

/// How a Félix call failed, in terms Flux maps to its own errors.
#[derive(Debug, Clone, thiserror::Error)]
pub enum FelixError {
    /// No answer within the timeout: the outcome is unknown.
    #[error("Félix did not answer within {0:?}")]
    Timeout(Duration),
    /// Connection refused or reset, or a 5xx: Félix is not working.
    #[error("Félix unavailable: {0}")]
    Unavailable(String),
    /// Félix refused the request (4xx) and said why; `errors` lists a 422's failing fields.
    #[error("Félix refused the request ({status}): {message}")]
    Rejected {
        status: u16,
        message: String,
        errors: Vec<ValidationError>,
    },
    /// Félix answered something Flux cannot read.
    #[error("unreadable Félix response: {0}")]
    Decode(String),
}

impl FelixError {
    /// Félix refused the request on its merits (malformed, unknown resource, invalid field): no
    /// remittance exists because of it. Other refusals (401, 403, 409, 429) and every
    /// timeout or 5xx say nothing about whether one does.
    pub fn is_definitive_refusal(&self) -> bool {
        matches!(self, FelixError::Rejected { status, .. } if matches!(status, 400 | 404 | 422))
    }

    /// The HTTP status of a refusal.
    pub fn status(&self) -> Option<u16> {
        match self {
            FelixError::Rejected { status, .. } => Some(*status),
            _ => None,
        }
    }
}

struct CachedToken {
    token: Secret<String>,
    renew_after: Instant,
}

/// The production Félix client for one provider account.
pub struct FelixClient {
    http: reqwest::Client,
    base_url: String,
    credentials: Credentials,
    timeout: Duration,
    /// A tokio mutex so that one sign-in serves every caller waiting for a token.
    token: tokio::sync::Mutex<Option<CachedToken>>,
}

impl std::fmt::Debug for FelixClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FelixClient")
            .field("base_url", &self.base_url)
            .field("credentials", &self.credentials)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

/// The longest a token is renewed ahead of its expiry.
const TOKEN_MARGIN_MAX: Duration = Duration::from_secs(60);

/// Renew after 80 % of the lifetime, at most [`TOKEN_MARGIN_MAX`] before expiry, so that a
/// request never carries a token that expires in flight, even a short-lived one.
fn renew_after(issued: Instant, expires_in_s: u64) -> Instant {
    let ttl = Duration::from_secs(expires_in_s);
    issued + ttl.saturating_sub((ttl / 5).min(TOKEN_MARGIN_MAX))
}

impl FelixClient {
    pub fn new(
        base_url: &str,
        credentials: Credentials,
        timeout: Duration,
    ) -> Result<Self, FelixError> {
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout.min(Duration::from_secs(5)))
            .build()
            .map_err(|e| FelixError::Unavailable(e.to_string()))?;
        Ok(FelixClient {
            http,
            base_url: base_url.trim_end_matches('/').to_string(),
            credentials,
            timeout,
            token: tokio::sync::Mutex::new(None),
        })
    }

    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    fn url(&self, path: &str) -> String {
        format!("{}{}", self.base_url, path)
    }

    /// Creates a Félix provider account (unauthenticated). Its token is not cached: the
    /// connector signs in with its own credentials.
    pub async fn signup(
        &self,
        body: &SignupRequest,
        ctx: &CallContext,
    ) -> Result<AuthTokens, FelixError> {
        let req = self.http.post(self.url("/api/v1/signup")).json(body);
        self.send(req, ctx).await
    }

    /// Signs in with the client's credentials and caches the token.
    pub async fn signin(&self, ctx: &CallContext) -> Result<AuthTokens, FelixError> {
        let mut slot = self.token.lock().await;
        self.signin_into(&mut slot, ctx).await
    }

    async fn signin_into(
        &self,
        slot: &mut Option<CachedToken>,
        ctx: &CallContext,
    ) -> Result<AuthTokens, FelixError> {
        let body = SigninRequest {
            email: self.credentials.email.clone(),
            password: self.credentials.password.expose().clone(),
            extra: Default::default(),
        };
        let started = Instant::now();
        let req = self.http.post(self.url("/api/v1/signin")).json(&body);
        let tokens: AuthTokens = self.send(req, ctx).await?;
        *slot = Some(CachedToken {
            token: Secret::new(tokens.id_token.clone()),
            renew_after: renew_after(started, tokens.expires_in),
        });
        Ok(tokens)
    }

    /// A token that is not about to expire: the cached one, or a new sign-in.
    async fn token(&self, ctx: &CallContext) -> Result<Secret<String>, FelixError> {
        let mut slot = self.token.lock().await;
        if let Some(t) = slot.as_ref().filter(|t| Instant::now() < t.renew_after) {
            return Ok(t.token.clone());
        }
        self.signin_into(&mut slot, ctx).await?;
        slot.as_ref()
            .map(|t| t.token.clone())
            .ok_or_else(|| FelixError::Decode("sign-in gave no token".into()))
    }

    /// Forgets `token` if it is still the cached one (another caller may have renewed it).
    async fn forget(&self, token: &Secret<String>) {
        let mut slot = self.token.lock().await;
        if slot.as_ref().is_some_and(|t| t.token == *token) {
            *slot = None;
        }
    }

    /// An authenticated call; on 401 the token is renewed once and the call sent again.
    async fn call<B: Serialize, T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&B>,
        version: Option<ApiVersion>,
        ctx: &CallContext,
    ) -> Result<T, FelixError> {
        let mut attempt = 0;
        loop {
            let token = self.token(ctx).await?;
            let mut req = self
                .http
                .request(method.clone(), self.url(path))
                .bearer_auth(token.expose());
            if let Some(v) = version {
                req = req.header(ApiVersion::HEADER, v.as_str());
            }
            if let Some(b) = body {
                req = req.json(b);
            }
            match self.send(req, ctx).await {
                Err(e) if e.status() == Some(StatusCode::UNAUTHORIZED.as_u16()) && attempt == 0 => {
                    self.forget(&token).await;
                    attempt += 1;
                }
                other => return other,
            }
        }
    }

    /// Sends a request and decodes the answer.
    async fn send<T: DeserializeOwned>(
        &self,
        mut req: reqwest::RequestBuilder,
        ctx: &CallContext,
    ) -> Result<T, FelixError> {
        if let Some(tp) = &ctx.traceparent {
            req = req.header("traceparent", tp);
        }
        if let Some(id) = &ctx.request_id {
            req = req.header("x-request-id", id);
        }
        let bytes = self.send_inner(req).await?;
        serde_json::from_slice(&bytes).map_err(|e| FelixError::Decode(e.to_string()))
    }

    async fn send_inner(&self, req: reqwest::RequestBuilder) -> Result<Vec<u8>, FelixError> {
        let transport = |e: reqwest::Error| {
            if e.is_timeout() {
                FelixError::Timeout(self.timeout)
            } else {
                FelixError::Unavailable(e.without_url().to_string())
            }
        };
        let resp = req.send().await.map_err(transport)?;
        let status = resp.status();
        let bytes = resp.bytes().await.map_err(transport)?.to_vec();
        if status.is_success() {
            return Ok(bytes);
        }
        if status.is_server_error() {
            return Err(FelixError::Unavailable(format!(
                "HTTP {}: {}",
                status.as_u16(),
                excerpt(&bytes, 200)
            )));
        }
        Err(refusal(status.as_u16(), &bytes))
    }

    /// `GET /api/v1/providers/me`.
    pub async fn provider_me(&self, ctx: &CallContext) -> Result<ProviderMe, FelixError> {
        self.call::<(), _>(Method::GET, "/api/v1/providers/me", None, None, ctx)
            .await
    }

    /// `POST /api/v1/providers/callback`: where Félix sends callbacks, with extra headers.
    pub async fn register_callback(
        &self,
        body: &RegisterCallbackRequest,
        ctx: &CallContext,
    ) -> Result<(), FelixError> {
        let _: Option<serde_json::Value> = self
            .call(
                Method::POST,
                "/api/v1/providers/callback",
                Some(body),
                None,
                ctx,
            )
            .await?;
        Ok(())
    }

    /// `POST /api/v1/transactions`, in the body's version. Retried once on a timeout or a 5xx
    /// (see the module docs); a refusal is returned at once.
    pub async fn create_transaction(
        &self,
        body: &CreateTransaction,
        ctx: &CallContext,
    ) -> Result<TransactionResponse, FelixError> {
        let version = Some(body.version());
        let mut last = None;
        for attempt in 0..2u32 {
            if attempt > 0 {
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            match self
                .call(
                    Method::POST,
                    "/api/v1/transactions",
                    Some(body),
                    version,
                    ctx,
                )
                .await
            {
                Err(e @ (FelixError::Timeout(_) | FelixError::Unavailable(_))) => last = Some(e),
                other => return other,
            }
        }
        Err(last.unwrap_or(FelixError::Unavailable("no attempt made".into())))
    }

    /// `GET /api/v1/transactions/{id}` in the given response format.
    pub async fn get_transaction(
        &self,
        id: &str,
        version: ApiVersion,
        ctx: &CallContext,
    ) -> Result<TransactionResponse, FelixError> {
        let path = format!("/api/v1/transactions/{}", path_segment(id));
        self.call::<(), _>(Method::GET, &path, None, Some(version), ctx)
            .await
    }

    /// `POST /api/v1/transactions/search`.
    pub async fn search_transactions(
        &self,
        body: &SearchRequest,
        version: ApiVersion,
        ctx: &CallContext,
    ) -> Result<Vec<TransactionResponse>, FelixError> {
        self.call(
            Method::POST,
            "/api/v1/transactions/search",
            Some(body),
            Some(version),
            ctx,
        )
        .await
    }

    /// `POST /api/v1/notification`: asks Félix to send this notification to the callback.
    pub async fn send_notification(
        &self,
        body: &Notification,
        ctx: &CallContext,
    ) -> Result<QueuedResponse, FelixError> {
        self.call(Method::POST, "/api/v1/notification", Some(body), None, ctx)
            .await
    }

    /// `POST /api/v1/notification/{provider_id}/retry`: sends undelivered notifications now.
    pub async fn retry_notifications(
        &self,
        provider_id: &str,
        ctx: &CallContext,
    ) -> Result<QueuedResponse, FelixError> {
        let path = format!("/api/v1/notification/{}/retry", path_segment(provider_id));
        self.call::<(), _>(Method::POST, &path, None, None, ctx)
            .await
    }
}

/// Ids are Félix's own, but a path segment must never be able to change the path.
fn path_segment(id: &str) -> String {
    id.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}

fn excerpt(bytes: &[u8], chars: usize) -> String {
    String::from_utf8_lossy(bytes).chars().take(chars).collect()
}

/// A 4xx answer as a [`FelixError::Rejected`], reading FastAPI's `{"detail": …}`.
fn refusal(status: u16, bytes: &[u8]) -> FelixError {
    let (message, errors) = match serde_json::from_slice::<ErrorBody>(bytes) {
        Ok(ErrorBody {
            detail: ErrorDetail::Validation(errors),
            ..
        }) => {
            let message = errors
                .iter()
                .map(|e| format!("{}: {}", e.field(), e.msg))
                .collect::<Vec<_>>()
                .join("; ");
            (message, errors)
        }
        Ok(ErrorBody {
            detail: ErrorDetail::Message(m),
            ..
        }) => (m, Vec::new()),
        _ => (excerpt(bytes, 500), Vec::new()),
    };
    FelixError::Rejected {
        status,
        message,
        errors,
    }
}
