-- What became of each provider event: applied, held (its transaction is not known yet; applied
-- the moment it is), stale (older than what Flux knows), duplicate, or review (kept for an
-- operator). A held event keeps the effect it asks for, so it can be applied later in the
-- provider's order (reported_at) without parsing the provider's body again.
ALTER TABLE inbound_events ADD COLUMN disposition TEXT;
ALTER TABLE inbound_events ADD COLUMN provider_reference TEXT;
ALTER TABLE inbound_events ADD COLUMN held_effect TEXT;
ALTER TABLE inbound_events ADD COLUMN reported_at INTEGER;
CREATE INDEX IF NOT EXISTS inbound_events_held ON inbound_events(provider, provider_reference)
  WHERE disposition = 'held';

-- What an operator must look at: a credit no client owns, an event Flux cannot make sense of,
-- a status change that contradicts a final status, a movement whose outcome the resolver could
-- not learn. The id is derived from the kind and the subject, so reporting twice files once.
CREATE TABLE IF NOT EXISTS review_items (
  id TEXT PRIMARY KEY, kind TEXT NOT NULL, provider TEXT NOT NULL, client_id TEXT,
  transaction_id TEXT, id_msg TEXT, reason TEXT NOT NULL, created_at INTEGER NOT NULL,
  resolved_at INTEGER, resolved_by TEXT, resolution TEXT);
CREATE INDEX IF NOT EXISTS review_items_open ON review_items(created_at) WHERE resolved_at IS NULL;
CREATE INDEX IF NOT EXISTS review_items_transaction ON review_items(transaction_id)
  WHERE resolved_at IS NULL;

-- The resolver looks for movements that stayed non-final too long.
CREATE INDEX IF NOT EXISTS transactions_open ON transactions(updated_at)
  WHERE status IN ('SUBMITTING', 'UNKNOWN', 'INITIALIZED', 'PENDING');
-- A refund's original, to refuse a second refund while one is under way.
CREATE INDEX IF NOT EXISTS transactions_related ON transactions(related_transaction_id)
  WHERE related_transaction_id IS NOT NULL;
