-- A client may use several providers (SPEI accounts at Fincore, cards at NeCIPCo…): its
-- link to each is its own row, with the client's id at that provider and the credential
-- Flux speaks for it with (sealed like every secret at rest, bound to the client's id).
-- (WHERE true: SQLite needs a WHERE before ON CONFLICT in INSERT … SELECT.)
-- Fincore's links are the clients' provider and secret so far (Flux's client id is the
-- Fincore clientId). The old column keeps its (sealed) copy for now, so an instance still on
-- the previous version, or a rollback, keeps working; a later migration clears it.
CREATE TABLE IF NOT EXISTS client_providers (
  client_id TEXT NOT NULL REFERENCES clients(client_id), provider TEXT NOT NULL,
  provider_client_id TEXT NOT NULL, provider_secret TEXT, created_at BIGINT NOT NULL,
  PRIMARY KEY (client_id, provider));
CREATE UNIQUE INDEX IF NOT EXISTS client_providers_remote
  ON client_providers(provider, provider_client_id);
INSERT INTO client_providers (client_id, provider, provider_client_id, provider_secret, created_at)
  SELECT client_id, provider, client_id, provider_secret, created_at FROM clients WHERE true
  ON CONFLICT DO NOTHING;
