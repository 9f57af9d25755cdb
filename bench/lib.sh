# Shared by the benchmark scripts: tools, the release build, the Fincore emulator started alone
# (Flux runs in live mode against it, as against a real Fincore), a wrk summary line, and a
# live-mode Flux with a partner, a client, a key and a destination card.
# shellcheck shell=bash
DURATION=${DURATION:-20}
CONNS=${CONNS:-32}
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
command -v jq >/dev/null || { apt-get update -qq && apt-get install -y -qq jq >/dev/null; }
./scripts/services
# BENCH_PROFILE=dev benchmarks the debug build (quicker to build; slower, so compare only runs
# of one profile).
if [ "${BENCH_PROFILE:-release}" = release ]; then
  cargo build --release -p flux -q --bin flux --example webhook_sink
  BIN=$PWD/target/release
else
  cargo build -p flux -q --bin flux --example webhook_sink
  BIN=$PWD/target/debug
fi
FLUX=$BIN/flux
WORK=$(mktemp -d)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; [ -n "${KEEP_WORK:-}" ] || rm -rf "$WORK"; }
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
  LAST_OK=$(( $(awk '/requests in/ {print $1}' <<<"$out") - non2xx ))
  LAST_RPS=$rps
}

serve_flux() { # database url, port (extra FLUX_* settings come from the environment)
  local dir="$WORK/data-$2"; mkdir -p "$dir"
  # Live mode has no Fidi X to serve the partner ledger API from: Flux's own engine serves it.
  FLUX_FINCORE_URL=http://$EMU FLUX_FINCORE_API_KEY=fincore-sandbox-api-key \
  FLUX_LEDGER_BACKEND=${FLUX_LEDGER_BACKEND:-embedded} \
  FLUX_RATE_LIMIT_PER_SECOND=1000000 FLUX_RATE_LIMIT_BURST=1000000 \
    "$FLUX" serve --addr 127.0.0.1:"$2" --data-dir "$dir" --database-url "$1" >>"$WORK/flux-$2.out" 2>>"$WORK/flux-$2.log" &
  FLUX_PID=$!
  PIDS+=("$FLUX_PID")
  until curl -sf -o /dev/null "http://127.0.0.1:$2/readyz"; do
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
  BASE=http://127.0.0.1:$2
  SOURCE=$(curl -s "$BASE/api/partners/clients/$CLIENT/accounts" -H "X-API-Key: $KEY" | jq -r '.data[0].instrument_id')
  DEST=$(curl -s -X POST "$BASE/api/partners/clients/$CLIENT/instruments" -H "X-API-Key: $KEY" -H 'content-type: application/json' -d "{\"instrumentKind\":\"debit_card\",\"source_bank_id\":\"9d84b03a-28d1-4898-a69c-38824239e2b1\",\"client_id\":\"$CLIENT\",\"type\":\"RECEIVER\",\"rfc\":\"ND\",\"alias\":\"bench\",\"debit_card\":{\"destination_bank_id\":\"3054ff18-32a0-478d-b9fe-b5261f9a6e1f\",\"card_number\":\"4772130000000003\",\"holder_name\":\"Bench\"}}" | jq -r .id)
  export KEY SOURCE DEST CLIENT
}


table_header() {
  echo "date: $(date -u +%Y-%m-%dT%H:%MZ); machine: $(nproc) cores, $(free -g | awk '/Mem/ {print $2}') GiB; wrk -t2 -c$CONNS -d${DURATION}s"
  printf '| %-52s | %10s | %9s | %9s | %7s |\n' "benchmark" "req/s" "p50" "p99" "non-2xx"
  printf '|%s|%s|%s|%s|%s|\n' "$(printf -- '-%.0s' {1..54})" "------------" "-----------" "-----------" "---------"
}
