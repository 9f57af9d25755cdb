#!/usr/bin/env bash
# Where Flux's time goes on the GET hot path: `perf record` (software cpu-clock, so it works
# where hardware counters do not) on a release Flux serving GET client accounts under wrk, in
# live mode against the Fincore emulator, as bench/all.sh runs it. Prints the top symbols by
# self time and the top call chains by inclusive time, Flux's process only.
#   bash bench/profile_get.sh                       # SQLite, DURATION=10
#   DATABASE=postgres bash bench/profile_get.sh     # PostgreSQL
# Installs wrk, jq and linux-perf if missing. The perf data stays in $WORK when KEEP_WORK=1.
set -euo pipefail
cd "$(dirname "$0")/.."
export DURATION=${DURATION:-10}
source bench/lib.sh
need perf linux-perf
if [ "${DATABASE:-sqlite}" = postgres ]; then
  fresh_database flux_bench_profile_$$
  start_flux "$DB_URL" 18001
else
  start_flux "sqlite://$WORK/data-18001/flux.db" 18001
fi
URL="$BASE/api/partners/clients/$CLIENT/accounts"
wrk -t2 -c"$CONNS" -d2s -H "X-API-Key: $KEY" "$URL" >/dev/null # warm up
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; } # utime + stime, in clock ticks
EMU_PID=${PIDS[0]}
F0=$(cpu_ticks "$FLUX_PID") E0=$(cpu_ticks "$EMU_PID")
# CALL_GRAPH=dwarf resolves Rust frames (release builds have no frame pointers), at a cost.
# PERF=0: no profile, only the rate and the CPU per request (perf itself costs some).
if [ "${PERF:-1}" = 1 ]; then
  perf record -q -e cpu-clock -F "${FREQ:-999}" --call-graph "${CALL_GRAPH:-fp}" -p "$FLUX_PID" -o "$WORK/perf.data" -- sleep "$DURATION" 2>/dev/null &
else
  sleep "$DURATION" &
fi
RECORDER=$!
OUT=$(wrk -t2 -c"$CONNS" -d"${DURATION}s" --latency -H "X-API-Key: $KEY" "$URL")
wait "$RECORDER" || true
grep -E "requests in|Requests/sec|50%|99%" <<<"$OUT"
N=$(awk '/requests in/ {print $1}' <<<"$OUT")
HZ=$(getconf CLK_TCK)
awk -v f=$(( $(cpu_ticks "$FLUX_PID") - F0 )) -v e=$(( $(cpu_ticks "$EMU_PID") - E0 )) -v n="$N" -v hz="$HZ" \
  'BEGIN { printf "CPU per request: Flux %.0f us, the emulator %.0f us\n", f / hz * 1e6 / n, e / hz * 1e6 / n }'
[ "${PERF:-1}" = 1 ] || exit 0
report() { perf report -i "$WORK/perf.data" --stdio --sort "${2:-symbol}" $1 2>/dev/null | grep -E '^ +[0-9]' | sed 's/  */ /g' | cut -c1-160; }
echo "--- self time by library ---"; report "--no-children" dso | head -8
echo "--- self time, top 40 symbols ---"; report "--no-children" | head -40
echo "--- inclusive time, top 80 Rust and C frames ---"; report "--children -g none" | grep '\[\.\]' | head -80
