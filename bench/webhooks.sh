#!/usr/bin/env bash
# Webhook benchmarks, on SQLite and on PostgreSQL, in one run:
#  (c) Fincore MONEY_IN webhooks acknowledged per second: each a new id_msg, stored raw with
#      its money-in transaction and the partner's queued delivery in one durable commit before
#      the 200 (delivery is switched off in this phase so it does not compete for the CPU);
#  (d) deliveries per second from that outbox to a local receiver (webhook_sink): Flux is
#      restarted with delivery on and drains everything phase (c) queued, signing each.
# Flux runs in live mode against the emulator; the receiver's loopback address is allow-listed.
#
# BACKLOG (default 100000): phase (d) drains this many deliveries. Inbound at a few thousand per
# second would take minutes to queue them, so what phase (c) queued is topped up by SQL with
# copies of its first delivery (new ids, same body), with Flux stopped. Phase (d) reports the
# overall rate and that of the first and last 10 % of the deliveries, by the receiver's clock,
# and the dispatcher's deliveries per claim and claim latency (from /metrics).
# BACKENDS (default "sqlite postgres") picks the databases.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
start_sink
BACKLOG=${BACKLOG:-100000}

# Copies the first queued delivery until BACKLOG are pending (Flux is stopped); prints the count.
top_up() { # label, database url
  local copy="INSERT INTO webhook_deliveries (id, webhook_id, client_id, event_type, payload, status, attempts,
      next_attempt_at, created_at, updated_at)
    SELECT 'msg_seed_' || n, webhook_id, client_id, event_type, payload, 'pending', 0, next_attempt_at, created_at, updated_at
    FROM (SELECT * FROM webhook_deliveries ORDER BY seq LIMIT 1) AS d, seq_n
    WHERE n <= $BACKLOG - (SELECT COUNT(*) FROM webhook_deliveries WHERE status = 'pending')"
  local count="SELECT COUNT(*) FROM webhook_deliveries WHERE status = 'pending'"
  if [ "$1" = SQLite ]; then
    need sqlite3 sqlite3
    sqlite3 "${2#sqlite://}" "CREATE TEMP TABLE seq_n AS WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < $BACKLOG) SELECT n FROM s; $copy; $count;"
  else
    psql "$2" -qAt -c "CREATE TEMP TABLE seq_n AS SELECT generate_series(1, $BACKLOG) AS n" -c "$copy" \
      -c "VACUUM ANALYZE webhook_deliveries" -c "$count"
  fi
}

webhooks_bench() { # label, database url, port
  inbound_phase "$@"
  QUEUED=$(top_up "$1" "$2")
  delivery_phase "$@"
}

table_header
for backend in ${BACKENDS:-sqlite postgres}; do
  if [ "$backend" = sqlite ]; then
    webhooks_bench "SQLite" "sqlite://$WORK/data-18011/flux.db" 18011
  else
    fresh_database flux_bench_wh_$$
    webhooks_bench "PostgreSQL" "$DB_URL" 18012
  fi
done
