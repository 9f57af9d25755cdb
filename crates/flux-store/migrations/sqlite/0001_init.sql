-- Flux schema, SQLite flavour. Column types are limited to INTEGER/TEXT/BLOB so that the same
-- SQL statements run on SQLite and PostgreSQL (see src/sql.rs). Instants are Unix microseconds;
-- amounts are exact decimal strings; ids are UUID strings.
CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);

CREATE TABLE IF NOT EXISTS partners (
  id TEXT PRIMARY KEY, name TEXT NOT NULL, created_at INTEGER NOT NULL);

CREATE TABLE IF NOT EXISTS api_keys (
  id TEXT PRIMARY KEY, partner_id TEXT NOT NULL REFERENCES partners(id), prefix TEXT NOT NULL,
  hash TEXT NOT NULL UNIQUE, created_at INTEGER NOT NULL, revoked_at INTEGER);
CREATE INDEX IF NOT EXISTS api_keys_prefix ON api_keys(prefix);

CREATE TABLE IF NOT EXISTS clients (
  client_id TEXT PRIMARY KEY, partner_id TEXT NOT NULL REFERENCES partners(id),
  provider TEXT NOT NULL, provider_secret TEXT, created_at INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS clients_partner ON clients(partner_id);

CREATE TABLE IF NOT EXISTS accounts (
  clabe TEXT PRIMARY KEY, client_id TEXT NOT NULL REFERENCES clients(client_id),
  provider_account_id TEXT NOT NULL, updated_at INTEGER NOT NULL);

CREATE TABLE IF NOT EXISTS transactions (
  id TEXT PRIMARY KEY, partner_id TEXT NOT NULL, client_id TEXT NOT NULL, kind TEXT NOT NULL,
  status TEXT NOT NULL, amount TEXT NOT NULL, currency TEXT NOT NULL, description TEXT,
  external_reference TEXT, tracking_key TEXT, source_instrument_id TEXT,
  destination_instrument_id TEXT, related_transaction_id TEXT, provider TEXT NOT NULL,
  provider_reference TEXT, failure_code TEXT, failure_description TEXT, counterparty TEXT,
  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
CREATE UNIQUE INDEX IF NOT EXISTS transactions_provider_ref ON transactions(provider, provider_reference);
CREATE INDEX IF NOT EXISTS transactions_client ON transactions(client_id, created_at);

CREATE TABLE IF NOT EXISTS webhooks (
  id TEXT PRIMARY KEY, partner_id TEXT NOT NULL, client_id TEXT NOT NULL, url TEXT NOT NULL,
  token TEXT NOT NULL, webhook_type TEXT NOT NULL, webhook_status TEXT NOT NULL,
  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, deleted_at INTEGER);
CREATE INDEX IF NOT EXISTS webhooks_client ON webhooks(client_id);

CREATE TABLE IF NOT EXISTS idempotency_keys (
  partner_id TEXT NOT NULL, key TEXT NOT NULL, fingerprint TEXT NOT NULL, state TEXT NOT NULL,
  response_status INTEGER, response_body BLOB, created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL, PRIMARY KEY (partner_id, key));

CREATE TABLE IF NOT EXISTS inbound_events (
  provider TEXT NOT NULL, id_msg TEXT NOT NULL, msg_name TEXT NOT NULL, raw TEXT NOT NULL,
  client_id TEXT, transaction_id TEXT, received_at INTEGER NOT NULL,
  PRIMARY KEY (provider, id_msg));

CREATE TABLE IF NOT EXISTS audit_log (
  seq INTEGER PRIMARY KEY, at INTEGER NOT NULL, partner_id TEXT, key_prefix TEXT,
  method TEXT NOT NULL, path TEXT NOT NULL, status INTEGER NOT NULL, latency_us INTEGER NOT NULL,
  request_id TEXT NOT NULL, correlation_id TEXT, request_body TEXT, response_body TEXT,
  prev_hash TEXT NOT NULL, hash TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS audit_head (id INTEGER PRIMARY KEY, seq INTEGER NOT NULL, hash TEXT NOT NULL);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, 'genesis') ON CONFLICT DO NOTHING;
