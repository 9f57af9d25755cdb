-- Settlement of remittances paid to a CLABE Flux serves: the SPEI credit that paid a
-- remittance is linked both ways. settle_account is the beneficiary CLABE of a remittance
-- paid in MXN to a CLABE (NULL: nothing to settle in Flux); completed_at starts the window in
-- which its credit must arrive before an operator is asked to look.
ALTER TABLE remittances ADD COLUMN settle_account TEXT;
ALTER TABLE remittances ADD COLUMN settlement_transaction_id TEXT;
ALTER TABLE remittances ADD COLUMN settled_at INTEGER;
ALTER TABLE remittances ADD COLUMN completed_at INTEGER;
CREATE UNIQUE INDEX IF NOT EXISTS remittances_settlement ON remittances(settlement_transaction_id)
  WHERE settlement_transaction_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS remittances_awaiting_credit ON remittances(settle_account)
  WHERE settle_account IS NOT NULL AND settlement_transaction_id IS NULL;

-- The remittance a money-in paid.
ALTER TABLE transactions ADD COLUMN remittance_id TEXT;

-- Review items about a remittance (a credit that never arrived).
ALTER TABLE review_items ADD COLUMN remittance_id TEXT;
