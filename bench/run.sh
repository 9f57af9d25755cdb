#!/usr/bin/env bash
# Load benchmarks, all in one run on this machine so the figures compare side by side:
#  (a) GET client accounts through Flux vs the same call straight to the Fincore emulator;
#  (b) money-out with a unique Idempotency-Key per request, on SQLite and on PostgreSQL.
# Flux runs in live mode against the emulator started alone (as against a real Fincore), with
# logging, auditing and durable writes on, exactly as in production. wrk: 2 threads,
# 32 connections, DURATION seconds (default 20).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh

table_header

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

fresh_database flux_bench_$$
start_flux "$DB_URL" 18002
wrk_summary "(b) money-out, unique keys, Flux on PostgreSQL" -s bench/money_out.lua "$BASE/api/partners/transactions/money-out"
echo "raw wrk output was in $WORK (removed on exit)"
