-- Partner webhook tokens are sealed from now on (see src/webhooks.rs), and every value of the
-- column carries a prefix saying how it is kept. The tokens stored before this migration are in
-- clear: mark them "plain:" (Flux seals them at its next start). The marking is guarded by this
-- migration's own schema_migrations row, written in the same transaction, so that a second
-- process migrating at the same moment cannot mark a token twice.
BEGIN IMMEDIATE;
UPDATE webhooks SET token = 'plain:' || token
 WHERE NOT EXISTS (SELECT 1 FROM schema_migrations WHERE version = '0007_webhook_tokens');
INSERT INTO schema_migrations (version, applied_at)
 VALUES ('0007_webhook_tokens', strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) ON CONFLICT DO NOTHING;
COMMIT;
