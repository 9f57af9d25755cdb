//! The delivery engine: one dispatcher claims due deliveries from the outbox and hands each to
//! a task; a recorder writes the outcomes back in batches.
//!
//! Bounded: at most `workers` attempts are in flight in this process, and at most
//! `per_endpoint` for any one subscription, so a partner that hangs holds `per_endpoint` slots
//! for at most the timeout while every other partner keeps its pace. The dispatcher never claims
//! more than it has slots for; what it leaves stays pending in the database for this or
//! another instance.
//!
//! The dispatcher wakes on an in-process event (`wake`), when an attempt finishes, when the
//! earliest scheduled retry falls due, or at the poll interval (events queued by other
//! instances sharing a PostgreSQL).

use super::schedule::{retry_after, RetryPolicy};
use super::signing;
use super::url_policy::UrlPolicy;
use flux_store::{AttemptOutcome, AttemptRecord, ClaimedDelivery, NextStep, Store};
use parking_lot::Mutex;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::{watch, Notify, OwnedSemaphorePermit, Semaphore};
use uuid::Uuid;

/// How partners' webhooks are delivered.
#[derive(Debug, Clone)]
pub struct DeliveryConfig {
    /// Attempts in flight at once in this process; 0 disables delivery here (deliveries stay
    /// queued for another instance).
    pub workers: usize,
    /// Attempts in flight at once to one subscription.
    pub per_endpoint: usize,
    /// An attempt that has no complete 2xx answer by then failed.
    pub timeout: Duration,
    pub retry: RetryPolicy,
    /// How often to look for work queued by other instances.
    pub poll: Duration,
    /// How long a rotated-out signing secret keeps signing.
    pub secret_grace: Duration,
    pub url_policy: UrlPolicy,
}

impl Default for DeliveryConfig {
    fn default() -> Self {
        DeliveryConfig {
            workers: 64,
            per_endpoint: 8,
            timeout: Duration::from_secs(15),
            retry: RetryPolicy::default(),
            poll: Duration::from_secs(1),
            secret_grace: Duration::from_secs(24 * 3600),
            url_policy: UrlPolicy::default(),
        }
    }
}

/// The part of an answer kept for the partner to see.
const RESPONSE_BODY_LIMIT: usize = 1024;
/// Kept beyond the timeout before another worker may take a delivery over.
const LEASE_SLACK: Duration = Duration::from_secs(30);
const CLAIM_BATCH: usize = 256;
/// How long a dispatcher woken by a finishing attempt waits for the others in flight before it
/// claims. A busy endpoint's slots are then refilled together, by one claim, rather than half
/// of them per claim: a claim started right after the previous one sees that one's attempts
/// still in flight, so without the wait the slots split into two groups taking turns.
const CLAIM_GATHER: Duration = Duration::from_millis(2);
/// How often a claim may look past endpoints at their limit, through their whole backlog.
const DEEP_CLAIM_MIN: Duration = Duration::from_millis(250);
const DEEP_CLAIM_MAX: Duration = Duration::from_secs(4);
/// Outcomes handed to the recorder and not yet written back, beyond which the dispatcher
/// claims nothing more. An attempt frees its slot when its outcome is handed over, not when it
/// is written, so without a bound a recorder slower than the claims falls ever further behind;
/// once it lags by more than the lease (timeout + LEASE_SLACK), the sweep requeues deliveries
/// that were already made and they go out again.
const MAX_UNRECORDED: u64 = 1024;

/// Handle to the running engine.
pub struct Deliveries {
    wake: Arc<Notify>,
    stop: watch::Sender<bool>,
    /// The running engine (None when `workers` is 0) and its dispatcher, for [`Deliveries::drained`].
    running: Mutex<Option<(Arc<Engine>, tokio::task::JoinHandle<()>)>>,
}

struct Engine {
    store: Store,
    config: DeliveryConfig,
    http: reqwest::Client,
    permits: Arc<Semaphore>,
    in_flight: Mutex<HashMap<Uuid, usize>>,
    wake: Arc<Notify>,
    done: flume::Sender<AttemptOutcome>,
    /// Outcomes handed to the recorder, and (cumulative) written back by it: a drain waits
    /// until the second catches up with the first.
    sent: AtomicU64,
    recorded: watch::Sender<u64>,
}

impl Deliveries {
    /// Starts the dispatcher and recorder (unless `workers` is 0).
    pub fn start(store: Store, config: DeliveryConfig) -> anyhow::Result<Arc<Deliveries>> {
        let wake = Arc::new(Notify::new());
        let (stop, stopped) = watch::channel(false);
        if config.workers == 0 {
            tracing::info!("webhook delivery is disabled in this process (workers = 0)");
            return Ok(Arc::new(Deliveries {
                wake,
                stop,
                running: Mutex::new(None),
            }));
        }
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .dns_resolver(config.url_policy.resolver())
            .connect_timeout(config.timeout.min(Duration::from_secs(10)))
            .pool_max_idle_per_host(config.per_endpoint)
            .user_agent(concat!("Flux-Webhooks/", env!("CARGO_PKG_VERSION")))
            .build()?;
        let (done, outcomes) = flume::unbounded();
        let engine = Arc::new(Engine {
            store,
            permits: Arc::new(Semaphore::new(config.workers)),
            config,
            http,
            in_flight: Mutex::new(HashMap::new()),
            wake: wake.clone(),
            done,
            sent: AtomicU64::new(0),
            recorded: watch::channel(0).0,
        });
        tokio::spawn(record(engine.clone(), outcomes));
        let dispatcher = tokio::spawn(dispatch(engine.clone(), stopped));
        Ok(Arc::new(Deliveries {
            wake,
            stop,
            running: Mutex::new(Some((engine, dispatcher))),
        }))
    }

    /// Something was queued: look now rather than at the next poll.
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// Stops claiming new work; attempts in flight finish.
    pub fn stop(&self) {
        let _ = self.stop.send(true);
    }

    /// After [`Deliveries::stop`]: resolves once the dispatcher has stopped, every attempt in
    /// flight has its answer (or its timeout) and every outcome is written back, so nothing
    /// this process claimed is left leased for another instance to wait out.
    pub async fn drained(&self) {
        let Some((engine, dispatcher)) = self.running.lock().take() else {
            return;
        };
        let _ = dispatcher.await;
        let workers = u32::try_from(engine.config.workers).unwrap_or(u32::MAX);
        // Each attempt holds a permit until its outcome is handed to the recorder.
        let _all = engine.permits.acquire_many(workers).await;
        let sent = engine.sent.load(Ordering::SeqCst);
        let _ = engine.recorded.subscribe().wait_for(|n| *n >= sent).await;
    }
}

impl Engine {
    /// Outcomes handed to the recorder and not yet written back (or given up on).
    fn unrecorded(&self) -> u64 {
        let sent = self.sent.load(Ordering::SeqCst);
        sent.saturating_sub(*self.recorded.borrow())
    }
}

async fn dispatch(engine: Arc<Engine>, mut stopped: watch::Receiver<bool>) {
    let mut last_sweep: Option<Instant> = None;
    let mut last_deep: Option<Instant> = None;
    // A deep claim that finds nothing (all the backlog is the busy endpoints') waits longer
    // before the next one, up to DEEP_CLAIM_MAX: walking a large backlog is not free.
    let mut deep_every = DEEP_CLAIM_MIN;
    loop {
        if *stopped.borrow() {
            return;
        }
        if last_sweep.is_none_or(|t| t.elapsed() >= Duration::from_secs(5)) {
            sweep(&engine).await;
            last_sweep = Some(Instant::now());
        }
        let mut pause = engine.config.poll;
        loop {
            let free = engine.permits.available_permits().min(CLAIM_BATCH);
            if free == 0 || engine.unrecorded() >= MAX_UNRECORDED {
                break; // a finishing attempt, or the recorder, wakes us
            }
            let now = flux_core::time::now();
            let lease = engine.config.timeout + LEASE_SLACK;
            let lease_until = now + chrono::Duration::from_std(lease).unwrap_or_default();
            let in_flight = engine.in_flight.lock().clone();
            // Now and then look past the endpoints at their limit (see claim_deliveries).
            let some_busy = in_flight.values().any(|n| *n >= engine.config.per_endpoint);
            let deep = some_busy && last_deep.is_none_or(|t| t.elapsed() >= deep_every);
            if deep {
                last_deep = Some(Instant::now());
            }
            let clock = Instant::now();
            let claimed = engine
                .store
                .claim_deliveries(
                    now,
                    free,
                    in_flight,
                    engine.config.per_endpoint,
                    lease_until,
                    deep,
                )
                .await;
            match claimed {
                Ok(batch) => {
                    let n = batch.len();
                    // Deliveries per claim and the claim's latency bound the pace of a busy
                    // endpoint (per_endpoint slots, each waiting for a claim to refill it).
                    metrics::histogram!("flux_webhook_claim_duration_seconds")
                        .record(clock.elapsed().as_secs_f64());
                    metrics::histogram!("flux_webhook_claim_size").record(n as f64);
                    if deep {
                        deep_every = if n == 0 {
                            (deep_every * 2).min(DEEP_CLAIM_MAX)
                        } else {
                            DEEP_CLAIM_MIN
                        };
                    }
                    for d in batch {
                        let Ok(permit) = engine.permits.clone().try_acquire_owned() else {
                            break; // cannot happen: only this loop acquires
                        };
                        *engine
                            .in_flight
                            .lock()
                            .entry(d.delivery.webhook_id)
                            .or_default() += 1;
                        metrics::gauge!("flux_webhook_in_flight").increment(1.0);
                        tokio::spawn(attempt(engine.clone(), d, permit));
                    }
                    if n < free {
                        break;
                    }
                }
                Err(e) => {
                    tracing::warn!(error = %e, "claiming webhook deliveries failed");
                    pause = Duration::from_secs(1);
                    break;
                }
            }
        }
        // Sleep until the earliest retry falls due (if that is sooner than the poll), unless
        // something wakes us first. A due delivery we could not claim (its endpoint is busy or
        // an earlier notification of its transaction is in flight) waits for a wake. While
        // attempts are in flight each one's end wakes us, so the lookup is only needed when idle.
        let idle = engine.permits.available_permits() == engine.config.workers;
        if idle {
            if let Ok(Some(due)) = engine.store.next_delivery_due().await {
                if let Ok(wait) = (due - flux_core::time::now()).to_std() {
                    pause = pause.min(wait.max(Duration::from_millis(1)));
                }
            }
        }
        tokio::select! {
            _ = engine.wake.notified() => gather(&engine).await,
            _ = tokio::time::sleep(pause) => {}
            _ = stopped.changed() => {}
        }
    }
}

/// After a wake: waits up to CLAIM_GATHER while attempts are still in flight, so that the
/// next claim fills every slot freed meanwhile at once.
async fn gather(engine: &Engine) {
    let until = tokio::time::Instant::now() + CLAIM_GATHER;
    while engine.permits.available_permits() < engine.config.workers {
        tokio::select! {
            _ = engine.wake.notified() => {}
            _ = tokio::time::sleep_until(until) => return,
        }
    }
}

/// Hands back deliveries whose worker died, and publishes the backlog.
async fn sweep(engine: &Engine) {
    match engine
        .store
        .requeue_expired_leases(flux_core::time::now())
        .await
    {
        Ok(0) => {}
        Ok(n) => tracing::warn!(
            deliveries = n,
            "requeued webhook deliveries whose worker stopped mid-attempt"
        ),
        Err(e) => tracing::warn!(error = %e, "requeueing expired webhook leases failed"),
    }
    if let Ok(counts) = engine.store.delivery_backlog().await {
        for status in ["pending", "delivering", "failed"] {
            let n = counts
                .iter()
                .find(|(s, _)| s == status)
                .map_or(0, |(_, n)| *n);
            metrics::gauge!("flux_webhook_deliveries", "status" => status).set(n as f64);
        }
    }
}

/// What one attempt's answer was.
struct Answer {
    /// The URL policy refused the address: no request was sent, and none will be.
    refused: bool,
    status: Option<u16>,
    error: Option<String>,
    body: Option<String>,
    retry_after: Option<Duration>,
}

async fn send(engine: &Engine, d: &ClaimedDelivery, timestamp: i64) -> Answer {
    if let Err(reason) = engine.config.url_policy.check(&d.url) {
        return Answer {
            refused: true,
            status: None,
            error: Some(format!("refused: the URL {reason}")),
            body: None,
            retry_after: None,
        };
    }
    let body = d.delivery.payload.clone();
    let signature = signing::header(
        d.secrets.iter().map(|s| s.expose().as_str()),
        &d.delivery.id,
        timestamp,
        body.as_bytes(),
    );
    let sent = engine
        .http
        .post(&d.url)
        .timeout(engine.config.timeout)
        .header("content-type", "application/json")
        .header("x-webhook-token", d.token.expose().as_str())
        .header("webhook-id", &d.delivery.id)
        .header("webhook-timestamp", timestamp.to_string())
        .header("webhook-signature", signature)
        .body(body)
        .send()
        .await;
    let mut resp = match sent {
        Ok(r) => r,
        Err(e) => return failure(e),
    };
    let status = resp.status().as_u16();
    let retry_after = resp
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| retry_after(v, flux_core::time::now()));
    // Keep the start of the answer; stop reading once we have it.
    let mut kept: Vec<u8> = Vec::new();
    let mut error = None;
    loop {
        match resp.chunk().await {
            Ok(Some(chunk)) => {
                kept.extend_from_slice(&chunk);
                if kept.len() >= RESPONSE_BODY_LIMIT {
                    break;
                }
            }
            Ok(None) => break,
            Err(e) => {
                error = Some(describe(&e));
                break;
            }
        }
    }
    kept.truncate(RESPONSE_BODY_LIMIT);
    let text = String::from_utf8_lossy(&kept).into_owned();
    Answer {
        refused: false,
        status: Some(status),
        // A 2xx whose body never finished arriving (the timeout struck) is not a success.
        error,
        body: (!text.is_empty()).then_some(text),
        retry_after,
    }
}

fn describe(e: &reqwest::Error) -> String {
    // Without the URL: a partner's URL may carry a secret in its query.
    let kind = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "could not connect"
    } else if e.is_body() || e.is_decode() {
        "the answer broke off"
    } else {
        "request failed"
    };
    let mut detail = String::new();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        detail = s.to_string();
        source = s.source();
    }
    if detail.is_empty() {
        kind.to_string()
    } else {
        format!("{kind}: {detail}")
    }
}

fn failure(e: reqwest::Error) -> Answer {
    Answer {
        refused: false,
        status: None,
        error: Some(describe(&e)),
        body: None,
        retry_after: None,
    }
}

async fn attempt(engine: Arc<Engine>, d: ClaimedDelivery, permit: OwnedSemaphorePermit) {
    let started_at = flux_core::time::now();
    let clock = Instant::now();
    let answer = send(&engine, &d, started_at.timestamp()).await;
    let latency = clock.elapsed();
    let attempts = d.delivery.attempts;
    let allowed = engine
        .config
        .retry
        .attempts_allowed(d.delivery.attempt_budget);
    let ok = answer.error.is_none() && answer.status.is_some_and(|s| (200..300).contains(&s));
    let next = if ok {
        NextStep::Delivered
    } else if answer.status == Some(410) {
        tracing::warn!(webhook_id = %d.delivery.webhook_id, "endpoint answered 410 Gone: subscription disabled");
        NextStep::Gone
    } else if answer.refused || attempts >= allowed {
        NextStep::Failed
    } else {
        let failed = u32::try_from(attempts).unwrap_or(u32::MAX);
        let mut wait = engine.config.retry.backoff_jittered(failed);
        if let Some(floor) = answer.retry_after {
            wait = wait.max(floor);
        }
        NextStep::RetryAt(started_at + chrono::Duration::from_std(wait).unwrap_or_default())
    };
    let result = match &next {
        NextStep::Delivered => "delivered",
        NextStep::RetryAt(_) => "retry",
        NextStep::Failed => "failed",
        NextStep::Gone => "gone",
    };
    metrics::counter!("flux_webhook_attempts_total", "result" => result).increment(1);
    metrics::histogram!("flux_webhook_attempt_duration_seconds").record(latency.as_secs_f64());
    tracing::info!(
        delivery = %d.delivery.id, webhook_id = %d.delivery.webhook_id, attempt = attempts,
        status = answer.status, latency_ms = latency.as_millis() as u64, result,
        error = answer.error.as_deref(), "webhook attempt"
    );
    let outcome = AttemptOutcome {
        attempt: AttemptRecord {
            delivery_id: d.delivery.id.clone(),
            attempt: attempts,
            started_at,
            status_code: answer.status.map(i64::from),
            latency_ms: latency.as_millis() as i64,
            error: answer.error,
            response_body: answer.body,
        },
        seq: d.delivery.seq,
        webhook_id: d.delivery.webhook_id,
        next,
    };
    // Counted only once the recorder has it: a closed recorder must not fill the count that
    // stops the claims, silently, for good.
    match engine.done.send(outcome) {
        Ok(()) => {
            engine.sent.fetch_add(1, Ordering::SeqCst);
        }
        Err(_) => {
            tracing::error!(delivery = %d.delivery.id, "webhook recorder stopped: outcome not recorded; the lease will requeue the delivery")
        }
    }
    {
        let mut in_flight = engine.in_flight.lock();
        if let Some(n) = in_flight.get_mut(&d.delivery.webhook_id) {
            *n -= 1;
            if *n == 0 {
                in_flight.remove(&d.delivery.webhook_id);
            }
        }
    }
    metrics::gauge!("flux_webhook_in_flight").decrement(1.0);
    drop(permit);
    engine.wake.notify_one();
}

/// Writes outcomes back in batches: one transaction for everything that finished meanwhile.
async fn record(engine: Arc<Engine>, outcomes: flume::Receiver<AttemptOutcome>) {
    while let Ok(first) = outcomes.recv_async().await {
        let mut batch = vec![first];
        while batch.len() < 512 {
            match outcomes.try_recv() {
                Ok(o) => batch.push(o),
                Err(_) => break,
            }
        }
        let count = batch.len() as u64;
        let mut tries = 0;
        loop {
            match engine.store.finish_attempts(batch.clone()).await {
                Ok(()) => break,
                Err(e) if tries < 10 => {
                    tries += 1;
                    tracing::warn!(error = %e, "recording webhook attempts failed; retrying");
                    tokio::time::sleep(Duration::from_millis(500)).await;
                }
                Err(e) => {
                    // The leases will expire and the deliveries go out again: at least once.
                    tracing::error!(error = %e, attempts = batch.len(), "could not record webhook attempts");
                    break;
                }
            }
        }
        // Written or given up on (their leases expire): either way, nothing more to wait for.
        engine.recorded.send_modify(|n| *n += count);
        // Deliveries waiting behind these (same transaction) may go now.
        engine.wake.notify_one();
    }
}
