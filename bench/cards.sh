#!/usr/bin/env bash
# Card fundings per second, durably, through Flux on SQLite and on PostgreSQL, each side by side
# with the same funding made straight at the NeCIPCo emulator, in one run:
#  (c) direct: POST /v1/cards/payment at the emulator with a logged-in Bearer token, 0.01 to a
#      card given by its NeCIPCo id, spread over 16 active virtual cards of the program;
#  (c) Flux: POST /api/partners/clients/{id}/cards/{cardId}/fund, 0.01, a unique
#      Idempotency-Key per request, spread over 16 active virtual cards. Each answer is a 201
#      only after the key's claim, the transfer's intent and hold, its claim on the NeCIPCo call,
#      NeCIPCo's answer and the completion with its postings are committed.
# The NeCIPCo emulator runs alone (`flux sandbox necipco`, in memory), a fresh one for each store;
# the Fincore emulator runs alone as in bench/run.sh (the card program's top-up is a SPEI
# payment from the client's Fincore funds); Flux runs in live mode against both. Setup through
# Flux's API: a cardholder, 16 cards activated, a 2000.00 card-program top-up waited until
# COMPLETED (Flux runs with Fincore's webhooks and frequent resolver rounds for it, then is
# restarted with the defaults). The direct run's 16 cards are made at the emulator under Flux's
# program (its master client). After each Flux run, `flux reconcile` (Fincore, the program and
# every card at NeCIPCo against Flux's books) must find no balance difference; it is printed.
# wrk: 2 threads, CONNS connections (32), DURATION seconds (15 here).
#   bash bench/cards.sh
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-15}
source bench/lib.sh
DB=flux_bench_cards_$$
trap 'cleanup; psql -h 127.0.0.1 -U postgres -d test -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true' EXIT

NEC=127.0.0.1:18400
NCARDS=${NCARDS:-16}
AT='"latitude":"19.43260","longitude":"-99.13320"'
# Flux's program at the standalone emulator (crates/flux/src/sandbox.rs), and a valid CLABE no
# emulator holds as its funding account (providers/necipco/src/gateway/start.rs).
export FLUX_NECIPCO_URL=http://$NEC/v1 FLUX_NECIPCO_API_KEY=flux-sandbox FLUX_NECIPCO_PASSWORD=sandbox-demo-password
export FLUX_NECIPCO_FUNDING_CLABE=646180990000000012

start_necipco() { # a fresh NeCIPCo emulator, alone
  if [ -n "${NEC_PID:-}" ]; then kill "$NEC_PID"; wait "$NEC_PID" 2>/dev/null || true; fi
  "$FLUX" sandbox necipco --addr $NEC >>"$WORK/necipco.log" 2>&1 &
  NEC_PID=$!
  PIDS+=("$NEC_PID")
  until curl -s -o /dev/null "http://$NEC/v1/products"; do
    kill -0 "$NEC_PID" 2>/dev/null || { echo "the NeCIPCo emulator exited:" >&2; tail -5 "$WORK/necipco.log" >&2; exit 1; }
    sleep 0.2
  done
}

necipco_token() { # the program's Bearer token: NeCIPCo answers it in the Authorization header
  curl -s -D - -o /dev/null -X POST "http://$NEC/v1/auth/login" -H 'content-type: application/json' \
    -d "{\"api_client\":{\"api_key\":\"$FLUX_NECIPCO_API_KEY\",\"password\":\"$FLUX_NECIPCO_PASSWORD\"}}" \
    | tr -d '\r' | awk 'tolower($1)=="authorization:" && $2=="Bearer" {print $3}'
}

HOLDER='{"first_name":"Juan","second_name":"Carlos","surname":"Perez","second_surname":"Gomez","rfc":"PEGJ900101AB8","curp":"PEGJ900101HDFRRN09","email":"juan.perez@example.com","primary_phone":"5512345678","mobile_phone":"5587654321","street":"Av. Siempre Viva","ext_street_number":"742","suburb":"Napoles","city":"CDMX","state":"CDMX","postal_code":"03810","birthdate":"1990-01-01","gender":"MALE","marital_status":"SOLTERO","has_kids":false'

direct_cards() { # NCARDS active cards of the program straight at the emulator; sets NEC_TOKEN, NEC_CARDS
  # Run after Flux started: Flux registered its public key for the program, which the emulator
  # needs before it issues cards (the card numbers it answers are ciphered for that key).
  NEC_TOKEN=$(necipco_token)
  local auth="Authorization: Bearer $NEC_TOKEN" e=http://$NEC/v1 holder product card
  holder=$(curl -s -X POST "$e/cardholders" -H "$auth" -H 'content-type: application/json' -d "$HOLDER,\"gross_monthly_income\":20000.00}" | jq -r .data.cardholder.id)
  product=$(curl -s "$e/products" -H "$auth" | jq -r '.data.products.detail[0].id')
  NEC_CARDS=""
  for _ in $(seq "$NCARDS"); do
    card=$(curl -s -X POST "$e/cards/virtual" -H "$auth" -H 'content-type: application/json' \
      -d "{\"product\":\"$product\",\"cardholder_id\":\"$holder\",\"document_type\":\"INE\",\"document_number\":\"1234567890\",\"observations\":\"bench\",\"latitude\":19.43260,\"longitude\":-99.13320}" | jq -r .data.card.id)
    curl -sf -o /dev/null -X POST "$e/cards/activate" -H "$auth" -H 'content-type: application/json' \
      -d "{\"card_number\":\"$card\",\"latitude\":19.43260,\"longitude\":-99.13320}" || { echo "activating card $card at the emulator failed" >&2; exit 1; }
    NEC_CARDS="$NEC_CARDS $card"
  done
}

flux_cards() { # a cardholder, NCARDS active cards and a funded card program, through Flux; sets FLUX_CARDS
  local api=$BASE/api/partners/clients/$CLIENT holder card r
  holder=$(curl -s -X POST "$api/cardholders" -H "X-API-Key: $KEY" -H 'content-type: application/json' -d "$HOLDER,\"gross_monthly_income\":\"20000.00\"}" | jq -r .id)
  [ "$holder" != null ] || { echo "creating a cardholder through Flux failed" >&2; exit 1; }
  FLUX_CARDS=""
  for _ in $(seq "$NCARDS"); do
    card=$(curl -s -X POST "$api/cards" -H "X-API-Key: $KEY" -H 'content-type: application/json' \
      -d "{\"cardholder_id\":\"$holder\",\"type\":\"VIRTUAL\",\"document_type\":\"INE\",\"document_number\":\"1234567890\",$AT}" | jq -r .id)
    curl -sf -o /dev/null -X POST "$api/cards/$card/activate" -H "X-API-Key: $KEY" -H 'content-type: application/json' -d "{$AT}" \
      || { echo "activating card $card through Flux failed" >&2; exit 1; }
    FLUX_CARDS="$FLUX_CARDS $card"
  done
  r=$(curl -s -X POST "$api/card-program/top-ups" -H "X-API-Key: $KEY" -H 'content-type: application/json' \
    -H "Idempotency-Key: bench-top-up-$$" -d '{"amount":"2000.00"}')
  local top_up; top_up=$(jq -r .id <<<"$r")
  [ "$top_up" != null ] || { echo "the card-program top-up was refused: $r" >&2; exit 1; }
  for _ in $(seq 600); do
    r=$(curl -s "$api/card-program/top-ups/$top_up" -H "X-API-Key: $KEY" | jq -r .status)
    [ "$r" = COMPLETED ] && return 0
    [ "$r" = FAILED ] && { echo "the card-program top-up FAILED" >&2; exit 1; }
    sleep 0.2
  done
  echo "the card-program top-up never completed (last: $r)" >&2; exit 1
}

reconcile() { # database url, port, label: Flux's books against Fincore and NeCIPCo, card by card
  local out rc=0 differences
  sleep 1 # fundings wrk cut off at its deadline have finished what they will finish
  out=$(FLUX_FINCORE_URL=http://$EMU FLUX_FINCORE_API_KEY=fincore-sandbox-api-key \
    "$FLUX" reconcile --data-dir "$WORK/data-$2" --database-url "$1" 2>&1) || rc=$?
  differences=$(sed -n 's/.* compared, \([0-9]*\) difference(s).*/\1/p' <<<"$out")
  echo "    flux reconcile ($3): exit $rc; $(tail -n 1 <<<"$out")"
  grep -v '  card ' <<<"$out" | sed 's/^/      /'
  echo "      ($(grep -c '  card ' <<<"$out") card rows, each with a difference of $(grep '  card ' <<<"$out" | awk '{print $NF}' | sort -u | paste -sd, -))"
  echo "    card program at Flux: $(curl -s "$BASE/api/partners/clients/$CLIENT/card-program" -H "X-API-Key: $KEY" | jq -c '{program, provider}')"
  # A funding whose connection wrk closed at its deadline can be left PENDING, its hold kept,
  # until the resolver decides it from the card's movements (after resolver.after_s): reconcile
  # lists those holds as problems. Every balance must still agree with the provider's.
  if [ "$rc" != 0 ] && { [ "$differences" != 0 ] || grep -v '^PROBLEM (hold)' <<<"$out" | grep -q '^PROBLEM'; }; then
    echo "the books do not reconcile after the run on $3" >&2; exit 1
  fi
}

cards_bench() { # label, database url, port
  start_necipco
  start_flux "$2" "$3"
  kill "$FLUX_PID"; wait "$FLUX_PID" 2>/dev/null || true
  # Setup with Fincore's webhooks registered for the client (done at start-up; Fincore has no
  # transaction read, so the top-up's SPEI payment completes by its webhook) and frequent
  # resolver rounds (they order the program credit once the payment completed)...
  FLUX_PUBLIC_URL=http://127.0.0.1:$3 FLUX_RESOLVER_INTERVAL_MS=300 serve_flux "$2" "$3"
  flux_cards
  kill "$FLUX_PID"; wait "$FLUX_PID" 2>/dev/null || true
  # ...then Flux as configured by default for the run.
  serve_flux "$2" "$3"
  direct_cards
  MODE=direct TOKEN=$NEC_TOKEN CARDS=$NEC_CARDS wrk_summary "(c) card fundings, straight to the emulator" -s bench/cards.lua "http://$NEC"
  local direct=$LAST_RPS
  # One by hand first: a setup problem shows here as a message, not as a column of non-2xx.
  local first card=${FLUX_CARDS%% *}; card=${FLUX_CARDS# }; card=${card%% *}
  first=$(curl -s -w ' %{http_code}' -X POST "$BASE/api/partners/clients/$CLIENT/cards/$card/fund" -H "X-API-Key: $KEY" \
    -H 'content-type: application/json' -H "Idempotency-Key: bench-first-$3" -d "{\"amount\":\"0.01\",$AT}")
  [ "${first##* }" = 201 ] || { echo "a card funding through Flux failed: $first" >&2; exit 1; }
  MODE=flux CARDS=$FLUX_CARDS BASE_PATH=/api/partners/clients/$CLIENT wrk_summary "(c) card fundings through Flux ($1)" -s bench/cards.lua "$BASE"
  keeps "$1" "$LAST_RPS" "$direct"
  reconcile "$2" "$3" "$1"
  kill "$FLUX_PID"; wait "$FLUX_PID" 2>/dev/null || true
}

keeps() { # label, Flux's rate, the direct rate
  echo "    ($1: Flux keeps $(awk -v f="$2" -v d="$3" 'BEGIN { printf "%.0f", 100 * f / d }') % of the direct rate)"
}

table_header
echo "load average before the run: $(cut -d' ' -f1-3 /proc/loadavg) (anything else using the 2 cores skews every row)"
cards_bench "SQLite" "sqlite://$WORK/data-18031/flux.db" 18031
psql -h 127.0.0.1 -U postgres -d test -qc "CREATE DATABASE $DB" >/dev/null
cards_bench "PostgreSQL" "postgres://postgres@127.0.0.1:5432/$DB" 18032
