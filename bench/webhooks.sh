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
start_sink

webhooks_bench() { # label, database url, port
  inbound_phase "$@"
  delivery_phase "$@"
}

table_header
webhooks_bench "SQLite" "sqlite://$WORK/data-18011/flux.db" 18011
fresh_database flux_bench_wh_$$
webhooks_bench "PostgreSQL" "$DB_URL" 18012
