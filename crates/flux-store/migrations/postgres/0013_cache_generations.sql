-- What a serving process keeps in memory (API keys by hash, clients with their provider links)
-- is dropped when another process changes it: every such change adds one to its row here in
-- the same transaction, and each process compares the number a few times a second (see
-- flux_gateway::auth_cache). One tiny row read is far cheaper than an API key and a client
-- read on every request.
CREATE TABLE IF NOT EXISTS cache_generations (name TEXT PRIMARY KEY, generation BIGINT NOT NULL);
INSERT INTO cache_generations (name, generation) VALUES ('auth', 0) ON CONFLICT DO NOTHING;
