#!/usr/bin/env bash
# Remittances created per second, durably, through Flux on SQLite and on PostgreSQL, each side
# by side with the same remittances created straight at the Félix emulator, in one run:
#  (e) direct: POST /api/v1/transactions at the emulator with a signed-in JWT and a unique
#      external_transaction_id per request;
#  (e) Flux: POST /api/partners/clients/{id}/remittances with a unique Idempotency-Key per
#      request. Each answer is a 201 only after the key's claim, the remittance's intent and
#      Félix's answer (with the key's stored response and the audit record) are committed.
# The Félix emulator runs alone (`flux sandbox felix`, in memory), a fresh one for each store so
# that neither run inherits the other's remittances; the Fincore emulator runs alone as in
# bench/run.sh (Flux needs a client); Flux runs in live mode against both, as against the real
# providers. On SQLite the pair is run again with 20 ms of latency injected into the emulator
# (e'). wrk: 2 threads, CONNS connections (32), DURATION seconds (20).
#   bash bench/remittances.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
DB=flux_bench_rem_$$
trap 'cleanup; psql -h 127.0.0.1 -U postgres -d test -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true' EXIT

FELIX=127.0.0.1:18300
FELIX_EMAIL=sandbox@felix.test
FELIX_PASSWORD=sandbox-demo-password
start_felix() { # a fresh Félix emulator, alone; sets FELIX_TOKEN
  if [ -n "${FELIX_PID:-}" ]; then kill "$FELIX_PID"; wait "$FELIX_PID" 2>/dev/null || true; fi
  "$FLUX" sandbox felix --addr $FELIX >>"$WORK/felix.log" 2>&1 &
  FELIX_PID=$!
  PIDS+=("$FELIX_PID")
  local signin="{\"email\":\"$FELIX_EMAIL\",\"password\":\"$FELIX_PASSWORD\"}"
  until curl -sf -o /dev/null -X POST "http://$FELIX/api/v1/signin" -H 'content-type: application/json' -d "$signin"; do
    kill -0 "$FELIX_PID" 2>/dev/null || { echo "the Félix emulator exited:" >&2; tail -5 "$WORK/felix.log" >&2; exit 1; }
    sleep 0.2
  done
  FELIX_TOKEN=$(curl -s -X POST "http://$FELIX/api/v1/signin" -H 'content-type: application/json' -d "$signin" | jq -r .id_token)
}

remittances_bench() { # label, database url, port
  start_felix
  MODE=direct TOKEN=$FELIX_TOKEN wrk_summary "(e) remittances, straight to the emulator" -s bench/remittances.lua "http://$FELIX/api/v1/transactions"
  local direct=$LAST_RPS
  FLUX_FELIX_URL=http://$FELIX FLUX_FELIX_EMAIL=$FELIX_EMAIL FLUX_FELIX_PASSWORD=$FELIX_PASSWORD start_flux "$2" "$3"
  # One by hand first: a setup problem shows here as a message, not as a column of non-2xx.
  local first
  first=$(curl -s -w ' %{http_code}' -X POST "$BASE/api/partners/clients/$CLIENT/remittances" -H "X-API-Key: $KEY" \
    -H 'content-type: application/json' -H "Idempotency-Key: bench-first-$3" --data-binary @- < <(sed -n 's/^local flux_body = \[\[\(.*\)\]\]$/\1/p' bench/remittances.lua))
  [ "${first##* }" = 201 ] || { echo "a remittance through Flux failed: $first" >&2; exit 1; }
  MODE=flux wrk_summary "(e) remittances through Flux ($1)" -s bench/remittances.lua "$BASE/api/partners/clients/$CLIENT/remittances"
  local flux=$LAST_RPS
  keeps "$1" "$flux" "$direct"
  if [ "$1" = SQLite ]; then
    # The same with 20 ms of provider latency injected into the emulator (a real Félix is a
    # network round trip away): what a partner sees is then bound by the provider, not by CPU.
    curl -sf -o /dev/null -X PUT "http://$FELIX/_emulator/faults" -H 'content-type: application/json' -d '{"latency_ms": 20}'
    MODE=direct TOKEN=$FELIX_TOKEN wrk_summary "(e') remittances, emulator +20 ms, direct" -s bench/remittances.lua "http://$FELIX/api/v1/transactions"
    direct=$LAST_RPS
    MODE=flux wrk_summary "(e') remittances, emulator +20 ms, through Flux ($1)" -s bench/remittances.lua "$BASE/api/partners/clients/$CLIENT/remittances"
    keeps "$1, +20 ms" "$LAST_RPS" "$direct"
    curl -sf -o /dev/null -X PUT "http://$FELIX/_emulator/faults" -H 'content-type: application/json' -d '{}'
  fi
  kill "$FLUX_PID"; wait "$FLUX_PID" 2>/dev/null || true
}

keeps() { # label, Flux's rate, the direct rate
  echo "    ($1: Flux keeps $(awk -v f="$2" -v d="$3" 'BEGIN { printf "%.0f", 100 * f / d }') % of the direct rate)"
}

table_header
echo "load average before the run: $(cut -d' ' -f1-3 /proc/loadavg) (anything else using the 2 cores skews every row)"
remittances_bench "SQLite" "sqlite://$WORK/data-18021/flux.db" 18021
psql -h 127.0.0.1 -U postgres -d test -qc "CREATE DATABASE $DB" >/dev/null
remittances_bench "PostgreSQL" "postgres://postgres@127.0.0.1:5432/$DB" 18022
