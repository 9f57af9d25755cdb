#!/usr/bin/env bash
# Where the engine's time goes on PostgreSQL: runs one engine bench (ledger_bench.rs) and, over a
# 4 s window in its middle, reads the CPU time of every PostgreSQL process and of the bench, and
# the machine's idle time. Prints throughput, µs of CPU per transfer on each side, and % idle.
#   bash bench/ledger_cpu.sh                 # 32 clients, 1,000 accounts
#   bash bench/ledger_cpu.sh --clients 64    # any ledger_bench option
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/services >/dev/null
PG=${FLUX_BENCH_PG:-postgres://postgres@127.0.0.1:5432}
cargo build --release --locked -q -p flux-ledger --example ledger_bench
B=${BIN:-target/release/examples/ledger_bench}
OUT=$(mktemp)
trap 'rm -f "$OUT"; psql -h 127.0.0.1 -U postgres -d test -qc "DROP DATABASE IF EXISTS flux_ledger_bench" >/dev/null 2>&1 || true' EXIT
psql -h 127.0.0.1 -U postgres -d test -qc "DROP DATABASE IF EXISTS flux_ledger_bench" >/dev/null 2>&1
psql -h 127.0.0.1 -U postgres -d test -qc "CREATE DATABASE flux_ledger_bench" >/dev/null
ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
pg_ticks() { local t=0; for p in $(pgrep -u postgres); do t=$((t + $(ticks "$p"))); done; echo "$t"; }
idle() { awk '/^cpu /{print $5 + $6}' /proc/stat; }
"$B" engine "$PG/flux_ledger_bench" --seconds 7 "$@" >"$OUT" &
bench=$!
sleep 4 # setup and warm-up
p0=$(pg_ticks); b0=$(ticks "$bench"); i0=$(idle)
sleep 4
p1=$(pg_ticks); b1=$(ticks "$bench"); i1=$(idle)
wait "$bench"
rate=$(jq -r .transfers_per_s "$OUT")
hz=$(getconf CLK_TCK)
python3 - "$rate" "$p0" "$p1" "$b0" "$b1" "$i0" "$i1" "$hz" <<'PY'
import sys
rate, p0, p1, b0, b1, i0, i1, hz = map(float, sys.argv[1:])
n = rate * 4
us = lambda t: t / hz * 1e6 / n
print(f"{rate:.0f} transfers/s  PostgreSQL {us(p1 - p0):.1f} us/transfer  "
      f"bench {us(b1 - b0):.1f} us/transfer  idle {(i1 - i0) / hz / 8 * 100:.0f}%")
PY
