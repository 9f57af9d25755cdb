-- CEP (Banxico's electronic payment receipt) status of a transfer, from Fincore's CEP webhook.
ALTER TABLE transactions ADD COLUMN cep_status TEXT;
ALTER TABLE transactions ADD COLUMN cep_processed_at INTEGER;
