-- Remittances (Félix): a partner's request to pay a beneficiary abroad. The row is written as
-- the intent before Félix is called (status CREATED, no provider_reference yet), then carries
-- Félix's id. amount is a decimal string or NULL (Félix asks the sender when it is absent).
-- beneficiary is JSON without secrets (account numbers masked). last_heard_at is when Félix
-- last told us anything, callback or poll: polling looks for rows not heard from in a while.
CREATE TABLE IF NOT EXISTS remittances (
  id TEXT PRIMARY KEY, partner_id TEXT NOT NULL, client_id TEXT NOT NULL, provider TEXT NOT NULL,
  provider_reference TEXT, status TEXT NOT NULL, amount TEXT, currency TEXT NOT NULL,
  external_reference TEXT NOT NULL, beneficiary TEXT NOT NULL, metadata TEXT,
  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, last_heard_at INTEGER);
CREATE UNIQUE INDEX IF NOT EXISTS remittances_provider_ref ON remittances(provider, provider_reference);
CREATE INDEX IF NOT EXISTS remittances_client ON remittances(client_id, created_at);
CREATE INDEX IF NOT EXISTS remittances_open ON remittances(last_heard_at)
  WHERE status NOT IN ('COMPLETED', 'CANCELLED', 'REFUNDED');

-- Every status change a remittance went through, in order, and who reported it.
CREATE TABLE IF NOT EXISTS remittance_events (
  remittance_id TEXT NOT NULL, seq INTEGER NOT NULL, old_status TEXT, new_status TEXT NOT NULL,
  at INTEGER NOT NULL, source TEXT NOT NULL, PRIMARY KEY (remittance_id, seq));
