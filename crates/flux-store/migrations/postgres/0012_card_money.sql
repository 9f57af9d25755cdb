-- Card money: funding a card from the client's card program and returning card money to it.
-- NeCIPCo's money calls take no idempotency key, so the intent is recorded here before the
-- call (id derived from the partner's Idempotency-Key) and an unknown outcome is decided from
-- the card's movements. provider_operation_id is unique: one provider movement settles one
-- transfer, never two.
CREATE TABLE IF NOT EXISTS card_transfers (
  id TEXT PRIMARY KEY, partner_id TEXT NOT NULL, client_id TEXT NOT NULL,
  card_id TEXT NOT NULL, provider TEXT NOT NULL, direction TEXT NOT NULL,
  amount TEXT NOT NULL, currency TEXT NOT NULL, status TEXT NOT NULL,
  latitude TEXT NOT NULL, longitude TEXT NOT NULL,
  provider_operation_id TEXT, authorization_code TEXT,
  failure_code TEXT, failure_message TEXT,
  attempted_at BIGINT, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL);
CREATE UNIQUE INDEX IF NOT EXISTS card_transfers_operation
  ON card_transfers(provider, provider_operation_id) WHERE provider_operation_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS card_transfers_card ON card_transfers(card_id, created_at);
CREATE INDEX IF NOT EXISTS card_transfers_pending
  ON card_transfers(updated_at) WHERE status = 'PENDING';

-- Treasury top-ups of a client's card program: a SPEI payment from the client's funds to the
-- card provider's funding account (payment_id, a Flux transaction), then the provider's own
-- credit of the program (NeCIPCo /clients/fund, ordered from Flux's master program).
-- fund_before/fund_attempted_at let an unanswered credit be decided from the master's balance.
CREATE TABLE IF NOT EXISTS card_program_top_ups (
  id TEXT PRIMARY KEY, partner_id TEXT NOT NULL, client_id TEXT NOT NULL,
  provider TEXT NOT NULL, amount TEXT NOT NULL, status TEXT NOT NULL,
  payment_id TEXT NOT NULL, fund_before TEXT, fund_attempted_at BIGINT, note TEXT,
  created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL);
CREATE INDEX IF NOT EXISTS card_program_top_ups_open
  ON card_program_top_ups(updated_at) WHERE status IN ('SENDING', 'FUNDING');
CREATE INDEX IF NOT EXISTS card_program_top_ups_client
  ON card_program_top_ups(client_id, created_at);
