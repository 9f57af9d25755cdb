#!/usr/bin/env bash
# Costs that stay flat as data grows (issue 15): 1,000,000 transactions of one client and
# 1,000,000 audit records, seeded in bulk into a Flux SQLite store and a PostgreSQL database whose
# schema the flux binary itself migrated (one `flux serve` start), then:
#   - GET transactions: page 1 (OFFSET, with COUNT(*)), the page after a cursor 1 page deep and
#     10,000 pages deep (keyset), and page=10000 (OFFSET), per_page 50 (the default); the median
#     of RUNS sequential curl timings each;
#   - wall time and max RSS (/usr/bin/time -v) of `flux audit verify` and `flux ledger verify`.
# Usage: bash bench/pagination.sh   (ROWS=1000000 RUNS=30 DEEP=10000 by default; KEEP_WORK=1
# keeps the data; FLUX_BIN=path skips the release build, for a quick try with small ROWS/DEEP)
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${ROWS:-1000000}
RUNS=${RUNS:-30}
DEEP=${DEEP:-10000}
CLIENT=205ae70f-ab7e-4b8d-85be-ac16f47c8983
command -v sqlite3 >/dev/null || { apt-get update -qq && apt-get install -y -qq sqlite3 >/dev/null; }
./scripts/services
if [ -z "${FLUX_BIN:-}" ]; then cargo build --release -p flux -q --bin flux; fi
FLUX=${FLUX_BIN:-$PWD/target/release/flux}
WORK=$(mktemp -d)
PG_DB=flux_pagination_$$
FLUX_PID=
cleanup() {
  [ -n "$FLUX_PID" ] && kill "$FLUX_PID" 2>/dev/null && wait "$FLUX_PID" 2>/dev/null
  psql -h 127.0.0.1 -U postgres -d test -qc "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)" >/dev/null 2>&1 || true
  [ -n "${KEEP_WORK:-}" ] || rm -rf "$WORK"
}
trap cleanup EXIT

serve() { # data dir, database url, port: Flux in sandbox mode, ready
  FLUX_RATE_LIMIT_PER_SECOND=1000000 FLUX_RATE_LIMIT_BURST=1000000 \
    "$FLUX" serve --addr 127.0.0.1:"$3" --data-dir "$1" --database-url "$2" >"$1/serve.log" 2>&1 &
  FLUX_PID=$!
  until curl -sf -o /dev/null "http://127.0.0.1:$3/readyz" && [ -s "$1/demo-api-key" ]; do
    kill -0 "$FLUX_PID" 2>/dev/null || { tail -5 "$1/serve.log" >&2; exit 1; }
    sleep 0.2
  done
}
stop() { kill "$FLUX_PID"; wait "$FLUX_PID" 2>/dev/null || true; FLUX_PID=; }

# The n-th newest seeded transaction (n from 1): its id is derived from n, so a cursor any number
# of pages deep is known without walking there. created_at falls 1 ms per row into the past.
tx_id() { printf '%08x-0000-4000-8000-%012x' "$1" "$1"; }

# Audit records with a valid hash chain continuing from the store's head, as CSV on stdout (the
# chain is sequential, so it is computed here rather than in SQL). Same canonical JSON as
# flux_store::chain_hash.
audit_csv() { # head seq, head hash
  python3 - "$1" "$2" "$ROWS" "$WORK/audit.head" <<'PY'
import csv, hashlib, json, sys, time
seq, prev, rows = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
at = int(time.time() * 1e6) - rows * 1000
w = csv.writer(sys.stdout, lineterminator="\n")
for i in range(rows):
    seq += 1
    at += 1000
    rec = [seq, at, None, None, "GET", "/api/partners/banks", 200, 150, "req-%d" % seq, None, None, None]
    h = hashlib.sha256((prev + "\n" + json.dumps(rec, separators=(",", ":"))).encode()).hexdigest()
    w.writerow([seq, at, "", "", "GET", "/api/partners/banks", 200, 150, "req-%d" % seq, "", "", "", prev, h])
    prev = h
open(sys.argv[4], "w").write("#HEAD,%d,%s\n" % (seq, prev))
PY
}

seed_sqlite() { # db file
  local db=$1 head seq hash
  sqlite3 "$db" <<SQL
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $ROWS)
INSERT INTO transactions (id, partner_id, client_id, kind, status, amount, currency, provider,
  provider_reference, created_at, updated_at)
SELECT printf('%08x-0000-4000-8000-%012x', i, i),
  (SELECT partner_id FROM clients WHERE client_id = '$CLIENT'), '$CLIENT', 'MONEY_OUT', 'COMPLETED',
  '10.00', 'MXN', 'fincore', 'bench-' || i,
  CAST(strftime('%s','now') AS INTEGER) * 1000000 - i * 1000,
  CAST(strftime('%s','now') AS INTEGER) * 1000000 - i * 1000
FROM n;
COMMIT;
SQL
  head=$(sqlite3 -separator ' ' "$db" "SELECT seq, hash FROM audit_head WHERE id = 1")
  read -r seq hash <<<"$head"
  audit_csv "$seq" "$hash" >"$WORK/audit.csv"
  sqlite3 "$db" <<SQL
CREATE TEMP TABLE a (seq INTEGER, at INTEGER, partner_id TEXT, key_prefix TEXT, method TEXT,
  path TEXT, status INTEGER, latency_us INTEGER, request_id TEXT, correlation_id TEXT,
  request_body TEXT, response_body TEXT, prev_hash TEXT, hash TEXT);
.mode csv
.import $WORK/audit.csv a
BEGIN;
INSERT INTO audit_log SELECT seq, at, NULLIF(partner_id, ''), NULLIF(key_prefix, ''), method, path,
  status, latency_us, request_id, NULLIF(correlation_id, ''), NULLIF(request_body, ''),
  NULLIF(response_body, ''), prev_hash, hash FROM a;
UPDATE audit_head SET seq = $(cut -d, -f2 "$WORK/audit.head"), hash = '$(cut -d, -f3 "$WORK/audit.head")' WHERE id = 1;
COMMIT;
ANALYZE;
SQL
}

seed_postgres() { # database url
  local url=$1 head seq hash
  psql "$url" -q <<SQL
INSERT INTO transactions (id, partner_id, client_id, kind, status, amount, currency, provider,
  provider_reference, created_at, updated_at)
SELECT format('%s-0000-4000-8000-%s', lpad(to_hex(i), 8, '0'), lpad(to_hex(i), 12, '0')),
  (SELECT partner_id FROM clients WHERE client_id = '$CLIENT'), '$CLIENT', 'MONEY_OUT', 'COMPLETED',
  '10.00', 'MXN', 'fincore', 'bench-' || i,
  (extract(epoch FROM now())::bigint * 1000000) - i * 1000,
  (extract(epoch FROM now())::bigint * 1000000) - i * 1000
FROM generate_series(1, $ROWS) AS i;
SQL
  head=$(psql "$url" -At -F ' ' -c "SELECT seq, hash FROM audit_head WHERE id = 1")
  read -r seq hash <<<"$head"
  audit_csv "$seq" "$hash" >"$WORK/audit.csv"
  psql "$url" -q <<SQL
BEGIN;
\copy audit_log (seq, at, partner_id, key_prefix, method, path, status, latency_us, request_id, correlation_id, request_body, response_body, prev_hash, hash) FROM '$WORK/audit.csv' WITH (FORMAT csv)
UPDATE audit_head SET seq = $(cut -d, -f2 "$WORK/audit.head"), hash = '$(cut -d, -f3 "$WORK/audit.head")' WHERE id = 1;
COMMIT;
VACUUM ANALYZE transactions;
VACUUM ANALYZE audit_log;
SQL
}

median_ms() { # url, key: median of RUNS sequential requests, in ms
  local i
  for i in $(seq "$RUNS"); do
    curl -s -o /dev/null -w '%{http_code} %{time_total}\n' -H "X-API-Key: $2" "$1"
  done | awk '$1 != 200 { bad = 1 } { print $2 * 1000 } END { if (bad) print "non-200" > "/dev/stderr" }' |
    sort -n | awk '{ a[NR] = $1 } END { printf "%.2f", a[int((NR + 1) / 2)] }'
}

timed() { # label, then the command: wall time, max RSS in MB, and the command's last line
  local label=$1; shift
  /usr/bin/time -v -o "$WORK/time.txt" "$@" >"$WORK/said.txt" 2>&1 || true
  local wall rss
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$WORK/time.txt")
  rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2 / 1024}' "$WORK/time.txt")
  printf '| %-34s | %12s | %12s MB | %s |\n' "$label" "$wall" "$rss" "$(tail -1 "$WORK/said.txt" | cut -c1-90)"
}

measure() { # backend name, data dir, database url, port
  local name=$1 dir=$2 url=$3 port=$4 key base p1 c1 c10k o10k
  serve "$dir" "$url" "$port"
  key=$(cat "$dir/demo-api-key")
  base="http://127.0.0.1:$port/api/partners/clients/$CLIENT/transactions"
  curl -sf -o /dev/null -H "X-API-Key: $key" "$base"  # warm the caches once
  p1=$(median_ms "$base" "$key")
  c1=$(median_ms "$base?starting_after=$(tx_id 50)" "$key")
  c10k=$(median_ms "$base?starting_after=$(tx_id $((DEEP * 50)))" "$key")
  o10k=$(median_ms "$base?page=$DEEP" "$key")
  # Same rows either way: the page after the cursor DEEP pages deep is page DEEP + 1.
  [ "$(curl -s -H "X-API-Key: $key" "$base?starting_after=$(tx_id $((DEEP * 50)))" | jq -c '[.data[].id]')" = \
    "$(curl -s -H "X-API-Key: $key" "$base?page=$((DEEP + 1))" | jq -c '[.data[].id]')" ] || { echo "cursor and offset disagree" >&2; exit 1; }
  stop
  printf '| %-10s | %9s | %13s | %16s | %12s | %17s | %19s |\n' "$name" "$p1" "$c1" "$c10k" "$o10k" \
    "$(awk -v a="$c10k" -v b="$p1" 'BEGIN { printf "%.2f×", a / b }')" \
    "$(awk -v a="$c10k" -v b="$c1" 'BEGIN { printf "%.2f×", a / b }')" >>"$WORK/latency.md"
  timed "$name: flux audit verify" "$FLUX" audit verify --data-dir "$dir" --database-url "$url" >>"$WORK/verify.md"
  timed "$name: flux ledger verify" "$FLUX" ledger verify --data-dir "$dir" --database-url "$url" >>"$WORK/verify.md"
}

command -v jq >/dev/null || { apt-get update -qq && apt-get install -y -qq jq >/dev/null; }
printf '| %-10s | %9s | %13s | %16s | %12s | %17s | %19s |\n' backend "page 1 ms" "cursor 1 deep" "cursor $DEEP deep" "page=$DEEP" "deep ÷ page 1" "deep ÷ 1 deep" >"$WORK/latency.md"
printf '|%s|%s|%s|%s|%s|%s|%s|\n' ------------ ----------- --------------- ------------------ -------------- ------------------- --------------------- >>"$WORK/latency.md"
printf '| %-34s | %12s | %15s | %s |\n' command "wall" "max RSS" "it said" >"$WORK/verify.md"
printf '|%s|%s|%s|%s|\n' ------------------------------------ -------------- ----------------- ------ >>"$WORK/verify.md"

echo "seeding $ROWS transactions and $ROWS audit records into SQLite..." >&2
mkdir -p "$WORK/sqlite"
serve "$WORK/sqlite" "sqlite://$WORK/sqlite/flux.db" 18301; stop
t0=$(date +%s); seed_sqlite "$WORK/sqlite/flux.db"; echo "  seeded in $(( $(date +%s) - t0 )) s" >&2
measure SQLite "$WORK/sqlite" "sqlite://$WORK/sqlite/flux.db" 18301

echo "seeding $ROWS transactions and $ROWS audit records into PostgreSQL..." >&2
psql -h 127.0.0.1 -U postgres -d test -qc "CREATE DATABASE $PG_DB" >/dev/null
PG_URL=postgres://postgres@127.0.0.1:5432/$PG_DB
mkdir -p "$WORK/pg"
serve "$WORK/pg" "$PG_URL" 18302; stop
t0=$(date +%s); seed_postgres "$PG_URL"; echo "  seeded in $(( $(date +%s) - t0 )) s" >&2
measure PostgreSQL "$WORK/pg" "$PG_URL" 18302

echo "date: $(date -u +%Y-%m-%dT%H:%MZ); machine: $(nproc) cores; $ROWS transactions of one client and $ROWS audit records; GET transactions, per_page 50, median of $RUNS sequential curl requests"
cat "$WORK/latency.md"
echo
cat "$WORK/verify.md"
# The deep-cursor query plans, for the record: both must seek in the keyset index.
echo
echo "SQLite plan: $(sqlite3 "$WORK/sqlite/flux.db" "EXPLAIN QUERY PLAN SELECT id FROM transactions WHERE client_id = '$CLIENT' AND (created_at, id) < (1, 'x') ORDER BY created_at DESC, id DESC LIMIT 51" | tr '\n' ' ')"
echo "PostgreSQL plan: $(psql "$PG_URL" -At -c "EXPLAIN SELECT id FROM transactions WHERE client_id = '$CLIENT' AND (created_at, id) < (1, 'x') ORDER BY created_at DESC, id DESC LIMIT 51" | tr '\n' ' ')"
