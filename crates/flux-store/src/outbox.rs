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
    ///
    /// One round trip on PostgreSQL whatever the batch: the claim is one statement (its own
    /// transaction) that also returns each delivery's URL, token and live secrets, read as
    /// they are at the claim (a URL change or a rotation is seen by the next claim). The
    /// dispatcher claims serially, so the claim's latency sets the delivery pace of a busy
    /// endpoint.
    pub async fn claim_deliveries(
        &self,
        now: DateTime<Utc>,
        limit: usize,
        in_flight: HashMap<Uuid, usize>,
        per_endpoint: usize,
        lease_until: DateTime<Utc>,
        deep: bool,
    ) -> Result<Vec<ClaimedDelivery>> {
        let claim = Claim {
            now,
            limit,
            in_flight,
            per_endpoint,
            lease_until,
            deep,
        };
        let (mut won, mut endpoints) = if self.backend.name() == "postgres" {
            self.claim_in_one_statement(claim).await?
        } else {
            let won = self
                .write(tx_fn(move |tx| {
                    Box::pin(async move { claim_picked(tx, &claim).await })
                }))
                .await?;
            let endpoints = self.endpoints(&won, now).await?;
            (won, endpoints)
        };
        self.sign_unsigned(&mut endpoints, now).await?;
        won.sort_by_key(|d| (d.next_attempt_at, d.seq));
        Ok(won
            .into_iter()
            .filter_map(|d| {
                // A subscription row that vanished: its delivery's lease runs out, as before.
                let (url, token, secrets) = endpoints.get(&d.webhook_id)?.clone();
                Some(ClaimedDelivery {
                    url,
                    token,
                    secrets,
                    delivery: d,
                })
            })
            .collect())
    }

    /// PostgreSQL: the head scan, the per-endpoint pick and the update in one statement, with
    /// no `BEGIN`/`COMMIT` around it. Same rules as [`claim_picked`]: the pick ranks each
    /// subscription's due rows in order and keeps those that fit beside what is in flight.
    /// `status = 'pending'` is re-checked on the row's latest version, so a row another claimer
    /// took meanwhile is not returned (no delivery is claimed twice). `SKIP LOCKED`: the claim
    /// never waits for a row lock. Waiting, it deadlocked with the recorder: PostgreSQL keeps
    /// the lock on a row it re-checked and skipped (one a recorder then wants to finish) while
    /// the claim waits for another row that recorder has already finished.
    async fn claim_in_one_statement(
        &self,
        c: Claim,
    ) -> Result<(Vec<DeliveryRecord>, HashMap<Uuid, Endpoint>)> {
        const SQL: &str = "WITH head AS (
               SELECT d.seq, d.webhook_id, d.next_attempt_at FROM webhook_deliveries d
               WHERE d.status = 'pending' AND d.next_attempt_at <= $1
                 AND (SELECT w.deleted_at IS NULL AND (w.webhook_status = 'ACTIVE' OR d.event_type = 'TEST')
                      FROM webhooks w WHERE w.id = d.webhook_id)
                 AND (d.coalesce_key IS NULL OR NOT EXISTS (SELECT 1 FROM webhook_deliveries p
                     WHERE p.webhook_id = d.webhook_id AND p.coalesce_key = d.coalesce_key AND p.seq < d.seq
                       AND p.status IN ('pending', 'delivering')))
                 AND d.webhook_id <> ALL($4::text[])
               ORDER BY d.next_attempt_at, d.seq LIMIT $2),
             ranked AS (
               SELECT h.seq, h.next_attempt_at,
                 row_number() OVER (PARTITION BY h.webhook_id ORDER BY h.next_attempt_at, h.seq)
                   + COALESCE((SELECT f.n FROM unnest($5::text[], $6::int8[]) AS f(webhook_id, n)
                               WHERE f.webhook_id = h.webhook_id), 0) AS taken
               FROM head h),
             locked AS (
               SELECT seq FROM webhook_deliveries
               WHERE seq = ANY(ARRAY(SELECT seq FROM ranked WHERE taken <= $7 ORDER BY next_attempt_at, seq LIMIT $3))
                 AND status = 'pending'
               FOR UPDATE SKIP LOCKED)
           UPDATE webhook_deliveries SET status = 'delivering', attempts = attempts + 1, lease_until = $8, updated_at = $1
           WHERE seq = ANY(ARRAY(SELECT seq FROM locked)) AND status = 'pending'
           RETURNING seq, id, webhook_id, client_id, event_type, coalesce_key, payload, status, attempts,
             attempt_budget, next_attempt_at, last_status_code, last_error, created_at, updated_at, delivered_at,
             (SELECT w.url FROM webhooks w WHERE w.id = webhook_deliveries.webhook_id),
             (SELECT w.token FROM webhooks w WHERE w.id = webhook_deliveries.webhook_id),
             (SELECT json_agg(json_build_array(s.secret_id, s.secret) ORDER BY s.created_at DESC, s.secret_id)::text
              FROM webhook_secrets s WHERE s.webhook_id = webhook_deliveries.webhook_id
                AND (s.expires_at IS NULL OR s.expires_at > $1))";
        let busy: Vec<Option<String>> = if c.deep {
            c.busy().iter().map(|id| Some(id.to_string())).collect()
        } else {
            Vec::new()
        };
        let (hooks, counts): (Vec<Option<String>>, Vec<Option<i64>>) = c
            .in_flight
            .iter()
            .map(|(id, n)| (Some(id.to_string()), Some(*n as i64)))
            .unzip();
        let params = vec![
            micros(c.now),
            c.window().into(),
            (c.limit as i64).into(),
            Value::TextArray(busy),
            Value::TextArray(hooks),
            Value::IntArray(counts),
            (c.per_endpoint as i64).into(),
            micros(c.lease_until),
        ];
        let mut won = Vec::new();
        let mut endpoints = HashMap::new();
        for row in self.write_statement(SQL, params).await? {
            let d = delivery(&row)?;
            if let (Some(url), Some(token), std::collections::hash_map::Entry::Vacant(slot)) = (
                row.opt_text(16)?,
                row.opt_text(17)?,
                endpoints.entry(d.webhook_id),
            ) {
                let sealer = self.sealer.as_deref();
                let token = crate::webhooks::open_token(sealer, d.webhook_id, &token)?;
                let secrets = open_secrets(sealer, d.webhook_id, row.opt_text(18)?)?;
                slot.insert((url, token, secrets));
            }
            won.push(d);
        }
        Ok((won, endpoints))
    }

    /// URL, token and live secrets of every subscription of `claimed`, in one read.
    async fn endpoints(
        &self,
        claimed: &[DeliveryRecord],
        now: DateTime<Utc>,
    ) -> Result<HashMap<Uuid, Endpoint>> {
        let mut ids: Vec<Uuid> = claimed.iter().map(|d| d.webhook_id).collect();
        ids.sort();
        ids.dedup();
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        let sealer = self.sealer.clone();
        self.read(tx_fn(move |tx| {
            Box::pin(async move { read_endpoints(tx, sealer.as_deref(), &ids, now).await })
        }))
        .await
    }

    /// A subscription from before signing existed gets its first secret at its first claim.
    async fn sign_unsigned(
        &self,
        endpoints: &mut HashMap<Uuid, Endpoint>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        for (id, (_, _, secrets)) in endpoints.iter_mut() {
            if secrets.is_empty() {
                secrets.push(self.first_signing_secret(*id, now).await?);
            }
        }
        Ok(())
    }

    async fn first_signing_secret(
        &self,
        webhook_id: Uuid,
        now: DateTime<Utc>,
    ) -> Result<Secret<String>> {
        let sealer = self.sealer.clone();
        let s = new_signing_secret();
        let stored = s.clone();
        self.write(tx_fn(move |tx| {
            Box::pin(
                async move { insert_secret(tx, sealer.as_deref(), webhook_id, &stored, now).await },
            )
        }))
        .await?;
        Ok(Secret::new(s))
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

    /// Records attempts and moves their deliveries on, all in one transaction and in a fixed
    /// number of statements whatever the batch: one multi-row INSERT of the attempts, one
    /// UPDATE of the deliveries from a VALUES list, and one UPDATE of the subscriptions that
    /// answered 410 (only if any did). The recorder must keep up with the claims: a lagging
    /// recorder leaves finished deliveries leased, and a lease that runs out sends them again.
    pub async fn finish_attempts(&self, outcomes: Vec<AttemptOutcome>) -> Result<()> {
        if outcomes.is_empty() {
            return Ok(());
        }
        self.write(tx_fn(move |tx| {
            Box::pin(async move {
                let now = flux_core::time::now();
                for chunk in outcomes.chunks(FINISH_CHUNK) {
                    insert_attempts(tx, chunk).await?;
                    move_deliveries_on(tx, chunk, now).await?;
                }
                let gone: Vec<Uuid> = outcomes
                    .iter()
                    .filter(|o| o.next == NextStep::Gone)
                    .map(|o| o.webhook_id)
                    .collect();
                disable_gone(tx, &gone, now).await
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

/// What one claim asks for (see [`Store::claim_deliveries`]).
struct Claim {
    now: DateTime<Utc>,
    limit: usize,
    in_flight: HashMap<Uuid, usize>,
    per_endpoint: usize,
    lease_until: DateTime<Utc>,
    deep: bool,
}

impl Claim {
    /// How many rows of the due index's head a claim looks at.
    fn window(&self) -> i64 {
        (self.limit * 4).clamp(64, 1024) as i64
    }

    /// The subscriptions already at their limit.
    fn busy(&self) -> Vec<Uuid> {
        self.in_flight
            .iter()
            .filter(|(_, n)| **n >= self.per_endpoint)
            .map(|(id, _)| *id)
            .collect()
    }
}

/// The claim as two statements in the caller's transaction (SQLite): the head of the due
/// index, picked within the per-endpoint limits in Rust, then claimed in one UPDATE; a row
/// another instance took meanwhile is simply not returned.
async fn claim_picked(tx: &mut dyn Tx, c: &Claim) -> Result<Vec<DeliveryRecord>> {
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
    let mut params: Vec<Value> = vec![micros(c.now), c.window().into()];
    let busy = if c.deep { c.busy() } else { Vec::new() };
    if !busy.is_empty() {
        let marks: Vec<String> = (0..busy.len()).map(|i| format!("${}", i + 3)).collect();
        sql.push_str(&format!(" AND d.webhook_id NOT IN ({})", marks.join(", ")));
        params.extend(busy.iter().map(|id| Value::from(*id)));
    }
    sql.push_str(" ORDER BY d.next_attempt_at, d.seq LIMIT $2");
    let head = tx.query(&sql, &params).await?;
    let mut taken = c.in_flight.clone();
    let mut picked: Vec<i64> = Vec::new();
    for row in &head {
        if picked.len() >= c.limit {
            break;
        }
        let n = taken.entry(row.uuid(1)?).or_default();
        if *n >= c.per_endpoint {
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
    let mut params: Vec<Value> = vec![micros(c.lease_until), micros(c.now)];
    params.extend(picked.iter().map(|seq| Value::from(*seq)));
    tx.query(&update, &params)
        .await?
        .iter()
        .map(delivery)
        .collect()
}

/// URL, token and live signing secrets (newest first) of these subscriptions, in one query.
/// A subscription with no live secret comes back with an empty list.
async fn read_endpoints(
    tx: &mut dyn Tx,
    sealer: Option<&sealing::Sealer>,
    ids: &[Uuid],
    now: DateTime<Utc>,
) -> Result<HashMap<Uuid, Endpoint>> {
    let marks: Vec<String> = (0..ids.len()).map(|i| format!("${}", i + 2)).collect();
    let sql = format!(
        "SELECT w.id, w.url, w.token, s.secret_id, s.secret FROM webhooks w
         LEFT JOIN webhook_secrets s ON s.webhook_id = w.id AND (s.expires_at IS NULL OR s.expires_at > $1)
         WHERE w.id IN ({})
         ORDER BY w.id, s.created_at DESC, s.secret_id",
        marks.join(", ")
    );
    let mut params: Vec<Value> = vec![micros(now)];
    params.extend(ids.iter().map(|id| Value::from(*id)));
    let mut found: HashMap<Uuid, Endpoint> = HashMap::new();
    for r in tx.query(&sql, &params).await? {
        let webhook_id = r.uuid(0)?;
        let endpoint = match found.entry(webhook_id) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(e) => {
                let token = crate::webhooks::open_token(sealer, webhook_id, &r.text(2)?)?;
                e.insert((r.text(1)?, token, Vec::new()))
            }
        };
        if let (Some(secret_id), Some(stored)) = (r.opt_text(3)?, r.opt_text(4)?) {
            let context = format!("webhook:{webhook_id}:{secret_id}");
            endpoint.2.push(Secret::new(match sealer {
                Some(s) => s.open(&stored, &context)?,
                None => stored,
            }));
        }
    }
    Ok(found)
}

/// The live secrets of a subscription from the claim's JSON list of `[secret_id, stored]`,
/// newest first, opened.
fn open_secrets(
    sealer: Option<&sealing::Sealer>,
    webhook_id: Uuid,
    listed: Option<String>,
) -> Result<Vec<Secret<String>>> {
    let Some(listed) = listed else {
        return Ok(Vec::new());
    };
    let pairs: Vec<(String, String)> = serde_json::from_str(&listed)
        .map_err(|e| StoreError::corrupt(18, &format!("webhook secrets: {e}")))?;
    pairs
        .into_iter()
        .map(|(secret_id, stored)| {
            let context = format!("webhook:{webhook_id}:{secret_id}");
            Ok(Secret::new(match sealer {
                Some(s) => s.open(&stored, &context)?,
                None => stored,
            }))
        })
        .collect()
}

/// Outcomes per statement in [`Store::finish_attempts`]: 7 parameters a row stays far below
/// either backend's limit on bound parameters.
const FINISH_CHUNK: usize = 512;

/// `($k, $k+1, …)` groups for a multi-row VALUES list of `rows` rows of `width` parameters,
/// numbered from `$first`.
fn values_marks(rows: usize, width: usize, first: usize) -> String {
    (0..rows)
        .map(|r| {
            let row: Vec<String> = (0..width)
                .map(|c| format!("${}", first + r * width + c))
                .collect();
            format!("({})", row.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

async fn insert_attempts(tx: &mut dyn Tx, outcomes: &[AttemptOutcome]) -> Result<()> {
    let sql = format!(
        "INSERT INTO webhook_attempts (delivery_id, attempt, started_at, status_code, latency_ms, error, response_body)
         VALUES {} ON CONFLICT DO NOTHING",
        values_marks(outcomes.len(), 7, 1)
    );
    let mut params: Vec<Value> = Vec::with_capacity(outcomes.len() * 7);
    for a in outcomes.iter().map(|o| &o.attempt) {
        params.extend([
            a.delivery_id.clone().into(),
            a.attempt.into(),
            micros(a.started_at),
            a.status_code.into(),
            a.latency_ms.into(),
            a.error.clone().into(),
            a.response_body.clone().into(),
        ]);
    }
    tx.exec(&sql, &params).await?;
    Ok(())
}

/// Moves each delivery on as its outcome says. Only the attempt that holds the lease does
/// (`attempts` and `status` match); a late answer after another worker took over is kept as
/// history only. VALUES columns are `column1…` on both backends.
async fn move_deliveries_on(
    tx: &mut dyn Tx,
    outcomes: &[AttemptOutcome],
    now: DateTime<Utc>,
) -> Result<()> {
    let sql = format!(
        "UPDATE webhook_deliveries SET status = v.column3, next_attempt_at = v.column4, delivered_at = v.column5,
           lease_until = NULL, last_status_code = v.column6, last_error = v.column7, updated_at = $1
         FROM (VALUES {}) AS v
         WHERE webhook_deliveries.seq = v.column1 AND webhook_deliveries.attempts = v.column2
           AND webhook_deliveries.status = 'delivering'",
        values_marks(outcomes.len(), 7, 2)
    );
    let mut params: Vec<Value> = Vec::with_capacity(1 + outcomes.len() * 7);
    params.push(micros(now));
    for o in outcomes {
        let (status, next_at, delivered_at) = match &o.next {
            NextStep::Delivered => ("delivered", None, Some(now)),
            NextStep::RetryAt(at) => ("pending", Some(*at), None),
            NextStep::Failed | NextStep::Gone => ("failed", None, None),
        };
        params.extend([
            o.seq.into(),
            o.attempt.attempt.into(),
            status.into(),
            opt_micros(next_at),
            opt_micros(delivered_at),
            o.attempt.status_code.into(),
            o.attempt.error.clone().into(),
        ]);
    }
    tx.exec(&sql, &params).await?;
    Ok(())
}

/// Disables the subscriptions whose endpoint answered 410 Gone.
async fn disable_gone(tx: &mut dyn Tx, gone: &[Uuid], now: DateTime<Utc>) -> Result<()> {
    if gone.is_empty() {
        return Ok(());
    }
    let marks: Vec<String> = (0..gone.len()).map(|i| format!("${}", i + 2)).collect();
    let sql = format!(
        "UPDATE webhooks SET webhook_status = 'INACTIVE', updated_at = $1 WHERE id IN ({})",
        marks.join(", ")
    );
    let mut params: Vec<Value> = vec![micros(now)];
    params.extend(gone.iter().map(|id| Value::from(*id)));
    tx.exec(&sql, &params).await?;
    Ok(())
}
