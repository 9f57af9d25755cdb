-- Card issuing (NeCIPCo). Flux keeps no card number, CVC or PIN: a card is its provider id,
-- last four digits, masked number, type, status and expiry (what PCI DSS lets a merchant keep
-- and show). profile is the cardholder's identity as the partner gave it, without documents.
CREATE TABLE IF NOT EXISTS cardholders (
  id TEXT PRIMARY KEY, partner_id TEXT NOT NULL, client_id TEXT NOT NULL, provider TEXT NOT NULL,
  provider_id TEXT NOT NULL, profile TEXT NOT NULL, created_at INTEGER NOT NULL);
CREATE UNIQUE INDEX IF NOT EXISTS cardholders_provider_id ON cardholders(provider, provider_id);
CREATE INDEX IF NOT EXISTS cardholders_client ON cardholders(client_id, created_at);

CREATE TABLE IF NOT EXISTS cards (
  id TEXT PRIMARY KEY, partner_id TEXT NOT NULL, client_id TEXT NOT NULL,
  cardholder_id TEXT NOT NULL, provider TEXT NOT NULL, provider_card_id TEXT NOT NULL,
  card_type TEXT NOT NULL, status TEXT NOT NULL, last4 TEXT NOT NULL, masked TEXT NOT NULL,
  expiry TEXT, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
CREATE UNIQUE INDEX IF NOT EXISTS cards_provider_id ON cards(provider, provider_card_id);
CREATE INDEX IF NOT EXISTS cards_client ON cards(client_id, created_at);

-- Card movements Flux has announced (polling dedupe): one row per provider movement id.
CREATE TABLE IF NOT EXISTS card_movements_seen (
  card_id TEXT NOT NULL, movement_id TEXT NOT NULL, seen_at INTEGER NOT NULL,
  PRIMARY KEY (card_id, movement_id));

-- Single-use reveal links: only the SHA-256 of the token is kept, with the card, what it may
-- show and the end user's location the provider call will carry.
CREATE TABLE IF NOT EXISTS card_reveal_tokens (
  token_hash TEXT PRIMARY KEY, card_id TEXT NOT NULL, show TEXT NOT NULL,
  latitude TEXT NOT NULL, longitude TEXT NOT NULL,
  expires_at INTEGER NOT NULL, used_at INTEGER);
