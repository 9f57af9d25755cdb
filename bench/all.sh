#!/usr/bin/env bash
# Every row of issue 15's targets table, side by side, in one run on this machine:
#  GET client accounts straight to the Fincore emulator, through nginx (a plain reverse proxy,
#  2 workers, keepalive upstream), through Flux on SQLite and on PostgreSQL, and the p50 Flux
#  adds over nginx; money-out durable on SQLite and PostgreSQL; inbound MONEY_IN on PostgreSQL
#  for INBOUND_DURATION seconds, each queuing a delivery: the backlog; those deliveries drained
#  (the rate, and the first 10 % against the last 10 %);
#  the ledger on PostgreSQL against the plain FOR UPDATE baseline (bench/ledger.sh); cursor
#  pagination (bench/pagination.sh, when present); Flux's resident memory under the GET load.
# Works on a fresh checkout: installs wrk, jq and nginx from the Debian packages if missing and
# builds the release binaries. Everything runs in live mode against emulators started alone.
#   bash bench/all.sh                         # DURATION=10 s per wrk run: ~6 min
#   INBOUND_DURATION=40 bash bench/all.sh     # a larger backlog (the issue's 100k needs
#                                             # 100k ÷ the inbound rate seconds)
#   FLUX_BEFORE=/path/to/older/flux bash bench/all.sh  # adds its GET row, for a before/after
#   PAGINATION_ROWS=0 bash bench/all.sh       # without the 1M-row pagination run
set -euo pipefail
cd "$(dirname "$0")/.."
LOAD_AT_START=$(cut -d' ' -f1-3 /proc/loadavg)
export DURATION=${DURATION:-10}
source bench/lib.sh
start_sink
echo "load average at start: $LOAD_AT_START"
table_header

# --- GET client accounts: the same call four ways ------------------------------------------
start_nginx
start_flux "sqlite://$WORK/data-18001/flux.db" 18001
SQ_BASE=$BASE SQ_KEY=$KEY SQ_DEST=$DEST SQ_PID=$FLUX_PID
fresh_database flux_bench_all_$$
start_flux "$DB_URL" 18002
PG_BASE=$BASE PG_KEY=$KEY PG_DEST=$DEST PG_PID=$FLUX_PID
ACCOUNTS=/v1/clients/$CLIENT/accounts
FLUX_ACCOUNTS=/api/partners/clients/$CLIENT/accounts

wrk_summary "GET accounts, straight to the emulator" -H "Authorization: Bearer $TOKEN" "http://$EMU$ACCOUNTS"
DIRECT_RPS=$LAST_RPS DIRECT_P50=$(ms "$LAST_P50")
wrk_summary "GET accounts, through nginx" -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$NGINX_PORT$ACCOUNTS"
NGINX_RPS=$LAST_RPS NGINX_P50=$(ms "$LAST_P50")
wrk_summary "GET accounts, through Flux (SQLite)" -H "X-API-Key: $SQ_KEY" "$SQ_BASE$FLUX_ACCOUNTS"
SQ_RPS=$LAST_RPS SQ_P50=$(ms "$LAST_P50")
RSS=$(rss_of "$SQ_PID")
wrk_summary "GET accounts, through Flux (PostgreSQL)" -H "X-API-Key: $PG_KEY" "$PG_BASE$FLUX_ACCOUNTS"
PG_RPS=$LAST_RPS PG_P50=$(ms "$LAST_P50")
if [ -n "${FLUX_BEFORE:-}" ]; then # an older flux binary, for a before/after row on SQLite
  AFTER=$FLUX FLUX=$FLUX_BEFORE
  start_flux "sqlite://$WORK/data-18003/flux.db" 18003
  FLUX=$AFTER
  wrk_summary "GET accounts, through FLUX_BEFORE (SQLite)" -H "X-API-Key: $KEY" "$BASE$FLUX_ACCOUNTS"
  kill "$FLUX_PID"; wait "$FLUX_PID" 2>/dev/null || true
fi

# --- money-out, durable before its 201, a unique Idempotency-Key each ----------------------
KEY=$SQ_KEY DEST=$SQ_DEST wrk_summary "money-out, durable, Flux on SQLite" -s bench/money_out.lua "$SQ_BASE/api/partners/transactions/money-out"
MO_SQ=$LAST_RPS
KEY=$PG_KEY DEST=$PG_DEST wrk_summary "money-out, durable, Flux on PostgreSQL" -s bench/money_out.lua "$PG_BASE/api/partners/transactions/money-out"
MO_PG=$LAST_RPS
# Both Flux processes and nginx stop here (by pid), so that the rest runs without them.
for p in "$SQ_PID" "$PG_PID" "$NGINX_PID"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done

# --- inbound MONEY_IN on PostgreSQL, queuing a backlog; then the backlog delivered ---------
fresh_database flux_bench_all_wh_$$
inbound_phase "PostgreSQL" "$DB_URL" 18012
IN_PG=$LAST_RPS
delivery_phase "PostgreSQL, a backlog of $QUEUED" "$DB_URL" 18012

# --- the ledger against the plain baseline ---------------------------------------------------
LEDGER=$(LEDGER_QUICK=1 SECONDS_PER_RUN=$DURATION bash bench/ledger.sh)
echo "$LEDGER"
L_BASE=$(awk -F'|' '/baseline/ && /1,000/ {gsub(/ /, "", $4); print $4}' <<<"$LEDGER")
L_ENGINE=$(awk -F'|' '/flux-ledger on PostgreSQL / && /1,000/ {gsub(/ /, "", $4); print $4}' <<<"$LEDGER")

# --- cursor pagination (another session's script, when it is there) -------------------------
PAGINATION="see bench/pagination.sh"
if [ "${PAGINATION_ROWS:-1}" = 1 ]; then # PAGINATION_ROWS=0 skips it (seeding 1M rows takes minutes)
  echo "bench/pagination.sh:"
  bash bench/pagination.sh | tee "$WORK/pagination.txt"
  PAGINATION="see bench/pagination.sh's output above"
fi

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f×", a / b; else print "n/a" }'; }
row() { printf '| %-58s | %-30s | %-12s | %-22s |\n' "$@"; }
echo
echo "## issue 15 targets: DURATION=${DURATION}s per run, wrk -t2 -c$CONNS, backlog $QUEUED, load average at start $LOAD_AT_START"
row "measure" "measured" "ratio" "target"
row "---" "---:" "---:" "---:"
row "GET accounts, straight to the emulator" "$DIRECT_RPS/s, p50 $DIRECT_P50 ms" "" ""
row "GET accounts, through nginx" "$NGINX_RPS/s, p50 $NGINX_P50 ms" "" ""
row "GET accounts through Flux ÷ through nginx, SQLite" "$SQ_RPS/s, p50 $SQ_P50 ms" "$(ratio "$SQ_RPS" "$NGINX_RPS")" "≥ 0.70×"
row "same, PostgreSQL" "$PG_RPS/s, p50 $PG_P50 ms" "$(ratio "$PG_RPS" "$NGINX_RPS")" "≥ 0.60×"
row "p50 Flux adds over nginx, SQLite" "$(awk -v a="$SQ_P50" -v b="$NGINX_P50" 'BEGIN { printf "%.2f ms", a - b }')" "" "≤ 1 ms"
row "p50 Flux adds over nginx, PostgreSQL" "$(awk -v a="$PG_P50" -v b="$NGINX_P50" 'BEGIN { printf "%.2f ms", a - b }')" "" "(≤ 1 ms)"
row "money-out, durable, SQLite" "$MO_SQ/s" "$(ratio "$MO_SQ" 5000)" "≥ 5,000/s"
row "money-out, durable, PostgreSQL" "$MO_PG/s" "$(ratio "$MO_PG" 2500)" "≥ 2,500/s"
row "inbound MONEY_IN, PostgreSQL" "$IN_PG/s" "$(ratio "$IN_PG" 5000)" "≥ 5,000/s"
row "deliveries, PostgreSQL, $QUEUED backlog" "$DELIVERY_RATE/s" "$(ratio "$DELIVERY_RATE" 3000)" "≥ 3,000/s"
row "  last 10 % drained vs first 10 %" "$DELIVERY_TENTHS" "" "last ≥ first"
row "ledger, PostgreSQL, 1,000 random accounts, 1 per call" "$L_ENGINE/s vs baseline $L_BASE/s" "$(ratio "$L_ENGINE" "$L_BASE")" "≥ 5× baseline"
row "list page by cursor 10,000 pages deep vs page 1, 1M rows" "$PAGINATION" "" "≤ 2×"
row "Flux resident memory under the GET load (SQLite)" "$RSS" "" "≤ 100 MB"
