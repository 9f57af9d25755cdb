-- Settlement of remittances paid to a CLABE Flux serves: the SPEI credit that paid a
-- remittance is linked both ways. settle_account is the beneficiary CLABE of a remittance
-- paid in MXN to a CLABE one of the partner's clients holds (NULL: nothing to settle in
-- Flux). paid_at is when the provider says the sender paid (CONFIRMED or later): no credit
-- received before it can be the payout. completed_at starts the window in which the credit
-- must arrive before an operator is asked to look. polled_at is when polling last asked the
-- provider about it, so that remittances the provider cannot find do not starve the rest.
ALTER TABLE remittances ADD COLUMN settle_account TEXT;
ALTER TABLE remittances ADD COLUMN settlement_transaction_id TEXT;
ALTER TABLE remittances ADD COLUMN settled_at INTEGER;
ALTER TABLE remittances ADD COLUMN paid_at INTEGER;
ALTER TABLE remittances ADD COLUMN completed_at INTEGER;
ALTER TABLE remittances ADD COLUMN polled_at INTEGER;
CREATE UNIQUE INDEX IF NOT EXISTS remittances_settlement ON remittances(settlement_transaction_id)
  WHERE settlement_transaction_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS remittances_awaiting_credit ON remittances(settle_account)
  WHERE settle_account IS NOT NULL AND settlement_transaction_id IS NULL;

-- The remittance a money-in paid; one credit per remittance, whatever else happens.
ALTER TABLE transactions ADD COLUMN remittance_id TEXT;
CREATE UNIQUE INDEX IF NOT EXISTS transactions_remittance ON transactions(remittance_id)
  WHERE remittance_id IS NOT NULL;
-- Credits by client and amount: what a remittance looks back at.
CREATE INDEX IF NOT EXISTS transactions_credits ON transactions(client_id, amount, created_at)
  WHERE kind = 'MONEY_IN' AND remittance_id IS NULL;

-- Review items about a remittance (a credit that never arrived).
ALTER TABLE review_items ADD COLUMN remittance_id TEXT;
