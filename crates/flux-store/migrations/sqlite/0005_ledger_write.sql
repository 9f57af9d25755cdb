-- Indexes nothing reads cost every write (on SQLite, a page of the write-ahead log per scattered
-- insert). Transactions are found by id, reference or key, and entries are only ever summed
-- whole (`flux ledger verify`): the listing indexes go. An account statement endpoint, when it
-- comes, brings its index with it.
DROP INDEX IF EXISTS ledger_transactions_ledger;
DROP INDEX IF EXISTS ledger_entries_account;
