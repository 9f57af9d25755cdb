#!/usr/bin/env bash
# Durable two-leg transfers per second: the flux-ledger engine on SQLite and on PostgreSQL,
# against a plain PostgreSQL ledger (SELECT … FOR UPDATE on both accounts, one transaction per
# transfer). 32 closed-loop clients, 1,000 accounts, then one hot account. Every transfer is
# committed (fsync'd) before its client sends the next.
#   bash bench/ledger.sh            # 10 s per run
#   SECONDS_PER_RUN=5 bash bench/ledger.sh
#   LEDGER_QUICK=1 bash bench/ledger.sh  # only the issue-15 pair: baseline and engine on
#                                        # PostgreSQL, 1,000 random accounts, 1 per call
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/services >/dev/null
S=${SECONDS_PER_RUN:-10}
PG=${FLUX_BENCH_PG:-postgres://postgres@127.0.0.1:5432}
nice -n 10 cargo build --release --locked -q -p flux-ledger --example ledger_bench
B=target/release/examples/ledger_bench
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"; psql -h 127.0.0.1 -U postgres -d test -qc "DROP DATABASE IF EXISTS flux_ledger_bench" >/dev/null 2>&1 || true' EXIT
fresh_pg() {
  psql -h 127.0.0.1 -U postgres -d test -qc "DROP DATABASE IF EXISTS flux_ledger_bench" >/dev/null 2>&1
  psql -h 127.0.0.1 -U postgres -d test -qc "CREATE DATABASE flux_ledger_bench" >/dev/null
}
echo "| run | accounts | transfers/s |"
echo "|---|---|---|"
for hot in "" "--hot"; do
  label=${hot:+one hot account}; label=${label:-1,000 accounts}
  fresh_pg; r=$($B baseline "$PG/flux_ledger_bench" $hot --seconds "$S" | jq -r .transfers_per_s)
  echo "| plain PostgreSQL baseline (FOR UPDATE, txn per transfer) | $label | $r |"
  fresh_pg; r=$($B engine "$PG/flux_ledger_bench" $hot --seconds "$S" | jq -r .transfers_per_s)
  echo "| flux-ledger on PostgreSQL | $label | $r |"
  [ -z "${LEDGER_QUICK:-}" ] || break
  r=$($B engine "$WORK/ledger-${hot:-cold}.db" $hot --seconds "$S" | jq -r .transfers_per_s)
  echo "| flux-ledger on SQLite | $label | $r |"
  fresh_pg; r=$($B engine "$PG/flux_ledger_bench" $hot --seconds "$S" --per-call 16 | jq -r .transfers_per_s)
  echo "| flux-ledger on PostgreSQL, 16 transfers per call | $label | $r |"
  r=$($B engine "$WORK/ledger-b${hot:-cold}.db" $hot --seconds "$S" --per-call 16 | jq -r .transfers_per_s)
  echo "| flux-ledger on SQLite, 16 transfers per call | $label | $r |"
done
