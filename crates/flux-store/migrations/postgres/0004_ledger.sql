-- The double-entry ledger (crates/flux-ledger). Amounts are integer minor units of the account's
-- currency (centavos; whole pesos for CLP). Each account carries its running totals per layer
-- (posted, pending) and direction; `flux ledger verify` recomputes them from the entries.
CREATE TABLE IF NOT EXISTS ledger_accounts (
  id TEXT PRIMARY KEY, ledger_id TEXT NOT NULL, currency TEXT NOT NULL,
  normal_balance TEXT NOT NULL, overdraft_limit BIGINT, name TEXT, person_id TEXT,
  metadata TEXT NOT NULL,
  debits_posted BIGINT NOT NULL DEFAULT 0, credits_posted BIGINT NOT NULL DEFAULT 0,
  debits_pending BIGINT NOT NULL DEFAULT 0, credits_pending BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL);
CREATE INDEX IF NOT EXISTS ledger_accounts_ledger ON ledger_accounts(ledger_id, created_at);

CREATE TABLE IF NOT EXISTS ledger_transactions (
  id TEXT PRIMARY KEY, ledger_id TEXT NOT NULL, reference_id TEXT NOT NULL,
  currency TEXT NOT NULL, description TEXT, status TEXT NOT NULL, operations TEXT NOT NULL,
  posted_operations TEXT, metadata TEXT NOT NULL, idempotency_key TEXT, fingerprint TEXT NOT NULL,
  expires_at BIGINT, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL);
-- Leading with the looked-up column lets one `IN (…)` query check a whole batch.
CREATE UNIQUE INDEX IF NOT EXISTS ledger_transactions_reference
  ON ledger_transactions(reference_id, ledger_id);
-- Partial indexes: most transactions have no key and are never pending, and an index a row
-- does not enter costs that row nothing.
CREATE UNIQUE INDEX IF NOT EXISTS ledger_transactions_idempotency
  ON ledger_transactions(idempotency_key, ledger_id) WHERE idempotency_key IS NOT NULL;
CREATE INDEX IF NOT EXISTS ledger_transactions_expiry ON ledger_transactions(expires_at)
  WHERE status = 'pending';
CREATE INDEX IF NOT EXISTS ledger_transactions_ledger ON ledger_transactions(ledger_id, created_at);

-- Immutable: a correction is a new transaction. Releasing a hold is an entry with a negative
-- amount in the pending layer, so the history of every hold stays readable.
CREATE TABLE IF NOT EXISTS ledger_entries (
  seq BIGSERIAL PRIMARY KEY, transaction_id TEXT NOT NULL, account_id TEXT NOT NULL,
  currency TEXT NOT NULL, layer TEXT NOT NULL, direction TEXT NOT NULL, amount BIGINT NOT NULL,
  created_at BIGINT NOT NULL);
CREATE INDEX IF NOT EXISTS ledger_entries_account ON ledger_entries(account_id, seq);
CREATE OR REPLACE FUNCTION ledger_entries_immutable() RETURNS trigger LANGUAGE plpgsql AS
  $$ BEGIN RAISE EXCEPTION 'ledger entries are immutable'; END $$;
DROP TRIGGER IF EXISTS ledger_entries_immutable ON ledger_entries;
CREATE TRIGGER ledger_entries_immutable BEFORE UPDATE OR DELETE ON ledger_entries
  FOR EACH ROW EXECUTE FUNCTION ledger_entries_immutable();

CREATE TABLE IF NOT EXISTS ledger_persons (
  id TEXT PRIMARY KEY, ledger_id TEXT NOT NULL, data TEXT NOT NULL, created_at BIGINT NOT NULL);
CREATE INDEX IF NOT EXISTS ledger_persons_ledger ON ledger_persons(ledger_id, created_at, id);

-- Which ledger account holds each Fincore account's money in Flux's own books.
CREATE TABLE IF NOT EXISTS book_accounts (
  clabe TEXT PRIMARY KEY, client_id TEXT NOT NULL, account_id TEXT NOT NULL,
  created_at BIGINT NOT NULL);
