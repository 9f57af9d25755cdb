-- The ledger writes a batch as one statement (crates/flux-ledger/src/write.rs) whose updates
-- only touch rows still as the batch read them. This aborts the statement, and with it every
-- row it inserted, unless all of them were: `written` rows matched out of `expected`.
-- SQLSTATE 40001 (serialization_failure) says what happened: a concurrent change won.
CREATE OR REPLACE FUNCTION ledger_check_batch(written BIGINT, expected BIGINT) RETURNS BIGINT
LANGUAGE plpgsql AS $$
BEGIN
  IF written <> expected THEN
    RAISE EXCEPTION 'ledger: % of % accounts or holds changed since the batch read them',
      expected - written, expected USING ERRCODE = '40001';
  END IF;
  RETURN written;
END $$;

-- Indexes nothing reads cost every write. Transactions are found by id, reference or key, and
-- entries are only ever summed whole (`flux ledger verify`): the listing indexes go. An account
-- statement endpoint, when it comes, brings its index with it.
DROP INDEX IF EXISTS ledger_transactions_ledger;
DROP INDEX IF EXISTS ledger_entries_account;
