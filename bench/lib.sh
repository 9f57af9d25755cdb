# Shared by the benchmark scripts: tools, the release build, the Fincore and Fidi X emulators
# started alone (Flux runs in live mode against them, as against the real providers), a wrk
# summary line, a live-mode Flux with a partner, a client, a key and a destination card, nginx
# as a plain reverse proxy, the webhook receiver and the inbound/delivery phases, and a
# PostgreSQL database of the run's own.
# shellcheck shell=bash
DURATION=${DURATION:-20}
CONNS=${CONNS:-32}
need() { # command, Debian package: installed from the system packages when missing
  command -v "$1" >/dev/null && return
  local sudo=; [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get update -qq && $sudo apt-get install -y -qq "$2" >/dev/null
}
need wrk wrk
need jq jq
./scripts/services
# FLUX_BIN: a flux binary already built (no build then; the webhook sink beside it is taken as
# built). Otherwise BENCH_PROFILE=dev benchmarks the debug build (quicker to build, slower, so
# compare only runs of one profile); the default is the release build.
if [ -n "${FLUX_BIN:-}" ]; then
  BIN=$(dirname "$FLUX_BIN")
elif [ "${BENCH_PROFILE:-release}" = release ]; then
  nice -n 10 cargo build --release --locked -p flux -q --bin flux --example webhook_sink
  BIN=$PWD/target/release
else
  nice -n 10 cargo build --locked -p flux -q --bin flux --example webhook_sink
  BIN=$PWD/target/debug
fi
FLUX=${FLUX_BIN:-$BIN/flux}
WORK=$(mktemp -d)
PIDS=()
DBS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  sleep 0.5
  for d in "${DBS[@]}"; do psql -h 127.0.0.1 -U postgres -d test -qc "DROP DATABASE IF EXISTS $d WITH (FORCE)" >/dev/null 2>&1 || true; done
  [ -n "${KEEP_WORK:-}" ] || rm -rf "$WORK"
}
trap cleanup EXIT

fresh_database() { # name: a new PostgreSQL database, dropped on exit; its URL in DB_URL
  psql -h 127.0.0.1 -U postgres -d test -qc "CREATE DATABASE $1" >/dev/null
  DBS+=("$1")
  DB_URL="postgres://postgres@127.0.0.1:5432/$1"
}

# BENCH_PORT_OFFSET shifts every port, for a run beside another engineer's on the same machine.
OFF=${BENCH_PORT_OFFSET:-0}
EMU=127.0.0.1:$((18100 + OFF))
"$FLUX" sandbox fincore --addr $EMU >"$WORK/emulator.log" 2>&1 &
PIDS+=($!)
# Live mode needs a Fidi X for the partner ledger API (ledger.backend = "fidix", the default):
# its emulator, alone, as for Fincore. FLUX_LEDGER_BACKEND (default embedded, as the earlier
# figures) picks which one serves.
FIDIX=127.0.0.1:$((18500 + OFF))
if "$FLUX" sandbox fidix --help >/dev/null 2>&1; then # (an older FLUX_BIN has no such command)
  "$FLUX" sandbox fidix --addr $FIDIX --books "$WORK/fidix-emulator.db" >"$WORK/fidix.log" 2>&1 &
  PIDS+=($!)
  until curl -s -o /dev/null "http://$FIDIX/"; do
    kill -0 "${PIDS[-1]}" 2>/dev/null || { echo "flux sandbox fidix exited:" >&2; cat "$WORK/fidix.log" >&2; exit 1; }
    sleep 0.2
  done
fi
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
  LAST_OK=$(( $(awk '/requests in/ {print $1}' <<<"$out") - non2xx ))
  LAST_RPS=$rps
  LAST_P50=$p50
}

ms() { # a wrk latency (850.00us, 1.20ms, 1.01s) in milliseconds
  awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /s$/) n *= 1000; printf "%.2f", n }'
}

serve_flux() { # database url, port (extra FLUX_* settings come from the environment; FLUX_WRAP
  # prefixes the command, e.g. with valgrind)
  local dir="$WORK/data-$2"; mkdir -p "$dir"
  local port=$(($2 + OFF))
  FLUX_FINCORE_URL=http://$EMU FLUX_FINCORE_API_KEY=fincore-sandbox-api-key \
  FLUX_FIDIX_URL=http://$FIDIX FLUX_FIDIX_CLIENT_ID=flux-sandbox FLUX_FIDIX_CLIENT_SECRET=flux-sandbox-secret \
  FLUX_LEDGER_BACKEND=${FLUX_LEDGER_BACKEND:-embedded} \
  FLUX_RATE_LIMIT_PER_SECOND=1000000 FLUX_RATE_LIMIT_BURST=1000000 \
    ${FLUX_WRAP:-} "$FLUX" serve --addr 127.0.0.1:"$port" --data-dir "$dir" --database-url "$1" >>"$WORK/flux-$2.out" 2>>"$WORK/flux-$2.log" &
  FLUX_PID=$!
  PIDS+=("$FLUX_PID")
  until curl -sf -o /dev/null "http://127.0.0.1:$port/readyz"; do
    kill -0 "$FLUX_PID" 2>/dev/null || { echo "flux serve exited:" >&2; tail -5 "$WORK/flux-$2.log" >&2; exit 1; }
    sleep 0.2
  done
}

start_flux() { # database url, port: a running Flux with a partner, client, key and card
  serve_flux "$1" "$2"
  local dir="$WORK/data-$2"
  local partner; partner=$("$FLUX" partner create --name bench --data-dir "$dir" --database-url "$1")
  FLUX_CLIENT_SECRET=sandbox-demo-secret "$FLUX" partner add-client --partner "$partner" --client-id $CLIENT --data-dir "$dir" --database-url "$1" >/dev/null
  # Its books open from Fincore's balance (serve would only do it at its next start): without
  # them every money-out is 422 insufficient_funds.
  FLUX_FINCORE_URL=http://$EMU FLUX_FINCORE_API_KEY=fincore-sandbox-api-key \
    "$FLUX" ledger open-balance --client-id $CLIENT --operator bench --data-dir "$dir" --database-url "$1" >/dev/null
  KEY=$("$FLUX" key create --partner "$partner" --data-dir "$dir" --database-url "$1" 2>/dev/null)
  BASE=http://127.0.0.1:$(($2 + OFF))
  SOURCE=$(curl -s "$BASE/api/partners/clients/$CLIENT/accounts" -H "X-API-Key: $KEY" | jq -r '.data[0].instrument_id')
  DEST=$(curl -s -X POST "$BASE/api/partners/clients/$CLIENT/instruments" -H "X-API-Key: $KEY" -H 'content-type: application/json' -d "{\"instrumentKind\":\"debit_card\",\"source_bank_id\":\"9d84b03a-28d1-4898-a69c-38824239e2b1\",\"client_id\":\"$CLIENT\",\"type\":\"RECEIVER\",\"rfc\":\"ND\",\"alias\":\"bench\",\"debit_card\":{\"destination_bank_id\":\"3054ff18-32a0-478d-b9fe-b5261f9a6e1f\",\"card_number\":\"4772130000000003\",\"holder_name\":\"Bench\"}}" | jq -r .id)
  export KEY SOURCE DEST CLIENT
}


table_header() {
  echo "date: $(date -u +%Y-%m-%dT%H:%MZ); machine: $(nproc) cores, $(free -g | awk '/Mem/ {print $2}') GiB; wrk -t2 -c$CONNS -d${DURATION}s"
  printf '| %-52s | %10s | %9s | %9s | %7s |\n' "benchmark" "req/s" "p50" "p99" "non-2xx"
  printf '|%s|%s|%s|%s|%s|\n' "$(printf -- '-%.0s' {1..54})" "------------" "-----------" "-----------" "---------"
}

rss_of() { # pid: "VmHWM (peak) / VmRSS (now)" in MB
  awk '/VmHWM|VmRSS/ {v[$1]=$2} END {printf "%.0f MB peak / %.0f MB now", v["VmHWM:"]/1024, v["VmRSS:"]/1024}' "/proc/$1/status"
}

NGINX_PORT=$((18080 + OFF))
start_nginx() { # a plain reverse proxy to the Fincore emulator: 2 workers, keepalive upstream
  need nginx nginx
  local dir="$WORK/nginx"; mkdir -p "$dir/logs"
  cat >"$dir/nginx.conf" <<CONF
worker_processes 2;
daemon off;
pid $dir/nginx.pid;
error_log $dir/logs/error.log warn;
events { worker_connections 4096; }
http {
  access_log $dir/logs/access.log;
  client_body_temp_path $dir/client_body;
  proxy_temp_path $dir/proxy;
  fastcgi_temp_path $dir/fastcgi;
  uwsgi_temp_path $dir/uwsgi;
  scgi_temp_path $dir/scgi;
  upstream fincore { server $EMU; keepalive 64; }
  server {
    listen 127.0.0.1:$NGINX_PORT;
    location / {
      proxy_pass http://fincore;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }
}
CONF
  "$(command -v nginx || echo /usr/sbin/nginx)" -p "$dir" -c "$dir/nginx.conf" >"$dir/logs/stdout.log" 2>&1 &
  NGINX_PID=$!
  PIDS+=("$NGINX_PID")
  until curl -s -o /dev/null "http://127.0.0.1:$NGINX_PORT/"; do
    kill -0 "$NGINX_PID" 2>/dev/null || { echo "nginx exited:" >&2; cat "$dir/logs/"*.log >&2; exit 1; }
    sleep 0.1
  done
}

SINK=127.0.0.1:$((18200 + OFF))
start_sink() { # the partner's webhook receiver (counts and times what it is sent)
  "$BIN/examples/webhook_sink" $SINK >"$WORK/sink.log" 2>&1 &
  PIDS+=($!)
  until curl -sf -o /dev/null "http://$SINK/stats"; do sleep 0.1; done
  export INBOUND_TOKEN=bench-inbound-token
}

inbound_phase() { # label, database url, port; INBOUND_DURATION (default DURATION) seconds of it
  # Delivery is off in this phase so it does not compete for the CPU: everything stays queued.
  FLUX_WEBHOOK_WORKERS=0 FLUX_FINCORE_WEBHOOK_TOKEN=$INBOUND_TOKEN FLUX_WEBHOOK_ALLOWED_PRIVATE_HOSTS=127.0.0.1 \
    start_flux "$2" "$3"
  CLABE=$(curl -s "$BASE/api/partners/clients/$CLIENT/accounts" -H "X-API-Key: $KEY" | jq -r '.data[0].clabe')
  export CLABE
  curl -sf -o /dev/null -X POST "$BASE/api/partners/clients/$CLIENT/webhooks" -H "X-API-Key: $KEY" -H 'content-type: application/json' \
    -d "{\"client_id\":\"$CLIENT\",\"url\":\"http://$SINK/hooks\",\"token\":\"bench-partner-token\",\"webhook_type\":\"MONEY_IN\"}"
  local d=$DURATION; DURATION=${INBOUND_DURATION:-$DURATION}
  wrk_summary "(c) inbound MONEY_IN acked durably, $1" -s bench/inbound_money_in.lua "$BASE/api/webhooks/money-in"
  DURATION=$d
  QUEUED=$LAST_OK
  kill "$FLUX_PID"; wait "$FLUX_PID" 2>/dev/null || true
}

delivery_phase() { # label, database url, port: Flux restarted with delivery on drains the queue
  curl -sf -X DELETE "http://$SINK/stats"
  FLUX_FINCORE_WEBHOOK_TOKEN=$INBOUND_TOKEN FLUX_WEBHOOK_ALLOWED_PRIVATE_HOSTS=127.0.0.1 serve_flux "$2" "$3"
  local deadline=$((SECONDS + 600)) count=0 last=-1
  # Until every acknowledged event arrived and nothing more comes (a request wrk gave up on
  # may still have been stored and queued).
  while (( (count < QUEUED || count != last) && SECONDS < deadline )); do
    last=$count
    sleep 1
    count=$(curl -s "http://$SINK/stats" | jq -r .count)
  done
  local stats; stats=$(curl -s "http://$SINK/stats")
  local span first last10; span=$(jq -r .span_s <<<"$stats")
  first=$(jq -r .first_tenth_per_s <<<"$stats"); last10=$(jq -r .last_tenth_per_s <<<"$stats")
  DELIVERY_RATE=$(awk -v n="$count" -v s="$span" 'BEGIN { if (s > 0) printf "%.2f", (n - 1) / s; else print "n/a" }')
  DELIVERY_TENTHS="first 10 % at $first/s, last 10 % at $last10/s"
  printf '| %-52s | %10s | %9s | %9s | %7s |\n' "(d) deliveries to a local receiver, $1" "$DELIVERY_RATE" "-" "-" "$((QUEUED - count))"
  echo "    ($1: $QUEUED queued, $count delivered in ${span}s, $DELIVERY_TENTHS; the last column counts undelivered)"
  # The dispatcher's claims, from Flux's own metrics: deliveries per claim and its latency.
  curl -s "$BASE/metrics" | awk -v b="$1" '
    /^flux_webhook_claim_size_sum/ {ss=$2} /^flux_webhook_claim_size_count/ {sc=$2}
    /^flux_webhook_claim_duration_seconds_sum/ {ds=$2}
    END { if (sc > 0) printf "    (%s: %d claims, %.1f deliveries per claim, %.2f ms per claim)\n", b, sc, ss/sc, 1000*ds/sc }'
  kill "$FLUX_PID"; wait "$FLUX_PID" 2>/dev/null || true
}
