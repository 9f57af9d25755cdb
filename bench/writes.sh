#!/usr/bin/env bash
# The durable write paths of issue 15, A/B: money-out on SQLite and on PostgreSQL, and inbound
# MONEY_IN on PostgreSQL, for two flux binaries alternated ROUNDS times in one run, each on a
# fresh database (this machine is too noisy for figures from separate runs to compare).
#   FLUX_BIN=target/release/flux FLUX_BEFORE=/path/to/older/flux bash bench/writes.sh
#   ROUNDS=3 DURATION=10 (defaults); without FLUX_BEFORE only FLUX_BIN (or the release build)
# Installs wrk and jq if missing; needs the webhook_sink example beside FLUX_BIN (built with it
# when FLUX_BIN is unset).
set -euo pipefail
cd "$(dirname "$0")/.."
LOAD_AT_START=$(cut -d' ' -f1-3 /proc/loadavg)
export DURATION=${DURATION:-10}
ROUNDS=${ROUNDS:-3}
source bench/lib.sh
start_sink
echo "load average at start: $LOAD_AT_START; FLUX=$FLUX; FLUX_BEFORE=${FLUX_BEFORE:-none}"
table_header

AFTER=$FLUX
one_round() { # label, flux binary, round
  FLUX=$2
  local port=$((18020 + 10 * $3)) label="$1 (round $3)"
  [ "$1" = before ] || port=$((port + 5))
  start_flux "sqlite://$WORK/data-$port/flux.db" "$port"
  wrk_summary "money-out, SQLite, $label" -s bench/money_out.lua "$BASE/api/partners/transactions/money-out"
  kill "$FLUX_PID"; wait "$FLUX_PID" 2>/dev/null || true
  fresh_database "flux_bench_writes_$$_$3_$1"
  start_flux "$DB_URL" $((port + 1))
  wrk_summary "money-out, PostgreSQL, $label" -s bench/money_out.lua "$BASE/api/partners/transactions/money-out"
  kill "$FLUX_PID"; wait "$FLUX_PID" 2>/dev/null || true
  fresh_database "flux_bench_inbound_$$_$3_$1"
  inbound_phase "PostgreSQL, $label" "$DB_URL" $((port + 2))
  FLUX=$AFTER
}

for round in $(seq 1 "$ROUNDS"); do
  [ -z "${FLUX_BEFORE:-}" ] || one_round before "$FLUX_BEFORE" "$round"
  one_round after "$AFTER" "$round"
done
