//! The Fidi X connector: a typed client that takes and caches a bearer token, renews it a
//! minute before it expires (or once after a 401), and forwards `traceparent` and
//! `idempotency-key`. Fidi X's own ErrorResponse comes back as [`FidixError`] with its status;
//! a transport failure is a 502 (`upstream_unavailable`) or 504 (`upstream_timeout`).

use crate::service::FidixError;
use crate::wire::*;
use parking_lot::Mutex;
use reqwest::Method;
use serde::de::DeserializeOwned;
use std::time::{Duration, Instant};
use uuid::Uuid;

pub struct FidixClient {
    http: reqwest::Client,
    base: String,
    client_id: String,
    client_secret: String,
    token: Mutex<Option<(String, Instant)>>,
}

impl FidixClient {
    pub fn new(
        base_url: &str,
        client_id: &str,
        client_secret: &str,
        timeout: Duration,
    ) -> anyhow::Result<Self> {
        Ok(FidixClient {
            http: reqwest::Client::builder()
                .timeout(timeout)
                .redirect(reqwest::redirect::Policy::none())
                .build()?,
            base: base_url.trim_end_matches('/').to_string(),
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            token: Mutex::new(None),
        })
    }

    fn transport(e: reqwest::Error) -> FidixError {
        if e.is_timeout() {
            FidixError::new(504, "upstream_timeout", "Fidi X did not answer in time")
        } else {
            FidixError::new(
                502,
                "upstream_unavailable",
                format!("Fidi X unreachable: {e}"),
            )
        }
    }

    async fn token(&self, renew: bool) -> Result<String, FidixError> {
        if !renew {
            if let Some((token, until)) = self.token.lock().clone() {
                if Instant::now() < until {
                    return Ok(token);
                }
            }
        }
        let response = self
            .http
            .post(format!("{}/fidix/v1/auth/token", self.base))
            .json(&AuthRequest {
                client_id: self.client_id.clone(),
                client_secret: self.client_secret.clone(),
            })
            .send()
            .await
            .map_err(Self::transport)?;
        let auth: AuthResponse = Self::decode(response).await?;
        let lifetime = Duration::from_secs(auth.expires_in.max(0) as u64);
        let until = Instant::now() + lifetime.saturating_sub(Duration::from_secs(60));
        *self.token.lock() = Some((auth.access_token.clone(), until));
        Ok(auth.access_token)
    }

    async fn decode<T: DeserializeOwned>(response: reqwest::Response) -> Result<T, FidixError> {
        let status = response.status().as_u16();
        let bytes = response.bytes().await.map_err(Self::transport)?;
        if (200..300).contains(&status) {
            return serde_json::from_slice(&bytes).map_err(|e| {
                FidixError::new(
                    502,
                    "upstream_invalid",
                    format!("Fidi X answered an unexpected body: {e}"),
                )
            });
        }
        let body = serde_json::from_slice::<ErrorResponse>(&bytes).unwrap_or(ErrorResponse {
            code: "upstream_error".into(),
            message: String::from_utf8_lossy(&bytes).chars().take(200).collect(),
            details: Vec::new(),
        });
        Err(FidixError { status, body })
    }

    async fn call<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<serde_json::Value>,
        headers: &[(&str, &str)],
    ) -> Result<T, FidixError> {
        let mut renew = false;
        loop {
            let token = self.token(renew).await?;
            let mut req = self
                .http
                .request(method.clone(), format!("{}{path}", self.base))
                .bearer_auth(&token);
            for (k, v) in headers {
                req = req.header(*k, *v);
            }
            if let Some(b) = &body {
                req = req.json(b);
            }
            let response = req.send().await.map_err(Self::transport)?;
            if response.status().as_u16() == 401 && !renew {
                // The token was revoked or the server restarted: take a new one, once.
                renew = true;
                continue;
            }
            return Self::decode(response).await;
        }
    }

    fn json<T: serde::Serialize>(v: &T) -> Option<serde_json::Value> {
        serde_json::to_value(v).ok()
    }

    pub async fn create_account(
        &self,
        req: &CreateAccountRequest,
        traceparent: Option<&str>,
    ) -> Result<AccountResponse, FidixError> {
        let h = trace(traceparent);
        self.call(Method::POST, "/fidix/v1/accounts", Self::json(req), &h)
            .await
    }

    pub async fn get_account(
        &self,
        id: Uuid,
        traceparent: Option<&str>,
    ) -> Result<AccountDetailResponse, FidixError> {
        self.call(
            Method::GET,
            &format!("/fidix/v1/accounts/{id}"),
            None,
            &trace(traceparent),
        )
        .await
    }

    pub async fn get_balance(
        &self,
        id: Uuid,
        traceparent: Option<&str>,
    ) -> Result<BalanceResponse, FidixError> {
        self.call(
            Method::GET,
            &format!("/fidix/v1/accounts/{id}/balance"),
            None,
            &trace(traceparent),
        )
        .await
    }

    pub async fn create_person(
        &self,
        req: &CreatePersonRequest,
        traceparent: Option<&str>,
    ) -> Result<PersonDataResponse, FidixError> {
        self.call(
            Method::POST,
            "/fidix/v1/persons",
            Self::json(req),
            &trace(traceparent),
        )
        .await
    }

    pub async fn list_persons(
        &self,
        ledger_id: Uuid,
        page: u64,
        per_page: u64,
        traceparent: Option<&str>,
    ) -> Result<PersonListResponse, FidixError> {
        let path =
            format!("/fidix/v1/persons?ledger_id={ledger_id}&page={page}&per_page={per_page}");
        self.call(Method::GET, &path, None, &trace(traceparent))
            .await
    }

    pub async fn get_person(
        &self,
        id: Uuid,
        traceparent: Option<&str>,
    ) -> Result<PersonDataResponse, FidixError> {
        self.call(
            Method::GET,
            &format!("/fidix/v1/persons/{id}"),
            None,
            &trace(traceparent),
        )
        .await
    }

    pub async fn create_transaction(
        &self,
        req: &CreateTransactionRequest,
        idempotency_key: Option<&str>,
        traceparent: Option<&str>,
    ) -> Result<TransactionResponse, FidixError> {
        let mut h = trace(traceparent);
        if let Some(k) = idempotency_key {
            h.push(("idempotency-key", k));
        }
        self.call(Method::POST, "/fidix/v1/transactions", Self::json(req), &h)
            .await
    }

    pub async fn get_transaction(
        &self,
        id: Uuid,
        traceparent: Option<&str>,
    ) -> Result<TransactionResponse, FidixError> {
        self.call(
            Method::GET,
            &format!("/fidix/v1/transactions/{id}"),
            None,
            &trace(traceparent),
        )
        .await
    }
}

fn trace(traceparent: Option<&str>) -> Vec<(&str, &str)> {
    traceparent
        .map(|t| vec![("traceparent", t)])
        .unwrap_or_default()
}
