-- CEP (Banxico's electronic payment receipt) status of a transfer, from Fincore's CEP webhook.
ALTER TABLE transactions ADD COLUMN IF NOT EXISTS cep_status TEXT;
ALTER TABLE transactions ADD COLUMN IF NOT EXISTS cep_processed_at BIGINT;
