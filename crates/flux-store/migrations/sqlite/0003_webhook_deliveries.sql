-- Outbound webhooks: the outbox of deliveries to partners, every attempt made, and the signing
-- secrets of each subscription (several live at once during a rotation's grace period).
CREATE TABLE IF NOT EXISTS webhook_deliveries (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  webhook_id TEXT NOT NULL, client_id TEXT NOT NULL, event_type TEXT NOT NULL,
  coalesce_key TEXT, payload TEXT NOT NULL, status TEXT NOT NULL,
  attempts INTEGER NOT NULL, attempt_budget INTEGER,
  next_attempt_at INTEGER, lease_until INTEGER,
  last_status_code INTEGER, last_error TEXT,
  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, delivered_at INTEGER);
-- Claims walk this index in order and stop at the batch size, however long the backlog.
CREATE INDEX IF NOT EXISTS webhook_deliveries_due ON webhook_deliveries(status, next_attempt_at, seq);
CREATE INDEX IF NOT EXISTS webhook_deliveries_hook ON webhook_deliveries(webhook_id, seq);
CREATE INDEX IF NOT EXISTS webhook_deliveries_order ON webhook_deliveries(webhook_id, coalesce_key, seq);

CREATE TABLE IF NOT EXISTS webhook_attempts (
  delivery_id TEXT NOT NULL, attempt INTEGER NOT NULL, started_at INTEGER NOT NULL,
  status_code INTEGER, latency_ms INTEGER NOT NULL, error TEXT, response_body TEXT,
  PRIMARY KEY (delivery_id, attempt));

CREATE TABLE IF NOT EXISTS webhook_secrets (
  webhook_id TEXT NOT NULL, secret_id TEXT NOT NULL, secret TEXT NOT NULL,
  created_at INTEGER NOT NULL, expires_at INTEGER,
  PRIMARY KEY (webhook_id, secret_id));
