#!/usr/bin/env bash
# Webhook benchmarks, on SQLite and on PostgreSQL, in one run:
#  (c) Fincore MONEY_IN webhooks acknowledged per second: each a new id_msg, stored raw with
#      its money-in transaction and the partner's queued delivery in one durable commit before
#      the 200 (delivery is switched off in this phase so it does not compete for the CPU);
#  (d) deliveries per second from that outbox to a local receiver (webhook_sink): Flux is
#      restarted with delivery on and drains everything phase (c) queued, signing each.
# Flux runs in live mode against the emulator; the receiver's loopback address is allow-listed.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
SINK=127.0.0.1:18200
"$PWD/target/release/examples/webhook_sink" $SINK >"$WORK/sink.log" 2>&1 &
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
  local queued=$LAST_OK
  kill "$FLUX_PID"; wait "$FLUX_PID" 2>/dev/null || true
  curl -sf -X DELETE "http://$SINK/stats"
  FLUX_FINCORE_WEBHOOK_TOKEN=$INBOUND_TOKEN FLUX_WEBHOOK_ALLOWED_PRIVATE_HOSTS=127.0.0.1 serve_flux "$2" "$3"
  local deadline=$((SECONDS + 300)) count=0
  while (( count < queued && SECONDS < deadline )); do
    sleep 0.5
    count=$(curl -s "http://$SINK/stats" | jq -r .count)
  done
  local span; span=$(curl -s "http://$SINK/stats" | jq -r .span_s)
  local rate; rate=$(awk -v n="$count" -v s="$span" 'BEGIN { if (s > 0) printf "%.2f", (n - 1) / s; else print "n/a" }')
  printf '| %-52s | %10s | %9s | %9s | %7s |\n' "(d) deliveries to a local receiver, $1" "$rate" "-" "-" "$((queued - count))"
  echo "    ($1: $queued queued, $count delivered in ${span}s; the last column counts undelivered)"
  kill "$FLUX_PID"; wait "$FLUX_PID" 2>/dev/null || true
}

table_header
webhooks_bench "SQLite" "sqlite://$WORK/data-18011/flux.db" 18011
DB=flux_bench_wh_$$
psql -h 127.0.0.1 -U postgres -d test -qc "CREATE DATABASE $DB" >/dev/null
webhooks_bench "PostgreSQL" "postgres://postgres@127.0.0.1:5432/$DB" 18012
sleep 1
psql -h 127.0.0.1 -U postgres -d test -qc "DROP DATABASE $DB WITH (FORCE)" >/dev/null
