-- Migration 0010 copied each client's provider secret to client_providers and left the old
-- column's copy for a rollback. Nothing reads it since, and it would outlive a key rotation
-- (still sealed under the old key) or, in a database from before sealing, keep the secret in
-- clear: clear it. (SQLite overwrites the freed bytes: the store sets secure_delete.)
UPDATE clients SET provider_secret = NULL WHERE provider_secret IS NOT NULL;
