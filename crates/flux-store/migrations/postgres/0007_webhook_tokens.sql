-- Partner webhook tokens are sealed from now on (see src/webhooks.rs), and every value of the
-- column carries a prefix saying how it is kept. The tokens stored before this migration are in
-- clear: mark them "plain:" (Flux seals them at its next start). The marking is guarded by this
-- migration's own schema_migrations row, written in the same (implicit, one-query)
-- transaction, so that a second instance migrating after this one cannot mark a token twice.
UPDATE webhooks SET token = 'plain:' || token
 WHERE NOT EXISTS (SELECT 1 FROM schema_migrations WHERE version = '0007_webhook_tokens');
INSERT INTO schema_migrations (version, applied_at)
 VALUES ('0007_webhook_tokens', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'))
 ON CONFLICT DO NOTHING;
