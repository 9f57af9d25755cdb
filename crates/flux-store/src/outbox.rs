//! The webhook outbox: every event for a partner becomes a delivery row written in the same
//! database transaction as the state change that caused it, so an event can be neither lost (the
//! change committed, the delivery did not) nor invented (the reverse).
//!
//! A delivery moves `pending → delivering → delivered | pending (retry) | failed`; a pending
//! status notification that a later change of the same transaction absorbs becomes `superseded`.
//! Workers claim due rows with a lease (`lease_until`): a worker that dies mid-attempt leaves a
//! row that [`Store::requeue_expired_leases`] hands back, so delivery is at least once and the
//! `webhook-id` (the row's `id`) never changes across attempts or restarts.
//!
//! Ordering: a delivery is not claimed while an earlier one for the same subscription and the
//! same transaction (`coalesce_key`) is still pending or in flight, so a partner sees a
//! transaction's notifications in order even across retries.
//!
//! Coalescing (the "notification deltas" of the Félix seed): a status change of a transaction
//! whose previous notification is still pending joins that notification's ordered `deltas`
//! instead of queueing another. A notification never attempted is edited in place; one already
//! attempted keeps its body (the partner may have received it) and is superseded by a new message
//! carrying every delta since the last delivered one.

use crate::keyset::Listing;
use crate::sql::{tx_fn, Row, Tx, Value};
use crate::*;
use flux_core::Secret;
use serde_json::{json, Value as Json};
use std::collections::HashMap;

/// How an event is rendered for partners; the gateway owns the partner-facing shape.
#[derive(Clone, Copy)]
pub struct OutboundEvent {
    /// MONEY_IN, STATUS_UPDATE or CEP: subscriptions of this `webhook_type` receive it.
    pub event_type: &'static str,
    /// The transaction as the Partners API shows it.
    pub render: fn(&TransactionRecord) -> Json,
}

impl std::fmt::Debug for OutboundEvent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OutboundEvent")
            .field("event_type", &self.event_type)
            .finish()
    }
}

/// One status transition, as the notification's `deltas` list carries it.
#[derive(Debug, Clone, PartialEq)]
pub struct Delta {
    pub old_status: String,
    pub new_status: String,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DeliveryRecord {
    pub seq: i64,
    /// The Standard Webhooks `webhook-id`: stable across attempts and restarts.
    pub id: String,
    pub webhook_id: Uuid,
    pub client_id: Uuid,
    pub event_type: String,
    pub coalesce_key: Option<String>,
    pub payload: String,
    /// pending, delivering, delivered, failed or superseded.
    pub status: String,
    pub attempts: i64,
    /// Attempts allowed in all; None means the configured retry policy.
    pub attempt_budget: Option<i64>,
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub last_status_code: Option<i64>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub delivered_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AttemptRecord {
    pub delivery_id: String,
    pub attempt: i64,
    pub started_at: DateTime<Utc>,
    pub status_code: Option<i64>,
    pub latency_ms: i64,
    pub error: Option<String>,
    /// The start of the partner's answer, truncated.
    pub response_body: Option<String>,
}

/// A delivery a worker now owns, with what it needs to send it.
#[derive(Debug, Clone)]
pub struct ClaimedDelivery {
    pub delivery: DeliveryRecord,
    pub url: String,
    /// Sent as `X-Webhook-Token`.
    pub token: Secret<String>,
    /// Every live signing secret (`whsec_…`), newest first; one signature is sent per secret.
    pub secrets: Vec<Secret<String>>,
}

/// Where and how one subscription's deliveries go: URL, token, live signing secrets.
type Endpoint = (String, Secret<String>, Vec<Secret<String>>);

/// What happens to a delivery after an attempt.
#[derive(Debug, Clone, PartialEq)]
pub enum NextStep {
    Delivered,
    RetryAt(DateTime<Utc>),
    /// Out of attempts.
    Failed,
    /// The endpoint answered 410 Gone: the delivery fails and the subscription is disabled.
    Gone,
}

#[derive(Debug, Clone)]
pub struct AttemptOutcome {
    pub attempt: AttemptRecord,
    pub seq: i64,
    pub webhook_id: Uuid,
    pub next: NextStep,
}

const DELIVERY_COLUMNS: &str = "seq, id, webhook_id, client_id, event_type, coalesce_key, payload, status, attempts, \
     attempt_budget, next_attempt_at, last_status_code, last_error, created_at, updated_at, delivered_at";

fn delivery(row: &Row) -> Result<DeliveryRecord> {
    Ok(DeliveryRecord {
        seq: row.int(0)?,
        id: row.text(1)?,
        webhook_id: row.uuid(2)?,
        client_id: row.uuid(3)?,
        event_type: row.text(4)?,
        coalesce_key: row.opt_text(5)?,
        payload: row.text(6)?,
        status: row.text(7)?,
        attempts: row.int(8)?,
        attempt_budget: row.opt_int(9)?,
        next_attempt_at: opt_instant(row, 10)?,
        last_status_code: row.opt_int(11)?,
        last_error: row.opt_text(12)?,
        created_at: instant(row, 13)?,
        updated_at: instant(row, 14)?,
        delivered_at: opt_instant(row, 15)?,
    })
}

/// A new message id, in the Standard Webhooks style.
pub fn new_message_id() -> String {
    format!("msg_{}", Uuid::new_v4().simple())
}

/// A new signing secret: `whsec_` and 32 random bytes in base64 (Standard Webhooks).
pub fn new_signing_secret() -> String {
    use base64::Engine;
    let bytes: [u8; 32] = rand::random();
    format!(
        "whsec_{}",
        base64::engine::general_purpose::STANDARD.encode(bytes)
    )
}

fn envelope(id: &str, event_type: &str, client_id: Uuid, at: DateTime<Utc>) -> Json {
    json!({
        "id": id,
        "type": event_type,
        "created_at": flux_core::time::to_rfc3339(at),
        "client_id": client_id,
    })
}

async fn insert_delivery(tx: &mut dyn Tx, d: &DeliveryRecord) -> Result<()> {
    tx.exec(
        "INSERT INTO webhook_deliveries (id, webhook_id, client_id, event_type, coalesce_key, payload, status, attempts,
           attempt_budget, next_attempt_at, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        &[
            d.id.clone().into(),
            d.webhook_id.into(),
            d.client_id.into(),
            d.event_type.clone().into(),
            d.coalesce_key.clone().into(),
            d.payload.clone().into(),
            d.status.clone().into(),
            d.attempts.into(),
            d.attempt_budget.into(),
            opt_micros(d.next_attempt_at),
            micros(d.created_at),
            micros(d.updated_at),
        ],
    )
    .await?;
    Ok(())
}

fn new_delivery(
    webhook_id: Uuid,
    client_id: Uuid,
    event_type: &str,
    coalesce_key: Option<String>,
    payload: String,
    id: String,
    now: DateTime<Utc>,
) -> DeliveryRecord {
    DeliveryRecord {
        seq: 0,
        id,
        webhook_id,
        client_id,
        event_type: event_type.into(),
        coalesce_key,
        payload,
        status: "pending".into(),
        attempts: 0,
        attempt_budget: None,
        next_attempt_at: Some(now),
        last_status_code: None,
        last_error: None,
        created_at: now,
        updated_at: now,
        delivered_at: None,
    }
}

/// Which notification a status change may join: one subscription, one subject.
struct Pending<'a> {
    webhook_id: Uuid,
    client_id: Uuid,
    event_type: &'a str,
    /// The subject's id (a transaction's or a remittance's).
    key: &'a str,
    /// The payload member that carries the subject ("transaction", "remittance").
    member: &'a str,
}

/// Adds `delta` to the pending notification of this subscription and subject, if there is
/// one; false when there is none (a new notification is needed).
async fn coalesce(
    tx: &mut dyn Tx,
    p: &Pending<'_>,
    data: &Json,
    delta: &Json,
    now: DateTime<Utc>,
) -> Result<bool> {
    let Some(row) = tx
        .query_opt(
            "SELECT seq, id, payload, attempts, next_attempt_at FROM webhook_deliveries
             WHERE webhook_id = $1 AND coalesce_key = $2 AND status = 'pending'
             ORDER BY seq DESC LIMIT 1",
            &[p.webhook_id.into(), p.key.into()],
        )
        .await?
    else {
        return Ok(false);
    };
    let (seq, id, attempts) = (row.int(0)?, row.text(1)?, row.int(3)?);
    let mut payload: Json = serde_json::from_str(&row.text(2)?)
        .map_err(|e| StoreError::corrupt(2, &format!("delivery payload: {e}")))?;
    payload[p.member] = data.clone();
    if let Some(list) = payload["deltas"].as_array_mut() {
        list.push(delta.clone());
    }
    if attempts == 0 {
        tx.exec(
            "UPDATE webhook_deliveries SET payload = $2, updated_at = $3 WHERE seq = $1",
            &[seq.into(), payload.to_string().into(), micros(now)],
        )
        .await?;
    } else {
        // Already attempted: the partner may hold that body under that id, so the combined
        // notification goes out as a new message, on the same schedule.
        tx.exec(
            "UPDATE webhook_deliveries SET status = 'superseded', lease_until = NULL, updated_at = $2 WHERE seq = $1",
            &[seq.into(), micros(now)],
        )
        .await?;
        let new_id = new_message_id();
        payload["id"] = Json::String(new_id.clone());
        let mut d = new_delivery(
            p.webhook_id,
            p.client_id,
            p.event_type,
            Some(p.key.to_string()),
            payload.to_string(),
            new_id,
            now,
        );
        d.next_attempt_at = opt_instant(&row, 4)?.or(Some(now));
        insert_delivery(tx, &d).await?;
    }
    tracing::debug!(delivery = %id, "status change coalesced into a pending notification");
    Ok(true)
}

fn delta_json(d: &Delta) -> Json {
    json!({
        "old_status": d.old_status,
        "new_status": d.new_status,
        "updated_at": flux_core::time::to_rfc3339(d.updated_at),
    })
}

/// Queues `event` about `txn` for every active subscription of its client, inside the caller's
/// transaction. A status change (`delta`) coalesces into a pending notification of the same
/// transaction. Returns how many deliveries were queued or extended.
pub(crate) async fn enqueue(
    tx: &mut dyn Tx,
    event: &OutboundEvent,
    txn: &TransactionRecord,
    delta: Option<Delta>,
    now: DateTime<Utc>,
) -> Result<usize> {
    let subject = Subject {
        event_type: event.event_type,
        client_id: txn.client_id,
        id: txn.id,
        member: "transaction",
        data: (event.render)(txn),
    };
    enqueue_subject(tx, &subject, delta, now).await
}

/// What a partner notification is about, already rendered: a transaction, or anything else
/// with an id and a status history (a remittance). The outbox only needs these.
#[derive(Debug, Clone)]
pub struct Subject {
    /// Subscriptions of this `webhook_type` receive it.
    pub event_type: &'static str,
    pub client_id: Uuid,
    /// Orders and coalesces its notifications.
    pub id: Uuid,
    /// The payload member carrying `data`.
    pub member: &'static str,
    pub data: Json,
}

/// Queues a notification about `subject` for every active subscription of its client inside
/// the caller's transaction; a status change coalesces into a pending notification of the same
/// subject, exactly as for transactions. Returns how many deliveries were queued or extended.
pub async fn enqueue_subject(
    tx: &mut dyn Tx,
    subject: &Subject,
    delta: Option<Delta>,
    now: DateTime<Utc>,
) -> Result<usize> {
    let hooks = tx
        .query(
            "SELECT id FROM webhooks WHERE client_id = $1 AND webhook_type = $2
               AND webhook_status = 'ACTIVE' AND deleted_at IS NULL",
            &[subject.client_id.into(), subject.event_type.into()],
        )
        .await?;
    let delta_json = delta.as_ref().map(delta_json);
    let coalesce_key = delta.as_ref().map(|_| subject.id.to_string());
    for hook in &hooks {
        let webhook_id = hook.uuid(0)?;
        if let (Some(key), Some(delta)) = (&coalesce_key, &delta_json) {
            let pending = Pending {
                webhook_id,
                client_id: subject.client_id,
                event_type: subject.event_type,
                key,
                member: subject.member,
            };
            if coalesce(tx, &pending, &subject.data, delta, now).await? {
                continue;
            }
        }
        let id = new_message_id();
        let mut payload = envelope(&id, subject.event_type, subject.client_id, now);
        payload[subject.member] = subject.data.clone();
        if let Some(d) = &delta_json {
            payload["deltas"] = json!([d]);
        }
        let d = new_delivery(
            webhook_id,
            subject.client_id,
            subject.event_type,
            coalesce_key.clone(),
            payload.to_string(),
            id,
            now,
        );
        insert_delivery(tx, &d).await?;
    }
    Ok(hooks.len())
}

impl Store {
    /// Queues a TEST event for one subscription, whatever its type or status.
    pub async fn enqueue_test_delivery(&self, hook: &WebhookRecord) -> Result<DeliveryRecord> {
        let now = flux_core::time::now();
        let id = new_message_id();
        let mut payload = envelope(&id, "TEST", hook.client_id, now);
        payload["webhook_id"] = json!(hook.id);
        payload["message"] = json!("This is a test event from Flux.");
        let d = new_delivery(
            hook.id,
            hook.client_id,
            "TEST",
            None,
            payload.to_string(),
            id,
            now,
        );
        let stored = d.clone();
        self.write(tx_fn(move |tx| {
            Box::pin(async move { insert_delivery(tx, &stored).await })
        }))
        .await?;
        Ok(d)
    }

    /// The live signing secrets of a subscription, newest first.
    pub async fn webhook_secrets(&self, webhook_id: Uuid) -> Result<Vec<Secret<String>>> {
        let sealer = self.sealer.clone();
        self.read(tx_fn(move |tx| {
            Box::pin(async move {
                live_secrets(tx, sealer.as_deref(), webhook_id, flux_core::time::now()).await
            })
        }))
        .await
    }

    /// Gives a subscription a new signing secret and returns it. Older secrets stay valid until
    /// `grace` from now, so the partner can roll over without missing a delivery.
    pub async fn rotate_webhook_secret(
        &self,
        webhook_id: Uuid,
        grace: std::time::Duration,
    ) -> Result<(String, DateTime<Utc>)> {
        let sealer = self.sealer.clone();
        let secret = new_signing_secret();
        let now = flux_core::time::now();
        let expires = now + chrono::Duration::from_std(grace).unwrap_or(chrono::Duration::zero());
        let stored = secret.clone();
        self.write(tx_fn(move |tx| {
            Box::pin(async move {
                tx.exec(
                    "UPDATE webhook_secrets SET expires_at = $2 WHERE webhook_id = $1 AND (expires_at IS NULL OR expires_at > $2)",
                    &[webhook_id.into(), micros(expires)],
                )
                .await?;
                insert_secret(tx, sealer.as_deref(), webhook_id, &stored, now).await
            })
        }))
        .await?;
        Ok((secret, expires))
    }

    /// Claims up to `limit` due deliveries for this worker until `lease_until`, at most
    /// `per_endpoint` in flight per subscription counting `in_flight` (what this worker already
    /// has out).
    ///
    /// The cost is bounded by the batch, not the backlog: the scan reads the head of the due
    /// index (a window of a few times `limit` rows) and stops. A `deep` claim also skips, in
    /// SQL, the subscriptions already at their limit, so that deliveries queued behind a large
    /// backlog of one slow endpoint are found; it may walk that backlog, so the dispatcher runs
    /// it only now and then.
    pub async fn claim_deliveries(
        &self,
        now: DateTime<Utc>,
        limit: usize,
        in_flight: HashMap<Uuid, usize>,
        per_endpoint: usize,
        lease_until: DateTime<Utc>,
        deep: bool,
    ) -> Result<Vec<ClaimedDelivery>> {
        let sealer = self.sealer.clone();
        self.write(tx_fn(move |tx| {
            Box::pin(async move {
                let window = (limit * 4).clamp(64, 1024) as i64;
                // Both checks are per-row subqueries, not joins, on purpose. As a join and an
                // anti-join, PostgreSQL's estimates (an unanalyzed `webhooks` table, the
                // ordering check on mostly NULL keys) came to "1 row", so it read and sorted
                // the whole backlog on every claim: 200 ms at 30,000 pending, growing with the
                // backlog. As filters they leave the planner one plan: walk the due index in
                // order and stop at the window.
                let mut sql = String::from(
                    "SELECT d.seq, d.webhook_id FROM webhook_deliveries d
                     WHERE d.status = 'pending' AND d.next_attempt_at <= $1
                       AND (SELECT w.deleted_at IS NULL AND (w.webhook_status = 'ACTIVE' OR d.event_type = 'TEST')
                            FROM webhooks w WHERE w.id = d.webhook_id)
                       AND (d.coalesce_key IS NULL OR NOT EXISTS (SELECT 1 FROM webhook_deliveries p
                           WHERE p.webhook_id = d.webhook_id AND p.coalesce_key = d.coalesce_key AND p.seq < d.seq
                             AND p.status IN ('pending', 'delivering')))",
                );
                let mut params: Vec<Value> = vec![micros(now), window.into()];
                if deep {
                    let busy: Vec<Uuid> = in_flight
                        .iter()
                        .filter(|(_, n)| **n >= per_endpoint)
                        .map(|(id, _)| *id)
                        .collect();
                    if !busy.is_empty() {
                        let marks: Vec<String> =
                            (0..busy.len()).map(|i| format!("${}", i + 3)).collect();
                        sql.push_str(&format!(" AND d.webhook_id NOT IN ({})", marks.join(", ")));
                        params.extend(busy.iter().map(|id| Value::from(*id)));
                    }
                }
                sql.push_str(" ORDER BY d.next_attempt_at, d.seq LIMIT $2");
                let head = tx.query(&sql, &params).await?;
                // Pick within the per-endpoint limits, then claim them all in one statement;
                // a row another instance took meanwhile is simply not returned.
                let mut taken = in_flight;
                let mut picked: Vec<i64> = Vec::new();
                for row in &head {
                    if picked.len() >= limit {
                        break;
                    }
                    let n = taken.entry(row.uuid(1)?).or_default();
                    if *n >= per_endpoint {
                        continue;
                    }
                    *n += 1;
                    picked.push(row.int(0)?);
                }
                if picked.is_empty() {
                    return Ok(Vec::new());
                }
                let marks: Vec<String> = (0..picked.len()).map(|i| format!("${}", i + 3)).collect();
                // `status || ''` keeps SQLite's planner on the primary key: on `status = …` it
                // would walk the whole backlog through the status index instead.
                let update = format!(
                    "UPDATE webhook_deliveries SET status = 'delivering', attempts = attempts + 1, lease_until = $1, updated_at = $2
                     WHERE seq IN ({}) AND status || '' = 'pending' RETURNING {DELIVERY_COLUMNS}",
                    marks.join(", ")
                );
                let mut params: Vec<Value> = vec![micros(lease_until), micros(now)];
                params.extend(picked.iter().map(|seq| Value::from(*seq)));
                let mut won = tx
                    .query(&update, &params)
                    .await?
                    .iter()
                    .map(delivery)
                    .collect::<Result<Vec<_>>>()?;
                won.sort_by_key(|d| (d.next_attempt_at, d.seq));
                let mut claimed = Vec::new();
                let mut endpoints: HashMap<Uuid, Endpoint> = HashMap::new();
                for d in won {
                    if let std::collections::hash_map::Entry::Vacant(slot) =
                        endpoints.entry(d.webhook_id)
                    {
                        let Some(w) = tx
                            .query_opt(
                                "SELECT url, token FROM webhooks WHERE id = $1",
                                &[d.webhook_id.into()],
                            )
                            .await?
                        else {
                            continue;
                        };
                        let mut live = live_secrets(tx, sealer.as_deref(), d.webhook_id, now).await?;
                        if live.is_empty() {
                            // A subscription from before signing existed gets its secret now.
                            let s = new_signing_secret();
                            insert_secret(tx, sealer.as_deref(), d.webhook_id, &s, now).await?;
                            live.push(Secret::new(s));
                        }
                        let token =
                            crate::webhooks::open_token(sealer.as_deref(), d.webhook_id, &w.text(1)?)?;
                        slot.insert((w.text(0)?, token, live));
                    }
                    if let Some((url, token, secrets)) = endpoints.get(&d.webhook_id) {
                        claimed.push(ClaimedDelivery {
                            url: url.clone(),
                            token: token.clone(),
                            secrets: secrets.clone(),
                            delivery: d,
                        });
                    }
                }
                Ok(claimed)
            })
        }))
        .await
    }

    /// When the earliest pending delivery falls due, if any is pending.
    pub async fn next_delivery_due(&self) -> Result<Option<DateTime<Utc>>> {
        let rows = self
            .query(
                "SELECT MIN(next_attempt_at) FROM webhook_deliveries WHERE status = 'pending'",
                vec![],
            )
            .await?;
        match rows.first() {
            Some(r) => opt_instant(r, 0),
            None => Ok(None),
        }
    }

    /// Records attempts and moves their deliveries on, all in one transaction.
    pub async fn finish_attempts(&self, outcomes: Vec<AttemptOutcome>) -> Result<()> {
        self.write(tx_fn(move |tx| {
            Box::pin(async move {
                for o in &outcomes {
                    let a = &o.attempt;
                    tx.exec(
                        "INSERT INTO webhook_attempts (delivery_id, attempt, started_at, status_code, latency_ms, error, response_body)
                         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING",
                        &[
                            a.delivery_id.clone().into(),
                            a.attempt.into(),
                            micros(a.started_at),
                            a.status_code.into(),
                            a.latency_ms.into(),
                            a.error.clone().into(),
                            a.response_body.clone().into(),
                        ],
                    )
                    .await?;
                    let now = flux_core::time::now();
                    let (status, next_at, delivered_at) = match &o.next {
                        NextStep::Delivered => ("delivered", None, Some(now)),
                        NextStep::RetryAt(at) => ("pending", Some(*at), None),
                        NextStep::Failed | NextStep::Gone => ("failed", None, None),
                    };
                    // Only the attempt that holds the lease moves the delivery on; a late answer
                    // after another worker took over is kept as history only.
                    tx.exec(
                        "UPDATE webhook_deliveries SET status = $3, next_attempt_at = $4, delivered_at = $5, lease_until = NULL,
                           last_status_code = $6, last_error = $7, updated_at = $8
                         WHERE seq = $1 AND attempts = $2 AND status = 'delivering'",
                        &[
                            o.seq.into(),
                            a.attempt.into(),
                            status.into(),
                            opt_micros(next_at),
                            opt_micros(delivered_at),
                            a.status_code.into(),
                            a.error.clone().into(),
                            micros(now),
                        ],
                    )
                    .await?;
                    if o.next == NextStep::Gone {
                        tx.exec(
                            "UPDATE webhooks SET webhook_status = 'INACTIVE', updated_at = $2 WHERE id = $1",
                            &[o.webhook_id.into(), micros(now)],
                        )
                        .await?;
                    }
                }
                Ok(())
            })
        }))
        .await
    }

    /// Hands deliveries whose worker's lease ran out (it died or hung) back to the queue.
    pub async fn requeue_expired_leases(&self, now: DateTime<Utc>) -> Result<u64> {
        self.exec(
            "UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = $1, lease_until = NULL
             WHERE status = 'delivering' AND lease_until < $1",
            vec![micros(now)],
        )
        .await
    }

    /// One slice of a subscription's deliveries, newest first (`seq DESC`; `seq` is unique,
    /// `id` only completes the keyset).
    pub async fn list_deliveries(
        &self,
        webhook_id: Uuid,
        slice: Slice,
    ) -> Result<Listed<DeliveryRecord>> {
        let listing = Listing {
            table: "webhook_deliveries",
            columns: DELIVERY_COLUMNS,
            tenant: "webhook_id = $1",
            tenant_params: vec![webhook_id.into()],
            filter: "",
            filter_params: vec![],
            sort: "seq",
        };
        self.list_slice(listing, slice, delivery).await
    }

    /// The attempts of these deliveries, in order.
    pub async fn list_attempts(&self, delivery_ids: Vec<String>) -> Result<Vec<AttemptRecord>> {
        if delivery_ids.is_empty() {
            return Ok(Vec::new());
        }
        self.read(tx_fn(move |tx| {
            Box::pin(async move {
                let marks: Vec<String> = (1..=delivery_ids.len()).map(|i| format!("${i}")).collect();
                let sql = format!(
                    "SELECT delivery_id, attempt, started_at, status_code, latency_ms, error, response_body
                     FROM webhook_attempts WHERE delivery_id IN ({}) ORDER BY delivery_id, attempt",
                    marks.join(", ")
                );
                let params: Vec<Value> = delivery_ids.into_iter().map(Value::from).collect();
                tx.query(&sql, &params)
                    .await?
                    .iter()
                    .map(|r| {
                        Ok(AttemptRecord {
                            delivery_id: r.text(0)?,
                            attempt: r.int(1)?,
                            started_at: instant(r, 2)?,
                            status_code: r.opt_int(3)?,
                            latency_ms: r.int(4)?,
                            error: r.opt_text(5)?,
                            response_body: r.opt_text(6)?,
                        })
                    })
                    .collect()
            })
        }))
        .await
    }

    /// Sends a delivery again now, with one more attempt allowed. NotFound if it does not exist;
    /// Conflict while an attempt is in flight.
    pub async fn retry_delivery(&self, webhook_id: Uuid, id: &str) -> Result<DeliveryRecord> {
        let id = id.to_string();
        self.write(tx_fn(move |tx| {
            Box::pin(async move {
                let now = flux_core::time::now();
                let changed = tx
                    .exec(
                        "UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = $3, attempt_budget = attempts + 1,
                           updated_at = $3
                         WHERE webhook_id = $1 AND id = $2 AND status IN ('pending', 'failed', 'delivered')",
                        &[webhook_id.into(), id.clone().into(), micros(now)],
                    )
                    .await?;
                let sql = format!(
                    "SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries WHERE webhook_id = $1 AND id = $2"
                );
                let row = tx.query_opt(&sql, &[webhook_id.into(), id.into()]).await?;
                match (row, changed) {
                    (None, _) => Err(StoreError::NotFound),
                    (Some(_), 0) => Err(StoreError::Conflict(
                        "the delivery is being attempted right now, or was superseded".into(),
                    )),
                    (Some(r), _) => delivery(&r),
                }
            })
        }))
        .await
    }

    /// Forgets finished deliveries (and their attempts) last touched before `before`.
    pub async fn purge_deliveries(&self, before: DateTime<Utc>) -> Result<u64> {
        self.write(tx_fn(move |tx| {
            Box::pin(async move {
                tx.exec(
                    "DELETE FROM webhook_attempts WHERE delivery_id IN (SELECT id FROM webhook_deliveries
                       WHERE status IN ('delivered', 'failed', 'superseded') AND updated_at < $1)",
                    &[micros(before)],
                )
                .await?;
                tx.exec(
                    "DELETE FROM webhook_deliveries WHERE status IN ('delivered', 'failed', 'superseded') AND updated_at < $1",
                    &[micros(before)],
                )
                .await
            })
        }))
        .await
    }

    /// Counts deliveries by status (for metrics and operators).
    pub async fn delivery_backlog(&self) -> Result<Vec<(String, i64)>> {
        let rows = self
            .query(
                "SELECT status, COUNT(*) FROM webhook_deliveries WHERE status IN ('pending', 'delivering', 'failed') GROUP BY status",
                vec![],
            )
            .await?;
        rows.iter().map(|r| Ok((r.text(0)?, r.int(1)?))).collect()
    }
}

pub(crate) async fn insert_secret(
    tx: &mut dyn Tx,
    sealer: Option<&sealing::Sealer>,
    webhook_id: Uuid,
    secret: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let secret_id = Uuid::new_v4();
    let context = format!("webhook:{webhook_id}:{secret_id}");
    let stored = match sealer {
        Some(s) => s.seal(secret, &context)?,
        None => secret.to_string(),
    };
    tx.exec(
        "INSERT INTO webhook_secrets (webhook_id, secret_id, secret, created_at, expires_at) VALUES ($1, $2, $3, $4, NULL)",
        &[webhook_id.into(), secret_id.into(), stored.into(), micros(now)],
    )
    .await?;
    Ok(())
}

async fn live_secrets(
    tx: &mut dyn Tx,
    sealer: Option<&sealing::Sealer>,
    webhook_id: Uuid,
    now: DateTime<Utc>,
) -> Result<Vec<Secret<String>>> {
    let rows = tx
        .query(
            "SELECT secret_id, secret FROM webhook_secrets WHERE webhook_id = $1 AND (expires_at IS NULL OR expires_at > $2)
             ORDER BY created_at DESC, secret_id",
            &[webhook_id.into(), micros(now)],
        )
        .await?;
    rows.iter()
        .map(|r| {
            let stored = r.text(1)?;
            let context = format!("webhook:{webhook_id}:{}", r.text(0)?);
            Ok(Secret::new(match sealer {
                Some(s) => s.open(&stored, &context)?,
                None => stored,
            }))
        })
        .collect()
}
