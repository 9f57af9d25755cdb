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
SINK=127.0.0.1:18200
"$BIN/examples/webhook_sink" $SINK >"$WORK/sink.log" 2>&1 &
PIDS+=($!)
until curl -sf -o /dev/null "http://$SINK/stats"; do sleep 0.1; done
export INBOUND_TOKEN=bench-inbound-token

webhooks_bench() { # label, database url, port
  FLUX_WEBHOOK_WORKERS=0 FLUX_FINCORE_WEBHOOK_TOKEN=$INBOUND_TOKEN FLUX_WEBHOOK_ALLOWED_PRIVATE_HOSTS=127.0.0.1 \
    start_flux "$2" "$3"
  CLABE=$(curl -s "$BASE/api/partners/clients/$CLIENT/accounts" -H "X-API-Key: $KEY" | jq -r '.data[0].clabe')
  export CLABE
  curl -sf -o /dev/null -X POST "$BASE/api/partners/clients/$CLIENT/webhooks" -H "X-API-Key: $KEY" -H 'content-type: application/json' \
    -d "{\"client_id\":\"$CLIENT\",\"url\":\"http://$SINK/hooks\",\"token\":\"bench-partner-token\",\"webhook_type\":\"MONEY_IN\"}"
  wrk_summary "(c) inbound MONEY_IN acked durably, $1" -s bench/inbound_money_in.lua "$BASE/api/webhooks/money-in"
  kill "$FLUX_PID"; wait "$FLUX_PID" 2>/dev/null || true
  local queued; queued=$(top_up "$1" "$2")
  curl -sf -X DELETE "http://$SINK/stats"
  FLUX_FINCORE_WEBHOOK_TOKEN=$INBOUND_TOKEN FLUX_WEBHOOK_ALLOWED_PRIVATE_HOSTS=127.0.0.1 serve_flux "$2" "$3"
  local deadline=$((SECONDS + ${DRAIN_TIMEOUT:-900})) count=0
  while (( count < queued && SECONDS < deadline )); do
    sleep 0.5
    count=$(curl -s "http://$SINK/stats" | jq -r .count)
  done
  local span; span=$(curl -s "http://$SINK/stats" | jq -r .span_s)
  local rate; rate=$(awk -v n="$count" -v s="$span" 'BEGIN { if (s > 0) printf "%.2f", (n - 1) / s; else print "n/a" }')
  printf '| %-52s | %10s | %9s | %9s | %7s |\n' "(d) deliveries to a local receiver, $1" "$rate" "-" "-" "$((queued - count))"
  echo "    ($1: $queued queued, $count delivered in ${span}s; the last column counts undelivered)"
  curl -s "http://$SINK/stats" | jq -r --arg b "$1" '"    (\($b): first 10 % at \(.first10_per_s | floor)/s, last 10 % at \(.last10_per_s | floor)/s)"'
  curl -s "$BASE/metrics" | awk -v b="$1" '
    /^flux_webhook_claim_size_sum/ {ss=$2} /^flux_webhook_claim_size_count/ {sc=$2}
    /^flux_webhook_claim_duration_seconds_sum/ {ds=$2}
    END { if (sc > 0) printf "    (%s: %d claims, %.1f deliveries per claim, %.2f ms per claim)\n", b, sc, ss/sc, 1000*ds/sc }'
  kill "$FLUX_PID"; wait "$FLUX_PID" 2>/dev/null || true
}

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
    sqlite3 "${2#sqlite://}" "CREATE TEMP TABLE seq_n AS WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < $BACKLOG) SELECT n FROM s; $copy; $count;"
  else
    psql "$2" -qAt -c "CREATE TEMP TABLE seq_n AS SELECT generate_series(1, $BACKLOG) AS n" -c "$copy" \
      -c "VACUUM ANALYZE webhook_deliveries" -c "$count"
  fi
}

table_header
for backend in ${BACKENDS:-sqlite postgres}; do
  if [ "$backend" = sqlite ]; then
    webhooks_bench "SQLite" "sqlite://$WORK/data-18011/flux.db" 18011
  else
    DB=flux_bench_wh_$$
    psql -h 127.0.0.1 -U postgres -d test -qc "CREATE DATABASE $DB" >/dev/null
    webhooks_bench "PostgreSQL" "postgres://postgres@127.0.0.1:5432/$DB" 18012
    sleep 1
    psql -h 127.0.0.1 -U postgres -d test -qc "DROP DATABASE $DB WITH (FORCE)" >/dev/null
  fi
done
