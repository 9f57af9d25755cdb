-- Cursor pagination (`starting_after`) seeks with `(created_at, id) < ($k, $i)` under the
-- tenant and reads in `created_at DESC, id DESC` order: an index ending in `id` serves the seek
-- and the order, whatever the depth, on SQLite and PostgreSQL alike. Each replaces the
-- `(tenant, created_at)` index it extends, which it serves as well.
CREATE INDEX IF NOT EXISTS transactions_client_keyset ON transactions(client_id, created_at, id);
DROP INDEX IF EXISTS transactions_client;
CREATE INDEX IF NOT EXISTS remittances_client_keyset ON remittances(client_id, created_at, id);
DROP INDEX IF EXISTS remittances_client;
CREATE INDEX IF NOT EXISTS cardholders_client_keyset ON cardholders(client_id, created_at, id);
DROP INDEX IF EXISTS cardholders_client;
CREATE INDEX IF NOT EXISTS cards_client_keyset ON cards(client_id, created_at, id);
DROP INDEX IF EXISTS cards_client;
CREATE INDEX IF NOT EXISTS card_transfers_card_keyset ON card_transfers(card_id, created_at, id);
DROP INDEX IF EXISTS card_transfers_card;
CREATE INDEX IF NOT EXISTS card_program_top_ups_client_keyset
  ON card_program_top_ups(client_id, created_at, id);
DROP INDEX IF EXISTS card_program_top_ups_client;
CREATE INDEX IF NOT EXISTS webhook_deliveries_hook_keyset ON webhook_deliveries(webhook_id, seq, id);
DROP INDEX IF EXISTS webhook_deliveries_hook;
