#!/usr/bin/env bash
# Load benchmarks, all in one run on this machine so the figures compare side by side:
#  (a) GET client accounts through Flux vs the same call straight to the Fincore emulator;
#  (b) money-out with a unique Idempotency-Key per request, on SQLite and on PostgreSQL.
# Flux runs in live mode against the emulator started alone (as against a real Fincore), with
# logging, auditing and durable writes on, exactly as in production. wrk: 2 threads,
# 32 connections, DURATION seconds (default 20).
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-20}
CONNS=${CONNS:-32}
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
command -v jq >/dev/null || { apt-get update -qq && apt-get install -y -qq jq >/dev/null; }
./scripts/services
cargo build --release -p flux -q
FLUX=$PWD/target/release/flux
WORK=$(mktemp -d)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT

EMU=127.0.0.1:18100
"$FLUX" sandbox fincore --addr $EMU >"$WORK/emulator.log" 2>&1 &
PIDS+=($!)
CLIENT=205ae70f-ab7e-4b8d-85be-ac16f47c8983
until curl -sf -o /dev/null -X POST "http://$EMU/v1/clients/$CLIENT/auth/credential-tokens" -H 'x-api-key: fincore-sandbox-api-key' -H 'content-type: application/json' -d "{\"client_id\":\"$CLIENT\",\"client_secret\":\"sandbox-demo-secret\"}"; do sleep 0.2; done
TOKEN=$(curl -s -X POST "http://$EMU/v1/clients/$CLIENT/auth/credential-tokens" -H 'x-api-key: fincore-sandbox-api-key' -H 'content-type: application/json' -d "{\"client_id\":\"$CLIENT\",\"client_secret\":\"sandbox-demo-secret\"}" | jq -r .token)

wrk_summary() { # name, then wrk args
  local name=$1; shift
  local out; out=$(wrk -t2 -c"$CONNS" -d"${DURATION}s" --latency "$@" 2>&1)
  local rps p50 p99 non2xx
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  non2xx=$(awk '/Non-2xx/ {print $NF}' <<<"$out"); non2xx=${non2xx:-0}
  printf '| %-52s | %10s | %9s | %9s | %7s |\n' "$name" "$rps" "$p50" "$p99" "$non2xx"
  echo "$out" >"$WORK/$(tr ' /()' '____' <<<"$name").txt"
}

start_flux() { # database url, port
  local dir="$WORK/data-$2"; mkdir -p "$dir"
  FLUX_FINCORE_URL=http://$EMU FLUX_FINCORE_API_KEY=fincore-sandbox-api-key \
  FLUX_RATE_LIMIT_PER_SECOND=1000000 FLUX_RATE_LIMIT_BURST=1000000 \
    "$FLUX" serve --addr 127.0.0.1:"$2" --data-dir "$dir" --database-url "$1" >"$WORK/flux-$2.out" 2>"$WORK/flux-$2.log" &
  PIDS+=($!)
  until curl -sf -o /dev/null "http://127.0.0.1:$2/readyz"; do sleep 0.2; done
  local partner; partner=$("$FLUX" partner create --name bench --data-dir "$dir" --database-url "$1")
  FLUX_CLIENT_SECRET=sandbox-demo-secret "$FLUX" partner add-client --partner "$partner" --client-id $CLIENT --data-dir "$dir" --database-url "$1" >/dev/null
  KEY=$("$FLUX" key create --partner "$partner" --data-dir "$dir" --database-url "$1" 2>/dev/null)
  BASE=http://127.0.0.1:$2
  SOURCE=$(curl -s "$BASE/api/partners/clients/$CLIENT/accounts" -H "X-API-Key: $KEY" | jq -r '.data[0].instrument_id')
  DEST=$(curl -s -X POST "$BASE/api/partners/clients/$CLIENT/instruments" -H "X-API-Key: $KEY" -H 'content-type: application/json' -d "{\"instrumentKind\":\"debit_card\",\"source_bank_id\":\"9d84b03a-28d1-4898-a69c-38824239e2b1\",\"client_id\":\"$CLIENT\",\"type\":\"RECEIVER\",\"rfc\":\"ND\",\"alias\":\"bench\",\"debit_card\":{\"destination_bank_id\":\"3054ff18-32a0-478d-b9fe-b5261f9a6e1f\",\"card_number\":\"4772130000000003\",\"holder_name\":\"Bench\"}}" | jq -r .id)
  export KEY SOURCE DEST CLIENT
}

echo "date: $(date -u +%Y-%m-%dT%H:%MZ); machine: $(nproc) cores, $(free -g | awk '/Mem/ {print $2}') GiB; wrk -t2 -c$CONNS -d${DURATION}s"
printf '| %-52s | %10s | %9s | %9s | %7s |\n' "benchmark" "req/s" "p50" "p99" "non-2xx"
printf '|%s|%s|%s|%s|%s|\n' "$(printf -- '-%.0s' {1..54})" "------------" "-----------" "-----------" "---------"

start_flux "sqlite://$WORK/data-18001/flux.db" 18001
wrk_summary "(a) GET accounts, straight to the emulator" -H "Authorization: Bearer $TOKEN" "http://$EMU/v1/clients/$CLIENT/accounts"
wrk_summary "(a) GET accounts through Flux (SQLite)" -H "X-API-Key: $KEY" "$BASE/api/partners/clients/$CLIENT/accounts"
wrk_summary "(b) money-out, unique keys, Flux on SQLite" -s bench/money_out.lua "$BASE/api/partners/transactions/money-out"
# The same GET with 20 ms of provider latency injected into the emulator (a real provider is a
# network round trip away): what a partner sees is then bound by the provider, not by CPU.
curl -sf -X PUT "http://$EMU/_emulator/faults" -H 'content-type: application/json' -d '{"latency_ms": 20}' >/dev/null
wrk_summary "(a') GET accounts, emulator +20 ms, direct" -H "Authorization: Bearer $TOKEN" "http://$EMU/v1/clients/$CLIENT/accounts"
wrk_summary "(a') GET accounts, emulator +20 ms, through Flux" -H "X-API-Key: $KEY" "$BASE/api/partners/clients/$CLIENT/accounts"
curl -sf -X PUT "http://$EMU/_emulator/faults" -H 'content-type: application/json' -d '{}' >/dev/null

DB=flux_bench_$$
psql -h 127.0.0.1 -U postgres -d test -qc "CREATE DATABASE $DB" >/dev/null
start_flux "postgres://postgres@127.0.0.1:5432/$DB" 18002
wrk_summary "(b) money-out, unique keys, Flux on PostgreSQL" -s bench/money_out.lua "$BASE/api/partners/transactions/money-out"
for p in "${PIDS[@]:1}"; do kill "$p" 2>/dev/null || true; done
sleep 1
psql -h 127.0.0.1 -U postgres -d test -qc "DROP DATABASE $DB WITH (FORCE)" >/dev/null
echo "raw wrk output was in $WORK (removed on exit)"
